//! The best-first searches of [`LineIndex`]: the nearest line, the nearest line that a caller
//! accepts within a distance, and the nearest with whether a rival line may lie close behind it.
//!
//! # Measured gain of the grid stage
//! The nearest search with its rivals first takes the sections within 8 km from the hash grid
//! (in a heap, by lower bound) and falls back on the R-tree's nearest-neighbour walk only when
//! the search may go on past 8 km. On the README benchmark's 100,000 incidents with the
//! nearest search (callgrind, one worker thread; half of them lie within 6 km of a border,
//! 17% beyond 32 km) the run fell from 3,702 M to 3,418 M instructions (-7.7%), output byte
//! for byte the same. Sorting every section of the stage instead of a heap cost 4,092 M; a
//! second stage within 32 km (up to 125 cells) 3,956 M: the grid's cells hold many sections,
//! and scanning them cost more than the walks it saved. Skipping the sections past the
//! nearest's margins that cannot be a rival (their edges' exact solutions, mostly for incidents
//! tens of kilometres away and more) then took it to 3,029 M (-11.4%; the search within 5 km
//! on the same rows, 1,097 M).

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

use geo_types::Point;

use super::closest_point::{with_scratch, Scratch};
use super::edge_section::margin_m;
use super::error::QueryError;
use super::line_index::{LineIndex, TreeSection};
use super::query_point::{check_point, Query};
use super::section_blocks::SectionWalk;
use super::LineMatch;
use crate::thread_buffers::with_thread_buffers;

impl LineIndex {
    /// The line nearest to `p` by geodesic distance, at its closest point; `None` when the index
    /// holds no line. Ties go to the lower line index.
    ///
    /// # Errors
    /// [`QueryError::InvalidPoint`] when `p` is not finite or out of range.
    pub fn nearest(&self, p: Point<f64>) -> Result<Option<LineMatch>, QueryError> {
        let q = check_point(p)?;
        Ok(with_scratch(|s| {
            s.candidates.clear();
            s.solved.clear();
            let mut best_m = f64::INFINITY;
            for (t, lb2) in self.tree().nearest_neighbor_iter_with_distance_2(&q.p3) {
                if lb2.sqrt() > best_m + margin_m(best_m) {
                    break;
                }
                if let Some(c) = self.closest_candidate(t.id, lb2.sqrt(), &q, &mut s.solved) {
                    best_m = best_m.min(c.distance_m());
                    s.candidates.push(c);
                }
            }
            self.exact_best(&mut s.candidates, &q)
        }))
    }

    /// The nearest line to `q` among those for which `accept(line)` is true, when it lies
    /// within `max_m` metres (`f64::INFINITY`: at any distance).
    ///
    /// A best-first search: the sections come in increasing order of their distance's lower
    /// bound (by the walk of the `section_blocks` module, which suits an index of one segment;
    /// for a large one it costs the square root of its number of sections), and the search
    /// stops at the first whose bound exceeds `max_m` or the nearest distance found so far
    /// (plus the estimates' margin), so it solves a few sections wherever `q` is, where
    /// [`LineIndex::nearest_within`] looks at every section within `max_m`.
    ///
    /// # Errors
    /// [`QueryError::InvalidDistance`] when `max_m` is negative or NaN.
    pub(crate) fn nearest_accepted(
        &self,
        q: &Query,
        max_m: f64,
        accept: impl FnMut(usize) -> bool,
    ) -> Result<Option<LineMatch>, QueryError> {
        if max_m.is_nan() || max_m < 0.0 {
            return Err(QueryError::InvalidDistance { max_m });
        }
        Ok(self
            .nearest_if_within(q, max_m, f64::INFINITY, accept, |_| true)
            .and_then(|(_, m)| m))
    }

