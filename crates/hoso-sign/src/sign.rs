//! PAdES signing as consumed states (ETSI EN 319 142-1 §5, ISO 32000-1 §12.8):
//!
//! [`Prepared`] (update planned, `/Contents` sized by a dry run) →
//! [`AwaitingSignature`] (output written, `/ByteRange` fixed, document digest known) →
//! [`Signed`] (CMS SignedData built) → [`Timestamped`] (RFC 3161 token added, B-T) →
//! [`SignedDocument`] (placeholder filled, output committed).
//!
//! Each transition takes `self`, so a signature hole cannot be filled twice. Until the final
//! commit the output exists only as a temporary file, which any error removes; the input is only
//! ever read.

use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use hoso_pdf::atomic::AtomicFile;
use sha2::{Digest, Sha256};
use x509_cert::attr::Attributes;
use x509_cert::Certificate;

use crate::chain::{self, ChainError, Purpose};
use crate::cms::{self as cms_mod, SignerInfoParts};
use crate::pdf::object::{text_string, write_object};
use crate::pdf::update::IncrementalUpdate;
use crate::pdf::{Dict, FileSource, ObjRef, Object, PdfError, PdfFile, Source};
use crate::signer::{SignatureAlgorithm, Signer, SignerError};
use crate::tsp::{TsaClient, TsaError};

/// PAdES baseline level to produce (ETSI EN 319 142-1 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Level {
    /// B-B: signed attributes only.
    BB,
    /// B-T: plus a signature timestamp from a TSA.
    BT,
    /// B-LT: B-T plus a DSS with the chains and their revocation data (§6.2.3, [`crate::ltv`]).
    BLT,
    /// B-LTA: B-LT plus a document timestamp over everything (§6.2.4).
    BLTA,
}

/// DocMDP permissions of a certification signature (ISO 32000-1 §12.8.2.2, Table 254).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum DocMdpPermission {
    /// P=1: no changes at all.
    NoChanges = 1,
    /// P=2: form filling and signing.
    FormFillingAndSigning = 2,
    /// P=3: also annotations.
    AnnotationsFormFillingAndSigning = 3,
}

impl DocMdpPermission {
    /// From the `/P` value.
    pub fn from_p(p: i64) -> Option<Self> {
        match p {
            1 => Some(Self::NoChanges),
            2 => Some(Self::FormFillingAndSigning),
            3 => Some(Self::AnnotationsFormFillingAndSigning),
            _ => None,
        }
    }
}

/// What to sign and how.
#[derive(Debug, Clone)]
pub struct SignOptions {
    /// Signature field name; a fresh `SignatureN` when `None`.
    pub field_name: Option<String>,
    /// `/Reason`.
    pub reason: Option<String>,
    /// `/Location`.
    pub location: Option<String>,
    /// Makes a certification signature with these DocMDP permissions.
    pub certify: Option<DocMdpPermission>,
    /// The claimed signing time, written as `/M` (PAdES puts no signing-time in the CMS).
    pub signing_time: SystemTime,
    /// B-B or B-T.
    pub level: Level,
    /// Visible widgets (hoso-stamp draws them); an invisible signature when `None`.
    pub appearance: Option<crate::appearance::VisibleSignature>,
}

impl Default for SignOptions {
    fn default() -> Self {
        Self {
            field_name: None,
            reason: None,
            location: None,
            certify: None,
            signing_time: SystemTime::now(),
            level: Level::BB,
            appearance: None,
        }
    }
}

