//! Coordinate reference systems other than WGS84, at the edges only.
//!
//! Everything inside the library is WGS84 longitude/latitude in degrees, and every distance is
//! geodesic on the WGS84 ellipsoid. A [`Crs`] names another system (an `EPSG:NNNN` code or a
//! PROJ string) so that coordinates can be converted to WGS84 as they are read and from WGS84
//! as they are written, by a [`Reprojection`]. Nothing is ever measured in a projected CRS.
//!
//! The conversions themselves need PROJ, which this crate builds from source when its cargo
//! feature `proj` is on (building it needs `cmake` and the `sqlite3` program, and takes
//! several minutes). Without the feature, [`Crs`] still parses and names systems, and a
//! [`Reprojection`] to WGS84 itself works (it changes nothing), but one to any other system
//! fails with [`CrsError::ProjNotBuilt`], whose message says how to build with PROJ.
//!
//! Axis order: the library keeps longitude (or easting) first whatever the CRS's own
//! definition says. EPSG:4326, for instance, is defined latitude first; here it is read and
//! written longitude first, as GIS programs show it (PROJ's "normalised for visualisation"
//! order).
//!
//! # Examples
//! ```
//! use bordertrack::crs::Crs;
//! let utm42: Crs = "EPSG:32642".parse().unwrap();
//! assert_eq!(utm42.epsg_code(), Some(32642));
//! assert_eq!(utm42.ogc_urn().as_deref(), Some("urn:ogc:def:crs:EPSG::32642"));
//! assert!("EPSG:4326".parse::<Crs>().unwrap().is_wgs84());
//! assert!("+proj=utm +zone=42 +datum=WGS84".parse::<Crs>().is_ok());
//! assert!("UTM 42".parse::<Crs>().is_err());
//! ```

mod layer;
#[cfg(feature = "proj")]
mod proj_backend;

pub use layer::ReprojectedLayer;

use std::fmt;
use std::str::FromStr;

use geo_types::Coord;

/// A coordinate reference system: WGS84, an EPSG code, or a PROJ string.
///
/// Parsed from `EPSG:NNNN` (any case), a PROJ string (`+proj=…`), `OGC:CRS84`, `WGS84`, or
/// the OGC URNs GeoJSON files used before RFC 7946 (`urn:ogc:def:crs:EPSG::NNNN`,
/// `urn:ogc:def:crs:OGC:1.3:CRS84`). `EPSG:4326`, `OGC:CRS84` and `WGS84` all mean WGS84
/// longitude/latitude, the library's own system.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Crs {
    kind: Kind,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Kind {
    Wgs84,
    Epsg(u32),
    ProjString(String),
}

impl Crs {
    /// WGS84 longitude/latitude in degrees: the library's own system.
    pub fn wgs84() -> Crs {
        Crs { kind: Kind::Wgs84 }
    }

    /// The CRS with EPSG code `code` (4326 gives [`Crs::wgs84`]).
    pub fn epsg(code: u32) -> Crs {
        if code == 4326 {
            Crs::wgs84()
        } else {
            Crs {
                kind: Kind::Epsg(code),
            }
        }
    }

    /// Whether this is WGS84 longitude/latitude, so that no conversion is needed.
    pub fn is_wgs84(&self) -> bool {
        self.kind == Kind::Wgs84
    }

    /// The EPSG code, when the CRS was named by one (4326 for WGS84).
    pub fn epsg_code(&self) -> Option<u32> {
        match self.kind {
            Kind::Wgs84 => Some(4326),
            Kind::Epsg(code) => Some(code),
            Kind::ProjString(_) => None,
        }
    }

    /// The name GDAL and QGIS read from a GeoJSON file's legacy `crs` member:
    /// `urn:ogc:def:crs:EPSG::NNNN`; `None` for a PROJ string, which has no such name.
    pub fn ogc_urn(&self) -> Option<String> {
        self.epsg_code()
            .map(|code| format!("urn:ogc:def:crs:EPSG::{code}"))
    }

    /// The definition PROJ is given: `EPSG:NNNN` or the PROJ string as written.
    pub fn definition(&self) -> String {
        match &self.kind {
            Kind::Wgs84 => "EPSG:4326".to_string(),
            Kind::Epsg(code) => format!("EPSG:{code}"),
            Kind::ProjString(text) => text.clone(),
        }
    }
}

impl Crs {
    /// The CRS's definition in PROJJSON (the JSON encoding of ISO 19111 that GeoParquet
    /// requires), as PROJ writes it.
    ///
    /// # Errors
    /// [`CrsError::ProjNotBuilt`] without the `proj` feature; [`CrsError::Unusable`] when
    /// PROJ does not know the CRS. WGS84 needs PROJ too: its PROJJSON is PROJ's.
    pub fn projjson(&self) -> Result<String, CrsError> {
        #[cfg(feature = "proj")]
        {
            proj_backend::projjson(self, &self.definition())
        }
        #[cfg(not(feature = "proj"))]
        {
            Err(CrsError::ProjNotBuilt {
                crs: self.to_string(),
            })
        }
    }

