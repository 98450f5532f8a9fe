//! Country polygons with their ISO 3166-1 alpha-3 codes, read from a GeoJSON FeatureCollection
//! or a TopoJSON topology.

use std::collections::BTreeMap;

use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::iso3166;
use crate::{Error, Location, Problem};

/// Properties that may hold an alpha-3 code, tried in this order. Natural Earth writes `-99`
/// in `ISO_A3` where it has no code (France, Norway): such values are passed over.
const ALPHA3_KEYS: [&str; 10] = [
    "ISO_A3",
    "iso_a3",
    "ADM0_A3",
    "adm0_a3",
    "A3",
    "a3",
    "ISO3",
    "iso3",
    "ISO_A3_EH",
    "GID_0",
];
/// Properties that may hold an ISO 3166-1 numeric code.
const NUMERIC_KEYS: [&str; 4] = ["ISO_N3", "iso_n3", "ISO_NUM", "iso_num"];
/// Properties that may hold a name (used in messages only).
const NAME_KEYS: [&str; 6] = ["name", "NAME", "ADMIN", "admin", "name_en", "NAME_EN"];

/// One country: its code, a name for messages, and all its polygons (features with the same
/// code are merged).
#[derive(Clone, Debug)]
pub struct CountryPolygons {
    /// ISO 3166-1 alpha-3 code, e.g. `KAZ`.
    pub code: String,
    /// The name the file gives (empty when it gives none).
    pub name: String,
    /// The country's polygons, WGS84 longitude/latitude.
    pub polygons: MultiPolygon<f64>,
}

/// What a country file holds: the countries whose code was determined, and a problem for each
/// feature whose code could not be (those features are not in `countries`).
#[derive(Debug)]
pub struct CountryFile {
    /// Countries sorted by code.
    pub countries: Vec<CountryPolygons>,
    /// One problem per feature left out, naming it and saying why.
    pub uncoded: Vec<Problem>,
}

/// Reads country polygons from a GeoJSON FeatureCollection or a TopoJSON topology (recognised
/// from the top-level `type`). `file` names the input in problems.
///
/// A feature's code is read from its properties (`ISO_A3`, `ADM0_A3`, `A3`, `iso_a3` and
/// similar; then numeric codes `ISO_N3`), then from its `id` (an alpha-3 code, or an ISO
/// numeric code as TopoJSON files such as world-atlas use). Only officially assigned ISO
/// 3166-1 codes are accepted; a feature without one is listed in [`CountryFile::uncoded`],
/// never given an invented code.
///
/// # Errors
/// [`Error::Invalid`] when the file is not JSON, not one of the two formats, or a geometry is
/// malformed (every such problem is listed).
pub fn read_country_polygons(text: &str, file: &str) -> Result<CountryFile, Error> {
    let whole = |m: String| Error::Invalid(vec![Problem::new(file, Location::File, m)]);
    let top: TopLevel = serde_json::from_str(text).map_err(|e| whole(format!("not JSON: {e}")))?;
    let features = match top.kind.as_str() {
        "FeatureCollection" => geojson_features(top, file)?,
        "Topology" => topojson_features(text, file)?,
        other => {
            return Err(whole(format!(
                "top-level type is {other:?}; expected \"FeatureCollection\" (GeoJSON) or \"Topology\" (TopoJSON)"
            )))
        }
    };
    let mut by_code: BTreeMap<String, CountryPolygons> = BTreeMap::new();
    let mut uncoded = Vec::new();
    for f in features {
        let at = Location::Feature {
            index: f.index,
            id: f.id.as_ref().map(id_text),
        };
        let name = first_string(&f.properties, &NAME_KEYS).unwrap_or_default();
        match country_code(&f.properties, f.id.as_ref()) {
            Ok(code) => {
                let c = by_code.entry(code.clone()).or_insert(CountryPolygons {
                    code,
                    name,
                    polygons: MultiPolygon(Vec::new()),
                });
                c.polygons.0.extend(f.polygons);
            }
            Err(why) => uncoded.push(Problem::new(
                file,
                at,
                format!("{why}{}: left out", named(&name)),
            )),
        }
    }
    Ok(CountryFile {
        countries: by_code.into_values().collect(),
        uncoded,
    })
}

fn named(name: &str) -> String {
    if name.is_empty() {
        String::new()
    } else {
        format!(" ({name})")
    }
}

fn id_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn first_string(props: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|k| props.get(*k).and_then(Value::as_str).map(str::to_string))
}