/// Why signing failed. No output file exists after any of these.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The input PDF could not be read.
    #[error("cannot read the PDF: {0}")]
    Pdf(#[from] PdfError),
    /// A file could not be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The key holder failed.
    #[error(transparent)]
    Signer(#[from] SignerError),
    /// The timestamp could not be obtained or did not check out.
    #[error(transparent)]
    Tsa(#[from] TsaError),
    /// The signing certificate has expired.
    #[error("the signing certificate expired on {not_after}")]
    CertificateExpired {
        /// Its notAfter.
        not_after: String,
    },
    /// The signing certificate is not yet valid.
    #[error("the signing certificate is not valid before {not_before}")]
    CertificateNotYetValid {
        /// Its notBefore.
        not_before: String,
    },
    /// The certificate's key usage does not allow signatures.
    #[error("the certificate's key usage does not allow signing documents")]
    KeyUsageForbidsSigning,
    /// Encrypted PDFs are not signed.
    #[error("the PDF is encrypted")]
    Encrypted,
    /// A field of that name already exists.
    #[error("a form field named \"{name}\" already exists")]
    FieldExists {
        /// The name.
        name: String,
    },
    /// A certification signature with P=1 forbids further signatures.
    #[error("the document is certified with DocMDP P=1: no further changes are allowed")]
    DocMdpForbids,
    /// Certification must be the first signature (ISO 32000-1 §12.8.2.2.1).
    #[error("a certification signature must be the first signature in the document")]
    CertifyNotFirst,
    /// The CMS would not fit the placeholder.
    #[error("the signature ({needed} bytes) does not fit the reserved {capacity} bytes")]
    PlaceholderTooSmall {
        /// Bytes needed.
        needed: usize,
        /// Bytes reserved.
        capacity: usize,
    },
    /// The signer returned a signature that does not verify with its certificate.
    #[error("the signer produced a signature that does not verify with its certificate")]
    SignatureSelfCheck,
    /// CMS encoding failed.
    #[error("CMS encoding: {0}")]
    Encoding(#[from] der::Error),
    /// The signature was written but the B-LT/B-LTA step failed; the output holds the B-T
    /// signature.
    #[error("long-term validation data: {0}")]
    Ltv(#[from] crate::ltv::LtvError),
    /// A visible widget names a page the document does not have.
    #[error("there is no page {page} (the document has {count})")]
    NoSuchPage {
        /// 1-based page asked for.
        page: usize,
        /// Pages in the document.
        count: usize,
    },
    /// A visible signature without widgets, or an appearance without a form XObject.
    #[error("the visible signature has no appearance form")]
    AppearanceWithoutForm,
    /// The signing certificate is revoked (Circular 15/2025/TT-BKHCN: checked before signing).
    #[error(
        "chứng thư ký \"{subject}\" đã bị thu hồi ngày {revoked_at}, không thể ký / the signing \
         certificate was revoked on {revoked_at}; nothing signed"
    )]
    CertificateRevoked {
        /// Subject of the signing certificate.
        subject: String,
        /// revocationTime / revocationDate, ISO 8601 Vietnam time.
        revoked_at: String,
    },
    /// The key or certificate breaks Circular 15/2025/TT-BKHCN (RSA under 2048 bits, ECDSA under
    /// 256 bits, a SHA-1 certificate signature); the message names the size and the rule.
    /// Displayed in English (hoso-office puts the Vietnamese half first).
    #[error("{}", .0.english())]
    Algorithm(#[from] crate::algorithms::AlgorithmViolation),
    /// B-LT/B-LTA asked for a certificate that names no OCSP responder and no CRL.
    #[error(
        "chứng thư ký \"{subject}\" không ghi máy chủ OCSP hay điểm phân phối CRL, nên tệp \
         B-LT/B-LTA không thể chứa tình trạng thu hồi của nó; hãy ký mức B-T / the signing \
         certificate names no OCSP responder or CRL distribution point, so a B-LT/B-LTA file \
         cannot hold its revocation status; sign at B-T"
    )]
    NoRevocationSource {
        /// Subject of the signing certificate.
        subject: String,
    },
}

/// Width reserved for the `/ByteRange` array so it can be patched in place.
const BYTE_RANGE_WIDTH: usize = 64;
const PLACEHOLDER_BYTE_RANGE: &[u8] = b"/ByteRange ";
const CONTENTS_KEY: &[u8] = b"/Contents ";

/// An update planned and sized, nothing written yet.
#[must_use]
pub struct Prepared {
    input: PathBuf,
    file: PdfFile<FileSource>,
    update: Vec<u8>,
    /// Offsets in `update` of the `<` of `/Contents` and of the ByteRange value.
    contents_at: usize,
    byte_range_at: usize,
    capacity: usize,
    chain: Vec<Certificate>,
    algorithm: SignatureAlgorithm,
    field_name: String,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("input", &self.input)
            .field("capacity", &self.capacity)
            .field("field_name", &self.field_name)
            .finish_non_exhaustive()
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SignError + '_ {
    move |e| SignError::Io {
        path: path.to_path_buf(),
        source: e,
    }
}

/// Checks the signing certificate at `at` for document signing: Circular 15/2025/TT-BKHCN's key
/// sizes and digests first (a weak key is refused whatever else holds), then validity and usage.
fn check_signing_certificate(cert: &Certificate, at: SystemTime) -> Result<(), SignError> {
    crate::algorithms::check_signing_certificate(cert)?;
    match chain::check_validity(cert, at) {
        Err(ChainError::Expired { not_after, .. }) => {
            return Err(SignError::CertificateExpired { not_after })
        }
        Err(ChainError::NotYetValid { not_before, .. }) => {
            return Err(SignError::CertificateNotYetValid { not_before })
        }
        _ => {}
    }
    chain::check_usage(cert, Purpose::DocumentSigning)
        .map_err(|_| SignError::KeyUsageForbidsSigning)
}

/// Collects the signature fields (terminal fields with `/FT /Sig`) reachable from `/Fields`.
pub(crate) fn collect_fields<S: Source>(
    file: &PdfFile<S>,
    fields: &Object,
    out: &mut Vec<(Option<ObjRef>, Dict)>,
    depth: usize,
) -> Result<(), PdfError> {
    let mut seen = crate::pdf::Visited::new("form fields");
    collect_fields_once(file, fields, out, depth, &mut seen)
}

/// As [`collect_fields`], sharing one visited set: a field listed twice in `/Fields` or reached
/// again through `/Kids` (a cycle) is collected once.
fn collect_fields_once<S: Source>(
    file: &PdfFile<S>,
    fields: &Object,
    out: &mut Vec<(Option<ObjRef>, Dict)>,
    depth: usize,
    seen: &mut crate::pdf::Visited,
) -> Result<(), PdfError> {
    if depth > 32 || !seen.first_visit_obj(fields)? {
        return Ok(());
    }
    let arr = file.resolve(fields)?;
    for item in arr.as_array().unwrap_or(&[]) {
        if !seen.first_visit_obj(item)? {
            continue;
        }
        let d = match file.dict_of(item)? {
            Some(d) => d,
            None => continue,
        };
        if let Some(kids) = d.get("Kids") {
            // Widgets as kids carry no /T; only recurse into real sub-fields.
            let mut sub = Vec::new();
            collect_fields_once(file, kids, &mut sub, depth + 1, seen)?;
            if sub.iter().any(|(_, k)| k.get("T").is_some()) {
                out.extend(sub);
                continue;
            }
        }
        out.push((item.as_ref(), d));
    }
    Ok(())
}

/// The DocMDP `/P` of a certification signature in the catalog's `/Perms`, if any.
pub(crate) fn docmdp_p<S: Source>(
    file: &PdfFile<S>,
    catalog: &Dict,
) -> Result<Option<i64>, PdfError> {
    let perms = match catalog.get("Perms") {
        Some(p) => file.dict_of(p)?,
        None => None,
    };
    let Some(sig) = perms.as_ref().and_then(|p| p.get("DocMDP")) else {
        return Ok(None);
    };
    let sig = file.dict_of(sig)?.unwrap_or_default();
    for r in sig
        .get("Reference")
        .and_then(Object::as_array)
        .unwrap_or(&[])
    {
        let r = file.dict_of(r)?.unwrap_or_default();
        if r.name("TransformMethod") == Some(b"DocMDP") {
            let p = r
                .get("TransformParams")
                .map(|t| file.dict_of(t))
                .transpose()?
                .flatten()
                .and_then(|t| t.get("P").and_then(Object::as_i64))
                .unwrap_or(2);
            return Ok(Some(p));
        }
    }
    Ok(Some(2))
}

impl Prepared {
    /// Reads `input`, checks the signer's certificate and plans the incremental update. For B-T,
    /// the placeholder holds `tsa`'s token budget; the TSA itself is asked only after signing
    /// (an unreachable or untrusted TSA then fails before the output is committed).
    pub fn new(
        input: &Path,
        opts: &SignOptions,
        signer: &dyn Signer,
        tsa: Option<&TsaClient>,
    ) -> Result<Self, SignError> {
        let chain = signer.certificate_chain().to_vec();
        let leaf = chain.first().ok_or(SignerError::NoKey)?;
        check_signing_certificate(leaf, opts.signing_time)?;
        let f = std::fs::File::open(input).map_err(io_err(input))?;
        let file = PdfFile::open(FileSource::new(f).map_err(io_err(input))?)?;
        if file.trailer().get("Encrypt").is_some() {
            return Err(SignError::Encrypted);
        }
        let capacity = dry_run_capacity(signer, opts.level, tsa)?;
        let plan = plan_update(&file, opts, capacity)?;
        Ok(Self {
            input: input.to_path_buf(),
            file,
            update: plan.bytes,
            contents_at: plan.contents_at,
            byte_range_at: plan.byte_range_at,
            capacity,
            chain,
            algorithm: signer.algorithm(),
            field_name: plan.field_name,
        })
    }

    /// The `/ByteRange` the signature will cover.
    pub fn byte_range(&self) -> [u64; 4] {
        let base = self.file.len();
        let b = base + self.contents_at as u64;
        let c = b + 2 + 2 * self.capacity as u64;
        let end = base + self.update.len() as u64;
        [0, b, c, end - c]
    }

    /// Bytes reserved for the CMS.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Writes the input and the update to a temporary file beside `out`, hashing the byte range
    /// as it streams (the file is read once and never held in memory).
    pub fn write(mut self, out: &Path) -> Result<AwaitingSignature, SignError> {
        let br = self.byte_range();
        let text = format!("[{} {} {} {}]", br[0], br[1], br[2], br[3]);
        let mut padded = text.into_bytes();
        padded.resize(BYTE_RANGE_WIDTH, b' ');
        self.update[self.byte_range_at..self.byte_range_at + BYTE_RANGE_WIDTH]
            .copy_from_slice(&padded);
        let mut dst = AtomicFile::create(out).map_err(io_err(out))?;
        // Copy and hash the original bytes on two threads at once.
        let mut hasher = dst
            .append_prefix_of(&self.input, self.file.len(), true)
            .map_err(io_err(&self.input))?
            .unwrap_or_default();
        // The input is the output's prefix: its hash, and the output's (finished once the hole
        // is filled), come from the same pass as the byte range digest.
        let input_sha256: [u8; 32] = hasher.clone().finalize().into();
        let hole_start = self.contents_at;
        let hole_end = hole_start + 2 + 2 * self.capacity;
        hasher.update(&self.update[..hole_start]);
        let out_hasher = hasher.clone();
        hasher.update(&self.update[hole_end..]);
        dst.write_all(&self.update).map_err(io_err(out))?;
        let tail = self.update.split_off(hole_start);
        Ok(AwaitingSignature {
            out: dst,
            out_path: out.to_path_buf(),
            contents_offset: br[1],
            capacity: self.capacity,
            digest: hasher.finalize().into(),
            input_sha256,
            out_hasher,
            tail,
            chain: self.chain,
            algorithm: self.algorithm,
            byte_range: br,
            field_name: self.field_name,
        })
    }
}

struct Plan {
    bytes: Vec<u8>,
    contents_at: usize,
    byte_range_at: usize,
    field_name: String,
}

/// Sizes `/Contents` from a CMS built with a maximal dummy signature and, for B-T, the TSA's
/// token budget (the TSA is asked once, after signing; see [`TsaClient::token_budget`]).
fn dry_run_capacity(
    signer: &dyn Signer,
    level: Level,
    tsa: Option<&TsaClient>,
) -> Result<usize, SignError> {
    let chain = signer.certificate_chain();
    let leaf = chain.first().ok_or(SignerError::NoKey)?;
    let attrs = cms_mod::signed_attributes(&[0u8; 32], leaf)?;
    let sig = vec![0xffu8; signer.max_signature_len()];
    let token = match level {
        Level::BB => 0,
        Level::BT | Level::BLT | Level::BLTA => tsa
            .ok_or_else(|| TsaError::Unreachable {
                url: String::new(),
                reason: "B-T needs a TSA URL".into(),
            })?
            .token_budget(),
    };
    let der = cms_mod::encode_signed_data(&SignerInfoParts {
        chain,
        algorithm: signer.algorithm(),
        signed_attrs: attrs,
        signature: sig,
        unsigned_attrs: None,
    })?;
    // Slack for DER length variation (ECDSA integers); with a token, the unsigned attribute's
    // own header (attribute type, SET and [1] tags and lengths).
    let slack = if token > 0 { 64 + 64 } else { 64 };
    Ok(der.len() + token + slack)
}

fn unique_field_name(existing: &[String]) -> String {
    (1..)
        .map(|i| format!("Signature{i}"))
        .find(|n| !existing.contains(n))
        .expect("an unused name exists")
}

fn plan_update(
    file: &PdfFile<FileSource>,
    opts: &SignOptions,
    capacity: usize,
) -> Result<Plan, SignError> {
    let cat_ref = file.catalog_ref()?;
    let mut catalog = file
        .get(cat_ref)?
        .as_dict()
        .cloned()
        .ok_or(PdfError::MissingKey {
            key: "Root",
            object: "trailer",
        })?;
    let acro_obj = catalog.get("AcroForm").cloned();
    let acroform = match &acro_obj {
        Some(o) => file.dict_of(o)?.unwrap_or_default(),
        None => Dict::new(),
    };
    let mut fields = Vec::new();
    if let Some(f) = acroform.get("Fields") {
        collect_fields(file, f, &mut fields, 0)?;
    }
    let names: Vec<String> = fields
        .iter()
        .filter_map(|(_, d)| d.get("T").and_then(Object::as_string))
        .map(crate::pdf::object::decode_text)
        .collect();
    let has_signatures = fields
        .iter()
        .any(|(_, d)| d.name("FT") == Some(b"Sig") && d.get("V").is_some());
    match docmdp_p(file, &catalog)? {
        Some(1) => return Err(SignError::DocMdpForbids),
        Some(_) if opts.certify.is_some() => return Err(SignError::CertifyNotFirst),
        _ => {}
    }
    if opts.certify.is_some() && has_signatures {
        return Err(SignError::CertifyNotFirst);
    }
    let field_name = match &opts.field_name {
        Some(n) if names.contains(n) => return Err(SignError::FieldExists { name: n.clone() }),
        Some(n) => n.clone(),
        None => unique_field_name(&names),
    };
    let mut up = IncrementalUpdate::new(file).map_err(|e| SignError::Io {
        path: PathBuf::new(),
        source: e,
    })?;
    let sig_ref = up.allocate();
    let field_ref = up.allocate();

    // The signature value dictionary (ISO 32000-1 §12.8.1, Table 252).
    let mut sig = Vec::new();
    sig.extend_from_slice(b"<</Type /Sig/Filter /Adobe.PPKLite/SubFilter /ETSI.CAdES.detached");
    sig.extend_from_slice(PLACEHOLDER_BYTE_RANGE);
    let byte_range_in_sig = sig.len();
    sig.extend_from_slice(&[b' '; BYTE_RANGE_WIDTH]);
    sig.extend_from_slice(CONTENTS_KEY);
    let contents_in_sig = sig.len();
    sig.push(b'<');
    sig.resize(sig.len() + 2 * capacity, b'0');
    sig.push(b'>');
    let mut rest = Dict::new();
    rest.set(
        "M",
        Object::String(crate::time::pdf_date_vn(opts.signing_time).into_bytes()),
    );
    if let Some(r) = &opts.reason {
        rest.set("Reason", text_string(r));
    }
    if let Some(l) = &opts.location {
        rest.set("Location", text_string(l));
    }
    if let Some(p) = opts.certify {
        // §12.8.2.2: signature reference dictionary with DocMDP transform parameters.
        let mut params = Dict::new();
        params
            .set("Type", Object::name("TransformParams"))
            .set("P", Object::Integer(p as i64))
            .set("V", Object::name("1.2"));
        let mut sigref = Dict::new();
        sigref
            .set("Type", Object::name("SigRef"))
            .set("TransformMethod", Object::name("DocMDP"))
            .set("TransformParams", Object::Dict(params));
        rest.set("Reference", Object::Array(vec![Object::Dict(sigref)]));
    }
    let mut tail = Vec::new();
    write_object(&mut tail, &Object::Dict(rest));
    // Drop the `<<` and `>>` of the serialised remainder and splice its entries in.
    sig.extend_from_slice(&tail[2..tail.len() - 2]);
    sig.extend_from_slice(b">>");
    up.put_raw(sig_ref, sig);

    match &opts.appearance {
        Some(vis) => crate::appearance::put_visible_field(
            file,
            &mut up,
            vis,
            field_ref,
            sig_ref,
            &field_name,
        )?,
        None => put_invisible_field(file, &mut up, field_ref, sig_ref, &field_name)?,
    }

    // The AcroForm's /Fields gets the field; SigFlags 3 = SignaturesExist | AppendOnly (§12.7.2).
    let mut af = acroform.clone();
    add_signature_field(file, &mut up, &mut af, field_ref)?;
    let mut catalog_changed = false;
    match acro_obj {
        Some(Object::Ref(r)) => up.put(r, &Object::Dict(af)),
        _ => {
            let r = up.allocate();
            up.put(r, &Object::Dict(af));
            catalog.set("AcroForm", Object::Ref(r));
            catalog_changed = true;
        }
    }
    if opts.certify.is_some() {
        let mut perms = Dict::new();
        perms.set("DocMDP", Object::Ref(sig_ref));
        catalog.set("Perms", Object::Dict(perms));
        catalog_changed = true;
    }
    if catalog_changed {
        up.put(cat_ref, &Object::Dict(catalog));
    }
    let done = up.finish();
    let sig_body = done
        .body_offset(sig_ref)
        .expect("the signature dictionary was put into the update");
    Ok(Plan {
        contents_at: sig_body + contents_in_sig,
        byte_range_at: sig_body + byte_range_in_sig,
        bytes: done.bytes,
        field_name,
    })
}

/// The signature field as one invisible widget on the first page.
/// Lists `field_ref` in the AcroForm `af`'s `/Fields` (in place, or in its indirect array) and
/// sets SigFlags 3 = SignaturesExist | AppendOnly (ISO 32000-1 §12.7.2); the caller writes `af`.
pub(crate) fn add_signature_field<S: crate::pdf::file::Source>(
    file: &PdfFile<S>,
    up: &mut IncrementalUpdate,
    af: &mut Dict,
    field_ref: ObjRef,
) -> Result<(), PdfError> {
    af.set("SigFlags", Object::Integer(3));
    match af.get("Fields").cloned() {
        Some(Object::Ref(r)) => {
            let mut arr = file
                .get(r)?
                .as_array()
                .map(<[Object]>::to_vec)
                .unwrap_or_default();
            arr.push(Object::Ref(field_ref));
            up.put(r, &Object::Array(arr));
        }
        other => {
            let mut arr = other
                .as_ref()
                .and_then(Object::as_array)
                .map(<[Object]>::to_vec)
                .unwrap_or_default();
            arr.push(Object::Ref(field_ref));
            af.set("Fields", Object::Array(arr));
        }
    }
    Ok(())
}

/// Puts an invisible signature widget (field `field_ref` named `field_name`, value `sig_ref`) on
/// the first page: shared by signatures and document timestamps.
pub(crate) fn put_invisible_field<S: crate::pdf::file::Source>(
    file: &PdfFile<S>,
    up: &mut IncrementalUpdate,
    field_ref: ObjRef,
    sig_ref: ObjRef,
    field_name: &str,
) -> Result<(), PdfError> {
    let (page_ref, page) = file.first_page()?;
    let ap_ref = up.allocate();
    // An invisible widget: zero Rect, Print + Locked flags, an empty appearance so PDF/A
    // validators that want /AP on every widget are satisfied (ISO 19005-2 §6.3.3).
    let mut ap = Dict::new();
    ap.set("Type", Object::name("XObject"))
        .set("Subtype", Object::name("Form"))
        .set("BBox", Object::Array(vec![Object::Integer(0); 4]))
        .set("Resources", Object::Dict(Dict::new()));
    up.put(
        ap_ref,
        &Object::Stream(Box::new(crate::pdf::Stream {
            dict: ap,
            data: crate::pdf::StreamData::Owned(Vec::new()),
        })),
    );
    let mut n = Dict::new();
    n.set("N", Object::Ref(ap_ref));
    let mut widget = Dict::new();
    widget
        .set("Type", Object::name("Annot"))
        .set("Subtype", Object::name("Widget"))
        .set("FT", Object::name("Sig"))
        .set("T", text_string(field_name))
        .set("V", Object::Ref(sig_ref))
        .set("F", Object::Integer(132))
        .set("Rect", Object::Array(vec![Object::Integer(0); 4]))
        .set("P", Object::Ref(page_ref))
        .set("AP", Object::Dict(n));
    up.put(field_ref, &Object::Dict(widget));

    // The page's /Annots gets the widget.
    match page.get("Annots") {
        Some(Object::Ref(r)) => {
            let mut arr = file
                .get(*r)?
                .as_array()
                .map(<[Object]>::to_vec)
                .unwrap_or_default();
            arr.push(Object::Ref(field_ref));
            up.put(*r, &Object::Array(arr));
        }
        other => {
            let mut arr = other
                .and_then(Object::as_array)
                .map(<[Object]>::to_vec)
                .unwrap_or_default();
            arr.push(Object::Ref(field_ref));
            let mut page = page.clone();
            page.set("Annots", Object::Array(arr));
            up.put(page_ref, &Object::Dict(page));
        }
    }

    Ok(())
}

/// The output is written with a zero-filled `/Contents`; the byte range digest is known.
#[must_use]
pub struct AwaitingSignature {
    out: AtomicFile,
    out_path: PathBuf,
    contents_offset: u64,
    capacity: usize,
    digest: [u8; 32],
    /// SHA-256 of the input (the output's first bytes).
    input_sha256: [u8; 32],
    /// SHA-256 state over the output up to the `<` of `/Contents`.
    out_hasher: Sha256,
    /// The update from the `<` of `/Contents` to its end, placeholder still zero-filled.
    tail: Vec<u8>,
    chain: Vec<Certificate>,
    algorithm: SignatureAlgorithm,
    byte_range: [u64; 4],
    field_name: String,
}

impl AwaitingSignature {
    /// SHA-256 over the byte range.
    pub fn document_digest(&self) -> [u8; 32] {
        self.digest
    }

    /// Builds the signed attributes and has `signer` sign them.
    pub fn sign(self, signer: &dyn Signer) -> Result<Signed, SignError> {
        let leaf = self.chain.first().ok_or(SignerError::NoKey)?;
        let attrs = cms_mod::signed_attributes(&self.digest, leaf)?;
        let to_sign = cms_mod::signed_attributes_digest(&attrs)?;
        let signature = signer.sign_digest(&to_sign)?;
        let signed_der = der::Encode::to_der(&attrs)?;
        crate::crypto::verify(
            &leaf.tbs_certificate.subject_public_key_info,
            &self.algorithm.algorithm_identifier(),
            Some(&crate::oids::SHA256),
            &signed_der,
            &signature,
        )
        .map_err(|_| SignError::SignatureSelfCheck)?;
        Ok(Signed {
            awaiting: self,
            attrs,
            signature,
            unsigned: None,
        })
    }
}

/// The CMS is complete (B-B); it may still get a timestamp.
#[must_use]
pub struct Signed {
    awaiting: AwaitingSignature,
    attrs: Attributes,
    signature: Vec<u8>,
    unsigned: Option<Attributes>,
}

/// A signature with its RFC 3161 signature timestamp (B-T).
#[must_use]
pub struct Timestamped {
    signed: Signed,
}

/// The committed result.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SignedDocument {
    /// The output file.
    pub path: PathBuf,
    /// The signature field's name.
    pub field_name: String,
    /// `/ByteRange`.
    pub byte_range: [u64; 4],
    /// DER length of the CMS.
    pub cms_len: usize,
    /// Bytes reserved for it.
    pub capacity: usize,
    /// PAdES level reached.
    pub level: Level,
    /// What the revocation check before signing found.
    pub signer_revocation: SignerRevocation,
    /// SHA-256 of the input file as it was read for signing.
    #[serde(serialize_with = "hex_serialize")]
    pub input_sha256: [u8; 32],
    /// SHA-256 of the committed output (for the register), from the signing pass itself.
    #[serde(serialize_with = "hex_serialize")]
    pub sha256: [u8; 32],
}

