//! `bordertrack import natural-earth|lsib|geojson FILE -o DIR`: boundary lines with a country
//! on each side turned into a whole dataset directory.

use std::path::{Path, PathBuf};

use bordertrack::import::dataset_dir::{write_new_dir, ImportedDataset, WriteError};
use bordertrack::import::natural_earth::{import_natural_earth, NaturalEarthImport};
use bordertrack::{Error, PartialDate, Problem};
use clap::Args;

use crate::output::say;
use crate::Failure;

/// `import natural-earth` options.
#[derive(Debug, Args)]
pub struct NaturalEarthArgs {
    /// Natural Earth admin-0 boundary lines as GeoJSON (ne_10m_admin_0_boundary_lines_land).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The date the file describes (its release date): the statuses it gives hold from then
    /// on, earlier dates stay unknown.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: PartialDate,
    /// The Natural Earth version of FILE (e.g. 5.1.1), written in the source's title.
    #[arg(long = "ne-version", value_name = "VERSION", default_value = "")]
    pub ne_version: String,
    /// Positional precision of the lines.
    #[arg(long, value_name = "DIST", default_value = "2km", value_parser = parse_distance)]
    pub precision: f64,
    /// Leave out lines whose left or right code is not an ISO 3166-1 alpha-3 code (listed
    /// on stderr) instead of refusing the file.
    #[arg(long)]
    pub leave_out_uncoded: bool,
    /// The new dataset directory (must not exist, or be empty).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: PathBuf,
}

pub(crate) fn parse_date(s: &str) -> Result<PartialDate, String> {
    s.parse::<PartialDate>().map_err(|e| e.to_string())
}

fn parse_distance(s: &str) -> Result<f64, String> {
    bordertrack::io::parse_distance_m(s).map_err(|e| e.to_string())
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| {
        Failure::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", path.display()),
        ))
    })
}

/// A dataset directory that cannot be written, as the command line reports it.
pub fn write_failure(e: WriteError) -> Failure {
    match e {
        WriteError::Io { path, source } => Failure::Io(std::io::Error::new(
            source.kind(),
            format!("{}: {source}", path.display()),
        )),
        other => Failure::Usage(other.to_string()),
    }
}

fn import_failure(e: Error) -> Failure {
    match e {
        Error::Invalid(problems) => Failure::BadInput(problems),
        other => other.into(),
    }
}

/// Writes the dataset and says what was made and what was left out.
fn finish(dir: &Path, data: &ImportedDataset, left_out: &[Problem]) -> Result<(), Failure> {
    write_new_dir(dir, &data.files()).map_err(write_failure)?;
    for p in left_out {
        say!("{p}");
    }
    let dyads: std::collections::BTreeSet<&str> =
        data.segments.iter().map(|s| s.dyad.as_str()).collect();
    say!(
        "bordertrack: dataset written to {}: {} segments in {} dyads, {} status changes{}",
        dir.display(),
        data.segments.len(),
        dyads.len(),
        data.status.len(),
        if left_out.is_empty() {
            String::new()
        } else {
            format!("; {} left out (above)", left_out.len())
        }
    );
    Ok(())
}

/// Runs `import natural-earth`.
pub fn natural_earth(args: &NaturalEarthArgs) -> Result<(), Failure> {
    bordertrack::import::dataset_dir::check_new_dir(&args.output).map_err(write_failure)?;
    let text = read(&args.file)?;
    let options = NaturalEarthImport {
        version: args.ne_version.clone(),
        as_of: args.date.to_string(),
        precision_m: args.precision,
        leave_out_uncoded: args.leave_out_uncoded,
    };
    let imported = import_natural_earth(&text, &args.file.display().to_string(), &options)
        .map_err(import_failure)?;
    finish(&args.output, &imported.dataset, &imported.left_out)
}
