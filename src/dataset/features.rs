//! Reading the dataset's GeoJSON layers (segments and places): each feature's properties and
//! geometry checked, one problem per fault (the features themselves are read by
//! [`feature_reader`](super::feature_reader)).

use geo::{Bearing, Coord, Geodesic, LineString, Point};
use serde_json::Value;

use super::feature_reader::{features, Coordinates, FeatureCtx};
use super::records::country;
use crate::spatial::ecef::{dot, ecef_of, north_east_of, sub, SinCos};
use crate::{Dyad, Extent, PartialDate, Place, Problem, Segment, Sovereignty};

/// Reads `segments.geojson`: `None` when the file is unusable as a whole; the ids of rejected
/// features go to `rejected`.
pub(crate) fn segments(
    file: &str,
    bytes: &[u8],
    problems: &mut Vec<Problem>,
    rejected: &mut super::validate::Rejected,
) -> Option<Vec<(usize, Segment)>> {
    let mut out = Vec::new();
    let read = features(file, bytes, problems, |f| {
        let id = f.required("id");
        let dyad = f.parsed("dyad", str::parse::<Dyad>);
        let left = f.parsed("left", country);
        let right = f.parsed("right", country);
        if let (Some(d), Some(l), Some(r)) = (dyad, left, right) {
            if Dyad::new(l, r) != Some(d) {
                f.problem(format!(
                    "left {l} and right {r} are not the two countries of dyad {d}"
                ));
            }
        }
        let name = f.text("name");
        let order = f.integer("order");
        let part = f.integer("part");
        let extent = f.parsed("extent", |s| match s {
            "exact" => Ok(Extent::Exact),
            "approximate" => Ok(Extent::Approximate),
            _ => Err(format!("{s:?} is not exact or approximate")),
        });
        let precision_m = f.number("precision_m", 0.0, 1.0e7);
        let source_id = f.required("source_id");
        let line = line_string(f);
        let kept = out.len();
        if let (
            Some(dyad),
            Some(left),
            Some(right),
            Some(order),
            Some(part),
            Some(extent),
            Some(precision_m),
            Some(line),
        ) = (dyad, left, right, order, part, extent, precision_m, line)
        {
            if f.problems.is_empty() {
                out.push((
                    f.index,
                    Segment {
                        id,
                        dyad,
                        left,
                        right,
                        name,
                        order,
                        part,
                        extent,
                        precision_m,
                        source_id,
                        note: f.text("note"),
                        line,
                    },
                ));
            }
        }
        if out.len() == kept {
            rejected.segment_features += 1;
            if let Some(id) = f.id.clone() {
                rejected.segments.insert(id);
            }
            match dyad {
                Some(d) => {
                    rejected.segment_dyads.insert(d);
                }
                None => rejected.dyad_unread = true,
            }
        }
    });
    read.then_some(out)
}

/// Reads a LineString geometry, rejecting empty, degenerate and self-overlapping lines.
fn line_string(f: &mut FeatureCtx<'_>) -> Option<LineString<f64>> {
    let positions: Vec<Option<Coord<f64>>> = match f.coordinates("LineString")? {
        Coordinates::Plain(list) => (list.iter().enumerate())
            .map(|(i, &p)| f.plain_position(p, Some(i)))
            .collect(),
        Coordinates::Json(coords) => {
            let Some(list) = coords.as_array() else {
                f.problem("LineString coordinates are not an array");
                return None;
            };
            (list.iter().enumerate())
                .map(|(i, v)| f.position(v, Some(i)))
                .collect()
        }
    };
    let mut pts: Vec<Coord<f64>> = Vec::with_capacity(positions.len());
    let mut ok = true;
    for position in &positions {
        match *position {
            // Consecutive repeated positions add nothing to the line; drop them.
            Some(c) if pts.last().is_some_and(|&last| same_place(last, c)) => {}
            Some(c) => pts.push(c),
            None => ok = false,
        }
    }
    if !ok {
        return None;
    }
    if pts.len() < 2 {
        f.problem(if positions.len() < 2 {
            format!(
                "LineString has {} position(s); a segment needs at least 2",
                positions.len()
            )
        } else {
            "LineString is degenerate: all its positions are the same point".to_string()
        });
        return None;
    }
    if let Some(i) = first_doubling_back(&pts) {
        f.problem(format!(
            "LineString doubles back on itself at coordinate index {i} (self-overlapping)"
        ));
        return None;
    }
    Some(LineString::new(pts))
}

