//! Reading the dataset's GeoJSON layers (segments and places), one problem per bad feature.

use geo::{Coord, LineString, Point};
use serde_json::{Map, Value};

use super::records::country;
use crate::{Dyad, Extent, Location, PartialDate, Place, Problem, Segment, Sovereignty};

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
    let root: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            let what = match e.classify() {
                serde_json::error::Category::Eof => "truncated JSON",
                serde_json::error::Category::Io => "read error",
                _ => "invalid JSON",
            };
            let msg = e.to_string();
            let detail = msg.split(" at line ").next().unwrap_or(&msg);
            problems.push(Problem::new(
                file,
                Location::Line(e.line() as u64),
                format!("{what} at column {}: {detail}", e.column()),
            ));
            return false;
        }
    };
    if root.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        problems.push(Problem::new(
            file,
            Location::File,
            "not a GeoJSON FeatureCollection",
        ));
        return false;
    }
    let Some(list) = root.get("features").and_then(Value::as_array) else {
        problems.push(Problem::new(
            file,
            Location::File,
            "FeatureCollection has no \"features\" array",
        ));
        return false;
    };
    for (index, feature) in list.iter().enumerate() {
        let empty = Map::new();
        let props = feature
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let id = props
            .get("id")
            .or_else(|| feature.get("id"))
            .and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            });
        let mut ctx = FeatureCtx {
            file,
            index,
            id,
            props,
            geometry: feature.get("geometry"),
            problems: Vec::new(),
        };
        if feature.get("type").and_then(Value::as_str) != Some("Feature") {
            ctx.problem("not a GeoJSON Feature");
        } else {
            each(&mut ctx);
        }
        problems.extend(ctx.problems);
    }
    true
}

/// One feature being read: its properties, its geometry, and the problems found so far.
struct FeatureCtx<'a> {
    file: &'a str,
    index: usize,
    id: Option<String>,
    props: &'a Map<String, Value>,
    geometry: Option<&'a Value>,
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

    fn text(&self, key: &str) -> String {
        match self.props.get(key) {
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
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
        match self.props.get(key) {
            Some(Value::Number(n)) => match n.as_f64() {
                Some(x) if (lo..=hi).contains(&x) => Some(x),
                _ => {
                    self.problem(format!("property {key:?} = {n} out of range {lo}..{hi}"));
                    None
                }
            },
            None | Some(Value::Null) => {
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
        match self.props.get(key) {
            Some(Value::Number(n)) => match n.as_u64().and_then(|x| u32::try_from(x).ok()) {
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
            Some(c) if pts.last() == Some(&c) => {}
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

/// Whether the edge b→c runs back along a→b (the two edges overlap).
pub(crate) fn doubles_back(a: Coord<f64>, b: Coord<f64>, c: Coord<f64>) -> bool {
    let (u, v) = (a - b, c - b);
    let cross = u.x * v.y - u.y * v.x;
    let dot = u.x * v.x + u.y * v.y;
    let scale = (u.x.hypot(u.y)) * (v.x.hypot(v.y));
    dot > 0.0 && cross.abs() <= 1e-12 * scale
}

/// Reads `places.geojson` (nothing refers to places, so a rejected place leaves no trace).
pub(crate) fn places(file: &str, bytes: &[u8], problems: &mut Vec<Problem>) -> Vec<(usize, Place)> {
    let mut out = Vec::new();
    let _ = features(file, bytes, problems, |f| {
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
    });
    out
}

/// Reads the `sovereignty` array; without one, the place belonged to `country` throughout.
fn sovereignty(
    f: &mut FeatureCtx<'_>,
    current: Option<crate::CountryCode>,
) -> Option<Vec<Sovereignty>> {
    let current = current?;
    let Some(v) = f.props.get("sovereignty").filter(|v| !v.is_null()) else {
        return Some(vec![Sovereignty {
            from: None,
            country: current,
            instrument_id: None,
            source_id: f.text("source_id"),
        }]);
    };
    let Some(list) = v.as_array().filter(|l| !l.is_empty()) else {
        f.problem("property \"sovereignty\" is not a non-empty array");
        return None;
    };
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
                    return None;
                }
            },
        };
        if i > 0 && from.is_none() {
            f.problem(format!(
                "sovereignty[{i}].from is missing (only the first period may omit it)"
            ));
            return None;
        }
        let country = match s("country").map(country) {
            Some(Ok(c)) => c,
            Some(Err(e)) => {
                f.problem(format!("sovereignty[{i}].country: {e}"));
                return None;
            }
            None => {
                f.problem(format!("sovereignty[{i}].country is missing"));
                return None;
            }
        };
        let Some(source_id) = s("source_id") else {
            f.problem(format!("sovereignty[{i}].source_id is missing"));
            return None;
        };
        out.push(Sovereignty {
            from,
            country,
            instrument_id: s("instrument_id").map(str::to_string),
            source_id: source_id.to_string(),
        });
    }
    for w in out.windows(2) {
        if let (Some(a), Some(b)) = (w[0].from, w[1].from) {
            if b.first() < a.last() {
                f.problem(format!("sovereignty periods out of order: {b} after {a}"));
                return None;
            }
        }
    }
    if out.last().map(|p| p.country) != Some(current) {
        f.problem(format!(
            "property \"country\" {current} is not the country of the last sovereignty period"
        ));
        return None;
    }
    Some(out)
}
