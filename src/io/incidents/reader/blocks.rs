//! Reading the input in blocks of whole rows, to be converted on any thread (by
//! [`RowParser`]) while reading goes on, and checking their ids in input order afterwards;
//! [`IncidentReader::records`] does both on one thread through a small queue.

use std::io::Read;
use std::sync::Arc;

use super::{IncidentReader, Source};
use crate::io::csv_table::{row_too_long, Next};
use crate::io::incidents::rows::{Block, BlockKind, Row, RowParser};
use crate::{Incident, Location, Problem, ProblemKind};

/// How many bytes [`IncidentReader::records`] reads and converts at a time.
const QUEUE_BYTES: usize = 64 * 1024;

impl<R: Read> IncidentReader<R> {
    /// The next CSV row, converted a queue of [`QUEUE_BYTES`] at a time, its id checked.
    pub(super) fn next_csv_record(&mut self) -> Option<Result<Incident, Problem>> {
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

    /// Reads the next block of rows without converting them: whole CSV records of about
    /// `max_bytes` bytes (more when one record is longer, up to the
    /// [row limit](IncidentReader::max_row_bytes)), or up to `max_rows` GeoJSON
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
    pub(crate) fn read_block(&mut self, max_bytes: usize, max_rows: usize) -> Option<Block> {
        if self.done {
            return None;
        }
        let src = match &mut self.source {
            Source::Csv(src) => src,
            // GeoJSON, Parquet and GIS features: converted one at a time, as records.
            _ => {
                let mut rows = Vec::new();
                while rows.len() < max_rows.max(1) {
                    match self.next_record() {
                        Some(incident) => rows.push(Row { line: 0, incident }),
                        None => break,
                    }
                }
                return (!rows.is_empty()).then_some(Block(BlockKind::Rows(rows)));
            }
        };
        match src.source.next_block(max_bytes, self.max_row_bytes) {
            Ok(Some(Next::Records {
                bytes, first_line, ..
            })) => Some(Block(BlockKind::Csv { bytes, first_line })),
            Ok(Some(Next::TooLong(line))) => {
                let problem = Problem::new(
                    &*self.name,
                    Location::Line(line),
                    row_too_long(self.max_row_bytes),
                )
                .with_kind(ProblemKind::TooLong);
                Some(Block(BlockKind::Rows(vec![Row {
                    line,
                    incident: Err(problem),
                }])))
            }
            Ok(None) => {
                self.done = true;
                None
            }
            Err((line, e)) => {
                let problem = self.stop_at(Location::Line(line), &format!("read error: {e}"));
                Some(Block(BlockKind::Rows(vec![Row {
                    line,
                    incident: Err(problem),
                }])))
            }
        }
    }

    /// The converter for blocks read by [`IncidentReader::read_block`].
    pub(crate) fn parser(&self) -> RowParser {
        RowParser {
            name: Arc::clone(&self.name),
            csv: match &self.source {
                Source::Csv(src) => Some(Arc::clone(&src.header)),
                _ => None,
            },
            max_row_bytes: self.max_row_bytes,
            input_crs: self.input_crs.clone(),
            dates: self.dates.clone(),
        }
    }

    /// With duplicate checking on: turns `row` (converted from a CSV block) into a problem
    /// when its id repeats an earlier row's. Rows must be passed in input order. GeoJSON
    /// features are already checked by [`read_block`](IncidentReader::read_block).
    pub(crate) fn check_id(&mut self, row: &mut Row) {
        let (Source::Csv(_), Ok(incident)) = (&self.source, &row.incident) else {
            return;
        };
        let location = Location::Line(row.line);
        if let Some(problem) = self.repeated_id(&incident.id, row.line, location, "line") {
            row.incident = Err(problem);
        }
    }
}
