//! `bordertrack incidents`: which incidents fall on which stretches, with the status at their
//! date. Streams: rows are read in batches, classified on every core, and written in input
//! order, so memory stays flat however long the input is.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use bordertrack::io::IncidentReader;
use bordertrack::query::{BorderIndex, IncidentMatch, IncidentQuery, StatusTimelines};
use bordertrack::report::{Cell, RowWriter};
use bordertrack::{Incident, Problem};
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

/// Rows read and classified together; large enough to keep both cores busy, small enough to
/// keep memory flat.
const BATCH: usize = 1 << 14;

/// The cells of one output row; `m` is `None` for an incident that matched nothing (`--all`).
pub fn cells(
    incident_id: &str,
    date: String,
    lon: f64,
    lat: f64,
    m: Option<&IncidentMatch<'_>>,
) -> Vec<Cell> {
    let mut c = vec![
        Cell::text(incident_id),
        Cell::text(date),
        Cell::Float(lon, 6),
        Cell::Float(lat, 6),
    ];
    match m {
        Some(m) => {
            let l = &m.located;
            let since = m.status.since();
            c.extend([
                Cell::text(&l.segment.id),
                Cell::text(l.segment.dyad.to_string()),
                Cell::Float(l.distance_m, 1),
                Cell::Float(l.chainage_m / 1000.0, 3),
                l.side.map_or(Cell::text("on"), |s| Cell::text(s.as_str())),
                Cell::text(m.status.delimitation_word()),
                Cell::text(m.status.demarcation_word()),
                since
                    .and_then(|e| e.by.instrument_id.clone())
                    .map_or(Cell::Empty, Cell::text),
                Cell::text(m.status.ambiguity()),
            ]);
        }
        None => c.extend(std::iter::repeat_n(Cell::Empty, COLUMNS.len() - 4)),
    }
    c
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
    let timelines = StatusTimelines::new(&data, args.when.basis.into());
    let query = IncidentQuery {
        within_m: args.within,
        as_of: args.when.as_of.map(|d| d.span()),
        filter: args.on.clone().unwrap_or_default(),
        dyad: args.dyad,
    };

    let check_ids = !args.no_id_check;
    let mut file_reader = None;
    let mut stdin_reader = None;
    match &args.file {
        Some(p) if p.as_os_str() == "-" => {
            let r = IncidentReader::from_reader(std::io::stdin().lock(), "<stdin>")?;
            stdin_reader = Some(r.check_duplicate_ids(check_ids));
        }
        Some(p) => file_reader = Some(IncidentReader::from_path(p)?.check_duplicate_ids(check_ids)),
        None => {}
    }
    let mut rows: Box<dyn Iterator<Item = Result<Incident, Problem>> + '_> =
        match (&mut file_reader, &mut stdin_reader) {
            (Some(r), _) => Box::new(r.records()),
            (None, Some(r)) => Box::new(r.records()),
            (None, None) => Box::new(data.incidents().iter().cloned().map(Ok)),
        };

    let mut inputs = super::inputs(data_dir);
    inputs.extend(args.file.clone());
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let mut out = Output::open(&args.out, &inputs)?;
    let mut w = RowWriter::new(&mut out, output::format(&args.out), COLUMNS)?;

    let progress = (args.file.is_some() && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_message("incidents read");
        pb
    });
    let (mut read, mut matched, mut bad) = (0u64, 0u64, 0u64);
    let mut batch: Vec<Result<Incident, Problem>> = Vec::with_capacity(BATCH);
    loop {
        batch.clear();
        batch.extend(rows.by_ref().take(BATCH));
        if batch.is_empty() {
            break;
        }
        let results: Vec<Result<Option<IncidentMatch<'_>>, String>> = batch
            .par_iter()
            .map_init(Vec::new, |buf, r| match r {
                Ok(inc) => index
                    .classify(&timelines, inc, &query, buf)
                    .map_err(|e| e.to_string()),
                Err(_) => Ok(None),
            })
            .collect();
        for (r, res) in batch.iter().zip(&results) {
            let inc = match r {
                Ok(inc) => inc,
                Err(problem) => {
                    bad += 1;
                    if let Some(pb) = &progress {
                        pb.suspend(|| eprintln!("{problem}"));
                    } else {
                        eprintln!("{problem}");
                    }
                    if args.strict {
                        return Err(Failure::BadRows(bad));
                    }
                    continue;
                }
            };
            read += 1;
            let m = match res {
                Ok(m) => m.as_ref(),
                Err(e) => {
                    bad += 1;
                    eprintln!("incident {:?}: {e}", inc.id);
                    if args.strict {
                        return Err(Failure::BadRows(bad));
                    }
                    continue;
                }
            };
            if m.is_some() {
                matched += 1;
            } else if !args.all {
                continue;
            }
            let row = cells(
                &inc.id,
                inc.date.to_string(),
                inc.point.x(),
                inc.point.y(),
                m,
            );
            w.write(&row, Some(&Geometry::Point(inc.point)))?;
        }
        if let Some(pb) = &progress {
            pb.set_position(read + bad);
        }
    }
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
    w.finish()?;
    out.commit()?;
    if bad > 0 || std::io::stderr().is_terminal() {
        eprintln!(
            "bordertrack: {read} incidents read, {matched} on a matching stretch, {bad} bad row{} skipped",
            if bad == 1 { "" } else { "s" }
        );
    }
    Ok(())
}
