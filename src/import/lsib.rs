//! The US State Department's Large Scale International Boundaries (LSIB) lines turned into a
//! dataset.
//!
//! An LSIB line has the codes of the countries on either side (`CC1`, `CC2`), their names
//! (`COUNTRY1`, `COUNTRY2`), a rank and status that go together (`RANK`, `STATUS`), a label
//! (`LABEL`) and notes (`NOTES`) (the attribute list of the LSIB description on
//! <https://catalog.data.gov/dataset/large-scale-international-boundaries>). Its country codes
//! are two-letter codes: FIPS 10-4 in the older editions (Earth Engine's description of LSIB
//! 2013, `catalog/USDOS/USDOS_LSIB_2013.jsonnet` in <https://github.com/google/earthengine-catalog>), GENC
//! (which follows ISO 3166-1 alpha-2 for most countries) in the newer ones; they are mapped to
//! ISO 3166-1 alpha-3 by [`LsibCodes`], and a code that cannot be mapped is refused, never
//! guessed. The status words become statuses by [`delimitation_of_lsib`].

use std::collections::BTreeMap;

use super::dataset_dir::{Imported, SourceRow};
use super::iso3166;
use super::lines::{self, BoundaryLine, LineImport};
use crate::Error;

/// Where the State Department describes and publishes the LSIB.
pub const LSIB_URL: &str = "https://catalog.data.gov/dataset/large-scale-international-boundaries";

/// FIPS 10-4 codes of Central Asia and its neighbours with their ISO 3166-1 alpha-3 codes, as
/// the CIA World Factbook's cross-reference list of country data codes gives them
/// (<https://www.cia.gov/the-world-factbook/references/country-data-codes/>). Any other FIPS
/// code needs [`LsibImport::code_map`].
const FIPS: [(&str, &str); 12] = [
    ("AF", "AFG"),
    ("CH", "CHN"),
    ("IN", "IND"),
    ("IR", "IRN"),
    ("KG", "KGZ"),
    ("KZ", "KAZ"),
    ("MG", "MNG"),
    ("PK", "PAK"),
    ("RS", "RUS"),
    ("TI", "TJK"),
    ("TX", "TKM"),
    ("UZ", "UZB"),
];

/// Which two-letter codes an LSIB file uses (FIPS and ISO differ: `CH` is China in FIPS,
/// Switzerland in ISO).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LsibCodes {
    /// FIPS 10-4 (LSIB editions up to 2013): the built-in table of the region, then the
    /// options' code map.
    Fips,
    /// GENC / ISO 3166-1 alpha-2 (newer editions): the ISO table (Debian `iso-codes`), then
    /// the options' code map.
    Alpha2,
}

/// How [`import_lsib`] works.
#[derive(Clone, Debug)]
pub struct LsibImport {
    /// The code system of `CC1` and `CC2`.
    pub codes: LsibCodes,
    /// Further codes: input code → ISO 3166-1 alpha-3, tried before the built-in tables.
    pub code_map: BTreeMap<String, String>,
    /// The LSIB edition read (e.g. `11.4`), written in the source's title; empty when unknown.
    pub version: String,
    /// The date the file describes (its publication date): statuses hold from then on.
    pub as_of: String,
    /// Positional precision of the lines (m); the LSIB description says most lines are
    /// within 100 m of their true position.
    pub precision_m: f64,
}

/// The delimitation status an LSIB line's words stand for, and whether the words were
/// recognised. `STATUS` goes with `RANK`: an "International Boundary" is where the US
/// government recognises a boundary (which says nothing of a treaty: `unknown`); an "Other
/// Line of International Separation" is a line that is not such a boundary (lines of control,
/// armistice and disputed lines: `disputed`). A label or note saying `indefinite` or
/// `undefined` gives `undelimited`; one saying `disputed`, `dispute` or `line of control` gives
/// `disputed`. Any other words give `unknown`, and are reported.
pub fn delimitation_of_lsib(status: &str, label: &str, notes: &str) -> (&'static str, bool) {
    let words = format!("{label} {notes}").to_ascii_lowercase();
    if words.contains("indefinite") || words.contains("undefined") {
        return ("undelimited", true);
    }
    if words.contains("disput") || words.contains("line of control") {
        return ("disputed", true);
    }
    let s = status.to_ascii_lowercase();
    if s.contains("other line of international separation") {
        ("disputed", true)
    } else if s.contains("international boundary") {
        ("unknown", true)
    } else {
        ("unknown", false)
    }
}

/// The LSIB source row for an edition and publication date.
pub fn lsib_source(version: &str, date: &str) -> SourceRow {
    let version = lines::version_suffix(version);
    SourceRow {
        id: "lsib".into(),
        title: format!("Large Scale International Boundaries (LSIB){version}"),
        publisher: "U.S. Department of State, Office of the Geographer and Global Issues".into(),
        date: date.into(),
        url: LSIB_URL.into(),
    }
}

