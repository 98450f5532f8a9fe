//! `bordertrack import KIND FILE`: make a dataset's `segments.geojson` from published boundary
//! data. One subcommand per kind of input; those giving whole dataset directories are in
//! [`super::import_lines`].

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use bordertrack::import::{import_polygons, PolygonImport};
use bordertrack::Error;
use clap::{Args, Subcommand};

use crate::args::OutArgs;
use crate::output::{say, Output};
use crate::Failure;

/// `import` subcommands, one per kind of input.
#[derive(Debug, Subcommand)]
pub enum ImportKind {
    /// Country polygons (GeoJSON or TopoJSON) to the lines neighbouring countries share.
    ///
    /// Each feature's ISO 3166-1 alpha-3 code is read from its properties (ISO_A3, ADM0_A3,
    /// A3, iso_a3, ...; ISO_N3) or its id (alpha-3, or ISO numeric as in world-atlas
    /// TopoJSON). A feature whose code cannot be determined is refused (listed on stderr,
    /// exit 1), or left out with --leave-out-uncoded; no code is ever invented. A border is
    /// where one country's outline runs within --tolerance of its neighbour's.
    #[command(after_help = "Examples:
  bordertrack import polygons map.geo.json --precision 100m --source-id geomaps-land-100m -o segments.geojson
  bordertrack import polygons countries-10m.json --tolerance 10m --precision 2km --source-id ne10m \\
      --leave-out-uncoded --involving KAZ,UZB,KGZ,TJK,TKM --cuts cuts.csv -o segments.geojson")]
    Polygons(PolygonsArgs),
    /// Natural Earth admin-0 boundary lines (GeoJSON) to a new dataset directory.
    ///
    /// Each line's FEATURECLA becomes its delimitation status from --date on (Disputed, Line
    /// of control, Claim boundary, Breakaway, Unrecognized: disputed; Indefinite,
    /// Indeterminant and Elusive frontier: undelimited; International boundary and the rest:
    /// unknown, since Natural Earth does not say whether a treaty delimits the line); each
    /// country's FCLASS_xx that differs becomes that country's claim (claims.geojson, asked
    /// with segments --pov). Every row cites Natural Earth.
    #[command(after_help = "Examples:
  bordertrack import natural-earth ne_10m_admin_0_boundary_lines_land.geojson --date 2022-05-12 \\
      --ne-version 5.1.1 -o ne-dataset
  bordertrack segments --data ne-dataset --on disputed")]
    NaturalEarth(super::import_lines::NaturalEarthArgs),
    /// The US State Department's Large Scale International Boundaries lines (GeoJSON) to a
    /// new dataset directory.
    ///
    /// CC1/CC2 are FIPS 10-4 codes (--codes fips: a built-in table of Central Asia and its
    /// neighbours) or GENC/ISO alpha-2 (--codes alpha2); other codes come from --code-map, and
    /// a code that cannot be mapped is refused with its name. STATUS "International Boundary"
    /// gives unknown delimitation (recognised, but no treaty is implied), "Other Line of
    /// International Separation" disputed; a LABEL or NOTES saying indefinite gives
    /// undelimited, disputed or line of control gives disputed; other words give unknown and
    /// are listed on stderr. Every row cites the LSIB.
    #[command(after_help = "Examples:
  bordertrack import lsib lsib-lines.geojson --date 2025-02-24 --lsib-version 11.4 --codes alpha2 -o lsib-dataset
  bordertrack import lsib LSIB7a.geojson --date 2013-03-08 --code-map fips.csv -o lsib-2013")]
    Lsib(super::import_lines::LsibArgs),
    /// Any GeoJSON boundary lines to a new dataset directory, through a column mapping.
    #[command(after_help = "Examples:
  bordertrack import geojson lines.geojson --map left=A3_L,right=A3_R,status=STATUS,date=SINCE \\
      --status-values Agreed=delimited,Claimed=disputed --precision 50m --source-id survey \\
      --source-title 'Border survey' --source-publisher 'A ministry' --source-url https://example.org -o my-dataset")]
    Geojson(super::import_lines::GeojsonArgs),
}

