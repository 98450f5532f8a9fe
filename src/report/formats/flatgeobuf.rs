//! FlatGeobuf: features in a flat binary file with a packed Hilbert R-tree spatial index.

use std::io::{self, Write};
use std::sync::Arc;

use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
use geozero::wkb::Wkb;
use geozero::{ColumnValue, PropertyProcessor};

use super::kept::{kept_features, KeepFeatures, KeptValue};
use super::{epsg_code, invalid};
use crate::crs::Crs;
use crate::report::{Batch, ColumnKind, FeatureEncoder, LayerSink, Schema};

/// Writes one layer as FlatGeobuf (version 3) with its spatial index: columns typed `String`,
/// `Long`, `Double` and `DateTime` (calendar days, `YYYY-MM-DD`), the CRS by its EPSG code
/// and its WKT.
///
/// The features are sorted along a Hilbert curve for the index, so they are gathered and
/// written by [`LayerSink::finish`]: the `flatgeobuf` crate writes each feature to an
/// unnamed temporary file in the temporary directory ([`tempfile::env::temp_dir`]: `TMPDIR`,
/// unless the program has chosen another), about the output's size, and holds in memory the
/// index node and place of every feature (56 bytes each), then a sorted copy and the tree
/// built from it. An error of that temporary file (a directory that cannot be written, a full
/// disk) names its directory. Every feature needs a geometry: a layer without geometry is
/// refused by [`FlatGeobufWriter::new`], and a feature without one fails the write.
pub struct FlatGeobufWriter<W: Write> {
    out: Option<W>,
    writer: Option<FgbWriter<'static>>,
    schema: Schema,
    failure: Option<String>,
}

fn fgb_error(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("FlatGeobuf: {e}"))
}

/// An error of the crate's temporary file of features, naming the directory it is in.
fn spill_error(what: &str, e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!(
        "FlatGeobuf: cannot {what} the temporary file in {} that gathers the features to sort \
         them for the spatial index: {e}",
        tempfile::env::temp_dir().display()
    ))
}

/// A writer that remembers whether a write to it failed, to tell the output's errors from
/// those of the temporary file when the features are copied from one to the other.
struct Watched<'w, W: Write> {
    inner: &'w mut W,
    failed: bool,
}

impl<W: Write> Write for Watched<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf);
        self.failed |= written.is_err();
        written
    }

    fn flush(&mut self) -> io::Result<()> {
        let flushed = self.inner.flush();
        self.failed |= flushed.is_err();
        flushed
    }
}

impl<W: Write> FlatGeobufWriter<W> {
    /// A writer of layer `name` of `schema`, its coordinates in `crs`, to `out`.
    ///
    /// # Errors
    /// `schema` has no geometry, or `crs` has no EPSG code.
    pub fn new(out: W, name: &str, schema: &Schema, crs: &Crs) -> io::Result<Self> {
        if !schema.has_geometry {
            return Err(invalid(format!(
                "FlatGeobuf holds features with a geometry, and the {name} layer has none"
            )));
        }
        let code = epsg_code(crs, "FlatGeobuf")?;
        // The WKT beside the code, as GDAL writes it, for readers without an EPSG database;
        // PROJ's (the `proj` feature, without which no CRS but WGS84 gets here).
        let wkt = if crs.is_wgs84() {
            Some(super::WGS84_WKT.to_string())
        } else {
            crs.wkt1().ok()
        };
        let options = FgbWriterOptions {
            write_index: true,
            crs: FgbCrs {
                code: i32::try_from(code).map_err(invalid)?,
                wkt: wkt.as_deref(),
                ..Default::default()
            },
            ..Default::default()
        };
        // The crate's only I/O here is the creation of its temporary file.
        let mut writer = FgbWriter::create_with_options(name, GeometryType::Unknown, options)
            .map_err(|e| match e {
                flatgeobuf::Error::IO(e) => spill_error("create", e),
                e => fgb_error(e),
            })?;
        for column in &schema.columns {
            let kind = match column.kind {
                ColumnKind::Text | ColumnKind::Word => ColumnType::String,
                ColumnKind::Integer => ColumnType::Long,
                ColumnKind::Float { .. } => ColumnType::Double,
                ColumnKind::Date => ColumnType::DateTime,
            };
            writer.add_column(&column.name, kind, |_, column| column.nullable = true);
        }
        Ok(FlatGeobufWriter {
            out: Some(out),
            writer: Some(writer),
            schema: schema.clone(),
            failure: None,
        })
    }

    /// The output, after [`LayerSink::finish`]; `None` if it failed.
    pub fn into_inner(self) -> Option<W> {
        self.out
    }
}

impl<W: Write> LayerSink for FlatGeobufWriter<W> {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn encoder(&self) -> Arc<dyn FeatureEncoder> {
        Arc::new(KeepFeatures)
    }

    fn write_batch(&mut self, batch: &mut Batch) -> io::Result<()> {
        batch.rows = 0;
        let Some(writer) = self.writer.as_mut() else {
            batch.bytes.clear();
            return Err(fgb_error("the layer is already finished"));
        };
        let names: Vec<&str> = self.schema.names().collect();
        let bytes = std::mem::take(&mut batch.bytes);
        for feature in kept_features(&bytes) {
            let feature = feature?;
            let Some(geometry) = feature.geometry else {
                return Err(invalid(
                    "FlatGeobuf: a feature without geometry cannot be written",
                ));
            };
            let mut failure = None;
            writer
                .add_feature_geom(Wkb(geometry.wkb), |properties| {
                    let mut date;
                    for (i, value) in feature.values.iter().enumerate() {
                        let column = names.get(i).copied().unwrap_or_default();
                        let written = match value {
                            KeptValue::Text(t) => ColumnValue::String(t),
                            KeptValue::Integer(n) => ColumnValue::Long(*n),
                            KeptValue::Float(x) => ColumnValue::Double(*x),
                            KeptValue::Date(d) => {
                                date = d.to_string();
                                ColumnValue::DateTime(&date)
                            }
                            KeptValue::Empty => continue,
                        };
                        if let Err(e) = properties.property(i, column, &written) {
                            failure.get_or_insert(e.to_string());
                        }
                    }
                })
                .map_err(|e| match e {
                    // How the crate reports a failed write of the feature to its file.
                    geozero::error::GeozeroError::Feature(e) => spill_error("write to", e),
                    e => fgb_error(e),
                })?;
            if let Some(f) = failure {
                self.failure.get_or_insert(f);
            }
        }
        // Hand the bytes back for reuse.
        batch.bytes = bytes;
        batch.bytes.clear();
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if let Some(f) = self.failure.take() {
            return Err(fgb_error(f));
        }
        let (Some(writer), Some(out)) = (self.writer.take(), self.out.as_mut()) else {
            return Ok(());
        };
        // The features are copied from the temporary file into the output: an error the
        // output did not report is the temporary file's.
        let mut watched = Watched {
            inner: out,
            failed: false,
        };
        writer.write(&mut watched).map_err(|e| {
            if watched.failed {
                fgb_error(e)
            } else {
                spill_error("write to or read back", e)
            }
        })?;
        watched.inner.flush()
    }
}
