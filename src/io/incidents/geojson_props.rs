//! A GeoJSON input's properties as a table's columns: one pass over the features learns their
//! names (in order of first appearance) and types, and each feature is then converted as a
//! CSV row of those columns would be (any layout, the aliases, a [`ColumnMapping`]), its
//! position from its geometry, its properties carried to the output.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::ops::Range;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::convert::blank_incident;
use super::layout::{Columns, Fields};
use super::mapping::{self, ColumnMapping};
use crate::io::geojson_features::{
    id_text, kind_of, string, FeatureStream, FeatureText, RawFeature,
};
use crate::report::{Column, ColumnKind};
use crate::{Incident, RowValues};

/// A feature's properties in the order written.
struct Ordered<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Ordered<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Members<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Members<'a> {
            type Value = Ordered<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Ordered<'a>, M::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, &'de RawValue>()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(Members(std::marker::PhantomData))
    }
}

/// The properties of `feature`, in order; `None` when they are absent, null or not an object.
fn properties<'a>(feature: &RawFeature<'a>) -> Option<Vec<(String, &'a RawValue)>> {
    let p = feature.properties.filter(|p| kind_of(p) == "an object")?;
    serde_json::from_str::<Ordered<'a>>(p.get())
        .ok()
        .map(|o| o.0)
}

/// What one pass over the features found of one property.
#[derive(Debug, Clone)]
struct Seen {
    name: String,
    /// Every value given is a whole number that fits 64 bits.
    integers: bool,
    /// Every value given is a number.
    numbers: bool,
}

/// The columns of a GeoJSON input: its properties, and how they are read.
#[derive(Debug)]
pub(crate) struct PropertyHeader {
    /// The properties carried, in order, with their kinds.
    pub(crate) carried: Vec<Column>,
    /// The layout's columns over `view`.
    columns: Columns,
    /// The names the row's text fields go by: the carried columns, then the geometry's
    /// latitude and longitude.
    view: Vec<String>,
    /// Whether the last carried column is the feature's own `id` (no property holds the id).
    feature_id: bool,
}

