//! The machinery of [`Borders::classify_table`](crate::Borders::classify_table): blocks read
//! on the calling thread, converted, classified and encoded on the pool, written in order.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::io::Read;
use std::ops::ControlFlow;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Mutex};

use super::held::HeldProblems;
use super::layer::EncodeBuffers;
use super::{IncidentLayer, ProblemCounts, Stop, TableOptions, TableSummary};
use crate::io::incidents::{Block, Row, RowParser};
use crate::io::IncidentReader;
use crate::query::{BorderIndex, IncidentMatch, IncidentQuery, StatusTimelines};
use crate::report::{Batch, FeatureEncoder, LayerSink};
use crate::spatial::QueryError;
use crate::{Error, Incident, Location, Problem, ProblemKind, Result};

/// CSV bytes per block, the unit of work of one thread: large enough that nearby incidents of
/// a table spread over a region meet in one block, whose incidents are searched for together
/// in an order that keeps them close ([`BorderIndex::classify_each`]). On the README
/// benchmark (about 12,500 rows per block) 512 KiB takes the same CPU time as 1 MiB within
/// noise, 1.3% fewer instructions (fewer fresh rows allocated) and a peak of 44 MB instead of
/// 70 MB; 256 KiB saved little more (32 MB, 1.7%) but holds half as many of a table's
/// nearby incidents together, which tables not ordered by place may need (not measured;
/// BENCHMARKS.md, "Blocks of 512 KiB").
const BLOCK_BYTES: usize = 512 * 1024;
/// The least CSV bytes per block. Near the end of a file of known size blocks shrink to a
/// share of what is left, so that the threads run out of work at nearly the same time rather
/// than one finishing a large last block alone.
const MIN_BLOCK_BYTES: usize = 64 * 1024;
/// Rows per block of GeoJSON features or of incidents in memory.
const BLOCK_ROWS: usize = 16_384;
/// Blocks handed out and not yet written, per worker thread.
const IN_FLIGHT_PER_THREAD: usize = 3;

/// What one block produced: encoded features and the problems met, in input order.
struct BlockOutput {
    batch: Batch,
    /// The problems kept ([`Tally::keep`]), in input order.
    problems: HeldProblems,
    tally: Tally,
    read: u64,
    matched: u64,
}

/// Which problems are kept: the first `limit` of each kind; the rest are only counted. Each
/// block keeps the first `limit` of each kind of its own, which bounds its memory, and the
/// calling thread delivers the first `limit` of each kind over the whole run: those are among
/// the first `limit` of their kind in their block, so the bound per block loses none.
struct Tally {
    limit: Option<u64>,
    kept: ProblemCounts,
    held_back: ProblemCounts,
}

impl Tally {
    /// Counts a problem of `kind`, and says whether to keep it.
    fn keep(&mut self, kind: ProblemKind) -> bool {
        if self.limit.is_some_and(|limit| self.kept.get(kind) >= limit) {
            self.held_back.add(kind, 1);
            false
        } else {
            self.kept.add(kind, 1);
            true
        }
    }
}

/// One unit of work for a worker thread.
enum Work {
    /// Rows to convert, then classify unless they must come back to have their ids checked.
    Block(Block),
    /// Rows converted, to classify.
    Rows(Vec<Row>),
}

/// What a worker gives back.
enum WorkResult {
    BlockOutput(Box<BlockOutput>),
    /// Rows converted, for the calling thread to check their ids.
    Converted(Vec<Row>),
}

/// Buffers kept while a block is encoded.
type Buffers<'b> = &'b mut EncodeBuffers;

/// Everything that converts, classifies and encodes a block, shared by the worker threads.
pub(super) struct Classifier<'a> {
    pub index: &'a BorderIndex,
    pub timelines: &'a StatusTimelines,
    pub query: &'a IncidentQuery,
    /// The borders, which complete each match ([`crate::Borders::finish`]: its regimes, and
    /// with regime words whether it meets the query asked).
    pub borders: &'a crate::Borders,
    /// The query asked (`query` is the same without status words when it has regime words).
    pub asked: &'a IncidentQuery,
    pub layer: &'a IncidentLayer,
    pub encoder: &'a dyn FeatureEncoder,
    pub parser: Option<RowParser>,
    pub source_name: &'a str,
    pub all: bool,
    pub check_ids: bool,
    /// Problems of each kind kept per block, see [`Tally`]; `None`: all.
    pub max_problems_per_kind: Option<u64>,
    /// Buffers kept for reuse between blocks (a block's buffers take a few hundred KiB,
    /// which the allocator would otherwise hand out as fresh pages each time).
    pub buffer_pool: Mutex<BufferPool>,
}

