//! Reading a GeoJSON input one feature at a time, with the date range and the duplicate-id
//! check applied to each ([`IncidentReader::kept`]).

use std::io::Read;

use super::{IncidentReader, Source};
use crate::{Incident, Location, Problem, ProblemKind};

impl<R: Read> IncidentReader<R> {
    /// The next GeoJSON feature, its id checked.
    pub(super) fn next_feature(&mut self) -> Option<Result<Incident, Problem>> {
        loop {
            match self.next_feature_or_left_out() {
                FeatureStep::Row(row) => return Some(row),
                FeatureStep::End => return None,
                FeatureStep::LeftOut => {}
            }
        }
    }

    /// The next GeoJSON feature, its id checked, unless it is left out for its date.
    fn next_feature_or_left_out(&mut self) -> FeatureStep {
        if self.done {
            return FeatureStep::End;
        }
        let Source::GeoJson(src) = &mut self.source else {
            return FeatureStep::End;
        };
        let next = src.next_feature();
        let too_long = src.skipped_too_long;
        let (index, id, result) = match next {
            None => {
                self.done = true;
                return FeatureStep::End;
            }
            Some(Ok(v)) => v,
            Some(Err((line, msg))) => {
                return FeatureStep::Row(Err(self.stop_at(Location::Line(line), &msg)));
            }
        };
        let location = Location::Feature { index, id };
        let incident = match result {
            Ok(i) => i,
            Err(msg) => {
                let problem = Problem::new(&*self.name, location, msg);
                return FeatureStep::Row(Err(if too_long {
                    problem.with_kind(ProblemKind::TooLong)
                } else {
                    problem
                }));
            }
        };
        let at = u64::try_from(index).unwrap_or(u64::MAX);
        match self.kept(incident, at, location, "feature") {
            Some(row) => FeatureStep::Row(row),
            None => FeatureStep::LeftOut,
        }
    }
}

/// What one step of reading a GeoJSON feature gives.
enum FeatureStep {
    /// A row: an incident or a problem.
    Row(Result<Incident, Problem>),
    /// An incident left out for its date.
    LeftOut,
    /// The end of the input.
    End,
}
