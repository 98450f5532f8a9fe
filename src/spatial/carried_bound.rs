//! Lower bounds of several indexes' distances, computed at one anchor point and carried to the
//! query points near it: for a run of nearby queries (an incident table in Morton order), most
//! "may a line of this index lie within this distance?" questions are then answered by one
//! subtraction each, after one distance between the point and the anchor.
//!
//! # Why they are bounds
//! The bound of an index at a point `p` is the straight-line (ECEF) distance `D(p)` from `p` to
//! the box holding every section's box, the first test of [`LineIndex::may_be_within`]. For
//! any two points, `D(p') >= D(p) - |p - p'|` (the distance to a set changes no faster than the
//! point moves, in space), so when `D(anchor) - |anchor - p'|` exceeds the distance asked by a
//! metre (against rounding; the test it stands for allows a millimetre), that first test would
//! say "none" at `p'` too. No geodesic, no projection: only the chord between the two points.
//! Otherwise the test is made as before.
//!
//! On the README benchmark (100,000 incidents, eight imprecise segments each asked about for
//! every incident) the box tests alone took about 48 M instructions.
//!
//! # Carried upper bounds
//! The other way round, the exact distance `d` from an earlier point `p` to an index's nearest
//! line bounds the distance from a nearby point `p'` from above: at most `d` plus the geodesic
//! distance from `p` to `p'` (the triangle inequality). That geodesic is no longer than the
//! curve cut from the ellipsoid by the plane through `p`, `p'` and the normal at `p`, a plane
//! curve whose curvature, over a few hundred kilometres, is at most that of a circle of
//! [`LEAST_RADIUS_M`] (the least radius of curvature of WGS84, `a(1 - e²)` = 6,335,439 m at
//! the equator, less a margin for the plane's tilt away from the normal). By Schur's
//! comparison theorem such a curve is no longer than that circle's arc over the same chord
//! `c`: `2R asin(c / 2R)`, a few metres more than the chord at 100 km. No geodesic is solved:
//! one chord and a few products.

use super::line_index::LineIndex;
use super::query_point::Query;

/// Rounding allowance of a carried bound, metres: far above the nanometres the subtraction and
/// the box distances can be off by, far below any distance that matters.
const CARRIED_SLACK_M: f64 = 1.0;

/// How far the query point may move from the anchor before the bounds are taken again at the
/// point, metres: each bound is weaker by at most this. On the README benchmark (blocks of
/// about 12,500 rows in Morton order) 50 km took the bounds again for 15,070 of 100,000 rows
/// (about 560 instructions each) and 150 km for 4,319, while the weaker bounds leave some
/// 15,000 more box tests to the indexes: 3.2 M instructions fewer in all (BENCHMARKS.md).
const REANCHOR_M: f64 = 150_000.0;

/// A radius below every radius of curvature of the curves compared with in the upper bounds,
/// metres; see the [module documentation](self).
const LEAST_RADIUS_M: f64 = 6_300_000.0;

/// How far a carried upper bound is carried, metres: beyond this chord from the point it was
/// found at, no upper bound is given.
const CARRY_UPPER_M: f64 = 200_000.0;

/// Lower bounds of the distances of a list of indexes from an anchor, and how far the current
/// query point is from it; see the [module documentation](self). `Default`: no anchor yet.
#[derive(Clone, Debug, Default)]
pub(crate) struct AnchoredBounds {
    /// The anchor (ECEF, metres); `None`: none yet.
    anchor: Option<[f64; 3]>,
    /// Each index's box distance from the anchor, metres, in the list's order.
    lower_m: Vec<f64>,
    /// The chord from the anchor to the current query point, metres.
    moved_m: f64,
    /// The least of each index's box distance from the anchor less its extra reach, metres.
    least_m: f64,
    /// For each index (in the list's order) whose nearest line was found: the point it was
    /// found from (ECEF, metres) and its exact distance, metres.
    nearest: Vec<Option<([f64; 3], f64)>>,
}

impl AnchoredBounds {
    /// Makes `q` the current point: the bounds are taken again, at `q`, for `indexes` (the list
    /// they are kept for, always the same one) when there are none yet or `q` is farther
    /// than [`REANCHOR_M`] from the anchor.
    ///
    /// Each index comes with an extra reach, metres (its segment's precision), for
    /// [`AnchoredBounds::rules_out_all`].
    pub(crate) fn move_to<'a>(
        &mut self,
        q: &Query,
        indexes: impl Iterator<Item = (&'a LineIndex, f64)>,
    ) {
        if let Some(anchor) = self.anchor {
            self.moved_m = chord_m(anchor, q.p3);
            if self.moved_m <= REANCHOR_M {
                return;
            }
        }
        self.anchor = Some(q.p3);
        self.moved_m = 0.0;
        self.lower_m.clear();
        self.least_m = f64::INFINITY;
        for (index, extra_m) in indexes {
            let lower_m = index.box_distance_m(q);
            self.lower_m.push(lower_m);
            self.least_m = self.least_m.min(lower_m - extra_m);
        }
    }

    /// Whether the carried bounds show that no index has a line within `max_m` plus its extra
    /// reach of the current point: [`AnchoredBounds::rules_out`] for every `k` at once (each
    /// index's bound less its extra reach is at least their least, so when that least less the
    /// move and the slack exceeds `max_m`, each index's test would rule it out). False with
    /// no anchor yet.
    pub(crate) fn rules_out_all(&self, max_m: f64) -> bool {
        self.anchor.is_some() && self.least_m - self.moved_m - CARRIED_SLACK_M > max_m
    }

