//! A KML document read an element at a time with `quick-xml` (the XML reader the `kml` crate
//! itself uses): each `Schema`'s fields, and each `Placemark` cut out as its own text, for the
//! `kml` crate to parse alone. Only placemarks and schemas that the `kml` crate's tree would
//! put within the document are handed out: at the top, or inside `kml`, `Document` and
//! `Folder` elements (matched by local name, prefixes ignored, as the `kml` crate does).

use std::collections::HashMap;
use std::io::{self, BufRead, Read};

use quick_xml::errors::IllFormedError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// One item of the document, in document order.
pub(super) enum Item {
    /// A `Schema`'s `SimpleField`s, each as its attributes (qualified name to raw value).
    Schema(Vec<HashMap<String, String>>),
    /// A `Placemark` element's text, from its start tag to its end tag, as written.
    Placemark(Vec<u8>),
}

/// The items of a KML document, read from `R`.
pub(super) struct Scanner<R: BufRead> {
    reader: Reader<R>,
    buf: Vec<u8>,
    /// For each element open around the reading position: whether placemarks in it belong
    /// to the document (it and its ancestors are `kml`, `Document` or `Folder` elements).
    open: Vec<bool>,
    root_seen: bool,
}

/// Elements whose children the `kml` crate's tree keeps as the document's.
fn holds_placemarks(local: &[u8]) -> bool {
    matches!(local, b"kml" | b"Document" | b"Folder")
}

/// An element's attributes as the `kml` crate reads them: qualified names and raw values.
fn attributes(e: &BytesStart) -> HashMap<String, String> {
    e.attributes()
        .filter_map(Result::ok)
        .map(|a| {
            (
                String::from_utf8_lossy(a.key.into_inner()).into_owned(),
                String::from_utf8_lossy(&a.value).into_owned(),
            )
        })
        .collect()
}

impl<R: BufRead> Scanner<R> {
    /// A scanner of the document `source`.
    pub(super) fn new(source: R) -> Scanner<R> {
        let mut reader = Reader::from_reader(source);
        reader.config_mut().trim_text(false);
        Scanner {
            reader,
            buf: Vec::new(),
            open: Vec::new(),
            root_seen: false,
        }
    }

    /// The source read from.
    pub(super) fn source(&self) -> &R {
        self.reader.get_ref()
    }

    /// The next item; `Ok(None)` at the end of the document, `Err` a message about the
    /// document (not well-formed XML, or not KML).
    pub(super) fn next_item(&mut self) -> Result<Option<Item>, String> {
        loop {
            match read_event(&mut self.reader, &mut self.buf)? {
                Event::Start(e) => {
                    let local = e.local_name().as_ref().to_vec();
                    if !self.root_seen {
                        self.root_seen = true;
                        if !matches!(local.as_slice(), b"kml" | b"Document" | b"Folder")
                            && local != b"Placemark"
                        {
                            return Err(not_kml());
                        }
                    }
                    let in_document = self.open.last().copied().unwrap_or(true);
                    if in_document && local == b"Placemark" {
                        let start = e.into_owned();
                        return self.placemark(start).map(|p| Some(Item::Placemark(p)));
                    }
                    if in_document && local == b"Schema" {
                        return self.schema().map(|s| Some(Item::Schema(s)));
                    }
                    self.open.push(in_document && holds_placemarks(&local));
                }
                Event::Empty(e) if !self.root_seen => {
                    self.root_seen = true;
                    let local = e.local_name();
                    if !holds_placemarks(local.as_ref()) && local.as_ref() != b"Placemark" {
                        return Err(not_kml());
                    }
                }
                Event::End(_) => {
                    self.open.pop();
                }
                Event::Eof if !self.root_seen => return Err(not_kml()),
                Event::Eof => return Ok(None),
                _ => {}
            }
        }
    }

    /// The text of the placemark that `start` opens, through its end tag: its content as
    /// written, read by `quick-xml` to the matching end tag, between the start tag as
    /// written and an end tag of the same name.
    fn placemark(&mut self, start: BytesStart<'static>) -> Result<Vec<u8>, String> {
        let mut text = Vec::with_capacity(1024);
        text.push(b'<');
        text.extend_from_slice(&start);
        text.push(b'>');
        self.buf.clear();
        let content = self
            .reader
            .read_text_into(start.name(), &mut self.buf)
            .map_err(|e| match e {
                quick_xml::Error::IllFormed(IllFormedError::MissingEndTag(_)) => {
                    "the document ends inside a Placemark".to_string()
                }
                e => e.to_string(),
            })?;
        text.extend_from_slice(&content);
        text.extend_from_slice(b"</");
        text.extend_from_slice(start.name().as_ref());
        text.push(b'>');
        Ok(text)
    }

