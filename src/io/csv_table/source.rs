//! A CSV input read as a stream: the header record, then the bytes after it handed out in
//! blocks of whole records (see the `blocks` module), with rows longer than the limit skipped
//! as they are read, so that memory does not grow with a row.

use std::io::Read;

use csv::ByteRecord;
use csv_core::ReadRecordResult;

use super::{blocks, read_more, sniff_delimiter, MAX_HEADER_BYTES};

/// A CSV input after its header: bytes are read ahead and handed out in blocks of whole
/// records (see the `blocks` module).
pub(crate) struct CsvSource<R: Read> {
    input: R,
    /// The field delimiter, picked from the header line.
    pub(crate) delimiter: u8,
    /// Bytes read but not yet handed out: the start of the next block.
    pub(crate) pending: Vec<u8>,
    /// The line `pending` starts on.
    line: u64,
    /// The offset of `pending`'s first byte in the input (after any byte order mark).
    offset: u64,
    /// Whether `input` has ended.
    at_end: bool,
    /// A read error, reported once the whole records read before it are handed out.
    error: Option<std::io::Error>,
}

/// What [`CsvSource::next_block`] hands out.
pub(crate) enum Next {
    /// Whole records: their bytes, the line the first starts on, and the offset of the first
    /// byte in the input (after any byte order mark).
    Records {
        bytes: Vec<u8>,
        first_line: u64,
        first_byte: u64,
    },
    /// A row longer than the limit, starting on this line, was skipped.
    TooLong(u64),
}

/// Appends `n` bytes read from `input` to `buf`, fewer only at the end of the input or at a
/// read error (then the bytes read before it stay in `buf`); returns how many. Unlike
/// `read_more` it reads on until it has them, and it reads into the vector's spare room
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

/// Why a CSV input could not be opened.
pub(crate) enum Opening {
    /// The header is unusable: its line and what is wrong.
    Invalid(u64, String),
    Io(std::io::Error),
}

impl<R: Read> CsvSource<R> {
    /// Reads the header record from `prefix` (the first bytes of the input, after any byte
    /// order mark; `at_end` when they are all of it) and more of `input` when the header goes
    /// on beyond it. Returns the source, positioned after the header, and the header record
    /// with the line it starts on.
    pub(crate) fn open(
        mut prefix: Vec<u8>,
        mut at_end: bool,
        mut input: R,
    ) -> Result<(CsvSource<R>, ByteRecord, u64), Opening> {
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
                let line = blocks::record_line(&prefix, 0, 1);
                break (header, line, consumed, reader.position().line());
            }
            at_end = read_more(&mut input, &mut prefix, 8192).map_err(Opening::Io)? == 0;
        };
        let consumed = consumed.min(prefix.len());
        prefix.drain(..consumed);
        let source = CsvSource {
            input,
            delimiter,
            pending: prefix,
            line: next_line,
            offset: u64::try_from(consumed).unwrap_or(u64::MAX),
            at_end,
            error: None,
        };
        Ok((source, header, line))
    }

    /// The next block of whole records, of at least `max_bytes` bytes unless the input ends
    /// first (see the `block` module), or the line of a row longer than `max_row_bytes`, which
    /// is skipped; `Err` with the first line not read at a read error.
    ///
    /// Memory: the pending bytes grow past `max_bytes` only while one record is longer than
    /// that, and never much past `max_row_bytes`.
    pub(crate) fn next_block(
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
                if let Some(n) = blocks::cut(&self.pending, self.delimiter, at_end) {
                    let mut rest = Vec::with_capacity(max_bytes.max(self.pending.len() - n));
                    rest.extend_from_slice(self.pending.get(n..).unwrap_or(&[]));
                    self.pending.truncate(n);
                    let bytes = std::mem::replace(&mut self.pending, rest);
                    let first_line = self.line;
                    let first_byte = self.offset;
                    self.line += blocks::line_feeds(&bytes);
                    self.offset += bytes.len() as u64;
                    return Ok(Some(Next::Records {
                        bytes,
                        first_line,
                        first_byte,
                    }));
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
        let start_line = self.line + blocks::line_feeds(self.pending.get(..blank).unwrap_or(&[]));
        // The same state machine as the `csv` reader, so that the record ends where that
        // reader would end it; the field bytes are not needed (the buffers are overwritten).
        let mut reader = csv_core::ReaderBuilder::new()
            .delimiter(self.delimiter)
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
                    self.line += blocks::line_feeds(&self.pending);
                    self.offset += self.pending.len() as u64;
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
        self.line += blocks::line_feeds(self.pending.get(..at).unwrap_or(&[]));
        self.offset += at as u64;
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
pub(crate) const READ_BYTES: usize = 64 * 1024;
