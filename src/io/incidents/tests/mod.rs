//! Tests of the incident readers on small inline inputs: CSV layouts here, GeoJSON and
//! property tests in the submodules.

use jiff::civil::Date;

use super::{IncidentReader, Layout};

mod dates;
#[cfg(feature = "formats")]
mod feature_files;
mod geojson;
mod props;

use crate::{Error, Incident, Problem};
use geojson::POINT;

type Rows = Vec<Result<Incident, Problem>>;

fn read(input: &[u8]) -> Result<(Layout, Rows), Error> {
    let mut r = IncidentReader::from_reader(input, "in.csv")?;
    let layout = r.layout();
    Ok((layout, r.records().collect()))
}

fn rows(input: &str) -> Rows {
    read(input.as_bytes()).expect("header accepted").1
}

fn fatal(input: &[u8]) -> String {
    match read(input) {
        Err(Error::Invalid(p)) => p
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("input was accepted"),
    }
}

fn problem(rows: &Rows, i: usize) -> String {
    match rows.get(i) {
        Some(Err(p)) => p.to_string(),
        other => panic!("row {i} is {other:?}, not a problem"),
    }
}

fn incident(rows: &Rows, i: usize) -> &Incident {
    match rows.get(i) {
        Some(Ok(inc)) => inc,
        other => panic!("row {i} is {other:?}, not an incident"),
    }
}

fn day(y: i16, m: i8, d: i8) -> Date {
    Date::new(y, m, d).unwrap()
}

const DATASET_HEADER: &str = "id,date,lat,lon,precision_m,kind,summary,fatalities,source_id";

#[test]
fn plain_dataset_layout_with_extra_columns() {
    let input = format!(
        "{DATASET_HEADER},notes\n\
         I1,2006-04-19,41.31,69.28,250,shooting,\"Shots, two wounded\",0,src-a,extra\n\
         I2,2006-04,41.0,69.0,,detention,,,src-b,\n\
         I3,2006,41.0,69.0,0,trespass,x,3,,\n"
    );
    let (layout, rows) = read(input.as_bytes()).unwrap();
    assert_eq!(layout, Layout::Plain);
    assert_eq!(rows.len(), 3);
    let a = incident(&rows, 0);
    assert_eq!(a.id, "I1");
    assert_eq!(a.date.to_string(), "2006-04-19");
    assert_eq!((a.point.x(), a.point.y()), (69.28, 41.31));
    assert_eq!(a.precision_m, 250.0);
    assert_eq!(a.kind, "shooting");
    assert_eq!(a.summary, "Shots, two wounded");
    assert_eq!(a.fatalities, Some(0));
    assert_eq!(a.source_id, "src-a");
    let b = incident(&rows, 1);
    assert_eq!(
        (b.date.first, b.date.last),
        (day(2006, 4, 1), day(2006, 4, 30))
    );
    assert_eq!((b.precision_m, b.fatalities), (0.0, None));
    let c = incident(&rows, 2);
    assert_eq!(
        (c.date.first, c.date.last),
        (day(2006, 1, 1), day(2006, 12, 31))
    );
    assert_eq!(c.fatalities, Some(3));
}

#[test]
fn plain_minimal_and_source_alias() {
    let rows = rows("ID , Date,LAT,Lon,Source\nA,2006-01-02,1,2,paper\n");
    assert_eq!(incident(&rows, 0).source_id, "paper");
    assert_eq!(incident(&rows, 0).kind, "");
    let msg = fatal(b"id,date,lat,lon,source,source_id\n");
    assert_eq!(
        msg,
        "in.csv:1: both \"source\" and \"source_id\" columns are present; keep one"
    );
}

#[test]
fn bom_crlf_and_delimiters() {
    for input in [
        "\u{feff}id,date,lat,lon\r\nA,2006,1,2\r\nB,2007,3,4\r\n",
        "id;date;lat;lon\nA;2006;1;2\nB;2007;3;4",
        "id\tdate\tlat\tlon\nA\t2006\t1\t2\nB\t2007\t3\t4\n",
        "\n\nid,date,lat,lon\nA,2006,1,2\nB,2007,3,4\n",
    ] {
        let rows = rows(input);
        assert_eq!(rows.len(), 2, "{input:?}");
        assert_eq!(incident(&rows, 1).id, "B", "{input:?}");
        assert_eq!(incident(&rows, 1).point.y(), 3.0, "{input:?}");
    }
    // Excel in comma-decimal locales: `;` delimiter, the comma inside a quoted field is text.
    let rows = rows("id;date;lat;lon;summary\nA;2006;1;2;\"a, b; c\"\n");
    assert_eq!(incident(&rows, 0).summary, "a, b; c");
}

