//! Problems met while a run goes on (bad rows, repeated ids, incidents that cannot be
//! placed), reported on stderr within bounds: the first few of each kind are printed, the
//! rest only counted, and the counts per kind are printed at the end when some were held
//! back. Memory is a counter per kind, however many problems there are.

use bordertrack::pipeline::ProblemCounts;
use bordertrack::{Problem, ProblemKind};

use crate::output::say;

/// Prints and counts problems, at most a given number of each kind.
pub struct Reporter {
    /// Problems printed of each kind; `None`: all.
    limit: Option<u64>,
    /// How many problems of each kind were met, in the order the kinds were first met.
    counts: Vec<(ProblemKind, u64)>,
    /// Shown above the lines printed, and suspended while they are.
    progress: Option<indicatif::ProgressBar>,
}

impl Reporter {
    /// A reporter that prints the first `max_per_kind` problems of each kind (0: all), above
    /// `progress` when there is one.
    pub fn new(max_per_kind: u64, progress: Option<indicatif::ProgressBar>) -> Reporter {
        Reporter {
            limit: (max_per_kind > 0).then_some(max_per_kind),
            counts: Vec::new(),
            progress,
        }
    }

    /// Counts `problem`, and prints it unless as many of its kind were printed already.
    pub fn report(&mut self, problem: &Problem) {
        let seen = match self.counts.iter_mut().find(|(k, _)| *k == problem.kind) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                self.counts.push((problem.kind, 1));
                1
            }
        };
        if self.limit.is_none_or(|limit| seen <= limit) {
            match &self.progress {
                Some(pb) => pb.suspend(|| say!("{problem}")),
                None => say!("{problem}"),
            }
        }
    }

    /// Counts problems that were met but never handed to [`Reporter::report`] (the library
    /// keeps no more of each kind than this reporter prints).
    pub fn count_not_delivered(&mut self, counts: &ProblemCounts) {
        for (kind, n) in counts.iter() {
            match self.counts.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, seen)) => *seen += n,
                None => self.counts.push((kind, n)),
            }
        }
    }

    /// How many problems were reported.
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|(_, n)| n).sum()
    }

    /// The count of each kind, when some problems were held back: for example
    /// `bordertrack: 250 problems, the first 100 of each kind shown: 230 invalid,
    /// 20 duplicate-id (--max-problems 0 shows all)`.
    pub fn summary(&self) -> Option<String> {
        let limit = self.limit?;
        if self.counts.iter().all(|&(_, n)| n <= limit) {
            return None;
        }
        let kinds: Vec<String> = self
            .counts
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        let total = self.total();
        Some(format!(
            "bordertrack: {total} problem{}, the first {limit} of each kind shown: {} \
             (--max-problems 0 shows all)",
            if total == 1 { "" } else { "s" },
            kinds.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bordertrack::Location;

    fn problem(kind: ProblemKind) -> Problem {
        Problem::new("in.csv", Location::Line(2), "bad").with_kind(kind)
    }

    #[test]
    fn counts_every_problem_and_sums_them_up_only_when_some_were_held_back() {
        let mut r = Reporter::new(2, None);
        for _ in 0..2 {
            r.report(&problem(ProblemKind::Invalid));
        }
        r.report(&problem(ProblemKind::DuplicateId));
        assert_eq!(r.total(), 3);
        assert_eq!(r.summary(), None);
        r.report(&problem(ProblemKind::Invalid));
        assert_eq!(r.total(), 4);
        assert_eq!(
            r.summary().as_deref(),
            Some(
                "bordertrack: 4 problems, the first 2 of each kind shown: 3 invalid, \
                 1 duplicate-id (--max-problems 0 shows all)"
            )
        );
        // No limit: nothing is held back.
        let mut all = Reporter::new(0, None);
        for _ in 0..5 {
            all.report(&problem(ProblemKind::Invalid));
        }
        assert_eq!((all.total(), all.summary()), (5, None));
        // Problems the library counted without delivering them add to the totals.
        let mut counted = ProblemCounts::default();
        counted.add(ProblemKind::Invalid, 10);
        counted.add(ProblemKind::TooLong, 1);
        r.count_not_delivered(&counted);
        assert_eq!(r.total(), 15);
        assert_eq!(
            r.summary().as_deref(),
            Some(
                "bordertrack: 15 problems, the first 2 of each kind shown: 13 invalid, \
                 1 duplicate-id, 1 too-long (--max-problems 0 shows all)"
            )
        );
    }
}
