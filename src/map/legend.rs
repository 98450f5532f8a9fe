//! How statuses look on a map (colour for delimitation, line pattern for demarcation,
//! filled or hollow dots for the certainty of incidents), and the legend that explains it.

use std::fmt::Write as _;

use super::svg::{escape, Svg};

/// The delimitation words and their colours, in legend order.
pub(crate) const DELIMITATION_COLOURS: &[(&str, &str)] = &[
    ("delimited", "#1a9641"),
    ("disputed", "#d7191c"),
    ("undelimited", "#f28e2b"),
    ("unknown", "#8c8c8c"),
    ("ambiguous", "#7b3294"),
];

/// The demarcation words and their dash patterns (in units of the line width; empty = solid),
/// in legend order.
pub(crate) const DEMARCATION_DASHES: &[(&str, &[f64])] = &[
    ("demarcated", &[]),
    ("in_progress", &[4.0, 1.6]),
    ("none", &[1.0, 1.4]),
    ("unknown", &[0.3, 1.5]),
    ("ambiguous", &[4.0, 1.2, 0.6, 1.2]),
];

/// The colour of a delimitation word (grey for a word not in the table).
pub(crate) fn delimitation_colour(word: &str) -> &'static str {
    DELIMITATION_COLOURS
        .iter()
        .find(|(w, _)| *w == word)
        .map_or("#8c8c8c", |(_, c)| c)
}

/// The `stroke-dasharray` of a demarcation word for a line `width` pixels wide; `None` when
/// solid.
pub(crate) fn demarcation_dasharray(word: &str, width: f64) -> Option<String> {
    let dashes = DEMARCATION_DASHES
        .iter()
        .find(|(w, _)| *w == word)
        .map_or(&[1.0, 1.0][..], |(_, d)| d);
    if dashes.is_empty() {
        return None;
    }
    let parts: Vec<String> = dashes.iter().map(|d| format!("{:.1}", d * width)).collect();
    Some(parts.join(" "))
}

/// A word as a legend label: `in_progress` → `in progress`.
fn label(word: &str) -> String {
    word.replace('_', " ")
}

/// What the legend says beyond the fixed keys.
pub(crate) struct LegendFacts<'a> {
    /// The map's date as written.
    pub(crate) date: &'a str,
    /// `in force` or `signed`.
    pub(crate) basis: &'a str,
    /// Incidents drawn, certain and possible.
    pub(crate) certain: usize,
    pub(crate) possible: usize,
    /// Whether some segments are drawn in grey as outside the selection.
    pub(crate) filtered: bool,
}

