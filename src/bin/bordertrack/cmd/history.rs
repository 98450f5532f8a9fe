//! `bordertrack history`: every status and regime change of a segment or dyad with its
//! provenance; each row
//! carries the segment's line (GeoJSON), and each partial date its first and last day. Glue
//! around the library's `history` layer ([`bordertrack::layers::HISTORY`]).

use std::path::Path;

use bordertrack::layers;
use bordertrack::report::RowWriter;
use bordertrack::Borders;

use crate::args::HistoryArgs;
use crate::output::{self};
use crate::Failure;

/// Runs the command.
pub fn run(data_dir: Option<&Path>, args: &HistoryArgs) -> Result<(), Failure> {
    let borders = Borders::new(super::load(data_dir)?)?;
    let data = borders.dataset();
    if let Some(id) = &args.segment {
        if data.segment(id).is_none() {
            return Err(Failure::Usage(format!("no segment {id:?} in the dataset")));
        }
    }
    super::check_dyad(data, args.dyad)?;
    let keep = |s: &bordertrack::Segment| match (&args.segment, args.dyad) {
        (Some(id), _) => &s.id == id,
        (None, Some(d)) => s.dyad == d,
        (None, None) => true,
    };
    let entries = borders.history(args.basis.into(), keep);
    let regimes = borders.regime_history(keep);
    let mut out = super::open_output(data_dir, &[], &args.out)?;
    let schema = layers::schema(layers::HISTORY, true);
    let mut sink = RowWriter::with_schema(&mut out, output::format(&args.out)?, &schema)?;
    layers::write_history_with_regimes(&borders, &entries, &regimes, &mut sink)?;
    sink.finish()?;
    out.commit()?;
    Ok(())
}
