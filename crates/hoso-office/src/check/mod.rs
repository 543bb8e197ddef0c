//! Checking a file or a QR payload: the signature report, the register line, and ONE verdict
//! ([`Verdict`]) that both shells show the same way — `hoso verify` as its exit code, the app and
//! the kiosk as the card's colour.
//!
//! A file is read once: its bytes are hashed for the register lookup while they are read, and
//! the signatures are verified over the same bytes in memory (files above [`MAX_IN_MEMORY`] are
//! streamed from disk instead, read twice). A QR payload is looked up in the register alone.
//!
//! ```no_run
//! use hoso_office::check::{check_file, CheckOptions};
//! use hoso_office::{config::Overrides, Config};
//! let config = Config::resolve(&Overrides::default())?;
//! let opts = CheckOptions::from_settings(&config.settings)?;
//! let checked = check_file(&config, std::path::Path::new("ho-so.pdf"), &opts)?;
//! std::process::exit(i32::from(checked.verdict.exit_code()));
//! # Ok::<(), hoso_office::OfficeError>(())
//! ```

pub mod etsi;
pub mod pdf;
pub mod upload;
pub mod words;

use std::io::Read;
use std::path::Path;
use std::time::SystemTime;

use hoso_register::{Entry, LookupResult, QrPayload};
use hoso_sign::chain::TrustStore;
use hoso_sign::verify::{
    verify_pdf_ltv, verify_source_ltv, BottomLine, Coverage, LtvOptions, ModificationLevel,
    VerificationReport, VerifyError, VerifyOptions,
};
use serde::Serialize;
use sha2::Digest;

use crate::config::{Config, Settings};
use crate::error::OfficeError;

/// Files up to this size are read into memory once (hash and verification share the bytes);
/// larger ones (a 400 MB scanned dossier) are streamed, hashed and verified in two passes, so
/// memory stays bounded.
pub const MAX_IN_MEMORY: u64 = 256 << 20;

/// What to trust, when, and whether to ask OCSP/CRL servers.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Trusted roots (the DEMO root only when allowed).
    pub trust: TrustStore,
    /// The validation time when a signature has no timestamp.
    pub now: SystemTime,
    /// Ask OCSP, then the CRL, for certificates that chain to a trusted root and have no
    /// status in the file (Circular 15/2025/TT-BKHCN). `false`: `--offline`.
    pub fetch_revocation: bool,
}

impl CheckOptions {
    /// The settings' trust roots, now, revocation fetched online.
    pub fn from_settings(settings: &Settings) -> Result<Self, OfficeError> {
        Ok(Self {
            trust: settings.trust_store()?,
            now: SystemTime::now(),
            fetch_revocation: true,
        })
    }
}

/// A validation time that is not `YYYY-MM-DD[THH:MM:SS][Z|±hh:mm]`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("thời điểm không hợp lệ / not a valid time: {0}")]
pub struct BadTime(pub String);

/// The validation time a person types (`hoso verify --at`): `YYYY-MM-DD[THH:MM:SS][Z|±hh:mm]`,
/// read through the PDF date parser (ISO 32000-1 §7.9.4), for [`CheckOptions::now`].
pub fn parse_time(s: &str) -> Result<SystemTime, BadTime> {
    let bad = || BadTime(s.to_owned());
    let split = s.len().min(19);
    let (main, zone) = s.split_at_checked(split).ok_or_else(bad)?;
    let digits: String = main.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 8 && digits.len() != 14 {
        return Err(bad());
    }
    let zone = match zone {
        "" | "Z" => "Z".to_owned(),
        z if (z.starts_with('+') || z.starts_with('-')) && z.len() == 6 => z.replace(':', "'"),
        _ => return Err(bad()),
    };
    hoso_sign::time::parse_pdf_date(&format!("D:{digits}{zone}")).ok_or_else(bad)
}

/// The one verdict of a check, in both shells: exit code and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Signed, intact, trusted, not revoked: exit 0, green.
    Valid,
    /// Exactly a file this office registered (proof checked), not signed: exit 0, green.
    Registered,
    /// Valid, but no revocation status could be had: exit 4, amber.
    RevocationNotChecked,
    /// Intact, the changes allowed, but what a page shows changed after signing: exit 6, amber.
    VisualChange,
    /// Intact but not trusted: exit 3, amber.
    Untrusted,
    /// Neither signed nor registered: exit 5, amber.
    Unsigned,
    /// A QR payload of another office's register: exit 7, amber.
    OtherRegister,
    /// Changed, forged, a revoked certificate, or a register entry whose proof fails: exit 1, red.
    Invalid,
    /// A QR payload that matches no entry (nothing of any entry is shown): exit 1, red.
    NoMatch,
}

