//! hoso-scan: pages in. Scanners through SANE, and cleanup of scanned or photographed pages so
//! what reaches a dossier is straight, cropped to the paper, upright, free of blank backs, and
//! in the colour depth Circular 05/2025/TT-BNV asks of archival scans.
//!
//! Start from [`clean::clean_page`] (one decoded image → cleaned image + [`clean::PageReport`])
//! or [`clean::clean_files`] (files → a directory + [`clean::CleanReport`]).
//!
//! ```
//! use hoso_scan::clean::{clean_page, CleanOptions};
//! let page = image::DynamicImage::new_rgb8(400, 560);
//! let cleaned = clean_page(&page, 50, &CleanOptions::default());
//! assert!(cleaned.report.blank);
//! ```
//!
//! Scanning: [`device::ScanDevice`] is the platform-neutral scanner trait and
//! [`device::scan_batch`] streams a batch to disk page by page. [`sane`] implements the trait
//! over libsane (Linux, BSDs). Windows (WIA/TWAIN) and macOS (ImageCaptureCore) are not
//! implemented yet: they are further `ScanDevice` implementations, nothing else changes.
//!
//! Not here: PDF writing (`hoso-pdf`), OCR (`hoso-ocr`).
//!
//! Where it sits: the shells reach the scanner and the cleanup through hoso-office
//! (`hoso_office::scan`); the build flow there cleans pages with this crate when asked.

#![deny(missing_docs)]
// `unsafe` is confined to the SANE FFI layer (`sane::sys`), which allows it locally.
#![deny(unsafe_code)]

pub mod clean;
pub mod device;
mod error;
#[cfg(unix)]
#[cfg(feature = "sane")]
pub mod sane;

pub use error::{CleanError, ScanError};
#[cfg(feature = "synth")]
pub mod synth;
