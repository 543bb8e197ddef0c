//! PKCS#11 signing on a real SoftHSM2 token (issue 8): RSA PKCS#1 v1.5, RSA-PSS and ECDSA
//! signatures made on the token pass pdfsig, pyHanko and `openssl cms -verify` like PKCS#12
//! ones, and `hoso token list` shows the token's certificates.

use std::path::{Path, PathBuf};
use std::process::Output;

use hoso_e2e::sign_support::{
    extract_cms, hoso, hoso_verify, openssl_cms_print, openssl_cms_verify, pdfs, pdfsig_output,
    pin_file, pyhanko_validate, run, text,
};
use hoso_e2e::token_support::{softhsm_module, SoftHsm};

fn token_sign(hsm: &SoftHsm, input: &Path, out: &Path, extra: &[&str]) -> Output {
    run(hsm
        .command(hoso())
        .arg("sign")
        .arg(input)
        .arg("--pkcs11")
        .arg(softhsm_module())
        .arg("--pin-file")
        .arg(pin_file(hsm.dir()))
        .arg("--out")
        .arg(out)
        .args(extra))
}

/// DER of rsaEncryption, 1.2.840.113549.1.1.1 (RFC 8017 Appendix C).
const RSA_ENCRYPTION: &[u8] = &[6, 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 1];
/// DER of id-RSASSA-PSS, 1.2.840.113549.1.1.10 (RFC 4055 §3.1).
const RSASSA_PSS: &[u8] = &[6, 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 10];
/// DER of ecdsa-with-SHA256, 1.2.840.10045.4.3.2 (RFC 5758 §3.2).
const ECDSA_WITH_SHA256: &[u8] = &[6, 8, 0x2a, 0x86, 0x48, 0xce, 0x3d, 4, 3, 2];

enum Alg {
    RsaPkcs1,
    RsaPss,
    Ecdsa,
}

fn assert_valid_everywhere(dir: &Path, signed: &Path, algorithm: Alg) {
    // DEMO certificates name no OCSP/CRL: valid, revocation not checked (4).
    let (code, rep) = hoso_verify(signed, &["--demo"]);
    assert_eq!(code, 4, "hoso verify: {rep:#}");
    let sig = &rep["signatures"][0];
    assert_eq!(sig["verdict"], "ValidRevocationNotChecked", "{rep:#}");
    assert_eq!(sig["coverage"], "WholeFile", "{rep:#}");
    // The SignerInfo's signatureAlgorithm, found by its DER OID in the CMS.
    let (cms, _) = extract_cms(signed);
    let has = |oid: &[u8]| cms.windows(oid.len()).any(|w| w == oid);
    match algorithm {
        Alg::RsaPkcs1 => assert!(has(RSA_ENCRYPTION) && !has(RSASSA_PSS)),
        Alg::RsaPss => assert!(has(RSASSA_PSS)),
        Alg::Ecdsa => assert!(has(ECDSA_WITH_SHA256)),
    }

    let out = pdfsig_output(dir, signed);
    assert!(
        out.contains("Signature Validation: Signature is Valid."),
        "pdfsig: {out}"
    );
    assert!(
        out.contains("Certificate Validation: Certificate is Trusted."),
        "pdfsig: {out}"
    );
    assert!(out.contains("Total document signed"), "pdfsig: {out}");

    let (code, out) = pyhanko_validate(signed);
    assert_eq!(code, 0, "pyhanko: {out}");
    assert!(out.contains("INTACT:TRUSTED"), "pyhanko: {out}");

    let (code, out) = openssl_cms_verify(dir, signed);
    assert_eq!(code, 0, "openssl cms -verify: {out}");
    assert!(out.contains("CMS Verification successful"), "{out}");
}

fn signed_on_token(hsm: &SoftHsm, extra: &[&str]) -> PathBuf {
    let input = pdfs::classic(hsm.dir(), "in.pdf", "Token");
    let out = hsm.dir().join("signed.pdf");
    let o = token_sign(hsm, &input, &out, extra);
    assert!(o.status.success(), "hoso sign --pkcs11: {}", text(&o));
    out
}

#[test]
fn rsa_pkcs1_signature_made_on_the_token_is_valid_everywhere() {
    let hsm = SoftHsm::rsa_token("hoso-rsa");
    let out = signed_on_token(&hsm, &["--token-label", "hoso-rsa", "--rsa-pkcs1"]);
    assert_valid_everywhere(hsm.dir(), &out, Alg::RsaPkcs1);
}

#[test]
fn rsa_pss_by_default_on_the_token_is_valid_everywhere() {
    // No flag: an RSA key on the token signs CKM_RSA_PKCS_PSS (Circular 15/2025/TT-BKHCN).
    let hsm = SoftHsm::rsa_token("hoso-pss");
    let out = signed_on_token(&hsm, &["--key-label", "staff-rsa"]);
    assert_valid_everywhere(hsm.dir(), &out, Alg::RsaPss);
    let p = openssl_cms_print(hsm.dir(), &out);
    assert!(
        p.contains("algorithm: rsassaPss") && p.contains("INTEGER           :20"),
        "PSS with a 32-byte salt: {p}"
    );
}