/// The alpha-3 code of a feature, or why none could be determined.
fn country_code(props: &Map<String, Value>, id: Option<&Value>) -> Result<String, String> {
    let mut rejected = Vec::new();
    for key in ALPHA3_KEYS {
        match props.get(key) {
            Some(Value::String(s)) if iso3166::is_alpha3(s) => return Ok(s.clone()),
            Some(Value::String(s)) if s == "-99" || s.is_empty() => {}
            Some(v) => rejected.push(format!("{key} = {v}")),
            None => {}
        }
    }
    for key in NUMERIC_KEYS {
        let text = match props.get(key) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => continue,
        };
        match iso3166::alpha3_of_numeric(&text) {
            Some(a) => return Ok(a.to_string()),
            None if text == "-99" => {}
            None => rejected.push(format!("{key} = {text}")),
        }
    }
    if let Some(id) = id {
        let text = id_text(id);
        if iso3166::is_alpha3(&text) {
            return Ok(text);
        }
        match iso3166::alpha3_of_numeric(&text) {
            Some(a) => return Ok(a.to_string()),
            None => rejected.push(format!("id = {text:?}")),
        }
    }
    if rejected.is_empty() {
        Err("no ISO 3166-1 code in its properties or id".to_string())
    } else {
        Err(format!(
            "no officially assigned ISO 3166-1 code ({} is not one)",
            rejected.join(", ")
        ))
    }
}

#[derive(Deserialize)]
struct TopLevel<'a> {
    #[serde(rename = "type")]
    kind: String,
    #[serde(borrow, default)]
    features: Option<Vec<GeoFeature<'a>>>,
}

#[derive(Deserialize)]
struct GeoFeature<'a> {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    properties: Option<Map<String, Value>>,
    #[serde(borrow, default)]
    geometry: Option<GeoGeometry<'a>>,
}

#[derive(Deserialize)]
struct GeoGeometry<'a> {
    #[serde(rename = "type")]
    kind: String,
    #[serde(borrow)]
    coordinates: Option<&'a RawValue>,
}

/// A position: at least two numbers; any further ones (altitude) are ignored.
struct Position(Coord<f64>);

impl<'de> Deserialize<'de> for Position {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v: Vec<f64> = Vec::deserialize(d)?;
        match v.as_slice() {
            [x, y, ..] if x.is_finite() && y.is_finite() => Ok(Position(Coord { x: *x, y: *y })),
            _ => Err(serde::de::Error::custom(
                "a position must be [longitude, latitude] numbers",
            )),
        }
    }
}

type RawPolygon = Vec<Vec<Position>>;

/// A feature reduced to what the import needs.
struct Feature {
    index: usize,
    id: Option<Value>,
    properties: Map<String, Value>,
    polygons: Vec<Polygon<f64>>,
}

fn polygon(rings: RawPolygon) -> Option<Polygon<f64>> {
    let mut rings = rings
        .into_iter()
        .map(|r| LineString::from(r.into_iter().map(|p| p.0).collect::<Vec<_>>()));
    let exterior = rings.next()?;
    Some(Polygon::new(exterior, rings.collect()))
}

fn geojson_features(top: TopLevel, file: &str) -> Result<Vec<Feature>, Error> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (index, f) in top.features.unwrap_or_default().into_iter().enumerate() {
        let at = Location::Feature {
            index,
            id: f.id.as_ref().map(id_text),
        };
        let Some(g) = f.geometry else {
            problems.push(Problem::new(file, at, "no geometry"));
            continue;
        };
        let raw = g.coordinates.map_or("null", RawValue::get);
        let parsed = match g.kind.as_str() {
            "Polygon" => serde_json::from_str::<RawPolygon>(raw).map(|p| vec![p]),
            "MultiPolygon" => serde_json::from_str::<Vec<RawPolygon>>(raw),
            other => {
                problems.push(Problem::new(
                    file,
                    at,
                    format!("geometry is a {other}; expected Polygon or MultiPolygon"),
                ));
                continue;
            }
        };
        match parsed {
            Ok(ps) => out.push(Feature {
                index,
                id: f.id,
                properties: f.properties.unwrap_or_default(),
                polygons: ps.into_iter().filter_map(polygon).collect(),
            }),
            Err(e) => problems.push(Problem::new(file, at, format!("bad coordinates: {e}"))),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Error::Invalid(problems))
    }
}

