//! The display projection of a map (Lambert azimuthal equal-area on a sphere, centred on the
//! extent) and its fitting into the picture, plus the geodesic scale bar. Distances are never
//! measured in this projection: the scale bar's length is geodesic on WGS84.

use geo::{Destination, Distance, Geodesic, Point};

/// The mean radius of the WGS84 ellipsoid (IUGG R1), metres: for display only.
const MEAN_RADIUS_M: f64 = 6_371_008.8;

/// Lambert azimuthal equal-area projection centred on (`lon0`, `lat0`), scaled and shifted to
/// fit a frame of pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    lon0: f64,
    sin_lat0: f64,
    cos_lat0: f64,
    /// Pixels per projected metre.
    scale: f64,
    /// Pixel position of the projected origin (the centre).
    origin_x: f64,
    origin_y: f64,
}

impl Frame {
    /// A frame centred on the middle of `bbox` (`[min_lon, min_lat, max_lon, max_lat]`) that
    /// fits every point of `points` into the rectangle `area` (`[x, y, width, height]`, pixels).
    pub(crate) fn fit(bbox: [f64; 4], points: &[Point<f64>], area: [f64; 4]) -> Frame {
        let lon0 = (bbox[0] + bbox[2]) / 2.0;
        let lat0 = ((bbox[1] + bbox[3]) / 2.0).to_radians();
        let mut frame = Frame {
            lon0,
            sin_lat0: lat0.sin(),
            cos_lat0: lat0.cos(),
            scale: 1.0,
            origin_x: 0.0,
            origin_y: 0.0,
        };
        let (mut min_x, mut min_y, mut max_x, mut max_y) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for p in points {
            let (x, y) = frame.project_m(*p);
            min_x = min_x.min(x);
            max_x = max_x.max(x);
            min_y = min_y.min(y);
            max_y = max_y.max(y);
        }
        if min_x > max_x {
            (min_x, max_x, min_y, max_y) = (-1.0, 1.0, -1.0, 1.0);
        }
        // At least 1 km across, so that a single point still makes a sensible map.
        let span_x = (max_x - min_x).max(1000.0);
        let span_y = (max_y - min_y).max(1000.0);
        frame.scale = (area[2] / span_x).min(area[3] / span_y);
        let mid_x = (min_x + max_x) / 2.0;
        let mid_y = (min_y + max_y) / 2.0;
        frame.origin_x = area[0] + area[2] / 2.0 - mid_x * frame.scale;
        frame.origin_y = area[1] + area[3] / 2.0 + mid_y * frame.scale;
        frame
    }

    /// The projected position of `p` (lon/lat degrees) in metres east and north of the centre.
    fn project_m(&self, p: Point<f64>) -> (f64, f64) {
        let lam = (p.x() - self.lon0).to_radians();
        let phi = p.y().to_radians();
        let (sin_phi, cos_phi) = phi.sin_cos();
        let (sin_lam, cos_lam) = lam.sin_cos();
        let denom = 1.0 + self.sin_lat0 * sin_phi + self.cos_lat0 * cos_phi * cos_lam;
        let k = (2.0 / denom.max(1e-12)).sqrt();
        let x = MEAN_RADIUS_M * k * cos_phi * sin_lam;
        let y = MEAN_RADIUS_M * k * (self.cos_lat0 * sin_phi - self.sin_lat0 * cos_phi * cos_lam);
        (x, y)
    }

    /// The pixel position of `p` (lon/lat degrees); y grows downwards.
    pub(crate) fn pixel(&self, p: Point<f64>) -> (f64, f64) {
        let (x, y) = self.project_m(p);
        (
            self.origin_x + x * self.scale,
            self.origin_y - y * self.scale,
        )
    }

    /// The centre of the map, lon/lat degrees.
    pub(crate) fn centre(&self) -> Point<f64> {
        Point::new(self.lon0, self.sin_lat0.atan2(self.cos_lat0).to_degrees())
    }
}

/// A scale bar: its geodesic length and its length in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ScaleBar {
    /// Geodesic length on WGS84, kilometres: 1, 2 or 5 × 10ⁿ.
    pub(crate) length_km: f64,
    /// Drawn length, pixels.
    pub(crate) length_px: f64,
}

/// The scale bar of `frame` no longer than `max_px` pixels: the longest 1/2/5 × 10ⁿ km whose
/// geodesic length, measured eastwards on WGS84 at the map's centre, fits in `max_px`.
pub(crate) fn scale_bar(frame: &Frame, max_px: f64) -> ScaleBar {
    let centre = frame.centre();
    // Pixels per geodesic metre, measured over a short eastward geodesic at the centre.
    let probe_m = 10_000.0;
    let east = Geodesic.destination(centre, 90.0, probe_m);
    let (x0, y0) = frame.pixel(centre);
    let (x1, y1) = frame.pixel(east);
    let px_per_m = ((x1 - x0).hypot(y1 - y0) / Geodesic.distance(centre, east)).max(1e-12);
    let max_km = max_px / px_per_m / 1000.0;
    let length_km = round_down_125(max_km);
    ScaleBar {
        length_km,
        length_px: length_km * 1000.0 * px_per_m,
    }
}

/// The largest 1, 2 or 5 × 10ⁿ that is at most `x` (for `x` > 0).
pub(crate) fn round_down_125(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let base = 10f64.powf(x.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * base)
        .find(|&v| v <= x * (1.0 + 1e-9))
        .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_down_to_one_two_five() {
        assert_eq!(round_down_125(7.3), 5.0);
        assert_eq!(round_down_125(199.0), 100.0);
        assert_eq!(round_down_125(200.0), 200.0);
        assert_eq!(round_down_125(0.34), 0.2);
        assert_eq!(round_down_125(1.0), 1.0);
    }

    #[test]
    fn fits_points_inside_the_area_with_north_up() {
        let pts = [Point::new(66.0, 40.0), Point::new(71.0, 45.0)];
        let f = Frame::fit([66.0, 40.0, 71.0, 45.0], &pts, [10.0, 10.0, 500.0, 400.0]);
        for p in pts {
            let (x, y) = f.pixel(p);
            assert!((10.0 - 1e-6..=510.0 + 1e-6).contains(&x), "{x}");
            assert!((10.0 - 1e-6..=410.0 + 1e-6).contains(&y), "{y}");
        }
        // North is up: a point north of the centre has a smaller y.
        assert!(f.pixel(Point::new(68.5, 44.0)).1 < f.pixel(Point::new(68.5, 41.0)).1);
    }

    #[test]
    fn scale_bar_is_geodesic() {
        let pts = [Point::new(66.0, 40.0), Point::new(71.0, 45.0)];
        let f = Frame::fit([66.0, 40.0, 71.0, 45.0], &pts, [0.0, 0.0, 800.0, 800.0]);
        let bar = scale_bar(&f, 200.0);
        assert!(bar.length_px <= 200.0 && bar.length_px > 80.0, "{bar:?}");
        // Check the pixels per km against a geodesic of the bar's length at the centre.
        let c = f.centre();
        let end = Geodesic.destination(c, 90.0, bar.length_km * 1000.0);
        let (x0, _) = f.pixel(c);
        let (x1, _) = f.pixel(end);
        assert!(
            ((x1 - x0) - bar.length_px).abs() < 0.5,
            "{} vs {}",
            x1 - x0,
            bar.length_px
        );
    }
}
