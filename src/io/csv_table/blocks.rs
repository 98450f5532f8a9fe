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
use std::ops::Range;

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

/// One record of a block as [`block_records`] reads it: its fields' bytes back to back (quotes
/// taken out, as the `csv` reader gives them) and where each field ends in them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BlockRecord<'r> {
    fields: &'r [u8],
    ends: &'r [usize],
    /// Where the reading of the record started in the block: after the previous record's
    /// line end, before any blank lines.
    start: usize,
}

impl<'r> BlockRecord<'r> {
    /// The record whose fields are `fields` back to back, each ending at its place in `ends`.
    #[cfg(test)]
    pub(crate) fn from_parts(fields: &'r [u8], ends: &'r [usize]) -> BlockRecord<'r> {
        BlockRecord {
            fields,
            ends,
            start: 0,
        }
    }

    /// Number of fields.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The bytes of all the fields, back to back.
    pub(crate) fn as_slice(&self) -> &'r [u8] {
        self.fields
    }

    /// Where each field ends in [`BlockRecord::as_slice`], in order (each starts where the
    /// one before it ends, the first at 0).
    pub(crate) fn ends(&self) -> &'r [usize] {
        self.ends
    }

    /// Where field `i` lies in [`BlockRecord::as_slice`].
    pub(crate) fn range(&self, i: usize) -> Option<Range<usize>> {
        let end = *self.ends.get(i)?;
        let start = match i.checked_sub(1) {
            None => 0,
            Some(before) => *self.ends.get(before)?,
        };
        Some(start..end)
    }

    /// Field `i`'s bytes.
    pub(crate) fn get(&self, i: usize) -> Option<&'r [u8]> {
        self.fields.get(self.range(i)?)
    }

    /// The fields' bytes in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &'r [u8]> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Where the reading of the record started in its block: after the previous record's
    /// line end, before the blank lines skipped ahead of this one.
    pub(crate) fn start(&self) -> usize {
        self.start
    }
}

/// Calls `f` with each record of a CSV block that starts on `first_line`: its fields, the line
/// it starts on, and where its text lies in `bytes` (from its first byte to its line end,
/// which is not counted).
///
/// The records are read by the `csv` crate's own state machine ([`csv_core::Reader`]) straight
/// from `bytes`, which a [`csv::Reader`] first copies into a buffer of its own and then into
/// a byte record: on the README benchmark (100,000 rows) that reader took 4.2 M instructions
/// more of 1,008 M (BENCHMARKS.md, "Rows read by `csv_core` straight from the block"). The
/// state machine cannot fail: every input is some records.
// Inlined into its callers: without the hint the compiler kept it a function of its own, and
// the incident rows' conversion (its callback) cost about 20 M instructions more on the README
// benchmark (BENCHMARKS.md, "Rows around the search").
#[inline]
pub(crate) fn block_records(
    bytes: &[u8],
    first_line: u64,
    delimiter: u8,
    mut f: impl FnMut(BlockRecord<'_>, u64, Range<usize>),
) {
    // This thread's reader, taken (a call nested in `f` makes its own).
    let mut kept = BLOCK_READER.take();
    let (reader, fields, ends) = rewound(&mut kept, delimiter, first_line);
    let mut at = 0;
    loop {
        let start = at;
        let line_before = reader.line();
        let (mut nout, mut nend) = (0, 0);
        let end_of_block = loop {
            let input = bytes.get(at..).unwrap_or(&[]);
            let out = fields.get_mut(nout..).unwrap_or(&mut []);
            let (result, nin, o, e) =
                reader.read_record(input, out, ends.get_mut(nend..).unwrap_or(&mut []));
            (at, nout, nend) = (at + nin, nout + o, nend + e);
            match result {
                // The end of the block: the next call, with no input, ends its last record.
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => fields.resize(2 * fields.len().max(64), 0),
                ReadRecordResult::OutputEndsFull => ends.resize(2 * ends.len().max(8), 0),
                ReadRecordResult::Record => break false,
                ReadRecordResult::End => break true,
            }
        };
        if end_of_block {
            break;
        }
        // Blank line ends skipped before the record come first, and are counted as lines.
        let (mut first, mut line_feeds) = (start, 0);
        while first < at {
            match bytes.get(first) {
                Some(b'\n') => line_feeds += 1,
                Some(b'\r') => {}
                _ => break,
            }
            first += 1;
        }
        let ends_a_line = at > first && matches!(bytes.get(at - 1), Some(b'\n' | b'\r'));
        let len = at - first - usize::from(ends_a_line);
        let record = BlockRecord {
            fields: fields.get(..nout).unwrap_or(&[]),
            ends: ends.get(..nend).unwrap_or(&[]),
            start,
        };
        f(record, line_before + line_feeds, first..first + len);
    }
    BLOCK_READER.set(kept);
}

/// A `csv_core` reader kept from block to block on a thread, with the delimiter it was made for
/// and its buffers for a record's fields and their ends: making a reader builds the table of its
/// state machine (about 270,000 instructions, as many as the reader takes for 300 short rows),
/// which a reader made for each block did again for every block.
type BlockReader = Option<(u8, csv_core::Reader, Vec<u8>, Vec<usize>)>;

thread_local! {
    static BLOCK_READER: Cell<BlockReader> = const { Cell::new(None) };
}

/// The reader `kept` (made anew when there is none, or one for another delimiter) and its
/// buffers, rewound as a reader made for a block starting on `first_line` would start: at the
/// start of a record, counting lines from `first_line`. A fresh reader drops a byte order mark
/// at the start of its input, which at the start of a block is data: the reader is first given
/// a blank line.
fn rewound(
    kept: &mut BlockReader,
    delimiter: u8,
    first_line: u64,
) -> (&mut csv_core::Reader, &mut Vec<u8>, &mut Vec<usize>) {
    let (_, reader, fields, ends) = match kept.take() {
        Some(k) if k.0 == delimiter => kept.insert(k),
        _ => {
            let reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
            kept.insert((delimiter, reader, vec![0; 1024], vec![0; 32]))
        }
    };
    reader.reset();
    let _ = reader.read_record(b"\n", fields, ends);
    reader.set_line(first_line);
    (reader, fields, ends)
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
        });
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
        block_records(bytes, 5, delimiter, |r, line, at| {
            out.push((r.iter().map(<[u8]>::to_vec).collect(), line, at));
        });
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
        block_records(b"z\n", 1, b',', |_, _, _| {
            fresh = blocks.iter().map(|&(b, d)| read(b, d)).collect();
        });
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
