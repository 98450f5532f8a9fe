//! The spatial index against an independent brute-force oracle and published geodesic values.

use bordertrack::spatial::{InvalidLines, LineIndex, LineMatch, LineProblem, QueryError, Side};
use geo_types::{coord, Coord, LineString, Point};
use geographiclib_rs::{DirectGeodesic, Geodesic, GeodesicLine, InverseGeodesic};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Oracle: every edge of every line, sampled densely along its geodesic and refined by
// golden-section search. Shares nothing with the index but geographiclib's direct and inverse
// solutions.
// ---------------------------------------------------------------------------------------------

fn dist(geod: &Geodesic, a: Coord<f64>, b: Coord<f64>) -> f64 {
    geod.inverse(a.y, a.x, b.y, b.x)
}

/// Exact geodesic distance from `p` to the edge `a`–`b`, and the distance along the edge to the
/// closest point.
fn oracle_edge(geod: &Geodesic, a: Coord<f64>, b: Coord<f64>, p: Coord<f64>) -> (f64, f64) {
    let (len, azi1, _azi2, _a12): (f64, f64, f64, f64) = geod.inverse(a.y, a.x, b.y, b.x);
    if len == 0.0 {
        return (dist(geod, a, p), 0.0);
    }
    let line = GeodesicLine::new(geod, a.y, a.x, azi1, None, None, None);
    let at = |s: f64| -> f64 {
        let s = s.clamp(0.0, len);
        let q = if s == 0.0 {
            a
        } else if s == len {
            b
        } else {
            let (_a12, lat, lon, ..) = line._gen_position(false, s, 0x7F80);
            coord! { x: lon, y: lat }
        };
        dist(geod, q, p)
    };
    const N: usize = 200;
    let step = len / N as f64;
    let (mut best_i, mut best) = (0, at(0.0));
    for i in 1..=N {
        let d = at(if i == N { len } else { i as f64 * step });
        if d < best {
            best = d;
            best_i = i;
        }
    }
    let mut lo = best_i.saturating_sub(1) as f64 * step;
    let mut hi = ((best_i + 1).min(N) as f64 * step).min(len);
    let r = (5f64.sqrt() - 1.0) / 2.0;
    while hi - lo > 1e-9 + 1e-15 * len {
        let x1 = hi - r * (hi - lo);
        let x2 = lo + r * (hi - lo);
        if at(x1) <= at(x2) {
            hi = x2;
        } else {
            lo = x1;
        }
    }
    let s = (lo + hi) / 2.0;
    let d = at(s);
    if d < best {
        (d, s)
    } else {
        (best, best_i as f64 * step)
    }
}

/// Per line: (distance, measure) of its closest point to `p`.
fn oracle(lines: &[LineString<f64>], p: Coord<f64>) -> Vec<(f64, f64)> {
    let geod = Geodesic::wgs84();
    lines
        .iter()
        .map(|ls| {
            let mut best = (f64::INFINITY, 0.0);
            let mut measure = 0.0;
            for w in ls.0.windows(2) {
                let (d, s) = oracle_edge(&geod, w[0], w[1], p);
                if d < best.0 {
                    best = (d, measure + s);
                }
                measure += dist(&geod, w[0], w[1]);
            }
            best
        })
        .collect()
}

/// Checks one match against the oracle's answer for its line.
fn check_match(lines: &[LineString<f64>], p: Coord<f64>, m: &LineMatch, want: (f64, f64)) {
    let geod = Geodesic::wgs84();
    assert!(
        (m.distance_m - want.0).abs() < 1e-3,
        "line {} distance {} vs oracle {}",
        m.line,
        m.distance_m,
        want.0
    );
    // The reported closest point is where it says: at the reported distance from p, on the
    // reported edge at the reported measure.
    let c = coord! { x: m.closest.x(), y: m.closest.y() };
    assert!((dist(&geod, c, p) - m.distance_m).abs() < 1e-6);
    let ls = &lines[m.line];
    let edge_start: f64 = ls.0[..=m.edge]
        .windows(2)
        .map(|w| dist(&geod, w[0], w[1]))
        .sum();
    let (on_edge_m, _) = oracle_edge(&geod, ls.0[m.edge], ls.0[m.edge + 1], c);
    assert!(on_edge_m < 1e-3, "closest point {on_edge_m} m off its edge");
    let along = edge_start + dist(&geod, ls.0[m.edge], c);
    assert!(
        (m.measure_m - along).abs() < 1e-3,
        "measure {} vs {}",
        m.measure_m,
        along
    );
}

