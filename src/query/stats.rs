//! Per-dyad lengths by status, in kilometres, as of a date.

use super::status::StatusTimelines;
use crate::{Dataset, DateSpan, Delimitation, Demarcation, Dyad};

/// Geodesic lengths of one dyad by status, in metres.
///
/// A segment whose status is ambiguous over the requested span (it changed inside it) is
/// counted in `ambiguous_m` only, never guessed into a status.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DyadStats {
    /// Total geodesic length.
    pub length_m: f64,
    /// Delimited.
    pub delimited_m: f64,
    /// Disputed.
    pub disputed_m: f64,
    /// Undelimited (not counting disputed).
    pub undelimited_m: f64,
    /// Demarcated.
    pub demarcated_m: f64,
    /// Demarcation in progress.
    pub in_progress_m: f64,
    /// Status changed within the span, so it cannot be attributed.
    pub ambiguous_m: f64,
}

impl DyadStats {
    /// Share of the length that is delimited, in percent (0 for an empty dyad).
    pub fn delimited_pct(&self) -> f64 {
        pct(self.delimited_m, self.length_m)
    }

    /// Share of the length that is demarcated, in percent.
    pub fn demarcated_pct(&self) -> f64 {
        pct(self.demarcated_m, self.length_m)
    }
}

fn pct(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        100.0 * part / whole
    } else {
        0.0
    }
}

/// The statistics of `dyad` over the span `at`.
///
/// `lengths_m` are the geodesic lengths of the dataset's segments in dataset order (compute
/// them once with [`crate::Segment::length_m`] when asking for many dates).
///
/// # Examples
/// ```
/// use bordertrack::query::{dyad_stats, StatusTimelines};
/// use bordertrack::{Basis, Dataset, PartialDate};
/// let data = Dataset::embedded().unwrap();
/// let lengths: Vec<f64> = data.segments().iter().map(|s| s.length_m()).collect();
/// let t = StatusTimelines::new(&data, Basis::InForce);
/// let at = "2024-01-01".parse::<PartialDate>().unwrap().span();
/// let s = dyad_stats(&data, &t, &lengths, "KAZ-UZB".parse().unwrap(), at);
/// assert!((s.demarcated_pct() - 100.0).abs() < 1e-9);
/// ```
pub fn dyad_stats(
    data: &Dataset,
    timelines: &StatusTimelines<'_>,
    lengths_m: &[f64],
    dyad: Dyad,
    at: DateSpan,
) -> DyadStats {
    let mut s = DyadStats::default();
    for (i, seg) in data.segments().iter().enumerate() {
        if seg.dyad != dyad {
            continue;
        }
        let len = lengths_m.get(i).copied().unwrap_or_else(|| seg.length_m());
        s.length_m += len;
        let st = timelines.at(i, at);
        if st.is_ambiguous() {
            s.ambiguous_m += len;
            continue;
        }
        match st.delimitation.known() {
            Some(Delimitation::Delimited) => s.delimited_m += len,
            Some(Delimitation::Disputed) => s.disputed_m += len,
            Some(Delimitation::Undelimited) => s.undelimited_m += len,
            _ => {}
        }
        match st.demarcation.known() {
            Some(Demarcation::Demarcated) => s.demarcated_m += len,
            Some(Demarcation::InProgress) => s.in_progress_m += len,
            _ => {}
        }
    }
    s
}
