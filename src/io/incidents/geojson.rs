//! The GeoJSON side of an [`IncidentReader`](super::IncidentReader): a FeatureCollection of
//! Point features, read one feature at a time by the crate's GeoJSON feature reader
//! ([`FeatureStream`]), each feature converted to an incident here.

use std::collections::HashMap;
use std::io::Read;

use serde_json::value::RawValue;

use super::fields;
use super::geojson_props::{PropertyHeader, Scratch};
use super::mapping::ColumnMapping;
use super::reader::Input;
use crate::crs::{Crs, Reprojection};
use crate::io::geojson_features::{
    id_text, json_message, kind_of, prop, FeatureStream, FeatureText, Prop, RawFeature,
};
use crate::pipeline::CLASSIFICATION_COLUMNS;
use crate::Incident;

/// A fatal problem: the line it was found on and the message.
pub(crate) type Fatal = (u64, String);

/// One feature's outcome: its index, its id where it has one, and the incident or message.
pub(crate) type FeatureResult = (usize, Option<String>, Result<Incident, String>);

/// The GeoJSON source of an [`IncidentReader`](super::IncidentReader).
pub(crate) struct GeoJsonSource<R: Read> {
    stream: FeatureStream<Input<R>>,
    /// Whether the last feature read was skipped for being longer than the limit.
    pub(crate) skipped_too_long: bool,
    /// The CRS the coordinates are converted from: the declared one, or one given.
    reprojection: Option<Reprojection>,
    /// The columns named by a mapping, for [`GeoJsonSource::scan_properties`].
    mapping: ColumnMapping,
    /// Whether the input is a GeoJSON text sequence rather than a FeatureCollection.
    sequence: bool,
    /// The properties as columns, once learnt by [`GeoJsonSource::scan_properties`]; without
    /// them, only the standard properties are read.
    pub(crate) header: Option<PropertyHeader>,
    scratch: Scratch,
}

impl<R: Read> GeoJsonSource<R> {
    /// Reads the collection's members up to the start of the `features` array.
    pub(crate) fn open(
        input: Input<R>,
        mapping: &ColumnMapping,
        sequence: bool,
    ) -> Result<GeoJsonSource<R>, Fatal> {
        let limit = super::reader::DEFAULT_MAX_ROW_BYTES;
        let stream = if sequence {
            FeatureStream::open_sequence(input, limit)
        } else {
            FeatureStream::open(input, limit).map_err(|f| (f.line, f.message))?
        };
        let mut stream = stream;
        stream.crs_given = stream.declared_crs.is_some();
        let reprojection = match &stream.declared_crs {
            Some(crs) => Some(
                Reprojection::new(crs.clone()).map_err(|e| (0, format!("\"crs\" member: {e}")))?,
            ),
            None => None,
        };
        Ok(GeoJsonSource {
            stream,
            skipped_too_long: false,
            reprojection,
            mapping: mapping.clone(),
            sequence,
            header: None,
            scratch: Scratch::default(),
        })
    }

    /// The longest feature read, in bytes; a longer one is read through without being kept.
    pub(crate) fn set_max_feature_bytes(&mut self, limit: usize) {
        self.stream.max_feature_bytes = limit;
    }

    /// Converts coordinates from `reprojection` (`None`: WGS84), whatever the file declares.
    pub(crate) fn set_reprojection(&mut self, reprojection: Option<Reprojection>) {
        self.stream.crs_given = reprojection.is_some();
        self.reprojection = reprojection;
    }

    /// Reads `again`, the same input from its start, to learn the features' properties: from
    /// then on each feature is read by them and carries them. `Err` is a message about the
    /// file.
    pub(crate) fn scan_properties(&mut self, again: impl Read) -> Result<(), String> {
        let limit = self.stream.max_feature_bytes;
        self.header = Some(super::geojson_props::scan(
            again,
            limit,
            &self.mapping,
            self.sequence,
        )?);
        Ok(())
    }

    /// The CRS named by the file's legacy `crs` member, when not WGS84.
    pub(crate) fn declared_crs(&self) -> Option<&Crs> {
        self.stream.declared_crs.as_ref()
    }

