//! KML incident tables (and KMZ, KML zipped: see `kmz`): each placemark's point and its
//! `ExtendedData` (typed `SchemaData` against the document's `Schema`, or plain `Data`).
//!
//! The document is read twice, a placemark at a time (`kml_scan` cuts each out of the stream
//! and the `kml` crate parses it alone): once for the columns (the `Schema`s' fields, then
//! the data names the placemarks use) and whether the placemarks have names, and once for
//! the rows. So memory stays flat whatever the file's size (BENCHMARKS.md); a KMZ archive's
//! root document is inflated as it is read, each time.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek as _, SeekFrom};

use kml::types::Element;
use kml::{Kml, KmlReader};

use super::feature_table::{Cell, Declared, DeclaredKind, Feature, FeatureRows};
use super::kml_scan::{Item, Scanner, Utf8Checked};
use super::kmz::{EntryReader, RootEntry};

/// A source the document is read from.
type Source = BufReader<Utf8Checked<Raw>>;

/// The document's bytes: a file's, or a KMZ archive's root document's, inflated.
enum Raw {
    File(File),
    Zipped(Box<EntryReader>),
}

impl Read for Raw {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Raw::File(file) => file.read(buf),
            Raw::Zipped(entry) => entry.read(buf),
        }
    }
}

/// The placemarks of a KML document, read one at a time.
pub(crate) struct KmlRows {
    /// `None` when there are no rows, or after an error.
    scanner: Option<Scanner<Source>>,
    /// Why the document could not be read again, to be handed out first.
    error: Option<String>,
    declared: Vec<Declared>,
    name_as_id: bool,
}

impl FeatureRows for KmlRows {
    fn next_feature(&mut self) -> Option<Result<Feature, String>> {
        if let Some(e) = self.error.take() {
            return Some(Err(e));
        }
        let scanner = self.scanner.as_mut()?;
        loop {
            match scanner.next_item() {
                Ok(Some(Item::Placemark(text))) => {
                    let read = match placemark(&text) {
                        Ok(read) => read,
                        Err(e) => {
                            self.scanner = None;
                            return Some(Err(format!("not a KML document ({e})")));
                        }
                    };
                    return Some(Ok(self.feature(read)));
                }
                Ok(Some(Item::Schema(_))) => {}
                Ok(None) => {
                    self.scanner = None;
                    return None;
                }
                Err(e) => {
                    let e = read_error(scanner, e);
                    self.scanner = None;
                    return Some(Err(e));
                }
            }
        }
    }
}

impl KmlRows {
    /// No features.
    pub(crate) fn empty() -> KmlRows {
        KmlRows {
            scanner: None,
            error: None,
            declared: Vec::new(),
            name_as_id: false,
        }
    }

    /// The feature of one placemark, its cells in the declared columns' order.
    fn feature(&self, read: Parsed) -> Feature {
        let mut cells = Vec::with_capacity(self.declared.len() + 1);
        if self.name_as_id {
            cells.push(read.name.map_or(Cell::Null, Cell::Text));
        }
        for column in &self.declared {
            cells.push(match read.values.iter().find(|(n, _)| n == &column.name) {
                None => Cell::Null,
                Some((_, text)) => cell(text, column.kind),
            });
        }
        Feature {
            cells,
            point: read.point,
        }
    }
}

/// One placemark as read: its name, values by column name and point.
struct Parsed {
    name: Option<String>,
    values: Values,
    point: Result<(f64, f64), String>,
}

/// A KML document's declared columns (the `Schema`s' `SimpleField`s in order, then any
/// other data names in order of first appearance), found by a first reading, and the
/// document, to be read again for the rows.
pub(crate) struct KmlDocument {
    declared: Vec<Declared>,
    any_name: bool,
    document: Document,
}

/// Where the document is: the file, or the root document of the KMZ archive in the file.
enum Document {
    File(File),
    Zipped(File, RootEntry),
}

impl Document {
    /// The document from its start.
    fn source(&self) -> Result<Source, String> {
        let again = |e: std::io::Error| format!("cannot read the file again ({e})");
        let raw = match self {
            Document::File(file) => {
                let mut file = file.try_clone().map_err(again)?;
                file.seek(SeekFrom::Start(0)).map_err(again)?;
                Raw::File(file)
            }
            Document::Zipped(file, entry) => {
                Raw::Zipped(Box::new(entry.reader(file).map_err(again)?))
            }
        };
        Ok(BufReader::with_capacity(1 << 16, Utf8Checked::new(raw)))
    }
}

