//! Locating points against border lines: `nearest` and `within(5 km)` per point.
//!
//! Line sets:
//! - `central_asia_embedded`: the segments of the embedded dataset (Natural Earth 1:10m as
//!   shipped in `world-atlas`).
//! - `central_asia_synthetic`: a deterministic random-walk stand-in for the Central Asia borders
//!   (30 lines, 2,000 vertices each, about 1 km apart, in lon 46–88 / lat 35–56).
//! - `world_synthetic`: the same generator at world land-border size (300 lines × 850 vertices,
//!   lat -55–70, all longitudes).
//! - `world_geojson`: the lines of the GeoJSON file named by `BORDERTRACK_WORLD_GEOJSON`
//!   (LineString and MultiLineString features), skipped when unset or unreadable.
//!
//! Query points: 90 % within 20 km of a random point of a random line, 10 % anywhere in the
//! set's box. Run with `cargo bench --bench locate`.

use std::hint::black_box;

use bordertrack::spatial::LineIndex;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use geo_types::{coord, Coord, LineString, Point};
use geographiclib_rs::{DirectGeodesic, Geodesic};

/// SplitMix64: a small deterministic generator, so every run benches the same data.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..hi`.
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn index(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Box of a line set: lon and lat ranges, degrees.
#[derive(Clone, Copy)]
struct Bbox {
    lon: (f64, f64),
    lat: (f64, f64),
}

fn norm_lon(lon: f64) -> f64 {
    let y = lon.rem_euclid(360.0);
    if y > 180.0 {
        y - 360.0
    } else {
        y
    }
}

/// Random walks with a slowly turning heading, steps of 200–1,800 m, turned back into the box.
fn synthetic_lines(seed: u64, lines: usize, vertices: usize, bbox: Bbox) -> Vec<LineString<f64>> {
    let geod = Geodesic::wgs84();
    let mut rng = Rng(seed);
    (0..lines)
        .map(|_| {
            let mut p = coord! {
                x: rng.range(bbox.lon.0, bbox.lon.1),
                y: rng.range(bbox.lat.0, bbox.lat.1),
            };
            let mut heading = rng.range(-180.0, 180.0);
            let mut pts = Vec::with_capacity(vertices);
            pts.push(p);
            while pts.len() < vertices {
                heading += rng.range(-20.0, 20.0);
                let (lat, lon): (f64, f64) =
                    geod.direct(p.y, p.x, heading, rng.range(200.0, 1_800.0));
                let lon = norm_lon(lon);
                let wrap = bbox.lon.1 - bbox.lon.0 >= 360.0;
                if lat < bbox.lat.0
                    || lat > bbox.lat.1
                    || (!wrap && (lon < bbox.lon.0 || lon > bbox.lon.1))
                {
                    heading += 180.0;
                    continue;
                }
                p = coord! { x: lon, y: lat };
                pts.push(p);
            }
            LineString::new(pts)
        })
        .collect()
}

fn query_points(lines: &[LineString<f64>], n: usize, seed: u64, bbox: Bbox) -> Vec<Point<f64>> {
    let geod = Geodesic::wgs84();
    let mut rng = Rng(seed);
    (0..n)
        .map(|_| {
            if rng.index(10) == 0 {
                return Point::new(
                    rng.range(bbox.lon.0, bbox.lon.1),
                    rng.range(bbox.lat.0, bbox.lat.1),
                );
            }
            let ls = &lines[rng.index(lines.len())];
            let v: Coord<f64> = ls.0[rng.index(ls.0.len())];
            let (lat, lon): (f64, f64) =
                geod.direct(v.y, v.x, rng.range(-180.0, 180.0), rng.range(0.0, 20_000.0));
            Point::new(norm_lon(lon), lat.clamp(-90.0, 90.0))
        })
        .collect()
}

/// The lines of a GeoJSON file (LineString and MultiLineString geometries), or why not.
fn geojson_lines(path: &str) -> Result<Vec<LineString<f64>>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let gj: geojson::GeoJson = text.parse().map_err(|e| format!("{path}: {e}"))?;
    let mut out = Vec::new();
    let mut push = |g: &geojson::Geometry| {
        if let Ok(ls) = LineString::<f64>::try_from(g.value.clone()) {
            out.push(ls);
        } else if let Ok(mls) = geo_types::MultiLineString::<f64>::try_from(g.value.clone()) {
            out.extend(mls.0);
        }
    };
    match &gj {
        geojson::GeoJson::FeatureCollection(fc) => {
            for f in &fc.features {
                if let Some(g) = &f.geometry {
                    push(g);
                }
            }
        }
        geojson::GeoJson::Feature(f) => {
            if let Some(g) = &f.geometry {
                push(g);
            }
        }
        geojson::GeoJson::Geometry(g) => push(g),
    }
    Ok(out)
}

