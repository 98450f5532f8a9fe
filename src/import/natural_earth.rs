//! Natural Earth's admin-0 boundary lines (`ne_10m_admin_0_boundary_lines_land` and its 50m
//! sibling) turned into a dataset.
//!
//! Each feature has the codes of the countries on its left and right (`ADM0_A3_L`,
//! `ADM0_A3_R`, in either letter case), a class (`FEATURECLA`) and, since version 5.1, the
//! class as each of some thirty countries' official maps show it (`FCLASS_US`, `FCLASS_CN`,
//! `FCLASS_IN`, ...: Natural Earth's "points of view"). The class becomes the delimitation
//! status ([`delimitation_of_class`]); a country's class that differs from `FEATURECLA`
//! becomes that country's claim.

use serde_json::Value;

use super::dataset_dir::{Imported, SourceRow};
use super::lines::{self, BoundaryLine, FeatureProblems, LineImport};
use crate::Error;

/// Where Natural Earth publishes its admin-0 boundary lines.
pub const NATURAL_EARTH_URL: &str =
    "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/10m-admin-0-boundary-lines/";

/// The delimitation status a Natural Earth line class stands for, and why.
///
/// | class | status |
/// |---|---|
/// | `Disputed (please verify)`, `Claim boundary`, `Breakaway`, `Unrecognized` | `disputed` |
/// | `Line of control (please verify)` | `disputed`: a line of control is where a ceasefire left the parties' forces, not a boundary either accepts; the note says it is a line of control |
/// | `Indefinite (please verify)`, `Indeterminant frontier`, `Elusive frontier` | `undelimited`: no agreed line is drawn |
/// | `International boundary (verify)` and any other class | `unknown`: Natural Earth shows where the line runs, not whether a treaty delimits it |
pub fn delimitation_of_class(class: &str) -> &'static str {
    let c = class.to_ascii_lowercase();
    if c.starts_with("disputed")
        || c.starts_with("claim")
        || c.starts_with("breakaway")
        || c.starts_with("unrecognized")
        || c.starts_with("line of control")
    {
        "disputed"
    } else if c.starts_with("indefinite")
        || c.starts_with("indeterminant")
        || c.starts_with("indeterminate")
        || c.starts_with("elusive")
    {
        "undelimited"
    } else {
        "unknown"
    }
}

/// The country whose official view each `FCLASS_xx` column gives, as Natural Earth names
/// them (its own two-letter keys: `KO` is South Korea). `ISO`, `OSM` and `TLC` are views of
/// no country and are not read.
const VIEWS: [(&str, &str); 31] = [
    ("AR", "ARG"),
    ("BD", "BGD"),
    ("BR", "BRA"),
    ("CN", "CHN"),
    ("DE", "DEU"),
    ("EG", "EGY"),
    ("ES", "ESP"),
    ("FR", "FRA"),
    ("GB", "GBR"),
    ("GR", "GRC"),
    ("ID", "IDN"),
    ("IL", "ISR"),
    ("IN", "IND"),
    ("IT", "ITA"),
    ("JP", "JPN"),
    ("KO", "KOR"),
    ("MA", "MAR"),
    ("NL", "NLD"),
    ("NP", "NPL"),
    ("PK", "PAK"),
    ("PL", "POL"),
    ("PS", "PSE"),
    ("PT", "PRT"),
    ("RU", "RUS"),
    ("SA", "SAU"),
    ("SE", "SWE"),
    ("TR", "TUR"),
    ("TW", "TWN"),
    ("UA", "UKR"),
    ("US", "USA"),
    ("VN", "VNM"),
];

/// Views that are no country's.
const NOT_A_COUNTRY: [&str; 3] = ["ISO", "OSM", "TLC"];

/// How [`import_natural_earth`] works.
#[derive(Clone, Debug)]
pub struct NaturalEarthImport {
    /// The Natural Earth version read (e.g. `5.1.1`), written in the source's title; empty
    /// when unknown.
    pub version: String,
    /// The date the file describes (its release date): statuses hold from then on.
    pub as_of: String,
    /// Positional precision of the lines (m).
    pub precision_m: f64,
    /// Leave out features whose left or right code is not an ISO 3166-1 alpha-3 code
    /// (Natural Earth has its own codes for some places, such as `SDS`, `KOS`, `SOL`)
    /// instead of refusing the file.
    pub leave_out_uncoded: bool,
}

/// The Natural Earth source row for a version and release date.
pub fn natural_earth_source(version: &str, date: &str) -> SourceRow {
    let version = lines::version_suffix(version);
    SourceRow {
        id: "natural-earth".into(),
        title: format!(
            "Natural Earth 1:10m Cultural Vectors: Admin 0 – Boundary Lines (ne_10m_admin_0_boundary_lines_land){version}"
        ),
        publisher: "Natural Earth".into(),
        date: date.into(),
        url: NATURAL_EARTH_URL.into(),
    }
}

