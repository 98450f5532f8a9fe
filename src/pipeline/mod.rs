//! Classifying a whole table of incidents: streaming, parallel, in input order, in constant
//! memory.
//!
//! The calling thread reads the input in blocks of whole rows and hands each block to a
//! worker on rayon's thread pool, which converts it, classifies its incidents together (in an
//! order that keeps nearby ones together, a Morton order of their positions) and encodes them in
//! input order with the sink's encoder; the calling thread writes the encoded blocks in input
//! order as they come back, and hands each block's problems to the caller's handler, in input
//! order too. Memory stays flat however long the input is (a few blocks per worker at most,
//! unless duplicate ids are checked, which keeps every id), and however many rows are bad when
//! [`TableOptions::max_problems_per_kind`] bounds the problems delivered.
//! With duplicate ids checked, the rows of each block come back to the calling thread once
//! converted, to be checked in input order, and go out again to be classified.
//!
//! Points already in memory as columns (longitudes, latitudes, dates: what a numpy or Arrow
//! embedding holds) skip the table: [`Borders::classify_points`] checks and classifies them
//! on the same pool, and answers with typed matches rather than encoded rows.

mod held;
mod layer;
mod points;
mod run;

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, AtomicU64};

pub use layer::{IncidentLayer, CLASSIFICATION_COLUMNS};
pub use points::{DateColumn, PointAnswers, PointColumns};

use crate::io::IncidentReader;
use crate::query::{BorderIndex, IncidentQuery};
use crate::report::{Column, LayerSink};
use crate::{Basis, Borders, Error, Incident, Problem, ProblemKind, Result};

/// How [`Borders::classify_table`] runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct TableOptions<'a> {
    /// Write every incident read, with empty match columns when it fell on no stretch;
    /// otherwise only the incidents that matched.
    pub all_rows: bool,
    /// The changes' dates: from signature or from entry into force.
    pub basis: Basis,
    /// Stop at the first bad row (the run ends as [`Stop::Problem`]).
    pub stop_at_first_problem: bool,
    /// Set from anywhere (a signal handler, another thread) to stop the run soon, between
    /// blocks; the run ends as [`Stop::Interrupted`].
    pub interrupt: Option<&'a AtomicBool>,
    /// The size of the input in bytes, when known (a regular file): the last blocks are made
    /// smaller so that the threads finish together.
    pub input_len_bytes: Option<u64>,
    /// Counts the rows read so far (good and bad), added to after each block in input order:
    /// read it from another thread to show progress.
    pub rows_read: Option<&'a AtomicU64>,
    /// Hand the problem handler at most this many problems of each [`ProblemKind`] (the
    /// first ones, in input order) and only count the rest, in
    /// [`TableSummary::not_delivered`]; `None`: hand over every problem. A bound keeps memory
    /// flat however many rows are bad and however many threads run.
    pub max_problems_per_kind: Option<u64>,
}

/// Why a run of [`Borders::classify_table`] ended before the end of its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The interrupt flag was set.
    Interrupted,
    /// A bad row was met and [`TableOptions::stop_at_first_problem`] was set, or the problem
    /// handler asked to stop.
    Problem,
    /// Reading ended at an error (a read error, broken CSV quoting, broken JSON structure):
    /// the rows after it were never read, and the result is incomplete.
    InputEndedEarly,
}

/// What a run of [`Borders::classify_table`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableSummary {
    /// Incidents read and classified (good rows).
    pub read: u64,
    /// Incidents that fell on a matching stretch.
    pub matched: u64,
    /// Bad rows (and incidents that could not be placed): those handed to the problem
    /// handler plus those [not delivered](TableSummary::not_delivered).
    pub bad: u64,
    /// Problems counted but not handed to the problem handler, beyond
    /// [`TableOptions::max_problems_per_kind`] of their kind.
    pub not_delivered: ProblemCounts,
    /// Why the run ended early, if it did.
    pub stopped: Option<Stop>,
}

