//! The presentations Decree 30/2020/NĐ-CP Appendix I prescribes, as [`Appearance`]s with the
//! rectangle each goes in (see `REGULATIONS.md` §1–2):
//!
//! - an electronic copy (part II): top right of page 1, no image, the copy form, the copying
//!   organisation and the signing time in ISO 8601 with +07:00, Times New Roman metrics,
//!   upright, 10 pt, black — [`copy_block`], [`top_right`];
//! - an annex in a separate file (part I): the same place and style, the document's number and
//!   symbol and the signing time — [`annex_block`];
//! - the competent person's signature image (blue, transparent) centred between title and name
//!   lines — [`signature_rect`];
//! - the organisation's seal (red, transparent, real size) over about the left third of the
//!   person's signature image — [`seal_rect`];
//! - hoso's own verification mark, outside the prescribed block: a QR code in the bottom margin
//!   of page 1 with a caption a citizen can follow — [`qr_mark`], [`qr_caption`]; the copy flow
//!   writes it into the page content ([`crate::page_mark`]), not into the signature's appearance.

use std::time::SystemTime;

use crate::appearance::Appearance;
use crate::error::StampError;
use crate::image::StampImage;
use crate::locate::SignerBlock;
use crate::qr::QrMark;
use crate::text::TextBlock;
use crate::units::{mm, Rect};

/// Text size of the copy and annex blocks (Appendix I: 10 pt).
pub const BLOCK_SIZE_PT: f32 = 10.0;
/// Right inset of the top-right block: the smallest right margin (Appendix I: 15–20 mm).
pub const BLOCK_RIGHT_INSET_MM: f32 = 15.0;
/// Top inset of the top-right block, inside the 20–25 mm top margin.
pub const BLOCK_TOP_INSET_MM: f32 = 6.0;
/// Side of the verification QR code.
pub const QR_SIDE_MM: f32 = 16.0;
/// The smallest left margin (Appendix I: 30–35 mm): nothing hoso adds goes further left.
pub const QR_LEFT_INSET_MM: f32 = 30.0;
/// Bottom inset of the QR mark, inside the 20–25 mm bottom margin.
pub const QR_BOTTOM_INSET_MM: f32 = 3.0;
/// Default height of a signature image without `pHYs`.
pub const SIGNATURE_HEIGHT_MM: f32 = 18.0;

/// The three copy forms (Decree 30/2020 Art. 25).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyKind {
    /// Sao y — a full copy.
    SaoY,
    /// Sao lục — a copy of a copy.
    SaoLuc,
    /// Trích sao — an extract.
    TrichSao,
}

impl CopyKind {
    /// The words shown on the copy (Appendix I part II).
    pub fn label(self) -> &'static str {
        match self {
            Self::SaoY => "SAO Y",
            Self::SaoLuc => "SAO LỤC",
            Self::TrichSao => "TRÍCH SAO",
        }
    }
}

/// ISO 8601 in Vietnam time, to the second: `2026-11-29T09:15:02+07:00`.
pub fn iso8601_vietnam(t: SystemTime) -> String {
    hoso_pdf::iso8601_vietnam_system(t)
}

/// The copy's text: form, organisation, time — 10 pt.
pub fn copy_block(kind: CopyKind, organisation: &str, time: &str) -> Result<TextBlock, StampError> {
    TextBlock::new(&[kind.label(), organisation, time], BLOCK_SIZE_PT)
}

/// An annex's text: number and symbol, time — 10 pt.
pub fn annex_block(number_and_symbol: &str, time: &str) -> Result<TextBlock, StampError> {
    TextBlock::new(&[number_and_symbol, time], BLOCK_SIZE_PT)
}

/// `block` as an appearance and its rectangle at the top right of `page` (the media box).
pub fn top_right(block: &TextBlock, page: Rect) -> (Appearance, Rect) {
    // A little padding so no glyph touches the widget's edge.
    let pad = 1.0;
    let (w, h) = (block.width_pt() + 2.0 * pad, block.height_pt() + 2.0 * pad);
    let rect = Rect {
        x: page.x + page.w - mm(BLOCK_RIGHT_INSET_MM) - w,
        y: page.y + page.h - mm(BLOCK_TOP_INSET_MM) - h,
        w,
        h,
    };
    let mut ap = Appearance::new(w, h);
    ap.text(block, pad, pad);
    (ap, rect)
}

/// The verification mark: a QR code of `payload` with `caption` lines (7 pt) to its left, in
/// the bottom margin of `page`, its right edge on the right margin (so that, merged with the
/// top-right block into one widget, the widget stays a narrow right-hand column).
pub fn qr_mark(
    payload: &str,
    caption: &[&str],
    page: Rect,
) -> Result<(Appearance, Rect), StampError> {
    let mark = QrMark::new(payload)?;
    let side = mm(QR_SIDE_MM);
    let text = TextBlock::new(caption, 7.0)?;
    let gap = mm(2.0);
    let w = side + gap + text.width_pt();
    let h = side;
    let rect = Rect {
        x: page.x + page.w - mm(BLOCK_RIGHT_INSET_MM) - w,
        y: page.y + mm(QR_BOTTOM_INSET_MM),
        w,
        h,
    };
    let mut ap = Appearance::new(w, h);
    ap.text(&text, 0.0, (h - text.height_pt()) / 2.0);
    ap.qr(&mark, w - side, 0.0, side);
    Ok((ap, rect))
}

