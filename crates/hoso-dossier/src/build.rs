//! Building a dossier PDF from its spec: plan (sniff every file, count pages), then stream every
//! page into a [`hoso_pdf::DossierWriter`] over an [`AtomicFile`], hashing inputs and output on
//! the way, and embed the manifest.

use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use hoso_pdf::atomic::AtomicFile;
use hoso_pdf::import::PdfImporter;

use crate::manifest::RasterizedPage;
use crate::rasterize::Rasterizer;
use hoso_pdf::tiff::TiffPages;
use std::sync::Mutex;

use hoso_ocr::OcrError;
use hoso_pdf::{
    Attachment, DocumentInfo, DossierWriter, InputError, PagePlacement, PdfError, PdfaLevel,
    TextLayer,
};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::code::DossierCode;
use crate::error::DossierError;
use crate::manifest::{Manifest, ManifestDocument, ManifestSource, MANIFEST_VERSION};
use crate::metadata::{DocumentMetadata, DossierMetadata};
use crate::ocr::{decode_gray, recognise_all, OcrJob, OcrOptions};
use hoso_scan::clean::{CleanOptions, PageReport};

/// Circular 05/2025/TT-BNV: administrative documents are digitized at 200 dpi or more.
pub const MIN_ARCHIVAL_DPI: f64 = 200.0;

/// One document of a dossier: a name and its files, in order.
#[derive(Debug, Clone)]
pub struct DocumentSpec {
    /// Name for the outline ("Tờ khai đăng ký khai sinh").
    pub name: String,
    /// Image or PDF files, in page order.
    pub files: Vec<PathBuf>,
    /// Circular 05/2025 document fields.
    pub metadata: DocumentMetadata,
}

/// What to build.
#[derive(Debug, Clone)]
pub struct DossierSpec {
    /// Dossier code.
    pub code: DossierCode,
    /// Title.
    pub title: String,
    /// Circular 05/2025 dossier fields.
    pub metadata: DossierMetadata,
    /// Documents in order.
    pub documents: Vec<DocumentSpec>,
}

/// How to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Embed the manifest (PDF/A-3b); `false` keeps the file PDF/A-2b.
    pub embed_manifest: bool,
    /// Creation time; `None` means now, in Vietnam time (+07:00).
    pub created: Option<time::OffsetDateTime>,
    /// Add an invisible OCR text layer to every raster page (two-layer PDF/A, Circular
    /// 05/2025/TT-BNV).
    pub ocr: Option<OcrOptions>,
    /// Clean JPEG and PNG pages first (deskew, crop, upright, drop blank backs; hoso-scan).
    /// TIFF and PDF inputs are used as they are.
    pub clean: Option<CleanOptions>,
    /// Quarter turns the officer asked for, in degrees clockwise (90, 180, 270), by input file.
    /// Written as the page's `/Rotate` (ISO 32000-1 §7.7.3.3): the image bytes stay as scanned,
    /// and an OCR layer stays aligned with them.
    pub rotate: std::collections::BTreeMap<PathBuf, u16>,
    /// Set to `true` from another thread to stop the build at the next page: the build then
    /// returns [`DossierError::Cancelled`] and leaves nothing behind.
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// A page of an input PDF that cannot be made PDF/A without changing what it shows (a font
    /// not embedded, a stream that cannot be decoded, encryption) becomes an image at 300 dpi,
    /// listed in the manifest, instead of stopping the build (`--rasterize-nonconforming`).
    pub rasterize_nonconforming: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self {
            embed_manifest: true,
            created: None,
            ocr: None,
            clean: None,
            rotate: std::collections::BTreeMap::new(),
            cancel: None,
            rasterize_nonconforming: false,
        }
    }
}

/// Progress of a build, for bars and UI events.
#[derive(Debug, Clone)]
pub enum BuildEvent {
    /// Every input was sniffed; `pages` will be written.
    Planned {
        /// Total pages.
        pages: usize,
    },
    /// One more page was written.
    Page {
        /// Pages written so far.
        done: usize,
        /// Total pages.
        total: usize,
        /// The file it came from.
        file: PathBuf,
    },
    /// One more page was cleaned (pages finish in any order).
    Clean {
        /// Pages cleaned so far.
        done: usize,
        /// Pages to clean.
        total: usize,
    },
    /// One more page went through OCR (pages finish in any order).
    Ocr {
        /// Pages recognised so far.
        done: usize,
        /// Pages to recognise.
        total: usize,
    },
    /// Writing document-level objects and syncing the file.
    Finishing,
}

