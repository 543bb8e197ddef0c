//! Issue 14 point 2: signature forms honest signers make, judged as they should be.
//!
//! - Ed25519 and Ed448 signatures (ISO 32002: SHA-512 and SHAKE256 message digests) made by
//!   pyHanko over certificates OpenSSL issues are verified, not refused, and a changed byte breaks
//!   them;
//! - an `adbe.pkcs7.detached` CMS without signed attributes (OpenSSL `cms -sign -noattr`) is
//!   verified and reported "not PAdES"; OpenSSL's own `cms -verify` agrees;
//! - a "detached" CMS that carries the signed bytes encapsulated (`-nodetach`) is refused;
//! - a PDF with no signature has its own answer and exit code (5);
//! - Circular 15/2025/TT-BKHCN: a signature by a 1024-bit RSA key (pyHanko signs it) is intact
//!   but flagged and untrusted (exit 3), a SHA-1 signature (OpenSSL `cms -sign -md sha1`) is
//!   invalid with the rule named (exit 1).

use std::path::{Path, PathBuf};
use std::process::Command;

use hoso_e2e::sign_support::{
    certs, hoso, hoso_verify, openssl, openssl_cms_verify, pdfs, pyhanko, pyhanko_validate_with,
    python, run, text, workspace,
};

fn openssl_ok(dir: &Path, args: &[&str]) {
    let o = run(Command::new(openssl()).current_dir(dir).args(args));
    assert!(o.status.success(), "openssl {args:?}: {}", text(&o));
}

/// A P-256 root and an EdDSA leaf (`ed25519` or `ed448`) it issues, as a PKCS#12 (PIN 1234).
fn eddsa_pki(dir: &Path, alg: &str) -> (PathBuf, PathBuf) {
    pki(dir, alg, &["-algorithm", alg])
}

/// A P-256 root and a leaf named `alg` whose key `openssl genpkey genpkey_args` makes, as a
/// PKCS#12 (PIN 1234).
fn pki(dir: &Path, alg: &str, genpkey_args: &[&str]) -> (PathBuf, PathBuf) {
    openssl_ok(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "root.key",
            "-out",
            "root.pem",
            "-days",
            "30",
            "-subj",
            "/C=VN/O=Test EdDSA/CN=EdDSA Test Root",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    let key = format!("{alg}.key");
    let mut genpkey = vec!["genpkey"];
    genpkey.extend_from_slice(genpkey_args);
    genpkey.extend_from_slice(&["-out", &key]);
    openssl_ok(dir, &genpkey);
    let csr = format!("{alg}.csr");
    let subj = format!("/C=VN/O=Test EdDSA/CN=Trần Thị Bình ({alg})");
    openssl_ok(
        dir,
        &[
            "req", "-new", "-utf8", "-key", &key, "-out", &csr, "-subj", &subj,
        ],
    );
    std::fs::write(
        dir.join("leaf.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n",
    )
    .unwrap();
    let cert = format!("{alg}.pem");
    openssl_ok(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            "root.pem",
            "-CAkey",
            "root.key",
            "-set_serial",
            "0x2001",
            "-days",
            "20",
            "-sha256",
            "-extfile",
            "leaf.ext",
            "-out",
            &cert,
        ],
    );
    let p12 = format!("{alg}.p12");
    openssl_ok(
        dir,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            &key,
            "-in",
            &cert,
            "-certfile",
            "root.pem",
            "-passout",
            "pass:1234",
            "-out",
            &p12,
        ],
    );
    (dir.join(p12), dir.join("root.pem"))
}

fn pyhanko_sign(dir: &Path, input: &Path, p12: &Path, out: &Path) {
    let pass = dir.join("pass.txt");
    std::fs::write(&pass, "1234").unwrap();
    let o = run(Command::new(pyhanko())
        .args([
            "sign",
            "addsig",
            "--field",
            "Sig1",
            "--use-pades",
            "pkcs12",
            "--passfile",
        ])
        .arg(&pass)
        .arg(input)
        .arg(out)
        .arg(p12));
    assert!(o.status.success(), "pyhanko sign addsig: {}", text(&o));
}

fn check_of<'a>(rep: &'a serde_json::Value, kind: &str) -> Vec<&'a serde_json::Value> {
    rep["signatures"][0]["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["kind"] == kind)
        .collect()
}

/// Flips one byte of the visible text (inside the first signed range).
fn tampered(dir: &Path, file: &Path, marker: &[u8]) -> PathBuf {
    let mut data = std::fs::read(file).unwrap();
    let at = data
        .windows(marker.len())
        .position(|w| w == marker)
        .expect("marker text in the file");
    data[at] ^= 0x01;
    let out = dir.join("tampered.pdf");
    std::fs::write(&out, data).unwrap();
    out
}

