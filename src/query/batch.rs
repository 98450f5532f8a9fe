//! Classifying many incidents at once: [`BorderIndex::classify_each`] searches them in an order
//! that keeps nearby ones together, with buffers reused per thread.

use std::borrow::Borrow;
use std::cell::RefCell;

use geo::Point;

use super::classify::{FoundLine, IncidentSearch};
use super::incident_query::{IncidentMatch, IncidentQuery};
use super::locate::BorderIndex;
use super::status::StatusTimelines;
use crate::spatial::{AnchoredBounds, LineMatch, QueryError};
use crate::Incident;

impl BorderIndex {
    /// [`BorderIndex::classify`] of every incident of `incidents`: calls `f(i, answer)` for
    /// each, in their order (`i` is the position in `incidents`), with the answer `classify`
    /// gives.
    ///
    /// The incidents are searched for in an order that keeps nearby ones together (a Morton
    /// order of their longitude and latitude, up to 32,768 incidents at a time), so that the
    /// parts of the index they need are still in the processor's cache from the previous
    /// incident. On the README's benchmark (a million incidents spread over Central Asia) the
    /// whole `bordertrack incidents` run took about a tenth less CPU time than with `classify`
    /// row by row.
    ///
    /// `f` may itself classify incidents (the buffers reused between calls are per thread, and
    /// a nested call gets its own).
    ///
    pub(crate) fn classify_each<I: Borrow<Incident>>(
        &self,
        timelines: &StatusTimelines,
        incidents: &[I],
        query: &IncidentQuery,
        f: impl FnMut(usize, std::result::Result<Option<IncidentMatch>, QueryError>),
    ) {
        self.classify_each_by(
            ORDER_CHUNK,
            HAND_OVER_WINDOW,
            timelines,
            incidents,
            query,
            f,
        );
    }

    /// [`BorderIndex::classify_each`], ordering `chunk` incidents at a time and handing their
    /// answers over `window` at a time (each at least one).
    pub(super) fn classify_each_by<I: Borrow<Incident>>(
        &self,
        chunk: usize,
        window: usize,
        timelines: &StatusTimelines,
        incidents: &[I],
        query: &IncidentQuery,
        mut f: impl FnMut(usize, std::result::Result<Option<IncidentMatch>, QueryError>),
    ) {
        // Chunks of at most `ORDER_CHUNK` (32,768): positions in a chunk fit in `u32`.
        let chunk = chunk.clamp(1, ORDER_CHUNK);
        let window = window.max(1);
        for (start, part) in (0..).step_by(chunk).zip(incidents.chunks(chunk)) {
            with_batch(|b| {
                // Morton key above, position below: sorting puts nearby incidents together,
                // and equal keys in their order.
                b.order.clear();
                b.order.extend(
                    part.iter()
                        .zip(0u32..)
                        .map(|(inc, i)| (morton(inc.borrow().point) << 32) | u64::from(i)),
                );
                b.order.sort_unstable();
                // The searches read their inputs from one array, gathered in search order in a
                // pass of its own: reaching into the incidents at random between searches
                // cost more than the gathering (their answers are written to their places).
                b.pending.clear();
                b.pending.extend(b.order.iter().filter_map(|&k| {
                    let i = (k & u64::from(u32::MAX)) as u32;
                    part.get(i as usize)
                        .map(|inc| IncidentSearch::of(inc.borrow(), query, i))
                }));
                // Answers other than "nothing" are kept in search order; each incident's place
                // says where its answer is (a small array: its writes at random stay in cache).
                b.found.clear();
                b.solved.clear();
                b.answer_of.clear();
                b.answer_of.resize(part.len(), NOTHING);
                // The incidents come in Morton order: bounds of the imprecise segments'
                // distances carry from one to the next (fresh for each call: the index may be
                // another one).
                let mut bounds = AnchoredBounds::default();
                for q in &b.pending {
                    let m = self.find(timelines, q, query, &mut bounds, &mut b.solved);
                    if !matches!(m, Ok(None)) {
                        if let Some(slot) = b.answer_of.get_mut(q.position as usize) {
                            *slot = u32::try_from(b.found.len()).unwrap_or(NOTHING);
                            b.found.push(m);
                        }
                    }
                }
                // The answers are handed over in the incidents' order, a window at a time:
                // first the window's answers (read at random: the answers are larger than the
                // cache) and its matched incidents' searches are gathered, and their values
                // read, in a pass of their own, whose reads overlap; read between the
                // callbacks, one at a time, they cost more than the gathering.
                let windows = part.chunks(window).zip(b.answer_of.chunks(window));
                for (first, (incs, places)) in (start..).step_by(window).zip(windows) {
                    b.ordered.clear();
                    b.ordered
                        .extend(incs.iter().zip(places).filter_map(|(inc, &a)| {
                            let answer = b.found.get(a as usize)?;
                            // The values of an incident with an answer, which the callback
                            // may write, brought into the cache in this pass too.
                            inc.borrow().values.touch();
                            Some((*answer, IncidentSearch::of(inc.borrow(), query, 0)))
                        }));
                    // Each answer is made and handed over in its own branch, so that an
                    // incident on no segment (about half of them on the README benchmark)
                    // costs no search of its own and no copy of a match (200 bytes).
                    // An incident takes the next gathered answer exactly when the gathering
                    // pass found one for it: the same test, so the two stay in step.
                    let mut answers = b.ordered.iter();
                    for (i, &a) in (first..).zip(places) {
                        let answer = b.found.get(a as usize).and_then(|_| answers.next());
                        match answer {
                            Some((Ok(Some(found)), q)) => {
                                f(i, Ok(self.matched(timelines, found, q, query, &b.solved)))
                            }
                            Some((Err(e), _)) => f(i, Err(*e)),
                            Some((Ok(None), _)) | None => f(i, Ok(None)),
                        }
                    }
                }
            });
        }
    }
}

