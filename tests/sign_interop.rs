//! Interop: every hoso signature is checked by pdfsig (poppler), pyHanko, `openssl cms -verify`
//! and `qpdf --check`, on classic-table, xref-stream/object-stream, hybrid and PDF/A inputs, with
//! several signatures in one file, B-T with a local TSA, and certification.

use std::path::Path;
use std::process::Command;

use hoso_e2e::sign_support::{
    certs, hoso, hoso_sign, hoso_verify, openssl_cms_print, openssl_cms_verify, pdfs,
    pdfsig_output, pin_file, pyhanko_validate, pyhanko_validate_with, qpdf_check, run, text,
    tsa::TestTsa,
};

/// OpenSSL's reading of the SignerInfo says RSASSA-PSS with SHA-256, MGF1 with SHA-256 and a
/// 32-byte (0x20) salt: the parameters Circular 15/2025/TT-BKHCN's default needs.
fn assert_pss_sha256_salt_32(dir: &Path, signed: &Path) {
    let p = openssl_cms_print(dir, signed);
    let at = p
        .find("algorithm: rsassaPss")
        .unwrap_or_else(|| panic!("RSASSA-PSS in the SignerInfo: {p}"));
    let params: Vec<&str> = p[at..].lines().take(16).map(str::trim).collect();
    let joined = params.join("\n");
    for want in [":sha256", ":mgf1", "INTEGER           :20"] {
        assert!(
            joined.contains(want),
            "{want} in the PSS parameters: {joined}"
        );
    }
    assert_eq!(
        joined.matches(":sha256").count(),
        2,
        "hash and MGF1 hash: {joined}"
    );
}

/// Every outside checker says the last signature is valid and trusted and covers the file.
fn assert_valid_everywhere(dir: &Path, signed: &Path, signatures: usize) {
    assert_valid_everywhere_with(dir, signed, signatures, &[]);
}

fn assert_valid_everywhere_with(
    dir: &Path,
    signed: &Path,
    signatures: usize,
    pyhanko_extra: &[&str],
) {
    // The DEMO certificates name no OCSP responder or CRL: valid, revocation not checked (4).
    let (code, rep) = hoso_verify(signed, &["--demo"]);
    assert_eq!(code, 4, "hoso verify: {rep:#}");
    let sigs = rep["signatures"].as_array().expect("signatures");
    assert_eq!(sigs.len(), signatures, "{rep:#}");
    assert!(
        sigs.iter()
            .all(|s| s["verdict"] == "ValidRevocationNotChecked"),
        "{rep:#}"
    );
    assert_eq!(sigs.last().expect("one")["coverage"], "WholeFile");

    let out = pdfsig_output(dir, signed);
    assert_eq!(
        out.matches("Signature Validation: Signature is Valid.")
            .count(),
        signatures,
        "pdfsig: {out}"
    );
    assert_eq!(
        out.matches("Certificate Validation: Certificate is Trusted.")
            .count(),
        signatures,
        "pdfsig: {out}"
    );
    assert!(out.contains("Total document signed"), "pdfsig: {out}");
    assert!(out.contains("ETSI.CAdES.detached"), "pdfsig: {out}");

    let (code, out) = pyhanko_validate_with(signed, pyhanko_extra);
    assert_eq!(code, 0, "pyhanko: {out}");
    assert!(out.contains("INTACT:TRUSTED"), "pyhanko: {out}");
    assert!(!out.contains("INVALID"), "pyhanko: {out}");

    let (code, out) = openssl_cms_verify(dir, signed);
    assert_eq!(code, 0, "openssl cms -verify: {out}");
    assert!(out.contains("CMS Verification successful"), "{out}");

    let (code, out) = qpdf_check(signed);
    assert_eq!(code, 0, "qpdf --check: {out}");
}