    /// The next feature, `None` at the end of the collection, or a fatal structural problem.
    pub(crate) fn next_feature(&mut self) -> Option<Result<FeatureResult, Fatal>> {
        self.skipped_too_long = false;
        let (index, text) = match self.stream.next_feature()? {
            Ok(v) => v,
            Err(f) => return Some(Err((f.line, f.message))),
        };
        Some(Ok(match text {
            FeatureText::Scalar(kind) => (
                index,
                None,
                Err(format!("the feature is {kind}, not a JSON object")),
            ),
            FeatureText::TooLong => {
                self.skipped_too_long = true;
                let limit = self.stream.max_feature_bytes;
                let msg = crate::io::csv_table::too_long("feature", limit);
                (index, None, Err(msg))
            }
            FeatureText::Json(raw) => {
                let crs = self.reprojection.as_ref();
                let (id, result) = match &self.header {
                    Some(header) => incident_by_header(&raw, crs, header, &mut self.scratch),
                    None => incident(&raw, crs),
                };
                (index, id, result)
            }
        }))
    }
}

/// The position of a feature's geometry, which must be a Point: converted from `crs` when
/// given, checked as longitude and latitude.
fn point_of(
    geometry: Option<&RawValue>,
    crs: Option<&Reprojection>,
) -> Result<geo::Point<f64>, String> {
    match geometry.filter(|g| kind_of(g) != "null") {
        None => Err("null geometry: an incident needs a Point".to_string()),
        Some(g) => match serde_json::from_str::<geojson::Geometry>(g.get()) {
            Err(e) => Err(format!("geometry cannot be read: {}", json_message(&e))),
            Ok(geometry) => match geometry.value {
                geojson::GeometryValue::Point { coordinates } => {
                    position(coordinates.as_slice(), crs)
                }
                // A MultiPoint of one point, as some programs write every point layer.
                geojson::GeometryValue::MultiPoint { coordinates } => {
                    match coordinates.as_slice() {
                        [one] => position(one.as_slice(), crs),
                        many => Err(several_points("MultiPoint", many.len())),
                    }
                }
                other => Err(format!(
                    "geometry is a {}; an incident needs a Point",
                    other.type_name()
                )),
            },
        },
    }
}

/// A point's position: converted from `crs` when given, checked as longitude and latitude.
fn position(coordinates: &[f64], crs: Option<&Reprojection>) -> Result<geo::Point<f64>, String> {
    match coordinates {
        [x, y, ..] => match crs {
            Some(crs) => fields::converted(*x, *y, crs),
            None => fields::lon_lat_values(*x, *y),
        },
        _ => Err("Point has fewer than two coordinates".to_string()),
    }
}

/// Why a multi-point geometry (a `what`: MultiPoint, or KML's MultiGeometry) of `n` points,
/// not one, gives no incident.
pub(crate) fn several_points(what: &str, n: usize) -> String {
    if n == 0 {
        format!("geometry is an empty {what}; an incident needs a Point")
    } else {
        format!(
            "geometry is a {what} of {n} points; an incident needs one Point (a {what} of one \
             point is read as that point)"
        )
    }
}

/// Converts one feature by the columns of its properties (see [`PropertyHeader`]).
fn incident_by_header(
    raw: &RawValue,
    crs: Option<&Reprojection>,
    header: &PropertyHeader,
    scratch: &mut Scratch,
) -> (Option<String>, Result<Incident, String>) {
    match RawFeature::read(raw) {
        Ok(feature) => header.incident(&feature, point_of(feature.geometry, crs), scratch),
        Err(why) if kind_of(raw) == "an object" => {
            (None, Err(format!("not a valid GeoJSON Feature: {why}")))
        }
        Err(_) => (
            None,
            Err(format!(
                "the feature is {}, not a JSON object",
                kind_of(raw)
            )),
        ),
    }
}

