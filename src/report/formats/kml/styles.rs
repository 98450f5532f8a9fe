//! The styles of KML placemarks, matching the QGIS styles of `geodata/styles/`: status lines
//! coloured by delimitation and widened by demarcation, incident dots by certainty.

use std::collections::HashMap;

use kml::types::{Icon, IconStyle, LineStyle, Style};

use crate::report::{Schema, Value};

/// Line colours by `delimitation`, as in `geodata/styles/segments.qml` and `status.qml`
/// (red, green, blue).
pub(super) const DELIMITATION_COLOURS: &[(&str, [u8; 3])] = &[
    ("delimited", [26, 150, 65]),
    ("disputed", [215, 25, 28]),
    ("undelimited", [242, 142, 43]),
    ("unknown", [140, 140, 140]),
    ("ambiguous", [123, 50, 148]),
];

/// Line widths in pixels by `demarcation`: KML lines cannot be dashed, so where the QGIS
/// styles draw demarcated lines solid, lines in demarcation dashed and others dotted, KML
/// draws them wide, middling and thin.
pub(super) const DEMARCATION_WIDTHS: &[(&str, f64)] = &[
    ("demarcated", 4.0),
    ("in_progress", 3.0),
    ("none", 2.0),
    ("unknown", 2.0),
];

/// Point colours by `certainty` (red, green, blue, alpha) and icon scale, as in
/// `geodata/styles/incidents.qml`; the empty value is an incident with no segment within
/// reach.
pub(super) const CERTAINTY_STYLES: &[(&str, [u8; 4], f64)] = &[
    ("certain", [17, 17, 17, 255], 1.0),
    ("possible", [255, 255, 255, 217], 1.0),
    ("", [200, 200, 200, 180], 0.6),
];

/// The icon of point styles: Google Earth's round dot, tinted by the style's colour.
const DOT_ICON: &str = "http://maps.google.com/mapfiles/kml/shapes/shaded_dot.png";

/// KML's `aabbggrr` colour of red, green, blue and alpha.
fn kml_colour([r, g, b, a]: [u8; 4]) -> String {
    format!("{a:02x}{b:02x}{g:02x}{r:02x}")
}

/// How a layer's placemarks are styled, chosen from its columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Styling {
    /// Lines by `delimitation` (colour) and `demarcation` (width): columns' indices.
    Status {
        delimitation: usize,
        demarcation: usize,
    },
    /// Points by `certainty`.
    Certainty(usize),
    /// Google Earth's default style.
    Plain,
}

impl Styling {
    /// The styling of a layer with `schema`'s columns.
    pub(super) fn of(schema: &Schema) -> Styling {
        let find = |name: &str| schema.names().position(|n| n == name);
        // Incidents have a status too, but are points: by certainty first.
        match (find("certainty"), find("delimitation"), find("demarcation")) {
            (Some(certainty), _, _) => Styling::Certainty(certainty),
            (None, Some(delimitation), Some(demarcation)) => Styling::Status {
                delimitation,
                demarcation,
            },
            _ => Styling::Plain,
        }
    }

    /// The document's styles.
    pub(super) fn styles(self) -> Vec<Style> {
        match self {
            Styling::Status { .. } => DELIMITATION_COLOURS
                .iter()
                .flat_map(|&(delimitation, [r, g, b])| {
                    DEMARCATION_WIDTHS
                        .iter()
                        .map(move |&(demarcation, width)| Style {
                            id: Some(status_style_id(delimitation, demarcation)),
                            line: Some(LineStyle {
                                color: kml_colour([r, g, b, 255]),
                                width,
                                ..LineStyle::default()
                            }),
                            ..Style::default()
                        })
                })
                .collect(),
            Styling::Certainty(_) => CERTAINTY_STYLES
                .iter()
                .map(|&(certainty, colour, scale)| Style {
                    id: Some(certainty_style_id(certainty)),
                    icon: Some(IconStyle {
                        color: kml_colour(colour),
                        scale,
                        icon: Icon {
                            href: DOT_ICON.to_string(),
                            attrs: HashMap::new(),
                        },
                        ..IconStyle::default()
                    }),
                    ..Style::default()
                })
                .collect(),
            Styling::Plain => Vec::new(),
        }
    }

    /// The style of a feature with `values`, when the layer has styles and the values one.
    pub(super) fn style_url(self, values: &[Value<'_>]) -> Option<String> {
        let text = |i: usize| match values.get(i) {
            Some(Value::Text(t)) => *t,
            _ => "",
        };
        match self {
            Styling::Status {
                delimitation,
                demarcation,
            } => {
                let (l, m) = (text(delimitation), text(demarcation));
                let known = DELIMITATION_COLOURS.iter().any(|(d, _)| *d == l)
                    && DEMARCATION_WIDTHS.iter().any(|(d, _)| *d == m);
                known.then(|| format!("#{}", status_style_id(l, m)))
            }
            Styling::Certainty(i) => {
                let c = text(i);
                CERTAINTY_STYLES
                    .iter()
                    .any(|(s, _, _)| *s == c)
                    .then(|| format!("#{}", certainty_style_id(c)))
            }
            Styling::Plain => None,
        }
    }
}

/// The id of the style of a line with `delimitation` and `demarcation`.
fn status_style_id(delimitation: &str, demarcation: &str) -> String {
    format!("{delimitation}-{demarcation}")
}

/// The id of the style of an incident with `certainty` (empty: no segment within reach).
fn certainty_style_id(certainty: &str) -> String {
    if certainty.is_empty() {
        "no_segment".to_string()
    } else {
        certainty.to_string()
    }
}
