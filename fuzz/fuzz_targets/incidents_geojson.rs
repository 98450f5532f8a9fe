//! Arbitrary bytes as a GeoJSON incident file through `IncidentReader`: never a panic; every
//! item is an incident with finite in-range coordinates, a finite non-negative precision and a
//! non-empty date span, or a problem with a message; `records()` and the library pipeline
//! (`Borders::classify_table`) agree.
//!
//! The first byte picks the mode: the rest of the input as it is, or (odd bytes) the rest
//! placed inside `{"type":"FeatureCollection","features":[` … `]}`, so that mutations reach
//! the features rather than the outer structure.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "incidents_check.rs"]
mod check;

fuzz_target!(|input: &[u8]| {
    let Some((&mode, rest)) = input.split_first() else {
        return;
    };
    let bytes: Vec<u8> = if mode & 1 == 1 {
        [
            &b"{\"type\":\"FeatureCollection\",\"features\":["[..],
            rest,
            b"]}",
        ]
        .concat()
    } else {
        rest.to_vec()
    };
    check::same_both_ways(&bytes);
});
