//! GeoJSON text sequences (RFC 8142): one GeoJSON Feature per record, so that a file can be
//! read and written a feature at a time.

use std::io::Write;
use std::sync::Arc;

use geo::Geometry;

use super::streamed::{streamed_writer, StreamedText};
use crate::report::{Batch, Cell, FeatureEncoder, Schema, Value};

/// The ASCII record separator that starts each record of RFC 8142.
const RECORD_SEPARATOR: u8 = 0x1e;

/// Writes a layer as a GeoJSON text sequence: each feature a GeoJSON Feature on a line of its
/// own (lines as multi-lines), its values as properties (numbers as JSON numbers with their column's decimals, dates
/// as `YYYY-MM-DD` text, no value as `null`).
///
/// With `record_separators`, each feature is preceded by the ASCII record separator (0x1E),
/// as RFC 8142 says (`application/geo+json-seq`, the `.geojsons` files GDAL writes); without,
/// the lines are newline-delimited GeoJSON (`.geojsonl`). GDAL's GeoJSONSeq driver reads both.
///
/// # Examples
/// ```
/// use bordertrack::report::formats::GeoJsonSeqWriter;
/// use bordertrack::report::{Column, LayerSink, Schema, Value};
///
/// let schema = Schema { columns: vec![Column::integer("n")], has_geometry: true };
/// let mut sink = GeoJsonSeqWriter::new(Vec::new(), &schema, false);
/// let mut batch = Default::default();
/// let point = geo::Geometry::Point(geo::point!(x: 69.5, y: 41.25));
/// sink.encoder().encode(&mut batch, Some(&point), &[Value::Integer(3)]);
/// sink.write_batch(&mut batch).unwrap();
/// sink.finish().unwrap();
/// let text = String::from_utf8(sink.into_inner()).unwrap();
/// assert_eq!(
///     text,
///     "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[69.5,41.25]},\
///      \"properties\":{\"n\":3}}\n"
/// );
/// ```
pub struct GeoJsonSeqWriter<W: Write>(StreamedText<W>);

streamed_writer!(GeoJsonSeqWriter);

impl<W: Write> GeoJsonSeqWriter<W> {
    /// A writer of features of `schema` to `out`, with or without record separators.
    pub fn new(out: W, schema: &Schema, record_separators: bool) -> GeoJsonSeqWriter<W> {
        let encoder = SeqEncoder {
            schema: schema.clone(),
            record_separators,
        };
        GeoJsonSeqWriter(StreamedText::new(out, schema, Arc::new(encoder)))
    }
}

struct SeqEncoder {
    schema: Schema,
    record_separators: bool,
}

impl FeatureEncoder for SeqEncoder {
    fn encode(&self, batch: &mut Batch, geometry: Option<&Geometry<f64>>, values: &[Value<'_>]) {
        batch.rows += 1;
        let out = &mut batch.bytes;
        if self.record_separators {
            out.push(RECORD_SEPARATOR);
        }
        // Written member by member, so that the keys keep the layer's column order.
        out.extend_from_slice(b"{\"type\":\"Feature\",\"geometry\":");
        match geometry {
            Some(g) => {
                let g = super::features::uniform(g);
                let g = geojson::Geometry::new(geojson::GeometryValue::from(&g));
                // Writing JSON into a Vec cannot fail.
                let _ = serde_json::to_writer(&mut *out, &g);
            }
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"properties\":{");
        for (i, (column, value)) in self.schema.columns.iter().zip(values).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let _ = serde_json::to_writer(&mut *out, column.name.as_ref());
            out.push(b':');
            let cell = Cell::of(value, Some(&column.kind));
            let _ = serde_json::to_writer(&mut *out, &cell.to_json());
        }
        out.extend_from_slice(b"}}\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Column;
    use crate::report::LayerSink;

    #[test]
    fn records_start_with_the_separator_and_dates_are_text() {
        let schema = Schema {
            columns: vec![Column::date("d"), Column::float("x", 1, "m")],
            has_geometry: false,
        };
        let mut sink = GeoJsonSeqWriter::new(Vec::new(), &schema, true);
        let mut batch = Batch::default();
        let encoder = sink.encoder();
        for _ in 0..2 {
            let d = jiff::civil::date(2004, 6, 1);
            encoder.encode(&mut batch, None, &[Value::Date(d), Value::Float(1.26)]);
        }
        sink.write_batch(&mut batch).unwrap();
        sink.finish().unwrap();
        let text = String::from_utf8(sink.into_inner()).unwrap();
        let record = "\u{1e}{\"type\":\"Feature\",\"geometry\":null,\
                      \"properties\":{\"d\":\"2004-06-01\",\"x\":1.3}}\n";
        assert_eq!(text, format!("{record}{record}"));
    }
}
