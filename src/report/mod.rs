//! Writing result rows as a text table, CSV, JSON or GeoJSON, one row at a time.
//!
//! Every query result in the CLI is a list of rows with fixed columns and, for spatial
//! results, a geometry per row. [`RowWriter`] streams them in the chosen [`Format`]; only the
//! text table buffers (it needs every width before printing).

mod fixed_decimal;

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::str::FromStr;

use geo::Geometry;
use serde_json::{Map, Value};

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

    fn to_json(&self) -> Value {
        match self {
            Cell::Text(s) => Value::String(s.to_string()),
            Cell::Int(i) => Value::from(*i),
            Cell::Float(x, d) => {
                // Round through the fixed-decimal text so JSON matches the CSV figures.
                let mut t = String::new();
                fixed_decimal::push_fixed(&mut t, *x, *d);
                t.parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
            Cell::Empty => Value::Null,
        }
    }
}

/// Encodes rows in one [`Format`] into bytes, independently of where they go, so that rows can
/// be encoded on several threads and written in order by one [`RowWriter`].
#[derive(Clone, Debug)]
pub struct RowEncoder {
    format: Format,
    columns: Vec<String>,
}

/// Rows encoded by a [`RowEncoder`], ready for [`RowWriter::write_chunk`].
#[derive(Debug, Default)]
pub struct Chunk {
    bytes: Vec<u8>,
    rows: u64,
    table: Vec<Vec<String>>,
    scratch: String,
}

impl Chunk {
    /// An empty chunk with room for `bytes` bytes of encoded rows.
    pub fn with_capacity(bytes: usize) -> Chunk {
        Chunk {
            bytes: Vec::with_capacity(bytes),
            ..Chunk::default()
        }
    }

    /// How many rows it holds.
    pub fn rows(&self) -> u64 {
        self.rows
    }
}

impl RowEncoder {
    /// An encoder of rows with these `columns`.
    pub fn new(format: Format, columns: &[&str]) -> RowEncoder {
        RowEncoder {
            format,
            columns: columns.iter().map(|c| c.to_string()).collect(),
        }
    }

