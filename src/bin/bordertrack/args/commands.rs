//! Each command's own options (the `Args` of `segments`, `stats`, `history`, `incidents`,
//! `export`, `locate`, `map`, `completions`, `manpage` and `validate`).

use std::path::PathBuf;

use bordertrack::crs::Crs;
use bordertrack::io::ColumnMapping;
use bordertrack::{CountryCode, Dyad, PartialDate, StatusFilter};
use clap::{Args, ValueEnum};

use super::{
    parse_country, parse_crs, parse_date, parse_distance, parse_dyad, parse_filter, parse_size,
    BasisArg, OutArgs, Step, WhenArgs,
};

/// The segments a command answers about: the date, a dyad, status or regime words and a
/// party's point of view (`segments`, `export`).
#[derive(Debug, Args)]
pub struct SelectArgs {
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
}

/// `segments` options.
#[derive(Debug, Args)]
pub struct SegmentsArgs {
    #[command(flatten)]
    pub select: SelectArgs,
    /// Write geometries in this coordinate reference system: EPSG:NNNN or a PROJ string
    /// ("+proj=utm +zone=42 +datum=WGS84"). Needs a build with the `proj` feature. Lengths
    /// stay geodesic on WGS84.
    #[arg(long, value_name = "CRS", value_parser = parse_crs)]
    pub crs: Option<Crs>,
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
    /// Answer as this party (ISO alpha-3) held it, as `segments --pov` does: where the
    /// dataset's claims.geojson records its view of a segment at the date, that view's
    /// delimitation (and its own line and length, if it drew one) replace the dataset's.
    #[arg(long, value_name = "CODE", value_parser = parse_country)]
    pub pov: Option<CountryCode>,
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
    /// unknown. Regimes (regimes.csv) at the incident's date: fenced, mined, open_crossing,
    /// closed_crossing; with a regime word the incident's stretch is the nearest one within
    /// reach, whatever its status.
    #[arg(long, value_name = "WORD,...", value_parser = crate::on::parse_on)]
    pub on: Option<crate::on::OnWords>,
    /// Distance from the line within which an incident counts as on it, before its own
    /// location precision is added: a number with unit m, km, mi or nmi (plain number =
    /// metres).
    #[arg(long, value_name = "DIST", default_value = "1km", value_parser = parse_distance)]
    pub within: f64,
    /// Match every incident to its nearest segment, whatever the distance (distance to the
    /// border as a covariate), instead of looking within --within (the two cannot be given
    /// together). --dyad, --on and a row's own dyad choose among the segments: the nearest of
    /// those that pass. The certainty is `possible` and `alternatives` lists the other
    /// segments when one of them may truly be nearer, given the incident's and the segments'
    /// precision (or when the status is not sure over the incident's dates).
    #[arg(long, conflicts_with = "within")]
    pub nearest: bool,
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
    /// Put this before the name of each column the classification adds (segment_id, dyad,
    /// ..., date_end), for a table that has a column of the same name (e.g. bt_).
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub prefix: String,
    /// Which of FILE's columns hold the id, date, latitude and longitude, for a table whose
    /// names are not id, date, lat/latitude and lon/lng/longitude: e.g.
    /// id=event,date=when,lat=y,lon=x. The table is then read in the plain layout.
    #[arg(long, value_name = "ROLE=COLUMN,...", value_parser = parse_mapping, requires = "file")]
    pub columns: Option<ColumnMapping>,
    /// The feature table of a GeoPackage FILE to read, for a GeoPackage that has several
    /// (the only one is read without it).
    #[arg(long, value_name = "NAME", requires = "file")]
    pub layer: Option<String>,
    /// FILE's column of the incident ids (as id= in --columns).
    #[arg(long, value_name = "COLUMN", requires = "file")]
    pub id_col: Option<String>,
    /// FILE's column of the dates (as date= in --columns).
    #[arg(long, value_name = "COLUMN", requires = "file")]
    pub date_col: Option<String>,
    /// FILE's column of the latitudes, or of the northings with --input-crs (as lat= in
    /// --columns).
    #[arg(long, value_name = "COLUMN", requires = "file")]
    pub lat_col: Option<String>,
    /// FILE's column of the longitudes, or of the eastings with --input-crs (as lon= in
    /// --columns).
    #[arg(long, value_name = "COLUMN", requires = "file")]
    pub lon_col: Option<String>,
    #[command(flatten)]
    pub out: OutArgs,
}

/// Parses --columns.
fn parse_mapping(s: &str) -> Result<ColumnMapping, String> {
    s.parse()
}

/// `export` options.
#[derive(Debug, Args)]
#[command(
    mut_arg("dyad", |a| a.help(
        "Only this dyad (segments, status intervals, instruments, incidents; places that \
         belonged to one of its countries)"
    )),
    mut_arg("on", |a| a.help(
        "Only segments, status intervals or incidents whose status matches one of these words \
         (comma = or), as for `segments`; the regime words (fenced, mined, open_crossing, \
         closed_crossing) apply to the segments and incidents layers"
    )),
    mut_arg("pov", |a| a.help(
        "For the segments layer: answer as this party (ISO alpha-3) held it, as `segments \
         --pov` does"
    ))
)]
pub struct ExportArgs {
    /// The layer to write.
    #[arg(value_enum)]
    pub layer: LayerArg,
    /// The date, the dyad, the status or regime words and the point of view: as for
    /// `segments`, with the as-of date evaluating sovereignty too (places) and, for the status
    /// layer, keeping only the intervals in force on some day of it (default: every interval).
    #[command(flatten)]
    pub select: SelectArgs,
    /// For the incidents layer: the distance within which an incident counts as on a
    /// segment, as for `incidents`.
    #[arg(long, value_name = "DIST", default_value = "1km", value_parser = parse_distance)]
    pub within: f64,
    /// For the incidents layer: match every incident to its nearest segment whatever the
    /// distance, as for `incidents` (not with --within).
    #[arg(long, conflicts_with = "within")]
    pub nearest: bool,
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
    /// Aggregate counts of tallies.csv (no geometry).
    Tallies,
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
