//! Shared boundaries of adjacent country polygons, found by proximity.
//!
//! Polygon sets such as `@geo-maps/countries-land-100m` simplify every country on its own, so
//! two neighbours rarely share their vertices: a border is where one country's outline runs
//! within a tolerance of the other's. Of each pair, the outline of the country whose code
//! sorts first is taken; its vertices lying within the tolerance of the neighbour's outline,
//! in runs along the ring, are the shared lines. In a topology (TopoJSON) the two outlines
//! coincide and this gives the shared arcs.

use std::collections::{BTreeMap, BTreeSet};

use geo::{Contains, Distance, Geodesic, Length};
use geo_types::{Coord, LineString, MultiPolygon, Point};
use rstar::primitives::{GeomWithData, Line};
use rstar::{RTree, AABB};

use super::countries::CountryPolygons;

/// WGS84 semi-major axis (m) and first eccentricity squared.
const WGS84_A_M: f64 = 6_378_137.0;
const WGS84_E2: f64 = 6.694_379_990_141_316e-3;

/// A gap is bridged along the first country's outline only where that path is at most this
/// many times longer than the straight gap (plus 100 m); otherwise by a straight edge.
const DETOUR_RATIO: f64 = 1.5;

/// Shared lines per dyad `(first code, second code)`: each line runs with the first country on
/// its left; lines are sorted by decreasing geodesic length (ties: by first coordinate).
pub type SharedLines = BTreeMap<(String, String), Vec<Vec<Coord<f64>>>>;

/// Metres per degree of longitude and of latitude at latitude `lat_deg` (WGS84 radii of
/// curvature): the local planar frame in which distances of a few hundred metres are measured
/// to well under a metre.
fn metres_per_degree(lat_deg: f64) -> (f64, f64) {
    let (s, c) = lat_deg.to_radians().sin_cos();
    let w = 1.0 - WGS84_E2 * s * s;
    let n = WGS84_A_M / w.sqrt();
    let m = WGS84_A_M * (1.0 - WGS84_E2) / (w * w.sqrt());
    let k = std::f64::consts::PI / 180.0;
    (n * c * k, m * k)
}

/// Distance (m) from `p` to the segment `a`–`b`, in the local frame at `p`.
fn distance_to_edge_m(p: Coord<f64>, a: [f64; 2], b: [f64; 2]) -> f64 {
    let (kx, ky) = metres_per_degree(p.y);
    let wrap = |d: f64| (d + 540.0).rem_euclid(360.0) - 180.0;
    let (ax, ay) = (wrap(a[0] - p.x) * kx, (a[1] - p.y) * ky);
    let (bx, by) = (wrap(b[0] - p.x) * kx, (b[1] - p.y) * ky);
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (x, y) = (ax + t * dx, ay + t * dy);
    (x * x + y * y).sqrt()
}

/// Bounding box `[min_lon, min_lat, max_lon, max_lat]` of a country.
fn bbox(p: &MultiPolygon<f64>) -> Option<[f64; 4]> {
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    let mut any = false;
    for c in p.0.iter().flat_map(|poly| poly.exterior().0.iter()) {
        any = true;
        b = [b[0].min(c.x), b[1].min(c.y), b[2].max(c.x), b[3].max(c.y)];
    }
    any.then_some(b)
}

/// The box grown by `tolerance_m` on every side (conservatively, at its poleward edge).
fn grow(b: [f64; 4], tolerance_m: f64) -> [f64; 4] {
    let lat = b[1].abs().max(b[3].abs()).min(89.0);
    let (kx, ky) = metres_per_degree(lat);
    let (dx, dy) = (
        (tolerance_m / kx * 1.01).min(180.0),
        tolerance_m / ky * 1.01,
    );
    [b[0] - dx, b[1] - dy, b[2] + dx, b[3] + dy]
}

fn overlaps(a: [f64; 4], b: [f64; 4]) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

fn inside(c: Coord<f64>, b: [f64; 4]) -> bool {
    c.x >= b[0] && c.x <= b[2] && c.y >= b[1] && c.y <= b[3]
}

