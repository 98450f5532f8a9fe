//! The README's sample outputs, checked against the binary.
//!
//! Every ```` ```text ```` block of `README.md` is read as a terminal session: a line starting
//! with `$ bordertrack` is a command (run by `sh` from the crate root, with the binary under
//! test first on `PATH`, so that pipes through `cut` or `head` work as a reader would type
//! them), and the lines after it, up to the next command or the end of the block, are what it
//! prints on stdout. A line that is only `…` stands for any number of lines. Trailing spaces are
//! ignored. A README whose samples no longer match what the tool prints fails here.

use std::path::Path;
use std::process::Command;

use crate::util::{bin_path, TestResult};

/// One command of the README and the lines it is shown to print.
struct Sample {
    /// The README line the command is on (1-based), for messages.
    line: usize,
    /// The command after `$ `.
    command: String,
    /// The lines shown under it.
    expected: Vec<String>,
}

/// The samples of the `text` blocks of `readme`.
fn samples(readme: &str) -> Vec<Sample> {
    let mut out: Vec<Sample> = Vec::new();
    let mut in_text = false;
    for (i, line) in readme.lines().enumerate() {
        if !in_text {
            in_text = line.trim_end() == "```text";
            continue;
        }
        if line.starts_with("```") {
            in_text = false;
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            out.push(Sample {
                line: i + 1,
                command: cmd.to_string(),
                expected: Vec::new(),
            });
        } else if let Some(s) = out.last_mut() {
            s.expected.push(line.trim_end().to_string());
        }
    }
    for s in &mut out {
        while s.expected.last().is_some_and(|l| l.is_empty()) {
            s.expected.pop();
        }
    }
    out
}

/// Whether `actual` matches `expected`, where a `…` line in `expected` matches any number of
/// lines.
fn matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((e, rest)) if e == "…" => (0..=actual.len()).any(|k| matches(rest, &actual[k..])),
        Some((e, rest)) => actual
            .split_first()
            .is_some_and(|(a, more)| a.trim_end() == e && matches(rest, more)),
    }
}

#[test]
fn every_readme_sample_prints_what_the_readme_shows() -> TestResult {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md"))?;
    let samples = samples(&readme);
    let ours: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.command.starts_with("bordertrack "))
        .collect();
    assert!(
        ours.len() >= 4,
        "expected the README's tour to show at least 4 commands, found {}",
        ours.len()
    );
    let bin_dir = bin_path()
        .parent()
        .ok_or("the binary has no directory")?
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))?;
    let mut failures = Vec::new();
    for s in ours {
        let out = Command::new("sh")
            .arg("-c")
            .arg(&s.command)
            .current_dir(root)
            .env("PATH", &path)
            .output()?;
        let stdout = String::from_utf8(out.stdout)?;
        let actual: Vec<&str> = stdout.lines().collect();
        if !matches(&s.expected, &actual) {
            failures.push(format!(
                "README.md:{}: `{}` prints\n{}\nbut the README shows\n{}\n(stderr: {})",
                s.line,
                s.command,
                stdout.trim_end(),
                s.expected.join("\n"),
                String::from_utf8_lossy(&out.stderr).trim_end()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    Ok(())
}

#[test]
fn an_ellipsis_matches_any_number_of_lines_and_nothing_else_is_skipped() {
    let e = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(matches(&e(&["a", "…", "z"]), &["a", "z"]));
    assert!(matches(&e(&["a", "…", "z"]), &["a", "b", "c", "z"]));
    assert!(!matches(&e(&["a", "…", "z"]), &["a", "b"]));
    assert!(!matches(&e(&["a", "z"]), &["a", "b", "z"]));
    assert!(!matches(&e(&["a"]), &["a", "b"]));
    assert!(matches(&e(&["a"]), &["a  "]));
}

/// `tests/fixtures/README.md` says where each fixture comes from: it names every folder of
/// `tests/fixtures/` (as `folder/`) and every file of the folders that are not catalogues
/// (`import/`, `parquet/`: by its path, as `folder/file`, or by its bare name in the folder's
/// row); and every `folder/file` path it names exists. The catalogues (`bad/`, whose cases
/// hold only what differs from `tiny/`) are guarded by their tests' `REQUIRED` lists.
#[test]
fn the_fixtures_readme_names_every_fixture() -> TestResult {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let readme = std::fs::read_to_string(root.join("README.md"))?;
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&root)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type()?.is_dir() {
            continue;
        }
        if !readme.contains(&format!("`{name}/")) {
            missing.push(format!("{name}/"));
        }
        if name == "bad" || name == "tiny" {
            continue;
        }
        for file in std::fs::read_dir(entry.path())? {
            let file = file?.file_name().to_string_lossy().into_owned();
            let as_path = format!("`{name}/{file}`");
            let bare = format!("`{file}`");
            if !readme.contains(&as_path) && !readme.contains(&bare) {
                missing.push(format!("{name}/{file}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "tests/fixtures/README.md does not name {missing:?}"
    );
    // The other way: every `folder/file.ext` it names is there.
    for quoted in readme.split('`').skip(1).step_by(2) {
        let is_path = quoted.contains('/') && quoted.contains('.') && !quoted.contains(' ');
        if is_path && !quoted.starts_with("tests/") && !quoted.contains("://") {
            let Some((folder, _)) = quoted.split_once('/') else {
                continue;
            };
            if root.join(folder).is_dir() {
                assert!(
                    root.join(quoted).exists(),
                    "tests/fixtures/README.md names {quoted}, which is not there"
                );
            }
        }
    }
    Ok(())
}

/// The README's one table of status words is the library's vocabulary: the same words in the
/// same order as `StatusWord::ALL`, each with the dimension it judges and exactly the statuses
/// it matches (issue 14: a word means the same set everywhere).
#[test]
fn the_status_words_table_is_the_library_s_vocabulary() -> TestResult {
    use bordertrack::{Delimitation, Demarcation, StatusWord};
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))?;
    let section = readme
        .split("### Status words")
        .nth(1)
        .ok_or("no \"### Status words\" section")?;
    let rows: Vec<Vec<&str>> = section
        .lines()
        .skip_while(|l| !l.starts_with("| word |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.trim_matches('|').split('|').map(str::trim).collect())
        .collect();
    let quoted = |cell: &str| -> Vec<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    assert_eq!(rows.len(), StatusWord::ALL.len(), "{rows:?}");
    for (row, word) in rows.iter().zip(StatusWord::ALL) {
        assert_eq!(quoted(row[0]), [word.as_str()], "{row:?}");
        let delimitations: Vec<String> = Delimitation::ALL
            .into_iter()
            .filter(|&d| Demarcation::ALL.into_iter().all(|m| word.matches(d, m)))
            .map(|d| d.as_str().to_string())
            .collect();
        let demarcations: Vec<String> = Demarcation::ALL
            .into_iter()
            .filter(|&m| Delimitation::ALL.into_iter().all(|d| word.matches(d, m)))
            .map(|m| m.as_str().to_string())
            .collect();
        let dimension = match (delimitations.is_empty(), demarcations.is_empty()) {
            (false, true) => "delimitation",
            (true, false) => "demarcation",
            _ => "either",
        };
        assert_eq!(row[1], dimension, "{row:?}");
        let mut covered: Vec<String> = delimitations.into_iter().chain(demarcations).collect();
        let mut shown = quoted(row[2]);
        covered.sort();
        shown.sort();
        assert_eq!(shown, covered, "{row:?}");
    }
    Ok(())
}
