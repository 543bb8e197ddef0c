//! A small, panic-free PDF object parser over a byte window (ISO 32000-1 §7.2 lexical
//! conventions, §7.3 objects). It never reads stream data: a stream records where its data starts.

use super::object::{Dict, ObjRef, Object, Stream, StreamData};
use super::PdfError;

const MAX_DEPTH: usize = 64;
/// Most objects (array items, dictionary values, nested) one parser produces: a dictionary with
/// millions of keys or an array of millions of numbers is refused before it fills memory.
pub const MAX_ITEMS: usize = 1 << 18;

/// A parser over `buf`, whose first byte sits at absolute offset `base` of the source.
pub struct Parser<'a> {
    buf: &'a [u8],
    pos: usize,
    base: u64,
    items: usize,
    max_items: usize,
}

/// Whether a byte is PDF white-space (ISO 32000-1 Table 1).
pub fn is_white(c: u8) -> bool {
    matches!(c, 0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

/// Whether a byte is a PDF delimiter (ISO 32000-1 Table 2).
pub fn is_delim(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// The position of the first byte at or after `pos` that is neither white-space nor inside a
/// comment (ISO 32000-1 §7.2.2, §7.2.3); `buf.len()` when there is none.
pub fn skip_ws(buf: &[u8], mut pos: usize) -> usize {
    while let Some(&c) = buf.get(pos) {
        if is_white(c) {
            pos += 1;
        } else if c == b'%' {
            while let Some(&c) = buf.get(pos) {
                if c == b'\r' || c == b'\n' {
                    break;
                }
                pos += 1;
            }
        } else {
            break;
        }
    }
    pos
}

impl<'a> Parser<'a> {
    /// A parser at the start of `buf`.
    pub fn new(buf: &'a [u8], base: u64) -> Self {
        Self {
            buf,
            pos: 0,
            base,
            items: 0,
            max_items: MAX_ITEMS,
        }
    }

    /// The same parser with another bound on the objects it produces (default [`MAX_ITEMS`]).
    pub fn with_item_limit(mut self, max_items: usize) -> Self {
        self.max_items = max_items;
        self
    }

    /// The absolute offset of the next unread byte.
    pub fn offset(&self) -> u64 {
        self.base.saturating_add(self.pos as u64)
    }

    fn truncated(&self) -> PdfError {
        PdfError::Truncated {
            offset: self.offset(),
        }
    }

    fn syntax(&self, what: &'static str) -> PdfError {
        PdfError::Syntax {
            offset: self.offset(),
            what,
        }
    }

    /// Skips white-space and comments.
    pub fn skip_ws(&mut self) {
        self.pos = skip_ws(self.buf, self.pos);
    }

    fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    /// Reads a bare keyword or number token.
    fn regular_token(&mut self) -> &'a [u8] {
        let start = self.pos;
        while let Some(&c) = self.buf.get(self.pos) {
            if is_white(c) || is_delim(c) {
                break;
            }
            self.pos += 1;
        }
        &self.buf[start..self.pos]
    }

    /// Expects the keyword `kw` next.
    pub fn expect_keyword(&mut self, kw: &'static str) -> Result<(), PdfError> {
        self.skip_ws();
        if self.pos >= self.buf.len() {
            return Err(self.truncated());
        }
        let t = self.regular_token();
        if t == kw.as_bytes() {
            Ok(())
        } else if self.pos >= self.buf.len() && kw.as_bytes().starts_with(t) {
            Err(self.truncated())
        } else {
            Err(self.syntax(kw))
        }
    }

    /// Reads the next bare token (keyword or number) as bytes.
    pub fn read_word(&mut self) -> Result<Vec<u8>, PdfError> {
        self.skip_ws();
        let t = self.regular_token();
        if self.pos >= self.buf.len() {
            return Err(self.truncated());
        }
        Ok(t.to_vec())
    }

    /// Reads an unsigned integer token.
    pub fn read_uint(&mut self) -> Result<u64, PdfError> {
        self.skip_ws();
        let t = self.regular_token();
        if self.pos >= self.buf.len() {
            return Err(self.truncated());
        }
        parse_u64(t).ok_or_else(|| self.syntax("unsigned integer"))
    }

    /// Parses `num gen obj <object> [stream]`, returning the reference and the object.
    pub fn parse_indirect(&mut self) -> Result<(ObjRef, Object), PdfError> {
        let num = self.read_uint()?;
        let gen = self.read_uint()?;
        self.expect_keyword("obj")?;
        let obj = self.parse_object(0)?;
        let r = ObjRef {
            num: u32::try_from(num).map_err(|_| self.syntax("object number"))?,
            gen: u16::try_from(gen).map_err(|_| self.syntax("generation number"))?,
        };
        if let Object::Dict(d) = obj {
            let save = self.pos;
            self.skip_ws();
            if self
                .buf
                .get(self.pos..)
                .is_some_and(|b| b.starts_with(b"stream"))
            {
                self.pos += 6;
                // §7.3.8.1: `stream` is followed by CRLF or LF (tolerate a lone CR).
                match self.peek() {
                    Some(b'\r') => {
                        self.pos += 1;
                        if self.peek() == Some(b'\n') {
                            self.pos += 1;
                        }
                    }
                    Some(b'\n') => self.pos += 1,
                    None => return Err(self.truncated()),
                    _ => {}
                }
                let start = self.offset();
                return Ok((
                    r,
                    Object::Stream(Box::new(Stream {
                        dict: d,
                        data: StreamData::InFile { start },
                    })),
                ));
            }
            if self.pos >= self.buf.len() {
                return Err(self.truncated());
            }
            self.pos = save;
            return Ok((r, Object::Dict(d)));
        }
        Ok((r, obj))
    }

    /// Parses one direct object (with `n g R` references).
    pub fn parse_object(&mut self, depth: usize) -> Result<Object, PdfError> {
        if depth > MAX_DEPTH {
            return Err(self.syntax("nesting depth"));
        }
        self.items += 1;
        if self.items > self.max_items {
            return Err(PdfError::limit(
                "objects parsed in one object",
                self.max_items as u64,
                format!("object near byte {}", self.offset()),
            ));
        }
        self.skip_ws();
        let c = self.peek().ok_or_else(|| self.truncated())?;
        match c {
            b'/' => {
                self.pos += 1;
                Ok(Object::Name(self.name_body()?))
            }
            b'(' => self.literal_string(),
            b'<' => {
                if self.buf.get(self.pos + 1) == Some(&b'<') {
                    self.pos += 2;
                    Ok(Object::Dict(self.dict_body(depth)?))
                } else {
                    self.hex_string()
                }
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        None => return Err(self.truncated()),
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Object::Array(items));
                        }
                        _ => items.push(self.parse_object(depth + 1)?),
                    }
                }
            }
            _ if is_delim(c) => Err(self.syntax("object")),
            _ => {
                let start = self.pos;
                let t = self.regular_token();
                if self.pos >= self.buf.len() {
                    return Err(self.truncated());
                }
                match t {
                    b"true" => Ok(Object::Bool(true)),
                    b"false" => Ok(Object::Bool(false)),
                    b"null" => Ok(Object::Null),
                    _ => {
                        if let Some(n) = parse_u64(t) {
                            // Look ahead for `gen R`.
                            let save = self.pos;
                            self.skip_ws();
                            let g = self.regular_token();
                            if let Some(g) = parse_u64(g) {
                                self.skip_ws();
                                let r = self.regular_token();
                                if r == b"R" {
                                    if let (Ok(num), Ok(gen)) = (u32::try_from(n), u16::try_from(g))
                                    {
                                        return Ok(Object::Ref(ObjRef { num, gen }));
                                    }
                                }
                                if self.pos >= self.buf.len() {
                                    return Err(self.truncated());
                                }
                            } else if self.pos >= self.buf.len() {
                                return Err(self.truncated());
                            }
                            self.pos = save;
                        }
                        parse_number(t).ok_or_else(|| {
                            self.pos = start;
                            self.syntax("number or keyword")
                        })
                    }
                }
            }
        }
    }

    fn dict_body(&mut self, depth: usize) -> Result<Dict, PdfError> {
        let mut d = Dict::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => return Err(self.truncated()),
                Some(b'>') => {
                    if self.buf.get(self.pos + 1) == Some(&b'>') {
                        self.pos += 2;
                        return Ok(d);
                    }
                    return Err(self.syntax(">>"));
                }
                Some(b'/') => {
                    self.pos += 1;
                    let key = self.name_body()?;
                    self.skip_ws();
                    let start = self.offset();
                    let v = self.parse_object(depth + 1)?;
                    let end = self.offset();
                    d.set_bytes(&key, v, Some((start, end)));
                }
                _ => return Err(self.syntax("dictionary key")),
            }
        }
    }

    fn name_body(&mut self) -> Result<Vec<u8>, PdfError> {
        let mut out = Vec::new();
        while let Some(&c) = self.buf.get(self.pos) {
            if is_white(c) || is_delim(c) {
                return Ok(out);
            }
            if c == b'#' {
                let h = self.buf.get(self.pos + 1..self.pos + 3);
                match h.and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        self.pos += 3;
                        continue;
                    }
                    None => return Err(self.syntax("name escape")),
                }
            }
            out.push(c);
            self.pos += 1;
        }
        Err(self.truncated())
    }

    fn hex_string(&mut self) -> Result<Object, PdfError> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut hi: Option<u8> = None;
        loop {
            let c = self.peek().ok_or_else(|| self.truncated())?;
            self.pos += 1;
            if c == b'>' {
                if let Some(h) = hi {
                    out.push(h << 4);
                }
                return Ok(Object::String(out));
            }
            if is_white(c) {
                continue;
            }
            let v = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => return Err(self.syntax("hex digit")),
            };
            match hi.take() {
                Some(h) => out.push((h << 4) | v),
                None => hi = Some(v),
            }
        }
    }

    fn literal_string(&mut self) -> Result<Object, PdfError> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut depth = 1usize;
        loop {
            let c = self.peek().ok_or_else(|| self.truncated())?;
            self.pos += 1;
            match c {
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(Object::String(out));
                    }
                    out.push(c);
                }
                b'\\' => {
                    let e = self.peek().ok_or_else(|| self.truncated())?;
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xff) as u8);
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(c),
            }
        }
    }
}

