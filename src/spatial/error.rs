//! Errors of the spatial index: invalid input lines and invalid queries.

use std::fmt;

/// One problem with one input line, found while building a [`LineIndex`](super::LineIndex).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum LineProblem {
    /// A coordinate is NaN or infinite.
    #[error("line {line}, vertex {vertex}: coordinate ({lon}, {lat}) is not finite")]
    NonFinite {
        /// Index of the line in the input slice.
        line: usize,
        /// Index of the vertex (coordinate) in the line.
        vertex: usize,
        /// The longitude as given.
        lon: f64,
        /// The latitude as given.
        lat: f64,
    },
    /// A coordinate lies outside longitude -180..=180 or latitude -90..=90.
    #[error(
        "line {line}, vertex {vertex}: coordinate ({lon}, {lat}) is outside \
         longitude -180..180 / latitude -90..90"
    )]
    OutOfRange {
        /// Index of the line in the input slice.
        line: usize,
        /// Index of the vertex (coordinate) in the line.
        vertex: usize,
        /// The longitude as given.
        lon: f64,
        /// The latitude as given.
        lat: f64,
    },
    /// The line has fewer than two distinct vertices, so it has no edge.
    #[error(
        "line {line}: {vertices} vertices, {distinct} distinct; a line needs two distinct vertices"
    )]
    TooFewVertices {
        /// Index of the line in the input slice.
        line: usize,
        /// Number of vertices given.
        vertices: usize,
        /// Number of vertices that differ from their predecessor.
        distinct: usize,
    },
    /// An edge is longer than [`MAX_EDGE_M`](super::MAX_EDGE_M): its geodesic is ill-conditioned
    /// (near-antipodal vertices) and it is almost certainly a data error.
    #[error("line {line}, edge {edge} (vertices {edge}..{}): {length_m:.0} m long, over the {max_m:.0} m limit", edge + 1)]
    EdgeTooLong {
        /// Index of the line in the input slice.
        line: usize,
        /// Index of the edge in the line (edge `k` joins vertices `k` and `k + 1`).
        edge: usize,
        /// Geodesic length of the edge, in metres.
        length_m: f64,
        /// The limit, in metres.
        max_m: f64,
    },
}

/// Every problem found in the input lines of [`LineIndex::new`](super::LineIndex::new), in input
/// order. Never empty.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub struct InvalidLines {
    /// The problems, in input order (by line, then vertex).
    pub problems: Vec<LineProblem>,
}

impl fmt::Display for InvalidLines {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} problem(s) in the input lines", self.problems.len())?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

/// A query the index cannot answer.
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum QueryError {
    /// The query point is not finite or outside longitude -180..=180 / latitude -90..=90.
    #[error(
        "query point ({lon}, {lat}) is not a finite coordinate within \
         longitude -180..180 / latitude -90..90"
    )]
    InvalidPoint {
        /// The longitude as given.
        lon: f64,
        /// The latitude as given.
        lat: f64,
    },
    /// The search distance is negative or not finite.
    #[error("search distance {max_m} m is not a finite non-negative number")]
    InvalidDistance {
        /// The distance as given, in metres.
        max_m: f64,
    },
}
