//! [`RowValues`]: the values of an incident's row as its table holds them, carried through
//! classification so that the output keeps every column of the input.

use std::ops::Range;

/// One value of a row, as the input holds it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RowValue<'a> {
    /// Text, exactly as written (a CSV cell, a string property).
    Text(&'a str),
    /// A whole number (a typed input's integer).
    Integer(i64),
    /// A floating-point number (a typed input's float).
    Float(f64),
    /// No value (an empty cell is [`RowValue::Text`]`("")`; this is a null).
    Empty,
}

#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Text(Range<usize>),
    Integer(i64),
    Float(f64),
    Empty,
}

/// The first values of a [`RowValues`] as a line of a table holds them: the first `len`
/// bytes of its text, `fields` texts with one `delimiter` (an ASCII byte, which none of them
/// holds) between each two; `quoteless` when they are known to hold no double quote. No
/// values are held as a line when `fields` is 0. Eight bytes, kept in the [`RowValues`]
/// itself: a row of a table read this way then has no entry to allocate, write or read
/// (BENCHMARKS.md, "A row's line kept beside its entries").
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Line {
    len: u32,
    fields: u16,
    delimiter: u8,
    quoteless: bool,
}

/// The values of one row of an incident table, in the table's column order, held in two
/// buffers (all texts back to back, and one small entry per value) so that converting rows
/// one after another into the same incident allocates nothing once the buffers have grown.
/// The texts of a line of a table may be kept as the line holds them instead, split at its
/// delimiter only when they are read: most rows of a table are never written.
///
/// # Examples
/// ```
/// use bordertrack::{RowValue, RowValues};
/// let mut row = RowValues::default();
/// row.push_text("EVT1");
/// row.push_integer(3);
/// assert_eq!(row.len(), 2);
/// assert_eq!(row.get(0), Some(RowValue::Text("EVT1")));
/// assert_eq!(row.iter().nth(1), Some(RowValue::Integer(3)));
/// ```
#[derive(Clone, Debug, Default)]
pub struct RowValues {
    text: String,
    /// One entry per value after those of `line`.
    cells: Vec<Cell>,
    /// The first values, when they are kept as a line holds them.
    line: Line,
}

