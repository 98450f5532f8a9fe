//! KML 2.2 (OGC 07-147r2): one `Document` of placemarks, with the layer's columns as a typed
//! `Schema` and each feature's values as `SchemaData`, styles matching the QGIS styles of
//! `geodata/styles/`, and a `TimeSpan` on time-enabled layers for Google Earth's time slider;
//! and KMZ, the same document zipped.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;

mod geometry;
mod kmz;
mod styles;

pub use kmz::KmzLayerWriter;

use geo::Geometry;
use kml::types::{Element, Placemark};
use kml::{Kml, KmlWriter};

use self::geometry::kml_geometry;
use self::styles::Styling;
use super::invalid;
use crate::crs::Crs;
use crate::report::{Batch, ColumnKind, FeatureEncoder, LayerSink, Schema, Value};

/// KML's `SimpleField` type of a column: KML has no date type, so calendar days are ISO 8601
/// text; whole numbers are `int` (32 bits in KML; larger values are written exactly, as
/// text, but readers may not hold them).
fn simple_field_type(kind: &ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Text | ColumnKind::Word | ColumnKind::Date => "string",
        ColumnKind::Integer => "int",
        ColumnKind::Float { .. } => "double",
    }
}

fn element(name: &str, content: Option<String>, children: Vec<Element>) -> Element {
    Element {
        name: name.to_string(),
        attrs: HashMap::new(),
        content,
        children,
    }
}

/// The text of a value, `None` for no value; numbers with their column's decimals, as in
/// CSV and GeoJSON.
fn value_text(value: &Value<'_>, kind: Option<&ColumnKind>) -> Option<String> {
    match *value {
        Value::Text("") | Value::Empty => None,
        Value::Text(t) => Some(t.to_string()),
        Value::Integer(i) => Some(i.to_string()),
        Value::Float(x) if x.is_finite() => {
            let mut text = String::new();
            match kind {
                Some(ColumnKind::Float { decimals, .. }) => {
                    crate::report::fixed_decimal::push_fixed(&mut text, x, *decimals);
                }
                _ => text = x.to_string(),
            }
            Some(text)
        }
        Value::Float(_) => None,
        Value::Date(d) => Some(d.to_string()),
    }
}

/// Writes one layer as a KML document: a placemark per feature with the layer's columns as
/// typed `ExtendedData` (`SchemaData` against the document's `Schema`: text and dates as
/// `string`, whole numbers as `int`, numbers as `double`; no value, no `SimpleData`).
///
/// - The placemark's `name` is the feature's `name` column when it has one with a value,
///   else its first column.
/// - Styles: a layer with a `certainty` column (incidents) has dots coloured by certainty; a
///   layer with `delimitation` and `demarcation` columns is drawn in the colours of the QGIS
///   styles by delimitation, wider the further demarcation has gone (KML lines cannot be
///   dashed as the QGIS styles' are); other layers keep the viewer's default style.
/// - A layer with `valid_from`/`valid_to` date columns (the status layer) gives each
///   placemark a `TimeSpan` from `valid_from` to `valid_to` (either left open when empty),
///   which Google Earth's time slider plays; one with `date_start`/`date_end` (incidents)
///   gets the span of its date the same way.
/// - Features without geometry are placemarks without geometry: valid KML, listed by
///   Google Earth and read by GDAL, though not drawn.
///
/// KML coordinates are WGS84 longitude/latitude only: [`KmlLayerWriter::new`] refuses any
/// other CRS. Placemarks are encoded on the worker threads and written as they come.
pub struct KmlLayerWriter<W: Write> {
    out: W,
    schema: Schema,
    encoder: Arc<KmlEncoder>,
    started: bool,
    finished: bool,
    name: String,
}

/// Encodes placemarks (on any thread).
#[derive(Debug)]
struct KmlEncoder {
    schema_url: String,
    names: Vec<String>,
    kinds: Vec<ColumnKind>,
    styling: Styling,
    /// The placemark's name: the `name` column, else the first.
    name_column: Option<usize>,
    /// The columns of the `TimeSpan`'s begin and end.
    time_span: Option<(usize, usize)>,
}

