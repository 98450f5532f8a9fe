//! Any GeoJSON boundary lines turned into a dataset through a column mapping: which property
//! holds the left country, the right country, the status, and optionally the demarcation,
//! a name, the date and a note.

use std::collections::BTreeMap;

use super::dataset_dir::{Imported, SourceRow};
use super::iso3166;
use super::lines::{self, BoundaryLine, LineImport};
use crate::{Error, Location, PartialDate, Problem};

/// Which property of a feature holds what. Only `left`, `right` and `status` are required.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnMap {
    /// The country on the left of the line's direction (ISO 3166-1 alpha-3 or alpha-2).
    pub left: String,
    /// The country on the right.
    pub right: String,
    /// The delimitation status (`delimited`, `undelimited`, `disputed`, `unknown`, or a
    /// word of [`MappedImport::status_values`]).
    pub status: String,
    /// The demarcation status (`none`, `in_progress`, `demarcated`, `unknown`, or a word of
    /// [`MappedImport::status_values`]); empty = not given.
    pub demarcation: String,
    /// The line's name; empty = made from the codes.
    pub name: String,
    /// The date from which the status holds; empty = [`MappedImport::as_of`] for every line.
    pub date: String,
    /// A note written with the status.
    pub note: String,
}

impl ColumnMap {
    /// Reads a mapping written `left=COL,right=COL,status=COL[,demarcation=COL,name=COL,
    /// date=COL,note=COL]`.
    ///
    /// # Errors
    /// A message naming an unknown key, a pair without `=`, or a missing required key.
    pub fn parse(text: &str) -> Result<ColumnMap, String> {
        let mut m = ColumnMap::default();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, column) = pair
                .split_once('=')
                .ok_or_else(|| format!("{pair:?} is not KEY=COLUMN"))?;
            let slot = match key.trim() {
                "left" => &mut m.left,
                "right" => &mut m.right,
                "status" | "delimitation" => &mut m.status,
                "demarcation" => &mut m.demarcation,
                "name" => &mut m.name,
                "date" => &mut m.date,
                "note" => &mut m.note,
                other => {
                    return Err(format!(
                        "unknown key {other:?} (known: left, right, status, demarcation, name, date, note)"
                    ))
                }
            };
            *slot = column.trim().to_string();
        }
        let missing: Vec<&str> = [
            ("left", &m.left),
            ("right", &m.right),
            ("status", &m.status),
        ]
        .iter()
        .filter(|(_, c)| c.is_empty())
        .map(|(k, _)| *k)
        .collect();
        if !missing.is_empty() {
            return Err(format!("no column given for {}", missing.join(", ")));
        }
        Ok(m)
    }
}

/// How [`import_mapped`] works.
#[derive(Clone, Debug)]
pub struct MappedImport {
    /// Which property holds what.
    pub columns: ColumnMap,
    /// The input's own status words and the status each stands for (`Agreed` →
    /// `delimited`), tried before the standard words.
    pub status_values: BTreeMap<String, String>,
    /// The input, written as the dataset's only source.
    pub source: SourceRow,
    /// The date statuses hold from where the date column is absent or empty; empty = every
    /// line must have a date.
    pub as_of: String,
    /// Positional precision of the lines (m).
    pub precision_m: f64,
}

const DELIMITATION: [&str; 4] = ["delimited", "undelimited", "disputed", "unknown"];
const DEMARCATION: [&str; 4] = ["none", "in_progress", "demarcated", "unknown"];

fn status_word(value: &str, allowed: &[&str], values: &BTreeMap<String, String>) -> Option<String> {
    let v = values.get(value).map_or(value, String::as_str);
    let v = v.trim().to_ascii_lowercase();
    allowed.contains(&v.as_str()).then_some(v)
}

fn country(code: &str) -> Option<String> {
    let c = code.trim().to_ascii_uppercase();
    match c.len() {
        2 => iso3166::alpha3_of_alpha2(&c).map(str::to_string),
        _ => lines::alpha3(&c),
    }
}

