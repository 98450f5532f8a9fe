//! One edge — the geodesic between two consecutive vertices — with its conservative 3-D bounds
//! and the exact point-to-edge solver.

use std::cell::OnceCell;

use geographiclib_rs::{capability as caps, Geodesic, GeodesicLine, InverseGeodesic};

use super::ecef::{cross, dot, normalize_deg, sub, MEAN_RADIUS_M};
use super::geographiclib_adapter;

/// Slack added to every bulge and removed from every lower bound, in metres, to absorb floating
/// point rounding in Earth-centred coordinates (whose unit in the last place is about 1e-9 m).
const ROUNDING_SLACK_M: f64 = 1e-6;
/// The intercept iteration stops when its step along the edge is below this, in metres (or below
/// a few units in the last place of the distance along the edge, on very long edges), plus
/// [`RELATIVE_STEP`] of the distance to the point.
const STEP_TOLERANCE_M: f64 = 1e-9;
/// Part of the stop tolerance that grows with the distance `d` from the point: `1e-7 d`, at most
/// [`MAX_RELATIVE_STEP_M`]. The distance is stationary at the foot, so a foot `s` off changes it
/// by about `s² / 2d`: at most `5e-15 d`, far below a micrometre; the measure along the line is
/// off by at most `s` (0.5 mm at 5 km, never more than 0.2 mm beyond). Most queries then stop
/// after one evaluation instead of two or three.
const RELATIVE_STEP: f64 = 1e-7;
/// Cap of the distance-relative part of the stop tolerance, in metres.
const MAX_RELATIVE_STEP_M: f64 = 2e-4;
/// The intercept iteration falls back to the bracketing search after this many steps.
const MAX_STEPS: usize = 40;
/// Cosine of 80°: beyond this geocentric angle from the query point an edge may hold more than
/// one local minimum of distance (see [`solve`]), so the bracketing search is used.
const COS_FAR: f64 = 0.173_648_177_666_930_35;
/// Steps below this (metres) that no longer shrink are rounding noise: the iteration stops.
const NOISE_STEP_M: f64 = 1e-6;
/// Number of samples of the bracketing search.
const SAMPLES: usize = 64;

/// The straight chord of an edge in Earth-centred coordinates and how far its geodesic can stray
/// from it. Every point of the geodesic lies within `bulge_m` of the chord segment.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Chord {
    /// Start vertex.
    pub a: [f64; 3],
    /// End vertex.
    pub b: [f64; 3],
    /// Bound on the distance of any point of the geodesic from the chord segment, in metres.
    pub bulge_m: f64,
}

impl Chord {
    /// The chord of a geodesic of length `length_m` between `a` and `b`.
    ///
    /// Every point `q` of the geodesic satisfies `|q - a| + |q - b| <= length_m` (a chord is no
    /// longer than the arc it spans), so the geodesic lies in the solid ellipsoid of revolution
    /// with foci `a`, `b` and major axis `length_m`. Every point of that ellipsoid is within its
    /// semi-minor axis `sqrt(length² - chord²) / 2` of the focal segment.
    pub fn new(a: [f64; 3], b: [f64; 3], length_m: f64) -> Chord {
        let ab = sub(b, a);
        let chord_m = dot(ab, ab).sqrt();
        let excess_m = (length_m - chord_m).max(0.0) + ROUNDING_SLACK_M;
        let bulge_m = ((length_m + chord_m + excess_m) * excess_m).sqrt() / 2.0 + ROUNDING_SLACK_M;
        Chord { a, b, bulge_m }
    }

    /// Axis-aligned box holding the whole geodesic: the chord's box grown by the bulge.
    pub fn envelope(&self) -> ([f64; 3], [f64; 3]) {
        let r = self.bulge_m;
        let lo = [
            self.a[0].min(self.b[0]) - r,
            self.a[1].min(self.b[1]) - r,
            self.a[2].min(self.b[2]) - r,
        ];
        let hi = [
            self.a[0].max(self.b[0]) + r,
            self.a[1].max(self.b[1]) + r,
            self.a[2].max(self.b[2]) + r,
        ];
        (lo, hi)
    }

