//! The best-first searches of [`LineIndex`]: the nearest line, the nearest line that a caller
//! accepts within a distance, and the nearest with whether a rival line may lie close behind it.

use geo_types::Point;

use super::closest_point::with_scratch;
use super::edge_section::margin_m;
use super::error::QueryError;
use super::line_index::LineIndex;
use super::query_point::{check_point, Query};
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
    /// bound, and the search stops at the first whose bound exceeds `max_m` or the nearest
    /// distance found so far (plus the estimates' margin), so it costs a few sections wherever
    /// `q` is, where [`LineIndex::nearest_within`] looks at every section within `max_m`.
    ///
    /// # Errors
    /// [`QueryError::InvalidDistance`] when `max_m` is negative or NaN.
    pub(crate) fn nearest_accepted(
        &self,
        q: &Query,
        max_m: f64,
        mut accept: impl FnMut(usize) -> bool,
    ) -> Result<Option<LineMatch>, QueryError> {
        if max_m.is_nan() || max_m < 0.0 {
            return Err(QueryError::InvalidDistance { max_m });
        }
        let q = *q;
        Ok(with_scratch(|s| {
            s.candidates.clear();
            s.solved.clear();
            let mut best_m = f64::INFINITY;
            for (t, _) in self.tree().nearest_neighbor_iter_with_distance_2(&q.p3) {
                let lower_bound_m = t.chord.lower_bound_m(q.p3);
                if lower_bound_m > max_m || lower_bound_m > best_m + margin_m(best_m) {
                    break;
                }
                if !accept(t.line as usize) {
                    continue;
                }
                if let Some(c) = self.closest_candidate(t.id, lower_bound_m, &q, &mut s.solved) {
                    best_m = best_m.min(c.distance_m());
                    s.candidates.push(c);
                }
            }
            self.exact_best(&mut s.candidates, &q)
                .filter(|m| m.distance_m <= max_m)
        }))
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