/// Finds the shared boundaries of every pair of countries whose outlines run within
/// `tolerance_m` of each other, joining their pieces across gaps of at most `max_gap_m` (see
/// the module doc); with `involving`, only pairs with at least one of those codes.
pub fn shared_boundaries(
    countries: &[CountryPolygons],
    tolerance_m: f64,
    max_gap_m: f64,
    involving: Option<&BTreeSet<String>>,
) -> SharedLines {
    let boxes: Vec<Option<[f64; 4]>> = countries.iter().map(|c| bbox(&c.polygons)).collect();
    let wanted = |i: usize| involving.is_none_or(|s| s.contains(&countries[i].code));
    // partners[i]: countries j > i (by code; `countries` is sorted) that may touch i
    let mut partners: Vec<Vec<usize>> = vec![Vec::new(); countries.len()];
    for i in 0..countries.len() {
        for j in i + 1..countries.len() {
            if let (Some(a), Some(b)) = (boxes[i], boxes[j]) {
                if (wanted(i) || wanted(j)) && overlaps(grow(a, tolerance_m), b) {
                    partners[i].push(j);
                }
            }
        }
    }
    // edges of each partner j, where they can be near the country i whose ring is read
    let mut near: Vec<Vec<[f64; 4]>> = vec![Vec::new(); countries.len()];
    for (i, ps) in partners.iter().enumerate() {
        for &j in ps {
            if let Some(b) = boxes[i] {
                near[j].push(grow(b, tolerance_m));
            }
        }
    }
    let mut edges = Vec::new();
    for (j, boxes_j) in near.iter().enumerate() {
        if boxes_j.is_empty() {
            continue;
        }
        for ring in rings(&countries[j].polygons) {
            for w in ring.0.windows(2) {
                if boxes_j.iter().any(|&b| inside(w[0], b) || inside(w[1], b)) {
                    let data = u32::try_from(j).unwrap_or(u32::MAX);
                    edges.push(GeomWithData::new(
                        Line::new([w[0].x, w[0].y], [w[1].x, w[1].y]),
                        data,
                    ));
                }
            }
        }
    }
    let tree = RTree::bulk_load(edges);

    let mut out = SharedLines::new();
    for (i, ps) in partners.iter().enumerate() {
        if ps.is_empty() {
            continue;
        }
        let zone: Vec<[f64; 4]> = ps
            .iter()
            .filter_map(|&j| boxes[j].map(|b| grow(b, tolerance_m)))
            .collect();
        for ring in rings(&countries[i].polygons) {
            let near_of = neighbours_of_vertices(ring, &tree, ps, &zone, tolerance_m);
            for &j in ps {
                for mut line in runs(ring, &near_of, j, max_gap_m) {
                    if !left_is_inside(&line, &countries[i].polygons) {
                        line.reverse();
                    }
                    out.entry((countries[i].code.clone(), countries[j].code.clone()))
                        .or_default()
                        .push(line);
                }
            }
        }
    }
    for (i, ps) in partners.iter().enumerate() {
        for &j in ps {
            let key = (countries[i].code.clone(), countries[j].code.clone());
            for (inner, outer, first_inside) in [(i, j, true), (j, i, false)] {
                for ring in enclaves(&countries[inner].polygons, &countries[outer].polygons) {
                    out.entry(key.clone())
                        .or_default()
                        .push(oriented(ring, first_inside));
                }
            }
        }
    }
    for lines in out.values_mut() {
        let mut keyed: Vec<(f64, Vec<Coord<f64>>)> = lines
            .drain(..)
            .map(|l| (Geodesic.length(&LineString::from(l.clone())), l))
            .collect();
        keyed.sort_by(|(lp, p), (lq, q)| {
            lq.total_cmp(lp)
                .then(p[0].x.total_cmp(&q[0].x))
                .then(p[0].y.total_cmp(&q[0].y))
        });
        *lines = keyed.into_iter().map(|(_, l)| l).collect();
    }
    out
}

fn rings(p: &MultiPolygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    p.0.iter()
        .flat_map(|poly| std::iter::once(poly.exterior()).chain(poly.interiors()))
}

/// For each vertex of `ring`, the partners whose outline lies within `tolerance_m` of it.
fn neighbours_of_vertices(
    ring: &LineString<f64>,
    tree: &RTree<GeomWithData<Line<[f64; 2]>, u32>>,
    partners: &[usize],
    zone: &[[f64; 4]],
    tolerance_m: f64,
) -> Vec<Vec<usize>> {
    ring.0
        .iter()
        .map(|&c| {
            let mut found: Vec<usize> = Vec::new();
            if !zone.iter().any(|&b| inside(c, b)) {
                return found;
            }
            let (kx, ky) = metres_per_degree(c.y);
            let (dx, dy) = (
                (tolerance_m / kx * 1.01).min(180.0),
                tolerance_m / ky * 1.01,
            );
            let envelope = AABB::from_corners([c.x - dx, c.y - dy], [c.x + dx, c.y + dy]);
            for e in tree.locate_in_envelope_intersecting(&envelope) {
                let j = e.data as usize;
                if partners.contains(&j)
                    && !found.contains(&j)
                    && distance_to_edge_m(c, e.geom().from, e.geom().to) <= tolerance_m
                {
                    found.push(j);
                }
            }
            found
        })
        .collect()
}

