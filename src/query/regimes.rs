//! Regimes (fences, minefields, crossings) at a date: each regime's state from its own
//! [`Timeline`], and which segments each regime lies on.

use super::locate::BorderIndex;
use super::Timeline;
use crate::query::Resolved;
use crate::{
    Dataset, DateSpan, Dyad, RegimeChange, RegimeKind, RegimeSite, RegimeState, RegimeWord,
};

/// How far from its place a crossing's segment is looked for, metres, beyond the place's own
/// precision: a checkpoint lies on the line, but a line drawn at 100 m–2 km precision may pass
/// a few km from it.
const CROSSING_REACH_M: f64 = 25_000.0;

/// One regime's state over a span of days.
#[derive(Clone, Debug, PartialEq)]
pub struct RegimeStatus {
    /// The position in [`Dataset::regime_changes`] of the regime's first row (its id, dyad,
    /// kind and site).
    pub first_change: usize,
    /// Every state the regime may have had on some day of the span, in date order; empty
    /// before its first recorded change.
    pub states: Vec<RegimeState>,
    /// The state when the same one holds on every day of the span.
    pub known: Option<RegimeState>,
    /// The position in [`Dataset::regime_changes`] of the change after which the known state
    /// holds.
    pub since: Option<usize>,
}

impl RegimeStatus {
    /// Whether the regime may be in `state` on some day of the span.
    pub fn may_be(&self, state: RegimeState) -> bool {
        self.states.contains(&state)
    }

    /// Whether the regime is in `state` on every day of the span.
    pub fn is_throughout(&self, state: RegimeState) -> bool {
        self.known == Some(state)
    }
}

/// A regime word that may hold at a place and date: a fence stands, mines lie, a crossing is
/// open or closed there on some day of the span asked about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RegimeInForce {
    /// What holds.
    pub word: RegimeWord,
    /// Whether it holds on every day of the span; `false` when it holds on some days only (a
    /// regime change falls within the span, or the change's own date is known only to a
    /// span that overlaps it).
    pub throughout: bool,
}

/// The text of regime words: each word (`fenced`, `mined`, `open_crossing`,
/// `closed_crossing`), followed by `?` when it holds on only some days of the span,
/// comma-separated: `fenced,mined?`. Empty for none.
///
/// # Examples
/// ```
/// use bordertrack::query::{regimes_text, RegimeInForce};
/// use bordertrack::RegimeWord;
/// let regimes = [
///     RegimeInForce { word: RegimeWord::Fenced, throughout: true },
///     RegimeInForce { word: RegimeWord::Mined, throughout: false },
/// ];
/// assert_eq!(regimes_text(&regimes), "fenced,mined?");
/// assert_eq!(regimes_text(&[]), "");
/// ```
pub fn regimes_text(regimes: &[RegimeInForce]) -> String {
    let mut out = String::new();
    push_regimes_text(regimes, &mut out);
    out
}

/// [`regimes_text`] appended to `out`.
pub(crate) fn push_regimes_text(regimes: &[RegimeInForce], out: &mut String) {
    for (i, r) in regimes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(r.word.as_str());
        if !r.throughout {
            out.push('?');
        }
    }
}

/// The lengths of one kind of regime in effect on a dyad.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RegimeLength {
    /// The km of the regimes in effect on every day of the span whose length is known (a
    /// located stretch, or the length the source gives); overlapping stretches count twice.
    pub km: f64,
    /// How many regimes are in effect on every day of the span.
    pub in_effect: usize,
    /// How many of those have no known length.
    pub without_length: usize,
    /// How many more may be in effect on some day of the span but not on every day.
    pub maybe: usize,
}

#[derive(Debug)]
struct RegimeTimeline {
    first: usize,
    timeline: Timeline<Option<RegimeState>, usize>,
    /// For a crossing, the segment of its dyad nearest its place, if one is within reach.
    segment: Option<usize>,
}

/// The timelines of every regime of a dataset, and where each lies. [`crate::Borders`] keeps
/// one.
#[derive(Debug)]
pub struct RegimeTimelines {
    tracks: Vec<RegimeTimeline>,
    /// For each segment, the tracks that lie on it (see [`RegimeTimelines::on_segment`]).
    by_segment: Vec<Vec<usize>>,
}

