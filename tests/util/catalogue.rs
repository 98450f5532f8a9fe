//! Catalogues of bad inputs (`tests/fixtures/bad/`): one directory per case, holding its input
//! and control files that say what must come of it.

use std::fs;
use std::path::Path;

use super::{BoxError, TestResult, Workdir};

/// The non-blank lines of a case's control file `path`; none when the case has no such file.
pub fn control_lines(path: &Path) -> std::io::Result<Vec<String>> {
    match fs::read_to_string(path) {
        Ok(t) => Ok(t
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// Checks that every name of `required` is among the cases `names` (in `root`; `what` names
/// the catalogue in the message), then runs each case in one scratch directory with
/// `run_case(dir, case directory, name)`, which returns a description of every mismatch;
/// fails listing them all.
pub fn check_catalogue(
    root: &Path,
    names: &[String],
    required: &[&str],
    what: &str,
    mut run_case: impl FnMut(&Workdir, &Path, &str) -> Result<Vec<String>, BoxError>,
) -> TestResult {
    for r in required {
        assert!(names.iter().any(|n| n == r), "{what} case {r:?} is missing");
    }
    let dir = Workdir::new()?;
    let mut wrong = Vec::new();
    for name in names {
        wrong.extend(run_case(&dir, &root.join(name), name)?);
    }
    assert!(
        wrong.is_empty(),
        "{} mismatch(es):\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    Ok(())
}
