//! Arbitrary bytes as the CSV files of a dataset, through `Dataset::from_memory`: never a panic,
//! and an invalid dataset always lists at least one problem.
//!
//! The first byte picks the mode: one of the four CSV files replaced by the rest of the input
//! among the valid files of `tests/fixtures/tiny`, or the input split on NUL bytes into all
//! four CSV files.
#![no_main]

use bordertrack::{Dataset, Error};
use libfuzzer_sys::fuzz_target;

#[path = "tiny.rs"]
mod tiny;
use tiny::TINY;
const CSV: [&str; 4] = [
    "sources.csv",
    "instruments.csv",
    "status.csv",
    "incidents.csv",
];

fuzz_target!(|input: &[u8]| {
    let Some((&mode, rest)) = input.split_first() else {
        return;
    };
    let mut files: Vec<(&str, &[u8])> = TINY.to_vec();
    match CSV.get(usize::from(mode % 5)) {
        Some(name) => {
            for f in files.iter_mut().filter(|f| f.0 == *name) {
                f.1 = rest;
            }
        }
        None => {
            let mut parts = rest.split(|&b| b == 0);
            for name in CSV {
                let part = parts.next().unwrap_or(&[]);
                for f in files.iter_mut().filter(|f| f.0 == name) {
                    f.1 = part;
                }
            }
        }
    }
    match Dataset::from_memory("fuzz/", &files) {
        Ok(data) => {
            let _ = data.dyads();
        }
        Err(Error::Invalid(problems)) => {
            assert!(!problems.is_empty());
            for p in &problems {
                let _ = p.to_string();
            }
        }
        Err(e) => panic!("unexpected error kind: {e}"),
    }
});
