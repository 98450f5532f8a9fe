//! A dataset directory written from imported values: each file of [`crate::dataset::FILES`]
//! as text, an empty skeleton, and the atomic writing of a new directory.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::ImportedSegment;
use crate::dataset::{EMPTY_FEATURE_COLLECTION, FILES};

/// One row of a dataset's `sources.csv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceRow {
    /// Its id, cited by the other files.
    pub id: String,
    /// Title, with the edition or version where there is one.
    pub title: String,
    /// Publisher.
    pub publisher: String,
    /// Publication date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`); may be empty.
    pub date: String,
    /// Where a reader finds it.
    pub url: String,
}

/// One row of a dataset's `status.csv`: a status change of one segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusRow {
    /// The segment.
    pub segment_id: String,
    /// From when (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub date: String,
    /// `delimited`, `undelimited`, `disputed`, `unknown`, or empty for no change.
    pub delimitation: String,
    /// `none`, `in_progress`, `demarcated`, `unknown`, or empty for no change.
    pub demarcation: String,
    /// The source (id in `sources.csv`) that says so.
    pub source_id: String,
    /// Why; the input's own words where the mapping needs them.
    pub note: String,
}

/// One feature of a dataset's `claims.geojson`: how one party held one stretch.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimRow {
    /// Its id.
    pub id: String,
    /// The party holding this view (ISO 3166-1 alpha-3).
    pub party: String,
    /// The segment the view is about; empty for a claim drawn on its own.
    pub segment_id: String,
    /// The delimitation status as the party holds it (`delimited`, `undelimited`,
    /// `disputed`, `unknown`).
    pub delimitation: String,
    /// From when (partial date); empty = from the start of the record.
    pub valid_from: String,
    /// Until when (partial date, inclusive); empty = still held.
    pub valid_to: String,
    /// The source (id in `sources.csv`) that says so.
    pub source_id: String,
    /// Why; the input's own words where the mapping needs them.
    pub note: String,
    /// The party's own line (WGS84 longitude/latitude); empty = the segment's line.
    pub line: Vec<geo_types::Coord<f64>>,
}

/// A whole dataset as imported: the values of each of its files.
#[derive(Clone, Debug, Default)]
pub struct ImportedDataset {
    /// `sources.csv`.
    pub sources: Vec<SourceRow>,
    /// `segments.geojson`.
    pub segments: Vec<ImportedSegment>,
    /// `status.csv`.
    pub status: Vec<StatusRow>,
    /// `claims.geojson`.
    pub claims: Vec<ClaimRow>,
}

/// What an importer of whole datasets gives.
#[derive(Debug)]
pub struct Imported {
    /// The dataset.
    pub dataset: ImportedDataset,
    /// What was left out or written as `unknown`, and why (features without ISO codes,
    /// degenerate lines, words that were not recognised).
    pub left_out: Vec<crate::Problem>,
}

fn csv_text(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    // writing to memory cannot fail
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(&r);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

fn collection(features: Vec<String>) -> String {
    if features.is_empty() {
        return EMPTY_FEATURE_COLLECTION.to_string();
    }
    format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}\n",
        features.join(",\n")
    )
}

impl ImportedDataset {
    /// The dataset's files, `(name, text)`, in the order of [`crate::dataset::FILES`]: those
    /// with values, and every other file this version knows as an empty file.
    pub fn files(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for spec in FILES {
            let text = match spec.name {
                "sources.csv" => csv_text(
                    spec.columns,
                    self.sources.iter().map(|s| {
                        vec![
                            s.id.clone(),
                            s.title.clone(),
                            s.publisher.clone(),
                            s.date.clone(),
                            s.url.clone(),
                        ]
                    }),
                ),
                "segments.geojson" => super::segments_geojson(&self.segments),
                "status.csv" => csv_text(
                    spec.columns,
                    self.status.iter().map(|r| {
                        vec![
                            r.segment_id.clone(),
                            r.date.clone(),
                            r.delimitation.clone(),
                            r.demarcation.clone(),
                            String::new(),
                            r.source_id.clone(),
                            r.note.clone(),
                        ]
                    }),
                ),
                "claims.geojson" => collection(self.claims.iter().map(claim_feature).collect()),
                _ => spec.empty_text(),
            };
            out.push((spec.name, text));
        }
        out
    }
}

fn claim_feature(c: &ClaimRow) -> String {
    let geometry = if c.line.is_empty() {
        serde_json::Value::Null
    } else {
        let coordinates: Vec<_> = c.line.iter().map(|p| json!([p.x, p.y])).collect();
        json!({"type": "LineString", "coordinates": coordinates})
    };
    json!({
        "type": "Feature",
        "id": c.id,
        "geometry": geometry,
        "properties": {
            "id": c.id, "party": c.party, "segment_id": c.segment_id,
            "delimitation": c.delimitation, "valid_from": c.valid_from,
            "valid_to": c.valid_to, "source_id": c.source_id, "note": c.note,
        }
    })
    .to_string()
}

