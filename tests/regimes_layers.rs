//! Regime words beyond `segments --on`: the `regimes` column of the segments layer, `incidents --on`, regime changes in `history`, fenced and mined km in `stats`, and
//! `export segments --on`/`--pov`. On the tiny dataset (a fence on chainage 102–110 km of
//! XAA-XBB, that is on XAA-XBB-2 only, built 2006-10; mines somewhere on the dyad, 42 km,
//! laid 2000 and cleared 2005-10 by t-2002) and on the embedded one.

use crate::util::{bordertrack, cell, csv_rows, num, stdout_of, tiny, BoxError, Row, TestResult};

fn rows(args: &[&str]) -> Result<Vec<Row>, BoxError> {
    let text = stdout_of(&mut bordertrack(args))?;
    Ok(csv_rows(&text)?.1)
}

fn row_of<'a>(rows: &'a [Row], column: &str, value: &str) -> Result<&'a Row, BoxError> {
    rows.iter()
        .find(|r| r.get(column).map(String::as_str) == Some(value))
        .ok_or_else(|| format!("no row with {column} = {value}").into())
}

#[test]
fn the_segments_layer_names_the_regimes_of_each_segment_at_the_date() -> TestResult {
    let data = tiny();
    let at = |date: &str| {
        rows(&[
            "segments", "--data", &data, "--as-of", date, "--format", "csv",
        ])
    };
    let y2007 = at("2007-01-01")?;
    assert_eq!(
        cell(row_of(&y2007, "segment_id", "XAA-XBB-1")?, "regimes")?,
        ""
    );
    assert_eq!(
        cell(row_of(&y2007, "segment_id", "XAA-XBB-2")?, "regimes")?,
        "fenced"
    );
    let y2001 = at("2001-06-01")?;
    for id in ["XAA-XBB-1", "XAA-XBB-2"] {
        assert_eq!(cell(row_of(&y2001, "segment_id", id)?, "regimes")?, "mined");
    }
    // 2005: the mines were cleared in October, so they lay on some days of the year.
    let y2005 = at("2005")?;
    assert_eq!(
        cell(row_of(&y2005, "segment_id", "XAA-XBB-1")?, "regimes")?,
        "mined"
    );
    Ok(())
}

#[test]
fn incidents_on_a_regime_word_are_those_under_it_on_their_own_date() -> TestResult {
    let data = tiny();
    let on = |words: &str| {
        rows(&[
            "incidents",
            "--data",
            &data,
            "--within",
            "50km",
            "--on",
            words,
            "--format",
            "csv",
        ])
    };
    // near-open (2002-01-10) falls while the mines lay; spring (2006-04-19) after they were
    // cleared and before the fence.
    let mined = on("mined")?;
    assert_eq!(mined.len(), 1, "{mined:?}");
    assert_eq!(cell(&mined[0], "id")?, "near-open");
    assert!(on("fenced")?.is_empty());
    // Comma = or across status words and regime words: spring is on a delimited stretch.
    let either = on("mined,delimited")?;
    let ids: Vec<&str> = either
        .iter()
        .map(|r| cell(r, "id"))
        .collect::<Result<_, _>>()?;
    assert_eq!(ids, ["near-open", "spring"]);
    // At a date asked for, the regimes of that date: the fence stands on XAA-XBB-2 in 2007.
    let in_2007 = rows(&[
        "incidents",
        "--data",
        &data,
        "--within",
        "50km",
        "--on",
        "fenced",
        "--as-of",
        "2007-01-01",
        "--format",
        "csv",
    ])?;
    assert!(!in_2007.is_empty());
    assert!(in_2007
        .iter()
        .all(|r| cell(r, "segment_id").is_ok_and(|v| v == "XAA-XBB-2")));
    Ok(())
}

#[test]
fn history_lists_regime_changes_with_their_instrument_and_source() -> TestResult {
    let data = tiny();
    let history = rows(&["history", "--data", &data, "XAA-XBB-2", "--format", "csv"])?;
    let regime_rows: Vec<&Row> = history
        .iter()
        .filter(|r| r.get("regime").is_some_and(|v| !v.is_empty()))
        .collect();
    assert_eq!(regime_rows.len(), 3, "{history:?}");
    let cleared = row_of(&history, "regime_state", "cleared")?;
    assert_eq!(cell(cleared, "regime_id")?, "mines");
    assert_eq!(cell(cleared, "instrument_id")?, "t-2002");
    assert_eq!(cell(cleared, "source_id")?, "synthetic");
    assert_eq!(cell(cleared, "date")?, "2005-10");
    assert_eq!(cell(cleared, "delimitation")?, "");
    let fence = row_of(&history, "regime_state", "built")?;
    assert_eq!(cell(fence, "regime")?, "fenced");
    // Merged in date order with the status changes.
    let starts: Vec<&str> = history
        .iter()
        .map(|r| cell(r, "date_start"))
        .collect::<Result<_, _>>()?;
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
    // The fence lies on XAA-XBB-2 only.
    let first = rows(&["history", "--data", &data, "XAA-XBB-1", "--format", "csv"])?;
    assert!(first
        .iter()
        .all(|r| r.get("regime").is_none_or(|v| v != "fenced")));
    assert!(row_of(&first, "regime_state", "laid").is_ok());
    Ok(())
}

