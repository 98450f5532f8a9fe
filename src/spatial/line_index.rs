//! [`LineIndex`]: building the index (edges, their sections, the R-tree and the hash grid) and
//! its public queries. How a query goes from the sections in range to the exact closest point
//! of each line is in the `closest_point` module.

use std::sync::OnceLock;

use geo_types::{LineString, Point};
use geographiclib_rs::{capability as caps, Geodesic, GeodesicLine};
use rstar::primitives::CachedEnvelope;
use rstar::{PointDistance, RTree, RTreeObject, AABB};

use super::closest_point::{better, with_scratch};
use super::ecef::{ecef, normalize_deg};
use super::edge::{inverse, Chord, Edge};
use super::edge_section::{self, margin_m, EdgeSection};
use super::error::{InvalidLines, LineProblem, QueryError};
use super::geographiclib_adapter;
use super::grid::Grid;
use super::{LineMatch, MAX_EDGE_M};

/// Per-edge data kept beside the tree.
#[derive(Clone, Copy, Debug)]
pub(super) struct EdgeInfo {
    pub(super) geo: Edge,
    pub(super) line: usize,
    pub(super) edge: usize,
    /// Length along the line to the edge's start vertex, metres.
    pub(super) measure_start_m: f64,
    /// ECEF chord and bulge of the whole edge.
    pub(super) chord: Chord,
    /// The previous non-degenerate edge of the line, if any: its index and its azimuth at its
    /// end vertex (this edge's start vertex).
    pub(super) prev: Option<(usize, f64)>,
    /// Azimuth at its start vertex (this edge's end vertex) of the next non-degenerate edge of
    /// the line, if any.
    pub(super) next_azi: Option<f64>,
}

/// A section as the R-tree sees it.
#[derive(Clone, Copy, Debug)]
pub(super) struct TreeSection {
    pub(super) chord: Chord,
    pub(super) id: u32,
    /// The section's line, kept here so that filtering candidates reads nothing else.
    pub(super) line: u32,
}

impl RTreeObject for TreeSection {
    type Envelope = AABB<[f64; 3]>;

    fn envelope(&self) -> Self::Envelope {
        let (lo, hi) = self.chord.envelope();
        AABB::from_corners(lo, hi)
    }
}

/// The tree's objects: sections with their envelope computed once (rstar asks for it at every
/// visit of a leaf).
pub(super) type CachedSection = CachedEnvelope<TreeSection>;

impl PointDistance for TreeSection {
    /// The squared lower bound of the geodesic distance; never below the squared distance to the
    /// envelope (the envelope contains the chord grown by the bulge), as the tree requires.
    fn distance_2(&self, point: &[f64; 3]) -> f64 {
        let lb = self.chord.lower_bound_m(*point);
        lb * lb
    }
}

/// Index over the edges of a set of lines, answering nearest-line and within-distance queries
/// with exact geodesic distances. See the [module documentation](crate::spatial) for the method and the
/// proof that no line within the distance is missed.
#[derive(Clone, Debug)]
pub struct LineIndex {
    pub(super) geod: Geodesic,
    /// Built on first use: range queries within a grid cell never need it.
    pub(super) tree: OnceLock<RTree<CachedSection>>,
    /// The tree's objects again, by section id, for the grid's answers.
    pub(super) items: Vec<TreeSection>,
    /// Sections by cell, for range queries smaller than a cell.
    pub(super) grid: Grid,
    pub(super) edges: Vec<EdgeInfo>,
    pub(super) sections: Vec<EdgeSection>,
    /// Geodesic length of each line, metres.
    pub(super) lengths_m: Vec<f64>,
    /// A box (ECEF, metres) containing every section's box: no line lies nearer to a point than
    /// this box does.
    pub(super) bounds: ([f64; 3], [f64; 3]),
}

