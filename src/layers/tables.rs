//! The `stats` layer: per-dyad lengths by status and regime.

use std::io;

use geo::{Geometry, MultiLineString};

use super::{text, Features};
use crate::query::DyadStats;
use crate::report::{Column, LayerSink, Schema, Value};
use crate::{Basis, Borders, CountryCode, DateSpan, Dyad, RegimeKind};

/// The `stats` layer: one feature per dyad (and per date of a series): `dyad`, `length_km`,
/// then the kilometres of each delimitation status (`delimited_km`, `disputed_km`,
/// `undelimited_km`, `delimitation_unknown_km`, `delimitation_ambiguous_km`) and of each
/// demarcation status (`demarcated_km`, `in_progress_km`, `undemarcated_km`,
/// `demarcation_unknown_km`, `demarcation_ambiguous_km`), each dimension adding up to
/// `length_km`, and the shares certainly delimited and demarcated (`delimited_pct`,
/// `demarcated_pct`), then the dyad's regimes in effect on every day of the date
/// ([`Borders::regime_length`]): `fenced_km` (fences built) and `mined_km` (mines laid), each
/// the sum of the stretches' lengths or the lengths the sources give (overlapping regimes
/// count twice), `unmeasured_regimes` (fences and minefields in effect whose length no source
/// gives, so not in those sums) and `open_crossings`. Geodesic lengths (WGS84); each feature
/// carries the dyad's lines (a multi-line geometry). A series puts the date of each feature, `as_of`, in front
/// ([`stats_schema`]). See [`DyadStats`].
pub const STATS: &[Column] = &[
    Column::word("dyad"),
    Column::float("length_km", 3, "km"),
    Column::float("delimited_km", 3, "km"),
    Column::float("disputed_km", 3, "km"),
    Column::float("undelimited_km", 3, "km"),
    Column::float("delimitation_unknown_km", 3, "km"),
    Column::float("delimitation_ambiguous_km", 3, "km"),
    Column::float("demarcated_km", 3, "km"),
    Column::float("in_progress_km", 3, "km"),
    Column::float("undemarcated_km", 3, "km"),
    Column::float("demarcation_unknown_km", 3, "km"),
    Column::float("demarcation_ambiguous_km", 3, "km"),
    Column::float("delimited_pct", 2, "%"),
    Column::float("demarcated_pct", 2, "%"),
    Column::float("fenced_km", 3, "km"),
    Column::float("mined_km", 3, "km"),
    Column::integer("unmeasured_regimes"),
    Column::integer("open_crossings"),
];

/// The schema of the [`STATS`] layer: with `as_of` (a [`crate::report::ColumnKind::Date`])
/// in front for a series of dates.
pub fn stats_schema(series: bool) -> Schema {
    let mut columns = Vec::with_capacity(STATS.len() + 1);
    if series {
        columns.push(Column::date("as_of"));
    }
    columns.extend_from_slice(STATS);
    Schema {
        columns,
        has_geometry: true,
    }
}

