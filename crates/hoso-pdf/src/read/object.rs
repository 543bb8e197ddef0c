//! PDF objects as ISO 32000-1 §7.3 defines them, and their serialisation.

use std::fmt::Write as _;

/// An indirect reference `n g R` (ISO 32000-1 §7.3.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjRef {
    /// Object number.
    pub num: u32,
    /// Generation number.
    pub gen: u16,
}

impl ObjRef {
    /// A reference with generation 0.
    pub const fn new(num: u32) -> Self {
        Self { num, gen: 0 }
    }
}

/// Where a stream's bytes are (ISO 32000-1 §7.3.8).
#[derive(Debug, Clone, PartialEq)]
pub enum StreamData {
    /// Raw (still encoded) bytes start at this offset of the source file; `/Length` gives the count.
    InFile {
        /// Offset of the first data byte.
        start: u64,
    },
    /// Raw bytes held in memory (objects read from object streams' neighbours, or written by us).
    Owned(Vec<u8>),
}

/// A stream object: dictionary plus raw data.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    /// The stream dictionary.
    pub dict: Dict,
    /// The raw data.
    pub data: StreamData,
}

/// A PDF object (ISO 32000-1 §7.3).
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// A real number.
    Real(f64),
    /// A name, without the slash, `#xx` escapes decoded.
    Name(Vec<u8>),
    /// A string's bytes (literal or hexadecimal form).
    String(Vec<u8>),
    /// An array.
    Array(Vec<Object>),
    /// A dictionary.
    Dict(Dict),
    /// A stream.
    Stream(Box<Stream>),
    /// An indirect reference.
    Ref(ObjRef),
}

impl Object {
    /// A name object from text.
    pub fn name(s: &str) -> Self {
        Object::Name(s.as_bytes().to_vec())
    }

    /// The dictionary of a dictionary or stream object.
    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Object::Dict(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        }
    }

    /// The integer value.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Object::Integer(i) => Some(*i),
            _ => None,
        }
    }

    /// The name bytes.
    pub fn as_name(&self) -> Option<&[u8]> {
        match self {
            Object::Name(n) => Some(n),
            _ => None,
        }
    }

    /// The string bytes.
    pub fn as_string(&self) -> Option<&[u8]> {
        match self {
            Object::String(s) => Some(s),
            _ => None,
        }
    }

    /// The array items.
    pub fn as_array(&self) -> Option<&[Object]> {
        match self {
            Object::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The reference.
    pub fn as_ref(&self) -> Option<ObjRef> {
        match self {
            Object::Ref(r) => Some(*r),
            _ => None,
        }
    }
}

/// A dictionary keeping key order; values may carry the byte span they were parsed from, which
/// verification needs to locate `/Contents` exactly (ISO 32000-1 §12.8.1).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dict {
    entries: Vec<(Vec<u8>, Object)>,
    spans: Vec<Option<(u64, u64)>>,
}

impl Dict {
    /// An empty dictionary.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` (without slash) to `value`, replacing an existing entry in place.
    pub fn set(&mut self, key: &str, value: Object) -> &mut Self {
        self.set_bytes(key.as_bytes(), value, None);
        self
    }

    pub(crate) fn set_bytes(&mut self, key: &[u8], value: Object, span: Option<(u64, u64)>) {
        if let Some(i) = self.entries.iter().position(|(k, _)| k == key) {
            self.entries[i].1 = value;
            self.spans[i] = span;
        } else {
            self.entries.push((key.to_vec(), value));
            self.spans.push(span);
        }
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: &str) -> Option<Object> {
        let i = self.entries.iter().position(|(k, _)| k == key.as_bytes())?;
        self.spans.remove(i);
        Some(self.entries.remove(i).1)
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Object> {
        self.entries
            .iter()
            .find(|(k, _)| k == key.as_bytes())
            .map(|(_, v)| v)
    }

    /// The absolute byte span `[start, end)` of the value of `key` in the source, when parsed
    /// from a file (not from an object stream).
    pub fn value_span(&self, key: &str) -> Option<(u64, u64)> {
        let i = self.entries.iter().position(|(k, _)| k == key.as_bytes())?;
        self.spans[i]
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &Object)> {
        self.entries.iter().map(|(k, v)| (k.as_slice(), v))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The name value of `key`.
    pub fn name(&self, key: &str) -> Option<&[u8]> {
        self.get(key).and_then(Object::as_name)
    }

    /// Equality of keys and values, ignoring parse spans and entry order.
    pub fn same_content(&self, other: &Dict) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .all(|(k, v)| other.entries.iter().any(|(k2, v2)| k == k2 && same(v, v2)))
    }
}

/// Object equality ignoring spans, order of dictionary keys and stream data location.
pub fn same(a: &Object, b: &Object) -> bool {
    match (a, b) {
        (Object::Dict(x), Object::Dict(y)) => x.same_content(y),
        (Object::Array(x), Object::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Object::Stream(x), Object::Stream(y)) => x.dict.same_content(&y.dict) && x.data == y.data,
        (Object::Integer(x), Object::Real(y)) | (Object::Real(y), Object::Integer(x)) => {
            (*x as f64) == *y
        }
        _ => a == b,
    }
}

/// A text string (ISO 32000-1 §7.9.2.2): PDFDocEncoding when ASCII, else UTF-16BE with BOM.
pub fn text_string(s: &str) -> Object {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Object::String(s.as_bytes().to_vec())
    } else {
        let mut v = vec![0xfe, 0xff];
        for u in s.encode_utf16() {
            v.extend_from_slice(&u.to_be_bytes());
        }
        Object::String(v)
    }
}

