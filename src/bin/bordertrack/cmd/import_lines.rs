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
    #[arg(long, value_name = "DATE", value_parser = crate::args::parse_date)]
    pub date: PartialDate,
    /// The Natural Earth version of FILE (e.g. 5.1.1), written in the source's title.
    #[arg(long = "ne-version", value_name = "VERSION", default_value = "")]
    pub ne_version: String,
    /// Positional precision of the lines.
    #[arg(long, value_name = "DIST", default_value = "2km", value_parser = crate::args::parse_distance)]
    pub precision: f64,
    /// Leave out lines whose left or right code is not an ISO 3166-1 alpha-3 code (listed
    /// on stderr) instead of refusing the file.
    #[arg(long)]
    pub leave_out_uncoded: bool,
    /// The new dataset directory (must not exist, or be empty).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: PathBuf,
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
        "bordertrack: dataset written to {}: {} segments in {} dyads, {} status changes, {} claims{}",
        dir.display(),
        data.segments.len(),
        dyads.len(),
        data.status.len(),
        data.claims.len(),
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
    let text = super::read_input(&args.file)?;
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

/// Which two-letter codes an LSIB file uses.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum CodesArg {
    /// FIPS 10-4 (LSIB up to 2013).
    Fips,
    /// GENC / ISO 3166-1 alpha-2 (newer editions).
    Alpha2,
}

/// `import lsib` options.
#[derive(Debug, Args)]
pub struct LsibArgs {
    /// LSIB lines as GeoJSON (CC1, CC2, COUNTRY1, COUNTRY2, RANK, LABEL, STATUS, NOTES).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The date the file describes (its publication date): the statuses hold from then on.
    #[arg(long, value_name = "DATE", value_parser = crate::args::parse_date)]
    pub date: PartialDate,
    /// The LSIB edition of FILE (e.g. 11.4), written in the source's title.
    #[arg(long = "lsib-version", value_name = "VERSION", default_value = "")]
    pub lsib_version: String,
    /// The code system of CC1 and CC2.
    #[arg(long, value_enum, default_value = "fips")]
    pub codes: CodesArg,
    /// A CSV of further codes, `code,alpha3` per line (a header line is allowed), tried
    /// before the built-in tables.
    #[arg(long, value_name = "CSV")]
    pub code_map: Option<PathBuf>,
    /// Positional precision of the lines (the LSIB says most are within 100 m).
    #[arg(long, value_name = "DIST", default_value = "100m", value_parser = crate::args::parse_distance)]
    pub precision: f64,
    /// The new dataset directory (must not exist, or be empty).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: PathBuf,
}

/// Reads `code,alpha3` pairs; a first line whose second field is not three letters is a header.
fn code_map(path: &Path) -> Result<std::collections::BTreeMap<String, String>, Failure> {
    let text = super::read_input(path)?;
    let mut map = std::collections::BTreeMap::new();
    let mut problems = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let is_code = |s: &str| bordertrack::import::is_alpha3(s);
        match fields.as_slice() {
            [] | [""] => {}
            [_, a] if n == 0 && !is_code(a) => {}
            [code, a] if is_code(a) => {
                map.insert(code.to_ascii_uppercase(), a.to_string());
            }
            _ => problems.push(Problem::new(
                path.display().to_string(),
                bordertrack::Location::Line(n as u64 + 1),
                format!("{line:?} is not code,alpha3 (an ISO 3166-1 alpha-3 code)"),
            )),
        }
    }
    if problems.is_empty() {
        Ok(map)
    } else {
        Err(Failure::BadInput(problems))
    }
}