    /// [`LineIndex::may_be_within`] (the same answer) for `index`, the list's `k`th, at the
    /// current point `q`: false at once when its carried bound shows that no line is within
    /// `max_m`.
    pub(crate) fn may_be_within(&self, k: usize, index: &LineIndex, q: &Query, max_m: f64) -> bool {
        !self.rules_out(k, max_m) && index.may_be_within(q, max_m)
    }

    /// Notes that the nearest line of the list's `k`th index lies `distance_m` (exact) from
    /// `q`, for [`AnchoredBounds::nearest_at_most_m`] at the points that follow.
    pub(crate) fn note_nearest(&mut self, k: usize, q: &Query, distance_m: f64) {
        if self.nearest.len() <= k {
            self.nearest.resize(k + 1, None);
        }
        if let Some(slot) = self.nearest.get_mut(k) {
            *slot = Some((q.p3, distance_m));
        }
    }

    /// An upper bound (metres) of the distance from `q` to the nearest line of the list's
    /// `k`th index, from the last one noted for it (see the [module documentation](self));
    /// infinite when none was noted or `q` is farther than [`CARRY_UPPER_M`] from where it was.
    pub(crate) fn nearest_at_most_m(&self, k: usize, q: &Query) -> f64 {
        let Some(&Some((from, distance_m))) = self.nearest.get(k) else {
            return f64::INFINITY;
        };
        let c = chord_m(from, q.p3);
        if c > CARRY_UPPER_M {
            return f64::INFINITY;
        }
        // 2R asin(x) with x = c / 2R: asin's series has coefficients 1, then 1/6 and less, so
        // asin(x) <= x + (x³/6) / (1 - x²), and the arc is at most c (1 + (x²/6) / (1 - x²)).
        let x2 = (c / (2.0 * LEAST_RADIUS_M)).powi(2);
        let arc_m = c * (1.0 + x2 / (6.0 * (1.0 - x2)));
        // Against rounding, and the nanometres by which the solved foot may miss the line.
        distance_m + arc_m + CARRIED_SLACK_M
    }

    /// Whether the carried bound of the list's `k`th index alone shows that none of its lines
    /// lies within `max_m` of the current point (false: it may, or there is no bound).
    pub(crate) fn rules_out(&self, k: usize, max_m: f64) -> bool {
        self.lower_m
            .get(k)
            .is_some_and(|&lower_m| lower_m - self.moved_m - CARRIED_SLACK_M > max_m)
    }
}

/// The straight-line distance between two ECEF points, metres.
fn chord_m(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (dx, dy, dz) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    (dx * dx + dy * dy + dz * dz).sqrt()
}

#[cfg(test)]
mod tests {
    use geo_types::{line_string, Point};
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Along a walk of nearby and distant points, the carried answer is always the one
        /// computed from scratch (and the scan of every section's bound), whatever the distance,
        /// and the carried upper bound is never below the exact distance.
        #[test]
        fn the_carried_answer_is_the_computed_one(
            walk in prop::collection::vec(
                (60.0..75.0f64, 35.0..48.0f64, -0.5..0.5f64, -0.5..0.5f64, 0usize..5,
                 prop_oneof![0.0..5_000.0f64, 0.0..60_000.0f64, 0.0..400_000.0f64]),
                1..60,
            ),
        ) {
            let lines = [
                line_string![
                    (x: 66.0, y: 40.0), (x: 66.3, y: 40.4), (x: 66.1, y: 41.0),
                    (x: 67.5, y: 41.2), (x: 69.0, y: 43.0), (x: 70.0, y: 42.5),
                ],
                line_string![(x: 72.0, y: 37.0), (x: 72.01, y: 37.02), (x: 74.0, y: 39.5)],
            ];
            let indexes = lines
                .iter()
                .map(|l| LineIndex::new(std::slice::from_ref(l)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut bounds = AnchoredBounds::default();
            let (mut lon, mut lat) = (walk[0].0, walk[0].1);
            for &(far_lon, far_lat, dlon, dlat, jump, max_m) in &walk {
                // Mostly small steps, sometimes a jump, sometimes the same point again.
                match jump {
                    0 => (lon, lat) = (far_lon, far_lat),
                    1 => {}
                    _ => (lon, lat) = ((lon + dlon).clamp(-180.0, 180.0), (lat + dlat).clamp(-90.0, 90.0)),
                }
                let q = Query::of(Point::new(lon, lat)).map_err(|e| TestCaseError::fail(e.to_string()))?;
                bounds.move_to(&q, indexes.iter().map(|i| (i, 0.0)));
                for (k, index) in indexes.iter().enumerate() {
                    let scan = index.items.iter().any(|i| i.chord.lower_bound_m(q.p3) <= max_m);
                    prop_assert_eq!(bounds.may_be_within(k, index, &q, max_m), scan);
                    prop_assert_eq!(index.may_be_within(&q, max_m), scan);
                    // The upper bound carried from the last point is at least the exact
                    // distance; then this point's is noted for the next.
                    let exact_m = index
                        .nearest(Point::new(lon, lat))
                        .map_err(|e| TestCaseError::fail(e.to_string()))?
                        .map_or(f64::INFINITY, |m| m.distance_m);
                    let upper_m = bounds.nearest_at_most_m(k, &q);
                    prop_assert!(upper_m >= exact_m, "{upper_m} < {exact_m}");
                    bounds.note_nearest(k, &q, exact_m);
                    prop_assert!(bounds.nearest_at_most_m(k, &q) >= exact_m);
                }
                let none = indexes
                    .iter()
                    .all(|index| index.items.iter().all(|i| i.chord.lower_bound_m(q.p3) > max_m));
                prop_assert!(!bounds.rules_out_all(max_m) || none);
            }
        }
    }
}