/// Something the officer should know about a finished dossier.
#[derive(Debug, Clone, PartialEq)]
pub enum BuildWarning {
    /// The image declared no usable resolution; the page was fitted to A4.
    FittedToA4 {
        /// The file.
        path: PathBuf,
        /// Page in that file (1-based).
        page: u32,
    },
    /// `--clean` found the page blank and left it out (listed in the manifest).
    BlankPageDropped {
        /// The file.
        path: PathBuf,
        /// Its blank score (ink fraction).
        score: f64,
    },
    /// OCR could not read the page; it is kept with an empty text layer.
    OcrUnreadable {
        /// The file.
        path: PathBuf,
        /// Page in that file (1-based).
        page: u32,
        /// Why.
        reason: String,
    },
    /// Characters OCR found that the embedded font has no glyph for were left out of the layer.
    OcrCharactersDropped {
        /// How many.
        count: usize,
    },
    /// A page of an input PDF that could not be made PDF/A was drawn as an image
    /// (`--rasterize-nonconforming`; listed in the manifest). Its text is no longer text.
    Rasterized {
        /// The file.
        path: PathBuf,
        /// Page in that file (1-based).
        page: u32,
        /// The rule it broke, as the importer said it.
        reason: String,
    },
    /// Below the 200 dpi Circular 05/2025/TT-BNV asks of archival scans.
    LowResolution {
        /// The file.
        path: PathBuf,
        /// Page in that file (1-based).
        page: u32,
        /// The declared resolution.
        dpi: f64,
    },
}

impl std::fmt::Display for BuildWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildWarning::FittedToA4 { path, page } => write!(
                f,
                "{} (trang/page {page}): ảnh không ghi độ phân giải, đã co vừa khổ A4 / no resolution in the image, page fitted to A4",
                path.display()
            ),
            BuildWarning::OcrUnreadable { path, page, reason } => write!(
                f,
                "{} (trang/page {page}): OCR không đọc được ({reason}), trang giữ nguyên không có lớp chữ / OCR could not read it, page kept without text",
                path.display()
            ),
            BuildWarning::BlankPageDropped { path, score } => write!(
                f,
                "{}: trang trắng, đã bỏ khỏi hồ sơ (điểm {score:.4}); dùng lại tệp gốc nếu cần / blank page left out; rebuild with the file if it is needed",
                path.display()
            ),
            BuildWarning::OcrCharactersDropped { count } => write!(
                f,
                "{count} ký tự OCR không có trong phông nhúng đã bị bỏ khỏi lớp chữ / {count} OCR characters missing from the embedded font were left out"
            ),
            BuildWarning::Rasterized { path, page, reason } => write!(
                f,
                "{} (trang/page {page}): không đạt PDF/A ({reason}); đã chuyển trang thành ảnh {dpi:.0} dpi, chữ trên trang không còn chọn hoặc tìm được / not PDF/A-conforming; the page was turned into a {dpi:.0} dpi image, and its text can no longer be selected or searched",
                path.display(),
                dpi = crate::rasterize::RASTER_DPI,
            ),
            BuildWarning::LowResolution { path, page, dpi } => write!(
                f,
                "{} (trang/page {page}): {dpi:.0} dpi < {MIN_ARCHIVAL_DPI:.0} dpi mà Thông tư 05/2025/TT-BNV yêu cầu / below the {MIN_ARCHIVAL_DPI:.0} dpi Circular 05/2025 asks for",
                path.display()
            ),
        }
    }
}

/// What was built.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// The dossier file.
    pub output: PathBuf,
    /// SHA-256 of the output, lower-case hex.
    pub sha256: String,
    /// Size of the output.
    pub bytes: u64,
    /// PDF/A level written.
    pub level: PdfaLevel,
    /// The manifest (embedded or not).
    pub manifest: Manifest,
    /// Things to tell the officer.
    pub warnings: Vec<BuildWarning>,
}

/// Input formats, told apart by their first bytes, never by the file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// JPEG (ITU-T T.81).
    Jpeg,
    /// PNG.
    Png,
    /// TIFF, little- or big-endian.
    Tiff,
    /// PDF.
    Pdf,
}

impl SourceFormat {
    /// Recognises a format from a file's first bytes.
    pub fn sniff(head: &[u8]) -> Option<Self> {
        if head.starts_with(&[0xFF, 0xD8]) {
            Some(Self::Jpeg)
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
            Some(Self::Tiff)
        } else if head.len() >= 5
            && head[..head.len().min(1024)]
                .windows(5)
                .any(|w| w == b"%PDF-")
        {
            Some(Self::Pdf)
        } else {
            None
        }
    }

    /// Lower-case name used in the manifest.
    pub fn name(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
            Self::Png => "png",
            Self::Tiff => "tiff",
            Self::Pdf => "pdf",
        }
    }
}

struct PlannedSource {
    path: PathBuf,
    format: SourceFormat,
    pages: u32,
    bytes: u64,
    /// For a cleaned page: the officer's original file and what cleaning did.
    origin: Option<Origin>,
}

/// The officer's original file behind a cleaned page, and the cleaning report.
type Origin = (PathBuf, PageReport);

fn input_err(path: &Path, page: Option<u32>, e: impl Into<PdfError>) -> DossierError {
    DossierError::Input {
        path: path.to_path_buf(),
        page,
        source: e.into(),
    }
}

