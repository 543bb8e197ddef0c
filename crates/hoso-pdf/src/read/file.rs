//! Lazy random-access reading of a PDF file: the cross-reference chain (classic tables, xref
//! streams, hybrid files; ISO 32000-1 §7.5.4, §7.5.8, §7.5.6 incremental updates), and objects
//! loaded on demand, including those inside object streams (§7.5.7).
//!
//! Only the trailer chain and the objects asked for are read, so memory does not grow with the
//! size of page content or images.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::Read;

use super::object::{Dict, ObjRef, Object, Stream, StreamData};
use super::parse::{parse_u64, Parser};
use super::PdfError;

/// Random access to the bytes of a PDF.
pub trait Source {
    /// Total length in bytes.
    fn len(&self) -> u64;
    /// True when there are no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Reads up to `buf.len()` bytes at `offset`; returns how many were read.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize>;
}

impl Source for [u8] {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.len());
        let n = buf.len().min(self.len() - start);
        buf[..n].copy_from_slice(&self[start..start + n]);
        Ok(n)
    }
}

impl Source for Vec<u8> {
    fn len(&self) -> u64 {
        self.as_slice().len() as u64
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        self.as_slice().read_at(offset, buf)
    }
}

/// A file read with positioned reads.
#[derive(Debug)]
pub struct FileSource {
    file: File,
    len: u64,
}

impl FileSource {
    /// Wraps an open file.
    pub fn new(file: File) -> std::io::Result<Self> {
        let len = file.metadata()?.len();
        Ok(Self { file, len })
    }
}

impl Source for FileSource {
    fn len(&self) -> u64 {
        self.len
    }
    #[cfg(unix)]
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let mut done = 0;
        while done < buf.len() {
            let n = self.file.read_at(&mut buf[done..], offset + done as u64)?;
            if n == 0 {
                break;
            }
            done += n;
        }
        Ok(done)
    }
    #[cfg(windows)]
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::os::windows::fs::FileExt;
        let mut done = 0;
        while done < buf.len() {
            let n = self
                .file
                .seek_read(&mut buf[done..], offset + done as u64)?;
            if n == 0 {
                break;
            }
            done += n;
        }
        Ok(done)
    }
}

/// A view of the first `len` bytes of another source: the document as it was at an earlier
/// revision (used to read exactly what a signature covers).
pub struct Prefix<'a, S: Source + ?Sized> {
    /// The whole source.
    pub inner: &'a S,
    /// The length of the view.
    pub len: u64,
}

impl<S: Source + ?Sized> Source for Prefix<'_, S> {
    fn len(&self) -> u64 {
        self.len
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        if offset >= self.len {
            return Ok(0);
        }
        let n = buf.len().min((self.len - offset) as usize);
        self.inner.read_at(offset, &mut buf[..n])
    }
}

/// One cross-reference entry (§7.5.4, §7.5.8.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XrefEntry {
    /// A free entry.
    Free,
    /// An uncompressed object at a byte offset.
    InFile {
        /// Byte offset of `n g obj`.
        offset: u64,
        /// Generation.
        gen: u16,
    },
    /// An object inside an object stream.
    InStream {
        /// The object stream's number.
        stream: u32,
        /// Index within it.
        index: u32,
    },
}

/// How a revision's cross-reference section is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum XrefKind {
    /// A classic `xref` table (§7.5.4).
    Table,
    /// A cross-reference stream (§7.5.8).
    Stream,
    /// A table whose trailer also names an `/XRefStm` (§7.5.8.4).
    Hybrid,
}

/// One revision: one cross-reference section and its trailer.
#[derive(Debug, Clone)]
pub struct Revision {
    /// The `startxref` value of this section.
    pub xref_offset: u64,
    /// Table, stream or hybrid.
    pub kind: XrefKind,
    /// The trailer dictionary (or xref stream dictionary).
    pub trailer: Dict,
    /// The entries this section defines.
    pub entries: BTreeMap<u32, XrefEntry>,
    /// Object numbers of this section's xref streams (they need not be listed in any xref, but
    /// new objects must not reuse their numbers).
    pub xref_stream_nums: Vec<u32>,
}

/// A PDF opened for reading.
pub struct PdfFile<S: Source> {
    src: S,
    /// Revisions, oldest first.
    revisions: Vec<Revision>,
    merged: HashMap<u32, XrefEntry>,
    objstm_cache: RefCell<HashMap<u32, std::rc::Rc<ObjStm>>>,
    startxref: u64,
}

