//! Sines and cosines by their Taylor series, where the library's general routine costs more
//! than the angles need: small angles in radians (the perpendicular shot's arcs and
//! corrections) and angles in degrees (every query point's latitude and longitude).
//!
//! Both are within an ulp or two of the C library's, as the tests check.

/// The largest angle, in radians, whose sine and cosine [`sin_cos_small`] takes from its
/// series.
pub(crate) const SMALL_MAX: f64 = 1.0 / 64.0;

/// `x.sin_cos()`, by the Taylor series for angles up to [`SMALL_MAX`] (the shot's angles:
/// arcs of at most 50 km, their series corrections, longitude steps), which need no argument
/// reduction. Up to `2^-6` radians the first term left out (`x⁹/9!` for the sine, `x⁸/8!`
/// for the cosine) is below `10^-19` relative: the result is within an ulp of the
/// library's, as the tests check. Larger angles go to the library.
pub(crate) fn sin_cos_small(x: f64) -> (f64, f64) {
    if x.abs() > SMALL_MAX || x.is_nan() {
        return x.sin_cos();
    }
    if x == 0.0 {
        // The sign of a zero sine, as the library keeps it.
        return (x, 1.0);
    }
    let x2 = x * x;
    (
        x + x * x2 * (-1.0 / 6.0 + x2 * (1.0 / 120.0 - x2 * (1.0 / 5040.0))),
        1.0 + x2 * (-0.5 + x2 * (1.0 / 24.0 - x2 * (1.0 / 720.0))),
    )
}

/// Largest angle, in degrees, reduced exactly by [`sin_cos_deg`]; larger ones (and NaN) go to
/// the library after a conversion to radians.
const DEG_MAX: f64 = 720.0;

