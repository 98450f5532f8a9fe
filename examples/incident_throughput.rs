//! Measures how fast `IncidentReader` parses a generated plain CSV.
//!
//! ```text
//! cargo run --release --example incident_throughput -- [rows] [csv|on|off]
//! ```
//!
//! The optional second argument runs only one pass: the bare csv split (`csv`), or the reader
//! with the duplicate-id check `on` or `off` (for `perf stat` comparisons).
//!
//! Writes `rows` (default 1 000 000) synthetic rows in the dataset's `incidents.csv` layout to
//! a temporary file, then reads them back with and without the duplicate-id check and prints
//! rows per second, both per second of wall-clock time and per second of CPU time spent by
//! this process on Linux (`/proc/self/schedstat`), which stays meaningful when other work
//! shares the machine. The rows are generated, not real incidents.

use std::io::{BufWriter, Write};
use std::time::Instant;

use bordertrack::io::IncidentReader;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: usize = match std::env::args().nth(1) {
        Some(s) => s.parse()?,
        None => 1_000_000,
    };
    let only = std::env::args().nth(2);
    let run = |pass: &str| only.as_deref().is_none_or(|o| o == pass);
    let file = tempfile::NamedTempFile::new()?;
    {
        let mut w = BufWriter::new(file.as_file());
        writeln!(
            w,
            "id,date,lat,lon,precision_m,kind,summary,fatalities,source_id"
        )?;
        for i in 0..rows {
            let lat = 37.0 + (i % 9000) as f64 * 0.001;
            let lon = 56.0 + (i % 17000) as f64 * 0.001;
            let month = 1 + i % 12;
            let day = 1 + i % 28;
            writeln!(
                w,
                "I{i},2006-{month:02}-{day:02},{lat:.5},{lon:.5},250,shooting,\"generated row {i}, no real event\",{},synthetic",
                i % 4
            )?;
        }
        w.flush()?;
    }
    let bytes = std::fs::metadata(file.path())?.len();
    println!("{rows} rows, {:.1} MB", bytes as f64 / 1e6);
    // Floor: the csv crate splitting records, with no conversion at all.
    if run("csv") {
        let start = Instant::now();
        let cpu_start = cpu_ns();
        let mut r = csv::Reader::from_path(file.path())?;
        let mut rec = csv::ByteRecord::new();
        let mut n = 0usize;
        while r.read_byte_record(&mut rec)? {
            n += 1;
        }
        report("csv records only       ", n, start, cpu_start);
    }
    for check in [true, false] {
        if !run(if check { "on" } else { "off" }) {
            continue;
        }
        let start = Instant::now();
        let cpu_start = cpu_ns();
        let mut reader = IncidentReader::from_path(file.path())?.check_duplicate_ids(check);
        let (mut ok, mut bad) = (0usize, 0usize);
        for r in reader.records() {
            match r {
                Ok(_) => ok += 1,
                Err(_) => bad += 1,
            }
        }
        let label = if check {
            "duplicate-id check on  "
        } else {
            "duplicate-id check off "
        };
        println!("  ({ok} incidents, {bad} problems)");
        report(label, ok + bad, start, cpu_start);
    }
    Ok(())
}

/// Prints rows per second of wall-clock and of CPU time since `start`.
fn report(label: &str, rows: usize, start: Instant, cpu_start: Option<u64>) {
    let secs = start.elapsed().as_secs_f64();
    let n = rows as f64;
    print!("{label}: wall {secs:.3} s = {:.2} M rows/s", n / secs / 1e6);
    match (cpu_start, cpu_ns()) {
        (Some(a), Some(b)) if b > a => {
            let cpu = (b - a) as f64 / 1e9;
            println!("; CPU {cpu:.3} s = {:.2} M rows/s", n / cpu / 1e6);
        }
        _ => println!(),
    }
}

/// Nanoseconds this process has spent on a CPU, where Linux reports it.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}
