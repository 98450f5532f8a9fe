//! # bordertrack
//!
//! International borders as line segments whose **delimitation** (agreed on paper) and
//! **demarcation** (marked on the ground) status changes over time, each change tied to the
//! instrument that made it and to a cited source.
//!
//! Every geometry is WGS84 longitude/latitude (RFC 7946 axis order). Every length and distance
//! is geodesic on the WGS84 ellipsoid (Karney's algorithm through `geo::Geodesic`) and carries
//! its unit in its name (`_m`, `_km`).
//!
//! ## Model
//! - [`Segment`], [`Dyad`], [`CountryCode`], [`Extent`]: the border lines.
//! - [`Delimitation`], [`Demarcation`], [`StatusFilter`]: statuses and filters over them.
//! - [`Instrument`], [`InstrumentKind`], [`Source`], [`StatusChange`], [`Basis`]: provenance.
//! - [`Attribute`], [`AttributeKind`], [`Attributes`]: what one dated change sets.
//! - [`Place`], [`Sovereignty`], [`Incident`]: what lies and happens near the lines.
//! - [`PartialDate`], [`DateSpan`]: dates known to the year, month or day.
//!
//! ## Start here
//! - [`Borders`]: a dataset with its spatial index and status timelines, in one value without
//!   lifetimes, to keep and share between threads:
//!   - locate a point: [`Borders::locate`], [`Borders::within`];
//!   - classify one incident: [`Borders::classify`], or a whole table through the parallel
//!     pipeline: [`Borders::classify_table`];
//!   - read statuses, statistics and histories: [`Borders::status`], [`Borders::stats`],
//!     [`Borders::history`], [`Borders::regimes`].
//!
//! ## Dataset
//! - [`Dataset`]: loads and validates a dataset directory, or the embedded Central Asia data;
//!   [`DatasetBuilder`] makes one from values, validated the same way; [`dataset::FILES`]
//!   describes its files.
//!
//! ## Import
//! - [`import`]: dataset lines from published boundary data (Natural Earth, the US State
//!   Department's LSIB, any GeoJSON lines with a column mapping, or country polygons in
//!   GeoJSON or TopoJSON).
//!
//! ## Input
//! - [`io`]: streaming readers for incident tables ([`io::IncidentReader`]: plain CSV, ACLED,
//!   UCDP GED, GeoJSON, and with cargo features Parquet, GeoPackage, FlatGeobuf and KML) and
//!   distance parsing.
//!
//! ## Queries
//! - [`query`]: status as of a date, per-dyad statistics, histories, regimes, where a point
//!   lies ([`query::BorderIndex`]) and which incidents fall on which stretches
//!   ([`query::IncidentQuery`], [`query::IncidentMatch`]).
//!
//! ## Tables of incidents
//! - [`pipeline`]: [`Borders::classify_table`] classifies a whole incident table, streaming,
//!   in parallel and in input order, into any [`report::LayerSink`]; its columns are
//!   [`pipeline::IncidentLayer`]'s.
//!
//! ## Layers
//! - [`layers`]: the dataset as GIS layers (segments, status intervals, places, instruments,
//!   statistics, history, tallies, coverage, differences, problems), each written to any
//!   [`report::LayerSink`].
//!
//! ## Output
//! - [`report`]: typed layers ([`report::Schema`]) written as a text table, CSV, JSON or
//!   GeoJSON ([`report::RowWriter`]) through one sink trait ([`report::LayerSink`]);
//!   [`report::formats`]: GeoJSONSeq, and with the cargo feature `formats` CSV with WKT,
//!   GeoPackage, FlatGeobuf, KML and GeoParquet.
//!
//! ## Maps
//! - [`map`] (cargo feature `map`): the borders at a date as SVG or PNG, with legend, scale
//!   bar and north arrow.
//!
//! ## Other coordinate reference systems
//! - [`crs`]: [`crs::Crs`] names an EPSG code or a PROJ string; [`crs::Reprojection`] converts
//!   coordinates to WGS84 as they are read and from WGS84 as they are written (through PROJ,
//!   with the cargo feature `proj`). Everything between stays WGS84 and geodesic.
//!
//! ## Spatial search
//! - [`spatial`]: geodesically exact nearest-line and within-distance index over WGS84 lines.
//!
//! ## Errors
//! - [`Error`], [`Problem`], [`Location`].
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod borders;
pub mod crs;
pub mod dataset;
mod date;
mod error;
pub mod import;
pub mod io;
pub mod layers;
#[cfg(feature = "map")]
pub mod map;
mod model;
pub mod pipeline;
pub mod query;
pub mod report;
pub mod spatial;
mod thread_buffers;

pub use borders::Borders;
pub use dataset::{Dataset, DatasetBuilder};
pub use date::{DateParseError, DatePrecision, DateSpan, PartialDate};
pub use error::{Error, Location, Problem, ProblemKind, Result};
pub use model::*;

/// The incident pipeline's plumbing is not part of the public API (issue 14): blocks of raw
/// rows, the row parser, per-batch classification and the row encoder stay inside the
/// crate. Each example below must fail to compile, and with the error that says the item is
/// private (E0603) or the method is (E0624); the names that are gone fail to resolve (E0432).
///
/// ```compile_fail,E0603
/// use bordertrack::io::incidents::Block;
/// ```
/// ```compile_fail,E0603
/// use bordertrack::io::incidents::RowParser;
/// ```
/// ```compile_fail,E0603
/// use bordertrack::report::RowEncoder;
/// ```
/// ```compile_fail,E0624
/// let csv = "id,date,lat,lon\n";
/// let mut reader = bordertrack::io::IncidentReader::from_reader(csv.as_bytes(), "t.csv").unwrap();
/// let _ = reader.read_block(1 << 16, 1024);
/// ```
/// ```compile_fail,E0624
/// let csv = "id,date,lat,lon\n";
/// let mut reader = bordertrack::io::IncidentReader::from_reader(csv.as_bytes(), "t.csv").unwrap();
/// reader.check_id(todo!());
/// ```
/// ```compile_fail,E0624
/// use bordertrack::{Basis, Borders, Dataset, Incident};
/// use bordertrack::query::IncidentQuery;
/// fn classify(borders: &Borders, query: &IncidentQuery, incidents: &[Incident]) {
///     let timelines = borders.timelines(Basis::InForce);
///     borders.index().classify_each(timelines, incidents, query, |_, _| ());
/// }
/// ```
/// ```compile_fail,E0432
/// use bordertrack::report::{CellWriter, Chunk};
/// ```
/// ```compile_fail,E0425
/// bordertrack::report::write_chunk();
/// ```
#[cfg(doctest)]
pub struct PipelinePlumbingIsPrivate;
