//! [`LineIndex`]: building the index (edges, their sections, the R-tree and the hash grid) and
//! what it holds. Its searches are in the `nearest_search` and `within_search` modules; how a
//! search goes from the sections in range to the exact closest point of each line is in the
//! `closest_point` module.

use std::cell::OnceCell;
use std::sync::OnceLock;

use geo_types::LineString;
use geographiclib_rs::{capability as caps, Geodesic, GeodesicLine};
use rstar::primitives::CachedEnvelope;
use rstar::{PointDistance, RTree, RTreeObject, AABB};

use super::ecef::{ecef_of, normalize_deg, SinCos};
use super::edge::{inverse, Chord, Edge};
use super::edge_section::{self, EdgeSection};
use super::error::{InvalidLines, LineProblem};
use super::geographiclib_adapter;
use super::grid::Grid;
use super::section_blocks::{blocks_of, SectionBlocks};
use super::MAX_EDGE_M;

/// Per-edge data kept beside the tree.
#[derive(Clone, Copy, Debug)]
pub(super) struct EdgeInfo {
    pub(super) geo: Edge,
    pub(super) line: usize,
    pub(super) edge: usize,
    /// Length along the line to the edge's start vertex, metres.
    pub(super) measure_start_m: f64,
    /// ECEF chord and bulge of the whole edge.
    pub(super) chord: Chord,
    /// Sines and cosines of the latitude and longitude of its start and end vertices: a foot
    /// at a vertex needs them, and they are computed here once rather than at every query.
    pub(super) vertex_trig: [SinCos; 2],
    /// The previous non-degenerate edge of the line, if any: its index and its azimuth at its
    /// end vertex (this edge's start vertex).
    pub(super) prev: Option<(usize, f64)>,
    /// Azimuth at its start vertex (this edge's end vertex) of the next non-degenerate edge of
    /// the line, if any.
    pub(super) next_azi: Option<f64>,
}

/// A section as the R-tree sees it. Aligned to a cache line, which its 64 bytes fill: the
/// candidate search reads one line per section instead of two (a large allocation starts 16
/// bytes into a page).
#[derive(Clone, Copy, Debug)]
#[repr(align(64))]
pub(super) struct TreeSection {
    pub(super) chord: Chord,
    pub(super) id: u32,
    /// The section's line, kept here so that filtering candidates reads nothing else.
    pub(super) line: u32,
}

impl RTreeObject for TreeSection {
    type Envelope = AABB<[f64; 3]>;

    fn envelope(&self) -> Self::Envelope {
        let (lo, hi) = self.chord.envelope();
        AABB::from_corners(lo, hi)
    }
}

/// The tree's objects: sections with their envelope computed once (rstar asks for it at every
/// visit of a leaf).
pub(super) type CachedSection = CachedEnvelope<TreeSection>;

impl PointDistance for TreeSection {
    /// The squared lower bound of the geodesic distance; never below the squared distance to the
    /// envelope (the envelope contains the chord grown by the bulge), as the tree requires.
    fn distance_2(&self, point: &[f64; 3]) -> f64 {
        let lb = self.chord.lower_bound_m(*point);
        lb * lb
    }
}

/// Index over the edges of a set of lines, answering nearest-line and within-distance queries
/// with exact geodesic distances. See the [module documentation](crate::spatial) for the method and the
/// proof that no line within the distance is missed.
#[derive(Clone, Debug)]
pub struct LineIndex {
    pub(super) geod: Geodesic,
    /// Built on first use: range queries within a grid cell never need it.
    pub(super) tree: OnceLock<RTree<CachedSection>>,
    /// The tree's objects again, by section id, for the grid's answers.
    pub(super) items: Vec<TreeSection>,
    /// Sections by cell, for range queries up to two cells wide.
    pub(super) grid: Grid,
    /// Runs of consecutive sections with a box each, for the best-first searches of a small
    /// index (the `section_blocks` module).
    pub(super) blocks: SectionBlocks,
    pub(super) edges: Vec<EdgeInfo>,
    pub(super) sections: Vec<EdgeSection>,
    /// Geodesic length of each line, metres.
    pub(super) lengths_m: Vec<f64>,
    /// A box (ECEF, metres) containing every section's box: no line lies nearer to a point than
    /// this box does.
    pub(super) bounds: ([f64; 3], [f64; 3]),
}

