//! Số hóa: files in (dialog, drop, command line), thumbnails, field validation, build.

use hoso_dossier::{BuildEvent, BuildOptions};
use serde::Serialize;
use tauri::ipc::{Channel, Response};
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;

use super::blocking;
use crate::error::{AppError, FieldProblem};
use crate::form::DossierForm;
use crate::state::{Session, SourceList};

/// Opens the system file dialog (driven by the officer) and imports what they choose.
/// The page gets ids, never the power to name a path.
#[tauri::command]
pub async fn pick_files(app: AppHandle) -> Result<SourceList, AppError> {
    let handle = app.clone();
    let picked = blocking(move || {
        handle
            .dialog()
            .file()
            .set_title("Chọn ảnh quét hoặc PDF / choose scans or PDFs")
            .add_filter(
                "Ảnh quét, PDF / scans, PDF",
                &["jpg", "jpeg", "png", "tif", "tiff", "pdf"],
            )
            .blocking_pick_files()
    })
    .await?;
    let paths: Vec<_> = picked
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.into_path().ok())
        .collect();
    blocking(move || app.state::<Session>().import(&paths)).await
}

/// The files imported so far.
#[tauri::command]
pub async fn list_sources(session: State<'_, Session>) -> Result<SourceList, AppError> {
    Ok(session.list())
}

/// Forgets files the officer deleted from the dossier.
#[tauri::command]
pub async fn remove_sources(
    session: State<'_, Session>,
    ids: Vec<u64>,
) -> Result<SourceList, AppError> {
    Ok(session.remove(&ids))
}

/// A small JPEG of a JPEG or PNG source, as raw bytes.
#[tauri::command]
pub async fn source_preview(session: State<'_, Session>, id: u64) -> Result<Response, AppError> {
    let source = session.source(id).ok_or(AppError::UnknownSource(id))?;
    let bytes = blocking(move || crate::sources::thumbnail(&source)).await??;
    Ok(Response::new(bytes))
}

/// Every field that needs correcting (empty when the form can be built).
#[tauri::command]
pub async fn validate_dossier(
    session: State<'_, Session>,
    form: DossierForm,
) -> Result<Vec<FieldProblem>, AppError> {
    Ok(form.to_spec(&session).err().unwrap_or_default())
}

/// Progress sent to the page while a dossier is built.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum BuildProgress {
    /// Every input was read; `pages` will be written.
    Planned {
        /// Total pages.
        pages: usize,
    },
    /// One more page was written.
    Page {
        /// Pages written.
        done: usize,
        /// Total pages.
        total: usize,
        /// File name of the page's source.
        file: String,
    },
    /// Pages cleaned so far (deskew, crop, blank detection).
    Clean {
        /// Pages done.
        done: usize,
        /// Total pages.
        total: usize,
    },
    /// Pages recognised so far (OCR).
    Ocr {
        /// Pages done.
        done: usize,
        /// Total pages.
        total: usize,
    },
    /// Closing the file.
    Finishing,
}

impl From<BuildEvent> for BuildProgress {
    fn from(e: BuildEvent) -> Self {
        match e {
            BuildEvent::Planned { pages } => BuildProgress::Planned { pages },
            BuildEvent::Page { done, total, file } => BuildProgress::Page {
                done,
                total,
                file: file
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            },
            BuildEvent::Clean { done, total } => BuildProgress::Clean { done, total },
            BuildEvent::Ocr { done, total } => BuildProgress::Ocr { done, total },
            BuildEvent::Finishing => BuildProgress::Finishing,
        }
    }
}

/// A built dossier.
#[derive(Debug, Serialize)]
pub struct BuildResult {
    /// The PDF file.
    pub path: String,
    /// SHA-256 of the file, lower-case hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Pages written.
    pub pages: usize,
    /// Documents written.
    pub documents: usize,
    /// `PDF/A-3b` (manifest embedded) or `PDF/A-2b`.
    pub level: String,
    /// Things the officer should know, Vietnamese first.
    pub warnings: Vec<String>,
    /// The dossier as a document the Sign and Verify screens can take.
    pub document: crate::office::Document,
    /// Its register entry number, when it could be registered.
    pub register_seq: Option<u64>,
    /// Why it could not be registered, when it could not.
    pub register_error: Option<String>,
}

/// Builds the dossier into the workspace as `<code>.pdf` (`<code>-2.pdf`, … when that exists:
/// an earlier dossier is never replaced), streaming progress on `progress`.
#[tauri::command]
pub async fn build_dossier(
    session: State<'_, Session>,
    app: AppHandle,
    form: DossierForm,
    progress: Channel<BuildProgress>,
) -> Result<BuildResult, AppError> {
    let spec = form.to_spec(&session).map_err(AppError::Invalid)?;
    let options = BuildOptions {
        rotate: form.rotations(&session),
        ..BuildOptions::default()
    };
    let code = spec.code.as_str().to_owned();
    let title = spec.title.clone();
    let dir = session
        .ensure_workspace()
        .map_err(|source| AppError::Workspace {
            path: session.workspace.clone(),
            source,
        })?
        .to_path_buf();
    let report = blocking(move || {
        let out = crate::workspace::free_name(&dir, spec.code.as_str());
        hoso_dossier::build_dossier(&spec, &out, &options, &mut |e| {
            // A closed page just stops listening; the build goes on.
            let _ = progress.send(e.into());
        })
    })
    .await??;
    let output = report.output.clone();
    let (document, registered) = blocking(move || {
        let office = app.state::<crate::office::Office>();
        let document = office.add_document(output.clone(), Some(code.clone()), Some(title.clone()));
        (document, register_dossier(&office, &output, &code, &title))
    })
    .await?;
    // The dossier is written either way; a register failure is shown next to it, not hidden.
    let (register_seq, register_error) = match registered {
        Ok(seq) => (Some(seq), None),
        Err(e) => (None, Some(e.to_string())),
    };
    Ok(BuildResult {
        document,
        register_seq,
        register_error,
        path: report.output.display().to_string(),
        sha256: report.sha256,
        bytes: report.bytes,
        pages: report.manifest.page_count,
        documents: report.manifest.document_count,
        level: format!("PDF/A-{}b", report.level.part()),
        warnings: report.warnings.iter().map(ToString::to_string).collect(),
    })
}

/// Enters a freshly built dossier in the register (kind `dossier`, with its code and title).
fn register_dossier(
    office: &crate::office::Office,
    file: &std::path::Path,
    code: &str,
    title: &str,
) -> Result<u64, AppError> {
    use hoso_register::{EntryKind, NewEntry};
    let mut entry = NewEntry::new(EntryKind::Dossier, [0; 32]);
    entry.dossier_code = Some(code.to_owned());
    entry.title = Some(title.to_owned()).filter(|t| !t.is_empty());
    Ok(office.register_file(file, entry)?.seq)
}
