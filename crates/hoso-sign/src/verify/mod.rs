//! Verification of every signature in a PDF, as a [`VerificationReport`].
//!
//! For each signature field with a value it establishes, positively: the `/ByteRange` shape and
//! that its gap is exactly the `/Contents` hex string of the signature dictionary found through
//! the signed revision's own cross-reference data; that this dictionary was not redefined later;
//! the digest and CMS signature; the PAdES attributes; what changed after the signed revision
//! (with DocMDP) and how the touched pages render; the timestamp; and the certificate path to a
//! configured root. Each check is one function (`check_byte_range_shape`,
//! `open_signed_revision`, `check_signature_dictionary`, `check_modifications`, `decode_cms`,
//! `check_cms_signature`, `check_pades_profile`, `check_signature_timestamp`,
//! `check_certificate_chain`, then revocation in [`ltv`]) that pushes its outcome into the
//! signature's report; the verdict follows from those outcomes alone. `Err` is returned only when
//! not even an earlier revision of the file can be read as a PDF.

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
///
/// When the final revision cannot be read (bytes appended after `%%EOF` whose `startxref`
/// points at no cross-reference data), the last readable revision is verified and the bytes
/// after it are reported as an unsigned change of every signature (issue 14: such bytes are
/// never "unchanged", and readers that rebuild the cross-reference table do show them).
pub fn verify_source_ltv<S: Source>(
    src: S,
    opts: &VerifyOptions,
    ltv_opts: &LtvOptions,
) -> Result<VerificationReport, VerifyError> {
    let err = match PdfFile::open(&src) {
        Ok(file) => return verify_file(&file, opts, ltv_opts),
        Err(e) => e,
    };
    let Some(readable) = last_readable_revision(&src) else {
        return Err(err.into());
    };
    let file = PdfFile::open(Prefix {
        inner: &src,
        len: readable,
    })?;
    let mut report = verify_file(&file, opts, ltv_opts)?;
    report_unreadable_tail(&mut report, readable, src.len(), &err);
    Ok(report)
}

/// How far back from the end the search for an earlier readable revision looks.
const TAIL_SEARCH: u64 = 8 << 20;
/// At most this many `%%EOF` markers are tried.
const TAIL_CANDIDATES: usize = 32;

/// The end of the last revision (after its `%%EOF` and end-of-line) that opens on its own,
/// searching the last [`TAIL_SEARCH`] bytes; `None` when there is none before the end.
fn last_readable_revision<S: Source + ?Sized>(src: &S) -> Option<u64> {
    let len = src.len();
    let from = len.saturating_sub(TAIL_SEARCH);
    let mut tail = vec![0u8; usize::try_from(len - from).ok()?];
    let n = src.read_at(from, &mut tail).ok()?;
    tail.truncate(n);
    let mut ends: Vec<usize> = tail
        .windows(5)
        .enumerate()
        .filter(|(_, w)| *w == b"%%EOF")
        .map(|(i, _)| {
            let mut end = i + 5;
            if tail.get(end) == Some(&b'\r') {
                end += 1;
            }
            if tail.get(end) == Some(&b'\n') {
                end += 1;
            }
            end
        })
        .collect();
    ends.reverse();
    ends.into_iter()
        .map(|e| from + e as u64)
        .filter(|&e| e < len)
        .take(TAIL_CANDIDATES)
        .find(|&e| PdfFile::open(Prefix { inner: src, len: e }).is_ok())
}

/// Every signature of a report made over the first `readable` bytes learns that the bytes up to
/// `file_len` are an unsigned change that is not even a readable revision.
fn report_unreadable_tail(
    report: &mut VerificationReport,
    readable: u64,
    file_len: u64,
    why: &PdfError,
) {
    let detail = format!(
        "bytes {readable}–{file_len} after the last readable revision are not a readable \
         revision ({why}); readers that rebuild the cross-reference table show what they define"
    );
    for s in &mut report.signatures {
        let signed_len = match s.coverage {
            Coverage::WholeFile => readable,
            Coverage::Revision { signed_len, .. } => signed_len,
            Coverage::Unknown => {
                s.conclude();
                continue;
            }
        };
        s.coverage = Coverage::Revision {
            signed_len,
            file_len,
        };
        s.modifications = ModificationLevel::Illegal;
        s.changes.push(Change {
            kind: ChangeKind::AppendedBytes,
            level: ModificationLevel::Illegal,
            page: None,
            rect: None,
            object: None,
            detail: detail.clone(),
        });
        s.push(
            CheckKind::Modifications,
            CheckStatus::Failed,
            detail.clone(),
        );
        s.conclude();
    }
    report.file_len = file_len;
    report.bottom_line = report.bottom_line();
}

