//! The exact foot next to an estimated one, by one direct geodesic solution.
//!
//! From the estimated foot `F` on an edge, the geodesic that leaves the edge at a right angle
//! towards the query point `p` is followed for the estimated distance `d` (Karney's direct
//! solution) and lands at `p'`. In the coordinates that the edge's perpendicular geodesics
//! give the surface near the edge (position of the foot along the edge, distance from it:
//! orthogonal Fermi coordinates, in which the distance coordinate is the distance to the edge),
//! the miss `p − p'` read at `p'` is, to first order, the distance still to go (along the
//! geodesic at `p'`) and the shift of the foot along the edge (across it, scaled by the
//! geodesic scale, `cos(d/R)` to well within the precision needed). The terms left out are of
//! the order of `|p − p'|² / R` and `K d |Δ|²` (Gaussian curvature `K`, foot shift `Δ`): below
//! 1e-10 m for the misses accepted (at most [`MAX_MISS_M`]). The estimate is good to a fraction
//! of a millimetre, so the perpendicular geodesic nearly always lands near the point; when it does not, or the foot would leave
//! the edge, the caller solves the foot by the intercept iteration instead.
//!
//! One direct solution (the `direct` module: Karney's, kept in sines and cosines) costs about
//! a quarter of an inverse solution, which would otherwise be needed to check the estimated
//! foot; the distance comes out exact to the accuracy of Karney's
//! solution (nanometres) and of the cubic that placed the foot (within 8 nm of the edge), and
//! the foot's distance along the edge too (the inverse check left it up to 0.2 mm off).
//!
//! A foot at a **vertex** is known exactly; only the distance and the azimuth to the point are
//! needed ([`from_vertex`]). The geodesic leaving the vertex in the direction of the point's
//! chord (its normal section, within millimetres of the geodesic over 50 km) is followed for
//! the chord lengthened to an arc, and the miss read at its end gives the rest: the point is
//! `s + a` ahead and `c` across there, so its distance is `√((s + a)² + c²)` and its azimuth
//! turns by `c` over the reduced length there. The planar formula for the distance leaves out
//! terms of the order of `c² s K` (Gaussian curvature `K`): below 1e-13 m for the misses
//! accepted. This replaces an inverse solution, about five times its cost.
//!
//! A vertex 50 to 500 km from the point ([`from_far_vertex`]: the feet of points beyond the
//! ends of a short segment of wide precision) takes two such geodesics: the first misses by up
//! to metres (the normal section and the sphere are off by that much so far out), and its
//! miss corrects the azimuth and the distance so that the second lands within [`MAX_MISS_M`],
//! read as above. On the README benchmark this replaced 2,700 inverse solutions of some
//! 7,000 instructions each (BENCHMARKS.md).

use geographiclib_rs::Geodesic;

use super::direct;
use super::ecef::{
    dot, ecef_of, normalize_deg, north_east_of, sub, SinCos, MEAN_RADIUS_M, WGS84_A_M, WGS84_F,
};
use super::edge_section::NEAR_M;

/// The largest miss that is corrected; a larger one means the estimate was poor.
pub(crate) const MAX_MISS_M: f64 = 0.01;

/// The least estimated distance for which the correction is used: nearer the line the direction to
/// the point is better found by the iteration (and points on the line need it).
const MIN_DISTANCE_M: f64 = 1.0;

/// Where an estimated foot is and which way the edge runs there.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EstimatedFoot {
    /// Longitude and latitude, degrees.
    pub lon_lat: (f64, f64),
    /// Earth-centred position (on the edge's cubic, within nanometres of the surface).
    pub p3: [f64; 3],
    /// Sines and cosines of its latitude and longitude.
    pub sin_cos: SinCos,
    /// Sine and cosine of the edge's azimuth there.
    pub sin_cos_azi: (f64, f64),
    /// Distance from the edge's start, metres.
    pub along_m: f64,
    /// Estimated distance to the query point, metres.
    pub distance_m: f64,
}

