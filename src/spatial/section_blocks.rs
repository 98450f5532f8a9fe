//! Runs of consecutive sections with one box each, runs of those runs with a box each, and the
//! walk over an index's sections in increasing order of their lower bounds that the boxes
//! allow: the best-first order that the R-tree's nearest-neighbour iterator gives, at a
//! fraction of its cost on the small indexes of single segments (a few to a few hundred
//! sections).
//!
//! # Why the order is the same
//! A section's lower bound at `p` ([`Chord::lower_bound_m`](super::edge::Chord)) is the
//! straight-line distance from `p` to the chord segment less the bulge `h` (and a micrometre),
//! and its box holds the chord segment grown by `h` (step 3 of the [module
//! documentation](super)). The distance from `p` to a box is at most the distance to anything
//! the box holds, so the distance to a block's box (which holds every box of its sections, or
//! of its blocks) is at most each of its sections' lower bound plus that micrometre. Less
//! [`BLOCK_SLACK_M`] (a millimetre, far above the micrometre and the nanometres of rounding),
//! it is below every lower bound in the block: the block's bound. The walk keeps one heap of
//! blocks not opened yet (by bound) and sections not handed out yet (by lower bound), ordered
//! by (bound, blocks before sections, id). It opens the least entry while that is a block
//! (putting its blocks or sections in the heap), and hands out the least entry once it is a
//! section: every block left in the heap then has a greater key, hence a bound above that
//! section's lower bound (an equal bound would come first), so no section it holds comes
//! earlier. Blocks and sections beyond the distance the walk was started with never enter the
//! heap. Every section comes out in increasing order of (lower bound, id), where the tree gives
//! equal lower bounds in an unspecified order.
//!
//! # Measured gain
//! On the README benchmark (100,000 rows within 5 km, callgrind, one thread) the eight
//! imprecise segments' searches walked their R-trees for 48.4 M instructions (the
//! nearest-neighbour iterator, 13,124 searches) and checked whether one may lie within reach
//! for 25.1 M (23,405 checks); a walk of runs of about √n sections did both in 50.3 M (25,833
//! walks, the check being the search's first step), and the run fell from 1,307.5 M to
//! 1,293.3 M. Two levels of blocks of 8 (this module) cut the walks to 39.6 M
//! (BENCHMARKS.md).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::line_index::TreeSection;

/// Allowance of a block's bound against rounding and the lower bound's micrometre, metres.
const BLOCK_SLACK_M: f64 = 1e-3;

/// Sections in a block, and blocks in a group.
const RUN: usize = 8;

/// A run of consecutive sections (`items[start..end]` of the index), or of consecutive blocks,
/// and a box holding all their boxes.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct SectionBlock {
    lo: [f64; 3],
    hi: [f64; 3],
    start: u32,
    end: u32,
}

/// The blocks of an index's sections ([`RUN`] consecutive sections each; consecutive sections
/// follow their line, so a block is a short stretch of it) and their groups ([`RUN`]
/// consecutive blocks each).
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct SectionBlocks {
    blocks: Vec<SectionBlock>,
    groups: Vec<SectionBlock>,
}

/// Runs of [`RUN`] consecutive boxes of `boxes`, each with the box holding them.
fn runs(boxes: &[([f64; 3], [f64; 3])]) -> Vec<SectionBlock> {
    let mut out = Vec::with_capacity(boxes.len().div_ceil(RUN));
    let mut start = 0usize;
    for run in boxes.chunks(RUN) {
        let (lo, hi) = run.iter().fold(
            ([f64::INFINITY; 3], [f64::NEG_INFINITY; 3]),
            |(lo, hi), (l, h)| {
                (
                    [lo[0].min(l[0]), lo[1].min(l[1]), lo[2].min(l[2])],
                    [hi[0].max(h[0]), hi[1].max(h[1]), hi[2].max(h[2])],
                )
            },
        );
        let end = start + run.len();
        // Section ids are u32 already (see `TreeSection::id`), and there are fewer runs.
        out.push(SectionBlock {
            lo,
            hi,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        });
        start = end;
    }
    out
}

