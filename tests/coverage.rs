//! `bordertrack coverage`: per dyad, its length, the share with known status at a date and
//! the lowest since a start (with a note naming the stretches left unknown), and its counts.

use crate::util::{bordertrack, cell, csv_rows, num, stdout_of, tiny, BoxError, Row, TestResult};

fn rows(args: &[&str]) -> Result<Vec<Row>, BoxError> {
    let text = stdout_of(&mut bordertrack(args))?;
    Ok(csv_rows(&text)?.1)
}

#[test]
fn the_tiny_dyad_is_known_since_1992_and_counted() -> TestResult {
    let data = tiny();
    let got = rows(&[
        "coverage",
        "--data",
        &data,
        "--as-of",
        "2024-01-01",
        "--format",
        "csv",
    ])?;
    assert_eq!(got.len(), 1);
    let c = &got[0];
    assert_eq!(cell(c, "dyad")?, "XAA-XBB");
    assert_eq!(num(c, "segments")?, 2.0);
    assert!((num(c, "length_km")? - 111.064).abs() < 0.01);
    assert_eq!(num(c, "delimitation_known_pct")?, 100.0);
    assert_eq!(num(c, "demarcation_known_pct")?, 100.0);
    assert_eq!(num(c, "lowest_delimitation_known_pct")?, 100.0);
    assert_eq!(cell(c, "note")?, "");
    assert_eq!(num(c, "instruments")?, 3.0);
    assert_eq!(num(c, "sources")?, 1.0);
    assert_eq!(num(c, "incidents")?, 2.0);
    assert_eq!(num(c, "tallies")?, 3.0);
    // The demarcation treaty's entry into force, the latest status change.
    assert_eq!(cell(c, "last_change")?, "2023-07-04");
    Ok(())
}

#[test]
fn a_start_before_the_first_status_row_is_reported_with_a_note() -> TestResult {
    let data = tiny();
    // The first rows are dated 1991-12: unknown before, possibly unknown within the month.
    let got = rows(&[
        "coverage",
        "--data",
        &data,
        "--since",
        "1991",
        "--as-of",
        "2024-01-01",
        "--format",
        "csv",
    ])?;
    let c = &got[0];
    assert_eq!(num(c, "lowest_delimitation_known_pct")?, 0.0);
    assert_eq!(cell(c, "lowest_on")?, "1991-01-01");
    let note = cell(c, "note")?;
    for id in ["XAA-XBB-1", "XAA-XBB-2"] {
        assert!(
            note.contains(&format!("{id} (")) && note.contains("unknown before 1992-01-01"),
            "{note}"
        );
    }
    // At a date inside the unknown years, the share at the date is 0 too.
    let early = rows(&[
        "coverage",
        "--data",
        &data,
        "--since",
        "1991",
        "--as-of",
        "1991-06-01",
        "--format",
        "csv",
    ])?;
    assert_eq!(num(&early[0], "delimitation_known_pct")?, 0.0);
    assert!(cell(&early[0], "note")?.contains("delimitation not recorded"));
    let out = bordertrack([
        "coverage", "--data", &data, "--since", "2030", "--as-of", "2024",
    ])
    .output()?;
    assert_eq!(out.status.code(), Some(2));
    Ok(())
}

#[test]
fn every_embedded_dyad_is_known_since_1992_or_says_why_not() -> TestResult {
    let got = rows(&[
        "coverage",
        "--since",
        "1992",
        "--as-of",
        "2025-06-01",
        "--format",
        "csv",
    ])?;
    assert_eq!(got.len(), 15, "the 15 dyads");
    for c in &got {
        let lowest = num(c, "lowest_delimitation_known_pct")?;
        let note = cell(c, "note")?;
        assert!((0.0..=100.0).contains(&lowest), "{c:?}");
        if lowest < 100.0 {
            assert!(note.contains("delimitation"), "no note for {c:?}");
        } else {
            assert_eq!(note, "", "{c:?}");
        }
        assert!(num(c, "instruments")? >= 1.0, "{c:?}");
        assert!(num(c, "sources")? >= 1.0, "{c:?}");
        assert!(!cell(c, "last_change")?.is_empty(), "{c:?}");
    }
    let kaz_uzb = got
        .iter()
        .find(|c| c.get("dyad").map(String::as_str) == Some("KAZ-UZB"))
        .ok_or("no KAZ-UZB")?;
    // The 2001 treaty delimited KAZ-UZB; its tallies and incidents are counted.
    assert!(num(kaz_uzb, "tallies")? >= 1.0);
    assert!(num(kaz_uzb, "incidents")? >= 1.0);
    Ok(())
}
