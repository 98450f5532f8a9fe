//! The `tallies` layer: aggregate counts that sources give without points.

use std::io;

use super::{dated, text, Features, LayerQuery};
use crate::report::{Column, LayerSink, Value};
use crate::Borders;

/// The `tallies` layer (no geometry): one feature per row of `tallies.csv`: `dyad`,
/// `period_start` (as recorded) with `period_start_first`, `period_end` with
/// `period_end_last` (the first and last days counted), `kind`, `count`, `qualifier`
/// (`exact`, `at_least` or `about`), `source_id`, `source_title`, `source_publisher`,
/// `source_date`, `source_url` and `note`. Counts of overlapping periods or from different
/// sources are separate features, never summed.
pub const TALLIES: &[Column] = &[
    Column::word("dyad"),
    Column::text("period_start"),
    Column::date("period_start_first"),
    Column::text("period_end"),
    Column::date("period_end_last"),
    Column::word("kind"),
    Column::integer("count"),
    Column::word("qualifier"),
    Column::text("source_id"),
    Column::text("source_title"),
    Column::text("source_publisher"),
    Column::text("source_date"),
    Column::text("source_url"),
    Column::text("note"),
];

/// Writes the [`TALLIES`] layer into `sink` (made for [`super::schema`]`(TALLIES, false)`):
/// the tallies of the query's dyad whose period shares a day with the query's span (every
/// period when the span is `None`), in file order. Returns how many features were written;
/// the sink is not finished.
///
/// # Errors
/// Any write error of the sink.
pub fn write_tallies(
    borders: &Borders,
    query: &LayerQuery,
    sink: &mut dyn LayerSink,
) -> io::Result<u64> {
    let data = borders.dataset();
    let mut out = Features::new(sink);
    let (mut start, mut end, mut source_date) = (String::new(), String::new(), String::new());
    for t in data.tallies() {
        if query.dyad.is_some_and(|d| d != t.dyad) {
            continue;
        }
        if query.at.is_some_and(|at| !at.overlaps(&t.period())) {
            continue;
        }
        let source = data.source(&t.source_id);
        let dyad = t.dyad.to_string();
        let [s, s0, _] = dated(Some(t.period_start), &mut start);
        let [e, _, e1] = dated(Some(t.period_end), &mut end);
        source_date.clear();
        if let Some(d) = source.and_then(|s| s.date) {
            source_date = d.to_string();
        }
        let values = [
            text(&dyad),
            s,
            s0,
            e,
            e1,
            text(&t.kind),
            Value::Integer(i64::try_from(t.count).unwrap_or(i64::MAX)),
            text(t.qualifier.as_str()),
            text(&t.source_id),
            source.map_or(Value::Empty, |s| text(&s.title)),
            source.map_or(Value::Empty, |s| text(&s.publisher)),
            text(&source_date),
            source.map_or(Value::Empty, |s| text(&s.url)),
            text(&t.note),
        ];
        out.add(None, &values)?;
    }
    out.done()
}
