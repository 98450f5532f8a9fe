//! The files of a dataset directory: which there are, which may be absent, and how one is read
//! (a regular file within a size limit, so that a pipe or a device cannot hang or flood a load).

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

use crate::{Location, Problem};

/// One file of a dataset directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileSpec {
    /// Its name in the directory, e.g. `status.csv`.
    pub name: &'static str,
    /// Whether a dataset must have it; an optional file that is absent counts as empty.
    pub required: bool,
    /// What it holds, in a few words.
    pub holds: &'static str,
    /// A CSV file's columns, in the documented order: the header a new file is written with.
    /// Empty for a GeoJSON file.
    pub columns: &'static [&'static str],
    /// How many of [`FileSpec::columns`], from the first, a CSV file must have; the others
    /// may be left out.
    pub required_columns: usize,
}

impl FileSpec {
    /// The spec of the dataset file `name` (e.g. `status.csv`); `None` for a name not in
    /// [`FILES`].
    ///
    /// # Examples
    /// ```
    /// use bordertrack::dataset::FileSpec;
    /// let status = FileSpec::named("status.csv").unwrap();
    /// assert_eq!(status.columns[0], "segment_id");
    /// assert!(FileSpec::named("notes.txt").is_none());
    /// ```
    pub fn named(name: &str) -> Option<&'static FileSpec> {
        FILES.iter().find(|f| f.name == name)
    }

    /// The columns a CSV file must have, in the documented order.
    pub fn required_columns(&self) -> &'static [&'static str] {
        self.columns
            .get(..self.required_columns)
            .unwrap_or(self.columns)
    }

    /// Whether the file is CSV (it has columns), not GeoJSON.
    pub fn is_csv(&self) -> bool {
        !self.columns.is_empty()
    }

    /// What a new, empty file holds: its header line for CSV, an empty FeatureCollection for
    /// GeoJSON.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::dataset::FileSpec;
    /// let sources = FileSpec::named("sources.csv").unwrap();
    /// assert_eq!(sources.empty_text(), "id,title,publisher,date,url\n");
    /// let places = FileSpec::named("places.geojson").unwrap();
    /// assert_eq!(places.empty_text(), "{\"type\":\"FeatureCollection\",\"features\":[]}\n");
    /// ```
    pub fn empty_text(&self) -> String {
        if self.is_csv() {
            format!("{}\n", self.columns.join(","))
        } else {
            EMPTY_FEATURE_COLLECTION.to_string()
        }
    }
}

/// An empty GeoJSON FeatureCollection, as a new GeoJSON file of a dataset holds it.
pub(crate) const EMPTY_FEATURE_COLLECTION: &str =
    "{\"type\":\"FeatureCollection\",\"features\":[]}\n";

/// A CSV file of `columns`, all required.
const fn csv(
    name: &'static str,
    holds: &'static str,
    columns: &'static [&'static str],
) -> FileSpec {
    FileSpec {
        name,
        required: true,
        holds,
        columns,
        required_columns: columns.len(),
    }
}

/// A GeoJSON file.
const fn geojson(name: &'static str, required: bool, holds: &'static str) -> FileSpec {
    FileSpec {
        name,
        required,
        holds,
        columns: &[],
        required_columns: 0,
    }
}

/// The files of a dataset directory, in the order they are read (`geodata/README.md`
/// documents each). A file added by a later version of the format is optional, so that
/// datasets written before it still load.
pub const FILES: &[FileSpec] = &[
    csv(
        "sources.csv",
        "the documents cited",
        &["id", "title", "publisher", "date", "url"],
    ),
    csv(
        "instruments.csv",
        "treaties, agreements, protocols, commission meetings, unilateral acts",
        &[
            "id",
            "dyad",
            "kind",
            "title",
            "signed",
            "in_force",
            "source_id",
            "note",
        ],
    ),
    geojson("segments.geojson", true, "border segments (LineStrings)"),
    csv(
        "status.csv",
        "dated status changes of each segment",
        &[
            "segment_id",
            "date",
            "delimitation",
            "demarcation",
            "instrument_id",
            "source_id",
            "note",
        ],
    ),
    geojson(
        "places.geojson",
        false,
        "named places and their sovereignty over time (Points)",
    ),
    FileSpec {
        required: false,
        // `place`, `dyad` and `note` may be left out.
        required_columns: 9,
        ..csv(
            "incidents.csv",
            "border incidents",
            &[
                "id",
                "date",
                "lat",
                "lon",
                "precision_m",
                "kind",
                "summary",
                "fatalities",
                "source_id",
                "place",
                "dyad",
                "note",
            ],
        )
    },
    geojson(
        "claims.geojson",
        false,
        "each party's view of a stretch over time: its status as that party held it, and its own line where it drew one",
    ),
    FileSpec {
        required: false,
        ..csv(
            "regimes.csv",
            "dated regimes of stretches and crossings (fenced, mined, open or closed)",
            &[
                "regime_id",
                "dyad",
                "from_km",
                "to_km",
                "place",
                "regime",
                "state",
                "date",
                "instrument_id",
                "source_id",
                "extent",
                "precision_km",
                "length_km",
                "note",
            ],
        )
    },
    FileSpec {
        required: false,
        ..csv(
            "tallies.csv",
            "aggregate counts that sources give without points (cases, deaths, clashes per dyad and period)",
            &[
                "dyad",
                "period_start",
                "period_end",
                "kind",
                "count",
                "qualifier",
                "source_id",
                "note",
            ],
        )
    },
];

