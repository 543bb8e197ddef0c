//! The verification report: per signature, per check, with reasons. Status is data, not an error.

use serde::Serialize;

/// What a check looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CheckKind {
    /// `/ByteRange` covers the whole revision except exactly the `/Contents` hex string
    /// (ISO 32000-1 §12.8.1; refuses universal signature forgery and signature wrapping).
    ByteRange,
    /// The signature dictionary used is the one in the signed revision, unchanged since.
    SignatureDictionary,
    /// The digest of the byte range equals the CMS message-digest.
    Integrity,
    /// The CMS signature over the signed attributes verifies with the signer's key.
    CmsSignature,
    /// PAdES baseline attributes (ETSI EN 319 142-1 §6.3): signing-certificate-v2, no
    /// signing-time.
    PadesProfile,
    /// What happened after the signed revision (incremental updates).
    Modifications,
    /// DocMDP permissions of a certification signature (ISO 32000-1 §12.8.2.2).
    DocMdp,
    /// A path from the signer to a configured trust root, valid at the validation time.
    CertificateChain,
    /// The signature timestamp (RFC 3161) and its TSA chain.
    Timestamp,
    /// Revocation (OCSP/CRL).
    Revocation,
    /// The signature's algorithms against Circular 15/2025/TT-BKHCN ([`crate::algorithms`]): RSA
    /// of at least 2048 bits (RSASSA-PSS named; PKCS#1 v1.5 is a warning), ECDSA of at least 256
    /// bits, no SHA-1. A key under the minimum fails the check and makes the signature
    /// [`Verdict::Untrusted`]: nothing shows the bytes changed, so "invalid" (red, changed or
    /// forged) would say something not established, but a key the rule forbids — factorable by
    /// a determined attacker — cannot vouch for the document, so never green. SHA-1 fails it too;
    /// such a signature is [`Verdict::Invalid`] because hoso does not compute SHA-1 digests, so
    /// the CMS check cannot pass (SHA-1 collisions let one signature cover two documents).
    Algorithms,
    /// The pages later revisions touched, rendered as signed and as they are now (EU DSS
    /// VisualDifference / PageDifference / AnnotationOverlap). A difference fails this check and
    /// makes the verdict [`Verdict::VisualChange`] unless something already made it invalid.
    VisualComparison,
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CheckStatus {
    /// Established positively.
    Passed,
    /// Established negatively.
    Failed,
    /// Acceptable but worth saying.
    Warning,
    /// Not checked (with the reason in the detail).
    NotChecked,
}

/// One check with its reason.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// What.
    pub kind: CheckKind,
    /// Outcome.
    pub status: CheckStatus,
    /// Why, in technical English (the CLI adds Vietnamese headings).
    pub detail: String,
}

/// How much of the file a signature covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Coverage {
    /// Every byte of the file except `/Contents`.
    WholeFile,
    /// An earlier revision: the signed bytes end at `signed_len` of `file_len`.
    Revision {
        /// Length of the signed revision.
        signed_len: u64,
        /// Length of the file.
        file_len: u64,
    },
    /// Could not be established.
    Unknown,
}

/// The most severe kind of change after the signed revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum ModificationLevel {
    /// Nothing after the signed revision.
    None,
    /// Long-term validation data: DSS, document information, XMP metadata.
    LtvUpdates,
    /// New or filled signature fields (later signatures).
    FormFillingAndSignatures,
    /// Annotations added (allowed only under DocMDP P=3).
    Annotations,
    /// Anything else: page content, resources, other objects (incremental saving attack, shadow
    /// attacks).
    Illegal,
}

