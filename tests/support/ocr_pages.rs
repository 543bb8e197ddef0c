//! Scanned pages of known text for the OCR tests: the text is typeset in Tinos on an A4 page,
//! optionally turned about the page centre as a skewed scan would be, rendered by poppler and
//! noised by ImageMagick; the truth PDF keeps the text, so `pdftotext -bbox` on it gives each
//! word's box on the scan. Also the readers the tests compare: pdftotext, pypdf, the Tesseract
//! CLI.

use std::path::{Path, PathBuf};
use std::process::Command;

use hoso_pdf::font::{Font, FontSubset};

use crate::{output, stderr, stdout, tool, venv_python};

/// A4 in points.
pub const A4: (f64, f64) = (595.276, 841.89);

/// Breaks paragraphs into lines no wider than `width_pt` in Tinos at `size_pt` (greedy, at
/// spaces); each paragraph starts a new line.
pub fn wrap(paragraphs: &[&str], size_pt: f32, width_pt: f32) -> Vec<String> {
    let font = Font::tinos();
    let mut lines = Vec::new();
    for paragraph in paragraphs {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            let fits = font
                .width(&candidate, size_pt)
                .expect("Tinos has the glyphs")
                <= width_pt;
            if fits || line.is_empty() {
                line = candidate;
            } else {
                lines.push(std::mem::replace(&mut line, word.to_owned()));
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    lines
}

/// A one-page A4 PDF with `lines` in Tinos at `size_pt`, one every `leading_pt` from 72 pt below
/// the top, left margin 72 pt, the whole text turned `skew_degrees` counter-clockwise about the
/// page centre (ISO 32000-1 §8.3.4 `cm`).
pub fn typeset_page(
    lines: &[String],
    size_pt: f32,
    leading_pt: f32,
    skew_degrees: f64,
    out: &Path,
) {
    let font = Font::tinos();
    let mut subset = FontSubset::new(&font);
    let (c, s) = (
        skew_degrees.to_radians().cos(),
        skew_degrees.to_radians().sin(),
    );
    let (cx, cy) = (A4.0 / 2.0, A4.1 / 2.0);
    let mut content = format!(
        "q {c:.6} {s:.6} {:.6} {c:.6} {:.4} {:.4} cm\n",
        -s,
        cx - c * cx + s * cy,
        cy - s * cx - c * cy
    )
    .into_bytes();
    for (i, line) in lines.iter().enumerate() {
        let hex: String = subset
            .encode(line)
            .expect("Tinos has the glyphs")
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        let y = A4.1 - 72.0 - f64::from(leading_pt) * i as f64;
        content.extend(format!("BT /F1 {size_pt} Tf 72 {y:.2} Td <{hex}> Tj ET\n").as_bytes());
    }
    content.extend(b"Q\n");
    let mut w = hoso_pdf::DossierWriter::new(std::fs::File::create(out).expect("create truth"))
        .expect("header");
    let f = subset.write(&mut w).expect("font");
    w.add_content_page(A4.0 as f32, A4.1 as f32, &content, &[("F1", f)])
        .expect("page");
    let info = hoso_pdf::DocumentInfo {
        title: "ground truth".into(),
        author: None,
        subject: None,
        keywords: None,
        creator_tool: "test".into(),
        producer: "test".into(),
        language: "vi".into(),
        created: time::OffsetDateTime::now_utc(),
    };
    w.finish(&info, None).expect("finish");
}

/// Where [`typeset_page`] put each word: the box of the font (ascent to descent, as poppler
/// reports words) turned with the page, as the smallest upright box around it, in points from the
/// top left.
pub fn truth_word_boxes(
    lines: &[String],
    size_pt: f32,
    leading_pt: f32,
    skew_degrees: f64,
) -> Vec<BoxedWord> {
    let font = Font::tinos();
    let (c, s) = (
        skew_degrees.to_radians().cos(),
        skew_degrees.to_radians().sin(),
    );
    let (cx, cy) = (A4.0 / 2.0, A4.1 / 2.0);
    let turn = |x: f64, y: f64| {
        (
            cx + c * (x - cx) - s * (y - cy),
            cy + s * (x - cx) + c * (y - cy),
        )
    };
    let (ascent, descent) = (
        f64::from(font.ascent(size_pt)),
        f64::from(font.descent(size_pt)),
    );
    let mut boxes = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let base = A4.1 - 72.0 - f64::from(leading_pt) * i as f64;
        let mut prefix = String::new();
        for word in line.split(' ') {
            let x0 = 72.0 + f64::from(font.width(&prefix, size_pt).expect("glyphs"));
            let x1 = x0 + f64::from(font.width(word, size_pt).expect("glyphs"));
            let corners = [
                turn(x0, base + descent),
                turn(x1, base + descent),
                turn(x0, base + ascent),
                turn(x1, base + ascent),
            ];
            let xs = corners.map(|p| p.0);
            let ys = corners.map(|p| A4.1 - p.1);
            let min = |v: [f64; 4]| v.iter().copied().fold(f64::INFINITY, f64::min);
            let max = |v: [f64; 4]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            boxes.push(BoxedWord {
                text: word.to_owned(),
                bbox: [min(xs), min(ys), max(xs), max(ys)],
            });
            prefix.push_str(word);
            prefix.push(' ');
        }
    }
    boxes
}

/// Joins the pieces poppler cuts a word into when it is drawn at an angle (a new piece every
/// 0.5 pt of rise): consecutive words of `pdftotext -bbox` that touch on the same line.
pub fn join_touching_pieces(words: Vec<BoxedWord>) -> Vec<BoxedWord> {
    let mut out: Vec<BoxedWord> = Vec::with_capacity(words.len());
    for word in words {
        if let Some(last) = out.last_mut() {
            let height = last.bbox[3] - last.bbox[1];
            let gap = word.bbox[0] - last.bbox[2];
            let same_line = (word.bbox[1] - last.bbox[1]).abs() < 0.5 * height;
            if same_line && gap.abs() < 0.05 * height {
                last.text.push_str(&word.text);
                last.bbox = [
                    last.bbox[0].min(word.bbox[0]),
                    last.bbox[1].min(word.bbox[1]),
                    last.bbox[2].max(word.bbox[2]),
                    last.bbox[3].max(word.bbox[3]),
                ];
                continue;
            }
        }
        out.push(word);
    }
    out
}

/// Renders page 1 of `pdf` at `dpi` in grey (poppler), adds mild Gaussian noise (ImageMagick)
/// and writes an 8-bit grey PNG at `out` that records its resolution.
pub fn scan_png(pdf: &Path, dpi: u32, out: &Path) {
    let prefix = out.with_extension("render");
    let o = output(
        tool("pdftoppm", "poppler-utils")
            .args(["-r", &dpi.to_string(), "-gray", "-png", "-singlefile"])
            .arg(pdf)
            .arg(&prefix),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rendered = PathBuf::from(format!("{}.png", prefix.display()));
    let o = output(
        tool("convert", "imagemagick")
            .arg(&rendered)
            // A fixed seed: the same noise on every run, so a page near a threshold cannot flip.
            .args(["-seed", "20261207"])
            .args(["-attenuate", "0.25", "+noise", "Gaussian"])
            .args(["-colorspace", "Gray", "-depth", "8"])
            .args(["-units", "PixelsPerInch", "-density", &dpi.to_string()])
            .arg(out),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let _ = std::fs::remove_file(rendered);
}

/// `pdftotext` of page `page` (1-based).
pub fn pdftotext_page(pdf: &Path, page: usize) -> String {
    let n = page.to_string();
    let o = output(
        tool("pdftotext", "poppler-utils")
            .args(["-f", &n, "-l", &n])
            .arg(pdf)
            .arg("-"),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

/// The text pypdf extracts from each page (`tests/scripts/pypdf_text.py`).
pub fn pypdf_pages(pdf: &Path) -> Vec<String> {
    let py = venv_python("pypdf");
    let o = output(
        Command::new(py)
            .arg(crate::script("pypdf_text.py"))
            .arg(pdf),
    );
    assert!(o.status.success(), "pypdf: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("pypdf_text.py prints a JSON list")
}

/// What Tesseract's command line reads on an image (`OMP_THREAD_LIMIT=1`, as hoso runs it).
pub fn tesseract_cli(image: &Path, lang: &str, dpi: Option<u32>) -> String {
    let mut cmd = tool("tesseract", "tesseract-ocr");
    cmd.arg(image).arg("stdout").args(["-l", lang]);
    if let Some(dpi) = dpi {
        cmd.args(["--dpi", &dpi.to_string()]);
    }
    let o = output(cmd.env("OMP_THREAD_LIMIT", "1"));
    assert!(o.status.success(), "tesseract: {}", stderr(&o));
    stdout(&o)
}

/// A word as `pdftotext -bbox` reports it: text and box in points, origin top left.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxedWord {
    /// The word.
    pub text: String,
    /// `[x_min, y_min, x_max, y_max]`.
    pub bbox: [f64; 4],
}

/// The words of page `page` (1-based) with their boxes, from `pdftotext -bbox`.
pub fn word_boxes(pdf: &Path, page: usize) -> Vec<BoxedWord> {
    let n = page.to_string();
    let o = output(
        tool("pdftotext", "poppler-utils")
            .args(["-bbox", "-f", &n, "-l", &n])
            .arg(pdf)
            .arg("-"),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line.strip_prefix("<word ")?;
            let (attrs, text) = rest.split_once('>')?;
            let text = text.strip_suffix("</word>")?;
            let attr = |name: &str| -> Option<f64> {
                let start = attrs.find(&format!("{name}=\""))? + name.len() + 2;
                attrs[start..].split('"').next()?.parse().ok()
            };
            Some(BoxedWord {
                text: text
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&"),
                bbox: [attr("xMin")?, attr("yMin")?, attr("xMax")?, attr("yMax")?],
            })
        })
        .collect()
}

/// Intersection over union of two boxes.
pub fn iou(a: [f64; 4], b: [f64; 4]) -> f64 {
    let ix = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let iy = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let area = |r: [f64; 4]| (r[2] - r[0]).max(0.0) * (r[3] - r[1]).max(0.0);
    let inter = ix * iy;
    let union = area(a) + area(b) - inter;
    if union > 0.0 {
        inter / union
    } else {
        0.0
    }
}
