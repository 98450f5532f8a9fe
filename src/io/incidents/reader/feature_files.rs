//! Opening GeoPackage and FlatGeobuf incident tables (the `formats` feature), and reading
//! them one feature at a time: the date range and the duplicate-id check applied to each.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::{IncidentReader, Source};
use crate::io::incidents::feature_table::FeatureTable;
use crate::io::incidents::layout::Layout;
use crate::io::incidents::mapping::ColumnMapping;
use crate::io::incidents::{flatgeobuf, geopackage, kml};
use crate::{Error, Location, Problem};

/// A GIS file of features, named by its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FeatureFile {
    /// `.gpkg`
    GeoPackage,
    /// `.fgb`
    FlatGeobuf,
    /// `.kml`, or `.kmz` (zipped)
    Kml,
}

impl FeatureFile {
    /// The format `path` names by its extension (in any case), if it is one of these.
    pub(crate) fn of_path(path: &Path) -> Option<FeatureFile> {
        let extension = path.extension()?.to_str()?;
        if extension.eq_ignore_ascii_case("gpkg") {
            Some(FeatureFile::GeoPackage)
        } else if extension.eq_ignore_ascii_case("fgb") {
            Some(FeatureFile::FlatGeobuf)
        } else if extension.eq_ignore_ascii_case("kml") || extension.eq_ignore_ascii_case("kmz") {
            Some(FeatureFile::Kml)
        } else {
            None
        }
    }
}

/// Whether `path` names a GeoPackage (`.gpkg`), FlatGeobuf (`.fgb`) or KML (`.kml`, or
/// `.kmz` zipped) file by its extension, in any case: files read by [`IncidentReader::from_geopackage`],
/// [`IncidentReader::from_flatgeobuf`] and [`IncidentReader::from_kml`] (needs the `formats`
/// feature).
///
/// # Examples
/// ```
/// use bordertrack::io::is_feature_file_path;
/// assert!(is_feature_file_path("events.GPKG".as_ref()));
/// assert!(is_feature_file_path("events.fgb".as_ref()));
/// assert!(is_feature_file_path("events.kml".as_ref()));
/// assert!(is_feature_file_path("events.kmz".as_ref()));
/// assert!(!is_feature_file_path("events.csv".as_ref()));
/// ```
pub fn is_feature_file_path(path: &Path) -> bool {
    FeatureFile::of_path(path).is_some()
}

impl<R: Read> IncidentReader<R> {
    /// Opens the GIS file at `path` by its extension: a GeoPackage (`.gpkg`, read by
    /// [`IncidentReader::from_geopackage`], its only feature table), a FlatGeobuf file
    /// (`.fgb`, [`IncidentReader::from_flatgeobuf`]) or a KML document (`.kml` or `.kmz`,
    /// [`IncidentReader::from_kml`]); `None` for any other name.
    ///
    /// # Errors
    /// As those functions.
    pub fn from_feature_file(
        path: &Path,
        name: &str,
        mapping: &ColumnMapping,
    ) -> Option<Result<IncidentReader<R>, Error>> {
        match FeatureFile::of_path(path)? {
            FeatureFile::GeoPackage => {
                Some(IncidentReader::from_geopackage(path, name, None, mapping))
            }
            kind @ (FeatureFile::FlatGeobuf | FeatureFile::Kml) => Some(match File::open(path) {
                Ok(file) if kind == FeatureFile::Kml => {
                    IncidentReader::from_kml(file, name, mapping)
                }
                Ok(file) => IncidentReader::from_flatgeobuf(file, name, mapping),
                Err(source) => Err(Error::Io {
                    path: path.to_path_buf(),
                    source,
                }),
            }),
        }
    }

