//! Every command through the binary, on the synthetic datasets of `tests/fixtures/`.
//!
//! `tests/fixtures/tiny` has one dyad XAA-XBB with two segments:
//! - XAA-XBB-1 (69°E, 41°N to 41.9°N): undelimited from 1991-12, delimited by treaty t-1990
//!   (signed 2001-11-16, no entry-into-force date), demarcation in progress from 2004-04,
//!   demarcated by t-2022 (signed 2022-12-22, in force 2023-07-04);
//! - XAA-XBB-2 (41.9°N to 42°N): undelimited from 1991-12, disputed by t-1990, delimited by
//!   agreement t-2002 (signed 2002-09-09, in force 2003-09-05), then like XAA-XBB-1.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;

use assert_cmd::assert::OutputAssertExt;
use predicates::prelude::*;
use serde_json::Value;

use crate::util::{
    bordertrack, cell, csv_rows, fixture, geodesic_km, num, stdout_of, tiny, write_long_dataset,
    BoxError, Row, TestResult, Workdir,
};

const SEGMENTS_HEADER: &str = "segment_id,dyad,left,right,name,length_km,delimitation,demarcation,since,since_start,since_end,instrument_id,source_id,extent,ambiguity,regimes";

fn seg1_km() -> f64 {
    geodesic_km(&[(69.0, 41.0), (69.0, 41.9)])
}

fn seg2_km() -> f64 {
    geodesic_km(&[(69.0, 41.9), (69.0, 42.0)])
}

/// What `bordertrack COMMAND --data TINY ARGS...` writes on standard output (it must succeed).
fn on_tiny(command: &str, args: &[&str]) -> Result<String, BoxError> {
    let data = tiny();
    let mut all = vec![command, "--data", &data];
    all.extend_from_slice(args);
    stdout_of(&mut bordertrack(&all))
}

/// `segments` on the tiny dataset as CSV rows keyed by segment id.
fn segments(extra: &[&str]) -> Result<(Vec<String>, HashMap<String, Row>), BoxError> {
    let mut args = vec!["--format", "csv"];
    args.extend_from_slice(extra);
    let text = on_tiny("segments", &args)?;
    let (header, rows) = csv_rows(&text)?;
    let mut by_id = HashMap::new();
    for r in rows {
        by_id.insert(cell(&r, "segment_id")?.to_string(), r);
    }
    Ok((header, by_id))
}

fn ids(rows: &HashMap<String, HashMap<String, String>>) -> Vec<&str> {
    let mut v: Vec<&str> = rows.keys().map(String::as_str).collect();
    v.sort_unstable();
    v
}

/// `stats` for one date as a row of numbers.
fn stats_at(
    as_of: &str,
    basis: &str,
) -> Result<HashMap<String, String>, Box<dyn std::error::Error>> {
    let text = on_tiny(
        "stats",
        &["--format", "csv", "--as-of", as_of, "--basis", basis],
    )?;
    let (_, mut rows) = csv_rows(&text)?;
    if rows.len() != 1 {
        return Err(format!("expected one row, got {rows:?}").into());
    }
    Ok(rows.remove(0))
}

fn assert_km(row: &HashMap<String, String>, column: &str, km: f64) -> TestResult {
    let got = num(row, column)?;
    // The output has 3 decimals.
    assert!(
        (got - km).abs() <= 0.0005 + 1e-9,
        "{column}: got {got}, expected {km:.4} in {row:?}"
    );
    Ok(())
}

#[test]
fn segments_csv_header_is_exact() -> TestResult {
    let text = on_tiny("segments", &["--as-of", "2002"])?;
    assert_eq!(text.lines().next(), Some(SEGMENTS_HEADER));
    Ok(())
}

#[test]
fn segments_rows_before_and_after_the_2002_agreement() -> TestResult {
    let (_, rows) = segments(&["--as-of", "2002-01-01"])?;
    assert_eq!(ids(&rows), ["XAA-XBB-1", "XAA-XBB-2"]);
    let s1 = &rows["XAA-XBB-1"];
    assert_eq!(cell(s1, "dyad")?, "XAA-XBB");
    assert_eq!((cell(s1, "left")?, cell(s1, "right")?), ("XAA", "XBB"));
    assert_eq!(cell(s1, "name")?, "Delimited in 2001");
    assert_eq!(cell(s1, "delimitation")?, "delimited");
    assert_eq!(cell(s1, "demarcation")?, "none");
    assert_eq!(cell(s1, "since")?, "2001-11-16");
    assert_eq!(cell(s1, "since_start")?, "2001-11-16");
    assert_eq!(cell(s1, "since_end")?, "2001-11-16");
    assert_eq!(cell(s1, "instrument_id")?, "t-1990");
    assert_eq!(cell(s1, "extent")?, "exact");
    assert_eq!(cell(s1, "ambiguity")?, "");
    assert_km(s1, "length_km", seg1_km())?;
    let s2 = &rows["XAA-XBB-2"];
    assert_eq!(cell(s2, "delimitation")?, "disputed");
    assert_eq!(cell(s2, "extent")?, "approximate");
    assert_km(s2, "length_km", seg2_km())?;

    let (_, rows) = segments(&["--as-of", "2003-09-05"])?;
    let s2 = &rows["XAA-XBB-2"];
    assert_eq!(cell(s2, "delimitation")?, "delimited");
    assert_eq!(cell(s2, "since")?, "2003-09-05");
    assert_eq!(cell(s2, "instrument_id")?, "t-2002");
    Ok(())
}

#[test]
fn segments_dyad_filter_accepts_either_order() -> TestResult {
    let (_, a) = segments(&["--as-of", "2010", "--dyad", "XAA-XBB"])?;
    let (_, b) = segments(&["--as-of", "2010", "--dyad", "XBB-XAA"])?;
    assert_eq!(ids(&a), ["XAA-XBB-1", "XAA-XBB-2"]);
    assert_eq!(a, b);
    Ok(())
}

#[test]
fn on_undelimited_is_exactly_undelimited_and_not_delimited_covers_disputed() -> TestResult {
    // 2002-01-01: XAA-XBB-1 delimited, XAA-XBB-2 disputed.
    let (header, rows) = segments(&["--as-of", "2002-01-01", "--on", "undelimited"])?;
    assert!(rows.is_empty(), "{rows:?}");
    assert_eq!(header.join(","), SEGMENTS_HEADER);
    let (_, rows) = segments(&["--as-of", "2002-01-01", "--on", "not_delimited"])?;
    assert_eq!(ids(&rows), ["XAA-XBB-2"]);
    let (_, rows) = segments(&["--as-of", "2002-01-01", "--on", "disputed"])?;
    assert_eq!(ids(&rows), ["XAA-XBB-2"]);
    let (_, rows) = segments(&["--as-of", "2002-01-01", "--on", "delimited"])?;
    assert_eq!(ids(&rows), ["XAA-XBB-1"]);
    // 1995: both undelimited, neither disputed.
    for word in ["undelimited", "not_delimited"] {
        let (_, rows) = segments(&["--as-of", "1995", "--on", word])?;
        assert_eq!(ids(&rows), ["XAA-XBB-1", "XAA-XBB-2"], "{word}");
    }
    let (_, rows) = segments(&["--as-of", "1995", "--on", "disputed"])?;
    assert!(rows.is_empty(), "{rows:?}");
    // Before the record starts (1991-12) nothing is known: only the unknown words match.
    for word in [
        "undelimited",
        "not_delimited",
        "undemarcated",
        "not_demarcated",
    ] {
        let (_, rows) = segments(&["--as-of", "1991-06", "--on", word])?;
        assert!(rows.is_empty(), "{word}: {rows:?}");
    }
    Ok(())
}

