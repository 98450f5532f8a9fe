//! The incident layer: the columns of a classified incident and how one is encoded.
//!
//! A classified incident is written as its table's own columns, unchanged and in order, then
//! the classification's columns ([`CLASSIFICATION_COLUMNS`]), under a prefix when the table
//! has a column of the same name.

mod csv_rows;

use geo::{Geometry, Point};

use crate::query::{alternatives_text, push_regimes_text, IncidentMatch, RegimeInForce};
use crate::report::{csv_cells, Batch, Column, FeatureEncoder, RowEncoder, Schema, Value};
use crate::{
    CountryCode, Dataset, DateSpan, Delimitation, Demarcation, Error, Incident, RowValue, RowValues,
};

/// The names of the classification columns, in order: what the classification adds after
/// the table's own columns.
pub const CLASSIFICATION_COLUMNS: [&str; 14] = [
    "segment_id",
    "dyad",
    "distance_m",
    "chainage_km",
    "side",
    "delimitation",
    "demarcation",
    "instrument_id",
    "ambiguity",
    "regimes",
    "certainty",
    "alternatives",
    "date_start",
    "date_end",
];

/// The decimals of the `distance_m` column: to the decimetre.
const DISTANCE_DECIMALS: usize = 1;
/// The decimals of the `chainage_km` column: to the metre.
const CHAINAGE_DECIMALS: usize = 3;

/// The classification columns with their kinds, in the order of [`CLASSIFICATION_COLUMNS`].
static CLASSIFICATION: [Column; 14] = [
    Column::text("segment_id"),
    Column::word("dyad"),
    Column::float("distance_m", DISTANCE_DECIMALS, "m"),
    Column::float("chainage_km", CHAINAGE_DECIMALS, "km"),
    Column::word("side"),
    Column::word("delimitation"),
    Column::word("demarcation"),
    Column::text("instrument_id"),
    Column::text("ambiguity"),
    Column::text("regimes"),
    Column::word("certainty"),
    Column::text("alternatives"),
    Column::date("date_start"),
    Column::date("date_end"),
];

/// The columns written for incidents that carry no values of their own (incidents in memory,
/// GeoJSON and Parquet tables): their id, date as written, and position.
static STANDARD_INPUT: [Column; 4] = [
    Column::text("id"),
    Column::text("date"),
    Column::float("lat", 6, "°"),
    Column::float("lon", 6, "°"),
];

/// The position columns added on request after the table's own.
static POSITION: [Column; 2] = [Column::float("lon", 6, "°"), Column::float("lat", 6, "°")];

/// Where the values of the layer's first columns come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    /// The incident's id, date and position ([`IncidentLayer::schema`]).
    Standard,
    /// The incident's own values ([`Incident::values`]), this many.
    Carried(usize),
}

/// Writes classified incidents as features of one layer: a point geometry, the table's own
/// columns, and the classification. It holds the text of every segment's id and dyad and of
/// every change's instrument, made once so that encoding a feature allocates nothing.
///
/// The classification columns: `segment_id`, `dyad`, `distance_m` (geodesic), `chainage_km`
/// (along the dyad), `side` (the country on the incident's side, or `on`), `delimitation`,
/// `demarcation` (a status word, or `ambiguous`), `instrument_id` (of the change after which
/// the status holds), `ambiguity` (what an ambiguous status may have been), `regimes` (the
/// regime words that may hold on the segment over the incident's date span, a `?` after
/// those that hold on only some of its days, [`crate::query::regimes_text`]), `certainty`
/// (`certain` or `possible`, [`crate::query::Certainty`]), `alternatives` (the other segments
/// the incident may be on, [`crate::query::alternatives_text`]), and `date_start` and
/// `date_end` (the first and last day of the incident's date, ISO 8601). An incident that
/// matched nothing has only its own columns and its dates.
#[derive(Debug, Clone)]
pub struct IncidentLayer {
    segments: Vec<(String, String)>,
    /// Each segment's texts for CSV rows.
    segments_csv: Vec<SegmentCsv>,
    instruments: Vec<Option<String>>,
    /// Each change's instrument as a CSV cell (empty for none), for CSV rows.
    instruments_csv: Vec<Vec<u8>>,
    /// Every status's `delimitation` and `demarcation` words as two CSV cells, at
    /// [`status_cells_index`], for CSV rows.
    statuses_csv: Vec<Vec<u8>>,
    input: Input,
    /// Whether `lon` and `lat` columns follow the table's own.
    position: bool,
}

