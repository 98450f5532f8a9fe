//! Splitting a block of whole CSV records (see the `blocks` module) into fields, by the `csv`
//! crate's own state machine ([`csv_core::Reader`]) driven directly over the block.
//!
//! The records and fields are the ones [`csv::Reader`] gives (flexible, without headers), and
//! property tests check it against that reader on random bytes. What is saved is its
//! handling around the state machine: copying the block into the reader's buffer, each
//! record into a [`csv::ByteRecord`] and its field bounds out again, and checking each
//! record's bytes for UTF-8 on their own. Here a record's fields are ranges:
//!
//! - of the block itself when the record holds no double quote (the usual row), the state
//!   machine then dropping none of its bytes but the delimiters; the block is checked for
//!   UTF-8 once;
//! - of the unquoted copy the state machine writes, otherwise.
//!
//! No CSV is parsed by hand here: the records are the state machine's. Measured gain on the
//! README benchmark (100,000 rows, one thread, callgrind, whole process): 14.7 M of
//! 1,359.4 M instructions (1.1%), the state machine itself (68.9 M) being most of what
//! splitting costs; see BENCHMARKS.md, "Rows split by the csv crate's state machine".

use std::ops::Range;

use csv_core::ReadRecordResult;

/// One record of a block, as [`split_records`] gives it.
pub(crate) struct Record<'a> {
    /// The bytes that [`Record::spans`] index: the record as written (delimiters between the
    /// fields), or its unquoted fields end to end.
    pub(crate) bytes: &'a [u8],
    /// The same bytes as text, when they are valid UTF-8.
    pub(crate) text: Option<&'a str>,
    /// Where each field lies in [`Record::bytes`].
    pub(crate) spans: &'a [Range<usize>],
    /// The line the record starts on.
    pub(crate) line: u64,
    /// Its length in bytes in the input, from its first byte to its line end (not counted).
    pub(crate) len: usize,
    /// Where reading it began in the block: after the previous record, before the blank
    /// lines skipped ahead of this one.
    pub(crate) start: usize,
}

impl Record<'_> {
    /// The fields' bytes, unquoted, in order.
    pub(crate) fn fields(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.spans
            .iter()
            .map(|r| self.bytes.get(r.clone()).unwrap_or(&[]))
    }
}

