//! Features kept whole (geometry and typed values) for the sinks that build a file format of
//! their own rather than text (GeoPackage, FlatGeobuf, GeoParquet): encoded on the worker
//! threads into the [`Batch`]'s bytes, one compact record after another, and read back by the
//! sink one feature at a time.
//!
//! Compact because several batches of some 25,000 features are in flight between the worker
//! threads and the sink: held as owned values (a `Vec` of values and a `String` per text
//! per feature) they cost about 1 kB a feature, and a GeoParquet output of 1,000,000
//! incidents peaked at 224 MB against 66 MB for CSV; as records of bytes they cost what
//! their text would (BENCHMARKS.md, "GeoParquet output: memory").
//!
//! A record, little-endian: the geometry (`0`, or its [`Shape`] code, a flag and four
//! numbers for its bounding box, then its WKB behind a `u32` length), the number of values
//! (`u32`), then each value as a tag and its bytes (text behind a `u32` length, `i64`,
//! `f64`, a date as `i16` year, `i8` month and `i8` day, or nothing for no value).

use std::io;

use geo::Geometry;
use geozero::wkb::{WkbDialect, WkbWriter};
use geozero::{CoordDimensions, GeozeroGeometry};

use super::features::{uniform, Extent, GeometryType};
use super::invalid;
use crate::report::{Batch, FeatureEncoder, Value};

const TAG_EMPTY: u8 = 0;
const TAG_TEXT: u8 = 1;
const TAG_INTEGER: u8 = 2;
const TAG_FLOAT: u8 = 3;
const TAG_DATE: u8 = 4;

/// The kind of a geometry, as the formats name it (after lines are made multi-lines).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Shape {
    Point,
    LineString,
    Polygon,
    MultiPoint,
    MultiLineString,
    MultiPolygon,
    GeometryCollection,
}

impl Shape {
    const ALL: [Shape; 7] = [
        Shape::Point,
        Shape::LineString,
        Shape::Polygon,
        Shape::MultiPoint,
        Shape::MultiLineString,
        Shape::MultiPolygon,
        Shape::GeometryCollection,
    ];

    fn of(g: &Geometry<f64>) -> Shape {
        match g {
            Geometry::Point(_) => Shape::Point,
            Geometry::Line(_) | Geometry::LineString(_) => Shape::LineString,
            Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => Shape::Polygon,
            Geometry::MultiPoint(_) => Shape::MultiPoint,
            Geometry::MultiLineString(_) => Shape::MultiLineString,
            Geometry::MultiPolygon(_) => Shape::MultiPolygon,
            Geometry::GeometryCollection(_) => Shape::GeometryCollection,
        }
    }

    /// The Simple Features name (GeoParquet's `geometry_types`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Shape::Point => "Point",
            Shape::LineString => "LineString",
            Shape::Polygon => "Polygon",
            Shape::MultiPoint => "MultiPoint",
            Shape::MultiLineString => "MultiLineString",
            Shape::MultiPolygon => "MultiPolygon",
            Shape::GeometryCollection => "GeometryCollection",
        }
    }

    /// The geometry type a layer of only this shape declares.
    pub(crate) fn geometry_type(self) -> GeometryType {
        match self {
            Shape::Point => GeometryType::Point,
            Shape::LineString | Shape::MultiLineString => GeometryType::MultiLineString,
            _ => GeometryType::Geometry,
        }
    }

    fn code(self) -> u8 {
        // The code is the position in `ALL` plus one (0 is no geometry): at most 7.
        Shape::ALL
            .iter()
            .position(|s| *s == self)
            .map_or(0, |i| i as u8 + 1)
    }
}

/// A kept feature's geometry: its shape, bounding box and WKB (ISO, 2D, little-endian).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct KeptGeometry<'a> {
    pub(crate) shape: Shape,
    /// `None` when it has no coordinates.
    pub(crate) extent: Option<Extent>,
    pub(crate) wkb: &'a [u8],
}

/// One value of a [`KeptFeature`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum KeptValue<'a> {
    Text(&'a str),
    Integer(i64),
    Float(f64),
    Date(jiff::civil::Date),
    Empty,
}

/// A feature read back from a batch.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct KeptFeature<'a> {
    pub(crate) geometry: Option<KeptGeometry<'a>>,
    pub(crate) values: Vec<KeptValue<'a>>,
}

