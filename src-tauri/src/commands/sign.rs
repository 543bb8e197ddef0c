//! Ký số: unlock the staff member's key once, then sign one or many PDFs (PAdES B-B, B-T, B-LT
//! or B-LTA), each signed file written beside its original and entered in the register — the
//! keys and sign flows of hoso-office. A failure on one file is listed and the rest go on; the
//! Cancel button stops before the next file.

use hoso_office::config::SignLevel;
use hoso_office::keys::{open_signer, AnySigner, CertificateSummary, PinAnswer, PinPrompt};
use hoso_office::preview::{render_page, signature_box as signature_box_of, SignatureBox};
use hoso_office::settings::Visible;
use hoso_office::sign::BatchJob;
use hoso_office::sign::{sign_many, tsa_client, Placement, SignFailure, SignPlan, SignedBatch};
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

/// The chosen token before the PIN is typed: its label, how many PIN tries are left as far as
/// PKCS#11 tells (`CKF_USER_PIN_COUNT_LOW`, `_FINAL_TRY`, `_LOCKED`; the standard gives no
/// number), and the certificates on it (public objects, readable without logging in).
#[derive(Debug, Clone, Serialize)]
pub struct TokenStatus {
    /// The token's label.
    pub label: String,
    /// `ok`, `low`, `final_try` or `locked`.
    pub pin_tries: &'static str,
    /// The PIN is typed on the device (PIN pad).
    pub pin_pad: bool,
    /// The certificates on the token.
    pub certificates: Vec<TokenCertificate>,
}

/// One certificate on a token, as the page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct TokenCertificate {
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// notBefore, ISO 8601 +07:00.
    pub not_before: String,
    /// notAfter, ISO 8601 +07:00.
    pub not_after: String,
}

/// The configured token's status, or `None` when the key source is not a token, no token is
/// inserted, or a key is unlocked (the module is in use: it is not loaded a second time).
pub fn token_status_of(office: &Office) -> Option<TokenStatus> {
    let settings = office.settings();
    if !settings.use_token || office.has_signer() {
        return None;
    }
    let module = settings.pkcs11.clone()?;
    let listed = hoso_office::keys::list_tokens(&[module]).ok()?;
    let slots = listed.into_iter().find_map(|m| match m.listed {
        hoso_office::keys::Listed::Slots { slots, .. } => Some(slots),
        hoso_office::keys::Listed::Error { .. } => None,
    })?;
    let want = settings.token_label.as_deref().filter(|l| !l.is_empty());
    let token = slots
        .into_iter()
        .filter_map(|s| s.token)
        .find(|t| want.is_none_or(|l| t.label.trim() == l))?;
    let pin_tries = if token.pin_locked {
        "locked"
    } else if token.pin_final_try {
        "final_try"
    } else if token.pin_count_low {
        "low"
    } else {
        "ok"
    };
    Some(TokenStatus {
        label: token.label.trim().to_owned(),
        pin_tries,
        pin_pad: token.protected_authentication_path,
        certificates: token
            .certificates
            .into_iter()
            .filter(|c| !c.is_ca)
            .map(|c| TokenCertificate {
                subject: c.subject,
                issuer: c.issuer,
                not_before: c.not_before,
                not_after: c.not_after,
            })
            .collect(),
    })
}

/// Ký số: the chosen token's PIN tries and certificates, shown before the PIN is typed.
#[tauri::command]
pub async fn token_status(app: AppHandle) -> Result<Option<TokenStatus>, AppError> {
    blocking(move || token_status_of(&app.state::<Office>())).await
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

/// Ký số: the page a visible signature goes on (default the last), drawn for the screen, as
/// PNG bytes.
#[tauri::command]
pub async fn page_preview(
    app: AppHandle,
    id: u64,
    page: Option<usize>,
) -> Result<tauri::ipc::Response, AppError> {
    blocking(move || {
        let doc = app
            .state::<Office>()
            .document(id)
            .ok_or(AppError::UnknownDocument(id))?;
        let pdf = std::fs::read(&doc.file).map_err(|e| AppError::Preview {
            path: doc.file.clone(),
            reason: e.to_string(),
        })?;
        let shown = render_page(&pdf, page, PREVIEW_SIDE_PX).map_err(|e| AppError::Preview {
            path: doc.file.clone(),
            reason: e.to_string(),
        })?;
        Ok(tauri::ipc::Response::new(shown.png))
    })
    .await?
}

/// Longer side of the page drawn for placing a signature, in pixels.
const PREVIEW_SIDE_PX: u32 = 900;

/// Ký số: where the automatic placement (the signer block on the page) puts the visible
/// signature `visible` on document `id`: the box the officer starts dragging from.
#[tauri::command]
pub async fn signature_box(
    app: AppHandle,
    id: u64,
    visible: Visible,
) -> Result<Option<SignatureBox>, AppError> {
    blocking(move || {
        let office = app.state::<Office>();
        let doc = office.document(id).ok_or(AppError::UnknownDocument(id))?;
        let Some(kind) = office.settings().visible_kind(visible)? else {
            return Ok(None);
        };
        let pdf = std::fs::read(&doc.file).map_err(|e| AppError::Preview {
            path: doc.file.clone(),
            reason: e.to_string(),
        })?;
        signature_box_of(&pdf, &kind, None)
            .map(Some)
            .map_err(|e| AppError::Preview {
                path: doc.file.clone(),
                reason: e.to_string(),
            })
    })
    .await?
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
#[cfg(test)]
pub fn plan(
    office: &Office,
    level: Option<SignLevel>,
    visible: Visible,
) -> Result<SignPlan, AppError> {
    plan_at(office, level, visible, Placement::default())
}

/// [`plan`] with the visible signature at `placement` (a box the officer dragged).
pub fn plan_at(
    office: &Office,
    level: Option<SignLevel>,
    visible: Visible,
    placement: Placement,
) -> Result<SignPlan, AppError> {
    let config = office.config();
    let tsa = tsa_client(&config, None, &[], false)?;
    let mut plan = SignPlan::new(&config, level, tsa)?;
    plan.visible = (config.settings.visible_kind(visible)?).map(|k| (k, placement));
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
/// the settings), the visible signature centred at `at` (mm from the top left of 0-based `page`)
/// when the officer placed it, else where the signer block is, streaming one progress event per file; `cancel_flow` stops the batch.
#[tauri::command]
pub async fn sign_documents(
    app: AppHandle,
    ids: Vec<u64>,
    visible: Visible,
    level: Option<SignLevel>,
    at: Option<(f32, f32)>,
    page: Option<usize>,
    progress: Channel<Event>,
) -> Result<SignBatch, AppError> {
    blocking(move || {
        let office = app.state::<Office>();
        let placement = Placement {
            page_index: page,
            at_mm: at,
        };
        let plan = plan_at(&office, level, visible, placement)?;
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
