//! Blocks of rows read ahead and their conversion: [`Block`], [`Row`] and [`RowParser`],
//! which splits a block's CSV records into fields (with `csv_core`, the `csv` crate's own state
//! machine) and converts them on any thread while the reader goes on reading.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::csv_source::CsvHeader;
use super::layout::Fields;
#[cfg(doc)]
use super::IncidentReader;
use crate::io::csv_table::block_records;
use crate::{DateSpan, Incident, Location, Problem, RowValues};

/// Rows read by [`IncidentReader::read_block`] and not yet converted: whole CSV records, or
/// GeoJSON features (converted as they are read).
#[derive(Debug)]
pub(crate) struct Block(pub(super) BlockKind);

#[derive(Debug)]
pub(super) enum BlockKind {
    Csv { bytes: Vec<u8>, first_line: u64 },
    Rows(Vec<Row>),
}

impl Block {
    /// How many bytes of CSV text the block holds (0 for a block of converted rows), so that
    /// a caller who knows the input's size can tell how much is left to read.
    pub(crate) fn byte_len(&self) -> usize {
        match &self.0 {
            BlockKind::Csv { bytes, .. } => bytes.len(),
            BlockKind::Rows(_) => 0,
        }
    }
}

/// One row of an incident table, converted.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    /// The line the CSV row starts on (the header being line 1); 0 for GeoJSON features,
    /// whose problems name the feature instead.
    pub line: u64,
    /// The incident, or the row's problem (file, line or feature, every fault found).
    pub incident: Result<Incident, Problem>,
}

/// Converts [`Block`]s into rows; cheap to clone, and shareable between threads
/// independently of the reader (which can go on reading meanwhile).
#[derive(Clone, Debug)]
pub(crate) struct RowParser {
    pub(super) name: Arc<str>,
    pub(super) csv: Option<Arc<CsvHeader>>,
    /// The longest row converted, in bytes (see [`IncidentReader::max_row_bytes`]).
    pub(super) max_row_bytes: usize,
    /// The CRS of the coordinates, when not WGS84 (see [`IncidentReader::input_crs`]).
    pub(super) input_crs: Option<crate::crs::Reprojection>,
    /// The dates kept (see [`IncidentReader::date_range`]), and the count of rows left out.
    pub(super) dates: Option<(DateSpan, Arc<AtomicU64>)>,
}

impl RowParser {
    /// Appends the rows of `block` to `rows`, in input order.
    pub(crate) fn parse_block(&self, block: Block, rows: &mut Vec<Row>) {
        self.each_row(block, |line, incident| {
            rows.push(Row {
                line,
                incident: incident.cloned(),
            });
        });
    }

    /// Calls `f` with each row of `block`, in input order: the line it starts on and its
    /// incident or problem, as [`RowParser::parse_block`] gives them. The incident is lent:
    /// one is filled in row after row, reusing its text buffers, so that converting a block
    /// allocates nothing per row in the usual case.
    pub(crate) fn each_row(&self, block: Block, f: impl FnMut(u64, Result<&Incident, Problem>)) {
        self.convert(
            block,
            &mut RowCallback {
                incident: super::convert::blank_incident(),
                f,
            },
        );
    }

    /// Converts the rows of `block` into `incidents` from its start, in input order, reusing
    /// the incidents already there (their text buffers) as [`RowParser::each_row`] reuses
    /// its one: returns how many rows were incidents. Each row that is not is given to
    /// `problem` with the number of incidents converted before it. Incidents past the count
    /// returned are left over from earlier blocks (or blank).
    pub(crate) fn convert_into(
        &self,
        block: Block,
        incidents: &mut Vec<Incident>,
        problem: impl FnMut(usize, Problem),
    ) -> usize {
        let mut sink = Fill {
            incidents,
            n: 0,
            problem,
        };
        self.convert(block, &mut sink);
        sink.n
    }

    /// Whether `incident` falls outside the dates kept; it is then counted as left out.
    fn outside_dates(&self, incident: &Incident) -> bool {
        match &self.dates {
            Some((range, left_out)) if !incident.date.overlaps(range) => {
                left_out.fetch_add(1, Ordering::Relaxed);
                true
            }
            _ => false,
        }
    }

