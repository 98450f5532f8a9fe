//! `bordertrack validate`: load a dataset and list every problem.

use std::io::Write;
use std::path::Path;

use bordertrack::{Dataset, Error};

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
                writeln!(out, "{p}").map_err(Failure::from)?;
            }
            out.flush().map_err(Failure::from)?;
            Err(Failure::Problems(problems.len()))
        }
        Err(e) => Err(e.into()),
    }
}
