//! [`IncidentReader`]: opening an incident table and the streaming record iterator. Its
//! settings (row limit, duplicate ids, CRS, dates) are in the `settings` submodule; how the
//! format is recognised, and how each kind of input is stepped through, in the others.

mod blocks;
mod checks;
mod detect;
#[cfg(feature = "formats")]
mod feature_files;
mod features;
mod settings;
#[cfg(feature = "formats")]
pub use feature_files::is_feature_file_path;
#[cfg(feature = "parquet")]
mod typed_rows;

use std::collections::VecDeque;
use std::fs::File;
use std::io::{Chain, Cursor, Read};
use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use super::csv_source::IncidentCsv;
use super::geojson::GeoJsonSource;
use super::ids::SeenIds;
use super::layout::Layout;
use super::mapping::ColumnMapping;
use super::rows::Row;
use crate::{DateSpan, Error, Incident, Problem};

/// The bytes read ahead to detect the format, followed by the rest of the input.
pub(crate) type Input<R> = Chain<Cursor<Vec<u8>>, R>;

/// The longest CSV row read by default, in bytes: 16 MiB. A longer row is reported as a
/// problem and skipped (see [`IncidentReader::max_row_bytes`]).
pub const DEFAULT_MAX_ROW_BYTES: usize = 16 << 20;

/// A streaming reader of incident tables in any of the [`Layout`]s.
///
/// The format is detected from the first bytes: `{` starts GeoJSON, anything else is CSV
/// whose header names the layout. Rows are parsed one at a time by
/// [`records`](IncidentReader::records); memory stays flat whatever the size of the file,
/// apart from the optional duplicate-id check (see
/// [`check_duplicate_ids`](IncidentReader::check_duplicate_ids)). A CSV row longer than
/// [`DEFAULT_MAX_ROW_BYTES`] (16 MiB; see [`max_row_bytes`](IncidentReader::max_row_bytes))
/// is a problem for that row, skipped without being held in memory.
///
/// # Examples
/// ```
/// use bordertrack::io::{IncidentReader, Layout};
/// let csv = "id,date,lat,lon\nI1,2006-04,41.3,69.2\nI2,19/04/2006,41.3,69.2\n";
/// let mut reader = IncidentReader::from_reader(csv.as_bytes(), "mine.csv").unwrap();
/// assert_eq!(reader.layout(), Layout::Plain);
/// let rows: Vec<_> = reader.records().collect();
/// assert_eq!(rows[0].as_ref().unwrap().id, "I1");
/// assert_eq!(
///     rows[1].as_ref().unwrap_err().to_string(),
///     "mine.csv:3: date 19/04/2006 not understood (expected YYYY, YYYY-MM or YYYY-MM-DD)"
/// );
/// ```
pub struct IncidentReader<R: Read> {
    name: Arc<str>,
    layout: Layout,
    pub(super) source: Source<R>,
    /// Ids seen so far and where (line, or feature index), when duplicates are checked.
    seen: Option<SeenIds>,
    /// CSV rows converted but not yet yielded by [`records`](IncidentReader::records).
    queue: VecDeque<Row>,
    done: bool,
    /// Whether reading ended at an error before the end of the input.
    failed: bool,
    /// The longest CSV row read, in bytes.
    max_row_bytes: usize,
    /// The CRS of a CSV table's coordinates, when not WGS84.
    input_crs: Option<crate::crs::Reprojection>,
    /// The dates kept, and the count of incidents left out for falling outside them.
    dates: Option<(DateSpan, Arc<AtomicU64>)>,
}

pub(super) enum Source<R: Read> {
    Csv(Box<IncidentCsv<R>>),
    GeoJson(Box<GeoJsonSource<R>>),
    #[cfg(feature = "parquet")]
    Parquet(Box<super::parquet::ParquetSource>),
    #[cfg(feature = "formats")]
    Features(Box<super::feature_table::FeatureTable>),
}

