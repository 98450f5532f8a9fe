//! Derive border segments (GeoJSON LineStrings) from Natural Earth country polygons in TopoJSON.
//!
//! Usage:
//!
//! ```text
//! # the embedded Central Asia dataset (KAZ, UZB, KGZ, TJK, TKM and their neighbours CHN, RUS, AFG, IRN)
//! cargo run --example derive_segments -- COUNTRIES_TOPOJSON CUTS_CSV > geodata/segments.geojson
//!
//! # every land dyad of the world, one segment per part (benchmark input; not committed)
//! cargo run --release --example derive_segments -- --all COUNTRIES_TOPOJSON > FILE
//! ```
//!
//! `COUNTRIES_TOPOJSON` is `countries-10m.json` of the npm package `world-atlas@2.0.2`
//! (`npm pack world-atlas@2.0.2`, then unpack the tarball). Country `id` is the ISO 3166-1 numeric
//! code as a string; a few polygons (e.g. Baikonur) have no `id` and are keyed by their name.
//!
//! What it does:
//! 1. decodes the quantized, delta-encoded arcs (applying `transform`), rounding to 6 decimals;
//! 2. finds for each pair of countries the arcs both of their rings use (a shared border);
//! 3. chains consecutive shared arcs into continuous lines ("parts"; enclaves give separate parts),
//!    numbered from 1 by decreasing geodesic length, ties by first coordinate;
//! 4. orients each part so that the first country of the sorted dyad is on the LEFT of the
//!    coordinate direction, checked empirically: points offset a little to the left/right of the
//!    longest edges must fall inside the left/right country's polygons;
//! 5. cuts parts into segments at the break points of `CUTS_CSV`, each snapped to the nearest
//!    vertex of the part (an error if that vertex is more than `MAX_SNAP_M` metres away).
//!
//! `CUTS_CSV` columns: `dyad,part,to_lon,to_lat,id,name,extent,precision_m,source_id,note`.
//! One row per segment, in order along the part; a row describes the segment that *ends* at
//! (`to_lon`, `to_lat`); the last row of a part leaves both empty (runs to the end of the part).
//! `precision_m` empty = `DEFAULT_PRECISION_M`. Dyads/parts without rows become one segment each,
//! with id `AAA-BBB-NN` (NN = order), extent `exact` and source `ne10m`.
//!
//! In `--all` mode, countries outside the nine-country table get ISO 3166 user-assigned codes
//! `XAA`..`XZZ` (allocated in sorted order of their TopoJSON key) because the TopoJSON carries no
//! alpha-3 codes; the real name is given in each feature's `note`.
//!
//! Output is deterministic: same input, same bytes. Diagnostics go to stderr; any problem in the
//! input is reported and the exit status is 1. In `--all` mode only, a part whose sides cannot be
//! told (degenerate slivers of the quantized data) is skipped with a warning instead.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::process::ExitCode;

use geo::{Contains, Distance, Geodesic, Length};
use geo_types::{Coord, LineString, MultiPolygon, Point, Polygon};
use serde_json::{json, Value};

/// Positional precision (m) given to segments taken straight from Natural Earth 1:10m.
const DEFAULT_PRECISION_M: f64 = 2000.0;
/// How far (m) a break point may be from the nearest vertex of its part.
const MAX_SNAP_M: f64 = 1000.0;
/// Source id of Natural Earth / world-atlas in `sources.csv`.
const NE_SOURCE: &str = "ne10m";

/// ISO 3166-1 numeric -> alpha-3 for the countries of the embedded dataset.
const DATASET_COUNTRIES: [(&str, &str); 9] = [
    ("398", "KAZ"),
    ("860", "UZB"),
    ("417", "KGZ"),
    ("762", "TJK"),
    ("795", "TKM"),
    ("156", "CHN"),
    ("643", "RUS"),
    ("004", "AFG"),
    ("364", "IRN"),
];
/// The five Central Asian states: the dataset keeps a dyad only if it has one of them.
const CENTRAL_ASIA: [&str; 5] = ["KAZ", "UZB", "KGZ", "TJK", "TKM"];

