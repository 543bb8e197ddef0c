//! hoso-ocr: Vietnamese OCR with Tesseract 5, called through its C API (no process per page).
//!
//! Start from [`Engine`]: one per worker thread, made with [`find_tessdata`] and a language set
//! such as `vie+eng`; [`Engine::recognize_lines`] turns a [`GrayImage`] into [`TextLine`]s, each
//! with its fitted [`Baseline`] and its [`Word`]s with pixel bounding boxes, which hoso-pdf draws
//! as an invisible text layer along each line. This crate decodes nothing and
//! writes no PDF; see hoso-dossier for the build flow that joins them.
//!
//! Missing language data is a clear [`OcrError::MissingLanguage`] naming the Debian package.
//!
//! Where it sits: OCR runs inside hoso-dossier's build and re-OCR, which hoso-office's flows call
//! (`hoso build --ocr`, `hoso ocr`, the app's Số hóa screen).

#![deny(missing_docs)]

mod engine;
#[allow(missing_docs)]
mod ffi;

pub use engine::{find_tessdata, Engine};

/// An 8-bit grey image, row-major, one byte per pixel.
#[derive(Debug, Clone)]
pub struct GrayImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width × height` bytes.
    pub pixels: Vec<u8>,
}

/// One recognised word, in image pixel coordinates (origin top left).
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// The text, UTF-8 as Tesseract gives it.
    pub text: String,
    /// Left edge.
    pub left: u32,
    /// Top edge.
    pub top: u32,
    /// Right edge (exclusive).
    pub right: u32,
    /// Bottom edge (exclusive).
    pub bottom: u32,
    /// Tesseract's confidence, 0–100.
    pub confidence: f32,
}

/// One text line in reading order: the baseline Tesseract fitted to it and its words.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    /// The baseline from the line's left end to its right end; tilted with the text on a skewed
    /// scan.
    pub baseline: Baseline,
    /// Tesseract's height of the line's letters, descender to ascender (x-height plus ascenders
    /// plus descenders), in pixels; it comes from a whole number of points, 0 when unknown.
    pub row_height_px: f32,
    /// Left edge of the line's box.
    pub left: u32,
    /// Top edge of the line's box.
    pub top: u32,
    /// Right edge of the line's box (exclusive).
    pub right: u32,
    /// Bottom edge of the line's box (exclusive).
    pub bottom: u32,
    /// The words, in reading order.
    pub words: Vec<Word>,
}

/// A straight baseline through two points, in image pixels (origin top left, y down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Baseline {
    /// x of the left end.
    pub x1: f32,
    /// y of the left end.
    pub y1: f32,
    /// x of the right end.
    pub x2: f32,
    /// y of the right end.
    pub y2: f32,
}

/// Why OCR could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OcrError {
    /// The language data is not installed.
    #[error("thiếu dữ liệu ngôn ngữ OCR \"{lang}\": cài bằng `sudo apt-get install -y {package}` / OCR language data \"{lang}\" missing: install it with `sudo apt-get install -y {package}`")]
    MissingLanguage {
        /// The language code.
        lang: String,
        /// The Debian package that provides it.
        package: String,
    },
    /// A language string that is not `xxx[+yyy…]`.
    #[error("mã ngôn ngữ OCR không hợp lệ \"{0}\" (ví dụ vie+eng) / invalid OCR language list (e.g. vie+eng)")]
    BadLanguage(String),
    /// Tesseract refused to initialise.
    #[error(
        "Tesseract không khởi động được với \"{0}\" / Tesseract failed to initialise for \"{0}\""
    )]
    Init(String),
    /// The image has no pixels or fewer bytes than its size.
    #[error("ảnh trang rỗng hoặc sai kích thước / empty or inconsistent page image")]
    BadImage,
    /// No Tesseract library could be loaded.
    #[error("chưa cài Tesseract OCR (đã tìm: {looked}). Linux: `sudo apt-get install -y libtesseract5 tesseract-ocr-vie`; Windows: cài Tesseract (bản của UB Mannheim) vào C:\\Program Files\\Tesseract-OCR kèm dữ liệu tiếng Việt, hoặc đặt HOSO_TESSERACT là đường dẫn tới thư viện. Mọi việc khác vẫn làm được khi không có OCR / Tesseract OCR is not installed (looked for: {looked}). Linux: `sudo apt-get install -y libtesseract5 tesseract-ocr-vie`; Windows: install Tesseract (UB Mannheim build) into C:\\Program Files\\Tesseract-OCR with Vietnamese data, or set HOSO_TESSERACT to the library's path. Everything else works without OCR")]
    NotInstalled {
        /// The first names and paths tried, and why a found library was refused.
        looked: String,
    },
    /// Recognition failed.
    #[error("Tesseract không nhận dạng được trang / Tesseract could not recognise the page")]
    Recognize,
}

/// Whether OCR can run here: Tesseract's library loads (see [`OcrError::NotInstalled`] for what
/// is looked for). The language data is checked by [`find_tessdata`].
pub fn available() -> Result<(), OcrError> {
    ffi::api().map(|_| ())
}

/// Tesseract (Debian's build) parallelises with OpenMP inside each engine, with explicit team
/// sizes that only `OMP_THREAD_LIMIT` bounds; hoso already runs one engine per core, so the teams
/// oversubscribe the CPU and make OCR about 4× slower (measured: 41 s against 11.5 s for 20
/// pages). libgomp reads the variable when it is loaded, before `main`, so when it is unset the
/// process starts itself again with `OMP_THREAD_LIMIT=1`. Call it first thing in `main` of every
/// binary that links this crate.
pub fn limit_openmp_threads() {
    if std::env::var_os("OMP_THREAD_LIMIT").is_some() {
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        if let Ok(exe) = std::env::current_exe() {
            let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
            // exec only returns on failure; then carry on with the default team sizes.
            let _ = std::process::Command::new(exe)
                .args(args)
                .env("OMP_THREAD_LIMIT", "1")
                .exec();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_language_names_the_debian_package() {
        let err = find_tessdata("vie+xyz").unwrap_err();
        assert_eq!(
            err,
            OcrError::MissingLanguage {
                lang: "xyz".into(),
                package: "tesseract-ocr-xyz".into()
            }
        );
        assert!(matches!(
            find_tessdata("vie;rm"),
            Err(OcrError::BadLanguage(_))
        ));
    }

    #[test]
    fn blank_page_has_no_words_and_empty_image_is_refused() {
        let dir = find_tessdata("eng").expect("install tesseract-ocr (cargo xtask test does)");
        let mut e = Engine::new(&dir, "eng").unwrap();
        let blank = GrayImage {
            width: 400,
            height: 300,
            pixels: vec![255; 400 * 300],
        };
        assert!(e.recognize(&blank, 200).unwrap().is_empty());
        let bad = GrayImage {
            width: 10,
            height: 10,
            pixels: vec![0; 5],
        };
        assert_eq!(e.recognize(&bad, 200), Err(OcrError::BadImage));
    }
}
