//! The bytes of a GeoJSON text scanned by hand: peeking, skipping whitespace, reading one JSON
//! value's text (checked for syntax by serde_json) while counting lines, and the problems that
//! end the reading of a collection, each on its line.

use std::io::{BufRead, BufReader, Read};

use serde::de::{Deserialize, IgnoredAny};

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
    pub(super) fn json(line: u64, message: String) -> Fatal {
        Fatal {
            line,
            kind: FatalKind::Json,
            message,
        }
    }

    pub(super) fn with_kind(self, kind: FatalKind) -> Fatal {
        Fatal { kind, ..self }
    }

    pub(super) fn of(kind: FatalKind, line: u64, message: impl Into<String>) -> Fatal {
        Fatal {
            line,
            kind,
            message: message.into(),
        }
    }
}

/// A byte source that can peek and counts the lines it has consumed.
pub(super) struct Bytes<R: Read> {
    inner: BufReader<R>,
    /// The line of the next byte, from 1.
    pub(super) line: u64,
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
    /// Reads `input` from its first line.
    pub(super) fn new(input: R) -> Bytes<R> {
        Bytes {
            inner: BufReader::with_capacity(64 * 1024, input),
            line: 1,
        }
    }

    pub(super) fn peek(&mut self) -> Result<Option<u8>, Fatal> {
        let line = self.line;
        match self.inner.fill_buf() {
            Ok(buf) => Ok(buf.first().copied()),
            Err(e) => Err(Fatal::json(line, format!("read error: {e}"))),
        }
    }

    pub(super) fn bump(&mut self) {
        let mut one = [0u8; 1];
        // The byte was peeked, so this read cannot fail.
        let _ = self.read(&mut one);
    }

    /// Skips whitespace and returns the next byte without consuming it.
    pub(super) fn peek_token(&mut self) -> Result<Option<u8>, Fatal> {
        loop {
            match self.peek()? {
                Some(b) if b.is_ascii_whitespace() => self.bump(),
                other => return Ok(other),
            }
        }
    }

    /// Skips whitespace and consumes `want`, or fails saying what was expected.
    pub(super) fn expect(&mut self, want: u8, what: &str) -> Result<(), Fatal> {
        match self.peek_token()? {
            Some(b) if b == want => {
                self.bump();
                Ok(())
            }
            Some(b) => Err(self.invalid(&format!("expected {what}, found {:?}", b as char))),
            None => Err(self.invalid(&format!("expected {what}, found the end of the file"))),
        }
    }

    pub(super) fn invalid(&self, msg: &str) -> Fatal {
        Fatal::json(self.line, format!("invalid GeoJSON: {msg}"))
    }

    /// Parses one self-delimiting JSON value (string, object or array) with serde_json,
    /// which then has read exactly up to its closing byte.
    pub(super) fn parse<T: for<'de> Deserialize<'de>>(&mut self) -> Result<T, Fatal> {
        let start = self.line;
        let mut de = serde_json::Deserializer::from_reader(&mut *self);
        T::deserialize(&mut de).map_err(|e| invalid_json(&e, start))
    }

    /// Reads one object, array or string (the next token starts it) into `out`, checking only
    /// where it ends (brackets outside strings); returns `false`, with `out` empty, when it is
    /// longer than `limit` bytes: it is then read through to its end without being kept. The
    /// end of the input inside the value is reported as serde_json reports it.
    pub(super) fn read_value(&mut self, limit: usize, out: &mut Vec<u8>) -> Result<bool, Fatal> {
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
    pub(super) fn skip_value(&mut self) -> Result<(), Fatal> {
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
pub(super) fn parse_at<T: for<'de> Deserialize<'de>>(text: &[u8], start: u64) -> Result<T, Fatal> {
    serde_json::from_slice(text).map_err(|e| invalid_json(&e, start))
}

/// serde_json's error `e` in a text read from line `start` on, as a fatal problem on the line
/// where serde_json found it (its own " at line …" left out of the message).
fn invalid_json(e: &serde_json::Error, start: u64) -> Fatal {
    let text = e.to_string();
    let msg = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(m, _)| m);
    let line = start + (e.line() as u64).saturating_sub(1);
    Fatal::json(line, format!("invalid JSON: {msg}"))
}
