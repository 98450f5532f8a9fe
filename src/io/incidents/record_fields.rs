//! [`Fields`]: one CSV record's fields, found by their byte ranges in the record, with
//! cheap access as bytes or trimmed text.

use std::ops::Range;

use csv::ByteRecord;

/// One row's fields: where each lies in the bytes of the row (which may hold delimiters
/// between them, or not).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields<'a> {
    bytes: &'a [u8],
    pub(super) spans: &'a [Range<usize>],
    /// The same bytes as text, when they are valid UTF-8.
    pub(super) text: Option<&'a str>,
}

impl<'a> Fields<'a> {
    /// Fields at `spans` of `bytes` (checked for UTF-8 once, as a whole).
    pub fn new(bytes: &'a [u8], spans: &'a [Range<usize>]) -> Fields<'a> {
        Fields {
            bytes,
            spans,
            text: std::str::from_utf8(bytes).ok(),
        }
    }

    /// Fields at `spans` of `text`, known to be UTF-8.
    #[cfg(test)]
    pub fn of_text(text: &'a str, spans: &'a [Range<usize>]) -> Fields<'a> {
        Fields {
            bytes: text.as_bytes(),
            spans,
            text: Some(text),
        }
    }

    /// The fields of a `csv` record (`spans` is filled with their ranges).
    pub fn of_record(rec: &'a ByteRecord, spans: &'a mut Vec<Range<usize>>) -> Fields<'a> {
        spans.clear();
        spans.extend((0..rec.len()).filter_map(|i| rec.range(i)));
        Fields::new(rec.as_slice(), spans)
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