impl RegimeTimelines {
    /// The timelines of `data`'s regimes; `index` (over the same dataset) places crossings on
    /// segments.
    pub fn new(data: &Dataset, index: &BorderIndex) -> RegimeTimelines {
        let changes = data.regime_changes();
        let mut tracks: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut track_of = std::collections::HashMap::new();
        for (i, c) in changes.iter().enumerate() {
            let t = *track_of.entry(c.regime_id.as_str()).or_insert_with(|| {
                tracks.push((i, Vec::new()));
                tracks.len() - 1
            });
            tracks[t].1.push(i);
        }
        let tracks = tracks
            .into_iter()
            .map(|(first, rows)| {
                let events = rows
                    .iter()
                    .map(|&i| super::Event {
                        effective: changes[i].date.span(),
                        value: Some(changes[i].state),
                        by: i,
                    })
                    .collect();
                RegimeTimeline {
                    first,
                    timeline: Timeline::new(None, events),
                    segment: crossing_segment(data, index, &changes[first]),
                }
            })
            .collect::<Vec<RegimeTimeline>>();
        let by_segment = (0..data.segments().len())
            .map(|i| tracks_on(data, index, &tracks, i))
            .collect();
        RegimeTimelines { tracks, by_segment }
    }

    /// Every regime that has a recorded state on some day of `at`, in file order of first rows.
    pub fn at(&self, at: DateSpan) -> Vec<RegimeStatus> {
        self.tracks
            .iter()
            .map(|t| status(t, at))
            .filter(|s| !s.states.is_empty())
            .collect()
    }

    /// The regimes on the segment at `segment_index` (a stretch that overlaps it, a crossing
    /// whose place is nearest to it, or a regime of its dyad whose site is not known) with a
    /// recorded state on some day of `at`.
    pub fn on_segment(
        &self,
        _data: &Dataset,
        _index: &BorderIndex,
        segment_index: usize,
        at: DateSpan,
    ) -> Vec<RegimeStatus> {
        self.by_segment
            .get(segment_index)
            .into_iter()
            .flatten()
            .filter_map(|&t| self.tracks.get(t))
            .map(|t| status(t, at))
            .filter(|s| !s.states.is_empty())
            .collect()
    }

    /// The regime words that may hold on the segment at `segment_index` on some day of `at`
    /// (of its regimes, as [`RegimeTimelines::on_segment`] finds them), each once, in the
    /// order of [`RegimeWord::ALL`].
    pub fn words_on_segment(
        &self,
        data: &Dataset,
        segment_index: usize,
        at: DateSpan,
    ) -> Vec<RegimeWord> {
        let changes = data.regime_changes();
        let tracks: Vec<&RegimeTimeline> = self
            .by_segment
            .get(segment_index)
            .into_iter()
            .flatten()
            .filter_map(|&t| self.tracks.get(t))
            .collect();
        if tracks.is_empty() {
            return Vec::new();
        }
        let statuses: Vec<(RegimeKind, RegimeStatus)> = tracks
            .iter()
            .filter_map(|t| Some((changes.get(t.first)?.kind, status(t, at))))
            .collect();
        RegimeWord::ALL
            .into_iter()
            .filter(|w| {
                let (kind, state) = w.wants();
                statuses.iter().any(|(k, s)| *k == kind && s.may_be(state))
            })
            .collect()
    }

