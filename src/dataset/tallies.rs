//! `tallies.csv`: aggregate counts, read and checked against the dataset's sources and dyads.

use super::records::Fields;
use crate::io::csv_table::Table;
use crate::{Dyad, Problem, Tally, TallyQualifier};

fn kind_word(s: &str) -> Result<String, String> {
    let ok = s
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok && s.starts_with(|c: char| c.is_ascii_lowercase()) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s:?} is not a lowercase word (letters, digits and _, such as mine_death)"
        ))
    }
}

fn count(s: &str) -> Result<u64, String> {
    s.trim()
        .parse::<u64>()
        .map_err(|_| format!("{s:?} is not a whole number, 0 or more"))
}

/// Reads `tallies.csv`, one problem per bad field: a source that `known_source` does not know
/// and a dyad that `known_dyad` does not know are problems too.
pub(crate) fn read(
    t: &Table,
    known_source: impl Fn(&str) -> bool,
    known_dyad: impl Fn(Dyad) -> bool,
    out: &mut Vec<Problem>,
) -> Vec<Tally> {
    t.rows()
        .filter_map(|row| {
            let mut f = Fields::new(&row);
            f.required("dyad");
            f.required("period_start");
            f.required("period_end");
            f.required("kind");
            f.required("count");
            let dyad = f.parsed("dyad", str::parse::<Dyad>);
            if let Some(d) = dyad.filter(|&d| !known_dyad(d)) {
                f.problems
                    .push(row.problem(format!("dyad {d} has no segments in the dataset")));
            }
            let start = f.date("period_start");
            let end = f.date("period_end");
            if let (Some(s), Some(e)) = (start, end) {
                if e.last() < s.first() {
                    f.problems
                        .push(row.problem(format!("period_end {e} is before period_start {s}")));
                }
            }
            let kind = f.parsed("kind", kind_word);
            let n = f.parsed("count", count);
            let qualifier = match row.get("qualifier") {
                "" => Some(TallyQualifier::Exact),
                _ => f.parsed("qualifier", str::parse::<TallyQualifier>),
            };
            let source_id = f.required("source_id");
            if !source_id.is_empty() && !known_source(&source_id) {
                f.problems
                    .push(row.problem(format!("unknown source_id {source_id:?}")));
            }
            let note = f.text("note");
            let tally = match (dyad, start, end, kind, n, qualifier) {
                (
                    Some(dyad),
                    Some(period_start),
                    Some(period_end),
                    Some(kind),
                    Some(count),
                    Some(qualifier),
                ) => Some(Tally {
                    dyad,
                    period_start,
                    period_end,
                    kind,
                    count,
                    qualifier,
                    source_id,
                    note,
                    line: row.line,
                }),
                _ => None,
            };
            match tally {
                Some(t) => f.finish(t, out),
                None => {
                    out.extend(f.problems);
                    None
                }
            }
        })
        .collect()
}
