//! Building a dossier (cleanup and OCR optional, progress per page, cancel) and registering it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use hoso_dossier::{BuildOptions, OcrOptions};

pub use hoso_dossier::{
    AccessRegime, BackupMode, BackupStatus, DocumentMetadata, DocumentSpec, DossierMetadata,
    DossierSpec, MetadataError, Retention, SourceFormat, SourceInfo,
};
use hoso_register::{EntryKind, NewEntry};
use serde::Serialize;

use crate::config::Config;
use crate::error::OfficeError;
use crate::progress::Watch;
use crate::register::{derive_and_register, open_register, register_output, Registered};

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildRequest {
    /// The dossier.
    pub spec: DossierSpec,
    /// The output; `None` writes `<workspace>/<code>.pdf` (`<code>-2.pdf`, … when taken).
    pub out: Option<PathBuf>,
    /// Clean JPEG and PNG pages first (deskew, crop, upright).
    pub clean: bool,
    /// Keep blank pages when cleaning.
    pub keep_blank: bool,
    /// Add an OCR text layer in these Tesseract languages (`vie+eng`).
    pub ocr: Option<String>,
    /// Embed the manifest (PDF/A-3b); `false` keeps PDF/A-2b.
    pub embed_manifest: bool,
    /// Quarter turns by input file (90, 180, 270).
    pub rotate: BTreeMap<PathBuf, u16>,
    /// Procedure code (mã thủ tục hành chính), for the Decision 766 report.
    pub procedure_code: Option<String>,
    /// The day the dossier was received, `YYYY-MM-DD`; `None` is today (Vietnam time).
    pub received_on: Option<String>,
    /// Draw an imported PDF page that cannot be made PDF/A as a 300 dpi image instead of
    /// stopping (listed in the manifest and the warnings).
    pub rasterize_nonconforming: bool,
}

impl BuildRequest {
    /// Defaults: no cleanup, OCR in `vie+eng`, manifest embedded, written to the workspace.
    pub fn new(spec: DossierSpec) -> Self {
        Self {
            spec,
            out: None,
            clean: false,
            keep_blank: false,
            ocr: Some(DEFAULT_OCR_LANGUAGES.into()),
            embed_manifest: true,
            rotate: BTreeMap::new(),
            procedure_code: None,
            received_on: None,
            rasterize_nonconforming: false,
        }
    }
}

/// Tesseract languages when none are given.
pub const DEFAULT_OCR_LANGUAGES: &str = "vie+eng";

/// A built and registered dossier.
#[derive(Debug, Clone, Serialize)]
pub struct Built {
    /// The PDF.
    pub output: PathBuf,
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// `PDF/A-3b` (manifest embedded) or `PDF/A-2b` when the check passed, else "not PDF/A".
    pub pdfa: String,
    /// The PDF/A check of the written file.
    pub pdfa_check: crate::pdfa::PdfaOutcome,
    /// Pages written.
    pub pages: usize,
    /// Documents written.
    pub documents: usize,
    /// Dossier code.
    pub code: String,
    /// Title.
    pub title: String,
    /// Things the officer should know, Vietnamese first.
    pub warnings: Vec<String>,
    /// Its register entry.
    pub registered: Registered,
    /// The manifest written (documents with their page ranges and origins).
    #[serde(skip)]
    pub manifest: hoso_dossier::Manifest,
}

