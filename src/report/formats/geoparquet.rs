//! GeoParquet 1.1: Parquet with the geometry as WKB, a `bbox` covering column, and the `geo`
//! file metadata, written by row groups through the `parquet` crate's Arrow writer.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::sync::Arc;

use arrow_array::builder::{
    BinaryBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
};
use arrow_array::{ArrayRef, Float64Array, RecordBatch, StructArray};
use arrow_schema::{DataType, Field, Fields, Schema as ArrowSchema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

use super::features::Extent;
use super::invalid;
use super::kept::{kept_features, KeepFeatures, KeptValue};
use crate::crs::Crs;
use crate::report::{Batch, ColumnKind, FeatureEncoder, LayerSink, Schema};

/// The geometry column's name, as GeoPandas, GDAL and DuckDB name it.
const GEOMETRY_COLUMN: &str = "geometry";
/// The covering column of each geometry's bounding box.
const BBOX_COLUMN: &str = "bbox";
/// Rows per row group: what is held in memory before it is written, whatever the layer's size.
const ROW_GROUP_ROWS: usize = 65_536;
/// The version of the GeoParquet specification written.
const GEOPARQUET_VERSION: &str = "1.1.0";
/// WGS84 longitude/latitude (`OGC:CRS84`) in PROJJSON, as PROJ 9.1 writes it
/// (`projinfo -o PROJJSON -q OGC:CRS84`).
const CRS84_PROJJSON: &str = include_str!("crs84.projjson");

fn parquet_error(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("GeoParquet: {e}"))
}

/// Writes one layer as GeoParquet 1.1 (a plain Parquet table when the layer has no geometry).
///
/// - Columns: the layer's, typed `Utf8` (text), `Int64` (whole numbers), `Float64` (numbers)
///   and `Date32` (calendar days); then `geometry` (WKB, lines as multi-lines) and `bbox`, a
///   struct of `xmin`, `ymin`, `xmax`, `ymax` per feature that the `geo` metadata declares as
///   the geometry's bounding-box covering (so that readers can skip row groups by area).
/// - The `geo` file metadata: version 1.1.0, the primary column, WKB encoding, the geometry
///   types present, the layer's bounding box, and the CRS as PROJJSON: for WGS84 the
///   `OGC:CRS84` definition written out in full (the same CRS the specification assumes
///   when `crs` is missing, but named explicitly, never as a bare `EPSG:` code); for
///   another CRS, PROJ's PROJJSON of it (the `proj` cargo feature).
/// - A layer without geometry has neither the geometry columns nor `geo` metadata: a plain
///   Parquet table of its columns, since GeoParquet needs a geometry column.
///
/// Features are written in row groups of 65,536 rows, so memory stays flat however many
/// there are. The file is complete only after [`LayerSink::finish`], which writes the
/// metadata footer.
pub struct GeoParquetWriter<W: Write + Send> {
    writer: Option<ArrowWriter<W>>,
    /// The output, once the footer is written.
    out: Option<W>,
    schema: Schema,
    arrow_schema: SchemaRef,
    crs_projjson: Option<serde_json::Value>,
    geometry_types: BTreeSet<&'static str>,
    extent: Option<Extent>,
}

/// The PROJJSON of `crs`.
fn projjson(crs: &Crs) -> io::Result<serde_json::Value> {
    if crs.is_wgs84() {
        return serde_json::from_str(CRS84_PROJJSON).map_err(parquet_error);
    }
    let text = crs.projjson().map_err(invalid)?;
    serde_json::from_str(&text).map_err(parquet_error)
}

/// The Arrow builder of one of the layer's columns.
enum ColumnBuilder {
    Text(StringBuilder),
    Integer(Int64Builder),
    Float(Float64Builder),
    Date(Date32Builder),
}

impl ColumnBuilder {
    fn new(kind: &ColumnKind) -> ColumnBuilder {
        match kind {
            ColumnKind::Text | ColumnKind::Word => ColumnBuilder::Text(StringBuilder::new()),
            ColumnKind::Integer => ColumnBuilder::Integer(Int64Builder::new()),
            ColumnKind::Float { .. } => ColumnBuilder::Float(Float64Builder::new()),
            ColumnKind::Date => ColumnBuilder::Date(Date32Builder::new()),
        }
    }

