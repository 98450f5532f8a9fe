//! The dataset as GIS layers: each layer's columns declared once ([`Schema`]) and its features
//! written to any [`LayerSink`] (any output format).
//!
//! - [`SEGMENTS`]: every segment with its status over a date span;
//! - [`STATUS`]: the time-enabled layer, one feature per segment and per interval during
//!   which its status did not change, with `valid_from` and `valid_to` dates;
//! - [`PLACES`]: every named place with the country it belonged to over a date span;
//! - [`INSTRUMENTS`]: the treaties and other instruments, without geometry;
//! - [`STATS`]: per dyad (and per date of a series), the kilometres of each status, fenced
//!   and mined;
//! - [`HISTORY`]: every status change and regime change with its instrument and source;
//! - [`TALLIES`]: aggregate counts that sources give without points (no geometry);
//! - [`COVERAGE`]: per dyad, its length, the share with known status, its instruments,
//!   sources, incidents and last change;
//! - [`DIFF`]: which stretches changed status or regime between two dates, and by which
//!   instruments;
//! - [`PROBLEMS`]: what is wrong with a dataset or a table, one feature per problem.
//!
//! Classified incidents are the fifth layer: [`crate::pipeline::IncidentLayer`].

#[macro_use]
mod columns;
mod coverage;
mod diff;
mod history;
mod problems;
mod status;
mod tables;
mod tallies;
#[cfg(test)]
mod test_support;

use std::io;
use std::sync::Arc;

use geo::Geometry;

pub use coverage::{write_coverage, CoverageQuery, COVERAGE};
pub use diff::{write_diff, DiffQuery, DIFF};
pub use history::{write_history, write_history_with_regimes, HISTORY};
pub use problems::{write_problems, PROBLEMS};
pub use status::{status_intervals, StatusInterval};
pub use tables::{stats_schema, write_stats, STATS};
pub use tallies::{write_tallies, TALLIES};

use self::columns::{dated, text};
use crate::report::{Batch, Column, FeatureEncoder, LayerSink, Schema, Value};
use crate::{Basis, Borders, CountryCode, DateSpan, Dyad, RegimeWord, StatusFilter};

/// Which features of a layer to write, and at which date.
#[derive(Clone, Debug)]
pub struct LayerQuery {
    /// The days to evaluate status and sovereignty over (a partial date's span). For the
    /// [`STATUS`] layer, `None` keeps every interval, and a span keeps the intervals that
    /// overlap it; the other dated layers need a span (`None` is taken as today).
    pub at: Option<DateSpan>,
    /// Whether changes count from an instrument's signature or its entry into force.
    pub basis: Basis,
    /// Only segments and instruments of this dyad, and places that belonged (over the span)
    /// to one of its two countries.
    pub dyad: Option<Dyad>,
    /// Only segments (or status intervals) whose status may match one of these words.
    pub filter: Option<StatusFilter>,
    /// Answer the [`SEGMENTS`] layer as this party held it: where the dataset records the
    /// party's view of a segment over the span ([`crate::Dataset::claim_of`]), the view's
    /// delimitation, line, start (`since`) and source replace the dataset's (no instrument),
    /// and the filter applies to the view. `None` = the dataset's own statuses.
    pub party: Option<CountryCode>,
    /// Only segments with a regime that may be as one of these words (fenced, mined, an open
    /// or a closed crossing) on some day of `at`; with `filter` too, a segment that matches
    /// either is kept (the [`SEGMENTS`] layer; empty: no condition on regimes).
    pub regimes: Vec<RegimeWord>,
}

/// The `segments` layer: `segment_id`, `dyad`, `left`, `right`, `name`, `length_km`
/// (geodesic, WGS84), `delimitation`, `demarcation` (a status word, or `ambiguous` when it
/// changed within the span), `since` (the date of the change after which the status holds,
/// as recorded: `2002`, `2002-09`, `2002-09-09`), `since_start` and `since_end` (its first and
/// last day), `instrument_id`, `source_id` (of that change), `extent` and `ambiguity` (what
/// an ambiguous status may have been), and `regimes` (the regime words that may hold on the
/// segment on some day of the span: `fenced`, `mined`, `open_crossing`, `closed_crossing`,
/// comma-separated; [`crate::query::RegimeTimelines::words_on_segment`]). Line geometry.
pub const SEGMENTS: &[Column] = layer_columns![
    text("segment_id"),
    word("dyad"),
    word("left"),
    word("right"),
    text("name"),
    float("length_km", 3, "km"),
    word("delimitation"),
    word("demarcation"),
    dated("since"),
    text("instrument_id"),
    text("source_id"),
    word("extent"),
    text("ambiguity"),
    text("regimes"),
];

