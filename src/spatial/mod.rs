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
//! 1. A straight 3-D chord is never longer than any surface path between its ends, so the chord
//!    distance `|p - q|` is a lower bound of the geodesic distance from `p` to `q`.
//! 2. Every point `q` of an edge's geodesic of length `L` between vertices `a`, `b` satisfies
//!    `|q - a| + |q - b| <= L` (by 1, applied to the two parts of the edge), so it lies in the
//!    solid ellipsoid of revolution with foci `a`, `b` and major axis `L`, and therefore within
//!    that ellipsoid's semi-minor axis `h = sqrt(L² - |a - b|²) / 2` of the chord segment `ab`.
//!    (`h` is about 2 cm for a 1 km edge, 2 m for a 10 km edge; a micrometre is added to absorb
//!    rounding.)
//! 3. Hence `max(0, dist(p, segment ab) - h)` is a lower bound of the geodesic distance from `p`
//!    to the edge, and the axis-aligned box of `ab` grown by `h` contains the whole geodesic —
//!    including its poleward bulge and across the antimeridian or a pole, which need no special
//!    case in ECEF.
//! 4. `within(p, d)`: an edge at geodesic distance `<= d` has a point within chord `d` of `p`
//!    (1), inside its box (3), so its box meets the cube `p ± d`; the R-tree returns every such
//!    box. Edges whose lower bound (3) exceeds `d`, or exceeds the best exact distance already
//!    found on the same line, cannot hold the line's closest point and are skipped; every other
//!    edge is solved exactly.
//! 5. `nearest(p)`: the R-tree yields edges in increasing order of the lower bound (3) (its node
//!    boxes bound their edges' lower bounds from below); the search stops at the first edge
//!    whose lower bound exceeds the best exact distance found, since every later edge is at
//!    least that far.
//!
//! # Exact distance to an edge
//! The closest point of an edge is found by the intercept iteration of Baselga and
//! Martínez-Llario (2018): from a point on the edge, solve the inverse problem to the query
//! point, and move along the edge (direct problem on its geodesic) by the spherical
//! right-triangle correction until the move is below a tolerance (1 nm plus 1e-7 of the
//! distance, at most 0.2 mm: the distance is stationary at the foot, so its error stays far
//! below a micrometre, and the measure along the line within 0.2 mm); the foot is clamped to the edge, so a
//! vertex is the answer when the perpendicular foot falls outside. Edges whose vertices are more
//! than 80° from the query point (where several local minima are possible) are sampled and
//! refined by golden-section search instead.
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

mod edge;
mod error;

use std::cell::RefCell;
use std::cmp::Ordering;

use geo_types::{LineString, Point};
use geographiclib_rs::Geodesic;
use rstar::primitives::CachedEnvelope;
use rstar::{PointDistance, RTree, RTreeObject, AABB};

use edge::{ecef, inverse, solve, Chord, Edge, Foot};
pub use error::{InvalidLines, LineProblem, QueryError};

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
    /// ECEF chord and bulge.
    chord: Chord,
    /// The previous non-degenerate edge of the line, if any: its index and its azimuth at its
    /// end vertex (this edge's start vertex).
    prev: Option<(usize, f64)>,
    /// Azimuth at its start vertex (this edge's end vertex) of the next non-degenerate edge of
    /// the line, if any.
    next_azi: Option<f64>,
}

/// An edge as the R-tree sees it.
#[derive(Clone, Copy, Debug)]
struct TreeEdge {
    chord: Chord,
    id: u32,
}

impl RTreeObject for TreeEdge {
    type Envelope = AABB<[f64; 3]>;

    fn envelope(&self) -> Self::Envelope {
        let (lo, hi) = self.chord.envelope();
        AABB::from_corners(lo, hi)
    }
}

/// The tree's objects: edges with their envelope computed once (rstar asks for it at every
/// visit of a leaf).
type CachedEdge = CachedEnvelope<TreeEdge>;

impl PointDistance for TreeEdge {
    /// The squared lower bound of the geodesic distance; never below the squared distance to the
    /// envelope (the envelope contains the chord grown by the bulge), as the tree requires.
    fn distance_2(&self, point: &[f64; 3]) -> f64 {
        let lb = self.chord.lower_bound_m(*point);
        lb * lb
    }
}

/// A candidate edge of a `within` query.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    line: usize,
    lower_bound_m: f64,
    id: u32,
}

thread_local! {
    /// Candidate buffer reused by every `within` query on this thread.
    static CANDIDATES: RefCell<Vec<Candidate>> = const { RefCell::new(Vec::new()) };
}

/// Index over the edges of a set of lines, answering nearest-line and within-distance queries
/// with exact geodesic distances. See the [module documentation](self) for the method and the
/// proof that no line within the distance is missed.
#[derive(Clone, Debug)]
pub struct LineIndex {
    geod: Geodesic,
    tree: RTree<CachedEdge>,
    edges: Vec<EdgeInfo>,
    line_count: usize,
}

