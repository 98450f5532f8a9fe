//! Reading the dataset's CSV tables: header checks, line numbers, per-row access by column name.

use crate::io::incidents::sniff_delimiter;
use crate::{Location, Problem};

/// A CSV table read into memory, with the physical line number of every row.
pub(crate) struct Table {
    file: String,
    columns: Vec<String>,
    rows: Vec<(u64, csv::StringRecord)>,
}

/// One row of a [`Table`], with access by column name and problem reporting.
pub(crate) struct Row<'a> {
    table: &'a Table,
    record: &'a csv::StringRecord,
    /// The row's first physical line (header = 1).
    pub line: u64,
}

impl Table {
    /// Parses `bytes` as a CSV table named `file` with at least the `required` columns.
    ///
    /// Problems (empty file, missing or duplicate columns, malformed rows, bad UTF-8) are
    /// appended to `problems`; rows that cannot be read are skipped. Returns `None` when the
    /// header itself is unusable.
    pub(crate) fn parse(
        file: &str,
        bytes: &[u8],
        required: &[&str],
        problems: &mut Vec<Problem>,
    ) -> Option<Table> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            problems.push(Problem::new(
                file,
                Location::File,
                "empty file (expected a header line)",
            ));
            return None;
        }
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(sniff_delimiter(
                bytes.split(|&b| b == b'\n').next().unwrap_or(&[]),
            ))
            .flexible(true)
            .from_reader(bytes);
        let mut lines = Lines::new(bytes);
        let header = match rdr.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                let line = e.position().map_or(1, |p| lines.at(p.byte()));
                problems.push(Problem::new(
                    file,
                    Location::Line(line),
                    csv_message(&e, &[]),
                ));
                return None;
            }
        };
        let columns: Vec<String> = header.iter().map(|c| c.trim().to_string()).collect();
        let mut ok = true;
        for (i, c) in columns.iter().enumerate() {
            if columns[..i].contains(c) {
                problems.push(Problem::new(
                    file,
                    Location::Line(1),
                    format!("duplicate column {c:?}"),
                ));
                ok = false;
            }
        }
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|r| !columns.iter().any(|c| c == r))
            .collect();
        if !missing.is_empty() {
            problems.push(Problem::new(
                file,
                Location::Line(1),
                format!(
                    "missing required column{} {} (header has: {})",
                    if missing.len() == 1 { "" } else { "s" },
                    missing.join(", "),
                    columns.join(", ")
                ),
            ));
            ok = false;
        }
        if !ok {
            return None;
        }
        let mut rows = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            let line = lines.at(rdr.position().byte());
            match rdr.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = record.position().map_or(line, |p| lines.at(p.byte()));
                    if record.iter().all(|f| f.trim().is_empty()) {
                        continue;
                    }
                    if record.len() > columns.len() {
                        problems.push(Problem::new(
                            file,
                            Location::Line(line),
                            format!(
                                "{} fields, but the header has {}",
                                record.len(),
                                columns.len()
                            ),
                        ));
                        continue;
                    }
                    rows.push((line, record.clone()));
                }
                Err(e) => {
                    let line = e.position().map_or(line, |p| lines.at(p.byte()));
                    problems.push(Problem::new(
                        file,
                        Location::Line(line),
                        csv_message(&e, &columns),
                    ));
                    if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                        break;
                    }
                }
            }
        }
        Some(Table {
            file: file.to_string(),
            columns,
            rows,
        })
    }

    /// The file name shown in messages.
    pub(crate) fn file(&self) -> &str {
        &self.file
    }

    /// The header's column names, trimmed.
    pub(crate) fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The rows in file order.
    pub(crate) fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(move |(line, record)| Row {
            table: self,
            record,
            line: *line,
        })
    }
}

impl Row<'_> {
    /// The trimmed value of `column`, or `""` when the row is short or the column absent.
    pub(crate) fn get(&self, column: &str) -> &str {
        self.table
            .columns
            .iter()
            .position(|c| c == column)
            .and_then(|i| self.record.get(i))
            .map_or("", str::trim)
    }

    /// The row's fields as read.
    pub(crate) fn record(&self) -> &csv::StringRecord {
        self.record
    }

    /// A problem at this row.
    pub(crate) fn problem(&self, message: impl Into<String>) -> Problem {
        Problem::new(&self.table.file, Location::Line(self.line), message)
    }
}

