//! Nearest matches (`IncidentQuery::nearest`, `incidents --nearest`): the nearest segment
//! whatever the distance, checked against a brute-force geodesic oracle, with filters, against
//! a search within a huge distance, and through the command.

use bordertrack::query::{IncidentMatch, IncidentQuery};
use bordertrack::{Basis, Borders, DateSpan, Dyad, Incident, PartialDate, StatusFilter};
use geo::{Distance, Geodesic, InterpolatePoint, Point};

use crate::util::{cell, csv_rows, num, stdout_of, BoxError, TestResult, Workdir};

fn borders() -> Result<Borders, BoxError> {
    Ok(Borders::embedded()?)
}

fn incident(
    id: &str,
    date: &str,
    lon: f64,
    lat: f64,
    precision_m: f64,
) -> Result<Incident, BoxError> {
    Ok(Incident {
        id: id.to_string(),
        date: date.parse::<PartialDate>()?.span(),
        point: Point::new(lon, lat),
        precision_m,
        kind: String::new(),
        summary: String::new(),
        fatalities: None,
        source_id: String::new(),
        dyad: None,
        values: Default::default(),
    })
}

/// The distance from `p` to the edge `a`–`b` by sampling the geodesic every ~`step_m` metres:
/// (the best sample's distance, its ratio along the edge).
fn sampled_m(p: Point<f64>, a: Point<f64>, b: Point<f64>, step_m: f64) -> (f64, f64, f64) {
    let n = ((Geodesic.distance(a, b) / step_m).ceil() as usize).max(1);
    let (mut best, mut best_t) = (f64::INFINITY, 0.0);
    for i in 0..=n {
        let t = i as f64 / n as f64;
        let d = Geodesic.distance(p, Geodesic.point_at_ratio_between(a, b, t));
        if d < best {
            best = d;
            best_t = t;
        }
    }
    (best, best_t, 1.0 / n as f64)
}

/// The distance from `p` to the edge `a`–`b`, refined by ternary search around the best
/// sample: independent of the index.
fn edge_distance_m(p: Point<f64>, a: Point<f64>, b: Point<f64>) -> f64 {
    let f = |t: f64| Geodesic.distance(p, Geodesic.point_at_ratio_between(a, b, t));
    let (best, best_t, step) = sampled_m(p, a, b, 1_000.0);
    let (mut lo, mut hi) = ((best_t - step).max(0.0), (best_t + step).min(1.0));
    for _ in 0..80 {
        let m1 = lo + (hi - lo) / 3.0;
        let m2 = hi - (hi - lo) / 3.0;
        if f(m1) < f(m2) {
            hi = m2;
        } else {
            lo = m1;
        }
    }
    best.min(f((lo + hi) / 2.0))
}

/// Every segment's distance from `p` by the oracle, in dataset order: each edge sampled every
/// 10 km, and the edges whose samples come within 10 km of the segment's best refined.
fn oracle_distances_m(b: &Borders, p: Point<f64>) -> Vec<f64> {
    b.dataset()
        .segments()
        .iter()
        .map(|s| {
            let edges: Vec<(Point<f64>, Point<f64>)> = s
                .line
                .0
                .windows(2)
                .map(|w| (Point::from(w[0]), Point::from(w[1])))
                .collect();
            let coarse: Vec<f64> = edges
                .iter()
                .map(|&(a, b)| sampled_m(p, a, b, 10_000.0).0)
                .collect();
            let best = coarse.iter().copied().fold(f64::INFINITY, f64::min);
            edges
                .iter()
                .zip(&coarse)
                .filter(|&(_, &c)| c <= best + 10_000.0)
                .map(|(&(a, b), _)| edge_distance_m(p, a, b))
                .fold(f64::INFINITY, f64::min)
        })
        .collect()
}

