//! The incident table a command reads (`incidents FILE`, `map --incidents FILE`): FILE, or
//! stdin for `-`, opened as an incident reader, with its columns named by `--columns` and the
//! `--*-col` options and its coordinates read in `--input-crs`; the reader's messages are put
//! in those options' words.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use bordertrack::crs::Reprojection;
use bordertrack::io::{ColumnMapping, IncidentReader, Layout};
use bordertrack::{DateSpan, Error, Problem};

use crate::args::IncidentsArgs;
use crate::output::say;
use crate::Failure;

/// An incident table being read, from a file or stdin.
pub type TableReader = IncidentReader<Box<dyn Read>>;

/// Opens FILE (`-` = stdin) as an incident reader: Parquet, GeoPackage (its feature table
/// `layer`, or its only one), FlatGeobuf and KML by their extensions, any other format by its
/// first bytes; a table's columns named by `mapping`.
pub fn open(
    path: &Path,
    layer: Option<&str>,
    mapping: &ColumnMapping,
) -> Result<TableReader, Error> {
    if let Some(layer) = layer {
        let gpkg = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("gpkg"));
        if !gpkg {
            return Err(Error::Request(format!(
                "--layer {layer:?} names a feature table of a GeoPackage, and {} is not a \
                 .gpkg file",
                path.display()
            )));
        }
        let name = path.display().to_string();
        return IncidentReader::from_geopackage(path, &name, Some(layer), mapping);
    }
    if path.as_os_str() == "-" {
        let stdin = Box::new(std::io::stdin().lock());
        return IncidentReader::from_reader_with_columns(stdin, "<stdin>", mapping);
    }
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let name = path.display().to_string();
    if bordertrack::io::is_parquet_path(path) {
        return IncidentReader::from_parquet_with_columns(file, &name, mapping);
    }
    if let Some(reader) = IncidentReader::from_feature_file(path, &name, mapping) {
        return reader;
    }
    let input: Box<dyn Read> = Box::new(file);
    let reader = IncidentReader::from_reader_with_columns(input, &name, mapping)?;
    if reader.layout() != Layout::GeoJson {
        return Ok(reader);
    }
    // A GeoJSON file is read twice: first to learn its features' properties.
    let again = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    reader.scan_properties(again)
}

/// Opens FILE for `incidents` as `args` say (its columns, `--input-crs`, `--check-ids`),
/// keeping only the incidents in `dates` when given; with the size of FILE when it is a
/// regular file (not a pipe or stdin), which lets the pipeline shrink its last blocks.
pub fn open_table(
    path: &Path,
    args: &IncidentsArgs,
    dates: Option<DateSpan>,
) -> Result<(TableReader, Option<u64>), Failure> {
    let r = open(path, args.layer.as_deref(), &args.column_mapping()?).map_err(|e| match e {
        // The input file, not the dataset, is at fault.
        Error::Invalid(problems) => {
            Failure::BadInput(problems.into_iter().map(in_options).collect())
        }
        Error::Request(message) => Failure::Usage(message),
        other => Failure::from(other),
    })?;
    let len_bytes = (path.as_os_str() != "-")
        .then(|| std::fs::metadata(path).ok())
        .flatten()
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.len());
    let r = with_input_crs(r, args)?.check_duplicate_ids(args.check_ids);
    let r = match dates {
        Some(range) => r.date_range(range),
        None => r,
    };
    Ok((r, len_bytes))
}

/// The library's words for a column mapping and a prefix, in the options that give them.
pub fn in_options(problem: Problem) -> Problem {
    let message = problem
        .message
        .replace(
            "with a column mapping: ",
            "with --columns (or --id-col, --date-col, --lat-col, --lon-col): --columns ",
        )
        .replace(
            "; name the one to read",
            "; name the one to read with --layer NAME",
        )
        .replace(
            "give the added columns a prefix",
            "give the added columns a prefix with --prefix (e.g. --prefix bt_)",
        );
    Problem { message, ..problem }
}

/// Applies `--input-crs`, and warns about a GeoJSON file's legacy `crs` member: honoured,
/// unless `--input-crs` names another CRS.
fn with_input_crs(reader: TableReader, args: &IncidentsArgs) -> Result<TableReader, Failure> {
    if let Some(declared) = reader.declared_crs() {
        let name = reader.name();
        match &args.input_crs {
            Some(given) if given != declared => say!(
                "bordertrack: warning: {name}: the file's \"crs\" member says {declared}; \
                 reading its coordinates in {given} as --input-crs says"
            ),
            Some(_) => {}
            None => say!(
                "bordertrack: warning: {name}: reading the coordinates in {declared}, which the \
                 file names in its \"crs\" member (RFC 7946 removed that member: GeoJSON is \
                 WGS84 longitude/latitude; give --input-crs to override)"
            ),
        }
    }
    let Some(crs) = &args.input_crs else {
        return Ok(reader);
    };
    let reprojection =
        Reprojection::new(crs.clone()).map_err(|e| Failure::Usage(format!("--input-crs: {e}")))?;
    Ok(reader.input_crs(reprojection))
}