/// The `status` layer (time-enabled): one feature per segment and per interval during which
/// its delimitation and demarcation did not change. `segment_id`, `dyad`, `name`,
/// `length_km`, `delimitation`, `demarcation`, `valid_from` (the first day of the change
/// that began the interval; empty for the status before any recorded change), `valid_to`
/// (the `valid_from` of the next interval, excluded; empty while still in force), `since`
/// (the change's date as recorded, which may be a year or a month), `instrument_id`,
/// `instrument_title`, `source_id` and `source_title`. Line geometry.
pub const STATUS: &[Column] = &[
    Column::text("segment_id"),
    Column::word("dyad"),
    Column::text("name"),
    Column::float("length_km", 3, "km"),
    Column::word("delimitation"),
    Column::word("demarcation"),
    Column::date("valid_from"),
    Column::date("valid_to"),
    Column::text("since"),
    Column::text("instrument_id"),
    Column::text("instrument_title"),
    Column::text("source_id"),
    Column::text("source_title"),
];

/// The `places` layer: `place_id`, `name`, `kind`, `country` (the country it belonged to on
/// every day of the span; empty when that changed within the span or nothing is recorded),
/// `possible_countries` (every country it may have belonged to, comma-separated),
/// `precision_m`, `instrument_id` and `source_id` (of the sovereignty period in force, when
/// known). Point geometry.
pub const PLACES: &[Column] = &[
    Column::text("place_id"),
    Column::text("name"),
    Column::word("kind"),
    Column::word("country"),
    Column::text("possible_countries"),
    Column::float("precision_m", 0, "m"),
    Column::text("instrument_id"),
    Column::text("source_id"),
];

/// The `instruments` layer (no geometry): `instrument_id`, `dyad`, `kind`, `title`, `signed`
/// (as recorded) with `signed_start` and `signed_end`, `in_force` with `in_force_start` and
/// `in_force_end`, `source_id` and `note`.
pub const INSTRUMENTS: &[Column] = layer_columns![
    text("instrument_id"),
    word("dyad"),
    word("kind"),
    text("title"),
    dated("signed"),
    dated("in_force"),
    text("source_id"),
    text("note"),
];

/// The schema of a layer of `columns`, with or without geometry.
pub fn schema(columns: &[Column], has_geometry: bool) -> Schema {
    Schema {
        columns: columns.to_vec(),
        has_geometry,
    }
}

/// Features encoded in batches and written to a sink in order.
struct Features<'s> {
    sink: &'s mut dyn LayerSink,
    encoder: Arc<dyn FeatureEncoder>,
    batch: Batch,
    written: u64,
}

