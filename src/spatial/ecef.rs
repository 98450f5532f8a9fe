//! Earth-centred, Earth-fixed (ECEF) coordinates on the WGS84 ellipsoid: points, the
//! sines and cosines of their latitude and longitude, the local north and east directions,
//! and the vector arithmetic the index does in them.

/// WGS84 equatorial radius, in metres.
pub(crate) const WGS84_A_M: f64 = 6_378_137.0;
/// WGS84 flattening.
pub(crate) const WGS84_F: f64 = 1.0 / 298.257_223_563;
/// Mean radius of the ellipsoid (IUGG R1): scales the intercept step (any positive radius gives
/// the same fixed point; this one makes the step nearly exact) and the sections' chord-to-arc
/// estimate.
pub(crate) const MEAN_RADIUS_M: f64 = 6_371_008.8;

/// Earth-centred, Earth-fixed coordinates (metres) of a point on the WGS84 ellipsoid.
pub(crate) fn ecef(lon: f64, lat: f64) -> [f64; 3] {
    ecef_of(&SinCos::of(lon, lat))
}

/// The sines and cosines of a point's latitude and longitude.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SinCos {
    /// Sine of the latitude.
    pub sin_lat: f64,
    /// Cosine of the latitude.
    pub cos_lat: f64,
    /// Sine of the longitude.
    pub sin_lon: f64,
    /// Cosine of the longitude.
    pub cos_lon: f64,
}

impl SinCos {
    /// Of longitude `lon` and latitude `lat`, degrees.
    pub fn of(lon: f64, lat: f64) -> SinCos {
        let (sin_lat, cos_lat) = lat.to_radians().sin_cos();
        let (sin_lon, cos_lon) = lon.to_radians().sin_cos();
        SinCos {
            sin_lat,
            cos_lat,
            sin_lon,
            cos_lon,
        }
    }
}

/// [`ecef`] of a point given by its sines and cosines.
pub(crate) fn ecef_of(a: &SinCos) -> [f64; 3] {
    let e2 = WGS84_F * (2.0 - WGS84_F);
    let n = WGS84_A_M / (1.0 - e2 * a.sin_lat * a.sin_lat).sqrt();
    [
        n * a.cos_lat * a.cos_lon,
        n * a.cos_lat * a.sin_lon,
        n * (1.0 - e2) * a.sin_lat,
    ]
}

pub(crate) fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

pub(crate) fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

pub(crate) fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

/// An angle in degrees reduced to (-180, 180].
pub(crate) fn normalize_deg(x: f64) -> f64 {
    let y = rem_360(x);
    if y > 180.0 {
        y - 360.0
    } else {
        y
    }
}

/// `x.rem_euclid(360.0)`, the same value, without the division for `x` strictly between -360
/// and 720 (angles here are sums and differences of two normalised ones): there one addition
/// or subtraction gives it (exact for `x >= 360` by Sterbenz's lemma, and the same rounding as
/// `rem_euclid`'s own for `x < 0`; -360 itself is left to `rem_euclid`, whose answer is -0).
pub(crate) fn rem_360(x: f64) -> f64 {
    if (0.0..360.0).contains(&x) {
        x
    } else if x > -360.0 && x < 0.0 {
        x + 360.0
    } else if (360.0..720.0).contains(&x) {
        x - 360.0
    } else {
        x.rem_euclid(360.0)
    }
}

/// Unit vectors pointing north and east at a surface point given by its geodetic latitude and
/// longitude in degrees (the searches use [`north_east_of`]).
#[cfg(test)]
pub(crate) fn north_east(lon: f64, lat: f64) -> ([f64; 3], [f64; 3]) {
    north_east_of(&SinCos::of(lon, lat))
}

/// [`north_east`] of a point given by its sines and cosines.
pub(crate) fn north_east_of(a: &SinCos) -> ([f64; 3], [f64; 3]) {
    (
        [-a.sin_lat * a.cos_lon, -a.sin_lat * a.sin_lon, a.cos_lat],
        [-a.sin_lon, a.cos_lon, 0.0],
    )
}

/// The unit tangent, Earth-centred, of a direction with azimuth `azi` (degrees clockwise from
/// north) at a surface point given by the sines and cosines of its latitude and longitude.
pub(crate) fn tangent_of(at: &SinCos, azi: f64) -> [f64; 3] {
    let (n, e) = north_east_of(at);
    let (s, c) = azi.to_radians().sin_cos();
    [
        c * n[0] + s * e[0],
        c * n[1] + s * e[1],
        c * n[2] + s * e[2],
    ]
}

