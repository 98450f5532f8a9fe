//! [`RowEncoder`]: rows and typed features encoded into the bytes of one [`Format`], on any
//! thread, into a [`Batch`] that a sink then writes in order.
//!
//! CSV fields are quoted as the `csv` crate quotes them (its writer is not used: rows are
//! encoded into batches on the worker threads). Whether a field needs quotes is decided eight
//! bytes at a time: on the README benchmark (100,000 rows, callgrind) the quoting fell from
//! 62.4 M to 45.6 M instructions against a byte-by-byte scan, 1.3% of the whole run together
//! with the match texts kept in reused buffers (BENCHMARKS.md).

use std::fmt::Write as _;

use geo::Geometry;

use super::{fixed_decimal, table};
use super::{Cell, ColumnKind, FeatureEncoder, Format, Schema, Value};

/// Encodes rows in one [`Format`] into bytes, independently of where they go, so that rows can
/// be encoded on several threads and written in order by one [`RowWriter`].
#[derive(Clone, Debug)]
pub(crate) struct RowEncoder {
    pub(super) format: Format,
    pub(super) columns: Vec<String>,
    /// Each column's kind, when the layer declared a [`Schema`].
    pub(super) kinds: Vec<ColumnKind>,
    /// The text table's column widths, once its sink has measured them.
    pub(super) table_widths: table::SharedWidths,
}

/// Features encoded by a [`FeatureEncoder`], ready for
/// [`LayerSink::write_batch`](super::LayerSink::write_batch). Opaque: made empty with
/// [`Batch::default`], filled by an encoder, emptied by the sink.
#[derive(Debug, Default)]
pub struct Batch {
    pub(super) bytes: Vec<u8>,
    pub(super) rows: u64,
    /// For the text table: whether the rows are laid out (encoded once the column widths
    /// were known), else each row is its cells' text for the sink to measure.
    pub(super) laid_out: bool,
    pub(super) scratch: String,
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
                // Written member by member, so that the properties keep the columns' order.
                if batch.rows > 1 {
                    batch.bytes.extend_from_slice(b",\n");
                }
                let out = &mut batch.bytes;
                let feature = self.format == Format::GeoJson;
                if feature {
                    out.extend_from_slice(b"{\"type\":\"Feature\",\"geometry\":");
                    match geometry {
                        Some(g) => {
                            let g = geojson::Geometry::new(geojson::GeometryValue::from(g));
                            // Writing JSON into a Vec cannot fail.
                            let _ = serde_json::to_writer(&mut *out, &g);
                        }
                        None => out.extend_from_slice(b"null"),
                    }
                    out.extend_from_slice(b",\"properties\":");
                }
                out.push(b'{');
                for (i, (c, v)) in self.columns.iter().zip(cells).enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    let _ = serde_json::to_writer(&mut *out, c);
                    out.push(b':');
                    let _ = serde_json::to_writer(&mut *out, &v.to_json());
                }
                out.push(b'}');
                if feature {
                    out.push(b'}');
                }
            }
        }
    }
}