    /// The `SimpleField`s of the `Schema` just opened, through its end tag, whether written
    /// with an end tag or self-closing.
    fn schema(&mut self) -> Result<Vec<HashMap<String, String>>, String> {
        let mut fields = Vec::new();
        let mut depth = 1usize;
        loop {
            match self.event_within(&mut depth, "Schema")? {
                // A field, as a child of the schema (opened: the depth now counts it).
                Event::Start(e) if depth == 2 && e.local_name().as_ref() == b"SimpleField" => {
                    fields.push(attributes(&e));
                }
                Event::Empty(e) if depth == 1 && e.local_name().as_ref() == b"SimpleField" => {
                    fields.push(attributes(&e));
                }
                Event::End(_) if depth == 0 => return Ok(fields),
                _ => {}
            }
        }
    }

    /// The next event inside the element `name` being read, `depth` elements deep in it
    /// (counted on as elements open and close); the end of the document there is an error.
    fn event_within(&mut self, depth: &mut usize, name: &str) -> Result<Event<'_>, String> {
        let event = read_event(&mut self.reader, &mut self.buf)?;
        match &event {
            Event::Start(_) => *depth += 1,
            Event::End(_) => *depth -= 1,
            Event::Eof => return Err(format!("the document ends inside a {name}")),
            _ => {}
        }
        Ok(event)
    }
}

/// The next event of `reader`, read into `buf` (emptied first); `Err` the XML error's message.
fn read_event<'b, R: BufRead>(
    reader: &mut Reader<R>,
    buf: &'b mut Vec<u8>,
) -> Result<Event<'b>, String> {
    buf.clear();
    reader.read_event_into(buf).map_err(|e| e.to_string())
}

/// The message for XML whose root is not a KML element.
fn not_kml() -> String {
    "no <kml>, <Document> or <Placemark> element".into()
}

/// A reader that checks that what passes through it is UTF-8 text, and remembers where it
/// is not.
pub(super) struct Utf8Checked<R> {
    inner: R,
    /// The bytes of a character cut by the end of the last read.
    carry: Vec<u8>,
    /// How many bytes before `carry` were checked.
    checked: u64,
    /// The offset of the first byte that is not UTF-8, once met.
    pub(super) bad_at: Option<u64>,
}

impl<R: Read> Utf8Checked<R> {
    /// `inner`, checked.
    pub(super) fn new(inner: R) -> Utf8Checked<R> {
        Utf8Checked {
            inner,
            carry: Vec::new(),
            checked: 0,
            bad_at: None,
        }
    }

    /// The reader checked.
    pub(super) fn get_ref(&self) -> &R {
        &self.inner
    }
}

impl<R: Read> Read for Utf8Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let bad = |at: u64| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("not UTF-8 at byte {at}"),
            )
        };
        if n == 0 {
            if !self.carry.is_empty() {
                self.bad_at = Some(self.checked);
                return Err(bad(self.checked));
            }
            return Ok(0);
        }
        let mut text = std::mem::take(&mut self.carry);
        text.extend_from_slice(&buf[..n]);
        match std::str::from_utf8(&text) {
            Ok(_) => self.checked += text.len() as u64,
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                self.checked += valid as u64;
                self.carry = text[valid..].to_vec();
            }
            Err(e) => {
                let at = self.checked + e.valid_up_to() as u64;
                self.bad_at = Some(at);
                return Err(bad(at));
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str) -> Result<Vec<Vec<u8>>, String> {
        let mut scanner = Scanner::new(text.as_bytes());
        let mut placemarks = Vec::new();
        while let Some(item) = scanner.next_item()? {
            if let Item::Placemark(p) = item {
                placemarks.push(p);
            }
        }
        Ok(placemarks)
    }

    #[test]
    fn a_placemark_is_cut_out_as_written() {
        let placemark = "<kml:Placemark id=\"a\"><name>A &amp; B</name><!-- c -->\n\
            <description><![CDATA[<b>x</b>]]></description><Placemark/>\
            <ExtendedData><Data name='n'><value/></Data></ExtendedData></kml:Placemark>";
        let text = format!("<kml><Document>{placemark}<Placemark></Placemark></Document></kml>");
        let got = items(&text).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(String::from_utf8_lossy(&got[0]), placemark);
        assert_eq!(got[1], b"<Placemark></Placemark>");
    }

    #[test]
    fn a_document_ending_inside_a_placemark_says_so() {
        let e = items("<kml><Placemark><name>A</name>").unwrap_err();
        assert_eq!(e, "the document ends inside a Placemark");
        let e = items("<kml><Placemark><name>A</Placemark></kml>").unwrap_err();
        assert!(e.contains("name"), "{e}");
    }
}