/// What kind of change a later revision made, judged by the role the object had in the signed
/// revision (ISO 32000-1 §12.8.2.2.2 names what DocMDP allows; EU DSS reports the visual kinds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ChangeKind {
    /// A page content stream, or what a page draws with (resources, fonts, XObjects).
    PageContent,
    /// A page dictionary (geometry, resources, contents) or the page tree.
    Page,
    /// A page was added or removed.
    PageCount,
    /// An annotation was added or changed.
    Annotation,
    /// A form field's value or appearance (form filling).
    FormField,
    /// A signature field added or signed (a later signature).
    SignatureField,
    /// An unsigned signature widget with a visible appearance (Mainka et al. 2021).
    SneakySignature,
    /// The document catalog.
    Catalog,
    /// The document information dictionary the signed trailer named.
    DocumentInfo,
    /// The XMP metadata stream the signed catalog named.
    Metadata,
    /// The document security store (validation data, ISO 32000-2 §12.8.4.3).
    Dss,
    /// An object that filled a reference dangling at signing time.
    DanglingReference,
    /// The trailer points at other objects (`/Root`, `/Info`, `/Encrypt`).
    Trailer,
    /// An object that existed when signed was deleted.
    Deleted,
    /// Bytes after the last `%%EOF` that are not a revision.
    AppendedBytes,
    /// Pixels differ between the signed revision and the final file (rendered comparison).
    VisualDifference,
    /// Any other object.
    Other,
}

/// One change after a signed revision, with where it shows.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// What changed.
    pub kind: ChangeKind,
    /// How severe it is.
    pub level: ModificationLevel,
    /// The page, counted from 1, when the change is on a page.
    pub page: Option<u32>,
    /// The rectangle on that page in PDF user space `[x1 y1 x2 y2]`, when known.
    pub rect: Option<[f64; 4]>,
    /// The object number, when one object is concerned.
    pub object: Option<u32>,
    /// Why, in technical English.
    pub detail: String,
}

/// The bottom line for one signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Verdict {
    /// Intact, unmodified (or only allowed changes), trusted, and OCSP/CRL data say no
    /// certificate on the path was revoked at the validation time.
    Valid,
    /// Intact and trusted, but no revocation status could be had for some certificate on the
    /// path (Circular 15/2025/TT-BKHCN: a warning, never plain green).
    ValidRevocationNotChecked,
    /// Intact but not trusted (unknown or demo root, expired certificate, ...).
    Untrusted,
    /// The structural analysis allows what changed after signing, but the rendered pages differ
    /// from what was signed (a page added or removed, pixels changed outside later signatures,
    /// a new annotation over signed content): look at the pages before trusting them. Never
    /// green.
    VisualChange,
    /// Broken, forged or modified in a forbidden way (or a certificate revoked before signing).
    Invalid,
}

/// The document's bottom line, one value with one exit code (`hoso verify`) and one colour (app,
/// kiosk).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BottomLine {
    /// Every signature [`Verdict::Valid`]: exit 0, green.
    Valid,
    /// Every signature valid, some without revocation status: exit 4, amber.
    ValidRevocationNotChecked,
    /// No signature invalid, some intact but untrusted: exit 3, amber.
    Untrusted,
    /// No signature invalid, but what some page shows changed after signing although the
    /// structural analysis allowed the changes: exit 6, amber.
    VisualChange,
    /// Some signature invalid (changed or forged): exit 1, red.
    Invalid,
    /// The file has no signature at all: exit 5. Not "invalid" (nothing was forged), not
    /// "valid" (nothing vouches for it); its own answer so a script can tell it apart.
    NoSignatures,
}

impl BottomLine {
    /// The process exit code `hoso verify` ends with (2 is kept for usage and input errors).
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Valid => 0,
            Self::Invalid => 1,
            Self::Untrusted => 3,
            Self::ValidRevocationNotChecked => 4,
            Self::NoSignatures => 5,
            Self::VisualChange => 6,
        }
    }
}

/// A verified timestamp.
#[derive(Debug, Clone, Serialize)]
pub struct TimestampReport {
    /// genTime, ISO 8601 in Vietnam time.
    pub time: String,
    /// TSA certificate subject.
    pub tsa: String,
    /// Whether the TSA chain is trusted.
    pub trusted: bool,
}

/// The signer's certificate as a clerk files it.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateSummary {
    /// Subject.
    pub subject: String,
    /// Issuer.
    pub issuer: String,
    /// notBefore, ISO 8601 in Vietnam time.
    pub valid_from: String,
    /// notAfter, ISO 8601 in Vietnam time.
    pub valid_until: String,
    /// SHA-256 of the DER certificate, lowercase hex.
    pub sha256: String,
}