impl LineIndex {
    /// Builds the index (one bulk load over every section of every non-degenerate edge).
    ///
    /// Repeated consecutive vertices are allowed (their zero-length edge is skipped but keeps its
    /// index).
    ///
    /// # Errors
    /// [`InvalidLines`], listing every problem of every line: a non-finite or out-of-range
    /// coordinate, a line with fewer than two distinct vertices, an edge longer than
    /// [`MAX_EDGE_M`].
    pub fn new(lines: &[LineString<f64>]) -> Result<LineIndex, InvalidLines> {
        let geod = Geodesic::wgs84();
        let mut problems = Vec::new();
        let mut edges = Vec::new();
        let mut lengths_m = Vec::with_capacity(lines.len());
        for (line, ls) in lines.iter().enumerate() {
            lengths_m.push(0.0);
            let mut ok = true;
            for (vertex, c) in ls.0.iter().enumerate() {
                if !(c.x.is_finite() && c.y.is_finite()) {
                    problems.push(LineProblem::NonFinite {
                        line,
                        vertex,
                        lon: c.x,
                        lat: c.y,
                    });
                    ok = false;
                } else if !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y) {
                    problems.push(LineProblem::OutOfRange {
                        line,
                        vertex,
                        lon: c.x,
                        lat: c.y,
                    });
                    ok = false;
                }
            }
            if !ok {
                continue;
            }
            let first = edges.len();
            let mut measure_m = 0.0;
            for (k, w) in ls.0.windows(2).enumerate() {
                let (a, b) = (w[0], w[1]);
                let (length_m, azi1, azi2) = inverse(&geod, a.x, a.y, b.x, b.y);
                if length_m > MAX_EDGE_M {
                    problems.push(LineProblem::EdgeTooLong {
                        line,
                        edge: k,
                        length_m,
                        max_m: MAX_EDGE_M,
                    });
                    ok = false;
                }
                if length_m > 0.0 {
                    edges.push(EdgeInfo {
                        geo: Edge {
                            lon1: a.x,
                            lat1: a.y,
                            lon2: b.x,
                            lat2: b.y,
                            azi1,
                            azi2,
                            length_m,
                        },
                        line,
                        edge: k,
                        measure_start_m: measure_m,
                        chord: Chord::new(ecef(a.x, a.y), ecef(b.x, b.y), length_m),
                        prev: None,
                        next_azi: None,
                    });
                    measure_m += length_m;
                }
            }
            if let Some(l) = lengths_m.last_mut() {
                *l = measure_m;
            }
            let distinct = edges.len() - first;
            if distinct == 0 {
                problems.push(LineProblem::TooFewVertices {
                    line,
                    vertices: ls.0.len(),
                    distinct: if ls.0.is_empty() { 0 } else { 1 },
                });
                ok = false;
            }
            if !ok {
                edges.truncate(first);
                continue;
            }
            for i in first + 1..edges.len() {
                let (prev, next) = edges.split_at_mut(i);
                if let (Some(p), Some(n)) = (prev.last_mut(), next.first_mut()) {
                    n.prev = Some((p.edge, p.geo.azi2));
                    p.next_azi = Some(n.geo.azi1);
                }
            }
        }
        if !problems.is_empty() {
            return Err(InvalidLines { problems });
        }
        let mut sections = Vec::with_capacity(edges.len());
        for (id, e) in edges.iter().enumerate() {
            let g = &e.geo;
            let line = GeodesicLine::new(
                &geod,
                g.lat1,
                g.lon1,
                g.azi1,
                Some(caps::LATITUDE | caps::LONGITUDE | caps::AZIMUTH | caps::DISTANCE_IN),
                None,
                None,
            );
            edge_section::cut(
                // Edge ids fit in u32: 4 billion edges would not fit in memory anyway.
                u32::try_from(id).unwrap_or(u32::MAX),
                (g.lon1, g.lat1, g.azi1),
                (g.lon2, g.lat2, g.azi2),
                g.length_m,
                |s| {
                    let (lat, lon, azi) = geographiclib_adapter::position(&line, s);
                    (normalize_deg(lon), lat, azi)
                },
                &mut sections,
            );
        }
        let items: Vec<TreeSection> = sections
            .iter()
            .enumerate()
            .map(|(id, p)| TreeSection {
                chord: p.chord,
                id: u32::try_from(id).unwrap_or(u32::MAX),
                line: edges
                    .get(p.edge as usize)
                    .and_then(|e| u32::try_from(e.line).ok())
                    .unwrap_or(u32::MAX),
            })
            .collect();
        let bounds = items.iter().map(|i| i.chord.envelope()).fold(
            ([f64::INFINITY; 3], [f64::NEG_INFINITY; 3]),
            |(lo, hi), (l, h)| {
                (
                    [lo[0].min(l[0]), lo[1].min(l[1]), lo[2].min(l[2])],
                    [hi[0].max(h[0]), hi[1].max(h[1]), hi[2].max(h[2])],
                )
            },
        );
        Ok(LineIndex {
            geod,
            bounds,
            tree: OnceLock::new(),
            grid: Grid::new(items.iter().map(|i| i.chord.envelope())),
            items,
            edges,
            sections,
            lengths_m,
        })
    }

    /// The R-tree of the sections (one bulk load, the first time it is asked for).
    pub(super) fn tree(&self) -> &RTree<CachedSection> {
        self.tree.get_or_init(|| {
            RTree::bulk_load(self.items.iter().map(|&i| CachedEnvelope::new(i)).collect())
        })
    }

    /// Number of lines given to [`LineIndex::new`].
    pub fn line_count(&self) -> usize {
        self.lengths_m.len()
    }

    /// Geodesic length of line `line` on the WGS84 ellipsoid, in metres: the sum of its
    /// edges' lengths (Karney's inverse solution), the measure at its last vertex; `None` for
    /// a line index out of range.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::spatial::LineIndex;
    /// use geo_types::line_string;
    ///
    /// let index = LineIndex::new(&[line_string![(x: 66.0, y: 40.0), (x: 66.0, y: 41.0)]])?;
    /// // One degree of latitude at 40.5° N is about 111.05 km.
    /// let l = index.line_length_m(0).unwrap();
    /// assert!((l - 111_050.0).abs() < 50.0);
    /// assert_eq!(index.line_length_m(1), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn line_length_m(&self, line: usize) -> Option<f64> {
        self.lengths_m.get(line).copied()
    }

    /// Number of indexed (non-degenerate) edges.
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

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
    /// bound, and the search stops at the first whose bound exceeds `max_m` or the nearest
    /// distance found so far (plus the estimates' margin), so it costs a few sections wherever
    /// `q` is, where [`LineIndex::nearest_within`] looks at every section within `max_m`.
    ///
    /// # Errors
    /// [`QueryError::InvalidDistance`] when `max_m` is negative or NaN.
    pub(crate) fn nearest_accepted(
        &self,
        q: &Query,
        max_m: f64,
        mut accept: impl FnMut(usize) -> bool,
    ) -> Result<Option<LineMatch>, QueryError> {
        if max_m.is_nan() || max_m < 0.0 {
            return Err(QueryError::InvalidDistance { max_m });
        }
        let q = *q;
        Ok(with_scratch(|s| {
            s.candidates.clear();
            s.solved.clear();
            let mut best_m = f64::INFINITY;
            for (t, _) in self.tree().nearest_neighbor_iter_with_distance_2(&q.p3) {
                let lower_bound_m = t.chord.lower_bound_m(q.p3);
                if lower_bound_m > max_m || lower_bound_m > best_m + margin_m(best_m) {
                    break;
                }
                if !accept(t.line as usize) {
                    continue;
                }
                if let Some(c) = self.closest_candidate(t.id, lower_bound_m, &q, &mut s.solved) {
                    best_m = best_m.min(c.distance_m());
                    s.candidates.push(c);
                }
            }
            self.exact_best(&mut s.candidates, &q)
                .filter(|m| m.distance_m <= max_m)
        }))
    }

    /// The nearest line to `q` among those `accept` takes, at any distance, and whether a
    /// line other than it that `rival` takes (and `accept` too) may lie within
    /// `extra_m(nearest line)` metres beyond it: one best-first search for both answers, which
    /// goes on past the nearest line only as far as that band (the second answer may be a
    /// false "yes", never a false "no").
    pub(crate) fn nearest_with_rival(
        &self,
        q: &Query,
        mut accept: impl FnMut(usize) -> bool,
        mut rival: impl FnMut(usize) -> bool,
        extra_m: impl Fn(usize) -> f64,
    ) -> Option<(LineMatch, bool)> {
        let q = *q;
        with_scratch(|s| {
            s.candidates.clear();
            s.solved.clear();
            // The least estimate so far with its line, and the least of each of two distinct
            // rival lines (so that one other than the final nearest is known).
            let (mut best_m, mut best_line) = (f64::INFINITY, usize::MAX);
            let mut rivals: [(f64, usize); 2] = [(f64::INFINITY, usize::MAX); 2];
            for (t, _) in self.tree().nearest_neighbor_iter_with_distance_2(&q.p3) {
                let lower_bound_m = t.chord.lower_bound_m(q.p3);
                let band_m = if best_line == usize::MAX {
                    0.0
                } else {
                    extra_m(best_line)
                };
                if lower_bound_m > best_m + band_m + margin_m(best_m + band_m) {
                    break;
                }
                // Once nothing nearer can come, one rival within the band is answer enough.
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
                let Some(c) = self.closest_candidate(t.id, lower_bound_m, &q, &mut s.solved) else {
                    continue;
                };
                let d = c.distance_m();
                if d < best_m {
                    best_m = d;
                    best_line = line;
                }
                if rival(line) {
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
                s.candidates.push(c);
            }
            let m = self.exact_best(&mut s.candidates, &q)?;
            let other_m = if rivals[0].1 == m.line {
                rivals[1].0
            } else {
                rivals[0].0
            };
            let band_m = m.distance_m + extra_m(m.line);
            Some((m, other_m <= band_m + 2.0 * margin_m(band_m)))
        })
    }

    /// Every line whose geodesic distance from `p` is at most `max_m` metres, one match per line
    /// (at its closest point), sorted by distance then line index.
    ///
    /// # Errors
    /// [`QueryError`] when `p` is not finite or out of range, or `max_m` is negative or not
    /// finite.
    pub fn within(&self, p: Point<f64>, max_m: f64) -> Result<Vec<LineMatch>, QueryError> {
        let mut out = Vec::new();
        self.within_into(p, max_m, &mut out)?;
        Ok(out)
    }

    /// [`LineIndex::within`] writing into `out` (cleared first), so that a caller looping over
    /// many points reuses one buffer and the query allocates nothing once warm.
    ///
    /// # Errors
    /// As [`LineIndex::within`]; `out` is left empty.
    pub fn within_into(
        &self,
        p: Point<f64>,
        max_m: f64,
        out: &mut Vec<LineMatch>,
    ) -> Result<(), QueryError> {
        out.clear();
        let q = check_point(p)?;
        check_distance(max_m)?;
        with_scratch(|s| {
            self.gather_candidates(&q, max_m, |_| true, s);
            for g in &s.lines {
                if g.best_m > max_m + margin_m(max_m) {
                    continue;
                }
                if let Some(m) = self.exact_best(&mut s.candidates[g.range.clone()], &q) {
                    if m.distance_m <= max_m {
                        out.push(m);
                    }
                }
            }
        });
        out.sort_unstable_by(|a, b| {
            a.distance_m
                .total_cmp(&b.distance_m)
                .then(a.line.cmp(&b.line))
        });
        Ok(())
    }

    /// The nearest line within `max_m` metres of `p` among the lines for which `accept(line)`
    /// holds, at its closest point; `None` when there is none. Equivalent to the first match of
    /// [`LineIndex::within`] that `accept` takes, but solves only the lines that can be it.
    ///
    /// # Errors
    /// As [`LineIndex::within`].
    ///
    /// # Examples
    /// ```
    /// use bordertrack::spatial::LineIndex;
    /// use geo_types::{line_string, Point};
    ///
    /// let lines = vec![
    ///     line_string![(x: 66.0, y: 40.0), (x: 66.0, y: 41.0)],
    ///     line_string![(x: 66.1, y: 40.0), (x: 66.1, y: 41.0)],
    /// ];
    /// let index = LineIndex::new(&lines)?;
    /// let p = Point::new(66.04, 40.5);
    /// assert_eq!(index.nearest_within(p, 10_000.0, |_| true)?.map(|m| m.line), Some(0));
    /// assert_eq!(index.nearest_within(p, 10_000.0, |l| l == 1)?.map(|m| m.line), Some(1));
    /// assert_eq!(index.nearest_within(p, 1_000.0, |_| true)?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn nearest_within(
        &self,
        p: Point<f64>,
        max_m: f64,
        accept: impl FnMut(usize) -> bool,
    ) -> Result<Option<LineMatch>, QueryError> {
        self.nearest_kept(&Query::of(p)?, max_m, accept, |_| true)
    }

    /// [`LineIndex::nearest_within`] among the matches that `keep` keeps: the nearest line
    /// within `max_m` metres of `q` that `accept` takes and whose closest match `keep` holds
    /// for (a line whose match it refuses does not hide a farther one).
    pub(crate) fn nearest_kept(
        &self,
        q: &Query,
        max_m: f64,
        accept: impl FnMut(usize) -> bool,
        keep: impl FnMut(&LineMatch) -> bool,
    ) -> Result<Option<LineMatch>, QueryError> {
        Ok(self.nearest_kept_and_others(q, max_m, accept, keep)?.0)
    }

    /// [`LineIndex::nearest_kept`], and how many other accepted lines (kept or not) may lie
    /// within `max_m` of `q`: every line that [`LineIndex::within`] would return, other than
    /// the nearest kept one, is counted (some counted lines may turn out farther).
    pub(crate) fn nearest_kept_and_others(
        &self,
        q: &Query,
        max_m: f64,
        accept: impl FnMut(usize) -> bool,
        mut keep: impl FnMut(&LineMatch) -> bool,
    ) -> Result<(Option<LineMatch>, usize), QueryError> {
        check_distance(max_m)?;
        Ok(with_scratch(|s| {
            self.gather_candidates(q, max_m, accept, s);
            s.lines
                .sort_unstable_by(|a, b| a.best_m.total_cmp(&b.best_m).then(a.line.cmp(&b.line)));
            let mut best: Option<LineMatch> = None;
            for g in &s.lines {
                let bound = best.map_or(max_m, |b| b.distance_m);
                if g.best_m > bound + 2.0 * margin_m(bound) {
                    break;
                }
                if let Some(m) = self.exact_best(&mut s.candidates[g.range.clone()], q) {
                    if m.distance_m <= max_m
                        && best.as_ref().is_none_or(|b| better(&m, b))
                        && keep(&m)
                    {
                        best = Some(m);
                    }
                }
            }
            // The lines `within` would solve (it skips the others): those whose least
            // estimate is within the margin of `max_m`.
            let may_be_within = max_m + margin_m(max_m);
            let others = s
                .lines
                .iter()
                .filter(|g| g.best_m <= may_be_within && best.is_none_or(|b| b.line != g.line))
                .count();
            (best, others)
        }))
    }
}

