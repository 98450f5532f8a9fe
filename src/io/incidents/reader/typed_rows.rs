//! Reading a Parquet or GIS-file input one converted row at a time, with the date range and
//! the duplicate-id check applied to each ([`IncidentReader::kept`]).

use std::io::Read;

use super::{IncidentReader, Source};
use crate::{Incident, Location, Problem};

/// How the rows of a typed input are numbered in problems.
#[derive(Clone, Copy)]
enum Numbering {
    /// Parquet rows, numbered from 1.
    Rows,
    /// GIS features, indexed from 0.
    #[cfg(feature = "formats")]
    Features,
}

impl Numbering {
    /// The location of the row numbered `n`.
    fn location(self, n: u64) -> Location {
        match self {
            Numbering::Rows => Location::Row(n),
            #[cfg(feature = "formats")]
            Numbering::Features => Location::Feature {
                index: usize::try_from(n).unwrap_or(usize::MAX),
                id: None,
            },
        }
    }

    /// What a row is called in messages.
    fn word(self) -> &'static str {
        match self {
            Numbering::Rows => "row",
            #[cfg(feature = "formats")]
            Numbering::Features => "feature",
        }
    }
}

impl<R: Read> IncidentReader<R> {
    /// The next Parquet row or GIS feature in the date range, its id checked.
    pub(super) fn next_typed_row(&mut self) -> Option<Result<Incident, Problem>> {
        loop {
            if self.done {
                return None;
            }
            // Each source's next row, how its rows are numbered, and the number of the row
            // after the last one handed out (where a read error is reported).
            let (next, numbering, next_number) = match &mut self.source {
                Source::Parquet(src) => {
                    let next = src.next_row();
                    (next, Numbering::Rows, src.rows_read() + 1)
                }
                #[cfg(feature = "formats")]
                Source::Features(src) => {
                    let next = src.next_row();
                    (next, Numbering::Features, src.features_read())
                }
                Source::Csv(_) | Source::GeoJson(_) => return None,
            };
            let (number, result) = match next {
                None => {
                    self.done = true;
                    return None;
                }
                Some(Ok(v)) => v,
                Some(Err(msg)) => {
                    return Some(Err(self.stop_at(numbering.location(next_number), &msg)));
                }
            };
            let location = numbering.location(number);
            let incident = match result {
                Ok(i) => i,
                Err(msg) => return Some(Err(Problem::new(&*self.name, location, msg))),
            };
            if let Some(row) = self.kept(incident, number, location, numbering.word()) {
                return Some(row);
            }
        }
    }
}
