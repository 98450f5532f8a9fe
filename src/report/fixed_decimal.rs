//! Numbers written with a fixed number of decimals, fast, and exactly as `format!("{x:.d$}")`
//! writes them: the exact binary value rounded to `d` decimals, ties to even.
//!
//! # Measured gain
//! It came in with rows written without the `csv` writer (`b5ac22e`) and took a form with
//! `itoa` (`9605d6d`); on the README benchmark (1,000,000 incidents within 5 km) encoding fell
//! from 2,740 to 1,800 instructions per row written between `0141b03` and
//! `a4a4a94` (callgrind, README), this and the dates written without the general formatter
//! together. Measured alone on the code of `569c058` (callgrind, one worker thread, the first
//! 50,000 incidents of that benchmark, the same binary writing numbers with `write!` instead):
//! 6,560 instructions per incident after start-up against 7,920, the whole run 14% fewer
//! instructions, the same bytes out (BENCHMARKS.md). Its digits are now made two at a time
//! into buffers of fixed size and copied without `memcpy` rather than through `itoa`: on the
//! README benchmark's 100,000 rows (callgrind, one thread) the run fell from 1,096.0 M to
//! 1,090.9 M instructions, the same bytes out (BENCHMARKS.md).

use std::io::Write as _;

/// Powers of ten exactly representable as `f64`.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// Largest scaled value handled by the fast path: below 2^52 every float is a multiple of
/// half a unit, so the distance to the next integer is exact.
const FAST_LIMIT: f64 = 4_503_599_627_370_496.0;

/// Appends `x` with `decimals` digits after the point to `out`, as [`write_fixed`] does.
pub(crate) fn push_fixed(out: &mut String, x: f64, decimals: usize) {
    let mut bytes = Vec::with_capacity(24);
    write_fixed(&mut bytes, x, decimals);
    // Digits, a point, a sign, or the standard formatter's `NaN` and `inf`: all ASCII.
    out.push_str(std::str::from_utf8(&bytes).unwrap_or_default());
}

/// The `decimals` of a number written as the shortest text that reads back as the same
/// `f64` (`write!(out, "{x}")`), for values carried from an input rather than computed: see
/// [`Column::number`](super::Column::number).
pub(crate) const SHORTEST: usize = usize::MAX;

/// Appends `x` with `decimals` digits after the point to `out`, byte for byte as
/// `write!(out, "{x:.decimals$}")` would (or as `write!(out, "{x}")` for [`SHORTEST`]). The
/// text never needs quoting in CSV.
pub(crate) fn write_fixed(out: &mut Vec<u8>, x: f64, decimals: usize) {
    if decimals == SHORTEST {
        let _ = write!(out, "{x}");
        return;
    }
    let Some(&scale) = POW10.get(decimals) else {
        let _ = write!(out, "{x:.decimals$}");
        return;
    };
    let a = x.abs();
    let hi = a * scale;
    if hi.is_nan() || hi >= FAST_LIMIT {
        // Large, infinite or NaN: the standard formatter.
        let _ = write!(out, "{x:.decimals$}");
        return;
    }
    // `a * scale` exactly is `hi + lo`. `hi` is below 2^52, so truncating it is its floor
    // and fits in `i64` (one conversion instruction, no call to `floor`); `hi - floor` is
    // exact.
    let whole = hi as i64;
    let floor = whole as f64;
    let rest = hi - floor;
    let up = if rest > 0.5 {
        true
    } else if rest < 0.5 {
        false
    } else {
        // The rounded product sits on a half: the exact product's remainder decides, and an
        // exact tie goes to the even neighbour.
        let lo = a.mul_add(scale, -hi);
        if lo != 0.0 {
            lo > 0.0
        } else {
            whole % 2 != 0
        }
    };
    // `whole + 1 <= 2^52`: the scaled value, rounded, as an integer.
    let n = whole.unsigned_abs() + u64::from(up);
    push_scaled(out, n, decimals, x.is_sign_negative());
}

/// The two digits of each number below 100.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839404142434445464748495051525354555657585960\
    6162636465666768697071727374757677787980818283848586878889909192939495969798\
    99";

/// Where the digits of a number end in [`push_scaled`]'s buffer: after enough zeros for the
/// decimals of any number below one.
const DIGITS_END: usize = 32;

/// Appends `n / 10^decimals` (`n` at most 2^52, so 16 digits, and `decimals` at most 15)
/// with `decimals` digits after the point and at least one before it, after a minus sign
/// when `negative`.
///
/// The digits are made two at a time into a buffer of zeros, and the text (at most 18
/// bytes) put together from it in copies of fixed size; it is appended as a whole buffer of
/// fixed size whose tail is then cut. So no copy calls `memcpy` and the capacity of `out` is
/// checked once.
#[inline]
fn push_scaled(out: &mut Vec<u8>, n: u64, decimals: usize, negative: bool) {
    let mut digits = [b'0'; DIGITS_END + 16];
    let mut pos = DIGITS_END;
    let mut rest = n;
    while rest >= 100 {
        let pair = (rest % 100) as usize * 2;
        rest /= 100;
        pos -= 2;
        digits[pos..pos + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if rest >= 10 {
        let pair = rest as usize * 2;
        pos -= 2;
        digits[pos..pos + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        pos -= 1;
        digits[pos] = b'0' + rest as u8;
    }
    // At least one digit before the point (a zero of the buffer for a number below one).
    let whole_len = (DIGITS_END - pos).saturating_sub(decimals).max(1);
    let fraction_start = DIGITS_END - decimals;
    let whole_start = fraction_start - whole_len;
    let mut text = [b'-'; 40];
    let sign = usize::from(negative);
    text[sign..sign + 16].copy_from_slice(&digits[whole_start..whole_start + 16]);
    let mut len = sign + whole_len;
    if decimals > 0 {
        text[len] = b'.';
        text[len + 1..len + 17].copy_from_slice(&digits[fraction_start..fraction_start + 16]);
        len += 1 + decimals;
    }
    let start = out.len();
    out.extend_from_slice(&text[..24]);
    out.truncate(start + len);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fixed(x: f64, d: usize) -> String {
        let mut s = String::new();
        push_fixed(&mut s, x, d);
        let mut bytes = Vec::new();
        write_fixed(&mut bytes, x, d);
        assert_eq!(s.as_bytes(), bytes);
        s
    }

    #[test]
    fn matches_the_standard_formatter_on_edge_cases() {
        let cases = [
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            -2.5,
            0.25,
            0.125,
            0.35,
            1e-300,
            -1e-300,
            0.05,
            0.15,
            9.995,
            99.95,
            123_456.789_5,
            4.5e15,
            4.6e15,
            1e300,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            2_186_000.000_5,
            0.000_5,
            0.000_499_999,
        ];
        for x in cases {
            for d in 0..=17 {
                assert_eq!(fixed(x, d), format!("{x:.d$}"), "{x:e} with {d} decimals");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn matches_the_standard_formatter(x in prop_oneof![
            any::<f64>(),
            -1e7..1e7f64,
            (-100_000_000i64..100_000_000i64, 0..7u32).prop_map(|(n, k)| {
                // Decimal halves and near-halves: `n / 10^k` and its neighbours.
                n as f64 / 10f64.powi(k as i32) + 5.0 / 10f64.powi(k as i32 + 1)
            }),
        ], d in 0usize..10) {
            prop_assert_eq!(fixed(x, d), format!("{x:.d$}"));
        }
    }
}
