//! PDF reading and incremental updates: a lazy streaming parser, the filters needed to read
//! structure, and an incremental-update writer. Nothing here knows about signatures (hoso-sign
//! builds on it and re-exports it as `hoso_sign::pdf`).

pub mod content;
pub mod file;
pub mod filter;
pub mod object;
pub mod parse;
pub mod update;

pub mod walk;

pub use file::{FileSource, Limits, PdfFile, Prefix, Revision, Source, XrefEntry, XrefKind};
pub use object::{Dict, ObjRef, Object, Stream, StreamData};
pub use walk::Visited;

/// What went wrong reading a PDF; every variant says where.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// Reading the source failed.
    #[error("I/O error at byte {offset}: {source}")]
    Io {
        /// Where.
        offset: u64,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// No `startxref` in the last 2 KiB.
    #[error("no startxref at the end of the file")]
    NoStartXref,
    /// A cross-reference section could not be read.
    #[error("broken cross-reference data at byte {offset}")]
    BrokenXref {
        /// Where.
        offset: u64,
    },
    /// The data ended inside an object.
    #[error("object truncated at byte {offset}")]
    Truncated {
        /// Where.
        offset: u64,
    },
    /// A syntax error.
    #[error("syntax error at byte {offset}: expected {what}")]
    Syntax {
        /// Where.
        offset: u64,
        /// What was expected.
        what: &'static str,
    },
    /// The xref pointed at another object.
    #[error("xref for object {expected} points at object {found} (byte {offset})")]
    WrongObject {
        /// Wanted.
        expected: u32,
        /// Found.
        found: u32,
        /// Where.
        offset: u64,
    },
    /// An object stream is malformed.
    #[error("object stream {num} is malformed")]
    BadObjectStream {
        /// Its object number.
        num: u32,
    },
    /// A stream could not be read or decoded.
    #[error("stream at byte {offset}: bad {what}")]
    BadStream {
        /// What.
        what: &'static str,
        /// Where.
        offset: u64,
    },
    /// A required key is missing.
    #[error("{object} has no /{key}")]
    MissingKey {
        /// The key.
        key: &'static str,
        /// Which object.
        object: &'static str,
    },
    /// A resource limit was reached reading a hostile or broken file: nothing was allocated
    /// beyond the limit.
    #[error("{what} exceeds the limit of {limit} ({object})")]
    LimitExceeded {
        /// What was counted (decoded bytes, xref entries, predictor row, walk nodes, ...).
        what: &'static str,
        /// The limit.
        limit: u64,
        /// Which object or where in the file.
        object: String,
    },
}

impl PdfError {
    /// A [`PdfError::LimitExceeded`].
    pub fn limit(what: &'static str, limit: u64, object: impl Into<String>) -> Self {
        PdfError::LimitExceeded {
            what,
            limit,
            object: object.into(),
        }
    }
}

/// Where a stream is, for messages: its data offset in the file.
pub(crate) fn stream_at(offset: u64) -> String {
    if offset == 0 || offset >= u64::MAX / 4 {
        "a stream held in memory or in an object stream".to_owned()
    } else {
        format!("stream with data at byte {offset}")
    }
}

/// A PDF with a classic xref table made of `objects` (numbered from 1, object 1 the catalog),
/// offsets computed here, and `trailer_extra` added to the trailer dictionary — for tests.
#[doc(hidden)]
pub fn classic_pdf(objects: &[&str], trailer_extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offs = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offs.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let x = out.len();
    let size = objects.len() + 1;
    out.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f\r\n").as_bytes());
    for o in offs {
        out.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {size} /Root 1 0 R{trailer_extra} >>\nstartxref\n{x}\n%%EOF\n")
            .as_bytes(),
    );
    out
}
