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

/// The values of one row of an incident table, in the table's column order, held in two
/// buffers (all texts back to back, and one small entry per value) so that converting rows
/// one after another into the same incident allocates nothing once the buffers have grown.
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
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RowValues {
    text: String,
    cells: Vec<Cell>,
}

impl RowValues {
    /// No values, with room for `text_bytes` bytes of text and `values` values.
    pub(crate) fn with_capacity(text_bytes: usize, values: usize) -> RowValues {
        RowValues {
            text: String::with_capacity(text_bytes),
            cells: Vec::with_capacity(values),
        }
    }

    /// Removes every value, keeping the buffers.
    pub fn clear(&mut self) {
        self.text.clear();
        self.cells.clear();
    }

    /// How many values.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
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
        let mut cells = self.cells.get(..n)?.iter();
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

    /// When the first `n` values (one at least) are texts lying in order in the buffer of
    /// texts with exactly one `delimiter` byte between each and the next (as the fields of a
    /// line of a table lie in it): the text from the first one's start to the last one's end,
    /// which is then those texts with the delimiters between them.
    ///
    /// Only when `each` holds for the bytes of every one of those texts, too (looked at in the
    /// same pass, for as long as they lie so).
    pub(crate) fn delimited_texts(
        &self,
        n: usize,
        delimiter: u8,
        each: impl Fn(&[u8]) -> bool,
    ) -> Option<&str> {
        let mut cells = self.cells.get(..n)?.iter();
        let Some(Cell::Text(first)) = cells.next() else {
            return None;
        };
        let bytes = self.text.as_bytes();
        if !each(bytes.get(first.clone())?) {
            return None;
        }
        let mut end = first.end;
        for c in cells {
            match c {
                Cell::Text(r) if r.start == end + 1 && bytes.get(end) == Some(&delimiter) => {
                    if !each(bytes.get(r.clone())?) {
                        return None;
                    }
                    end = r.end;
                }
                _ => return None,
            }
        }
        self.text.get(first.start..end)
    }

    /// Value `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<RowValue<'_>> {
        self.cells.get(i).map(|c| self.value(c))
    }

    /// The values in order.
    pub fn iter(&self) -> impl Iterator<Item = RowValue<'_>> + '_ {
        self.cells.iter().map(|c| self.value(c))
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
    fn delimited_texts_have_one_delimiter_between_each_two() {
        let mut row = RowValues::default();
        row.push_texts("a,bc,,d;e", [0..1, 2..4, 5..5, 6..7, 8..9]);
        assert_eq!(row.delimited_texts(4, b',', |_| true), Some("a,bc,,d"));
        assert_eq!(row.delimited_texts(1, b',', |_| true), Some("a"));
        // `d` and `e` are separated by another byte.
        assert_eq!(row.delimited_texts(5, b',', |_| true), None);
        assert_eq!(row.delimited_texts(4, b';', |_| true), None);
        assert_eq!(row.delimited_texts(6, b',', |_| true), None);
        assert_eq!(row.delimited_texts(0, b',', |_| true), None);
        let mut back = RowValues::default();
        back.push_texts("abcd", [0..2, 2..4]);
        assert_eq!(back.delimited_texts(2, b',', |_| true), None);
        let mut gap = RowValues::default();
        gap.push_texts("ab,,cd", [0..2, 4..6]);
        assert_eq!(gap.delimited_texts(2, b',', |_| true), None);
    }

    #[test]
    fn delimited_texts_ask_of_every_text_of_the_run() {
        let mut row = RowValues::default();
        row.push_texts("a,b c,d", [0..1, 2..5, 6..7]);
        let no_space = |t: &[u8]| !t.contains(&b' ');
        assert_eq!(row.delimited_texts(1, b',', no_space), Some("a"));
        assert_eq!(row.delimited_texts(2, b',', no_space), None);
        assert_eq!(row.delimited_texts(3, b',', |_| true), Some("a,b c,d"));
        let not_d = |t: &[u8]| t != b"d";
        assert_eq!(row.delimited_texts(2, b',', not_d), Some("a,b c"));
        assert_eq!(row.delimited_texts(3, b',', not_d), None);
        let not_a = |t: &[u8]| t != b"a";
        assert_eq!(row.delimited_texts(3, b',', not_a), None);
    }
}
