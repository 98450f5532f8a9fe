//! `bordertrack locate`: where a point lies: nearest segment, distance, chainage, side, status.

use std::path::Path;

use bordertrack::pipeline::IncidentLayer;
use bordertrack::query::{Certainty, IncidentMatch};
use bordertrack::report::{Batch, LayerSink, RowWriter};
use bordertrack::{Borders, StatusFilter};
use geo::Point;

use crate::args::LocateArgs;
use crate::output::{self};
use crate::Failure;

/// Runs the command. Writes the same columns as `incidents`, with an empty incident id and
/// the date evaluated.
pub fn run(data_dir: Option<&Path>, args: &LocateArgs) -> Result<(), Failure> {
    let borders = Borders::new(super::load(data_dir)?)?;
    let basis = args.when.basis.into();
    let at = super::as_of(&args.when);
    let p = Point::new(args.lon, args.lat);
    let found = match args.within {
        Some(max_m) => borders.within(p, max_m),
        None => borders.locate(p).map(|o| o.into_iter().collect()),
    }
    .map_err(|e| Failure::Usage(e.to_string()))?;
    let mut out = super::open_output(data_dir, &[], &args.out)?;
    let mut w = RowWriter::with_schema(
        &mut out,
        output::format(&args.out)?,
        &IncidentLayer::schema(),
    )?;
    let layer = IncidentLayer::new(borders.dataset());
    let encoder = w.encoder();
    let mut batch = Batch::default();
    let date = at.to_string();
    for located in found {
        let status = borders.status(located.segment_index, at, basis);
        // A point is exact; the line is known to its segment's precision. Without --within
        // only the status's certainty over the date counts.
        let segment_precision_m = borders
            .dataset()
            .segments()
            .get(located.segment_index)
            .map_or(0.0, |s| s.precision_m);
        let certainty = Certainty::of(
            located.distance_m,
            0.0,
            segment_precision_m,
            args.within.unwrap_or(f64::INFINITY),
            &status,
            &StatusFilter::default(),
        );
        // The other segments nearby are rows of their own.
        let m = IncidentMatch {
            status,
            located,
            certainty,
            alternatives: Vec::new(),
            regimes: borders.regime_timelines().in_force_on_segment(
                borders.dataset(),
                located.segment_index,
                at,
            ),
        };
        layer.encode(&*encoder, &mut batch, "", at, &date, p, Some(&m));
    }
    w.write_batch(&mut batch)?;
    w.finish()?;
    out.commit()?;
    Ok(())
}