#[test]
fn on_unknown_lists_the_segments_with_no_known_status() -> TestResult {
    for word in ["unknown", "delimitation_unknown", "demarcation_unknown"] {
        let (_, rows) = segments(&["--as-of", "1991-06", "--on", word])?;
        assert_eq!(ids(&rows), ["XAA-XBB-1", "XAA-XBB-2"], "{word}");
        let r = &rows["XAA-XBB-1"];
        assert_eq!(cell(r, "delimitation")?, "unknown");
        assert_eq!(cell(r, "demarcation")?, "unknown");
        let (_, rows) = segments(&["--as-of", "1995", "--on", word])?;
        assert!(rows.is_empty(), "{word}: {rows:?}");
    }
    Ok(())
}

#[test]
fn on_undemarcated_is_exactly_none_and_not_demarcated_covers_in_progress() -> TestResult {
    // 2002: demarcation none on both; 2010: in progress on both; 2024: both demarcated.
    let (_, rows) = segments(&["--as-of", "2002", "--on", "undemarcated"])?;
    assert_eq!(ids(&rows), ["XAA-XBB-1", "XAA-XBB-2"]);
    let (_, rows) = segments(&["--as-of", "2010", "--on", "undemarcated"])?;
    assert!(rows.is_empty(), "{rows:?}");
    for word in ["not_demarcated", "in_progress"] {
        let (_, rows) = segments(&["--as-of", "2010", "--on", word])?;
        assert_eq!(ids(&rows), ["XAA-XBB-1", "XAA-XBB-2"], "{word}");
    }
    let (_, rows) = segments(&["--as-of", "2002", "--on", "not_demarcated"])?;
    assert_eq!(ids(&rows), ["XAA-XBB-1", "XAA-XBB-2"]);
    let (_, rows) = segments(&["--as-of", "2024", "--on", "not_demarcated"])?;
    assert!(rows.is_empty(), "{rows:?}");
    let (_, rows) = segments(&["--as-of", "2024", "--on", "demarcated"])?;
    assert_eq!(ids(&rows), ["XAA-XBB-1", "XAA-XBB-2"]);
    // Comma means "or".
    let (_, rows) = segments(&["--as-of", "2002-01-01", "--on", "disputed,delimited"])?;
    assert_eq!(ids(&rows), ["XAA-XBB-1", "XAA-XBB-2"]);
    Ok(())
}

#[test]
fn segments_json_is_an_array_of_flat_objects() -> TestResult {
    let text = on_tiny("segments", &["--as-of", "2002-01-01", "--format", "json"])?;
    let v: Value = serde_json::from_str(&text)?;
    let rows = v.as_array().ok_or("not an array")?;
    assert_eq!(rows.len(), 2);
    let columns: Vec<&str> = SEGMENTS_HEADER.split(',').collect();
    for r in rows {
        let o = r.as_object().ok_or("row is not an object")?;
        let keys: Vec<&str> = o.keys().map(String::as_str).collect();
        let mut want = columns.clone();
        want.sort_unstable();
        let mut got = keys.clone();
        got.sort_unstable();
        assert_eq!(got, want);
        assert!(o["length_km"].is_number(), "{o:?}");
        assert!(o["ambiguity"].is_null(), "empty cells are null: {o:?}");
    }
    let first = &rows[0];
    assert_eq!(first["segment_id"], "XAA-XBB-1");
    let km = first["length_km"].as_f64().ok_or("length_km")?;
    assert!((km - seg1_km()).abs() < 0.0005 + 1e-9);
    Ok(())
}

#[test]
fn segments_geojson_is_an_rfc7946_feature_collection() -> TestResult {
    let text = on_tiny(
        "segments",
        &["--as-of", "2002-01-01", "--format", "geojson"],
    )?;
    let v: Value = serde_json::from_str(&text)?;
    assert_eq!(v["type"], "FeatureCollection");
    // RFC 7946 §4: WGS84 only, no "crs" member.
    assert!(v.get("crs").is_none());
    let features = v["features"].as_array().ok_or("no features array")?;
    assert_eq!(features.len(), 2);
    let lines = [
        vec![[69.0, 41.0], [69.0, 41.9]],
        vec![[69.0, 41.9], [69.0, 42.0]],
    ];
    for (f, line) in features.iter().zip(lines) {
        assert_eq!(f["type"], "Feature");
        assert_eq!(f["geometry"]["type"], "LineString");
        let coords: Vec<[f64; 2]> = serde_json::from_value(f["geometry"]["coordinates"].clone())?;
        assert_eq!(coords, line);
        let props = f["properties"].as_object().ok_or("properties")?;
        assert!(
            props.values().all(|p| !p.is_object() && !p.is_array()),
            "properties must be flat: {props:?}"
        );
        assert_eq!(props.len(), SEGMENTS_HEADER.split(',').count());
    }
    assert_eq!(features[1]["properties"]["delimitation"], "disputed");
    // Also parses as GeoJSON with the geojson crate.
    let gj: geojson::GeoJson = text.parse()?;
    assert!(matches!(gj, geojson::GeoJson::FeatureCollection(_)));
    Ok(())
}

#[test]
fn output_file_is_written_and_stdout_is_empty() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    let expected = on_tiny("segments", &["--as-of", "2002", "--format", "csv"])?;
    dir.bordertrack([
        "segments", "--data", &data, "--as-of", "2002", "-o", "out.csv",
    ])
    .assert()
    .success()
    .stdout("");
    assert_eq!(std::fs::read_to_string(dir.join("out.csv"))?, expected);
    // The format follows the extension; no temporary file is left behind.
    dir.bordertrack([
        "segments",
        "--data",
        &data,
        "--as-of",
        "2002",
        "-o",
        "out.geojson",
    ])
    .assert()
    .success();
    let v: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("out.geojson"))?)?;
    assert_eq!(v["type"], "FeatureCollection");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    names.sort();
    assert_eq!(names, ["out.csv", "out.geojson"]);
    Ok(())
}

