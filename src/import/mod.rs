//! Importers: published boundary data turned into a dataset's `segments.geojson`.
//!
//! [`import_polygons`] turns country polygons (a GeoJSON FeatureCollection or a TopoJSON
//! topology, each country with an ISO 3166-1 code) into the lines the countries share, one
//! [`ImportedSegment`] per dyad part, or cut into segments with their metadata by a cuts file
//! ([`cuts`]). The embedded Central Asia lines are made this way (see `geodata/README.md`).
//!
//! # Examples
//! ```
//! use bordertrack::import::{import_polygons, PolygonImport};
//! let countries = r#"{"type": "FeatureCollection", "features": [
//!   {"type": "Feature", "properties": {"ISO_A3": "KAZ"}, "geometry": {"type": "Polygon",
//!    "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}},
//!   {"type": "Feature", "properties": {"ISO_A3": "UZB"}, "geometry": {"type": "Polygon",
//!    "coordinates": [[[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]]]}}]}"#;
//! let options = PolygonImport::new(100.0, 100.0, "my-source");
//! let imported = import_polygons(countries, "countries.geojson", None, &options).unwrap();
//! assert_eq!(imported.segments.len(), 1);
//! assert_eq!(imported.segments[0].id, "KAZ-UZB-01");
//! assert_eq!(imported.segments[0].coordinates.len(), 2);
//! ```

pub mod countries;
pub mod cuts;
pub mod dataset_dir;
mod iso3166;
pub mod lines;
pub mod lsib;
pub mod mapped;
pub mod natural_earth;
mod shared;

use std::collections::BTreeSet;

use geo::{Geodesic, Length};
use geo_types::{Coord, LineString};
use serde_json::{json, Value};

pub use countries::{read_country_polygons, CountryFile, CountryPolygons};
pub use iso3166::{alpha3_of_numeric, is_alpha3};
pub use shared::{shared_boundaries, SharedLines};

use crate::{Error, Location, Problem};

/// How [`import_polygons`] works.
#[derive(Clone, Debug)]
pub struct PolygonImport {
    /// How close (m) one country's outline must run to its neighbour's to count as their
    /// shared border. For polygons simplified country by country (such as the 100 m
    /// resolution `@geo-maps` set) it must cover the two simplifications' disagreement; for a
    /// topology any small value works.
    pub tolerance_m: f64,
    /// Longest gap (m) bridged between two pieces of one shared border where the outlines
    /// part by more than the tolerance (two banks of a river, a reservoir, a sea crossing):
    /// along the first country's outline when that path is at most this long, else by a
    /// straight edge when the gap is at most this wide. 0 = no bridging.
    pub max_gap_m: f64,
    /// Parts (continuous lines) shorter than this (m, geodesic) are left out and listed in
    /// [`ImportedSegments::short_parts`]: slivers where simplified outlines brush each other,
    /// tiny islands or exclaves. 0 = keep every part.
    pub min_part_m: f64,
    /// `precision_m` written on segments whose cut row gives none: the positional precision
    /// of the input's lines.
    pub precision_m: f64,
    /// `source_id` written on segments whose cut row gives none: the input's id in
    /// `sources.csv`.
    pub source_id: String,
    /// Only dyads with at least one of these alpha-3 codes; `None` = every dyad.
    pub involving: Option<BTreeSet<String>>,
    /// Leave out features whose country code cannot be determined (they are listed in
    /// [`ImportedSegments::left_out`]) instead of refusing the file.
    pub leave_out_uncoded: bool,
}

impl PolygonImport {
    /// Options with the given tolerance (m), default precision (m) and source id, no gap
    /// bridging, every dyad, refusing features without a code.
    pub fn new(tolerance_m: f64, precision_m: f64, source_id: impl Into<String>) -> Self {
        PolygonImport {
            tolerance_m,
            max_gap_m: 0.0,
            min_part_m: 0.0,
            precision_m,
            source_id: source_id.into(),
            involving: None,
            leave_out_uncoded: false,
        }
    }
}

