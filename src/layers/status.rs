//! A segment's status history as intervals of unchanged status, for the time-enabled layer.

use jiff::civil::Date;

use crate::query::StatusTimelines;
use crate::{Delimitation, Demarcation, PartialDate};

/// One interval during which a segment's delimitation and demarcation did not change.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusInterval {
    /// The delimitation over the interval.
    pub delimitation: Delimitation,
    /// The demarcation over the interval.
    pub demarcation: Demarcation,
    /// Its first day: the first day of the change that began it; `None` for the status
    /// before any recorded change.
    pub valid_from: Option<Date>,
    /// The first day of the next interval (excluded); `None` while still in force.
    pub valid_to: Option<Date>,
    /// The date of the change that began it, as recorded (it may be a year or a month).
    pub since: Option<PartialDate>,
    /// That change, as its position in [`crate::Dataset::changes`]; with several changes on
    /// the same first day, the last of them.
    pub change: Option<usize>,
}

/// One change of one segment: its first day and what it sets.
struct SegmentChange {
    day: Date,
    delimitation: Option<Delimitation>,
    demarcation: Option<Demarcation>,
    by: usize,
    since: PartialDate,
}

/// The intervals of unchanged status of the segment at `segment_index`, in date order: first
/// the status before any change (`unknown` unless the data says otherwise), then one interval
/// per distinct first day of a change. Changes whose dates are partial count from their
/// first possible day.
///
/// # Examples
/// ```
/// use bordertrack::layers::status_intervals;
/// use bordertrack::{Basis, Borders};
/// let borders = Borders::embedded()?;
/// let intervals = status_intervals(borders.timelines(Basis::InForce), 0);
/// assert!(intervals.first().is_some_and(|i| i.valid_from.is_none()));
/// assert!(intervals.last().is_some_and(|i| i.valid_to.is_none()));
/// # Ok::<(), bordertrack::Error>(())
/// ```
pub fn status_intervals(timelines: &StatusTimelines, segment_index: usize) -> Vec<StatusInterval> {
    let dels = timelines.delimitation_events(segment_index);
    let dems = timelines.demarcation_events(segment_index);
    // Every change in date order.
    let mut steps: Vec<SegmentChange> = Vec::with_capacity(dels.len() + dems.len());
    for e in dels {
        if let Some(since) = e.effective.as_partial() {
            steps.push(SegmentChange {
                day: e.effective.first,
                delimitation: Some(e.value),
                demarcation: None,
                by: e.by,
                since,
            });
        }
    }
    for e in dems {
        if let Some(since) = e.effective.as_partial() {
            steps.push(SegmentChange {
                day: e.effective.first,
                delimitation: None,
                demarcation: Some(e.value),
                by: e.by,
                since,
            });
        }
    }
    steps.sort_by_key(|s| (s.day, s.by));
    let mut current = StatusInterval {
        delimitation: Delimitation::Unknown,
        demarcation: Demarcation::Unknown,
        valid_from: None,
        valid_to: None,
        since: None,
        change: None,
    };
    let mut out = Vec::with_capacity(steps.len() + 1);
    for SegmentChange {
        day,
        delimitation: del,
        demarcation: dem,
        by,
        since,
    } in steps
    {
        if current.valid_from != Some(day) {
            let next = StatusInterval {
                valid_from: Some(day),
                ..current.clone()
            };
            current.valid_to = Some(day);
            out.push(std::mem::replace(&mut current, next));
        }
        if let Some(d) = del {
            current.delimitation = d;
        }
        if let Some(d) = dem {
            current.demarcation = d;
        }
        current.since = Some(since);
        current.change = Some(by);
    }
    out.push(current);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Basis, Borders};

    #[test]
    fn intervals_follow_each_other_and_agree_with_the_status_at_their_first_day(
    ) -> crate::Result<()> {
        let borders = Borders::embedded()?;
        let timelines = borders.timelines(Basis::InForce);
        let mut changed = 0;
        for i in 0..borders.dataset().segments().len() {
            let intervals = status_intervals(timelines, i);
            assert!(intervals[0].valid_from.is_none());
            assert!(intervals.last().is_some_and(|l| l.valid_to.is_none()));
            for pair in intervals.windows(2) {
                assert_eq!(pair[0].valid_to, pair[1].valid_from);
                assert!(pair[0].valid_from < pair[1].valid_from);
            }
            for interval in intervals.iter().skip(1) {
                changed += 1;
                // On the last day of the change's span the status is certainly in effect,
                // unless another change follows within the interval's first span.
                let Some(since) = interval.since else {
                    panic!("an interval after a change has its date");
                };
                let last = since.last();
                if interval.valid_to.is_some_and(|to| to <= last) {
                    continue;
                }
                let st = timelines.at(i, crate::DateSpan::day(last));
                assert_eq!(st.delimitation.known(), Some(interval.delimitation));
                assert_eq!(st.demarcation.known(), Some(interval.demarcation));
            }
        }
        assert!(changed > 10, "the embedded data has dated changes");
        Ok(())
    }
}