/// Whether two positions are the same place on the Earth: equal, or written with longitudes
/// 360° apart (±180°), or both at the same pole.
fn same_place(p: Coord<f64>, q: Coord<f64>) -> bool {
    p.y == q.y && (p.x == q.x || (p.x - q.x).abs() == 360.0 || p.y.abs() == 90.0)
}

/// How close, in degrees, the directions from a vertex to its two neighbours may be for the
/// edges to count as running back along each other (about 2 mm sideways at 1 000 km).
const SAME_DIRECTION_DEG: f64 = 1e-7;

/// Whether the edge b→c runs back along a→b (the two edges overlap): the geodesics from `b` to
/// `a` and from `b` to `c` set off in the same direction (their azimuths at `b`, on the WGS84
/// ellipsoid, agree). Judged on the ellipsoid, not in longitude and latitude, so that a vertex
/// on the antimeridian or a line around a pole is judged by where it runs on the Earth.
///
/// Most vertices are settled by a cheap test first ([`clearly_turns`]); only a vertex where the
/// two edges leave within a degree of each other is judged by the geodesic azimuths, so the
/// answer is the geodesic one everywhere.
pub(crate) fn doubles_back(a: Coord<f64>, b: Coord<f64>, c: Coord<f64>) -> bool {
    if clearly_turns(&Vertex::of(a), &Vertex::of(b), &Vertex::of(c)) {
        return false;
    }
    doubles_back_geodesic(a, b, c)
}

/// The first vertex of `pts` at which the line doubles back ([`doubles_back`] of it and its
/// two neighbours), if any. Each position's sines, cosines and ECEF point are computed once
/// (not once for each of the three vertex triples it belongs to), with the same answers.
pub(crate) fn first_doubling_back(pts: &[Coord<f64>]) -> Option<usize> {
    let vertices: Vec<Vertex> = pts.iter().map(|&p| Vertex::of(p)).collect();
    (1..pts.len().saturating_sub(1)).find(|&i| {
        !clearly_turns(&vertices[i - 1], &vertices[i], &vertices[i + 1])
            && doubles_back_geodesic(pts[i - 1], pts[i], pts[i + 1])
    })
}

/// A position's sines and cosines and its ECEF point, for [`clearly_turns`].
struct Vertex {
    at: SinCos,
    ecef: [f64; 3],
}

impl Vertex {
    fn of(p: Coord<f64>) -> Vertex {
        let at = SinCos::of(p.x, p.y);
        Vertex {
            ecef: ecef_of(&at),
            at,
        }
    }
}

/// The geodesic judgement behind [`doubles_back`]: the azimuths at `b` of the geodesics to `a`
/// and to `c` agree within [`SAME_DIRECTION_DEG`].
fn doubles_back_geodesic(a: Coord<f64>, b: Coord<f64>, c: Coord<f64>) -> bool {
    let (a, b, c) = (Point::from(a), Point::from(b), Point::from(c));
    let to_a = Geodesic.bearing(b, a);
    let to_c = Geodesic.bearing(b, c);
    let apart = (to_a - to_c).rem_euclid(360.0);
    apart.min(360.0 - apart) <= SAME_DIRECTION_DEG
}

/// Edges longer than this (straight-line chord, metres) are left to the geodesic test: beyond
/// it the cheap test's margin is not worth arguing for.
const CHEAP_TEST_MAX_CHORD_M: f64 = 2.0e6;

/// The cosine of the angle (1°) between the two edges' directions at `b` above which
/// [`clearly_turns`] leaves the vertex to the geodesic test.
const CHEAP_TEST_COS: f64 = 0.999_847_695_156_391_3; // cos(1°)

