//! Số hóa from a scanner: list the SANE devices, scan a batch into the workspace (each page on
//! disk as it arrives, with progress), and import the pages like dropped files. A jam, an empty
//! feeder or a lost scanner stops the batch with the officer's words; pages already scanned stay.

use std::sync::atomic::{AtomicBool, Ordering};

use hoso_office::scan::device::{ColorMode, DeviceInfo, ScanEvent, ScanSettings, Source};
use hoso_office::scan::{list_scanners as sane_scanners, scan_into_workspace};
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};

use super::blocking;
use crate::error::AppError;
use crate::state::{Session, SourceList};

/// Set by [`cancel_scan`]; checked by the scan between reads.
static CANCEL: AtomicBool = AtomicBool::new(false);

/// The scanners SANE finds (on Windows: the error saying SANE is not there and what to do).
#[tauri::command]
pub async fn list_scanners() -> Result<Vec<DeviceInfo>, AppError> {
    blocking(|| Ok(sane_scanners()?)).await?
}

/// What the officer chose in the scan panel.
#[derive(Debug, Clone, Deserialize)]
pub struct ScanRequest {
    /// Device name from [`list_scanners`].
    pub device: String,
    /// Flatbed, feeder, or both sides.
    pub source: Source,
    /// Resolution; Circular 05/2025 asks for at least 200 dpi.
    pub dpi: u32,
    /// Colour, grey or black and white.
    pub mode: ColorMode,
}

/// Progress while scanning.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum ScanProgress {
    /// A page started.
    Page {
        /// 1-based page number.
        page: u32,
    },
    /// A page is on disk.
    Saved {
        /// 1-based page number.
        page: u32,
    },
}

/// What a scan brought in.
#[derive(Debug, Serialize)]
pub struct ScanResult {
    /// Pages scanned and imported.
    pub pages: usize,
    /// Why the batch stopped early, in the officer's words (none when it ended normally).
    pub stopped: Option<String>,
    /// The imported files, as after any import.
    pub sources: SourceList,
}

/// Scans a batch into `<workspace>/quet/<time>/` and imports the pages.
#[tauri::command]
pub async fn scan(
    app: AppHandle,
    request: ScanRequest,
    progress: Channel<ScanProgress>,
) -> Result<ScanResult, AppError> {
    CANCEL.store(false, Ordering::Relaxed);
    blocking(move || {
        let session = app.state::<Session>();
        let settings = ScanSettings {
            source: request.source,
            dpi: request.dpi,
            mode: request.mode,
            max_pages: None,
        };
        let mut on_event = |e: ScanEvent<'_>| {
            let _ = match e {
                ScanEvent::PageStarted { page, .. } => progress.send(ScanProgress::Page { page }),
                ScanEvent::PageSaved { page, .. } => progress.send(ScanProgress::Saved { page }),
                ScanEvent::Bytes { .. } => Ok(()),
            };
        };
        let workspace = &session.workspace;
        let batch = scan_into_workspace(
            workspace,
            &request.device,
            &settings,
            &CANCEL,
            &mut on_event,
        )?;
        Ok(ScanResult {
            pages: batch.pages.len(),
            stopped: batch.stopped,
            sources: session.import(&batch.pages),
        })
    })
    .await?
}

/// Stops the scan in progress after the current read; the page in progress is discarded.
#[tauri::command]
pub async fn cancel_scan() -> Result<(), AppError> {
    CANCEL.store(true, Ordering::Relaxed);
    Ok(())
}
