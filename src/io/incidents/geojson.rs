//! Streaming reader for a GeoJSON FeatureCollection of Point features.
//!
//! The collection's outer object is scanned by hand, one member at a time; each feature is
//! parsed on its own with `serde_json` (into a `serde_json::Value`, then a
//! [`geojson::Feature`]), so memory holds one feature at a time however many there are.
//! Members other than `type` and `features` (`bbox`, `crs`, `name`, …) are skipped.

use std::io::{BufRead, BufReader, Read};

use std::collections::HashMap;

use serde::de::{Deserialize, IgnoredAny};
use serde::Deserialize as DeriveDeserialize;
use serde_json::value::RawValue;

use super::fields;
use super::reader::Input;
use crate::crs::{Crs, Reprojection};
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

    /// Reads one object, array or string (the next token starts it) into `out`, checking only
    /// where it ends (brackets outside strings); returns `false`, with `out` empty, when it is
    /// longer than `limit` bytes: it is then read through to its end without being kept. The
    /// end of the input inside the value is reported as serde_json reports it.
    fn read_value(&mut self, limit: usize, out: &mut Vec<u8>) -> Result<bool, Fatal> {
        let start = self.line;
        let (mut depth, mut in_string, mut escaped, mut kept) = (0usize, false, false, true);
        loop {
            let line = self.line;
            let chunk = match self.inner.fill_buf() {
                Ok(c) => c,
                Err(e) => return Err((line, format!("read error: {e}"))),
            };
            if chunk.is_empty() {
                // Cut short: serde_json words the message, as for any other broken JSON.
                if kept {
                    parse_at::<IgnoredAny>(out, start)?;
                }
                return Err(
                    self.invalid("expected the end of a feature, found the end of the file")
                );
            }
            let mut end = None;
            for (i, &b) in chunk.iter().enumerate() {
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                    }
                } else {
                    match b {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                }
                if !in_string && depth == 0 {
                    end = Some(i + 1);
                    break;
                }
            }
            let n = end.unwrap_or(chunk.len());
            let part = chunk.get(..n).unwrap_or(&[]);
            if kept && out.len() + n > limit {
                kept = false;
                *out = Vec::new();
            }
            if kept {
                out.extend_from_slice(part);
            }
            self.line += part.iter().filter(|&&b| b == b'\n').count() as u64;
            self.inner.consume(n);
            if end.is_some() {
                return Ok(kept);
            }
        }
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

/// Parses `text`, read from line `start` on, with serde_json; an error is fatal, on the line
/// where serde_json found it.
fn parse_at<T: for<'de> Deserialize<'de>>(text: &[u8], start: u64) -> Result<T, Fatal> {
    serde_json::from_slice(text).map_err(|e| {
        let msg = e.to_string();
        let msg = msg
            .rsplit_once(" at line ")
            .map_or(msg.as_str(), |(m, _)| m);
        let line = start + (e.line() as u64).saturating_sub(1);
        (line, format!("invalid JSON: {msg}"))
    })
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
    /// The longest feature read, in bytes; a longer one is read through without being kept.
    pub(crate) max_feature_bytes: usize,
    /// Whether the last feature read was skipped for being longer than that.
    pub(crate) skipped_too_long: bool,
    /// The CRS named by a legacy `crs` member (removed by RFC 7946), when not WGS84.
    pub(super) declared_crs: Option<Crs>,
    /// The CRS the coordinates are converted from: the declared one, or one given.
    pub(super) reprojection: Option<Reprojection>,
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
            max_feature_bytes: super::reader::DEFAULT_MAX_ROW_BYTES,
            skipped_too_long: false,
            declared_crs: None,
            reprojection: None,
        };
        src.bytes.expect(b'{', "'{'")?;
        if !src.members(true)? {
            return Err((
                src.bytes.line,
                "GeoJSON object has no \"features\" member: not a FeatureCollection".into(),
            ));
        }
        if let Some(crs) = &src.declared_crs {
            let reprojection =
                Reprojection::new(crs.clone()).map_err(|e| (0, format!("\"crs\" member: {e}")))?;
            src.reprojection = Some(reprojection);
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
                "crs" => {
                    let line = self.bytes.line;
                    let member: serde_json::Value = self.bytes.parse()?;
                    if member.is_null() {
                        continue;
                    }
                    let crs = legacy_crs(&member).map_err(|m| (line, m))?;
                    if crs.is_wgs84() {
                        continue;
                    }
                    if self.index > 0 && self.reprojection.is_none() {
                        return Err((
                            line,
                            format!(
                                "the \"crs\" member ({crs}) comes after the features, which \
                                 were read as WGS84: move it before \"features\", or name the \
                                 CRS when reading the file"
                            ),
                        ));
                    }
                    self.declared_crs = Some(crs);
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
        self.skipped_too_long = false;
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
        // The feature's JSON is checked for syntax only here: a value that cannot be read (a
        // number beyond a float, a lone surrogate escape) or a feature that is not an object is
        // a problem for this feature, and the next one is read.
        let scalar = match self.bytes.peek_token()? {
            Some(b'{' | b'[' | b'"') => None,
            Some(b't' | b'f') => Some("a boolean"),
            Some(b'n') => Some("null"),
            _ => Some("a number"),
        };
        if let Some(kind) = scalar {
            // Not self-delimiting: serde_json would read past its end, so it is skipped here.
            self.bytes.skip_value()?;
            let msg = format!("the feature is {kind}, not a JSON object");
            return Ok(Some((index, None, Err(msg))));
        }
        let start = self.bytes.line;
        let mut text = Vec::new();
        self.skipped_too_long = !self.bytes.read_value(self.max_feature_bytes, &mut text)?;
        if self.skipped_too_long {
            let msg = super::csv_source::too_long("feature", self.max_feature_bytes);
            return Ok(Some((index, None, Err(msg))));
        }
        let raw: Box<RawValue> = parse_at(&text, start)?;
        let (id, result) = incident(&raw, self.reprojection.as_ref());
        Ok(Some((index, id, result)))
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

/// The CRS a legacy `crs` member names: `{"type": "name", "properties": {"name": "…"}}` (an
/// OGC URN, `EPSG:NNNN` or a PROJ string), or the older `{"type": "EPSG", "properties":
/// {"code": NNNN}}`.
fn legacy_crs(member: &serde_json::Value) -> Result<Crs, String> {
    use serde_json::Value;
    let properties = member.get("properties");
    let named = match member.get("type").and_then(Value::as_str) {
        Some("name") => properties
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str)
            .map(str::to_string),
        Some("EPSG") => properties
            .and_then(|p| p.get("code"))
            .and_then(Value::as_u64)
            .map(|code| format!("EPSG:{code}")),
        _ => None,
    };
    let Some(named) = named else {
        return Err(format!(
            "\"crs\" member {member} not understood (expected {{\"type\": \"name\", \
             \"properties\": {{\"name\": \"urn:ogc:def:crs:EPSG::NNNN\"}}}})"
        ));
    };
    named
        .parse::<Crs>()
        .map_err(|e| format!("\"crs\" member: {e}"))
}

/// One feature read for its structure; its members are parsed when used.
#[derive(DeriveDeserialize)]
struct RawFeature<'a> {
    #[serde(default, borrow)]
    id: Option<&'a RawValue>,
    #[serde(default, borrow)]
    properties: Option<&'a RawValue>,
    #[serde(default, borrow)]
    geometry: Option<&'a RawValue>,
}