/// Buffers for reuse, see [`Classifier::buffer_pool`].
#[derive(Default)]
pub(super) struct BufferPool {
    incidents: Vec<Vec<Incident>>,
    rows: Vec<Vec<Row>>,
    batches: Vec<Batch>,
}

impl Classifier<'_> {
    /// Takes pooled buffers (or new ones) with `f`.
    fn take_from_pool<T: Default>(&self, f: impl FnOnce(&mut BufferPool) -> Option<T>) -> T {
        self.buffer_pool
            .lock()
            .ok()
            .and_then(|mut s| f(&mut s))
            .unwrap_or_default()
    }

    /// Puts buffers back in the pool for reuse.
    fn return_to_pool(&self, f: impl FnOnce(&mut BufferPool)) {
        if let Ok(mut s) = self.buffer_pool.lock() {
            f(&mut s);
        }
    }

    /// Does one unit of work.
    fn work(&self, work: Work) -> WorkResult {
        let mut d = BlockOutput {
            batch: self.take_from_pool(|s| s.batches.pop()),
            problems: HeldProblems::default(),
            tally: Tally {
                limit: self.max_problems_per_kind,
                kept: ProblemCounts::default(),
                held_back: ProblemCounts::default(),
            },
            read: 0,
            matched: 0,
        };
        let mut buffers = EncodeBuffers::default();
        match work {
            Work::Rows(mut rows) => {
                let incidents: Vec<&Incident> = rows
                    .iter()
                    .filter_map(|r| r.incident.as_ref().ok())
                    .collect();
                // Each problem kept with the number of incidents before it.
                let mut before = 0;
                let mut befores = Vec::new();
                for r in &rows {
                    match &r.incident {
                        Ok(_) => before += 1,
                        Err(p) => {
                            if d.tally.keep(p.kind) {
                                d.problems.push(p);
                                befores.push(before);
                            }
                        }
                    }
                }
                self.classify(&incidents, &befores, &mut d, &mut buffers);
                drop(incidents);
                rows.clear();
                self.return_to_pool(|s| s.rows.push(rows));
            }
            Work::Block(block) => {
                let Some(parser) = &self.parser else {
                    d.problems.push(&Problem::new(
                        self.source_name,
                        Location::File,
                        "a block of rows without a converter (a bug: please report it)",
                    ));
                    return WorkResult::BlockOutput(Box::new(d));
                };
                if self.check_ids {
                    let mut rows = self.take_from_pool(|s| s.rows.pop());
                    parser.parse_block(block, &mut rows);
                    return WorkResult::Converted(rows);
                }
                // The rows are converted into incidents kept from block to block (their text
                // buffers reused), then classified together.
                let mut incidents = self.take_from_pool(|s| s.incidents.pop());
                let mut befores = Vec::new();
                let (tally, held) = (&mut d.tally, &mut d.problems);
                let n = parser.convert_into(block, &mut incidents, |before, p| {
                    if tally.keep(p.kind) {
                        held.push(&p);
                        befores.push(before);
                    }
                });
                let converted = incidents.get(..n).unwrap_or(&[]);
                self.classify(converted, &befores, &mut d, &mut buffers);
                self.return_to_pool(|s| s.incidents.push(incidents));
            }
        }
        WorkResult::BlockOutput(Box::new(d))
    }

    /// Classifies and encodes `incidents` into `d` in their order. The problems already held
    /// in `d` (each after as many incidents as `befores` says, already counted in `d.tally`)
    /// keep their place among the problems met while classifying; `buffers` are for encoding.
    fn classify<I: Borrow<Incident>>(
        &self,
        incidents: &[I],
        befores: &[usize],
        d: &mut BlockOutput,
        buffers: Buffers<'_>,
    ) {
        // Problems met while classifying (rare), each with the incident it is about.
        let mut unplaced: Vec<(usize, Problem)> = Vec::new();
        self.index
            .classify_each(self.timelines, incidents, self.query, |i, m| {
                if let Some(inc) = incidents.get(i) {
                    if let Some(p) = self.emit(inc.borrow(), m, d, &mut *buffers) {
                        unplaced.push((i, p));
                    }
                }
            });
        if unplaced.is_empty() {
            return;
        }
        // Put them among the others in input order.
        let mut merged = HeldProblems::default();
        let (mut reader, mut held) = (d.problems.reader(), Problem::new("", Location::File, ""));
        let mut unplaced = unplaced.into_iter().peekable();
        for &before in befores {
            if !reader.next_into(&mut held) {
                break;
            }
            while let Some((_, p)) = unplaced.next_if(|(i, _)| *i < before) {
                merged.push(&p);
            }
            merged.push(&held);
        }
        for (_, p) in unplaced {
            merged.push(&p);
        }
        d.problems = merged;
    }

    /// Encodes one incident and its answer into `d` (with `buffers` for encoding); returns the problem to keep when it could not be placed.
    fn emit(
        &self,
        inc: &Incident,
        mut m: std::result::Result<Option<IncidentMatch>, QueryError>,
        d: &mut BlockOutput,
        buffers: Buffers<'_>,
    ) -> Option<Problem> {
        // The match where it lies (some 200 bytes, not copied).
        let m = match &mut m {
            Ok(Some(m)) => m,
            Ok(None) => {
                d.read += 1;
                // No match: written only when every incident is.
                if self.all {
                    self.layer
                        .encode_incident(self.encoder, &mut d.batch, inc, None, buffers);
                }
                return None;
            }
            Err(e) => {
                if !d.tally.keep(ProblemKind::Unplaced) {
                    return None;
                }
                return Some(
                    Problem::new(
                        self.source_name,
                        Location::File,
                        format!("incident {:?}: {e}", inc.id),
                    )
                    .with_kind(ProblemKind::Unplaced),
                );
            }
        };
        d.read += 1;
        // Completed in place, its regimes in the buffer lent (given back when it has been
        // written, so that its regimes need no allocation); a match not kept is written as
        // none.
        m.regimes = std::mem::take(&mut buffers.regimes);
        let kept = self.borders.finish(m, inc.date, self.asked);
        if kept {
            d.matched += 1;
        }
        if kept || self.all {
            self.layer.encode_incident(
                self.encoder,
                &mut d.batch,
                inc,
                kept.then_some(&*m),
                buffers,
            );
        }
        buffers.regimes = std::mem::take(&mut m.regimes);
        None
    }
}

