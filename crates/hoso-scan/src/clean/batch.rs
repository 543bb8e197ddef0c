//! Cleaning a list of files into a directory, in parallel with bounded memory, with a JSON
//! report of every page.
//!
//! Each rayon worker holds one page at a time (decode → clean → encode → write), so memory grows
//! with the number of threads, not with the number of pages. Every output is written through
//! [`hoso_pdf::atomic::AtomicFile`]: a failure leaves no half-written file behind.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use hoso_pdf::atomic::AtomicFile;
use image::{DynamicImage, ImageDecoder, ImageReader};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{clean_page, CleanOptions, PageReport};
use crate::CleanError;

/// Resolution assumed when neither the caller nor the file says (the archival minimum).
pub const DEFAULT_DPI: u32 = 200;

/// The JSON report of a `clean_files` run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CleanReport {
    /// The options used.
    pub options: CleanOptions,
    /// One entry per input page that was cleaned, in input order.
    pub pages: Vec<PageReport>,
    /// Inputs that could not be cleaned, in input order.
    pub failed: Vec<FailedInput>,
}

impl CleanReport {
    /// The report as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("report types serialize infallibly")
    }

    /// Writes the report atomically to `path`.
    pub fn write(&self, path: &Path) -> Result<(), CleanError> {
        let write_err = |source| CleanError::Write {
            path: path.to_path_buf(),
            source,
        };
        let mut f = AtomicFile::create(path).map_err(write_err)?;
        f.write_all(self.to_json().as_bytes()).map_err(write_err)?;
        f.write_all(b"\n").map_err(write_err)?;
        commit(f).map_err(write_err)
    }
}

/// An input that could not be cleaned.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FailedInput {
    /// The input file.
    pub input: String,
    /// What went wrong, for callers that word it for people.
    pub kind: FailureKind,
    /// Why, in English (the CLI adds the Vietnamese).
    pub error: String,
}

/// The kind of a [`FailedInput`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FailureKind {
    /// The file could not be read.
    Unreadable,
    /// The file is not a decodable image, or it is truncated.
    NotAnImage,
    /// The image is too small to be a page.
    TooSmall,
    /// The output could not be encoded or written (disk full, permissions).
    OutputFailed,
    /// Not tried: an earlier output failure stopped the run.
    Skipped,
}

impl FailureKind {
    fn of(e: &CleanError) -> Self {
        match e {
            CleanError::Read { .. } => FailureKind::Unreadable,
            CleanError::Decode { .. } | CleanError::Truncated { .. } => FailureKind::NotAnImage,
            CleanError::ImplausibleSize { .. } => FailureKind::TooSmall,
            _ => FailureKind::OutputFailed,
        }
    }
}

/// Progress of a batch, reported after each input.
#[derive(Debug, Clone)]
pub struct Progress<'a> {
    /// Inputs finished so far (cleaned or failed).
    pub done: usize,
    /// Inputs in the batch.
    pub total: usize,
    /// The input just finished.
    pub input: &'a Path,
}

