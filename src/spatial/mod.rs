//! Geodesically exact nearest-line and within-distance search over WGS84 lines.
//!
//! [`LineIndex`] indexes plain [`LineString`]s (longitude/latitude, WGS84) and answers, for a
//! query point, which line is nearest ([`LineIndex::nearest`]) and which lines lie within a
//! distance ([`LineIndex::within`]), with the closest point, the distance along the line to it
//! and the side of the line the point lies on. Lines are identified by their index in the slice
//! given to [`LineIndex::new`].
//!
//! # Geometry
//! Each **edge** (pair of consecutive vertices) is taken to be the **geodesic** on the WGS84
//! ellipsoid between its vertices. RFC 7946 calls GeoJSON edges straight in longitude/latitude;
//! for border edges (metres to a few kilometres) the two differ by millimetres, but for long
//! edges they do not (a 1,000 km east-west edge at 45° N bulges about 20 km poleward of the
//! parallel), and this module always means the geodesic. Distances are geodesic distances on the
//! ellipsoid (Karney's algorithms through `geographiclib-rs`), exact to well under a millimetre;
//! nothing is computed in degrees-as-metres, by haversine or in a projection.
//!
//! # Why nothing within the distance is missed (proof sketch)
//! Every vertex and query point is also placed in Earth-centred, Earth-fixed (ECEF) coordinates.
//! Each edge is cut into **pieces** of at most 5 km (the edge's geodesic between points given by
//! Karney's direct solution); the R-tree holds the pieces.
//! 1. A straight 3-D chord is never longer than any surface path between its ends, so the chord
//!    distance `|p - q|` is a lower bound of the geodesic distance from `p` to `q`.
//! 2. Every point `q` of a piece's geodesic of length `L` between its ends `a`, `b` satisfies
//!    `|q - a| + |q - b| <= L` (by 1, applied to the two parts of the piece), so it lies in the
//!    solid ellipsoid of revolution with foci `a`, `b` and major axis `L`, and therefore within
//!    that ellipsoid's semi-minor axis `h = sqrt(L² - |a - b|²) / 2` of the chord segment `ab`.
//!    (`h` is about 2 cm for a 1 km piece, 0.6 m for a 5 km piece; a micrometre is added to
//!    absorb rounding.)
//! 3. Hence `max(0, dist(p, segment ab) - h)` is a lower bound of the geodesic distance from `p`
//!    to the piece, and the axis-aligned box of `ab` grown by `h` contains the whole geodesic —
//!    including its poleward bulge and across the antimeridian or a pole, which need no special
//!    case in ECEF.
//! 4. `within(p, d)`: a piece at geodesic distance `<= d` has a point within chord `d` of `p`
//!    (1), inside its box (3), so its box meets the cube `p ± d`; the R-tree returns every such
//!    box, and pieces whose lower bound (3) exceeds `d` are dropped. For `d` up to 16 km a hash
//!    grid of 16 km cubes does the same with a few lookups: each piece is listed in every cell
//!    its box (rounded outwards to `f32`) meets, so the cells the cube meets list every piece
//!    whose box meets the cube.
//! 5. `nearest(p)`: the R-tree yields pieces in increasing order of the lower bound (3) (its node
//!    boxes bound their pieces' lower bounds from below).
//! 6. Ranking, then exact answers. Each remaining piece gets an **estimate** of its closest point
//!    and distance (below), accurate to micrometres near the line and within the margin
//!    `1 mm + 1e-7 d` up to 50 km; pieces whose lower bound is beyond 50 km are solved exactly
//!    on their edge instead. Pieces whose lower bound exceeds the best estimate plus the margin
//!    cannot hold the closest point and are skipped; lines whose best estimate exceeds the
//!    distance asked plus the margin cannot be within it. Every other candidate — the best, and
//!    any within twice the margin of it — is **solved exactly** (next section), and only exact
//!    distances decide what is returned and in which order.
//!
//! # Exact distance to an edge
//! A foot is accepted only as a fixed point of the intercept iteration of Baselga and
//! Martínez-Llario (2018): solve the inverse problem (Karney 2013) from the foot to the query
//! point, and compute the spherical right-triangle correction `R·atan2(sin(d/R)·cos A, cos(d/R))`
//! from the angle `A` between that geodesic and the edge at the foot; the foot is accepted when
//! the correction is below a tolerance (1 nm plus 1e-7 of the distance, at most 0.2 mm: the
//! distance is stationary at the foot, so its error stays far below a micrometre, and the
//! measure along the line within 0.2 mm), or points off the edge from one of its vertices. The
//! distance reported is that inverse solution's.
//!
//! An estimated foot inside its edge, at least a metre from the query point, is first
//! corrected by one **perpendicular shot** (the `shot` module): the geodesic leaving the edge at
//! a right angle there is followed for the estimated distance (Karney's direct solution); where
//! it lands within 1 cm of the point, the miss, split along and across that geodesic, gives the
//! distance still to go and how far the foot moves along the edge, to first order, with terms
//! left out below 1e-10 m. The distance reported is then the direct solution's length plus
//! that correction, exact to nanometres like an inverse solution, and the foot is the exact
//! perpendicular foot (not one within the 0.2 mm tolerance). An estimated foot at a vertex
//! gets its distance and azimuth to the point the same way: one direct solution from the
//! vertex towards the point, corrected by its miss. Otherwise (a point nearer than a metre, a
//! miss beyond 1 cm, a foot that would leave the edge) the estimated foot is checked with one
//! inverse solution. When the check fails (at a vertex: when the point is not beyond it), the
//! iteration continues from there, moving along the edge by the correction (direct problem on
//! the edge's geodesic) until it settles. Edges whose vertices are more than 80° from the query point
//! (where several local minima are possible) are sampled and refined by golden-section search
//! instead.
//!
//! # Estimates
//! A piece is represented by the cubic that matches its geodesic's end points and end directions
//! (Hermite interpolation in ECEF; within 6 nm of the geodesic for a 5 km piece). The estimated
//! foot is the point of the cubic where the chord to the query point is perpendicular to it
//! (Newton's method), and the estimated distance is that chord `c` lengthened to an arc,
//! `c (1 + c² / 24R²)` with `R` the mean radius of curvature.
//!
//! # Side
//! [`Side`] is decided from geodesic azimuths at the closest point: the azimuth of the line's
//! direction there and the azimuth from there to the query point. At a vertex shared by two
//! edges, the point is on the left when its azimuth lies strictly inside the angle swept
//! counter-clockwise from the outgoing edge's direction to the reversed incoming direction —
//! i.e. on the same side as the left bank of the line at that vertex, which is what the angle
//! bisector decides. At the first and last vertex of a line the single edge's direction is used.
//! Points within [`ON_LINE_M`] of the line are [`Side::On`].
//!
//! # Examples
//! ```
//! use bordertrack::spatial::{LineIndex, Side};
//! use geo_types::{line_string, Point};
//!
//! // Two lines along meridians, both heading north.
//! let lines = vec![
//!     line_string![(x: 66.0, y: 40.0), (x: 66.0, y: 41.0)],
//!     line_string![(x: 67.0, y: 40.0), (x: 67.0, y: 41.0)],
//! ];
//! let index = LineIndex::new(&lines)?;
//! let p = Point::new(66.1, 40.5);
//! let m = index.nearest(p)?.expect("the index is not empty");
//! assert_eq!(m.line, 0);
//! assert_eq!(m.side, Side::Right); // east of a northbound line
//! // 0.1° of longitude at 40.5° N is about 8.48 km.
//! assert!(m.distance_m > 8_470.0 && m.distance_m < 8_480.0);
//! assert_eq!(index.within(p, 5_000.0)?.len(), 0);
//! assert_eq!(index.within(p, 10_000.0)?.len(), 1);
//! let both = index.within(p, 80_000.0)?;
//! assert_eq!((both[0].line, both[1].line), (0, 1));
//! assert_eq!(both[1].side, Side::Left); // west of the second line
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod direct;
mod edge;
mod error;
mod grid;
mod piece;
mod shot;
mod trig;

