//! The best-first searches of [`LineIndex`]: the nearest line, the nearest line that a caller
//! accepts within a distance, and the nearest with whether a rival line may lie close behind it.

use geo_types::Point;

use super::closest_point::with_scratch;
use super::edge_section::margin_m;
use super::error::QueryError;
use super::line_index::LineIndex;
use super::query_point::{check_point, Query};
use super::section_blocks::SectionWalk;
use super::LineMatch;

impl LineIndex {
    /// The line nearest to `p` by geodesic distance, at its closest point; `None` when the index
    /// holds no line. Ties go to the lower line index.
    ///
    /// # Errors
    /// [`QueryError::InvalidPoint`] when `p` is not finite or out of range.
    pub fn nearest(&self, p: Point<f64>) -> Result<Option<LineMatch>, QueryError> {
        let q = check_point(p)?;
        Ok(with_scratch(|s| {
            s.candidates.clear();
            s.solved.clear();
            let mut best_m = f64::INFINITY;
            for (t, lb2) in self.tree().nearest_neighbor_iter_with_distance_2(&q.p3) {
                if lb2.sqrt() > best_m + margin_m(best_m) {
                    break;
                }
                if let Some(c) = self.closest_candidate(t.id, lb2.sqrt(), &q, &mut s.solved) {
                    best_m = best_m.min(c.distance_m());
                    s.candidates.push(c);
                }
            }
            self.exact_best(&mut s.candidates, &q)
        }))
    }

    /// The nearest line to `q` among those for which `accept(line)` is true, when it lies
    /// within `max_m` metres (`f64::INFINITY`: at any distance).
    ///
    /// A best-first search: the sections come in increasing order of their distance's lower
    /// bound (by the walk of the `section_blocks` module, which suits an index of one segment;
    /// for a large one it costs the square root of its number of sections), and the search
    /// stops at the first whose bound exceeds `max_m` or the nearest distance found so far
    /// (plus the estimates' margin), so it solves a few sections wherever `q` is, where
    /// [`LineIndex::nearest_within`] looks at every section within `max_m`.
    ///
    /// # Errors
    /// [`QueryError::InvalidDistance`] when `max_m` is negative or NaN.
    pub(crate) fn nearest_accepted(
        &self,
        q: &Query,
        max_m: f64,
        accept: impl FnMut(usize) -> bool,
    ) -> Result<Option<LineMatch>, QueryError> {
        if max_m.is_nan() || max_m < 0.0 {
            return Err(QueryError::InvalidDistance { max_m });
        }
        Ok(self
            .nearest_if_within(q, max_m, accept, |_| true)
            .and_then(|(_, m)| m))
    }

    /// When some line may lie within `max_m` metres of `q` (as [`LineIndex::may_be_within`]
    /// says; never when `max_m` is negative or NaN): the least lower bound of the distance of
    /// its sections, metres, and, when `search(that bound)` holds,
    /// [`LineIndex::nearest_accepted`]'s answer. One walk of the sections gives both: the
    /// check is the search's first step.
    pub(crate) fn nearest_if_within(
        &self,
        q: &Query,
        max_m: f64,
        mut accept: impl FnMut(usize) -> bool,
        search: impl FnOnce(f64) -> bool,
    ) -> Option<(f64, Option<LineMatch>)> {
        // Not `max_m >= 0.0` alone: that is false for NaN too, but says it less plainly.
        if max_m.is_nan() || max_m < 0.0 {
            return None;
        }
        let q = *q;
        with_scratch(|s| {
            let mut walk = SectionWalk::start(&self.items, &self.blocks, q.p3, max_m, &mut s.walk);
            let least_m = walk.least_bound_m(max_m)?;
            if !search(least_m) {
                return Some((least_m, None));
            }
            s.candidates.clear();
            s.solved.clear();
            let mut best_m = f64::INFINITY;
            while let Some((t, lower_bound_m)) = walk.next(max_m.min(best_m + margin_m(best_m))) {
                if !accept(t.line as usize) {
                    continue;
                }
                if let Some(c) = self.closest_candidate(t.id, lower_bound_m, &q, &mut s.solved) {
                    best_m = best_m.min(c.distance_m());
                    s.candidates.push(c);
                }
            }
            let m = self
                .exact_best(&mut s.candidates, &q)
                .filter(|m| m.distance_m <= max_m);
            Some((least_m, m))
        })
    }

    /// The nearest line to `q` among those `accept` takes, at any distance, and whether a
    /// line other than it that `rival` takes (and `accept` too) may lie within
    /// `extra_m(nearest line)` metres beyond it: one best-first search for both answers, which
    /// goes on past the nearest line only as far as that band (the second answer may be a
    /// false "yes", never a false "no").
    pub(crate) fn nearest_with_rival(
        &self,
        q: &Query,
        mut accept: impl FnMut(usize) -> bool,
        mut rival: impl FnMut(usize) -> bool,
        extra_m: impl Fn(usize) -> f64,
    ) -> Option<(LineMatch, bool)> {
        let q = *q;
        with_scratch(|s| {
            s.candidates.clear();
            s.solved.clear();
            // The least estimate so far with its line, and the least of each of two distinct
            // rival lines (so that one other than the final nearest is known).
            let (mut best_m, mut best_line) = (f64::INFINITY, usize::MAX);
            let mut rivals: [(f64, usize); 2] = [(f64::INFINITY, usize::MAX); 2];
            for (t, _) in self.tree().nearest_neighbor_iter_with_distance_2(&q.p3) {
                let lower_bound_m = t.chord.lower_bound_m(q.p3);
                let band_m = if best_line == usize::MAX {
                    0.0
                } else {
                    extra_m(best_line)
                };
                if lower_bound_m > best_m + band_m + margin_m(best_m + band_m) {
                    break;
                }
                // Once nothing nearer can come, one rival within the band is answer enough.
                let other_m = if rivals[0].1 == best_line {
                    rivals[1].0
                } else {
                    rivals[0].0
                };
                if lower_bound_m > best_m + 2.0 * margin_m(best_m) && other_m <= best_m + band_m {
                    break;
                }
                let line = t.line as usize;
                if !accept(line) {
                    continue;
                }
                let Some(c) = self.closest_candidate(t.id, lower_bound_m, &q, &mut s.solved) else {
                    continue;
                };
                let d = c.distance_m();
                if d < best_m {
                    best_m = d;
                    best_line = line;
                }
                if rival(line) {
                    if line == rivals[0].1 {
                        rivals[0].0 = rivals[0].0.min(d);
                    } else if line == rivals[1].1 {
                        rivals[1].0 = rivals[1].0.min(d);
                    } else if d < rivals[0].0 {
                        rivals[1] = rivals[0];
                        rivals[0] = (d, line);
                    } else if d < rivals[1].0 {
                        rivals[1] = (d, line);
                    }
                    if rivals[1].0 < rivals[0].0 {
                        rivals.swap(0, 1);
                    }
                }
                s.candidates.push(c);
            }
            let m = self.exact_best(&mut s.candidates, &q)?;
            let other_m = if rivals[0].1 == m.line {
                rivals[1].0
            } else {
                rivals[0].0
            };
            let band_m = m.distance_m + extra_m(m.line);
            Some((m, other_m <= band_m + 2.0 * margin_m(band_m)))
        })
    }
}
