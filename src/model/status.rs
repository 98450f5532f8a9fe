//! Delimitation and demarcation statuses, and the `--on` filter words built on them.

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

/// One word of the `--on` filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatusWord {
    /// Delimitation is `disputed`.
    Disputed,
    /// Delimitation is `undelimited` or `disputed`.
    Undelimited,
    /// Delimitation is `delimited`.
    Delimited,
    /// Demarcation is anything but `demarcated`.
    Undemarcated,
    /// Demarcation is `in_progress`.
    Demarcating,
    /// Demarcation is `demarcated`.
    Demarcated,
}

impl StatusWord {
    /// Whether a status pair matches this word.
    pub fn matches(self, del: Delimitation, dem: Demarcation) -> bool {
        match self {
            StatusWord::Disputed => del == Delimitation::Disputed,
            StatusWord::Undelimited => {
                matches!(del, Delimitation::Undelimited | Delimitation::Disputed)
            }
            StatusWord::Delimited => del == Delimitation::Delimited,
            StatusWord::Undemarcated => dem != Demarcation::Demarcated,
            StatusWord::Demarcating => dem == Demarcation::InProgress,
            StatusWord::Demarcated => dem == Demarcation::Demarcated,
        }
    }
}

impl FromStr for StatusWord {
    type Err = StatusParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim() {
            "disputed" => StatusWord::Disputed,
            "undelimited" => StatusWord::Undelimited,
            "delimited" => StatusWord::Delimited,
            "undemarcated" => StatusWord::Undemarcated,
            "demarcating" => StatusWord::Demarcating,
            "demarcated" => StatusWord::Demarcated,
            w => {
                return Err(StatusParseError {
                    what: "filter",
                    word: w.chars().take(40).collect(),
                    expected:
                        "disputed, undelimited, delimited, undemarcated, demarcating, demarcated",
                })
            }
        })
    }
}

/// A set of [`StatusWord`]s joined by "or", as given to `--on disputed,undemarcated`.
///
/// # Examples
/// ```
/// use bordertrack::{Delimitation, Demarcation, StatusFilter};
/// let f: StatusFilter = "disputed,demarcating".parse().unwrap();
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
    fn undelimited_includes_disputed() {
        let f: StatusFilter = "undelimited".parse().unwrap();
        assert!(f.matches(Delimitation::Disputed, Demarcation::None));
        assert!(f.matches(Delimitation::Undelimited, Demarcation::None));
        assert!(!f.matches(Delimitation::Delimited, Demarcation::None));
        assert!(!f.matches(Delimitation::Unknown, Demarcation::None));
    }

    #[test]
    fn undemarcated_is_anything_but_demarcated() {
        let f: StatusFilter = "undemarcated".parse().unwrap();
        assert!(f.matches(Delimitation::Delimited, Demarcation::InProgress));
        assert!(f.matches(Delimitation::Delimited, Demarcation::Unknown));
        assert!(!f.matches(Delimitation::Delimited, Demarcation::Demarcated));
        assert!("fenced".parse::<StatusFilter>().is_err());
    }
}
