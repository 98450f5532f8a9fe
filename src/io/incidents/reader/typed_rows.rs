//! Reading a Parquet input one row at a time: the date range and the duplicate-id check
//! applied to each.

use std::io::Read;
use std::sync::atomic::Ordering;

use super::{IncidentReader, Source, NOT_READ};
use crate::{Incident, Location, Problem, ProblemKind};

impl<R: Read> IncidentReader<R> {
    /// The next Parquet row in the date range, its id checked.
    pub(super) fn next_parquet_row(&mut self) -> Option<Result<Incident, Problem>> {
        if self.done {
            return None;
        }
        let Source::Parquet(src) = &mut self.source else {
            return None;
        };
        loop {
            let next = src.next_row();
            let (row, result) = match next {
                None => {
                    self.done = true;
                    return None;
                }
                Some(Ok(v)) => v,
                Some(Err(msg)) => {
                    self.done = true;
                    self.failed = true;
                    let at = Location::Row(src.rows_read() + 1);
                    return Some(Err(Problem::new(
                        &*self.name,
                        at,
                        format!("{msg}; {NOT_READ}"),
                    )
                    .with_kind(ProblemKind::Unreadable)));
                }
            };
            let location = Location::Row(row);
            let incident = match result {
                Ok(i) => i,
                Err(msg) => return Some(Err(Problem::new(&*self.name, location, msg))),
            };
            if let Some((range, left_out)) = &self.dates {
                if !incident.date.overlaps(range) {
                    left_out.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
            }
            if let Some(seen) = &mut self.seen {
                if let Some(first) = seen.first_seen(&incident.id, row) {
                    return Some(Err(Problem::new(
                        &*self.name,
                        location,
                        format!("duplicate id {:?} (first used at row {first})", incident.id),
                    )
                    .with_kind(ProblemKind::DuplicateId)));
                }
            }
            return Some(Ok(incident));
        }
    }
}