    /// Converts each row of `block` into `sink`'s next incident, in input order, and tells it
    /// how that went. A row outside the dates kept is neither an incident nor a problem.
    fn convert(&self, block: Block, sink: &mut impl RowSink) {
        let (bytes, first_line) = match block.0 {
            BlockKind::Rows(rows) => {
                for row in rows {
                    match row.incident {
                        Ok(incident) => {
                            *sink.slot(0) = incident;
                            sink.row(row.line, Ok(()));
                        }
                        Err(p) => sink.row(row.line, Err(p)),
                    }
                }
                return;
            }
            BlockKind::Csv { bytes, first_line } => (bytes, first_line),
        };
        let problem = |line, msg| Problem::new(&*self.name, Location::Line(line), msg);
        let Some(header) = &self.csv else {
            sink.row(
                first_line,
                Err(problem(first_line, "not a CSV input".to_string())),
            );
            return;
        };
        // The block's text, checked once: a record read from a line of it as written (no
        // quotes taken out) is then that line's slice of it, not checked again.
        let text = std::str::from_utf8(&bytes).ok();
        // Whether no line of the block holds a double quote, looked at once.
        let quoteless = memchr::memchr(b'"', &bytes).is_none();
        // Where each field of the current record lies, in its line or in the record's bytes.
        let mut spans: Vec<Range<usize>> = Vec::new();
        block_records(&bytes, first_line, header.delimiter, |record, line, at| {
            if at.len() > self.max_row_bytes {
                let msg = crate::io::csv_table::row_too_long(self.max_row_bytes);
                let too_long = problem(line, msg).with_kind(crate::ProblemKind::TooLong);
                sink.row(line, Err(too_long));
                return;
            }
            let row_bytes = at.len();
            let fields = match text.and_then(|t| t.get(at)) {
                Some(text) if Fields::split_line(record, text) => {
                    Fields::of_line(text, record, &mut spans)
                }
                _ => Fields::of_block_record(record, &mut spans),
            };
            let incident = sink.slot(row_bytes);
            let converted = header
                .columns
                .incident_into(&fields, &header.names, incident, self.input_crs.as_ref())
                .and_then(|()| {
                    let values = &mut incident.values;
                    let line = (header.delimiter, quoteless);
                    carry(&fields, header.first_carried, &header.carried, line, values)
                });
            if converted.is_ok() && self.outside_dates(incident) {
                return;
            }
            sink.row(line, converted.map_err(|m| problem(line, m)));
        });
    }
}

/// Copies the fields of the table's own columns (named `names`, from field `first` on) into
/// `values`, exactly as written; on failure, what is wrong with the fields that are not UTF-8.
///
/// The fields of a line split at each `delimiter` (the usual case) are copied as the line
/// holds them, in one piece, and found only when they are read (`quoteless`: the line is
/// known to hold no double quote); see [`carry_fields`] for the others.
fn carry(
    fields: &Fields<'_>,
    first: usize,
    names: &[String],
    (delimiter, quoteless): (u8, bool),
    values: &mut RowValues,
) -> Result<(), String> {
    values.clear();
    let carried = names.len().min(fields.len().saturating_sub(first));
    let spans = fields.spans.get(first..first + carried).unwrap_or_default();
    if let (Some(text), true, Some(first_span), Some(last_span)) = (
        fields.text,
        fields.whole_fields,
        spans.first(),
        spans.last(),
    ) {
        // Fields of a line as written, one delimiter apart and holding none: the run of them
        // is copied from the line as it is ([`RowValues::push_line`]), which a CSV writer can
        // copy whole when none needs quoting. They lie between the ASCII delimiters of a line
        // of text, so the run starts and ends on character boundaries.
        if let Some(run) = text.get(first_span.start..last_span.end) {
            values.push_line(run, carried, delimiter, quoteless);
            for _ in carried..names.len() {
                values.push_empty();
            }
            return Ok(());
        }
    }
    carry_fields(fields, first, names, values)
}

/// [`carry`] for the fields of a record that is not its line split at delimiters (the reader
/// took quotes out of it), or not UTF-8: a record of UTF-8 text is copied in one piece, its
/// fields kept as ranges of it, rather than field by field.
///
/// A function of its own, so that the usual case does not make room for this one.
#[inline(never)]
fn carry_fields(
    fields: &Fields<'_>,
    first: usize,
    names: &[String],
    values: &mut RowValues,
) -> Result<(), String> {
    let carried = names.len().min(fields.len().saturating_sub(first));
    if let (Some(text), Some(spans)) = (fields.text, fields.spans.get(first..first + carried)) {
        // Field bytes are split at ASCII delimiters and quotes, so in a row of UTF-8 text a
        // field is UTF-8 too unless the row splits a character between two fields.
        let whole = |i: usize| text.is_char_boundary(i);
        if spans.iter().all(|r| whole(r.start) && whole(r.end)) {
            let end = spans.last().map_or(0, |r| r.end);
            values.push_texts(text.get(..end).unwrap_or(""), spans.iter().cloned());
            for _ in carried..names.len() {
                values.push_empty();
            }
            return Ok(());
        }
    }
    let mut bad = Vec::new();
    for (i, name) in (first..).zip(names) {
        match fields.raw_text(i) {
            Some(t) => values.push_text(t),
            None => {
                values.push_empty();
                if let Some(bytes) = fields.get(i) {
                    if let Err(e) = super::fields::utf8(bytes, name) {
                        bad.push(e);
                    }
                }
            }
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(bad.join("; "))
    }
}

/// Where [`RowParser::convert`] puts rows: the incident to convert the next row into, and what
/// becomes of it once converted (or not).
trait RowSink {
    /// The incident the next row is converted into (overwritten whole when it converts); the
    /// row is `row_bytes` long as written (0: not known), which a fresh incident makes room
    /// for.
    fn slot(&mut self, row_bytes: usize) -> &mut Incident;
    /// The row starting on `line` converted into the slot, or its problem.
    fn row(&mut self, line: u64, converted: Result<(), Problem>);
}

/// Calls `f` after each row with the row's incident (one incident, converted into again for
/// every row: [`RowParser::each_row`]).
struct RowCallback<F> {
    incident: Incident,
    f: F,
}

impl<F: FnMut(u64, Result<&Incident, Problem>)> RowSink for RowCallback<F> {
    fn slot(&mut self, _row_bytes: usize) -> &mut Incident {
        &mut self.incident
    }

    fn row(&mut self, line: u64, converted: Result<(), Problem>) {
        (self.f)(line, converted.map(|()| &self.incident));
    }
}

/// The incidents of a vector filled in order ([`RowParser::convert_into`]).
struct Fill<'v, P> {
    incidents: &'v mut Vec<Incident>,
    /// How many are converted.
    n: usize,
    problem: P,
}