#[test]
fn rsa_signature_on_classic_table_is_valid_in_every_checker() {
    let dir = tempfile::tempdir().unwrap();
    let input = pdfs::classic(dir.path(), "in.pdf", "Hello");
    let before = std::fs::read(&input).unwrap();
    let out = dir.path().join("signed.pdf");
    hoso_sign(
        dir.path(),
        &input,
        &out,
        "demo-staff-rsa.p12",
        &["--reason", "Phê duyệt", "--location", "Hòa Bình"],
    );
    assert_eq!(std::fs::read(&input).unwrap(), before, "input untouched");
    let signed = std::fs::read(&out).unwrap();
    assert_eq!(
        &signed[..before.len()],
        &before[..],
        "earlier bytes are never rewritten"
    );
    assert_valid_everywhere(dir.path(), &out, 1);
    // Without any flag an RSA key signs RSASSA-PSS (Circular 15/2025/TT-BKHCN).
    assert_pss_sha256_salt_32(dir.path(), &out);
    let (_, rep) = hoso_verify(&out, &["--demo"]);
    let alg = rep["signatures"][0]["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["kind"] == "Algorithms")
        .cloned()
        .unwrap_or_else(|| panic!("an Algorithms check: {rep:#}"));
    assert_eq!(alg["status"], "Passed", "{alg:#}");
    assert!(
        alg["detail"]
            .as_str()
            .is_some_and(|d| d.contains("RSA 2048 bit, RSASSA-PSS")),
        "{alg:#}"
    );
    let (_, out) = pyhanko_validate(&out);
    assert!(out.contains("UNTOUCHED"), "whole file covered: {out}");
}

#[test]
fn rsa_pkcs1_v1_5_only_on_request_says_why_and_is_valid_in_every_checker() {
    let dir = tempfile::tempdir().unwrap();
    let input = pdfs::classic(dir.path(), "in.pdf", "PKCS1");
    let out = dir.path().join("signed.pdf");
    let o = run(Command::new(hoso())
        .arg("sign")
        .arg(&input)
        .arg("--p12")
        .arg(certs().join("demo-staff-rsa.p12"))
        .arg("--pin-file")
        .arg(pin_file(dir.path()))
        .arg("--out")
        .arg(&out)
        .arg("--register")
        .arg(dir.path().join("register.sqlite"))
        .arg("--rsa-pkcs1"));
    assert!(o.status.success(), "hoso sign --rsa-pkcs1: {}", text(&o));
    // The flag prints why it is not the default, Vietnamese first.
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("Thông tư 15/2025/TT-BKHCN quy định RSA dùng RSASSA-PSS")
            && err.contains("--rsa-pkcs1"),
        "{err}"
    );
    assert_valid_everywhere(dir.path(), &out, 1);
    let p = openssl_cms_print(dir.path(), &out);
    assert!(
        p.contains("algorithm: rsaEncryption") && !p.contains("rsassaPss"),
        "{p}"
    );
    // Verification says the same: still valid, with a warning naming the Circular.
    let (_, rep) = hoso_verify(&out, &["--demo"]);
    let checks = rep["signatures"][0]["checks"].as_array().expect("checks");
    assert!(
        checks.iter().any(|c| c["kind"] == "Algorithms"
            && c["status"] == "Warning"
            && c["detail"]
                .as_str()
                .is_some_and(|d| d.contains("PKCS#1 v1.5") && d.contains("15/2025"))),
        "{rep:#}"
    );
}

#[test]
fn p256_signature_on_xref_and_object_streams_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let plain = pdfs::classic(dir.path(), "plain.pdf", "ObjStm");
    let input = dir.path().join("objstm.pdf");
    pdfs::with_object_streams(&plain, &input);
    let head = std::fs::read(&input).unwrap();
    assert!(
        head.windows(7).any(|w| w == b"/ObjStm"),
        "pikepdf wrote object streams"
    );
    let out = dir.path().join("signed.pdf");
    hoso_sign(dir.path(), &input, &out, "demo-staff-p256.p12", &[]);
    let tail = std::fs::read(&out).unwrap();
    let update = &tail[head.len()..];
    assert!(
        update.windows(11).any(|w| w == b"/Type /XRef"),
        "the update uses an xref stream like the original"
    );
    assert_valid_everywhere(dir.path(), &out, 1);
}

