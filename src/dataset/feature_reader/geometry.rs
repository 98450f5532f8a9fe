//! A feature's geometry read straight into floats when it is a plain Point or LineString
//! (nearly every geometry of a dataset), in one pass over its text; any other geometry is read
//! as a `serde_json::Value`, from which the checks word their problems as before.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

/// A feature's geometry as read: a Point or LineString whose positions are all two to four
/// numbers, read straight into floats (nearly every geometry of a dataset), or any other
/// geometry as JSON, which the checks then word their problems from.
pub(super) enum Geometry {
    Plain {
        kind: &'static str,
        positions: Vec<Position>,
    },
    Json(Result<Value, serde_json::Error>),
}

impl Geometry {
    /// Reads `raw` as a plain geometry, or else as JSON; the two give the same positions.
    pub(super) fn read(raw: &RawValue) -> Geometry {
        match plain_geometry(raw) {
            Some((kind, positions)) => Geometry::Plain { kind, positions },
            None => Geometry::Json(serde_json::from_str(raw.get())),
        }
    }
}

/// A Point or LineString with only `type` and `coordinates` members, every position two to
/// four numbers; `None` for anything else (then read as JSON, whose checks say what is wrong).
fn plain_geometry(raw: &RawValue) -> Option<(&'static str, Vec<Position>)> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Plain<'a> {
        #[serde(rename = "type", borrow)]
        kind: &'a str,
        coordinates: PlainCoordinates,
    }
    let plain: Plain<'_> = serde_json::from_str(raw.get()).ok()?;
    match (plain.kind, plain.coordinates) {
        ("Point", PlainCoordinates::Position(p)) => Some(("Point", vec![p])),
        ("LineString", PlainCoordinates::Line(line)) => Some(("LineString", line)),
        _ => None,
    }
}

/// A position of two to four numbers (Z and M dropped), read straight into floats.
#[derive(Clone, Copy)]
pub(in crate::dataset) struct Position {
    pub(super) x: f64,
    pub(super) y: f64,
}

/// Coordinates read in one pass whatever the geometry's type (which may come after them): one
/// position, or an array of positions.
enum PlainCoordinates {
    Position(Position),
    Line(Vec<Position>),
}

/// An element of a coordinates array: a number (of a position) or a position (of a line).
enum Element {
    Number(f64),
    Position(Position),
}

/// Visits a JSON array as a position or a line, and a number as a number, the way
/// `serde_json::Value` reads them (`as f64` of its integers).
struct Elements;

impl<'de> serde::de::Visitor<'de> for Elements {
    type Value = Element;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a number or an array of two to four numbers")
    }

    fn visit_u64<E>(self, v: u64) -> Result<Element, E> {
        Ok(Element::Number(v as f64))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Element, E> {
        Ok(Element::Number(v as f64))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Element, E> {
        Ok(Element::Number(v))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Element, A::Error> {
        match coordinates_of(seq)? {
            PlainCoordinates::Position(p) => Ok(Element::Position(p)),
            PlainCoordinates::Line(_) => Err(serde::de::Error::custom("not a position")),
        }
    }
}

impl<'de> Deserialize<'de> for Element {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Element, D::Error> {
        d.deserialize_any(Elements)
    }
}

/// The elements of an array, all numbers (two to four: a position) or all positions (a line).
fn coordinates_of<'de, A: serde::de::SeqAccess<'de>>(
    mut seq: A,
) -> Result<PlainCoordinates, A::Error> {
    use serde::de::Error;
    let mut numbers = [0.0; 4];
    let mut count = 0;
    let mut line = Vec::new();
    while let Some(element) = seq.next_element::<Element>()? {
        match element {
            Element::Number(v) if line.is_empty() && count < 4 => {
                numbers[count] = v;
                count += 1;
            }
            Element::Position(p) if count == 0 => line.push(p),
            _ => return Err(A::Error::custom("not plain coordinates")),
        }
    }
    match count {
        0 => Ok(PlainCoordinates::Line(line)),
        2.. => Ok(PlainCoordinates::Position(Position {
            x: numbers[0],
            y: numbers[1],
        })),
        _ => Err(A::Error::custom("fewer than two numbers")),
    }
}

impl<'de> Deserialize<'de> for PlainCoordinates {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PlainCoordinates, D::Error> {
        struct Array;
        impl<'de> serde::de::Visitor<'de> for Array {
            type Value = PlainCoordinates;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an array of coordinates")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<PlainCoordinates, A::Error> {
                coordinates_of(seq)
            }
        }
        d.deserialize_seq(Array)
    }
}

/// A geometry's coordinates: positions read straight into floats, or JSON.
pub(in crate::dataset) enum Coordinates<'a> {
    Plain(&'a [Position]),
    Json(&'a Value),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A geometry read straight into floats gives the positions JSON gives, and anything
    /// that is not a plain Point or LineString is left to the JSON checks.
    #[test]
    fn plain_geometries_read_as_json_would() {
        let raw = |text: &str| RawValue::from_string(text.to_string()).expect("valid JSON");
        let text = r#"{"coordinates": [[1, -0], [-0.0, 2e1, 7], [1.5E-3, 89.99999999999999, 1, 2],
            [179.99999999999997, -90]], "type": "LineString"}"#;
        let Some(("LineString", plain)) = plain_geometry(&raw(text)) else {
            panic!("not read as a plain LineString");
        };
        let json: Value = serde_json::from_str(text).expect("valid JSON");
        let from_json: Vec<(u64, u64)> = json["coordinates"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| (p[0].as_f64(), p[1].as_f64()))
            .map(|(x, y)| (x.map_or(0, f64::to_bits), y.map_or(0, f64::to_bits)))
            .collect();
        let from_plain: Vec<(u64, u64)> = (plain.iter())
            .map(|p| (p.x.to_bits(), p.y.to_bits()))
            .collect();
        assert_eq!(from_plain, from_json);
        assert!(matches!(
            plain_geometry(&raw(r#"{"type": "Point", "coordinates": [69.5, 41.25]}"#)),
            Some(("Point", p)) if p.len() == 1
        ));
        for text in [
            r#"{"type": "Point", "coordinates": [1]}"#,
            r#"{"type": "Point", "coordinates": [1, 2, 3, 4, 5]}"#,
            r#"{"type": "Point", "coordinates": [1, 2, null]}"#,
            r#"{"type": "Point", "coordinates": [1, 1e400]}"#,
            r#"{"type": "Point", "coordinates": [[1, 2]]}"#,
            r#"{"type": "Poin\u0074", "coordinates": [1, 2]}"#,
            r#"{"type": "Point", "coordinates": [1, 2], "bbox": [1, 2, 1, 2]}"#,
            r#"{"type": "Point", "type": "Point", "coordinates": [1, 2]}"#,
            r#"{"type": "LineString", "coordinates": [1, 2]}"#,
            r#"{"type": "MultiPoint", "coordinates": [[1, 2]]}"#,
            r#"{"type": "LineString", "coordinates": [[1, 2], 3]}"#,
            r#"{"type": "Point", "coordinates": [1, [2, 3]]}"#,
            r#"{"type": "LineString", "coordinates": [[1, 2], [[3, 4]]]}"#,
            r#"{"type": "Point", "coordinates": []}"#,
            r#"{"coordinates": [[1, 2], [3, 4]]}"#,
        ] {
            assert!(plain_geometry(&raw(text)).is_none(), "{text}");
        }
    }
}
