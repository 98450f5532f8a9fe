//! `bordertrack places`: each place's country on a date, on the tiny dataset and the embedded
//! one.

use crate::util::{bordertrack, cell, csv_rows, stdout_of, tiny, BoxError, Row, TestResult};

fn rows(args: &[&str]) -> Result<Vec<Row>, BoxError> {
    let mut all = vec!["places", "--format", "csv"];
    all.extend_from_slice(args);
    Ok(csv_rows(&stdout_of(&mut bordertrack(all))?)?.1)
}

#[test]
fn places_gives_each_places_country_on_a_date() -> TestResult {
    let data = tiny();
    // The village passed from XBB to XAA on 2003-09-05 (agreement t-2002).
    let before = rows(&["--data", &data, "--as-of", "2003-01-01"])?;
    assert_eq!(cell(&before[0], "place_id")?, "village");
    assert_eq!(cell(&before[0], "country")?, "XBB");
    let after = rows(&["--data", &data, "--as-of", "2004-01-01"])?;
    assert_eq!(cell(&after[0], "country")?, "XAA");
    assert_eq!(cell(&after[0], "instrument_id")?, "t-2002");
    // 2003 straddles the change: no single country, both possible.
    let during = rows(&["--data", &data, "--as-of", "2003"])?;
    assert_eq!(cell(&during[0], "country")?, "");
    assert_eq!(cell(&during[0], "possible_countries")?, "XBB,XAA");
    let geojson = stdout_of(&mut bordertrack([
        "places", "--data", &data, "--as-of", "2004", "--format", "geojson",
    ]))?;
    let v: serde_json::Value = serde_json::from_str(&geojson)?;
    assert_eq!(v["features"][0]["geometry"]["type"], "Point");
    let out = bordertrack(["places", "--data", &data, "--dyad", "XAA-XCC"]).output()?;
    assert_eq!(out.status.code(), Some(2));
    Ok(())
}

#[test]
fn bagys_is_kazakh_from_the_2002_agreements_entry_into_force() -> TestResult {
    let country_of_bagys = |date: &str| -> Result<String, BoxError> {
        let all = rows(&["--dyad", "KAZ-UZB", "--as-of", date])?;
        let bagys = all
            .iter()
            .find(|r| cell(r, "place_id").is_ok_and(|id| id == "bagys"))
            .ok_or("no bagys row")?;
        Ok(cell(bagys, "country")?.to_string())
    };
    assert_eq!(country_of_bagys("2001-12-31")?, "UZB");
    assert_eq!(country_of_bagys("2003-09-05")?, "KAZ");
    Ok(())
}
