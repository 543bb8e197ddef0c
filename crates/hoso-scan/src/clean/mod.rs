//! Page cleanup: deskew, crop to paper, orientation, blank-page detection and output modes.
//!
//! Start from [`clean_page`] for one decoded image, or [`clean_files`] for a list of files written
//! to a directory with a JSON [`CleanReport`]. Each step can be switched off in [`CleanOptions`].
//!
//! The steps run in this order on an analysis copy of about 100 dpi:
//! 1. the scanner background is the dark region connected to the image border;
//! 2. the skew is estimated from the text lines inside the paper ([`skew`]);
//! 3. the paper box is found in the deskewed frame, and the page is rotated and cropped in one
//!    bilinear pass at full resolution ([`warp`]);
//! 4. the page is scored for emptiness ([`blank`]) and its orientation detected ([`orient`]);
//! 5. it is turned upright and converted to its output mode (colour, grey, or Sauvola bilevel).

mod batch;
pub mod binarize;
pub mod blank;
pub mod encode;
pub mod orient;
pub(crate) mod raster;
pub mod skew;
pub mod warp;

use image::{DynamicImage, GrayImage, RgbImage};
use serde::{Deserialize, Serialize};

pub(crate) use batch::commit;
pub use batch::{
    clean_files, detect_dpi, load_page, CleanReport, FailedInput, FailureKind, Progress,
    DEFAULT_DPI,
};
pub use binarize::Bilevel;
pub use warp::PixelBox;

/// The output mode asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputMode {
    /// 24-bit colour JPEG, as Circular 05/2025/TT-BNV asks of archival scans (the default).
    #[default]
    Color,
    /// 8-bit grey JPEG.
    Gray,
    /// Bilevel (Sauvola) stored as CCITT Group 4: for working copies, only on request.
    Bilevel,
    /// Per page: colour when the page holds colour (seals, photos), grey when it holds
    /// continuous tones, bilevel when it is plain text.
    Auto,
}

/// The mode a page was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageMode {
    /// 24-bit colour JPEG.
    Color,
    /// 8-bit grey JPEG.
    Gray,
    /// Bilevel CCITT G4 TIFF.
    Bilevel,
}

impl PageMode {
    /// The file extension used for this mode.
    pub fn extension(self) -> &'static str {
        match self {
            PageMode::Color | PageMode::Gray => "jpg",
            PageMode::Bilevel => "tif",
        }
    }
}

/// Which cleanup steps run and how pages are written.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CleanOptions {
    /// Estimate the skew (±10°) and rotate it away.
    pub deskew: bool,
    /// Remove the scanner background around the sheet.
    pub crop: bool,
    /// Turn pages scanned at 90°, 180° or 270° upright.
    pub orient: bool,
    /// Leave blank pages out of the output (they stay listed in the report).
    pub drop_blank: bool,
    /// A page is blank when its ink fraction is below this.
    pub blank_threshold: f64,
    /// Output mode.
    pub mode: OutputMode,
    /// JPEG quality (1–100).
    pub jpeg_quality: u8,
}

impl Default for CleanOptions {
    fn default() -> Self {
        CleanOptions {
            deskew: true,
            crop: true,
            orient: true,
            drop_blank: true,
            blank_threshold: DEFAULT_BLANK_THRESHOLD,
            mode: OutputMode::Color,
            jpeg_quality: DEFAULT_JPEG_QUALITY,
        }
    }
}

/// Default ink fraction below which a page counts as blank (0.1% of the page).
pub const DEFAULT_BLANK_THRESHOLD: f64 = 0.001;

/// Default JPEG quality: small print stays legible at 200 dpi.
pub const DEFAULT_JPEG_QUALITY: u8 = 85;

/// What cleanup found and did to one page: one entry of the JSON report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageReport {
    /// The input file (empty for images that did not come from a file).
    pub input: String,
    /// Detected skew in degrees, counter-clockwise positive (0 when deskew is off).
    pub skew_degrees: f64,
    /// Quarter turn applied, clockwise: 0, 90, 180 or 270.
    pub quarter_turn: u16,
    /// Whether the page was judged blank.
    pub blank: bool,
    /// Ink fraction of the page (the blank score; blank when below the threshold).
    pub blank_score: f64,
    /// The paper box in pixels of the deskewed frame (the input rotated about its centre by
    /// minus the skew, same size as the input).
    pub crop: PixelBox,
    /// The output file, or `None` when the page was dropped as blank.
    pub output: Option<String>,
    /// The mode the page was (or would have been) written in.
    pub mode: PageMode,
    /// Resolution used, in dots per inch.
    pub dpi: u32,
    /// Size of the cleaned page in pixels.
    pub width: u32,
    /// Size of the cleaned page in pixels.
    pub height: u32,
}

