//! [`PlainDecimal`]: a plain decimal such as `-41.305` read straight from its digits, the fast
//! way to read the coordinates of million-row tables.
//!
//! The digits make an integer below 2^53 and the divisor is a power of ten up to 10^15, both
//! exact as `f64`, so the one correctly rounded division gives the correctly rounded value of
//! the decimal: the same `f64` as `str::parse` (Clinger's fast path; property-tested), in a
//! fraction of its time.
//!
//! A bound on the magnitude is checked on the digits, as integers, with the same answer as on
//! the value, so that the conversion of a plain row need not wait for the division before
//! going on, and a value without decimals is not divided. With the digits read in two runs
//! (before and after the point) instead of one loop that watches for the point, the README
//! benchmark's rows took 1.6 to 3.6 M instructions fewer to convert of about 220 M (100,000
//! rows), its time not measurably different (BENCHMARKS.md, "Plain rows: coordinates read as
//! digits").

/// Powers of ten up to 10^15, all exactly representable as `f64`.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// The same powers of ten as integers.
const POW10_INTEGERS: [u64; 16] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
];

/// A plain decimal (optional sign, digits, optionally a point and more digits, at most 15
/// digits in all) as its digits and the number of them after the point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct PlainDecimal {
    /// All the digits as one integer (below 10^15).
    digits: u64,
    /// How many of them are after the point (at most 15).
    decimals: usize,
    negative: bool,
}

impl PlainDecimal {
    /// The decimal written in `bytes`; `None` for anything else (no digit before or after a
    /// point, more than 15 digits, spaces, exponents, other characters).
    pub(crate) fn parse(bytes: &[u8]) -> Option<PlainDecimal> {
        let (negative, text) = match bytes.split_first() {
            Some((b'-', rest)) => (true, rest),
            Some((b'+', rest)) => (false, rest),
            _ => (false, bytes),
        };
        // 15 digits and a point at most, so that `digits` below stays under 10^16.
        if text.is_empty() || text.len() > 16 {
            return None;
        }
        let mut digits = 0u64;
        let mut whole = 0;
        for &b in text {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            digits = digits * 10 + u64::from(d);
            whole += 1;
        }
        let decimals = match text.get(whole) {
            None => 0,
            // Digits on both sides of the point.
            Some(b'.') if whole > 0 => {
                let fraction = text.get(whole + 1..).unwrap_or(&[]);
                if fraction.is_empty() {
                    return None;
                }
                for &b in fraction {
                    let d = b.wrapping_sub(b'0');
                    if d > 9 {
                        return None;
                    }
                    digits = digits * 10 + u64::from(d);
                }
                fraction.len()
            }
            Some(_) => return None,
        };
        if whole + decimals > 15 {
            return None;
        }
        Some(PlainDecimal {
            digits,
            decimals,
            negative,
        })
    }

    /// The value, correctly rounded (`-0.0` for a negative zero, as `str::parse` gives it).
    pub(crate) fn value(self) -> f64 {
        // Below 10^15 < 2^53: converted exactly, and by one instruction as a signed integer.
        let digits = i64::try_from(self.digits).map_or(f64::NAN, |d| d as f64);
        let magnitude = match self.decimals {
            0 => digits,
            n => POW10.get(n).map_or(f64::NAN, |p| digits / p),
        };
        if self.negative {
            -magnitude
        } else {
            magnitude
        }
    }

    /// Whether the value lies within `-limit..=limit`, checked on the digits: `digits / 10^d
    /// <= limit` exactly when `digits <= limit * 10^d`. The rounded value agrees: rounding is
    /// monotonic and keeps an integer limit, and a decimal above a limit of `k` digits has at
    /// most `15 - k` decimals, so it exceeds the limit by at least `10^(k - 15)`, more than the
    /// half unit in the last place of the limit (below `10^k * 2^-53`) that rounding could take
    /// off.
    pub(crate) fn magnitude_at_most(self, limit: u64) -> bool {
        match POW10_INTEGERS.get(self.decimals) {
            Some(&scale) => limit
                .checked_mul(scale)
                .is_none_or(|bound| self.digits <= bound),
            None => self.value().abs() <= limit as f64,
        }
    }

    /// Whether the value is below zero (a negative zero is not).
    pub(crate) fn is_below_zero(self) -> bool {
        self.negative && self.digits != 0
    }
}

/// The value of a plain decimal such as `-41.305` ([`PlainDecimal`]); `None` for anything else.
pub(crate) fn plain_decimal(s: impl AsRef<[u8]>) -> Option<f64> {
    PlainDecimal::parse(s.as_ref()).map(PlainDecimal::value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        /// The bound checked on the digits gives the answer of the value, around the limits of
        /// latitudes and longitudes and at every number of decimals.
        #[test]
        fn bounds_on_the_digits_agree_with_the_value(
            s in concat!(
                "[+-]?(1[78][0-9]|8[0-9]|9[0-9]|[0-9]{1,3})(\\.[0-9]{1,14})?",
                "|[+-]?(90|180)\\.0{0,12}[0-9]",
            ),
            limit in prop::sample::select(vec![0u64, 1, 90, 180, 999]),
        ) {
            if let Some(d) = PlainDecimal::parse(s.as_bytes()) {
                prop_assert_eq!(
                    d.magnitude_at_most(limit),
                    d.value().abs() <= limit as f64,
                    "{} within {}", s, limit
                );
                prop_assert_eq!(d.is_below_zero(), d.value() < 0.0, "{}", s);
            }
        }
    }

    #[test]
    fn bounds_at_the_edges() {
        let within =
            |s: &str, limit| PlainDecimal::parse(s.as_bytes()).map(|d| d.magnitude_at_most(limit));
        assert_eq!(within("90", 90), Some(true));
        assert_eq!(within("-90.000000000000", 90), Some(true));
        assert_eq!(within("90.0000000000001", 90), Some(false));
        assert_eq!(within("-180.000000000001", 180), Some(false));
        assert_eq!(within("179.999999999999", 180), Some(true));
        assert_eq!(within("0.00000000000001", 0), Some(false));
        assert_eq!(within("-0", 0), Some(true));
        assert_eq!(
            plain_decimal("-0").map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
        assert!(!PlainDecimal::parse(b"-0.0").is_some_and(PlainDecimal::is_below_zero));
    }
}
