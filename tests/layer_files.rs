//! GeoParquet and KML as `bordertrack export` and `incidents` write them, read back with the
//! `parquet` and `kml` crates: every layer, its column types, its feature count (against the
//! GeoJSON of the same layer), the GeoParquet `geo` metadata, and KML's styles and time spans.

use std::fs::File;
use std::path::Path;

use arrow_array::{Array, BinaryArray, RecordBatch, StructArray};
use arrow_schema::DataType;
use bordertrack::report::{ColumnKind, Schema};
use geozero::wkb::Wkb;
use geozero::ToGeo;
use kml::Kml;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::util::{bordertrack, export_geojson, BoxError, TestResult, Workdir};

/// Every exported layer, its schema, and its GeoParquet geometry types.
fn layers() -> Vec<(&'static str, Schema, &'static [&'static str])> {
    use bordertrack::layers::{schema, INSTRUMENTS, PLACES, SEGMENTS, STATUS};
    vec![
        ("segments", schema(SEGMENTS, true), &["MultiLineString"]),
        ("status", schema(STATUS, true), &["MultiLineString"]),
        ("places", schema(PLACES, true), &["Point"]),
        ("instruments", schema(INSTRUMENTS, false), &[]),
        (
            "incidents",
            bordertrack::pipeline::IncidentLayer::schema(),
            &["Point"],
        ),
    ]
}

/// The layer's features as GeoJSON (the reference).
fn reference(layer: &str) -> Result<Vec<serde_json::Value>, BoxError> {
    let collection = export_geojson(&[layer])?;
    Ok(collection["features"]
        .as_array()
        .ok_or("no features")?
        .clone())
}

/// The file's `geo` metadata (`None` when it has none) and its rows.
fn read_parquet(file: &Path) -> Result<(Option<serde_json::Value>, Vec<RecordBatch>), BoxError> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(file)?)?;
    let geo = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|kv| kv.key == "geo"))
        .and_then(|kv| kv.value.clone());
    let geo = geo.map(|g| serde_json::from_str(&g)).transpose()?;
    let batches = builder.build()?.collect::<Result<Vec<_>, _>>()?;
    Ok((geo, batches))
}

fn arrow_type(kind: &ColumnKind) -> DataType {
    match kind {
        ColumnKind::Text | ColumnKind::Word => DataType::Utf8,
        ColumnKind::Integer => DataType::Int64,
        ColumnKind::Float { .. } => DataType::Float64,
        ColumnKind::Date => DataType::Date32,
    }
}

#[test]
fn every_layer_reads_back_as_geoparquet_with_its_types_and_geo_metadata() -> TestResult {
    let dir = Workdir::new()?;
    for (layer, schema, geometry_types) in layers() {
        let features = reference(layer)?;
        let file = dir.join(format!("{layer}.parquet"));
        bordertrack(["export", layer, "-o"])
            .arg(&file)
            .assert()
            .success();
        let (geo, batches) = read_parquet(&file)?;
        let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
        assert_eq!(rows, features.len(), "{layer}");
        let arrow_schema = batches.first().ok_or("no rows")?.schema();
        let mut want: Vec<(String, DataType)> = schema
            .columns
            .iter()
            .map(|c| (c.name.to_string(), arrow_type(&c.kind)))
            .collect();
        if schema.has_geometry {
            want.push(("geometry".into(), DataType::Binary));
            let corners = ["xmin", "ymin", "xmax", "ymax"]
                .map(|n| arrow_schema::Field::new(n, DataType::Float64, false));
            want.push(("bbox".into(), DataType::Struct(corners.to_vec().into())));
        }
        let got: Vec<(String, DataType)> = arrow_schema
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().clone()))
            .collect();
        assert_eq!(got, want, "{layer}");
        let Some(geo) = geo else {
            assert!(!schema.has_geometry, "{layer} has no geo metadata");
            continue;
        };
        assert!(
            schema.has_geometry,
            "{layer}: geo metadata without geometry"
        );
        assert_eq!(geo["version"], "1.1.0");
        assert_eq!(geo["primary_column"], "geometry");
        let column = &geo["columns"]["geometry"];
        assert_eq!(column["encoding"], "WKB");
        assert_eq!(
            column["geometry_types"],
            serde_json::json!(geometry_types),
            "{layer}"
        );
        // The CRS is PROJJSON (an object), OGC:CRS84 longitude first.
        let crs = &column["crs"];
        assert_eq!(crs["type"], "GeographicCRS", "{crs}");
        assert_eq!(
            crs["id"],
            serde_json::json!({"authority": "OGC", "code": "CRS84"})
        );
        assert_eq!(
            crs["coordinate_system"]["axis"][0]["direction"], "east",
            "{crs}"
        );
        for corner in ["xmin", "ymin", "xmax", "ymax"] {
            assert_eq!(
                column["covering"]["bbox"][corner],
                serde_json::json!(["bbox", corner])
            );
        }
        let bbox: Vec<f64> = column["bbox"]
            .as_array()
            .ok_or("no bbox")?
            .iter()
            .filter_map(serde_json::Value::as_f64)
            .collect();
        assert_eq!(bbox.len(), 4);
        // Each row's covering box is its geometry's, within the file's box; the geometry is
        // the GeoJSON reference's.
        let mut row = 0;
        for batch in &batches {
            let wkb = batch
                .column_by_name("geometry")
                .and_then(|c| c.as_any().downcast_ref::<BinaryArray>())
                .ok_or("geometry is not binary")?;
            let boxes = batch
                .column_by_name("bbox")
                .and_then(|c| c.as_any().downcast_ref::<StructArray>())
                .ok_or("bbox is not a struct")?;
            let corner = |name: &str, i: usize| -> Result<f64, BoxError> {
                let values = boxes
                    .column_by_name(name)
                    .and_then(|c| c.as_any().downcast_ref::<arrow_array::Float64Array>())
                    .ok_or("corner is not a double")?;
                Ok(values.value(i))
            };
            for i in 0..batch.num_rows() {
                let g = Wkb(wkb.value(i).to_vec()).to_geo()?;
                let r = geo::BoundingRect::bounding_rect(&g).ok_or("empty geometry")?;
                assert_eq!(
                    [
                        corner("xmin", i)?,
                        corner("ymin", i)?,
                        corner("xmax", i)?,
                        corner("ymax", i)?
                    ],
                    [r.min().x, r.min().y, r.max().x, r.max().y],
                    "{layer} row {row}"
                );
                assert!(
                    r.min().x >= bbox[0] && r.max().x <= bbox[2],
                    "{layer} row {row}"
                );
                assert!(
                    r.min().y >= bbox[1] && r.max().y <= bbox[3],
                    "{layer} row {row}"
                );
                let expected: geojson::Geometry =
                    serde_json::from_value(features[row]["geometry"].clone())?;
                let expected: geo::Geometry<f64> = expected.try_into()?;
                let first = |g: &geo::Geometry<f64>| {
                    geo::CoordsIter::coords_iter(g).next().map(|c| (c.x, c.y))
                };
                assert_eq!(first(&g), first(&expected), "{layer} row {row}");
                row += 1;
            }
        }
    }
    Ok(())
}

