//! Maps of the borders at a date, as SVG or PNG (cargo feature `map`).
//!
//! [`draw`] makes the picture: segments coloured by delimitation with a line pattern for
//! demarcation, places labelled, incidents (up to the map's date) as dots filled when their
//! match is certain and hollow when only possible, a legend with the date and the basis, a
//! geodesic scale bar and a north arrow. [`Map::to_png`] rasterises it with `resvg`, with the
//! DejaVu Sans font compiled into the crate, so the text never depends on the fonts installed.
//!
//! The display projection is a Lambert azimuthal equal-area projection centred on the map's
//! extent; nothing is measured in it (the scale bar's length is geodesic on WGS84).
//!
//! # Examples
//! ```
//! use bordertrack::map::{draw, MapRequest};
//! use bordertrack::{Basis, Borders, PartialDate};
//!
//! let borders = Borders::embedded()?;
//! let mut request = MapRequest::new("2002-01-01".parse::<PartialDate>()?);
//! request.dyad = Some("KAZ-UZB".parse()?);
//! request.basis = Basis::InForce;
//! let map = draw(&borders, &request, borders.dataset().incidents())?;
//! assert!(map.svg().contains("As of 2002-01-01"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod labels;
mod legend;
mod projection;
mod raster;
mod svg;

use geo::Point;

use crate::query::{Certainty, IncidentQuery};
use crate::{Basis, Borders, Dyad, Error, Incident, PartialDate, Result, StatusFilter};
use labels::Labels;
use legend::{delimitation_colour, demarcation_dasharray, LegendFacts};
use projection::Frame;
use svg::{escape, Svg};

/// The font every map's text is set in (DejaVu Sans, shipped in `assets/fonts/` with its
/// licence).
pub const FONT_FAMILY: &str = "DejaVu Sans";

/// The smallest and largest width or height of a map, pixels.
pub const SIZE_RANGE_PX: std::ops::RangeInclusive<u32> = 200..=8000;

/// What to draw.
#[derive(Debug, Clone)]
pub struct MapRequest {
    /// The date the statuses are shown at (a partial date is a span: a status that changed
    /// inside it is shown as ambiguous). Incidents dated up to its last day are drawn.
    pub date: PartialDate,
    /// Which date of an instrument a change counts from.
    pub basis: Basis,
    /// Only this dyad's segments (and the places and incidents around them); all when `None`.
    pub dyad: Option<Dyad>,
    /// Segments whose status does not match are drawn in light grey, and only incidents on
    /// matching stretches are drawn; everything when `None`.
    pub filter: Option<StatusFilter>,
    /// How far from a line an incident may lie to be drawn as on it, metres (its own location
    /// precision is added).
    pub incident_reach_m: f64,
    /// Width of the picture, pixels (within [`SIZE_RANGE_PX`]).
    pub width_px: u32,
    /// Height of the picture, pixels (within [`SIZE_RANGE_PX`]).
    pub height_px: u32,
}

impl MapRequest {
    /// A 1600 × 1000 pixel map of every border at `date`, in-force basis, incidents within
    /// 5 km.
    pub fn new(date: PartialDate) -> MapRequest {
        MapRequest {
            date,
            basis: Basis::InForce,
            dyad: None,
            filter: None,
            incident_reach_m: 5000.0,
            width_px: 1600,
            height_px: 1000,
        }
    }
}

/// A drawn map: SVG text, which [`Map::to_png`] rasterises.
#[derive(Debug, Clone)]
pub struct Map {
    svg: String,
    width_px: u32,
    height_px: u32,
}

impl Map {
    /// The SVG document.
    pub fn svg(&self) -> &str {
        &self.svg
    }

    /// The SVG document, owned.
    pub fn into_svg(self) -> String {
        self.svg
    }

    /// Width and height, pixels.
    pub fn size_px(&self) -> (u32, u32) {
        (self.width_px, self.height_px)
    }

