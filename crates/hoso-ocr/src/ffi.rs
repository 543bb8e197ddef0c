//! The few functions of Tesseract's C API (`tesseract/capi.h`, Tesseract 4.1+) that hoso uses,
//! loaded at run time from the installed library (hoso starts, builds, signs and verifies without
//! Tesseract; only OCR needs it). Everything `unsafe` in hoso-ocr is here or in `engine.rs`, each
//! call with a `// SAFETY:` line.

use std::ffi::OsString;
use std::os::raw::{c_char, c_float, c_int, c_uchar};
use std::path::PathBuf;
use std::sync::OnceLock;

use crate::OcrError;

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

/// Declares the C functions as fields of [`Api`] (fn pointers resolved from the library).
macro_rules! tesseract_api {
    ($( fn $name:ident ( $($ty:ty),* ) $(-> $ret:ty)? ; )*) => {
        /// The loaded library and its functions. The library stays loaded for the process.
        #[allow(non_snake_case)]
        pub struct Api {
            $( pub $name: unsafe extern "C" fn($($ty),*) $(-> $ret)?, )*
            _lib: libloading::Library,
        }

        impl Api {
            /// Resolves every function of `lib`.
            ///
            /// # Safety
            /// `lib` must be a libtesseract whose C API has these signatures (Tesseract 4.1+).
            unsafe fn resolve(lib: libloading::Library) -> Result<Self, String> {
                Ok(Self {
                    $( $name: {
                        // SAFETY: the caller's contract on `lib`; the pointer is copied out and
                        // used only while `_lib` (kept below) is loaded.
                        let f = unsafe {
                            lib.get::<unsafe extern "C" fn($($ty),*) $(-> $ret)?>(
                                concat!(stringify!($name), "\0").as_bytes(),
                            )
                        };
                        *f.map_err(|e| format!("{}: {e}", stringify!($name)))?
                    }, )*
                    _lib: lib,
                })
            }
        }
    };
}

tesseract_api! {
    fn TessBaseAPICreate() -> *mut TessBaseAPI;
    fn TessBaseAPIDelete(*mut TessBaseAPI);
    fn TessBaseAPIInit3(*mut TessBaseAPI, *const c_char, *const c_char) -> c_int;
    fn TessBaseAPIEnd(*mut TessBaseAPI);
    fn TessBaseAPISetPageSegMode(*mut TessBaseAPI, c_int);
    fn TessBaseAPISetVariable(*mut TessBaseAPI, *const c_char, *const c_char) -> c_int;
    fn TessBaseAPISetImage(*mut TessBaseAPI, *const c_uchar, c_int, c_int, c_int, c_int);
    fn TessBaseAPISetSourceResolution(*mut TessBaseAPI, c_int);
    fn TessBaseAPIRecognize(*mut TessBaseAPI, *mut std::ffi::c_void) -> c_int;
    fn TessBaseAPIGetIterator(*mut TessBaseAPI) -> *mut TessResultIterator;
    fn TessBaseAPIClear(*mut TessBaseAPI);
    fn TessResultIteratorDelete(*mut TessResultIterator);
    fn TessResultIteratorNext(*mut TessResultIterator, c_int) -> c_int;
    fn TessResultIteratorGetUTF8Text(*const TessResultIterator, c_int) -> *mut c_char;
    fn TessResultIteratorConfidence(*const TessResultIterator, c_int) -> c_float;
    fn TessResultIteratorGetPageIteratorConst(*const TessResultIterator)
        -> *const TessPageIterator;
    fn TessPageIteratorBoundingBox(
        *const TessPageIterator, c_int, *mut c_int, *mut c_int, *mut c_int, *mut c_int
    ) -> c_int;
    fn TessPageIteratorIsAtBeginningOf(*const TessPageIterator, c_int) -> c_int;
    fn TessPageIteratorBaseline(
        *const TessPageIterator, c_int, *mut c_int, *mut c_int, *mut c_int, *mut c_int
    ) -> c_int;
    fn TessResultIteratorWordFontAttributes(
        *const TessResultIterator,
        *mut c_int, *mut c_int, *mut c_int, *mut c_int, *mut c_int, *mut c_int,
        *mut c_int, *mut c_int
    ) -> *const c_char;
    fn TessDeleteText(*const c_char);
}

