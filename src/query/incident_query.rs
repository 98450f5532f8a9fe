//! What an incident classification asks for ([`IncidentQuery`]) and what it answers
//! ([`IncidentMatch`]).

use super::certainty::{Alternative, Certainty};
use super::locate::Located;
use super::regimes::RegimeInForce;
use super::status::SegmentStatus;
use crate::{DateSpan, Dyad, RegimeWord, StatusFilter};

/// What `classify` looks for.
///
/// Start from [`IncidentQuery::within`] or [`IncidentQuery::nearest`] (or `Default`, which
/// allows no distance) and set the fields wanted, so that a field added later does not break
/// the code:
///
/// ```
/// use bordertrack::query::IncidentQuery;
/// let query = IncidentQuery {
///     certain_only: true,
///     ..IncidentQuery::within(5_000.0)
/// };
/// assert_eq!(query.within_m, 5_000.0);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IncidentQuery {
    /// Distance allowed between an incident and a segment, in metres, before the incident's
    /// location precision and the segment's stated precision are added.
    pub within_m: f64,
    /// Evaluate every status at this span instead of at each incident's own date.
    pub as_of: Option<DateSpan>,
    /// Which statuses count (empty: any).
    pub filter: StatusFilter,
    /// Only segments of this dyad.
    pub dyad: Option<Dyad>,
    /// Keep only [`Certainty::Certain`] matches: an incident whose match is only possible gets
    /// no answer.
    pub certain_only: bool,
    /// Only incidents whose segment has a regime that may be as one of these words (fenced,
    /// mined, an open or a closed crossing) on some day of the incident's date (or of
    /// `as_of`); with `filter` too, an incident whose segment matches either is kept. The
    /// segment is then the nearest within reach whatever its status. Empty: no condition on
    /// regimes. Read by [`crate::Borders::classify`] and the table pipeline
    /// ([`crate::Borders::classify_table`]), not by [`super::BorderIndex::classify`].
    pub regimes: Vec<RegimeWord>,
    /// Match every incident to its nearest segment, whatever the distance (the
    /// "distance to the border" covariate), instead of looking within `within_m`, which is
    /// then not used. The nearest is taken among the segments that `dyad`, `filter` (the
    /// status at the incident's date, or `as_of`) and the incident's own dyad allow, so an
    /// incident gets no answer only when none of them does. Its certainty and alternatives
    /// say whether another of those segments may be the nearest one given both precisions;
    /// see [`IncidentMatch::alternatives`].
    pub nearest: bool,
}

/// An incident matched to a segment, with the segment's status at the incident's date.
#[derive(Clone, Debug, PartialEq)]
pub struct IncidentMatch {
    /// Where the incident lies relative to the segment.
    pub located: Located,
    /// The segment's status over the incident's date span (or the query's `as_of`).
    pub status: SegmentStatus,
    /// How sure the match is, given the incident's location precision, the segment's stated
    /// precision and the incident's date span.
    pub certainty: Certainty,
    /// The other segments within the incident's reach (the query's distance plus the incident's
    /// location precision plus each segment's stated precision, `precision_m`; of the
    /// incident's own dyad when it names one), whatever their status, nearest first.
    ///
    /// For a [nearest](IncidentQuery::nearest) match: the other segments the query allows
    /// that may truly be nearer than the match, given the incident's location precision `p`
    /// and the segments' stated precisions: those at most `d + 2p + s + s'` metres away, `d`
    /// and `s` the match's distance and precision, `s'` the other segment's. The match is
    /// [`Certainty::Certain`] only when there is none (and the status is as for other matches).
    pub alternatives: Vec<Alternative>,
    /// The regime words that may hold on the matched segment over the incident's date span
    /// (or the query's `as_of`): a fence or minefield whose stretch overlaps the segment, a
    /// crossing whose place is nearest to it, a regime of its dyad whose site is not known
    /// ([`crate::query::RegimeTimelines::in_force_on_segment`]); each says whether it holds
    /// on every day of the span. Filled by [`crate::Borders::classify`],
    /// [`crate::Borders::classify_table`] and [`crate::Borders::classify_points`];
    /// [`crate::query::BorderIndex::classify`], which knows no regimes, leaves it empty.
    pub regimes: Vec<RegimeInForce>,
}

impl IncidentQuery {
    /// A query for the segments within `within_m` metres of each incident, of any status and
    /// dyad, at each incident's own date, keeping possible matches.
    pub fn within(within_m: f64) -> IncidentQuery {
        IncidentQuery {
            within_m,
            ..IncidentQuery::default()
        }
    }

    /// A query for each incident's nearest segment whatever the distance, of any status and
    /// dyad, at each incident's own date, keeping possible matches.
    ///
    /// ```
    /// use bordertrack::query::IncidentQuery;
    /// use bordertrack::{Basis, Borders, Incident, PartialDate};
    /// use geo::Point;
    /// let borders = Borders::embedded()?;
    /// // Astana, hundreds of kilometres from any border of the dataset.
    /// let incident = Incident {
    ///     id: "A".into(),
    ///     date: "2010-06-01".parse::<PartialDate>()?.span(),
    ///     point: Point::new(71.43, 51.13),
    ///     precision_m: 0.0,
    ///     kind: String::new(),
    ///     summary: String::new(),
    ///     fatalities: None,
    ///     source_id: String::new(),
    ///     dyad: None,
    ///     values: Default::default(),
    /// };
    /// let m = borders
    ///     .classify(&incident, &IncidentQuery::nearest(), Basis::InForce)?
    ///     .expect("every incident has a nearest segment");
    /// assert!(m.located.distance_m > 100_000.0);
    /// // Nothing is found within a kilometre.
    /// assert!(borders.classify(&incident, &IncidentQuery::within(1_000.0), Basis::InForce)?.is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn nearest() -> IncidentQuery {
        IncidentQuery {
            nearest: true,
            ..IncidentQuery::default()
        }
    }
}