/// Verifies every signature of an opened file.
fn verify_file<S: Source>(
    file: &PdfFile<S>,
    opts: &VerifyOptions,
    ltv_opts: &LtvOptions,
) -> Result<VerificationReport, VerifyError> {
    let mut ltv_ctx = ltv::Ctx::new(file, ltv_opts.clone())?;
    let catalog = file
        .get(file.catalog_ref()?)?
        .as_dict()
        .cloned()
        .unwrap_or_default();
    let mut fields = Vec::new();
    if let Some(af) = catalog.get("AcroForm") {
        if let Some(af) = file.dict_of(af)? {
            if let Some(f) = af.get("Fields") {
                crate::sign::collect_fields(file, f, &mut fields, 0)?;
            }
        }
    }
    let docmdp = certification_sig(file, &catalog)?;
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
        done[i] = Some(verify_one(file, name, v, docmdp, opts, &mut ltv_ctx)?);
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

/// Byte offsets of one signature: the `/ByteRange` `[0 b c d]` and where the signed revision
/// ends (`c + d`).
#[derive(Debug, Clone, Copy)]
struct Span {
    b: u64,
    c: u64,
    signed_len: u64,
}

impl Span {
    /// The two signed ranges, `[0, b)` and `[c, signed_len)`.
    fn ranges(self) -> [(u64, u64); 2] {
        [(0, self.b), (self.c, self.signed_len)]
    }
}

/// `Ok(None)` from a check: the signature failed it decisively (the failure is in the report)
/// and no later check can change that.
type Step<T> = Result<Option<T>, VerifyError>;

/// One signature, check by check; each check pushes its outcome, the verdict follows from them
/// ([`SignatureReport::conclude`]).
fn verify_one<S: Source>(
    file: &PdfFile<S>,
    field: &str,
    v: &Object,
    docmdp: Option<(ObjRef, i64)>,
    opts: &VerifyOptions,
    ltv_ctx: &mut ltv::Ctx,
) -> Result<SignatureReport, VerifyError> {
    let mut rep = new_report(field);
    run_checks(file, v, docmdp, opts, ltv_ctx, &mut rep)?;
    rep.conclude();
    Ok(rep)
}

fn run_checks<S: Source>(
    file: &PdfFile<S>,
    v: &Object,
    docmdp: Option<(ObjRef, i64)>,
    opts: &VerifyOptions,
    ltv_ctx: &mut ltv::Ctx,
    rep: &mut SignatureReport,
) -> Result<(), VerifyError> {
    let Some(sig_ref) = v.as_ref() else {
        rep.push(
            CheckKind::SignatureDictionary,
            CheckStatus::Failed,
            "the signature dictionary is not an indirect object, so it cannot lie in the signed bytes",
        );
        return Ok(());
    };
    let sig_now = file.get(sig_ref)?.as_dict().cloned().unwrap_or_default();
    rep.sub_filter = sig_now
        .name("SubFilter")
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default();
    rep.certification = docmdp.filter(|(r, _)| *r == sig_ref).map(|(_, p)| p);
    let Some(span) = check_byte_range_shape(&sig_now, file.len(), rep) else {
        return Ok(());
    };
    let prefix = Prefix {
        inner: file.source(),
        len: span.signed_len,
    };
    let Some(signed) = open_signed_revision(file, prefix, rep) else {
        return Ok(());
    };
    let Some(sig_signed) = check_signature_dictionary(file, &signed, sig_ref, sig_now, span, rep)?
    else {
        return Ok(());
    };
    check_modifications(file, &signed, span.signed_len, docmdp, rep)?;
    let contents = sig_signed
        .get("Contents")
        .and_then(Object::as_string)
        .unwrap_or_default();
    let vri_key = crate::dss::vri_key(contents);
    if rep.sub_filter == "ETSI.RFC3161" {
        ltv::verify_doc_timestamp(
            file,
            rep,
            contents,
            span.ranges(),
            span.signed_len,
            &vri_key,
            opts,
            ltv_ctx,
        );
        return Ok(());
    }
    let Some(sd) = decode_cms(contents, rep) else {
        return Ok(());
    };
    let sha1 = check_no_sha1(&sd, rep);
    let Some(verified) = check_cms_signature(file.source(), &sd, span, rep) else {
        return Ok(());
    };
    rep.signer = Some(chain::subject(&verified.signer));
    rep.certificate = Some(certificate_summary(&verified.signer));
    if !sha1 {
        check_algorithms(&verified, rep);
    }
    if check_pades_profile(&verified, rep).is_none() {
        return Ok(());
    }
    check_time_and_trust(&sd, &verified, span, &vri_key, opts, ltv_ctx, rep);
    Ok(())
}

/// After the signature value verified: the time it is validated at (signature timestamp, else a
/// covering document timestamp, else now), the certificate path at that time, revocation (OCSP,
/// then CRL, else "not checked"), and the LTA mark.
fn check_time_and_trust(
    sd: &cms::signed_data::SignedData,
    verified: &cms_mod::VerifiedSignerInfo,
    span: Span,
    vri_key: &str,
    opts: &VerifyOptions,
    ltv_ctx: &mut ltv::Ctx,
    rep: &mut SignatureReport,
) {
    let (mut validation_time, mut poe) = check_signature_timestamp(verified, opts, rep);
    // A trusted document timestamp covering this signature proves it existed by then.
    if poe == ProofOfExistence::None {
        if let Some(t) = ltv_ctx.doc_timestamp_poe(span.signed_len) {
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
    check_certificate_chain(verified, opts, validation_time, rep);
    let embedded = ltv::embedded_revocation(sd, Some(&verified.info));
    ltv::revocation_checks(
        rep,
        &verified.signer,
        &verified.certificates,
        &embedded,
        validation_time,
        poe,
        vri_key,
        level,
        opts,
        ltv_ctx,
    );
    ltv::mark_lta(rep, span.signed_len, ltv_ctx);
}

/// `/ByteRange` is `[0 b c d]` with `b < c` and `c + d` within the file (ISO 32000-1 §12.8.1).
fn check_byte_range_shape(sig_now: &Dict, len: u64, rep: &mut SignatureReport) -> Option<Span> {
    let br: Vec<i64> = sig_now
        .get("ByteRange")
        .and_then(Object::as_array)
        .map(|a| a.iter().map(|o| o.as_i64().unwrap_or(-1)).collect())
        .unwrap_or_default();
    rep.byte_range = br.clone();
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
        return None;
    }
    let (b, c, d) = (br[1] as u64, br[2] as u64, br[3] as u64);
    rep.coverage = if c + d == len {
        Coverage::WholeFile
    } else {
        Coverage::Revision {
            signed_len: c + d,
            file_len: len,
        }
    };
    Some(Span {
        b,
        c,
        signed_len: c + d,
    })
}

/// The signed revision, read on its own, must be one of the file's revisions, with every later
/// revision after it.
fn open_signed_revision<'a, S: Source>(
    file: &PdfFile<S>,
    prefix: Prefix<'a, S>,
    rep: &mut SignatureReport,
) -> Option<PdfFile<Prefix<'a, S>>> {
    let signed_len = prefix.len;
    let signed = match PdfFile::open(prefix) {
        Ok(p) => p,
        Err(e) => {
            rep.push(
                CheckKind::ByteRange,
                CheckStatus::Failed,
                format!("the signed bytes do not end with a complete revision: {e}"),
            );
            return None;
        }
    };
    let revisions = file.revisions();
    let in_history = revisions
        .iter()
        .any(|r| r.xref_offset == signed.startxref())
        && revisions
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
        return None;
    }
    Some(signed)
}

