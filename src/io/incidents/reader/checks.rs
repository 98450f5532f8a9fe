//! What the reader applies to each row, whatever the input: the date range kept, the
//! duplicate-id check, and the problem that ends the reading at an error.

use std::io::Read;
use std::sync::atomic::Ordering;

use super::{IncidentReader, NOT_READ};
use crate::{Incident, Location, Problem, ProblemKind};

impl<R: Read> IncidentReader<R> {
    /// `incident` as the [date range](IncidentReader::date_range) and the duplicate-id check
    /// keep it: `None` when its date is outside the range (it is counted as left out, and its
    /// id is not checked), a problem at `location` when its id repeats an earlier one's (see
    /// [`IncidentReader::repeated_id`] for `at` and `unit`).
    pub(super) fn kept(
        &mut self,
        incident: Incident,
        at: u64,
        location: Location,
        unit: &str,
    ) -> Option<Result<Incident, Problem>> {
        if let Some((range, left_out)) = &self.dates {
            if !incident.date.overlaps(range) {
                left_out.fetch_add(1, Ordering::Relaxed);
                return None;
            }
        }
        Some(match self.repeated_id(&incident.id, at, location, unit) {
            Some(problem) => Err(problem),
            None => Ok(incident),
        })
    }

    /// With duplicate checking on, records `id` as seen at `at` (a line, a row number or a
    /// feature index, as `unit` names it in messages: `line`, `row`, `feature`), or, when an
    /// earlier one had it, returns the problem at `location` that says where.
    pub(super) fn repeated_id(
        &mut self,
        id: &str,
        at: u64,
        location: Location,
        unit: &str,
    ) -> Option<Problem> {
        let first = self.seen.as_mut()?.first_seen(id, at)?;
        let message = format!("duplicate id {id:?} (first used at {unit} {first})");
        Some(Problem::new(&*self.name, location, message).with_kind(ProblemKind::DuplicateId))
    }

    /// Ends the reading at an error (a read error, broken structure) described by `message`,
    /// and returns its problem at `location`, which says that the rest was not read.
    pub(super) fn stop_at(&mut self, location: Location, message: &str) -> Problem {
        self.done = true;
        self.failed = true;
        Problem::new(&*self.name, location, format!("{message}; {NOT_READ}"))
            .with_kind(ProblemKind::Unreadable)
    }
}
