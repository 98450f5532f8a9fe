//! Parquet incident tables: plain columns, or GeoParquet points, read one batch of a row group
//! at a time.
//!
//! Each row's values are written out as the text a CSV cell would hold and converted by the
//! plain layout's rules ([`Columns`]), so a Parquet row and the same row in CSV give the same
//! incident, or the same problems.

use std::fs::File;
use std::ops::Range;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;

use super::convert::blank_incident;
use super::layout::{Columns, Fields};
use crate::crs::{Crs, Reprojection};
use crate::Incident;

/// Rows converted per batch read from a row group.
const BATCH_ROWS: usize = 8192;

/// The plain layout's columns, which are the only ones read.
const PLAIN_COLUMNS: [&str; 11] = [
    "id",
    "date",
    "lat",
    "lon",
    "precision_m",
    "kind",
    "summary",
    "fatalities",
    "source_id",
    "source",
    "dyad",
];

/// One row: its number (from 1), and its incident or what is wrong with it.
pub(super) type ParquetRow = (u64, Result<Incident, String>);

/// An open Parquet file, read batch by batch.
pub(crate) struct ParquetSource {
    batches: ParquetRecordBatchReader,
    /// The plain layout's columns over [`ParquetSource::names`].
    columns: Columns,
    /// The names the row's text fields go by: the columns read, in the batches' order, then
    /// `lat` and `lon` when the position comes from a geometry column.
    names: Vec<String>,
    /// The batch column of WKB points (GeoParquet), when there is one.
    geometry: Option<usize>,
    /// The batch being converted and the next row in it.
    batch: Option<(RecordBatch, usize)>,
    /// Rows handed out so far.
    rows: u64,
    /// The CRS named by the GeoParquet metadata, when not WGS84.
    pub(super) declared_crs: Option<Crs>,
    /// The conversion of coordinates to WGS84, when they are in another CRS.
    pub(super) reprojection: Option<Reprojection>,
    text: String,
    spans: Vec<Range<usize>>,
    incident: Incident,
}

impl ParquetSource {
    /// Reads the file's footer and schema. `Err` is a message about the file as a whole.
    pub(crate) fn open(file: File) -> Result<ParquetSource, String> {
        let builder = ParquetRecordBatchReaderBuilder::try_new(file)
            .map_err(|e| format!("not a readable Parquet file: {e}"))?;
        let geo = geo_metadata(&builder)?;
        let schema = builder.schema().clone();
        let mut kept: Vec<usize> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        let mut geometry = None;
        let classified = crate::pipeline::CLASSIFICATION_COLUMNS
            .iter()
            .all(|c| schema.fields().iter().any(|f| f.name() == c));
        for (i, field) in schema.fields().iter().enumerate() {
            let name = field.name().trim().to_lowercase();
            let is_geometry = geo.as_ref().is_some_and(|g| &g.column == field.name());
            // With a geometry column, the position is the geometry's, not lat/lon columns'.
            let position_column = geo.is_some() && (name == "lat" || name == "lon");
            if is_geometry {
                if !matches!(
                    field.data_type(),
                    DataType::Binary | DataType::LargeBinary | DataType::BinaryView
                ) {
                    return Err(format!(
                        "geometry column {:?} is {}, not WKB (binary)",
                        field.name(),
                        field.data_type()
                    ));
                }
                geometry = Some(kept.len());
                kept.push(i);
                continue;
            }
            // An earlier run's output: its `dyad` is the classification's answer, not the
            // incident's.
            let earlier_answer = name == "dyad" && classified;
            if !PLAIN_COLUMNS.contains(&name.as_str()) || position_column || earlier_answer {
                continue;
            }
            if names.contains(&name) {
                return Err(format!("column {name:?} appears more than once"));
            }
            if !readable_as_text(field.data_type()) {
                return Err(format!(
                    "column {:?} is of type {}, which is not read (expected text, a number, a \
                     date or a timestamp)",
                    field.name(),
                    field.data_type()
                ));
            }
            kept.push(i);
            names.push(name);
        }
        if geo.is_some() && geometry.is_none() {
            return Err(
                "the GeoParquet metadata names a geometry column that is not in the \
                        file"
                    .into(),
            );
        }
        if geometry.is_some() {
            names.push("lat".into());
            names.push("lon".into());
        }
        let columns = Columns::plain(&names).map_err(|e| {
            let hint = if geo.is_none() {
                " (or GeoParquet point geometry)"
            } else {
                ""
            };
            format!("{e}{hint}")
        })?;
        let mask = ProjectionMask::roots(builder.parquet_schema(), kept);
        let batches = builder
            .with_projection(mask)
            .with_batch_size(BATCH_ROWS)
            .build()
            .map_err(|e| format!("not a readable Parquet file: {e}"))?;
        let declared_crs = geo.and_then(|g| g.crs);
        let reprojection = match &declared_crs {
            Some(crs) => Some(
                Reprojection::new(crs.clone())
                    .map_err(|e| format!("the GeoParquet geometry's CRS: {e}"))?,
            ),
            None => None,
        };
        Ok(ParquetSource {
            batches,
            columns,
            names,
            geometry,
            batch: None,
            rows: 0,
            declared_crs,
            reprojection,
            text: String::new(),
            spans: Vec::new(),
            incident: blank_incident(),
        })
    }

