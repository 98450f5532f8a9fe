//! KMZ: the KML document zipped. Google's KML reference ("KMZ Files") says the archive's root
//! document comes first, named `doc.kml` by convention; here it is the archive's one entry,
//! deflated.

use std::io::{self, Seek, Write};
use std::sync::Arc;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::KmlLayerWriter;
use crate::crs::Crs;
use crate::report::formats::invalid;
use crate::report::{Batch, FeatureEncoder, LayerSink, Schema};

/// The most bytes a zip entry holds without the ZIP64 extension (4 GiB less one), which the
/// archive is written without, for the readers that lack it.
const ENTRY_LIMIT: u64 = u32::MAX as u64;

/// Writes one layer as a KMZ archive: the document [`KmlLayerWriter`] writes (the same
/// bytes), as the archive's first and only entry `doc.kml`, deflated.
///
/// The entry's time is the zip format's earliest (1980-01-01), so the same layer always gives
/// the same bytes. The archive has no ZIP64 extension: a document over 4 GiB (about
/// 6 million incidents) is refused with an error, and is written as KML instead.
///
/// ```
/// use bordertrack::crs::Crs;
/// use bordertrack::report::formats::KmzLayerWriter;
/// use bordertrack::report::{Column, LayerSink, Schema};
///
/// let schema = Schema { columns: vec![Column::text("id")], has_geometry: true };
/// let mut writer =
///     KmzLayerWriter::new(std::io::Cursor::new(Vec::new()), "events", &schema, &Crs::wgs84())?;
/// writer.finish()?;
/// let archive = writer.into_inner()?.into_inner();
/// assert!(archive.starts_with(b"PK\x03\x04\x14\x00"));
/// assert_eq!(&archive[30..37], b"doc.kml");
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct KmzLayerWriter<W: Write + Seek> {
    /// The KML writer, until the layer is finished.
    kml: Option<KmlLayerWriter<Entry<W>>>,
    /// The output, once the layer is finished.
    out: Option<W>,
    schema: Schema,
    encoder: Arc<dyn FeatureEncoder>,
}

/// The archive's entry being written, refusing more than the entry can hold.
struct Entry<W: Write + Seek> {
    zip: ZipWriter<W>,
    written: u64,
    limit: u64,
}

impl<W: Write + Seek> Write for Entry<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.written + buf.len() as u64 > self.limit {
            return Err(invalid(format!(
                "the KML document passes {} bytes, the most a KMZ entry holds without ZIP64 \
                 (which this writer does not use): write the layer as KML",
                self.limit
            )));
        }
        let n = self.zip.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.zip.flush()
    }
}

impl<W: Write + Seek> KmzLayerWriter<W> {
    /// A writer of layer `name` of `schema` to `out`, as [`KmlLayerWriter::new`].
    ///
    /// # Errors
    /// `crs` is not WGS84 (KML holds WGS84 longitude/latitude only), or the archive's first
    /// header cannot be written.
    pub fn new(out: W, name: &str, schema: &Schema, crs: &Crs) -> io::Result<Self> {
        Self::with_limit(out, name, schema, crs, ENTRY_LIMIT)
    }

    /// As [`KmzLayerWriter::new`], refusing a document of more than `limit` bytes.
    fn with_limit(out: W, name: &str, schema: &Schema, crs: &Crs, limit: u64) -> io::Result<Self> {
        let mut zip = ZipWriter::new(out);
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .large_file(false);
        zip.start_file("doc.kml", options)?;
        let entry = Entry {
            zip,
            written: 0,
            limit,
        };
        let kml = KmlLayerWriter::new(entry, name, schema, crs)?;
        Ok(KmzLayerWriter {
            encoder: kml.encoder(),
            schema: schema.clone(),
            kml: Some(kml),
            out: None,
        })
    }

    /// The output, with the archive finished (by [`LayerSink::finish`] or now).
    ///
    /// # Errors
    /// Any write error while finishing.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.finish()?;
        self.out
            .take()
            .ok_or_else(|| invalid("the KMZ archive was not finished"))
    }
}

