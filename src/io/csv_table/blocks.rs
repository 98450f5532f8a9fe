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

use std::cell::Cell;
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;
use std::sync::Arc;

use csv::{ByteRecord, Position};
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
// Inlined into its callers: without the hint the compiler kept it a function of its own, and
// the incident rows' conversion (its callback) cost about 20 M instructions more on the README
// benchmark (BENCHMARKS.md, "Rows around the search").
#[inline]
pub(crate) fn block_records(
    bytes: &Arc<Vec<u8>>,
    first_line: u64,
    delimiter: u8,
    mut f: impl FnMut(&ByteRecord, u64, Range<usize>),
) -> Result<(), (u64, csv::Error)> {
    // Offsets and lines below are in the framed input, which starts one byte and one line
    // early.
    let framed_byte = |i: usize| match i.checked_sub(1) {
        None => Some(b'\n'),
        Some(i) => bytes.get(i).copied(),
    };
    let first_line = first_line.saturating_sub(1);
    // This thread's reader, taken (a call nested in `f` makes its own).
    let mut kept = BLOCK_READER.take();
    let reader = rewound(&mut kept, bytes, delimiter).map_err(|e| (first_line, e))?;
    let mut record = ByteRecord::new();
    let result = loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break Ok(()),
            Err(e) => {
                let line = first_line + reader.position().line().saturating_sub(1);
                break Err((line, e));
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
    };
    // The block is the caller's again; a reader that failed is not trusted with another.
    reader.get_mut().bytes = None;
    if result.is_ok() {
        BLOCK_READER.set(kept);
    }
    result
}

/// A `csv` reader kept from block to block on a thread, with the delimiter it was made for:
/// making a reader builds the table of its state machine (about 270,000 instructions, as many
/// as the reader takes for 300 short rows), which a reader made for each block did again for
/// every block.
type BlockReader = Option<(u8, csv::Reader<FramedBlock>)>;

thread_local! {
    static BLOCK_READER: Cell<BlockReader> = const { Cell::new(None) };
}

/// The reader `kept` (made anew when there is none, or one for another delimiter), rewound to
/// the start of `bytes` framed by a blank line, as a reader made for them would start: at byte
/// 0 of line 1, its state machine at the start of a record.
fn rewound<'k>(
    kept: &'k mut BlockReader,
    bytes: &Arc<Vec<u8>>,
    delimiter: u8,
) -> csv::Result<&'k mut csv::Reader<FramedBlock>> {
    let reader = match kept.take() {
        Some((d, reader)) if d == delimiter => reader,
        _ => {
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .has_headers(false)
                .flexible(true)
                .from_reader(FramedBlock::default());
            // The first rewind reads the "header" of the reader's empty input (a reader
            // rewound reads no header again), so that no block's first record is taken for
            // one.
            reader.seek_raw(SeekFrom::Start(0), Position::new())?;
            reader
        }
    };
    let (_, reader) = kept.insert((delimiter, reader));
    reader.get_mut().bytes = Some(Arc::clone(bytes));
    reader.seek_raw(SeekFrom::Start(0), Position::new())?;
    Ok(reader)
}

/// A block as its reader reads it: a blank line (see above), then the block's bytes, shared
/// with the caller rather than copied.
#[derive(Default)]
struct FramedBlock {
    bytes: Option<Arc<Vec<u8>>>,
    /// Where the reading is in the framed input: 0 is the blank line, `i + 1` byte `i` of the
    /// block.
    at: usize,
}

impl Read for FramedBlock {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        if self.at == 0 {
            if let Some(b) = buf.first_mut() {
                *b = b'\n';
                n = 1;
            }
        }
        let bytes = self.bytes.as_deref().map_or(&[][..], Vec::as_slice);
        let rest = bytes.get((self.at + n).saturating_sub(1)..).unwrap_or(&[]);
        let to = buf.get_mut(n..).unwrap_or(&mut []);
        let m = rest.len().min(to.len());
        if let (Some(to), Some(from)) = (to.get_mut(..m), rest.get(..m)) {
            to.copy_from_slice(from);
            n += m;
        }
        self.at += n;
        Ok(n)
    }
}

impl Seek for FramedBlock {
    /// Only to a place counted from the start, which is all a rewind needs.
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        match to {
            SeekFrom::Start(at) => {
                self.at = usize::try_from(at).unwrap_or(usize::MAX);
                Ok(at)
            }
            SeekFrom::End(_) | SeekFrom::Current(_) => Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "a block is only read again from a place counted from its start",
            )),
        }
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
        block_records(&Arc::new(bytes.to_vec()), 2, b',', |record, line, at| {
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

    /// Fields, line and place of each record of `bytes` (starting on line 5).
    fn read(bytes: &[u8], delimiter: u8) -> Vec<(Vec<Vec<u8>>, u64, Range<usize>)> {
        let mut out = Vec::new();
        block_records(&Arc::new(bytes.to_vec()), 5, delimiter, |r, line, at| {
            out.push((r.iter().map(<[u8]>::to_vec).collect(), line, at));
        })
        .unwrap();
        out
    }

    /// The thread's reader, kept from block to block (and made again for another delimiter),
    /// reads each block as a reader made for it alone does (one nested in a callback gets a
    /// fresh reader each time): blocks with quoted line breaks, starting with a byte order
    /// mark (data, not dropped), empty, and one read again after another.
    #[test]
    fn a_reader_kept_between_blocks_reads_each_as_a_fresh_one() {
        let blocks: [(&[u8], u8); 6] = [
            (b"a,b\r\n\nc,\"d\ne\"\r\n", b','),
            (b"\xEF\xBB\xBF\"x\";y\n\"u\nv\";w", b';'),
            (b"\xEF\xBB\xBFp,q", b','),
            (b"", b','),
            (b"\n\r\nr,s,t", b','),
            (b"a,b\r\n\nc,\"d\ne\"\r\n", b','),
        ];
        let kept: Vec<_> = blocks.iter().map(|&(b, d)| read(b, d)).collect();
        let mut fresh = Vec::new();
        block_records(&Arc::new(b"z\n".to_vec()), 1, b',', |_, _, _| {
            fresh = blocks.iter().map(|&(b, d)| read(b, d)).collect();
        })
        .unwrap();
        assert_eq!(kept, fresh);
        assert_eq!(kept[0], kept[5]);
        assert_eq!(
            kept[2],
            [(vec![b"\xEF\xBB\xBFp".to_vec(), b"q".to_vec()], 5, 0..6)]
        );
        assert_eq!(
            kept[4],
            [(vec![b"r".to_vec(), b"s".to_vec(), b"t".to_vec()], 7, 3..8)]
        );
        assert!(kept[3].is_empty());
    }

    #[test]
    fn record_lines_skip_blank_lines() {
        let bytes = b"a\r\n\nb";
        assert_eq!(record_line(bytes, 2, 1), 3);
        assert_eq!(record_line(bytes, 0, 1), 1);
        assert_eq!(line_feeds(bytes), 2);
    }
}
