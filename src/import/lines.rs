//! Boundary lines with a left and a right country each (Natural Earth's admin-0 boundary
//! lines, the US State Department's LSIB, or any GeoJSON lines with a column mapping) turned
//! into a whole dataset: one segment per line, a status change per segment citing the input,
//! and the parties' own views as claims.

use std::collections::BTreeMap;

use geo_types::Coord;
use serde_json::{Map, Value};

use super::dataset_dir::{ClaimRow, Imported, ImportedDataset, SourceRow, StatusRow};
use super::{iso3166, round6, without_spikes, ImportedSegment};
use crate::{Error, Location, Problem};

/// One boundary line read from an input, before it becomes segments.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BoundaryLine {
    /// Its position among the input's features, from 0 (for messages).
    pub index: usize,
    /// The country on the left of the coordinate direction (ISO 3166-1 alpha-3).
    pub left: String,
    /// The country on the right.
    pub right: String,
    /// The line's pieces (a LineString is one, a MultiLineString several), WGS84
    /// longitude/latitude.
    pub parts: Vec<Vec<Coord<f64>>>,
    /// Delimitation status the input gives (`delimited`, `undelimited`, `disputed`,
    /// `unknown`).
    pub delimitation: String,
    /// Demarcation status the input gives (`none`, `in_progress`, `demarcated`, `unknown`),
    /// or empty when it says nothing about demarcation.
    pub demarcation: String,
    /// A name for the line; empty = made from the two codes.
    pub name: String,
    /// Written as the status row's note: the input's own words for the status.
    pub note: String,
    /// The date from which the status holds; empty = [`LineImport::as_of`].
    pub date: String,
    /// Other parties' views of this line: (party alpha-3, delimitation, note).
    pub views: Vec<(String, String, String)>,
}

/// How [`dataset_of_lines`] writes the dataset.
#[derive(Clone, Debug)]
pub struct LineImport {
    /// The input, written as the dataset's only source and cited by every segment, status
    /// change and claim.
    pub source: SourceRow,
    /// The date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`) the input describes, usually its release:
    /// the statuses it gives hold from then on; earlier dates stay `unknown`.
    pub as_of: String,
    /// Positional precision of the input's lines (m), written on every segment.
    pub precision_m: f64,
}

impl LineImport {
    /// Lines from the input described by `source`, whose statuses hold from `as_of` (`YYYY`,
    /// `YYYY-MM` or `YYYY-MM-DD`), positioned to within `precision_m` metres.
    pub fn citing(source: SourceRow, as_of: &str, precision_m: f64) -> LineImport {
        LineImport {
            source,
            as_of: as_of.to_string(),
            precision_m,
        }
    }
}

/// Turns boundary lines into a dataset: each piece of each line is a segment of its own
/// (its own `part`), ids `DYAD-NN` in input order; the line runs with the dyad's first code
/// on its left (reversed where the input has it the other way). Each segment has one status
/// change dated [`BoundaryLine::date`] or [`LineImport::as_of`], and each view a claim over the segment's line from
/// that date on. Pieces with fewer than two distinct positions are left out and returned as
/// problems (`file` names the input in them).
pub fn dataset_of_lines(
    lines: &[BoundaryLine],
    options: &LineImport,
    file: &str,
) -> (ImportedDataset, Vec<Problem>) {
    let mut skipped = Vec::new();
    type PartsOfLines<'l> = Vec<(&'l BoundaryLine, Vec<Coord<f64>>)>;
    let mut by_dyad: BTreeMap<(String, String), PartsOfLines<'_>> = BTreeMap::new();
    for line in lines {
        let flip = line.left > line.right;
        let (a, b) = if flip {
            (&line.right, &line.left)
        } else {
            (&line.left, &line.right)
        };
        for (k, part) in line.parts.iter().enumerate() {
            let mut coords = without_spikes(part.iter().map(|&c| round6(c)));
            if coords.len() < 2 {
                skipped.push(Problem::new(
                    file,
                    Location::Feature {
                        index: line.index,
                        id: None,
                    },
                    format!(
                        "line {} of {a}-{b} has fewer than two distinct positions: left out",
                        k + 1
                    ),
                ));
                continue;
            }
            if flip {
                coords.reverse();
            }
            by_dyad
                .entry((a.clone(), b.clone()))
                .or_default()
                .push((line, coords));
        }
    }
    let mut data = ImportedDataset {
        sources: vec![options.source.clone()],
        ..ImportedDataset::default()
    };
    let source_id = options.source.id.clone();
    for ((a, b), pieces) in by_dyad {
        let dyad = format!("{a}-{b}");
        let count = pieces.len();
        for (k, (line, coordinates)) in pieces.into_iter().enumerate() {
            let order = k + 1;
            let id = format!("{dyad}-{order:02}");
            let name = match (line.name.is_empty(), count) {
                (false, _) => line.name.clone(),
                (true, 1) => format!("{a}–{b} boundary"),
                (true, _) => format!("{a}–{b} boundary, line {order}"),
            };
            data.segments.push(ImportedSegment {
                id: id.clone(),
                dyad: dyad.clone(),
                left: a.clone(),
                right: b.clone(),
                name,
                order,
                part: order,
                extent: "exact".into(),
                precision_m: options.precision_m,
                source_id: source_id.clone(),
                note: String::new(),
                coordinates,
            });
            data.status.push(StatusRow {
                segment_id: id.clone(),
                date: if line.date.is_empty() {
                    options.as_of.clone()
                } else {
                    line.date.clone()
                },
                delimitation: line.delimitation.clone(),
                demarcation: line.demarcation.clone(),
                source_id: source_id.clone(),
                note: line.note.clone(),
            });
            for (party, delimitation, note) in &line.views {
                data.claims.push(ClaimRow {
                    id: format!("{id}-{party}"),
                    party: party.clone(),
                    segment_id: id.clone(),
                    delimitation: delimitation.clone(),
                    valid_from: options.as_of.clone(),
                    valid_to: String::new(),
                    source_id: source_id.clone(),
                    note: note.clone(),
                    line: Vec::new(),
                });
            }
        }
    }
    (data, skipped)
}

