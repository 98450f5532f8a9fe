//! The within-distance searches of [`LineIndex`]: every line within a distance, the nearest
//! of them that a caller accepts and keeps, and whether any line may lie within a distance.

use geo_types::Point;

use super::closest_point::{better, with_scratch};
use super::edge_section::margin_m;
use super::error::QueryError;
use super::line_index::LineIndex;
use super::query_point::{check_distance, check_point, Query};
use super::section_blocks::box_distance_m;
use super::LineMatch;

impl LineIndex {
    /// Every line whose geodesic distance from `p` is at most `max_m` metres, one match per line
    /// (at its closest point), sorted by distance then line index.
    ///
    /// # Errors
    /// [`QueryError`] when `p` is not finite or out of range, or `max_m` is negative or not
    /// finite.
    pub fn within(&self, p: Point<f64>, max_m: f64) -> Result<Vec<LineMatch>, QueryError> {
        let mut out = Vec::new();
        self.within_into(p, max_m, &mut out)?;
        Ok(out)
    }

    /// [`LineIndex::within`] writing into `out` (cleared first), so that a caller looping over
    /// many points reuses one buffer and the query allocates nothing once warm.
    ///
    /// # Errors
    /// As [`LineIndex::within`]; `out` is left empty.
    pub fn within_into(
        &self,
        p: Point<f64>,
        max_m: f64,
        out: &mut Vec<LineMatch>,
    ) -> Result<(), QueryError> {
        out.clear();
        let q = check_point(p)?;
        check_distance(max_m)?;
        with_scratch(|s| {
            self.gather_candidates(&q, max_m, |_| true, s);
            for g in &s.lines {
                if g.best_m > max_m + margin_m(max_m) {
                    continue;
                }
                if let Some(m) = self.exact_best(&mut s.candidates[g.range.clone()], &q) {
                    if m.distance_m <= max_m {
                        out.push(m);
                    }
                }
            }
        });
        out.sort_unstable_by(|a, b| {
            a.distance_m
                .total_cmp(&b.distance_m)
                .then(a.line.cmp(&b.line))
        });
        Ok(())
    }

