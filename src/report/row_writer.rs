//! [`RowWriter`]: the [`LayerSink`] of the four text formats (table, CSV, JSON, GeoJSON),
//! writing encoded batches in order to any [`Write`].

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::Arc;

use geo::Geometry;

use super::encoder::RowEncoder;
use super::{
    table, Batch, Cell, Column, ColumnKind, FeatureEncoder, Format, LayerSink, Schema, Value,
};

/// The schema of [`RowWriter::new`]: text columns (the cells say what they hold).
fn text_schema(columns: &[&str]) -> Schema {
    Schema {
        columns: columns
            .iter()
            .map(|c| Column {
                name: Cow::Owned(c.to_string()),
                kind: ColumnKind::Text,
            })
            .collect(),
        has_geometry: true,
    }
}

/// Streams rows in one [`Format`]: the four formats' [`LayerSink`].
///
/// # Examples
/// ```
/// use bordertrack::report::{Cell, Format, RowWriter};
/// let mut w = RowWriter::new(Vec::new(), Format::Csv, &["id", "length_km"]).unwrap();
/// w.write(&[Cell::text("KAZ-UZB-01"), Cell::Float(12.3456, 3)], None).unwrap();
/// let out = String::from_utf8(w.finish().unwrap()).unwrap();
/// assert_eq!(out, "id,length_km\nKAZ-UZB-01,12.346\n");
/// ```
pub struct RowWriter<W: Write> {
    encoder: Arc<RowEncoder>,
    schema: Schema,
    out: W,
    table: table::TableWriter,
    rows: u64,
    scratch: Batch,
    finished: bool,
}

impl<W: Write> RowWriter<W> {
    /// A writer of rows with these `columns` (text or numbers as each cell says) to `w`;
    /// writes the header (CSV) or the opening of the collection (JSON, GeoJSON) at once.
    ///
    /// # Errors
    /// Any write error of `w`.
    pub fn new(w: W, format: Format, columns: &[&str]) -> io::Result<Self> {
        RowWriter::open(
            w,
            format,
            RowEncoder::new(format, columns),
            text_schema(columns),
            None,
        )
    }

    /// A writer of the features of a layer with `schema` to `w`, in `format`; writes the
    /// header (CSV) or the opening of the collection (JSON, GeoJSON) at once.
    ///
    /// # Errors
    /// Any write error of `w`.
    pub fn with_schema(w: W, format: Format, schema: &Schema) -> io::Result<Self> {
        let encoder = RowEncoder::of_schema(format, schema);
        RowWriter::open(w, format, encoder, schema.clone(), None)
    }

    /// [`RowWriter::with_schema`] for features already converted to `crs`: a GeoJSON
    /// collection then names it in the `crs` member that RFC 7946 removed but GDAL and QGIS
    /// still read (`urn:ogc:def:crs:EPSG::NNNN`, or the PROJ string as written); nothing
    /// changes in the other formats. See [`crate::crs::ReprojectedLayer`] for the conversion.
    ///
    /// # Errors
    /// Any write error of `w`.
    pub fn with_schema_in_crs(
        w: W,
        format: Format,
        schema: &Schema,
        crs: &crate::crs::Crs,
    ) -> io::Result<Self> {
        let encoder = RowEncoder::of_schema(format, schema);
        RowWriter::open(w, format, encoder, schema.clone(), Some(crs))
    }

    /// [`RowWriter::new`] for rows whose geometries are already in `crs`, named in a GeoJSON
    /// collection as [`RowWriter::with_schema_in_crs`] does.
    ///
    /// # Errors
    /// Any write error of `w`.
    pub fn new_in_crs(
        w: W,
        format: Format,
        columns: &[&str],
        crs: &crate::crs::Crs,
    ) -> io::Result<Self> {
        let encoder = RowEncoder::new(format, columns);
        RowWriter::open(w, format, encoder, text_schema(columns), Some(crs))
    }

    fn open(
        mut w: W,
        format: Format,
        encoder: RowEncoder,
        schema: Schema,
        crs: Option<&crate::crs::Crs>,
    ) -> io::Result<Self> {
        match format {
            Format::Csv => {
                let header: Vec<Cell<'_>> = encoder
                    .columns
                    .iter()
                    .map(|c| Cell::text(c.as_str()))
                    .collect();
                let mut batch = Batch::default();
                encoder.encode(&mut batch, &header, None);
                w.write_all(&batch.bytes)?;
            }
            Format::Json => w.write_all(b"[")?,
            Format::GeoJson => match crs.filter(|crs| !crs.is_wgs84()) {
                None => w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")?,
                Some(crs) => {
                    let name = crs.ogc_urn().unwrap_or_else(|| crs.definition());
                    let member = serde_json::json!({"type": "name", "properties": {"name": name}});
                    write!(
                        w,
                        "{{\"type\":\"FeatureCollection\",\"crs\":{member},\"features\":["
                    )?;
                }
            },
            Format::Table => {}
        }
        Ok(RowWriter {
            table: table::TableWriter::new(
                encoder.columns.clone(),
                Arc::clone(&encoder.table_widths),
            ),
            encoder: Arc::new(encoder),
            schema,
            out: w,
            rows: 0,
            scratch: Batch::default(),
            finished: false,
        })
    }