/// The caption beside a copy's QR code: the copy number, then what to do in words a citizen
/// understands (scan the code, or type the code printed under it at the lookup kiosk or page),
/// then that code. Never a command line.
pub fn qr_caption(copy_number: &str, code: &str) -> [String; 3] {
    [
        format!("Bản sao số {copy_number}"),
        "Tra cứu bản sao: quét mã QR hoặc nhập mã".to_owned(),
        code.to_owned(),
    ]
}

/// Moves `rect` left, in steps, until it overlaps none of `taken` (earlier widgets: a copy of
/// a copy puts its block beside the first copy's, never over it). Stops at the left margin.
pub fn beside(rect: Rect, taken: &[Rect], page: Rect) -> Rect {
    let overlaps = |a: &Rect, b: &Rect| {
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    };
    let mut r = rect;
    for _ in 0..taken.len() + 1 {
        let Some(left) = taken
            .iter()
            .filter(|t| overlaps(&r, t))
            .map(|t| t.x)
            .reduce(f32::min)
        else {
            break;
        };
        r.x = left - mm(4.0) - r.w;
    }
    r.x = r.x.max(page.x + mm(QR_LEFT_INSET_MM));
    r
}

/// Where the person's signature image goes: centred in the signer block, at its physical size
/// when the PNG gives one (capped to the room available), else 18 mm high.
pub fn signature_rect(image: &StampImage, block: &SignerBlock) -> Rect {
    let mut h = image
        .physical_size_mm()
        .map(|(_, h)| mm(h as f32))
        .filter(|h| *h > mm(5.0))
        .unwrap_or(mm(SIGNATURE_HEIGHT_MM));
    h = h.min(block.max_height.max(mm(8.0)));
    let w = h / image.aspect();
    Rect::centred(block.centre.0, block.centre.1, w, h)
}

/// An image filling its whole rectangle.
pub fn image_appearance(image: &StampImage, rect: Rect) -> Appearance {
    let mut ap = Appearance::new(rect.w, rect.h);
    ap.image(
        image,
        Rect {
            x: 0.0,
            y: 0.0,
            w: rect.w,
            h: rect.h,
        },
    );
    ap
}

/// The seal of `size` (width, height in points) overlapping about the left third of the
/// signature image at `signature`: its right edge one third into the image, vertically centred
/// on it.
pub fn seal_rect(signature: Rect, size: (f32, f32)) -> Rect {
    let right = signature.x + signature.w / 3.0;
    Rect::centred(right - size.0 / 2.0, signature.centre().1, size.0, size.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A4: Rect = Rect {
        x: 0.0,
        y: 0.0,
        w: 595.276,
        h: 841.89,
    };

    #[test]
    fn copy_block_sits_top_right_inside_the_margins() {
        let b = copy_block(
            CopyKind::SaoLuc,
            "Ủy ban nhân dân phường Sông Cầu",
            "2026-11-29T09:15:02+07:00",
        )
        .unwrap();
        let (_, r) = top_right(&b, A4);
        assert!((A4.w - (r.x + r.w) - mm(15.0)).abs() < 0.01);
        assert!(r.y + r.h <= A4.h - mm(5.0));
        assert!(r.y >= A4.h - mm(25.0), "stays in the top margin: {r:?}");
        assert!(r.x > A4.w / 2.0);
    }

    #[test]
    fn the_qr_caption_is_words_and_the_code_never_a_command() {
        let c = qr_caption("05/SY-UBND", "HS1:UBND:12:ABCDEFGHIJKLMNOPQRSTUVWXYZ");
        assert_eq!(c[0], "Bản sao số 05/SY-UBND");
        assert!(c[1].starts_with("Tra cứu bản sao: quét mã QR hoặc nhập mã"));
        assert_eq!(c[2], "HS1:UBND:12:ABCDEFGHIJKLMNOPQRSTUVWXYZ");
        assert!(c.iter().all(|l| !l.contains("hoso ") && !l.contains("--")));
        let refs: Vec<&str> = c.iter().map(String::as_str).collect();
        let (_, r) = qr_mark(
            "HS1:UBND:12:ABCDEFGHIJKLMNOPQRSTUVWXYZ\n05/SY-UBND",
            &refs,
            A4,
        )
        .expect("mark");
        assert!(r.x >= mm(QR_LEFT_INSET_MM), "inside the left margin: {r:?}");
        assert!(r.y + r.h <= mm(25.0), "in the bottom margin: {r:?}");
    }

    #[test]
    fn iso_time_is_vietnam_time() {
        // 2026-11-29T02:15:02Z
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_795_918_502);
        assert_eq!(iso8601_vietnam(t), "2026-11-29T09:15:02+07:00");
    }

    #[test]
    fn seal_covers_the_left_third() {
        let sig = Rect {
            x: 300.0,
            y: 200.0,
            w: 120.0,
            h: 50.0,
        };
        let s = seal_rect(sig, (110.0, 110.0));
        assert!((s.x + s.w - 340.0).abs() < 1e-3);
        assert!((s.centre().1 - 225.0).abs() < 1e-3);
    }
}
