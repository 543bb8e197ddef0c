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
    /// Fetch OCSP responses (then CRLs) from the certificates' URLs when the file holds no
    /// status, for certificates that already chain to a trusted root (Circular 15/2025/TT-BKHCN:
    /// OCSP when offered, else the latest CRL). `false` is `hoso verify --offline`.
    pub fetch_revocation: bool,
}

/// PAdES baseline level a signature reaches (ETSI EN 319 142-1 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PadesLevel {
    /// B-B: a CMS signature with the PAdES attributes.
    #[serde(rename = "B-B")]
    BB,
    /// B-T: B-B with a trusted signature timestamp.
    #[serde(rename = "B-T")]
    BT,
    /// B-LT: B-T with the validation data in the file's DSS.
    #[serde(rename = "B-LT")]
    BLT,
    /// B-LTA: B-LT covered by a trusted document timestamp.
    #[serde(rename = "B-LTA")]
    BLTA,
    /// A document timestamp (`/SubFilter /ETSI.RFC3161`) itself.
    DocTimeStamp,
}

/// What proves the signature existed at the validation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ProofOfExistence {
    /// A trusted signature timestamp.
    #[serde(rename = "signature timestamp")]
    SignatureTimestamp,
    /// A trusted document timestamp covering the signature.
    #[serde(rename = "document timestamp")]
    DocumentTimestamp,
    /// Nothing: validated at the current time.
    #[serde(rename = "none")]
    None,
}

/// Revocation status of a certificate path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RevocationState {
    /// OCSP or CRL data say no certificate on the path was revoked at the validation time.
    Good,
    /// A certificate on the path was revoked at or before the validation time.
    Revoked,
    /// No status could be had for some certificate ("hợp lệ, chưa kiểm tra được tình trạng thu
    /// hồi" when everything else holds).
    NotChecked,
}

/// Where revocation data came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RevocationSource {
    /// The document security store (ISO 32000-2 §12.8.4.3).
    #[serde(rename = "DSS")]
    Dss,
    /// The signature's own CMS (adbe-revocationInfoArchival or SignedData `crls`).
    #[serde(rename = "CMS")]
    Cms,
    /// Fetched from the certificate's OCSP responder now.
    #[serde(rename = "online OCSP")]
    OnlineOcsp,
    /// Fetched from the certificate's CRL distribution point now.
    #[serde(rename = "online CRL")]
    OnlineCrl,
}

/// The long-term validation status of one signature.
#[derive(Debug, Clone, Serialize)]
pub struct LtvReport {
    /// PAdES baseline level the signature reaches.
    pub level: PadesLevel,
    /// The time the certificate path was validated at (ISO 8601, Vietnam time).
    pub validation_time: String,
    /// What proves the signature existed at that time.
    pub proof_of_existence: ProofOfExistence,
    /// Revocation status of the path.
    pub revocation: RevocationState,
    /// Where the revocation data came from.
    pub revocation_sources: Vec<RevocationSource>,
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
    /// Revocation data fetched online in this run, by certificate DER: one request per
    /// certificate however many signatures share it.
    online: Vec<(Vec<u8>, Option<revocation::Fetched>)>,
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
            online: Vec::new(),
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

    /// OCSP, then CRL, fetched for `cert` (once per run).
    fn fetch_online(
        &mut self,
        cert: &Certificate,
        issuer: &Certificate,
    ) -> Option<&revocation::Fetched> {
        let key = der::Encode::to_der(cert).ok()?;
        let i = match self.online.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                let f = RevocationClient::new().fetch_status(cert, issuer).ok();
                self.online.push((key, f));
                self.online.len() - 1
            }
        };
        self.online[i].1.as_ref()
    }
}

/// Revocation data carried by the signature's own CMS.
#[derive(Debug, Clone, Default)]
pub(crate) struct Embedded {
    pub ocsps: Vec<Vec<u8>>,
    pub crls: Vec<Vec<u8>>,
}

/// `RevocationInfoArchival` (ISO 32000-1 §12.8.3.3.2, Adobe's signed attribute).
#[derive(der::Sequence)]
struct RevocationInfoArchival {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    crl: Option<Vec<der::Any>>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    ocsp: Option<Vec<der::Any>>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    other: Option<der::Any>,
}

