//! The GeoParquet `geo` metadata of a Parquet file: which column holds the geometry, in which
//! CRS, and which column is its bounding-box covering.

use std::fs::File;

use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::crs::Crs;

/// What the GeoParquet `geo` metadata says about the primary geometry column.
pub(super) struct GeoColumn {
    pub(super) column: String,
    /// The CRS, when not WGS84.
    pub(super) crs: Option<Crs>,
    /// The column of its bounding-box covering (GeoParquet 1.1), when it has one.
    pub(super) covering: Option<String>,
}

/// The primary geometry column named by the file's `geo` metadata, if it has some.
pub(super) fn geo_metadata(
    builder: &ParquetRecordBatchReaderBuilder<File>,
) -> Result<Option<GeoColumn>, String> {
    let metadata = builder.metadata().file_metadata().key_value_metadata();
    let Some(text) = metadata
        .into_iter()
        .flatten()
        .find(|kv| kv.key == "geo")
        .and_then(|kv| kv.value.as_deref())
    else {
        return Ok(None);
    };
    let geo: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| format!("the GeoParquet \"geo\" metadata is not JSON: {e}"))?;
    let column = geo
        .get("primary_column")
        .and_then(|c| c.as_str())
        .ok_or("the GeoParquet \"geo\" metadata has no \"primary_column\"")?
        .to_string();
    let described = geo.get("columns").and_then(|c| c.get(&column));
    let encoding = described
        .and_then(|c| c.get("encoding"))
        .and_then(|e| e.as_str());
    if let Some(encoding) = encoding.filter(|e| !e.eq_ignore_ascii_case("WKB")) {
        return Err(format!(
            "geometry column {column:?} is encoded as {encoding:?}; only WKB is read"
        ));
    }
    let crs = match described.and_then(|c| c.get("crs")) {
        // Absent means OGC:CRS84 (longitude, latitude on WGS84); null means unknown, which
        // is read as WGS84 too, as GeoParquet writers mostly mean it.
        None | Some(serde_json::Value::Null) => None,
        Some(crs) => projjson_crs(crs, &column)?,
    };
    let covering = described
        .and_then(|c| c.pointer("/covering/bbox/xmin/0"))
        .and_then(|c| c.as_str())
        .map(str::to_string);
    Ok(Some(GeoColumn {
        column,
        crs,
        covering,
    }))
}

/// The CRS of a PROJJSON object (by its `id`) or a string; `None` for WGS84.
fn projjson_crs(crs: &serde_json::Value, column: &str) -> Result<Option<Crs>, String> {
    if let Some(s) = crs.as_str() {
        let crs: Crs = s
            .parse()
            .map_err(|e| format!("geometry column {column:?}: CRS {s:?}: {e}"))?;
        return Ok((!crs.is_wgs84()).then_some(crs));
    }
    let id = crs.get("id");
    let authority = id.and_then(|i| i.get("authority")).and_then(|a| a.as_str());
    let code = id.and_then(|i| i.get("code"));
    let code = code
        .and_then(|c| c.as_u64())
        .or_else(|| code.and_then(|c| c.as_str()).and_then(|c| c.parse().ok()));
    let name = crs.get("name").and_then(|n| n.as_str()).unwrap_or("");
    match (authority, code) {
        (Some("OGC"), _) if crs.to_string().contains("CRS84") => Ok(None),
        (Some("EPSG"), Some(4326)) => Ok(None),
        (Some("EPSG"), Some(code)) => {
            let code = u32::try_from(code).map_err(|_| {
                format!("geometry column {column:?}: EPSG code {code} out of range")
            })?;
            Ok(Some(Crs::epsg(code)))
        }
        _ => Err(format!(
            "geometry column {column:?}: its CRS ({}) is not named by an EPSG code or as \
             OGC:CRS84",
            if name.is_empty() {
                "without a name"
            } else {
                name
            }
        )),
    }
}
