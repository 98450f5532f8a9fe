//! `bordertrack incidents`: which incidents fall on which stretches, with the status at their
//! date.
//!
//! Streams: rows are read in batches on the main thread; converting, classifying and encoding
//! them runs on every core meanwhile (batch `k` is processed while batch `k + 1` is read and
//! batch `k - 1` written); the encoded chunks are written in input order. Memory stays flat
//! however long the input is (three batches at most, unless `--check-ids` keeps every id to
//! find repeats).

use std::fmt::Write as _;
use std::fs::File;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use bordertrack::io::{IncidentReader, RawRow, RawRows};
use bordertrack::query::{BorderIndex, IncidentMatch, IncidentQuery, StatusTimelines};
use bordertrack::report::{Cell, Chunk, RowEncoder, RowWriter};
use bordertrack::{CountryCode, Dataset, Error, Incident, Problem};
use geo::Geometry;
use rayon::prelude::*;

use crate::args::IncidentsArgs;
use crate::output::{self, Output};
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

/// Rows read per batch: large enough to keep both cores busy, small enough to keep memory flat.
const BATCH: usize = 1 << 15;
/// Rows per unit of parallel work within a batch, classified in space-filling-curve order
/// (larger units share more of the index between successive queries).
const CHUNK: usize = 1 << 12;

/// The text of each segment's dyad, made once so that rows borrow it.
pub struct DyadNames(Vec<String>);

impl DyadNames {
    /// The dyads of `data`'s segments, in segment order.
    pub fn new(data: &Dataset) -> DyadNames {
        DyadNames(data.segments().iter().map(|s| s.dyad.to_string()).collect())
    }

    fn get(&self, segment_index: usize) -> &str {
        self.0.get(segment_index).map_or("", String::as_str)
    }
}

/// The cells of one output row; `m` is `None` for an incident that matched nothing (`--all`).
pub fn cells<'b>(
    incident_id: &'b str,
    date: &'b str,
    lon: f64,
    lat: f64,
    m: Option<&'b IncidentMatch<'b>>,
    dyads: &'b DyadNames,
) -> [Cell<'b>; 13] {
    let (id, date) = (Cell::text(incident_id), Cell::text(date));
    let (lon, lat) = (Cell::Float(lon, 6), Cell::Float(lat, 6));
    let Some(m) = m else {
        return [
            id,
            date,
            lon,
            lat,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
        ];
    };
    let l = &m.located;
    [
        id,
        date,
        lon,
        lat,
        Cell::text(l.segment.id.as_str()),
        Cell::text(dyads.get(l.segment_index)),
        Cell::Float(l.distance_m, 1),
        Cell::Float(l.chainage_m / 1000.0, 3),
        Cell::text(l.side.as_ref().map_or("on", CountryCode::as_str)),
        Cell::text(m.status.delimitation_word()),
        Cell::text(m.status.demarcation_word()),
        m.status
            .since()
            .and_then(|e| e.by.instrument_id.as_deref())
            .map_or(Cell::Empty, Cell::text),
        Cell::text(m.status.ambiguity()),
    ]
}

