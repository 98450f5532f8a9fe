//! Command-line arguments (clap derive) and the value parsers for dates, bases and formats.

use std::path::PathBuf;

use bordertrack::crs::Crs;
use bordertrack::report::Format;
use bordertrack::{Basis, CountryCode, Dyad, PartialDate, StatusFilter};
use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// separated), a GeoJSON FeatureCollection of points, or Parquet or GeoParquet (by the
    /// extension .parquet, plain columns); `-` reads stdin; without FILE, the
    /// dataset's own incidents. An incident falls on a segment when its geodesic distance
    /// (WGS84) is at most --within plus its own location precision; among those, the nearest
    /// segment whose status matches --on is reported. Bad rows are reported on stderr with
    /// their line and skipped (--strict: the first one stops the run, exit 1).
    #[command(after_help = "Examples:
  bordertrack incidents --on not_delimited,not_demarcated
  bordertrack incidents acled.csv --within 5km --dyad KAZ-UZB --format geojson -o on-border.geojson
  bordertrack incidents ged.csv --on disputed --as-of 2002-01-01 --all
  cat events.csv | bordertrack incidents - --within 500m")]
    Incidents(IncidentsArgs),
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
    /// Check a dataset and list every problem (exit 0 when clean, 1 otherwise). By default
    /// each problem is a line `file:line: message`; with --format or -o, the problems are a
    /// layer (file, line, row, feature_index, feature_id, kind, severity, message) in table,
    /// CSV or JSON.
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
    /// Output format. Default: from -o's extension (.csv, .json, .geojson, in any letter
    /// case; CSV for a name without one), else table on a terminal and csv otherwise. Given
    /// with -o, it must agree with those extensions (geojson may go to .json); any other
    /// extension is written in the format given.
    /// The table streams: column widths are measured on the first 1,000 rows (or the first
    /// block of rows), and a wider cell later overflows its column.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Write to FILE instead of stdout, atomically: the file appears complete or not at all.
    /// An extension other than .csv, .json or .geojson is refused unless --format is given.
    /// A new file gets the usual mode for new files (umask applied); an existing one keeps
    /// its mode. An input file is never overwritten.
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
    /// Only segments whose status matches one of these words (comma = or). Delimitation:
    /// delimited, disputed, undelimited, not_delimited (undelimited or disputed),
    /// delimitation_unknown. Demarcation: demarcated, in_progress, undemarcated (status none),
    /// not_demarcated (none or in_progress), demarcation_unknown. Either: unknown. Regimes
    /// (regimes.csv): fenced, mined, open_crossing, closed_crossing (a regime whose place on
    /// the dyad is unknown counts for every segment of its dyad).
    #[arg(long, value_name = "WORD,...", value_parser = crate::on::parse_on)]
    pub on: Option<crate::on::OnWords>,
    /// Answer as this party (ISO alpha-3) held it: where the dataset's claims.geojson records
    /// its view of a segment at the date, that view's delimitation (and its own line, if it
    /// drew one) replace the dataset's, `since` is the view's start and `instrument_id` is
    /// empty; --on filters on the view.
    #[arg(long, value_name = "CODE", value_parser = parse_country)]
    pub pov: Option<CountryCode>,
    /// Write geometries in this coordinate reference system: EPSG:NNNN or a PROJ string
    /// ("+proj=utm +zone=42 +datum=WGS84"). Needs a build with the `proj` feature. Lengths
    /// stay geodesic on WGS84.
    #[arg(long, value_name = "CRS", value_parser = parse_crs)]
    pub crs: Option<Crs>,
    #[command(flatten)]
    pub out: OutArgs,
}