use std::cell::RefCell;
use std::cmp::Ordering;
use std::sync::OnceLock;

use geo_types::{LineString, Point};
use geographiclib_rs::{capability as caps, Geodesic, GeodesicLine};
use rstar::primitives::CachedEnvelope;
use rstar::{PointDistance, RTree, RTreeObject, AABB};

use edge::{dot, ecef, inverse, normalize_deg, rem_360, settled, solve, Chord, Edge, Foot, SinCos};
pub use error::{InvalidLines, LineProblem, QueryError};
use grid::{Grid, CELL_M};
use piece::{margin_m, north_east_of, surface_frame, Piece, NEAR_M};

/// Longest edge accepted, in metres (10,000 km, a quarter of a meridian). Longer edges join
/// nearly antipodal vertices, whose geodesic is ill-conditioned; in border data they are errors.
pub const MAX_EDGE_M: f64 = 10_000_000.0;

/// A query point closer than this to a line, in metres, is [`Side::On`] the line.
pub const ON_LINE_M: f64 = 1e-3;

/// Which side of a line, looking along its direction (first vertex to last), a point lies on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// To the left of the line's direction.
    Left,
    /// To the right of the line's direction.
    Right,
    /// On the line (within [`ON_LINE_M`]).
    On,
}

/// A line found near a query point, at the line's closest point to it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LineMatch {
    /// Index of the line in the slice given to [`LineIndex::new`].
    pub line: usize,
    /// Index of the edge holding the closest point (edge `k` joins vertices `k` and `k + 1`).
    /// When the closest point is a vertex shared by two edges, the earlier edge.
    pub edge: usize,
    /// Geodesic distance on WGS84 from the query point to the closest point, in metres.
    pub distance_m: f64,
    /// The closest point of the line (longitude, latitude).
    pub closest: Point<f64>,
    /// Geodesic length along the line from its first vertex to `closest`, in metres.
    pub measure_m: f64,
    /// Which side of the line the query point lies on.
    pub side: Side,
}