    /// Appends one row to `chunk`; `geometry` is used by GeoJSON only (`null` when `None`).
    pub fn encode(&self, chunk: &mut Chunk, cells: &[Cell<'_>], geometry: Option<&Geometry<f64>>) {
        chunk.rows += 1;
        match self.format {
            Format::Csv => {
                for (i, c) in cells.iter().enumerate() {
                    if i > 0 {
                        chunk.bytes.push(b',');
                    }
                    match c {
                        // Numbers never need quoting.
                        Cell::Float(x, d) => fixed_decimal::write_fixed(&mut chunk.bytes, *x, *d),
                        _ => csv_field(&mut chunk.bytes, c.text_into(&mut chunk.scratch)),
                    }
                }
                if let [Cell::Empty] = cells {
                    // A lone empty field, quoted so that the row is not a blank line.
                    chunk.bytes.extend_from_slice(b"\"\"");
                }
                chunk.bytes.push(b'\n');
            }
            Format::Table => {
                let mut scratch = String::new();
                chunk.table.push(
                    cells
                        .iter()
                        .map(|c| c.text_into(&mut scratch).to_string())
                        .collect(),
                );
            }
            Format::Json | Format::GeoJson => {
                let mut props = Map::new();
                for (c, v) in self.columns.iter().zip(cells) {
                    props.insert(c.clone(), v.to_json());
                }
                let value = if self.format == Format::Json {
                    Value::Object(props)
                } else {
                    let mut f = Map::new();
                    f.insert("type".into(), Value::from("Feature"));
                    let g = geometry.map_or(Value::Null, |g| {
                        serde_json::to_value(geojson::Geometry::new(geojson::GeometryValue::from(
                            g,
                        )))
                        .unwrap_or(Value::Null)
                    });
                    f.insert("geometry".into(), g);
                    f.insert("properties".into(), Value::Object(props));
                    Value::Object(f)
                };
                if chunk.rows > 1 {
                    chunk.bytes.extend_from_slice(b",\n");
                }
                // Writing a `Value` into a Vec cannot fail.
                let _ = serde_json::to_writer(&mut chunk.bytes, &value);
            }
        }
    }
}

impl RowEncoder {
    /// Appends one row to `chunk`, its cells given one by one by `row` on a [`CellWriter`],
    /// in column order: the same bytes as [`RowEncoder::encode`] of the same cells, without
    /// building them first (CSV is written straight into the chunk).
    ///
    /// # Examples
    /// ```
    /// use bordertrack::report::{Cell, Chunk, Format, RowEncoder};
    /// let encoder = RowEncoder::new(Format::Csv, &["id", "length_km", "note"]);
    /// let (mut a, mut b) = (Chunk::default(), Chunk::default());
    /// encoder.encode_with(&mut a, None, |w| {
    ///     w.text("KAZ-UZB-01");
    ///     w.float(12.3456, 3);
    ///     w.text("agreed, 2002");
    /// });
    /// let cells = [Cell::text("KAZ-UZB-01"), Cell::Float(12.3456, 3), Cell::text("agreed, 2002")];
    /// encoder.encode(&mut b, &cells, None);
    /// assert_eq!(a.rows(), 1);
    /// assert_eq!(format!("{a:?}"), format!("{b:?}"));
    /// ```
    pub fn encode_with(
        &self,
        chunk: &mut Chunk,
        geometry: Option<&Geometry<f64>>,
        row: impl FnOnce(&mut CellWriter<'_>),
    ) {
        if self.format == Format::Csv {
            chunk.rows += 1;
            let mut w = CellWriter(Sink::Csv {
                bytes: &mut chunk.bytes,
                cells: 0,
                last_empty: false,
            });
            row(&mut w);
            if let Sink::Csv {
                bytes,
                cells,
                last_empty,
            } = w.0
            {
                if cells == 1 && last_empty {
                    // A lone empty field, quoted so that the row is not a blank line.
                    bytes.extend_from_slice(b"\"\"");
                }
                bytes.push(b'\n');
            }
        } else {
            let mut w = CellWriter(Sink::Cells(Vec::new()));
            row(&mut w);
            if let Sink::Cells(cells) = w.0 {
                self.encode(chunk, &cells, geometry);
            }
        }
    }
}

/// The cells of one row, given in column order to [`RowEncoder::encode_with`].
#[derive(Debug)]
pub struct CellWriter<'c>(Sink<'c>);

#[derive(Debug)]
enum Sink<'c> {
    /// CSV bytes, written as the cells come.
    Csv {
        bytes: &'c mut Vec<u8>,
        cells: usize,
        last_empty: bool,
    },
    /// The cells, for the other formats.
    Cells(Vec<Cell<'static>>),
}

impl CellWriter<'_> {
    /// The CSV bytes after the separator of a new cell, or the cells to push it to.
    fn next(&mut self, empty: bool) -> Result<&mut Vec<u8>, &mut Vec<Cell<'static>>> {
        match &mut self.0 {
            Sink::Csv {
                bytes,
                cells,
                last_empty,
            } => {
                if *cells > 0 {
                    bytes.push(b',');
                }
                *cells += 1;
                *last_empty = empty;
                Ok(bytes)
            }
            Sink::Cells(cells) => Err(cells),
        }
    }

    /// A text cell, as [`Cell::text`] (empty text is an empty cell).
    pub fn text(&mut self, s: &str) {
        match self.next(s.is_empty()) {
            Ok(bytes) => csv_field(bytes, s),
            Err(cells) => cells.push(Cell::text(s.to_string())),
        }
    }

    /// A number with `decimals` decimals, as [`Cell::Float`].
    pub fn float(&mut self, x: f64, decimals: usize) {
        match self.next(false) {
            Ok(bytes) => fixed_decimal::write_fixed(bytes, x, decimals),
            Err(cells) => cells.push(Cell::Float(x, decimals)),
        }
    }

    /// A whole number, as [`Cell::Int`].
    pub fn int(&mut self, i: i64) {
        match self.next(false) {
            Ok(bytes) => bytes.extend_from_slice(itoa::Buffer::new().format(i).as_bytes()),
            Err(cells) => cells.push(Cell::Int(i)),
        }
    }

    /// An empty cell, as [`Cell::Empty`].
    pub fn empty(&mut self) {
        match self.next(true) {
            Ok(_) => {}
            Err(cells) => cells.push(Cell::Empty),
        }
    }
}