    /// Appends `value`; gives it back if the column cannot hold it.
    fn append<'a>(&mut self, value: KeptValue<'a>) -> Result<(), KeptValue<'a>> {
        match (self, value) {
            (ColumnBuilder::Text(b), KeptValue::Empty) => b.append_null(),
            (ColumnBuilder::Integer(b), KeptValue::Empty) => b.append_null(),
            (ColumnBuilder::Float(b), KeptValue::Empty) => b.append_null(),
            (ColumnBuilder::Date(b), KeptValue::Empty) => b.append_null(),
            (ColumnBuilder::Text(b), KeptValue::Text(t)) => b.append_value(t),
            (ColumnBuilder::Text(b), KeptValue::Integer(n)) => b.append_value(n.to_string()),
            (ColumnBuilder::Text(b), KeptValue::Float(x)) => b.append_value(x.to_string()),
            (ColumnBuilder::Text(b), KeptValue::Date(d)) => b.append_value(d.to_string()),
            (ColumnBuilder::Integer(b), KeptValue::Integer(n)) => b.append_value(n),
            (ColumnBuilder::Float(b), KeptValue::Float(x)) if x.is_finite() => b.append_value(x),
            // NaN and infinities are no value.
            (ColumnBuilder::Float(b), KeptValue::Float(_)) => b.append_null(),
            // Whole numbers are numbers too.
            #[allow(clippy::cast_precision_loss)]
            (ColumnBuilder::Float(b), KeptValue::Integer(n)) => b.append_value(n as f64),
            (ColumnBuilder::Date(b), KeptValue::Date(d)) => {
                b.append_value(days_since_epoch(d).map_err(|_| value)?);
            }
            (_, other) => return Err(other),
        }
        Ok(())
    }

    fn finish(self) -> ArrayRef {
        match self {
            ColumnBuilder::Text(mut b) => Arc::new(b.finish()),
            ColumnBuilder::Integer(mut b) => Arc::new(b.finish()),
            ColumnBuilder::Float(mut b) => Arc::new(b.finish()),
            ColumnBuilder::Date(mut b) => Arc::new(b.finish()),
        }
    }
}

fn bbox_fields() -> Fields {
    ["xmin", "ymin", "xmax", "ymax"]
        .into_iter()
        .map(|n| Field::new(n, DataType::Float64, false))
        .collect()
}

/// Days from 1970-01-01 to `d` (Arrow's `Date32`).
fn days_since_epoch(d: jiff::civil::Date) -> io::Result<i32> {
    let epoch = jiff::civil::date(1970, 1, 1);
    d.since((jiff::Unit::Day, epoch))
        .map(|span| span.get_days())
        .map_err(parquet_error)
}