/// The blocks and groups of `items`.
pub(super) fn blocks_of(items: &[TreeSection]) -> SectionBlocks {
    let boxes: Vec<_> = items.iter().map(|i| i.chord.envelope()).collect();
    let blocks = runs(&boxes);
    let block_boxes: Vec<_> = blocks.iter().map(|b| (b.lo, b.hi)).collect();
    SectionBlocks {
        groups: runs(&block_boxes),
        blocks,
    }
}

/// The straight-line distance from `p` to the box `lo..hi`, metres (0 inside it).
///
/// The larger of two numbers is taken by a comparison, not by `f64::max`, whose answer for a
/// NaN needs several more instructions (a tenth of the cost here, which the walks and the
/// carried bounds pay about 300,000 times on the README benchmark). The answer is the same:
/// `p` is a checked query point and the corners are finite or, for an empty index, infinite
/// the opposite way, so no difference is NaN.
pub(super) fn box_distance_m(lo: [f64; 3], hi: [f64; 3], p: [f64; 3]) -> f64 {
    let larger = |a: f64, b: f64| if a > b { a } else { b };
    let mut d2 = 0.0;
    for k in 0..3 {
        let out = larger(larger(lo[k] - p[k], p[k] - hi[k]), 0.0);
        d2 += out * out;
    }
    d2.sqrt()
}

/// What a heap entry is: the middle bits of its key, so that at an equal bound a group comes
/// before a block and a block before a section.
const GROUP: u128 = 0;
const BLOCK: u128 = 1;
const SECTION: u128 = 2;

/// A bound, a kind and an id packed so that their order is (bound, kind, id); the bound is not
/// negative (nor NaN), so its bits, a zero's made positive, order as its value.
fn key(bound_m: f64, kind: u128, id: u32) -> u128 {
    (u128::from((bound_m + 0.0).to_bits()) << 34) | (kind << 32) | u128::from(id)
}

fn key_bound_m(key: u128) -> f64 {
    f64::from_bits((key >> 34) as u64)
}

fn key_kind(key: u128) -> u128 {
    (key >> 32) & 3
}

fn key_id(key: u128) -> u32 {
    key as u32
}

/// The walk's buffer, reused from one query to the next on a thread.
#[derive(Debug, Default)]
pub(super) struct WalkBuffers {
    /// Groups and blocks not opened yet and sections not handed out yet, by key.
    heap: BinaryHeap<Reverse<u128>>,
}

/// The sections of `items` (grouped in `blocks`) in increasing order of their lower bound at
/// `p3`, those within `max_m` only; see the [module documentation](self).
pub(super) struct SectionWalk<'a> {
    items: &'a [TreeSection],
    blocks: &'a SectionBlocks,
    p3: [f64; 3],
    max_m: f64,
    buffers: &'a mut WalkBuffers,
}

