//! Regimes (`regimes.csv`): the library's answers on the tiny dataset, the `--on` regime words
//! and the `regimes` command, and the embedded dataset's minefields and fences.
//!
//! `tests/fixtures/tiny/regimes.csv` has a fence on chainage 102–110 km of XAA-XBB (built
//! 2006-10; XAA-XBB-1 runs from 0 to about 99.9 km, XAA-XBB-2 from there to about 111.1 km)
//! and mines somewhere on the dyad (42 km, laid 2000, cleared 2005-10).

use bordertrack::{
    Borders, DatasetBuilder, PartialDate, RegimeChange, RegimeExtent, RegimeKind, RegimeSite,
    RegimeState, RegimeWord,
};

use crate::util::{
    bordertrack, cell, csv_rows, fixture, num, stdout_of, tiny, BoxError, TestResult,
};

fn at(s: &str) -> Result<bordertrack::DateSpan, BoxError> {
    Ok(s.parse::<PartialDate>()?.span())
}

fn tiny_borders() -> Result<Borders, BoxError> {
    Ok(Borders::load(fixture("tiny"))?)
}

#[test]
fn a_stretch_lies_on_the_segments_its_chainage_overlaps() -> TestResult {
    let b = tiny_borders()?;
    let fenced = [RegimeWord::Fenced];
    assert!(!b.regime_matches(0, at("2007-01-01")?, &fenced));
    assert!(b.regime_matches(1, at("2007-01-01")?, &fenced));
    assert!(!b.regime_matches(1, at("2006-01-01")?, &fenced));
    // 2006 straddles the fence's month: it may stand on some day of the year.
    assert!(b.regime_matches(1, at("2006")?, &fenced));
    let on = b.regimes_on(1, at("2006")?);
    let fence = on
        .iter()
        .find(|r| b.regime_change(r.first_change).map(|c| c.kind) == Some(RegimeKind::Fenced))
        .ok_or("no fence on XAA-XBB-2")?;
    assert_eq!(fence.known, None);
    assert!(fence.may_be(RegimeState::Built));
    Ok(())
}

#[test]
fn an_unlocated_regime_counts_for_its_whole_dyad_until_it_ends() -> TestResult {
    let b = tiny_borders()?;
    let mined = [RegimeWord::Mined];
    for segment in 0..2 {
        assert!(b.regime_matches(segment, at("2001-06-01")?, &mined));
        assert!(!b.regime_matches(segment, at("2006-01-01")?, &mined));
        assert!(!b.regime_matches(segment, at("1999-01-01")?, &mined));
    }
    Ok(())
}

#[test]
fn regime_lengths_count_stretches_and_stated_lengths() -> TestResult {
    let b = tiny_borders()?;
    let dyad = "XAA-XBB".parse()?;
    let fence = b.regime_length(dyad, at("2007-01-01")?, RegimeKind::Fenced);
    assert!((fence.km - 8.0).abs() < 1e-9, "{fence:?}");
    assert_eq!(fence.in_effect, 1);
    let mines = b.regime_length(dyad, at("2001-06-01")?, RegimeKind::Mined);
    assert!((mines.km - 42.0).abs() < 1e-9, "{mines:?}");
    // Cleared within 2005: in effect on some days only.
    let mines_2005 = b.regime_length(dyad, at("2005")?, RegimeKind::Mined);
    assert_eq!((mines_2005.in_effect, mines_2005.maybe), (0, 1));
    assert_eq!(mines_2005.km, 0.0);
    Ok(())
}

#[test]
fn regime_changes_built_from_values_are_checked_like_rows() -> TestResult {
    let data = bordertrack::Dataset::load(fixture("tiny"))?;
    let change = RegimeChange {
        regime_id: "far".into(),
        dyad: "XAA-XBB".parse()?,
        site: RegimeSite::Stretch {
            from_km: 100.0,
            to_km: 900.0,
        },
        kind: RegimeKind::Fenced,
        state: RegimeState::Built,
        date: "2003".parse()?,
        instrument_id: None,
        source_id: "nowhere".into(),
        extent: RegimeExtent::Exact,
        precision_km: None,
        length_km: None,
        note: String::new(),
        line: 0,
    };
    let mut builder = DatasetBuilder::new();
    for s in data.sources() {
        builder = builder.source(s.clone());
    }
    for s in data.segments() {
        builder = builder.segment(s.clone());
    }
    let err = builder
        .regime_change(change)
        .build()
        .err()
        .ok_or("a bad regime was accepted")?;
    let text: Vec<String> = err.problems().iter().map(|p| p.to_string()).collect();
    assert!(
        text.contains(&"regime changes:1: unknown source_id \"nowhere\"".to_string()),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.starts_with("regime changes:1: to_km 900 is past the end")),
        "{text:?}"
    );
    Ok(())
}

