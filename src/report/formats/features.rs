//! What the formats share about geometries: lines made multi-lines ([`uniform`]), the geometry
//! type a layer declares, and bounding boxes.
// Without the `formats` feature only `uniform` serves (GeoJSONSeq).
#![cfg_attr(not(feature = "formats"), allow(dead_code))]

use geo::{Geometry, MultiLineString};

/// `geometry` in the form a layer of one declared geometry type needs: a line becomes a
/// multi-line of one part, since a layer's lines are a mix of both (the formats with a
/// declared geometry type refuse a mix); points and everything else stay as they are.
pub(crate) fn uniform(geometry: &Geometry<f64>) -> Geometry<f64> {
    match geometry {
        Geometry::LineString(line) => {
            Geometry::MultiLineString(MultiLineString::new(vec![line.clone()]))
        }
        other => other.clone(),
    }
}

/// The geometry types a layer declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GeometryType {
    Point,
    MultiLineString,
    /// Anything else, or a mix.
    Geometry,
}

impl GeometryType {
    /// The type of a layer whose features so far had type `self` and that gets one of `next`.
    pub(crate) fn and(self, next: GeometryType) -> GeometryType {
        if self == next {
            self
        } else {
            GeometryType::Geometry
        }
    }

    /// The OGC name (GeoPackage's `geometry_type_name`).
    pub(crate) fn ogc_name(self) -> &'static str {
        match self {
            GeometryType::Point => "POINT",
            GeometryType::MultiLineString => "MULTILINESTRING",
            GeometryType::Geometry => "GEOMETRY",
        }
    }
}

/// A bounding box: west, south, east, north.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Extent {
    pub(crate) min_x: f64,
    pub(crate) min_y: f64,
    pub(crate) max_x: f64,
    pub(crate) max_y: f64,
}

impl Extent {
    /// The bounding box of `geometry`, `None` when it has no coordinates.
    pub(crate) fn of(geometry: &Geometry<f64>) -> Option<Extent> {
        use geo::BoundingRect;
        geometry.bounding_rect().map(|r| Extent {
            min_x: r.min().x,
            min_y: r.min().y,
            max_x: r.max().x,
            max_y: r.max().y,
        })
    }

    /// The box holding both.
    pub(crate) fn union(self, other: Extent) -> Extent {
        Extent {
            min_x: self.min_x.min(other.min_x),
            min_y: self.min_y.min(other.min_y),
            max_x: self.max_x.max(other.max_x),
            max_y: self.max_y.max(other.max_y),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{line_string, point};

    #[test]
    fn lines_become_multilines_and_types_combine() {
        let line = Geometry::LineString(line_string![(x: 1.0, y: 2.0), (x: 3.0, y: 5.0)]);
        let multi = uniform(&line);
        assert!(matches!(multi, Geometry::MultiLineString(_)));
        let point = Geometry::Point(point!(x: 1.0, y: 1.0));
        assert_eq!(uniform(&point), point);
        assert_eq!(
            GeometryType::Point.and(GeometryType::MultiLineString),
            GeometryType::Geometry
        );
        assert_eq!(
            GeometryType::Point.and(GeometryType::Point),
            GeometryType::Point
        );
        let e = Extent::of(&multi).unwrap();
        assert_eq!((e.min_x, e.min_y, e.max_x, e.max_y), (1.0, 2.0, 3.0, 5.0));
    }
}