    /// The regime words that may hold on the segment at `segment_index` on some day of `at`
    /// (of its regimes, as [`RegimeTimelines::on_segment`] finds them), each once, in the order
    /// of [`RegimeWord::ALL`], each saying whether some regime holds it on every day of `at`.
    /// A segment without regimes costs one look-up and no allocation.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::{Borders, PartialDate, RegimeWord};
    /// let borders = Borders::embedded()?;
    /// let (data, regimes) = (borders.dataset(), borders.regime_timelines());
    /// let at = "2001-06-01".parse::<PartialDate>()?.span();
    /// let mined = (0..data.segments().len())
    ///     .flat_map(|i| regimes.in_force_on_segment(data, i, at))
    ///     .any(|r| r.word == RegimeWord::Mined && r.throughout);
    /// assert!(mined);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn in_force_on_segment(
        &self,
        data: &Dataset,
        segment_index: usize,
        at: DateSpan,
    ) -> Vec<RegimeInForce> {
        let Some(on) = self.by_segment.get(segment_index).filter(|t| !t.is_empty()) else {
            return Vec::new();
        };
        let changes = data.regime_changes();
        let statuses: Vec<(RegimeKind, RegimeStatus)> = on
            .iter()
            .filter_map(|&t| self.tracks.get(t))
            .filter_map(|t| Some((changes.get(t.first)?.kind, status(t, at))))
            .collect();
        RegimeWord::ALL
            .into_iter()
            .filter_map(|word| {
                let (kind, state) = word.wants();
                let of_kind = || statuses.iter().filter(|(k, _)| *k == kind);
                of_kind()
                    .any(|(_, s)| s.may_be(state))
                    .then(|| RegimeInForce {
                        word,
                        throughout: of_kind().any(|(_, s)| s.is_throughout(state)),
                    })
            })
            .collect()
    }

    /// The positions in [`Dataset::regime_changes`] of every change of the regimes on the
    /// segment at `segment_index` (as [`RegimeTimelines::on_segment`] finds them), whatever
    /// their date, in file order.
    pub fn changes_on_segment(&self, segment_index: usize) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .by_segment
            .get(segment_index)
            .into_iter()
            .flatten()
            .filter_map(|&t| self.tracks.get(t))
            .flat_map(|t| t.timeline.events().iter().map(|e| e.by))
            .collect();
        out.sort_unstable();
        out
    }

    /// Whether some regime on the segment at `segment_index` may be as one of `words` asks
    /// on some day of `at`.
    pub fn segment_matches(
        &self,
        data: &Dataset,
        index: &BorderIndex,
        segment_index: usize,
        at: DateSpan,
        words: &[RegimeWord],
    ) -> bool {
        let changes = data.regime_changes();
        self.on_segment(data, index, segment_index, at)
            .iter()
            .any(|s| {
                let kind = changes[s.first_change].kind;
                words.iter().any(|w| {
                    let (k, state) = w.wants();
                    k == kind && s.may_be(state)
                })
            })
    }

    /// The length of the regimes of `kind` in effect on `dyad` over `at` (built fences, laid
    /// mines, open crossings).
    pub fn length(
        &self,
        data: &Dataset,
        dyad: Dyad,
        at: DateSpan,
        kind: RegimeKind,
    ) -> RegimeLength {
        let in_effect = kind.states()[0];
        let changes = data.regime_changes();
        let mut out = RegimeLength::default();
        for t in &self.tracks {
            let c = &changes[t.first];
            if c.dyad != dyad || c.kind != kind {
                continue;
            }
            let s = status(t, at);
            if s.is_throughout(in_effect) {
                out.in_effect += 1;
                match km_of(changes, t, &s) {
                    Some(km) => out.km += km,
                    None => out.without_length += 1,
                }
            } else if s.may_be(in_effect) {
                out.maybe += 1;
            }
        }
        out
    }
}

/// The tracks on the segment at `segment_index`: a stretch that overlaps it, a crossing whose
/// place is nearest to it, or a regime of its dyad whose site is not known.
fn tracks_on(
    data: &Dataset,
    index: &BorderIndex,
    tracks: &[RegimeTimeline],
    segment_index: usize,
) -> Vec<usize> {
    let Some(segment) = data.segments().get(segment_index) else {
        return Vec::new();
    };
    let range_km = index
        .chainage_range_m(segment_index)
        .map(|(a, b)| (a / 1000.0, b / 1000.0));
    let changes = data.regime_changes();
    tracks
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            let Some(c) = changes.get(t.first) else {
                return false;
            };
            c.dyad == segment.dyad
                && match c.site {
                    RegimeSite::Stretch { from_km, to_km } => {
                        range_km.is_some_and(|(a, b)| from_km < b && to_km > a)
                    }
                    RegimeSite::Place(_) => t.segment == Some(segment_index),
                    RegimeSite::Unlocated => true,
                }
        })
        .map(|(i, _)| i)
        .collect()
}

/// The km of a regime: its stretch's, else the length its rows give (the row that set the
/// state known, else the latest row giving one).
fn km_of(changes: &[RegimeChange], t: &RegimeTimeline, s: &RegimeStatus) -> Option<f64> {
    let first = &changes[t.first];
    if let RegimeSite::Stretch { .. } = first.site {
        return first.km();
    }
    s.since.and_then(|i| changes[i].length_km).or_else(|| {
        t.timeline
            .events()
            .iter()
            .rev()
            .find_map(|e| changes[e.by].length_km)
    })
}

fn status(t: &RegimeTimeline, at: DateSpan) -> RegimeStatus {
    let resolved = t.timeline.at(at);
    let states: Vec<RegimeState> = resolved.values().iter().flatten().copied().collect();
    let (known, since) = match resolved {
        Resolved::Known { value, since } => (value, since.map(|e| e.by)),
        Resolved::Ambiguous { .. } => (None, None),
    };
    RegimeStatus {
        first_change: t.first,
        states,
        known,
        since,
    }
}

/// The segment of a crossing's dyad nearest to its place, within the place's precision plus
/// [`CROSSING_REACH_M`]; `None` for a regime that is not a crossing.
fn crossing_segment(data: &Dataset, index: &BorderIndex, c: &RegimeChange) -> Option<usize> {
    let RegimeSite::Place(id) = &c.site else {
        return None;
    };
    let place = data.places().iter().find(|p| &p.id == id)?;
    let reach_m = place.precision_m.max(0.0) + CROSSING_REACH_M;
    index
        .within(place.point, reach_m)
        .ok()?
        .into_iter()
        .find(|l| l.dyad == c.dyad)
        .map(|l| l.segment_index)
}