/// A count of problems for each [`ProblemKind`].
///
/// # Examples
/// ```
/// use bordertrack::pipeline::ProblemCounts;
/// use bordertrack::ProblemKind;
/// let mut counts = ProblemCounts::default();
/// counts.add(ProblemKind::Invalid, 3);
/// assert_eq!(counts.get(ProblemKind::Invalid), 3);
/// assert_eq!(counts.total(), 3);
/// assert_eq!(counts.iter().collect::<Vec<_>>(), [(ProblemKind::Invalid, 3)]);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProblemCounts([u64; ProblemKind::ALL.len()]);

impl ProblemCounts {
    /// The count of `kind`.
    pub fn get(&self, kind: ProblemKind) -> u64 {
        self.0[kind.index()]
    }

    /// Adds `n` to the count of `kind`.
    pub fn add(&mut self, kind: ProblemKind, n: u64) {
        self.0[kind.index()] += n;
    }

    /// The sum of all counts.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// The kinds with a count above zero, with their counts, in the order of
    /// [`ProblemKind::ALL`].
    pub fn iter(&self) -> impl Iterator<Item = (ProblemKind, u64)> + '_ {
        ProblemKind::ALL
            .iter()
            .map(|&kind| (kind, self.get(kind)))
            .filter(|&(_, n)| n > 0)
    }

    /// Adds every count of `other`.
    fn add_all(&mut self, other: &ProblemCounts) {
        for (kind, n) in other.iter() {
            self.add(kind, n);
        }
    }
}

impl TableSummary {
    /// Whether rows were given but none could be read: every row was bad. For a table this is
    /// the typical sign of a wrong layout or coordinate reference system.
    pub fn nothing_read(&self) -> bool {
        self.read == 0 && self.bad > 0
    }

    /// When [nothing was read](TableSummary::nothing_read), the problem to report for the
    /// input `name`: no row could be read, and what that usually means.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::pipeline::TableSummary;
    /// let summary = TableSummary { bad: 2, ..TableSummary::default() };
    /// let problem = summary.nothing_read_problem("utm.csv").unwrap();
    /// assert!(problem.to_string().starts_with("utm.csv: no row could be read (2 bad rows)"));
    /// assert_eq!(TableSummary::default().nothing_read_problem("utm.csv"), None);
    /// ```
    pub fn nothing_read_problem(&self, name: &str) -> Option<Problem> {
        self.nothing_read().then(|| {
            Problem::new(
                name,
                crate::Location::File,
                format!(
                    "no row could be read ({} bad row{}): this is the typical sign of a wrong \
                     column layout, or of coordinates in another reference system than WGS84 \
                     longitude and latitude",
                    self.bad,
                    if self.bad == 1 { "" } else { "s" }
                ),
            )
        })
    }
}

