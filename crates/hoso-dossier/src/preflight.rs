//! What a clerk should know about the page files before building (Circular 05/2025/TT-BNV:
//! administrative documents scanned at 200 dpi or more, in colour as the original at 24 bits or
//! more): each warning names the file and the page. Only the headers are read, except TIFF pages,
//! which are decoded one at a time. PDF inputs are born digital and not checked.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use hoso_pdf::tiff::TiffPages;
use hoso_pdf::{Dpi, ImageColor, InputError, PdfError};

use crate::build::{DossierSpec, SourceFormat, MIN_ARCHIVAL_DPI};
use crate::error::DossierError;

/// How a scanned page falls short of 24-bit colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanColour {
    /// Shades of grey (8 or 16 bits, one component).
    Grey,
    /// Black and white, one bit per pixel (e.g. CCITT G4).
    Bilevel,
}

/// A page that may break the scanning rules of Circular 05/2025/TT-BNV.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PageWarning {
    /// Scanned below 200 dpi.
    LowResolution {
        /// The file.
        path: PathBuf,
        /// Page in that file (1-based).
        page: u32,
        /// The lower of the two declared resolutions.
        dpi: f64,
    },
    /// The image declares no resolution, so it cannot be shown to reach 200 dpi.
    NoResolution {
        /// The file.
        path: PathBuf,
        /// Page in that file (1-based).
        page: u32,
    },
    /// Grey or bilevel: an original in colour must be scanned in colour (24 bits or more).
    NotColour {
        /// The file.
        path: PathBuf,
        /// Page in that file (1-based).
        page: u32,
        /// Grey or bilevel.
        colour: ScanColour,
    },
}

impl std::fmt::Display for PageWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PageWarning::LowResolution { path, page, dpi } => write!(
                f,
                "{} (trang {page}): quét {dpi:.0} dpi, dưới {MIN_ARCHIVAL_DPI:.0} dpi Thông tư 05/2025/TT-BNV yêu cầu / page {page}: scanned at {dpi:.0} dpi, below the {MIN_ARCHIVAL_DPI:.0} dpi Circular 05/2025 asks for",
                path.display()
            ),
            PageWarning::NoResolution { path, page } => write!(
                f,
                "{} (trang {page}): ảnh không ghi độ phân giải, không kiểm được mức {MIN_ARCHIVAL_DPI:.0} dpi / page {page}: the image declares no resolution, {MIN_ARCHIVAL_DPI:.0} dpi cannot be checked",
                path.display()
            ),
            PageWarning::NotColour { path, page, colour } => {
                let (vi, en) = match colour {
                    ScanColour::Grey => ("ảnh xám", "a grey page"),
                    ScanColour::Bilevel => ("ảnh đen trắng 1 bit", "a black-and-white (1-bit) page"),
                };
                write!(
                    f,
                    "{} (trang {page}): {vi}; nếu bản gốc có màu phải quét màu 24 bit trở lên (Thông tư 05/2025/TT-BNV) / page {page}: {en}; an original in colour must be scanned in 24-bit colour or more (Circular 05/2025)",
                    path.display()
                )
            }
        }
    }
}

fn input_err(path: &Path, page: Option<u32>, e: InputError) -> DossierError {
    DossierError::Input {
        path: path.to_path_buf(),
        page,
        source: e.into(),
    }
}

/// Checks every page file of `spec` for resolution and colour, in dossier order.
pub fn preflight(spec: &DossierSpec) -> Result<Vec<PageWarning>, DossierError> {
    let mut out = Vec::new();
    for path in spec.documents.iter().flat_map(|d| &d.files) {
        out.extend(preflight_file(path)?);
    }
    Ok(out)
}

