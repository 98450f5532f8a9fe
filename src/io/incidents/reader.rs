//! [`IncidentReader`]: format detection and the streaming record iterator.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Chain, Cursor, Read};
use std::path::Path;
use std::sync::Arc;

use csv::ByteRecord;

use super::geojson::GeoJsonSource;
use super::ids::SeenIds;
use super::layout::{Columns, Layout};
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
    name: String,
    layout: Layout,
    source: Source<R>,
    /// Ids seen so far and where (line, or feature index), when duplicates are checked.
    seen: Option<SeenIds>,
    done: bool,
    /// Whether reading ended at an error before the end of the input.
    failed: bool,
}

enum Source<R: Read> {
    Csv(Box<CsvSource<R>>),
    GeoJson(Box<GeoJsonSource<R>>),
}

struct CsvSource<R: Read> {
    reader: csv::Reader<Input<R>>,
    header: Arc<CsvHeader>,
    record: ByteRecord,
}

/// What a CSV row is converted with: the header's names and the columns they map to.
#[derive(Debug)]
struct CsvHeader {
    names: Vec<String>,
    columns: Columns,
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
        let mut prefix = read_prefix(&mut input).map_err(io_error)?;
        if prefix.starts_with(&BOM) {
            prefix.drain(..BOM.len());
        }
        let Some(&first) = prefix.iter().find(|b| !b.is_ascii_whitespace()) else {
            return Err(if prefix.len() > MAX_HEADER_BYTES {
                fatal(0, "nothing but whitespace in the first 1 MiB".into())
            } else {
                fatal(0, "empty file".into())
            });
        };
        let stream = Cursor::new(prefix).chain(input);
        let (layout, source) = if first == b'{' {
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
            let src = CsvSource::open(stream).map_err(|(line, msg)| fatal(line, msg))?;
            (src.header.columns.layout(), Source::Csv(Box::new(src)))
        };
        Ok(IncidentReader {
            name: name.to_string(),
            layout,
            source,
            seen: Some(SeenIds::default()),
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
        if self.done {
            return None;
        }
        let (result, location, at) = match &mut self.source {
            Source::Csv(src) => match src.reader.read_byte_record(&mut src.record) {
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Ok(true) => {
                    let line = src.record.position().map_or(0, |p| p.line());
                    let result = src.header.columns.incident(&src.record, &src.header.names);
                    (result, Location::Line(line), line)
                }
                Err(e) => {
                    self.done = true;
                    self.failed = true;
                    return Some(Err(csv_read_problem(&self.name, &e)));
                }
            },
            Source::GeoJson(src) => match src.next_feature()? {
                Ok((index, id, result)) => (
                    result,
                    Location::Feature { index, id },
                    u64::try_from(index).unwrap_or(u64::MAX),
                ),
                Err((line, msg)) => {
                    self.done = true;
                    self.failed = true;
                    return Some(Err(Problem::new(
                        self.name.clone(),
                        Location::Line(line),
                        format!("{msg}; {NOT_READ}"),
                    )));
                }
            },
        };
        let problem = |msg: String| Problem::new(self.name.clone(), location.clone(), msg);
        let incident = match result {
            Ok(i) => i,
            Err(msg) => return Some(Err(problem(msg))),
        };
        if let Some(seen) = &mut self.seen {
            if let Some(first) = seen.first_seen(&incident.id, at) {
                let where_ = match self.layout {
                    Layout::GeoJson => format!("feature {first}"),
                    _ => format!("line {first}"),
                };
                return Some(Err(problem(format!(
                    "duplicate id {:?} (first used at {where_})",
                    incident.id
                ))));
            }
        }
        Some(Ok(incident))
    }
}

/// One row read but not yet converted, so that conversion can run on several threads: see
/// [`IncidentReader::read_raw`].
#[derive(Debug)]
pub enum RawRow {
    /// A CSV record, to convert with [`RowParser::parse`].
    Csv(ByteRecord),
    /// A row already converted (GeoJSON features, read errors).
    Ready(Result<Incident, Problem>),
}

/// A reusable batch of [`RawRow`]s; record buffers are kept between batches.
#[derive(Debug, Default)]
pub struct RawRows {
    rows: Vec<RawRow>,
    len: usize,
}

impl RawRows {
    /// An empty batch.
    pub fn new() -> RawRows {
        RawRows::default()
    }

