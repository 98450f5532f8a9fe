//! The catalogue of broken incident tables in `tests/fixtures/bad/incidents/`.
//!
//! Each case is a directory holding one input file, `input.csv` or `input.geojson`, plus:
//! - `expected-stderr.txt`: the exact lines `bordertrack incidents` prints on stderr (one
//!   message per bad row or the file's fatal problem, then the summary line);
//! - `expected-stdout.txt`: the exact CSV it prints on stdout (only the header when no row
//!   matches; empty when the file cannot be read);
//! - `exit-code`: its exit status (0 when the file is read, bad rows being skipped);
//! - optionally `args` (further arguments, one per line) and `not-created` (files that must
//!   not exist after the run, such as an `-o` output under `--strict`).
//!
//! The test copies each case into a scratch directory and runs
//! `bordertrack incidents <case>/input.* --data <tiny> --format csv` from there, so that the
//! file names in the messages are stable.

use std::fs;
use std::path::Path;

use crate::util::catalogue::{check_catalogue, control_lines};
use crate::util::{fixture, tiny, TestResult, Workdir};

/// Cases that must exist, so that a deleted directory cannot pass unnoticed.
const REQUIRED: &[&str] = &[
    "acled-bad-codes",
    "acled-week-at-calendar-ends",
    "bad-dates",
    "bad-fatalities",
    "bom",
    "crlf",
    "duplicate-columns",
    "empty-file",
    "empty-id",
    "extra-columns",
    "fatalities-notations",
    "geojson-3d-point",
    "geojson-invalid-json",
    "geojson-linestring",
    "geojson-not-a-feature-collection",
    "geojson-null-geometry",
    "geojson-one-bad-feature",
    "geojson-top-level-array",
    "geojson-truncated",
    "gzip",
    "header-only",
    "lat-lon-swapped",
    "longitude-out-of-range",
    "missing-column",
    "negative-precision",
    "non-utf8",
    "numbers-nan-inf-huge",
    "quoted-newline",
    "semicolon",
    "strict",
    "tab",
    "truncated-to-file",
    "too-many-fields",
    "ucdp-dates-reversed",
    "ucdp-where-prec-coarse",
];

/// Files of a case that are not its input.
const CONTROL_FILES: &[&str] = &[
    "expected-stderr.txt",
    "expected-stdout.txt",
    "exit-code",
    "args",
    "not-created",
];

/// The one input file of a case.
fn input_of(case: &Path, name: &str) -> Result<String, Box<dyn std::error::Error>> {
    let mut inputs = Vec::new();
    for entry in fs::read_dir(case)? {
        let file = entry?.file_name().to_string_lossy().into_owned();
        if !CONTROL_FILES.contains(&file.as_str()) {
            inputs.push(file);
        }
    }
    match inputs.as_slice() {
        [one] if one.starts_with("input.") => Ok(one.clone()),
        _ => Err(format!(
            "{name}: expected one input.* file besides the control files, found {inputs:?}"
        )
        .into()),
    }
}

/// Runs case `name` in `dir`; returns a description of every mismatch.
fn run_case(
    dir: &Workdir,
    case: &Path,
    name: &str,
) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let input = input_of(case, name)?;
    dir.write(format!("{name}/{input}"), fs::read(case.join(&input))?)?;
    let expected_err = fs::read_to_string(case.join("expected-stderr.txt"))?;
    let expected_out = fs::read_to_string(case.join("expected-stdout.txt"))?;
    let code: i32 = fs::read_to_string(case.join("exit-code"))?.trim().parse()?;
    let not_created = control_lines(&case.join("not-created"))?;
    for f in &not_created {
        // A file left by an earlier case must not make this one pass or fail.
        let _ = fs::remove_file(dir.join(f));
    }
    let mut args = vec![
        "incidents".to_string(),
        format!("{name}/{input}"),
        "--data".to_string(),
        tiny(),
        "--format".to_string(),
        "csv".to_string(),
    ];
    args.extend(control_lines(&case.join("args"))?);
    let out = dir.bordertrack(&args).output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut wrong = Vec::new();
    if stderr != expected_err {
        wrong.push(format!(
            "{name}: stderr differs\n--- expected\n{expected_err}--- got\n{stderr}"
        ));
    }
    if stdout != expected_out {
        wrong.push(format!(
            "{name}: stdout differs\n--- expected\n{expected_out}--- got\n{stdout}"
        ));
    }
    if out.status.code() != Some(code) {
        wrong.push(format!(
            "{name}: exit status {:?}, expected {code}",
            out.status.code()
        ));
    }
    for f in &not_created {
        if dir.join(f).exists() {
            wrong.push(format!("{name}: {f} was created"));
        }
    }
    Ok(wrong)
}

fn case_names() -> std::io::Result<Vec<String>> {
    let mut names: Vec<String> = fs::read_dir(fixture("bad").join("incidents"))?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    names.sort();
    Ok(names)
}

#[test]
fn every_catalogued_bad_incident_file_gives_exactly_the_expected_messages() -> TestResult {
    let root = fixture("bad").join("incidents");
    check_catalogue(
        &root,
        &case_names()?,
        REQUIRED,
        "incident catalogue",
        run_case,
    )
}

#[test]
fn each_expected_stderr_agrees_with_its_exit_code_and_names_its_own_case() -> TestResult {
    // A rejected file (exit 1) ends with the line saying nothing was written (or, for an input
    // that breaks off part way, that the streamed results are incomplete); an accepted one
    // ends with the summary line when it had bad rows, and prints nothing otherwise. Every
    // message names the case's own input.
    let root = fixture("bad").join("incidents");
    for name in case_names()? {
        let case = root.join(&name);
        let stderr = fs::read_to_string(case.join("expected-stderr.txt"))?;
        let code = fs::read_to_string(case.join("exit-code"))?;
        let all: Vec<&str> = stderr.lines().collect();
        let (last, messages) = match all.split_last() {
            Some((last, messages)) => (*last, messages),
            None => {
                assert_eq!(code.trim(), "0", "{name}: a failure must say why");
                continue;
            }
        };
        match code.trim() {
            "0" => {
                let bad = messages.len();
                let tail = format!("{bad} bad row{} skipped", if bad == 1 { "" } else { "s" });
                assert!(
                    last.starts_with("bordertrack: ") && last.ends_with(&tail),
                    "{name}: summary line {last:?} does not count {bad} bad rows"
                );
            }
            "1" => assert!(
                last.ends_with("no output written")
                    || last.ends_with("results are incomplete (with -o, no file was written)"),
                "{name}: {last:?}"
            ),
            other => panic!("{name}: unexpected exit code {other}"),
        }
        assert!(!messages.is_empty() || code.trim() == "0", "{name}");
        for line in messages {
            assert!(
                line.starts_with(&format!("{name}/input.")),
                "{name}: {line}"
            );
        }
    }
    Ok(())
}
