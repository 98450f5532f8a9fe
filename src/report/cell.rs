//! [`Cell`]: one value of a row written without a declared schema, and its text and JSON
//! forms.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::fixed_decimal;
use super::{ColumnKind, Value};

type Json = serde_json::Value;

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
    pub(super) fn of(value: &Value<'_>, kind: Option<&ColumnKind>) -> Cell<'static> {
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
    pub(super) fn text_into<'b>(&'b self, buf: &'b mut String) -> &'b str {
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

    pub(super) fn to_json(&self) -> Json {
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