/// Calls `f` with each record of a block of whole CSV records that starts on `first_line`
/// (the records of the input from where the block starts; at its end, the end of the last
/// record).
pub(crate) fn split_records(
    bytes: &[u8],
    first_line: u64,
    delimiter: u8,
    mut f: impl FnMut(Record<'_>),
) {
    let mut reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut out = vec![0u8; 1024];
    let mut ends = vec![0usize; 32];
    let mut spans: Vec<Range<usize>> = Vec::new();
    // A fresh reader drops a byte order mark at the start of its input; a block is not the
    // start of the input (the opening drops a leading one), so the reader is first given a
    // blank line. Lines are counted from the reader's count after it.
    let _ = reader.read_record(b"\n", &mut out, &mut ends);
    let lines_at_start = reader.line();
    let text = std::str::from_utf8(bytes).ok();
    let quotes = memchr::memchr(b'"', bytes).is_some();
    let mut at = 0;
    loop {
        let start = at;
        let lines_before = reader.line();
        let (mut nout, mut nend) = (0, 0);
        loop {
            let input = bytes.get(at..).unwrap_or(&[]);
            let (result, nin, o, e) = reader.read_record(
                input,
                out.get_mut(nout..).unwrap_or(&mut []),
                ends.get_mut(nend..).unwrap_or(&mut []),
            );
            at += nin;
            nout += o;
            nend += e;
            match result {
                ReadRecordResult::InputEmpty if !input.is_empty() => {}
                ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                ReadRecordResult::Record => break,
                // The end, or (never seen) no record from the end of the input either.
                ReadRecordResult::End | ReadRecordResult::InputEmpty => return,
            }
        }
        // Blank lines the reader skipped before the record's first byte.
        let (mut first, mut blank_lines) = (start, 0);
        while first < at {
            match bytes.get(first) {
                Some(b'\n') => blank_lines += 1,
                Some(b'\r') => {}
                _ => break,
            }
            first += 1;
        }
        let ends_a_line = at > first && matches!(bytes.get(at - 1), Some(b'\n' | b'\r'));
        let len = at - first - usize::from(ends_a_line);
        let line = first_line + lines_before.saturating_sub(lines_at_start) + blank_lines;
        let ends = ends.get(..nend).unwrap_or(&[]);
        let unquoted = ends.last().copied().unwrap_or(0);
        spans.clear();
        let written = bytes.get(first..first + len).unwrap_or(&[]);
        // Without a quote the state machine drops nothing of a record but its delimiters (a
        // quoted field may end in a line break that is data, at the end of the input).
        let unquoted_as_written = len == unquoted + ends.len().saturating_sub(1)
            && !(quotes && memchr::memchr(b'"', written).is_some());
        let record = if unquoted_as_written {
            // Field `i` is its unquoted range shifted by the `i` delimiters before it.
            let mut from = 0;
            spans.extend(ends.iter().enumerate().map(|(i, &end)| {
                let span = from + i..end + i;
                from = end;
                span
            }));
            Record {
                bytes: written,
                text: match text {
                    Some(t) => t.get(first..first + len),
                    None => std::str::from_utf8(written).ok(),
                },
                spans: &spans,
                line,
                len,
                start,
            }
        } else {
            let mut from = 0;
            spans.extend(ends.iter().map(|&end| {
                let span = from..end;
                from = end;
                span
            }));
            let fields = out.get(..unquoted).unwrap_or(&[]);
            Record {
                bytes: fields,
                text: std::str::from_utf8(fields).ok(),
                spans: &spans,
                line,
                len,
                start,
            }
        };
        f(record);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use csv::ByteRecord;
    use proptest::prelude::*;

    /// Each record of `input` as `split_records` gives it: fields, line, length, and whether
    /// its text is known.
    fn split(input: &[u8], first_line: u64, delimiter: u8) -> Vec<(Vec<Vec<u8>>, u64, usize)> {
        let mut out = Vec::new();
        split_records(input, first_line, delimiter, |r| {
            assert_eq!(r.text.is_some(), std::str::from_utf8(r.bytes).is_ok());
            assert_eq!(r.fields().count(), r.spans.len());
            out.push((r.fields().map(<[u8]>::to_vec).collect(), r.line, r.len));
        });
        out
    }

    /// The same by the `csv` crate's reader over the input after a blank line (as a block
    /// inside a file is read: a byte order mark there is data): fields, the line the first
    /// byte is on, and the length from it to the line end.
    fn by_csv(input: &[u8], first_line: u64, delimiter: u8) -> Vec<(Vec<Vec<u8>>, u64, usize)> {
        let framed = [b"\n", input].concat();
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(framed.as_slice());
        let mut record = ByteRecord::new();
        let mut out = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let from = record.position().unwrap().byte() as usize;
            let to = reader.position().byte() as usize;
            let blank = framed[from..to]
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .count();
            let first = from + blank;
            let lf = framed[..first].iter().filter(|&&b| b == b'\n').count() as u64;
            let ends_a_line = to > first && matches!(framed[to - 1], b'\n' | b'\r');
            out.push((
                record.iter().map(<[u8]>::to_vec).collect(),
                first_line + lf - 1,
                to - first - usize::from(ends_a_line),
            ));
        }
        out
    }

    fn same(input: &str) {
        assert_eq!(
            split(input.as_bytes(), 5, b','),
            by_csv(input.as_bytes(), 5, b',')
        );
    }

    #[test]
    fn quoted_fields_hold_delimiters_line_breaks_and_doubled_quotes() {
        let input = "a,\"b,c\",\"d\ne\",\"say \"\"hi\"\"\"\nx,\"\",y\n";
        let got = split(input.as_bytes(), 2, b',');
        let fields: Vec<Vec<&[u8]>> = got
            .iter()
            .map(|r| r.0.iter().map(Vec::as_slice).collect())
            .collect();
        assert_eq!(
            fields,
            [
                vec![&b"a"[..], b"b,c", b"d\ne", b"say \"hi\""],
                vec![&b"x"[..], b"", b"y"],
            ]
        );
        // The second record starts on the line after the quoted line break.
        assert_eq!((got[0].1, got[1].1), (2, 4));
        same(input);
    }

    #[test]
    fn crlf_blank_lines_and_old_mac_line_ends() {
        let input = "a,b\r\n\r\n\nc,d\re,f\r\n";
        let got = split(input.as_bytes(), 1, b',');
        let lines: Vec<u64> = got.iter().map(|r| r.1).collect();
        assert_eq!(lines, [1, 4, 4]);
        assert!(got.iter().all(|r| r.2 == 3));
        same(input);
    }

    #[test]
    fn trailing_empty_fields_short_rows_and_no_final_line_end() {
        let input = "a,b,\n,\nonly\n\"q\"x,\"\"\"\"\nlast,row";
        let got = split(input.as_bytes(), 1, b',');
        let widths: Vec<usize> = got.iter().map(|r| r.0.len()).collect();
        assert_eq!(widths, [3, 2, 1, 2, 2]);
        // A quote after a closing quote is data, as for the csv reader.
        assert_eq!(got[3].0, [b"qx".to_vec(), b"\"".to_vec()]);
        same(input);
    }

    /// Found by the property test: a quoted field left open at the end of the input holds
    /// the line break after it, which is data, not the end of the row.
    #[test]
    fn a_quote_left_open_at_the_end_keeps_its_line_break() {
        let got = split(b"a,\"\n", 1, b',');
        assert_eq!(got[0].0, [b"a".to_vec(), b"\n".to_vec()]);
        same("a,\"\n");
        same("a,\"b,c\r\n");
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_data() {
        same("5\" pipe,x\n");
        let got = split(b"5\" pipe,x\n", 1, b',');
        assert_eq!(got[0].0[0], b"5\" pipe");
    }

    #[test]
    fn a_byte_order_mark_in_a_block_is_data() {
        let input = "\u{feff}\"a\",b\n";
        let got = split(input.as_bytes(), 1, b',');
        assert_eq!(got[0].0[0], "\u{feff}\"a\"".as_bytes());
        same(input);
    }

    #[test]
    fn fields_are_ranges_of_the_row_when_it_has_no_quoting() {
        let mut seen = Vec::new();
        split_records(b"ab,,c\n\"d\",e\n", 1, b',', |r| {
            seen.push((
                r.bytes.to_vec(),
                r.spans.to_vec(),
                r.text.map(str::to_string),
            ));
        });
        assert_eq!(
            seen[0],
            (
                b"ab,,c".to_vec(),
                vec![0..2, 3..3, 4..5],
                Some("ab,,c".into())
            )
        );
        assert_eq!(
            seen[1],
            (b"de".to_vec(), vec![0..1, 1..2], Some("de".into()))
        );
    }

    #[test]
    fn rows_not_utf8_have_no_text() {
        let input = b"a,\xff\n\"b\",\xfe\nc,d\n";
        let mut texts = Vec::new();
        split_records(input, 1, b',', |r| texts.push(r.text.map(str::to_string)));
        assert_eq!(texts, [None, None, Some("c,d".to_string())]);
        assert_eq!(split(input, 1, b','), by_csv(input, 1, b','));
    }

    #[test]
    fn many_and_long_fields_grow_the_buffers() {
        let wide = vec!["x"; 100].join(",");
        let long = format!("\"{}\",{}", "y".repeat(5000), "z".repeat(3000));
        same(&format!("{wide}\n{long}\n{wide}"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn the_records_of_the_csv_reader(
            body in proptest::collection::vec(
                prop::sample::select(vec![
                    &b"a"[..], b"bc", b",", b"\"", b"\n", b"\r", b" ", b";", b"\t",
                    b"\xEF\xBB\xBF", b"\xff", "é".as_bytes(),
                ]), 0..200).prop_map(|parts| parts.concat()),
            delimiter in prop::sample::select(b",;\t".to_vec()),
            first_line in 1u64..100,
        ) {
            prop_assert_eq!(
                split(&body, first_line, delimiter),
                by_csv(&body, first_line, delimiter)
            );
        }
    }
}