/// The signature dictionary as signed: found by the signed revision's xref, stored
/// uncompressed, its `/Contents` exactly the ByteRange gap, its `/ByteRange` the one used, and
/// not redefined since. Returns the dictionary as signed.
fn check_signature_dictionary<S: Source, P: Source>(
    file: &PdfFile<S>,
    signed: &PdfFile<P>,
    sig_ref: ObjRef,
    sig_now: Dict,
    span: Span,
    rep: &mut SignatureReport,
) -> Step<Dict> {
    let sig_signed = match signed.entry(sig_ref.num) {
        Some(XrefEntry::InFile { offset, .. }) => signed.load_at(offset, sig_ref)?,
        _ => {
            rep.push(
                CheckKind::SignatureDictionary,
                CheckStatus::Failed,
                "the signature dictionary is not an uncompressed object of the signed revision",
            );
            return Ok(None);
        }
    };
    let sig_signed = sig_signed.as_dict().cloned().unwrap_or_default();
    let Span { b, c, signed_len } = span;
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
    if !gap_ok || br_signed != rep.byte_range {
        rep.push(
            CheckKind::ByteRange,
            CheckStatus::Failed,
            "the excluded bytes are not exactly the /Contents hex string of the signed signature dictionary",
        );
        return Ok(None);
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
    Ok(Some(sig_signed))
}

/// What changed after the signed revision (judged by role), the rendered comparison of the
/// pages later revisions touched, and DocMDP.
fn check_modifications<S: Source, P: Source>(
    file: &PdfFile<S>,
    signed: &PdfFile<P>,
    signed_len: u64,
    docmdp: Option<(ObjRef, i64)>,
    rep: &mut SignatureReport,
) -> Result<(), VerifyError> {
    let level_report = modifications::analyse(signed, file, signed_len)?;
    rep.modifications = level_report.level;
    rep.changes = level_report.changes.clone();
    match modifications::visual_check(file.source(), signed_len, &level_report, &mut rep.changes) {
        modifications::VisualOutcome::Skipped => {}
        modifications::VisualOutcome::Same => rep.push(
            CheckKind::VisualComparison,
            CheckStatus::Passed,
            "the pages later revisions touched render as they did when signed",
        ),
        modifications::VisualOutcome::Differs(d) => {
            rep.push(CheckKind::VisualComparison, CheckStatus::Failed, d)
        }
        modifications::VisualOutcome::NotDone(d) => {
            rep.push(CheckKind::VisualComparison, CheckStatus::Warning, d)
        }
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
    Ok(())
}

/// `/Contents` is a CMS SignedData of a supported detached form without encapsulated content.
fn decode_cms(contents: &[u8], rep: &mut SignatureReport) -> Option<cms::signed_data::SignedData> {
    let sd = match cms_mod::decode_signed_data(contents) {
        Ok(sd) => sd,
        Err(e) => {
            rep.push(
                CheckKind::CmsSignature,
                CheckStatus::Failed,
                format!("/Contents is not a CMS SignedData: {e}"),
            );
            return None;
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
        return None;
    }
    if sd.encap_content_info.econtent.is_some() {
        // ISO 32000-1 §12.8.3.3.1: a detached signature's CMS has no content; content inside it
        // would be what the signature really covers, not the byte range.
        rep.push(
            CheckKind::CmsSignature,
            CheckStatus::Failed,
            "the CMS of a detached signature carries encapsulated content",
        );
        return None;
    }
    Some(sd)
}

/// Circular 15/2025/TT-BKHCN forbids SHA-1: a SignerInfo digesting or signing with it fails the
/// algorithm check (the CMS check then fails too: hoso computes no SHA-1 digests). Returns
/// whether SHA-1 was found.
fn check_no_sha1(sd: &cms::signed_data::SignedData, rep: &mut SignatureReport) -> bool {
    let sha1 = sd.signer_infos.0.iter().any(|si| {
        crate::algorithms::is_sha1(&si.digest_alg.oid)
            || crate::algorithms::is_sha1(&si.signature_algorithm.oid)
    });
    if sha1 {
        let v = crate::algorithms::AlgorithmViolation::Sha1 {
            what: "chữ ký",
            what_en: "the signature",
        };
        rep.push(CheckKind::Algorithms, CheckStatus::Failed, v.to_string());
    }
    sha1
}

/// The signer's key size and padding against Circular 15/2025/TT-BKHCN: a key under the minimum
/// fails (the verdict is then at best untrusted), RSA PKCS#1 v1.5 is a warning (the Circular
/// names RSASSA-PSS; most signatures made before it are v1.5 and still verify).
fn check_algorithms(verified: &cms_mod::VerifiedSignerInfo, rep: &mut SignatureReport) {
    use crate::algorithms::{check_key, KeySize};
    let spki = &verified.signer.tbs_certificate.subject_public_key_info;
    let size = match check_key(spki) {
        Ok(size) => size,
        Err(v) => {
            rep.push(CheckKind::Algorithms, CheckStatus::Failed, v.to_string());
            return;
        }
    };
    let alg = verified.info.signature_algorithm.oid;
    let (status, detail) = match size {
        KeySize::Rsa(bits) if alg == oids::RSASSA_PSS => (
            CheckStatus::Passed,
            format!(
                "RSA {bits} bit, RSASSA-PSS: đúng {} / as Circular 15/2025/TT-BKHCN requires",
                crate::algorithms::CIRCULAR
            ),
        ),
        KeySize::Rsa(bits) => (
            CheckStatus::Warning,
            format!(
                "RSA {bits} bit, PKCS#1 v1.5: {} quy định RSASSA-PSS; chữ ký vẫn kiểm tra được / \
                 Circular 15/2025/TT-BKHCN names RSASSA-PSS; the signature still verifies",
                crate::algorithms::CIRCULAR
            ),
        ),
        other => (
            CheckStatus::Passed,
            format!(
                "{other}: đúng {} / as Circular 15/2025/TT-BKHCN requires",
                crate::algorithms::CIRCULAR
            ),
        ),
    };
    rep.push(CheckKind::Algorithms, status, detail);
}

/// The digest of the signed bytes equals the message-digest, and the signature over the signed
/// attributes verifies with the signer's key (RFC 5652 §5.4, §5.6).
fn check_cms_signature<S: Source + ?Sized>(
    src: &S,
    sd: &cms::signed_data::SignedData,
    span: Span,
    rep: &mut SignatureReport,
) -> Option<cms_mod::VerifiedSignerInfo> {
    let verified = cms_mod::verify_signer_info(sd, &oids::ID_DATA, |alg| {
        hash_ranges(src, alg, &span.ranges())
    });
    match verified {
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
            Some(v)
        }
        Err(CmsError::MessageDigestMismatch) => {
            rep.push(
                CheckKind::Integrity,
                CheckStatus::Failed,
                "digest mismatch: the signed bytes were changed",
            );
            None
        }
        Err(e) => {
            rep.push(CheckKind::CmsSignature, CheckStatus::Failed, e.to_string());
            None
        }
    }
}

/// PAdES baseline attributes (ETSI EN 319 142-1 §6.3); `None` when a CAdES form lacks signed
/// attributes altogether.
fn check_pades_profile(
    verified: &cms_mod::VerifiedSignerInfo,
    rep: &mut SignatureReport,
) -> Option<()> {
    if !verified.has_signed_attributes {
        if rep.sub_filter == "ETSI.CAdES.detached" {
            rep.push(
                CheckKind::CmsSignature,
                CheckStatus::Failed,
                "ETSI.CAdES.detached requires signed attributes (ETSI EN 319 142-1 §6.3)",
            );
            return None;
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
    Some(())
}

/// The RFC 3161 signature timestamp over the signature value (ETSI EN 319 122-1
/// signature-time-stamp); returns the validation time and the proof of existence it gives.
fn check_signature_timestamp(
    verified: &cms_mod::VerifiedSignerInfo,
    opts: &VerifyOptions,
    rep: &mut SignatureReport,
) -> (SystemTime, ProofOfExistence) {
    let tokens: Vec<_> = verified
        .info
        .unsigned_attrs
        .as_ref()
        .map(|u| cms_mod::attribute_values(u, &oids::SIGNATURE_TIME_STAMP_TOKEN))
        .unwrap_or_default();
    let Some(tok) = tokens.first() else {
        return (opts.now, ProofOfExistence::None);
    };
    let checked = tok
        .decode_as::<cms::content_info::ContentInfo>()
        .map_err(|e| crate::tsp::TimestampError::Decode(e.to_string()))
        .and_then(|ci| {
            crate::tsp::verify_token(&ci, verified.info.signature.as_bytes(), &opts.trust)
        });
    let ts = match checked {
        Ok(ts) => ts,
        Err(e) => {
            rep.push(CheckKind::Timestamp, CheckStatus::Failed, e.to_string());
            return (opts.now, ProofOfExistence::None);
        }
    };
    rep.timestamp = Some(TimestampReport {
        time: crate::time::iso8601_vn(ts.gen_time),
        tsa: chain::subject(&ts.tsa_certificate),
        trusted: ts.chain.is_ok(),
    });
    match &ts.chain {
        Ok(_) => {
            rep.push(
                CheckKind::Timestamp,
                CheckStatus::Passed,
                format!(
                    "RFC 3161 timestamp over the signature at {}",
                    crate::time::iso8601_vn(ts.gen_time)
                ),
            );
            (ts.gen_time, ProofOfExistence::SignatureTimestamp)
        }
        Err(e) => {
            rep.push(
                CheckKind::Timestamp,
                CheckStatus::Warning,
                format!("the timestamp is intact but its TSA is not trusted: {e}"),
            );
            (opts.now, ProofOfExistence::None)
        }
    }
}

/// A path from the signer to a configured root, valid at `validation_time` (RFC 5280 §6).
fn check_certificate_chain(
    verified: &cms_mod::VerifiedSignerInfo,
    opts: &VerifyOptions,
    validation_time: SystemTime,
    rep: &mut SignatureReport,
) {
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