    /// A lower bound, in metres, on the geodesic distance from the surface point `p` to any
    /// point of the edge: the straight distance to the chord segment less the bulge. A geodesic
    /// is never shorter than the straight line between its ends.
    pub fn lower_bound_m(&self, p: [f64; 3]) -> f64 {
        let ab = sub(self.b, self.a);
        let ap = sub(p, self.a);
        let len2 = dot(ab, ab);
        let t = if len2 > 0.0 {
            (dot(ap, ab) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let d = sub(ap, [ab[0] * t, ab[1] * t, ab[2] * t]);
        (dot(d, d).sqrt() - self.bulge_m - ROUNDING_SLACK_M).max(0.0)
    }

    /// First guess of the arc fraction (0..=1) of the foot of `p`: the angle, about the Earth's
    /// centre, of `p`'s projection on the plane of the chord and the centre.
    pub(crate) fn guess_fraction(&self, p: [f64; 3]) -> f64 {
        let ab = sub(self.b, self.a);
        let ab2 = dot(ab, ab);
        if ab2 > 0.0 && ab2 < 1.0e10 {
            // Edges under 100 km: project on the chord in 3-D. The chord is nearly level, so
            // this is the projection in the local horizontal plane, within millimetres of the
            // geodesic foot for points a few kilometres away.
            return (dot(sub(p, self.a), ab) / ab2).clamp(0.0, 1.0);
        }
        let n = cross(self.a, self.b);
        let nn = dot(n, n);
        if nn <= 0.0 {
            return 0.5;
        }
        let k = dot(p, n) / nn;
        let q = sub(p, [n[0] * k, n[1] * k, n[2] * k]);
        let n_len = nn.sqrt();
        let angle_q = (dot(cross(self.a, q), n) / n_len).atan2(dot(self.a, q));
        let angle_b = n_len.atan2(dot(self.a, self.b));
        if angle_b > 0.0 {
            (angle_q / angle_b).clamp(0.0, 1.0)
        } else {
            0.5
        }
    }
}

/// The geodesic data of one edge.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Edge {
    /// Start vertex longitude, degrees.
    pub lon1: f64,
    /// Start vertex latitude, degrees.
    pub lat1: f64,
    /// End vertex longitude, degrees.
    pub lon2: f64,
    /// End vertex latitude, degrees.
    pub lat2: f64,
    /// Forward azimuth at the start vertex, degrees clockwise from north.
    pub azi1: f64,
    /// Forward azimuth at the end vertex, degrees.
    pub azi2: f64,
    /// Geodesic length, metres.
    pub length_m: f64,
}

/// Where on an edge the distance to a point is least.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Foot {
    /// Geodesic distance from the start vertex along the edge, metres.
    pub along_m: f64,
    /// Longitude of the foot, degrees in (-180, 180].
    pub lon: f64,
    /// Latitude of the foot, degrees.
    pub lat: f64,
    /// Geodesic distance from the foot to the point, metres.
    pub distance_m: f64,
    /// Forward azimuth of the edge at the foot, degrees.
    pub azi_edge: f64,
    /// Azimuth of the geodesic from the foot to the point, degrees.
    pub azi_to_point: f64,
    /// Whether the foot is the start vertex (`Some(false)`), the end vertex (`Some(true)`), or
    /// inside the edge (`None`).
    pub at_end: Option<bool>,
}

/// Geodesic distance and azimuths between two points: `(s12, azi1, azi2)`.
pub(crate) fn inverse(
    geod: &Geodesic,
    lon1: f64,
    lat1: f64,
    lon2: f64,
    lat2: f64,
) -> (f64, f64, f64) {
    let (s12, azi1, azi2, _a12): (f64, f64, f64, f64) = geod.inverse(lat1, lon1, lat2, lon2);
    (s12, azi1, azi2)
}

struct EdgeWalker<'a> {
    geod: &'a Geodesic,
    /// The edge's geodesic, made at the first position asked for inside the edge. A point
    /// tens of kilometres and more from a short edge mostly has its foot at a vertex, where
    /// the iteration starts and stops: the line is never used, and making it cost 4.9 M of
    /// the 999 M instructions of the README benchmark (100,000 rows), 1,700 a solution
    /// (BENCHMARKS.md).
    line: OnceCell<GeodesicLine>,
    edge: &'a Edge,
    p_lon: f64,
    p_lat: f64,
}

