//! Cross-file checks: unique ids, references, chained segments and coherent histories.

use std::collections::{HashMap, HashSet};

use geo::{Distance, Geodesic, Point};

use super::features::doubles_back;
use super::files::ShownNames;
use super::Dataset;
use crate::{
    Basis, Delimitation, Dyad, Incident, Instrument, Location, Place, Problem, RegimeChange,
    Segment, Source, StatusChange,
};

/// The largest gap allowed between the end of a segment and the start of the next segment of
/// the same part of a dyad, in metres.
pub const GAP_TOLERANCE_M: f64 = 1.0;

/// How a problem of a segment's history says under which [`Basis`] it arises (the message's
/// last words): under both, under [`Basis::Signed`] only, under [`Basis::InForce`] only.
const EITHER_BASIS: &str = "whether changes are dated by signature or by entry into force";
const SIGNED_BASIS: &str = "with changes dated by signature";
const IN_FORCE_BASIS: &str = "with changes dated by entry into force";

/// Everything read from the files, with where each record came from. A file that could not
/// be read as a whole is `None`: references into it are not checked (its problem is reported).
pub(crate) struct LoadedFiles<'a> {
    pub names: &'a ShownNames,
    pub sources: Option<Vec<(u64, Source)>>,
    pub instruments: Option<Vec<(u64, Instrument)>>,
    pub segments: Option<Vec<(usize, Segment)>>,
    pub changes: Vec<StatusChange>,
    pub places: Option<Vec<(usize, Place)>>,
    pub incidents: Vec<(u64, Incident)>,
    /// The `place` of each incident row that names one: the row's line and the place id.
    pub incident_places: Vec<(u64, String)>,
    /// The rows of `regimes.csv` that were read.
    pub regimes: Vec<RegimeChange>,
    pub rejected: Rejected,
}

/// What the readers rejected, so that the cross-file checks do not report a record that
/// exists but is invalid as "unknown", nor judge a history or a chain with pieces missing.
#[derive(Debug, Default)]
pub(crate) struct Rejected {
    /// Ids of rejected sources.
    pub sources: HashSet<String>,
    /// Ids of rejected instruments.
    pub instruments: HashSet<String>,
    /// Ids of rejected segment features.
    pub segments: HashSet<String>,
    /// How many segment features were rejected (with or without an id).
    pub segment_features: usize,
    /// Segment ids with a rejected status row (their history is incomplete).
    pub histories: HashSet<String>,
    /// Dyads of rejected segment features.
    pub segment_dyads: HashSet<Dyad>,
    /// Whether a rejected segment feature's dyad could not be read (any dyad may be it).
    pub dyad_unread: bool,
    /// Ids of rejected places.
    pub places: HashSet<String>,
    /// Ids of regimes with a rejected row.
    pub regimes: HashSet<String>,
}

fn feature(index: usize, id: &str) -> Location {
    Location::Feature {
        index,
        id: Some(id.to_string()),
    }
}

