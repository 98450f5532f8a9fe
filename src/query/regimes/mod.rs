//! Regimes (fences, minefields, crossings) at a date: each regime's state from its own
//! [`Timeline`], and which segments each regime lies on.

mod in_force;
mod placement;

use std::collections::HashMap;

use self::in_force::WordTable;
use self::placement::{crossing_segment, tracks_on};
use super::locate::BorderIndex;
use super::Timeline;
use crate::query::Resolved;
use crate::{
    Dataset, DateSpan, Dyad, RegimeChange, RegimeKind, RegimeSite, RegimeState, RegimeWord,
};

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
    /// For each segment with tracks, the position in `word_tables` of the words in force on
    /// them (segments with the same tracks share one); `None` without tracks, or when the
    /// tracks have too many dated changes to tabulate.
    word_table_of: Vec<Option<usize>>,
    /// The words in force on each distinct set of tracks that lies on some segment.
    word_tables: Vec<WordTable>,
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
        let by_segment: Vec<Vec<usize>> = (0..data.segments().len())
            .map(|i| tracks_on(data, index, &tracks, i))
            .collect();
        let mut word_tables = Vec::new();
        let mut table_of_set: HashMap<&[usize], Option<usize>> = HashMap::new();
        let word_table_of = by_segment
            .iter()
            .map(|on| {
                if on.is_empty() {
                    return None;
                }
                *table_of_set.entry(on.as_slice()).or_insert_with(|| {
                    let on_tracks = || on.iter().filter_map(|&t| tracks.get(t));
                    let events = on_tracks().flat_map(|t| t.timeline.events().iter());
                    let table = WordTable::new(events.map(|e| e.effective), |at| {
                        in_force(changes, on_tracks(), at)
                    })?;
                    word_tables.push(table);
                    Some(word_tables.len() - 1)
                })
            })
            .collect();
        RegimeTimelines {
            tracks,
            by_segment,
            word_table_of,
            word_tables,
        }
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
    pub fn on_segment(&self, segment_index: usize, at: DateSpan) -> Vec<RegimeStatus> {
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
        let mut out = Vec::new();
        self.in_force_on_segment_into(data, segment_index, at, &mut out);
        out
    }

    /// [`RegimeTimelines::in_force_on_segment`] into `out`, emptied first (a buffer kept from
    /// one question to the next, so that a segment with regimes need not allocate).
    pub(crate) fn in_force_on_segment_into(
        &self,
        data: &Dataset,
        segment_index: usize,
        at: DateSpan,
        out: &mut Vec<RegimeInForce>,
    ) {
        out.clear();
        if let Some(table) = self
            .word_table_of
            .get(segment_index)
            .copied()
            .flatten()
            .and_then(|k| self.word_tables.get(k))
        {
            return out.extend_from_slice(table.get(at));
        }
        let Some(on) = self.by_segment.get(segment_index).filter(|t| !t.is_empty()) else {
            return;
        };
        out.extend(in_force(
            data.regime_changes(),
            on.iter().filter_map(|&t| self.tracks.get(t)),
            at,
        ));
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
        segment_index: usize,
        at: DateSpan,
        words: &[RegimeWord],
    ) -> bool {
        let changes = data.regime_changes();
        self.on_segment(segment_index, at).iter().any(|s| {
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

/// The regime words that may hold over `at` on some of `tracks`, each once, in the order of
/// [`RegimeWord::ALL`], each saying whether some track holds it on every day of `at` (what
/// [`RegimeTimelines::in_force_on_segment`] answers, resolved from the timelines).
fn in_force<'a>(
    changes: &[RegimeChange],
    tracks: impl Iterator<Item = &'a RegimeTimeline>,
    at: DateSpan,
) -> Vec<RegimeInForce> {
    let statuses: Vec<(RegimeKind, RegimeStatus)> = tracks
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::Event;
    use crate::{PartialDate, RegimeExtent};

    fn span(offset: i32, precision: u8) -> DateSpan {
        let day = jiff::civil::date(1995, 1, 1)
            .checked_add(jiff::Span::new().days(offset))
            .expect("a day in range");
        let text = match precision {
            0 => day.to_string(),
            1 => format!("{:04}-{:02}", day.year(), day.month()),
            _ => format!("{:04}", day.year()),
        };
        text.parse::<PartialDate>().expect("a date").span()
    }

    fn change(kind: RegimeKind, state: RegimeState, date: PartialDate) -> RegimeChange {
        RegimeChange {
            regime_id: String::new(),
            dyad: "KAZ-UZB".parse().expect("a dyad"),
            site: RegimeSite::Unlocated,
            kind,
            state,
            date,
            instrument_id: None,
            source_id: String::new(),
            extent: RegimeExtent::Unlocated,
            precision_km: None,
            length_km: None,
            note: String::new(),
            line: 0,
        }
    }

    /// A track's kind and its events `(day offset, precision, state)`.
    type TrackSpec = (u8, Vec<(i32, u8, u8)>);

    /// Tracks of the given kinds, each with events `(day offset, precision, state)`, and the
    /// changes they number.
    fn tracks_of(spec: &[TrackSpec]) -> (Vec<RegimeChange>, Vec<RegimeTimeline>) {
        let kinds = [RegimeKind::Fenced, RegimeKind::Mined, RegimeKind::Crossing];
        let mut changes = Vec::new();
        let mut tracks = Vec::new();
        for (kind, events) in spec {
            let kind = kinds[usize::from(*kind) % 3];
            let first = changes.len();
            let mut timeline_events = Vec::new();
            for &(offset, precision, state) in events {
                let state = kind.states()[usize::from(state) % 2];
                let effective = span(offset, precision);
                let text = match precision {
                    0 => effective.first.to_string(),
                    1 => format!(
                        "{:04}-{:02}",
                        effective.first.year(),
                        effective.first.month()
                    ),
                    _ => format!("{:04}", effective.first.year()),
                };
                let date = text.parse::<PartialDate>().expect("a date");
                timeline_events.push(Event {
                    effective,
                    value: Some(state),
                    by: changes.len(),
                });
                changes.push(change(kind, state, date));
            }
            tracks.push(RegimeTimeline {
                first,
                timeline: Timeline::new(None, timeline_events),
                segment: None,
            });
        }
        (changes, tracks)
    }

    proptest::proptest! {
        /// The tabulated words are those resolved from the timelines, for any span.
        #[test]
        fn the_table_answers_as_the_timelines_do(
            spec in proptest::collection::vec(
                (0u8..3, proptest::collection::vec((0i32..4000, 0u8..3, 0u8..2), 1..6)),
                1..4,
            ),
            asked in proptest::collection::vec((0i32..4400, 0u8..3, 0i32..900), 1..30),
        ) {
            let (changes, tracks) = tracks_of(&spec);
            let events = tracks.iter().flat_map(|t| t.timeline.events().iter());
            let table = WordTable::new(events.map(|e| e.effective), |at| {
                in_force(&changes, tracks.iter(), at)
            });
            let table = table.expect("a small table");
            for (offset, precision, more_days) in asked {
                let (a, b) = (span(offset, precision), span(offset + more_days, precision));
                for at in [a, DateSpan { first: a.first, last: b.last }] {
                    let direct = in_force(&changes, tracks.iter(), at);
                    proptest::prop_assert_eq!(table.get(at), direct.as_slice());
                }
            }
        }
    }

    /// On the embedded dataset, every segment's words come from a table, and they are those
    /// resolved from its timelines on every day and month of 1998–2025 and every year.
    #[test]
    fn every_segment_answers_from_its_table_as_from_its_timelines() -> crate::Result<()> {
        let data = Dataset::embedded()?;
        let index = BorderIndex::new(&data)?;
        let regimes = RegimeTimelines::new(&data, &index);
        let mut spans = Vec::new();
        for offset in (1095..11_323).step_by(3) {
            spans.extend([span(offset, 0), span(offset, 1), span(offset, 2)]);
        }
        let (mut with_regimes, mut words) = (0, 0);
        for (i, on) in regimes.by_segment.iter().enumerate() {
            if on.is_empty() {
                assert_eq!(regimes.word_table_of[i], None);
                continue;
            }
            with_regimes += 1;
            assert!(
                regimes.word_table_of[i].is_some(),
                "segment {i} has no table"
            );
            let tracks = || on.iter().map(|&t| &regimes.tracks[t]);
            for &at in &spans {
                let direct = in_force(data.regime_changes(), tracks(), at);
                words += direct.len();
                assert_eq!(
                    regimes.in_force_on_segment(&data, i, at),
                    direct,
                    "{i} {at:?}"
                );
            }
        }
        assert!(with_regimes > 0 && words > 0, "{with_regimes} {words}");
        // Segments with the same regimes share one table.
        assert!(regimes.word_tables.len() < with_regimes);
        Ok(())
    }
}
