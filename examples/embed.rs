//! Embed the library through its façade: classify an incident table with the library's
//! streaming, parallel pipeline and write the classified incidents as CSV on stdout, exactly
//! as `bordertrack incidents FILE --format csv` writes them.
//!
//! ```text
//! cargo run --example embed -- incidents.csv                 # embedded dataset, within 1 km
//! cargo run --example embed -- incidents.csv my-dataset 5km
//! ```
//!
//! Bad rows are reported on stderr and skipped.

use std::io::Write;
use std::ops::ControlFlow;

use bordertrack::io::{parse_distance_m, IncidentReader};
use bordertrack::pipeline::{IncidentLayer, Stop, TableOptions, TableSummary};
use bordertrack::query::IncidentQuery;
use bordertrack::report::{Format, RowWriter};
use bordertrack::Borders;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let file = args
        .next()
        .ok_or("usage: embed FILE.csv [DATASET_DIR] [DISTANCE]")?;
    let borders = match args.next() {
        Some(dir) => Borders::load(dir)?,
        None => Borders::embedded()?,
    };
    let within_m = parse_distance_m(args.next().as_deref().unwrap_or("1km"))?;
    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let summary = classify_csv(&borders, &file, within_m, stdout)?;
    eprintln!(
        "{} incidents read, {} on a stretch, {} bad rows",
        summary.read, summary.matched, summary.bad
    );
    Ok(())
}

/// Classifies the incidents of `file` within `within_m` metres of the borders, each at its
/// own date, and writes those on a stretch as CSV to `out`; bad rows go to stderr.
pub fn classify_csv(
    borders: &Borders,
    file: &str,
    within_m: f64,
    out: impl Write,
) -> Result<TableSummary, Box<dyn std::error::Error>> {
    // Any status and dyad, each incident at its own date, keeping possible matches.
    let query = IncidentQuery::within(within_m);
    let mut reader = IncidentReader::from_path(file)?;
    // The table's own columns, then the classification's.
    let schema = IncidentLayer::schema_for(reader.columns().as_deref(), "", false)?;
    let mut sink = RowWriter::with_schema(out, Format::Csv, &schema)?;
    let summary = borders.classify_table(
        &mut reader,
        &query,
        TableOptions::default(),
        &mut sink,
        &mut |problem| {
            eprintln!("{problem}");
            ControlFlow::Continue(())
        },
    )?;
    if summary.stopped == Some(Stop::InputEndedEarly) {
        return Err("the input could not be read to its end".into());
    }
    sink.finish()?.flush()?;
    Ok(summary)
}