impl IncidentLayer {
    /// The layer for incidents classified against `data`, with the columns of
    /// [`IncidentLayer::schema`].
    pub fn new(data: &Dataset) -> IncidentLayer {
        let segments: Vec<(String, String)> = data
            .segments()
            .iter()
            .map(|s| (s.id.clone(), s.dyad.to_string()))
            .collect();
        IncidentLayer {
            segments_csv: data
                .segments()
                .iter()
                .zip(&segments)
                .map(|(s, (id, dyad))| SegmentCsv {
                    cells: csv_cells([id.as_str(), dyad.as_str()]),
                    countries: [s.left, s.right].map(|c| (c, c.as_str().to_string())),
                })
                .collect(),
            segments,
            instruments: data
                .changes()
                .iter()
                .map(|c| c.instrument_id.clone())
                .collect(),
            instruments_csv: data
                .changes()
                .iter()
                .map(|c| {
                    c.instrument_id
                        .as_deref()
                        .map_or(Vec::new(), |i| csv_cells([i]))
                })
                .collect(),
            statuses_csv: statuses_csv(),
            input: Input::Standard,
            position: false,
        }
    }

    /// The layer for a table with `own` columns of its own (`None`: incidents that carry no
    /// values, written as `id`, `date`, `lat`, `lon`), with `lon` and `lat` columns after
    /// them when `position` is set.
    pub(crate) fn with_input(data: &Dataset, own: Option<usize>, position: bool) -> IncidentLayer {
        IncidentLayer {
            input: own.map_or(Input::Standard, Input::Carried),
            position,
            ..IncidentLayer::new(data)
        }
    }

    /// The layer's columns for incidents that carry no values of their own (a dataset's
    /// incidents, a point located): `id`, `date` (as written: `2006`, `2006-04`, `2006-04-19`,
    /// or a span `first/last`), `lat`, `lon` (degrees, WGS84), then the classification
    /// columns. Every feature has a point geometry.
    pub fn schema() -> Schema {
        Schema {
            columns: STANDARD_INPUT
                .iter()
                .chain(&CLASSIFICATION)
                .cloned()
                .collect(),
            has_geometry: true,
        }
    }

    /// The layer's columns for a table whose own columns are `own` (from
    /// [`IncidentReader::columns`](crate::io::IncidentReader::columns); `None` as in
    /// [`IncidentLayer::schema`]): those columns, then `lon` and `lat` (degrees, WGS84) when
    /// `position` is set (for a table whose position is a geometry rather than columns, or
    /// whose position is written in another CRS), then the classification columns; every
    /// column added after the table's own is named with `prefix` before it.
    ///
    /// # Errors
    /// [`Error::Request`] when a column of the table has the name of a column added after it
    /// (compared without regard to case, as GeoPackage and SQL do), naming it.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::pipeline::IncidentLayer;
    /// use bordertrack::report::Column;
    /// let own = [Column::text("event"), Column::text("dyad")];
    /// let err = IncidentLayer::schema_for(Some(&own), "", false).unwrap_err();
    /// assert!(err.to_string().contains("\"dyad\""));
    /// let schema = IncidentLayer::schema_for(Some(&own), "bt_", false)?;
    /// let names: Vec<&str> = schema.names().take(4).collect();
    /// assert_eq!(names, ["event", "dyad", "bt_segment_id", "bt_dyad"]);
    /// # Ok::<(), bordertrack::Error>(())
    /// ```
    pub fn schema_for(
        own: Option<&[Column]>,
        prefix: &str,
        position: bool,
    ) -> Result<Schema, Error> {
        let own = own.unwrap_or(&STANDARD_INPUT);
        let added = POSITION
            .iter()
            .filter(|_| position)
            .chain(&CLASSIFICATION)
            .map(|c| Column {
                name: format!("{prefix}{}", c.name).into(),
                kind: c.kind.clone(),
            });
        let mut columns = own.to_vec();
        let mut clashes = Vec::new();
        for column in added {
            if own
                .iter()
                .any(|o| o.name.eq_ignore_ascii_case(&column.name))
            {
                clashes.push(format!("{:?}", column.name));
            }
            columns.push(column);
        }
        if !clashes.is_empty() {
            return Err(Error::Request(format!(
                "the table has column{} {} of the same name as the columns added after its own; \
                 give the added columns a prefix",
                if clashes.len() == 1 { "" } else { "s" },
                clashes.join(", ")
            )));
        }
        Ok(Schema {
            columns,
            has_geometry: true,
        })
    }

