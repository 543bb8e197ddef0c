//! Long-term validation in verification (ETSI EN 319 102-1 §5.6.2, simplified; ETSI EN 319
//! 142-1 §6.2): document timestamps checked as signatures of their own, proofs of existence
//! from signature and document timestamps, revocation status of every certificate on a path
//! from the DSS (or fetched when allowed), and the PAdES level each signature reaches.
//!
//! The rule for a certificate that expired or was revoked after signing: the signature stays
//! valid when a trusted timestamp proves it existed before, and OCSP or CRL data checked against
//! the issuer say the certificate was not revoked at that time.

use std::time::SystemTime;

use der::Decode;
use serde::Serialize;
use x509_cert::Certificate;

use super::report::{CheckKind, CheckStatus, SignatureReport, TimestampReport};
use super::VerifyOptions;
use crate::chain::{self, Purpose};
use crate::dss::DssContents;
use crate::pdf::{PdfError, PdfFile, Source};
use crate::revocation::{self, RevocationClient, Status};

/// How verification may obtain revocation data.
#[derive(Debug, Clone, Default)]
pub struct LtvOptions {
    /// Fetch OCSP responses and CRLs from the certificates' URLs when the DSS has none.
    pub fetch_revocation: bool,
}

/// The long-term validation status of one signature.
#[derive(Debug, Clone, Serialize)]
pub struct LtvReport {
    /// PAdES baseline level the signature reaches: `B-B`, `B-T`, `B-LT` or `B-LTA`
    /// (ETSI EN 319 142-1 §6; for a document timestamp, `DocTimeStamp`).
    pub level: String,
    /// The time the certificate path was validated at (ISO 8601, Vietnam time).
    pub validation_time: String,
    /// What proves the signature existed at that time: `signature timestamp`, `document
    /// timestamp`, or `none` (validated at the current time).
    pub proof_of_existence: String,
    /// Revocation status of the path: `good`, `revoked`, `missing`.
    pub revocation: String,
    /// Where the revocation data came from: `DSS`, `online` (both possible).
    pub revocation_sources: Vec<String>,
    /// Whether the DSS has a `/VRI` entry for this signature.
    pub vri: bool,
    /// Whether a certificate on the path has expired since signing.
    pub expired_since_signing: bool,
}

/// State shared by the signatures of one file.
pub(crate) struct Ctx {
    pub options: LtvOptions,
    pub dss: DssContents,
    pub dss_certs: Vec<Certificate>,
    /// Trusted document timestamps: (length of the bytes they cover, genTime).
    pub doc_timestamps: Vec<(u64, SystemTime)>,
}

impl Ctx {
    pub fn new<S: Source>(file: &PdfFile<S>, options: LtvOptions) -> Result<Self, PdfError> {
        let dss = crate::dss::read_dss(file)?;
        let dss_certs = dss
            .certs
            .iter()
            .filter_map(|d| Certificate::from_der(d).ok())
            .collect();
        Ok(Self {
            options,
            dss,
            dss_certs,
            doc_timestamps: Vec::new(),
        })
    }

    /// The earliest trusted document timestamp over bytes that include `signed_len`.
    pub fn doc_timestamp_poe(&self, signed_len: u64) -> Option<SystemTime> {
        self.doc_timestamps
            .iter()
            .filter(|(len, _)| *len >= signed_len)
            .map(|(_, t)| *t)
            .min()
    }
}

/// Result of checking one path's revocation.
struct PathRevocation {
    revoked: Option<(String, SystemTime)>,
    missing: Vec<String>,
    revoked_later: Vec<(String, SystemTime)>,
    sources: Vec<String>,
}

/// Checks every certificate of `path` but the anchor at `at`, from the DSS and, when allowed,
/// online.
fn check_path(path: &[Certificate], at: SystemTime, ctx: &Ctx) -> PathRevocation {
    let mut r = PathRevocation {
        revoked: None,
        missing: Vec::new(),
        revoked_later: Vec::new(),
        sources: Vec::new(),
    };
    for pair in path.windows(2) {
        let (cert, issuer) = (&pair[0], &pair[1]);
        let mut found = revocation::status_at(cert, issuer, &ctx.dss.ocsps, &ctx.dss.crls, at);
        if found.is_some() && !r.sources.iter().any(|s| s == "DSS") {
            r.sources.push("DSS".into());
        }
        if found.is_none() && ctx.options.fetch_revocation {
            if let Ok(f) = RevocationClient::new().fetch(cert, issuer) {
                found = revocation::status_at(cert, issuer, &f.ocsps, &f.crls, at);
                if found.is_some() && !r.sources.iter().any(|s| s == "online") {
                    r.sources.push("online".into());
                }
            }
        }
        match found {
            Some((Status::Revoked { at: when }, _)) => {
                r.revoked = Some((chain::subject(cert), when));
                return r;
            }
            Some((Status::Good, c)) => {
                if let Status::Revoked { at: when } = c.status {
                    r.revoked_later.push((chain::subject(cert), when));
                }
            }
            Some((Status::Unknown, _)) | None => r.missing.push(chain::subject(cert)),
        }
    }
    r
}