fn plan_source(path: &Path, rasterize: bool) -> Result<PlannedSource, DossierError> {
    let io_err = |e: io::Error| input_err(path, None, InputError::Io(e));
    let mut f = File::open(path).map_err(io_err)?;
    let bytes = f.metadata().map_err(io_err)?.len();
    if bytes == 0 {
        return Err(input_err(path, None, InputError::Empty));
    }
    let mut head = vec![0; 1024];
    let n = read_up_to(&mut f, &mut head).map_err(io_err)?;
    head.truncate(n);
    let format = SourceFormat::sniff(&head)
        .ok_or_else(|| input_err(path, None, InputError::UnknownFormat))?;
    let pages = match format {
        SourceFormat::Jpeg | SourceFormat::Png => 1,
        SourceFormat::Tiff => TiffPages::count(BufReader::new(File::open(path).map_err(io_err)?))
            .map_err(|e| input_err(path, None, e))?,
        SourceFormat::Pdf => {
            let data = std::fs::read(path).map_err(io_err)?;
            match PdfImporter::load(&data) {
                Ok(importer) => importer.page_count(),
                // An encrypted file is drawn page by page when the officer asked for it.
                Err(InputError::EncryptedPdf) if rasterize => Rasterizer::open(&data)
                    .map_err(|_| input_err(path, None, InputError::EncryptedPdf))?
                    .page_count(),
                Err(e) => return Err(input_err(path, None, e)),
            }
        }
    };
    Ok(PlannedSource {
        path: path.to_path_buf(),
        format,
        pages,
        bytes,
        origin: None,
    })
}

/// A source file as the build will read it: its format, pages and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceInfo {
    /// By its first bytes.
    pub format: SourceFormat,
    /// Pages in the file (1 for JPEG and PNG).
    pub pages: u32,
    /// Size in bytes.
    pub bytes: u64,
}

/// Recognises `path` the way [`build_dossier`] will (format by its first bytes, pages from the
/// TIFF and PDF readers), so a shell can refuse a file at import with the build's own words.
pub fn inspect_source(path: &Path) -> Result<SourceInfo, DossierError> {
    let p = plan_source(path, false)?;
    Ok(SourceInfo {
        format: p.format,
        pages: p.pages,
        bytes: p.bytes,
    })
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

use hoso_pdf::hex;
/// Vietnam time (+07:00), the zone every hoso timestamp is shown in (the workspace's one helper).
pub use hoso_pdf::vietnam_now;

fn nfc(s: &str) -> String {
    s.trim().nfc().collect()
}

/// Checks the spec without touching any file.
pub fn validate(spec: &DossierSpec) -> Result<(), DossierError> {
    if spec.title.trim().is_empty() {
        return Err(DossierError::MissingTitle);
    }
    if spec.documents.is_empty() {
        return Err(DossierError::NoDocuments);
    }
    for d in &spec.documents {
        if d.files.is_empty() {
            return Err(DossierError::EmptyDocument(d.name.clone()));
        }
        d.metadata.validate()?;
    }
    spec.metadata.validate()?;
    Ok(())
}

impl BuildOptions {
    /// `Err(Cancelled)` once [`BuildOptions::cancel`] is set.
    fn check_cancel(&self) -> Result<(), DossierError> {
        match &self.cancel {
            Some(c) if c.load(std::sync::atomic::Ordering::Relaxed) => Err(DossierError::Cancelled),
            _ => Ok(()),
        }
    }
}

/// Builds the dossier at `out`. On any error nothing is left at `out` (an earlier file there is
/// kept as it was) and no temporary file remains.
///
/// Stages: `check_output` → `plan_documents` (cleanup, page counts) → OCR (`run_ocr`) →
/// `write_documents` (pages streamed into the PDF/A) → `finish_dossier` (manifest, XMP,
/// commit).
pub fn build_dossier(
    spec: &DossierSpec,
    out: &Path,
    options: &BuildOptions,
    progress: &mut dyn FnMut(BuildEvent),
) -> Result<BuildReport, DossierError> {
    let dir = check_output(spec, out)?;
    let mut warnings = Vec::new();
    // Cleaned pages live in a temporary folder beside the output until the dossier is written.
    let (mut plan, _clean_dir) = plan_documents(spec, options, &dir, progress, &mut warnings)?;
    let total: usize = plan
        .sources
        .iter()
        .flatten()
        .map(|s| s.pages as usize)
        .sum();
    progress(BuildEvent::Planned { pages: total });
    options.check_cancel()?;
    let layers = match &options.ocr {
        Some(ocr) => run_ocr(&plan.sources, ocr, options, progress, &mut warnings)?,
        None => Vec::new(),
    };
    options.check_cancel()?;
    let write_err = |e: io::Error| DossierError::Write {
        path: out.to_path_buf(),
        source: e,
    };
    let file = AtomicFile::create(out).map_err(write_err)?;
    let mut writer = DossierWriter::new(file).map_err(write_err)?;
    let mut stage = WriteStage {
        options,
        layers: layers.into_iter(),
        warnings: &mut warnings,
        progress,
        done: 0,
        total,
    };
    let documents = stage.write_documents(&mut writer, spec, &mut plan)?;
    progress(BuildEvent::Finishing);
    let (manifest, digest, bytes) = finish_dossier(writer, spec, documents, options, out)?;
    Ok(BuildReport {
        output: out.to_path_buf(),
        sha256: hex(&digest),
        bytes,
        level: if options.embed_manifest {
            PdfaLevel::A3b
        } else {
            PdfaLevel::A2b
        },
        manifest,
        warnings,
    })
}

/// Stage 1: the spec is valid, the output's folder exists, and the output is none of the inputs.
/// Returns the output's folder.
fn check_output(spec: &DossierSpec, out: &Path) -> Result<PathBuf, DossierError> {
    validate(spec)?;
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(DossierError::OutputDir(dir));
    }
    let out_canon = out.canonicalize().ok();
    for path in spec.documents.iter().flat_map(|d| &d.files) {
        if out_canon.is_some() && path.canonicalize().ok() == out_canon {
            return Err(DossierError::OutputIsInput(path.clone()));
        }
    }
    Ok(dir)
}