    /// Writes one row; `geometry` is used by GeoJSON only (`null` geometry when `None`).
    ///
    /// # Errors
    /// Any write error, including a closed pipe.
    pub fn write(
        &mut self,
        cells: &[Cell<'_>],
        geometry: Option<&Geometry<f64>>,
    ) -> io::Result<()> {
        let mut batch = std::mem::take(&mut self.scratch);
        batch.bytes.clear();
        batch.rows = 0;
        self.encoder.encode(&mut batch, cells, geometry);
        let r = self.write_batch(&mut batch);
        self.scratch = batch;
        r
    }

    /// Writes one feature of typed `values`, in the schema's column order.
    ///
    /// # Errors
    /// Any write error, including a closed pipe.
    pub fn write_values(
        &mut self,
        values: &[Value<'_>],
        geometry: Option<&Geometry<f64>>,
    ) -> io::Result<()> {
        let mut batch = std::mem::take(&mut self.scratch);
        batch.bytes.clear();
        batch.rows = 0;
        FeatureEncoder::encode(&*self.encoder, &mut batch, geometry, values);
        let r = self.write_batch(&mut batch);
        self.scratch = batch;
        r
    }

    /// How many rows were written.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Closes the collection (JSON, GeoJSON), prints the rest of the table, flushes, and
    /// returns `w`.
    ///
    /// # Errors
    /// Any write error.
    pub fn finish(mut self) -> io::Result<W> {
        LayerSink::finish(&mut self)?;
        Ok(self.out)
    }
}

impl<W: Write> LayerSink for RowWriter<W> {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn encoder(&self) -> Arc<dyn FeatureEncoder> {
        Arc::clone(&self.encoder) as Arc<dyn FeatureEncoder>
    }

    fn write_batch(&mut self, batch: &mut Batch) -> io::Result<()> {
        if batch.rows > 0 {
            if matches!(self.encoder.format, Format::Json | Format::GeoJson) {
                self.out
                    .write_all(if self.rows == 0 { b"\n" } else { b",\n" })?;
            }
            if self.encoder.format == Format::Table {
                self.table
                    .write(&mut self.out, &batch.bytes, batch.rows, batch.laid_out)?;
            } else {
                self.out.write_all(&batch.bytes)?;
            }
            self.rows += batch.rows;
        }
        batch.bytes.clear();
        batch.rows = 0;
        batch.laid_out = false;
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if std::mem::replace(&mut self.finished, true) {
            return Ok(());
        }
        match self.encoder.format {
            Format::Json | Format::GeoJson => {
                self.out
                    .write_all(if self.rows == 0 { b"" } else { b"\n" })?;
                self.out.write_all(if self.encoder.format == Format::Json {
                    b"]\n"
                } else {
                    b"]}\n"
                })?;
            }
            Format::Table => self.table.finish(&mut self.out)?,
            Format::Csv => {}
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::TABLE_SAMPLE_ROWS;

    /// The table sink measures widths on its first batch; batches encoded after that are laid
    /// out by their encoder (so the sink holds nothing), a wider row overflowing its column.
    #[test]
    fn table_rows_are_laid_out_where_they_are_encoded_once_widths_are_known() -> io::Result<()> {
        let schema = Schema {
            columns: vec![Column::text("id"), Column::float("km", 1, "km")],
            has_geometry: false,
        };
        let mut sink = RowWriter::with_schema(Vec::new(), Format::Table, &schema)?;
        let encoder = LayerSink::encoder(&sink);
        let mut first = Batch::default();
        for i in 0..TABLE_SAMPLE_ROWS {
            let id = format!("s{}", i % 10);
            encoder.encode(&mut first, None, &[Value::Text(&id), Value::Float(1.25)]);
        }
        assert!(!first.laid_out);
        sink.write_batch(&mut first)?;
        assert_eq!(sink.table.held_bytes(), 0);
        let mut later = Batch::default();
        encoder.encode(
            &mut later,
            None,
            &[Value::Text("wider-id"), Value::Float(12.0)],
        );
        encoder.encode(&mut later, None, &[Value::Text("s"), Value::Empty]);
        assert!(later.laid_out);
        assert_eq!(String::from_utf8_lossy(&later.bytes), "wider-id  12.0\ns\n");
        sink.write_batch(&mut later)?;
        let out = String::from_utf8_lossy(&sink.finish()?).to_string();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), TABLE_SAMPLE_ROWS + 3);
        assert_eq!(lines[0], "id  km");
        assert_eq!(lines[1], "s0  1.2");
        assert_eq!(&lines[TABLE_SAMPLE_ROWS + 1..], ["wider-id  12.0", "s"]);
        Ok(())
    }
}
