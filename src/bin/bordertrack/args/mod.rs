//! Command-line arguments (clap derive) and the value parsers for dates, bases and formats.

use std::path::PathBuf;

use bordertrack::crs::Crs;
use bordertrack::report::Format;
use bordertrack::{Basis, CountryCode, Dyad, PartialDate, StatusFilter};
use clap::{Args, Parser, Subcommand, ValueEnum};

mod commands;
mod incidents_plan;

pub use commands::*;

/// Border segments, their delimitation and demarcation status over time, and the incidents on
/// them.
///
/// Without --data, the embedded Central Asia dataset is used. Data goes to stdout (or -o FILE);
/// messages go to stderr. Exit status: 0 success, 1 problems found (validate, an invalid
/// dataset, an unreadable or broken-off incident file, a bad row under --strict), 2 usage or
/// I/O error, 130 interrupted.
#[derive(Debug, Parser)]
#[command(name = "bordertrack", version, propagate_version = true)]
pub struct Cli {
    /// Dataset directory (segments.geojson, places.geojson, instruments.csv, status.csv,
    /// incidents.csv, sources.csv); default: the embedded Central Asia dataset.
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List segments with their status as of a date.
    #[command(after_help = "Examples:
  bordertrack segments --dyad KAZ-UZB --as-of 2002-01-01
  bordertrack segments --on not_delimited --as-of 2002
  bordertrack segments --on unknown
  bordertrack segments --format geojson -o segments-2006.geojson --as-of 2006-04-19")]
    Segments(SegmentsArgs),
    /// Per-dyad lengths by status (geodesic, WGS84), as of a date or as a yearly series.
    #[command(after_help = "Examples:
  bordertrack stats --dyad KAZ-UZB --as-of 2002-01-01
  bordertrack stats --dyad KAZ-UZB --from 2000 --to 2024 --step year
  bordertrack stats --basis signed --as-of 2003-01-01")]
    Stats(StatsArgs),
    /// Every status change of a segment or a dyad, in date order, with instrument and source.
    #[command(after_help = "Examples:
  bordertrack history --dyad KAZ-UZB
  bordertrack history KAZ-UZB-03 --basis signed")]
    History(HistoryArgs),
    /// Incidents that fall on border stretches, with each stretch's status at the incident's
    /// date.
    ///
    /// FILE is a CSV (plain `id,date,lat,lon[,precision_m,kind,summary,fatalities,source]`,
    /// an ACLED export or a UCDP GED table, recognised from the header; `,` `;` or tab
    /// separated), a GeoJSON FeatureCollection of points, Parquet or GeoParquet (by the
    /// extension .parquet, plain columns), or GeoPackage, FlatGeobuf or KML points (by the
    /// extensions .gpkg, .fgb, .kml and .kmz; --layer chooses among a GeoPackage's tables);
    /// `-` reads stdin; without FILE, the
    /// dataset's own incidents. An incident falls on a segment when its geodesic distance
    /// (WGS84) is at most --within plus its own location precision; among those, the nearest
    /// segment whose status matches --on is reported. Bad rows are reported on stderr with
    /// their line and skipped (--strict: the first one stops the run, exit 1).
    #[command(after_help = "Examples:
  bordertrack incidents --on not_delimited,not_demarcated
  bordertrack incidents acled.csv --within 5km --dyad KAZ-UZB --format geojson -o on-border.geojson
  bordertrack incidents ged.csv --on disputed --as-of 2002-01-01 --all
  cat events.csv | bordertrack incidents - --within 500m")]
    Incidents(Box<IncidentsArgs>),
    /// Where a point lies: nearest segment, geodesic distance, chainage along its dyad, the
    /// country on the point's side, and the status as of a date.
    #[command(after_help = "Examples:
  bordertrack locate 69.16667 41.46667 --as-of 2006-04-19
  bordertrack locate 69.2 41.5 --within 50km --format json")]
    Locate(LocateArgs),
    /// Write one of the dataset's layers: segments (status at a date), status (the
    /// time-enabled history: one feature per segment and interval of unchanged status, with
    /// valid_from and valid_to dates), places (sovereignty at a date), instruments (no
    /// geometry) or incidents (the dataset's incidents, classified as `incidents` does).
    #[command(after_help = "Examples:
  bordertrack export status -o status.geojson
  bordertrack export segments --dyad KAZ-UZB --as-of 2002-01-01 -o kaz-uzb-2002.geojson
  bordertrack export places --as-of 2024 --format csv
  bordertrack export instruments -o instruments.csv")]
    Export(ExportArgs),
    /// Each place (places.geojson) with the country it belonged to on a date, its position
    /// and precision, and the instrument and source of that sovereignty.
    #[command(after_help = "Examples:
  bordertrack places --as-of 2001-06-01
  bordertrack places --dyad KAZ-UZB --as-of 2004 --format geojson -o places-2004.geojson")]
    Places(crate::cmd::places::PlacesArgs),
    /// Regimes as of a date: fences, minefields and crossings (regimes.csv), each with its
    /// state, its stretch (chainage along the dyad, km) or place, and its source.
    #[command(after_help = "Examples:
  bordertrack regimes --as-of 2001-06-01
  bordertrack regimes --dyad KAZ-UZB --on fenced --as-of 2007-01-01")]
    Regimes(crate::cmd::regimes::RegimesArgs),
    /// Aggregate counts that sources give without points (tallies.csv): so many trespass
    /// cases, clashes or mine deaths on a dyad over a period, each with its source. Counts of
    /// overlapping periods are listed side by side, never summed.
    #[command(after_help = "Examples:
  bordertrack tallies
  bordertrack tallies --dyad TJK-UZB --from 2000 --to 2006 --format csv")]
    Tallies(crate::cmd::tallies::TalliesArgs),
    /// Per dyad, what the dataset records of it: its length, the share whose delimitation and
    /// demarcation are known at the date, the lowest share with known delimitation on any day
    /// since --since (default 1992) with a note naming each stretch left unknown and from when
    /// it is known, and the numbers of instruments, sources, incidents and tallies, and its
    /// last change.
    #[command(after_help = "Examples:
  bordertrack coverage
  bordertrack coverage --since 1992 --as-of 2024-01-01 --format csv
  bordertrack coverage --dyad KGZ-TJK --format json")]
    Coverage(crate::cmd::coverage::CoverageArgs),
    /// Which stretches changed status or regime between two dates, and by which instruments
    /// and sources: one row per segment and per status dimension or regime that differs.
    #[command(after_help = "Examples:
  bordertrack diff --from 2001 --to 2004 --dyad KAZ-UZB
  bordertrack diff --from 2020-01-01 --to 2025-06-01 --format geojson -o changed.geojson")]
    Diff(crate::cmd::diff::DiffArgs),
    /// Check a dataset and list every problem (exit 0 when clean, 1 otherwise).
    ///
    /// By default each problem is a line `file:line: message`; with --format or -o, the
    /// problems are a layer (file, line, row, feature_index, feature_id, kind, severity,
    /// message) in table, CSV or JSON.
    #[command(after_help = "Examples:
  bordertrack validate
  bordertrack validate --data ./my-dataset
  bordertrack validate --data ./my-dataset --format csv -o problems.csv")]
    Validate(ValidateArgs),
    /// Draw the border status at a date as a map: SVG, or PNG (from -o's extension), with a
    /// legend, a geodesic scale bar and a north arrow; with --from/--to, one frame per date.
    ///
    /// Segments are coloured by delimitation and drawn solid or dashed by demarcation; places
    /// are labelled; incidents up to the date that fall within --within of a stretch (plus
    /// their location precision), classified at their own dates, are dots: filled when the
    /// match is certain, hollow when only possible. The text is set in the DejaVu Sans font
    /// bundled with the program.
    #[command(after_help = "Examples:
  bordertrack map --dyad KAZ-UZB --as-of 2002-01-01 -o kaz-uzb-2002.png
  bordertrack map --dyad KAZ-UZB --as-of 2024-01-01 -o kaz-uzb-2024.svg --size 1200x800
  bordertrack map --dyad KAZ-UZB --from 2000 --to 2024 --step year -o frames/m.png
    (writes frames/m-2000-01-01.png, frames/m-2001-01-01.png, ...)")]
    Map(MapArgs),
    /// Print a completion script for SHELL to stdout (see the README for where to put it).
    #[command(after_help = "Examples:
  bordertrack completions bash > ~/.local/share/bash-completion/completions/bordertrack
  bordertrack completions zsh > ~/.zfunc/_bordertrack
  bordertrack completions fish > ~/.config/fish/completions/bordertrack.fish")]
    Completions(CompletionsArgs),
    /// Print the manual page (roff) to stdout.
    #[command(after_help = "Examples:
  bordertrack manpage > ~/.local/share/man/man1/bordertrack.1
  bordertrack manpage | man -l -")]
    Manpage(ManpageArgs),
    /// Make a dataset (or a dataset's segments.geojson) from published boundary data.
    #[command(subcommand)]
    Import(crate::cmd::import::ImportKind),
    /// Start a new dataset: an empty dataset directory (every file with its header, and a
    /// README saying what each holds and how to cite sources) that `validate` accepts.
    #[command(after_help = "Examples:
  bordertrack init my-region
  bordertrack validate --data my-region")]
    Init(crate::cmd::init::InitArgs),
}