/// Decodes a text string (UTF-16BE with BOM, UTF-8 with BOM, or PDFDocEncoding taken as Latin-1).
pub fn decode_text(b: &[u8]) -> String {
    if let Some(rest) = b.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else if let Some(rest) = b.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        b.iter().map(|&c| c as char).collect()
    }
}

/// Serialises an object (ISO 32000-1 §7.3). Streams are written with their owned data; a
/// stream still in a file cannot be written and is an invariant violation of the caller.
pub fn write_object(out: &mut Vec<u8>, obj: &Object) {
    match obj {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => {
            let mut s = String::new();
            let _ = write!(s, "{r:.6}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            out.extend_from_slice(if s.is_empty() || s == "-" {
                b"0"
            } else {
                s.as_bytes()
            });
        }
        Object::Name(n) => write_name(out, n),
        Object::String(s) => write_literal_string(out, s),
        Object::Array(a) => {
            out.push(b'[');
            for (i, o) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_object(out, o);
            }
            out.push(b']');
        }
        Object::Dict(d) => write_dict(out, d),
        Object::Stream(s) => {
            let data: &[u8] = match &s.data {
                StreamData::Owned(d) => d,
                StreamData::InFile { .. } => &[],
            };
            let mut dict = s.dict.clone();
            dict.set("Length", Object::Integer(data.len() as i64));
            write_dict(out, &dict);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(data);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Ref(r) => out.extend_from_slice(format!("{} {} R", r.num, r.gen).as_bytes()),
    }
}

fn write_dict(out: &mut Vec<u8>, d: &Dict) {
    out.extend_from_slice(b"<<");
    for (k, v) in d.iter() {
        write_name(out, k);
        out.push(b' ');
        write_object(out, v);
    }
    out.extend_from_slice(b">>");
}

fn write_name(out: &mut Vec<u8>, n: &[u8]) {
    out.push(b'/');
    for &c in n {
        if c.is_ascii_alphanumeric() || b"-_.+*,:;@!'`~^|".contains(&c) {
            out.push(c);
        } else {
            out.extend_from_slice(format!("#{c:02X}").as_bytes());
        }
    }
}

fn write_literal_string(out: &mut Vec<u8>, s: &[u8]) {
    if s.iter().any(|&c| !(0x20..0x7f).contains(&c)) {
        // Binary strings (IDs, UTF-16 text) as hexadecimal (§7.3.4.3): robust to EOL mangling.
        out.push(b'<');
        for c in s {
            out.extend_from_slice(format!("{c:02X}").as_bytes());
        }
        out.push(b'>');
        return;
    }
    out.push(b'(');
    for &c in s {
        match c {
            b'(' | b')' | b'\\' => {
                out.push(b'\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out.push(b')');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_dictionary_names_and_strings_byte_exact() {
        let mut d = Dict::new();
        d.set("Type", Object::name("Sig"))
            .set("Reason", Object::String(b"a(b)\\".to_vec()))
            .set("N", Object::name("A B"))
            .set("R", Object::Ref(ObjRef::new(7)))
            .set("X", Object::Real(1.5));
        let mut out = Vec::new();
        write_object(&mut out, &Object::Dict(d));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<</Type /Sig/Reason (a\\(b\\)\\\\)/N /A#20B/R 7 0 R/X 1.5>>"
        );
    }

    #[test]
    fn text_strings_use_utf16_for_vietnamese() {
        let o = text_string("Ký");
        assert_eq!(o, Object::String(vec![0xfe, 0xff, 0, b'K', 0, 0xfd]));
        assert_eq!(decode_text(o.as_string().unwrap()), "Ký");
    }
}
