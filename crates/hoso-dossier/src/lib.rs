//! hoso-dossier: the dossier model and the build flow.
//!
//! A [`DossierSpec`] — a validated [`DossierCode`] (Circular 01/2018/TT-VPCP), a title, the
//! Circular 05/2025/TT-BNV metadata and an ordered list of documents, each with its files — goes
//! into [`build_dossier`], which writes one archival PDF/A file through `hoso-pdf`, crash-safely,
//! and returns a [`BuildReport`] with the output's SHA-256 and the [`Manifest`] it embedded.
//!
//! It does not scan, sign or register: those are other crates, joined by the CLI and the app.
//!
//! ```no_run
//! use hoso_dossier::*;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let spec = DossierSpec {
//!     code: "000.00.15.H12-261129-0001".parse()?,
//!     title: "Đăng ký khai sinh".into(),
//!     metadata: DossierMetadata::default(),
//!     documents: vec![DocumentSpec {
//!         name: "Tờ khai".into(),
//!         files: vec!["to_khai.jpg".into()],
//!         metadata: DocumentMetadata::default(),
//!     }],
//! };
//! let report = build_dossier(&spec, "hoso.pdf".as_ref(), &BuildOptions::default(), &mut |_| {})?;
//! println!("{} {}", report.output.display(), report.sha256);
//! # Ok(()) }
//! ```
//!
//! Where it sits: building and registering a dossier is hoso-office's build flow
//! (`crates/hoso-office/src/build.rs`: progress, cancel, the register entry); the shells call that
//! flow, which calls this crate.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod build;
mod code;
mod error;
mod manifest;
mod metadata;
mod ocr;
mod preflight;
mod rasterize;
mod reocr;
mod search;

pub use build::{
    archival_xmp, build_dossier, inspect_source, validate, vietnam_now, BuildEvent, BuildOptions,
    BuildReport, BuildWarning, DocumentSpec, DossierSpec, SourceFormat, SourceInfo,
    ARCHIVAL_XMP_NAMESPACE, MIN_ARCHIVAL_DPI,
};
pub use code::{CodeError, DossierCode};
pub use error::DossierError;
pub use manifest::{Manifest, ManifestDocument, ManifestSource, RasterizedPage, MANIFEST_VERSION};
pub use metadata::{
    AccessRegime, BackupMode, BackupStatus, DocumentMetadata, DossierMetadata, MetadataError,
    Origin, Retention,
};
pub use ocr::OcrOptions;
pub use preflight::{preflight, preflight_file, PageWarning, ScanColour};
pub use rasterize::RASTER_DPI;
pub use reocr::{ocr_existing, OcrExistingReport};
pub use search::{fold, Hit, SearchError, SearchIndex};
