//! KMZ: a KML document zipped. Google's KML reference ("KMZ Files") says the archive holds
//! one root document, `doc.kml` by convention, which readers take as the first `.kml` entry;
//! the other entries (images, models) are not read here.
//!
//! The archive's directory is read with the `zip` crate (2.x, default features off, deflate
//! through `flate2`: it brings no crate the build does not already have), which finds the
//! root document and checks its header. The document is then inflated as it is read, from
//! the file, by [`EntryReader`], which checks its CRC-32 and size at its end: so memory does
//! not grow with the archive, and KML input can read the document twice as it reads a
//! `.kml` file twice.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Take};

use flate2::bufread::DeflateDecoder;
use zip::{CompressionMethod, ZipArchive};

/// The first four bytes of a zip archive (a local file header).
pub(crate) const ZIP_MAGIC: &[u8; 4] = b"PK\x03\x04";

/// Where the root KML document of a KMZ archive is, and what it should read as.
#[derive(Debug, Clone)]
pub(crate) struct RootEntry {
    name: String,
    /// The offset of its (compressed) data in the file.
    data_start: u64,
    compressed_size: u64,
    size: u64,
    crc32: u32,
    /// Deflated, or else stored.
    deflated: bool,
}

/// The root KML document of the KMZ archive `file`: its `doc.kml`, or else its first entry
/// whose name ends in `.kml`. `Err` says what is wrong with the archive.
pub(crate) fn root_entry(file: &File) -> Result<RootEntry, String> {
    let unreadable = |e: &dyn std::fmt::Display| format!("not a readable KMZ (zip) archive: {e}");
    let handle = file.try_clone().map_err(|e| unreadable(&e))?;
    let mut archive = ZipArchive::new(BufReader::new(handle)).map_err(|e| unreadable(&e))?;
    let names: Vec<String> = archive.file_names().map(str::to_string).collect();
    let is_kml = |name: &&String| {
        name.rsplit_once('.')
            .is_some_and(|(_, x)| x.eq_ignore_ascii_case("kml"))
    };
    let name = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case("doc.kml"))
        .or_else(|| names.iter().find(is_kml))
        .ok_or_else(|| {
            format!(
                "not a KMZ archive: no .kml document in it (its entries: {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            )
        })?;
    // Opening the entry checks its local header, and refuses encryption and the compression
    // methods this build cannot inflate.
    let entry = archive
        .by_name(name)
        .map_err(|e| format!("KMZ entry {name:?}: {e}"))?;
    let deflated = match entry.compression() {
        CompressionMethod::Deflated => true,
        CompressionMethod::Stored => false,
        other => {
            return Err(format!(
                "KMZ entry {name:?}: compression method {other} is not read (only stored and \
                 deflated entries)"
            ))
        }
    };
    Ok(RootEntry {
        name: name.clone(),
        data_start: entry.data_start(),
        compressed_size: entry.compressed_size(),
        size: entry.size(),
        crc32: entry.crc32(),
        deflated,
    })
}

impl RootEntry {
    /// A reader of the document from its start, reading `file` (through a handle of its own,
    /// which shares `file`'s position: one reading at a time).
    pub(crate) fn reader(&self, file: &File) -> io::Result<EntryReader> {
        let mut handle = file.try_clone()?;
        handle.seek(SeekFrom::Start(self.data_start))?;
        let data = BufReader::with_capacity(1 << 16, handle.take(self.compressed_size));
        Ok(EntryReader {
            data: if self.deflated {
                Data::Deflated(DeflateDecoder::new(data))
            } else {
                Data::Stored(data)
            },
            crc: flate2::Crc::new(),
            read: 0,
            entry: self.clone(),
            failure: None,
        })
    }
}

/// The compressed data of an entry.
type Compressed = BufReader<Take<File>>;

/// An entry's data as stored.
enum Data {
    Stored(Compressed),
    Deflated(DeflateDecoder<Compressed>),
}

/// The root document's text, inflated as it is read, its CRC-32 and size checked at its end.
pub(crate) struct EntryReader {
    data: Data,
    crc: flate2::Crc,
    read: u64,
    entry: RootEntry,
    /// What was wrong with the archive, once met: a message about it.
    pub(crate) failure: Option<String>,
}

impl EntryReader {
    /// Records and returns the error `message` about the entry.
    fn fail(&mut self, message: String) -> io::Error {
        let message = format!(
            "not a readable KMZ (zip) archive: entry {:?}: {message}",
            self.entry.name
        );
        self.failure = Some(message.clone());
        io::Error::new(io::ErrorKind::InvalidData, message)
    }
}