#[test]
fn output_onto_an_input_file_is_refused() -> TestResult {
    let dir = Workdir::new()?;
    dir.copy_dir(&fixture("tiny"), "data")?;
    for (cmd, file) in [
        (vec!["segments", "--as-of", "2002"], "data/status.csv"),
        (vec!["stats", "--as-of", "2002"], "data/segments.geojson"),
        (vec!["history", "--dyad", "XAA-XBB"], "data/./sources.csv"),
    ] {
        let canonical = file.replace("/./", "/");
        let before = std::fs::read(dir.join(&canonical))?;
        let mut args = cmd.clone();
        args.extend(["--data", "data", "-o", file]);
        dir.bordertrack(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(
                "refusing to overwrite an input file",
            ));
        assert_eq!(
            std::fs::read(dir.join(&canonical))?,
            before,
            "{canonical} changed"
        );
    }
    Ok(())
}

#[test]
fn stats_before_and_after_each_instrument() -> TestResult {
    let (l1, l2) = (seg1_km(), seg2_km());
    let total = l1 + l2;
    // t-1990, signed 2001-11-16 (no entry into force: in-force falls back to signature).
    let r = stats_at("2001-11-15", "in-force")?;
    assert_km(&r, "length_km", total)?;
    assert_km(&r, "undelimited_km", total)?;
    assert_km(&r, "delimited_km", 0.0)?;
    let r = stats_at("2001-11-16", "in-force")?;
    assert_km(&r, "delimited_km", l1)?;
    assert_km(&r, "disputed_km", l2)?;
    assert_km(&r, "undelimited_km", 0.0)?;
    // t-2002, in force 2003-09-05.
    let r = stats_at("2003-09-04", "in-force")?;
    assert_km(&r, "disputed_km", l2)?;
    let r = stats_at("2003-09-05", "in-force")?;
    assert_km(&r, "delimited_km", total)?;
    assert_km(&r, "disputed_km", 0.0)?;
    // Field work from 2004-04 (a month: the days of April are ambiguous).
    let r = stats_at("2004-03-31", "in-force")?;
    assert_km(&r, "in_progress_km", 0.0)?;
    let r = stats_at("2004-05-01", "in-force")?;
    assert_km(&r, "in_progress_km", total)?;
    // t-2022, in force 2023-07-04.
    let r = stats_at("2023-07-03", "in-force")?;
    assert_km(&r, "demarcated_km", 0.0)?;
    assert_km(&r, "in_progress_km", total)?;
    let r = stats_at("2023-07-04", "in-force")?;
    assert_km(&r, "demarcated_km", total)?;
    assert_km(&r, "in_progress_km", 0.0)?;
    assert_eq!(cell(&r, "demarcated_pct")?, "100.00");
    Ok(())
}

#[test]
fn stats_percentages_are_shares_of_the_geodesic_length() -> TestResult {
    let (l1, l2) = (seg1_km(), seg2_km());
    let r = stats_at("2002-01-01", "in-force")?;
    assert_eq!(cell(&r, "dyad")?, "XAA-XBB");
    let pct = 100.0 * l1 / (l1 + l2);
    assert_eq!(cell(&r, "delimited_pct")?, format!("{pct:.2}"));
    assert_eq!(cell(&r, "demarcated_pct")?, "0.00");
    assert_eq!(cell(&r, "delimitation_ambiguous_km")?, "0.000");
    assert_eq!(cell(&r, "demarcation_ambiguous_km")?, "0.000");
    Ok(())
}

#[test]
fn stats_counts_ambiguous_lengths_apart() -> TestResult {
    // Over the year 2003 XAA-XBB-2 went from disputed to delimited.
    let r = stats_at("2003", "in-force")?;
    assert_km(&r, "delimitation_ambiguous_km", seg2_km())?;
    assert_km(&r, "delimited_km", seg1_km())?;
    assert_km(&r, "disputed_km", 0.0)?;
    // Its demarcation did not change in 2003: it still counts, as undemarcated.
    assert_km(&r, "demarcation_ambiguous_km", 0.0)?;
    assert_km(&r, "undemarcated_km", seg1_km() + seg2_km())?;
    Ok(())
}

#[test]
fn stats_count_each_dimension_on_its_own() -> TestResult {
    let total = seg1_km() + seg2_km();
    // Field work began in 2004-04: demarcation is ambiguous over 2004, delimitation is not.
    let r = stats_at("2004", "in-force")?;
    assert_km(&r, "demarcation_ambiguous_km", total)?;
    assert_km(&r, "delimited_km", total)?;
    assert_km(&r, "delimitation_ambiguous_km", 0.0)?;
    assert_eq!(cell(&r, "delimited_pct")?, "100.00");
    Ok(())
}

#[test]
fn stats_count_unknown_apart() -> TestResult {
    let total = seg1_km() + seg2_km();
    // The record starts in 1991-12: before it both dimensions are unknown, and unknown is
    // neither undelimited nor undemarcated.
    let r = stats_at("1991-06", "in-force")?;
    assert_km(&r, "delimitation_unknown_km", total)?;
    assert_km(&r, "demarcation_unknown_km", total)?;
    assert_km(&r, "undelimited_km", 0.0)?;
    assert_km(&r, "undemarcated_km", 0.0)?;
    let r = stats_at("1995", "in-force")?;
    assert_km(&r, "delimitation_unknown_km", 0.0)?;
    assert_km(&r, "demarcation_unknown_km", 0.0)?;
    assert_km(&r, "undelimited_km", total)?;
    assert_km(&r, "undemarcated_km", total)?;
    Ok(())
}

#[test]
fn stats_yearly_series() -> TestResult {
    let text = on_tiny(
        "stats",
        &[
            "--format", "csv", "--from", "2000", "--to", "2005", "--step", "year",
        ],
    )?;
    let (header, rows) = csv_rows(&text)?;
    assert_eq!(header.first().map(String::as_str), Some("as_of"));
    let dates: Vec<&str> = rows
        .iter()
        .map(|r| cell(r, "as_of"))
        .collect::<Result<_, _>>()?;
    assert_eq!(
        dates,
        [
            "2000-01-01",
            "2001-01-01",
            "2002-01-01",
            "2003-01-01",
            "2004-01-01",
            "2005-01-01"
        ]
    );
    let pct: Vec<&str> = rows
        .iter()
        .map(|r| cell(r, "delimited_pct"))
        .collect::<Result<_, _>>()?;
    let part = format!("{:.2}", 100.0 * seg1_km() / (seg1_km() + seg2_km()));
    assert_eq!(
        pct,
        [
            "0.00",
            "0.00",
            part.as_str(),
            part.as_str(),
            "100.00",
            "100.00"
        ]
    );
    // Each row equals the single-date answer.
    for r in &rows {
        let single = stats_at(cell(r, "as_of")?, "in-force")?;
        for (k, v) in &single {
            assert_eq!(r.get(k), Some(v), "column {k} at {}", cell(r, "as_of")?);
        }
    }
    Ok(())
}

