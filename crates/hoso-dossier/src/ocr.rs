//! The OCR pass of a build: every raster page is decoded to grey and recognised by Tesseract on
//! one engine per worker thread; only the words are kept, so memory holds at most one decoded page
//! per worker however many pages the dossier has.

use std::io::BufReader;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use hoso_ocr::{Engine, GrayImage, OcrError, TextLine};

use crate::build::SourceFormat;

/// Options of the OCR pass.
#[derive(Debug, Clone)]
pub struct OcrOptions {
    /// Tesseract language list, e.g. `vie+eng`.
    pub languages: String,
    /// Worker threads (one engine each); 0 means one per core.
    pub threads: usize,
}

impl Default for OcrOptions {
    fn default() -> Self {
        Self {
            languages: "vie+eng".into(),
            threads: 0,
        }
    }
}

/// A page to recognise: the file, its format, the page inside it (0-based).
#[derive(Debug, Clone)]
pub(crate) struct OcrJob {
    pub path: std::path::PathBuf,
    pub format: SourceFormat,
    pub page: u32,
}

/// What OCR found on one page.
#[derive(Debug, Clone, Default)]
pub(crate) struct OcrPage {
    pub width_px: u32,
    pub height_px: u32,
    pub lines: Vec<TextLine>,
    /// Why the page has no layer, when it could not be read.
    pub problem: Option<String>,
}

impl OcrPage {
    /// The lines as the invisible text layer hoso-pdf draws.
    pub(crate) fn into_layer(self) -> hoso_pdf::TextLayer {
        hoso_pdf::TextLayer {
            width_px: self.width_px,
            height_px: self.height_px,
            lines: self.lines.into_iter().map(layer_line).collect(),
        }
    }
}

fn layer_line(line: TextLine) -> hoso_pdf::TextLine {
    let b = line.baseline;
    hoso_pdf::TextLine {
        baseline: [b.x1, b.y1, b.x2, b.y2].map(f64::from),
        row_height_px: f64::from(line.row_height_px),
        words: line
            .words
            .into_iter()
            .map(|w| hoso_pdf::TextWord {
                text: w.text,
                left: w.left,
                top: w.top,
                right: w.right,
                bottom: w.bottom,
            })
            .collect(),
    }
}

/// Decodes a source page to grey for OCR, with its resolution.
pub(crate) fn decode_gray(job: &OcrJob) -> Result<(GrayImage, u32), String> {
    match job.format {
        SourceFormat::Jpeg | SourceFormat::Png => {
            let data = std::fs::read(&job.path).map_err(|e| e.to_string())?;
            let dpi = dpi_of(&data, job.format);
            let img = image::load_from_memory(&data)
                .map_err(|e| e.to_string())?
                .to_luma8();
            Ok((
                GrayImage {
                    width: img.width(),
                    height: img.height(),
                    pixels: img.into_raw(),
                },
                dpi,
            ))
        }
        SourceFormat::Tiff => decode_tiff_page(&job.path, job.page),
        SourceFormat::Pdf => Err("imported PDF page".into()),
    }
}

fn dpi_of(data: &[u8], format: SourceFormat) -> u32 {
    let dpi = match format {
        SourceFormat::Jpeg => hoso_pdf::jpeg::parse(data).ok().and_then(|i| i.dpi),
        SourceFormat::Png => hoso_pdf::png::parse(data).ok().and_then(|i| i.dpi),
        _ => None,
    };
    dpi.map(|d| d.x.round() as u32).unwrap_or(200)
}