impl KmlEncoder {
    fn placemark(&self, geometry: Option<&Geometry<f64>>, values: &[Value<'_>]) -> Placemark {
        let text = |i: usize| values.get(i).and_then(|v| value_text(v, self.kinds.get(i)));
        let name = self.name_column.and_then(text).or_else(|| text(0));
        let mut children = Vec::new();
        if let Some((begin, end)) = self.time_span {
            let mut span = Vec::new();
            for (tag, i) in [("begin", begin), ("end", end)] {
                if let Some(Value::Date(d)) = values.get(i) {
                    span.push(element(tag, Some(d.to_string()), Vec::new()));
                }
            }
            if !span.is_empty() {
                children.push(element("TimeSpan", None, span));
            }
        }
        if let Some(url) = self.styling.style_url(values) {
            children.push(element("styleUrl", Some(url), Vec::new()));
        }
        let data: Vec<Element> = self
            .names
            .iter()
            .enumerate()
            .filter_map(|(i, name)| {
                let mut simple = element("SimpleData", text(i), Vec::new());
                simple.attrs.insert("name".to_string(), name.clone());
                simple.content.is_some().then_some(simple)
            })
            .collect();
        let mut schema_data = element("SchemaData", None, data);
        schema_data
            .attrs
            .insert("schemaUrl".to_string(), self.schema_url.clone());
        children.push(element("ExtendedData", None, vec![schema_data]));
        Placemark {
            name,
            geometry: geometry.map(kml_geometry),
            children,
            ..Placemark::default()
        }
    }
}

impl FeatureEncoder for KmlEncoder {
    fn encode(&self, batch: &mut Batch, geometry: Option<&Geometry<f64>>, values: &[Value<'_>]) {
        batch.rows += 1;
        let placemark = Kml::Placemark(self.placemark(geometry, values));
        // Writing into memory cannot fail: quick-xml's only errors here are the vector's.
        let _ = KmlWriter::from_writer(&mut batch.bytes).write(&placemark);
        batch.bytes.push(b'\n');
    }
}

/// An XML ID (`Schema`'s `id`) made of `name`: letters, digits, `_`, `-` and `.`, starting
/// with a letter or `_`.
fn xml_id(name: &str) -> String {
    let mut id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !id.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        id.insert(0, '_');
    }
    id
}

impl<W: Write> KmlLayerWriter<W> {
    /// A writer of layer `name` of `schema` to `out`.
    ///
    /// # Errors
    /// `crs` is not WGS84: KML holds WGS84 longitude/latitude only.
    pub fn new(out: W, name: &str, schema: &Schema, crs: &Crs) -> io::Result<Self> {
        if !crs.is_wgs84() {
            return Err(invalid(format!(
                "KML coordinates are WGS84 longitude/latitude only (OGC KML 2.2), so the \
                 {name} layer cannot be written in {crs}"
            )));
        }
        let find = |column: &str| {
            schema
                .columns
                .iter()
                .position(|c| c.name == column && c.kind == ColumnKind::Date)
        };
        let time_span = match (find("valid_from"), find("valid_to")) {
            (Some(b), Some(e)) => Some((b, e)),
            _ => find("date_start").zip(find("date_end")),
        };
        let encoder = KmlEncoder {
            schema_url: format!("#{}", xml_id(name)),
            names: schema.names().map(str::to_string).collect(),
            kinds: schema.columns.iter().map(|c| c.kind.clone()).collect(),
            styling: Styling::of(schema),
            name_column: schema.names().position(|n| n == "name"),
            time_span,
        };
        Ok(KmlLayerWriter {
            out,
            schema: schema.clone(),
            encoder: Arc::new(encoder),
            started: false,
            finished: false,
            name: name.to_string(),
        })
    }

    /// The output, after [`LayerSink::finish`].
    pub fn into_inner(self) -> W {
        self.out
    }

    /// The document's start: its name, the `Schema` of the columns, and the styles. Written
    /// here rather than through the `kml` crate, whose elements keep their attributes in a
    /// hash map (in a different order on each run), so that the same layer always gives the
    /// same bytes.
    fn start(&mut self) -> io::Result<()> {
        let mut head = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n",
        );
        let name = xml_escape(&self.name);
        head.push_str(&format!(
            "<name>{name}</name>\n<Schema name=\"{name}\" id=\"{}\">\n",
            xml_id(&self.name)
        ));
        for column in &self.schema.columns {
            head.push_str(&format!(
                "<SimpleField name=\"{}\" type=\"{}\"></SimpleField>\n",
                xml_escape(&column.name),
                simple_field_type(&column.kind)
            ));
        }
        head.push_str("</Schema>\n");
        self.out.write_all(head.as_bytes())?;
        let mut styles = Vec::new();
        for style in self.encoder.styling.styles() {
            // Writing into memory cannot fail.
            let _ = KmlWriter::<_, f64>::from_writer(&mut styles).write(&Kml::Style(style));
            styles.push(b'\n');
        }
        self.out.write_all(&styles)
    }
}

