//! hoso-pdf: writes archival PDF/A dossiers from page images and existing PDFs.
//!
//! Start from [`DossierWriter`]: feed it [`RasterPage`]s (from [`jpeg::page`], [`png::page`] or
//! [`tiff::TiffPages`]) and imported PDF pages ([`import::PdfImporter`]), section by section, then
//! [`DossierWriter::finish`] with the document info and, optionally, the dossier manifest as a
//! PDF/A-3 associated file. Pages are streamed to the output as they come; nothing holds the whole
//! dossier in memory. [`atomic::AtomicFile`] gives the crash-safe output file.
//!
//! What it guarantees (ISO 19005-2, level B; ISO 19005-3 when a file is attached): XMP metadata
//! agreeing with the Info dictionary, an sRGB OutputIntent with an embedded ICC profile generated
//! in code ([`icc`]), a trailer `/ID`, no encryption, JavaScript, LZW or external references.
//! JPEG bytes are embedded unchanged (`/DCTDecode`), CCITT G4 TIFF strips unchanged
//! (`/CCITTFaxDecode`), everything else losslessly as Flate with PNG predictors.
//!
//! What it does not do: render, OCR, sign (see hoso-sign), or decide what a dossier contains
//! (see hoso-dossier).
//!
//! ```no_run
//! use hoso_pdf::{DossierWriter, DocumentInfo};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let jpeg = std::fs::read("page1.jpg")?;
//! let mut w = DossierWriter::new(std::fs::File::create("dossier.pdf")?)?;
//! w.start_section("Tờ khai");
//! w.add_raster_page(&hoso_pdf::jpeg::page(jpeg)?)?;
//! let info = DocumentInfo {
//!     title: "Hồ sơ".into(), author: None, subject: None, keywords: None,
//!     creator_tool: "hoso".into(), producer: "hoso-pdf".into(), language: "vi".into(),
//!     created: time::OffsetDateTime::now_utc(),
//! };
//! w.finish(&info, None)?;
//! # Ok(()) }
//! ```
//!
//! Where it sits: the lowest hoso crate; it also holds the workspace's one hex helper and one
//! Vietnam-time helper ([`common`]). The flows that build, sign and register live in hoso-office
//! (`crates/hoso-office`).

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod atomic;
pub mod attachment;
pub mod common;
mod error;
pub mod font;
pub mod icc;
pub mod import;
pub mod jpeg;
pub mod pdfa;
pub mod png;
pub mod raster;
pub mod read;
pub mod reopen;
pub mod text_layer;
pub mod tiff;
pub mod writer;
pub mod xmp;

pub use common::{
    hex, iso8601_vietnam, iso8601_vietnam_system, sha256_file, sha256_reader, vietnam_now,
};
pub use error::{InputError, PdfError, PdfaViolation};
pub use raster::{Dpi, ImageColor, ImageEncoding, ImageStrip, RasterPage};
pub use text_layer::{TextLayer, TextLine, TextWord};
pub use writer::{Attachment, DossierWriter, ObjectSink, PagePlacement};
pub use xmp::{DocumentInfo, PdfaLevel};
