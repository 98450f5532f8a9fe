//! How sure a match between an incident and a stretch of border is, and which other stretches
//! the incident may be on.
//!
//! An incident's position is known to within its location precision, a line's to within its
//! segment's stated precision, and its date to a span of days. A match is
//! [`Certainty::Certain`] when all of that uncertainty stays within reach of a stretch with the
//! status asked for, and [`Certainty::Possible`] when only part of it does.

use std::fmt;

use super::status::SegmentStatus;
use crate::StatusFilter;

/// How sure a match is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Certainty {
    /// Wherever the incident truly was within its location precision, wherever the line truly
    /// runs within its segment's precision, and whichever day of its date span it happened,
    /// it was within the distance asked for of a stretch with the status asked for: its
    /// distance plus both precisions is at most that distance, and the status does not change
    /// within the span (without a filter: neither dimension changes; with one: every status the
    /// segment may have had over the span matches it).
    Certain,
    /// Only part of that uncertainty is: it may be farther away, or on a day with another
    /// status.
    Possible,
}

impl Certainty {
    /// The certainty of a match at `distance_m` metres from a segment whose line is known to
    /// within `segment_precision_m` metres, for an incident known to within
    /// `incident_precision_m` metres, asked for within `within_m` metres; `status` is the
    /// segment's status over the incident's date span and `filter` the statuses asked for
    /// (empty: any).
    ///
    /// # Examples
    /// ```
    /// use bordertrack::query::{Certainty, StatusTimelines};
    /// use bordertrack::{Basis, Dataset, PartialDate, StatusFilter};
    /// let data = Dataset::embedded().unwrap();
    /// let timelines = StatusTimelines::new(&data, Basis::InForce);
    /// let day = "2010-06-01".parse::<PartialDate>().unwrap().span();
    /// let status = timelines.at(0, day);
    /// let any = StatusFilter::default();
    /// // 300 m away, known to 200 m, on a line known to 400 m: within 1 km whatever the truth.
    /// assert_eq!(Certainty::of(300.0, 200.0, 400.0, 1_000.0, &status, &any), Certainty::Certain);
    /// // Known only to 5 km: possibly farther than 1 km.
    /// assert_eq!(Certainty::of(300.0, 5_000.0, 400.0, 1_000.0, &status, &any), Certainty::Possible);
    /// ```
    pub fn of(
        distance_m: f64,
        incident_precision_m: f64,
        segment_precision_m: f64,
        within_m: f64,
        status: &SegmentStatus,
        filter: &StatusFilter,
    ) -> Certainty {
        let place = distance_m + incident_precision_m + segment_precision_m <= within_m;
        Certainty::of_place_and_time(place, status, filter)
    }

    /// The certainty of a nearest match (a match to the nearest segment whatever the distance):
    /// [`Certainty::Certain`] when `alone` (no other segment may truly be nearer, given the
    /// incident's location precision and the segments' stated precisions) and the status is
    /// sure over the incident's date span, as for [`Certainty::of`].
    ///
    /// # Examples
    /// ```
    /// use bordertrack::query::{Certainty, StatusTimelines};
    /// use bordertrack::{Basis, Dataset, PartialDate, StatusFilter};
    /// let data = Dataset::embedded().unwrap();
    /// let timelines = StatusTimelines::new(&data, Basis::InForce);
    /// let status = timelines.at(0, "2010-06-01".parse::<PartialDate>().unwrap().span());
    /// let any = StatusFilter::default();
    /// assert_eq!(Certainty::of_nearest(true, &status, &any), Certainty::Certain);
    /// assert_eq!(Certainty::of_nearest(false, &status, &any), Certainty::Possible);
    /// ```
    pub fn of_nearest(alone: bool, status: &SegmentStatus, filter: &StatusFilter) -> Certainty {
        Certainty::of_place_and_time(alone, status, filter)
    }

    /// Certain when the place is sure and the status is sure over the span (without a filter:
    /// it does not change; with one: every status it may have had matches).
    fn of_place_and_time(place: bool, status: &SegmentStatus, filter: &StatusFilter) -> Certainty {
        let time = if filter.is_empty() {
            !status.is_ambiguous()
        } else {
            status.must_match(filter)
        };
        if place && time {
            Certainty::Certain
        } else {
            Certainty::Possible
        }
    }

    /// The word written: `certain` or `possible`.
    pub fn as_str(self) -> &'static str {
        match self {
            Certainty::Certain => "certain",
            Certainty::Possible => "possible",
        }
    }
}

