//! The `history` layer: every status change and every regime change of the segments asked
//! for, in date order, with its provenance.

use std::io;

use geo::Geometry;

use super::{dated, text, Features};
use crate::query::{HistoryEntry, RegimeHistoryEntry};
use crate::report::{Column, LayerSink, Value};
use crate::Borders;

/// The `history` layer: one feature per status change and per regime change, in date order:
/// `date` (the date the change counts from under the basis, as recorded) with `date_start` and `date_end`,
/// `segment_id`, `dyad`, `delimitation` and `demarcation` (empty when the change leaves that
/// dimension as it was), `regime` and `regime_state` (for a regime change, see below),
/// `instrument_id`, `instrument_kind`, `instrument_title`, `signed` with
/// `signed_start` and `signed_end`, `in_force` with `in_force_start` and `in_force_end`,
/// `source_id`, `source_title`, `source_url`, `note` and `regime_id`. A regime change (a row
/// of `regimes.csv` on the segment) has empty `delimitation` and `demarcation`, its `regime`
/// (`fenced`, `mined`, `crossing`), `regime_state` (`built`, `removed`, `laid`, `cleared`,
/// `open`, `closed`) and `regime_id`; a status change leaves those three empty. Each feature carries its segment's line.
pub const HISTORY: &[Column] = &[
    Column::text("date"),
    Column::date("date_start"),
    Column::date("date_end"),
    Column::text("segment_id"),
    Column::word("dyad"),
    Column::word("delimitation"),
    Column::word("demarcation"),
    Column::word("regime"),
    Column::word("regime_state"),
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
    Column::text("regime_id"),
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
    write_history_with_regimes(borders, entries, &[], sink)
}

/// Writes `entries` (from [`Borders::history`]) and `regimes` (from
/// [`Borders::regime_history`]) as the [`HISTORY`] layer into `sink` (made for
/// [`super::schema`]`(HISTORY, true)`), merged in date order (a status change before a regime
/// change of the same first day); returns how many features were written. The sink is not
/// finished.
///
/// # Errors
/// Any write error of the sink.
pub fn write_history_with_regimes(
    borders: &Borders,
    entries: &[HistoryEntry],
    regimes: &[RegimeHistoryEntry],
    sink: &mut dyn LayerSink,
) -> io::Result<u64> {
    let mut out = Features::new(sink);
    let mut texts = Texts::default();
    let mut regimes = regimes.iter().peekable();
    for e in entries {
        let day = e.effective.map(|d| d.first());
        while let Some(r) = regimes.next_if(|r| Some(r.date.first()) < day) {
            write_regime(borders, r, &mut texts, &mut out)?;
        }
        write_status(borders, e, &mut texts, &mut out)?;
    }
    for r in regimes {
        write_regime(borders, r, &mut texts, &mut out)?;
    }
    out.done()
}

/// Buffers for dates' text.
#[derive(Default)]
struct Texts {
    date: String,
    signed: String,
    in_force: String,
}

fn write_regime(
    borders: &Borders,
    e: &RegimeHistoryEntry,
    texts: &mut Texts,
    out: &mut Features<'_>,
) -> io::Result<()> {
    let data = borders.dataset();
    let (Some(segment), Some(change)) = (
        data.segments().get(e.segment_index),
        data.regime_changes().get(e.regime_change_index),
    ) else {
        return Ok(());
    };
    let instrument = e.instrument_index.and_then(|i| data.instruments().get(i));
    let source = e.source_index.and_then(|i| data.sources().get(i));
    let dyad = segment.dyad.to_string();
    let [d, d0, d1] = dated(Some(change.date), &mut texts.date);
    let [s, s0, s1] = dated(instrument.map(|i| i.signed), &mut texts.signed);
    let [f, f0, f1] = dated(instrument.and_then(|i| i.in_force), &mut texts.in_force);
    let values = [
        d,
        d0,
        d1,
        text(&segment.id),
        text(&dyad),
        Value::Empty,
        Value::Empty,
        text(change.kind.as_str()),
        text(change.state.as_str()),
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
        text(&change.regime_id),
    ];
    out.add(Some(&Geometry::LineString(segment.line.clone())), &values)
}

fn write_status(
    borders: &Borders,
    e: &HistoryEntry,
    texts: &mut Texts,
    out: &mut Features<'_>,
) -> io::Result<()> {
    let data = borders.dataset();
    let Texts {
        date,
        signed,
        in_force,
    } = texts;
    {
        let (Some(segment), Some(change)) = (
            data.segments().get(e.segment_index),
            data.changes().get(e.change_index),
        ) else {
            return Ok(());
        };
        let instrument = e.instrument_index.and_then(|i| data.instruments().get(i));
        let source = e.source_index.and_then(|i| data.sources().get(i));
        let dyad = segment.dyad.to_string();
        let [d, d0, d1] = dated(e.effective, date);
        let [s, s0, s1] = dated(instrument.map(|i| i.signed), signed);
        let [f, f0, f1] = dated(instrument.and_then(|i| i.in_force), in_force);
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
            Value::Empty,
            Value::Empty,
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
            Value::Empty,
        ];
        out.add(Some(&Geometry::LineString(segment.line.clone())), &values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Format, RowWriter, Schema};
    use crate::Basis;

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