    /// Opens a feature table of a GeoPackage (the [`Layout::GeoPackage`] layout; needs the
    /// `formats` feature): `layer`, or the file's only table of features. Its columns, in
    /// table order but for the integer primary key (`fid`) and the geometry, are recognised as
    /// a CSV header's are (the plain layout with its aliases, ACLED, UCDP GED, or `mapping`)
    /// and carried to the output ([`IncidentReader::columns`]): `INTEGER` columns as integers,
    /// `REAL` ones as numbers, anything else as text; an earlier run's classification columns
    /// are left out. Each feature's point (the GeoPackage geometry blob: its header, in either
    /// byte order and with any envelope, then WKB) gives the position, in the table's SRS (an
    /// EPSG code; WGS84 for 4326 or the undefined geographic SRS 0), unless `mapping` names
    /// latitude and longitude columns. A feature with no geometry, an empty point or another
    /// geometry is a problem located by its index from 0
    /// ([`Location::Feature`](crate::Location::Feature)), and the features after it are read.
    /// Features are read a page at a time in key order: memory does not grow with the file.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the file is not a GeoPackage, has no feature table, has several
    /// and `layer` is `None` (all are named), its table is not of points, its SRS is not an
    /// EPSG code (or cannot be converted from), or its columns lack a required one.
    pub fn from_geopackage(
        path: &Path,
        name: &str,
        layer: Option<&str>,
        mapping: &ColumnMapping,
    ) -> Result<IncidentReader<R>, Error> {
        let fatal = |msg| Error::Invalid(vec![Problem::new(name, Location::File, msg)]);
        if !path.is_file() {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
            });
        }
        let (rows, declared, crs) = geopackage::open(path, layer).map_err(fatal)?;
        let table = FeatureTable::new(&declared, mapping, crs, Box::new(rows)).map_err(fatal)?;
        Ok(IncidentReader::new(
            name,
            Layout::GeoPackage,
            Source::Features(Box::new(table)),
        ))
    }

    /// Opens a FlatGeobuf file (the [`Layout::FlatGeobuf`] layout; needs the `formats`
    /// feature). The header's columns are recognised as a CSV header's are (the plain layout
    /// with its aliases, ACLED, UCDP GED, or `mapping`) and carried to the output
    /// ([`IncidentReader::columns`]): integer columns as integers, floating-point ones as
    /// numbers, anything else as text; an earlier run's classification columns are left out.
    /// Each feature's point gives the position, in the header's CRS (an EPSG code; WGS84 when
    /// it is 4326 or absent), unless `mapping` names latitude and longitude columns. A feature
    /// with no geometry, an empty point or another geometry is a problem located by its index
    /// from 0 ([`Location::Feature`](crate::Location::Feature)), and the features after it are
    /// read. Features are read one at a time, without the spatial index.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the file is not FlatGeobuf, its header declares a geometry type
    /// other than points, its CRS is not an EPSG code (or cannot be converted from), or its
    /// columns lack a required one.
    pub fn from_flatgeobuf(
        file: File,
        name: &str,
        mapping: &ColumnMapping,
    ) -> Result<IncidentReader<R>, Error> {
        let fatal = |msg| Error::Invalid(vec![Problem::new(name, Location::File, msg)]);
        let (rows, declared, crs) = flatgeobuf::open(file).map_err(fatal)?;
        let table = FeatureTable::new(&declared, mapping, crs, Box::new(rows)).map_err(fatal)?;
        Ok(IncidentReader::new(
            name,
            Layout::FlatGeobuf,
            Source::Features(Box::new(table)),
        ))
    }

    /// Opens a KML document, or a KMZ archive (a zip file, recognised by its first bytes)
    /// holding one: its `doc.kml`, or else its first `.kml` entry (the [`Layout::Kml`]
    /// layout; needs the `formats` feature). Each
    /// placemark is a feature; its `ExtendedData` values (`SchemaData`'s `SimpleData` and
    /// plain `Data`) are its columns, in the order of the document's `Schema` fields, then of
    /// first appearance, recognised as a CSV header's are (the plain layout with its aliases,
    /// ACLED, UCDP GED, or `mapping`) and carried to the output
    /// ([`IncidentReader::columns`]): `int` fields as integers, `double` and `float` ones as
    /// numbers, anything else as text; an earlier run's classification columns are left out.
    /// When those columns lack an id and no column is named `id`, the placemarks' names are
    /// the `id` column. Each placemark's `Point` gives the position (KML is WGS84 longitude
    /// and latitude), unless `mapping` names latitude and longitude columns. A placemark with
    /// no geometry or another geometry is a problem located by its index from 0 in document
    /// order ([`Location::Feature`](crate::Location::Feature)), and the rest are read.
    ///
    /// The document is read twice, a placemark at a time (once for the columns, which are
    /// known only at its end, once for the rows), so memory does not grow with the file; a
    /// KMZ archive's root document is held in memory, inflated.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the file is not KML (or not well-formed XML) nor a KMZ archive
    /// of it (stored or deflated, not encrypted), or its columns lack a required one.
    pub fn from_kml(
        file: File,
        name: &str,
        mapping: &ColumnMapping,
    ) -> Result<IncidentReader<R>, Error> {
        let fatal = |msg| Error::Invalid(vec![Problem::new(name, Location::File, msg)]);
        let document = kml::open(file).map_err(fatal)?;
        let plain = FeatureTable::new(
            &document.declared(false),
            mapping,
            None,
            Box::new(kml::KmlRows::empty()),
        );
        let name_as_id = plain.is_err() && document.names_can_be_ids();
        let declared = document.declared(name_as_id);
        let rows = document.into_rows(name_as_id);
        let table = FeatureTable::new(&declared, mapping, None, Box::new(rows)).map_err(fatal)?;
        Ok(IncidentReader::new(
            name,
            Layout::Kml,
            Source::Features(Box::new(table)),
        ))
    }
}
