//! From the sections in range of a query point to the exact closest point of each line:
//! steps 4 to 6 of the [module documentation](super) and the exact solution of the best
//! candidates (its "Exact distance to an edge" section).

use std::cell::RefCell;
use std::cmp::Ordering;

use geo_types::Point;
use rstar::AABB;

use super::ecef::{dot, north_east_of, rem_360, surface_frame};
use super::edge::{settled, solve, Foot};
use super::edge_section::{margin_m, NEAR_M};
use super::foot_correction;
use super::grid::CELL_M;
use super::line_index::{EdgeInfo, LineIndex, TreeSection};
use super::query_point::Query;
use super::section_blocks::WalkBuffers;
use super::{LineMatch, Side, ON_LINE_M};

/// The greatest query distance (plus a metre) answered from the grid, metres: two cells, so
/// that the query cube spans at most five cells per axis (125 lookups). Beyond it the R-tree
/// answers, built on first use: that build cost 40.3 M instructions for the 35 segments of
/// the README benchmark's dataset. When cells grew from 16 km to 64 km, this reach grew with
/// them from 32 km to 128 km: nearest matches on the README benchmark's 100,000 rows (whose
/// rivals are searched within tens of kilometres) took 2,849.1 M instructions, against
/// 2,902.3 M with the reach kept at 32 km (BENCHMARKS.md).
const GRID_REACH_M: f64 = 2.0 * CELL_M;

/// A section whose lower bound is within the query distance: the line it belongs to, that lower
/// bound (metres) and the section's id, packed in one integer whose order is theirs (line, then
/// lower bound, then id), so that sorting compares one number. The bound is not negative (nor
/// NaN), so its bits, a zero's made positive, order as its value. Sorting the three as a tuple
/// cost 53 M of the 1,429 M instructions of the README benchmark (100,000 rows).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct SectionInRange(u128);

impl SectionInRange {
    fn new(line: u32, lower_bound_m: f64, id: u32) -> SectionInRange {
        let bound_bits = (lower_bound_m + 0.0).to_bits();
        SectionInRange((u128::from(line) << 96) | (u128::from(bound_bits) << 32) | u128::from(id))
    }

    fn line(self) -> usize {
        (self.0 >> 96) as usize
    }

    fn lower_bound_m(self) -> f64 {
        f64::from_bits((self.0 >> 32) as u64)
    }

    fn id(self) -> u32 {
        self.0 as u32
    }
}

/// Moves the least of `sections` to the front and returns it; `None` when there is none.
/// (Found by position, so that the line's sections after it need no test for being it.)
fn least_to_front(sections: &mut [SectionInRange]) -> Option<SectionInRange> {
    let mut at = 0;
    let mut least = *sections.first()?;
    for (k, &c) in sections.iter().enumerate().skip(1) {
        if c < least {
            (at, least) = (k, c);
        }
    }
    sections.swap(0, at);
    Some(least)
}

/// A candidate for the closest point of one line: estimated on a section, or solved exactly on
/// an edge.
#[derive(Clone, Copy, Debug)]
pub(super) enum ClosestCandidate {
    /// Estimated on section `section` at cubic parameter `t`.
    Estimated {
        distance_m: f64,
        section: u32,
        t: f64,
        foot: [f64; 3],
    },
    /// Solved exactly.
    Exact(LineMatch),
}

impl ClosestCandidate {
    pub(super) fn distance_m(&self) -> f64 {
        match self {
            ClosestCandidate::Estimated { distance_m, .. } => *distance_m,
            ClosestCandidate::Exact(m) => m.distance_m,
        }
    }
}

/// The candidates of one line: `candidates[range]`, with the least estimate among them.
#[derive(Clone, Debug)]
pub(super) struct LineCandidates {
    pub(super) line: usize,
    pub(super) best_m: f64,
    pub(super) range: std::ops::Range<usize>,
}

/// Buffers reused by every query on a thread: the sections in range, the candidates for each
/// line's closest point (grouped by line in `lines`), and the edges already solved exactly.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    pub(super) in_range: Vec<SectionInRange>,
    pub(super) candidates: Vec<ClosestCandidate>,
    pub(super) lines: Vec<LineCandidates>,
    pub(super) solved: Vec<u32>,
    pub(super) walk: WalkBuffers,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `f` with this thread's scratch buffers (fresh ones in a nested query).
pub(super) fn with_scratch<T>(f: impl FnOnce(&mut Scratch) -> T) -> T {
    crate::thread_buffers::with_thread_buffers(&SCRATCH, f)
}