impl EdgeWalker<'_> {
    /// The foot candidate at `along_m`, with exact vertex coordinates at the ends.
    fn at(&self, along_m: f64) -> Foot {
        let e = self.edge;
        let (lon, lat, azi_edge, at_end) = if along_m <= 0.0 {
            (e.lon1, e.lat1, e.azi1, Some(false))
        } else if along_m >= e.length_m {
            (e.lon2, e.lat2, e.azi2, Some(true))
        } else {
            let line = self.line.get_or_init(|| {
                GeodesicLine::new(
                    self.geod,
                    e.lat1,
                    e.lon1,
                    e.azi1,
                    Some(caps::LATITUDE | caps::LONGITUDE | caps::AZIMUTH | caps::DISTANCE_IN),
                    None,
                    None,
                )
            });
            let (lat, lon, azi) = geographiclib_adapter::position(line, along_m);
            (normalize_deg(lon), lat, azi, None)
        };
        Foot::towards(
            self.geod,
            along_m.clamp(0.0, e.length_m),
            (lon, lat),
            azi_edge,
            at_end,
            (self.p_lon, self.p_lat),
        )
    }
}

impl Foot {
    /// The foot at `(lon, lat)`, `along_m` along its edge (whose azimuth there is `azi_edge`),
    /// with the inverse solution from there to the query point `p`.
    pub(crate) fn towards(
        geod: &Geodesic,
        along_m: f64,
        (lon, lat): (f64, f64),
        azi_edge: f64,
        at_end: Option<bool>,
        p: (f64, f64),
    ) -> Foot {
        let (distance_m, azi_to_point, _) = inverse(geod, lon, lat, p.0, p.1);
        Foot::at(
            along_m,
            (lon, lat),
            azi_edge,
            at_end,
            (distance_m, azi_to_point),
        )
    }

    /// The foot at `(lon, lat)`, `along_m` along its edge (whose azimuth there is `azi_edge`),
    /// with the distance and azimuth from there to the query point already known.
    pub(crate) fn at(
        along_m: f64,
        (lon, lat): (f64, f64),
        azi_edge: f64,
        at_end: Option<bool>,
        (distance_m, azi_to_point): (f64, f64),
    ) -> Foot {
        Foot {
            along_m,
            lon,
            lat,
            distance_m,
            azi_edge,
            azi_to_point,
            at_end,
        }
    }
}

/// The point of the edge nearest to `(p_lon, p_lat)` (Earth-centred `p`), by geodesic distance.
///
/// Method: the intercept iteration of Baselga & Martínez-Llario (2018, "Intersection and point-to-
/// line solutions for geodesics on the ellipsoid", Stud. Geophys. Geod. 62) — from the current
/// foot `X` on the edge, solve the inverse problem `X → p` for distance `d` and azimuth, take the
/// angle `A` between it and the edge's azimuth at `X`, move along the edge by the spherical
/// right-triangle leg `R·atan2(sin(d/R)·cos A, cos(d/R))`, clamped to the edge, until the move is
/// below the stop tolerance ([`STEP_TOLERANCE_M`] plus [`RELATIVE_STEP`] of the distance, at most
/// 0.2 mm). The fixed point has `cos A = 0` (the geodesic to `p` meets the edge at a right
/// angle, the first-order condition of a minimum) or sits at a vertex with the step pointing
/// outwards. Positions along the edge come from the direct problem on the edge's
/// [`GeodesicLine`], distances from the inverse problem (Karney 2013), so the distance is exact to
/// the accuracy of those solutions (nanometres) plus the stop tolerance's second-order effect, not
/// to that of the sphere used to scale the step.
///
/// Uniqueness: on a sphere the distance from `p` to the points of a great-circle arc has a
/// single local minimum unless the arc comes within the hemisphere opposite `p`. When either
/// vertex is more than 80° (geocentric) from `p` — a margin far beyond the ellipsoid's departure
/// from a sphere — the edge is instead sampled at 64 points (and both vertices) and the iteration
/// started from the best sample, with golden-section search of the best bracket as the last
/// resort; the same fallback catches any iteration that fails to settle.
///
/// The iteration starts at `start_m` along the edge when given (a foot estimated elsewhere),
/// otherwise at the projection of `p` on the chord.
pub(crate) fn solve(
    geod: &Geodesic,
    edge: &Edge,
    chord: &Chord,
    p_lon: f64,
    p_lat: f64,
    p: [f64; 3],
    start_m: Option<f64>,
) -> Foot {
    let walker = EdgeWalker {
        geod,
        line: OnceCell::new(),
        edge,
        p_lon,
        p_lat,
    };
    let p_norm = dot(p, p).sqrt();
    let far = dot(p, chord.a) < COS_FAR * p_norm * dot(chord.a, chord.a).sqrt()
        || dot(p, chord.b) < COS_FAR * p_norm * dot(chord.b, chord.b).sqrt();
    if !far {
        let start_m = start_m.unwrap_or_else(|| chord.guess_fraction(p) * edge.length_m);
        if let Some(foot) = intercept(&walker, start_m) {
            return foot;
        }
    }
    bracket(&walker)
}

