//! Turning table rows into model records, one problem per bad field.

use std::collections::HashSet;

use crate::io::csv_table::{Row, Table};
use crate::io::incidents::{Columns, Fields as RowFields};
use crate::{
    AttributeKind, Attributes, CountryCode, Dyad, Incident, Instrument, InstrumentKind,
    PartialDate, Problem, Source, StatusChange,
};

/// Collects field problems for one row; the row is kept only when it had none.
pub(super) struct Fields<'r, 'a> {
    pub(super) row: &'r Row<'a>,
    pub(super) problems: Vec<Problem>,
}

impl<'r, 'a> Fields<'r, 'a> {
    pub(super) fn new(row: &'r Row<'a>) -> Self {
        Fields {
            row,
            problems: Vec::new(),
        }
    }

    pub(super) fn text(&self, column: &str) -> String {
        self.row.get(column).to_string()
    }

    pub(super) fn required(&mut self, column: &str) -> String {
        let v = self.row.get(column);
        if v.is_empty() {
            self.problems
                .push(self.row.problem(format!("{column} is empty")));
        }
        v.to_string()
    }

    pub(super) fn parsed<T, E: std::fmt::Display>(
        &mut self,
        column: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let v = self.row.get(column);
        if v.is_empty() {
            return None;
        }
        match parse(v) {
            Ok(t) => Some(t),
            Err(e) => {
                self.problems
                    .push(self.row.problem(format!("{column}: {e}")));
                None
            }
        }
    }

    pub(super) fn date(&mut self, column: &str) -> Option<PartialDate> {
        self.parsed(column, str::parse::<PartialDate>)
    }

    pub(super) fn finish<T>(self, value: T, out: &mut Vec<Problem>) -> Option<T> {
        if self.problems.is_empty() {
            Some(value)
        } else {
            out.extend(self.problems);
            None
        }
    }

    /// Like [`Fields::finish`], and when the row is rejected its `key` (an id, or the id it
    /// belongs to) is added to `rejected`, so that references to it are not reported as unknown.
    pub(super) fn finish_or_reject<T>(
        self,
        value: Option<T>,
        key: &str,
        out: &mut Vec<Problem>,
        rejected: &mut HashSet<String>,
    ) -> Option<T> {
        let kept = match value {
            Some(v) => self.finish(v, out),
            None => {
                out.extend(self.problems);
                None
            }
        };
        if kept.is_none() && !key.is_empty() {
            rejected.insert(key.to_string());
        }
        kept
    }
}

/// Reads `sources.csv`; the ids of rejected rows go to `rejected`.
pub(crate) fn sources(
    t: &Table,
    out: &mut Vec<Problem>,
    rejected: &mut HashSet<String>,
) -> Vec<(u64, Source)> {
    t.rows()
        .filter_map(|row| {
            let mut f = Fields::new(&row);
            let s = Source {
                id: f.required("id"),
                title: f.required("title"),
                publisher: f.text("publisher"),
                date: f.date("date"),
                url: f.required("url"),
            };
            let id = s.id.clone();
            f.finish_or_reject(Some((row.line, s)), &id, out, rejected)
        })
        .collect()
}

/// Reads `instruments.csv`; the ids of rejected rows go to `rejected`.
pub(crate) fn instruments(
    t: &Table,
    out: &mut Vec<Problem>,
    rejected: &mut HashSet<String>,
) -> Vec<(u64, Instrument)> {
    t.rows()
        .filter_map(|row| {
            let mut f = Fields::new(&row);
            let id = f.required("id");
            f.required("dyad");
            f.required("kind");
            f.required("signed");
            let dyad = f.parsed("dyad", str::parse::<Dyad>);
            let kind = f.parsed("kind", str::parse::<InstrumentKind>);
            let signed = f.date("signed");
            let in_force = f.date("in_force");
            if let (Some(s), Some(i)) = (signed, in_force) {
                if i.last() < s.first() {
                    f.problems
                        .push(row.problem(format!("in_force {i} is before signed {s}")));
                }
            }
            let title = f.required("title");
            let source_id = f.required("source_id");
            let note = f.text("note");
            let i = match (dyad, kind, signed) {
                (Some(dyad), Some(kind), Some(signed)) => Some(Instrument {
                    id: id.clone(),
                    dyad,
                    kind,
                    title,
                    signed,
                    in_force,
                    source_id,
                    note,
                }),
                _ => None,
            };
            f.finish_or_reject(i.map(|i| (row.line, i)), &id, out, rejected)
        })
        .collect()
}