/// `import polygons` options.
#[derive(Debug, Args)]
pub struct PolygonsArgs {
    /// The country polygons: a GeoJSON FeatureCollection or a TopoJSON topology.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Where to cut the dyad lines into segments, and each segment's metadata (CSV
    /// dyad,part,to_lon,to_lat,id,name,extent,precision_m,source_id,note; see geodata/README.md).
    #[arg(long, value_name = "CSV")]
    pub cuts: Option<PathBuf>,
    /// Positional precision of the input's lines, written as precision_m where a cut row
    /// gives none (e.g. 100m for a 100 m resolution map).
    #[arg(long, value_name = "DIST", value_parser = crate::args::parse_distance)]
    pub precision: f64,
    /// How close one outline must run to the neighbour's to count as their shared border.
    #[arg(long, value_name = "DIST", default_value = "250m", value_parser = crate::args::parse_distance)]
    pub tolerance: f64,
    /// Longest gap bridged between pieces of one border where the two outlines part by more
    /// than --tolerance (two banks of a river, a reservoir, a sea crossing): along the first
    /// country's outline if that path is at most this long, else straight if at most this
    /// wide; 0 = none.
    #[arg(long, value_name = "DIST", default_value = "0m", value_parser = crate::args::parse_distance)]
    pub max_gap: f64,
    /// Leave out parts (continuous lines) shorter than this, listing them on stderr: slivers
    /// where simplified outlines brush each other, tiny islands or exclaves.
    #[arg(long, value_name = "DIST", default_value = "0m", value_parser = crate::args::parse_distance)]
    pub min_part: f64,
    /// Source id (in the dataset's sources.csv) written where a cut row gives none.
    #[arg(long, value_name = "ID")]
    pub source_id: String,
    /// Only dyads with at least one of these alpha-3 codes (comma-separated).
    #[arg(long, value_name = "CODE,...", value_delimiter = ',')]
    pub involving: Option<Vec<String>>,
    /// Leave out features whose country code cannot be determined (listed on stderr)
    /// instead of refusing the file.
    #[arg(long)]
    pub leave_out_uncoded: bool,
    /// Write the segments to FILE (atomically; never over an input) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Runs `import KIND`.
pub fn run(kind: &ImportKind) -> Result<(), Failure> {
    match kind {
        ImportKind::Polygons(a) => polygons(a),
        ImportKind::NaturalEarth(a) => super::import_lines::natural_earth(a),
        ImportKind::Lsib(a) => super::import_lines::lsib(a),
        ImportKind::Geojson(a) => super::import_lines::geojson(a),
    }
}

fn polygons(args: &PolygonsArgs) -> Result<(), Failure> {
    if let Some(codes) = &args.involving {
        if let Some(bad) = codes.iter().find(|c| !bordertrack::import::is_alpha3(c)) {
            return Err(Failure::Usage(format!(
                "--involving: {bad:?} is not an ISO 3166-1 alpha-3 code"
            )));
        }
    }
    let mut inputs: Vec<&Path> = vec![&args.file];
    if let Some(c) = &args.cuts {
        inputs.push(c);
    }
    let out_args = OutArgs {
        format: None,
        output: args.output.clone(),
    };
    // refuse an output over an input before the (possibly long) import
    drop(Output::open(&out_args, &inputs)?);
    let text = super::read_input(&args.file)?;
    let cuts_text = args.cuts.as_deref().map(super::read_input).transpose()?;
    let options = PolygonImport {
        tolerance_m: args.tolerance,
        max_gap_m: args.max_gap,
        min_part_m: args.min_part,
        precision_m: args.precision,
        source_id: args.source_id.clone(),
        involving: args
            .involving
            .as_ref()
            .map(|v| v.iter().cloned().collect::<BTreeSet<String>>()),
        leave_out_uncoded: args.leave_out_uncoded,
    };
    let file_name = args.file.display().to_string();
    let cuts_name = args.cuts.as_ref().map(|c| c.display().to_string());
    let cuts = cuts_text.as_deref().zip(cuts_name.as_deref());
    let imported = match import_polygons(&text, &file_name, cuts, &options) {
        Ok(i) => i,
        Err(Error::Invalid(problems)) => return Err(Failure::BadInput(problems)),
        Err(e) => return Err(e.into()),
    };
    for p in &imported.left_out {
        say!("{p}");
    }
    for (dyad, length_m, at) in &imported.short_parts {
        say!(
            "{}: {dyad} part of {:.2} km from ({}, {}) shorter than --min-part: left out",
            args.file.display(),
            length_m / 1000.0,
            at.x,
            at.y
        );
    }
    let mut out = Output::open(&out_args, &inputs)?;
    out.write_all(imported.to_geojson().as_bytes())?;
    out.commit()?;
    let dyads: BTreeSet<&str> = imported.segments.iter().map(|s| s.dyad.as_str()).collect();
    say!(
        "bordertrack: {} segments in {} dyads{}",
        imported.segments.len(),
        dyads.len(),
        if imported.left_out.is_empty() {
            String::new()
        } else {
            format!("; {} features left out", imported.left_out.len())
        }
    );
    Ok(())
}
