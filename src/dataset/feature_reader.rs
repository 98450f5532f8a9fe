//! Reading the features of the dataset's GeoJSON layers with the crate's GeoJSON feature
//! reader, one problem per fault: a value that cannot be read (a number too large for a float,
//! a lone surrogate escape in a string, a feature that is not an object) is a problem for its
//! feature alone, and an id is kept exactly as written (the number `12345678901234567890123`
//! is the id `"12345678901234567890123"`, and `1.5e3` stays `1.5e3`).

use std::collections::HashMap;

use geo::Coord;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::io::geojson_features::{
    id_text, is_number, json_message, FatalKind, FeatureStream, FeatureText, RawFeature,
};
use crate::{Location, Problem};

mod geometry;

use geometry::Geometry;
pub(super) use geometry::{Coordinates, Position};

/// Parses a FeatureCollection and hands each feature's properties and geometry to `each`.
/// Returns `false` when the file is not a readable FeatureCollection at all (then the one
/// problem that says why is the only one reported for the file).
pub(super) fn features(
    file: &str,
    bytes: &[u8],
    problems: &mut Vec<Problem>,
    mut each: impl FnMut(&mut FeatureCtx<'_>),
) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        problems.push(Problem::new(
            file,
            Location::File,
            "empty file (expected a GeoJSON FeatureCollection)",
        ));
        return false;
    }
    // Broken JSON is described by a whole parse of the file, which places it by line and
    // column; anything else that ends the reading is the structure's fault.
    let fatal = |f: crate::io::geojson_features::Fatal| match f.kind {
        FatalKind::Json => match serde_json::from_slice::<IgnoredAny>(bytes) {
            Err(e) => {
                let what = match e.classify() {
                    serde_json::error::Category::Eof => "truncated JSON",
                    serde_json::error::Category::Io => "read error",
                    _ => "invalid JSON",
                };
                let message = format!("{what} at column {}: {}", e.column(), json_message(&e));
                Problem::new(file, Location::Line(e.line() as u64), message)
            }
            Ok(_) => Problem::new(file, Location::File, "not a GeoJSON FeatureCollection"),
        },
        FatalKind::NoFeatures => Problem::new(
            file,
            Location::File,
            "FeatureCollection has no \"features\" array",
        ),
        FatalKind::Crs => Problem::new(file, Location::Line(f.line), f.message),
        FatalKind::NotACollection => {
            Problem::new(file, Location::File, "not a GeoJSON FeatureCollection")
        }
    };
    let mut stream = match FeatureStream::open(bytes, usize::MAX) {
        Ok(s) => s,
        Err(f) => {
            problems.push(fatal(f));
            return false;
        }
    };
    // A `crs` member anywhere is reported below, not refused as coming too late.
    stream.crs_given = true;
    let mut found = Vec::new();
    while let Some(next) = stream.next_feature() {
        let (index, text) = match next {
            Ok(v) => v,
            Err(f) => {
                problems.push(fatal(f));
                return false;
            }
        };
        let raw = match text {
            FeatureText::Json(raw) => Ok(raw),
            FeatureText::Scalar(kind) => Err(format!("{kind}, not an object")),
            FeatureText::TooLong => Err("too long to read".to_string()),
        };
        let feature = raw
            .as_deref()
            .map_err(String::clone)
            .and_then(RawFeature::read);
        let geometry = match &feature {
            Ok(f) => f.geometry.map(Geometry::read),
            Err(_) => None,
        };
        let mut ctx = FeatureCtx {
            file,
            index,
            id: None,
            props: HashMap::new(),
            geometry: None,
            plain: None,
            geometry_unreadable: false,
            problems: Vec::new(),
        };
        match feature {
            Ok(feature) => read_feature(&feature, geometry.as_ref(), &mut ctx, &mut each),
            Err(why) => ctx.problem(format!("not a GeoJSON Feature: {why}")),
        }
        found.extend(ctx.problems);
    }
    if let Some(crs) = &stream.declared_crs {
        found.push(Problem::new(
            file,
            Location::File,
            format!(
                "the \"crs\" member names {crs}; the dataset's coordinates must be WGS84 \
                 longitude and latitude"
            ),
        ));
    }
    problems.extend(found);
    true
}