/// Values are equal when they read the same, however they are held.
impl PartialEq for RowValues {
    fn eq(&self, other: &RowValues) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl RowValues {
    /// No values, with room for `text_bytes` bytes of text and `values` values.
    pub(crate) fn with_capacity(text_bytes: usize, values: usize) -> RowValues {
        RowValues {
            text: String::with_capacity(text_bytes),
            cells: Vec::with_capacity(values),
            line: Line::default(),
        }
    }

    /// Removes every value, keeping the buffers.
    pub fn clear(&mut self) {
        self.text.clear();
        self.cells.clear();
        self.line = Line::default();
    }

    /// How many values.
    pub fn len(&self) -> usize {
        usize::from(self.line.fields) + self.cells.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The line the first values are kept as, if they are.
    fn line(&self) -> Option<Line> {
        (self.line.fields > 0).then_some(self.line)
    }

    /// Appends a text value.
    pub fn push_text(&mut self, s: &str) {
        let start = self.text.len();
        self.text.push_str(s);
        self.cells.push(Cell::Text(start..self.text.len()));
    }

    /// Appends several text values at once, copying all of `text` in one piece: `spans` are
    /// where each value lies in it (as a CSV record's fields lie in its bytes). A span that
    /// is not on character boundaries of `text` reads as empty text, as does one reaching
    /// past its end.
    pub(crate) fn push_texts(&mut self, text: &str, spans: impl IntoIterator<Item = Range<usize>>) {
        let base = self.text.len();
        self.reserve_text(text.len());
        self.text.push_str(text);
        let len = text.len();
        self.cells.extend(spans.into_iter().map(|r| {
            // Within `text`: reading it checks the character boundaries (see `value`).
            if r.end <= len {
                Cell::Text(base + r.start..base + r.end)
            } else {
                Cell::Text(base..base)
            }
        }));
    }

    /// Appends `fields` text values (one at least) that are `line` split at `delimiter`, an
    /// ASCII byte: `line` is part of one line of a table (so it holds no line break) that the
    /// reader split at each of its delimiters (no quotes taken out), so that no value holds
    /// the delimiter. `quoteless`: the line is known to hold no double quote (`false`: not
    /// known). The line is copied whole, and split only when its values are read.
    #[inline]
    pub(crate) fn push_line(&mut self, line: &str, fields: usize, delimiter: u8, quoteless: bool) {
        debug_assert_eq!(
            line.bytes().filter(|&b| b == delimiter).count() + 1,
            fields,
            "{line:?}"
        );
        debug_assert!(!quoteless || !line.contains('"'), "{line:?}");
        let kept = (u32::try_from(line.len()), u16::try_from(fields));
        let (Ok(len), Ok(n)) = kept else {
            return self.push_split(line, fields, delimiter);
        };
        if !self.text.is_empty() || !self.is_empty() || n == 0 || !delimiter.is_ascii() {
            return self.push_split(line, fields, delimiter);
        }
        self.reserve_text(line.len());
        self.text.push_str(line);
        self.line = Line {
            len,
            fields: n,
            delimiter,
            quoteless,
        };
    }

    /// [`RowValues::push_line`] when it is not the first values, or not a line: each value's
    /// span found now.
    fn push_split(&mut self, line: &str, fields: usize, delimiter: u8) {
        let mut start = 0;
        let spans = line.as_bytes().split(move |&b| b == delimiter).map(|t| {
            let span = start..start + t.len();
            start = span.end + 1;
            span
        });
        self.push_texts(line, spans.take(fields));
    }

    /// Makes room for `len` more bytes of text, and for somewhat longer rows to come as well:
    /// rows are converted one after another into the same values, whose buffer then grows
    /// once, not by each longer row.
    pub(crate) fn reserve_text(&mut self, len: usize) {
        if self.text.capacity() - self.text.len() < len {
            self.text.reserve(2 * len);
        }
    }

    /// Appends a whole number.
    pub fn push_integer(&mut self, n: i64) {
        self.cells.push(Cell::Integer(n));
    }

    /// Appends a floating-point number.
    pub fn push_float(&mut self, x: f64) {
        self.cells.push(Cell::Float(x));
    }

    /// Appends a null.
    pub fn push_empty(&mut self) {
        self.cells.push(Cell::Empty);
    }

    /// Reads the first and last of the values and of the bytes of their text, and nothing
    /// more: done for many rows in one pass before they are written, it brings their values
    /// from memory with reads that overlap (a prefetch, without `unsafe`), as the texts and
    /// values of each row lie apart from the others'.
    #[inline]
    pub(crate) fn touch(&self) {
        let bytes = self.text.as_bytes();
        let kinds =
            [self.cells.first(), self.cells.last()].map(|c| c.map(|c| matches!(c, Cell::Text(_))));
        std::hint::black_box((bytes.first().copied(), bytes.last().copied(), kinds));
    }

    /// When the first `n` values (one at least) are texts lying in order in the buffer of
    /// texts (each starting at or after the end of the one before, as the fields of a CSV
    /// record do): the text from the first one's start to the last one's end, which holds
    /// them all (and whatever lies between them).
    pub(crate) fn texts_span(&self, n: usize) -> Option<&str> {
        if n > self.len() {
            return None;
        }
        let mut cells = self.cells().take(n);
        let Some(Cell::Text(first)) = cells.next() else {
            return None;
        };
        let mut end = first.end;
        for c in cells {
            match c {
                Cell::Text(r) if r.start >= end => end = r.end,
                _ => return None,
            }
        }
        self.text.get(first.start..end)
    }

    /// Whether the first values are texts of a line kept as it is ([`RowValues::push_line`])
    /// that is known to hold no double quote.
    pub(crate) fn line_is_quoteless(&self) -> bool {
        self.line().is_some_and(|l| l.quoteless)
    }

    /// When the first `n` values (one at least) are texts of a line kept as it is
    /// ([`RowValues::push_line`]) with `delimiter` between each two: the text of the line that
    /// holds them, with the delimiters between them (and no delimiter in any of them).
    pub(crate) fn line_texts(&self, n: usize, delimiter: u8) -> Option<&str> {
        let line = self.line()?;
        if n == 0 || n > line.fields as usize || line.delimiter != delimiter {
            return None;
        }
        let bytes = self.text.as_bytes().get(..line.len as usize)?;
        let end = if n == line.fields as usize {
            bytes.len()
        } else {
            // The `n`th delimiter ends the `n`th value.
            memchr::memchr_iter(delimiter, bytes).nth(n - 1)?
        };
        self.text.get(..end)
    }

    /// Value `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<RowValue<'_>> {
        let fields = usize::from(self.line.fields);
        if i < fields {
            self.cells().nth(i).map(|c| self.value(&c))
        } else {
            self.cells.get(i - fields).map(|c| self.value(c))
        }
    }

    /// The values in order.
    pub fn iter(&self) -> impl Iterator<Item = RowValue<'_>> + '_ {
        self.cells().map(|c| self.value(&c))
    }

    /// Every value's entry in order, the line's texts first (each the span of the line up to
    /// the next delimiter, or to its end).
    fn cells(&self) -> impl Iterator<Item = Cell> + '_ {
        let (line, rest) = (self.line, &self.cells[..]);
        let bytes = self.text.as_bytes();
        let bytes = bytes.get(..line.len as usize).unwrap_or(bytes);
        let mut start = 0;
        let texts = (0..line.fields).map(move |_| {
            let rest = bytes.get(start..).unwrap_or_default();
            // Byte by byte: values are short, and `memchr` took more instructions for them
            // (BENCHMARKS.md, "The carried columns kept as their line").
            let at = rest.iter().position(|&b| b == line.delimiter);
            let end = at.map_or(bytes.len(), |i| start + i);
            let span = start.min(end)..end;
            start = end + 1;
            Cell::Text(span)
        });
        texts.chain(rest.iter().cloned())
    }

