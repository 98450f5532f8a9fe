//! Partial calendar dates (`2006`, `2006-04`, `2006-04-19`) and the day spans they cover.
//!
//! Sources often give only a year or a month. A [`PartialDate`] keeps that precision, and
//! [`PartialDate::span`] turns it into the inclusive range of days it may mean, so that a
//! question asked "as of 2006" can tell when the answer changed inside the year.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;

/// How much of a date is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DatePrecision {
    /// Only the year (`2006`).
    Year,
    /// Year and month (`2006-04`).
    Month,
    /// The exact day (`2006-04-19`).
    Day,
}

impl DatePrecision {
    /// The lower-case word used in CSV output: `year`, `month` or `day`.
    pub fn as_str(self) -> &'static str {
        match self {
            DatePrecision::Year => "year",
            DatePrecision::Month => "month",
            DatePrecision::Day => "day",
        }
    }
}

/// An inclusive range of days, `first..=last`.
///
/// # Examples
/// ```
/// use bordertrack::{DateSpan, PartialDate};
/// let span: DateSpan = "2006-02".parse::<PartialDate>().unwrap().span();
/// assert_eq!(span.first.to_string(), "2006-02-01");
/// assert_eq!(span.last.to_string(), "2006-02-28");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateSpan {
    /// The first day that the span may mean.
    pub first: Date,
    /// The last day that the span may mean (inclusive).
    pub last: Date,
}

/// The first day a date may name: `PartialDate` reads and writes years 1000–9999.
pub(crate) const FIRST_DAY: Date = Date::constant(1000, 1, 1);
/// The last day a date may name.
pub(crate) const LAST_DAY: Date = Date::constant(9999, 12, 31);

impl DateSpan {
    /// The days from `days` before `day` to `days` after it; `None` when that reaches outside
    /// [`FIRST_DAY`]`..=`[`LAST_DAY`], the days that can be read and written back.
    pub(crate) fn around(day: Date, days: i32) -> Option<DateSpan> {
        let span = jiff::Span::new().try_days(days).ok()?;
        let first = day.checked_sub(span).ok()?;
        let last = day.checked_add(span).ok()?;
        (FIRST_DAY <= first && last <= LAST_DAY).then_some(DateSpan { first, last })
    }

    /// A span of one day.
    pub fn day(date: Date) -> DateSpan {
        DateSpan {
            first: date,
            last: date,
        }
    }

    /// A span from `first` to `last` inclusive; `None` when `last` is before `first`.
    pub fn new(first: Date, last: Date) -> Option<DateSpan> {
        (first <= last).then_some(DateSpan { first, last })
    }

    /// Whether the span is a single day.
    pub fn is_day(&self) -> bool {
        self.first == self.last
    }

    /// The days from the first day of `from` to the last day of `to` (so `2004` to `2004-06`
    /// is 2004-01-01 to 2004-06-30); an open end reaches to the first or last day that a date
    /// can name (1000-01-01, 9999-12-31). `None` when `to` ends before `from` begins.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::{DateSpan, PartialDate};
    /// let from: PartialDate = "2004".parse()?;
    /// let to: PartialDate = "2004-06".parse()?;
    /// let range = DateSpan::from_to(Some(from), Some(to)).expect("in order");
    /// assert_eq!(range.to_string(), "2004-01-01/2004-06-30");
    /// let later: PartialDate = "2005".parse()?;
    /// assert_eq!(DateSpan::from_to(Some(later), Some(to)), None);
    /// # Ok::<(), bordertrack::DateParseError>(())
    /// ```
    pub fn from_to(from: Option<PartialDate>, to: Option<PartialDate>) -> Option<DateSpan> {
        DateSpan::new(
            from.map_or(FIRST_DAY, |d| d.first()),
            to.map_or(LAST_DAY, |d| d.last()),
        )
    }
}

impl DateSpan {
    /// The partial date that covers exactly this span, if there is one (a day, a whole
    /// calendar month or a whole calendar year).
    pub fn as_partial(&self) -> Option<PartialDate> {
        let (f, l) = (self.first, self.last);
        if f == l {
            return Some(PartialDate::Day(f));
        }
        if f.day() == 1
            && f.month() == 1
            && l.month() == 12
            && l.day() == 31
            && f.year() == l.year()
        {
            return Some(PartialDate::Year(f.year()));
        }
        if f.day() == 1 && l == f.last_of_month() {
            return Some(PartialDate::Month(f.year(), f.month()));
        }
        None
    }

    /// Appends the span to `out` as its [`Display`](fmt::Display) writes it; a single day of
    /// the years 1000–9999 (the usual case) without the general formatter, for callers that
    /// write many rows.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::{DateSpan, PartialDate};
    /// let mut out = String::new();
    /// let day: DateSpan = "2006-04-19".parse::<PartialDate>().unwrap().span();
    /// day.push_to(&mut out);
    /// out.push(' ');
    /// "2006-04".parse::<PartialDate>().unwrap().span().push_to(&mut out);
    /// assert_eq!(out, "2006-04-19 2006-04");
    /// ```
    pub fn push_to(&self, out: &mut String) {
        if self.first == self.last {
            if let Some(text) = day_text(self.first) {
                // Digits and dashes: ASCII.
                out.push_str(std::str::from_utf8(&text).unwrap_or_default());
                return;
            }
        }
        let _ = fmt::Write::write_fmt(out, format_args!("{self}"));
    }

