//! KML incident tables: each placemark's point and its `ExtendedData` (typed `SchemaData`
//! against the document's `Schema`, or plain `Data`), read with the `kml` crate.
//!
//! The crate parses the whole document into a tree before the first placemark is handed out
//! (it offers no streaming reader), so memory grows with the file: a few times its size.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;

use kml::types::Element;
use kml::{Kml, KmlReader};

use super::feature_table::{Cell, Declared, DeclaredKind, Feature, FeatureRows};

/// The placemarks of a KML document, parsed.
pub(crate) struct KmlRows {
    features: std::vec::IntoIter<Feature>,
}

impl FeatureRows for KmlRows {
    fn next_feature(&mut self) -> Option<Result<Feature, String>> {
        self.features.next().map(Ok)
    }
}

/// One placemark as read: its name, values by column name and point.
struct Read {
    name: Option<String>,
    values: HashMap<String, String>,
    point: Result<(f64, f64), String>,
}

/// A parsed KML document: its declared columns (the `Schema`'s `SimpleField`s in order, then
/// any other data names in order of first appearance) and its placemarks.
pub(crate) struct KmlDocument {
    declared: Vec<Declared>,
    reads: Vec<Read>,
}

/// Parses a KML document. `Err` is a message about the file as a whole.
pub(crate) fn open(file: File) -> Result<KmlDocument, String> {
    let kml: Kml<f64> = KmlReader::from_reader(BufReader::new(file))
        .read()
        .map_err(|e| format!("not a KML document ({e})"))?;
    if !is_kml_root(&kml) {
        return Err("not a KML document (no <kml>, <Document> or <Placemark> element)".into());
    }
    let mut declared: Vec<Declared> = Vec::new();
    let mut placemarks = Vec::new();
    walk(&kml, &mut declared, &mut placemarks);
    for (_, values) in &placemarks {
        for (name, _) in values {
            if !declared.iter().any(|d| &d.name == name) {
                declared.push(Declared {
                    name: name.clone(),
                    kind: DeclaredKind::Text,
                });
            }
        }
    }
    let reads = placemarks
        .into_iter()
        .map(|(placemark, values)| Read {
            name: placemark.name.clone(),
            values: values.into_iter().collect(),
            point: match &placemark.geometry {
                Some(kml::types::Geometry::Point(p)) => Ok((p.coord.x, p.coord.y)),
                Some(other) => Err(format!(
                    "geometry is a {}; an incident needs a Point",
                    geometry_name(other)
                )),
                None => Err("no geometry: an incident needs a Point".to_string()),
            },
        })
        .collect();
    Ok(KmlDocument { declared, reads })
}

impl KmlDocument {
    /// Whether the placemarks' names can stand in for an `id` column: no column is named
    /// `id` and some placemark has a name.
    pub(crate) fn names_can_be_ids(&self) -> bool {
        !self
            .declared
            .iter()
            .any(|d| d.name.trim().eq_ignore_ascii_case("id"))
            && self.reads.iter().any(|r| r.name.is_some())
    }

    /// The declared columns, with `id` (the placemarks' names) first when `name_as_id`.
    pub(crate) fn declared(&self, name_as_id: bool) -> Vec<Declared> {
        let id = name_as_id.then(|| Declared {
            name: "id".into(),
            kind: DeclaredKind::Text,
        });
        id.into_iter()
            .chain(self.declared.iter().map(|d| Declared {
                name: d.name.clone(),
                kind: d.kind,
            }))
            .collect()
    }

    /// The placemarks as features, with the names as the first cell when `name_as_id`.
    pub(crate) fn into_rows(self, name_as_id: bool) -> KmlRows {
        let declared = self.declared;
        let features: Vec<Feature> = self
            .reads
            .into_iter()
            .map(|read| {
                let mut cells = Vec::with_capacity(declared.len() + 1);
                if name_as_id {
                    cells.push(read.name.map_or(Cell::Null, Cell::Text));
                }
                for column in &declared {
                    cells.push(match read.values.get(&column.name) {
                        None => Cell::Null,
                        Some(text) => cell(text, column.kind),
                    });
                }
                Feature {
                    cells,
                    point: read.point,
                }
            })
            .collect();
        KmlRows {
            features: features.into_iter(),
        }
    }
}