impl fmt::Display for Certainty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Another segment an incident may be on: one within its reach (the distance asked for plus
/// the incident's location precision plus the segment's stated precision, `precision_m`)
/// other than the one it was matched to, whatever its status.
#[derive(Clone, Debug, PartialEq)]
pub struct Alternative {
    /// Position of the segment in [`crate::Dataset::segments`].
    pub segment_index: usize,
    /// Geodesic distance from the incident's point to the segment on WGS84, in metres.
    pub distance_m: f64,
    /// The segment's status over the incident's date span.
    pub status: SegmentStatus,
}

impl SegmentStatus {
    /// Whether every status the segment may have had over the span matches `filter` (an
    /// empty filter matches everything).
    pub fn must_match(&self, filter: &StatusFilter) -> bool {
        let dels = self.delimitation.values();
        let dems = self.demarcation.values();
        dels.iter()
            .all(|&d| dems.iter().all(|&m| filter.matches(d, m)))
    }

    /// The status in short form, `DELIMITATION/DEMARCATION`, each dimension the status or, when
    /// it may have changed within the span, every value it may have had joined by `|`:
    /// `disputed/none`, `disputed|delimited/none`.
    pub fn short_form(&self) -> String {
        let mut out = String::new();
        self.push_short_form(&mut out);
        out
    }

    /// [`SegmentStatus::short_form`] appended to `out`.
    pub fn push_short_form(&self, out: &mut String) {
        for (i, v) in self.delimitation.values().iter().enumerate() {
            if i > 0 {
                out.push('|');
            }
            out.push_str(v.as_str());
        }
        out.push('/');
        for (i, v) in self.demarcation.values().iter().enumerate() {
            if i > 0 {
                out.push('|');
            }
            out.push_str(v.as_str());
        }
    }
}

/// The alternatives in one compact, parseable text: `SEGMENT_ID:STATUS` entries joined by `;`,
/// nearest first, each `STATUS` in [`SegmentStatus::short_form`]
/// (`KAZ-UZB-06:disputed/none;KAZ-UZB-07:disputed/none`). `segment_id` names a segment by its
/// position. Empty when there is none.
///
/// To read it back: split on `;`, split each entry at its last `:`, the status at `/`, and each
/// dimension at `|`.
pub fn alternatives_text<'a>(
    alternatives: &[Alternative],
    segment_id: impl Fn(usize) -> &'a str,
) -> String {
    let mut out = String::new();
    push_alternatives_text(alternatives, &mut out, segment_id);
    out
}

/// Appends [`alternatives_text`] to `out` (a buffer kept from one match to the next).
pub(crate) fn push_alternatives_text<'a>(
    alternatives: &[Alternative],
    out: &mut String,
    segment_id: impl Fn(usize) -> &'a str,
) {
    for (i, a) in alternatives.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(segment_id(a.segment_index));
        out.push(':');
        a.status.push_short_form(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::{Event, Resolved};
    use crate::{DateSpan, Delimitation, Demarcation, PartialDate};

    fn span(s: &str) -> DateSpan {
        s.parse::<PartialDate>().map(|d| d.span()).unwrap()
    }

    fn known(del: Delimitation, dem: Demarcation) -> SegmentStatus {
        SegmentStatus {
            delimitation: Resolved::Known {
                value: del,
                since: None,
            },
            demarcation: Resolved::Known {
                value: dem,
                since: None,
            },
        }
    }

    fn changing_delimitation() -> SegmentStatus {
        SegmentStatus {
            delimitation: Resolved::Ambiguous {
                values: vec![Delimitation::Disputed, Delimitation::Delimited],
                events: vec![Event {
                    effective: span("2003-09-05"),
                    value: Delimitation::Delimited,
                    by: 0,
                }],
            },
            demarcation: Resolved::Known {
                value: Demarcation::None,
                since: None,
            },
        }
    }

    #[test]
    fn distance_and_both_precisions_must_fit_within() {
        let s = known(Delimitation::Delimited, Demarcation::None);
        let any = StatusFilter::default();
        assert_eq!(
            Certainty::of(500.0, 250.0, 250.0, 1_000.0, &s, &any),
            Certainty::Certain
        );
        assert_eq!(
            Certainty::of(500.0, 250.0, 251.0, 1_000.0, &s, &any),
            Certainty::Possible
        );
        assert_eq!(
            Certainty::of(500.0, 251.0, 250.0, 1_000.0, &s, &any),
            Certainty::Possible
        );
    }

    #[test]
    fn a_status_that_may_change_within_the_span_is_possible() {
        let s = changing_delimitation();
        let any = StatusFilter::default();
        assert_eq!(
            Certainty::of(0.0, 0.0, 0.0, 1_000.0, &s, &any),
            Certainty::Possible
        );
        // Asked about demarcation only, which did not change: certain.
        let undemarcated: StatusFilter = "undemarcated".parse().unwrap();
        assert_eq!(
            Certainty::of(0.0, 0.0, 0.0, 1_000.0, &s, &undemarcated),
            Certainty::Certain
        );
        // Asked about disputed stretches: it may have been delimited that day.
        let disputed: StatusFilter = "disputed".parse().unwrap();
        assert_eq!(
            Certainty::of(0.0, 0.0, 0.0, 1_000.0, &s, &disputed),
            Certainty::Possible
        );
        let either: StatusFilter = "disputed,delimited".parse().unwrap();
        assert_eq!(
            Certainty::of(0.0, 0.0, 0.0, 1_000.0, &s, &either),
            Certainty::Certain
        );
    }

    #[test]
    fn alternatives_read_back() {
        let alts = [
            Alternative {
                segment_index: 1,
                distance_m: 10.0,
                status: known(Delimitation::Disputed, Demarcation::None),
            },
            Alternative {
                segment_index: 0,
                distance_m: 20.0,
                status: changing_delimitation(),
            },
        ];
        let ids = ["A-B:01", "A-B-02"];
        let text = alternatives_text(&alts, |i| ids[i]);
        assert_eq!(text, "A-B-02:disputed/none;A-B:01:disputed|delimited/none");
        let read: Vec<(&str, Vec<&str>, Vec<&str>)> = text
            .split(';')
            .map(|e| {
                let (id, status) = e.rsplit_once(':').unwrap();
                let (del, dem) = status.split_once('/').unwrap();
                (id, del.split('|').collect(), dem.split('|').collect())
            })
            .collect();
        assert_eq!(read[0], ("A-B-02", vec!["disputed"], vec!["none"]));
        assert_eq!(
            read[1],
            ("A-B:01", vec!["disputed", "delimited"], vec!["none"])
        );
        assert_eq!(alternatives_text(&[], |i| ids[i]), "");
    }
}
