//! [`CsvRow`]: one CSV row written cell by cell straight into a [`Batch`], byte for byte as
//! [`RowEncoder`]'s [`FeatureEncoder::encode`] writes the same values, for a producer that
//! knows the sink is the crate's own CSV ([`RowEncoder::as_csv`]) and so need not gather its
//! values into a slice first.
//!
//! On the README benchmark (100,000 rows, 49,780 written, callgrind) the incident layer's
//! rows written this way took 114.4 M instructions against 140.0 M through the values, and
//! 101.7 M with the table's own texts checked for quoting at once (BENCHMARKS.md).

use std::any::Any;

use super::encoder::{csv_field, date_text, needs_quotes, write_date, RowEncoder};
use super::{fixed_decimal, Batch, ColumnKind, FeatureEncoder, Format};

impl RowEncoder {
    /// `encoder` as the crate's own CSV encoder, when it is one (not, say, one that converts
    /// the geometries first): its rows can then be written with [`RowEncoder::csv_row`].
    pub(crate) fn as_csv(encoder: &dyn FeatureEncoder) -> Option<&RowEncoder> {
        let any: &dyn Any = encoder;
        any.downcast_ref::<RowEncoder>()
            .filter(|e| e.format == Format::Csv)
    }

    /// A row appended to `batch`, whose cells are then written in the columns' order; the
    /// row is complete once [`CsvRow::end`] is called. For a CSV encoder only.
    pub(crate) fn csv_row<'b>(&'b self, batch: &'b mut Batch) -> CsvRow<'b> {
        CsvRow {
            start: batch.bytes.len(),
            out: &mut batch.bytes,
            rows: &mut batch.rows,
            kinds: &self.kinds,
            column: 0,
        }
    }
}

/// One CSV row being written: each call writes the next cell (a comma before all but the
/// first) as [`FeatureEncoder::encode`] writes the [`Value`](super::Value) it is named after.
pub(crate) struct CsvRow<'b> {
    out: &'b mut Vec<u8>,
    rows: &'b mut u64,
    /// The columns' kinds (for the decimals of numbers).
    kinds: &'b [ColumnKind],
    /// The cells written so far.
    column: usize,
    /// Where the row starts in `out`.
    start: usize,
}

impl CsvRow<'_> {
    /// Starts the next cell: a comma after the one before.
    #[inline]
    fn next(&mut self) {
        if self.column > 0 {
            self.out.push(b',');
        }
        self.column += 1;
    }

    /// A text cell ([`Value::Text`](super::Value::Text)), quoted if it needs to be.
    #[inline]
    pub(crate) fn text(&mut self, t: &str) {
        self.next();
        if !t.is_empty() {
            csv_field(self.out, t);
        }
    }

    /// A text cell known to need no quoting ([`csv_plain`]), copied as it is.
    #[inline]
    pub(crate) fn plain_text(&mut self, t: &str) {
        self.next();
        self.out.extend_from_slice(t.as_bytes());
    }

    /// A whole number.
    pub(crate) fn integer(&mut self, n: i64) {
        self.next();
        self.out
            .extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }

    /// A number, written with its column's decimals (or as the shortest text that reads back
    /// as it, in a column that is not a number's).
    #[inline]
    pub(crate) fn float(&mut self, x: f64) {
        let kind = self.kinds.get(self.column);
        self.next();
        match kind {
            Some(ColumnKind::Float { decimals, .. }) => {
                fixed_decimal::write_fixed(self.out, x, *decimals)
            }
            _ => {
                let _ = std::io::Write::write_fmt(self.out, format_args!("{x}"));
            }
        }
    }

    /// A calendar day.
    #[inline]
    pub(crate) fn date(&mut self, d: jiff::civil::Date) {
        self.next();
        write_date(self.out, d);
    }

    /// Two calendar days in two cells, a span's first and last (the second's text copied from
    /// the first's when they are the same day, as for most dates).
    #[inline]
    pub(crate) fn dates(&mut self, first: jiff::civil::Date, last: jiff::civil::Date) {
        let Some(first_text) = date_text(first) else {
            self.date(first);
            return self.date(last);
        };
        let last_text = if last == first {
            first_text
        } else {
            match date_text(last) {
                Some(text) => text,
                None => {
                    self.date(first);
                    return self.date(last);
                }
            }
        };
        // `,FIRST,LAST`, from its comma when a cell came before.
        let mut cells = [b','; 22];
        cells[1..11].copy_from_slice(&first_text);
        cells[12..].copy_from_slice(&last_text);
        if self.column > 0 {
            self.out.extend_from_slice(&cells);
        } else {
            self.out.extend_from_slice(&cells[1..]);
        }
        self.column += 2;
    }

    /// A number with `decimals` digits after the point, whatever its column's kind (for a
    /// producer that knows the column: as [`CsvRow::float`] writes it in a column of that many
    /// decimals).
    #[inline]
    pub(crate) fn fixed(&mut self, x: f64, decimals: usize) {
        self.next();
        fixed_decimal::write_fixed(self.out, x, decimals);
    }

    /// `n` empty cells ([`Value::Empty`](super::Value::Empty)).
    #[inline]
    pub(crate) fn empty(&mut self, n: usize) {
        for _ in 0..n {
            self.next();
        }
    }

    /// `n` cells already written as CSV, comma-separated, in `encoded` (made with
    /// [`csv_cells`]); nothing for none.
    #[inline]
    pub(crate) fn encoded(&mut self, n: usize, encoded: &[u8]) {
        if n == 0 {
            return;
        }
        self.next();
        self.column += n - 1;
        self.out.extend_from_slice(encoded);
    }

    /// Ends the row.
    pub(crate) fn end(self) {
        if self.column == 1 && self.out.len() == self.start {
            // A lone empty field, quoted so that the row is not a blank line.
            self.out.extend_from_slice(b"\"\"");
        }
        self.out.push(b'\n');
        *self.rows += 1;
    }
}