impl KmlRows {
    /// No features.
    pub(crate) fn empty() -> KmlRows {
        KmlRows {
            features: Vec::new().into_iter(),
        }
    }
}

/// Whether the parsed tree is a KML document rather than some other XML.
fn is_kml_root(kml: &Kml<f64>) -> bool {
    matches!(
        kml,
        Kml::KmlDocument(_) | Kml::Document { .. } | Kml::Folder(_) | Kml::Placemark(_)
    )
}

/// A value of a column of `kind`: a number that does not parse is kept as text, to be
/// judged (and reported) by the column's own rules.
fn cell(text: &str, kind: DeclaredKind) -> Cell {
    let t = text.trim();
    if t.is_empty() {
        return Cell::Null;
    }
    match kind {
        DeclaredKind::Integer => t
            .parse::<i64>()
            .map_or_else(|_| Cell::Text(text.to_string()), Cell::Integer),
        DeclaredKind::Float => t
            .parse::<f64>()
            .map_or_else(|_| Cell::Text(text.to_string()), Cell::Float),
        DeclaredKind::Text => Cell::Text(text.to_string()),
    }
}

type Values = Vec<(String, String)>;

/// Collects the `Schema`s' fields and the placemarks (with their data) under `kml`, in
/// document order.
fn walk<'a>(
    kml: &'a Kml<f64>,
    declared: &mut Vec<Declared>,
    placemarks: &mut Vec<(&'a kml::types::Placemark<f64>, Values)>,
) {
    match kml {
        Kml::KmlDocument(d) => d
            .elements
            .iter()
            .for_each(|e| walk(e, declared, placemarks)),
        Kml::Document { elements, .. } => {
            elements.iter().for_each(|e| walk(e, declared, placemarks));
        }
        Kml::Folder(f) => f
            .elements
            .iter()
            .for_each(|e| walk(e, declared, placemarks)),
        Kml::Element(e) if e.name == "Schema" => {
            for field in e.children.iter().filter(|f| f.name == "SimpleField") {
                let Some(name) = field.attrs.get("name") else {
                    continue;
                };
                if declared.iter().any(|d| &d.name == name) {
                    continue;
                }
                let kind = match field.attrs.get("type").map(|t| t.to_ascii_lowercase()) {
                    Some(t) if matches!(t.as_str(), "int" | "uint" | "short" | "ushort") => {
                        DeclaredKind::Integer
                    }
                    Some(t) if matches!(t.as_str(), "double" | "float") => DeclaredKind::Float,
                    _ => DeclaredKind::Text,
                };
                declared.push(Declared {
                    name: name.clone(),
                    kind,
                });
            }
        }
        Kml::Placemark(p) => {
            let mut values = Vec::new();
            for extended in p.children.iter().filter(|c| c.name == "ExtendedData") {
                extended_data(extended, &mut values);
            }
            placemarks.push((p, values));
        }
        _ => {}
    }
}

/// The values of an `ExtendedData` element: `SchemaData`'s `SimpleData` and plain `Data`.
fn extended_data(extended: &Element, values: &mut Values) {
    let mut push = |name: Option<&String>, content: Option<&String>| {
        if let Some(name) = name {
            if !values.iter().any(|(n, _)| n == name) {
                values.push((name.clone(), content.cloned().unwrap_or_default()));
            }
        }
    };
    for child in &extended.children {
        match child.name.as_str() {
            "SchemaData" => {
                for simple in child.children.iter().filter(|s| s.name == "SimpleData") {
                    push(simple.attrs.get("name"), simple.content.as_ref());
                }
            }
            "Data" => {
                let value = child
                    .children
                    .iter()
                    .find(|v| v.name == "value")
                    .and_then(|v| v.content.as_ref());
                push(child.attrs.get("name"), value);
            }
            _ => {}
        }
    }
}

/// A geometry's KML element name, for messages.
fn geometry_name(g: &kml::types::Geometry<f64>) -> &'static str {
    match g {
        kml::types::Geometry::Point(_) => "Point",
        kml::types::Geometry::LineString(_) => "LineString",
        kml::types::Geometry::LinearRing(_) => "LinearRing",
        kml::types::Geometry::Polygon(_) => "Polygon",
        kml::types::Geometry::MultiGeometry(_) => "MultiGeometry",
        _ => "geometry of another kind",
    }
}