impl<'a> SectionWalk<'a> {
    /// A walk from the least lower bound at `p3`, among the sections whose lower bound is at most
    /// `max_m` (no later limit may exceed it).
    pub(super) fn start(
        items: &'a [TreeSection],
        blocks: &'a SectionBlocks,
        p3: [f64; 3],
        max_m: f64,
        buffers: &'a mut WalkBuffers,
    ) -> SectionWalk<'a> {
        buffers.heap.clear();
        let mut walk = SectionWalk {
            items,
            blocks,
            p3,
            max_m,
            buffers,
        };
        // The first least entry is always a group (the heap holds nothing else), so the walk's
        // first step would pop the least group and open it: it is opened here without being
        // pushed, and the heap then holds what it would hold after that step.
        //
        // A lone group (an index of at most 64 sections, as most imprecise segments' are) is
        // opened without its bound: when that exceeds the walk's distance, so does each of its
        // blocks' (their boxes lie in its box, so none is nearer), none enters the heap, and
        // the walk is empty as it would be.
        if blocks.groups.len() == 1 {
            walk.open(key(0.0, GROUP, 0));
            return walk;
        }
        let mut least: Option<u128> = None;
        for (k, g) in blocks.groups.iter().enumerate() {
            let bound_m = (box_distance_m(g.lo, g.hi, p3) - BLOCK_SLACK_M).max(0.0);
            if bound_m <= max_m {
                let entry = key(bound_m, GROUP, u32::try_from(k).unwrap_or(u32::MAX));
                match least {
                    Some(l) if l < entry => walk.buffers.heap.push(Reverse(entry)),
                    Some(l) => {
                        walk.buffers.heap.push(Reverse(l));
                        least = Some(entry);
                    }
                    None => least = Some(entry),
                }
            }
        }
        if let Some(l) = least {
            walk.open(l);
        }
        walk
    }

    /// Puts `runs[range]` (groups or blocks, as `kind` says) in the heap, those whose bound is
    /// within the walk's distance.
    fn push_runs(&mut self, runs: &[SectionBlock], range: std::ops::Range<usize>, kind: u128) {
        let first = range.start;
        for (k, b) in runs.get(range).unwrap_or(&[]).iter().enumerate() {
            let bound_m = (box_distance_m(b.lo, b.hi, self.p3) - BLOCK_SLACK_M).max(0.0);
            if bound_m <= self.max_m {
                let id = u32::try_from(first + k).unwrap_or(u32::MAX);
                self.buffers.heap.push(Reverse(key(bound_m, kind, id)));
            }
        }
    }

    /// Opens the group or block of `entry`: puts its blocks or sections in the heap.
    fn open(&mut self, entry: u128) {
        let id = key_id(entry) as usize;
        if key_kind(entry) == GROUP {
            if let Some(g) = self.blocks.groups.get(id) {
                let range = g.start as usize..g.end as usize;
                self.push_runs(&self.blocks.blocks, range, BLOCK);
            }
            return;
        }
        let Some(b) = self.blocks.blocks.get(id) else {
            return;
        };
        let run = self
            .items
            .get(b.start as usize..b.end as usize)
            .unwrap_or(&[]);
        for t in run {
            let lower_bound_m = t.chord.lower_bound_m(self.p3);
            if lower_bound_m <= self.max_m {
                self.buffers
                    .heap
                    .push(Reverse(key(lower_bound_m, SECTION, t.id)));
            }
        }
    }

    /// The least key of a section not handed out yet whose lower bound is at most `limit_m`,
    /// once every block that may hold a lesser one is opened.
    fn least(&mut self, limit_m: f64) -> Option<u128> {
        loop {
            let least = self.buffers.heap.peek()?.0;
            if key_bound_m(least) > limit_m {
                return None;
            }
            if key_kind(least) == SECTION {
                return Some(least);
            }
            self.buffers.heap.pop();
            self.open(least);
        }
    }

    /// The least lower bound of the sections not handed out yet, when it is at most `limit_m`.
    pub(super) fn least_bound_m(&mut self, limit_m: f64) -> Option<f64> {
        self.least(limit_m).map(key_bound_m)
    }

    /// The next section, with its lower bound, when that bound is at most `limit_m`.
    pub(super) fn next(&mut self, limit_m: f64) -> Option<(&'a TreeSection, f64)> {
        let least = self.least(limit_m)?;
        self.buffers.heap.pop();
        let t = self.items.get(key_id(least) as usize)?;
        Some((t, key_bound_m(least)))
    }
}

#[cfg(test)]
mod tests {
    use geo_types::{line_string, LineString, Point};
    use proptest::prelude::*;

    use super::*;
    use crate::spatial::closest_point::with_scratch;
    use crate::spatial::edge_section::margin_m;
    use crate::spatial::line_index::LineIndex;
    use crate::spatial::query_point::Query;