impl LineIndex {
    /// Builds the index (one bulk load over every section of every non-degenerate edge).
    ///
    /// Repeated consecutive vertices are allowed (their zero-length edge is skipped but keeps its
    /// index).
    ///
    /// # Errors
    /// [`InvalidLines`], listing every problem of every line: a non-finite or out-of-range
    /// coordinate, a line with fewer than two distinct vertices, an edge longer than
    /// [`MAX_EDGE_M`].
    pub fn new(lines: &[LineString<f64>]) -> Result<LineIndex, InvalidLines> {
        let geod = Geodesic::wgs84();
        let mut problems = Vec::new();
        let mut edges = Vec::new();
        let mut lengths_m = Vec::with_capacity(lines.len());
        for (line, ls) in lines.iter().enumerate() {
            lengths_m.push(0.0);
            let mut ok = true;
            for (vertex, c) in ls.0.iter().enumerate() {
                if !(c.x.is_finite() && c.y.is_finite()) {
                    problems.push(LineProblem::NonFinite {
                        line,
                        vertex,
                        lon: c.x,
                        lat: c.y,
                    });
                    ok = false;
                } else if !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y) {
                    problems.push(LineProblem::OutOfRange {
                        line,
                        vertex,
                        lon: c.x,
                        lat: c.y,
                    });
                    ok = false;
                }
            }
            if !ok {
                continue;
            }
            let first = edges.len();
            let mut measure_m = 0.0;
            // Each vertex's sines and cosines, and its place in ECEF, once for the edges on
            // both sides of it.
            let trig: Vec<SinCos> = ls.0.iter().map(|c| SinCos::of(c.x, c.y)).collect();
            let points: Vec<[f64; 3]> = trig.iter().map(ecef_of).collect();
            for (k, ((w, p), t)) in
                ls.0.windows(2)
                    .zip(points.windows(2))
                    .zip(trig.windows(2))
                    .enumerate()
            {
                let (a, b) = (w[0], w[1]);
                let (length_m, azi1, azi2) = inverse(&geod, a.x, a.y, b.x, b.y);
                if length_m > MAX_EDGE_M {
                    problems.push(LineProblem::EdgeTooLong {
                        line,
                        edge: k,
                        length_m,
                        max_m: MAX_EDGE_M,
                    });
                    ok = false;
                }
                if length_m > 0.0 {
                    edges.push(EdgeInfo {
                        geo: Edge {
                            lon1: a.x,
                            lat1: a.y,
                            lon2: b.x,
                            lat2: b.y,
                            azi1,
                            azi2,
                            length_m,
                        },
                        line,
                        edge: k,
                        measure_start_m: measure_m,
                        chord: Chord::new(p[0], p[1], length_m),
                        vertex_trig: [t[0], t[1]],
                        prev: None,
                        next_azi: None,
                    });
                    measure_m += length_m;
                }
            }
            if let Some(l) = lengths_m.last_mut() {
                *l = measure_m;
            }
            let distinct = edges.len() - first;
            if distinct == 0 {
                problems.push(LineProblem::TooFewVertices {
                    line,
                    vertices: ls.0.len(),
                    distinct: if ls.0.is_empty() { 0 } else { 1 },
                });
                ok = false;
            }
            if !ok {
                edges.truncate(first);
                continue;
            }
            for i in first + 1..edges.len() {
                let (prev, next) = edges.split_at_mut(i);
                if let (Some(p), Some(n)) = (prev.last_mut(), next.first_mut()) {
                    n.prev = Some((p.edge, p.geo.azi2));
                    p.next_azi = Some(n.geo.azi1);
                }
            }
        }
        if !problems.is_empty() {
            return Err(InvalidLines { problems });
        }
        let mut sections = Vec::with_capacity(edges.len());
        for (id, e) in edges.iter().enumerate() {
            let g = &e.geo;
            // Made only for an edge cut into several sections: most border edges are shorter
            // than one (544 of the 18,346 edges of the README benchmark's dataset are not), and
            // making the line for every edge cost 30.9 M instructions there (BENCHMARKS.md,
            // "Building the index").
            let line = OnceCell::new();
            edge_section::cut(
                // Edge ids fit in u32: 4 billion edges would not fit in memory anyway.
                u32::try_from(id).unwrap_or(u32::MAX),
                e.vertex_trig,
                (g.azi1, g.azi2),
                g.length_m,
                |s| {
                    let line = line.get_or_init(|| {
                        GeodesicLine::new(
                            &geod,
                            g.lat1,
                            g.lon1,
                            g.azi1,
                            Some(
                                caps::LATITUDE
                                    | caps::LONGITUDE
                                    | caps::AZIMUTH
                                    | caps::DISTANCE_IN,
                            ),
                            None,
                            None,
                        )
                    });
                    let (lat, lon, azi) = geographiclib_adapter::position(line, s);
                    (normalize_deg(lon), lat, azi)
                },
                &mut sections,
            );
        }
        Ok(LineIndex::of_sections(geod, edges, sections, lengths_m))
    }

    /// The index of line `line` alone (as its line 0): what [`LineIndex::new`] builds from
    /// that line, taken from this index's edges and sections instead of solving them again.
    /// `None` for a line the index does not hold.
    pub(crate) fn of_one_line(&self, line: usize) -> Option<LineIndex> {
        // A line's edges are consecutive, and so are their sections.
        let first = self.edges.iter().position(|e| e.line == line)?;
        let end = first
            + self.edges[first..]
                .iter()
                .take_while(|e| e.line == line)
                .count();
        let edges = self.edges[first..end]
            .iter()
            .map(|e| EdgeInfo { line: 0, ..*e })
            .collect();
        let first_u32 = u32::try_from(first).ok()?;
        let edge_range = first_u32..u32::try_from(end).ok()?;
        let from = self.sections.partition_point(|s| s.edge < edge_range.start);
        let to = self.sections.partition_point(|s| s.edge < edge_range.end);
        let sections = self.sections[from..to]
            .iter()
            .map(|s| EdgeSection {
                edge: s.edge - first_u32,
                ..*s
            })
            .collect();
        Some(LineIndex::of_sections(
            self.geod,
            edges,
            sections,
            vec![self.lengths_m.get(line).copied()?],
        ))
    }

    /// The index over `edges` (of lines whose lengths are `lengths_m`) and their `sections`.
    fn of_sections(
        geod: Geodesic,
        edges: Vec<EdgeInfo>,
        sections: Vec<EdgeSection>,
        lengths_m: Vec<f64>,
    ) -> LineIndex {
        let items: Vec<TreeSection> = sections
            .iter()
            .enumerate()
            .map(|(id, p)| TreeSection {
                chord: p.chord,
                id: u32::try_from(id).unwrap_or(u32::MAX),
                line: edges
                    .get(p.edge as usize)
                    .and_then(|e| u32::try_from(e.line).ok())
                    .unwrap_or(u32::MAX),
            })
            .collect();
        let bounds = items.iter().map(|i| i.chord.envelope()).fold(
            ([f64::INFINITY; 3], [f64::NEG_INFINITY; 3]),
            |(lo, hi), (l, h)| {
                (
                    [lo[0].min(l[0]), lo[1].min(l[1]), lo[2].min(l[2])],
                    [hi[0].max(h[0]), hi[1].max(h[1]), hi[2].max(h[2])],
                )
            },
        );
        LineIndex {
            geod,
            bounds,
            tree: OnceLock::new(),
            grid: Grid::new(items.iter().map(|i| i.chord.envelope())),
            blocks: blocks_of(&items),
            items,
            edges,
            sections,
            lengths_m,
        }
    }

    /// The R-tree of the sections (one bulk load, the first time it is asked for).
    pub(super) fn tree(&self) -> &RTree<CachedSection> {
        self.tree.get_or_init(|| {
            RTree::bulk_load(self.items.iter().map(|&i| CachedEnvelope::new(i)).collect())
        })
    }

    /// Number of lines given to [`LineIndex::new`].
    pub fn line_count(&self) -> usize {
        self.lengths_m.len()
    }

    /// Geodesic length of line `line` on the WGS84 ellipsoid, in metres: the sum of its
    /// edges' lengths (Karney's inverse solution), the measure at its last vertex; `None` for
    /// a line index out of range.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::spatial::LineIndex;
    /// use geo_types::line_string;
    ///
    /// let index = LineIndex::new(&[line_string![(x: 66.0, y: 40.0), (x: 66.0, y: 41.0)]])?;
    /// // One degree of latitude at 40.5° N is about 111.05 km.
    /// let l = index.line_length_m(0).unwrap();
    /// assert!((l - 111_050.0).abs() < 50.0);
    /// assert_eq!(index.line_length_m(1), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn line_length_m(&self, line: usize) -> Option<f64> {
        self.lengths_m.get(line).copied()
    }

    /// Number of indexed (non-degenerate) edges.
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }
}

