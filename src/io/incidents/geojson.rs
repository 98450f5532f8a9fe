//! Streaming reader for a GeoJSON FeatureCollection of Point features.
//!
//! The collection's outer object is scanned by hand, one member at a time; each feature is
//! parsed on its own with `serde_json` (into a `serde_json::Value`, then a
//! [`geojson::Feature`]), so memory holds one feature at a time however many there are.
//! Members other than `type` and `features` (`bbox`, `crs`, `name`, …) are skipped.

use std::io::{BufRead, BufReader, Read};

use serde::de::{Deserialize, IgnoredAny};
use serde_json::Value;

use super::fields;
use super::reader::Input;
use crate::Incident;

/// A fatal problem: the line it was found on and the message.
pub(crate) type Fatal = (u64, String);

/// One feature's outcome: its index, its id where it has one, and the incident or message.
pub(crate) type FeatureResult = (usize, Option<String>, Result<Incident, String>);

/// A byte source that can peek and counts the lines it has consumed.
struct Bytes<R: Read> {
    inner: BufReader<Input<R>>,
    /// The line of the next byte, from 1.
    line: u64,
}

impl<R: Read> Read for Bytes<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = buf.get(..n).unwrap_or(&[]);
        self.line += read.iter().filter(|&&b| b == b'\n').count() as u64;
        Ok(n)
    }
}

impl<R: Read> Bytes<R> {
    fn peek(&mut self) -> Result<Option<u8>, Fatal> {
        let line = self.line;
        match self.inner.fill_buf() {
            Ok(buf) => Ok(buf.first().copied()),
            Err(e) => Err((line, format!("read error: {e}"))),
        }
    }

    fn bump(&mut self) {
        let mut one = [0u8; 1];
        // The byte was peeked, so this read cannot fail.
        let _ = self.read(&mut one);
    }

    /// Skips whitespace and returns the next byte without consuming it.
    fn peek_token(&mut self) -> Result<Option<u8>, Fatal> {
        loop {
            match self.peek()? {
                Some(b) if b.is_ascii_whitespace() => self.bump(),
                other => return Ok(other),
            }
        }
    }

    /// Skips whitespace and consumes `want`, or fails saying what was expected.
    fn expect(&mut self, want: u8, what: &str) -> Result<(), Fatal> {
        match self.peek_token()? {
            Some(b) if b == want => {
                self.bump();
                Ok(())
            }
            Some(b) => Err(self.invalid(&format!("expected {what}, found {:?}", b as char))),
            None => Err(self.invalid(&format!("expected {what}, found the end of the file"))),
        }
    }

    fn invalid(&self, msg: &str) -> Fatal {
        (self.line, format!("invalid GeoJSON: {msg}"))
    }

    /// Parses one self-delimiting JSON value (string, object or array) with serde_json,
    /// which then has read exactly up to its closing byte.
    fn parse<T: for<'de> Deserialize<'de>>(&mut self) -> Result<T, Fatal> {
        let start = self.line;
        let mut de = serde_json::Deserializer::from_reader(&mut *self);
        T::deserialize(&mut de).map_err(|e| {
            let text = e.to_string();
            let msg = text
                .rsplit_once(" at line ")
                .map_or(text.as_str(), |(m, _)| m);
            let line = start + (e.line() as u64).saturating_sub(1);
            (line, format!("invalid JSON: {msg}"))
        })
    }