/// One segment of a dyad line, with the properties of a dataset's `segments.geojson`.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedSegment {
    /// Segment id, `DYAD-NN` unless the cuts file names it.
    pub id: String,
    /// The two alpha-3 codes, sorted, joined by `-`.
    pub dyad: String,
    /// The country on the left of the coordinate direction (the dyad's first code).
    pub left: String,
    /// The country on the right.
    pub right: String,
    /// Human-readable name.
    pub name: String,
    /// Position along the dyad, from 1.
    pub order: usize,
    /// Continuous line the segment belongs to, from 1 by decreasing length.
    pub part: usize,
    /// `exact` or `approximate`.
    pub extent: String,
    /// Positional precision (m).
    pub precision_m: f64,
    /// Source id in `sources.csv`.
    pub source_id: String,
    /// Justification; may be empty.
    pub note: String,
    /// The line, WGS84 longitude/latitude rounded to 6 decimals.
    pub coordinates: Vec<Coord<f64>>,
}

/// What [`import_polygons`] gives.
#[derive(Debug)]
pub struct ImportedSegments {
    /// Segments sorted by dyad, then order.
    pub segments: Vec<ImportedSegment>,
    /// Features left out because their country code could not be determined (only with
    /// [`PolygonImport::leave_out_uncoded`]).
    pub left_out: Vec<Problem>,
    /// Parts left out for being shorter than [`PolygonImport::min_part_m`]: dyad, geodesic
    /// length (m) and first position.
    pub short_parts: Vec<(String, f64, Coord<f64>)>,
}

impl ImportedSegments {
    /// The segments as a dataset's `segments.geojson`: one feature per line, the same bytes
    /// for the same input.
    pub fn to_geojson(&self) -> String {
        segments_geojson(&self.segments)
    }
}

/// Segments as a dataset's `segments.geojson`: one feature per line, the same bytes for the
/// same segments.
pub fn segments_geojson(segments: &[ImportedSegment]) -> String {
    let body: Vec<String> = segments
        .iter()
        .map(|s| {
            let coordinates: Vec<Value> = s.coordinates.iter().map(|c| json!([c.x, c.y])).collect();
            json!({
                "type": "Feature",
                "id": s.id,
                "geometry": {"type": "LineString", "coordinates": coordinates},
                "properties": {
                    "id": s.id, "dyad": s.dyad, "left": s.left, "right": s.right,
                    "name": s.name, "order": s.order, "part": s.part, "extent": s.extent,
                    "precision_m": s.precision_m, "source_id": s.source_id, "note": s.note,
                }
            })
            .to_string()
        })
        .collect();
    if body.is_empty() {
        return "{\"type\":\"FeatureCollection\",\"features\":[]}\n".to_string();
    }
    format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}\n",
        body.join(",\n")
    )
}

fn round6(c: Coord<f64>) -> Coord<f64> {
    Coord {
        x: (c.x * 1e6).round() / 1e6,
        y: (c.y * 1e6).round() / 1e6,
    }
}

/// The line without repeated positions and without spikes (a position where the line turns
/// straight back on itself, which a dataset refuses; bridging a gap can make one).
fn without_spikes(coords: impl Iterator<Item = Coord<f64>>) -> Vec<Coord<f64>> {
    let mut out: Vec<Coord<f64>> = Vec::new();
    for c in coords {
        loop {
            match out.as_slice() {
                [.., last] if *last == c => break,
                [.., a, b] if crate::dataset::features::doubles_back(*a, *b, c) => {
                    out.pop();
                }
                _ => {
                    out.push(c);
                    break;
                }
            }
        }
    }
    out
}

