//! Which columns of a table hold an incident's id, date and position: the layouts' own names,
//! common aliases of the plain layout's, or a mapping given by the user ([`ColumnMapping`]);
//! and which columns of a table are carried to the output (all but the classification
//! columns of an earlier run, which a new run replaces).

use std::ops::Range;
use std::str::FromStr;

use super::layout::Columns;
use crate::pipeline::CLASSIFICATION_COLUMNS;

/// The other names of the plain layout's `lat` and `lon` columns, recognised when the table
/// has no column of the name itself and is not in another layout. `x`/`y` are not among them
/// (they are as often a projected easting/northing as degrees): they are read only through a
/// [`ColumnMapping`].
const ALIASES: [(&str, &[&str]); 2] = [
    ("lat", &["latitude"]),
    ("lon", &["longitude", "lng", "long"]),
];

/// Which columns hold an incident's id, date, latitude and longitude, for a table whose names
/// are not the plain layout's (`id`, `date`, `lat`, `lon`). A table read with a mapping is
/// read in the plain layout: the mapped columns stand for `id`, `date`, `lat` and `lon`, and
/// the roles not mapped are found by their usual names and aliases.
///
/// It reads from text as `id=…,date=…,lat=…,lon=…` (any of them, in any order).
///
/// # Examples
/// ```
/// use bordertrack::io::ColumnMapping;
/// let m: ColumnMapping = "id=event,lat=y,lon=x".parse().unwrap();
/// assert_eq!(m.id.as_deref(), Some("event"));
/// assert_eq!(m.date, None);
/// assert!("when=date".parse::<ColumnMapping>().is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnMapping {
    /// The column of the incident's id.
    pub id: Option<String>,
    /// The column of its date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub date: Option<String>,
    /// The column of its latitude.
    pub lat: Option<String>,
    /// The column of its longitude.
    pub lon: Option<String>,
}

impl ColumnMapping {
    /// Whether no column is mapped.
    pub fn is_empty(&self) -> bool {
        self.roles().next().is_none()
    }

    /// The mapped roles (`id`, `date`, `lat`, `lon`) and their columns.
    fn roles(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        [
            ("id", &self.id),
            ("date", &self.date),
            ("lat", &self.lat),
            ("lon", &self.lon),
        ]
        .into_iter()
        .filter_map(|(role, column)| column.as_deref().map(|c| (role, c)))
    }
}

impl FromStr for ColumnMapping {
    type Err = String;

    fn from_str(s: &str) -> Result<ColumnMapping, String> {
        let mut m = ColumnMapping::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((role, column)) = part.split_once('=') else {
                return Err(format!(
                    "{part:?} is not ROLE=COLUMN (expected id=…, date=…, lat=… or lon=…)"
                ));
            };
            let (role, column) = (role.trim(), column.trim());
            let slot = match role.to_ascii_lowercase().as_str() {
                "id" => &mut m.id,
                "date" => &mut m.date,
                "lat" => &mut m.lat,
                "lon" => &mut m.lon,
                _ => {
                    return Err(format!(
                        "unknown role {role:?} (expected id, date, lat or lon)"
                    ))
                }
            };
            if column.is_empty() {
                return Err(format!("{role}= names no column"));
            }
            if slot.replace(column.to_string()).is_some() {
                return Err(format!("{role} is mapped twice"));
            }
        }
        if m.is_empty() {
            return Err("no column mapped (expected id=…, date=…, lat=… or lon=…)".into());
        }
        Ok(m)
    }
}

/// The number of leading columns of a table with normalised (trimmed, lower-case) `names`
/// that are its own: all of them, unless the table ends with the classification columns of
/// an earlier run (under any prefix), which are then left out.
pub(crate) fn own_column_count(names: &[String]) -> usize {
    let current: Vec<&str> = CLASSIFICATION_COLUMNS.to_vec();
    // Runs before the `regimes` column wrote the same columns without it.
    let earlier: Vec<&str> = CLASSIFICATION_COLUMNS
        .into_iter()
        .filter(|&c| c != "regimes")
        .collect();
    [current, earlier]
        .iter()
        .find_map(|columns| classification_start(names, columns))
        .unwrap_or(names.len())
}

/// Where `names` ends with `columns` under some prefix: the position of the first of them.
fn classification_start(names: &[String], columns: &[&str]) -> Option<usize> {
    let start = names.len().checked_sub(columns.len())?;
    let tail = &names[start..];
    let prefix = tail.first()?.strip_suffix(columns.first()?)?;
    tail.iter()
        .zip(columns)
        .all(|(name, own)| name.strip_prefix(prefix) == Some(own))
        .then_some(start)
}

/// The name of the geometry column that CSV with WKT geometry starts with (normalised).
const WKT_COLUMN: &str = "wkt";