/// A foot inside an edge found from an estimated one.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CorrectedFoot {
    /// Distance from the edge's start, metres.
    pub along_m: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Geodesic distance to the query point, metres (at least a metre less [`MAX_MISS_M`]).
    pub distance_m: f64,
    /// Whether the point lies to the right of the edge's direction (else to its left). The
    /// geodesic to it leaves the edge at a right angle, so this is the whole of its side: the
    /// azimuths (and the arc tangent that would give the edge's) are not needed.
    pub point_on_right: bool,
}

/// The foot on an edge of length `length_m` near the estimated one, for the point `p3`
/// (Earth-centred); `None` when the geodesic misses the point by more than [`MAX_MISS_M`] or the foot would
/// leave the edge.
pub(crate) fn corrected_foot(
    geod: &Geodesic,
    at: &EstimatedFoot,
    length_m: f64,
    p3: [f64; 3],
) -> Option<CorrectedFoot> {
    let estimate_m = at.distance_m;
    if !(MIN_DISTANCE_M..=NEAR_M).contains(&estimate_m) {
        return None;
    }
    let (lon, lat) = at.lon_lat;
    let (north, east) = north_east_of(&at.sin_cos);
    let (sin_a, cos_a) = at.sin_cos_azi;
    let to_p = sub(p3, at.p3);
    // The point is to the right of the edge's direction when this is positive.
    let right = dot(to_p, east) * cos_a - dot(to_p, north) * sin_a;
    let point_on_right = right >= 0.0;
    // The perpendicular geodesic's azimuth is a right angle from the edge's: its sine and cosine are the edge's
    // cosine and sine, signed.
    let (sin_azi_across, cos_azi_across) = if point_on_right {
        (cos_a, -sin_a)
    } else {
        (-cos_a, sin_a)
    };
    let (ahead, across) = miss(
        geod,
        &at.sin_cos,
        (sin_azi_across, cos_azi_across),
        estimate_m,
        p3,
    )?;
    // The edge runs to the left of the perpendicular geodesic when it turns right, to the right otherwise;
    // moving the foot along the edge moves the landing point that way, scaled by the
    // geodesic scale.
    // `cos(d / R)` by its series: `d / R` is below 0.008 (50 km), where the first term left
    // out, `x⁶ / 720`, is under 4e-16.
    let x2 = (estimate_m / MEAN_RADIUS_M).powi(2);
    let scale = 1.0 - x2 / 2.0 + x2 * x2 / 24.0;
    let shift = (if point_on_right { -across } else { across }) / scale;
    let along = at.along_m + shift;
    if !(along > 0.0 && along < length_m) {
        return None;
    }
    // The foot moved along the edge, to first order in the radii of curvature there.
    let cos_lat = at.sin_cos.cos_lat;
    if cos_lat < 1e-6 {
        // At a pole longitude says nothing: left to the iteration.
        return None;
    }
    let e2 = WGS84_F * (2.0 - WGS84_F);
    let w2 = 1.0 - e2 * (1.0 - cos_lat * cos_lat);
    let prime_vertical = WGS84_A_M / w2.sqrt();
    let meridian = prime_vertical * (1.0 - e2) / w2;
    let dlat = (shift * cos_a / meridian).to_degrees();
    let dlon = (shift * sin_a / (prime_vertical * cos_lat)).to_degrees();
    Some(CorrectedFoot {
        along_m: along,
        lon: normalize_deg(lon + dlon),
        lat: lat + dlat,
        distance_m: estimate_m + ahead,
        point_on_right,
    })
}

/// How far the point `p3` lies ahead of and across (positive to the right, where azimuths
/// are larger) the end of the geodesic that leaves `from` with azimuth sine and cosine
/// `sin_cos` and runs `s` metres (Karney's direct solution, in sines and cosines: the `direct`
/// module), read in the surface's frame there; `None` when it misses by more than
/// [`MAX_MISS_M`].
fn miss(
    geod: &Geodesic,
    from: &SinCos,
    sin_cos: (f64, f64),
    s: f64,
    p3: [f64; 3],
) -> Option<(f64, f64)> {
    miss_up_to(geod, from, sin_cos, s, p3, MAX_MISS_M)
}

