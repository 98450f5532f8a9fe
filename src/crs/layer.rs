//! Writing a layer in another CRS: a [`LayerSink`] that converts each feature on its way to
//! the sink that writes it.

use std::io;
use std::sync::{Arc, Mutex};

use geo::{Geometry, MapCoords};
use geo_types::Coord;

use super::{CrsError, Reprojection};
use crate::report::{Batch, Column, ColumnKind, FeatureEncoder, LayerSink, Schema, Value};

/// Decimals of the `x`/`y` columns: micrometres in a projected CRS, about 0.1 m in a
/// geographic one (as the `lon`/`lat` columns they replace).
const XY_DECIMALS: usize = 6;

/// Writes the features of a WGS84 layer to another sink in another CRS.
///
/// Each feature's geometry is converted, and the layer's `lon` and `lat` columns (degrees)
/// become `x` and `y` in the CRS (the order stays: first the longitude or easting, then the
/// latitude or northing). Everything else passes unchanged: distances and lengths were
/// computed on the WGS84 ellipsoid before and stay so.
///
/// A feature that cannot be converted (outside the CRS's domain) is not written, and
/// [`LayerSink::finish`] then fails, saying how many and why one of them failed, so that an
/// output with features missing is never taken as complete.
///
/// # Examples
/// ```
/// use bordertrack::crs::{Crs, ReprojectedLayer, Reprojection};
/// use bordertrack::pipeline::IncidentLayer;
/// use bordertrack::report::{Format, LayerSink, RowWriter};
///
/// let schema = IncidentLayer::schema();
/// let written = ReprojectedLayer::output_schema(&schema);
/// assert!(written.names().any(|name| name == "x"));
/// let mut csv = RowWriter::with_schema(Vec::new(), Format::Csv, &written).unwrap();
/// // WGS84 itself, which needs no PROJ; EPSG:32642 and the like need the `proj` feature.
/// let reprojection = Reprojection::new(Crs::wgs84()).unwrap();
/// let mut sink = ReprojectedLayer::new(&mut csv, &schema, reprojection);
/// sink.finish().unwrap();
/// ```
pub struct ReprojectedLayer<'s> {
    inner: &'s mut dyn LayerSink,
    schema: Schema,
    encoder: Arc<ReprojectingEncoder>,
}

impl<'s> ReprojectedLayer<'s> {
    /// A sink that takes features of the WGS84 layer `schema` and writes them, converted by
    /// `reprojection`, to `inner` (made for [`ReprojectedLayer::output_schema`] of `schema`).
    pub fn new(
        inner: &'s mut dyn LayerSink,
        schema: &Schema,
        reprojection: Reprojection,
    ) -> ReprojectedLayer<'s> {
        let column = |name: &str| schema.columns.iter().rposition(|c| is_degrees(c, name));
        let lon_lat = column("lon").zip(column("lat"));
        let encoder = ReprojectingEncoder {
            inner: inner.encoder(),
            reprojection,
            lon_lat,
            failures: Mutex::new((0, None)),
        };
        ReprojectedLayer {
            inner,
            schema: schema.clone(),
            encoder: Arc::new(encoder),
        }
    }

    /// The columns written for a WGS84 layer of `schema`: `lon` and `lat` (degrees) become
    /// `x` and `y`, numbers in the CRS's unit; with a prefix, `p_lon` and `p_lat` become
    /// `p_x` and `p_y`.
    pub fn output_schema(schema: &Schema) -> Schema {
        let mut out = schema.clone();
        for column in &mut out.columns {
            for (from, to) in [("lon", "x"), ("lat", "y")] {
                if is_degrees(column, from) {
                    let prefix = &column.name[..column.name.len() - from.len()];
                    *column = Column {
                        name: format!("{prefix}{to}").into(),
                        kind: ColumnKind::Float {
                            decimals: XY_DECIMALS,
                            unit: "",
                        },
                    };
                }
            }
        }
        out
    }
}

/// Whether `column` holds degrees of longitude or latitude, as `name` says (`lon` or `lat`,
/// after a prefix if any).
fn is_degrees(column: &Column, name: &str) -> bool {
    column.name.ends_with(name) && matches!(column.kind, ColumnKind::Float { unit: "°", .. })
}

impl LayerSink for ReprojectedLayer<'_> {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn encoder(&self) -> Arc<dyn FeatureEncoder> {
        Arc::clone(&self.encoder) as Arc<dyn FeatureEncoder>
    }

    fn write_batch(&mut self, batch: &mut Batch) -> io::Result<()> {
        self.inner.write_batch(batch)
    }

    fn finish(&mut self) -> io::Result<()> {
        let (count, example) = match self.encoder.failures.lock() {
            Ok(mut failures) => std::mem::take(&mut *failures),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        };
        if let Some(example) = example {
            let message = format!(
                "{count} feature{} could not be converted to {}, for example: {example}",
                if count == 1 { "" } else { "s" },
                self.encoder.reprojection.crs()
            );
            return Err(io::Error::new(io::ErrorKind::InvalidData, message));
        }
        self.inner.finish()
    }
}

struct ReprojectingEncoder {
    inner: Arc<dyn FeatureEncoder>,
    reprojection: Reprojection,
    /// The `lon` and `lat` columns, if the layer has both.
    lon_lat: Option<(usize, usize)>,
    /// How many features could not be converted, and why one of them could not.
    failures: Mutex<(u64, Option<CrsError>)>,
}

impl ReprojectingEncoder {
    fn convert(
        &self,
        geometry: Option<&Geometry<f64>>,
        values: &mut [Value<'_>],
    ) -> Result<Option<Geometry<f64>>, CrsError> {
        if let Some((lon, lat)) = self.lon_lat {
            if let (Some(&Value::Float(x)), Some(&Value::Float(y))) =
                (values.get(lon), values.get(lat))
            {
                let mut xy = [Coord { x, y }];
                self.reprojection.from_wgs84(&mut xy)?;
                values[lon] = Value::Float(xy[0].x);
                values[lat] = Value::Float(xy[0].y);
            }
        }
        geometry
            .map(|g| {
                g.try_map_coords(|c| {
                    let mut one = [c];
                    self.reprojection.from_wgs84(&mut one).map(|()| one[0])
                })
            })
            .transpose()
    }
}

impl FeatureEncoder for ReprojectingEncoder {
    fn encode(&self, batch: &mut Batch, geometry: Option<&Geometry<f64>>, values: &[Value<'_>]) {
        let mut values = values.to_vec();
        match self.convert(geometry, &mut values) {
            Ok(converted) => self.inner.encode(batch, converted.as_ref(), &values),
            Err(error) => {
                let mut failures = match self.failures.lock() {
                    Ok(failures) => failures,
                    Err(poisoned) => poisoned.into_inner(),
                };
                failures.0 += 1;
                failures.1.get_or_insert(error);
            }
        }
    }
}
