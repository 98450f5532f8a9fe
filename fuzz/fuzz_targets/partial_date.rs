//! Any string through `PartialDate::from_str`: never a panic, and whatever parses displays as
//! text that parses back to the same date with the same span.
#![no_main]

use bordertrack::PartialDate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(date) = text.parse::<PartialDate>() {
        let shown = date.to_string();
        let again: PartialDate = shown.parse().unwrap_or_else(|e| {
            panic!("{text:?} displays as {shown:?}, which does not parse: {e}")
        });
        assert_eq!(again, date, "{text:?} -> {shown:?}");
        let span = date.span();
        assert!(span.first <= span.last, "{text:?}: span {span:?}");
        assert_eq!(span.as_partial(), Some(date), "{text:?}: span {span:?}");
    }
});
