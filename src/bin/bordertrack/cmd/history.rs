//! `bordertrack history`: every change of a segment or dyad with its provenance; each row
//! carries the segment's line (GeoJSON), and each partial date its first and last day.

use std::path::{Path, PathBuf};

use bordertrack::query::history;
use bordertrack::report::{Cell, RowWriter};
use geo::Geometry;

use crate::args::HistoryArgs;
use crate::output::{self, Output};
use crate::Failure;

/// The columns written, in order.
pub const COLUMNS: &[&str] = &[
    "date",
    "date_start",
    "date_end",
    "segment_id",
    "dyad",
    "delimitation",
    "demarcation",
    "instrument_id",
    "instrument_kind",
    "instrument_title",
    "signed",
    "signed_start",
    "signed_end",
    "in_force",
    "in_force_start",
    "in_force_end",
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
        let [date, date_start, date_end] = super::date_cells(e.effective);
        let [signed, signed_start, signed_end] = super::date_cells(ins.map(|i| i.signed));
        let [in_force, in_force_start, in_force_end] =
            super::date_cells(ins.and_then(|i| i.in_force));
        let cells = [
            date,
            date_start,
            date_end,
            Cell::text(&e.segment.id),
            Cell::text(e.segment.dyad.to_string()),
            e.change
                .delimitation()
                .map_or(Cell::Empty, |d| Cell::text(d.as_str())),
            e.change
                .demarcation()
                .map_or(Cell::Empty, |d| Cell::text(d.as_str())),
            ins.map_or(Cell::Empty, |i| Cell::text(&i.id)),
            ins.map_or(Cell::Empty, |i| Cell::text(i.kind.as_str())),
            ins.map_or(Cell::Empty, |i| Cell::text(&i.title)),
            signed,
            signed_start,
            signed_end,
            in_force,
            in_force_start,
            in_force_end,
            Cell::text(&e.change.source_id),
            e.source.map_or(Cell::Empty, |s| Cell::text(&s.title)),
            e.source.map_or(Cell::Empty, |s| Cell::text(&s.url)),
            Cell::text(&e.change.note),
        ];
        // GeoJSON: the segment's line, never a null geometry.
        w.write(&cells, Some(&Geometry::LineString(e.segment.line.clone())))?;
    }
    w.finish()?;
    out.commit()?;
    Ok(())
}