/// Where the rows come from: an incident reader (with the bytes of it not yet read, when its
/// size is known), or incidents in memory.
pub(super) enum Rows<'a, R: Read> {
    File(&'a mut IncidentReader<R>, Option<u64>),
    Memory(std::slice::Iter<'a, Incident>),
}

impl<R: Read> Rows<'_, R> {
    /// The converter of the reader's blocks.
    pub(super) fn parser(&self) -> Option<RowParser> {
        match self {
            Rows::File(r, _) => Some(r.parser()),
            Rows::Memory(_) => None,
        }
    }

    /// Whether the reader checks duplicate ids.
    pub(super) fn checks_ids(&self) -> bool {
        match self {
            Rows::File(r, _) => r.checks_duplicate_ids(),
            Rows::Memory(_) => false,
        }
    }

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
            Rows::Memory(it) => {
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

/// Runs the pipeline: the calling thread reads blocks and hands them to the pool, keeping a
/// few per thread in flight, and handles what comes back in the order the blocks were handed
/// out.
pub(super) fn run<R: Read>(
    classifier: &Classifier<'_>,
    rows: &mut Rows<'_, R>,
    options: TableOptions<'_>,
    sink: &mut dyn LayerSink,
    problem: &mut dyn FnMut(&Problem) -> ControlFlow<()>,
) -> Result<TableSummary> {
    let mut summary = TableSummary::default();
    // Writes one block's features and counts them; `Some(stop)` ends the run.
    // The problems delivered over the whole run, to deliver the first of each kind only.
    let mut delivered = Tally {
        limit: options.max_problems_per_kind,
        kept: ProblemCounts::default(),
        held_back: ProblemCounts::default(),
    };
    // Each problem delivered, read back from its block into one reused value.
    let mut held = Problem::new("", crate::Location::File, "");
    let mut write = |mut d: BlockOutput| -> Result<Option<Stop>> {
        let mut problems = d.problems.reader();
        while problems.next_into(&mut held) {
            let p = &held;
            summary.bad += 1;
            if !delivered.keep(p.kind) {
                summary.not_delivered.add(p.kind, 1);
                if options.stop_at_first_problem {
                    return Ok(Some(Stop::Problem));
                }
                continue;
            }
            let flow = problem(p);
            if flow.is_break() || options.stop_at_first_problem {
                return Ok(Some(Stop::Problem));
            }
        }
        summary.bad += d.tally.held_back.total();
        summary.not_delivered.add_all(&d.tally.held_back);
        summary.read += d.read;
        summary.matched += d.matched;
        if let Some(rows) = options.rows_read {
            rows.fetch_add(
                d.read + d.problems.len() as u64 + d.tally.held_back.total(),
                Ordering::Relaxed,
            );
        }
        sink.write_batch(&mut d.batch).map_err(Error::Write)?;
        classifier.return_to_pool(|s| s.batches.push(d.batch));
        Ok(None)
    };
    let threads = rayon::current_num_threads().max(1);
    let in_flight = (IN_FLIGHT_PER_THREAD * threads) as u64;
    let stop = rayon::in_place_scope(|scope| -> Result<Option<Stop>> {
        let (tx, rx) = mpsc::channel::<(u64, std::thread::Result<WorkResult>)>();
        let spawn = |seq: u64, work: Work| {
            let tx = tx.clone();
            scope.spawn(move |_| {
                let out = catch_unwind(AssertUnwindSafe(|| classifier.work(work)));
                // The receiver is gone only when the run has already ended.
                let _ = tx.send((seq, out));
            });
        };
        let (mut spawned, mut written) = (0u64, 0u64);
        let mut arrived_early: BTreeMap<u64, std::thread::Result<WorkResult>> = BTreeMap::new();
        let mut input_left = true;
        loop {
            if options
                .interrupt
                .is_some_and(|flag| flag.load(Ordering::SeqCst))
            {
                return Ok(Some(Stop::Interrupted));
            }
            while input_left && spawned - written < in_flight {
                match rows.next(threads) {
                    Some(work) => {
                        spawn(spawned, work);
                        spawned += 1;
                    }
                    None => input_left = false,
                }
            }
            if written == spawned {
                return Ok(None);
            }
            let out = loop {
                if let Some(out) = arrived_early.remove(&written) {
                    break out;
                }
                match rx.recv() {
                    Ok((seq, out)) => {
                        arrived_early.insert(seq, out);
                    }
                    Err(_) => {
                        return Err(Error::Write(std::io::Error::other(
                            "a worker thread ended without its result",
                        )))
                    }
                }
            };
            written += 1;
            match out {
                Ok(WorkResult::BlockOutput(d)) => {
                    if let Some(stop) = write(*d)? {
                        return Ok(Some(stop));
                    }
                }
                Ok(WorkResult::Converted(mut converted)) => {
                    if let Rows::File(r, _) = rows {
                        for row in &mut converted {
                            r.check_id(row);
                        }
                    }
                    spawn(spawned, Work::Rows(converted));
                    spawned += 1;
                }
                Err(panic) => resume_unwind(panic),
            }
        }
    })?;
    summary.stopped = stop;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_shrink_near_the_end_of_a_file_of_known_size() {
        assert_eq!(block_bytes(None, 2), BLOCK_BYTES);
        assert_eq!(block_bytes(Some(100 << 20), 2), BLOCK_BYTES);
        // 1 MiB left for two threads: half of each one's share.
        assert_eq!(block_bytes(Some(1 << 20), 2), 256 * 1024);
        assert_eq!(block_bytes(Some(2 << 20), 0), BLOCK_BYTES);
        assert_eq!(block_bytes(Some(1000), 2), MIN_BLOCK_BYTES);
        assert_eq!(block_bytes(Some(0), 64), MIN_BLOCK_BYTES);
        assert_eq!(block_bytes(Some(u64::MAX), 1), BLOCK_BYTES);
    }
}
