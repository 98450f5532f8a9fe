//! Recognising an incident table's format from its first bytes: GeoJSON, CSV (whose header
//! then names the layout), or a file that is not read this way (Parquet, compressed, a JSON
//! array).

use std::io::{Cursor, Read};

use super::super::csv_source::IncidentCsv;
use super::super::geojson::GeoJsonSource;
use super::super::layout::Layout;
use super::super::mapping::ColumnMapping;
use super::Source;
use crate::io::csv_table::{read_more, Opening, MAX_HEADER_BYTES};
use crate::{Error, Location, Problem};

/// Detects the format of `input` and reads its header (or, for GeoJSON, everything up to the
/// first feature); `name` names the input in messages. See
/// [`IncidentReader::from_reader`](super::IncidentReader::from_reader) for the errors.
pub(super) fn open_source<R: Read>(
    mut input: R,
    name: &str,
    mapping: &ColumnMapping,
) -> Result<(Layout, Source<R>), Error> {
    let fatal = |line: u64, msg: String| {
        let location = if line == 0 {
            Location::File
        } else {
            Location::Line(line)
        };
        Error::Invalid(vec![Problem::new(name, location, msg)])
    };
    let io_error = |source| Error::Io {
        path: name.into(),
        source,
    };
    let (mut prefix, at_end) = read_prefix(&mut input).map_err(io_error)?;
    if prefix.starts_with(&BOM) {
        prefix.drain(..BOM.len());
    }
    if prefix.starts_with(b"PAR1") {
        return Err(fatal(
            0,
            "a Parquet file, which is read from a file by its path (its index is at the \
             end): name it with a .parquet extension"
                .into(),
        ));
    }
    if prefix.starts_with(b"SQLite format 3\0") {
        return Err(fatal(
            0,
            "an SQLite file (a GeoPackage?), which is read from a file by its path: name it \
             with a .gpkg extension"
                .into(),
        ));
    }
    if cfg!(feature = "formats") && (prefix.starts_with(b"<?xml") || prefix.starts_with(b"<kml")) {
        return Err(fatal(
            0,
            "an XML document (KML?), which is read from a file by its path: name it with a \
             .kml extension"
                .into(),
        ));
    }
    if prefix.starts_with(b"fgb\x03") {
        return Err(fatal(
            0,
            "a FlatGeobuf file, which is read from a file by its path: name it with a .fgb \
             extension"
                .into(),
        ));
    }
    if cfg!(feature = "formats") && prefix.starts_with(ZIP_SIGNATURE) {
        return Err(fatal(
            0,
            "a zip archive (KMZ, zipped KML?), which is read from a file by its path: name it \
             with a .kmz extension; any other archive, unzip it and read the table inside"
                .into(),
        ));
    }
    if let Some(format) = compressed_format(&prefix) {
        return Err(fatal(
            0,
            format!(
                "the file looks {format}-compressed (it starts with the {format} signature); \
                 decompress it first"
            ),
        ));
    }
    let Some(&first) = prefix.iter().find(|b| !b.is_ascii_whitespace()) else {
        return Err(if prefix.len() > MAX_HEADER_BYTES {
            fatal(0, "nothing but whitespace in the first 1 MiB".into())
        } else {
            fatal(0, "empty file".into())
        });
    };
    let (layout, source) = if first == b'{' || first == RECORD_SEPARATOR {
        let sequence = first == RECORD_SEPARATOR
            || first_line_is_a_feature(&mut prefix, &mut input).map_err(io_error)?;
        let stream = Cursor::new(prefix).chain(input);
        let src = GeoJsonSource::open(stream, mapping, sequence)
            .map_err(|(line, msg)| fatal(line, msg))?;
        (Layout::GeoJson, Source::GeoJson(Box::new(src)))
    } else if first == b'[' {
        return Err(fatal(
            1,
            "a JSON array is not a GeoJSON FeatureCollection (expected an object with \
             \"type\": \"FeatureCollection\")"
                .into(),
        ));
    } else {
        let src = IncidentCsv::open(prefix, at_end, input, mapping).map_err(|e| match e {
            Opening::Invalid(line, msg) => fatal(line, msg),
            Opening::Io(e) => io_error(e),
        })?;
        (src.header.columns.layout(), Source::Csv(Box::new(src)))
    };
    Ok((layout, source))
}

