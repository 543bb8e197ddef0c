//! Sao y: electronic certified copies of the queued documents, signed with the unlocked key in
//! the office's name, each numbered from the register (the next number is shown before) — a
//! thin door onto [`hoso_stamp::copy::make_copy`].

use std::time::SystemTime;

use hoso_register::{CreateOptions, Register};
use hoso_stamp::copy::{make_copy, CopyOutcome, CopyRequest};
use hoso_stamp::CopyKind;
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use super::blocking;
use super::sign::{SignFailure, SignProgress};
use crate::error::AppError;
use crate::office::{Document, Office};

/// The copy form the officer chose.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    /// Sao y (SY).
    SaoY,
    /// Sao lục (SL).
    SaoLuc,
    /// Trích sao (TrS).
    TrichSao,
}

impl From<Form> for CopyKind {
    fn from(f: Form) -> Self {
        match f {
            Form::SaoY => CopyKind::SaoY,
            Form::SaoLuc => CopyKind::SaoLuc,
            Form::TrichSao => CopyKind::TrichSao,
        }
    }
}

/// The number the next copy of `form` will get (nothing is consumed by asking).
#[tauri::command]
pub async fn next_copy_number(office: State<'_, Office>, form: Form) -> Result<String, AppError> {
    let settings = office.settings();
    let code = settings.copy_org_code();
    let path = office.register_path();
    let station = office.station();
    blocking(move || {
        let mut reg = Register::open_or_create(&path, &CreateOptions::for_station(&station))?;
        let reservation = reg.reserve_copy(&code, CopyKind::from(form).form())?;
        let number = reservation.number().to_string();
        reservation.abort();
        Ok(number)
    })
    .await?
}

/// One copy made.
#[derive(Debug, Clone, Serialize)]
pub struct CopyMade {
    /// The copy, as a document the page can verify.
    pub document: Document,
    /// The original's name.
    pub from: String,
    /// Number, hashes, register entries, QR text.
    pub outcome: CopyOutcome,
}

/// A batch of copies.
#[derive(Debug, Clone, Serialize)]
pub struct CopyBatch {
    /// Copies made, in order.
    pub made: Vec<CopyMade>,
    /// Originals not copied (no file written, no number used).
    pub failed: Vec<SignFailure>,
}

/// Makes a certified copy of each document, streaming one progress event per file.
#[tauri::command]
pub async fn make_copies(
    app: AppHandle,
    ids: Vec<u64>,
    form: Form,
    qr: bool,
    progress: Channel<SignProgress>,
) -> Result<CopyBatch, AppError> {
    blocking(move || {
        let office = app.state::<Office>();
        let settings = office.settings();
        if settings.office.trim().is_empty() {
            return Err(AppError::MissingSetting("tên cơ quan / the office's name"));
        }
        let station = office.station();
        let mut reg = Register::open_or_create(
            &office.register_path(),
            &CreateOptions::for_station(&station),
        )?;
        reg.set_station(&station);
        office.with_signer(|signer| {
            let signer = signer.ok_or(AppError::KeyLocked)?;
            let mut batch = CopyBatch {
                made: Vec::new(),
                failed: Vec::new(),
            };
            let total = ids.len();
            for (i, id) in ids.iter().enumerate() {
                let doc = office.document(*id).ok_or(AppError::UnknownDocument(*id))?;
                let req = CopyRequest {
                    kind: form.into(),
                    org: settings.office.trim().to_owned(),
                    org_code: settings.copy_org_code(),
                    qr,
                    time: SystemTime::now(),
                };
                let dir = doc
                    .file
                    .parent()
                    .map(|p| p.to_path_buf())
                    .unwrap_or_else(|| std::path::PathBuf::from("."));
                let stem = doc
                    .file
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "tai-lieu".into());
                let out = crate::workspace::free_name(&dir, &format!("{stem}-ban-sao"));
                let r = make_copy(&doc.file, &out, &req, signer, &mut reg);
                let ok = r.is_ok();
                match r {
                    Ok(outcome) => batch.made.push(CopyMade {
                        document: office.add_document(
                            outcome.path.clone(),
                            doc.code.clone(),
                            doc.title.clone(),
                        ),
                        from: doc.name.clone(),
                        outcome,
                    }),
                    Err(e) => batch.failed.push(SignFailure {
                        name: doc.name.clone(),
                        message: e.to_string(),
                    }),
                }
                let _ = progress.send(SignProgress {
                    done: i + 1,
                    total,
                    name: doc.name.clone(),
                    ok,
                });
            }
            Ok(batch)
        })
    })
    .await?
}
