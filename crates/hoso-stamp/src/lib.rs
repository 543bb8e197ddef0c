//! hoso-stamp: what a signature looks like on the page, as Decree 30/2020/NĐ-CP Appendix I
//! prescribes (see `REGULATIONS.md` §1–2).
//!
//! Start from [`Appearance`]: a Form XObject (ISO 32000-1 §8.10) drawn from [`TextBlock`]s set
//! in the bundled Tinos subset (metric-compatible with Times New Roman, with a ToUnicode map, so
//! every Vietnamese letter renders and extracts), [`StampImage`]s (PNG, alpha as an `/SMask`,
//! allowed by PDF/A-2, ISO 19005-2 §6.4) and [`QrMark`]s (ISO/IEC 18004, drawn as vector
//! modules). [`Appearance::write`] emits the objects into any [`hoso_pdf::ObjectSink`] — hoso-sign
//! renumbers them into its incremental update.
//!
//! The Decree's presentations are built by [`decree`]: the certified-copy block ("SAO Y", the
//! organisation, the ISO 8601 time in +07:00, 10 pt, top right of page 1, no image), the annex
//! block, the person's signature image and the seal at its real size overlapping the left third
//! of it. [`StampImage::check_seal`] and [`StampImage::check_signature`] refuse images that break
//! the Decree's rules (not transparent, wrong colour, absurd physical size). [`locate`] finds the
//! signer block near the end of the last page and reads page geometry.
//!
//! [`page_mark::draw_into_page`] paints an appearance into a page's own content in an incremental
//! update (the certified copy's QR mark, written before the organisation signs so its signature
//! covers the mark and its own appearance stays the text block alone).
//!
//! [`visible::plan`] turns a signature image, a seal or an annex number into the widget hoso-sign
//! places. hoso-stamp only draws: it neither signs files nor writes the register — the certified
//! copy flow (number, signature, registration) lives in hoso-office.
//!
//! ```
//! use hoso_stamp::{decree, Appearance, CopyKind};
//! let block = decree::copy_block(CopyKind::SaoY, "Ủy ban nhân dân phường Sông Cầu",
//!     "2026-11-29T09:15:02+07:00").unwrap();
//! let mut ap = Appearance::new(block.width_pt(), block.height_pt());
//! ap.text(&block, 0.0, 0.0);
//! assert!(ap.width_pt() > 100.0);
//! ```
//!
//! Where it sits: appearances only. Certified copies (numbering, signing and registering the copy)
//! are hoso-office's copy flow (`crates/hoso-office/src/copy.rs`), which uses this crate to draw;
//! hoso-stamp does not depend on hoso-register.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod appearance;
pub mod decree;
mod error;
mod image;
pub mod locate;
pub mod page_mark;
mod qr;
pub mod receipt;
mod text;
pub mod units;
pub mod visible;

pub use appearance::Appearance;
pub use decree::CopyKind;
pub use error::{ImageRule, StampError};
pub use image::StampImage;
pub use qr::QrMark;
pub use text::TextBlock;
