//! `bordertrack coverage`: per dyad, what the dataset records of it (the library's
//! `coverage` layer).

use std::path::Path;

use bordertrack::layers::{self, CoverageQuery};
use bordertrack::{Borders, PartialDate};
use clap::Args;

use crate::args::{parse_date, parse_distance, parse_dyad, OutArgs, WhenArgs};
use crate::layer_output::LayerTarget;
use crate::Failure;

/// `coverage` options.
#[derive(Debug, Args)]
pub struct CoverageArgs {
    #[command(flatten)]
    pub when: WhenArgs,
    /// The first day from which the lowest share with known delimitation is sought (YYYY,
    /// YYYY-MM or YYYY-MM-DD: its first day).
    #[arg(long, value_name = "DATE", default_value = "1992", value_parser = parse_date)]
    pub since: PartialDate,
    /// Only this dyad.
    #[arg(long, value_parser = parse_dyad)]
    pub dyad: Option<bordertrack::Dyad>,
    /// The distance within which one of the dataset's incidents counts as on a dyad, as for
    /// `incidents`.
    #[arg(long, value_name = "DIST", default_value = "1km", value_parser = parse_distance)]
    pub within: f64,
    #[command(flatten)]
    pub out: OutArgs,
}

/// Runs the command.
pub fn run(data_dir: Option<&Path>, args: &CoverageArgs) -> Result<(), Failure> {
    let borders = Borders::new(super::load(data_dir)?)?;
    let dyads = match args.dyad {
        Some(d) if borders.dataset().dyads().contains(&d) => vec![d],
        Some(d) => {
            return Err(Failure::Usage(format!(
                "no segments of dyad {d} in the dataset"
            )))
        }
        None => borders.dataset().dyads(),
    };
    let at = super::as_of(&args.when);
    if args.since.first() > at.last {
        return Err(Failure::Usage(format!(
            "--since {} is after the date asked for",
            args.since
        )));
    }
    let query = CoverageQuery {
        at,
        since: args.since.first(),
        basis: args.when.basis.into(),
        within_m: args.within,
    };
    let schema = layers::schema(layers::COVERAGE, true);
    LayerTarget::open(data_dir, &[], &args.out, None)?.write("coverage", &schema, |sink| {
        Ok(layers::write_coverage(&borders, &dyads, &query, sink)?)
    })?;
    Ok(())
}