    /// Whether `day` lies in the span.
    pub fn contains(&self, day: Date) -> bool {
        self.first <= day && day <= self.last
    }

    /// Whether the two spans share at least one day.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::PartialDate;
    /// let june = "2004-06".parse::<PartialDate>()?.span();
    /// let last_day = "2004-06-30".parse::<PartialDate>()?.span();
    /// let july = "2004-07".parse::<PartialDate>()?.span();
    /// assert!(june.overlaps(&last_day) && last_day.overlaps(&june));
    /// assert!(!june.overlaps(&july));
    /// # Ok::<(), bordertrack::DateParseError>(())
    /// ```
    pub fn overlaps(&self, other: &DateSpan) -> bool {
        self.first <= other.last && other.first <= self.last
    }
}

impl From<PartialDate> for DateSpan {
    fn from(d: PartialDate) -> DateSpan {
        d.span()
    }
}

/// Written as the partial date it equals (`2006`, `2006-04`, `2006-04-19`), otherwise as an
/// ISO 8601 interval `first/last`.
impl fmt::Display for DateSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_partial() {
            Some(p) => write!(f, "{p}"),
            None => write!(f, "{}/{}", self.first, self.last),
        }
    }
}

impl serde::Serialize for DateSpan {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A calendar date known to the year, the month or the day.
///
/// Parsing accepts exactly `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (ISO 8601, years 1000–9999) and
/// rejects impossible dates such as `2006-02-30` or `2006-13`.
///
/// # Examples
/// ```
/// use bordertrack::{DatePrecision, PartialDate};
/// let d: PartialDate = "2006-04".parse().unwrap();
/// assert_eq!(d.precision(), DatePrecision::Month);
/// assert_eq!(d.to_string(), "2006-04");
/// assert!("2006-02-30".parse::<PartialDate>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PartialDate {
    /// A whole year.
    Year(i16),
    /// A whole month of a year (month 1–12).
    Month(i16, i8),
    /// One day.
    Day(Date),
}

/// Why a date string was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{reason}: {input:?} (expected YYYY, YYYY-MM or YYYY-MM-DD)")]
pub struct DateParseError {
    /// The text that did not parse (truncated to 40 characters).
    pub input: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl PartialDate {
    /// A day-precision date.
    pub fn from_date(date: Date) -> PartialDate {
        PartialDate::Day(date)
    }

    /// How much of the date is known.
    pub fn precision(&self) -> DatePrecision {
        match self {
            PartialDate::Year(_) => DatePrecision::Year,
            PartialDate::Month(..) => DatePrecision::Month,
            PartialDate::Day(_) => DatePrecision::Day,
        }
    }

    /// The inclusive range of days this date may mean.
    pub fn span(&self) -> DateSpan {
        match *self {
            PartialDate::Year(y) => DateSpan {
                first: Date::constant(y, 1, 1),
                last: Date::constant(y, 12, 31),
            },
            PartialDate::Month(y, m) => {
                let first = Date::constant(y, m, 1);
                DateSpan {
                    first,
                    last: first.last_of_month(),
                }
            }
            PartialDate::Day(d) => DateSpan::day(d),
        }
    }

    /// The first day the date may mean.
    pub fn first(&self) -> Date {
        self.span().first
    }

    /// The last day the date may mean.
    pub fn last(&self) -> Date {
        self.span().last
    }
}

fn parse_number(s: &str, width: usize) -> Option<i32> {
    if s.len() != width || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl FromStr for PartialDate {
    type Err = DateParseError;

    fn from_str(raw: &str) -> Result<PartialDate, DateParseError> {
        let s = raw.trim();
        let err = |reason| DateParseError {
            input: raw.chars().take(40).collect(),
            reason,
        };
        if s.is_empty() {
            return Err(err("empty date"));
        }
        let mut parts = s.split('-');
        let year = parts
            .next()
            .and_then(|p| parse_number(p, 4))
            .ok_or_else(|| err("not a date"))?;
        if !(1000..=9999).contains(&year) {
            return Err(err("year out of range 1000-9999"));
        }
        let year = year as i16;
        let month = match parts.next() {
            None => return Ok(PartialDate::Year(year)),
            Some(p) => parse_number(p, 2).ok_or_else(|| err("not a date"))?,
        };
        if !(1..=12).contains(&month) {
            return Err(err("month out of range 01-12"));
        }
        let month = month as i8;
        let day = match parts.next() {
            None => return Ok(PartialDate::Month(year, month)),
            Some(p) => parse_number(p, 2).ok_or_else(|| err("not a date"))?,
        };
        if parts.next().is_some() {
            return Err(err("not a date"));
        }
        let date = Date::new(year, month, day as i8).map_err(|_| err("no such day"))?;
        Ok(PartialDate::Day(date))
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartialDate::Year(y) => write!(f, "{y:04}"),
            PartialDate::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            PartialDate::Day(d) => match day_text(*d) {
                // The common case, written without the general formatter.
                Some(text) => f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?),
                None => write!(f, "{d}"),
            },
        }
    }
}