/// The message for a reading error `e` of `scanner`: a damaged KMZ archive, or text that is
/// not UTF-8, is named so.
fn read_error(scanner: &Scanner<Source>, e: String) -> String {
    let checked = scanner.source().get_ref();
    if let Raw::Zipped(entry) = checked.get_ref() {
        if let Some(failure) = &entry.failure {
            return failure.clone();
        }
    }
    match checked.bad_at {
        Some(at) => format!("not a KML document (not UTF-8 text at byte {at})"),
        None => format!("not a KML document ({e})"),
    }
}

/// Reads a KML document, or the root document of a KMZ archive (a zip file, recognised by
/// its first bytes), for its columns. `Err` is a message about the file as a whole.
pub(crate) fn open(mut file: File) -> Result<KmlDocument, String> {
    let mut magic = [0u8; 4];
    let mut got = 0;
    while got < magic.len() {
        match file.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("not a KML document ({e})")),
        }
    }
    let document = if magic[..got] == super::kmz::ZIP_MAGIC[..] {
        let entry = super::kmz::root_entry(&file)?;
        Document::Zipped(file, entry)
    } else {
        Document::File(file)
    };
    let mut scanner = Scanner::new(document.source()?);
    let mut declared: Vec<Declared> = Vec::new();
    let mut used: Vec<String> = Vec::new();
    let mut any_name = false;
    loop {
        match scanner.next_item() {
            Ok(Some(Item::Schema(fields))) => declare(&fields, &mut declared),
            Ok(Some(Item::Placemark(text))) => {
                // Read only for what it may add: a first name, or a data name not seen yet
                // (a placemark the `kml` crate cannot read is then found by the second
                // reading, which stops there, naming the feature).
                let known = |name: &[u8]| {
                    declared.iter().any(|d| d.name.as_bytes() == name)
                        || used.iter().any(|u| u.as_bytes() == name)
                };
                if any_name && !may_name_new_data(&text, known) {
                    continue;
                }
                let read = placemark(&text).map_err(|e| format!("not a KML document ({e})"))?;
                any_name |= read.name.is_some();
                for (name, _) in read.values {
                    if !used.contains(&name) {
                        used.push(name);
                    }
                }
            }
            Ok(None) => break,
            Err(e) => return Err(read_error(&scanner, e)),
        }
    }
    for name in used {
        if !declared.iter().any(|d| d.name == name) {
            declared.push(Declared {
                name,
                kind: DeclaredKind::Text,
            });
        }
    }
    Ok(KmlDocument {
        declared,
        any_name,
        document,
    })
}

