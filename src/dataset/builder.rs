//! [`DatasetBuilder`]: a dataset made from values (for importers and embedders), validated as
//! a dataset read from files is.

use geo::{Coord, LineString};

use super::files::ShownNames;
use super::validate::{self, LoadedFiles, Rejected};
use super::Dataset;
use crate::{
    Error, Incident, Instrument, Location, Place, Problem, RegimeChange, Result, Segment, Source,
    StatusChange,
};

/// The name that messages give to the values of a builder that a dataset reads from the file
/// `file` of [`super::FILES`].
fn values_name(file: &str) -> &str {
    match file {
        "sources.csv" => "sources",
        "instruments.csv" => "instruments",
        "segments.geojson" => "segments",
        "status.csv" => "status changes",
        "places.geojson" => "places",
        "incidents.csv" => "incidents",
        "regimes.csv" => "regime changes",
        other => other,
    }
}

/// Builds a [`Dataset`] from values rather than files.
///
/// [`DatasetBuilder::build`] runs the checks that loading a dataset runs (unique ids,
/// references between records, segments that chain along their dyad, coherent status
/// histories, and each segment's line: at least two distinct positions, valid longitudes and
/// latitudes, no stretch that doubles back on itself) and reports every problem found. A
/// problem names the kind of value and its position among those given, counted from 1 (for
/// example `status changes:3: unknown segment_id "X"`); segments are named as features, by
/// position and id.
///
/// # Examples
/// ```
/// use bordertrack::{DatasetBuilder, Source};
/// let data = DatasetBuilder::new()
///     .source(Source {
///         id: "S1".into(),
///         title: "A survey".into(),
///         publisher: "A publisher".into(),
///         date: None,
///         url: "https://example.org/survey".into(),
///     })
///     .build()?;
/// assert_eq!(data.sources().len(), 1);
/// assert!(data.segments().is_empty());
/// # Ok::<(), bordertrack::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct DatasetBuilder {
    sources: Vec<Source>,
    instruments: Vec<Instrument>,
    segments: Vec<Segment>,
    changes: Vec<StatusChange>,
    places: Vec<Place>,
    incidents: Vec<Incident>,
    regimes: Vec<RegimeChange>,
}

impl DatasetBuilder {
    /// An empty builder.
    pub fn new() -> DatasetBuilder {
        DatasetBuilder::default()
    }

    /// Adds a source.
    pub fn source(mut self, source: Source) -> Self {
        self.sources.push(source);
        self
    }

    /// Adds an instrument.
    pub fn instrument(mut self, instrument: Instrument) -> Self {
        self.instruments.push(instrument);
        self
    }

    /// Adds a segment.
    pub fn segment(mut self, segment: Segment) -> Self {
        self.segments.push(segment);
        self
    }

    /// Adds a status change; a segment's changes must be given in chronological order (as
    /// the rows of `status.csv`). Its `line` is replaced by its position among the changes.
    pub fn change(mut self, change: StatusChange) -> Self {
        self.changes.push(change);
        self
    }

    /// Adds a place.
    pub fn place(mut self, place: Place) -> Self {
        self.places.push(place);
        self
    }

    /// Adds an incident.
    pub fn incident(mut self, incident: Incident) -> Self {
        self.incidents.push(incident);
        self
    }

    /// Adds a regime change (a row of `regimes.csv`); a regime's changes must be given in date
    /// order. Its `line` is replaced by its position among the regime changes.
    pub fn regime_change(mut self, change: RegimeChange) -> Self {
        self.regimes.push(change);
        self
    }

