//! Datasets: the files of a dataset directory, loaded and validated together.
//!
//! A dataset directory holds the files listed in [`FILES`]: `segments.geojson`,
//! `instruments.csv`, `status.csv` and `sources.csv` always, `places.geojson` and
//! `incidents.csv` when it has places or incidents, `claims.geojson` when it records the
//! parties' own views ([`Claim`]) (the layout is documented in
//! `geodata/README.md`). [`Dataset::load`] reads them all and reports **every** problem it
//! finds, each as `file:line: message` (GeoJSON: `file: feature N (id "X"): message`).
//! [`Dataset::embedded`] gives the Central Asia dataset compiled into the crate.

mod builder;
mod claims;
mod feature_reader;
pub(crate) mod features;
mod files;
mod records;
mod regimes;
mod tallies;
mod validate;

pub use builder::DatasetBuilder;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

pub(crate) use files::EMPTY_FEATURE_COLLECTION;
pub use files::{FileSpec, FILES, MAX_FILE_BYTES};

use files::Contents;

pub use claims::Claim;

use crate::{
    CountryCode, DateSpan, Dyad, Error, Incident, Instrument, Location, Place, Problem,
    RegimeChange, Result, Segment, Source, StatusChange,
};

/// The files of `geodata/`, compiled into the crate.
const EMBEDDED: &[(&str, &str)] = &[
    ("sources.csv", include_str!("../../geodata/sources.csv")),
    (
        "instruments.csv",
        include_str!("../../geodata/instruments.csv"),
    ),
    (
        "segments.geojson",
        include_str!("../../geodata/segments.geojson"),
    ),
    ("status.csv", include_str!("../../geodata/status.csv")),
    (
        "places.geojson",
        include_str!("../../geodata/places.geojson"),
    ),
    ("incidents.csv", include_str!("../../geodata/incidents.csv")),
    ("regimes.csv", include_str!("../../geodata/regimes.csv")),
    ("tallies.csv", include_str!("../../geodata/tallies.csv")),
];

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
    claims: Vec<claims::Claim>,
    tallies: Vec<crate::Tally>,
    regime_changes: Vec<RegimeChange>,
}

impl Dataset {
    /// Loads and validates the dataset in directory `dir`.
    ///
    /// Each file must be a regular file (a symbolic link to one is followed) of at most
    /// [`MAX_FILE_BYTES`]; a named pipe, a device or a larger file is reported, not read.
    ///
    /// # Errors
    /// [`Error::Invalid`] with every problem found (missing or unreadable files included).
    pub fn load(dir: impl AsRef<Path>) -> Result<Dataset> {
        let dir = dir.as_ref();
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
        let mut problems = Vec::new();
        let contents = Contents::gather(
            |spec| {
                let path = dir.join(spec.name);
                let got = files::read_file(&path).map(|b| b.map(Cow::Owned));
                (path.display().to_string(), got)
            },
            &mut problems,
        );
        Dataset::from_contents(&contents, problems)
    }

    /// The Central Asia dataset compiled into the crate (the files of `geodata/`).
    ///
    /// # Errors
    /// Only if the embedded files were edited into an invalid state; the test suite checks
    /// that they load.
    pub fn embedded() -> Result<Dataset> {
        let mut problems = Vec::new();
        let contents = Contents::gather(
            |spec| {
                let text = EMBEDDED.iter().find(|(n, _)| *n == spec.name);
                let got = text.map(|(_, t)| Cow::Borrowed(t.as_bytes()));
                (format!("geodata/{}", spec.name), Ok(got))
            },
            &mut problems,
        );
        Dataset::from_contents(&contents, problems)
    }