fn decode_tiff_page(path: &Path, page: u32) -> Result<(GrayImage, u32), String> {
    use tiff::decoder::{Decoder, DecodingResult};
    use tiff::tags::Tag;
    use tiff::ColorType;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut d = Decoder::new(BufReader::new(file)).map_err(|e| e.to_string())?;
    d.seek_to_image(page as usize).map_err(|e| e.to_string())?;
    let (w, h) = d.dimensions().map_err(|e| e.to_string())?;
    let dpi = match d.find_tag(Tag::XResolution) {
        Ok(Some(tiff::decoder::ifd::Value::Rational(n, den))) if den != 0 => (n / den).max(1),
        _ => 200,
    };
    let photometric = d
        .find_tag_unsigned::<u16>(Tag::PhotometricInterpretation)
        .ok()
        .flatten()
        .unwrap_or(1);
    let color = d.colortype().map_err(|e| e.to_string())?;
    let raw = match d.read_image().map_err(|e| e.to_string())? {
        DecodingResult::U8(v) => v,
        DecodingResult::U16(v) => v.iter().map(|s| (s >> 8) as u8).collect(),
        _ => return Err("unsupported sample format".into()),
    };
    let n = (w * h) as usize;
    let pixels: Vec<u8> = match color {
        ColorType::Gray(1) => {
            let row = (w as usize).div_ceil(8);
            let mut out = Vec::with_capacity(n);
            for y in 0..h as usize {
                for x in 0..w as usize {
                    let bit = raw
                        .get(y * row + x / 8)
                        .map_or(0, |b| (b >> (7 - x % 8)) & 1);
                    // WhiteIsZero (0): a set bit is black.
                    let white = if photometric == 0 { bit == 0 } else { bit == 1 };
                    out.push(if white { 255 } else { 0 });
                }
            }
            out
        }
        ColorType::Gray(8) | ColorType::Gray(16) => raw,
        ColorType::RGB(_) | ColorType::YCbCr(_) => raw.chunks_exact(3).map(luma).collect(),
        ColorType::RGBA(_) => raw.chunks_exact(4).map(luma).collect(),
        ColorType::GrayA(_) => raw.chunks_exact(2).map(|p| p[0]).collect(),
        ColorType::CMYK(_) => raw
            .chunks_exact(4)
            .map(|p| 255u8.saturating_sub(luma(&p[..3])).saturating_sub(p[3]))
            .collect(),
        other => return Err(format!("colour type {other:?}")),
    };
    if pixels.len() < n {
        return Err("decoded data shorter than the page".into());
    }
    Ok((
        GrayImage {
            width: w,
            height: h,
            pixels,
        },
        dpi,
    ))
}

fn luma(p: &[u8]) -> u8 {
    ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000) as u8
}

/// Recognises every job on `threads` engines; results are in job order. Progress is called with
/// the number of pages done so far, from whichever worker finished one.
pub(crate) fn recognise_all(
    count: usize,
    decode: &(dyn Fn(usize) -> Result<(GrayImage, u32), String> + Sync),
    options: &OcrOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Vec<OcrPage>, OcrError> {
    if count == 0 {
        return Ok(Vec::new());
    }
    let tessdata = hoso_ocr::find_tessdata(&options.languages)?;
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .min(count);
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<OcrPage>> = Mutex::new(vec![OcrPage::default(); count]);
    let first_error: Mutex<Option<OcrError>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut engine = match Engine::new(&tessdata, &options.languages) {
                    Ok(e) => e,
                    Err(e) => {
                        if let Ok(mut slot) = first_error.lock() {
                            slot.get_or_insert(e);
                        }
                        return;
                    }
                };
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        break;
                    }
                    let page = match decode(i) {
                        Ok((img, dpi)) => match engine.recognize_lines(&img, dpi) {
                            Ok(lines) => OcrPage {
                                width_px: img.width,
                                height_px: img.height,
                                lines,
                                problem: None,
                            },
                            Err(e) => OcrPage {
                                problem: Some(e.to_string()),
                                ..Default::default()
                            },
                        },
                        Err(reason) => OcrPage {
                            problem: Some(reason),
                            ..Default::default()
                        },
                    };
                    if let Ok(mut r) = results.lock() {
                        r[i] = page;
                    }
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                }
            });
        }
    });
    if let Some(e) = first_error.into_inner().ok().flatten() {
        return Err(e);
    }
    Ok(results.into_inner().unwrap_or_default())
}