/// What stage 2 planned: per document, its sources (cleaned or not) and the blank pages cleanup
/// dropped.
struct DocumentPlan {
    sources: Vec<Vec<PlannedSource>>,
    dropped: Vec<Vec<ManifestSource>>,
}

/// Stage 2: cleans each document's pages when asked (into a temporary folder in `dir`, kept
/// alive by the returned guard until the dossier is written) and reads every source's format
/// and page count.
fn plan_documents(
    spec: &DossierSpec,
    options: &BuildOptions,
    dir: &Path,
    progress: &mut dyn FnMut(BuildEvent),
    warnings: &mut Vec<BuildWarning>,
) -> Result<(DocumentPlan, Option<tempfile::TempDir>), DossierError> {
    let clean_dir = match &options.clean {
        Some(_) => Some(
            tempfile::Builder::new()
                .prefix(".hoso-clean-")
                .tempdir_in(dir)
                .map_err(|e| DossierError::Write {
                    path: dir.to_path_buf(),
                    source: e,
                })?,
        ),
        None => None,
    };
    let mut plan = DocumentPlan {
        sources: Vec::with_capacity(spec.documents.len()),
        dropped: vec![Vec::new(); spec.documents.len()],
    };
    for (i, doc) in spec.documents.iter().enumerate() {
        options.check_cancel()?;
        let cleaned = match (&options.clean, &clean_dir) {
            (Some(opts), Some(tmp)) => clean_document(
                doc,
                i,
                opts,
                tmp.path(),
                progress,
                warnings,
                &mut plan.dropped[i],
            )?,
            _ => doc.files.iter().map(|f| (f.clone(), None)).collect(),
        };
        let mut sources = Vec::with_capacity(cleaned.len());
        for (path, origin) in cleaned {
            let mut src = plan_source(&path, options.rasterize_nonconforming)?;
            src.origin = origin;
            sources.push(src);
        }
        plan.sources.push(sources);
    }
    Ok((plan, clean_dir))
}

/// Stage 4's state: the OCR layers still to place, the warnings, and the page count for progress.
struct WriteStage<'a, L: Iterator<Item = Option<TextLayer>>> {
    options: &'a BuildOptions,
    layers: L,
    warnings: &'a mut Vec<BuildWarning>,
    progress: &'a mut dyn FnMut(BuildEvent),
    done: usize,
    total: usize,
}

impl<L: Iterator<Item = Option<TextLayer>>> WriteStage<'_, L> {
    /// Stage 4: every document as a section of pages, with its manifest record.
    fn write_documents<W: Write>(
        &mut self,
        writer: &mut DossierWriter<W>,
        spec: &DossierSpec,
        plan: &mut DocumentPlan,
    ) -> Result<Vec<ManifestDocument>, DossierError> {
        let mut documents = Vec::with_capacity(spec.documents.len());
        for (i, (doc, sources)) in spec.documents.iter().zip(&plan.sources).enumerate() {
            let name = nfc(&doc.name);
            writer.start_section(&name);
            let first_page = writer.page_count() + 1;
            let mut page_text = Vec::new();
            let manifest_sources = sources
                .iter()
                .map(|src| self.write_one(writer, src, &mut page_text))
                .collect::<Result<Vec<_>, _>>()?;
            documents.push(ManifestDocument {
                number: i + 1,
                name,
                first_page,
                last_page: writer.page_count(),
                metadata: DocumentMetadata {
                    origin: origin_of(sources),
                    ..doc.metadata.clone()
                },
                sources: manifest_sources,
                page_text: if self.options.ocr.is_some() {
                    page_text
                } else {
                    Vec::new()
                },
                dropped_blank_pages: std::mem::take(&mut plan.dropped[i]),
            });
        }
        Ok(documents)
    }

    /// One source's pages, and how the manifest names it.
    fn write_one<W: Write>(
        &mut self,
        writer: &mut DossierWriter<W>,
        src: &PlannedSource,
        page_text: &mut Vec<String>,
    ) -> Result<ManifestSource, DossierError> {
        self.options.check_cancel()?;
        let original = src.origin.as_ref().map_or(&src.path, |(p, _)| p);
        writer.set_rotation(self.options.rotate.get(original).copied().unwrap_or(0));
        let (done, total, progress) = (&mut self.done, self.total, &mut self.progress);
        let mut rasterized = Vec::new();
        let sha = write_source(
            writer,
            src,
            Sink {
                layers: &mut self.layers,
                page_text,
                warnings: self.warnings,
                rasterized: self
                    .options
                    .rasterize_nonconforming
                    .then_some(&mut rasterized),
            },
            &mut |file| {
                *done += 1;
                progress(BuildEvent::Page {
                    done: *done,
                    total,
                    file: file.to_path_buf(),
                });
            },
        )?;
        Ok(match &src.origin {
            // The manifest names and hashes what the officer gave, and says how it was cleaned.
            Some((original, report)) => ManifestSource {
                cleaning: Some(report.clone()),
                ..describe_file(original, src.pages)?
            },
            None => ManifestSource {
                file: file_name(&src.path),
                format: src.format.name().into(),
                sha256: sha,
                bytes: src.bytes,
                pages: src.pages,
                cleaning: None,
                rasterized_pages: rasterized,
            },
        })
    }
}