/// The columns of a table with normalised `names` that are its own: all of them but an
/// earlier run's classification at the end ([`own_column_count`]) and, when there is one, the
/// `WKT` geometry column that the same run's CSV with WKT geometry put first. A table's own
/// `WKT` column is carried: only a first `WKT` column followed by an earlier run's
/// classification is that run's.
pub(crate) fn own_columns(names: &[String]) -> Range<usize> {
    let own = own_column_count(names);
    let earlier_wkt = own < names.len() && own > 0 && names[0] == WKT_COLUMN;
    usize::from(earlier_wkt)..own
}

/// Recognises the layout of a table from its normalised `names`, with `mapping`: returns its
/// columns (positions in `names`) and which columns are the table's own ([`own_columns`]).
pub(super) fn recognise(
    names: &[String],
    mapping: &ColumnMapping,
) -> Result<(Columns, Range<usize>), String> {
    let own = own_columns(names);
    // The names as the layouts see them: an earlier run's geometry and classification hidden
    // (in place, so that the columns found index the table's fields), aliases and the mapping
    // renamed to the plain layout's names.
    let mut view: Vec<String> = names.to_vec();
    for (i, name) in view.iter_mut().enumerate() {
        if !own.contains(&i) {
            name.insert(0, '\0');
        }
    }
    let found = || names[own.clone()].join(", ");
    let is_own = |i: &usize| own.contains(i);
    if mapping.is_empty() {
        let has = |view: &[String], n: &str| view.iter().any(|x| x == n);
        let other_layout = ["event_id_cnty", "date_start", "where_prec"]
            .iter()
            .any(|n| has(&view, n));
        if !other_layout {
            for (name, aliases) in ALIASES {
                if has(&view, name) {
                    continue;
                }
                if let Some(i) = view.iter().position(|x| aliases.contains(&x.as_str())) {
                    view[i] = name.to_string();
                }
            }
            let missing: Vec<&str> = ["id", "date", "lat", "lon"]
                .into_iter()
                .filter(|n| !has(&view, n))
                .collect();
            if !missing.is_empty() {
                return Err(unmapped(&missing, &names[own.clone()]));
            }
        }
        return Columns::recognise(&view).map(|c| (c, own));
    }
    let mut errors = Vec::new();
    let mut taken: Vec<(usize, &str)> = Vec::new();
    for (role, column) in mapping.roles() {
        let wanted = column.trim().to_lowercase();
        let Some(i) = (0..names.len())
            .filter(is_own)
            .find(|&i| names[i] == wanted)
        else {
            errors.push(format!("no column {column:?} for {role}"));
            continue;
        };
        if let Some((_, other)) = taken.iter().find(|(j, _)| *j == i) {
            errors.push(format!(
                "column {column:?} is mapped to both {other} and {role}"
            ));
            continue;
        }
        taken.push((i, role));
    }
    if !errors.is_empty() {
        return Err(format!("{}; found: {}", errors.join("; "), found()));
    }
    for &(i, role) in &taken {
        // Another column of the role's own name gives way to the mapped one.
        for (j, name) in view.iter_mut().enumerate() {
            if j != i && name == role {
                name.insert(0, '\0');
            }
        }
        view[i] = role.to_string();
    }
    let missing: Vec<&str> = ["id", "date", "lat", "lon"]
        .into_iter()
        .filter(|n| !view.iter().any(|x| x == n))
        .collect();
    if !missing.is_empty() {
        return Err(unmapped(&missing, &names[own]));
    }
    Columns::plain(&view).map(|c| (c, own))
}

/// Recognises the layout of a table whose position is a geometry (GeoJSON features, a
/// GeoParquet geometry column), from the normalised `names` of its own columns (an earlier
/// run's classification already left out), with `mapping` (whose latitude and longitude, if
/// named, are the caller's to refuse or honour). Columns that name a position (`lat`,
/// `latitude`, `lon`, `longitude`, `lng`, `long`) are carried but not read; the geometry's
/// latitude and longitude stand in two columns added after the table's own, under the names
/// the layout reads. Returns the columns and the names they index (the table's own, then the
/// two added).
pub(super) fn recognise_with_geometry(
    names: &[String],
    mapping: &ColumnMapping,
) -> Result<(Columns, Vec<String>), String> {
    let other_layout = mapping.is_empty()
        && names
            .iter()
            .any(|n| matches!(n.as_str(), "event_id_cnty" | "date_start" | "where_prec"));
    let (lat, lon) = if other_layout {
        ("latitude", "longitude")
    } else {
        ("lat", "lon")
    };
    let mut view: Vec<String> = names
        .iter()
        .map(|n| {
            if POSITION_NAMES.contains(&n.as_str()) {
                format!("\0{n}")
            } else {
                n.clone()
            }
        })
        .collect();
    view.extend([lat.to_string(), lon.to_string()]);
    let (columns, _) = recognise(&view, mapping).map_err(|e| {
        // The columns found are the table's, and the geometry's position.
        let seen: Vec<String> = view.iter().map(|n| n.replace('\0', "")).collect();
        e.replace(
            &format!("found: {}", seen.join(", ")),
            &format!("found: {} and a point geometry", names.join(", ")),
        )
    })?;
    Ok((columns, view))
}