impl RowEncoder {
    /// Appends a table row (its cells put in `row` by [`table::push_cell`], `batch.rows`
    /// already counting it): laid out if the widths are known when the batch's first row is
    /// encoded, so that a batch is laid out whole or not at all.
    pub(super) fn push_table_row(&self, batch: &mut Batch, row: &str) {
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

/// Appends `d` as jiff writes it (`YYYY-MM-DD`), without the formatting machinery for the
/// years 0 to 9999 (a row of the incident layer has two dates), two digits at a time.
pub(super) fn write_date(out: &mut Vec<u8>, d: jiff::civil::Date) {
    match date_text(d) {
        Some(text) => out.extend_from_slice(&text),
        None => {
            let _ = std::io::Write::write_fmt(out, format_args!("{d}"));
        }
    }
}

/// The text of `d` as jiff writes it (`YYYY-MM-DD`) for the years 0 to 9999, made two digits
/// at a time; `None` for other years.
pub(super) fn date_text(d: jiff::civil::Date) -> Option<[u8; 10]> {
    let year = u16::try_from(d.year()).ok().filter(|&y| y <= 9999)?;
    /// The two digits of `n % 100`.
    fn pair(n: u16) -> [u8; 2] {
        const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
            2021222324252627282930313233343536373839404142434445464748495051525354555657585960\
            6162636465666768697071727374757677787980818283848586878889909192939495969798\
            99";
        let i = usize::from(n % 100) * 2;
        [PAIRS[i], PAIRS[i + 1]]
    }
    let ([c1, c0], [y1, y0]) = (pair(year / 100), pair(year));
    let [m1, m0] = pair(d.month().unsigned_abs().into());
    let [d1, d0] = pair(d.day().unsigned_abs().into());
    Some([c1, c0, y1, y0, b'-', m1, m0, b'-', d1, d0])
}

/// Appends one CSV field as the `csv` crate writes it (RFC 4180, `QuoteStyle::Necessary`):
/// quoted, with quotes doubled, when it holds a comma, a quote or a line break.
#[inline]
pub(super) fn csv_field(out: &mut Vec<u8>, field: &str) {
    let bytes = field.as_bytes();
    if needs_quotes(bytes) {
        quoted_field(out, bytes);
    } else {
        out.extend_from_slice(bytes);
    }
}

/// Appends `bytes` quoted, with quotes doubled (out of line: few fields need it), the
/// stretches between quotes copied whole.
#[cold]
fn quoted_field(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut stretches = bytes.split(|&b| b == b'"');
    if let Some(first) = stretches.next() {
        out.extend_from_slice(first);
    }
    for stretch in stretches {
        out.extend_from_slice(b"\"\"");
        out.extend_from_slice(stretch);
    }
    out.push(b'"');
}

/// Whether a CSV field of `bytes` needs quotes: whether it holds a comma, a quote or a line
/// break. Eight bytes at a time (the fields of a row are mostly short ids, words, numbers and
/// dates, none of which needs quotes): a word none of whose bytes is below `-` (0x2D, above
/// all four) is clear at once, and only a word that has one (a space, say) is looked at
/// closely.
#[inline]
pub(super) fn needs_quotes(bytes: &[u8]) -> bool {
    let n = bytes.len();
    if n >= 8 {
        // Each word before the last eight bytes, then those (a word that may overlap the one
        // before).
        let mut start = 0;
        while start + 8 < n {
            if word_needs_quotes(word(&bytes[start..])) {
                return true;
            }
            start += 8;
        }
        word_needs_quotes(word(&bytes[n - 8..]))
    } else if n >= 4 {
        // Two words of four that overlap, or meet.
        let half = |b: &[u8]| {
            let mut w = [0u8; 4];
            w.copy_from_slice(b);
            u64::from(u32::from_le_bytes(w))
        };
        word_needs_quotes(half(&bytes[..4]) | half(&bytes[n - 4..]) << 32)
    } else {
        bytes
            .iter()
            .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    }
}

/// The first eight bytes of `bytes` (which has at least eight) as a word.
#[inline]
fn word(bytes: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&bytes[..8]);
    u64::from_le_bytes(w)
}

/// Whether one of the eight bytes of `x` is a comma, a quote or a line break. The tests
/// are exact as yes-or-no answers: `(y - 0x01…) & !y & 0x80…` is non-zero exactly when a
/// byte of `y` is zero, and with `0x2D…` in place of `0x01…` when one is below 0x2D.
#[inline]
fn word_needs_quotes(x: u64) -> bool {
    x.wrapping_sub(ONES * 0x2D) & !x & HIGHS != 0 && word_has_quoting_byte(x)
}

/// Bytes of value one, eight times.
const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of each byte.
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The exact test of [`word_needs_quotes`] for a word with a byte below `-`; out of line, so
/// that the quick test inlined where fields are written takes few instructions and registers.
#[inline(never)]
fn word_has_quoting_byte(x: u64) -> bool {
    let has = |b: u8| {
        let y = x ^ (ONES * u64::from(b));
        y.wrapping_sub(ONES) & !y & HIGHS != 0
    };
    has(b',') || has(b'"') || has(b'\n') || has(b'\r')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Column;
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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]
        /// The quick scan finds exactly the fields with a comma, a quote or a line break,
        /// wherever it lies in the words.
        #[test]
        fn needs_quotes_is_a_byte_by_byte_scan(
            bytes in prop::collection::vec(
                prop_oneof![
                    Just(b','), Just(b'"'), Just(b'\n'), Just(b'\r'), Just(b' '), Just(b'-'),
                    any::<u8>(), b'a'..=b'z'
                ],
                0..40,
            )
        ) {
            let want = bytes.iter().any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
            prop_assert_eq!(needs_quotes(&bytes), want);
        }

        /// CSV rows are byte for byte what the `csv` crate writes.
        #[test]
        fn csv_rows_match_the_csv_crate(
            fields in prop::collection::vec("[a-c,\"\r\n ;\t\u{e9}]{0,6}|[a-c0-9.\u{e9}-]{0,19}[a-c,\"\r\n ]?", 1..5)
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
