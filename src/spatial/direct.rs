//! Karney's direct geodesic problem, from and to sines and cosines.
//!
//! The perpendicular geodesic (the `foot_correction` module) starts where it knows the sines and
//! cosines of the latitude, the longitude and the azimuth, and needs those of the landing point
//! and of the azimuth there. `geographiclib-rs` takes and returns degrees: its direct solution turns the
//! start into sines and cosines again (with an exact reduction in degrees), and its result
//! into degrees by arc tangents, which the foot correction turned back by sines and cosines: about a third
//! of the correction's cost. This module is the same solution (Karney 2013, "Algorithms for
//! geodesics", §3–§4, series to sixth order in the third flattening's `ε`, as
//! `geographiclib-rs` uses) kept in sines and cosines throughout. It uses the library's own
//! coefficients for the longitude series (`_C3f` and `_A3f`, through the
//! `geographiclib_adapter` module); the distance series (eq. 17, 18, 21) are written out
//! below. Tests check it against `geographiclib-rs` to nanometres.
//!
//! # Measured gain
//! When this module came
//! in (`ffa47aa`), one foot correction took about 1,230 instructions instead of 3,170, and the README
//! benchmark (1,000,000 incidents within 5 km) makes about 0.4 foot corrections per incident: about 780
//! fewer instructions per incident, some 12% of the 6,500 it then took (callgrind; README at
//! `15028de`, 5,730 per incident after this and two smaller changes). Ten alternating runs of
//! the benchmark at `ffa47aa` against `b26634a` (without this and those two changes) took 14%
//! less wall time and 15% less CPU time (means 0.60 s against 0.70 s, 1.15 s against 1.35 s).

use geographiclib_rs::Geodesic;

use super::ecef::SinCos;
use super::geographiclib_adapter::{longitude_series, EllipsoidTerms};

/// Number of terms of the series.
const ORDER: usize = 6;

/// Where a geodesic ends: its point's sines and cosines, and its azimuth's there.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GeodesicEnd {
    /// Latitude and longitude of the end point.
    pub at: SinCos,
    /// Sine of the azimuth at the end point (clockwise from north).
    pub sin_azi: f64,
    /// Its cosine.
    pub cos_azi: f64,
}

/// `(x, y) / |(x, y)|`, for components of a unit-scale vector (no overflow or underflow).
fn unit(x: f64, y: f64) -> (f64, f64) {
    let r = (x * x + y * y).sqrt();
    (x / r, y / r)
}

/// `Σ c[l] sin(2lσ)` for `l` from 1, from `sin σ` and `cos σ` (Clenshaw summation).
fn sin_series(c: &[f64], sin_sigma: f64, cos_sigma: f64) -> f64 {
    // 2 cos 2σ
    let ar = 2.0 * (cos_sigma - sin_sigma) * (cos_sigma + sin_sigma);
    let (mut b1, mut b2) = (0.0, 0.0);
    for &ck in c.iter().skip(1).rev() {
        let b = ck + ar * b1 - b2;
        b2 = b1;
        b1 = b;
    }
    2.0 * sin_sigma * cos_sigma * b1
}

/// `A1 - 1` (Karney 2013, eq. 17).
fn a1m1(eps: f64) -> f64 {
    let e2 = eps * eps;
    let t = e2 * (1.0 / 4.0 + e2 * (1.0 / 64.0 + e2 / 256.0));
    (t + eps) / (1.0 - eps)
}

/// `C1l` for `l` = 1..=6 (eq. 18), index 0 unused.
fn c1(eps: f64) -> [f64; ORDER + 1] {
    let e2 = eps * eps;
    let e3 = e2 * eps;
    let e4 = e2 * e2;
    [
        0.0,
        eps * (-1.0 / 2.0 + e2 * (3.0 / 16.0 - e2 / 32.0)),
        e2 * (-1.0 / 16.0 + e2 * (1.0 / 32.0 - e2 * 9.0 / 2048.0)),
        e3 * (-1.0 / 48.0 + e2 * 3.0 / 256.0),
        e4 * (-5.0 / 512.0 + e2 * 3.0 / 512.0),
        e4 * eps * (-7.0 / 1280.0),
        e4 * e2 * (-7.0 / 2048.0),
    ]
}

/// `C'1l` for `l` = 1..=6 (eq. 21), index 0 unused.
fn c1p(eps: f64) -> [f64; ORDER + 1] {
    let e2 = eps * eps;
    let e3 = e2 * eps;
    let e4 = e2 * e2;
    [
        0.0,
        eps * (1.0 / 2.0 + e2 * (-9.0 / 32.0 + e2 * 205.0 / 1536.0)),
        e2 * (5.0 / 16.0 + e2 * (-37.0 / 96.0 + e2 * 1335.0 / 4096.0)),
        e3 * (29.0 / 96.0 + e2 * (-75.0 / 128.0)),
        e4 * (539.0 / 1536.0 + e2 * (-2391.0 / 2560.0)),
        e4 * eps * (3467.0 / 7680.0),
        e4 * e2 * (38081.0 / 61440.0),
    ]
}