fn hex_serialize<S: serde::Serializer>(h: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hoso_pdf::hex(h))
}

/// The signer's own certificate, checked before signing (Circular 15/2025/TT-BKHCN: OCSP when
/// the certificate names a responder, else the latest CRL).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum SignerRevocation {
    /// The certificate names no OCSP responder and no CRL distribution point.
    NoSource,
    /// Not revoked, according to this source, now.
    Good {
        /// OCSP or CRL.
        source: crate::revocation::Source,
    },
    /// No status could be had (services unreachable, unknown to the responder): a warning, the
    /// signature is made.
    Unavailable {
        /// Why.
        reason: String,
    },
}

/// Checks `chain[0]` (the signing certificate) before anything is written: revoked is refused,
/// no answer is a warning; B-LT/B-LTA for a certificate naming no revocation source is refused.
pub fn check_signer_revocation(
    chain: &[Certificate],
    level: Level,
) -> Result<SignerRevocation, SignError> {
    use crate::revocation::{crl_urls, ocsp_urls, RevocationClient, Status};
    let Some(leaf) = chain.first() else {
        return Ok(SignerRevocation::NoSource);
    };
    if ocsp_urls(leaf).is_empty() && crl_urls(leaf).is_empty() {
        if matches!(level, Level::BLT | Level::BLTA) {
            return Err(SignError::NoRevocationSource {
                subject: chain::subject(leaf),
            });
        }
        return Ok(SignerRevocation::NoSource);
    }
    let issuer = chain.iter().skip(1).find(|c| {
        c.tbs_certificate.subject == leaf.tbs_certificate.issuer
            && crate::crypto::verify_cert_signature(leaf, c).is_ok()
    });
    let Some(issuer) = issuer else {
        return Ok(SignerRevocation::Unavailable {
            reason: "the issuer's certificate is not in the signer's chain".into(),
        });
    };
    let now = SystemTime::now();
    let fetched = match RevocationClient::new().fetch_status(leaf, issuer) {
        Ok(f) => f,
        Err(e) => {
            return Ok(SignerRevocation::Unavailable {
                reason: e.to_string(),
            })
        }
    };
    match crate::revocation::status_at(leaf, issuer, &fetched.ocsps, &fetched.crls, now) {
        Some((Status::Revoked { at }, _)) => Err(SignError::CertificateRevoked {
            subject: chain::subject(leaf),
            revoked_at: crate::time::iso8601_vn(at),
        }),
        Some((Status::Good, c)) => Ok(SignerRevocation::Good { source: c.source }),
        _ => Ok(SignerRevocation::Unavailable {
            reason: "the OCSP responder does not know the certificate and no CRL answered".into(),
        }),
    }
}