    /// The nearest line within `max_m` metres of `p` among the lines for which `accept(line)`
    /// holds, at its closest point; `None` when there is none. Equivalent to the first match of
    /// [`LineIndex::within`] that `accept` takes, but solves only the lines that can be it.
    ///
    /// # Errors
    /// As [`LineIndex::within`].
    ///
    /// # Examples
    /// ```
    /// use bordertrack::spatial::LineIndex;
    /// use geo_types::{line_string, Point};
    ///
    /// let lines = vec![
    ///     line_string![(x: 66.0, y: 40.0), (x: 66.0, y: 41.0)],
    ///     line_string![(x: 66.1, y: 40.0), (x: 66.1, y: 41.0)],
    /// ];
    /// let index = LineIndex::new(&lines)?;
    /// let p = Point::new(66.04, 40.5);
    /// assert_eq!(index.nearest_within(p, 10_000.0, |_| true)?.map(|m| m.line), Some(0));
    /// assert_eq!(index.nearest_within(p, 10_000.0, |l| l == 1)?.map(|m| m.line), Some(1));
    /// assert_eq!(index.nearest_within(p, 1_000.0, |_| true)?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn nearest_within(
        &self,
        p: Point<f64>,
        max_m: f64,
        accept: impl FnMut(usize) -> bool,
    ) -> Result<Option<LineMatch>, QueryError> {
        self.nearest_kept(&Query::of(p)?, max_m, accept, |_| true)
    }

    /// [`LineIndex::nearest_within`] among the matches that `keep` keeps: the nearest line
    /// within `max_m` metres of `q` that `accept` takes and whose closest match `keep` holds
    /// for (a line whose match it refuses does not hide a farther one).
    pub(crate) fn nearest_kept(
        &self,
        q: &Query,
        max_m: f64,
        accept: impl FnMut(usize) -> bool,
        keep: impl FnMut(&LineMatch) -> bool,
    ) -> Result<Option<LineMatch>, QueryError> {
        Ok(self.nearest_kept_and_others(q, max_m, accept, keep)?.0)
    }

    /// [`LineIndex::nearest_kept`], and how many other accepted lines (kept or not) may lie
    /// within `max_m` of `q`: every line that [`LineIndex::within`] would return, other than
    /// the nearest kept one, is counted (some counted lines may turn out farther).
    pub(crate) fn nearest_kept_and_others(
        &self,
        q: &Query,
        max_m: f64,
        accept: impl FnMut(usize) -> bool,
        mut keep: impl FnMut(&LineMatch) -> bool,
    ) -> Result<(Option<LineMatch>, usize), QueryError> {
        check_distance(max_m)?;
        Ok(with_scratch(|s| {
            self.gather_candidates(q, max_m, accept, s);
            s.lines
                .sort_unstable_by(|a, b| a.best_m.total_cmp(&b.best_m).then(a.line.cmp(&b.line)));
            let mut best: Option<LineMatch> = None;
            for g in &s.lines {
                let bound = best.map_or(max_m, |b| b.distance_m);
                if g.best_m > bound + 2.0 * margin_m(bound) {
                    break;
                }
                if let Some(m) = self.exact_best(&mut s.candidates[g.range.clone()], q) {
                    if m.distance_m <= max_m
                        && best.as_ref().is_none_or(|b| better(&m, b))
                        && keep(&m)
                    {
                        best = Some(m);
                    }
                }
            }
            // The lines `within` would solve (it skips the others): those whose least
            // estimate is within the margin of `max_m`.
            let may_be_within = max_m + margin_m(max_m);
            let others = s
                .lines
                .iter()
                .filter(|g| g.best_m <= may_be_within && best.is_none_or(|b| b.line != g.line))
                .count();
            (best, others)
        }))
    }

    /// Whether some line may lie within `max_m` metres of `q`: false only when none does (a
    /// lower bound of the distance, from the index's box and then each section's, exceeds
    /// `max_m`). The sections are bounded in the walk of the `section_blocks` module, which
    /// stops at the first block holding one within `max_m`: on the README benchmark the walk
    /// of the R-tree's sections in the cube `q ± max_m` cost 25.1 M instructions (23,405 calls,
    /// the imprecise segments' indexes), and checking every section instead of either cost
    /// 163 M of 1,557 M.
    pub(crate) fn may_be_within(&self, q: &Query, max_m: f64) -> bool {
        // A millimetre below the box's distance, against rounding.
        if self.box_distance_m(q) - 1e-3 > max_m {
            return false;
        }
        self.nearest_if_within(q, max_m, f64::INFINITY, |_| true, |_| false)
            .is_some()
    }
}

impl LineIndex {
    /// The straight-line (ECEF) distance from `q` to the box holding every section's box,
    /// metres: no section's lower bound, and no line, is nearer (up to rounding).
    pub(crate) fn box_distance_m(&self, q: &Query) -> f64 {
        let (lo, hi) = self.bounds;
        box_distance_m(lo, hi, q.p3)
    }
}

#[cfg(test)]
mod tests {
    use geo_types::line_string;
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// The tree-pruned answer is the answer of bounding every section.
        #[test]
        fn may_be_within_bounds_the_same_sections_as_a_scan_of_all(
            lon in 60.0..75.0f64,
            lat in 35.0..48.0f64,
            max_m in prop_oneof![0.0..5_000.0f64, 0.0..300_000.0f64, 0.0..1_500_000.0f64],
        ) {
            let lines = vec![
                line_string![
                    (x: 66.0, y: 40.0), (x: 66.3, y: 40.4), (x: 66.1, y: 41.0),
                    (x: 67.5, y: 41.2), (x: 69.0, y: 43.0), (x: 70.0, y: 42.5),
                ],
                line_string![(x: 72.0, y: 37.0), (x: 72.01, y: 37.02), (x: 74.0, y: 39.5)],
            ];
            let index = LineIndex::new(&lines).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let q = Query::of(Point::new(lon, lat)).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let scan = index.items.iter().any(|i| i.chord.lower_bound_m(q.p3) <= max_m);
            prop_assert_eq!(index.may_be_within(&q, max_m), scan);
        }
    }
}
