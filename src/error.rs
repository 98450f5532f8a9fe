//! The crate's error type and the [`Problem`] records that validation reports.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Where in a file a problem was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// The file as a whole.
    File,
    /// A line of a CSV file (the header is line 1).
    Line(u64),
    /// A feature of a GeoJSON file, by index from 0 and its id where it has one.
    Feature {
        /// Index in the `features` array, from 0.
        index: usize,
        /// The feature's id, where it has one.
        id: Option<String>,
    },
    /// A row of a table that has no lines (Parquet), numbered from 1.
    Row(u64),
}

/// What sort of problem a [`Problem`] is: a stable key to group and count problems by, for
/// example to show only the first few of each sort when there are many.
///
/// # Examples
/// ```
/// use bordertrack::{Location, Problem, ProblemKind};
/// let p = Problem::new("in.csv", Location::Line(7), "date 19/04/2006 not understood");
/// assert_eq!(p.kind, ProblemKind::Invalid);
/// assert_eq!(p.kind.as_str(), "invalid");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ProblemKind {
    /// A record (row, feature) or value that is not valid: missing, empty, out of range or
    /// not understood. The kind of [`Problem::new`].
    Invalid,
    /// An id that repeats an earlier one.
    DuplicateId,
    /// A row longer than the reader accepts: reported and skipped.
    TooLong,
    /// The input cannot be read from here on (a read error, broken syntax): what follows is
    /// lost.
    Unreadable,
    /// An incident that could not be placed against the border lines.
    Unplaced,
}

impl ProblemKind {
    /// Every kind, in a fixed order.
    pub const ALL: [ProblemKind; 5] = [
        ProblemKind::Invalid,
        ProblemKind::DuplicateId,
        ProblemKind::TooLong,
        ProblemKind::Unreadable,
        ProblemKind::Unplaced,
    ];

    /// The kind's place in [`ProblemKind::ALL`].
    pub(crate) fn index(self) -> usize {
        match self {
            ProblemKind::Invalid => 0,
            ProblemKind::DuplicateId => 1,
            ProblemKind::TooLong => 2,
            ProblemKind::Unreadable => 3,
            ProblemKind::Unplaced => 4,
        }
    }

    /// The kind's stable key: `invalid`, `duplicate-id`, `too-long`, `unreadable`, `unplaced`.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::Invalid => "invalid",
            ProblemKind::DuplicateId => "duplicate-id",
            ProblemKind::TooLong => "too-long",
            ProblemKind::Unreadable => "unreadable",
            ProblemKind::Unplaced => "unplaced",
        }
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in a dataset or input file, reported as `file:line: message`.
///
/// # Examples
/// ```
/// use bordertrack::{Location, Problem};
/// let p = Problem::new("status.csv", Location::Line(4), "unknown segment \"X\"");
/// assert_eq!(p.to_string(), "status.csv:4: unknown segment \"X\"");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file, as the user named it (or its name within the dataset directory).
    pub file: String,
    /// Where in the file.
    pub location: Location,
    /// What is wrong.
    pub message: String,
    /// What sort of problem it is.
    pub kind: ProblemKind,
}

impl Problem {
    /// A problem at `location` of `file`.
    pub fn new(file: impl Into<String>, location: Location, message: impl Into<String>) -> Self {
        Problem {
            file: file.into(),
            location,
            message: message.into(),
            kind: ProblemKind::Invalid,
        }
    }

    /// The same problem, of `kind`.
    pub fn with_kind(self, kind: ProblemKind) -> Self {
        Problem { kind, ..self }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Location::File => write!(f, "{}: {}", self.file, self.message),
            Location::Line(n) => write!(f, "{}:{}: {}", self.file, n, self.message),
            Location::Feature {
                index,
                id: Some(id),
            } => {
                write!(
                    f,
                    "{}: feature {} (id {:?}): {}",
                    self.file, index, id, self.message
                )
            }
            Location::Feature { index, id: None } => {
                write!(f, "{}: feature {}: {}", self.file, index, self.message)
            }
            Location::Row(n) => write!(f, "{}: row {}: {}", self.file, n, self.message),
        }
    }
}

impl std::error::Error for Problem {}

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// Writing output failed (including a closed pipe).
    #[error("write error")]
    Write(#[source] io::Error),
    /// The dataset or input has problems; every one found is listed.
    #[error("{} problem{} found", .0.len(), if .0.len() == 1 { "" } else { "s" })]
    Invalid(Vec<Problem>),
    /// A request that cannot be answered (unknown segment or dyad, bad range).
    #[error("{0}")]
    Request(String),
}

impl Error {
    /// The problems, when this is [`Error::Invalid`].
    pub fn problems(&self) -> &[Problem] {
        match self {
            Error::Invalid(p) => p,
            _ => &[],
        }
    }
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;
