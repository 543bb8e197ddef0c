//! `hoso scan` and `hoso clean`, and the app's scanner panel: pages in from a scanner (SANE on
//! Linux) and page cleanup (deskew, crop, orientation, blank pages, binarize). These write page
//! images, not dossiers, so nothing is registered; the shells reach hoso-scan through here.

pub use hoso_scan::clean;
#[cfg(feature = "sane")]
pub use hoso_scan::sane;
pub use hoso_scan::{device, ScanError};