    /// The next row; `Err` with the message when the file cannot be read on (which ends it).
    pub(crate) fn next_row(&mut self) -> Option<Result<ParquetRow, String>> {
        loop {
            if let Some((batch, at)) = &mut self.batch {
                if *at < batch.num_rows() {
                    let row = *at;
                    *at += 1;
                    let batch = batch.clone();
                    self.rows += 1;
                    return Some(Ok(self.convert(&batch, row)));
                }
            }
            match self.batches.next()? {
                Ok(batch) => self.batch = Some((batch, 0)),
                Err(e) => {
                    self.batch = None;
                    return Some(Err(format!("read error: {e}")));
                }
            }
        }
    }

    /// How many rows were handed out so far.
    pub(crate) fn rows_read(&self) -> u64 {
        self.rows
    }

    /// Row `row` of `batch` as an incident: its values as text, converted by the plain layout.
    fn convert(&mut self, batch: &RecordBatch, row: usize) -> ParquetRow {
        self.text.clear();
        self.spans.clear();
        let mut geometry_error = None;
        for (i, column) in batch.columns().iter().enumerate() {
            if Some(i) == self.geometry {
                continue;
            }
            let start = self.text.len();
            write_text(column.as_ref(), row, &mut self.text);
            self.spans.push(start..self.text.len());
        }
        if let Some(g) = self.geometry {
            let (lon, lat) = match batch.columns().get(g).map(|c| wkb_point(c.as_ref(), row)) {
                Some(Ok(p)) => p,
                Some(Err(e)) => {
                    geometry_error = Some(e);
                    (0.0, 0.0)
                }
                None => (0.0, 0.0),
            };
            for v in [lat, lon] {
                let start = self.text.len();
                push_display(&mut self.text, v);
                self.spans.push(start..self.text.len());
            }
        }
        let fields = Fields::new(self.text.as_bytes(), &self.spans);
        let converted = self.columns.incident_into(
            fields,
            &self.names,
            &mut self.incident,
            self.reprojection.as_ref(),
        );
        let result = match (converted, geometry_error) {
            (Ok(()), None) => Ok(self.incident.clone()),
            (Ok(()), Some(g)) => Err(g),
            (Err(e), None) => Err(e),
            (Err(e), Some(g)) => Err(format!("{g}; {e}")),
        };
        (self.rows, result)
    }
}

/// What the GeoParquet `geo` metadata says about the primary geometry column.
struct GeoColumn {
    column: String,
    /// The CRS, when not WGS84.
    crs: Option<Crs>,
}

/// The primary geometry column named by the file's `geo` metadata, if it has some.
fn geo_metadata(
    builder: &ParquetRecordBatchReaderBuilder<File>,
) -> Result<Option<GeoColumn>, String> {
    let metadata = builder.metadata().file_metadata().key_value_metadata();
    let Some(text) = metadata
        .into_iter()
        .flatten()
        .find(|kv| kv.key == "geo")
        .and_then(|kv| kv.value.as_deref())
    else {
        return Ok(None);
    };
    let geo: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| format!("the GeoParquet \"geo\" metadata is not JSON: {e}"))?;
    let column = geo
        .get("primary_column")
        .and_then(|c| c.as_str())
        .ok_or("the GeoParquet \"geo\" metadata has no \"primary_column\"")?
        .to_string();
    let described = geo.get("columns").and_then(|c| c.get(&column));
    let encoding = described
        .and_then(|c| c.get("encoding"))
        .and_then(|e| e.as_str());
    if let Some(encoding) = encoding.filter(|e| !e.eq_ignore_ascii_case("WKB")) {
        return Err(format!(
            "geometry column {column:?} is encoded as {encoding:?}; only WKB is read"
        ));
    }
    let crs = match described.and_then(|c| c.get("crs")) {
        // Absent means OGC:CRS84 (longitude, latitude on WGS84); null means unknown, which
        // is read as WGS84 too, as GeoParquet writers mostly mean it.
        None | Some(serde_json::Value::Null) => None,
        Some(crs) => projjson_crs(crs, &column)?,
    };
    Ok(Some(GeoColumn { column, crs }))
}

