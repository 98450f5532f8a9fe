//! `bordertrack places`: each place with the country it belonged to on a date (the library's
//! `places` layer, as `export places` writes it).

use std::path::Path;

use bordertrack::layers::{self, LayerQuery};
use bordertrack::report::RowWriter;
use bordertrack::PartialDate;
use clap::Args;

use crate::args::{parse_date, parse_dyad, OutArgs};
use crate::Failure;

/// `places` options.
#[derive(Debug, Args)]
pub struct PlacesArgs {
    /// The date: YYYY, YYYY-MM or YYYY-MM-DD (a partial date is a span; a place whose
    /// sovereignty changed inside it gets an empty `country` and every country it may have
    /// belonged to in `possible_countries`). Default: today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<PartialDate>,
    /// Only places that belonged (on some day of the date) to one of this dyad's countries.
    #[arg(long, value_parser = parse_dyad)]
    pub dyad: Option<bordertrack::Dyad>,
    #[command(flatten)]
    pub out: OutArgs,
}

/// Runs the command.
pub fn run(data_dir: Option<&Path>, args: &PlacesArgs) -> Result<(), Failure> {
    let super::AtDate {
        borders,
        at,
        mut out,
        format,
    } = super::start_at_date(data_dir, args.dyad, args.as_of, &args.out)?;
    let query = LayerQuery {
        at: Some(at),
        basis: bordertrack::Basis::InForce,
        dyad: args.dyad,
        filter: None,
        party: None,
        regimes: Vec::new(),
    };
    let schema = layers::schema(layers::PLACES, true);
    let mut sink = RowWriter::with_schema(&mut out, format, &schema)?;
    layers::write_places(&borders, &query, &mut sink)?;
    sink.finish()?;
    out.commit()?;
    Ok(())
}