/// One step of the intercept iteration from `foot` on an edge of length `length_m`: where it
/// goes (clamped to the edge), how far that is, and the tolerance below which the iteration
/// stops.
pub(crate) fn intercept_step(foot: &Foot, length_m: f64) -> (f64, f64, f64) {
    let angle = (foot.azi_to_point - foot.azi_edge).to_radians();
    let sigma = foot.distance_m / MEAN_RADIUS_M;
    let step_m = MEAN_RADIUS_M * (sigma.sin() * angle.cos()).atan2(sigma.cos());
    let next_m = (foot.along_m + step_m).clamp(0.0, length_m);
    let moved_m = (next_m - foot.along_m).abs();
    // Azimuths carry rounding of about 1e-15 rad, i.e. `1e-15 d` metres of noise in the
    // step: stop below that.
    let tolerance_m = STEP_TOLERANCE_M
        + (RELATIVE_STEP * foot.distance_m).min(MAX_RELATIVE_STEP_M)
        + 1e-12 * foot.distance_m
        + 8.0 * f64::EPSILON * length_m;
    (next_m, moved_m, tolerance_m)
}

/// Whether `foot` is at a vertex of the edge and the intercept step from it surely points off
/// the edge, where the clamp brings it back to the vertex: the foot is then settled. The step's
/// sign is that of the cosine of the angle between the azimuths (the sine and cosine of `d/R`
/// are positive below `R`), read from the angle itself: its cosine is negative strictly between
/// the right angles `π/2` and `3π/2` and positive outside them, and the 1e-5 rad kept clear of
/// each is far more than any rounding of the cosine there. This spares the step's sine, cosine
/// and arc tangent for nearly every foot at a vertex (BENCHMARKS.md).
fn steps_off_its_vertex(foot: &Foot, length_m: f64) -> bool {
    use std::f64::consts::FRAC_PI_2;
    // Clear of the right angles by far more than the cosine's rounding there.
    const CLEAR: f64 = 1e-5;
    // `intercept_step`'s angle, whose magnitude is at most 2π (azimuths within ±180°).
    let angle = (foot.azi_to_point - foot.azi_edge).to_radians().abs();
    if foot.distance_m.is_nan() || foot.distance_m >= MEAN_RADIUS_M || angle.is_nan() {
        return false;
    }
    let backwards = (FRAC_PI_2 + CLEAR..=3.0 * FRAC_PI_2 - CLEAR).contains(&angle);
    let forwards = !(FRAC_PI_2 - CLEAR..=3.0 * FRAC_PI_2 + CLEAR).contains(&angle);
    (foot.along_m == 0.0 && backwards) || (foot.along_m == length_m && forwards)
}

/// Whether `foot` is a fixed point of the intercept iteration: the point is on the edge, or the
/// next step is below its tolerance and does not end on a vertex the foot is not at.
pub(crate) fn settled(foot: &Foot, length_m: f64) -> bool {
    if foot.distance_m == 0.0 || steps_off_its_vertex(foot, length_m) {
        return true;
    }
    let (next_m, moved_m, tolerance_m) = intercept_step(foot, length_m);
    moved_m <= tolerance_m && (next_m == foot.along_m || (next_m != 0.0 && next_m != length_m))
}

fn intercept(walker: &EdgeWalker<'_>, start_m: f64) -> Option<Foot> {
    let length_m = walker.edge.length_m;
    let mut foot = walker.at(start_m);
    let mut last_step_m = f64::INFINITY;
    for _ in 0..MAX_STEPS {
        if foot.distance_m == 0.0 {
            return Some(foot);
        }
        let (next_m, moved_m, tolerance_m) = intercept_step(&foot, length_m);
        // Stop below the tolerance, or once tiny steps stop shrinking.
        if moved_m <= tolerance_m || (moved_m < NOISE_STEP_M && moved_m >= 0.5 * last_step_m) {
            if next_m != foot.along_m && (next_m == 0.0 || next_m == length_m) {
                // A last tiny step onto a vertex: take the vertex itself when no farther.
                let end = walker.at(next_m);
                if end.distance_m <= foot.distance_m {
                    return Some(end);
                }
            }
            return Some(foot);
        }
        last_step_m = moved_m;
        foot = walker.at(next_m);
    }
    None
}

