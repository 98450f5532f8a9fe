//! Sections of edges: each edge's geodesic cut into stretches of at most [`MAX_SECTION_M`], each
//! represented in Earth-centred coordinates by the cubic that matches the geodesic's end points
//! and end directions (Hermite interpolation), to estimate the foot of a query point without
//! solving any geodesic problem.
//!
//! The estimate only ranks candidates and starts the exact check: the distance reported for a
//! foot is always Karney's inverse solution from the foot to the point, and the foot is accepted
//! only when that solution meets the edge at a right angle (see `LineIndex`).
//!
//! # Accuracy
//! A geodesic is a smooth space curve whose curvature is the ellipsoid's normal curvature along
//! it, at most `1 / M_equator` (M = 6,335 km). The cubic Hermite interpolant of a curve of length
//! `L` departs from it by at most `L⁴ max|q''''| / 384`, about `L⁴ κ³ / 384`: 6 nm for
//! `L` = 5 km. The estimated distance `c (1 + c² / 24R²)` from the chord `c` between the point
//! and the foot (the chord-to-arc series of a curve of mean curvature `1 / R`) is within
//! `c³ |κ² - 1/R²| / 24` of the geodesic distance, about 1.5 µm at 5 km and 1.5 mm at 50 km,
//! inside the ranking margin [`margin_m`].

use super::ecef::{dot, ecef_of, sub, tangent_of, SinCos, MEAN_RADIUS_M};
use super::edge::Chord;

/// Longest section, in metres. Every edge longer than this is cut into equal sections.
pub(crate) const MAX_SECTION_M: f64 = 5_000.0;

/// The estimate is used for points whose lower bound to the section is at most this, in metres;
/// farther sections are solved exactly on their edge.
pub(crate) const NEAR_M: f64 = 50_000.0;

/// Foot estimates stop when the parameter moves less than this many metres.
const NEWTON_TOLERANCE_M: f64 = 1e-7;

/// At most this many Newton steps; an estimate that has not settled by then is given up.
const NEWTON_STEPS: usize = 8;

/// The margin, in metres, within which two estimated distances `estimate_m` apart may rank
/// either way, so both are checked exactly: a millimetre plus `1e-7` of the distance (four
/// times the estimate's error bound at 50 km, a thousand times at 5 km).
pub(crate) fn margin_m(estimate_m: f64) -> f64 {
    1e-3 + 1e-7 * estimate_m
}

/// A stretch of one edge, with its Hermite cubic in Earth-centred coordinates.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EdgeSection {
    /// Index of the edge in the index's edge list.
    pub edge: u32,
    /// Whether the section starts at the edge's start vertex.
    pub first: bool,
    /// Whether the section ends at the edge's end vertex.
    pub last: bool,
    /// Geodesic distance from the edge's start vertex to the section's start, metres.
    pub start_m: f64,
    /// Geodesic length of the section, metres.
    pub length_m: f64,
    /// Start and end points and how far the geodesic strays from their chord.
    pub chord: Chord,
    /// Unit tangent of the geodesic at the start, Earth-centred.
    pub ta: [f64; 3],
    /// Unit tangent of the geodesic at the end, Earth-centred.
    pub tb: [f64; 3],
    /// Square of the section's mean curvature, from its length and chord (see [`EdgeSection::along_m`]).
    pub curvature2: f64,
}

/// Where on a section a point's foot is estimated to be.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SectionEstimate {
    /// Cubic parameter of the foot, 0 (section start) to 1 (section end).
    pub t: f64,
    /// The foot, Earth-centred.
    pub foot: [f64; 3],
    /// Estimated geodesic distance from the foot to the point, metres.
    pub distance_m: f64,
}

/// Geodesic length of an arc of chord `chord_m` (metres) on a curve of mean curvature
/// `1 / MEAN_RADIUS_M`: `c + c³ / 24R²`. See the module documentation for its accuracy.
pub(crate) fn arc_from_chord(chord_m: f64) -> f64 {
    chord_m * (1.0 + chord_m * chord_m / (24.0 * MEAN_RADIUS_M * MEAN_RADIUS_M))
}

impl EdgeSection {
    /// The cubic's coefficients `q(t) = c0 + c1 t + c2 t² + c3 t³`.
    fn coefficients(&self) -> [[f64; 3]; 4] {
        let (a, b, l) = (self.chord.a, self.chord.b, self.length_m);
        let mut c = [[0.0; 3]; 4];
        for i in 0..3 {
            c[0][i] = a[i];
            c[1][i] = l * self.ta[i];
            c[2][i] = 3.0 * (b[i] - a[i]) - 2.0 * l * self.ta[i] - l * self.tb[i];
            c[3][i] = 2.0 * (a[i] - b[i]) + l * self.ta[i] + l * self.tb[i];
        }
        c
    }

