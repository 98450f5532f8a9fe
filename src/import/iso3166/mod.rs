//! ISO 3166-1 numeric and alpha-3 country codes.
//!
//! Generated from `iso_3166-1.json` of the Debian package `iso-codes` 4.15.0
//! (<https://salsa.debian.org/iso-codes-team/iso-codes>), which follows the ISO 3166
//! Maintenance Agency's list: 249 entries, the officially assigned codes only (no
//! user-assigned codes such as `XKX`).

mod alpha2;
mod numeric;

use alpha2::ALPHA2;
use numeric::CODES;

/// The alpha-3 code of an ISO 3166-1 numeric code (`"398"` → `"KAZ"`); leading zeros may be
/// left out (`"4"` and `"004"` are both Afghanistan).
pub fn alpha3_of_numeric(numeric: &str) -> Option<&'static str> {
    let n: u16 = numeric.trim().parse().ok()?;
    CODES
        .iter()
        .find(|(code, _)| code.parse::<u16>().ok() == Some(n))
        .map(|&(_, alpha3)| alpha3)
}

/// Whether `code` is an officially assigned ISO 3166-1 alpha-3 code.
pub fn is_alpha3(code: &str) -> bool {
    CODES.iter().any(|&(_, alpha3)| alpha3 == code)
}

/// The alpha-3 code of an ISO 3166-1 alpha-2 code (`KZ` → `KAZ`), if it is assigned.
pub fn alpha3_of_alpha2(alpha2: &str) -> Option<&'static str> {
    ALPHA2
        .binary_search_by(|(a, _)| (*a).cmp(alpha2))
        .ok()
        .map(|i| ALPHA2[i].1)
}
