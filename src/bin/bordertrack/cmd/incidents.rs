//! `bordertrack incidents`: which incidents fall on which stretches, with the status at their
//! date.
//!
//! Streams: the main thread reads the input in blocks of whole rows and hands each block to
//! a worker on the thread pool, which converts it, classifies its incidents together (in an
//! order that keeps nearby ones together, [`BorderIndex::classify_each`]) and encodes them in
//! input order; the main thread writes the encoded blocks in input order as they come back.
//! Memory stays flat however long the input is (a few blocks per worker at most, unless
//! `--check-ids` keeps every id to find repeats). With `--check-ids` the rows of each block
//! come back to the main thread once converted, to be checked in input order, and go out
//! again to be classified.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{IsTerminal, Read};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};

use bordertrack::io::{Block, IncidentReader, Row, RowParser};
use bordertrack::query::{BorderIndex, IncidentMatch, IncidentQuery, StatusTimelines};
use bordertrack::report::{CellWriter, Chunk, RowEncoder, RowWriter};
use bordertrack::spatial::QueryError;
use bordertrack::{CountryCode, Dataset, Error, Incident, Problem};
use geo::Geometry;

use crate::args::IncidentsArgs;
use crate::output::{self, say, Output};
use crate::Failure;

/// The columns written, in order.
pub const COLUMNS: &[&str] = &[
    "incident_id",
    "date",
    "lon",
    "lat",
    "segment_id",
    "dyad",
    "distance_m",
    "chainage_km",
    "side",
    "delimitation",
    "demarcation",
    "instrument_id",
    "ambiguity",
];

/// CSV bytes per block, the unit of work of one thread: large enough that nearby incidents of
/// a table spread over a region meet in one block, whose incidents are searched for together
/// in an order that keeps them close ([`BorderIndex::classify_each`]). On the benchmark
/// (about 25,000 rows per block) 1 MiB ran faster than 256 and 512 KiB, and 2 MiB no faster.
const BLOCK_BYTES: usize = 1024 * 1024;
/// The least CSV bytes per block. Near the end of a file of known size blocks shrink to a
/// share of what is left, so that the threads run out of work at nearly the same time rather
/// than one finishing a large last block alone.
const MIN_BLOCK_BYTES: usize = 64 * 1024;
/// Rows per block of GeoJSON features or of the dataset's own incidents.
const BLOCK_ROWS: usize = 16_384;
/// Blocks handed out and not yet written, per worker thread.
const IN_FLIGHT_PER_THREAD: usize = 3;

/// The text of each segment's id and dyad and of each change's instrument, made once so that
/// rows borrow it.
pub struct DyadNames {
    segments: Vec<(String, String)>,
    instruments: Vec<Option<String>>,
}

impl DyadNames {
    /// The names of `data`'s segments, in segment order, and its changes' instruments.
    pub fn new(data: &Dataset) -> DyadNames {
        DyadNames {
            segments: data
                .segments()
                .iter()
                .map(|s| (s.id.clone(), s.dyad.to_string()))
                .collect(),
            instruments: data
                .changes()
                .iter()
                .map(|c| c.instrument_id.clone())
                .collect(),
        }
    }

    fn segment(&self, segment_index: usize) -> (&str, &str) {
        self.segments
            .get(segment_index)
            .map_or(("", ""), |(id, dyad)| (id.as_str(), dyad.as_str()))
    }

    fn instrument(&self, change: usize) -> Option<&str> {
        self.instruments.get(change).and_then(|i| i.as_deref())
    }
}

/// Writes the cells of one output row, in [`COLUMNS`] order; `m` is `None` for an incident
/// that matched nothing (`--all`).
pub fn write_row(
    w: &mut CellWriter<'_>,
    incident_id: &str,
    date: &str,
    (lon, lat): (f64, f64),
    m: Option<&IncidentMatch>,
    dyads: &DyadNames,
) {
    w.text(incident_id);
    w.text(date);
    w.float(lon, 6);
    w.float(lat, 6);
    let Some(m) = m else {
        for _ in 4..COLUMNS.len() {
            w.empty();
        }
        return;
    };
    let l = &m.located;
    let (segment_id, dyad) = dyads.segment(l.segment_index);
    w.text(segment_id);
    w.text(dyad);
    w.float(l.distance_m, 1);
    w.float(l.chainage_m / 1000.0, 3);
    w.text(l.side.as_ref().map_or("on", CountryCode::as_str));
    w.text(m.status.delimitation_word());
    w.text(m.status.demarcation_word());
    match m.status.since().and_then(|e| dyads.instrument(e.by)) {
        Some(id) => w.text(id),
        None => w.empty(),
    }
    w.text(&m.status.ambiguity());
}