/// The sine and cosine of `x` degrees.
///
/// The angle is first reduced exactly, in degrees, to `r = x - 90k` with `|r| <= 45` (for
/// `|x| <= 720` the difference is a multiple of the unit in the last place of `x` and no larger
/// than `x`, so it is representable: no rounding), and only `r` is converted to radians. The
/// sine and cosine of `r` come from their Taylor series up to `r¹⁷/17!` and `r¹⁶/16!`: at
/// `π/4` the first terms left out are below `10^-18`. The quadrant `k` then swaps and signs
/// them. Multiples of 90° come out exact (`sin 180° = 0`, not `1.2e-16` as from `π` rounded),
/// the sine of a zero keeps its sign and a zero cosine is positive.
///
/// About half the instructions of the library's `sin_cos` of `x.to_radians()` (which must
/// reduce a radian argument against a many-digit `π`); within two ulps of it for `|x| <= 45`
/// and closer to the true value beyond (the conversion of `x` to radians is not exact).
pub(crate) fn sin_cos_deg(x: f64) -> (f64, f64) {
    if x.is_nan() || x.abs() > DEG_MAX {
        return x.to_radians().sin_cos();
    }
    // `x / 90 + 8.5` is positive: truncating it rounds `x / 90` to the nearest integer `k`
    // (within the rounding of the division, which moves `r` past ±45° by ulps at most).
    let k = (x * (1.0 / 90.0) + 8.5) as i64 - 8;
    let r = x - 90.0 * k as f64;
    let a = r.to_radians();
    let z = a * a;
    // Horner's rule in `z = a²`, the smallest terms first.
    let s = a + a
        * z
        * (-1.0 / 6.0
            + z * (1.0 / 120.0
                + z * (-1.0 / 5_040.0
                    + z * (1.0 / 362_880.0
                        + z * (-1.0 / 39_916_800.0
                            + z * (1.0 / 6_227_020_800.0
                                + z * (-1.0 / 1_307_674_368_000.0
                                    + z * (1.0 / 355_687_428_096_000.0))))))));
    let c = 1.0
        + z * (-0.5
            + z * (1.0 / 24.0
                + z * (-1.0 / 720.0
                    + z * (1.0 / 40_320.0
                        + z * (-1.0 / 3_628_800.0
                            + z * (1.0 / 479_001_600.0
                                + z * (-1.0 / 87_178_291_200.0
                                    + z * (1.0 / 20_922_789_888_000.0))))))));
    // `+ 0.0` turns a negative zero positive; a zero angle keeps its sign in the sine.
    let (s, c) = match k.rem_euclid(4) {
        0 => (s, c),
        1 => (c, -s + 0.0),
        2 => (-s + 0.0, -c),
        _ => (-c, s),
    };
    (if x == 0.0 { x } else { s }, c + 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A unit in the last place of `v` (of the smallest normal for zero).
    fn ulp(v: f64) -> f64 {
        f64::EPSILON * v.abs().max(f64::MIN_POSITIVE)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]

        /// The series give the library's sine and cosine to within an ulp.
        #[test]
        fn small_angles_sines_and_cosines_are_the_library_s(
            x in prop_oneof![-SMALL_MAX..=SMALL_MAX, -1e-6..1e-6f64, -1.0..1.0f64],
        ) {
            let (s, c) = sin_cos_small(x);
            let (s0, c0) = x.sin_cos();
            prop_assert!((s - s0).abs() <= ulp(s0), "sin {x}: {s} vs {s0}");
            prop_assert!((c - c0).abs() <= ulp(c0), "cos {x}: {c} vs {c0}");
        }

        /// Within an octant (no reduction), two ulps of the library's.
        #[test]
        fn degrees_within_an_octant_are_the_library_s(
            x in prop_oneof![-45.0..=45.0f64, -1e-6..1e-6f64, 44.0..=45.0f64],
        ) {
            let (s, c) = sin_cos_deg(x);
            let (s0, c0) = x.to_radians().sin_cos();
            prop_assert!((s - s0).abs() <= 2.0 * ulp(s0), "sin {x}: {s} vs {s0}");
            prop_assert!((c - c0).abs() <= 2.0 * ulp(c0), "cos {x}: {c} vs {c0}");
        }

        /// Any angle: the same as the octant's, turned by whole quadrants; and the library's
        /// within what converting `x` to radians costs it (`x` itself is exact in degrees).
        #[test]
        fn degrees_in_any_quadrant(r in -45.0..=45.0f64, k in -7i64..=7, x in -720.0..=720.0f64) {
            let (s, c) = sin_cos_deg(r);
            let turned = sin_cos_deg(r + 90.0 * k as f64);
            // `r + 90k` is rounded when `r` has more digits than its magnitude keeps: compare
            // with the library's there, below.
            if r + 90.0 * k as f64 - 90.0 * k as f64 == r {
                let want = match k.rem_euclid(4) {
                    0 => (s, c),
                    1 => (c, -s),
                    2 => (-s, -c),
                    _ => (-c, s),
                };
                prop_assert!((turned.0 - want.0).abs() <= 2.0 * ulp(want.0), "{r} + 90 × {k}");
                prop_assert!((turned.1 - want.1).abs() <= 2.0 * ulp(want.1), "{r} + 90 × {k}");
            }
            let (s, c) = sin_cos_deg(x);
            let (s0, c0) = x.to_radians().sin_cos();
            // `x.to_radians()` is off by up to half an ulp of 4π (9e-16) and the library's sine
            // by half an ulp.
            prop_assert!((s - s0).abs() <= 2e-15 && (c - c0).abs() <= 2e-15, "{x}");
            prop_assert!((s * s + c * c - 1.0).abs() <= 4.0 * f64::EPSILON, "{x}");
        }
    }

    #[test]
    fn small_angle_sines_and_cosines_at_the_ends() {
        for x in [0.0, -0.0, SMALL_MAX, -SMALL_MAX, 1e-300, f64::MIN_POSITIVE] {
            let ((s, c), (s0, c0)) = (sin_cos_small(x), x.sin_cos());
            assert_eq!((s.to_bits(), c), (s0.to_bits(), c0), "{x}");
        }
        assert!(sin_cos_small(f64::NAN).0.is_nan());
        assert_eq!(sin_cos_small(0.5), 0.5f64.sin_cos());
    }

    #[test]
    fn degrees_exact_at_quadrants_and_signed_zeros() {
        let bits = |(s, c): (f64, f64)| (s.to_bits(), c.to_bits());
        for (x, want) in [
            (0.0, (0.0, 1.0)),
            (-0.0, (-0.0, 1.0)),
            (90.0, (1.0, 0.0)),
            (-90.0, (-1.0, 0.0)),
            (180.0, (0.0, -1.0)),
            (-180.0, (0.0, -1.0)),
            (270.0, (-1.0, 0.0)),
            (360.0, (0.0, 1.0)),
            (-720.0, (0.0, 1.0)),
        ] {
            assert_eq!(bits(sin_cos_deg(x)), bits(want), "{x}");
        }
        let (s, c) = sin_cos_deg(30.0);
        assert!((s - 0.5).abs() <= ulp(0.5) && (c - 0.75f64.sqrt()).abs() <= ulp(c));
        let (s, c) = sin_cos_deg(45.0);
        assert!((s - c).abs() <= ulp(c) && (s - 0.5f64.sqrt()).abs() <= ulp(s));
        // Beyond the exact reduction and NaN: the library's.
        assert_eq!(sin_cos_deg(1000.0), 1000f64.to_radians().sin_cos());
        assert!(sin_cos_deg(f64::NAN).0.is_nan() && sin_cos_deg(f64::INFINITY).1.is_nan());
    }
}
