//! The incident layer: the columns of a classified incident and how one is encoded.

use geo::{Geometry, Point};

use crate::query::{alternatives_text, IncidentMatch};
use crate::report::{Batch, Column, FeatureEncoder, Schema, Value};
use crate::{CountryCode, Dataset, DateSpan};

/// How many columns the incident layer has.
const COLUMN_COUNT: usize = 17;

/// The columns of the incident layer, in order.
const COLUMNS: [Column; COLUMN_COUNT] = [
    Column::text("incident_id"),
    Column::text("date"),
    Column::date("date_start"),
    Column::date("date_end"),
    Column::float("lon", 6, "°"),
    Column::float("lat", 6, "°"),
    Column::text("segment_id"),
    Column::word("dyad"),
    Column::float("distance_m", 1, "m"),
    Column::float("chainage_km", 3, "km"),
    Column::word("side"),
    Column::word("delimitation"),
    Column::word("demarcation"),
    Column::text("instrument_id"),
    Column::text("ambiguity"),
    Column::word("certainty"),
    Column::text("alternatives"),
];

/// Writes classified incidents as features of one layer: a point geometry and the columns of
/// [`IncidentLayer::schema`]. It holds the text of every segment's id and dyad and of every
/// change's instrument, made once so that encoding a feature allocates nothing.
///
/// The columns: `incident_id`, `date` (as written: `2006`, `2006-04`, `2006-04-19`, or a span
/// `first/last`), `date_start` and `date_end` (its first and last day, ISO 8601), `lon`,
/// `lat` (degrees, WGS84), `segment_id`, `dyad`, `distance_m` (geodesic), `chainage_km`
/// (along the dyad), `side` (the country on the incident's side, or `on`), `delimitation`,
/// `demarcation` (a status word, or `ambiguous`), `instrument_id` (of the change after which
/// the status holds), `ambiguity` (what an ambiguous status may have been), `certainty`
/// (`certain` or `possible`, [`crate::query::Certainty`]) and `alternatives` (the other
/// segments the incident may be on, [`crate::query::alternatives_text`]). An incident that
/// matched nothing has the first six only.
#[derive(Debug, Clone)]
pub struct IncidentLayer {
    segments: Vec<(String, String)>,
    instruments: Vec<Option<String>>,
}

impl IncidentLayer {
    /// The layer for incidents classified against `data`.
    pub fn new(data: &Dataset) -> IncidentLayer {
        IncidentLayer {
            segments: data
                .segments()
                .iter()
                .map(|s| (s.id.clone(), s.dyad.to_string()))
                .collect(),
            instruments: data
                .changes()
                .iter()
                .map(|c| c.instrument_id.clone())
                .collect(),
        }
    }

    /// The layer's columns; every feature has a point geometry.
    pub fn schema() -> Schema {
        Schema {
            columns: COLUMNS.to_vec(),
            has_geometry: true,
        }
    }

    /// Encodes one incident into `batch` with `encoder` (of a sink made for
    /// [`IncidentLayer::schema`]): its `id`, its `date` (whose text is `date_text`), its
    /// position, and the match found (`None`: it matched nothing).
    #[allow(clippy::too_many_arguments)]
    pub fn encode(
        &self,
        encoder: &dyn FeatureEncoder,
        batch: &mut Batch,
        id: &str,
        date: DateSpan,
        date_text: &str,
        point: Point<f64>,
        m: Option<&IncidentMatch>,
    ) {
        let head = [
            Value::Text(id),
            Value::Text(date_text),
            Value::Date(date.first),
            Value::Date(date.last),
            Value::Float(point.x()),
            Value::Float(point.y()),
        ];
        let geometry = Geometry::Point(point);
        let Some(m) = m else {
            let mut values = [Value::Empty; COLUMN_COUNT];
            values[..head.len()].copy_from_slice(&head);
            encoder.encode(batch, Some(&geometry), &values);
            return;
        };
        let l = &m.located;
        let (segment_id, dyad) = self
            .segments
            .get(l.segment_index)
            .map_or(("", ""), |(id, dyad)| (id.as_str(), dyad.as_str()));
        let instrument = m
            .status
            .since()
            .and_then(|e| self.instruments.get(e.by))
            .and_then(|i| i.as_deref());
        let ambiguity = m.status.ambiguity();
        let alternatives = alternatives_text(&m.alternatives, |i| {
            self.segments.get(i).map_or("", |(id, _)| id.as_str())
        });
        let [a, b, c, d, e, f] = head;
        let values = [
            a,
            b,
            c,
            d,
            e,
            f,
            Value::Text(segment_id),
            Value::Text(dyad),
            Value::Float(l.distance_m),
            Value::Float(l.chainage_m / 1000.0),
            Value::Text(l.side.as_ref().map_or("on", CountryCode::as_str)),
            Value::Text(m.status.delimitation_word()),
            Value::Text(m.status.demarcation_word()),
            instrument.map_or(Value::Empty, Value::Text),
            Value::Text(&ambiguity),
            Value::Text(m.certainty.as_str()),
            Value::Text(&alternatives),
        ];
        encoder.encode(batch, Some(&geometry), &values);
    }
}