/// Opens FILE (`-` = stdin) as an incident reader.
fn open(path: &Path) -> Result<IncidentReader<Box<dyn Read>>, Error> {
    if path.as_os_str() == "-" {
        return IncidentReader::from_reader(Box::new(std::io::stdin().lock()), "<stdin>");
    }
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    IncidentReader::from_reader(Box::new(file), &path.display().to_string())
}

/// What one block produced: encoded rows and the problems met, in input order.
struct Done {
    chunk: Chunk,
    problems: Vec<Problem>,
    read: u64,
    matched: u64,
}

/// One unit of work for a worker thread.
enum Work {
    /// Rows to convert, then classify unless they must come back to have their ids checked.
    Block(Block),
    /// Rows converted, to classify.
    Rows(Vec<Row>),
}

/// What a worker hands back.
enum Handed {
    Done(Done),
    /// Rows converted, for the main thread to check their ids.
    Converted(Vec<Row>),
}

/// Everything that converts, classifies and encodes a block, shared by the worker threads.
struct Classifier<'a> {
    index: &'a BorderIndex,
    timelines: &'a StatusTimelines,
    query: &'a IncidentQuery,
    dyads: &'a DyadNames,
    encoder: &'a RowEncoder,
    parser: Option<&'a RowParser>,
    source_name: &'a str,
    all: bool,
    check_ids: bool,
    /// Buffers kept for reuse between blocks (a block's buffers take a few hundred KiB,
    /// which the allocator would otherwise hand out as fresh pages each time).
    spare: Mutex<Spare>,
}

/// Buffers for reuse, see [`Classifier::spare`].
#[derive(Default)]
struct Spare {
    incidents: Vec<Vec<Incident>>,
    rows: Vec<Vec<Row>>,
    chunks: Vec<Chunk>,
}

impl<'a> Classifier<'a> {
    /// Takes spare buffers (or new ones) with `f`.
    fn spare<T: Default>(&self, f: impl FnOnce(&mut Spare) -> Option<T>) -> T {
        self.spare
            .lock()
            .ok()
            .and_then(|mut s| f(&mut s))
            .unwrap_or_default()
    }

    /// Keeps buffers for reuse.
    fn keep(&self, f: impl FnOnce(&mut Spare)) {
        if let Ok(mut s) = self.spare.lock() {
            f(&mut s);
        }
    }

    /// Does one unit of work.
    fn work(&self, work: Work) -> Handed {
        let mut d = Done {
            chunk: self.spare(|s| s.chunks.pop()),
            problems: Vec::new(),
            read: 0,
            matched: 0,
        };
        let mut date = String::new();
        match work {
            Work::Rows(mut rows) => {
                let incidents: Vec<&Incident> = rows
                    .iter()
                    .filter_map(|r| r.incident.as_ref().ok())
                    .collect();
                // Each problem with the number of incidents before it.
                let mut before = 0;
                let problems = rows.iter().filter_map(|r| match &r.incident {
                    Ok(_) => {
                        before += 1;
                        None
                    }
                    Err(p) => Some((before, p.clone())),
                });
                self.classify(&incidents, problems, &mut d, &mut date);
                drop(incidents);
                rows.clear();
                self.keep(|s| s.rows.push(rows));
            }
            Work::Block(block) => {
                let Some(parser) = self.parser else {
                    d.problems.push(Problem::new(
                        self.source_name,
                        bordertrack::Location::File,
                        "a block of rows without a converter (a bug: please report it)",
                    ));
                    return Handed::Done(d);
                };
                if self.check_ids {
                    let mut rows = self.spare(|s| s.rows.pop());
                    parser.parse_block(block, &mut rows);
                    return Handed::Converted(rows);
                }
                // The rows are converted into incidents kept from block to block (their text
                // buffers reused), then classified together.
                let mut incidents = self.spare(|s| s.incidents.pop());
                let mut problems = Vec::new();
                let n = parser.convert_into(block, &mut incidents, |before, p| {
                    problems.push((before, p));
                });
                let converted = incidents.get(..n).unwrap_or(&[]);
                self.classify(converted, problems.into_iter(), &mut d, &mut date);
                self.keep(|s| s.incidents.push(incidents));
            }
        }
        Handed::Done(d)
    }

    /// Classifies and encodes `incidents` into `d` in their order, with `problems` (each
    /// after as many incidents as it says) among them; `date` is a buffer for dates' text.
    /// The incidents are searched for together, in an order that keeps nearby ones together
    /// ([`BorderIndex::classify_each`]).
    fn classify<I: Borrow<Incident>>(
        &self,
        incidents: &[I],
        problems: impl Iterator<Item = (usize, Problem)>,
        d: &mut Done,
        date: &mut String,
    ) {
        let mut problems = problems.peekable();
        self.index
            .classify_each(self.timelines, incidents, self.query, |i, m| {
                while let Some((_, p)) = problems.next_if(|(before, _)| *before <= i) {
                    d.problems.push(p);
                }
                if let Some(inc) = incidents.get(i) {
                    self.emit(inc.borrow(), m, d, date);
                }
            });
        d.problems.extend(problems.map(|(_, p)| p));
    }

