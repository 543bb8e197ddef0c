//! Ký số: unlock the staff member's key once, then sign one or many PDFs (PAdES B-B, B-T, B-LT
//! or B-LTA), each signed file written beside its original and entered in the register — the
//! keys and sign flows of hoso-office. A failure on one file is listed and the rest go on; the
//! Cancel button stops before the next file.

use hoso_office::config::SignLevel;
use hoso_office::keys::{open_signer, AnySigner, CertificateSummary, PinAnswer, PinPrompt};
use hoso_office::settings::Visible;
use hoso_office::sign::BatchJob;
use hoso_office::sign::{sign_many, tsa_client, SignFailure, SignPlan, SignedBatch};
use hoso_office::{Event, Watch};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;
use zeroize::Zeroizing;

use super::blocking;
use crate::error::AppError;
use crate::office::{Document, Office, Settings};

/// Opens the configured key with `pin` (empty on a token with its own PIN pad).
pub fn unlock(settings: &Settings, pin: String) -> Result<AnySigner, AppError> {
    let source = settings.key_source().ok_or(if settings.use_token {
        AppError::NoTokenModule
    } else {
        AppError::NoSigningKey
    })?;
    let pin = Zeroizing::new(pin);
    let mut answer =
        |p: &PinPrompt| -> PinAnswer { Ok((!(p.pin_pad && pin.is_empty())).then(|| pin.clone())) };
    Ok(open_signer(&source, settings.rsa_padding(), &mut answer)?)
}

/// Opens the configured key — the PKCS#12 file, or a session on the USB token — with the PIN and
/// keeps it for the signing session.
#[tauri::command]
pub async fn unlock_key(
    office: State<'_, Office>,
    pin: String,
) -> Result<CertificateSummary, AppError> {
    let settings = office.settings();
    let signer: AnySigner = blocking(move || unlock(&settings, pin)).await??;
    let summary = CertificateSummary::of_signer(signer.as_ref())?;
    office.set_signer(signer);
    Ok(summary)
}

/// Forgets the unlocked key.
#[tauri::command]
pub async fn lock_key(office: State<'_, Office>) -> Result<(), AppError> {
    office.lock_signer();
    Ok(())
}

/// PDFs chosen in the system dialog, for signing.
#[tauri::command]
pub async fn pick_pdfs(app: AppHandle) -> Result<Vec<Document>, AppError> {
    let handle = app.clone();
    let picked = blocking(move || {
        handle
            .dialog()
            .file()
            .set_title("Chọn tệp PDF / choose PDF files")
            .add_filter("PDF", &["pdf"])
            .blocking_pick_files()
    })
    .await?;
    let office = app.state::<Office>();
    Ok(picked
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.into_path().ok())
        .map(|p| office.add_document(p, None, None))
        .collect())
}

/// One signed file, as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SignedFile {
    /// The signed PDF, as a document the page can verify.
    pub document: Document,
    /// The input's name.
    pub from: String,
    /// SHA-256 of the signed file.
    pub sha256: String,
    /// Register sequence number.
    pub seq: u64,
    /// QR payload for the register entry.
    pub qr: String,
    /// B-B … B-LTA.
    pub level: String,
    /// The signer's certificate could not be checked for revocation before signing (responder
    /// unreachable): signed anyway, and the officer must see why. Vietnamese first.
    pub revocation_warning: Option<String>,
    /// The PDF/A check of the signed file.
    pub pdfa: hoso_office::pdfa::PdfaOutcome,
}

/// A batch's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct SignBatch {
    /// Signed files, in order.
    pub signed: Vec<SignedFile>,
    /// Failures, in order (the original untouched, no output written).
    pub failed: Vec<SignFailure>,
    /// Files not started because the officer cancelled.
    pub not_started: usize,
    /// Signed files whose register entries could not be written (the files exist), and why.
    pub register_error: Option<String>,
}

/// The signing plan: `level` (else the settings'), the settings' TSA and trust roots.
pub fn plan(
    office: &Office,
    level: Option<SignLevel>,
    visible: Visible,
) -> Result<SignPlan, AppError> {
    let config = office.config();
    let tsa = tsa_client(&config, None, &[], false)?;
    let mut plan = SignPlan::new(&config, level, tsa)?;
    plan.visible = (config.settings.visible_kind(visible)?).map(|k| (k, Default::default()));
    Ok(plan)
}

impl SignedFile {
    /// `s`, signed from one of `docs`, as a document the page can use.
    fn new(office: &Office, docs: &[Document], s: hoso_office::sign::SignedFile) -> Self {
        let revocation_warning = s.revocation_warning();
        let (document, from) = office.add_derived(docs, &s.input, s.path.clone());
        Self {
            document,
            from,
            sha256: s.registered.sha256,
            seq: s.registered.seq,
            qr: s.registered.qr,
            level: s.level,
            revocation_warning,
            pdfa: s.pdfa,
        }
    }
}

/// Signs the documents `ids` with `signer`: each beside its original as `<name>-da-ky.pdf`.
pub fn sign_ids(
    office: &Office,
    signer: &(dyn hoso_office::keys::Signer + Sync),
    plan: &SignPlan,
    ids: &[u64],
    watch: &Watch,
) -> Result<SignBatch, AppError> {
    let docs = office.documents(ids)?;
    let jobs: Vec<BatchJob> = docs
        .iter()
        .map(|d| BatchJob {
            input: d.file.clone(),
            output: d.sibling("da-ky"),
        })
        .collect();
    let done: SignedBatch = sign_many(&office.config(), signer, plan, &jobs, 1, watch)?;
    Ok(SignBatch {
        signed: (done.signed.into_iter())
            .map(|s| SignedFile::new(office, &docs, s))
            .collect(),
        failed: done.failed,
        not_started: done.not_started,
        register_error: done.register_error,
    })
}

/// Signs each document with the unlocked key at `level` (B-B, B-T, B-LT, B-LTA; default from
/// the settings), streaming one progress event per file; `cancel_flow` stops the batch.
#[tauri::command]
pub async fn sign_documents(
    app: AppHandle,
    ids: Vec<u64>,
    visible: Visible,
    level: Option<SignLevel>,
    progress: Channel<Event>,
) -> Result<SignBatch, AppError> {
    blocking(move || {
        let office = app.state::<Office>();
        let plan = plan(&office, level, visible)?;
        let send = |e: Event| {
            let _ = progress.send(e);
        };
        let watch = Watch::new(&send, office.start_flow());
        office.with_signer(|signer| {
            let signer = signer.ok_or(AppError::KeyLocked)?;
            sign_ids(&office, signer, &plan, &ids, &watch)
        })
    })
    .await?
}
