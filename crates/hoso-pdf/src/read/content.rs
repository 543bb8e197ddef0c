//! A content-stream lexer (ISO 32000-1 §7.8.2, §7.2): operands and operators, inline images
//! skipped by their `ID … EI` data. It never fails: malformed bytes end the walk. The PDF/A
//! checker, the importer, reopening for OCR and the stamp's text location all read content
//! through it.

use super::parse::{is_delim, is_white, skip_ws};

/// One operand of a content-stream operator.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// An integer or real number.
    Number(f64),
    /// A name, `#xx` escapes decoded.
    Name(Vec<u8>),
    /// A literal or hexadecimal string's bytes.
    Str(Vec<u8>),
    /// An array.
    Array(Vec<Operand>),
    /// A dictionary (inline image parameters, marked-content properties), keys in order.
    Dict(Vec<(Vec<u8>, Operand)>),
    /// `true` or `false`.
    Bool(bool),
    /// Anything else (`null`, stray delimiters).
    Other,
}

impl Operand {
    /// The name, when this is one.
    pub fn name(&self) -> Option<&[u8]> {
        match self {
            Operand::Name(n) => Some(n),
            _ => None,
        }
    }

    /// The number, when this is one.
    pub fn number(&self) -> Option<f64> {
        match self {
            Operand::Number(n) => Some(*n),
            _ => None,
        }
    }
}

/// Something the walk reports.
pub enum Event<'a> {
    /// An operator with its operands.
    Op(&'a [u8], &'a [Operand]),
    /// An inline image: its dictionary (abbreviated keys as written).
    InlineImage(&'a [(Vec<u8>, Operand)]),
}

const MAX_OPERANDS: usize = 4096;
const MAX_NEST: usize = 32;

struct Lexer<'a> {
    buf: &'a [u8],
    pos: usize,
}

enum Tok {
    Operand(Operand),
    ArrayEnd,
    DictEnd,
    Word(Vec<u8>),
    End,
}