/// [`miss`], `None` when the geodesic misses the point by more than `max_miss_m`.
fn miss_up_to(
    geod: &Geodesic,
    from: &SinCos,
    sin_cos: (f64, f64),
    s: f64,
    p3: [f64; 3],
    max_miss_m: f64,
) -> Option<(f64, f64)> {
    let landing = direct::landing(geod, from, sin_cos, s);
    let miss = sub(p3, ecef_of(&landing.at));
    let miss2 = dot(miss, miss);
    if miss2.is_nan() || miss2 > max_miss_m * max_miss_m {
        return None;
    }
    let (north, east) = north_east_of(&landing.at);
    let (sin, cos) = (landing.sin_azi, landing.cos_azi);
    Some((
        dot(miss, north) * cos + dot(miss, east) * sin,
        dot(miss, east) * cos - dot(miss, north) * sin,
    ))
}

/// The chord from a vertex to a point, seen from the vertex: the first guess of
/// [`from_vertex`] and [`from_far_vertex`].
struct ChordFromVertex {
    /// The chord lengthened to an arc of the mean radius, metres: within 2 mm at 50 km.
    estimate_m: f64,
    /// The chord's east and north components, metres.
    east_north: (f64, f64),
    /// The sine and cosine of its azimuth.
    sin_cos_azi: (f64, f64),
}

impl ChordFromVertex {
    /// The chord from the vertex at `vertex` (its sines and cosines) and `v3` (Earth-centred)
    /// to `p3`; `None` at a pole (where the frame of north and east is undefined), when
    /// `in_range` refuses the estimate, or when the point lies straight above or below.
    fn of(
        vertex: &SinCos,
        v3: [f64; 3],
        p3: [f64; 3],
        in_range: impl Fn(f64) -> bool,
    ) -> Option<ChordFromVertex> {
        if vertex.cos_lat < 1e-6 {
            return None;
        }
        let to_p = sub(p3, v3);
        let chord_m = dot(to_p, to_p).sqrt();
        let estimate_m =
            chord_m * (1.0 + chord_m * chord_m / (24.0 * MEAN_RADIUS_M * MEAN_RADIUS_M));
        if !in_range(estimate_m) {
            return None;
        }
        let (north, east) = north_east_of(vertex);
        let (e, n) = (dot(to_p, east), dot(to_p, north));
        // Components of a chord of at least a metre, nearly level: no overflow or underflow.
        let level_m = (e * e + n * n).sqrt();
        if level_m == 0.0 {
            return None;
        }
        Some(ChordFromVertex {
            estimate_m,
            east_north: (e, n),
            sin_cos_azi: (e / level_m, n / level_m),
        })
    }
}

/// The geodesic distance and the azimuth (degrees) from a vertex at `vertex` (its sines and
/// cosines) and `v3` (Earth-centred) to the point `p3`, by one direct solution (see the
/// module documentation); `None` when the point is nearer than [`MIN_DISTANCE_M`] or farther
/// than [`NEAR_M`], when the vertex is at a pole, or when the geodesic misses the point by more than
/// [`MAX_MISS_M`].
pub(crate) fn from_vertex(
    geod: &Geodesic,
    vertex: &SinCos,
    v3: [f64; 3],
    p3: [f64; 3],
) -> Option<(f64, f64)> {
    let chord = ChordFromVertex::of(vertex, v3, p3, |m| (MIN_DISTANCE_M..=NEAR_M).contains(&m))?;
    let (estimate_m, (e, n)) = (chord.estimate_m, chord.east_north);
    let (ahead, across) = miss(geod, vertex, chord.sin_cos_azi, estimate_m, p3)?;
    let ahead = estimate_m + ahead;
    let distance_m = (ahead * ahead + across * across).sqrt();
    let azi = turned_azimuth((e, n), reduced_length_m(ahead), across);
    Some((distance_m, azi))
}

/// The reduced length of a geodesic `s_m` metres long, `m ≈ s (1 - s² / 6R²)`: seen from the
/// vertex, a step across at its end subtends its length over `m`, not over `s` (5e-8 m aside
/// at 50 km with a 5 mm miss).
#[inline]
fn reduced_length_m(s_m: f64) -> f64 {
    s_m * (1.0 - s_m * s_m / (6.0 * MEAN_RADIUS_M * MEAN_RADIUS_M))
}

