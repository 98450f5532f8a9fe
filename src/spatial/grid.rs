//! A hash grid of Earth-centred space: the sections whose bounding box meets each cube cell, for
//! range queries up to two cells wide (one to 125 lookups instead of a walk down the R-tree,
//! which then need not be built at all).
//!
//! # Measured gain
//! When the grid came in (`b545dfa`), a query within 5 km on the embedded dataset took about
//! 1,100 instructions instead of 1,900 through the R-tree, and `within(5 km)` per point 1.3 µs
//! instead of 1.9 µs (`cargo bench --bench locate`, one run each; README at `3394a95`). On the
//! README benchmark (1,000,000 incidents within 5 km) instructions per incident fell from
//! 12,400 to 11,500, 7% (callgrind; README at `368cd2f` and `3394a95`). Measured alone on the
//! code of `569c058` (callgrind, one worker thread, the first 50,000 incidents of that
//! benchmark, the same binary with the grid switched off): 6,560 instructions per incident
//! after start-up with the grid, 7,850 with the R-tree alone; the whole run 14% fewer
//! instructions (BENCHMARKS.md). The candidate search is bound more by dependent memory loads
//! than by instructions (a quarter of the run by `perf`, README at `15028de`); the history
//! holds no timing of the grid alone.
//!
//! Each cell's entries are kept in runs with a box each, and a query skips a run whose box it
//! misses; which cell reports a box in several cells is read from masks kept with the run.
//! On the README benchmark (callgrind, 100,000 rows, one thread, cells of 16 km) runs of eight
//! took the searches within reach from 191.2 M to 179.3 M instructions and the run from
//! 1,059.1 M to 1,048.7 M; runs of four gave 1,051.2 M, of sixteen 1,049.1 M. With cells of
//! 64 km, which hold longer stretches, runs of sixteen do better: 1,007.7 M against 1,008.8 M
//! (BENCHMARKS.md).
//!
//! A run's entries are stored axis by axis ([`RunEntries`]), so that a query tests all
//! sixteen with vector compares and no branch (one entry at a time, a branch per compare, the
//! entry scan was the top of the profile), and it tests them against the ball of its search
//! distance rather than the cube: the sections in the cube's corners are never read. With the
//! sections aligned to cache lines, on the README benchmark: 1,007.7 M instructions against
//! 995.9 M (callgrind, 100,000 rows, one thread; nearest matches: 2,857.9 M against
//! 2,807.9 M), and CPU on the 1,000,000 rows, two rounds of the two binaries alternating ten
//! times on the shared machine, 1,296–1,610 ms (medians 1,376 and 1,415 ms) against
//! 1,227–1,457 ms (medians 1,307 and 1,349 ms), about 5% less (`perf stat -e task-clock`;
//! BENCHMARKS.md). The boxes of a cell's runs are likewise stored axis by axis, eight runs
//! to a group, and tested with the same code: 994.5 M against 993.8 M instructions, nearest
//! matches 2,800.1 M against 2,778.4 M, CPU the same within noise (two rounds of ten runs:
//! medians 1,214 and 1,176 ms against 1,177 and 1,188 ms).

use std::ops::Range;

use hashbrown::HashMap;

/// Side of a cell, in metres. Cells of 16 km made a query within 5 km look up four or five
/// cells; at 64 km it looks up one or two, and the runs (below) skip most of the longer
/// stretches of line each cell holds: on the README benchmark (callgrind, 100,000 rows)
/// 1,025.1 M instructions at 16 km, 1,014.5 M at 32 km, 1,011.7 M at 64 km, and for nearest
/// matches 2,937.8 M, 2,880.7 M and 2,849.1 M (BENCHMARKS.md).
pub(crate) const CELL_M: f64 = 64_000.0;

/// Bits per axis in a cell key: cell coordinates are offset by `2^(BITS-1)`, which covers
/// ±67,000 km at 64 km cells (the Earth is 6,400 km in radius).
const BITS: u32 = 21;
const OFFSET: i64 = 1 << (BITS - 1);

/// The cell holding a coordinate, per axis, offset to be positive. Any non-decreasing
/// function of the coordinate keeps the grid exact (a box's cells then hold every point of the
/// box); this one avoids a call to `floor`: the offset makes the value positive, where the
/// cast truncates down. Coordinates within ±67,000 km stay in range.
fn cell(x: f64) -> i64 {
    (x * (1.0 / CELL_M) + OFFSET as f64) as i64
}