    /// Whether `schema` is the layer's for a table with `own` columns of its own (`None` as in
    /// [`IncidentLayer::schema_for`]), under some prefix: `Some(position)` when it is.
    pub(crate) fn matches(schema: &Schema, own: Option<&[Column]>) -> Option<bool> {
        let own = own.unwrap_or(&STANDARD_INPUT);
        let (head, rest) = schema.columns.split_at_checked(own.len())?;
        if !head.iter().map(|c| &c.name).eq(own.iter().map(|c| &c.name)) {
            return None;
        }
        let (position, classification) = match rest.len() - CLASSIFICATION.len().min(rest.len()) {
            0 => (false, rest),
            2 => (true, &rest[2..]),
            _ => return None,
        };
        let prefix = (classification.first()?.name).strip_suffix(CLASSIFICATION_COLUMNS[0])?;
        if position
            && !rest[..2]
                .iter()
                .zip(&POSITION)
                .all(|(a, b)| a.name.strip_prefix(prefix) == Some(&*b.name))
        {
            return None;
        }
        let rest = classification;
        rest.iter()
            .zip(CLASSIFICATION_COLUMNS)
            .all(|(c, name)| c.name.strip_prefix(prefix) == Some(name))
            .then_some(position)
            .filter(|_| rest.len() == CLASSIFICATION.len())
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
        let texts = self.texts(m);
        self.encode_with(encoder, batch, (id, date, date_text, point), m, &texts);
    }

    /// [`IncidentLayer::encode`] of an incident given as its id, date, date's text and
    /// position, with its match's texts made already.
    fn encode_with(
        &self,
        encoder: &dyn FeatureEncoder,
        batch: &mut Batch,
        (id, date, date_text, point): (&str, DateSpan, &str, Point<f64>),
        m: Option<&IncidentMatch>,
        texts: &[String; 3],
    ) {
        let own = [
            Value::Text(id),
            Value::Text(date_text),
            Value::Float(point.y()),
            Value::Float(point.x()),
        ];
        let mut values = [Value::Empty; 4 + CLASSIFICATION_COLUMNS.len()];
        values[..own.len()].copy_from_slice(&own);
        self.fill(&mut values[own.len()..], date, m, texts);
        encoder.encode(batch, Some(&Geometry::Point(point)), &values);
    }

    /// Encodes `incident` and its match into `batch`, with the values of its own columns when
    /// the layer carries them; `buffers` are kept between calls so that encoding allocates
    /// nothing once they have grown.
    pub(crate) fn encode_incident(
        &self,
        encoder: &dyn FeatureEncoder,
        batch: &mut Batch,
        incident: &Incident,
        m: Option<&IncidentMatch>,
        buffers: &mut EncodeBuffers,
    ) {
        let EncodeBuffers {
            date_text,
            values: scratch,
            texts,
            regimes: _,
        } = buffers;
        if let Some(csv) = RowEncoder::as_csv(encoder) {
            let [_, regimes, alternatives] = texts;
            return self.write_csv(csv, batch, incident, m, [regimes, alternatives], date_text);
        }
        self.texts_into(m, texts);
        let Input::Carried(width) = self.input else {
            // The date's text is written only when the layer has no columns of the table's
            // own.
            date_text.clear();
            incident.date.push_to(date_text);
            return self.encode_with(
                encoder,
                batch,
                (&incident.id, incident.date, date_text, incident.point),
                m,
                texts,
            );
        };
        // The buffer, emptied, lent for values that borrow from this call.
        scratch.clear();
        let mut values: Vec<Value<'_>> = std::mem::take(scratch)
            .into_iter()
            .map(|_| Value::Empty)
            .collect();
        push_own(&mut values, &incident.values, width);
        if self.position {
            values.extend([
                Value::Float(incident.point.x()),
                Value::Float(incident.point.y()),
            ]);
        }
        let start = values.len();
        values.resize(start + CLASSIFICATION.len(), Value::Empty);
        self.fill(&mut values[start..], incident.date, m, texts);
        encoder.encode(batch, Some(&Geometry::Point(incident.point)), &values);
        values.clear();
        *scratch = values.into_iter().map(|_| Value::Empty).collect();
    }