/// A feature's properties and geometry.
pub(crate) type RawFeature = (Map<String, Value>, Value);

/// `, version V` to follow a source's title, or nothing when no version is given.
pub(crate) fn version_suffix(version: &str) -> String {
    if version.is_empty() {
        String::new()
    } else {
        format!(", version {version}")
    }
}

/// What an importer of boundary lines gives: the problems that refuse the file when there are
/// any; else the dataset of `boundary_lines` (read from `file`, written as `line_import`
/// says), with `left_out` and the lines that make no segment as the problems left out.
///
/// # Errors
/// [`Error::Invalid`] with `problems` when there are any.
pub(crate) fn imported(
    boundary_lines: &[BoundaryLine],
    line_import: &LineImport,
    file: &str,
    problems: Vec<Problem>,
    mut left_out: Vec<Problem>,
) -> Result<Imported, Error> {
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let (dataset, skipped) = dataset_of_lines(boundary_lines, line_import, file);
    left_out.extend(skipped);
    Ok(Imported { dataset, left_out })
}

/// Where the problems found in one feature of an input go: those that refuse the file, and
/// those that only leave something out. Both name the file and the feature.
pub(crate) struct FeatureProblems<'a> {
    file: &'a str,
    index: usize,
    refused: &'a mut Vec<Problem>,
    left_out: &'a mut Vec<Problem>,
}

impl FeatureProblems<'_> {
    /// A problem that refuses the file.
    pub(crate) fn refuse(&mut self, message: impl Into<String>) {
        let at = Location::Feature {
            index: self.index,
            id: None,
        };
        self.refused.push(Problem::new(self.file, at, message));
    }

    /// Something of the feature left out (or written otherwise than the input has it), which
    /// does not refuse the file.
    pub(crate) fn leave_out(&mut self, message: impl Into<String>) {
        let at = Location::Feature {
            index: self.index,
            id: None,
        };
        self.left_out.push(Problem::new(self.file, at, message));
    }
}

/// Imports the boundary lines of a GeoJSON FeatureCollection (`text`, named `file` in
/// problems): `line_of` turns each feature (its index, properties and geometry) into a line
/// or into none, reporting what it finds to the feature's [`FeatureProblems`] (any problem
/// that refuses the file stops the import); the lines become a dataset as `line_import`
/// says.
///
/// # Errors
/// [`Error::Invalid`] when the text is not a FeatureCollection, or with the problems found.
pub(crate) fn import_lines(
    text: &str,
    file: &str,
    line_import: &LineImport,
    mut line_of: impl FnMut(usize, &RawFeature, &mut FeatureProblems<'_>) -> Option<BoundaryLine>,
) -> Result<Imported, Error> {
    let features = features(text, file)?;
    let mut refused = Vec::new();
    let mut left_out = Vec::new();
    let mut boundary_lines = Vec::new();
    for (index, feature) in features.iter().enumerate() {
        let mut found = FeatureProblems {
            file,
            index,
            refused: &mut refused,
            left_out: &mut left_out,
        };
        boundary_lines.extend(line_of(index, feature, &mut found));
    }
    imported(&boundary_lines, line_import, file, refused, left_out)
}

/// The features of a GeoJSON FeatureCollection: (properties, geometry) of each.
///
/// # Errors
/// [`Error::Invalid`] when the text is not a FeatureCollection.
pub(crate) fn features(text: &str, file: &str) -> Result<Vec<RawFeature>, Error> {
    let whole = |m: String| Error::Invalid(vec![Problem::new(file, Location::File, m)]);
    let root: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| whole(format!("not JSON: {e}")))?;
    if root.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(whole("not a GeoJSON FeatureCollection".into()));
    }
    let Some(list) = root.get("features").and_then(Value::as_array) else {
        return Err(whole("FeatureCollection has no \"features\" array".into()));
    };
    Ok(list
        .iter()
        .map(|f| {
            let props = f
                .get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            (props, f.get("geometry").cloned().unwrap_or(Value::Null))
        })
        .collect())
}