fn parse_country(s: &str) -> Result<CountryCode, String> {
    s.parse::<CountryCode>().map_err(|e| e.to_string())
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

/// `incidents` options.
#[derive(Debug, Args)]
#[command(mut_arg("as_of", |a| a.help(
    "Evaluate every status at this date (YYYY, YYYY-MM or YYYY-MM-DD) instead of at each \
     incident's own date, which is the default; a partial date is a span, and a status that \
     changed inside it is reported as ambiguous"
)))]
pub struct IncidentsArgs {
    /// Incident table (CSV or GeoJSON; `-` for stdin). Default: the dataset's incidents.
    pub file: Option<PathBuf>,
    /// Only incidents on stretches whose status matches one of these words (comma = or).
    /// Delimitation: delimited, disputed, undelimited, not_delimited (undelimited or
    /// disputed), delimitation_unknown. Demarcation: demarcated, in_progress, undemarcated
    /// (status none), not_demarcated (none or in_progress), demarcation_unknown. Either:
    /// unknown.
    #[arg(long, value_name = "STATUS,...", value_parser = parse_filter)]
    pub on: Option<StatusFilter>,
    /// Distance from the line within which an incident counts as on it, before its own
    /// location precision is added: a number with unit m, km, mi or nmi (plain number =
    /// metres).
    #[arg(long, value_name = "DIST", default_value = "1km", value_parser = parse_distance)]
    pub within: f64,
    #[command(flatten)]
    pub when: WhenArgs,
    /// Only segments of this dyad.
    #[arg(long, value_parser = parse_dyad)]
    pub dyad: Option<Dyad>,
    /// Also list incidents that match nothing, with empty segment fields.
    #[arg(long)]
    pub all: bool,
    /// Keep only incidents whose date span meets this date or later (YYYY, YYYY-MM or
    /// YYYY-MM-DD; a year or month starts on its first day). An incident dated 2004-06 spans
    /// the whole month, so it is kept when any of its days is in the range.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub from: Option<PartialDate>,
    /// Keep only incidents whose date span meets this date or earlier (inclusive; a year or
    /// month ends on its last day).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub to: Option<PartialDate>,
    /// Keep only certain matches: the distance plus the incident's and the segment's
    /// precision is at most --within, and the status asked for holds on every day of the
    /// incident's date span (the `certainty` column).
    #[arg(long)]
    pub certain: bool,
    /// Stop at the first bad row (exit 1, no output written).
    #[arg(long)]
    pub strict: bool,
    /// Print at most N problems of each kind on stderr (bad rows, repeated ids, rows too
    /// long, ...), then a count per kind; 0 prints them all.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub max_problems: u64,
    /// Report rows whose id repeats an earlier row's, as bad rows. Off by default: the check
    /// keeps every id in memory (about 50-80 MB per million ids), so memory is no longer flat.
    #[arg(long)]
    pub check_ids: bool,
    /// The coordinate reference system of FILE's coordinates, when not WGS84: EPSG:NNNN or a
    /// PROJ string. The latitude column then holds the northing (or y) and the longitude
    /// column the easting (or x); they are converted to WGS84 before classification. A
    /// GeoJSON file's legacy "crs" member is honoured without this option. Needs a build
    /// with the `proj` feature.
    #[arg(long, value_name = "CRS", value_parser = parse_crs, requires = "file")]
    pub input_crs: Option<Crs>,
    /// Write points in this coordinate reference system: EPSG:NNNN or a PROJ string. The
    /// geometry and the lon/lat columns (then named x/y) are converted; distances stay
    /// geodesic on WGS84. Needs a build with the `proj` feature.
    #[arg(long, value_name = "CRS", value_parser = parse_crs)]
    pub crs: Option<Crs>,
    #[command(flatten)]
    pub out: OutArgs,
}

/// `export` options.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The layer to write.
    #[arg(value_enum)]
    pub layer: LayerArg,
    /// The date to evaluate status and sovereignty at (segments, places, incidents); for the
    /// status layer, only the intervals in force on some day of it (default: every interval).
    #[command(flatten)]
    pub when: WhenArgs,
    /// Only this dyad (segments, status intervals, instruments, incidents; places that
    /// belonged to one of its countries).
    #[arg(long, value_parser = parse_dyad)]
    pub dyad: Option<Dyad>,
    /// Only segments, status intervals or incidents whose status matches one of these words
    /// (comma = or), as for `segments`.
    #[arg(long, value_name = "STATUS,...", value_parser = parse_filter)]
    pub on: Option<StatusFilter>,
    /// For the incidents layer: the distance within which an incident counts as on a
    /// segment, as for `incidents`.
    #[arg(long, value_name = "DIST", default_value = "1km", value_parser = parse_distance)]
    pub within: f64,
    /// Write geometries in this coordinate reference system: EPSG:NNNN or a PROJ string.
    /// Lengths and distances stay geodesic on WGS84. Needs a build with the `proj` feature.
    #[arg(long, value_name = "CRS", value_parser = parse_crs)]
    pub crs: Option<Crs>,
    #[command(flatten)]
    pub out: OutArgs,
}

/// The layers `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LayerArg {
    /// Every segment with its status at a date (lines).
    Segments,
    /// One feature per segment and interval of unchanged status (lines, time-enabled).
    Status,
    /// Named places with their country at a date (points).
    Places,
    /// Treaties and other instruments (no geometry).
    Instruments,
    /// The dataset's incidents, classified (points).
    Incidents,
}

