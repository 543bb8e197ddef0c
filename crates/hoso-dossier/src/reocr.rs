//! `hoso ocr`: a text layer for a dossier that was built without one. The output is a new PDF/A
//! file: image-only pages are rewritten around their original image streams (not re-encoded) with
//! the invisible OCR layer on top; pages that already carry text, or anything else, are copied as
//! they are; the embedded manifest, if any, gets the pages' OCR text.

use std::path::{Path, PathBuf};

use hoso_ocr::{GrayImage, OcrError};
use hoso_pdf::atomic::AtomicFile;
use hoso_pdf::import::PdfImporter;
use hoso_pdf::reopen::{read_existing, strip_to_gray, ExistingPage};
use hoso_pdf::{
    Attachment, DocumentInfo, DossierWriter, InputError, PdfError, PdfaLevel, TextLayer,
};
use sha2::{Digest, Sha256};

use crate::build::{forward_progress, vietnam_now, BuildEvent, BuildWarning};
use crate::error::DossierError;
use crate::manifest::Manifest;
use crate::ocr::{recognise_all, OcrOptions};

/// What `ocr_existing` did.
#[derive(Debug, Clone)]
pub struct OcrExistingReport {
    /// The new file.
    pub output: PathBuf,
    /// Its SHA-256.
    pub sha256: String,
    /// Pages in the document.
    pub pages: usize,
    /// Pages that received a text layer.
    pub pages_with_layer: usize,
    /// Pages copied unchanged (text already there, or not a plain scan).
    pub pages_kept: usize,
    /// PDF/A level of the output.
    pub level: PdfaLevel,
    /// Pages OCR could not read, and the like.
    pub warnings: Vec<BuildWarning>,
}

/// Adds an OCR text layer to `input`, writing `out` (never `input` itself).
pub fn ocr_existing(
    input: &Path,
    out: &Path,
    options: &OcrOptions,
    progress: &mut dyn FnMut(BuildEvent),
) -> Result<OcrExistingReport, DossierError> {
    let existing = read_input(input, out)?;
    progress(BuildEvent::Planned {
        pages: existing.pdf.pages.len(),
    });
    let mut warnings = Vec::new();
    let layers = recognise_pages(input, &existing.pdf.pages, options, progress, &mut warnings)?;
    let write_err = |e: std::io::Error| DossierError::Write {
        path: out.to_path_buf(),
        source: e,
    };
    let mut writer =
        DossierWriter::new(AtomicFile::create(out).map_err(write_err)?).map_err(write_err)?;
    let page_text = write_pages(
        &mut writer,
        (input, out),
        &existing,
        &layers,
        progress,
        &mut warnings,
    )?;
    progress(BuildEvent::Finishing);
    let pages = &existing.pdf.pages;
    let report = OcrExistingReport {
        output: out.to_path_buf(),
        sha256: String::new(),
        pages: pages.len(),
        pages_with_layer: layers.iter().filter(|l| l.is_some()).count(),
        pages_kept: pages
            .iter()
            .filter(|p| matches!(p, ExistingPage::Keep))
            .count(),
        level: if existing.manifest.is_some() {
            PdfaLevel::A3b
        } else {
            PdfaLevel::A2b
        },
        warnings,
    };
    let sha256 = finish_reocr(writer, existing, page_text, options, out)?;
    Ok(OcrExistingReport { sha256, ..report })
}

/// The input as stage 1 read it: its bytes, pages and the manifest it carries.
struct ExistingInput {
    data: Vec<u8>,
    pdf: hoso_pdf::reopen::ExistingPdf,
    manifest: Option<Manifest>,
}

fn input_error(input: &Path, page: Option<u32>, e: InputError) -> DossierError {
    DossierError::Input {
        path: input.to_path_buf(),
        page,
        source: PdfError::Input(e),
    }
}

/// Stage 1: refuses to overwrite the input or to touch a signed file; reads the pages and the
/// embedded manifest.
fn read_input(input: &Path, out: &Path) -> Result<ExistingInput, DossierError> {
    if out.canonicalize().ok().is_some() && out.canonicalize().ok() == input.canonicalize().ok() {
        return Err(DossierError::OutputIsInput(input.to_path_buf()));
    }
    let data = std::fs::read(input).map_err(|e| input_error(input, None, InputError::Io(e)))?;
    let pdf = read_existing(&data).map_err(|e| input_error(input, None, e))?;
    if pdf.signed {
        return Err(DossierError::SignedInput(input.to_path_buf()));
    }
    let manifest: Option<Manifest> =
        hoso_pdf::attachment::read_embedded_file(&data, "manifest.json")
            .map_err(|e| input_error(input, None, e))?
            .and_then(|j| serde_json::from_slice(&j).ok());
    Ok(ExistingInput {
        data,
        pdf,
        manifest,
    })
}

