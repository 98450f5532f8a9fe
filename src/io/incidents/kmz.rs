//! KMZ: a KML document zipped. Google's KML reference ("KMZ Files") says the archive holds
//! one root document, `doc.kml` by convention, which readers take as the first `.kml` entry;
//! the other entries (images, models) are not read here.
//!
//! The archive is read with the `zip` crate (2.x, default features off, deflate through
//! `flate2`: it brings no crate the build does not already have), which checks each entry's
//! CRC-32 and size. The archive is read whole and its root document held inflated in memory
//! (KML input reads the document twice: a `.kml` file from disk each time, a KMZ's document
//! from this copy).

use std::io::{Cursor, Read};

use zip::ZipArchive;

/// The first four bytes of a zip archive (a local file header).
pub(crate) const ZIP_MAGIC: &[u8; 4] = b"PK\x03\x04";

/// The text of the root KML document of the KMZ archive `bytes`: its `doc.kml`, or else its
/// first entry whose name ends in `.kml`. `Err` says what is wrong with the archive.
pub(crate) fn root_document(bytes: &[u8]) -> Result<String, String> {
    let mut archive = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not a readable KMZ (zip) archive: {e}"))?;
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
    let mut entry = archive
        .by_name(name)
        .map_err(|e| format!("KMZ entry {name:?}: {e}"))?;
    let mut data = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0).min(1 << 30));
    entry
        .read_to_end(&mut data)
        .map_err(|e| format!("KMZ entry {name:?} cannot be read: {e}"))?;
    String::from_utf8(data).map_err(|e| {
        format!(
            "KMZ entry {name:?} is not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        )
    })
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
        let archive = zip(&[("doc.kml", b"<kml/>", true)]);
        let mut bad_crc = archive.clone();
        // The CRC in the central directory (after the local header, name and data).
        let central = bad_crc.len() - END_SIZE - (ENTRY_SIZE + "doc.kml".len());
        bad_crc[central + 16] ^= 0xFF;
        let e = root_document(&bad_crc).unwrap_err();
        assert!(e.contains("checksum"), "{e}");
        for n in 0..archive.len() {
            let _ = root_document(&archive[..n]);
        }
        let e = root_document(b"<kml/>").unwrap_err();
        assert!(e.starts_with("not a readable KMZ"), "{e}");
    }
}