/// The names that hold a position in some layout, or by alias.
pub(crate) const POSITION_NAMES: [&str; 6] = ["lat", "lon", "latitude", "longitude", "lng", "long"];

/// The message for a table without columns for the `missing` roles, among `found`: it names
/// the columns found and suggests a mapping (`x`/`y` for the longitude and latitude when the
/// table has them).
fn unmapped(missing: &[&str], found: &[String]) -> String {
    let has = |n: &str| found.iter().any(|f| f == n);
    let suggestion: Vec<String> = missing
        .iter()
        .map(|&role| {
            let guess = match role {
                "lat" if has("y") => "y",
                "lon" if has("x") => "x",
                _ => "…",
            };
            format!("{role}={guess}")
        })
        .collect();
    let aliases: Vec<String> = ALIASES
        .iter()
        .filter(|(name, _)| missing.contains(name))
        .map(|(name, aliases)| format!("{name} may be named {}", aliases.join(" or ")))
        .collect();
    let quoted: Vec<String> = missing.iter().map(|m| format!("{m:?}")).collect();
    format!(
        "no column for {} (the plain layout needs id, date, lat and lon{}); found: {}; name \
         the columns with a column mapping: {}",
        quoted.join(", "),
        if aliases.is_empty() {
            String::new()
        } else {
            format!("; {}", aliases.join(", "))
        },
        if found.is_empty() {
            "no columns".to_string()
        } else {
            found.join(", ")
        },
        suggestion.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<String> {
        s.split(',').map(str::to_string).collect()
    }

    #[test]
    fn an_earlier_runs_classification_is_not_the_tables_own() {
        let mut header = names("id,date,lat,lon");
        header.extend(CLASSIFICATION_COLUMNS.iter().map(|c| format!("bt_{c}")));
        assert_eq!(own_column_count(&header), 4);
        header.pop();
        assert_eq!(own_column_count(&header), header.len());
        assert_eq!(own_column_count(&names("id")), 1);
    }

    #[test]
    fn an_earlier_runs_wkt_geometry_is_not_the_tables_own() {
        let mut header = names("wkt,id,date,lat,lon");
        header.extend(CLASSIFICATION_COLUMNS.iter().map(|c| c.to_string()));
        assert_eq!(own_columns(&header), 1..5);
        let (c, own) = recognise(&header, &ColumnMapping::default()).expect("plain");
        assert_eq!((c.id_index(), own), (1, 1..5));
        // Without an earlier classification, a WKT column is the table's own.
        assert_eq!(own_columns(&names("wkt,id,date,lat,lon")), 0..5);
        // A mapping cannot name the earlier run's geometry.
        let m: ColumnMapping = "lat=wkt".parse().unwrap();
        let mut header = names("wkt,id,date,y,lon");
        header.extend(CLASSIFICATION_COLUMNS.iter().map(|c| c.to_string()));
        let err = recognise(&header, &m).unwrap_err();
        assert_eq!(err, "no column \"wkt\" for lat; found: id, date, y, lon");
    }

    #[test]
    fn aliases_and_mappings_find_the_position() {
        let (c, own) =
            recognise(&names("id,date,latitude,lng"), &ColumnMapping::default()).expect("aliases");
        assert_eq!((c.layout(), own), (super::super::Layout::Plain, 0..4));
        let err = recognise(&names("id,date,x,y"), &ColumnMapping::default()).unwrap_err();
        assert!(err.contains("found: id, date, x, y"), "{err}");
        assert!(err.ends_with("a column mapping: lat=y,lon=x"), "{err}");
        let m: ColumnMapping = "lat=y,lon=x".parse().unwrap();
        assert!(recognise(&names("id,date,x,y"), &m).is_ok());
        let m: ColumnMapping = "id=event,lat=y,lon=y".parse().unwrap();
        let err = recognise(&names("event,date,x,y"), &m).unwrap_err();
        assert!(err.contains("mapped to both lat and lon"), "{err}");
        let m: ColumnMapping = "id=nope".parse().unwrap();
        let err = recognise(&names("id,date,lat,lon"), &m).unwrap_err();
        assert_eq!(err, "no column \"nope\" for id; found: id, date, lat, lon");
    }

    #[test]
    fn a_mapped_column_takes_the_place_of_one_of_the_roles_name() {
        let m: ColumnMapping = "id=event_id".parse().unwrap();
        assert!(recognise(&names("id,event_id,date,lat,lon"), &m).is_ok());
    }
}