/// Whether `text` is written in CSV as it is, unquoted: it holds no comma, quote or line
/// break. So is every part of such a text.
pub(crate) fn csv_plain(text: &str) -> bool {
    csv_plain_bytes(text.as_bytes())
}

/// [`csv_plain`] of a text's bytes.
#[inline]
pub(crate) fn csv_plain_bytes(bytes: &[u8]) -> bool {
    !needs_quotes(bytes)
}

/// The CSV text of `cells` (each quoted if it needs to be), comma-separated, for
/// [`CsvRow::encoded`].
pub(crate) fn csv_cells<'t>(cells: impl IntoIterator<Item = &'t str>) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, c) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        csv_field(&mut out, c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Column, Schema, Value};
    use proptest::prelude::*;

    /// A value that owns its text.
    #[derive(Clone, Debug)]
    enum Owned {
        Text(String),
        Integer(i64),
        Float(f64),
        Date(jiff::civil::Date),
        Empty,
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]
        /// Cells written one by one (texts two at a time, encoded beforehand, and dates two at
        /// a time, when they follow each other; numbers of a column with decimals with those
        /// decimals given) are the bytes of the same values encoded together.
        #[test]
        fn rows_written_cell_by_cell_are_the_values_encoded(
            row in prop::collection::vec(
                prop_oneof![
                    "[a-c,\"\r\n ;\u{e9}]{0,6}".prop_map(|t| (Column::text("t"), Owned::Text(t))),
                    (any::<f64>(), 0usize..20)
                        .prop_map(|(x, d)| (Column::float("f", d, "m"), Owned::Float(x))),
                    (-1e7..1e7f64).prop_map(|x| (Column::number("n"), Owned::Float(x))),
                    (-1e7..1e7f64).prop_map(|x| (Column::text("x"), Owned::Float(x))),
                    any::<i64>().prop_map(|i| (Column::integer("i"), Owned::Integer(i))),
                    (-9999i16..=9999, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| {
                        (Column::date("d"), Owned::Date(jiff::civil::date(y, m, d)))
                    }),
                    // A date and the same again, or one day later, which `dates` writes
                    // together.
                    Just((Column::date("d"), Owned::Date(jiff::civil::date(2006, 4, 19)))),
                    Just((Column::date("d"), Owned::Date(jiff::civil::date(2006, 4, 20)))),
                    Just((Column::word("w"), Owned::Empty)),
                ],
                1..8,
            ),
            rows in 1usize..3,
        ) {
            let schema = Schema {
                columns: row.iter().map(|(c, _)| c.clone()).collect(),
                has_geometry: true,
            };
            let values: Vec<Value<'_>> = row
                .iter()
                .map(|(_, v)| match v {
                    Owned::Text(t) => Value::Text(t),
                    Owned::Integer(i) => Value::Integer(*i),
                    Owned::Float(x) => Value::Float(*x),
                    Owned::Date(d) => Value::Date(*d),
                    Owned::Empty => Value::Empty,
                })
                .collect();
            let encoder = RowEncoder::of_schema(Format::Csv, &schema);
            let csv = RowEncoder::as_csv(&encoder).expect("a CSV encoder");
            let (mut given, mut direct) = (Batch::default(), Batch::default());
            for _ in 0..rows {
                FeatureEncoder::encode(&encoder, &mut given, None, &values);
                let mut out = csv.csv_row(&mut direct);
                let mut i = 0;
                while let Some(v) = values.get(i) {
                    match (*v, values.get(i + 1)) {
                        (Value::Text(a), Some(Value::Text(b))) => {
                            out.encoded(2, &csv_cells([a, *b]));
                            i += 1;
                        }
                        (Value::Date(a), Some(Value::Date(b))) => {
                            out.dates(a, *b);
                            i += 1;
                        }
                        (Value::Text(t), _) => out.text(t),
                        (Value::Integer(n), _) => out.integer(n),
                        (Value::Float(x), _) => match schema.columns[i].kind {
                            ColumnKind::Float { decimals, .. } => out.fixed(x, decimals),
                            _ => out.float(x),
                        },
                        (Value::Date(d), _) => out.date(d),
                        (Value::Empty, _) => out.empty(1),
                    }
                    i += 1;
                }
                out.end();
            }
            prop_assert_eq!(
                String::from_utf8_lossy(&direct.bytes),
                String::from_utf8_lossy(&given.bytes)
            );
            prop_assert_eq!(direct.rows, given.rows);
        }
    }

    #[test]
    fn only_the_crates_csv_encoder_is_recognised() {
        let schema = Schema {
            columns: vec![Column::text("t")],
            has_geometry: false,
        };
        for (format, csv) in [
            (Format::Csv, true),
            (Format::Json, false),
            (Format::GeoJson, false),
            (Format::Table, false),
        ] {
            let encoder = RowEncoder::of_schema(format, &schema);
            assert_eq!(RowEncoder::as_csv(&encoder).is_some(), csv, "{format:?}");
        }
    }
}