impl Signed {
    /// Requests a signature timestamp over the signature value (ETSI EN 319 122-1 §5.3) and adds
    /// it as the signature-time-stamp-token unsigned attribute.
    pub fn timestamp(mut self, tsa: &TsaClient) -> Result<Timestamped, SignError> {
        let token = tsa.timestamp(&self.signature)?;
        let mut set = Attributes::new();
        set.insert(cms_mod::timestamp_attribute(&token)?)?;
        self.unsigned = Some(set);
        Ok(Timestamped { signed: self })
    }

    /// Writes the CMS into the placeholder and commits the output (B-B).
    pub fn finish(self) -> Result<SignedDocument, SignError> {
        let level = if self.unsigned.is_some() {
            Level::BT
        } else {
            Level::BB
        };
        let a = self.awaiting;
        let der = cms_mod::encode_signed_data(&SignerInfoParts {
            chain: &a.chain,
            algorithm: a.algorithm,
            signed_attrs: self.attrs,
            signature: self.signature,
            unsigned_attrs: self.unsigned,
        })?;
        if der.len() > a.capacity {
            return Err(SignError::PlaceholderTooSmall {
                needed: der.len(),
                capacity: a.capacity,
            });
        }
        let hex = hoso_pdf::hex(&der);
        let mut out = a.out;
        let path = a.out_path;
        out.seek(SeekFrom::Start(a.contents_offset + 1))
            .map_err(io_err(&path))?;
        out.write_all(hex.as_bytes()).map_err(io_err(&path))?;
        out.commit().map_err(io_err(&path))?;
        let mut tail = a.tail;
        tail[1..1 + hex.len()].copy_from_slice(hex.as_bytes());
        let mut out_hasher = a.out_hasher;
        out_hasher.update(&tail);
        Ok(SignedDocument {
            path,
            field_name: a.field_name,
            byte_range: a.byte_range,
            cms_len: der.len(),
            capacity: a.capacity,
            level,
            signer_revocation: SignerRevocation::NoSource,
            input_sha256: a.input_sha256,
            sha256: out_hasher.finalize().into(),
        })
    }
}