/// The path used for revocation checks: the trusted path when it validated, otherwise the
/// best chain buildable from the embedded, DSS and trusted certificates.
fn path_for(
    leaf: &Certificate,
    pool: &[Certificate],
    opts: &VerifyOptions,
    ctx: &Ctx,
) -> Vec<Certificate> {
    let mut all = pool.to_vec();
    all.extend(ctx.dss_certs.iter().cloned());
    all.extend(opts.trust.roots().iter().cloned());
    crate::ltv::build_chain(leaf, &all)
}

/// Adds the revocation and LTV checks for a CMS signature (or a document timestamp's TSA)
/// validated at `validation_time`, `poe` naming what proves that time.
#[allow(clippy::too_many_arguments)]
pub(crate) fn revocation_checks(
    rep: &mut SignatureReport,
    leaf: &Certificate,
    pool: &[Certificate],
    validation_time: SystemTime,
    poe: &str,
    vri_key: &str,
    level: &str,
    opts: &VerifyOptions,
    ctx: &Ctx,
) {
    let path = path_for(leaf, pool, opts, ctx);
    let r = check_path(&path, validation_time, ctx);
    let expired_since = poe != "none"
        && path
            .iter()
            .any(|c| chain::check_validity(c, opts.now).is_err());
    let revocation = if let Some((who, when)) = &r.revoked {
        rep.push(
            CheckKind::Revocation,
            CheckStatus::Failed,
            format!(
                "certificate \"{who}\" was REVOKED on {} (before the validation time {})",
                crate::time::iso8601_vn(*when),
                crate::time::iso8601_vn(validation_time)
            ),
        );
        "revoked"
    } else if r.missing.is_empty() {
        let mut detail = format!(
            "not revoked at {} according to OCSP/CRL data from {} for every certificate on the path",
            crate::time::iso8601_vn(validation_time),
            r.sources.join(" and ")
        );
        for (who, when) in &r.revoked_later {
            detail.push_str(&format!(
                "; \"{who}\" was revoked later, on {}, after the {poe}",
                crate::time::iso8601_vn(*when)
            ));
        }
        rep.push(CheckKind::Revocation, CheckStatus::Passed, detail);
        "good"
    } else {
        rep.push(
            CheckKind::Revocation,
            CheckStatus::NotChecked,
            format!(
                "no OCSP/CRL data in the DSS{} for: {}",
                if ctx.options.fetch_revocation {
                    " nor online"
                } else {
                    " (online fetching not enabled)"
                },
                r.missing.join(", ")
            ),
        );
        "missing"
    };
    if expired_since {
        if revocation == "good" {
            rep.push(
                CheckKind::CertificateChain,
                CheckStatus::Passed,
                format!(
                    "a certificate on the path has expired since, but the {poe} and revocation \
                     data prove the path was valid at {}",
                    crate::time::iso8601_vn(validation_time)
                ),
            );
        } else {
            rep.push(
                CheckKind::CertificateChain,
                CheckStatus::Failed,
                format!(
                    "a certificate on the path has expired since {}; without revocation data \
                     from that time the {poe} alone does not prove it was valid",
                    crate::time::iso8601_vn(validation_time)
                ),
            );
        }
    }
    let vri = ctx.dss.vri_keys.iter().any(|k| k == vri_key);
    let level = match (level, revocation) {
        ("B-T", "good") if !r.sources.contains(&"online".to_owned()) => "B-LT",
        (l, _) => l,
    };
    rep.ltv = Some(LtvReport {
        level: level.to_owned(),
        validation_time: crate::time::iso8601_vn(validation_time),
        proof_of_existence: poe.to_owned(),
        revocation: revocation.to_owned(),
        revocation_sources: r.sources,
        vri,
        expired_since_signing: expired_since,
    });
}

