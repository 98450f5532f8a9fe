//! Delimitation and demarcation statuses, and the filter words built on them.

use std::fmt;
use std::str::FromStr;

/// Whether a stretch of border is agreed on paper.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Delimitation {
    /// The sources say nothing about it (the state before a segment's first recorded change).
    Unknown,
    /// No line agreed, and no competing claims recorded.
    Undelimited,
    /// Claimed by both sides; no agreed line.
    Disputed,
    /// A line agreed by treaty or equivalent instrument.
    Delimited,
}

/// Whether a stretch of border is marked on the ground.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Demarcation {
    /// The sources say nothing about it.
    Unknown,
    /// Not marked.
    None,
    /// Marking under way (commission field work).
    InProgress,
    /// Marked, with the demarcation documents in effect.
    Demarcated,
}

/// A status word that is not one of the known ones. Its message lists the accepted words, and
/// names the one meant when only the letter case differs (status words are lower-case).
///
/// # Examples
/// ```
/// use bordertrack::Demarcation;
///
/// let e = "Demarcated".parse::<Demarcation>().unwrap_err();
/// assert_eq!(
///     e.to_string(),
///     "unknown demarcation status \"Demarcated\" (expected one of: unknown, none, \
///      in_progress, demarcated; status words are lower-case: \"demarcated\")"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusParseError {
    /// `delimitation`, `demarcation` or `filter`.
    pub what: &'static str,
    /// The word given.
    pub word: String,
    /// The accepted words.
    pub expected: &'static str,
}

impl std::fmt::Display for StatusParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "unknown {} status {:?} (expected one of: {}",
            self.what, self.word, self.expected
        )?;
        let lower = self.word.to_lowercase();
        if lower != self.word && self.expected.split(", ").any(|w| w == lower) {
            write!(f, "; status words are lower-case: {lower:?}")?;
        }
        f.write_str(")")
    }
}

impl std::error::Error for StatusParseError {}

impl Delimitation {
    /// Every value, in order.
    pub const ALL: [Delimitation; 4] = [
        Delimitation::Unknown,
        Delimitation::Undelimited,
        Delimitation::Disputed,
        Delimitation::Delimited,
    ];

    /// The word used in data files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Delimitation::Unknown => "unknown",
            Delimitation::Undelimited => "undelimited",
            Delimitation::Disputed => "disputed",
            Delimitation::Delimited => "delimited",
        }
    }
}

impl Demarcation {
    /// Every value, in order.
    pub const ALL: [Demarcation; 4] = [
        Demarcation::Unknown,
        Demarcation::None,
        Demarcation::InProgress,
        Demarcation::Demarcated,
    ];

    /// The word used in data files and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Demarcation::Unknown => "unknown",
            Demarcation::None => "none",
            Demarcation::InProgress => "in_progress",
            Demarcation::Demarcated => "demarcated",
        }
    }

    /// Whether any marking has started (in progress or done).
    pub fn has_started(self) -> bool {
        matches!(self, Demarcation::InProgress | Demarcation::Demarcated)
    }
}

impl FromStr for Delimitation {
    type Err = StatusParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let w = s.trim();
        Delimitation::ALL
            .into_iter()
            .find(|v| v.as_str() == w)
            .ok_or_else(|| StatusParseError {
                what: "delimitation",
                word: w.chars().take(40).collect(),
                expected: "unknown, undelimited, disputed, delimited",
            })
    }
}

impl FromStr for Demarcation {
    type Err = StatusParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let w = s.trim();
        Demarcation::ALL
            .into_iter()
            .find(|v| v.as_str() == w)
            .ok_or_else(|| StatusParseError {
                what: "demarcation",
                word: w.chars().take(40).collect(),
                expected: "unknown, none, in_progress, demarcated",
            })
    }
}

