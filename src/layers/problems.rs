//! The `problems` layer: what is wrong with a dataset or a table, one feature per problem,
//! so that a list of problems can be filtered, counted or joined like any other layer.

use std::io;

use super::{text, Features};
use crate::report::{Column, LayerSink, Value};
use crate::{Location, Problem};

/// The `problems` layer (no geometry): one feature per [`Problem`], in the order given.
///
/// - `file`: the file, as named in the problem;
/// - `line`: the CSV line (the header is line 1), empty elsewhere;
/// - `row`: the row of a table without lines (Parquet), from 1, empty elsewhere;
/// - `feature_index` and `feature_id`: the GeoJSON feature (index from 0, and its id where it
///   has one), empty elsewhere; all four are empty for a problem with the whole file;
/// - `kind`: what sort of problem it is ([`crate::ProblemKind::as_str`]: `invalid`,
///   `duplicate-id`, `too-long`, `unreadable`, `unplaced`);
/// - `severity`: `error` for every problem: each one makes the input invalid (the column is
///   there so that warnings can join the same layer);
/// - `message`: what is wrong, as [`Problem`]'s display gives it after the location.
///
/// # Examples
/// ```
/// use bordertrack::layers::{schema, write_problems, PROBLEMS};
/// use bordertrack::report::{Format, RowWriter};
/// use bordertrack::{Location, Problem};
/// let problems = [Problem::new("status.csv", Location::Line(4), "date: no such day")];
/// let mut sink = RowWriter::with_schema(Vec::new(), Format::Csv, &schema(PROBLEMS, false))?;
/// write_problems(&problems, &mut sink)?;
/// let csv = String::from_utf8(sink.finish()?).expect("UTF-8");
/// assert_eq!(
///     csv,
///     "file,line,row,feature_index,feature_id,kind,severity,message\n\
///      status.csv,4,,,,invalid,error,date: no such day\n"
/// );
/// # Ok::<(), std::io::Error>(())
/// ```
pub const PROBLEMS: &[Column] = &[
    Column::text("file"),
    Column::integer("line"),
    Column::integer("row"),
    Column::integer("feature_index"),
    Column::text("feature_id"),
    Column::word("kind"),
    Column::word("severity"),
    Column::text("message"),
];

/// Writes `problems` as the [`PROBLEMS`] layer into `sink` (made for
/// [`super::schema`]`(PROBLEMS, false)`); returns how many features were written. The sink is
/// not finished.
///
/// # Errors
/// Any write error of the sink.
pub fn write_problems(problems: &[Problem], sink: &mut dyn LayerSink) -> io::Result<u64> {
    let mut out = Features::new(sink);
    let whole = |n: u64| Value::Integer(i64::try_from(n).unwrap_or(i64::MAX));
    for p in problems {
        let (line, row, index, id) = match &p.location {
            Location::File => (Value::Empty, Value::Empty, Value::Empty, Value::Empty),
            Location::Line(n) => (whole(*n), Value::Empty, Value::Empty, Value::Empty),
            Location::Row(n) => (Value::Empty, whole(*n), Value::Empty, Value::Empty),
            Location::Feature { index, id } => (
                Value::Empty,
                Value::Empty,
                whole(u64::try_from(*index).unwrap_or(u64::MAX)),
                id.as_deref().map_or(Value::Empty, text),
            ),
        };
        let values = [
            text(&p.file),
            line,
            row,
            index,
            id,
            Value::Text(p.kind.as_str()),
            Value::Text("error"),
            text(&p.message),
        ];
        out.add(None, &values)?;
    }
    out.done()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Format, RowWriter};
    use crate::ProblemKind;

    fn json_of(problems: &[Problem]) -> serde_json::Value {
        let schema = super::super::schema(PROBLEMS, false);
        let mut sink = RowWriter::with_schema(Vec::new(), Format::Json, &schema).expect("a sink");
        assert_eq!(
            write_problems(problems, &mut sink).expect("written"),
            problems.len() as u64
        );
        serde_json::from_slice(&sink.finish().expect("finished")).expect("JSON")
    }

    #[test]
    fn each_location_fills_its_own_columns() {
        let problems = [
            Problem::new("a.csv", Location::File, "empty file"),
            Problem::new("a.csv", Location::Line(7), "bad date").with_kind(ProblemKind::TooLong),
            Problem::new("b.parquet", Location::Row(3), "bad lat"),
            Problem::new(
                "c.geojson",
                Location::Feature {
                    index: 2,
                    id: Some("S-1".into()),
                },
                "not a LineString",
            )
            .with_kind(ProblemKind::DuplicateId),
            Problem::new("c.geojson", Location::Feature { index: 5, id: None }, "x"),
        ];
        let rows = json_of(&problems);
        let rows = rows.as_array().expect("an array");
        assert_eq!(rows.len(), 5);
        let cols = |i: usize| -> Vec<serde_json::Value> {
            ["line", "row", "feature_index", "feature_id"]
                .iter()
                .map(|c| rows[i][*c].clone())
                .collect()
        };
        use serde_json::json;
        assert_eq!(
            cols(0),
            [json!(null), json!(null), json!(null), json!(null)]
        );
        assert_eq!(cols(1), [json!(7), json!(null), json!(null), json!(null)]);
        assert_eq!(cols(2), [json!(null), json!(3), json!(null), json!(null)]);
        assert_eq!(cols(3), [json!(null), json!(null), json!(2), json!("S-1")]);
        assert_eq!(cols(4), [json!(null), json!(null), json!(5), json!(null)]);
        assert_eq!(rows[1]["kind"], "too-long");
        assert_eq!(rows[3]["kind"], "duplicate-id");
        assert_eq!(rows[0]["kind"], "invalid");
        assert!(rows.iter().all(|r| r["severity"] == "error"));
        assert_eq!(rows[2]["file"], "b.parquet");
        assert_eq!(rows[3]["message"], "not a LineString");
    }
}
