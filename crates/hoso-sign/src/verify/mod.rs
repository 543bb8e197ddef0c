//! Verification of every signature in a PDF, as a [`VerificationReport`].
//!
//! For each signature field with a value it establishes, positively: the `/ByteRange` shape and
//! that its gap is exactly the `/Contents` hex string of the signature dictionary found through
//! the signed revision's own cross-reference data; that this dictionary was not redefined later;
//! the digest and CMS signature; the PAdES attributes; what changed after the signed revision
//! (with DocMDP); the timestamp; and the certificate path to a configured root. `Err` is returned
//! only when the file cannot be read as a PDF at all.

pub mod ltv;
mod modifications;
pub mod report;
mod visual;

use std::path::Path;
use std::time::SystemTime;

use der::asn1::ObjectIdentifier as Oid;
use sha2::Digest;

use crate::chain::{self, ChainError, Purpose, TrustStore};
use crate::cms::{self as cms_mod, CmsError};
use crate::oids;
use crate::pdf::object::decode_text;
use crate::pdf::{Dict, FileSource, ObjRef, Object, PdfError, PdfFile, Prefix, Source, XrefEntry};
pub use ltv::{
    LtvOptions, LtvReport, PadesLevel, ProofOfExistence, RevocationSource, RevocationState,
};
pub use report::{
    BottomLine, CertificateSummary, Change, ChangeKind, Check, CheckKind, CheckStatus, Coverage,
    ModificationLevel, SignatureReport, TimestampReport, Verdict, VerificationReport,
};

/// What to trust and when.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Configured roots (demo root only with `allow_demo`).
    pub trust: TrustStore,
    /// The validation time when there is no timestamp.
    pub now: SystemTime,
}

/// Why verification could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The file could not be opened.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a readable PDF.
    #[error("not a readable PDF: {0}")]
    Pdf(#[from] PdfError),
}

/// Verifies every signature of the PDF at `path`.
pub fn verify_pdf(path: &Path, opts: &VerifyOptions) -> Result<VerificationReport, VerifyError> {
    verify_pdf_ltv(path, opts, &LtvOptions::default())
}

/// As [`verify_pdf`], with revocation data fetched online when `ltv` allows it.
pub fn verify_pdf_ltv(
    path: &Path,
    opts: &VerifyOptions,
    ltv: &LtvOptions,
) -> Result<VerificationReport, VerifyError> {
    let io = |e| VerifyError::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let f = std::fs::File::open(path).map_err(io)?;
    verify_source_ltv(FileSource::new(f).map_err(io)?, opts, ltv)
}

/// Verifies every signature of a PDF held by any [`Source`].
pub fn verify_source<S: Source>(
    src: S,
    opts: &VerifyOptions,
) -> Result<VerificationReport, VerifyError> {
    verify_source_ltv(src, opts, &LtvOptions::default())
}