fn bracket(walker: &EdgeWalker<'_>) -> Foot {
    let length_m = walker.edge.length_m;
    let step_m = length_m / SAMPLES as f64;
    let mut best = walker.at(0.0);
    let mut best_i = 0usize;
    for i in 1..=SAMPLES {
        let f = walker.at(if i == SAMPLES {
            length_m
        } else {
            i as f64 * step_m
        });
        if f.distance_m < best.distance_m {
            best = f;
            best_i = i;
        }
    }
    // Polish from the best sample: the intercept iteration converges to the minimum of the
    // bracket around it; golden-section search is the last resort.
    if let Some(f) = intercept(walker, best.along_m) {
        if f.distance_m <= best.distance_m {
            return f;
        }
    }
    let mut lo = best_i.saturating_sub(1) as f64 * step_m;
    let mut hi = ((best_i + 1).min(SAMPLES) as f64 * step_m).min(length_m);
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let mut x1 = hi - ratio * (hi - lo);
    let mut x2 = lo + ratio * (hi - lo);
    let mut f1 = walker.at(x1);
    let mut f2 = walker.at(x2);
    while hi - lo > STEP_TOLERANCE_M + 8.0 * f64::EPSILON * length_m {
        if f1.distance_m <= f2.distance_m {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - ratio * (hi - lo);
            f1 = walker.at(x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + ratio * (hi - lo);
            f2 = walker.at(x2);
        }
    }
    for f in [f1, f2] {
        if f.distance_m < best.distance_m {
            best = f;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spatial::ecef::ecef;
    use proptest::prelude::*;

    /// [`settled`] by the step alone, without the shortcut at vertices.
    fn settled_by_the_step(foot: &Foot, length_m: f64) -> bool {
        if foot.distance_m == 0.0 {
            return true;
        }
        let (next_m, moved_m, tolerance_m) = intercept_step(foot, length_m);
        moved_m <= tolerance_m && (next_m == foot.along_m || (next_m != 0.0 && next_m != length_m))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// At a vertex the shortcut answers as the step does, whatever the azimuths (right
        /// angles and their neighbours among them) and the distance.
        #[test]
        fn a_foot_at_a_vertex_is_settled_as_the_step_says(
            azi_edge in prop_oneof![-180.0..=180.0f64, Just(0.0), Just(90.0), Just(-90.0), Just(180.0)],
            turn in prop_oneof![
                -360.0..=360.0f64,
                (-4i32..=4).prop_map(|k| f64::from(k) * 90.0),
                (-4i32..=4, -1e-3..1e-3f64).prop_map(|(k, e)| f64::from(k) * 90.0 + e),
            ],
            distance_m in prop_oneof![0.0..100_000.0f64, 0.0..20_000_000.0f64, Just(0.0), Just(1e-300)],
            at_end in any::<bool>(),
            length_m in 1.0..200_000.0f64,
        ) {
            let azi_to_point = normalize_deg(azi_edge + turn);
            let foot = Foot {
                along_m: if at_end { length_m } else { 0.0 },
                lon: 69.0,
                lat: 41.0,
                distance_m,
                azi_edge,
                azi_to_point,
                at_end: Some(at_end),
            };
            prop_assert_eq!(settled(&foot, length_m), settled_by_the_step(&foot, length_m));
        }
    }

    #[test]
    fn bulge_contains_midpoint_of_long_edge() {
        let geod = Geodesic::wgs84();
        let (lon1, lat1, lon2, lat2) = (10.0, 0.0, 19.0, 0.0);
        let (len, azi1, _) = inverse(&geod, lon1, lat1, lon2, lat2);
        let chord = Chord::new(ecef(lon1, lat1), ecef(lon2, lat2), len);
        let mid = ecef(14.5, 0.0);
        // The midpoint of the equatorial arc lies above the chord by its sagitta.
        assert!(chord.lower_bound_m(mid) == 0.0);
        let line = GeodesicLine::new(&geod, lat1, lon1, azi1, None, None, None);
        for k in 0..=20 {
            let (lat, lon, _) = geographiclib_adapter::position(&line, len * k as f64 / 20.0);
            let q = ecef(lon, lat);
            let (lo, hi) = chord.envelope();
            for i in 0..3 {
                assert!(lo[i] <= q[i] && q[i] <= hi[i]);
            }
        }
    }
}
