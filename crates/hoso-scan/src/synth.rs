//! Synthetic scanned pages with known parameters, for accuracy tests and benchmarks.
//!
//! A page is rendered as an A4 sheet with Vietnamese text (DejaVu fonts from Debian's
//! `fonts-dejavu-core`), optionally a red seal and bleed-through from a mirrored, blurred
//! back side; then it is turned by a quarter turn, skewed, laid on a dark scanner background
//! with borders, and given Gaussian and salt-and-pepper noise. [`Truth`] records what cleanup
//! should find.

use ab_glyph::{FontVec, PxScale};
use image::{GrayImage, Luma, Rgb, RgbImage};
use std::path::{Path, PathBuf};

use crate::clean::warp::{rotate_ccw, PixelBox};

/// Where Debian's `fonts-dejavu-core` puts its fonts.
pub const DEJAVU_DIR: &str = "/usr/share/fonts/truetype/dejavu";

/// The fonts could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("cannot load font {path}: {reason} (install it: apt-get install -y fonts-dejavu-core)")]
pub struct FontError {
    /// The font file.
    pub path: PathBuf,
    /// Why.
    pub reason: String,
}

/// The fonts pages are set in.
pub struct Fonts {
    regular: FontVec,
    bold: FontVec,
    serif: FontVec,
}

impl Fonts {
    /// Loads DejaVu Sans, Sans Bold and Serif from [`DEJAVU_DIR`].
    pub fn load_system() -> Result<Self, FontError> {
        let load = |name: &str| -> Result<FontVec, FontError> {
            let path = Path::new(DEJAVU_DIR).join(name);
            let bytes = std::fs::read(&path).map_err(|e| FontError {
                path: path.clone(),
                reason: e.to_string(),
            })?;
            FontVec::try_from_vec(bytes).map_err(|e| FontError {
                path,
                reason: e.to_string(),
            })
        };
        Ok(Fonts {
            regular: load("DejaVuSans.ttf")?,
            bold: load("DejaVuSans-Bold.ttf")?,
            serif: load("DejaVuSerif.ttf")?,
        })
    }
}

/// What is printed on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// Nothing (the back of a one-sided sheet).
    Blank,
    /// A heading and this many lines of body text.
    Text {
        /// Body lines.
        lines: u32,
    },
}

/// Everything that defines a synthetic scan.
#[derive(Debug, Clone)]
pub struct PageSpec {
    /// Seed for text, tones and noise.
    pub seed: u64,
    /// Resolution in dots per inch.
    pub dpi: u32,
    /// What is printed.
    pub content: Content,
    /// Skew in degrees, counter-clockwise positive.
    pub skew_degrees: f64,
    /// Clockwise quarter turn that makes the scan upright (the sheet lies turned the other way).
    pub quarter_turn_cw: u16,
    /// Background borders around the sheet's bounding box: left, top, right, bottom, in pixels.
    pub border: [u32; 4],
    /// Scanner background level.
    pub background: u8,
    /// Darkening of the paper by the back side's text, in levels (0 = none).
    pub bleed_through: f32,
    /// Standard deviation of Gaussian noise, in levels.
    pub noise_sigma: f64,
    /// Fraction of pixels turned black or white.
    pub salt_pepper: f64,
    /// A red seal near the signature.
    pub seal: bool,
}

/// What cleanup should find on a synthetic scan.
#[derive(Debug, Clone, Copy)]
pub struct Truth {
    /// Skew, degrees counter-clockwise.
    pub skew_degrees: f64,
    /// Clockwise quarter turn that makes it upright.
    pub quarter_turn_cw: u16,
    /// Whether the page is blank.
    pub blank: bool,
    /// The sheet in the deskewed frame (the scan rotated about its centre by minus the skew).
    pub paper_box: PixelBox,
}

/// A synthetic scan and its truth.
pub struct SynthPage {
    /// The scan.
    pub image: RgbImage,
    /// What cleanup should find.
    pub truth: Truth,
}

/// SplitMix64: small, seedable, good enough for test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64)
    }
    /// Uniform integer in [lo, hi].
    pub fn int(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as u32
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.range(0.0, 1.0) < p
    }
}