/// Reads `status.csv`; the segment ids of rejected rows go to `rejected` (their histories are
/// incomplete, so their order is not checked).
pub(crate) fn changes(
    t: &Table,
    out: &mut Vec<Problem>,
    rejected: &mut HashSet<String>,
) -> Vec<StatusChange> {
    t.rows()
        .filter_map(|row| {
            let mut f = Fields::new(&row);
            let segment_id = f.required("segment_id");
            let date = f.date("date");
            // One column per kind of attribute; a change sets at least one.
            let mut attributes = Attributes::new();
            for kind in AttributeKind::ALL {
                if let Some(a) = f.parsed(kind.as_str(), |word| kind.parse(word)) {
                    attributes.set(a);
                }
            }
            if AttributeKind::ALL
                .iter()
                .all(|kind| row.get(kind.as_str()).is_empty())
            {
                f.problems.push(row.problem(format!(
                    "neither {} is set",
                    AttributeKind::ALL.map(AttributeKind::as_str).join(" nor ")
                )));
            }
            let instrument_id = Some(f.text("instrument_id")).filter(|s| !s.is_empty());
            if instrument_id.is_none() && row.get("date").is_empty() {
                f.problems.push(
                    row.problem(
                        "date is empty and there is no instrument_id to take the date from",
                    ),
                );
            }
            let source_id = f.required("source_id");
            let key = segment_id.clone();
            let c = StatusChange {
                segment_id,
                date,
                attributes,
                instrument_id,
                source_id,
                note: f.text("note"),
                line: row.line,
            };
            f.finish_or_reject(Some(c), &key, out, rejected)
        })
        .collect()
}

/// Reads a dataset's `incidents.csv` with the same row conversion as a plain incident table
/// (`io::incidents`), so that a value means the same in both; a dataset also needs each
/// incident's `source_id`. A row shorter than the header is read with its missing fields empty.
pub(crate) fn incidents(t: &Table, out: &mut Vec<Problem>) -> Vec<(u64, Incident)> {
    let names: Vec<String> = t.columns().iter().map(|c| c.to_lowercase()).collect();
    let columns = match Columns::plain(&names) {
        Ok(c) => c,
        Err(message) => {
            out.push(Problem::new(t.file(), crate::Location::Line(1), message));
            return Vec::new();
        }
    };
    let mut kept = Vec::new();
    let mut spans = Vec::new();
    let mut padded = csv::ByteRecord::new();
    for row in t.rows() {
        let mut record = row.record().as_byte_record();
        if record.len() < names.len() {
            padded.clone_from(record);
            while padded.len() < names.len() {
                padded.push_field(b"");
            }
            record = &padded;
        }
        let converted = columns.incident(RowFields::of_record(record, &mut spans), &names);
        let mut problems = converted.as_ref().err().cloned().unwrap_or_default();
        if row.get("source_id").is_empty() {
            problems.push("source_id is empty".to_string());
        }
        match converted {
            Ok(incident) if problems.is_empty() => kept.push((row.line, incident)),
            _ => out.extend(problems.into_iter().map(|m| row.problem(m))),
        }
    }
    kept
}

/// Parses an alpha-3 code held in a text field, for GeoJSON properties.
pub(crate) fn country(s: &str) -> Result<CountryCode, String> {
    s.parse::<CountryCode>().map_err(|e| e.to_string())
}