    /// When some line may lie within `max_m` metres of `q` (as [`LineIndex::may_be_within`]
    /// says; never when `max_m` is negative or NaN): the least lower bound of the distance of
    /// its sections, metres, and, when `search(that bound)` holds,
    /// [`LineIndex::nearest_accepted`]'s answer. One walk of the sections gives both: the
    /// check is the search's first step.
    ///
    /// `known_m` is an upper bound of the distance from `q` to the nearest line that `accept`
    /// takes, or infinite when none is known. The walk then leaves out the
    /// sections whose lower bound exceeds it by more than [`KNOWN_SLACK`] margins: the search
    /// never reaches them (see [`walk_limit_m`]), so the answer is the same.
    pub(crate) fn nearest_if_within(
        &self,
        q: &Query,
        max_m: f64,
        known_m: f64,
        mut accept: impl FnMut(usize) -> bool,
        search: impl FnOnce(f64) -> bool,
    ) -> Option<(f64, Option<LineMatch>)> {
        // Not `max_m >= 0.0` alone: that is false for NaN too, but says it less plainly.
        if max_m.is_nan() || max_m < 0.0 {
            return None;
        }
        // No section's lower bound is nearer than the box holding them all (up to a
        // micrometre; see the `section_blocks` module): most points that the callers' carried
        // bounds leave in doubt are ruled out here, before the walk (BENCHMARKS.md).
        if self.box_distance_m(q) - BOX_SLACK_M > max_m {
            return None;
        }
        let q = *q;
        with_scratch(|s| {
            let mut walk = SectionWalk::start(
                &self.items,
                &self.blocks,
                q.p3,
                walk_limit_m(max_m, known_m),
                &mut s.walk,
            );
            let least_m = walk.least_bound_m(max_m)?;
            if !search(least_m) {
                return Some((least_m, None));
            }
            s.candidates.clear();
            s.solved.clear();
            let mut best_m = f64::INFINITY;
            while let Some((t, lower_bound_m)) = walk.next(max_m.min(best_m + margin_m(best_m))) {
                if !accept(t.line as usize) {
                    continue;
                }
                if let Some(c) = self.closest_candidate(t.id, lower_bound_m, &q, &mut s.solved) {
                    best_m = best_m.min(c.distance_m());
                    s.candidates.push(c);
                }
            }
            let m = self
                .exact_best(&mut s.candidates, &q)
                .filter(|m| m.distance_m <= max_m);
            Some((least_m, m))
        })
    }

    /// The nearest line to `q` among those `accept` takes, at any distance, and whether a
    /// line other than it that `rival` takes (and `accept` too) may lie within
    /// `extra_m(nearest line)` metres beyond it: one best-first search for both answers, which
    /// goes on past the nearest line only as far as that band (the second answer may be a
    /// false "yes", never a false "no").
    ///
    /// The sections come first from the hash grid, those within each of [`GRID_STAGES_M`] in
    /// turn, sorted by lower bound: every section whose lower bound is at most the stage's
    /// distance is in the grid's cube (its box holds the chord grown by the bulge), so while
    /// the search stays within that distance it hands out the sections the R-tree's
    /// nearest-neighbour order gives, in the same order, and makes the same steps. When the
    /// search would go on past the stage's distance, the next stage (at last the R-tree, at any
    /// distance) starts it again. See the module documentation for the measured gain.
    pub(crate) fn nearest_with_rival(
        &self,
        q: &Query,
        mut accept: impl FnMut(usize) -> bool,
        mut rival: impl FnMut(usize) -> bool,
        extra_m: impl Fn(usize) -> f64,
    ) -> Option<(LineMatch, bool)> {
        let q = *q;
        let mut search = RivalSearch {
            accept: &mut accept,
            rival: &mut rival,
            extra_m: &extra_m,
        };
        with_scratch(|s| {
            for stage_m in GRID_STAGES_M {
                let found = with_thread_buffers(&STAGE, |keys| {
                    keys.clear();
                    let r = stage_m + 1.0;
                    let p3 = q.p3;
                    let items = &self.items;
                    self.grid.query_near(p3, r, |id| {
                        if let Some(t) = items.get(id as usize) {
                            let lower_bound_m = t.chord.lower_bound_m(p3);
                            if lower_bound_m <= stage_m {
                                keys.push(Reverse(stage_key(lower_bound_m, id)));
                            }
                        }
                    });
                    // Most searches take a few of the sections: a heap hands those out in order
                    // without sorting the others (sorting them all cost more than the R-tree).
                    let sections = std::iter::from_fn(|| keys.pop()).filter_map(|Reverse(k)| {
                        items
                            .get(k as u32 as usize)
                            .map(|t| (t, f64::from_bits((k >> 32) as u64)))
                    });
                    self.search_with_rival(&q, sections, stage_m, &mut search, s)
                });
                if let Some(found) = found {
                    return found;
                }
            }
            let sections = self
                .tree()
                .nearest_neighbor_iter_with_distance_2(&q.p3)
                .map(|(t, _)| (&**t, t.chord.lower_bound_m(q.p3)));
            self.search_with_rival(&q, sections, f64::INFINITY, &mut search, s)
                .flatten()
        })
    }

