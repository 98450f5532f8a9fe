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

/// Parses a distance and returns it in metres.
///
/// Accepted: a non-negative decimal number, optionally followed (with or without spaces) by a
/// unit, case-insensitive:
///
/// | unit | meaning |
/// |------|---------|
/// | none | metres |
/// | `m` | metres |
/// | `km` | kilometres |
/// | `mi` | international statute miles (1 609.344 m) |
/// | `nmi` | international nautical miles (1 852 m) |
///
/// Rejected: empty text, negative numbers, NaN, infinities, exponents that overflow, any other
/// unit (`ft`, `M`… are not guessed at).
///
/// # Examples
/// ```
/// use bordertrack::io::parse_distance_m;
/// assert_eq!(parse_distance_m("5km").unwrap(), 5000.0);
/// assert_eq!(parse_distance_m("500 m").unwrap(), 500.0);
/// assert_eq!(parse_distance_m("5000").unwrap(), 5000.0);
/// assert!(parse_distance_m("-1km").is_err());
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
    // The number is the longest prefix of digits, '.' and '-'; the rest is the
    // unit. Only plain decimal notation is accepted: "1e3" is rejected as an unknown unit "e3".
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    if number.is_empty() {
        return Err(err("does not start with a number"));
    }
    if number.starts_with('-') {
        return Err(err("is negative"));
    }
    let value: f64 = number.parse().map_err(|_| err("is not a number"))?;
    if !value.is_finite() {
        return Err(err("is not finite"));
    }
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "m" => 1.0,
        "km" => 1000.0,
        "mi" => METRES_PER_MILE,
        "nmi" => METRES_PER_NAUTICAL_MILE,
        _ => return Err(err("has an unknown unit")),
    };
    let metres = value * factor;
    if !metres.is_finite() {
        return Err(err("is too large"));
    }
    Ok(metres)
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
            ("1e3", "has an unknown unit"),
            ("5..0km", "is not a number"),
            ("5-3", "is not a number"),
            ("+5", "does not start with a number"),
        ];
        for (s, reason) in cases {
            let e = parse_distance_m(s).unwrap_err();
            assert_eq!(e.reason, reason, "{s:?}");
        }
        let huge = format!("{}km", "9".repeat(400));
        assert!(parse_distance_m(&huge).is_err());
    }

    #[test]
    fn message_quotes_the_input() {
        let e = parse_distance_m("5furlongs").unwrap_err();
        assert!(e.to_string().contains("\"5furlongs\" has an unknown unit"));
    }
}