/// A cheap sufficient test that the vertex `b` does **not** double back: the directions of the
/// chords from `b` to `a` and to `c`, projected onto the plane tangent to the WGS84 ellipsoid at
/// `b`, are more than 1° apart. These projected directions are the normal-section azimuths at
/// `b`; a geodesic's azimuth differs from its normal section's by an amount that grows with
/// the square of the edge's length, under 0.002° for edges up to 2 000 km (0.0014° at most in
/// the test below, over vertices anywhere on the Earth), so edges more than 1° apart in this
/// test are far more than [`SAME_DIRECTION_DEG`] apart on the geodesics. `false` means "not settled" (a sharp turn, an edge longer than 2 000 km, or a
/// position repeated), never "doubles back".
fn clearly_turns(a: &Vertex, b: &Vertex, c: &Vertex) -> bool {
    let pb = b.ecef;
    let (north, east) = north_east_of(&b.at);
    // The chord from `b` to `p` in the tangent plane at `b`: its north and east components.
    let along_tangent = |p: &Vertex| -> Option<(f64, f64)> {
        let d = sub(p.ecef, pb);
        let chord = dot(d, d).sqrt();
        (chord > 0.0 && chord <= CHEAP_TEST_MAX_CHORD_M).then(|| (dot(d, north), dot(d, east)))
    };
    let (Some(u), Some(v)) = (along_tangent(a), along_tangent(c)) else {
        return false;
    };
    let lengths = ((u.0 * u.0 + u.1 * u.1) * (v.0 * v.0 + v.1 * v.1)).sqrt();
    lengths > 0.0 && u.0 * v.0 + u.1 * v.1 < CHEAP_TEST_COS * lengths
}

/// Reads `places.geojson`: `None` when the file is unusable as a whole; the ids of rejected
/// features go to `rejected`.
pub(crate) fn places(
    file: &str,
    bytes: &[u8],
    problems: &mut Vec<Problem>,
    rejected: &mut super::validate::Rejected,
) -> Option<Vec<(usize, Place)>> {
    let mut out = Vec::new();
    let read = features(file, bytes, problems, |f| {
        let kept = out.len();
        let id = f.required("id");
        let name = f.required("name");
        let kind = f.required("kind");
        let precision_m = f.number("precision_m", 0.0, 1.0e7);
        let current = f.parsed("country", country);
        let sovereignty = sovereignty(f, current);
        let source_id = f.required("source_id");
        let point = f.coordinates("Point").and_then(|c| match c {
            Coordinates::Plain(p) => p.first().and_then(|&p| f.plain_position(p, None)),
            Coordinates::Json(v) => f.position(v, None),
        });
        if let (Some(precision_m), Some(sovereignty), Some(c)) = (precision_m, sovereignty, point) {
            if f.problems.is_empty() {
                out.push((
                    f.index,
                    Place {
                        id,
                        name,
                        kind,
                        point: Point::from(c),
                        precision_m,
                        sovereignty,
                        source_id,
                        note: f.text("note"),
                    },
                ));
            }
        }
        if out.len() == kept {
            if let Some(id) = f.id.clone() {
                rejected.places.insert(id);
            }
        }
    });
    read.then_some(out)
}

