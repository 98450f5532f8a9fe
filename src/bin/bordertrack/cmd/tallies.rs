//! `bordertrack tallies`: the aggregate counts of `tallies.csv` (the library's `tallies`
//! layer, as `export tallies` writes it).

use std::path::Path;

use bordertrack::layers::{self, LayerQuery};
use bordertrack::{Borders, DateSpan, PartialDate};
use clap::Args;

use crate::args::{parse_date, parse_dyad, OutArgs};
use crate::layer_output::LayerTarget;
use crate::Failure;

/// `tallies` options.
#[derive(Debug, Args)]
pub struct TalliesArgs {
    /// Only counts of this dyad.
    #[arg(long, value_parser = parse_dyad)]
    pub dyad: Option<bordertrack::Dyad>,
    /// Only counts whose period meets this date or later (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub from: Option<PartialDate>,
    /// Only counts whose period meets this date or earlier (inclusive).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub to: Option<PartialDate>,
    #[command(flatten)]
    pub out: OutArgs,
}

/// The span of `--from`/`--to` (`None`: every period).
pub fn range(
    from: Option<PartialDate>,
    to: Option<PartialDate>,
) -> Result<Option<DateSpan>, Failure> {
    match (from, to) {
        (None, None) => Ok(None),
        (from, to) => DateSpan::from_to(from, to).map(Some).ok_or_else(|| {
            Failure::Usage(format!(
                "--to {} ends before --from {} begins",
                to.map_or_else(String::new, |d| d.to_string()),
                from.map_or_else(String::new, |d| d.to_string())
            ))
        }),
    }
}

/// Runs the command.
pub fn run(data_dir: Option<&Path>, args: &TalliesArgs) -> Result<(), Failure> {
    let borders = Borders::new(super::load(data_dir)?)?;
    if let Some(d) = args.dyad {
        if !borders.dataset().dyads().contains(&d) {
            return Err(Failure::Usage(format!(
                "no segments of dyad {d} in the dataset"
            )));
        }
    }
    let query = LayerQuery {
        at: range(args.from, args.to)?,
        basis: bordertrack::Basis::InForce,
        dyad: args.dyad,
        filter: None,
        party: None,
        regimes: Vec::new(),
    };
    let schema = layers::schema(layers::TALLIES, false);
    LayerTarget::open(data_dir, &[], &args.out, None)?.write("tallies", &schema, |sink| {
        Ok(layers::write_tallies(&borders, &query, sink)?)
    })?;
    Ok(())
}
