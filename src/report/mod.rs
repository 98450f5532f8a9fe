//! Writing layers: result rows (features) with typed columns and an optional geometry, as a
//! text table, CSV, JSON or GeoJSON.
//!
//! A layer declares its columns once ([`Schema`], [`Column`]); its features are typed values
//! ([`Value`]) with a geometry. Every output format is a [`LayerSink`]; [`RowWriter`] streams
//! the four formats here. The text table streams too: its column widths are measured on the
//! first rows (at least the first [`TABLE_SAMPLE_ROWS`], or the first batch), and later rows
//! that are wider overflow their column rather than being cut.

mod fixed_decimal;
pub mod formats;
mod layer;
mod table;

pub use layer::{Column, ColumnKind, FeatureEncoder, LayerSink, Schema, Value};
pub use table::TABLE_SAMPLE_ROWS;

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::str::FromStr;
use std::sync::Arc;

use geo::Geometry;
use serde_json::Map;

type Json = serde_json::Value;

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned text columns for reading in a terminal.
    Table,
    /// RFC 4180 CSV with a header row.
    Csv,
    /// A JSON array of objects, one per row.
    Json,
    /// An RFC 7946 FeatureCollection, the row's cells as flat properties.
    GeoJson,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "table" => Ok(Format::Table),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "geojson" => Ok(Format::GeoJson),
            _ => Err(format!(
                "unknown format {s:?} (expected table, csv, json or geojson)"
            )),
        }
    }
}

/// One value of a row.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    /// Text.
    Text(Cow<'a, str>),
    /// A whole number.
    Int(i64),
    /// A number written with a fixed number of decimals (so output is reproducible).
    Float(f64, usize),
    /// No value (empty in CSV, `null` in JSON).
    Empty,
}

impl Cell<'_> {
    /// The cell of `value` in a column of `kind`.
    fn of(value: &Value<'_>, kind: Option<&ColumnKind>) -> Cell<'static> {
        match *value {
            Value::Text(t) => Cell::text(t.to_string()),
            Value::Integer(i) => Cell::Int(i),
            Value::Float(x) => match kind {
                Some(ColumnKind::Float { decimals, .. }) => Cell::Float(x, *decimals),
                _ => Cell::Float(x, 6),
            },
            Value::Date(d) => Cell::Text(Cow::Owned(d.to_string())),
            Value::Empty => Cell::Empty,
        }
    }
}

impl<'a> Cell<'a> {
    /// A text cell; empty text becomes [`Cell::Empty`].
    pub fn text(s: impl Into<Cow<'a, str>>) -> Cell<'a> {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    /// Writes the cell's text form into `buf` (cleared first).
    fn text_into<'b>(&'b self, buf: &'b mut String) -> &'b str {
        buf.clear();
        match self {
            Cell::Text(s) => return s,
            Cell::Int(i) => {
                let _ = write!(buf, "{i}");
            }
            Cell::Float(x, d) => fixed_decimal::push_fixed(buf, *x, *d),
            Cell::Empty => {}
        }
        buf
    }

    fn to_json(&self) -> Json {
        match self {
            Cell::Text(s) => Json::String(s.to_string()),
            Cell::Int(i) => Json::from(*i),
            Cell::Float(x, d) => {
                // Round through the fixed-decimal text so JSON matches the CSV figures.
                let mut t = String::new();
                fixed_decimal::push_fixed(&mut t, *x, *d);
                t.parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Json::Null, Json::Number)
            }
            Cell::Empty => Json::Null,
        }
    }
}

/// Encodes rows in one [`Format`] into bytes, independently of where they go, so that rows can
/// be encoded on several threads and written in order by one [`RowWriter`].
#[derive(Clone, Debug)]
pub(crate) struct RowEncoder {
    format: Format,
    columns: Vec<String>,
    /// Each column's kind, when the layer declared a [`Schema`].
    kinds: Vec<ColumnKind>,
    /// The text table's column widths, once its sink has measured them.
    table_widths: table::SharedWidths,
}

/// Features encoded by a [`FeatureEncoder`], ready for [`LayerSink::write_batch`]. Opaque:
/// made empty with [`Batch::default`], filled by an encoder, emptied by the sink.
#[derive(Debug, Default)]
pub struct Batch {
    bytes: Vec<u8>,
    rows: u64,
    /// For the text table: whether the rows are laid out (encoded once the column widths
    /// were known), else each row is its cells' text for the sink to measure.
    laid_out: bool,
    scratch: String,
    /// Features kept whole, for the formats of [`formats`] that are not text.
    #[cfg_attr(not(feature = "formats"), allow(dead_code))]
    kept: Vec<formats::KeptFeature>,
}

impl Batch {
    /// How many features it holds.
    pub fn rows(&self) -> u64 {
        self.rows
    }
}

impl RowEncoder {
    /// An encoder of rows with these `columns`.
    pub(crate) fn new(format: Format, columns: &[&str]) -> RowEncoder {
        RowEncoder {
            format,
            columns: columns.iter().map(|c| c.to_string()).collect(),
            kinds: Vec::new(),
            table_widths: table::SharedWidths::default(),
        }
    }

