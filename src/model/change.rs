//! Dated status changes of a segment.

use super::{Basis, Delimitation, Demarcation, Instrument};
use crate::PartialDate;

/// One change of a segment's status, as one row of `status.csv`.
///
/// A change sets the delimitation, the demarcation, or both. Its date is either given
/// explicitly (an event such as the start of field work) or, when `date` is `None`, taken from
/// its instrument according to the chosen [`Basis`].
#[derive(Clone, Debug, PartialEq)]
pub struct StatusChange {
    /// The segment it applies to.
    pub segment_id: String,
    /// The date of the change, when it does not follow from the instrument.
    pub date: Option<PartialDate>,
    /// The new delimitation, if it changes.
    pub delimitation: Option<Delimitation>,
    /// The new demarcation, if it changes.
    pub demarcation: Option<Demarcation>,
    /// The instrument that made the change, if any.
    pub instrument_id: Option<String>,
    /// The source that reports the change.
    pub source_id: String,
    /// Free note.
    pub note: String,
    /// Where it was read from (line number in `status.csv`, header = 1), for messages.
    pub line: u64,
}

impl StatusChange {
    /// The date the change counts from under `basis`, given its instrument (if it has one).
    ///
    /// Returns `None` only for a change with neither a date nor an instrument, which
    /// validation rejects.
    pub fn effective(&self, instrument: Option<&Instrument>, basis: Basis) -> Option<PartialDate> {
        self.date.or_else(|| instrument.map(|i| i.effective(basis)))
    }
}
