//! `bordertrack regimes`: fences, minefields and crossings as of a date.

use std::path::Path;

use bordertrack::report::{Cell, RowWriter};
use bordertrack::{PartialDate, RegimeSite, RegimeWord};
use clap::Args;
use geo::Geometry;

use crate::args::{parse_date, parse_dyad, OutArgs};
use crate::Failure;

/// `regimes` options.
#[derive(Debug, Args)]
pub struct RegimesArgs {
    /// The date: YYYY, YYYY-MM or YYYY-MM-DD (a partial date is a span; a regime that changed
    /// inside it is reported as ambiguous). Default: today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<PartialDate>,
    /// Only regimes of this dyad.
    #[arg(long, value_parser = parse_dyad)]
    pub dyad: Option<bordertrack::Dyad>,
    /// Only regimes that may be as one of these words on some day of the date (comma = or):
    /// fenced, mined, open_crossing, closed_crossing.
    #[arg(long, value_name = "REGIME,...", value_parser = parse_regime_words)]
    pub on: Option<RegimeWords>,
    #[command(flatten)]
    pub out: OutArgs,
}

/// The regime words of `--on`.
#[derive(Debug, Clone)]
pub struct RegimeWords(Vec<RegimeWord>);

fn parse_regime_words(s: &str) -> Result<RegimeWords, String> {
    s.split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map(RegimeWords)
}

/// The columns written, in order.
pub const COLUMNS: &[&str] = &[
    "regime_id",
    "dyad",
    "regime",
    "state",
    "possible_states",
    "since",
    "from_km",
    "to_km",
    "place",
    "extent",
    "precision_km",
    "length_km",
    "instrument_id",
    "source_id",
    "note",
];

/// Runs the command.
pub fn run(data_dir: Option<&Path>, args: &RegimesArgs) -> Result<(), Failure> {
    let super::AtDate {
        borders,
        at,
        mut out,
        format,
    } = super::start_at_date(data_dir, args.dyad, args.as_of, &args.out)?;
    let mut w = RowWriter::new(&mut out, format, COLUMNS)?;
    for r in borders.regimes(at) {
        let Some(first) = borders.regime_change(r.first_change) else {
            continue;
        };
        if args.dyad.is_some_and(|d| d != first.dyad) {
            continue;
        }
        if let Some(words) = &args.on {
            let wanted = words.0.iter().any(|w| {
                let (kind, state) = w.wants();
                kind == first.kind && r.may_be(state)
            });
            if !wanted {
                continue;
            }
        }
        // The row that set the state known (its note and source), else the first row.
        let row = r
            .since
            .and_then(|i| borders.regime_change(i))
            .unwrap_or(first);
        let (from_km, to_km, place) = match &first.site {
            RegimeSite::Stretch { from_km, to_km } => (
                Cell::Float(*from_km, 3),
                Cell::Float(*to_km, 3),
                Cell::Empty,
            ),
            RegimeSite::Place(p) => (Cell::Empty, Cell::Empty, Cell::text(p.as_str())),
            RegimeSite::Unlocated => (Cell::Empty, Cell::Empty, Cell::Empty),
        };
        let possible: Vec<&str> = r.states.iter().map(|s| s.as_str()).collect();
        let geometry = match &first.site {
            RegimeSite::Place(id) => borders
                .dataset()
                .places()
                .iter()
                .find(|p| &p.id == id)
                .map(|p| Geometry::Point(p.point)),
            _ => None,
        };
        let cells = [
            Cell::text(first.regime_id.as_str()),
            Cell::text(first.dyad.to_string()),
            Cell::text(first.kind.as_str()),
            Cell::text(r.known.map_or("ambiguous", |s| s.as_str())),
            Cell::text(possible.join(";")),
            r.since
                .and_then(|i| borders.regime_change(i))
                .map_or(Cell::Empty, |c| Cell::text(c.date.to_string())),
            from_km,
            to_km,
            place,
            Cell::text(row.extent.as_str()),
            row.precision_km.map_or(Cell::Empty, |v| Cell::Float(v, 3)),
            row.km().map_or(Cell::Empty, |v| Cell::Float(v, 3)),
            row.instrument_id.as_deref().map_or(Cell::Empty, Cell::text),
            Cell::text(row.source_id.as_str()),
            Cell::text(row.note.as_str()),
        ];
        w.write(&cells, geometry.as_ref())?;
    }
    w.finish()?;
    out.commit()?;
    Ok(())
}