/// Reads one feature's members (its geometry read by the caller) into `ctx` and, when it
/// is a Feature, hands it to `each`.
fn read_feature<'a>(
    feature: &RawFeature<'a>,
    geometry: Option<&'a Geometry>,
    ctx: &mut FeatureCtx<'a>,
    each: &mut impl FnMut(&mut FeatureCtx<'_>),
) {
    let props: HashMap<String, &RawValue> = match feature.properties {
        None => HashMap::new(),
        Some(p) => serde_json::from_str(p.get()).unwrap_or_default(),
    };
    let prop_id = id_text(props.get("id").copied()).and_then(Result::ok);
    let own_id = id_text(feature.id).and_then(Result::ok);
    ctx.id = prop_id.clone().or_else(|| own_id.clone());
    ctx.props = props;
    if let (Some(p), Some(o)) = (&prop_id, &own_id) {
        if p != o {
            ctx.problem(format!(
                "the Feature's id {o:?} differs from properties.id {p:?}"
            ));
        }
    }
    match geometry {
        None => {}
        Some(Geometry::Plain { kind, positions }) => ctx.plain = Some((kind, positions)),
        Some(Geometry::Json(Ok(g))) => ctx.geometry = Some(g),
        Some(Geometry::Json(Err(e))) => {
            ctx.problem(format!("geometry cannot be read: {}", json_message(e)));
            ctx.geometry_unreadable = true;
        }
    }
    if feature.is_feature() {
        each(ctx);
    } else {
        ctx.problem("not a GeoJSON Feature");
    }
}

/// One feature being read: its properties (raw JSON, read when asked for), its geometry, and
/// the problems found so far.
pub(super) struct FeatureCtx<'a> {
    file: &'a str,
    pub(super) index: usize,
    pub(super) id: Option<String>,
    props: HashMap<String, &'a RawValue>,
    geometry: Option<&'a Value>,
    /// The geometry's type and positions, when read straight into floats.
    plain: Option<(&'static str, &'a [Position])>,
    /// Whether the geometry is there but could not be read (already a problem).
    geometry_unreadable: bool,
    pub(super) problems: Vec<Problem>,
}

impl<'a> FeatureCtx<'a> {
    pub(super) fn problem(&mut self, message: impl Into<String>) {
        let location = Location::Feature {
            index: self.index,
            id: self.id.clone(),
        };
        self.problems
            .push(Problem::new(self.file, location, message));
    }

    /// Property `key` parsed as JSON; `None` when absent, or (with a problem) unreadable.
    pub(super) fn value(&mut self, key: &str) -> Option<Value> {
        let raw = *self.props.get(key)?;
        match serde_json::from_str(raw.get()) {
            Ok(v) => Some(v),
            Err(e) => {
                self.problem(format!(
                    "property {key:?} cannot be read: {}",
                    json_message(&e)
                ));
                None
            }
        }
    }

    /// A text property, trimmed; a number as written. Empty when absent or of another kind;
    /// a string that cannot be read is a problem.
    pub(super) fn text(&mut self, key: &str) -> String {
        let Some(&raw) = self.props.get(key) else {
            return String::new();
        };
        match id_text(Some(raw)) {
            Some(Ok(s)) => s,
            Some(Err(e)) => {
                self.problem(format!("property {key:?} cannot be read: {e}"));
                String::new()
            }
            None => String::new(),
        }
    }

    pub(super) fn required(&mut self, key: &str) -> String {
        let v = self.text(key);
        if v.is_empty() {
            self.problem(format!("property {key:?} is missing or empty"));
        }
        v
    }

