//! Parsing of single field values (coordinates, dates, counts, codes) into model values, with
//! the messages shown to the user when a value is wrong.
//!
//! Every function takes the raw text of one field and returns either the value or a message
//! that names the column and quotes the offending text; none of them panics on any input.

use geo::Point;
use jiff::civil::{Date, Time};

use crate::{DateSpan, Dyad, PartialDate};

/// At most this many characters of a bad value are quoted in a message.
const SHOWN_CHARS: usize = 40;

/// The value as quoted in a message: trimmed and truncated.
pub(crate) fn shown(s: &str) -> String {
    let t = s.trim();
    if t.chars().count() > SHOWN_CHARS {
        let mut out: String = t.chars().take(SHOWN_CHARS).collect();
        out.push('…');
        out
    } else {
        t.to_string()
    }
}

/// The field as UTF-8 text, or a message naming the column and the first bad byte.
pub(crate) fn utf8<'a>(bytes: &'a [u8], column: &str) -> Result<&'a str, String> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let byte = bytes.get(at).copied().unwrap_or(0);
        format!(
            "column {column} is not valid UTF-8 (byte 0x{byte:02X} at offset {at} of the field); \
             save the file as UTF-8"
        )
    })
}

/// The number written in `s` (text, or its bytes), as `str::parse::<f64>` reads it (correctly
/// rounded, so `-0` is `-0.0`), when it is finite; `None` for anything else, spaces around it
/// included. Every number of an incident row (coordinates, precisions) is read by it, on the
/// fast path of plain rows and the general way alike, except a precision written as a whole
/// number, which [`usual_precision_m`] reads by the integer parser to the same value.
///
/// The number is read by the `fast-float2` crate, which gives the same `f64` as std in fewer
/// instructions (a property test compares the two to the bit, and on the texts each refuses):
/// 13.5 M fewer of the README benchmark's 926 M (BENCHMARKS.md, "Numbers read by
/// `fast-float2`"). Whatever it refuses is given to std, so that the texts read are exactly
/// those std reads. A hand-written reader of plain decimals did this before `fast-float2`'s
/// time, short of the 10% end to end that hand-written code must buy to stay (BENCHMARKS.md,
/// "Plain rows: numbers read by std").
pub(crate) fn finite_number(s: impl AsRef<[u8]>) -> Option<f64> {
    let bytes = s.as_ref();
    let v = match fast_float2::parse::<f64, _>(bytes) {
        Ok(v) => v,
        Err(_) => std::str::from_utf8(bytes).ok()?.parse::<f64>().ok()?,
    };
    v.is_finite().then_some(v)
}

/// A finite number, or a message such as `latitude "abc" is not a number`.
fn finite(s: &str, what: &str) -> Result<f64, String> {
    // Most fields arrive trimmed and well formed.
    if let Some(v) = finite_number(s) {
        return Ok(v);
    }
    let t = s.trim();
    if t.is_empty() {
        return Err(format!("{what} is empty"));
    }
    let v: f64 = t
        .parse()
        .map_err(|_| format!("{what} {:?} is not a number", shown(t)))?;
    if !v.is_finite() {
        return Err(format!("{what} {} is not a finite number", shown(t)));
    }
    Ok(v)
}

/// The latitudes of WGS84, in degrees.
const LATITUDES: std::ops::RangeInclusive<f64> = -90.0..=90.0;
/// The longitudes of WGS84, in degrees.
const LONGITUDES: std::ops::RangeInclusive<f64> = -180.0..=180.0;

/// The point of the usual coordinates: two numbers ([`finite_number`], text or its bytes) in
/// range, with no spaces around them. `None` for anything else, which [`lat_lon`] then reads
/// (or words the message for); where this gives a point, [`lat_lon`] gives the same.
pub(crate) fn usual_lat_lon(lat: impl AsRef<[u8]>, lon: impl AsRef<[u8]>) -> Option<Point<f64>> {
    let (y, x) = (finite_number(lat)?, finite_number(lon)?);
    (LATITUDES.contains(&y) && LONGITUDES.contains(&x)).then(|| Point::new(x, y))
}