/// A validated query point.
/// A query position, checked, with its ECEF coordinates: computed once for several searches.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Query {
    pub(super) lon: f64,
    pub(super) lat: f64,
    pub(super) p3: [f64; 3],
}

/// Validates a query point.
impl Query {
    /// `p` (lon/lat) checked.
    ///
    /// # Errors
    /// [`QueryError::InvalidPoint`] when `p` is not finite or out of range.
    pub(crate) fn of(p: Point<f64>) -> Result<Query, QueryError> {
        check_point(p)
    }
}

impl LineIndex {
    /// Whether some line may lie within `max_m` metres of `q`: false only when none does (a
    /// lower bound of the distance, from the index's box and then each section's, exceeds
    /// `max_m`). Only the sections whose box meets the cube `q ± (max_m + 1 m)` are bounded: a
    /// section whose lower bound is at most `max_m` has a chord point within `max_m` plus its
    /// bulge of `q`, and its box is the chord's grown by the bulge (step 4 of the module
    /// documentation), so it meets the cube. Checking every section instead cost 163 M of the
    /// 1,557 M instructions of the README benchmark (100,000 rows).
    pub(crate) fn may_be_within(&self, q: &Query, max_m: f64) -> bool {
        let (lo, hi) = self.bounds;
        let mut d2 = 0.0;
        for k in 0..3 {
            let out = (lo[k] - q.p3[k]).max(q.p3[k] - hi[k]).max(0.0);
            d2 += out * out;
        }
        // A millimetre below the box's distance, against rounding.
        if d2.sqrt() - 1e-3 > max_m {
            return false;
        }
        let r = max_m + 1.0;
        let p3 = q.p3;
        let cube = AABB::from_corners(
            [p3[0] - r, p3[1] - r, p3[2] - r],
            [p3[0] + r, p3[1] + r, p3[2] + r],
        );
        self.tree()
            .locate_in_envelope_intersecting(&cube)
            .any(|i| i.chord.lower_bound_m(p3) <= max_m)
    }
}

