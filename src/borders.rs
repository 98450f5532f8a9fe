//! [`Borders`]: a dataset with its spatial index and status timelines, owned in one value that
//! an embedder (a Python binding, a plugin, a server) can keep for as long as it likes and
//! share between threads.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use geo::Point;

use crate::query::{
    dyad_stats_seen_by, history, regime_history, BorderIndex, Certainty, DyadStats, HistoryEntry,
    IncidentMatch, IncidentQuery, Located, RegimeHistoryEntry, RegimeInForce, RegimeLength,
    RegimeStatus, RegimeTimelines, SegmentStatus, StatusTimelines,
};
use crate::spatial::QueryError;
use crate::{
    Basis, CountryCode, Dataset, DateSpan, Dyad, Incident, RegimeChange, RegimeKind, RegimeWord,
    Result, Segment, StatusChange,
};

/// A dataset, its spatial index and its status timelines: everything needed to answer
/// questions about the borders, in one value without lifetimes.
///
/// `Borders` is `Send + Sync + 'static`; its answers are owned values that name segments and
/// status changes by their position ([`Located::segment_index`], the `by` of a status event),
/// to be looked up with [`Borders::segment`] and [`Borders::change`]. The dataset is shared
/// ([`Arc`]), so cloning a `Borders` is cheap. The timelines of each [`Basis`] are built on
/// first use and kept.
///
/// # Examples
/// ```
/// use bordertrack::{Basis, Borders, PartialDate};
/// use geo::Point;
///
/// let borders = Borders::embedded()?;
/// // Saryagash (Kazakhstan), lon/lat.
/// let here = borders.locate(Point::new(69.16667, 41.46667))?.expect("a segment");
/// assert_eq!(here.dyad.to_string(), "KAZ-UZB");
/// let at = "2024-01-01".parse::<PartialDate>()?.span();
/// let status = borders.status(here.segment_index, at, Basis::InForce);
/// assert_eq!(status.delimitation_word(), "delimited");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Borders {
    data: Arc<Dataset>,
    index: Arc<BorderIndex>,
    in_force: Arc<OnceLock<StatusTimelines>>,
    signed: Arc<OnceLock<StatusTimelines>>,
    regimes: Arc<OnceLock<RegimeTimelines>>,
}

impl Borders {
    /// Indexes `data` (a [`Dataset`] or an `Arc<Dataset>` shared with others).
    ///
    /// # Errors
    /// [`crate::Error::Request`] if a segment's geometry cannot be indexed (a validated
    /// dataset's always can).
    pub fn new(data: impl Into<Arc<Dataset>>) -> Result<Borders> {
        let data = data.into();
        let index = Arc::new(BorderIndex::new(&data)?);
        Ok(Borders {
            data,
            index,
            in_force: Arc::default(),
            signed: Arc::default(),
            regimes: Arc::default(),
        })
    }

    /// The Central Asia dataset compiled into the crate, indexed.
    ///
    /// # Errors
    /// As [`Dataset::embedded`].
    pub fn embedded() -> Result<Borders> {
        Borders::new(Dataset::embedded()?)
    }

    /// The dataset in directory `dir`, loaded, validated and indexed.
    ///
    /// # Errors
    /// As [`Dataset::load`]: [`crate::Error::Invalid`] with every problem found.
    pub fn load(dir: impl AsRef<Path>) -> Result<Borders> {
        Borders::new(Dataset::load(dir)?)
    }

    /// The dataset.
    pub fn dataset(&self) -> &Dataset {
        &self.data
    }

    /// The dataset, shared.
    pub fn shared_dataset(&self) -> Arc<Dataset> {
        Arc::clone(&self.data)
    }

    /// The spatial index over the dataset's segments.
    pub fn index(&self) -> &BorderIndex {
        &self.index
    }

    /// The status timelines of every segment under `basis` (built on first use).
    pub fn timelines(&self, basis: Basis) -> &StatusTimelines {
        let cell = match basis {
            Basis::InForce => &self.in_force,
            Basis::Signed => &self.signed,
        };
        cell.get_or_init(|| StatusTimelines::new(&self.data, basis))
    }