#[test]
fn basis_shifts_the_date_an_agreement_counts_from() -> TestResult {
    // t-2002: signed 2002-09-09, in force 2003-09-05.
    let l2 = seg2_km();
    for (date, signed_disputed, in_force_disputed) in [
        ("2002-09-08", l2, l2),
        ("2002-09-09", 0.0, l2),
        ("2003-09-04", 0.0, l2),
        ("2003-09-05", 0.0, 0.0),
    ] {
        assert_km(&stats_at(date, "signed")?, "disputed_km", signed_disputed)?;
        assert_km(
            &stats_at(date, "in-force")?,
            "disputed_km",
            in_force_disputed,
        )?;
    }
    let (_, rows) = segments(&["--as-of", "2003-01-01", "--basis", "signed"])?;
    assert_eq!(cell(&rows["XAA-XBB-2"], "since")?, "2002-09-09");
    Ok(())
}

#[test]
fn history_is_in_date_order_with_provenance() -> TestResult {
    let text = on_tiny("history", &["--dyad", "XAA-XBB", "--format", "csv"])?;
    let (_, rows) = csv_rows(&text)?;
    // 9 status changes and 5 regime changes: the mines laid and cleared, on each segment;
    // the fence, on XAA-XBB-2 only.
    assert_eq!(rows.len(), 14);
    let dates: Vec<&str> = rows
        .iter()
        .map(|r| cell(r, "date"))
        .collect::<Result<_, _>>()?;
    // Partial dates compare by their first day, which string order gives for ISO dates.
    let mut sorted = dates.clone();
    sorted.sort_unstable();
    assert_eq!(dates, sorted);
    let agreement = rows
        .iter()
        .find(|r| r.get("instrument_id").map(String::as_str) == Some("t-2002"))
        .ok_or("no row for t-2002")?;
    assert_eq!(
        cell(agreement, "instrument_title")?,
        "Agreement on the open section"
    );
    assert_eq!(cell(agreement, "instrument_kind")?, "agreement");
    assert_eq!(cell(agreement, "signed")?, "2002-09-09");
    assert_eq!(cell(agreement, "in_force")?, "2003-09-05");
    assert_eq!(cell(agreement, "date")?, "2003-09-05");
    for r in &rows {
        assert_eq!(cell(r, "source_id")?, "synthetic");
        assert_eq!(cell(r, "source_url")?, "https://example.invalid/synthetic");
    }
    // Under --basis signed the agreement's row is dated by its signature.
    let text = on_tiny(
        "history",
        &["XAA-XBB-2", "--basis", "signed", "--format", "csv"],
    )?;
    let (_, rows) = csv_rows(&text)?;
    let dates: Vec<&str> = rows
        .iter()
        .map(|r| cell(r, "date"))
        .collect::<Result<_, _>>()?;
    assert_eq!(
        dates,
        [
            "1991-12",
            "2000",
            "2001-11-16",
            "2002-09-09",
            "2004-04",
            "2005-10",
            "2006-10",
            "2022-12-22"
        ]
    );
    Ok(())
}

#[test]
fn history_of_a_segment_versus_a_dyad() -> TestResult {
    let data = tiny();
    let text = on_tiny("history", &["XAA-XBB-1", "--format", "csv"])?;
    let (_, rows) = csv_rows(&text)?;
    // 4 status changes, and the mines laid and cleared (on the whole dyad).
    assert_eq!(rows.len(), 6);
    assert!(rows
        .iter()
        .all(|r| r.get("segment_id").map(String::as_str) == Some("XAA-XBB-1")));
    let text = on_tiny("history", &["--dyad", "XBB-XAA", "--format", "csv"])?;
    let (_, rows) = csv_rows(&text)?;
    assert_eq!(rows.len(), 14);
    bordertrack(["history", "--data", &data, "XAA-XBB-1", "--dyad", "XAA-XBB"])
        .assert()
        .code(2)
        .stdout("");
    Ok(())
}

#[test]
fn history_of_an_unknown_segment_is_a_usage_error() {
    bordertrack(["history", "--data", &tiny(), "XAA-XBB-7"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("no segment \"XAA-XBB-7\""));
}

#[test]
fn validate_a_clean_dataset() {
    bordertrack(["validate", "--data", &tiny()])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains(
            "dataset is valid: 2 segments, 9 status changes",
        ));
}

/// A copy of the tiny dataset, as `data` in a new work directory, whose `status.csv` line 4
/// has the date 2004-04-31.
fn tiny_with_a_day_that_does_not_exist() -> Result<Workdir, BoxError> {
    let dir = Workdir::new()?;
    let data = dir.copy_dir(&fixture("tiny"), "data")?;
    let status = std::fs::read_to_string(data.join("status.csv"))?;
    std::fs::write(
        data.join("status.csv"),
        status.replace("XAA-XBB-1,2004-04", "XAA-XBB-1,2004-04-31"),
    )?;
    Ok(dir)
}

#[test]
fn validate_a_broken_dataset_lists_problems_on_stdout() -> TestResult {
    let dir = tiny_with_a_day_that_does_not_exist()?;
    dir.bordertrack(["validate", "--data", "data"])
        .assert()
        .code(1)
        .stdout("data/status.csv:4: date: no such day: \"2004-04-31\" (expected YYYY, YYYY-MM or YYYY-MM-DD)\n")
        .stderr(predicate::str::contains("1 problem found"));
    // Other commands refuse the dataset: problems on stderr, nothing on stdout.
    dir.bordertrack(["segments", "--data", "data", "--as-of", "2002"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "data/status.csv:4: date: no such day",
        ));
    Ok(())
}

