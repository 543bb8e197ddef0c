//! Tra cứu: a PDF (chosen, dropped, or just signed) or a QR payload becomes one card in plain
//! words — green, amber or red — with the full technical report one click away. Used by the
//! officer's window and by the kiosk, which may call only these commands and `app_info`.
//!
//! The card is hoso-office's [`Checked`]: the same flow and the same verdict as `hoso verify`.

use std::path::PathBuf;

use hoso_office::check::{self, words::Lang, CheckOptions, Checked};
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;

use super::{blocking, pick_save_pdf};
use crate::error::AppError;
use crate::office::{Document, Office};
use crate::usb::{UsbFile, UsbPicker};

/// The card for a document the app holds (no window needed: parity tests call it).
pub fn check_document(office: &Office, id: u64) -> Result<Checked, AppError> {
    let doc = office.document(id).ok_or(AppError::UnknownDocument(id))?;
    let opts = CheckOptions::from_settings(&office.settings())?;
    Ok(check::check_file(&office.config(), &doc.file, &opts)?)
}

/// The card for a QR payload (no window needed).
pub fn check_payload(office: &Office, payload: &str) -> Result<Checked, AppError> {
    Ok(check::check_qr(&office.config(), payload)?)
}

/// Checks a document the app holds (built, signed, chosen or dropped).
#[tauri::command]
pub async fn verify_document(app: AppHandle, id: u64) -> Result<Checked, AppError> {
    blocking(move || check_document(&app.state::<Office>(), id)).await?
}

/// Officer: a PDF chosen in the system dialog, to check.
#[tauri::command]
pub async fn pick_pdf_to_verify(app: AppHandle) -> Result<Option<Document>, AppError> {
    let handle = app.clone();
    let picked = blocking(move || {
        handle
            .dialog()
            .file()
            .set_title("Chọn tệp cần kiểm tra / choose the file to check")
            .add_filter("PDF", &["pdf"])
            .blocking_pick_file()
    })
    .await?;
    Ok(picked
        .and_then(|p| p.into_path().ok())
        .map(|p| app.state::<Office>().add_document(p, None, None)))
}

/// Looks a QR payload (`HS1:…`, typed or from a barcode reader) up in the register.
#[tauri::command]
pub async fn lookup_qr(app: AppHandle, payload: String) -> Result<Checked, AppError> {
    blocking(move || check_payload(&app.state::<Office>(), &payload)).await?
}

/// Writes the report a clerk files (PDF/A) for a checked document to `out`, in `lang`.
pub fn save_report(
    office: &Office,
    id: u64,
    lang: Lang,
    out: &std::path::Path,
) -> Result<(), AppError> {
    let checked = check_document(office, id)?;
    Ok(check::pdf::write(&checked, lang, out)?)
}

/// Officer: "Lưu biên bản kiểm tra (PDF)" — checks the document again and saves its report where
/// the officer chooses; `None` when the dialog was cancelled.
#[tauri::command]
pub async fn save_verify_report(
    app: AppHandle,
    office: State<'_, Office>,
    id: u64,
    lang: String,
) -> Result<Option<String>, AppError> {
    let lang: Lang = lang.parse().unwrap_or_default();
    let name = office
        .document(id)
        .map(|d| format!("bien-ban-kiem-tra-{}", d.name))
        .unwrap_or_else(|| "bien-ban-kiem-tra.pdf".into());
    let picked = pick_save_pdf(
        &app,
        "Lưu biên bản kiểm tra / save the validation report",
        name,
    )
    .await?;
    let Some(out) = picked else {
        return Ok(None);
    };
    blocking(move || {
        save_report(&app.state::<Office>(), id, lang, &out)?;
        Ok::<_, AppError>(Some(PathBuf::from(&out).display().to_string()))
    })
    .await?
}

/// Kiosk: "Chọn tệp từ USB" — the PDFs on the removable drives (`None`: no drive plugged in).
#[tauri::command]
pub async fn usb_documents(app: AppHandle) -> Result<Option<Vec<UsbFile>>, AppError> {
    blocking(move || app.state::<UsbPicker>().list()).await
}

/// Kiosk: checks file number `index` of the last USB listing and returns it as a document.
#[tauri::command]
pub async fn open_usb_document(app: AppHandle, index: usize) -> Result<Document, AppError> {
    let file = app
        .state::<UsbPicker>()
        .take(index)
        .ok_or(AppError::UnknownDocument(index as u64))?;
    Ok(app.state::<Office>().add_document(file, None, None))
}
