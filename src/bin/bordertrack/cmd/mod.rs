//! One module per subcommand; each exposes `run`.

pub mod history;
pub mod segments;
pub mod stats;
pub mod validate;

use std::path::Path;

use bordertrack::{Dataset, DateSpan, PartialDate};

use crate::args::WhenArgs;
use crate::Failure;

/// Loads the dataset named by `--data`, or the embedded one.
pub fn load(data: Option<&Path>) -> Result<Dataset, Failure> {
    match data {
        Some(dir) => Dataset::load(dir),
        None => Dataset::embedded(),
    }
    .map_err(Failure::from)
}

/// The span `--as-of` asks for; today when not given.
pub fn as_of(when: &WhenArgs) -> DateSpan {
    when.as_of
        .map(|d| d.span())
        .unwrap_or_else(|| PartialDate::Day(jiff::ZonedDateTime::now().date()).span())
}
