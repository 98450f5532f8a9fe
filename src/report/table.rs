//! The terminal table, streamed: column widths are measured on the first rows, then every row
//! is laid out as it comes, on the thread that encodes it.
//!
//! Until the widths are known, an encoder writes a row as its cells' text, each cell ended by
//! [`CELL_END`] and the row by [`ROW_END`]; the writer holds those rows, measures them, prints the header and them, and
//! publishes the widths. From then on encoders write rows already laid out, which the writer
//! copies through: nothing is held but the first rows.

use std::io::{self, Write};
use std::sync::{Arc, OnceLock};

/// How many rows the text table holds, at least, to measure its column widths before it
/// prints anything (a batch larger than this is measured whole). Later rows are printed at
/// once; a wider cell overflows its column rather than being cut.
pub const TABLE_SAMPLE_ROWS: usize = 1_000;

/// The widest a column is made, in characters; longer cells are cut with `…`.
const MAX_WIDTH: usize = 60;

/// Ends each cell of a row not yet laid out (ASCII unit separator; a cell's own separators
/// become spaces, see [`push_cell`]).
const CELL_END: char = '\u{1f}';
/// Ends each row not yet laid out (ASCII record separator), so that a cell may hold a line
/// break.
const ROW_END: char = '\u{1e}';

/// The column widths, in characters, once measured: shared by a table's writer (which sets
/// them) and its encoders (which lay rows out with them).
pub(crate) type SharedWidths = Arc<OnceLock<Vec<usize>>>;

fn width(s: &str) -> usize {
    s.chars().count()
}

/// Appends one cell's text to a row being built (see [`encode_row`]).
pub(crate) fn push_cell(row: &mut String, cell: &str) {
    if cell.contains([CELL_END, ROW_END]) {
        row.extend(cell.chars().map(|c| match c {
            CELL_END | ROW_END => ' ',
            c => c,
        }));
    } else {
        row.push_str(cell);
    }
    row.push(CELL_END);
}

/// Appends the row whose cells [`push_cell`] put in `row` to `out`: laid out with `widths`
/// when they are known (returns `true`), else as the cells' text for the writer to measure.
pub(crate) fn encode_row(out: &mut Vec<u8>, widths: Option<&[usize]>, row: &str) -> bool {
    match widths {
        Some(widths) => {
            lay_out(out, widths, row);
            true
        }
        None => {
            out.extend_from_slice(row.as_bytes());
            out.push(ROW_END as u8);
            false
        }
    }
}

/// The rows written by [`encode_row`] before the widths were known.
fn raw_rows(text: &str) -> impl Iterator<Item = &str> {
    text.strip_suffix(ROW_END)
        .unwrap_or(text)
        .split(ROW_END)
        .filter(|_| !text.is_empty())
}

/// The cells of a row written by [`encode_row`] before the widths were known.
fn cells(row: &str) -> impl Iterator<Item = &str> {
    row.strip_suffix(CELL_END).unwrap_or(row).split(CELL_END)
}

/// Appends one row padded to `widths` (the last cell unpadded, trailing blanks trimmed),
/// cells longer than [`MAX_WIDTH`] cut with `…`.
fn lay_out(out: &mut Vec<u8>, widths: &[usize], row: &str) {
    let mut s = String::with_capacity(row.len() + 16);
    let count = cells(row).count();
    for (i, c) in cells(row).enumerate() {
        let wd = widths.get(i).copied().unwrap_or(0);
        let mut chars = 0;
        for ch in c.chars().take(MAX_WIDTH) {
            s.push(ch);
            chars += 1;
        }
        if chars == MAX_WIDTH && c.chars().nth(MAX_WIDTH).is_some() {
            s.pop();
            s.push('…');
        }
        if i + 1 < count {
            s.extend(std::iter::repeat_n(' ', wd.saturating_sub(chars) + 2));
        }
    }
    out.extend_from_slice(s.trim_end().as_bytes());
    out.push(b'\n');
}

/// Rows held until the widths are known, then copied through as they come.
#[derive(Debug)]
pub(crate) struct TableWriter {
    columns: Vec<String>,
    /// Rows not yet laid out, as [`encode_row`] writes them.
    held: String,
    held_rows: usize,
    widths: SharedWidths,
}

impl TableWriter {
    /// A writer of a table with these `columns`, publishing its widths in `widths`.
    pub(crate) fn new(columns: Vec<String>, widths: SharedWidths) -> TableWriter {
        TableWriter {
            columns,
            held: String::new(),
            held_rows: 0,
            widths,
        }
    }

    /// Takes `rows` rows encoded in `bytes` (laid out already, or not: `laid_out`), printing
    /// them once the widths are known.
    pub(crate) fn write(
        &mut self,
        w: &mut impl Write,
        bytes: &[u8],
        rows: u64,
        laid_out: bool,
    ) -> io::Result<()> {
        if laid_out {
            return w.write_all(bytes);
        }
        let text = String::from_utf8_lossy(bytes);
        match self.widths.get() {
            Some(widths) => {
                let mut out = Vec::with_capacity(bytes.len() * 2);
                for row in raw_rows(&text) {
                    lay_out(&mut out, widths, row);
                }
                w.write_all(&out)
            }
            None => {
                self.held.push_str(&text);
                self.held_rows += usize::try_from(rows).unwrap_or(usize::MAX);
                if self.held_rows >= TABLE_SAMPLE_ROWS {
                    self.print_held(w)?;
                }
                Ok(())
            }
        }
    }

