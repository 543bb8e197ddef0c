//! Cài đặt: the station's settings, and the dialogs that choose its files.

use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;

use hoso_office::settings::{token_modules as registered_modules, StampImageKind};

use super::blocking;
use crate::error::AppError;
use crate::office::{Office, Settings};

/// The current settings.
#[tauri::command]
pub async fn get_settings(office: State<'_, Office>) -> Result<Settings, AppError> {
    Ok(office.settings())
}

/// Saves the fields the page edits (names, TSA, demo trust); files are chosen by dialog.
#[tauri::command]
pub async fn save_settings(
    office: State<'_, Office>,
    office_name: String,
    org_code: String,
    station: String,
    tsa: String,
) -> Result<Settings, AppError> {
    let mut s = office.settings();
    s.office = office_name.trim().to_owned();
    // The register accepts letters, digits, '-' and '.' (up to 32); checked when a copy is made.
    s.org_code = org_code.trim().to_owned();
    s.station = station.trim().to_owned();
    s.tsa = Some(tsa.trim().to_owned()).filter(|t| !t.is_empty());
    office.set_settings(s)?;
    Ok(office.settings())
}

async fn pick_one(
    app: &AppHandle,
    title: &'static str,
    ext: &'static [&'static str],
) -> Result<Option<std::path::PathBuf>, AppError> {
    let handle = app.clone();
    let picked = blocking(move || {
        handle
            .dialog()
            .file()
            .set_title(title)
            .add_filter(title, ext)
            .blocking_pick_file()
    })
    .await?;
    Ok(picked.and_then(|p| p.into_path().ok()))
}

/// Chooses the staff member's PKCS#12 file.
#[tauri::command]
pub async fn pick_p12(app: AppHandle) -> Result<Settings, AppError> {
    let office = app.state::<Office>();
    if let Some(p) = pick_one(&app, "Tệp khóa PKCS#12 / PKCS#12 key file", &["p12", "pfx"]).await?
    {
        let mut s = office.settings();
        s.p12 = Some(p);
        office.set_settings(s)?;
    }
    Ok(office.settings())
}

/// Chooses between the PKCS#12 file and the USB token, and which token (by label).
#[tauri::command]
pub async fn set_key_source(
    office: State<'_, Office>,
    use_token: bool,
    token_label: String,
) -> Result<Settings, AppError> {
    let mut s = office.settings();
    s.use_token = use_token;
    s.token_label = Some(token_label.trim().to_owned()).filter(|l| !l.is_empty());
    office.set_settings(s)?;
    Ok(office.settings())
}

/// PKCS#11 libraries registered on this machine (p11-kit), to choose the token's from.
#[tauri::command]
pub async fn token_modules() -> Result<Vec<String>, AppError> {
    Ok(registered_modules()
        .into_iter()
        .map(|p| p.display().to_string())
        .collect())
}

/// Sets the token's PKCS#11 library: one of [`token_modules`], or one chosen in the dialog
/// (`path` empty).
#[tauri::command]
pub async fn pick_pkcs11(app: AppHandle, path: String) -> Result<Settings, AppError> {
    let office = app.state::<Office>();
    let mut s = office.settings();
    // Only a library this machine registered may be named by the page.
    let changed = if path.is_empty() {
        let title = "Thư viện PKCS#11 / PKCS#11 library";
        let picked = pick_one(&app, title, &["so", "dll", "dylib"]).await?;
        let chosen = picked.is_some();
        s.pkcs11 = picked.or(s.pkcs11);
        chosen
    } else {
        s.set_registered_module(&path)
    };
    if changed {
        office.set_settings(s)?;
    }
    Ok(office.settings())
}

/// Chooses the signature image (`which` = "signature") or the seal image ("seal"); each is
/// checked against the Decree's rules before it is kept.
#[tauri::command]
pub async fn pick_stamp_image(app: AppHandle, which: String) -> Result<Settings, AppError> {
    let office = app.state::<Office>();
    let (kind, title) = if which == "seal" {
        (StampImageKind::Seal, "Ảnh con dấu (PNG) / seal image (PNG)")
    } else {
        let title = "Ảnh chữ ký (PNG) / signature image (PNG)";
        (StampImageKind::Signature, title)
    };
    if let Some(p) = pick_one(&app, title, &["png"]).await? {
        let mut s = office.settings();
        s.set_stamp_image(kind, &p)?;
        office.set_settings(s)?;
    }
    Ok(office.settings())
}

/// Adds a trusted root certificate.
#[tauri::command]
pub async fn add_trust_root(app: AppHandle) -> Result<Settings, AppError> {
    let office = app.state::<Office>();
    if let Some(p) = pick_one(
        &app,
        "Chứng thư gốc / root certificate",
        &["pem", "crt", "cer", "der"],
    )
    .await?
    {
        let mut s = office.settings();
        s.add_trust_root(&p)?;
        office.set_settings(s)?;
    }
    Ok(office.settings())
}
