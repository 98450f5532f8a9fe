//! Border segments: pieces of a dyad's line with their own status history.

use geo::{Geodesic, Length, LineString};

use super::{CountryCode, Dyad};

/// How well the ends of a segment are known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Extent {
    /// The ends are where the sources put them.
    Exact,
    /// The sources name the section but not where it starts and ends; the ends were placed
    /// around the named places and are only as good as the segment's `precision_m`.
    Approximate,
}

impl Extent {
    /// `exact` or `approximate`.
    pub fn as_str(self) -> &'static str {
        match self {
            Extent::Exact => "exact",
            Extent::Approximate => "approximate",
        }
    }
}

/// One stretch of an international border.
///
/// The line runs in the direction of its coordinates; `left` and `right` name the country on
/// each side when walking that way. Coordinates are WGS84 longitude, latitude (RFC 7946).
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    /// Unique id, e.g. `KAZ-UZB-03`.
    pub id: String,
    /// The two countries the segment separates.
    pub dyad: Dyad,
    /// The country on the left of the line's direction.
    pub left: CountryCode,
    /// The country on the right of the line's direction.
    pub right: CountryCode,
    /// A human-readable name.
    pub name: String,
    /// Position along the dyad, from 1; segments of a dyad are chained in this order.
    pub order: u32,
    /// Connected piece of the dyad the segment belongs to, from 1 (an enclave's ring is its
    /// own part). Consecutive segments of the same part must meet end to start.
    pub part: u32,
    /// Whether the ends are known or placed approximately.
    pub extent: Extent,
    /// Positional precision of the geometry, in metres.
    pub precision_m: f64,
    /// The source of the geometry (an id in `sources.csv`).
    pub source_id: String,
    /// Free note.
    pub note: String,
    /// The line, lon/lat in degrees.
    pub line: LineString<f64>,
}

impl Segment {
    /// Geodesic length on the WGS84 ellipsoid, in metres (Karney's algorithm, via
    /// `geo::Geodesic`).
    pub fn length_m(&self) -> f64 {
        Geodesic.length(&self.line)
    }

    /// The country on the other side from `c`, if `c` is one of the two.
    pub fn other_side(&self, c: CountryCode) -> Option<CountryCode> {
        if c == self.left {
            Some(self.right)
        } else if c == self.right {
            Some(self.left)
        } else {
            None
        }
    }
}
