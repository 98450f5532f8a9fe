//! The native half of the `bordertrack` Python package: a thin PyO3 layer over the library's
//! lifetime-free façade ([`bordertrack::Borders`]) and its table pipeline
//! ([`bordertrack::Borders::classify_table`]). The Python half (`bordertrack/__init__.py`)
//! turns what this returns into pandas/pyarrow objects.
//!
//! No panic crosses into the interpreter: every entry point runs under `catch_unwind` and a
//! panic becomes a `RuntimeError`.

use std::fs::File;
use std::io::Read;
use std::ops::ControlFlow;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use std::collections::HashMap;

use bordertrack::io::IncidentReader;
use bordertrack::layers::{CoverageQuery, DiffQuery, LayerQuery};
use bordertrack::pipeline::{DateColumn, IncidentLayer, PointColumns, TableOptions};
use bordertrack::query::{alternatives_text, regimes_text, IncidentQuery};
use bordertrack::report::{Format, LayerSink, RowWriter};
use bordertrack::{Basis, CountryCode, DateSpan, Dyad, PartialDate, RegimeKind, StatusFilter};
use geo::Point;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

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

/// An error's text with every problem it lists, one per line.
fn problems_text(e: &bordertrack::Error) -> String {
    let problems = e.problems();
    if problems.is_empty() {
        return e.to_string();
    }
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    lines.join("\n")
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

fn parse_country(code: Option<&str>) -> PyResult<Option<CountryCode>> {
    code.map(|c| c.parse::<CountryCode>().map_err(value_error))
        .transpose()
}

/// A layer written by `write` into a GeoJSON text, with `columns` (and a geometry when
/// `geometry`).
fn layer_geojson(
    columns: &[bordertrack::report::Column],
    geometry: bool,
    write: impl FnOnce(&mut dyn LayerSink) -> std::io::Result<u64>,
) -> PyResult<String> {
    let schema = bordertrack::layers::schema(columns, geometry);
    let mut sink =
        RowWriter::with_schema(Vec::new(), Format::GeoJson, &schema).map_err(value_error)?;
    write(&mut sink).map_err(value_error)?;
    let bytes = sink.finish().map_err(value_error)?;
    String::from_utf8(bytes).map_err(value_error)
}

fn parse_filter(on: Option<&str>) -> PyResult<StatusFilter> {
    match on {
        Some(text) => text.parse::<StatusFilter>().map_err(value_error),
        None => Ok(StatusFilter::default()),
    }
}

/// Numbers sent as the bytes of a little-endian float64 array.
fn floats(bytes: &[u8], what: &str) -> PyResult<Vec<f64>> {
    if bytes.len() % 8 != 0 {
        return Err(PyValueError::new_err(format!("{what}: not float64 data")));
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
        .collect())
}

/// Day numbers sent as the bytes of a little-endian int64 array (numpy `datetime64[D]`).
fn days(bytes: &[u8], what: &str) -> PyResult<Vec<i64>> {
    if bytes.len() % 8 != 0 {
        return Err(PyValueError::new_err(format!("{what}: not datetime64[D] data")));
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|c| i64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
        .collect())
}

/// A date column as sent from Python: day numbers (bytes) or text.
enum Dates {
    Days(Vec<i64>),
    Text(Vec<String>),
}

impl Dates {
    fn from_py(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Dates> {
        if let Ok(b) = value.downcast::<PyBytes>() {
            return Ok(Dates::Days(days(b.as_bytes(), what)?));
        }
        Ok(Dates::Text(value.extract::<Vec<String>>().map_err(|_| {
            PyValueError::new_err(format!("{what}: expected dates as text or datetime64"))
        })?))
    }
}

/// A text column dictionary-encoded: a code per row (-1: no value) into `values`.
#[derive(Default)]
struct Dictionary {
    codes: Vec<i32>,
    values: Vec<String>,
    index: HashMap<String, i32>,
}

impl Dictionary {
    fn push(&mut self, value: Option<&str>) {
        let code = match value {
            None | Some("") => -1,
            Some(v) => match self.index.get(v) {
                Some(&c) => c,
                None => {
                    let c = i32::try_from(self.values.len()).unwrap_or(i32::MAX);
                    self.values.push(v.to_string());
                    self.index.insert(v.to_string(), c);
                    c
                }
            },
        };
        self.codes.push(code);
    }
}

/// The classification columns of points, typed: text columns dictionary-encoded.
struct PointTable {
    problems: Vec<String>,
    date_start: Vec<i64>,
    date_end: Vec<i64>,
    distance_m: Vec<f64>,
    chainage_km: Vec<f64>,
    text: Vec<(&'static str, Dictionary)>,
}

/// The names of [`PointTable::text`]'s columns, in order.
const POINT_TEXT_COLUMNS: [&str; 10] = [
    "segment_id",
    "dyad",
    "side",
    "delimitation",
    "demarcation",
    "instrument_id",
    "ambiguity",
    "regimes",
    "certainty",
    "alternatives",
];

/// Days from 1970-01-01 to `day`.
fn epoch_days(day: jiff::civil::Date) -> i64 {
    let epoch = jiff::civil::Date::constant(1970, 1, 1);
    day.since(epoch).map_or(i64::MIN, |s| i64::from(s.get_days()))
}

fn le_bytes<T: Copy, const N: usize>(values: &[T], f: impl Fn(T) -> [u8; N]) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() * N);
    for &v in values {
        out.extend_from_slice(&f(v));
    }
    out
}

/// What `_classify_table` returns: the CSV text, the bad rows' messages, and the counts
/// (read, matched, bad).
type TableResult = (String, Vec<String>, (u64, u64, u64));

/// The query for a distance (`None`: 1000 m) or, with `nearest`, for each point's nearest
/// segment (a distance may not then be given).
fn incident_query(within_m: Option<f64>, nearest: bool) -> PyResult<IncidentQuery> {
    match (within_m, nearest) {
        (Some(_), true) => Err(PyValueError::new_err(
            "give either within_m or nearest=True, not both: a nearest match has no distance limit",
        )),
        (None, true) => Ok(IncidentQuery::nearest()),
        (within_m, false) => {
            let within_m = within_m.unwrap_or(1000.0);
            if !(within_m.is_finite() && within_m >= 0.0) {
                return Err(PyValueError::new_err(format!(
                    "within_m must be a finite distance >= 0 in metres, not {within_m}"
                )));
            }
            Ok(IncidentQuery::within(within_m))
        }
    }
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

    /// Lengths by status of each dyad (or of `dyad`) at `as_of` (today when None), as `pov`
    /// (a party's ISO alpha-3 code) held them when given, with the regimes in effect on every
    /// day (fences built, mines laid: metres; open crossings), as a list of dicts with lengths
    /// in metres.
    #[pyo3(signature = (as_of=None, basis="in-force", dyad=None, pov=None))]
    fn stats<'py>(
        &self,
        py: Python<'py>,
        as_of: Option<&str>,
        basis: &str,
        dyad: Option<&str>,
        pov: Option<&str>,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        guarded(|| {
            let basis = parse_basis(basis)?;
            let party = parse_country(pov)?;
            let at = parse_date(as_of)?.unwrap_or_else(today);
            let dyads = match parse_dyad(&self.inner, dyad)? {
                Some(d) => vec![d],
                None => self.inner.dataset().dyads(),
            };
            let mut rows = Vec::with_capacity(dyads.len());
            for d in dyads {
                let s = self.inner.stats_seen_by(d, at, basis, party);
                let fenced = self.inner.regime_length(d, at, RegimeKind::Fenced);
                let mined = self.inner.regime_length(d, at, RegimeKind::Mined);
                let crossings = self.inner.regime_length(d, at, RegimeKind::Crossing);
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
                row.set_item("delimited_pct", s.delimited_pct())?;
                row.set_item("demarcated_pct", s.demarcated_pct())?;
                row.set_item("fenced_m", fenced.km * 1000.0)?;
                row.set_item("mined_m", mined.km * 1000.0)?;
                row.set_item(
                    "unmeasured_regimes",
                    fenced.without_length + mined.without_length,
                )?;
                row.set_item("open_crossings", crossings.in_effect)?;
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
            let regimes = self.inner.regime_timelines().in_force_on_segment(
                self.inner.dataset(),
                found.segment_index,
                at,
            );
            row.set_item("regimes", regimes_text(&regimes))?;
            Ok(Some(row))
        })
    }

    /// Classifies points given as columns through the library's typed entry point
    /// (`Borders::classify_points`), the GIL released. `lon`, `lat`, `precision_m` are the
    /// bytes of little-endian float64 arrays; each date column is the bytes of an int64
    /// `datetime64[D]` array or a list of `YYYY[-MM[-DD]]` strings. Returns `(problems,
    /// columns)`: the bad points' messages, and when there are none, a dict of columns
    /// (bytes of int64/float64 arrays, or `(int32 codes bytes, values)` for text).
    #[pyo3(signature = (lon, lat, date_start, date_end=None, precision_m=None, within_m=None,
                        as_of=None, basis="in-force", on=None, dyad=None, certain=false,
                        nearest=false))]
    #[allow(clippy::too_many_arguments)]
    fn _classify_points<'py>(
        &self,
        py: Python<'py>,
        lon: &[u8],
        lat: &[u8],
        date_start: &Bound<'py, PyAny>,
        date_end: Option<&Bound<'py, PyAny>>,
        precision_m: Option<&[u8]>,
        within_m: Option<f64>,
        as_of: Option<&str>,
        basis: &str,
        on: Option<&str>,
        dyad: Option<&str>,
        certain: bool,
        nearest: bool,
    ) -> PyResult<(Vec<String>, Bound<'py, PyDict>)> {
        guarded(|| {
            let mut query = incident_query(within_m, nearest)?;
            query.as_of = parse_date(as_of)?;
            query.filter = parse_filter(on)?;
            query.dyad = parse_dyad(&self.inner, dyad)?;
            query.certain_only = certain;
            let basis = parse_basis(basis)?;
            let lon = floats(lon, "lon")?;
            let lat = floats(lat, "lat")?;
            let precision = precision_m.map(|p| floats(p, "precision_m")).transpose()?;
            let start = Dates::from_py(date_start, "date_start")?;
            let end = date_end
                .map(|d| Dates::from_py(d, "date_end"))
                .transpose()?;
            let borders = &self.inner;
            let table = py.allow_threads(|| {
                guarded(|| {
                    point_table(borders, &lon, &lat, &start, end.as_ref(), precision.as_deref(), &query, basis)
                })
            })?;
            let out = PyDict::new(py);
            if !table.problems.is_empty() {
                return Ok((table.problems, out));
            }
            out.set_item("date_start", PyBytes::new(py, &le_bytes(&table.date_start, i64::to_le_bytes)))?;
            out.set_item("date_end", PyBytes::new(py, &le_bytes(&table.date_end, i64::to_le_bytes)))?;
            out.set_item("distance_m", PyBytes::new(py, &le_bytes(&table.distance_m, f64::to_le_bytes)))?;
            out.set_item("chainage_km", PyBytes::new(py, &le_bytes(&table.chainage_km, f64::to_le_bytes)))?;
            for (name, dict) in table.text {
                let codes = PyBytes::new(py, &le_bytes(&dict.codes, i32::to_le_bytes));
                out.set_item(name, (codes, dict.values))?;
            }
            Ok((Vec::new(), out))
        })
    }

    /// A layer of the dataset (`segments`, `status` or `places`) as GeoJSON text, selected as
    /// `bordertrack export LAYER` selects it.
    #[pyo3(signature = (layer, as_of=None, basis="in-force", dyad=None, on=None))]
    fn _layer(
        &self,
        layer: &str,
        as_of: Option<&str>,
        basis: &str,
        dyad: Option<&str>,
        on: Option<&str>,
    ) -> PyResult<String> {
        guarded(|| {
            let query = LayerQuery {
                at: parse_date(as_of)?,
                basis: parse_basis(basis)?,
                dyad: parse_dyad(&self.inner, dyad)?,
                filter: on.map(|_| parse_filter(on)).transpose()?,
                party: None,
                regimes: Vec::new(),
            };
            let (columns, write): (&[bordertrack::report::Column], fn(_, _, _) -> _) = match layer {
                "segments" => (bordertrack::layers::SEGMENTS, bordertrack::layers::write_segments),
                "status" => (bordertrack::layers::STATUS, bordertrack::layers::write_status),
                "places" => (bordertrack::layers::PLACES, bordertrack::layers::write_places),
                other => return Err(PyValueError::new_err(format!("no layer {other:?}"))),
            };
            let schema = bordertrack::layers::schema(columns, true);
            let mut sink =
                RowWriter::with_schema(Vec::new(), Format::GeoJson, &schema).map_err(value_error)?;
            write(&self.inner, &query, &mut sink).map_err(value_error)?;
            let bytes = sink.finish().map_err(value_error)?;
            String::from_utf8(bytes).map_err(value_error)
        })
    }

    /// The aggregate counts the sources give without points (`bordertrack tallies`), as
    /// GeoJSON text without geometries: those of `dyad`, and whose period meets the range from
    /// `from_date`'s first day to `to_date`'s last day (either end open when None).
    #[pyo3(signature = (dyad=None, from_date=None, to_date=None))]
    fn _tallies(
        &self,
        dyad: Option<&str>,
        from_date: Option<&str>,
        to_date: Option<&str>,
    ) -> PyResult<String> {
        guarded(|| {
            let partial = |d: Option<&str>| {
                d.map(|t| t.parse::<PartialDate>().map_err(value_error))
                    .transpose()
            };
            let (from, to) = (partial(from_date)?, partial(to_date)?);
            let at = match (from, to) {
                (None, None) => None,
                _ => Some(DateSpan::from_to(from, to).ok_or_else(|| {
                    PyValueError::new_err(format!(
                        "to_date {} ends before from_date {} begins",
                        to_date.unwrap_or_default(),
                        from_date.unwrap_or_default()
                    ))
                })?),
            };
            let query = LayerQuery {
                at,
                basis: Basis::InForce,
                dyad: parse_dyad(&self.inner, dyad)?,
                filter: None,
                party: None,
                regimes: Vec::new(),
            };
            layer_geojson(bordertrack::layers::TALLIES, false, |sink| {
                bordertrack::layers::write_tallies(&self.inner, &query, sink)
            })
        })
    }

    /// Per dyad (or `dyad`), what the dataset records of it (`bordertrack coverage`), as
    /// GeoJSON text: shares with known status at `as_of` (today when None), the lowest since
    /// `since`, incidents within `within_m` metres.
    #[pyo3(signature = (as_of=None, basis="in-force", since="1992", dyad=None, within_m=1000.0))]
    fn _coverage(
        &self,
        as_of: Option<&str>,
        basis: &str,
        since: &str,
        dyad: Option<&str>,
        within_m: f64,
    ) -> PyResult<String> {
        guarded(|| {
            let at = parse_date(as_of)?.unwrap_or_else(today);
            let since = since.parse::<PartialDate>().map_err(value_error)?;
            if since.first() > at.last {
                return Err(PyValueError::new_err(format!(
                    "since {since} is after the date asked for"
                )));
            }
            if !(within_m.is_finite() && within_m >= 0.0) {
                return Err(PyValueError::new_err(format!(
                    "within_m must be a finite distance >= 0 in metres, not {within_m}"
                )));
            }
            let dyads = match parse_dyad(&self.inner, dyad)? {
                Some(d) => vec![d],
                None => self.inner.dataset().dyads(),
            };
            let query = CoverageQuery {
                at,
                since: since.first(),
                basis: parse_basis(basis)?,
                within_m,
            };
            layer_geojson(bordertrack::layers::COVERAGE, true, |sink| {
                bordertrack::layers::write_coverage(&self.inner, &dyads, &query, sink)
            })
        })
    }

    /// Which stretches changed status or regime (`bordertrack diff`) from `from_date`'s first
    /// day to `to_date`'s last day (today when None), as GeoJSON text.
    #[pyo3(signature = (from_date, to_date=None, basis="in-force", dyad=None))]
    fn _diff(
        &self,
        from_date: &str,
        to_date: Option<&str>,
        basis: &str,
        dyad: Option<&str>,
    ) -> PyResult<String> {
        guarded(|| {
            let from = from_date.parse::<PartialDate>().map_err(value_error)?;
            let to = parse_date(to_date)?.unwrap_or_else(today);
            let (from, to) = (DateSpan::day(from.first()), DateSpan::day(to.last));
            if from.first > to.last {
                return Err(PyValueError::new_err(format!(
                    "from_date {from_date} is after to_date"
                )));
            }
            let query = DiffQuery {
                from,
                to,
                basis: parse_basis(basis)?,
                dyad: parse_dyad(&self.inner, dyad)?,
            };
            layer_geojson(bordertrack::layers::DIFF, true, |sink| {
                bordertrack::layers::write_diff(&self.inner, &query, sink)
            })
        })
    }

    /// Classifies an incident table file (CSV, GeoJSON, or Parquet by its extension) with the
    /// library's parallel table pipeline, the GIL released. Returns `(csv_text, problems,
    /// (read, matched, bad))`; the caller decides what bad rows mean.
    #[pyo3(signature = (path, within_m=None, as_of=None, basis="in-force", on=None, dyad=None,
                        certain=false, all_rows=true, check_ids=true, nearest=false, prefix=""))]
    #[allow(clippy::too_many_arguments)]
    fn _classify_table(
        &self,
        py: Python<'_>,
        path: PathBuf,
        within_m: Option<f64>,
        as_of: Option<&str>,
        basis: &str,
        on: Option<&str>,
        dyad: Option<&str>,
        certain: bool,
        all_rows: bool,
        check_ids: bool,
        nearest: bool,
        prefix: &str,
    ) -> PyResult<TableResult> {
        guarded(|| {
            let mut query = incident_query(within_m, nearest)?;
            query.as_of = parse_date(as_of)?;
            query.filter = parse_filter(on)?;
            query.dyad = parse_dyad(&self.inner, dyad)?;
            query.certain_only = certain;
            let basis = parse_basis(basis)?;
            let borders = &self.inner;
            let prefix = prefix.to_owned();
            py.allow_threads(move || {
                guarded(|| {
                    let name = path.display().to_string();
                    let file = File::open(&path)
                        .map_err(|e| PyValueError::new_err(format!("{name}: {e}")))?;
                    let (reader, len) = if bordertrack::io::is_parquet_path(&path) {
                        (IncidentReader::from_parquet(file, &name), None)
                    } else {
                        let len = file.metadata().ok().map(|m| m.len());
                        let input: Box<dyn Read + Send> = Box::new(file);
                        (IncidentReader::from_reader(input, &name), len)
                    };
                    let reader = reader.map_err(|e| value_error(problems_text(&e)))?;
                    let mut reader = reader.check_duplicate_ids(check_ids);
                    let options = TableOptions {
                        all_rows,
                        basis,
                        input_len_bytes: len,
                        ..TableOptions::default()
                    };
                    let schema =
                        IncidentLayer::schema_for(reader.columns().as_deref(), &prefix, false)
                            .map_err(value_error)?;
                    let mut sink = RowWriter::with_schema(Vec::new(), Format::Csv, &schema)
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

/// A text date column's values as `&str`s (`None` for day numbers).
fn text_refs(d: &Dates) -> Option<Vec<&str>> {
    match d {
        Dates::Text(t) => Some(t.iter().map(String::as_str).collect()),
        Dates::Days(_) => None,
    }
}

/// The library's view of a date column: its day numbers, or `text` (from [`text_refs`]).
fn date_column<'a>(d: &'a Dates, text: Option<&'a [&'a str]>) -> DateColumn<'a> {
    match (d, text) {
        (Dates::Days(days), _) => DateColumn::Days(days),
        (Dates::Text(_), Some(t)) => DateColumn::Text(t),
        (Dates::Text(_), None) => DateColumn::Text(&[]),
    }
}

/// Classifies the points and encodes the answers as typed columns.
#[allow(clippy::too_many_arguments)]
fn point_table(
    borders: &bordertrack::Borders,
    lon: &[f64],
    lat: &[f64],
    start: &Dates,
    end: Option<&Dates>,
    precision_m: Option<&[f64]>,
    query: &IncidentQuery,
    basis: Basis,
) -> PyResult<PointTable> {
    let (start_text, end_text) = (text_refs(start), end.and_then(text_refs));
    let points = PointColumns {
        lon,
        lat,
        date_start: date_column(start, start_text.as_deref()),
        date_end: end.map(|e| date_column(e, end_text.as_deref())),
        precision_m,
    };
    let answers = borders
        .classify_points(&points, "<points>", query, basis)
        .map_err(value_error)?;
    let problems: Vec<String> = answers.problems.iter().map(ToString::to_string).collect();
    let n = answers.matches.len();
    let mut table = PointTable {
        problems,
        date_start: answers.dates.iter().map(|d| epoch_days(d.first)).collect(),
        date_end: answers.dates.iter().map(|d| epoch_days(d.last)).collect(),
        distance_m: Vec::with_capacity(n),
        chainage_km: Vec::with_capacity(n),
        text: POINT_TEXT_COLUMNS
            .iter()
            .map(|&c| (c, Dictionary::default()))
            .collect(),
    };
    if !table.problems.is_empty() {
        return Ok(table);
    }
    let data = borders.dataset();
    let segment_id = |i: usize| data.segments().get(i).map_or("", |s| s.id.as_str());
    let mut dyads: HashMap<Dyad, String> = HashMap::new();
    for m in &answers.matches {
        let Some(m) = m else {
            table.distance_m.push(f64::NAN);
            table.chainage_km.push(f64::NAN);
            for (_, d) in &mut table.text {
                d.push(None);
            }
            continue;
        };
        let l = &m.located;
        table.distance_m.push(l.distance_m);
        table.chainage_km.push(l.chainage_m / 1000.0);
        let dyad = dyads
            .entry(l.dyad)
            .or_insert_with(|| l.dyad.to_string())
            .clone();
        let ambiguity = m.status.ambiguity();
        let alternatives = alternatives_text(&m.alternatives, segment_id);
        let regimes = regimes_text(&m.regimes);
        let values: [Option<&str>; 10] = [
            Some(segment_id(l.segment_index)),
            Some(&dyad),
            Some(l.side.as_ref().map_or("on", |c| c.as_str())),
            Some(m.status.delimitation_word()),
            Some(m.status.demarcation_word()),
            borders.instrument_id_of(&m.status),
            Some(&ambiguity),
            Some(&regimes),
            Some(m.certainty.as_str()),
            Some(&alternatives),
        ];
        for ((_, d), v) in table.text.iter_mut().zip(values) {
            d.push(v);
        }
    }
    Ok(table)
}

/// The native module; the public API is the Python package `bordertrack`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyBorders>()?;
    Ok(())
}
