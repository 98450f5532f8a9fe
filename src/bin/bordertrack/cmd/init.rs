//! `bordertrack init DIR`: an empty dataset to start another region from.

use std::path::PathBuf;

use bordertrack::import::dataset_dir::{skeleton, write_new_dir};
use clap::Args;

use crate::output::say;
use crate::Failure;

/// `init` options.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The new dataset directory: it must not exist, or be empty.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Runs `init`.
pub fn run(args: &InitArgs) -> Result<(), Failure> {
    let files = skeleton();
    write_new_dir(&args.dir, &files).map_err(super::import_lines::write_failure)?;
    say!(
        "bordertrack: empty dataset written to {} ({} files); see its README.md, then `bordertrack validate --data {}`",
        args.dir.display(),
        files.len(),
        args.dir.display()
    );
    Ok(())
}