    /// The CRS's definition in WKT1 as GDAL writes it (what a GeoPackage's
    /// `gpkg_spatial_ref_sys` holds), as PROJ writes it.
    ///
    /// # Errors
    /// As [`Crs::projjson`].
    pub fn wkt1(&self) -> Result<String, CrsError> {
        #[cfg(feature = "proj")]
        {
            proj_backend::wkt1(self, &self.definition())
        }
        #[cfg(not(feature = "proj"))]
        {
            Err(CrsError::ProjNotBuilt {
                crs: self.to_string(),
            })
        }
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.definition())
    }
}

impl FromStr for Crs {
    type Err = CrsError;

    fn from_str(text: &str) -> Result<Crs, CrsError> {
        let trimmed = text.trim();
        let unrecognised = || CrsError::Unrecognised(text.to_string());
        let upper = trimmed.to_ascii_uppercase();
        if matches!(
            upper.as_str(),
            "WGS84" | "WGS 84" | "OGC:CRS84" | "CRS84" | "URN:OGC:DEF:CRS:OGC:1.3:CRS84"
        ) {
            return Ok(Crs::wgs84());
        }
        let code = upper
            .strip_prefix("EPSG:")
            .or_else(|| upper.strip_prefix("URN:OGC:DEF:CRS:EPSG::"))
            .or_else(|| {
                // urn:ogc:def:crs:EPSG:VERSION:CODE, as some writers put a version in.
                let rest = upper.strip_prefix("URN:OGC:DEF:CRS:EPSG:")?;
                rest.rsplit_once(':').map(|(_version, code)| code)
            });
        if let Some(code) = code {
            if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(unrecognised());
            }
            return match code.parse::<u32>() {
                Ok(code) if code > 0 => Ok(Crs::epsg(code)),
                _ => Err(unrecognised()),
            };
        }
        if trimmed.starts_with('+') && trimmed.contains("proj=") {
            return Ok(Crs {
                kind: Kind::ProjString(trimmed.to_string()),
            });
        }
        Err(unrecognised())
    }
}

/// What can go wrong naming a CRS or converting coordinates.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CrsError {
    /// The text names no CRS this library reads.
    #[error(
        "{0:?} is not a coordinate reference system: expected EPSG:NNNN (for example \
         EPSG:32642) or a PROJ string (for example \"+proj=utm +zone=42 +datum=WGS84\")"
    )]
    Unrecognised(String),
    /// A CRS other than WGS84 was asked for, but this build has no PROJ.
    #[error(
        "{crs}: converting coordinates to or from a CRS other than WGS84 needs PROJ, and this \
         build was made without it; build with the cargo feature `proj` \
         (`cargo install --path . --features proj`; it needs cmake, the sqlite3 program and \
         libsqlite3-dev, and building PROJ takes several minutes)"
    )]
    ProjNotBuilt {
        /// The CRS asked for.
        crs: String,
    },
    /// PROJ did not accept the CRS (an unknown EPSG code, a malformed PROJ string), or has no
    /// operation between it and WGS84.
    #[error(
        "{crs}: PROJ cannot use it: {message} (if EPSG codes are not found, an older PROJ_DATA \
         or PROJ_LIB in the environment may point at another PROJ's database: unset it)"
    )]
    Unusable {
        /// The CRS asked for.
        crs: String,
        /// PROJ's own message.
        message: String,
    },
    /// A coordinate could not be converted (outside the CRS's domain, or not a number).
    #[error("({x}, {y}) cannot be converted {direction}: {message}")]
    Conversion {
        /// The coordinate's first value as given (longitude or easting).
        x: f64,
        /// The coordinate's second value as given (latitude or northing).
        y: f64,
        /// `"to WGS84 from EPSG:NNNN"` or `"from WGS84 to EPSG:NNNN"`.
        direction: String,
        /// Why.
        message: String,
    },
}

/// Converts coordinates between WGS84 longitude/latitude (degrees) and one other [`Crs`].
///
/// Cheap to clone, and `Send + Sync`: each thread that converts builds its own PROJ objects
/// once and keeps them. With the `proj` feature off, only a reprojection to WGS84 itself can
/// be made (it leaves coordinates unchanged).
///
/// Coordinates are [`geo_types::Coord`]s with `x` the longitude or easting and `y` the
/// latitude or northing, whatever axis order the CRS itself defines.
///
/// # Examples
/// ```
/// use bordertrack::crs::{Crs, Reprojection};
/// use geo_types::coord;
/// let identity = Reprojection::new(Crs::wgs84()).unwrap();
/// let mut points = [coord! { x: 69.28, y: 41.31 }];
/// identity.from_wgs84(&mut points).unwrap();
/// assert_eq!(points[0], coord! { x: 69.28, y: 41.31 });
/// ```
#[derive(Clone, Debug)]
pub struct Reprojection {
    crs: Crs,
    /// `crs.definition()`, made once.
    definition: String,
}

