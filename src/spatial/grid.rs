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

use std::ops::Range;

use hashbrown::HashMap;

/// Side of a cell, in metres.
pub(crate) const CELL_M: f64 = 16_000.0;

/// Bits per axis in a cell key: cell coordinates are offset by `2^(BITS-1)`, which covers
/// ±16,000 km at 16 km cells (the Earth is 6,400 km in radius).
const BITS: u32 = 21;
const OFFSET: i64 = 1 << (BITS - 1);

/// The cell holding a coordinate, per axis, offset to be positive. Any non-decreasing
/// function of the coordinate keeps the grid exact (a box's cells then hold every point of the
/// box); this one avoids a call to `floor`: the offset makes the value positive, where the
/// cast truncates down. Coordinates within ±16,000 km stay in range.
fn cell(x: f64) -> i64 {
    (x * (1.0 / CELL_M) + OFFSET as f64) as i64
}

fn key(c: [i64; 3]) -> u64 {
    let part = |v: i64| (v as u64) & ((1 << BITS) - 1);
    (part(c[0]) << (2 * BITS)) | (part(c[1]) << BITS) | part(c[2])
}

/// One box in one cell: its corners rounded outwards to `f32` (so that the filter stays
/// conservative) kept beside the id, so that a query scans one cell's entries in order.
#[derive(Clone, Copy, Debug)]
struct Entry {
    lo: [f32; 3],
    hi: [f32; 3],
    id: u32,
    /// Whether the box lies in this one cell only (then no other cell reports it).
    alone: bool,
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
    cells: HashMap<u64, Range<u32>, foldhash::fast::FixedState>,
    entries: Vec<Entry>,
}

impl Grid {
    /// Buckets boxes (`lo`, `hi` corners, by id) into every cell they meet.
    pub fn new(boxes: impl Iterator<Item = ([f64; 3], [f64; 3])>) -> Grid {
        let mut all: Vec<(u64, Entry)> = Vec::new();
        for (id, (lo, hi)) in boxes.enumerate() {
            let (lo, hi, a, b) = rounded(lo, hi);
            let e = Entry {
                lo,
                hi,
                id: u32::try_from(id).unwrap_or(u32::MAX),
                alone: a == b,
            };
            for i in a[0]..=b[0] {
                for j in a[1]..=b[1] {
                    for k in a[2]..=b[2] {
                        all.push((key([i, j, k]), e));
                    }
                }
            }
        }
        all.sort_unstable_by_key(|(k, e)| (*k, e.id));
        let mut cells = HashMap::with_hasher(foldhash::fast::FixedState::default());
        let mut entries = Vec::with_capacity(all.len());
        for group in all.chunk_by(|x, y| x.0 == y.0) {
            let start = u32::try_from(entries.len()).unwrap_or(u32::MAX);
            entries.extend(group.iter().map(|e| e.1));
            let end = u32::try_from(entries.len()).unwrap_or(u32::MAX);
            if let Some(first) = group.first() {
                cells.insert(first.0, start..end);
            }
        }
        Grid { cells, entries }
    }

    /// Calls `f(id)` once for every box that meets the query box `lo..hi` (both are compared
    /// with their corners rounded outwards to `f32`, by less than 1.5 m each, so a few boxes
    /// that miss it by less than 3 m may be reported too); a box in several cells is reported
    /// from one cell only (the cell holding the lower corner of its intersection with the
    /// rounded query box).
    pub fn query(&self, lo: [f64; 3], hi: [f64; 3], mut f: impl FnMut(u32)) {
        // The query box rounded outwards to `f32` too: compared with the entries' corners
        // without conversions, and still conservative.
        let (lo, hi, a, b) = rounded(lo, hi);
        for i in a[0]..=b[0] {
            for j in a[1]..=b[1] {
                for k in a[2]..=b[2] {
                    let Some(range) = self.cells.get(&key([i, j, k])) else {
                        continue;
                    };
                    let entries = self
                        .entries
                        .get(range.start as usize..range.end as usize)
                        .unwrap_or(&[]);
                    let here = [i, j, k];
                    for e in entries {
                        let meets = (0..3).all(|a| e.lo[a] <= hi[a] && lo[a] <= e.hi[a]);
                        if meets
                            && (e.alone
                                || (0..3).all(|a| cell(f64::from(e.lo[a].max(lo[a]))) == here[a]))
                        {
                            f(e.id);
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

    /// Every box meeting the query is reported exactly once, whatever the cells it spans (and
    /// boxes missing it by more than the `f32` rounding are not).
    #[test]
    fn reports_each_meeting_box_once() {
        let mut boxes = Vec::new();
        let mut s: u64 = 7;
        let mut next = || {
            s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..2_000 {
            let c = [
                6.0e6 + 100_000.0 * next(),
                -50_000.0 + 100_000.0 * next(),
                -50_000.0 + 100_000.0 * next(),
            ];
            let h = [30_000.0 * next(), 5_000.0 * next(), 100.0 * next()];
            boxes.push((
                [c[0] - h[0], c[1] - h[1], c[2] - h[2]],
                [c[0] + h[0], c[1] + h[1], c[2] + h[2]],
            ));
        }
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
}
