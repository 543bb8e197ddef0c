//! Số hóa: files in (dialog, drop, command line), thumbnails, field validation, build.

use hoso_office::build::{BuildRequest, Built};
use hoso_office::{Event, Watch};
use serde::Serialize;
use tauri::ipc::{Channel, Response};
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;

use super::blocking;
use crate::error::{AppError, FieldProblem};
use crate::form::{source_path, BuildChoices, DossierForm};
use crate::office::{Document, Office};
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
    Ok(form
        .to_spec(source_path(&session))
        .err()
        .unwrap_or_default())
}

/// A built and registered dossier, as the page shows it.
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
    pub document: Document,
    /// Its register entry number.
    pub register_seq: u64,
    /// Its QR lookup payload.
    pub qr: String,
    /// The PDF/A check of the written file.
    pub pdfa: hoso_office::pdfa::PdfaOutcome,
}

impl BuildResult {
    fn new(b: Built, document: Document) -> Self {
        Self {
            path: b.output.display().to_string(),
            sha256: b.sha256,
            bytes: b.bytes,
            pages: b.pages,
            documents: b.documents,
            level: b.pdfa,
            pdfa: b.pdfa_check,
            warnings: b.warnings,
            document,
            register_seq: b.registered.seq,
            qr: b.registered.qr,
        }
    }
}

/// The build request for `form` with the officer's switches (written to the workspace).
pub fn build_request(
    session: &Session,
    form: &DossierForm,
    choices: BuildChoices,
) -> Result<BuildRequest, AppError> {
    form.to_request(choices, source_path(session))
        .map_err(AppError::Invalid)
}

/// Builds and registers the dossier, and hands it to the Sign and Verify screens.
pub fn build_in(
    office: &Office,
    req: BuildRequest,
    watch: &Watch,
) -> Result<BuildResult, AppError> {
    let built = hoso_office::build::build(&office.config(), req, watch)?;
    let document = office.add_document(
        built.output.clone(),
        Some(built.code.clone()),
        Some(built.title.clone()),
    );
    Ok(BuildResult::new(built, document))
}

/// Builds the dossier into the workspace as `<code>.pdf` (`<code>-2.pdf`, … when that exists:
/// an earlier dossier is never replaced) and registers it, streaming progress per page on
/// `progress`; `cancel_flow` stops it.
#[tauri::command]
pub async fn build_dossier(
    session: State<'_, Session>,
    app: AppHandle,
    form: DossierForm,
    choices: Option<BuildChoices>,
    progress: Channel<Event>,
) -> Result<BuildResult, AppError> {
    let req = build_request(&session, &form, choices.unwrap_or_default())?;
    blocking(move || {
        let office = app.state::<Office>();
        // A closed page just stops listening; the build goes on.
        let send = |e: Event| {
            let _ = progress.send(e);
        };
        build_in(&office, req, &Watch::new(&send, office.start_flow()))
    })
    .await?
}