/// The revocation data a signature's CMS carries: the SignedData `crls` field (RFC 5652 §10.2.1,
/// CRLs and RFC 5940 OCSP responses) and the signed adbe-revocationInfoArchival attribute. Each
/// item is checked against the issuer when used, like DSS data.
pub(crate) fn embedded_revocation(
    sd: &cms::signed_data::SignedData,
    info: Option<&cms::signed_data::SignerInfo>,
) -> Embedded {
    use cms::revocation::RevocationInfoChoice;
    use der::Encode;
    let mut out = Embedded::default();
    for choice in sd.crls.iter().flat_map(|c| c.0.iter()) {
        match choice {
            RevocationInfoChoice::Crl(crl) => out.crls.extend(crl.to_der().ok()),
            RevocationInfoChoice::Other(o)
                if o.other_format.oid == crate::oids::RI_OCSP_RESPONSE =>
            {
                out.ocsps.extend(o.other.to_der().ok())
            }
            RevocationInfoChoice::Other(_) => {}
        }
    }
    let archived = info
        .and_then(|i| i.signed_attrs.as_ref())
        .map(|a| crate::cms::attribute_values(a, &crate::oids::ADBE_REVOCATION_INFO_ARCHIVAL))
        .unwrap_or_default();
    for v in archived {
        if let Ok(ria) = v.decode_as::<RevocationInfoArchival>() {
            out.crls
                .extend(ria.crl.iter().flatten().filter_map(|a| a.to_der().ok()));
            out.ocsps
                .extend(ria.ocsp.iter().flatten().filter_map(|a| a.to_der().ok()));
            let _ = ria.other;
        }
    }
    out
}

/// Result of checking one path's revocation.
struct PathRevocation {
    revoked: Option<(String, SystemTime)>,
    missing: Vec<String>,
    revoked_later: Vec<(String, SystemTime)>,
    sources: Vec<RevocationSource>,
}