/// Stage 5: the manifest (embedded for PDF/A-3), the document information and XMP, and the
/// atomic commit. Returns the manifest, the file's SHA-256 and its length.
/// Circular 05/2025/TT-BNV: a document made only of PDF files is "Gốc điện tử" (born digital);
/// one with any scanned page (JPEG, PNG, TIFF) is "Số hóa" (digitized). A PDF is taken as what
/// it is, an electronic file: a clerk who knows a PDF is a scan of paper says so at copy time
/// (`hoso copy --from-paper`).
fn origin_of(sources: &[PlannedSource]) -> crate::metadata::Origin {
    if !sources.is_empty() && sources.iter().all(|s| s.format == SourceFormat::Pdf) {
        crate::metadata::Origin::BornDigital
    } else {
        crate::metadata::Origin::Digitized
    }
}

fn finish_dossier(
    writer: DossierWriter<AtomicFile>,
    spec: &DossierSpec,
    documents: Vec<ManifestDocument>,
    options: &BuildOptions,
    out: &Path,
) -> Result<(Manifest, [u8; 32], u64), DossierError> {
    let write_err = |e: io::Error| DossierError::Write {
        path: out.to_path_buf(),
        source: e,
    };
    let created = options.created.unwrap_or_else(vietnam_now);
    let title = nfc(&spec.title);
    let manifest = Manifest {
        version: MANIFEST_VERSION,
        code: spec.code.to_string(),
        title: title.clone(),
        created: hoso_pdf::xmp::iso8601(created),
        creator: creator_tool(),
        document_count: documents.len(),
        page_count: writer.page_count(),
        metadata: spec.metadata.clone(),
        documents,
        ocr_languages: options.ocr.as_ref().map(|o| o.languages.clone()),
    };
    let info = DocumentInfo {
        title: format!("{} — {}", spec.code, title),
        author: None,
        subject: None,
        keywords: (!spec.metadata.keywords.is_empty()).then(|| spec.metadata.keywords.join(", ")),
        creator_tool: creator_tool(),
        producer: format!("hoso-pdf {}", env!("CARGO_PKG_VERSION")),
        language: spec
            .metadata
            .language
            .clone()
            .unwrap_or_else(|| "vi".into()),
        created,
    };
    let attachment = options.embed_manifest.then(|| Attachment {
        name: "manifest.json".into(),
        mime: "application/json".into(),
        description: "Hồ sơ: danh mục tài liệu và mã băm / dossier manifest with source hashes"
            .into(),
        data: serde_json::to_vec_pretty(&manifest).unwrap_or_default(),
    });
    let mut writer = writer;
    writer.set_xmp_extension(archival_xmp(&manifest));
    let file = writer
        .finish(&info, attachment.as_ref())
        .map_err(write_err)?;
    let (digest, bytes) = file.commit_hashed().map_err(write_err)?;
    Ok((manifest, digest, bytes))
}

/// The XMP namespace of hoso's Circular 05/2025/TT-BNV fields.
pub const ARCHIVAL_XMP_NAMESPACE: &str = "https://hoso.vn/ns/luu-tru/1.0/";

/// The Circular 05/2025/TT-BNV fields the predefined XMP schemas have no place for, in hoso's
/// own namespace (declared as a PDF/A extension schema): the dossier code, the fields given, and
/// each document's origin ("Số hóa" / "Gốc điện tử"). Values are the Vietnamese labels.
pub fn archival_xmp(manifest: &Manifest) -> hoso_pdf::xmp::XmpExtension {
    let m = &manifest.metadata;
    let origins = manifest
        .documents
        .iter()
        .map(|d| format!("{}: {}", d.number, d.metadata.origin.label()))
        .collect::<Vec<_>>()
        .join("; ");
    let fields: [(&str, &str, Option<String>); 7] = [
        ("dossierCode", "Mã hồ sơ", Some(manifest.code.clone())),
        (
            "sheetCount",
            "Số lượng tờ",
            m.sheet_count.map(|n| n.to_string()),
        ),
        (
            "informationSymbol",
            "Ký hiệu thông tin",
            m.information_symbol.clone(),
        ),
        (
            "paperDossierCode",
            "Mã hồ sơ gốc giấy",
            m.paper_dossier_code.clone(),
        ),
        (
            "backupMode",
            "Chế độ dự phòng",
            m.backup_mode.map(|b| b.label().to_owned()),
        ),
        (
            "backupStatus",
            "Tình trạng dự phòng",
            m.backup_status.map(|b| b.label().to_owned()),
        ),
        (
            "documentOrigin",
            "Số hóa / Gốc điện tử, theo số thứ tự tài liệu",
            Some(origins),
        ),
    ];
    hoso_pdf::xmp::XmpExtension {
        namespace: ARCHIVAL_XMP_NAMESPACE.into(),
        prefix: "hosoLuuTru".into(),
        schema: "Thông tư 05/2025/TT-BNV: siêu dữ liệu hồ sơ / dossier metadata".into(),
        properties: fields
            .into_iter()
            .filter_map(|(name, description, value)| {
                Some(hoso_pdf::xmp::XmpProperty {
                    name: name.into(),
                    description: description.into(),
                    value: value.filter(|v| !v.trim().is_empty())?,
                })
            })
            .collect(),
    }
}