/// `validate --format`/`-o`: the problems as a layer, in each text format but GeoJSON, with
/// the same exit status as the lines.
#[test]
fn validate_writes_its_problems_as_a_layer() -> TestResult {
    let dir = tiny_with_a_day_that_does_not_exist()?;
    let header = "file,line,row,feature_index,feature_id,kind,severity,message\n";
    let row = "data/status.csv,4,,,,invalid,error,\
               \"date: no such day: \"\"2004-04-31\"\" (expected YYYY, YYYY-MM or YYYY-MM-DD)\"\n";
    dir.bordertrack(["validate", "--data", "data", "--format", "csv"])
        .assert()
        .code(1)
        .stdout(format!("{header}{row}"))
        .stderr(predicate::str::contains("1 problem found"));
    let out = dir
        .bordertrack(["validate", "--data", "data", "--format", "json"])
        .output()?;
    assert_eq!(out.status.code(), Some(1));
    let rows: Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(rows.as_array().map(Vec::len), Some(1));
    assert_eq!(rows[0]["line"], 4);
    assert_eq!(rows[0]["feature_index"], Value::Null);
    assert_eq!(rows[0]["kind"], "invalid");
    let table = dir
        .bordertrack(["validate", "--data", "data", "--format", "table"])
        .output()?;
    assert_eq!(table.status.code(), Some(1));
    let table = String::from_utf8(table.stdout)?;
    assert!(table.starts_with("file "), "{table}");
    assert!(table.contains("no such day"), "{table}");
    // -o: the layer in the file (format from its extension), nothing on stdout.
    dir.bordertrack(["validate", "--data", "data", "-o", "problems.CSV"])
        .assert()
        .code(1)
        .stdout("");
    assert_eq!(
        std::fs::read_to_string(dir.join("problems.CSV"))?,
        format!("{header}{row}")
    );
    // No geometry: GeoJSON is refused before the dataset is read.
    dir.bordertrack(["validate", "--data", "data", "--format", "geojson"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("no geometry"));
    // A clean dataset: the layer with no features, and success.
    bordertrack(["validate", "--data", &tiny(), "--format", "csv"])
        .assert()
        .success()
        .stdout(header);
    Ok(())
}

#[test]
fn a_year_straddling_a_change_is_ambiguous() -> TestResult {
    let (_, rows) = segments(&["--as-of", "2003"])?;
    let s2 = &rows["XAA-XBB-2"];
    assert_eq!(cell(s2, "delimitation")?, "ambiguous");
    assert_eq!(cell(s2, "demarcation")?, "none");
    assert_eq!(cell(s2, "since")?, "");
    assert_eq!(
        cell(s2, "ambiguity")?,
        "delimitation disputed|delimited (changed 2003-09-05)"
    );
    // The same year is unambiguous for the segment that did not change in it.
    assert_eq!(cell(&rows["XAA-XBB-1"], "delimitation")?, "delimited");
    // --on matches what the segment may have been.
    let (_, rows) = segments(&["--as-of", "2003", "--on", "disputed"])?;
    assert_eq!(ids(&rows), ["XAA-XBB-2"]);
    Ok(())
}

#[test]
fn a_day_inside_a_month_dated_change_is_ambiguous() -> TestResult {
    let (_, rows) = segments(&["--as-of", "2004-04-10"])?;
    for id in ["XAA-XBB-1", "XAA-XBB-2"] {
        let s = &rows[id];
        assert_eq!(cell(s, "delimitation")?, "delimited");
        assert_eq!(cell(s, "demarcation")?, "ambiguous");
        assert_eq!(
            cell(s, "ambiguity")?,
            "demarcation none|in_progress (changed 2004-04)"
        );
    }
    let (_, rows) = segments(&["--as-of", "2004-05-01"])?;
    assert_eq!(cell(&rows["XAA-XBB-1"], "demarcation")?, "in_progress");
    Ok(())
}

#[test]
fn usage_errors_exit_2_with_a_message_and_no_output() {
    let data = tiny();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["segments", "--as-of", "2006-02-30"], "no such day"),
        (vec!["segments", "--as-of", "19/04/2006"], "not a date"),
        (vec!["stats", "--as-of", "2006-13"], "month out of range"),
        (
            vec!["segments", "--on", "walled"],
            "unknown filter status \"walled\"",
        ),
        (
            vec!["segments", "--on", "disputed,Demarcated"],
            "\"Demarcated\" (expected one of: delimited, disputed, undelimited, not_delimited, \
             delimitation_unknown, demarcated, in_progress, undemarcated, not_demarcated, \
             demarcation_unknown, unknown; status words are lower-case: \"demarcated\")",
        ),
        (
            vec!["segments", "--dyad", "XAA-XCC"],
            "no segments of dyad XAA-XCC",
        ),
        (vec!["stats", "--dyad", "XCC-XAA"], "no segments of dyad"),
        (vec!["history", "--dyad", "XAA-XCC"], "no segments of dyad"),
        (vec!["segments", "--dyad", "KAZUZB"], "KAZUZB"),
        (vec!["segments", "--dyad", "XAA-XAA"], "XAA-XAA"),
        (
            vec!["stats", "--from", "2005", "--to", "2000"],
            "--to 2000 is before --from 2005",
        ),
        (vec!["stats", "--from", "2005"], "--to"),
        (vec!["segments", "--basis", "ratified"], "ratified"),
        (vec!["segments", "--format", "xml"], "xml"),
        (vec!["frobnicate"], "frobnicate"),
    ];
    for (mut args, message) in cases {
        args.extend(["--data", &data]);
        bordertrack(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(message));
    }
}

#[test]
fn a_missing_data_directory_is_reported() {
    bordertrack(["segments", "--data", "tests/fixtures/no-such-dir"])
        .assert()
        .failure()
        .stdout("")
        .stderr(predicate::str::contains("tests/fixtures/no-such-dir"));
}

/// Spawns `args`, reads one line of its output, closes the pipe, and checks that the process
/// exits 0 without a panic message.
fn closes_quietly_on_broken_pipe(dir: &Workdir, args: &[&str]) -> TestResult {
    let mut child = std::process::Command::new(crate::util::bin_path())
        .current_dir(dir.path())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut reader = BufReader::new(stdout);
    let mut first = String::new();
    reader.read_line(&mut first)?;
    assert!(!first.is_empty(), "no output at all");
    drop(reader);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .ok_or("no stderr")?
        .read_to_string(&mut stderr)?;
    let status = child.wait()?;
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
    assert!(status.success(), "status {status}, stderr: {stderr}");
    Ok(())
}

#[test]
fn segments_into_a_closed_pipe_exits_0() -> TestResult {
    let dir = Workdir::new()?;
    // About 100 bytes a row: far more than a pipe buffer holds.
    write_long_dataset(&dir, "long", 5000)?;
    closes_quietly_on_broken_pipe(
        &dir,
        &[
            "segments", "--data", "long", "--as-of", "2020", "--format", "csv",
        ],
    )?;
    closes_quietly_on_broken_pipe(
        &dir,
        &[
            "segments", "--data", "long", "--as-of", "2020", "--format", "geojson",
        ],
    )?;
    Ok(())
}

#[test]
fn a_long_stats_series_into_a_closed_pipe_exits_0() -> TestResult {
    let dir = Workdir::new()?;
    closes_quietly_on_broken_pipe(
        &dir,
        &[
            "stats",
            "--data",
            &tiny(),
            "--from",
            "1000",
            "--to",
            "9000",
            "--step",
            "month",
            "--format",
            "csv",
        ],
    )
}

#[test]
fn the_long_dataset_is_valid() -> TestResult {
    // The broken-pipe tests rely on it loading: check it does.
    let dir = Workdir::new()?;
    write_long_dataset(&dir, "long", 5000)?;
    dir.bordertrack(["validate", "--data", "long"])
        .assert()
        .success()
        .stderr(predicate::str::contains("5000 segments"));
    Ok(())
}

/// Runs `bordertrack args` in `dir` with `input` on stdin and stderr a pipe whose reader is
/// closed before the run writes anything (stdin is written only after the reader is gone);
/// returns the exit status and stdout.
fn run_with_stderr_closed(
    dir: &Workdir,
    args: &[&str],
    input: &str,
) -> Result<(std::process::ExitStatus, String), BoxError> {
    let mut child = std::process::Command::new(crate::util::bin_path())
        .current_dir(dir.path())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    drop(child.stderr.take());
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    std::io::Write::write_all(&mut stdin, input.as_bytes())?;
    drop(stdin);
    let out = child.wait_with_output()?;
    Ok((out.status, String::from_utf8(out.stdout)?))
}