/// The encoder of the formats that keep features whole.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct KeepFeatures;

impl FeatureEncoder for KeepFeatures {
    fn encode(&self, batch: &mut Batch, geometry: Option<&Geometry<f64>>, values: &[Value<'_>]) {
        batch.rows += 1;
        let out = &mut batch.bytes;
        let start = out.len();
        if !push_geometry(out, geometry) {
            // A geometry WKB cannot hold (none of geo's can): written as no geometry.
            out.truncate(start);
            out.push(0);
        }
        let count = u32::try_from(values.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&count.to_le_bytes());
        for value in values.iter().take(count as usize) {
            match *value {
                // Empty text is no value, in every format.
                Value::Text("") | Value::Empty => out.push(TAG_EMPTY),
                Value::Text(t) => {
                    out.push(TAG_TEXT);
                    push_len(out, t.len());
                    out.extend_from_slice(t.as_bytes());
                }
                Value::Integer(i) => {
                    out.push(TAG_INTEGER);
                    out.extend_from_slice(&i.to_le_bytes());
                }
                Value::Float(x) => {
                    out.push(TAG_FLOAT);
                    out.extend_from_slice(&x.to_le_bytes());
                }
                Value::Date(d) => {
                    out.push(TAG_DATE);
                    out.extend_from_slice(&d.year().to_le_bytes());
                    out.extend_from_slice(&d.month().to_le_bytes());
                    out.extend_from_slice(&d.day().to_le_bytes());
                }
            }
        }
    }
}

fn push_len(out: &mut Vec<u8>, len: usize) {
    // Texts and geometries of 4 GiB and more do not occur in a layer; cut rather than panic.
    let len = u32::try_from(len).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_le_bytes());
}

/// Appends the geometry part of a record; `false` if the WKB writer failed.
fn push_geometry(out: &mut Vec<u8>, geometry: Option<&Geometry<f64>>) -> bool {
    let Some(g) = geometry else {
        out.push(0);
        return true;
    };
    let g = uniform(g);
    out.push(Shape::of(&g).code());
    match Extent::of(&g) {
        Some(e) => {
            out.push(1);
            for x in [e.min_x, e.min_y, e.max_x, e.max_y] {
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
        None => out.push(0),
    }
    let length_at = out.len();
    out.extend_from_slice(&[0; 4]);
    let written = {
        let mut writer = WkbWriter::with_opts(
            &mut *out,
            WkbDialect::Wkb,
            CoordDimensions::xy(),
            None,
            Vec::new(),
        );
        g.process_geom(&mut writer).is_ok()
    };
    let len = u32::try_from(out.len() - length_at - 4).unwrap_or(u32::MAX);
    out[length_at..length_at + 4].copy_from_slice(&len.to_le_bytes());
    written
}

/// The features of a batch's bytes, in order.
pub(crate) fn kept_features(bytes: &[u8]) -> KeptFeatures<'_> {
    KeptFeatures { bytes }
}

/// An iterator over the records of a batch ([`kept_features`]).
pub(crate) struct KeptFeatures<'a> {
    bytes: &'a [u8],
}

fn corrupt() -> io::Error {
    invalid("a kept feature's record is cut short")
}

impl<'a> KeptFeatures<'a> {
    fn take(&mut self, n: usize) -> io::Result<&'a [u8]> {
        if self.bytes.len() < n {
            return Err(corrupt());
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> io::Result<[u8; N]> {
        self.take(N)?.try_into().map_err(|_| corrupt())
    }

    fn u8(&mut self) -> io::Result<u8> {
        Ok(self.array::<1>()?[0])
    }

    fn len(&mut self) -> io::Result<usize> {
        Ok(u32::from_le_bytes(self.array()?) as usize)
    }

    fn f64(&mut self) -> io::Result<f64> {
        Ok(f64::from_le_bytes(self.array()?))
    }

    fn geometry(&mut self) -> io::Result<Option<KeptGeometry<'a>>> {
        let code = self.u8()?;
        if code == 0 {
            return Ok(None);
        }
        let shape = *Shape::ALL.get(usize::from(code) - 1).ok_or_else(corrupt)?;
        let extent = match self.u8()? {
            0 => None,
            _ => Some(Extent {
                min_x: self.f64()?,
                min_y: self.f64()?,
                max_x: self.f64()?,
                max_y: self.f64()?,
            }),
        };
        let len = self.len()?;
        let wkb = self.take(len)?;
        Ok(Some(KeptGeometry { shape, extent, wkb }))
    }

