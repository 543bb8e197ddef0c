//! Errors of the dossier flow; each names the file (and page) it is about.

use std::path::PathBuf;

use crate::code::CodeError;
use crate::metadata::MetadataError;

/// Why a dossier could not be built. Nothing is written when any of these is returned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DossierError {
    /// The dossier code is malformed.
    #[error(transparent)]
    Code(#[from] CodeError),
    /// A metadata value is malformed.
    #[error(transparent)]
    Metadata(#[from] MetadataError),
    /// OCR could not start (language data missing, engine failure).
    #[error(transparent)]
    Ocr(#[from] hoso_ocr::OcrError),
    /// Page cleanup could not run.
    #[error(transparent)]
    Clean(#[from] hoso_scan::CleanError),
    /// A page could not be cleaned.
    #[error("{path}: không làm sạch được / could not be cleaned: {reason}")]
    CleanFailed {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The input is signed: changing it would break the signature.
    #[error("{0}: tệp đã được ký số; thêm lớp chữ sẽ làm hỏng chữ ký, hãy OCR trước khi ký / the file is signed; adding a text layer would break the signature, so OCR before signing")]
    SignedInput(PathBuf),
    /// The dossier has no title.
    #[error("hồ sơ chưa có tiêu đề (--title) / the dossier needs a title (--title)")]
    MissingTitle,
    /// The dossier has no documents or a document has no files.
    #[error("tài liệu \"{0}\" không có tệp nào / document \"{0}\" has no files")]
    EmptyDocument(String),
    /// No documents at all.
    #[error("hồ sơ không có tài liệu nào: hãy đưa ít nhất một tệp ảnh hoặc PDF / the dossier has no files: give at least one image or PDF")]
    NoDocuments,
    /// An input file cannot be used.
    #[error("{path}{}: {source}", page.map(|p| format!(" (trang/page {p})")).unwrap_or_default())]
    Input {
        /// The file.
        path: PathBuf,
        /// The page inside it (1-based), when known.
        page: Option<u32>,
        /// What is wrong.
        #[source]
        source: hoso_pdf::PdfError,
    },
    /// The output's folder does not exist.
    #[error("thư mục đầu ra không tồn tại / output folder does not exist: {0}")]
    OutputDir(PathBuf),
    /// The output is one of the inputs.
    #[error("tệp đầu ra trùng một tệp đầu vào: {0} (hoso không bao giờ ghi đè đầu vào) / the output is also an input; hoso never overwrites an input")]
    OutputIsInput(PathBuf),
    /// Writing the output failed.
    #[error("ghi {path} thất bại / writing {path} failed: {source}")]
    Write {
        /// The output.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The caller cancelled the build ([`crate::BuildOptions::cancel`]); nothing was written.
    #[error("đã hủy dựng hồ sơ, không tạo tệp / the build was cancelled, nothing written")]
    Cancelled,
}
