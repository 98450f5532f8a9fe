//! Parquet incident tables (`tests/fixtures/parquet/`, written by its `make.py`): the command
//! gives the same answers for a Parquet file as for the CSV file with the same rows, and
//! reports bad rows by row number; the library reads them through [`IncidentReader`].

use bordertrack::io::{IncidentReader, Layout};
use bordertrack::Location;

use crate::util::{bordertrack, fixture, stdout_of, tiny, TestResult, Workdir};

/// `tests/fixtures/parquet/<name>` as a string.
fn parquet_fixture(name: &str) -> String {
    fixture("parquet").join(name).display().to_string()
}

/// `bordertrack incidents FILE --data tiny --format csv --all`: each row's id and
/// classification (the columns after the table's own, which differ between a CSV table's
/// and a Parquet table's), as CSV lines after a header.
fn answers(file: &str, extra: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
    let text = output(file, extra)?;
    let mut csv = csv::Reader::from_reader(text.as_bytes());
    let header = csv.headers()?.clone();
    let id = header
        .iter()
        .position(|h| h == "id")
        .ok_or("no id column")?;
    let from = header.len().checked_sub(13).ok_or("no classification")?;
    let mut lines = vec![header.iter().skip(from).collect::<Vec<_>>().join(",")];
    for record in csv.records() {
        let record = record?;
        let tail: Vec<&str> = record.iter().skip(from).collect();
        lines.push(format!("{},{}", &record[id], tail.join(",")));
    }
    Ok(lines.join("\n") + "\n")
}

/// `bordertrack incidents FILE --data tiny --format csv --all`: what it prints on stdout.
fn output(file: &str, extra: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
    let tiny = tiny();
    let mut args = vec![
        "incidents",
        file,
        "--data",
        &tiny,
        "--format",
        "csv",
        "--all",
    ];
    args.extend_from_slice(extra);
    stdout_of(&mut bordertrack(args))
}

#[test]
fn parquet_and_geoparquet_give_the_csv_answers() -> TestResult {
    let csv = answers(&parquet_fixture("incidents.csv"), &[])?;
    // Eight rows, one of them matched to no stretch, and every one of them in the output.
    assert_eq!(csv.lines().count(), 9, "{csv}");
    for file in ["plain.parquet", "plain-text.parquet", "geo.parquet"] {
        assert_eq!(answers(&parquet_fixture(file), &[])?, csv, "{file}");
    }
    // And with a query that narrows the answer.
    let narrow = ["--within", "300m", "--as-of", "2010-01-01"];
    let csv = answers(&parquet_fixture("incidents.csv"), &narrow)?;
    assert_eq!(answers(&parquet_fixture("geo.parquet"), &narrow)?, csv);
    Ok(())
}

#[test]
fn bad_parquet_rows_are_reported_by_row_number() -> TestResult {
    let tiny = tiny();
    let out = bordertrack([
        "incidents",
        &parquet_fixture("bad.parquet"),
        "--data",
        &tiny,
        "--format",
        "csv",
        "--check-ids",
    ])
    .output()?;
    let stderr = String::from_utf8(out.stderr)?;
    let name = parquet_fixture("bad.parquet");
    let expected = [
        format!("{name}: row 2: id is empty"),
        format!(
            "{name}: row 3: date 19/04/2006 not understood (expected YYYY, YYYY-MM or YYYY-MM-DD)"
        ),
        format!(
            "{name}: row 4: latitude 95 out of range -90..90 (latitude and longitude look swapped)"
        ),
        format!("{name}: row 5: duplicate id \"ok\" (first used at row 1)"),
        format!("{name}: row 6: date is empty; longitude is empty"),
    ];
    for line in &expected {
        assert!(
            stderr.contains(line.as_str()),
            "missing {line:?} in:\n{stderr}"
        );
    }
    let stdout = String::from_utf8(out.stdout)?;
    assert_eq!(
        stdout.lines().count(),
        2,
        "the header and the good row:\n{stdout}"
    );
    assert!(stdout
        .lines()
        .nth(1)
        .is_some_and(|l| l.starts_with("ok,2006-04-19,")));
    Ok(())
}

#[test]
fn bad_geoparquet_points_are_reported_and_big_endian_wkb_is_read() -> TestResult {
    let path = fixture("parquet").join("bad-geo.parquet");
    let mut reader = IncidentReader::from_path(&path)?;
    assert_eq!(reader.layout(), Layout::Parquet);
    let rows: Vec<_> = reader.records().collect();
    let problems: Vec<(Location, String)> = rows
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(|p| (p.location.clone(), p.message.clone()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (
                Location::Row(1),
                "null geometry: an incident needs a Point".to_string()
            ),
            (
                Location::Row(2),
                "geometry is a LineString; an incident needs a Point".to_string()
            ),
            (Location::Row(3), "geometry is an empty Point".to_string()),
        ]
    );
    let good: Vec<_> = rows.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(good.len(), 1);
    assert_eq!(good[0].id, "big-endian");
    assert_eq!((good[0].point.x(), good[0].point.y()), (69.01, 41.5));
    Ok(())
}

#[test]
fn a_file_that_is_not_parquet_or_not_named_so_is_a_clear_error() -> TestResult {
    let dir = Workdir::new()?;
    let csv = std::fs::read(fixture("parquet").join("incidents.csv"))?;
    dir.write("not.parquet", &csv)?;
    let out = dir
        .bordertrack(["incidents", "not.parquet", "--data", &tiny()])
        .output()?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains("not.parquet: not a readable Parquet file"),
        "{stderr}"
    );

    let parquet = std::fs::read(fixture("parquet").join("plain.parquet"))?;
    dir.write("misnamed.csv", &parquet)?;
    let out = dir
        .bordertrack(["incidents", "misnamed.csv", "--data", &tiny()])
        .output()?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains("misnamed.csv: a Parquet file, which is read from a file by its path"),
        "{stderr}"
    );
    Ok(())
}
