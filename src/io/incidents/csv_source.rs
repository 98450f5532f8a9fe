//! The CSV side of an [`IncidentReader`](super::IncidentReader): the header read by the
//! crate's CSV table reader ([`CsvSource`]) and interpreted here (names, layout, columns).

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use super::layout::Columns;
use super::mapping::{self, ColumnMapping};
use crate::io::csv_table::{CsvSource, Opening};

/// A CSV incident table after its header: the source of its records and what they are
/// converted with.
pub(super) struct IncidentCsv<R: Read> {
    pub(super) source: CsvSource<R>,
    pub(super) header: Arc<CsvHeader>,
}

/// What a CSV row is converted with: the header's names and the columns they map to.
#[derive(Debug)]
pub(super) struct CsvHeader {
    pub(super) names: Vec<String>,
    pub(super) columns: Columns,
    /// The table's own columns, carried to the output: their names as written in the header.
    pub(super) carried: Vec<String>,
    /// The position of the first of them (1 after an earlier run's `WKT` geometry column).
    pub(super) first_carried: usize,
    pub(super) delimiter: u8,
}

impl<R: Read> IncidentCsv<R> {
    /// Reads the header from `prefix` (the first bytes of the input, after any byte order
    /// mark) and more of `input` when it goes on beyond them, and recognises the layout: the
    /// names are compared trimmed and lowercased; names that are not UTF-8 or that repeat are
    /// fatal.
    pub(super) fn open(
        prefix: Vec<u8>,
        at_end: bool,
        input: R,
        mapping: &ColumnMapping,
    ) -> Result<IncidentCsv<R>, Opening> {
        let (source, header, line) = CsvSource::open(prefix, at_end, input)?;
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
            match mapping::recognise(&names, mapping) {
                Ok((columns, own)) => {
                    let delimiter = source.delimiter;
                    let first_carried = own.start;
                    let carried = header
                        .iter()
                        .take(own.end)
                        .skip(own.start)
                        .map(|raw| String::from_utf8_lossy(raw).into_owned())
                        .collect();
                    return Ok(IncidentCsv {
                        source,
                        header: Arc::new(CsvHeader {
                            names,
                            columns,
                            carried,
                            first_carried,
                            delimiter,
                        }),
                    });
                }
                Err(e) => problems.push(e),
            }
        }
        Err(Opening::Invalid(line, problems.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::csv_table::{block_records, sniff_delimiter, Next, READ_BYTES};
    use crate::io::incidents::reader::{IncidentReader, Source, NOT_READ};
    use crate::io::incidents::rows::{Block, BlockKind};
    use csv::ByteRecord;
    use proptest::prelude::*;

    /// Gives the input in pieces of the sizes listed, in turn, as pipes do; fails after
    /// `fail_after` bytes when set.
    struct TrickleReader<'a> {
        bytes: &'a [u8],
        sizes: Vec<usize>,
        turn: usize,
        fail_after: Option<usize>,
        given: usize,
    }

    impl Read for TrickleReader<'_> {
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

    fn trickle(bytes: &[u8], sizes: Vec<usize>, fail_after: Option<usize>) -> TrickleReader<'_> {
        TrickleReader {
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
            });
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
        while let Some(next) = src.source.next_block(1000, 10_000).unwrap() {
            peak = peak.max(src.source.pending.capacity());
            items.push(match next {
                Next::TooLong(line) => format!("too long at {line}"),
                Next::Records {
                    bytes, first_line, ..
                } => format!("{first_line}: {}", String::from_utf8_lossy(&bytes)),
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
        let zip = fatal(b"PK\x03\x04\x14\x00");
        if cfg!(feature = "formats") {
            assert_eq!(
                zip,
                "in.csv: a zip archive (KMZ, zipped KML?), which is read from a file by its \
                 path: name it with a .kmz extension; any other archive, unzip it and read the \
                 table inside"
            );
        } else {
            assert!(zip.contains("zip-compressed"), "{zip}");
        }
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