impl<W: Write + Send> GeoParquetWriter<W> {
    /// A writer of `schema`'s features, coordinates in `crs`, to `out`.
    ///
    /// # Errors
    /// `crs` is not WGS84 and PROJ cannot describe it (or this build has no PROJ), or the
    /// Parquet writer cannot start.
    pub fn new(out: W, schema: &Schema, crs: &Crs) -> io::Result<Self> {
        let mut fields: Vec<Field> = schema
            .columns
            .iter()
            .map(|c| {
                let data_type = match c.kind {
                    ColumnKind::Text | ColumnKind::Word => DataType::Utf8,
                    ColumnKind::Integer => DataType::Int64,
                    ColumnKind::Float { .. } => DataType::Float64,
                    ColumnKind::Date => DataType::Date32,
                };
                Field::new(c.name.as_ref(), data_type, true)
            })
            .collect();
        let crs_projjson = if schema.has_geometry {
            fields.push(Field::new(GEOMETRY_COLUMN, DataType::Binary, true));
            fields.push(Field::new(
                BBOX_COLUMN,
                DataType::Struct(bbox_fields()),
                true,
            ));
            Some(projjson(crs)?)
        } else {
            None
        };
        let arrow_schema = Arc::new(ArrowSchema::new(fields));
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_created_by(format!("bordertrack {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = ArrowWriter::try_new(out, arrow_schema.clone(), Some(properties))
            .map_err(parquet_error)?;
        Ok(GeoParquetWriter {
            writer: Some(writer),
            out: None,
            schema: schema.clone(),
            arrow_schema,
            crs_projjson,
            geometry_types: BTreeSet::new(),
            extent: None,
        })
    }

    /// The output, after [`LayerSink::finish`]; `None` if it failed.
    pub fn into_inner(self) -> Option<W> {
        self.out
    }

    /// The features of one batch as Arrow columns; notes the geometry types and the extent.
    fn record_batch(&mut self, bytes: &[u8]) -> io::Result<RecordBatch> {
        let mut columns: Vec<ColumnBuilder> = self
            .schema
            .columns
            .iter()
            .map(|c| ColumnBuilder::new(&c.kind))
            .collect();
        let mut geometry = BinaryBuilder::new();
        let mut corners: [Vec<f64>; 4] = Default::default();
        let mut present = Vec::new();
        for feature in kept_features(bytes) {
            let feature = feature?;
            for (i, (column, builder)) in self.schema.columns.iter().zip(&mut columns).enumerate() {
                let value = feature.values.get(i).copied().unwrap_or(KeptValue::Empty);
                builder.append(value).map_err(|value| {
                    invalid(format!(
                        "GeoParquet: column {} holds {value:?}, which is not a {:?}",
                        column.name, column.kind
                    ))
                })?;
            }
            if !self.schema.has_geometry {
                continue;
            }
            let extent = feature.geometry.and_then(|g| g.extent);
            match feature.geometry {
                Some(g) => {
                    self.geometry_types.insert(g.shape.name());
                    geometry.append_value(g.wkb);
                }
                None => geometry.append_null(),
            }
            if let Some(e) = extent {
                self.extent = Some(self.extent.map_or(e, |x| x.union(e)));
            }
            let e = extent.unwrap_or(Extent {
                min_x: 0.0,
                min_y: 0.0,
                max_x: 0.0,
                max_y: 0.0,
            });
            for (corner, value) in corners.iter_mut().zip([e.min_x, e.min_y, e.max_x, e.max_y]) {
                corner.push(value);
            }
            present.push(extent.is_some());
        }
        let mut arrays: Vec<ArrayRef> = columns.into_iter().map(ColumnBuilder::finish).collect();
        if self.schema.has_geometry {
            let children: Vec<ArrayRef> = corners
                .into_iter()
                .map(|c| Arc::new(Float64Array::from(c)) as ArrayRef)
                .collect();
            let bbox = StructArray::try_new(bbox_fields(), children, Some(present.into()))
                .map_err(parquet_error)?;
            arrays.push(Arc::new(geometry.finish()));
            arrays.push(Arc::new(bbox));
        }
        RecordBatch::try_new(self.arrow_schema.clone(), arrays).map_err(parquet_error)
    }

    /// The `geo` metadata of the features written.
    fn geo_metadata(&self, crs: &serde_json::Value) -> serde_json::Value {
        let mut column = serde_json::json!({
            "encoding": "WKB",
            "geometry_types": self.geometry_types.iter().collect::<Vec<_>>(),
            "crs": crs,
            "covering": {
                "bbox": {
                    "xmin": [BBOX_COLUMN, "xmin"],
                    "ymin": [BBOX_COLUMN, "ymin"],
                    "xmax": [BBOX_COLUMN, "xmax"],
                    "ymax": [BBOX_COLUMN, "ymax"],
                }
            },
        });
        if let Some(e) = self.extent {
            column["bbox"] = serde_json::json!([e.min_x, e.min_y, e.max_x, e.max_y]);
        }
        serde_json::json!({
            "version": GEOPARQUET_VERSION,
            "primary_column": GEOMETRY_COLUMN,
            "columns": { GEOMETRY_COLUMN: column },
        })
    }
}

impl<W: Write + Send> LayerSink for GeoParquetWriter<W> {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn encoder(&self) -> Arc<dyn FeatureEncoder> {
        Arc::new(KeepFeatures)
    }

    fn write_batch(&mut self, batch: &mut Batch) -> io::Result<()> {
        let rows = std::mem::take(&mut batch.rows);
        let bytes = std::mem::take(&mut batch.bytes);
        let records = (rows > 0).then(|| self.record_batch(&bytes)).transpose();
        // Hand the bytes back for reuse.
        batch.bytes = bytes;
        batch.bytes.clear();
        let Some(records) = records? else {
            return Ok(());
        };
        let Some(writer) = self.writer.as_mut() else {
            return Err(parquet_error("the layer is already finished"));
        };
        writer.write(&records).map_err(parquet_error)
    }

    fn finish(&mut self) -> io::Result<()> {
        let geo = self
            .crs_projjson
            .as_ref()
            .map(|crs| self.geo_metadata(crs).to_string());
        let Some(mut writer) = self.writer.take() else {
            return Ok(());
        };
        if let Some(geo) = geo {
            writer.append_key_value_metadata(KeyValue::new("geo".to_string(), geo));
        }
        // Writes the footer (the metadata) and hands the output back.
        let mut out = writer.into_inner().map_err(parquet_error)?;
        out.flush()?;
        self.out = Some(out);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Column, Value};
    use arrow_array::{Array, Date32Array, Int64Array, StringArray};
    use geo::Geometry;
    use geo::{line_string, point};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    /// Writes `features` of `schema` and reads them back: the `geo` metadata and the rows.
    fn round_trip(
        schema: &Schema,
        features: &[(Option<Geometry<f64>>, Vec<Value<'_>>)],
        batch_size: usize,
    ) -> (Option<serde_json::Value>, RecordBatch) {
        let mut writer = GeoParquetWriter::new(Vec::new(), schema, &Crs::wgs84()).unwrap();
        let encoder = writer.encoder();
        for chunk in features.chunks(batch_size) {
            let mut batch = Batch::default();
            for (g, values) in chunk {
                encoder.encode(&mut batch, g.as_ref(), values);
            }
            writer.write_batch(&mut batch).unwrap();
        }
        writer.finish().unwrap();
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&writer.into_inner().unwrap()).unwrap();
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
        let geo = builder
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .and_then(|kv| kv.iter().find(|kv| kv.key == "geo"))
            .and_then(|kv| kv.value.as_deref())
            .map(|g| serde_json::from_str(g).unwrap());
        let schema = builder.schema().clone();
        let batches: Vec<RecordBatch> = builder.build().unwrap().map(Result::unwrap).collect();
        (geo, arrow_select_concat(&schema, &batches))
    }

    fn arrow_select_concat(schema: &SchemaRef, batches: &[RecordBatch]) -> RecordBatch {
        // One batch is enough for these small tables; several would mean a row group split.
        assert!(batches.len() <= 1, "{} batches", batches.len());
        batches
            .first()
            .cloned()
            .unwrap_or_else(|| RecordBatch::new_empty(schema.clone()))
    }

    #[test]
    fn any_typed_columns_null_geometries_and_mixed_types() {
        let schema = Schema {
            columns: vec![
                Column::text("id"),
                Column::integer("fatalities"),
                Column::float("distance_m", 1, "m"),
                Column::date("date_start"),
            ],
            has_geometry: true,
        };
        let line = Geometry::LineString(line_string![(x: 1.0, y: 2.0), (x: 3.0, y: -4.0)]);
        let features = vec![
            (
                Some(Geometry::Point(point!(x: 69.25, y: 41.5))),
                vec![
                    Value::Text("a"),
                    Value::Integer(5_000_000_000),
                    Value::Float(12.25),
                    Value::Date(jiff::civil::date(1970, 1, 2)),
                ],
            ),
            (
                None,
                vec![
                    Value::Text(""),
                    Value::Empty,
                    Value::Float(f64::NAN),
                    Value::Empty,
                ],
            ),
            (
                Some(super::super::features::uniform(&line)),
                vec![
                    Value::Text("c"),
                    Value::Integer(-1),
                    Value::Empty,
                    Value::Date(jiff::civil::date(1969, 12, 31)),
                ],
            ),
        ];
        let (geo, rows) = round_trip(&schema, &features, 2);
        let geo = geo.unwrap();
        let column = &geo["columns"]["geometry"];
        assert_eq!(
            column["geometry_types"],
            serde_json::json!(["MultiLineString", "Point"])
        );
        assert_eq!(column["bbox"], serde_json::json!([1.0, -4.0, 69.25, 41.5]));
        assert_eq!(rows.num_rows(), 3);
        let ints = rows
            .column_by_name("fatalities")
            .unwrap()
            .as_any()
            .downcast_ref::<Int64Array>()
            .unwrap();
        assert_eq!(ints.value(0), 5_000_000_000);
        assert!(ints.is_null(1));
        let floats = rows
            .column_by_name("distance_m")
            .unwrap()
            .as_any()
            .downcast_ref::<Float64Array>()
            .unwrap();
        assert_eq!(floats.value(0), 12.25);
        assert!(floats.is_null(1), "NaN is no value");
        let days = rows
            .column_by_name("date_start")
            .unwrap()
            .as_any()
            .downcast_ref::<Date32Array>()
            .unwrap();
        assert_eq!((days.value(0), days.value(2)), (1, -1));
        let ids = rows
            .column_by_name("id")
            .unwrap()
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap();
        assert!(ids.is_null(1), "empty text is no value");
        let geometry = rows.column_by_name("geometry").unwrap();
        let bbox = rows.column_by_name("bbox").unwrap();
        assert!(geometry.is_null(1) && bbox.is_null(1));
        assert!(geometry.is_valid(0) && bbox.is_valid(2));
    }

    #[test]
    fn a_layer_without_geometry_is_plain_parquet() {
        let schema = Schema {
            columns: vec![Column::text("instrument_id")],
            has_geometry: false,
        };
        let (geo, rows) = round_trip(&schema, &[(None, vec![Value::Text("x")])], 10);
        assert!(geo.is_none());
        assert_eq!(rows.num_columns(), 1);
        assert_eq!(rows.num_rows(), 1);
    }

    #[test]
    fn an_empty_layer_has_metadata_without_a_bbox() {
        let schema = Schema {
            columns: vec![Column::text("id")],
            has_geometry: true,
        };
        let (geo, rows) = round_trip(&schema, &[], 10);
        let geo = geo.unwrap();
        assert_eq!(rows.num_rows(), 0);
        assert!(geo["columns"]["geometry"].get("bbox").is_none());
        assert_eq!(
            geo["columns"]["geometry"]["geometry_types"],
            serde_json::json!([])
        );
    }
}
