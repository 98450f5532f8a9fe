//! Integration tests of the `bordertrack` command and of dataset loading, in one test binary.
//!
//! - `cli`: every command through the binary on small fixture datasets.
//! - `incidents`: `incidents` and `locate` on the embedded and synthetic datasets.
//! - `embed`: the library pipeline embedded through the façade gives the command's output.
//! - `export`: `bordertrack export` of every layer.
//! - `dataset_errors`: the library's problem lists, unreadable files, fuzzing regressions.
//! - `spatial`: the geodesic index against a brute-force oracle and GeographicLib values.
//! - `bad_inputs`: the catalogue of broken datasets in `tests/fixtures/bad/`, each with the
//!   exact lines `bordertrack validate` must print.
//! - `readme`: every sample in the README's tour, run and compared with what it shows.
//! - `bad_long_rows`: a row far longer than the default limit, skipped in bounded memory
//!   (this binary counts its allocations for it).
//! - `import`: `import polygons` on the synthetic country files of `tests/fixtures/import/`.
//! - `import_datasets`: `init` and the importers writing whole datasets, on real excerpts.
//! - `bad_incidents`: the catalogue of broken incident tables in
//!   `tests/fixtures/bad/incidents/`, each with the exact messages `bordertrack incidents`
//!   must print and its exit status.
//! - `crs` (with the `proj` feature): reprojection against PROJ's `cs2cs`, within 1 mm.
//! - `gdal` (with the `formats` feature): GDAL's `ogrinfo` opens every layer in every GIS
//!   format with the expected feature count, geometry type and field types.
//! - `layer_files` (with the `formats` feature): GeoParquet and KML read back with the
//!   `parquet` and `kml` crates: types, `geo` metadata, feature counts, styles, time spans.
//! - `crs_cli`: `--crs` and `--input-crs`, with the `proj` feature and without it.
//! - `crs_files` (with the `proj` and `formats` features): the CRS a GeoPackage, GeoParquet
//!   and FlatGeobuf in another CRS carry (PROJ's WKT and PROJJSON), as GDAL reads it.
//! - `parquet`: Parquet and GeoParquet incident tables (`tests/fixtures/parquet/`) give the
//!   CSV table's answers; their bad rows are reported by row number.
//! - `nearest`: nearest matches whatever the distance, against a brute-force geodesic oracle.
//! - `geodata`: what the embedded dataset must answer (published shares, incidents by date).
//! - `regimes_layers`: regime words in `incidents`, `history`, `stats` and `export`.
//! - `tallies`: `tallies.csv` and the `tallies` command.
//! - `coverage`: the `coverage` command on the tiny and embedded datasets.
//! - `diff`: `diff --from --to` on the tiny dataset.
//! - `round_trips` (with the `formats` and `parquet` features): the output of `incidents` in
//!   every point format it reads, read back with all its columns and the same answers; typed
//!   Parquet columns keep their types; Parquet column mappings.

mod util;

mod bad_incidents;
mod bad_inputs;
mod bad_long_rows;
mod cli;
mod columns;
mod coverage;
#[cfg(feature = "proj")]
mod crs;
mod crs_cli;
#[cfg(all(feature = "proj", feature = "formats"))]
mod crs_files;
mod dataset_errors;
mod diff;
mod embed;
mod export;
#[cfg(feature = "formats")]
mod gdal;
mod geodata;
mod import;
mod import_datasets;
mod incidents;
#[cfg(feature = "formats")]
mod layer_files;
mod map;
mod nearest;
#[cfg(feature = "parquet")]
mod parquet;
mod places;
mod readme;
mod regimes;
mod regimes_layers;
#[cfg(all(feature = "formats", feature = "parquet"))]
mod round_trips;
mod spatial;
mod tallies;