#[cfg(test)]
mod tests {
    use geo_types::line_string;

    use super::*;

    /// A line's index taken from a larger one is the index built from that line alone.
    #[test]
    fn one_line_of_an_index_is_that_line_indexed_alone() {
        let lines = vec![
            line_string![(x: 66.0, y: 40.0), (x: 66.3, y: 40.4), (x: 66.3, y: 40.4), (x: 66.1, y: 41.0)],
            line_string![(x: 60.0, y: 37.0), (x: 64.0, y: 39.5), (x: 64.1, y: 39.6)],
            line_string![(x: 72.0, y: 37.0), (x: 72.01, y: 37.02)],
        ];
        let whole = match LineIndex::new(&lines) {
            Ok(i) => i,
            Err(e) => panic!("{e}"),
        };
        for (k, line) in lines.iter().enumerate() {
            let alone = match LineIndex::new(std::slice::from_ref(line)) {
                Ok(i) => i,
                Err(e) => panic!("{e}"),
            };
            let Some(taken) = whole.of_one_line(k) else {
                panic!("line {k} is in the index");
            };
            assert_eq!(format!("{:?}", taken.edges), format!("{:?}", alone.edges));
            assert_eq!(
                format!("{:?}", taken.sections),
                format!("{:?}", alone.sections)
            );
            assert_eq!(format!("{:?}", taken.items), format!("{:?}", alone.items));
            assert_eq!(format!("{:?}", taken.grid), format!("{:?}", alone.grid));
            assert_eq!(taken.bounds, alone.bounds);
            assert_eq!(taken.blocks, alone.blocks);
            assert_eq!(taken.lengths_m, alone.lengths_m);
        }
        assert!(whole.of_one_line(lines.len()).is_none());
    }
}
