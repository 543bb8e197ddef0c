//! Defence in depth for the modification analysis, as EU DSS does (its ModificationDetection
//! reports PageDifference, VisualDifference and AnnotationOverlap): the pages that later
//! revisions touched are rendered as the signed revision shows them and as the final file shows
//! them, with the pure-Rust renderer `hayro`, and compared pixel by pixel.
//!
//! Only touched pages are rendered, at 72 dpi at most, and only when the structural analysis
//! named such pages; a file larger than [`MAX_RENDERED_FILE`] is not rendered (said in the
//! report). Differences inside the appearances of later signatures and filled form fields are
//! expected and left out.

use std::sync::Arc;

use hayro::hayro_interpret::util::TransformExt;
use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::Pdf;
use hayro::kurbo::{Affine, Point};
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{render, PixmapSettings, RenderCache, RenderSettings};

use super::report::{Change, ChangeKind, ModificationLevel};
use crate::pdf::Source;

/// Files above this size are not read into memory for rendering.
pub(crate) const MAX_RENDERED_FILE: u64 = 512 << 20;
/// Longest side of a rendered page, in pixels.
const MAX_SIDE_PX: f64 = 1000.0;
/// A channel difference below this is anti-aliasing noise.
const TOLERANCE: u8 = 48;
/// Fewer differing pixels than this are noise.
const MIN_PIXELS: usize = 12;

/// What to compare.
pub(crate) struct Request<'a> {
    /// Pages (0-based) touched by later revisions.
    pub pages: Vec<u32>,
    /// Rectangles (0-based page, PDF user space) where later changes are expected to show:
    /// later signatures' and filled fields' widgets.
    pub expected: &'a [(u32, [f64; 4])],
    /// New annotations (0-based page, rectangle) that must not cover signed content.
    pub new_annotations: &'a [(u32, [f64; 4])],
}

/// Bytes shared by the two renderings: the whole file, and its first `len` bytes.
struct Shared {
    data: Arc<Vec<u8>>,
    len: usize,
}

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.data[..self.len.min(self.data.len())]
    }
}

/// Renders and compares; returns the differences found, or why it could not compare.
pub(crate) fn compare<S: Source + ?Sized>(
    src: &S,
    signed_len: u64,
    req: &Request<'_>,
) -> Result<Vec<Change>, String> {
    if req.pages.is_empty() {
        return Ok(Vec::new());
    }
    let len = src.len();
    if len > MAX_RENDERED_FILE {
        return Err(format!(
            "the file ({len} bytes) is too large to render for the visual comparison"
        ));
    }
    let mut data = vec![0u8; len as usize];
    let n = src
        .read_at(0, &mut data)
        .map_err(|e| format!("cannot read the file for rendering: {e}"))?;
    data.truncate(n);
    let data = Arc::new(data);
    let signed = Pdf::new(Arc::new(Shared {
        data: data.clone(),
        len: usize::try_from(signed_len).unwrap_or(usize::MAX),
    }))
    .map_err(|e| format!("the renderer cannot read the signed revision: {e:?}"))?;
    let full = Pdf::new(Arc::new(Shared {
        len: data.len(),
        data,
    }))
    .map_err(|e| format!("the renderer cannot read the final file: {e:?}"))?;
    let mut out = Vec::new();
    let (np_signed, np_full) = (signed.pages().len(), full.pages().len());
    if np_signed != np_full {
        out.push(change(
            ChangeKind::PageCount,
            None,
            None,
            format!(
                "rendered: the signed revision has {np_signed} pages, the final file {np_full}"
            ),
        ));
    }
    let settings = InterpreterSettings::default();
    let cache_s = RenderCache::new();
    let cache_f = RenderCache::new();
    for &p in &req.pages {
        let idx = p as usize;
        let (Some(ps), Some(pf)) = (signed.pages().get(idx), full.pages().get(idx)) else {
            continue;
        };
        let (w, h) = ps.render_dimensions();
        let scale = (MAX_SIDE_PX / f64::from(w.max(h)).max(1.0)).min(1.0) as f32;
        let pix = PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: WHITE,
        };
        let rs = RenderSettings::default();
        let a = render(ps, &cache_s, &settings, &rs, &pix);
        let b = render(pf, &cache_f, &settings, &rs, &pix);
        // PDF user space → pixels of the signed page, and back.
        let to_px = Affine::scale(f64::from(scale)) * ps.initial_transform(true).to_kurbo();
        let to_pdf = to_px.inverse();
        let px_rect = |r: &[f64; 4]| {
            let p1 = to_px * Point::new(r[0], r[1]);
            let p2 = to_px * Point::new(r[2], r[3]);
            (
                p1.x.min(p2.x) - 2.0,
                p1.y.min(p2.y) - 2.0,
                p1.x.max(p2.x) + 2.0,
                p1.y.max(p2.y) + 2.0,
            )
        };
        let expected: Vec<_> = req
            .expected
            .iter()
            .filter(|(q, _)| *q == p)
            .map(|(_, r)| px_rect(r))
            .collect();
        let (aw, ah) = (usize::from(a.width()), usize::from(a.height()));
        if (aw, ah) != (usize::from(b.width()), usize::from(b.height())) {
            out.push(change(
                ChangeKind::VisualDifference,
                Some(p),
                None,
                format!("page {}: the rendered page size changed", p + 1),
            ));
            continue;
        }
        let (da, db) = (a.data_as_u8_slice(), b.data_as_u8_slice());
        let mut count = 0usize;
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        for y in 0..ah {
            for x in 0..aw {
                let i = (y * aw + x) * 4;
                let differs = (0..4).any(|c| da[i + c].abs_diff(db[i + c]) > TOLERANCE);
                if !differs {
                    continue;
                }
                let (fx, fy) = (x as f64, y as f64);
                if expected
                    .iter()
                    .any(|e| fx >= e.0 && fx <= e.2 && fy >= e.1 && fy <= e.3)
                {
                    continue;
                }
                count += 1;
                (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            }
        }
        if count >= MIN_PIXELS {
            let q1 = to_pdf * Point::new(x0 as f64, y0 as f64);
            let q2 = to_pdf * Point::new(x1 as f64 + 1.0, y1 as f64 + 1.0);
            let rect = [
                q1.x.min(q2.x),
                q1.y.min(q2.y),
                q1.x.max(q2.x),
                q1.y.max(q2.y),
            ];
            out.push(change(
                ChangeKind::VisualDifference,
                Some(p),
                Some(rect),
                format!(
                    "page {}: {count} pixels differ from the signed revision outside later signatures, in [{:.0} {:.0} {:.0} {:.0}]",
                    p + 1,
                    rect[0],
                    rect[1],
                    rect[2],
                    rect[3]
                ),
            ));
        }
        // A new annotation over what the signer saw (non-white pixels of the signed page).
        for (_, r) in req.new_annotations.iter().filter(|(q, _)| *q == p) {
            let (ex0, ey0, ex1, ey1) = px_rect(r);
            let mut inked = 0usize;
            for y in (ey0.max(0.0) as usize)..(ey1.max(0.0) as usize).min(ah) {
                for x in (ex0.max(0.0) as usize)..(ex1.max(0.0) as usize).min(aw) {
                    let i = (y * aw + x) * 4;
                    if da[i..i + 3].iter().any(|&c| c < 255 - TOLERANCE) {
                        inked += 1;
                    }
                }
            }
            if inked >= MIN_PIXELS {
                out.push(change(
                    ChangeKind::Annotation,
                    Some(p),
                    Some(*r),
                    format!(
                        "page {}: a new annotation at [{:.0} {:.0} {:.0} {:.0}] overlaps signed content",
                        p + 1,
                        r[0],
                        r[1],
                        r[2],
                        r[3]
                    ),
                ));
            }
        }
    }
    Ok(out)
}