/// The CRS of a PROJJSON object (by its `id`) or a string; `None` for WGS84.
fn projjson_crs(crs: &serde_json::Value, column: &str) -> Result<Option<Crs>, String> {
    if let Some(s) = crs.as_str() {
        let crs: Crs = s
            .parse()
            .map_err(|e| format!("geometry column {column:?}: CRS {s:?}: {e}"))?;
        return Ok((!crs.is_wgs84()).then_some(crs));
    }
    let id = crs.get("id");
    let authority = id.and_then(|i| i.get("authority")).and_then(|a| a.as_str());
    let code = id.and_then(|i| i.get("code"));
    let code = code
        .and_then(|c| c.as_u64())
        .or_else(|| code.and_then(|c| c.as_str()).and_then(|c| c.parse().ok()));
    let name = crs.get("name").and_then(|n| n.as_str()).unwrap_or("");
    match (authority, code) {
        (Some("OGC"), _) if crs.to_string().contains("CRS84") => Ok(None),
        (Some("EPSG"), Some(4326)) => Ok(None),
        (Some("EPSG"), Some(code)) => {
            let code = u32::try_from(code).map_err(|_| {
                format!("geometry column {column:?}: EPSG code {code} out of range")
            })?;
            Ok(Some(Crs::epsg(code)))
        }
        _ => Err(format!(
            "geometry column {column:?}: its CRS ({}) is not named by an EPSG code or as \
             OGC:CRS84",
            if name.is_empty() {
                "without a name"
            } else {
                name
            }
        )),
    }
}

/// Whether values of `data_type` are written out as text by [`write_text`].
fn readable_as_text(data_type: &DataType) -> bool {
    match data_type {
        DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Boolean
        | DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64
        | DataType::Float32
        | DataType::Float64
        | DataType::Date32
        | DataType::Date64
        | DataType::Timestamp(_, _)
        | DataType::Null => true,
        DataType::Dictionary(_, values) => readable_as_text(values),
        _ => false,
    }
}

/// Appends value `row` of `array` as a CSV cell would hold it: empty for null, numbers in
/// full, dates (and timestamps, by their UTC date) as `YYYY-MM-DD`.
fn write_text(array: &dyn Array, row: usize, out: &mut String) {
    if array.is_null(row) {
        return;
    }
    match array.data_type() {
        DataType::Utf8 => out.push_str(array.as_string::<i32>().value(row)),
        DataType::LargeUtf8 => out.push_str(array.as_string::<i64>().value(row)),
        DataType::Utf8View => out.push_str(array.as_string_view().value(row)),
        DataType::Boolean => push_display(out, array.as_boolean().value(row)),
        DataType::Int8 => push_display(out, array.as_primitive::<Int8Type>().value(row)),
        DataType::Int16 => push_display(out, array.as_primitive::<Int16Type>().value(row)),
        DataType::Int32 => push_display(out, array.as_primitive::<Int32Type>().value(row)),
        DataType::Int64 => push_display(out, array.as_primitive::<Int64Type>().value(row)),
        DataType::UInt8 => push_display(out, array.as_primitive::<UInt8Type>().value(row)),
        DataType::UInt16 => push_display(out, array.as_primitive::<UInt16Type>().value(row)),
        DataType::UInt32 => push_display(out, array.as_primitive::<UInt32Type>().value(row)),
        DataType::UInt64 => push_display(out, array.as_primitive::<UInt64Type>().value(row)),
        DataType::Float32 => push_display(out, array.as_primitive::<Float32Type>().value(row)),
        DataType::Float64 => push_display(out, array.as_primitive::<Float64Type>().value(row)),
        DataType::Date32 => {
            push_day(
                out,
                i64::from(array.as_primitive::<Date32Type>().value(row)),
            );
        }
        DataType::Date64 => {
            let ms = array.as_primitive::<Date64Type>().value(row);
            push_day(out, ms.div_euclid(86_400_000));
        }
        DataType::Timestamp(unit, _) => {
            let (v, per_day) = match unit {
                TimeUnit::Second => (
                    array.as_primitive::<TimestampSecondType>().value(row),
                    86_400,
                ),
                TimeUnit::Millisecond => (
                    array.as_primitive::<TimestampMillisecondType>().value(row),
                    86_400_000,
                ),
                TimeUnit::Microsecond => (
                    array.as_primitive::<TimestampMicrosecondType>().value(row),
                    86_400_000_000,
                ),
                TimeUnit::Nanosecond => (
                    array.as_primitive::<TimestampNanosecondType>().value(row),
                    86_400_000_000_000,
                ),
            };
            push_day(out, v.div_euclid(per_day));
        }
        DataType::Dictionary(_, _) => {
            if let Some(dict) = array.as_any_dictionary_opt() {
                let keys = dict.normalized_keys();
                if let Some(&key) = keys.get(row) {
                    write_text(dict.values().as_ref(), key, out);
                }
            }
        }
        _ => {}
    }
}

