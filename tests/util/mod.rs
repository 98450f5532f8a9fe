//! Helpers shared by the integration tests: the binary, fixtures, scratch directories.

#![allow(dead_code)]

pub mod catalogue;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The result type of a test.
pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Any error, for helpers.
pub type BoxError = Box<dyn std::error::Error>;

/// One CSV row keyed by column name.
pub type Row = HashMap<String, String>;

/// The path of the `bordertrack` binary built for these tests.
pub fn bin_path() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_bordertrack"))
}

/// A `bordertrack` command with `args`, run from the crate root.
pub fn bordertrack<I, S>(args: I) -> assert_cmd::Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut c = assert_cmd::Command::new(bin_path());
    c.current_dir(env!("CARGO_MANIFEST_DIR")).args(args);
    c
}

/// `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name)
}

/// The path of the small synthetic dataset, as a string for `--data`.
pub fn tiny() -> String {
    fixture("tiny").display().to_string()
}

/// A scratch directory, removed when dropped.
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    /// A new empty scratch directory.
    pub fn new() -> std::io::Result<Workdir> {
        Ok(Workdir {
            dir: tempfile::Builder::new()
                .prefix("bordertrack-test-")
                .tempdir()?,
        })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the directory.
    pub fn join(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes `bytes` to `rel`, creating parent directories.
    pub fn write(
        &self,
        rel: impl AsRef<Path>,
        bytes: impl AsRef<[u8]>,
    ) -> std::io::Result<PathBuf> {
        let p = self.join(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&p, bytes)?;
        Ok(p)
    }

    /// Copies the regular files of `from` into the subdirectory `name`; returns its path.
    pub fn copy_dir(&self, from: &Path, name: &str) -> std::io::Result<PathBuf> {
        let to = self.join(name);
        fs::create_dir_all(&to)?;
        for entry in fs::read_dir(from)? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                fs::copy(entry.path(), to.join(entry.file_name()))?;
            }
        }
        Ok(to)
    }

    /// A `bordertrack` command run from this directory.
    pub fn bordertrack<I, S>(&self, args: I) -> assert_cmd::Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut c = assert_cmd::Command::new(bin_path());
        c.current_dir(self.path()).args(args);
        c
    }
}

/// The GeoJSON that `bordertrack export ARGS --format geojson` writes (it must succeed).
pub fn export_geojson(args: &[&str]) -> Result<serde_json::Value, BoxError> {
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "geojson"]);
    let out = bordertrack(&all)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    Ok(serde_json::from_slice(&out)?)
}

/// Runs a command that must succeed and returns its stdout as text.
pub fn stdout_of(cmd: &mut assert_cmd::Command) -> Result<String, Box<dyn std::error::Error>> {
    let out = cmd.output()?;
    if !out.status.success() {
        return Err(format!(
            "command failed with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// CSV text as rows keyed by column name; also returns the header.
pub fn csv_rows(text: &str) -> Result<(Vec<String>, Vec<Row>), BoxError> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rdr.headers()?.iter().map(str::to_string).collect();
    let mut rows = Vec::new();
    for r in rdr.records() {
        let r = r?;
        rows.push(
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_string))
                .collect(),
        );
    }
    Ok((header, rows))
}

/// The value of `column` in `row`, or an error naming what is missing.
pub fn cell<'a>(
    row: &'a HashMap<String, String>,
    column: &str,
) -> Result<&'a str, Box<dyn std::error::Error>> {
    row.get(column)
        .map(String::as_str)
        .ok_or_else(|| format!("no column {column:?} in {row:?}").into())
}

/// Parses a cell as a number.
pub fn num(row: &HashMap<String, String>, column: &str) -> Result<f64, Box<dyn std::error::Error>> {
    Ok(cell(row, column)?.parse::<f64>()?)
}

/// The geodesic length in km of a line of (lon, lat) positions, computed here independently of
/// the binary (WGS84, Karney through geo).
pub fn geodesic_km(coords: &[(f64, f64)]) -> f64 {
    use geo::{Distance, Geodesic, Point};
    coords
        .windows(2)
        .map(|w| Geodesic.distance(Point::new(w[0].0, w[0].1), Point::new(w[1].0, w[1].1)))
        .sum::<f64>()
        / 1000.0
}

/// A synthetic dataset of `n` chained segments along the meridian 69°E (no status history),
/// for tests that need a large output.
pub fn write_long_dataset(dir: &Workdir, name: &str, n: usize) -> std::io::Result<PathBuf> {
    let mut features = Vec::with_capacity(n);
    for i in 0..n {
        let (a, b) = (41.0 + i as f64 * 0.001, 41.0 + (i + 1) as f64 * 0.001);
        features.push(format!(
            r#"{{"type":"Feature","properties":{{"id":"XAA-XBB-{i}","dyad":"XAA-XBB","left":"XAA","right":"XBB","name":"Piece {i}","order":{o},"part":1,"extent":"exact","precision_m":10,"source_id":"synthetic"}},"geometry":{{"type":"LineString","coordinates":[[69.0,{a:.3}],[69.0,{b:.3}]]}}}}"#,
            o = i + 1
        ));
    }
    let tiny = fixture("tiny");
    dir.write(
        format!("{name}/segments.geojson"),
        format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}\n",
            features.join(",\n")
        ),
    )?;
    dir.write(
        format!("{name}/places.geojson"),
        "{\"type\":\"FeatureCollection\",\"features\":[]}\n",
    )?;
    dir.write(
        format!("{name}/status.csv"),
        "segment_id,date,delimitation,demarcation,instrument_id,source_id,note\n",
    )?;
    dir.write(
        format!("{name}/instruments.csv"),
        "id,dyad,kind,title,signed,in_force,source_id,note\n",
    )?;
    dir.write(
        format!("{name}/incidents.csv"),
        "id,date,lat,lon,precision_m,kind,summary,fatalities,source_id\n",
    )?;
    fs::copy(
        tiny.join("sources.csv"),
        dir.join(format!("{name}/sources.csv")),
    )?;
    Ok(dir.join(name))
}
