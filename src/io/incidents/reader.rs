//! [`IncidentReader`]: format detection and the streaming record iterator.

use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::{Chain, Cursor, Read};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use csv::ByteRecord;

use super::block;
use super::geojson::GeoJsonSource;
use super::ids::SeenIds;
use super::layout::{Columns, Fields, Layout};
use crate::{Error, Incident, Location, Problem};

/// The bytes read ahead to detect the format, followed by the rest of the input.
pub(crate) type Input<R> = Chain<Cursor<Vec<u8>>, R>;

/// The header line may be at most this long (a guard against reading a whole binary file
/// while looking for the end of the first line).
const MAX_HEADER_BYTES: usize = 1 << 20;

/// A streaming reader of incident tables in any of the [`Layout`]s.
///
/// The format is detected from the first bytes: `{` starts GeoJSON, anything else is CSV
/// whose header names the layout. Rows are parsed one at a time by
/// [`records`](IncidentReader::records); memory stays flat whatever the size of the file,
/// apart from the optional duplicate-id check (see
/// [`check_duplicate_ids`](IncidentReader::check_duplicate_ids)).
///
/// # Examples
/// ```
/// use bordertrack::io::{IncidentReader, Layout};
/// let csv = "id,date,lat,lon\nI1,2006-04,41.3,69.2\nI2,19/04/2006,41.3,69.2\n";
/// let mut reader = IncidentReader::from_reader(csv.as_bytes(), "mine.csv").unwrap();
/// assert_eq!(reader.layout(), Layout::Plain);
/// let rows: Vec<_> = reader.records().collect();
/// assert_eq!(rows[0].as_ref().unwrap().id, "I1");
/// assert_eq!(
///     rows[1].as_ref().unwrap_err().to_string(),
///     "mine.csv:3: date 19/04/2006 not understood (expected YYYY, YYYY-MM or YYYY-MM-DD)"
/// );
/// ```
pub struct IncidentReader<R: Read> {
    name: Arc<str>,
    layout: Layout,
    source: Source<R>,
    /// Ids seen so far and where (line, or feature index), when duplicates are checked.
    seen: Option<SeenIds>,
    /// CSV rows converted but not yet yielded by [`records`](IncidentReader::records).
    queue: VecDeque<Row>,
    done: bool,
    /// Whether reading ended at an error before the end of the input.
    failed: bool,
}

enum Source<R: Read> {
    Csv(Box<CsvSource<R>>),
    GeoJson(Box<GeoJsonSource<R>>),
}

/// A CSV input after its header: bytes are read ahead and handed out in blocks of whole
/// records (see the `block` module).
struct CsvSource<R: Read> {
    input: R,
    header: Arc<CsvHeader>,
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
struct CsvHeader {
    names: Vec<String>,
    columns: Columns,
    delimiter: u8,
}

impl IncidentReader<File> {
    /// Opens a file; its path, as given, names it in messages.
    pub fn from_path(path: impl AsRef<Path>) -> Result<IncidentReader<File>, Error> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        IncidentReader::from_reader(file, &path.display().to_string())
    }
}

impl<R: Read> IncidentReader<R> {
    /// Detects the format of `input` and reads its header (or, for GeoJSON, everything up to
    /// the first feature). `name` names the input in messages.
    ///
    /// # Errors
    /// [`Error::Io`] when reading fails; [`Error::Invalid`] with a [`Problem`] naming the file
    /// and line when the input is empty, has no usable header (not UTF-8, duplicate or missing
    /// required columns, unknown layout) or is not a GeoJSON FeatureCollection.
    pub fn from_reader(mut input: R, name: &str) -> Result<IncidentReader<R>, Error> {
        let fatal = |line: u64, msg: String| {
            let location = if line == 0 {
                Location::File
            } else {
                Location::Line(line)
            };
            Error::Invalid(vec![Problem::new(name, location, msg)])
        };
        let io_error = |source| Error::Io {
            path: name.into(),
            source,
        };
        let (mut prefix, at_end) = read_prefix(&mut input).map_err(io_error)?;
        if prefix.starts_with(&BOM) {
            prefix.drain(..BOM.len());
        }
        if let Some(format) = compressed_format(&prefix) {
            return Err(fatal(
                0,
                format!(
                    "the file looks {format}-compressed (it starts with the {format} signature); \
                     decompress it first"
                ),
            ));
        }
        let Some(&first) = prefix.iter().find(|b| !b.is_ascii_whitespace()) else {
            return Err(if prefix.len() > MAX_HEADER_BYTES {
                fatal(0, "nothing but whitespace in the first 1 MiB".into())
            } else {
                fatal(0, "empty file".into())
            });
        };
        let (layout, source) = if first == b'{' {
            let stream = Cursor::new(prefix).chain(input);
            let src = GeoJsonSource::open(stream).map_err(|(line, msg)| fatal(line, msg))?;
            (Layout::GeoJson, Source::GeoJson(Box::new(src)))
        } else if first == b'[' {
            return Err(fatal(
                1,
                "a JSON array is not a GeoJSON FeatureCollection (expected an object with \
                 \"type\": \"FeatureCollection\")"
                    .into(),
            ));
        } else {
            let src = CsvSource::open(prefix, at_end, input).map_err(|e| match e {
                Opening::Invalid(line, msg) => fatal(line, msg),
                Opening::Io(e) => io_error(e),
            })?;
            (src.header.columns.layout(), Source::Csv(Box::new(src)))
        };
        Ok(IncidentReader {
            name: Arc::from(name),
            layout,
            source,
            seen: Some(SeenIds::default()),
            queue: VecDeque::new(),
            done: false,
            failed: false,
        })
    }

