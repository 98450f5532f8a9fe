//! The `stats` and `history` layers: per-dyad lengths by status, and every change with its
//! provenance.

use std::io;

use geo::{Geometry, MultiLineString};

use super::{dated, text, Features};
use crate::query::{DyadStats, HistoryEntry};
use crate::report::{Column, LayerSink, Schema, Value};
use crate::{Basis, Borders, DateSpan, Dyad};

/// The `stats` layer: one feature per dyad (and per date of a series): `dyad`, `length_km`,
/// then the kilometres of each delimitation status (`delimited_km`, `disputed_km`,
/// `undelimited_km`, `delimitation_unknown_km`, `delimitation_ambiguous_km`) and of each
/// demarcation status (`demarcated_km`, `in_progress_km`, `undemarcated_km`,
/// `demarcation_unknown_km`, `demarcation_ambiguous_km`), each dimension adding up to
/// `length_km`, and the shares certainly delimited and demarcated (`delimited_pct`,
/// `demarcated_pct`). Geodesic lengths (WGS84); each feature carries the dyad's lines (a
/// multi-line geometry). A series puts the date of each feature, `as_of`, in front
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
/// feature starts with the first day of its date. Changes are dated under `basis`. Returns
/// how many features were written; the sink is not finished.
///
/// # Errors
/// Any write error of the sink.
pub fn write_stats(
    borders: &Borders,
    dyads: &[Dyad],
    dates: &[DateSpan],
    basis: Basis,
    series: bool,
    sink: &mut dyn LayerSink,
) -> io::Result<u64> {
    let data = borders.dataset();
    let lengths: Vec<f64> = data.segments().iter().map(|s| s.length_m()).collect();
    let lines: Vec<Geometry<f64>> = dyads
        .iter()
        .map(|&d| {
            Geometry::MultiLineString(MultiLineString::new(
                data.segments()
                    .iter()
                    .filter(|s| s.dyad == d)
                    .map(|s| s.line.clone())
                    .collect(),
            ))
        })
        .collect();
    let timelines = borders.timelines(basis);
    let mut out = Features::new(sink);
    let km = |m: f64| Value::Float(m / 1000.0);
    for at in dates {
        for (&d, line) in dyads.iter().zip(&lines) {
            let s: DyadStats = crate::query::dyad_stats(data, timelines, &lengths, d, *at);
            let dyad = d.to_string();
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
            ]);
            out.add(Some(line), &values)?;
        }
    }
    out.done()
}

/// The `history` layer: one feature per status change, in date order: `date` (the date the
/// change counts from under the basis, as recorded) with `date_start` and `date_end`,
/// `segment_id`, `dyad`, `delimitation` and `demarcation` (empty when the change leaves that
/// dimension as it was), `instrument_id`, `instrument_kind`, `instrument_title`, `signed` with
/// `signed_start` and `signed_end`, `in_force` with `in_force_start` and `in_force_end`,
/// `source_id`, `source_title`, `source_url` and `note`. Each feature carries its segment's
/// line.
pub const HISTORY: &[Column] = &[
    Column::text("date"),
    Column::date("date_start"),
    Column::date("date_end"),
    Column::text("segment_id"),
    Column::word("dyad"),
    Column::word("delimitation"),
    Column::word("demarcation"),
    Column::text("instrument_id"),
    Column::word("instrument_kind"),
    Column::text("instrument_title"),
    Column::text("signed"),
    Column::date("signed_start"),
    Column::date("signed_end"),
    Column::text("in_force"),
    Column::date("in_force_start"),
    Column::date("in_force_end"),
    Column::text("source_id"),
    Column::text("source_title"),
    Column::text("source_url"),
    Column::text("note"),
];

