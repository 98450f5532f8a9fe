//! The CRS that GIS files in another CRS carry (`--crs`, with the `proj` feature): the
//! GeoPackage's `gpkg_spatial_ref_sys` holds PROJ's WKT of it, the GeoParquet's `geo`
//! metadata PROJ's PROJJSON, the FlatGeobuf header its EPSG code and WKT; and GDAL
//! (`ogrinfo`, `gdalsrsinfo`) recognises the same authority and code in each (for
//! GeoParquet in its PROJJSON, since GDAL reads GeoParquet files only from 3.8). The other way,
//! a GeoPackage and a FlatGeobuf in UTM written by GDAL's `ogr2ogr` read as incident tables
//! give the classification of the same points in WGS84.
//!
//! GDAL's programs are required when `BORDERTRACK_REQUIRE_OGRINFO=1` (set by `.ci/run`) or
//! `CI=true`; elsewhere, without them, the GDAL half is skipped with a note.

use std::path::Path;
use std::process::Command;

use bordertrack::crs::Crs;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::util::{bordertrack, BoxError, TestResult, Workdir};

/// The CRSs checked: UTM zone 42N on WGS84, and Pulkovo 1942 / Gauss–Krüger zone 13.
const CODES: [u32; 2] = [32642, 28413];

/// Whether GDAL's programs must be present.
fn gdal_required() -> bool {
    std::env::var("BORDERTRACK_REQUIRE_OGRINFO").as_deref() == Ok("1")
        || std::env::var("CI").as_deref() == Ok("true")
}

