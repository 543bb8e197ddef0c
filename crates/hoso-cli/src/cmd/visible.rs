//! `hoso sign --visible`: the appearance of a visible signature, per Decree 30/2020/NĐ-CP
//! Appendix I (hoso-stamp draws, hoso-sign places the widgets).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{bail, Context, Result};
use hoso_sign::appearance::{AppearanceObjects, VisibleSignature, Widget};
use hoso_stamp::locate::PdfPages;
use hoso_stamp::units::{mm, Rect};
use hoso_stamp::{decree, Appearance, StampImage};

/// Flags of a visible signature.
#[derive(clap::Args, Default)]
pub struct VisibleArgs {
    /// Chữ ký hiển thị (Nghị định 30/2020, Phụ lục I) / visible signature (Decree 30/2020 App. I).
    #[arg(long)]
    pub visible: bool,
    /// Ảnh chữ ký tay của người có thẩm quyền (PNG xanh, nền trong suốt) / the competent
    /// person's handwritten signature (blue PNG, transparent).
    #[arg(long, requires = "visible", value_name = "PNG")]
    pub signature_image: Option<PathBuf>,
    /// Hình con dấu của cơ quan (PNG đỏ, nền trong suốt, đúng kích thước) — chữ ký thứ hai do
    /// văn thư ký / the organisation's seal (red transparent PNG, real size) — the clerk's
    /// second signature.
    #[arg(
        long,
        requires = "visible",
        value_name = "PNG",
        conflicts_with = "signature_image"
    )]
    pub seal: Option<PathBuf>,
    /// Đường kính thật của con dấu, mm (thay cho pHYs của PNG) / the seal's real width in mm.
    #[arg(long, requires = "seal", value_name = "MM")]
    pub seal_mm: Option<f64>,
    /// Trang đặt chữ ký (từ 1; mặc định trang cuối) / page (1-based; default the last).
    #[arg(long, requires = "visible", value_name = "N")]
    pub page: Option<usize>,
    /// Tâm ảnh, mm tính từ góc trên bên trái trang / image centre in mm from the page's top
    /// left, e.g. 150,230 (default: found from the signer block).
    #[arg(long, requires = "visible", value_name = "X,Y", value_parser = parse_at)]
    pub at: Option<(f32, f32)>,
    /// Phụ lục tách tệp: số và ký hiệu văn bản ở góc trên bên phải trang 1, không có hình ảnh /
    /// an annex in its own file: the document's number and symbol at the top right of page 1,
    /// no image.
    #[arg(long, requires = "visible", value_name = "SỐ/KÝ-HIỆU", conflicts_with_all = ["signature_image", "seal"])]
    pub annex: Option<String>,
}

fn parse_at(s: &str) -> Result<(f32, f32), String> {
    let (x, y) = s
        .split_once(',')
        .ok_or_else(|| "dạng X,Y (mm) / expected X,Y in mm".to_owned())?;
    let p = |v: &str| {
        v.trim()
            .parse::<f32>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| format!("{v:?} không phải số mm / is not a length in mm"))
    };
    Ok((p(x)?, p(y)?))
}

fn read_png(path: &Path) -> Result<StampImage> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("không đọc được / cannot read {}", path.display()))?;
    StampImage::from_png(&bytes).with_context(|| path.display().to_string())
}

/// One widget from an appearance drawn at `rect` on page `page_index`.
pub fn widget(page_index: usize, ap: &Appearance, rect: Rect) -> Result<Widget> {
    let appearance = AppearanceObjects::build(|sink| ap.write(sink))?;
    Ok(Widget {
        page_index,
        rect: rect.corners(),
        appearance,
    })
}

impl VisibleArgs {
    /// The widgets for signing `input` at `time`, or `None` without `--visible`.
    pub fn build(&self, input: &Path, time: SystemTime) -> Result<Option<VisibleSignature>> {
        if !self.visible {
            return Ok(None);
        }
        let bytes = std::fs::read(input)
            .with_context(|| format!("không đọc được / cannot read {}", input.display()))?;
        let pages = PdfPages::parse(&bytes)?;
        if let Some(number) = &self.annex {
            let page = pages.page(0)?;
            let block = decree::annex_block(number, &decree::iso8601_vietnam(time))?;
            let (ap, rect) = decree::top_right(&block, page.media_box);
            return Ok(Some(VisibleSignature {
                widgets: vec![widget(0, &ap, rect)?],
            }));
        }
        let index = match self.page {
            Some(0) => bail!("--page đếm từ 1 / --page counts from 1"),
            Some(p) => p - 1,
            None => pages.page_count().saturating_sub(1),
        };
        let page = pages.page(index)?;
        let mb = page.media_box;
        let at = self.at.map(|(x, y)| (mb.x + mm(x), mb.y + mb.h - mm(y)));
        let (image, rect) = match (&self.signature_image, &self.seal) {
            (Some(p), None) => {
                let img = read_png(p)?;
                img.check_signature()
                    .with_context(|| p.display().to_string())?;
                let mut block = pages.signer_block(index)?;
                if !block.found && at.is_none() {
                    eprintln!(
                        "Không tìm thấy khối chữ ký trên trang {}; đặt ở vị trí mặc định (dùng --at) / \
                         no signer block found on page {}; using the default position (see --at)",
                        index + 1,
                        index + 1
                    );
                }
                if let Some(c) = at {
                    block.centre = c;
                }
                let rect = decree::signature_rect(&img, &block);
                (img, rect)
            }
            (None, Some(p)) => {
                let img = read_png(p)?;
                let size = img
                    .check_seal(self.seal_mm)
                    .with_context(|| p.display().to_string())?;
                let rect = match at {
                    Some((x, y)) => Rect::centred(x, y, size.0, size.1),
                    None => {
                        let sig = match pages.signature_widgets(index)?.last() {
                            Some(r) => *r,
                            None => {
                                let b = pages.signer_block(index)?;
                                Rect::centred(b.centre.0, b.centre.1, mm(40.0), mm(18.0))
                            }
                        };
                        decree::seal_rect(sig, size)
                    }
                };
                (img, rect)
            }
            _ => bail!(
                "--visible cần --signature-image (người có thẩm quyền), --seal (văn thư, chữ ký \
                 thứ hai của cơ quan) hoặc --annex / --visible needs --signature-image (the \
                 competent person), --seal (the clerk: the organisation's second signature) or \
                 --annex"
            ),
        };
        let ap = decree::image_appearance(&image, rect);
        Ok(Some(VisibleSignature {
            widgets: vec![widget(index, &ap, rect)?],
        }))
    }
}
