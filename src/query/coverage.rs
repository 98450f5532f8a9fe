//! What a dataset records of each dyad: its length, how much of it has a known status at a
//! date and at every date since a start, how many instruments, sources, incidents and tallies
//! it has, and its last change. The to-do list of a data maintainer.

use std::collections::BTreeSet;

use jiff::civil::Date;

use super::{IncidentQuery, StatusTimelines};
use crate::{Basis, Borders, DateSpan, Delimitation, Demarcation, Dyad, PartialDate};

/// A segment whose delimitation is not known on some day from the start asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct UnknownStretch {
    /// The segment: its position in [`crate::Dataset::segments`].
    pub segment_index: usize,
    /// Its geodesic length, metres.
    pub length_m: f64,
    /// The first day from which its delimitation is known (it may have been unknown on some
    /// day before); `None` when it is unknown on the last day asked for.
    pub known_from: Option<Date>,
}

/// The coverage of one dyad (see the module documentation).
#[derive(Clone, Debug, PartialEq)]
pub struct DyadCoverage {
    /// The dyad.
    pub dyad: Dyad,
    /// How many segments it has.
    pub segments: usize,
    /// Its geodesic length (WGS84), metres.
    pub length_m: f64,
    /// The share of its length whose delimitation is known (not `unknown`, and not possibly
    /// `unknown` within the span) over the span asked for, percent.
    pub delimitation_known_pct: f64,
    /// The same for demarcation.
    pub demarcation_known_pct: f64,
    /// The lowest share with known delimitation on any day from the start asked for to the
    /// span's last day, percent, and the first day it was that low.
    pub lowest_delimitation_known: (f64, Date),
    /// The segments whose delimitation is unknown on some day from the start (empty when the
    /// lowest share is 100%).
    pub unknown: Vec<UnknownStretch>,
    /// How many instruments of the dyad the dataset has.
    pub instruments: usize,
    /// How many distinct sources its instruments, status changes, regime changes and tallies
    /// cite.
    pub sources: usize,
    /// How many of the dataset's incidents fall on it (classified at their own dates with the
    /// reach given).
    pub incidents: usize,
    /// How many aggregate counts ([`crate::Tally`]) are about it.
    pub tallies: usize,
    /// The date of its latest status change or regime change, as recorded.
    pub last_change: Option<PartialDate>,
}

impl DyadCoverage {
    /// Why part of the dyad's delimitation is unknown since the start: for each segment, its
    /// id, length and the first day from which it is known, or that it is still unknown.
    /// Empty when the delimitation is known on the whole length on every day.
    pub fn unknown_note(&self, borders: &Borders) -> String {
        let parts: Vec<String> = self
            .unknown
            .iter()
            .map(|u| {
                let id = borders
                    .segment(u.segment_index)
                    .map_or("?", |s| s.id.as_str());
                let km = u.length_m / 1000.0;
                match u.known_from {
                    Some(d) => format!("{id} ({km:.1} km): delimitation unknown before {d}"),
                    None => format!("{id} ({km:.1} km): delimitation not recorded"),
                }
            })
            .collect();
        parts.join("; ")
    }
}