    /// Whether to report ids that repeat an earlier row's (on by default).
    ///
    /// The check keeps every distinct id in memory (its bytes plus about 40–75 bytes of
    /// index: some 50–80 MB for a million short ids). Turn it off to read files whose ids
    /// are known to be unique, or too large for that memory, in constant memory.
    pub fn check_duplicate_ids(mut self, check: bool) -> IncidentReader<R> {
        self.seen = check.then(SeenIds::default);
        self
    }

    /// Whether reading ended at an error (a read error, broken CSV quoting or broken JSON
    /// structure) before the end of the input: the rows after it were not read.
    pub fn stopped_early(&self) -> bool {
        self.failed
    }

    /// The layout recognised from the header or first byte.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The name given to the input, as used in messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The incidents, one row or feature at a time: `Ok` for each good row, `Err` with the
    /// row's [`Problem`] (file, line or feature, every fault found in the row) for each bad
    /// one. A read error or broken JSON structure ends the iteration after one last `Err`.
    pub fn records(&mut self) -> Records<'_, R> {
        Records { reader: self }
    }

    fn next_record(&mut self) -> Option<Result<Incident, Problem>> {
        if matches!(self.source, Source::GeoJson(_)) {
            return self.next_feature();
        }
        loop {
            if let Some(mut row) = self.queue.pop_front() {
                self.check_id(&mut row);
                return Some(row.incident);
            }
            let block = self.read_block(QUEUE_BYTES, QUEUE_BYTES)?;
            let mut rows = Vec::new();
            self.parser().parse_block(block, &mut rows);
            self.queue.extend(rows);
        }
    }

    /// The next GeoJSON feature, its id checked.
    fn next_feature(&mut self) -> Option<Result<Incident, Problem>> {
        if self.done {
            return None;
        }
        let Source::GeoJson(src) = &mut self.source else {
            return None;
        };
        let (index, id, result) = match src.next_feature() {
            None => {
                self.done = true;
                return None;
            }
            Some(Ok(v)) => v,
            Some(Err((line, msg))) => {
                self.done = true;
                self.failed = true;
                return Some(Err(Problem::new(
                    &*self.name,
                    Location::Line(line),
                    format!("{msg}; {NOT_READ}"),
                )));
            }
        };
        let location = Location::Feature { index, id };
        let incident = match result {
            Ok(i) => i,
            Err(msg) => return Some(Err(Problem::new(&*self.name, location, msg))),
        };
        if let Some(seen) = &mut self.seen {
            let at = u64::try_from(index).unwrap_or(u64::MAX);
            if let Some(first) = seen.first_seen(&incident.id, at) {
                return Some(Err(Problem::new(
                    &*self.name,
                    location,
                    format!(
                        "duplicate id {:?} (first used at feature {first})",
                        incident.id
                    ),
                )));
            }
        }
        Some(Ok(incident))
    }

    /// Reads the next block of rows without converting them: whole CSV records of about
    /// `max_bytes` bytes (more when one record is longer), or up to `max_rows` GeoJSON
    /// features (already converted, as GeoJSON is parsed to find where a feature ends).
    /// `None` at the end of the input.
    ///
    /// Convert blocks with [`RowParser::parse_block`] (from [`IncidentReader::parser`]) on
    /// any thread while this reader goes on reading; then, when duplicate ids are checked,
    /// pass the rows to [`IncidentReader::check_id`] in input order.
    /// [`records`](IncidentReader::records) does all of this on one thread.
    ///
    /// A read error ends the input: the whole records read before it come first, then a
    /// block holding one problem that names the first line not read.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::io::IncidentReader;
    /// let csv = "id,date,lat,lon\nI1,2006-04,41.3,69.2\nI2,2006-04,41.3,69.2\nI3,2006,x,69.2\n";
    /// let mut reader = IncidentReader::from_reader(csv.as_bytes(), "mine.csv").unwrap();
    /// let parser = reader.parser();
    /// let mut rows = Vec::new();
    /// while let Some(block) = reader.read_block(16, 100) {
    ///     parser.parse_block(block, &mut rows);
    /// }
    /// assert_eq!(rows.len(), 3);
    /// assert_eq!(rows[1].line, 3);
    /// assert_eq!(rows[2].incident.as_ref().unwrap_err().to_string(),
    ///            "mine.csv:4: latitude \"x\" is not a number");
    /// ```
    pub fn read_block(&mut self, max_bytes: usize, max_rows: usize) -> Option<Block> {
        if self.done {
            return None;
        }
        let src = match &mut self.source {
            Source::Csv(src) => src,
            Source::GeoJson(_) => {
                let mut rows = Vec::new();
                while rows.len() < max_rows.max(1) {
                    match self.next_feature() {
                        Some(incident) => rows.push(Row { line: 0, incident }),
                        None => break,
                    }
                }
                return (!rows.is_empty()).then_some(Block(BlockKind::Rows(rows)));
            }
        };
        match src.next_block(max_bytes) {
            Ok(Some(block)) => Some(block),
            Ok(None) => {
                self.done = true;
                None
            }
            Err((line, e)) => {
                self.done = true;
                self.failed = true;
                let problem = Problem::new(
                    &*self.name,
                    Location::Line(line),
                    format!("read error: {e}; {NOT_READ}"),
                );
                Some(Block(BlockKind::Rows(vec![Row {
                    line,
                    incident: Err(problem),
                }])))
            }
        }
    }

    /// The converter for blocks read by [`IncidentReader::read_block`].
    pub fn parser(&self) -> RowParser {
        RowParser {
            name: Arc::clone(&self.name),
            csv: match &self.source {
                Source::Csv(src) => Some(Arc::clone(&src.header)),
                Source::GeoJson(_) => None,
            },
        }
    }

    /// With duplicate checking on: turns `row` (converted from a CSV block) into a problem
    /// when its id repeats an earlier row's. Rows must be passed in input order. GeoJSON
    /// features are already checked by [`read_block`](IncidentReader::read_block).
    pub fn check_id(&mut self, row: &mut Row) {
        let (Source::Csv(_), Some(seen), Ok(incident)) =
            (&self.source, self.seen.as_mut(), &row.incident)
        else {
            return;
        };
        if let Some(first) = seen.first_seen(&incident.id, row.line) {
            let msg = format!(
                "duplicate id {:?} (first used at line {first})",
                incident.id
            );
            row.incident = Err(Problem::new(&*self.name, Location::Line(row.line), msg));
        }
    }
}