/// Turns country polygons into dyad lines, cut into segments by an optional cuts file.
///
/// `polygons` is the text of a GeoJSON or TopoJSON country file named `polygons_file` in
/// problems; `cuts` is `(text, file name)` of a cuts file. Dyads and parts without cut rows
/// become one segment each (`exact`, with the options' precision and source).
///
/// # Errors
/// [`Error::Invalid`] listing every problem: a file that cannot be read as countries or cuts,
/// features without a country code (unless left out by the options), cut rows naming a dyad
/// or part that the polygons do not give, breaks too far from the line or out of order.
pub fn import_polygons(
    polygons: &str,
    polygons_file: &str,
    cuts: Option<(&str, &str)>,
    options: &PolygonImport,
) -> Result<ImportedSegments, Error> {
    let countries = read_country_polygons(polygons, polygons_file)?;
    if !countries.uncoded.is_empty() && !options.leave_out_uncoded {
        return Err(Error::Invalid(countries.uncoded));
    }
    let mut lines = shared_boundaries(
        &countries.countries,
        options.tolerance_m,
        options.max_gap_m,
        options.involving.as_ref(),
    );
    let mut short_parts = Vec::new();
    for ((a, b), parts) in lines.iter_mut() {
        parts.retain(|p| {
            let length_m = Geodesic.length(&LineString::from(p.clone()));
            let keep = length_m >= options.min_part_m;
            if !keep {
                short_parts.push((format!("{a}-{b}"), length_m, p[0]));
            }
            keep
        });
    }
    lines.retain(|_, parts| !parts.is_empty());
    let (cut_rows, cuts_file) = match cuts {
        Some((text, file)) => (cuts::read_cuts(text, file).map_err(Error::Invalid)?, file),
        None => (cuts::Cuts::new(), ""),
    };
    let mut problems = Vec::new();
    for ((dyad, part), rows) in &cut_rows {
        let n = dyad
            .split_once('-')
            .and_then(|(a, b)| lines.get(&(a.to_string(), b.to_string())))
            .map_or(0, Vec::len);
        if *part > n {
            let line = rows.first().map_or(0, |r| r.line);
            problems.push(Problem::new(
                cuts_file,
                Location::Line(line),
                format!("{dyad} has {n} part(s) in {polygons_file}, no part {part}"),
            ));
        }
    }
    let mut segments = Vec::new();
    for ((a, b), parts) in &lines {
        let dyad = format!("{a}-{b}");
        let mut order = 0;
        for (k, part) in parts.iter().enumerate() {
            let part_no = k + 1;
            let coords = without_spikes(part.iter().map(|&c| round6(c)));
            let default_row = [cuts::CutRow {
                line: 0,
                to: None,
                id: String::new(),
                name: String::new(),
                extent: "exact".into(),
                precision_m: None,
                source_id: String::new(),
                note: String::new(),
            }];
            let rows = cut_rows
                .get(&(dyad.clone(), part_no))
                .map_or(&default_row[..], Vec::as_slice);
            let pieces = match cuts::cut_part(&coords, rows) {
                Ok(p) => p,
                Err(e) => {
                    problems.push(Problem::new(
                        cuts_file,
                        Location::File,
                        format!("{dyad} part {part_no}: {e}"),
                    ));
                    continue;
                }
            };
            for (row, coordinates) in rows.iter().zip(pieces) {
                order += 1;
                let name = match (row.name.is_empty(), parts.len()) {
                    (false, _) => row.name.clone(),
                    (true, 1) => format!("{a}–{b} boundary"),
                    (true, _) => format!("{a}–{b} boundary, part {part_no}"),
                };
                segments.push(ImportedSegment {
                    id: if row.id.is_empty() {
                        format!("{dyad}-{order:02}")
                    } else {
                        row.id.clone()
                    },
                    dyad: dyad.clone(),
                    left: a.clone(),
                    right: b.clone(),
                    name,
                    order,
                    part: part_no,
                    extent: row.extent.clone(),
                    precision_m: row.precision_m.unwrap_or(options.precision_m),
                    source_id: if row.source_id.is_empty() {
                        options.source_id.clone()
                    } else {
                        row.source_id.clone()
                    },
                    note: row.note.clone(),
                    coordinates,
                });
            }
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Ok(ImportedSegments {
        segments,
        left_out: countries.uncoded,
        short_parts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spikes_and_repeats_are_removed() {
        let c = |x: f64, y: f64| Coord { x, y };
        let line = [
            c(0.0, 0.0),
            c(1.0, 0.0),
            c(1.0, 0.0),
            c(2.0, 0.0),
            c(1.5, 0.0),
            c(1.5, 1.0),
        ];
        assert_eq!(
            without_spikes(line.into_iter()),
            vec![c(0.0, 0.0), c(1.0, 0.0), c(1.5, 0.0), c(1.5, 1.0)]
        );
    }
}
