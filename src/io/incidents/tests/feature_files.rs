//! GeoPackage and FlatGeobuf incident tables: types kept, every bad feature reported by its
//! index, the CRS checked.

use std::path::Path;

use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
use geo::{Geometry, LineString, Point};
use geozero::{ColumnValue, PropertyProcessor};

use crate::io::{ColumnMapping, IncidentReader, Layout};
use crate::{Error, RowValue};

/// Writes a FlatGeobuf file of `features` (geometry, id, date, count) declaring
/// `geometry_type` and EPSG:`code`.
fn fgb(
    path: &Path,
    geometry_type: GeometryType,
    code: i32,
    features: &[(Geometry, &str, &str, i64)],
) {
    let options = FgbWriterOptions {
        write_index: false,
        detect_type: false,
        promote_to_multi: false,
        crs: FgbCrs {
            code,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut writer = FgbWriter::create_with_options("t", geometry_type, options).unwrap();
    writer.add_column("id", ColumnType::String, |_, _| {});
    writer.add_column("date", ColumnType::String, |_, _| {});
    writer.add_column("count", ColumnType::Long, |_, _| {});
    writer.add_column("score", ColumnType::Float, |_, _| {});
    for (geometry, id, date, count) in features {
        writer
            .add_feature_geom(geometry.clone(), |p| {
                p.property(0, "id", &ColumnValue::String(id)).unwrap();
                p.property(1, "date", &ColumnValue::String(date)).unwrap();
                p.property(2, "count", &ColumnValue::Long(*count)).unwrap();
                p.property(3, "score", &ColumnValue::Float(41.3)).unwrap();
            })
            .unwrap();
    }
    writer.write(std::fs::File::create(path).unwrap()).unwrap();
}

/// The problems of an error, one a line.
fn message(e: Error) -> String {
    match e {
        Error::Invalid(problems) => problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
        other => other.to_string(),
    }
}

fn open_fgb(path: &Path) -> Result<IncidentReader<std::fs::File>, Error> {
    IncidentReader::from_flatgeobuf(
        std::fs::File::open(path).unwrap(),
        "t.fgb",
        &ColumnMapping::default(),
    )
}

#[test]
fn flatgeobuf_points_are_read_with_their_types_and_bad_features_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.fgb");
    let line = Geometry::LineString(LineString::from(vec![(69.0, 41.0), (70.0, 42.0)]));
    fgb(
        &path,
        GeometryType::Unknown,
        4326,
        &[
            (Geometry::Point(Point::new(69.2, 41.3)), "A", "2006-04", 3),
            (line, "B", "2006", 1),
            (
                Geometry::Point(Point::new(69.2, 41.3)),
                "C",
                "19/04/2006",
                1,
            ),
            (Geometry::Point(Point::new(69.5, 41.5)), "D", "2007", 2),
        ],
    );
    let mut reader = open_fgb(&path).unwrap();
    assert_eq!(reader.layout(), Layout::FlatGeobuf);
    assert!(!reader.position_in_columns());
    let names: Vec<String> = reader
        .columns()
        .unwrap()
        .into_iter()
        .map(|c| c.name.into())
        .collect();
    assert_eq!(names, ["id", "date", "count", "score"]);
    let rows: Vec<_> = reader.records().collect();
    assert_eq!(rows.len(), 4);
    let a = rows[0].as_ref().unwrap();
    assert_eq!((a.id.as_str(), a.point.x(), a.point.y()), ("A", 69.2, 41.3));
    assert_eq!(a.values.get(2), Some(RowValue::Integer(3)));
    assert_eq!(a.values.get(3), Some(RowValue::Float(41.3)));
    assert_eq!(
        rows[1].as_ref().unwrap_err().to_string(),
        "t.fgb: feature 1: geometry is a LineString; an incident needs a Point"
    );
    let c = rows[2].as_ref().unwrap_err().to_string();
    assert!(c.starts_with("t.fgb: feature 2: date 19/04/2006"), "{c}");
    assert_eq!(rows[3].as_ref().unwrap().id, "D");
}

#[test]
fn flatgeobuf_layers_of_other_geometries_and_other_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.fgb");
    let line = Geometry::LineString(LineString::from(vec![(69.0, 41.0), (70.0, 42.0)]));
    fgb(
        &path,
        GeometryType::LineString,
        4326,
        &[(line, "A", "2006", 1)],
    );
    let e = open_fgb(&path).err().map(message).unwrap();
    assert!(
        e.contains("t.fgb: the layer's geometry type is LineString"),
        "{e}"
    );
    std::fs::write(&path, "id,date,lat,lon\n").unwrap();
    let e = open_fgb(&path).err().map(message).unwrap();
    assert!(
        e.starts_with("t.fgb: not a readable FlatGeobuf file"),
        "{e}"
    );
}

#[cfg(not(feature = "proj"))]
#[test]
fn a_flatgeobuf_crs_other_than_wgs84_is_handled_as_geoparquet_s() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.fgb");
    let p = Geometry::Point(Point::new(7_700_000.0, 5_070_000.0));
    fgb(&path, GeometryType::Point, 3857, &[(p, "A", "2006", 1)]);
    let e = open_fgb(&path).err().map(message).unwrap();
    assert!(e.contains("EPSG:3857"), "{e}");
}

