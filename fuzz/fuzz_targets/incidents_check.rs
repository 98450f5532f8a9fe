//! Checks shared by the incident-reader targets.

use std::ops::ControlFlow;
use std::sync::OnceLock;

use bordertrack::io::{IncidentReader, Layout};
use bordertrack::pipeline::{IncidentLayer, TableOptions};
use bordertrack::query::IncidentQuery;
use bordertrack::report::{Format, RowWriter};
use bordertrack::{Borders, Error, Incident, Problem, StatusFilter};

/// Opens `input`, checking duplicate ids or not; `None` when the reader rejects it as a
/// whole, after checking that the rejection is an `Invalid` error listing problems with
/// messages.
pub fn open(input: &[u8], check_ids: bool) -> Option<IncidentReader<&[u8]>> {
    match IncidentReader::from_reader(input, "fuzz.in") {
        Ok(r) => Some(r.check_duplicate_ids(check_ids)),
        Err(Error::Invalid(problems)) => {
            assert!(!problems.is_empty(), "a rejection without problems");
            for p in &problems {
                assert!(!p.message.trim().is_empty(), "empty message: {p:?}");
                let _ = p.to_string();
            }
            None
        }
        Err(e) => panic!("unexpected error kind from an in-memory input: {e}"),
    }
}

/// Every item: an incident within range, or a problem with a message.
pub fn check_item(item: &Result<Incident, Problem>) {
    match item {
        Ok(i) => {
            let (lon, lat) = (i.point.x(), i.point.y());
            assert!(
                lon.is_finite() && (-180.0..=180.0).contains(&lon),
                "longitude {lon} accepted"
            );
            assert!(
                lat.is_finite() && (-90.0..=90.0).contains(&lat),
                "latitude {lat} accepted"
            );
            assert!(
                i.precision_m.is_finite() && i.precision_m >= 0.0,
                "precision_m {} accepted",
                i.precision_m
            );
            assert!(i.date.first <= i.date.last, "empty date span {:?}", i.date);
        }
        Err(p) => {
            assert!(!p.message.trim().is_empty(), "empty message: {p:?}");
            let _ = p.to_string();
        }
    }
}

/// All items through `records()`, checked.
pub fn via_records(input: &[u8], check_ids: bool) -> Option<Vec<Result<Incident, Problem>>> {
    let mut reader = open(input, check_ids)?;
    let items: Vec<_> = reader.records().collect();
    items.iter().for_each(check_item);
    Some(items)
}

/// One incident as the pipeline wrote it: its id, latitude and longitude (under the table's
/// own column names for a CSV table, which carries its columns as written; `id`, `lat` and
/// `lon` from the classification otherwise), and its first and last day (the
/// classification's `bt_date_start` and `bt_date_end`).
#[derive(Debug)]
pub struct Written {
    pub id: String,
    pub lat: String,
    pub lon: String,
    pub first: String,
    pub last: String,
}

/// The names the pipeline writes an incident's id, latitude and longitude under: for a CSV
/// table (which carries its own columns), its layout's columns as the header spells them
/// (compared trimmed and case-insensitively, the plain layout's aliases included); for
/// GeoJSON and Parquet, the classification's `id`, `lat` and `lon`.
fn id_lat_lon_names(reader: &IncidentReader<&[u8]>) -> [String; 3] {
    let Some(columns) = reader.columns() else {
        return ["id".into(), "lat".into(), "lon".into()];
    };
    let names: Vec<String> = columns.iter().map(|c| c.name.to_string()).collect();
    let find = |wanted: &[&str]| {
        wanted
            .iter()
            .find_map(|w| {
                names
                    .iter()
                    .find(|n| n.trim().eq_ignore_ascii_case(w))
                    .cloned()
            })
            .unwrap_or_default()
    };
    match reader.layout() {
        Layout::Acled => [
            find(&["event_id_cnty"]),
            find(&["latitude"]),
            find(&["longitude"]),
        ],
        Layout::UcdpGed => [find(&["id"]), find(&["latitude"]), find(&["longitude"])],
        _ => [
            find(&["id"]),
            find(&["lat", "latitude"]),
            find(&["lon", "longitude", "lng", "long"]),
        ],
    }
}

