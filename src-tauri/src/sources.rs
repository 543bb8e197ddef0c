//! Recognising an imported file (format, pages and size, the way the build reads it:
//! `hoso_office::build::inspect_source`), and drawing small thumbnails of JPEG and PNG pages so a
//! 200-page dossier stays light in the web view.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use hoso_office::build::inspect_source;
use serde::Serialize;

use crate::error::AppError;

/// One imported file.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// Session-unique id, the only handle the page has on the file.
    pub id: u64,
    /// File name for display.
    pub name: String,
    /// Full path, shown to the officer.
    pub path: PathBuf,
    /// `jpeg`, `png`, `tiff` or `pdf`.
    pub format: &'static str,
    /// Pages in the file.
    pub pages: u32,
    /// Size in bytes.
    pub bytes: u64,
}

/// A file that could not be imported, and why.
#[derive(Debug, Clone, Serialize)]
pub struct ImportFailure {
    /// The file.
    pub path: PathBuf,
    /// Why, Vietnamese first.
    pub message: String,
}

/// Recognises the file as the build will read it (hoso-office), id left 0 for the session.
pub fn inspect(path: &Path) -> Result<Source, ImportFailure> {
    let info = inspect_source(path).map_err(|e| ImportFailure {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    Ok(Source {
        id: 0,
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        path: path.to_path_buf(),
        format: info.format.name(),
        pages: info.pages,
        bytes: info.bytes,
    })
}

/// Largest thumbnail side in pixels (CSS shows them at about half that, sharp on HiDPI).
const THUMB_PX: u32 = 320;

/// A counting semaphore for the thumbnail decoder.
struct Slots {
    free: std::sync::Mutex<usize>,
    freed: std::sync::Condvar,
}

struct Slot<'a>(&'a Slots);

impl Slots {
    fn acquire(&self) -> Slot<'_> {
        let mut free = self.free.lock().unwrap_or_else(|p| p.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|p| p.into_inner());
        }
        *free -= 1;
        Slot(self)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        self.0.freed.notify_one();
    }
}

static DECODE_SLOTS: Slots = Slots {
    free: std::sync::Mutex::new(2),
    freed: std::sync::Condvar::new(),
};

/// A JPEG thumbnail of a JPEG or PNG source.
pub fn thumbnail(source: &Source) -> Result<Vec<u8>, AppError> {
    let format = match source.format {
        "jpeg" => image::ImageFormat::Jpeg,
        "png" => image::ImageFormat::Png,
        other => return Err(AppError::NoPreview(other)),
    };
    let err = |reason: String| AppError::Preview {
        path: source.path.clone(),
        reason,
    };
    // At most two full-size decodes at once, however fast the page scrolls: each holds a whole
    // scan in memory (A4 at 300 dpi in colour ≈ 26 MB).
    let _slot = DECODE_SLOTS.acquire();
    let file = File::open(&source.path).map_err(|e| err(e.to_string()))?;
    let img = image::load(BufReader::new(file), format).map_err(|e| err(e.to_string()))?;
    let small = img.thumbnail(THUMB_PX, THUMB_PX).to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&small)
        .map_err(|e| err(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures")
            .join(name)
    }

    #[test]
    fn fixtures_are_recognised_with_their_page_counts() {
        let cases = [
            ("to_khai_a4_200dpi.jpg", "jpeg", 1),
            ("to_khai_trang2_gray_a4_150dpi.png", "png", 1),
            ("giay_chung_sinh_g4_2pages.tiff", "tiff", 2),
            ("cong_van_1page.pdf", "pdf", 1),
        ];
        for (name, format, pages) in cases {
            let s = inspect(&fixture(name)).unwrap();
            assert_eq!((s.format, s.pages), (format, pages), "{name}");
        }
    }

    #[test]
    fn unknown_bytes_are_refused_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ghi_chu.txt");
        std::fs::write(&p, "không phải ảnh").unwrap();
        let f = inspect(&p).unwrap_err();
        assert!(f.message.contains("JPEG"), "{}", f.message);
        let empty = dir.path().join("rong.jpg");
        std::fs::write(&empty, "").unwrap();
        let f = inspect(&empty).unwrap_err();
        assert!(f.message.contains("tệp rỗng"), "{}", f.message);
    }

    #[test]
    fn thumbnails_are_small_jpegs_and_tiff_has_none() {
        let s = inspect(&fixture("to_khai_a4_200dpi.jpg")).unwrap();
        let t = thumbnail(&s).unwrap();
        assert!(t.starts_with(&[0xFF, 0xD8]));
        let img = image::load_from_memory(&t).unwrap();
        assert!(img.width().max(img.height()) <= THUMB_PX);
        let tiff = inspect(&fixture("giay_chung_sinh_g4_2pages.tiff")).unwrap();
        assert!(matches!(thumbnail(&tiff), Err(AppError::NoPreview("tiff"))));
    }
}
