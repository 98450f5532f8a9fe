//! Typed layers: a column schema declared once per layer, features given as typed values, and
//! the [`LayerSink`] trait that every output format implements.

use std::any::Any;
use std::borrow::Cow;
use std::io;
use std::sync::Arc;

use geo::Geometry;

use super::Batch;

/// What a column holds.
#[derive(Clone, Debug, PartialEq)]
pub enum ColumnKind {
    /// Free text.
    Text,
    /// A word from a fixed vocabulary (a status, a side, a certainty).
    Word,
    /// A whole number.
    Integer,
    /// A number written with a fixed number of `decimals`, in `unit` (`"m"`, `"km"`, `"°"`,
    /// `"%"`; empty for a pure number).
    Float {
        /// Digits after the decimal point; `usize::MAX` for the shortest text that reads back
        /// as the same number ([`Column::number`]).
        decimals: usize,
        /// The unit.
        unit: &'static str,
    },
    /// A calendar day, written as ISO 8601 `YYYY-MM-DD`: for example the first or last day of
    /// a partial date (`date_start`, `date_end` beside the date's own text).
    Date,
}

/// One column of a layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// Its name, as written in headers and properties.
    pub name: Cow<'static, str>,
    /// What it holds.
    pub kind: ColumnKind,
}

impl Column {
    /// A text column.
    pub const fn text(name: &'static str) -> Column {
        Column {
            name: Cow::Borrowed(name),
            kind: ColumnKind::Text,
        }
    }

    /// A column of words from a fixed vocabulary.
    pub const fn word(name: &'static str) -> Column {
        Column {
            name: Cow::Borrowed(name),
            kind: ColumnKind::Word,
        }
    }

    /// A whole-number column.
    pub const fn integer(name: &'static str) -> Column {
        Column {
            name: Cow::Borrowed(name),
            kind: ColumnKind::Integer,
        }
    }

    /// A number column with `decimals` decimals in `unit`.
    pub const fn float(name: &'static str, decimals: usize, unit: &'static str) -> Column {
        Column {
            name: Cow::Borrowed(name),
            kind: ColumnKind::Float { decimals, unit },
        }
    }

    /// A number column whose values are written as the shortest text that reads back as the
    /// same number (`41.3`, `0.1`, `5`), for numbers carried unchanged from an input, where
    /// no fixed number of decimals fits them all.
    pub fn number(name: impl Into<Cow<'static, str>>) -> Column {
        Column {
            name: name.into(),
            kind: ColumnKind::Float {
                decimals: super::fixed_decimal::SHORTEST,
                unit: "",
            },
        }
    }

    /// A calendar-day column.
    pub const fn date(name: &'static str) -> Column {
        Column {
            name: Cow::Borrowed(name),
            kind: ColumnKind::Date,
        }
    }
}

/// The columns of a layer, in order, declared once before its first feature, and whether its
/// features have a geometry.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    /// The columns, in order.
    pub columns: Vec<Column>,
    /// Whether features carry a geometry (a point, a line, several lines).
    pub has_geometry: bool,
}

impl Schema {
    /// The column names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> + '_ {
        self.columns.iter().map(|c| c.name.as_ref())
    }
}

/// One value of a feature, in its column's [`ColumnKind`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    /// Text or a vocabulary word; empty text is written as no value.
    Text(&'a str),
    /// A whole number.
    Integer(i64),
    /// A number, written with its column's decimals.
    Float(f64),
    /// A calendar day.
    Date(jiff::civil::Date),
    /// No value (empty in CSV, `null` in JSON).
    Empty,
}

/// Encodes features of one layer into a [`Batch`]: shareable between threads, so that the
/// features of each batch can be encoded where they are computed.
///
/// An encoder is `'static` ([`Any`]), as every one that a [`LayerSink`] hands out is: the
/// library recognises its own CSV encoder, and writes the incident layer's rows straight into
/// its batches rather than through [`FeatureEncoder::encode`] (the same bytes, fewer steps).
pub trait FeatureEncoder: Send + Sync + Any {
    /// Appends one feature: `values` in the schema's column order, and its geometry.
    fn encode(&self, batch: &mut Batch, geometry: Option<&Geometry<f64>>, values: &[Value<'_>]);
}

/// Where the features of a layer go, in one output format.
///
/// A sink is made for one [`Schema`] (known before the first feature), hands out an
/// [`FeatureEncoder`] that worker threads use to encode batches of features, writes encoded
/// batches in order on the calling thread ([`LayerSink::write_batch`]), and commits the
/// layer at the end ([`LayerSink::finish`]: closing a collection, printing a table, writing
/// an index or a footer). CSV, JSON, GeoJSON and the terminal table are the sinks of
/// [`super::RowWriter`].
pub trait LayerSink {
    /// The layer's columns.
    fn schema(&self) -> &Schema;

    /// An encoder for this sink's format and schema, to use on any thread.
    fn encoder(&self) -> Arc<dyn FeatureEncoder>;

    /// Writes the features of `batch` (encoded by [`LayerSink::encoder`]) after those already
    /// written, and empties it for reuse.
    ///
    /// # Errors
    /// Any write error, including a closed pipe.
    fn write_batch(&mut self, batch: &mut Batch) -> io::Result<()>;

    /// Ends the layer and flushes it. Nothing may be written after.
    ///
    /// # Errors
    /// Any write error.
    fn finish(&mut self) -> io::Result<()>;
}
