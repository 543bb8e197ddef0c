//! Scanners behind one trait, and batch scanning that streams pages to disk.
//!
//! [`ScanDevice`] is what a platform layer implements: SANE on Linux and the BSDs
//! ([`crate::sane`]) today; Windows (WIA/TWAIN) and macOS (ImageCaptureCore) can be added as
//! further implementations without touching [`scan_batch`] or the callers.
//!
//! [`scan_batch`] writes each page as a PNG (lossless, with its resolution in `pHYs`) row by row
//! as the data arrives, through [`AtomicFile`], so a 300-page feeder batch never sits in memory
//! and a failure mid-page leaves no partial file: the pages before it are kept.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use hoso_pdf::atomic::AtomicFile;
use serde::{Deserialize, Serialize};

use crate::ScanError;

/// Where the paper is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The glass: one page per scan.
    Flatbed,
    /// The automatic document feeder, one side.
    Adf,
    /// The feeder, both sides.
    Duplex,
}

/// Colour mode of the scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorMode {
    /// 24-bit colour.
    Color,
    /// 8-bit grey.
    Gray,
    /// 1-bit black and white.
    Lineart,
}

/// What to scan.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScanSettings {
    /// Paper source.
    pub source: Source,
    /// Resolution in dots per inch.
    pub dpi: u32,
    /// Colour mode.
    pub mode: ColorMode,
    /// Stop after this many pages (feeder sources); `None` = until the feeder is empty.
    pub max_pages: Option<u32>,
}

/// A scanner the platform layer found.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeviceInfo {
    /// Name to open it by (e.g. `test:0`, `escl:https://...`).
    pub name: String,
    /// Maker.
    pub vendor: String,
    /// Model.
    pub model: String,
    /// Kind (flatbed scanner, sheetfed scanner, ...).
    pub kind: String,
}

/// How the bytes of a page are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageFormat {
    /// Pixels per line.
    pub width: u32,
    /// Lines in the page.
    pub height: u32,
    /// 1 (grey or lineart) or 3 (RGB, interleaved).
    pub channels: u8,
    /// Bits per sample: 1, 8 or 16 (16-bit samples in native byte order; 1-bit: 1 = black).
    pub depth: u8,
    /// Bytes per line as sent (may include padding).
    pub bytes_per_line: usize,
}

/// A scanner as [`scan_batch`] drives it. Implementations map their platform's statuses to
/// precise [`ScanError`] variants.
pub trait ScanDevice {
    /// The device name.
    fn name(&self) -> &str;
    /// Applies source, resolution and mode.
    fn configure(&mut self, settings: &ScanSettings) -> Result<(), ScanError>;
    /// Starts the next page: `Ok(None)` when the feeder is empty.
    fn start_page(&mut self) -> Result<Option<PageFormat>, ScanError>;
    /// Reads page bytes; `Ok(0)` at the end of the page.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ScanError>;
    /// Ends the batch or aborts the page in progress.
    fn cancel(&mut self);
}

/// Why a batch ended.
#[derive(Debug)]
pub enum BatchEnd {
    /// The feeder ran out of paper after the last page (the normal end of a feeder batch).
    FeederEmpty,
    /// One page from the flatbed.
    FlatbedDone,
    /// `max_pages` reached.
    PageLimit,
    /// Cancelled by the caller; the page in progress was discarded.
    Cancelled,
    /// Stopped by an error; the pages before it are kept.
    Failed(ScanError),
}

/// The outcome of [`scan_batch`]: the pages on disk and why it ended.
#[derive(Debug)]
pub struct ScanBatch {
    /// Page files written, in order.
    pub pages: Vec<PathBuf>,
    /// Why the batch ended.
    pub end: BatchEnd,
}

/// Progress events.
#[derive(Debug, Clone, Copy)]
pub enum ScanEvent<'a> {
    /// A page started (1-based).
    PageStarted {
        /// Page number.
        page: u32,
        /// Its format.
        format: PageFormat,
    },
    /// Bytes of the current page received so far.
    Bytes {
        /// Page number.
        page: u32,
        /// Bytes so far.
        received: u64,
        /// Bytes expected.
        expected: u64,
    },
    /// A page is safely on disk.
    PageSaved {
        /// Page number.
        page: u32,
        /// Its file.
        path: &'a Path,
    },
}

