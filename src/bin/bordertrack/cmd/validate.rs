//! `bordertrack validate`: load a dataset and list every problem.

use std::io::Write;
use std::path::Path;

use bordertrack::{Dataset, Error, Problem};

use crate::output::say;
use crate::Failure;

/// Runs the command: prints nothing and succeeds for a clean dataset; prints each problem on
/// its own line to stdout and fails with [`Failure::Problems`] otherwise.
pub fn run(data_dir: Option<&Path>) -> Result<(), Failure> {
    let result = match data_dir {
        Some(dir) => Dataset::load(dir),
        None => Dataset::embedded(),
    };
    match result {
        Ok(data) => {
            say!(
                "bordertrack: dataset is valid: {} segments, {} status changes, {} instruments, {} sources, {} places, {} incidents",
                data.segments().len(),
                data.changes().len(),
                data.instruments().len(),
                data.sources().len(),
                data.places().len(),
                data.incidents().len()
            );
            Ok(())
        }
        Err(Error::Invalid(problems)) => {
            let mut out = std::io::stdout().lock();
            for p in &problems {
                writeln!(out, "{}", in_cli_terms(p)).map_err(Failure::from)?;
            }
            out.flush().map_err(Failure::from)?;
            Err(Failure::Problems(problems.len()))
        }
        Err(e) => Err(e.into()),
    }
}

/// The library's words for a dating basis, at the end of a problem's message, and the option
/// that chooses it on the command line.
const BASIS_WORDS: [(&str, &str); 3] = [
    (
        " whether changes are dated by signature or by entry into force",
        " under either --basis",
    ),
    (" with changes dated by signature", " under --basis signed"),
    (
        " with changes dated by entry into force",
        " under --basis in-force",
    ),
];

/// `problem` as the command line says it: a dating basis named by its `--basis` option.
pub fn in_cli_terms(problem: &Problem) -> Problem {
    let mut p = problem.clone();
    for (words, option) in BASIS_WORDS {
        if let Some(rest) = p.message.strip_suffix(words) {
            p.message = format!("{rest}{option}");
            break;
        }
    }
    p
}
