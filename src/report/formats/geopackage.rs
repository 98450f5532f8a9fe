//! GeoPackage (OGC 12-128r18, version 1.2): an SQLite file with the OGC tables, one feature
//! table with typed columns, its R-tree spatial index, and optionally a QGIS style.

use std::io;
use std::path::Path;
use std::sync::Arc;

use rusqlite::{params, Connection};

use super::epsg_code;
use super::features::{Extent, GeometryType};
use super::kept::{kept_features, KeepFeatures, KeptGeometry, KeptValue};
use crate::crs::Crs;
use crate::report::{Batch, ColumnKind, FeatureEncoder, LayerSink, Schema};

/// The `application_id` of a GeoPackage: `GPKG` in ASCII.
const APPLICATION_ID: i32 = 0x4750_4B47;
/// The `user_version` of GeoPackage 1.2.
const USER_VERSION: i32 = 10200;
/// The geometry column's name, as GDAL names it.
const GEOMETRY_COLUMN: &str = "geom";

/// A QGIS style (the text of a `.qml` file) to store in the GeoPackage's `layer_styles` table,
/// where QGIS finds it and opens the layer styled.
#[derive(Clone, Debug)]
pub struct QgisStyle {
    /// The style's name, shown in QGIS's style manager.
    pub name: String,
    /// The QML document.
    pub qml: String,
}

/// Writes one layer as a GeoPackage: a feature table (or an attribute table for a layer
/// without geometry) named after the layer, with `fid` and the layer's columns as `INTEGER`,
/// `REAL`, `TEXT` and `DATE`; the geometry as GeoPackage binary with its envelope in column
/// `geom`; the extent in `gpkg_contents`; the R-tree spatial index (`gpkg_rtree_index`
/// extension, with its triggers); and optionally a QGIS style in `layer_styles`.
///
/// The whole layer is written in one transaction, committed by [`LayerSink::finish`]; the
/// file is only complete after it.
pub struct GeoPackageWriter {
    connection: Connection,
    table: String,
    schema: Schema,
    srs_id: i64,
    geometry_type: Option<GeometryType>,
    /// Whether the R-tree table was made.
    indexed: bool,
    extent: Option<Extent>,
    style: Option<QgisStyle>,
    insert: String,
    finished: bool,
}