impl Timestamped {
    /// Writes the CMS into the placeholder and commits the output (B-T).
    pub fn finish(self) -> Result<SignedDocument, SignError> {
        self.signed.finish()
    }
}

/// Signs `input` into `output` in one call: prepare, write, sign, timestamp for B-T, finish.
pub fn sign_pdf(
    input: &Path,
    output: &Path,
    opts: &SignOptions,
    signer: &dyn Signer,
    tsa: Option<&TsaClient>,
) -> Result<SignedDocument, SignError> {
    if opts.level == Level::BLTA && opts.certify == Some(DocMdpPermission::NoChanges) {
        // The document timestamp would be a change P=1 forbids.
        return Err(SignError::DocMdpForbids);
    }
    let signer_revocation = check_signer_revocation(signer.certificate_chain(), opts.level)?;
    let timestamped = |tsa: &TsaClient| -> Result<SignedDocument, SignError> {
        let signed = Prepared::new(input, opts, signer, Some(tsa))?
            .write(output)?
            .sign(signer)?;
        match signed.timestamp(tsa)?.finish() {
            // The token outgrew its budget (the TSA's first answer, or a larger chain): the
            // budget now knows its size; sign once more into a larger placeholder.
            Err(SignError::PlaceholderTooSmall { .. }) => {
                Prepared::new(input, opts, signer, Some(tsa))?
                    .write(output)?
                    .sign(signer)?
                    .timestamp(tsa)?
                    .finish()
            }
            done => done,
        }
    };
    let done = match (opts.level, tsa) {
        (Level::BT, Some(tsa)) => timestamped(tsa),
        (Level::BLT | Level::BLTA, Some(tsa)) => {
            let mut done = timestamped(tsa)?;
            let level = if opts.level == Level::BLT {
                crate::ltv::LtvLevel::BLt
            } else {
                crate::ltv::LtvLevel::BLta
            };
            let client = crate::revocation::RevocationClient::new();
            crate::ltv::extend(output, output, level, Some(tsa), &client)?;
            done.level = opts.level;
            // The DSS update changed the file: hash what is there now.
            done.sha256 = hoso_pdf::sha256_file(output).map_err(io_err(output))?;
            Ok(done)
        }
        (Level::BT | Level::BLT | Level::BLTA, None) => Err(TsaError::Unreachable {
            url: String::new(),
            reason: "B-T needs a TSA URL".into(),
        }
        .into()),
        (Level::BB, _) => Prepared::new(input, opts, signer, None)?
            .write(output)?
            .sign(signer)?
            .finish(),
    };
    done.map(|d| SignedDocument {
        signer_revocation,
        ..d
    })
}
