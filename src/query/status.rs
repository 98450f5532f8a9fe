//! Segment status as of a date: delimitation and demarcation, each with the change that set it.

use crate::model::timeline::{Event, Resolved, Timeline};
use crate::{AttributeValue, Basis, Dataset, DateSpan, Delimitation, Demarcation, StatusFilter};

/// One resolved attribute of a segment: the value and the change that set it, as its position
/// in [`Dataset::changes`] (a row of `status.csv`).
pub type StatusOf<T> = Resolved<T, usize>;

/// The delimitation and demarcation timelines of every segment of a dataset under one
/// [`Basis`], built once and queried many times. It owns its data (the changes are referred
/// to by their position in [`Dataset::changes`]), so it can be kept beside the dataset.
///
/// # Examples
/// ```
/// use bordertrack::query::StatusTimelines;
/// use bordertrack::{Basis, Dataset, Delimitation, PartialDate};
/// let data = Dataset::embedded().unwrap();
/// let timelines = StatusTimelines::new(&data, Basis::InForce);
/// let i = data.segments().iter().position(|s| s.dyad.to_string() == "KAZ-UZB").unwrap();
/// let status = timelines.at(i, "2024-01-01".parse::<PartialDate>().unwrap().span());
/// assert_eq!(status.delimitation.known(), Some(Delimitation::Delimited));
/// ```
#[derive(Clone, Debug)]
pub struct StatusTimelines {
    basis: Basis,
    delimitation: Vec<Timeline<Delimitation, usize>>,
    demarcation: Vec<Timeline<Demarcation, usize>>,
}

/// The status of one segment over a span of days.
#[derive(Clone, Debug, PartialEq)]
pub struct SegmentStatus {
    /// Delimitation over the span.
    pub delimitation: StatusOf<Delimitation>,
    /// Demarcation over the span.
    pub demarcation: StatusOf<Demarcation>,
}

impl StatusTimelines {
    /// Builds the timelines of every segment of `data`, dating each change under `basis`.
    pub fn new(data: &Dataset, basis: Basis) -> Self {
        let mut delimitation = Vec::with_capacity(data.segments().len());
        let mut demarcation = Vec::with_capacity(data.segments().len());
        let mut dated = Vec::new();
        for i in 0..data.segments().len() {
            dated_changes(data, i, basis, &mut dated);
            delimitation.push(attribute_timeline(data, &dated));
            demarcation.push(attribute_timeline(data, &dated));
        }
        StatusTimelines {
            basis,
            delimitation,
            demarcation,
        }
    }

    /// The basis the changes were dated under.
    pub fn basis(&self) -> Basis {
        self.basis
    }

    /// The dated delimitation events of the segment at `segment_index`, in chronological
    /// order (empty for an index out of range).
    pub fn delimitation_events(&self, segment_index: usize) -> &[Event<Delimitation, usize>] {
        self.delimitation
            .get(segment_index)
            .map_or(&[], |t| t.events())
    }

    /// The dated demarcation events of the segment at `segment_index`, in chronological
    /// order (empty for an index out of range).
    pub fn demarcation_events(&self, segment_index: usize) -> &[Event<Demarcation, usize>] {
        self.demarcation
            .get(segment_index)
            .map_or(&[], |t| t.events())
    }

    /// The status of the segment at `segment_index` (in [`Dataset::segments`]) over `at`.
    ///
    /// # Panics
    /// Never for an index taken from the same dataset; an index out of range gives the
    /// `unknown` status.
    pub fn at(&self, segment_index: usize, at: DateSpan) -> SegmentStatus {
        // A segment out of range has an unknown status (no empty timeline is built for it:
        // building one allocates).
        SegmentStatus {
            delimitation: self.delimitation.get(segment_index).map_or(
                Resolved::Known {
                    value: Delimitation::Unknown,
                    since: None,
                },
                |t| t.at(at),
            ),
            demarcation: self.demarcation.get(segment_index).map_or(
                Resolved::Known {
                    value: Demarcation::Unknown,
                    since: None,
                },
                |t| t.at(at),
            ),
        }
    }
}