#[test]
fn stats_give_the_km_fenced_and_mined_per_dyad_and_date() -> TestResult {
    let data = tiny();
    let series = rows(&[
        "stats", "--data", &data, "--from", "2000", "--to", "2008", "--step", "year", "--format",
        "csv",
    ])?;
    let year = |y: &str| row_of(&series, "as_of", y);
    assert_eq!(num(year("2001-01-01")?, "mined_km")?, 42.0);
    assert_eq!(num(year("2001-01-01")?, "fenced_km")?, 0.0);
    assert_eq!(num(year("2006-01-01")?, "mined_km")?, 0.0);
    assert_eq!(num(year("2007-01-01")?, "fenced_km")?, 8.0);
    assert_eq!(num(year("2007-01-01")?, "unmeasured_regimes")?, 0.0);
    // The embedded Kazakh fence of October 2006: 45 km as the source gives it.
    let kaz = rows(&[
        "stats", "--dyad", "KAZ-UZB", "--from", "2006", "--to", "2007", "--step", "year",
        "--format", "csv",
    ])?;
    assert_eq!(num(row_of(&kaz, "as_of", "2006-01-01")?, "fenced_km")?, 0.0);
    assert!(num(row_of(&kaz, "as_of", "2007-01-01")?, "fenced_km")? >= 45.0);
    Ok(())
}

#[test]
fn export_segments_takes_regime_words_and_a_point_of_view() -> TestResult {
    let data = tiny();
    let fenced = rows(&[
        "export",
        "segments",
        "--data",
        &data,
        "--on",
        "fenced",
        "--as-of",
        "2007-01-01",
        "--format",
        "csv",
    ])?;
    let ids: Vec<&str> = fenced
        .iter()
        .map(|r| cell(r, "segment_id"))
        .collect::<Result<_, _>>()?;
    assert_eq!(ids, ["XAA-XBB-2"]);
    for (args, says) in [
        (vec!["export", "status", "--on", "fenced"], "regime word"),
        (vec!["export", "places", "--pov", "XAA"], "--pov"),
    ] {
        let mut args = args;
        args.extend(["--data", &data]);
        let out = bordertrack(&args).output()?;
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{err}");
    }
    Ok(())
}

/// Every classified incident names the regimes on its segment over its own date (or the date
/// asked for), with a `?` for a regime that holds on only some days of that date; asking for
/// a regime makes a match possible, not certain, when the regime may not have held all along.
#[test]
fn classified_incidents_name_the_regimes_at_their_date() -> TestResult {
    let w = crate::util::Workdir::new()?;
    // a, b, e on XAA-XBB-1 (mines 2000 to 2005-10), c and d near the fence (XAA-XBB-2, built
    // 2006-10).
    w.write(
        "inc.csv",
        "id,date,lat,lon\n\
         a,2001-06-01,41.5,69.01\n\
         b,2005,41.5,69.01\n\
         c,2007-01-01,41.95,68.99\n\
         d,2006,41.95,68.99\n\
         e,2010-01-01,41.5,69.01\n",
    )?;
    let data = tiny();
    let run = |extra: &[&str]| -> Result<Vec<Row>, BoxError> {
        let mut args = vec![
            "incidents",
            "inc.csv",
            "--data",
            &data,
            "--within",
            "50km",
            "--format",
            "csv",
        ];
        args.extend_from_slice(extra);
        Ok(csv_rows(&stdout_of(&mut w.bordertrack(args))?)?.1)
    };
    let all = run(&[])?;
    let regimes = |rows: &[Row], id: &str| -> Result<String, BoxError> {
        Ok(cell(row_of(rows, "id", id)?, "regimes")?.to_string())
    };
    assert_eq!(regimes(&all, "a")?, "mined");
    assert_eq!(regimes(&all, "b")?, "mined?");
    assert_eq!(regimes(&all, "c")?, "fenced");
    assert_eq!(regimes(&all, "d")?, "fenced?");
    assert_eq!(regimes(&all, "e")?, "");
    // At a date asked for, that date's regimes.
    let in_2001 = run(&["--as-of", "2001-06-01"])?;
    assert_eq!(regimes(&in_2001, "e")?, "mined");
    // Asked for mines: b is possible (the mines may have been cleared on its day), a certain
    // as far as the mines go; with only certain matches, b is left out.
    let mined = run(&["--on", "mined"])?;
    let ids: Vec<&str> = mined
        .iter()
        .map(|r| cell(r, "id"))
        .collect::<Result<_, _>>()?;
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(cell(row_of(&mined, "id", "b")?, "certainty")?, "possible");
    let certain = run(&["--on", "mined", "--certain"])?;
    assert!(
        certain
            .iter()
            .all(|r| cell(r, "id").is_ok_and(|id| id != "b")),
        "{certain:?}"
    );
    // Every format has the column: GeoJSON's property.
    let geojson = stdout_of(&mut w.bordertrack([
        "incidents",
        "inc.csv",
        "--data",
        &data,
        "--within",
        "50km",
        "--format",
        "geojson",
    ]))?;
    let v: serde_json::Value = serde_json::from_str(&geojson)?;
    let props: Vec<&serde_json::Value> = v["features"]
        .as_array()
        .ok_or("features")?
        .iter()
        .map(|f| &f["properties"]["regimes"])
        .collect();
    assert_eq!(props[0], "mined");
    assert_eq!(props[1], "mined?");
    Ok(())
}