impl LineIndex {
    /// Fills `s.lines` and `s.candidates` with the candidates of every accepted line with a
    /// section within `max_m` of `q` (steps 4 and 6 of the module documentation).
    pub(super) fn gather_candidates(
        &self,
        q: &Query,
        max_m: f64,
        mut accept: impl FnMut(usize) -> bool,
        s: &mut Scratch,
    ) {
        // Step 4 of the proof: the cube `p ± max_m` holds every chord within `max_m`.
        let r = max_m + 1.0;
        let p3 = q.p3;
        s.in_range.clear();
        s.candidates.clear();
        s.lines.clear();
        let mut consider = |t: &TreeSection| {
            let lower_bound_m = t.chord.lower_bound_m(p3);
            if lower_bound_m <= max_m {
                s.in_range
                    .push(SectionInRange::new(t.line, lower_bound_m, t.id));
            }
        };
        if r <= GRID_REACH_M {
            // At most five cells per axis: hash lookups instead of a walk down the tree (which
            // might have to be built first).
            let items = &self.items;
            self.grid.query_near(p3, r, |id| {
                if let Some(t) = items.get(id as usize) {
                    consider(t);
                }
            });
        } else {
            // The cube as the tree's box, made only here: `rstar` builds its corners through
            // closures that the compiler may leave out of line (six calls a row, 9 M
            // instructions of the README benchmark, BENCHMARKS.md).
            let query = AABB::from_corners(
                [p3[0] - r, p3[1] - r, p3[2] - r],
                [p3[0] + r, p3[1] + r, p3[2] + r],
            );
            for t in self.tree().locate_in_envelope_intersecting(&query) {
                consider(t);
            }
        }
        // Line by line, in increasing order, each line's sections in increasing order of lower
        // bound (then id), solved until one's bound exceeds the best estimate so far plus the
        // margin. Of the five or so sections in range a row, most lie beyond the first one's
        // estimate, so the least is solved first and only those within its estimate's reach
        // are sorted: the loop after it would stop at the first beyond that reach (its bound
        // only shrinks), so it solves the same sections in the same order. Sorting every
        // section in range cost 25 M instructions of the README benchmark (BENCHMARKS.md).
        let mut rest = &mut s.in_range[..];
        while let Some(least) = least_to_front(rest) {
            let line = least.line();
            // The line's other sections right after it (its least, at the front).
            let mut count = 1;
            for k in 1..rest.len() {
                if rest[k].line() == line {
                    if k != count {
                        rest.swap(count, k);
                    }
                    count += 1;
                }
            }
            let (of_line, after) = std::mem::take(&mut rest).split_at_mut(count);
            rest = after;
            if !accept(line) {
                continue;
            }
            let start = s.candidates.len();
            s.solved.clear();
            let mut best_m = f64::INFINITY;
            if let Some(k) =
                self.closest_candidate(least.id(), least.lower_bound_m(), q, &mut s.solved)
            {
                best_m = k.distance_m();
                s.candidates.push(k);
            }
            let reach_m = best_m + margin_m(best_m);
            let mut within = 1;
            for k in 1..of_line.len() {
                if of_line[k].lower_bound_m() <= reach_m {
                    of_line.swap(within, k);
                    within += 1;
                }
            }
            let next = &mut of_line[1..within];
            next.sort_unstable();
            for &c in next.iter() {
                let lower_bound_m = c.lower_bound_m();
                if lower_bound_m > best_m + margin_m(best_m) {
                    break;
                }
                if let Some(k) = self.closest_candidate(c.id(), lower_bound_m, q, &mut s.solved) {
                    best_m = best_m.min(k.distance_m());
                    s.candidates.push(k);
                }
            }
            if start < s.candidates.len() {
                s.lines.push(LineCandidates {
                    line,
                    best_m,
                    range: start..s.candidates.len(),
                });
            }
        }
    }

    /// The candidate of section `id` at lower bound `lower_bound_m`: its estimate when near, or
    /// its edge solved exactly (once per edge: `solved` lists the edges done).
    pub(super) fn closest_candidate(
        &self,
        id: u32,
        lower_bound_m: f64,
        q: &Query,
        solved: &mut Vec<u32>,
    ) -> Option<ClosestCandidate> {
        let section = self.sections.get(id as usize)?;
        if lower_bound_m <= NEAR_M {
            if let Some(e) = section.estimate(q.p3) {
                return Some(ClosestCandidate::Estimated {
                    distance_m: e.distance_m,
                    section: id,
                    t: e.t,
                    foot: e.foot,
                });
            }
        }
        if solved.contains(&section.edge) {
            return None;
        }
        solved.push(section.edge);
        let info = self.edges.get(section.edge as usize)?;
        let foot = self
            .far_vertex_foot(info, q)
            .unwrap_or_else(|| solve(&self.geod, &info.geo, &info.chord, q.lon, q.lat, q.p3, None));
        Some(ClosestCandidate::Exact(self.matched(info, &foot)))
    }