    /// Loads and validates a dataset from file contents held in memory, keyed by the file
    /// names of [`FILES`]; a missing required name is reported like a missing file. `prefix`
    /// is put before each name in messages (e.g. `"mydata/"`).
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
        let contents = Contents::gather(
            |spec| {
                let found = files.iter().find(|(n, _)| *n == spec.name);
                let got = found.map(|(_, b)| Cow::Borrowed(*b));
                (format!("{prefix}{}", spec.name), Ok(got))
            },
            &mut problems,
        );
        Dataset::from_contents(&contents, problems)
    }

    fn from_contents(files: &Contents<'_>, mut problems: Vec<Problem>) -> Result<Dataset> {
        let mut rejected = validate::Rejected::default();
        // A CSV file of the dataset, with the columns its spec requires.
        let table = |name: &str, problems: &mut Vec<Problem>| {
            let columns = FileSpec::named(name).map_or(&[][..], FileSpec::required_columns);
            files.bytes(name).and_then(|b| {
                crate::io::csv_table::Table::parse(files.shown(name), b, columns, problems)
            })
        };
        let sources = table("sources.csv", &mut problems)
            .map(|t| records::sources(&t, &mut problems, &mut rejected.sources));
        let instruments = table("instruments.csv", &mut problems)
            .map(|t| records::instruments(&t, &mut problems, &mut rejected.instruments));
        let segments = files.bytes("segments.geojson").and_then(|b| {
            features::segments(
                files.shown("segments.geojson"),
                b,
                &mut problems,
                &mut rejected,
            )
        });
        let changes = table("status.csv", &mut problems)
            .map(|t| records::changes(&t, &mut problems, &mut rejected.histories))
            .unwrap_or_default();
        let places = files.bytes("places.geojson").and_then(|b| {
            features::places(
                files.shown("places.geojson"),
                b,
                &mut problems,
                &mut rejected,
            )
        });
        let incidents = table("incidents.csv", &mut problems).map(|t| {
            // The places the incidents name, checked against `places.geojson`.
            let places = t
                .rows()
                .filter(|row| !row.get("place").is_empty())
                .map(|row| (row.line, row.get("place").to_string()))
                .collect();
            (records::incidents(&t, &mut problems), places)
        });
        let (incidents, incident_places) = incidents.unwrap_or_default();
        let regimes = table("regimes.csv", &mut problems)
            .map(|t| regimes::read(&t, &mut problems, &mut rejected.regimes))
            .unwrap_or_default();

        // Sources whose rows were rejected: a tally citing one is not reported again.
        let rejected_sources = rejected.sources.clone();
        let loaded = validate::LoadedFiles {
            names: files.names(),
            sources,
            instruments,
            segments,
            changes,
            places,
            incidents,
            incident_places,
            regimes,
            rejected,
        };
        let mut data = validate::check(loaded, &mut problems);
        if let Some(b) = files.bytes("claims.geojson") {
            data.claims = claims::read(
                files.shown("claims.geojson"),
                b,
                |s| data.segment_by_id.contains_key(s),
                |s| data.source_by_id.contains_key(s),
                &mut problems,
            );
        }
        if let Some(t) = table("tallies.csv", &mut problems) {
            // A dyad is checked only when every segment was read (a rejected segment's dyad
            // would be reported as unknown).
            let segments_read = !problems
                .iter()
                .any(|p| p.file == files.shown("segments.geojson"));
            let dyads = data.dyads();
            data.tallies = tallies::read(
                &t,
                |s| data.source_by_id.contains_key(s) || rejected_sources.contains(s),
                |d| !segments_read || dyads.contains(&d),
                &mut problems,
            );
        }
        if problems.is_empty() {
            Ok(data)
        } else {
            Err(Error::Invalid(problems))
        }
    }

    /// The aggregate counts of `tallies.csv` (counts that sources give without points), in
    /// file order.
    pub fn tallies(&self) -> &[crate::Tally] {
        &self.tallies
    }

    /// The parties' views of stretches of border (`claims.geojson`), in file order.
    pub fn claims(&self) -> &[Claim] {
        &self.claims
    }

    /// The view `party` held of segment `segment_id` during `span`: among its claims about
    /// the segment that held on some day of the span, the one that began last; `None` when
    /// the party's view is not recorded (the dataset's own status then stands).
    pub fn claim_of(&self, party: CountryCode, segment_id: &str, span: DateSpan) -> Option<&Claim> {
        self.claims
            .iter()
            .filter(|c| c.party == party && c.segment_id.as_deref() == Some(segment_id))
            .filter(|c| c.holds_during(span))
            .max_by_key(|c| c.valid_from.map(|d| d.first()))
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

    /// The rows of `regimes.csv` (fences, minefields, crossings and their dated changes), in
    /// file order; the rows of one regime are in date order.
    pub fn regime_changes(&self) -> &[RegimeChange] {
        &self.regime_changes
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

    /// The position of the instrument with this id in [`Dataset::instruments`].
    pub fn instrument_index(&self, id: &str) -> Option<usize> {
        self.instrument_by_id.get(id).copied()
    }

    /// The position of the source with this id in [`Dataset::sources`].
    pub fn source_index(&self, id: &str) -> Option<usize> {
        self.source_by_id.get(id).copied()
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
