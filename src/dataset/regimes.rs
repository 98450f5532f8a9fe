//! `regimes.csv`: reading its rows and checking them against the rest of the dataset.

use std::collections::{HashMap, HashSet};

use super::records::Fields;
use super::validate::Rejected;
use super::Dataset;
use crate::io::csv_table::Table;
use crate::{Dyad, Location, Problem, RegimeChange, RegimeExtent, RegimeKind, RegimeSite};

/// How far a stretch may run past the end of its dyad's line, km (rounding of the figures
/// written).
const END_TOLERANCE_KM: f64 = 0.01;

fn kilometres(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("{s:?} is not a number of km, 0 or more")),
    }
}

/// Reads `regimes.csv`, one problem per bad field; the ids of rejected rows go to `rejected`.
pub(crate) fn read(
    t: &Table,
    out: &mut Vec<Problem>,
    rejected: &mut HashSet<String>,
) -> Vec<RegimeChange> {
    t.rows()
        .filter_map(|row| {
            let mut f = Fields::new(&row);
            let regime_id = f.required("regime_id");
            f.required("dyad");
            f.required("regime");
            f.required("state");
            f.required("date");
            let dyad = f.parsed("dyad", str::parse::<Dyad>);
            let kind = f.parsed("regime", str::parse::<RegimeKind>);
            let state = kind.and_then(|k| f.parsed("state", |w| k.state(w)));
            let date = f.date("date");
            let from_km = f.parsed("from_km", kilometres);
            let to_km = f.parsed("to_km", kilometres);
            let precision_km = f.parsed("precision_km", kilometres);
            let length_km = f.parsed("length_km", kilometres);
            let extent = f.parsed("extent", str::parse::<RegimeExtent>);
            let place = f.text("place");
            let site = site(&row, kind, from_km, to_km, &place, &mut f.problems);
            let extent = match (extent, &site) {
                (Some(e), _) => Some(e),
                (None, Some(RegimeSite::Unlocated)) => Some(RegimeExtent::Unlocated),
                (None, _) => Some(RegimeExtent::Exact),
            };
            match (&site, extent) {
                (Some(RegimeSite::Unlocated), Some(e)) if e != RegimeExtent::Unlocated => {
                    f.problems.push(row.problem(format!(
                        "extent {} needs a stretch (from_km and to_km) or a place",
                        e.as_str()
                    )))
                }
                (
                    Some(RegimeSite::Stretch { .. } | RegimeSite::Place(_)),
                    Some(RegimeExtent::Unlocated),
                ) => f.problems.push(row.problem(
                    "extent unlocated, but the row gives a stretch or a place".to_string(),
                )),
                _ => {}
            }
            if extent == Some(RegimeExtent::Approximate) && precision_km.is_none() {
                f.problems.push(row.problem(
                    "extent approximate needs precision_km (how far the ends may be off)",
                ));
            }
            let instrument_id = Some(f.text("instrument_id")).filter(|s| !s.is_empty());
            let source_id = f.required("source_id");
            let note = f.text("note");
            let change = match (dyad, kind, state, date, site, extent) {
                (Some(dyad), Some(kind), Some(state), Some(date), Some(site), Some(extent)) => {
                    Some(RegimeChange {
                        regime_id: regime_id.clone(),
                        dyad,
                        site,
                        kind,
                        state,
                        date,
                        instrument_id,
                        source_id,
                        extent,
                        precision_km,
                        length_km,
                        note,
                        line: row.line,
                    })
                }
                _ => None,
            };
            f.finish_or_reject(change, &regime_id, out, rejected)
        })
        .collect()
}

/// The site a row gives: a stretch, a place or neither (problems pushed to `problems`).
fn site(
    row: &crate::io::csv_table::Row<'_>,
    kind: Option<RegimeKind>,
    from_km: Option<f64>,
    to_km: Option<f64>,
    place: &str,
    problems: &mut Vec<Problem>,
) -> Option<RegimeSite> {
    let km_given = !row.get("from_km").is_empty() || !row.get("to_km").is_empty();
    if km_given && !place.is_empty() {
        problems.push(row.problem("give either a stretch (from_km, to_km) or a place, not both"));
        return None;
    }
    let crossing = kind == Some(RegimeKind::Crossing);
    if crossing && km_given {
        problems.push(row.problem(
            "a crossing is a point: give its place (a checkpoint of places.geojson), not from_km/to_km",
        ));
        return None;
    }
    if kind.is_some() && !crossing && !place.is_empty() {
        problems.push(row.problem(format!(
            "place is for crossings; a {} regime takes a stretch (from_km, to_km) or none",
            kind.map_or("", RegimeKind::as_str)
        )));
        return None;
    }
    if !place.is_empty() {
        return Some(RegimeSite::Place(place.to_string()));
    }
    if !km_given {
        return Some(RegimeSite::Unlocated);
    }
    match (from_km, to_km) {
        (Some(from_km), Some(to_km)) if from_km < to_km => {
            Some(RegimeSite::Stretch { from_km, to_km })
        }
        (Some(from_km), Some(to_km)) => {
            problems.push(row.problem(format!("from_km {from_km} is not before to_km {to_km}")));
            None
        }
        _ if row.get("from_km").is_empty() || row.get("to_km").is_empty() => {
            problems.push(row.problem("from_km and to_km go together: give both or neither"));
            None
        }
        // A number that did not read is reported already.
        _ => None,
    }
}

