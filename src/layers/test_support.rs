//! Helpers for the layers' tests.

use std::io;

use crate::report::{Format, LayerSink, RowWriter, Schema};

/// The CSV text of a layer written by `write` into a sink made for `schema`, and what
/// `write` returned (the count of features).
pub(super) fn csv_of(
    schema: &Schema,
    write: impl FnOnce(&mut dyn LayerSink) -> io::Result<u64>,
) -> Result<(String, u64), Box<dyn std::error::Error>> {
    let mut sink = RowWriter::with_schema(Vec::new(), Format::Csv, schema)?;
    let n = write(&mut sink)?;
    Ok((String::from_utf8(sink.finish()?)?, n))
}
