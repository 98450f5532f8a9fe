//! The catalogue of broken datasets in `tests/fixtures/bad/` (except `incidents/`, the
//! catalogue of incident tables run by `bad_incidents`).
//!
//! Each case is a directory holding only the files that differ from `tests/fixtures/tiny`,
//! plus:
//! - `expected.txt`: the exact lines `bordertrack validate --data <case>` prints on stdout;
//! - `exit-code`: its exit status (0 for inputs that must be accepted);
//! - optionally `remove` (files of the tiny dataset to delete) and `directory` (files to
//!   replace by a directory, which cannot be read as a file even by root).
//!
//! The test builds each dataset in a scratch directory and runs `validate` from there with the
//! case name as a relative path, so that the file names in the messages are stable.

use std::fs;
use std::path::{Path, PathBuf};

use bordertrack::{Dataset, Error};

use crate::util::catalogue::{check_catalogue, control_lines};
use crate::util::{fixture, TestResult, Workdir};

/// Cases that must exist, so that a deleted directory cannot pass unnoticed.
const REQUIRED: &[&str] = &[
    "antimeridian-and-pole",
    "bad-dates",
    "bad-dyad",
    "bad-regimes",
    "bad-tallies",
    "bom",
    "coordinates-z-m",
    "crlf",
    "degenerate-segment",
    "demarcation-before-delimitation",
    "duplicate-ids",
    "empty-csv",
    "empty-geojson",
    "every-reference",
    "extra-columns",
    "file-missing",
    "gap-and-overlap",
    "header-only-incidents",
    "header-only-instruments",
    "header-only-status",
    "ids-as-written",
    "invalid-json",
    "lat-lon-swapped",
    "left-right-reversed",
    "missing-column",
    "non-utf8",
    "not-a-feature-collection",
    "null-geometry",
    "numbers-nan-inf-huge",
    "one-bad-feature",
    "one-point-segment",
    "quoted-newline",
    "self-overlapping-segment",
    "semicolon",
    "several-problems",
    "status-out-of-order",
    "too-many-fields",
    "truncated-json",
    "unknown-references",
    "unknown-status-words",
    "unreadable-file",
    "wrong-geometry-type",
];

const CONTROL_FILES: &[&str] = &["expected.txt", "exit-code", "remove", "directory"];

/// Builds the dataset of case `name` in `dir`; returns its directory.
fn build_case(
    dir: &Workdir,
    case: &Path,
    name: &str,
) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let data = dir.copy_dir(&fixture("tiny"), name)?;
    for entry in fs::read_dir(case)? {
        let entry = entry?;
        let file = entry.file_name().to_string_lossy().into_owned();
        if !CONTROL_FILES.contains(&file.as_str()) {
            fs::copy(entry.path(), data.join(&file))?;
        }
    }
    for f in control_lines(&case.join("remove"))? {
        fs::remove_file(data.join(f))?;
    }
    for f in control_lines(&case.join("directory"))? {
        fs::remove_file(data.join(&f))?;
        fs::create_dir(data.join(&f))?;
    }
    Ok(data)
}

/// Builds the dataset of case `name` in `dir` and runs `validate` on it; returns a description
/// of every mismatch.
fn run_case(
    dir: &Workdir,
    case: &Path,
    name: &str,
) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    build_case(dir, case, name)?;
    let expected = fs::read_to_string(case.join("expected.txt"))?;
    let code: i32 = fs::read_to_string(case.join("exit-code"))?.trim().parse()?;
    let out = dir.bordertrack(["validate", "--data", name]).output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut wrong = Vec::new();
    if stdout != expected {
        wrong.push(format!(
            "{name}: stdout differs\n--- expected\n{expected}--- got\n{stdout}"
        ));
    }
    if out.status.code() != Some(code) {
        wrong.push(format!(
            "{name}: exit status {:?}, expected {code}",
            out.status.code()
        ));
    }
    let lines = expected.lines().count();
    let summary = match lines {
        0 => "dataset is valid".to_string(),
        1 => "bordertrack: 1 problem found".to_string(),
        n => format!("bordertrack: {n} problems found"),
    };
    if !stderr.contains(&summary) {
        wrong.push(format!("{name}: stderr lacks {summary:?}: {stderr}"));
    }
    if stderr.contains("panicked") {
        wrong.push(format!("{name}: panic: {stderr}"));
    }
    // The same problems as the `problems` layer: one feature each, whose columns give back
    // the line printed, with the same exit status.
    let out = dir
        .bordertrack(["validate", "--data", name, "--format", "json"])
        .output()?;
    if out.status.code() != Some(code) {
        wrong.push(format!(
            "{name}: --format json: exit status {:?}, expected {code}",
            out.status.code()
        ));
    }
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let rebuilt: Vec<String> = rows
        .as_array()
        .ok_or("--format json: not an array")?
        .iter()
        .map(line_of_feature)
        .collect();
    let lines: Vec<&str> = expected.lines().collect();
    if rebuilt != lines {
        wrong.push(format!(
            "{name}: the problems layer differs from the lines\n--- lines\n{}\n--- layer\n{}",
            lines.join("\n"),
            rebuilt.join("\n")
        ));
    }
    Ok(wrong)
}