    /// Validates the values and makes the dataset.
    ///
    /// # Errors
    /// [`Error::Invalid`] with every problem found.
    pub fn build(self) -> Result<Dataset> {
        let names = ShownNames::from_fn(|spec| values_name(spec.name).to_string());
        let mut problems = Vec::new();
        let mut rejected = Rejected::default();
        let mut segments = Vec::with_capacity(self.segments.len());
        for (index, s) in self.segments.into_iter().enumerate() {
            match line_fault(&s.line) {
                None => segments.push((index, s)),
                Some(fault) => {
                    problems.push(Problem::new(
                        values_name("segments.geojson"),
                        Location::Feature {
                            index,
                            id: Some(s.id.clone()),
                        },
                        fault,
                    ));
                    rejected.segment_features += 1;
                    rejected.segment_dyads.insert(s.dyad);
                    rejected.segments.insert(s.id);
                }
            }
        }
        let numbered = |n: usize| n as u64 + 1;
        let loaded = LoadedFiles {
            names: &names,
            sources: Some(
                self.sources
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| (numbered(i), s))
                    .collect(),
            ),
            instruments: Some(
                self.instruments
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| (numbered(i), s))
                    .collect(),
            ),
            segments: Some(segments),
            changes: self
                .changes
                .into_iter()
                .enumerate()
                .map(|(i, c)| StatusChange {
                    line: numbered(i),
                    ..c
                })
                .collect(),
            places: Some(self.places.into_iter().enumerate().collect()),
            incidents: self
                .incidents
                .into_iter()
                .enumerate()
                .map(|(i, s)| (numbered(i), s))
                .collect(),
            // Incidents built from values name no place.
            incident_places: Vec::new(),
            regimes: self
                .regimes
                .into_iter()
                .enumerate()
                .map(|(i, c)| RegimeChange {
                    line: numbered(i),
                    ..c
                })
                .collect(),
            rejected,
        };
        let data = validate::check(loaded, &mut problems);
        if problems.is_empty() {
            Ok(data)
        } else {
            Err(Error::Invalid(problems))
        }
    }
}

/// What is wrong with a segment's line, as reading `segments.geojson` judges it.
fn line_fault(line: &LineString<f64>) -> Option<String> {
    let valid = |c: &Coord<f64>| {
        c.x.is_finite()
            && c.y.is_finite()
            && (-180.0..=180.0).contains(&c.x)
            && (-90.0..=90.0).contains(&c.y)
    };
    if let Some(i) = line.0.iter().position(|c| !valid(c)) {
        return Some(format!(
            "position {i} is not a longitude in -180..=180 and a latitude in -90..=90"
        ));
    }
    let mut pts: Vec<Coord<f64>> = line.0.clone();
    pts.dedup();
    if pts.len() < 2 {
        return Some("the line needs at least 2 distinct positions".to_string());
    }
    (1..pts.len() - 1)
        .find(|&i| super::features::doubles_back(pts[i - 1], pts[i], pts[i + 1]))
        .map(|i| format!("the line doubles back on itself at position {i} (self-overlapping)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value of the embedded dataset, given to a builder, makes the same dataset.
    #[test]
    fn the_embedded_values_build_the_embedded_dataset() -> Result<()> {
        let data = Dataset::embedded()?;
        let mut b = DatasetBuilder::new();
        for s in data.sources() {
            b = b.source(s.clone());
        }
        for i in data.instruments() {
            b = b.instrument(i.clone());
        }
        for s in data.segments() {
            b = b.segment(s.clone());
        }
        for c in data.changes() {
            b = b.change(c.clone());
        }
        for p in data.places() {
            b = b.place(p.clone());
        }
        for i in data.incidents() {
            b = b.incident(i.clone());
        }
        let built = b.build()?;
        assert_eq!(built.segments(), data.segments());
        assert_eq!(built.instruments(), data.instruments());
        assert_eq!(built.places(), data.places());
        assert_eq!(built.incidents(), data.incidents());
        assert_eq!(built.changes().len(), data.changes().len());
        for i in 0..data.segments().len() {
            let a: Vec<_> = built
                .changes_of(i)
                .map(|c| (&c.segment_id, c.date))
                .collect();
            let b: Vec<_> = data
                .changes_of(i)
                .map(|c| (&c.segment_id, c.date))
                .collect();
            assert_eq!(a, b);
        }
        Ok(())
    }

    #[test]
    fn bad_values_are_all_reported_by_kind_and_position() -> Result<()> {
        let data = Dataset::embedded()?;
        let mut seg = data.segments()[0].clone();
        seg.line = LineString::from(vec![(69.0, 41.0), (69.0, 41.0)]);
        let mut change = data.changes()[0].clone();
        change.segment_id = "NO-SUCH".into();
        let err = DatasetBuilder::new()
            .segment(seg)
            .change(change)
            .build()
            .err()
            .ok_or_else(|| Error::Request("a bad dataset built".into()))?;
        let text: Vec<String> = err.problems().iter().map(|p| p.to_string()).collect();
        assert!(
            text.iter().any(|t| t.starts_with("segments: feature 0")
                && t.contains("at least 2 distinct positions")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.starts_with("status changes:1:") && t.contains("unknown source_id")),
            "{text:?}"
        );
        Ok(())
    }
}