#[test]
fn line_numbers_count_embedded_newlines() {
    let input = "id,date,lat,lon,summary\n\
                 A,2006,1,2,\"first line\nsecond line\nthird\"\n\
                 B,2006-13,1,2,x\r\n\
                 C,2006,1,2,\"a\r\nb\"\n\
                 D,2006,95,2,y\n";
    let rows = rows(input);
    assert_eq!(incident(&rows, 0).summary, "first line\nsecond line\nthird");
    assert_eq!(
        problem(&rows, 1),
        "in.csv:5: date 2006-13: month out of range 01-12"
    );
    assert_eq!(incident(&rows, 2).id, "C");
    assert!(problem(&rows, 3).starts_with("in.csv:8: latitude 95 out of range"));
}

#[test]
fn empty_blank_and_header_only() {
    assert_eq!(fatal(b""), "in.csv: empty file");
    assert_eq!(fatal(b"\xEF\xBB\xBF"), "in.csv: empty file");
    assert_eq!(fatal(b" \r\n\n\t"), "in.csv: empty file");
    let (layout, rows) = read(b"id,date,lat,lon\n").unwrap();
    assert_eq!((layout, rows.len()), (Layout::Plain, 0));
    assert_eq!(read(b"id,date,lat,lon").unwrap().1.len(), 0);
}

#[test]
fn missing_required_columns_are_named_with_what_was_found() {
    assert_eq!(
        fatal(b"id,date,lon\n"),
        "in.csv:1: no column for \"lat\" (the plain layout needs id, date, lat and lon; lat may \
         be named latitude); found: id, date, lon; name the columns with a column mapping: lat=…"
    );
    assert_eq!(
        fatal(b"name,when\nx,y\n"),
        "in.csv:1: no column for \"id\", \"date\", \"lat\", \"lon\" (the plain layout needs id, \
         date, lat and lon; lat may be named latitude, lon may be named longitude or lng or \
         long); found: name, when; name the columns with a column mapping: \
         id=…,date=…,lat=…,lon=…"
    );
    // An alias is not missing.
    assert_eq!(
        incident(&rows("id,date,latitude,lon\nA,2006,41.5,69\n"), 0)
            .point
            .y(),
        41.5
    );
    assert!(
        fatal(b"event_id_cnty,event_date,latitude,longitude\n").contains(
            "missing required columns \"geo_precision\", \"time_precision\" for the ACLED layout"
        )
    );
    assert!(fatal(b"id,date_start,latitude,longitude,where_prec\n")
        .contains("missing required column \"date_end\" for the UCDP GED layout"));
}

#[test]
fn duplicate_and_non_utf8_header_columns() {
    assert_eq!(
        fatal(b"id,date,lat,lon,ID\n"),
        "in.csv:1: duplicate column \"id\" (columns 1 and 5)"
    );
    assert_eq!(
        fatal(b"id,date,lat,lon,,\n"),
        "in.csv:1: two columns without a name (columns 5 and 6)"
    );
    assert!(fatal(b"id,date,lat,lon,caf\xe9\n")
        .starts_with("in.csv:1: header is not valid UTF-8 (column 5, byte offset 3)"));
}

#[test]
fn non_utf8_in_a_row_is_a_row_problem() {
    let rows =
        rows_bytes(b"id,date,lat,lon,summary,other\nA,2006,1,2,caf\xe9,x\nB,2006,1,2,ok,\xff\n");
    assert!(problem(&rows, 0).starts_with(
        "in.csv:2: column summary is not valid UTF-8 (byte 0xE9 at offset 3 of the field)"
    ));
    // Every column is carried to the output, so a bad byte in one that is not interpreted is a
    // problem too.
    assert!(problem(&rows, 1).starts_with("in.csv:3: column other is not valid UTF-8"));
}

#[test]
fn a_character_split_by_a_delimiter_is_not_utf8_in_either_field() {
    // `é` is C3 A9: split by the comma, the record's bytes taken together are valid UTF-8 but
    // neither field is.
    let rows = rows_bytes(b"id,date,lat,lon\nA,2006,41.5\xc3,\xa969.0\n");
    assert_eq!(
        problem(&rows, 0),
        "in.csv:2: column lat is not valid UTF-8 (byte 0xC3 at offset 4 of the field); \
         save the file as UTF-8; column lon is not valid UTF-8 (byte 0xA9 at offset 0 of the \
         field); save the file as UTF-8"
    );
}