/// Writes the [`STATS`] layer of each of `dyads` at each of `dates` (date by date, dyads in
/// the order given) into `sink`, made for [`stats_schema`]`(series)`: with `series`, each
/// feature starts with the first day of its date. Changes are dated under `basis`. With
/// `party`, the statuses and lines are as that party held them where the dataset records its
/// view ([`crate::query::dyad_stats_seen_by`]): the view's delimitation and, where it draws
/// one, its line, in the lengths and in the feature's geometry. Returns how many features were
/// written; the sink is not finished.
///
/// # Errors
/// Any write error of the sink.
pub fn write_stats(
    borders: &Borders,
    dyads: &[Dyad],
    dates: &[DateSpan],
    basis: Basis,
    series: bool,
    party: Option<CountryCode>,
    sink: &mut dyn LayerSink,
) -> io::Result<u64> {
    let data = borders.dataset();
    let lengths: Vec<f64> = data.segments().iter().map(|s| s.length_m()).collect();
    let lines_at = |at: Option<DateSpan>| -> Vec<Geometry<f64>> {
        dyads
            .iter()
            .map(|&d| {
                Geometry::MultiLineString(MultiLineString::new(
                    data.segments()
                        .iter()
                        .filter(|s| s.dyad == d)
                        .map(|s| {
                            let view = party
                                .zip(at)
                                .and_then(|(p, at)| data.claim_of(p, &s.id, at));
                            view.and_then(|c| c.line.clone())
                                .unwrap_or_else(|| s.line.clone())
                        })
                        .collect(),
                ))
            })
            .collect()
    };
    let own_lines = lines_at(None);
    let timelines = borders.timelines(basis);
    let mut out = Features::new(sink);
    let km = |m: f64| Value::Float(m / 1000.0);
    for at in dates {
        let seen_lines = party.map(|_| lines_at(Some(*at)));
        let lines = seen_lines.as_ref().unwrap_or(&own_lines);
        for (&d, line) in dyads.iter().zip(lines) {
            let s: DyadStats =
                crate::query::dyad_stats_seen_by(data, timelines, &lengths, d, *at, party);
            let dyad = d.to_string();
            let fenced = borders.regime_length(d, *at, RegimeKind::Fenced);
            let mined = borders.regime_length(d, *at, RegimeKind::Mined);
            let crossings = borders.regime_length(d, *at, RegimeKind::Crossing);
            let count = |n: usize| Value::Integer(i64::try_from(n).unwrap_or(i64::MAX));
            let mut values = Vec::with_capacity(STATS.len() + 1);
            if series {
                values.push(Value::Date(at.first));
            }
            values.extend([
                text(&dyad),
                km(s.length_m),
                km(s.delimited_m),
                km(s.disputed_m),
                km(s.undelimited_m),
                km(s.delimitation_unknown_m),
                km(s.delimitation_ambiguous_m),
                km(s.demarcated_m),
                km(s.in_progress_m),
                km(s.undemarcated_m),
                km(s.demarcation_unknown_m),
                km(s.demarcation_ambiguous_m),
                Value::Float(s.delimited_pct()),
                Value::Float(s.demarcated_pct()),
                Value::Float(fenced.km),
                Value::Float(mined.km),
                count(fenced.without_length + mined.without_length),
                count(crossings.in_effect),
            ]);
            out.add(Some(line), &values)?;
        }
    }
    out.done()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::test_support::csv_of;

    #[test]
    fn stats_are_typed_and_a_series_starts_with_its_date() -> Result<(), Box<dyn std::error::Error>>
    {
        let borders = Borders::embedded()?;
        let dyad: Dyad = "KAZ-UZB".parse()?;
        let dates = [
            DateSpan::day(jiff::civil::date(2004, 1, 1)),
            DateSpan::day(jiff::civil::date(2023, 6, 1)),
        ];
        let schema = stats_schema(true);
        assert_eq!(schema.columns[0], Column::date("as_of"));
        assert_eq!(schema.columns.len(), STATS.len() + 1);
        let (csv, n) = csv_of(&schema, |sink| {
            write_stats(&borders, &[dyad], &dates, Basis::InForce, true, None, sink)
        })?;
        assert_eq!(n, 2);
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].starts_with("as_of,dyad,length_km,delimited_km,"));
        let want = borders.stats(dyad, dates[1], Basis::InForce);
        let row: Vec<&str> = lines[2].split(',').collect();
        assert_eq!(row[0], "2023-06-01");
        assert_eq!(row[1], "KAZ-UZB");
        assert_eq!(row[2], format!("{:.3}", want.length_m / 1000.0));
        assert_eq!(row[14], format!("{:.2}", want.demarcated_pct()));
        let (single, _) = csv_of(&stats_schema(false), |sink| {
            write_stats(
                &borders,
                &[dyad],
                &dates[..1],
                Basis::InForce,
                false,
                None,
                sink,
            )
        })?;
        assert!(single.starts_with("dyad,length_km,"));
        Ok(())
    }
}
