//! The spinner shown on a terminal while a long run reads its input: the rows read so far and
//! the rows per second, on stderr.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// A spinner counting rows, shown only when stderr is a terminal.
pub struct Spinner {
    bar: Option<indicatif::ProgressBar>,
    rows_read: AtomicU64,
}

impl Spinner {
    /// A spinner saying `what` ("classifying incidents"), when `wanted` and stderr is a
    /// terminal; otherwise nothing is shown.
    pub fn new(wanted: bool, what: &str) -> Spinner {
        let bar = (wanted && std::io::stderr().is_terminal()).then(|| {
            let pb = indicatif::ProgressBar::new_spinner();
            if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
                "{{spinner}} {what}: {{human_pos}} rows read ({{per_sec:0}}), {{elapsed}}"
            )) {
                pb.set_style(style);
            }
            pb.enable_steady_tick(Duration::from_millis(200));
            pb
        });
        Spinner {
            bar,
            rows_read: AtomicU64::new(0),
        }
    }

    /// The bar, for printing lines above it; `None` when nothing is shown.
    pub fn bar(&self) -> Option<indicatif::ProgressBar> {
        self.bar.clone()
    }

    /// The counter the run adds its rows to; `None` when nothing is shown.
    pub fn rows_read(&self) -> Option<&AtomicU64> {
        self.bar.as_ref().map(|_| &self.rows_read)
    }

    /// Runs `work`, showing the count of rows read while it runs.
    pub fn run<T>(&self, work: impl FnOnce() -> T) -> T {
        let finished = AtomicBool::new(false);
        std::thread::scope(|scope| {
            if let Some(pb) = &self.bar {
                scope.spawn(|| {
                    while !finished.load(Ordering::Relaxed) {
                        pb.set_position(self.rows_read.load(Ordering::Relaxed));
                        std::thread::sleep(Duration::from_millis(100));
                    }
                });
            }
            let answer = work();
            finished.store(true, Ordering::Relaxed);
            answer
        })
    }

    /// Takes the spinner off the terminal.
    pub fn finish(&self) {
        if let Some(pb) = &self.bar {
            pb.finish_and_clear();
        }
    }
}
