//! Per-dyad lengths by status, in kilometres, as of a date.

use super::status::StatusTimelines;
use crate::{CountryCode, Dataset, DateSpan, Delimitation, Demarcation, Dyad};

/// Geodesic lengths of one dyad by status, in metres.
///
/// Delimitation and demarcation are counted each on its own: every segment's length is in
/// exactly one delimitation field and exactly one demarcation field. A segment whose
/// delimitation changed within the requested span counts in `delimitation_ambiguous_m` only
/// (never guessed into a status), and still counts under its demarcation when that is certain;
/// the same holds the other way round. Each field is named after the [`crate::StatusWord`] whose
/// statuses it counts (`undelimited_m`: the `undelimited` status only, not `disputed`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DyadStats {
    /// Total geodesic length.
    pub length_m: f64,
    /// Delimitation `delimited`.
    pub delimited_m: f64,
    /// Delimitation `disputed`.
    pub disputed_m: f64,
    /// Delimitation `undelimited` (not counting `disputed`).
    pub undelimited_m: f64,
    /// Delimitation `unknown`: the sources say nothing.
    pub delimitation_unknown_m: f64,
    /// Delimitation changed, or may have changed, within the span.
    pub delimitation_ambiguous_m: f64,
    /// Demarcation `demarcated`.
    pub demarcated_m: f64,
    /// Demarcation `in_progress`.
    pub in_progress_m: f64,
    /// Demarcation `none` (the word `undemarcated`).
    pub undemarcated_m: f64,
    /// Demarcation `unknown`.
    pub demarcation_unknown_m: f64,
    /// Demarcation changed, or may have changed, within the span.
    pub demarcation_ambiguous_m: f64,
}

impl DyadStats {
    /// Share of the length that is certainly delimited, in percent (0 for an empty dyad).
    pub fn delimited_pct(&self) -> f64 {
        pct(self.delimited_m, self.length_m)
    }

    /// Share of the length that is certainly demarcated, in percent (0 for an empty dyad).
    pub fn demarcated_pct(&self) -> f64 {
        pct(self.demarcated_m, self.length_m)
    }

    /// Share of the length whose delimitation is `unknown`, in percent.
    pub fn delimitation_unknown_pct(&self) -> f64 {
        pct(self.delimitation_unknown_m, self.length_m)
    }