/// Per-edge data kept beside the tree.
#[derive(Clone, Copy, Debug)]
struct EdgeInfo {
    geo: Edge,
    line: usize,
    edge: usize,
    /// Length along the line to the edge's start vertex, metres.
    measure_start_m: f64,
    /// ECEF chord and bulge of the whole edge.
    chord: Chord,
    /// The previous non-degenerate edge of the line, if any: its index and its azimuth at its
    /// end vertex (this edge's start vertex).
    prev: Option<(usize, f64)>,
    /// Azimuth at its start vertex (this edge's end vertex) of the next non-degenerate edge of
    /// the line, if any.
    next_azi: Option<f64>,
}

/// A piece as the R-tree sees it.
#[derive(Clone, Copy, Debug)]
struct TreePiece {
    chord: Chord,
    id: u32,
    /// The piece's line, kept here so that filtering candidates reads nothing else.
    line: u32,
}

impl RTreeObject for TreePiece {
    type Envelope = AABB<[f64; 3]>;

    fn envelope(&self) -> Self::Envelope {
        let (lo, hi) = self.chord.envelope();
        AABB::from_corners(lo, hi)
    }
}

/// The tree's objects: pieces with their envelope computed once (rstar asks for it at every
/// visit of a leaf).
type CachedPiece = CachedEnvelope<TreePiece>;

impl PointDistance for TreePiece {
    /// The squared lower bound of the geodesic distance; never below the squared distance to the
    /// envelope (the envelope contains the chord grown by the bulge), as the tree requires.
    fn distance_2(&self, point: &[f64; 3]) -> f64 {
        let lb = self.chord.lower_bound_m(*point);
        lb * lb
    }
}

/// A candidate piece of a `within` query.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    line: usize,
    lower_bound_m: f64,
    id: u32,
}

