//! Tauri commands, grouped by domain. Each is a few lines into hoso-office (the app depends on
//! no other hoso crate); all return `Result<_, AppError>`, run off the main thread (async
//! commands, blocking work in `spawn_blocking`), and are listed in `build.rs` so a capability
//! file must grant each one.
//!
//! | screen | module | library | state |
//! |---|---|---|---|
//! | Số hóa / digitize | [`digitize`] | hoso-office (build flow) | wired |
//! | Số hóa: scanner | [`scan`] | hoso-office (scan into the workspace, SANE) | wired |
//! | Ký số / sign | [`sign`] | hoso-office (keys, sign flow) | wired |
//! | Sao y / certified copy | [`copy`] | hoso-office (copy flow) | wired |
//! | Tra cứu / verify | [`verify`] | hoso-office (check flow) | wired |
//! | Sổ đăng ký / register | [`register`] | hoso-office (register desk) | wired |
//! | Báo cáo / report | [`report`] | hoso-office (report flow) | wired |
//! | Cài đặt / settings | [`settings`] | hoso-office (settings, checked edits) | wired |
//! | Cài đặt: sao lưu / backup | [`backup`] | hoso-office (backup flow) | wired |
//!
//! Wiring one that lands: add `commands/<domain>.rs` with its command, list it in `build.rs` and
//! `main.rs`, grant `allow-<command>` in the window's capability file, and flip its
//! [`features::Feature`] to available.

pub mod backup;
pub mod copy;
pub mod digitize;
pub mod draft;
pub mod features;
pub mod open;
pub mod register;
pub mod report;
pub mod scan;
pub mod settings;
pub mod sign;
pub mod verify;

use serde::Serialize;
use tauri::State;

use crate::error::AppError;

/// Runs `f` on the blocking pool: file, crypto and SQLite work never holds the main thread.
/// The system's "save as" dialog for a PDF, titled `title` and proposing `name`; `None` when
/// the person closed it.
pub(crate) async fn pick_save_pdf(
    app: &tauri::AppHandle,
    title: &'static str,
    name: String,
) -> Result<Option<std::path::PathBuf>, AppError> {
    use tauri_plugin_dialog::DialogExt;
    let handle = app.clone();
    let picked = blocking(move || {
        handle
            .dialog()
            .file()
            .set_title(title)
            .set_file_name(&name)
            .add_filter("PDF", &["pdf"])
            .blocking_save_file()
    })
    .await?;
    Ok(picked.and_then(|p| p.into_path().ok()))
}

pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Background(e.to_string()))
}
use crate::state::{Mode, Session};
use features::FeatureState;

/// What the page needs to know to draw itself.
#[derive(Debug, Serialize)]
pub struct AppInfo {
    /// Officer or kiosk.
    pub mode: Mode,
    /// hoso version.
    pub version: &'static str,
    /// Where dossiers are written (empty in kiosk mode: the kiosk has no workspace).
    pub workspace: String,
    /// Unix time in ms at which `main` started, for the cold-start measurement.
    pub started_at_ms: u64,
    /// The app's process id, for the RSS measurement.
    pub pid: u32,
    /// Kiosk: seconds without input before returning to the start screen.
    pub idle_seconds: u32,
    /// Which capabilities have landed, and the issue each missing one waits for.
    pub features: Vec<FeatureState>,
}

/// The Cancel button of Số hóa and Ký số: the running build, signing or copying stops at the
/// next page or file, leaves no file and registers nothing more.
#[tauri::command]
pub async fn cancel_flow(office: State<'_, crate::office::Office>) -> Result<(), AppError> {
    office.cancel_flow();
    Ok(())
}

/// Mode, version and which features are available.
#[tauri::command]
pub async fn app_info(session: State<'_, Session>) -> Result<AppInfo, AppError> {
    let started_at_ms = session
        .started
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default();
    Ok(AppInfo {
        mode: session.mode,
        version: env!("CARGO_PKG_VERSION"),
        workspace: match session.mode {
            Mode::Officer => session.workspace.display().to_string(),
            Mode::Kiosk => String::new(),
        },
        started_at_ms,
        pid: std::process::id(),
        idle_seconds: session.idle_seconds,
        features: features::all(),
    })
}