/// Turns a Natural Earth admin-0 boundary lines GeoJSON (`text`, named `file` in problems)
/// into a dataset.
///
/// # Errors
/// [`Error::Invalid`] listing every problem: not a FeatureCollection, a feature without a
/// class, a left or right code that is not ISO 3166-1 alpha-3 (unless left out by the
/// options), a geometry that is not a LineString or MultiLineString.
pub fn import_natural_earth(
    text: &str,
    file: &str,
    options: &NaturalEarthImport,
) -> Result<Imported, Error> {
    let source = natural_earth_source(&options.version, &options.as_of);
    let line_import = LineImport::citing(source, &options.as_of, options.precision_m);
    lines::import_lines(
        text,
        file,
        &line_import,
        |index, (props, geometry), found| {
            let class = lines::property(props, "FEATURECLA");
            let left = lines::property(props, "ADM0_A3_L");
            let right = lines::property(props, "ADM0_A3_R");
            let parts = lines::line_parts(geometry);
            let Some(class) = class else {
                found.refuse("no FEATURECLA (the line's class)");
                return None;
            };
            let (Some(left), Some(right)) = (left, right) else {
                found.refuse("no ADM0_A3_L or ADM0_A3_R (the countries on either side)");
                return None;
            };
            let codes = (lines::alpha3(&left), lines::alpha3(&right));
            let (Some(l), Some(r)) = codes else {
                let m = format!(
                    "{left}/{right}: not both ISO 3166-1 alpha-3 codes (Natural Earth's own code?)"
                );
                if options.leave_out_uncoded {
                    found.leave_out(format!("{m}: left out"));
                } else {
                    found.refuse(m);
                }
                return None;
            };
            if l == r {
                found.leave_out(format!(
                    "{class} inside {l} (the same country on both sides): left out"
                ));
                return None;
            }
            let parts = match parts {
                Ok(p) => p,
                Err(m) => {
                    found.refuse(m);
                    return None;
                }
            };
            let delimitation = delimitation_of_class(&class);
            let views = views_of(props, &class, found);
            Some(BoundaryLine {
                index,
                left: l,
                right: r,
                parts,
                delimitation: delimitation.into(),
                name: lines::property(props, "NAME").unwrap_or_default(),
                note: format!("Natural Earth FEATURECLA: {class}"),
                views,
                ..BoundaryLine::default()
            })
        },
    )
}

/// The countries' views of one line that differ from its class: (party, status, note).
fn views_of(
    props: &serde_json::Map<String, Value>,
    class: &str,
    found: &mut FeatureProblems<'_>,
) -> Vec<(String, String, String)> {
    let mut views = Vec::new();
    for key in props.keys() {
        let Some(suffix) = key
            .get(..7)
            .filter(|p| p.eq_ignore_ascii_case("fclass_"))
            .and_then(|_| key.get(7..))
        else {
            continue;
        };
        let Some(value) = lines::property(props, key) else {
            continue;
        };
        if value == class {
            continue;
        }
        let suffix = suffix.to_ascii_uppercase();
        if NOT_A_COUNTRY.contains(&suffix.as_str()) {
            continue;
        }
        match VIEWS.iter().find(|(k, _)| *k == suffix) {
            Some((_, party)) => views.push((
                party.to_string(),
                delimitation_of_class(&value).to_string(),
                format!("Natural Earth {key}: {value}"),
            )),
            None => found.leave_out(format!(
                "{key}: a point of view this version does not know: left out"
            )),
        }
    }
    views.sort();
    views
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> NaturalEarthImport {
        NaturalEarthImport {
            version: "5.1.1".into(),
            as_of: "2022-05-12".into(),
            precision_m: 500.0,
            leave_out_uncoded: false,
        }
    }

    #[test]
    fn classes_map_to_statuses() {
        assert_eq!(
            delimitation_of_class("Disputed (please verify)"),
            "disputed"
        );
        assert_eq!(
            delimitation_of_class("Line of control (please verify)"),
            "disputed"
        );
        assert_eq!(
            delimitation_of_class("Indefinite (please verify)"),
            "undelimited"
        );
        assert_eq!(
            delimitation_of_class("International boundary (verify)"),
            "unknown"
        );
        assert_eq!(delimitation_of_class("Lease limit"), "unknown");
    }

    // A synthetic feature (made-up coordinates, real codes) to exercise the views; the real
    // excerpt is tests/fixtures/import/natural-earth-excerpt.geojson.
    #[test]
    fn synthetic_views_differing_from_the_class_become_claims() {
        let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
          "properties":{"featurecla":"Line of control (please verify)","adm0_a3_l":"PAK",
            "adm0_a3_r":"IND","fclass_in":"Unrecognized","fclass_pk":"Line of control (please verify)",
            "fclass_us":"Disputed (please verify)","fclass_iso":"Unrecognized","fclass_zz":"Unrecognized"},
          "geometry":{"type":"LineString","coordinates":[[0,0],[0,1]]}}]}"#;
        let out = import_natural_earth(text, "ne.geojson", &options()).unwrap();
        let d = &out.dataset;
        assert_eq!(d.segments[0].id, "IND-PAK-01");
        assert_eq!(d.status[0].delimitation, "disputed");
        assert!(d.status[0].note.contains("Line of control"));
        let parties: Vec<&str> = d.claims.iter().map(|c| c.party.as_str()).collect();
        // PAK agrees with the class; ISO is no country; ZZ is unknown
        assert_eq!(parties, ["IND", "USA"]);
        assert_eq!(out.left_out.len(), 1, "{:?}", out.left_out);
        assert!(out.left_out[0].message.contains("fclass_zz"));
    }

    #[test]
    fn codes_that_are_not_iso_are_refused_or_left_out() {
        let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
          "properties":{"FEATURECLA":"International boundary (verify)","ADM0_A3_L":"SDS",
            "ADM0_A3_R":"SDN"},
          "geometry":{"type":"LineString","coordinates":[[0,0],[0,1]]}}]}"#;
        let Err(Error::Invalid(p)) = import_natural_earth(text, "ne.geojson", &options()) else {
            panic!("accepted")
        };
        assert!(p[0].message.contains("SDS/SDN"), "{p:?}");
        let mut o = options();
        o.leave_out_uncoded = true;
        let out = import_natural_earth(text, "ne.geojson", &o).unwrap();
        assert!(out.dataset.segments.is_empty());
        assert_eq!(out.left_out.len(), 1);
    }
}
