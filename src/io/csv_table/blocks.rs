//! Cutting a CSV byte stream into blocks of whole records, so that the records of each block
//! can be split and converted on any thread, and the line every record starts on.
//!
//! A block always ends where the `csv` crate reading the whole stream would end a record, so
//! reading block by block gives the same records as reading the stream in one go (a property
//! test checks this against [`csv::Reader`] on random bytes and random block sizes):
//!
//! - a block without a double quote ends after its last line feed (or, without one, after a
//!   carriage return that is not its last byte): outside quotes every line break ends a record
//!   or is a blank line, which the reader skips;
//! - a block with a double quote is run through the reader's own state machine
//!   ([`csv_core::Reader`]) and ends where its last whole record does, since a line break
//!   inside a quoted field does not end a record.
//!
//! A fresh `csv` reader drops a UTF-8 byte order mark at the start of its input, which in the
//! middle of a file is data: readers started on a block are first given a blank line.

use std::io::Read;
use std::ops::Range;

use csv::ByteRecord;
use csv_core::ReadRecordResult;

/// The length of the longest run of whole records at the start of `bytes`, when there is one.
/// At the end of the input (`at_end`), every byte belongs to the last record.
pub(crate) fn cut(bytes: &[u8], delimiter: u8, at_end: bool) -> Option<usize> {
    if at_end {
        return (!bytes.is_empty()).then_some(bytes.len());
    }
    if memchr::memchr(b'"', bytes).is_none() {
        if let Some(lf) = memchr::memrchr(b'\n', bytes) {
            return Some(lf + 1);
        }
        // Old Mac line ends: a carriage return ends a record too, but one in the last byte may
        // be the first half of a CRLF.
        let cr = memchr::memrchr(b'\r', bytes)?;
        return (cr + 1 < bytes.len()).then_some(cr + 1);
    }
    quoted_cut(bytes, delimiter)
}

/// [`cut`] for bytes that hold a double quote: where the last whole record ends, by the same
/// state machine as the `csv` reader.
fn quoted_cut(bytes: &[u8], delimiter: u8) -> Option<usize> {
    let mut reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut fields = vec![0u8; 4096];
    let mut ends = [0usize; 64];
    // A fresh reader drops a byte order mark at the start of its input; this block is not the
    // start of the input, so the reader is first given a blank line.
    let _ = reader.read_record(b"\n", &mut fields, &mut ends);
    let (mut at, mut last) = (0, None);
    loop {
        let input = bytes.get(at..).unwrap_or(&[]);
        if input.is_empty() {
            return last;
        }
        let (result, read, _, _) = reader.read_record(input, &mut fields, &mut ends);
        at += read;
        match result {
            // The field bytes themselves are not needed: keep overwriting the buffers.
            ReadRecordResult::OutputFull | ReadRecordResult::OutputEndsFull => {}
            ReadRecordResult::Record => last = Some(at),
            ReadRecordResult::InputEmpty | ReadRecordResult::End => return last,
        }
    }
}

/// The line that a record starts on: `line` and `offset` are where the reader was before
/// reading it (after the previous record), and the blank line ends it skipped before the
/// record's first byte are counted.
pub(crate) fn record_line(bytes: &[u8], offset: usize, line: u64) -> u64 {
    let skipped = bytes
        .get(offset..)
        .unwrap_or(&[])
        .iter()
        .take_while(|&&b| b == b'\n' || b == b'\r')
        .filter(|&&b| b == b'\n')
        .count();
    line + skipped as u64
}