/// A random page like those an office scans: mostly text, a quarter blank backs (half of them
/// with bleed-through), some sparse pages, any quarter turn, skew within ±10°.
pub fn random_spec(seed: u64, dpi: u32) -> PageSpec {
    let mut r = Rng::new(seed ^ 0x005E_ED0F_5CA7);
    let content = match r.range(0.0, 1.0) {
        x if x < 0.25 => Content::Blank,
        x if x < 0.40 => Content::Text { lines: r.int(2, 6) },
        _ => Content::Text {
            lines: r.int(15, 40),
        },
    };
    let mm = dpi as f64 / 25.4;
    let mut border = [0u32; 4];
    for b in &mut border {
        *b = (r.range(0.0, 15.0) * mm) as u32;
    }
    PageSpec {
        seed,
        dpi,
        content,
        skew_degrees: r.range(-10.0, 10.0),
        quarter_turn_cw: [0, 90, 180, 270][r.int(0, 3) as usize],
        border,
        background: r.int(15, 90) as u8,
        bleed_through: if r.chance(0.5) {
            r.range(10.0, 40.0) as f32
        } else {
            0.0
        },
        noise_sigma: r.range(0.0, 6.0),
        salt_pepper: r.range(0.0, 0.0004),
        seal: matches!(content, Content::Text { lines } if lines > 10) && r.chance(0.3),
    }
}

const WORDS: &[&str] = &[
    "Cộng",
    "hòa",
    "xã",
    "hội",
    "chủ",
    "nghĩa",
    "Việt",
    "Nam",
    "độc",
    "lập",
    "tự",
    "do",
    "hạnh",
    "phúc",
    "tờ",
    "khai",
    "đăng",
    "ký",
    "khai",
    "sinh",
    "họ",
    "và",
    "tên",
    "ngày",
    "tháng",
    "năm",
    "nơi",
    "cư",
    "trú",
    "số",
    "định",
    "danh",
    "cá",
    "nhân",
    "ủy",
    "ban",
    "nhân",
    "dân",
    "phường",
    "thị",
    "trấn",
    "giấy",
    "chứng",
    "nhận",
    "quyền",
    "sử",
    "dụng",
    "đất",
    "hồ",
    "sơ",
    "thủ",
    "tục",
    "hành",
    "chính",
    "người",
    "yêu",
    "cầu",
    "quan",
    "hệ",
    "với",
    "người",
    "được",
    "cấp",
    "bản",
    "sao",
    "trích",
    "lục",
    "căn",
    "cước",
    "công",
    "dân",
    "điện",
    "thoại",
    "địa",
    "chỉ",
    "thường",
    "quốc",
    "tịch",
    "dân",
    "tộc",
    "Kinh",
    "tôn",
    "giáo",
    "không",
    "mục",
    "đích",
    "theo",
    "quy",
    "định",
    "của",
    "pháp",
    "luật",
    "tôi",
    "cam",
    "đoan",
    "những",
    "nội",
    "dung",
    "trên",
    "đây",
    "là",
    "đúng",
    "sự",
    "thật",
    "chịu",
    "trách",
    "nhiệm",
    "trước",
    "Hà",
    "Nội",
    "2025",
    "01/2023",
    "TT-VPCP",
    "Điều",
    "khoản",
    "A4",
    "UBND",
    "Số:",
    "ghi",
    "chú",
];

