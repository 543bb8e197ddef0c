//! The check report as an ETSI TS 119 102-2 (v1.4.1) signature validation report in XML: one
//! `SignatureValidationReport` per signature, with its constraints (one per hoso check), the
//! validation time and best signature time, the signer, the signing time, and the main and sub
//! indication of ETSI TS 119 102-1 §5.1.3; the signers' certificates as validation objects.
//!
//! Indications: valid → TOTAL-PASSED; invalid → TOTAL-FAILED (HASH_FAILURE, SIG_CRYPTO_FAILURE,
//! REVOKED or FORMAT_FAILURE); untrusted → INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND; revocation
//! not checked → INDETERMINATE/TRY_LATER; a page that looks different from what was signed →
//! INDETERMINATE/SIG_CONSTRAINTS_FAILURE.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use base64::Engine as _;
use hoso_pdf::atomic::AtomicFile;
use hoso_sign::verify::{CheckKind, CheckStatus, SignatureReport, Verdict, VerificationReport};

use crate::error::OfficeError;

/// TS 119 102-2 v1.4.1 namespace.
pub const NS_VR: &str = "http://uri.etsi.org/19102/v1.4.1#";
const NS_DS: &str = "http://www.w3.org/2000/09/xmldsig#";
const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
const MAIN: &str = "urn:etsi:019102:mainindication:";
const SUB: &str = "urn:etsi:019102:subindication:";

/// XML text escaping (XML 1.0 §2.4).
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            // Characters XML 1.0 does not allow are left out.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => o.push(c),
        }
    }
    o
}

fn hex_to_base64(hex: &str) -> Option<String> {
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    bytes.map(|b| base64::engine::general_purpose::STANDARD.encode(b))
}

/// (main indication, sub-indication) of TS 119 102-1 Table 5 for one signature.
fn indication(s: &SignatureReport) -> (&'static str, Option<&'static str>) {
    let failed = |k: CheckKind| {
        s.checks
            .iter()
            .any(|c| c.kind == k && c.status == CheckStatus::Failed)
    };
    match s.verdict {
        Verdict::Valid => ("total-passed", None),
        Verdict::ValidRevocationNotChecked => ("indeterminate", Some("TRY_LATER")),
        Verdict::Untrusted if failed(CheckKind::Algorithms) => {
            ("indeterminate", Some("CRYPTO_CONSTRAINTS_FAILURE_NO_POE"))
        }
        Verdict::Untrusted => ("indeterminate", Some("NO_CERTIFICATE_CHAIN_FOUND")),
        Verdict::VisualChange => ("indeterminate", Some("SIG_CONSTRAINTS_FAILURE")),
        Verdict::Invalid if failed(CheckKind::Integrity) => ("total-failed", Some("HASH_FAILURE")),
        Verdict::Invalid if failed(CheckKind::Revocation) => ("total-failed", Some("REVOKED")),
        Verdict::Invalid if failed(CheckKind::CmsSignature) => {
            ("total-failed", Some("SIG_CRYPTO_FAILURE"))
        }
        Verdict::Invalid => ("total-failed", Some("FORMAT_FAILURE")),
    }
}

fn constraint_status(st: CheckStatus) -> &'static str {
    match st {
        CheckStatus::Passed => "passed",
        CheckStatus::Failed => "failed",
        CheckStatus::Warning | CheckStatus::NotChecked => "indeterminate",
    }
}

fn signature_report(x: &mut String, s: &SignatureReport, i: usize, now: &str) {
    let _ = write!(
        x,
        "<vr:SignatureValidationReport><vr:SignatureIdentifier id=\"S-{}\">",
        i + 1
    );
    x.push_str("<vr:HashOnly>false</vr:HashOnly><vr:DocHashOnly>false</vr:DocHashOnly>");
    x.push_str("</vr:SignatureIdentifier>");
    if !s.checks.is_empty() {
        x.push_str("<vr:ValidationConstraintsEvaluationReport>");
        for c in &s.checks {
            let _ = write!(
                x,
                "<vr:ValidationConstraint><vr:ValidationConstraintIdentifier>urn:hoso:check:{:?}\
                 </vr:ValidationConstraintIdentifier><vr:ConstraintStatus><vr:Status>\
                 urn:etsi:019102:constraintStatus:applied</vr:Status></vr:ConstraintStatus>\
                 <vr:ValidationStatus><vr:MainIndication>{MAIN}{}</vr:MainIndication>\
                 </vr:ValidationStatus></vr:ValidationConstraint>",
                c.kind,
                constraint_status(c.status)
            );
        }
        x.push_str("</vr:ValidationConstraintsEvaluationReport>");
    }
    let validation_time = s
        .ltv
        .as_ref()
        .map(|l| l.validation_time.clone())
        .unwrap_or_else(|| now.to_owned());
    let (best, proof) = match s.timestamp.as_ref().filter(|t| t.trusted) {
        Some(t) => (t.time.clone(), "validation"),
        None => (validation_time.clone(), "validation"),
    };
    let _ = write!(
        x,
        "<vr:ValidationTimeInfo><vr:ValidationTime>{}</vr:ValidationTime><vr:BestSignatureTime>\
         <vr:POETime>{}</vr:POETime><vr:TypeOfProof>urn:etsi:019102:poetype:{proof}</vr:TypeOfProof>\
         </vr:BestSignatureTime></vr:ValidationTimeInfo>",
        esc(now_if_unknown(&validation_time, now)),
        esc(now_if_unknown(&best, now))
    );
    if let Some(t) = &s.claimed_time {
        let _ = write!(
            x,
            "<vr:SignatureAttributes><vr:SigningTime Signed=\"true\"><vr:Time>{}</vr:Time>\
             </vr:SigningTime></vr:SignatureAttributes>",
            esc(t)
        );
    }
    if s.certificate.is_some() {
        let _ = write!(
            x,
            "<vr:SignerInformation><vr:SignerCertificate VOReference=\"C-{}\"/>",
            i + 1
        );
        if let Some(who) = &s.signer {
            let _ = write!(x, "<vr:Signer>{}</vr:Signer>", esc(who));
        }
        x.push_str("</vr:SignerInformation>");
    }
    let (main, sub) = indication(s);
    let _ = write!(
        x,
        "<vr:SignatureValidationStatus><vr:MainIndication>{MAIN}{main}</vr:MainIndication>"
    );
    if let Some(sub) = sub {
        let _ = write!(x, "<vr:SubIndication>{SUB}{sub}</vr:SubIndication>");
    }
    x.push_str("</vr:SignatureValidationStatus></vr:SignatureValidationReport>");
}

