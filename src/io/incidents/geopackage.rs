//! GeoPackage incident tables: a feature table's columns and each feature's point (from the
//! GeoPackage geometry blob; a MultiPoint of one point is read as the point), read a page of
//! features at a time through SQLite.

use std::collections::VecDeque;
use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::feature_table::{epsg_crs, Cell, Declared, DeclaredKind, Feature, FeatureRows};
use super::wkb::wkb_point_of;
use crate::crs::Crs;

/// Features read from SQLite per query.
const PAGE: usize = 4096;

/// The features of a GeoPackage feature table, read a page at a time in key order.
pub(crate) struct GeoPackageRows {
    connection: Connection,
    /// The query of a page: the key, the declared columns, then the geometry, after a key.
    query: String,
    /// The kind of every declared column.
    kinds: Vec<DeclaredKind>,
    /// The key of the last feature read.
    after: Option<i64>,
    page: VecDeque<Feature>,
    done: bool,
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Opens the feature table `layer` (or the only one) of the GeoPackage at `path`: its rows,
/// declared columns and CRS (`None`: WGS84). `Err` is a message about the file as a whole.
pub(crate) fn open(
    path: &Path,
    layer: Option<&str>,
) -> Result<(GeoPackageRows, Vec<Declared>, Option<Crs>), String> {
    let not = |e: rusqlite::Error| format!("not a readable GeoPackage: {e}");
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(not)?;
    let mut tables: Vec<(String, String, String, i64)> = {
        let mut statement = connection
            .prepare(
                "SELECT c.table_name, g.column_name, g.geometry_type_name, g.srs_id \
                 FROM gpkg_contents c JOIN gpkg_geometry_columns g \
                 ON g.table_name = c.table_name WHERE c.data_type = 'features' \
                 ORDER BY c.table_name",
            )
            .map_err(not)?;
        let rows = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .map_err(not)?;
        rows.collect::<Result<_, _>>().map_err(not)?
    };
    let names = || {
        tables
            .iter()
            .map(|t| format!("{:?}", t.0))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let chosen = match layer {
        Some(layer) => match tables.iter().position(|t| t.0 == layer) {
            Some(i) => i,
            None => {
                return Err(format!(
                    "no feature table {layer:?} (its feature tables: {})",
                    names()
                ))
            }
        },
        None => match tables.len() {
            0 => return Err("the GeoPackage has no feature table".into()),
            1 => 0,
            _ => {
                return Err(format!(
                    "the GeoPackage has several feature tables ({}); name the one to read",
                    names()
                ))
            }
        },
    };
    let (table, geometry, geometry_type, srs_id) = tables.swap_remove(chosen);
    if !matches!(
        geometry_type.to_ascii_uppercase().as_str(),
        "POINT" | "MULTIPOINT" | "GEOMETRY"
    ) {
        return Err(format!(
            "feature table {table:?} holds {geometry_type} geometries; incidents are read from \
             Points"
        ));
    }
    let crs = srs_crs(&connection, srs_id).map_err(|e| format!("table {table:?}: {e}"))?;
    // The columns in table order, but for the integer primary key and the geometry.
    let mut key = None;
    let mut declared = Vec::new();
    {
        let mut statement = connection
            .prepare(&format!("PRAGMA table_info({})", quoted(&table)))
            .map_err(not)?;
        let rows = statement
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    r.get::<_, i64>(5)?,
                ))
            })
            .map_err(not)?;
        for row in rows {
            let (name, sql_type, pk) = row.map_err(not)?;
            let sql_type = sql_type.to_ascii_uppercase();
            if pk > 0 && sql_type.contains("INT") && key.is_none() {
                key = Some(name);
                continue;
            }
            if name.eq_ignore_ascii_case(&geometry) {
                continue;
            }
            let kind = if sql_type.contains("INT") {
                DeclaredKind::Integer
            } else if ["REAL", "FLOA", "DOUB"]
                .iter()
                .any(|t| sql_type.contains(t))
            {
                DeclaredKind::Float
            } else {
                DeclaredKind::Text
            };
            declared.push(Declared { name, kind });
        }
    }
    let key = key.map_or_else(|| "rowid".to_string(), |k| quoted(&k));
    let mut select = vec![key.clone()];
    select.extend(declared.iter().map(|d| quoted(&d.name)));
    select.push(quoted(&geometry));
    let query = format!(
        "SELECT {} FROM {} WHERE {key} > ?1 ORDER BY {key} LIMIT {PAGE}",
        select.join(", "),
        quoted(&table)
    );
    // Prepared once here, so that a broken table is an error about the file.
    connection.prepare(&query).map_err(not)?;
    let kinds = declared.iter().map(|d| d.kind).collect();
    Ok((
        GeoPackageRows {
            connection,
            query,
            kinds,
            after: None,
            page: VecDeque::new(),
            done: false,
        },
        declared,
        crs,
    ))
}