/// A WGS84 point from latitude and longitude text (note the argument order: as the columns
/// are usually written, latitude first). Both are checked, and every problem is reported.
pub(crate) fn lat_lon(lat: &str, lon: &str) -> Result<Point<f64>, String> {
    if let Some(point) = usual_lat_lon(lat, lon) {
        return Ok(point);
    }
    let la = finite(lat, "latitude");
    let lo = finite(lon, "longitude");
    let mut errors = Vec::new();
    if let Ok(v) = la {
        if !LATITUDES.contains(&v) {
            let mut m = format!("latitude {} out of range -90..90", shown(lat));
            if matches!(lo, Ok(w) if w.abs() <= 90.0) && v.abs() <= 180.0 {
                m.push_str(" (latitude and longitude look swapped)");
            }
            errors.push(m);
        }
    }
    if let Ok(v) = lo {
        if !LONGITUDES.contains(&v) {
            errors.push(format!("longitude {} out of range -180..180", shown(lon)));
        }
    }
    match (la, lo) {
        (Ok(y), Ok(x)) if errors.is_empty() => Ok(Point::new(x, y)),
        (la, lo) => {
            let mut all: Vec<String> = [la.err(), lo.err()].into_iter().flatten().collect();
            all.extend(errors);
            Err(all.join("; "))
        }
    }
}

/// A WGS84 point from coordinates in another CRS (`y` northing or latitude, `x` easting or
/// longitude, as text from the latitude and longitude columns), converted and checked.
pub(crate) fn position_in(
    y: &str,
    x: &str,
    crs: Option<&crate::crs::Reprojection>,
) -> Result<Point<f64>, String> {
    let Some(crs) = crs else {
        return lat_lon(y, x);
    };
    match (
        finite(y, "y (latitude column)"),
        finite(x, "x (longitude column)"),
    ) {
        (Ok(y), Ok(x)) => converted(x, y, crs),
        (y, x) => Err([y.err(), x.err()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("; ")),
    }
}

/// A WGS84 point from the coordinates `x`, `y` in `crs`, converted and checked.
pub(crate) fn converted(
    x: f64,
    y: f64,
    crs: &crate::crs::Reprojection,
) -> Result<Point<f64>, String> {
    let mut xy = [geo::Coord { x, y }];
    crs.to_wgs84(&mut xy).map_err(|e| e.to_string())?;
    lon_lat_values(xy[0].x, xy[0].y)
}

/// A checked position from GeoJSON coordinates (already numbers, lon/lat order).
pub(crate) fn lon_lat_values(lon: f64, lat: f64) -> Result<Point<f64>, String> {
    lat_lon(&lat.to_string(), &lon.to_string())
}

/// A count of deaths: empty means unknown (`None`).
///
/// Any decimal notation of a whole number from 0 to 4 294 967 295 is accepted: `3`, `3.0`
/// (as spreadsheet tools often write counts), `1e2` (100), `+3`, and `-0` (0). The check is
/// exact, on the digits as written, not on a rounded floating-point value: `1.0000000000000001`
/// is not a whole number.
pub(crate) fn fatalities(s: &str, column: &str) -> Result<Option<u32>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.len() <= 9 && t.bytes().all(|b| b.is_ascii_digit()) {
        // The usual count: fewer than ten digits always fit.
        return Ok(t.parse().ok());
    }
    match whole_number(t) {
        Some(ParsedCount::Value(v)) => Ok(Some(v)),
        Some(ParsedCount::Negative) => Err(format!("{column} {} is negative", shown(t))),
        Some(ParsedCount::Fraction) => Err(format!("{column} {} is not a whole number", shown(t))),
        Some(ParsedCount::TooLarge) => Err(format!("{column} {} is too large", shown(t))),
        None => Err(format!("{column} {:?} is not a number", shown(t))),
    }
}