struct ObjStm {
    data: Vec<u8>,
    offsets: Vec<(u32, usize)>,
}

const TAIL_WINDOW: u64 = 2048;
const MAX_OBJECT_WINDOW: usize = 16 << 20;
const MAX_REVISIONS: usize = 10_000;
/// Upper bound for decoded xref and object streams.
const MAX_DECODED: u64 = 256 << 20;

impl<S: Source> PdfFile<S> {
    /// Opens a PDF: finds the last `startxref` (§7.5.5) and reads the whole xref chain.
    pub fn open(src: S) -> Result<Self, PdfError> {
        let startxref = find_startxref(&src)?;
        let mut file = Self {
            src,
            revisions: Vec::new(),
            merged: HashMap::new(),
            objstm_cache: RefCell::new(HashMap::new()),
            startxref,
        };
        let mut next = Some(startxref);
        let mut seen = std::collections::HashSet::new();
        let mut revs = Vec::new();
        while let Some(off) = next {
            if !seen.insert(off) || revs.len() > MAX_REVISIONS {
                return Err(PdfError::BrokenXref { offset: off });
            }
            let rev = file.read_xref_section(off)?;
            next = rev
                .trailer
                .get("Prev")
                .and_then(Object::as_i64)
                .and_then(|p| u64::try_from(p).ok());
            revs.push(rev);
        }
        revs.reverse();
        for rev in &revs {
            for (&n, &e) in &rev.entries {
                file.merged.insert(n, e);
            }
        }
        file.revisions = revs;
        Ok(file)
    }

    /// The underlying source.
    pub fn source(&self) -> &S {
        &self.src
    }

    /// Total length.
    pub fn len(&self) -> u64 {
        self.src.len()
    }

    /// True for an empty source (never for a PDF that opened).
    pub fn is_empty(&self) -> bool {
        self.src.len() == 0
    }

    /// The offset the final `startxref` points to.
    pub fn startxref(&self) -> u64 {
        self.startxref
    }

    /// Revisions, oldest first.
    pub fn revisions(&self) -> &[Revision] {
        &self.revisions
    }

    /// The newest trailer.
    pub fn trailer(&self) -> &Dict {
        &self
            .revisions
            .last()
            .expect("open() reads at least one revision")
            .trailer
    }

    /// `/Size` of the newest trailer, or one more than the highest object number seen.
    pub fn size(&self) -> u32 {
        let from_trailer = self
            .trailer()
            .get("Size")
            .and_then(Object::as_i64)
            .and_then(|s| u32::try_from(s).ok())
            .unwrap_or(0);
        let max_seen = self.merged.keys().max().map_or(0, |m| m + 1);
        let max_xref = self
            .revisions
            .iter()
            .flat_map(|r| r.xref_stream_nums.iter())
            .max()
            .map_or(0, |m| m + 1);
        from_trailer.max(max_seen).max(max_xref)
    }

    /// The merged entry for an object number.
    pub fn entry(&self, num: u32) -> Option<XrefEntry> {
        self.merged.get(&num).copied()
    }

    fn read_window(&self, offset: u64, len: usize) -> Result<Vec<u8>, PdfError> {
        let len = len.min(self.src.len().saturating_sub(offset) as usize);
        let mut buf = vec![0; len];
        let n = self
            .src
            .read_at(offset, &mut buf)
            .map_err(|e| PdfError::Io { offset, source: e })?;
        buf.truncate(n);
        Ok(buf)
    }