impl fmt::Display for Delimitation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Demarcation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One word of a [`StatusFilter`]: a named set of statuses of one dimension (or, for
/// [`StatusWord::Unknown`], of either).
///
/// Each word means the same set wherever it is used: in a filter, as the name of a length in
/// [`crate::query::DyadStats`] (`undelimited` → `undelimited_m`) and in the documents.
///
/// | word | dimension | statuses |
/// |---|---|---|
/// | `delimited` | delimitation | `delimited` |
/// | `disputed` | delimitation | `disputed` |
/// | `undelimited` | delimitation | `undelimited` |
/// | `not_delimited` | delimitation | `undelimited`, `disputed` |
/// | `delimitation_unknown` | delimitation | `unknown` |
/// | `demarcated` | demarcation | `demarcated` |
/// | `in_progress` | demarcation | `in_progress` |
/// | `undemarcated` | demarcation | `none` |
/// | `not_demarcated` | demarcation | `none`, `in_progress` |
/// | `demarcation_unknown` | demarcation | `unknown` |
/// | `unknown` | either | `unknown` delimitation or `unknown` demarcation |
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatusWord {
    /// Delimitation is `delimited`.
    Delimited,
    /// Delimitation is `disputed`.
    Disputed,
    /// Delimitation is `undelimited` (no line agreed, no competing claims recorded).
    Undelimited,
    /// Delimitation is known and not `delimited`: `undelimited` or `disputed`.
    NotDelimited,
    /// Delimitation is `unknown`.
    DelimitationUnknown,
    /// Demarcation is `demarcated`.
    Demarcated,
    /// Demarcation is `in_progress`.
    InProgress,
    /// Demarcation is `none` (not marked, no marking under way).
    Undemarcated,
    /// Demarcation is known and not `demarcated`: `none` or `in_progress`.
    NotDemarcated,
    /// Demarcation is `unknown`.
    DemarcationUnknown,
    /// Delimitation or demarcation (or both) is `unknown`.
    Unknown,
}

impl StatusWord {
    /// Every word, in the order of the table above.
    pub const ALL: [StatusWord; 11] = [
        StatusWord::Delimited,
        StatusWord::Disputed,
        StatusWord::Undelimited,
        StatusWord::NotDelimited,
        StatusWord::DelimitationUnknown,
        StatusWord::Demarcated,
        StatusWord::InProgress,
        StatusWord::Undemarcated,
        StatusWord::NotDemarcated,
        StatusWord::DemarcationUnknown,
        StatusWord::Unknown,
    ];

    /// The word as written.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusWord::Delimited => "delimited",
            StatusWord::Disputed => "disputed",
            StatusWord::Undelimited => "undelimited",
            StatusWord::NotDelimited => "not_delimited",
            StatusWord::DelimitationUnknown => "delimitation_unknown",
            StatusWord::Demarcated => "demarcated",
            StatusWord::InProgress => "in_progress",
            StatusWord::Undemarcated => "undemarcated",
            StatusWord::NotDemarcated => "not_demarcated",
            StatusWord::DemarcationUnknown => "demarcation_unknown",
            StatusWord::Unknown => "unknown",
        }
    }

    /// Whether a status pair matches this word.
    pub fn matches(self, del: Delimitation, dem: Demarcation) -> bool {
        match self {
            StatusWord::Delimited => del == Delimitation::Delimited,
            StatusWord::Disputed => del == Delimitation::Disputed,
            StatusWord::Undelimited => del == Delimitation::Undelimited,
            StatusWord::NotDelimited => {
                matches!(del, Delimitation::Undelimited | Delimitation::Disputed)
            }
            StatusWord::DelimitationUnknown => del == Delimitation::Unknown,
            StatusWord::Demarcated => dem == Demarcation::Demarcated,
            StatusWord::InProgress => dem == Demarcation::InProgress,
            StatusWord::Undemarcated => dem == Demarcation::None,
            StatusWord::NotDemarcated => matches!(dem, Demarcation::None | Demarcation::InProgress),
            StatusWord::DemarcationUnknown => dem == Demarcation::Unknown,
            StatusWord::Unknown => del == Delimitation::Unknown || dem == Demarcation::Unknown,
        }
    }

    /// The word that names exactly one delimitation status (the length of that status in
    /// [`crate::query::DyadStats`] carries the same name).
    pub fn of_delimitation(status: Delimitation) -> StatusWord {
        match status {
            Delimitation::Unknown => StatusWord::DelimitationUnknown,
            Delimitation::Undelimited => StatusWord::Undelimited,
            Delimitation::Disputed => StatusWord::Disputed,
            Delimitation::Delimited => StatusWord::Delimited,
        }
    }

    /// The word that names exactly one demarcation status.
    pub fn of_demarcation(status: Demarcation) -> StatusWord {
        match status {
            Demarcation::Unknown => StatusWord::DemarcationUnknown,
            Demarcation::None => StatusWord::Undemarcated,
            Demarcation::InProgress => StatusWord::InProgress,
            Demarcation::Demarcated => StatusWord::Demarcated,
        }
    }
}