/// What a decimal number written as text is, as a count.
#[derive(Debug, PartialEq, Eq)]
enum ParsedCount {
    /// A whole number from 0 to `u32::MAX`.
    Value(u32),
    /// Below zero (`-0` is zero, not negative).
    Negative,
    /// Not a whole number.
    Fraction,
    /// A whole number above `u32::MAX`.
    TooLarge,
}

/// Reads `[+-]digits[.digits][(e|E)[+-]digits]` exactly (no rounding): `None` when the text
/// is not of that form.
fn whole_number(t: &str) -> Option<ParsedCount> {
    let (negative, rest) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let (mantissa, exponent) = match rest.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (rest, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    let frac = frac.unwrap_or("");
    let exponent: i64 = match exponent {
        None => 0,
        Some(e) => {
            let unsigned = e.strip_prefix(['+', '-']).unwrap_or(e);
            if !digits(unsigned) {
                return None;
            }
            // An exponent this long moves any digits out of a count's range (or to zero).
            if unsigned.len() > 6 {
                let all_zero = int.bytes().chain(frac.bytes()).all(|b| b == b'0');
                return Some(match (all_zero, e.starts_with('-')) {
                    (true, _) => ParsedCount::Value(0),
                    (false, true) => ParsedCount::Fraction,
                    (false, false) if negative => ParsedCount::Negative,
                    (false, false) => ParsedCount::TooLarge,
                });
            }
            e.parse().ok()?
        }
    };
    // The value is `significant` × 10^`scale`, `significant` without leading or trailing zeros.
    let all = format!("{int}{frac}");
    let significant = all.trim_start_matches('0');
    let trimmed = significant.trim_end_matches('0');
    if trimmed.is_empty() {
        return Some(ParsedCount::Value(0));
    }
    if negative {
        return Some(ParsedCount::Negative);
    }
    let frac_len = i64::try_from(frac.len()).ok()?;
    let trailing = i64::try_from(significant.len() - trimmed.len()).ok()?;
    let scale = exponent - frac_len + trailing;
    if scale < 0 {
        return Some(ParsedCount::Fraction);
    }
    // u32::MAX has 10 digits.
    let len = i64::try_from(trimmed.len()).ok()?;
    if len + scale > 10 {
        return Some(ParsedCount::TooLarge);
    }
    let mut value: u64 = trimmed.parse().ok()?;
    for _ in 0..scale {
        value *= 10;
    }
    Some(u32::try_from(value).map_or(ParsedCount::TooLarge, ParsedCount::Value))
}

/// The usual precision: empty (0), a whole number, or a number ([`finite_number`]) not below
/// zero (`-0` is not), with no spaces around it. `None` for anything else, which [`precision_m`] then reads
/// (or words the message for); where this gives a value, [`precision_m`] gives the same.
pub(crate) fn usual_precision_m(s: &str) -> Option<f64> {
    if s.is_empty() {
        return Some(0.0);
    }
    // A whole number of metres, as precisions mostly are, is read by std's integer parser,
    // several times cheaper than its float parser, and converted: the same value, as both
    // round to the nearest `f64` (ties to even). Anything else fails it (a sign other than
    // `+`, a point, an exponent, more than 20 digits) and is read as a float.
    if let Ok(whole) = s.parse::<u64>() {
        return Some(whole as f64);
    }
    finite_number(s).filter(|v| *v >= 0.0)
}

/// A precision radius in metres: empty means exact (0); otherwise finite and not negative.
pub(crate) fn precision_m(s: &str, column: &str) -> Result<f64, String> {
    if let Some(v) = usual_precision_m(s) {
        return Ok(v);
    }
    if s.trim().is_empty() {
        return Ok(0.0);
    }
    let v = finite(s, column)?;
    if v < 0.0 {
        return Err(format!("{column} {} is negative", shown(s)));
    }
    Ok(v)
}

/// The border an incident is placed on: empty means none named; otherwise two alpha-3 codes
/// (`KAZ-UZB`, either order).
pub(crate) fn dyad(s: &str) -> Result<Option<Dyad>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<Dyad>().map(Some).map_err(|e| {
        // the value quoted once, truncated (the parse error would quote it whole)
        let why = match e {
            crate::model::CodeError::SameCountry(_) => "a dyad needs two different countries",
            _ => "not a dyad (two alpha-3 codes joined by '-', e.g. KAZ-UZB)",
        };
        format!("dyad {:?}: {why}", shown(t))
    })
}