/// Checks every certificate of `path` but the anchor at `at`: data in the DSS, then in the
/// signature's CMS, then (when `online` allows) the certificate's OCSP responder and then its
/// CRL. `online` is false unless the path already leads to a trusted root, so an untrusted
/// file never makes hoso contact hosts it names.
fn check_path(
    path: &[Certificate],
    at: SystemTime,
    ctx: &mut Ctx,
    embedded: &Embedded,
    online: bool,
) -> PathRevocation {
    let mut r = PathRevocation {
        revoked: None,
        missing: Vec::new(),
        revoked_later: Vec::new(),
        sources: Vec::new(),
    };
    let note = |r: &mut PathRevocation, s: RevocationSource| {
        if !r.sources.contains(&s) {
            r.sources.push(s);
        }
    };
    let definite = |f: &Option<(Status, revocation::Checked)>| {
        matches!(f, Some((Status::Good | Status::Revoked { .. }, _)))
    };
    for pair in path.windows(2) {
        let (cert, issuer) = (&pair[0], &pair[1]);
        let mut found = revocation::status_at(cert, issuer, &ctx.dss.ocsps, &ctx.dss.crls, at);
        if definite(&found) {
            note(&mut r, RevocationSource::Dss);
        } else {
            let e = revocation::status_at(cert, issuer, &embedded.ocsps, &embedded.crls, at);
            if definite(&e) {
                note(&mut r, RevocationSource::Cms);
                found = e;
            }
        }
        if !definite(&found) && online && ctx.options.fetch_revocation {
            if let Some(f) = ctx.fetch_online(cert, issuer) {
                let o = revocation::status_at(cert, issuer, &f.ocsps, &f.crls, at);
                if let Some((_, c)) = o.as_ref().filter(|_| definite(&o)) {
                    let source = match c.source {
                        revocation::Source::Ocsp => RevocationSource::OnlineOcsp,
                        revocation::Source::Crl => RevocationSource::OnlineCrl,
                    };
                    note(&mut r, source);
                    found = o;
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

impl ProofOfExistence {
    fn words(self) -> &'static str {
        match self {
            Self::SignatureTimestamp => "signature timestamp",
            Self::DocumentTimestamp => "document timestamp",
            Self::None => "current time",
        }
    }
}

/// Adds the revocation and LTV checks for a CMS signature (or a document timestamp's TSA)
/// validated at `validation_time`, `poe` naming what proves that time. Online sources are asked
/// only when the certificate path check already passed (the path leads to a trusted root).
#[allow(clippy::too_many_arguments)]
pub(crate) fn revocation_checks(
    rep: &mut SignatureReport,
    leaf: &Certificate,
    pool: &[Certificate],
    embedded: &Embedded,
    validation_time: SystemTime,
    poe: ProofOfExistence,
    vri_key: &str,
    level: PadesLevel,
    opts: &VerifyOptions,
    ctx: &mut Ctx,
) {
    let trusted_path = rep
        .checks
        .iter()
        .any(|c| c.kind == CheckKind::CertificateChain && c.status == CheckStatus::Passed)
        && !rep
            .checks
            .iter()
            .any(|c| c.kind == CheckKind::CertificateChain && c.status == CheckStatus::Failed);
    let path = path_for(leaf, pool, opts, ctx);
    let r = check_path(&path, validation_time, ctx, embedded, trusted_path);
    let expired_since = poe != ProofOfExistence::None
        && path
            .iter()
            .any(|c| chain::check_validity(c, opts.now).is_err());
    let poe_words = poe.words();
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
        RevocationState::Revoked
    } else if r.missing.is_empty()
        && (path.len() > 1 || opts.trust.roots().iter().any(|c| c == leaf))
    {
        let sources: Vec<&str> = r
            .sources
            .iter()
            .map(|s| match s {
                RevocationSource::Dss => "the DSS",
                RevocationSource::Cms => "the signature's CMS",
                RevocationSource::OnlineOcsp => "the OCSP responder (online)",
                RevocationSource::OnlineCrl => "the CRL (online)",
            })
            .collect();
        let mut detail = format!(
            "not revoked at {} according to OCSP/CRL data from {} for every certificate on the path",
            crate::time::iso8601_vn(validation_time),
            sources.join(" and ")
        );
        for (who, when) in &r.revoked_later {
            detail.push_str(&format!(
                "; \"{who}\" was revoked later, on {}, after the {poe_words}",
                crate::time::iso8601_vn(*when)
            ));
        }
        rep.push(CheckKind::Revocation, CheckStatus::Passed, detail);
        RevocationState::Good
    } else {
        let why = if !ctx.options.fetch_revocation {
            " (offline: online checking not enabled)"
        } else if !trusted_path {
            " (not asked online: the path does not lead to a trusted root)"
        } else {
            " nor from the OCSP responder or CRL the certificate names"
        };
        let who = if r.missing.is_empty() {
            chain::subject(leaf)
        } else {
            r.missing.join(", ")
        };
        rep.push(
            CheckKind::Revocation,
            CheckStatus::NotChecked,
            format!("no revocation status in the file{why} for: {who}"),
        );
        RevocationState::NotChecked
    };
    if expired_since {
        if revocation == RevocationState::Good {
            rep.push(
                CheckKind::CertificateChain,
                CheckStatus::Passed,
                format!(
                    "a certificate on the path has expired since, but the {poe_words} and revocation \
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
                     from that time the {poe_words} alone does not prove it was valid",
                    crate::time::iso8601_vn(validation_time)
                ),
            );
        }
    }
    let vri = ctx.dss.vri_keys.iter().any(|k| k == vri_key);
    let level = match (level, revocation) {
        (PadesLevel::BT, RevocationState::Good)
            if r.sources.iter().all(|s| *s == RevocationSource::Dss) =>
        {
            PadesLevel::BLT
        }
        (l, _) => l,
    };
    rep.ltv = Some(LtvReport {
        level,
        validation_time: crate::time::iso8601_vn(validation_time),
        proof_of_existence: poe,
        revocation,
        revocation_sources: r.sources,
        vri,
        expired_since_signing: expired_since,
    });
}

/// Raises B-LT to B-LTA when a trusted document timestamp covers the signature and the DSS.
pub(crate) fn mark_lta(rep: &mut SignatureReport, signed_len: u64, ctx: &Ctx) {
    if let Some(l) = rep.ltv.as_mut() {
        if l.level == PadesLevel::BLT && ctx.doc_timestamps.iter().any(|(len, _)| *len > signed_len)
        {
            l.level = PadesLevel::BLTA;
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
    rep.certificate = Some(super::certificate_summary(&ts.tsa_certificate));
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
        Some(t) if t > ts.gen_time => (ts.gen_time, ProofOfExistence::DocumentTimestamp),
        _ => (ts.gen_time, ProofOfExistence::None),
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
        ProofOfExistence::None if chain::check_validity(&ts.tsa_certificate, opts.now).is_ok() => {
            (opts.now, ProofOfExistence::None)
        }
        ProofOfExistence::None => (at, ProofOfExistence::DocumentTimestamp),
        p => (at, p),
    };
    let embedded = crate::cms::decode_signed_data(contents)
        .map(|sd| embedded_revocation(&sd, None))
        .unwrap_or_default();
    revocation_checks(
        rep,
        &ts.tsa_certificate,
        &pool,
        &embedded,
        vt,
        poe,
        vri_key,
        PadesLevel::DocTimeStamp,
        opts,
        ctx,
    );
}
