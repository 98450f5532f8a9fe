//! Nearest matches: every incident matched to its nearest segment whatever the distance (the
//! "distance to the border" covariate, PRIO-GRID's `bdist`), for [`IncidentQuery::nearest`].
//!
//! The search is the index's best-first nearest search: pieces of line come in increasing order
//! of a lower bound of their distance, and the search stops once that bound passes the nearest
//! distance found, so it costs a few pieces wherever the incident is, a kilometre or a thousand
//! from the nearest border. A second, bounded search of the same kind tells whether another
//! segment may truly be the nearest one given both precisions; only then are those segments
//! listed (the match's alternatives).

use super::certainty::{Alternative, Certainty};
use super::classify::{imprecise_bit, FoundLine, IncidentSearch};
use super::incident_query::{IncidentMatch, IncidentQuery};
use super::locate::BorderIndex;
use super::status::{SegmentStatus, StatusTimelines};
use crate::date::{FIRST_DAY, LAST_DAY};
use crate::spatial::{AnchoredBounds, LineMatch, Query, QueryError};
use crate::DateSpan;

impl BorderIndex {
    /// Whether the nearest search may match `line` for `q`: a segment of the incident's own
    /// dyad (when it names one) and of the query's, whose status at the incident's date may
    /// match the query's filter.
    fn nearest_may_take(
        &self,
        timelines: &StatusTimelines,
        line: usize,
        q: &IncidentSearch,
        query: &IncidentQuery,
    ) -> bool {
        self.sides.get(line).is_some_and(|&(dyad, _, _)| {
            q.dyad.is_none_or(|d| d == dyad)
                && query.dyad.is_none_or(|d| d == dyad)
                && (query.filter.is_empty() || timelines.at(line, q.at).may_match(&query.filter))
        })
    }

    /// How far (metres, before the other segment's own precision) another segment may be from
    /// `q` and still truly be nearer than match `m`: the match's distance plus twice the
    /// incident's precision plus the match's segment's precision.
    fn rival_reach_m(&self, m: &LineMatch, q: &IncidentSearch) -> f64 {
        m.distance_m + 2.0 * q.precision_m + self.precision_m.get(m.line).copied().unwrap_or(0.0)
    }

    /// The nearest segment to `q` that the query allows, whatever the distance (step one of a
    /// nearest match), and whether another may truly be nearer.
    ///
    /// `bounds` holds lower bounds of the imprecise segments' distances, carried from one
    /// incident to the next nearby one, as for the search within reach.
    pub(super) fn find_nearest(
        &self,
        timelines: &StatusTimelines,
        q: &IncidentSearch,
        query: &IncidentQuery,
        bounds: &mut AnchoredBounds,
    ) -> std::result::Result<Option<FoundLine>, QueryError> {
        let at = Query::of(q.point)?;
        // One best-first search finds the nearest and tells whether another ordinary segment
        // may lie within the rivals' reach plus the ordinary precision; an imprecise one may
        // lie within the reach plus its own.
        let ordinary_m = self.ordinary_precision_m;
        let Some((m, ordinary_rival)) = self.index.nearest_with_rival(
            &at,
            |line| self.nearest_may_take(timelines, line, q, query),
            |line| self.precision_m.get(line).is_some_and(|&p| p <= ordinary_m),
            |line| {
                2.0 * q.precision_m
                    + self.precision_m.get(line).copied().unwrap_or(0.0)
                    + ordinary_m
            },
        ) else {
            return Ok(None);
        };
        let reach_m = self.rival_reach_m(&m, q);
        // Each imprecise segment other than the match that the query allows and that may lie
        // within the rivals' reach plus its own precision may be a rival. With bounds carried
        // from an earlier incident nearby (in a batch, in Morton order), most of these checks
        // are one subtraction; the answers are the same. The rivals' search looks only at the
        // first 64 found here, and bounds the others itself.
        bounds.move_to(
            &at,
            self.imprecise
                .iter()
                .map(|wide| (&wide.index, wide.precision_m)),
        );
        let mut imprecise_in_reach = 0u64;
        let mut imprecise_rival = false;
        for (k, wide) in self.imprecise.iter().enumerate() {
            if wide.segment == m.line
                || !bounds.may_be_within(k, &wide.index, &at, reach_m + wide.precision_m)
                || !self.nearest_may_take(timelines, wide.segment, q, query)
            {
                continue;
            }
            imprecise_rival = true;
            if let Some(bit) = imprecise_bit(k) {
                imprecise_in_reach |= bit;
            }
        }
        Ok(Some(FoundLine {
            line: m,
            others_near: ordinary_rival || imprecise_rival,
            // Read only by the alternatives within reach, not by nearest matches; this value
            // is right for any incident (each ordinary line is then searched).
            ordinary_near: true,
            imprecise_in_reach,
            imprecise_solved: 0,
            solved: (0, 0),
        }))
    }