    /// Skips one JSON value of any kind.
    fn skip_value(&mut self) -> Result<(), Fatal> {
        match self.peek_token()? {
            Some(b'{' | b'[' | b'"') => self.parse::<IgnoredAny>().map(|_| ()),
            Some(_) => {
                // A number, true, false or null: consume its characters; the structure
                // check that follows catches anything malformed.
                let mut n = 0;
                while let Some(b) = self.peek()? {
                    if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-') {
                        self.bump();
                        n += 1;
                    } else {
                        break;
                    }
                }
                if n == 0 {
                    return Err(self.invalid("expected a value"));
                }
                Ok(())
            }
            None => Err(self.invalid("expected a value, found the end of the file")),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Inside the `features` array, before an element or the closing `]`.
    Features { first: bool },
    /// After the whole collection has been read.
    Finished,
}

/// The GeoJSON source of an [`IncidentReader`](super::IncidentReader).
pub(crate) struct GeoJsonSource<R: Read> {
    bytes: Bytes<R>,
    state: State,
    index: usize,
    type_seen: bool,
}

impl<R: Read> GeoJsonSource<R> {
    /// Reads the collection's members up to the start of the `features` array.
    pub(crate) fn open(input: Input<R>) -> Result<GeoJsonSource<R>, Fatal> {
        let mut src = GeoJsonSource {
            bytes: Bytes {
                inner: BufReader::with_capacity(64 * 1024, input),
                line: 1,
            },
            state: State::Finished,
            index: 0,
            type_seen: false,
        };
        src.bytes.expect(b'{', "'{'")?;
        if !src.members(true)? {
            return Err((
                src.bytes.line,
                "GeoJSON object has no \"features\" member: not a FeatureCollection".into(),
            ));
        }
        Ok(src)
    }

    /// Reads object members until `features` (returns true, positioned inside the array) or
    /// the end of the object (returns false). `first` is whether no member was read yet.
    fn members(&mut self, mut first: bool) -> Result<bool, Fatal> {
        loop {
            match self.bytes.peek_token()? {
                Some(b'}') => {
                    self.bytes.bump();
                    return Ok(false);
                }
                _ if !first => self.bytes.expect(b',', "',' or '}'")?,
                _ => {}
            }
            first = false;
            if self.bytes.peek_token()? != Some(b'"') {
                return Err(self.bytes.invalid("expected a member name"));
            }
            let key: String = self.bytes.parse()?;
            self.bytes.expect(b':', "':'")?;
            match key.as_str() {
                "type" => {
                    let line = self.bytes.line;
                    if self.bytes.peek_token()? != Some(b'"') {
                        return Err((line, "GeoJSON \"type\" is not a string".into()));
                    }
                    let t: String = self.bytes.parse()?;
                    if t != "FeatureCollection" {
                        return Err((
                            line,
                            format!(
                                "GeoJSON type is {:?}; expected a FeatureCollection",
                                fields::shown(&t)
                            ),
                        ));
                    }
                    self.type_seen = true;
                }
                "features" => {
                    self.bytes.expect(b'[', "'[' (the features array)")?;
                    self.state = State::Features { first: true };
                    return Ok(true);
                }
                _ => self.bytes.skip_value()?,
            }
        }
    }

    /// The next feature, `None` at the end of the collection, or a fatal structural problem.
    pub(crate) fn next_feature(&mut self) -> Option<Result<FeatureResult, Fatal>> {
        match self.step() {
            Ok(Some(v)) => Some(Ok(v)),
            Ok(None) => None,
            Err(e) => {
                self.state = State::Finished;
                Some(Err(e))
            }
        }
    }

    fn step(&mut self) -> Result<Option<FeatureResult>, Fatal> {
        let State::Features { first } = self.state else {
            return Ok(None);
        };
        match self.bytes.peek_token()? {
            Some(b']') => {
                self.bytes.bump();
                self.state = State::Finished;
                return self.finish().map(|()| None);
            }
            _ if !first => self
                .bytes
                .expect(b',', "',' or ']' in the features array")?,
            _ => {}
        }
        self.state = State::Features { first: false };
        let index = self.index;
        self.index += 1;
        if self.bytes.peek_token()? != Some(b'{') {
            return Err(self
                .bytes
                .invalid(&format!("feature {index} is not a JSON object")));
        }
        let value: Value = self.bytes.parse()?;
        let id = feature_id(&value);
        Ok(Some((index, id, incident(value))))
    }