/// Everything established about one signature.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureReport {
    /// The field name (`/T`).
    pub field: String,
    /// `/SubFilter`.
    pub sub_filter: String,
    /// Signer certificate subject.
    pub signer: Option<String>,
    /// The signer's (or the TSA's, for a document timestamp) certificate.
    pub certificate: Option<CertificateSummary>,
    /// `/M`, as claimed by the signer (not proof of time).
    pub claimed_time: Option<String>,
    /// The signature timestamp, if any and valid.
    pub timestamp: Option<TimestampReport>,
    /// `/ByteRange`.
    pub byte_range: Vec<i64>,
    /// Coverage.
    pub coverage: Coverage,
    /// Changes after the signed revision.
    pub modifications: ModificationLevel,
    /// Each change after the signed revision, with page and rectangle where known.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    /// DocMDP `/P` when this is a certification signature.
    pub certification: Option<i64>,
    /// Long-term validation status: level reached, proof of existence, revocation.
    pub ltv: Option<super::ltv::LtvReport>,
    /// Every check.
    pub checks: Vec<Check>,
    /// The bottom line.
    pub verdict: Verdict,
}

/// The document's report.
#[derive(Debug, Clone, Serialize)]
pub struct VerificationReport {
    /// File length.
    pub file_len: u64,
    /// Number of revisions.
    pub revisions: usize,
    /// Whether the demo root was allowed (`--demo`).
    pub demo_trusted: bool,
    /// The document's bottom line (the same as [`VerificationReport::bottom_line`]).
    pub bottom_line: BottomLine,
    /// One entry per signature field with a value.
    pub signatures: Vec<SignatureReport>,
}

impl SignatureReport {
    pub(crate) fn push(&mut self, kind: CheckKind, status: CheckStatus, detail: impl Into<String>) {
        self.checks.push(Check {
            kind,
            status,
            detail: detail.into(),
        });
    }

    /// Computes the verdict from the checks: any failed integrity-type check makes it invalid,
    /// a failed trust check makes it untrusted, otherwise valid.
    pub(crate) fn conclude(&mut self) {
        let failed = |k: CheckKind| {
            self.checks
                .iter()
                .any(|c| c.kind == k && c.status == CheckStatus::Failed)
        };
        let passed = |k: CheckKind| {
            self.checks
                .iter()
                .any(|c| c.kind == k && c.status == CheckStatus::Passed)
        };
        let integrity = [
            CheckKind::ByteRange,
            CheckKind::SignatureDictionary,
            CheckKind::Integrity,
            CheckKind::CmsSignature,
            CheckKind::Modifications,
            CheckKind::DocMdp,
            CheckKind::Timestamp,
            // Only a certificate revoked before the validation time fails this check.
            CheckKind::Revocation,
        ];
        self.verdict = if integrity.iter().any(|k| failed(*k))
            || !passed(CheckKind::Integrity)
            || !passed(CheckKind::CmsSignature)
        {
            Verdict::Invalid
        } else if failed(CheckKind::VisualComparison) {
            Verdict::VisualChange
        } else if failed(CheckKind::CertificateChain)
            || !passed(CheckKind::CertificateChain)
            || failed(CheckKind::Algorithms)
        {
            Verdict::Untrusted
        } else if !passed(CheckKind::Revocation) {
            Verdict::ValidRevocationNotChecked
        } else {
            Verdict::Valid
        };
    }
}