#[test]
fn p384_signature_on_hybrid_file_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let input = pdfs::hybrid(dir.path());
    let (code, out) = qpdf_check(&input);
    assert!(code == 0, "the hybrid fixture is well formed: {out}");
    let out = dir.path().join("signed.pdf");
    hoso_sign(dir.path(), &input, &out, "demo-staff-p384.p12", &[]);
    // pyHanko refuses hybrid-reference files unless told to read them leniently (its policy
    // against dual readings of the xref); diff analysis stays on.
    assert_valid_everywhere_with(dir.path(), &out, 1, &["--no-strict-syntax"]);
}

#[test]
fn second_and_third_signatures_leave_the_first_valid() {
    let dir = tempfile::tempdir().unwrap();
    let input = pdfs::classic(dir.path(), "in.pdf", "Three");
    let s1 = dir.path().join("s1.pdf");
    let s2 = dir.path().join("s2.pdf");
    let s3 = dir.path().join("s3.pdf");
    hoso_sign(dir.path(), &input, &s1, "demo-staff-rsa.p12", &[]);
    hoso_sign(dir.path(), &s1, &s2, "demo-staff-p256.p12", &[]);
    hoso_sign(
        dir.path(),
        &s2,
        &s3,
        "demo-org.p12",
        &["--field", "Organisation"],
    );
    assert_valid_everywhere(dir.path(), &s3, 3);
    let (_, rep) = hoso_verify(&s3, &["--demo"]);
    let first = &rep["signatures"][0];
    assert!(first["coverage"]["Revision"].is_object(), "{rep:#}");
    assert_eq!(first["modifications"], "FormFillingAndSignatures");
    let (_, out) = pyhanko_validate(&s3);
    assert!(out.contains("ACCEPTABLE_MODIFICATIONS"), "pyhanko: {out}");
}

#[test]
fn pdfa_input_stays_pdfa_after_signing() {
    let dir = tempfile::tempdir().unwrap();
    let input = pdfs::pdfa(dir.path());
    let out = dir.path().join("signed.pdf");
    hoso_sign(dir.path(), &input, &out, "demo-staff-p256.p12", &[]);
    assert_valid_everywhere(dir.path(), &out, 1);
    // Mechanical PDF/A checks on the result (no veraPDF is available).
    pdfs::pikepdf(
        r#"import sys, pikepdf
p = pikepdf.open(sys.argv[1])
m = p.open_metadata()
assert m["pdfaid:part"] == "2" and m["pdfaid:conformance"] == "B", "pdfaid kept"
assert str(p.docinfo["/Title"]) == m["dc:title"], "Info and XMP agree"
oi = p.Root.OutputIntents[0]
assert oi.S == "/GTS_PDFA1" and int(oi.DestOutputProfile.N) == 3, "OutputIntent kept"
assert "/Encrypt" not in p.trailer and "/ID" in p.trailer, "trailer ID, no encryption"
af = p.Root.AcroForm
assert "/NeedAppearances" not in af, "no NeedAppearances"
for a in p.pages[0].Annots:
    assert int(a.F) & 4 == 4 and int(a.F) & (1 | 2 | 32) == 0, "printable, not hidden"
    assert "/AP" in a and "/N" in a.AP, "appearance present"
"#,
        &[&out],
    );
}