/// The byte that starts each record of a GeoJSON text sequence (RFC 8142).
const RECORD_SEPARATOR: u8 = 0x1E;

/// Whether the input, whose first bytes `prefix` start with `{` after whitespace, is a
/// newline-delimited GeoJSON sequence: its first line (read on into `prefix`, up to 1 MiB)
/// is a whole JSON object of `"type": "Feature"`. A FeatureCollection starts with a line that
/// is not a whole object, or with one of another type.
fn first_line_is_a_feature<R: Read>(prefix: &mut Vec<u8>, input: &mut R) -> std::io::Result<bool> {
    let start = prefix
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    loop {
        if let Some(end) = prefix[start..].iter().position(|&b| b == b'\n') {
            return Ok(is_a_feature(&prefix[start..start + end]));
        }
        if prefix.len() > MAX_HEADER_BYTES {
            return Ok(false);
        }
        if read_more(input, prefix, 8192)? == 0 {
            return Ok(is_a_feature(&prefix[start..]));
        }
    }
}

/// Whether `line` is a whole JSON object whose `type` is `"Feature"`.
fn is_a_feature(line: &[u8]) -> bool {
    type Members = std::collections::HashMap<String, Box<serde_json::value::RawValue>>;
    serde_json::from_slice::<Members>(line).is_ok_and(|members| {
        members
            .get("type")
            .is_some_and(|t| t.get() == "\"Feature\"")
    })
}

/// The UTF-8 byte order mark that some tools write at the start of a file.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// Reads until the first non-whitespace byte (after a possible BOM) and the end of its line
/// are in the buffer, or the input ends, or [`MAX_HEADER_BYTES`] have been read. Also says
/// whether the input ended.
fn read_prefix<R: Read>(input: &mut R) -> std::io::Result<(Vec<u8>, bool)> {
    let mut buf = Vec::with_capacity(8192);
    loop {
        let content = buf.strip_prefix(&BOM[..]).unwrap_or(&buf);
        if let Some(first) = content.iter().position(|b| !b.is_ascii_whitespace()) {
            let rest = content.get(first..).unwrap_or(&[]);
            if rest.first() == Some(&b'{') || rest.contains(&b'\n') {
                return Ok((buf, false));
            }
        }
        if buf.len() > MAX_HEADER_BYTES {
            return Ok((buf, false));
        }
        if read_more(input, &mut buf, 8192)? == 0 {
            return Ok((buf, true));
        }
    }
}

/// The first bytes of a zip archive (a local file header), as of a KMZ.
const ZIP_SIGNATURE: &[u8] = b"PK\x03\x04";

/// The compressed formats recognised by their first bytes, so that a compressed file is not
/// read as broken text: `(signature, name)`.
const COMPRESSED: [(&[u8], &str); 4] = [
    (b"\x1f\x8b", "gzip"),
    (ZIP_SIGNATURE, "zip"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
];

/// The name of the compressed format `prefix` starts with, if any (bzip2: `BZh`, a block size
/// digit, then the block signature).
fn compressed_format(prefix: &[u8]) -> Option<&'static str> {
    if let Some((_, name)) = COMPRESSED.iter().find(|(sig, _)| prefix.starts_with(sig)) {
        return Some(name);
    }
    let bzip2 = prefix.len() >= 10
        && prefix.starts_with(b"BZh")
        && (b'1'..=b'9').contains(&prefix[3])
        && prefix[4..10] == *b"\x31\x41\x59\x26\x53\x59";
    bzip2.then_some("bzip2")
}
