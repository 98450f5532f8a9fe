//! Which incidents fall on which stretches: [`BorderIndex::classify`], its two steps (finding
//! the line, then the match with its status, certainty and alternatives) and the search state
//! they share with the batch and nearest searches.

use std::cell::RefCell;

use geo::Point;

use super::certainty::{Alternative, Certainty};
use super::incident_query::{IncidentMatch, IncidentQuery};
use super::locate::{BorderIndex, ImpreciseLine};
use super::status::StatusTimelines;
use crate::spatial::{AnchoredBounds, LineMatch, Query, QueryError};
use crate::{DateSpan, Dyad, Incident};

impl ImpreciseLine {
    /// The segment's match for `q` when it may lie within `q`'s reach (its distance less the
    /// segment's precision at most the reach), numbered as in the dataset.
    fn within_reach(&self, at: &Query, q: &IncidentSearch) -> Option<LineMatch> {
        self.near(at, q, f64::INFINITY, |_| true)
            .and_then(|(_, m)| m)
    }

    /// [`ImpreciseLine::within_reach`] for a caller that has checked that the segment may lie
    /// within reach: the same answer.
    fn nearest_in_reach(
        &self,
        at: &Query,
        q: &IncidentSearch,
    ) -> std::result::Result<Option<LineMatch>, QueryError> {
        Ok(self
            .index
            .nearest_accepted(at, q.reach_m + self.precision_m, |_| true)?
            .map(|m| self.numbered(m)))
    }

    /// When the segment may lie within `q`'s reach (some section's lower bound is at most it;
    /// never for a negative or NaN reach): the least such bound, and its match when
    /// `search(that bound)` holds and it lies within reach. One walk of its sections answers
    /// both. `known_m`: an upper bound of the segment's distance, or infinite (see
    /// [`crate::spatial::LineIndex::nearest_if_within`]).
    fn near(
        &self,
        at: &Query,
        q: &IncidentSearch,
        known_m: f64,
        search: impl FnOnce(f64) -> bool,
    ) -> Option<(f64, Option<LineMatch>)> {
        self.index
            .nearest_if_within(at, q.reach_m + self.precision_m, known_m, |_| true, search)
            .map(|(least_m, m)| (least_m, m.map(|m| self.numbered(m))))
    }

    /// `m` (a match in the segment's own index) numbered as in the dataset.
    fn numbered(&self, m: LineMatch) -> LineMatch {
        LineMatch {
            line: self.segment,
            ..m
        }
    }
}

impl BorderIndex {
    /// The segment an incident falls on: the nearest segment within `query.within_m` plus the
    /// incident's location precision plus the segment's stated precision whose status (at the incident's date, or `query.as_of`)
    /// may match the filter, among the segments of the incident's own dyad when it names one
    /// ([`Incident::dyad`]).
    ///
    /// For a table of incidents, [`crate::Borders::classify_table`] gives the same answers
    /// faster, on every thread.
    ///
    /// # Errors
    /// When the incident's position is invalid or the distance is negative or not finite.
    pub fn classify(
        &self,
        timelines: &StatusTimelines,
        incident: &Incident,
        query: &IncidentQuery,
    ) -> std::result::Result<Option<IncidentMatch>, QueryError> {
        let q = IncidentSearch::of(incident, query, 0);
        let mut solved = Vec::new();
        Ok(self
            .find(
                timelines,
                &q,
                query,
                &mut AnchoredBounds::default(),
                &mut solved,
            )?
            .and_then(|m| self.matched(timelines, &m, &q, query, &solved)))
    }

