//! The presentation of a component digitized at the one-stop desk (Circular 01/2023/TT-VPCP,
//! `REGULATIONS.md` §4), at the top left of page 1:
//!
//! - a QR code (ISO/IEC 18004, the TCVN 7322:2009 the Circular names) carrying the dossier code,
//!   the procedure code, the applicant's identifier and the document's name — [`receipt_qr`],
//!   written into the page content before signing, so the signature covers it;
//! - to its right, the digitizer's name, the signing time (ISO 8601, +07:00) and the
//!   digitization result code in Tinos 10 pt — [`receipt_block`], [`beside_qr`]: the
//!   appearance of the digitizer's personal signature.
//!
//! Where the Circular is silent on measures, hoso uses the copy block's: 6 mm below the top
//! edge, the QR 16 mm square, 10 mm from the left edge (inside the 30–35 mm left margin of
//! Decree 30/2020 Appendix I, which a scanned page does not otherwise use).

use serde::{Deserialize, Serialize};

use crate::appearance::Appearance;
use crate::decree::{BLOCK_SIZE_PT, BLOCK_TOP_INSET_MM, QR_SIDE_MM};
use crate::error::StampError;
use crate::qr::QrMark;
use crate::text::TextBlock;
use crate::units::{mm, Rect};

/// Left inset of the receipt QR code.
pub const RECEIPT_LEFT_INSET_MM: f32 = 10.0;
/// Gap between the QR code and the text block.
pub const RECEIPT_GAP_MM: f32 = 2.0;

/// What the receipt QR code carries (Circular 01/2023/TT-VPCP: at least these four), as
/// compact JSON with Vietnamese keys without diacritics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptQr {
    /// "Mã hồ sơ" (Circular 01/2018/TT-VPCP).
    pub ma_ho_so: String,
    /// "Mã thủ tục hành chính".
    pub ma_thu_tuc: String,
    /// "Mã định danh" of the applicant (personal identification number or tax code).
    pub ma_dinh_danh: String,
    /// "Tên giấy tờ": the document's name.
    pub ten_giay_to: String,
}

impl ReceiptQr {
    /// The QR payload.
    pub fn payload(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a payload back; `None` when it is not one.
    pub fn parse(payload: &str) -> Option<Self> {
        serde_json::from_str(payload).ok()
    }
}

/// The QR code of `qr` as an appearance and its rectangle at the top left of `page`.
pub fn receipt_qr(qr: &ReceiptQr, page: Rect) -> Result<(Appearance, Rect), StampError> {
    let mark = QrMark::new(&qr.payload())?;
    let side = mm(QR_SIDE_MM);
    let rect = Rect {
        x: page.x + mm(RECEIPT_LEFT_INSET_MM),
        y: page.y + page.h - mm(BLOCK_TOP_INSET_MM) - side,
        w: side,
        h: side,
    };
    let mut ap = Appearance::new(side, side);
    ap.qr(&mark, 0.0, 0.0, side);
    Ok((ap, rect))
}

/// The digitizer's lines: name, signing time, result code — 10 pt.
pub fn receipt_block(
    digitizer: &str,
    time: &str,
    result_code: &str,
) -> Result<TextBlock, StampError> {
    TextBlock::new(
        &[
            &format!("Người số hóa: {digitizer}"),
            time,
            &format!("Mã kết quả số hóa: {result_code}"),
        ],
        BLOCK_SIZE_PT,
    )
}

/// `block` as an appearance and its rectangle to the right of the QR code at `qr`, tops level.
pub fn beside_qr(block: &TextBlock, qr: Rect) -> (Appearance, Rect) {
    let pad = 1.0;
    let (w, h) = (block.width_pt() + 2.0 * pad, block.height_pt() + 2.0 * pad);
    let rect = Rect {
        x: qr.x + qr.w + mm(RECEIPT_GAP_MM),
        y: qr.y + qr.h - h,
        w,
        h,
    };
    let mut ap = Appearance::new(w, h);
    ap.text(block, pad, pad);
    (ap, rect)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_round_trips_and_block_sits_top_left() {
        let q = ReceiptQr {
            ma_ho_so: "000.00.15.H12-261207-0001".into(),
            ma_thu_tuc: "1.001193".into(),
            ma_dinh_danh: "001204012345".into(),
            ten_giay_to: "Tờ khai đăng ký khai sinh".into(),
        };
        assert_eq!(ReceiptQr::parse(&q.payload()), Some(q.clone()));
        let page = Rect {
            x: 0.0,
            y: 0.0,
            w: 595.0,
            h: 842.0,
        };
        let (_, qr) = receipt_qr(&q, page).unwrap();
        assert!(qr.x < 40.0 && qr.y + qr.h > 800.0, "{qr:?}");
        let block = receipt_block("Nguyễn Văn An", "2026-12-07T09:00:00+07:00", "X").unwrap();
        let (_, r) = beside_qr(&block, qr);
        assert!(r.x > qr.x + qr.w && (r.y + r.h - (qr.y + qr.h)).abs() < 0.01);
    }
}