fn segment_ids(args: &[&str]) -> Result<Vec<String>, BoxError> {
    let text = stdout_of(&mut bordertrack(args))?;
    let (_, rows) = csv_rows(&text)?;
    rows.iter()
        .map(|r| Ok(cell(r, "segment_id")?.to_string()))
        .collect()
}

#[test]
fn segments_on_a_regime_word_lists_the_stretches_under_it() -> TestResult {
    let data = tiny();
    let base = ["segments", "--data", &data, "--format", "csv"];
    let with = |extra: &[&'static str]| {
        let mut v: Vec<&str> = base.to_vec();
        v.extend_from_slice(extra);
        segment_ids(&v)
    };
    assert_eq!(
        with(&["--on", "fenced", "--as-of", "2007-01-01"])?,
        ["XAA-XBB-2"]
    );
    assert!(with(&["--on", "fenced", "--as-of", "2006-01-01"])?.is_empty());
    assert_eq!(
        with(&["--on", "mined", "--as-of", "2001-06-01"])?,
        ["XAA-XBB-1", "XAA-XBB-2"]
    );
    // Comma = or, across status words and regime words: XAA-XBB-1 is delimited in 2007
    // (t-1990), XAA-XBB-2 only fenced... and delimited too; disputed matches neither.
    assert_eq!(
        with(&["--on", "disputed,fenced", "--as-of", "2007-01-01"])?,
        ["XAA-XBB-2"]
    );
    let out = bordertrack(["segments", "--data", &data, "--on", "walled"]).output()?;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("regime word"), "{err}");
    Ok(())
}

#[test]
fn the_embedded_minefields_and_the_kazakh_fence_are_listed() -> TestResult {
    let mined = segment_ids(&[
        "segments",
        "--on",
        "mined",
        "--as-of",
        "2001-06-01",
        "--format",
        "csv",
    ])?;
    assert!(mined.iter().any(|s| s.starts_with("TJK-UZB")), "{mined:?}");
    assert!(mined.iter().any(|s| s.starts_with("KGZ-UZB")), "{mined:?}");
    assert!(
        mined
            .iter()
            .all(|s| s.starts_with("TJK-UZB") || s.starts_with("KGZ-UZB")),
        "{mined:?}"
    );
    // Cleared: the Kyrgyz line in October 2005, the Tajik line as announced in January 2020.
    let mined_2021 = segment_ids(&[
        "segments",
        "--on",
        "mined",
        "--as-of",
        "2021-01-01",
        "--format",
        "csv",
    ])?;
    assert!(mined_2021.is_empty(), "{mined_2021:?}");
    let fenced = |date: &str| {
        segment_ids(&[
            "segments", "--on", "fenced", "--as-of", date, "--dyad", "KAZ-UZB", "--format", "csv",
        ])
    };
    assert!(!fenced("2007-01-01")?.is_empty());
    assert!(fenced("2006-01-01")?.is_empty());
    Ok(())
}

#[test]
fn the_regimes_command_gives_state_site_and_source() -> TestResult {
    let data = tiny();
    let text = stdout_of(&mut bordertrack([
        "regimes",
        "--data",
        &data,
        "--as-of",
        "2007-01-01",
        "--format",
        "csv",
    ]))?;
    let (_, rows) = csv_rows(&text)?;
    assert_eq!(rows.len(), 2, "{text}");
    let fence = rows
        .iter()
        .find(|r| r.get("regime_id").map(String::as_str) == Some("fence-open-section"))
        .ok_or("no fence row")?;
    assert_eq!(cell(fence, "state")?, "built");
    assert_eq!(num(fence, "from_km")?, 102.0);
    assert_eq!(num(fence, "to_km")?, 110.0);
    assert_eq!(cell(fence, "extent")?, "approximate");
    assert_eq!(num(fence, "precision_km")?, 2.0);
    let mines = rows
        .iter()
        .find(|r| r.get("regime_id").map(String::as_str) == Some("mines"))
        .ok_or("no mines row")?;
    assert_eq!(cell(mines, "state")?, "cleared");
    assert_eq!(cell(mines, "since")?, "2005-10");
    assert_eq!(cell(mines, "instrument_id")?, "t-2002");
    let only_mined = stdout_of(&mut bordertrack([
        "regimes", "--data", &data, "--as-of", "2005", "--on", "mined", "--format", "csv",
    ]))?;
    let (_, rows) = csv_rows(&only_mined)?;
    assert_eq!(rows.len(), 1);
    assert_eq!(cell(&rows[0], "state")?, "ambiguous");
    assert_eq!(cell(&rows[0], "possible_states")?, "laid;cleared");
    Ok(())
}
