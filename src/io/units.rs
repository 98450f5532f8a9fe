//! Distances typed by people: `500m`, `5km`, `5 km`, `0.5km`, `5000`.

/// Why a distance was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("distance {input:?} {reason} (expected a number with an optional unit m, km, mi or nmi, e.g. 500m, 5km)")]
pub struct DistanceParseError {
    /// The text that did not parse (truncated to 40 characters).
    pub input: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// Metres in one statute (international) mile, by definition.
const METRES_PER_MILE: f64 = 1609.344;
/// Metres in one international nautical mile, by definition.
const METRES_PER_NAUTICAL_MILE: f64 = 1852.0;

/// The longest distance on Earth: half a meridian of the WGS84 ellipsoid, between the poles
/// (20 003.93 km), rounded up. No two points are farther apart along the ellipsoid.
pub const LONGEST_DISTANCE_M: f64 = 20_004_000.0;

/// Parses a distance and returns it in metres.
///
/// Accepted: a non-negative decimal number (plain, `0.5`, or with an exponent, `1e3`),
/// optionally followed (with or without spaces) by a unit, case-insensitive:
///
/// | unit | meaning |
/// |------|---------|
/// | none | metres |
/// | `m` | metres |
/// | `km` | kilometres |
/// | `mi` | international statute miles (1 609.344 m) |
/// | `nmi` | international nautical miles (1 852 m) |
///
/// Rejected: empty text, negative numbers, NaN, infinities, distances longer than
/// [`LONGEST_DISTANCE_M`] (no two points on Earth are farther apart), any other unit (`ft`,
/// `M`… are not guessed at).
///
/// # Examples
/// ```
/// use bordertrack::io::parse_distance_m;
/// assert_eq!(parse_distance_m("5km").unwrap(), 5000.0);
/// assert_eq!(parse_distance_m("500 m").unwrap(), 500.0);
/// assert_eq!(parse_distance_m("5000").unwrap(), 5000.0);
/// assert_eq!(parse_distance_m("1e3").unwrap(), 1000.0);
/// assert!(parse_distance_m("-1km").is_err());
/// assert_eq!(parse_distance_m("1e9km").unwrap_err().reason, "is too large");
/// ```
pub fn parse_distance_m(s: &str) -> Result<f64, DistanceParseError> {
    let err = |reason| DistanceParseError {
        input: s.chars().take(40).collect(),
        reason,
    };
    let t = s.trim();
    if t.is_empty() {
        return Err(err("is empty"));
    }
    let split = number_len(t);
    let (number, unit) = t.split_at(split);
    if number.is_empty() {
        return Err(err("does not start with a number"));
    }
    if number.starts_with('-') {
        return Err(err("is negative"));
    }
    let value: f64 = number.parse().map_err(|_| err("is not a number"))?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "m" => 1.0,
        "km" => 1000.0,
        "mi" => METRES_PER_MILE,
        "nmi" => METRES_PER_NAUTICAL_MILE,
        _ => return Err(err("has an unknown unit")),
    };
    // An exponent too large for f64 reads as infinity: too large as well.
    let metres = value * factor;
    if metres > LONGEST_DISTANCE_M {
        return Err(err("is too large"));
    }
    Ok(metres)
}

/// The length of the number at the start of `t`: digits, `.` and `-`, then an exponent (`e`
/// or `E`, an optional sign, digits) when one follows; the rest is the unit.
fn number_len(t: &str) -> usize {
    let bytes = t.as_bytes();
    let mantissa = bytes
        .iter()
        .position(|&b| !(b.is_ascii_digit() || b == b'.' || b == b'-'))
        .unwrap_or(bytes.len());
    if !matches!(bytes.get(mantissa), Some(b'e' | b'E')) {
        return mantissa;
    }
    let mut at = mantissa + 1;
    if matches!(bytes.get(at), Some(b'+' | b'-')) {
        at += 1;
    }
    let digits = bytes
        .get(at..)
        .unwrap_or(&[])
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    // `5em` is five of the unit "em", not an exponent.
    if digits == 0 {
        mantissa
    } else {
        at + digits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_units_and_spacing() {
        let cases = [
            ("500m", 500.0),
            ("5km", 5000.0),
            ("5 km", 5000.0),
            ("0.5km", 500.0),
            ("5000", 5000.0),
            (" 12.5 M ", 12.5),
            ("3KM", 3000.0),
            ("1mi", 1609.344),
            ("2 nmi", 3704.0),
            ("0", 0.0),
            (".5km", 500.0),
            ("1e3", 1000.0),
            ("2.5E-1 km", 250.0),
            ("1e+1mi", 16093.44),
            ("20004km", LONGEST_DISTANCE_M),
        ];
        for (s, want) in cases {
            assert_eq!(parse_distance_m(s), Ok(want), "{s:?}");
        }
    }

    #[test]
    fn rejects_bad_input_with_a_reason() {
        let cases = [
            ("", "is empty"),
            ("   ", "is empty"),
            ("-5km", "is negative"),
            ("-0", "is negative"),
            ("km", "does not start with a number"),
            ("NaN", "does not start with a number"),
            ("inf", "does not start with a number"),
            ("5ft", "has an unknown unit"),
            ("5 k m", "has an unknown unit"),
            ("1e9km", "is too large"),
            ("20004.001km", "is too large"),
            ("1e999", "is too large"),
            ("5em", "has an unknown unit"),
            ("1e", "has an unknown unit"),
            ("5..0km", "is not a number"),
            ("5-3", "is not a number"),
            ("+5", "does not start with a number"),
        ];
        for (s, reason) in cases {
            let e = parse_distance_m(s).unwrap_err();
            assert_eq!(e.reason, reason, "{s:?}");
        }
        let huge = format!("{}km", "9".repeat(400));
        assert_eq!(parse_distance_m(&huge).unwrap_err().reason, "is too large");
    }

    #[test]
    fn message_quotes_the_input() {
        let e = parse_distance_m("5furlongs").unwrap_err();
        assert!(e.to_string().contains("\"5furlongs\" has an unknown unit"));
    }
}
