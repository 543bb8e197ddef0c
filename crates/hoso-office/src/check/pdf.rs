//! The check report as a PDF/A-2b document a clerk can file: the lines of [`super::words::lines`]
//! set on A4 pages (as many as they need) with hoso-pdf's writer and its embedded font (Tinos,
//! with every Vietnamese glyph), written to a temporary file and renamed.

use std::io::Write;
use std::path::Path;

use hoso_pdf::atomic::AtomicFile;
use hoso_pdf::font::{self, Font, FontSubset};
use hoso_pdf::{DocumentInfo, DossierWriter};

use super::words::{lines, Lang, Line, Style};
use super::{Checked, Color};
use crate::error::OfficeError;

/// A4 in points (ISO 216).
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 56.0;

fn size(style: Style) -> f32 {
    match style {
        Style::Title => 15.0,
        Style::Heading => 12.0,
        _ => 10.0,
    }
}

fn rgb(style: Style) -> &'static str {
    match style {
        Style::Verdict(Color::Green) => "0 0.45 0.1 rg",
        Style::Verdict(Color::Amber) => "0.65 0.4 0 rg",
        Style::Verdict(Color::Red) | Style::Warning => "0.75 0 0 rg",
        Style::Check(hoso_sign::verify::CheckStatus::Failed) => "0.75 0 0 rg",
        _ => "0 0 0 rg",
    }
}

/// Breaks `text` into lines no wider than `width` at `size` (long words are cut).
fn wrap(font: &Font, text: &str, size: f32, width: f32) -> Vec<String> {
    let fits = |s: &str| font.width(s, size).map(|w| w <= width).unwrap_or(true);
    let mut out = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ') {
        let next = if cur.is_empty() {
            word.to_owned()
        } else {
            format!("{cur} {word}")
        };
        if fits(&next) {
            cur = next;
            continue;
        }
        if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        // A word wider than the line (a hash, a long DN): cut it.
        for ch in word.chars() {
            let mut with = cur.clone();
            with.push(ch);
            if !fits(&with) && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            cur.push(ch);
        }
    }
    if !cur.is_empty() || out.is_empty() {
        out.push(cur);
    }
    out
}

/// Content streams of the pages, each line encoded with `subset`.
fn layout(report: &[Line], subset: &mut FontSubset<'_>) -> Result<Vec<Vec<u8>>, font::FontError> {
    let font = subset.font();
    let mut pages = Vec::new();
    let mut ops = Vec::new();
    let mut y = PAGE_H - MARGIN;
    for l in report {
        let sz = size(l.style);
        let indent = match l.style {
            Style::Check(_) | Style::Field => 12.0,
            _ => 0.0,
        };
        let gap = if matches!(l.style, Style::Heading | Style::Verdict(_)) {
            sz * 0.6
        } else {
            0.0
        };
        let (text, _) = subset.filter_supported(&l.text);
        let text = match l.style {
            Style::Check(_) => format!("• {text}"),
            _ => text,
        };
        y -= gap;
        for (i, part) in wrap(font, &text, sz, PAGE_W - 2.0 * MARGIN - indent - 12.0)
            .iter()
            .enumerate()
        {
            y -= sz * 1.35;
            if y < MARGIN {
                pages.push(std::mem::take(&mut ops));
                y = PAGE_H - MARGIN - sz * 1.35;
            }
            let x = MARGIN + indent + if i > 0 { 12.0 } else { 0.0 };
            let hex: String = subset
                .encode(part)?
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect();
            ops.extend_from_slice(
                format!(
                    "BT {} /F1 {sz} Tf 1 0 0 1 {x:.2} {y:.2} Tm <{hex}> Tj ET\n",
                    rgb(l.style)
                )
                .as_bytes(),
            );
        }
    }
    pages.push(ops);
    Ok(pages)
}