/// A cleaned page in its output mode.
#[derive(Debug, Clone)]
pub enum CleanedImage {
    /// 24-bit colour.
    Color(RgbImage),
    /// 8-bit grey.
    Gray(GrayImage),
    /// Bilevel.
    Bilevel(Bilevel),
}

/// A cleaned page and its report entry.
#[derive(Debug, Clone)]
pub struct CleanedPage {
    /// The cleaned image.
    pub image: CleanedImage,
    /// What was detected and done.
    pub report: PageReport,
}

impl CleanedPage {
    /// Encodes the page in its mode: JPEG for colour and grey, CCITT G4 TIFF for bilevel.
    pub fn encode(&self, quality: u8, out: impl std::io::Write) -> Result<(), crate::CleanError> {
        let dpi = self.report.dpi;
        match &self.image {
            CleanedImage::Color(img) => encode::jpeg_rgb(img, dpi, quality, out)?,
            CleanedImage::Gray(img) => encode::jpeg_grey(img, dpi, quality, out)?,
            CleanedImage::Bilevel(img) => encode::tiff_g4(img, dpi, out)
                .map_err(|e| crate::CleanError::Encode(image::ImageError::IoError(e)))?,
        }
        Ok(())
    }
}

/// Resolution of the analysis copy, in dpi (about).
const ANALYSIS_DPI: u32 = 100;

/// Cleans one decoded page scanned at `dpi`.
pub fn clean_page(input: &DynamicImage, dpi: u32, opts: &CleanOptions) -> CleanedPage {
    let dpi = dpi.clamp(50, 2400);
    let rgb = input.to_rgb8();
    let (w, h) = rgb.dimensions();
    let factor = (dpi / ANALYSIS_DPI).max(1);
    let small = raster::downsample(&raster::luma(&rgb), factor);
    let (sw, sh) = small.dimensions();
    let hist = raster::histogram(&small);
    let paper_level = raster::percentile(&hist, 0.95);
    let t_dark = raster::otsu(&small).max(20);
    let background = raster::dark_border_region(&small, t_dark);
    let t_ink = t_dark.min(paper_level.saturating_sub(60)).max(16);

    let skew = if opts.deskew {
        let (cx, cy) = (sw as f32 / 2.0, sh as f32 / 2.0);
        let pts: Vec<(f32, f32)> = small
            .as_raw()
            .iter()
            .enumerate()
            .filter(|&(i, &v)| v < t_ink && !background[i])
            .map(|(i, _)| {
                let (x, y) = ((i % sw as usize) as f32, (i / sw as usize) as f32);
                (x + 0.5 - cx, y + 0.5 - cy)
            })
            .collect();
        match skew::estimate(&pts) {
            Some(s) if s.peakedness >= MIN_TEXT_PEAKEDNESS => Some(s),
            // Too little text to trust (a blank back, a photo): use the sheet's own edges.
            _ => skew::estimate(&paper_edge_points(&background, sw, sh)),
        }
    } else {
        None
    };
    let skew_degrees = skew.map_or(0.0, |s| s.degrees);
    let crop = if opts.crop {
        warp::paper_box(&background, sw, sh, factor, skew_degrees, (w, h))
            .unwrap_or(PixelBox::full(w, h))
    } else {
        PixelBox::full(w, h)
    };
    let page = warp::deskew_and_crop(&rgb, skew_degrees, crop);
    drop(rgb);

    let page_grey = raster::luma(&page);
    let mut page_small = raster::downsample(&page_grey, factor);
    // Scanner background left in a corner (a torn or dog-eared sheet) is not ink.
    let paper_small = raster::percentile(&raster::histogram(&page_small), 0.95);
    let leftover_background = raster::dark_border_region(&page_small, t_dark);
    for (v, bg) in page_small.iter_mut().zip(leftover_background) {
        if bg {
            *v = paper_small;
        }
    }
    let blank = blank::score(&page_small, dpi / factor);
    let is_blank = blank.ink_fraction < opts.blank_threshold;
    let quarter_turn = if opts.orient && !is_blank {
        let of = (dpi / 200).max(1);
        let og = raster::downsample(&page_grey, of);
        let t = ink_threshold(&og);
        let mask = orient::ink_mask(&og, t);
        orient::detect(&mask, og.width() as usize, og.height() as usize).quarter_turn_cw
    } else {
        0
    };
    let mode = match opts.mode {
        OutputMode::Color => PageMode::Color,
        OutputMode::Gray => PageMode::Gray,
        OutputMode::Bilevel => PageMode::Bilevel,
        OutputMode::Auto => auto_mode(&page, &page_small),
    };
    let image = match mode {
        PageMode::Color => CleanedImage::Color(orient::turn_cw(&page, quarter_turn)),
        PageMode::Gray => CleanedImage::Gray(orient::turn_cw(&page_grey, quarter_turn)),
        PageMode::Bilevel => {
            let upright = orient::turn_cw(&page_grey, quarter_turn);
            CleanedImage::Bilevel(binarize::sauvola(&upright, binarize::Sauvola::for_dpi(dpi)))
        }
    };
    let (width, height) = match &image {
        CleanedImage::Color(i) => i.dimensions(),
        CleanedImage::Gray(i) => i.dimensions(),
        CleanedImage::Bilevel(b) => (b.width, b.height),
    };
    CleanedPage {
        image,
        report: PageReport {
            input: String::new(),
            skew_degrees: (skew_degrees * 100.0).round() / 100.0,
            quarter_turn,
            blank: is_blank,
            blank_score: blank.ink_fraction,
            crop,
            output: None,
            mode,
            dpi,
            width,
            height,
        },
    }
}