/// As [`verify_source`], with the LTV options.
pub fn verify_source_ltv<S: Source>(
    src: S,
    opts: &VerifyOptions,
    ltv_opts: &LtvOptions,
) -> Result<VerificationReport, VerifyError> {
    let file = PdfFile::open(src)?;
    let mut ltv_ctx = ltv::Ctx::new(&file, ltv_opts.clone())?;
    let catalog = file
        .get(file.catalog_ref()?)?
        .as_dict()
        .cloned()
        .unwrap_or_default();
    let mut fields = Vec::new();
    if let Some(af) = catalog.get("AcroForm") {
        if let Some(af) = file.dict_of(af)? {
            if let Some(f) = af.get("Fields") {
                crate::sign::collect_fields(&file, f, &mut fields, 0)?;
            }
        }
    }
    let docmdp = certification_sig(&file, &catalog)?;
    let mut todo = Vec::new();
    for (_, field) in fields {
        if field.name("FT") != Some(b"Sig") {
            continue;
        }
        let Some(v) = field.get("V") else { continue };
        let name = field
            .get("T")
            .and_then(Object::as_string)
            .map(decode_text)
            .unwrap_or_default();
        // Document timestamps first, newest first, so each signature (and each older document
        // timestamp) knows the proofs of existence that cover it.
        let sig = file.dict_of(v)?.unwrap_or_default();
        let end = sig
            .get("ByteRange")
            .and_then(Object::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Object::as_i64)
                    .skip(2)
                    .fold(0i64, i64::saturating_add)
            })
            .unwrap_or(0);
        let doc_ts = sig.name("SubFilter") == Some(b"ETSI.RFC3161");
        todo.push((todo.len(), doc_ts, end, name, v.clone()));
    }
    let mut order: Vec<usize> = (0..todo.len()).collect();
    order.sort_by_key(|&i| (!todo[i].1, std::cmp::Reverse(todo[i].2)));
    let mut done: Vec<Option<SignatureReport>> = vec![None; todo.len()];
    for i in order {
        let (_, _, _, name, v) = &todo[i];
        done[i] = Some(verify_one(&file, name, v, docmdp, opts, &mut ltv_ctx)?);
    }
    let signatures: Vec<SignatureReport> = done.into_iter().flatten().collect();
    let mut report = VerificationReport {
        file_len: file.len(),
        revisions: file.revisions().len(),
        demo_trusted: opts.trust.demo_allowed(),
        bottom_line: BottomLine::NoSignatures,
        signatures,
    };
    report.bottom_line = report.bottom_line();
    Ok(report)
}

/// The certification signature's reference and `/P`, from the catalog's `/Perms /DocMDP`.
fn certification_sig<S: Source>(
    file: &PdfFile<S>,
    catalog: &Dict,
) -> Result<Option<(ObjRef, i64)>, PdfError> {
    let perms = match catalog.get("Perms") {
        Some(p) => file.dict_of(p)?,
        None => None,
    };
    let Some(r) = perms
        .as_ref()
        .and_then(|p| p.get("DocMDP"))
        .and_then(Object::as_ref)
    else {
        return Ok(None);
    };
    let p = crate::sign::docmdp_p(file, catalog)?.unwrap_or(2);
    Ok(Some((r, p)))
}

fn new_report(field: &str) -> SignatureReport {
    SignatureReport {
        field: field.to_owned(),
        sub_filter: String::new(),
        signer: None,
        certificate: None,
        claimed_time: None,
        timestamp: None,
        byte_range: Vec::new(),
        coverage: Coverage::Unknown,
        modifications: ModificationLevel::None,
        changes: Vec::new(),
        certification: None,
        ltv: None,
        checks: Vec::new(),
        verdict: Verdict::Invalid,
    }
}