/// Runs every cross-file check and builds the dataset (which is discarded when problems were
/// found).
pub(crate) fn check(l: LoadedFiles<'_>, problems: &mut Vec<Problem>) -> Dataset {
    let name = |file: &'static str| l.names.of(file);
    let (n_sources, n_instruments, n_segments) = (
        name("sources.csv"),
        name("instruments.csv"),
        name("segments.geojson"),
    );
    let (n_status, n_places, n_incidents) = (
        name("status.csv"),
        name("places.geojson"),
        name("incidents.csv"),
    );

    let rejected = &l.rejected;
    let (sources_read, instruments_read, segments_read) = (
        l.sources.is_some(),
        l.instruments.is_some(),
        l.segments.is_some(),
    );
    let sources = l.sources.unwrap_or_default();
    let instruments = l.instruments.unwrap_or_default();

    // Unique ids.
    let mut seen = HashSet::new();
    for (line, s) in &sources {
        if !seen.insert(s.id.as_str()) {
            problems.push(Problem::new(
                n_sources,
                Location::Line(*line),
                format!("duplicate source id {:?}", s.id),
            ));
        }
    }
    let source_ok = |id: &str| !sources_read || seen.contains(id) || rejected.sources.contains(id);
    let mut instrument_by_id = HashMap::new();
    for (i, (line, ins)) in instruments.iter().enumerate() {
        if instrument_by_id.insert(ins.id.clone(), i).is_some() {
            problems.push(Problem::new(
                n_instruments,
                Location::Line(*line),
                format!("duplicate instrument id {:?}", ins.id),
            ));
        }
        if !source_ok(&ins.source_id) {
            problems.push(Problem::new(
                n_instruments,
                Location::Line(*line),
                format!("unknown source_id {:?}", ins.source_id),
            ));
        }
    }

    let mut segs = l.segments.unwrap_or_default();
    segs.sort_by_key(|s| (s.1.dyad, s.1.order));
    let mut segment_by_id = HashMap::new();
    for (i, (index, s)) in segs.iter().enumerate() {
        if segment_by_id.insert(s.id.clone(), i).is_some() {
            problems.push(Problem::new(
                n_segments,
                feature(*index, &s.id),
                format!("duplicate segment id {:?}", s.id),
            ));
        }
        if !source_ok(&s.source_id) {
            problems.push(Problem::new(
                n_segments,
                feature(*index, &s.id),
                format!("unknown source_id {:?}", s.source_id),
            ));
        }
    }
    check_chains(n_segments, &segs, rejected.segment_features > 0, problems);

    let mut changes_by_segment = vec![Vec::new(); segs.len()];
    for (ci, c) in l.changes.iter().enumerate() {
        let at = |m: String| Problem::new(n_status, Location::Line(c.line), m);
        let seg = segment_by_id.get(&c.segment_id).copied();
        match seg {
            Some(si) => changes_by_segment[si].push(ci),
            None if segments_read && !rejected.segments.contains(&c.segment_id) => {
                problems.push(at(format!("unknown segment_id {:?}", c.segment_id)))
            }
            None => {}
        }
        if let Some(iid) = &c.instrument_id {
            match instrument_by_id.get(iid) {
                None if instruments_read && !rejected.instruments.contains(iid) => {
                    problems.push(at(format!("unknown instrument_id {iid:?}")))
                }
                None => {}
                Some(&ii) => {
                    let ins = &instruments[ii].1;
                    if let Some(si) = seg {
                        if ins.dyad != segs[si].1.dyad {
                            problems.push(at(format!(
                                "instrument {iid:?} concerns {}, but segment {:?} is on {}",
                                ins.dyad, c.segment_id, segs[si].1.dyad
                            )));
                        }
                    }
                }
            }
        }
        if !source_ok(&c.source_id) {
            problems.push(at(format!("unknown source_id {:?}", c.source_id)));
        }
    }
    let instrument = |c: &StatusChange| {
        c.instrument_id
            .as_ref()
            .and_then(|id| instrument_by_id.get(id))
            .map(|&i| &instruments[i].1)
    };
    for (si, list) in changes_by_segment.iter().enumerate() {
        if rejected.histories.contains(&segs[si].1.id) {
            continue;
        }
        let changes: Vec<&StatusChange> = list.iter().map(|&i| &l.changes[i]).collect();
        check_history(n_status, &segs[si].1, &changes, &instrument, problems);
    }

    let places_read = l.places.is_some();
    let places = l.places.unwrap_or_default();
    let mut place_ids = HashSet::new();
    for (index, p) in &places {
        let at = |m: String| Problem::new(n_places, feature(*index, &p.id), m);
        if !place_ids.insert(p.id.as_str()) {
            problems.push(at(format!("duplicate place id {:?}", p.id)));
        }
        if !source_ok(&p.source_id) {
            problems.push(at(format!("unknown source_id {:?}", p.source_id)));
        }
        for s in &p.sovereignty {
            if !source_ok(&s.source_id) {
                problems.push(at(format!(
                    "sovereignty: unknown source_id {:?}",
                    s.source_id
                )));
            }
            if let Some(iid) = &s.instrument_id {
                if instruments_read
                    && !instrument_by_id.contains_key(iid)
                    && !rejected.instruments.contains(iid)
                {
                    problems.push(at(format!("sovereignty: unknown instrument_id {iid:?}")));
                }
            }
        }
    }
    let place_of: HashMap<u64, &str> = l
        .incident_places
        .iter()
        .map(|(line, p)| (*line, p.as_str()))
        .collect();
    let place_ok =
        |id: &str| !places_read || place_ids.contains(id) || rejected.places.contains(id);
    let dyads: HashSet<Dyad> = segs.iter().map(|(_, s)| s.dyad).collect();
    let dyad_ok = |d: &Dyad| {
        !segments_read
            || rejected.dyad_unread
            || dyads.contains(d)
            || rejected.segment_dyads.contains(d)
    };
    let mut incident_ids = HashSet::new();
    for (line, i) in &l.incidents {
        let at = |m: String| Problem::new(n_incidents, Location::Line(*line), m);
        if !incident_ids.insert(i.id.as_str()) {
            problems.push(at(format!("duplicate incident id {:?}", i.id)));
        }
        if !source_ok(&i.source_id) {
            problems.push(at(format!("unknown source_id {:?}", i.source_id)));
        }
        if let Some(place) = place_of.get(line).filter(|p| !place_ok(p)) {
            problems.push(at(format!("unknown place {place:?}")));
        }
        if let Some(dyad) = i.dyad.filter(|d| !dyad_ok(d)) {
            problems.push(at(format!(
                "unknown dyad {dyad}: no segment in the dataset is on it"
            )));
        }
    }

    let source_by_id = sources
        .iter()
        .enumerate()
        .map(|(i, (_, s))| (s.id.clone(), i))
        .collect();
    let mut data = Dataset {
        sources: sources.into_iter().map(|(_, s)| s).collect(),
        instruments: instruments.into_iter().map(|(_, i)| i).collect(),
        segments: segs.into_iter().map(|(_, s)| s).collect(),
        changes: l.changes,
        places: places.into_iter().map(|(_, p)| p).collect(),
        incidents: l.incidents.into_iter().map(|(_, i)| i).collect(),
        segment_by_id,
        instrument_by_id,
        source_by_id,
        changes_by_segment,
        claims: Vec::new(),
        tallies: Vec::new(),
        regime_changes: Vec::new(),
    };
    let known = super::regimes::RegimeCheckContext {
        file: name("regimes.csv"),
        rejected,
        sources_read,
        instruments_read,
        segments_read,
        places_read,
    };
    super::regimes::check(&data, &l.regimes, &known, problems);
    data.regime_changes = l.regimes;
    data
}