#[test]
fn b_t_signature_with_local_tsa_is_valid_and_timestamped() {
    let dir = tempfile::tempdir().unwrap();
    let tsa = TestTsa::start();
    let input = pdfs::classic(dir.path(), "in.pdf", "Timestamp");
    let out = dir.path().join("signed.pdf");
    hoso_sign(
        dir.path(),
        &input,
        &out,
        "demo-staff-rsa.p12",
        &["--level", "B-T", "--tsa", &tsa.url, "--demo"],
    );
    // One request per signature: /Contents is sized from the token budget, not from a probe.
    assert_eq!(tsa.served.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_valid_everywhere(dir.path(), &out, 1);
    let (_, rep) = hoso_verify(&out, &["--demo"]);
    assert_eq!(
        rep["signatures"][0]["timestamp"]["trusted"], true,
        "{rep:#}"
    );
    let (_, out) = pyhanko_validate(&out);
    assert!(
        out.contains("TIMESTAMP_TOKEN<INTACT:TRUSTED>"),
        "pyhanko: {out}"
    );
}

#[test]
fn certification_allows_a_later_approval_signature_with_p2_and_refuses_with_p1() {
    let dir = tempfile::tempdir().unwrap();
    let input = pdfs::classic(dir.path(), "in.pdf", "Certified");
    let c = dir.path().join("certified.pdf");
    hoso_sign(dir.path(), &input, &c, "demo-org.p12", &["--certify"]);
    assert_valid_everywhere(dir.path(), &c, 1);
    let (_, rep) = hoso_verify(&c, &["--demo"]);
    assert_eq!(rep["signatures"][0]["certification"], 2);
    let a = dir.path().join("approved.pdf");
    hoso_sign(dir.path(), &c, &a, "demo-staff-p256.p12", &[]);
    assert_valid_everywhere(dir.path(), &a, 2);

    let locked = dir.path().join("locked.pdf");
    hoso_sign(
        dir.path(),
        &input,
        &locked,
        "demo-org.p12",
        &["--certify", "--docmdp", "1"],
    );
    let refused = dir.path().join("refused.pdf");
    let o = run(Command::new(hoso())
        .arg("sign")
        .arg(&locked)
        .arg("--p12")
        .arg(certs().join("demo-staff-p256.p12"))
        .arg("--pin-file")
        .arg(hoso_e2e::sign_support::pin_file(dir.path()))
        .arg("--out")
        .arg(&refused));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(!refused.exists());
}

#[test]
fn a_token_larger_than_its_budget_signs_again_once_and_stays_valid() {
    use hoso_sign::sign::{sign_pdf, Level, SignOptions};
    use std::sync::atomic::Ordering;
    let dir = tempfile::tempdir().unwrap();
    let tsa = TestTsa::start();
    let input = pdfs::classic(dir.path(), "in.pdf", "Budget");
    let out = dir.path().join("signed.pdf");
    let mut trust = hoso_sign::chain::TrustStore::new();
    trust
        .add_file(&certs().join("demo-root-ca.pem"))
        .expect("demo root");
    trust.allow_demo();
    // A budget of 1 124 bytes: the demo TSA's first token (about 2 KiB with its chain) cannot fit.
    let client = hoso_sign::tsp::TsaClient::new(&tsa.url, trust).with_token_len(100);
    let signer = hoso_sign::signer::Pkcs12Signer::open(
        &certs().join("demo-staff-rsa.p12"),
        "1234",
        hoso_sign::signer::RsaPadding::Pss,
    )
    .expect("demo p12");
    let opts = SignOptions {
        level: Level::BT,
        ..SignOptions::default()
    };
    let done = sign_pdf(&input, &out, &opts, &signer, Some(&client)).expect("signed");
    assert_eq!(
        tsa.served.load(Ordering::SeqCst),
        2,
        "first token too big, second fits"
    );
    assert!(
        client.token_budget() > 1124,
        "the budget learnt the token's size"
    );
    assert_eq!(done.level, Level::BT);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary file left: {leftovers:?}"
    );
    assert_valid_everywhere(dir.path(), &out, 1);
}