fn verify_one<S: Source>(
    file: &PdfFile<S>,
    field: &str,
    v: &Object,
    docmdp: Option<(ObjRef, i64)>,
    opts: &VerifyOptions,
    ltv_ctx: &mut ltv::Ctx,
) -> Result<SignatureReport, VerifyError> {
    let mut rep = new_report(field);
    let Some(sig_ref) = v.as_ref() else {
        rep.push(
            CheckKind::SignatureDictionary,
            CheckStatus::Failed,
            "the signature dictionary is not an indirect object, so it cannot lie in the signed bytes",
        );
        rep.conclude();
        return Ok(rep);
    };
    let sig_now = file.get(sig_ref)?.as_dict().cloned().unwrap_or_default();
    rep.sub_filter = sig_now
        .name("SubFilter")
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default();
    rep.certification = docmdp.filter(|(r, _)| *r == sig_ref).map(|(_, p)| p);

    // 1. ByteRange shape.
    let br: Vec<i64> = sig_now
        .get("ByteRange")
        .and_then(Object::as_array)
        .map(|a| a.iter().map(|o| o.as_i64().unwrap_or(-1)).collect())
        .unwrap_or_default();
    rep.byte_range = br.clone();
    let len = file.len();
    let shape_ok = br.len() == 4
        && br[0] == 0
        && br.iter().all(|&x| x >= 0)
        && br[1] < br[2]
        && (br[2] as u64).saturating_add(br[3] as u64) <= len;
    if !shape_ok {
        rep.push(
            CheckKind::ByteRange,
            CheckStatus::Failed,
            format!("/ByteRange {br:?} is not [0 b c d] with b < c and c + d ≤ file length {len}"),
        );
        rep.conclude();
        return Ok(rep);
    }
    let (b, c, d) = (br[1] as u64, br[2] as u64, br[3] as u64);
    let signed_len = c + d;

    // 2. The signed revision, read on its own, and its place in the file's history.
    let prefix = Prefix {
        inner: file.source(),
        len: signed_len,
    };
    let signed = match PdfFile::open(prefix) {
        Ok(p) => p,
        Err(e) => {
            rep.push(
                CheckKind::ByteRange,
                CheckStatus::Failed,
                format!("the signed bytes do not end with a complete revision: {e}"),
            );
            rep.conclude();
            return Ok(rep);
        }
    };
    let in_history = file
        .revisions()
        .iter()
        .any(|r| r.xref_offset == signed.startxref())
        && file
            .revisions()
            .iter()
            .skip_while(|r| r.xref_offset != signed.startxref())
            .skip(1)
            .all(|r| r.xref_offset >= signed_len);
    if !in_history {
        rep.push(
            CheckKind::ByteRange,
            CheckStatus::Failed,
            "the signed revision is not part of the document's revision chain",
        );
        rep.conclude();
        return Ok(rep);
    }

    // 3. The signature dictionary as signed: found by the signed revision's xref, stored
    // uncompressed, its /Contents exactly the ByteRange gap, its /ByteRange the one used.
    let sig_signed = match signed.entry(sig_ref.num) {
        Some(XrefEntry::InFile { offset, .. }) => signed.load_at(offset, sig_ref)?,
        _ => {
            rep.push(
                CheckKind::SignatureDictionary,
                CheckStatus::Failed,
                "the signature dictionary is not an uncompressed object of the signed revision",
            );
            rep.conclude();
            return Ok(rep);
        }
    };
    let sig_signed = sig_signed.as_dict().cloned().unwrap_or_default();
    let gap_ok = sig_signed.value_span("Contents") == Some((b, c)) && {
        let mut first = [0u8; 1];
        let mut last = [0u8; 1];
        file.source().read_at(b, &mut first).is_ok()
            && file.source().read_at(c - 1, &mut last).is_ok()
            && first[0] == b'<'
            && last[0] == b'>'
    };
    let br_signed: Vec<i64> = sig_signed
        .get("ByteRange")
        .and_then(Object::as_array)
        .map(|a| a.iter().map(|o| o.as_i64().unwrap_or(-1)).collect())
        .unwrap_or_default();
    if !gap_ok || br_signed != br {
        rep.push(
            CheckKind::ByteRange,
            CheckStatus::Failed,
            "the excluded bytes are not exactly the /Contents hex string of the signed signature dictionary",
        );
        rep.conclude();
        return Ok(rep);
    }
    rep.push(
        CheckKind::ByteRange,
        CheckStatus::Passed,
        format!("covers bytes 0–{b} and {c}–{signed_len}, excluding exactly /Contents"),
    );
    if crate::pdf::object::same(&Object::Dict(sig_signed.clone()), &Object::Dict(sig_now)) {
        rep.push(
            CheckKind::SignatureDictionary,
            CheckStatus::Passed,
            "the signature dictionary is the one that was signed",
        );
    } else {
        rep.push(
            CheckKind::SignatureDictionary,
            CheckStatus::Failed,
            "the signature dictionary was redefined after signing",
        );
    }
    rep.claimed_time = sig_signed
        .get("M")
        .and_then(Object::as_string)
        .map(decode_text)
        .and_then(|m| crate::time::parse_pdf_date(&m))
        .map(crate::time::iso8601_vn);
    rep.coverage = if signed_len == len {
        Coverage::WholeFile
    } else {
        Coverage::Revision {
            signed_len,
            file_len: len,
        }
    };

    // 4. Modifications after the signed revision, and DocMDP.
    let level_report = modifications::analyse(&signed, file, signed_len)?;
    rep.modifications = level_report.level;
    rep.changes = level_report.changes.clone();
    if let Some(warning) =
        modifications::visual_check(file.source(), signed_len, &level_report, &mut rep.changes)
    {
        rep.push(CheckKind::Modifications, CheckStatus::Warning, warning);
    }
    let (status, detail) = match level_report.level {
        ModificationLevel::None => (CheckStatus::Passed, "no changes after signing".to_owned()),
        ModificationLevel::Illegal => (CheckStatus::Failed, level_report.detail.clone()),
        _ => (CheckStatus::Passed, level_report.detail.clone()),
    };
    rep.push(CheckKind::Modifications, status, detail);
    let forbidden = match docmdp.map(|(_, p)| p) {
        Some(1) => level_report.level > ModificationLevel::LtvUpdates,
        Some(3) => level_report.level > ModificationLevel::Annotations,
        Some(_) => level_report.level > ModificationLevel::FormFillingAndSignatures,
        None => level_report.level == ModificationLevel::Annotations,
    };
    if let Some((_, p)) = docmdp {
        rep.push(
            CheckKind::DocMdp,
            if forbidden {
                CheckStatus::Failed
            } else {
                CheckStatus::Passed
            },
            format!(
                "certified with P={p}; changes after this signature: {:?}",
                level_report.level
            ),
        );
    } else if forbidden {
        rep.push(
            CheckKind::Modifications,
            CheckStatus::Failed,
            "annotations were added after an approval signature",
        );
    }

    // 5. The CMS.
    let contents = sig_signed
        .get("Contents")
        .and_then(Object::as_string)
        .unwrap_or_default();
    let vri_key = crate::dss::vri_key(contents);
    if rep.sub_filter == "ETSI.RFC3161" {
        ltv::verify_doc_timestamp(
            file,
            &mut rep,
            contents,
            [(0, b), (c, signed_len)],
            signed_len,
            &vri_key,
            opts,
            ltv_ctx,
        );
        rep.conclude();
        return Ok(rep);
    }
    let sd = match cms_mod::decode_signed_data(contents) {
        Ok(sd) => sd,
        Err(e) => {
            rep.push(
                CheckKind::CmsSignature,
                CheckStatus::Failed,
                format!("/Contents is not a CMS SignedData: {e}"),
            );
            rep.conclude();
            return Ok(rep);
        }
    };
    if !matches!(
        rep.sub_filter.as_str(),
        "ETSI.CAdES.detached" | "adbe.pkcs7.detached"
    ) {
        rep.push(
            CheckKind::CmsSignature,
            CheckStatus::Failed,
            format!("unsupported /SubFilter {}", rep.sub_filter),
        );
        rep.conclude();
        return Ok(rep);
    }
    if sd.encap_content_info.econtent.is_some() {
        // ISO 32000-1 §12.8.3.3.1: a detached signature's CMS has no content; content inside it
        // would be what the signature really covers, not the byte range.
        rep.push(
            CheckKind::CmsSignature,
            CheckStatus::Failed,
            "the CMS of a detached signature carries encapsulated content",
        );
        rep.conclude();
        return Ok(rep);
    }
    let src = file.source();
    let verified = cms_mod::verify_signer_info(&sd, &oids::ID_DATA, |alg| {
        hash_ranges(src, alg, &[(0, b), (c, signed_len)])
    });
    let verified = match verified {
        Ok(v) => {
            rep.push(
                CheckKind::Integrity,
                CheckStatus::Passed,
                "the digest of the signed bytes matches the CMS message-digest",
            );
            rep.push(
                CheckKind::CmsSignature,
                CheckStatus::Passed,
                "the CMS signature verifies with the signer's public key",
            );
            v
        }
        Err(CmsError::MessageDigestMismatch) => {
            rep.push(
                CheckKind::Integrity,
                CheckStatus::Failed,
                "digest mismatch: the signed bytes were changed",
            );
            rep.conclude();
            return Ok(rep);
        }
        Err(e) => {
            rep.push(CheckKind::CmsSignature, CheckStatus::Failed, e.to_string());
            rep.conclude();
            return Ok(rep);
        }
    };
    rep.signer = Some(chain::subject(&verified.signer));
    rep.certificate = Some(certificate_summary(&verified.signer));
    if !verified.has_signed_attributes {
        if rep.sub_filter == "ETSI.CAdES.detached" {
            rep.push(
                CheckKind::CmsSignature,
                CheckStatus::Failed,
                "ETSI.CAdES.detached requires signed attributes (ETSI EN 319 142-1 §6.3)",
            );
            rep.conclude();
            return Ok(rep);
        }
        rep.push(
            CheckKind::PadesProfile,
            CheckStatus::Warning,
            "not PAdES: adbe.pkcs7.detached without signed attributes (the signature covers the \
             bytes, but nothing binds the signer's certificate or a signing time)",
        );
    } else if rep.sub_filter == "adbe.pkcs7.detached" {
        rep.push(
            CheckKind::PadesProfile,
            CheckStatus::Warning,
            "not PAdES: /SubFilter adbe.pkcs7.detached (PAdES uses ETSI.CAdES.detached)",
        );
    }
    if rep.sub_filter == "ETSI.CAdES.detached" {
        let mut problems = Vec::new();
        if !verified.has_signing_certificate {
            problems.push("no signing-certificate-v2 attribute");
        }
        if verified.has_signing_time {
            problems.push("a CMS signing-time attribute is present (PAdES puts the time in /M)");
        }
        if problems.is_empty() {
            rep.push(
                CheckKind::PadesProfile,
                CheckStatus::Passed,
                "signed attributes as PAdES baseline requires",
            );
        } else {
            rep.push(
                CheckKind::PadesProfile,
                CheckStatus::Warning,
                problems.join("; "),
            );
        }
    }

    // 6. Timestamp over the signature value.
    let mut validation_time = opts.now;
    let mut poe = ProofOfExistence::None;
    let tokens: Vec<_> = verified
        .info
        .unsigned_attrs
        .as_ref()
        .map(|u| cms_mod::attribute_values(u, &oids::SIGNATURE_TIME_STAMP_TOKEN))
        .unwrap_or_default();
    if let Some(tok) = tokens.first() {
        let checked = tok
            .decode_as::<cms::content_info::ContentInfo>()
            .map_err(|e| crate::tsp::TimestampError::Decode(e.to_string()))
            .and_then(|ci| {
                crate::tsp::verify_token(&ci, verified.info.signature.as_bytes(), &opts.trust)
            });
        match checked {
            Ok(ts) => {
                let trusted = ts.chain.is_ok();
                rep.timestamp = Some(TimestampReport {
                    time: crate::time::iso8601_vn(ts.gen_time),
                    tsa: chain::subject(&ts.tsa_certificate),
                    trusted,
                });
                match &ts.chain {
                    Ok(_) => {
                        validation_time = ts.gen_time;
                        poe = ProofOfExistence::SignatureTimestamp;
                        rep.push(
                            CheckKind::Timestamp,
                            CheckStatus::Passed,
                            format!(
                                "RFC 3161 timestamp over the signature at {}",
                                crate::time::iso8601_vn(ts.gen_time)
                            ),
                        );
                    }
                    Err(e) => rep.push(
                        CheckKind::Timestamp,
                        CheckStatus::Warning,
                        format!("the timestamp is intact but its TSA is not trusted: {e}"),
                    ),
                }
            }
            Err(e) => rep.push(CheckKind::Timestamp, CheckStatus::Failed, e.to_string()),
        }
    }

    // A trusted document timestamp covering this signature proves it existed by then.
    if poe == ProofOfExistence::None {
        if let Some(t) = ltv_ctx.doc_timestamp_poe(signed_len) {
            if t < validation_time {
                validation_time = t;
                poe = ProofOfExistence::DocumentTimestamp;
            }
        }
    }
    let level = if rep.timestamp.as_ref().is_some_and(|t| t.trusted) {
        PadesLevel::BT
    } else {
        PadesLevel::BB
    };

    // 7. Certificate path at the timestamp's time (or now).
    match chain::validate(
        &verified.signer,
        &verified.certificates,
        &opts.trust,
        validation_time,
        Purpose::DocumentSigning,
    ) {
        Ok(path) => rep.push(
            CheckKind::CertificateChain,
            CheckStatus::Passed,
            format!(
                "trusted path to \"{}\", valid at {}",
                path.last().map(chain::subject).unwrap_or_default(),
                crate::time::iso8601_vn(validation_time)
            ),
        ),
        Err(e @ ChainError::KeyUsage { .. }) => {
            rep.push(CheckKind::CmsSignature, CheckStatus::Failed, e.to_string())
        }
        Err(e) => rep.push(
            CheckKind::CertificateChain,
            CheckStatus::Failed,
            e.to_string(),
        ),
    }
    let embedded = ltv::embedded_revocation(&sd, Some(&verified.info));
    ltv::revocation_checks(
        &mut rep,
        &verified.signer,
        &verified.certificates,
        &embedded,
        validation_time,
        poe,
        &vri_key,
        level,
        opts,
        ltv_ctx,
    );
    ltv::mark_lta(&mut rep, signed_len, ltv_ctx);
    rep.conclude();
    Ok(rep)
}

