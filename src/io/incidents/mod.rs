//! Readers for incident tables brought by analysts: the dataset's own `incidents.csv` and
//! other plain CSV, ACLED exports, UCDP GED tables and GeoJSON points.
//!
//! [`IncidentReader`] detects the format from the first bytes and the header, then yields
//! one [`Incident`](crate::Incident) (or one [`Problem`](crate::Problem)) per row, streaming:
//! memory does not grow with the file.
//!
//! # Recognising the layout
//!
//! A file whose first non-blank byte is `{` is GeoJSON. Otherwise it is CSV: a UTF-8 byte
//! order mark is dropped, the delimiter is whichever of `,` `;` or tab occurs most often in
//! the header line (outside quotes), line ends may be LF or CRLF, and quoted fields may span
//! lines (problems are still reported at the physical line where the row starts, the header
//! being line 1). Header names are compared trimmed and case-insensitively; columns not listed
//! below are not interpreted, but every column is carried, as written, in each incident's
//! [`values`](crate::Incident::values) (see [`IncidentReader::columns`]); a repeated column
//! name is an error. A table that ends with the classification columns of an earlier run
//! ([`CLASSIFICATION_COLUMNS`](crate::pipeline::CLASSIFICATION_COLUMNS), under any prefix) is
//! read without them, and without the `WKT` geometry column that the same run put first when
//! it wrote CSV with WKT geometry (a `WKT` column in a table without an earlier run's columns
//! is the table's own, and carried). The layout is:
//!
//! - **ACLED** when there is an `event_id_cnty` column;
//! - **UCDP GED** when there is a `date_start` or `where_prec` column;
//! - **plain** otherwise, where `lat` may also be named `latitude`, and `lon` `longitude`,
//!   `lng` or `long`; a [`ColumnMapping`] names other columns for the id, date and position
//!   (and reads the table in the plain layout).
//!
//! # Plain
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `id` | yes | unique, not empty |
//! | `date` | yes | `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; a year or month means every day in it |
//! | `lat`, `lon` | yes | WGS84 degrees |
//! | `precision_m` | no | metres, ≥ 0; empty means exact (0) |
//! | `kind`, `summary` | no | free text |
//! | `fatalities` | no | whole number ≥ 0; empty means not reported |
//! | `source_id` or `source` | no | an id in `sources.csv`, or free text |
//!
//! # ACLED
//!
//! Columns (of ACLED's many, in any order): `event_id_cnty` → id, `event_date`,
//! `time_precision`, `latitude`, `longitude`, `geo_precision` (all required), `event_type` →
//! kind, `notes` → summary, `fatalities`, `source`.
//!
//! `event_date` is read as `2006-04-19` (the API), `19 April 2006` (the export tool),
//! `19-April-2006` or `19-Apr-2006` (spreadsheet re-saves) or `19-04-2006` (day first, the
//! `dd-mm-yyyy` the codebook names). `19/04/2006` is rejected: spreadsheets rewrite slashed
//! dates month-first in some locales, so the order cannot be trusted.
//!
//! The codes follow the ACLED Codebook (Armed Conflict Location & Event Data Project,
//! <https://acleddata.com/knowledge-base/codebook/>, sections "Time precision" and
//! "Geo-precision"):
//!
//! | `time_precision` | codebook | span used |
//! |---|---|---|
//! | 1 | the source gives the actual date | that day |
//! | 2 | sometime during a week or similar period; a date in it is coded | `event_date` − 3 days ..= + 3 days (assumes the coded date is mid-period) |
//! | 3 | sometime during a month; the month's middle (or first/last day) is coded | the calendar month of `event_date` |
//!
//! | `geo_precision` | codebook | `precision_m` |
//! |---|---|---|
//! | 1 | a particular town, with coordinates for it | 5 000 |
//! | 2 | near a town, or a small part of a region; coded to a town representing the area | 25 000 |
//! | 3 | a larger region; coded to a natural feature or the provincial capital | 100 000 |
//!
//! The codebook gives no distances; the metres are this crate's choices. 5 km covers the
//! extent of most towns from their coordinate point; 25 km matches the "within 25 km" that
//! UCDP uses for the comparable code; 100 km is a nominal radius for a province-sized area
//! and can be exceeded in large provinces (Kazakhstan's regions are several hundred km
//! across), so code-3 events are best treated as placed only to their region.
//!
//! # UCDP GED
//!
//! Columns: `id`, `date_start`, `date_end`, `latitude`, `longitude`, `where_prec` (all
//! required), `best` → fatalities, `type_of_violence` → kind (`1` state-based conflict, `2`
//! non-state conflict, `3` one-sided violence), `where_description` → summary,
//! `source_article` → source. The date span is `date_start ..= date_end` (each `YYYY-MM-DD`,
//! optionally followed by a time such as `00:00:00.000`, which is dropped); an end before the
//! start is an error. `date_prec` is not needed, since the two dates already bound the span.
//!
//! `where_prec` follows the UCDP GED Codebook (Uppsala Conflict Data Program,
//! <https://ucdp.uu.se/downloads/>):
//!
//! | `where_prec` | codebook | `precision_m` |
//! |---|---|---|
//! | 1 | exact location | 1 000 |
//! | 2 | within about 25 km of a known point | 25 000 |
//! | 3 | a second-order administrative division (district), at its centroid | 50 000 |
//! | 4 | a first-order administrative division (province), at its centroid | 150 000 |
//! | 5 | a larger part of a country, between two places, or vaguely located | 300 000 |
//! | 6 | the whole country, at its centroid | row rejected |
//! | 7 | international waters or airspace | row rejected |
//!
//! Codes 6 and 7 give no position to test against a border (a country centroid says nothing
//! about which border, if any), so such rows are reported as problems ("too coarse to place")
//! rather than read with a made-up radius. 1 km for code 1 allows for village extent; 50 and
//! 150 km are nominal district and province radii; 300 km is nominal for code 5.
//!
//! # GeoJSON
//!
//! A FeatureCollection, or a GeoJSON text sequence (RFC 8142: features after record
//! separators, or one feature a line, recognised by a first line that is a whole `Feature`
//! object), whose features are Points (`[lon, lat]`; a third or fourth coordinate is dropped).
//! Read once ([`IncidentReader::from_reader`]), the properties read are `id` (string or
//! number; the feature's own `id` is used when absent), `date` (as in plain CSV),
//! `precision_m`, `kind`, `summary`, `fatalities` and `source_id` (or `source`), and the
//! incidents carry no values. After [`IncidentReader::scan_properties`] (which
//! [`IncidentReader::from_path`] does), the properties are the table's columns: each feature is
//! read as a CSV row of them (any layout, aliases, a [`ColumnMapping`] of the id and date), its
//! position from its geometry, and every property is carried, typed. A null or non-Point
//! geometry is a problem for that feature, reported as `feature N (id "…")`, and so is a
//! feature with a value that cannot be read (a number beyond a float, a lone surrogate escape)
//! or that is not an object: the features after it are read. Ids are kept exactly as written
//! (`1.5e3` stays `1.5e3`). Features are parsed one at a time: memory holds one feature, not
//! the collection.
//!
//! # Parquet
//!
//! With the `parquet` feature, [`IncidentReader::from_parquet`] (and
//! [`IncidentReader::from_path`] for a name ending in `.parquet` or `.geoparquet`) reads a
//! Parquet file whose columns are recognised as a CSV header's are (any layout, the aliases,
//! a [`ColumnMapping`] through [`IncidentReader::from_parquet_with_columns`]), or the points
//! of a GeoParquet file's primary geometry column (WKB) in place of the latitude and
//! longitude. Each value is read as the text a CSV cell would hold (a date or timestamp as its
//! UTC day, a null as empty) and converted by the same rules, so the same row gives the same
//! incident or problem in either format. Every column but the geometry, its `bbox` covering
//! and an earlier run's classification is carried, with its type: integers as integers,
//! floating-point numbers as numbers, anything else as text (a timestamp in full, RFC 3339).
//! Rows are read one batch of a row group at a time and their problems are located by row
//! number, from 1 ([`Location::Row`](crate::Location::Row)).
//!
//! # GeoPackage, FlatGeobuf and KML
//!
//! With the `formats` feature, [`IncidentReader::from_geopackage`] (a feature table of points)
//! and [`IncidentReader::from_flatgeobuf`] (and [`IncidentReader::from_path`] for a name ending
//! in `.gpkg` or `.fgb`) read the file's declared columns as a Parquet table's are (any layout,
//! the aliases, a [`ColumnMapping`], an earlier run's classification left out, types kept), each
//! feature's point giving the position in the file's CRS (an EPSG code; WGS84 for 4326 or
//! none). A feature with no geometry, an empty point or another geometry is a problem located by
//! its index from 0 ([`Location::Feature`](crate::Location::Feature)).
//! [`IncidentReader::from_kml`] (a name ending in `.kml`, or `.kmz` for KML zipped) reads a KML
//! document's placemarks the same way, their `ExtendedData` as the columns typed by the
//! document's `Schema`, in WGS84; the document is parsed whole, so memory grows with it.
//!
//! In every format with geometries (GeoJSON, GeoPackage, FlatGeobuf, KML), a MultiPoint of one
//! point (in KML, a `MultiGeometry` of one `Point`) is read as that point, as programs that
//! write every point layer as MultiPoint make them; one of several points is a problem for its
//! feature.
//!
//! # Problems
//!
//! Fatal problems (empty file, header not UTF-8, duplicate or missing required column,
//! unrecognised header, top-level JSON that is not a FeatureCollection) are returned by
//! [`IncidentReader::from_reader`] as [`Error::Invalid`](crate::Error::Invalid). Problems in a
//! row are yielded in its place and reading continues; each names the file and line (or
//! feature) and lists every fault found in the row. Bytes that are not UTF-8 in a field that
//! is read are a problem for that row only. A CSV row longer than
//! [`DEFAULT_MAX_ROW_BYTES`] (16 MiB, or the limit set with
//! [`IncidentReader::max_row_bytes`]) is a problem for that row, read through without being
//! kept. A read error, or broken JSON structure, ends the stream after one last problem.
//!
//! Duplicate ids are reported (as a problem on the later row, naming the line of the first)
//! by default; this keeps every id in memory, see
//! [`IncidentReader::check_duplicate_ids`].
//!
//! The same rules, for users, are in the README section "Incident table formats".

mod codes;
mod convert;
mod csv_source;
#[cfg(feature = "formats")]
mod feature_table;
pub(crate) mod fields;
#[cfg(feature = "formats")]
mod flatgeobuf;
mod geojson;
mod geojson_props;
#[cfg(feature = "formats")]
mod geopackage;
mod ids;
#[cfg(feature = "formats")]
mod kml;
#[cfg(feature = "formats")]
mod kml_scan;
#[cfg(feature = "formats")]
mod kmz;
mod layout;
mod mapping;
#[cfg(feature = "parquet")]
mod parquet;
mod reader;
mod record_fields;
mod rows;
#[cfg(test)]
mod tests;
#[cfg(any(feature = "parquet", feature = "formats"))]
mod text_row;
#[cfg(any(feature = "parquet", feature = "formats"))]
mod wkb;

pub(crate) use convert::blank_incident;
pub(crate) use fields::shown;
pub use layout::Layout;
pub(crate) use layout::{Columns, Fields};
pub use mapping::ColumnMapping;
#[cfg(feature = "formats")]
pub use reader::is_feature_file_path;
pub use reader::{is_parquet_path, IncidentReader, Records, DEFAULT_MAX_ROW_BYTES};
pub(crate) use rows::{Block, Row, RowParser};