/// The card's colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Color {
    /// Vouched for.
    Green,
    /// Look closer.
    Amber,
    /// Do not accept.
    Red,
}

impl Verdict {
    /// The exit code of `hoso verify` (2 is kept for usage and input errors).
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Valid | Self::Registered => 0,
            Self::Invalid | Self::NoMatch => 1,
            Self::Untrusted => 3,
            Self::RevocationNotChecked => 4,
            Self::Unsigned => 5,
            Self::VisualChange => 6,
            Self::OtherRegister => 7,
        }
    }

    /// Green, amber or red.
    pub fn color(self) -> Color {
        match self {
            Self::Valid | Self::Registered => Color::Green,
            Self::Invalid | Self::NoMatch => Color::Red,
            Self::RevocationNotChecked
            | Self::VisualChange
            | Self::Untrusted
            | Self::Unsigned
            | Self::OtherRegister => Color::Amber,
        }
    }

    /// The short code the app's page words in the chosen language (`v_<reason>`).
    pub fn reason(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Registered => "registered",
            Self::RevocationNotChecked => "revocation_not_checked",
            Self::VisualChange => "visual_change",
            Self::Untrusted => "untrusted",
            Self::Unsigned => "unsigned",
            Self::OtherRegister => "other_register",
            Self::Invalid => "invalid",
            Self::NoMatch => "no_match",
        }
    }

    /// The verdict of a file: its signatures decide; an unsigned file is vouched for only by a
    /// register entry whose proof checks out.
    pub fn of_file(bottom_line: BottomLine, register: Option<&RegisterLine>) -> Self {
        match bottom_line {
            BottomLine::Valid => Self::Valid,
            BottomLine::ValidRevocationNotChecked => Self::RevocationNotChecked,
            BottomLine::VisualChange => Self::VisualChange,
            BottomLine::Untrusted => Self::Untrusted,
            BottomLine::Invalid => Self::Invalid,
            BottomLine::NoSignatures if register.is_some_and(|r| r.proof_verified) => {
                Self::Registered
            }
            BottomLine::NoSignatures => Self::Unsigned,
        }
    }
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
    /// This signature's verdict.
    pub verdict: hoso_sign::verify::Verdict,
    /// The document changed after this signature (beyond later signatures and LTV data).
    pub changed_after: bool,
    /// The signature covers the whole file as it is now.
    pub covers_whole_file: bool,
}

/// What the register says about the file or payload.
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

/// The outcome of a check: what the app's card shows and what `hoso verify` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    /// The one verdict.
    pub verdict: Verdict,
    /// Its colour (the same as `verdict.color()`).
    pub color: Color,
    /// Its reason code (the same as `verdict.reason()`).
    pub reason: &'static str,
    /// The file's name, when a file was checked.
    pub file: Option<String>,
    /// SHA-256 of the file, lower-case hex, when a file was checked.
    pub sha256: Option<String>,
    /// The signers.
    pub signers: Vec<SignerLine>,
    /// The register's entry for this file or payload, when there is one (never on a mismatch).
    pub register: Option<RegisterLine>,
    /// Why the register could not be consulted, when it exists but cannot be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub register_unreadable: Option<String>,
    /// The DEMO root was trusted: never for real documents.
    pub demo_trusted: bool,
    /// The full signature report, when a file was checked.
    pub report: Option<VerificationReport>,
}

impl Checked {
    fn new(verdict: Verdict) -> Self {
        Self {
            verdict,
            color: verdict.color(),
            reason: verdict.reason(),
            file: None,
            sha256: None,
            signers: Vec::new(),
            register: None,
            register_unreadable: None,
            demo_trusted: false,
            report: None,
        }
    }
}

/// Checks the PDF at `path`: every signature, the register line for its hash, one verdict.
pub fn check_file(
    config: &Config,
    path: &Path,
    opts: &CheckOptions,
) -> Result<Checked, OfficeError> {
    let (report, sha) = verify_and_hash(path, opts)?;
    let (register, register_unreadable) = match lookup_hash(config, &sha) {
        Ok(line) => (line, None),
        Err(e) => (None, Some(e.to_string())),
    };
    let verdict = Verdict::of_file(report.bottom_line, register.as_ref());
    let mut c = Checked::new(verdict);
    c.file = path.file_name().map(|n| n.to_string_lossy().into_owned());
    c.sha256 = Some(crate::hex(&sha));
    c.signers = signer_lines(&report);
    c.register = register;
    c.register_unreadable = register_unreadable;
    c.demo_trusted = report.demo_trusted;
    c.report = Some(report);
    Ok(c)
}

