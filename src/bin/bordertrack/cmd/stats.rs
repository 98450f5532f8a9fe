//! `bordertrack stats`: per-dyad lengths by status, as of a date or as a time series; each row
//! carries the dyad's lines (a MultiLineString in GeoJSON).

use std::path::{Path, PathBuf};

use bordertrack::query::{dyad_stats, StatusTimelines};
use bordertrack::report::{Cell, RowWriter};
use bordertrack::{DateSpan, PartialDate};
use geo::{Geometry, MultiLineString};
use jiff::ToSpan;

use crate::args::{StatsArgs, Step};
use crate::output::{self, Output};
use crate::Failure;

/// The columns written, in order (a series adds `as_of` in front). Each dimension's `_km`
/// columns add up to `length_km`; a status word in a column name means what it means in `--on`.
pub const COLUMNS: &[&str] = &[
    "dyad",
    "length_km",
    "delimited_km",
    "disputed_km",
    "undelimited_km",
    "delimitation_unknown_km",
    "delimitation_ambiguous_km",
    "demarcated_km",
    "in_progress_km",
    "undemarcated_km",
    "demarcation_unknown_km",
    "demarcation_ambiguous_km",
    "delimited_pct",
    "demarcated_pct",
];

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
    let data = super::load(data_dir)?;
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
    let timelines = StatusTimelines::new(&data, args.when.basis.into());
    let lengths: Vec<f64> = data.segments().iter().map(|s| s.length_m()).collect();
    let mut columns: Vec<&str> = Vec::new();
    if is_series {
        columns.push("as_of");
    }
    columns.extend_from_slice(COLUMNS);
    let inputs = super::inputs(data_dir);
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let mut out = Output::open(&args.out, &inputs)?;
    let mut w = RowWriter::new(&mut out, output::format(&args.out)?, &columns)?;
    let km = |m: f64| Cell::Float(m / 1000.0, 3);
    // GeoJSON: each dyad's lines, never a null geometry.
    let lines: Vec<Geometry<f64>> = dyads
        .iter()
        .map(|&d| {
            Geometry::MultiLineString(MultiLineString::new(
                data.segments()
                    .iter()
                    .filter(|s| s.dyad == d)
                    .map(|s| s.line.clone())
                    .collect(),
            ))
        })
        .collect();
    for at in &dates {
        for (&d, line) in dyads.iter().zip(&lines) {
            let s = dyad_stats(&data, &timelines, &lengths, d, *at);
            let mut cells = Vec::with_capacity(columns.len());
            if is_series {
                cells.push(Cell::text(at.to_string()));
            }
            cells.extend([
                Cell::text(d.to_string()),
                km(s.length_m),
                km(s.delimited_m),
                km(s.disputed_m),
                km(s.undelimited_m),
                km(s.delimitation_unknown_m),
                km(s.delimitation_ambiguous_m),
                km(s.demarcated_m),
                km(s.in_progress_m),
                km(s.undemarcated_m),
                km(s.demarcation_unknown_m),
                km(s.demarcation_ambiguous_m),
                Cell::Float(s.delimited_pct(), 2),
                Cell::Float(s.demarcated_pct(), 2),
            ]);
            w.write(&cells, Some(line))?;
        }
    }
    w.finish()?;
    out.commit()?;
    Ok(())
}