impl<P: FnMut(usize, Problem)> RowSink for Fill<'_, P> {
    fn slot(&mut self, row_bytes: usize) -> &mut Incident {
        if self.incidents.len() <= self.n {
            // Allocated at once with room for this row and longer ones (as the buffers grow
            // when rows are converted into them), rather than grown by the first rows: a
            // block's first use of the pool fills thousands of fresh incidents.
            self.incidents
                .push(super::convert::incident_with_room(row_bytes));
        }
        // Not empty now, and `n` below its length: the index is in range.
        let last = self.incidents.len().saturating_sub(1);
        &mut self.incidents[self.n.min(last)]
    }

    fn row(&mut self, _line: u64, converted: Result<(), Problem>) {
        match converted {
            Ok(()) => self.n += 1,
            Err(p) => (self.problem)(self.n, p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RowValue;

    #[test]
    fn carried_fields_of_a_line_lie_as_in_the_line() {
        let names: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        for line in [
            "E1,2011-05-10,caf\u{e9},,x y",
            "E1,\"2011-05-10\",caf\u{e9},,x y",
        ] {
            let mut values = RowValues::default();
            let mut records = 0;
            crate::io::csv_table::block_records(line.as_bytes(), 1, b',', |rec, _, _| {
                let mut spans = Vec::new();
                let fields = if Fields::split_line(rec, line) {
                    Fields::of_line(line, rec, &mut spans)
                } else {
                    Fields::of_block_record(rec, &mut spans)
                };
                let quoteless = !line.contains('"');
                assert_eq!(
                    carry(&fields, 1, &names, (b',', quoteless), &mut values),
                    Ok(())
                );
                records += 1;
            });
            assert_eq!(records, 1);
            // Fields of the line as written are kept as the line holds them; the fields of a
            // record the reader took quotes out of lie back to back.
            let (span, delimited) = if line.contains('"') {
                ("2011-05-10caf\u{e9}x y", None)
            } else {
                let run = "2011-05-10,caf\u{e9},,x y";
                (run, Some(run))
            };
            assert_eq!(values.texts_span(4), Some(span), "{line}");
            assert_eq!(values.line_texts(4, b','), delimited, "{line}");
            let texts: Vec<_> = values.iter().collect();
            let want = ["2011-05-10", "caf\u{e9}", "", "x y"].map(RowValue::Text);
            assert_eq!(texts, want, "{line}");
            assert_eq!(values.line_is_quoteless(), !line.contains('"'), "{line}");
        }
    }

    #[test]
    fn a_short_line_carries_nulls_after_its_fields() {
        let names: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        let line = "E1,2011-05-10,caf\u{e9}";
        let mut values = RowValues::default();
        values.push_text("left over");
        crate::io::csv_table::block_records(line.as_bytes(), 1, b',', |rec, _, _| {
            let mut spans = Vec::new();
            assert!(Fields::split_line(rec, line));
            let fields = Fields::of_line(line, rec, &mut spans);
            assert_eq!(carry(&fields, 1, &names, (b',', true), &mut values), Ok(()));
        });
        let got: Vec<_> = values.iter().collect();
        let want = [
            RowValue::Text("2011-05-10"),
            RowValue::Text("caf\u{e9}"),
            RowValue::Empty,
            RowValue::Empty,
        ];
        assert_eq!(got, want);
        assert_eq!(values.line_texts(2, b','), Some("2011-05-10,caf\u{e9}"));
        assert_eq!(values.line_texts(4, b','), None);
    }
}