impl Command {
    /// Where and how the command writes its results.
    pub fn out(&self) -> Option<&OutArgs> {
        match self {
            Command::Segments(a) => Some(&a.out),
            Command::Stats(a) => Some(&a.out),
            Command::History(a) => Some(&a.out),
            Command::Incidents(a) => Some(&a.out),
            Command::Locate(a) => Some(&a.out),
            Command::Export(a) => Some(&a.out),
            Command::Regimes(a) => Some(&a.out),
            Command::Places(a) => Some(&a.out),
            Command::Tallies(a) => Some(&a.out),
            Command::Coverage(a) => Some(&a.out),
            Command::Diff(a) => Some(&a.out),
            Command::Validate(a) => Some(&a.out),
            Command::Map(_)
            | Command::Completions(_)
            | Command::Manpage(_)
            | Command::Import(_)
            | Command::Init(_) => None,
        }
    }
}

/// Options shared by commands that evaluate status at a date.
#[derive(Debug, Args)]
pub struct WhenArgs {
    /// The date to evaluate status at: YYYY, YYYY-MM or YYYY-MM-DD (a partial date is a span;
    /// a status that changed inside it is reported as ambiguous). Default: today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<PartialDate>,
    /// Whether a change counts from the instrument's signature or its entry into force
    /// (in-force falls back to signature where no entry-into-force date is known).
    #[arg(long, value_enum, default_value_t = BasisArg::InForce)]
    pub basis: BasisArg,
}