impl Lexer<'_> {
    fn skip_ws(&mut self) {
        self.pos = skip_ws(self.buf, self.pos);
    }

    fn word(&mut self) -> Vec<u8> {
        let start = self.pos;
        while let Some(&c) = self.buf.get(self.pos) {
            if is_white(c) || is_delim(c) {
                break;
            }
            self.pos += 1;
        }
        self.buf[start..self.pos].to_vec()
    }

    fn name(&mut self) -> Vec<u8> {
        let raw = self.word();
        let mut out = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == b'#' && i + 2 < raw.len() {
                if let Ok(v) = u8::from_str_radix(&String::from_utf8_lossy(&raw[i + 1..i + 3]), 16)
                {
                    out.push(v);
                    i += 3;
                    continue;
                }
            }
            out.push(raw[i]);
            i += 1;
        }
        out
    }

    fn literal(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut depth = 1usize;
        while let Some(&c) = self.buf.get(self.pos) {
            self.pos += 1;
            match c {
                b'\\' => {
                    let Some(&e) = self.buf.get(self.pos) else {
                        break;
                    };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.buf.get(self.pos) {
                                    Some(&d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xff) as u8);
                        }
                        b'\r' => {
                            if self.buf.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
        out
    }

    fn hex(&mut self) -> Vec<u8> {
        let mut digits = Vec::new();
        while let Some(&c) = self.buf.get(self.pos) {
            self.pos += 1;
            if c == b'>' {
                break;
            }
            if let Some(d) = (c as char).to_digit(16) {
                digits.push(d as u8);
            }
        }
        if digits.len() % 2 == 1 {
            digits.push(0);
        }
        digits.chunks(2).map(|p| p[0] << 4 | p[1]).collect()
    }

    fn next(&mut self, depth: usize) -> Tok {
        self.skip_ws();
        let Some(&c) = self.buf.get(self.pos) else {
            return Tok::End;
        };
        match c {
            b'/' => {
                self.pos += 1;
                Tok::Operand(Operand::Name(self.name()))
            }
            b'(' => {
                self.pos += 1;
                Tok::Operand(Operand::Str(self.literal()))
            }
            b'<' if self.buf.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                Tok::Operand(self.dict(depth + 1))
            }
            b'<' => {
                self.pos += 1;
                Tok::Operand(Operand::Str(self.hex()))
            }
            b'>' if self.buf.get(self.pos + 1) == Some(&b'>') => {
                self.pos += 2;
                Tok::DictEnd
            }
            b'[' => {
                self.pos += 1;
                Tok::Operand(self.array(depth + 1))
            }
            b']' => {
                self.pos += 1;
                Tok::ArrayEnd
            }
            b')' | b'>' | b'{' | b'}' => {
                self.pos += 1;
                Tok::Operand(Operand::Other)
            }
            _ => {
                let w = self.word();
                if w.is_empty() {
                    self.pos += 1;
                    return Tok::Operand(Operand::Other);
                }
                match std::str::from_utf8(&w)
                    .ok()
                    .and_then(|s| s.parse::<f64>().ok())
                {
                    Some(n) if w[0].is_ascii_digit() || matches!(w[0], b'-' | b'+' | b'.') => {
                        Tok::Operand(Operand::Number(n))
                    }
                    _ => Tok::Word(w),
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Operand {
        let mut items = Vec::new();
        if depth > MAX_NEST {
            return Operand::Other;
        }
        loop {
            match self.next(depth) {
                Tok::Operand(o) => {
                    if items.len() < MAX_OPERANDS {
                        items.push(o)
                    }
                }
                Tok::ArrayEnd | Tok::End => break,
                Tok::DictEnd => {}
                Tok::Word(w) => items.push(word_operand(&w)),
            }
        }
        Operand::Array(items)
    }

    fn dict(&mut self, depth: usize) -> Operand {
        let mut items = Vec::new();
        if depth > MAX_NEST {
            return Operand::Other;
        }
        loop {
            let key = match self.next(depth) {
                Tok::Operand(Operand::Name(k)) => k,
                Tok::DictEnd | Tok::End => break,
                _ => continue,
            };
            let value = match self.next(depth) {
                Tok::Operand(o) => o,
                Tok::Word(w) => word_operand(&w),
                Tok::DictEnd | Tok::End => break,
                Tok::ArrayEnd => Operand::Other,
            };
            if items.len() < MAX_OPERANDS {
                items.push((key, value));
            }
        }
        Operand::Dict(items)
    }

    /// The inline image dictionary after `BI`, up to `ID`, then skips the data to `EI`.
    fn inline_image(&mut self) -> Vec<(Vec<u8>, Operand)> {
        let mut items = Vec::new();
        loop {
            let key = match self.next(1) {
                Tok::Operand(Operand::Name(k)) => k,
                Tok::Word(w) if w == b"ID" => break,
                Tok::End => return items,
                _ => continue,
            };
            let value = match self.next(1) {
                Tok::Operand(o) => o,
                Tok::Word(w) if w == b"ID" => break,
                Tok::Word(w) => word_operand(&w),
                Tok::End => return items,
                _ => Operand::Other,
            };
            items.push((key, value));
        }
        // One white-space byte after ID, then data up to white-space + EI + white-space/end.
        self.pos += 1;
        while self.pos < self.buf.len() {
            let rest = &self.buf[self.pos..];
            if rest.len() >= 3
                && is_white(rest[0])
                && rest[1] == b'E'
                && rest[2] == b'I'
                && rest.get(3).is_none_or(|c| is_white(*c))
            {
                self.pos += 3;
                break;
            }
            self.pos += 1;
        }
        items
    }
}

fn word_operand(w: &[u8]) -> Operand {
    match w {
        b"true" => Operand::Bool(true),
        b"false" => Operand::Bool(false),
        _ => Operand::Other,
    }
}

/// Walks `content`, calling `f` for every operator and inline image.
pub fn walk(content: &[u8], mut f: impl FnMut(Event<'_>)) {
    let mut lx = Lexer {
        buf: content,
        pos: 0,
    };
    let mut operands: Vec<Operand> = Vec::new();
    loop {
        match lx.next(0) {
            Tok::End => break,
            Tok::Operand(o) => {
                if operands.len() < MAX_OPERANDS {
                    operands.push(o);
                }
            }
            Tok::ArrayEnd | Tok::DictEnd => operands.clear(),
            Tok::Word(w) if w == b"BI" => {
                operands.clear();
                let dict = lx.inline_image();
                f(Event::InlineImage(&dict));
            }
            Tok::Word(w) if matches!(w.as_slice(), b"true" | b"false" | b"null") => {
                operands.push(word_operand(&w));
            }
            Tok::Word(w) => {
                f(Event::Op(&w, &operands));
                operands.clear();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_operands_and_inline_images() {
        let mut ops = Vec::new();
        walk(
            b"q 1 0 0 rg /F1 12 Tf (a\\)b) Tj [<0041> -20 (c)] TJ BI /W 1 /H 1 /CS /G ID \x00 EI Q",
            |e| match e {
                Event::Op(op, args) => {
                    ops.push((String::from_utf8_lossy(op).into_owned(), args.len()))
                }
                Event::InlineImage(d) => ops.push(("BI".into(), d.len())),
            },
        );
        let names: Vec<&str> = ops.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(names, ["q", "rg", "Tf", "Tj", "TJ", "BI", "Q"]);
        assert_eq!(ops[1].1, 3);
        assert_eq!(ops[5].1, 3);
    }

    #[test]
    fn garbage_never_panics() {
        for junk in [&b"<<<<(((\\"[..], b"/#", b"BI ID", b"[[[[[[", b">>]]))"] {
            walk(junk, |_| {});
        }
    }
}