/// The largest dataset file read, in bytes (1 GiB): far above any real dataset, and low enough
/// that a device or a runaway file is refused instead of filling memory.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// The name shown in messages for each of [`FILES`] (e.g. `mydata/status.csv`).
pub(crate) struct ShownNames {
    /// In the order of [`FILES`].
    names: Vec<String>,
}

impl ShownNames {
    /// The names `shown(spec)` gives each of [`FILES`].
    pub(crate) fn from_fn(shown: impl FnMut(&FileSpec) -> String) -> ShownNames {
        ShownNames {
            names: FILES.iter().map(shown).collect(),
        }
    }

    /// The name shown for the file `name` of [`FILES`] (`name` itself for another name).
    pub(crate) fn of<'s>(&'s self, name: &'s str) -> &'s str {
        position(name)
            .and_then(|i| self.names.get(i))
            .map_or(name, String::as_str)
    }
}

fn position(name: &str) -> Option<usize> {
    FILES.iter().position(|f| f.name == name)
}

/// The contents of a dataset's files, as read from a directory, memory or the crate itself.
pub(crate) struct Contents<'a> {
    names: ShownNames,
    /// For each of [`FILES`], in order: the bytes; `None` when absent or unreadable (a problem
    /// is recorded for a required or unreadable file).
    bytes: Vec<Option<Cow<'a, [u8]>>>,
}

impl<'a> Contents<'a> {
    /// Contents built from a source of bytes per file: `read(spec)` gives the shown name and
    /// either the bytes, `Ok(None)` for an absent file, or a problem message.
    pub(crate) fn gather(
        mut read: impl FnMut(&FileSpec) -> (String, Result<Option<Cow<'a, [u8]>>, String>),
        problems: &mut Vec<Problem>,
    ) -> Contents<'a> {
        let mut names = Vec::with_capacity(FILES.len());
        let mut bytes = Vec::with_capacity(FILES.len());
        for spec in FILES {
            let (shown, got) = read(spec);
            bytes.push(match got {
                Ok(Some(b)) => Some(b),
                Ok(None) => {
                    if spec.required {
                        problems.push(Problem::new(
                            &shown,
                            Location::File,
                            "file missing from the dataset directory",
                        ));
                    }
                    None
                }
                Err(message) => {
                    problems.push(Problem::new(&shown, Location::File, message));
                    None
                }
            });
            names.push(shown);
        }
        Contents {
            names: ShownNames { names },
            bytes,
        }
    }

    /// The names shown in messages.
    pub(crate) fn names(&self) -> &ShownNames {
        &self.names
    }

    /// The name shown in messages for the file `name` of [`FILES`].
    pub(crate) fn shown<'s>(&'s self, name: &'s str) -> &'s str {
        self.names.of(name)
    }

    /// The bytes of the file `name` of [`FILES`], when present and read.
    pub(crate) fn bytes(&self, name: &str) -> Option<&[u8]> {
        position(name)
            .and_then(|i| self.bytes.get(i))
            .and_then(Option::as_deref)
    }
}

/// Reads the dataset file at `path`: `Ok(None)` when it does not exist; an error message when
/// it is not a regular file (a pipe would block the read for ever, a device such as
/// `/dev/zero` never ends), is larger than [`MAX_FILE_BYTES`], or cannot be read.
pub(crate) fn read_file(path: &Path) -> Result<Option<Vec<u8>>, String> {
    let not_found = |e: &std::io::Error| e.kind() == std::io::ErrorKind::NotFound;
    // Checked before opening: opening a FIFO for reading blocks until a writer comes.
    match std::fs::metadata(path) {
        Ok(meta) => check_metadata(&meta)?,
        Err(e) if not_found(&e) => return Ok(None),
        Err(e) => return Err(format!("cannot read: {e}")),
    }
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if not_found(&e) => return Ok(None),
        Err(e) => return Err(format!("cannot read: {e}")),
    };
    // Checked again on the file opened, in case the path was replaced in between.
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    check_metadata(&meta)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(Some(bytes))
}

fn too_large() -> String {
    format!("larger than the {MAX_FILE_BYTES} bytes (1 GiB) a dataset file may have")
}

/// Refuses what is not a regular file, or a file above the size limit.
fn check_metadata(meta: &std::fs::Metadata) -> Result<(), String> {
    let kind = meta.file_type();
    if !kind.is_file() {
        return Err(format!(
            "not a regular file ({}); a dataset file must be a regular file",
            describe(kind)
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(())
}

/// What a file that is not a regular file is, in words.
fn describe(kind: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else {
        "not a plain file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_name_is_listed_once() {
        for (i, f) in FILES.iter().enumerate() {
            assert!(
                !FILES[..i].iter().any(|g| g.name == f.name),
                "{} twice",
                f.name
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_refused_without_reading_it() {
        let err = read_file(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(
            err,
            "not a regular file (a device); a dataset file must be a regular file"
        );
    }

    #[test]
    fn a_missing_file_is_none() {
        assert_eq!(read_file(Path::new("/no/such/dir/status.csv")), Ok(None));
    }
}