impl LineIndex {
    /// Builds the index (one bulk load over every non-degenerate edge).
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
        for (line, ls) in lines.iter().enumerate() {
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
        let tree_edges = edges
            .iter()
            .enumerate()
            .map(|(id, e)| {
                CachedEnvelope::new(TreeEdge {
                    chord: e.chord,
                    // Edge ids fit in u32: 4 billion edges would not fit in memory anyway.
                    id: u32::try_from(id).unwrap_or(u32::MAX),
                })
            })
            .collect();
        Ok(LineIndex {
            geod,
            tree: RTree::bulk_load(tree_edges),
            edges,
            line_count: lines.len(),
        })
    }

    /// Number of lines given to [`LineIndex::new`].
    pub fn line_count(&self) -> usize {
        self.line_count
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
        let (lon, lat, p3) = check_point(p)?;
        let mut best: Option<LineMatch> = None;
        for (t, lb2) in self.tree.nearest_neighbor_iter_with_distance_2(&p3) {
            if let Some(b) = &best {
                if lb2.sqrt() > b.distance_m {
                    break;
                }
            }
            let Some(m) = self.solve(t.id, lon, lat, p3) else {
                continue;
            };
            if best.as_ref().is_none_or(|b| better(&m, b)) {
                best = Some(m);
            }
        }
        Ok(best)
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
        let (lon, lat, p3) = check_point(p)?;
        if !(max_m.is_finite() && max_m >= 0.0) {
            return Err(QueryError::InvalidDistance { max_m });
        }
        // Step 4 of the proof: the cube `p ± max_m` holds every chord within `max_m`.
        let r = max_m + 1.0;
        let query = AABB::from_corners(
            [p3[0] - r, p3[1] - r, p3[2] - r],
            [p3[0] + r, p3[1] + r, p3[2] + r],
        );
        CANDIDATES.with(|cell| {
            let mut guard = cell.try_borrow_mut();
            let mut local = Vec::new();
            let cands: &mut Vec<Candidate> = match guard.as_deref_mut() {
                Ok(v) => v,
                Err(_) => &mut local,
            };
            cands.clear();
            for t in self.tree.locate_in_envelope_intersecting(&query) {
                let lower_bound_m = t.chord.lower_bound_m(p3);
                if lower_bound_m <= max_m {
                    let line = self.edges.get(t.id as usize).map_or(usize::MAX, |e| e.line);
                    cands.push(Candidate {
                        line,
                        lower_bound_m,
                        id: t.id,
                    });
                }
            }
            cands.sort_unstable_by(|a, b| {
                a.line
                    .cmp(&b.line)
                    .then(a.lower_bound_m.total_cmp(&b.lower_bound_m))
                    .then(a.id.cmp(&b.id))
            });
            for group in cands.chunk_by(|a, b| a.line == b.line) {
                let mut best: Option<LineMatch> = None;
                for c in group {
                    if let Some(b) = &best {
                        if c.lower_bound_m > b.distance_m {
                            break;
                        }
                    }
                    let Some(m) = self.solve(c.id, lon, lat, p3) else {
                        continue;
                    };
                    if best.as_ref().is_none_or(|b| better(&m, b)) {
                        best = Some(m);
                    }
                }
                if let Some(b) = best {
                    if b.distance_m <= max_m {
                        out.push(b);
                    }
                }
            }
            cands.clear();
        });
        out.sort_unstable_by(|a, b| {
            a.distance_m
                .total_cmp(&b.distance_m)
                .then(a.line.cmp(&b.line))
        });
        Ok(())
    }

    /// The exact closest point of edge `id` to the query point.
    fn solve(&self, id: u32, lon: f64, lat: f64, p3: [f64; 3]) -> Option<LineMatch> {
        let info = self.edges.get(id as usize)?;
        let foot = solve(&self.geod, &info.geo, &info.chord, lon, lat, p3);
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
        Some(LineMatch {
            line: info.line,
            edge,
            distance_m: foot.distance_m,
            closest: Point::new(foot.lon, foot.lat),
            measure_m: info.measure_start_m + foot.along_m,
            side: side(azi_in, azi_out, &foot),
        })
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

/// Validates a query point; returns its longitude, latitude and ECEF position.
fn check_point(p: Point<f64>) -> Result<(f64, f64, [f64; 3]), QueryError> {
    let (lon, lat) = (p.x(), p.y());
    if lon.is_finite()
        && lat.is_finite()
        && (-180.0..=180.0).contains(&lon)
        && (-90.0..=90.0).contains(&lat)
    {
        Ok((lon, lat, ecef(lon, lat)))
    } else {
        Err(QueryError::InvalidPoint { lon, lat })
    }
}

/// Side of the query point at a foot, given the line's incoming and outgoing azimuths there (the
/// same azimuth inside an edge). See the module documentation.
fn side(azi_in: f64, azi_out: f64, foot: &Foot) -> Side {
    if foot.distance_m < ON_LINE_M {
        return Side::On;
    }
    let ccw = |x: f64| (azi_out - x).rem_euclid(360.0);
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