/// A property by name, any letter case (`FEATURECLA` or `featurecla`); JSON `null` and
/// empty strings count as absent. Numbers are given as their text.
pub(crate) fn property(props: &Map<String, Value>, name: &str) -> Option<String> {
    let v = props.get(name).or_else(|| {
        props
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })?;
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The pieces of a LineString or MultiLineString geometry, or what is wrong with it.
pub(crate) fn line_parts(geometry: &Value) -> Result<Vec<Vec<Coord<f64>>>, String> {
    let kind = geometry.get("type").and_then(Value::as_str);
    let coords = geometry.get("coordinates");
    let position = |p: &Value| -> Result<Coord<f64>, String> {
        let xy = p.as_array().filter(|a| a.len() >= 2);
        let x = xy.and_then(|a| a[0].as_f64());
        let y = xy.and_then(|a| a[1].as_f64());
        match (x, y) {
            (Some(x), Some(y)) if (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y) => {
                Ok(Coord { x, y })
            }
            (Some(x), Some(y)) => Err(format!(
                "position [{x}, {y}] is not a WGS84 longitude/latitude"
            )),
            _ => Err(format!("position {p} is not [longitude, latitude]")),
        }
    };
    let line = |v: &Value| -> Result<Vec<Coord<f64>>, String> {
        v.as_array()
            .ok_or_else(|| "coordinates are not an array of positions".to_string())?
            .iter()
            .map(position)
            .collect()
    };
    match (kind, coords) {
        (Some("LineString"), Some(c)) => Ok(vec![line(c)?]),
        (Some("MultiLineString"), Some(c)) => c
            .as_array()
            .ok_or_else(|| "coordinates are not an array of lines".to_string())?
            .iter()
            .map(line)
            .collect(),
        (None, _) if geometry.is_null() => Err("no geometry".into()),
        (Some(k), _) => Err(format!(
            "geometry is a {k}; a boundary line is a LineString or MultiLineString"
        )),
        _ => Err("geometry has no type or no coordinates".into()),
    }
}

/// A country code as ISO 3166-1 alpha-3: an officially assigned alpha-3 code as it is, or
/// `None`.
pub(crate) fn alpha3(code: &str) -> Option<String> {
    let c = code.trim().to_ascii_uppercase();
    iso3166::is_alpha3(&c).then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(left: &str, right: &str, parts: Vec<Vec<(f64, f64)>>) -> BoundaryLine {
        BoundaryLine {
            left: left.into(),
            right: right.into(),
            parts: parts
                .into_iter()
                .map(|p| p.into_iter().map(|(x, y)| Coord { x, y }).collect())
                .collect(),
            delimitation: "disputed".into(),
            views: vec![("IND".into(), "delimited".into(), String::new())],
            ..BoundaryLine::default()
        }
    }

    fn options() -> LineImport {
        LineImport {
            source: SourceRow {
                id: "src".into(),
                title: "t".into(),
                publisher: "p".into(),
                date: String::new(),
                url: "https://example.org".into(),
            },
            as_of: "2020".into(),
            precision_m: 500.0,
        }
    }

    #[test]
    fn lines_become_segments_with_the_first_code_on_the_left() {
        let lines = [
            line("UZB", "KAZ", vec![vec![(1.0, 0.0), (0.0, 0.0)]]),
            line(
                "KAZ",
                "UZB",
                vec![vec![(2.0, 0.0), (3.0, 0.0)], vec![(5.0, 5.0)]],
            ),
        ];
        let (data, skipped) = dataset_of_lines(&lines, &options(), "in.geojson");
        assert_eq!(data.segments.len(), 2);
        assert_eq!(data.segments[0].id, "KAZ-UZB-01");
        // UZB was on the left: the line is reversed so that KAZ is
        assert_eq!(data.segments[0].coordinates[0], Coord { x: 0.0, y: 0.0 });
        assert_eq!(data.segments[1].part, 2);
        assert_eq!(skipped.len(), 1, "{skipped:?}");
        assert_eq!(data.status.len(), 2);
        assert_eq!(data.status[1].delimitation, "disputed");
        assert_eq!(data.claims[0].segment_id, "KAZ-UZB-01");
        assert_eq!(data.claims[0].party, "IND");
    }

    #[test]
    fn properties_are_found_in_any_case_and_null_is_absent() {
        let props: Map<String, Value> =
            serde_json::from_str(r#"{"featurecla": "Disputed", "FCLASS_IN": null, "n": 3}"#)
                .unwrap();
        assert_eq!(property(&props, "FEATURECLA").as_deref(), Some("Disputed"));
        assert_eq!(property(&props, "fclass_in"), None);
        assert_eq!(property(&props, "N").as_deref(), Some("3"));
    }

    #[test]
    fn geometry_kinds_are_checked() {
        let poly: Value = serde_json::from_str(r#"{"type":"Polygon","coordinates":[]}"#).unwrap();
        assert!(line_parts(&poly).unwrap_err().contains("Polygon"));
        let far: Value =
            serde_json::from_str(r#"{"type":"LineString","coordinates":[[500000,4000000],[1,1]]}"#)
                .unwrap();
        assert!(line_parts(&far).unwrap_err().contains("WGS84"));
    }
}
