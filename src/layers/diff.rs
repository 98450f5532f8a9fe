//! The `diff` layer: which stretches changed status or regime between two dates, and by
//! which instruments and sources.

use std::io;

use geo::Geometry;

use super::{text, Features};
use crate::report::{Column, LayerSink, Value};
use crate::{Basis, Borders, DateSpan, Dyad};

/// The `diff` layer: one feature per segment and per thing that differs between the two
/// dates: `segment_id`, `dyad`, `what` (`delimitation`, `demarcation`, or a regime kind:
/// `fenced`, `mined`, `crossing`), `regime_id` (for a regime), `before` and `after` (the
/// status word or regime state on the first and on the second date; `ambiguous` when it
/// changed within a partial date; empty for a regime not yet recorded), `changes` (how many
/// recorded changes took effect after the first date and up to the second),
/// `instrument_ids` and `source_ids` (theirs, comma-separated, in date order) and
/// `last_change` (the date of the latest of them, as recorded). Each feature carries its
/// segment's line. A change is counted from its first possible day (under the basis, for a
/// status change).
pub const DIFF: &[Column] = &[
    Column::text("segment_id"),
    Column::word("dyad"),
    Column::word("what"),
    Column::text("regime_id"),
    Column::word("before"),
    Column::word("after"),
    Column::integer("changes"),
    Column::text("instrument_ids"),
    Column::text("source_ids"),
    Column::text("last_change"),
];

/// What the [`DIFF`] layer compares.
#[derive(Clone, Copy, Debug)]
pub struct DiffQuery {
    /// The first date.
    pub from: DateSpan,
    /// The second date.
    pub to: DateSpan,
    /// Whether status changes count from signature or entry into force.
    pub basis: Basis,
    /// Only segments of this dyad.
    pub dyad: Option<Dyad>,
}

/// One difference: the provenance of the changes between the dates.
#[derive(Default)]
struct Provenance {
    changes: usize,
    instruments: Vec<String>,
    sources: Vec<String>,
    last: String,
}

impl Provenance {
    fn add(&mut self, instrument: Option<&str>, source: &str, date: String) {
        self.changes += 1;
        if let Some(i) = instrument.filter(|i| !self.instruments.iter().any(|x| x == i)) {
            self.instruments.push(i.to_string());
        }
        if !self.sources.iter().any(|x| x == source) {
            self.sources.push(source.to_string());
        }
        self.last = date;
    }
}

/// Writes the [`DIFF`] layer into `sink` (made for [`super::schema`]`(DIFF, true)`): segments
/// in dataset order, for each its status dimensions then its regimes. Returns how many
/// features were written; the sink is not finished.
///
/// # Errors
/// Any write error of the sink.
pub fn write_diff(
    borders: &Borders,
    query: &DiffQuery,
    sink: &mut dyn LayerSink,
) -> io::Result<u64> {
    let data = borders.dataset();
    let mut out = Features::new(sink);
    let between = |first: jiff::civil::Date| first > query.from.last && first <= query.to.last;
    let count = |n: usize| Value::Integer(i64::try_from(n).unwrap_or(i64::MAX));
    let history = borders.history(query.basis, |s| query.dyad.is_none_or(|d| d == s.dyad));
    let regime_history = borders.regime_history(|s| query.dyad.is_none_or(|d| d == s.dyad));
    for (i, seg) in data.segments().iter().enumerate() {
        if query.dyad.is_some_and(|d| d != seg.dyad) {
            continue;
        }
        let geometry = Geometry::LineString(seg.line.clone());
        let dyad = seg.dyad.to_string();
        let (before, after) = (
            borders.status(i, query.from, query.basis),
            borders.status(i, query.to, query.basis),
        );
        let dimensions = [
            (
                "delimitation",
                before.delimitation_word(),
                after.delimitation_word(),
            ),
            (
                "demarcation",
                before.demarcation_word(),
                after.demarcation_word(),
            ),
        ];
        for (what, was, is) in dimensions {
            let mut p = Provenance::default();
            for e in history.iter().filter(|e| e.segment_index == i) {
                let Some(c) = data.changes().get(e.change_index) else {
                    continue;
                };
                let touches = match what {
                    "delimitation" => c.delimitation().is_some(),
                    _ => c.demarcation().is_some(),
                };
                if touches && e.effective.is_some_and(|d| between(d.first())) {
                    let date = e.effective.map(|d| d.to_string()).unwrap_or_default();
                    p.add(c.instrument_id.as_deref(), &c.source_id, date);
                }
            }
            if was != is {
                write_row(
                    &mut out,
                    &geometry,
                    [seg.id.as_str(), &dyad, what, "", was, is],
                    &p,
                    count,
                )?;
            }
        }
        for r in borders.regimes_on(i, query.to) {
            let Some(first) = borders.regime_change(r.first_change) else {
                continue;
            };
            let was_status = borders
                .regimes_on(i, query.from)
                .into_iter()
                .find(|b| b.first_change == r.first_change);
            let word = |s: Option<&crate::query::RegimeStatus>| match s {
                None => "",
                Some(s) => s.known.map_or("ambiguous", |k| k.as_str()),
            };
            let (was, is) = (word(was_status.as_ref()), word(Some(&r)));
            if was == is {
                continue;
            }
            let mut p = Provenance::default();
            for e in regime_history.iter().filter(|e| e.segment_index == i) {
                let Some(c) = data.regime_changes().get(e.regime_change_index) else {
                    continue;
                };
                if c.regime_id == first.regime_id && between(c.date.first()) {
                    p.add(c.instrument_id.as_deref(), &c.source_id, c.date.to_string());
                }
            }
            write_row(
                &mut out,
                &geometry,
                [
                    seg.id.as_str(),
                    &dyad,
                    first.kind.as_str(),
                    &first.regime_id,
                    was,
                    is,
                ],
                &p,
                count,
            )?;
        }
    }
    out.done()
}

fn write_row(
    out: &mut Features<'_>,
    geometry: &Geometry<f64>,
    [segment, dyad, what, regime, was, is]: [&str; 6],
    p: &Provenance,
    count: impl Fn(usize) -> Value<'static>,
) -> io::Result<()> {
    let instruments = p.instruments.join(",");
    let sources = p.sources.join(",");
    let values = [
        text(segment),
        text(dyad),
        text(what),
        text(regime),
        text(was),
        text(is),
        count(p.changes),
        text(&instruments),
        text(&sources),
        text(&p.last),
    ];
    out.add(Some(geometry), &values)
}
