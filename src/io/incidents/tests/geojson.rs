//! GeoJSON input tests.

use super::*;
use crate::Location;

fn geo(features: &str) -> String {
    format!("{{\"type\": \"FeatureCollection\", \"features\": [{features}]}}")
}

pub(super) const POINT: &str = r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[70.58,39.85]},
    "properties":{"id":"G1","date":"2006-04-19","precision_m":100,"kind":"shooting",
    "summary":"s","fatalities":1,"source_id":"src"}}"#;

#[test]
fn geojson_points_and_feature_problems() {
    let features = [
        POINT,
        r#"{"type":"Feature","id":7,"geometry":{"type":"Point","coordinates":[70,39,512.5,3]},
           "properties":{"date":"2006"}}"#,
        r#"{"type":"Feature","geometry":null,"properties":{"id":"G3","date":"2006"}}"#,
        r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]},
           "properties":{"id":"G4","date":"2006"}}"#,
        r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[45,91.2]},
           "properties":{"id":"G5","date":"19/04/2006","fatalities":-2,"precision_m":-1}}"#,
        r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":null}"#,
    ]
    .join(",\n");
    let input = geo(&features);
    let (layout, rows) = read(input.as_bytes()).unwrap();
    assert_eq!(layout, Layout::GeoJson);
    let a = incident(&rows, 0);
    assert_eq!(
        (a.id.as_str(), a.precision_m, a.fatalities),
        ("G1", 100.0, Some(1))
    );
    assert_eq!((a.point.x(), a.point.y()), (70.58, 39.85));
    assert_eq!((a.kind.as_str(), a.source_id.as_str()), ("shooting", "src"));
    let b = incident(&rows, 1);
    assert_eq!((b.id.as_str(), b.point.x(), b.point.y()), ("7", 70.0, 39.0));
    assert_eq!(
        problem(&rows, 2),
        "in.csv: feature 2 (id \"G3\"): null geometry: an incident needs a Point"
    );
    assert_eq!(
        problem(&rows, 3),
        "in.csv: feature 3 (id \"G4\"): geometry is a LineString; an incident needs a Point"
    );
    assert_eq!(
        problem(&rows, 4),
        "in.csv: feature 4 (id \"G5\"): date 19/04/2006 not understood (expected YYYY, YYYY-MM \
         or YYYY-MM-DD); latitude 91.2 out of range -90..90 (latitude and longitude look \
         swapped); precision_m -1 is negative or not finite; fatalities -2 is negative"
    );
    assert_eq!(
        problem(&rows, 5),
        "in.csv: feature 5: no id (neither properties.id nor the feature's id); no date property"
    );
    assert!(matches!(
        rows.get(4),
        Some(Err(Problem {
            location: Location::Feature { index: 4, .. },
            ..
        }))
    ));
}

#[test]
fn geojson_members_in_any_order_and_empty_collections() {
    let input = format!(
        "\u{feff}\n{{\"bbox\": [0, 0, 1, 1], \"name\": \"x\", \"n\": 12, \"ok\": true,\n\
         \"features\": [{POINT}], \"crs\": null, \"type\": \"FeatureCollection\"}}\n"
    );
    let rows = rows(&input);
    assert_eq!((rows.len(), incident(&rows, 0).id.as_str()), (1, "G1"));
    assert!(rows_bytes(geo("").as_bytes()).is_empty());
    assert!(rows_bytes(b"{\"features\":[],\"type\":\"FeatureCollection\"}").is_empty());
}

