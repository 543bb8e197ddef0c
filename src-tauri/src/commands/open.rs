//! "Mở tệp" and "Mở thư mục" after building, signing or copying (issue 21 point 2): the file
//! opens in the system's PDF viewer, or its folder in the file manager. Only documents the app
//! holds (by id) can be opened; the page never names a path.

use std::path::Path;
use std::process::Command;

use tauri::{AppHandle, Manager, State};

use super::{blocking, pick_save_pdf};
use crate::error::AppError;
use crate::office::Office;

/// The command that shows `path` with the desktop's default application.
fn opener(path: &Path) -> Command {
    #[cfg(target_os = "windows")]
    {
        let mut c = Command::new("explorer");
        c.arg(path);
        c
    }
    #[cfg(target_os = "macos")]
    {
        let mut c = Command::new("open");
        c.arg(path);
        c
    }
    #[cfg(not(any(target_os = "windows", target_os = "macos")))]
    {
        let mut c = Command::new("xdg-open");
        c.arg(path);
        c
    }
}

/// Opens document `id` (`folder`: its folder instead) with the desktop's default application.
#[tauri::command]
pub async fn open_document(
    office: State<'_, Office>,
    id: u64,
    folder: bool,
) -> Result<(), AppError> {
    let doc = office.document(id).ok_or(AppError::UnknownDocument(id))?;
    let target = if folder {
        doc.file.parent().unwrap_or(Path::new(".")).to_path_buf()
    } else {
        doc.file.clone()
    };
    let mut child = opener(&target)
        .spawn()
        .map_err(|e| AppError::Open(format!("{}: {e}", target.display())))?;
    // Reap the opener when it exits (xdg-open returns at once; no zombie is left behind).
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

/// "Lưu bản sao…": document `id` copied byte for byte where the officer chooses (a USB stick,
/// the province's shared folder), checked after writing; the path saved, or `None` when the
/// dialog was closed.
#[tauri::command]
pub async fn save_document_as(app: AppHandle, id: u64) -> Result<Option<String>, AppError> {
    let doc = app
        .state::<Office>()
        .document(id)
        .ok_or(AppError::UnknownDocument(id))?;
    let picked = pick_save_pdf(
        &app,
        "Lưu bản sao của tệp / save a copy of the file",
        doc.name.clone(),
    )
    .await?;
    let Some(out) = picked else {
        return Ok(None);
    };
    blocking(move || {
        hoso_office::archive::save_copy(&doc.file, &out)?;
        Ok::<_, AppError>(Some(out.display().to_string()))
    })
    .await?
}