/// Reads the `sovereignty` array; without one, the place belonged to `country` throughout.
/// Every problem in it is reported, not only the first.
fn sovereignty(
    f: &mut FeatureCtx<'_>,
    current: Option<crate::CountryCode>,
) -> Option<Vec<Sovereignty>> {
    let Some(v) = f.value("sovereignty").filter(|v| !v.is_null()) else {
        let source_id = f.text("source_id");
        return current.map(|country| {
            vec![Sovereignty {
                from: None,
                country,
                instrument_id: None,
                source_id,
            }]
        });
    };
    let Some(list) = v.as_array().filter(|l| !l.is_empty()) else {
        f.problem("property \"sovereignty\" is not a non-empty array");
        return None;
    };
    let before = f.problems.len();
    let mut out = Vec::new();
    for (i, p) in list.iter().enumerate() {
        let s = |k: &str| {
            p.get(k)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let from = match s("from") {
            None => None,
            Some(d) => match d.parse::<PartialDate>() {
                Ok(d) => Some(d),
                Err(e) => {
                    f.problem(format!("sovereignty[{i}].from: {e}"));
                    None
                }
            },
        };
        if i > 0 && s("from").is_none() {
            f.problem(format!(
                "sovereignty[{i}].from is missing (only the first period may omit it)"
            ));
        }
        let country = match s("country").map(country) {
            Some(Ok(c)) => Some(c),
            Some(Err(e)) => {
                f.problem(format!("sovereignty[{i}].country: {e}"));
                None
            }
            None => {
                f.problem(format!("sovereignty[{i}].country is missing"));
                None
            }
        };
        let source_id = s("source_id");
        if source_id.is_none() {
            f.problem(format!("sovereignty[{i}].source_id is missing"));
        }
        if let (Some(country), Some(source_id)) = (country, source_id) {
            out.push((
                i,
                Sovereignty {
                    from,
                    country,
                    instrument_id: s("instrument_id").map(str::to_string),
                    source_id: source_id.to_string(),
                },
            ));
        }
    }
    for w in out.windows(2) {
        if let (Some(a), Some(b)) = (w[0].1.from, w[1].1.from) {
            if b.first() < a.last() {
                f.problem(format!("sovereignty periods out of order: {b} after {a}"));
            }
        }
    }
    let complete = out.len() == list.len();
    if let (Some(current), true) = (current, complete) {
        if out.last().map(|p| p.1.country) != Some(current) {
            f.problem(format!(
                "property \"country\" {current} is not the country of the last sovereignty period"
            ));
        }
    }
    (f.problems.len() == before && current.is_some())
        .then(|| out.into_iter().map(|(_, p)| p).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`clearly_turns`] of three positions.
    fn turns(a: Coord<f64>, b: Coord<f64>, c: Coord<f64>) -> bool {
        clearly_turns(&Vertex::of(a), &Vertex::of(b), &Vertex::of(c))
    }

    /// A line's first doubling back is the first vertex that [`doubles_back`] finds, on
    /// lines with straight runs (settled by the geodesic), spikes and sharp turns.
    #[test]
    fn the_first_doubling_back_is_the_first_vertex_that_doubles_back() {
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut found = 0;
        for _ in 0..300 {
            let mut pts = vec![Coord {
                x: 60.0 + 10.0 * next(),
                y: 38.0 + 5.0 * next(),
            }];
            let mut azimuth = 360.0 * next();
            for _ in 0..12 {
                let last = pts[pts.len() - 1];
                let choice = (8.0 * next()) as u32;
                if choice == 0 && pts.len() >= 2 {
                    // A spike back to the position before.
                    pts.push(pts[pts.len() - 2]);
                    continue;
                }
                azimuth += if choice < 3 { 0.0 } else { 90.0 * next() };
                let (x, y) = towards((last.x, last.y), azimuth, 1_000.0 + 20_000.0 * next());
                pts.push(Coord { x, y });
            }
            let scan = (1..pts.len() - 1).find(|&i| doubles_back(pts[i - 1], pts[i], pts[i + 1]));
            assert_eq!(first_doubling_back(&pts), scan);
            found += usize::from(scan.is_some());
        }
        assert!(found > 50 && found < 300, "{found}");
        assert_eq!(first_doubling_back(&[]), None);
    }

    fn back(a: (f64, f64), b: (f64, f64), c: (f64, f64)) -> bool {
        let at = |(x, y)| Coord { x, y };
        doubles_back(at(a), at(b), at(c))
    }

    #[test]
    fn doubling_back_is_judged_on_the_ellipsoid() {
        // Along a meridian, back over the same ground.
        assert!(back((69.0, 41.0), (69.0, 41.95), (69.0, 41.9)));
        assert!(back((10.0, 0.0), (20.0, 0.0), (15.0, 0.0)));
        // A spike back to the same point.
        assert!(back((10.0, 5.0), (20.0, 6.0), (10.0, 5.0)));
        // Straight on across the antimeridian, with the vertex written as 180 or -180.
        assert!(!back((179.5, 65.0), (180.0, 65.0), (-179.5, 65.0)));
        assert!(!back((179.5, 65.0), (-180.0, 65.0), (-179.5, 65.0)));
        // ... and back across it, along the equator (a geodesic; a parallel is not one).
        assert!(back((179.5, 0.0), (-180.0, 0.0), (179.0, 0.0)));
        assert!(!back((179.5, 65.0), (-180.0, 65.0), (179.0, 65.0)));
        // Around a pole: longitudes 90 and -90 lie on either side of the vertex at 180.
        assert!(!back((90.0, 85.0), (180.0, 85.0), (-90.0, 85.0)));
        // Through a pole, on to another meridian, or back down the same one.
        assert!(!back((0.0, -80.0), (0.0, -90.0), (90.0, -80.0)));
        assert!(back((0.0, -80.0), (0.0, -90.0), (0.0, -85.0)));
        // Straight in longitude and latitude is not a geodesic: these do not overlap.
        assert!(!back((69.0, 41.0), (70.0, 42.0), (69.5, 41.5)));
    }

    /// The point at `distance_m` from `from` along the geodesic setting off at `azimuth_deg`.
    fn towards(from: (f64, f64), azimuth_deg: f64, distance_m: f64) -> (f64, f64) {
        use geo::Destination;
        let p = Geodesic.destination(Point::new(from.0, from.1), azimuth_deg, distance_m);
        (p.x(), p.y())
    }

    #[test]
    fn the_cheap_test_leaves_near_spikes_to_the_geodesic() {
        // Edges leaving the vertex 0.5° apart: not settled by the cheap test, and the geodesic
        // says they do not overlap.
        let b = (69.0, 41.0);
        let a = towards(b, 30.0, 50_000.0);
        let c = towards(b, 30.5, 80_000.0);
        let at = |(x, y)| Coord { x, y };
        assert!(!turns(at(a), at(b), at(c)));
        assert!(!back(a, b, c));
        // 2° apart: settled by the cheap test.
        let c = towards(b, 32.0, 80_000.0);
        assert!(turns(at(a), at(b), at(c)));
        assert!(!back(a, b, c));
        // At the tolerance itself: half of it apart doubles back, twice it does not.
        let c = towards(b, 30.0 + SAME_DIRECTION_DEG / 2.0, 80_000.0);
        assert!(back(a, b, c));
        let c = towards(b, 30.0 + 2.0 * SAME_DIRECTION_DEG, 80_000.0);
        assert!(!back(a, b, c));
        // An edge longer than the cheap test's reach is judged by the geodesic alone.
        let far = towards(b, 30.0, 3.0e6);
        assert!(!turns(at(far), at(b), at(c)));
        assert!(back(far, b, towards(b, 30.0, 10_000.0)));
    }

    #[test]
    fn the_cheap_test_never_settles_a_vertex_the_geodesic_calls_doubling_back() {
        // Vertices anywhere on the Earth (poles and antimeridian included), edges from 1 m to
        // 2 000 km, turning between 0.9° and 1.1° where the cheap test's threshold is; the
        // cheap test may settle a vertex only where the geodesic azimuths are far apart.
        let mut worst: f64 = 0.0;
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..20_000 {
            let b = (360.0 * next() - 180.0, 180.0 * next() - 90.0);
            let azimuth = 360.0 * next() - 180.0;
            let turn = 0.9 + 0.2 * next();
            let a = towards(b, azimuth, 10f64.powf(6.3 * next()));
            let c = towards(b, azimuth + turn, 10f64.powf(6.3 * next()));
            let at = |(x, y)| Coord { x, y };
            let (a, b, c) = (at(a), at(b), at(c));
            if turns(a, b, c) {
                let (pa, pb, pc) = (Point::from(a), Point::from(b), Point::from(c));
                let apart = (Geodesic.bearing(pb, pa) - Geodesic.bearing(pb, pc)).rem_euclid(360.0);
                let apart = apart.min(360.0 - apart);
                worst = worst.max(1.0 - apart);
                assert!(apart > 0.9, "{a:?} {b:?} {c:?}: {apart}°");
                assert!(!doubles_back_geodesic(a, b, c));
            }
        }
        // The geodesic azimuths of edges the cheap test settles are at most 0.002° closer than
        // 1° (the normal-section bound in `clearly_turns`' documentation; 0.0014° measured).
        assert!(worst < 0.002, "{worst}");
    }

    #[test]
    fn the_same_place_written_two_ways() {
        let c = |x, y| Coord { x, y };
        assert!(same_place(c(180.0, 10.0), c(-180.0, 10.0)));
        assert!(same_place(c(0.0, 90.0), c(45.0, 90.0)));
        assert!(!same_place(c(0.0, 89.0), c(45.0, 89.0)));
    }
}
