//! The collection's outer object, scanned by hand one member at a time, and its features
//! handed out one by one as raw JSON text: memory holds one feature, however many there are.
//!
//! Members other than `type`, `crs` and `features` (`bbox`, `name`, …) are skipped. Each
//! feature's JSON is checked for syntax only (what it holds is the caller's business), so a
//! feature that is not an object, or whose values cannot be read (a number beyond a float, a
//! lone surrogate escape), is one feature's problem and the next one is read; broken JSON
//! structure ends the stream.

use std::io::{BufRead, BufReader, Read};

use serde::de::{Deserialize, IgnoredAny};
use serde_json::value::RawValue;

use crate::crs::Crs;

/// What ends the reading of a collection: the line it was found on, what kind of problem it
/// is and the message.
#[derive(Debug)]
pub(crate) struct Fatal {
    pub(crate) line: u64,
    pub(crate) kind: FatalKind,
    pub(crate) message: String,
}

/// The kinds of [`Fatal`] problem, for readers that word some of them their own way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FatalKind {
    /// Broken JSON, broken structure, or a read error.
    Json,
    /// The top-level object is not a FeatureCollection (its `type` says otherwise, or it has
    /// none).
    NotACollection,
    /// The collection has no `features` array.
    NoFeatures,
    /// A legacy `crs` member that cannot be understood, or that comes too late.
    Crs,
}

impl Fatal {
    fn json(line: u64, message: String) -> Fatal {
        Fatal {
            line,
            kind: FatalKind::Json,
            message,
        }
    }

    fn with_kind(self, kind: FatalKind) -> Fatal {
        Fatal { kind, ..self }
    }

    fn of(kind: FatalKind, line: u64, message: impl Into<String>) -> Fatal {
        Fatal {
            line,
            kind,
            message: message.into(),
        }
    }
}

/// A byte source that can peek and counts the lines it has consumed.
struct Bytes<R: Read> {
    inner: BufReader<R>,
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
            Err(e) => Err(Fatal::json(line, format!("read error: {e}"))),
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
        Fatal::json(self.line, format!("invalid GeoJSON: {msg}"))
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
            Fatal::json(line, format!("invalid JSON: {msg}"))
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
                Err(e) => return Err(Fatal::json(line, format!("read error: {e}"))),
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
                // A number, true, false or null: not self-delimiting, so its characters are
                // gathered here (serde_json would read past its end) and checked on their own.
                let line = self.line;
                let mut token = Vec::new();
                while let Some(b) = self.peek()? {
                    if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-') {
                        self.bump();
                        token.push(b);
                    } else {
                        break;
                    }
                }
                if token.is_empty() {
                    return Err(self.invalid("expected a value"));
                }
                parse_at::<IgnoredAny>(&token, line).map(|_| ())
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
        Fatal::json(line, format!("invalid JSON: {msg}"))
    })
}

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
            bytes: Bytes {
                inner: BufReader::with_capacity(64 * 1024, input),
                line: 1,
            },
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
            bytes: Bytes {
                inner: BufReader::with_capacity(64 * 1024, input),
                line: 1,
            },
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
