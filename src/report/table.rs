//! The terminal table, streamed: column widths are measured on the first rows, then every row
//! is printed as it comes.

use std::io::{self, Write};

/// How many rows the text table holds, at least, to measure its column widths before it
/// prints anything (a batch larger than this is measured whole). Later rows are printed at
/// once; a wider cell overflows its column rather than being cut.
pub const TABLE_SAMPLE_ROWS: usize = 1_000;

/// The widest a column is made, in characters; longer cells are cut with `…`.
const MAX_WIDTH: usize = 60;

/// Rows held until the widths are known, then printed as they come.
#[derive(Debug)]
pub(crate) struct TableWriter {
    columns: Vec<String>,
    held: Vec<Vec<String>>,
    widths: Option<Vec<usize>>,
}

fn width(s: &str) -> usize {
    s.chars().count()
}

impl TableWriter {
    pub(crate) fn new(columns: Vec<String>) -> TableWriter {
        TableWriter {
            columns,
            held: Vec::new(),
            widths: None,
        }
    }

    /// Takes the rows of `rows` (emptied), printing them once the widths are known.
    pub(crate) fn write(
        &mut self,
        w: &mut impl Write,
        rows: &mut Vec<Vec<String>>,
    ) -> io::Result<()> {
        match &self.widths {
            Some(widths) => {
                for r in rows.drain(..) {
                    line(w, widths, &r)?;
                }
                Ok(())
            }
            None => {
                self.held.append(rows);
                if self.held.len() >= TABLE_SAMPLE_ROWS {
                    self.print_held(w)?;
                }
                Ok(())
            }
        }
    }

    /// Prints what is held (with the header, if not yet printed).
    pub(crate) fn finish(&mut self, w: &mut impl Write) -> io::Result<()> {
        if self.widths.is_none() {
            self.print_held(w)?;
        }
        Ok(())
    }

    /// Measures the widths on the held rows, prints the header and them.
    fn print_held(&mut self, w: &mut impl Write) -> io::Result<()> {
        let mut widths: Vec<usize> = self.columns.iter().map(|c| width(c)).collect();
        for r in &self.held {
            for (i, c) in r.iter().enumerate() {
                if let Some(wd) = widths.get_mut(i) {
                    *wd = (*wd).max(width(c).min(MAX_WIDTH));
                }
            }
        }
        line(w, &widths, &self.columns)?;
        for r in self.held.drain(..) {
            line(w, &widths, &r)?;
        }
        self.widths = Some(widths);
        Ok(())
    }
}

/// Prints one row padded to `widths` (the last cell unpadded), cells longer than
/// [`MAX_WIDTH`] cut with `…`.
fn line(w: &mut impl Write, widths: &[usize], cells: &[String]) -> io::Result<()> {
    let mut s = String::new();
    for (i, c) in cells.iter().enumerate() {
        let wd = widths.get(i).copied().unwrap_or(0);
        let mut cut: String = c.chars().take(MAX_WIDTH).collect();
        if width(&cut) < width(c) {
            cut.pop();
            cut.push('…');
        }
        if i + 1 < cells.len() {
            s.push_str(&format!("{cut:<wd$}  "));
        } else {
            s.push_str(&cut);
        }
    }
    writeln!(w, "{}", s.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize, text: &str) -> Vec<Vec<String>> {
        (0..n)
            .map(|i| vec![format!("{text}{i}"), "x".into()])
            .collect()
    }

    #[test]
    fn widths_come_from_the_first_rows_and_later_rows_stream() -> io::Result<()> {
        let mut t = TableWriter::new(vec!["id".into(), "v".into()]);
        let mut out = Vec::new();
        t.write(&mut out, &mut rows(3, "a"))?;
        // Fewer rows than the sample: nothing printed yet.
        assert!(out.is_empty());
        t.write(&mut out, &mut rows(TABLE_SAMPLE_ROWS, "b"))?;
        let printed = out.len();
        assert!(printed > 0);
        // Later rows are printed at once, a wider cell overflowing its column.
        t.write(
            &mut out,
            &mut vec![vec!["a-much-wider-identifier".into(), "y".into()]],
        )?;
        let text = String::from_utf8_lossy(&out).to_string();
        assert!(text.ends_with("a-much-wider-identifier  y\n"), "{text}");
        assert!(text.starts_with("id    v\na0    x\n"), "{text}");
        t.finish(&mut out)?;
        assert_eq!(out.len(), text.len());
        Ok(())
    }

    #[test]
    fn a_short_table_is_printed_at_the_end() -> io::Result<()> {
        let mut t = TableWriter::new(vec!["id".into(), "v".into()]);
        let mut out = Vec::new();
        t.write(&mut out, &mut rows(2, "abc"))?;
        t.finish(&mut out)?;
        assert_eq!(String::from_utf8_lossy(&out), "id    v\nabc0  x\nabc1  x\n");
        Ok(())
    }
}
