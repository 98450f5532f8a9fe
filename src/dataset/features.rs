//! Reading the dataset's GeoJSON layers (segments and places), one problem per bad feature.
//!
//! The collection is first read for its structure only, each feature kept as its raw JSON
//! text; each feature, and each property that is used, is then parsed on its own. So a value
//! that cannot be read (a number too large for a float, a lone surrogate escape in a string, a
//! feature that is not an object) is a problem for its feature alone, and an id is kept exactly
//! as written: the number `12345678901234567890123` is the id `"12345678901234567890123"`,
//! and `1.5e3` stays `1.5e3`.

use std::collections::HashMap;

use geo::{Bearing, Coord, Geodesic, LineString, Point};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::records::country;
use crate::{Dyad, Extent, Location, PartialDate, Place, Problem, Segment, Sovereignty};

/// A FeatureCollection read for its structure: its `type` and `features` as raw JSON.
#[derive(Deserialize)]
struct RawCollection<'a> {
    #[serde(rename = "type", default, borrow)]
    kind: Option<&'a RawValue>,
    #[serde(default, borrow)]
    features: Option<&'a RawValue>,
}

/// One feature read for its structure; the members are parsed when they are used.
#[derive(Deserialize)]
struct RawFeature<'a> {
    #[serde(rename = "type", default, borrow)]
    kind: Option<&'a RawValue>,
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
    msg.split(" at line ").next().unwrap_or(&msg).to_string()
}

/// A JSON string's text; `Err` with the reason when it cannot be read (a lone surrogate).
fn string(raw: &RawValue) -> Result<String, String> {
    serde_json::from_str::<String>(raw.get()).map_err(|e| {
        let msg = json_message(&e);
        if msg.contains("hex escape") || msg.contains("surrogate") {
            "a \\u escape in it is half of a character (a lone surrogate)".to_string()
        } else {
            msg
        }
    })
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

/// Whether the raw value is a JSON number.
fn is_number(raw: &RawValue) -> bool {
    raw.get()
        .as_bytes()
        .first()
        .is_some_and(|b| b.is_ascii_digit() || *b == b'-')
}

/// An id as written: a string's text (trimmed), or a number's digits exactly as in the file.
/// `None` for other values, `Some(Err)` for a string that cannot be read.
fn id_text(raw: &RawValue) -> Option<Result<String, String>> {
    if is_number(raw) {
        return Some(Ok(raw.get().to_string()));
    }
    raw.get()
        .starts_with('"')
        .then(|| string(raw).map(|s| s.trim().to_string()))
}

/// Parses a FeatureCollection and hands each feature's properties and geometry to `each`.
/// Returns `false` when the file is not a readable FeatureCollection at all.
fn features(
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
    let not_a_collection = |problems: &mut Vec<Problem>| {
        problems.push(Problem::new(
            file,
            Location::File,
            "not a GeoJSON FeatureCollection",
        ));
        false
    };
    // The structure only: values are checked for syntax, not read.
    let root: RawCollection<'_> = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) if e.classify() == serde_json::error::Category::Data => {
            return not_a_collection(problems)
        }
        Err(e) => {
            let what = match e.classify() {
                serde_json::error::Category::Eof => "truncated JSON",
                serde_json::error::Category::Io => "read error",
                _ => "invalid JSON",
            };
            problems.push(Problem::new(
                file,
                Location::Line(e.line() as u64),
                format!("{what} at column {}: {}", e.column(), json_message(&e)),
            ));
            return false;
        }
    };
    if root.kind.map(string).and_then(Result::ok).as_deref() != Some("FeatureCollection") {
        return not_a_collection(problems);
    }
    let list: Option<Vec<&RawValue>> = root
        .features
        .and_then(|f| serde_json::from_str(f.get()).ok());
    let Some(list) = list else {
        problems.push(Problem::new(
            file,
            Location::File,
            "FeatureCollection has no \"features\" array",
        ));
        return false;
    };
    for (index, raw) in list.into_iter().enumerate() {
        let mut ctx = FeatureCtx {
            file,
            index,
            id: None,
            props: HashMap::new(),
            geometry: None,
            geometry_unreadable: false,
            problems: Vec::new(),
        };
        let feature: RawFeature<'_> = match serde_json::from_str(raw.get()) {
            Ok(f) => f,
            Err(e) => {
                let why = match kind_of(raw) {
                    "an object" => json_message(&e),
                    other => format!("{other}, not an object"),
                };
                ctx.problem(format!("not a GeoJSON Feature: {why}"));
                problems.extend(ctx.problems);
                continue;
            }
        };
        let props: HashMap<String, &RawValue> = match feature.properties {
            None => HashMap::new(),
            Some(p) => serde_json::from_str(p.get()).unwrap_or_default(),
        };
        let prop_id = props
            .get("id")
            .and_then(|r| id_text(r))
            .and_then(Result::ok);
        let own_id = feature.id.and_then(id_text).and_then(Result::ok);
        ctx.id = prop_id.clone().or_else(|| own_id.clone());
        ctx.props = props;
        if let (Some(p), Some(o)) = (&prop_id, &own_id) {
            if p != o {
                ctx.problem(format!(
                    "the Feature's id {o:?} differs from properties.id {p:?}"
                ));
            }
        }
        let geometry = feature
            .geometry
            .map(|g| serde_json::from_str::<Value>(g.get()));
        let geometry = match geometry {
            None => None,
            Some(Ok(g)) => Some(g),
            Some(Err(e)) => {
                ctx.problem(format!("geometry cannot be read: {}", json_message(&e)));
                ctx.geometry_unreadable = true;
                None
            }
        };
        ctx.geometry = geometry.as_ref();
        let kind = feature.kind.map(string).and_then(Result::ok);
        if kind.as_deref() != Some("Feature") {
            ctx.problem("not a GeoJSON Feature");
        } else {
            each(&mut ctx);
        }
        problems.extend(ctx.problems);
    }
    true
}