/// Streams rows in one [`Format`].
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
    encoder: RowEncoder,
    out: W,
    table: Vec<Vec<String>>,
    rows: u64,
    scratch: Chunk,
}

impl<W: Write> RowWriter<W> {
    /// A writer of rows with these `columns` to `w`; writes the header (CSV) or the opening of
    /// the collection (JSON, GeoJSON) at once.
    ///
    /// # Errors
    /// Any write error of `w`.
    pub fn new(mut w: W, format: Format, columns: &[&str]) -> io::Result<Self> {
        let encoder = RowEncoder::new(format, columns);
        match format {
            Format::Csv => {
                let header: Vec<Cell<'_>> = columns.iter().map(|c| Cell::text(*c)).collect();
                let mut chunk = Chunk::default();
                encoder.encode(&mut chunk, &header, None);
                w.write_all(&chunk.bytes)?;
            }
            Format::Json => w.write_all(b"[")?,
            Format::GeoJson => w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")?,
            Format::Table => {}
        }
        Ok(RowWriter {
            encoder,
            out: w,
            table: Vec::new(),
            rows: 0,
            scratch: Chunk::default(),
        })
    }

    /// The encoder of this writer's format and columns, for encoding rows elsewhere.
    pub fn encoder(&self) -> &RowEncoder {
        &self.encoder
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
        self.write_encoded(|encoder, chunk| encoder.encode(chunk, cells, geometry))
    }