/// Cleans `inputs` into `out_dir` (created if missing), naming outputs `NNNN-<stem>.jpg|tif` in
/// input order. `dpi` overrides the resolution read from each file (JFIF, PNG pHYs), which
/// otherwise defaults to [`DEFAULT_DPI`]. Pages that fail are listed in
/// [`CleanReport::failed`]; after an output failure (disk full) the remaining inputs are
/// skipped. `Err` only when the output directory is unusable.
pub fn clean_files(
    inputs: &[PathBuf],
    out_dir: &Path,
    opts: &CleanOptions,
    dpi: Option<u32>,
    progress: &(dyn Fn(Progress<'_>) + Sync),
) -> Result<CleanReport, CleanError> {
    std::fs::create_dir_all(out_dir).map_err(|source| CleanError::OutputDir {
        path: out_dir.to_path_buf(),
        source,
    })?;
    let stop = AtomicBool::new(false);
    let done = AtomicUsize::new(0);
    let results: Vec<Result<PageReport, FailedInput>> = inputs
        .par_iter()
        .enumerate()
        .map(|(i, input)| {
            let result = if stop.load(Ordering::Relaxed) {
                Err(FailedInput {
                    input: input.display().to_string(),
                    kind: FailureKind::Skipped,
                    error: "not processed: an earlier output failed".into(),
                })
            } else {
                clean_one(i, input, out_dir, opts, dpi).map_err(|e| {
                    if e.is_output_failure() {
                        stop.store(true, Ordering::Relaxed);
                    }
                    FailedInput {
                        input: input.display().to_string(),
                        kind: FailureKind::of(&e),
                        error: e.to_string(),
                    }
                })
            };
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            progress(Progress {
                done: n,
                total: inputs.len(),
                input,
            });
            result
        })
        .collect();
    let mut report = CleanReport {
        options: opts.clone(),
        pages: Vec::new(),
        failed: Vec::new(),
    };
    for r in results {
        match r {
            Ok(p) => report.pages.push(p),
            Err(f) => report.failed.push(f),
        }
    }
    Ok(report)
}

fn clean_one(
    index: usize,
    input: &Path,
    out_dir: &Path,
    opts: &CleanOptions,
    dpi: Option<u32>,
) -> Result<PageReport, CleanError> {
    let (img, file_dpi) = load_page(input)?;
    let dpi = dpi.or(file_dpi).unwrap_or(DEFAULT_DPI);
    let mut page = clean_page(&img, dpi, opts);
    drop(img);
    page.report.input = input.display().to_string();
    if page.report.blank && opts.drop_blank {
        return Ok(page.report);
    }
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "page".into());
    let name = format!("{:04}-{stem}.{}", index + 1, page.report.mode.extension());
    let target = out_dir.join(&name);
    let write_err = |source| CleanError::Write {
        path: target.clone(),
        source,
    };
    let mut file = AtomicFile::create(&target).map_err(write_err)?;
    page.encode(opts.jpeg_quality, &mut file)
        .map_err(|e| match e {
            // The encoders wrap write failures (disk full) in an image I/O error.
            CleanError::Encode(image::ImageError::IoError(source)) => write_err(source),
            other => other,
        })?;
    commit(file).map_err(write_err)?;
    page.report.output = Some(target.display().to_string());
    Ok(page.report)
}

/// Commits an [`AtomicFile`], making sure no temporary file survives a failure.
///
/// Flushing first surfaces "disk full" while the `AtomicFile` still owns its temporary file
/// (dropping it then removes the file); should `commit` itself fail (fsync, rename), the
/// temporary file is removed here.
pub fn commit(mut file: AtomicFile) -> std::io::Result<()> {
    file.flush()?;
    let tmp = file.temp_path().to_path_buf();
    file.commit().inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Reads and decodes one page image, applying its EXIF orientation, and returns the
/// resolution its header declares.
pub fn load_page(path: &Path) -> Result<(DynamicImage, Option<u32>), CleanError> {
    let bytes = std::fs::read(path).map_err(|source| CleanError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if is_truncated_jpeg(&bytes) {
        // Lenient JPEG decoders paint the missing part grey: refuse rather than clean half a page.
        return Err(CleanError::Truncated {
            path: path.to_path_buf(),
        });
    }
    let decode_err = |source| CleanError::Decode {
        path: path.to_path_buf(),
        source,
    };
    let reader = ImageReader::new(Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| decode_err(image::ImageError::IoError(e)))?;
    let mut decoder = reader.into_decoder().map_err(decode_err)?;
    let orientation = decoder.orientation().map_err(decode_err)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(decode_err)?;
    img.apply_orientation(orientation);
    let (width, height) = (img.width(), img.height());
    if width < 64 || height < 64 {
        return Err(CleanError::ImplausibleSize {
            path: path.to_path_buf(),
            width,
            height,
        });
    }
    Ok((img, detect_dpi(&bytes)))
}

/// A JPEG file whose last marker is not EOI (ITU-T T.81 §B.2.1), ignoring trailing padding.
fn is_truncated_jpeg(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    let end = bytes
        .iter()
        .rposition(|&b| b != 0 && b != b'\n' && b != b'\r')
        .map_or(0, |i| i + 1);
    !bytes[..end].ends_with(&[0xFF, 0xD9])
}

/// The resolution a JPEG (JFIF APP0) or PNG (pHYs) header declares, in dots per inch.
pub fn detect_dpi(bytes: &[u8]) -> Option<u32> {
    let plausible = |d: f64| (50.0..=4800.0).contains(&d).then(|| d.round() as u32);
    if bytes.starts_with(&[0xFF, 0xD8]) {
        // JFIF APP0: FF E0 len "JFIF\0" ver(2) units(1) Xdensity(2) Ydensity(2).
        let app0 = bytes.get(2..20)?;
        if app0[0..2] != [0xFF, 0xE0] || &app0[4..9] != b"JFIF\0" {
            return None;
        }
        let x = u16::from_be_bytes([app0[12], app0[13]]) as f64;
        return match app0[11] {
            1 => plausible(x),
            2 => plausible(x * 2.54),
            _ => None,
        };
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        let mut pos = 8;
        while let Some(head) = bytes.get(pos..pos + 8) {
            let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
            match &head[4..8] {
                b"pHYs" => {
                    let d = bytes.get(pos + 8..pos + 17)?;
                    let ppu = u32::from_be_bytes([d[0], d[1], d[2], d[3]]) as f64;
                    return (d[8] == 1).then(|| plausible(ppu * 0.0254)).flatten();
                }
                b"IDAT" | b"IEND" => return None,
                _ => pos = pos.checked_add(12 + len)?,
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dpi_from_jfif_and_png() {
        let img = image::RgbImage::from_pixel(8, 8, image::Rgb([200, 200, 200]));
        let mut jpg = Vec::new();
        super::super::encode::jpeg_rgb(&img, 300, 80, &mut jpg).unwrap();
        assert_eq!(detect_dpi(&jpg), Some(300));
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        assert_eq!(detect_dpi(&png), None, "image writes no pHYs");
        assert_eq!(detect_dpi(b"garbage"), None);
        assert_eq!(detect_dpi(&[0xFF, 0xD8, 0xFF]), None, "truncated header");
        assert!(!is_truncated_jpeg(&jpg));
        assert!(is_truncated_jpeg(&jpg[..jpg.len() - 10]));
    }
}
