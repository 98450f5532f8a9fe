//! The history of a segment or a dyad: every change in date order, with its provenance.

use super::RegimeTimelines;
use crate::{Basis, Dataset, PartialDate, Segment};

/// One change with everything needed to cite it: positions in the dataset's lists, so that
/// an entry can be held without borrowing the dataset.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HistoryEntry {
    /// The segment changed: its position in [`Dataset::segments`].
    pub segment_index: usize,
    /// The change (a row of `status.csv`): its position in [`Dataset::changes`].
    pub change_index: usize,
    /// The date the change counts from under the chosen basis.
    pub effective: Option<PartialDate>,
    /// The instrument that made it, if any: its position in [`Dataset::instruments`].
    pub instrument_index: Option<usize>,
    /// The source of the change: its position in [`Dataset::sources`].
    pub source_index: Option<usize>,
}

/// Every change of the segments selected by `keep`, in date order under `basis` (ties keep
/// dataset order: by segment, then file order).
///
/// # Examples
/// ```
/// use bordertrack::query::history;
/// use bordertrack::{Basis, Dataset};
/// let data = Dataset::embedded().unwrap();
/// let entries = history(&data, Basis::InForce, |s| s.id == "KAZ-UZB-06");
/// let first = &data.changes()[entries[0].change_index];
/// assert_eq!(first.segment_id, "KAZ-UZB-06");
/// assert_eq!(data.segments()[entries[0].segment_index].id, "KAZ-UZB-06");
/// ```
pub fn history(data: &Dataset, basis: Basis, keep: impl Fn(&Segment) -> bool) -> Vec<HistoryEntry> {
    let mut out = Vec::new();
    for (i, seg) in data.segments().iter().enumerate() {
        if !keep(seg) {
            continue;
        }
        for &position in data.change_positions_of(i) {
            let Some(c) = data.changes().get(position) else {
                continue;
            };
            let instrument_index = c
                .instrument_id
                .as_deref()
                .and_then(|id| data.instrument_index(id));
            let instrument = instrument_index.and_then(|i| data.instruments().get(i));
            out.push(HistoryEntry {
                segment_index: i,
                change_index: position,
                effective: c.effective(instrument, basis),
                instrument_index,
                source_index: data.source_index(&c.source_id),
            });
        }
    }
    out.sort_by_key(|e| e.effective.map(|d| d.first()));
    out
}

/// One regime change (a row of `regimes.csv`) on one segment, with everything needed to cite
/// it: positions in the dataset's lists.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RegimeHistoryEntry {
    /// The segment the regime lies on: its position in [`Dataset::segments`].
    pub segment_index: usize,
    /// The change: its position in [`Dataset::regime_changes`].
    pub regime_change_index: usize,
    /// The change's date, as recorded.
    pub date: PartialDate,
    /// The instrument that made it, if any: its position in [`Dataset::instruments`].
    pub instrument_index: Option<usize>,
    /// The source of the change: its position in [`Dataset::sources`].
    pub source_index: Option<usize>,
}

/// Every change of the regimes on the segments selected by `keep` (a stretch that overlaps a
/// segment, a crossing nearest to it, a regime of its dyad whose site is not known: see
/// [`RegimeTimelines::on_segment`]), one entry per segment it lies on, in date order (ties
/// keep dataset order: by segment, then file order).
pub fn regime_history(
    data: &Dataset,
    regimes: &RegimeTimelines,
    keep: impl Fn(&Segment) -> bool,
) -> Vec<RegimeHistoryEntry> {
    let mut out = Vec::new();
    for (i, seg) in data.segments().iter().enumerate() {
        if !keep(seg) {
            continue;
        }
        for position in regimes.changes_on_segment(i) {
            let Some(c) = data.regime_changes().get(position) else {
                continue;
            };
            out.push(RegimeHistoryEntry {
                segment_index: i,
                regime_change_index: position,
                date: c.date,
                instrument_index: c
                    .instrument_id
                    .as_deref()
                    .and_then(|id| data.instrument_index(id)),
                source_index: data.source_index(&c.source_id),
            });
        }
    }
    out.sort_by_key(|e| e.date.first());
    out
}