/// Orders must be unique in a dyad; consecutive segments of one part must meet end to start,
/// without a gap or an overlap, and keep the same countries on the same sides.
///
/// When some segment features were rejected (`incomplete`), only segments whose orders follow
/// each other are compared: a rejected segment may lie between the others.
fn check_chains(
    file: &str,
    segs: &[(usize, Segment)],
    incomplete: bool,
    problems: &mut Vec<Problem>,
) {
    for w in segs.windows(2) {
        let ((_, a), (ib, b)) = (&w[0], &w[1]);
        if a.dyad != b.dyad {
            continue;
        }
        let at = |m: String| Problem::new(file, feature(*ib, &b.id), m);
        if a.order == b.order {
            problems.push(at(format!(
                "order {} is also used by segment {:?} of {}",
                b.order, a.id, a.dyad
            )));
            continue;
        }
        if a.part != b.part || (incomplete && a.order.checked_add(1) != Some(b.order)) {
            continue;
        }
        if (a.left, a.right) != (b.left, b.right) {
            problems.push(at(format!(
                "left/right ({}/{}) differ from the previous segment {:?} of the same part ({}/{}); is the line reversed?",
                b.left, b.right, a.id, a.left, a.right
            )));
        }
        let (Some(&end), Some(&start)) = (a.line.0.last(), b.line.0.first()) else {
            continue;
        };
        let gap_m = Geodesic.distance(Point::from(end), Point::from(start));
        if gap_m > GAP_TOLERANCE_M {
            problems.push(at(format!(
                "gap of {gap_m:.1} m between the end of segment {:?} and the start of this one (same part {}, tolerance {GAP_TOLERANCE_M} m)",
                a.id, b.part
            )));
            continue;
        }
        let n = a.line.0.len();
        if n >= 2 && b.line.0.len() >= 2 && doubles_back(a.line.0[n - 2], end, b.line.0[1]) {
            problems.push(at(format!(
                "overlaps the end of segment {:?}: its first edge runs back along that segment's last edge",
                a.id
            )));
        }
    }
}