    /// [`solve`]'s foot of `q` on edge `info` when it is the vertex where `solve`'s iteration
    /// starts (the chord's guess is one of the edge's ends) and stays (the foot is
    /// [`settled`] there, as the iteration's first step finds): the distance and azimuth to
    /// the point found by two direct solutions ([`foot_correction::from_far_vertex`], for
    /// points 50 to 500 km from the vertex) instead of the inverse solution, at under half its
    /// cost. `None` otherwise, or for an edge longer than 1,000 km (where `solve` may search
    /// otherwise): then `solve` finds it.
    ///
    /// Most such points lie tens to hundreds of kilometres beyond the end of a short segment of
    /// wide precision (on the README benchmark, KAZ-UZB-02: 49 km long, precision 250 km).
    fn far_vertex_foot(&self, info: &EdgeInfo, q: &Query) -> Option<Foot> {
        let g = &info.geo;
        if g.length_m > 1_000_000.0 {
            return None;
        }
        let fraction = info.chord.guess_fraction(q.p3);
        let (lon, lat, azi_edge, at_end, along_m, trig, v3) = if fraction == 0.0 {
            let trig = info.vertex_trig.first()?;
            (g.lon1, g.lat1, g.azi1, false, 0.0, trig, info.chord.a)
        } else if fraction == 1.0 {
            let trig = info.vertex_trig.get(1)?;
            (g.lon2, g.lat2, g.azi2, true, g.length_m, trig, info.chord.b)
        } else {
            return None;
        };
        let to_point = foot_correction::from_far_vertex(&self.geod, trig, v3, q.p3)?;
        let foot = Foot::at(along_m, (lon, lat), azi_edge, Some(at_end), to_point);
        settled(&foot, g.length_m).then_some(foot)
    }

    /// The exact best of `candidates` (step 6): every candidate within twice the margin of the
    /// least estimate is solved exactly, and the best exact match wins.
    pub(super) fn exact_best(
        &self,
        candidates: &mut [ClosestCandidate],
        q: &Query,
    ) -> Option<LineMatch> {
        let least = candidates
            .iter()
            .map(ClosestCandidate::distance_m)
            .fold(f64::INFINITY, f64::min);
        let limit = least + 2.0 * margin_m(least);
        let mut best: Option<LineMatch> = None;
        let mut last_foot: Option<(f64, f64, f64)> = None;
        for c in candidates.iter() {
            if c.distance_m() > limit {
                continue;
            }
            let m = match *c {
                ClosestCandidate::Exact(m) => m,
                ClosestCandidate::Estimated {
                    section,
                    t,
                    foot,
                    distance_m,
                } => match self.exact_at(section, (t, foot, distance_m), q, &mut last_foot) {
                    Some(m) => m,
                    None => continue,
                },
            };
            if best.as_ref().is_none_or(|b| better(&m, b)) {
                best = Some(m);
            }
        }
        best
    }