/// The number of line feeds in `bytes`: lines are counted as the `csv` reader counts them.
pub(crate) fn line_feeds(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// Calls `f` with each record of a CSV block that starts on `first_line`: its fields, the line
/// it starts on, and where its text lies in `bytes` (from its first byte to its line end,
/// which is not counted).
///
/// The record's own [`position`](ByteRecord::position) is where the reader was before reading
/// it, one byte after the true offset in `bytes` (a blank line is put before the block, see
/// below).
pub(crate) fn block_records(
    bytes: &[u8],
    first_line: u64,
    delimiter: u8,
    mut f: impl FnMut(&ByteRecord, u64, Range<usize>),
) -> Result<(), (u64, csv::Error)> {
    let mut record = ByteRecord::new();
    // A blank line first, so that the reader does not take a byte order mark at the start of
    // the block for the start of a file (see the `block` module); offsets and lines below are
    // in this framed input, which starts one byte and one line early.
    let framed = (&b"\n"[..]).chain(bytes);
    let framed_byte = |i: usize| match i.checked_sub(1) {
        None => Some(b'\n'),
        Some(i) => bytes.get(i).copied(),
    };
    let first_line = first_line.saturating_sub(1);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(framed);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(e) => {
                let line = first_line + reader.position().line().saturating_sub(1);
                return Err((line, e));
            }
        }
        let (start, line) = record.position().map_or((0, 1), |p| (p.byte(), p.line()));
        let start = usize::try_from(start).unwrap_or(usize::MAX);
        let end = usize::try_from(reader.position().byte()).unwrap_or(usize::MAX);
        // The reader's position before the record is after the previous record's line end:
        // blank line ends it skipped come first, and are counted as lines.
        let (mut first, mut line_feeds) = (start, 0);
        while first < end {
            match framed_byte(first) {
                Some(b'\n') => line_feeds += 1,
                Some(b'\r') => {}
                _ => break,
            }
            first += 1;
        }
        let ends_a_line = end > first && matches!(framed_byte(end - 1), Some(b'\n' | b'\r'));
        let len = end - first - usize::from(ends_a_line);
        let line = first_line + line.saturating_sub(1) + line_feeds;
        // `first` is in the framed input, one byte after its place in `bytes`.
        let at = first.saturating_sub(1);
        f(&record, line, at..at + len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_free_blocks_end_after_the_last_line_feed() {
        assert_eq!(cut(b"a,b\nc,d\ne", b',', false), Some(8));
        assert_eq!(cut(b"a,b\r\nc,d\r\ne", b',', false), Some(10));
        assert_eq!(cut(b"a,b\rc", b',', false), Some(4));
        // A carriage return as the last byte may be half of a CRLF.
        assert_eq!(cut(b"a,b\r", b',', false), None);
        assert_eq!(cut(b"a,b", b',', false), None);
        assert_eq!(cut(b"a,b", b',', true), Some(3));
        assert_eq!(cut(b"", b',', true), None);
    }

    #[test]
    fn quoted_line_breaks_do_not_end_a_block() {
        assert_eq!(cut(b"a,\"b\nc\"\nd,\"e\nf", b',', false), Some(8));
        assert_eq!(cut(b"a,\"b\nc", b',', false), None);
        // A quote inside an unquoted field is a plain byte, as for the csv reader.
        assert_eq!(cut(b"5\" pipe,x\ny", b',', false), Some(10));
    }

    /// Each record's text as written, from its first byte to its line end: quoted, after blank
    /// lines, before a CRLF, and at the end without a line end.
    #[test]
    fn records_say_where_their_text_lies() {
        let bytes = b"a,b\r\n\nc,\"d\ne\"\r\n\r\nf";
        let mut got = Vec::new();
        block_records(bytes, 2, b',', |record, line, at| {
            got.push((record.len(), line, bytes.get(at).map(<[u8]>::to_vec)));
        })
        .unwrap();
        let want = [
            (2, 2, Some(b"a,b".to_vec())),
            (2, 4, Some(b"c,\"d\ne\"".to_vec())),
            (1, 7, Some(b"f".to_vec())),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn record_lines_skip_blank_lines() {
        let bytes = b"a\r\n\nb";
        assert_eq!(record_line(bytes, 2, 1), 3);
        assert_eq!(record_line(bytes, 0, 1), 1);
        assert_eq!(line_feeds(bytes), 2);
    }
}