    /// The rows of the last [`IncidentReader::read_raw`] call.
    pub fn as_slice(&self) -> &[RawRow] {
        self.rows.get(..self.len).unwrap_or(&[])
    }

    /// The CSV record buffer for the next row, reusing an old one where possible.
    fn next_record(&mut self) -> &mut ByteRecord {
        if self.len == self.rows.len() {
            self.rows.push(RawRow::Csv(ByteRecord::new()));
        }
        let i = self.len;
        self.len += 1;
        if !matches!(self.rows[i], RawRow::Csv(_)) {
            self.rows[i] = RawRow::Csv(ByteRecord::new());
        }
        match &mut self.rows[i] {
            RawRow::Csv(r) => r,
            RawRow::Ready(_) => unreachable!("set to Csv just above"),
        }
    }

    /// Forgets the rows (keeping their buffers).
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Appends a row that is already converted.
    pub fn push_ready(&mut self, r: Result<Incident, Problem>) {
        if self.len == self.rows.len() {
            self.rows.push(RawRow::Ready(r));
        } else {
            self.rows[self.len] = RawRow::Ready(r);
        }
        self.len += 1;
    }
}

/// Converts [`RawRow`]s into incidents; cheap to clone, and shareable between threads
/// independently of the reader (which can go on reading meanwhile).
#[derive(Clone, Debug)]
pub struct RowParser {
    name: Arc<str>,
    csv: Option<Arc<CsvHeader>>,
}

impl RowParser {
    /// The incident of `row`, or the row's problem (file, line, every fault found).
    pub fn parse(&self, row: &RawRow) -> Result<Incident, Problem> {
        match (row, &self.csv) {
            (RawRow::Ready(r), _) => r.clone(),
            (RawRow::Csv(rec), Some(header)) => {
                let line = rec.position().map_or(0, |p| p.line());
                header
                    .columns
                    .incident(rec, &header.names)
                    .map_err(|m| Problem::new(&*self.name, Location::Line(line), m))
            }
            (RawRow::Csv(rec), None) => {
                let line = rec.position().map_or(0, |p| p.line());
                Err(Problem::new(
                    &*self.name,
                    Location::Line(line),
                    "not a CSV input",
                ))
            }
        }
    }
}

impl<R: Read> IncidentReader<R> {
    /// Reads up to `max` rows into `rows` without converting them, and returns how many were
    /// read (0 at the end). Convert them with [`IncidentReader::parser`], on as many threads as
    /// wanted, then pass each good incident to [`IncidentReader::check_id`] in order when
    /// duplicate ids are checked. [`records`](IncidentReader::records) does all of this on one
    /// thread.
    pub fn read_raw(&mut self, rows: &mut RawRows, max: usize) -> usize {
        rows.len = 0;
        while rows.len < max && !self.done {
            match &mut self.source {
                Source::Csv(src) => {
                    let rec = rows.next_record();
                    match src.reader.read_byte_record(rec) {
                        Ok(true) => {}
                        Ok(false) => {
                            rows.len -= 1;
                            self.done = true;
                        }
                        Err(e) => {
                            rows.len -= 1;
                            self.done = true;
                            self.failed = true;
                            rows.push_ready(Err(csv_read_problem(&self.name, &e)));
                        }
                    }
                }
                Source::GeoJson(_) => match self.next_record() {
                    Some(r) => rows.push_ready(r),
                    None => self.done = true,
                },
            }
        }
        rows.len
    }

    /// The converter for rows read by [`IncidentReader::read_raw`].
    pub fn parser(&self) -> RowParser {
        RowParser {
            name: Arc::from(self.name.as_str()),
            csv: match &self.source {
                Source::Csv(src) => Some(Arc::clone(&src.header)),
                Source::GeoJson(_) => None,
            },
        }
    }

