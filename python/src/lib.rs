//! The native half of the `bordertrack` Python package: a thin PyO3 layer over the library's
//! lifetime-free façade ([`bordertrack::Borders`]) and its table pipeline
//! ([`bordertrack::Borders::classify_table`]). The Python half (`bordertrack/__init__.py`)
//! turns what this returns into pandas/pyarrow objects.
//!
//! No panic crosses into the interpreter: every entry point runs under `catch_unwind` and a
//! panic becomes a `RuntimeError`.

use std::fs::File;
use std::io::{Cursor, Read};
use std::ops::ControlFlow;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use bordertrack::io::IncidentReader;
use bordertrack::pipeline::{IncidentLayer, TableOptions};
use bordertrack::query::IncidentQuery;
use bordertrack::report::{Format, RowWriter};
use bordertrack::{Basis, DateSpan, Dyad, PartialDate, StatusFilter};
use geo::Point;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Runs `f`, turning a panic into a `RuntimeError` instead of unwinding into Python.
fn guarded<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => Err(PyRuntimeError::new_err(
            "bordertrack: internal error (a panic was caught); please report it",
        )),
    }
}

fn value_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

fn parse_basis(basis: &str) -> PyResult<Basis> {
    basis.parse::<Basis>().map_err(value_error)
}

fn parse_date(d: Option<&str>) -> PyResult<Option<DateSpan>> {
    d.map(|s| s.parse::<PartialDate>().map(|p| p.span()))
        .transpose()
        .map_err(value_error)
}

fn today() -> DateSpan {
    PartialDate::Day(jiff::ZonedDateTime::now().date()).span()
}

fn parse_dyad(borders: &bordertrack::Borders, dyad: Option<&str>) -> PyResult<Option<Dyad>> {
    let Some(text) = dyad else { return Ok(None) };
    let d = text.parse::<Dyad>().map_err(value_error)?;
    if !borders.dataset().dyads().contains(&d) {
        return Err(PyValueError::new_err(format!(
            "no segments of dyad {d} in the dataset"
        )));
    }
    Ok(Some(d))
}

/// What `_classify_table` returns: the CSV text, the bad rows' messages, and the counts
/// (read, matched, bad).
type TableResult = (String, Vec<String>, (u64, u64, u64));

/// Where a table to classify comes from.
enum Source {
    File(PathBuf),
    Bytes(Vec<u8>, String),
}

/// A dataset with its spatial index and status timelines (the library's `Borders`).
#[pyclass(name = "Borders", module = "bordertrack._native", frozen)]
struct PyBorders {
    inner: bordertrack::Borders,
}

#[pymethods]
impl PyBorders {
    /// The dataset compiled into the library.
    #[staticmethod]
    fn embedded() -> PyResult<Self> {
        guarded(|| {
            let inner = bordertrack::Borders::embedded().map_err(value_error)?;
            Ok(PyBorders { inner })
        })
    }

    /// A dataset directory (the layout of the repository's `geodata/`), validated.
    #[staticmethod]
    fn load(path: PathBuf) -> PyResult<Self> {
        guarded(|| {
            let inner = bordertrack::Borders::load(&path).map_err(value_error)?;
            Ok(PyBorders { inner })
        })
    }

    /// The dyads of the dataset, as `AAA-BBB` codes.
    fn dyads(&self) -> Vec<String> {
        self.inner
            .dataset()
            .dyads()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// Lengths by status of each dyad (or of `dyad`) at `as_of` (today when None), as a list
    /// of dicts with lengths in metres.
    #[pyo3(signature = (as_of=None, basis="in-force", dyad=None))]
    fn stats<'py>(
        &self,
        py: Python<'py>,
        as_of: Option<&str>,
        basis: &str,
        dyad: Option<&str>,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        guarded(|| {
            let basis = parse_basis(basis)?;
            let at = parse_date(as_of)?.unwrap_or_else(today);
            let dyads = match parse_dyad(&self.inner, dyad)? {
                Some(d) => vec![d],
                None => self.inner.dataset().dyads(),
            };
            let mut rows = Vec::with_capacity(dyads.len());
            for d in dyads {
                let s = self.inner.stats(d, at, basis);
                let row = PyDict::new(py);
                row.set_item("dyad", d.to_string())?;
                row.set_item("length_m", s.length_m)?;
                row.set_item("delimited_m", s.delimited_m)?;
                row.set_item("disputed_m", s.disputed_m)?;
                row.set_item("undelimited_m", s.undelimited_m)?;
                row.set_item("delimitation_unknown_m", s.delimitation_unknown_m)?;
                row.set_item("delimitation_ambiguous_m", s.delimitation_ambiguous_m)?;
                row.set_item("demarcated_m", s.demarcated_m)?;
                row.set_item("in_progress_m", s.in_progress_m)?;
                row.set_item("undemarcated_m", s.undemarcated_m)?;
                row.set_item("demarcation_unknown_m", s.demarcation_unknown_m)?;
                row.set_item("demarcation_ambiguous_m", s.demarcation_ambiguous_m)?;
                rows.push(row);
            }
            Ok(rows)
        })
    }