    /// The search of [`LineIndex::nearest_with_rival`] over `sections` (in increasing order of
    /// their lower bound, each with it): its answer, or `None` when the sections run out
    /// before it may stop and more may come beyond `reach_m` (every section whose lower bound
    /// is at most `reach_m` must be among `sections`).
    fn search_with_rival<'t>(
        &self,
        q: &Query,
        sections: impl Iterator<Item = (&'t TreeSection, f64)>,
        reach_m: f64,
        search: &mut RivalSearch<
            '_,
            impl FnMut(usize) -> bool,
            impl FnMut(usize) -> bool,
            impl Fn(usize) -> f64,
        >,
        s: &mut Scratch,
    ) -> Option<Option<(LineMatch, bool)>> {
        s.candidates.clear();
        s.solved.clear();
        // The least estimate so far with its line, and the least of each of two distinct
        // rival lines (so that one other than the final nearest is known).
        let (mut best_m, mut best_line) = (f64::INFINITY, usize::MAX);
        let mut rivals: [(f64, usize); 2] = [(f64::INFINITY, usize::MAX); 2];
        // Whether the search stops at a section of lower bound `lower_bound_m` (true for every
        // greater one too).
        let stops_at =
            |lower_bound_m: f64, best_m: f64, best_line: usize, rivals: &[(f64, usize); 2]| {
                let band_m = if best_line == usize::MAX {
                    0.0
                } else {
                    (search.extra_m)(best_line)
                };
                if lower_bound_m > best_m + band_m + margin_m(best_m + band_m) {
                    return true;
                }
                // Once nothing nearer can come, one rival within the band is answer enough.
                let other_m = if rivals[0].1 == best_line {
                    rivals[1].0
                } else {
                    rivals[0].0
                };
                lower_bound_m > best_m + 2.0 * margin_m(best_m) && other_m <= best_m + band_m
            };
        let mut stopped = false;
        for (t, lower_bound_m) in sections {
            if stops_at(lower_bound_m, best_m, best_line, &rivals) {
                stopped = true;
                break;
            }
            let line = t.line as usize;
            if !(search.accept)(line) {
                continue;
            }
            // A section's candidate is an estimate on the section (within its margin of the
            // exact distance) or its whole edge solved exactly (which may be nearer than the
            // section): either way at least its edge's lower bound less that margin. Past the
            // nearest's margins the section can be neither the nearest nor a candidate
            // `exact_best` looks at: it matters only as a rival line not known yet, or known
            // farther than that floor. Skipping the others (their exact solutions, far away)
            // changes none of the search's steps nor its answer.
            let floor_m = self.edge_lower_bound_m(t.id, q).unwrap_or(0.0);
            let floor_m = floor_m - margin_m(floor_m);
            if floor_m > best_m + 2.0 * margin_m(best_m) {
                let known_m = rivals
                    .iter()
                    .find(|r| r.1 == line)
                    .map_or(f64::INFINITY, |r| r.0);
                if known_m <= floor_m || !(search.rival)(line) {
                    continue;
                }
            }
            let Some(c) = self.closest_candidate(t.id, lower_bound_m, q, &mut s.solved) else {
                continue;
            };
            let d = c.distance_m();
            if d < best_m {
                best_m = d;
                best_line = line;
            }
            if (search.rival)(line) {
                note_rival(&mut rivals, d, line);
            }
            s.candidates.push(c);
        }
        // Any section not handed out has a lower bound above `reach_m`: the search would have
        // stopped there (as at any greater bound) or goes on beyond what it was given. The
        // least bound above a finite `reach_m` (not negative) is the next float up: its bits
        // plus one (`f64::next_up` is newer than the crate's Rust version).
        if !stopped
            && reach_m.is_finite()
            && !stops_at(
                f64::from_bits((reach_m + 0.0).to_bits() + 1),
                best_m,
                best_line,
                &rivals,
            )
        {
            return None;
        }
        let Some(m) = self.exact_best(&mut s.candidates, q) else {
            return Some(None);
        };
        let other_m = if rivals[0].1 == m.line {
            rivals[1].0
        } else {
            rivals[0].0
        };
        let band_m = m.distance_m + (search.extra_m)(m.line);
        Some(Some((m, other_m <= band_m + 2.0 * margin_m(band_m))))
    }
}

