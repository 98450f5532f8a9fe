//! `bordertrack stats`: per-dyad lengths by status, as of a date or as a time series; each row
//! carries the dyad's lines (a MultiLineString in GeoJSON). Glue around the library's `stats`
//! layer ([`bordertrack::layers::STATS`]).

use std::path::Path;

use bordertrack::layers;
use bordertrack::report::RowWriter;
use bordertrack::{Borders, DateSpan, PartialDate};
use jiff::ToSpan;

use crate::args::{StatsArgs, Step};
use crate::output::{self};
use crate::Failure;

/// The dates of a series from `from` to `to` by `step`, each as the span it names.
pub fn series(from: PartialDate, to: PartialDate, step: Step) -> Result<Vec<DateSpan>, Failure> {
    if to.last() < from.first() {
        return Err(Failure::Usage(format!("--to {to} is before --from {from}")));
    }
    let mut out = Vec::new();
    let mut day = from.first();
    let by = match step {
        Step::Year => 1.year(),
        Step::Month => 1.month(),
    };
    while day <= to.last() {
        out.push(DateSpan::day(day));
        if out.len() > 100_000 {
            return Err(Failure::Usage(
                "time series longer than 100000 steps".into(),
            ));
        }
        day = match day.checked_add(by) {
            Ok(d) => d,
            Err(_) => break,
        };
    }
    Ok(out)
}

/// Runs the command.
pub fn run(data_dir: Option<&Path>, args: &StatsArgs) -> Result<(), Failure> {
    let borders = Borders::new(super::load(data_dir)?)?;
    let data = borders.dataset();
    let dyads = match args.dyad {
        Some(d) if data.dyads().contains(&d) => vec![d],
        Some(d) => {
            return Err(Failure::Usage(format!(
                "no segments of dyad {d} in the dataset"
            )))
        }
        None => data.dyads(),
    };
    let (dates, is_series) = match (args.from, args.to) {
        (Some(f), Some(t)) => (series(f, t, args.step)?, true),
        _ => (vec![super::as_of(&args.when)], false),
    };
    let mut out = super::open_output(data_dir, &[], &args.out)?;
    let schema = layers::stats_schema(is_series);
    let mut sink = RowWriter::with_schema(&mut out, output::format(&args.out)?, &schema)?;
    // GeoJSON: each dyad's lines, never a null geometry.
    layers::write_stats(
        &borders,
        &dyads,
        &dates,
        args.when.basis.into(),
        is_series,
        args.pov,
        &mut sink,
    )?;
    sink.finish()?;
    out.commit()?;
    Ok(())
}
