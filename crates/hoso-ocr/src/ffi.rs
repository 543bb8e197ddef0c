//! The few functions of Tesseract's C API (`tesseract/capi.h`, Tesseract 4.1+) that hoso uses.
//! Everything `unsafe` in hoso-ocr is here or in `engine.rs`, each call with a `// SAFETY:` line.

use std::os::raw::{c_char, c_float, c_int, c_uchar};

/// Opaque `TessBaseAPI`.
#[repr(C)]
pub struct TessBaseAPI {
    _private: [u8; 0],
}

/// Opaque `TessResultIterator`.
#[repr(C)]
pub struct TessResultIterator {
    _private: [u8; 0],
}

/// Opaque `TessPageIterator`.
#[repr(C)]
pub struct TessPageIterator {
    _private: [u8; 0],
}

/// `TessPageIteratorLevel::RIL_TEXTLINE`.
pub const RIL_TEXTLINE: c_int = 2;
/// `TessPageIteratorLevel::RIL_WORD`.
pub const RIL_WORD: c_int = 3;
/// `TessPageSegMode::PSM_AUTO`: automatic page segmentation without orientation detection.
pub const PSM_AUTO: c_int = 3;

extern "C" {
    pub fn TessBaseAPICreate() -> *mut TessBaseAPI;
    pub fn TessBaseAPIDelete(handle: *mut TessBaseAPI);
    pub fn TessBaseAPIInit3(
        handle: *mut TessBaseAPI,
        datapath: *const c_char,
        language: *const c_char,
    ) -> c_int;
    pub fn TessBaseAPIEnd(handle: *mut TessBaseAPI);
    pub fn TessBaseAPISetPageSegMode(handle: *mut TessBaseAPI, mode: c_int);
    pub fn TessBaseAPISetVariable(
        handle: *mut TessBaseAPI,
        name: *const c_char,
        value: *const c_char,
    ) -> c_int;
    pub fn TessBaseAPISetImage(
        handle: *mut TessBaseAPI,
        imagedata: *const c_uchar,
        width: c_int,
        height: c_int,
        bytes_per_pixel: c_int,
        bytes_per_line: c_int,
    );
    pub fn TessBaseAPISetSourceResolution(handle: *mut TessBaseAPI, ppi: c_int);
    pub fn TessBaseAPIRecognize(handle: *mut TessBaseAPI, monitor: *mut std::ffi::c_void) -> c_int;
    pub fn TessBaseAPIGetIterator(handle: *mut TessBaseAPI) -> *mut TessResultIterator;
    pub fn TessBaseAPIClear(handle: *mut TessBaseAPI);
    pub fn TessResultIteratorDelete(handle: *mut TessResultIterator);
    pub fn TessResultIteratorNext(handle: *mut TessResultIterator, level: c_int) -> c_int;
    pub fn TessResultIteratorGetUTF8Text(
        handle: *const TessResultIterator,
        level: c_int,
    ) -> *mut c_char;
    pub fn TessResultIteratorConfidence(handle: *const TessResultIterator, level: c_int)
        -> c_float;
    pub fn TessResultIteratorGetPageIteratorConst(
        handle: *const TessResultIterator,
    ) -> *const TessPageIterator;
    pub fn TessPageIteratorBoundingBox(
        handle: *const TessPageIterator,
        level: c_int,
        left: *mut c_int,
        top: *mut c_int,
        right: *mut c_int,
        bottom: *mut c_int,
    ) -> c_int;
    pub fn TessPageIteratorIsAtBeginningOf(handle: *const TessPageIterator, level: c_int) -> c_int;
    pub fn TessPageIteratorBaseline(
        handle: *const TessPageIterator,
        level: c_int,
        x1: *mut c_int,
        y1: *mut c_int,
        x2: *mut c_int,
        y2: *mut c_int,
    ) -> c_int;
    pub fn TessResultIteratorWordFontAttributes(
        handle: *const TessResultIterator,
        is_bold: *mut c_int,
        is_italic: *mut c_int,
        is_underlined: *mut c_int,
        is_monospace: *mut c_int,
        is_serif: *mut c_int,
        is_smallcaps: *mut c_int,
        pointsize: *mut c_int,
        font_id: *mut c_int,
    ) -> *const c_char;
    pub fn TessDeleteText(text: *const c_char);
}