/// A possible closest point of one line: estimated on a piece, or solved exactly on an edge.
#[derive(Clone, Copy, Debug)]
enum Contender {
    /// Estimated on piece `piece` at cubic parameter `t`.
    Estimated {
        distance_m: f64,
        piece: u32,
        t: f64,
        foot: [f64; 3],
    },
    /// Solved exactly.
    Exact(LineMatch),
}

impl Contender {
    fn distance_m(&self) -> f64 {
        match self {
            Contender::Estimated { distance_m, .. } => *distance_m,
            Contender::Exact(m) => m.distance_m,
        }
    }
}

/// The contenders of one line: `contenders[range]`, with the least estimate among them.
#[derive(Clone, Debug)]
struct Group {
    line: usize,
    best_m: f64,
    range: std::ops::Range<usize>,
}

/// Buffers reused by every query on a thread.
#[derive(Debug, Default)]
struct Scratch {
    candidates: Vec<Candidate>,
    contenders: Vec<Contender>,
    groups: Vec<Group>,
    solved: Vec<u32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `f` with this thread's scratch buffers (fresh ones in a nested query).
fn with_scratch<T>(f: impl FnOnce(&mut Scratch) -> T) -> T {
    crate::reuse::with_reused(&SCRATCH, f)
}

/// Index over the edges of a set of lines, answering nearest-line and within-distance queries
/// with exact geodesic distances. See the [module documentation](self) for the method and the
/// proof that no line within the distance is missed.
#[derive(Clone, Debug)]
pub struct LineIndex {
    geod: Geodesic,
    /// Built on first use: range queries within a grid cell never need it.
    tree: OnceLock<RTree<CachedPiece>>,
    /// The tree's objects again, by piece id, for the grid's answers.
    items: Vec<TreePiece>,
    /// Pieces by cell, for range queries smaller than a cell.
    grid: Grid,
    edges: Vec<EdgeInfo>,
    pieces: Vec<Piece>,
    /// Geodesic length of each line, metres.
    lengths_m: Vec<f64>,
}

impl LineIndex {
    /// Builds the index (one bulk load over every piece of every non-degenerate edge).
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
        let mut pieces = Vec::with_capacity(edges.len());
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
            piece::cut(
                // Edge ids fit in u32: 4 billion edges would not fit in memory anyway.
                u32::try_from(id).unwrap_or(u32::MAX),
                (g.lon1, g.lat1, g.azi1),
                (g.lon2, g.lat2, g.azi2),
                g.length_m,
                |s| {
                    let (_a12, lat, lon, azi, ..) = line._gen_position(
                        false,
                        s,
                        caps::LATITUDE | caps::LONGITUDE | caps::AZIMUTH,
                    );
                    (normalize_deg(lon), lat, azi)
                },
                &mut pieces,
            );
        }
        let items: Vec<TreePiece> = pieces
            .iter()
            .enumerate()
            .map(|(id, p)| TreePiece {
                chord: p.chord,
                id: u32::try_from(id).unwrap_or(u32::MAX),
                line: edges
                    .get(p.edge as usize)
                    .and_then(|e| u32::try_from(e.line).ok())
                    .unwrap_or(u32::MAX),
            })
            .collect();
        Ok(LineIndex {
            geod,
            tree: OnceLock::new(),
            grid: Grid::new(items.iter().map(|i| i.chord.envelope())),
            items,
            edges,
            pieces,
            lengths_m,
        })
    }

    /// The R-tree of the pieces (one bulk load, the first time it is asked for).
    fn tree(&self) -> &RTree<CachedPiece> {
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
            s.contenders.clear();
            s.solved.clear();
            let mut best_m = f64::INFINITY;
            for (t, lb2) in self.tree().nearest_neighbor_iter_with_distance_2(&q.p3) {
                if lb2.sqrt() > best_m + margin_m(best_m) {
                    break;
                }
                if let Some(c) = self.contend(t.id, lb2.sqrt(), &q, &mut s.solved) {
                    best_m = best_m.min(c.distance_m());
                    s.contenders.push(c);
                }
            }
            self.settle(&mut s.contenders, &q)
        }))
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
            self.groups(&q, max_m, |_| true, s);
            for g in &s.groups {
                if g.best_m > max_m + margin_m(max_m) {
                    continue;
                }
                if let Some(m) = self.settle(&mut s.contenders[g.range.clone()], &q) {
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
        let q = check_point(p)?;
        check_distance(max_m)?;
        Ok(with_scratch(|s| {
            self.groups(&q, max_m, accept, s);
            s.groups
                .sort_unstable_by(|a, b| a.best_m.total_cmp(&b.best_m).then(a.line.cmp(&b.line)));
            let mut best: Option<LineMatch> = None;
            for g in &s.groups {
                let bound = best.map_or(max_m, |b| b.distance_m);
                if g.best_m > bound + 2.0 * margin_m(bound) {
                    break;
                }
                if let Some(m) = self.settle(&mut s.contenders[g.range.clone()], &q) {
                    if m.distance_m <= max_m && best.as_ref().is_none_or(|b| better(&m, b)) {
                        best = Some(m);
                    }
                }
            }
            best
        }))
    }

    /// Fills `s.groups` and `s.contenders` with the contenders of every accepted line with a
    /// piece within `max_m` of `q` (steps 4 and 6 of the module documentation).
    fn groups(
        &self,
        q: &Query,
        max_m: f64,
        mut accept: impl FnMut(usize) -> bool,
        s: &mut Scratch,
    ) {
        // Step 4 of the proof: the cube `p ± max_m` holds every chord within `max_m`.
        let r = max_m + 1.0;
        let p3 = q.p3;
        let query = AABB::from_corners(
            [p3[0] - r, p3[1] - r, p3[2] - r],
            [p3[0] + r, p3[1] + r, p3[2] + r],
        );
        s.candidates.clear();
        s.contenders.clear();
        s.groups.clear();
        let mut consider = |t: &TreePiece| {
            let lower_bound_m = t.chord.lower_bound_m(p3);
            if lower_bound_m <= max_m {
                s.candidates.push(Candidate {
                    line: t.line as usize,
                    lower_bound_m,
                    id: t.id,
                });
            }
        };
        if r <= CELL_M {
            // At most two cells per axis: a few hash lookups instead of a walk down the tree.
            let items = &self.items;
            self.grid.query(query.lower(), query.upper(), |id| {
                if let Some(t) = items.get(id as usize) {
                    consider(t);
                }
            });
        } else {
            for t in self.tree().locate_in_envelope_intersecting(&query) {
                consider(t);
            }
        }
        // By line, then lower bound, then piece: the bounds are not negative (nor NaN: those
        // were not kept), so their bits, a zero's made positive, sort as their values.
        s.candidates
            .sort_unstable_by_key(|c| (c.line, (c.lower_bound_m + 0.0).to_bits(), c.id));
        for group in s.candidates.chunk_by(|a, b| a.line == b.line) {
            let line = group.first().map_or(usize::MAX, |c| c.line);
            if !accept(line) {
                continue;
            }
            let start = s.contenders.len();
            s.solved.clear();
            let mut best_m = f64::INFINITY;
            for c in group {
                if c.lower_bound_m > best_m + margin_m(best_m) {
                    break;
                }
                if let Some(k) = self.contend(c.id, c.lower_bound_m, q, &mut s.solved) {
                    best_m = best_m.min(k.distance_m());
                    s.contenders.push(k);
                }
            }
            if start < s.contenders.len() {
                s.groups.push(Group {
                    line,
                    best_m,
                    range: start..s.contenders.len(),
                });
            }
        }
    }

    /// The contender of piece `id` at lower bound `lower_bound_m`: its estimate when near, or
    /// its edge solved exactly (once per edge: `solved` lists the edges done).
    fn contend(
        &self,
        id: u32,
        lower_bound_m: f64,
        q: &Query,
        solved: &mut Vec<u32>,
    ) -> Option<Contender> {
        let piece = self.pieces.get(id as usize)?;
        if lower_bound_m <= NEAR_M {
            if let Some(e) = piece.estimate(q.p3) {
                return Some(Contender::Estimated {
                    distance_m: e.distance_m,
                    piece: id,
                    t: e.t,
                    foot: e.foot,
                });
            }
        }
        if solved.contains(&piece.edge) {
            return None;
        }
        solved.push(piece.edge);
        let info = self.edges.get(piece.edge as usize)?;
        let foot = solve(&self.geod, &info.geo, &info.chord, q.lon, q.lat, q.p3, None);
        Some(Contender::Exact(self.matched(info, &foot)))
    }

    /// The exact best of `contenders` (step 6): every contender within twice the margin of the
    /// least estimate is solved exactly, and the best exact match wins.
    fn settle(&self, contenders: &mut [Contender], q: &Query) -> Option<LineMatch> {
        let least = contenders
            .iter()
            .map(Contender::distance_m)
            .fold(f64::INFINITY, f64::min);
        let limit = least + 2.0 * margin_m(least);
        let mut best: Option<LineMatch> = None;
        let mut last_foot: Option<(f64, f64, f64)> = None;
        for c in contenders.iter() {
            if c.distance_m() > limit {
                continue;
            }
            let m = match *c {
                Contender::Exact(m) => m,
                Contender::Estimated {
                    piece,
                    t,
                    foot,
                    distance_m,
                } => match self.exact_at(piece, (t, foot, distance_m), q, &mut last_foot) {
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

    /// The exact closest point of the edge holding piece `id`, from the estimated foot at `t`
    /// (`foot` in ECEF) and distance `estimate_m`: by a perpendicular shot, or else checked
    /// with one inverse solution and solved from there when the check fails. `None` when the
    /// foot is the same vertex as `last` (already solved).
    fn exact_at(
        &self,
        id: u32,
        (t, foot, estimate_m): (f64, [f64; 3], f64),
        q: &Query,
        last: &mut Option<(f64, f64, f64)>,
    ) -> Option<LineMatch> {
        let piece = self.pieces.get(id as usize)?;
        let info = self.edges.get(piece.edge as usize)?;
        let g = &info.geo;
        let (lon, lat, azi_edge, at_end, along_m) = if t <= 0.0 && piece.first {
            (g.lon1, g.lat1, g.azi1, Some(false), 0.0)
        } else if t >= 1.0 && piece.last {
            (g.lon2, g.lat2, g.azi2, Some(true), g.length_m)
        } else {
            let ((lon, lat), frame) = surface_frame(foot);
            let (n, e) = north_east_of(&frame);
            let d = piece.direction(t);
            let azi = dot(d, e).atan2(dot(d, n)).to_degrees();
            let along = (piece.start_m + piece.along_m(t, foot)).clamp(0.0, g.length_m);
            let (de, dn) = (dot(d, e), dot(d, n));
            // Components of a tangent of the cubic (metres per unit of its parameter, up to
            // thousands): no overflow or underflow in the squares.
            let norm = (de * de + dn * dn).sqrt();
            if norm > 0.0 {
                let estimate = shot::Estimate {
                    lon_lat: (lon, lat),
                    p3: foot,
                    sin_cos: frame,
                    azi,
                    sin_cos_azi: (de / norm, dn / norm),
                    along_m: along,
                    distance_m: estimate_m,
                };
                if let Some(f) = shot::shot(&self.geod, &estimate, g.length_m, q.p3) {
                    return Some(self.matched(info, &f));
                }
            }
            (lon, lat, azi, None, along)
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
                let v3 = if end { info.chord.b } else { info.chord.a };
                shot::to_vertex(&self.geod, &SinCos::of(lon, lat), v3, q.p3)
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
fn better(a: &LineMatch, b: &LineMatch) -> bool {
    match a.distance_m.total_cmp(&b.distance_m) {
        Ordering::Less => true,
        Ordering::Greater => false,
        Ordering::Equal => (a.line, a.edge) < (b.line, b.edge),
    }
}

/// A validated query point.
#[derive(Clone, Copy, Debug)]
struct Query {
    lon: f64,
    lat: f64,
    p3: [f64; 3],
}

/// Validates a query point.
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