/// The message of a `serde_json` error without its position (the feature is named instead).
fn json_message(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg);
    if msg.contains("hex escape") || msg.contains("surrogate") {
        "a \\u escape in it is half of a character (a lone surrogate)".to_string()
    } else {
        msg.to_string()
    }
}

/// What kind of JSON value the raw text is, for messages.
fn kind_of(raw: &RawValue) -> &'static str {
    match raw.get().as_bytes().first() {
        Some(b'"') => "a string",
        Some(b'[') => "an array",
        Some(b'{') => "an object",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// A property's value as read: absent or null, a string (or the reason it cannot be read), a
/// number as written, or another kind.
enum Prop<'a> {
    Absent,
    Text(Result<String, String>),
    Number(&'a str),
    Other,
}

fn prop<'a>(raw: Option<&'a RawValue>) -> Prop<'a> {
    let Some(raw) = raw else {
        return Prop::Absent;
    };
    match kind_of(raw) {
        "null" => Prop::Absent,
        "a string" => {
            Prop::Text(serde_json::from_str::<String>(raw.get()).map_err(|e| json_message(&e)))
        }
        "a number" => Prop::Number(raw.get()),
        _ => Prop::Other,
    }
}

/// An id as written: a string's text (trimmed), or a number's digits exactly as in the file,
/// so that `12345678901234567890123` and `1.5e3` stay what they are.
fn id_text(raw: Option<&RawValue>) -> Option<Result<String, String>> {
    match prop(raw) {
        Prop::Text(t) => Some(t.map(|s| s.trim().to_string())),
        Prop::Number(n) => Some(Ok(n.to_string())),
        Prop::Absent | Prop::Other => None,
    }
}

/// Converts one feature: its id for messages (`properties.id`, else the feature's own `id`)
/// and the incident or, on failure, every problem found, joined by `; `.
fn incident(
    raw: &RawValue,
    crs: Option<&Reprojection>,
) -> (Option<String>, Result<Incident, String>) {
    let feature: RawFeature<'_> = match serde_json::from_str(raw.get()) {
        Ok(f) => f,
        Err(e) => {
            let why = match kind_of(raw) {
                "an object" => format!("not a valid GeoJSON Feature: {}", json_message(&e)),
                other => format!("the feature is {other}, not a JSON object"),
            };
            return (None, Err(why));
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
    let point = match feature.geometry.filter(|g| kind_of(g) != "null") {
        None => Err("null geometry: an incident needs a Point".to_string()),
        Some(g) => match serde_json::from_str::<geojson::Geometry>(g.get()) {
            Err(e) => Err(format!("geometry cannot be read: {}", json_message(&e))),
            Ok(geometry) => match geometry.value {
                geojson::GeometryValue::Point { coordinates } => match coordinates.as_slice() {
                    [x, y, ..] => match crs {
                        Some(crs) => fields::converted(*x, *y, crs),
                        None => fields::lon_lat_values(*x, *y),
                    },
                    _ => Err("Point has fewer than two coordinates".to_string()),
                },
                other => Err(format!(
                    "geometry is a {}; an incident needs a Point",
                    other.type_name()
                )),
            },
        },
    };
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
        Prop::Text(_) | Prop::Other => Err("property precision_m is not a number".to_string()),
    };
    let fatalities = match prop(get("fatalities")) {
        Prop::Absent => Ok(None),
        Prop::Number(n) => fields::fatalities(n, "fatalities"),
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