    /// With duplicate checking on: a problem when `incident` (converted from `row`) repeats an
    /// earlier id. GeoJSON rows are already checked by `read_raw`.
    pub fn check_id(&mut self, row: &RawRow, incident: &Incident) -> Option<Problem> {
        let RawRow::Csv(rec) = row else {
            return None;
        };
        let line = rec.position().map_or(0, |p| p.line());
        let first = self.seen.as_mut()?.first_seen(&incident.id, line)?;
        Some(Problem::new(
            self.name.clone(),
            Location::Line(line),
            format!(
                "duplicate id {:?} (first used at line {first})",
                incident.id
            ),
        ))
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

/// The problem of a CSV read error, which ends the reading of the file.
fn csv_read_problem(name: &str, e: &csv::Error) -> Problem {
    let line = e.position().map_or(0, |p| p.line());
    let msg = match e.kind() {
        csv::ErrorKind::Io(io) => format!("read error: {io}"),
        _ => format!("unreadable CSV: {e}"),
    };
    Problem::new(name, Location::Line(line), format!("{msg}; {NOT_READ}"))
}

/// The UTF-8 byte order mark that some tools write at the start of a file.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// Reads until the first non-whitespace byte (after a possible BOM) and the end of its line
/// are in the buffer, or the input ends, or [`MAX_HEADER_BYTES`] have been read.
fn read_prefix<R: Read>(input: &mut R) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        let content = buf.strip_prefix(&BOM[..]).unwrap_or(&buf);
        if let Some(first) = content.iter().position(|b| !b.is_ascii_whitespace()) {
            let rest = content.get(first..).unwrap_or(&[]);
            if rest.first() == Some(&b'{') || rest.contains(&b'\n') {
                break;
            }
        }
        if buf.len() > MAX_HEADER_BYTES {
            break;
        }
        let n = match input.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        buf.extend_from_slice(chunk.get(..n).unwrap_or(&[]));
    }
    Ok(buf)
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

impl<R: Read> CsvSource<R> {
    fn open(stream: Input<R>) -> Result<CsvSource<R>, (u64, String)> {
        let prefix = stream.get_ref().0.get_ref();
        let start = prefix
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(0);
        let rest = prefix.get(start..).unwrap_or(&[]);
        let header_line = rest.split(|&b| b == b'\n').next().unwrap_or(&[]);
        if !rest.contains(&b'\n') && prefix.len() > MAX_HEADER_BYTES {
            return Err((1, "header line longer than 1 MiB: not a CSV table?".into()));
        }
        let delimiter = sniff_delimiter(header_line);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .flexible(true)
            .from_reader(stream);
        let header = match reader.byte_headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                let line = e.position().map_or(1, |p| p.line());
                return Err((line, format!("unreadable header: {e}")));
            }
        };
        let line = header.position().map_or(1, |p| p.line());
        let mut names = Vec::with_capacity(header.len());
        let mut problems = Vec::new();
        for (i, raw) in header.iter().enumerate() {
            match std::str::from_utf8(raw) {
                Ok(s) => names.push(s.trim().to_lowercase()),
                Err(e) => {
                    problems.push(format!(
                        "header is not valid UTF-8 (column {}, byte offset {}); save the file as UTF-8",
                        i + 1,
                        e.valid_up_to()
                    ));
                    names.push(String::new());
                }
            }
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
                    return Ok(CsvSource {
                        reader,
                        header: Arc::new(CsvHeader { names, columns }),
                        record: ByteRecord::new(),
                    })
                }
                Err(e) => problems.push(e),
            }
        }
        Err((line, problems.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(sniff_delimiter(b"id,date,lat,lon"), b',');
        assert_eq!(sniff_delimiter(b"id;date;lat;lon"), b';');
        assert_eq!(sniff_delimiter(b"id\tdate\tlat\tlon"), b'\t');
        assert_eq!(sniff_delimiter(b"\"a;b\",c"), b',');
        assert_eq!(sniff_delimiter(b"id"), b',');
    }
}