impl IncidentReader<File> {
    /// Opens a file; its path, as given, names it in messages. A file whose name ends in
    /// `.parquet` or `.geoparquet` is read as Parquet (see
    /// [`IncidentReader::from_parquet`]); any other is detected from its first bytes, and a
    /// GeoJSON file is read twice, the first time to learn its features' properties
    /// ([`IncidentReader::scan_properties`]).
    pub fn from_path(path: impl AsRef<Path>) -> Result<IncidentReader<File>, Error> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let name = path.display().to_string();
        #[cfg(feature = "parquet")]
        if is_parquet_path(path) {
            return IncidentReader::from_parquet(file, &name);
        }
        #[cfg(feature = "formats")]
        if let Some(reader) =
            IncidentReader::from_feature_file(path, &name, &ColumnMapping::default())
        {
            return reader;
        }
        let reader = IncidentReader::from_reader(file, &name)?;
        if reader.layout() != Layout::GeoJson {
            return Ok(reader);
        }
        let again = File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        reader.scan_properties(again)
    }
}

/// Whether `path` names a Parquet file by its extension (`.parquet` or `.geoparquet`, in any
/// case).
///
/// # Examples
/// ```
/// use bordertrack::io::is_parquet_path;
/// assert!(is_parquet_path("events.GeoParquet".as_ref()));
/// assert!(!is_parquet_path("events.csv".as_ref()));
/// ```
pub fn is_parquet_path(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("geoparquet"))
}

impl<R: Read> IncidentReader<R> {
    /// Detects the format of `input` and reads its header (or, for GeoJSON, everything up to
    /// the first feature). `name` names the input in messages.
    ///
    /// # Errors
    /// [`Error::Io`] when reading fails; [`Error::Invalid`] with a [`Problem`] naming the file
    /// and line when the input is empty, has no usable header (not UTF-8, duplicate or missing
    /// required columns, unknown layout) or is not a GeoJSON FeatureCollection.
    pub fn from_reader(input: R, name: &str) -> Result<IncidentReader<R>, Error> {
        IncidentReader::from_reader_with_columns(input, name, &ColumnMapping::default())
    }