/// The warnings for one page file (none for a PDF).
pub fn preflight_file(path: &Path) -> Result<Vec<PageWarning>, DossierError> {
    let io = |e: std::io::Error| input_err(path, None, InputError::Io(e));
    let info = match crate::build::inspect_source(path) {
        // An encrypted PDF has no scan warnings; the build refuses it, or draws its pages
        // with `--rasterize-nonconforming`.
        Err(DossierError::Input {
            source: PdfError::Input(InputError::EncryptedPdf),
            ..
        }) => return Ok(Vec::new()),
        r => r?,
    };
    let pages: Vec<(Option<Dpi>, Option<ScanColour>)> = match info.format {
        SourceFormat::Pdf => Vec::new(),
        SourceFormat::Jpeg => {
            let data = std::fs::read(path).map_err(io)?;
            let j = hoso_pdf::jpeg::parse(&data).map_err(|e| input_err(path, Some(1), e))?;
            vec![(j.dpi, (j.components == 1).then_some(ScanColour::Grey))]
        }
        SourceFormat::Png => {
            let data = std::fs::read(path).map_err(io)?;
            let p = hoso_pdf::png::parse(&data).map_err(|e| input_err(path, Some(1), e))?;
            let colour = match (p.color_type, p.bit_depth) {
                (0 | 4, 1) => Some(ScanColour::Bilevel),
                (0 | 4, _) => Some(ScanColour::Grey),
                _ => None,
            };
            vec![(p.dpi, colour)]
        }
        SourceFormat::Tiff => {
            let reader = BufReader::new(File::open(path).map_err(io)?);
            let mut v = Vec::new();
            for (i, page) in TiffPages::open(reader)
                .map_err(|e| input_err(path, None, e))?
                .enumerate()
            {
                let page = page.map_err(|e| input_err(path, Some(i as u32 + 1), e))?;
                let strip = page.strips.first();
                let colour = strip.and_then(|s| match (&s.color, s.bits) {
                    (ImageColor::Gray, 1) => Some(ScanColour::Bilevel),
                    (ImageColor::Gray, _) => Some(ScanColour::Grey),
                    _ => None,
                });
                v.push((page.dpi, colour));
            }
            v
        }
    };
    Ok(pages
        .into_iter()
        .zip(1u32..)
        .flat_map(|((dpi, colour), page)| page_warnings(path, page, dpi, colour))
        .collect())
}

fn page_warnings(
    path: &Path,
    page: u32,
    dpi: Option<Dpi>,
    colour: Option<ScanColour>,
) -> Vec<PageWarning> {
    let path = path.to_path_buf();
    let mut v = Vec::new();
    match dpi {
        None => v.push(PageWarning::NoResolution {
            path: path.clone(),
            page,
        }),
        Some(d) if d.x.min(d.y) + 0.5 < MIN_ARCHIVAL_DPI => v.push(PageWarning::LowResolution {
            path: path.clone(),
            page,
            dpi: d.x.min(d.y),
        }),
        Some(_) => {}
    }
    if let Some(colour) = colour {
        v.push(PageWarning::NotColour { path, page, colour });
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures")
            .join(name)
    }

    #[test]
    fn grey_150_dpi_png_warns_twice() {
        let w = preflight_file(&fixture("to_khai_trang2_gray_a4_150dpi.png")).unwrap();
        assert!(
            matches!(w.as_slice(), [PageWarning::LowResolution { page: 1, dpi, .. }, PageWarning::NotColour { page: 1, colour: ScanColour::Grey, .. }] if (*dpi - 150.0).abs() < 1.0),
            "{w:?}"
        );
        assert!(w[0].to_string().contains("trang 1"));
    }

    #[test]
    fn g4_tiff_pages_are_bilevel() {
        let w = preflight_file(&fixture("giay_chung_sinh_g4_2pages.tiff")).unwrap();
        let bilevel: Vec<u32> = w
            .iter()
            .filter_map(|w| match w {
                PageWarning::NotColour {
                    page,
                    colour: ScanColour::Bilevel,
                    ..
                } => Some(*page),
                _ => None,
            })
            .collect();
        assert_eq!(bilevel, [1, 2], "{w:?}");
    }

    #[test]
    fn colour_200_dpi_jpeg_and_pdf_pass() {
        assert_eq!(
            preflight_file(&fixture("to_khai_a4_200dpi.jpg")).unwrap(),
            []
        );
        assert_eq!(preflight_file(&fixture("cong_van_1page.pdf")).unwrap(), []);
    }
}