/// The oracle's nearest among the segments `keep` takes: (position, distance).
fn oracle_nearest(distances: &[f64], keep: impl Fn(usize) -> bool) -> Option<(usize, f64)> {
    distances
        .iter()
        .enumerate()
        .filter(|&(i, _)| keep(i))
        .map(|(i, &d)| (i, d))
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

fn nearest(b: &Borders, inc: &Incident, query: &IncidentQuery) -> Result<IncidentMatch, BoxError> {
    b.classify(inc, query, Basis::InForce)?
        .ok_or_else(|| format!("{} got no nearest match", inc.id).into())
}

#[test]
fn a_point_800_km_from_any_border_gets_the_oracles_nearest_segment_and_distance() -> TestResult {
    let b = borders()?;
    // Southern Iran, far south of the dataset's lines.
    let inc = incident("far", "2010-06-01", 60.0, 28.0, 0.0)?;
    let m = nearest(&b, &inc, &IncidentQuery::nearest())?;
    let distances = oracle_distances_m(&b, inc.point);
    let (seg, d) = oracle_nearest(&distances, |_| true).ok_or("no segment")?;
    assert!(
        d > 800_000.0,
        "the point is {d} m away: not far enough for this test"
    );
    assert_eq!(m.located.segment_index, seg);
    assert!(
        (m.located.distance_m - d).abs() < 0.5,
        "index {} m, oracle {d} m",
        m.located.distance_m
    );
    // Nothing within even 500 km.
    let within = b.classify(&inc, &IncidentQuery::within(500_000.0), Basis::InForce)?;
    assert!(within.is_none());
    Ok(())
}

#[test]
fn the_dyad_and_status_filters_choose_among_the_segments_that_pass() -> TestResult {
    let b = borders()?;
    let data = b.dataset();
    let inc = incident("x", "2006-04-19", 69.16667, 41.46667, 0.0)?;
    let distances = oracle_distances_m(&b, inc.point);
    // Of one dyad, far from this point.
    let dyad: Dyad = "CHN-KAZ".parse()?;
    let m = nearest(
        &b,
        &inc,
        &IncidentQuery {
            dyad: Some(dyad),
            ..IncidentQuery::nearest()
        },
    )?;
    let (seg, d) = oracle_nearest(&distances, |i| data.segments()[i].dyad == dyad).ok_or("none")?;
    assert_eq!(m.located.segment_index, seg);
    assert_eq!(m.located.dyad, dyad);
    assert!((m.located.distance_m - d).abs() < 0.5);
    // Of a status at the incident's date.
    let filter: StatusFilter = "undelimited".parse()?;
    let at = inc.date;
    let timelines = b.timelines(Basis::InForce);
    let m = nearest(
        &b,
        &inc,
        &IncidentQuery {
            filter: filter.clone(),
            ..IncidentQuery::nearest()
        },
    )?;
    let (seg, d) = oracle_nearest(&distances, |i| timelines.at(i, at).may_match(&filter))
        .ok_or("no undelimited segment")?;
    assert_eq!(m.located.segment_index, seg);
    assert!((m.located.distance_m - d).abs() < 0.5);
    assert!(m.status.may_match(&filter));
    // The unfiltered nearest is a different, nearer segment that does not pass.
    let any = nearest(&b, &inc, &IncidentQuery::nearest())?;
    assert!(any.located.distance_m < m.located.distance_m);
    assert!(!timelines
        .at(any.located.segment_index, at)
        .may_match(&filter));
    Ok(())
}

#[test]
fn alternatives_are_the_segments_that_may_truly_be_nearer() -> TestResult {
    let b = borders()?;
    let data = b.dataset();
    let distances = oracle_distances_m(&b, Point::new(69.16667, 41.46667));
    for precision_m in [0.0, 2_000.0, 30_000.0] {
        let inc = incident("x", "2006-04-19", 69.16667, 41.46667, precision_m)?;
        let m = nearest(&b, &inc, &IncidentQuery::nearest())?;
        let s = |i: usize| data.segments()[i].precision_m;
        let reach = m.located.distance_m + 2.0 * precision_m + s(m.located.segment_index);
        let mut want: Vec<usize> = (0..distances.len())
            .filter(|&i| i != m.located.segment_index && distances[i] <= reach + s(i))
            .collect();
        want.sort_by(|&a, &b| distances[a].total_cmp(&distances[b]));
        let got: Vec<usize> = m.alternatives.iter().map(|a| a.segment_index).collect();
        assert_eq!(got, want, "precision {precision_m} m");
        let certain = got.is_empty() && !m.status.is_ambiguous();
        assert_eq!(
            m.certainty == bordertrack::query::Certainty::Certain,
            certain,
            "precision {precision_m} m"
        );
    }
    Ok(())
}

#[test]
fn the_nearest_is_the_first_match_within_a_huge_distance() -> TestResult {
    let b = borders()?;
    let dates = ["1995-03-01", "2006-04-19", "2015", "2022-11-30"];
    let huge = IncidentQuery::within(3_000_000.0);
    let mut n = 0;
    for i in 0..60 {
        let lon = 47.0 + (i as f64 * 0.618_034 * 40.0) % 40.0;
        let lat = 36.0 + (i as f64 * 0.414_214 * 19.0) % 19.0;
        let inc = incident(
            "s",
            dates[i % dates.len()],
            lon,
            lat,
            (i % 3) as f64 * 500.0,
        )?;
        let a = nearest(&b, &inc, &IncidentQuery::nearest())?;
        let w = b
            .classify(&inc, &huge, Basis::InForce)?
            .ok_or("nothing within 3,000 km")?;
        assert_eq!(a.located, w.located, "at {lon} {lat}");
        assert_eq!(a.status, w.status);
        n += 1;
    }
    assert_eq!(n, 60);
    Ok(())
}

#[test]
fn the_command_gives_every_row_its_nearest_segment() -> TestResult {
    let dir = Workdir::new()?;
    dir.write(
        "in.csv",
        "id,date,lat,lon,precision_m\nfar,2010-06-01,28.0,60.0,0\nnear,2006-04-19,41.46667,69.16667,0\nbad,2006,oops,1,0\n",
    )?;
    let text =
        stdout_of(&mut dir.bordertrack(["incidents", "in.csv", "--nearest", "--format", "csv"]))
            .unwrap_or_default();
    // The bad row makes the run exit 1 but the others are written.
    let (_, rows) = csv_rows(&text)?;
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ["far", "near"]);
    assert!(num(&rows[0], "distance_m")? > 800_000.0);
    assert!(!cell(&rows[1], "segment_id")?.is_empty());
    // The same through `export incidents` of the dataset's own incidents: every one matched.
    let text =
        stdout_of(&mut dir.bordertrack(["export", "incidents", "--nearest", "--format", "csv"]))?;
    let (_, rows) = csv_rows(&text)?;
    assert_eq!(rows.len(), borders()?.dataset().incidents().len());
    assert!(rows.iter().all(|r| !r["segment_id"].is_empty()));
    Ok(())
}

#[test]
fn nearest_refuses_within_and_a_filter_no_segment_passes() -> TestResult {
    let dir = Workdir::new()?;
    dir.write("in.csv", "id,date,lat,lon\nA,2010-06-01,41.5,69.2\n")?;
    let out = dir
        .bordertrack(["incidents", "in.csv", "--nearest", "--within", "5km"])
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--within"));
    let out = dir
        .bordertrack([
            "incidents",
            "in.csv",
            "--nearest",
            "--dyad",
            "CHN-KAZ",
            "--on",
            "disputed",
            "--as-of",
            "2020-01-01",
        ])
        .output()?;
    assert_ne!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no segment of dyad CHN-KAZ") && err.contains("disputed"),
        "{err}"
    );
    // The library says the same without the command.
    let b = borders()?;
    let query = IncidentQuery {
        dyad: Some("CHN-KAZ".parse()?),
        filter: "disputed".parse()?,
        as_of: Some(DateSpan::day("2020-01-01".parse()?)),
        ..IncidentQuery::nearest()
    };
    assert!(!b
        .index()
        .nearest_possible(b.timelines(Basis::InForce), &query));
    Ok(())
}