type Key = (i64, i64);

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(problems) => {
            for p in problems {
                eprintln!("derive_segments: {p}");
            }
            ExitCode::FAILURE
        }
    }
}

fn usage() -> Vec<String> {
    vec!["usage: derive_segments COUNTRIES_TOPOJSON CUTS_CSV | derive_segments --all COUNTRIES_TOPOJSON".into()]
}

fn run() -> Result<(), Vec<String>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (all, topo_path, cuts_path) = match args.as_slice() {
        [flag, topo] if flag == "--all" => (true, topo.clone(), None),
        [topo, cuts] if !topo.starts_with("--") => (false, topo.clone(), Some(cuts.clone())),
        _ => return Err(usage()),
    };
    let text = fs::read_to_string(&topo_path).map_err(|e| vec![format!("{topo_path}: {e}")])?;
    let topo: Value = serde_json::from_str(&text).map_err(|e| vec![format!("{topo_path}: {e}")])?;
    let arcs = decode_arcs(&topo).map_err(|e| vec![format!("{topo_path}: {e}")])?;
    let mut countries =
        read_countries(&topo, arcs.len()).map_err(|e| vec![format!("{topo_path}: {e}")])?;
    assign_codes(&mut countries, all);
    let keep: Vec<bool> = countries
        .iter()
        .map(|c| all || c.code.as_ref().is_some())
        .collect();

    // arc index -> (country index, reversed) for every use by a kept country
    let mut uses: Vec<Vec<(usize, bool)>> = vec![Vec::new(); arcs.len()];
    for (ci, c) in countries.iter().enumerate() {
        for poly in &c.polygons {
            for ring in poly {
                for &r in ring {
                    let (i, rev) = arc_ref(r);
                    uses[i].push((ci, rev));
                }
            }
        }
    }

    let mut dyads: BTreeMap<(String, String), Vec<(usize, bool)>> = BTreeMap::new();
    for (ai, u) in uses.iter().enumerate() {
        let distinct: BTreeSet<usize> = u.iter().map(|&(c, _)| c).collect();
        if distinct.len() != 2 {
            continue;
        }
        let v: Vec<usize> = distinct.into_iter().collect();
        let (c0, c1) = (v[0], v[1]);
        if !(keep[c0] && keep[c1]) {
            if keep[c0] || keep[c1] {
                let (k, o) = if keep[c0] { (c0, c1) } else { (c1, c0) };
                if let Some(code) = &countries[k].code {
                    if !all && CENTRAL_ASIA.contains(&code.as_str()) {
                        eprintln!(
                            "note: arc {ai} ({} vertices, {:.1} km) is shared by {code} and '{}' (key {}), which is not in the dataset: left out",
                            arcs[ai].len(),
                            Geodesic.length(&LineString::from(arcs[ai].clone())) / 1000.0,
                            countries[o].name,
                            countries[o].key
                        );
                    }
                }
            }
            continue;
        }
        let (Some(a), Some(b)) = (countries[c0].code.clone(), countries[c1].code.clone()) else {
            continue;
        };
        if !(all || CENTRAL_ASIA.contains(&a.as_str()) || CENTRAL_ASIA.contains(&b.as_str())) {
            continue;
        }
        let (first, second, first_ci) = if a < b { (a, b, c0) } else { (b, a, c1) };
        // orientation as traversed by the first country's ring
        let rev = u
            .iter()
            .find(|&&(c, _)| c == first_ci)
            .map(|&(_, r)| r)
            .unwrap_or(false);
        dyads.entry((first, second)).or_default().push((ai, rev));
    }

    let polys: Vec<MultiPolygon<f64>> = countries.iter().map(|c| c.multipolygon(&arcs)).collect();
    let code_index: BTreeMap<String, usize> = countries
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.code.clone().map(|k| (k, i)))
        .collect();

    let mut problems = Vec::new();
    let mut parts_by_dyad: BTreeMap<String, Vec<Vec<Coord<f64>>>> = BTreeMap::new();
    for ((a, b), shared) in &dyads {
        let dyad = format!("{a}-{b}");
        let parts: Vec<Vec<Coord<f64>>> = chain(shared, &arcs);
        let (Some(&ia), Some(&ib)) = (code_index.get(a), code_index.get(b)) else {
            continue;
        };
        let mut sided = Vec::with_capacity(parts.len());
        for mut part in parts {
            match right_side(&part, &polys[ia], &polys[ib]) {
                Ok(Side::Second) => sided.push(part),
                Ok(Side::First) => {
                    part.reverse();
                    sided.push(part);
                }
                // --all is a bulk benchmark input: degenerate slivers are reported and skipped
                Err(e) if all => eprintln!("warning: {dyad}: {e}: part skipped"),
                Err(e) => problems.push(format!("{dyad}: {e}")),
            }
        }
        let mut parts = sided;
        parts.sort_by(|p, q| {
            let lp = Geodesic.length(&LineString::from(p.clone()));
            let lq = Geodesic.length(&LineString::from(q.clone()));
            lq.total_cmp(&lp)
                .then(p[0].x.total_cmp(&q[0].x))
                .then(p[0].y.total_cmp(&q[0].y))
        });
        parts_by_dyad.insert(dyad, parts);
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let cuts = match &cuts_path {
        Some(p) => read_cuts(p, &parts_by_dyad)?,
        None => BTreeMap::new(),
    };

    let names: BTreeMap<String, String> = countries
        .iter()
        .filter_map(|c| c.code.clone().map(|k| (k, c.name.clone())))
        .collect();
    let mut features = Vec::new();
    for (dyad, parts) in &parts_by_dyad {
        let (a, b) = dyad.split_once('-').unwrap_or((dyad, dyad));
        let mut order = 0usize;
        for (pi, part) in parts.iter().enumerate() {
            let part_no = pi + 1;
            let rows = cuts
                .get(&(dyad.clone(), part_no))
                .cloned()
                .unwrap_or_else(|| {
                    vec![CutRow {
                        line: 0,
                        to: None,
                        id: String::new(),
                        name: String::new(),
                        extent: "exact".into(),
                        precision_m: None,
                        source_id: NE_SOURCE.into(),
                        note: if all {
                            format!(
                                "{} / {}",
                                names.get(a).map_or("", String::as_str),
                                names.get(b).map_or("", String::as_str)
                            )
                        } else {
                            String::new()
                        },
                    }]
                });
            let pieces = match cut_part(part, &rows) {
                Ok(p) => p,
                Err(e) => {
                    problems.push(format!("{dyad} part {part_no}: {e}"));
                    continue;
                }
            };
            for (row, coords) in rows.iter().zip(pieces) {
                order += 1;
                let id = if row.id.is_empty() {
                    format!("{dyad}-{order:02}")
                } else {
                    row.id.clone()
                };
                let name = if row.name.is_empty() {
                    if parts.len() > 1 {
                        format!("{a}–{b} boundary, part {part_no}")
                    } else {
                        format!("{a}–{b} boundary")
                    }
                } else {
                    row.name.clone()
                };
                let coordinates: Vec<Value> = coords.iter().map(|c| json!([c.x, c.y])).collect();
                features.push(json!({
                    "type": "Feature",
                    "id": id,
                    "geometry": {"type": "LineString", "coordinates": coordinates},
                    "properties": {
                        "id": id,
                        "dyad": dyad,
                        "left": a,
                        "right": b,
                        "name": name,
                        "order": order,
                        "part": part_no,
                        "extent": row.extent,
                        "precision_m": row.precision_m.unwrap_or(DEFAULT_PRECISION_M),
                        "source_id": row.source_id,
                        "note": row.note,
                    }
                }));
            }
        }
    }
    for ((dyad, part), rows) in &cuts {
        let n = parts_by_dyad.get(dyad).map_or(0, Vec::len);
        if *part > n {
            let line = rows.first().map_or(0, |r| r.line);
            problems.push(format!(
                "{}:{line}: {dyad} has {n} part(s), no part {part}",
                cuts_path.as_deref().unwrap_or("")
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let body: Vec<String> = features.iter().map(Value::to_string).collect();
    println!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}",
        body.join(",\n")
    );
    Ok(())
}

fn arc_ref(r: i64) -> (usize, bool) {
    if r >= 0 {
        (r as usize, false)
    } else {
        ((!r) as usize, true)
    }
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

fn key(c: Coord<f64>) -> Key {
    ((c.x * 1e6).round() as i64, (c.y * 1e6).round() as i64)
}

/// Decodes all arcs to absolute lon/lat, rounded to 6 decimals, without repeated points.
fn decode_arcs(topo: &Value) -> Result<Vec<Vec<Coord<f64>>>, String> {
    let (scale, translate) = match topo.get("transform") {
        Some(t) => {
            let s = pair(t.get("scale")).ok_or("transform.scale is not [number, number]")?;
            let tr =
                pair(t.get("translate")).ok_or("transform.translate is not [number, number]")?;
            (Some(s), tr)
        }
        None => (None, (0.0, 0.0)),
    };
    let arcs = topo
        .get("arcs")
        .and_then(Value::as_array)
        .ok_or("no top-level \"arcs\" array")?;
    let mut out = Vec::with_capacity(arcs.len());
    for (i, arc) in arcs.iter().enumerate() {
        let pts = arc.as_array().ok_or(format!("arc {i} is not an array"))?;
        let (mut x, mut y) = (0.0f64, 0.0f64);
        let mut coords: Vec<Coord<f64>> = Vec::with_capacity(pts.len());
        for (j, p) in pts.iter().enumerate() {
            let (px, py) =
                pair(Some(p)).ok_or(format!("arc {i} position {j} is not [number, number]"))?;
            let c = match scale {
                Some((sx, sy)) => {
                    x += px;
                    y += py;
                    Coord {
                        x: round6(x * sx + translate.0),
                        y: round6(y * sy + translate.1),
                    }
                }
                None => Coord {
                    x: round6(px),
                    y: round6(py),
                },
            };
            if coords.last() != Some(&c) {
                coords.push(c);
            }
        }
        if coords.is_empty() {
            return Err(format!("arc {i} is empty"));
        }
        out.push(coords);
    }
    Ok(out)
}

fn pair(v: Option<&Value>) -> Option<(f64, f64)> {
    let a = v?.as_array()?;
    Some((a.first()?.as_f64()?, a.get(1)?.as_f64()?))
}

struct Country {
    key: String,
    name: String,
    code: Option<String>,
    /// polygons -> rings -> arc references
    polygons: Vec<Vec<Vec<i64>>>,
}

impl Country {
    fn multipolygon(&self, arcs: &[Vec<Coord<f64>>]) -> MultiPolygon<f64> {
        let ring = |refs: &Vec<i64>| -> LineString<f64> {
            let mut pts: Vec<Coord<f64>> = Vec::new();
            for &r in refs {
                let (i, rev) = arc_ref(r);
                let mut a = arcs[i].clone();
                if rev {
                    a.reverse();
                }
                let skip = usize::from(!pts.is_empty());
                pts.extend(a.into_iter().skip(skip));
            }
            LineString::from(pts)
        };
        MultiPolygon(
            self.polygons
                .iter()
                .filter(|p| !p.is_empty())
                .map(|p| Polygon::new(ring(&p[0]), p[1..].iter().map(ring).collect()))
                .collect(),
        )
    }
}

fn read_countries(topo: &Value, n_arcs: usize) -> Result<Vec<Country>, String> {
    let geoms = topo
        .pointer("/objects/countries/geometries")
        .and_then(Value::as_array)
        .ok_or("no objects.countries.geometries array")?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (gi, g) in geoms.iter().enumerate() {
        let name = g
            .pointer("/properties/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let key = match g.get("id").and_then(Value::as_str) {
            Some(id) => id.to_string(),
            None => format!("name:{name}"),
        };
        let ty = g.get("type").and_then(Value::as_str).unwrap_or("");
        let arcs = g.get("arcs");
        let polygons: Option<Vec<Vec<Vec<i64>>>> = match ty {
            "Polygon" => arcs.and_then(rings).map(|r| vec![r]),
            "MultiPolygon" => arcs
                .and_then(Value::as_array)
                .and_then(|ps| ps.iter().map(rings).collect()),
            _ => Some(Vec::new()),
        };
        let Some(polygons) = polygons else {
            errors.push(format!("geometry {gi} ({key}): malformed arcs"));
            continue;
        };
        let bad = polygons
            .iter()
            .flatten()
            .flatten()
            .any(|&r| arc_ref(r).0 >= n_arcs);
        if bad {
            errors.push(format!("geometry {gi} ({key}): arc index out of range"));
            continue;
        }
        out.push(Country {
            key,
            name,
            code: None,
            polygons,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors.join("; "))
    }
}

fn rings(v: &Value) -> Option<Vec<Vec<i64>>> {
    v.as_array()?
        .iter()
        .map(|r| r.as_array()?.iter().map(Value::as_i64).collect())
        .collect()
}

fn assign_codes(countries: &mut [Country], all: bool) {
    for c in countries.iter_mut() {
        c.code = DATASET_COUNTRIES
            .iter()
            .find(|(n, _)| *n == c.key)
            .map(|(_, a)| a.to_string());
    }
    if all {
        let mut others: Vec<usize> = (0..countries.len())
            .filter(|&i| countries[i].code.is_none())
            .collect();
        others.sort_by(|&i, &j| countries[i].key.cmp(&countries[j].key));
        for (n, i) in others.into_iter().enumerate() {
            let a = (b'A' + (n / 26 % 26) as u8) as char;
            let b = (b'A' + (n % 26) as u8) as char;
            countries[i].code = Some(format!("X{a}{b}"));
        }
    }
}

/// Chains oriented shared arcs into continuous lines; deterministic (smallest arc index first).
fn chain(shared: &[(usize, bool)], arcs: &[Vec<Coord<f64>>]) -> Vec<Vec<Coord<f64>>> {
    let oriented: Vec<Vec<Coord<f64>>> = shared
        .iter()
        .map(|&(i, rev)| {
            let mut a = arcs[i].clone();
            if rev {
                a.reverse();
            }
            a
        })
        .collect();
    let ends = |k: usize| -> (Key, Key) {
        let a = &oriented[k];
        (key(a[0]), key(a[a.len() - 1]))
    };
    let mut order: Vec<usize> = (0..shared.len()).collect();
    order.sort_by_key(|&k| shared[k].0);
    let mut used = vec![false; shared.len()];
    let mut out = Vec::new();
    loop {
        let remaining: Vec<usize> = order.iter().copied().filter(|&k| !used[k]).collect();
        if remaining.is_empty() {
            break;
        }
        let incoming: BTreeSet<Key> = remaining.iter().map(|&k| ends(k).1).collect();
        let start = remaining
            .iter()
            .copied()
            .find(|&k| !incoming.contains(&ends(k).0))
            .unwrap_or(remaining[0]);
        used[start] = true;
        let mut line = oriented[start].clone();
        loop {
            let end = key(line[line.len() - 1]);
            let next = order
                .iter()
                .copied()
                .find(|&k| !used[k] && ends(k).0 == end);
            match next {
                Some(k) => {
                    used[k] = true;
                    line.extend(oriented[k].iter().skip(1).copied());
                }
                None => break,
            }
        }
        out.push(line);
    }
    out
}

enum Side {
    First,
    Second,
}

/// Which country lies on the right of the coordinate direction, by testing offset points.
fn right_side(
    line: &[Coord<f64>],
    first: &MultiPolygon<f64>,
    second: &MultiPolygon<f64>,
) -> Result<Side, String> {
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
    let (mut votes_first, mut votes_second) = (0, 0);
    // offsets shrink until a test gives an answer: short edges of small or thin polygons need small ones
    for factor in [0.2, 0.05, 0.01, 0.002] {
        for &(len, i) in edges.iter().take(9) {
            let (p, q) = (line[i], line[i + 1]);
            let (dx, dy) = ((q.x - p.x) / len, (q.y - p.y) / len);
            let eps = (len * factor).min(0.002);
            let m = Coord {
                x: (p.x + q.x) / 2.0,
                y: (p.y + q.y) / 2.0,
            };
            let right = Point::new(m.x + eps * dy, m.y - eps * dx);
            let left = Point::new(m.x - eps * dy, m.y + eps * dx);
            if second.contains(&right) && first.contains(&left) {
                votes_second += 1;
            } else if first.contains(&right) && second.contains(&left) {
                votes_first += 1;
            }
        }
        if votes_first + votes_second > 0 {
            break;
        }
    }
    match (votes_first, votes_second) {
        (0, 0) => Err(format!(
            "cannot tell the sides of the line starting at ({}, {}): no offset test point fell inside the polygons",
            line[0].x, line[0].y
        )),
        (f, s) if f > 0 && s > 0 => Err(format!(
            "contradictory side tests ({f} vs {s}) for the line starting at ({}, {})",
            line[0].x, line[0].y
        )),
        (f, _) if f > 0 => Ok(Side::First),
        _ => Ok(Side::Second),
    }
}

/// Cut rows per (dyad, part), in file order.
type Cuts = BTreeMap<(String, usize), Vec<CutRow>>;

#[derive(Clone)]
struct CutRow {
    line: u64,
    to: Option<Coord<f64>>,
    id: String,
    name: String,
    extent: String,
    precision_m: Option<f64>,
    source_id: String,
    note: String,
}

fn read_cuts(
    path: &str,
    parts: &BTreeMap<String, Vec<Vec<Coord<f64>>>>,
) -> Result<Cuts, Vec<String>> {
    let mut rdr = csv::Reader::from_path(path).map_err(|e| vec![format!("{path}: {e}")])?;
    let expected = [
        "dyad",
        "part",
        "to_lon",
        "to_lat",
        "id",
        "name",
        "extent",
        "precision_m",
        "source_id",
        "note",
    ];
    let headers = rdr
        .headers()
        .map_err(|e| vec![format!("{path}: {e}")])?
        .clone();
    if headers.iter().collect::<Vec<_>>() != expected {
        return Err(vec![format!(
            "{path}:1: header must be {}",
            expected.join(",")
        )]);
    }
    let mut out: Cuts = BTreeMap::new();
    let mut errors = Vec::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("{path}: {e}"));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        let f = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
        let at = format!("{path}:{line}");
        let dyad = f(0);
        if !parts.contains_key(&dyad) {
            errors.push(format!("{at}: dyad '{dyad}' is not a derived dyad"));
            continue;
        }
        let Ok(part) = f(1).parse::<usize>() else {
            errors.push(format!("{at}: part '{}' is not a positive integer", f(1)));
            continue;
        };
        let to = match (f(2).as_str(), f(3).as_str()) {
            ("", "") => None,
            (x, y) => match (x.parse::<f64>(), y.parse::<f64>()) {
                (Ok(x), Ok(y)) if x.is_finite() && y.is_finite() => Some(Coord { x, y }),
                _ => {
                    errors.push(format!("{at}: to_lon/to_lat '{x}', '{y}' are not numbers"));
                    continue;
                }
            },
        };
        let extent = f(6);
        if extent != "exact" && extent != "approximate" {
            errors.push(format!(
                "{at}: extent '{extent}' must be exact or approximate"
            ));
        }
        let precision_m = match f(7).as_str() {
            "" => None,
            s => match s.parse::<f64>() {
                Ok(v) if v.is_finite() && v > 0.0 => Some(v),
                _ => {
                    errors.push(format!("{at}: precision_m '{s}' is not a positive number"));
                    None
                }
            },
        };
        out.entry((dyad, part)).or_default().push(CutRow {
            line,
            to,
            id: f(4),
            name: f(5),
            extent,
            precision_m,
            source_id: if f(8).is_empty() {
                NE_SOURCE.into()
            } else {
                f(8)
            },
            note: f(9),
        });
    }
    for ((dyad, part), rows) in &out {
        if let Some(last) = rows.last() {
            if last.to.is_some() {
                errors.push(format!(
                    "{path}:{}: last row of {dyad} part {part} must leave to_lon/to_lat empty",
                    last.line
                ));
            }
        }
        for r in &rows[..rows.len().saturating_sub(1)] {
            if r.to.is_none() {
                errors.push(format!("{path}:{}: only the last row of {dyad} part {part} may leave to_lon/to_lat empty", r.line));
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Cuts a part at the rows' break points (snapped to vertices); one piece per row.
fn cut_part(part: &[Coord<f64>], rows: &[CutRow]) -> Result<Vec<Vec<Coord<f64>>>, String> {
    let mut idx = vec![0usize];
    for r in rows {
        let Some(to) = r.to else { continue };
        let p = Point::from(to);
        let (best, d) = part
            .iter()
            .enumerate()
            .map(|(i, c)| (i, Geodesic.distance(p, Point::from(*c))))
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
            .ok_or("empty part")?;
        if d > MAX_SNAP_M {
            return Err(format!(
                "line {}: break ({}, {}) is {:.0} m from the nearest vertex (max {MAX_SNAP_M} m)",
                r.line, to.x, to.y, d
            ));
        }
        let prev = idx[idx.len() - 1];
        if best <= prev || best >= part.len() - 1 {
            return Err(format!(
                "line {}: break ({}, {}) snaps to vertex {best}, not strictly after the previous break (vertex {prev}) and before the end (vertex {})",
                r.line,
                to.x,
                to.y,
                part.len() - 1
            ));
        }
        idx.push(best);
    }
    idx.push(part.len() - 1);
    Ok(idx.windows(2).map(|w| part[w[0]..=w[1]].to_vec()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_decoding_applies_transform() {
        let topo = json!({"arcs": [[[10, 20], [1, -2]]], "transform": {"scale": [0.5, 0.25], "translate": [-1.0, 2.0]}});
        let arcs = decode_arcs(&topo).unwrap_or_default();
        assert_eq!(
            arcs,
            vec![vec![Coord { x: 4.0, y: 7.0 }, Coord { x: 4.5, y: 6.5 }]]
        );
    }

    #[test]
    fn chaining_follows_shared_endpoints() {
        let arcs = vec![
            vec![Coord { x: 1.0, y: 0.0 }, Coord { x: 2.0, y: 0.0 }],
            vec![Coord { x: 0.0, y: 0.0 }, Coord { x: 1.0, y: 0.0 }],
            vec![Coord { x: 5.0, y: 5.0 }, Coord { x: 6.0, y: 5.0 }],
        ];
        let parts = chain(&[(0, false), (1, false), (2, true)], &arcs);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].len(), 3);
        assert_eq!(parts[0][0], Coord { x: 0.0, y: 0.0 });
        assert_eq!(parts[1][0], Coord { x: 6.0, y: 5.0 });
    }
}
