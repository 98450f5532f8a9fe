//! A query position, checked, and the check of a query distance.

use geo_types::Point;

use super::ecef::ecef;
use super::error::QueryError;

/// A validated query point.
/// A query position, checked, with its ECEF coordinates: computed once for several searches.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Query {
    pub(super) lon: f64,
    pub(super) lat: f64,
    pub(super) p3: [f64; 3],
}

/// Validates a query point.
impl Query {
    /// `p` (lon/lat) checked.
    ///
    /// # Errors
    /// [`QueryError::InvalidPoint`] when `p` is not finite or out of range.
    pub(crate) fn of(p: Point<f64>) -> Result<Query, QueryError> {
        check_point(p)
    }
}

pub(super) fn check_point(p: Point<f64>) -> Result<Query, QueryError> {
    let (lon, lat) = (p.x(), p.y());
    if lon.is_finite()
        && lat.is_finite()
        && (-180.0..=180.0).contains(&lon)
        && (-90.0..=90.0).contains(&lat)
    {
        Ok(Query {
            lon,
            lat,
            p3: ecef(lon, lat),
        })
    } else {
        Err(QueryError::InvalidPoint { lon, lat })
    }
}

/// Validates a query distance.
pub(super) fn check_distance(max_m: f64) -> Result<(), QueryError> {
    if max_m.is_finite() && max_m >= 0.0 {
        Ok(())
    } else {
        Err(QueryError::InvalidDistance { max_m })
    }
}