    /// The nearest line that `q` falls on (step one of [`BorderIndex::classify`]).
    ///
    /// `bounds` holds lower bounds of the imprecise segments' distances (in the order of
    /// `imprecise`), carried from one incident to the next nearby one and updated here (for
    /// one incident: `AnchoredBounds::default()`).
    ///
    /// The imprecise segments' matches solved on the way that the alternatives will want are
    /// pushed onto `solved` (see [`FoundLine::imprecise_solved`]); `matched` is then given
    /// that list.
    pub(super) fn find(
        &self,
        timelines: &StatusTimelines,
        q: &IncidentSearch,
        query: &IncidentQuery,
        bounds: &mut AnchoredBounds,
        solved: &mut Vec<LineMatch>,
    ) -> std::result::Result<Option<FoundLine>, QueryError> {
        if query.nearest {
            return self.find_nearest(timelines, q, query, bounds);
        }
        // Lines of the incident's dyad (when it names one) are searched; of those, the query's
        // dyad and status filter pick the ones that may be the match. Every line of the
        // incident's dyad that may lie within reach counts towards `others_near`: only when
        // there is one besides the match are alternatives looked for.
        let own_dyad = |line: usize| {
            self.sides
                .get(line)
                .is_some_and(|&(dyad, _, _)| q.dyad.is_none_or(|d| d == dyad))
        };
        let wanted = |line: usize| {
            self.sides.get(line).is_some_and(|&(dyad, _, _)| {
                query.dyad.is_none_or(|d| d == dyad)
                    && (query.filter.is_empty()
                        || timelines.at(line, q.at).may_match(&query.filter))
            })
        };
        // A line is within reach when the incident may be within the distance asked for of it:
        // its distance less both precisions at most that distance. With only certain matches
        // asked for, a possible one does not hide a farther certain one.
        let keep = |line: usize, distance_m: f64| {
            let segment_precision_m = self.precision_m.get(line).copied().unwrap_or(0.0);
            distance_m <= q.reach_m + segment_precision_m
                && wanted(line)
                && (!query.certain_only
                    || Certainty::of(
                        distance_m,
                        q.precision_m,
                        segment_precision_m,
                        query.within_m,
                        &timelines.at(line, q.at),
                        &query.filter,
                    ) == Certainty::Certain)
        };
        let at = Query::of(q.point)?;
        let ordinary_m = self.ordinary_precision_m;
        let (ordinary_best, ordinary_others) = self.index.nearest_kept_and_others(
            &at,
            q.reach_m + ordinary_m,
            |line| self.precision_m.get(line).is_some_and(|&p| p <= ordinary_m) && own_dyad(line),
            |m| keep(m.line, m.distance_m),
        )?;
        let mut best = ordinary_best;
        // Each imprecise segment of the incident's dyad that may lie within reach is offered
        // (and counts towards `others_near`), and may be the match.
        let mut imprecise_offered = 0usize;
        let mut imprecise_in_reach = 0u64;
        let mut imprecise_solved = 0u64;
        let solved_from = solved.len();
        // With bounds carried from an earlier incident nearby (in a batch, in Morton order),
        // most of these checks are one subtraction; the answers are the same.
        bounds.move_to(
            &at,
            self.imprecise
                .iter()
                .map(|wide| (&wide.index, wide.precision_m)),
        );
        // Most rows are far from every imprecise segment: one test rules them all out.
        let imprecise = if bounds.rules_out_all(q.reach_m) {
            &[][..]
        } else {
            &self.imprecise[..]
        };
        for (k, wide) in imprecise.iter().enumerate() {
            if !own_dyad(wide.segment) || bounds.rules_out(k, q.reach_m + wide.precision_m) {
                continue;
            }
            // One walk of the segment's sections says whether it may lie within reach (the
            // least lower bound of their distances at most the reach) and, when it is wanted
            // and may be nearer than the best so far (that bound at most the best distance: a
            // farther one cannot be nearer), finds its match. Once a match is found, one that
            // may lie within reach is either the match or one of its alternatives, which are
            // then looked for: its match is found in the same walk, and kept for them (of the
            // first 64). A farther one found so does not change the best.
            let bit = imprecise_bit(k);
            let mut searched = false;
            let known_m = bounds.nearest_at_most_m(k, &at);
            let Some((_, found)) = wide.near(&at, q, known_m, |least_m| {
                searched = (bit.is_some() && best.is_some())
                    || (wanted(wide.segment) && best.is_none_or(|b| least_m <= b.distance_m));
                searched
            }) else {
                continue;
            };
            imprecise_offered += 1;
            if let Some(m) = found {
                bounds.note_nearest(k, &at, m.distance_m);
            }
            if let Some(bit) = bit {
                imprecise_in_reach |= bit;
                if searched {
                    imprecise_solved |= bit;
                    solved.extend(found);
                }
            }
            let Some(m) = found else {
                continue;
            };
            if keep(m.line, m.distance_m)
                && best.is_none_or(|b| {
                    m.distance_m
                        .total_cmp(&b.distance_m)
                        .then(m.line.cmp(&b.line))
                        .is_lt()
                })
            {
                best = Some(m);
            }
        }
        // Other lines that may be in reach: the ordinary ones besides the ordinary nearest, that
        // nearest itself when an imprecise segment won, and the imprecise ones besides the match.
        let matched_imprecise =
            best.is_some() && best.map(|b| b.line) != ordinary_best.map(|b| b.line);
        let others = ordinary_others
            + usize::from(matched_imprecise && ordinary_best.is_some())
            + imprecise_offered
            - usize::from(matched_imprecise);
        if best.is_none() {
            solved.truncate(solved_from);
        }
        Ok(best.map(|line| FoundLine {
            line,
            others_near: others > 0,
            ordinary_near: ordinary_others > 0 || (matched_imprecise && ordinary_best.is_some()),
            imprecise_in_reach,
            imprecise_solved,
            solved: (solved_index(solved_from), solved_index(solved.len())),
        }))
    }

