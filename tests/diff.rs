//! `bordertrack diff`: the stretches whose status or regimes differ between two dates, with
//! the instruments and sources of the changes between them (tiny dataset).

use crate::util::{bordertrack, cell, csv_rows, num, stdout_of, tiny, BoxError, Row, TestResult};

fn rows(args: &[&str]) -> Result<Vec<Row>, BoxError> {
    let text = stdout_of(&mut bordertrack(args))?;
    Ok(csv_rows(&text)?.1)
}

fn find<'a>(rows: &'a [Row], segment: &str, what: &str) -> Result<&'a Row, BoxError> {
    rows.iter()
        .find(|r| {
            r.get("segment_id").map(String::as_str) == Some(segment)
                && r.get("what").map(String::as_str) == Some(what)
        })
        .ok_or_else(|| format!("no {what} row for {segment}").into())
}

#[test]
fn diff_lists_each_change_of_status_or_regime_with_its_instrument() -> TestResult {
    let data = tiny();
    let got = rows(&[
        "diff",
        "--data",
        &data,
        "--from",
        "2002-01-01",
        "--to",
        "2007-01-01",
        "--format",
        "csv",
    ])?;
    // XAA-XBB-1 stays delimited; its demarcation starts and its mines are cleared. XAA-XBB-2
    // is delimited by the 2002 agreement, and gets the fence as well.
    assert_eq!(got.len(), 6, "{got:?}");
    let open = find(&got, "XAA-XBB-2", "delimitation")?;
    assert_eq!(cell(open, "before")?, "disputed");
    assert_eq!(cell(open, "after")?, "delimited");
    assert_eq!(cell(open, "instrument_ids")?, "t-2002");
    assert_eq!(cell(open, "source_ids")?, "synthetic");
    assert_eq!(cell(open, "last_change")?, "2003-09-05");
    assert_eq!(num(open, "changes")?, 1.0);
    let mines = find(&got, "XAA-XBB-1", "mined")?;
    assert_eq!(
        (cell(mines, "before")?, cell(mines, "after")?),
        ("laid", "cleared")
    );
    assert_eq!(cell(mines, "regime_id")?, "mines");
    assert_eq!(cell(mines, "instrument_ids")?, "t-2002");
    let fence = find(&got, "XAA-XBB-2", "fenced")?;
    assert_eq!(
        (cell(fence, "before")?, cell(fence, "after")?),
        ("", "built")
    );
    assert!(find(&got, "XAA-XBB-1", "delimitation").is_err());
    assert!(find(&got, "XAA-XBB-1", "fenced").is_err());
    // Nothing differs between a date and itself.
    let same = rows(&[
        "diff",
        "--data",
        &data,
        "--from",
        "2010-01-01",
        "--to",
        "2010-01-01",
        "--format",
        "csv",
    ])?;
    assert!(same.is_empty(), "{same:?}");
    let out = bordertrack(["diff", "--data", &data, "--from", "2030", "--to", "2024"]).output()?;
    assert_eq!(out.status.code(), Some(2));
    Ok(())
}

/// A year or month as `--from` is its first day and as `--to` its last day, as for
/// `incidents --from/--to` and `stats --from/--to`: `--from 2005 --to 2005` shows what changed
/// during 2005 (the mines cleared in October 2005), and a month holds a change dated to it.
#[test]
fn partial_dates_bound_the_range_from_first_day_to_last_day() -> TestResult {
    let data = tiny();
    let diff = |from: &str, to: &str| {
        rows(&[
            "diff", "--data", &data, "--from", from, "--to", to, "--format", "csv",
        ])
    };
    let year = diff("2005", "2005")?;
    let mines = find(&year, "XAA-XBB-1", "mined")?;
    assert_eq!(
        (cell(mines, "before")?, cell(mines, "after")?),
        ("laid", "cleared")
    );
    assert_eq!(num(mines, "changes")?, 1.0);
    assert_eq!(cell(mines, "last_change")?, "2005-10");
    // The same as the days written out.
    assert_eq!(year, diff("2005-01-01", "2005-12-31")?);
    // Ending with September 2005 (its last day): the mines are still laid.
    let before = diff("2005", "2005-09")?;
    assert!(find(&before, "XAA-XBB-1", "mined").is_err(), "{before:?}");
    // October 2005 as --to ends on the 31st, after the clearing (dated to the month).
    let october = diff("2005-09", "2005-10")?;
    let mines = find(&october, "XAA-XBB-1", "mined")?;
    assert_eq!(cell(mines, "after")?, "cleared");
    // --to before --from's first day is refused; a year's first day is not after itself.
    let out = bordertrack([
        "diff", "--data", &data, "--from", "2005-06", "--to", "2005-05",
    ])
    .output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(diff("2005-12", "2005")?.is_empty());
    Ok(())
}
