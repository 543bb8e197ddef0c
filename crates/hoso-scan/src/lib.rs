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
//! Not here: PDF writing (`hoso-pdf`), OCR (`hoso-ocr`).

#![deny(missing_docs)]

pub mod clean;
mod error;

pub use error::CleanError;
#[cfg(feature = "synth")]
pub mod synth;
