//! GDAL opens every layer `bordertrack export` writes, in every GIS format it has a driver
//! for, with the expected feature count, geometry type and field types.
//!
//! GDAL's `ogrinfo` runs as a subprocess. When it is not installed the checks are skipped with
//! a note, unless `BORDERTRACK_REQUIRE_OGRINFO=1` (set by `.ci/run`), in which case they
//! fail: a missing tool must not pass silently.

use std::path::Path;
use std::process::Command;

use bordertrack::report::{ColumnKind, Schema};

use crate::util::{bordertrack, export_geojson, BoxError, TestResult, Workdir};

/// The formats checked: the `--format` value, the extension, and `ogrinfo`'s open options.
const FORMATS: &[(&str, &str, &[&str])] = &[
    ("geojson", "geojson", &[]),
    ("gpkg", "gpkg", &[]),
    ("fgb", "fgb", &[]),
    ("geojsonseq", "geojsonl", &[]),
    ("geojsonseq", "geojsons", &[]),
    ("csv-wkt", "csv", &["-oo", "AUTODETECT_TYPE=YES"]),
    // GDAL's LIBKML driver, which reads the typed Schema (the plain KML driver reads text).
    ("kml", "kml", &["--config", "OGR_SKIP", "KML"]),
    // The same document zipped, which only LIBKML reads.
    ("kmz", "kmz", &["--config", "OGR_SKIP", "KML"]),
];

/// Whether `format` is KML, plain or zipped.
fn is_kml(format: &str) -> bool {
    matches!(format, "kml" | "kmz")
}

/// The fields GDAL's LIBKML driver gives every KML layer before the layer's own.
const LIBKML_FIELDS: &[(&str, &str)] = &[
    ("Name", "String"),
    ("description", "String"),
    ("timestamp", "DateTime"),
    ("begin", "DateTime"),
    ("end", "DateTime"),
    ("altitudeMode", "String"),
    ("tessellate", "Integer"),
    ("extrude", "Integer"),
    ("visibility", "Integer"),
    ("drawOrder", "Integer"),
    ("icon", "String"),
];

/// What `ogrinfo -so` says of one layer.
#[derive(Debug)]
struct LayerSummary {
    geometry: String,
    features: usize,
    fields: Vec<(String, String)>,
}