    /// An encoder of the features of a layer with `schema`.
    pub(crate) fn of_schema(format: Format, schema: &Schema) -> RowEncoder {
        RowEncoder {
            format,
            columns: schema.names().map(str::to_string).collect(),
            kinds: schema.columns.iter().map(|c| c.kind.clone()).collect(),
            table_widths: table::SharedWidths::default(),
        }
    }

    /// Appends one row to `batch`; `geometry` is used by GeoJSON only (`null` when `None`).
    pub(crate) fn encode(
        &self,
        batch: &mut Batch,
        cells: &[Cell<'_>],
        geometry: Option<&Geometry<f64>>,
    ) {
        batch.rows += 1;
        match self.format {
            Format::Csv => {
                for (i, c) in cells.iter().enumerate() {
                    if i > 0 {
                        batch.bytes.push(b',');
                    }
                    match c {
                        // Numbers never need quoting.
                        Cell::Float(x, d) => fixed_decimal::write_fixed(&mut batch.bytes, *x, *d),
                        _ => csv_field(&mut batch.bytes, c.text_into(&mut batch.scratch)),
                    }
                }
                if let [Cell::Empty] = cells {
                    // A lone empty field, quoted so that the row is not a blank line.
                    batch.bytes.extend_from_slice(b"\"\"");
                }
                batch.bytes.push(b'\n');
            }
            Format::Table => {
                let mut row = std::mem::take(&mut batch.scratch);
                row.clear();
                let mut text = String::new();
                for c in cells {
                    table::push_cell(&mut row, c.text_into(&mut text));
                }
                self.push_table_row(batch, &row);
                batch.scratch = row;
            }
            Format::Json | Format::GeoJson => {
                let mut props = Map::new();
                for (c, v) in self.columns.iter().zip(cells) {
                    props.insert(c.clone(), v.to_json());
                }
                let value = if self.format == Format::Json {
                    Json::Object(props)
                } else {
                    let mut f = Map::new();
                    f.insert("type".into(), Json::from("Feature"));
                    let g = geometry.map_or(Json::Null, |g| {
                        serde_json::to_value(geojson::Geometry::new(geojson::GeometryValue::from(
                            g,
                        )))
                        .unwrap_or(Json::Null)
                    });
                    f.insert("geometry".into(), g);
                    f.insert("properties".into(), Json::Object(props));
                    Json::Object(f)
                };
                if batch.rows > 1 {
                    batch.bytes.extend_from_slice(b",\n");
                }
                // Writing a `Json` value into a Vec cannot fail.
                let _ = serde_json::to_writer(&mut batch.bytes, &value);
            }
        }
    }
}

impl RowEncoder {
    /// Appends a table row (its cells put in `row` by [`table::push_cell`], `batch.rows`
    /// already counting it): laid out if the widths are known when the batch's first row is
    /// encoded, so that a batch is laid out whole or not at all.
    fn push_table_row(&self, batch: &mut Batch, row: &str) {
        if batch.rows == 1 {
            batch.laid_out = self.table_widths.get().is_some();
        }
        let widths = if batch.laid_out {
            self.table_widths.get().map(Vec::as_slice)
        } else {
            None
        };
        table::encode_row(&mut batch.bytes, widths, row);
    }
}

impl FeatureEncoder for RowEncoder {
    /// CSV is written straight into the batch, values as they come; the other formats go
    /// through the cells of [`RowEncoder::encode`].
    fn encode(&self, batch: &mut Batch, geometry: Option<&Geometry<f64>>, values: &[Value<'_>]) {
        if self.format == Format::Table {
            let mut row = std::mem::take(&mut batch.scratch);
            row.clear();
            let mut text = String::new();
            for (i, v) in values.iter().enumerate() {
                text.clear();
                match *v {
                    Value::Text(t) => table::push_cell(&mut row, t),
                    Value::Integer(n) => {
                        table::push_cell(&mut row, itoa::Buffer::new().format(n));
                    }
                    Value::Float(x) => {
                        let decimals = match self.kinds.get(i) {
                            Some(ColumnKind::Float { decimals, .. }) => *decimals,
                            _ => 6,
                        };
                        fixed_decimal::push_fixed(&mut text, x, decimals);
                        table::push_cell(&mut row, &text);
                    }
                    Value::Date(d) => {
                        let _ = write!(text, "{d}");
                        table::push_cell(&mut row, &text);
                    }
                    Value::Empty => table::push_cell(&mut row, ""),
                }
            }
            batch.rows += 1;
            self.push_table_row(batch, &row);
            batch.scratch = row;
            return;
        }
        if self.format != Format::Csv {
            let cells: Vec<Cell<'_>> = values
                .iter()
                .enumerate()
                .map(|(i, v)| Cell::of(v, self.kinds.get(i)))
                .collect();
            RowEncoder::encode(self, batch, &cells, geometry);
            return;
        }
        batch.rows += 1;
        let bytes = &mut batch.bytes;
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                bytes.push(b',');
            }
            match *v {
                Value::Text(t) => csv_field(bytes, t),
                Value::Integer(n) => {
                    bytes.extend_from_slice(itoa::Buffer::new().format(n).as_bytes())
                }
                Value::Float(x) => match self.kinds.get(i) {
                    Some(ColumnKind::Float { decimals, .. }) => {
                        fixed_decimal::write_fixed(bytes, x, *decimals)
                    }
                    _ => {
                        let _ = std::io::Write::write_fmt(bytes, format_args!("{x}"));
                    }
                },
                Value::Date(d) => write_date(bytes, d),
                Value::Empty => {}
            }
        }
        if matches!(values, [Value::Empty] | [Value::Text("")]) {
            // A lone empty field, quoted so that the row is not a blank line.
            bytes.extend_from_slice(b"\"\"");
        }
        bytes.push(b'\n');
    }
}

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

/// Appends `d` as jiff writes it (`YYYY-MM-DD`), without the formatting machinery for the
/// years 0 to 9999 (a row of the incident layer has two dates).
fn write_date(out: &mut Vec<u8>, d: jiff::civil::Date) {
    let year = i32::from(d.year());
    if !(0..=9999).contains(&year) {
        let _ = std::io::Write::write_fmt(out, format_args!("{d}"));
        return;
    }
    let digit = |n: i32| b'0' + (n % 10) as u8;
    let (month, day) = (i32::from(d.month()), i32::from(d.day()));
    out.extend_from_slice(&[
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        digit(month / 10),
        digit(month),
        b'-',
        digit(day / 10),
        digit(day),
    ]);
}

/// Appends one CSV field as the `csv` crate writes it (RFC 4180, `QuoteStyle::Necessary`):
/// quoted, with quotes doubled, when it holds a comma, a quote or a line break.
fn csv_field(out: &mut Vec<u8>, field: &str) {
    let bytes = field.as_bytes();
    if bytes
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        out.push(b'"');
        for &b in bytes {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The same record written by the `csv` crate's writer.
    fn by_csv_crate(fields: &[String]) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        w.write_record(fields).expect("writing into a Vec");
        w.into_inner().expect("flushing into a Vec")
    }

    #[test]
    fn dates_are_written_as_jiff_writes_them() {
        let first = jiff::civil::date(-9999, 1, 1);
        let mut d = first;
        // Every 97th day over the whole calendar, and the ends.
        while let Ok(next) = d.checked_add(jiff::Span::new().days(97)) {
            let mut out = Vec::new();
            write_date(&mut out, d);
            assert_eq!(String::from_utf8_lossy(&out), d.to_string());
            d = next;
        }
        for d in [
            jiff::civil::date(9999, 12, 31),
            jiff::civil::date(0, 1, 1),
            first,
        ] {
            let mut out = Vec::new();
            write_date(&mut out, d);
            assert_eq!(String::from_utf8_lossy(&out), d.to_string());
        }
    }

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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]
        /// CSV rows are byte for byte what the `csv` crate writes.
        #[test]
        fn csv_rows_match_the_csv_crate(
            fields in prop::collection::vec("[a-c,\"\r\n ;\t\u{e9}]{0,6}", 1..5)
        ) {
            let cells: Vec<Cell<'_>> = fields.iter().map(|f| Cell::text(f.as_str())).collect();
            let mut chunk = Batch::default();
            RowEncoder::new(Format::Csv, &["x"]).encode(&mut chunk, &cells, None);
            let want = by_csv_crate(&fields);
            prop_assert_eq!(
                String::from_utf8_lossy(&chunk.bytes),
                String::from_utf8_lossy(&want)
            );
        }

