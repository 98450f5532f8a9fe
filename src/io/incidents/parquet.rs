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
use arrow_array::{AnyDictionaryArray, Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;

use super::convert::blank_incident;
use super::layout::{Columns, Fields};
use super::mapping::{self, ColumnMapping};
use crate::crs::{Crs, Reprojection};
use crate::report::{Column, ColumnKind};
use crate::{Incident, RowValues};

/// Rows converted per batch read from a row group.
const BATCH_ROWS: usize = 8192;

/// One row: its number (from 1), and its incident or what is wrong with it.
pub(super) type ParquetRow = (u64, Result<Incident, String>);

/// An open Parquet file, read batch by batch.
pub(crate) struct ParquetSource {
    batches: ParquetRecordBatchReader,
    /// The layout's columns over [`ParquetSource::names`].
    columns: Columns,
    /// The names the row's text fields go by: the table's own columns, in order, then the
    /// geometry's latitude and longitude when the position comes from it.
    names: Vec<String>,
    /// The table's own columns (all but the geometry, its covering, and an earlier run's
    /// classification), as carried to the output: their names as written and kinds.
    pub(super) carried: Vec<Column>,
    /// The batch column of each of the table's own columns, in order.
    own: Vec<usize>,
    /// The batch column of WKB points (GeoParquet), when the position comes from it.
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
    values: RowValues,
    incident: Incident,
}

impl ParquetSource {
    /// Reads the file's footer and schema, and recognises the layout of its columns as a CSV
    /// header's would be (with `mapping`). `Err` is a message about the file as a whole,
    /// listing every column that cannot be read.
    pub(crate) fn open(file: File, mapping: &ColumnMapping) -> Result<ParquetSource, String> {
        let builder = ParquetRecordBatchReaderBuilder::try_new(file)
            .map_err(|e| format!("not a readable Parquet file: {e}"))?;
        let geo = geo_metadata(&builder)?;
        let schema = builder.schema().clone();
        // The geometry column gives the position unless the mapping names columns for it.
        let use_geometry = mapping.lat.is_none() && mapping.lon.is_none();
        let mut geometry_field = None;
        let mut candidates: Vec<usize> = Vec::new();
        for (i, field) in schema.fields().iter().enumerate() {
            let is_geometry = geo.as_ref().is_some_and(|g| &g.column == field.name());
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
                geometry_field = Some(i);
                continue;
            }
            // GeoParquet 1.1's bounding-box covering of the geometry.
            let covering = geo
                .as_ref()
                .is_some_and(|g| g.covering.as_deref() == Some(field.name()));
            if !covering {
                candidates.push(i);
            }
        }
        if geo.is_some() && geometry_field.is_none() {
            return Err(
                "the GeoParquet metadata names a geometry column that is not in the file".into(),
            );
        }
        let normalised: Vec<String> = candidates
            .iter()
            .map(|&i| schema.field(i).name().trim().to_lowercase())
            .collect();
        let mut problems = Vec::new();
        for (k, name) in normalised.iter().enumerate() {
            if let Some(j) = normalised[..k].iter().position(|n| n == name) {
                problems.push(format!(
                    "column {name:?} appears more than once (columns {} and {})",
                    candidates[j] + 1,
                    candidates[k] + 1
                ));
            }
        }
        let own_count = mapping::own_column_count(&normalised);
        let own_fields = &candidates[..own_count];
        for &i in own_fields {
            let field = schema.field(i);
            if !readable_as_text(field.data_type()) {
                problems.push(format!(
                    "column {:?} is of type {}, which is not read (expected text, a number, a \
                     date or a timestamp)",
                    field.name(),
                    field.data_type()
                ));
            }
        }
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        let own_names = &normalised[..own_count];
        let geometry_field = geometry_field.filter(|_| use_geometry);
        let (columns, names) = match geometry_field {
            Some(_) => mapping::recognise_with_geometry(own_names, mapping)?,
            None => {
                let (columns, _) = mapping::recognise(own_names, mapping).map_err(|e| {
                    let hint = if geo.is_none() {
                        " (or GeoParquet point geometry)"
                    } else {
                        ""
                    };
                    format!("{e}{hint}")
                })?;
                (columns, own_names.to_vec())
            }
        };
        let carried = own_fields
            .iter()
            .map(|&i| carried_column(schema.field(i)))
            .collect();
        // The batches hold the projected columns in the file's order.
        let mut kept: Vec<usize> = own_fields.to_vec();
        kept.extend(geometry_field);
        kept.sort_unstable();
        let at = |i: usize| kept.iter().position(|&k| k == i).unwrap_or(usize::MAX);
        let own = own_fields.iter().map(|&i| at(i)).collect();
        let geometry = geometry_field.map(at);
        let mask = ProjectionMask::roots(builder.parquet_schema(), kept.iter().copied());
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
            carried,
            own,
            geometry,
            batch: None,
            rows: 0,
            declared_crs,
            reprojection,
            text: String::new(),
            spans: Vec::new(),
            values: RowValues::default(),
            incident: blank_incident(),
        })
    }

    /// Whether the position comes from the geometry column rather than the table's own.
    pub(crate) fn position_from_geometry(&self) -> bool {
        self.geometry.is_some()
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

    /// Row `row` of `batch` as an incident: its values as text, converted by the layout's
    /// rules, and carried with their types.
    fn convert(&mut self, batch: &RecordBatch, row: usize) -> ParquetRow {
        self.text.clear();
        self.spans.clear();
        self.values.clear();
        let mut geometry_error = None;
        for &i in &self.own {
            let Some(column) = batch.columns().get(i) else {
                continue;
            };
            let start = self.text.len();
            write_text(column.as_ref(), row, &mut self.text);
            self.spans.push(start..self.text.len());
            carry(column.as_ref(), row, &self.text[start..], &mut self.values);
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
            (Ok(()), None) => {
                let mut incident = self.incident.clone();
                incident.values.clone_from(&self.values);
                Ok(incident)
            }
            (Ok(()), Some(g)) => Err(g),
            (Err(e), None) => Err(e),
            (Err(e), Some(g)) => Err(format!("{g}; {e}")),
        };
        (self.rows, result)
    }
}