/// How many bytes [`IncidentReader::records`] reads and converts at a time.
const QUEUE_BYTES: usize = 64 * 1024;

/// Rows read by [`IncidentReader::read_block`] and not yet converted: whole CSV records, or
/// GeoJSON features (converted as they are read).
#[derive(Debug)]
pub struct Block(BlockKind);

#[derive(Debug)]
enum BlockKind {
    Csv { bytes: Vec<u8>, first_line: u64 },
    Rows(Vec<Row>),
}

impl Block {
    /// A block of rows already converted (from another source than a file, say), so that
    /// every source can go through the same pipeline.
    pub fn from_rows(rows: Vec<Row>) -> Block {
        Block(BlockKind::Rows(rows))
    }

    /// How many bytes of CSV text the block holds (0 for a block of converted rows), so that
    /// a caller who knows the input's size can tell how much is left to read.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::io::IncidentReader;
    /// let csv = "id,date,lat,lon\nI1,2006-04,41.3,69.2\nI2,2006-04,41.3,69.2\n";
    /// let mut reader = IncidentReader::from_reader(csv.as_bytes(), "mine.csv")?;
    /// let block = reader.read_block(1 << 20, 100).unwrap();
    /// assert_eq!(block.byte_len(), csv.len() - "id,date,lat,lon\n".len());
    /// # Ok::<(), bordertrack::Error>(())
    /// ```
    pub fn byte_len(&self) -> usize {
        match &self.0 {
            BlockKind::Csv { bytes, .. } => bytes.len(),
            BlockKind::Rows(_) => 0,
        }
    }
}