#[test]
fn geojson_structure_problems() {
    // A Feature alone on its first line is a GeoJSON text sequence (of one feature); spread
    // over lines, it is not a FeatureCollection.
    let one = rows_bytes(b"{\"type\": \"Feature\", \"geometry\": null}");
    assert_eq!(
        problem(&one, 0),
        "in.csv: feature 0: no id (neither properties.id nor the feature's id); no date \
         property; null geometry: an incident needs a Point"
    );
    assert_eq!(
        fatal(b"{\"type\": \"Feature\",\n \"geometry\": null}"),
        "in.csv:1: GeoJSON type is \"Feature\"; expected a FeatureCollection"
    );
    assert_eq!(
        fatal(b"{\"type\": \"FeatureCollection\"}"),
        "in.csv:1: GeoJSON object has no \"features\" member: not a FeatureCollection"
    );
    assert!(fatal(b"[1, 2]").contains("a JSON array is not a GeoJSON FeatureCollection"));
    assert!(fatal(b"{\"type\": \n\"FeatureColl").starts_with("in.csv:2: invalid JSON: EOF"));
    // Broken JSON after good features: the good ones are read, then one last problem.
    let input =
        format!("{{\"type\":\"FeatureCollection\",\"features\":[{POINT},\n{{\"type\": oops}}]}}");
    let rows = rows(&input);
    assert_eq!(rows.len(), 2);
    assert_eq!(incident(&rows, 0).id, "G1");
    assert_eq!(problem(&rows, 1), "in.csv:4: invalid JSON: expected value; reading stopped here: the rest of the file was not read");
    let rows = rows_bytes(b"{\"features\": [], \"x\": 1}");
    assert_eq!(
        problem(&rows, 0),
        "in.csv:1: GeoJSON object has no \"type\": \"FeatureCollection\" member; reading \
         stopped here: the rest of the file was not read"
    );
    let rows = rows_bytes(geo("").replace("]}", "]} x").as_bytes());
    assert_eq!(
        problem(&rows, 0),
        "in.csv:1: invalid GeoJSON: data after the end of the FeatureCollection; reading stopped \
         here: the rest of the file was not read"
    );
    // A feature that is not an object is a problem for that feature; the next is read.
    let rows = rows_bytes(geo(&format!("5, {POINT}")).as_bytes());
    assert_eq!(
        problem(&rows, 0),
        "in.csv: feature 0: the feature is a number, not a JSON object"
    );
    assert_eq!(incident(&rows, 1).id, "G1");
}

#[test]
fn geojson_bad_coordinates() {
    let feature = |coords: &str| {
        format!(
            r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":{coords}}},
                "properties":{{"id":"a","date":"2006"}}}}"#
        )
    };
    let rows = rows(&geo(&[feature("[1]"), feature("[\"1\", 2]")].join(",")));
    assert_eq!(
        problem(&rows, 0),
        "in.csv: feature 0 (id \"a\"): geometry cannot be read: A position must contain two \
         or more elements, but got `1`"
    );
    assert!(problem(&rows, 1).contains("invalid type: string \"1\""));
    // A number beyond f64 cannot be represented: a problem for that feature only.
    let rows = rows_bytes(geo(&format!("{}, {POINT}", feature("[1e400, 2]"))).as_bytes());
    assert_eq!(
        problem(&rows, 0),
        "in.csv: feature 0 (id \"a\"): geometry cannot be read: number out of range"
    );
    assert_eq!(incident(&rows, 1).id, "G1");
}

