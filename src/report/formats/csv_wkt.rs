//! CSV with the geometry as WKT in its first column, as QGIS's delimited-text reader and
//! GDAL's CSV driver take it.

use std::io::{self, Write};
use std::sync::Arc;

use geo::Geometry;
use geozero::ToWkt;

use super::streamed::{streamed_writer, StreamedText};
use crate::report::{Batch, Column, ColumnKind, FeatureEncoder, Format, RowEncoder, Schema, Value};

/// The name of the geometry column: the one GDAL's CSV driver and QGIS's delimited-text
/// reader take as WKT geometry without being told.
pub const WKT_COLUMN: &str = "WKT";

/// Writes a layer as CSV (RFC 4180, a header row) whose first column, `WKT`, is the feature's
/// geometry as well-known text (WGS84 longitude/latitude unless the layer was reprojected),
/// followed by the layer's columns written as in plain CSV (numbers always with a decimal
/// point, so that they are read as real numbers). Lines are written as
/// `MULTILINESTRING`, so that every row of a layer has one geometry type.
///
/// In QGIS: Layer ▸ Add Layer ▸ Add Delimited Text Layer, "Well known text (WKT)" with the
/// field `WKT` (chosen by itself). In GDAL: the CSV driver reads the `WKT` column as the
/// geometry (`-oo AUTODETECT_TYPE=YES` for typed columns).
pub struct CsvWktWriter<W: Write>(StreamedText<W>);

streamed_writer!(CsvWktWriter);

impl<W: Write> CsvWktWriter<W> {
    /// A writer of features of `schema` to `out`; writes the header at once.
    ///
    /// # Errors
    /// Any write error of `out`.
    pub fn new(mut out: W, schema: &Schema) -> io::Result<CsvWktWriter<W>> {
        let mut header = schema.clone();
        header.columns.insert(0, Column::text(WKT_COLUMN));
        let names: Vec<&str> = header.names().collect();
        let mut batch = Batch::default();
        let header_encoder = RowEncoder::new(Format::Csv, &names);
        let cells: Vec<_> = names.iter().map(|n| super::super::Cell::text(*n)).collect();
        header_encoder.encode(&mut batch, &cells, None);
        out.write_all(&batch.bytes)?;
        let encoder = WktEncoder {
            values: RowEncoder::of_schema(Format::Csv, &with_decimal_points(schema)),
        };
        Ok(CsvWktWriter(StreamedText::new(
            out,
            schema,
            Arc::new(encoder),
        )))
    }
}

/// `schema` with every number column written with at least one decimal, so that readers
/// that guess types from values (GDAL's `AUTODETECT_TYPE`, QGIS) take them as real numbers.
fn with_decimal_points(schema: &Schema) -> Schema {
    let mut schema = schema.clone();
    for column in &mut schema.columns {
        if let ColumnKind::Float { decimals, .. } = &mut column.kind {
            *decimals = (*decimals).max(1);
        }
    }
    schema
}

struct WktEncoder {
    values: RowEncoder,
}

impl FeatureEncoder for WktEncoder {
    fn encode(&self, batch: &mut Batch, geometry: Option<&Geometry<f64>>, values: &[Value<'_>]) {
        if let Some(wkt) = geometry.and_then(|g| super::features::uniform(g).to_wkt().ok()) {
            // WKT has commas: always quoted (it has no quotes to double).
            batch.bytes.push(b'"');
            batch.bytes.extend_from_slice(wkt.as_bytes());
            batch.bytes.push(b'"');
        }
        batch.bytes.push(b',');
        FeatureEncoder::encode(&self.values, batch, None, values);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::LayerSink;

    #[test]
    fn the_geometry_comes_first_as_quoted_wkt() {
        let schema = Schema {
            columns: vec![Column::text("name"), Column::date("d")],
            has_geometry: true,
        };
        let mut sink = CsvWktWriter::new(Vec::new(), &schema).unwrap();
        let mut batch = Batch::default();
        let line = Geometry::LineString(geo::LineString::from(vec![(69.5, 41.0), (70.0, 41.5)]));
        let d = jiff::civil::date(2002, 1, 1);
        sink.encoder().encode(
            &mut batch,
            Some(&line),
            &[Value::Text("a, b"), Value::Date(d)],
        );
        sink.encoder()
            .encode(&mut batch, None, &[Value::Empty, Value::Empty]);
        sink.write_batch(&mut batch).unwrap();
        sink.finish().unwrap();
        let text = String::from_utf8(sink.into_inner()).unwrap();
        assert_eq!(
            text,
            "WKT,name,d\n\"MULTILINESTRING((69.5 41,70 41.5))\",\"a, b\",2002-01-01\n,,\n"
        );
    }
}
