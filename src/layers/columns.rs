//! How the layers declare their columns and write their values: [`layer_columns!`] for the
//! column lists, [`dated`] and [`text`] for the values.

use crate::report::Value;
use crate::PartialDate;

/// A layer's column list (`&[Column]`, for a `const`): each entry `kind(…)` stands for
/// `Column::kind(…)` (`text("name")`, `word("name")`, `float("name", 3, "km")`, …), and
/// `dated("name")` for the three columns that [`dated`] writes a partial date's values to:
/// the date as recorded (`name`, text), its first day (`name_start`) and its last
/// (`name_end`).
macro_rules! layer_columns {
    (@list [$($column:expr,)*]) => {
        &[$($column,)*]
    };
    (@list [$($column:expr,)*] dated($name:literal) $(, $($rest:tt)*)?) => {
        layer_columns!(@list [
            $($column,)*
            Column::text($name),
            Column::date(concat!($name, "_start")),
            Column::date(concat!($name, "_end")),
        ] $($($rest)*)?)
    };
    (@list [$($column:expr,)*] $kind:ident($($arg:expr),*) $(, $($rest:tt)*)?) => {
        layer_columns!(@list [$($column,)* Column::$kind($($arg),*),] $($($rest)*)?)
    };
    ($($entry:tt)*) => {
        layer_columns!(@list [] $($entry)*)
    };
}

/// A partial date's values for the three columns of a `dated` entry of [`layer_columns!`]:
/// its text and its first and last days, or three empty values.
pub(super) fn dated(d: Option<PartialDate>, text: &mut String) -> [Value<'_>; 3] {
    text.clear();
    match d {
        Some(d) => {
            *text = d.to_string();
            [
                Value::Text(text),
                Value::Date(d.first()),
                Value::Date(d.last()),
            ]
        }
        None => [Value::Empty, Value::Empty, Value::Empty],
    }
}

/// A text value: empty for an empty string.
pub(super) fn text(s: &str) -> Value<'_> {
    if s.is_empty() {
        Value::Empty
    } else {
        Value::Text(s)
    }
}