    /// Share of the length whose demarcation is `unknown`, in percent.
    pub fn demarcation_unknown_pct(&self) -> f64 {
        pct(self.demarcation_unknown_m, self.length_m)
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
    timelines: &StatusTimelines,
    lengths_m: &[f64],
    dyad: Dyad,
    at: DateSpan,
) -> DyadStats {
    dyad_stats_seen_by(data, timelines, lengths_m, dyad, at, None)
}

/// [`dyad_stats`] as `party` held the border (`None`: the dataset's own statuses).
///
/// Where the dataset records `party`'s view of a segment ([`Dataset::claim_of`]), the view's
/// delimitation replaces the dataset's and, when the view draws a line of its own, that
/// line's geodesic length replaces the segment's (in every field, so the fields still
/// partition the length). A view that holds on only some days of `at` leaves the segment's
/// delimitation ambiguous unless the dataset's status on every day of the span is the
/// view's. Demarcation is the dataset's.
///
/// # Examples
/// ```
/// use bordertrack::query::{dyad_stats, dyad_stats_seen_by, StatusTimelines};
/// use bordertrack::{Basis, Dataset, PartialDate};
/// let data = Dataset::embedded().unwrap();
/// let lengths: Vec<f64> = data.segments().iter().map(|s| s.length_m()).collect();
/// let t = StatusTimelines::new(&data, Basis::InForce);
/// let at = "2024-01-01".parse::<PartialDate>().unwrap().span();
/// let dyad = "KAZ-UZB".parse().unwrap();
/// // A party whose view is not recorded sees the dataset's statuses.
/// let seen = dyad_stats_seen_by(&data, &t, &lengths, dyad, at, Some("KAZ".parse().unwrap()));
/// assert_eq!(seen, dyad_stats(&data, &t, &lengths, dyad, at));
/// ```
pub fn dyad_stats_seen_by(
    data: &Dataset,
    timelines: &StatusTimelines,
    lengths_m: &[f64],
    dyad: Dyad,
    at: DateSpan,
    party: Option<CountryCode>,
) -> DyadStats {
    let mut s = DyadStats::default();
    for (i, seg) in data.segments().iter().enumerate() {
        if seg.dyad != dyad {
            continue;
        }
        let st = timelines.at(i, at);
        let view = party.and_then(|p| data.claim_of(p, &seg.id, at));
        let len = match view.and_then(|c| c.line.as_ref()) {
            Some(line) => geo::Length::length(&geo::Geodesic, line),
            None => lengths_m.get(i).copied().unwrap_or_else(|| seg.length_m()),
        };
        let delimitation = match view {
            None => st.delimitation.known(),
            Some(c) if c.holds_throughout(at) => Some(c.delimitation),
            Some(c) => st
                .delimitation
                .values()
                .iter()
                .all(|&d| d == c.delimitation)
                .then_some(c.delimitation),
        };
        s.length_m += len;
        *match delimitation {
            Some(Delimitation::Delimited) => &mut s.delimited_m,
            Some(Delimitation::Disputed) => &mut s.disputed_m,
            Some(Delimitation::Undelimited) => &mut s.undelimited_m,
            Some(Delimitation::Unknown) => &mut s.delimitation_unknown_m,
            None => &mut s.delimitation_ambiguous_m,
        } += len;
        *match st.demarcation.known() {
            Some(Demarcation::Demarcated) => &mut s.demarcated_m,
            Some(Demarcation::InProgress) => &mut s.in_progress_m,
            Some(Demarcation::None) => &mut s.undemarcated_m,
            Some(Demarcation::Unknown) => &mut s.demarcation_unknown_m,
            None => &mut s.demarcation_ambiguous_m,
        } += len;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Basis, PartialDate};

    fn stats(dyad: &str, at: &str) -> DyadStats {
        let data = Dataset::embedded().unwrap();
        let lengths: Vec<f64> = data.segments().iter().map(|s| s.length_m()).collect();
        let t = StatusTimelines::new(&data, Basis::InForce);
        let at = at.parse::<PartialDate>().unwrap().span();
        dyad_stats(&data, &t, &lengths, dyad.parse().unwrap(), at)
    }

    fn assert_partitions(s: &DyadStats) {
        let del = s.delimited_m
            + s.disputed_m
            + s.undelimited_m
            + s.delimitation_unknown_m
            + s.delimitation_ambiguous_m;
        let dem = s.demarcated_m
            + s.in_progress_m
            + s.undemarcated_m
            + s.demarcation_unknown_m
            + s.demarcation_ambiguous_m;
        assert!((del - s.length_m).abs() < 1e-6, "{s:?}");
        assert!((dem - s.length_m).abs() < 1e-6, "{s:?}");
    }

    /// 2023: the demarcation treaty came into force on 4 July, so demarcation is ambiguous
    /// over the year; delimitation was settled in 2003 and is counted whole.
    #[test]
    fn an_ambiguous_demarcation_keeps_its_certain_delimitation() {
        let s = stats("KAZ-UZB", "2023");
        assert_partitions(&s);
        assert!((s.delimited_pct() - 100.0).abs() < 1e-9, "{s:?}");
        assert!(
            (s.demarcation_ambiguous_m - s.length_m).abs() < 1e-6,
            "{s:?}"
        );
        assert_eq!(s.delimitation_ambiguous_m, 0.0);
        assert_eq!(s.demarcated_m, 0.0);
    }

    /// Field work began on 1 April 2004 (a day, per the source that gives one): every month of
    /// 2004 is 100% delimited; March is wholly undemarcated, April wholly in progress, and only
    /// a span that straddles 1 April (the year 2004) is ambiguous for demarcation.
    #[test]
    fn a_monthly_series_of_2004_stays_delimited() {
        for month in 1..=12 {
            let s = stats("KAZ-UZB", &format!("2004-{month:02}"));
            assert_partitions(&s);
            assert!(
                (s.delimited_pct() - 100.0).abs() < 1e-9,
                "2004-{month:02}: {s:?}"
            );
        }
        let march = stats("KAZ-UZB", "2004-03");
        assert!(
            (march.undemarcated_m - march.length_m).abs() < 1e-6,
            "{march:?}"
        );
        let april = stats("KAZ-UZB", "2004-04");
        assert!(
            (april.in_progress_m - april.length_m).abs() < 1e-6,
            "{april:?}"
        );
        let year = stats("KAZ-UZB", "2004");
        assert!(year.demarcation_ambiguous_m > 0.0, "{year:?}");
    }

    /// Before independence (the first rows are of 1991) nothing is recorded: all unknown, and
    /// counted as such.
    #[test]
    fn unknown_has_its_own_length() {
        let s = stats("KAZ-UZB", "1990-06-01");
        assert_partitions(&s);
        assert!(
            (s.delimitation_unknown_m - s.length_m).abs() < 1e-6,
            "{s:?}"
        );
        assert!((s.demarcation_unknown_m - s.length_m).abs() < 1e-6, "{s:?}");
        assert!((s.delimitation_unknown_pct() - 100.0).abs() < 1e-9);
        assert_eq!(s.undemarcated_m, 0.0);
        assert_eq!(s.undelimited_m, 0.0);
    }
}
