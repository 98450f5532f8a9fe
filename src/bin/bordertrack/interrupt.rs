//! Ctrl-C, SIGTERM and SIGHUP: the run stops whatever it is doing (loading a dataset, waiting
//! on an idle stdin, classifying, writing), exits 130, and `-o FILE` is not written.
//!
//! The handler runs on a thread of its own. It does not wait for the main thread to notice,
//! which may be blocked in a read for ever, but ends the process itself once it has removed
//! the temporary output file. One lock orders it with the rename of that file into place:
//! before the rename the handler removes the file and exits 130; once the file is in place
//! the run has done its work, and the handler lets it finish.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::output::say;

/// Set when a signal arrived, for code that checks between steps.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// The output file of the run, as far as an interrupt is concerned.
enum OutputFile {
    /// No temporary file (nothing opened yet, or stdout, or a device written in place).
    None,
    /// A temporary file, to remove on an interrupt.
    Temporary(PathBuf),
    /// Moved into place: the run is complete.
    InPlace,
}

static OUTPUT: Mutex<OutputFile> = Mutex::new(OutputFile::None);

fn output() -> MutexGuard<'static, OutputFile> {
    OUTPUT.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Installs the handler. If it cannot be installed, signals keep their default effect.
pub fn install() {
    let _ = ctrlc::set_handler(on_signal);
}

fn on_signal() {
    INTERRUPTED.store(true, Ordering::SeqCst);
    let file = output();
    match &*file {
        OutputFile::InPlace => return,
        OutputFile::Temporary(path) => {
            let _ = std::fs::remove_file(path);
            say!("bordertrack: interrupted; no output written");
        }
        OutputFile::None => say!("bordertrack: interrupted"),
    }
    // The lock is held to the end: the main thread cannot rename the file meanwhile.
    std::process::exit(130);
}

/// Creates the temporary output file with `create`, which returns it and its path, and
/// records the path so that an interrupt removes the file; an interrupt waits while this
/// runs, so that no file is left behind.
pub fn create_temporary<T, E>(create: impl FnOnce() -> Result<T, E>) -> Result<T, E>
where
    T: AsRef<Path>,
{
    let mut file = output();
    let created = create()?;
    *file = OutputFile::Temporary(created.as_ref().to_path_buf());
    Ok(created)
}

/// Moves the temporary output file into place with `persist`; an interrupt waits while
/// this runs, and once it has succeeded no longer stops the run.
pub fn persist<T, E>(persist: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    let mut file = output();
    let persisted = persist();
    *file = match persisted {
        Ok(_) => OutputFile::InPlace,
        Err(_) => OutputFile::None,
    };
    persisted
}
