//! The CSV layouts recognised from a header, and the columns each one reads. The conversion
//! of one row by those columns is in the sibling module `convert`.
//!
//! See the [module documentation](super) for the tables of columns and precision codes.

use std::collections::HashMap;

pub(crate) use super::record_fields::Fields;

/// Which table layout a file uses, recognised from its header (or from its first byte for
/// GeoJSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `id,date,lat,lon[,precision_m,kind,summary,fatalities,source|source_id]`, as in the
    /// dataset's own `incidents.csv`.
    Plain,
    /// An ACLED export (`event_id_cnty`, `event_date`, `time_precision`, `geo_precision`, …).
    Acled,
    /// A UCDP Georeferenced Event Dataset table (`id`, `date_start`, `date_end`,
    /// `where_prec`, …).
    UcdpGed,
    /// A GeoJSON FeatureCollection of Point features.
    GeoJson,
    /// A Parquet file with the plain layout's columns, or GeoParquet points.
    Parquet,
    /// A GeoPackage feature table of points.
    GeoPackage,
    /// A FlatGeobuf file of points.
    FlatGeobuf,
    /// A KML document of point placemarks.
    Kml,
}

impl Layout {
    /// A short name for messages: `plain`, `ACLED`, `UCDP GED`, `GeoJSON`, `Parquet`, `GeoPackage`,
    /// `FlatGeobuf`, `KML`.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Plain => "plain",
            Layout::Acled => "ACLED",
            Layout::UcdpGed => "UCDP GED",
            Layout::GeoJson => "GeoJSON",
            Layout::Parquet => "Parquet",
            Layout::GeoPackage => "GeoPackage",
            Layout::FlatGeobuf => "FlatGeobuf",
            Layout::Kml => "KML",
        }
    }
}

/// Column positions of a recognised header.
#[derive(Clone, Debug)]
pub(crate) struct Columns {
    pub(super) layout: Layout,
    /// Number of header fields; every row must have as many.
    pub(super) width: usize,
    pub(super) id: usize,
    /// Plain: `date`; ACLED: `event_date`; UCDP: `date_start`.
    pub(super) date: usize,
    /// UCDP: `date_end`.
    pub(super) date_end: usize,
    pub(super) lat: usize,
    pub(super) lon: usize,
    /// Plain: `precision_m`; ACLED: `geo_precision`; UCDP: `where_prec`.
    pub(super) precision: Option<usize>,
    /// ACLED: `time_precision`.
    pub(super) time_precision: usize,
    pub(super) kind: Option<usize>,
    pub(super) summary: Option<usize>,
    pub(super) fatalities: Option<usize>,
    pub(super) source: Option<usize>,
    /// Plain: `dyad`.
    pub(super) dyad: Option<usize>,
}

/// The column names required by each layout, in the order they are listed in messages.
const PLAIN_REQUIRED: [&str; 4] = ["id", "date", "lat", "lon"];
const ACLED_REQUIRED: [&str; 6] = [
    "event_id_cnty",
    "event_date",
    "latitude",
    "longitude",
    "geo_precision",
    "time_precision",
];
const UCDP_REQUIRED: [&str; 6] = [
    "id",
    "date_start",
    "date_end",
    "latitude",
    "longitude",
    "where_prec",
];

impl Columns {
    /// Recognises the layout from normalised (trimmed, lower-case, distinct) header names.
    pub(crate) fn recognise(names: &[String]) -> Result<Columns, String> {
        let index: HashMap<&str, usize> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let has = |n: &str| index.contains_key(n);
        let layout = if has("event_id_cnty") {
            Layout::Acled
        } else if has("date_start") || has("where_prec") {
            Layout::UcdpGed
        } else {
            Layout::Plain
        };
        Columns::of_layout(names, layout)
    }

    /// The columns of a table known to be in the plain layout (such as a dataset's
    /// `incidents.csv`), from normalised header names.
    pub(crate) fn plain(names: &[String]) -> Result<Columns, String> {
        Columns::of_layout(names, Layout::Plain)
    }

    fn of_layout(names: &[String], layout: Layout) -> Result<Columns, String> {
        let index: HashMap<&str, usize> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let has = |n: &str| index.contains_key(n);
        let required: &[&str] = match layout {
            Layout::Acled => &ACLED_REQUIRED,
            Layout::UcdpGed => &UCDP_REQUIRED,
            Layout::Plain
            | Layout::GeoJson
            | Layout::Parquet
            | Layout::GeoPackage
            | Layout::FlatGeobuf
            | Layout::Kml => &PLAIN_REQUIRED,
        };
        let missing: Vec<&str> = required.iter().copied().filter(|n| !has(n)).collect();
        if !missing.is_empty() {
            let quoted: Vec<String> = missing.iter().map(|m| format!("{m:?}")).collect();
            return Err(format!(
                "missing required column{} {} for the {} layout (which needs {}); found: {}",
                if missing.len() == 1 { "" } else { "s" },
                quoted.join(", "),
                layout.name(),
                required.join(", "),
                names.join(", ")
            ));
        }
        let get = |n: &str| index.get(n).copied();
        let req = |n: &str| get(n).unwrap_or(usize::MAX);
        let mut c = Columns {
            layout,
            width: names.len(),
            id: 0,
            date: 0,
            date_end: usize::MAX,
            lat: 0,
            lon: 0,
            precision: None,
            time_precision: usize::MAX,
            kind: None,
            summary: None,
            fatalities: None,
            source: None,
            dyad: None,
        };
        match layout {
            Layout::Plain => {
                if has("source") && has("source_id") {
                    return Err(
                        "both \"source\" and \"source_id\" columns are present; keep one".into(),
                    );
                }
                c.id = req("id");
                c.date = req("date");
                c.lat = req("lat");
                c.lon = req("lon");
                c.precision = get("precision_m");
                c.kind = get("kind");
                c.summary = get("summary");
                c.fatalities = get("fatalities");
                c.source = get("source_id").or_else(|| get("source"));
                c.dyad = get("dyad");
            }
            Layout::Acled => {
                c.id = req("event_id_cnty");
                c.date = req("event_date");
                c.lat = req("latitude");
                c.lon = req("longitude");
                c.precision = get("geo_precision");
                c.time_precision = req("time_precision");
                c.kind = get("event_type");
                c.summary = get("notes");
                c.fatalities = get("fatalities");
                c.source = get("source");
            }
            Layout::UcdpGed => {
                c.id = req("id");
                c.date = req("date_start");
                c.date_end = req("date_end");
                c.lat = req("latitude");
                c.lon = req("longitude");
                c.precision = get("where_prec");
                c.kind = get("type_of_violence");
                c.summary = get("where_description");
                c.fatalities = get("best");
                c.source = get("source_article");
            }
            Layout::GeoJson
            | Layout::Parquet
            | Layout::GeoPackage
            | Layout::FlatGeobuf
            | Layout::Kml => {}
        }
        Ok(c)
    }

    /// The field that holds the id.
    pub(crate) fn id_index(&self) -> usize {
        self.id
    }

    /// The recognised layout.
    pub(crate) fn layout(&self) -> Layout {
        self.layout
    }
}
