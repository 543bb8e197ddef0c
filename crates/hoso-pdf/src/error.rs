//! Errors of hoso-pdf, one focused enum per concern, wrapped by [`PdfError`].

use std::io;

/// Anything that can go wrong while writing a dossier.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// An input file could not be used.
    #[error(transparent)]
    Input(#[from] InputError),
    /// Writing the output failed.
    #[error("ghi tệp đầu ra thất bại / writing the output failed: {0}")]
    Io(#[from] io::Error),
    /// Something would break PDF/A conformance.
    #[error(transparent)]
    Pdfa(#[from] PdfaViolation),
}

/// Why an input image or PDF cannot be used. Page numbers are 1-based.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The file has no bytes.
    #[error("tệp rỗng (0 byte) / the file is empty (0 bytes): scan or copy it again")]
    Empty,
    /// Not JPEG, PNG, TIFF or PDF.
    #[error("không nhận ra định dạng (cần JPEG, PNG, TIFF hoặc PDF) / unknown format: expected JPEG, PNG, TIFF or PDF")]
    UnknownFormat,
    /// The JPEG stops before its end marker or inside a segment.
    #[error("JPEG bị cắt cụt ({what}) / truncated JPEG ({what}): the file is incomplete, scan or copy it again")]
    TruncatedJpeg {
        /// Where it stops.
        what: &'static str,
    },
    /// A JPEG the PDF DCT filter cannot carry.
    #[error("JPEG không được hỗ trợ: {reason} / unsupported JPEG: {reason}; re-save it as a baseline or progressive JPEG")]
    UnsupportedJpeg {
        /// What is wrong.
        reason: String,
    },
    /// A malformed or truncated PNG.
    #[error("PNG hỏng: {reason} / broken PNG: {reason}; re-save or scan it again")]
    BadPng {
        /// What is wrong.
        reason: String,
    },
    /// A TIFF page whose compression hoso does not read.
    #[error("TIFF trang {page}: kiểu nén {compression} không được hỗ trợ / TIFF page {page}: compression {compression} ({name}) is not supported; re-save as uncompressed, LZW, Deflate, JPEG or CCITT G4")]
    UnsupportedTiffCompression {
        /// Page (1-based).
        page: u32,
        /// The TIFF Compression tag value.
        compression: u16,
        /// Its usual name.
        name: &'static str,
    },
    /// A TIFF page that cannot be decoded.
    #[error("TIFF trang {page} hỏng / broken TIFF page {page}: {reason}")]
    BadTiff {
        /// Page (1-based).
        page: u32,
        /// What is wrong.
        reason: String,
    },
    /// The PDF is encrypted (PDF/A forbids encryption, ISO 19005-2 §6.1.3).
    #[error("PDF được mã hóa: gỡ mật khẩu trước (ví dụ `qpdf --decrypt vào.pdf ra.pdf`) hoặc dựng với --rasterize-nonconforming để chuyển trang thành ảnh / the PDF is encrypted: remove the password first (e.g. `qpdf --decrypt in.pdf out.pdf`), or build with --rasterize-nonconforming to turn its pages into images")]
    EncryptedPdf,
    /// The PDF cannot be parsed.
    #[error("PDF hỏng / broken PDF: {reason}")]
    BadPdf {
        /// What is wrong.
        reason: String,
    },
    /// A PDF page that cannot be copied.
    #[error("PDF trang {page}: {reason}")]
    BadPdfPage {
        /// Page (1-based).
        page: u32,
        /// What is wrong.
        reason: String,
    },
    /// Reading the file failed.
    #[error("không đọc được tệp / cannot read the file: {0}")]
    Io(#[from] io::Error),
}

/// Content that would make the dossier non-conforming to PDF/A-2 (ISO 19005-2).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PdfaViolation {
    /// ISO 19005-2 §6.2.11.4.1: every font program must be embedded.
    #[error("PDF trang {page}: phông chữ \"{font}\" không được nhúng (PDF/A yêu cầu nhúng mọi phông): xuất lại PDF có nhúng phông, hoặc dựng với --rasterize-nonconforming để chuyển trang thành ảnh / font \"{font}\" is not embedded, which PDF/A forbids: re-export the PDF with fonts embedded (or print it to PDF), or build with --rasterize-nonconforming to turn the page into an image")]
    UnembeddedFont {
        /// Page (1-based).
        page: u32,
        /// The font's /BaseFont.
        font: String,
    },
    /// ISO 19005-2 §6.1.7.2: LZW is forbidden; hoso re-encodes it, this is for streams it cannot read.
    #[error("PDF trang {page}: luồng nén {filter} không đọc được / a {filter} stream cannot be decoded to re-encode it for PDF/A")]
    UndecodableStream {
        /// Page (1-based).
        page: u32,
        /// The filter name.
        filter: String,
    },
}