/// `<dir>/<code>.pdf`, or `<code>-2.pdf`, `<code>-3.pdf`, … when taken: an earlier file is
/// never replaced.
pub fn free_name(dir: &std::path::Path, stem: &str) -> PathBuf {
    let first = dir.join(format!("{stem}.pdf"));
    if !first.exists() {
        return first;
    }
    (2u32..)
        .map(|n| dir.join(format!("{stem}-{n}.pdf")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// Recognises a page file the way [`build`] will read it (format, pages, size), so a shell can
/// refuse it when it is imported, with the build's own words.
pub fn inspect_source(path: &std::path::Path) -> Result<SourceInfo, OfficeError> {
    Ok(hoso_dossier::inspect_source(path)?)
}

/// Builds the dossier and enters it in the register (kind `dossier`, with its code and title).
pub fn build(config: &Config, req: BuildRequest, watch: &Watch) -> Result<Built, OfficeError> {
    let out = match req.out {
        Some(o) => o,
        None => {
            std::fs::create_dir_all(&config.workspace).map_err(|source| OfficeError::Folder {
                path: config.workspace.clone(),
                source,
            })?;
            free_name(&config.workspace, req.spec.code.as_str())
        }
    };
    let options = BuildOptions {
        embed_manifest: req.embed_manifest,
        created: None,
        ocr: req.ocr.map(|languages| OcrOptions {
            languages,
            threads: 0,
        }),
        clean: req.clean.then(|| hoso_scan::clean::CleanOptions {
            drop_blank: !req.keep_blank,
            ..Default::default()
        }),
        rotate: req.rotate,
        cancel: Some(watch.cancel().flag()),
        rasterize_nonconforming: req.rasterize_nonconforming,
    };
    let report =
        hoso_dossier::build_dossier(&req.spec, &out, &options, &mut |e| watch.emit(e.into()))?;
    let mut entry = NewEntry::new(EntryKind::Dossier, [0; 32])
        .with_dossier_code(req.spec.code.as_str())
        .with_role(hoso_register::Role::Digitized)
        .with_received_on(
            &req.received_on
                .clone()
                .unwrap_or_else(crate::report::today_vietnam),
        );
    if let Some(p) = req.procedure_code.as_deref().filter(|p| !p.is_empty()) {
        entry = entry.with_procedure_code(p);
    }
    entry.title = Some(req.spec.title.clone()).filter(|t| !t.is_empty());
    let mut reg = open_register(config)?;
    let registered = register_output(&mut reg, &report.output, entry)?;
    let pdfa_check = crate::pdfa::after_step(&report.output);
    Ok(Built {
        sha256: report.sha256,
        bytes: report.bytes,
        pdfa: pdfa_check.claim(),
        pdfa_check,
        pages: report.manifest.page_count,
        documents: report.manifest.document_count,
        code: req.spec.code.as_str().to_owned(),
        title: req.spec.title,
        warnings: report.warnings.iter().map(ToString::to_string).collect(),
        registered,
        output: report.output,
        manifest: report.manifest,
    })
}

/// A dossier given an OCR text layer afterwards, and registered.
#[derive(Debug, Clone, Serialize)]
pub struct Recognised {
    /// The new PDF.
    pub output: PathBuf,
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// `PDF/A-2b` or `PDF/A-3b` when the check passed, else "not PDF/A".
    pub pdfa: String,
    /// The PDF/A check of the written file.
    pub pdfa_check: crate::pdfa::PdfaOutcome,
    /// Pages in the file.
    pub pages: usize,
    /// Pages that got a text layer.
    pub pages_with_layer: usize,
    /// Pages left as they were (already text, or not images).
    pub pages_kept: usize,
    /// Things the officer should know.
    pub warnings: Vec<String>,
    /// Its register entry (kind `dossier`, code and title of the input's entry).
    pub registered: Registered,
}

/// Adds an OCR text layer to an image-only dossier and registers the new file.
pub fn ocr_existing(
    config: &Config,
    input: &std::path::Path,
    out: &std::path::Path,
    languages: &str,
    watch: &Watch,
) -> Result<Recognised, OfficeError> {
    let options = OcrOptions {
        languages: languages.to_owned(),
        threads: 0,
    };
    let (report, registered) =
        derive_and_register(config, input, EntryKind::Dossier, "ocr_of", |_, _| {
            let report =
                hoso_dossier::ocr_existing(input, out, &options, &mut |e| watch.emit(e.into()))?;
            let path = report.output.clone();
            Ok((report, path))
        })?;
    let pdfa_check = crate::pdfa::after_step(&report.output);
    Ok(Recognised {
        sha256: report.sha256,
        pdfa: pdfa_check.claim(),
        pdfa_check,
        pages: report.pages,
        pages_with_layer: report.pages_with_layer,
        pages_kept: report.pages_kept,
        warnings: report.warnings.iter().map(ToString::to_string).collect(),
        registered,
        output: report.output,
    })
}