impl LineIndex {
    /// The lower bound (metres) of the distance from `q` to the edge holding section `id`.
    fn edge_lower_bound_m(&self, id: u32, q: &Query) -> Option<f64> {
        let section = self.sections.get(id as usize)?;
        let info = self.edges.get(section.edge as usize)?;
        Some(info.chord.lower_bound_m(q.p3))
    }
}

/// How many margins (of [`margin_m`]) past a known upper bound of the nearest line's distance
/// the walk of [`LineIndex::nearest_if_within`] goes.
const KNOWN_SLACK: f64 = 4.0;

/// The distance the walk of [`LineIndex::nearest_if_within`] starts with: `max_m`, or less
/// when the nearest line is known to lie within `known_m` (infinite: not known).
///
/// Why the search is the same: the section holding the nearest point (of a line the search
/// accepts) has a lower bound of at most `known_m`, so it comes out of the walk before any section whose bound exceeds that;
/// its candidate (an estimate within a margin of that exact distance, or the exact distance)
/// then brings the walk's limit (the least candidate plus its margin) down to at most
/// `known_m` plus about two margins, and no later section beyond it is handed out. The
/// sections left out are thus never handed out, and the walk hands out the same ones in the
/// same order.
fn walk_limit_m(max_m: f64, known_m: f64) -> f64 {
    let limit_m = known_m + KNOWN_SLACK * margin_m(known_m) + BOX_SLACK_M;
    if limit_m < max_m {
        limit_m
    } else {
        max_m
    }
}

/// Allowance of the box test of [`LineIndex::nearest_if_within`] against rounding and the lower
/// bound's micrometre, metres (the walk's own allowance for its boxes).
const BOX_SLACK_M: f64 = 1e-3;

/// The callers' three functions of [`LineIndex::nearest_with_rival`], held for its stages.
struct RivalSearch<'f, A, R, E> {
    accept: &'f mut A,
    rival: &'f mut R,
    extra_m: &'f E,
}

/// The distances (metres) within which [`LineIndex::nearest_with_rival`] tries the hash grid
/// before the R-tree: one, whose cube (16 km wide) meets one or two cells per axis. A second
/// stage within 32 km (when cells were 16 km wide: up to five per axis) cost more than the
/// R-tree walks it saved (see the module documentation).
const GRID_STAGES_M: [f64; 1] = [8_000.0];

/// Records a candidate at `d` metres on the rival line `line` in `rivals`: the least distance
/// of each of the two nearest distinct lines met so far, nearest first.
fn note_rival(rivals: &mut [(f64, usize); 2], d: f64, line: usize) {
    if line == rivals[0].1 {
        rivals[0].0 = rivals[0].0.min(d);
    } else if line == rivals[1].1 {
        rivals[1].0 = rivals[1].0.min(d);
    } else if d < rivals[0].0 {
        rivals[1] = rivals[0];
        rivals[0] = (d, line);
    } else if d < rivals[1].0 {
        rivals[1] = (d, line);
    }
    if rivals[1].0 < rivals[0].0 {
        rivals.swap(0, 1);
    }
}

/// A section's lower bound (metres, not negative) and id packed so that their order is the
/// integer's.
fn stage_key(lower_bound_m: f64, id: u32) -> u128 {
    (u128::from((lower_bound_m + 0.0).to_bits()) << 32) | u128::from(id)
}

thread_local! {
    /// The sections of a grid stage, by key, reused from one query to the next.
    static STAGE: RefCell<BinaryHeap<Reverse<u128>>> = const { RefCell::new(BinaryHeap::new()) };
}

#[cfg(test)]
mod tests {
    use geo_types::{line_string, LineString, Point};
    use proptest::prelude::*;

    use super::*;