/// The line `validate` prints for one feature of the `problems` layer (JSON), rebuilt from its
/// columns.
fn line_of_feature(f: &serde_json::Value) -> String {
    let text = |c: &str| f[c].as_str().unwrap_or("").to_string();
    let (file, message) = (text("file"), text("message"));
    let severity_and_kind_known = f["severity"] == "error" && f["kind"].is_string();
    let line = match (&f["line"], &f["row"], &f["feature_index"], &f["feature_id"]) {
        (serde_json::Value::Number(n), _, _, _) => format!("{file}:{n}: {message}"),
        (_, serde_json::Value::Number(n), _, _) => format!("{file}: row {n}: {message}"),
        (_, _, serde_json::Value::Number(i), serde_json::Value::String(id)) => {
            format!("{file}: feature {i} (id {id:?}): {message}")
        }
        (_, _, serde_json::Value::Number(i), _) => format!("{file}: feature {i}: {message}"),
        _ => format!("{file}: {message}"),
    };
    if severity_and_kind_known {
        line
    } else {
        format!("{line} [severity or kind missing: {f}]")
    }
}

#[test]
fn every_catalogued_bad_input_gives_exactly_the_expected_problems() -> TestResult {
    let root = fixture("bad");
    let mut names: Vec<String> = fs::read_dir(&root)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    // `incidents/` holds the catalogue of incident tables (see `bad_incidents`).
    names.retain(|n| n != "incidents");
    names.sort();
    check_catalogue(&root, &names, REQUIRED, "catalogue", run_case)
}

#[test]
fn each_expected_list_names_only_its_own_case() -> TestResult {
    // Every problem line starts with the case's own directory, and a rejected case lists at
    // least one problem.
    let root = fixture("bad");
    for entry in fs::read_dir(&root)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "incidents" {
            continue;
        }
        let expected = fs::read_to_string(entry.path().join("expected.txt"))?;
        let code = fs::read_to_string(entry.path().join("exit-code"))?;
        assert_eq!(
            code.trim() == "0",
            expected.is_empty(),
            "{name}: exit code and list disagree"
        );
        for line in expected.lines() {
            assert!(line.starts_with(&format!("{name}/")), "{name}: {line}");
        }
    }
    Ok(())
}

/// The library speaks of its own values, never of command-line options: no problem the
/// library finds in a catalogued case names one (`--basis`, `--data` …). The command line
/// translates: `validate` prints the basis of a history problem as its option (the cases'
/// `expected.txt`, checked above).
#[test]
fn library_problems_name_no_command_line_option() -> TestResult {
    let root = fixture("bad");
    let dir = Workdir::new()?;
    let mut names: Vec<String> = fs::read_dir(&root)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    names.retain(|n| n != "incidents");
    names.sort();
    let mut checked = 0;
    for name in &names {
        let data = build_case(&dir, &root.join(name), name)?;
        let messages: Vec<String> = match Dataset::load(&data) {
            Ok(_) => Vec::new(),
            Err(Error::Invalid(problems)) => problems.iter().map(|p| p.message.clone()).collect(),
            Err(e) => vec![e.to_string()],
        };
        for m in &messages {
            assert!(!m.contains("--"), "{name}: {m}");
        }
        checked += messages.len();
    }
    assert!(checked > 20, "only {checked} messages checked");
    // The history problem the command line prints "under either --basis" reads, from the
    // library, in the library's words.
    let data = build_case(
        &dir,
        &root.join("demarcation-before-delimitation"),
        "basis-words",
    )?;
    let Err(Error::Invalid(problems)) = Dataset::load(&data) else {
        panic!("the case is rejected");
    };
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0]
            .message
            .ends_with("is delimited (it is undelimited then; delimited only from 2001-11-16) whether changes are dated by signature or by entry into force"),
        "{}",
        problems[0].message
    );
    Ok(())
}