fn key(c: [i64; 3]) -> u64 {
    let part = |v: i64| (v as u64) & ((1 << BITS) - 1);
    (part(c[0]) << (2 * BITS)) | (part(c[1]) << BITS) | part(c[2])
}

/// One box in one cell, while the grid is built: its corners rounded outwards to `f32` (so
/// that the filter stays conservative) and its id.
#[derive(Clone, Copy, Debug)]
struct Entry {
    lo: [f32; 3],
    hi: [f32; 3],
    id: u32,
    /// Bit `a` is set when the box's lower corner lies in this cell along axis `a` (all
    /// three: the box starts in this cell; with its upper corner there too, no other cell
    /// lists it).
    starts_here: u8,
}

/// All three bits of [`Entry::starts_here`].
const STARTS_HERE: u8 = 0b111;

/// Entries in a run. A cell's entries are in id order, and consecutive sections follow their
/// line, so a run is a short stretch of line, most of which a query box misses.
const RUN: usize = 16;

/// Runs in a group: the boxes of a cell's runs are tested eight at a time, as the entries of a
/// run are sixteen at a time.
const RUN_GROUP: usize = 8;

/// `N` boxes axis by axis (box `k` is lane `k` of every array), so that a test of all of them
/// compiles to vector compares with no branch. Lanes not in use hold an empty box
/// (`+∞..−∞`), which no test picks.
#[derive(Clone, Copy, Debug)]
#[repr(align(64))]
struct LaneBoxes<const N: usize> {
    /// Lower corners: `lo[a][k]` is box `k`'s along axis `a`.
    lo: [[f32; N]; 3],
    /// Upper corners, likewise.
    hi: [[f32; N]; 3],
}

impl<const N: usize> LaneBoxes<N> {
    fn empty() -> Self {
        LaneBoxes {
            lo: [[f32::INFINITY; N]; 3],
            hi: [[f32::NEG_INFINITY; N]; 3],
        }
    }

    fn set(&mut self, lane: usize, lo: [f32; 3], hi: [f32; 3]) {
        for a in 0..3 {
            if let (Some(l), Some(h)) = (self.lo[a].get_mut(lane), self.hi[a].get_mut(lane)) {
                (*l, *h) = (lo[a], hi[a]);
            }
        }
    }
}

/// A test of boxes in lanes: the lanes it picks, as bits (`N` is at most 32).
trait LaneTest {
    fn picks<const N: usize>(&self, boxes: &LaneBoxes<N>) -> u32;
}

/// The boxes that meet the box `lo..hi`.
#[cfg(test)]
struct Meets {
    lo: [f32; 3],
    hi: [f32; 3],
}

#[cfg(test)]
impl LaneTest for Meets {
    /// Written without branches (every comparison of every lane, combined with `&`), so
    /// that the compiler tests four lanes per instruction.
    fn picks<const N: usize>(&self, boxes: &LaneBoxes<N>) -> u32 {
        let (b, q) = (boxes, self);
        let mut lanes = 0;
        for k in 0..N {
            let meets = (b.lo[0][k] <= q.hi[0])
                & (q.lo[0] <= b.hi[0][k])
                & (b.lo[1][k] <= q.hi[1])
                & (q.lo[1] <= b.hi[1][k])
                & (b.lo[2][k] <= q.hi[2])
                & (q.lo[2] <= b.hi[2][k]);
            lanes |= u32::from(meets) << k;
        }
        lanes
    }
}

/// The boxes within `reach2.sqrt()` of `centre`, computed in `f32`.
struct Within {
    centre: [f32; 3],
    reach2: f32,
}

impl LaneTest for Within {
    /// Written without branches, like [`Meets`].
    #[inline]
    fn picks<const N: usize>(&self, boxes: &LaneBoxes<N>) -> u32 {
        // `max` with no NaN handling, which the compiler maps to one instruction; no NaN
        // arises (the corners of empty lanes are infinite, the centre is finite).
        let larger = |x: f32, y: f32| if x > y { x } else { y };
        let mut lanes = 0;
        for k in 0..N {
            let mut d2 = 0.0;
            for ((lo, hi), &centre) in boxes.lo.iter().zip(&boxes.hi).zip(&self.centre) {
                let d = larger(larger(lo[k] - centre, centre - hi[k]), 0.0);
                d2 += d * d;
            }
            lanes |= u32::from(d2 <= self.reach2) << k;
        }
        lanes
    }
}