#[test]
fn a_character_split_between_two_carried_columns_is_reported() {
    // Only carried, not interpreted: the row's text is copied in one piece when every field
    // is whole, so this row must not pass for `x` and `y` with an `é` between them.
    let rows = rows_bytes(b"id,date,lat,lon,a,b\nA,2006,1,2,x\xc3,\xa9y\nB,2006,1,2,x\xc3\xa9,y\n");
    let bad = problem(&rows, 0);
    assert!(
        bad.starts_with("in.csv:2: column a is not valid UTF-8"),
        "{bad}"
    );
    assert!(bad.contains("column b is not valid UTF-8"), "{bad}");
    let values: Vec<_> = incident(&rows, 1).values.iter().collect();
    assert_eq!(
        values,
        ["B", "2006", "1", "2", "x\u{e9}", "y"].map(crate::RowValue::Text)
    );
}

#[test]
fn a_non_utf8_field_is_reported_once_not_also_as_empty() {
    // The undecodable field is not then reported as empty by the check that reads it, while
    // other columns' faults are still all listed.
    let rows = rows_bytes(
        b"id,date,lat,lon,fatalities\nA,2006-04-\xff19,1,2,\nB,2006,\xe91,2,-3\nC,2006,1,\xe9,x\n",
    );
    assert_eq!(
        problem(&rows, 0),
        "in.csv:2: column date is not valid UTF-8 (byte 0xFF at offset 8 of the field); \
         save the file as UTF-8"
    );
    assert_eq!(
        problem(&rows, 1),
        "in.csv:3: column lat is not valid UTF-8 (byte 0xE9 at offset 0 of the field); \
         save the file as UTF-8; fatalities -3 is negative"
    );
    assert!(
        !problem(&rows, 2).contains("empty"),
        "{}",
        problem(&rows, 2)
    );
    let acled = b"event_id_cnty,event_date,time_precision,latitude,longitude,geo_precision\n\
                  K1,19 April 2006,\xff,41.5,69.0,1\n";
    let rows = rows_bytes(acled);
    assert_eq!(
        problem(&rows, 0),
        "in.csv:2: column time_precision is not valid UTF-8 (byte 0xFF at offset 0 of the \
         field); save the file as UTF-8"
    );
}

fn rows_bytes(input: &[u8]) -> Rows {
    read(input).expect("header accepted").1
}

#[test]
fn coordinate_problems() {
    let rows = rows(
        "id,date,lat,lon\n\
         A,2006,91.2,45\n\
         B,2006,91.2,120\n\
         C,2006,10,181\n\
         D,2006,NaN,inf\n\
         E,2006,1e999,2\n\
         F,2006,,\n",
    );
    assert_eq!(
        problem(&rows, 0),
        "in.csv:2: latitude 91.2 out of range -90..90 (latitude and longitude look swapped)"
    );
    assert_eq!(
        problem(&rows, 1),
        "in.csv:3: latitude 91.2 out of range -90..90"
    );
    assert_eq!(
        problem(&rows, 2),
        "in.csv:4: longitude 181 out of range -180..180"
    );
    assert_eq!(
        problem(&rows, 3),
        "in.csv:5: latitude NaN is not a finite number; longitude inf is not a finite number"
    );
    assert_eq!(
        problem(&rows, 4),
        "in.csv:6: latitude 1e999 is not a finite number"
    );
    assert_eq!(
        problem(&rows, 5),
        "in.csv:7: latitude is empty; longitude is empty"
    );
}

#[test]
fn value_problems_each_named_and_all_listed() {
    let rows = rows(
        "id,date,lat,lon,precision_m,fatalities\n\
         A,19/04/2006,1,2,,\n\
         B,2006-02-30,1,2,,\n\
         C,2006,1,2,-5,\n\
         D,2006,1,2,NaN,\n\
         E,2006,1,2,,-1\n\
         F,2006,1,2,,1.5\n\
         ,2006,1,2,,\n\
         G,2006-13,100,200,-1,x\n\
         H,2006,1,2\n",
    );
    let want = [
        "in.csv:2: date 19/04/2006 not understood (expected YYYY, YYYY-MM or YYYY-MM-DD)",
        "in.csv:3: date 2006-02-30: no such day",
        "in.csv:4: precision_m -5 is negative",
        "in.csv:5: precision_m NaN is not a finite number",
        "in.csv:6: fatalities -1 is negative",
        "in.csv:7: fatalities 1.5 is not a whole number",
        "in.csv:8: id is empty",
        "in.csv:9: date 2006-13: month out of range 01-12; latitude 100 out of range -90..90; \
         longitude 200 out of range -180..180; precision_m -1 is negative; fatalities \"x\" is \
         not a number",
        "in.csv:10: row has 4 fields but the header has 6 (a stray delimiter or quote?)",
    ];
    assert_eq!(rows.len(), want.len());
    for (i, w) in want.iter().enumerate() {
        assert_eq!(problem(&rows, i), *w);
    }
}

