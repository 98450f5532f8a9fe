//! A minimal SVG text builder, and the map furniture drawn with it (scale bar, north arrow).

use std::fmt::Write as _;

use super::projection::ScaleBar;

/// SVG text under construction, one element per line.
pub(crate) struct Svg {
    text: String,
}

impl Svg {
    /// The opening `<svg>` element of a `width` × `height` pixel picture whose text is set in
    /// `font_family`.
    pub(crate) fn new(width: u32, height: u32, font_family: &str) -> Svg {
        let mut text = String::with_capacity(64 * 1024);
        let _ = writeln!(
            text,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="{}">"#,
            escape(font_family)
        );
        Svg { text }
    }

    /// Appends one line.
    pub(crate) fn line(&mut self, args: std::fmt::Arguments<'_>) {
        let _ = self.text.write_fmt(args);
        self.text.push('\n');
    }

    /// The finished document.
    pub(crate) fn finish(mut self) -> String {
        self.text.push_str("</svg>\n");
        self.text
    }
}

/// `s` with the XML special characters escaped, for text and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The scale bar with its left end at (`x`, `y`): two alternating halves and its length.
pub(crate) fn scale_bar(svg: &mut Svg, bar: ScaleBar, x: f64, y: f64, u: f64) {
    let h = 6.0 * u;
    let half = bar.length_px / 2.0;
    let km = if bar.length_km >= 1.0 {
        format!("{} km", bar.length_km)
    } else {
        format!("{} m", (bar.length_km * 1000.0).round())
    };
    svg.line(format_args!(
        r##"<g id="scale-bar"><rect x="{x:.1}" y="{y:.1}" width="{half:.1}" height="{h:.1}" fill="#1a1a1a"/><rect x="{:.1}" y="{y:.1}" width="{half:.1}" height="{h:.1}" fill="#ffffff"/><rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{h:.1}" fill="none" stroke="#1a1a1a" stroke-width="{:.1}"/>"##,
        x + half,
        bar.length_px,
        u
    ));
    let ty = y - 5.0 * u;
    let size = 12.0 * u;
    svg.line(format_args!(
        r##"<text x="{x:.1}" y="{ty:.1}" font-size="{size:.1}" fill="#1a1a1a" text-anchor="middle" stroke="#ffffff" stroke-width="{:.1}" paint-order="stroke">0</text><text x="{:.1}" y="{ty:.1}" font-size="{size:.1}" fill="#1a1a1a" text-anchor="middle" stroke="#ffffff" stroke-width="{:.1}" paint-order="stroke">{km}</text></g>"##,
        3.0 * u,
        x + bar.length_px,
        3.0 * u
    ));
}

/// A north arrow centred on (`x`, `y`). North is straight up at the centre of an azimuthal
/// projection centred on the map.
pub(crate) fn north_arrow(svg: &mut Svg, x: f64, y: f64, u: f64) {
    let s = 16.0 * u;
    svg.line(format_args!(
        r##"<g id="north-arrow"><path d="M{x:.1} {:.1}L{:.1} {:.1}L{x:.1} {:.1}Z" fill="#1a1a1a"/><path d="M{x:.1} {:.1}L{:.1} {:.1}L{x:.1} {:.1}Z" fill="#ffffff" stroke="#1a1a1a" stroke-width="{:.1}"/><text x="{x:.1}" y="{:.1}" font-size="{:.1}" font-weight="bold" text-anchor="middle" fill="#1a1a1a">N</text></g>"##,
        y - s,
        x - s * 0.5,
        y + s * 0.6,
        y + s * 0.25,
        y - s,
        x + s * 0.5,
        y + s * 0.6,
        y + s * 0.25,
        u,
        y - s - 4.0 * u,
        15.0 * u
    ));
}