#[test]
fn a_closed_stderr_changes_neither_the_output_nor_the_exit_status() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    let input = "id,date,lat,lon\nA,2010-01-01,41.5,69.001\nB,2010-01-01,x,69.0\n\
                 C,2010-01-01,41.95,69.0\nD,bad,41.5,69.0\n";
    let expected = stdout_of(
        dir.bordertrack(["incidents", "-", "--data", &data, "--format", "csv"])
            .write_stdin(input),
    )?;
    // The bad rows' messages and the summary go to the closed pipe: the output file is still
    // written and the run still succeeds.
    let args = ["incidents", "-", "--data", &data, "-o", "out.csv"];
    let (status, stdout) = run_with_stderr_closed(&dir, &args, input)?;
    assert_eq!(status.code(), Some(0), "{status}");
    assert_eq!(stdout, "");
    assert_eq!(std::fs::read_to_string(dir.join("out.csv"))?, expected);
    // A failing run keeps its status: --strict stops at the first bad row (exit 1) and writes
    // nothing; a broken dataset is still exit 1.
    let args = [
        "incidents",
        "-",
        "--data",
        &data,
        "--strict",
        "-o",
        "strict.csv",
    ];
    let (status, _) = run_with_stderr_closed(&dir, &args, input)?;
    assert_eq!(status.code(), Some(1), "{status}");
    assert!(!dir.join("strict.csv").exists());
    let broken = fixture("bad/several-problems").display().to_string();
    let (status, _) = run_with_stderr_closed(&dir, &["segments", "--data", &broken], "")?;
    assert_eq!(status.code(), Some(1), "{status}");
    Ok(())
}

#[cfg(unix)]
#[test]
fn an_input_reached_by_another_path_is_never_overwritten() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    let input = "id,date,lat,lon\nA,2010-01-01,41.5,69.001\n";
    dir.write("in.csv", input)?;
    std::fs::hard_link(dir.join("in.csv"), dir.join("hard.csv"))?;
    std::os::unix::fs::symlink("in.csv", dir.join("soft.csv"))?;
    dir.copy_dir(&fixture("tiny"), "data")?;
    std::os::unix::fs::symlink("data", dir.join("data-link"))?;
    std::os::unix::fs::symlink("data/status.csv", dir.join("status-link.csv"))?;
    // A plain process, so that stdin and stdout can be files.
    let command = |args: &[&str]| {
        let mut c = std::process::Command::new(crate::util::bin_path());
        c.current_dir(dir.path()).args(args);
        c
    };
    let refused = |args: &[&str], stdin: Option<&str>| -> TestResult {
        let mut cmd = command(args);
        if let Some(name) = stdin {
            cmd.stdin(std::fs::File::open(dir.join(name))?);
        }
        cmd.output()?
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("refusing to overwrite"));
        Ok(())
    };
    // Stdin redirected from the target.
    refused(
        &["incidents", "-", "--data", &data, "-o", "in.csv"],
        Some("in.csv"),
    )?;
    // A hard link or a symbolic link to the incident file.
    refused(
        &["incidents", "in.csv", "--data", &data, "-o", "hard.csv"],
        None,
    )?;
    refused(
        &["incidents", "soft.csv", "--data", &data, "-o", "in.csv"],
        None,
    )?;
    refused(
        &["incidents", "in.csv", "--data", &data, "-o", "soft.csv"],
        None,
    )?;
    // A dataset file through a link to it, or through a link to the dataset directory.
    refused(
        &["segments", "--data", "data", "-o", "status-link.csv"],
        None,
    )?;
    refused(
        &["stats", "--data", "data-link", "-o", "data/status.csv"],
        None,
    )?;
    // Standard output appended to the input.
    let append = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("in.csv"))?;
    command(&["incidents", "in.csv", "--data", &data])
        .stdout(append)
        .output()?
        .assert()
        .code(2)
        .stderr(predicate::str::contains("standard output is an input file"));
    assert_eq!(std::fs::read_to_string(dir.join("in.csv"))?, input);
    let status = std::fs::read(fixture("tiny").join("status.csv"))?;
    assert_eq!(std::fs::read(dir.join("data/status.csv"))?, status);
    // Reading stdin from one file and writing another is fine.
    command(&["incidents", "-", "--data", &data, "-o", "out.csv"])
        .stdin(std::fs::File::open(dir.join("in.csv"))?)
        .output()?
        .assert()
        .success();
    assert!(dir.join("out.csv").exists());
    Ok(())
}

/// Issue 14: demarcation changed in 2023 (the treaty in force on 4 July) and on 1 April 2004
/// (field work); delimitation was settled in 2003 and stays 100%.
#[test]
fn kaz_uzb_stays_delimited_while_its_demarcation_changes() -> TestResult {
    let text = stdout_of(&mut bordertrack([
        "stats", "--dyad", "KAZ-UZB", "--as-of", "2023", "--format", "csv",
    ]))?;
    let (_, rows) = csv_rows(&text)?;
    let r = rows.first().ok_or("no row")?;
    assert_eq!(cell(r, "delimited_pct")?, "100.00");
    assert_eq!(cell(r, "delimitation_ambiguous_km")?, "0.000");
    assert_eq!(cell(r, "demarcation_ambiguous_km")?, cell(r, "length_km")?);
    let text = stdout_of(&mut bordertrack([
        "stats", "--dyad", "KAZ-UZB", "--from", "2004-01", "--to", "2004-12", "--step", "month",
        "--format", "csv",
    ]))?;
    let (_, rows) = csv_rows(&text)?;
    assert_eq!(rows.len(), 12);
    for r in &rows {
        assert_eq!(cell(r, "delimited_pct")?, "100.00", "{r:?}");
    }
    // Field work began on 1 April 2004: from then the whole line is in progress.
    let april = rows.get(3).ok_or("no April")?;
    assert_eq!(cell(april, "as_of")?, "2004-04-01");
    assert_eq!(cell(april, "in_progress_km")?, cell(april, "length_km")?);
    let march = rows.get(2).ok_or("no March")?;
    assert_eq!(cell(march, "undemarcated_km")?, cell(march, "length_km")?);
    Ok(())
}

