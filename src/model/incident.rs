//! Incidents: dated point events near borders.

use geo::Point;

use crate::PartialDate;

/// A dated point event: a shooting, detention, trespass, protest, clash, …
#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    /// Unique id.
    pub id: String,
    /// When it happened, to the precision known.
    pub date: PartialDate,
    /// Where, lon/lat.
    pub point: Point<f64>,
    /// How far the true position may be from `point`, in metres (0 when exact).
    pub precision_m: f64,
    /// What happened (`shooting`, `detention`, …).
    pub kind: String,
    /// A short summary.
    pub summary: String,
    /// Deaths, where reported.
    pub fatalities: Option<u32>,
    /// The source (an id in `sources.csv`, or free text in imported tables).
    pub source_id: String,
}