/// Scans pages into `out_dir` as `page-NNNN.png` until the feeder is empty, the page limit,
/// cancellation or an error. `cancel` is checked between reads.
pub fn scan_batch(
    device: &mut dyn ScanDevice,
    settings: &ScanSettings,
    out_dir: &Path,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(ScanEvent<'_>),
) -> ScanBatch {
    let mut pages = Vec::new();
    let end = run_batch(device, settings, out_dir, cancel, progress, &mut pages);
    device.cancel();
    ScanBatch { pages, end }
}

fn run_batch(
    device: &mut dyn ScanDevice,
    settings: &ScanSettings,
    out_dir: &Path,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(ScanEvent<'_>),
    pages: &mut Vec<PathBuf>,
) -> BatchEnd {
    if let Err(source) = std::fs::create_dir_all(out_dir) {
        return BatchEnd::Failed(ScanError::Write {
            path: out_dir.to_path_buf(),
            source,
        });
    }
    if let Err(e) = device.configure(settings) {
        return BatchEnd::Failed(e);
    }
    let mut page = 0u32;
    loop {
        if settings.max_pages.is_some_and(|m| page >= m) {
            return BatchEnd::PageLimit;
        }
        if cancel.load(Ordering::Relaxed) {
            return BatchEnd::Cancelled;
        }
        let format = match device.start_page() {
            Ok(Some(f)) => f,
            // An empty feeder before the first page is something the officer must fix.
            Ok(None) if page == 0 => return BatchEnd::Failed(ScanError::NoDocuments),
            Ok(None) => return BatchEnd::FeederEmpty,
            Err(e) => return BatchEnd::Failed(e),
        };
        page += 1;
        progress(ScanEvent::PageStarted { page, format });
        let path = out_dir.join(format!("page-{page:04}.png"));
        match write_page(device, format, settings.dpi, &path, page, cancel, progress) {
            Ok(()) => {
                progress(ScanEvent::PageSaved { page, path: &path });
                pages.push(path);
            }
            Err(ScanError::Cancelled) => return BatchEnd::Cancelled,
            Err(e) => return BatchEnd::Failed(e),
        }
        if settings.source == Source::Flatbed {
            return BatchEnd::FlatbedDone;
        }
    }
}

/// Streams one page from the device into a PNG through an [`AtomicFile`].
fn write_page(
    device: &mut dyn ScanDevice,
    f: PageFormat,
    dpi: u32,
    path: &Path,
    page: u32,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(ScanEvent<'_>),
) -> Result<(), ScanError> {
    let write_err = |source: std::io::Error| ScanError::Write {
        path: path.to_path_buf(),
        source,
    };
    let png_err = |e: png::EncodingError| match e {
        png::EncodingError::IoError(io) => write_err(io),
        other => ScanError::UnsupportedData {
            what: other.to_string(),
        },
    };
    let row_bytes = (f.width as usize * f.channels as usize * f.depth as usize).div_ceil(8);
    if f.width == 0 || f.height == 0 || row_bytes > f.bytes_per_line {
        return Err(ScanError::UnsupportedData {
            what: format!(
                "{}×{} px, {} bytes per line",
                f.width, f.height, f.bytes_per_line
            ),
        });
    }
    let mut file = AtomicFile::create(path).map_err(write_err)?;
    let mut enc = png::Encoder::new(&mut file, f.width, f.height);
    enc.set_color(if f.channels == 3 {
        png::ColorType::Rgb
    } else {
        png::ColorType::Grayscale
    });
    enc.set_depth(match f.depth {
        1 => png::BitDepth::One,
        16 => png::BitDepth::Sixteen,
        _ => png::BitDepth::Eight,
    });
    // PNG pHYs is in pixels per metre.
    let ppm = (dpi as f64 / 0.0254).round() as u32;
    enc.set_pixel_dims(Some(png::PixelDimensions {
        xppu: ppm,
        yppu: ppm,
        unit: png::Unit::Meter,
    }));
    let mut writer = enc.write_header().map_err(png_err)?;
    let mut stream = writer.stream_writer().map_err(png_err)?;
    let expected = f.bytes_per_line as u64 * f.height as u64;
    let mut line = Vec::with_capacity(f.bytes_per_line);
    let mut buf = vec![0u8; 64 * 1024];
    let (mut received, mut lines) = (0u64, 0u32);
    while lines < f.height {
        if cancel.load(Ordering::Relaxed) {
            device.cancel();
            return Err(ScanError::Cancelled);
        }
        let n = device.read(&mut buf)?;
        if n == 0 {
            return Err(ScanError::DeviceLost {
                message: format!("page ended after {lines} of {} lines", f.height),
            });
        }
        received += n as u64;
        let mut chunk = &buf[..n];
        while !chunk.is_empty() && lines < f.height {
            let take = (f.bytes_per_line - line.len()).min(chunk.len());
            line.extend_from_slice(&chunk[..take]);
            chunk = &chunk[take..];
            if line.len() == f.bytes_per_line {
                let row = &mut line[..row_bytes];
                match f.depth {
                    1 => row.iter_mut().for_each(|b| *b = !*b), // SANE 1 = black, PNG 0 = black
                    16 if cfg!(target_endian = "little") => {
                        row.chunks_exact_mut(2).for_each(|s| s.swap(0, 1)) // PNG is big-endian
                    }
                    _ => {}
                }
                stream.write_all(row).map_err(write_err)?;
                line.clear();
                lines += 1;
            }
        }
        progress(ScanEvent::Bytes {
            page,
            received,
            expected,
        });
    }
    // Drain to the end-of-page marker.
    while device.read(&mut buf)? != 0 {}
    stream.finish().map_err(png_err)?;
    writer.finish().map_err(png_err)?;
    crate::clean::commit(file).map_err(write_err)
}
