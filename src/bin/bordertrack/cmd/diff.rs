//! `bordertrack diff`: which stretches changed status or regime between two dates (the
//! library's `diff` layer).

use std::path::Path;

use bordertrack::layers::{self, DiffQuery};
use bordertrack::{Borders, DateSpan, PartialDate};
use clap::Args;

use crate::args::{parse_date, parse_dyad, BasisArg, OutArgs};
use crate::layer_output::LayerTarget;
use crate::Failure;

/// `diff` options.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The first date: YYYY, YYYY-MM or YYYY-MM-DD. A year or month means its first day
    /// (as `incidents --from` and `stats --from`): `--from 2004` compares from 1 January 2004.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub from: PartialDate,
    /// The second date (default: today). A year or month means its last day (as
    /// `incidents --to` and `stats --to`): `--from 2004 --to 2004` shows what changed during
    /// 2004. To compare the statuses of two whole periods, use `segments --as-of` on each.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub to: Option<PartialDate>,
    /// Only segments of this dyad.
    #[arg(long, value_parser = parse_dyad)]
    pub dyad: Option<bordertrack::Dyad>,
    /// Whether a change counts from the instrument's signature or its entry into force.
    #[arg(long, value_enum, default_value_t = BasisArg::InForce)]
    pub basis: BasisArg,
    #[command(flatten)]
    pub out: OutArgs,
}

/// Runs the command.
pub fn run(data_dir: Option<&Path>, args: &DiffArgs) -> Result<(), Failure> {
    let borders = Borders::new(super::load(data_dir)?)?;
    super::check_dyad(borders.dataset(), args.dyad)?;
    // The range from --from's first day to --to's last day, each end one day.
    let to = DateSpan::day(super::span_or_today(args.to).last);
    let from = DateSpan::day(args.from.first());
    if from.first > to.last {
        return Err(Failure::Usage(format!(
            "--from {} is after --to",
            args.from
        )));
    }
    let query = DiffQuery {
        from,
        to,
        basis: args.basis.into(),
        dyad: args.dyad,
    };
    let schema = layers::schema(layers::DIFF, true);
    LayerTarget::open(data_dir, &[], &args.out, None)?.write("diff", &schema, |sink| {
        Ok(layers::write_diff(&borders, &query, sink)?)
    })?;
    Ok(())
}
