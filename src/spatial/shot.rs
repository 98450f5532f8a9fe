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
//! of a millimetre, so the shot nearly always lands; when it does not, or the foot would leave
//! the edge, the caller solves the foot by the intercept iteration instead.
//!
//! One direct solution (the `direct` module: Karney's, kept in sines and cosines) costs about
//! a quarter of an inverse solution, which would otherwise be needed to check the estimated
//! foot; the distance comes out exact to the accuracy of Karney's
//! solution (nanometres) and of the cubic that placed the foot (within 8 nm of the edge), and
//! the foot's distance along the edge too (the inverse check left it up to 0.2 mm off).

use geographiclib_rs::Geodesic;

use super::direct;
use super::edge::{
    dot, ecef_of, normalize_deg, sub, Foot, SinCos, MEAN_RADIUS_M, WGS84_A_M, WGS84_F,
};
use super::piece::{north_east_of, NEAR_M};

/// The largest miss that is corrected; a larger one means the estimate was poor.
pub(crate) const MAX_MISS_M: f64 = 0.01;

/// The least estimated distance for which the shot is used: nearer the line the direction to
/// the point is better found by the iteration (and points on the line need it).
const MIN_DISTANCE_M: f64 = 1.0;

/// Where an estimated foot is and which way the edge runs there.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Estimate {
    /// Longitude and latitude, degrees.
    pub lon_lat: (f64, f64),
    /// Earth-centred position (on the edge's cubic, within nanometres of the surface).
    pub p3: [f64; 3],
    /// Sines and cosines of its latitude and longitude.
    pub sin_cos: SinCos,
    /// The edge's azimuth there, degrees.
    pub azi: f64,
    /// Its sine and cosine.
    pub sin_cos_azi: (f64, f64),
    /// Distance from the edge's start, metres.
    pub along_m: f64,
    /// Estimated distance to the query point, metres.
    pub distance_m: f64,
}

/// The foot on an edge of length `length_m` near the estimated one, for the point `p3`
/// (Earth-centred); `None` when the shot misses by more than [`MAX_MISS_M`] or the foot would
/// leave the edge.
pub(crate) fn shot(geod: &Geodesic, at: &Estimate, length_m: f64, p3: [f64; 3]) -> Option<Foot> {
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
    let turn = if right >= 0.0 { 90.0 } else { -90.0 };
    let azi_edge = at.azi;
    let azi_to_point = azi_edge + turn;
    // The shot's azimuth is a right angle from the edge's: its sine and cosine are the edge's
    // cosine and sine, signed, and need not be computed again from degrees.
    let (sin_shot, cos_shot) = if turn > 0.0 {
        (cos_a, -sin_a)
    } else {
        (-cos_a, sin_a)
    };
    // Karney's direct solution, in sines and cosines from start to end (the `direct` module).
    let landing = direct::landing(geod, &at.sin_cos, (sin_shot, cos_shot), estimate_m);
    let miss = sub(p3, ecef_of(&landing.at));
    let miss2 = dot(miss, miss);
    if miss2.is_nan() || miss2 > MAX_MISS_M * MAX_MISS_M {
        return None;
    }
    let (north2, east2) = north_east_of(&landing.at);
    let (sin2, cos2) = (landing.sin_azi, landing.cos_azi);
    let ahead = dot(miss, north2) * cos2 + dot(miss, east2) * sin2;
    let across = dot(miss, east2) * cos2 - dot(miss, north2) * sin2;
    // The edge runs to the left of the shot when it turns right, to the right otherwise;
    // moving the foot along the edge moves the landing point that way, scaled by the
    // geodesic scale.
    // `cos(d / R)` by its series: `d / R` is below 0.008 (50 km), where the first term left
    // out, `x⁶ / 720`, is under 4e-16.
    let x2 = (estimate_m / MEAN_RADIUS_M).powi(2);
    let scale = 1.0 - x2 / 2.0 + x2 * x2 / 24.0;
    let shift = (if turn > 0.0 { -across } else { across }) / scale;
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
    Some(Foot {
        along_m: along,
        lon: normalize_deg(lon + dlon),
        lat: lat + dlat,
        distance_m: estimate_m + ahead,
        azi_edge,
        azi_to_point,
        at_end: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spatial::edge::ecef;
    use geographiclib_rs::{DirectGeodesic, InverseGeodesic};
    use proptest::prelude::*;

    /// `shot` from a foot given by its position, the edge's azimuth, along and estimate.
    fn shoot(
        geod: &Geodesic,
        (lon, lat): (f64, f64),
        azi: f64,
        along_m: f64,
        length_m: f64,
        distance_m: f64,
        p3: [f64; 3],
    ) -> Option<Foot> {
        let at = Estimate {
            lon_lat: (lon, lat),
            p3: ecef(lon, lat),
            sin_cos: SinCos::of(lon, lat),
            azi,
            sin_cos_azi: azi.to_radians().sin_cos(),
            along_m,
            distance_m,
        };
        shot(geod, &at, length_m, p3)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// A point shot at a right angle off an edge at a known foot is solved back to that
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
            let turned = normalize_deg(f.azi_to_point - eazi - turn);
            prop_assert!(turned.abs() < 1e-9, "turned {} instead of {}", f.azi_to_point - eazi, turn);
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
        // Too near the line for the shot.
        assert!(shoot(&geod, (flon, flat), 0.0, 0.5, 10.0, 0.5, p3).is_none());
    }
}