#[test]
fn ecdsa_p256_signature_made_on_the_token_is_valid_everywhere() {
    let hsm = SoftHsm::new();
    hsm.init_token("hoso-ec");
    hsm.import_p12("hoso-ec", "demo-staff-p256.p12", "0a", "staff-p256", true);
    let out = signed_on_token(&hsm, &[]);
    assert_valid_everywhere(hsm.dir(), &out, Alg::Ecdsa);
}

#[test]
fn ecdsa_p384_signature_made_on_the_token_is_valid_everywhere() {
    let hsm = SoftHsm::new();
    hsm.init_token("hoso-ec384");
    hsm.import_p12(
        "hoso-ec384",
        "demo-staff-p384.p12",
        "0b",
        "staff-p384",
        true,
    );
    let out = signed_on_token(&hsm, &[]);
    assert_valid_everywhere(hsm.dir(), &out, Alg::Ecdsa);
}

#[test]
fn key_label_picks_one_of_two_keys_and_the_chain_comes_from_the_token() {
    let hsm = SoftHsm::rsa_token("hoso-two");
    hsm.import_p12("hoso-two", "demo-staff-p256.p12", "02", "staff-p256", false);
    // Two certificates with keys: without a label hoso refuses to guess.
    let input = pdfs::classic(hsm.dir(), "in.pdf", "Two");
    let out = hsm.dir().join("guess.pdf");
    let o = token_sign(&hsm, &input, &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--key-label"), "{}", text(&o));
    assert!(!out.exists());
    let out = signed_on_token(&hsm, &["--key-label", "staff-p256"]);
    assert_valid_everywhere(hsm.dir(), &out, Alg::Ecdsa);
}

#[test]
fn token_list_shows_the_certificates_with_subject_issuer_validity_and_usage() {
    let hsm = SoftHsm::rsa_token("hoso-list");
    let o = run(hsm
        .command(hoso())
        .args(["token", "list", "--json", "--pkcs11"])
        .arg(softhsm_module()));
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let slots = v[0]["slots"].as_array().expect("slots");
    let token = slots
        .iter()
        .find_map(|s| s["token"].as_object().filter(|t| t["label"] == "hoso-list"))
        .unwrap_or_else(|| panic!("token hoso-list in {v:#}"));
    let certs = token["certificates"].as_array().expect("certificates");
    assert_eq!(certs.len(), 2, "{v:#}");
    let leaf = certs
        .iter()
        .find(|c| c["label"] == "staff-rsa")
        .expect("leaf");
    assert!(
        leaf["subject"]
            .as_str()
            .is_some_and(|s| s.contains("Nguyễn Văn An")),
        "{leaf:#}"
    );
    assert!(
        leaf["issuer"]
            .as_str()
            .is_some_and(|s| s.contains("Issuing CA")),
        "{leaf:#}"
    );
    assert_eq!(leaf["is_ca"], false);
    let ku = leaf["key_usage"].to_string();
    assert!(ku.contains("DigitalSignature"), "{ku}");
    assert!(leaf["not_after"].as_str().is_some_and(|s| s.len() >= 19));
    // The fingerprint is the SHA-256 of the certificate openssl reads from the PKCS#12.
    let ca = certs.iter().find(|c| c["is_ca"] == true).expect("CA");
    assert!(ca["key_usage"].to_string().contains("KeyCertSign"));

    // The human listing says the same in both languages.
    let o = run(hsm
        .command(hoso())
        .args(["token", "list", "--pkcs11"])
        .arg(softhsm_module()));
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(t.contains("Chứng thư / certificate \"staff-rsa\""), "{t}");
    assert!(t.contains("digitalSignature, nonRepudiation"), "{t}");
    assert!(t.contains("Token chưa khởi tạo / blank token"), "{t}");
}

#[test]
fn certified_copy_signed_on_the_organisations_token_is_valid_everywhere() {
    let hsm = SoftHsm::rsa_token("hoso-org");
    let input = pdfs::classic(hsm.dir(), "goc.pdf", "Token");
    let copy = hsm.dir().join("ban_sao.pdf");
    let register = hsm.dir().join("register.sqlite");
    let o = run(hsm
        .command(hoso())
        .arg("copy")
        .arg(&input)
        .arg("--out")
        .arg(&copy)
        .arg("--pkcs11")
        .arg(softhsm_module())
        .args(["--token-label", "hoso-org"])
        .arg("--pin-file")
        .arg(pin_file(hsm.dir()))
        .args([
            "--org",
            "Ủy ban nhân dân phường Sông Cầu",
            "--org-code",
            "UBND",
        ])
        .arg("--register")
        .arg(&register)
        .arg("--json"));
    assert!(o.status.success(), "hoso copy --pkcs11: {}", text(&o));
    let summary: serde_json::Value =
        serde_json::from_slice(&o.stdout).expect("hoso copy --json prints JSON");
    assert!(
        summary.to_string().contains("01/SY-UBND"),
        "the first copy number of the year: {summary}"
    );
    // The organisation's RSA key on the token signs RSASSA-PSS by default too.
    assert_valid_everywhere(hsm.dir(), &copy, Alg::RsaPss);
}
