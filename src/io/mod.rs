//! Reading what analysts bring: incident tables in several layouts, and typed distances.
//!
//! - [`IncidentReader`]: streaming reader for plain CSV, the dataset's `incidents.csv`, ACLED
//!   exports, UCDP GED tables, GeoJSON points, and (with features) Parquet, GeoPackage,
//!   FlatGeobuf and KML; see [`incidents`] for the layouts and the
//!   precision codes.
//! - [`parse_distance_m`]: `500m`, `5km`, `5000` → metres.

pub(crate) mod csv_table;
pub(crate) mod geojson_features;
pub mod incidents;
mod units;

#[cfg(feature = "formats")]
pub use incidents::is_feature_file_path;
pub use incidents::{
    is_parquet_path, ColumnMapping, IncidentReader, Layout, Records, DEFAULT_MAX_ROW_BYTES,
};
pub use units::{parse_distance_m, DistanceParseError, LONGEST_DISTANCE_M};