impl Read for EntryReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let got = match &mut self.data {
            Data::Stored(r) => r.read(buf),
            Data::Deflated(r) => r.read(buf),
        };
        let n = match got {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Err(e),
            Err(e) => return Err(self.fail(e.to_string())),
        };
        if n == 0 {
            if self.read != self.entry.size {
                let (read, size) = (self.read, self.entry.size);
                return Err(self.fail(format!("{read} bytes where the archive says {size}")));
            }
            if self.crc.sum() != self.entry.crc32 {
                return Err(self.fail("checksum (CRC-32) mismatch: the data is damaged".into()));
            }
            return Ok(0);
        }
        self.crc.update(&buf[..n]);
        self.read += n as u64;
        if self.read > self.entry.size {
            let size = self.entry.size;
            return Err(self.fail(format!("more than the {size} bytes the archive says")));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// The fixed sizes of the end-of-central-directory record and of a central directory
    /// entry.
    const END_SIZE: usize = 22;
    const ENTRY_SIZE: usize = 46;
    /// The end-of-central-directory record's signature.
    const END_SIGNATURE: u32 = 0x0605_4b50;

    /// A zip archive of `entries` (name, content, deflated or stored), as zip programs write
    /// it: local headers and data, then the central directory and its end.
    fn zip(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut directory = Vec::new();
        for &(name, content, deflate) in entries {
            let data = if deflate {
                let mut e = flate2::write::DeflateEncoder::new(Vec::new(), Default::default());
                e.write_all(content).unwrap();
                e.finish().unwrap()
            } else {
                content.to_vec()
            };
            let mut crc = flate2::Crc::new();
            crc.update(content);
            let method: u16 = if deflate { 8 } else { 0 };
            let offset = out.len() as u32;
            let common = |v: &mut Vec<u8>| {
                v.extend(20u16.to_le_bytes());
                v.extend(0u16.to_le_bytes());
                v.extend(method.to_le_bytes());
                v.extend([0u8; 4]);
                v.extend(crc.sum().to_le_bytes());
                v.extend((data.len() as u32).to_le_bytes());
                v.extend((content.len() as u32).to_le_bytes());
                v.extend((name.len() as u16).to_le_bytes());
                v.extend(0u16.to_le_bytes());
            };
            out.extend(0x0403_4b50u32.to_le_bytes());
            common(&mut out);
            out.extend(name.as_bytes());
            out.extend(&data);
            directory.extend(0x0201_4b50u32.to_le_bytes());
            directory.extend(20u16.to_le_bytes());
            common(&mut directory);
            directory.extend([0u8; 10]);
            directory.extend(offset.to_le_bytes());
            directory.extend(name.as_bytes());
        }
        let at = out.len() as u32;
        out.extend(&directory);
        out.extend(END_SIGNATURE.to_le_bytes());
        out.extend([0u8; 4]);
        out.extend((entries.len() as u16).to_le_bytes());
        out.extend((entries.len() as u16).to_le_bytes());
        out.extend((directory.len() as u32).to_le_bytes());
        out.extend(at.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out
    }

    /// The root document of the archive `bytes` (written to a file), read through twice:
    /// the same text both times, or the error.
    fn root_document(bytes: &[u8]) -> Result<String, String> {
        let mut file = tempfile::tempfile().map_err(|e| e.to_string())?;
        file.write_all(bytes).map_err(|e| e.to_string())?;
        let entry = root_entry(&file)?;
        let mut texts = Vec::new();
        for _ in 0..2 {
            let mut reader = entry.reader(&file).map_err(|e| e.to_string())?;
            let mut text = String::new();
            let read = reader.read_to_string(&mut text);
            if let Some(failure) = reader.failure {
                return Err(failure);
            }
            read.map_err(|e| e.to_string())?;
            texts.push(text);
        }
        assert_eq!(texts[0], texts[1]);
        Ok(texts.remove(0))
    }

    #[test]
    fn the_root_document_is_doc_kml_or_the_first_kml_entry() {
        let kml: &[u8] = b"<kml><Document></Document></kml>";
        let archive = zip(&[("files/a.png", b"\x89PNG", false), ("doc.kml", kml, true)]);
        assert_eq!(archive[..4], ZIP_MAGIC[..]);
        assert_eq!(root_document(&archive).unwrap().as_bytes(), kml);
        let archive = zip(&[("a.txt", b"x", true), ("Places.KML", kml, false)]);
        assert_eq!(root_document(&archive).unwrap().as_bytes(), kml);
        let archive = zip(&[("a.txt", b"x", true)]);
        let e = root_document(&archive).unwrap_err();
        assert!(
            e.contains("no .kml document in it (its entries: a.txt)"),
            "{e}"
        );
    }

    #[test]
    fn corrupt_and_truncated_archives_are_refused_without_a_panic() {
        let text = b"<kml><Document><name>a longer document to deflate</name></Document></kml>";
        for deflate in [true, false] {
            let archive = zip(&[("doc.kml", text, deflate)]);
            // The CRC in the central directory (after the local header, name and data), then
            // the uncompressed size there.
            let central = archive.len() - END_SIZE - (ENTRY_SIZE + "doc.kml".len());
            let mut bad_crc = archive.clone();
            bad_crc[central + 16] ^= 0xFF;
            let e = root_document(&bad_crc).unwrap_err();
            assert!(
                e.starts_with("not a readable KMZ (zip) archive: entry \"doc.kml\": checksum"),
                "{e}"
            );
            let mut bad_size = archive.clone();
            bad_size[central + 24] += 1;
            let e = root_document(&bad_size).unwrap_err();
            assert!(e.contains("where the archive says"), "{e}");
            bad_size[central + 24] -= 2;
            let e = root_document(&bad_size).unwrap_err();
            assert!(e.contains("more than the"), "{e}");
            // Damaged data (the first byte after the local header and name).
            let mut bad_data = archive.clone();
            bad_data[30 + "doc.kml".len()] ^= 0x5A;
            let e = root_document(&bad_data).unwrap_err();
            assert!(e.starts_with("not a readable KMZ (zip) archive"), "{e}");
            for n in 0..archive.len() {
                let _ = root_document(&archive[..n]);
            }
        }
        let e = root_document(b"<kml/>").unwrap_err();
        assert!(e.starts_with("not a readable KMZ"), "{e}");
    }
}
