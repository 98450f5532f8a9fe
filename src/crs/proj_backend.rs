//! The conversions through PROJ (the `proj` crate with PROJ built from source).
//!
//! A `proj::Proj` may not cross threads, so each thread keeps its own, built at its first
//! conversion for a given CRS and direction, for the life of the thread. Every one is made by
//! `proj_create_crs_to_crs` between EPSG:4326 and the CRS and then normalised for
//! visualisation (longitude/easting first), which `Proj::new_known_crs` does. PROJ chooses
//! the operation (for a datum change, the Helmert transformation whose area of use contains
//! the point) exactly as `cs2cs` does for the same two CRSs.

use std::cell::RefCell;

use geo_types::Coord;
use proj::Proj;

use super::{Crs, CrsError, Direction};

/// One PROJ object per CRS definition and direction, for this thread.
struct ThreadProjCache {
    definition: String,
    direction: Direction,
    proj: Proj,
}

thread_local! {
    static PROJ_OBJECTS: RefCell<Vec<ThreadProjCache>> = const { RefCell::new(Vec::new()) };
}

/// Builds the operation once on this thread, so that an unusable CRS fails early.
pub(super) fn check(crs: &Crs, definition: &str) -> Result<(), CrsError> {
    with_proj(crs, definition, Direction::FromWgs84, |_| Ok(()))?;
    with_proj(crs, definition, Direction::ToWgs84, |_| Ok(()))
}

/// Converts `coords` in place, all or nothing.
pub(super) fn convert(
    crs: &Crs,
    definition: &str,
    coords: &mut [Coord<f64>],
    direction: Direction,
) -> Result<(), CrsError> {
    with_proj(crs, definition, direction, |proj| {
        let mut converted = Vec::with_capacity(coords.len());
        for &coord in coords.iter() {
            let failed = |message: String| CrsError::Conversion {
                x: coord.x,
                y: coord.y,
                direction: describe(direction, crs),
                message,
            };
            if !coord.x.is_finite() || !coord.y.is_finite() {
                return Err(failed("not a finite number".to_string()));
            }
            let (x, y) = proj
                .convert((coord.x, coord.y))
                .map_err(|error| failed(error.to_string()))?;
            if !x.is_finite() || !y.is_finite() {
                return Err(failed("outside the area PROJ can convert".to_string()));
            }
            converted.push(Coord { x, y });
        }
        coords.copy_from_slice(&converted);
        Ok(())
    })
}

fn with_proj<T>(
    crs: &Crs,
    definition: &str,
    direction: Direction,
    work: impl FnOnce(&Proj) -> Result<T, CrsError>,
) -> Result<T, CrsError> {
    PROJ_OBJECTS.with(|objects| {
        let mut objects = objects.borrow_mut();
        let found = objects
            .iter()
            .position(|cached| cached.direction == direction && cached.definition == definition);
        let index = match found {
            Some(index) => index,
            None => {
                let (from, to) = match direction {
                    Direction::FromWgs84 => ("EPSG:4326", definition),
                    Direction::ToWgs84 => (definition, "EPSG:4326"),
                };
                let proj =
                    Proj::new_known_crs(from, to, None).map_err(|error| CrsError::Unusable {
                        crs: crs.to_string(),
                        message: error.to_string(),
                    })?;
                objects.push(ThreadProjCache {
                    definition: definition.to_string(),
                    direction,
                    proj,
                });
                objects.len() - 1
            }
        };
        work(&objects[index].proj)
    })
}

fn describe(direction: Direction, crs: &Crs) -> String {
    match direction {
        Direction::FromWgs84 => format!("from WGS84 to {crs}"),
        Direction::ToWgs84 => format!("to WGS84 from {crs}"),
    }
}

/// The CRS object PROJ makes of `definition` (a PROJ string is made a CRS with
/// `+type=crs`, since without it PROJ reads a conversion).
fn crs_object(crs: &Crs, definition: &str) -> Result<Proj, CrsError> {
    let definition = if definition.starts_with('+') && !definition.contains("type=crs") {
        format!("{definition} +type=crs")
    } else {
        definition.to_string()
    };
    Proj::new(&definition).map_err(|error| CrsError::Unusable {
        crs: crs.to_string(),
        message: error.to_string(),
    })
}

/// The CRS in PROJJSON, on one line, as PROJ writes it.
pub(super) fn projjson(crs: &Crs, definition: &str) -> Result<String, CrsError> {
    crs_object(crs, definition)?
        .to_projjson(Some(false), None, None)
        .map_err(|error| CrsError::Unusable {
            crs: crs.to_string(),
            message: error.to_string(),
        })
}

/// The CRS in WKT1 as GDAL writes it (the `definition` of a GeoPackage's
/// `gpkg_spatial_ref_sys`, and what FlatGeobuf readers take).
pub(super) fn wkt1(crs: &Crs, definition: &str) -> Result<String, CrsError> {
    crs_object(crs, definition)?
        .as_wkt(Some(proj::wkt::WktVersion::Wkt1_Gdal), None)
        .map_err(|error| CrsError::Unusable {
            crs: crs.to_string(),
            message: error.to_string(),
        })
}