    /// Encodes one incident and its answer into `d` (`date` is a buffer for its date's text).
    fn emit(
        &self,
        inc: &Incident,
        m: Result<Option<IncidentMatch>, QueryError>,
        d: &mut Done,
        date: &mut String,
    ) {
        let m = match m {
            Ok(m) => m,
            Err(e) => {
                d.problems.push(Problem::new(
                    self.source_name,
                    bordertrack::Location::File,
                    format!("incident {:?}: {e}", inc.id),
                ));
                return;
            }
        };
        d.read += 1;
        if m.is_some() {
            d.matched += 1;
        } else if !self.all {
            return;
        }
        date.clear();
        inc.date.push_to(date);
        let point = Geometry::Point(inc.point);
        self.encoder.encode_with(&mut d.chunk, Some(&point), |w| {
            write_row(w, &inc.id, date, inc.point.x_y(), m.as_ref(), self.dyads);
        });
    }
}

/// Where the rows come from: an incident file (with the bytes of it not yet read, when its
/// size is known), or the dataset's own incidents.
enum Rows<'a> {
    File(IncidentReader<Box<dyn Read>>, Option<u64>),
    Embedded(std::slice::Iter<'a, Incident>),
}

impl Rows<'_> {
    /// The next block of rows for a pool of `threads` threads, `None` at the end.
    fn next(&mut self, threads: usize) -> Option<Work> {
        match self {
            Rows::File(r, left) => {
                let bytes = block_bytes(*left, threads);
                let block = r.read_block(bytes, BLOCK_ROWS)?;
                if let Some(left) = left {
                    *left = left.saturating_sub(block.byte_len() as u64);
                }
                Some(Work::Block(block))
            }
            Rows::Embedded(it) => {
                let rows: Vec<Row> = it
                    .by_ref()
                    .take(BLOCK_ROWS)
                    .map(|inc| Row {
                        line: 0,
                        incident: Ok(inc.clone()),
                    })
                    .collect();
                (!rows.is_empty()).then_some(Work::Rows(rows))
            }
        }
    }
}

/// The size of the next CSV block with `left` bytes of the input not yet read (`None`:
/// unknown) and `threads` threads: [`BLOCK_BYTES`], or near the end half of each thread's
/// share of what is left, down to [`MIN_BLOCK_BYTES`].
fn block_bytes(left: Option<u64>, threads: usize) -> usize {
    let Some(left) = left else {
        return BLOCK_BYTES;
    };
    let share = left / (2 * threads.max(1) as u64);
    usize::try_from(share)
        .unwrap_or(BLOCK_BYTES)
        .clamp(MIN_BLOCK_BYTES, BLOCK_BYTES)
}

