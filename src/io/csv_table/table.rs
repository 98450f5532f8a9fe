//! A CSV table read whole into memory through a [`CsvSource`]: header checks, the physical
//! line of every row, and access by column name. The dataset's tables are read this way.

use super::{block_records, row_too_long, CsvSource, Next, Opening};
use crate::io::DEFAULT_MAX_ROW_BYTES;
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

/// How many bytes of records are split at a time.
const BLOCK_BYTES: usize = 1 << 20;

impl Table {
    /// Parses `bytes` as a CSV table named `file` with at least the `required` columns.
    ///
    /// Problems (empty file, missing or duplicate columns, malformed rows, rows longer than
    /// [`DEFAULT_MAX_ROW_BYTES`], bad UTF-8) are appended to `problems`; rows that cannot be
    /// read are skipped. Returns `None` when the header itself is unusable.
    pub(crate) fn parse(
        file: &str,
        bytes: &[u8],
        required: &[&str],
        problems: &mut Vec<Problem>,
    ) -> Option<Table> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let problem =
            |line: u64, message: String| Problem::new(file, Location::Line(line), message);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            problems.push(Problem::new(
                file,
                Location::File,
                "empty file (expected a header line)",
            ));
            return None;
        }
        let (mut source, header, header_line) =
            match CsvSource::open(bytes.to_vec(), true, std::io::empty()) {
                Ok(opened) => opened,
                Err(Opening::Invalid(line, message)) => {
                    problems.push(problem(line, message));
                    return None;
                }
                Err(Opening::Io(e)) => {
                    problems.push(Problem::new(
                        file,
                        Location::File,
                        format!("read error: {e}"),
                    ));
                    return None;
                }
            };
        let header = match csv::StringRecord::from_byte_record(header) {
            Ok(h) => h,
            Err(e) => {
                let field = e.utf8_error().field() + 1;
                problems.push(problem(
                    header_line,
                    format!("invalid UTF-8 in field {field}"),
                ));
                return None;
            }
        };
        let columns: Vec<String> = header.iter().map(|c| c.trim().to_string()).collect();
        let mut ok = true;
        for (i, c) in columns.iter().enumerate() {
            if columns[..i].contains(c) {
                problems.push(problem(1, format!("duplicate column {c:?}")));
                ok = false;
            }
        }
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|r| !columns.iter().any(|c| c == r))
            .collect();
        if !missing.is_empty() {
            problems.push(problem(
                1,
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
        let mut lines = Lines::new(bytes);
        let mut rows = Vec::new();
        let delimiter = source.delimiter;
        loop {
            let (block, first_line, first_byte) =
                match source.next_block(BLOCK_BYTES, DEFAULT_MAX_ROW_BYTES) {
                    Ok(None) => break,
                    Ok(Some(Next::TooLong(line))) => {
                        problems.push(problem(line, row_too_long(DEFAULT_MAX_ROW_BYTES)));
                        continue;
                    }
                    Ok(Some(Next::Records {
                        bytes,
                        first_line,
                        first_byte,
                    })) => (bytes, first_line, first_byte),
                    Err((line, e)) => {
                        problems.push(problem(line, format!("read error: {e}")));
                        break;
                    }
                };
            block_records(&block, first_line, delimiter, |record, _, text| {
                let line = lines
                    .at(first_byte
                        .saturating_add(u64::try_from(record.start()).unwrap_or(u64::MAX)));
                if text.len() > DEFAULT_MAX_ROW_BYTES {
                    problems.push(problem(line, row_too_long(DEFAULT_MAX_ROW_BYTES)));
                    return;
                }
                if record.iter().all(|f| f.trim_ascii().is_empty()) {
                    return;
                }
                if record.len() > columns.len() {
                    problems.push(problem(
                        line,
                        format!(
                            "{} fields, but the header has {}",
                            record.len(),
                            columns.len()
                        ),
                    ));
                    return;
                }
                match csv::StringRecord::from_byte_record(record.iter().collect()) {
                    Ok(r) => rows.push((line, r)),
                    Err(e) => {
                        let field = e.utf8_error().field();
                        let message = match columns.get(field) {
                            Some(c) => format!("invalid UTF-8 in field {} ({c})", field + 1),
                            None => format!("invalid UTF-8 in field {}", field + 1),
                        };
                        problems.push(problem(line, message));
                    }
                }
            });
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

    /// The dataset's tables are read by the same reader as incident tables, with the same
    /// bound on a row: a longer one is a problem for that row, and the rows after it are read
    /// on their own lines.
    #[test]
    fn a_row_longer_than_the_limit_is_reported_and_skipped() {
        let mut text = b"id,note\r\na,\"".to_vec();
        text.extend(std::iter::repeat_n(b'x', DEFAULT_MAX_ROW_BYTES));
        text.extend_from_slice(b"\nmore\"\r\nb,y\r\n");
        let mut p = Vec::new();
        let t = Table::parse("t.csv", &text, &["id"], &mut p).unwrap();
        let p: Vec<String> = p.iter().map(ToString::to_string).collect();
        assert_eq!(
            p,
            ["t.csv:2: row longer than 16 MiB, the limit for one row; skipped"]
        );
        let rows: Vec<_> = t
            .rows()
            .map(|r| (r.line, r.get("id").to_string()))
            .collect();
        assert_eq!(rows, vec![(4, "b".to_string())]);
    }

    #[test]
    fn bad_rows_are_each_reported_and_the_others_kept() {
        let text = b"id,note\na,x\nb,\xff\nc,x,extra\n\n  ,  \nd,\"quoted\nline\"\ne,x\n";
        let mut p = Vec::new();
        let t = Table::parse("t.csv", text, &["id"], &mut p).unwrap();
        let p: Vec<String> = p.iter().map(ToString::to_string).collect();
        assert_eq!(
            p,
            [
                "t.csv:3: invalid UTF-8 in field 2 (note)",
                "t.csv:4: 3 fields, but the header has 2",
            ]
        );
        let rows: Vec<_> = t
            .rows()
            .map(|r| (r.line, r.get("id").to_string()))
            .collect();
        let want = [(2, "a"), (7, "d"), (9, "e")].map(|(l, id)| (l, id.to_string()));
        assert_eq!(rows, want);
    }

    #[test]
    fn header_problems_are_all_reported() {
        let mut p = Vec::new();
        assert!(Table::parse("t.csv", b"id,\xffx\n1,2\n", &["id"], &mut p).is_none());
        assert_eq!(p[0].to_string(), "t.csv:1: invalid UTF-8 in field 2");
        let mut p = Vec::new();
        assert!(Table::parse("t.csv", b"id,a,a,id\n", &["id", "b"], &mut p).is_none());
        let p: Vec<String> = p.iter().map(ToString::to_string).collect();
        assert_eq!(
            p,
            [
                "t.csv:1: duplicate column \"a\"",
                "t.csv:1: duplicate column \"id\"",
                "t.csv:1: missing required column b (header has: id, a, a, id)",
            ]
        );
    }
}
