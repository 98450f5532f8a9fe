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
}

impl Problem {
    /// A problem at `location` of `file`.
    pub fn new(file: impl Into<String>, location: Location, message: impl Into<String>) -> Self {
        Problem {
            file: file.into(),
            location,
            message: message.into(),
        }
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
        }
    }
}

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
