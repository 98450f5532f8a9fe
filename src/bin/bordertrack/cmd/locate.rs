//! `bordertrack locate`: where a point lies: nearest segment, distance, chainage, side, status.

use std::path::{Path, PathBuf};

use bordertrack::query::{BorderIndex, IncidentMatch, StatusTimelines};
use bordertrack::report::RowWriter;
use geo::{Geometry, Point};

use super::incidents::{write_row, DyadNames, COLUMNS};
use crate::args::LocateArgs;
use crate::output::{self, Output};
use crate::Failure;

/// Runs the command. Writes the same columns as `incidents`, with an empty incident id and
/// the date evaluated.
pub fn run(data_dir: Option<&Path>, args: &LocateArgs) -> Result<(), Failure> {
    let data = super::load(data_dir)?;
    let index = BorderIndex::new(&data)?;
    let dyads = DyadNames::new(&data);
    let timelines = StatusTimelines::new(&data, args.when.basis.into());
    let at = super::as_of(&args.when);
    let p = Point::new(args.lon, args.lat);
    let found = match args.within {
        Some(max_m) => index.within(p, max_m),
        None => index.locate(p).map(|o| o.into_iter().collect()),
    }
    .map_err(|e| Failure::Usage(e.to_string()))?;
    let inputs = super::inputs(data_dir);
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let mut out = Output::open(&args.out, &inputs)?;
    let mut w = RowWriter::new(&mut out, output::format(&args.out)?, COLUMNS)?;
    for located in found {
        let m = IncidentMatch {
            status: timelines.at(located.segment_index, at),
            located,
        };
        let date = at.to_string();
        w.write_with(Some(&Geometry::Point(p)), |w| {
            write_row(w, "", &date, (args.lon, args.lat), Some(&m), &dyads);
        })?;
    }
    w.finish()?;
    out.commit()?;
    Ok(())
}
