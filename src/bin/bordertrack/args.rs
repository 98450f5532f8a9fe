//! Command-line arguments (clap derive) and the value parsers for dates, bases and formats.

use std::path::PathBuf;

use bordertrack::report::Format;
use bordertrack::{Basis, Dyad, PartialDate, StatusFilter};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Border segments, their delimitation and demarcation status over time, and the incidents on
/// them.
///
/// Without --data, the embedded Central Asia dataset is used. Data goes to stdout (or -o FILE);
/// messages go to stderr. Exit status: 0 success, 1 problems found (validate, an invalid
/// dataset, bad rows under --strict), 2 usage or I/O error.
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
  bordertrack segments --on disputed,undelimited --as-of 2002
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
    /// Check a dataset and list every problem (exit 0 when clean, 1 otherwise).
    #[command(after_help = "Examples:
  bordertrack validate
  bordertrack validate --data ./my-dataset")]
    Validate(ValidateArgs),
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
    /// Output format. Default: table on a terminal, otherwise csv (or from -o's extension:
    /// .csv, .json, .geojson).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Write to FILE instead of stdout (atomically: the file appears complete or not at all).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `segments` options.
#[derive(Debug, Args)]
pub struct SegmentsArgs {
    #[command(flatten)]
    pub when: WhenArgs,
    /// Only this dyad (two ISO alpha-3 codes, e.g. KAZ-UZB; either order).
    #[arg(long, value_parser = parse_dyad)]
    pub dyad: Option<Dyad>,
    /// Only segments whose status matches one of these words (comma = or): disputed,
    /// undelimited (undelimited or disputed), delimited, undemarcated (not demarcated),
    /// demarcating (in progress), demarcated.
    #[arg(long, value_name = "STATUS,...", value_parser = parse_filter)]
    pub on: Option<StatusFilter>,
    #[command(flatten)]
    pub out: OutArgs,
}

/// `stats` options.
#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub when: WhenArgs,
    /// Only this dyad.
    #[arg(long, value_parser = parse_dyad)]
    pub dyad: Option<Dyad>,
    /// Start of a time series (with --to): first date evaluated.
    #[arg(long, value_parser = parse_date, requires = "to", conflicts_with = "as_of")]
    pub from: Option<PartialDate>,
    /// End of a time series (with --from): last date evaluated (inclusive).
    #[arg(long, value_parser = parse_date, requires = "from")]
    pub to: Option<PartialDate>,
    /// Step of the time series.
    #[arg(long, value_enum, default_value_t = Step::Year, requires = "from")]
    pub step: Step,
    #[command(flatten)]
    pub out: OutArgs,
}

/// `history` options.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The segment id (see `bordertrack segments`).
    #[arg(required_unless_present = "dyad", conflicts_with = "dyad")]
    pub segment: Option<String>,
    /// Every segment of this dyad.
    #[arg(long, value_parser = parse_dyad)]
    pub dyad: Option<Dyad>,
    /// Which instrument date a change counts from.
    #[arg(long, value_enum, default_value_t = BasisArg::InForce)]
    pub basis: BasisArg,
    #[command(flatten)]
    pub out: OutArgs,
}

/// `validate` options.
#[derive(Debug, Args)]
pub struct ValidateArgs {}

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
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Csv => Format::Csv,
            FormatArg::Json => Format::Json,
            FormatArg::Geojson => Format::GeoJson,
        }
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

fn parse_date(s: &str) -> Result<PartialDate, String> {
    s.parse::<PartialDate>().map_err(|e| e.to_string())
}

fn parse_dyad(s: &str) -> Result<Dyad, String> {
    s.parse::<Dyad>().map_err(|e| e.to_string())
}

fn parse_filter(s: &str) -> Result<StatusFilter, String> {
    s.parse::<StatusFilter>().map_err(|e| e.to_string())
}