/// `ogrinfo -so FILE LAYER`, or `None` when ogrinfo is not installed (and not required).
fn ogrinfo(file: &Path, layer: &str, options: &[&str]) -> Result<Option<LayerSummary>, BoxError> {
    let run = Command::new("ogrinfo")
        .args(["-ro", "-so"])
        .args(options)
        .arg(file)
        .arg(layer)
        .output();
    let out = match run {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if std::env::var("BORDERTRACK_REQUIRE_OGRINFO").as_deref() == Ok("1") {
                return Err(
                    "ogrinfo is not installed (Debian: apt-get install gdal-bin), and \
                            BORDERTRACK_REQUIRE_OGRINFO=1 says it must be"
                        .into(),
                );
            }
            eprintln!("ogrinfo not installed: skipping the checks with GDAL");
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    let text = String::from_utf8(out.stdout)?;
    if !out.status.success() {
        return Err(format!(
            "ogrinfo {}: {}{text}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let mut summary = LayerSummary {
        geometry: String::new(),
        features: 0,
        fields: Vec::new(),
    };
    let mut in_fields = false;
    for line in text.lines() {
        if let Some(g) = line.strip_prefix("Geometry: ") {
            summary.geometry = g.to_string();
        } else if let Some(n) = line.strip_prefix("Feature Count: ") {
            summary.features = n.trim().parse()?;
        } else if line.starts_with("FID Column") || line.starts_with("Geometry Column") {
            in_fields = true;
        } else if let Some((name, kind)) = line.split_once(": ") {
            // Field lines: "name: Type (width.precision)".
            let field_type = kind
                .strip_suffix(')')
                .and_then(|k| k.split_once(" ("))
                .filter(|(t, size)| {
                    t.chars().all(|c| c.is_ascii_alphanumeric())
                        && size.chars().all(|c| c.is_ascii_digit() || c == '.')
                });
            if let Some((t, _)) = field_type.filter(|_| in_fields || !name.contains(' ')) {
                summary.fields.push((name.to_string(), t.to_string()));
            }
        }
    }
    Ok(Some(summary))
}

/// The layer as GeoJSON (the reference), to count features and see which columns are empty.
fn reference(layer: &str) -> Result<serde_json::Value, BoxError> {
    export_geojson(&[layer])
}

/// The type GDAL reports for a column of `kind` in `format`; a column with no value in any
/// feature is text to the formats that guess types from values (GeoJSON, CSV).
fn gdal_type(kind: &ColumnKind, format: &str, all_empty: bool) -> &'static str {
    let guessed = matches!(format, "geojson" | "geojsonseq" | "csv-wkt");
    if guessed && all_empty {
        return "String";
    }
    match kind {
        ColumnKind::Text | ColumnKind::Word => "String",
        // KML has no date type: ISO 8601 text.
        ColumnKind::Date if is_kml(format) => "String",
        ColumnKind::Integer if guessed || is_kml(format) => "Integer",
        ColumnKind::Integer => "Integer64",
        ColumnKind::Float { .. } => "Real",
        ColumnKind::Date if format == "fgb" => "DateTime",
        ColumnKind::Date => "Date",
    }
}

fn check_layer(layer: &str, schema: &Schema, geometry: &str) -> TestResult {
    let dir = Workdir::new()?;
    let collection = reference(layer)?;
    let features = collection["features"].as_array().ok_or("no features")?;
    for &(format, extension, options) in FORMATS {
        if format == "fgb" && !schema.has_geometry {
            // FlatGeobuf has no layers without geometry (refused; see the cli tests).
            continue;
        }
        let file = dir.path().join(format!("{layer}.{extension}"));
        bordertrack(["export", layer, "--format", format, "-o"])
            .arg(&file)
            .assert()
            .success();
        // The layer is named after the layer in GeoPackage and FlatGeobuf, after the file in
        // the others: both are `layer` here.
        let Some(summary) = ogrinfo(&file, layer, options)? else {
            return Ok(());
        };
        let context = format!("{layer} as {format} (.{extension}): {summary:?}");
        assert_eq!(summary.features, features.len(), "{context}");
        let want_geometry = match (format, schema.has_geometry) {
            // GeoJSON has no way to say "no geometry": GDAL sees null geometries.
            ("geojson" | "geojsonseq", false) => "Unknown (any)",
            // GeoJSON (RFC 7946) is written as the row formats write it: lines as
            // LineStrings, not promoted to multi-lines as in the GIS formats.
            ("geojson", true) => geometry.strip_prefix("Multi ").unwrap_or(geometry),
            (_, false) if format != "csv-wkt" && !is_kml(format) => "None",
            // GDAL's CSV driver declares no geometry type for a WKT column, nor LIBKML for
            // any KML layer.
            ("csv-wkt" | "kml" | "kmz", _) => "Unknown (any)",
            _ => geometry,
        };
        assert_eq!(summary.geometry, want_geometry, "{context}");
        let mut want: Vec<(String, String)> = Vec::new();
        if format == "csv-wkt" {
            want.push(("WKT".into(), "String".into()));
        }
        if is_kml(format) {
            want.extend(LIBKML_FIELDS.iter().map(|&(n, t)| (n.into(), t.into())));
        }
        for column in &schema.columns {
            if is_kml(format) && column.name == "name" {
                // LIBKML reads a `name` column as its own `Name`, the placemark's name,
                // which the writer takes from it.
                continue;
            }
            let all_empty = features
                .iter()
                .all(|f| f["properties"][column.name.as_ref()].is_null());
            let kind = gdal_type(&column.kind, format, all_empty);
            want.push((column.name.to_string(), kind.to_string()));
        }
        assert_eq!(summary.fields, want, "{context}");
    }
    Ok(())
}

#[test]
fn gdal_opens_segments_in_every_format() -> TestResult {
    let schema = bordertrack::layers::schema(bordertrack::layers::SEGMENTS, true);
    check_layer("segments", &schema, "Multi Line String")
}

#[test]
fn gdal_opens_status_in_every_format() -> TestResult {
    let schema = bordertrack::layers::schema(bordertrack::layers::STATUS, true);
    check_layer("status", &schema, "Multi Line String")
}

#[test]
fn gdal_opens_places_in_every_format() -> TestResult {
    let schema = bordertrack::layers::schema(bordertrack::layers::PLACES, true);
    check_layer("places", &schema, "Point")
}

#[test]
fn gdal_opens_instruments_in_every_format() -> TestResult {
    let schema = bordertrack::layers::schema(bordertrack::layers::INSTRUMENTS, false);
    check_layer("instruments", &schema, "None")
}

#[test]
fn gdal_opens_tallies_in_every_format() -> TestResult {
    let schema = bordertrack::layers::schema(bordertrack::layers::TALLIES, false);
    check_layer("tallies", &schema, "None")
}

#[test]
fn gdal_opens_incidents_in_every_format() -> TestResult {
    let schema = bordertrack::pipeline::IncidentLayer::schema();
    check_layer("incidents", &schema, "Point")
}

#[test]
fn the_geopackage_carries_its_qgis_style_and_spatial_index() -> TestResult {
    let dir = Workdir::new()?;
    let file = dir.path().join("segments.gpkg");
    bordertrack(["export", "segments", "-o"])
        .arg(&file)
        .assert()
        .success();
    let Some(styles) = ogrinfo(&file, "layer_styles", &[])? else {
        return Ok(());
    };
    assert_eq!(styles.features, 1);
    let out = Command::new("ogrinfo")
        .args(["-ro", "-q", "-sql"])
        .arg("SELECT f_table_name, useAsDefault, styleQML FROM layer_styles")
        .arg(&file)
        .output()?;
    let text = String::from_utf8(out.stdout)?;
    assert!(text.contains("f_table_name (String) = segments"), "{text}");
    assert!(text.contains("attr=\"delimitation\""), "{text}");
    let out = Command::new("ogrinfo")
        .args(["-ro", "-q", "-sql"])
        .arg("SELECT COUNT(*) AS n FROM rtree_segments_geom")
        .arg(&file)
        .output()?;
    let text = String::from_utf8(out.stdout)?;
    let segments = reference("segments")?["features"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(
        text.contains(&format!("n (Integer) = {segments}")),
        "{text}"
    );
    Ok(())
}

#[test]
fn binary_formats_are_not_written_to_standard_output() {
    for format in ["gpkg", "fgb", "kmz"] {
        bordertrack(["export", "places", "--format", format])
            .assert()
            .code(2)
            .stderr(predicates::str::contains(
                "binary format and is not written to standard output",
            ));
    }
}

#[test]
fn only_layers_are_written_in_gis_formats_and_extensions_must_agree() -> TestResult {
    bordertrack(["stats", "--format", "gpkg"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "only `export` and `incidents` write GIS formats",
        ));
    let dir = Workdir::new()?;
    bordertrack(["export", "places", "--format", "fgb", "-o"])
        .arg(dir.path().join("places.gpkg"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "does not match the extension .gpkg",
        ));
    bordertrack(["export", "places", "--format", "gpkg", "-o"])
        .arg(dir.path().join("places.json"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "does not match the extension .json",
        ));
    // The extension chooses, in any letter case; nothing was left behind by the refusals.
    let file = dir.path().join("Places.GPKG");
    bordertrack(["export", "places", "-o"])
        .arg(&file)
        .assert()
        .success();
    let names: Vec<_> = std::fs::read_dir(dir.path())?
        .map(|e| e.map(|e| e.file_name()))
        .collect::<Result<_, _>>()?;
    assert_eq!(names, vec![std::ffi::OsString::from("Places.GPKG")]);
    let bytes = std::fs::read(&file)?;
    assert!(bytes.starts_with(b"SQLite format 3\0"));
    Ok(())
}

#[test]
fn incidents_writes_a_geopackage_gdal_reads() -> TestResult {
    let dir = Workdir::new()?;
    let file = dir.path().join("classified.gpkg");
    bordertrack(["incidents", "--dyad", "KAZ-UZB", "-o"])
        .arg(&file)
        .assert()
        .success();
    let csv = bordertrack(["incidents", "--dyad", "KAZ-UZB", "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows = csv.iter().filter(|&&b| b == b'\n').count() - 1;
    let Some(summary) = ogrinfo(&file, "incidents", &[])? else {
        return Ok(());
    };
    assert_eq!(summary.features, rows);
    assert_eq!(summary.geometry, "Point");
    Ok(())
}

/// The names in `dir`, sorted.
fn names_in(dir: &Path) -> Result<Vec<String>, BoxError> {
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    names.sort();
    Ok(names)
}

#[test]
fn a_flatgeobuf_whose_temporary_directory_cannot_be_used_fails_by_name_and_writes_nothing(
) -> TestResult {
    let dir = Workdir::new()?;
    let missing = dir.path().join("no such directory");
    let out = dir.path().join("out");
    std::fs::create_dir(&out)?;
    let assert = bordertrack(["export", "segments", "-o"])
        .arg(out.join("segments.fgb"))
        .env("TMPDIR", &missing)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!(
            "FlatGeobuf: cannot create the temporary file in {}",
            missing.display()
        )) && stderr.contains("spatial index"),
        "{stderr}"
    );
    assert!(names_in(&out)?.is_empty(), "{:?}", names_in(&out)?);
    Ok(())
}