/// Appends `value`'s `Display` form.
fn push_display(out: &mut String, value: impl std::fmt::Display) {
    use std::fmt::Write;
    let _ = write!(out, "{value}");
}

/// Appends the day `days` after 1970-01-01 as `YYYY-MM-DD`, or a description that the date
/// rules reject when it is outside the days that can be handled.
fn push_day(out: &mut String, days: i64) {
    let epoch = jiff::civil::Date::constant(1970, 1, 1);
    match jiff::Span::new()
        .try_days(days)
        .ok()
        .and_then(|span| epoch.checked_add(span).ok())
    {
        Some(day) => push_display(out, day),
        None => push_display(out, format_args!("day {days} after 1970-01-01")),
    }
}

/// The longitude and latitude of the WKB point at `row` of the geometry column.
fn wkb_point(array: &dyn Array, row: usize) -> Result<(f64, f64), String> {
    if array.is_null(row) {
        return Err("null geometry: an incident needs a Point".into());
    }
    let bytes = match array.data_type() {
        DataType::Binary => array.as_binary::<i32>().value(row),
        DataType::LargeBinary => array.as_binary::<i64>().value(row),
        DataType::BinaryView => array.as_binary_view().value(row),
        _ => return Err("geometry is not WKB".into()),
    };
    wkb_point_of(bytes)
}

/// The x and y of a WKB (or EWKB) point: `Err` naming what else it is.
fn wkb_point_of(bytes: &[u8]) -> Result<(f64, f64), String> {
    let truncated = || format!("geometry is not WKB ({} bytes, too short)", bytes.len());
    let (&order, rest) = bytes.split_first().ok_or_else(truncated)?;
    let little = match order {
        1 => true,
        0 => false,
        other => {
            return Err(format!(
                "geometry is not WKB (byte order {other}, expected 0 or 1)"
            ))
        }
    };
    let word = |at: usize, n: usize| -> Option<&[u8]> { rest.get(at..at + n) };
    let u32_at = |at: usize| {
        let b: [u8; 4] = word(at, 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let f64_at = |at: usize| {
        let b: [u8; 8] = word(at, 8)?.try_into().ok()?;
        Some(if little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    };
    let code = u32_at(0).ok_or_else(truncated)?;
    // EWKB flags: Z, M and an SRID that follows the type.
    let srid = code & 0x2000_0000 != 0;
    let base = (code & 0x0FFF_FFFF) % 1000;
    if base != 1 {
        let kind = match base {
            2 => "a LineString",
            3 => "a Polygon",
            4 => "a MultiPoint",
            5 => "a MultiLineString",
            6 => "a MultiPolygon",
            7 => "a GeometryCollection",
            _ => "not a known WKB type",
        };
        return Err(format!("geometry is {kind}; an incident needs a Point"));
    }
    let at = if srid { 8 } else { 4 };
    let (x, y) = f64_at(at).zip(f64_at(at + 8)).ok_or_else(truncated)?;
    if x.is_nan() && y.is_nan() {
        return Err("geometry is an empty Point".into());
    }
    Ok((x, y))
}