/// A segment's changes must be in chronological order under both bases, and demarcation must
/// not start before the segment is delimited.
fn check_history<'a>(
    file: &str,
    seg: &Segment,
    changes: &[&'a StatusChange],
    instrument: &dyn Fn(&StatusChange) -> Option<&'a Instrument>,
    problems: &mut Vec<Problem>,
) {
    // (line, message, basis) for each basis; a message found under both is reported once.
    let mut found: Vec<(u64, String, Basis)> = Vec::new();
    for basis in [Basis::Signed, Basis::InForce] {
        let dates: Vec<_> = changes
            .iter()
            .map(|c| c.effective(instrument(c), basis))
            .collect();
        for i in 1..changes.len() {
            if let (Some(prev), Some(cur)) = (dates[i - 1], dates[i]) {
                if cur.last() < prev.first() {
                    found.push((changes[i].line, format!(
                        "status changes of segment {:?} out of order: {cur} comes after {prev} (line {})",
                        seg.id, changes[i - 1].line
                    ), basis));
                }
            }
        }
        // For each change, the first later one that delimits the segment: found in one pass
        // from the end, so that a long history is checked in linear time.
        let mut next_delimiting = vec![None; changes.len()];
        let mut after = None;
        for (i, c) in changes.iter().enumerate().rev() {
            next_delimiting[i] = after;
            if c.delimitation() == Some(Delimitation::Delimited) {
                after = Some(i);
            }
        }
        let mut delim = Delimitation::Unknown;
        for (i, c) in changes.iter().enumerate() {
            if let Some(d) = c.delimitation() {
                delim = d;
            }
            let Some(dem) = c.demarcation().filter(|d| d.has_started()) else {
                continue;
            };
            let later = next_delimiting[i].map(|l| (changes[l], &dates[l]));
            let bad = match delim {
                Delimitation::Undelimited | Delimitation::Disputed => true,
                Delimitation::Unknown => later.is_some(),
                Delimitation::Delimited => false,
            };
            if bad {
                let when = dates[i].map(|d| d.to_string()).unwrap_or_default();
                let until = later
                    .and_then(|(_, d)| *d)
                    .map(|d| format!("; delimited only from {d}"))
                    .unwrap_or_default();
                found.push((c.line, format!(
                    "demarcation {dem} on {when} before segment {:?} is delimited (it is {delim} then{until})",
                    seg.id
                ), basis));
            }
        }
    }
    found.sort_by_key(|f| f.0);
    // Looked up per problem: a set, so that a history with many problems is not quadratic.
    let keys: HashSet<(u64, &str, Basis)> = found
        .iter()
        .map(|(line, message, basis)| (*line, message.as_str(), *basis))
        .collect();
    let under = |basis: Basis, line: u64, message: &str| keys.contains(&(line, message, basis));
    for (line, message, basis) in &found {
        let which = match basis {
            Basis::Signed if under(Basis::InForce, *line, message) => EITHER_BASIS,
            Basis::Signed => SIGNED_BASIS,
            Basis::InForce if under(Basis::Signed, *line, message) => continue,
            Basis::InForce => IN_FORCE_BASIS,
        };
        problems.push(Problem::new(
            file,
            Location::Line(*line),
            format!("{message} {which}"),
        ));
    }
}