    /// The texts of a match's `ambiguity`, `regimes` and `alternatives` (empty without a
    /// match; an empty text allocates nothing).
    fn texts(&self, m: Option<&IncidentMatch>) -> [String; 3] {
        let mut texts = <[String; 3]>::default();
        self.texts_into(m, &mut texts);
        texts
    }

    /// [`IncidentLayer::texts`] into `texts`, whose buffers are reused (most matches are
    /// neither ambiguous nor have alternatives, but some tenths have regimes).
    fn texts_into(&self, m: Option<&IncidentMatch>, texts: &mut [String; 3]) {
        let [ambiguity, regimes, alternatives] = texts;
        ambiguity.clear();
        regimes.clear();
        alternatives.clear();
        let Some(m) = m else {
            return;
        };
        if m.status.is_ambiguous() {
            *ambiguity = m.status.ambiguity();
        }
        if !m.alternatives.is_empty() {
            *alternatives = alternatives_text(&m.alternatives, |i| {
                self.segments.get(i).map_or("", |(id, _)| id.as_str())
            });
        }
        push_regimes_text(&m.regimes, regimes);
    }

    /// The `side` column of a match: the country on the incident's side, or `on`.
    fn side(m: &IncidentMatch) -> &str {
        m.located.side.as_ref().map_or("on", CountryCode::as_str)
    }

    /// The `instrument_id` column of a match: the instrument of the change after which its
    /// status holds, if any.
    fn instrument(&self, m: &IncidentMatch) -> Option<&str> {
        m.status
            .since()
            .and_then(|e| self.instruments.get(e.by))
            .and_then(|i| i.as_deref())
    }

    /// Fills the classification columns' values (as many as [`CLASSIFICATION`]) for an
    /// incident of `date` and its match, whose ambiguity, regimes and alternatives are
    /// `texts`.
    fn fill<'v>(
        &'v self,
        out: &mut [Value<'v>],
        date: DateSpan,
        m: Option<&'v IncidentMatch>,
        texts: &'v [String; 3],
    ) {
        let dates = [Value::Date(date.first), Value::Date(date.last)];
        let n = out.len();
        if let Some(tail) = out.get_mut(n.saturating_sub(2)..) {
            tail.copy_from_slice(&dates);
        }
        let Some(m) = m else {
            return;
        };
        let l = &m.located;
        let (segment_id, dyad) = self
            .segments
            .get(l.segment_index)
            .map_or(("", ""), |(id, dyad)| (id.as_str(), dyad.as_str()));
        let instrument = self.instrument(m);
        let [ambiguity, regimes, alternatives] = texts;
        let values = [
            Value::Text(segment_id),
            Value::Text(dyad),
            Value::Float(l.distance_m),
            Value::Float(l.chainage_m / 1000.0),
            Value::Text(IncidentLayer::side(m)),
            Value::Text(m.status.delimitation_word()),
            Value::Text(m.status.demarcation_word()),
            instrument.map_or(Value::Empty, Value::Text),
            Value::Text(ambiguity),
            Value::Text(regimes),
            Value::Text(m.certainty.as_str()),
            Value::Text(alternatives),
        ];
        for (slot, v) in out.iter_mut().zip(values) {
            *slot = v;
        }
    }
}

