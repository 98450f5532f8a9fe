//! The collection's outer object, scanned by hand one member at a time, and its features
//! handed out one by one as raw JSON text: memory holds one feature, however many there are.
//!
//! Members other than `type`, `crs` and `features` (`bbox`, `name`, …) are skipped. Each
//! feature's JSON is checked for syntax only (what it holds is the caller's business), so a
//! feature that is not an object, or whose values cannot be read (a number beyond a float, a
//! lone surrogate escape), is one feature's problem and the next one is read; broken JSON
//! structure ends the stream.

use std::io::Read;

use serde_json::value::RawValue;

use super::json_bytes::{parse_at, Bytes, Fatal, FatalKind};
use crate::crs::Crs;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Inside the `features` array, before an element or the closing `]`.
    Features { first: bool },
    /// Between the features of a GeoJSON text sequence (RFC 8142, or one feature a line).
    Sequence,
    /// After the whole collection has been read.
    Finished,
}

/// One element of the `features` array, as read.
pub(crate) enum FeatureText {
    /// An object or array (or a string), checked for syntax only: the caller reads it.
    Json(Box<RawValue>),
    /// A number, boolean or null, which cannot be a feature: what kind of value it is
    /// ("a number", "a boolean", "null").
    Scalar(&'static str),
    /// Longer than the limit: read through without being kept.
    TooLong,
}

/// A GeoJSON FeatureCollection read one feature at a time.
pub(crate) struct FeatureStream<R: Read> {
    bytes: Bytes<R>,
    state: State,
    index: usize,
    type_seen: bool,
    /// The longest feature kept, in bytes; a longer one is read through without being kept.
    pub(crate) max_feature_bytes: usize,
    /// The CRS named by a legacy `crs` member (removed by RFC 7946), when not WGS84.
    pub(crate) declared_crs: Option<Crs>,
    /// Whether the reader was told the CRS: then a `crs` member after the features does not
    /// matter (the features were not read as WGS84 by mistake).
    pub(crate) crs_given: bool,
}

impl<R: Read> FeatureStream<R> {
    /// Reads the collection's members up to the start of the `features` array; features
    /// longer than `max_feature_bytes` are skipped.
    pub(crate) fn open(input: R, max_feature_bytes: usize) -> Result<FeatureStream<R>, Fatal> {
        let mut src = FeatureStream {
            bytes: Bytes::new(input),
            state: State::Finished,
            index: 0,
            type_seen: false,
            max_feature_bytes,
            declared_crs: None,
            crs_given: false,
        };
        src.bytes
            .expect(b'{', "'{'")
            .map_err(|f| f.with_kind(FatalKind::NotACollection))?;
        if !src.members(true)? {
            let kind = if src.type_seen {
                FatalKind::NoFeatures
            } else {
                FatalKind::NotACollection
            };
            return Err(Fatal::of(
                kind,
                src.bytes.line,
                "GeoJSON object has no \"features\" member: not a FeatureCollection",
            ));
        }
        Ok(src)
    }

    /// A GeoJSON text sequence (RFC 8142: each feature after a record separator, or one
    /// feature a line), read one feature at a time; features longer than `max_feature_bytes`
    /// are skipped.
    pub(crate) fn open_sequence(input: R, max_feature_bytes: usize) -> FeatureStream<R> {
        FeatureStream {
            bytes: Bytes::new(input),
            state: State::Sequence,
            index: 0,
            type_seen: true,
            max_feature_bytes,
            declared_crs: None,
            crs_given: false,
        }
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
                        return Err(Fatal::of(
                            FatalKind::NotACollection,
                            line,
                            "GeoJSON \"type\" is not a string",
                        ));
                    }
                    let t: String = self.bytes.parse()?;
                    if t != "FeatureCollection" {
                        return Err(Fatal::of(
                            FatalKind::NotACollection,
                            line,
                            format!(
                                "GeoJSON type is {:?}; expected a FeatureCollection",
                                crate::io::incidents::shown(&t)
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
                    let crs =
                        legacy_crs(&member).map_err(|m| Fatal::of(FatalKind::Crs, line, m))?;
                    if crs.is_wgs84() {
                        continue;
                    }
                    if self.index > 0 && !self.crs_given {
                        return Err(Fatal::of(
                            FatalKind::Crs,
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
                    self.bytes
                        .expect(b'[', "'[' (the features array)")
                        .map_err(|f| f.with_kind(FatalKind::NoFeatures))?;
                    self.state = State::Features { first: true };
                    return Ok(true);
                }
                _ => self.bytes.skip_value()?,
            }
        }
    }

    /// The next feature with its index in the array, `None` at the end of the collection, or
    /// a fatal problem, after which the stream ends.
    pub(crate) fn next_feature(&mut self) -> Option<Result<(usize, FeatureText), Fatal>> {
        match self.step() {
            Ok(Some(v)) => Some(Ok(v)),
            Ok(None) => None,
            Err(e) => {
                self.state = State::Finished;
                Some(Err(e))
            }
        }
    }

    fn step(&mut self) -> Result<Option<(usize, FeatureText)>, Fatal> {
        match self.state {
            State::Finished => return Ok(None),
            State::Sequence => loop {
                // Record separators (RFC 8142) and blank lines between features.
                match self.bytes.peek_token()? {
                    None => {
                        self.state = State::Finished;
                        return Ok(None);
                    }
                    Some(0x1E) => self.bytes.bump(),
                    Some(_) => break,
                }
            },
            State::Features { first } => {
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
            }
        }
        let index = self.index;
        self.index += 1;
        let scalar = match self.bytes.peek_token()? {
            Some(b'{' | b'[' | b'"') => None,
            Some(b't' | b'f') => Some("a boolean"),
            Some(b'n') => Some("null"),
            _ => Some("a number"),
        };
        if let Some(kind) = scalar {
            // Not self-delimiting: serde_json would read past its end, so it is skipped here.
            self.bytes.skip_value()?;
            return Ok(Some((index, FeatureText::Scalar(kind))));
        }
        let start = self.bytes.line;
        let mut text = Vec::new();
        if !self.bytes.read_value(self.max_feature_bytes, &mut text)? {
            return Ok(Some((index, FeatureText::TooLong)));
        }
        let raw: Box<RawValue> = parse_at(&text, start)?;
        Ok(Some((index, FeatureText::Json(raw))))
    }

    /// Reads the members after `features` and checks that nothing follows the object.
    fn finish(&mut self) -> Result<(), Fatal> {
        if self.members(false)? {
            return Err(self.bytes.invalid("a second \"features\" member"));
        }
        if !self.type_seen {
            return Err(Fatal::of(
                FatalKind::NotACollection,
                self.bytes.line,
                "GeoJSON object has no \"type\": \"FeatureCollection\" member",
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