#[test]
fn ed25519_and_ed448_signatures_are_verified() {
    for alg in ["ed25519", "ed448"] {
        let dir = tempfile::tempdir().unwrap();
        let (p12, root) = eddsa_pki(dir.path(), alg);
        let input = pdfs::classic(dir.path(), "in.pdf", "EdDSA text");
        let signed = dir.path().join("signed.pdf");
        pyhanko_sign(dir.path(), &input, &p12, &signed);
        let root_s = root.display().to_string();
        // pyHanko itself calls it intact and trusted.
        let (code, out) = pyhanko_validate_with(&signed, &["--trust", &root_s]);
        assert_eq!(code, 0, "{alg}: pyhanko: {out}");
        // hoso: intact and trusted; the certificate names no OCSP/CRL, so exit 4.
        let (code, rep) = hoso_verify(&signed, &["--trust", &root_s]);
        assert_eq!(code, 4, "{alg}: {rep:#}");
        assert_eq!(
            rep["bottom_line"], "ValidRevocationNotChecked",
            "{alg}: {rep:#}"
        );
        for kind in ["Integrity", "CmsSignature", "CertificateChain"] {
            assert!(
                check_of(&rep, kind).iter().all(|c| c["status"] == "Passed")
                    && !check_of(&rep, kind).is_empty(),
                "{alg} {kind}: {rep:#}"
            );
        }
        let bad = tampered(dir.path(), &signed, b"EdDSA text");
        let (code, rep) = hoso_verify(&bad, &["--trust", &root_s]);
        assert_eq!(code, 1, "{alg}: a changed byte: {rep:#}");
    }
}

/// The DEMO staff RSA key and certificate as PEM files, and the DEMO chain.
fn demo_pem(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let p12 = certs().join("demo-staff-rsa.p12");
    let p12 = p12.to_str().unwrap();
    for (what, out) in [("-nocerts", "key.pem"), ("-clcerts", "cert.pem")] {
        let mut args = vec!["pkcs12", "-in", p12, "-passin", "pass:1234", "-nodes", what];
        if what == "-clcerts" {
            args.push("-nokeys");
        }
        args.extend(["-out", out]);
        openssl_ok(dir, &args);
    }
    (
        dir.join("cert.pem"),
        dir.join("key.pem"),
        certs().join("demo-chain.pem"),
    )
}

fn cms_variant(dir: &Path, mode: &str, input: &Path) -> PathBuf {
    let (cert, key, chain) = demo_pem(dir);
    let out = dir.join(format!("{mode}.pdf"));
    let o = run(Command::new(python())
        .arg(workspace().join("tests/scripts/cms_variant.py"))
        .arg(mode)
        .arg(input)
        .arg(&out)
        .arg(&cert)
        .arg(&key)
        .arg(&chain)
        .arg(openssl()));
    assert!(o.status.success(), "cms_variant.py {mode}: {}", text(&o));
    out
}