#[test]
fn output_format_follows_the_extension_in_any_letter_case() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    let segments = |extra: &[&str]| {
        let mut args = vec!["segments", "--data", &data, "--as-of", "2002"];
        args.extend_from_slice(extra);
        dir.bordertrack(args)
    };
    segments(&["-o", "upper.CSV"]).assert().success();
    assert!(std::fs::read_to_string(dir.join("upper.CSV"))?.starts_with(SEGMENTS_HEADER));
    segments(&["-o", "mixed.GeoJSON"]).assert().success();
    let v: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("mixed.GeoJSON"))?)?;
    assert_eq!(v["type"], "FeatureCollection");
    // A name without an extension is CSV; an explicit --format decides for any other
    // extension, and GeoJSON may be written to .json.
    segments(&["-o", "plain"]).assert().success();
    assert!(std::fs::read_to_string(dir.join("plain"))?.starts_with(SEGMENTS_HEADER));
    segments(&["-o", "list.txt", "--format", "json"])
        .assert()
        .success();
    assert!(std::fs::read_to_string(dir.join("list.txt"))?.starts_with('['));
    segments(&["-o", "layer.json", "--format", "geojson"])
        .assert()
        .success();
    let v: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("layer.json"))?)?;
    assert_eq!(v["type"], "FeatureCollection");
    // Extensions it does not write are refused, with the list of those it does, before
    // anything is read (a missing dataset is not even noticed) or written.
    for name in ["out.gpkg", "out.kml", "out.shp", "out.KML"] {
        dir.bordertrack(["segments", "--data", "no-such-dir", "-o", name])
            .assert()
            .code(2)
            .stdout("")
            .stderr(format!(
                "bordertrack: {name}: -o does not write .{} files; it writes .csv, .json, \
                 .geojson (or give --format to write one of those under this name anyway)\n",
                name.trim_start_matches("out.")
            ));
    }
    // A --format that contradicts a known extension is refused.
    segments(&["-o", "wrong.csv", "--format", "geojson"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "wrong.csv: --format geojson does not match the extension .csv",
        ));
    let mut names: Vec<String> = std::fs::read_dir(dir.path())?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    names.sort();
    assert_eq!(
        names,
        [
            "layer.json",
            "list.txt",
            "mixed.GeoJSON",
            "plain",
            "upper.CSV"
        ]
    );
    Ok(())
}

/// `bordertrack args` run in `dir` through `sh` after `setup` (shell commands such as
/// `umask 027`).
#[cfg(unix)]
fn bordertrack_after(dir: &Workdir, setup: &str, args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new("sh");
    c.current_dir(dir.path())
        .arg("-c")
        .arg(format!("{setup}; exec \"$0\" \"$@\""))
        .arg(crate::util::bin_path())
        .args(args);
    c
}

#[cfg(unix)]
#[test]
fn output_files_get_the_usual_mode_and_an_existing_file_keeps_its_own() -> TestResult {
    use std::os::unix::fs::PermissionsExt;
    let dir = Workdir::new()?;
    let data = tiny();
    let mode = |name: &str| -> Result<u32, BoxError> {
        Ok(std::fs::metadata(dir.join(name))?.permissions().mode() & 0o777)
    };
    let segments = |umask: &str, name: &str| -> TestResult {
        let args = ["segments", "--data", &data, "--as-of", "2002", "-o", name];
        let status = bordertrack_after(&dir, &format!("umask {umask}"), &args).status()?;
        assert!(status.success(), "{status}");
        Ok(())
    };
    segments("022", "new.csv")?;
    assert_eq!(mode("new.csv")?, 0o644);
    segments("027", "private.csv")?;
    assert_eq!(mode("private.csv")?, 0o640);
    // An existing file keeps its mode, whatever the umask, and gets the new content.
    dir.write("shared.csv", "old\n")?;
    std::fs::set_permissions(
        dir.join("shared.csv"),
        std::fs::Permissions::from_mode(0o664),
    )?;
    segments("077", "shared.csv")?;
    assert_eq!(mode("shared.csv")?, 0o664);
    assert!(std::fs::read_to_string(dir.join("shared.csv"))?.starts_with(SEGMENTS_HEADER));
    Ok(())
}

#[cfg(unix)]
#[test]
fn an_output_error_names_the_target_not_the_temporary_file() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    // A file size limit of one block makes the first write of a long series fail (SIGXFSZ
    // ignored, so the write returns an error instead).
    let args = [
        "stats",
        "--data",
        &data,
        "--from",
        "1000",
        "--to",
        "9000",
        "--step",
        "month",
        "-o",
        "series.csv",
    ];
    let out = bordertrack_after(&dir, "trap '' XFSZ; ulimit -f 1", &args).output()?;
    let stderr = String::from_utf8(out.stderr)?;
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("bordertrack: series.csv: "),
        "stderr: {stderr}"
    );
    assert!(!stderr.contains(".bordertrack-"), "stderr: {stderr}");
    // Nothing is left: neither the target nor the temporary file.
    assert_eq!(std::fs::read_dir(dir.path())?.count(), 0);
    Ok(())
}

/// Sends `signal` (`INT`, `TERM`) to `child` with kill(1).
#[cfg(unix)]
fn send_signal(child: &std::process::Child, signal: &str) -> TestResult {
    let status = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()?;
    assert!(status.success(), "kill -{signal}: {status}");
    Ok(())
}

