//! A visible signature's widget, per Decree 30/2020/NĐ-CP Appendix I: the competent person's
//! signature image between the title and name lines, the organisation's seal at its real size
//! over the left third of it (a second signature), or an annex's number block at the top right
//! of page 1. Shared by `hoso sign --visible` and the desktop app.

use std::time::SystemTime;

use hoso_sign::appearance::{AppearanceObjects, VisibleSignature, Widget};

use crate::locate::PdfPages;
use crate::units::{mm, to_mm, Rect};
use crate::{decree, Appearance, StampError, StampImage};

/// What the visible signature shows.
#[derive(Debug, Clone)]
pub enum VisibleKind {
    /// The competent person's handwritten signature (a blue, transparent PNG).
    Signature {
        /// The PNG file's bytes.
        png: Vec<u8>,
    },
    /// The organisation's seal (a red, transparent PNG at its real size).
    Seal {
        /// The PNG file's bytes.
        png: Vec<u8>,
        /// The seal's real width in mm when the PNG has no `pHYs`.
        seal_mm: Option<f64>,
    },
    /// An annex in its own file: the document's number and symbol, no image.
    Annex {
        /// "12/QĐ-UBND".
        number: String,
    },
}

/// Where to put it; by default found from the document.
#[derive(Debug, Clone, Copy, Default)]
pub struct Placement {
    /// 0-based page; default the last (annexes: always page 1).
    pub page_index: Option<usize>,
    /// Image centre in mm from the page's top left.
    pub at_mm: Option<(f32, f32)>,
}

/// The widget, and whether the signer block was found from the page's text (when `false`, the
/// default right-column position was used: tell the person).
#[derive(Debug)]
pub struct VisiblePlan {
    /// For [`hoso_sign::sign::SignOptions::appearance`].
    pub signature: VisibleSignature,
    /// The signer block was found from the text (or the position was given).
    pub placed_from_text: bool,
    /// The 0-based page it is on.
    pub page_index: usize,
}

/// Refuses a rectangle that is not wholly on the page whose media box is `media_box` (0-based
/// `page_index`), naming the page's size: a position chosen by a person (`--at`, a box dragged
/// in the app) must not sign with the image off the page. A half-point tolerance absorbs
/// rounding of positions given in millimetres.
pub fn inside_page(rect: Rect, media_box: Rect, page_index: usize) -> Result<(), StampError> {
    const TOLERANCE_PT: f32 = 0.5;
    let [x0, y0, x1, y1] = rect.corners();
    let [mx0, my0, mx1, my1] = media_box.corners();
    let inside = x0 >= mx0 - TOLERANCE_PT
        && y0 >= my0 - TOLERANCE_PT
        && x1 <= mx1 + TOLERANCE_PT
        && y1 <= my1 + TOLERANCE_PT;
    if inside {
        return Ok(());
    }
    Err(StampError::OutsidePage {
        page: page_index + 1,
        width_mm: to_mm(media_box.w),
        height_mm: to_mm(media_box.h),
        need_w_mm: to_mm(rect.w),
        need_h_mm: to_mm(rect.h),
    })
}

/// One widget from an appearance drawn at `rect` on page `page_index`.
pub fn widget(page_index: usize, ap: &Appearance, rect: Rect) -> Result<Widget, StampError> {
    let appearance = AppearanceObjects::build(|sink| ap.write(sink))?;
    Ok(Widget {
        page_index,
        rect: rect.corners(),
        appearance,
    })
}