/// What the cross-file checks of regimes need to know besides the dataset.
pub(crate) struct RegimeCheckContext<'a> {
    pub file: &'a str,
    pub rejected: &'a Rejected,
    pub sources_read: bool,
    pub instruments_read: bool,
    pub segments_read: bool,
    pub places_read: bool,
}

/// Checks every regime row against the dataset: its source, instrument, place and dyad, its
/// stretch against the dyad's length, and that the rows of one regime agree and are in date
/// order.
pub(crate) fn check(
    data: &Dataset,
    changes: &[RegimeChange],
    known: &RegimeCheckContext<'_>,
    problems: &mut Vec<Problem>,
) {
    let rejected = known.rejected;
    // Dyad lengths are geodesic sums over every vertex: worked out only for the dyads that a
    // stretch names (summed for every dyad, they cost 84 M instructions at every start-up).
    let dyads: HashSet<Dyad> = data.segments().iter().map(|s| s.dyad).collect();
    let mut dyad_km: HashMap<Dyad, f64> = HashMap::new();
    let mut length_km = |dyad: Dyad| -> Option<f64> {
        dyads.contains(&dyad).then(|| {
            *dyad_km.entry(dyad).or_insert_with(|| {
                data.segments()
                    .iter()
                    .filter(|s| s.dyad == dyad)
                    .map(|s| s.length_m() / 1000.0)
                    .sum()
            })
        })
    };
    let mut first_of: HashMap<&str, &RegimeChange> = HashMap::new();
    for c in changes {
        let at = |m: String| Problem::new(known.file, Location::Line(c.line), m);
        if known.sources_read
            && data.source(&c.source_id).is_none()
            && !rejected.sources.contains(&c.source_id)
        {
            problems.push(at(format!("unknown source_id {:?}", c.source_id)));
        }
        if let Some(iid) = &c.instrument_id {
            match data.instrument(iid) {
                None if known.instruments_read && !rejected.instruments.contains(iid) => {
                    problems.push(at(format!("unknown instrument_id {iid:?}")))
                }
                Some(ins) if ins.dyad != c.dyad => problems.push(at(format!(
                    "instrument {iid:?} concerns {}, but the regime is on {}",
                    ins.dyad, c.dyad
                ))),
                _ => {}
            }
        }
        if let RegimeSite::Place(id) = &c.site {
            match data.places().iter().find(|p| &p.id == id) {
                None if known.places_read && !rejected.places.contains(id) => {
                    problems.push(at(format!("unknown place {id:?}")))
                }
                Some(p) if p.kind != "checkpoint" => problems.push(at(format!(
                    "place {id:?} is a {}, not a checkpoint",
                    p.kind
                ))),
                _ => {}
            }
        }
        let dyad_unknown = known.segments_read
            && !dyads.contains(&c.dyad)
            && !rejected.dyad_unread
            && !rejected.segment_dyads.contains(&c.dyad);
        if dyad_unknown {
            problems.push(at(format!(
                "unknown dyad {}: no segment in the dataset is on it",
                c.dyad
            )));
        }
        if let RegimeSite::Stretch { to_km, .. } = &c.site {
            let complete = rejected.segment_features == 0;
            let length_km = length_km(c.dyad).unwrap_or(f64::INFINITY);
            if complete && *to_km > length_km + END_TOLERANCE_KM {
                problems.push(at(format!(
                    "to_km {to_km} is past the end of {}'s line ({length_km:.3} km long)",
                    c.dyad
                )));
            }
        }
        match first_of.get(c.regime_id.as_str()) {
            None => {
                first_of.insert(&c.regime_id, c);
            }
            Some(first) => {
                if (first.dyad, first.kind, &first.site) != (c.dyad, c.kind, &c.site) {
                    problems.push(at(format!(
                        "regime {:?} is given another dyad, kind or site than on line {} (all its rows must agree)",
                        c.regime_id, first.line
                    )));
                }
            }
        }
    }
    // Date order within each regime.
    let mut last: HashMap<&str, &RegimeChange> = HashMap::new();
    for c in changes {
        if let Some(prev) = last.insert(&c.regime_id, c) {
            if c.date.last() < prev.date.first() {
                problems.push(Problem::new(
                    known.file,
                    Location::Line(c.line),
                    format!(
                        "rows of regime {:?} out of order: {} comes after {} (line {})",
                        c.regime_id, c.date, prev.date, prev.line
                    ),
                ));
            }
        }
    }
}
