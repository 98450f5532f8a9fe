//! Where a point lies relative to a dataset's borders, and which incidents fall on which
//! stretches: the dataset-aware layer over [`crate::spatial::LineIndex`].

use geo::Point;

use super::status::{SegmentStatus, StatusTimelines};
use crate::spatial::{LineIndex, LineMatch, QueryError, Side};
use crate::{CountryCode, Dataset, DateSpan, Dyad, Error, Incident, Result, Segment, StatusFilter};

/// A spatial index over every segment of a dataset, with chainage along each dyad.
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
/// assert_eq!(here.segment.dyad.to_string(), "KAZ-UZB");
/// assert_eq!(here.side.map(|c| c.to_string()).as_deref(), Some("KAZ"));
/// ```
#[derive(Debug)]
pub struct BorderIndex<'a> {
    data: &'a Dataset,
    index: LineIndex,
    chainage_start_m: Vec<f64>,
}

/// Where a point lies relative to one segment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Located<'a> {
    /// Position of the segment in [`Dataset::segments`].
    pub segment_index: usize,
    /// The segment.
    pub segment: &'a Segment,
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

/// What `classify` looks for.
#[derive(Clone, Debug, PartialEq)]
pub struct IncidentQuery {
    /// Distance allowed between an incident and a segment, in metres, before the incident's
    /// own location precision is added.
    pub within_m: f64,
    /// Evaluate every status at this span instead of at each incident's own date.
    pub as_of: Option<DateSpan>,
    /// Which statuses count (empty: any).
    pub filter: StatusFilter,
    /// Only segments of this dyad.
    pub dyad: Option<Dyad>,
}

/// An incident matched to a segment, with the segment's status at the incident's date.
#[derive(Clone, Debug, PartialEq)]
pub struct IncidentMatch<'a> {
    /// Where the incident lies relative to the segment.
    pub located: Located<'a>,
    /// The segment's status over the incident's date span (or `--as-of`).
    pub status: SegmentStatus<'a>,
}

impl<'a> BorderIndex<'a> {
    /// Indexes every segment of `data`.
    ///
    /// # Errors
    /// [`Error::Request`] if a segment's geometry cannot be indexed (a validated dataset's
    /// always can).
    pub fn new(data: &'a Dataset) -> Result<BorderIndex<'a>> {
        let lines: Vec<_> = data.segments().iter().map(|s| s.line.clone()).collect();
        let index = LineIndex::new(&lines).map_err(|e| Error::Request(e.to_string()))?;
        let mut chainage_start_m = Vec::with_capacity(lines.len());
        let mut prev: Option<(Dyad, f64)> = None;
        for (i, s) in data.segments().iter().enumerate() {
            let start = match prev {
                Some((d, end)) if d == s.dyad => end,
                _ => 0.0,
            };
            chainage_start_m.push(start);
            // The index measured every line already (the same geodesic lengths).
            let length_m = index.line_length_m(i).unwrap_or_else(|| s.length_m());
            prev = Some((s.dyad, start + length_m));
        }
        Ok(BorderIndex {
            data,
            index,
            chainage_start_m,
        })
    }

    /// The dataset indexed.
    pub fn data(&self) -> &'a Dataset {
        self.data
    }

    fn located(&self, m: &LineMatch) -> Located<'a> {
        let segment = &self.data.segments()[m.line];
        Located {
            segment_index: m.line,
            segment,
            distance_m: m.distance_m,
            chainage_m: self.chainage_start_m.get(m.line).copied().unwrap_or(0.0) + m.measure_m,
            closest: m.closest,
            side: match m.side {
                Side::Left => Some(segment.left),
                Side::Right => Some(segment.right),
                Side::On => None,
            },
        }
    }

    /// The nearest segment to `p` (lon/lat); `None` for an empty dataset.
    ///
    /// # Errors
    /// When `p` is not a valid lon/lat position.
    pub fn locate(&self, p: Point<f64>) -> std::result::Result<Option<Located<'a>>, QueryError> {
        Ok(self.index.nearest(p)?.map(|m| self.located(&m)))
    }

    /// Every segment within `max_m` metres of `p`, nearest first.
    ///
    /// # Errors
    /// When `p` is not a valid position or `max_m` is negative or not finite.
    pub fn within(
        &self,
        p: Point<f64>,
        max_m: f64,
    ) -> std::result::Result<Vec<Located<'a>>, QueryError> {
        Ok(self
            .index
            .within(p, max_m)?
            .iter()
            .map(|m| self.located(m))
            .collect())
    }

    /// The segment an incident falls on: the nearest segment within `query.within_m` plus the
    /// incident's location precision whose status (at the incident's date, or `query.as_of`)
    /// may match the filter.
    ///
    /// # Errors
    /// When the incident's position is invalid or the distance is negative or not finite.
    pub fn classify(
        &self,
        timelines: &StatusTimelines<'a>,
        incident: &Incident,
        query: &IncidentQuery,
    ) -> std::result::Result<Option<IncidentMatch<'a>>, QueryError> {
        let reach = query.within_m + incident.precision_m;
        let at = query.as_of.unwrap_or(incident.date);
        let segments = self.data.segments();
        let accept = |line: usize| {
            segments.get(line).is_some_and(|seg| {
                query.dyad.is_none_or(|d| d == seg.dyad)
                    && (query.filter.is_empty() || timelines.at(line, at).may_match(&query.filter))
            })
        };
        Ok(self
            .index
            .nearest_within(incident.point, reach, accept)?
            .map(|m| IncidentMatch {
                located: self.located(&m),
                status: timelines.at(m.line, at),
            }))
    }
}
