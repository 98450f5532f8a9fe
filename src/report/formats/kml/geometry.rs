//! Geometries as KML's: lines tessellated so that Google Earth draws them along the ground,
//! multi-geometries and collections as a `MultiGeometry`.

use std::collections::HashMap;

use geo::Geometry;
use kml::types::{Coord, LineString, LinearRing, MultiGeometry, Point, Polygon};

/// A KML coordinate (longitude, latitude, no altitude).
fn coord(c: geo::Coord<f64>) -> Coord<f64> {
    Coord {
        x: c.x,
        y: c.y,
        z: None,
    }
}

/// A KML line string, drawn along the ground.
fn line(l: &geo::LineString<f64>) -> kml::types::Geometry<f64> {
    kml::types::Geometry::LineString(LineString {
        coords: l.coords().copied().map(coord).collect(),
        // Drawn along the ground in Google Earth, rather than as straight chords.
        tessellate: true,
        ..LineString::default()
    })
}

/// A KML ring of a polygon.
fn ring(l: &geo::LineString<f64>) -> LinearRing<f64> {
    LinearRing {
        coords: l.coords().copied().map(coord).collect(),
        tessellate: true,
        ..LinearRing::default()
    }
}

/// A KML polygon with its holes.
fn polygon(p: &geo::Polygon<f64>) -> kml::types::Geometry<f64> {
    kml::types::Geometry::Polygon(Polygon {
        outer: ring(p.exterior()),
        inner: p.interiors().iter().map(ring).collect(),
        tessellate: true,
        ..Polygon::default()
    })
}

/// A KML `MultiGeometry` of `geometries`.
fn multi(geometries: Vec<kml::types::Geometry<f64>>) -> kml::types::Geometry<f64> {
    kml::types::Geometry::MultiGeometry(MultiGeometry {
        geometries,
        attrs: HashMap::new(),
    })
}

/// The KML geometry of `g`: multi-geometries and collections become a `MultiGeometry`.
pub(super) fn kml_geometry(g: &Geometry<f64>) -> kml::types::Geometry<f64> {
    match g {
        Geometry::Point(p) => kml::types::Geometry::Point(Point {
            coord: coord(p.0),
            ..Point::default()
        }),
        Geometry::Line(l) => line(&geo::LineString::new(vec![l.start, l.end])),
        Geometry::LineString(l) => line(l),
        Geometry::Polygon(p) => polygon(p),
        Geometry::MultiPoint(m) => multi(
            m.iter()
                .map(|p| kml_geometry(&Geometry::Point(*p)))
                .collect(),
        ),
        Geometry::MultiLineString(m) => multi(m.iter().map(line).collect()),
        Geometry::MultiPolygon(m) => multi(m.iter().map(polygon).collect()),
        Geometry::GeometryCollection(c) => multi(c.iter().map(kml_geometry).collect()),
        Geometry::Rect(r) => polygon(&r.to_polygon()),
        Geometry::Triangle(t) => polygon(&t.to_polygon()),
    }
}