impl VerificationReport {
    /// The document's bottom line: no signature at all is its own answer; otherwise the worst
    /// signature verdict (invalid, then a visual change, then untrusted, then revocation not
    /// checked).
    pub fn bottom_line(&self) -> BottomLine {
        let any = |v: Verdict| self.signatures.iter().any(|s| s.verdict == v);
        if self.signatures.is_empty() {
            BottomLine::NoSignatures
        } else if any(Verdict::Invalid) {
            BottomLine::Invalid
        } else if any(Verdict::VisualChange) {
            BottomLine::VisualChange
        } else if any(Verdict::Untrusted) {
            BottomLine::Untrusted
        } else if any(Verdict::ValidRevocationNotChecked) {
            BottomLine::ValidRevocationNotChecked
        } else {
            BottomLine::Valid
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A signature whose every check passed, plus `extra`.
    fn signature(extra: &[(CheckKind, CheckStatus)]) -> SignatureReport {
        let mut s = SignatureReport {
            field: "Sig1".into(),
            sub_filter: "ETSI.CAdES.detached".into(),
            signer: None,
            certificate: None,
            claimed_time: None,
            timestamp: None,
            byte_range: Vec::new(),
            coverage: Coverage::Unknown,
            modifications: ModificationLevel::Annotations,
            changes: Vec::new(),
            certification: Some(3),
            ltv: None,
            checks: Vec::new(),
            verdict: Verdict::Invalid,
        };
        for k in [
            CheckKind::ByteRange,
            CheckKind::SignatureDictionary,
            CheckKind::Integrity,
            CheckKind::CmsSignature,
            CheckKind::Modifications,
            CheckKind::DocMdp,
            CheckKind::CertificateChain,
            CheckKind::Revocation,
        ] {
            s.push(k, CheckStatus::Passed, "ok");
        }
        for (k, st) in extra {
            s.push(*k, *st, "extra");
        }
        s.conclude();
        s
    }

    fn document(signatures: Vec<SignatureReport>) -> VerificationReport {
        let mut r = VerificationReport {
            file_len: 1,
            revisions: 2,
            demo_trusted: false,
            bottom_line: BottomLine::NoSignatures,
            signatures,
        };
        r.bottom_line = r.bottom_line();
        r
    }

    #[test]
    fn a_visual_difference_the_structure_allowed_is_amber_with_exit_6_never_valid() {
        let s = signature(&[(CheckKind::VisualComparison, CheckStatus::Failed)]);
        assert_eq!(s.verdict, Verdict::VisualChange);
        let r = document(vec![s]);
        assert_eq!(r.bottom_line, BottomLine::VisualChange);
        assert_eq!(r.bottom_line.exit_code(), 6);
        // It outranks untrusted and revocation-not-checked signatures beside it.
        let untrusted = signature(&[(CheckKind::CertificateChain, CheckStatus::Failed)]);
        assert_eq!(untrusted.verdict, Verdict::Untrusted);
        let r = document(vec![
            untrusted,
            signature(&[(CheckKind::VisualComparison, CheckStatus::Failed)]),
        ]);
        assert_eq!(r.bottom_line, BottomLine::VisualChange);
    }

    #[test]
    fn a_structural_failure_stays_invalid_whatever_the_rendering_says() {
        let s = signature(&[
            (CheckKind::VisualComparison, CheckStatus::Failed),
            (CheckKind::Modifications, CheckStatus::Failed),
        ]);
        assert_eq!(s.verdict, Verdict::Invalid);
        assert_eq!(document(vec![s]).bottom_line.exit_code(), 1);
    }

    #[test]
    fn a_key_the_circular_forbids_is_untrusted_never_valid_and_a_warning_changes_nothing() {
        let weak = signature(&[(CheckKind::Algorithms, CheckStatus::Failed)]);
        assert_eq!(weak.verdict, Verdict::Untrusted);
        assert_eq!(document(vec![weak]).bottom_line.exit_code(), 3);
        let pkcs1 = signature(&[(CheckKind::Algorithms, CheckStatus::Warning)]);
        assert_eq!(pkcs1.verdict, Verdict::Valid);
        // A weak key on a changed document stays invalid.
        let both = signature(&[
            (CheckKind::Algorithms, CheckStatus::Failed),
            (CheckKind::Integrity, CheckStatus::Failed),
        ]);
        assert_eq!(both.verdict, Verdict::Invalid);
    }

    #[test]
    fn a_comparison_that_could_not_run_or_found_nothing_does_not_change_the_verdict() {
        for st in [CheckStatus::Warning, CheckStatus::Passed] {
            let s = signature(&[(CheckKind::VisualComparison, st)]);
            assert_eq!(s.verdict, Verdict::Valid, "{st:?}");
        }
    }
}