/// The entries of one run: their boxes by lane, ids, and which of them a cell reports. Lanes
/// past the run's end hold an empty box and are never reported.
#[derive(Clone, Copy, Debug)]
struct RunEntries {
    boxes: LaneBoxes<RUN>,
    ids: [u32; RUN],
    /// For each value of the query's own starts-here bits (as in [`Entry::starts_here`]), the
    /// lanes whose box is reported from this cell: those whose starts-here bits and the
    /// query's make [`STARTS_HERE`] together.
    reported_here: [u16; 8],
}

impl RunEntries {
    fn new(run: impl Iterator<Item = Entry>) -> RunEntries {
        let mut entries = RunEntries {
            boxes: LaneBoxes::empty(),
            ids: [u32::MAX; RUN],
            reported_here: [0; 8],
        };
        for (lane, e) in run.take(RUN).enumerate() {
            entries.boxes.set(lane, e.lo, e.hi);
            entries.ids[lane] = e.id;
            for (query_starts_here, lanes) in (0u8..).zip(entries.reported_here.iter_mut()) {
                if e.starts_here | query_starts_here == STARTS_HERE {
                    *lanes |= 1 << lane;
                }
            }
        }
        entries
    }
}

/// A cell's runs: `run_entries[runs]`, their boxes from `run_groups[first_group]` on.
#[derive(Clone, Debug)]
struct CellRuns {
    runs: Range<u32>,
    first_group: u32,
}

/// `x` as an `f32` no greater (`down`) or no less than it: moved by a metre first, more than
/// the `f32` rounding error (half of 0.5 m) of any coordinate within 8,000 km of the centre.
fn round_f32(x: f64, down: bool) -> f32 {
    if down {
        (x - 1.0) as f32
    } else {
        (x + 1.0) as f32
    }
}

/// A box with its corners rounded outwards to `f32`, and the cells of those corners.
#[allow(clippy::type_complexity)]
#[inline]
fn rounded(lo: [f64; 3], hi: [f64; 3]) -> ([f32; 3], [f32; 3], [i64; 3], [i64; 3]) {
    let (lo, hi) = (
        lo.map(|x| round_f32(x, true)),
        hi.map(|x| round_f32(x, false)),
    );
    let (a, b) = (
        lo.map(|x| cell(f64::from(x))),
        hi.map(|x| cell(f64::from(x))),
    );
    (lo, hi, a, b)
}

/// Boxes by cell.
#[derive(Clone, Debug, Default)]
pub(crate) struct Grid {
    /// Each cell's runs.
    cells: HashMap<u64, CellRuns, foldhash::fast::FixedState>,
    /// The boxes of each cell's runs, by groups of [`RUN_GROUP`] (a cell's last group padded
    /// with empty boxes).
    run_groups: Vec<LaneBoxes<RUN_GROUP>>,
    run_entries: Vec<RunEntries>,
}

impl Grid {
    /// Buckets boxes (`lo`, `hi` corners, by id) into every cell they meet.
    pub fn new(boxes: impl Iterator<Item = ([f64; 3], [f64; 3])>) -> Grid {
        let mut all: Vec<(u64, Entry)> = Vec::new();
        for (id, (lo, hi)) in boxes.enumerate() {
            let (lo, hi, a, b) = rounded(lo, hi);
            let id = u32::try_from(id).unwrap_or(u32::MAX);
            for i in a[0]..=b[0] {
                for j in a[1]..=b[1] {
                    for k in a[2]..=b[2] {
                        let starts_here = u8::from(i == a[0])
                            | (u8::from(j == a[1]) << 1)
                            | (u8::from(k == a[2]) << 2);
                        let e = Entry {
                            lo,
                            hi,
                            id,
                            starts_here,
                        };
                        all.push((key([i, j, k]), e));
                    }
                }
            }
        }
        all.sort_unstable_by_key(|(k, e)| (*k, e.id));
        let mut cells = HashMap::with_hasher(foldhash::fast::FixedState::default());
        let mut run_groups: Vec<LaneBoxes<RUN_GROUP>> = Vec::new();
        let mut run_entries = Vec::new();
        let index = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        for group in all.chunk_by(|x, y| x.0 == y.0) {
            let first_run = index(run_entries.len());
            let first_group = index(run_groups.len());
            for (r, run) in group.chunks(RUN).enumerate() {
                let (lo, hi) = run.iter().fold(
                    ([f32::INFINITY; 3], [f32::NEG_INFINITY; 3]),
                    |(lo, hi), (_, e)| {
                        (
                            [0, 1, 2].map(|a| lo[a].min(e.lo[a])),
                            [0, 1, 2].map(|a| hi[a].max(e.hi[a])),
                        )
                    },
                );
                run_entries.push(RunEntries::new(run.iter().map(|e| e.1)));
                if r % RUN_GROUP == 0 {
                    run_groups.push(LaneBoxes::empty());
                }
                if let Some(boxes) = run_groups.last_mut() {
                    boxes.set(r % RUN_GROUP, lo, hi);
                }
            }
            if let Some(first) = group.first() {
                let runs = first_run..index(run_entries.len());
                cells.insert(first.0, CellRuns { runs, first_group });
            }
        }
        Grid {
            cells,
            run_groups,
            run_entries,
        }
    }