    fn value(&self, cell: &Cell) -> RowValue<'_> {
        match cell {
            Cell::Text(r) => RowValue::Text(self.text.get(r.clone()).unwrap_or("")),
            Cell::Integer(n) => RowValue::Integer(*n),
            Cell::Float(x) => RowValue::Float(*x),
            Cell::Empty => RowValue::Empty,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touching_values_reads_them_whatever_they_hold() {
        // Nothing to read, texts only, and a last value that is not a text.
        let mut values = RowValues::default();
        values.touch();
        values.push_text("EVT1");
        values.touch();
        values.push_float(2.5);
        values.touch();
        assert_eq!(values.get(1), Some(RowValue::Float(2.5)));
    }

    #[test]
    fn texts_pushed_at_once_are_the_texts_pushed_one_by_one() {
        let text = "EVT1caf\u{e9}2006";
        let spans = [0..4, 4..9, 9..9, 9..13];
        let mut at_once = RowValues::default();
        at_once.push_integer(7);
        at_once.push_texts(text, spans.iter().cloned());
        let mut one_by_one = RowValues::default();
        one_by_one.push_integer(7);
        for r in &spans {
            one_by_one.push_text(&text[r.clone()]);
        }
        assert_eq!(
            at_once.iter().collect::<Vec<_>>(),
            one_by_one.iter().collect::<Vec<_>>()
        );
        // The span of texts in order, whatever lies between them.
        let mut row = RowValues::default();
        row.push_texts("a,bc,,d;e", [0..1, 2..4, 5..5, 6..7, 8..9]);
        assert_eq!(row.texts_span(4), Some("a,bc,,d"));
        assert_eq!(row.texts_span(1), Some("a"));
        assert_eq!(row.texts_span(5), Some("a,bc,,d;e"));
        assert_eq!(row.texts_span(6), None);
        assert_eq!(at_once.texts_span(2), None);
        assert_eq!(at_once.texts_span(0), None);
        let mut back = RowValues::default();
        back.push_texts("EVT1caf\u{e9}", [0..4, 4..9]);
        assert_eq!(back.texts_span(2), Some("EVT1caf\u{e9}"));
        let mut unordered = RowValues::default();
        unordered.push_texts("abc", [1..2, 0..1]);
        assert_eq!(unordered.texts_span(2), None);
        // A span splitting a character is empty text, never a panic.
        let mut split = RowValues::default();
        split.push_texts(text, [4..8, 8..9, 20..30]);
        let got: Vec<_> = split.iter().collect();
        assert_eq!(got, [RowValue::Text(""); 3]);
    }

    #[test]
    fn a_line_kept_as_it_is_reads_as_its_texts_pushed_one_by_one() {
        for (line, delimiter) in [("a,bc,,caf\u{e9}", b','), ("a;b,c;;\u{e9}", b';')] {
            let mut kept = RowValues::default();
            kept.push_line(line, 4, delimiter, false);
            // Kept beside the entries: none allocated for the line.
            assert_eq!(kept.cells.capacity(), 0);
            kept.push_empty();
            let mut one_by_one = RowValues::default();
            for t in line.split(char::from(delimiter)) {
                one_by_one.push_text(t);
            }
            one_by_one.push_empty();
            let want: Vec<_> = one_by_one.iter().collect();
            assert_eq!(kept.iter().collect::<Vec<_>>(), want, "{line}");
            assert_eq!(kept, one_by_one);
            assert_eq!(kept.len(), 5);
            assert!(!kept.is_empty());
            for i in 0..6 {
                assert_eq!(kept.get(i), one_by_one.get(i), "{line} {i}");
            }
            // The span of texts holds the delimiters between them, as the line does.
            let mut spans = Vec::new();
            let mut start = 0;
            for t in line.split(char::from(delimiter)) {
                spans.push(start..start + t.len());
                start += t.len() + 1;
            }
            let mut as_in_line = RowValues::default();
            as_in_line.push_texts(line, spans);
            as_in_line.push_empty();
            assert_eq!(kept, as_in_line);
            for n in 0..7 {
                assert_eq!(kept.texts_span(n), as_in_line.texts_span(n), "{line} {n}");
            }
            assert_eq!(kept.texts_span(4), Some(line));
            kept.clear();
            assert!(kept.is_empty());
            assert_eq!(kept.get(0), None);
            // Cleared, it keeps the next line as a line again, with no trace of the last.
            kept.push_line("x,y", 2, b',', true);
            assert_eq!(kept.line_texts(2, b','), Some("x,y"));
            assert!(kept.line_is_quoteless());
            assert_eq!(
                kept.iter().collect::<Vec<_>>(),
                [RowValue::Text("x"), RowValue::Text("y")]
            );
        }
        // More fields than a line's description counts are split at once: the same values.
        let many = vec!["a"; 70_000].join(",");
        let mut wide = RowValues::default();
        wide.push_line(&many, 70_000, b',', true);
        assert_eq!(wide.len(), 70_000);
        assert_eq!(wide.line_texts(1, b','), None);
        assert_eq!(wide.get(69_999), Some(RowValue::Text("a")));
        assert_eq!(wide.get(70_000), None);
        // After other values, the line's texts are found at once; the same values.
        let mut after = RowValues::default();
        after.push_integer(7);
        after.push_line("a,b", 2, b',', false);
        let got: Vec<_> = after.iter().collect();
        let want = [
            RowValue::Integer(7),
            RowValue::Text("a"),
            RowValue::Text("b"),
        ];
        assert_eq!(got, want);
        assert_eq!(after.line_texts(2, b','), None);
        // A delimiter that is not ASCII is never kept as a line.
        let mut other = RowValues::default();
        other.push_line("a\u{a7}b", 2, 0xC2, false);
        assert_eq!(other.line_texts(2, 0xC2), None);
        assert_eq!(other.len(), 2);
        assert_eq!(other.get(0), Some(RowValue::Text("a")));
    }

    #[test]
    fn the_texts_of_a_line_are_its_start_with_their_delimiters() {
        let mut row = RowValues::default();
        row.push_line("a,bc,,d", 4, b',', false);
        row.push_text("e");
        assert_eq!(row.line_texts(4, b','), Some("a,bc,,d"));
        assert_eq!(row.line_texts(3, b','), Some("a,bc,"));
        assert_eq!(row.line_texts(2, b','), Some("a,bc"));
        assert_eq!(row.line_texts(1, b','), Some("a"));
        // Not the line's delimiter, past the line's texts, or none asked for.
        assert_eq!(row.line_texts(4, b';'), None);
        assert_eq!(row.line_texts(5, b','), None);
        assert_eq!(row.line_texts(0, b','), None);
        assert!(!row.line_is_quoteless());
        let mut quoteless = RowValues::default();
        quoteless.push_line("a,b", 2, b',', true);
        assert!(quoteless.line_is_quoteless());
        quoteless.clear();
        assert!(!quoteless.line_is_quoteless());
        // Values pushed one by one are no line.
        let mut texts = RowValues::default();
        texts.push_texts("a,b", [0..1, 2..3]);
        assert_eq!(texts.line_texts(2, b','), None);
    }
}