/// Stage 2: OCR of every image page (one engine per worker); unreadable pages become warnings.
fn recognise_pages(
    input: &Path,
    pages: &[ExistingPage],
    options: &OcrOptions,
    progress: &mut dyn FnMut(BuildEvent),
    warnings: &mut Vec<BuildWarning>,
) -> Result<Vec<Option<TextLayer>>, DossierError> {
    let raster: Vec<usize> = (0..pages.len())
        .filter(|i| matches!(pages[*i], ExistingPage::Raster(_)))
        .collect();
    let total = raster.len();
    let decode = |k: usize| -> Result<(GrayImage, u32), String> {
        let ExistingPage::Raster(page) = &pages[raster[k]] else {
            return Err("not an image page".into());
        };
        let mut pixels = Vec::new();
        for strip in &page.strips {
            pixels.extend(strip_to_gray(strip).map_err(|e| e.to_string())?);
        }
        let dpi = page.dpi.map_or(200, |d| d.x.round() as u32);
        Ok((
            GrayImage {
                width: page.width(),
                height: page.height(),
                pixels,
            },
            dpi,
        ))
    };
    let results = forward_progress(
        |report| recognise_all(total, &decode, options, report),
        &mut |done| progress(BuildEvent::Ocr { done, total }),
    )
    .unwrap_or(Err(OcrError::Recognize))?;

    let mut layers: Vec<Option<TextLayer>> = vec![None; pages.len()];
    for (k, r) in raster.iter().zip(results) {
        if let Some(reason) = r.problem {
            warnings.push(BuildWarning::OcrUnreadable {
                path: input.to_path_buf(),
                page: *k as u32 + 1,
                reason,
            });
            continue;
        }
        layers[*k] = Some(r.into_layer());
    }
    Ok(layers)
}

/// Stage 3: every page again, image pages with their text layer, other pages copied; returns
/// each page's recognised text.
fn write_pages(
    writer: &mut DossierWriter<AtomicFile>,
    (input, out): (&Path, &Path),
    existing: &ExistingInput,
    layers: &[Option<TextLayer>],
    progress: &mut dyn FnMut(BuildEvent),
    warnings: &mut Vec<BuildWarning>,
) -> Result<Vec<String>, DossierError> {
    let pages = &existing.pdf.pages;
    let write_err = |e: std::io::Error| DossierError::Write {
        path: out.to_path_buf(),
        source: e,
    };
    let mut importer = None;
    let sections: Vec<(usize, String)> = match &existing.manifest {
        Some(m) => m
            .documents
            .iter()
            .map(|d| (d.first_page, d.name.clone()))
            .collect(),
        None => vec![(
            1,
            existing
                .pdf
                .title
                .clone()
                .unwrap_or_else(|| "Tài liệu".into()),
        )],
    };
    let mut page_text = vec![String::new(); pages.len()];
    for (i, page) in pages.iter().enumerate() {
        if let Some((_, name)) = sections.iter().find(|(first, _)| *first == i + 1) {
            writer.start_section(name);
        }
        match page {
            ExistingPage::Raster(raster_page) => {
                let layer = layers[i].as_ref();
                if let Some(l) = layer {
                    page_text[i] = l.plain_text();
                }
                let (_, dropped) = writer
                    .add_raster_page_with_text(raster_page, layer)
                    .map_err(write_err)?;
                if dropped > 0 {
                    warnings.push(BuildWarning::OcrCharactersDropped { count: dropped });
                }
            }
            ExistingPage::Keep => {
                if importer.is_none() {
                    importer = Some(
                        PdfImporter::load(&existing.data)
                            .map_err(|e| input_error(input, None, e))?,
                    );
                }
                if let Some(imp) = importer.as_mut() {
                    imp.import_page(writer, i as u32 + 1)
                        .map_err(|e| DossierError::Input {
                            path: input.to_path_buf(),
                            page: Some(i as u32 + 1),
                            source: e,
                        })?;
                }
            }
        }
        progress(BuildEvent::Page {
            done: i + 1,
            total: pages.len(),
            file: input.to_path_buf(),
        });
    }
    Ok(page_text)
}

/// Stage 4: the manifest gets the recognised text, the Info/XMP are written, the file is
/// committed atomically; returns its SHA-256.
fn finish_reocr(
    writer: DossierWriter<AtomicFile>,
    existing: ExistingInput,
    page_text: Vec<String>,
    options: &OcrOptions,
    out: &Path,
) -> Result<String, DossierError> {
    let write_err = |e: std::io::Error| DossierError::Write {
        path: out.to_path_buf(),
        source: e,
    };
    let pages = existing.pdf.pages.len();
    let info_title = existing.pdf.title;
    let created = vietnam_now();
    let mut manifest = existing.manifest;
    if let Some(m) = manifest.as_mut() {
        m.ocr_languages = Some(options.languages.clone());
        for d in &mut m.documents {
            let first = d.first_page.saturating_sub(1);
            let last = d.last_page.min(pages);
            d.page_text = page_text
                .get(first..last)
                .map(<[String]>::to_vec)
                .unwrap_or_default();
        }
    }
    let title = manifest
        .as_ref()
        .map(|m| format!("{} — {}", m.code, m.title))
        .or(info_title)
        .unwrap_or_else(|| "Hồ sơ".into());
    let info = DocumentInfo {
        title,
        author: None,
        subject: None,
        keywords: None,
        creator_tool: format!("hoso {}", env!("CARGO_PKG_VERSION")),
        producer: format!("hoso-pdf {}", env!("CARGO_PKG_VERSION")),
        language: "vi".into(),
        created,
    };
    let attachment = manifest.as_ref().map(|m| Attachment {
        name: "manifest.json".into(),
        mime: "application/json".into(),
        description: "Hồ sơ: danh mục tài liệu và mã băm / dossier manifest with source hashes"
            .into(),
        data: serde_json::to_vec_pretty(m).unwrap_or_default(),
    });
    let file = writer
        .finish(&info, attachment.as_ref())
        .map_err(write_err)?;
    file.commit().map_err(write_err)?;
    Ok(hoso_pdf::hex(&Sha256::digest(
        std::fs::read(out).map_err(write_err)?,
    )))
}