    /// Calls `f(id)` once for every box that meets the query box `lo..hi` (both are compared
    /// with their corners rounded outwards to `f32`, by less than 1.5 m each, so a few boxes
    /// that miss it by less than 3 m may be reported too), in the order of [`Grid::scan`].
    /// The tests' reference for [`Grid::query_near`].
    #[cfg(test)]
    pub fn query(&self, lo: [f64; 3], hi: [f64; 3], f: impl FnMut(u32)) {
        let meets = Meets {
            lo: lo.map(|x| round_f32(x, true)),
            hi: hi.map(|x| round_f32(x, false)),
        };
        self.scan(lo, hi, &meets, f);
    }

    /// Calls `f(id)` once for every box within `reach_m` of `centre`, in the order of
    /// [`Grid::scan`] over the cube `centre ± reach_m` (a few boxes up to 5 m further may be
    /// reported too, once each: the boxes are rounded outwards by up to 1.25 m along each
    /// axis, and the distance is compared with some slack).
    ///
    /// A box within `reach_m` meets the cube, so it is reported once (see [`Grid::scan`]).
    /// The distance is computed in `f32` from the centre rounded to `f32` (within 0.5 m:
    /// coordinates are under 8,400 km) to the box rounded outwards, the differences exact or
    /// nearly (the values are close), and compared with `reach_m + 2` squared, made larger by
    /// a relative `1e-5` (more than the rounding of the squares and sums). Testing the ball
    /// rather than the cube spares the caller the boxes in the cube's corners (`reach_m` is
    /// its search distance): on the README benchmark 3% of the boxes reported then lie beyond
    /// the search distance (by their lower bound).
    #[inline]
    pub fn query_near(&self, centre: [f64; 3], reach_m: f64, f: impl FnMut(u32)) {
        let lo = centre.map(|x| x - reach_m);
        let hi = centre.map(|x| x + reach_m);
        let slack_m = reach_m + 2.0;
        let within = Within {
            centre: centre.map(|x| x as f32),
            reach2: (slack_m * slack_m * (1.0 + 1e-5)) as f32,
        };
        self.scan(lo, hi, &within, f);
    }