/// The lines along `ring` near partner `j`: runs of consecutive ring vertices near `j` (the
/// ring is closed: its last position repeats the first), joined across gaps where the two
/// outlines part (a river between two banks, a reservoir, a sea crossing): along the ring
/// where that path is at most `max_gap_m` long and not a detour (see [`DETOUR_RATIO`]), else
/// by a straight edge where the gap is at most `max_gap_m` across; never across a stretch near another partner. A ring wholly near
/// `j` gives one closed line.
fn runs(
    ring: &LineString<f64>,
    near_of: &[Vec<usize>],
    j: usize,
    max_gap_m: f64,
) -> Vec<Vec<Coord<f64>>> {
    let pts = &ring.0;
    let n = if pts.len() > 1 && pts.first() == pts.last() {
        pts.len() - 1
    } else {
        pts.len()
    };
    if n < 2 {
        return Vec::new();
    }
    let is_near = |k: usize| near_of[k % n].contains(&j);
    let Some(start) = (0..n).find(|&k| !is_near(k)) else {
        let mut closed = pts[..n].to_vec();
        closed.push(pts[0]);
        return vec![closed];
    };
    // runs as (first, last) positions counted from `start` (1..=n)
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for step in 1..=n {
        if is_near(start + step) {
            match spans.last_mut() {
                Some(s) if s.1 + 1 == step => s.1 = step,
                _ => spans.push((step, step)),
            }
        }
    }
    let at = |step: usize| pts[(start + step) % n];
    // the vertices to insert to join a run ending at step `end` to one starting at `first`
    // (empty: a straight edge), or None when the gap is not to be bridged
    let bridge = |end: usize, first: usize| -> Option<Vec<Coord<f64>>> {
        let other_partner =
            (end + 1..first).any(|s| near_of[(start + s) % n].iter().any(|&o| o != j));
        if other_partner || max_gap_m <= 0.0 {
            return None;
        }
        let gap: Vec<Coord<f64>> = (end..=first).map(at).collect();
        let along_m = Geodesic.length(&LineString::from(gap.clone()));
        let across_m = Geodesic.distance(Point::from(gap[0]), Point::from(gap[gap.len() - 1]));
        // along the outline unless it detours (an inlet, a tributary's mouth, a bank's bays)
        if along_m <= max_gap_m && along_m <= DETOUR_RATIO * across_m + 100.0 {
            Some(gap[1..gap.len() - 1].to_vec())
        } else if across_m <= max_gap_m {
            Some(Vec::new())
        } else {
            None
        }
    };
    let mut lines: Vec<Vec<Coord<f64>>> = Vec::new();
    let mut previous: Option<usize> = None;
    for &(first, last) in &spans {
        let run: Vec<Coord<f64>> = (first..=last).map(at).collect();
        let joined = previous.and_then(|end| bridge(end, first));
        match (joined, lines.last_mut()) {
            (Some(gap), Some(line)) => {
                line.extend(gap);
                line.extend(run);
            }
            _ => lines.push(run),
        }
        previous = Some(last);
    }
    // the gap across the ring's starting point
    if let (Some(&(first, _)), Some(&(_, last))) = (spans.first(), spans.last()) {
        if let Some(gap) = bridge(last, first + n) {
            if lines.len() == 1 {
                let head = lines[0][0];
                lines[0].extend(gap);
                lines[0].push(head);
            } else if let Some(head) = (lines.len() > 1).then(|| lines.remove(0)) {
                if let Some(tail) = lines.last_mut() {
                    tail.extend(gap);
                    tail.extend(head);
                }
            }
        }
    }
    lines.retain(|l| l.len() >= 2);
    lines
}

/// Outer rings of `inner` that lie wholly inside `outer`: exclaves drawn as polygons laid
/// over the surrounding country instead of as holes in it.
fn enclaves<'a>(
    inner: &'a MultiPolygon<f64>,
    outer: &'a MultiPolygon<f64>,
) -> impl Iterator<Item = &'a LineString<f64>> + 'a {
    let outer_box = bbox(outer);
    inner.0.iter().map(|p| p.exterior()).filter(move |ring| {
        let inside_box = ring
            .0
            .iter()
            .all(|&c| outer_box.is_some_and(|b| inside(c, b)));
        ring.0.len() >= 4 && inside_box && ring.0.iter().all(|&c| outer.contains(&Point::from(c)))
    })
}

/// A closed ring run so that the first country of the dyad is on its left: counter-clockwise
/// when the first country is inside it, clockwise otherwise.
fn oriented(ring: &LineString<f64>, first_inside: bool) -> Vec<Coord<f64>> {
    let twice_area: f64 = ring
        .0
        .windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum();
    let mut coords = ring.0.clone();
    if (twice_area > 0.0) != first_inside {
        coords.reverse();
    }
    coords
}