fn check_point(p: Point<f64>) -> Result<Query, QueryError> {
    let (lon, lat) = (p.x(), p.y());
    if lon.is_finite()
        && lat.is_finite()
        && (-180.0..=180.0).contains(&lon)
        && (-90.0..=90.0).contains(&lat)
    {
        Ok(Query {
            lon,
            lat,
            p3: ecef(lon, lat),
        })
    } else {
        Err(QueryError::InvalidPoint { lon, lat })
    }
}

/// Validates a query distance.
fn check_distance(max_m: f64) -> Result<(), QueryError> {
    if max_m.is_finite() && max_m >= 0.0 {
        Ok(())
    } else {
        Err(QueryError::InvalidDistance { max_m })
    }
}

#[cfg(test)]
mod tests {
    use geo_types::line_string;
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// The tree-pruned answer is the answer of bounding every section.
        #[test]
        fn may_be_within_bounds_the_same_sections_as_a_scan_of_all(
            lon in 60.0..75.0f64,
            lat in 35.0..48.0f64,
            max_m in prop_oneof![0.0..5_000.0f64, 0.0..300_000.0f64, 0.0..1_500_000.0f64],
        ) {
            let lines = vec![
                line_string![
                    (x: 66.0, y: 40.0), (x: 66.3, y: 40.4), (x: 66.1, y: 41.0),
                    (x: 67.5, y: 41.2), (x: 69.0, y: 43.0), (x: 70.0, y: 42.5),
                ],
                line_string![(x: 72.0, y: 37.0), (x: 72.01, y: 37.02), (x: 74.0, y: 39.5)],
            ];
            let index = LineIndex::new(&lines).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let q = Query::of(Point::new(lon, lat)).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let scan = index.items.iter().any(|i| i.chord.lower_bound_m(q.p3) <= max_m);
            prop_assert_eq!(index.may_be_within(&q, max_m), scan);
        }
    }
}