#[test]
fn duplicate_ids_are_reported_unless_disabled() {
    let input = "id,date,lat,lon\nA,2006,1,2\nB,2006,1,2\nA,2007,1,2\n";
    let rows = rows(input);
    assert_eq!(
        problem(&rows, 2),
        "in.csv:4: duplicate id \"A\" (first used at line 2)"
    );
    let mut r = IncidentReader::from_reader(input.as_bytes(), "in.csv")
        .unwrap()
        .check_duplicate_ids(false);
    assert!(r.records().all(|r| r.is_ok()));
}

const ACLED_HEADER: &str = "data_id,iso,event_id_cnty,event_date,year,time_precision,\
    disorder_type,event_type,sub_event_type,actor1,admin1,location,latitude,longitude,\
    geo_precision,source,source_scale,notes,fatalities,tags,timestamp";

fn acled_row(id: &str, date: &str, tp: &str, lat: &str, lon: &str, gp: &str, fat: &str) -> String {
    format!(
        "1,417,{id},{date},2006,{tp},Political violence,Battles,Armed clash,\
         Military Forces,Batken,\"Vorukh\",{lat},{lon},{gp},Some Paper,National,\
         \"Clash at the border, two wounded\",{fat},,1618938367"
    )
}

#[test]
fn acled_layout_codes_and_dates() {
    let input = [
        ACLED_HEADER.to_string(),
        acled_row("KGZ1", "2006-04-19", "1", "39.85", "70.58", "1", "2"),
        acled_row("KGZ2", "19 April 2006", "2", "39.85", "70.58", "2", "0"),
        acled_row("KGZ3", "19-Apr-2006", "3", "39.85", "70.58", "3", ""),
        acled_row("KGZ4", "19/04/2006", "4", "39.85", "70.58", "4", "-1"),
        acled_row("KGZ5", "01 January 2006", "2", "39.85", "70.58", "1", "0"),
    ]
    .join("\n");
    let (layout, rows) = read(input.as_bytes()).unwrap();
    assert_eq!(layout, Layout::Acled);
    let a = incident(&rows, 0);
    assert_eq!(a.id, "KGZ1");
    assert_eq!(
        (a.date.first, a.date.last),
        (day(2006, 4, 19), day(2006, 4, 19))
    );
    assert_eq!(a.precision_m, 5_000.0);
    assert_eq!(a.kind, "Battles");
    assert_eq!(a.summary, "Clash at the border, two wounded");
    assert_eq!(a.fatalities, Some(2));
    assert_eq!(a.source_id, "Some Paper");
    let b = incident(&rows, 1);
    assert_eq!(
        (b.date.first, b.date.last),
        (day(2006, 4, 16), day(2006, 4, 22))
    );
    assert_eq!(b.precision_m, 25_000.0);
    let c = incident(&rows, 2);
    assert_eq!(
        (c.date.first, c.date.last),
        (day(2006, 4, 1), day(2006, 4, 30))
    );
    assert_eq!((c.precision_m, c.fatalities), (100_000.0, None));
    assert_eq!(
        problem(&rows, 3),
        "in.csv:5: event_date 19/04/2006 not understood (expected YYYY-MM-DD, D Month YYYY, \
         D-Mon-YYYY or DD-MM-YYYY); geo_precision 4 is not an ACLED code (expected 1, 2 or 3); \
         fatalities -1 is negative"
    );
    // A week around New Year's Day crosses into the previous year.
    let e = incident(&rows, 4);
    assert_eq!(
        (e.date.first, e.date.last),
        (day(2005, 12, 29), day(2006, 1, 4))
    );
}