/// Whether the polygon lies on the left of the line, by testing points just left and right of
/// its longest edges (majority of the tests that tell).
fn left_is_inside(line: &[Coord<f64>], polygons: &MultiPolygon<f64>) -> bool {
    let mut edges: Vec<(f64, usize)> = line
        .windows(2)
        .enumerate()
        .map(|(i, w)| {
            (
                ((w[1].x - w[0].x).powi(2) + (w[1].y - w[0].y).powi(2)).sqrt(),
                i,
            )
        })
        .filter(|(l, _)| *l > 0.0)
        .collect();
    edges.sort_by(|p, q| q.0.total_cmp(&p.0).then(p.1.cmp(&q.1)));
    let mut votes = 0i32;
    for &(len, i) in edges.iter().take(9) {
        let (p, q) = (line[i], line[i + 1]);
        let (ux, uy) = ((q.x - p.x) / len, (q.y - p.y) / len);
        let eps = (len * 0.01).min(1e-5);
        let m = Coord {
            x: (p.x + q.x) / 2.0,
            y: (p.y + q.y) / 2.0,
        };
        let left = polygons.contains(&Point::new(m.x - eps * uy, m.y + eps * ux));
        let right = polygons.contains(&Point::new(m.x + eps * uy, m.y - eps * ux));
        match (left, right) {
            (true, false) => votes += 1,
            (false, true) => votes -= 1,
            _ => {}
        }
    }
    votes >= 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{polygon, MultiPolygon};

    fn country(code: &str, p: geo_types::Polygon<f64>) -> CountryPolygons {
        CountryPolygons {
            code: code.into(),
            name: String::new(),
            polygons: MultiPolygon(vec![p]),
        }
    }

    #[test]
    fn local_distance_matches_geodesic_scale() {
        // 0.001 degree of latitude at 42N is about 111.1 m
        let d = distance_to_edge_m(Coord { x: 69.0, y: 42.0 }, [68.9, 42.001], [69.1, 42.001]);
        assert!((d - 111.08).abs() < 0.2, "{d}");
    }

    #[test]
    fn two_squares_share_their_common_side_with_the_first_code_on_the_left() {
        // XAA west of XBB; XBB's shared side is offset by 20 m and has other vertices
        let a = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 0.5), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0), (x: 0.0, y: 0.0)];
        let b = polygon![(x: 1.0002, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 1.0002, y: 1.0), (x: 1.0002, y: 0.3), (x: 1.0002, y: 0.0)];
        let lines = shared_boundaries(&[country("XAA", a), country("XBB", b)], 100.0, 0.0, None);
        let parts = &lines[&("XAA".to_string(), "XBB".to_string())];
        assert_eq!(parts.len(), 1);
        // XAA on the left: the line runs north along x = 1
        assert_eq!(
            parts[0],
            vec![
                Coord { x: 1.0, y: 0.0 },
                Coord { x: 1.0, y: 0.5 },
                Coord { x: 1.0, y: 1.0 }
            ]
        );
        // with a tolerance below the 22 m offset, nothing is shared
        let none = shared_boundaries(
            &[
                country("XAA", lines_free_a()),
                country("XBB", lines_free_b()),
            ],
            10.0,
            0.0,
            None,
        );
        assert!(none.is_empty());
    }

    fn lines_free_a() -> geo_types::Polygon<f64> {
        polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0), (x: 0.0, y: 0.0)]
    }

    fn lines_free_b() -> geo_types::Polygon<f64> {
        polygon![(x: 1.0002, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 1.0002, y: 1.0), (x: 1.0002, y: 0.0)]
    }

    #[test]
    fn an_enclave_is_a_closed_ring_and_the_filter_keeps_only_wanted_pairs() {
        let hole = vec![
            Coord { x: 0.4, y: 0.4 },
            Coord { x: 0.6, y: 0.4 },
            Coord { x: 0.6, y: 0.6 },
            Coord { x: 0.4, y: 0.6 },
            Coord { x: 0.4, y: 0.4 },
        ];
        let outer = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0), (x: 0.0, y: 0.0)];
        let a = geo_types::Polygon::new(
            outer.exterior().clone(),
            vec![LineString::from(hole.clone())],
        );
        let b = geo_types::Polygon::new(LineString::from(hole), vec![]);
        let countries = [country("XAA", a), country("XBB", b)];
        let lines = shared_boundaries(&countries, 50.0, 0.0, None);
        let ring = &lines[&("XAA".to_string(), "XBB".to_string())][0];
        assert_eq!(ring.len(), 5);
        assert_eq!(ring.first(), ring.last());
        // XAA (outside the enclave) on the left: the ring runs clockwise
        let signed_area: f64 = ring
            .windows(2)
            .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
            .sum();
        assert!(signed_area < 0.0);
        let only: BTreeSet<String> = ["XCC".to_string()].into();
        assert!(shared_boundaries(&countries, 50.0, 0.0, Some(&only)).is_empty());
    }
}