    /// Lines a few kilometres to a few tens of kilometres apart, so that the nearest and its
    /// rivals fall in each stage of the grid and beyond.
    fn lines() -> Vec<LineString<f64>> {
        vec![
            line_string![(x: 66.0, y: 40.0), (x: 66.02, y: 40.3), (x: 66.0, y: 40.6)],
            line_string![(x: 66.05, y: 40.0), (x: 66.06, y: 40.5), (x: 66.3, y: 40.9)],
            line_string![(x: 66.3, y: 40.1), (x: 66.35, y: 40.2)],
            line_string![(x: 67.0, y: 39.8), (x: 67.0, y: 41.0), (x: 68.5, y: 41.2)],
            line_string![(x: 66.01, y: 40.25), (x: 66.01, y: 40.25), (x: 66.03, y: 40.26)],
        ]
    }

    /// The search as it was first made: every section in the R-tree's nearest-neighbour
    /// order, each accepted one solved, until the search may stop.
    fn search_as_first_made(
        index: &LineIndex,
        q: &Query,
        accept: impl Fn(usize) -> bool,
        rival: impl Fn(usize) -> bool,
        extra_m: impl Fn(usize) -> f64,
    ) -> Option<(LineMatch, bool)> {
        with_scratch(|s| {
            s.candidates.clear();
            s.solved.clear();
            let (mut best_m, mut best_line) = (f64::INFINITY, usize::MAX);
            let mut rivals: [(f64, usize); 2] = [(f64::INFINITY, usize::MAX); 2];
            for (t, _) in index.tree().nearest_neighbor_iter_with_distance_2(&q.p3) {
                let lower_bound_m = t.chord.lower_bound_m(q.p3);
                let band_m = if best_line == usize::MAX {
                    0.0
                } else {
                    extra_m(best_line)
                };
                if lower_bound_m > best_m + band_m + margin_m(best_m + band_m) {
                    break;
                }
                let other_m = if rivals[0].1 == best_line {
                    rivals[1].0
                } else {
                    rivals[0].0
                };
                if lower_bound_m > best_m + 2.0 * margin_m(best_m) && other_m <= best_m + band_m {
                    break;
                }
                let line = t.line as usize;
                if !accept(line) {
                    continue;
                }
                let Some(c) = index.closest_candidate(t.id, lower_bound_m, q, &mut s.solved) else {
                    continue;
                };
                let d = c.distance_m();
                if d < best_m {
                    best_m = d;
                    best_line = line;
                }
                if rival(line) {
                    note_rival(&mut rivals, d, line);
                }
                s.candidates.push(c);
            }
            let m = index.exact_best(&mut s.candidates, q)?;
            let other_m = if rivals[0].1 == m.line {
                rivals[1].0
            } else {
                rivals[0].0
            };
            let band_m = m.distance_m + extra_m(m.line);
            Some((m, other_m <= band_m + 2.0 * margin_m(band_m)))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// The search through the grid's stages, skipping the sections that cannot matter,
        /// answers as the search first made (over the R-tree, solving every section),
        /// whatever lines it accepts and counts as rivals and
        /// however wide the rivals' band, for points on the lines and up to hundreds of
        /// kilometres away.
        #[test]
        fn the_grid_stages_answer_as_the_tree(
            lon in prop_oneof![65.9..66.4f64, 65.0..68.5f64, 60.0..75.0f64],
            lat in prop_oneof![39.9..40.7f64, 39.0..42.0f64, 35.0..48.0f64],
            accepted in 1usize..32,
            rivals in 0usize..32,
            band_m in prop_oneof![Just(0.0), 0.0..3_000.0f64, 0.0..40_000.0f64],
        ) {
            let index = LineIndex::new(&lines()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let q = Query::of(Point::new(lon, lat)).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let accept = |line: usize| accepted & (1 << line) != 0;
            let rival = |line: usize| rivals & (1 << line) != 0;
            let extra_m = |line: usize| band_m * (1.0 + line as f64 / 4.0);
            let got = index.nearest_with_rival(&q, accept, rival, extra_m);
            let want = search_as_first_made(&index, &q, accept, rival, extra_m);
            prop_assert_eq!(format!("{got:?}"), format!("{want:?}"));
        }
    }
}
