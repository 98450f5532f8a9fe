//! Checks shared by the incident-reader targets.

use std::ops::ControlFlow;
use std::sync::OnceLock;

use bordertrack::io::IncidentReader;
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

/// What the library pipeline (`Borders::classify_table`, every row written) gives for
/// `input`: the incidents written (each one's first and last day, from the classification's
/// `bt_date_start` and `bt_date_end`: a table's own columns come through as written, under
/// the table's own names) and the problems handed out, in order; `None` when the reader
/// rejects the input as a whole, `Some(None)` when a column of the table has the name of a
/// classification column (then there is nothing to compare).
pub fn via_pipeline(
    input: &[u8],
    check_ids: bool,
) -> Option<Option<(Vec<[String; 2]>, Vec<String>)>> {
    let mut reader = open(input, check_ids)?;
    let Ok(schema) = IncidentLayer::schema_for(reader.columns().as_deref(), "bt_", false) else {
        return Some(None);
    };
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
        .map(|r| [text(r, "bt_date_start"), text(r, "bt_date_end")])
        .collect();
    Some(Some((written, problems)))
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
            (Some(items), Some(Some((written, problems)))) => {
                let mut want_rows = Vec::new();
                let mut want_problems = Vec::new();
                for item in &items {
                    match item {
                        Ok(i) => {
                            want_rows.push([i.date.first.to_string(), i.date.last.to_string()]);
                        }
                        Err(p) => want_problems.push(p.to_string()),
                    }
                }
                assert_eq!(
                    written, want_rows,
                    "records() and the pipeline disagree on rows"
                );
                assert_eq!(
                    problems, want_problems,
                    "records() and the pipeline disagree on problems"
                );
            }
            _ => panic!("the two readings disagree on opening the same input"),
        }
    }
}