    fn value(&mut self) -> io::Result<KeptValue<'a>> {
        Ok(match self.u8()? {
            TAG_EMPTY => KeptValue::Empty,
            TAG_TEXT => {
                let len = self.len()?;
                let text = std::str::from_utf8(self.take(len)?).map_err(|_| corrupt())?;
                KeptValue::Text(text)
            }
            TAG_INTEGER => KeptValue::Integer(i64::from_le_bytes(self.array()?)),
            TAG_FLOAT => KeptValue::Float(self.f64()?),
            TAG_DATE => {
                let year = i16::from_le_bytes(self.array()?);
                let [month, day] = self.array::<2>()?;
                let date =
                    jiff::civil::Date::new(year, month as i8, day as i8).map_err(|_| corrupt())?;
                KeptValue::Date(date)
            }
            _ => return Err(corrupt()),
        })
    }

    fn feature(&mut self) -> io::Result<KeptFeature<'a>> {
        let geometry = self.geometry()?;
        let count = self.len()?;
        // No more values than bytes left: a corrupt count cannot reserve memory.
        let mut values = Vec::with_capacity(count.min(self.bytes.len()));
        for _ in 0..count {
            values.push(self.value()?);
        }
        Ok(KeptFeature { geometry, values })
    }
}

impl<'a> Iterator for KeptFeatures<'a> {
    type Item = io::Result<KeptFeature<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.bytes.is_empty() {
            return None;
        }
        let feature = self.feature();
        if feature.is_err() {
            self.bytes = &[];
        }
        Some(feature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{line_string, point};
    use geozero::ToGeo;

    #[test]
    fn records_read_back_as_written() {
        let mut batch = Batch::default();
        let date = jiff::civil::date(-44, 3, 15);
        let line = Geometry::LineString(line_string![(x: 1.0, y: 2.0), (x: 3.0, y: 5.0)]);
        let point = Geometry::Point(point!(x: 69.25, y: -41.5));
        KeepFeatures.encode(
            &mut batch,
            Some(&line),
            &[
                Value::Text(""),
                Value::Text("añb"),
                Value::Date(date),
                Value::Integer(-5_000_000_000),
            ],
        );
        KeepFeatures.encode(&mut batch, None, &[Value::Float(0.125), Value::Empty]);
        KeepFeatures.encode(&mut batch, Some(&point), &[]);
        assert_eq!(batch.rows(), 3);
        let features: Vec<KeptFeature> = kept_features(&batch.bytes)
            .collect::<io::Result<_>>()
            .unwrap();
        assert_eq!(features.len(), 3);
        let g = features[0].geometry.unwrap();
        assert_eq!(g.shape, Shape::MultiLineString, "lines become multi-lines");
        assert_eq!(
            g.extent,
            Some(Extent {
                min_x: 1.0,
                min_y: 2.0,
                max_x: 3.0,
                max_y: 5.0
            })
        );
        assert_eq!(geozero::wkb::Wkb(g.wkb).to_geo().unwrap(), uniform(&line));
        assert_eq!(
            features[0].values,
            vec![
                KeptValue::Empty,
                KeptValue::Text("añb"),
                KeptValue::Date(date),
                KeptValue::Integer(-5_000_000_000)
            ]
        );
        assert_eq!(features[1].geometry, None);
        assert_eq!(
            features[1].values,
            vec![KeptValue::Float(0.125), KeptValue::Empty]
        );
        let p = features[2].geometry.unwrap();
        assert_eq!(p.shape.name(), "Point");
        assert_eq!(geozero::wkb::Wkb(p.wkb).to_geo().unwrap(), point);
        assert!(features[2].values.is_empty());
    }

    #[test]
    fn a_record_cut_short_is_an_error_not_a_panic() {
        let mut batch = Batch::default();
        let point = Geometry::Point(point!(x: 1.0, y: 2.0));
        KeepFeatures.encode(&mut batch, Some(&point), &[Value::Text("abc")]);
        for cut in 0..batch.bytes.len() - 1 {
            let mut features = kept_features(&batch.bytes[..=cut]);
            assert!(features.next().unwrap().is_err(), "cut at {cut}");
            assert!(features.next().is_none());
        }
    }
}