/// Reads every feature of a GeoJSON input (a second reading of it, from its start) and learns
/// its properties; `mapping` names the columns of the id and date. Features that cannot be read
/// are passed over (the reading proper reports them); `Err` is a message about the file.
pub(crate) fn scan(
    input: impl Read,
    max_feature_bytes: usize,
    mapping: &ColumnMapping,
    sequence: bool,
) -> Result<PropertyHeader, String> {
    if mapping.lat.is_some() || mapping.lon.is_some() {
        return Err(
            "a GeoJSON feature's position is its geometry: a latitude or longitude column is \
             mapped only in tables"
                .into(),
        );
    }
    let mut seen: Vec<Seen> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut feature_ids = false;
    let stream = if sequence {
        Ok(FeatureStream::open_sequence(input, max_feature_bytes))
    } else {
        FeatureStream::open(input, max_feature_bytes)
    };
    if let Ok(mut stream) = stream {
        while let Some(Ok((_, FeatureText::Json(raw)))) = stream.next_feature() {
            let Ok(feature) = RawFeature::read(&raw) else {
                continue;
            };
            feature_ids |= feature.id.is_some();
            for (name, value) in properties(&feature).unwrap_or_default() {
                let at = *index.entry(name.clone()).or_insert_with(|| {
                    seen.push(Seen {
                        name,
                        integers: true,
                        numbers: true,
                    });
                    seen.len() - 1
                });
                let s = &mut seen[at];
                match kind_of(value) {
                    "null" => {}
                    "a number" => s.integers &= value.get().parse::<i64>().is_ok(),
                    _ => {
                        s.integers = false;
                        s.numbers = false;
                    }
                }
            }
        }
    }
    let normalised: Vec<String> = seen.iter().map(|s| s.name.trim().to_lowercase()).collect();
    let mut problems = Vec::new();
    for (k, name) in normalised.iter().enumerate() {
        if let Some(j) = normalised[..k].iter().position(|n| n == name) {
            problems.push(format!(
                "properties {:?} and {:?} have the same name but for letter case or spaces",
                seen[j].name, seen[k].name
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    let own = mapping::own_column_count(&normalised);
    let mut names = normalised[..own].to_vec();
    let feature_id = mapping.id.is_none() && feature_ids && !names.iter().any(|n| n == "id");
    if feature_id {
        names.push("id".into());
    }
    let (columns, view) = mapping::recognise_with_geometry(&names, mapping)?;
    let mut carried: Vec<Column> = seen[..own]
        .iter()
        .map(|s| {
            if s.integers {
                Column {
                    name: s.name.clone().into(),
                    kind: ColumnKind::Integer,
                }
            } else if s.numbers {
                Column::number(s.name.clone())
            } else {
                Column {
                    name: s.name.clone().into(),
                    kind: ColumnKind::Text,
                }
            }
        })
        .collect();
    // The feature's own id, where no property holds the id, is carried as `id`.
    if feature_id {
        carried.push(Column::text("id"));
    }
    // An id is a label, kept exactly as written (`1.5e3` stays `1.5e3`), even when numeric.
    if let Some(id) = carried.get_mut(columns.id_index()) {
        id.kind = ColumnKind::Text;
    }
    Ok(PropertyHeader {
        carried,
        columns,
        view,
        feature_id,
    })
}

/// Buffers reused from one feature to the next.
#[derive(Default)]
pub(crate) struct Scratch {
    text: String,
    spans: Vec<Range<usize>>,
    values: RowValues,
}

impl PropertyHeader {
    /// Converts `feature`, whose position is `point` (or why it has none), as a row of the
    /// header's columns: the id shown in messages, and the incident (carrying its properties)
    /// or every problem found, joined by `; `.
    pub(crate) fn incident(
        &self,
        feature: &RawFeature<'_>,
        point: Result<geo::Point<f64>, String>,
        scratch: &mut Scratch,
    ) -> (Option<String>, Result<Incident, String>) {
        let Scratch {
            text,
            spans,
            values,
        } = scratch;
        text.clear();
        spans.clear();
        values.clear();
        let mut errors = Vec::new();
        let props: HashMap<String, &RawValue> = match feature.properties {
            Some(p) if kind_of(p) == "an object" => properties(feature)
                .unwrap_or_default()
                .into_iter()
                .collect(),
            Some(p) if kind_of(p) != "null" => {
                errors.push(format!("properties is {}, not an object", kind_of(p)));
                HashMap::new()
            }
            _ => HashMap::new(),
        };
        let id_column = self.columns.id_index();
        let properties = self.carried.len() - usize::from(self.feature_id);
        for (k, column) in self.carried.iter().enumerate() {
            let start = text.len();
            let value = if k < properties {
                props.get(column.name.as_ref()).copied()
            } else {
                None
            };
            match value.map(|v| (kind_of(v), v)) {
                // The id column without a value: the feature's own id, when it has one.
                None | Some(("null", _)) if k == id_column => match id_text(feature.id) {
                    Some(Ok(id)) => {
                        text.push_str(&id);
                        values.push_text(&id);
                    }
                    Some(Err(e)) => {
                        errors.push(format!("the feature's id cannot be read: {e}"));
                        values.push_empty();
                    }
                    None => values.push_empty(),
                },
                None | Some(("null", _)) => values.push_empty(),
                Some(("a string", v)) => match string(v) {
                    Ok(s) => {
                        text.push_str(&s);
                        values.push_text(&s);
                    }
                    Err(e) => {
                        errors.push(format!("property {} cannot be read: {e}", column.name));
                        values.push_empty();
                    }
                },
                Some(("a number", v)) => {
                    let n = v.get();
                    text.push_str(n);
                    let finite = n.parse::<f64>().ok().filter(|x| x.is_finite());
                    match (&column.kind, n.parse::<i64>(), finite) {
                        (ColumnKind::Integer, Ok(i), _) => values.push_integer(i),
                        (ColumnKind::Float { .. }, _, Some(x)) => values.push_float(x),
                        // Beyond a float (`1e400`), or in a text column: as written.
                        _ => values.push_text(n),
                    }
                }
                // A boolean, an object or an array: its JSON text.
                Some((_, v)) => {
                    text.push_str(v.get());
                    values.push_text(v.get());
                }
            }
            spans.push(start..text.len());
        }
        let (lat, lon) = match &point {
            Ok(p) => (p.y(), p.x()),
            Err(_) => (0.0, 0.0),
        };
        for v in [lat, lon] {
            let start = text.len();
            use std::fmt::Write;
            let _ = write!(text, "{v}");
            spans.push(start..text.len());
        }
        let shown = spans
            .get(self.columns.id_index())
            .and_then(|r| text.get(r.clone()))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let fields = Fields::new(text.as_bytes(), spans);
        let mut incident = blank_incident();
        let converted = self
            .columns
            .incident_into(&fields, &self.view, &mut incident, None);
        if let Err(e) = point {
            errors.push(e);
        }
        if let Err(e) = converted {
            errors.push(e);
        }
        if !errors.is_empty() {
            return (shown, Err(errors.join("; ")));
        }
        incident.values.clone_from(values);
        (shown, Ok(incident))
    }
}
