//! Reading GeoJSON FeatureCollections one feature at a time: the one reader behind the
//! dataset's layers (`segments.geojson`, `places.geojson`) and GeoJSON incident tables.
//!
//! - [`FeatureStream`] scans the collection and hands out each feature as raw JSON text, so
//!   memory holds one feature, and a feature that cannot be read is a problem for that feature
//!   alone: the next one is read.
//! - [`RawFeature`] reads a feature's structure only; its members, and each property, are
//!   parsed when they are used, so a value that cannot be read (a number beyond a float such
//!   as `1e400`, a lone surrogate escape such as `"\ud800"`) is a problem for that property.
//! - [`id_text`] keeps an id exactly as written: the number `12345678901234567890123` is the
//!   id `"12345678901234567890123"`, and `1.5e3` stays `1.5e3`.

mod json_bytes;
mod stream;

use serde::Deserialize;
use serde_json::value::RawValue;

pub(crate) use json_bytes::{Fatal, FatalKind};
pub(crate) use stream::{FeatureStream, FeatureText};

/// One feature read for its structure; its members are parsed when they are used.
#[derive(Deserialize)]
pub(crate) struct RawFeature<'a> {
    #[serde(rename = "type", default, borrow)]
    pub(crate) kind: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub(crate) id: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub(crate) properties: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub(crate) geometry: Option<&'a RawValue>,
}

impl<'a> RawFeature<'a> {
    /// Reads `raw` as a feature's structure; `Err` with the reason when it is not an object
    /// (`"a string, not an object"`) or cannot be read as one.
    pub(crate) fn read(raw: &'a RawValue) -> Result<RawFeature<'a>, String> {
        match kind_of(raw) {
            // Checked first: serde would read an array as the struct's fields in order.
            "an object" => serde_json::from_str(raw.get()).map_err(|e| json_message(&e)),
            other => Err(format!("{other}, not an object")),
        }
    }

    /// Whether the feature says it is a `"Feature"`.
    pub(crate) fn is_feature(&self) -> bool {
        self.kind.map(string).and_then(Result::ok).as_deref() == Some("Feature")
    }
}

/// The message of a `serde_json` error without its position (the feature is named instead),
/// with a lone surrogate escape explained.
pub(crate) fn json_message(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg);
    if msg.contains("hex escape") || msg.contains("surrogate") {
        "a \\u escape in it is half of a character (a lone surrogate)".to_string()
    } else {
        msg.to_string()
    }
}

/// A JSON string's text; `Err` with the reason when it cannot be read (a lone surrogate).
pub(crate) fn string(raw: &RawValue) -> Result<String, String> {
    serde_json::from_str::<String>(raw.get()).map_err(|e| json_message(&e))
}

/// What kind of JSON value the raw text is, for messages.
pub(crate) fn kind_of(raw: &RawValue) -> &'static str {
    match raw.get().as_bytes().first() {
        Some(b'"') => "a string",
        Some(b'[') => "an array",
        Some(b'{') => "an object",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// Whether the raw value is a JSON number.
pub(crate) fn is_number(raw: &RawValue) -> bool {
    kind_of(raw) == "a number"
}

/// A property's value as read: absent or null, a string (or the reason it cannot be read), a
/// number as written, or another kind.
pub(crate) enum Prop<'a> {
    Absent,
    Text(Result<String, String>),
    Number(&'a str),
    Other,
}

/// A property's value as read (see [`Prop`]); `None` is an absent property.
pub(crate) fn prop(raw: Option<&RawValue>) -> Prop<'_> {
    let Some(raw) = raw else {
        return Prop::Absent;
    };
    match kind_of(raw) {
        "null" => Prop::Absent,
        "a string" => Prop::Text(string(raw)),
        "a number" => Prop::Number(raw.get()),
        _ => Prop::Other,
    }
}

