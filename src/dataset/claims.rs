//! `claims.geojson`: how each party held a stretch of border (points of view), read and
//! checked against the rest of a dataset.

use geo::LineString;
use serde_json::Value;

use crate::{CountryCode, DateSpan, Delimitation, Location, PartialDate, Problem};

/// One party's view of a stretch of border over a period: the delimitation status as that
/// party held it, and optionally the line it claimed.
///
/// A claim is about a segment (`segment_id`), or drawn on its own (`line`, with no segment).
/// It holds from `valid_from` to `valid_to` (both inclusive, either open).
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    /// Its id.
    pub id: String,
    /// The party holding this view.
    pub party: CountryCode,
    /// The segment the view is about, if any.
    pub segment_id: Option<String>,
    /// The delimitation status as the party held it.
    pub delimitation: Delimitation,
    /// From when; `None` = from the start of the record.
    pub valid_from: Option<PartialDate>,
    /// Until when (inclusive); `None` = still held.
    pub valid_to: Option<PartialDate>,
    /// The source (id in `sources.csv`) that says so.
    pub source_id: String,
    /// Why.
    pub note: String,
    /// The party's own line (WGS84 longitude/latitude); `None` = the segment's line.
    pub line: Option<LineString<f64>>,
}

impl Claim {
    /// Whether the claim held on some day of `span`.
    pub fn holds_during(&self, span: DateSpan) -> bool {
        self.valid_from.is_none_or(|f| f.first() <= span.last)
            && self.valid_to.is_none_or(|t| t.last() >= span.first)
    }

    /// Whether the claim held on every day of `span`.
    pub fn holds_throughout(&self, span: DateSpan) -> bool {
        self.valid_from.is_none_or(|f| f.first() <= span.first)
            && self.valid_to.is_none_or(|t| t.last() >= span.last)
    }
}

fn text(props: &serde_json::Map<String, Value>, key: &str) -> String {
    match props.get(key) {
        Some(Value::String(s)) => s.trim().to_string(),
        _ => String::new(),
    }
}

fn line_of(geometry: &Value) -> Result<Option<LineString<f64>>, String> {
    if geometry.is_null() {
        return Ok(None);
    }
    if geometry.get("type").and_then(Value::as_str) != Some("LineString") {
        return Err("geometry must be a LineString or null (the segment's line)".into());
    }
    let coords = geometry
        .get("coordinates")
        .and_then(Value::as_array)
        .ok_or("LineString without coordinates")?;
    let mut line = Vec::with_capacity(coords.len());
    for p in coords {
        let xy = p.as_array().filter(|a| a.len() >= 2);
        match (
            xy.and_then(|a| a[0].as_f64()),
            xy.and_then(|a| a[1].as_f64()),
        ) {
            (Some(x), Some(y)) if (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y) => {
                line.push(geo::Coord { x, y })
            }
            _ => return Err(format!("position {p} is not a WGS84 [longitude, latitude]")),
        }
    }
    if line.len() < 2 {
        return Err("a claimed line needs at least two positions".into());
    }
    Ok(Some(LineString::new(line)))
}

/// Reads `claims.geojson` (named `file` in problems); `segment` and `source` say whether an
/// id exists in the dataset. Every problem is reported; bad features are left out.
pub(crate) fn read(
    file: &str,
    bytes: &[u8],
    segment: impl Fn(&str) -> bool,
    source: impl Fn(&str) -> bool,
    problems: &mut Vec<Problem>,
) -> Vec<Claim> {
    let root: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            problems.push(Problem::new(file, Location::File, format!("not JSON: {e}")));
            return Vec::new();
        }
    };
    let Some(features) = root
        .get("features")
        .and_then(Value::as_array)
        .filter(|_| root.get("type").and_then(Value::as_str) == Some("FeatureCollection"))
    else {
        problems.push(Problem::new(
            file,
            Location::File,
            "not a GeoJSON FeatureCollection",
        ));
        return Vec::new();
    };
    let mut claims = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (index, f) in features.iter().enumerate() {
        let empty = serde_json::Map::new();
        let props = f
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let id = text(props, "id");
        let at = Location::Feature {
            index,
            id: (!id.is_empty()).then(|| id.clone()),
        };
        let mut bad = Vec::new();
        if id.is_empty() {
            bad.push("id is empty".to_string());
        } else if !seen.insert(id.clone()) {
            bad.push(format!("id {id:?} is used twice"));
        }
        let party = text(props, "party");
        let party = party.parse::<CountryCode>().map_err(|_| {
            bad.push(format!("party {party:?} is not an alpha-3 country code"));
        });
        let delimitation = text(props, "delimitation");
        let delimitation = delimitation.parse::<Delimitation>().map_err(|_| {
            bad.push(format!(
                "delimitation {delimitation:?} is not delimited, undelimited, disputed or unknown"
            ));
        });
        let mut date = |key: &str| {
            let t = text(props, key);
            if t.is_empty() {
                return None;
            }
            t.parse::<PartialDate>()
                .map_err(|e| bad.push(format!("{key} {t:?}: {e}")))
                .ok()
        };
        let (valid_from, valid_to) = (date("valid_from"), date("valid_to"));
        if let (Some(f), Some(t)) = (valid_from, valid_to) {
            if t.last() < f.first() {
                bad.push(format!("valid_to {t} is before valid_from {f}"));
            }
        }
        let segment_id = Some(text(props, "segment_id")).filter(|s| !s.is_empty());
        if let Some(s) = &segment_id {
            if !segment(s) {
                bad.push(format!("unknown segment_id {s:?}"));
            }
        }
        let source_id = text(props, "source_id");
        if source_id.is_empty() {
            bad.push("source_id is empty".into());
        } else if !source(&source_id) {
            bad.push(format!("unknown source_id {source_id:?}"));
        }
        let line = line_of(f.get("geometry").unwrap_or(&Value::Null)).unwrap_or_else(|m| {
            bad.push(m);
            None
        });
        if segment_id.is_none() && line.is_none() && bad.is_empty() {
            bad.push("neither a segment_id nor a line: the claim is about nothing".into());
        }
        match (bad.is_empty(), party, delimitation) {
            (true, Ok(party), Ok(delimitation)) => claims.push(Claim {
                id,
                party,
                segment_id,
                delimitation,
                valid_from,
                valid_to,
                source_id,
                note: text(props, "note"),
                line,
            }),
            _ => problems.extend(bad.into_iter().map(|m| Problem::new(file, at.clone(), m))),
        }
    }
    claims
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_are_read_and_every_problem_reported() {
        let text = br#"{"type":"FeatureCollection","features":[
          {"type":"Feature","geometry":null,"properties":{"id":"c1","party":"KGZ",
            "segment_id":"S1","delimitation":"disputed","valid_from":"2010","valid_to":"",
            "source_id":"src"}},
          {"type":"Feature","geometry":null,"properties":{"id":"c1","party":"kg",
            "segment_id":"S9","delimitation":"claimed","valid_from":"2010","valid_to":"2009",
            "source_id":"nope"}}]}"#;
        let mut problems = Vec::new();
        let claims = read(
            "claims.geojson",
            text,
            |s| s == "S1",
            |s| s == "src",
            &mut problems,
        );
        assert_eq!(claims.len(), 1);
        assert_eq!(claims[0].delimitation, Delimitation::Disputed);
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 6, "{messages:?}");
        let y = |s: &str| s.parse::<PartialDate>().unwrap().span();
        assert!(claims[0].holds_during(y("2010")));
        assert!(!claims[0].holds_during(y("2009")));
    }
}
