//! ISO 3166-1 alpha-3 country codes and dyads (unordered country pairs).

use std::fmt;
use std::str::FromStr;

/// An ISO 3166-1 alpha-3 country code such as `KAZ`: three upper-case ASCII letters.
///
/// Only the form is checked, not membership in the ISO list, so datasets may use user-assigned
/// codes (`XKX`) where they need them.
///
/// # Examples
/// ```
/// use bordertrack::CountryCode;
/// let kaz: CountryCode = "KAZ".parse().unwrap();
/// assert_eq!(kaz.as_str(), "KAZ");
/// assert!("kz".parse::<CountryCode>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 3]);

/// Why a country code or dyad was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Not three upper-case ASCII letters.
    #[error("not an ISO 3166-1 alpha-3 code (three upper-case letters): {0:?}")]
    Country(String),
    /// Not two codes joined by `-`.
    #[error("not a dyad (two alpha-3 codes joined by '-', e.g. KAZ-UZB): {0:?}")]
    Dyad(String),
    /// Both sides are the same country.
    #[error("a dyad needs two different countries: {0:?}")]
    SameCountry(String),
}

impl CountryCode {
    /// The code as a string slice.
    pub fn as_str(&self) -> &str {
        // The constructor only admits ASCII upper-case letters.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl FromStr for CountryCode {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<CountryCode, CodeError> {
        let b = s.trim().as_bytes();
        if b.len() == 3 && b.iter().all(u8::is_ascii_uppercase) {
            Ok(CountryCode([b[0], b[1], b[2]]))
        } else {
            Err(CodeError::Country(s.chars().take(20).collect()))
        }
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unordered pair of countries sharing a border, kept in canonical (sorted) order.
///
/// Its text form is the two codes sorted and joined by `-`: `KAZ-UZB`. Parsing accepts either
/// order and canonicalises.
///
/// # Examples
/// ```
/// use bordertrack::Dyad;
/// let d: Dyad = "UZB-KAZ".parse().unwrap();
/// assert_eq!(d.to_string(), "KAZ-UZB");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Dyad {
    a: CountryCode,
    b: CountryCode,
}

impl Dyad {
    /// The dyad of two different countries, in canonical order; `None` when they are equal.
    pub fn new(x: CountryCode, y: CountryCode) -> Option<Dyad> {
        match x.cmp(&y) {
            std::cmp::Ordering::Less => Some(Dyad { a: x, b: y }),
            std::cmp::Ordering::Greater => Some(Dyad { a: y, b: x }),
            std::cmp::Ordering::Equal => None,
        }
    }

    /// The two countries, sorted.
    pub fn countries(&self) -> (CountryCode, CountryCode) {
        (self.a, self.b)
    }

    /// Whether `c` is one of the two countries.
    pub fn contains(&self, c: CountryCode) -> bool {
        self.a == c || self.b == c
    }
}

impl FromStr for Dyad {
    type Err = CodeError;

    fn from_str(s: &str) -> Result<Dyad, CodeError> {
        let t = s.trim();
        let (x, y) = t
            .split_once('-')
            .ok_or_else(|| CodeError::Dyad(t.chars().take(20).collect()))?;
        let bad = |_| CodeError::Dyad(t.chars().take(20).collect());
        let x: CountryCode = x.parse().map_err(bad)?;
        let y: CountryCode = y.parse().map_err(bad)?;
        Dyad::new(x, y).ok_or_else(|| CodeError::SameCountry(t.to_string()))
    }
}

impl fmt::Display for Dyad {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.a, self.b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dyad_is_canonical() {
        let d: Dyad = "UZB-KAZ".parse().unwrap();
        assert_eq!(d.to_string(), "KAZ-UZB");
        assert!("KAZ-KAZ".parse::<Dyad>().is_err());
        assert!("KAZUZB".parse::<Dyad>().is_err());
        assert!("KAZ-Uzb".parse::<Dyad>().is_err());
    }
}
