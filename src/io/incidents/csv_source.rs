//! The CSV side of an [`IncidentReader`](super::IncidentReader): the header, and the bytes
//! after it handed out in blocks of whole records (see the `block` module), with rows longer
//! than the limit skipped as they are read.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use csv::ByteRecord;
use csv_core::ReadRecordResult;

use super::block;
use super::layout::Columns;
use super::reader::{read_more, MAX_HEADER_BYTES};
use super::rows::{Block, BlockKind};

/// A CSV input after its header: bytes are read ahead and handed out in blocks of whole
/// records (see the `block` module).
pub(super) struct CsvSource<R: Read> {
    input: R,
    pub(super) header: Arc<CsvHeader>,
    /// Bytes read but not yet handed out: the start of the next block.
    pending: Vec<u8>,
    /// The line `pending` starts on.
    line: u64,
    /// Whether `input` has ended.
    at_end: bool,
    /// A read error, reported once the whole records read before it are handed out.
    error: Option<std::io::Error>,
}

/// What a CSV row is converted with: the header's names and the columns they map to.
#[derive(Debug)]
pub(super) struct CsvHeader {
    pub(super) names: Vec<String>,
    pub(super) columns: Columns,
    pub(super) delimiter: u8,
}

/// What [`CsvSource::next_block`] hands out.
pub(super) enum Next {
    /// Whole records.
    Block(Block),
    /// A row longer than the limit, starting on this line, was skipped.
    TooLong(u64),
}

/// The message for a row longer than `limit` bytes.
pub(super) fn row_too_long(limit: usize) -> String {
    too_long("row", limit)
}

/// The message for a `what` (row, feature) longer than `limit` bytes.
pub(super) fn too_long(what: &str, limit: usize) -> String {
    const MIB: usize = 1 << 20;
    let size = if limit >= MIB && limit % MIB == 0 {
        format!("{} MiB", limit / MIB)
    } else {
        format!("{limit} bytes")
    };
    format!("{what} longer than {size}, the limit for one {what}; skipped")
}

/// Appends `n` bytes read from `input` to `buf`, fewer only at the end of the input or at a
/// read error (then the bytes read before it stay in `buf`); returns how many. Unlike
/// [`read_more`] it reads on until it has them, and it reads into the vector's spare room
/// without zero-filling it first (a megabyte per block). The vector grows to hold exactly
/// the bytes asked for, not to twice its size, so that a long row takes no more than its own
/// length.
fn fill_more<R: Read>(input: &mut R, buf: &mut Vec<u8>, n: usize) -> std::io::Result<usize> {
    let len = buf.len();
    buf.reserve_exact(n);
    let limit = u64::try_from(n).unwrap_or(u64::MAX);
    input.by_ref().take(limit).read_to_end(buf)?;
    Ok(buf.len() - len)
}

