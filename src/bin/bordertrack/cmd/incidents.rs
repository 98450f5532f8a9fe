//! `bordertrack incidents`: which incidents fall on which stretches, with the status at their
//! date.
//!
//! Streams: rows are read in batches on the main thread; converting, classifying and encoding
//! them runs on every core; the encoded chunks are written in input order. Memory stays flat
//! however long the input is (unless `--check-ids` keeps every id to find repeats).

use std::fmt::Write as _;
use std::fs::File;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use bordertrack::io::{IncidentReader, RawRows};
use bordertrack::query::{BorderIndex, IncidentMatch, IncidentQuery, StatusTimelines};
use bordertrack::report::{Cell, Chunk, RowWriter};
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
/// Rows per unit of parallel work within a batch.
const CHUNK: usize = 1 << 10;

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
    let mut reader = match &args.file {
        Some(p) => Some(
            open(p)
                .map_err(|e| match e {
                    // The input file, not the dataset, is at fault.
                    Error::Invalid(problems) => Failure::BadInput(problems),
                    other => Failure::from(other),
                })?
                .check_duplicate_ids(args.check_ids),
        ),
        None => None,
    };
    let mut embedded = data.incidents().iter();
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
    let mut raw = RawRows::new();
    let mut parsed: Vec<Result<Incident, Problem>> = Vec::with_capacity(BATCH);
    let mut order: Vec<(u64, u32)> = Vec::with_capacity(BATCH);
    let mut matches: Vec<Option<Result<Option<IncidentMatch<'_>>, String>>> = Vec::new();
    loop {
        if crate::INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Failure::Interrupted);
        }
        // 1. Read a batch (main thread), 2. convert it (all cores).
        parsed.clear();
        match &mut reader {
            Some(r) => {
                if r.read_raw(&mut raw, BATCH) == 0 {
                    break;
                }
                let parser = r.parser();
                raw.as_slice()
                    .par_iter()
                    .map(|row| parser.parse(row))
                    .collect_into_vec(&mut parsed);
                // 3. Repeated ids, in input order (only with --check-ids).
                if args.check_ids {
                    for (row, p) in raw.as_slice().iter().zip(parsed.iter_mut()) {
                        if let Ok(inc) = p {
                            if let Some(problem) = r.check_id(row, inc) {
                                *p = Err(problem);
                            }
                        }
                    }
                }
            }
            None => {
                parsed.extend(embedded.by_ref().take(BATCH).cloned().map(Ok));
                if parsed.is_empty() {
                    break;
                }
            }
        }
        // 4. Classify (all cores), in the order of a space-filling curve so that successive
        // queries touch the same parts of the index, then put the answers back in input order.
        order.clear();
        order.par_extend(parsed.par_iter().enumerate().filter_map(|(i, r)| {
            let inc = r.as_ref().ok()?;
            Some((morton(inc.point), u32::try_from(i).ok()?))
        }));
        order.par_sort_unstable();
        let found: Vec<(u32, Result<Option<IncidentMatch<'_>>, String>)> = order
            .par_chunks(CHUNK)
            .map(|chunk| {
                chunk
                    .iter()
                    .filter_map(|&(_, i)| {
                        let inc = parsed.get(i as usize)?.as_ref().ok()?;
                        let m = index.classify(&timelines, inc, &query);
                        Some((i, m.map_err(|e| e.to_string())))
                    })
                    .collect::<Vec<_>>()
            })
            .flatten()
            .collect();
        matches.clear();
        matches.resize_with(parsed.len(), || None);
        for (i, m) in found {
            if let Some(slot) = matches.get_mut(i as usize) {
                *slot = Some(m);
            }
        }
        // 5. Encode in input order (all cores), 6. write in order (main thread).
        let done: Vec<Done> = parsed
            .par_chunks(CHUNK)
            .zip(matches.par_chunks(CHUNK))
            .map(|(rows, found)| {
                let mut date = String::new();
                let mut d = Done {
                    chunk: Chunk::default(),
                    problems: Vec::new(),
                    read: 0,
                    matched: 0,
                };
                for (r, m) in rows.iter().zip(found) {
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
                                source_name.as_str(),
                                bordertrack::Location::File,
                                format!("incident {:?}: {e}", inc.id),
                            ));
                            continue;
                        }
                        None => {
                            d.problems.push(Problem::new(
                                source_name.as_str(),
                                bordertrack::Location::File,
                                format!("incident {:?}: not classified", inc.id),
                            ));
                            continue;
                        }
                    };
                    d.read += 1;
                    if m.is_some() {
                        d.matched += 1;
                    } else if !args.all {
                        continue;
                    }
                    date.clear();
                    let _ = write!(date, "{}", inc.date);
                    let row = cells(
                        &inc.id,
                        &date,
                        inc.point.x(),
                        inc.point.y(),
                        m.as_ref(),
                        &dyads,
                    );
                    encoder.encode(&mut d.chunk, &row, Some(&Geometry::Point(inc.point)));
                }
                d
            })
            .collect();
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
    }
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
    if reader.as_ref().is_some_and(|r| r.stopped_early()) {
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
