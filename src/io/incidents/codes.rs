//! The precision and type codes of ACLED and UCDP GED tables, turned into metres, date
//! spans and kinds (see the [module documentation](super) for the codebooks and the
//! reasoning behind each number).

use jiff::civil::Date;

use crate::DateSpan;

/// ACLED `geo_precision` code → metres (see the module documentation for the reasoning).
pub(crate) fn acled_geo_precision_m(code: u8) -> Option<f64> {
    match code {
        1 => Some(5_000.0),
        2 => Some(25_000.0),
        3 => Some(100_000.0),
        _ => None,
    }
}

/// UCDP GED `where_prec` code → metres; `Err` with the reason for codes too coarse to place.
pub(crate) fn ucdp_where_prec_m(code: u8) -> Result<f64, String> {
    match code {
        1 => Ok(1_000.0),
        2 => Ok(25_000.0),
        3 => Ok(50_000.0),
        4 => Ok(150_000.0),
        5 => Ok(300_000.0),
        6 => Err("where_prec 6 (whole country, placed at its centroid) is too coarse to place near a border; row skipped".into()),
        7 => Err("where_prec 7 (international waters or airspace, estimated position) is too coarse to place near a border; row skipped".into()),
        other => Err(format!("where_prec {other} is not a UCDP code (expected 1-7)")),
    }
}

/// ACLED `time_precision` code and `event_date` → the span of days the event may fall in.
pub(crate) fn acled_time_span(code: u8, date: Date) -> Result<DateSpan, String> {
    match code {
        1 => Ok(DateSpan::day(date)),
        2 => DateSpan::around(date, 3).ok_or_else(|| {
            let (first, last) = (crate::date::FIRST_DAY, crate::date::LAST_DAY);
            format!(
                "event_date {date} with time_precision 2 means 3 days either side, which reaches \
                 outside the days that can be handled ({first} to {last})"
            )
        }),
        3 => Ok(DateSpan {
            first: date.first_of_month(),
            last: date.last_of_month(),
        }),
        other => Err(format!(
            "time_precision {other} is not an ACLED code (expected 1, 2 or 3)"
        )),
    }
}

/// UCDP GED `type_of_violence` code → the incident kind.
pub(super) fn ucdp_kind(code: u8) -> Result<&'static str, String> {
    match code {
        1 => Ok("state-based conflict"),
        2 => Ok("non-state conflict"),
        3 => Ok("one-sided violence"),
        other => Err(format!(
            "type_of_violence {other} is not a UCDP code (expected 1, 2 or 3)"
        )),
    }
}
