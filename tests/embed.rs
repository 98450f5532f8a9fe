//! The library pipeline embedded through the façade (`examples/embed.rs`) writes byte for byte
//! what `bordertrack incidents` writes, and a table none of whose rows can be read fails.

use std::fmt::Write as _;

use bordertrack::Borders;

use crate::util::{TestResult, Workdir};

#[allow(dead_code)]
#[path = "../examples/embed.rs"]
mod example;

/// A table of `n` incidents spread over Central Asia (deterministic), with exact, partial and
/// imprecise ones, and a bad row every 997 rows.
fn table(n: u64) -> String {
    let mut text = String::from("id,date,lat,lon,precision_m\n");
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    for i in 0..n {
        let lon = 55.0 + 25.0 * next();
        let lat = 37.0 + 10.0 * next();
        let year = 1992 + (32.0 * next()) as u32;
        let month = 1 + (12.0 * next()) as u32;
        let date = match i % 3 {
            0 => format!("{year}"),
            1 => format!("{year}-{month:02}"),
            _ => format!("{year}-{month:02}-{:02}", 1 + (28.0 * next()) as u32),
        };
        let precision = if i % 5 == 0 { "25000" } else { "" };
        if i % 997 == 0 {
            let _ = writeln!(text, "bad{i},{date},north,{lon:.5},{precision}");
        } else {
            let _ = writeln!(text, "i{i},{date},{lat:.5},{lon:.5},{precision}");
        }
    }
    text
}

#[test]
fn the_embedded_pipeline_writes_what_the_command_writes() -> TestResult {
    let dir = Workdir::new()?;
    // About 2.5 MB: several blocks, so that ordering across threads is exercised.
    let input = dir.write("in.csv", table(60_000))?;
    let cli = dir
        .bordertrack(["incidents", "in.csv", "--within", "20km", "--format", "csv"])
        .output()?;
    assert_eq!(cli.status.code(), Some(0));
    let borders = Borders::embedded()?;
    let mut library = Vec::new();
    let path = input.to_str().ok_or("a UTF-8 path")?;
    let summary = example::classify_csv(&borders, path, 20_000.0, &mut library)?;
    assert!(summary.matched > 1_000, "{summary:?}");
    assert_eq!(summary.bad, 61);
    assert!(
        library == cli.stdout,
        "the library's output ({} bytes) differs from the command's ({} bytes)",
        library.len(),
        cli.stdout.len()
    );
    Ok(())
}

#[test]
fn a_table_none_of_whose_rows_can_be_read_fails_and_says_why() -> TestResult {
    let dir = Workdir::new()?;
    // Projected metres where degrees are expected: every row is out of range.
    dir.write(
        "utm.csv",
        "id,date,lat,lon\nA,2006-04-19,4590000,500000\nB,2006-04-20,4591000,501000\n",
    )?;
    let out = dir
        .bordertrack(["incidents", "utm.csv", "-o", "out.csv"])
        .output()?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("utm.csv: no row could be read (2 bad rows)")
            && stderr.contains("wrong column layout")
            && stderr.contains("reference system"),
        "{stderr}"
    );
    assert!(!dir.join("out.csv").exists(), "an output was written");
    // One good row is enough to succeed.
    dir.write(
        "mixed.csv",
        "id,date,lat,lon\nA,2006-04-19,4590000,500000\nB,2006-04-19,41.46667,69.16667\n",
    )?;
    let out = dir.bordertrack(["incidents", "mixed.csv"]).output()?;
    assert_eq!(out.status.code(), Some(0));
    Ok(())
}
