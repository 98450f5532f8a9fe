//! Dated changes of a segment: one event setting any set of attributes.

use super::{Attributes, Basis, Delimitation, Demarcation, Instrument};
use crate::PartialDate;

/// One dated change of a segment, as one row of `status.csv`: a single event that sets any set
/// of [`Attributes`] (today its delimitation, its demarcation, or both).
///
/// Its date is either given explicitly (an event such as the start of field work) or, when
/// `date` is `None`, taken from its instrument according to the chosen [`Basis`]. Each kind of
/// attribute gets its own timeline from the changes that set it
/// ([`crate::query::StatusTimelines`]).
///
/// # Examples
/// ```
/// use bordertrack::{Attributes, Delimitation, Demarcation, StatusChange};
///
/// let change = StatusChange {
///     segment_id: "kaz-uzb-1".into(),
///     date: Some("2004-04".parse().unwrap()),
///     attributes: Attributes::new().with(Demarcation::InProgress),
///     instrument_id: None,
///     source_id: "src-1".into(),
///     note: String::new(),
///     line: 0,
/// };
/// assert_eq!(change.demarcation(), Some(Demarcation::InProgress));
/// assert_eq!(change.delimitation(), None::<Delimitation>);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct StatusChange {
    /// The segment it applies to.
    pub segment_id: String,
    /// The date of the change, when it does not follow from the instrument.
    pub date: Option<PartialDate>,
    /// What it sets: at least one attribute.
    pub attributes: Attributes,
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
    /// The new delimitation, if the change sets it.
    pub fn delimitation(&self) -> Option<Delimitation> {
        self.attributes.get()
    }

    /// The new demarcation, if the change sets it.
    pub fn demarcation(&self) -> Option<Demarcation> {
        self.attributes.get()
    }

    /// The date the change counts from under `basis`, given its instrument (if it has one).
    ///
    /// Returns `None` only for a change with neither a date nor an instrument, which
    /// validation rejects.
    pub fn effective(&self, instrument: Option<&Instrument>, basis: Basis) -> Option<PartialDate> {
        self.date.or_else(|| instrument.map(|i| i.effective(basis)))
    }
}