impl<'s> Features<'s> {
    fn new(sink: &'s mut dyn LayerSink) -> Features<'s> {
        Features {
            encoder: sink.encoder(),
            sink,
            batch: Batch::default(),
            written: 0,
        }
    }

    fn add(&mut self, geometry: Option<&Geometry<f64>>, values: &[Value<'_>]) -> io::Result<()> {
        self.encoder.encode(&mut self.batch, geometry, values);
        self.written += 1;
        if self.batch.rows() >= 256 {
            self.sink.write_batch(&mut self.batch)?;
        }
        Ok(())
    }

    fn done(mut self) -> io::Result<u64> {
        self.sink.write_batch(&mut self.batch)?;
        Ok(self.written)
    }
}

fn today() -> DateSpan {
    DateSpan::day(jiff::ZonedDateTime::now().date())
}

/// Writes the [`SEGMENTS`] layer of `borders` selected by `query` into `sink` (made for
/// [`schema`]`(SEGMENTS, true)`); returns how many features were written. The sink is not
/// finished.
///
/// # Errors
/// Any write error of the sink.
///
/// # Examples
/// ```
/// use bordertrack::layers::{schema, write_segments, LayerQuery, SEGMENTS};
/// use bordertrack::report::{Format, LayerSink, RowWriter};
/// use bordertrack::{Basis, Borders, PartialDate};
///
/// let borders = Borders::embedded()?;
/// let query = LayerQuery {
///     at: Some("2024".parse::<PartialDate>()?.span()),
///     basis: Basis::InForce,
///     dyad: Some("KAZ-UZB".parse()?),
///     filter: None,
///     party: None,
///     regimes: Vec::new(),
/// };
/// let mut sink = RowWriter::with_schema(Vec::new(), Format::Csv, &schema(SEGMENTS, true))?;
/// let written = write_segments(&borders, &query, &mut sink)?;
/// let csv = String::from_utf8(sink.finish()?)?;
/// assert!(csv.starts_with("segment_id,dyad,left,right,name,length_km,"));
/// assert_eq!(csv.lines().count() as u64, written + 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_segments(
    borders: &Borders,
    query: &LayerQuery,
    sink: &mut dyn LayerSink,
) -> io::Result<u64> {
    let at = query.at.unwrap_or_else(today);
    let data = borders.dataset();
    let mut out = Features::new(sink);
    let (mut since_text, mut ambiguity) = (String::new(), String::new());
    for (i, seg) in data.segments().iter().enumerate() {
        if query.dyad.is_some_and(|d| d != seg.dyad) {
            continue;
        }
        let st = borders.status(i, at, query.basis);
        // the party's own view of the segment over the span, where recorded
        let view = query.party.and_then(|p| data.claim_of(p, &seg.id, at));
        let matches = |f: &StatusFilter| match view {
            Some(c) => st.may_match_with_delimitation(c.delimitation, f),
            None => st.may_match(f),
        };
        let keep = if query.regimes.is_empty() {
            query.filter.as_ref().is_none_or(matches)
        } else {
            query.filter.as_ref().is_some_and(matches)
                || borders.regime_matches(i, at, &query.regimes)
        };
        if !keep {
            continue;
        }
        let since = st.since();
        let change = since.and_then(|e| borders.change(e.by));
        ambiguity.clear();
        ambiguity.push_str(&st.ambiguity());
        let (dyad, left, right) = (seg.dyad.to_string(), seg.left, seg.right);
        let regimes = borders
            .regime_timelines()
            .words_on_segment(data, i, at)
            .iter()
            .map(|w| w.as_str())
            .collect::<Vec<_>>()
            .join(",");
        let since_date = match view {
            Some(c) => c.valid_from,
            None => since.and_then(|e| e.effective.as_partial()),
        };
        let [s, s0, s1] = dated(since_date, &mut since_text);
        let line = view
            .and_then(|c| c.line.clone())
            .unwrap_or_else(|| seg.line.clone());
        let length_m = match view.and_then(|c| c.line.as_ref()) {
            Some(l) => geo::Length::length(&geo::Geodesic, l),
            None => seg.length_m(),
        };
        let values = [
            text(&seg.id),
            text(&dyad),
            text(left.as_str()),
            text(right.as_str()),
            text(&seg.name),
            Value::Float(length_m / 1000.0),
            text(view.map_or(st.delimitation_word(), |c| c.delimitation.as_str())),
            text(st.demarcation_word()),
            s,
            s0,
            s1,
            match view {
                Some(_) => Value::Empty,
                None => change
                    .and_then(|c| c.instrument_id.as_deref())
                    .map_or(Value::Empty, text),
            },
            match view {
                Some(c) => text(&c.source_id),
                None => change.map_or(Value::Empty, |c| text(&c.source_id)),
            },
            text(seg.extent.as_str()),
            text(&ambiguity),
            text(&regimes),
        ];
        out.add(Some(&Geometry::LineString(line)), &values)?;
    }
    out.done()
}

/// Writes the [`PLACES`] layer into `sink` (made for [`schema`]`(PLACES, true)`); returns how
/// many features were written. The sink is not finished.
///
/// # Errors
/// Any write error of the sink.
pub fn write_places(
    borders: &Borders,
    query: &LayerQuery,
    sink: &mut dyn LayerSink,
) -> io::Result<u64> {
    let at = query.at.unwrap_or_else(today);
    let mut out = Features::new(sink);
    for place in borders.dataset().places() {
        let resolved = place.sovereignty_timeline().at(at);
        let possible: Vec<_> = resolved.values().iter().flatten().copied().collect();
        if let Some(d) = query.dyad {
            if !possible.iter().any(|&c| d.contains(c)) {
                continue;
            }
        }
        let known = resolved.known().flatten();
        let period = match &resolved {
            crate::query::Resolved::Known { since: Some(e), .. } => place.sovereignty.get(e.by),
            crate::query::Resolved::Known { since: None, .. } => {
                place.sovereignty.iter().find(|p| p.from.is_none())
            }
            crate::query::Resolved::Ambiguous { .. } => None,
        };
        let country = known.map(|c| c.to_string()).unwrap_or_default();
        let list = possible
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let values = [
            text(&place.id),
            text(&place.name),
            text(&place.kind),
            text(&country),
            text(&list),
            Value::Float(place.precision_m),
            period
                .and_then(|p| p.instrument_id.as_deref())
                .map_or(Value::Empty, text),
            period.map_or(Value::Empty, |p| text(&p.source_id)),
        ];
        out.add(Some(&Geometry::Point(place.point)), &values)?;
    }
    out.done()
}

/// Writes the [`INSTRUMENTS`] layer into `sink` (made for [`schema`]`(INSTRUMENTS, false)`);
/// only the dyad of `query` applies. Returns how many features were written; the sink is not
/// finished.
///
/// # Errors
/// Any write error of the sink.
pub fn write_instruments(
    borders: &Borders,
    query: &LayerQuery,
    sink: &mut dyn LayerSink,
) -> io::Result<u64> {
    let mut out = Features::new(sink);
    let (mut signed, mut in_force) = (String::new(), String::new());
    for ins in borders.dataset().instruments() {
        if query.dyad.is_some_and(|d| d != ins.dyad) {
            continue;
        }
        let dyad = ins.dyad.to_string();
        let [s, s0, s1] = dated(Some(ins.signed), &mut signed);
        let [f, f0, f1] = dated(ins.in_force, &mut in_force);
        let values = [
            text(&ins.id),
            text(&dyad),
            text(ins.kind.as_str()),
            text(&ins.title),
            s,
            s0,
            s1,
            f,
            f0,
            f1,
            text(&ins.source_id),
            text(&ins.note),
        ];
        out.add(None, &values)?;
    }
    out.done()
}

/// Writes the [`STATUS`] layer into `sink` (made for [`schema`]`(STATUS, true)`); returns how
/// many features were written. The sink is not finished.
///
/// # Errors
/// Any write error of the sink.
pub fn write_status(
    borders: &Borders,
    query: &LayerQuery,
    sink: &mut dyn LayerSink,
) -> io::Result<u64> {
    let data = borders.dataset();
    let timelines = borders.timelines(query.basis);
    let mut out = Features::new(sink);
    let mut since_text = String::new();
    for (i, seg) in data.segments().iter().enumerate() {
        if query.dyad.is_some_and(|d| d != seg.dyad) {
            continue;
        }
        let dyad = seg.dyad.to_string();
        let geometry = Geometry::LineString(seg.line.clone());
        for interval in status_intervals(timelines, i) {
            if query
                .filter
                .as_ref()
                .is_some_and(|f| !f.matches(interval.delimitation, interval.demarcation))
            {
                continue;
            }
            if let Some(at) = query.at {
                let starts_after = interval.valid_from.is_some_and(|d| d > at.last);
                let ended_before = interval.valid_to.is_some_and(|d| d <= at.first);
                if starts_after || ended_before {
                    continue;
                }
            }
            let change = interval.change.and_then(|c| borders.change(c));
            let instrument = change
                .and_then(|c| c.instrument_id.as_deref())
                .and_then(|id| data.instrument(id));
            let source = change.and_then(|c| data.source(&c.source_id));
            since_text.clear();
            if let Some(s) = interval.since {
                since_text = s.to_string();
            }
            let values = [
                text(&seg.id),
                text(&dyad),
                text(&seg.name),
                Value::Float(seg.length_m() / 1000.0),
                text(interval.delimitation.as_str()),
                text(interval.demarcation.as_str()),
                interval.valid_from.map_or(Value::Empty, Value::Date),
                interval.valid_to.map_or(Value::Empty, Value::Date),
                text(&since_text),
                instrument.map_or(Value::Empty, |i| text(&i.id)),
                instrument.map_or(Value::Empty, |i| text(&i.title)),
                change.map_or(Value::Empty, |c| text(&c.source_id)),
                source.map_or(Value::Empty, |s| text(&s.title)),
            ];
            out.add(Some(&geometry), &values)?;
        }
    }
    out.done()
}
