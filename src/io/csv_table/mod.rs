//! Reading CSV tables: the one reader behind the dataset's tables (`sources.csv`,
//! `instruments.csv`, `status.csv`, `incidents.csv`) and incident tables.
//!
//! - [`CsvSource`] reads a CSV input as a stream: the header record, then blocks of whole
//!   records, cut where the `csv` crate reading the whole input would end a record (see the
//!   `blocks` module), so that the records of each block can be split and converted on any
//!   thread. A row longer than the limit is read through without being kept and reported.
//! - [`Table`] reads a whole table into memory through a [`CsvSource`], with the physical
//!   line of every row and access by column name: the dataset's tables.
//!
//! The delimiter is whichever of `,` `;` or tab occurs most often in the header line (outside
//! quotes); line ends may be LF, CRLF or CR, and quoted fields may span lines.

use std::io::Read;

mod blocks;
mod source;
mod table;

pub(crate) use blocks::{block_records, BlockRecord};
#[cfg(test)]
pub(crate) use source::READ_BYTES;
pub(crate) use source::{CsvSource, Next, Opening};
pub(crate) use table::{Row, Table};

/// The header line may be at most this long (a guard against reading a whole binary file
/// while looking for the end of the first line).
pub(crate) const MAX_HEADER_BYTES: usize = 1 << 20;

/// The message for a row longer than `limit` bytes.
pub(crate) fn row_too_long(limit: usize) -> String {
    too_long("row", limit)
}

/// The message for a `what` (row, feature) longer than `limit` bytes.
pub(crate) fn too_long(what: &str, limit: usize) -> String {
    const MIB: usize = 1 << 20;
    let size = if limit >= MIB && limit % MIB == 0 {
        format!("{} MiB", limit / MIB)
    } else {
        format!("{limit} bytes")
    };
    format!("{what} longer than {size}, the limit for one {what}; skipped")
}

/// Picks the delimiter from the header line: whichever of `,` `;` and tab occurs most often
/// outside double quotes (`,` on a tie or when none occurs).
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

/// Appends up to `n` bytes read from `input` to `buf` by one read; returns how many (0 at the
/// end).
pub(crate) fn read_more<R: Read>(
    input: &mut R,
    buf: &mut Vec<u8>,
    n: usize,
) -> std::io::Result<usize> {
    let len = buf.len();
    buf.resize(len + n, 0);
    loop {
        match input.read(buf.get_mut(len..).unwrap_or(&mut [])) {
            Ok(k) => {
                buf.truncate(len + k);
                return Ok(k);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                buf.truncate(len);
                return Err(e);
            }
        }
    }
}
