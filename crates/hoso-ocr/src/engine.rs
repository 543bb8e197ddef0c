//! A safe owner of one `TessBaseAPI`: created, initialised for a language set, fed grey pages,
//! read word by word through the result iterator, and ended on drop.

use std::ffi::{CStr, CString};
use std::path::{Path, PathBuf};
use std::ptr::NonNull;

use crate::ffi;
use crate::{Baseline, GrayImage, OcrError, TextLine, Word};

/// Where Debian and upstream builds keep `*.traineddata`.
const TESSDATA_DIRS: &[&str] = &[
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
];

/// Finds the tessdata directory holding every language of `langs` (`vie+eng`).
pub fn find_tessdata(langs: &str) -> Result<PathBuf, OcrError> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os("TESSDATA_PREFIX") {
        let p = PathBuf::from(p);
        dirs.push(p.join("tessdata"));
        dirs.push(p);
    }
    dirs.extend(TESSDATA_DIRS.iter().map(PathBuf::from));
    // The Windows installer keeps its data beside the library.
    #[cfg(windows)]
    for var in ["ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA"] {
        if let Some(p) = std::env::var_os(var) {
            let p = PathBuf::from(p);
            dirs.push(p.join("Tesseract-OCR").join("tessdata"));
            dirs.push(p.join("Programs").join("Tesseract-OCR").join("tessdata"));
        }
    }
    let wanted: Vec<&str> = langs.split('+').filter(|l| !l.is_empty()).collect();
    if wanted.is_empty()
        || wanted
            .iter()
            .any(|l| !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
    {
        return Err(OcrError::BadLanguage(langs.to_owned()));
    }
    for dir in &dirs {
        if wanted
            .iter()
            .all(|l| dir.join(format!("{l}.traineddata")).is_file())
        {
            return Ok(dir.clone());
        }
    }
    let missing = wanted
        .iter()
        .find(|l| {
            !dirs
                .iter()
                .any(|d| d.join(format!("{l}.traineddata")).is_file())
        })
        .unwrap_or(&wanted[0]);
    Err(OcrError::MissingLanguage {
        lang: (*missing).to_owned(),
        package: format!("tesseract-ocr-{missing}"),
    })
}

/// One Tesseract engine. Not `Sync`: use one per worker thread.
pub struct Engine {
    api: NonNull<ffi::TessBaseAPI>,
    lib: &'static ffi::Api,
}

// SAFETY: a TessBaseAPI may move between threads as long as only one uses it at a time, which
// `&mut self` on every method guarantees (Tesseract keeps no thread-local state per handle).
unsafe impl Send for Engine {}

impl Engine {
    /// Initialises Tesseract for `langs` (e.g. `vie+eng`) from `tessdata`.
    pub fn new(tessdata: &Path, langs: &str) -> Result<Self, OcrError> {
        let datapath = CString::new(tessdata.as_os_str().as_encoded_bytes())
            .map_err(|_| OcrError::BadLanguage(langs.to_owned()))?;
        let lang = CString::new(langs).map_err(|_| OcrError::BadLanguage(langs.to_owned()))?;
        let lib = ffi::api()?;
        // SAFETY: TessBaseAPICreate has no preconditions; a null return is handled.
        let api = NonNull::new(unsafe { (lib.TessBaseAPICreate)() })
            .ok_or(OcrError::Init(langs.to_owned()))?;
        let engine = Self { api, lib };
        // SAFETY: api is a live handle; both strings are NUL-terminated and outlive the call.
        let rc = unsafe {
            (lib.TessBaseAPIInit3)(engine.api.as_ptr(), datapath.as_ptr(), lang.as_ptr())
        };
        if rc != 0 {
            return Err(OcrError::Init(langs.to_owned()));
        }
        engine.set_variable("debug_file", "/dev/null");
        // SAFETY: api is live and initialised.
        unsafe { (lib.TessBaseAPISetPageSegMode)(engine.api.as_ptr(), ffi::PSM_AUTO) };
        Ok(engine)
    }

    fn set_variable(&self, name: &str, value: &str) {
        let lib = self.lib;
        if let (Ok(n), Ok(v)) = (CString::new(name), CString::new(value)) {
            // SAFETY: api is live; strings are NUL-terminated and outlive the call.
            unsafe { (lib.TessBaseAPISetVariable)(self.api.as_ptr(), n.as_ptr(), v.as_ptr()) };
        }
    }