fn creator_tool() -> String {
    format!("hoso {}", env!("CARGO_PKG_VERSION"))
}

/// The words of a text layer as one line of text (NFC).
fn layer_text(layer: Option<&TextLayer>) -> String {
    layer
        .map(|l| {
            l.words()
                .map(|w| nfc(&w.text))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

fn note_dropped(count: usize, warnings: &mut Vec<BuildWarning>) {
    if count == 0 {
        return;
    }
    match warnings.iter_mut().find_map(|w| match w {
        BuildWarning::OcrCharactersDropped { count } => Some(count),
        _ => None,
    }) {
        Some(total) => *total += count,
        None => warnings.push(BuildWarning::OcrCharactersDropped { count }),
    }
}

fn note_placement(path: &Path, page: u32, p: &PagePlacement, warnings: &mut Vec<BuildWarning>) {
    if p.fitted_to_a4 {
        warnings.push(BuildWarning::FittedToA4 {
            path: path.to_path_buf(),
            page,
        });
    } else if let Some(dpi) = p.dpi {
        let low = dpi.x.min(dpi.y);
        if low + 0.5 < MIN_ARCHIVAL_DPI {
            warnings.push(BuildWarning::LowResolution {
                path: path.to_path_buf(),
                page,
                dpi: low,
            });
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Name, format, size and SHA-256 of an input file, read again from disk.
fn describe_file(path: &Path, pages: u32) -> Result<ManifestSource, DossierError> {
    let io_err = |e: io::Error| input_err(path, None, InputError::Io(e));
    let mut f = File::open(path).map_err(io_err)?;
    let mut head = vec![0; 1024];
    let n = read_up_to(&mut f, &mut head).map_err(io_err)?;
    head.truncate(n);
    let mut hasher = Sha256::new();
    hasher.update(&head);
    let bytes = n as u64 + io::copy(&mut f, &mut hasher).map_err(io_err)?;
    Ok(ManifestSource {
        file: file_name(path),
        format: SourceFormat::sniff(&head)
            .map_or("unknown", |f| f.name())
            .into(),
        sha256: hex(&hasher.finalize()),
        bytes,
        pages,
        cleaning: None,
        rasterized_pages: Vec::new(),
    })
}

/// Cleans a document's JPEG and PNG files into `tmp`; returns the files to build from, each with
/// its original and cleaning report when it was cleaned. Blank pages are left out and recorded.
fn clean_document(
    doc: &DocumentSpec,
    index: usize,
    opts: &CleanOptions,
    tmp: &Path,
    progress: &mut dyn FnMut(BuildEvent),
    warnings: &mut Vec<BuildWarning>,
    dropped: &mut Vec<ManifestSource>,
) -> Result<Vec<(PathBuf, Option<Origin>)>, DossierError> {
    let mut to_clean = Vec::new();
    for path in &doc.files {
        let io_err = |e: io::Error| input_err(path, None, InputError::Io(e));
        let mut head = [0u8; 16];
        let n = read_up_to(&mut File::open(path).map_err(io_err)?, &mut head).map_err(io_err)?;
        if matches!(
            SourceFormat::sniff(&head[..n]),
            Some(SourceFormat::Jpeg | SourceFormat::Png)
        ) {
            to_clean.push(path.clone());
        }
    }
    let out_dir = tmp.join(format!("{:03}", index + 1));
    let total = to_clean.len();
    let report = forward_progress(
        |report| {
            hoso_scan::clean::clean_files(&to_clean, &out_dir, opts, None, &|p| report(p.done))
        },
        &mut |done| progress(BuildEvent::Clean { done, total }),
    );
    let report = match report {
        Some(Ok(r)) => r,
        Some(Err(e)) => return Err(DossierError::Clean(e)),
        None => {
            return Err(DossierError::CleanFailed {
                path: doc.files.first().cloned().unwrap_or_default(),
                reason: "the cleanup worker stopped unexpectedly".into(),
            })
        }
    };
    if let Some(failed) = report.failed.first() {
        return Err(DossierError::CleanFailed {
            path: PathBuf::from(&failed.input),
            reason: failed.error.clone(),
        });
    }
    let by_input: std::collections::HashMap<&str, &PageReport> =
        report.pages.iter().map(|p| (p.input.as_str(), p)).collect();
    let mut files = Vec::with_capacity(doc.files.len());
    for path in &doc.files {
        match by_input.get(path.display().to_string().as_str()) {
            None => files.push((path.clone(), None)),
            Some(page) => match &page.output {
                Some(out) => {
                    files.push((PathBuf::from(out), Some((path.clone(), (*page).clone()))))
                }
                None => {
                    warnings.push(BuildWarning::BlankPageDropped {
                        path: path.clone(),
                        score: page.blank_score,
                    });
                    dropped.push(ManifestSource {
                        cleaning: Some((*page).clone()),
                        ..describe_file(path, 0)?
                    });
                }
            },
        }
    }
    Ok(files)
}

/// Runs `work` on a helper thread with a progress callback; every count it reports reaches
/// `on_progress` here, on the caller's thread (which owns the caller's `FnMut`). `None` when the
/// worker panicked.
pub(crate) fn forward_progress<T: Send>(
    work: impl FnOnce(&(dyn Fn(usize) + Sync)) -> T + Send,
    on_progress: &mut dyn FnMut(usize),
) -> Option<T> {
    let (tx, rx) = std::sync::mpsc::channel::<usize>();
    std::thread::scope(|scope| {
        // The sender moves into the worker, so the loop below ends when the worker does.
        let worker = scope.spawn(move || {
            let tx = Mutex::new(tx);
            work(&|n| {
                if let Ok(tx) = tx.lock() {
                    let _ = tx.send(n);
                }
            })
        });
        for n in rx.iter() {
            on_progress(n);
        }
        worker.join().ok()
    })
}

/// Recognises every raster page of the dossier, in page order, before anything is written.
fn run_ocr(
    planned: &[Vec<PlannedSource>],
    options: &OcrOptions,
    build: &BuildOptions,
    progress: &mut dyn FnMut(BuildEvent),
    warnings: &mut Vec<BuildWarning>,
) -> Result<Vec<Option<TextLayer>>, DossierError> {
    let jobs: Vec<OcrJob> = planned
        .iter()
        .flatten()
        .filter(|s| s.format != SourceFormat::Pdf)
        .flat_map(|s| {
            (0..s.pages).map(|page| OcrJob {
                path: s.path.clone(),
                format: s.format,
                page,
            })
        })
        .collect();
    let total = jobs.len();
    let pages = forward_progress(
        |report| {
            // Once cancelled, the remaining pages are skipped without decoding.
            let decode = |i| match build.check_cancel() {
                Ok(()) => decode_gray(&jobs[i]),
                Err(e) => Err(e.to_string()),
            };
            recognise_all(jobs.len(), &decode, options, report)
        },
        &mut |done| progress(BuildEvent::Ocr { done, total }),
    )
    .unwrap_or(Err(OcrError::Recognize))?;
    build.check_cancel()?;
    let layers = jobs
        .iter()
        .zip(pages)
        .map(|(job, page)| {
            if let Some(reason) = page.problem {
                warnings.push(BuildWarning::OcrUnreadable {
                    path: job.path.clone(),
                    page: job.page + 1,
                    reason,
                });
                return None;
            }
            Some(page.into_layer())
        })
        .collect();
    Ok(layers)
}

/// SHA-256 of `bytes` (lower-case hex), computed on a second core while `work` runs.
fn hash_alongside(
    bytes: &[u8],
    work: impl FnOnce() -> Result<(), DossierError>,
) -> Result<String, DossierError> {
    std::thread::scope(|scope| {
        let hasher = scope.spawn(|| Sha256::digest(bytes));
        let done = work();
        let digest = hasher
            .join()
            .expect("SHA-256 of a byte slice does not panic");
        done?;
        Ok(hex(&digest))
    })
}

/// Writes one raster page with its OCR layer (if any) and notes what the officer should know.
fn write_raster<W: Write>(
    writer: &mut DossierWriter<W>,
    page: &hoso_pdf::RasterPage,
    path: &Path,
    page_no: u32,
    layers: &mut impl Iterator<Item = Option<TextLayer>>,
    page_text: &mut Vec<String>,
    warnings: &mut Vec<BuildWarning>,
) -> Result<(), DossierError> {
    let layer = layers.next().flatten();
    page_text.push(layer_text(layer.as_ref()));
    let (placement, dropped) = writer
        .add_raster_page_with_text(page, layer.as_ref())
        .map_err(|e| input_err(path, Some(page_no), PdfError::Io(e)))?;
    note_dropped(dropped, warnings);
    note_placement(path, page_no, &placement, warnings);
    Ok(())
}

/// Where one source's pages leave their traces: the OCR layers still to place, the page text,
/// the warnings, and (with `--rasterize-nonconforming`) the pages drawn as images.
struct Sink<'a, L> {
    layers: &'a mut L,
    page_text: &'a mut Vec<String>,
    warnings: &'a mut Vec<BuildWarning>,
    rasterized: Option<&'a mut Vec<RasterizedPage>>,
}

/// Writes every page of one source; returns the SHA-256 of the file. Each input is read once:
/// its bytes are hashed on the second core while its pages are written.
fn write_source<W: Write, L: Iterator<Item = Option<TextLayer>>>(
    writer: &mut DossierWriter<W>,
    src: &PlannedSource,
    sink: Sink<'_, L>,
    on_page: &mut dyn FnMut(&Path),
) -> Result<String, DossierError> {
    let Sink {
        layers,
        page_text,
        warnings,
        rasterized,
    } = sink;
    let path = src.path.as_path();
    let io_err = |e: io::Error| input_err(path, None, InputError::Io(e));
    match src.format {
        SourceFormat::Jpeg => {
            let page = hoso_pdf::jpeg::page(std::fs::read(path).map_err(io_err)?)
                .map_err(|e| input_err(path, None, e))?;
            // The JPEG strip holds the file's bytes unchanged: hash them while the page is written.
            let bytes = page
                .strips
                .first()
                .map(|s| s.data.as_slice())
                .unwrap_or_default();
            let sha = hash_alongside(bytes, || {
                write_raster(writer, &page, path, 1, layers, page_text, warnings)
            })?;
            on_page(path);
            Ok(sha)
        }
        SourceFormat::Png => {
            let data = std::fs::read(path).map_err(io_err)?;
            let sha = hash_alongside(&data, || {
                let page = hoso_pdf::png::page(&data).map_err(|e| input_err(path, None, e))?;
                write_raster(writer, &page, path, 1, layers, page_text, warnings)
            })?;
            on_page(path);
            Ok(sha)
        }
        SourceFormat::Tiff => {
            let data = std::fs::read(path).map_err(io_err)?;
            hash_alongside(&data, || {
                let pages = TiffPages::open(io::Cursor::new(data.as_slice()))
                    .map_err(|e| input_err(path, None, e))?;
                for (i, page) in pages.enumerate() {
                    let n = i as u32 + 1;
                    let page = page.map_err(|e| input_err(path, Some(n), e))?;
                    write_raster(writer, &page, path, n, layers, page_text, warnings)?;
                    on_page(path);
                }
                Ok(())
            })
        }
        SourceFormat::Pdf => {
            let data = std::fs::read(path).map_err(io_err)?;
            hash_alongside(&data, || {
                write_pdf_pages(
                    writer, path, &data, rasterized, page_text, warnings, on_page,
                )
            })
        }
    }
}

/// The pages of an input PDF, copied; with `rasterized` (`--rasterize-nonconforming`), a page
/// the importer refuses under a PDF/A rule (or every page of an encrypted file) is drawn as an
/// image instead and recorded there.
fn write_pdf_pages<W: Write>(
    writer: &mut DossierWriter<W>,
    path: &Path,
    data: &[u8],
    mut rasterized: Option<&mut Vec<RasterizedPage>>,
    page_text: &mut Vec<String>,
    warnings: &mut Vec<BuildWarning>,
    on_page: &mut dyn FnMut(&Path),
) -> Result<(), DossierError> {
    let mut importer = match PdfImporter::load(data) {
        Ok(i) => Some(i),
        Err(InputError::EncryptedPdf) if rasterized.is_some() => None,
        Err(e) => return Err(input_err(path, None, e)),
    };
    let mut drawer: Option<Rasterizer> = None;
    let pages = match &importer {
        Some(i) => i.page_count(),
        None => drawer
            .insert(
                Rasterizer::open(data)
                    .map_err(|_| input_err(path, None, InputError::EncryptedPdf))?,
            )
            .page_count(),
    };
    // Why the importer is no longer used for this file's pages.
    let mut importer_dropped: Option<String> = None;
    for n in 1..=pages {
        let refused = match importer.as_mut().map(|i| i.import_page(writer, n)) {
            Some(Ok(_)) => None,
            // A font is checked before anything of the page is copied. Any other refusal can
            // come after part of the page's objects were copied, so the importer's record of
            // what it copied is not trusted for the file's remaining pages: they are drawn too.
            Some(Err(PdfError::Pdfa(v))) if rasterized.is_some() => {
                if !matches!(v, hoso_pdf::PdfaViolation::UnembeddedFont { .. }) {
                    importer = None;
                    importer_dropped = Some(format!(
                        "sau lỗi ở trang {n} / after page {n}'s refusal: {v}"
                    ));
                }
                Some(v.to_string())
            }
            Some(Err(e)) => return Err(input_err(path, Some(n), e)),
            None => Some(importer_dropped.clone().unwrap_or_else(|| {
                "PDF được mã hóa (mật khẩu mở để trống) / the PDF is encrypted (with an \
                         empty user password)"
                    .to_owned()
            })),
        };
        if let (Some(reason), Some(list)) = (refused, rasterized.as_deref_mut()) {
            let unreadable = |why| {
                input_err(
                    path,
                    Some(n),
                    InputError::BadPdfPage {
                        page: n,
                        reason: why,
                    },
                )
            };
            let drawer = match &mut drawer {
                Some(d) => d,
                None => drawer.insert(Rasterizer::open(data).map_err(unreadable)?),
            };
            let page = drawer.page(n).map_err(unreadable)?;
            // A drawn page has no OCR layer: the layers are for the scans only.
            write_raster(
                writer,
                &page,
                path,
                n,
                &mut std::iter::empty(),
                page_text,
                warnings,
            )?;
            warnings.push(BuildWarning::Rasterized {
                path: path.to_path_buf(),
                page: n,
                reason: reason.clone(),
            });
            list.push(RasterizedPage {
                page: n,
                dpi: crate::rasterize::RASTER_DPI.round() as u32,
                reason,
            });
        } else {
            page_text.push(String::new());
        }
        on_page(path);
    }
    Ok(())
}
