//! Sổ đăng ký: browse and search the register, its signed checkpoints, audit, audit bundle.

use hoso_office::register::{self as office, Entry};
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;

use super::blocking;
use crate::error::AppError;
use crate::office::Office;

/// One row of the register table.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Entry number.
    pub seq: u64,
    /// When, ISO 8601 +07:00.
    pub time: String,
    /// dossier / signed / copy / other.
    pub kind: String,
    /// Dossier code.
    pub code: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Copy number.
    pub copy_number: Option<String>,
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// Station.
    pub station: String,
}

impl From<Entry> for Row {
    fn from(e: Entry) -> Self {
        Self {
            seq: e.seq,
            sha256: hoso_office::hex(&e.sha256),
            time: e.time,
            kind: e.kind.to_string(),
            code: e.dossier_code,
            title: e.title,
            copy_number: e.copy.as_ref().map(ToString::to_string),
            station: e.station,
        }
    }
}

/// A page of the register.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// Entries in the register.
    pub total: u64,
    /// Matching rows, newest first.
    pub rows: Vec<Row>,
    /// Signed checkpoints (tree heads).
    pub checkpoints: Vec<CheckpointRow>,
    /// The register file.
    pub path: String,
}

/// One signed tree head.
#[derive(Debug, Clone, Serialize)]
pub struct CheckpointRow {
    /// Tree size.
    pub size: u64,
    /// When it was made.
    pub time: String,
}

/// Newest entries matching `query`, at most `limit`.
#[tauri::command]
pub async fn register_page(
    office: State<'_, Office>,
    query: String,
    limit: u64,
) -> Result<Page, AppError> {
    let path = office.register_path();
    blocking(move || {
        let found = office::browse(&path, &query, limit)?;
        Ok(Page {
            total: found.total,
            rows: found.entries.into_iter().map(Row::from).collect(),
            checkpoints: found
                .checkpoints
                .into_iter()
                .map(|(size, time)| CheckpointRow { size, time })
                .collect(),
            path: path.display().to_string(),
        })
    })
    .await?
}

/// The audit's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct AuditSummary {
    /// Nothing wrong.
    pub clean: bool,
    /// Entries read.
    pub entries: u64,
    /// Checkpoints checked.
    pub checkpoints: u64,
    /// The first entry that differs.
    pub first_bad_seq: Option<u64>,
    /// The full report.
    pub report: serde_json::Value,
}

/// Recomputes the whole tree and checks every signed checkpoint.
#[tauri::command]
pub async fn register_audit(office: State<'_, Office>) -> Result<AuditSummary, AppError> {
    let config = office.config();
    blocking(move || {
        let reg = office::open_read_only(&config)?;
        let r = office::audit::audit(&reg, &[], false)?;
        Ok(AuditSummary {
            clean: r.is_clean(),
            entries: r.entries,
            checkpoints: r.checkpoints,
            first_bad_seq: r.first_bad_seq,
            report: serde_json::to_value(&r).unwrap_or_default(),
        })
    })
    .await?
}

/// Writes a self-contained audit bundle into a folder the officer chooses.
#[tauri::command]
pub async fn register_export(app: AppHandle) -> Result<Option<String>, AppError> {
    let handle = app.clone();
    let picked = blocking(move || {
        handle
            .dialog()
            .file()
            .set_title("Chọn thư mục cho gói kiểm toán / choose a folder for the audit bundle")
            .blocking_pick_folder()
    })
    .await?;
    let Some(dir) = picked.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    let config = app.state::<Office>().config();
    blocking(move || {
        let reg = office::open_read_only(&config)?;
        let out = dir.join("hoso-audit-bundle");
        office::audit::export(&reg, &out)?;
        Ok(Some(out.display().to_string()))
    })
    .await?
}