fn change(kind: ChangeKind, page: Option<u32>, rect: Option<[f64; 4]>, detail: String) -> Change {
    Change {
        kind,
        level: ModificationLevel::None,
        page: page.map(|p| p + 1),
        rect,
        object: None,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::classic_pdf;

    fn page(content: &str) -> Vec<u8> {
        classic_pdf(
            &[
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
                content,
            ],
            "",
        )
    }

    fn with_update(base: &[u8], obj4: &str) -> Vec<u8> {
        let prev = crate::pdf::file::find_startxref(base).expect("startxref");
        let mut out = base.to_vec();
        let at = out.len();
        out.extend_from_slice(format!("4 0 obj\n{obj4}\nendobj\n").as_bytes());
        let x = out.len();
        out.extend_from_slice(
            format!(
                "xref\n4 1\n{at:010} 00000 n\r\ntrailer\n<< /Size 5 /Root 1 0 R /Prev {prev} >>\nstartxref\n{x}\n%%EOF\n"
            )
            .as_bytes(),
        );
        out
    }

    const BOX: &str = "<< /Length 24 >>\nstream\n0 0 1 rg 20 20 50 50 re f\nendstream";
    const MOVED: &str = "<< /Length 24 >>\nstream\n0 0 1 rg 120 20 50 50 re f\nendstream";

    #[test]
    fn changed_pixels_are_found_with_their_rectangle() {
        let base = page(BOX);
        let full = with_update(&base, MOVED);
        let req = Request {
            pages: vec![0],
            expected: &[],
            new_annotations: &[],
        };
        let found = compare(full.as_slice(), base.len() as u64, &req).expect("rendered");
        let c = found
            .iter()
            .find(|c| c.kind == ChangeKind::VisualDifference)
            .expect("a visual difference");
        assert_eq!(c.page, Some(1));
        let r = c.rect.expect("rect");
        // Both the old box (20..70) and the new one (120..170) differ.
        assert!(
            r[0] <= 21.0 && r[2] >= 169.0 && r[1] <= 21.0 && r[3] >= 69.0,
            "{r:?}"
        );
    }

    #[test]
    fn differences_inside_expected_rectangles_are_left_out() {
        let base = page(BOX);
        let full = with_update(&base, MOVED);
        let expected = [(0, [10.0, 10.0, 190.0, 80.0])];
        let req = Request {
            pages: vec![0],
            expected: &expected,
            new_annotations: &[],
        };
        let found = compare(full.as_slice(), base.len() as u64, &req).expect("rendered");
        assert!(
            found.is_empty(),
            "{:?}",
            found.iter().map(|c| &c.detail).collect::<Vec<_>>()
        );
        // Nothing changed: nothing found; a new annotation over the box overlaps signed content.
        let same = with_update(&base, BOX);
        let annots = [(0, [30.0, 30.0, 60.0, 60.0])];
        let req = Request {
            pages: vec![0],
            expected: &[],
            new_annotations: &annots,
        };
        let found = compare(same.as_slice(), base.len() as u64, &req).expect("rendered");
        assert_eq!(
            found.len(),
            1,
            "{:?}",
            found.iter().map(|c| &c.detail).collect::<Vec<_>>()
        );
        assert_eq!(found[0].kind, ChangeKind::Annotation);
    }
}