    /// The point of the cubic at parameter `t` and its first and second derivatives.
    fn eval(c: &[[f64; 3]; 4], t: f64) -> ([f64; 3], [f64; 3], [f64; 3]) {
        let mut q = [0.0; 3];
        let mut d1 = [0.0; 3];
        let mut d2 = [0.0; 3];
        for i in 0..3 {
            q[i] = c[0][i] + t * (c[1][i] + t * (c[2][i] + t * c[3][i]));
            d1[i] = c[1][i] + t * (2.0 * c[2][i] + t * 3.0 * c[3][i]);
            d2[i] = 2.0 * c[2][i] + 6.0 * t * c[3][i];
        }
        (q, d1, d2)
    }

    /// The tangent (not normalised) of the cubic at parameter `t`.
    pub fn direction(&self, t: f64) -> [f64; 3] {
        EdgeSection::eval(&self.coefficients(), t).1
    }

    /// Estimates the foot of the Earth-centred surface point `p`: the point of the cubic where
    /// the chord to `p` is perpendicular to the curve (Newton's method from the projection on
    /// the chord, clamped to the section). `None` if it does not settle.
    pub fn estimate(&self, p: [f64; 3]) -> Option<SectionEstimate> {
        let c = self.coefficients();
        let ab = sub(self.chord.b, self.chord.a);
        let ab2 = dot(ab, ab);
        let mut t = if ab2 > 0.0 {
            (dot(sub(p, self.chord.a), ab) / ab2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let tolerance = NEWTON_TOLERANCE_M / self.length_m.max(NEWTON_TOLERANCE_M);
        for _ in 0..NEWTON_STEPS {
            let (q, d1, d2) = EdgeSection::eval(&c, t);
            let qp = sub(q, p);
            let g = dot(qp, d1);
            let g1 = dot(d1, d1) + dot(qp, d2);
            if g1.is_nan() || g1 <= 0.0 {
                return None;
            }
            let next = (t - g / g1).clamp(0.0, 1.0);
            let moved = (next - t).abs();
            t = next;
            if moved <= tolerance {
                let foot = if t == 0.0 {
                    self.chord.a
                } else if t == 1.0 {
                    self.chord.b
                } else {
                    EdgeSection::eval(&c, t).0
                };
                let d = sub(p, foot);
                return Some(SectionEstimate {
                    t,
                    foot,
                    distance_m: arc_from_chord(dot(d, d).sqrt()),
                });
            }
        }
        None
    }

    /// Geodesic distance along the section from its start to the point of the cubic at `foot`
    /// (parameter `t`), metres: the chord `c` from the start lengthened to an arc by the
    /// section's own curvature `κ` (`c + κ² c³ / 24`, `κ²` from the section's length `L` and chord
    /// `C` as `24 (L - C) / C³`), so that it is exact at both ends.
    pub fn along_m(&self, t: f64, foot: [f64; 3]) -> f64 {
        if t >= 1.0 {
            return self.length_m;
        }
        let d = sub(foot, self.chord.a);
        let c = dot(d, d).sqrt();
        (c + self.curvature2 * c * c * c / 24.0).min(self.length_m)
    }
}

/// Cuts the geodesic of an edge into sections of at most [`MAX_SECTION_M`]. `at(s)` gives the longitude,
/// latitude and azimuth of the point at distance `s` along the edge (`0 < s < length_m`);
/// `vertex_trig` holds the sines and cosines of the latitude and longitude of its start and
/// end vertices (`SinCos::of` of them, which the index has already), `(azi1, azi2)` the
/// edge's azimuths there.
pub(crate) fn cut(
    edge: u32,
    vertex_trig: [SinCos; 2],
    (azi1, azi2): (f64, f64),
    length_m: f64,
    at: impl Fn(f64) -> (f64, f64, f64),
    out: &mut Vec<EdgeSection>,
) {
    // A float count of sections of a length checked against `MAX_EDGE_M`: at most 2,000.
    let n = (length_m / MAX_SECTION_M).ceil().max(1.0) as usize;
    let step = length_m / n as f64;
    // Each point's sines and cosines serve its position and its tangent, and the end of one
    // section (its place and tangent) is the start of the next.
    let mut start_p3 = ecef_of(&vertex_trig[0]);
    let mut start_tangent = tangent_of(&vertex_trig[0], azi1);
    for k in 0..n {
        let (end_trig, end_azi) = if k + 1 == n {
            (vertex_trig[1], azi2)
        } else {
            let (lon, lat, azi) = at(step * (k + 1) as f64);
            (SinCos::of(lon, lat), azi)
        };
        let end_p3 = ecef_of(&end_trig);
        let end_tangent = tangent_of(&end_trig, end_azi);
        let start_m = step * k as f64;
        let section_m = if k + 1 == n { length_m - start_m } else { step };
        let chord = Chord::new(start_p3, end_p3, section_m);
        let ab = sub(chord.b, chord.a);
        let chord_m = dot(ab, ab).sqrt();
        let curvature2 = if chord_m > 0.0 {
            // Rounding makes `L - C` noise on short sections, where the term is negligible;
            // the bound is a little above the ellipsoid's greatest curvature squared.
            (24.0 * (section_m - chord_m) / (chord_m * chord_m * chord_m)).clamp(0.0, 3.0e-14)
        } else {
            0.0
        };
        out.push(EdgeSection {
            edge,
            first: k == 0,
            last: k + 1 == n,
            start_m,
            length_m: section_m,
            chord,
            ta: start_tangent,
            tb: end_tangent,
            curvature2,
        });
        start_p3 = end_p3;
        start_tangent = end_tangent;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spatial::ecef::{ecef, lon_lat};
    use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};

    fn norm(a: [f64; 3]) -> f64 {
        dot(a, a).sqrt()
    }

    /// Sections of edges in many places and directions: points of the geodesic (from Karney's
    /// direct solution) lie on the cubic, at the right distance along it.
    #[test]
    fn cubic_follows_the_geodesic() {
        let geod = Geodesic::wgs84();
        let mut worst_off: f64 = 0.0;
        let mut worst_along: f64 = 0.0;
        for lat in [-89.0, -60.0, -30.0, 0.0, 12.0, 41.5, 70.0, 89.9] {
            for azi in [0.0, 33.0, 90.0, 135.0, 179.0, 250.0] {
                for length in [10.0, 900.0, 4_999.0, 23_000.0] {
                    let (lon1, lat1) = (179.99, lat);
                    let (lat2, lon2, azi2): (f64, f64, f64) = geod.direct(lat1, lon1, azi, length);
                    let at = |s: f64| {
                        let (la, lo, az): (f64, f64, f64) = geod.direct(lat1, lon1, azi, s);
                        (lo, la, az)
                    };
                    let mut sections = Vec::new();
                    cut(
                        0,
                        [SinCos::of(lon1, lat1), SinCos::of(lon2, lat2)],
                        (azi, azi2),
                        length,
                        at,
                        &mut sections,
                    );
                    assert_eq!(sections.len(), (length / MAX_SECTION_M).ceil() as usize);
                    for k in 1..20 {
                        let s = length * k as f64 / 20.0;
                        let (lo, la, _) = at(s);
                        let q = ecef(lo, la);
                        let section = sections
                            .iter()
                            .find(|p| p.start_m <= s && s <= p.start_m + p.length_m)
                            .expect("a section holds s");
                        let e = section.estimate(q).expect("settles");
                        worst_off = worst_off.max(norm(sub(e.foot, q)));
                        worst_along = worst_along
                            .max((section.start_m + section.along_m(e.t, e.foot) - s).abs());
                        // The foot's coordinates convert back to the same surface point.
                        let (flo, fla) = lon_lat(e.foot);
                        let back: f64 = geod.inverse(fla, flo, la, lo);
                        assert!(back < 1e-7, "{back}");
                    }
                }
            }
        }
        // Measured: 8 nm and 4 nm.
        assert!(worst_off < 2e-8, "cubic {worst_off} m off the geodesic");
        assert!(worst_along < 2e-8, "along {worst_along} m off");
    }

    /// The estimated distance of points off a section agrees with Karney's inverse solution from
    /// the estimated foot to well inside the ranking margin.
    #[test]
    fn estimate_is_inside_its_margin() {
        let geod = Geodesic::wgs84();
        for lat in [-75.0, -20.0, 0.0, 45.0, 80.0] {
            for azi in [10.0, 90.0, 200.0] {
                let length = 4_000.0;
                let (lat2, lon2, azi2): (f64, f64, f64) = geod.direct(lat, 60.0, azi, length);
                let mut sections = Vec::new();
                cut(
                    0,
                    [SinCos::of(60.0, lat), SinCos::of(lon2, lat2)],
                    (azi, azi2),
                    length,
                    |_| (0.0, 0.0, 0.0),
                    &mut sections,
                );
                let section = sections[0];
                for off in [1.0, 700.0, 5_000.0, 20_000.0, 49_000.0] {
                    for side in [-90.0, 90.0, 150.0] {
                        let (mla, mlo, mazi): (f64, f64, f64) =
                            geod.direct(lat, 60.0, azi, length / 3.0);
                        let (pla, plo, _): (f64, f64, f64) =
                            geod.direct(mla, mlo, mazi + side, off);
                        let e = section.estimate(ecef(plo, pla)).expect("settles");
                        let (flo, fla) = lon_lat(e.foot);
                        let exact: f64 = geod.inverse(fla, flo, pla, plo);
                        assert!(
                            (exact - e.distance_m).abs() < margin_m(exact) / 4.0,
                            "{exact} vs {}",
                            e.distance_m
                        );
                    }
                }
            }
        }
    }
}