/// Geodetic longitude and latitude, degrees, of an Earth-centred point on (within micrometres
/// of) the ellipsoid's surface. On the surface `tan(lat) = z / ((1 - e²) p)` exactly; a height
/// `h` changes the latitude by about `e² h / a` radians.
pub(crate) fn lon_lat(q: [f64; 3]) -> (f64, f64) {
    let one_minus_e2 = (1.0 - WGS84_F) * (1.0 - WGS84_F);
    // Coordinates of metres to thousands of kilometres: the squares neither overflow nor
    // underflow, and `hypot`'s care for that is not needed.
    let p = (q[0] * q[0] + q[1] * q[1]).sqrt();
    (
        q[1].atan2(q[0]).to_degrees(),
        q[2].atan2(one_minus_e2 * p).to_degrees(),
    )
}

/// [`lon_lat`] of `q` and the sines and cosines of those angles, from `q`'s coordinates rather
/// than from the angles: the longitude's are `y / p` and `x / p` (`p` the distance from the
/// axis) and the latitude's those of the direction `(z, (1 - e²) p)`, the same to rounding.
/// Within a metre of the axis, where the longitude is ill-defined, from the angles.
pub(crate) fn surface_frame(q: [f64; 3]) -> ((f64, f64), SinCos) {
    let (lon, lat) = lon_lat(q);
    let one_minus_e2 = (1.0 - WGS84_F) * (1.0 - WGS84_F);
    let p = (q[0] * q[0] + q[1] * q[1]).sqrt();
    if p < 1.0 {
        return ((lon, lat), SinCos::of(lon, lat));
    }
    let (z, w) = (q[2], one_minus_e2 * p);
    let r = (z * z + w * w).sqrt();
    (
        (lon, lat),
        SinCos {
            sin_lat: z / r,
            cos_lat: w / r,
            sin_lon: q[1] / p,
            cos_lon: q[0] / p,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn norm(a: [f64; 3]) -> f64 {
        dot(a, a).sqrt()
    }

    /// The frame from coordinates is the frame from angles, anywhere from the equator to the
    /// poles and across the antimeridian.
    #[test]
    fn surface_frame_matches_the_angles() {
        let mut lats: Vec<f64> = (-900..=900).map(|i| f64::from(i) / 10.0).collect();
        lats.extend([89.999_999_9, -89.999_999_9, 1e-9, -1e-9]);
        for (k, &lat) in lats.iter().enumerate() {
            let lon = -180.0 + (k as f64 * 37.7) % 360.0;
            let ((lo, la), frame) = surface_frame(ecef(lon, lat));
            let (n, e) = north_east_of(&frame);
            let (n0, e0) = north_east(lo, la);
            assert!((la - lat).abs() < 1e-9, "{lon} {lat}: latitude {la}");
            if lat.abs() < 89.9 {
                let dlon = (lo - lon + 540.0).rem_euclid(360.0) - 180.0;
                assert!(dlon.abs() < 1e-9, "{lon} {lat}: longitude {lo}");
            }
            for i in 0..3 {
                assert!(
                    (n[i] - n0[i]).abs() < 1e-12,
                    "{lon} {lat}: north {n:?} {n0:?}"
                );
                assert!(
                    (e[i] - e0[i]).abs() < 1e-12,
                    "{lon} {lat}: east {e:?} {e0:?}"
                );
            }
            assert!((norm(n) - 1.0).abs() < 1e-14 && (norm(e) - 1.0).abs() < 1e-14);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]

        /// The shortcut gives exactly `rem_euclid`'s value, inside its range and out of it.
        #[test]
        fn rem_360_is_rem_euclid(
            x in prop_oneof![-360.0..720.0f64, -1e6..1e6f64, -1e-300..1e-300f64]
        ) {
            prop_assert_eq!(rem_360(x).to_bits(), x.rem_euclid(360.0).to_bits());
        }
    }

    #[test]
    fn rem_360_at_the_edges_of_its_shortcut() {
        for x in [
            -720.0,
            -360.0,
            -359.999_999_999,
            -1e-20,
            -0.0,
            0.0,
            1e-20,
            359.999_999_999,
            360.0,
            719.999_999_999,
            720.0,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
        ] {
            assert_eq!(rem_360(x).to_bits(), x.rem_euclid(360.0).to_bits(), "{x}");
        }
    }

    #[test]
    fn normalize_keeps_half_open_range() {
        assert_eq!(normalize_deg(-180.0), 180.0);
        assert_eq!(normalize_deg(540.0), 180.0);
        assert_eq!(normalize_deg(-190.0), 170.0);
    }
}