/// The azimuth (degrees) of the direction `(east, north)` turned by the angle of
/// `(reduced_m, across_m)`: one arc tangent of the product of the two vectors (metres to
/// hundreds of kilometres each; their products do not overflow) instead of one for each
/// angle (BENCHMARKS.md).
#[inline]
fn turned_azimuth((east, north): (f64, f64), reduced_m: f64, across_m: f64) -> f64 {
    normalize_deg(
        (east * reduced_m + north * across_m)
            .atan2(north * reduced_m - east * across_m)
            .to_degrees(),
    )
}

/// The farthest point (estimated distance, metres) whose distance and azimuth from a vertex
/// [`from_far_vertex`] finds.
const FAR_VERTEX_M: f64 = 500_000.0;

/// The largest miss of [`from_far_vertex`]'s first geodesic: the normal section's azimuth and
/// the chord lengthened on a sphere are off by about 0.2 m at 250 km and 2 m at 500 km.
const FIRST_MISS_M: f64 = 20.0;

/// [`from_vertex`] for a point farther than [`NEAR_M`] (up to [`FAR_VERTEX_M`]), by two direct
/// solutions instead of one: beyond 50 km the normal section and the chord lengthened on a
/// sphere miss the point by more than [`MAX_MISS_M`] (a fifth of a metre at 250 km), so the
/// first geodesic's miss corrects the azimuth and the distance (to within micrometres: the
/// terms left out are of the order of its square over the distance), and the second, whose
/// miss is then below [`MAX_MISS_M`], gives the distance and azimuth as [`from_vertex`]'s
/// one does (the same error terms, below 1e-10 m). Both together cost about half an inverse
/// solution. `None` when the point is nearer than [`NEAR_M`] or farther than
/// [`FAR_VERTEX_M`], when the vertex is at a pole, or when a geodesic misses by more than
/// allowed.
pub(crate) fn from_far_vertex(
    geod: &Geodesic,
    vertex: &SinCos,
    v3: [f64; 3],
    p3: [f64; 3],
) -> Option<(f64, f64)> {
    let chord = ChordFromVertex::of(vertex, v3, p3, |m| m > NEAR_M && m <= FAR_VERTEX_M)?;
    let (estimate_m, (sin_a, cos_a)) = (chord.estimate_m, chord.sin_cos_azi);
    let (ahead, across) = miss_up_to(geod, vertex, (sin_a, cos_a), estimate_m, p3, FIRST_MISS_M)?;
    // The azimuth turned by the angle of `(reduced length, across)`, as `from_vertex` turns it.
    let first_m = estimate_m + ahead;
    let reduced_m = reduced_length_m(first_m);
    let turn_m = (reduced_m * reduced_m + across * across).sqrt();
    let (cos_t, sin_t) = (reduced_m / turn_m, across / turn_m);
    let (sin_b, cos_b) = (sin_a * cos_t + cos_a * sin_t, cos_a * cos_t - sin_a * sin_t);
    let (ahead, across) = miss(geod, vertex, (sin_b, cos_b), first_m, p3)?;
    let ahead = first_m + ahead;
    let distance_m = (ahead * ahead + across * across).sqrt();
    let azi = turned_azimuth((sin_b, cos_b), reduced_length_m(ahead), across);
    Some((distance_m, azi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spatial::ecef::ecef;
    use geographiclib_rs::{DirectGeodesic, InverseGeodesic};
    use proptest::prelude::*;

    /// `corrected_foot` from a foot given by its position, the edge's azimuth, along and estimate.
    fn shoot(
        geod: &Geodesic,
        (lon, lat): (f64, f64),
        azi: f64,
        along_m: f64,
        length_m: f64,
        distance_m: f64,
        p3: [f64; 3],
    ) -> Option<CorrectedFoot> {
        let at = EstimatedFoot {
            lon_lat: (lon, lat),
            p3: ecef(lon, lat),
            sin_cos: SinCos::of(lon, lat),
            sin_cos_azi: azi.to_radians().sin_cos(),
            along_m,
            distance_m,
        };
        corrected_foot(geod, &at, length_m, p3)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// A point reached at a right angle off an edge at a known foot is solved back to that
        /// foot and distance, to micrometres, from an estimate a fraction of a millimetre off.
        #[test]
        fn finds_the_foot_and_distance_from_a_close_estimate(
            lon in -180.0..180.0f64, lat in -85.0..85.0f64, azi in -180.0..180.0f64,
            len in 200.0..50_000.0f64, t in 0.01..0.99f64, d in 1.0..49_000.0f64,
            left in any::<bool>(),
            foot_off in -3e-4..3e-4f64, distance_off in -3e-4..3e-4f64,
        ) {
            let geod = Geodesic::wgs84();
            // The edge from (lon, lat) with azimuth azi; the true foot at t of its length.
            let s0 = t * len;
            let (lat0, lon0, azi0): (f64, f64, f64) = geod.direct(lat, lon, azi, s0);
            let turn = if left { -90.0 } else { 90.0 };
            let (plat, plon): (f64, f64) = geod.direct(lat0, lon0, azi0 + turn, d);
            let p3 = ecef(plon, plat);
            // The estimated foot: off along the edge, with the edge's azimuth there.
            let (elat, elon, eazi): (f64, f64, f64) = geod.direct(lat, lon, azi, s0 + foot_off);
            let f = shoot(
                &geod, (normalize_deg(elon), elat), eazi, s0 + foot_off, len,
                d + distance_off, p3,
            );
            let f = f.expect("a close estimate lands");
            prop_assert!((f.distance_m - d).abs() < 1e-6, "distance {} vs {}", f.distance_m, d);
            prop_assert!((f.along_m - s0).abs() < 1e-6, "along {} vs {}", f.along_m, s0);
            let off: f64 = geod.inverse(f.lat, f.lon, lat0, lon0);
            prop_assert!(off < 1e-6, "foot {off} m from the true one");
            prop_assert_eq!(f.point_on_right, !left);
        }
    }

    /// A solution from the vertex `(lon, lat)`, as [`from_vertex`] and [`from_far_vertex`] give.
    type FromVertex = fn(&Geodesic, &SinCos, [f64; 3], [f64; 3]) -> Option<(f64, f64)>;

    /// What `solve` finds from the vertex `(lon, lat)` for the point `d` metres away from it at
    /// azimuth `azi` (by a direct solution, its longitude normalized).
    fn solved_at(
        solve: FromVertex,
        (lon, lat): (f64, f64),
        azi: f64,
        d: f64,
    ) -> Option<(f64, f64)> {
        let geod = Geodesic::wgs84();
        let (plat, plon): (f64, f64) = geod.direct(lat, lon, azi, d);
        let p3 = ecef(normalize_deg(plon), plat);
        solve(&geod, &SinCos::of(lon, lat), ecef(lon, lat), p3)
    }

    /// Checks that `solve` finds the distance and the azimuth from the vertex `(lon, lat)` to
    /// the point `d` metres away at azimuth `azi` as the inverse solution does, to 10
    /// nanometres (the azimuth's error times the distance, to the side).
    fn agrees_with_the_inverse_solution(
        solve: FromVertex,
        (lon, lat): (f64, f64),
        azi: f64,
        d: f64,
    ) -> Result<(), TestCaseError> {
        let geod = Geodesic::wgs84();
        let (plat, plon): (f64, f64) = geod.direct(lat, lon, azi, d);
        let (want_m, want_azi, _, _): (f64, f64, f64, f64) =
            geod.inverse(lat, lon, plat, normalize_deg(plon));
        let Some((got_m, got_azi)) = solved_at(solve, (lon, lat), azi, d) else {
            return Err(TestCaseError::fail(format!("no solution at {d} m")));
        };
        prop_assert!(
            (got_m - want_m).abs() < 1e-8,
            "distance {got_m} vs {want_m}"
        );
        let aside_m = normalize_deg(got_azi - want_azi).to_radians().abs() * want_m;
        prop_assert!(
            aside_m < 1e-8,
            "azimuth {got_azi} vs {want_azi}: {aside_m} m aside"
        );
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3_000))]

        /// From a vertex, the distance and the azimuth to a point are the inverse solution's,
        /// to 10 nanometres (the azimuth's error times the distance, to the side): a few ulps
        /// of Earth-centred coordinates (an ulp there is 1e-9 m).
        #[test]
        fn vertex_distances_and_azimuths_are_the_inverse_solution_s(
            lon in -180.0..180.0f64, lat in -89.0..89.0f64, azi in -180.0..180.0f64,
            d in prop_oneof![1.01..50.0f64, 1.01..49_000.0f64],
        ) {
            agrees_with_the_inverse_solution(from_vertex, (lon, lat), azi, d)?;
        }

        /// From a vertex 50 to 500 km away, the distance and the azimuth to a point are the
        /// inverse solution's, to 10 nanometres (the azimuth's error times the distance, to the
        /// side), as near a vertex.
        #[test]
        fn far_vertex_distances_and_azimuths_are_the_inverse_solution_s(
            lon in -180.0..180.0f64, lat in -85.0..85.0f64, azi in -180.0..180.0f64,
            d in prop_oneof![50_010.0..300_000.0f64, 50_010.0..490_000.0f64],
        ) {
            agrees_with_the_inverse_solution(from_far_vertex, (lon, lat), azi, d)?;
        }
    }

    #[test]
    fn far_vertex_feet_near_and_beyond_and_at_a_pole_are_left_to_the_inverse_solution() {
        let at = |lon, lat, azi, d| solved_at(from_far_vertex, (lon, lat), azi, d);
        assert!(at(69.0, 41.0, 30.0, 49_000.0).is_none());
        assert!(at(69.0, 41.0, 30.0, 510_000.0).is_none());
        assert!(at(0.0, 90.0, 30.0, 100_000.0).is_none());
        assert!(at(69.0, 41.0, 30.0, 100_000.0).is_some());
    }

    #[test]
    fn vertex_feet_near_and_far_and_at_a_pole_are_left_to_the_inverse_solution() {
        let at = |lon, lat, azi, d| solved_at(from_vertex, (lon, lat), azi, d);
        assert!(at(69.0, 41.0, 30.0, 0.5).is_none());
        assert!(at(69.0, 41.0, 30.0, 51_000.0).is_none());
        assert!(at(0.0, 90.0, 30.0, 1_000.0).is_none());
        // Across the antimeridian, due south and due west.
        for (lon, lat, azi) in [
            (179.99, 10.0, 90.0),
            (-179.99, -10.0, -90.0),
            (66.0, 41.0, 180.0),
        ] {
            let (d, a) = at(lon, lat, azi, 5_000.0).expect("lands");
            assert!((d - 5_000.0).abs() < 5e-9, "{d}");
            assert!(normalize_deg(a - azi).abs() < 1e-10, "{a} vs {azi}");
        }
    }

    #[test]
    fn a_poor_estimate_or_a_foot_off_the_edge_is_left_to_the_iteration() {
        let geod = Geodesic::wgs84();
        // A 10 m edge northwards from (69, 41); the estimated foot 0.5 m along it.
        let (flat, flon): (f64, f64) = geod.direct(41.0, 69.0, 0.0, 0.5);
        let (plat, plon): (f64, f64) = geod.direct(flat, flon, 90.0, 1_000.0);
        let p3 = ecef(plon, plat);
        let near = shoot(&geod, (flon, flat), 0.0, 0.5, 10.0, 1_000.0, p3);
        assert!(near.is_some_and(|f| (f.along_m - 0.5).abs() < 1e-6));
        // 1 m off in the distance: more than the largest miss corrected.
        assert!(shoot(&geod, (flon, flat), 0.0, 0.5, 10.0, 1_001.0, p3).is_none());
        // The true foot 2 mm before the edge's start: not inside the edge.
        let (blat, blon): (f64, f64) = geod.direct(41.0, 69.0, 0.0, -0.002);
        let (qlat, qlon): (f64, f64) = geod.direct(blat, blon, 90.0, 1_000.0);
        let (slat, slon): (f64, f64) = geod.direct(41.0, 69.0, 0.0, 0.001);
        let q3 = ecef(qlon, qlat);
        assert!(shoot(&geod, (slon, slat), 0.0, 0.001, 10.0, 1_000.0, q3).is_none());
        // Too near the line for the correction.
        assert!(shoot(&geod, (flon, flat), 0.0, 0.5, 10.0, 0.5, p3).is_none());
    }
}