/// The position of `p` along a Z-order (Morton) curve over lon/lat: points close on the curve
/// are close on the ground, so classifying in this order keeps the index's nodes in cache.
fn morton(p: geo::Point<f64>) -> u64 {
    /// Spreads the 32 bits of `x` to the even bits of a u64.
    fn spread(x: u32) -> u64 {
        let mut v = u64::from(x);
        v = (v | (v << 16)) & 0x0000_FFFF_0000_FFFF;
        v = (v | (v << 8)) & 0x00FF_00FF_00FF_00FF;
        v = (v | (v << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
        v = (v | (v << 2)) & 0x3333_3333_3333_3333;
        (v | (v << 1)) & 0x5555_5555_5555_5555
    }
    // Coordinates were checked in range by the reader; `as` saturates in any case.
    let x = ((p.x() + 180.0) / 360.0 * f64::from(u32::MAX)) as u32;
    let y = ((p.y() + 90.0) / 180.0 * f64::from(u32::MAX)) as u32;
    spread(x) | (spread(y) << 1)
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

/// What one chunk of a batch produced: encoded rows and the problems met, in input order.
struct Done {
    chunk: Chunk,
    problems: Vec<Problem>,
    read: u64,
    matched: u64,
}

/// Everything that converts, classifies and encodes a batch, shared by the worker threads.
struct Classifier<'a> {
    index: &'a BorderIndex<'a>,
    timelines: &'a StatusTimelines<'a>,
    query: &'a IncidentQuery,
    dyads: &'a DyadNames,
    encoder: &'a RowEncoder,
    source_name: &'a str,
    all: bool,
}

impl<'a> Classifier<'a> {
    /// Classifies and encodes converted rows, on every core; the chunks come back in input
    /// order.
    fn batch(&self, parsed: &[Result<Incident, Problem>]) -> Vec<Done> {
        parsed
            .par_chunks(CHUNK)
            .map_init(
                || (Vec::new(), Vec::new(), String::new()),
                |(order, found, date), rows| self.chunk(rows, order, found, date),
            )
            .collect()
    }

    /// One chunk: classified in the order of a space-filling curve, so that successive
    /// queries touch the same parts of the index, then encoded in input order.
    fn chunk(
        &self,
        rows: &[Result<Incident, Problem>],
        order: &mut Vec<(u64, u32)>,
        found: &mut Vec<Option<Result<Option<IncidentMatch<'a>>, String>>>,
        date: &mut String,
    ) -> Done {
        order.clear();
        order.extend(rows.iter().enumerate().filter_map(|(i, r)| {
            let inc = r.as_ref().ok()?;
            Some((morton(inc.point), u32::try_from(i).ok()?))
        }));
        order.sort_unstable();
        found.clear();
        found.resize_with(rows.len(), || None);
        for &(_, i) in order.iter() {
            let Some(Ok(inc)) = rows.get(i as usize) else {
                continue;
            };
            let m = self
                .index
                .classify(self.timelines, inc, self.query)
                .map_err(|e| e.to_string());
            if let Some(slot) = found.get_mut(i as usize) {
                *slot = Some(m);
            }
        }
        let mut d = Done {
            // Room for typical CSV rows of matches, so that the buffer rarely grows.
            chunk: Chunk::with_capacity(rows.len() * 64),
            problems: Vec::new(),
            read: 0,
            matched: 0,
        };
        for (r, m) in rows.iter().zip(found.iter()) {
            let inc = match r {
                Ok(inc) => inc,
                Err(p) => {
                    d.problems.push(p.clone());
                    continue;
                }
            };
            let m = match m {
                Some(Ok(m)) => m,
                Some(Err(e)) => {
                    d.problems.push(Problem::new(
                        self.source_name,
                        bordertrack::Location::File,
                        format!("incident {:?}: {e}", inc.id),
                    ));
                    continue;
                }
                None => {
                    d.problems.push(Problem::new(
                        self.source_name,
                        bordertrack::Location::File,
                        format!("incident {:?}: not classified", inc.id),
                    ));
                    continue;
                }
            };
            d.read += 1;
            if m.is_some() {
                d.matched += 1;
            } else if !self.all {
                continue;
            }
            date.clear();
            let _ = write!(date, "{}", inc.date);
            let row = cells(
                &inc.id,
                date,
                inc.point.x(),
                inc.point.y(),
                m.as_ref(),
                self.dyads,
            );
            self.encoder
                .encode(&mut d.chunk, &row, Some(&Geometry::Point(inc.point)));
        }
        d
    }
}

/// Where the rows come from: an incident file, or the dataset's own incidents.
enum Rows<'a> {
    File(IncidentReader<Box<dyn Read>>),
    Embedded(std::slice::Iter<'a, Incident>),
}

impl Rows<'_> {
    /// Reads the next batch into `raw`; returns how many rows it holds (0 at the end).
    fn fill(&mut self, raw: &mut RawRows) -> usize {
        match self {
            Rows::File(r) => r.read_raw(raw, BATCH),
            Rows::Embedded(it) => {
                raw.clear();
                for inc in it.by_ref().take(BATCH) {
                    raw.push_ready(Ok(inc.clone()));
                }
                raw.as_slice().len()
            }
        }
    }
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
            (Rows::File(r), Some(parser))
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
    let mut w = RowWriter::new(&mut out, output::format(&args.out), COLUMNS)?;
    let encoder = w.encoder().clone();
    let classifier = Classifier {
        index: &index,
        timelines: &timelines,
        query: &query,
        dyads: &dyads,
        encoder: &encoder,
        source_name: &source_name,
        all: args.all,
    };

    let progress = (args.file.is_some() && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_message("rows read");
        pb
    });
    let say = |p: &Problem| match &progress {
        Some(pb) => pb.suspend(|| eprintln!("{p}")),
        None => eprintln!("{p}"),
    };
    let (mut read, mut matched, mut bad) = (0u64, 0u64, 0u64);
    // Writes one batch's chunks in order and counts them; fails at the first bad row under
    // --strict.
    let mut write = |done: Vec<Done>| -> Result<(), Failure> {
        for mut d in done {
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
        }
        if let Some(pb) = &progress {
            pb.set_position(read + bad);
        }
        Ok(())
    };

    // Batch k is converted, classified and encoded on the worker threads while this thread
    // reads batch k + 1 and writes batch k - 1. Checking repeated ids needs the reader between
    // conversion and classification, so with --check-ids the steps take turns instead.
    let mut current = RawRows::new();
    let mut next = RawRows::new();
    let mut parsed: Vec<Result<Incident, Problem>> = Vec::with_capacity(BATCH);
    let mut written: Option<Vec<Done>> = None;
    let mut filled = rows.fill(&mut current);
    while filled > 0 {
        if crate::INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Failure::Interrupted);
        }
        let convert = |row: &RawRow| match &parser {
            Some(p) => p.parse(row),
            None => match row {
                RawRow::Ready(r) => r.clone(),
                RawRow::Csv(_) => Err(Problem::new(
                    source_name.as_str(),
                    bordertrack::Location::File,
                    "not an incident",
                )),
            },
        };
        let done;
        let mut pending = written.take();
        let mut write_result = Ok(());
        if args.check_ids {
            current
                .as_slice()
                .par_iter()
                .map(convert)
                .collect_into_vec(&mut parsed);
            if let Rows::File(r) = &mut rows {
                for (row, p) in current.as_slice().iter().zip(parsed.iter_mut()) {
                    if let Ok(inc) = p {
                        if let Some(problem) = r.check_id(row, inc) {
                            *p = Err(problem);
                        }
                    }
                }
            }
            done = classifier.batch(&parsed);
            if let Some(prev) = pending.take() {
                write_result = write(prev);
            }
            filled = rows.fill(&mut next);
        } else {
            let (result, next_filled) = std::thread::scope(|s| {
                let worker = s.spawn(|| {
                    current
                        .as_slice()
                        .par_iter()
                        .map(convert)
                        .collect_into_vec(&mut parsed);
                    classifier.batch(&parsed)
                });
                if let Some(prev) = pending.take() {
                    write_result = write(prev);
                }
                let next_filled = if write_result.is_ok() {
                    rows.fill(&mut next)
                } else {
                    0
                };
                match worker.join() {
                    Ok(result) => (result, next_filled),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            });
            done = result;
            filled = next_filled;
        }
        write_result?;
        written = Some(done);
        std::mem::swap(&mut current, &mut next);
    }
    if let Some(last) = written.take() {
        write(last)?;
    }
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
    if matches!(&rows, Rows::File(r) if r.stopped_early()) {
        // The rows after the break were never read: the result is incomplete, so the output
        // file is not written (it is dropped here) and the run fails.
        return Err(Failure::Incomplete);
    }
    w.finish()?;
    out.commit()?;
    if bad > 0 || std::io::stderr().is_terminal() {
        eprintln!(
            "bordertrack: {read} incident{} read, {matched} on a matching stretch, {bad} bad row{} skipped",
            if read == 1 { "" } else { "s" },
            if bad == 1 { "" } else { "s" }
        );
    }
    Ok(())
}