    fn lines() -> Vec<LineString<f64>> {
        vec![
            line_string![
                (x: 66.0, y: 40.0), (x: 66.3, y: 40.4), (x: 66.1, y: 41.0),
                (x: 67.5, y: 41.2), (x: 69.0, y: 43.0), (x: 70.0, y: 42.5),
            ],
            line_string![(x: 72.0, y: 37.0), (x: 72.01, y: 37.02), (x: 74.0, y: 39.5)],
            line_string![(x: 68.0, y: 39.0), (x: 68.0, y: 39.0), (x: 68.02, y: 39.01)],
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1_000))]

        /// The walk hands out exactly the sections whose lower bound is within its distance, in
        /// increasing order of (lower bound, id): the order of sorting every section's bound,
        /// for an index of several groups and for one of a lone group (opened without its
        /// bound), near it and far from it.
        #[test]
        fn the_walk_is_every_section_within_in_order(
            lon in 60.0..75.0f64,
            lat in 35.0..48.0f64,
            max_m in prop_oneof![0.0..5_000.0f64, 0.0..300_000.0f64, Just(f64::INFINITY)],
            lone_group in any::<bool>(),
        ) {
            let lines = if lone_group {
                // About 25 sections: one group.
                vec![
                    line_string![(x: 66.0, y: 40.0), (x: 66.3, y: 40.4), (x: 66.1, y: 41.0)],
                    line_string![(x: 68.0, y: 39.0), (x: 68.0, y: 39.0), (x: 68.02, y: 39.01)],
                ]
            } else {
                lines()
            };
            let index = LineIndex::new(&lines).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(index.blocks.groups.len() == 1, lone_group);
            let q = Query::of(Point::new(lon, lat)).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut want: Vec<(f64, u32)> = index
                .items
                .iter()
                .map(|t| (t.chord.lower_bound_m(q.p3), t.id))
                .filter(|&(b, _)| b <= max_m)
                .collect();
            want.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut buffers = WalkBuffers::default();
            let mut walk = SectionWalk::start(&index.items, &index.blocks, q.p3, max_m, &mut buffers);
            prop_assert_eq!(walk.least_bound_m(max_m), want.first().map(|w| w.0));
            let mut got = Vec::new();
            while let Some((t, b)) = walk.next(max_m) {
                got.push((b, t.id));
            }
            prop_assert_eq!(got, want);
        }

        /// The best-first search over the walk finds what the same search over the R-tree's
        /// nearest-neighbour order finds, whatever lines it accepts.
        #[test]
        fn the_walk_s_search_is_the_tree_s(
            lon in 60.0..75.0f64,
            lat in 35.0..48.0f64,
            max_m in prop_oneof![0.0..5_000.0f64, 0.0..300_000.0f64, Just(f64::INFINITY)],
            accepted in 0usize..8,
            extra_m in prop_oneof![0.0..1.0f64, 0.0..50_000.0f64],
        ) {
            let index = LineIndex::new(&lines()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let q = Query::of(Point::new(lon, lat)).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let accept = |line: usize| accepted & (1 << line) != 0;
            let got = index
                .nearest_accepted(&q, max_m, accept)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            // The search as it was made over the tree.
            let want = with_scratch(|s| {
                s.candidates.clear();
                s.solved.clear();
                let mut best_m = f64::INFINITY;
                for (t, _) in index.tree().nearest_neighbor_iter_with_distance_2(&q.p3) {
                    let lower_bound_m = t.chord.lower_bound_m(q.p3);
                    if lower_bound_m > max_m || lower_bound_m > best_m + margin_m(best_m) {
                        break;
                    }
                    if !accept(t.line as usize) {
                        continue;
                    }
                    if let Some(c) = index.closest_candidate(t.id, lower_bound_m, &q, &mut s.solved) {
                        best_m = best_m.min(c.distance_m());
                        s.candidates.push(c);
                    }
                }
                index.exact_best(&mut s.candidates, &q).filter(|m| m.distance_m <= max_m)
            });
            prop_assert_eq!(format!("{got:?}"), format!("{want:?}"));
            let near = index.nearest_if_within(&q, max_m, f64::INFINITY, accept, |_| true);
            let least = index.items.iter().map(|t| t.chord.lower_bound_m(q.p3)).fold(f64::INFINITY, f64::min);
            prop_assert_eq!(near.map(|n| n.0), (least <= max_m).then_some(least));
            prop_assert_eq!(format!("{:?}", near.and_then(|n| n.1)), format!("{want:?}"));
            // Knowing an upper bound of the nearest line's distance (the exact distance, or more)
            // changes neither answer.
            let every = index
                .nearest_if_within(&q, max_m, f64::INFINITY, |_| true, |_| true);
            let exact_m = index
                .nearest(Point::new(lon, lat))
                .map_err(|e| TestCaseError::fail(e.to_string()))?
                .map_or(f64::INFINITY, |m| m.distance_m);
            for known_m in [exact_m, exact_m + extra_m] {
                let known = index.nearest_if_within(&q, max_m, known_m, |_| true, |_| true);
                prop_assert_eq!(format!("{known:?}"), format!("{every:?}"));
            }
        }
    }
}
