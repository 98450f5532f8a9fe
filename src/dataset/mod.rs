//! Datasets: the six files of a dataset directory, loaded and validated together.
//!
//! A dataset directory holds `segments.geojson`, `places.geojson`, `instruments.csv`,
//! `status.csv`, `incidents.csv` and `sources.csv` (the layout is documented in
//! `geodata/README.md`). [`Dataset::load`] reads them all and reports **every** problem it
//! finds, each as `file:line: message` (GeoJSON: `file: feature N (id "X"): message`).
//! [`Dataset::embedded`] gives the Central Asia dataset compiled into the crate.

mod builder;
mod features;
mod records;
mod table;
mod validate;

pub use builder::DatasetBuilder;

use std::collections::HashMap;
use std::path::Path;

use crate::{
    Dyad, Error, Incident, Instrument, Location, Place, Problem, Result, Segment, Source,
    StatusChange,
};

/// The file names of a dataset directory, in the order they are read.
pub const FILES: [&str; 6] = [
    "sources.csv",
    "instruments.csv",
    "segments.geojson",
    "status.csv",
    "places.geojson",
    "incidents.csv",
];

/// The raw contents of a dataset's files, as read from a directory or embedded.
struct Raw<'a> {
    /// Name shown in messages for each file (e.g. `mydata/status.csv`).
    names: [String; 6],
    /// Contents of each file; `None` when it could not be read (a problem is recorded).
    bytes: [Option<std::borrow::Cow<'a, [u8]>>; 6],
}

/// A loaded and validated dataset.
///
/// # Examples
/// ```
/// use bordertrack::Dataset;
/// let data = Dataset::embedded().unwrap();
/// let seg = data.segments().iter().find(|s| s.dyad.to_string() == "KAZ-UZB").unwrap();
/// assert!(seg.length_m() > 0.0);
/// ```
#[derive(Debug, Clone)]
pub struct Dataset {
    sources: Vec<Source>,
    instruments: Vec<Instrument>,
    segments: Vec<Segment>,
    changes: Vec<StatusChange>,
    places: Vec<Place>,
    incidents: Vec<Incident>,
    segment_by_id: HashMap<String, usize>,
    instrument_by_id: HashMap<String, usize>,
    source_by_id: HashMap<String, usize>,
    changes_by_segment: Vec<Vec<usize>>,
}

