//! Generates a synthetic incident table for benchmarks: N incidents, deterministic (fixed
//! seed), 80 % of them within 20 km of a border of the embedded dataset, the rest anywhere in
//! Central Asia (lon 46–88, lat 35–56), dated 1992–2025.
//!
//! ```text
//! cargo run --release --example gen_incidents -- 1000000 /tmp/incidents-1m.csv
//! ```
//!
//! The output is the plain layout `id,date,lat,lon,precision_m`. Synthetic: for measuring
//! speed and memory only, never as data.

use std::io::{BufWriter, Write};

use bordertrack::Dataset;
use geo::{Destination, Distance, Geodesic, InterpolatePoint, Point};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

/// The seed of every generated file.
const SEED: u64 = 0x000B_0DE2_7AC4;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: u64 = args
        .next()
        .ok_or("usage: gen_incidents N OUT.csv")?
        .parse()?;
    let out = args.next().ok_or("usage: gen_incidents N OUT.csv")?;

    let data = Dataset::embedded()?;
    // Every edge with its geodesic length, for picking points uniformly along the borders.
    let mut edges: Vec<(Point<f64>, Point<f64>)> = Vec::new();
    let mut cumulative: Vec<f64> = Vec::new();
    let mut total = 0.0;
    for seg in data.segments() {
        for line in seg.line.lines() {
            let (a, b) = (Point::from(line.start), Point::from(line.end));
            total += Geodesic.distance(a, b);
            edges.push((a, b));
            cumulative.push(total);
        }
    }

    let mut rng = Pcg64::seed_from_u64(SEED);
    let first_day = jiff::civil::date(1992, 1, 1);
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(&out)?);
    writeln!(w, "id,date,lat,lon,precision_m")?;
    for i in 0..n {
        let p = if rng.random_range(0.0..1.0) < 0.8 {
            let at = rng.random_range(0.0..total);
            let k = cumulative.partition_point(|&c| c < at).min(edges.len() - 1);
            let (a, b) = edges[k];
            let on = Geodesic.point_at_ratio_between(a, b, rng.random_range(0.0..1.0));
            let bearing = rng.random_range(0.0..360.0);
            let dist = rng.random_range(0.0..20_000.0);
            Geodesic.destination(on, bearing, dist)
        } else {
            Point::new(rng.random_range(46.0..88.0), rng.random_range(35.0..56.0))
        };
        let day = first_day.checked_add(jiff::Span::new().days(rng.random_range(0..12_418i64)))?;
        let precision = if rng.random_range(0..10) == 0 {
            1000
        } else {
            0
        };
        writeln!(w, "G{i},{day},{:.6},{:.6},{precision}", p.y(), p.x())?;
    }
    w.flush()?;
    eprintln!("wrote {n} incidents to {out}");
    Ok(())
}
