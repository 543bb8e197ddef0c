//! `hoso sign --visible`: the appearance of a visible signature, per Decree 30/2020/NĐ-CP
//! Appendix I (hoso-stamp draws, hoso-sign places the widgets).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use hoso_office::sign::{Placement, VisibleKind};

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

fn read_png(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("không đọc được / cannot read {}", path.display()))
}

impl VisibleArgs {
    /// What to draw and where, or `None` without `--visible` (hoso-office plans it on the file).
    pub fn kind(&self) -> Result<Option<(VisibleKind, Placement)>> {
        if !self.visible {
            return Ok(None);
        }
        let kind = match (&self.annex, &self.signature_image, &self.seal) {
            (Some(number), _, _) => VisibleKind::Annex {
                number: number.clone(),
            },
            (None, Some(p), None) => VisibleKind::Signature { png: read_png(p)? },
            (None, None, Some(p)) => VisibleKind::Seal {
                png: read_png(p)?,
                seal_mm: self.seal_mm,
            },
            _ => bail!(
                "--visible cần --signature-image (người có thẩm quyền), --seal (văn thư, chữ ký \
                 thứ hai của cơ quan) hoặc --annex / --visible needs --signature-image (the \
                 competent person), --seal (the clerk: the organisation's second signature) or \
                 --annex"
            ),
        };
        let page_index = match self.page {
            Some(0) => bail!("--page đếm từ 1 / --page counts from 1"),
            Some(p) => Some(p - 1),
            None => None,
        };
        Ok(Some((
            kind,
            Placement {
                page_index,
                at_mm: self.at,
            },
        )))
    }
}