/// Why a dataset directory could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The directory exists and is not empty.
    #[error(
        "{0}: exists and is not empty; a new dataset is written only to a new or empty directory"
    )]
    NotEmpty(PathBuf),
    /// The path exists and is not a directory.
    #[error("{0}: exists and is not a directory")]
    NotADirectory(PathBuf),
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Checks that `dir` can receive a new dataset: it does not exist, or is an empty directory.
///
/// # Errors
/// [`WriteError`] naming `dir` when it is a non-empty directory or not a directory.
pub fn check_new_dir(dir: &Path) -> Result<(), WriteError> {
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(dir)(e)),
        Ok(m) if !m.is_dir() => Err(WriteError::NotADirectory(dir.to_path_buf())),
        Ok(_) => {
            let mut entries = std::fs::read_dir(dir).map_err(io_error(dir))?;
            match entries.next() {
                None => Ok(()),
                Some(_) => Err(WriteError::NotEmpty(dir.to_path_buf())),
            }
        }
    }
}

/// Writes `files` (`(name, text)`) as a new dataset directory `dir`, all at once: they are
/// written into a temporary directory beside `dir`, which then takes its place, so that `dir`
/// either holds the whole dataset or is left as it was.
///
/// # Errors
/// [`WriteError`] when `dir` is not new or empty ([`check_new_dir`]) or writing fails.
pub fn write_new_dir(dir: &Path, files: &[(&str, String)]) -> Result<(), WriteError> {
    check_new_dir(dir)?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "dataset".to_string());
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = parent.join(format!(".{name}.partial-{}", std::process::id()));
    let result = (|| {
        std::fs::create_dir(&temp).map_err(io_error(&temp))?;
        for (file, text) in files {
            let path = temp.join(file);
            std::fs::write(&path, text).map_err(io_error(&path))?;
        }
        // renaming over an empty directory replaces it; a missing one is simply created
        std::fs::rename(&temp, dir).map_err(io_error(dir))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&temp);
    }
    result
}

/// The README of a new dataset directory: what each file holds and how sources are cited.
pub fn readme() -> String {
    let mut s = String::from(
        "# A bordertrack dataset\n\n\
         Each file below is read by `bordertrack` (`validate` checks them all). The format of\n\
         every column is documented in bordertrack's `geodata/README.md`.\n\n\
         | file | required | holds |\n|---|---|---|\n",
    );
    for f in FILES {
        s.push_str(&format!(
            "| `{}` | {} | {} |\n",
            f.name,
            if f.required { "yes" } else { "no" },
            f.holds
        ));
    }
    s.push_str(
        "\n## Citing sources\n\n\
         Every instrument, status change, place, incident and claim names a `source_id`: a row\n\
         of `sources.csv` with the document's title, publisher, publication date and a URL a\n\
         reader can follow (for a printed or offline document, its title, publisher and date).\n\
         Cite the document that says the fact, not a mirror of it; where sources disagree, say\n\
         so in the row's `note`.\n\n\
         An empty dataset (headers only) is valid: it has no segments, so every question about\n\
         a place or an incident is answered `unknown` until segments and statuses are added.\n",
    );
    s
}

/// The files of an empty dataset: every file this version knows, with its header (CSV) or
/// an empty FeatureCollection (GeoJSON), and `README.md`.
pub fn skeleton() -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> =
        FILES.iter().map(|f| (f.name, f.empty_text())).collect();
    out.push(("README.md", readme()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CSV file starts with its header, a GeoJSON file with an empty collection.
    #[test]
    fn every_dataset_file_has_an_empty_form() {
        for f in FILES {
            let text = f.empty_text();
            if f.name.ends_with(".csv") {
                assert!(f.is_csv(), "{} has columns", f.name);
                assert!(f.required_columns <= f.columns.len(), "{}", f.name);
                assert_eq!(text.trim_end().split(',').collect::<Vec<_>>(), f.columns);
            } else {
                assert!(f.name.ends_with(".geojson") && !f.is_csv(), "{}", f.name);
                assert_eq!(text, EMPTY_FEATURE_COLLECTION, "{}", f.name);
            }
        }
    }

    #[test]
    fn the_skeleton_loads_as_an_empty_dataset() {
        let files = skeleton();
        let bytes: Vec<(&str, &[u8])> = files
            .iter()
            .filter(|(n, _)| *n != "README.md")
            .map(|(n, t)| (*n, t.as_bytes()))
            .collect();
        let data = crate::Dataset::from_memory("new", &bytes).unwrap();
        assert!(data.segments().is_empty());
        assert!(data.sources().is_empty());
    }

    #[test]
    fn a_non_empty_directory_is_refused() {
        let dir = std::env::temp_dir().join(format!("bt-dir-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        write_new_dir(&dir, &[("a.txt", "x".to_string())]).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("a.txt")).unwrap(), "x");
        let err = write_new_dir(&dir, &[("b.txt", "y".to_string())]).unwrap_err();
        assert!(matches!(err, WriteError::NotEmpty(_)), "{err}");
        assert!(!dir.join("b.txt").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
