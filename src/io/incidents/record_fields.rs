//! [`Fields`]: one CSV record's fields, found by their byte ranges in the record, with
//! cheap access as bytes or trimmed text.

use std::ops::Range;

use csv::ByteRecord;

use crate::io::csv_table::BlockRecord;

/// One row's fields: where each lies in the bytes of the row (which may hold delimiters
/// between them, or not).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields<'a> {
    bytes: &'a [u8],
    pub(super) spans: &'a [Range<usize>],
    /// The same bytes as text, when they are valid UTF-8.
    pub(super) text: Option<&'a str>,
    /// Whether every field is known to start and end on character boundaries of `text`
    /// (each is then text too, without a check).
    pub(super) whole_fields: bool,
}

impl<'a> Fields<'a> {
    /// Fields at `spans` of `bytes` (checked for UTF-8 once, as a whole).
    pub fn new(bytes: &'a [u8], spans: &'a [Range<usize>]) -> Fields<'a> {
        Fields {
            bytes,
            spans,
            text: std::str::from_utf8(bytes).ok(),
            whole_fields: false,
        }
    }

    /// Fields at `spans` of `text`, known to be UTF-8.
    #[cfg(test)]
    pub fn of_text(text: &'a str, spans: &'a [Range<usize>]) -> Fields<'a> {
        Fields {
            bytes: text.as_bytes(),
            spans,
            text: Some(text),
            whole_fields: false,
        }
    }

    /// The fields of a `csv` record (`spans` is filled with their ranges).
    pub fn of_record(rec: &'a ByteRecord, spans: &'a mut Vec<Range<usize>>) -> Fields<'a> {
        spans.clear();
        spans.extend((0..rec.len()).filter_map(|i| rec.range(i)));
        Fields::new(rec.as_slice(), spans)
    }

    /// The fields of a record read from a block (`spans` is filled with their ranges).
    pub fn of_block_record(rec: BlockRecord<'a>, spans: &'a mut Vec<Range<usize>>) -> Fields<'a> {
        spans.clear();
        spans.extend((0..rec.len()).filter_map(|i| rec.range(i)));
        Fields::new(rec.as_slice(), spans)
    }

    /// Whether `rec` is `line` (its text as written) split at delimiters one byte long, as
    /// it is unless the reader took quotes out of it: the reader only ever takes bytes out of
    /// a line, so it is exactly when the fields with one delimiter between each two make up
    /// the whole line.
    pub fn split_line(rec: BlockRecord<'_>, line: &str) -> bool {
        let delimiters = rec.len().saturating_sub(1);
        rec.as_slice().len() + delimiters == line.len()
    }

    /// The fields of a record read from `line` ([`Fields::split_line`] says whether it was),
    /// its text as written, already checked to be UTF-8 (with its block, so that it is not
    /// checked again here): `spans` is filled with where they lie in `line`.
    pub fn of_line(
        line: &'a str,
        rec: BlockRecord<'_>,
        spans: &'a mut Vec<Range<usize>>,
    ) -> Fields<'a> {
        spans.clear();
        // Field `i` has `i` delimiters before it in the line (none in the record's bytes),
        // and starts in the record's bytes where the one before it ends.
        let mut start = 0;
        spans.extend(rec.ends().iter().enumerate().map(|(i, &end)| {
            let span = start + i..end + i;
            start = end;
            span
        }));
        Fields {
            bytes: line.as_bytes(),
            spans,
            text: Some(line),
            // Fields lie between delimiters, which are ASCII, and the line's ends.
            whole_fields: true,
        }
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Field `i`'s bytes.
    pub fn get(&self, i: usize) -> Option<&'a [u8]> {
        self.bytes.get(self.spans.get(i)?.clone())
    }

    /// Field `i` as text exactly as written; `None` when it is not UTF-8.
    pub fn raw_text(&self, i: usize) -> Option<&'a str> {
        let span = self.spans.get(i)?.clone();
        match self.text {
            Some(t) => t.get(span),
            None => std::str::from_utf8(self.bytes.get(span)?).ok(),
        }
    }

    /// Field `i` as text without surrounding ASCII whitespace; `None` when the row is not
    /// UTF-8 or the field splits a character.
    pub fn text(&self, i: usize) -> Option<&'a str> {
        Some(self.text?.get(self.spans.get(i)?.clone())?.trim_ascii())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The records read from `line` as a block (none for a blank line): each record's
    /// fields and ends.
    fn records(line: &str) -> Vec<(Vec<u8>, Vec<usize>)> {
        let mut out = Vec::new();
        crate::io::csv_table::block_records(line.as_bytes(), 1, b',', |r, _, _| {
            let ends = (0..r.len()).filter_map(|i| r.range(i)).map(|r| r.end);
            out.push((r.as_slice().to_vec(), ends.collect()));
        });
        out
    }

    /// A record of `records`, as a block's record.
    fn record((fields, ends): &(Vec<u8>, Vec<usize>)) -> BlockRecord<'_> {
        BlockRecord::from_parts(fields, ends)
    }

    /// Whether `fields` are the fields of `rec`, byte for byte, and the `csv` crate's own
    /// reader's for `line` too.
    fn same_fields(fields: Fields<'_>, rec: BlockRecord<'_>, line: &str) -> bool {
        let csv: Vec<ByteRecord> = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(line.as_bytes())
            .byte_records()
            .collect::<Result<_, _>>()
            .unwrap_or_default();
        let Some(csv) = csv.first() else {
            return false;
        };
        fields.len() == rec.len()
            && csv.len() == rec.len()
            && (0..rec.len()).all(|i| fields.get(i) == rec.get(i) && csv.get(i) == rec.get(i))
    }

    #[test]
    fn a_line_without_quoting_is_split_at_its_delimiters() {
        let mut spans = Vec::new();
        for line in ["a,b,c", "G1,2011-05-10,,é", "5\" pipe,x", " a , b "] {
            let all = records(line);
            let rec = record(&all[0]);
            assert!(Fields::split_line(rec, line), "{line}");
            assert!(same_fields(
                Fields::of_line(line, rec, &mut spans),
                rec,
                line
            ));
        }
        for line in ["a,\"b\",c", "\"a,b\"", "\"\"", "a,\"b\"\"c\""] {
            assert!(
                !Fields::split_line(record(&records(line)[0]), line),
                "{line}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// Wherever a record is its line split at delimiters, its fields read from the line
        /// are the record's own.
        #[test]
        fn fields_read_from_the_line_are_the_record_s(line in "[a-c,\" é]{0,12}") {
            let mut spans = Vec::new();
            let all = records(&line);
            if let [rec] = all.as_slice() {
                let rec = record(rec);
                if Fields::split_line(rec, &line) {
                    prop_assert!(same_fields(Fields::of_line(&line, rec, &mut spans), rec, &line));
                } else {
                    prop_assert!(line.contains('"'));
                }
            }
        }
    }
}
