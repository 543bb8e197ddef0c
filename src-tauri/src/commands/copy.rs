//! Sao y: electronic certified copies of the queued documents, signed with the unlocked key in
//! the office's name, each numbered from the register (the next number is shown before) — a
//! thin door onto [`hoso_stamp::copy::make_copy`].

use std::time::SystemTime;

use hoso_stamp::copy::{make_copy, CopyOutcome, CopyRequest};
use hoso_stamp::CopyKind;
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};

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
pub async fn next_copy_number(app: AppHandle, form: Form) -> Result<String, AppError> {
    blocking(move || {
        let office = app.state::<Office>();
        let code = office.settings().copy_org_code();
        let mut reg = office.open_register()?;
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
        let mut reg = office.open_register()?;
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
                let out = doc.sibling("ban-sao");
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
