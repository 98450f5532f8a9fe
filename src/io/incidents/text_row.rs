//! [`TextRow`]: a row of a typed table (a GIS file's feature, a Parquet row) written out as
//! the text fields a CSV row would hold, so that it is converted to an incident by the same
//! rules as CSV and gives the same incident or the same problems, while its values are kept
//! with their types for the output.

use std::ops::Range;

use super::convert::blank_incident;
use super::layout::{Columns, Fields};
use crate::crs::Reprojection;
use crate::{Incident, RowValues};

/// One row being written out as CSV text fields, with its values carried typed. The buffers
/// are reused from row to row.
pub(super) struct TextRow {
    /// The fields' text, one after another.
    text: String,
    /// Where each field lies in `text`.
    spans: Vec<Range<usize>>,
    /// The table's own values, typed, carried to the output.
    values: RowValues,
    /// What is wrong with the row's point, when its position comes from a geometry.
    geometry_error: Option<String>,
    /// The incident converted into, reused.
    incident: Incident,
}

impl TextRow {
    /// An empty row.
    pub(super) fn new() -> TextRow {
        TextRow {
            text: String::new(),
            spans: Vec::new(),
            values: RowValues::default(),
            geometry_error: None,
            incident: blank_incident(),
        }
    }

    /// Empties the row for the next one.
    pub(super) fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
        self.values.clear();
        self.geometry_error = None;
    }

    /// Adds one field of the table's own: `write` appends its text as a CSV cell would hold
    /// it, then `carry` pushes its typed value given that text.
    pub(super) fn push_field(
        &mut self,
        write: impl FnOnce(&mut String),
        carry: impl FnOnce(&str, &mut RowValues),
    ) {
        let start = self.text.len();
        write(&mut self.text);
        self.spans.push(start..self.text.len());
        carry(&self.text[start..], &mut self.values);
    }

    /// Adds the latitude and longitude fields of a point (`x`, `y`: longitude, latitude in the
    /// table's CRS), which are not carried; a point that could not be read gives zeros, and
    /// its message is reported by [`TextRow::incident`].
    pub(super) fn push_point(&mut self, point: Result<(f64, f64), String>) {
        let (x, y) = match point {
            Ok(p) => p,
            Err(e) => {
                self.geometry_error = Some(e);
                (0.0, 0.0)
            }
        };
        for v in [y, x] {
            let start = self.text.len();
            push_display(&mut self.text, v);
            self.spans.push(start..self.text.len());
        }
    }

    /// The row as an incident, converted by `columns` (whose fields go by `names`) with
    /// coordinates reprojected by `reprojection` when given, and carrying the typed values;
    /// `Err` with every problem found, the point's first.
    pub(super) fn incident(
        &mut self,
        columns: &Columns,
        names: &[String],
        reprojection: Option<&Reprojection>,
    ) -> Result<Incident, String> {
        let fields = Fields::new(self.text.as_bytes(), &self.spans);
        let converted = columns.incident_into(&fields, names, &mut self.incident, reprojection);
        match (converted, self.geometry_error.take()) {
            (Ok(()), None) => {
                let mut incident = self.incident.clone();
                incident.values.clone_from(&self.values);
                Ok(incident)
            }
            (Ok(()), Some(g)) => Err(g),
            (Err(e), None) => Err(e),
            (Err(e), Some(g)) => Err(format!("{g}; {e}")),
        }
    }
}

/// Appends `value`'s `Display` form.
pub(super) fn push_display(out: &mut String, value: impl std::fmt::Display) {
    use std::fmt::Write;
    let _ = write!(out, "{value}");
}

/// One message per column of normalised `names` that repeats an earlier one, the columns
/// numbered by `number` (given a position in `names`).
pub(super) fn repeated_columns(names: &[String], number: impl Fn(usize) -> usize) -> Vec<String> {
    let mut problems = Vec::new();
    for (k, name) in names.iter().enumerate() {
        if let Some(j) = names[..k].iter().position(|n| n == name) {
            problems.push(format!(
                "column {name:?} appears more than once (columns {} and {})",
                number(j),
                number(k)
            ));
        }
    }
    problems
}
