//! Ký số: unlock the staff member's key once, then sign one or many PDFs (PAdES, B-B, or B-T
//! when a TSA is set), each signed file written beside the workspace's dossiers and entered in
//! the register. A failure on one file is listed and the rest go on.

use std::time::SystemTime;

use hoso_register::{EntryKind, NewEntry};
use hoso_sign::sign::{sign_pdf, Level, SignOptions};
use hoso_sign::signer::{Pkcs12Signer, Signer};
use hoso_sign::tsp::TsaClient;
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;
use x509_cert::der::Encode;
use x509_cert::Certificate;

use super::blocking;
use crate::error::AppError;
use crate::office::{AnySigner, Document, Office, Registered, Settings};
use hoso_token::{Login, Module, SlotSelector};

/// What the staff member sees of a certificate before signing with it.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateSummary {
    /// Owner (subject DN).
    pub subject: String,
    /// Issuing CA (issuer DN).
    pub issuer: String,
    /// Valid from, ISO 8601 in +07:00.
    pub not_before: String,
    /// Valid until, ISO 8601 in +07:00.
    pub not_after: String,
    /// Whether it is valid now.
    pub valid_now: bool,
    /// SHA-256 of the certificate, lower-case hex.
    pub fingerprint: String,
    /// Issued by the DEMO PKI.
    pub demo: bool,
}

/// Lower-case hex SHA-256 of a certificate's DER.
pub fn fingerprint(c: &Certificate) -> String {
    use sha2::Digest;
    let der = c.to_der().unwrap_or_default();
    sha2::Sha256::digest(&der)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl CertificateSummary {
    /// The summary of `c`.
    pub fn of(c: &Certificate) -> Self {
        let v = &c.tbs_certificate.validity;
        let nb = v.not_before.to_system_time();
        let na = v.not_after.to_system_time();
        let now = SystemTime::now();
        let subject = hoso_sign::chain::subject(c);
        let issuer = c.tbs_certificate.issuer.to_string();
        Self {
            demo: subject.contains("DEMO") || issuer.contains("DEMO"),
            subject,
            issuer,
            not_before: hoso_sign::time::iso8601_vn(nb),
            not_after: hoso_sign::time::iso8601_vn(na),
            valid_now: nb <= now && now <= na,
            fingerprint: fingerprint(c),
        }
    }
}

fn open_token(settings: &Settings, pin: String) -> Result<AnySigner, AppError> {
    let module = settings.pkcs11.as_ref().ok_or(AppError::NoTokenModule)?;
    let module = Module::load(module)?;
    let selector = match settings.token_label.as_deref().map(str::trim) {
        Some(label) if !label.is_empty() => SlotSelector::TokenLabel(label.to_owned()),
        _ => SlotSelector::Only,
    };
    let token = module.token(&selector)?;
    // A token with its own PIN pad asks there; the page's PIN field stays empty.
    let login = if pin.is_empty() && token.protected_authentication_path() {
        Login::ProtectedPath
    } else {
        Login::Pin(pin.into())
    };
    Ok(Box::new(token.login(login, None, false)?))
}

/// Opens the configured key — the PKCS#12 file, or a session on the USB token — with the PIN and
/// keeps it for the signing session.
#[tauri::command]
pub async fn unlock_key(
    office: State<'_, Office>,
    pin: String,
) -> Result<CertificateSummary, AppError> {
    let settings = office.settings();
    let signer: AnySigner = blocking(move || -> Result<AnySigner, AppError> {
        if settings.use_token {
            open_token(&settings, pin)
        } else {
            let p12 = settings.p12.ok_or(AppError::NoSigningKey)?;
            Ok(Box::new(Pkcs12Signer::open(&p12, &pin, false)?))
        }
    })
    .await??;
    let cert = signer
        .certificate_chain()
        .first()
        .ok_or(AppError::NoSigningKey)?;
    let summary = CertificateSummary::of(cert);
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

/// Progress per file.
#[derive(Debug, Clone, Serialize)]
pub struct SignProgress {
    /// Files finished (signed or failed).
    pub done: usize,
    /// Files in the batch.
    pub total: usize,
    /// The file just finished.
    pub name: String,
    /// Whether it was signed.
    pub ok: bool,
}

/// One signed file.
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
    /// B-B or B-T.
    pub level: String,
}

/// One file that could not be signed; its original is untouched and no output exists.
#[derive(Debug, Clone, Serialize)]
pub struct SignFailure {
    /// The input's name.
    pub name: String,
    /// Why, Vietnamese first.
    pub message: String,
}

/// A batch's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct SignBatch {
    /// Signed files, in order.
    pub signed: Vec<SignedFile>,
    /// Failures, in order.
    pub failed: Vec<SignFailure>,
}