/// `text` with XML's special characters escaped, for text and attribute values.
fn xml_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            c => escaped.push(c),
        }
    }
    escaped
}

impl<W: Write> LayerSink for KmlLayerWriter<W> {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn encoder(&self) -> Arc<dyn FeatureEncoder> {
        self.encoder.clone()
    }

    fn write_batch(&mut self, batch: &mut Batch) -> io::Result<()> {
        if !std::mem::replace(&mut self.started, true) {
            self.start()?;
        }
        batch.rows = 0;
        let written = self.out.write_all(&batch.bytes);
        batch.bytes.clear();
        written
    }

    fn finish(&mut self) -> io::Result<()> {
        if std::mem::replace(&mut self.finished, true) {
            return Ok(());
        }
        if !std::mem::replace(&mut self.started, true) {
            self.start()?;
        }
        self.out.write_all(b"</Document>\n</kml>\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::styles::{CERTAINTY_STYLES, DELIMITATION_COLOURS, DEMARCATION_WIDTHS};
    use super::*;
    use crate::report::Column;
    use geo::{line_string, point};

    fn status_schema() -> Schema {
        Schema {
            columns: vec![
                Column::text("segment_id"),
                Column::word("delimitation"),
                Column::word("demarcation"),
                Column::float("length_km", 3, "km"),
                Column::integer("n"),
                Column::date("valid_from"),
                Column::date("valid_to"),
            ],
            has_geometry: true,
        }
    }

    fn write(schema: &Schema, features: &[(Option<Geometry<f64>>, Vec<Value<'_>>)]) -> String {
        let mut w = KmlLayerWriter::new(Vec::new(), "status", schema, &Crs::wgs84()).unwrap();
        let encoder = w.encoder();
        let mut batch = Batch::default();
        for (g, values) in features {
            encoder.encode(&mut batch, g.as_ref(), values);
        }
        w.write_batch(&mut batch).unwrap();
        w.finish().unwrap();
        String::from_utf8(w.into_inner()).unwrap()
    }

    #[test]
    fn placemarks_have_typed_data_a_style_and_a_time_span() {
        let line = Geometry::LineString(line_string![(x: 66.5, y: 41.25), (x: 67.0, y: 41.5)]);
        let text = write(
            &status_schema(),
            &[(
                Some(line),
                vec![
                    Value::Text("KAZ-UZB-1 <&>"),
                    Value::Text("delimited"),
                    Value::Text("in_progress"),
                    Value::Float(12.5),
                    Value::Integer(3),
                    Value::Date(jiff::civil::date(2002, 9, 9)),
                    Value::Empty,
                ],
            )],
        );
        let kml: Kml = text.parse().unwrap();
        let Kml::KmlDocument(doc) = kml else {
            panic!("not a document: {text}")
        };
        let Some(Kml::Document { elements, .. }) = doc.elements.first() else {
            panic!("{text}")
        };
        let styles = elements
            .iter()
            .filter(|e| matches!(e, Kml::Style(_)))
            .count();
        assert_eq!(
            styles,
            DELIMITATION_COLOURS.len() * DEMARCATION_WIDTHS.len()
        );
        let schema = elements
            .iter()
            .find_map(|e| match e {
                Kml::Element(e) if e.name == "Schema" => Some(e),
                _ => None,
            })
            .unwrap();
        let types: Vec<(&str, &str)> = schema
            .children
            .iter()
            .map(|f| (f.attrs["name"].as_str(), f.attrs["type"].as_str()))
            .collect();
        assert_eq!(
            types,
            [
                ("segment_id", "string"),
                ("delimitation", "string"),
                ("demarcation", "string"),
                ("length_km", "double"),
                ("n", "int"),
                ("valid_from", "string"),
                ("valid_to", "string"),
            ]
        );
        let placemark = elements
            .iter()
            .find_map(|e| match e {
                Kml::Placemark(p) => Some(p),
                _ => None,
            })
            .unwrap();
        assert_eq!(placemark.name.as_deref(), Some("KAZ-UZB-1 <&>"));
        assert_eq!(
            placemark.style_url.as_deref(),
            Some("#delimited-in_progress")
        );
        let span = placemark
            .children
            .iter()
            .find(|c| c.name == "TimeSpan")
            .unwrap();
        assert_eq!(span.children.len(), 1, "valid_to is empty: an open end");
        assert_eq!(span.children[0].name, "begin");
        assert_eq!(span.children[0].content.as_deref(), Some("2002-09-09"));
        let data = &placemark
            .children
            .iter()
            .find(|c| c.name == "ExtendedData")
            .unwrap()
            .children[0];
        assert_eq!(data.attrs["schemaUrl"], "#status");
        let values: Vec<(&str, &str)> = data
            .children
            .iter()
            .map(|d| (d.attrs["name"].as_str(), d.content.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            values,
            [
                ("segment_id", "KAZ-UZB-1 <&>"),
                ("delimitation", "delimited"),
                ("demarcation", "in_progress"),
                ("length_km", "12.500"),
                ("n", "3"),
                ("valid_from", "2002-09-09"),
            ]
        );
        match &placemark.geometry {
            Some(kml::types::Geometry::LineString(l)) => {
                assert_eq!(l.coords.len(), 2);
                assert_eq!((l.coords[0].x, l.coords[0].y), (66.5, 41.25));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn points_are_styled_by_certainty_and_features_without_geometry_are_kept() {
        let schema = Schema {
            columns: vec![Column::text("id"), Column::word("certainty")],
            has_geometry: true,
        };
        let text = write(
            &schema,
            &[
                (
                    Some(Geometry::Point(point!(x: 1.5, y: 2.0))),
                    vec![Value::Text("a"), Value::Text("possible")],
                ),
                (None, vec![Value::Text("b"), Value::Empty]),
            ],
        );
        assert!(text.contains("<styleUrl>#possible</styleUrl>"), "{text}");
        assert!(text.contains("<styleUrl>#no_segment</styleUrl>"), "{text}");
        assert!(text.contains("<coordinates>1.5,2</coordinates>"), "{text}");
        assert_eq!(text.matches("<Placemark>").count(), 2);
        // The colours are KML's aabbggrr.
        assert!(text.contains("<color>d9ffffff</color>"), "{text}");
    }

    #[test]
    fn other_crs_are_refused() {
        let e = KmlLayerWriter::new(Vec::new(), "segments", &status_schema(), &Crs::epsg(32642))
            .err()
            .unwrap();
        assert!(
            e.to_string().contains("WGS84 longitude/latitude only"),
            "{e}"
        );
        assert!(e.to_string().contains("EPSG:32642"), "{e}");
    }

    /// The colour of each category of a QGIS style: `(value, [r, g, b, a])`.
    fn qml_colours(qml: &str, colour_option: &str) -> Vec<(String, [u8; 4])> {
        let attr = |text: &str, name: &str| -> String {
            let key = format!("{name}=\"");
            let start = text.find(&key).unwrap() + key.len();
            text[start..].split('"').next().unwrap().to_string()
        };
        let mut symbols = HashMap::new();
        for part in qml.split("<symbol ").skip(1) {
            let name = attr(part, "name");
            let key = format!("name=\"{colour_option}\" type=\"QString\" value=\"");
            let start = part.find(&key).unwrap() + key.len();
            let rgba: Vec<u8> = part[start..]
                .split('"')
                .next()
                .unwrap()
                .split(',')
                .map(|n| n.parse().unwrap())
                .collect();
            symbols.insert(name, [rgba[0], rgba[1], rgba[2], rgba[3]]);
        }
        qml.split("<category ")
            .skip(1)
            .map(|c| (attr(c, "value"), symbols[&attr(c, "symbol")]))
            .collect()
    }

    #[test]
    fn colours_match_the_qgis_styles() {
        for qml in [
            include_str!("../../../../geodata/styles/segments.qml"),
            include_str!("../../../../geodata/styles/status.qml"),
        ] {
            let categories = qml_colours(qml, "line_color");
            assert_eq!(categories.len(), DELIMITATION_COLOURS.len());
            for (value, [r, g, b, a]) in categories {
                let ours = DELIMITATION_COLOURS.iter().find(|(v, _)| *v == value);
                assert_eq!(
                    ours.map(|(_, c)| [c[0], c[1], c[2], 255]),
                    Some([r, g, b, a])
                );
            }
        }
        let categories = qml_colours(
            include_str!("../../../../geodata/styles/incidents.qml"),
            "color",
        );
        assert_eq!(categories.len(), CERTAINTY_STYLES.len());
        for (value, colour) in categories {
            let ours = CERTAINTY_STYLES.iter().find(|(v, _, _)| *v == value);
            assert_eq!(ours.map(|(_, c, _)| *c), Some(colour), "{value}");
        }
    }
}