/// Plans the visible signature of `kind` on the PDF `pdf` signed at `time`.
pub fn plan(
    pdf: &[u8],
    kind: &VisibleKind,
    placement: Placement,
    time: SystemTime,
) -> Result<VisiblePlan, StampError> {
    let pages = PdfPages::parse(pdf)?;
    let index = placement
        .page_index
        .unwrap_or_else(|| pages.page_count().saturating_sub(1));
    let page = pages.page(index)?;
    let mb = page.media_box;
    let at = placement
        .at_mm
        .map(|(x, y)| (mb.x + mm(x), mb.y + mb.h - mm(y)));
    let mut placed_from_text = true;
    let (image, rect) = match kind {
        VisibleKind::Signature { png } => {
            let img = StampImage::from_png(png)?;
            img.check_signature()?;
            let mut block = pages.signer_block(index)?;
            placed_from_text = block.found || at.is_some();
            if let Some(c) = at {
                block.centre = c;
            }
            let rect = decree::signature_rect(&img, &block);
            (img, rect)
        }
        VisibleKind::Seal { png, seal_mm } => {
            let img = StampImage::from_png(png)?;
            let size = img.check_seal(*seal_mm)?;
            let rect = match at {
                Some((x, y)) => Rect::centred(x, y, size.0, size.1),
                None => {
                    let sig = match pages.signature_widgets(index)?.last() {
                        Some(r) => *r,
                        None => {
                            let b = pages.signer_block(index)?;
                            placed_from_text = b.found;
                            Rect::centred(b.centre.0, b.centre.1, mm(40.0), mm(18.0))
                        }
                    };
                    decree::seal_rect(sig, size)
                }
            };
            (img, rect)
        }
        VisibleKind::Annex { number } => {
            // Top right of page 1, whatever page was asked for (Appendix I part I).
            let page = pages.page(0)?;
            let block = decree::annex_block(number, &decree::iso8601_vietnam(time))?;
            let (ap, rect) = decree::top_right(&block, page.media_box);
            return Ok(VisiblePlan {
                signature: VisibleSignature {
                    widgets: vec![widget(0, &ap, rect)?],
                },
                placed_from_text: true,
                page_index: 0,
            });
        }
    };
    if at.is_some() {
        inside_page(rect, mb, index)?;
    }
    let ap = decree::image_appearance(&image, rect);
    Ok(VisiblePlan {
        signature: VisibleSignature {
            widgets: vec![widget(index, &ap, rect)?],
        },
        placed_from_text,
        page_index: index,
    })
}

#[cfg(test)]
mod placement_tests {
    use super::*;

    /// A4 portrait in points.
    const A4: Rect = Rect {
        x: 0.0,
        y: 0.0,
        w: 595.28,
        h: 841.89,
    };

    #[test]
    fn image_centred_at_300_200_mm_is_off_an_a4_page() {
        // `hoso sign --at 300,200` on A4 (issue 21 point 3): x = 300 mm is beyond 210 mm.
        let rect = Rect::centred(mm(300.0), A4.h - mm(200.0), mm(40.0), mm(18.0));
        let err = inside_page(rect, A4, 0).expect_err("off the page");
        let text = err.to_string();
        assert!(text.contains("210 mm"), "{text}");
        assert!(text.contains("297 mm"), "{text}");
        assert!(matches!(err, StampError::OutsidePage { page: 1, .. }));
    }

    #[test]
    fn image_wholly_on_the_page_is_accepted_and_an_overhanging_one_is_not() {
        let on = Rect::centred(mm(150.0), A4.h - mm(230.0), mm(40.0), mm(18.0));
        assert!(inside_page(on, A4, 0).is_ok());
        // Centre on the page, but 10 mm of the image past the right edge.
        let over = Rect::centred(mm(200.0), A4.h - mm(230.0), mm(40.0), mm(18.0));
        assert!(inside_page(over, A4, 2).is_err());
        // A media box that does not start at the origin.
        let shifted = Rect {
            x: 100.0,
            y: 100.0,
            ..A4
        };
        let moved = Rect {
            x: on.x + 100.0,
            y: on.y + 100.0,
            ..on
        };
        assert!(inside_page(moved, shifted, 0).is_ok());
        assert!(inside_page(on, shifted, 0).is_ok() == (on.x >= 100.0 && on.y >= 100.0));
    }
}