/// `YYYY-MM-DD` for a day of the years 1000–9999 (`None` for others, which the general
/// formatter writes).
fn day_text(d: Date) -> Option<[u8; 10]> {
    let y = u16::try_from(d.year())
        .ok()
        .filter(|y| (1000..=9999).contains(y))?;
    let (m, day) = (d.month().unsigned_abs(), d.day().unsigned_abs());
    let digit = |n: u16| b'0' + (n % 10) as u8;
    Some([
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(u16::from(m) / 10),
        digit(u16::from(m)),
        b'-',
        digit(u16::from(day) / 10),
        digit(u16::from(day)),
    ])
}

impl serde::Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<PartialDate, DateParseError> {
        s.parse()
    }

    #[test]
    fn parses_each_precision() {
        assert_eq!(p("2006").unwrap(), PartialDate::Year(2006));
        assert_eq!(p("2006-04").unwrap(), PartialDate::Month(2006, 4));
        assert_eq!(
            p("2006-04-19").unwrap(),
            PartialDate::Day(Date::constant(2006, 4, 19))
        );
    }

    #[test]
    fn spans_cover_the_period() {
        let s = p("2004").unwrap().span();
        assert_eq!(
            (s.first, s.last),
            (Date::constant(2004, 1, 1), Date::constant(2004, 12, 31))
        );
        let s = p("2004-02").unwrap().span();
        assert_eq!(s.last, Date::constant(2004, 2, 29));
    }

    #[test]
    fn rejects_impossible_and_malformed() {
        for bad in [
            "",
            "2006-02-30",
            "2006-13",
            "2006-00",
            "19/04/2006",
            "06-04-19",
            "2006-4-19",
            "2006-04-19T00",
            "abcd",
            "0999",
            "2006--01",
            "2006-04-19-01",
            "+2006",
        ] {
            assert!(p(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn span_display_uses_the_partial_form() {
        for s in ["2006", "2006-04", "2006-04-19"] {
            assert_eq!(p(s).unwrap().span().to_string(), s);
        }
        let odd = DateSpan::new(Date::constant(2006, 4, 3), Date::constant(2006, 4, 9)).unwrap();
        assert_eq!(odd.to_string(), "2006-04-03/2006-04-09");
        assert!(DateSpan::new(Date::constant(2006, 4, 9), Date::constant(2006, 4, 3)).is_none());
    }

    /// `n` consecutive days from `first`, then the years' edges the fast paths stop at.
    fn days(first: Date, n: i64) -> Vec<Date> {
        let mut days: Vec<Date> = (0..n)
            .filter_map(|k| first.checked_add(jiff::Span::new().days(k)).ok())
            .collect();
        days.extend([
            Date::constant(1000, 1, 1),
            Date::constant(9999, 12, 31),
            Date::constant(999, 12, 31),
            Date::constant(-5, 3, 4),
        ]);
        days
    }

    #[test]
    fn day_display_matches_jiff() {
        for d in days(Date::constant(1999, 1, 1), 3 * 366) {
            assert_eq!(PartialDate::Day(d).to_string(), d.to_string());
        }
    }

    #[test]
    fn push_to_writes_what_display_writes() {
        let firsts = days(Date::constant(2003, 11, 20), 800);
        let mut out = String::new();
        for first in firsts {
            for days in [0, 1, 6, 27, 28, 29, 30, 364, 365] {
                let Ok(last) = first.checked_add(jiff::Span::new().days(days)) else {
                    continue;
                };
                let span = DateSpan { first, last };
                out.clear();
                out.push('x');
                span.push_to(&mut out);
                assert_eq!(out, format!("x{span}"));
            }
        }
    }

    #[test]
    fn spans_around_a_day_stay_in_the_years_that_can_be_written() {
        let around = |y, m, d| DateSpan::around(Date::constant(y, m, d), 3);
        let span = around(2006, 4, 19).unwrap();
        assert_eq!(span.to_string(), "2006-04-16/2006-04-22");
        assert_eq!(around(1000, 1, 4).unwrap().first, FIRST_DAY);
        assert_eq!(around(9999, 12, 28).unwrap().last, LAST_DAY);
        // Past the ends: year 999 or 10000 (which jiff cannot even represent).
        assert_eq!(around(1000, 1, 3), None);
        assert_eq!(around(9999, 12, 29), None);
        assert_eq!(around(9999, 12, 31), None);
        assert_eq!(DateSpan::around(Date::constant(-9999, 1, 1), 3), None);
    }

    #[test]
    fn display_round_trips() {
        for s in ["2006", "2006-04", "2006-04-19"] {
            assert_eq!(p(s).unwrap().to_string(), s);
        }
    }
}