impl LayerArg {
    /// The layer's name as typed.
    pub fn name(self) -> String {
        self.to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_string())
    }
}

/// `locate` options.
#[derive(Debug, Args)]
#[command(allow_negative_numbers = true)]
pub struct LocateArgs {
    /// Longitude, WGS84 degrees (-180..180).
    pub lon: f64,
    /// Latitude, WGS84 degrees (-90..90).
    pub lat: f64,
    /// List every segment within this distance, nearest first, instead of the nearest only.
    #[arg(long, value_name = "DIST", value_parser = parse_distance)]
    pub within: Option<f64>,
    #[command(flatten)]
    pub when: WhenArgs,
    #[command(flatten)]
    pub out: OutArgs,
}

/// `map` options.
#[derive(Debug, Args)]
pub struct MapArgs {
    #[command(flatten)]
    pub when: WhenArgs,
    /// Only this dyad's segments, places and incidents (two ISO alpha-3 codes, e.g. KAZ-UZB).
    #[arg(long, value_parser = parse_dyad)]
    pub dyad: Option<Dyad>,
    /// Draw segments whose status matches none of these words in grey, and only incidents on
    /// matching stretches (the words of `segments --on`).
    #[arg(long, value_name = "STATUS,...", value_parser = parse_filter)]
    pub on: Option<StatusFilter>,
    /// Incident table to draw (as for `incidents`: CSV or GeoJSON; `-` for stdin). Default:
    /// the dataset's own incidents.
    #[arg(long, value_name = "FILE")]
    pub incidents: Option<PathBuf>,
    /// Draw no incidents.
    #[arg(long, conflicts_with = "incidents")]
    pub no_incidents: bool,
    /// Distance from the line within which an incident is drawn as on it, before its own
    /// location precision is added (m, km, mi or nmi; plain number = metres).
    #[arg(long, value_name = "DIST", default_value = "5km", value_parser = parse_distance)]
    pub within: f64,
    /// Picture size in pixels, WIDTHxHEIGHT (each 200 to 8000).
    #[arg(long, value_name = "WxH", default_value = "1600x1000", value_parser = parse_size)]
    pub size: (u32, u32),
    /// First date of a series of frames (with --to): one map per date, each written to
    /// -o's name with the date added before the extension (m.png: m-2002-01-01.png, ...).
    #[arg(long, value_parser = parse_date, requires = "to", conflicts_with = "as_of")]
    pub from: Option<PartialDate>,
    /// Last date of a series of frames (inclusive).
    #[arg(long, value_parser = parse_date, requires = "from")]
    pub to: Option<PartialDate>,
    /// Step between frames.
    #[arg(long, value_enum, default_value_t = Step::Year, requires = "from")]
    pub step: Step,
    /// The file to write: .svg or .png (any letter case), written atomically; an input file
    /// is never overwritten.
    #[arg(short = 'o', long = "output", value_name = "FILE", required = true)]
    pub output: PathBuf,
}

/// `completions` options.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `manpage` options.
#[derive(Debug, Args)]
pub struct ManpageArgs {}

/// `validate` options.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// With neither --format nor -o, each problem is printed as a line `file:line: message`.
    #[command(flatten)]
    pub out: OutArgs,
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
}

impl FormatArg {
    /// The row format, `None` for the GIS formats that only layers are written in.
    pub fn rows(self) -> Option<Format> {
        match self {
            FormatArg::Table => Some(Format::Table),
            FormatArg::Csv => Some(Format::Csv),
            FormatArg::Json => Some(Format::Json),
            FormatArg::Geojson => Some(Format::GeoJson),
            FormatArg::Geojsonseq | FormatArg::CsvWkt | FormatArg::Gpkg | FormatArg::Fgb => None,
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

fn parse_distance(s: &str) -> Result<f64, String> {
    bordertrack::io::parse_distance_m(s).map_err(|e| e.to_string())
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("{s:?} is not a size in pixels WIDTHxHEIGHT, e.g. 1600x1000");
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(bad)?;
    let w = w.trim().parse::<u32>().map_err(|_| bad())?;
    let h = h.trim().parse::<u32>().map_err(|_| bad())?;
    Ok((w, h))
}

fn parse_crs(s: &str) -> Result<Crs, String> {
    s.parse::<Crs>().map_err(|e| e.to_string())
}

pub fn parse_dyad(s: &str) -> Result<Dyad, String> {
    s.parse::<Dyad>().map_err(|e| e.to_string())
}

fn parse_filter(s: &str) -> Result<StatusFilter, String> {
    s.parse::<StatusFilter>().map_err(|e| e.to_string())
}