/// Issue 15: well-formed JSON with one bad feature loses only that feature, and ids are kept
/// exactly as written.
#[test]
fn one_bad_feature_loses_only_itself_and_ids_stay_as_written() {
    let point = |id: &str, props: &str| {
        format!(
            r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[70.5,39.8]}},
                "properties":{{"id":{id},"date":"2006"{props}}}}}"#
        )
    };
    let features = [
        point("\"A\"", r#","fatalities":1e400"#),
        point("\"B\"", r#","summary":"broken \ud800 text""#),
        "\"a bare string\"".to_string(),
        point("12345678901234567890123", ""),
        point("1.5e3", r#","precision_m":1e400"#),
        point("1.5e3", r#","unused":1e400,"fatalities":1e2"#),
        POINT.to_string(),
    ]
    .join(",\n");
    let rows = rows(&geo(&features));
    let shown: Vec<String> = rows
        .iter()
        .map(|r| match r {
            Ok(i) => format!("{} {:?}", i.id, i.fatalities),
            Err(p) => p.to_string(),
        })
        .collect();
    assert_eq!(
        shown,
        [
            "in.csv: feature 0 (id \"A\"): fatalities 1e400 is too large",
            "in.csv: feature 1 (id \"B\"): property summary cannot be read: a \\u escape in it \
             is half of a character (a lone surrogate)",
            "in.csv: feature 2: the feature is a string, not a JSON object",
            "12345678901234567890123 None",
            "in.csv: feature 4 (id \"1.5e3\"): precision_m 1e400 is negative or not finite",
            "1.5e3 Some(100)",
            "G1 Some(1)",
        ]
    );
}

/// A feature longer than the limit is a problem for that feature, read through without being
/// kept; brackets and quotes inside its strings do not end it early.
#[test]
fn a_feature_longer_than_the_limit_is_skipped() {
    let long = POINT.replace(
        "\"summary\":\"s\"",
        "\"summary\":\"s}]\\\"{[ and more text\"",
    );
    let input = geo(&[POINT, &long, POINT.replace("G1", "G3").as_str(), "5"].join(",\n"));
    let limit = POINT.len() + 5;
    assert!(long.len() > limit);
    let mut reader = IncidentReader::from_reader(input.as_bytes(), "in.geojson")
        .unwrap()
        .max_row_bytes(limit);
    let rows: Vec<_> = reader.records().collect();
    assert_eq!(incident(&rows, 0).id, "G1");
    assert_eq!(
        problem(&rows, 1),
        format!(
            "in.geojson: feature 1: feature longer than {limit} bytes, the limit for one \
             feature; skipped"
        )
    );
    assert!(matches!(&rows[1], Err(p) if p.kind == crate::ProblemKind::TooLong));
    assert!(matches!(&rows[3], Err(p) if p.kind == crate::ProblemKind::Invalid));
    assert_eq!(incident(&rows, 2).id, "G3");
    assert!(!reader.stopped_early());
}

#[test]
fn geojson_legacy_crs_member() {
    let with_crs = |crs: &str, features: &str| {
        format!("{{\"type\":\"FeatureCollection\",\"crs\":{crs},\"features\":[{features}]}}")
    };
    // WGS84 named in any of its ways changes nothing.
    for wgs84 in [
        r#"{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}}"#,
        r#"{"type":"name","properties":{"name":"EPSG:4326"}}"#,
        r#"{"type":"EPSG","properties":{"code":4326}}"#,
    ] {
        let rows = rows(&with_crs(wgs84, POINT));
        assert_eq!(incident(&rows, 0).point.x(), 70.58, "{wgs84}");
    }
    // A member that names no CRS is refused, not ignored.
    let unknown =
        fatal(with_crs(r#"{"type":"name","properties":{"name":"UTM 42"}}"#, POINT).as_bytes());
    assert!(
        unknown.starts_with("in.csv:1: \"crs\" member: \"UTM 42\" is not a coordinate"),
        "{unknown}"
    );
    let odd = fatal(with_crs(r#"{"type":"link"}"#, POINT).as_bytes());
    assert!(
        odd.contains("\"crs\" member {\"type\":\"link\"} not understood"),
        "{odd}"
    );
    // Another CRS after the features, which were read as WGS84, stops the reading.
    let late = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[{POINT}],\
         \"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"EPSG:32642\"}}}}}}"
    );
    let rows = rows(&late);
    let last = problem(&rows, rows.len() - 1);
    assert!(
        last.contains("the \"crs\" member (EPSG:32642) comes after the features"),
        "{last}"
    );
    #[cfg(not(feature = "proj"))]
    {
        let utm = with_crs(
            r#"{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32642"}}"#,
            POINT,
        );
        let message = fatal(utm.as_bytes());
        assert!(
            message.contains("\"crs\" member: EPSG:32642: converting"),
            "{message}"
        );
        assert!(message.contains("--features proj"), "{message}");
    }
}