fn bbox_of(lines: &[LineString<f64>]) -> Bbox {
    let mut b = Bbox {
        lon: (f64::INFINITY, f64::NEG_INFINITY),
        lat: (f64::INFINITY, f64::NEG_INFINITY),
    };
    for c in lines.iter().flat_map(|l| l.0.iter()) {
        b.lon = (b.lon.0.min(c.x), b.lon.1.max(c.x));
        b.lat = (b.lat.0.min(c.y), b.lat.1.max(c.y));
    }
    b
}

fn bench_set(c: &mut Criterion, name: &str, lines: &[LineString<f64>], bbox: Bbox) {
    let vertices: usize = lines.iter().map(|l| l.0.len()).sum();
    let started = std::time::Instant::now();
    let index = match LineIndex::new(lines) {
        Ok(index) => index,
        Err(e) => {
            eprintln!("{name}: skipped, invalid lines: {e}");
            return;
        }
    };
    eprintln!(
        "{name}: {} lines, {vertices} vertices, {} edges, index built in {:.0} ms",
        lines.len(),
        index.edge_count(),
        started.elapsed().as_secs_f64() * 1e3
    );
    let points = query_points(lines, 2_000, 7, bbox);
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(points.len() as u64));
    group.bench_function("nearest", |b| {
        b.iter(|| {
            for p in &points {
                black_box(index.nearest(*p).ok());
            }
        })
    });
    let mut buf = Vec::new();
    group.bench_function("within_5km", |b| {
        b.iter(|| {
            for p in &points {
                black_box(index.within_into(*p, 5_000.0, &mut buf).ok());
            }
        })
    });
    group.bench_function("nearest_and_within_5km", |b| {
        b.iter(|| {
            for p in &points {
                black_box(index.nearest(*p).ok());
                black_box(index.within_into(*p, 5_000.0, &mut buf).ok());
            }
        })
    });
    group.finish();
}

fn locate(c: &mut Criterion) {
    let central_asia = Bbox {
        lon: (46.0, 88.0),
        lat: (35.0, 56.0),
    };
    match bordertrack::Dataset::embedded() {
        Ok(data) => {
            let lines: Vec<LineString<f64>> =
                data.segments().iter().map(|s| s.line.clone()).collect();
            bench_set(c, "central_asia_embedded", &lines, central_asia);
        }
        Err(e) => eprintln!("central_asia_embedded: skipped, {e}"),
    }
    bench_set(
        c,
        "central_asia_synthetic",
        &synthetic_lines(1, 30, 2_000, central_asia),
        central_asia,
    );
    let world = Bbox {
        lon: (-180.0, 180.0),
        lat: (-55.0, 70.0),
    };
    bench_set(
        c,
        "world_synthetic",
        &synthetic_lines(2, 300, 850, world),
        world,
    );
    match std::env::var("BORDERTRACK_WORLD_GEOJSON") {
        Err(_) => eprintln!("world_geojson: skipped, BORDERTRACK_WORLD_GEOJSON is not set"),
        Ok(path) => match geojson_lines(&path) {
            Ok(lines) if !lines.is_empty() => {
                let bbox = bbox_of(&lines);
                bench_set(c, "world_geojson", &lines, bbox);
            }
            Ok(_) => eprintln!("world_geojson: skipped, no lines in {path}"),
            Err(e) => eprintln!("world_geojson: skipped, {e}"),
        },
    }
}

criterion_group!(benches, locate);
criterion_main!(benches);
