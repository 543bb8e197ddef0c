//! Errors of page cleanup and scanning, as precise variants a caller can act on.
//!
//! Messages for people are built at the edge (CLI, desktop) from these variants; the `Display`
//! texts here are short English diagnostics that name the file or device involved.

use std::path::PathBuf;

/// A page could not be cleaned or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CleanError {
    /// The file could not be read at all (missing, permission, I/O).
    #[error("cannot read {path}: {source}")]
    Read {
        /// The input file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The bytes are not an image we can decode, or the image is truncated.
    #[error("cannot decode image {path}: {source}")]
    Decode {
        /// The input file.
        path: PathBuf,
        /// The decoder's error.
        source: image::ImageError,
    },
    /// The file ends before the image does (an interrupted copy or transfer).
    #[error("{path} is truncated: the image data ends early")]
    Truncated {
        /// The input file.
        path: PathBuf,
    },
    /// The image is too small or too large to be a scanned page.
    #[error("{path}: {width}×{height} px is not a plausible page image")]
    ImplausibleSize {
        /// The input file.
        path: PathBuf,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// Encoding the cleaned page failed.
    #[error("cannot encode the cleaned page: {0}")]
    Encode(#[from] image::ImageError),
    /// Writing an output file failed (disk full, permission, ...); nothing was left half-written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The output file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The output directory does not exist or cannot be created.
    #[error("cannot use output directory {path}: {source}")]
    OutputDir {
        /// The directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl CleanError {
    /// True when the error is about the output side (disk full, permissions): continuing with
    /// the other pages is pointless.
    pub fn is_output_failure(&self) -> bool {
        matches!(
            self,
            CleanError::Write { .. } | CleanError::OutputDir { .. }
        )
    }
}