// ---------------------------------------------------------------------------------------------
// Generators.
// ---------------------------------------------------------------------------------------------

fn norm_lon(lon: f64) -> f64 {
    let y = lon.rem_euclid(360.0);
    if y > 180.0 {
        y - 360.0
    } else {
        y
    }
}

fn step(geod: &Geodesic, from: Coord<f64>, azi: f64, s: f64) -> Coord<f64> {
    let (lat, lon): (f64, f64) = geod.direct(from.y, from.x, azi, s);
    coord! { x: norm_lon(lon), y: lat }
}

/// A region to draw lines in: (centre lon, centre lat, spread in degrees of latitude).
fn region() -> impl Strategy<Value = (f64, f64)> {
    prop_oneof![
        (46.0..88.0f64, 35.0..56.0f64),      // Central Asia
        (-180.0..180.0f64, 75.0..89.5f64),   // high north
        (-180.0..180.0f64, -89.5..-70.0f64), // high south
        (
            prop_oneof![179.0..180.0f64, -180.0..-179.0f64],
            -60.0..60.0f64
        ), // antimeridian
        (-180.0..180.0f64, -60.0..60.0f64),  // anywhere
    ]
}

/// Edge length scale: short border edges or very long ones.
fn edge_len() -> impl Strategy<Value = f64> {
    prop_oneof![3 => 1.0..5_000.0f64, 1 => 1_000_000.0..2_500_000.0f64]
}

fn line_strategy(centre: (f64, f64)) -> impl Strategy<Value = LineString<f64>> {
    (
        0.0..360.0f64,
        0.0..200_000.0f64,
        prop::collection::vec((-180.0..180.0f64, edge_len()), 1..6),
    )
        .prop_map(move |(azi0, off, steps)| {
            let geod = Geodesic::wgs84();
            let start = step(&geod, coord! { x: centre.0, y: centre.1 }, azi0, off);
            let mut pts = vec![start];
            for (azi, s) in steps {
                let last = pts[pts.len() - 1];
                pts.push(step(&geod, last, azi, s));
            }
            LineString::new(pts)
        })
}

#[derive(Clone, Debug)]
enum QueryKind {
    /// Exactly a vertex: (line, vertex) picked modulo sizes.
    Vertex(usize, usize),
    /// On an edge at a fraction of its length.
    OnEdge(usize, usize, f64),
    /// Off an edge point by a distance in a direction.
    Near(usize, usize, f64, f64, f64),
    /// Anywhere near the region.
    Far(f64, f64),
}

fn query_kind() -> impl Strategy<Value = QueryKind> {
    prop_oneof![
        (any::<usize>(), any::<usize>()).prop_map(|(l, v)| QueryKind::Vertex(l, v)),
        (any::<usize>(), any::<usize>(), 0.0..1.0f64)
            .prop_map(|(l, e, t)| QueryKind::OnEdge(l, e, t)),
        (
            any::<usize>(),
            any::<usize>(),
            0.0..1.0f64,
            0.0..360.0f64,
            prop_oneof![0.0..100.0f64, 0.0..20_000.0f64]
        )
            .prop_map(|(l, e, t, azi, d)| QueryKind::Near(l, e, t, azi, d)),
        (0.0..360.0f64, 0.0..3_000_000.0f64).prop_map(|(azi, d)| QueryKind::Far(azi, d)),
    ]
}

fn point_on_edge(geod: &Geodesic, a: Coord<f64>, b: Coord<f64>, t: f64) -> (Coord<f64>, f64) {
    let (len, azi1, _azi2, _a12): (f64, f64, f64, f64) = geod.inverse(a.y, a.x, b.y, b.x);
    let (lat, lon, azi): (f64, f64, f64) = geod.direct(a.y, a.x, azi1, len * t);
    (coord! { x: norm_lon(lon), y: lat }, azi)
}

fn query_point(lines: &[LineString<f64>], q: &QueryKind) -> Coord<f64> {
    let geod = Geodesic::wgs84();
    let pick = |l: usize| &lines[l % lines.len()];
    match *q {
        QueryKind::Vertex(l, v) => {
            let ls = pick(l);
            ls.0[v % ls.0.len()]
        }
        QueryKind::OnEdge(l, e, t) => {
            let ls = pick(l);
            let e = e % (ls.0.len() - 1);
            point_on_edge(&geod, ls.0[e], ls.0[e + 1], t).0
        }
        QueryKind::Near(l, e, t, azi, d) => {
            let ls = pick(l);
            let e = e % (ls.0.len() - 1);
            let (x, _) = point_on_edge(&geod, ls.0[e], ls.0[e + 1], t);
            step(&geod, x, azi, d)
        }
        QueryKind::Far(azi, d) => step(&geod, lines[0].0[0], azi, d),
    }
}