/// Waits for `child` to exit, for at most a generous minute (a guard against a hang, not a
/// measure of speed): a child still running then is killed and reported.
#[cfg(unix)]
fn exit_status_within_a_minute(
    child: &mut std::process::Child,
) -> Result<std::process::ExitStatus, BoxError> {
    let start = std::time::Instant::now();
    while start.elapsed() < std::time::Duration::from_secs(60) {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.kill()?;
    child.wait()?;
    Err("still running a minute after the signal".into())
}

/// The names in `dir`, sorted.
fn names_in(dir: &Workdir) -> Result<Vec<String>, BoxError> {
    let mut names: Vec<String> = std::fs::read_dir(dir.path())?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    names.sort();
    Ok(names)
}

#[cfg(unix)]
#[test]
fn an_interrupt_while_stdin_is_idle_ends_the_run_at_once() -> TestResult {
    let data = tiny();
    // Nothing read yet, or a header and a row read and the temporary output file open: stdin
    // stays open and idle when the signal comes.
    for (signal, input) in [
        ("INT", ""),
        ("TERM", "id,date,lat,lon\nA,2010-01-01,41.5,69.001\n"),
    ] {
        let dir = Workdir::new()?;
        let mut child = std::process::Command::new(crate::util::bin_path())
            .current_dir(dir.path())
            .args(["incidents", "-", "--data", &data, "-o", "out.csv"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut stdin = child.stdin.take().ok_or("no stdin")?;
        std::io::Write::write_all(&mut stdin, input.as_bytes())?;
        std::io::Write::flush(&mut stdin)?;
        // Wait until the run waits on stdin: with a header, until its temporary file exists.
        let start = std::time::Instant::now();
        loop {
            std::thread::sleep(std::time::Duration::from_millis(200));
            let opened = names_in(&dir)?
                .iter()
                .any(|n| n.starts_with(".bordertrack-"));
            if input.is_empty() || opened || start.elapsed().as_secs() > 30 {
                break;
            }
        }
        send_signal(&child, signal)?;
        let status = exit_status_within_a_minute(&mut child)?;
        drop(stdin);
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .ok_or("no stderr")?
            .read_to_string(&mut stderr)?;
        assert_eq!(status.code(), Some(130), "SIG{signal}: {status}, {stderr}");
        assert!(stderr.contains("bordertrack: interrupted"), "{stderr}");
        // Neither the output nor the temporary file is left.
        assert_eq!(names_in(&dir)?, Vec::<String>::new(), "SIG{signal}");
    }
    Ok(())
}

#[cfg(unix)]
#[test]
fn an_interrupt_while_a_dataset_loads_writes_nothing() -> TestResult {
    let dir = Workdir::new()?;
    // 40,000 segments: loading takes a good part of a second or more.
    write_long_dataset(&dir, "long", 40_000)?;
    let mut child = std::process::Command::new(crate::util::bin_path())
        .current_dir(dir.path())
        .args([
            "segments", "--data", "long", "--as-of", "2020", "-o", "out.csv",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    std::thread::sleep(std::time::Duration::from_millis(300));
    send_signal(&child, "TERM")?;
    let status = exit_status_within_a_minute(&mut child)?;
    assert_eq!(status.code(), Some(130), "{status}");
    assert_eq!(names_in(&dir)?, ["long"]);
    Ok(())
}

/// `stats` and `history` in GeoJSON carry the dyad's lines (a MultiLineString) or the
/// segment's line, never a null geometry; history's partial dates get their first and last
/// day beside them.
#[test]
fn stats_and_history_geojson_carry_lines_and_dates_their_days() -> TestResult {
    let data = tiny();
    let stats: Value = serde_json::from_str(&stdout_of(&mut bordertrack([
        "stats", "--data", &data, "--as-of", "2002", "--format", "geojson",
    ]))?)?;
    let features = stats["features"].as_array().ok_or("features")?;
    assert!(!features.is_empty());
    for f in features {
        assert_eq!(f["geometry"]["type"], "MultiLineString", "{f}");
        let lines = f["geometry"]["coordinates"]
            .as_array()
            .ok_or("coordinates")?;
        assert!(!lines.is_empty(), "{f}");
    }
    let history: Value = serde_json::from_str(&stdout_of(&mut bordertrack([
        "history", "--data", &data, "--dyad", "XAA-XBB", "--format", "geojson",
    ]))?)?;
    let features = history["features"].as_array().ok_or("features")?;
    assert!(!features.is_empty());
    for f in features {
        assert_eq!(f["geometry"]["type"], "LineString", "{f}");
        let p = &f["properties"];
        let date = p["date"].as_str().ok_or("date")?;
        let (start, end) = (
            p["date_start"].as_str().ok_or("date_start")?,
            p["date_end"].as_str().ok_or("date_end")?,
        );
        // A day is its own first and last day; a month or a year spans them.
        assert!(start.starts_with(date) && end.starts_with(date), "{p}");
        assert_eq!((start.len(), end.len()), (10, 10), "{p}");
    }
    Ok(())
}

#[test]
fn bad_rows_are_printed_up_to_a_limit_per_kind_then_counted() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    // One good row, 150 rows with a bad date, and the good row's id repeated 3 times.
    let mut input = String::from("id,date,lat,lon\nA,2010-01-01,41.5,69.001\n");
    for i in 0..150 {
        input.push_str(&format!("b{i},not-a-date,41.5,69.0\n"));
    }
    input.push_str(&"A,2010-01-01,41.5,69.001\n".repeat(3));
    dir.write("in.csv", &input)?;
    let stderr = |extra: &[&str]| -> Result<Vec<String>, BoxError> {
        let mut args = vec!["incidents", "in.csv", "--data", &data, "--check-ids"];
        args.extend_from_slice(extra);
        let out = dir.bordertrack(&args).output()?;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(String::from_utf8(out.stderr)?
            .lines()
            .map(str::to_string)
            .collect())
    };
    let is_bad_date = |l: &String| l.contains(": date not-a-date not understood");
    let is_repeat = |l: &String| l.contains(": duplicate id \"A\"");
    let last = "bordertrack: 1 incident read, 1 on a matching stretch, 153 bad rows skipped";

    let lines = stderr(&["--max-problems", "2"])?;
    assert_eq!(lines.len(), 6, "{lines:#?}");
    assert!(lines[..2].iter().all(is_bad_date), "{lines:#?}");
    assert!(lines[0].starts_with("in.csv:3: "), "{lines:#?}");
    assert!(lines[2..4].iter().all(is_repeat), "{lines:#?}");
    assert_eq!(
        lines[4],
        "bordertrack: 153 problems, the first 2 of each kind shown: 150 invalid, \
         3 duplicate-id (--max-problems 0 shows all)"
    );
    assert_eq!(lines[5], last);

    // By default the first 100 of each kind.
    let lines = stderr(&[])?;
    assert_eq!(lines.iter().filter(|l| is_bad_date(l)).count(), 100);
    assert_eq!(lines.iter().filter(|l| is_repeat(l)).count(), 3);
    assert!(lines.iter().any(|l| l.starts_with(
        "bordertrack: 153 problems, the first 100 of each kind shown: 150 invalid, 3 duplicate-id"
    )));

    // 0: every problem, and no count by kind.
    let lines = stderr(&["--max-problems", "0"])?;
    assert_eq!(lines.len(), 154, "{lines:#?}");
    assert_eq!(lines.iter().filter(|l| is_bad_date(l)).count(), 150);
    assert_eq!(lines.last(), Some(&last.to_string()));
    Ok(())
}

/// The library names none of the command's options, in its messages or its docs (issue 14:
/// the command line translates). Every long option of every subcommand, as `--help` lists
/// them, is looked for in the library's sources (`src/` but the binary's `src/bin/`).
#[test]
fn the_library_names_no_command_line_option() -> TestResult {
    let help = |args: &[&str]| -> Result<String, BoxError> {
        let out = bordertrack(args).output()?;
        Ok(String::from_utf8(out.stdout)?)
    };
    let top = help(&["--help"])?;
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 10, "{commands:?}");
    let mut options = std::collections::BTreeSet::new();
    let mut texts = vec![top];
    for c in &commands {
        texts.push(help(&[c, "--help"])?);
    }
    for text in &texts {
        for (i, _) in text.match_indices("--") {
            let name: String = text[i + 2..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '-')
                .collect();
            let before = text[..i].chars().next_back();
            if name.len() > 1 && !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-') {
                options.insert(format!("--{name}"));
            }
        }
    }
    for o in [
        "--as-of", "--basis", "--within", "--data", "--format", "--on",
    ] {
        assert!(
            options.contains(o),
            "{o} not found in the help: {options:?}"
        );
    }
    // Cargo's own options, which the library may name when it says how to build it.
    let cargo = ["--features", "--path", "--bench", "--release"];
    let mut found = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.ends_with("bin") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path)?;
            for o in options.iter().filter(|o| !cargo.contains(&o.as_str())) {
                for (i, _) in text.match_indices(o.as_str()) {
                    let after = text[i + o.len()..].chars().next();
                    let before = text[..i].chars().next_back();
                    let whole = !after.is_some_and(|c| c.is_ascii_lowercase() || c == '-')
                        && !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-');
                    if whole {
                        found.push(format!("{}: {o}", path.display()));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "the library names options: {found:#?}");
    Ok(())
}