    /// Reads the members after `features` and checks that nothing follows the object.
    fn finish(&mut self) -> Result<(), Fatal> {
        if self.members(false)? {
            return Err(self.bytes.invalid("a second \"features\" member"));
        }
        if !self.type_seen {
            return Err((
                self.bytes.line,
                "GeoJSON object has no \"type\": \"FeatureCollection\" member".into(),
            ));
        }
        match self.bytes.peek_token()? {
            None => Ok(()),
            Some(_) => Err(self
                .bytes
                .invalid("data after the end of the FeatureCollection")),
        }
    }
}

/// The feature's id for messages: `properties.id`, else the feature's own `id`.
fn feature_id(value: &Value) -> Option<String> {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    value
        .get("properties")
        .and_then(|p| p.get("id"))
        .and_then(text)
        .or_else(|| value.get("id").and_then(text))
}

/// Converts one feature; on failure, every problem found, joined by `; `.
fn incident(value: Value) -> Result<Incident, String> {
    let feature: geojson::Feature =
        serde_json::from_value(value).map_err(|e| format!("not a valid GeoJSON Feature: {e}"))?;
    let mut errors = Vec::new();
    let point = match feature.geometry.as_ref().map(|g| &g.value) {
        None => Err("null geometry: an incident needs a Point".to_string()),
        Some(geojson::GeometryValue::Point { coordinates }) => match coordinates.as_slice() {
            [lon, lat, ..] => fields::lon_lat_values(*lon, *lat),
            _ => Err("Point has fewer than two coordinates".to_string()),
        },
        Some(other) => Err(format!(
            "geometry is a {}; an incident needs a Point",
            other.type_name()
        )),
    };
    let empty = serde_json::Map::new();
    let props = feature.properties.as_ref().unwrap_or(&empty);
    let mut text = |key: &str, alias: Option<&str>| -> String {
        let v = props.get(key).or_else(|| alias.and_then(|a| props.get(a)));
        match v {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.trim().to_string(),
            Some(_) => {
                errors.push(format!("property {key} is not a string"));
                String::new()
            }
        }
    };
    let kind = text("kind", None);
    let summary = text("summary", None);
    let source_id = text("source_id", Some("source"));
    let dyad = text("dyad", None);
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
    let date = match props.get("date") {
        Some(Value::String(s)) => fields::partial_date_span(s, "date"),
        None | Some(Value::Null) => Err("no date property".to_string()),
        Some(_) => Err("property date is not a string (write \"2006-04-19\")".to_string()),
    };
    let precision_m = match props.get("precision_m") {
        None | Some(Value::Null) => Ok(0.0),
        Some(Value::Number(n)) => n
            .as_f64()
            .filter(|v| *v >= 0.0 && v.is_finite())
            .ok_or_else(|| format!("precision_m {n} is negative or not finite")),
        Some(_) => Err("property precision_m is not a number".to_string()),
    };
    let fatalities = match props.get("fatalities") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => fields::fatalities(&n.to_string(), "fatalities"),
        Some(_) => Err("property fatalities is not a number".to_string()),
    };
    let prop_id = props.get("id");
    let id = match (prop_id, &feature.id) {
        (Some(Value::String(s)), _) => Ok(s.trim().to_string()),
        (Some(Value::Number(n)), _) => Ok(n.to_string()),
        (Some(Value::Null) | None, Some(geojson::feature::Id::String(s))) => {
            Ok(s.trim().to_string())
        }
        (Some(Value::Null) | None, Some(geojson::feature::Id::Number(n))) => Ok(n.to_string()),
        (Some(Value::Null) | None, None) => {
            Err("no id (neither properties.id nor the feature's id)".to_string())
        }
        (Some(_), _) => Err("property id is not a string or number".to_string()),
    };
    let id = id.and_then(|s| {
        if s.is_empty() {
            Err("id is empty".to_string())
        } else {
            Ok(s)
        }
    });
    match (id, date, point, precision_m, fatalities) {
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
    }
}
