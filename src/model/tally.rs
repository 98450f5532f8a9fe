//! Aggregate counts that sources give without points: so many trespass cases, mine deaths or
//! clashes on a dyad over a period (one row of `tallies.csv`).

use std::fmt;
use std::str::FromStr;

use super::Dyad;
use crate::{DateSpan, PartialDate};

/// How a source states a count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TallyQualifier {
    /// The figure as given ("1127 cases").
    Exact,
    /// A lower bound ("more than 28", "at least 73").
    AtLeast,
    /// A round or approximate figure ("around 10", "about 150").
    About,
}

impl TallyQualifier {
    /// `exact`, `at_least` or `about`: the word of `tallies.csv`'s `qualifier` column.
    pub fn as_str(self) -> &'static str {
        match self {
            TallyQualifier::Exact => "exact",
            TallyQualifier::AtLeast => "at_least",
            TallyQualifier::About => "about",
        }
    }
}

impl fmt::Display for TallyQualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TallyQualifier {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            TallyQualifier::Exact,
            TallyQualifier::AtLeast,
            TallyQualifier::About,
        ]
        .into_iter()
        .find(|q| q.as_str() == s)
        .ok_or_else(|| format!("{s:?} is not one of exact, at_least or about"))
    }
}

/// One aggregate count over a period (a row of `tallies.csv`). Counts from different sources
/// or overlapping periods are kept side by side, never summed.
#[derive(Clone, Debug, PartialEq)]
pub struct Tally {
    /// The dyad the count is about.
    pub dyad: Dyad,
    /// The first day counted (as precisely as the source says: a year's first day for `2000`).
    pub period_start: PartialDate,
    /// The last day counted (a month's last day for `2003-09`).
    pub period_end: PartialDate,
    /// What was counted: a lowercase word such as `trespass`, `clash`, `mine_death`.
    pub kind: String,
    /// How many.
    pub count: u64,
    /// How the source states the figure.
    pub qualifier: TallyQualifier,
    /// The source that gives the figure.
    pub source_id: String,
    /// Free note: the source's words, what the figure covers.
    pub note: String,
    /// The row's line in `tallies.csv`.
    pub line: u64,
}

impl Tally {
    /// The days counted: from the first day of `period_start` to the last of `period_end`.
    pub fn period(&self) -> DateSpan {
        DateSpan {
            first: self.period_start.first(),
            last: self.period_end.last(),
        }
    }
}