/// One feature being read: its properties (raw JSON, read when asked for), its geometry, and
/// the problems found so far.
struct FeatureCtx<'a> {
    file: &'a str,
    index: usize,
    id: Option<String>,
    props: HashMap<String, &'a RawValue>,
    geometry: Option<&'a Value>,
    /// Whether the geometry is there but could not be read (already a problem).
    geometry_unreadable: bool,
    problems: Vec<Problem>,
}

impl<'a> FeatureCtx<'a> {
    fn problem(&mut self, message: impl Into<String>) {
        let location = Location::Feature {
            index: self.index,
            id: self.id.clone(),
        };
        self.problems
            .push(Problem::new(self.file, location, message));
    }

    /// Property `key` parsed as JSON; `None` when absent, or (with a problem) unreadable.
    fn value(&mut self, key: &str) -> Option<Value> {
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
    fn text(&mut self, key: &str) -> String {
        let Some(&raw) = self.props.get(key) else {
            return String::new();
        };
        match id_text(raw) {
            Some(Ok(s)) => s,
            Some(Err(e)) => {
                self.problem(format!("property {key:?} cannot be read: {e}"));
                String::new()
            }
            None => String::new(),
        }
    }

    fn required(&mut self, key: &str) -> String {
        let v = self.text(key);
        if v.is_empty() {
            self.problem(format!("property {key:?} is missing or empty"));
        }
        v
    }

    fn parsed<T, E: std::fmt::Display>(
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

    fn number(&mut self, key: &str, lo: f64, hi: f64) -> Option<f64> {
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

    fn integer(&mut self, key: &str) -> Option<u32> {
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
    fn coordinates(&mut self, kind: &str) -> Option<&'a Value> {
        if self.geometry_unreadable {
            return None;
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
        c
    }

    /// A position: longitude and latitude in range; a third and fourth value (Z, M) are
    /// accepted and dropped.
    fn position(&mut self, v: &Value, at: Option<usize>) -> Option<Coord<f64>> {
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

/// Reads `segments.geojson`: `None` when the file is unusable as a whole; the ids of rejected
/// features go to `rejected`.
pub(crate) fn segments(
    file: &str,
    bytes: &[u8],
    problems: &mut Vec<Problem>,
    rejected: &mut super::validate::Rejected,
) -> Option<Vec<(usize, Segment)>> {
    let mut out = Vec::new();
    let read = features(file, bytes, problems, |f| {
        let id = f.required("id");
        let dyad = f.parsed("dyad", str::parse::<Dyad>);
        let left = f.parsed("left", country);
        let right = f.parsed("right", country);
        if let (Some(d), Some(l), Some(r)) = (dyad, left, right) {
            if Dyad::new(l, r) != Some(d) {
                f.problem(format!(
                    "left {l} and right {r} are not the two countries of dyad {d}"
                ));
            }
        }
        let name = f.text("name");
        let order = f.integer("order");
        let part = f.integer("part");
        let extent = f.parsed("extent", |s| match s {
            "exact" => Ok(Extent::Exact),
            "approximate" => Ok(Extent::Approximate),
            _ => Err(format!("{s:?} is not exact or approximate")),
        });
        let precision_m = f.number("precision_m", 0.0, 1.0e7);
        let source_id = f.required("source_id");
        let line = line_string(f);
        let kept = out.len();
        if let (
            Some(dyad),
            Some(left),
            Some(right),
            Some(order),
            Some(part),
            Some(extent),
            Some(precision_m),
            Some(line),
        ) = (dyad, left, right, order, part, extent, precision_m, line)
        {
            if f.problems.is_empty() {
                out.push((
                    f.index,
                    Segment {
                        id,
                        dyad,
                        left,
                        right,
                        name,
                        order,
                        part,
                        extent,
                        precision_m,
                        source_id,
                        note: f.text("note"),
                        line,
                    },
                ));
            }
        }
        if out.len() == kept {
            rejected.segment_features += 1;
            if let Some(id) = f.id.clone() {
                rejected.segments.insert(id);
            }
            match dyad {
                Some(d) => {
                    rejected.segment_dyads.insert(d);
                }
                None => rejected.dyad_unread = true,
            }
        }
    });
    read.then_some(out)
}

/// Reads a LineString geometry, rejecting empty, degenerate and self-overlapping lines.
fn line_string(f: &mut FeatureCtx<'_>) -> Option<LineString<f64>> {
    let coords = f.coordinates("LineString")?;
    let Some(list) = coords.as_array() else {
        f.problem("LineString coordinates are not an array");
        return None;
    };
    let mut pts: Vec<Coord<f64>> = Vec::with_capacity(list.len());
    let mut ok = true;
    for (i, v) in list.iter().enumerate() {
        match f.position(v, Some(i)) {
            // Consecutive repeated positions add nothing to the line; drop them.
            Some(c) if pts.last().is_some_and(|&last| same_place(last, c)) => {}
            Some(c) => pts.push(c),
            None => ok = false,
        }
    }
    if !ok {
        return None;
    }
    if pts.len() < 2 {
        f.problem(if list.len() < 2 {
            format!(
                "LineString has {} position(s); a segment needs at least 2",
                list.len()
            )
        } else {
            "LineString is degenerate: all its positions are the same point".to_string()
        });
        return None;
    }
    for i in 1..pts.len().saturating_sub(1) {
        if doubles_back(pts[i - 1], pts[i], pts[i + 1]) {
            f.problem(format!(
                "LineString doubles back on itself at coordinate index {i} (self-overlapping)"
            ));
            return None;
        }
    }
    Some(LineString::new(pts))
}

/// Whether two positions are the same place on the Earth: equal, or written with longitudes
/// 360° apart (±180°), or both at the same pole.
fn same_place(p: Coord<f64>, q: Coord<f64>) -> bool {
    p.y == q.y && (p.x == q.x || (p.x - q.x).abs() == 360.0 || p.y.abs() == 90.0)
}

/// How close, in degrees, the directions from a vertex to its two neighbours may be for the
/// edges to count as running back along each other (about 2 mm sideways at 1 000 km).
const SAME_DIRECTION_DEG: f64 = 1e-7;

/// Whether the edge b→c runs back along a→b (the two edges overlap): the geodesics from `b` to
/// `a` and from `b` to `c` set off in the same direction (their azimuths at `b`, on the WGS84
/// ellipsoid, agree). Judged on the ellipsoid, not in longitude and latitude, so that a vertex
/// on the antimeridian or a line around a pole is judged by where it runs on the Earth.
pub(crate) fn doubles_back(a: Coord<f64>, b: Coord<f64>, c: Coord<f64>) -> bool {
    let (a, b, c) = (Point::from(a), Point::from(b), Point::from(c));
    let to_a = Geodesic.bearing(b, a);
    let to_c = Geodesic.bearing(b, c);
    let apart = (to_a - to_c).rem_euclid(360.0);
    apart.min(360.0 - apart) <= SAME_DIRECTION_DEG
}

/// Reads `places.geojson`: `None` when the file is unusable as a whole; the ids of rejected
/// features go to `rejected`.
pub(crate) fn places(
    file: &str,
    bytes: &[u8],
    problems: &mut Vec<Problem>,
    rejected: &mut super::validate::Rejected,
) -> Option<Vec<(usize, Place)>> {
    let mut out = Vec::new();
    let read = features(file, bytes, problems, |f| {
        let kept = out.len();
        let id = f.required("id");
        let name = f.required("name");
        let kind = f.required("kind");
        let precision_m = f.number("precision_m", 0.0, 1.0e7);
        let current = f.parsed("country", country);
        let sovereignty = sovereignty(f, current);
        let source_id = f.required("source_id");
        let point = f.coordinates("Point").and_then(|c| f.position(c, None));
        if let (Some(precision_m), Some(sovereignty), Some(c)) = (precision_m, sovereignty, point) {
            if f.problems.is_empty() {
                out.push((
                    f.index,
                    Place {
                        id,
                        name,
                        kind,
                        point: Point::from(c),
                        precision_m,
                        sovereignty,
                        source_id,
                        note: f.text("note"),
                    },
                ));
            }
        }
        if out.len() == kept {
            if let Some(id) = f.id.clone() {
                rejected.places.insert(id);
            }
        }
    });
    read.then_some(out)
}

/// Reads the `sovereignty` array; without one, the place belonged to `country` throughout.
/// Every problem in it is reported, not only the first.
fn sovereignty(
    f: &mut FeatureCtx<'_>,
    current: Option<crate::CountryCode>,
) -> Option<Vec<Sovereignty>> {
    let Some(v) = f.value("sovereignty").filter(|v| !v.is_null()) else {
        let source_id = f.text("source_id");
        return current.map(|country| {
            vec![Sovereignty {
                from: None,
                country,
                instrument_id: None,
                source_id,
            }]
        });
    };
    let Some(list) = v.as_array().filter(|l| !l.is_empty()) else {
        f.problem("property \"sovereignty\" is not a non-empty array");
        return None;
    };
    let before = f.problems.len();
    let mut out = Vec::new();
    for (i, p) in list.iter().enumerate() {
        let s = |k: &str| {
            p.get(k)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let from = match s("from") {
            None => None,
            Some(d) => match d.parse::<PartialDate>() {
                Ok(d) => Some(d),
                Err(e) => {
                    f.problem(format!("sovereignty[{i}].from: {e}"));
                    None
                }
            },
        };
        if i > 0 && s("from").is_none() {
            f.problem(format!(
                "sovereignty[{i}].from is missing (only the first period may omit it)"
            ));
        }
        let country = match s("country").map(country) {
            Some(Ok(c)) => Some(c),
            Some(Err(e)) => {
                f.problem(format!("sovereignty[{i}].country: {e}"));
                None
            }
            None => {
                f.problem(format!("sovereignty[{i}].country is missing"));
                None
            }
        };
        let source_id = s("source_id");
        if source_id.is_none() {
            f.problem(format!("sovereignty[{i}].source_id is missing"));
        }
        if let (Some(country), Some(source_id)) = (country, source_id) {
            out.push((
                i,
                Sovereignty {
                    from,
                    country,
                    instrument_id: s("instrument_id").map(str::to_string),
                    source_id: source_id.to_string(),
                },
            ));
        }
    }
    for w in out.windows(2) {
        if let (Some(a), Some(b)) = (w[0].1.from, w[1].1.from) {
            if b.first() < a.last() {
                f.problem(format!("sovereignty periods out of order: {b} after {a}"));
            }
        }
    }
    let complete = out.len() == list.len();
    if let (Some(current), true) = (current, complete) {
        if out.last().map(|p| p.1.country) != Some(current) {
            f.problem(format!(
                "property \"country\" {current} is not the country of the last sovereignty period"
            ));
        }
    }
    (f.problems.len() == before && current.is_some())
        .then(|| out.into_iter().map(|(_, p)| p).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn back(a: (f64, f64), b: (f64, f64), c: (f64, f64)) -> bool {
        let at = |(x, y)| Coord { x, y };
        doubles_back(at(a), at(b), at(c))
    }

    #[test]
    fn doubling_back_is_judged_on_the_ellipsoid() {
        // Along a meridian, back over the same ground.
        assert!(back((69.0, 41.0), (69.0, 41.95), (69.0, 41.9)));
        assert!(back((10.0, 0.0), (20.0, 0.0), (15.0, 0.0)));
        // A spike back to the same point.
        assert!(back((10.0, 5.0), (20.0, 6.0), (10.0, 5.0)));
        // Straight on across the antimeridian, with the vertex written as 180 or -180.
        assert!(!back((179.5, 65.0), (180.0, 65.0), (-179.5, 65.0)));
        assert!(!back((179.5, 65.0), (-180.0, 65.0), (-179.5, 65.0)));
        // ... and back across it, along the equator (a geodesic; a parallel is not one).
        assert!(back((179.5, 0.0), (-180.0, 0.0), (179.0, 0.0)));
        assert!(!back((179.5, 65.0), (-180.0, 65.0), (179.0, 65.0)));
        // Around a pole: longitudes 90 and -90 lie on either side of the vertex at 180.
        assert!(!back((90.0, 85.0), (180.0, 85.0), (-90.0, 85.0)));
        // Through a pole, on to another meridian, or back down the same one.
        assert!(!back((0.0, -80.0), (0.0, -90.0), (90.0, -80.0)));
        assert!(back((0.0, -80.0), (0.0, -90.0), (0.0, -85.0)));
        // Straight in longitude and latitude is not a geodesic: these do not overlap.
        assert!(!back((69.0, 41.0), (70.0, 42.0), (69.5, 41.5)));
    }

    #[test]
    fn the_same_place_written_two_ways() {
        let c = |x, y| Coord { x, y };
        assert!(same_place(c(180.0, 10.0), c(-180.0, 10.0)));
        assert!(same_place(c(0.0, 90.0), c(45.0, 90.0)));
        assert!(!same_place(c(0.0, 89.0), c(45.0, 89.0)));
    }
}