/// Raises B-LT to B-LTA when a trusted document timestamp covers the signature and the DSS.
pub(crate) fn mark_lta(rep: &mut SignatureReport, signed_len: u64, ctx: &Ctx) {
    if let Some(l) = rep.ltv.as_mut() {
        if l.level == "B-LT" && ctx.doc_timestamps.iter().any(|(len, _)| *len > signed_len) {
            l.level = "B-LTA".into();
        }
    }
}

/// Verifies a document timestamp (`/SubFilter /ETSI.RFC3161`): the token's imprint is the
/// digest of the byte range, its signature, and the TSA path at genTime; records its time as a
/// proof of existence for everything it covers.
#[allow(clippy::too_many_arguments)]
pub(crate) fn verify_doc_timestamp<S: Source>(
    file: &PdfFile<S>,
    rep: &mut SignatureReport,
    contents: &[u8],
    ranges: [(u64, u64); 2],
    signed_len: u64,
    vri_key: &str,
    opts: &VerifyOptions,
    ctx: &mut Ctx,
) {
    let token =
        match crate::cms::first_tlv(contents).and_then(cms::content_info::ContentInfo::from_der) {
            Ok(t) => t,
            Err(e) => {
                rep.push(
                    CheckKind::CmsSignature,
                    CheckStatus::Failed,
                    format!("/Contents is not a TimeStampToken: {e}"),
                );
                return;
            }
        };
    let src = file.source();
    let checked = crate::tsp::verify_token_with(
        &token,
        |alg| super::hash_ranges(src, alg, &ranges),
        &opts.trust,
    );
    let ts = match checked {
        Ok(ts) => ts,
        Err(crate::tsp::TimestampError::ImprintMismatch) => {
            rep.push(
                CheckKind::Integrity,
                CheckStatus::Failed,
                "digest mismatch: the bytes covered by the document timestamp were changed",
            );
            return;
        }
        Err(e) => {
            rep.push(CheckKind::CmsSignature, CheckStatus::Failed, e.to_string());
            return;
        }
    };
    rep.push(
        CheckKind::Integrity,
        CheckStatus::Passed,
        "the timestamp's message imprint is the digest of the covered bytes",
    );
    rep.push(
        CheckKind::CmsSignature,
        CheckStatus::Passed,
        "the timestamp token's signature verifies with the TSA's key",
    );
    rep.signer = Some(chain::subject(&ts.tsa_certificate));
    rep.timestamp = Some(TimestampReport {
        time: crate::time::iso8601_vn(ts.gen_time),
        tsa: chain::subject(&ts.tsa_certificate),
        trusted: ts.chain.is_ok(),
    });
    rep.push(
        CheckKind::Timestamp,
        CheckStatus::Passed,
        format!(
            "document timestamp (RFC 3161) at {}",
            crate::time::iso8601_vn(ts.gen_time)
        ),
    );
    let pool = crate::cms::decode_signed_data(contents)
        .map(|sd| crate::ltv::embedded(&sd))
        .unwrap_or_default();
    // A later document timestamp proves this one existed at its time (the renewal chain).
    let later_poe = ctx.doc_timestamp_poe(signed_len + 1);
    let (at, poe) = match later_poe {
        Some(t) if t > ts.gen_time => (ts.gen_time, "document timestamp"),
        _ => (ts.gen_time, "none"),
    };
    match chain::validate(
        &ts.tsa_certificate,
        &pool,
        &opts.trust,
        at,
        Purpose::TimeStamping,
    ) {
        Ok(path) => {
            rep.push(
                CheckKind::CertificateChain,
                CheckStatus::Passed,
                format!(
                    "trusted TSA path to \"{}\", valid at {}",
                    path.last().map(chain::subject).unwrap_or_default(),
                    crate::time::iso8601_vn(at)
                ),
            );
            ctx.doc_timestamps.push((signed_len, ts.gen_time));
        }
        Err(e) => rep.push(
            CheckKind::CertificateChain,
            CheckStatus::Failed,
            e.to_string(),
        ),
    }
    // The newest document timestamp is validated at the current time while its TSA certificate
    // is valid (after that only at its own time, which revocation data must then support); an
    // older one at its own time, which a later one proves.
    let (vt, poe) = match poe {
        "none" if chain::check_validity(&ts.tsa_certificate, opts.now).is_ok() => {
            (opts.now, "none")
        }
        "none" => (at, "document timestamp"),
        p => (at, p),
    };
    revocation_checks(
        rep,
        &ts.tsa_certificate,
        &pool,
        vt,
        poe,
        vri_key,
        "DocTimeStamp",
        opts,
        ctx,
    );
}