fn topojson_features(text: &str, file: &str) -> Result<Vec<Feature>, Error> {
    let whole = |m: String| Error::Invalid(vec![Problem::new(file, Location::File, m)]);
    let topo: Value = serde_json::from_str(text).map_err(|e| whole(e.to_string()))?;
    let arcs = decode_arcs(&topo).map_err(whole)?;
    let objects = topo
        .get("objects")
        .and_then(Value::as_object)
        .ok_or_else(|| whole("no \"objects\" member".into()))?;
    let object = match objects.get("countries") {
        Some(o) => o,
        None if objects.len() == 1 => objects.values().next().unwrap_or(&Value::Null),
        None => {
            return Err(whole(format!(
                "{} objects and none named \"countries\": cannot tell which holds the countries",
                objects.len()
            )))
        }
    };
    let geoms = object
        .get("geometries")
        .and_then(Value::as_array)
        .ok_or_else(|| whole("the countries object has no \"geometries\" array".into()))?;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (index, g) in geoms.iter().enumerate() {
        let id = g.get("id").cloned();
        let at = Location::Feature {
            index,
            id: id.as_ref().map(id_text),
        };
        let refs = match (g.get("type").and_then(Value::as_str), g.get("arcs")) {
            (Some("Polygon"), Some(a)) => arc_rings(a).map(|r| vec![r]),
            (Some("MultiPolygon"), Some(a)) => a
                .as_array()
                .and_then(|ps| ps.iter().map(arc_rings).collect()),
            (Some("Polygon" | "MultiPolygon"), None) => None,
            _ => Some(Vec::new()),
        };
        let Some(refs) = refs else {
            problems.push(Problem::new(file, at, "malformed arcs"));
            continue;
        };
        let mut polygons = Vec::new();
        for p in &refs {
            let mut rings = Vec::new();
            for ring in p {
                match ring_coords(ring, &arcs) {
                    Some(r) => rings.push(LineString::from(r)),
                    None => problems.push(Problem::new(file, at.clone(), "arc index out of range")),
                }
            }
            let mut rings = rings.into_iter();
            if let Some(exterior) = rings.next() {
                polygons.push(Polygon::new(exterior, rings.collect()));
            }
        }
        out.push(Feature {
            index,
            id,
            properties: g
                .get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
            polygons,
        });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Error::Invalid(problems))
    }
}

fn arc_rings(v: &Value) -> Option<Vec<Vec<i64>>> {
    v.as_array()?
        .iter()
        .map(|r| r.as_array()?.iter().map(Value::as_i64).collect())
        .collect()
}

/// A ring's coordinates from its arc references (`!i` = arc `i` reversed).
fn ring_coords(refs: &[i64], arcs: &[Vec<Coord<f64>>]) -> Option<Vec<Coord<f64>>> {
    let mut pts: Vec<Coord<f64>> = Vec::new();
    for &r in refs {
        let (i, reversed) = if r >= 0 { (r, false) } else { (!r, true) };
        let arc = arcs.get(usize::try_from(i).ok()?)?;
        let skip = usize::from(!pts.is_empty());
        if reversed {
            pts.extend(arc.iter().rev().skip(skip));
        } else {
            pts.extend(arc.iter().skip(skip));
        }
    }
    Some(pts)
}

/// Decodes TopoJSON arcs to absolute longitude/latitude (applying `transform` to the
/// delta-encoded positions of a quantized topology).
fn decode_arcs(topo: &Value) -> Result<Vec<Vec<Coord<f64>>>, String> {
    let pair = |v: Option<&Value>| -> Option<(f64, f64)> {
        let a = v?.as_array()?;
        Some((a.first()?.as_f64()?, a.get(1)?.as_f64()?))
    };
    let (scale, translate) = match topo.get("transform") {
        Some(t) => (
            Some(pair(t.get("scale")).ok_or("transform.scale is not [number, number]")?),
            pair(t.get("translate")).ok_or("transform.translate is not [number, number]")?,
        ),
        None => (None, (0.0, 0.0)),
    };
    let arcs = topo
        .get("arcs")
        .and_then(Value::as_array)
        .ok_or("no top-level \"arcs\" array")?;
    let mut out = Vec::with_capacity(arcs.len());
    for (i, arc) in arcs.iter().enumerate() {
        let pts = arc.as_array().ok_or(format!("arc {i} is not an array"))?;
        let (mut x, mut y) = (0.0f64, 0.0f64);
        let mut coords = Vec::with_capacity(pts.len());
        for (j, p) in pts.iter().enumerate() {
            let (px, py) =
                pair(Some(p)).ok_or(format!("arc {i} position {j} is not [number, number]"))?;
            coords.push(match scale {
                Some((sx, sy)) => {
                    x += px;
                    y += py;
                    Coord {
                        x: x * sx + translate.0,
                        y: y * sy + translate.1,
                    }
                }
                None => Coord { x: px, y: py },
            });
        }
        out.push(coords);
    }
    Ok(out)
}