    /// Writes one row given cell by cell, as [`RowEncoder::encode_with`].
    ///
    /// # Errors
    /// Any write error, including a closed pipe.
    pub fn write_with(
        &mut self,
        geometry: Option<&Geometry<f64>>,
        row: impl FnOnce(&mut CellWriter<'_>),
    ) -> io::Result<()> {
        self.write_encoded(|encoder, chunk| encoder.encode_with(chunk, geometry, row))
    }

    /// Writes the row that `encode` puts into the (emptied) scratch chunk.
    fn write_encoded(&mut self, encode: impl FnOnce(&RowEncoder, &mut Chunk)) -> io::Result<()> {
        let mut chunk = std::mem::take(&mut self.scratch);
        chunk.bytes.clear();
        chunk.rows = 0;
        encode(&self.encoder, &mut chunk);
        let r = self.write_chunk(&mut chunk);
        self.scratch = chunk;
        r
    }

    /// Writes rows encoded by [`RowWriter::encoder`] (possibly on another thread), in order,
    /// and empties `chunk` for reuse.
    ///
    /// # Errors
    /// Any write error, including a closed pipe.
    pub fn write_chunk(&mut self, chunk: &mut Chunk) -> io::Result<()> {
        if chunk.rows > 0 {
            if matches!(self.encoder.format, Format::Json | Format::GeoJson) {
                self.out
                    .write_all(if self.rows == 0 { b"\n" } else { b",\n" })?;
            }
            self.out.write_all(&chunk.bytes)?;
            self.table.append(&mut chunk.table);
            self.rows += chunk.rows;
        }
        chunk.bytes.clear();
        chunk.rows = 0;
        Ok(())
    }

    /// How many rows were written.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Closes the collection (JSON, GeoJSON), prints the table, flushes, and returns `w`.
    ///
    /// # Errors
    /// Any write error.
    pub fn finish(mut self) -> io::Result<W> {
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
            Format::Table => write_table(&mut self.out, &self.encoder.columns, &self.table)?,
            Format::Csv => {}
        }
        self.out.flush()?;
        Ok(self.out)
    }
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

fn write_table(w: &mut impl Write, columns: &[String], rows: &[Vec<String>]) -> io::Result<()> {
    let width = |s: &str| s.chars().count();
    let mut widths: Vec<usize> = columns.iter().map(|c| width(c)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(wd) = widths.get_mut(i) {
                *wd = (*wd).max(width(c).min(60));
            }
        }
    }
    let line = |w: &mut dyn Write, cells: &[String]| -> io::Result<()> {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let wd = widths.get(i).copied().unwrap_or(0);
            let mut c: String = c.chars().take(60).collect();
            if width(&c) < width(cells.get(i).map_or("", |s| s.as_str())) {
                c.pop();
                c.push('…');
            }
            if i + 1 < cells.len() {
                s.push_str(&format!("{c:<wd$}  "));
            } else {
                s.push_str(&c);
            }
        }
        writeln!(w, "{}", s.trim_end())
    };
    line(w, columns)?;
    for r in rows {
        line(w, r)?;
    }
    Ok(())
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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]
        /// CSV rows are byte for byte what the `csv` crate writes.
        #[test]
        fn csv_rows_match_the_csv_crate(
            fields in prop::collection::vec("[a-c,\"\r\n ;\t\u{e9}]{0,6}", 1..5)
        ) {
            let cells: Vec<Cell<'_>> = fields.iter().map(|f| Cell::text(f.as_str())).collect();
            let mut chunk = Chunk::default();
            RowEncoder::new(Format::Csv, &["x"]).encode(&mut chunk, &cells, None);
            let want = by_csv_crate(&fields);
            prop_assert_eq!(
                String::from_utf8_lossy(&chunk.bytes),
                String::from_utf8_lossy(&want)
            );
        }

        /// Cells given one by one encode to the same bytes as the same cells built first, in
        /// every format.
        #[test]
        fn rows_given_cell_by_cell_encode_as_built_cells(
            row in prop::collection::vec(
                prop_oneof![
                    "[a-c,\"\r\n ;\t\u{e9}]{0,6}".prop_map(Cell::text),
                    (any::<f64>(), 0usize..20).prop_map(|(x, d)| Cell::Float(x, d)),
                    (-1e7..1e7f64, 0usize..7).prop_map(|(x, d)| Cell::Float(x, d)),
                    any::<i64>().prop_map(Cell::Int),
                    Just(Cell::Empty),
                ],
                1..6,
            ),
            rows in 1usize..3,
        ) {
            for format in [Format::Csv, Format::Json, Format::GeoJson, Format::Table] {
                let encoder = RowEncoder::new(format, &["a", "b", "c", "d", "e", "f"]);
                let point = Geometry::Point(geo::Point::new(69.1, 41.4));
                let (mut built, mut given) = (Chunk::default(), Chunk::default());
                for _ in 0..rows {
                    encoder.encode(&mut built, &row, Some(&point));
                    encoder.encode_with(&mut given, Some(&point), |w| {
                        for c in &row {
                            match c {
                                Cell::Text(t) => w.text(t),
                                Cell::Float(x, d) => w.float(*x, *d),
                                Cell::Int(i) => w.int(*i),
                                Cell::Empty => w.empty(),
                            }
                        }
                    });
                }
                prop_assert_eq!(&given.bytes, &built.bytes, "{:?}", format);
                prop_assert_eq!(given.rows, built.rows);
                prop_assert_eq!(&given.table, &built.table);
            }
        }
    }
}