/// How a column of the file is carried to the output: integers as integers, floating-point
/// numbers as numbers, anything else (text, booleans, dates, timestamps) as text.
fn carried_column(field: &arrow_schema::Field) -> Column {
    let name = field.name().clone();
    let kind = match value_type(field.data_type()) {
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32 => ColumnKind::Integer,
        DataType::Float32 | DataType::Float64 => return Column::number(name),
        _ => ColumnKind::Text,
    };
    Column {
        name: name.into(),
        kind,
    }
}

/// The type of a column's values (a dictionary's values' type).
fn value_type(data_type: &DataType) -> &DataType {
    match data_type {
        DataType::Dictionary(_, values) => value_type(values),
        other => other,
    }
}

/// Appends value `row` of `array` to `values` as [`carried_column`] declares it, `text` being
/// its text as [`write_text`] wrote it: a null as no value, a timestamp in full (RFC 3339, UTC).
fn carry(array: &dyn Array, row: usize, text: &str, values: &mut RowValues) {
    if array.is_null(row) {
        values.push_empty();
        return;
    }
    match array.data_type() {
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32 => match text.parse::<i64>() {
            Ok(n) => values.push_integer(n),
            Err(_) => values.push_text(text),
        },
        // Through its shortest text, so that 41.3 stored as a 32-bit float stays 41.3.
        DataType::Float32 | DataType::Float64 => match text.parse::<f64>() {
            Ok(x) => values.push_float(x),
            Err(_) => values.push_text(text),
        },
        DataType::Timestamp(unit, _) => {
            let (v, per_second) = timestamp_at(array, row, unit);
            match jiff::Timestamp::from_nanosecond(
                i128::from(v) * i128::from(1_000_000_000 / per_second),
            ) {
                Ok(t) => values.push_text(&t.to_string()),
                Err(_) => values.push_text(text),
            }
        }
        DataType::Dictionary(_, _) => match array.as_any_dictionary_opt() {
            Some(dict) => match dictionary_key(dict, row) {
                Some(key) => carry(dict.values().as_ref(), key, text, values),
                None => values.push_empty(),
            },
            None => values.push_text(text),
        },
        _ => values.push_text(text),
    }
}

/// What the GeoParquet `geo` metadata says about the primary geometry column.
struct GeoColumn {
    column: String,
    /// The CRS, when not WGS84.
    crs: Option<Crs>,
    /// The column of its bounding-box covering (GeoParquet 1.1), when it has one.
    covering: Option<String>,
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
    let covering = described
        .and_then(|c| c.pointer("/covering/bbox/xmin/0"))
        .and_then(|c| c.as_str())
        .map(str::to_string);
    Ok(Some(GeoColumn {
        column,
        crs,
        covering,
    }))
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
            let (v, per_second) = timestamp_at(array, row, unit);
            push_day(out, v.div_euclid(86_400 * per_second));
        }
        DataType::Dictionary(_, _) => {
            if let Some(dict) = array.as_any_dictionary_opt() {
                if let Some(key) = dictionary_key(dict, row) {
                    write_text(dict.values().as_ref(), key, out);
                }
            }
        }
        _ => {}
    }
}