/// A GeoPackage with one feature table `t` of `geometry_type` in SRS `srs_id`, with `rows`
/// of (id, date, count, geometry blob).
fn gpkg(
    path: &Path,
    geometry_type: &str,
    srs_id: i64,
    rows: &[(&str, &str, i64, Option<Vec<u8>>)],
) {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch(
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY,
           organization TEXT, organization_coordsys_id INTEGER, definition TEXT);
         INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84', 4326, 'EPSG', 4326, '');
         INSERT INTO gpkg_spatial_ref_sys VALUES ('Mercator', 3857, 'EPSG', 3857, '');
         CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT);
         CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,
           geometry_type_name TEXT, srs_id INTEGER);
         CREATE TABLE t (fid INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT, date TEXT,
           geom BLOB, count INTEGER);
         INSERT INTO gpkg_contents VALUES ('t', 'features');",
    )
    .unwrap();
    c.execute(
        "INSERT INTO gpkg_geometry_columns VALUES ('t', 'geom', ?1, ?2)",
        rusqlite::params![geometry_type, srs_id],
    )
    .unwrap();
    for (id, date, count, geom) in rows {
        c.execute(
            "INSERT INTO t (id, date, geom, count) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![id, date, geom, count],
        )
        .unwrap();
    }
}

/// A GeoPackage point blob: big-endian header without envelope, little-endian WKB.
fn gpkg_point(x: f64, y: f64) -> Vec<u8> {
    let mut blob = b"GP\0\0".to_vec();
    blob.extend(4326i32.to_be_bytes());
    blob.push(1);
    blob.extend(1u32.to_le_bytes());
    blob.extend(x.to_le_bytes());
    blob.extend(y.to_le_bytes());
    blob
}

#[test]
fn geopackage_points_are_read_in_key_order_with_every_bad_feature_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.gpkg");
    let mut empty = b"GP\0".to_vec();
    empty.push(1 | (1 << 4));
    empty.extend(4326i32.to_le_bytes());
    gpkg(
        &path,
        "POINT",
        4326,
        &[
            ("A", "2006-04", 3, Some(gpkg_point(69.2, 41.3))),
            ("B", "2006", 1, None),
            ("C", "2006", 1, Some(empty)),
            ("D", "2007", 2, Some(gpkg_point(69.5, 41.5))),
        ],
    );
    let mut reader = IncidentReader::<std::fs::File>::from_geopackage(
        &path,
        "t.gpkg",
        None,
        &ColumnMapping::default(),
    )
    .unwrap();
    assert_eq!(reader.layout(), Layout::GeoPackage);
    let names: Vec<String> = reader
        .columns()
        .unwrap()
        .into_iter()
        .map(|c| c.name.into())
        .collect();
    // Table order, without the key and the geometry.
    assert_eq!(names, ["id", "date", "count"]);
    let rows: Vec<_> = reader.records().collect();
    let a = rows[0].as_ref().unwrap();
    assert_eq!((a.id.as_str(), a.point.x(), a.point.y()), ("A", 69.2, 41.3));
    assert_eq!(a.values.get(2), Some(RowValue::Integer(3)));
    assert_eq!(
        rows[1].as_ref().unwrap_err().to_string(),
        "t.gpkg: feature 1: no geometry: an incident needs a Point"
    );
    assert_eq!(
        rows[2].as_ref().unwrap_err().to_string(),
        "t.gpkg: feature 2: geometry is an empty Point"
    );
    assert_eq!(rows[3].as_ref().unwrap().id, "D");
    assert_eq!(rows.len(), 4);
}

#[test]
fn geopackage_polygon_tables_and_other_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.gpkg");
    gpkg(&path, "POLYGON", 4326, &[]);
    let open = |p: &Path| {
        IncidentReader::<std::fs::File>::from_geopackage(
            p,
            "t.gpkg",
            None,
            &ColumnMapping::default(),
        )
        .err()
        .map(message)
        .unwrap()
    };
    assert_eq!(
        open(&path),
        "t.gpkg: feature table \"t\" holds POLYGON geometries; incidents are read from Points"
    );
    let other = dir.path().join("other.gpkg");
    std::fs::write(&other, "id,date,lat,lon\n").unwrap();
    assert!(open(&other).starts_with("t.gpkg: not a readable GeoPackage"));
}

#[cfg(not(feature = "proj"))]
#[test]
fn a_geopackage_srs_other_than_wgs84_is_handled_as_geoparquet_s() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.gpkg");
    gpkg(&path, "POINT", 3857, &[]);
    let e = IncidentReader::<std::fs::File>::from_geopackage(
        &path,
        "t.gpkg",
        None,
        &ColumnMapping::default(),
    )
    .err()
    .map(message)
    .unwrap();
    assert!(e.contains("EPSG:3857"), "{e}");
}