    /// Recognises a grey page and returns its words in reading order.
    pub fn recognize(&mut self, image: &GrayImage, dpi: u32) -> Result<Vec<Word>, OcrError> {
        Ok(self
            .recognize_lines(image, dpi)?
            .into_iter()
            .flat_map(|l| l.words)
            .collect())
    }

    /// Recognises a grey page and returns its text lines in reading order, each with the baseline
    /// Tesseract fitted to it (tilted with the text on a skewed scan) and its words in order.
    pub fn recognize_lines(
        &mut self,
        image: &GrayImage,
        dpi: u32,
    ) -> Result<Vec<TextLine>, OcrError> {
        let (w, h) = (image.width as usize, image.height as usize);
        if w == 0
            || h == 0
            || image.pixels.len() < w * h
            || w > i32::MAX as usize
            || h > i32::MAX as usize
        {
            return Err(OcrError::BadImage);
        }
        let (api, lib) = (self.api.as_ptr(), self.lib);
        let dpi = dpi.clamp(70, 2400);
        // SAFETY: pixels holds width × height bytes (checked above) and stays borrowed, unchanged,
        // until TessBaseAPIClear below; Tesseract copies nothing it keeps past Clear.
        unsafe {
            (lib.TessBaseAPISetImage)(api, image.pixels.as_ptr(), w as i32, h as i32, 1, w as i32);
            (lib.TessBaseAPISetSourceResolution)(api, dpi as i32);
        }
        // SAFETY: an image is set; a null monitor is allowed.
        let rc = unsafe { (lib.TessBaseAPIRecognize)(api, std::ptr::null_mut()) };
        let lines = if rc == 0 {
            Ok(self.read_lines(dpi))
        } else {
            Err(OcrError::Recognize)
        };
        // SAFETY: api is live; Clear drops the image and results.
        unsafe { (lib.TessBaseAPIClear)(api) };
        lines
    }

    /// Walks the results word by word, opening a new line whenever the iterator stands at the
    /// beginning of one (the order of Tesseract's own text output).
    fn read_lines(&mut self, dpi: u32) -> Vec<TextLine> {
        let (api, lib) = (self.api.as_ptr(), self.lib);
        // SAFETY: Recognize succeeded; the iterator is owned here and deleted below.
        let Some(it) = NonNull::new(unsafe { (lib.TessBaseAPIGetIterator)(api) }) else {
            return Vec::new();
        };
        let mut lines: Vec<TextLine> = Vec::new();
        loop {
            // SAFETY: the page-iterator view of a live result iterator, valid while `it` is.
            let page = unsafe { (lib.TessResultIteratorGetPageIteratorConst)(it.as_ptr()) };
            // SAFETY: page is live.
            let line_start =
                unsafe { (lib.TessPageIteratorIsAtBeginningOf)(page, ffi::RIL_TEXTLINE) } != 0;
            if line_start || lines.is_empty() {
                // SAFETY: it and page are live and positioned on a word of this line.
                let line = unsafe { line_at(lib, it.as_ptr(), page, dpi) };
                if lines.last().is_some_and(|l| l.words.is_empty()) {
                    lines.pop();
                }
                lines.push(line);
            }
            // SAFETY: it is live and positioned on a word.
            if let Some(word) = unsafe { word_at(lib, it.as_ptr(), page) } {
                if let Some(line) = lines.last_mut() {
                    line.words.push(word);
                }
            }
            // SAFETY: it is live; Next returns 0 at the end.
            if unsafe { (lib.TessResultIteratorNext)(it.as_ptr(), ffi::RIL_WORD) } == 0 {
                break;
            }
        }
        // SAFETY: it was created by GetIterator and is deleted once.
        unsafe { (lib.TessResultIteratorDelete)(it.as_ptr()) };
        lines.retain(|l| !l.words.is_empty());
        lines
    }
}

