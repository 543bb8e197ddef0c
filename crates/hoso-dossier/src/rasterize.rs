//! `--rasterize-nonconforming` (issue 23 point 3): a page of an input PDF that cannot be made
//! PDF/A without changing what it shows (a font that is not embedded, a stream that cannot be
//! decoded, a file encrypted with an empty user password) is drawn as an image at 300 dpi
//! instead, with the pure-Rust `hayro` renderer, and listed in the manifest. The image is what a
//! viewer shows: a missing font is drawn with the renderer's substitute, which is why this is
//! asked for, never done silently.

use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::Pdf;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{render, PixmapSettings, RenderCache, RenderSettings};
use hoso_pdf::raster::{deflate_rows_with_up_filter, Dpi, ImageColor, ImageEncoding, ImageStrip};
use hoso_pdf::RasterPage;

/// The resolution pages are drawn at (the Circular 05/2025/TT-BNV archival scan resolution is
/// 200 dpi; 300 keeps small print legible).
pub const RASTER_DPI: f32 = 300.0;

/// Largest image drawn, in pixels (an A4 page at 300 dpi is 8.7 million); larger pages are
/// drawn at a lower resolution so that memory stays bounded.
const MAX_PIXELS: f32 = 60_000_000.0;

/// An input PDF opened for drawing.
pub(crate) struct Rasterizer {
    pdf: Pdf,
}

impl Rasterizer {
    /// Opens `data` (an encrypted file only when its user password is empty).
    pub(crate) fn open(data: &[u8]) -> Result<Self, String> {
        let pdf = Pdf::new(data.to_vec()).map_err(|e| match e {
            hayro::hayro_syntax::LoadPdfError::Decryption(_) => {
                "tệp cần mật khẩu để mở / the file needs a password to open".to_owned()
            }
            hayro::hayro_syntax::LoadPdfError::Invalid => {
                "trình vẽ không đọc được tệp / the renderer cannot read the file".to_owned()
            }
        })?;
        Ok(Self { pdf })
    }

    /// Pages in the file.
    pub(crate) fn page_count(&self) -> u32 {
        u32::try_from(self.pdf.pages().len()).unwrap_or(u32::MAX)
    }

    /// Draws page `page_no` (1-based) on white at [`RASTER_DPI`] (less for a page above
    /// [`MAX_PIXELS`]); a page whose every pixel is grey is kept as a grey image.
    pub(crate) fn page(&self, page_no: u32) -> Result<RasterPage, String> {
        let pages = self.pdf.pages();
        let page = (page_no as usize)
            .checked_sub(1)
            .and_then(|i| pages.get(i))
            .ok_or_else(|| format!("không có trang {page_no} / no page {page_no}"))?;
        let (w, h) = page.render_dimensions();
        if !(w.is_finite() && h.is_finite() && w >= 1.0 && h >= 1.0) {
            return Err(format!(
                "kích thước trang không hợp lệ / invalid page size {w}×{h}"
            ));
        }
        let mut dpi = RASTER_DPI;
        let pixels = |dpi: f32| (w * dpi / 72.0) * (h * dpi / 72.0);
        if pixels(dpi) > MAX_PIXELS {
            dpi *= (MAX_PIXELS / pixels(dpi)).sqrt();
        }
        // The renderer's canvas is at most 65 535 pixels a side.
        dpi = dpi.min(65_000.0 * 72.0 / w.max(h));
        let scale = dpi / 72.0;
        let pixmap = render(
            page,
            &RenderCache::new(),
            &InterpreterSettings::default(),
            &RenderSettings::default(),
            &PixmapSettings {
                x_scale: scale,
                y_scale: scale,
                bg_color: WHITE,
            },
        );
        let (width, height) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
        if width == 0 || height == 0 {
            return Err("trang vẽ ra rỗng / the page drew as an empty image".to_owned());
        }
        // On an opaque white background every pixel's alpha is 255, so the premultiplied
        // values are the colour itself.
        let rgba = pixmap.data_as_u8_slice();
        let grey = rgba.chunks_exact(4).all(|p| p[0] == p[1] && p[1] == p[2]);
        let (color, raw): (_, Vec<u8>) = if grey {
            (
                ImageColor::Gray,
                rgba.chunks_exact(4).map(|p| p[0]).collect(),
            )
        } else {
            (
                ImageColor::Rgb,
                rgba.chunks_exact(4)
                    .flat_map(|p| [p[0], p[1], p[2]])
                    .collect(),
            )
        };
        let row = width as usize * usize::from(color.components());
        let data = deflate_rows_with_up_filter(&raw, row);
        let strip = ImageStrip {
            width,
            height,
            color,
            bits: 8,
            encoding: ImageEncoding::Flate {
                png_predictors: true,
            },
            inverted: false,
            data,
            soft_mask: None,
        };
        // The resolution the page size comes back from: pixels over the page's size in inches.
        let dpi = Dpi {
            x: f64::from(width) * 72.0 / f64::from(w),
            y: f64::from(height) * 72.0 / f64::from(h),
        };
        Ok(RasterPage::single(strip, Some(dpi)))
    }
}
