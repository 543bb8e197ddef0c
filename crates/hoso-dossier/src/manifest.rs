//! The dossier manifest: a JSON description of what the PDF contains, embedded in it as a
//! PDF/A-3 associated file (`manifest.json`, `/AFRelationship /Data`).

use serde::{Deserialize, Serialize};

use crate::metadata::{DocumentMetadata, DossierMetadata};

/// Manifest format version; bump on incompatible changes.
pub const MANIFEST_VERSION: u32 = 1;

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version.
    pub version: u32,
    /// Dossier code (Circular 01/2018/TT-VPCP).
    pub code: String,
    /// Title.
    pub title: String,
    /// Creation time, ISO 8601 with offset.
    pub created: String,
    /// Tool and version.
    pub creator: String,
    /// Number of documents ("Số lượng văn bản").
    pub document_count: usize,
    /// Number of pages ("Số lượng trang").
    pub page_count: usize,
    /// Circular 05/2025/TT-BNV dossier fields.
    pub metadata: DossierMetadata,
    /// Documents in order.
    pub documents: Vec<ManifestDocument>,
    /// Tesseract languages of the text layer, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocr_languages: Option<String>,
}

/// One document of the dossier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestDocument {
    /// 1-based number in the dossier (used in file names `<code>.<n>.pdf`).
    pub number: usize,
    /// Name shown in the outline.
    pub name: String,
    /// First page (1-based, inclusive).
    pub first_page: usize,
    /// Last page (1-based, inclusive).
    pub last_page: usize,
    /// Circular 05/2025/TT-BNV document fields.
    pub metadata: DocumentMetadata,
    /// Source files in order.
    pub sources: Vec<ManifestSource>,
    /// OCR text of each page of the document, in page order (empty without `--ocr`); lets any
    /// index be rebuilt from the dossier file alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub page_text: Vec<String>,
    /// Source files `--clean` found blank and left out (file name and blank score).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dropped_blank_pages: Vec<ManifestSource>,
}

/// One input file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestSource {
    /// File name (without the directory, which is local to the officer's machine).
    pub file: String,
    /// `jpeg`, `png`, `tiff` or `pdf`.
    pub format: String,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Pages it contributed.
    pub pages: u32,
    /// What `--clean` did to it (deskew angle, quarter turn, crop box, output mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cleaning: Option<hoso_scan::clean::PageReport>,
    /// Pages of this PDF that could not be made PDF/A and were drawn as images instead
    /// (`--rasterize-nonconforming`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rasterized_pages: Vec<RasterizedPage>,
}

/// A page of an input PDF drawn as an image (`--rasterize-nonconforming`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RasterizedPage {
    /// Page in the input file (1-based).
    pub page: u32,
    /// The resolution it was drawn at.
    pub dpi: u32,
    /// The PDF/A rule the page broke, as the importer said it.
    pub reason: String,
}