    /// The incident match of line match `m` for `q` (step two of [`BorderIndex::classify`]):
    /// its status, certainty and alternatives; `None` when the query keeps only certain
    /// matches and this one is not. `solved` is the list `find` pushed its solved matches
    /// onto.
    pub(super) fn matched(
        &self,
        timelines: &StatusTimelines,
        found: &FoundLine,
        q: &IncidentSearch,
        query: &IncidentQuery,
        solved: &[LineMatch],
    ) -> Option<IncidentMatch> {
        let m = &found.line;
        let status = timelines.at(m.line, q.at);
        if query.nearest {
            return self.matched_nearest(timelines, found, status, q, query);
        }
        let certainty = Certainty::of(
            m.distance_m,
            q.precision_m,
            self.precision_m.get(m.line).copied().unwrap_or(0.0),
            query.within_m,
            &status,
            &query.filter,
        );
        if query.certain_only && certainty != Certainty::Certain {
            return None;
        }
        Some(IncidentMatch {
            located: self.located(m)?,
            status,
            certainty,
            alternatives: if found.others_near {
                let solved = solved
                    .get(found.solved.0 as usize..found.solved.1 as usize)
                    .unwrap_or(&[]);
                self.alternatives(timelines, found, q, solved)
            } else {
                Vec::new()
            },
            regimes: Vec::new(),
        })
    }