/// `program args…`'s standard output, or `None` when the program is not installed (and not
/// required).
fn gdal(program: &str, args: &[&str]) -> Result<Option<String>, BoxError> {
    let out = match Command::new(program).args(args).output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if gdal_required() {
                return Err(format!(
                    "{program} is not installed (Debian: apt-get install gdal-bin), and CI \
                     (BORDERTRACK_REQUIRE_OGRINFO=1 or CI=true) says it must be"
                )
                .into());
            }
            eprintln!("{program} not installed: skipping the checks with GDAL");
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    if !out.status.success() {
        return Err(format!(
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(Some(String::from_utf8(out.stdout)?))
}

/// Exports the segments of KAZ-UZB in EPSG:`code` to `file`.
fn export(file: &Path, code: u32) -> TestResult {
    bordertrack([
        "export",
        "segments",
        "--dyad",
        "KAZ-UZB",
        "--crs",
        &format!("EPSG:{code}"),
        "-o",
        &file.display().to_string(),
    ])
    .assert()
    .success();
    Ok(())
}

/// GDAL's authority and code of the file's layer, from `gdalsrsinfo -o epsg` and from the
/// `ID["EPSG",N]` of `ogrinfo -so`'s WKT2; both must agree.
fn gdal_epsg(file: &Path, layer: &str) -> Result<Option<String>, BoxError> {
    let path = file.display().to_string();
    let Some(srsinfo) = gdal("gdalsrsinfo", &["-o", "epsg", &path])? else {
        return Ok(None);
    };
    let Some(info) = gdal("ogrinfo", &["-ro", "-so", &path, layer])? else {
        return Ok(None);
    };
    let srs = srsinfo.trim().to_string();
    let code = srs
        .strip_prefix("EPSG:")
        .ok_or(format!("gdalsrsinfo: {srs}"))?;
    // The layer's WKT2 carries the CRS's own identifier.
    let id = format!("ID[\"EPSG\",{code}]");
    assert!(
        info.contains("Layer SRS WKT:") && info.contains(&id),
        "ogrinfo does not name {srs}: {info}"
    );
    Ok(Some(srs))
}

#[test]
fn a_geopackage_holds_projs_wkt_and_gdal_names_the_crs() -> TestResult {
    let work = Workdir::new()?;
    for code in CODES {
        let file = work.join(format!("segments_{code}.gpkg"));
        export(&file, code)?;
        let db = rusqlite::Connection::open(&file)?;
        let (organization, organization_code, definition): (String, i64, String) = db.query_row(
            "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys
             WHERE srs_id = ?1",
            [code],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        assert_eq!(
            (organization.as_str(), organization_code),
            ("EPSG", code.into())
        );
        assert_eq!(definition, Crs::epsg(code).wkt1()?);
        assert!(
            definition.ends_with(&format!("AUTHORITY[\"EPSG\",\"{code}\"]]")),
            "{definition}"
        );
        let srs: i64 = db.query_row(
            "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = 'segments'",
            [],
            |r| r.get(0),
        )?;
        assert_eq!(srs, i64::from(code));
        if let Some(srs) = gdal_epsg(&file, "segments")? {
            assert_eq!(srs, format!("EPSG:{code}"));
        }
    }
    Ok(())
}

#[test]
fn a_geoparquet_holds_projs_projjson_and_gdal_names_the_crs() -> TestResult {
    let work = Workdir::new()?;
    for code in CODES {
        let file = work.join(format!("segments_{code}.parquet"));
        export(&file, code)?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&file)?)?;
        let geo = builder
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .and_then(|kv| kv.iter().find(|kv| kv.key == "geo"))
            .and_then(|kv| kv.value.clone())
            .ok_or("no geo metadata")?;
        let geo: serde_json::Value = serde_json::from_str(&geo)?;
        let crs = &geo["columns"]["geometry"]["crs"];
        let expected: serde_json::Value = serde_json::from_str(&Crs::epsg(code).projjson()?)?;
        assert_eq!(crs, &expected);
        assert_eq!(crs["type"], "ProjectedCRS");
        assert_eq!(
            crs["id"],
            serde_json::json!({"authority": "EPSG", "code": code})
        );
        // The bbox is in the CRS's metres, not in degrees.
        let bbox = geo["columns"]["geometry"]["bbox"]
            .as_array()
            .ok_or("no bbox")?;
        assert!(bbox
            .iter()
            .all(|x| x.as_f64().is_some_and(|x| x.abs() > 1_000.0)));
        // GDAL reads GeoParquet from 3.8 (Debian 12 has 3.6): its reading of the PROJJSON.
        if let Some(srs) = gdal("gdalsrsinfo", &["-o", "epsg", &crs.to_string()])? {
            assert_eq!(srs.trim(), format!("EPSG:{code}"));
        }
    }
    Ok(())
}

#[test]
fn a_flatgeobuf_holds_the_code_and_projs_wkt_and_gdal_names_the_crs() -> TestResult {
    let work = Workdir::new()?;
    for code in CODES {
        let file = work.join(format!("segments_{code}.fgb"));
        export(&file, code)?;
        let bytes = std::fs::read(&file)?;
        let reader = flatgeobuf::FgbReader::open(std::io::Cursor::new(bytes))?;
        let crs = reader.header().crs().ok_or("no CRS in the header")?;
        assert_eq!(crs.code(), i32::try_from(code)?);
        assert_eq!(crs.wkt(), Some(Crs::epsg(code).wkt1()?.as_str()));
        if let Some(srs) = gdal_epsg(&file, "segments")? {
            assert_eq!(srs, format!("EPSG:{code}"));
        }
    }
    Ok(())
}

/// The classification columns of a CSV output of `incidents` (from `segment_id` on), row by
/// row: what must not change with the CRS the input was in.
fn classification(csv: &str) -> Result<Vec<Vec<String>>, BoxError> {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let start = reader
        .headers()?
        .iter()
        .position(|h| h == "segment_id")
        .ok_or("no segment_id column")?;
    let mut rows = Vec::new();
    for record in reader.records() {
        rows.push(record?.iter().skip(start).map(str::to_string).collect());
    }
    Ok(rows)
}

#[test]
fn a_geopackage_and_a_flatgeobuf_in_utm_classify_as_in_wgs84() -> TestResult {
    let work = Workdir::new()?;
    let acled = crate::util::fixture("acled").join("kaz-uzb-synthetic.csv");
    let args = ["--within", "30km", "--all", "--format", "csv"];
    let points = work.join("points.geojson").display().to_string();
    bordertrack([
        "incidents",
        &acled.display().to_string(),
        "--within",
        "30km",
        "--all",
        "-o",
        &points,
    ])
    .assert()
    .success();
    for (driver, extension, options) in [
        ("GPKG", "gpkg", &[][..]),
        // Without the spatial index, features keep their order.
        ("FlatGeobuf", "fgb", &["-lco", "SPATIAL_INDEX=NO"][..]),
    ] {
        let mut answers = Vec::new();
        for srs in ["EPSG:4326", "EPSG:32642"] {
            let file = work
                .join(format!("points_{}.{extension}", srs.replace(':', "_")))
                .display()
                .to_string();
            let mut ogr = vec!["-f", driver, "-t_srs", srs];
            ogr.extend(options);
            ogr.extend([file.as_str(), points.as_str()]);
            if gdal("ogr2ogr", &ogr)?.is_none() {
                return Ok(());
            }
            let mut run = vec!["incidents", file.as_str()];
            run.extend(args);
            let out = bordertrack(&run).output()?;
            let stderr = String::from_utf8(out.stderr)?;
            assert!(out.status.success(), "{file}: {stderr}");
            answers.push(classification(&String::from_utf8(out.stdout)?)?);
        }
        // The UTM file's points are in metres: the file says so, and PROJ converts them back.
        assert!(answers[0].len() >= 5, "{driver}: {:?}", answers[0]);
        assert!(answers[0].iter().any(|row| !row[0].is_empty()), "{driver}");
        assert_eq!(answers[1], answers[0], "{driver}");
    }
    Ok(())
}

#[test]
fn csv_in_another_crs_is_named_by_a_prj_file_that_gdal_reads() -> TestResult {
    let work = Workdir::new()?;
    let acled = crate::util::fixture("acled").join("kaz-uzb-synthetic.csv");
    let acled = acled.display().to_string();
    let expected: String = Crs::epsg(32642).wkt1()?.lines().map(str::trim).collect();
    for (format, file, open_options) in [
        ("csv-wkt", "wkt.csv", &[][..]),
        (
            "csv",
            "xy.csv",
            &["-oo", "X_POSSIBLE_NAMES=x", "-oo", "Y_POSSIBLE_NAMES=y"][..],
        ),
    ] {
        let path = work.join(file).display().to_string();
        bordertrack([
            "incidents",
            &acled,
            "--within",
            "30km",
            "--crs",
            "EPSG:32642",
            "--format",
            format,
            "-o",
            &path,
        ])
        .assert()
        .success();
        let prj = work.join(file).with_extension("prj");
        assert_eq!(
            std::fs::read_to_string(&prj)?,
            format!("{expected}\n"),
            "{format}"
        );
        // The .prj gets the same ordinary mode as the CSV beside it (not a temporary 0600).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &std::path::Path| -> std::io::Result<u32> {
                Ok(std::fs::metadata(p)?.permissions().mode() & 0o777)
            };
            assert_eq!(mode(&prj)?, mode(&work.join(file))?, "{format}");
        }
        // GDAL's CSV driver takes the layer's CRS from the .prj file.
        let layer = file.trim_end_matches(".csv");
        let mut args = vec!["-ro", "-so"];
        args.extend(open_options);
        args.extend([path.as_str(), layer]);
        if let Some(info) = gdal("ogrinfo", &args)? {
            assert!(info.contains("ID[\"EPSG\",32642]"), "{format}: {info}");
        }
    }
    // In WGS84 there is no .prj; on standard output a note says what CSV cannot.
    let path = work.join("wgs84.csv").display().to_string();
    bordertrack(["incidents", &acled, "--format", "csv-wkt", "-o", &path])
        .assert()
        .success();
    assert!(!work.join("wgs84.prj").exists());
    let out = bordertrack([
        "incidents",
        &acled,
        "--crs",
        "EPSG:32642",
        "--format",
        "csv",
    ])
    .output()?;
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains("in EPSG:32642, which CSV cannot name"),
        "{stderr}"
    );
    Ok(())
}
