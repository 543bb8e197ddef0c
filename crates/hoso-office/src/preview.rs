//! Page previews for placing a visible signature by hand (issue 21 point 3): a page rendered
//! in Rust with the pure-Rust `hayro` renderer (no PDFium), and the box the automatic
//! placement (the signer block found on the page) would give, in millimetres from the page's
//! top left — the same unit as `hoso sign --at` and [`crate::sign::Placement::at_mm`]. A shell
//! shows the page, lets the person drag the box, and passes the box's centre back as `at_mm`;
//! hoso-stamp then refuses a position that puts the image off the page.

use std::time::SystemTime;

use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::Pdf;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{render, PixmapSettings, RenderCache, RenderSettings};
use hoso_stamp::locate::PdfPages;
use hoso_stamp::units::to_mm;
use hoso_stamp::visible::{plan, Placement, VisibleKind};
use hoso_stamp::StampError;

/// Largest PDF rendered for a preview (a dossier of scans is far below).
pub const MAX_PREVIEW_FILE: usize = 512 * 1024 * 1024;

/// Why a preview could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PreviewError {
    /// The file is larger than [`MAX_PREVIEW_FILE`].
    #[error(
        "tệp quá lớn để xem trước ({len} byte) / the file is too large to preview ({len} bytes)"
    )]
    TooLarge {
        /// Its size.
        len: usize,
    },
    /// The renderer cannot read the PDF.
    #[error("không đọc được PDF để xem trước / the PDF cannot be read for a preview: {0}")]
    Unreadable(String),
    /// No such page.
    #[error("không có trang {page} (tài liệu có {count} trang) / there is no page {page} (the document has {count})")]
    NoSuchPage {
        /// 1-based page asked for.
        page: usize,
        /// Pages in the document.
        count: usize,
    },
    /// The PNG could not be encoded.
    #[error("không tạo được ảnh xem trước / cannot encode the preview: {0}")]
    Encode(String),
    /// The signature box could not be planned (image rules, unreadable page tree, …).
    #[error(transparent)]
    Stamp(#[from] StampError),
}

/// One page drawn for the screen.
#[derive(Debug, Clone)]
pub struct PagePreview {
    /// The page as a PNG, white background.
    pub png: Vec<u8>,
    /// 0-based page.
    pub page_index: usize,
    /// Pages in the document.
    pub page_count: usize,
    /// The page's width as shown, mm.
    pub width_mm: f32,
    /// The page's height as shown, mm.
    pub height_mm: f32,
}

/// Draws page `page_index` (default the last) so that its longer side is `max_side_px`.
pub fn render_page(
    pdf: &[u8],
    page_index: Option<usize>,
    max_side_px: u32,
) -> Result<PagePreview, PreviewError> {
    if pdf.len() > MAX_PREVIEW_FILE {
        return Err(PreviewError::TooLarge { len: pdf.len() });
    }
    let doc = Pdf::new(pdf.to_vec()).map_err(|e| PreviewError::Unreadable(format!("{e:?}")))?;
    let pages = doc.pages();
    let count = pages.len();
    let index = page_index.unwrap_or_else(|| count.saturating_sub(1));
    let page = pages.get(index).ok_or(PreviewError::NoSuchPage {
        page: index + 1,
        count,
    })?;
    let (w, h) = page.render_dimensions();
    let scale = (max_side_px.max(16) as f32 / w.max(h).max(1.0)).min(4.0);
    let pix = PixmapSettings {
        x_scale: scale,
        y_scale: scale,
        bg_color: WHITE,
    };
    let cache = RenderCache::new();
    let pixmap = render(
        page,
        &cache,
        &InterpreterSettings::default(),
        &RenderSettings::default(),
        &pix,
    );
    let png = pixmap
        .into_png()
        .map_err(|e| PreviewError::Encode(e.to_string()))?;
    Ok(PagePreview {
        png,
        page_index: index,
        page_count: count,
        width_mm: to_mm(w),
        height_mm: to_mm(h),
    })
}

