//! Arbitrary bytes as `segments.geojson` or `places.geojson` among the valid files of
//! `tests/fixtures/tiny`, through `Dataset::from_memory`: never a panic; a dataset that loads
//! answers status queries without panicking either.
#![no_main]

use bordertrack::query::{dyad_stats, StatusTimelines};
use bordertrack::{Basis, Dataset, Error, PartialDate};
use libfuzzer_sys::fuzz_target;

#[path = "tiny.rs"]
mod tiny;
use tiny::TINY;

fuzz_target!(|input: &[u8]| {
    let Some((&mode, rest)) = input.split_first() else {
        return;
    };
    let name = if mode % 2 == 0 {
        "segments.geojson"
    } else {
        "places.geojson"
    };
    let mut files: Vec<(&str, &[u8])> = TINY.to_vec();
    for f in files.iter_mut().filter(|f| f.0 == name) {
        f.1 = rest;
    }
    match Dataset::from_memory("fuzz/", &files) {
        Ok(data) => {
            let lengths: Vec<f64> = data.segments().iter().map(|s| s.length_m()).collect();
            assert!(
                lengths.iter().all(|l| l.is_finite() && *l >= 0.0),
                "{lengths:?}"
            );
            for basis in [Basis::Signed, Basis::InForce] {
                let t = StatusTimelines::new(&data, basis);
                for at in ["2003", "2004-04-10", "2030-01-01"] {
                    let Ok(at) = at.parse::<PartialDate>() else {
                        continue;
                    };
                    for d in data.dyads() {
                        let s = dyad_stats(&data, &t, &lengths, d, at.span());
                        assert!(s.delimited_pct() <= 100.0 + 1e-9, "{s:?}");
                    }
                }
            }
        }
        Err(Error::Invalid(problems)) => assert!(!problems.is_empty()),
        Err(e) => panic!("unexpected error kind: {e}"),
    }
});