/// Draws the legend into the panel `[x, y, width, height]`; `u` is the size unit (pixels).
pub(crate) fn draw(svg: &mut Svg, panel: [f64; 4], u: f64, facts: &LegendFacts<'_>) {
    let [x0, y0, w, h] = panel;
    svg.line(format_args!(
        r##"<g id="legend"><rect x="{x0:.1}" y="{y0:.1}" width="{w:.1}" height="{h:.1}" fill="#ffffff" stroke="#c8c8c8" stroke-width="{:.1}"/>"##,
        u
    ));
    let x = x0 + 14.0 * u;
    let mut y = y0 + 30.0 * u;
    let line_step = 22.0 * u;
    let text = |svg: &mut Svg, x: f64, y: f64, size: f64, weight: &str, t: &str| {
        svg.line(format_args!(
            r##"<text x="{x:.1}" y="{y:.1}" font-size="{size:.1}" font-weight="{weight}" fill="#1a1a1a">{}</text>"##,
            escape(t)
        ));
    };
    text(
        svg,
        x,
        y,
        18.0 * u,
        "bold",
        &format!("As of {}", facts.date),
    );
    y += line_step;
    text(
        svg,
        x,
        y,
        13.0 * u,
        "normal",
        &format!("basis: {}", facts.basis),
    );
    y += line_step * 1.5;

    let swatch = 34.0 * u;
    let width = 5.0 * u;
    // The words beside a key's swatch.
    let key_text = |svg: &mut Svg, y: f64, words: &str| {
        text(svg, x + swatch + 10.0 * u, y, 13.0 * u, "normal", words);
    };
    text(svg, x, y, 14.0 * u, "bold", "Delimitation (colour)");
    y += line_step;
    for (word, colour) in DELIMITATION_COLOURS {
        svg.line(format_args!(
            r#"<path class="legend-key" d="M{x:.1} {:.1}h{swatch:.1}" stroke="{colour}" stroke-width="{width:.1}" stroke-linecap="round"/>"#,
            y - 4.0 * u
        ));
        key_text(svg, y, &label(word));
        y += line_step;
    }
    y += line_step * 0.5;
    text(svg, x, y, 14.0 * u, "bold", "Demarcation (line)");
    y += line_step;
    for (word, _) in DEMARCATION_DASHES {
        let mut attrs = String::new();
        if let Some(d) = demarcation_dasharray(word, width) {
            let _ = write!(attrs, r#" stroke-dasharray="{d}""#);
        }
        svg.line(format_args!(
            r##"<path class="legend-key" d="M{x:.1} {:.1}h{swatch:.1}" stroke="#333333" stroke-width="{width:.1}"{attrs}/>"##,
            y - 4.0 * u
        ));
        key_text(svg, y, &label(word));
        y += line_step;
    }
    y += line_step * 0.5;
    text(svg, x, y, 14.0 * u, "bold", "Incidents (up to the date)");
    y += line_step;
    let cx = x + swatch / 2.0;
    incident_dot(svg, cx, y - 4.0 * u, u, true);
    key_text(svg, y, &format!("certain ({})", facts.certain));
    y += line_step;
    incident_dot(svg, cx, y - 4.0 * u, u, false);
    key_text(svg, y, &format!("possible ({})", facts.possible));
    y += line_step;
    place_dot(svg, cx, y - 4.0 * u, u);
    key_text(svg, y, "place");
    y += line_step;
    if facts.filtered {
        svg.line(format_args!(
            r##"<path class="legend-key" d="M{x:.1} {:.1}h{swatch:.1}" stroke="#d0d0d0" stroke-width="{width:.1}"/>"##,
            y - 4.0 * u
        ));
        key_text(svg, y, "not selected");
    }
    let foot = y0 + h - 12.0 * u;
    text(
        svg,
        x,
        foot - 16.0 * u,
        10.5 * u,
        "normal",
        "Lambert azimuthal equal-area;",
    );
    text(svg, x, foot, 10.5 * u, "normal", "scale geodesic (WGS84)");
    svg.line(format_args!("</g>"));
}

/// An incident dot at (`cx`, `cy`): filled when certain, a ring when possible.
pub(crate) fn incident_dot(svg: &mut Svg, cx: f64, cy: f64, u: f64, certain: bool) {
    let r = 5.5 * u;
    if certain {
        svg.line(format_args!(
            r##"<circle class="incident certain" cx="{cx:.1}" cy="{cy:.1}" r="{r:.1}" fill="#111111" stroke="#ffffff" stroke-width="{:.1}"/>"##,
            1.5 * u
        ));
    } else {
        svg.line(format_args!(
            r##"<circle class="incident possible" cx="{cx:.1}" cy="{cy:.1}" r="{r:.1}" fill="#ffffff" fill-opacity="0.85" stroke="#111111" stroke-width="{:.1}"/>"##,
            2.2 * u
        ));
    }
}

/// A place marker at (`cx`, `cy`).
pub(crate) fn place_dot(svg: &mut Svg, cx: f64, cy: f64, u: f64) {
    svg.line(format_args!(
        r##"<rect class="place-marker" x="{:.1}" y="{:.1}" width="{s:.1}" height="{s:.1}" fill="#ffffff" stroke="#333333" stroke-width="{:.1}"/>"##,
        cx - 3.5 * u,
        cy - 3.5 * u,
        1.4 * u,
        s = 7.0 * u
    ));
}
