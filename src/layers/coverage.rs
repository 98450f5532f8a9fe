//! The `coverage` layer: per dyad, what the dataset records of it.

use std::io;

use geo::{Geometry, MultiLineString};

use super::columns::{dated, text};
use super::Features;
use crate::query::dyad_coverage;
use crate::report::{Column, LayerSink, Value};
use crate::{Basis, Borders, DateSpan, Dyad};

/// The `coverage` layer: one feature per dyad: `dyad`, `segments`, `length_km` (geodesic,
/// WGS84), `delimitation_known_pct` and `demarcation_known_pct` (the share whose status is
/// not `unknown` on any day of the date), `lowest_delimitation_known_pct` and `lowest_on` (the
/// lowest share with known delimitation on any day from the start asked for to the date, and
/// the first day it was that low), `instruments`, `sources`, `incidents` (the dataset's
/// incidents on the dyad), `tallies`, `last_change` (the latest status or regime change, as
/// recorded) with `last_change_start` and `last_change_end`, and `note` (each segment whose
/// delimitation is unknown on some day from the start, and from when it is known). Each
/// feature carries the dyad's lines. See [`crate::query::DyadCoverage`].
pub const COVERAGE: &[Column] = layer_columns![
    word("dyad"),
    integer("segments"),
    float("length_km", 3, "km"),
    float("delimitation_known_pct", 2, "%"),
    float("demarcation_known_pct", 2, "%"),
    float("lowest_delimitation_known_pct", 2, "%"),
    date("lowest_on"),
    integer("instruments"),
    integer("sources"),
    integer("incidents"),
    integer("tallies"),
    dated("last_change"),
    text("note"),
];

/// What the coverage of each dyad is asked over.
#[derive(Clone, Copy, Debug)]
pub struct CoverageQuery {
    /// The date of the shares.
    pub at: DateSpan,
    /// The first day from which the lowest known share is sought.
    pub since: jiff::civil::Date,
    /// Whether changes count from signature or entry into force.
    pub basis: Basis,
    /// The reach within which an incident counts as on a dyad, metres (beyond its own and the
    /// segment's precision).
    pub within_m: f64,
}

/// Writes the [`COVERAGE`] layer of each of `dyads` into `sink` (made for
/// [`super::schema`]`(COVERAGE, true)`); returns how many features were written. The sink is
/// not finished.
///
/// # Errors
/// Any write error of the sink.
pub fn write_coverage(
    borders: &Borders,
    dyads: &[Dyad],
    query: &CoverageQuery,
    sink: &mut dyn LayerSink,
) -> io::Result<u64> {
    let data = borders.dataset();
    let mut out = Features::new(sink);
    let mut last = String::new();
    let count = |n: usize| Value::Integer(i64::try_from(n).unwrap_or(i64::MAX));
    for &d in dyads {
        let c = dyad_coverage(
            borders,
            d,
            query.at,
            query.since,
            query.basis,
            query.within_m,
        );
        let line = Geometry::MultiLineString(MultiLineString::new(
            data.segments()
                .iter()
                .filter(|s| s.dyad == d)
                .map(|s| s.line.clone())
                .collect(),
        ));
        let dyad = d.to_string();
        let note = c.unknown_note(borders);
        let [l, l0, l1] = dated(c.last_change, &mut last);
        let values = [
            text(&dyad),
            count(c.segments),
            Value::Float(c.length_m / 1000.0),
            Value::Float(c.delimitation_known_pct),
            Value::Float(c.demarcation_known_pct),
            Value::Float(c.lowest_delimitation_known.0),
            Value::Date(c.lowest_delimitation_known.1),
            count(c.instruments),
            count(c.sources),
            count(c.incidents),
            count(c.tallies),
            l,
            l0,
            l1,
            text(&note),
        ];
        out.add(Some(&line), &values)?;
    }
    out.done()
}