    /// The segments other than the one `found` within `q`'s reach, of its dyad when it names
    /// one; `solved` holds the matches of the imprecise segments that `find` solved (those of
    /// [`FoundLine::imprecise_solved`] within reach).
    fn alternatives(
        &self,
        timelines: &StatusTimelines,
        found: &FoundLine,
        q: &IncidentSearch,
        solved: &[LineMatch],
    ) -> Vec<Alternative> {
        let matched = found.line.line;
        ALTERNATIVES.with(|near| {
            let Ok(mut near) = near.try_borrow_mut() else {
                return Vec::new();
            };
            // The matched line was found within this reach, so the point and reach are valid.
            // Without an ordinary line in reach besides the match, the search would find none.
            near.clear();
            if found.ordinary_near
                && self
                    .index
                    .within_into(q.point, q.reach_m + self.ordinary_precision_m, &mut near)
                    .is_err()
            {
                return Vec::new();
            }
            let ordinary_m = self.ordinary_precision_m;
            near.retain(|n| {
                self.precision_m
                    .get(n.line)
                    .is_some_and(|&p| p <= ordinary_m)
            });
            if !self.imprecise.is_empty() {
                // `find` bounded the first 64 already: only those it found in reach (of the
                // incident's dyad) are searched, and not the match itself (it is no alternative).
                // Those it solved already are taken from `solved`. The point is valid: the
                // match was found from it.
                let mut at = None;
                near.extend(
                    self.imprecise
                        .iter()
                        .enumerate()
                        .filter(|&(_, wide)| wide.segment != matched)
                        .filter_map(|(k, wide)| {
                            let bit = imprecise_bit(k);
                            if let Some(bit) = bit {
                                if found.imprecise_in_reach & bit == 0 {
                                    return None;
                                }
                                if found.imprecise_solved & bit != 0 {
                                    return solved.iter().find(|m| m.line == wide.segment).copied();
                                }
                            }
                            let at = match at {
                                Some(at) => at,
                                None => *at.insert(Query::of(q.point).ok()?),
                            };
                            match bit {
                                Some(_) => wide.nearest_in_reach(&at, q).ok().flatten(),
                                None => wide.within_reach(&at, q),
                            }
                        }),
                );
                near.sort_unstable_by(|a, b| {
                    a.distance_m
                        .total_cmp(&b.distance_m)
                        .then(a.line.cmp(&b.line))
                });
            }
            near.iter()
                .filter(|n| n.line != matched)
                .filter(|n| {
                    n.distance_m <= q.reach_m + self.precision_m.get(n.line).copied().unwrap_or(0.0)
                })
                .filter(|n| {
                    q.dyad.is_none_or(|d| {
                        self.sides
                            .get(n.line)
                            .is_some_and(|&(dyad, _, _)| dyad == d)
                    })
                })
                .map(|n| Alternative {
                    segment_index: n.line,
                    distance_m: n.distance_m,
                    status: timelines.at(n.line, q.at),
                })
                .collect()
        })
    }
}

/// The line an incident was found on.
#[derive(Clone, Copy, Debug)]
pub(super) struct FoundLine {
    pub(super) line: LineMatch,
    /// Whether the index offered other lines (of the incident's dyad, when it names one) that
    /// may lie within reach (for a nearest match: that may be the nearest): only then are
    /// alternatives looked for.
    pub(super) others_near: bool,
    /// Whether an ordinary line besides the match (of the incident's dyad, when it names one)
    /// may lie within reach: the nearest search solved the same pieces as the alternatives'
    /// search of the ordinary lines would, and counted every line that one could find. Without
    /// one, the alternatives skip that search (35 M of 1,354 M instructions of the README
    /// benchmark, mostly for incidents whose only alternative is an imprecise segment).
    pub(super) ordinary_near: bool,
    /// Bit `k` is set when imprecise segment `k` (of the first 64) is of the incident's dyad
    /// (when it names one) and may lie within its reach: the alternatives search those alone,
    /// without bounding them again (that second bound cost 11 M of 1,363 M instructions of the
    /// README benchmark). Segments from the 65th on are bounded there. For a nearest match:
    /// bit `k` is set when imprecise segment `k` may be a rival (another segment the query
    /// allows that may truly be nearer).
    pub(super) imprecise_in_reach: u64,
    /// Bit `k` is set when `find` solved imprecise segment `k` (of the first 64) in its walk
    /// of the segment's sections, as the alternatives would (its nearest match within reach,
    /// at any status): its match, when it has one, is in `solved`, and the alternatives take
    /// it from there instead of walking the sections again. (Once a match is found, every
    /// imprecise segment in reach is either the match or looked for among the alternatives.)
    /// Always 0 for a nearest match.
    pub(super) imprecise_solved: u64,
    /// Where those matches are in the list `find` pushed them onto: from `.0` up to `.1`.
    pub(super) solved: (u32, u32),
}

