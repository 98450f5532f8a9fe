//! Segment status as of a date: delimitation and demarcation, each with the change that set it.

use crate::model::timeline::{day_key, Event, Resolved, Timeline};
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
    /// Per segment, both timelines' classes of days together, so that the status over a span
    /// within one class (a single day always is) is found with one search.
    joint: Vec<JointClasses>,
}

/// The classes of days of a segment's two timelines together: the days that start a class of
/// either, sorted without repeats, and the status over any span within each class when both
/// attributes are known over it (`None` when one is ambiguous: that class is resolved by the
/// timelines). A span within one such class is within one class of each timeline, so the
/// answer is the one each timeline would give.
#[derive(Clone, Debug)]
struct JointClasses {
    starts: Vec<i32>,
    known: Vec<Option<KnownStatus>>,
}

/// Both attributes of a segment when known: each value and the change that set it.
#[derive(Clone, Copy, Debug)]
struct KnownStatus {
    delimitation: (Delimitation, Option<Event<Delimitation, usize>>),
    demarcation: (Demarcation, Option<Event<Demarcation, usize>>),
}

impl JointClasses {
    fn new(
        delimitation: &Timeline<Delimitation, usize>,
        demarcation: &Timeline<Demarcation, usize>,
    ) -> Self {
        let mut starts: Vec<i32> = delimitation
            .class_starts()
            .iter()
            .chain(demarcation.class_starts())
            .copied()
            .collect();
        starts.sort_unstable();
        starts.dedup();
        // Each class's answer is the answer for its first day (any day of it would do).
        let known = std::iter::once(i32::MIN)
            .chain(starts.iter().copied())
            .map(|day| {
                match (
                    delimitation.at_days(day, day),
                    demarcation.at_days(day, day),
                ) {
                    (
                        Resolved::Known {
                            value: d,
                            since: ds,
                        },
                        Resolved::Known {
                            value: m,
                            since: ms,
                        },
                    ) => Some(KnownStatus {
                        delimitation: (d, ds),
                        demarcation: (m, ms),
                    }),
                    _ => None,
                }
            })
            .collect();
        JointClasses { starts, known }
    }

    /// The status over the days from `first` to `last` ([`day_key`]s) when they lie within
    /// one class and both attributes are known over it.
    #[inline]
    fn known(&self, first: i32, last: i32) -> Option<SegmentStatus> {
        let class = self.starts.partition_point(|&start| start <= first);
        if self
            .starts
            .get(class)
            .is_some_and(|&next_start| last >= next_start)
        {
            return None;
        }
        let k = (*self.known.get(class)?)?;
        Some(SegmentStatus {
            delimitation: Resolved::Known {
                value: k.delimitation.0,
                since: k.delimitation.1,
            },
            demarcation: Resolved::Known {
                value: k.demarcation.0,
                since: k.demarcation.1,
            },
        })
    }
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
        let joint = delimitation
            .iter()
            .zip(&demarcation)
            .map(|(d, m)| JointClasses::new(d, m))
            .collect();
        StatusTimelines {
            basis,
            delimitation,
            demarcation,
            joint,
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
        let (first, last) = (day_key(at.first), day_key(at.last));
        if let Some(status) = self
            .joint
            .get(segment_index)
            .and_then(|joint| joint.known(first, last))
        {
            return status;
        }
        // A segment out of range has an unknown status (no empty timeline is built for it:
        // building one allocates).
        SegmentStatus {
            delimitation: self.delimitation.get(segment_index).map_or(
                Resolved::Known {
                    value: Delimitation::Unknown,
                    since: None,
                },
                |t| t.at_days(first, last),
            ),
            demarcation: self.demarcation.get(segment_index).map_or(
                Resolved::Known {
                    value: Demarcation::Unknown,
                    since: None,
                },
                |t| t.at_days(first, last),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PartialDate;

    /// The status as each timeline gives it on its own, without the joint classes.
    fn by_each_timeline(t: &StatusTimelines, i: usize, at: DateSpan) -> SegmentStatus {
        SegmentStatus {
            delimitation: t.delimitation[i].at(at),
            demarcation: t.demarcation[i].at(at),
        }
    }

    #[test]
    fn the_joint_classes_give_each_timelines_answer() {
        let data = Dataset::embedded().unwrap();
        let mut dates: Vec<String> = Vec::new();
        for year in 1985..2027 {
            dates.push(format!("{year}"));
            for month in 1..=12 {
                dates.push(format!("{year}-{month:02}"));
                for day in [1, 5, 9, 14, 16, 20, 28] {
                    dates.push(format!("{year}-{month:02}-{day:02}"));
                }
            }
        }
        for basis in [Basis::InForce, Basis::Signed] {
            let timelines = StatusTimelines::new(&data, basis);
            // Every event's first and last days, and the days next to them.
            let mut dates = dates.clone();
            for i in 0..data.segments().len() {
                let spans = (timelines.delimitation_events(i).iter().map(|e| e.effective))
                    .chain(timelines.demarcation_events(i).iter().map(|e| e.effective));
                for span in spans {
                    for d in [span.first, span.last] {
                        for near in [d.yesterday(), Ok(d), d.tomorrow()].into_iter().flatten() {
                            dates.push(near.to_string());
                        }
                    }
                }
            }
            let (mut joint, mut ambiguous) = (0, 0);
            for i in 0..data.segments().len() {
                for text in &dates {
                    let at = text.parse::<PartialDate>().unwrap().span();
                    let status = timelines.at(i, at);
                    assert_eq!(status, by_each_timeline(&timelines, i, at), "{i} {text}");
                    if status.is_ambiguous() {
                        ambiguous += 1;
                    } else {
                        joint += 1;
                    }
                }
            }
            assert!(joint > 0 && ambiguous > 0, "{joint} {ambiguous}");
        }
    }
}
