//! `bordertrack segments`: each segment with its status as of a date.

use std::path::{Path, PathBuf};

use bordertrack::query::StatusTimelines;
use bordertrack::report::{Cell, RowWriter};
use geo::Geometry;

use crate::args::SegmentsArgs;
use crate::output::{self, Output};
use crate::Failure;

/// The columns written, in order.
pub const COLUMNS: &[&str] = &[
    "segment_id",
    "dyad",
    "left",
    "right",
    "name",
    "length_km",
    "delimitation",
    "demarcation",
    "since",
    "since_start",
    "since_end",
    "instrument_id",
    "extent",
    "ambiguity",
];

/// Runs the command.
pub fn run(data_dir: Option<&Path>, args: &SegmentsArgs) -> Result<(), Failure> {
    let data = super::load(data_dir)?;
    let at = super::as_of(&args.when);
    if let Some(d) = args.dyad {
        if !data.dyads().contains(&d) {
            return Err(Failure::Usage(format!(
                "no segments of dyad {d} in the dataset"
            )));
        }
    }
    let timelines = StatusTimelines::new(&data, args.when.basis.into());
    let inputs = super::inputs(data_dir);
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let reprojection = super::reprojection(args.crs.as_ref(), "--crs")?;
    let mut out = Output::open(&args.out, &inputs)?;
    let format = output::format(&args.out)?;
    let mut w = match &reprojection {
        Some(r) => RowWriter::new_in_crs(&mut out, format, COLUMNS, r.crs())?,
        None => RowWriter::new(&mut out, format, COLUMNS)?,
    };
    for (i, seg) in data.segments().iter().enumerate() {
        if args.dyad.is_some_and(|d| d != seg.dyad) {
            continue;
        }
        let st = timelines.at(i, at);
        if let Some(f) = &args.on {
            if !st.may_match(f) {
                continue;
            }
        }
        let since = st.since();
        let cells = [
            Cell::text(&seg.id),
            Cell::text(seg.dyad.to_string()),
            Cell::text(seg.left.as_str()),
            Cell::text(seg.right.as_str()),
            Cell::text(&seg.name),
            Cell::Float(seg.length_m() / 1000.0, 3),
            Cell::text(st.delimitation_word()),
            Cell::text(st.demarcation_word()),
            since.map_or(Cell::Empty, |e| Cell::text(e.effective.to_string())),
            since.map_or(Cell::Empty, |e| Cell::text(e.effective.first.to_string())),
            since.map_or(Cell::Empty, |e| Cell::text(e.effective.last.to_string())),
            since
                .and_then(|e| data.changes().get(e.by))
                .and_then(|c| c.instrument_id.clone())
                .map_or(Cell::Empty, Cell::text),
            Cell::text(seg.extent.as_str()),
            Cell::text(st.ambiguity()),
        ];
        let mut line = seg.line.clone();
        if let Some(r) = &reprojection {
            r.from_wgs84(&mut line.0)
                .map_err(|e| format!("segment {}: {e}", seg.id))?;
        }
        w.write(&cells, Some(&Geometry::LineString(line)))?;
    }
    w.finish()?;
    out.commit()?;
    Ok(())
}