/// Where and how to write results.
#[derive(Debug, Args)]
pub struct OutArgs {
    /// Output format. Default: from -o's extension, in any letter case (.csv, .json,
    /// .geojson; export and incidents also .geojsonl or .geojsons, .gpkg, .fgb, .kml, .kmz
    /// and .parquet; CSV for a name without one), else table on a terminal and csv otherwise.
    /// Given with -o, it must agree with those extensions (geojson may go to .json); any
    /// other extension is written in the format given.
    /// The table streams: column widths are measured on the first 1,000 rows (or the first
    /// block of rows), and a wider cell later overflows its column.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Write to FILE instead of stdout, atomically: the file appears complete or not at all.
    /// An extension the command does not write is refused, with a message listing those it
    /// does, unless --format is given.
    /// A new file gets the usual mode for new files (umask applied); an existing one keeps
    /// its mode. An input file is never overwritten.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `--basis` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BasisArg {
    /// From the date of signature.
    Signed,
    /// From entry into force (else signature).
    InForce,
}

impl From<BasisArg> for Basis {
    fn from(b: BasisArg) -> Basis {
        match b {
            BasisArg::Signed => Basis::Signed,
            BasisArg::InForce => Basis::InForce,
        }
    }
}

/// `--format` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Aligned text.
    Table,
    /// CSV with a header row.
    Csv,
    /// A JSON array of objects.
    Json,
    /// A GeoJSON FeatureCollection (RFC 7946).
    Geojson,
    /// GeoJSON text sequence (RFC 8142), one feature per line (export and incidents).
    Geojsonseq,
    /// CSV with the geometry as WKT in a first column `WKT` (export and incidents).
    CsvWkt,
    /// GeoPackage (export and incidents; a file, not stdout).
    Gpkg,
    /// FlatGeobuf with a spatial index (export and incidents; a file, not stdout).
    Fgb,
    /// KML 2.2, styled, with typed data and time spans (export and incidents; WGS84 only).
    Kml,
    /// KMZ: the KML document zipped as doc.kml (export and incidents; WGS84 only; a file, not
    /// stdout).
    Kmz,
    /// GeoParquet 1.1 (export and incidents; a file, not stdout).
    #[value(alias = "geoparquet")]
    Parquet,
}

impl FormatArg {
    /// The row format, `None` for the GIS formats that only layers are written in.
    pub fn rows(self) -> Option<Format> {
        match self {
            FormatArg::Table => Some(Format::Table),
            FormatArg::Csv => Some(Format::Csv),
            FormatArg::Json => Some(Format::Json),
            FormatArg::Geojson => Some(Format::GeoJson),
            FormatArg::Geojsonseq
            | FormatArg::CsvWkt
            | FormatArg::Gpkg
            | FormatArg::Fgb
            | FormatArg::Kml
            | FormatArg::Kmz
            | FormatArg::Parquet => None,
        }
    }

    /// The name as typed.
    pub fn name(self) -> String {
        self.to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_string())
    }
}

/// `--step` values.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Step {
    /// One row per year.
    Year,
    /// One row per month.
    Month,
}

pub fn parse_date(s: &str) -> Result<PartialDate, String> {
    s.parse::<PartialDate>().map_err(|e| e.to_string())
}

pub(crate) fn parse_distance(s: &str) -> Result<f64, String> {
    bordertrack::io::parse_distance_m(s).map_err(|e| e.to_string())
}

pub(super) fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("{s:?} is not a size in pixels WIDTHxHEIGHT, e.g. 1600x1000");
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(bad)?;
    let w = w.trim().parse::<u32>().map_err(|_| bad())?;
    let h = h.trim().parse::<u32>().map_err(|_| bad())?;
    Ok((w, h))
}

pub(super) fn parse_crs(s: &str) -> Result<Crs, String> {
    s.parse::<Crs>().map_err(|e| e.to_string())
}

pub fn parse_dyad(s: &str) -> Result<Dyad, String> {
    s.parse::<Dyad>().map_err(|e| e.to_string())
}

pub(super) fn parse_filter(s: &str) -> Result<StatusFilter, String> {
    s.parse::<StatusFilter>().map_err(|e| e.to_string())
}

pub(super) fn parse_country(s: &str) -> Result<CountryCode, String> {
    s.parse::<CountryCode>().map_err(|e| e.to_string())
}