/// Looks a QR payload (`HS1:…`) up in the configured register. A payload that matches no entry
/// shows nothing of any entry (issue 14 point 7).
pub fn check_qr(config: &Config, payload: &str) -> Result<Checked, OfficeError> {
    let parsed: QrPayload = payload.trim().parse().map_err(OfficeError::BadQr)?;
    if !config.register.exists() {
        return Err(OfficeError::NoRegister(config.register.clone()));
    }
    let reg = crate::register::open_read_only(config)?;
    upload::check_qr_in(&reg, &parsed)
}

/// Verifies the file and hashes it, reading it once when it fits in memory.
fn verify_and_hash(
    path: &Path,
    opts: &CheckOptions,
) -> Result<(VerificationReport, [u8; 32]), OfficeError> {
    let vopts = VerifyOptions {
        trust: opts.trust.clone(),
        now: opts.now,
    };
    let ltv = LtvOptions {
        fetch_revocation: opts.fetch_revocation,
    };
    let read = |source| OfficeError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut f = std::fs::File::open(path).map_err(read)?;
    let len = f.metadata().map_err(read)?.len();
    let verify_err = |e: VerifyError| OfficeError::Verify {
        path: path.to_path_buf(),
        source: e,
    };
    // The register's hash of the whole file and the signatures' byte range digests are two
    // SHA-256 passes: they run on two threads, so the check takes about one.
    let (sha, report) = if len > MAX_IN_MEMORY {
        side_by_side(
            move || hoso_register::sha256_reader(&mut f),
            || verify_pdf_ltv(path, &vopts, &ltv),
        )
    } else {
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        f.read_to_end(&mut bytes).map_err(read)?;
        side_by_side(
            || Ok(sha2::Sha256::digest(&bytes).into()),
            || verify_source_ltv(bytes.as_slice(), &vopts, &ltv),
        )
    };
    Ok((report.map_err(verify_err)?, sha.map_err(read)?))
}

/// Runs `hash` on a second thread while `verify` runs on this one.
fn side_by_side<R>(
    hash: impl FnOnce() -> std::io::Result<[u8; 32]> + Send,
    verify: impl FnOnce() -> R,
) -> (std::io::Result<[u8; 32]>, R) {
    std::thread::scope(|s| {
        let hasher = s.spawn(hash);
        let report = verify();
        let sha = hasher
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("hash thread panicked")));
        (sha, report)
    })
}

/// The oldest register entry for `sha` whose proof checks out (else the oldest at all); `None`
/// without a register.
fn lookup_hash(config: &Config, sha: &[u8; 32]) -> Result<Option<RegisterLine>, OfficeError> {
    if !config.register.exists() {
        return Ok(None);
    }
    let reg = crate::register::open_read_only(config)?;
    let found: Vec<LookupResult> = reg.lookup_sha256(sha)?;
    let best = found
        .iter()
        .filter(|r| r.status.verified())
        .min_by_key(|r| r.entry.seq)
        .or_else(|| found.iter().min_by_key(|r| r.entry.seq));
    Ok(best.map(|r| RegisterLine::of(&r.entry, r.status.verified())))
}

