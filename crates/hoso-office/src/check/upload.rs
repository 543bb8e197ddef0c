//! A file uploaded on the page a QR code leads to (`hoso serve`'s `/v/<payload>`): the file is
//! verified in full, and the register's line is shown only when the file *answers the payload* —
//! it is the entry the payload names, or a certified copy the register records as made from that
//! entry. A file that answers nothing learns nothing about the register (issue 14 point 7).

use std::path::PathBuf;

use hoso_register::{LookupResult, QrLookup, QrPayload, Register};
use hoso_sign::verify::{verify_source_ltv, BottomLine, LtvOptions, VerifyOptions};
use sha2::Digest;

use super::{signer_lines, CheckOptions, Checked, RegisterLine, Verdict};
use crate::config::Config;
use crate::error::OfficeError;

/// The name an uploaded file is reported under (it has no path on this machine).
pub const UPLOAD_NAME: &str = "tệp tải lên / uploaded file";

/// Checks the uploaded `bytes` against `payload`: every signature, then the register line of
/// the entry that links the file to the payload. Verdicts: the file's own (see
/// [`Verdict::of_file`]) when it answers the payload; [`Verdict::Invalid`] when its signatures
/// are broken; [`Verdict::NoMatch`] (nothing of any entry shown) when it is intact but answers
/// another payload or none.
pub fn check_upload(
    config: &Config,
    payload: &QrPayload,
    bytes: &[u8],
    opts: &CheckOptions,
) -> Result<Checked, OfficeError> {
    if !config.register.exists() {
        return Err(OfficeError::NoRegister(config.register.clone()));
    }
    let reg = crate::register::open_read_only(config)?;
    check_upload_in(&reg, payload, bytes, opts)
}

/// [`check_upload`] with a register already open (a service keeps a few open).
pub fn check_upload_in(
    reg: &Register,
    payload: &QrPayload,
    bytes: &[u8],
    opts: &CheckOptions,
) -> Result<Checked, OfficeError> {
    let vopts = VerifyOptions {
        trust: opts.trust.clone(),
        now: opts.now,
    };
    let ltv = LtvOptions {
        fetch_revocation: opts.fetch_revocation,
    };
    let sha: [u8; 32] = sha2::Sha256::digest(bytes).into();
    let report = verify_source_ltv(bytes, &vopts, &ltv).map_err(|source| OfficeError::Verify {
        path: PathBuf::from(UPLOAD_NAME),
        source,
    })?;
    let found = reg.lookup_sha256(&sha)?;
    let answering = found
        .iter()
        .filter(|r| answers(reg, payload, r))
        .min_by_key(|r| (!r.status.verified(), r.entry.seq));
    let verdict = match answering {
        Some(r) if r.status.verified() => {
            Verdict::of_file(report.bottom_line, Some(&RegisterLine::of(&r.entry, true)))
        }
        Some(_) => Verdict::Invalid,
        None if report.bottom_line == BottomLine::Invalid => Verdict::Invalid,
        None => Verdict::NoMatch,
    };
    let mut c = Checked::new(verdict);
    c.file = Some(UPLOAD_NAME.to_owned());
    c.sha256 = Some(crate::hex(&sha));
    c.signers = signer_lines(&report);
    c.register = answering.map(|r| RegisterLine::of(&r.entry, r.status.verified()));
    c.demo_trusted = report.demo_trusted;
    c.report = Some(report);
    Ok(c)
}

/// Whether the entry `r` found for a file links it to `payload`: the entry itself, or a copy
/// whose recorded original (`original_seq`, `original_sha256` in its signed leaf) is the entry
/// the payload names.
fn answers(reg: &Register, payload: &QrPayload, r: &LookupResult) -> bool {
    if !payload.is_for_origin(reg.origin()) {
        return false;
    }
    if r.entry.seq == payload.seq && payload.matches_hash(&r.entry.sha256) {
        return true;
    }
    let Ok(extra) = serde_json::from_str::<serde_json::Value>(&r.entry.extra) else {
        return false;
    };
    let original_seq = extra
        .get("original_seq")
        .and_then(serde_json::Value::as_u64);
    let original_sha = extra
        .get("original_sha256")
        .and_then(serde_json::Value::as_str)
        .and_then(hoso_register::parse_sha256_hex);
    original_seq == Some(payload.seq) && original_sha.is_some_and(|h| payload.matches_hash(&h))
}

/// [`super::check_qr`] with a register already open: the entry a payload names, shown only
/// when the payload's hash prefix matches it (possession of the printed code).
pub fn check_qr_in(reg: &Register, payload: &QrPayload) -> Result<Checked, OfficeError> {
    Ok(match reg.lookup_qr(payload)? {
        QrLookup::Found(r) => {
            let ok = r.status.verified();
            let mut c = Checked::new(if ok {
                Verdict::Registered
            } else {
                Verdict::Invalid
            });
            c.register = Some(RegisterLine::of(&r.entry, ok));
            c
        }
        QrLookup::OtherRegister { .. } => Checked::new(Verdict::OtherRegister),
        QrLookup::NoSuchEntry { .. } | QrLookup::HashMismatch { .. } => {
            Checked::new(Verdict::NoMatch)
        }
    })
}
