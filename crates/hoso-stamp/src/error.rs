//! Errors of hoso-stamp: precise variants; the CLI words them for people.

use hoso_pdf::font::FontError;

/// Which rule of Decree 30/2020/NĐ-CP Appendix I an image breaks.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ImageRule {
    /// Appendix I part I: the seal and signature images are PNG with a transparent background.
    #[error(
        "ảnh phải là PNG nền trong suốt (Nghị định 30/2020/NĐ-CP, Phụ lục I, phần I) — chỉ \
         {transparent_percent:.1}% điểm ảnh trong suốt / the image must be a PNG with a \
         transparent background (Decree 30/2020, Appendix I part I) — only \
         {transparent_percent:.1}% of its pixels are transparent"
    )]
    NotTransparent {
        /// Share of fully transparent pixels, in percent.
        transparent_percent: f64,
    },
    /// Appendix I part I: the seal image is red.
    #[error(
        "hình con dấu phải màu đỏ (Nghị định 30/2020/NĐ-CP, Phụ lục I, phần I) — chỉ \
         {percent:.1}% nét dấu màu đỏ / the seal image must be red (Decree 30/2020, \
         Appendix I part I) — only {percent:.1}% of its ink is red"
    )]
    SealNotRed {
        /// Share of opaque pixels that are red, in percent.
        percent: f64,
    },
    /// Appendix I part I: the handwritten signature image is blue.
    #[error(
        "ảnh chữ ký phải màu xanh (Nghị định 30/2020/NĐ-CP, Phụ lục I, phần I) — chỉ \
         {percent:.1}% nét màu xanh / the signature image must be blue (Decree 30/2020, \
         Appendix I part I) — only {percent:.1}% of its ink is blue"
    )]
    SignatureNotBlue {
        /// Share of opaque pixels that are blue, in percent.
        percent: f64,
    },
    /// Appendix I part I: the seal is shown at its real size.
    #[error(
        "hình con dấu phải đúng kích thước thật (Nghị định 30/2020/NĐ-CP, Phụ lục I, phần I); \
         {width_mm:.1} × {height_mm:.1} mm nằm ngoài {min_mm}–{max_mm} mm — kiểm tra độ phân \
         giải (pHYs) của PNG hoặc dùng --seal-mm / the seal must be shown at its real size \
         (Decree 30/2020, Appendix I part I); {width_mm:.1} × {height_mm:.1} mm is outside \
         {min_mm}–{max_mm} mm — check the PNG's resolution (pHYs) or pass --seal-mm"
    )]
    SealSize {
        /// Width in mm.
        width_mm: f64,
        /// Height in mm.
        height_mm: f64,
        /// Smallest accepted.
        min_mm: f64,
        /// Largest accepted.
        max_mm: f64,
    },
    /// The seal's real size cannot be known.
    #[error(
        "không biết kích thước thật của con dấu: PNG không có pHYs — dùng --seal-mm \
         (Nghị định 30/2020/NĐ-CP, Phụ lục I, phần I) / the seal's real size is unknown: the \
         PNG has no pHYs chunk — pass --seal-mm (Decree 30/2020, Appendix I part I)"
    )]
    SealSizeUnknown,
}

/// Why an appearance could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StampError {
    /// Text the font cannot show (never drawn as a box).
    #[error(transparent)]
    Font(#[from] FontError),
    /// The image is not a readable PNG.
    #[error("ảnh PNG không đọc được / unreadable PNG image: {0}")]
    Png(String),
    /// The image breaks a rule of the Decree.
    #[error(transparent)]
    Rule(#[from] ImageRule),
    /// The text does not fit a QR code.
    #[error("nội dung quá dài cho mã QR / too much data for a QR code: {0}")]
    Qr(String),
    /// The PDF could not be read to place the stamp (the reader's error says where, and which
    /// limit a hostile file reached).
    #[error("không đọc được PDF để đặt chữ ký / cannot read the PDF to place the stamp: {0}")]
    Pdf(#[from] hoso_pdf::read::PdfError),
    /// A page number beyond the document.
    #[error("không có trang {page} (tài liệu có {count} trang) / there is no page {page} (the document has {count})")]
    NoSuchPage {
        /// 1-based page asked for.
        page: usize,
        /// Pages in the document.
        count: usize,
    },
    /// A position given by the person puts the image (partly) off the page.
    #[error(
        "ảnh chữ ký nằm ngoài trang {page}: trang rộng {width_mm:.0} mm, cao {height_mm:.0} mm; \
         ảnh cần {need_w_mm:.0} × {need_h_mm:.0} mm quanh tâm đã chọn / the signature image falls \
         outside page {page}: the page is {width_mm:.0} mm wide and {height_mm:.0} mm high; the \
         image needs {need_w_mm:.0} × {need_h_mm:.0} mm around the chosen centre"
    )]
    OutsidePage {
        /// 1-based page.
        page: usize,
        /// The page's width, mm.
        width_mm: f32,
        /// The page's height, mm.
        height_mm: f32,
        /// The image's width, mm.
        need_w_mm: f32,
        /// The image's height, mm.
        need_h_mm: f32,
    },
    /// Encrypted PDFs are not drawn on (new content would be written unencrypted).
    #[error("tệp PDF được mã hóa / the PDF is encrypted")]
    Encrypted,
    /// Writing the objects failed.
    #[error("ghi đối tượng PDF thất bại / writing PDF objects failed: {0}")]
    Io(#[from] std::io::Error),
}
