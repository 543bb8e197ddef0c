//! Tra cứu: a PDF (chosen, dropped, or just signed) or a QR payload becomes one card in plain
//! words — green, amber or red — with the full technical report one click away. Used by the
//! officer's window and by the kiosk, which may call only these commands and `app_info`.

use std::time::SystemTime;

use hoso_register::{Entry, QrLookup, QrPayload, Register};
use hoso_sign::verify::{verify_pdf_ltv, BottomLine, Coverage, LtvOptions, Verdict, VerifyOptions};
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;

use super::blocking;
use crate::error::AppError;
use crate::office::{Document, Office};

/// The card's colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Color {
    /// Signed, intact and trusted; or exactly a file this office registered.
    Green,
    /// Intact but not trusted, valid but revocation not checked, or neither signed nor
    /// registered: look closer.
    Amber,
    /// Modified, forged, or a QR code that does not match the register.
    Red,
}

/// One signer, in plain words.
#[derive(Debug, Clone, Serialize)]
pub struct SignerLine {
    /// Who signed (subject DN), when readable.
    pub who: Option<String>,
    /// When, by the signer's clock.
    pub claimed_time: Option<String>,
    /// When, by a trusted timestamp.
    pub timestamp: Option<String>,
    /// valid / valid, revocation not checked / untrusted / invalid.
    pub verdict: Verdict,
    /// The document changed after this signature (beyond later signatures and LTV data).
    pub changed_after: bool,
    /// The signature covers the whole file as it is now.
    pub covers_whole_file: bool,
}

/// What the register says about the file.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterLine {
    /// Entry number.
    pub seq: u64,
    /// When registered, ISO 8601 +07:00.
    pub time: String,
    /// dossier / signed / copy / other.
    pub kind: String,
    /// Dossier code.
    pub code: Option<String>,
    /// Document title.
    pub title: Option<String>,
    /// Station that registered it.
    pub station: String,
    /// Copy number, for certified copies.
    pub copy_number: Option<String>,
    /// The inclusion proof and the register's signed tree head checked out.
    pub proof_verified: bool,
}

impl RegisterLine {
    fn of(e: &Entry, proof_verified: bool) -> Self {
        Self {
            seq: e.seq,
            time: e.time.clone(),
            kind: e.kind.to_string(),
            code: e.dossier_code.clone(),
            title: e.title.clone(),
            station: e.station.clone(),
            copy_number: e.copy.as_ref().map(ToString::to_string),
            proof_verified,
        }
    }
}

/// The verification card.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyCard {
    /// Green, amber or red.
    pub color: Color,
    /// A short reason code the page words in the chosen language: `valid`,
    /// `revocation_not_checked`, `untrusted`, `invalid`, `registered`, `unsigned`,
    /// `not_registered`, `other_register`, `no_match` (a QR payload that matches no entry: the
    /// card then shows nothing of any entry).
    pub reason: String,
    /// The file's name, when a file was checked.
    pub file: Option<String>,
    /// The signers.
    pub signers: Vec<SignerLine>,
    /// The register's entry for this file, when there is one.
    pub register: Option<RegisterLine>,
    /// The DEMO root was trusted: never for real documents.
    pub demo_trusted: bool,
    /// The full technical report (signature checks), for the "details" view.
    pub report: Option<serde_json::Value>,
}

fn open_register(office: &Office) -> Option<Register> {
    let path = office.register_path();
    if !path.exists() {
        return None;
    }
    Register::open_read_only(&path).ok()
}

fn check_file(office: &Office, doc: &Document) -> Result<VerifyCard, AppError> {
    let settings = office.settings();
    let opts = VerifyOptions {
        trust: settings.trust_store()?,
        now: SystemTime::now(),
    };
    // Revocation: OCSP then CRL for certificates that chain to a trusted root (Circular
    // 15/2025/TT-BKHCN); without an answer the card is amber, never plain green.
    let ltv = LtvOptions {
        fetch_revocation: true,
    };
    let report = verify_pdf_ltv(&doc.file, &opts, &ltv)?;
    let sha = hoso_register::sha256_file(&doc.file).map_err(|source| AppError::Read {
        path: doc.file.clone(),
        source,
    })?;
    let register = match open_register(office) {
        Some(reg) => reg
            .lookup_sha256(&sha)?
            .last()
            .map(|r| RegisterLine::of(&r.entry, r.status.verified())),
        None => None,
    };
    let signers: Vec<SignerLine> = report
        .signatures
        .iter()
        .map(|s| SignerLine {
            who: s.signer.clone(),
            claimed_time: s.claimed_time.clone(),
            timestamp: s
                .timestamp
                .as_ref()
                .filter(|t| t.trusted)
                .map(|t| t.time.clone()),
            verdict: s.verdict,
            changed_after: s.modifications == hoso_sign::verify::ModificationLevel::Illegal,
            covers_whole_file: s.coverage == Coverage::WholeFile,
        })
        .collect();
    let registered = register.as_ref().is_some_and(|r| r.proof_verified);
    let (color, reason) = if signers.is_empty() {
        if registered {
            (Color::Green, "registered")
        } else {
            (Color::Amber, "unsigned")
        }
    } else {
        match report.bottom_line {
            BottomLine::Valid => (Color::Green, "valid"),
            BottomLine::ValidRevocationNotChecked => (Color::Amber, "revocation_not_checked"),
            BottomLine::Untrusted | BottomLine::NoSignatures => (Color::Amber, "untrusted"),
            BottomLine::Invalid => (Color::Red, "invalid"),
        }
    };
    Ok(VerifyCard {
        color,
        reason: reason.into(),
        file: Some(doc.name.clone()),
        signers,
        register,
        demo_trusted: report.demo_trusted,
        report: serde_json::to_value(&report).ok(),
    })
}

/// Checks a document the app holds (built, signed, chosen or dropped).
#[tauri::command]
pub async fn verify_document(app: AppHandle, id: u64) -> Result<VerifyCard, AppError> {
    blocking(move || {
        let office = app.state::<Office>();
        let doc = office.document(id).ok_or(AppError::UnknownDocument(id))?;
        check_file(&office, &doc)
    })
    .await?
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
pub async fn lookup_qr(office: State<'_, Office>, payload: String) -> Result<VerifyCard, AppError> {
    let parsed: QrPayload = payload.trim().parse().map_err(AppError::BadQr)?;
    let Some(reg) = open_register(&office) else {
        return Err(AppError::NoRegister(office.register_path()));
    };
    let card = |color, reason: &str, register| VerifyCard {
        color,
        reason: reason.into(),
        file: None,
        signers: Vec::new(),
        register,
        demo_trusted: false,
        report: None,
    };
    Ok(match reg.lookup_qr(&parsed)? {
        QrLookup::Found(r) => {
            let ok = r.status.verified();
            card(
                if ok { Color::Green } else { Color::Red },
                if ok { "registered" } else { "invalid" },
                Some(RegisterLine::of(&r.entry, ok)),
            )
        }
        QrLookup::OtherRegister { .. } => card(Color::Amber, "other_register", None),
        // Issue 14 point 7: no title, code, station or number of any entry, and the same answer
        // whether or not the entry the payload names exists.
        QrLookup::NoSuchEntry { .. } | QrLookup::HashMismatch { .. } => {
            card(Color::Red, "no_match", None)
        }
    })
}
