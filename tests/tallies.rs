//! `tallies.csv` and the `tallies` command: counts listed with their sources, filtered by dyad
//! and period, on the tiny dataset and the embedded one.

use crate::util::{bordertrack, cell, csv_rows, num, stdout_of, tiny, BoxError, Row, TestResult};

fn rows(args: &[&str]) -> Result<Vec<Row>, BoxError> {
    let text = stdout_of(&mut bordertrack(args))?;
    Ok(csv_rows(&text)?.1)
}

fn kinds(rows: &[Row]) -> Result<Vec<&str>, BoxError> {
    rows.iter().map(|r| cell(r, "kind")).collect()
}

#[test]
fn tallies_are_listed_with_their_period_and_filtered_by_dyad_and_dates() -> TestResult {
    let data = tiny();
    let all = rows(&["tallies", "--data", &data, "--format", "csv"])?;
    assert_eq!(kinds(&all)?, ["trespass", "clash", "mine_death"]);
    let trespass = &all[0];
    assert_eq!(num(trespass, "count")?, 1127.0);
    assert_eq!(cell(trespass, "period_start_first")?, "2003-01-01");
    assert_eq!(cell(trespass, "period_end_last")?, "2003-09-30");
    assert_eq!(cell(trespass, "qualifier")?, "exact");
    assert_eq!(cell(&all[1], "qualifier")?, "at_least");
    // An empty qualifier is exact; a dyad written either way round is the same dyad.
    assert_eq!(cell(&all[2], "qualifier")?, "exact");
    assert_eq!(cell(&all[2], "dyad")?, "XAA-XBB");
    // A period is kept when it shares a day with the range.
    let range = |from: &str, to: &str| {
        rows(&[
            "tallies", "--data", &data, "--from", from, "--to", to, "--format", "csv",
        ])
    };
    assert_eq!(
        kinds(&range("2003-09-30", "2003-12")?)?,
        ["trespass", "mine_death"]
    );
    assert_eq!(kinds(&range("2006-05", "2006-12")?)?, ["mine_death"]);
    assert!(range("2007", "2010")?.is_empty());
    let out =
        bordertrack(["tallies", "--data", &data, "--from", "2005", "--to", "2004"]).output()?;
    assert_eq!(out.status.code(), Some(2));
    // export tallies writes the same layer.
    let exported = rows(&["export", "tallies", "--data", &data, "--format", "csv"])?;
    assert_eq!(exported, all);
    Ok(())
}

#[test]
fn the_embedded_tallies_cite_their_sources() -> TestResult {
    let kaz = rows(&[
        "tallies", "--dyad", "KAZ-UZB", "--from", "2003", "--to", "2003", "--format", "csv",
    ])?;
    let trespass = kaz
        .iter()
        .find(|r| r.get("kind").map(String::as_str) == Some("trespass"))
        .ok_or("no trespass count for 2003")?;
    // Seed 003: 1,127 cases of trespassing in nine months of 2003.
    assert_eq!(num(trespass, "count")?, 1127.0);
    assert_eq!(cell(trespass, "source_id")?, "seed003");
    assert!(cell(trespass, "source_title")?.contains("Border Security in Central Asia"));
    assert!(!cell(trespass, "source_publisher")?.is_empty());
    for row in rows(&["tallies", "--format", "csv"])? {
        assert!(!cell(&row, "source_title")?.is_empty(), "{row:?}");
    }
    Ok(())
}

/// 24.kg's yearly counts of Kyrgyz-Tajik border incidents (2010 to July 2019) are each
/// listed, and add up to the total the same article states (155), which is listed beside them
/// and never summed with them.
#[test]
fn the_kyrgyz_tajik_yearly_incident_counts_add_up_to_the_published_total() -> TestResult {
    let all = rows(&["tallies", "--dyad", "KGZ-TJK", "--format", "csv"])?;
    let counts: Vec<_> = all
        .iter()
        .filter(|r| {
            r.get("kind").map(String::as_str) == Some("border_incident")
                && r.get("source_id").map(String::as_str) == Some("24kg-124352")
        })
        .collect();
    assert_eq!(counts.len(), 11, "{counts:?}");
    let mut yearly = 0.0;
    let mut total = None;
    for r in &counts {
        if cell(r, "period_start")? == "2010" && cell(r, "period_end")? == "2019-07" {
            total = Some(num(r, "count")?);
        } else {
            yearly += num(r, "count")?;
        }
    }
    assert_eq!(total, Some(155.0));
    assert_eq!(yearly, 155.0);
    let in_2014 = rows(&[
        "tallies", "--dyad", "KGZ-TJK", "--from", "2014", "--to", "2014", "--format", "csv",
    ])?;
    assert!(in_2014
        .iter()
        .any(|r| r.get("count").map(String::as_str) == Some("32")));
    Ok(())
}