fn signer_lines(report: &VerificationReport) -> Vec<SignerLine> {
    report
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
            changed_after: s.modifications == ModificationLevel::Illegal,
            covers_whole_file: s.coverage == Coverage::WholeFile,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_times_accept_utc_offsets_and_dates() {
        use std::time::{Duration, UNIX_EPOCH};
        // 2030-01-01T00:00:00Z = 1 893 456 000 s after the epoch.
        let t = UNIX_EPOCH + Duration::from_secs(1_893_456_000);
        assert_eq!(parse_time("2030-01-01T00:00:00Z"), Ok(t));
        assert_eq!(parse_time("2030-01-01"), Ok(t));
        assert_eq!(parse_time("2030-01-01T07:00:00+07:00"), Ok(t));
        assert!(parse_time("next year").is_err());
        assert!(parse_time("2030-01-01T00:00:00 GMT").is_err());
        assert!(parse_time("2030-01-01T00:00:0ế").is_err());
    }

    #[test]
    fn every_verdict_has_one_exit_code_and_green_only_when_vouched_for() {
        use Verdict::*;
        let all = [
            Valid,
            Registered,
            RevocationNotChecked,
            VisualChange,
            Untrusted,
            Unsigned,
            OtherRegister,
            Invalid,
            NoMatch,
        ];
        for v in all {
            assert_ne!(v.exit_code(), 2, "{v:?}: 2 is for usage errors");
            assert_eq!(v.color() == Color::Green, v.exit_code() == 0, "{v:?}");
        }
        assert_eq!(VisualChange.color(), Color::Amber);
        assert_eq!(VisualChange.exit_code(), 6);
    }

    #[test]
    fn an_unsigned_file_is_green_only_with_a_verified_register_entry() {
        let line = |proof_verified| RegisterLine {
            seq: 1,
            time: String::new(),
            kind: "dossier".into(),
            code: None,
            title: None,
            station: "quay-1".into(),
            copy_number: None,
            proof_verified,
        };
        let ns = BottomLine::NoSignatures;
        assert_eq!(Verdict::of_file(ns, None), Verdict::Unsigned);
        assert_eq!(Verdict::of_file(ns, Some(&line(false))), Verdict::Unsigned);
        assert_eq!(Verdict::of_file(ns, Some(&line(true))), Verdict::Registered);
        // A registered file's signatures still decide.
        assert_eq!(
            Verdict::of_file(BottomLine::Invalid, Some(&line(true))),
            Verdict::Invalid
        );
        assert_eq!(
            Verdict::of_file(BottomLine::VisualChange, Some(&line(true))),
            Verdict::VisualChange
        );
    }
}

#[cfg(test)]
pub(crate) mod sample {
    //! A check of a signed file as a clerk would file it, built by hand.
    use super::*;
    use hoso_sign::verify::{
        CertificateSummary, Change, ChangeKind, CheckKind, CheckStatus, SignatureReport,
        TimestampReport,
    };

    pub fn checked(verdict: Verdict) -> Checked {
        let mut s = SignatureReport {
            field: "Sig1".into(),
            sub_filter: "ETSI.CAdES.detached".into(),
            signer: Some("CN=Nguyễn Thị Hương, O=UBND phường Hòa Bình".into()),
            certificate: Some(CertificateSummary {
                subject: "CN=Nguyễn Thị Hương, O=UBND phường Hòa Bình".into(),
                issuer: "CN=Cục Chứng thực số và Bảo mật thông tin".into(),
                valid_from: "2026-01-01T07:00:00+07:00".into(),
                valid_until: "2028-01-01T06:59:59+07:00".into(),
                sha256: "00ff".repeat(16),
            }),
            claimed_time: Some("2026-12-07T09:30:00+07:00".into()),
            timestamp: Some(TimestampReport {
                time: "2026-12-07T09:30:02+07:00".into(),
                tsa: "CN=TSA Demo".into(),
                trusted: true,
            }),
            byte_range: vec![0, 10, 20, 30],
            coverage: Coverage::Revision {
                signed_len: 50,
                file_len: 80,
            },
            modifications: ModificationLevel::Annotations,
            changes: vec![Change {
                kind: ChangeKind::VisualDifference,
                level: ModificationLevel::None,
                page: Some(1),
                rect: Some([20.0, 20.0, 170.0, 70.0]),
                object: None,
                detail: "page 1: 300 pixels differ".into(),
            }],
            certification: Some(3),
            ltv: None,
            checks: Vec::new(),
            verdict: hoso_sign::verify::Verdict::Invalid,
        };
        for k in [
            CheckKind::ByteRange,
            CheckKind::Integrity,
            CheckKind::CmsSignature,
            CheckKind::CertificateChain,
        ] {
            s.checks.push(hoso_sign::verify::Check {
                kind: k,
                status: CheckStatus::Passed,
                detail: "established".into(),
            });
        }
        s.verdict = hoso_sign::verify::Verdict::VisualChange;
        let report = VerificationReport {
            file_len: 80,
            revisions: 2,
            demo_trusted: false,
            bottom_line: BottomLine::VisualChange,
            signatures: vec![s],
        };
        let mut c = Checked::new(verdict);
        c.file = Some("ho-so-da-ky.pdf".into());
        c.sha256 = Some("ab".repeat(32));
        c.signers = signer_lines(&report);
        c.report = Some(report);
        c
    }
}