#[test]
fn cms_without_signed_attributes_is_verified_and_not_pades() {
    let dir = tempfile::tempdir().unwrap();
    let input = pdfs::classic(dir.path(), "in.pdf", "No attributes");
    let signed = cms_variant(dir.path(), "noattr", &input);
    let (code, out) = openssl_cms_verify(dir.path(), &signed);
    assert_eq!(code, 0, "openssl cms -verify: {out}");
    let (code, rep) = hoso_verify(&signed, &["--demo"]);
    assert_eq!(code, 4, "{rep:#}");
    assert_eq!(
        rep["signatures"][0]["sub_filter"], "adbe.pkcs7.detached",
        "{rep:#}"
    );
    let pades = check_of(&rep, "PadesProfile");
    assert!(
        pades.iter().any(|c| c["status"] == "Warning"
            && c["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("not PAdES")),
        "{rep:#}"
    );
    let bad = tampered(dir.path(), &signed, b"No attributes");
    let (code, rep) = hoso_verify(&bad, &["--demo"]);
    assert_eq!(code, 1, "a changed byte: {rep:#}");
}

#[test]
fn detached_cms_with_encapsulated_content_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = pdfs::classic(dir.path(), "in.pdf", "Encapsulated");
    let signed = cms_variant(dir.path(), "encap", &input);
    let (code, rep) = hoso_verify(&signed, &["--demo"]);
    assert_eq!(code, 1, "{rep:#}");
    assert!(
        check_of(&rep, "CmsSignature")
            .iter()
            .any(|c| c["status"] == "Failed"
                && c["detail"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("encapsulated")),
        "{rep:#}"
    );
}

#[test]
fn a_pdf_without_signatures_has_its_own_answer() {
    let dir = tempfile::tempdir().unwrap();
    let input = pdfs::classic(dir.path(), "in.pdf", "Unsigned");
    let (code, rep) = hoso_verify(&input, &["--demo"]);
    assert_eq!(code, 5, "{rep:#}");
    assert_eq!(rep["bottom_line"], "NoSignatures", "{rep:#}");
    let o = run(Command::new(hoso()).arg("verify").arg(&input));
    assert_eq!(o.status.code(), Some(5));
    assert!(text(&o).contains("KHÔNG CÓ CHỮ KÝ"), "{}", text(&o));
    let o = run(Command::new(hoso())
        .args(["verify", "--lang", "en"])
        .arg(&input));
    assert_eq!(o.status.code(), Some(5));
    assert!(text(&o).contains("NO SIGNATURES"), "{}", text(&o));
    let o = run(Command::new(hoso()).args(["verify", "--help"]));
    for line in [
        "0  hợp lệ",
        "1  không hợp lệ",
        "3  nguyên vẹn",
        "4  hợp lệ, chưa kiểm tra",
        "5  không có chữ ký",
    ] {
        assert!(text(&o).contains(line), "--help lists {line}: {}", text(&o));
    }
}

fn algorithms_check(rep: &serde_json::Value) -> serde_json::Value {
    check_of(rep, "Algorithms")
        .first()
        .map(|c| (*c).clone())
        .unwrap_or_else(|| panic!("an Algorithms check line: {rep:#}"))
}

#[test]
fn a_signature_by_a_1024_bit_key_is_flagged_and_untrusted_never_valid() {
    let dir = tempfile::tempdir().unwrap();
    let (p12, root) = pki(
        dir.path(),
        "rsa1024",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
    );
    let input = pdfs::classic(dir.path(), "in.pdf", "Weak key");
    let signed = dir.path().join("signed.pdf");
    pyhanko_sign(dir.path(), &input, &p12, &signed);
    let root_s = root.display().to_string();
    // pyHanko agrees: intact, but its algorithm policy disallows the key, so not trusted.
    let (code, out) = pyhanko_validate_with(&signed, &["--trust", &root_s]);
    assert_ne!(code, 0, "pyhanko: {out}");
    assert!(out.contains(":INTACT:UNTRUSTED"), "pyhanko: {out}");
    assert!(out.contains("disallowed algorithm"), "pyhanko: {out}");
    let (code, rep) = hoso_verify(&signed, &["--trust", &root_s]);
    assert_eq!(code, 3, "intact but not to be trusted: {rep:#}");
    assert_eq!(rep["signatures"][0]["verdict"], "Untrusted", "{rep:#}");
    for kind in ["Integrity", "CmsSignature", "CertificateChain"] {
        assert!(
            check_of(&rep, kind).iter().all(|c| c["status"] == "Passed"),
            "{kind}: {rep:#}"
        );
    }
    let alg = algorithms_check(&rep);
    assert_eq!(alg["status"], "Failed", "{alg:#}");
    let d = alg["detail"].as_str().unwrap_or_default();
    assert!(
        d.starts_with("khóa RSA 1024 bit quá ngắn: Thông tư 15/2025/TT-BKHCN"),
        "{d}"
    );
    // The human report says it in Vietnamese too.
    let o = run(Command::new(hoso())
        .arg("verify")
        .arg(&signed)
        .args(["--trust", &root_s]));
    assert!(
        text(&o).contains("khóa RSA 1024 bit quá ngắn"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_sha1_signature_is_invalid_with_the_rule_named() {
    let dir = tempfile::tempdir().unwrap();
    let input = pdfs::classic(dir.path(), "in.pdf", "SHA-1");
    let signed = cms_variant(dir.path(), "sha1", &input);
    // OpenSSL itself made it and still accepts it; the Circular does not.
    let (code, out) = openssl_cms_verify(dir.path(), &signed);
    assert_eq!(code, 0, "openssl cms -verify: {out}");
    let (code, rep) = hoso_verify(&signed, &["--demo"]);
    assert_eq!(code, 1, "{rep:#}");
    let alg = algorithms_check(&rep);
    assert_eq!(alg["status"], "Failed", "{alg:#}");
    let d = alg["detail"].as_str().unwrap_or_default();
    assert!(
        d.starts_with("chữ ký dùng SHA-1: Thông tư 15/2025/TT-BKHCN chỉ cho phép"),
        "{d}"
    );
}