    /// Calls `f(id)` for the boxes in the cells of the query box `lo..hi` that `select` picks,
    /// in the order of the cells (by axis `x`, then `y`, then `z`), then of the ids in each
    /// cell. A box in several cells that meets the query box is reported from one cell only:
    /// the cell holding the lower corner of its intersection with the query box rounded
    /// outwards to `f32`. `select` must pick a box whenever it picks a box inside it.
    ///
    /// The boxes of a cell's runs are tested first, eight at a time: a run whose box `select`
    /// does not pick holds no box it picks, and is skipped. The cell of the intersection's
    /// lower corner is, along each axis, the later of the cells of the box's lower corner and
    /// of the query's (the cell of a coordinate never decreases with it), so it is this cell
    /// when the box starts in this cell along the axis or the
    /// query does: [`RunEntries::reported_here`] for the query's first cell says it without
    /// computing either cell again. A box that `select` picks but that misses the query box is
    /// still reported at most once: along each axis, only the later of the two first cells
    /// can report it. (On the README benchmark, 20,000 queries within 5.1 km, a query looks up
    /// 1.2 cells holding entries, which hold 6.3 runs, tests the entries of 1.3 of them and
    /// reports 5.2 boxes; counted before the runs' boxes were grouped, when they were tested
    /// against the cube.)
    #[inline]
    fn scan(&self, lo: [f64; 3], hi: [f64; 3], select: &impl LaneTest, mut f: impl FnMut(u32)) {
        // The cells of the query box rounded outwards to `f32`, as the entries' boxes were.
        let (_, _, a, b) = rounded(lo, hi);
        for i in a[0]..=b[0] {
            for j in a[1]..=b[1] {
                for k in a[2]..=b[2] {
                    let Some(cell) = self.cells.get(&key([i, j, k])) else {
                        continue;
                    };
                    let groups = cell.runs.len().div_ceil(RUN_GROUP);
                    let first_group = cell.first_group as usize;
                    let run_groups = self
                        .run_groups
                        .get(first_group..first_group + groups)
                        .unwrap_or(&[]);
                    // The axes along which the query starts in this cell.
                    let query_starts_here = usize::from(i == a[0])
                        | (usize::from(j == a[1]) << 1)
                        | (usize::from(k == a[2]) << 2);
                    for (g, boxes) in (0..).step_by(RUN_GROUP).zip(run_groups) {
                        let mut runs = select.picks(boxes);
                        while runs != 0 {
                            let run = cell.runs.start + g + runs.trailing_zeros();
                            runs &= runs - 1;
                            let Some(entries) = self.run_entries.get(run as usize) else {
                                continue;
                            };
                            let mut lanes = select.picks(&entries.boxes)
                                & u32::from(entries.reported_here[query_starts_here & 7]);
                            while lanes != 0 {
                                let lane = lanes.trailing_zeros() as usize;
                                lanes &= lanes - 1;
                                if let Some(&id) = entries.ids.get(lane) {
                                    f(id);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the boxes `lo..hi` and `qlo..qhi` meet.
    fn meets(lo: &[f32; 3], hi: &[f32; 3], qlo: &[f32; 3], qhi: &[f32; 3]) -> bool {
        (0..3).all(|a| lo[a] <= qhi[a] && qlo[a] <= hi[a])
    }

    /// Boxes along a wandering line (consecutive ids, as sections are), so that most runs
    /// lie wholly outside a query box and are skipped: exactly the boxes a scan of every box
    /// finds meeting the rounded query are reported, once each, in the order of the cells and
    /// of the ids within each.
    /// 2,000 boxes, each centred within 100 km of `origin` (each axis from it upwards) with
    /// half-sides up to `halves`, drawn from `next` (a number in [0, 1) at each call).
    fn random_boxes(
        next: &mut impl FnMut() -> f64,
        origin: [f64; 3],
        halves: [f64; 3],
    ) -> Vec<([f64; 3], [f64; 3])> {
        (0..2_000)
            .map(|_| {
                let c = origin.map(|o| o + 100_000.0 * next());
                let h = halves.map(|h| h * next());
                (
                    [c[0] - h[0], c[1] - h[1], c[2] - h[2]],
                    [c[0] + h[0], c[1] + h[1], c[2] + h[2]],
                )
            })
            .collect()
    }

    #[test]
    fn skipped_runs_hide_no_box() {
        let mut s: u64 = 11;
        let mut next = || {
            s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut boxes = Vec::new();
        let mut at = [6.0e6, 0.0, 0.0];
        for _ in 0..3_000 {
            let step = [0, 1, 2].map(|_| 4_000.0 * (next() - 0.5));
            let to = [0, 1, 2].map(|a| at[a] + step[a]);
            boxes.push((
                [0, 1, 2].map(|a| at[a].min(to[a]) - 0.5),
                [0, 1, 2].map(|a| at[a].max(to[a]) + 0.5),
            ));
            at = to;
        }
        let grid = Grid::new(boxes.iter().copied());
        for q in 0..400 {
            let (c, _) = boxes[(q * 7) % boxes.len()];
            let p = [0, 1, 2].map(|a| c[a] + 20_000.0 * (next() - 0.5));
            let r = 12_000.0 * next();
            let (lo, hi) = ([0, 1, 2].map(|a| p[a] - r), [0, 1, 2].map(|a| p[a] + r));
            let mut got = Vec::new();
            grid.query(lo, hi, |id| got.push(id));
            let (qlo, qhi, _, _) = rounded(lo, hi);
            let mut want: Vec<u32> = boxes
                .iter()
                .enumerate()
                .filter(|(_, (blo, bhi))| {
                    let (blo, bhi, _, _) = rounded(*blo, *bhi);
                    meets(&blo, &bhi, &qlo, &qhi)
                })
                .map(|(id, _)| id as u32)
                .collect();
            let mut sorted = got.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, want, "query {q}");
            // In the order of the cells visited, then of the ids in each cell.
            want.sort_by_key(|&id| {
                let (blo, _) = boxes[id as usize];
                let (blo, _, _, _) = rounded(blo, blo);
                let corner = [0, 1, 2].map(|a| cell(f64::from(blo[a].max(qlo[a]))));
                (corner, id)
            });
            assert_eq!(got, want, "query {q}: order");
        }
    }

    /// Every box meeting the query is reported exactly once, whatever the cells it spans (and
    /// boxes missing it by more than the `f32` rounding are not).
    #[test]
    fn reports_each_meeting_box_once() {
        let mut s: u64 = 7;
        let mut next = || {
            s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let boxes = random_boxes(
            &mut next,
            [6.0e6, -50_000.0, -50_000.0],
            [30_000.0, 5_000.0, 100.0],
        );
        let grid = Grid::new(boxes.iter().copied());
        for _ in 0..300 {
            let p = [
                6.0e6 + 100_000.0 * next(),
                -50_000.0 + 100_000.0 * next(),
                -50_000.0 + 100_000.0 * next(),
            ];
            let r = 20_000.0 * next();
            let (lo, hi) = (
                [p[0] - r, p[1] - r, p[2] - r],
                [p[0] + r, p[1] + r, p[2] + r],
            );
            let mut got = Vec::new();
            grid.query(lo, hi, |id| got.push(id));
            got.sort_unstable();
            let mut sorted = got.clone();
            sorted.dedup();
            assert_eq!(got, sorted, "a box reported twice");
            let meets = |(blo, bhi): &([f64; 3], [f64; 3]), slack: f64| {
                (0..3).all(|a| blo[a] - slack <= hi[a] && lo[a] <= bhi[a] + slack)
            };
            for (id, b) in boxes.iter().enumerate() {
                let reported = got.contains(&(id as u32));
                if meets(b, 0.0) {
                    assert!(reported, "box {id} meets the query but was not reported");
                } else if !meets(b, 3.0) {
                    assert!(!reported, "box {id} misses the query but was reported");
                }
            }
        }
    }

    /// Every box within the reach of the centre is reported, exactly once, and no box more
    /// than 5 m beyond it; the boxes come in the order of the cube query.
    #[test]
    fn query_near_reports_the_boxes_within_reach_once() {
        let mut s: u64 = 5;
        let mut next = || {
            s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let boxes = random_boxes(
            &mut next,
            [-4.0e6, 3.0e6, -50_000.0],
            [20_000.0, 5_000.0, 1_000.0],
        );
        let grid = Grid::new(boxes.iter().copied());
        let (mut inside, mut outside) = (0, 0);
        for _ in 0..300 {
            let p = [
                -4.0e6 + 100_000.0 * next(),
                3.0e6 + 100_000.0 * next(),
                -50_000.0 + 100_000.0 * next(),
            ];
            let reach_m = 25_000.0 * next();
            let mut got = Vec::new();
            grid.query_near(p, reach_m, |id| got.push(id));
            // In the order of the cells visited, then of the ids in each cell.
            let (qlo, _, _, _) = rounded(p.map(|x| x - reach_m), p);
            let order = |&id: &u32| {
                let (blo, _) = boxes[id as usize];
                let (blo, _, _, _) = rounded(blo, blo);
                let corner = [0, 1, 2].map(|a| cell(f64::from(blo[a].max(qlo[a]))));
                (corner, id)
            };
            assert!(got.is_sorted_by_key(order), "order");
            for (id, (lo, hi)) in boxes.iter().enumerate() {
                let d2: f64 = (0..3)
                    .map(|a| (lo[a] - p[a]).max(p[a] - hi[a]).max(0.0).powi(2))
                    .sum();
                let reported = got.iter().filter(|&&g| g == id as u32).count();
                if d2.sqrt() <= reach_m {
                    inside += 1;
                    assert_eq!(reported, 1, "box {id}, within reach");
                } else if d2.sqrt() > reach_m + 5.0 {
                    outside += 1;
                    assert_eq!(reported, 0, "box {id}, beyond reach");
                } else {
                    assert!(reported <= 1, "box {id} reported twice");
                }
            }
        }
        assert!(inside > 1_000 && outside > 100_000, "{inside} {outside}");
    }
}