impl fmt::Display for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StatusWord {
    type Err = StatusParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let w = s.trim();
        StatusWord::ALL
            .into_iter()
            .find(|v| v.as_str() == w)
            .ok_or_else(|| StatusParseError {
                what: "filter",
                word: w.chars().take(40).collect(),
                expected: "delimited, disputed, undelimited, not_delimited, \
                           delimitation_unknown, demarcated, in_progress, undemarcated, \
                           not_demarcated, demarcation_unknown, unknown",
            })
    }
}

/// A set of [`StatusWord`]s joined by "or", written with commas: `disputed,undemarcated`.
///
/// # Examples
/// ```
/// use bordertrack::{Delimitation, Demarcation, StatusFilter};
/// let f: StatusFilter = "disputed,in_progress".parse().unwrap();
/// assert!(f.matches(Delimitation::Delimited, Demarcation::InProgress));
/// assert!(!f.matches(Delimitation::Delimited, Demarcation::Demarcated));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct StatusFilter {
    words: Vec<StatusWord>,
}

impl StatusFilter {
    /// A filter from words; an empty filter matches everything.
    pub fn new(words: Vec<StatusWord>) -> StatusFilter {
        StatusFilter { words }
    }

    /// Whether no word was given (everything matches).
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Whether a status pair matches any of the words (or the filter is empty).
    pub fn matches(&self, del: Delimitation, dem: Demarcation) -> bool {
        self.words.is_empty() || self.words.iter().any(|w| w.matches(del, dem))
    }
}

/// The words joined by commas, as parsed: `disputed,in_progress`.
impl fmt::Display for StatusFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, w) in self.words.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(w.as_str())?;
        }
        Ok(())
    }
}

impl FromStr for StatusFilter {
    type Err = StatusParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let words = s
            .split(',')
            .filter(|w| !w.trim().is_empty())
            .map(str::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(StatusFilter { words })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for d in Delimitation::ALL {
            assert_eq!(d.as_str().parse::<Delimitation>().unwrap(), d);
        }
        for d in Demarcation::ALL {
            assert_eq!(d.as_str().parse::<Demarcation>().unwrap(), d);
        }
        assert!("Delimited".parse::<Delimitation>().is_err());
    }

    #[test]
    fn every_word_round_trips() {
        for w in StatusWord::ALL {
            assert_eq!(w.as_str().parse::<StatusWord>(), Ok(w));
        }
        assert!("demarcating".parse::<StatusWord>().is_err());
        assert!("fenced".parse::<StatusFilter>().is_err());
    }

    /// The statuses each word covers, for every pair of statuses: the table in the docs.
    #[test]
    fn words_cover_exactly_their_statuses() {
        use Delimitation as L;
        use Demarcation as M;
        let del_words = [
            ("delimited", vec![L::Delimited]),
            ("disputed", vec![L::Disputed]),
            ("undelimited", vec![L::Undelimited]),
            ("not_delimited", vec![L::Undelimited, L::Disputed]),
            ("delimitation_unknown", vec![L::Unknown]),
        ];
        let dem_words = [
            ("demarcated", vec![M::Demarcated]),
            ("in_progress", vec![M::InProgress]),
            ("undemarcated", vec![M::None]),
            ("not_demarcated", vec![M::None, M::InProgress]),
            ("demarcation_unknown", vec![M::Unknown]),
        ];
        for del in L::ALL {
            for dem in M::ALL {
                for (word, set) in &del_words {
                    let f: StatusFilter = word.parse().unwrap();
                    assert_eq!(
                        f.matches(del, dem),
                        set.contains(&del),
                        "{word} {del} {dem}"
                    );
                }
                for (word, set) in &dem_words {
                    let f: StatusFilter = word.parse().unwrap();
                    assert_eq!(
                        f.matches(del, dem),
                        set.contains(&dem),
                        "{word} {del} {dem}"
                    );
                }
                let unknown: StatusFilter = "unknown".parse().unwrap();
                assert_eq!(
                    unknown.matches(del, dem),
                    del == L::Unknown || dem == M::Unknown
                );
            }
        }
    }

    #[test]
    fn each_status_has_its_own_word() {
        for d in Delimitation::ALL {
            let w = StatusWord::of_delimitation(d);
            assert!(w.matches(d, Demarcation::Unknown));
            for other in Delimitation::ALL.into_iter().filter(|&o| o != d) {
                assert!(!w.matches(other, Demarcation::Unknown), "{w} {other}");
            }
        }
        for d in Demarcation::ALL {
            let w = StatusWord::of_demarcation(d);
            for other in Demarcation::ALL.into_iter().filter(|&o| o != d) {
                assert!(!w.matches(Delimitation::Unknown, other), "{w} {other}");
            }
        }
    }
}
