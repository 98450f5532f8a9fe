//! [`IncidentReader::date_range`]: an incident is kept when its date span shares a day with
//! the range, whether it is read row by row, block by block, or from GeoJSON.

use super::super::IncidentReader;
use crate::{DateSpan, PartialDate};

/// `from`..=`to` as partial dates, either end open.
fn range(from: Option<&str>, to: Option<&str>) -> DateSpan {
    let date = |s: &str| s.parse::<PartialDate>().expect("a date");
    DateSpan::from_to(from.map(date), to.map(date)).expect("in order")
}

const TABLE: &str = "id,date,lat,lon\n\
    may-31,2004-05-31,41,69\n\
    june,2004-06,41,69\n\
    july-1,2004-07-01,41,69\n\
    year,2004,41,69\n\
    bad,2004-13,41,69\n\
    later,2005-01-01,41,69\n";

/// The ids kept (and the problems, as `!line`), row by row and block by block, which must
/// agree; and the count left out.
fn kept(input: &str, range: DateSpan) -> (Vec<String>, u64) {
    let reader = IncidentReader::from_reader(input.as_bytes(), "in.csv").expect("a header");
    let mut reader = reader.date_range(range);
    let by_rows: Vec<String> = reader
        .records()
        .map(|r| r.map_or_else(|p| format!("!{:?}", p.location), |i| i.id))
        .collect();
    let left_out = reader.left_out_by_dates();
    // The pipeline's path: blocks converted apart from the reader.
    let reader = IncidentReader::from_reader(input.as_bytes(), "in.csv").expect("a header");
    let mut reader = reader.date_range(range);
    let parser = reader.parser();
    let mut rows = Vec::new();
    while let Some(block) = reader.read_block(7, 2) {
        parser.parse_block(block, &mut rows);
    }
    let by_blocks: Vec<String> = rows
        .into_iter()
        .map(|r| {
            r.incident
                .map_or_else(|p| format!("!{:?}", p.location), |i| i.id)
        })
        .collect();
    assert_eq!(by_rows, by_blocks);
    assert_eq!(left_out, reader.left_out_by_dates());
    (by_rows, left_out)
}

#[test]
fn a_partial_date_meets_a_range_that_touches_any_of_its_days() {
    // Only June 2004: the month and the year overlap it; the days either side do not.
    let (ids, out) = kept(TABLE, range(Some("2004-06"), Some("2004-06")));
    assert_eq!(ids, ["june", "year", "!Line(6)"]);
    assert_eq!(out, 3);
    // A range that starts on the month's last day, or ends on its first, still meets it.
    let (ids, _) = kept(TABLE, range(Some("2004-06-30"), None));
    assert_eq!(ids, ["june", "july-1", "year", "!Line(6)", "later"]);
    let (ids, _) = kept(TABLE, range(None, Some("2004-06-01")));
    assert_eq!(ids, ["may-31", "june", "year", "!Line(6)"]);
    // The boundaries are inclusive: a one-day range on 2004-05-31.
    let (ids, _) = kept(TABLE, range(Some("2004-05-31"), Some("2004-05-31")));
    assert_eq!(ids, ["may-31", "year", "!Line(6)"]);
    // A range before everything: bad rows are still reported, nothing else comes out.
    let (ids, out) = kept(TABLE, range(None, Some("2003")));
    assert_eq!((ids, out), (vec!["!Line(6)".to_string()], 5));
}

#[test]
fn an_acled_week_span_overlapping_the_range_is_kept() {
    // time_precision 2: three days either side of 2004-06-02, so it reaches into May.
    let acled = "event_id_cnty,event_date,time_precision,latitude,longitude,geo_precision\n\
                 KAZ1,2004-06-02,2,41,69,1\n\
                 KAZ2,2004-06-02,1,41,69,1\n";
    let (ids, out) = kept(acled, range(None, Some("2004-05-30")));
    assert_eq!((ids, out), (vec!["KAZ1".to_string()], 1));
}

#[test]
fn geojson_features_are_kept_by_the_same_rule() {
    let feature = |id: &str, date: &str| {
        format!(
            r#"{{"type": "Feature", "properties": {{"id": "{id}", "date": "{date}"}},
            "geometry": {{"type": "Point", "coordinates": [69, 41]}}}}"#
        )
    };
    let text = format!(
        r#"{{"type": "FeatureCollection", "features": [{}, {}, {}, {}]}}"#,
        feature("may-31", "2004-05-31"),
        feature("june", "2004-06"),
        feature("dup", "2004-05-31"),
        feature("june", "2004-06-15"),
    );
    let reader = IncidentReader::from_reader(text.as_bytes(), "in.geojson").expect("GeoJSON");
    let mut reader = reader.date_range(range(Some("2004-06"), None));
    let rows: Vec<String> = reader
        .records()
        .map(|r| r.map_or_else(|p| p.to_string(), |i| i.id))
        .collect();
    // Features left out are not counted as ids seen; a repeated id in the range still is.
    assert_eq!(
        rows,
        [
            "june".to_string(),
            "in.geojson: feature 3 (id \"june\"): duplicate id \"june\" (first used at feature 1)"
                .to_string()
        ]
    );
    assert_eq!(reader.left_out_by_dates(), 2);
}