impl Reprojection {
    /// A reprojection between WGS84 and `crs`, checked now: an unknown code or a CRS with no
    /// operation to WGS84 fails here, not at the first coordinate.
    pub fn new(crs: Crs) -> Result<Reprojection, CrsError> {
        let definition = crs.definition();
        if !crs.is_wgs84() {
            check_available(&crs, &definition)?;
        }
        Ok(Reprojection { crs, definition })
    }

    /// The other CRS.
    pub fn crs(&self) -> &Crs {
        &self.crs
    }

    /// Converts WGS84 longitude/latitude (degrees) to the CRS, in place, all or nothing: on
    /// an error (the first coordinate that fails) the slice is left as it was.
    pub fn from_wgs84(&self, coords: &mut [Coord<f64>]) -> Result<(), CrsError> {
        self.convert(coords, Direction::FromWgs84)
    }

    /// Converts coordinates in the CRS to WGS84 longitude/latitude (degrees), in place, all
    /// or nothing as [`Reprojection::from_wgs84`].
    pub fn to_wgs84(&self, coords: &mut [Coord<f64>]) -> Result<(), CrsError> {
        self.convert(coords, Direction::ToWgs84)
    }

    fn convert(&self, coords: &mut [Coord<f64>], direction: Direction) -> Result<(), CrsError> {
        if self.crs.is_wgs84() {
            return Ok(());
        }
        convert_with_proj(&self.crs, &self.definition, coords, direction)
    }
}

/// Which way a conversion goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Direction {
    FromWgs84,
    ToWgs84,
}

#[cfg(feature = "proj")]
fn check_available(crs: &Crs, definition: &str) -> Result<(), CrsError> {
    proj_backend::check(crs, definition)
}

#[cfg(feature = "proj")]
fn convert_with_proj(
    crs: &Crs,
    definition: &str,
    coords: &mut [Coord<f64>],
    direction: Direction,
) -> Result<(), CrsError> {
    proj_backend::convert(crs, definition, coords, direction)
}

#[cfg(not(feature = "proj"))]
fn check_available(crs: &Crs, _definition: &str) -> Result<(), CrsError> {
    Err(CrsError::ProjNotBuilt {
        crs: crs.to_string(),
    })
}

#[cfg(not(feature = "proj"))]
fn convert_with_proj(
    crs: &Crs,
    definition: &str,
    _coords: &mut [Coord<f64>],
    _direction: Direction,
) -> Result<(), CrsError> {
    check_available(crs, definition)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_urns_and_proj_strings() {
        assert_eq!(
            "epsg:28412".parse::<Crs>().unwrap().epsg_code(),
            Some(28412)
        );
        assert_eq!(
            "urn:ogc:def:crs:EPSG::32641".parse::<Crs>().unwrap(),
            Crs::epsg(32641)
        );
        assert_eq!(
            "urn:ogc:def:crs:EPSG:6.6:32641".parse::<Crs>().unwrap(),
            Crs::epsg(32641)
        );
        for wgs84 in [
            "EPSG:4326",
            "OGC:CRS84",
            "urn:ogc:def:crs:OGC:1.3:CRS84",
            "urn:ogc:def:crs:EPSG::4326",
            " WGS84 ",
        ] {
            assert!(wgs84.parse::<Crs>().unwrap().is_wgs84(), "{wgs84}");
        }
        let proj: Crs = "+proj=tmerc +lon_0=69 +ellps=krass".parse().unwrap();
        assert_eq!(proj.epsg_code(), None);
        assert_eq!(proj.ogc_urn(), None);
        assert_eq!(proj.definition(), "+proj=tmerc +lon_0=69 +ellps=krass");
    }

    #[test]
    fn refuses_what_is_not_a_crs() {
        for bad in [
            "", "EPSG:", "EPSG:abc", "EPSG:-5", "EPSG:+5", "EPSG:0", "utm42", "proj=utm",
        ] {
            let error = bad.parse::<Crs>().unwrap_err();
            assert!(
                matches!(error, CrsError::Unrecognised(_)),
                "{bad:?}: {error}"
            );
            assert!(error.to_string().contains("EPSG:NNNN"), "{error}");
        }
    }

    #[test]
    fn wgs84_needs_no_proj() {
        let identity = Reprojection::new(Crs::wgs84()).unwrap();
        let mut points = [Coord { x: 71.5, y: 42.25 }];
        identity.to_wgs84(&mut points).unwrap();
        assert_eq!(points[0], Coord { x: 71.5, y: 42.25 });
    }

    #[cfg(not(feature = "proj"))]
    #[test]
    fn other_systems_say_how_to_build_with_proj() {
        let error = Reprojection::new(Crs::epsg(32642)).unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("EPSG:32642: "), "{message}");
        assert!(message.contains("--features proj"), "{message}");
        assert!(message.contains("cmake"), "{message}");
    }
}
