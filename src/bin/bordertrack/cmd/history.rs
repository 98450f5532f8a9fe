//! `bordertrack history`: every change of a segment or dyad with its provenance.

use std::path::{Path, PathBuf};

use bordertrack::query::history;
use bordertrack::report::{Cell, RowWriter};

use crate::args::HistoryArgs;
use crate::output::{self, Output};
use crate::Failure;

/// The columns written, in order.
pub const COLUMNS: &[&str] = &[
    "date",
    "segment_id",
    "dyad",
    "delimitation",
    "demarcation",
    "instrument_id",
    "instrument_kind",
    "instrument_title",
    "signed",
    "in_force",
    "source_id",
    "source_title",
    "source_url",
    "note",
];

/// Runs the command.
pub fn run(data_dir: Option<&Path>, args: &HistoryArgs) -> Result<(), Failure> {
    let data = super::load(data_dir)?;
    if let Some(id) = &args.segment {
        if data.segment(id).is_none() {
            return Err(Failure::Usage(format!("no segment {id:?} in the dataset")));
        }
    }
    if let Some(d) = args.dyad {
        if !data.dyads().contains(&d) {
            return Err(Failure::Usage(format!(
                "no segments of dyad {d} in the dataset"
            )));
        }
    }
    let entries = history(&data, args.basis.into(), |s| {
        match (&args.segment, args.dyad) {
            (Some(id), _) => &s.id == id,
            (None, Some(d)) => s.dyad == d,
            (None, None) => true,
        }
    });
    let inputs = super::inputs(data_dir);
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let mut out = Output::open(&args.out, &inputs)?;
    let mut w = RowWriter::new(&mut out, output::format(&args.out)?, COLUMNS)?;
    for e in entries {
        let ins = e.instrument;
        let cells = [
            e.effective
                .map_or(Cell::Empty, |d| Cell::text(d.to_string())),
            Cell::text(&e.segment.id),
            Cell::text(e.segment.dyad.to_string()),
            e.change
                .delimitation
                .map_or(Cell::Empty, |d| Cell::text(d.as_str())),
            e.change
                .demarcation
                .map_or(Cell::Empty, |d| Cell::text(d.as_str())),
            ins.map_or(Cell::Empty, |i| Cell::text(&i.id)),
            ins.map_or(Cell::Empty, |i| Cell::text(i.kind.as_str())),
            ins.map_or(Cell::Empty, |i| Cell::text(&i.title)),
            ins.map_or(Cell::Empty, |i| Cell::text(i.signed.to_string())),
            ins.and_then(|i| i.in_force)
                .map_or(Cell::Empty, |d| Cell::text(d.to_string())),
            Cell::text(&e.change.source_id),
            e.source.map_or(Cell::Empty, |s| Cell::text(&s.title)),
            e.source.map_or(Cell::Empty, |s| Cell::text(&s.url)),
            Cell::text(&e.change.note),
        ];
        w.write(&cells, None)?;
    }
    w.finish()?;
    out.commit()?;
    Ok(())
}
