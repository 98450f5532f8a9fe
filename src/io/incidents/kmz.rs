//! KMZ: a KML document zipped. Google's KML reference ("KMZ Files") says the archive holds
//! one root document, `doc.kml` by convention, which readers take as the first `.kml` entry;
//! the other entries (images, models) are not read here.
//!
//! The archive is read whole and its root document held inflated in memory (KML input reads
//! the document twice: a `.kml` file from disk each time, a KMZ's document from this copy).
//! Only what a KMZ needs is understood: entries stored or compressed with deflate, without
//! encryption or ZIP64. The
//! entry is inflated with `flate2` and checked against its CRC-32 and size.

use std::io::Read;

use flate2::read::DeflateDecoder;

/// The first four bytes of a zip archive (a local file header).
pub(crate) const ZIP_MAGIC: &[u8; 4] = b"PK\x03\x04";

/// The end-of-central-directory record's signature, fixed size and the largest comment after
/// it.
const END_SIGNATURE: u32 = 0x0605_4b50;
const END_SIZE: usize = 22;
const MAX_COMMENT: usize = 0xFFFF;
/// A central directory entry's signature and fixed size.
const ENTRY_SIGNATURE: u32 = 0x0201_4b50;
const ENTRY_SIZE: usize = 46;
/// A local file header's fixed size.
const LOCAL_SIZE: usize = 30;

/// One entry of the central directory.
struct Entry {
    name: String,
    method: u16,
    flags: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    local_offset: u32,
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// The text of the root KML document of the KMZ archive `bytes`: its `doc.kml`, or else its
/// first entry whose name ends in `.kml`. `Err` says what is wrong with the archive.
pub(crate) fn root_document(bytes: &[u8]) -> Result<String, String> {
    let entries = central_directory(bytes)?;
    let is_kml = |e: &&Entry| {
        e.name
            .rsplit_once('.')
            .is_some_and(|(_, x)| x.eq_ignore_ascii_case("kml"))
    };
    let entry = entries
        .iter()
        .find(|e| e.name.eq_ignore_ascii_case("doc.kml"))
        .or_else(|| entries.iter().find(is_kml))
        .ok_or_else(|| {
            let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
            format!(
                "not a KMZ archive: no .kml document in it (its entries: {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            )
        })?;
    let data = inflate(bytes, entry).map_err(|e| format!("KMZ entry {:?}: {e}", entry.name))?;
    String::from_utf8(data).map_err(|e| {
        format!(
            "KMZ entry {:?} is not UTF-8 text (byte {})",
            entry.name,
            e.utf8_error().valid_up_to()
        )
    })
}

/// The entries listed by the archive's central directory.
fn central_directory(bytes: &[u8]) -> Result<Vec<Entry>, String> {
    let not = |why: &str| format!("not a readable KMZ (zip) archive: {why}");
    let earliest = bytes.len().saturating_sub(END_SIZE + MAX_COMMENT);
    let end = (earliest..=bytes.len().saturating_sub(END_SIZE))
        .rev()
        .find(|&at| u32_at(bytes, at) == Some(END_SIGNATURE))
        .ok_or_else(|| not("no end of central directory"))?;
    let count = u16_at(bytes, end + 10).unwrap_or(0);
    let offset = u32_at(bytes, end + 16).unwrap_or(u32::MAX);
    if count == u16::MAX || offset == u32::MAX {
        return Err(not("a ZIP64 archive, which is not read"));
    }
    let mut at = offset as usize;
    let mut entries = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        let field = |k: usize| u32_at(bytes, at + k);
        let half = |k: usize| u16_at(bytes, at + k);
        if field(0) != Some(ENTRY_SIGNATURE) {
            return Err(not("its central directory is corrupt"));
        }
        let (Some(flags), Some(method), Some(name_len), Some(extra_len), Some(comment_len)) =
            (half(8), half(10), half(28), half(30), half(32))
        else {
            return Err(not("its central directory is truncated"));
        };
        let (Some(crc), Some(compressed), Some(size), Some(local_offset)) =
            (field(16), field(20), field(24), field(42))
        else {
            return Err(not("its central directory is truncated"));
        };
        let name_at = at + ENTRY_SIZE;
        let name = bytes
            .get(name_at..name_at + usize::from(name_len))
            .ok_or_else(|| not("its central directory is truncated"))?;
        entries.push(Entry {
            name: String::from_utf8_lossy(name).into_owned(),
            method,
            flags,
            crc,
            compressed,
            size,
            local_offset,
        });
        at = name_at + usize::from(name_len) + usize::from(extra_len) + usize::from(comment_len);
    }
    Ok(entries)
}

/// The content of `entry`, inflated and checked.
fn inflate(bytes: &[u8], entry: &Entry) -> Result<Vec<u8>, String> {
    if entry.flags & 1 != 0 {
        return Err("encrypted, which is not read".into());
    }
    if entry.compressed == u32::MAX || entry.size == u32::MAX {
        return Err("a ZIP64 entry, which is not read".into());
    }
    let local = entry.local_offset as usize;
    let truncated = || "the archive is truncated".to_string();
    if u32_at(bytes, local) != Some(0x0403_4b50) {
        return Err("its local header is missing or corrupt".into());
    }
    let name_len = u16_at(bytes, local + 26).ok_or_else(truncated)?;
    let extra_len = u16_at(bytes, local + 28).ok_or_else(truncated)?;
    let start = local + LOCAL_SIZE + usize::from(name_len) + usize::from(extra_len);
    let data = bytes
        .get(start..start + entry.compressed as usize)
        .ok_or_else(truncated)?;
    let size = entry.size as usize;
    let content = match entry.method {
        0 => data.to_vec(),
        8 => {
            let mut out = Vec::with_capacity(size);
            // One byte more than declared, to tell a wrong size from a right one.
            DeflateDecoder::new(data)
                .take(size as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| format!("cannot be inflated: {e}"))?;
            out
        }
        other => {
            return Err(format!(
                "compressed with method {other}; only stored and deflated entries are read"
            ))
        }
    };
    if content.len() != size {
        return Err(format!(
            "holds {} bytes where the archive says {size}",
            content.len()
        ));
    }
    let mut crc = flate2::Crc::new();
    crc.update(&content);
    if crc.sum() != entry.crc {
        return Err("its CRC-32 does not match: the archive is corrupt".into());
    }
    Ok(content)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

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
        assert!(e.contains("CRC-32"), "{e}");
        for n in 0..archive.len() {
            let _ = root_document(&archive[..n]);
        }
        let e = root_document(b"<kml/>").unwrap_err();
        assert!(e.starts_with("not a readable KMZ"), "{e}");
    }
}