fn sentence(r: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        let w = WORDS[r.int(0, WORDS.len() as u32 - 1) as usize];
        if i == 0 {
            let mut c = w.chars();
            if let Some(first) = c.next() {
                s.extend(first.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push_str(w);
        }
    }
    s
}

/// Renders text coverage (0 = paper, 255 = full ink) for an upright sheet.
fn render_text(fonts: &Fonts, seed: u64, lines: u32, w: u32, h: u32, dpi: u32) -> GrayImage {
    let mut r = Rng::new(seed);
    let mut ink = GrayImage::new(w, h);
    let px_per_pt = dpi as f32 / 72.0;
    let mm = dpi as f32 / 25.4;
    let (left, right, top) = (30.0 * mm, w as f32 - 20.0 * mm, 20.0 * mm);
    let white = Luma([255u8]);
    // Heading: the national motto, centred, bold.
    let head = PxScale::from(12.0 * px_per_pt);
    let mut y = top;
    for text in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ] {
        let (tw, _) = imageproc::drawing::text_size(head, &fonts.bold, text);
        let x = ((w as f32 - tw as f32) / 2.0).max(0.0);
        imageproc::drawing::draw_text_mut(
            &mut ink,
            white,
            x as i32,
            y as i32,
            head,
            &fonts.bold,
            text,
        );
        y += 12.0 * px_per_pt * 1.5;
    }
    y += 8.0 * mm;
    let serif = r.chance(0.5);
    let font = if serif { &fonts.serif } else { &fonts.regular };
    let size_pt = r.range(10.0, 13.0) as f32;
    let scale = PxScale::from(size_pt * px_per_pt);
    let line_h = size_pt * px_per_pt * 1.45;
    let mut written = 0;
    while written < lines && y + line_h < h as f32 - 15.0 * mm {
        // Build a line of words that fits between the margins.
        let mut line = String::new();
        loop {
            let candidate = if line.is_empty() {
                sentence(&mut r, 1)
            } else {
                format!(
                    "{line} {}",
                    WORDS[r.int(0, WORDS.len() as u32 - 1) as usize]
                )
            };
            let (tw, _) = imageproc::drawing::text_size(scale, font, &candidate);
            if left + tw as f32 > right {
                break;
            }
            line = candidate;
            // Paragraph ends leave short lines.
            if r.chance(0.02) {
                break;
            }
        }
        let indent = if r.chance(0.15) { 10.0 * mm } else { 0.0 };
        imageproc::drawing::draw_text_mut(
            &mut ink,
            white,
            (left + indent) as i32,
            y as i32,
            scale,
            font,
            &line,
        );
        y += line_h;
        written += 1;
        if r.chance(0.1) {
            y += line_h * 0.6;
        }
    }
    ink
}

/// Renders the sheet upright: paper tone, text, seal, bleed-through.
fn render_sheet(fonts: &Fonts, spec: &PageSpec) -> RgbImage {
    let dpi = spec.dpi;
    let (w, h) = (
        (210.0 / 25.4 * dpi as f64).round() as u32,
        (297.0 / 25.4 * dpi as f64).round() as u32,
    );
    let mut r = Rng::new(spec.seed.wrapping_mul(31).wrapping_add(7));
    let paper = [
        r.int(236, 250) as f32,
        r.int(234, 248) as f32,
        r.int(226, 244) as f32,
    ];
    let ink_rgb = [r.int(10, 60) as f32; 3];
    let front = match spec.content {
        Content::Blank => None,
        Content::Text { lines } => Some(render_text(fonts, spec.seed, lines, w, h, dpi)),
    };
    let back = if spec.bleed_through > 0.0 {
        let lines = r.int(15, 40);
        let t = render_text(fonts, spec.seed ^ 0xBAC4, lines, w, h, dpi);
        let mirrored = image::imageops::flip_horizontal(&t);
        Some(imageproc::filter::gaussian_blur_f32(
            &mirrored,
            1.5 * dpi as f32 / 200.0,
        ))
    } else {
        None
    };
    let mut img = RgbImage::new(w, h);
    for (x, y, p) in img.enumerate_pixels_mut() {
        let bleed = back.as_ref().map_or(0.0, |b| {
            b.get_pixel(x, y).0[0] as f32 / 255.0 * spec.bleed_through
        });
        let a = front
            .as_ref()
            .map_or(0.0, |f| f.get_pixel(x, y).0[0] as f32 / 255.0);
        for c in 0..3 {
            let base = paper[c] - bleed;
            p.0[c] = (base * (1.0 - a) + ink_rgb[c] * a).clamp(0.0, 255.0) as u8;
        }
    }
    if spec.seal {
        let mm = dpi as f32 / 25.4;
        let (cx, cy) = (w as f32 - 55.0 * mm, h as f32 - 60.0 * mm);
        let (r_out, r_in) = (20.0 * mm, 17.5 * mm);
        for y in (cy - r_out) as u32..(cy + r_out) as u32 {
            for x in (cx - r_out) as u32..(cx + r_out) as u32 {
                let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
                if (d <= r_out && d >= r_in) || d < 2.5 * mm {
                    img.put_pixel(x.min(w - 1), y.min(h - 1), Rgb([200, 30, 40]));
                }
            }
        }
    }
    img
}