/// Turns GeoJSON lines (`text`, named `file` in problems) into a dataset through a column
/// mapping.
///
/// # Errors
/// [`Error::Invalid`] listing every problem: not a FeatureCollection, a mapped property
/// missing, a country code that is not ISO 3166-1, a status word that is not a status (nor
/// in the value map), a date that cannot be read (or none at all), a geometry that is not a
/// LineString or MultiLineString.
pub fn import_mapped(text: &str, file: &str, options: &MappedImport) -> Result<Imported, Error> {
    let features = lines::features(text, file)?;
    let cols = &options.columns;
    let mut problems = Vec::new();
    let mut boundary_lines = Vec::new();
    for (index, (props, geometry)) in features.iter().enumerate() {
        let mut bad = Vec::new();
        let get = |col: &str| {
            if col.is_empty() {
                None
            } else {
                lines::property(props, col)
            }
        };
        let code = |col: &str, bad: &mut Vec<String>| match get(col) {
            None => {
                bad.push(format!("no {col:?} (a country code)"));
                String::new()
            }
            Some(v) => country(&v).unwrap_or_else(|| {
                bad.push(format!(
                    "{col} {v:?} is not an ISO 3166-1 alpha-3 or alpha-2 code"
                ));
                String::new()
            }),
        };
        let left = code(&cols.left, &mut bad);
        let right = code(&cols.right, &mut bad);
        let delimitation = match get(&cols.status) {
            None => {
                bad.push(format!("no {:?} (the status)", cols.status));
                String::new()
            }
            Some(v) => {
                status_word(&v, &DELIMITATION, &options.status_values).unwrap_or_else(|| {
                    bad.push(format!(
                        "{} {v:?} is not a delimitation status ({}) nor in the value map",
                        cols.status,
                        DELIMITATION.join(", ")
                    ));
                    String::new()
                })
            }
        };
        let demarcation = match get(&cols.demarcation) {
            None => String::new(),
            Some(v) => status_word(&v, &DEMARCATION, &options.status_values).unwrap_or_else(|| {
                bad.push(format!(
                    "{} {v:?} is not a demarcation status ({}) nor in the value map",
                    cols.demarcation,
                    DEMARCATION.join(", ")
                ));
                String::new()
            }),
        };
        let date = match get(&cols.date) {
            Some(d) => match d.parse::<PartialDate>() {
                Ok(p) => p.to_string(),
                Err(e) => {
                    bad.push(format!("{} {d:?}: {e}", cols.date));
                    String::new()
                }
            },
            None if !options.as_of.is_empty() => options.as_of.clone(),
            None => {
                bad.push("no date, and no date given for the whole file".into());
                String::new()
            }
        };
        let parts = lines::line_parts(geometry).unwrap_or_else(|m| {
            bad.push(m);
            Vec::new()
        });
        if left == right && bad.is_empty() {
            bad.push(format!("{left} on both sides"));
        }
        if !bad.is_empty() {
            problems.extend(
                bad.into_iter()
                    .map(|m| Problem::new(file, Location::Feature { index, id: None }, m)),
            );
            continue;
        }
        boundary_lines.push(BoundaryLine {
            index,
            left,
            right,
            parts,
            delimitation,
            demarcation,
            name: get(&cols.name).unwrap_or_default(),
            note: get(&cols.note).unwrap_or_default(),
            date,
            views: Vec::new(),
        });
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let line_import =
        LineImport::citing(options.source.clone(), &options.as_of, options.precision_m);
    let (dataset, left_out) = lines::dataset_of_lines(&boundary_lines, &line_import, file);
    Ok(Imported { dataset, left_out })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_is_read_and_checked() {
        let m = ColumnMap::parse("left=A, right=B,status=S,date=D").unwrap();
        assert_eq!((m.left.as_str(), m.date.as_str()), ("A", "D"));
        assert!(ColumnMap::parse("left=A,right=B")
            .unwrap_err()
            .contains("status"));
        assert!(ColumnMap::parse("left=A,right=B,status=S,colour=C")
            .unwrap_err()
            .contains("colour"));
    }
}
