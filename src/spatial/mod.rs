//! Geodesically exact nearest-line and within-distance search over WGS84 lines.
//!
//! [`LineIndex`] indexes plain [`LineString`](geo_types::LineString)s (longitude/latitude, WGS84) and answers, for a
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
//! Each edge is cut into **sections** of at most 5 km (the edge's geodesic between points given by
//! Karney's direct solution); the R-tree holds the sections.
//! 1. A straight 3-D chord is never longer than any surface path between its ends, so the chord
//!    distance `|p - q|` is a lower bound of the geodesic distance from `p` to `q`.
//! 2. Every point `q` of a section's geodesic of length `L` between its ends `a`, `b` satisfies
//!    `|q - a| + |q - b| <= L` (by 1, applied to the two parts of the section), so it lies in the
//!    solid ellipsoid of revolution with foci `a`, `b` and major axis `L`, and therefore within
//!    that ellipsoid's semi-minor axis `h = sqrt(L² - |a - b|²) / 2` of the chord segment `ab`.
//!    (`h` is about 2 cm for a 1 km section, 0.6 m for a 5 km section; a micrometre is added to
//!    absorb rounding.)
//! 3. Hence `max(0, dist(p, segment ab) - h)` is a lower bound of the geodesic distance from `p`
//!    to the section, and the axis-aligned box of `ab` grown by `h` contains the whole geodesic —
//!    including its poleward bulge and across the antimeridian or a pole, which need no special
//!    case in ECEF.
//! 4. `within(p, d)`: a section at geodesic distance `<= d` has a point within chord `d` of `p`
//!    (1), inside its box (3), so its box meets the cube `p ± d`; the R-tree returns every such
//!    box, and sections whose lower bound (3) exceeds `d` are dropped. For `d` up to 128 km a hash
//!    grid of 64 km cubes does the same with a few lookups: each section is listed in every cell
//!    its box (rounded outwards to `f32`) meets, so the cells the cube meets list every section
//!    whose box meets the cube.
//! 5. `nearest(p)`: the R-tree yields sections in increasing order of the lower bound (3) (its node
//!    boxes bound their sections' lower bounds from below).
//! 6. Ranking, then exact answers. Each remaining section gets an **estimate** of its closest point
//!    and distance (below), accurate to micrometres near the line and within the margin
//!    `1 mm + 1e-7 d` up to 50 km; sections whose lower bound is beyond 50 km are solved exactly
//!    on their edge instead. Sections whose lower bound exceeds the best estimate plus the margin
//!    cannot hold the closest point and are skipped; lines whose best estimate exceeds the
//!    distance asked plus the margin cannot be within it. Every other candidate — the best, and
//!    any within twice the margin of it — is **solved exactly** (see "Exact distance to an edge" below), and only exact
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
//! corrected by one **perpendicular geodesic** (the `foot_correction` module): the geodesic leaving the edge at
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
//! A section is represented by the cubic that matches its geodesic's end points and end directions
//! (Hermite interpolation in ECEF; within 6 nm of the geodesic for a 5 km section). The estimated
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

mod carried_bound;
mod closest_point;
mod direct;
pub(crate) mod ecef;
mod edge;
mod edge_section;
mod error;
mod foot_correction;
mod geographiclib_adapter;
mod grid;
mod line_index;
mod nearest_search;
mod query_point;
mod section_blocks;
mod within_search;

use geo_types::Point;

pub(crate) use carried_bound::AnchoredBounds;
pub use error::{InvalidLines, LineProblem, QueryError};
pub use line_index::LineIndex;
pub(crate) use query_point::Query;

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
