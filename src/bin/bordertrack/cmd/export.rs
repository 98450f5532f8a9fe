//! `bordertrack export LAYER`: one of the dataset's layers, in any output format. Glue around
//! the library's layers ([`bordertrack::layers`]) and, for `incidents`, the incidents command.

use std::path::Path;

use bordertrack::layers::{self, LayerQuery};
use bordertrack::report::{Column, LayerSink};
use bordertrack::Borders;

use crate::args::{ExportArgs, IncidentsArgs, LayerArg, WhenArgs};
use crate::layer_output::LayerTarget;
use crate::Failure;

/// A library function writing one layer into a sink.
type WriteLayer = fn(&Borders, &LayerQuery, &mut dyn LayerSink) -> std::io::Result<u64>;

/// Runs the command.
pub fn run(data_dir: Option<&Path>, args: &ExportArgs) -> Result<(), Failure> {
    if args.select.on.is_some()
        && !matches!(
            args.layer,
            LayerArg::Segments | LayerArg::Status | LayerArg::Incidents
        )
    {
        return Err(Failure::Usage(format!(
            "--on selects by status: it applies to the segments, status and incidents layers, \
             not to {}",
            args.layer.name()
        )));
    }
    let on_regimes = args
        .select
        .on
        .as_ref()
        .is_some_and(|on| !on.regimes.is_empty());
    if on_regimes && matches!(args.layer, LayerArg::Status) {
        return Err(Failure::Usage(
            "--on with a regime word applies to the segments and incidents layers, not to \
             status (whose intervals are of status only)"
                .to_string(),
        ));
    }
    if args.select.pov.is_some() && !matches!(args.layer, LayerArg::Segments) {
        return Err(Failure::Usage(format!(
            "--pov applies to the segments layer, not to {}",
            args.layer.name()
        )));
    }
    let (columns, has_geometry, write): (&[Column], bool, WriteLayer) = match args.layer {
        LayerArg::Incidents => return super::incidents::run(data_dir, &incidents_args(args)),
        LayerArg::Segments => (layers::SEGMENTS, true, layers::write_segments),
        LayerArg::Status => (layers::STATUS, true, layers::write_status),
        LayerArg::Places => (layers::PLACES, true, layers::write_places),
        LayerArg::Instruments => (layers::INSTRUMENTS, false, layers::write_instruments),
        LayerArg::Tallies => (layers::TALLIES, false, layers::write_tallies),
    };
    let borders = Borders::new(super::load(data_dir)?)?;
    super::check_dyad(borders.dataset(), args.select.dyad)?;
    let at = match args.layer {
        // The time-enabled layer keeps every interval unless a date is asked for.
        LayerArg::Status | LayerArg::Tallies => args.select.when.as_of.map(|d| d.span()),
        _ => Some(super::as_of(&args.select.when)),
    };
    let query = super::layer_query(&args.select, at);
    let schema = layers::schema(columns, has_geometry);
    LayerTarget::open(data_dir, &[], &args.out, args.crs.as_ref())?.write(
        &args.layer.name(),
        &schema,
        |sink| Ok(write(&borders, &query, sink)?),
    )?;
    Ok(())
}

/// The `incidents` command's options for `export incidents`: the dataset's own incidents,
/// classified as `bordertrack incidents` does by default.
fn incidents_args(args: &ExportArgs) -> IncidentsArgs {
    IncidentsArgs {
        file: None,
        on: args.select.on.clone(),
        within: args.within,
        nearest: args.nearest,
        when: WhenArgs {
            as_of: args.select.when.as_of,
            basis: args.select.when.basis,
        },
        dyad: args.select.dyad,
        all: false,
        from: None,
        to: None,
        certain: false,
        strict: false,
        max_problems: 100,
        check_ids: false,
        input_crs: None,
        crs: args.crs.clone(),
        prefix: String::new(),
        columns: None,
        layer: None,
        id_col: None,
        date_col: None,
        lat_col: None,
        lon_col: None,
        out: crate::args::OutArgs {
            format: args.out.format,
            output: args.out.output.clone(),
        },
    }
}