/// Where the automatic placement puts a visible signature: the starting box a person drags.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct SignatureBox {
    /// 0-based page.
    pub page_index: usize,
    /// Left edge, mm from the page's left.
    pub x_mm: f32,
    /// Top edge, mm from the page's top.
    pub y_mm: f32,
    /// Width, mm.
    pub width_mm: f32,
    /// Height, mm.
    pub height_mm: f32,
    /// The page's width (media box), mm.
    pub page_width_mm: f32,
    /// The page's height (media box), mm.
    pub page_height_mm: f32,
    /// The signer block was found from the page's text (else the default right column).
    pub placed_from_text: bool,
}

impl SignatureBox {
    /// Its centre, mm from the page's top left: what `at_mm` takes.
    pub fn centre_mm(&self) -> (f32, f32) {
        (
            self.x_mm + self.width_mm / 2.0,
            self.y_mm + self.height_mm / 2.0,
        )
    }
}

/// The box the automatic placement gives `kind` on page `page_index` (default the last) of
/// `pdf`, in mm from the page's top left (its media box).
pub fn signature_box(
    pdf: &[u8],
    kind: &VisibleKind,
    page_index: Option<usize>,
) -> Result<SignatureBox, PreviewError> {
    let planned = plan(
        pdf,
        kind,
        Placement {
            page_index,
            at_mm: None,
        },
        SystemTime::now(),
    )?;
    let index = planned.page_index;
    let mb = PdfPages::parse(pdf)?.page(index)?.media_box;
    let widget = planned
        .signature
        .widgets
        .first()
        .ok_or(PreviewError::Unreadable("no widget planned".into()))?;
    let [x0, y0, x1, y1] = widget.rect;
    Ok(SignatureBox {
        page_index: index,
        x_mm: to_mm(x0.min(x1) - mb.x),
        y_mm: to_mm(mb.y + mb.h - y0.max(y1)),
        width_mm: to_mm((x1 - x0).abs()),
        height_mm: to_mm((y1 - y0).abs()),
        page_width_mm: to_mm(mb.w),
        page_height_mm: to_mm(mb.h),
        placed_from_text: planned.placed_from_text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    #[test]
    fn a_page_is_rendered_and_the_signature_box_lies_on_it() {
        let pdf = std::fs::read(root().join("fixtures/cong_van_1page.pdf")).expect("fixture");
        let page = render_page(&pdf, None, 400).expect("rendered");
        assert!(page.png.starts_with(b"\x89PNG"), "a PNG");
        assert_eq!((page.page_index, page.page_count), (0, 1));
        assert!(page.width_mm > 100.0 && page.height_mm > page.width_mm);
        let png = std::fs::read(root().join("certs/demo-signature.png")).expect("signature");
        let b = signature_box(&pdf, &VisibleKind::Signature { png }, None).expect("box");
        assert!(b.width_mm > 5.0 && b.height_mm > 5.0, "{b:?}");
        assert!(
            b.x_mm >= 0.0 && b.x_mm + b.width_mm <= page.width_mm + 0.5,
            "{b:?}"
        );
        assert!(
            b.y_mm >= 0.0 && b.y_mm + b.height_mm <= page.height_mm + 0.5,
            "{b:?}"
        );
        let (cx, cy) = b.centre_mm();
        assert!(cx > b.x_mm && cy > b.y_mm);
    }

    #[test]
    fn garbage_and_missing_pages_are_errors_not_panics() {
        assert!(render_page(b"not a pdf", None, 100).is_err());
        let pdf = std::fs::read(root().join("fixtures/cong_van_1page.pdf")).expect("fixture");
        assert!(matches!(
            render_page(&pdf, Some(5), 100),
            Err(PreviewError::NoSuchPage { page: 6, count: 1 })
        ));
    }
}
