//! KML incident tables (and KMZ, KML zipped: see `kmz`): each placemark's point and its
//! `ExtendedData` (typed `SchemaData` against the document's `Schema`, or plain `Data`), read
//! with the `kml` crate.
//!
//! The crate parses the whole document into a tree before the first placemark is handed out
//! (it offers no streaming reader), so memory grows with the file: about 14 times its size
//! (1.0 GB for 100,000 placemarks as `incidents` writes them; BENCHMARKS.md).

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read as _};

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

/// Parses a KML document, or the root document of a KMZ archive (a zip file, recognised by
/// its first bytes). `Err` is a message about the file as a whole.
pub(crate) fn open(file: File) -> Result<KmlDocument, String> {
    let mut bytes = Vec::new();
    BufReader::new(file)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("not a KML document ({e})"))?;
    let text = if bytes.starts_with(super::kmz::ZIP_MAGIC) {
        super::kmz::root_document(&bytes)?
    } else {
        String::from_utf8(bytes).map_err(|e| {
            format!(
                "not a KML document (not UTF-8 text at byte {})",
                e.utf8_error().valid_up_to()
            )
        })?
    };
    let text = expand_empty_simple_fields(&text);
    let kml: Kml<f64> = KmlReader::from_string(&text)
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
            point: point_of(placemark.geometry.as_ref()),
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

/// `text` with every self-closing `<SimpleField .../>` written as a start and an end tag: the
/// `kml` crate drops self-closing elements it does not know, and would lose the `Schema`'s
/// field declarations (and so the columns' types and order) as many producers write them.
fn expand_empty_simple_fields(text: &str) -> std::borrow::Cow<'_, str> {
    const TAG: &str = "<SimpleField";
    if !text.contains(TAG) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(start) = rest.find(TAG) {
        let Some(end) = rest[start..].find('>').map(|e| start + e) else {
            break;
        };
        let tag = &rest[start..end];
        out.push_str(&rest[..start]);
        match tag.strip_suffix('/') {
            Some(open) => {
                out.push_str(open.trim_end());
                out.push_str("></SimpleField>");
            }
            None => {
                out.push_str(tag);
                out.push('>');
            }
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out.into()
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

/// A placemark's point: its `Point`, or the one `Point` of a `MultiGeometry` (as programs
/// write a MultiPoint); `Err` says what else it has.
fn point_of(geometry: Option<&kml::types::Geometry<f64>>) -> Result<(f64, f64), String> {
    use kml::types::Geometry;
    match geometry {
        Some(Geometry::Point(p)) => Ok((p.coord.x, p.coord.y)),
        Some(Geometry::MultiGeometry(m))
            if m.geometries.iter().all(|g| matches!(g, Geometry::Point(_))) =>
        {
            match m.geometries.as_slice() {
                [one] => point_of(Some(one)),
                points => Err(super::geojson::several_points(
                    "MultiGeometry",
                    points.len(),
                )),
            }
        }
        Some(other) => Err(format!(
            "geometry is a {}; an incident needs a Point",
            geometry_name(other)
        )),
        None => Err("no geometry: an incident needs a Point".to_string()),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn document(text: &str) -> KmlDocument {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.kml");
        std::fs::write(&path, text).unwrap();
        open(File::open(&path).unwrap()).unwrap()
    }

    #[test]
    fn schema_order_and_types_then_plain_data_in_folders() {
        let doc = document(
            r##"<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Schema name="t" id="t"><SimpleField name="id" type="string"/>
<SimpleField name="n" type="int"/><SimpleField name="x" type="double"/></Schema>
<Folder><Placemark><name>ignored</name><ExtendedData>
<Data name="extra"><value>e &amp; f</value></Data>
<SchemaData schemaUrl="#t"><SimpleData name="x">1.5</SimpleData>
<SimpleData name="id">A</SimpleData><SimpleData name="n">7</SimpleData></SchemaData>
</ExtendedData><Point><coordinates>69.5,41.25,0</coordinates></Point></Placemark></Folder>
<Placemark><ExtendedData><SchemaData schemaUrl="#t"><SimpleData name="n">x</SimpleData>
</SchemaData></ExtendedData><Polygon><outerBoundaryIs><LinearRing>
<coordinates>0,0 1,0 1,1 0,0</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
</Document></kml>"##,
        );
        assert!(!doc.names_can_be_ids(), "an id column: names are not ids");
        let names: Vec<(String, DeclaredKind)> = doc
            .declared(false)
            .into_iter()
            .map(|d| (d.name, d.kind))
            .collect();
        assert_eq!(
            names,
            [
                ("id".to_string(), DeclaredKind::Text),
                ("n".to_string(), DeclaredKind::Integer),
                ("x".to_string(), DeclaredKind::Float),
                ("extra".to_string(), DeclaredKind::Text),
            ]
        );
        let mut rows = doc.into_rows(false);
        let first = rows.next_feature().unwrap().unwrap();
        assert_eq!(
            first.cells,
            [
                Cell::Text("A".into()),
                Cell::Integer(7),
                Cell::Float(1.5),
                Cell::Text("e & f".into()),
            ]
        );
        assert_eq!(first.point, Ok((69.5, 41.25)));
        let second = rows.next_feature().unwrap().unwrap();
        // A value that is not of its type is kept as text, for the column's rules to judge.
        assert_eq!(second.cells[1], Cell::Text("x".into()));
        assert_eq!(
            second.point,
            Err("geometry is a Polygon; an incident needs a Point".to_string())
        );
        assert!(rows.next_feature().is_none());
    }

    #[test]
    fn a_multigeometry_of_one_point_is_the_point() {
        let placemark = |geometry: &str| format!("<Placemark><name>p</name>{geometry}</Placemark>");
        let point = |x: f64| format!("<Point><coordinates>{x},41.5</coordinates></Point>");
        let doc = document(&format!(
            "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>{}{}{}</Document></kml>",
            placemark(&format!("<MultiGeometry>{}</MultiGeometry>", point(69.0))),
            placemark(&format!(
                "<MultiGeometry>{}{}</MultiGeometry>",
                point(69.0),
                point(70.0)
            )),
            placemark("<MultiGeometry></MultiGeometry>"),
        ));
        let mut rows = doc.into_rows(true);
        let mut next = || rows.next_feature().unwrap().unwrap().point;
        assert_eq!(next(), Ok((69.0, 41.5)));
        let e = next().unwrap_err();
        assert!(e.contains("a MultiGeometry of 2 points"), "{e}");
        let e = next().unwrap_err();
        assert!(e.contains("an empty MultiGeometry"), "{e}");
    }

    #[test]
    fn xml_that_is_not_kml_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.kml");
        std::fs::write(&path, "<gpx><wpt lat=\"1\" lon=\"2\"/></gpx>").unwrap();
        let e = open(File::open(&path).unwrap()).err().unwrap();
        assert!(e.starts_with("not a KML document"), "{e}");
    }
}