    pub(super) fn parsed<T, E: std::fmt::Display>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let v = self.required(key);
        if v.is_empty() {
            return None;
        }
        match parse(&v) {
            Ok(t) => Some(t),
            Err(e) => {
                self.problem(format!("property {key:?}: {e}"));
                None
            }
        }
    }

    pub(super) fn number(&mut self, key: &str, lo: f64, hi: f64) -> Option<f64> {
        let raw = self.props.get(key).copied();
        match raw {
            Some(r) if is_number(r) => match serde_json::from_str::<f64>(r.get()) {
                Ok(x) if (lo..=hi).contains(&x) => Some(x),
                // Out of range, or beyond a float (`1e400`).
                _ => {
                    let n = r.get();
                    self.problem(format!("property {key:?} = {n} out of range {lo}..{hi}"));
                    None
                }
            },
            None => {
                self.problem(format!("property {key:?} is missing"));
                None
            }
            Some(r) if r.get() == "null" => {
                self.problem(format!("property {key:?} is missing"));
                None
            }
            Some(_) => {
                self.problem(format!("property {key:?} is not a number"));
                None
            }
        }
    }

    pub(super) fn integer(&mut self, key: &str) -> Option<u32> {
        let raw = self.props.get(key).copied();
        match raw
            .filter(|r| is_number(r))
            .map(|r| (r.get(), r.get().parse::<u64>().ok()))
        {
            Some((n, x)) => match x.and_then(|x| u32::try_from(x).ok()) {
                Some(x) if x >= 1 => Some(x),
                _ => {
                    self.problem(format!("property {key:?} = {n} is not a whole number >= 1"));
                    None
                }
            },
            _ => {
                self.problem(format!("property {key:?} is missing or not a number"));
                None
            }
        }
    }

    /// The geometry's coordinates, when it is of type `kind`.
    pub(super) fn coordinates(&mut self, kind: &str) -> Option<Coordinates<'a>> {
        if self.geometry_unreadable {
            return None;
        }
        if let Some((found, positions)) = self.plain {
            if found != kind {
                self.problem(format!("geometry is a {found}, expected a {kind}"));
                return None;
            }
            return Some(Coordinates::Plain(positions));
        }
        let Some(g) = self.geometry.filter(|g| !g.is_null()) else {
            self.problem(format!("geometry is null (expected a {kind})"));
            return None;
        };
        let found = g.get("type").and_then(Value::as_str).unwrap_or("(none)");
        if found != kind {
            self.problem(format!("geometry is a {found}, expected a {kind}"));
            return None;
        }
        let c = g.get("coordinates");
        if c.is_none() {
            self.problem("geometry has no coordinates");
        }
        c.map(Coordinates::Json)
    }

    /// A position read straight into floats, checked as [`FeatureCtx::position`] checks one.
    pub(super) fn plain_position(&mut self, p: Position, at: Option<usize>) -> Option<Coord<f64>> {
        self.lon_lat(p.x, p.y, at)
    }

    /// A position: longitude and latitude in range; a third and fourth value (Z, M) are
    /// accepted and dropped.
    pub(super) fn position(&mut self, v: &Value, at: Option<usize>) -> Option<Coord<f64>> {
        // Named only when something is wrong with it (most positions are fine).
        let here = || {
            at.map_or(String::from("coordinate"), |i| {
                format!("coordinate at index {i}")
            })
        };
        let Some(a) = v.as_array() else {
            self.problem(format!("{} is not an array of numbers", here()));
            return None;
        };
        if !(2..=4).contains(&a.len()) {
            self.problem(format!(
                "{} has {} values (expected 2 to 4)",
                here(),
                a.len()
            ));
            return None;
        }
        let (Some(x), Some(y)) = (a[0].as_f64(), a[1].as_f64()) else {
            self.problem(format!("{} is not numeric", here()));
            return None;
        };
        self.lon_lat(x, y, at)
    }

    /// A longitude and latitude, finite and in range.
    fn lon_lat(&mut self, x: f64, y: f64, at: Option<usize>) -> Option<Coord<f64>> {
        let here = || {
            at.map_or(String::from("coordinate"), |i| {
                format!("coordinate at index {i}")
            })
        };
        if !x.is_finite() || !y.is_finite() {
            self.problem(format!("{} is not finite", here()));
            return None;
        }
        if !(-180.0..=180.0).contains(&x) || !(-90.0..=90.0).contains(&y) {
            let hint = if y.abs() > 90.0 && x.abs() <= 90.0 {
                " (longitude and latitude look swapped)"
            } else {
                ""
            };
            self.problem(format!(
                "{} [{x}, {y}] is out of range (lon -180..180, lat -90..90){hint}",
                here()
            ));
            return None;
        }
        Some(Coord { x, y })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The problems of reading `text` as a collection whose features' `id` is required.
    fn problems(text: &str) -> (bool, Vec<String>) {
        let mut problems = Vec::new();
        let read = features("f.geojson", text.as_bytes(), &mut problems, |f| {
            f.required("id");
        });
        (read, problems.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn a_collection_that_turns_out_not_to_be_one_gives_one_problem() {
        let text = r#"{"features": [{"type": "Feature", "properties": {}}], "type": "Feature"}"#;
        assert_eq!(
            problems(text),
            (
                false,
                vec!["f.geojson: not a GeoJSON FeatureCollection".to_string()]
            )
        );
        assert_eq!(
            problems(r#"{"type": "FeatureCollection", "features": 3}"#),
            (
                false,
                vec!["f.geojson: FeatureCollection has no \"features\" array".to_string()]
            )
        );
        assert_eq!(
            problems("[]"),
            (
                false,
                vec!["f.geojson: not a GeoJSON FeatureCollection".to_string()]
            )
        );
    }

    #[test]
    fn each_bad_feature_is_its_own_problem() {
        let text = r#"{"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"id": "a"}}, 7, [1, 2],
            {"type": "Feature", "properties": {"id": "\ud800"}},
            {"type": "Feature", "id": 12345678901234567890123, "properties": {}}
        ]}"#;
        assert_eq!(
            problems(text),
            (
                true,
                vec![
                    "f.geojson: feature 1: not a GeoJSON Feature: a number, not an object"
                        .to_string(),
                    "f.geojson: feature 2: not a GeoJSON Feature: an array, not an object"
                        .to_string(),
                    "f.geojson: feature 3: property \"id\" cannot be read: a \\u escape in it \
                     is half of a character (a lone surrogate)"
                        .to_string(),
                    "f.geojson: feature 3: property \"id\" is missing or empty".to_string(),
                    // The feature's own id, a number, named as written.
                    "f.geojson: feature 4 (id \"12345678901234567890123\"): property \"id\" \
                     is missing or empty"
                        .to_string(),
                ]
            )
        );
    }

    /// Positions that are not plain are still each a problem of their own, by index.
    #[test]
    fn positions_left_to_json_keep_their_problems() {
        let text = r#"{"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"id": "a"}, "geometry": {"type": "Point",
             "coordinates": [200, 1, "z"]}},
            {"type": "Feature", "properties": {"id": "b"}, "geometry": {"type": "Point",
             "coordinates": [200, 1]}},
            {"type": "Feature", "properties": {"id": "c"}, "geometry": {"type": "LineString",
             "coordinates": [[1, 2]]}}
        ]}"#;
        let mut problems = Vec::new();
        features("f.geojson", text.as_bytes(), &mut problems, |f| {
            match f.coordinates("Point") {
                Some(Coordinates::Plain(p)) => {
                    f.plain_position(p[0], None);
                }
                Some(Coordinates::Json(v)) => {
                    f.position(v, None);
                }
                None => {}
            };
        });
        let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
        let out_of_range = "coordinate [200, 1] is out of range (lon -180..180, lat -90..90)";
        assert_eq!(
            problems,
            [
                format!("f.geojson: feature 0 (id \"a\"): {out_of_range}"),
                format!("f.geojson: feature 1 (id \"b\"): {out_of_range}"),
                "f.geojson: feature 2 (id \"c\"): geometry is a LineString, expected a Point"
                    .to_string(),
            ]
        );
    }

    /// The dataset's coordinates are WGS84: a legacy `crs` member naming another CRS, before
    /// or after the features, is reported rather than ignored.
    #[test]
    fn a_crs_other_than_wgs84_is_reported() {
        for text in [
            r#"{"type": "FeatureCollection", "crs": {"type": "name", "properties":
               {"name": "urn:ogc:def:crs:EPSG::3857"}}, "features": []}"#,
            r#"{"type": "FeatureCollection", "features": [], "crs": {"type": "name",
               "properties": {"name": "EPSG:3857"}}}"#,
        ] {
            let (read, p) = problems(text);
            assert!(read);
            assert_eq!(p.len(), 1, "{p:?}");
            assert!(
                p[0].contains("3857") && p[0].contains("must be WGS84"),
                "{p:?}"
            );
        }
        let wgs84 = r#"{"type": "FeatureCollection", "crs": {"type": "name", "properties":
               {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}, "features": []}"#;
        assert_eq!(problems(wgs84), (true, vec![]));
    }
}