/// One row of an incident table, converted.
#[derive(Clone, Debug)]
pub struct Row {
    /// The line the CSV row starts on (the header being line 1); 0 for GeoJSON features,
    /// whose problems name the feature instead.
    pub line: u64,
    /// The incident, or the row's problem (file, line or feature, every fault found).
    pub incident: Result<Incident, Problem>,
}

/// Converts [`Block`]s into rows; cheap to clone, and shareable between threads
/// independently of the reader (which can go on reading meanwhile).
#[derive(Clone, Debug)]
pub struct RowParser {
    name: Arc<str>,
    csv: Option<Arc<CsvHeader>>,
}

impl RowParser {
    /// Appends the rows of `block` to `rows`, in input order.
    pub fn parse_block(&self, block: Block, rows: &mut Vec<Row>) {
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
    ///
    /// # Examples
    /// ```
    /// use bordertrack::io::IncidentReader;
    ///
    /// let csv = "id,date,lat,lon\nA,2006-04-19,41.1,69.2\nB,2006-13-01,41.2,69.3\n";
    /// let mut reader = IncidentReader::from_reader(csv.as_bytes(), "in.csv")?;
    /// let parser = reader.parser();
    /// let (mut ids, mut problems) = (Vec::new(), 0);
    /// while let Some(block) = reader.read_block(64 * 1024, 4096) {
    ///     parser.each_row(block, |_line, row| match row {
    ///         Ok(incident) => ids.push(incident.id.clone()),
    ///         Err(_) => problems += 1,
    ///     });
    /// }
    /// assert_eq!((ids, problems), (vec!["A".to_string()], 1));
    /// # Ok::<(), bordertrack::Error>(())
    /// ```
    pub fn each_row(&self, block: Block, f: impl FnMut(u64, Result<&Incident, Problem>)) {
        self.convert(
            block,
            &mut Lend {
                incident: super::layout::blank_incident(),
                f,
            },
        );
    }

    /// Converts the rows of `block` into `incidents` from its start, in input order, reusing
    /// the incidents already there (their text buffers) as [`RowParser::each_row`] reuses
    /// its one: returns how many rows were incidents. Each row that is not is given to
    /// `problem` with the number of incidents converted before it. Incidents past the count
    /// returned are left over from earlier blocks (or blank).
    ///
    /// # Examples
    /// ```
    /// use bordertrack::io::IncidentReader;
    ///
    /// let csv = "id,date,lat,lon\nA,2006-04-19,41.1,69.2\nB,2006-13-01,41.2,69.3\nC,2006,41,69\n";
    /// let mut reader = IncidentReader::from_reader(csv.as_bytes(), "in.csv")?;
    /// let parser = reader.parser();
    /// let (mut incidents, mut problems) = (Vec::new(), Vec::new());
    /// let block = reader.read_block(64 * 1024, 4096).unwrap();
    /// let n = parser.convert_into(block, &mut incidents, |before, p| problems.push((before, p)));
    /// assert_eq!(n, 2);
    /// assert_eq!((incidents[0].id.as_str(), incidents[1].id.as_str()), ("A", "C"));
    /// assert_eq!(problems.len(), 1);
    /// assert_eq!(problems[0].0, 1); // after one incident
    /// # Ok::<(), bordertrack::Error>(())
    /// ```
    pub fn convert_into(
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

    /// Converts each row of `block` into `sink`'s next incident, in input order, and tells it
    /// how that went.
    fn convert(&self, block: Block, sink: &mut impl RowSink) {
        let (bytes, first_line) = match block.0 {
            BlockKind::Rows(rows) => {
                for row in rows {
                    match row.incident {
                        Ok(incident) => {
                            *sink.slot() = incident;
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
        let result = block_records(&bytes, first_line, header.delimiter, |record, line| {
            let converted = header
                .columns
                .incident_into(record, &header.names, sink.slot());
            sink.row(line, converted.map_err(|m| problem(line, m)));
        });
        if let Err((line, e)) = result {
            // Byte records read from memory by a flexible reader have no error to give;
            // should one arrive all the same, the rest of the block is said to be lost
            // rather than skipped in silence.
            let msg = format!(
                "unreadable CSV: {e}; the rows after it up to line {} were not read",
                first_line + block::line_feeds(&bytes)
            );
            sink.row(line, Err(problem(line, msg)));
        }
    }
}

/// Where [`RowParser::convert`] puts rows: the incident to convert the next row into, and what
/// becomes of it once converted (or not).
trait RowSink {
    /// The incident the next row is converted into (overwritten whole when it converts).
    fn slot(&mut self) -> &mut Incident;
    /// The row starting on `line` converted into the slot, or its problem.
    fn row(&mut self, line: u64, converted: Result<(), Problem>);
}

/// One incident lent to `f` row after row ([`RowParser::each_row`]).
struct Lend<F> {
    incident: Incident,
    f: F,
}

impl<F: FnMut(u64, Result<&Incident, Problem>)> RowSink for Lend<F> {
    fn slot(&mut self) -> &mut Incident {
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
    fn slot(&mut self) -> &mut Incident {
        if self.incidents.len() <= self.n {
            self.incidents.push(super::layout::blank_incident());
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

/// Calls `f` with each record of a CSV block that starts on `first_line`, and the line the
/// record starts on.
fn block_records(
    bytes: &[u8],
    first_line: u64,
    delimiter: u8,
    mut f: impl FnMut(Fields<'_>, u64),
) -> Result<(), (u64, csv::Error)> {
    // Where each field of the current record lies, from the record's first byte.
    let mut spans: Vec<Range<usize>> = Vec::new();
    if memchr::memchr(b'"', bytes).is_none() {
        // Without quotes every line end ends a record (or a blank line, skipped) and every
        // delimiter ends a field: the records the `csv` reader gives (property-tested against
        // it), at a fraction of the cost of its state machine. Fields are not copied: each is
        // its range of the block.
        let (mut start, mut line, mut record_start) = (0, first_line, 0);
        // Stops come every few bytes: a table lookup per byte beats a vectorised search
        // restarted at each one.
        let mut stop_at = [false; 256];
        for b in [delimiter, b'\n', b'\r'] {
            stop_at[usize::from(b)] = true;
        }
        // One UTF-8 check of the whole block instead of one per row: a row of valid text
        // starts and ends next to a line end, on character boundaries.
        let text = std::str::from_utf8(bytes).ok();
        let stops = bytes
            .iter()
            .enumerate()
            .filter_map(|(i, &b)| stop_at[usize::from(b)].then_some(i))
            .chain(Some(bytes.len()));
        for at in stops {
            let stop = bytes.get(at).copied();
            if spans.is_empty() {
                record_start = start;
            }
            let field = start - record_start..at - record_start;
            start = at + 1;
            if stop == Some(delimiter) {
                spans.push(field);
                continue;
            }
            // A line end, or the end of the block: a record ends unless the line is blank.
            if !spans.is_empty() || !field.is_empty() {
                spans.push(field);
                match text.and_then(|t| t.get(record_start..at)) {
                    Some(record) => f(Fields::of_text(record, &spans), line),
                    None => f(
                        Fields::new(bytes.get(record_start..at).unwrap_or(&[]), &spans),
                        line,
                    ),
                }
                spans.clear();
            }
            line += u64::from(stop == Some(b'\n'));
        }
        return Ok(());
    }
    let mut record = ByteRecord::new();
    // A blank line first, so that the reader does not take a byte order mark at the start of
    // the block for the start of a file (see the `block` module); lines and offsets below are
    // in this framed copy, which starts a line early.
    let mut framed = Vec::with_capacity(bytes.len() + 1);
    framed.push(b'\n');
    framed.extend_from_slice(bytes);
    let (bytes, first_line) = (framed.as_slice(), first_line.saturating_sub(1));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(e) => {
                let line = first_line + reader.position().line().saturating_sub(1);
                return Err((line, e));
            }
        }
        let (offset, line) = record.position().map_or((0, 1), |p| (p.byte(), p.line()));
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        f(
            Fields::of_record(&record, &mut spans),
            block::record_line(bytes, offset, first_line + line.saturating_sub(1)),
        );
    }
}

/// The iterator returned by [`IncidentReader::records`].
pub struct Records<'a, R: Read> {
    reader: &'a mut IncidentReader<R>,
}

impl<R: Read> Iterator for Records<'_, R> {
    type Item = Result<Incident, Problem>;

    fn next(&mut self) -> Option<Self::Item> {
        self.reader.next_record()
    }
}

/// Added to the message of an error that ends the reading of a file.
const NOT_READ: &str = "reading stopped here: the rest of the file was not read";

/// The UTF-8 byte order mark that some tools write at the start of a file.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// Reads until the first non-whitespace byte (after a possible BOM) and the end of its line
/// are in the buffer, or the input ends, or [`MAX_HEADER_BYTES`] have been read. Also says
/// whether the input ended.
fn read_prefix<R: Read>(input: &mut R) -> std::io::Result<(Vec<u8>, bool)> {
    let mut buf = Vec::with_capacity(8192);
    loop {
        let content = buf.strip_prefix(&BOM[..]).unwrap_or(&buf);
        if let Some(first) = content.iter().position(|b| !b.is_ascii_whitespace()) {
            let rest = content.get(first..).unwrap_or(&[]);
            if rest.first() == Some(&b'{') || rest.contains(&b'\n') {
                return Ok((buf, false));
            }
        }
        if buf.len() > MAX_HEADER_BYTES {
            return Ok((buf, false));
        }
        if read_more(input, &mut buf, 8192)? == 0 {
            return Ok((buf, true));
        }
    }
}

/// The compressed formats recognised by their first bytes, so that a compressed file is not
/// read as broken text: `(signature, name)`.
const COMPRESSED: [(&[u8], &str); 4] = [
    (b"\x1f\x8b", "gzip"),
    (b"PK\x03\x04", "zip"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
];

/// The name of the compressed format `prefix` starts with, if any (bzip2: `BZh`, a block size
/// digit, then the block signature).
fn compressed_format(prefix: &[u8]) -> Option<&'static str> {
    if let Some((_, name)) = COMPRESSED.iter().find(|(sig, _)| prefix.starts_with(sig)) {
        return Some(name);
    }
    let bzip2 = prefix.len() >= 10
        && prefix.starts_with(b"BZh")
        && (b'1'..=b'9').contains(&prefix[3])
        && prefix[4..10] == *b"\x31\x41\x59\x26\x53\x59";
    bzip2.then_some("bzip2")
}

/// Appends up to `n` bytes read from `input` to `buf` by one read; returns how many (0 at the
/// end).
fn read_more<R: Read>(input: &mut R, buf: &mut Vec<u8>, n: usize) -> std::io::Result<usize> {
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

/// Appends `n` bytes read from `input` to `buf`, fewer only at the end of the input or at a
/// read error (then the bytes read before it stay in `buf`); returns how many. Unlike
/// [`read_more`] it reads on until it has them, and it reads into the vector's spare room
/// without zero-filling it first (a megabyte per block).
fn fill_more<R: Read>(input: &mut R, buf: &mut Vec<u8>, n: usize) -> std::io::Result<usize> {
    let len = buf.len();
    buf.reserve(n);
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
enum Opening {
    /// The header is unusable: its line and what is wrong.
    Invalid(u64, String),
    Io(std::io::Error),
}

impl<R: Read> CsvSource<R> {
    /// Reads the header from `prefix` (the first bytes of the input, read by [`read_prefix`])
    /// and more of `input` when the header goes on beyond it.
    fn open(mut prefix: Vec<u8>, mut at_end: bool, mut input: R) -> Result<CsvSource<R>, Opening> {
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
    /// first (see the `block` module); `Err` with the first line not read at a read error.
    fn next_block(&mut self, max_bytes: usize) -> Result<Option<Block>, (u64, std::io::Error)> {
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
                    return Ok(Some(Block(BlockKind::Csv { bytes, first_line })));
                }
                if let Some(e) = self.error.take() {
                    self.pending.clear();
                    return Err((self.line, e));
                }
                if self.at_end {
                    return Ok(None);
                }
                // One record longer than the block: read on until it ends.
                want = want.max(self.pending.len()).saturating_mul(2);
            }
            let room = want.saturating_sub(self.pending.len()).max(READ_BYTES);
            match fill_more(&mut self.input, &mut self.pending, room) {
                Ok(0) => self.at_end = true,
                Ok(_) => {}
                Err(e) => self.error = Some(e),
            }
        }
    }
}

/// The least that one fill of the pending bytes ([`fill_more`]) asks of the input.
const READ_BYTES: usize = 64 * 1024;

#[cfg(test)]
mod tests {
    use super::*;
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
            block_records(&bytes, first_line, delimiter, |r, line| {
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

        /// Half the cases without quotes, which take the byte-class split instead of the
        /// `csv` reader.
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