    /// Parses with a growing window until the parser no longer runs off its end.
    fn parse_at<T>(
        &self,
        offset: u64,
        mut f: impl FnMut(&mut Parser<'_>) -> Result<T, PdfError>,
    ) -> Result<T, PdfError> {
        let mut window = 4096usize;
        loop {
            let buf = self.read_window(offset, window)?;
            let at_end = (buf.len() as u64) < window as u64;
            let mut p = Parser::new(&buf, offset);
            match f(&mut p) {
                Err(PdfError::Truncated { .. }) if !at_end && window < MAX_OBJECT_WINDOW => {
                    window *= 4;
                }
                other => return other,
            }
        }
    }

    fn read_xref_section(&self, offset: u64) -> Result<Revision, PdfError> {
        let head = self.read_window(offset, 4)?;
        if head.starts_with(b"xref") {
            self.read_xref_table(offset)
        } else {
            let (r, obj) = self.parse_at(offset, |p| p.parse_indirect())?;
            match obj {
                Object::Stream(s) => {
                    let entries = self.decode_xref_stream(&s)?;
                    Ok(Revision {
                        xref_offset: offset,
                        kind: XrefKind::Stream,
                        trailer: s.dict,
                        entries,
                        xref_stream_nums: vec![r.num],
                    })
                }
                _ => Err(PdfError::BrokenXref { offset }),
            }
        }
    }

    fn read_xref_table(&self, offset: u64) -> Result<Revision, PdfError> {
        let (mut entries, trailer) = self.read_xref_table_exact(offset)?;
        let mut xref_stream_nums = Vec::new();
        let kind = if trailer.get("XRefStm").is_some() {
            XrefKind::Hybrid
        } else {
            XrefKind::Table
        };
        if let Some(stm) = trailer
            .get("XRefStm")
            .and_then(Object::as_i64)
            .and_then(|o| u64::try_from(o).ok())
        {
            // §7.5.8.4: entries of the table win; the stream adds the compressed objects.
            if let (r, Object::Stream(s)) = self.parse_at(stm, |p| p.parse_indirect())? {
                xref_stream_nums.push(r.num);
                for (n, e) in self.decode_xref_stream(&s)? {
                    entries.entry(n).or_insert(e);
                }
            }
        }
        Ok(Revision {
            xref_offset: offset,
            kind,
            trailer,
            entries,
            xref_stream_nums,
        })
    }

    /// Reads a classic table (§7.5.4): subsections of `offset gen n|f` lines, then `trailer`.
    fn read_xref_table_exact(
        &self,
        offset: u64,
    ) -> Result<(BTreeMap<u32, XrefEntry>, Dict), PdfError> {
        self.parse_at(offset, |p| {
            p.expect_keyword("xref")?;
            let mut entries = BTreeMap::new();
            loop {
                let word = p.read_word()?;
                if word == b"trailer" {
                    let at = p.offset();
                    return match p.parse_object(0)? {
                        Object::Dict(d) => Ok((entries, d)),
                        _ => Err(PdfError::BrokenXref { offset: at }),
                    };
                }
                let at = p.offset();
                let start = parse_u64(&word).ok_or(PdfError::BrokenXref { offset: at })?;
                let count = p.read_uint()?;
                for i in 0..count {
                    let off = p.read_uint()?;
                    let gen = p.read_uint()?;
                    let kind = p.read_word()?;
                    let at = p.offset();
                    let num = u32::try_from(start + i)
                        .map_err(|_| PdfError::BrokenXref { offset: at })?;
                    let entry = match kind.as_slice() {
                        b"n" => XrefEntry::InFile {
                            offset: off,
                            gen: u16::try_from(gen)
                                .map_err(|_| PdfError::BrokenXref { offset: at })?,
                        },
                        b"f" => XrefEntry::Free,
                        _ => return Err(PdfError::BrokenXref { offset: at }),
                    };
                    entries.insert(num, entry);
                }
            }
        })
    }

    fn decode_xref_stream(&self, s: &Stream) -> Result<BTreeMap<u32, XrefEntry>, PdfError> {
        let offset = match s.data {
            StreamData::InFile { start } => start,
            StreamData::Owned(_) => 0,
        };
        let data = self.stream_data(s)?;
        let w: Vec<usize> = s
            .dict
            .get("W")
            .and_then(Object::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|o| o.as_i64().and_then(|v| usize::try_from(v).ok()))
                    .collect()
            })
            .unwrap_or_default();
        if w.len() != 3 || w.iter().any(|&x| x > 8) {
            return Err(PdfError::BrokenXref { offset });
        }
        let size = s.dict.get("Size").and_then(Object::as_i64).unwrap_or(0);
        let index: Vec<i64> = match s.dict.get("Index").and_then(Object::as_array) {
            Some(a) => a.iter().filter_map(Object::as_i64).collect(),
            None => vec![0, size],
        };
        let row = w[0] + w[1] + w[2];
        if row == 0 {
            return Err(PdfError::BrokenXref { offset });
        }
        let mut entries = BTreeMap::new();
        let mut rows = data.chunks_exact(row);
        for pair in index.chunks(2) {
            let (start, count) = match pair {
                [s, c] if *s >= 0 && *c >= 0 => (*s as u64, *c as u64),
                _ => return Err(PdfError::BrokenXref { offset }),
            };
            for i in 0..count {
                let r = rows.next().ok_or(PdfError::BrokenXref { offset })?;
                let field = |from: usize, n: usize| {
                    r[from..from + n]
                        .iter()
                        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
                };
                let t = if w[0] == 0 { 1 } else { field(0, w[0]) };
                let f2 = field(w[0], w[1]);
                let f3 = field(w[0] + w[1], w[2]);
                let num = u32::try_from(start + i).map_err(|_| PdfError::BrokenXref { offset })?;
                let e = match t {
                    0 => XrefEntry::Free,
                    1 => XrefEntry::InFile {
                        offset: f2,
                        gen: u16::try_from(f3).unwrap_or(0),
                    },
                    2 => XrefEntry::InStream {
                        stream: u32::try_from(f2).map_err(|_| PdfError::BrokenXref { offset })?,
                        index: u32::try_from(f3).map_err(|_| PdfError::BrokenXref { offset })?,
                    },
                    // §7.5.8.3: unknown types are treated as null references.
                    _ => XrefEntry::Free,
                };
                entries.insert(num, e);
            }
        }
        Ok(entries)
    }

    /// The raw length of a stream in the file (`/Length`, possibly indirect).
    pub fn stream_len(&self, s: &Stream) -> Result<u64, PdfError> {
        let len = match s.dict.get("Length") {
            Some(Object::Integer(n)) => *n,
            Some(Object::Ref(r)) => self.get(*r)?.as_i64().unwrap_or(-1),
            _ => -1,
        };
        u64::try_from(len).map_err(|_| PdfError::BadStream {
            what: "Length",
            offset: match s.data {
                StreamData::InFile { start } => start,
                StreamData::Owned(_) => 0,
            },
        })
    }

    /// A stream's raw bytes.
    pub fn stream_raw(&self, s: &Stream) -> Result<Vec<u8>, PdfError> {
        match &s.data {
            StreamData::Owned(d) => Ok(d.clone()),
            StreamData::InFile { start } => {
                let len = self.stream_len(s)?;
                if len > MAX_DECODED || start.saturating_add(len) > self.src.len() {
                    return Err(PdfError::BadStream {
                        what: "Length",
                        offset: *start,
                    });
                }
                self.read_window(*start, len as usize)
            }
        }
    }

    /// A stream's decoded bytes (FlateDecode with PNG/TIFF predictors, or no filter; §7.4.4).
    pub fn stream_data(&self, s: &Stream) -> Result<Vec<u8>, PdfError> {
        let raw = self.stream_raw(s)?;
        let offset = match s.data {
            StreamData::InFile { start } => start,
            StreamData::Owned(_) => 0,
        };
        super::filter::decode(&s.dict, raw, offset, MAX_DECODED)
    }

    /// Loads the object `r`: `Null` for a free or missing entry (§7.3.10).
    pub fn get(&self, r: ObjRef) -> Result<Object, PdfError> {
        match self.merged.get(&r.num) {
            None | Some(XrefEntry::Free) => Ok(Object::Null),
            Some(&XrefEntry::InFile { offset, .. }) => self.load_at(offset, r),
            Some(&XrefEntry::InStream { stream, index }) => self.load_from_objstm(stream, index, r),
        }
    }

    /// Loads the object defined at `offset` (which must be `r`'s definition).
    pub fn load_at(&self, offset: u64, r: ObjRef) -> Result<Object, PdfError> {
        let (found, obj) = self.parse_at(offset, |p| p.parse_indirect())?;
        if found.num != r.num {
            return Err(PdfError::WrongObject {
                expected: r.num,
                found: found.num,
                offset,
            });
        }
        Ok(obj)
    }

    fn load_from_objstm(&self, stream: u32, index: u32, r: ObjRef) -> Result<Object, PdfError> {
        let cached = self.objstm_cache.borrow().get(&stream).cloned();
        let stm = match cached {
            Some(s) => s,
            None => {
                let s = std::rc::Rc::new(self.read_objstm(stream)?);
                self.objstm_cache.borrow_mut().insert(stream, s.clone());
                s
            }
        };
        let &(num, off) = stm
            .offsets
            .get(index as usize)
            .ok_or(PdfError::BadObjectStream { num: stream })?;
        if num != r.num {
            return Err(PdfError::BadObjectStream { num: stream });
        }
        let bytes = stm
            .data
            .get(off..)
            .ok_or(PdfError::BadObjectStream { num: stream })?;
        // Objects in object streams have no byte offsets in the file: spans are meaningless,
        // so parse with a base that cannot be mistaken for a file offset.
        let mut p = Parser::new(bytes, u64::MAX / 2);
        p.parse_object(0)
            .map_err(|_| PdfError::BadObjectStream { num: stream })
    }

    fn read_objstm(&self, num: u32) -> Result<ObjStm, PdfError> {
        let obj = match self.merged.get(&num) {
            Some(&XrefEntry::InFile { offset, .. }) => self.load_at(offset, ObjRef::new(num))?,
            _ => return Err(PdfError::BadObjectStream { num }),
        };
        let s = match obj {
            Object::Stream(s) => s,
            _ => return Err(PdfError::BadObjectStream { num }),
        };
        let n = s.dict.get("N").and_then(Object::as_i64).unwrap_or(-1);
        let first = s.dict.get("First").and_then(Object::as_i64).unwrap_or(-1);
        let (n, first) = match (usize::try_from(n), usize::try_from(first)) {
            (Ok(n), Ok(f)) => (n, f),
            _ => return Err(PdfError::BadObjectStream { num }),
        };
        let data = self.stream_data(&s)?;
        let mut p = Parser::new(&data, 0);
        let mut offsets = Vec::with_capacity(n.min(100_000));
        for _ in 0..n {
            let on = p
                .read_uint()
                .map_err(|_| PdfError::BadObjectStream { num })?;
            let oo = p
                .read_uint()
                .map_err(|_| PdfError::BadObjectStream { num })?;
            offsets.push((
                u32::try_from(on).map_err(|_| PdfError::BadObjectStream { num })?,
                first + oo as usize,
            ));
        }
        Ok(ObjStm { data, offsets })
    }

    /// Resolves a reference (one level), cloning a direct object.
    pub fn resolve(&self, o: &Object) -> Result<Object, PdfError> {
        match o {
            Object::Ref(r) => self.get(*r),
            other => Ok(other.clone()),
        }
    }

    /// The document catalog (§7.7.2).
    pub fn catalog_ref(&self) -> Result<ObjRef, PdfError> {
        self.trailer()
            .get("Root")
            .and_then(Object::as_ref)
            .ok_or(PdfError::MissingKey {
                key: "Root",
                object: "trailer",
            })
    }

    /// Resolves a dictionary value, following one reference.
    pub fn dict_of(&self, o: &Object) -> Result<Option<Dict>, PdfError> {
        Ok(self.resolve(o)?.as_dict().cloned())
    }

    /// The first page's reference, walking `/Kids` from the page tree root (§7.7.3).
    pub fn first_page(&self) -> Result<(ObjRef, Dict), PdfError> {
        let cat = self
            .dict_of(&Object::Ref(self.catalog_ref()?))?
            .ok_or(PdfError::MissingKey {
                key: "Root",
                object: "trailer",
            })?;
        let mut node = cat
            .get("Pages")
            .and_then(Object::as_ref)
            .ok_or(PdfError::MissingKey {
                key: "Pages",
                object: "catalog",
            })?;
        for _ in 0..64 {
            let d = self
                .dict_of(&Object::Ref(node))?
                .ok_or(PdfError::MissingKey {
                    key: "Kids",
                    object: "page tree",
                })?;
            if d.name("Type") == Some(b"Page") {
                return Ok((node, d));
            }
            node = d
                .get("Kids")
                .and_then(Object::as_array)
                .and_then(|k| k.first())
                .and_then(Object::as_ref)
                .ok_or(PdfError::MissingKey {
                    key: "Kids",
                    object: "page tree",
                })?;
        }
        Err(PdfError::MissingKey {
            key: "Kids",
            object: "page tree (too deep)",
        })
    }
}

/// Finds the last `startxref` in the file's tail (§7.5.5).
pub fn find_startxref<S: Source + ?Sized>(src: &S) -> Result<u64, PdfError> {
    let len = src.len();
    let from = len.saturating_sub(TAIL_WINDOW);
    let mut buf = vec![0; (len - from) as usize];
    let n = src.read_at(from, &mut buf).map_err(|e| PdfError::Io {
        offset: from,
        source: e,
    })?;
    buf.truncate(n);
    let pos = buf
        .windows(9)
        .rposition(|w| w == b"startxref")
        .ok_or(PdfError::NoStartXref)?;
    let rest = &buf[pos + 9..];
    let digits: Vec<u8> = rest
        .iter()
        .copied()
        .skip_while(|c| super::parse::is_white(*c))
        .take_while(u8::is_ascii_digit)
        .collect();
    parse_u64(&digits).ok_or(PdfError::NoStartXref)
}

/// Reads a whole small file into memory (tests and fixtures).
pub fn read_all(mut r: impl Read) -> std::io::Result<Vec<u8>> {
    let mut v = Vec::new();
    r.read_to_end(&mut v)?;
    Ok(v)
}