/// Converts one feature: its id for messages (`properties.id`, else the feature's own `id`)
/// and the incident or, on failure, every problem found, joined by `; `.
fn incident(
    raw: &RawValue,
    crs: Option<&Reprojection>,
) -> (Option<String>, Result<Incident, String>) {
    let feature = match RawFeature::read(raw) {
        Ok(f) => f,
        Err(why) if kind_of(raw) == "an object" => {
            return (None, Err(format!("not a valid GeoJSON Feature: {why}")));
        }
        Err(_) => {
            let kind = kind_of(raw);
            return (
                None,
                Err(format!("the feature is {kind}, not a JSON object")),
            );
        }
    };
    let mut errors = Vec::new();
    let props: HashMap<String, &RawValue> = match feature.properties {
        None => HashMap::new(),
        Some(p) if kind_of(p) == "null" => HashMap::new(),
        Some(p) => serde_json::from_str(p.get()).unwrap_or_else(|_| {
            errors.push(format!("properties is {}, not an object", kind_of(p)));
            HashMap::new()
        }),
    };
    let get = |key: &str| props.get(key).copied();
    let prop_id = id_text(get("id"));
    let own_id = id_text(feature.id);
    let shown_id = prop_id
        .clone()
        .and_then(Result::ok)
        .or_else(|| own_id.clone().and_then(Result::ok));
    let point = point_of(feature.geometry, crs);
    let mut text = |key: &str, alias: Option<&str>| -> String {
        let raw = get(key).or_else(|| alias.and_then(get));
        match prop(raw) {
            Prop::Absent => String::new(),
            Prop::Text(Ok(s)) => s.trim().to_string(),
            Prop::Text(Err(e)) => {
                errors.push(format!("property {key} cannot be read: {e}"));
                String::new()
            }
            Prop::Number(_) | Prop::Other => {
                errors.push(format!("property {key} is not a string"));
                String::new()
            }
        }
    };
    let kind = text("kind", None);
    let summary = text("summary", None);
    let source_id = text("source_id", Some("source"));
    // An earlier run's output: its `dyad` is the classification's answer, not the incident's.
    let classified = CLASSIFICATION_COLUMNS
        .iter()
        // (`regimes` came later: an earlier run's output has the others)
        .filter(|c| **c != "regimes")
        .all(|c| props.contains_key(*c));
    let dyad = if classified {
        String::new()
    } else {
        text("dyad", None)
    };
    let dyad = if dyad.is_empty() {
        None
    } else {
        match dyad.parse::<crate::Dyad>() {
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(format!("dyad: {e}"));
                None
            }
        }
    };
    let date = match prop(get("date")) {
        Prop::Text(Ok(s)) => fields::partial_date_span(&s, "date"),
        Prop::Text(Err(e)) => Err(format!("property date cannot be read: {e}")),
        Prop::Absent => Err("no date property".to_string()),
        Prop::Number(_) | Prop::Other => {
            Err("property date is not a string (write \"2006-04-19\")".to_string())
        }
    };
    let precision_m = match prop(get("precision_m")) {
        Prop::Absent => Ok(0.0),
        Prop::Number(n) => n
            .parse::<f64>()
            .ok()
            .filter(|v| *v >= 0.0 && v.is_finite())
            .ok_or_else(|| format!("precision_m {n} is negative or not finite")),
        // A number written as text (as a CSV table's values are carried to GeoJSON).
        Prop::Text(Ok(s)) => fields::precision_m(s.trim(), "precision_m"),
        Prop::Text(_) | Prop::Other => Err("property precision_m is not a number".to_string()),
    };
    let fatalities = match prop(get("fatalities")) {
        Prop::Absent => Ok(None),
        Prop::Number(n) => fields::fatalities(n, "fatalities"),
        Prop::Text(Ok(s)) => fields::fatalities(s.trim(), "fatalities"),
        Prop::Text(_) | Prop::Other => Err("property fatalities is not a number".to_string()),
    };
    let id = match (prop_id, own_id) {
        (Some(id), _) => id.map_err(|e| format!("property id cannot be read: {e}")),
        (None, Some(id)) => id.map_err(|e| format!("the feature's id cannot be read: {e}")),
        (None, None) if matches!(prop(get("id")), Prop::Other) => {
            Err("property id is not a string or number".to_string())
        }
        (None, None) => Err("no id (neither properties.id nor the feature's id)".to_string()),
    };
    let id = id.and_then(|s| {
        if s.is_empty() {
            Err("id is empty".to_string())
        } else {
            Ok(s)
        }
    });
    let result = match (id, date, point, precision_m, fatalities) {
        (Ok(id), Ok(date), Ok(point), Ok(precision_m), Ok(fatalities)) if errors.is_empty() => {
            Ok(Incident {
                id,
                date,
                point,
                precision_m,
                kind,
                summary,
                fatalities,
                source_id,
                dyad,
                values: crate::RowValues::default(),
            })
        }
        (id, date, point, precision, fatalities) => {
            errors.extend(
                [
                    id.err(),
                    date.err(),
                    point.err(),
                    precision.err(),
                    fatalities.err(),
                ]
                .into_iter()
                .flatten(),
            );
            Err(errors.join("; "))
        }
    };
    (shown_id, result)
}
