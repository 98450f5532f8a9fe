//! The history of a segment or a dyad: every change in date order, with its provenance.

use crate::{Basis, Dataset, Instrument, PartialDate, Segment, Source, StatusChange};

/// One change with everything needed to cite it.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEntry<'a> {
    /// The segment changed.
    pub segment: &'a Segment,
    /// The change (a row of `status.csv`).
    pub change: &'a StatusChange,
    /// The date the change counts from under the chosen basis.
    pub effective: Option<PartialDate>,
    /// The instrument that made it, if any.
    pub instrument: Option<&'a Instrument>,
    /// The source of the change.
    pub source: Option<&'a Source>,
}

/// Every change of the segments selected by `keep`, in date order under `basis` (ties keep
/// dataset order: by segment, then file order).
pub fn history<'a>(
    data: &'a Dataset,
    basis: Basis,
    keep: impl Fn(&Segment) -> bool,
) -> Vec<HistoryEntry<'a>> {
    let mut out = Vec::new();
    for (i, seg) in data.segments().iter().enumerate() {
        if !keep(seg) {
            continue;
        }
        for c in data.changes_of(i) {
            let instrument = c
                .instrument_id
                .as_deref()
                .and_then(|id| data.instrument(id));
            out.push(HistoryEntry {
                segment: seg,
                change: c,
                effective: c.effective(instrument, basis),
                instrument,
                source: data.source(&c.source_id),
            });
        }
    }
    out.sort_by_key(|e| e.effective.map(|d| d.first()));
    out
}