#[test]
fn acled_bad_time_precision_is_named() {
    let input = format!(
        "{ACLED_HEADER}\n{}",
        acled_row("X", "2006-04-19", "7", "1", "2", "1", "0")
    );
    assert_eq!(
        problem(&rows(&input), 0),
        "in.csv:2: time_precision 7 is not an ACLED code (expected 1, 2 or 3)"
    );
}

const UCDP_HEADER: &str = "id,relid,year,active_year,type_of_violence,conflict_name,\
    where_description,latitude,longitude,where_prec,date_prec,date_start,date_end,\
    deaths_a,deaths_b,best,high,low,source_article";

#[test]
fn ucdp_layout_spans_and_precision() {
    let input = format!(
        "{UCDP_HEADER}\n\
         101,R1,2006,1,1,A - B,Vorukh village,39.85,70.58,1,1,2006-04-19,2006-04-19,1,0,1,2,1,\"Paper, 20 April\"\n\
         102,R2,2006,1,3,A,Batken district,39.9,70.6,3,4,2006-04-01 00:00:00.000,2006-04-30 00:00:00.000,0,0,0,0,0,x\n\
         103,R3,2006,1,2,A,Kyrgyzstan,41,74,6,1,2006-04-19,2006-04-19,0,0,0,0,0,x\n\
         104,R4,2006,1,1,A,x,41,74,2,1,2006-04-19,2006-04-18,0,0,0,0,0,x\n\
         105,R5,2006,1,9,A,x,41,74,8,1,2006-04-19T00:00:00,2006-04-19,0,0,0,0,0,x\n"
    );
    let (layout, rows) = read(input.as_bytes()).unwrap();
    assert_eq!(layout, Layout::UcdpGed);
    let a = incident(&rows, 0);
    assert_eq!((a.id.as_str(), a.precision_m), ("101", 1_000.0));
    assert_eq!(a.kind, "state-based conflict");
    assert_eq!(a.summary, "Vorukh village");
    assert_eq!(a.source_id, "Paper, 20 April");
    assert_eq!(a.fatalities, Some(1));
    let b = incident(&rows, 1);
    assert_eq!(
        (b.date.first, b.date.last),
        (day(2006, 4, 1), day(2006, 4, 30))
    );
    assert_eq!(
        (b.precision_m, b.kind.as_str()),
        (50_000.0, "one-sided violence")
    );
    assert_eq!(
        problem(&rows, 2),
        "in.csv:4: where_prec 6 (whole country, placed at its centroid) is too coarse to \
         place near a border; row skipped"
    );
    assert_eq!(
        problem(&rows, 3),
        "in.csv:5: date_end 2006-04-18 is before date_start 2006-04-19"
    );
    assert_eq!(
        problem(&rows, 4),
        "in.csv:6: where_prec 8 is not a UCDP code (expected 1-7); type_of_violence 9 is not \
         a UCDP code (expected 1, 2 or 3)"
    );
}

/// A reader that returns `data` and then fails, to show rows are yielded before the end
/// of the input is reached, and that a read error ends the stream with a problem.
struct FailingAfter {
    data: std::io::Cursor<Vec<u8>>,
}

impl std::io::Read for FailingAfter {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.data.read(buf)? {
            0 => Err(std::io::Error::other("disk on fire")),
            n => Ok(n),
        }
    }
}

#[test]
fn streams_rows_before_a_read_error_then_stops() {
    for (input, name) in [
        ("id,date,lat,lon\nA,2006,1,2\n".to_string(), "csv"),
        (
            format!("{{\"type\":\"FeatureCollection\",\"features\":[{POINT},"),
            "geojson",
        ),
    ] {
        let reader = FailingAfter {
            data: std::io::Cursor::new(input.into_bytes()),
        };
        let mut r = IncidentReader::from_reader(reader, "f").unwrap();
        let rows: Rows = r.records().take(10).collect();
        assert_eq!(rows.len(), 2, "{name}");
        assert!(rows[0].is_ok(), "{name}");
        assert!(problem(&rows, 1).contains("disk on fire"), "{name}");
    }
}

#[test]
fn from_path_reports_missing_files() {
    let e = IncidentReader::from_path("/nonexistent/dir/x.csv")
        .err()
        .unwrap();
    assert!(matches!(e, Error::Io { .. }));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("i.csv");
    std::fs::write(&path, "id,date,lat,lon\nA,2006,1,2\n").unwrap();
    let mut r = IncidentReader::from_path(&path).unwrap();
    assert_eq!(r.name(), path.display().to_string());
    assert_eq!(r.records().count(), 1);
}