    /// The segment at `segment_index` in [`Dataset::segments`] (as named by
    /// [`Located::segment_index`]).
    pub fn segment(&self, segment_index: usize) -> Option<&Segment> {
        self.data.segments().get(segment_index)
    }

    /// The status change at `position` in [`Dataset::changes`] (as named by the `by` of a
    /// status event).
    pub fn change(&self, position: usize) -> Option<&StatusChange> {
        self.data.changes().get(position)
    }

    /// The id of the instrument of the change after which `status` holds, if any.
    pub fn instrument_id_of(&self, status: &SegmentStatus) -> Option<&str> {
        status
            .since()
            .and_then(|e| self.change(e.by))
            .and_then(|c| c.instrument_id.as_deref())
    }

    /// The nearest segment to `p` (lon/lat); `None` for a dataset without segments.
    ///
    /// # Errors
    /// When `p` is not a valid lon/lat position.
    pub fn locate(&self, p: Point<f64>) -> std::result::Result<Option<Located>, QueryError> {
        self.index.locate(p)
    }

    /// Every segment within `max_m` metres (geodesic) of `p`, nearest first.
    ///
    /// # Errors
    /// When `p` is not a valid position or `max_m` is negative or not finite.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::Borders;
    /// use geo::Point;
    ///
    /// let borders = Borders::embedded()?;
    /// // Saryagash (Kazakhstan), lon/lat: the Kazakh–Uzbek line within 10 km.
    /// let near = borders.within(Point::new(69.16667, 41.46667), 10_000.0)?;
    /// assert!(!near.is_empty());
    /// assert!(near.iter().all(|l| l.distance_m <= 10_000.0));
    /// assert!(near.windows(2).all(|w| w[0].distance_m <= w[1].distance_m));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn within(
        &self,
        p: Point<f64>,
        max_m: f64,
    ) -> std::result::Result<Vec<Located>, QueryError> {
        self.index.within(p, max_m)
    }

    /// The status of the segment at `segment_index` over the days of `at`, with changes dated
    /// under `basis`.
    pub fn status(&self, segment_index: usize, at: DateSpan, basis: Basis) -> SegmentStatus {
        self.timelines(basis).at(segment_index, at)
    }

    /// The segment one incident falls on, with its status, as
    /// [`BorderIndex::classify`]; changes are dated under `basis`.
    ///
    /// # Errors
    /// When the incident's position is invalid or the distance is negative or not finite.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::query::{Certainty, IncidentQuery};
    /// use bordertrack::{Basis, Borders, Incident, PartialDate, RowValues};
    /// use geo::Point;
    ///
    /// let borders = Borders::embedded()?;
    /// let incident = Incident {
    ///     id: "E1".into(),
    ///     date: "2006-04-19".parse::<PartialDate>()?.span(),
    ///     point: Point::new(69.16667, 41.46667), // lon/lat
    ///     precision_m: 0.0,
    ///     kind: String::new(),
    ///     summary: String::new(),
    ///     fatalities: None,
    ///     source_id: String::new(),
    ///     dyad: None,
    ///     values: RowValues::default(),
    /// };
    /// // Any status, within 5 km (plus the segment's stated precision).
    /// let m = borders
    ///     .classify(&incident, &IncidentQuery::within(5_000.0), Basis::InForce)?
    ///     .expect("a segment within reach");
    /// assert_eq!(m.located.dyad.to_string(), "KAZ-UZB");
    /// assert!(matches!(m.certainty, Certainty::Certain | Certainty::Possible));
    /// let segment = borders.segment(m.located.segment_index).unwrap();
    /// assert!(segment.id.starts_with("KAZ-UZB-"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn classify(
        &self,
        incident: &Incident,
        query: &IncidentQuery,
        basis: Basis,
    ) -> std::result::Result<Option<IncidentMatch>, QueryError> {
        let m = if query.regimes.is_empty() {
            self.index
                .classify(self.timelines(basis), incident, query)?
        } else {
            let wide = without_status_words(query);
            self.index
                .classify(self.timelines(basis), incident, &wide)?
        };
        Ok(m.and_then(|mut m| self.finish(&mut m, incident.date, query).then_some(m)))
    }

    /// Completes `m`, found for an incident dated `date` with `query` (or, when it has regime
    /// words, with [`without_status_words`]`(query)`): fills in the regimes on its segment,
    /// and, with regime words, keeps it only when it meets the query's status words or regime
    /// words (either), and makes it [`Certainty::Possible`](crate::query::Certainty) unless
    /// one of them holds on every day (every status it may have had matches, or a regime asked
    /// for holds throughout). Whether it is kept; completed in place, so that the match (some
    /// 200 bytes) is not copied on the way.
    pub(crate) fn finish(
        &self,
        m: &mut IncidentMatch,
        date: DateSpan,
        query: &IncidentQuery,
    ) -> bool {
        let at = query.as_of.unwrap_or(date);
        // Into the match's own buffer, which a caller may have lent (empty, with room).
        self.regime_timelines().in_force_on_segment_into(
            &self.data,
            m.located.segment_index,
            at,
            &mut m.regimes,
        );
        if query.regimes.is_empty() {
            return true;
        }
        let asked = |r: &&RegimeInForce| query.regimes.contains(&r.word);
        let by_status = !query.filter.is_empty() && m.status.may_match(&query.filter);
        if !by_status && !m.regimes.iter().any(|r| asked(&r)) {
            return false;
        }
        let sure = (!query.filter.is_empty() && m.status.must_match(&query.filter))
            || m.regimes.iter().filter(asked).any(|r| r.throughout);
        if !sure {
            m.certainty = Certainty::Possible;
            if query.certain_only {
                return false;
            }
        }
        true
    }

    /// The statistics of `dyad` over the span `at` under `basis`.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::{Basis, Borders, Dyad, PartialDate};
    ///
    /// let borders = Borders::embedded()?;
    /// let dyad: Dyad = "KAZ-UZB".parse()?;
    /// let at = "2023".parse::<PartialDate>()?.span();
    /// let stats = borders.stats(dyad, at, Basis::InForce);
    /// // Lengths are geodesic metres; the shares are percentages of `length_m`.
    /// assert!(stats.length_m > 2_000_000.0);
    /// assert_eq!(stats.delimited_pct(), 100.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stats(&self, dyad: Dyad, at: DateSpan, basis: Basis) -> DyadStats {
        self.stats_seen_by(dyad, at, basis, None)
    }

    /// The statistics of `dyad` over the span `at` under `basis`, as `party` held the border
    /// where the dataset records its view ([`crate::query::dyad_stats_seen_by`]; `None`: the
    /// dataset's own statuses).
    pub fn stats_seen_by(
        &self,
        dyad: Dyad,
        at: DateSpan,
        basis: Basis,
        party: Option<CountryCode>,
    ) -> DyadStats {
        let lengths: Vec<f64> = self.data.segments().iter().map(Segment::length_m).collect();
        dyad_stats_seen_by(&self.data, self.timelines(basis), &lengths, dyad, at, party)
    }

    /// The timelines of every regime (fences, minefields, crossings; built on first use).
    pub fn regime_timelines(&self) -> &RegimeTimelines {
        self.regimes
            .get_or_init(|| RegimeTimelines::new(&self.data, &self.index))
    }

    /// The regime change at `position` in [`Dataset::regime_changes`] (as named by
    /// [`RegimeStatus::first_change`] and [`RegimeStatus::since`]).
    pub fn regime_change(&self, position: usize) -> Option<&RegimeChange> {
        self.data.regime_changes().get(position)
    }

    /// Every regime with a recorded state on some day of `at`, with that state.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::{Borders, PartialDate, RegimeKind, RegimeState};
    ///
    /// let borders = Borders::embedded()?;
    /// let at = "2001-06-01".parse::<PartialDate>()?.span();
    /// let mined = borders.regimes(at).into_iter().any(|r| {
    ///     borders.regime_change(r.first_change).map(|c| c.kind) == Some(RegimeKind::Mined)
    ///         && r.is_throughout(RegimeState::Laid)
    /// });
    /// assert!(mined);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn regimes(&self, at: DateSpan) -> Vec<RegimeStatus> {
        self.regime_timelines().at(at)
    }

    /// The regimes on the segment at `segment_index` over `at`: the stretches that overlap it
    /// (by chainage along its dyad), the crossings whose place is nearest to it, and the
    /// regimes of its dyad whose site the sources do not give.
    pub fn regimes_on(&self, segment_index: usize, at: DateSpan) -> Vec<RegimeStatus> {
        self.regime_timelines().on_segment(segment_index, at)
    }

    /// Whether some regime on the segment at `segment_index` may be as one of `words` asks
    /// (fenced, mined, an open or a closed crossing) on some day of `at`.
    pub fn regime_matches(&self, segment_index: usize, at: DateSpan, words: &[RegimeWord]) -> bool {
        self.regime_timelines()
            .segment_matches(&self.data, segment_index, at, words)
    }

    /// The length of the regimes of `kind` in effect on `dyad` on every day of `at` (fences
    /// built, mines laid, crossings open), with how many have no known length.
    pub fn regime_length(&self, dyad: Dyad, at: DateSpan, kind: RegimeKind) -> RegimeLength {
        self.regime_timelines().length(&self.data, dyad, at, kind)
    }

    /// Every change of the segments selected by `keep`, in date order under `basis`: owned
    /// entries that give positions in [`Borders::dataset`]'s lists.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::{Basis, Borders};
    ///
    /// let borders = Borders::embedded()?;
    /// let entries = borders.history(Basis::InForce, |s| s.dyad.to_string() == "KAZ-UZB");
    /// let first = &entries[0];
    /// let change = borders.change(first.change_index).unwrap();
    /// let segment = borders.segment(first.segment_index).unwrap();
    /// assert_eq!(change.segment_id, segment.id);
    /// // In date order under the basis: the date each change counts from.
    /// let days: Vec<_> = entries.iter().filter_map(|e| e.effective).map(|d| d.first()).collect();
    /// assert!(days.windows(2).all(|w| w[0] <= w[1]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn history(&self, basis: Basis, keep: impl Fn(&Segment) -> bool) -> Vec<HistoryEntry> {
        history(&self.data, basis, keep)
    }

    /// Every change of the regimes on the segments selected by `keep`, one entry per segment
    /// a regime lies on, in date order ([`crate::query::regime_history`]).
    pub fn regime_history(&self, keep: impl Fn(&Segment) -> bool) -> Vec<RegimeHistoryEntry> {
        regime_history(&self.data, self.regime_timelines(), keep)
    }
}