    /// [`IncidentReader::from_reader`] with the columns of the id, date and position named by
    /// `mapping`: a CSV table is then read in the plain layout, with the mapped columns
    /// standing for `id`, `date`, `lat` and `lon` (see [`ColumnMapping`]).
    ///
    /// # Errors
    /// As [`IncidentReader::from_reader`], and [`Error::Invalid`] when a mapped column is not
    /// in the header.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::io::{ColumnMapping, IncidentReader};
    /// let csv = "event,when,x,y\nE1,2006-04-19,69.2,41.3\n";
    /// let mapping: ColumnMapping = "id=event,date=when,lat=y,lon=x".parse()?;
    /// let mut reader = IncidentReader::from_reader_with_columns(csv.as_bytes(), "in.csv", &mapping)?;
    /// let incident = reader.records().next().unwrap()?;
    /// assert_eq!((incident.id.as_str(), incident.point.y()), ("E1", 41.3));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_reader_with_columns(
        input: R,
        name: &str,
        mapping: &ColumnMapping,
    ) -> Result<IncidentReader<R>, Error> {
        let (layout, source) = detect::open_source(input, name, mapping)?;
        Ok(IncidentReader::new(name, layout, source))
    }

    /// The table's own columns, in order, which each incident read carries in
    /// [`Incident::values`](crate::Incident::values) and the classification writes back out:
    /// every column of a CSV table (as text, named as in its header) or of a Parquet table
    /// (with its type: see [`IncidentReader::from_parquet`]) or the properties of a GeoJSON
    /// input's features (see [`IncidentReader::scan_properties`]), except the classification
    /// columns of an earlier run, which a new run replaces. `None` for GeoJSON whose properties
    /// were not learnt (read once, as from a pipe), whose incidents carry no values: the
    /// classification then writes their `id`, `date`, `lat` and `lon`.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::io::IncidentReader;
    /// let csv = "ID,date,lat,lon,Notes\nA,2006,41.3,69.2,\" a note \"\n";
    /// let mut reader = IncidentReader::from_reader(csv.as_bytes(), "in.csv")?;
    /// let names: Vec<String> = reader.columns().unwrap().into_iter().map(|c| c.name.into()).collect();
    /// assert_eq!(names, ["ID", "date", "lat", "lon", "Notes"]);
    /// let incident = reader.records().next().unwrap()?;
    /// assert_eq!(incident.values.get(4), Some(bordertrack::RowValue::Text(" a note ")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn columns(&self) -> Option<Vec<crate::report::Column>> {
        match &self.source {
            Source::Csv(src) => Some(
                src.header
                    .carried
                    .iter()
                    .map(|name| crate::report::Column {
                        name: name.clone().into(),
                        kind: crate::report::ColumnKind::Text,
                    })
                    .collect(),
            ),
            #[cfg(feature = "parquet")]
            Source::Parquet(src) => Some(src.carried.clone()),
            #[cfg(feature = "formats")]
            Source::Features(src) => Some(src.carried.clone()),
            Source::GeoJson(src) => src.header.as_ref().map(|h| h.carried.clone()),
        }
    }

    /// For a GeoJSON input, reads `again` (the same input, from its start) to learn its
    /// features' properties, so that each feature is then read as a row of them: every
    /// property is carried ([`IncidentReader::columns`]: in order of first appearance, whole
    /// numbers as integers, numbers as numbers, anything else as text; a feature without a
    /// property has no value there), and the id and date are found as in a CSV table's header
    /// (the plain layout and its aliases, ACLED, UCDP GED, or the mapping given when opening),
    /// the position being the geometry's. The properties of an earlier run's classification
    /// are not carried. [`IncidentReader::from_path`] does this itself. Other inputs are left
    /// as they are. Memory stays flat: one feature at a time.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the properties do not name an id and a date (the message names
    /// the properties found and suggests a mapping), when two names differ only by letter case,
    /// or when the mapping names a latitude or longitude (the position is the geometry).
    ///
    /// # Examples
    /// ```
    /// use bordertrack::io::IncidentReader;
    /// let json = r#"{"type":"FeatureCollection","features":[
    ///   {"type":"Feature","geometry":{"type":"Point","coordinates":[69.2,41.3]},
    ///    "properties":{"event_id_cnty":"KAZ1","event_date":"19 April 2006","time_precision":1,
    ///                  "geo_precision":1,"actor1":"Protesters"}}]}"#;
    /// let reader = IncidentReader::from_reader(json.as_bytes(), "in.geojson")?;
    /// let mut reader = reader.scan_properties(json.as_bytes())?;
    /// let names: Vec<String> = reader.columns().unwrap().into_iter().map(|c| c.name.into()).collect();
    /// assert_eq!(names, ["event_id_cnty", "event_date", "time_precision", "geo_precision", "actor1"]);
    /// let incident = reader.records().next().unwrap()?;
    /// assert_eq!((incident.id.as_str(), incident.precision_m), ("KAZ1", 5_000.0));
    /// assert_eq!(incident.values.get(2), Some(bordertrack::RowValue::Integer(1)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn scan_properties(mut self, again: impl Read) -> Result<IncidentReader<R>, Error> {
        if let Source::GeoJson(src) = &mut self.source {
            src.scan_properties(again).map_err(|msg| {
                Error::Invalid(vec![Problem::new(&*self.name, crate::Location::File, msg)])
            })?;
        }
        Ok(self)
    }

    /// Whether the table's own [columns](IncidentReader::columns) hold each incident's
    /// position, so that the output carries it without a geometry: `false` when the position
    /// comes from a geometry (GeoJSON, a GeoParquet geometry column) and no column of the
    /// table is named as a position (`lat`, `latitude`, `lon`, `longitude`, `lng`, `long`).
    /// An output without geometry then wants `lon` and `lat` columns added
    /// ([`IncidentLayer::schema_for`](crate::pipeline::IncidentLayer::schema_for)).
    pub fn position_in_columns(&self) -> bool {
        let named = || {
            self.columns().is_some_and(|own| {
                own.iter().any(|c| {
                    super::mapping::POSITION_NAMES.contains(&c.name.trim().to_lowercase().as_str())
                })
            })
        };
        match &self.source {
            Source::Csv(_) => true,
            #[cfg(feature = "parquet")]
            Source::Parquet(src) => !src.position_from_geometry() || named(),
            #[cfg(feature = "formats")]
            Source::Features(src) => !src.position_from_geometry() || named(),
            Source::GeoJson(_) => named(),
        }
    }

    /// Opens a Parquet file (the [`Layout::Parquet`] layout; needs the `parquet` feature).
    /// Its columns are recognised as a CSV header's are (the plain layout with its aliases,
    /// ACLED, UCDP GED; see [`IncidentReader::from_parquet_with_columns`] for a mapping), and a
    /// GeoParquet file's primary geometry column (WKB points) gives the position instead of
    /// latitude and longitude columns. Every other column is carried to the output
    /// ([`IncidentReader::columns`]): integers as integers, floating-point numbers as numbers,
    /// anything else as text (a timestamp in full, RFC 3339 in UTC); the geometry, its
    /// bounding-box covering and an earlier run's classification columns are not. To be
    /// converted, each value is read as the text a CSV cell would hold: numbers in full, a date
    /// or timestamp column as its (UTC) day, a null as an empty cell. The file is read one
    /// batch of a row group at a time, so memory does not grow with it. A bad row is a problem
    /// located by its row number, from 1 ([`Location::Row`](crate::Location::Row)). `name`
    /// names the file in messages.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the file is not Parquet, lacks a required column, has columns
    /// of a type that is not read (a list, a struct: all named), or GeoParquet metadata that is
    /// not understood (a geometry encoding other than WKB, a CRS without an EPSG code).
    #[cfg(feature = "parquet")]
    pub fn from_parquet(file: File, name: &str) -> Result<IncidentReader<R>, Error> {
        IncidentReader::from_parquet_with_columns(file, name, &ColumnMapping::default())
    }

    /// [`IncidentReader::from_parquet`] with the columns of the id, date and position named by
    /// `mapping`, as for CSV ([`IncidentReader::from_reader_with_columns`]). A mapped latitude
    /// or longitude is read from its column even in a GeoParquet file.
    ///
    /// # Errors
    /// As [`IncidentReader::from_parquet`], and [`Error::Invalid`] when a mapped column is not
    /// in the file.
    #[cfg(feature = "parquet")]
    pub fn from_parquet_with_columns(
        file: File,
        name: &str,
        mapping: &ColumnMapping,
    ) -> Result<IncidentReader<R>, Error> {
        let src = super::parquet::ParquetSource::open(file, mapping)
            .map_err(|msg| Error::Invalid(vec![Problem::new(name, crate::Location::File, msg)]))?;
        Ok(IncidentReader::new(
            name,
            Layout::Parquet,
            Source::Parquet(Box::new(src)),
        ))
    }

    /// A reader of `source`, with the default settings.
    pub(super) fn new(name: &str, layout: Layout, source: Source<R>) -> IncidentReader<R> {
        IncidentReader {
            name: Arc::from(name),
            layout,
            source,
            seen: Some(SeenIds::default()),
            queue: VecDeque::new(),
            done: false,
            failed: false,
            max_row_bytes: DEFAULT_MAX_ROW_BYTES,
            input_crs: None,
            dates: None,
        }
    }

    /// Whether reading ended at an error (a read error, broken CSV quoting or broken JSON
    /// structure) before the end of the input: the rows after it were not read.
    pub fn stopped_early(&self) -> bool {
        self.failed
    }

    /// The layout recognised from the header or first byte.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The name given to the input, as used in messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The incidents, one row or feature at a time: `Ok` for each good row, `Err` with the
    /// row's [`Problem`] (file, line or feature, every fault found in the row) for each bad
    /// one. A read error or broken JSON structure ends the iteration after one last `Err`.
    pub fn records(&mut self) -> Records<'_, R> {
        Records { reader: self }
    }

    fn next_record(&mut self) -> Option<Result<Incident, Problem>> {
        if matches!(self.source, Source::GeoJson(_)) {
            return self.next_feature();
        }
        #[cfg(feature = "parquet")]
        if !matches!(self.source, Source::Csv(_)) {
            return self.next_typed_row();
        }
        self.next_csv_record()
    }
}

/// The iterator returned by [`IncidentReader::records`].
pub struct Records<'a, R: Read> {
    reader: &'a mut IncidentReader<R>,
}

impl<R: Read> Iterator for Records<'_, R> {
    type Item = Result<Incident, Problem>;

    fn next(&mut self) -> Option<Self::Item> {
        self.reader.next_record()
    }
}

/// Added to the message of an error that ends the reading of a file.
pub(crate) const NOT_READ: &str = "reading stopped here: the rest of the file was not read";
