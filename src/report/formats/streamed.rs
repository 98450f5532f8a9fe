//! What the text formats that write each feature's bytes as they come share (CSV with a WKT
//! column, GeoJSON text sequences): the output, the layer's schema and the encoder, and a
//! [`LayerSink`] that writes each batch as it is, holding nothing back.

use std::io::{self, Write};
use std::sync::Arc;

use crate::report::{Batch, FeatureEncoder, LayerSink, Schema};

/// A sink writing each encoded batch to `out` as it is.
pub(super) struct StreamedText<W: Write> {
    out: W,
    schema: Schema,
    encoder: Arc<dyn FeatureEncoder>,
}

impl<W: Write> StreamedText<W> {
    /// A sink of features of `schema`, encoded by `encoder`, to `out`.
    pub(super) fn new(out: W, schema: &Schema, encoder: Arc<dyn FeatureEncoder>) -> Self {
        StreamedText {
            out,
            schema: schema.clone(),
            encoder,
        }
    }

    /// The output.
    pub(super) fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write> LayerSink for StreamedText<W> {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn encoder(&self) -> Arc<dyn FeatureEncoder> {
        Arc::clone(&self.encoder)
    }

    fn write_batch(&mut self, batch: &mut Batch) -> io::Result<()> {
        self.out.write_all(&batch.bytes)?;
        batch.bytes.clear();
        batch.rows = 0;
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Makes the public writer `$writer<W>`, a newtype over [`StreamedText`], a [`LayerSink`]
/// that forwards to it, with `into_inner`.
macro_rules! streamed_writer {
    ($writer:ident) => {
        impl<W: std::io::Write> $writer<W> {
            /// The output, after [`LayerSink::finish`](crate::report::LayerSink::finish).
            pub fn into_inner(self) -> W {
                self.0.into_inner()
            }
        }

        impl<W: std::io::Write> crate::report::LayerSink for $writer<W> {
            fn schema(&self) -> &crate::report::Schema {
                self.0.schema()
            }

            fn encoder(&self) -> std::sync::Arc<dyn crate::report::FeatureEncoder> {
                self.0.encoder()
            }

            fn write_batch(&mut self, batch: &mut crate::report::Batch) -> std::io::Result<()> {
                self.0.write_batch(batch)
            }

            fn finish(&mut self) -> std::io::Result<()> {
                self.0.finish()
            }
        }
    };
}
pub(super) use streamed_writer;