/// Runs `import lsib`.
pub fn lsib(args: &LsibArgs) -> Result<(), Failure> {
    use bordertrack::import::lsib::{import_lsib, LsibCodes, LsibImport};
    bordertrack::import::dataset_dir::check_new_dir(&args.output).map_err(write_failure)?;
    let code_map = args.code_map.as_deref().map(code_map).transpose()?;
    let text = super::read_input(&args.file)?;
    let options = LsibImport {
        codes: match args.codes {
            CodesArg::Fips => LsibCodes::Fips,
            CodesArg::Alpha2 => LsibCodes::Alpha2,
        },
        code_map: code_map.unwrap_or_default(),
        version: args.lsib_version.clone(),
        as_of: args.date.to_string(),
        precision_m: args.precision,
    };
    let imported =
        import_lsib(&text, &args.file.display().to_string(), &options).map_err(import_failure)?;
    finish(&args.output, &imported.dataset, &imported.left_out)
}

/// `import geojson` options.
#[derive(Debug, Args)]
pub struct GeojsonArgs {
    /// Boundary lines as a GeoJSON FeatureCollection of LineStrings or MultiLineStrings.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Which property holds what: left=COL,right=COL,status=COL (required), and optionally
    /// demarcation=COL,name=COL,date=COL,note=COL. Country codes are ISO 3166-1 alpha-3 or
    /// alpha-2; statuses the standard words (delimited, undelimited, disputed, unknown; none,
    /// in_progress, demarcated) or words of --status-values.
    #[arg(long = "map", value_name = "KEY=COL,...")]
    pub map: String,
    /// The file's own status words: WORD=STATUS,... (e.g. Agreed=delimited,Claimed=disputed).
    #[arg(long, value_name = "WORD=STATUS,...", default_value = "")]
    pub status_values: String,
    /// The date statuses hold from where a line has no date column (or it is empty).
    #[arg(long, value_name = "DATE", value_parser = crate::args::parse_date)]
    pub date: Option<PartialDate>,
    /// The source's id, cited by every row.
    #[arg(long, value_name = "ID")]
    pub source_id: String,
    /// The source's title.
    #[arg(long, value_name = "TEXT")]
    pub source_title: String,
    /// The source's publisher.
    #[arg(long, value_name = "TEXT")]
    pub source_publisher: String,
    /// Where a reader finds the source.
    #[arg(long, value_name = "URL")]
    pub source_url: String,
    /// The source's publication date.
    #[arg(long, value_name = "DATE", value_parser = crate::args::parse_date)]
    pub source_date: Option<PartialDate>,
    /// Positional precision of the lines.
    #[arg(long, value_name = "DIST", value_parser = crate::args::parse_distance)]
    pub precision: f64,
    /// The new dataset directory (must not exist, or be empty).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: PathBuf,
}

/// Runs `import geojson`.
pub fn geojson(args: &GeojsonArgs) -> Result<(), Failure> {
    use bordertrack::import::dataset_dir::SourceRow;
    use bordertrack::import::mapped::{import_mapped, ColumnMap, MappedImport};
    let columns = ColumnMap::parse(&args.map).map_err(|e| Failure::Usage(format!("--map: {e}")))?;
    let mut status_values = std::collections::BTreeMap::new();
    for pair in args
        .status_values
        .split(',')
        .filter(|p| !p.trim().is_empty())
    {
        let (word, status) = pair.split_once('=').ok_or_else(|| {
            Failure::Usage(format!("--status-values: {pair:?} is not WORD=STATUS"))
        })?;
        status_values.insert(word.trim().to_string(), status.trim().to_string());
    }
    bordertrack::import::dataset_dir::check_new_dir(&args.output).map_err(write_failure)?;
    let text = super::read_input(&args.file)?;
    let options = MappedImport {
        columns,
        status_values,
        source: SourceRow {
            id: args.source_id.clone(),
            title: args.source_title.clone(),
            publisher: args.source_publisher.clone(),
            date: args.source_date.map(|d| d.to_string()).unwrap_or_default(),
            url: args.source_url.clone(),
        },
        as_of: args.date.map(|d| d.to_string()).unwrap_or_default(),
        precision_m: args.precision,
    };
    let imported =
        import_mapped(&text, &args.file.display().to_string(), &options).map_err(import_failure)?;
    finish(&args.output, &imported.dataset, &imported.left_out)
}