/// What the library pipeline (`Borders::classify_table`, every row written) gives for
/// `input`: the incidents written, whether the table carried its own columns, and the
/// problems handed out, in order; `None` when the reader rejects the input as a whole,
/// `Some(None)` when a column of the table has the name of a classification column (then
/// there is nothing to compare).
#[allow(clippy::type_complexity)]
pub fn via_pipeline(
    input: &[u8],
    check_ids: bool,
) -> Option<Option<(Vec<Written>, bool, Vec<String>)>> {
    let mut reader = open(input, check_ids)?;
    let Ok(schema) = IncidentLayer::schema_for(reader.columns().as_deref(), "bt_", false) else {
        return Some(None);
    };
    let carried = reader.columns().is_some();
    let [id, lat, lon] = id_lat_lon_names(&reader);
    let borders = borders();
    let query = IncidentQuery {
        within_m: 1_000.0,
        as_of: None,
        filter: StatusFilter::default(),
        dyad: None,
        certain_only: false,
        regimes: Vec::new(),
        nearest: false,
    };
    let options = TableOptions {
        all_rows: true,
        ..TableOptions::default()
    };
    let mut sink =
        RowWriter::with_schema(Vec::new(), Format::Json, &schema).expect("writing into a Vec");
    let mut problems = Vec::new();
    let summary = borders
        .classify_table(&mut reader, &query, options, &mut sink, &mut |p| {
            problems.push(p.to_string());
            ControlFlow::Continue(())
        })
        .expect("the pipeline runs");
    let out = sink.finish().expect("writing into a Vec");
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out).expect("the output is JSON");
    assert_eq!(
        summary.read,
        rows.len() as u64,
        "rows read and written differ"
    );
    assert_eq!(
        summary.bad,
        problems.len() as u64,
        "bad rows and problems differ"
    );
    let text = |r: &serde_json::Value, k: &str| match &r[k] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let written = rows
        .iter()
        .map(|r| Written {
            id: text(r, &id),
            lat: text(r, &lat),
            lon: text(r, &lon),
            first: text(r, "bt_date_start"),
            last: text(r, "bt_date_end"),
        })
        .collect();
    Some(Some((written, carried, problems)))
}

/// Checks that `w` is how the pipeline writes incident `i`: the same id, the same position
/// (a carried column's text read as the reader reads it, trimmed; the classification's
/// columns at six decimals) and the same first and last day.
fn check_written(w: &Written, i: &Incident, carried: bool) {
    let number = |s: &str| s.trim().parse::<f64>().ok();
    let (want_lat, want_lon) = if carried {
        (Some(i.point.y()), Some(i.point.x()))
    } else {
        let six = |v: f64| format!("{v:.6}").parse::<f64>().ok();
        (six(i.point.y()), six(i.point.x()))
    };
    assert_eq!(
        w.id.trim_ascii(),
        i.id,
        "the pipeline wrote another id: {w:?}"
    );
    assert_eq!(
        number(&w.lat),
        want_lat,
        "the pipeline wrote another latitude: {w:?}, {i:?}"
    );
    assert_eq!(
        number(&w.lon),
        want_lon,
        "the pipeline wrote another longitude: {w:?}, {i:?}"
    );
    assert_eq!(
        [w.first.as_str(), w.last.as_str()],
        [i.date.first.to_string(), i.date.last.to_string()],
        "the pipeline wrote other days: {w:?}, {i:?}"
    );
}

/// The embedded dataset, indexed once.
fn borders() -> &'static Borders {
    static BORDERS: OnceLock<Borders> = OnceLock::new();
    BORDERS.get_or_init(|| Borders::embedded().expect("the embedded dataset loads"))
}

/// `records()` and the library pipeline agree: the same incidents in the same order, and
/// the same problems in the same order, with and without the duplicate-id check.
pub fn same_both_ways(input: &[u8]) {
    for check_ids in [true, false] {
        let records = via_records(input, check_ids);
        let pipeline = via_pipeline(input, check_ids);
        match (records, pipeline) {
            (None, None) | (Some(_), Some(None)) => {}
            (Some(items), Some(Some((written, carried, problems)))) => {
                let incidents: Vec<&Incident> =
                    items.iter().filter_map(|i| i.as_ref().ok()).collect();
                let want_problems: Vec<String> = items
                    .iter()
                    .filter_map(|i| i.as_ref().err().map(Problem::to_string))
                    .collect();
                assert_eq!(
                    written.len(),
                    incidents.len(),
                    "records() and the pipeline disagree on the number of rows"
                );
                for (w, i) in written.iter().zip(&incidents) {
                    check_written(w, i, carried);
                }
                assert_eq!(
                    problems, want_problems,
                    "records() and the pipeline disagree on problems"
                );
            }
            _ => panic!("the two readings disagree on opening the same input"),
        }
    }
}