impl Borders {
    /// Classifies every incident of `reader` against `query` and writes them to `sink` (made
    /// for [`IncidentLayer::schema_for`] the reader's [columns](IncidentReader::columns)), in input order, using every thread of rayon's pool:
    /// see the [module documentation](crate::pipeline). Each bad row is handed to `problem`,
    /// in input order; it may return [`ControlFlow::Break`] to stop the run. The sink is not
    /// finished: the caller finishes it, or drops it when the run stopped early.
    ///
    /// # Errors
    /// [`Error::Request`] when the sink's columns are not the incident layer's, or for a
    /// [nearest](IncidentQuery::nearest) query that no segment can answer;
    /// [`Error::Write`] when writing to the sink fails.
    ///
    /// # Examples
    /// ```
    /// use std::ops::ControlFlow;
    /// use bordertrack::io::IncidentReader;
    /// use bordertrack::pipeline::{IncidentLayer, TableOptions};
    /// use bordertrack::query::IncidentQuery;
    /// use bordertrack::report::{Format, RowWriter};
    /// use bordertrack::Borders;
    ///
    /// let borders = Borders::embedded()?;
    /// let csv = "id,date,lat,lon\nA,2006-04-19,41.46667,69.16667\nB,2006,oops,69.2\n";
    /// let mut reader = IncidentReader::from_reader(csv.as_bytes(), "mine.csv")?;
    /// let query = IncidentQuery::within(5_000.0);
    /// let schema = IncidentLayer::schema_for(reader.columns().as_deref(), "", false)?;
    /// let mut sink = RowWriter::with_schema(Vec::new(), Format::Csv, &schema)?;
    /// let mut problems = Vec::new();
    /// let summary = borders.classify_table(
    ///     &mut reader,
    ///     &query,
    ///     TableOptions::default(),
    ///     &mut sink,
    ///     &mut |p| {
    ///         problems.push(p.to_string());
    ///         ControlFlow::Continue(())
    ///     },
    /// )?;
    /// assert_eq!((summary.read, summary.matched, summary.bad), (1, 1, 1));
    /// assert_eq!(problems, ["mine.csv:3: latitude \"oops\" is not a number"]);
    /// let out = String::from_utf8(sink.finish()?).unwrap();
    /// let first = out.lines().nth(1).unwrap();
    /// assert!(first.starts_with("A,2006-04-19,41.46667,69.16667,"));
    /// assert!(first.ends_with(",2006-04-19,2006-04-19"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn classify_table<R: std::io::Read>(
        &self,
        reader: &mut IncidentReader<R>,
        query: &IncidentQuery,
        options: TableOptions<'_>,
        sink: &mut dyn LayerSink,
        problem: &mut dyn FnMut(&Problem) -> ControlFlow<()>,
    ) -> Result<TableSummary> {
        let own = reader.columns();
        let layer = self.layer_for(sink, own.as_deref())?;
        let name = reader.name().to_string();
        let mut rows = run::Rows::File(reader, options.input_len_bytes);
        let mut summary = self.run(&mut rows, &layer, &name, query, options, sink, problem)?;
        if summary.stopped.is_none() {
            if let run::Rows::File(r, _) = &rows {
                if r.stopped_early() {
                    summary.stopped = Some(Stop::InputEndedEarly);
                }
            }
        }
        Ok(summary)
    }

    /// [`Borders::classify_table`] for incidents already in memory (for example the
    /// dataset's own, [`crate::Dataset::incidents`]); problems are named after `name`.
    ///
    /// # Errors
    /// As [`Borders::classify_table`].
    pub fn classify_incidents(
        &self,
        incidents: &[Incident],
        name: &str,
        query: &IncidentQuery,
        options: TableOptions<'_>,
        sink: &mut dyn LayerSink,
        problem: &mut dyn FnMut(&Problem) -> ControlFlow<()>,
    ) -> Result<TableSummary> {
        let layer = self.layer_for(sink, None)?;
        let mut rows: run::Rows<'_, &[u8]> = run::Rows::Memory(incidents.iter());
        self.run(&mut rows, &layer, name, query, options, sink, problem)
    }

    /// The incident layer that `sink` was made for, for a table with `own` columns of its own
    /// (see [`IncidentLayer::schema_for`]).
    fn layer_for(&self, sink: &dyn LayerSink, own: Option<&[Column]>) -> Result<IncidentLayer> {
        match IncidentLayer::matches(sink.schema(), own) {
            Some(position) => Ok(IncidentLayer::with_input(
                self.dataset(),
                own.map(<[Column]>::len),
                position,
            )),
            None => Err(Error::Request(
                "the sink was not made for the incident layer's columns of this table (see \
                 IncidentLayer::schema_for)"
                    .to_string(),
            )),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn run<R: std::io::Read>(
        &self,
        rows: &mut run::Rows<'_, R>,
        layer: &IncidentLayer,
        name: &str,
        query: &IncidentQuery,
        options: TableOptions<'_>,
        sink: &mut dyn LayerSink,
        problem: &mut dyn FnMut(&Problem) -> ControlFlow<()>,
    ) -> Result<TableSummary> {
        let index: &BorderIndex = self.index();
        check_nearest(self, query, options.basis)?;
        let encoder = sink.encoder();
        // With regime words, the nearest segment whatever its status, kept if it meets
        // either the status words or the regime words.
        let wide = crate::borders::without_status_words(query);
        let search = if query.regimes.is_empty() {
            query
        } else {
            &wide
        };
        let classifier = run::Classifier {
            index,
            timelines: self.timelines(options.basis),
            query: search,
            borders: self,
            asked: query,
            layer,
            encoder: &*encoder,
            parser: rows.parser(),
            source_name: name,
            all: options.all_rows,
            check_ids: rows.checks_ids(),
            max_problems_per_kind: options.max_problems_per_kind,
            buffer_pool: Default::default(),
        };
        run::run(&classifier, rows, options, sink, problem)
    }
}

/// For a nearest query, refuses one that no segment can answer (none of its dyad has a status
/// its filter takes): every incident would come back without a match.
fn check_nearest(borders: &Borders, query: &IncidentQuery, basis: Basis) -> Result<()> {
    if query.nearest
        && !borders
            .index()
            .nearest_possible(borders.timelines(basis), query)
    {
        return Err(Error::Request(no_nearest_segment(query)));
    }
    Ok(())
}

/// Why a nearest match cannot be found for any incident: no segment of the query's dyad has a
/// status its filter takes.
fn no_nearest_segment(query: &IncidentQuery) -> String {
    let dyad = query
        .dyad
        .map_or_else(String::new, |d| format!(" of dyad {d}"));
    let when = query
        .as_of
        .map_or_else(|| " on any date".to_string(), |at| format!(" at {at}"));
    if query.filter.is_empty() {
        format!("no segment{dyad} in the dataset to be nearest to an incident")
    } else {
        format!(
            "no segment{dyad} in the dataset has a status matching {}{when}, so no incident has a nearest one",
            query.filter
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Format, RowWriter};

    /// Runs a table of 40,000 rows (several blocks) with bad rows of two kinds, and returns
    /// the problems delivered and the summary.
    fn run_table(check_ids: bool, limit: Option<u64>) -> (Vec<Problem>, TableSummary) {
        let mut csv = String::from("id,date,lat,lon\n");
        for i in 0..40_000 {
            let id = if i % 7 == 2 {
                "DUP".to_string()
            } else {
                format!("R{i}")
            };
            let lat = if i % 3 == 0 { "oops" } else { "41.46667" };
            csv.push_str(&format!("{id},2006-04-19,{lat},69.16667\n"));
        }
        let borders = Borders::embedded().expect("the embedded dataset loads");
        let mut reader = IncidentReader::from_reader(csv.as_bytes(), "t.csv")
            .expect("a header")
            .check_duplicate_ids(check_ids);
        let query = IncidentQuery::within(5_000.0);
        let options = TableOptions {
            max_problems_per_kind: limit,
            ..TableOptions::default()
        };
        let schema =
            IncidentLayer::schema_for(reader.columns().as_deref(), "", false).expect("no clash");
        let mut sink = RowWriter::with_schema(Vec::new(), Format::Csv, &schema).expect("a sink");
        let mut problems = Vec::new();
        let summary = borders
            .classify_table(&mut reader, &query, options, &mut sink, &mut |p| {
                problems.push(p.clone());
                ControlFlow::Continue(())
            })
            .expect("the run");
        (problems, summary)
    }

    #[test]
    fn a_bound_on_problems_delivers_the_first_of_each_kind_and_counts_the_rest() {
        for check_ids in [false, true] {
            let (all, full) = run_table(check_ids, None);
            assert_eq!(full.not_delivered, ProblemCounts::default());
            assert_eq!(full.bad, all.len() as u64);
            let (some, bounded) = run_table(check_ids, Some(3));
            // The first three of each kind, in input order.
            let mut seen = ProblemCounts::default();
            let want: Vec<String> = all
                .iter()
                .filter(|p| {
                    seen.add(p.kind, 1);
                    seen.get(p.kind) <= 3
                })
                .map(Problem::to_string)
                .collect();
            let got: Vec<String> = some.iter().map(Problem::to_string).collect();
            assert_eq!(got, want, "check_ids {check_ids}");
            let kinds = if check_ids { 2 } else { 1 };
            assert_eq!(got.len(), 3 * kinds);
            // Every problem is counted, delivered or not.
            assert_eq!((bounded.read, bounded.bad), (full.read, full.bad));
            for (kind, n) in seen.iter() {
                assert_eq!(bounded.not_delivered.get(kind), n - 3, "{kind}");
            }
            assert_eq!(bounded.not_delivered.total() + got.len() as u64, full.bad);
        }
    }
}
