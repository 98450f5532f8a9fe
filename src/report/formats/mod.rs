//! GIS file formats for layers, each a [`LayerSink`](super::LayerSink): GeoJSON text sequences
//! (RFC 8142), and with the `formats` cargo feature CSV with a WKT geometry column,
//! GeoPackage, FlatGeobuf, KML (and KMZ, KML zipped) and GeoParquet.
//!
//! Every format keeps the layer's column types as far as it has them: integers as integers,
//! numbers as floating point, calendar days as dates (text in GeoJSON and CSV, `DATE` in a
//! GeoPackage, `DateTime` in FlatGeobuf, `Date32` in GeoParquet; KML has no date type and
//! writes them as ISO 8601 text). Lines are written as multi-lines, so that a layer
//! of lines and multi-lines has one geometry type.

mod features;
mod geojsonseq;
mod streamed;

#[cfg(feature = "formats")]
mod csv_wkt;
#[cfg(feature = "formats")]
mod flatgeobuf;
#[cfg(feature = "formats")]
mod geopackage;
#[cfg(feature = "formats")]
mod geoparquet;
#[cfg(feature = "formats")]
mod kept;
#[cfg(feature = "formats")]
mod kml;

pub use geojsonseq::GeoJsonSeqWriter;

#[cfg(feature = "formats")]
pub use self::flatgeobuf::FlatGeobufWriter;
#[cfg(feature = "formats")]
pub use csv_wkt::CsvWktWriter;
#[cfg(feature = "formats")]
pub use geopackage::{GeoPackageWriter, QgisStyle};
#[cfg(feature = "formats")]
pub use geoparquet::GeoParquetWriter;
#[cfg(feature = "formats")]
pub use kml::{KmlLayerWriter, KmzLayerWriter};

#[cfg(feature = "formats")]
use crate::crs::Crs;

#[cfg(feature = "formats")]
/// WGS84's definition as the GeoPackage standard writes it.
pub(crate) const WGS84_WKT: &str =
    "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,\
298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",\
0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],\
AUTHORITY[\"EPSG\",\"4326\"]]";

#[cfg(feature = "formats")]
/// An error of a format that is not an I/O error (a CRS the format cannot name, a value it
/// cannot hold), as an [`std::io::Error`] of kind `InvalidData`.
pub(crate) fn invalid(message: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message.to_string())
}

#[cfg(feature = "formats")]
/// The EPSG code of `crs`, or an error saying that `format` needs one.
pub(crate) fn epsg_code(crs: &Crs, format: &str) -> std::io::Result<u32> {
    crs.epsg_code().ok_or_else(|| {
        invalid(format!(
            "{format} names its coordinate reference system by an EPSG code, and {crs} has none"
        ))
    })
}