/// The words of every status as two CSV cells (`delimited,demarcated`), each at its
/// [`status_cells_index`].
fn statuses_csv() -> Vec<Vec<u8>> {
    let delimitations = [None].into_iter().chain(Delimitation::ALL.map(Some));
    let mut cells = vec![Vec::new(); (Delimitation::ALL.len() + 1) * (Demarcation::ALL.len() + 1)];
    for delimitation in delimitations {
        for demarcation in [None].into_iter().chain(Demarcation::ALL.map(Some)) {
            let words = [
                delimitation.map_or("ambiguous", Delimitation::as_str),
                demarcation.map_or("ambiguous", Demarcation::as_str),
            ];
            if let Some(slot) = cells.get_mut(status_cells_index(delimitation, demarcation)) {
                *slot = csv_cells(words);
            }
        }
    }
    cells
}

/// Where the CSV cells of a status whose dimensions are `delimitation` and `demarcation`
/// (`None`: ambiguous) lie in [`IncidentLayer`]'s table of them.
fn status_cells_index(
    delimitation: Option<Delimitation>,
    demarcation: Option<Demarcation>,
) -> usize {
    let rank = |known: Option<usize>| known.map_or(0, |k| k + 1);
    rank(delimitation.map(|d| d as usize)) * (Demarcation::ALL.len() + 1)
        + rank(demarcation.map(|d| d as usize))
}

/// A segment's texts for CSV rows, made once: its id and dyad as two CSV cells, and its
/// countries' codes (the `side` of most matches).
#[derive(Debug, Clone)]
struct SegmentCsv {
    cells: Vec<u8>,
    countries: [(CountryCode, String); 2],
}

/// Buffers kept between the incidents that one thread encodes ([`IncidentLayer::encode_incident`]):
/// a date's text, a feature's values, and a match's texts; and the regimes of a match, lent
/// to each match while it is completed and written.
#[derive(Debug, Default)]
pub(crate) struct EncodeBuffers {
    date_text: String,
    values: Vec<Value<'static>>,
    texts: [String; 3],
    pub(super) regimes: Vec<RegimeInForce>,
}

/// Appends the first `width` of `values` (with nulls for any missing).
fn push_own<'v>(out: &mut Vec<Value<'v>>, values: &'v RowValues, width: usize) {
    out.extend(values.iter().take(width).map(|v| match v {
        RowValue::Text(t) => Value::Text(t),
        RowValue::Integer(n) => Value::Integer(n),
        RowValue::Float(x) => Value::Float(x),
        RowValue::Empty => Value::Empty,
    }));
    for _ in values.len()..width {
        out.push(Value::Empty);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_its_two_words_as_cells_of_its_own() {
        let cells = statuses_csv();
        let mut seen = std::collections::HashSet::new();
        for delimitation in [None].into_iter().chain(Delimitation::ALL.map(Some)) {
            for demarcation in [None].into_iter().chain(Demarcation::ALL.map(Some)) {
                let i = status_cells_index(delimitation, demarcation);
                assert!(seen.insert(i), "{delimitation:?} {demarcation:?} share {i}");
                let want = format!(
                    "{},{}",
                    delimitation.map_or("ambiguous", Delimitation::as_str),
                    demarcation.map_or("ambiguous", Demarcation::as_str)
                );
                assert_eq!(String::from_utf8_lossy(&cells[i]), want);
            }
        }
        assert_eq!(seen.len(), cells.len());
    }

    #[test]
    fn position_columns_take_the_prefix_and_are_recognised_under_it() {
        let own = [Column::text("id"), Column::text("lat"), Column::text("lon")];
        let err = IncidentLayer::schema_for(Some(&own), "", true).unwrap_err();
        assert!(err.to_string().contains("\"lon\", \"lat\""), "{err}");
        let schema = IncidentLayer::schema_for(Some(&own), "bt_", true).unwrap();
        let names: Vec<&str> = schema.names().skip(3).take(3).collect();
        assert_eq!(names, ["bt_lon", "bt_lat", "bt_segment_id"]);
        assert_eq!(IncidentLayer::matches(&schema, Some(&own)), Some(true));
        let without = IncidentLayer::schema_for(Some(&own), "bt_", false).unwrap();
        assert_eq!(IncidentLayer::matches(&without, Some(&own)), Some(false));
        // Unprefixed position columns before prefixed classification columns are not this
        // layer's.
        let mut mixed = schema.clone();
        mixed.columns[3].name = "lon".into();
        assert_eq!(IncidentLayer::matches(&mixed, Some(&own)), None);
    }
}