    /// The map as a PNG file's bytes, rendered with the bundled font.
    ///
    /// # Errors
    /// [`Error::Request`] if the picture cannot be rendered or encoded.
    pub fn to_png(&self) -> Result<Vec<u8>> {
        raster::png(&self.svg, self.width_px, self.height_px)
    }
}

/// Draws the borders as `request` asks, with those of `incidents` that fall on a border
/// stretch (classified at their own dates) up to the map's date.
///
/// # Errors
/// [`Error::Request`] when the size is outside [`SIZE_RANGE_PX`], the reach is negative or
/// not finite, or no segment is selected.
pub fn draw(borders: &Borders, request: &MapRequest, incidents: &[Incident]) -> Result<Map> {
    let (w, h) = (request.width_px, request.height_px);
    if !SIZE_RANGE_PX.contains(&w) || !SIZE_RANGE_PX.contains(&h) {
        return Err(Error::Request(format!(
            "a map's width and height must be {} to {} pixels, not {w} × {h}",
            SIZE_RANGE_PX.start(),
            SIZE_RANGE_PX.end()
        )));
    }
    if !(request.incident_reach_m.is_finite() && request.incident_reach_m >= 0.0) {
        return Err(Error::Request(format!(
            "the distance of incidents from a line must be a non-negative number of metres, \
             not {}",
            request.incident_reach_m
        )));
    }
    let data = borders.dataset();
    let chosen: Vec<usize> = (0..data.segments().len())
        .filter(|&i| request.dyad.is_none_or(|d| data.segments()[i].dyad == d))
        .collect();
    let Some(bbox) = bounding_box(chosen.iter().map(|&i| &data.segments()[i].line)) else {
        return Err(Error::Request(match request.dyad {
            Some(d) => format!("no segments of dyad {d} to draw"),
            None => "no segments to draw".to_string(),
        }));
    };
    let at = request.date.span();
    let (wf, hf) = (f64::from(w), f64::from(h));
    let u = (wf.min(hf) / 900.0).clamp(0.4, 4.0);
    let legend_w = (wf * 0.24).clamp(230.0 * u, 320.0 * u).min(wf * 0.45);
    let title_h = 48.0 * u;
    let margin = 28.0 * u;
    let area = [
        margin,
        title_h + margin,
        wf - legend_w - 2.0 * margin,
        hf - title_h - 2.0 * margin - 30.0 * u,
    ];
    let points: Vec<Point<f64>> = chosen
        .iter()
        .flat_map(|&i| data.segments()[i].line.points())
        .collect();
    let frame = Frame::fit(bbox, &points, area);

    let mut svg = Svg::new(w, h, FONT_FAMILY);
    svg.line(format_args!(
        r##"<rect id="background" x="0" y="0" width="{w}" height="{h}" fill="#f4f3ee"/>"##
    ));
    let title = match request.dyad {
        Some(d) => format!("{d} border status, {}", request.date),
        None => format!("Border status, {}", request.date),
    };
    svg.line(format_args!(
        r##"<text id="title" x="{margin:.1}" y="{:.1}" font-size="{:.1}" font-weight="bold" fill="#1a1a1a">{}</text>"##,
        title_h * 0.8,
        24.0 * u,
        escape(&title)
    ));

    // Segments: a white casing, then the coloured line, dashed by demarcation; stretches not
    // delimited are drawn wider, so that short ones still show.
    let width_of = |del: &str| if del == "delimited" { 4.5 * u } else { 8.0 * u };
    let timelines = borders.timelines(request.basis);
    let mut drawn = Vec::with_capacity(chosen.len());
    for &i in &chosen {
        let seg = &data.segments()[i];
        let status = timelines.at(i, at);
        let selected = request.filter.as_ref().is_none_or(|f| status.may_match(f));
        let d = path_data(&frame, seg.line.points());
        drawn.push((i, d, status, selected));
    }
    svg.line(format_args!(
        r#"<g id="casings" fill="none" stroke-linejoin="round">"#
    ));
    for (_, d, status, _) in &drawn {
        svg.line(format_args!(
            r##"<path class="casing" d="{d}" stroke="#ffffff" stroke-width="{:.1}"/>"##,
            width_of(status.delimitation_word()) + 4.0 * u
        ));
    }
    svg.line(format_args!("</g>"));
    svg.line(format_args!(
        r#"<g id="segments" fill="none" stroke-linejoin="round">"#
    ));
    for (i, d, status, selected) in &drawn {
        let seg = &data.segments()[*i];
        let (del, dem) = (status.delimitation_word(), status.demarcation_word());
        let width = width_of(del);
        let colour = if *selected {
            delimitation_colour(del)
        } else {
            "#d0d0d0"
        };
        let dash = demarcation_dasharray(dem, width)
            .map(|a| format!(r#" stroke-dasharray="{a}""#))
            .unwrap_or_default();
        svg.line(format_args!(
            r#"<path class="segment" id="{}" data-delimitation="{del}" data-demarcation="{dem}" d="{d}" stroke="{colour}" stroke-width="{width:.1}"{dash}><title>{} ({}): {del}, {dem}</title></path>"#,
            escape(&seg.id),
            escape(&seg.name),
            escape(&seg.id)
        ));
    }
    svg.line(format_args!("</g>"));
    country_labels(&mut svg, &frame, borders, &chosen, u);

    // Places in or near the extent.
    let pad_lon = (bbox[2] - bbox[0]) * 0.05 + 0.05;
    let pad_lat = (bbox[3] - bbox[1]) * 0.05 + 0.05;
    let mut labels = Labels::new([0.0, title_h, wf - legend_w - 4.0 * u, hf - 40.0 * u]);
    let mut place_labels = Vec::new();
    svg.line(format_args!(r#"<g id="places">"#));
    for place in data.places() {
        let p = place.point;
        let inside = p.x() >= bbox[0] - pad_lon
            && p.x() <= bbox[2] + pad_lon
            && p.y() >= bbox[1] - pad_lat
            && p.y() <= bbox[3] + pad_lat;
        if !inside {
            continue;
        }
        let (x, y) = frame.pixel(p);
        legend::place_dot(&mut svg, x, y, u);
        labels.block(x, y, 4.0 * u);
        place_labels.push((x, y, place.name.as_str()));
    }
    svg.line(format_args!("</g>"));

    // Incidents on a stretch, classified at their own dates, up to the map's date.
    let query = IncidentQuery {
        filter: request.filter.clone().unwrap_or_default(),
        dyad: request.dyad,
        ..IncidentQuery::within(request.incident_reach_m)
    };
    let (mut certain, mut possible) = (0, 0);
    svg.line(format_args!(r#"<g id="incidents">"#));
    for incident in incidents.iter().filter(|i| i.date.first <= at.last) {
        let Ok(Some(m)) = borders.classify(incident, &query, request.basis) else {
            continue;
        };
        let is_certain = m.certainty == Certainty::Certain;
        if is_certain {
            certain += 1;
        } else {
            possible += 1;
        }
        let (x, y) = frame.pixel(incident.point);
        legend::incident_dot(&mut svg, x, y, u, is_certain);
        labels.block(x, y, 6.0 * u);
    }
    svg.line(format_args!("</g>"));

    // Labels: first the names of stretches not delimited, then the places.
    svg.line(format_args!(r#"<g id="labels">"#));
    for (i, _, status, _) in &drawn {
        if status.delimitation_word() == "delimited" {
            continue;
        }
        let seg = &data.segments()[*i];
        let pts = &seg.line.0;
        let Some(mid) = pts.get(pts.len() / 2) else {
            continue;
        };
        let (x, y) = frame.pixel(Point::from(*mid));
        let colour = delimitation_colour(status.delimitation_word());
        // A stretch too short to see at this scale gets a ring in its colour.
        let (bx0, by0) = frame.pixel(Point::from(pts[0]));
        let (bx1, by1) = frame.pixel(Point::from(pts[pts.len() - 1]));
        if (bx1 - bx0).hypot(by1 - by0) < 24.0 * u {
            svg.line(format_args!(
                r#"<circle class="highlight" cx="{x:.1}" cy="{y:.1}" r="{:.1}" fill="none" stroke="{colour}" stroke-width="{:.1}"/>"#,
                14.0 * u,
                2.5 * u
            ));
        }
        labels.block(x, y, 14.0 * u);
        if let Some(at) = labels.place(&seg.name, 13.0 * u, x, y, 16.0 * u) {
            text_label(
                &mut svg,
                "segment-label",
                &at,
                13.0 * u,
                "bold",
                colour,
                &seg.name,
                u,
            );
        }
    }
    for (x, y, name) in place_labels {
        if let Some(at) = labels.place(name, 13.0 * u, x, y, 7.0 * u) {
            text_label(
                &mut svg,
                "place",
                &at,
                13.0 * u,
                "normal",
                "#1a1a1a",
                name,
                u,
            );
        }
    }
    svg.line(format_args!("</g>"));

    svg::north_arrow(
        &mut svg,
        area[0] + area[2] - 10.0 * u,
        area[1] + 30.0 * u,
        u,
    );
    let bar = projection::scale_bar(&frame, area[2] * 0.25);
    svg::scale_bar(&mut svg, bar, area[0] + 8.0 * u, hf - margin - 6.0 * u, u);
    let basis = match request.basis {
        Basis::InForce => "in force (else signature)",
        Basis::Signed => "signature",
    };
    let date = request.date.to_string();
    let facts = LegendFacts {
        date: &date,
        basis,
        certain,
        possible,
        filtered: request.filter.is_some(),
    };
    legend::draw(&mut svg, [wf - legend_w, 0.0, legend_w, hf], u, &facts);
    Ok(Map {
        svg: svg.finish(),
        width_px: w,
        height_px: h,
    })
}

/// A text label with a white halo, placed at `at`.
#[allow(clippy::too_many_arguments)]
fn text_label(
    svg: &mut Svg,
    class: &str,
    at: &labels::Placed,
    size: f64,
    weight: &str,
    colour: &str,
    text: &str,
    u: f64,
) {
    svg.line(format_args!(
        r##"<text class="{class}" x="{:.1}" y="{:.1}" font-size="{size:.1}" font-weight="{weight}" text-anchor="{}" fill="{colour}" stroke="#ffffff" stroke-width="{:.1}" stroke-linejoin="round" paint-order="stroke">{}</text>"##,
        at.x,
        at.y,
        at.anchor,
        3.0 * u,
        escape(text)
    ));
}

/// `[min_lon, min_lat, max_lon, max_lat]` of the lines; `None` when there is no point.
fn bounding_box<'a>(lines: impl Iterator<Item = &'a geo::LineString<f64>>) -> Option<[f64; 4]> {
    let mut b: Option<[f64; 4]> = None;
    for c in lines.flat_map(|l| l.coords()) {
        let r = b.get_or_insert([c.x, c.y, c.x, c.y]);
        *r = [r[0].min(c.x), r[1].min(c.y), r[2].max(c.x), r[3].max(c.y)];
    }
    b
}

/// SVG path data of a line through `points`.
fn path_data(frame: &Frame, points: impl Iterator<Item = Point<f64>>) -> String {
    let mut d = String::new();
    for (k, p) in points.enumerate() {
        let (x, y) = frame.pixel(p);
        d.push_str(&format!("{}{x:.1} {y:.1}", if k == 0 { "M" } else { "L" }));
    }
    d
}

/// The two countries' codes on either side of the middle of the longest drawn segment of
/// each dyad.
fn country_labels(svg: &mut Svg, frame: &Frame, borders: &Borders, chosen: &[usize], u: f64) {
    let segments = borders.dataset().segments();
    let mut longest: Vec<(Dyad, usize, f64)> = Vec::new();
    for &i in chosen {
        let len = segments[i].length_m();
        match longest.iter_mut().find(|(d, _, _)| *d == segments[i].dyad) {
            Some(e) if e.2 < len => *e = (e.0, i, len),
            Some(_) => {}
            None => longest.push((segments[i].dyad, i, len)),
        }
    }
    svg.line(format_args!(r#"<g id="countries">"#));
    for (_, i, _) in longest {
        let seg = &segments[i];
        let pts = &seg.line.0;
        let k = pts.len() / 2;
        let (Some(a), Some(b)) = (pts.get(k.saturating_sub(1)), pts.get(k.max(1))) else {
            continue;
        };
        let (ax, ay) = frame.pixel(Point::from(*a));
        let (bx, by) = frame.pixel(Point::from(*b));
        let (dx, dy) = (bx - ax, by - ay);
        let n = dx.hypot(dy).max(1e-9);
        // Left of the direction of travel, on a north-up picture whose y grows downwards.
        let (lx, ly) = (dy / n, -dx / n);
        let off = 60.0 * u;
        let (mx, my) = ((ax + bx) / 2.0, (ay + by) / 2.0);
        for (code, sign) in [(seg.left.as_str(), 1.0), (seg.right.as_str(), -1.0)] {
            svg.line(format_args!(
                r##"<text class="country" x="{:.1}" y="{:.1}" font-size="{:.1}" font-weight="bold" fill="#7a7a7a" fill-opacity="0.8" text-anchor="middle" letter-spacing="{:.1}">{}</text>"##,
                mx + sign * lx * off,
                my + sign * ly * off + 7.0 * u,
                20.0 * u,
                2.0 * u,
                escape(code)
            ));
        }
    }
    svg.line(format_args!("</g>"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kaz_uzb(date: &str) -> Result<String> {
        let borders = Borders::embedded()?;
        let date = date
            .parse::<PartialDate>()
            .map_err(|e| Error::Request(e.to_string()))?;
        let mut request = MapRequest::new(date);
        request.dyad = "KAZ-UZB".parse().ok();
        Ok(draw(&borders, &request, borders.dataset().incidents())?.into_svg())
    }

    fn attribute_values<'a>(svg: &'a str, name: &str) -> Vec<&'a str> {
        let key = format!("{name}=\"");
        svg.lines()
            .filter(|l| l.contains("class=\"segment\""))
            .filter_map(|l| l.split(&key).nth(1)?.split('"').next())
            .collect()
    }

    #[test]
    fn kaz_uzb_2002_shows_open_sections_and_no_demarcation_2024_all_done() -> Result<()> {
        let early = kaz_uzb("2002-01-01")?;
        let dels = attribute_values(&early, "data-delimitation");
        let dems = attribute_values(&early, "data-demarcation");
        assert!(!dels.is_empty());
        assert!(
            dels.iter().any(|d| *d == "disputed" || *d == "undelimited"),
            "{dels:?}"
        );
        assert!(!dems.contains(&"demarcated"), "{dems:?}");

        let late = kaz_uzb("2024-01-01")?;
        let dels = attribute_values(&late, "data-delimitation");
        let dems = attribute_values(&late, "data-demarcation");
        assert!(dels.iter().all(|d| *d == "delimited"), "{dels:?}");
        assert!(dems.iter().all(|d| *d == "demarcated"), "{dems:?}");
        Ok(())
    }

    #[test]
    fn png_renders_at_the_size_asked_for() -> Result<()> {
        let borders = Borders::embedded()?;
        let date = PartialDate::Year(2010);
        let mut request = MapRequest::new(date);
        (request.width_px, request.height_px) = (640, 400);
        let png = draw(&borders, &request, &[])?.to_png()?;
        assert!(png.starts_with(b"\x89PNG"));
        // The IHDR chunk: width and height, big-endian, at bytes 16..24.
        assert_eq!(png.get(16..24), Some(&[0, 0, 2, 128, 0, 0, 1, 144][..]));
        Ok(())
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
