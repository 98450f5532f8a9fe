//! Where a point lies relative to a dataset's borders: [`BorderIndex`], the dataset-aware layer
//! over [`crate::spatial::LineIndex`], and its answer [`Located`]. Which incidents fall on which
//! stretches is in the `classify` module.

use geo::Point;

use crate::spatial::{LineIndex, LineMatch, QueryError, Side};
use crate::{CountryCode, Dataset, Dyad, Error, Result};

/// A spatial index over every segment of a dataset, with chainage along each dyad.
///
/// It owns everything it needs (it does not borrow the dataset): its answers name segments
/// by their position in [`Dataset::segments`]. [`crate::Borders`] keeps one beside its
/// dataset.
///
/// # Examples
/// ```
/// use bordertrack::query::BorderIndex;
/// use bordertrack::Dataset;
/// use geo::Point;
/// let data = Dataset::embedded().unwrap();
/// let index = BorderIndex::new(&data).unwrap();
/// // Saryagash (Kazakhstan), lon/lat.
/// let here = index.locate(Point::new(69.16667, 41.46667)).unwrap().unwrap();
/// assert_eq!(here.dyad.to_string(), "KAZ-UZB");
/// assert!(data.segments()[here.segment_index].id.starts_with("KAZ-UZB"));
/// assert_eq!(here.side.map(|c| c.to_string()).as_deref(), Some("KAZ"));
/// ```
#[derive(Debug)]
pub struct BorderIndex {
    /// Each segment's dyad and its left and right countries, in dataset order.
    pub(super) sides: Vec<(Dyad, CountryCode, CountryCode)>,
    /// Each segment's stated precision, metres, in dataset order.
    pub(super) precision_m: Vec<f64>,
    /// Every segment, numbered as in the dataset.
    pub(super) index: LineIndex,
    /// The stated precision of the ordinary segments (the median), metres: the incident
    /// search in `index` reaches this far beyond the distance asked for and the incident's
    /// precision, and looks there only at segments at least this precise.
    pub(super) ordinary_precision_m: f64,
    /// The segments less precise than that, each in an index of its own, so that a wide reach
    /// widens neither every search nor the search of the other imprecise segments.
    pub(super) imprecise: Vec<ImpreciseLine>,
    chainage_start_m: Vec<f64>,
    /// Each segment's geodesic length, metres, in dataset order.
    length_m: Vec<f64>,
}

/// A segment whose stated precision is wider than the ordinary one, indexed on its own.
#[derive(Debug)]
pub(super) struct ImpreciseLine {
    /// The segment alone (its line 0).
    pub(super) index: LineIndex,
    /// The segment's position in the dataset.
    pub(super) segment: usize,
    /// The segment's stated precision, metres.
    pub(super) precision_m: f64,
}

/// Where a point lies relative to one segment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Located {
    /// Position of the segment in [`Dataset::segments`].
    pub segment_index: usize,
    /// The segment's dyad.
    pub dyad: Dyad,
    /// Geodesic distance from the point to the segment on WGS84, in metres.
    pub distance_m: f64,
    /// Distance along the dyad's line, from the start of its first segment to the point's
    /// closest point, in metres (continuous across the dyad's segments in their order).
    pub chainage_m: f64,
    /// The closest point of the segment.
    pub closest: Point<f64>,
    /// The country on the point's side of the line; `None` when the point is on the line.
    pub side: Option<CountryCode>,
}

impl BorderIndex {
    /// Indexes every segment of `data`.
    ///
    /// # Errors
    /// [`Error::Request`] if a segment's geometry cannot be indexed (a validated dataset's
    /// always can).
    pub fn new(data: &Dataset) -> Result<BorderIndex> {
        let lines: Vec<_> = data.segments().iter().map(|s| s.line.clone()).collect();
        let index = LineIndex::new(&lines).map_err(|e| Error::Request(e.to_string()))?;
        let mut chainage_start_m = Vec::with_capacity(lines.len());
        let mut length_of = Vec::with_capacity(lines.len());
        let mut prev: Option<(Dyad, f64)> = None;
        for (i, s) in data.segments().iter().enumerate() {
            let start = match prev {
                Some((d, end)) if d == s.dyad => end,
                _ => 0.0,
            };
            chainage_start_m.push(start);
            // The index measured every line already (the same geodesic lengths).
            let length_m = index.line_length_m(i).unwrap_or_else(|| s.length_m());
            length_of.push(length_m);
            prev = Some((s.dyad, start + length_m));
        }
        let precision_m: Vec<f64> = data.segments().iter().map(|s| s.precision_m).collect();
        let mut sorted = precision_m.clone();
        sorted.sort_unstable_by(f64::total_cmp);
        let ordinary_precision_m = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
        let imprecise = precision_m
            .iter()
            .enumerate()
            .filter(|&(_, &p)| p > ordinary_precision_m)
            .map(|(segment, &precision_m)| {
                // Taken from the whole index: its edges are not solved again.
                Ok(ImpreciseLine {
                    index: index.of_one_line(segment).ok_or_else(|| {
                        Error::Request(format!("segment {segment} is not in the index"))
                    })?,
                    segment,
                    precision_m,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(BorderIndex {
            sides: data
                .segments()
                .iter()
                .map(|s| (s.dyad, s.left, s.right))
                .collect(),
            precision_m,
            index,
            ordinary_precision_m,
            imprecise,
            chainage_start_m,
            length_m: length_of,
        })
    }

    /// Where the segment at `segment_index` starts and ends along its dyad's line, metres of
    /// chainage (as [`Located::chainage_m`] measures it); `None` for an index out of range.
    pub fn chainage_range_m(&self, segment_index: usize) -> Option<(f64, f64)> {
        let start = *self.chainage_start_m.get(segment_index)?;
        Some((start, start + self.length_m.get(segment_index)?))
    }

    /// How many segments are indexed.
    pub fn len(&self) -> usize {
        self.sides.len()
    }

    /// Whether no segment is indexed.
    pub fn is_empty(&self) -> bool {
        self.sides.is_empty()
    }

    /// The answer for line match `m` (`None` only for a line the index does not hold, which a
    /// match of this index never names).
    pub(super) fn located(&self, m: &LineMatch) -> Option<Located> {
        let &(dyad, left, right) = self.sides.get(m.line)?;
        Some(Located {
            segment_index: m.line,
            dyad,
            distance_m: m.distance_m,
            chainage_m: self.chainage_start_m.get(m.line).copied().unwrap_or(0.0) + m.measure_m,
            closest: m.closest,
            side: match m.side {
                Side::Left => Some(left),
                Side::Right => Some(right),
                Side::On => None,
            },
        })
    }

    /// The nearest segment to `p` (lon/lat); `None` for an empty dataset.
    ///
    /// # Errors
    /// When `p` is not a valid lon/lat position.
    pub fn locate(&self, p: Point<f64>) -> std::result::Result<Option<Located>, QueryError> {
        Ok(self.index.nearest(p)?.and_then(|m| self.located(&m)))
    }

    /// Every segment within `max_m` metres of `p`, nearest first.
    ///
    /// # Errors
    /// When `p` is not a valid position or `max_m` is negative or not finite.
    pub fn within(
        &self,
        p: Point<f64>,
        max_m: f64,
    ) -> std::result::Result<Vec<Located>, QueryError> {
        Ok(self
            .index
            .within(p, max_m)?
            .iter()
            .filter_map(|m| self.located(m))
            .collect())
    }
}