/// The report as PDF/A-2b bytes.
pub fn render(c: &Checked, lang: Lang, created: time::OffsetDateTime) -> std::io::Result<Vec<u8>> {
    let report = lines(c, lang);
    let mut subset = FontSubset::new(font::tinos_static());
    let pages = layout(&report, &mut subset).map_err(std::io::Error::other)?;
    let mut w = DossierWriter::new(Vec::new())?;
    let font_id = w.alloc().bump();
    for content in &pages {
        w.add_content_page(PAGE_W, PAGE_H, content, &[("F1", font_id)])?;
    }
    subset
        .write_as(font_id, &mut w)
        .map_err(std::io::Error::other)?;
    let title = match lang {
        Lang::Vi => "Biên bản kiểm tra chữ ký số",
        Lang::En => "Signature validation report",
    };
    let info = DocumentInfo {
        title: match &c.file {
            Some(f) => format!("{title}: {f}"),
            None => title.to_owned(),
        },
        author: None,
        subject: Some(super::words::verdict(c.verdict, lang).to_owned()),
        keywords: None,
        creator_tool: "hoso verify".into(),
        producer: "hoso-pdf".into(),
        language: match lang {
            Lang::Vi => "vi".into(),
            Lang::En => "en".into(),
        },
        created,
    };
    w.finish(&info, None)
}

/// Writes the report to `out` (a temporary file beside it, then renamed).
pub fn write(c: &Checked, lang: Lang, out: &Path) -> Result<(), OfficeError> {
    let err = |source| OfficeError::Write {
        path: out.to_path_buf(),
        source,
    };
    let bytes = render(c, lang, time::OffsetDateTime::now_utc()).map_err(err)?;
    let mut f = AtomicFile::create(out).map_err(err)?;
    f.file_mut()
        .and_then(|w| w.write_all(&bytes))
        .map_err(err)?;
    f.commit().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{sample, Verdict};

    #[test]
    fn the_report_is_pdf_a_and_long_reports_take_more_pages() {
        let mut c = sample::checked(Verdict::VisualChange);
        let at = time::OffsetDateTime::UNIX_EPOCH;
        let one = render(&c, Lang::Vi, at).expect("rendered");
        let r = hoso_pdf::pdfa::check(&one, None).expect("readable");
        assert!(r.is_conforming(), "{:#?}", r.findings);
        assert_eq!(r.pages, 1);
        // Twelve signatures do not fit on one A4 page.
        if let Some(rep) = c.report.as_mut() {
            let s = rep.signatures[0].clone();
            rep.signatures = vec![s; 12];
        }
        let many = render(&c, Lang::En, at).expect("rendered");
        let r = hoso_pdf::pdfa::check(&many, None).expect("readable");
        assert!(r.is_conforming(), "{:#?}", r.findings);
        assert!(r.pages > 1, "{} pages", r.pages);
    }

    /// pdftotext (poppler) reads the Vietnamese back: the font's ToUnicode map is right.
    #[test]
    fn pdftotext_reads_signer_issuer_and_validity_with_diacritics() {
        let c = sample::checked(Verdict::VisualChange);
        let bytes = render(&c, Lang::Vi, time::OffsetDateTime::UNIX_EPOCH).expect("rendered");
        let dir = tempfile::tempdir().expect("tempdir");
        let f = dir.path().join("bien-ban.pdf");
        std::fs::write(&f, bytes).expect("written");
        let o = std::process::Command::new("pdftotext")
            .arg(&f)
            .arg("-")
            .output()
            .expect("pdftotext is missing: apt-get install -y poppler-utils");
        let text = String::from_utf8_lossy(&o.stdout).replace('\n', " ");
        for needle in [
            "Người ký: CN=Nguyễn Thị Hương, O=UBND phường Hòa Bình",
            "Tổ chức cấp chứng thư: CN=Cục Chứng thực số và Bảo mật thông tin",
            "Thời hạn chứng thư: 2026-01-01T07:00:00+07:00 → 2028-01-01T06:59:59+07:00",
            "hình ảnh trang khác: trang 1",
        ] {
            assert!(text.contains(needle), "{needle:?} in {text}");
        }
    }

    #[test]
    fn wrapping_keeps_every_character_and_each_line_fits() {
        let f = font::tinos_static();
        let text = format!("Mã băm SHA-256: {}", "ab".repeat(64));
        let lines = wrap(f, &text, 10.0, 200.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
        for l in &lines {
            assert!(f.width(l, 10.0).expect("width") <= 200.0, "{l}");
        }
    }
}