    /// The nearest segment to (lon, lat) with its status at `as_of` (today when None), as a
    /// dict, or None when the dataset is empty.
    #[pyo3(signature = (lon, lat, as_of=None, basis="in-force"))]
    fn locate<'py>(
        &self,
        py: Python<'py>,
        lon: f64,
        lat: f64,
        as_of: Option<&str>,
        basis: &str,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        guarded(|| {
            let basis = parse_basis(basis)?;
            let at = parse_date(as_of)?.unwrap_or_else(today);
            let Some(found) = self
                .inner
                .locate(Point::new(lon, lat))
                .map_err(value_error)?
            else {
                return Ok(None);
            };
            let status = self.inner.status(found.segment_index, at, basis);
            let row = PyDict::new(py);
            let segment = self.inner.segment(found.segment_index);
            row.set_item("segment_id", segment.map(|s| s.id.clone()))?;
            row.set_item("segment_name", segment.map(|s| s.name.clone()))?;
            row.set_item("dyad", found.dyad.to_string())?;
            row.set_item("distance_m", found.distance_m)?;
            row.set_item("chainage_m", found.chainage_m)?;
            row.set_item("side", found.side.map(|c| c.to_string()))?;
            row.set_item("delimitation", status.delimitation_word())?;
            row.set_item("demarcation", status.demarcation_word())?;
            Ok(Some(row))
        })
    }

    /// Classifies an incident table (a file path, or CSV/GeoJSON bytes named `name`) with the
    /// library's parallel table pipeline, the GIL released. Returns `(csv_text, problems,
    /// (read, matched, bad))`; the caller decides what bad rows mean.
    #[pyo3(signature = (path=None, data=None, name="<data>", within_m=1000.0, as_of=None,
                        basis="in-force", on=None, dyad=None, certain=false, all_rows=true,
                        check_ids=true))]
    #[allow(clippy::too_many_arguments)]
    fn _classify_table(
        &self,
        py: Python<'_>,
        path: Option<PathBuf>,
        data: Option<Vec<u8>>,
        name: &str,
        within_m: f64,
        as_of: Option<&str>,
        basis: &str,
        on: Option<&str>,
        dyad: Option<&str>,
        certain: bool,
        all_rows: bool,
        check_ids: bool,
    ) -> PyResult<TableResult> {
        guarded(|| {
            let source = match (path, data) {
                (Some(p), None) => Source::File(p),
                (None, Some(d)) => Source::Bytes(d, name.to_owned()),
                _ => return Err(PyValueError::new_err("give exactly one of path or data")),
            };
            if !(within_m.is_finite() && within_m >= 0.0) {
                return Err(PyValueError::new_err(format!(
                    "within_m must be a finite distance >= 0 in metres, not {within_m}"
                )));
            }
            let query = IncidentQuery {
                within_m,
                as_of: parse_date(as_of)?,
                filter: match on {
                    Some(text) => text.parse::<StatusFilter>().map_err(value_error)?,
                    None => StatusFilter::default(),
                },
                dyad: parse_dyad(&self.inner, dyad)?,
                certain_only: certain,
            };
            let basis = parse_basis(basis)?;
            let borders = &self.inner;
            py.allow_threads(move || {
                guarded(|| {
                    let (input, name, len): (Box<dyn Read + Send>, String, Option<u64>) =
                        match source {
                            Source::File(p) => {
                                let f = File::open(&p).map_err(|e| {
                                    PyValueError::new_err(format!("{}: {e}", p.display()))
                                })?;
                                let len = f.metadata().ok().map(|m| m.len());
                                (Box::new(f), p.display().to_string(), len)
                            }
                            Source::Bytes(d, n) => {
                                let len = d.len() as u64;
                                (Box::new(Cursor::new(d)), n, Some(len))
                            }
                        };
                    let reader = IncidentReader::from_reader(input, &name).map_err(value_error)?;
                    let mut reader = reader.check_duplicate_ids(check_ids);
                    let options = TableOptions {
                        all_rows,
                        basis,
                        stop_at_first_problem: false,
                        interrupt: None,
                        input_len_bytes: len,
                        rows_read: None,
                        max_problems_per_kind: None,
                    };
                    let mut sink =
                        RowWriter::with_schema(Vec::new(), Format::Csv, &IncidentLayer::schema())
                            .map_err(value_error)?;
                    let mut problems = Vec::new();
                    let summary = borders
                        .classify_table(&mut reader, &query, options, &mut sink, &mut |p| {
                            problems.push(p.to_string());
                            ControlFlow::Continue(())
                        })
                        .map_err(value_error)?;
                    if let Some(stop) = summary.stopped {
                        problems.push(format!("{name}: reading stopped early: {stop:?}"));
                    }
                    let bytes = sink.finish().map_err(value_error)?;
                    let text = String::from_utf8(bytes).map_err(value_error)?;
                    Ok((text, problems, (summary.read, summary.matched, summary.bad)))
                })
            })
        })
    }
}

/// The native module; the public API is the Python package `bordertrack`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyBorders>()?;
    Ok(())
}