/// Parses an unsigned decimal integer token.
pub fn parse_u64(t: &[u8]) -> Option<u64> {
    if t.is_empty() || t.len() > 19 || !t.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(t).ok()?.parse().ok()
}

fn parse_number(t: &[u8]) -> Option<Object> {
    let s = std::str::from_utf8(t).ok()?;
    if s.is_empty()
        || !s
            .bytes()
            .all(|c| c.is_ascii_digit() || c == b'.' || c == b'-' || c == b'+')
    {
        return None;
    }
    if !s.contains('.') {
        return s.parse::<i64>().ok().map(Object::Integer);
    }
    let s2 = if s.starts_with('.') || s.starts_with("-.") {
        s.replacen('.', "0.", 1)
    } else {
        s.to_owned()
    };
    s2.parse::<f64>().ok().map(Object::Real)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Object {
        let mut p = Parser::new(s.as_bytes(), 0);
        p.parse_object(0).unwrap()
    }

    #[test]
    fn parses_nested_structures_and_references() {
        let o = parse("<< /A [1 2 0 R (x\\)y) <414> /N#41] /B -.5 /C true >> ");
        let d = o.as_dict().unwrap();
        let a = d.get("A").unwrap().as_array().unwrap();
        assert_eq!(a[0], Object::Integer(1));
        assert_eq!(a[1], Object::Ref(ObjRef { num: 2, gen: 0 }));
        assert_eq!(a[2], Object::String(b"x)y".to_vec()));
        assert_eq!(a[3], Object::String(vec![0x41, 0x40]));
        assert_eq!(a[4], Object::Name(b"NA".to_vec()));
        assert_eq!(d.get("B"), Some(&Object::Real(-0.5)));
        assert_eq!(d.value_span("C"), Some((45, 49)));
    }

    #[test]
    fn reports_truncation_instead_of_panicking() {
        for s in ["<< /A [1 2", "(abc", "<< /A 1 0", "<41", "/Nam"] {
            let mut p = Parser::new(s.as_bytes(), 0);
            assert!(
                matches!(p.parse_object(0), Err(PdfError::Truncated { .. })),
                "{s}"
            );
        }
    }

    #[test]
    fn millions_of_keys_are_a_limit_not_an_allocation() {
        let mut s = String::from("<<");
        for i in 0..1010 {
            s.push_str(&format!("/K{i} 0"));
        }
        s.push_str(">> ");
        let mut p = Parser::new(s.as_bytes(), 0).with_item_limit(1000);
        assert!(matches!(
            p.parse_object(0),
            Err(PdfError::LimitExceeded { .. })
        ));
    }

    #[test]
    fn stream_records_data_start() {
        let s = b"5 0 obj\n<< /Length 3 >>\nstream\r\nabc\nendstream endobj";
        let mut p = Parser::new(s, 100);
        let (r, o) = p.parse_indirect().unwrap();
        assert_eq!(r, ObjRef::new(5));
        match o {
            Object::Stream(st) => assert_eq!(st.data, StreamData::InFile { start: 100 + 32 }),
            _ => panic!("not a stream"),
        }
    }
}