/// Writes `entries` (from [`Borders::history`]) as the [`HISTORY`] layer into `sink` (made
/// for [`super::schema`]`(HISTORY, true)`); returns how many features were written. The sink
/// is not finished.
///
/// # Errors
/// Any write error of the sink.
pub fn write_history(
    borders: &Borders,
    entries: &[HistoryEntry],
    sink: &mut dyn LayerSink,
) -> io::Result<u64> {
    let data = borders.dataset();
    let mut out = Features::new(sink);
    let (mut date, mut signed, mut in_force) = (String::new(), String::new(), String::new());
    for e in entries {
        let (Some(segment), Some(change)) = (
            data.segments().get(e.segment_index),
            data.changes().get(e.change_index),
        ) else {
            continue;
        };
        let instrument = e.instrument_index.and_then(|i| data.instruments().get(i));
        let source = e.source_index.and_then(|i| data.sources().get(i));
        let dyad = segment.dyad.to_string();
        let [d, d0, d1] = dated(e.effective, &mut date);
        let [s, s0, s1] = dated(instrument.map(|i| i.signed), &mut signed);
        let [f, f0, f1] = dated(instrument.and_then(|i| i.in_force), &mut in_force);
        let values = [
            d,
            d0,
            d1,
            text(&segment.id),
            text(&dyad),
            change
                .delimitation()
                .map_or(Value::Empty, |d| text(d.as_str())),
            change
                .demarcation()
                .map_or(Value::Empty, |d| text(d.as_str())),
            instrument.map_or(Value::Empty, |i| text(&i.id)),
            instrument.map_or(Value::Empty, |i| text(i.kind.as_str())),
            instrument.map_or(Value::Empty, |i| text(&i.title)),
            s,
            s0,
            s1,
            f,
            f0,
            f1,
            text(&change.source_id),
            source.map_or(Value::Empty, |s| text(&s.title)),
            source.map_or(Value::Empty, |s| text(&s.url)),
            text(&change.note),
        ];
        out.add(Some(&Geometry::LineString(segment.line.clone())), &values)?;
    }
    out.done()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Format, RowWriter};

    /// The CSV text of a layer written by `write` into a sink made for `schema`.
    fn csv_of(
        schema: &Schema,
        write: impl FnOnce(&mut dyn LayerSink) -> io::Result<u64>,
    ) -> Result<(String, u64), Box<dyn std::error::Error>> {
        let mut sink = RowWriter::with_schema(Vec::new(), Format::Csv, schema)?;
        let n = write(&mut sink)?;
        Ok((String::from_utf8(sink.finish()?)?, n))
    }

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
            write_stats(&borders, &[dyad], &dates, Basis::InForce, true, sink)
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
            write_stats(&borders, &[dyad], &dates[..1], Basis::InForce, false, sink)
        })?;
        assert!(single.starts_with("dyad,length_km,"));
        Ok(())
    }

    #[test]
    fn history_entries_are_owned_and_written_in_date_order(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let entries = {
            let borders = Borders::embedded()?;
            borders.history(Basis::InForce, |s| s.id == "KAZ-UZB-06")
        };
        // The entries outlive the borders they came from.
        assert!(entries.len() >= 2);
        let borders = Borders::embedded()?;
        let data = borders.dataset();
        for e in &entries {
            let change = &data.changes()[e.change_index];
            assert_eq!(change.segment_id, "KAZ-UZB-06");
            assert_eq!(data.segments()[e.segment_index].id, "KAZ-UZB-06");
            assert_eq!(
                e.instrument_index
                    .map(|i| data.instruments()[i].id.as_str()),
                change.instrument_id.as_deref()
            );
            assert_eq!(
                e.source_index.map(|i| data.sources()[i].id.as_str()),
                Some(change.source_id.as_str())
            );
        }
        let (csv, n) = csv_of(&super::super::schema(HISTORY, true), |sink| {
            write_history(&borders, &entries, sink)
        })?;
        assert_eq!(n, entries.len() as u64);
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let starts: Vec<String> = reader
            .records()
            .map(|r| r.map(|r| r[1].to_string()))
            .collect::<Result<_, _>>()?;
        let mut sorted = starts.clone();
        sorted.sort();
        assert_eq!(starts, sorted, "date_start in order");
        assert!(csv.starts_with("date,date_start,date_end,segment_id,dyad,"));
        Ok(())
    }
}