/// Text lines make the profile at least this much more peaked than a flat one; below it the
/// skew comes from the paper edges.
const MIN_TEXT_PEAKEDNESS: f64 = 1.25;

/// Paper pixels next to the scanner background, relative to the image centre: the sheet's edges.
fn paper_edge_points(background: &[bool], w: u32, h: u32) -> Vec<(f32, f32)> {
    let (w, h) = (w as usize, h as usize);
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let mut pts = Vec::new();
    for y in 1..h.saturating_sub(1) {
        for x in 1..w.saturating_sub(1) {
            let i = y * w + x;
            if !background[i]
                && (background[i - 1]
                    || background[i + 1]
                    || background[i - w]
                    || background[i + w])
            {
                pts.push((x as f32 + 0.5 - cx, y as f32 + 0.5 - cy));
            }
        }
    }
    pts
}

/// Ink threshold of a page without background: below Otsu's level and well below the paper.
fn ink_threshold(grey: &GrayImage) -> u8 {
    let hist = raster::histogram(grey);
    let paper = raster::percentile(&hist, 0.95);
    raster::otsu(grey).min(paper.saturating_sub(60)).max(16)
}

/// Picks the mode for [`OutputMode::Auto`]: colour when enough saturated pixels (a red seal,
/// a photo), grey when smooth mid-tone areas (photos, shading), bilevel otherwise.
fn auto_mode(page: &RgbImage, small: &GrayImage) -> PageMode {
    let mut coloured = 0u64;
    let mut sampled = 0u64;
    for (x, y, p) in page.enumerate_pixels() {
        if x % 4 != 0 || y % 4 != 0 {
            continue;
        }
        sampled += 1;
        let (mx, mn) = (p.0.iter().max(), p.0.iter().min());
        if let (Some(&mx), Some(&mn)) = (mx, mn) {
            if mx - mn > 60 {
                coloured += 1;
            }
        }
    }
    if sampled > 0 && coloured as f64 / sampled as f64 > 0.002 {
        return PageMode::Color;
    }
    // Smooth mid-tone 8×8 blocks: continuous-tone content that bilevel would destroy.
    let (w, h) = small.dimensions();
    let paper = raster::percentile(&raster::histogram(small), 0.95) as f64;
    let (mut smooth_mid, mut blocks) = (0u64, 0u64);
    for by in (0..h.saturating_sub(7)).step_by(8) {
        for bx in (0..w.saturating_sub(7)).step_by(8) {
            let (mut s, mut s2) = (0f64, 0f64);
            for y in by..by + 8 {
                for x in bx..bx + 8 {
                    let v = small.get_pixel(x, y).0[0] as f64;
                    s += v;
                    s2 += v * v;
                }
            }
            let mean = s / 64.0;
            let sd = (s2 / 64.0 - mean * mean).max(0.0).sqrt();
            blocks += 1;
            if mean > 50.0 && mean < paper - 40.0 && sd < 20.0 {
                smooth_mid += 1;
            }
        }
    }
    if blocks > 0 && smooth_mid as f64 / blocks as f64 > 0.02 {
        PageMode::Gray
    } else {
        PageMode::Bilevel
    }
}