/// Subject, issuer, validity period and fingerprint of `c`.
pub(crate) fn certificate_summary(c: &x509_cert::Certificate) -> report::CertificateSummary {
    let v = &c.tbs_certificate.validity;
    report::CertificateSummary {
        subject: chain::subject(c),
        issuer: c.tbs_certificate.issuer.to_string(),
        valid_from: crate::time::iso8601_vn(v.not_before.to_system_time()),
        valid_until: crate::time::iso8601_vn(v.not_after.to_system_time()),
        sha256: chain::fingerprint(c)
            .map(|f| f.iter().map(|b| format!("{b:02x}")).collect())
            .unwrap_or_default(),
    }
}

/// Hashes the byte ranges of `src` with `alg`, streaming 1 MiB at a time.
fn hash_ranges<S: Source + ?Sized>(
    src: &S,
    alg: &Oid,
    ranges: &[(u64, u64)],
) -> Result<Vec<u8>, crate::crypto::CryptoError> {
    use sha3::digest::{ExtendableOutput, Update as _};
    enum H {
        S256(sha2::Sha256),
        S384(sha2::Sha384),
        S512(sha2::Sha512),
        Shake(sha3::Shake256),
    }
    let mut h = match *alg {
        oids::SHA256 => H::S256(sha2::Sha256::new()),
        oids::SHA384 => H::S384(sha2::Sha384::new()),
        oids::SHA512 => H::S512(sha2::Sha512::new()),
        oids::SHAKE256 | oids::SHAKE256_LEN => H::Shake(sha3::Shake256::default()),
        other => {
            return Err(crate::crypto::CryptoError::UnsupportedAlgorithm(
                other.to_string(),
            ))
        }
    };
    let mut buf = vec![0u8; 1 << 20];
    for &(start, end) in ranges {
        let mut off = start;
        while off < end {
            let want = ((end - off) as usize).min(buf.len());
            let n = src
                .read_at(off, &mut buf[..want])
                .map_err(|_| crate::crypto::CryptoError::Mismatch)?;
            if n == 0 {
                return Err(crate::crypto::CryptoError::Mismatch);
            }
            match &mut h {
                H::S256(x) => Digest::update(x, &buf[..n]),
                H::S384(x) => Digest::update(x, &buf[..n]),
                H::S512(x) => Digest::update(x, &buf[..n]),
                H::Shake(x) => x.update(&buf[..n]),
            }
            off += n as u64;
        }
    }
    Ok(match h {
        H::S256(x) => x.finalize().to_vec(),
        H::S384(x) => x.finalize().to_vec(),
        H::S512(x) => x.finalize().to_vec(),
        H::Shake(x) => {
            // RFC 8419 §2.3: SHAKE256 with 512 bits of output for Ed448.
            let mut out = vec![0u8; 64];
            x.finalize_xof_into(&mut out);
            out
        }
    })
}