/// What an incident is searched for with.
#[derive(Clone, Copy, Debug)]
pub(super) struct IncidentSearch {
    /// The incident's position in its chunk.
    pub(super) position: u32,
    pub(super) point: Point<f64>,
    /// The query's distance plus the incident's location precision, metres.
    reach_m: f64,
    /// The incident's location precision, metres.
    pub(super) precision_m: f64,
    /// When its status is taken.
    pub(super) at: DateSpan,
    /// The dyad the incident names, whose segments alone are searched.
    pub(super) dyad: Option<Dyad>,
}

impl IncidentSearch {
    pub(super) fn of(incident: &Incident, query: &IncidentQuery, position: u32) -> IncidentSearch {
        IncidentSearch {
            position,
            point: incident.point,
            reach_m: query.within_m + incident.precision_m,
            precision_m: incident.precision_m,
            at: query.as_of.unwrap_or(incident.date),
            dyad: incident.dyad,
        }
    }
}

/// Position `at` of a list of solved matches, as kept in [`FoundLine::solved`] (the lists are
/// of a chunk of at most 32,768 incidents, at most 64 matches each).
fn solved_index(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// Imprecise segment `k`'s bit in [`FoundLine::imprecise_in_reach`]; `None` from the 65th on.
pub(super) fn imprecise_bit(k: usize) -> Option<u64> {
    u32::try_from(k).ok().and_then(|k| 1u64.checked_shl(k))
}

thread_local! {
    /// The lines near a matched incident, reused from one match to the next.
    static ALTERNATIVES: RefCell<Vec<LineMatch>> = const { RefCell::new(Vec::new()) };
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use proptest::prelude::*;

    use super::*;
    use crate::{Basis, Dataset, StatusFilter};

    fn data() -> &'static Dataset {
        static DATA: OnceLock<Dataset> = OnceLock::new();
        DATA.get_or_init(|| match Dataset::embedded() {
            Ok(d) => d,
            Err(e) => panic!("the embedded dataset loads: {e}"),
        })
    }

    fn index() -> &'static BorderIndex {
        static INDEX: OnceLock<BorderIndex> = OnceLock::new();
        INDEX.get_or_init(|| match BorderIndex::new(data()) {
            Ok(i) => i,
            Err(e) => panic!("the embedded dataset indexes: {e}"),
        })
    }

    /// An incident near vertex `vertex` of segment `segment` (both taken modulo their counts),
    /// moved by up to 0.2° — or an invalid position when `bad` says so.
    fn incident(
        (segment, vertex, dlon, dlat): (usize, usize, f64, f64),
        day: i64,
        precision_m: f64,
        bad: u8,
    ) -> Incident {
        let segments = data().segments();
        let line = segments
            .get(segment % segments.len().max(1))
            .map(|s| s.line.0.as_slice())
            .unwrap_or(&[]);
        let c = line
            .get(vertex % line.len().max(1))
            .copied()
            .unwrap_or_default();
        let point = match bad {
            0 => Point::new(f64::NAN, c.y),
            1 => Point::new(c.x, 95.0),
            _ => Point::new(c.x + dlon, c.y + dlat),
        };
        let first = jiff::civil::date(1992, 1, 1);
        let date = first
            .checked_add(jiff::Span::new().days(day))
            .unwrap_or(first);
        Incident {
            id: format!("{segment}-{vertex}"),
            date: DateSpan::day(date),
            point,
            precision_m,
            kind: String::new(),
            summary: String::new(),
            fatalities: None,
            source_id: String::new(),
            dyad: None,
            values: crate::RowValues::default(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// `classify_each` answers every incident as `classify` does, in the incidents' order,
        /// whatever the chunk and window sizes, filter, dyad or date, including invalid
        /// incidents.
        #[test]
        fn classify_each_answers_as_classify_does(
            places in prop::collection::vec(
                ((0usize..1_000, 0usize..10_000, -0.2..0.2f64, -0.2..0.2f64),
                 0i64..12_000, prop_oneof![Just(0.0), 0.0..30_000.0f64, Just(-1.0)],
                 0u8..40),
                0..120,
            ),
            chunk in 1usize..40,
            window in 1usize..20,
            within_m in prop_oneof![Just(0.0), 0.0..20_000.0f64],
            filter in prop::sample::select(vec!["", "undemarcated", "disputed,undelimited", "not_demarcated,unknown"]),
            dyad in prop::option::of(0usize..100),
            as_of in prop::option::of(0i64..12_000),
            basis in prop::sample::select(vec![Basis::InForce, Basis::Signed]),
            certain_only in any::<bool>(),
        ) {
            let (data, index) = (data(), index());
            let timelines = StatusTimelines::new(data, basis);
            let dyads = data.dyads();
            let query = IncidentQuery {
                as_of: as_of.map(|d| incident((0, 0, 0.0, 0.0), d, 0.0, 2).date),
                filter: filter.parse().map_err(|e| TestCaseError::fail(format!("{e}")))?,
                dyad: dyad.and_then(|d| dyads.get(d % dyads.len().max(1)).copied()),
                certain_only,
                ..IncidentQuery::within(within_m)
            };
            let incidents: Vec<Incident> = places
                .iter()
                .map(|&(place, day, precision_m, bad)| incident(place, day, precision_m, bad))
                .collect();
            let mut got = Vec::new();
            index.classify_each_by(chunk, window, &timelines, &incidents, &query, |i, m| got.push((i, m)));
            let want: Vec<_> = incidents
                .iter()
                .enumerate()
                .map(|(i, inc)| (i, index.classify(&timelines, inc, &query)))
                .collect();
            // Compared as text: an invalid position's NaN is not equal to itself.
            prop_assert_eq!(format!("{got:?}"), format!("{want:?}"));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100))]

        /// A match's alternatives are every other line within the incident's reach (of its
        /// dyad when it names one), as `within` finds them: skipping the search when the index
        /// offered one line loses none.
        #[test]
        fn alternatives_are_every_other_line_within_reach(
            place in (0usize..1_000, 0usize..10_000, -0.2..0.2f64, -0.2..0.2f64),
            day in 0i64..12_000,
            precision_m in prop_oneof![Just(0.0), 0.0..60_000.0f64],
            within_m in 0.0..20_000.0f64,
            named in prop::option::of(0usize..100),
            on in prop::option::of(prop::sample::select(
                vec!["delimited", "undelimited", "disputed", "demarcated", "unknown"],
            )),
        ) {
            let (data, index) = (data(), index());
            let timelines = StatusTimelines::new(data, Basis::InForce);
            let dyads = data.dyads();
            let mut inc = incident(place, day, precision_m, 2);
            inc.dyad = named.and_then(|d| dyads.get(d % dyads.len().max(1)).copied());
            // A status filter picks the match, not the alternatives: every other line in reach
            // is listed whatever its status.
            let filter = on
                .map(str::parse::<StatusFilter>)
                .transpose()
                .map_err(|e| TestCaseError::fail(e.to_string()))?
                .unwrap_or_default();
            let query = IncidentQuery {
                filter,
                ..IncidentQuery::within(within_m)
            };
            let Ok(Some(m)) = index.classify(&timelines, &inc, &query) else {
                return Ok(());
            };
            let widest_m = data.segments().iter().map(|s| s.precision_m).fold(0.0, f64::max);
            let want: Vec<usize> = index
                .within(inc.point, within_m + precision_m + widest_m)
                .map_err(|e| TestCaseError::fail(e.to_string()))?
                .iter()
                .filter(|l| l.segment_index != m.located.segment_index)
                .filter(|l| {
                    l.distance_m
                        <= within_m + precision_m + data.segments()[l.segment_index].precision_m
                })
                .filter(|l| inc.dyad.is_none_or(|d| d == l.dyad))
                .map(|l| l.segment_index)
                .collect();
            let got: Vec<usize> = m.alternatives.iter().map(|a| a.segment_index).collect();
            prop_assert_eq!(got, want);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100))]

        /// With only certain matches asked for, the answer is the nearest certain match among
        /// every line within reach, even when a nearer one is only possible.
        #[test]
        fn certain_only_finds_the_nearest_certain_match(
            place in (0usize..1_000, 0usize..10_000, -0.3..0.3f64, -0.3..0.3f64),
            day in 0i64..12_000,
            precision_m in prop_oneof![Just(0.0), 0.0..30_000.0f64],
            within_m in 0.0..80_000.0f64,
        ) {
            let (data, index) = (data(), index());
            let timelines = StatusTimelines::new(data, Basis::InForce);
            let inc = incident(place, day, precision_m, 2);
            let query = IncidentQuery { certain_only: true, ..IncidentQuery::within(within_m) };
            let got = index
                .classify(&timelines, &inc, &query)
                .map_err(|e| TestCaseError::fail(e.to_string()))?
                .map(|m| m.located.segment_index);
            let any = StatusFilter::default();
            let want = index
                .within(inc.point, within_m + precision_m)
                .map_err(|e| TestCaseError::fail(e.to_string()))?
                .into_iter()
                .find(|l| {
                    let status = timelines.at(l.segment_index, inc.date);
                    let segment_m = data.segments()[l.segment_index].precision_m;
                    Certainty::of(l.distance_m, precision_m, segment_m, within_m, &status, &any)
                        == Certainty::Certain
                })
                .map(|l| l.segment_index);
            prop_assert_eq!(got, want);
        }
    }

    /// An incident that is within reach only once the segment's stated precision is counted is
    /// a possible match; one farther out is no match.
    #[test]
    fn the_segment_precision_widens_the_reach() {
        let (data, index) = (data(), index());
        let timelines = StatusTimelines::new(data, Basis::InForce);
        let Some(afg_tjk) = data.segments().iter().position(|s| s.id == "AFG-TJK-01") else {
            panic!("the embedded dataset has AFG-TJK-01");
        };
        let segment_m = data.segments()[afg_tjk].precision_m;
        assert!(segment_m > 20.0);
        let mut inc = incident((afg_tjk, 100, 0.0, 0.0), 8_000, 300.0, 2);
        inc.point = Point::new(inc.point.x(), inc.point.y() + 0.15);
        let Ok(Some(here)) = index.locate(inc.point) else {
            panic!("a point near the line is located");
        };
        assert_eq!(here.segment_index, afg_tjk);
        let d = here.distance_m;
        // Beyond the distance plus the incident's precision, inside the segment's precision.
        let query = IncidentQuery::within(d - inc.precision_m - segment_m / 2.0);
        let Ok(Some(m)) = index.classify(&timelines, &inc, &query) else {
            panic!("within the segment's precision: a match");
        };
        assert_eq!(m.located.segment_index, afg_tjk);
        assert_eq!(m.certainty, Certainty::Possible);
        // Beyond all three.
        let query = IncidentQuery::within(d - inc.precision_m - segment_m - 10.0);
        assert_eq!(index.classify(&timelines, &inc, &query), Ok(None));
    }

    /// A callback may classify incidents itself, with the same answers.
    #[test]
    fn a_nested_call_gets_its_own_buffers() {
        let (data, index) = (data(), index());
        let timelines = StatusTimelines::new(data, Basis::InForce);
        let query = IncidentQuery::within(5_000.0);
        let incidents: Vec<Incident> = (0..50)
            .map(|k| incident((k, 3 * k, 0.01, -0.01), 5_000, 0.0, 2))
            .collect();
        let refs: Vec<&Incident> = incidents.iter().rev().collect();
        let mut calls = 0;
        index.classify_each(&timelines, &incidents, &query, |i, outer| {
            let mut inner = Vec::new();
            index.classify_each(&timelines, &refs, &query, |_, m| inner.push(m));
            inner.reverse();
            assert_eq!(inner.get(i), Some(&outer));
            calls += 1;
        });
        assert_eq!(calls, incidents.len());
    }
}
