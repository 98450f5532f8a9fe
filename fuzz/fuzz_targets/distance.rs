//! Any UTF-8 string through `parse_distance_m`: never a panic; a parsed distance is finite
//! and not negative, and writing it back as `{metres}m` parses to the same value.
#![no_main]

use bordertrack::io::parse_distance_m;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    match parse_distance_m(s) {
        Ok(m) => {
            assert!(m.is_finite() && m >= 0.0, "{s:?} gave {m}");
            let text = format!("{m}m");
            match parse_distance_m(&text) {
                Ok(back) => assert_eq!(back.to_bits(), m.to_bits(), "{s:?} -> {text:?}"),
                Err(e) => panic!("{s:?} gave {m}, but {text:?} does not parse: {e}"),
            }
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
        }
    }
});