/// How many incidents [`BorderIndex::classify_each`] puts in order at a time: enough for
/// nearby incidents of a large table to meet, few enough to keep its buffers (about 150 bytes
/// per incident) to a few megabytes.
const ORDER_CHUNK: usize = 32_768;

/// How many incidents' answers [`BorderIndex::classify_each`] gathers at a time before
/// handing them over: few enough that they stay in the processor's cache until handed over.
///
/// On the README benchmark (a million rows within 5 km, blocks of about 12,500) reading each
/// answer at random from the whole block's as it was handed over took about a third of this
/// function's own time, by `perf`; gathered by windows, the run took 2.8% less CPU (medians
/// of 15 alternating runs) for 0.5% more instructions (BENCHMARKS.md).
const HAND_OVER_WINDOW: usize = 256;

/// Buffers reused by [`BorderIndex::classify_each`] on a thread.
#[derive(Debug, Default)]
struct Batch {
    /// Each incident's Morton key, shifted up, with its position in the low 32 bits.
    order: Vec<u64>,
    /// The incidents' searches, in key order.
    pending: Vec<IncidentSearch>,
    /// The answers other than "nothing", in search order.
    found: Vec<std::result::Result<Option<FoundLine>, QueryError>>,
    /// The imprecise segments' matches that the searches solved for the alternatives
    /// ([`FoundLine::solved`] says which are whose).
    solved: Vec<LineMatch>,
    /// Where in `found` each incident's answer is ([`NOTHING`]: nothing found), in the
    /// incidents' order.
    answer_of: Vec<u32>,
    /// The answers of `found` of a window of [`HAND_OVER_WINDOW`] incidents, in their order,
    /// each with its incident's search.
    ordered: Vec<(
        std::result::Result<Option<FoundLine>, QueryError>,
        IncidentSearch,
    )>,
}

/// No answer in `found`: the incident falls on no segment.
const NOTHING: u32 = u32::MAX;

thread_local! {
    static BATCH: RefCell<Batch> = RefCell::new(Batch::default());
}

/// Runs `f` with this thread's batch buffers (fresh ones in a nested call).
fn with_batch<T>(f: impl FnOnce(&mut Batch) -> T) -> T {
    crate::thread_buffers::with_thread_buffers(&BATCH, f)
}

/// A key that orders positions along a Z-shaped curve: the bits of the longitude and latitude,
/// each scaled to 16 bits (0.0055° and 0.0027°), interleaved. Positions close in the order are
/// close on the map. Any `f64` gives a key (out of range and NaN saturate to an end).
fn morton(p: Point<f64>) -> u64 {
    let spread = |v: u64| {
        let mut v = v & 0xffff;
        v = (v | (v << 8)) & 0x00ff_00ff;
        v = (v | (v << 4)) & 0x0f0f_0f0f;
        v = (v | (v << 2)) & 0x3333_3333;
        (v | (v << 1)) & 0x5555_5555
    };
    // Float-to-integer casts saturate, and NaN becomes 0.
    let x = ((p.x() + 180.0) * (65_535.0 / 360.0)) as u64;
    let y = ((p.y() + 90.0) * (65_535.0 / 180.0)) as u64;
    spread(x.min(0xffff)) | (spread(y.min(0xffff)) << 1)
}