/// The CRS of SRS `srs_id` of the GeoPackage: `None` for WGS84 or the undefined geographic
/// system (0).
fn srs_crs(connection: &Connection, srs_id: i64) -> Result<Option<Crs>, String> {
    if srs_id == 0 || srs_id == 4326 {
        return Ok(None);
    }
    let found: Option<(String, i64)> = connection
        .query_row(
            "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys \
             WHERE srs_id = ?1",
            [srs_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(|e| format!("its SRS {srs_id}: {e}"))?;
    match found {
        Some((org, code)) if org.eq_ignore_ascii_case("EPSG") => epsg_crs(code),
        Some((org, code)) => Err(format!(
            "its SRS {srs_id} is {org}:{code}, not named by an EPSG code"
        )),
        None => Err(format!(
            "its SRS {srs_id} is not in gpkg_spatial_ref_sys (an undefined or unknown CRS)"
        )),
    }
}

impl GeoPackageRows {
    /// Reads the next page of features into `self.page`.
    fn read_page(&mut self) -> Result<(), String> {
        let after = self.after.unwrap_or(i64::MIN);
        let mut statement = self
            .connection
            .prepare_cached(&self.query)
            .map_err(|e| format!("read error: {e}"))?;
        let mut rows = statement
            .query([after])
            .map_err(|e| format!("read error: {e}"))?;
        let mut count = 0;
        while let Some(row) = rows.next().map_err(|e| format!("read error: {e}"))? {
            count += 1;
            let key: i64 = row.get(0).map_err(|e| format!("read error: {e}"))?;
            self.after = Some(key);
            let mut cells = Vec::with_capacity(self.kinds.len());
            for (i, kind) in self.kinds.iter().enumerate() {
                let value = row.get_ref(i + 1).map_err(|e| format!("read error: {e}"))?;
                cells.push(cell(value, *kind));
            }
            let point = match row.get_ref(self.kinds.len() + 1) {
                Ok(ValueRef::Blob(b)) => gpkg_point(b),
                Ok(ValueRef::Null) => Err("no geometry: an incident needs a Point".to_string()),
                Ok(_) => Err("geometry is not a GeoPackage geometry blob".to_string()),
                Err(e) => return Err(format!("read error: {e}")),
            };
            self.page.push_back(Feature { cells, point });
        }
        if count < PAGE {
            self.done = true;
        }
        Ok(())
    }
}

impl FeatureRows for GeoPackageRows {
    fn next_feature(&mut self) -> Option<Result<Feature, String>> {
        if self.page.is_empty() && !self.done {
            if let Err(e) = self.read_page() {
                self.done = true;
                return Some(Err(e));
            }
        }
        self.page.pop_front().map(Ok)
    }
}

/// A SQLite value of a column declared as `kind`.
fn cell(value: ValueRef<'_>, kind: DeclaredKind) -> Cell {
    match (value, kind) {
        (ValueRef::Null, _) => Cell::Null,
        (ValueRef::Integer(n), DeclaredKind::Integer) => Cell::Integer(n),
        (ValueRef::Integer(n), DeclaredKind::Float) => Cell::Float(n as f64),
        (ValueRef::Real(x), DeclaredKind::Float) => Cell::Float(x),
        (ValueRef::Integer(n), DeclaredKind::Text) => Cell::Text(n.to_string()),
        (ValueRef::Real(x), _) => Cell::Text(x.to_string()),
        (ValueRef::Text(t), _) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
        (ValueRef::Blob(b), _) => Cell::Text(b.iter().map(|b| format!("{b:02x}")).collect()),
    }
}

/// The x and y of a GeoPackage geometry blob holding a point: the `GP` header (either byte
/// order, any envelope), then WKB.
pub(crate) fn gpkg_point(blob: &[u8]) -> Result<(f64, f64), String> {
    let not = || "geometry is not a GeoPackage geometry blob".to_string();
    if blob.get(..2) != Some(b"GP") {
        return Err(not());
    }
    let flags = *blob.get(3).ok_or_else(not)?;
    if flags & (1 << 5) != 0 {
        return Err("geometry is an extended GeoPackage geometry; not read".into());
    }
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        other => return Err(format!("geometry has an unknown envelope code {other}")),
    };
    let wkb = blob.get(8 + envelope..).ok_or_else(not)?;
    if flags & (1 << 4) != 0 {
        return Err("geometry is an empty Point".into());
    }
    single_point(wkb)
}

/// The x and y of a WKB point, or of a WKB MultiPoint of one point.
fn single_point(wkb: &[u8]) -> Result<(f64, f64), String> {
    let little = wkb.first() == Some(&1);
    let word = |at: usize| -> Option<u32> {
        let b: [u8; 4] = wkb.get(at..at + 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    // ISO WKB: 4 is a MultiPoint, 1004, 2004 and 3004 with Z, M or both.
    if word(1).is_some_and(|code| code % 1000 == 4) {
        return match word(5) {
            // Each point of a MultiPoint is a whole WKB Point.
            Some(1) => wkb_point_of(wkb.get(9..).unwrap_or_default()),
            Some(n) => Err(super::geojson::several_points(
                "MultiPoint",
                usize::try_from(n).unwrap_or(usize::MAX),
            )),
            None => wkb_point_of(wkb),
        };
    }
    wkb_point_of(wkb)
}

#[cfg(test)]
mod tests {
    use super::gpkg_point;

    fn point_wkb(little: bool, x: f64, y: f64) -> Vec<u8> {
        let mut w = vec![u8::from(little)];
        let put = |w: &mut Vec<u8>, b: [u8; 8], l: [u8; 8]| w.extend(if little { l } else { b });
        if little {
            w.extend(1u32.to_le_bytes());
        } else {
            w.extend(1u32.to_be_bytes());
        }
        put(&mut w, x.to_be_bytes(), x.to_le_bytes());
        put(&mut w, y.to_be_bytes(), y.to_le_bytes());
        w
    }

    #[test]
    fn reads_points_with_and_without_envelopes_in_both_byte_orders() {
        // Big-endian header, no envelope, big-endian WKB.
        let mut blob = b"GP\0\0".to_vec();
        blob.extend(4326i32.to_be_bytes());
        blob.extend(point_wkb(false, 69.2, 41.3));
        assert_eq!(gpkg_point(&blob), Ok((69.2, 41.3)));
        // Little-endian header with an XYZ envelope (48 bytes).
        let mut blob = b"GP\0".to_vec();
        blob.push(1 | (2 << 1));
        blob.extend(4326i32.to_le_bytes());
        blob.extend([0u8; 48]);
        blob.extend(point_wkb(true, -1.5, 2.25));
        assert_eq!(gpkg_point(&blob), Ok((-1.5, 2.25)));
    }

    #[test]
    fn a_multipoint_of_one_point_is_read_as_the_point() {
        for little in [true, false] {
            let mut blob = b"GP\0\x01".to_vec();
            blob.extend(4326i32.to_le_bytes());
            blob.push(u8::from(little));
            let (four, one, two) = if little {
                (4u32.to_le_bytes(), 1u32.to_le_bytes(), 2u32.to_le_bytes())
            } else {
                (4u32.to_be_bytes(), 1u32.to_be_bytes(), 2u32.to_be_bytes())
            };
            blob.extend(four);
            let count_at = blob.len();
            blob.extend(one);
            blob.extend(point_wkb(little, 69.2, 41.3));
            assert_eq!(gpkg_point(&blob), Ok((69.2, 41.3)));
            blob[count_at..count_at + 4].copy_from_slice(&two);
            blob.extend(point_wkb(little, 69.3, 41.4));
            let e = gpkg_point(&blob).unwrap_err();
            assert!(e.contains("a MultiPoint of 2 points"), "{e}");
        }
    }

    #[test]
    fn rejects_empty_points_polygons_and_other_blobs() {
        let mut blob = b"GP\0".to_vec();
        blob.push(1 | (1 << 4));
        blob.extend(4326i32.to_le_bytes());
        assert_eq!(gpkg_point(&blob), Err("geometry is an empty Point".into()));
        let mut blob = b"GP\0\x01".to_vec();
        blob.extend(4326i32.to_le_bytes());
        blob.extend([1, 3, 0, 0, 0, 0, 0, 0, 0]);
        let e = gpkg_point(&blob).unwrap_err();
        assert!(e.contains("a Polygon"), "{e}");
        assert!(gpkg_point(b"XY").is_err());
        assert!(gpkg_point(b"").is_err());
    }
}