/// The changes of the segment at `segment_index` with the days each may take effect under
/// `basis`, as (effective days, position in [`Dataset::changes`]), into `out` (cleared first).
fn dated_changes(
    data: &Dataset,
    segment_index: usize,
    basis: Basis,
    out: &mut Vec<(DateSpan, usize)>,
) {
    out.clear();
    for &by in data.change_positions_of(segment_index) {
        let Some(c) = data.changes().get(by) else {
            continue;
        };
        let instrument = c
            .instrument_id
            .as_deref()
            .and_then(|id| data.instrument(id));
        // Validation guarantees every change has a date or an instrument.
        if let Some(date) = c.effective(instrument, basis) {
            out.push((date.span(), by));
        }
    }
}

/// The timeline of one kind of attribute, from the dated changes that set it: any attribute
/// kind gets its timeline the same way.
fn attribute_timeline<V: AttributeValue>(
    data: &Dataset,
    dated: &[(DateSpan, usize)],
) -> Timeline<V, usize> {
    let events = dated
        .iter()
        .filter_map(|&(effective, by)| {
            let value = data.changes().get(by)?.attributes.get::<V>()?;
            Some(Event {
                effective,
                value,
                by,
            })
        })
        .collect();
    Timeline::new(V::INITIAL, events)
}

impl SegmentStatus {
    /// Whether either attribute changed, or may have changed, within the span.
    pub fn is_ambiguous(&self) -> bool {
        self.delimitation.known().is_none() || self.demarcation.known().is_none()
    }

    /// Whether some status the segment may have had over the span matches `filter`.
    pub fn may_match(&self, filter: &StatusFilter) -> bool {
        let dels = self.delimitation.values();
        let dems = self.demarcation.values();
        dels.iter()
            .any(|&d| dems.iter().any(|&m| filter.matches(d, m)))
    }

    /// Whether `filter` matches `delimitation` (a party's view of it, say) together with some
    /// demarcation the segment may have had over the span.
    pub fn may_match_with_delimitation(
        &self,
        delimitation: Delimitation,
        filter: &StatusFilter,
    ) -> bool {
        self.demarcation
            .values()
            .iter()
            .any(|&m| filter.matches(delimitation, m))
    }

    /// The change after which the current pair of statuses holds: the later of the changes
    /// that set the delimitation and the demarcation (`by` is its position in
    /// [`Dataset::changes`]); `None` when ambiguous or never set.
    pub fn since(&self) -> Option<Event<(), usize>> {
        let pick = |r: Option<(DateSpan, usize)>| r;
        let a = match &self.delimitation {
            Resolved::Known { since: Some(e), .. } => pick(Some((e.effective, e.by))),
            _ => None,
        };
        let b = match &self.demarcation {
            Resolved::Known { since: Some(e), .. } => pick(Some((e.effective, e.by))),
            _ => None,
        };
        if self.is_ambiguous() {
            return None;
        }
        let best = match (a, b) {
            (Some(x), Some(y)) => Some(if y.0.first > x.0.first { y } else { x }),
            (x, y) => x.or(y),
        };
        best.map(|(effective, by)| Event {
            effective,
            value: (),
            by,
        })
    }

    /// The delimitation as one word: the status, or `ambiguous`.
    pub fn delimitation_word(&self) -> &'static str {
        self.delimitation
            .known()
            .map_or("ambiguous", Delimitation::as_str)
    }

    /// The demarcation as one word: the status, or `ambiguous`.
    pub fn demarcation_word(&self) -> &'static str {
        self.demarcation
            .known()
            .map_or("ambiguous", Demarcation::as_str)
    }

    /// For an ambiguous status, what it may have been, e.g.
    /// `delimitation disputed|delimited (change 2003-09-05)`; empty when not ambiguous.
    pub fn ambiguity(&self) -> String {
        let mut parts = Vec::new();
        if let Resolved::Ambiguous { values, events } = &self.delimitation {
            parts.push(describe(
                "delimitation",
                values.iter().map(|v| v.as_str()),
                events.iter().map(|e| e.effective),
            ));
        }
        if let Resolved::Ambiguous { values, events } = &self.demarcation {
            parts.push(describe(
                "demarcation",
                values.iter().map(|v| v.as_str()),
                events.iter().map(|e| e.effective),
            ));
        }
        parts.join("; ")
    }
}

fn describe<'s>(
    what: &str,
    values: impl Iterator<Item = &'s str>,
    dates: impl Iterator<Item = DateSpan>,
) -> String {
    let values: Vec<&str> = values.collect();
    let dates: Vec<String> = dates.map(|d| d.to_string()).collect();
    format!("{what} {} (changed {})", values.join("|"), dates.join(", "))
}