/// A small integer code such as ACLED's `geo_precision` (`1`, `2`, `3`; `2.0` is accepted).
pub(crate) fn code(s: &str, column: &str) -> Result<u8, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(format!("{column} is empty"));
    }
    let digits = t.strip_suffix(".0").unwrap_or(t);
    if digits.len() <= 3 && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(v) = digits.parse::<u8>() {
            return Ok(v);
        }
    }
    Err(format!("{column} {:?} is not a code number", shown(t)))
}

/// A partial date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) as the span of days it covers; a day
/// followed by a time (`2006-04-19T12:00:00Z`, `2006-04-19 12:00`) is that day, as written.
pub(crate) fn partial_date_span(s: &str, column: &str) -> Result<DateSpan, String> {
    if let Some(d) = iso_day(s) {
        return Ok(DateSpan::day(d));
    }
    // A day with a time (`2006-04-19T12:00:00Z`, as a Parquet timestamp is carried): the day
    // as written.
    if let Some(d) = s.get(..10).and_then(iso_day) {
        let time = s.get(11..).unwrap_or("");
        if matches!(s.as_bytes().get(10), Some(b'T' | b' '))
            && (s.parse::<jiff::Timestamp>().is_ok() || time.parse::<Time>().is_ok())
        {
            return Ok(DateSpan::day(d));
        }
    }
    s.parse::<PartialDate>()
        .map(|d| d.span())
        .map_err(|e| date_message(s, column, e.reason, "YYYY, YYYY-MM or YYYY-MM-DD"))
}

/// Fast path for the common `YYYY-MM-DD`: the day, when `s` is exactly that and valid (the
/// same rule as [`PartialDate`]'s parser: years 1000–9999, real days only); `None` sends the
/// caller to the general parser, which also words the message.
pub(crate) fn iso_day(s: impl AsRef<[u8]>) -> Option<Date> {
    let b = s.as_ref();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i16> {
        b.get(r)?.iter().try_fold(0i16, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i16::from(c - b'0'))
        })
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1000..=9999).contains(&y) {
        return None;
    }
    Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
}

fn date_message(s: &str, column: &str, reason: &str, expected: &str) -> String {
    let t = shown(s);
    match reason {
        "empty date" => format!("{column} is empty"),
        "not a date" => format!("{column} {t} not understood (expected {expected})"),
        other => format!("{column} {t}: {other}"),
    }
}

