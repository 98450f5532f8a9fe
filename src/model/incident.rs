//! Incidents: dated point events near borders.

use geo::Point;

use crate::{DateSpan, Dyad, RowValues};

/// A dated point event: a shooting, detention, trespass, protest, clash, …
#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    /// Unique id.
    pub id: String,
    /// The days on which it may have happened: one day when the date is exact, a month or a
    /// year for partial dates, any range for imported tables that give start and end dates.
    pub date: DateSpan,
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
    /// The border the sources place it on, when they name one (a `dyad` column): only that
    /// dyad's segments are searched for it, so an incident near a tripoint is never put on a
    /// neighbouring border. `None`: every segment is searched.
    pub dyad: Option<Dyad>,
    /// The row's values as its table holds them, in the table's column order, when the
    /// incident was read by an [`IncidentReader`](crate::io::IncidentReader) (empty
    /// otherwise): written back out beside the classification.
    pub values: RowValues,
}