        /// Typed values encode to the same bytes as the cells they stand for, in every
        /// format (the decimals of a number coming from its column).
        #[test]
        fn values_encode_as_their_cells(
            row in prop::collection::vec(
                prop_oneof![
                    "[a-c,\"\r\n ;\t\u{e9}]{0,6}".prop_map(|t| (Column::text("t"), Cell::text(t))),
                    (any::<f64>(), 0usize..20)
                        .prop_map(|(x, d)| (Column::float("f", d, "m"), Cell::Float(x, d))),
                    (-1e7..1e7f64, 0usize..7)
                        .prop_map(|(x, d)| (Column::float("f", d, ""), Cell::Float(x, d))),
                    any::<i64>().prop_map(|i| (Column::integer("i"), Cell::Int(i))),
                    Just((Column::word("w"), Cell::Empty)),
                ],
                1..6,
            ),
            rows in 1usize..3,
        ) {
            let schema = Schema {
                columns: row.iter().map(|(c, _)| c.clone()).collect(),
                has_geometry: true,
            };
            let cells: Vec<Cell<'_>> = row.iter().map(|(_, c)| c.clone()).collect();
            let values: Vec<Value<'_>> = cells
                .iter()
                .map(|c| match c {
                    Cell::Text(t) => Value::Text(t),
                    Cell::Float(x, _) => Value::Float(*x),
                    Cell::Int(i) => Value::Integer(*i),
                    Cell::Empty => Value::Empty,
                })
                .collect();
            for format in [Format::Csv, Format::Json, Format::GeoJson, Format::Table] {
                let encoder = RowEncoder::of_schema(format, &schema);
                let point = Geometry::Point(geo::Point::new(69.1, 41.4));
                let (mut built, mut given) = (Batch::default(), Batch::default());
                for _ in 0..rows {
                    encoder.encode(&mut built, &cells, Some(&point));
                    FeatureEncoder::encode(&encoder, &mut given, Some(&point), &values);
                }
                prop_assert_eq!(&given.bytes, &built.bytes, "{:?}", format);
                prop_assert_eq!(given.rows, built.rows);
            }
        }
    }
}