/// Physical line numbers of the records of a CSV text, counted from byte offsets.
///
/// The csv reader's own line count is wrong after a CRLF line end, a blank line or a lone CR
/// (it counts from where the previous record ended, not where the next one starts), so lines
/// are counted here: `\n`, `\r\n` and a lone `\r` each end a line.
struct Lines<'b> {
    bytes: &'b [u8],
    /// Offset up to which line ends have been counted.
    pos: usize,
    /// The line on which `pos` lies (first line = 1).
    line: u64,
}

impl<'b> Lines<'b> {
    fn new(bytes: &'b [u8]) -> Self {
        Lines {
            bytes,
            pos: 0,
            line: 1,
        }
    }

    /// The line on which the record read from byte `offset` begins: line ends before its first
    /// byte (blank lines, the rest of a CRLF) are skipped, as the reader skips them.
    fn at(&mut self, offset: u64) -> u64 {
        let len = self.bytes.len();
        let mut start = usize::try_from(offset).map_or(len, |o| o.min(len));
        while let Some(b'\r' | b'\n') = self.bytes.get(start) {
            start += 1;
        }
        if start < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        for i in self.pos..start {
            let ends_line = match self.bytes.get(i) {
                Some(b'\n') => true,
                Some(b'\r') => self.bytes.get(i + 1) != Some(&b'\n'),
                _ => false,
            };
            if ends_line {
                self.line += 1;
            }
        }
        self.pos = start;
        self.line
    }
}

/// A one-line description of a CSV error, without the position (the caller adds it);
/// `columns` names the field of an encoding error.
pub(crate) fn csv_message(e: &csv::Error, columns: &[String]) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => match columns.get(err.field()) {
            Some(c) => format!("invalid UTF-8 in field {} ({c})", err.field() + 1),
            None => format!("invalid UTF-8 in field {}", err.field() + 1),
        },
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("{len} fields, but the header has {expected_len}")
        }
        csv::ErrorKind::Io(err) => format!("read error: {err}"),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_with_physical_lines() {
        let mut p = Vec::new();
        let text = b"\xEF\xBB\xBFid,note\r\na,\"two\r\nlines\"\r\nb,x\r\n";
        let t = Table::parse("t.csv", text, &["id"], &mut p).unwrap();
        assert!(p.is_empty(), "{p:?}");
        let rows: Vec<_> = t
            .rows()
            .map(|r| (r.line, r.get("id").to_string()))
            .collect();
        assert_eq!(rows, vec![(2, "a".to_string()), (4, "b".to_string())]);
    }

    #[test]
    fn blank_lines_and_lone_cr_keep_physical_lines() {
        for text in [
            &b"id,note\n\na,x\n\n\nb,y\n"[..],
            b"id,note\r\n\r\na,x\r\n\r\n\r\nb,y",
            b"id,note\r\ra,x\r\r\rb,y\r",
        ] {
            let mut p = Vec::new();
            let t = Table::parse("t.csv", text, &["id"], &mut p).unwrap();
            assert!(p.is_empty(), "{p:?}");
            let lines: Vec<u64> = t.rows().map(|r| r.line).collect();
            assert_eq!(lines, vec![3, 6], "{:?}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn reports_missing_columns_and_semicolons() {
        let mut p = Vec::new();
        assert!(Table::parse(
            "t.csv",
            b"id;date\n1;2006\n",
            &["id", "date", "lat"],
            &mut p
        )
        .is_none());
        assert_eq!(
            p[0].to_string(),
            "t.csv:1: missing required column lat (header has: id, date)"
        );
    }

    #[test]
    fn empty_file_is_a_problem() {
        let mut p = Vec::new();
        assert!(Table::parse("t.csv", b"", &["id"], &mut p).is_none());
        assert_eq!(
            p[0].to_string(),
            "t.csv: empty file (expected a header line)"
        );
    }
}
