//! Lazy random-access reading of a PDF file: the cross-reference chain (classic tables, xref
//! streams, hybrid files; ISO 32000-1 §7.5.4, §7.5.8, §7.5.6 incremental updates), and objects
//! loaded on demand, including those inside object streams (§7.5.7).
//!
//! Only the trailer chain and the objects asked for are read, so memory does not grow with the
//! size of page content or images.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::Read;
use std::rc::Rc;

use super::object::{Dict, ObjRef, Object, Stream, StreamData};
use super::parse::{parse_u64, Parser};
use super::{stream_at, PdfError};

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

impl<T: Source + ?Sized> Source for &T {
    fn len(&self) -> u64 {
        (**self).len()
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        (**self).read_at(offset, buf)
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

/// Resource limits of one opened file (ISO 32000 sets none; these keep a hostile file of a few
/// hundred kilobytes from exhausting memory or time). Every limit reached is a
/// [`PdfError::LimitExceeded`] naming the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Total bytes all stream decodes of the file may produce (cache hits included): the file
    /// size times this factor, at least [`Limits::decode_floor`], at most [`Limits::decode_cap`].
    pub decode_factor: u64,
    /// Smallest decode budget, for small files.
    pub decode_floor: u64,
    /// Largest decode budget, whatever the file size.
    pub decode_cap: u64,
    /// Largest single decoded stream.
    pub max_stream: u64,
    /// Bytes of decoded object streams kept in the cache.
    pub objstm_cache_bytes: u64,
    /// Bytes of other decoded streams kept in the cache (each one at most a quarter of this).
    pub stream_cache_bytes: u64,
    /// Cross-reference entries over all revisions: the file size times this factor, plus 4096.
    pub xref_entries_factor: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            decode_factor: 16,
            decode_floor: 64 << 20,
            decode_cap: 2 << 30,
            max_stream: 256 << 20,
            objstm_cache_bytes: 64 << 20,
            stream_cache_bytes: 64 << 20,
            xref_entries_factor: 8,
        }
    }
}

impl Limits {
    /// The decode budget for a file of `len` bytes.
    pub fn decode_budget(&self, len: u64) -> u64 {
        len.saturating_mul(self.decode_factor)
            .max(self.decode_floor)
            .min(self.decode_cap)
    }

    /// The cross-reference entry bound for a file of `len` bytes.
    pub fn xref_entries(&self, len: u64) -> u64 {
        len.saturating_mul(self.xref_entries_factor)
            .saturating_add(4096)
    }
}

/// A PDF opened for reading.
pub struct PdfFile<S: Source> {
    src: S,
    /// Revisions, oldest first.
    revisions: Vec<Revision>,
    merged: HashMap<u32, XrefEntry>,
    objstm_cache: RefCell<HashMap<u32, Rc<ObjStm>>>,
    objstm_cached_bytes: Cell<u64>,
    /// Decoded streams by the offset of their data (one stream, however many references).
    stream_cache: RefCell<HashMap<u64, Rc<Vec<u8>>>>,
    stream_cached_bytes: Cell<u64>,
    /// What is left of the decode budget.
    budget_left: Cell<u64>,
    /// Nesting of object loads (a `/Length` inside the object stream it measures recurses).
    load_depth: Cell<u32>,
    xref_entries_left: Cell<u64>,
    limits: Limits,
    startxref: u64,
}

struct ObjStm {
    data: Vec<u8>,
    offsets: Vec<(u32, usize)>,
}

const TAIL_WINDOW: u64 = 2048;
const MAX_OBJECT_WINDOW: usize = 16 << 20;
const MAX_REVISIONS: usize = 10_000;
/// Deepest nesting of object loads through `/Length` and object streams.
const MAX_LOAD_DEPTH: u32 = 8;

impl<S: Source> PdfFile<S> {
    /// Opens a PDF: finds the last `startxref` (§7.5.5) and reads the whole xref chain, with the
    /// default [`Limits`].
    pub fn open(src: S) -> Result<Self, PdfError> {
        Self::open_with_limits(src, Limits::default())
    }