/// A time hoso could not read ("?") is replaced by the report's time.
fn now_if_unknown<'a>(t: &'a str, now: &'a str) -> &'a str {
    if t.len() >= 19 && t.as_bytes().get(10) == Some(&b'T') {
        t
    } else {
        now
    }
}

/// The XML document; `None` when the file has no signature (the schema needs at least one
/// `SignatureValidationReport`).
pub fn render(report: &VerificationReport, now: std::time::SystemTime) -> Option<String> {
    if report.signatures.is_empty() {
        return None;
    }
    let now = hoso_sign::time::iso8601_vn(now);
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<vr:ValidationReport xmlns:vr=\"{NS_VR}\" \
         xmlns:ds=\"{NS_DS}\" xmlns:XAdES=\"http://uri.etsi.org/01903/v1.3.2#\">"
    );
    for (i, s) in report.signatures.iter().enumerate() {
        signature_report(&mut x, s, i, &now);
    }
    let certs: Vec<(usize, String)> = report
        .signatures
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let c = s.certificate.as_ref()?;
            Some((i, hex_to_base64(&c.sha256).unwrap_or_default()))
        })
        .collect();
    if !certs.is_empty() {
        x.push_str("<vr:SignatureValidationObjects>");
        for (i, digest) in certs {
            let _ = write!(
                x,
                "<vr:ValidationObject id=\"C-{}\"><vr:ObjectType>\
                 urn:etsi:019102:validationObject:certificate</vr:ObjectType><vr:ValidationObjectRepresentation>\
                 <vr:DigestAlgAndValue><ds:DigestMethod Algorithm=\"{SHA256}\"/>\
                 <ds:DigestValue>{digest}</ds:DigestValue></vr:DigestAlgAndValue>\
                 </vr:ValidationObjectRepresentation></vr:ValidationObject>",
                i + 1
            );
        }
        x.push_str("</vr:SignatureValidationObjects>");
    }
    x.push_str("</vr:ValidationReport>\n");
    Some(x)
}

/// Writes the XML report to `out` (temporary file, then renamed).
pub fn write(report: &VerificationReport, out: &Path) -> Result<(), OfficeError> {
    let xml =
        render(report, std::time::SystemTime::now()).ok_or(OfficeError::NoSignaturesToReport)?;
    let err = |source| OfficeError::Write {
        path: out.to_path_buf(),
        source,
    };
    let mut f = AtomicFile::create(out).map_err(err)?;
    f.file_mut()
        .and_then(|w| w.write_all(xml.as_bytes()))
        .map_err(err)?;
    f.commit().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{sample, Verdict as CheckVerdict};

    #[test]
    fn one_signature_report_per_signature_with_its_indication() {
        let c = sample::checked(CheckVerdict::VisualChange);
        let rep = c.report.expect("report");
        let x = render(&rep, std::time::SystemTime::UNIX_EPOCH).expect("xml");
        assert_eq!(x.matches("<vr:SignatureValidationReport>").count(), 1);
        assert!(x.contains("mainindication:indeterminate</vr:MainIndication><vr:SubIndication>urn:etsi:019102:subindication:SIG_CONSTRAINTS_FAILURE"), "{x}");
        assert!(x.contains("<vr:Signer>CN=Nguyễn Thị Hương, O=UBND phường Hòa Bình</vr:Signer>"));
        assert_eq!(esc("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
        let none = VerificationReport {
            signatures: Vec::new(),
            ..rep
        };
        assert!(render(&none, std::time::SystemTime::UNIX_EPOCH).is_none());
    }
}