/// An SQL identifier, quoted.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Appends `geometry` as GeoPackage binary (standard, little-endian): the header with the
/// SRS id and the envelope (`minx, maxx, miny, maxy`), or the empty flag when the geometry
/// has no coordinates, then its WKB.
fn gpkg_geometry(out: &mut Vec<u8>, srs_id: i32, geometry: &KeptGeometry<'_>) {
    const LITTLE_ENDIAN: u8 = 1;
    const XY_ENVELOPE: u8 = 1 << 1;
    const EMPTY: u8 = 1 << 4;
    out.extend_from_slice(b"GP");
    out.push(0);
    match geometry.extent {
        Some(e) => {
            out.push(LITTLE_ENDIAN | XY_ENVELOPE);
            out.extend_from_slice(&srs_id.to_le_bytes());
            for x in [e.min_x, e.max_x, e.min_y, e.max_y] {
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
        None => {
            out.push(LITTLE_ENDIAN | EMPTY);
            out.extend_from_slice(&srs_id.to_le_bytes());
        }
    }
    out.extend_from_slice(geometry.wkb);
}

fn sql_error(e: rusqlite::Error) -> io::Error {
    io::Error::other(format!("GeoPackage: {e}"))
}

impl GeoPackageWriter {
    /// Starts a GeoPackage at `path` (a new or empty file) holding layer `table` of `schema`,
    /// its coordinates in `crs`, with `style` for QGIS if given.
    ///
    /// # Errors
    /// The file cannot be created as an SQLite database, or `crs` has no EPSG code.
    pub fn create(
        path: &Path,
        table: &str,
        schema: &Schema,
        crs: &Crs,
        style: Option<QgisStyle>,
    ) -> io::Result<GeoPackageWriter> {
        let srs_id = i64::from(epsg_code(crs, "a GeoPackage")?);
        let connection = Connection::open(path).map_err(sql_error)?;
        connection
            .execute_batch(&format!(
                "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {USER_VERSION};"
            ))
            .map_err(sql_error)?;
        connection
            .execute_batch(
                "BEGIN;
                 CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL,
                   srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
                   organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
                   description TEXT);
                 CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY,
                   data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
                   last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                   min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
                   CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id)
                     REFERENCES gpkg_spatial_ref_sys(srs_id));
                 CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL,
                   column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
                   srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
                   CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
                   CONSTRAINT uk_gc_table_name UNIQUE (table_name),
                   CONSTRAINT fk_gc_tn FOREIGN KEY (table_name)
                     REFERENCES gpkg_contents(table_name),
                   CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id)
                     REFERENCES gpkg_spatial_ref_sys (srs_id));
                 CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT,
                   extension_name TEXT NOT NULL, definition TEXT NOT NULL,
                   scope TEXT NOT NULL,
                   CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
                 INSERT INTO gpkg_spatial_ref_sys VALUES
                   ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined',
                    'undefined cartesian coordinate reference system'),
                   ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined',
                    'undefined geographic coordinate reference system');",
            )
            .map_err(sql_error)?;
        connection
            .execute(
                "INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326,
                   ?1, 'longitude/latitude coordinates in decimal degrees on the WGS 84 \
                   spheroid')",
                [super::WGS84_WKT],
            )
            .map_err(sql_error)?;
        if srs_id != 4326 {
            // Its WKT as PROJ writes it (the `proj` feature, without which no other CRS gets
            // here); `undefined` if PROJ cannot write one, since GDAL and QGIS resolve the
            // EPSG code in any case.
            let definition = crs.wkt1().unwrap_or_else(|_| "undefined".to_string());
            connection
                .execute(
                    "INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, 'EPSG', ?2, ?3, NULL)",
                    params![crs.to_string(), srs_id, definition],
                )
                .map_err(sql_error)?;
        }
        let mut columns = vec!["fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL".to_string()];
        if schema.has_geometry {
            columns.push(format!("{GEOMETRY_COLUMN} BLOB"));
        }
        for column in &schema.columns {
            let sql_type = match column.kind {
                ColumnKind::Text | ColumnKind::Word => "TEXT",
                ColumnKind::Integer => "INTEGER",
                ColumnKind::Float { .. } => "REAL",
                ColumnKind::Date => "DATE",
            };
            columns.push(format!("{} {sql_type}", quoted(&column.name)));
        }
        connection
            .execute_batch(&format!(
                "CREATE TABLE {} ({});",
                quoted(table),
                columns.join(", ")
            ))
            .map_err(sql_error)?;
        let names: Vec<String> = schema
            .has_geometry
            .then(|| GEOMETRY_COLUMN.to_string())
            .into_iter()
            .chain(schema.columns.iter().map(|c| quoted(&c.name)))
            .collect();
        let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
        let insert = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            quoted(table),
            names.join(", "),
            placeholders.join(", ")
        );
        Ok(GeoPackageWriter {
            connection,
            table: table.to_string(),
            schema: schema.clone(),
            srs_id,
            geometry_type: None,
            indexed: false,
            extent: None,
            style,
            insert,
            finished: false,
        })
    }

    fn insert(&mut self, batch: &mut Batch) -> rusqlite::Result<()> {
        let mut statement = self.connection.prepare_cached(&self.insert)?;
        let rtree = format!("rtree_{}_{GEOMETRY_COLUMN}", self.table);
        let mut index = match self.schema.has_geometry {
            true => Some(self.connection.prepare_cached(&format!(
                "INSERT INTO {} VALUES (?1, ?2, ?3, ?4, ?5)",
                quoted(&rtree)
            ))?),
            false => None,
        };
        let srid = i32::try_from(self.srs_id).unwrap_or(0);
        let mut blob = Vec::new();
        for feature in kept_features(&batch.bytes) {
            let feature = feature.map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?;
            let mut row: Vec<rusqlite::types::Value> = Vec::with_capacity(feature.values.len() + 1);
            let mut envelope = None;
            if self.schema.has_geometry {
                row.push(match &feature.geometry {
                    Some(g) => {
                        let kind = g.shape.geometry_type();
                        self.geometry_type = Some(self.geometry_type.map_or(kind, |t| t.and(kind)));
                        envelope = g.extent;
                        if let Some(e) = envelope {
                            self.extent = Some(self.extent.map_or(e, |x| x.union(e)));
                        }
                        blob.clear();
                        gpkg_geometry(&mut blob, srid, g);
                        rusqlite::types::Value::Blob(blob.clone())
                    }
                    None => rusqlite::types::Value::Null,
                });
            }
            for value in feature.values {
                row.push(match value {
                    KeptValue::Text(t) => rusqlite::types::Value::Text(t.to_string()),
                    KeptValue::Integer(i) => rusqlite::types::Value::Integer(i),
                    KeptValue::Float(x) if x.is_finite() => rusqlite::types::Value::Real(x),
                    KeptValue::Float(_) | KeptValue::Empty => rusqlite::types::Value::Null,
                    KeptValue::Date(d) => rusqlite::types::Value::Text(d.to_string()),
                });
            }
            statement.execute(rusqlite::params_from_iter(row))?;
            if let (Some(e), Some(index)) = (envelope, index.as_mut()) {
                let fid = self.connection.last_insert_rowid();
                index.execute(params![fid, e.min_x, e.max_x, e.min_y, e.max_y])?;
            }
        }
        batch.bytes.clear();
        batch.rows = 0;
        Ok(())
    }

    /// The OGC tables' rows for the layer, the R-tree triggers and the style.
    fn describe(&mut self) -> rusqlite::Result<()> {
        let c = &self.connection;
        let (data_type, srs) = if self.schema.has_geometry {
            ("features", Some(self.srs_id))
        } else {
            ("attributes", None)
        };
        let e = self.extent;
        c.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x,
               max_y, srs_id) VALUES (?1, ?2, ?1, ?3, ?4, ?5, ?6, ?7)",
            params![
                self.table,
                data_type,
                e.map(|e| e.min_x),
                e.map(|e| e.min_y),
                e.map(|e| e.max_x),
                e.map(|e| e.max_y),
                srs
            ],
        )?;
        if self.schema.has_geometry {
            let kind = self.geometry_type.unwrap_or(GeometryType::Geometry);
            c.execute(
                "INSERT INTO gpkg_geometry_columns VALUES (?1, ?2, ?3, ?4, 0, 0)",
                params![self.table, GEOMETRY_COLUMN, kind.ogc_name(), self.srs_id],
            )?;
            c.execute(
                "INSERT INTO gpkg_extensions VALUES (?1, ?2, 'gpkg_rtree_index',
                   'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
                params![self.table, GEOMETRY_COLUMN],
            )?;
            c.execute_batch(&rtree_triggers(&self.table))?;
        }
        if let Some(style) = &self.style {
            c.execute_batch(
                "CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT,
                   f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256),
                   f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
                   styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30),
                   ui TEXT(30),
                   update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
                 INSERT INTO gpkg_contents (table_name, data_type, identifier)
                   VALUES ('layer_styles', 'attributes', 'layer_styles');",
            )?;
            c.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name,
                   f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description)
                 VALUES ('', '', ?1, ?2, ?3, ?4, '', 1, ?3)",
                params![
                    self.table,
                    if self.schema.has_geometry {
                        GEOMETRY_COLUMN
                    } else {
                        ""
                    },
                    style.name,
                    style.qml
                ],
            )?;
        }
        Ok(())
    }
}

