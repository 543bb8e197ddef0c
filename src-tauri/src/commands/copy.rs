//! Sao y: electronic certified copies of the queued documents, signed with the unlocked key in
//! the office's name, each numbered from the register (the next number is shown before) — a
//! thin door onto [`hoso_office::copy::copy_many`].

use hoso_office::copy::{copy_many, CopyFailure, CopyKind, CopyOutcome};
use hoso_office::register::peek_copy_number;
use hoso_office::{Event, Watch};
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};

use super::blocking;
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
        Ok(peek_copy_number(
            &app.state::<Office>().config(),
            form.into(),
        )?)
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
    pub failed: Vec<CopyFailure>,
    /// Originals not started because the officer cancelled.
    pub not_started: usize,
}

/// What the officer chose in the copy panel.
#[derive(Debug, Clone, Deserialize)]
pub struct CopyChoices {
    /// Sao y, sao lục or trích sao.
    pub form: Form,
    /// Print the QR verification mark.
    pub qr: bool,
    /// The officer declares the originals scans of paper (Decree 30/2020 Art. 25.1).
    #[serde(default)]
    pub from_paper: bool,
    /// A trích sao's extract as typed (`2-3`, `4`).
    #[serde(default)]
    pub pages: Option<String>,
}

/// Copies the documents `ids` with `signer` in the office's name (settings), each as
/// `<name>-ban-sao.pdf` beside its original.
pub fn copy_ids(
    office: &Office,
    signer: &dyn hoso_office::keys::Signer,
    ids: &[u64],
    choices: &CopyChoices,
    watch: &Watch,
) -> Result<CopyBatch, AppError> {
    let pages = match choices.pages.as_deref().map(str::trim) {
        Some(p) if !p.is_empty() => {
            Some(hoso_office::copy::parse_pages(p).map_err(AppError::BadPages)?)
        }
        _ => None,
    };
    let req = office.settings().copy_request(
        choices.form.into(),
        choices.qr,
        choices.from_paper,
        pages,
    )?;
    let docs = office.documents(ids)?;
    let jobs: Vec<_> = docs
        .iter()
        .map(|d| (d.file.clone(), d.sibling("ban-sao")))
        .collect();
    let done = copy_many(&office.config(), signer, &jobs, &req, watch)?;
    let made = done
        .made
        .into_iter()
        .map(|outcome| {
            let (document, from) =
                office.add_derived(&docs, &outcome.original, outcome.path.clone());
            CopyMade {
                document,
                from,
                outcome,
            }
        })
        .collect();
    Ok(CopyBatch {
        made,
        failed: done.failed,
        not_started: done.not_started,
    })
}

/// Makes a certified copy of each document, streaming one progress event per file;
/// `cancel_flow` stops before the next one.
#[tauri::command]
pub async fn make_copies(
    app: AppHandle,
    ids: Vec<u64>,
    choices: CopyChoices,
    progress: Channel<Event>,
) -> Result<CopyBatch, AppError> {
    blocking(move || {
        let office = app.state::<Office>();
        let send = |e: Event| {
            let _ = progress.send(e);
        };
        let watch = Watch::new(&send, office.start_flow());
        office.with_signer(|signer| {
            let signer = signer.ok_or(AppError::KeyLocked)?;
            copy_ids(&office, signer, &ids, &choices, &watch)
        })
    })
    .await?
}