#[test]
fn geoparquet_dates_are_days_and_empty_values_are_null() -> TestResult {
    let dir = Workdir::new()?;
    let file = dir.join("status.geoparquet");
    bordertrack(["export", "status", "-o"])
        .arg(&file)
        .assert()
        .success();
    let features = reference("status")?;
    let (_, batches) = read_parquet(&file)?;
    let mut row = 0;
    for batch in &batches {
        let from = batch
            .column_by_name("valid_from")
            .and_then(|c| c.as_any().downcast_ref::<arrow_array::Date32Array>())
            .ok_or("valid_from is not Date32")?;
        for i in 0..batch.num_rows() {
            let want = features[row]["properties"]["valid_from"].as_str();
            let got = from
                .value_as_date(i)
                .filter(|_| from.is_valid(i))
                .map(|d| d.to_string());
            assert_eq!(got.as_deref(), want, "row {row}");
            row += 1;
        }
    }
    // Some intervals have no start (before any recorded change), some have one.
    let starts: Vec<_> = features
        .iter()
        .map(|f| f["properties"]["valid_from"].is_null())
        .collect();
    assert!(starts.contains(&true) && starts.contains(&false));
    Ok(())
}

#[test]
fn incidents_write_geoparquet_and_kml() -> TestResult {
    let dir = Workdir::new()?;
    let csv = bordertrack(["incidents", "--dyad", "KAZ-UZB", "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows = csv.iter().filter(|&&b| b == b'\n').count() - 1;
    assert!(rows > 0);
    let parquet = dir.join("classified.parquet");
    bordertrack(["incidents", "--dyad", "KAZ-UZB", "-o"])
        .arg(&parquet)
        .assert()
        .success();
    let (geo, batches) = read_parquet(&parquet)?;
    assert!(geo.is_some());
    assert_eq!(
        batches.iter().map(RecordBatch::num_rows).sum::<usize>(),
        rows
    );
    let kml = dir.join("classified.kml");
    bordertrack(["incidents", "--dyad", "KAZ-UZB", "--format", "kml", "-o"])
        .arg(&kml)
        .assert()
        .success();
    let text = std::fs::read_to_string(&kml)?;
    assert_eq!(placemarks(&text)?.len(), rows);
    Ok(())
}

#[test]
fn kml_and_geoparquet_refusals() -> TestResult {
    // KML is WGS84 only: refused before anything is converted, with or without PROJ.
    bordertrack([
        "export",
        "segments",
        "--format",
        "kml",
        "--crs",
        "EPSG:32642",
    ])
    .assert()
    .code(2)
    .stderr(predicates::str::contains(
        "KML coordinates are WGS84 longitude/latitude only",
    ));
    // GeoParquet is binary: not to a terminal or a pipe.
    bordertrack(["export", "places", "--format", "parquet"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "binary format and is not written to standard output",
        ));
    let dir = Workdir::new()?;
    bordertrack(["export", "places", "--format", "kml", "-o"])
        .arg(dir.join("places.parquet"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "does not match the extension .parquet",
        ));
    // `geoparquet` is another name for the format.
    bordertrack(["export", "places", "--format", "geoparquet", "-o"])
        .arg(dir.join("places.parquet"))
        .assert()
        .success();
    Ok(())
}

/// The placemarks of a KML document, read with the `kml` crate.
fn placemarks(text: &str) -> Result<Vec<kml::types::Placemark>, BoxError> {
    let Kml::KmlDocument(doc) = text.parse::<Kml>()? else {
        return Err("not a KML document".into());
    };
    let Some(Kml::Document { elements, .. }) = doc.elements.into_iter().next() else {
        return Err("no Document".into());
    };
    Ok(elements
        .into_iter()
        .filter_map(|e| match e {
            Kml::Placemark(p) => Some(p),
            _ => None,
        })
        .collect())
}

/// The `SimpleData` of a placemark, by name.
fn simple_data(p: &kml::types::Placemark) -> Vec<(String, String)> {
    p.children
        .iter()
        .filter(|c| c.name == "ExtendedData")
        .flat_map(|e| &e.children)
        .flat_map(|s| &s.children)
        .map(|d| {
            (
                d.attrs.get("name").cloned().unwrap_or_default(),
                d.content.clone().unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn every_layer_reads_back_as_kml_with_its_values_styles_and_time_spans() -> TestResult {
    let dir = Workdir::new()?;
    for (layer, _, _) in layers() {
        let features = reference(layer)?;
        let file = dir.join(format!("{layer}.kml"));
        bordertrack(["export", layer, "-o"])
            .arg(&file)
            .assert()
            .success();
        let text = std::fs::read_to_string(&file)?;
        let marks = placemarks(&text)?;
        assert_eq!(marks.len(), features.len(), "{layer}");
        for (mark, feature) in marks.iter().zip(&features) {
            // Every non-empty property is there, as the GeoJSON writes it.
            // (Compared by name: the JSON object's keys come sorted.)
            let mut data = simple_data(mark);
            data.sort();
            let properties = feature["properties"].as_object().ok_or("no properties")?;
            let mut want: Vec<(String, String)> = properties
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| {
                    let text = match v {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (k.clone(), text)
                })
                .collect();
            want.sort();
            let names =
                |v: &[(String, String)]| v.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
            assert_eq!(names(&data), names(&want), "{layer}");
            for ((name, got), (_, want)) in data.iter().zip(&want) {
                match (got.parse::<f64>(), want.parse::<f64>()) {
                    // Numbers: the same value, though GeoJSON drops trailing zeros.
                    (Ok(g), Ok(w)) => assert!((g - w).abs() < 1e-9, "{layer} {name}"),
                    _ => assert_eq!(got, want, "{layer} {name}"),
                }
            }
            assert_eq!(mark.geometry.is_some(), !feature["geometry"].is_null());
            let style = mark.style_url.as_deref();
            match layer {
                "segments" | "status" => {
                    let p = &feature["properties"];
                    let want = format!(
                        "#{}-{}",
                        p["delimitation"].as_str().unwrap_or(""),
                        p["demarcation"].as_str().unwrap_or("")
                    );
                    assert_eq!(style, Some(want.as_str()), "{layer}");
                }
                "incidents" => {
                    let want = match feature["properties"]["certainty"].as_str() {
                        Some(c) => format!("#{c}"),
                        None => "#no_segment".to_string(),
                    };
                    assert_eq!(style, Some(want.as_str()));
                }
                _ => assert_eq!(style, None, "{layer}"),
            }
            if layer == "status" {
                let span: Vec<(String, String)> = mark
                    .children
                    .iter()
                    .filter(|c| c.name == "TimeSpan")
                    .flat_map(|s| &s.children)
                    .map(|c| (c.name.clone(), c.content.clone().unwrap_or_default()))
                    .collect();
                let p = &feature["properties"];
                let mut want = Vec::new();
                for (tag, column) in [("begin", "valid_from"), ("end", "valid_to")] {
                    if let Some(d) = p[column].as_str() {
                        want.push((tag.to_string(), d.to_string()));
                    }
                }
                assert_eq!(span, want);
            }
        }
        // The same layer gives the same bytes.
        let again = dir.join(format!("{layer}-again.kml"));
        bordertrack(["export", layer, "-o"])
            .arg(&again)
            .assert()
            .success();
        assert_eq!(std::fs::read_to_string(&again)?, text, "{layer}");
    }
    Ok(())
}