/// Appends `value`'s `Display` form.
/// Value `row` of a timestamp `array` in `unit`, and how many of that unit make a second.
fn timestamp_at(array: &dyn Array, row: usize, unit: &TimeUnit) -> (i64, i64) {
    match unit {
        TimeUnit::Second => (array.as_primitive::<TimestampSecondType>().value(row), 1),
        TimeUnit::Millisecond => (
            array.as_primitive::<TimestampMillisecondType>().value(row),
            1_000,
        ),
        TimeUnit::Microsecond => (
            array.as_primitive::<TimestampMicrosecondType>().value(row),
            1_000_000,
        ),
        TimeUnit::Nanosecond => (
            array.as_primitive::<TimestampNanosecondType>().value(row),
            1_000_000_000,
        ),
    }
}

/// The key of row `row` of a dictionary array: its index among the dictionary's values
/// (`None` for a null key, a row out of range or a negative key). Read from the keys array
/// itself: `normalized_keys` would convert every key of the batch for each row.
fn dictionary_key(dict: &dyn AnyDictionaryArray, row: usize) -> Option<usize> {
    let keys = dict.keys();
    if row >= keys.len() || keys.is_null(row) {
        return None;
    }
    let key = match keys.data_type() {
        DataType::Int8 => i64::from(keys.as_primitive::<Int8Type>().value(row)),
        DataType::Int16 => i64::from(keys.as_primitive::<Int16Type>().value(row)),
        DataType::Int32 => i64::from(keys.as_primitive::<Int32Type>().value(row)),
        DataType::Int64 => keys.as_primitive::<Int64Type>().value(row),
        DataType::UInt8 => i64::from(keys.as_primitive::<UInt8Type>().value(row)),
        DataType::UInt16 => i64::from(keys.as_primitive::<UInt16Type>().value(row)),
        DataType::UInt32 => i64::from(keys.as_primitive::<UInt32Type>().value(row)),
        DataType::UInt64 => i64::try_from(keys.as_primitive::<UInt64Type>().value(row)).ok()?,
        _ => return None,
    };
    usize::try_from(key).ok()
}

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
pub(super) fn wkb_point_of(bytes: &[u8]) -> Result<(f64, f64), String> {
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{DictionaryArray, StringArray, TimestampMillisecondArray};

    use super::*;
    use crate::model::RowValue;

    #[test]
    fn dictionary_values_are_read_by_their_row_key() {
        let keys = arrow_array::Int32Array::from(vec![Some(1), None, Some(0), Some(1)]);
        let values = Arc::new(StringArray::from(vec!["armed clash", "protest"]));
        let dict = DictionaryArray::<Int32Type>::try_new(keys, values).unwrap();
        let texts: Vec<String> = (0..4)
            .map(|row| {
                let mut out = String::new();
                write_text(&dict, row, &mut out);
                out
            })
            .collect();
        assert_eq!(texts, ["protest", "", "armed clash", "protest"]);
        let mut carried = RowValues::default();
        for (row, text) in texts.iter().enumerate() {
            carry(&dict, row, text, &mut carried);
        }
        assert_eq!(carried.get(1), Some(RowValue::Empty));
        assert_eq!(carried.get(3), Some(RowValue::Text("protest")));
    }

    #[test]
    fn timestamps_are_days_as_dates_and_instants_in_full_when_carried() {
        // 2006-04-19T12:00:00.005Z and one before the epoch (1969-12-31T23:00:00Z).
        let ms = TimestampMillisecondArray::from(vec![1_145_448_000_005, -3_600_000]);
        let mut day = String::new();
        write_text(&ms, 0, &mut day);
        assert_eq!(day, "2006-04-19");
        day.clear();
        write_text(&ms, 1, &mut day);
        assert_eq!(day, "1969-12-31");
        let mut carried = RowValues::default();
        carry(&ms, 0, "2006-04-19", &mut carried);
        assert_eq!(
            carried.get(0),
            Some(RowValue::Text("2006-04-19T12:00:00.005Z"))
        );
    }
}
