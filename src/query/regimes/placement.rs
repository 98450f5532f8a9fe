//! Where each regime lies: the segment a crossing is placed on (the nearest of its dyad's), and
//! the regimes on each segment.

use super::RegimeTimeline;
use crate::query::BorderIndex;
use crate::{Dataset, RegimeChange, RegimeSite};

/// How far from its place a crossing's segment is looked for, metres, beyond the place's own
/// precision: a checkpoint lies on the line, but a line drawn at 100 m–2 km precision may pass
/// a few km from it.
pub(super) const CROSSING_REACH_M: f64 = 25_000.0;

/// The tracks on the segment at `segment_index`: a stretch that overlaps it, a crossing whose
/// place is nearest to it, or a regime of its dyad whose site is not known.
pub(super) fn tracks_on(
    data: &Dataset,
    index: &BorderIndex,
    tracks: &[RegimeTimeline],
    segment_index: usize,
) -> Vec<usize> {
    let Some(segment) = data.segments().get(segment_index) else {
        return Vec::new();
    };
    let range_km = index
        .chainage_range_m(segment_index)
        .map(|(a, b)| (a / 1000.0, b / 1000.0));
    let changes = data.regime_changes();
    tracks
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            let Some(c) = changes.get(t.first) else {
                return false;
            };
            c.dyad == segment.dyad
                && match c.site {
                    RegimeSite::Stretch { from_km, to_km } => {
                        range_km.is_some_and(|(a, b)| from_km < b && to_km > a)
                    }
                    RegimeSite::Place(_) => t.segment == Some(segment_index),
                    RegimeSite::Unlocated => true,
                }
        })
        .map(|(i, _)| i)
        .collect()
}

/// The segment of a crossing's dyad nearest to its place, within the place's precision plus
/// [`CROSSING_REACH_M`]; `None` for a regime that is not a crossing.
///
/// Only the dyad's segments are searched, nearest first: the answer is the first segment of
/// the dyad among every segment within reach (nearest first, ties to the lower index), without
/// solving the other dyads' segments.
pub(super) fn crossing_segment(
    data: &Dataset,
    index: &BorderIndex,
    c: &RegimeChange,
) -> Option<usize> {
    let RegimeSite::Place(id) = &c.site else {
        return None;
    };
    let place = data.places().iter().find(|p| &p.id == id)?;
    let reach_m = place.precision_m.max(0.0) + CROSSING_REACH_M;
    let of_dyad = |line: usize| index.sides.get(line).is_some_and(|s| s.0 == c.dyad);
    index
        .index
        .nearest_within(place.point, reach_m, of_dyad)
        .ok()?
        .map(|m| m.line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dyad;

    /// The segment the search of every segment within reach gave (the first of the dyad).
    fn by_full_search(
        data: &Dataset,
        index: &BorderIndex,
        dyad: Dyad,
        place: usize,
    ) -> Option<usize> {
        let place = &data.places()[place];
        let reach_m = place.precision_m.max(0.0) + CROSSING_REACH_M;
        index
            .within(place.point, reach_m)
            .ok()?
            .into_iter()
            .find(|l| l.dyad == dyad)
            .map(|l| l.segment_index)
    }

    /// Every place of the embedded dataset, as a crossing of every dyad, lands on the segment
    /// the full search gives, of its dyad; and some do land (the test is not empty).
    #[test]
    fn crossings_land_where_the_full_search_put_them() -> crate::Result<()> {
        let data = Dataset::embedded()?;
        let index = BorderIndex::new(&data)?;
        let mut landed = 0;
        for (p, place) in data.places().iter().enumerate() {
            for dyad in data.dyads() {
                let crossing = RegimeChange {
                    site: RegimeSite::Place(place.id.clone()),
                    dyad,
                    ..data.regime_changes()[0].clone()
                };
                let found = crossing_segment(&data, &index, &crossing);
                assert_eq!(
                    found,
                    by_full_search(&data, &index, dyad, p),
                    "{} as a crossing of {dyad}",
                    place.id
                );
                if let Some(s) = found {
                    assert_eq!(data.segments()[s].dyad, dyad);
                    landed += 1;
                }
            }
        }
        assert!(landed >= data.places().len() / 2, "{landed} landed");
        Ok(())
    }

    #[test]
    fn a_regime_that_is_not_at_a_place_has_no_crossing_segment() -> crate::Result<()> {
        let data = Dataset::embedded()?;
        let index = BorderIndex::new(&data)?;
        let unlocated = data
            .regime_changes()
            .iter()
            .find(|c| !matches!(c.site, RegimeSite::Place(_)))
            .ok_or_else(|| crate::Error::Request("no regime away from a place".into()))?;
        assert_eq!(crossing_segment(&data, &index, unlocated), None);
        Ok(())
    }
}