/// Turns LSIB lines (a GeoJSON FeatureCollection `text`, named `file` in problems) into a
/// dataset.
///
/// # Errors
/// [`Error::Invalid`] listing every problem: not a FeatureCollection, a line without `CC1` or
/// `CC2`, a code that cannot be mapped to ISO 3166-1 alpha-3 (named, with the country name
/// the file gives), a geometry that is not a LineString or MultiLineString.
pub fn import_lsib(text: &str, file: &str, options: &LsibImport) -> Result<Imported, Error> {
    let source = lsib_source(&options.version, &options.as_of);
    let line_import = LineImport::citing(source, &options.as_of, options.precision_m);
    lines::import_lines(
        text,
        file,
        &line_import,
        |index, (props, geometry), found| {
            let side = |code: &str, name: &str| -> Result<String, String> {
                alpha3_of(code, options).ok_or_else(|| {
                format!(
                    "country code {code:?}{} cannot be mapped to ISO 3166-1 alpha-3 as {} (give it in a code map)",
                    if name.is_empty() { String::new() } else { format!(" ({name})") },
                    match options.codes {
                        LsibCodes::Fips => "FIPS 10-4",
                        LsibCodes::Alpha2 => "ISO 3166-1 alpha-2",
                    }
                )
            })
            };
            let (Some(cc1), Some(cc2)) =
                (lines::property(props, "CC1"), lines::property(props, "CC2"))
            else {
                found.refuse("no CC1 or CC2 (the countries on either side)");
                return None;
            };
            let name = |k: &str| lines::property(props, k).unwrap_or_default();
            let (left, right) = (side(&cc1, &name("COUNTRY1")), side(&cc2, &name("COUNTRY2")));
            let parts = lines::line_parts(geometry);
            let (left, right, parts) = match (left, right, parts) {
                (Ok(l), Ok(r), Ok(p)) => (l, r, p),
                (l, r, p) => {
                    for m in [l.err(), r.err(), p.err()].into_iter().flatten() {
                        found.refuse(m);
                    }
                    return None;
                }
            };
            let status = name("STATUS");
            let label = name("LABEL");
            let notes = name("NOTES");
            let (delimitation, known) = delimitation_of_lsib(&status, &label, &notes);
            if !known {
                found.leave_out(format!(
                    "STATUS {status:?} not recognised: delimitation written as unknown"
                ));
            }
            if left == right {
                found.leave_out(format!("{left} on both sides: left out"));
                return None;
            }
            let mut note = format!("LSIB STATUS: {status}");
            for (k, v) in [("RANK", name("RANK")), ("LABEL", label), ("NOTES", notes)] {
                if !v.is_empty() {
                    note.push_str(&format!("; {k}: {v}"));
                }
            }
            Some(BoundaryLine {
                index,
                left,
                right,
                parts,
                delimitation: delimitation.into(),
                note,
                ..BoundaryLine::default()
            })
        },
    )
}

fn alpha3_of(code: &str, options: &LsibImport) -> Option<String> {
    let c = code.trim().to_ascii_uppercase();
    if let Some(a) = options.code_map.get(&c) {
        return Some(a.clone());
    }
    match options.codes {
        LsibCodes::Fips => FIPS
            .iter()
            .find(|(f, _)| *f == c)
            .map(|(_, a)| a.to_string()),
        LsibCodes::Alpha2 => iso3166::alpha3_of_alpha2(&c).map(str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_words_map_to_statuses() {
        assert_eq!(
            delimitation_of_lsib("International Boundary", "", ""),
            ("unknown", true)
        );
        assert_eq!(
            delimitation_of_lsib("Other Line of International Separation", "", ""),
            ("disputed", true)
        );
        assert_eq!(
            delimitation_of_lsib("International Boundary", "Indefinite", ""),
            ("undelimited", true)
        );
        assert_eq!(
            delimitation_of_lsib("Something else", "", ""),
            ("unknown", false)
        );
    }

    #[test]
    fn fips_and_iso_codes_differ_and_unknown_ones_are_refused() {
        let mut o = LsibImport {
            codes: LsibCodes::Fips,
            code_map: BTreeMap::new(),
            version: String::new(),
            as_of: "2013".into(),
            precision_m: 100.0,
        };
        assert_eq!(alpha3_of("CH", &o).as_deref(), Some("CHN"));
        assert_eq!(alpha3_of("TI", &o).as_deref(), Some("TJK"));
        assert_eq!(alpha3_of("FR", &o), None);
        o.code_map.insert("FR".into(), "FRA".into());
        assert_eq!(alpha3_of("FR", &o).as_deref(), Some("FRA"));
        o.codes = LsibCodes::Alpha2;
        assert_eq!(alpha3_of("CH", &o).as_deref(), Some("CHE"));
        let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
          "properties":{"CC1":"QQ","COUNTRY1":"Nowhere","CC2":"KZ","STATUS":"International Boundary"},
          "geometry":{"type":"LineString","coordinates":[[0,0],[0,1]]}}]}"#;
        let Err(Error::Invalid(p)) = import_lsib(text, "l.geojson", &o) else {
            panic!("accepted")
        };
        assert_eq!(p.len(), 1);
        assert!(
            p[0].message.contains("\"QQ\" (Nowhere)"),
            "{}",
            p[0].message
        );
    }
}
