//! Writing result rows as a text table, CSV, JSON or GeoJSON, one row at a time.
//!
//! Every query result in the CLI is a list of rows with fixed columns and, for spatial
//! results, a geometry per row. [`RowWriter`] streams them in the chosen [`Format`]; only the
//! text table buffers (it needs every width before printing).

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
pub enum Cell {
    /// Text.
    Text(String),
    /// A whole number.
    Int(i64),
    /// A number written with a fixed number of decimals (so output is reproducible).
    Float(f64, usize),
    /// No value (empty in CSV, `null` in JSON).
    Empty,
}

impl Cell {
    /// A text cell; empty text becomes [`Cell::Empty`].
    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    fn to_text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Float(x, d) => format!("{x:.d$}"),
            Cell::Empty => String::new(),
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Cell::Text(s) => Value::String(s.clone()),
            Cell::Int(i) => Value::from(*i),
            Cell::Float(x, d) => {
                // Round through the fixed-decimal text so JSON matches the CSV figures.
                let t = format!("{x:.d$}");
                t.parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
            Cell::Empty => Value::Null,
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
    format: Format,
    columns: Vec<String>,
    out: Option<csv::Writer<W>>,
    raw: Option<W>,
    table: Vec<Vec<String>>,
    rows: u64,
}

impl<W: Write> RowWriter<W> {
    /// A writer of rows with these `columns` to `w`; writes the header (CSV) or the opening of
    /// the collection (JSON, GeoJSON) at once.
    ///
    /// # Errors
    /// Any write error of `w`.
    pub fn new(w: W, format: Format, columns: &[&str]) -> io::Result<Self> {
        let columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        let mut me = RowWriter {
            format,
            columns,
            out: None,
            raw: None,
            table: Vec::new(),
            rows: 0,
        };
        match format {
            Format::Csv => {
                let mut c = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::Any(b'\n'))
                    .from_writer(w);
                c.write_record(&me.columns).map_err(csv_io)?;
                me.out = Some(c);
            }
            Format::Json => {
                let mut w = w;
                w.write_all(b"[")?;
                me.raw = Some(w);
            }
            Format::GeoJson => {
                let mut w = w;
                w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")?;
                me.raw = Some(w);
            }
            Format::Table => me.raw = Some(w),
        }
        Ok(me)
    }

    /// Writes one row; `geometry` is used by GeoJSON only (`null` geometry when `None`).
    ///
    /// # Errors
    /// Any write error, including a closed pipe.
    pub fn write(&mut self, cells: &[Cell], geometry: Option<&Geometry<f64>>) -> io::Result<()> {
        let first = self.rows == 0;
        self.rows += 1;
        match self.format {
            Format::Csv => {
                if let Some(c) = self.out.as_mut() {
                    c.write_record(cells.iter().map(Cell::to_text))
                        .map_err(csv_io)?;
                }
            }
            Format::Table => self.table.push(cells.iter().map(Cell::to_text).collect()),
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
                if let Some(w) = self.raw.as_mut() {
                    w.write_all(if first { b"\n" } else { b",\n" })?;
                    serde_json::to_writer(&mut *w, &value).map_err(io::Error::from)?;
                }
            }
        }
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
        if let Some(c) = self.out.take() {
            return c
                .into_inner()
                .map_err(|e| io::Error::new(e.error().kind(), e.error().to_string()));
        }
        let Some(mut w) = self.raw.take() else {
            return Err(io::Error::other("writer already finished"));
        };
        match self.format {
            Format::Json | Format::GeoJson => {
                w.write_all(if self.rows == 0 { b"" } else { b"\n" })?;
                w.write_all(if self.format == Format::Json {
                    b"]\n"
                } else {
                    b"]}\n"
                })?;
            }
            Format::Table => write_table(&mut w, &self.columns, &self.table)?,
            Format::Csv => {}
        }
        w.flush()?;
        Ok(w)
    }
}

fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
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