/// Names the library goes by, tried in order after `HOSO_TESSERACT`.
#[cfg(target_os = "windows")]
const NAMES: &[&str] = &[
    "libtesseract-5.dll",
    "tesseract55.dll",
    "tesseract54.dll",
    "libtesseract-4.dll",
    "tesseract41.dll",
];
#[cfg(target_os = "macos")]
const NAMES: &[&str] = &["libtesseract.5.dylib", "libtesseract.dylib"];
#[cfg(not(any(target_os = "windows", target_os = "macos")))]
const NAMES: &[&str] = &["libtesseract.so.5", "libtesseract.so.4", "libtesseract.so"];

/// Folders where installers put it (the loader's own search comes first).
fn folders() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(exe_dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(PathBuf::from))
    {
        dirs.push(exe_dir.join("tesseract"));
        dirs.push(exe_dir);
    }
    #[cfg(target_os = "windows")]
    for var in ["ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA"] {
        if let Some(p) = std::env::var_os(var) {
            let p = PathBuf::from(p);
            dirs.push(p.join("Tesseract-OCR"));
            dirs.push(p.join("Programs").join("Tesseract-OCR"));
        }
    }
    #[cfg(target_os = "macos")]
    dirs.extend(["/opt/homebrew/lib", "/usr/local/lib"].map(PathBuf::from));
    #[cfg(not(any(target_os = "windows", target_os = "macos")))]
    dirs.extend(
        [
            "/usr/lib/x86_64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu",
            "/usr/local/lib",
        ]
        .map(PathBuf::from),
    );
    dirs
}

/// The candidates, in order: `HOSO_TESSERACT` alone when it is set (a library file, or a folder
/// holding one), else each name through the system loader, then in the installers' folders.
fn candidates() -> Vec<OsString> {
    if let Some(v) = std::env::var_os("HOSO_TESSERACT").filter(|v| !v.is_empty()) {
        let p = PathBuf::from(&v);
        if p.is_dir() {
            return NAMES.iter().map(|n| p.join(n).into_os_string()).collect();
        }
        return vec![v];
    }
    let mut out: Vec<OsString> = NAMES.iter().map(OsString::from).collect();
    for dir in folders() {
        out.extend(NAMES.iter().map(|n| dir.join(n).into_os_string()));
    }
    out
}

static API: OnceLock<Result<Api, OcrError>> = OnceLock::new();

/// The loaded Tesseract, loaded on first use; [`OcrError::NotInstalled`] names what was tried.
pub fn api() -> Result<&'static Api, OcrError> {
    API.get_or_init(load).as_ref().map_err(Clone::clone)
}

fn load() -> Result<Api, OcrError> {
    let tried = candidates();
    let mut reasons = Vec::new();
    for c in &tried {
        // SAFETY: loading runs the library's initialisers; libtesseract's are its C++ statics,
        // which have no preconditions on the host process.
        let Ok(lib) = (unsafe { libloading::Library::new(c) }) else {
            continue;
        };
        // SAFETY: a library found under a libtesseract name is libtesseract 4.1+; a build
        // missing a function is refused by `resolve` rather than called.
        match unsafe { Api::resolve(lib) } {
            Ok(api) => return Ok(api),
            Err(e) => reasons.push(format!("{}: {e}", c.to_string_lossy())),
        }
    }
    let mut looked = tried
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .take(4)
        .collect::<Vec<_>>()
        .join(", ");
    if !reasons.is_empty() {
        looked = format!("{looked}; {}", reasons.join("; "));
    }
    Err(OcrError::NotInstalled { looked })
}