/// Runs the command.
pub fn run(data_dir: Option<&Path>, args: &IncidentsArgs) -> Result<(), Failure> {
    let data = super::load(data_dir)?;
    if let Some(d) = args.dyad {
        if !data.dyads().contains(&d) {
            return Err(Failure::Usage(format!(
                "no segments of dyad {d} in the dataset"
            )));
        }
    }
    let index = BorderIndex::new(&data)?;
    let dyads = DyadNames::new(&data);
    let timelines = StatusTimelines::new(&data, args.when.basis.into());
    let query = IncidentQuery {
        within_m: args.within,
        as_of: args.when.as_of.map(|d| d.span()),
        filter: args.on.clone().unwrap_or_default(),
        dyad: args.dyad,
    };
    let (mut rows, parser) = match &args.file {
        Some(p) => {
            let r = open(p)
                .map_err(|e| match e {
                    // The input file, not the dataset, is at fault.
                    Error::Invalid(problems) => Failure::BadInput(problems),
                    other => Failure::from(other),
                })?
                .check_duplicate_ids(args.check_ids);
            let parser = r.parser();
            // The size of a regular file, to shrink the last blocks (not of a pipe or stdin).
            let size = (p.as_os_str() != "-")
                .then(|| std::fs::metadata(p).ok())
                .flatten()
                .filter(std::fs::Metadata::is_file)
                .map(|m| m.len());
            (Rows::File(r, size), Some(parser))
        }
        None => (Rows::Embedded(data.incidents().iter()), None),
    };
    let source_name = match &args.file {
        Some(p) if p.as_os_str() == "-" => "<stdin>".to_string(),
        Some(p) => p.display().to_string(),
        None => "incidents.csv".to_string(),
    };

    let mut inputs = super::inputs(data_dir);
    inputs.extend(args.file.clone());
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let mut out = Output::open(&args.out, &inputs)?;
    let mut w = RowWriter::new(&mut out, output::format(&args.out)?, COLUMNS)?;
    let encoder = w.encoder().clone();
    let classifier = Classifier {
        index: &index,
        timelines: &timelines,
        query: &query,
        dyads: &dyads,
        encoder: &encoder,
        parser: parser.as_ref(),
        source_name: &source_name,
        all: args.all,
        check_ids: args.check_ids,
        spare: Mutex::default(),
    };

    let progress = (args.file.is_some() && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_message("rows read");
        pb
    });
    let say = |p: &Problem| match &progress {
        Some(pb) => pb.suspend(|| say!("{p}")),
        None => say!("{p}"),
    };
    let (mut read, mut matched, mut bad) = (0u64, 0u64, 0u64);
    // Writes one block's rows and counts them; fails at the first bad row under --strict.
    let mut write = |mut d: Done| -> Result<(), Failure> {
        for p in &d.problems {
            bad += 1;
            say(p);
            if args.strict {
                return Err(Failure::BadRows(bad));
            }
        }
        read += d.read;
        matched += d.matched;
        w.write_chunk(&mut d.chunk)?;
        classifier.keep(|s| s.chunks.push(d.chunk));
        if let Some(pb) = &progress {
            pb.set_position(read + bad);
        }
        Ok(())
    };

    // The main thread reads blocks and hands them to the pool, keeping a few per thread in
    // flight, and handles what comes back in the order the blocks were handed out.
    let threads = rayon::current_num_threads().max(1);
    let in_flight = IN_FLIGHT_PER_THREAD * threads;
    rayon::in_place_scope(|scope| -> Result<(), Failure> {
        let (tx, rx) = mpsc::channel::<(u64, std::thread::Result<Handed>)>();
        let classifier = &classifier;
        let spawn = |seq: u64, work: Work| {
            let tx = tx.clone();
            scope.spawn(move |_| {
                let out = catch_unwind(AssertUnwindSafe(|| classifier.work(work)));
                // The receiver is gone only when the run has already failed.
                let _ = tx.send((seq, out));
            });
        };
        let (mut handed, mut handled) = (0u64, 0u64);
        let mut back: BTreeMap<u64, std::thread::Result<Handed>> = BTreeMap::new();
        let mut input_left = true;
        loop {
            if crate::INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst) {
                return Err(Failure::Interrupted);
            }
            while input_left && handed - handled < in_flight as u64 {
                match rows.next(threads) {
                    Some(work) => {
                        spawn(handed, work);
                        handed += 1;
                    }
                    None => input_left = false,
                }
            }
            if handled == handed {
                return Ok(());
            }
            let out = loop {
                if let Some(out) = back.remove(&handled) {
                    break out;
                }
                match rx.recv() {
                    Ok((seq, out)) => {
                        back.insert(seq, out);
                    }
                    Err(_) => {
                        return Err(Failure::Io(std::io::Error::other(
                            "a worker thread ended without its result",
                        )))
                    }
                }
            };
            handled += 1;
            match out {
                Ok(Handed::Done(d)) => write(d)?,
                Ok(Handed::Converted(mut converted)) => {
                    if let Rows::File(r, _) = &mut rows {
                        for row in &mut converted {
                            r.check_id(row);
                        }
                    }
                    spawn(handed, Work::Rows(converted));
                    handed += 1;
                }
                Err(panic) => resume_unwind(panic),
            }
        }
    })?;
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
    if matches!(&rows, Rows::File(r, _) if r.stopped_early()) {
        // The rows after the break were never read: the result is incomplete, so the output
        // file is not written (it is dropped here) and the run fails.
        return Err(Failure::Incomplete);
    }
    w.finish()?;
    out.commit()?;
    if bad > 0 || std::io::stderr().is_terminal() {
        say!(
            "bordertrack: {read} incident{} read, {matched} on a matching stretch, {bad} bad row{} skipped",
            if read == 1 { "" } else { "s" },
            if bad == 1 { "" } else { "s" }
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_shrink_near_the_end_of_a_file_of_known_size() {
        assert_eq!(block_bytes(None, 2), BLOCK_BYTES);
        assert_eq!(block_bytes(Some(100 << 20), 2), BLOCK_BYTES);
        // 2 MiB left for two threads: half of each one's share.
        assert_eq!(block_bytes(Some(2 << 20), 2), 512 * 1024);
        assert_eq!(block_bytes(Some(2 << 20), 0), BLOCK_BYTES);
        assert_eq!(block_bytes(Some(1000), 2), MIN_BLOCK_BYTES);
        assert_eq!(block_bytes(Some(0), 64), MIN_BLOCK_BYTES);
        assert_eq!(block_bytes(Some(u64::MAX), 1), BLOCK_BYTES);
    }
}