fn scenario() -> impl Strategy<Value = (Vec<LineString<f64>>, Vec<QueryKind>)> {
    region().prop_flat_map(|centre| {
        (
            prop::collection::vec(line_strategy(centre), 1..4),
            prop::collection::vec(query_kind(), 1..4),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn nearest_and_within_agree_with_the_oracle((lines, queries) in scenario(), max_m in 0.0..30_000.0f64) {
        let index = LineIndex::new(&lines).expect("generated lines are valid");
        for q in &queries {
            let p = query_point(&lines, q);
            let truth = oracle(&lines, p);
            let pt = Point::from(p);

            // nearest
            let m = index.nearest(pt).expect("valid point").expect("index not empty");
            let best = truth.iter().map(|t| t.0).fold(f64::INFINITY, f64::min);
            prop_assert!((m.distance_m - best).abs() < 1e-3, "nearest {} vs oracle {}", m.distance_m, best);
            prop_assert!(truth[m.line].0 <= best + 1e-3);
            check_match(&lines, p, &m, truth[m.line]);

            // within: exactly the lines the oracle puts within max_m (those within 1 mm of the
            // limit may go either way).
            let found = index.within(pt, max_m).expect("valid query");
            for w in found.windows(2) {
                prop_assert!((w[0].distance_m, w[0].line) < (w[1].distance_m, w[1].line));
            }
            for (line, t) in truth.iter().enumerate() {
                let hit = found.iter().find(|f| f.line == line);
                if t.0 <= max_m - 1e-3 {
                    prop_assert!(hit.is_some(), "line {} at {} m dropped (max {})", line, t.0, max_m);
                } else if t.0 > max_m + 1e-3 {
                    prop_assert!(hit.is_none(), "line {} at {} m included (max {})", line, t.0, max_m);
                }
                if let Some(h) = hit {
                    prop_assert!(h.distance_m <= max_m);
                    check_match(&lines, p, h, *t);
                }
            }

            // nearest_within: the first match of `within` among the lines accepted, here the
            // lines of even index, then all lines.
            let even = index
                .nearest_within(pt, max_m, |l| l % 2 == 0)
                .expect("valid query");
            prop_assert_eq!(even, found.iter().find(|f| f.line % 2 == 0).copied());
            let any = index.nearest_within(pt, max_m, |_| true).expect("valid query");
            prop_assert_eq!(any, found.first().copied());

            // Right at the limit: a line at distance d is found with max d(1 + 1e-9) (plus 0.1 µm,
            // the scale of the geodesic solutions' own accuracy, for points on the line), and is
            // not with max d(1 - 1e-9) when that is a clear micrometre short.
            let line = m.line;
            let d = truth[line].0;
            let at_limit = index.within(pt, d * (1.0 + 1e-9) + 1e-7).expect("valid query");
            prop_assert!(at_limit.iter().any(|f| f.line == line), "line at {} m dropped at its own distance", d);
            if d > 1_000.0 {
                let short = index.within(pt, d * (1.0 - 1e-9)).expect("valid query");
                prop_assert!(!short.iter().any(|f| f.line == line));
            }
        }
    }

    /// A point moved perpendicularly off an edge by `d` is at distance `d` (when no other part of
    /// the line is nearer) and is found by `within(d (1 + 1e-9))`.
    #[test]
    fn perpendicular_offsets_are_found_at_their_distance(
        lon in -180.0..180.0f64, lat in -80.0..80.0f64, azi in -180.0..180.0f64,
        len in 100.0..50_000.0f64, t in 0.05..0.95f64, d in 1.0..20_000.0f64, left in any::<bool>(),
    ) {
        let geod = Geodesic::wgs84();
        let a = coord! { x: lon, y: lat };
        let b = step(&geod, a, azi, len);
        let lines = vec![LineString::new(vec![a, b])];
        let index = LineIndex::new(&lines).expect("valid line");
        let (x, azi_x) = point_on_edge(&geod, a, b, t);
        let p = step(&geod, x, azi_x + if left { -90.0 } else { 90.0 }, d);
        let truth = oracle(&lines, p)[0];
        // A geodesic leaving an edge at a right angle is the shortest way back to it while
        // short compared with the Earth's radius.
        prop_assert!((truth.0 - d).abs() < 1e-3, "oracle {} vs offset {}", truth.0, d);
        let found = index.within(Point::from(p), d * (1.0 + 1e-9)).expect("valid query");
        prop_assert_eq!(found.len(), 1);
        prop_assert!((found[0].distance_m - d).abs() < 1e-3);
        prop_assert!((found[0].measure_m - len * t).abs() < 1e-3);
        prop_assert_eq!(found[0].side, if left { Side::Left } else { Side::Right });
        if d > 1_000.0 {
            prop_assert!(index.within(Point::from(p), d * (1.0 - 1e-9)).expect("valid query").is_empty());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Published geodesic values.
// ---------------------------------------------------------------------------------------------

/// Lines of GeographicLib's test set GeodTest.dat (described at
/// <https://geographiclib.sourceforge.io/C++/doc/geodesic.html#testgeod>), as quoted in the
/// GeographicLib test suites, e.g.
/// <https://github.com/geographiclib/geographiclib-python/blob/main/geographiclib/test/test_geodesic.py>
/// (`testcases`): lat1, lon1, azi1, lat2, lon2, azi2, s12 (m), a12 (deg). Digits as published.
#[allow(clippy::excessive_precision)]
const GEODTEST: [[f64; 8]; 4] = [
    [
        35.60777,
        -139.44815,
        111.098748429560326,
        -11.17491,
        -69.95921,
        129.289270889708762,
        8935244.5604818305,
        80.50729714281974,
    ],
    [
        55.52454,
        106.05087,
        22.020059880982801,
        77.03196,
        197.18234,
        109.112041110671519,
        4105086.1713924406,
        36.892740690445894,
    ],
    [
        -21.97856,
        142.59065,
        -32.44456876433189,
        41.84138,
        98.56635,
        -41.84359951440466,
        8394328.894657671,
        75.62930491011522,
    ],
    [
        -66.99028,
        112.2363,
        173.73491240878403,
        -12.70631,
        285.90344,
        2.512956620913668,
        11150344.2312080241,
        100.278634181155759,
    ],
];

#[test]
fn geodesic_solutions_match_geodtest() {
    let geod = Geodesic::wgs84();
    for [lat1, lon1, azi1, lat2, lon2, azi2, s12, a12] in GEODTEST {
        let (s, az1, az2, a): (f64, f64, f64, f64) = geod.inverse(lat1, lon1, lat2, lon2);
        assert!((s - s12).abs() < 1e-6, "s12 {s} vs {s12}");
        assert!((az1 - azi1).abs() < 1e-9 && (az2 - azi2).abs() < 1e-9);
        assert!((a - a12).abs() < 1e-9);
        let (la, lo): (f64, f64) = geod.direct(lat1, lon1, azi1, s12);
        assert!((la - lat2).abs() < 1e-9 && (norm_lon(lo - lon2)).abs() < 1e-9);
    }
}

/// The index reproduces the published distances: a line that leaves the second point straight
/// away from the first (continuing their geodesic) is at exactly `s12` from the first point,
/// at its first vertex; and a line from the first point to the second measures `s12`.
#[test]
fn index_reproduces_geodtest_distances() {
    let geod = Geodesic::wgs84();
    for [lat1, lon1, _azi1, lat2, lon2, azi2, s12, _a12] in GEODTEST {
        let p1 = coord! { x: lon1, y: lat1 };
        let p2 = coord! { x: norm_lon(lon2), y: lat2 };
        let p3 = step(&geod, p2, azi2, 1_000.0);
        let index = LineIndex::new(&[LineString::new(vec![p2, p3])]).expect("valid line");
        let m = index
            .nearest(Point::from(p1))
            .expect("valid")
            .expect("one line");
        assert!(
            (m.distance_m - s12).abs() < 1e-6,
            "{} vs {s12}",
            m.distance_m
        );
        assert_eq!(m.closest, Point::from(p2));
        assert_eq!(m.measure_m, 0.0);
        if s12 < bordertrack::spatial::MAX_EDGE_M {
            let index = LineIndex::new(&[LineString::new(vec![p1, p2])]).expect("valid line");
            let m = index
                .nearest(Point::from(p2))
                .expect("valid")
                .expect("one line");
            assert_eq!(m.distance_m, 0.0);
            assert_eq!(m.side, Side::On);
            assert!((m.measure_m - s12).abs() < 1e-6, "{} vs {s12}", m.measure_m);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Cases.
// ---------------------------------------------------------------------------------------------

fn ls(pts: &[(f64, f64)]) -> LineString<f64> {
    LineString::new(pts.iter().map(|&(x, y)| coord! { x: x, y: y }).collect())
}

#[test]
fn invalid_lines_are_all_reported() {
    let lines = vec![
        ls(&[(0.0, 0.0), (1.0, 1.0)]),
        ls(&[(0.0, f64::NAN), (1.0, 1.0), (200.0, 0.0)]),
        ls(&[]),
        ls(&[(5.0, 5.0)]),
        ls(&[(5.0, 5.0), (5.0, 5.0)]),
        ls(&[(0.0, 0.0), (0.0, 95.0)]),
        ls(&[(0.0, 0.0), (100.0, 0.0)]),
    ];
    let err: InvalidLines = LineIndex::new(&lines).expect_err("invalid lines");
    let p = &err.problems;
    assert!(matches!(
        p[0],
        LineProblem::NonFinite {
            line: 1,
            vertex: 0,
            ..
        }
    ));
    assert!(matches!(
        p[1],
        LineProblem::OutOfRange {
            line: 1,
            vertex: 2,
            ..
        }
    ));
    assert!(matches!(
        p[2],
        LineProblem::TooFewVertices {
            line: 2,
            vertices: 0,
            ..
        }
    ));
    assert!(matches!(
        p[3],
        LineProblem::TooFewVertices {
            line: 3,
            vertices: 1,
            ..
        }
    ));
    assert!(matches!(
        p[4],
        LineProblem::TooFewVertices {
            line: 4,
            vertices: 2,
            ..
        }
    ));
    assert!(matches!(
        p[5],
        LineProblem::OutOfRange {
            line: 5,
            vertex: 1,
            ..
        }
    ));
    assert!(matches!(
        p[6],
        LineProblem::EdgeTooLong {
            line: 6,
            edge: 0,
            ..
        }
    ));
    assert_eq!(p.len(), 7);
    let text = err.to_string();
    assert!(text.contains("line 1, vertex 0"), "{text}");
}

#[test]
fn invalid_queries_are_errors() {
    let index = LineIndex::new(&[ls(&[(0.0, 0.0), (1.0, 1.0)])]).expect("valid");
    assert!(matches!(
        index.nearest(Point::new(f64::NAN, 0.0)),
        Err(QueryError::InvalidPoint { .. })
    ));
    assert!(matches!(
        index.within(Point::new(0.0, 91.0), 10.0),
        Err(QueryError::InvalidPoint { .. })
    ));
    assert!(matches!(
        index.within(Point::new(0.0, 0.0), -1.0),
        Err(QueryError::InvalidDistance { .. })
    ));
    assert!(matches!(
        index.within(Point::new(0.0, 0.0), f64::INFINITY),
        Err(QueryError::InvalidDistance { .. })
    ));
    let empty = LineIndex::new(&[]).expect("no lines is valid");
    assert_eq!(empty.nearest(Point::new(0.0, 0.0)), Ok(None));
    assert_eq!(empty.within(Point::new(0.0, 0.0), 1e6), Ok(vec![]));
}

#[test]
fn antimeridian_edge_is_found_from_both_sides() {
    let lines = vec![ls(&[(179.9, 10.0), (-179.9, 10.0)])];
    let index = LineIndex::new(&lines).expect("valid");
    for lon in [180.0, -180.0, 179.95, -179.95] {
        let p = coord! { x: lon, y: 10.01 };
        let found = index.within(Point::from(p), 2_000.0).expect("valid");
        assert_eq!(found.len(), 1, "from {lon}");
        check_match(&lines, p, &found[0], oracle(&lines, p)[0]);
        assert_eq!(found[0].side, Side::Left); // north of an eastbound line
    }
}

#[test]
fn edge_bulging_poleward_is_found_near_its_vertex() {
    // A 1,500 km edge between two points at 60° N reaches about 60.7° N at its middle (on a
    // sphere, tan(lat_max) = tan 60° / cos 13.5°), poleward of both vertices.
    let lines = vec![ls(&[(0.0, 60.0), (27.0, 60.0)])];
    let index = LineIndex::new(&lines).expect("valid");
    let p = coord! { x: 13.5, y: 60.8 };
    let truth = oracle(&lines, p)[0];
    assert!(truth.0 < 15_000.0, "{}", truth.0);
    let found = index.within(Point::from(p), truth.0 + 1e-3).expect("valid");
    assert_eq!(found.len(), 1);
    assert!(found[0].closest.y() > 60.6);
    check_match(&lines, p, &found[0], oracle(&lines, p)[0]);
}

#[test]
fn edge_over_the_pole() {
    let lines = vec![ls(&[(10.0, 89.0), (-170.0, 89.0)])];
    let index = LineIndex::new(&lines).expect("valid");
    let p = coord! { x: 100.0, y: 89.99 };
    let m = index
        .nearest(Point::from(p))
        .expect("valid")
        .expect("one line");
    check_match(&lines, p, &m, oracle(&lines, p)[0]);
    assert!(m.distance_m < 1_200.0);
}

#[test]
fn side_at_a_vertex_follows_the_bisector() {
    // North 1° then east 1°: a right turn at (0, 1).
    let lines = vec![ls(&[(0.0, 0.0), (0.0, 1.0), (1.0, 1.0)])];
    let index = LineIndex::new(&lines).expect("valid");
    let side_of = |lon: f64, lat: f64| {
        index
            .nearest(Point::new(lon, lat))
            .expect("valid")
            .expect("one line")
    };
    // Outside the corner (north-west): closest is the vertex, on the left.
    let m = side_of(-0.1, 1.1);
    assert_eq!((m.edge, m.side), (0, Side::Left));
    assert_eq!(m.closest, Point::new(0.0, 1.0));
    // Inside the corner (south-east): right.
    assert_eq!(side_of(0.1, 0.9).side, Side::Right);
    // Along the edges.
    assert_eq!(side_of(-0.1, 0.5).side, Side::Left);
    assert_eq!(side_of(0.1, 0.5).side, Side::Right);
    assert_eq!(side_of(0.5, 1.1).side, Side::Left);
    assert_eq!(side_of(0.5, 0.9).side, Side::Right);
    // On a vertex and on an edge.
    assert_eq!(side_of(0.0, 1.0).side, Side::On);
    assert_eq!(side_of(0.0, 0.5).side, Side::On);
    assert_eq!(side_of(0.0, 0.5).distance_m, 0.0);
}

#[test]
fn repeated_vertices_keep_edge_indices() {
    let lines = vec![ls(&[
        (0.0, 0.0),
        (0.0, 0.0),
        (0.0, 1.0),
        (0.0, 1.0),
        (1.0, 1.0),
    ])];
    let index = LineIndex::new(&lines).expect("valid");
    assert_eq!(index.edge_count(), 2);
    let m = index
        .nearest(Point::new(0.5, 1.01))
        .expect("valid")
        .expect("one");
    assert_eq!(m.edge, 3);
    let m = index
        .nearest(Point::new(-0.1, 1.1))
        .expect("valid")
        .expect("one");
    assert_eq!(m.edge, 1);
    assert_eq!(m.side, Side::Left);
}

/// geographiclib-rs's underscore-prefixed (internal) items, which the direct solver and the
/// sections' sampling use, are named in one adapter module only, and the crate is pinned to
/// the exact version whose internals that module was written against (`=x.y.z` in
/// Cargo.toml): a new version cannot change them unnoticed.
#[test]
fn geographiclib_internals_are_used_in_one_pinned_adapter() -> Result<(), Box<dyn std::error::Error>>
{
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))?;
    let pin = manifest
        .lines()
        .find(|l| l.starts_with("geographiclib-rs"))
        .ok_or("no geographiclib-rs dependency")?;
    assert!(pin.contains("version = \"="), "not pinned exactly: {pin}");
    let adapter = root.join("src/spatial/geographiclib_adapter.rs");
    let mut users = Vec::new();
    let mut stack = vec![root.join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path)?;
                let internal = text
                    .match_indices("._")
                    .chain(text.match_indices("::_"))
                    .any(|(i, m)| {
                        let next = text[i + m.len()..].chars().next();
                        let before = text[..i].chars().next_back();
                        next.is_some_and(|c| c.is_ascii_alphabetic())
                            && before.is_some_and(|c| c.is_ascii_alphanumeric() || c == ')')
                    });
                if internal {
                    users.push(path);
                }
            }
        }
    }
    assert_eq!(users, [adapter]);
    Ok(())
}