/// The coverage of `dyad` over `at`, with the lowest known share on every day from `since`
/// (a day) to `at`'s last day; changes dated under `basis`; incidents counted within
/// `within_m` metres (plus their precision and the segment's).
pub fn dyad_coverage(
    borders: &Borders,
    dyad: Dyad,
    at: DateSpan,
    since: Date,
    basis: Basis,
    within_m: f64,
) -> DyadCoverage {
    let data = borders.dataset();
    let timelines = borders.timelines(basis);
    let indices: Vec<usize> = (0..data.segments().len())
        .filter(|&i| data.segments()[i].dyad == dyad)
        .collect();
    let lengths: Vec<f64> = indices
        .iter()
        .map(|&i| data.segments()[i].length_m())
        .collect();
    let length_m: f64 = lengths.iter().sum::<f64>() + 0.0;
    let pct = |m: f64| {
        if length_m > 0.0 {
            100.0 * m / length_m
        } else {
            0.0
        }
    };
    let known_m = |span: DateSpan, dimension: fn(&StatusTimelines, usize, DateSpan) -> bool| {
        indices
            .iter()
            .zip(&lengths)
            .filter(|(&i, _)| dimension(timelines, i, span))
            .map(|(_, &l)| l)
            .sum::<f64>()
            + 0.0 // an empty sum is -0.0
    };
    // The share changes only on the days changes may take effect: look at `since` and at the
    // first day of each change and the day after its last.
    let mut days: BTreeSet<Date> = BTreeSet::from([since]);
    for &i in &indices {
        for e in timelines.delimitation_events(i) {
            days.insert(e.effective.first);
            if let Ok(next) = e.effective.last.tomorrow() {
                days.insert(next);
            }
        }
    }
    let mut lowest = (f64::INFINITY, since);
    let mut unknown: Vec<UnknownStretch> = Vec::new();
    for day in days.into_iter().filter(|d| *d >= since && *d <= at.last) {
        let span = DateSpan::day(day);
        let share = pct(known_m(span, delimitation_known));
        if share < lowest.0 {
            lowest = (share, day);
        }
        for (&i, &l) in indices.iter().zip(&lengths) {
            if !delimitation_known(timelines, i, span)
                && !unknown.iter().any(|u| u.segment_index == i)
            {
                unknown.push(UnknownStretch {
                    segment_index: i,
                    length_m: l,
                    known_from: None,
                });
            }
        }
    }
    if !lowest.0.is_finite() {
        lowest = (
            pct(known_m(DateSpan::day(since), delimitation_known)),
            since,
        );
    }
    for u in &mut unknown {
        u.known_from = known_from(timelines, u.segment_index, at.last);
    }
    unknown.sort_by_key(|u| u.segment_index);

    let instruments: Vec<_> = data
        .instruments()
        .iter()
        .filter(|i| i.dyad == dyad)
        .collect();
    let mut sources: BTreeSet<&str> = instruments.iter().map(|i| i.source_id.as_str()).collect();
    let mut last_change: Option<PartialDate> = None;
    let mut later = |d: Option<PartialDate>| {
        if let Some(d) = d {
            if last_change.is_none_or(|l| d.last() > l.last()) {
                last_change = Some(d);
            }
        }
    };
    for &i in &indices {
        for &p in data.change_positions_of(i) {
            if let Some(c) = data.changes().get(p) {
                sources.insert(&c.source_id);
                let instrument = c
                    .instrument_id
                    .as_deref()
                    .and_then(|id| data.instrument(id));
                later(c.effective(instrument, basis));
            }
        }
    }
    for r in data.regime_changes().iter().filter(|r| r.dyad == dyad) {
        sources.insert(&r.source_id);
        later(Some(r.date));
    }
    let tallies: Vec<_> = data.tallies().iter().filter(|t| t.dyad == dyad).collect();
    sources.extend(tallies.iter().map(|t| t.source_id.as_str()));
    let query = IncidentQuery {
        dyad: Some(dyad),
        ..IncidentQuery::within(within_m)
    };
    let incidents = data
        .incidents()
        .iter()
        .filter(|inc| matches!(borders.classify(inc, &query, basis), Ok(Some(_))))
        .count();
    DyadCoverage {
        dyad,
        segments: indices.len(),
        length_m,
        delimitation_known_pct: pct(known_m(at, delimitation_known)),
        demarcation_known_pct: pct(known_m(at, demarcation_known)),
        lowest_delimitation_known: lowest,
        unknown,
        instruments: instruments.len(),
        sources: sources.len(),
        incidents,
        tallies: tallies.len(),
        last_change,
    }
}

/// Whether the segment's delimitation is known (never possibly `unknown`) over `span`.
fn delimitation_known(t: &StatusTimelines, i: usize, span: DateSpan) -> bool {
    !t.at(i, span)
        .delimitation
        .values()
        .contains(&Delimitation::Unknown)
}

/// Whether the segment's demarcation is known (never possibly `unknown`) over `span`.
fn demarcation_known(t: &StatusTimelines, i: usize, span: DateSpan) -> bool {
    !t.at(i, span)
        .demarcation
        .values()
        .contains(&Demarcation::Unknown)
}

/// The first day from which the segment's delimitation is known on every day up to `until`:
/// the day after the last event that leaves it possibly unknown; `None` when it is unknown
/// on `until`.
fn known_from(t: &StatusTimelines, i: usize, until: Date) -> Option<Date> {
    if !delimitation_known(t, i, DateSpan::day(until)) {
        return None;
    }
    let events = t.delimitation_events(i);
    let mut from = None;
    // Walk the candidate days backwards until one is not known.
    let mut days: Vec<Date> = events
        .iter()
        .flat_map(|e| [Some(e.effective.first), e.effective.last.tomorrow().ok()])
        .flatten()
        .filter(|d| *d <= until)
        .collect();
    days.sort_unstable();
    days.dedup();
    for d in days.into_iter().rev() {
        if delimitation_known(t, i, DateSpan::day(d)) {
            from = Some(d);
        } else {
            break;
        }
    }
    from
}