/// Picks the delimiter from the header line: whichever of `,` `;` and tab occurs most often
/// outside double quotes (`,` on a tie or when none occurs). Used for dataset tables too.
pub(crate) fn sniff_delimiter(header: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in header {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let mut best = (b',', counts[0]);
    for (d, n) in [(b';', counts[1]), (b'\t', counts[2])] {
        if n > best.1 {
            best = (d, n);
        }
    }
    best.0
}

/// Why a CSV input could not be opened.
pub(super) enum Opening {
    /// The header is unusable: its line and what is wrong.
    Invalid(u64, String),
    Io(std::io::Error),
}

impl<R: Read> CsvSource<R> {
    /// Reads the header from `prefix` (the first bytes of the input, read by [`read_prefix`])
    /// and more of `input` when the header goes on beyond it.
    pub(super) fn open(
        mut prefix: Vec<u8>,
        mut at_end: bool,
        mut input: R,
    ) -> Result<CsvSource<R>, Opening> {
        let start = prefix
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(0);
        let rest = prefix.get(start..).unwrap_or(&[]);
        let header_line = rest.split(|&b| b == b'\n').next().unwrap_or(&[]);
        if !rest.contains(&b'\n') && prefix.len() > MAX_HEADER_BYTES {
            return Err(Opening::Invalid(
                1,
                "header line longer than 1 MiB: not a CSV table?".into(),
            ));
        }
        let delimiter = sniff_delimiter(header_line);
        // The header is read from the bytes in hand; it is whole when the reader stopped
        // before their end (a quoted name may span lines) or the input has ended.
        let (header, line, consumed, next_line) = loop {
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .has_headers(false)
                .flexible(true)
                .from_reader(prefix.as_slice());
            let mut header = ByteRecord::new();
            if let Err(e) = reader.read_byte_record(&mut header) {
                let line = e.position().map_or(1, |p| p.line());
                return Err(Opening::Invalid(line, format!("unreadable header: {e}")));
            }
            let consumed = usize::try_from(reader.position().byte()).unwrap_or(usize::MAX);
            if consumed < prefix.len() || at_end || prefix.len() > MAX_HEADER_BYTES {
                let line = block::record_line(&prefix, 0, 1);
                break (header, line, consumed, reader.position().line());
            }
            at_end = read_more(&mut input, &mut prefix, 8192).map_err(Opening::Io)? == 0;
        };
        let mut names = Vec::with_capacity(header.len());
        let mut problems = Vec::new();
        // Columns that are not UTF-8: the first with where it goes wrong, the others by number
        // (one message, not one per column).
        let mut not_utf8: Vec<(usize, usize)> = Vec::new();
        for (i, raw) in header.iter().enumerate() {
            match std::str::from_utf8(raw) {
                Ok(s) => names.push(s.trim().to_lowercase()),
                Err(e) => {
                    not_utf8.push((i + 1, e.valid_up_to()));
                    names.push(String::new());
                }
            }
        }
        if let Some(&(column, offset)) = not_utf8.first() {
            let others: Vec<String> = not_utf8.iter().skip(1).map(|c| c.0.to_string()).collect();
            let also = match others.len() {
                0 => String::new(),
                1 => format!("; also column {}", others[0]),
                _ => format!("; also columns {}", others.join(", ")),
            };
            problems.push(format!(
                "header is not valid UTF-8 (column {column}, byte offset {offset}{also}); save \
                 the file as UTF-8"
            ));
        }
        if problems.is_empty() {
            let mut first_at: HashMap<&str, usize> = HashMap::new();
            for (i, n) in names.iter().enumerate() {
                if let Some(j) = first_at.insert(n.as_str(), i) {
                    let what = if n.is_empty() {
                        "two columns without a name".to_string()
                    } else {
                        format!("duplicate column {n:?}")
                    };
                    problems.push(format!("{what} (columns {} and {})", j + 1, i + 1));
                }
            }
        }
        if problems.is_empty() {
            match Columns::recognise(&names) {
                Ok(columns) => {
                    prefix.drain(..consumed.min(prefix.len()));
                    return Ok(CsvSource {
                        input,
                        header: Arc::new(CsvHeader {
                            names,
                            columns,
                            delimiter,
                        }),
                        pending: prefix,
                        line: next_line,
                        at_end,
                        error: None,
                    });
                }
                Err(e) => problems.push(e),
            }
        }
        Err(Opening::Invalid(line, problems.join("; ")))
    }

    /// The next block of whole records, of at least `max_bytes` bytes unless the input ends
    /// first (see the `block` module), or the line of a row longer than `max_row_bytes`, which
    /// is skipped; `Err` with the first line not read at a read error.
    ///
    /// Memory: the pending bytes grow past `max_bytes` only while one record is longer than
    /// that, and never much past `max_row_bytes`.
    pub(super) fn next_block(
        &mut self,
        max_bytes: usize,
        max_row_bytes: usize,
    ) -> Result<Option<Next>, (u64, std::io::Error)> {
        let mut want = max_bytes.max(1);
        loop {
            let ended = self.at_end || self.error.is_some();
            if self.pending.len() >= want || ended {
                // After a read error only whole records are handed out: a row cut short by
                // the error must not pass for a complete one.
                let at_end = self.at_end && self.error.is_none();
                if let Some(n) = block::cut(&self.pending, self.header.delimiter, at_end) {
                    let mut rest = Vec::with_capacity(max_bytes.max(self.pending.len() - n));
                    rest.extend_from_slice(self.pending.get(n..).unwrap_or(&[]));
                    self.pending.truncate(n);
                    let bytes = std::mem::replace(&mut self.pending, rest);
                    let first_line = self.line;
                    self.line += block::line_feeds(&bytes);
                    return Ok(Some(Next::Block(Block(BlockKind::Csv {
                        bytes,
                        first_line,
                    }))));
                }
                if let Some(e) = self.error.take() {
                    self.pending.clear();
                    return Err((self.line, e));
                }
                if self.at_end {
                    return Ok(None);
                }
                // One record longer than the block: read on until it ends, or until it is
                // longer than the limit (the blank lines before it do not count).
                let blank = blank_prefix(&self.pending);
                let limit = blank.saturating_add(max_row_bytes).saturating_add(1);
                if self.pending.len() >= limit {
                    return Ok(Some(Next::TooLong(self.skip_first_record())));
                }
                want = want.max(self.pending.len()).saturating_mul(2).min(limit);
            }
            let room = want.saturating_sub(self.pending.len()).max(READ_BYTES);
            match fill_more(&mut self.input, &mut self.pending, room) {
                Ok(0) => self.at_end = true,
                Ok(_) => {}
                Err(e) => self.error = Some(e),
            }
        }
    }

    /// Reads on to the end of the record the pending bytes start with, dropping its bytes as
    /// they come (so memory does not grow with it); returns the line it started on. A read
    /// error ends it too, and is reported by the next [`CsvSource::next_block`].
    fn skip_first_record(&mut self) -> u64 {
        let blank = blank_prefix(&self.pending);
        let start_line = self.line + block::line_feeds(self.pending.get(..blank).unwrap_or(&[]));
        // The same state machine as the `csv` reader, so that the record ends where that
        // reader would end it; the field bytes are not needed (the buffers are overwritten).
        let mut reader = csv_core::ReaderBuilder::new()
            .delimiter(self.header.delimiter)
            .build();
        let (mut fields, mut ends) = (vec![0u8; 4096], [0usize; 64]);
        // Not the start of the input: a byte order mark here is data (see the `block` module).
        let _ = reader.read_record(b"\n", &mut fields, &mut ends);
        let mut at = 0;
        loop {
            let input = self.pending.get(at..).unwrap_or(&[]);
            let (result, read, _, _) = if input.is_empty() && (self.at_end || self.error.is_some())
            {
                // The input ended (or broke off) inside the record: this ends it.
                reader.read_record(&[], &mut fields, &mut ends)
            } else {
                reader.read_record(input, &mut fields, &mut ends)
            };
            at += read;
            match result {
                ReadRecordResult::OutputFull | ReadRecordResult::OutputEndsFull => {}
                ReadRecordResult::Record | ReadRecordResult::End => break,
                ReadRecordResult::InputEmpty => {
                    self.line += block::line_feeds(&self.pending);
                    self.pending.clear();
                    at = 0;
                    match fill_more(&mut self.input, &mut self.pending, READ_BYTES) {
                        Ok(0) => self.at_end = true,
                        Ok(_) => {}
                        Err(e) => self.error = Some(e),
                    }
                }
            }
        }
        let at = at.min(self.pending.len());
        self.line += block::line_feeds(self.pending.get(..at).unwrap_or(&[]));
        self.pending.drain(..at);
        start_line
    }
}

/// How many line-end bytes (`\n`, `\r`) `bytes` starts with: blank lines before a record.
fn blank_prefix(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .take_while(|&&b| b == b'\n' || b == b'\r')
        .count()
}

/// The least that one fill of the pending bytes ([`fill_more`]) asks of the input.
const READ_BYTES: usize = 64 * 1024;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::incidents::reader::{IncidentReader, Source, NOT_READ};
    use crate::io::incidents::rows::block_records;
    use proptest::prelude::*;

    /// Gives the input in pieces of the sizes listed, in turn, as pipes do; fails after
    /// `fail_after` bytes when set.
    struct Trickle<'a> {
        bytes: &'a [u8],
        sizes: Vec<usize>,
        turn: usize,
        fail_after: Option<usize>,
        given: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.fail_after.is_some_and(|n| self.given >= n) {
                return Err(std::io::Error::other("disk on fire"));
            }
            let size = self.sizes.get(self.turn % self.sizes.len()).copied();
            self.turn += 1;
            let mut n = size.unwrap_or(1).min(buf.len()).min(self.bytes.len());
            if let Some(limit) = self.fail_after {
                n = n.min(limit - self.given);
            }
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            self.given += n;
            Ok(n)
        }
    }

    fn trickle(bytes: &[u8], sizes: Vec<usize>, fail_after: Option<usize>) -> Trickle<'_> {
        Trickle {
            bytes,
            sizes,
            turn: 0,
            fail_after,
            given: 0,
        }
    }

    type Records = Vec<(Vec<Vec<u8>>, u64)>;

    /// The records after the header by one `csv` reader over the whole input, each with the
    /// line its first byte is on.
    fn whole(input: &[u8], delimiter: u8) -> Records {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        let mut record = ByteRecord::new();
        let mut out = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let at = record.position().unwrap().byte() as usize;
            let blank = input[at..]
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .count();
            let line = 1 + input[..at + blank].iter().filter(|&&b| b == b'\n').count() as u64;
            out.push((record.iter().map(<[u8]>::to_vec).collect(), line));
        }
        out.remove(0);
        out
    }

    /// The same, by blocks of about `max_bytes` read from a trickle of `sizes`.
    fn by_blocks(input: &[u8], delimiter: u8, max_bytes: usize, sizes: Vec<usize>) -> Records {
        let mut reader = IncidentReader::from_reader(trickle(input, sizes, None), "t").unwrap();
        let mut out = Vec::new();
        while let Some(Block(kind)) = reader.read_block(max_bytes, 10) {
            let BlockKind::Csv { bytes, first_line } = kind else {
                panic!("a CSV input gave converted rows");
            };
            block_records(&bytes, first_line, delimiter, |r, line, _| {
                out.push((r.iter().map(<[u8]>::to_vec).collect(), line));
            })
            .unwrap();
        }
        out
    }

    /// A header with `delimiter`, then `body`: the same records by blocks as in one read.
    fn same_both_ways(
        body: &[u8],
        delimiter: u8,
        max_bytes: usize,
        sizes: Vec<usize>,
    ) -> Result<(), TestCaseError> {
        let d = char::from(delimiter);
        let mut input = format!("id{d}date{d}lat{d}lon\n").into_bytes();
        input.extend_from_slice(body);
        prop_assert_eq!(
            by_blocks(&input, delimiter, max_bytes, sizes),
            whole(&input, delimiter)
        );
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Half the cases without quotes, which blocks are cut at by a search for line ends
        /// instead of the `csv` state machine.
        #[test]
        fn blocks_hold_the_records_and_lines_of_one_whole_read(
            body in proptest::collection::vec(
                prop::sample::select(vec![
                    &b"a"[..], b",", b"\"", b"\n", b"\r", b" ", b";", b"\t", b"\xEF\xBB\xBF",
                ]), 0..300).prop_map(|parts| parts.concat()),
            quotes in any::<bool>(),
            delimiter in prop::sample::select(b",;\t".to_vec()),
            max_bytes in 1usize..80,
            sizes in proptest::collection::vec(1usize..50, 1..8),
        ) {
            let body: Vec<u8> = body.into_iter().filter(|&b| quotes || b != b'"').collect();
            same_both_ways(&body, delimiter, max_bytes, sizes)?;
        }
    }

    /// Found by fuzzing: a block starting with a byte order mark lost it (and so read a quote
    /// after it as the start of a quoted field), where the whole file keeps it as data.
    #[test]
    fn a_byte_order_mark_inside_the_file_is_data() {
        let input = "id,date,lat,lon\n\"a\",2006,1,2\n\u{feff}\"b\nc\",2006,1,2\n".as_bytes();
        let want = whole(input, b',');
        assert_eq!(want.len(), 3);
        // Some of these block and read sizes start a block with the mark.
        for max_bytes in 1..24 {
            for size in [1, 3, 5, 7, 64] {
                assert_eq!(by_blocks(input, b',', max_bytes, vec![size]), want);
            }
        }
    }

    #[test]
    fn crlf_rows_are_reported_on_their_own_lines() {
        let input = b"id,date,lat,lon\r\nA,2006,1,2\r\n\r\nB,2006,x,2\r\n";
        assert_eq!(by_blocks(input, b',', 4, vec![3])[1].1, 4);
        let mut r = IncidentReader::from_reader(&input[..], "t.csv").unwrap();
        let rows: Vec<_> = r.records().collect();
        assert_eq!(
            rows[1].as_ref().unwrap_err().to_string(),
            "t.csv:4: latitude \"x\" is not a number"
        );
    }

    #[test]
    fn a_read_error_ends_the_rows_at_the_last_whole_record() {
        let input = b"id,date,lat,lon\nA,2006,1,2\nB,2006,1,2\nC,2006,1,23\n";
        // The error comes in the middle of C's row: C must not be read as "C,2006,1,2".
        let fail_after = input.len() - 2;
        let reader = trickle(input, vec![7], Some(fail_after));
        let mut r = IncidentReader::from_reader(reader, "t.csv").unwrap();
        let rows: Vec<_> = r.records().collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].as_ref().unwrap().id, "B");
        assert_eq!(
            rows[2].as_ref().unwrap_err().to_string(),
            format!("t.csv:4: read error: disk on fire; {NOT_READ}")
        );
        assert!(r.stopped_early());
    }

    /// Each row of `input` read with a row limit of `limit` bytes, by blocks of `max_bytes`
    /// from a trickle of `size`-byte reads: its line, and its id or its problem.
    fn limited(input: &[u8], limit: usize, max_bytes: usize, size: usize) -> Vec<(u64, String)> {
        let reader = IncidentReader::from_reader(trickle(input, vec![size], None), "t.csv");
        let mut reader = reader.unwrap().max_row_bytes(limit);
        let parser = reader.parser();
        let mut rows = Vec::new();
        while let Some(block) = reader.read_block(max_bytes, 10) {
            parser.parse_block(block, &mut rows);
        }
        rows.into_iter()
            .map(|r| match r.incident {
                Ok(i) => (r.line, i.id),
                Err(p) => (r.line, p.to_string()),
            })
            .collect()
    }

    /// A row of exactly the limit is read, one byte more is a problem for that row only,
    /// whether the row is longer than a block (skipped as it is read) or lies inside one
    /// (rejected as it is converted); quoted line breaks, CRLF and blank lines count as in a
    /// whole read, and a long row at the very end is reported too.
    #[test]
    fn rows_longer_than_the_limit_are_skipped_and_reported() {
        let limit = 30;
        let fits = "A,2006,1,2,xxxxxxxxxxxxxxxxxxx"; // 30 bytes
        assert_eq!(fits.len(), limit);
        let input = format!(
            "id,date,lat,lon,summary\r\n{fits}\r\nB,2006,1,2,xxxxxxxxxxxxxxxxxxxx\r\n\r\n\
             C,2006,1,2,\"{}\n{}\"\nD,2006,1,2,\"short\nsummary\"\n\n\
             E,2006,1,2,{}",
            "q".repeat(40),
            "\"\"".repeat(30),
            "z".repeat(100)
        );
        let too_long = "row longer than 30 bytes, the limit for one row; skipped";
        let want: Vec<(u64, String)> = vec![
            (2, "A".into()),
            (3, format!("t.csv:3: {too_long}")),
            (5, format!("t.csv:5: {too_long}")),
            (7, "D".into()),
            (10, format!("t.csv:10: {too_long}")),
        ];
        // Reported as rows too long, whichever side finds them.
        for max_bytes in [5, 1000] {
            let reader = IncidentReader::from_reader(input.as_bytes(), "t.csv").unwrap();
            let mut reader = reader.max_row_bytes(limit);
            let parser = reader.parser();
            let mut rows = Vec::new();
            while let Some(block) = reader.read_block(max_bytes, 10) {
                parser.parse_block(block, &mut rows);
            }
            let kinds: Vec<_> = rows
                .iter()
                .filter_map(|r| r.incident.as_ref().err())
                .collect();
            assert_eq!(kinds.len(), 3);
            assert!(kinds.iter().all(|p| p.kind == crate::ProblemKind::TooLong));
        }
        for max_bytes in [1, 2, 5, 13, 29, 30, 31, 64, 1000] {
            for size in [1, 3, 7, 64, 1000] {
                let got = limited(input.as_bytes(), limit, max_bytes, size);
                assert_eq!(got, want, "blocks of {max_bytes}, reads of {size}");
            }
        }
    }

    /// A row that goes on past the limit is not held: the pending bytes stop growing at the
    /// limit, whatever the length of the row.
    #[test]
    fn a_long_row_is_dropped_as_it_is_read() {
        let mut input = b"id,date,lat,lon,summary\nA,2006,1,2,\"".to_vec();
        input.extend(std::iter::repeat_n(b'x', 1 << 20));
        input.extend_from_slice(b"\"\nB,2006,1,2,y\n");
        let reader = IncidentReader::from_reader(trickle(&input, vec![4096], None), "t.csv");
        let reader = reader.unwrap().max_row_bytes(10_000);
        let Source::Csv(mut src) = reader.source else {
            panic!("a CSV input");
        };
        let mut peak = 0;
        let mut items = Vec::new();
        while let Some(next) = src.next_block(1000, 10_000).unwrap() {
            peak = peak.max(src.pending.capacity());
            items.push(match next {
                Next::TooLong(line) => format!("too long at {line}"),
                Next::Block(Block(BlockKind::Csv { bytes, first_line })) => {
                    format!("{first_line}: {}", String::from_utf8_lossy(&bytes))
                }
                Next::Block(_) => "rows".into(),
            });
        }
        assert_eq!(items, ["too long at 2", "3: B,2006,1,2,y\n"]);
        assert!(peak < 4 * 10_000 + 2 * READ_BYTES, "{peak}");
    }

    #[test]
    fn a_header_longer_than_the_first_read_is_read_whole() {
        let mut input = b"id,date,lat,lon,\"summary\nof it\"\n".to_vec();
        input.extend_from_slice(b"A,2006,1,2,\"x\"\n");
        let r = IncidentReader::from_reader(trickle(&input, vec![5], None), "t.csv");
        let mut r = r.unwrap();
        let rows: Vec<_> = r.records().collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].as_ref().unwrap().id, "A");
    }

    fn fatal(input: &[u8]) -> String {
        match IncidentReader::from_reader(input, "in.csv") {
            Ok(_) => panic!("read"),
            Err(e) => e.problems().iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn a_header_with_several_columns_not_utf8_gets_one_message() {
        assert_eq!(
            fatal(b"id,\xff,date,\xfe\xfe,lat,\xe9,lon\nA,x,2006,y,1,z,2\n"),
            "in.csv:1: header is not valid UTF-8 (column 2, byte offset 0; also columns 4, 6); \
             save the file as UTF-8"
        );
    }

    #[test]
    fn compressed_files_are_named_once() {
        let gzip = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03,\xc3,\xff\n";
        assert_eq!(
            fatal(gzip),
            "in.csv: the file looks gzip-compressed (it starts with the gzip signature); \
             decompress it first"
        );
        assert!(fatal(b"BZh91AY&SY\x00\x01").contains("bzip2-compressed"));
        assert!(fatal(b"PK\x03\x04\x14\x00").contains("zip-compressed"));
        // A header that merely starts like a signature is read as a header.
        assert!(IncidentReader::from_reader(&b"BZh,id,date,lat,lon\n"[..], "t").is_ok());
    }

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(sniff_delimiter(b"id,date,lat,lon"), b',');
        assert_eq!(sniff_delimiter(b"id;date;lat;lon"), b';');
        assert_eq!(sniff_delimiter(b"id\tdate\tlat\tlon"), b'\t');
        assert_eq!(sniff_delimiter(b"\"a;b\",c"), b',');
        assert_eq!(sniff_delimiter(b"id"), b',');
    }
}