/// The R-tree table of `table`'s geometry column, created before the first feature (so that
/// features are indexed as they are written).
fn create_rtree(connection: &Connection, table: &str) -> rusqlite::Result<()> {
    let rtree = quoted(&format!("rtree_{table}_{GEOMETRY_COLUMN}"));
    connection.execute_batch(&format!(
        "CREATE VIRTUAL TABLE {rtree} USING rtree(id, minx, maxx, miny, maxy);"
    ))
}

/// The triggers of the `gpkg_rtree_index` extension (GeoPackage 1.2, annex F.3) that keep the
/// index in step when the table is edited later (in QGIS, by GDAL); they use the GeoPackage
/// SQL functions (`ST_IsEmpty`, `ST_MinX`, …) that those programs provide.
fn rtree_triggers(table: &str) -> String {
    let t = table;
    let c = GEOMETRY_COLUMN;
    let qt = quoted(t);
    let rtree = quoted(&format!("rtree_{t}_{c}"));
    let trigger = |suffix: &str| quoted(&format!("rtree_{t}_{c}_{suffix}"));
    let (insert, update1, update2, update3, update4, delete) = (
        trigger("insert"),
        trigger("update1"),
        trigger("update2"),
        trigger("update3"),
        trigger("update4"),
        trigger("delete"),
    );
    format!(
        "CREATE TRIGGER {insert} AFTER INSERT ON {qt}
           WHEN (new.{c} NOT NULL AND NOT ST_IsEmpty(NEW.{c}))
         BEGIN INSERT OR REPLACE INTO {rtree} VALUES (NEW.fid, ST_MinX(NEW.{c}),
           ST_MaxX(NEW.{c}), ST_MinY(NEW.{c}), ST_MaxY(NEW.{c})); END;
         CREATE TRIGGER {update1} AFTER UPDATE OF {c} ON {qt}
           WHEN OLD.fid = NEW.fid AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c}))
         BEGIN INSERT OR REPLACE INTO {rtree} VALUES (NEW.fid, ST_MinX(NEW.{c}),
           ST_MaxX(NEW.{c}), ST_MinY(NEW.{c}), ST_MaxY(NEW.{c})); END;
         CREATE TRIGGER {update2} AFTER UPDATE OF {c} ON {qt}
           WHEN OLD.fid = NEW.fid AND (NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c}))
         BEGIN DELETE FROM {rtree} WHERE id = OLD.fid; END;
         CREATE TRIGGER {update3} AFTER UPDATE ON {qt}
           WHEN OLD.fid != NEW.fid AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c}))
         BEGIN DELETE FROM {rtree} WHERE id = OLD.fid;
           INSERT OR REPLACE INTO {rtree} VALUES (NEW.fid, ST_MinX(NEW.{c}),
           ST_MaxX(NEW.{c}), ST_MinY(NEW.{c}), ST_MaxY(NEW.{c})); END;
         CREATE TRIGGER {update4} AFTER UPDATE ON {qt}
           WHEN OLD.fid != NEW.fid AND (NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c}))
         BEGIN DELETE FROM {rtree} WHERE id IN (OLD.fid, NEW.fid); END;
         CREATE TRIGGER {delete} AFTER DELETE ON {qt} WHEN old.{c} NOT NULL
         BEGIN DELETE FROM {rtree} WHERE id = OLD.fid; END;"
    )
}

impl LayerSink for GeoPackageWriter {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn encoder(&self) -> Arc<dyn FeatureEncoder> {
        Arc::new(KeepFeatures)
    }

    fn write_batch(&mut self, batch: &mut Batch) -> io::Result<()> {
        if self.schema.has_geometry && !self.indexed {
            create_rtree(&self.connection, &self.table).map_err(sql_error)?;
            self.indexed = true;
        }
        self.insert(batch).map_err(sql_error)
    }

    fn finish(&mut self) -> io::Result<()> {
        if std::mem::replace(&mut self.finished, true) {
            return Ok(());
        }
        if self.schema.has_geometry && !self.indexed {
            // An empty layer still has its (empty) index.
            create_rtree(&self.connection, &self.table).map_err(sql_error)?;
            self.indexed = true;
        }
        self.describe().map_err(sql_error)?;
        self.connection.execute_batch("COMMIT;").map_err(sql_error)
    }
}