/// `query` without its status words: with regime words, the nearest segment is found whatever
/// its status, then kept if it meets either ([`Borders::finish`]).
pub(crate) fn without_status_words(query: &IncidentQuery) -> IncidentQuery {
    IncidentQuery {
        filter: crate::StatusFilter::default(),
        ..query.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PartialDate;

    fn is_shareable<T: Send + Sync + 'static>() {}

    #[test]
    fn borders_and_its_answers_can_be_held_and_shared() {
        is_shareable::<Borders>();
        is_shareable::<Located>();
        is_shareable::<IncidentMatch>();
        is_shareable::<SegmentStatus>();
        is_shareable::<StatusTimelines>();
    }

    #[test]
    fn answers_outlive_the_borders_they_came_from() -> Result<()> {
        let (located, status) = {
            let borders = Borders::embedded()?;
            let p = Point::new(69.16667, 41.46667);
            let located = borders.locate(p).ok().flatten();
            let at = "2024-01-01"
                .parse::<PartialDate>()
                .map_err(|e| crate::Error::Request(e.to_string()))?;
            let status = located.map(|l| borders.status(l.segment_index, at.span(), Basis::Signed));
            (located, status)
        };
        assert_eq!(
            located.map(|l| l.dyad.to_string()).as_deref(),
            Some("KAZ-UZB")
        );
        assert_eq!(status.map(|s| s.delimitation_word()), Some("delimited"));
        Ok(())
    }

    #[test]
    fn timelines_are_built_once_per_basis() -> Result<()> {
        let borders = Borders::embedded()?;
        let a: *const StatusTimelines = borders.timelines(Basis::Signed);
        let b: *const StatusTimelines = borders.clone().timelines(Basis::Signed);
        assert_eq!(a, b);
        assert_eq!(borders.timelines(Basis::InForce).basis(), Basis::InForce);
        assert_eq!(borders.timelines(Basis::Signed).basis(), Basis::Signed);
        Ok(())
    }
}