/// The end of the geodesic that leaves `from` with azimuth sine and cosine `(sin, cos)` (a
/// unit pair) and runs `s12` metres, on the ellipsoid of `geod` (flattening under 1%, as the
/// Earth's; more would need a further Newton step). `from` must not be a pole.
pub(crate) fn landing(
    geod: &Geodesic,
    from: &SinCos,
    (salp1, calp1): (f64, f64),
    s12: f64,
) -> GeodesicEnd {
    let terms = EllipsoidTerms::of(geod);
    let f1 = terms.one_minus_f;
    // The reduced latitude β1: tan β = (1 - f) tan φ.
    let (sbet1, cbet1) = unit(f1 * from.sin_lat, from.cos_lat);
    let cbet1 = cbet1.max(terms.tiny);
    // The azimuth at the equator crossing, α0, and the arc σ1 from it.
    let salp0 = salp1 * cbet1;
    let calp0 = (calp1 * calp1 + (salp1 * sbet1) * (salp1 * sbet1)).sqrt();
    let somg1 = salp0 * sbet1;
    let comg1 = if sbet1 != 0.0 || calp1 != 0.0 {
        cbet1 * calp1
    } else {
        1.0
    };
    let (ssig1, csig1) = unit(sbet1, comg1);
    let k2 = calp0 * calp0 * terms.second_eccentricity2;
    let eps = k2 / (2.0 * (1.0 + (1.0 + k2).sqrt()) + k2);

    // Distance to arc length (eq. 7, 15, 20).
    let a1m1 = a1m1(eps);
    let c1a = c1(eps);
    // τ1 = σ1 + B11, τ2 = τ1 + τ12 and σ2 = τ2 - B12 (eq. 7 and 20 give σ2 = τ2 + Σ C'1l
    // sin 2lτ2). τ2's sine and cosine come from σ1's turned by B11 + τ12 at once, and σ2's
    // from τ2's turned by -B12: two `sin_cos` where turning σ1 by B11, then by τ12, then
    // σ1 by σ12 took three (BENCHMARKS.md).
    let b11 = sin_series(&c1a, ssig1, csig1);
    let tau12 = s12 / (terms.polar_semi_axis_m * (1.0 + a1m1));
    let (s, c) = (b11 + tau12).sin_cos();
    let stau2 = ssig1 * c + csig1 * s;
    let ctau2 = csig1 * c - ssig1 * s;
    let b12 = -sin_series(&c1p(eps), stau2, ctau2);
    let sig12 = tau12 - (b12 - b11);
    let (s, c) = b12.sin_cos();
    let ssig2 = stau2 * c - ctau2 * s;
    let mut csig2 = ctau2 * c + stau2 * s;

    // The end point's reduced latitude and azimuth (eq. 5, 6).
    let sbet2 = calp0 * ssig2;
    let mut cbet2 = (salp0 * salp0 + (calp0 * csig2) * (calp0 * csig2)).sqrt();
    if cbet2 == 0.0 {
        cbet2 = terms.tiny;
        csig2 = terms.tiny;
    }
    let (sin_azi, cos_azi) = unit(salp0, calp0 * csig2);

    // Longitude: the angle ω on the auxiliary sphere, then λ (eq. 8, 23).
    let (c3a, a3) = longitude_series(geod, eps);
    let a3c = -terms.flattening * salp0 * a3;
    let b31 = sin_series(&c3a, ssig1, csig1);
    let somg2 = salp0 * ssig2;
    let comg2 = csig2;
    // λ12 = ω12 + Δ: the sine and cosine of ω12 from its vector, turned by Δ's. The vectors
    // of ω1 and ω2 are at most of unit length and not zero (`cbet1` is at least `tiny`, and
    // `comg1` is 1 where `sbet1` and `calp1` are both 0; `csig2` is `tiny` where `cbet2`
    // was 0), so neither is their product. This spares the arc tangent of ω12, with the same
    // one `sin_cos` (BENCHMARKS.md).
    let (somg12, comg12) = unit(somg2 * comg1 - comg2 * somg1, comg2 * comg1 + somg2 * somg1);
    let (sin_d, cos_d) = (a3c * (sig12 + (sin_series(&c3a, ssig2, csig2) - b31))).sin_cos();
    let sin_lam = somg12 * cos_d + comg12 * sin_d;
    let cos_lam = comg12 * cos_d - somg12 * sin_d;

    let (sin_lat, cos_lat) = unit(sbet2, f1 * cbet2);
    GeodesicEnd {
        at: SinCos {
            sin_lat,
            cos_lat,
            sin_lon: from.sin_lon * cos_lam + from.cos_lon * sin_lam,
            cos_lon: from.cos_lon * cos_lam - from.sin_lon * sin_lam,
        },
        sin_azi,
        cos_azi,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spatial::ecef::{dot, ecef, ecef_of, sub};
    use geographiclib_rs::DirectGeodesic;
    use proptest::prelude::*;

    /// Distance in metres between two Earth-centred points.
    fn apart(a: [f64; 3], b: [f64; 3]) -> f64 {
        let d = sub(a, b);
        dot(d, d).sqrt()
    }

    /// The landing point agrees with `geographiclib-rs`'s direct solution within `tolerance_m`,
    /// and the azimuth too.
    fn agrees_within(
        lon: f64,
        lat: f64,
        azi: f64,
        s12: f64,
        tolerance_m: f64,
    ) -> Result<(), TestCaseError> {
        let geod = Geodesic::wgs84();
        let (lat2, lon2, azi2): (f64, f64, f64) = geod.direct(lat, lon, azi, s12);
        let l = landing(
            &geod,
            &SinCos::of(lon, lat),
            azi.to_radians().sin_cos(),
            s12,
        );
        let off = apart(ecef_of(&l.at), ecef(lon2, lat2));
        prop_assert!(
            off < tolerance_m,
            "{off} m from the library's landing point"
        );
        // Near a pole the azimuth turns fast with the position: nanometres at 30 km from it
        // are 3e-14 of a radian.
        let (s, c) = azi2.to_radians().sin_cos();
        prop_assert!(
            (l.sin_azi - s).abs() < 1e-12 && (l.cos_azi - c).abs() < 1e-12,
            "azimuth ({}, {}) vs ({s}, {c})",
            l.sin_azi,
            l.cos_azi
        );
        Ok(())
    }

    /// [`agrees_within`] 10 nm: about ten spacings of doubles at the Earth's radius.
    fn agrees(lon: f64, lat: f64, azi: f64, s12: f64) -> Result<(), TestCaseError> {
        agrees_within(lon, lat, azi, s12, 1e-8)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]

        #[test]
        fn short_direct_solutions_land_where_the_library_says(
            lon in -180.0..180.0f64, lat in -89.9..89.9f64, azi in -180.0..180.0f64,
            s12 in 0.0..60_000.0f64,
        ) {
            agrees(lon, lat, azi, s12)?;
        }

        #[test]
        fn long_geodesics_too(
            lon in -180.0..180.0f64, lat in -89.0..89.0f64, azi in -180.0..180.0f64,
            s12 in 0.0..15_000_000.0f64,
        ) {
            // Over thousands of kilometres both solutions sum more rounding errors: 10 nm was
            // once exceeded by 0.04 nm. 50 nm is still far below the 0.1 m to which the tool
            // reports distances.
            agrees_within(lon, lat, azi, s12, 5e-8)?;
        }
    }

    #[test]
    fn along_meridians_and_the_equator_and_across_the_antimeridian() {
        for (lon, lat, azi, s12) in [
            (0.0, 0.0, 90.0, 50_000.0),
            (0.0, 0.0, 0.0, 50_000.0),
            (179.9, 10.0, 90.0, 40_000.0),
            (-179.9, -10.0, -90.0, 40_000.0),
            (66.0, 41.0, 180.0, 1_000.0),
            (66.0, 89.5, 0.0, 100_000.0),
            (66.0, 41.0, 45.0, 0.0),
        ] {
            agrees(lon, lat, azi, s12).unwrap();
        }
    }

    #[test]
    fn the_series_against_their_leading_terms_and_a_direct_sum() {
        // A1 - 1 and the first terms against their leading terms for a small ε (the next ones
        // are ε⁴ / 64 and ε³ · 3 / 16).
        let eps = 1e-3;
        assert!((a1m1(eps) - ((1.0 + eps * eps / 4.0) / (1.0 - eps) - 1.0)).abs() < 2e-14);
        assert!((c1(eps)[1] + eps / 2.0).abs() < 1e-9);
        assert!((c1p(eps)[1] - eps / 2.0).abs() < 1e-9);
        // Clenshaw's sum against the direct one.
        let c = [0.0, 0.3, -0.2, 0.1, 0.05, -0.01, 0.002];
        let sigma: f64 = 0.7;
        let direct: f64 = (1..=6).map(|l| c[l] * (2.0 * l as f64 * sigma).sin()).sum();
        assert!((sin_series(&c, sigma.sin(), sigma.cos()) - direct).abs() < 1e-15);
    }
}