impl<W: Write + Seek> LayerSink for KmzLayerWriter<W> {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn encoder(&self) -> Arc<dyn FeatureEncoder> {
        self.encoder.clone()
    }

    fn write_batch(&mut self, batch: &mut Batch) -> io::Result<()> {
        match &mut self.kml {
            Some(kml) => kml.write_batch(batch),
            None => Err(invalid("the KMZ archive is already finished")),
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        let Some(mut kml) = self.kml.take() else {
            return Ok(());
        };
        kml.finish()?;
        let mut out = kml.into_inner().zip.finish()?;
        out.flush()?;
        self.out = Some(out);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Column, Value};
    use geo::{point, Geometry};
    use std::io::{Cursor, Read};

    fn schema() -> Schema {
        Schema {
            columns: vec![Column::text("id"), Column::integer("n")],
            has_geometry: true,
        }
    }

    /// The features `(id, n)` at points, encoded into one batch.
    fn batch(sink: &dyn LayerSink, features: &[(&str, i64)]) -> Batch {
        let encoder = sink.encoder();
        let mut batch = Batch::default();
        for (i, &(id, n)) in features.iter().enumerate() {
            let g = Geometry::Point(point!(x: 69.0 + i as f64, y: 41.5));
            encoder.encode(&mut batch, Some(&g), &[Value::Text(id), Value::Integer(n)]);
        }
        batch
    }

    #[test]
    fn the_archive_holds_the_kml_document_as_doc_kml_deflated() {
        let features = [("a", 1), ("b & c", 2), ("d", 3)];
        let mut kml = KmlLayerWriter::new(Vec::new(), "events", &schema(), &Crs::wgs84()).unwrap();
        let mut b = batch(&kml, &features);
        kml.write_batch(&mut b).unwrap();
        kml.finish().unwrap();
        let document = kml.into_inner();

        let mut kmz =
            KmzLayerWriter::new(Cursor::new(Vec::new()), "events", &schema(), &Crs::wgs84())
                .unwrap();
        let mut b = batch(&kmz, &features);
        kmz.write_batch(&mut b).unwrap();
        kmz.finish().unwrap();
        let archive = kmz.into_inner().unwrap().into_inner();

        let mut zip = zip::ZipArchive::new(Cursor::new(&archive)).unwrap();
        assert_eq!(zip.file_names().collect::<Vec<_>>(), ["doc.kml"]);
        let mut entry = zip.by_index(0).unwrap();
        assert_eq!(entry.name(), "doc.kml");
        assert_eq!(entry.compression(), CompressionMethod::Deflated);
        let mut text = Vec::new();
        entry.read_to_end(&mut text).unwrap();
        assert_eq!(text, document);
        assert!(entry.compressed_size() < entry.size());
    }

    #[test]
    fn the_same_layer_gives_the_same_bytes() {
        let write = || {
            let mut kmz =
                KmzLayerWriter::new(Cursor::new(Vec::new()), "e", &schema(), &Crs::wgs84())
                    .unwrap();
            let mut b = batch(&kmz, &[("a", 1)]);
            kmz.write_batch(&mut b).unwrap();
            kmz.into_inner().unwrap().into_inner()
        };
        assert_eq!(write(), write());
    }

    #[test]
    fn a_document_past_the_limit_is_refused_and_other_crs_too() {
        let mut kmz =
            KmzLayerWriter::with_limit(Cursor::new(Vec::new()), "e", &schema(), &Crs::wgs84(), 600)
                .unwrap();
        let mut b = batch(&kmz, &[("a", 1), ("b", 2), ("c", 3), ("d", 4)]);
        let e = kmz.write_batch(&mut b).unwrap_err();
        assert!(e.to_string().contains("passes 600 bytes"), "{e}");
        let crs = Crs::epsg(32642);
        let e = KmzLayerWriter::new(Cursor::new(Vec::new()), "e", &schema(), &crs)
            .err()
            .unwrap();
        assert!(
            e.to_string().contains("WGS84 longitude/latitude only"),
            "{e}"
        );
    }
}
