//! PDF reading and incremental updates, as much as signing needs. Written to move into
//! `hoso-pdf` later: nothing here knows about signatures.

pub mod file;
pub mod filter;
pub mod object;
pub mod parse;
pub mod update;

pub use file::{FileSource, PdfFile, Prefix, Revision, Source, XrefEntry, XrefKind};
pub use object::{Dict, ObjRef, Object, Stream, StreamData};

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
}