/// Which visible signature, if any (Decree 30/2020 Appendix I).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visible {
    /// No appearance.
    None,
    /// The competent person's signature image between the title and name lines.
    Signature,
    /// The office's seal over the left third of the person's signature (the second signature).
    Seal,
}

fn read_image(path: Option<&std::path::Path>, what: &'static str) -> Result<Vec<u8>, AppError> {
    let path = path.ok_or(AppError::MissingSetting(what))?;
    std::fs::read(path).map_err(|source| AppError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// The widget for `visible` on `doc`, from the images in the settings.
fn appearance(
    settings: &Settings,
    visible: Visible,
    doc: &Document,
    time: SystemTime,
) -> Result<Option<hoso_sign::appearance::VisibleSignature>, AppError> {
    let kind = match visible {
        Visible::None => return Ok(None),
        Visible::Signature => hoso_stamp::visible::VisibleKind::Signature {
            png: read_image(
                settings.signature_image.as_deref(),
                "ảnh chữ ký / signature image",
            )?,
        },
        Visible::Seal => hoso_stamp::visible::VisibleKind::Seal {
            png: read_image(settings.seal_image.as_deref(), "ảnh con dấu / seal image")?,
            seal_mm: None,
        },
    };
    let pdf = std::fs::read(&doc.file).map_err(|source| AppError::Read {
        path: doc.file.clone(),
        source,
    })?;
    let plan = hoso_stamp::visible::plan(&pdf, &kind, Default::default(), time)?;
    Ok(Some(plan.signature))
}

fn sign_one(
    office: &Office,
    signer: &dyn Signer,
    tsa: Option<&TsaClient>,
    doc: &Document,
    fingerprint: &str,
    visible: Visible,
) -> Result<SignedFile, AppError> {
    let out = doc.sibling("da-ky");
    let signing_time = SystemTime::now();
    let opts = SignOptions {
        level: if tsa.is_some() { Level::BT } else { Level::BB },
        signing_time,
        appearance: appearance(&office.settings(), visible, doc, signing_time)?,
        ..SignOptions::default()
    };
    let done = sign_pdf(&doc.file, &out, &opts, signer, tsa)?;
    let mut entry = NewEntry::new(EntryKind::Signed, [0; 32]);
    entry.dossier_code = doc.code.clone();
    entry.title = doc.title.clone();
    entry.signer_fingerprint = Some(fingerprint.to_owned());
    let Registered { sha256, seq, qr } = office.register_file(&done.path, entry)?;
    let document = office.add_document(done.path.clone(), doc.code.clone(), doc.title.clone());
    Ok(SignedFile {
        document,
        from: doc.name.clone(),
        sha256: hoso_register::hex(&sha256),
        seq,
        qr,
        level: format!("{:?}", done.level),
    })
}

/// Signs each document with the unlocked key, streaming one progress event per file.
#[tauri::command]
pub async fn sign_documents(
    app: AppHandle,
    ids: Vec<u64>,
    visible: Visible,
    progress: Channel<SignProgress>,
) -> Result<SignBatch, AppError> {
    blocking(move || {
        let office = app.state::<Office>();
        let settings = office.settings();
        let tsa = match &settings.tsa {
            Some(url) if !url.trim().is_empty() => {
                Some(TsaClient::new(url, settings.trust_store()?))
            }
            _ => None,
        };
        office.with_signer(|signer| {
            let signer = signer.ok_or(AppError::KeyLocked)?;
            let fp = signer
                .certificate_chain()
                .first()
                .map(fingerprint)
                .ok_or(AppError::NoSigningKey)?;
            let mut batch = SignBatch {
                signed: Vec::new(),
                failed: Vec::new(),
            };
            let total = ids.len();
            for (i, id) in ids.iter().enumerate() {
                let doc = office.document(*id).ok_or(AppError::UnknownDocument(*id))?;
                let r = sign_one(&office, signer, tsa.as_ref(), &doc, &fp, visible);
                let ok = r.is_ok();
                match r {
                    Ok(s) => batch.signed.push(s),
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