/// An id as written: a string's text (trimmed), or a number's digits exactly as in the file,
/// so that `12345678901234567890123` and `1.5e3` stay what they are. `None` for an absent
/// value, null and other kinds; `Some(Err)` for a string that cannot be read.
pub(crate) fn id_text(raw: Option<&RawValue>) -> Option<Result<String, String>> {
    match prop(raw) {
        Prop::Text(t) => Some(t.map(|s| s.trim().to_string())),
        Prop::Number(n) => Some(Ok(n.to_string())),
        Prop::Absent | Prop::Other => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_string()).expect("valid JSON")
    }

    #[test]
    fn ids_are_kept_as_written() {
        for (text, want) in [
            ("12345678901234567890123", "12345678901234567890123"),
            ("1.5e3", "1.5e3"),
            ("-0", "-0"),
            ("\" a b \"", "a b"),
        ] {
            assert_eq!(id_text(Some(&raw(text))), Some(Ok(want.to_string())));
        }
        assert_eq!(id_text(Some(&raw("null"))), None);
        assert_eq!(id_text(Some(&raw("[1]"))), None);
        assert_eq!(
            id_text(Some(&raw(r#""\ud800""#))),
            Some(Err(
                "a \\u escape in it is half of a character (a lone surrogate)".to_string()
            ))
        );
    }

    #[test]
    fn a_feature_that_is_not_an_object_says_what_it_is() {
        assert_eq!(
            RawFeature::read(&raw(r#""Feature""#)).err().as_deref(),
            Some("a string, not an object")
        );
        assert_eq!(
            RawFeature::read(&raw("[1, 2]")).err().as_deref(),
            Some("an array, not an object")
        );
        let f = raw(r#"{"type": "Feature", "properties": {"x": 1e400}}"#);
        let feature = RawFeature::read(&f).map_err(|e| e.to_string());
        assert!(feature.is_ok_and(|f| f.is_feature()));
    }

    /// Reads `text` whole: each feature's index and what was read, or the fatal problem.
    fn scan(text: &str, limit: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut stream = match FeatureStream::open(text.as_bytes(), limit) {
            Ok(s) => s,
            Err(f) => return vec![format!("{}: {:?} {}", f.line, f.kind, f.message)],
        };
        while let Some(next) = stream.next_feature() {
            out.push(match next {
                Ok((i, FeatureText::Json(raw))) => format!("{i}: {}", raw.get()),
                Ok((i, FeatureText::Scalar(kind))) => format!("{i}: {kind}"),
                Ok((i, FeatureText::TooLong)) => format!("{i}: too long"),
                Err(f) => format!("{}: {:?} {}", f.line, f.kind, f.message),
            });
        }
        out
    }

    #[test]
    fn features_come_one_at_a_time_and_bad_ones_alone() {
        let text =
            "{\"features\": [{\"a\": 1e400}, \"x\", 3, null,\n[1], {\"b\": \"long long\"}],\n\
                    \"type\": \"FeatureCollection\"}";
        assert_eq!(
            scan(text, 12),
            [
                "0: {\"a\": 1e400}",
                "1: \"x\"",
                "2: a number",
                "3: null",
                "4: [1]",
                "5: too long",
            ]
        );
    }

    #[test]
    fn structural_problems_are_told_apart() {
        let kind = |text: &str| match FeatureStream::open(text.as_bytes(), 100) {
            Ok(mut s) => loop {
                match s.next_feature() {
                    Some(Err(f)) => break Some(f.kind),
                    Some(Ok(_)) => {}
                    None => break None,
                }
            },
            Err(f) => Some(f.kind),
        };
        assert_eq!(kind("[]"), Some(FatalKind::NotACollection));
        assert_eq!(kind("{}"), Some(FatalKind::NotACollection));
        assert_eq!(
            kind(r#"{"type": "Feature"}"#),
            Some(FatalKind::NotACollection)
        );
        assert_eq!(
            kind(r#"{"type": "FeatureCollection"}"#),
            Some(FatalKind::NoFeatures)
        );
        assert_eq!(
            kind(r#"{"type": "FeatureCollection", "features": {}}"#),
            Some(FatalKind::NoFeatures)
        );
        assert_eq!(kind(r#"{"features": []}"#), Some(FatalKind::NotACollection));
        assert_eq!(
            kind(r#"{"features": [], "type": "FeatureCollection"}"#),
            None
        );
        assert_eq!(
            kind(r#"{"type": "FeatureCollection", "features": [{"a": }]}"#),
            Some(FatalKind::Json)
        );
        // Scalars are checked too, in members skipped and in place of a feature.
        for text in [
            r#"{"type": "FeatureCollection", "name": tru, "features": []}"#,
            r#"{"type": "FeatureCollection", "bbox": [1, 2], "n": 1.e5, "features": []}"#,
            r#"{"type": "FeatureCollection", "features": [nul]}"#,
            r#"{"type": "FeatureCollection", "features": [-]}"#,
        ] {
            assert_eq!(kind(text), Some(FatalKind::Json), "{text}");
        }
    }
}