    /// The incident match of nearest match `found` (step two): its status, certainty and the
    /// segments that may truly be nearer; `None` when the query keeps only certain matches and
    /// this one is not.
    pub(super) fn matched_nearest(
        &self,
        timelines: &StatusTimelines,
        found: &FoundLine,
        status: SegmentStatus,
        q: &IncidentSearch,
        query: &IncidentQuery,
    ) -> Option<IncidentMatch> {
        let m = &found.line;
        let alternatives = if found.others_near {
            self.nearest_rivals(timelines, found, q, query)
        } else {
            Vec::new()
        };
        let certainty = Certainty::of_nearest(alternatives.is_empty(), &status, &query.filter);
        if query.certain_only && certainty != Certainty::Certain {
            return None;
        }
        Some(IncidentMatch {
            located: self.located(m)?,
            status,
            certainty,
            alternatives,
            regimes: Vec::new(),
        })
    }

    /// The segments other than the match `found` that the query allows and that may truly be
    /// nearer to `q` (within [`BorderIndex::rival_reach_m`] plus their own precision), nearest
    /// first.
    fn nearest_rivals(
        &self,
        timelines: &StatusTimelines,
        found: &FoundLine,
        q: &IncidentSearch,
        query: &IncidentQuery,
    ) -> Vec<Alternative> {
        let m = &found.line;
        let reach_m = self.rival_reach_m(m, q);
        let ordinary_m = self.ordinary_precision_m;
        let Ok(mut near) = self.index.within(q.point, reach_m + ordinary_m) else {
            return Vec::new();
        };
        near.retain(|n| {
            self.precision_m
                .get(n.line)
                .is_some_and(|&p| p <= ordinary_m)
        });
        if let Ok(at) = Query::of(q.point) {
            for (k, wide) in self.imprecise.iter().enumerate() {
                // Of the first 64, `find_nearest` found those that may be rivals (the others
                // are not: skipping them changes no answer); the others are bounded here.
                let may_be_rival = match imprecise_bit(k) {
                    Some(bit) => found.imprecise_in_reach & bit != 0,
                    None => wide.index.may_be_within(&at, reach_m + wide.precision_m),
                };
                if may_be_rival {
                    if let Ok(Some(n)) =
                        wide.index
                            .nearest_accepted(&at, reach_m + wide.precision_m, |_| true)
                    {
                        near.push(LineMatch {
                            line: wide.segment,
                            ..n
                        });
                    }
                }
            }
        }
        near.sort_unstable_by(|a, b| {
            a.distance_m
                .total_cmp(&b.distance_m)
                .then(a.line.cmp(&b.line))
        });
        near.iter()
            .filter(|n| n.line != m.line)
            .filter(|n| {
                n.distance_m <= reach_m + self.precision_m.get(n.line).copied().unwrap_or(0.0)
            })
            .filter(|n| self.nearest_may_take(timelines, n.line, q, query))
            .map(|n| Alternative {
                segment_index: n.line,
                distance_m: n.distance_m,
                status: timelines.at(n.line, q.at),
            })
            .collect()
    }

    /// Whether some segment can be a nearest match for `query` on some date (at `query.as_of`
    /// when it sets one, else on any day a date can name): one of the query's dyad whose
    /// status may match its filter. When none can, no incident gets a nearest match.
    pub fn nearest_possible(&self, timelines: &StatusTimelines, query: &IncidentQuery) -> bool {
        let at = query.as_of.unwrap_or(DateSpan {
            first: FIRST_DAY,
            last: LAST_DAY,
        });
        self.sides.iter().enumerate().any(|(line, &(dyad, _, _))| {
            query.dyad.is_none_or(|d| d == dyad)
                && (query.filter.is_empty() || timelines.at(line, at).may_match(&query.filter))
        })
    }
}
