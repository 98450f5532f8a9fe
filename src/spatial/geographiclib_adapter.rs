//! The one place that uses items of `geographiclib-rs` outside its documented API.
//!
//! `geographiclib-rs` makes public, with a leading underscore and no documentation, the
//! internals of its geodesic solutions. Two parts of the index need some of them:
//!
//! - **Positions along an edge** ([`position`]): the exact solver and the cutting of edges into
//!   sections ask a [`GeodesicLine`] for the point at a distance along it, many times per edge.
//!   The documented way (`GeodesicLine::Position`) builds a `HashMap` of named results for each
//!   point; `_gen_position` returns the same numbers in a tuple, computing only the
//!   capabilities asked for.
//! - **The direct solver in sines and cosines** (the `direct` module, whose measured gain its
//!   documentation gives): it is Karney's direct solution written out, and
//!   takes from the crate the ellipsoid's derived constants (`_f1`, `_ep2`, `_b`, `tiny_`) and
//!   the coefficients of the longitude series (`_C3f`, `_A3f`) so that its results are the
//!   crate's own, to nanometres.
//!
//! Items outside the documented API may change in any release. `Cargo.toml` therefore pins the
//! exact version (`=0.2.7`), every such use sits in this module, and the tests of the `direct`
//! module and `tests/spatial.rs` compare the results with the crate's documented `direct` and
//! `inverse` solutions. Moving to another version means re-reading these few functions.

use geographiclib_rs::{capability as caps, Geodesic, GeodesicLine};

/// Number of coefficients of the longitude series (`GEODESIC_ORDER` in `geographiclib-rs`).
pub(crate) const SERIES_ORDER: usize = 6;

/// Latitude, longitude (as the crate gives it: not reduced to (-180, 180]) and forward azimuth,
/// all in degrees, of the point `s_m` metres along `line`.
pub(crate) fn position(line: &GeodesicLine, s_m: f64) -> (f64, f64, f64) {
    let (_a12, lat, lon, azi, ..) =
        line._gen_position(false, s_m, caps::LATITUDE | caps::LONGITUDE | caps::AZIMUTH);
    (lat, lon, azi)
}

/// The constants of an ellipsoid that Karney's direct solution needs, as `geographiclib-rs`
/// computed them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EllipsoidTerms {
    /// Flattening `f`.
    pub flattening: f64,
    /// `1 - f`.
    pub one_minus_f: f64,
    /// Second eccentricity squared, `e'² = e² / (1 - f)²`.
    pub second_eccentricity2: f64,
    /// Polar semi-axis `b`, metres.
    pub polar_semi_axis_m: f64,
    /// The smallest value the crate lets a cosine take near a pole (`sqrt` of the smallest
    /// normal `f64`).
    pub tiny: f64,
}

impl EllipsoidTerms {
    /// The terms of `geod`'s ellipsoid.
    pub fn of(geod: &Geodesic) -> EllipsoidTerms {
        EllipsoidTerms {
            flattening: geod.flattening(),
            one_minus_f: geod._f1,
            second_eccentricity2: geod._ep2,
            polar_semi_axis_m: geod._b,
            tiny: geod.tiny_,
        }
    }
}

/// The coefficients `C3l` (index 0 unused) and the factor `A3` of the longitude series
/// (Karney 2013, eq. 23–25) at `eps`, from the crate's own tables.
pub(crate) fn longitude_series(geod: &Geodesic, eps: f64) -> ([f64; SERIES_ORDER], f64) {
    let mut c3 = [0.0; SERIES_ORDER];
    geod._C3f(eps, &mut c3);
    (c3, geod._A3f(eps))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geographiclib_rs::DirectGeodesic;

    /// A position along a line is the documented direct solution's from the line's start.
    #[test]
    fn positions_are_the_direct_solution_s() {
        let geod = Geodesic::wgs84();
        let (lat1, lon1, azi1) = (41.3, 69.2, 37.0);
        let line = GeodesicLine::new(
            &geod,
            lat1,
            lon1,
            azi1,
            Some(caps::LATITUDE | caps::LONGITUDE | caps::AZIMUTH | caps::DISTANCE_IN),
            None,
            None,
        );
        for s in [0.0, 1.0, 4_999.0, 123_456.0] {
            let (lat, lon, azi) = position(&line, s);
            let (lat2, lon2, azi2): (f64, f64, f64) = geod.direct(lat1, lon1, azi1, s);
            assert!(
                (lat - lat2).abs() < 1e-12 && (lon - lon2).abs() < 1e-12,
                "{s}"
            );
            assert!((azi - azi2).abs() < 1e-12, "{s}");
        }
    }

    /// The derived constants are the WGS84 ones.
    #[test]
    fn wgs84_terms() {
        let t = EllipsoidTerms::of(&Geodesic::wgs84());
        let f = 1.0 / 298.257_223_563;
        assert_eq!(t.flattening, f);
        assert_eq!(t.one_minus_f, 1.0 - f);
        assert!((t.polar_semi_axis_m - 6_356_752.314_245).abs() < 1e-6);
        let e2 = f * (2.0 - f);
        assert!((t.second_eccentricity2 - e2 / ((1.0 - f) * (1.0 - f))).abs() < 1e-18);
        assert!(t.tiny > 0.0 && t.tiny < 1e-150);
    }
}