    /// Prints what is held (with the header, if not yet printed).
    pub(crate) fn finish(&mut self, w: &mut impl Write) -> io::Result<()> {
        if self.widths.get().is_none() {
            self.print_held(w)?;
        }
        Ok(())
    }

    /// How many rows are held, waiting for the widths.
    #[cfg(test)]
    fn held_rows(&self) -> usize {
        self.held_rows
    }

    /// How many bytes of rows are held, waiting for the widths.
    #[cfg(test)]
    pub(crate) fn held_bytes(&self) -> usize {
        self.held.len()
    }

    /// Measures the widths on the held rows, prints the header and them, and publishes the
    /// widths.
    fn print_held(&mut self, w: &mut impl Write) -> io::Result<()> {
        let mut widths: Vec<usize> = self.columns.iter().map(|c| width(c)).collect();
        for r in raw_rows(&self.held) {
            for (i, c) in cells(r).enumerate() {
                if let Some(wd) = widths.get_mut(i) {
                    *wd = (*wd).max(width(c).min(MAX_WIDTH));
                }
            }
        }
        let mut out = Vec::with_capacity(self.held.len() * 2);
        let mut header = String::new();
        for c in &self.columns {
            push_cell(&mut header, c);
        }
        lay_out(&mut out, &widths, &header);
        for r in raw_rows(&self.held) {
            lay_out(&mut out, &widths, r);
        }
        self.held = String::new();
        self.held_rows = 0;
        // Only this writer sets the widths, once.
        let _ = self.widths.set(widths);
        w.write_all(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` rows of two cells, not laid out.
    fn rows(n: usize, text: &str) -> Vec<u8> {
        let mut out = Vec::new();
        for i in 0..n {
            let mut row = String::new();
            push_cell(&mut row, &format!("{text}{i}"));
            push_cell(&mut row, "x");
            encode_row(&mut out, None, &row);
        }
        out
    }

    #[test]
    fn widths_come_from_the_first_rows_and_later_rows_stream() -> io::Result<()> {
        let widths = SharedWidths::default();
        let mut t = TableWriter::new(vec!["id".into(), "v".into()], Arc::clone(&widths));
        let mut out = Vec::new();
        t.write(&mut out, &rows(3, "a"), 3, false)?;
        // Fewer rows than the sample: nothing printed yet.
        assert!(out.is_empty());
        assert_eq!(t.held_rows(), 3);
        let n = TABLE_SAMPLE_ROWS;
        t.write(&mut out, &rows(n, "b"), n as u64, false)?;
        let printed = out.len();
        assert!(printed > 0);
        // Nothing is held once the widths are known, and encoders see them.
        assert_eq!(t.held_rows(), 0);
        assert_eq!(widths.get().map(Vec::as_slice), Some(&[4, 1][..]));
        // Later rows are laid out by their encoder, a wider cell overflowing its column.
        let mut row = String::new();
        push_cell(&mut row, "a-much-wider-identifier");
        push_cell(&mut row, "y");
        let mut batch = Vec::new();
        assert!(encode_row(
            &mut batch,
            widths.get().map(Vec::as_slice),
            &row
        ));
        t.write(&mut out, &batch, 1, true)?;
        // A row encoded before the widths were known is laid out by the writer.
        t.write(&mut out, &rows(1, "c"), 1, false)?;
        let text = String::from_utf8_lossy(&out).to_string();
        assert!(
            text.ends_with("b999  x\na-much-wider-identifier  y\nc0    x\n"),
            "{text}"
        );
        assert!(text.starts_with("id    v\na0    x\n"), "{text}");
        t.finish(&mut out)?;
        assert_eq!(out.len(), text.len());
        Ok(())
    }

    #[test]
    fn a_short_table_is_printed_at_the_end() -> io::Result<()> {
        let mut t = TableWriter::new(vec!["id".into(), "v".into()], SharedWidths::default());
        let mut out = Vec::new();
        t.write(&mut out, &rows(2, "abc"), 2, false)?;
        assert!(out.is_empty());
        t.finish(&mut out)?;
        assert_eq!(String::from_utf8_lossy(&out), "id    v\nabc0  x\nabc1  x\n");
        Ok(())
    }

    #[test]
    fn long_cells_are_cut_and_separators_in_cells_become_spaces() {
        let long = "é".repeat(MAX_WIDTH + 5);
        let mut row = String::new();
        push_cell(&mut row, &long);
        push_cell(&mut row, "a\u{1f}b\u{1e}");
        push_cell(&mut row, "");
        let mut out = Vec::new();
        encode_row(&mut out, Some(&[MAX_WIDTH, 3, 1]), &row);
        let want = format!("{}…  a b", "é".repeat(MAX_WIDTH - 1));
        assert_eq!(String::from_utf8_lossy(&out), format!("{want}\n"));
    }
}