impl Dataset {
    /// Loads and validates the dataset in directory `dir`.
    ///
    /// # Errors
    /// [`Error::Invalid`] with every problem found (missing or unreadable files included).
    pub fn load(dir: impl AsRef<Path>) -> Result<Dataset> {
        let dir = dir.as_ref();
        let mut problems = Vec::new();
        let names = FILES.map(|f| dir.join(f).display().to_string());
        let bytes = FILES.map(|f| {
            let path = dir.join(f);
            match std::fs::read(&path) {
                Ok(b) => Some(std::borrow::Cow::Owned(b)),
                Err(e) => {
                    let msg = if e.kind() == std::io::ErrorKind::NotFound {
                        "file missing from the dataset directory".to_string()
                    } else {
                        format!("cannot read: {e}")
                    };
                    problems.push(Problem::new(
                        path.display().to_string(),
                        Location::File,
                        msg,
                    ));
                    None
                }
            }
        });
        let not_a_directory = match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => None,
            Ok(_) => Some("not a directory".to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Some("no such directory".to_string())
            }
            Err(e) => Some(format!("cannot read: {e}")),
        };
        if let Some(msg) = not_a_directory {
            return Err(Error::Invalid(vec![Problem::new(
                dir.display().to_string(),
                Location::File,
                msg,
            )]));
        }
        Dataset::from_raw(Raw { names, bytes }, problems)
    }

    /// The Central Asia dataset compiled into the crate (the files of `geodata/`).
    ///
    /// # Errors
    /// Only if the embedded files were edited into an invalid state; the test suite checks
    /// that they load.
    pub fn embedded() -> Result<Dataset> {
        let text: [&'static str; 6] = [
            include_str!("../../geodata/sources.csv"),
            include_str!("../../geodata/instruments.csv"),
            include_str!("../../geodata/segments.geojson"),
            include_str!("../../geodata/status.csv"),
            include_str!("../../geodata/places.geojson"),
            include_str!("../../geodata/incidents.csv"),
        ];
        let raw = Raw {
            names: FILES.map(|f| format!("geodata/{f}")),
            bytes: text.map(|t| Some(std::borrow::Cow::Borrowed(t.as_bytes()))),
        };
        Dataset::from_raw(raw, Vec::new())
    }

    /// Loads and validates a dataset from file contents held in memory, keyed by the file
    /// names of [`FILES`]; a missing name is reported like a missing file. `prefix` is put
    /// before each name in messages (e.g. `"mydata/"`).
    ///
    /// # Examples
    /// ```
    /// use bordertrack::Dataset;
    /// let err = Dataset::from_memory("", &[("sources.csv", b"id,title\n".as_slice())]).unwrap_err();
    /// assert!(err.problems().iter().any(|p| p.to_string() == "status.csv: file missing from the dataset directory"));
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] with every problem found.
    pub fn from_memory(prefix: &str, files: &[(&str, &[u8])]) -> Result<Dataset> {
        let mut problems = Vec::new();
        let names = FILES.map(|f| format!("{prefix}{f}"));
        let bytes = FILES.map(|f| {
            let found = files.iter().find(|(n, _)| *n == f).map(|(_, b)| *b);
            if found.is_none() {
                problems.push(Problem::new(
                    format!("{prefix}{f}"),
                    Location::File,
                    "file missing from the dataset directory",
                ));
            }
            found.map(std::borrow::Cow::Borrowed)
        });
        Dataset::from_raw(Raw { names, bytes }, problems)
    }

    fn from_raw(raw: Raw<'_>, mut problems: Vec<Problem>) -> Result<Dataset> {
        let [n_sources, n_instruments, n_segments, n_status, n_places, n_incidents] = &raw.names;
        let [b_sources, b_instruments, b_segments, b_status, b_places, b_incidents] = &raw.bytes;
        let mut rejected = validate::Rejected::default();
        let table = |name: &str,
                     b: &Option<std::borrow::Cow<'_, [u8]>>,
                     cols: &[&str],
                     p: &mut Vec<Problem>| {
            b.as_ref()
                .and_then(|b| table::Table::parse(name, b, cols, p))
        };
        let sources = table(
            n_sources,
            b_sources,
            records::SOURCES_COLUMNS,
            &mut problems,
        )
        .map(|t| records::sources(&t, &mut problems, &mut rejected.sources));
        let instruments = table(
            n_instruments,
            b_instruments,
            records::INSTRUMENTS_COLUMNS,
            &mut problems,
        )
        .map(|t| records::instruments(&t, &mut problems, &mut rejected.instruments));
        let segments = b_segments
            .as_ref()
            .and_then(|b| features::segments(n_segments, b, &mut problems, &mut rejected));
        let changes = table(n_status, b_status, records::STATUS_COLUMNS, &mut problems)
            .map(|t| records::changes(&t, &mut problems, &mut rejected.histories))
            .unwrap_or_default();
        let places = b_places
            .as_ref()
            .map(|b| features::places(n_places, b, &mut problems))
            .unwrap_or_default();
        let incidents = table(
            n_incidents,
            b_incidents,
            records::INCIDENTS_COLUMNS,
            &mut problems,
        )
        .map(|t| records::incidents(&t, &mut problems))
        .unwrap_or_default();

        let loaded = validate::Loaded {
            names: &raw.names,
            sources,
            instruments,
            segments,
            changes,
            places,
            incidents,
            rejected,
        };
        let data = validate::check(loaded, &mut problems);
        if problems.is_empty() {
            Ok(data)
        } else {
            Err(Error::Invalid(problems))
        }
    }

    /// Segments, sorted by dyad and then by order along the dyad.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Instruments, in file order.
    pub fn instruments(&self) -> &[Instrument] {
        &self.instruments
    }

    /// Sources, in file order.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Status changes, in file order.
    pub fn changes(&self) -> &[StatusChange] {
        &self.changes
    }

    /// Places, in file order.
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// The dataset's own incidents, in file order.
    pub fn incidents(&self) -> &[Incident] {
        &self.incidents
    }

    /// The segment with this id.
    pub fn segment(&self, id: &str) -> Option<&Segment> {
        self.segment_by_id.get(id).map(|&i| &self.segments[i])
    }

    /// The position of the segment with this id in [`Dataset::segments`].
    pub fn segment_index(&self, id: &str) -> Option<usize> {
        self.segment_by_id.get(id).copied()
    }

    /// The instrument with this id.
    pub fn instrument(&self, id: &str) -> Option<&Instrument> {
        self.instrument_by_id.get(id).map(|&i| &self.instruments[i])
    }

    /// The source with this id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.source_by_id.get(id).map(|&i| &self.sources[i])
    }

    /// The changes of the segment at `segment_index`, in file order (which validation
    /// guarantees is chronological).
    pub fn changes_of(&self, segment_index: usize) -> impl Iterator<Item = &StatusChange> {
        self.changes_by_segment
            .get(segment_index)
            .into_iter()
            .flatten()
            .map(|&i| &self.changes[i])
    }

    /// The positions in [`Dataset::changes`] of the changes of the segment at
    /// `segment_index`, in file order.
    pub(crate) fn change_positions_of(&self, segment_index: usize) -> &[usize] {
        self.changes_by_segment
            .get(segment_index)
            .map_or(&[], Vec::as_slice)
    }

    /// The dyads present, sorted.
    pub fn dyads(&self) -> Vec<Dyad> {
        let mut d: Vec<Dyad> = self.segments.iter().map(|s| s.dyad).collect();
        d.dedup();
        d
    }
}
