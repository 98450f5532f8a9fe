//! `bordertrack segments`: each segment with its status as of a date. Glue around the
//! library's `segments` layer ([`bordertrack::layers::SEGMENTS`]).

use std::path::Path;

use bordertrack::crs::ReprojectedLayer;
use bordertrack::layers;
use bordertrack::report::{LayerSink, RowWriter};
use bordertrack::Borders;

use crate::args::SegmentsArgs;
use crate::output::{self};
use crate::Failure;

/// Runs the command.
pub fn run(data_dir: Option<&Path>, args: &SegmentsArgs) -> Result<(), Failure> {
    let borders = Borders::new(super::load(data_dir)?)?;
    super::check_dyad(borders.dataset(), args.select.dyad)?;
    let query = super::layer_query(&args.select, Some(super::as_of(&args.select.when)));
    let reprojection = super::reprojection(args.crs.as_ref(), "--crs")?;
    let mut out = super::open_output(data_dir, &[], &args.out)?;
    let format = output::format(&args.out)?;
    let schema = layers::schema(layers::SEGMENTS, true);
    match reprojection {
        Some(r) => {
            let written = ReprojectedLayer::output_schema(&schema);
            let mut writer = RowWriter::with_schema_in_crs(&mut out, format, &written, r.crs())?;
            let mut sink = ReprojectedLayer::new(&mut writer, &schema, r);
            layers::write_segments(&borders, &query, &mut sink)?;
            LayerSink::finish(&mut sink)?;
        }
        None => {
            let mut sink = RowWriter::with_schema(&mut out, format, &schema)?;
            layers::write_segments(&borders, &query, &mut sink)?;
            sink.finish()?;
        }
    }
    out.commit()?;
    Ok(())
}