impl KmlDocument {
    /// Whether the placemarks' names can stand in for an `id` column: no column is named
    /// `id` and some placemark has a name.
    pub(crate) fn names_can_be_ids(&self) -> bool {
        !self
            .declared
            .iter()
            .any(|d| d.name.trim().eq_ignore_ascii_case("id"))
            && self.any_name
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

    /// The placemarks as features (read again from the start), with the names as the first
    /// cell when `name_as_id`. When the document cannot be read again, the one row is that
    /// error.
    pub(crate) fn into_rows(self, name_as_id: bool) -> KmlRows {
        let (scanner, error) = match self.document.source() {
            Ok(source) => (Some(Scanner::new(source)), None),
            Err(e) => (None, Some(e)),
        };
        KmlRows {
            scanner,
            error,
            declared: self.declared,
            name_as_id,
        }
    }
}

/// Adds a `Schema`'s fields (each as its attributes) to `declared`, those not there yet.
fn declare(fields: &[HashMap<String, String>], declared: &mut Vec<Declared>) {
    for field in fields {
        let Some(name) = field.get("name") else {
            continue;
        };
        if declared.iter().any(|d| &d.name == name) {
            continue;
        }
        let kind = match field.get("type").map(|t| t.to_ascii_lowercase()) {
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

/// Whether the `kml` crate's reading of the placemark `text` may find a data name for
/// which `known` is false: whether `text` has a `name` attribute (`name`, `=` and a quoted
/// value, spaces allowed around the `=`) whose value, as written, is not `known`, or
/// something after `name=` that cannot be told apart from one. The crate takes data names
/// from `name` attributes as written (not unescaped), so when this is false, reading the
/// placemark for its data names would find none that is new; text that merely looks like
/// an attribute only costs that reading. Measured in BENCHMARKS.md ("KML input: the first
/// reading skips …"): on 100,000 placemarks the first reading fell from 47% of the run's
/// instructions to 18%, the run from 25,863 M to 17,164 M.
fn may_name_new_data(text: &[u8], known: impl Fn(&[u8]) -> bool) -> bool {
    let spaces = |t: &[u8]| -> usize { t.iter().take_while(|b| b.is_ascii_whitespace()).count() };
    for at in memchr::memmem::find_iter(text, b"name") {
        let rest = &text[at + b"name".len()..];
        let rest = &rest[spaces(rest)..];
        let Some(rest) = rest.strip_prefix(b"=") else {
            // `<name>`, `</name>` and the like: not an attribute's value.
            continue;
        };
        let rest = &rest[spaces(rest)..];
        let value = match rest.split_first() {
            Some((&quote, rest)) if quote == b'"' || quote == b'\'' => {
                match memchr::memchr(quote, rest) {
                    Some(end) => &rest[..end],
                    None => return true,
                }
            }
            _ => return true,
        };
        if !known(value) {
            return true;
        }
    }
    false
}

/// One placemark's text, parsed by the `kml` crate.
fn placemark(text: &[u8]) -> Result<Parsed, String> {
    let kml: Kml<f64> = KmlReader::from_reader(text)
        .read()
        .map_err(|e| e.to_string())?;
    let Kml::Placemark(p) = kml else {
        return Err("a Placemark that cannot be read".into());
    };
    let mut values = Vec::new();
    for extended in p.children.iter().filter(|c| c.name == "ExtendedData") {
        extended_data(extended, &mut values);
    }
    Ok(Parsed {
        point: point_of(p.geometry.as_ref()),
        name: p.name,
        values,
    })
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
    fn only_a_name_attribute_whose_value_is_not_known_may_name_new_data() {
        let known = |name: &[u8]| name == b"x" || name == b"a b";
        let may = |text: &str| may_name_new_data(text.as_bytes(), known);
        assert!(!may(
            r##"<Placemark><name>A</name><ExtendedData><SchemaData schemaUrl="#t">
<SimpleData name="x">1</SimpleData></SchemaData><Data name = 'a b'><value>2</value></Data>
</ExtendedData></Placemark>"##
        ));
        assert!(may(
            r#"<Placemark><Data name="y"><value>2</value></Data></Placemark>"#
        ));
        assert!(may("<Placemark><Data name\n=\t'y'/></Placemark>"));
        // What cannot be told apart from an attribute, or looks like one in the text.
        assert!(may("<Placemark><Data name=y/></Placemark>"));
        assert!(may(r#"<Placemark><Data name="x"#));
        assert!(may(
            r#"<Placemark><description>surname="z"</description></Placemark>"#
        ));
        assert!(!may(
            "<Placemark><name>x</name><description>name</description></Placemark>"
        ));
    }

    #[test]
    fn the_first_reading_finds_every_data_name_and_name_after_placemarks_it_skips() {
        let placemark = |name: &str, data: &str| {
            format!(
                "<Placemark>{name}<ExtendedData>{data}</ExtendedData>\
                 <Point><coordinates>69,41</coordinates></Point></Placemark>"
            )
        };
        let data = |n: &str| format!("<Data name=\"{n}\"><value>{n}1</value></Data>");
        let doc = document(&format!(
            "<kml><Document>{}{}{}{}</Document></kml>",
            placemark("", &data("a")),
            placemark("<name>P</name>", &data("a")),
            placemark("<name>Q</name>", &data("a")),
            placemark("", &format!("{}{}", data("a"), data("b"))),
        ));
        assert!(doc.names_can_be_ids());
        let names: Vec<String> = doc.declared(true).into_iter().map(|d| d.name).collect();
        assert_eq!(names, ["id", "a", "b"]);
        let mut rows = doc.into_rows(true);
        let mut cells = Vec::new();
        while let Some(row) = rows.next_feature() {
            cells.push(row.unwrap().cells);
        }
        assert_eq!(
            cells[3],
            [Cell::Null, Cell::Text("a1".into()), Cell::Text("b1".into())]
        );
        assert_eq!(cells[1][0], Cell::Text("P".into()));
    }

    #[test]
    fn a_placemark_the_first_reading_skips_and_the_kml_crate_cannot_read_stops_the_rows() {
        let good = "<Placemark><name>A</name><Point><coordinates>69,41</coordinates></Point>\
                    </Placemark>";
        let bad = "<Placemark><name>B</name><Point><coordinates>69,x</coordinates></Point>\
                   </Placemark>";
        let text = format!("<kml><Document>{good}{bad}{good}</Document></kml>");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.kml");
        std::fs::write(&path, &text).unwrap();
        let e = placemark(bad.as_bytes())
            .err()
            .expect("the kml crate refuses it");
        let doc = open(File::open(&path).unwrap()).unwrap();
        let mut rows = doc.into_rows(true);
        assert!(rows.next_feature().unwrap().is_ok());
        assert_eq!(
            rows.next_feature().unwrap().err(),
            Some(format!("not a KML document ({e})"))
        );
        assert!(rows.next_feature().is_none());
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