/// The line the iterator stands in: its box, baseline and row height, with no words yet.
///
/// # Safety
/// `it` must be a live result iterator positioned on a word and `page` its page-iterator view.
unsafe fn line_at(
    lib: &ffi::Api,
    it: *const ffi::TessResultIterator,
    page: *const ffi::TessPageIterator,
    dpi: u32,
) -> TextLine {
    let (mut l, mut t, mut r, mut b) = (0, 0, 0, 0);
    // SAFETY: the caller's contract; the out-pointers are valid locals.
    let has_box = unsafe {
        (lib.TessPageIteratorBoundingBox)(page, ffi::RIL_TEXTLINE, &mut l, &mut t, &mut r, &mut b)
    } != 0;
    let (mut x1, mut y1, mut x2, mut y2) = (0, 0, 0, 0);
    // SAFETY: as above.
    let has_baseline = unsafe {
        (lib.TessPageIteratorBaseline)(page, ffi::RIL_TEXTLINE, &mut x1, &mut y1, &mut x2, &mut y2)
    } != 0;
    let mut flags = [0; 6];
    let (mut pointsize, mut font_id) = (0, 0);
    // SAFETY: as above; every out-pointer is a valid local; the returned name (if any) belongs to
    // Tesseract and is not kept.
    unsafe {
        let [bold, italic, underlined, monospace, serif, smallcaps] = &mut flags;
        (lib.TessResultIteratorWordFontAttributes)(
            it,
            bold,
            italic,
            underlined,
            monospace,
            serif,
            smallcaps,
            &mut pointsize,
            &mut font_id,
        );
    }
    let clamp = |v: i32| v.max(0) as u32;
    let (left, top, right, bottom) = if has_box {
        (clamp(l), clamp(t), clamp(r), clamp(b))
    } else {
        (0, 0, 0, 0)
    };
    let baseline = if has_baseline && (x1, y1) != (x2, y2) {
        Baseline {
            x1: x1 as f32,
            y1: y1 as f32,
            x2: x2 as f32,
            y2: y2 as f32,
        }
    } else {
        // No fitted baseline: a level one along the bottom of the line box.
        Baseline {
            x1: left as f32,
            y1: bottom as f32,
            x2: right.max(left + 1) as f32,
            y2: bottom as f32,
        }
    };
    TextLine {
        baseline,
        row_height_px: (pointsize.max(0) as f32) * dpi as f32 / 72.0,
        left,
        top,
        right,
        bottom,
        words: Vec::new(),
    }
}

/// The word the iterator stands on, or `None` when it is empty or has no box.
///
/// # Safety
/// `it` must be a live result iterator positioned on a word and `page` its page-iterator view.
unsafe fn word_at(
    lib: &ffi::Api,
    it: *const ffi::TessResultIterator,
    page: *const ffi::TessPageIterator,
) -> Option<Word> {
    // SAFETY: the caller's contract; text is freed with TessDeleteText below.
    let text_ptr = unsafe { (lib.TessResultIteratorGetUTF8Text)(it, ffi::RIL_WORD) };
    if text_ptr.is_null() {
        return None;
    }
    // SAFETY: Tesseract returns a NUL-terminated UTF-8 string.
    let text = unsafe { CStr::from_ptr(text_ptr) }
        .to_string_lossy()
        .trim()
        .to_owned();
    // SAFETY: text_ptr came from Tesseract and is freed once.
    unsafe { (lib.TessDeleteText)(text_ptr) };
    let (mut l, mut t, mut r, mut b) = (0, 0, 0, 0);
    // SAFETY: the caller's contract; out-pointers are valid locals.
    let has_box = unsafe {
        (lib.TessPageIteratorBoundingBox)(page, ffi::RIL_WORD, &mut l, &mut t, &mut r, &mut b)
    };
    // SAFETY: as above.
    let confidence = unsafe { (lib.TessResultIteratorConfidence)(it, ffi::RIL_WORD) };
    (has_box != 0 && !text.is_empty() && r > l && b > t && l >= 0 && t >= 0).then_some(Word {
        text,
        left: l as u32,
        top: t as u32,
        right: r as u32,
        bottom: b as u32,
        confidence,
    })
}

impl Drop for Engine {
    fn drop(&mut self) {
        let lib = self.lib;
        // SAFETY: api is live and dropped once; End before Delete as the C API asks.
        unsafe {
            (lib.TessBaseAPIEnd)(self.api.as_ptr());
            (lib.TessBaseAPIDelete)(self.api.as_ptr());
        }
    }
}