/// Renders a synthetic scan from its spec.
pub fn render(fonts: &Fonts, spec: &PageSpec) -> SynthPage {
    let sheet = render_sheet(fonts, spec);
    // The sheet lies turned counter-clockwise by the quarter turn that will make it upright.
    let sheet = match spec.quarter_turn_cw {
        90 => image::imageops::rotate270(&sheet),
        180 => image::imageops::rotate180(&sheet),
        270 => image::imageops::rotate90(&sheet),
        _ => sheet,
    };
    let (pw, ph) = (sheet.width() as f64, sheet.height() as f64);
    let (s, c) = spec.skew_degrees.to_radians().sin_cos();
    let (bw, bh) = (pw * c.abs() + ph * s.abs(), pw * s.abs() + ph * c.abs());
    let [bl, bt, br, bb] = spec.border.map(|b| b as f64);
    let (cw, ch) = ((bw + bl + br).ceil() as u32, (bh + bt + bb).ceil() as u32);
    let pc = (bl + bw / 2.0, bt + bh / 2.0);
    let bg = spec.background;
    let mut canvas = RgbImage::from_pixel(cw, ch, Rgb([bg, bg, bg]));
    let raw = sheet.as_raw();
    let stride = sheet.width() as usize * 3;
    for (x, y, p) in canvas.enumerate_pixels_mut() {
        // Canvas point q = pc + R(skew)(p - sheet centre): invert to find the sheet point.
        let (dx, dy) = (x as f64 + 0.5 - pc.0, y as f64 + 0.5 - pc.1);
        let (sx, sy) = rotate_ccw(dx, dy, -spec.skew_degrees);
        let (sx, sy) = (sx + pw / 2.0 - 0.5, sy + ph / 2.0 - 0.5);
        if sx < 0.0 || sy < 0.0 || sx >= pw - 1.0 || sy >= ph - 1.0 {
            continue;
        }
        let (x0, y0) = (sx as usize, sy as usize);
        let (fx, fy) = (sx - x0 as f64, sy - y0 as f64);
        let i = y0 * stride + x0 * 3;
        for ch in 0..3 {
            let v = (raw[i + ch] as f64 * (1.0 - fx) + raw[i + 3 + ch] as f64 * fx) * (1.0 - fy)
                + (raw[i + stride + ch] as f64 * (1.0 - fx) + raw[i + stride + 3 + ch] as f64 * fx)
                    * fy;
            p.0[ch] = v as u8;
        }
    }
    drop(sheet);
    if spec.noise_sigma > 0.0 {
        imageproc::noise::gaussian_noise_mut(&mut canvas, 0.0, spec.noise_sigma, spec.seed);
    }
    if spec.salt_pepper > 0.0 {
        imageproc::noise::salt_and_pepper_noise_mut(&mut canvas, spec.salt_pepper, spec.seed ^ 1);
    }
    // The sheet's box in the deskewed frame: its centre rotated about the canvas centre.
    let cc = (cw as f64 / 2.0, ch as f64 / 2.0);
    let (ox, oy) = rotate_ccw(pc.0 - cc.0, pc.1 - cc.1, -spec.skew_degrees);
    let x0 = (cc.0 + ox - pw / 2.0).round().max(0.0);
    let y0 = (cc.1 + oy - ph / 2.0).round().max(0.0);
    let paper_box = PixelBox {
        x: x0 as u32,
        y: y0 as u32,
        width: (pw.min(cw as f64 - x0)) as u32,
        height: (ph.min(ch as f64 - y0)) as u32,
    };
    SynthPage {
        image: canvas,
        truth: Truth {
            skew_degrees: spec.skew_degrees,
            quarter_turn_cw: spec.quarter_turn_cw,
            blank: spec.content == Content::Blank,
            paper_box,
        },
    }
}