/// One exact day, `YYYY-MM-DD`, optionally followed by a time of day (`2006-04-19 00:00:00.000`
/// or `2006-04-19T00:00:00`), which is checked and dropped.
pub(crate) fn day_with_optional_time(s: &str, column: &str) -> Result<Date, String> {
    let expected = "YYYY-MM-DD, optionally followed by a time";
    let t = s.trim();
    let (date, time) = match t.split_once([' ', 'T']) {
        Some((d, tm)) => (d, Some(tm.trim())),
        None => (t, None),
    };
    if let Some(tm) = time {
        if tm.parse::<Time>().is_err() {
            return Err(format!(
                "{column} {} not understood (expected {expected})",
                shown(t)
            ));
        }
    }
    match date.parse::<PartialDate>() {
        Ok(PartialDate::Day(d)) => Ok(d),
        Ok(_) => Err(format!(
            "{column} {} is not a whole day (expected {expected})",
            shown(t)
        )),
        Err(e) => Err(date_message(t, column, e.reason, expected)),
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A month by English name, full or abbreviated to at least three letters (`Apr`, `Sept`).
fn month_by_name(s: &str) -> Option<i8> {
    let lower = s.to_ascii_lowercase();
    if lower.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(lower.as_str()))
        .and_then(|i| i8::try_from(i + 1).ok())
}

/// An ACLED `event_date`: ISO `2006-04-19` (the API), `19 April 2006` (the export tool),
/// `19-April-2006` / `19-Apr-2006` (spreadsheet re-saves) or `19-04-2006` (day first, as the
/// codebook writes `dd-mm-yyyy`). Slashed numeric dates (`19/04/2006`) are rejected, since
/// spreadsheets rewrite them in month-first order in some locales.
pub(crate) fn acled_date(s: &str, column: &str) -> Result<Date, String> {
    let expected = "YYYY-MM-DD, D Month YYYY, D-Mon-YYYY or DD-MM-YYYY";
    let t = s.trim();
    if t.is_empty() {
        return Err(format!("{column} is empty"));
    }
    if let Ok(PartialDate::Day(d)) = t.parse::<PartialDate>() {
        return Ok(d);
    }
    let parts: Vec<&str> = t.split([' ', '-']).filter(|p| !p.is_empty()).collect();
    let not_understood = || format!("{column} {} not understood (expected {expected})", shown(t));
    let [day, month, year] = parts.as_slice() else {
        return Err(not_understood());
    };
    let numeric = |p: &str, max_len: usize| {
        (!p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<i16>().ok())
            .flatten()
    };
    let (Some(d), Some(y)) = (numeric(day, 2), numeric(year, 4)) else {
        return Err(not_understood());
    };
    if year.len() != 4 {
        return Err(not_understood());
    }
    let m = match numeric(month, 2) {
        Some(m) => m,
        None => month_by_name(month)
            .map(i16::from)
            .ok_or_else(not_understood)?,
    };
    if !(1..=12).contains(&m) {
        return Err(format!("{column} {}: month out of range 1-12", shown(t)));
    }
    if !(1000..=9999).contains(&y) {
        return Err(format!(
            "{column} {}: year out of range 1000-9999",
            shown(t)
        ));
    }
    // d <= 99 and m <= 12 here, so the narrowing casts are exact.
    Date::new(y, m as i8, d as i8).map_err(|_| format!("{column} {}: no such day", shown(t)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_bad_dyad_is_quoted_once_and_truncated() {
        let long = "X".repeat(100);
        let Err(message) = dyad(&long) else {
            panic!("{long} taken for a dyad");
        };
        assert_eq!(message.matches("XXXX").count(), 10, "{message}");
        assert!(message.contains('…'), "{message}");
        assert_eq!(
            dyad("KAZ-KAZ"),
            Err("dyad \"KAZ-KAZ\": a dyad needs two different countries".to_string())
        );
        assert_eq!(dyad(" "), Ok(None));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// A precision written as a whole number, with or without a `+` or leading zeros, up
        /// to `u64::MAX` and beyond, reads as the same `f64` as `str::parse::<f64>` gives it,
        /// to the bit; so does one that is not whole.
        #[test]
        fn a_whole_precision_reads_as_std_reads_it(
            n in prop_oneof![0u64..100_000, any::<u64>(), (1u64 << 53)..(1u64 << 54)],
            sign in prop_oneof![Just(""), Just("+")],
            zeros in "0{0,3}",
            tail in prop_oneof![Just(""), Just("0"), Just(".5"), Just("e3"), Just("99999")],
        ) {
            let s = format!("{sign}{zeros}{n}{tail}");
            let want = s.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0);
            prop_assert_eq!(usual_precision_m(&s).map(f64::to_bits), want.map(f64::to_bits), "{}", s);
        }

        /// Numbers are read as `str::parse::<f64>` reads them, to the bit, and refused where
        /// it refuses them: decimals of many digits, with signs, points and exponents of
        /// every size, special values, and malformed texts. `fast-float2` itself, before the
        /// fall-back to std, reads no text std refuses, and each text to the bits std gives
        /// it (NaN as NaN).
        #[test]
        fn numbers_read_as_std_reads_them(
            s in prop_oneof![
                "[+-]?[0-9]{0,25}(\\.[0-9]{0,25})?([eE][+-]?[0-9]{1,4})?",
                "[+-]?[0-9]{1,3}\\.[0-9]{1,9}",
                "[+-]?(0|[1-9][0-9]{15,19})(\\.[0-9]{0,3})?([eE]-?[0-9]{1,3})?",
                "[+-]?[0-9]\\.[0-9]{0,17}[eE][+-]?(30[0-9]|32[0-9]|34[0-9])",
                "[+-]{0,2}(nan|NaN|inf|INF|infinity|Infinity|infin|na)",
                "[0-9eE.+_ x-]{0,8}",
                "\\PC{0,6}",
            ],
        ) {
            let std = s.parse::<f64>().ok();
            let want = std.filter(|v| v.is_finite());
            prop_assert_eq!(finite_number(&s).map(f64::to_bits), want.map(f64::to_bits), "{}", s);
            prop_assert_eq!(finite_number(s.as_bytes()).map(f64::to_bits), want.map(f64::to_bits), "{}", s);
            if let Ok(v) = fast_float2::parse::<f64, _>(&s) {
                let same = std.is_some_and(|w| w.to_bits() == v.to_bits() || (w.is_nan() && v.is_nan()));
                prop_assert!(same, "{:?}: fast-float2 {} but std {:?}", s, v, std);
            }
        }

        /// A text of the `YYYY-MM-DD` form is a day for the fast path exactly when it is one
        /// for the general parser, and the same day.
        #[test]
        fn the_fast_day_agrees_with_the_general_parser(
            s in "[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9 +/:-]{10}",
        ) {
            let general = s.parse::<PartialDate>().ok().map(|d| d.span());
            let fast = iso_day(&s).map(DateSpan::day);
            let shape = s.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
            if shape {
                prop_assert_eq!(fast, general);
            } else {
                prop_assert!(fast.is_none() || fast == general);
            }
        }
    }

    /// Numbers are read in every form `str::parse::<f64>` reads, spaces around them trimmed
    /// by the callers; the checks of range and sign are made on the value read.
    #[test]
    fn numbers_in_every_form_std_reads() {
        let read = |lat: &str, lon: &str| lat_lon(lat, lon).map(|p| (p.y(), p.x()));
        assert_eq!(read("+42.5", "4.25e1"), Ok((42.5, 42.5)));
        assert_eq!(read("42.", ".5"), Ok((42.0, 0.5)));
        assert_eq!(read(" 41.3", "69.2 "), Ok((41.3, 69.2)));
        assert_eq!(read("90", "-180.000000000000"), Ok((90.0, -180.0)));
        assert_eq!(
            read("90.0000000000001", "-180.000000000001"),
            Err("latitude 90.0000000000001 out of range -90..90; \
                 longitude -180.000000000001 out of range -180..180"
                .to_string())
        );
        assert_eq!(
            read("--5", "1e5"),
            Err(
                "latitude \"--5\" is not a number; longitude 1e5 out of range -180..180"
                    .to_string()
            )
        );
        let sixteen = read("12.34567890123456", "-1234567890123456e-14");
        assert_eq!(sixteen, Ok((12.34567890123456, -12.34567890123456)));
        assert_eq!(
            precision_m("-0", "precision_m").map(f64::to_bits),
            Ok((-0.0f64).to_bits())
        );
        assert_eq!(
            precision_m("-0.0", "precision_m").map(f64::to_bits),
            Ok((-0.0f64).to_bits())
        );
        assert_eq!(precision_m("5.", "precision_m"), Ok(5.0));
        assert_eq!(precision_m(" ", "precision_m"), Ok(0.0));
        assert_eq!(
            precision_m("-1e-300", "precision_m"),
            Err("precision_m -1e-300 is negative".to_string())
        );
        assert_eq!(
            precision_m("inf", "precision_m"),
            Err("precision_m inf is not a finite number".to_string())
        );
        assert_eq!(finite_number(" 5"), None);
        assert_eq!(finite_number(b"4\xff"), None);
        assert_eq!(finite_number(b"\xef\xbc\x95"), None);
        assert_eq!(finite_number(b"-0.25"), Some(-0.25));
        assert_eq!(finite_number("nan"), None);
    }

    #[test]
    fn coordinates() {
        let p = lat_lon("41.3", " 69.2 ").unwrap();
        assert_eq!((p.x(), p.y()), (69.2, 41.3));
        assert_eq!(
            lat_lon("91.2", "45").unwrap_err(),
            "latitude 91.2 out of range -90..90 (latitude and longitude look swapped)"
        );
        assert_eq!(
            lat_lon("91.2", "120").unwrap_err(),
            "latitude 91.2 out of range -90..90"
        );
        assert_eq!(
            lat_lon("10", "-180.5").unwrap_err(),
            "longitude -180.5 out of range -180..180"
        );
        assert_eq!(
            lat_lon("NaN", "inf").unwrap_err(),
            "latitude NaN is not a finite number; longitude inf is not a finite number"
        );
        let huge = format!("1{}", "0".repeat(400));
        assert!(lat_lon(&huge, "1")
            .unwrap_err()
            .contains("is not a finite number"));
        assert_eq!(
            lat_lon("", "x").unwrap_err(),
            "latitude is empty; longitude \"x\" is not a number"
        );
        assert!(lat_lon("90", "180").is_ok());
    }

    #[test]
    fn counts() {
        assert_eq!(fatalities("", "fatalities"), Ok(None));
        assert_eq!(fatalities(" 3 ", "fatalities"), Ok(Some(3)));
        assert_eq!(fatalities("3.0", "fatalities"), Ok(Some(3)));
        assert_eq!(
            fatalities("-2", "fatalities").unwrap_err(),
            "fatalities -2 is negative"
        );
        assert_eq!(
            fatalities("2.5", "best").unwrap_err(),
            "best 2.5 is not a whole number"
        );
        assert_eq!(
            fatalities("99999999999", "fatalities").unwrap_err(),
            "fatalities 99999999999 is too large"
        );
        assert!(fatalities("NaN", "fatalities").is_err());
        assert!(fatalities("3.", "fatalities").is_err());
        assert!(fatalities("many", "fatalities").is_err());
    }

    /// Every notation of a whole number is a count, as `3.0` is (issue 15): `-0` is 0 and
    /// `1e2` is 100; a value is judged on its digits, not on a rounded float.
    #[test]
    fn counts_in_any_decimal_notation() {
        for (text, want) in [
            ("-0", 0),
            ("+0.000", 0),
            ("0e999999999", 0),
            ("1e2", 100),
            ("1E+2", 100),
            ("+3", 3),
            ("1.5e3", 1500),
            ("250e-1", 25),
            ("4294967295", u32::MAX),
            ("4.294967295e9", u32::MAX),
            ("0000000000000012", 12),
        ] {
            assert_eq!(fatalities(text, "fatalities"), Ok(Some(want)), "{text}");
        }
        for (text, reason) in [
            ("-1e2", "is negative"),
            ("-0.5", "is negative"),
            ("1e-2", "is not a whole number"),
            ("1.0000000000000001", "is not a whole number"),
            ("4294967296", "is too large"),
            ("1e10", "is too large"),
            ("1e400", "is too large"),
            ("1e99999999999", "is too large"),
            ("1e-99999999999", "is not a whole number"),
        ] {
            let e = fatalities(text, "fatalities").unwrap_err();
            assert_eq!(e, format!("fatalities {text} {reason}"));
        }
        for text in ["1e", "e2", "1.e2", ".5", "1e2.5", "--1", "0x10", "1_000"] {
            let e = fatalities(text, "fatalities").unwrap_err();
            assert!(e.ends_with("is not a number"), "{text}: {e}");
        }
    }

    #[test]
    fn precision() {
        assert_eq!(precision_m("", "precision_m"), Ok(0.0));
        assert_eq!(precision_m("250", "precision_m"), Ok(250.0));
        assert_eq!(
            precision_m("-1", "precision_m").unwrap_err(),
            "precision_m -1 is negative"
        );
        assert!(precision_m("inf", "precision_m").is_err());
        assert!(precision_m("NaN", "precision_m").is_err());
    }

    #[test]
    fn partial_dates() {
        assert_eq!(
            partial_date_span("2006-04", "date").unwrap().to_string(),
            "2006-04"
        );
        assert_eq!(
            partial_date_span("19/04/2006", "date").unwrap_err(),
            "date 19/04/2006 not understood (expected YYYY, YYYY-MM or YYYY-MM-DD)"
        );
        assert_eq!(
            partial_date_span("2006-02-30", "date").unwrap_err(),
            "date 2006-02-30: no such day"
        );
        assert_eq!(
            partial_date_span("2006-13", "date").unwrap_err(),
            "date 2006-13: month out of range 01-12"
        );
        assert_eq!(partial_date_span("", "date").unwrap_err(), "date is empty");
    }

    #[test]
    fn fast_iso_day_agrees_with_the_general_parser() {
        for s in [
            "2006-04-19",
            "2006-02-29",
            "2004-02-29",
            "0999-01-01",
            "1000-01-01",
            "9999-12-31",
            "2006-13-01",
            "2006-00-10",
            "2006-04-31",
            "2006-04-00",
            "20a6-04-19",
            "2006/04/19",
            "+006-04-19",
            "2006-4-19 ",
        ] {
            let general = s.parse::<PartialDate>().ok().map(|d| d.span());
            let fast = iso_day(s).map(DateSpan::day);
            if fast.is_some() {
                assert_eq!(fast, general, "{s:?}");
            }
            assert_eq!(partial_date_span(s, "date").ok(), general, "{s:?}");
        }
        assert!(iso_day("2006-04-19").is_some());
    }

    #[test]
    fn days_with_times() {
        let want = Date::constant(2006, 4, 19);
        for s in [
            "2006-04-19",
            "2006-04-19 00:00:00.000",
            "2006-04-19T00:00:00",
            " 2006-04-19 ",
        ] {
            assert_eq!(day_with_optional_time(s, "date_start"), Ok(want), "{s:?}");
        }
        for s in [
            "2006-04",
            "2006-04-19 25:00",
            "2006-02-30",
            "19/04/2006",
            "",
        ] {
            assert!(day_with_optional_time(s, "date_start").is_err(), "{s:?}");
        }
    }

    #[test]
    fn acled_dates() {
        let want = Date::constant(2006, 4, 19);
        for s in [
            "2006-04-19",
            "19 April 2006",
            "19-April-2006",
            "19-Apr-2006",
            "19 apr 2006",
            "19-04-2006",
        ] {
            assert_eq!(acled_date(s, "event_date"), Ok(want), "{s:?}");
        }
        assert_eq!(
            acled_date("9 Sept 2006", "event_date"),
            Ok(Date::constant(2006, 9, 9))
        );
        assert_eq!(
            acled_date("30 February 2006", "event_date").unwrap_err(),
            "event_date 30 February 2006: no such day"
        );
        for s in [
            "19/04/2006",
            "2006",
            "19 Ap 2006",
            "19 April 06",
            "April 19 2006",
            "x",
        ] {
            assert!(acled_date(s, "event_date").is_err(), "{s:?}");
        }
    }

    #[test]
    fn invalid_utf8_names_the_column_and_byte() {
        let e = utf8(b"caf\xe9", "notes").unwrap_err();
        assert!(e.starts_with("column notes is not valid UTF-8 (byte 0xE9 at offset 3"));
    }
}