    /// As [`PdfFile::open`] with explicit limits.
    pub fn open_with_limits(src: S, limits: Limits) -> Result<Self, PdfError> {
        let startxref = find_startxref(&src)?;
        let len = src.len();
        let mut file = Self {
            src,
            revisions: Vec::new(),
            merged: HashMap::new(),
            objstm_cache: RefCell::new(HashMap::new()),
            objstm_cached_bytes: Cell::new(0),
            stream_cache: RefCell::new(HashMap::new()),
            stream_cached_bytes: Cell::new(0),
            budget_left: Cell::new(limits.decode_budget(len)),
            load_depth: Cell::new(0),
            xref_entries_left: Cell::new(limits.xref_entries(len)),
            limits,
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

    /// The limits this file was opened with.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// What is left of the decode budget.
    pub fn decode_budget_left(&self) -> u64 {
        self.budget_left.get()
    }

    /// Takes `n` decoded bytes from the budget.
    fn charge(&self, n: u64, offset: u64) -> Result<(), PdfError> {
        let left = self.budget_left.get();
        if n > left {
            self.budget_left.set(0);
            return Err(PdfError::limit(
                "total decoded stream bytes",
                self.limits.decode_budget(self.src.len()),
                stream_at(offset),
            ));
        }
        self.budget_left.set(left - n);
        Ok(())
    }

    /// Takes `n` cross-reference entries from the file's allowance.
    fn charge_xref(&self, n: u64, offset: u64) -> Result<(), PdfError> {
        let left = self.xref_entries_left.get();
        if n > left {
            return Err(PdfError::limit(
                "cross-reference entries",
                self.limits.xref_entries(self.src.len()),
                format!("cross-reference section at byte {offset}"),
            ));
        }
        self.xref_entries_left.set(left - n);
        Ok(())
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
        let max_seen = self.merged.keys().max().map_or(0, |m| m.saturating_add(1));
        let max_xref = self
            .revisions
            .iter()
            .flat_map(|r| r.xref_stream_nums.iter())
            .max()
            .map_or(0, |m| m.saturating_add(1));
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
                // Each entry is 20 bytes (§7.5.4); fewer bytes left than that is a lie.
                let room = (self.src.len().saturating_sub(p.offset()) / 18).saturating_add(1);
                if count > room {
                    return Err(PdfError::limit(
                        "cross-reference subsection entries",
                        room,
                        format!("xref table at byte {offset}"),
                    ));
                }
                self.charge_xref(count, offset)?;
                for i in 0..count {
                    let off = p.read_uint()?;
                    let gen = p.read_uint()?;
                    let kind = p.read_word()?;
                    let at = p.offset();
                    let num = start
                        .checked_add(i)
                        .and_then(|n| u32::try_from(n).ok())
                        .ok_or(PdfError::BrokenXref { offset: at })?;
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
        let data = self.decode_once(s)?;
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
        // Entries are bounded by the rows the data holds, before anything is allocated for them.
        let rows_held = (data.len() / row) as u64;
        let mut declared = 0u64;
        for pair in index.chunks(2) {
            if let [_, c] = pair {
                declared = declared.saturating_add(u64::try_from(*c).unwrap_or(0));
            }
        }
        let wanted = declared.min(rows_held);
        self.charge_xref(wanted, offset)?;
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
                let num = start
                    .checked_add(i)
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or(PdfError::BrokenXref { offset })?;
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
            Some(Object::Real(_)) => -1,
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
                if len > self.limits.max_stream || start.saturating_add(len) > self.src.len() {
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
    /// Every call takes its bytes from the file's decode budget; a stream of the file is decoded
    /// once and cached by its position, however many objects refer to it.
    pub fn stream_data(&self, s: &Stream) -> Result<Vec<u8>, PdfError> {
        Ok(self.stream_bytes(s)?.as_ref().clone())
    }

    /// As [`PdfFile::stream_data`], shared: the cached bytes themselves, without a copy.
    pub fn stream_bytes(&self, s: &Stream) -> Result<Rc<Vec<u8>>, PdfError> {
        self.decode(s, true)
    }

    /// Decodes without caching (xref and object streams, which have their own handling).
    fn decode_once(&self, s: &Stream) -> Result<Vec<u8>, PdfError> {
        let rc = self.decode(s, false)?;
        Ok(Rc::try_unwrap(rc).unwrap_or_else(|rc| rc.as_ref().clone()))
    }

    fn decode(&self, s: &Stream, cache: bool) -> Result<Rc<Vec<u8>>, PdfError> {
        let offset = match s.data {
            StreamData::InFile { start } => start,
            StreamData::Owned(_) => 0,
        };
        if let StreamData::InFile { start } = s.data {
            let hit = self.stream_cache.borrow().get(&start).cloned();
            if let Some(hit) = hit {
                self.charge(hit.len() as u64, start)?;
                return Ok(hit);
            }
        }
        let raw = self.stream_raw(s)?;
        let max = self.limits.max_stream.min(self.budget_left.get());
        let data = match super::filter::decode(&s.dict, raw, offset, max) {
            Err(PdfError::BadStream {
                what: "decoded size",
                ..
            }) if max < self.limits.max_stream => {
                self.budget_left.set(0);
                return Err(PdfError::limit(
                    "total decoded stream bytes",
                    self.limits.decode_budget(self.src.len()),
                    stream_at(offset),
                ));
            }
            other => Rc::new(other?),
        };
        self.charge(data.len() as u64, offset)?;
        if let (true, StreamData::InFile { start }) = (cache, &s.data) {
            let start = *start;
            let n = data.len() as u64;
            let room = self.limits.stream_cache_bytes;
            if n <= room / 4 {
                if self.stream_cached_bytes.get() + n > room {
                    self.stream_cache.borrow_mut().clear();
                    self.stream_cached_bytes.set(0);
                }
                self.stream_cache.borrow_mut().insert(start, data.clone());
                self.stream_cached_bytes
                    .set(self.stream_cached_bytes.get() + n);
            }
        }
        Ok(data)
    }

    /// Loads the object `r`: `Null` for a free or missing entry (§7.3.10).
    pub fn get(&self, r: ObjRef) -> Result<Object, PdfError> {
        let depth = self.load_depth.get();
        if depth >= MAX_LOAD_DEPTH {
            return Err(PdfError::limit(
                "nested object loads",
                u64::from(MAX_LOAD_DEPTH),
                format!("object {} {}", r.num, r.gen),
            ));
        }
        self.load_depth.set(depth + 1);
        let out = match self.merged.get(&r.num) {
            None | Some(XrefEntry::Free) => Ok(Object::Null),
            Some(&XrefEntry::InFile { offset, .. }) => self.load_at(offset, r),
            Some(&XrefEntry::InStream { stream, index }) => self.load_from_objstm(stream, index, r),
        };
        self.load_depth.set(depth);
        out
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
                let s = Rc::new(self.read_objstm(stream)?);
                // Bounded: when full, start over (object streams are read in clusters).
                let n = s.data.len() as u64 + 16 * s.offsets.len() as u64;
                if self.objstm_cached_bytes.get().saturating_add(n) > self.limits.objstm_cache_bytes
                {
                    self.objstm_cache.borrow_mut().clear();
                    self.objstm_cached_bytes.set(0);
                }
                self.objstm_cache.borrow_mut().insert(stream, s.clone());
                self.objstm_cached_bytes
                    .set(self.objstm_cached_bytes.get().saturating_add(n));
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
        let data = self.decode_once(&s)?;
        // Each object needs at least its number, offset and a byte of body.
        if n > data.len() / 4 + 1 {
            return Err(PdfError::limit(
                "objects in an object stream",
                (data.len() / 4 + 1) as u64,
                format!("object stream {num}"),
            ));
        }
        let mut p = Parser::new(&data, 0);
        let mut offsets = Vec::with_capacity(n.min(100_000));
        for _ in 0..n {
            let on = p
                .read_uint()
                .map_err(|_| PdfError::BadObjectStream { num })?;
            let oo = p
                .read_uint()
                .map_err(|_| PdfError::BadObjectStream { num })?;
            let at = usize::try_from(oo)
                .ok()
                .and_then(|o| first.checked_add(o))
                .ok_or(PdfError::BadObjectStream { num })?;
            offsets.push((
                u32::try_from(on).map_err(|_| PdfError::BadObjectStream { num })?,
                at,
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
        let mut seen = super::walk::Visited::new("page tree");
        for _ in 0..64 {
            if !seen.first_visit(node)? {
                break;
            }
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

impl<S: Source> PdfFile<S> {
    /// Whether any object of the file, in its newest version, satisfies `f` (the "is it signed?"
    /// question of reopening). Each definition is read once: entries sharing a byte offset or an
    /// object-stream slot are not read again. Objects that do not parse are skipped; a limit
    /// reached is an error.
    pub fn any_object(&self, mut f: impl FnMut(&Object) -> bool) -> Result<bool, PdfError> {
        let mut nums: Vec<u32> = self.merged.keys().copied().collect();
        nums.sort_unstable();
        let mut seen = std::collections::HashSet::new();
        for num in nums {
            let key = match self.merged.get(&num) {
                Some(&XrefEntry::InFile { offset, .. }) => (u64::MAX, offset),
                Some(&XrefEntry::InStream { stream, index }) => {
                    (u64::from(stream), u64::from(index))
                }
                _ => continue,
            };
            if !seen.insert(key) {
                continue;
            }
            match self.get(ObjRef::new(num)) {
                Ok(o) if f(&o) => return Ok(true),
                Err(e @ PdfError::LimitExceeded { .. }) => return Err(e),
                _ => {}
            }
        }
        Ok(false)
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
