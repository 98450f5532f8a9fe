//! The `history` layer: every status change and every regime change of the segments asked
//! for, in date order, with its provenance.

use std::io;

use geo::Geometry;

use super::columns::{dated, text};
use super::Features;
use crate::query::{HistoryEntry, RegimeHistoryEntry};
use crate::report::{Column, LayerSink, Value};
use crate::{Borders, PartialDate};

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
pub const HISTORY: &[Column] = layer_columns![
    dated("date"),
    text("segment_id"),
    word("dyad"),
    word("delimitation"),
    word("demarcation"),
    word("regime"),
    word("regime_state"),
    text("instrument_id"),
    word("instrument_kind"),
    text("instrument_title"),
    dated("signed"),
    dated("in_force"),
    text("source_id"),
    text("source_title"),
    text("source_url"),
    text("note"),
    text("regime_id"),
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
    let Some(change) = data.regime_changes().get(e.regime_change_index) else {
        return Ok(());
    };
    let change_words = [
        Value::Empty,
        Value::Empty,
        text(change.kind.as_str()),
        text(change.state.as_str()),
    ];
    let row = ChangeRow {
        segment_index: e.segment_index,
        instrument_index: e.instrument_index,
        source_index: e.source_index,
        date: Some(change.date),
        change_words,
        source_id: &change.source_id,
        note: &change.note,
        regime_id: &change.regime_id,
    };
    write_row(borders, &row, texts, out)
}

fn write_status(
    borders: &Borders,
    e: &HistoryEntry,
    texts: &mut Texts,
    out: &mut Features<'_>,
) -> io::Result<()> {
    let data = borders.dataset();
    let Some(change) = data.changes().get(e.change_index) else {
        return Ok(());
    };
    let change_words = [
        change
            .delimitation()
            .map_or(Value::Empty, |d| text(d.as_str())),
        change
            .demarcation()
            .map_or(Value::Empty, |d| text(d.as_str())),
        Value::Empty,
        Value::Empty,
    ];
    let row = ChangeRow {
        segment_index: e.segment_index,
        instrument_index: e.instrument_index,
        source_index: e.source_index,
        date: e.effective,
        change_words,
        source_id: &change.source_id,
        note: &change.note,
        regime_id: "",
    };
    write_row(borders, &row, texts, out)
}

/// What one row of the layer says of its change, status or regime alike.
struct ChangeRow<'a> {
    segment_index: usize,
    instrument_index: Option<usize>,
    source_index: Option<usize>,
    /// The date the change counts from.
    date: Option<PartialDate>,
    /// `delimitation`, `demarcation`, `regime` and `regime_state`.
    change_words: [Value<'a>; 4],
    source_id: &'a str,
    note: &'a str,
    regime_id: &'a str,
}

/// Writes `row` with its segment's id, dyad and line and its instrument's and source's
/// columns; nothing for a segment the dataset does not hold.
fn write_row(
    borders: &Borders,
    row: &ChangeRow<'_>,
    texts: &mut Texts,
    out: &mut Features<'_>,
) -> io::Result<()> {
    let data = borders.dataset();
    let Some(segment) = data.segments().get(row.segment_index) else {
        return Ok(());
    };
    let instrument = row.instrument_index.and_then(|i| data.instruments().get(i));
    let source = row.source_index.and_then(|i| data.sources().get(i));
    let dyad = segment.dyad.to_string();
    let [d, d0, d1] = dated(row.date, &mut texts.date);
    let [s, s0, s1] = dated(instrument.map(|i| i.signed), &mut texts.signed);
    let [f, f0, f1] = dated(instrument.and_then(|i| i.in_force), &mut texts.in_force);
    let [delimitation, demarcation, regime, regime_state] = row.change_words;
    let values = [
        d,
        d0,
        d1,
        text(&segment.id),
        text(&dyad),
        delimitation,
        demarcation,
        regime,
        regime_state,
        instrument.map_or(Value::Empty, |i| text(&i.id)),
        instrument.map_or(Value::Empty, |i| text(i.kind.as_str())),
        instrument.map_or(Value::Empty, |i| text(&i.title)),
        s,
        s0,
        s1,
        f,
        f0,
        f1,
        text(row.source_id),
        source.map_or(Value::Empty, |s| text(&s.title)),
        source.map_or(Value::Empty, |s| text(&s.url)),
        text(row.note),
        text(row.regime_id),
    ];
    out.add(Some(&Geometry::LineString(segment.line.clone())), &values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::test_support::csv_of;
    use crate::Basis;

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
