//! The CRS that GIS files in another CRS carry (`--crs`, with the `proj` feature): the
//! GeoPackage's `gpkg_spatial_ref_sys` holds PROJ's WKT of it, the GeoParquet's `geo`
//! metadata PROJ's PROJJSON, the FlatGeobuf header its EPSG code and WKT; and GDAL
//! (`ogrinfo`, `gdalsrsinfo`) recognises the same authority and code in each (for
//! GeoParquet in its PROJJSON, since GDAL reads GeoParquet files only from 3.8).
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