    /// The exact closest point of the edge holding section `id`, from the estimated foot at `t`
    /// (`foot` in ECEF) and distance `estimate_m`: by a perpendicular geodesic, or else checked
    /// with one inverse solution and solved from there when the check fails. `None` when the
    /// foot is the same vertex as `last` (already solved).
    fn exact_at(
        &self,
        id: u32,
        (t, foot, estimate_m): (f64, [f64; 3], f64),
        q: &Query,
        last: &mut Option<(f64, f64, f64)>,
    ) -> Option<LineMatch> {
        let section = self.sections.get(id as usize)?;
        let info = self.edges.get(section.edge as usize)?;
        let g = &info.geo;
        let (lon, lat, azi_edge, at_end, along_m) = if t <= 0.0 && section.first {
            (g.lon1, g.lat1, g.azi1, Some(false), 0.0)
        } else if t >= 1.0 && section.last {
            (g.lon2, g.lat2, g.azi2, Some(true), g.length_m)
        } else {
            let ((lon, lat), frame) = surface_frame(foot);
            let (n, e) = north_east_of(&frame);
            let d = section.direction(t);
            let along = (section.start_m + section.along_m(t, foot)).clamp(0.0, g.length_m);
            let (de, dn) = (dot(d, e), dot(d, n));
            // Components of a tangent of the cubic (metres per unit of its parameter, up to
            // thousands): no overflow or underflow in the squares.
            let norm = (de * de + dn * dn).sqrt();
            if norm > 0.0 {
                let estimate = foot_correction::EstimatedFoot {
                    lon_lat: (lon, lat),
                    p3: foot,
                    sin_cos: frame,
                    sin_cos_azi: (de / norm, dn / norm),
                    along_m: along,
                    distance_m: estimate_m,
                };
                if let Some(f) =
                    foot_correction::corrected_foot(&self.geod, &estimate, g.length_m, q.p3)
                {
                    return Some(Self::corrected_match(info, &f));
                }
            }
            // The edge's azimuth in degrees only now: the corrected foot needs its sine and
            // cosine alone (BENCHMARKS.md).
            (lon, lat, de.atan2(dn).to_degrees(), None, along)
        };
        if at_end.is_some() {
            // The same vertex reached from the next edge (same place, same measure along the
            // line): same answer. A line that comes back to a place is another vertex.
            let here = (lon, lat, info.measure_start_m + along_m);
            if *last == Some(here) {
                return None;
            }
            *last = Some(here);
        }
        let at_vertex = match at_end {
            Some(end) => {
                let (v3, trig) = if end {
                    (info.chord.b, &info.vertex_trig[1])
                } else {
                    (info.chord.a, &info.vertex_trig[0])
                };
                foot_correction::from_vertex(&self.geod, trig, v3, q.p3)
            }
            None => None,
        };
        let mut f = match at_vertex {
            Some(to_point) => Foot::at(along_m, (lon, lat), azi_edge, at_end, to_point),
            None => Foot::towards(
                &self.geod,
                along_m,
                (lon, lat),
                azi_edge,
                at_end,
                (q.lon, q.lat),
            ),
        };
        if at_end.is_none() && f.distance_m < ON_LINE_M {
            // Within a millimetre the cubic's nanometres matter: points on the line are solved
            // on the edge's own geodesic from the start, so that they come out at distance 0.
            f = solve(&self.geod, g, &info.chord, q.lon, q.lat, q.p3, None);
        } else if !settled(&f, g.length_m) {
            f = solve(
                &self.geod,
                g,
                &info.chord,
                q.lon,
                q.lat,
                q.p3,
                Some(along_m),
            );
        }
        Some(self.matched(info, &f))
    }

    /// The match of a corrected foot inside edge `info`. Its side is that of the query point
    /// from the edge's direction, as [`side`] would find it from the azimuths (the point's is
    /// the edge's turned by a right angle, its distance at least a metre less a centimetre).
    fn corrected_match(info: &EdgeInfo, foot: &foot_correction::CorrectedFoot) -> LineMatch {
        LineMatch {
            line: info.line,
            edge: info.edge,
            distance_m: foot.distance_m,
            closest: Point::new(foot.lon, foot.lat),
            measure_m: info.measure_start_m + foot.along_m,
            side: if foot.point_on_right {
                Side::Right
            } else {
                Side::Left
            },
        }
    }

    /// The match of an exact foot on edge `info`.
    fn matched(&self, info: &EdgeInfo, foot: &Foot) -> LineMatch {
        let (edge, azi_in, azi_out) = match foot.at_end {
            None => (info.edge, foot.azi_edge, foot.azi_edge),
            Some(false) => match info.prev {
                Some((k, azi)) => (k, azi, info.geo.azi1),
                None => (info.edge, info.geo.azi1, info.geo.azi1),
            },
            Some(true) => (
                info.edge,
                info.geo.azi2,
                info.next_azi.unwrap_or(info.geo.azi2),
            ),
        };
        LineMatch {
            line: info.line,
            edge,
            distance_m: foot.distance_m,
            closest: Point::new(foot.lon, foot.lat),
            measure_m: info.measure_start_m + foot.along_m,
            side: side(azi_in, azi_out, foot),
        }
    }
}

/// Whether `a` is a better match than `b`: nearer, then lower line, then lower edge.
pub(super) fn better(a: &LineMatch, b: &LineMatch) -> bool {
    match a.distance_m.total_cmp(&b.distance_m) {
        Ordering::Less => true,
        Ordering::Greater => false,
        Ordering::Equal => (a.line, a.edge) < (b.line, b.edge),
    }
}

/// Side of the query point at a foot, given the line's incoming and outgoing azimuths there (the
/// same azimuth inside an edge). See the module documentation.
fn side(azi_in: f64, azi_out: f64, foot: &Foot) -> Side {
    if foot.distance_m < ON_LINE_M {
        return Side::On;
    }
    let ccw = |x: f64| rem_360(azi_out - x);
    let limit = ccw(azi_in + 180.0);
    let c = ccw(foot.azi_to_point);
    if c > 0.0 && c < limit {
        Side::Left
    } else if c > limit {
        Side::Right
    } else {
        // Exactly along the line's direction at a vertex: on the line's extension.
        Side::On
    }
}
