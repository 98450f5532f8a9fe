//! Writing layers: result rows (features) with typed columns and an optional geometry, as a
//! text table, CSV, JSON or GeoJSON.
//!
//! A layer declares its columns once ([`Schema`], [`Column`]); its features are typed values
//! ([`Value`]) with a geometry. Every output format is a [`LayerSink`]; [`RowWriter`] streams
//! the four formats here. The text table streams too: its column widths are measured on the
//! first rows (at least the first [`TABLE_SAMPLE_ROWS`], or the first batch), and later rows
//! that are wider overflow their column rather than being cut.

mod cell;
mod csv_row;
mod encoder;
mod fixed_decimal;
pub mod formats;
mod layer;
mod row_writer;
mod table;

pub use cell::Cell;
pub(crate) use csv_row::{csv_cells, csv_plain, CsvRow};
pub use encoder::Batch;
pub(crate) use encoder::RowEncoder;
pub use layer::{Column, ColumnKind, FeatureEncoder, LayerSink, Schema, Value};
pub use row_writer::RowWriter;
pub use table::TABLE_SAMPLE_ROWS;

use std::str::FromStr;

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
