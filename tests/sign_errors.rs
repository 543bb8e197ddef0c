//! Refusals: a wrong PIN, an expired or not-yet-valid certificate, a key usage that forbids
//! signing, a PKCS#12 without a key, an unreachable TSA, and keys or certificates Circular
//! 15/2025/TT-BKHCN forbids (RSA 1024, ECDSA P-224, a SHA-1 certificate) each give a clear error
//! (exit 2), no output file, no temporary file, and an untouched input.

use std::path::{Path, PathBuf};
use std::process::Command;

use hoso_e2e::sign_support::{certs, hoso, openssl, pdfs, run, text, tsa};

/// A self-signed signing certificate OpenSSL makes with `newkey` (`rsa:1024`, `ec` + curve
/// options) and `digest`, as a PKCS#12 with PIN 1234.
fn openssl_p12(dir: &Path, newkey: &[&str], digest: &str) -> PathBuf {
    let ok = |args: &[&str]| {
        let o = run(Command::new(openssl()).current_dir(dir).args(args));
        assert!(o.status.success(), "openssl {args:?}: {}", text(&o));
    };
    let mut req = vec!["req", "-x509", "-newkey"];
    req.extend_from_slice(newkey);
    req.extend_from_slice(&[
        digest,
        "-nodes",
        "-keyout",
        "weak.key",
        "-out",
        "weak.pem",
        "-days",
        "30",
        "-subj",
        "/C=VN/O=Test/CN=Weak key",
        "-addext",
        "keyUsage=critical,digitalSignature,nonRepudiation",
    ]);
    ok(&req);
    ok(&[
        "pkcs12",
        "-export",
        "-inkey",
        "weak.key",
        "-in",
        "weak.pem",
        "-passout",
        "pass:1234",
        "-out",
        "weak.p12",
    ]);
    dir.join("weak.p12")
}

fn assert_refused(p12: &Path, pin: &str, extra: &[&str], expect_vi: &str) {
    let dir = tempfile::tempdir().unwrap();
    let input = pdfs::classic(dir.path(), "in.pdf", "Refuse");
    let before = std::fs::read(&input).unwrap();
    let pin_file = dir.path().join("pin.txt");
    std::fs::write(&pin_file, pin).unwrap();
    let out = dir.path().join("out.pdf");
    let o = run(Command::new(hoso())
        .arg("sign")
        .arg(&input)
        .arg("--p12")
        .arg(p12)
        .arg("--pin-file")
        .arg(&pin_file)
        .arg("--out")
        .arg(&out)
        .args(extra));
    let msg = text(&o);
    assert_eq!(o.status.code(), Some(2), "{msg}");
    assert!(msg.contains(expect_vi), "expected «{expect_vi}» in: {msg}");
    assert!(!out.exists(), "no output file");
    assert_eq!(std::fs::read(&input).unwrap(), before, "input untouched");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn wrong_pin_is_refused() {
    assert_refused(
        &certs().join("demo-staff-rsa.p12"),
        "0000",
        &[],
        "Sai mã PIN",
    );
}

#[test]
fn expired_certificate_is_refused() {
    assert_refused(&certs().join("test/expired.p12"), "1234", &[], "đã hết hạn");
}

#[test]
fn not_yet_valid_certificate_is_refused() {
    assert_refused(
        &certs().join("test/not-yet-valid.p12"),
        "1234",
        &[],
        "chưa có hiệu lực",
    );
}

#[test]
fn key_usage_without_signing_is_refused() {
    assert_refused(
        &certs().join("test/encipher-only.p12"),
        "1234",
        &[],
        "không cho phép ký",
    );
}

#[test]
fn pkcs12_without_a_key_is_refused() {
    assert_refused(
        &certs().join("test/cert-only.p12"),
        "1234",
        &[],
        "không có khóa bí mật",
    );
}

#[test]
fn unreachable_tsa_is_refused_before_writing() {
    let url = tsa::dead_url();
    assert_refused(
        &certs().join("demo-staff-rsa.p12"),
        "1234",
        &["--level", "B-T", "--tsa", &url, "--demo"],
        "Không kết nối được máy chủ dấu thời gian",
    );
}

#[test]
fn tsa_under_an_untrusted_root_is_refused() {
    let tsa = tsa::TestTsa::start();
    assert_refused(
        &certs().join("demo-staff-rsa.p12"),
        "1234",
        &[
            "--level",
            "B-T",
            "--tsa",
            &tsa.url,
            "--tsa-trust",
            certs().join("test/other-root-ca.pem").to_str().unwrap(),
        ],
        "Dấu thời gian không hợp lệ",
    );
}

#[test]
fn a_1024_bit_rsa_key_is_refused_naming_its_size_and_the_circular() {
    let dir = tempfile::tempdir().unwrap();
    let p12 = openssl_p12(dir.path(), &["rsa:1024"], "-sha256");
    assert_refused(&p12, "1234", &[], "khóa RSA 1024 bit quá ngắn");
    assert_refused(
        &p12,
        "1234",
        &[],
        "Thông tư 15/2025/TT-BKHCN yêu cầu khóa RSA từ 2048 bit",
    );
    // PKCS#1 v1.5 on request does not make a short key acceptable.
    assert_refused(&p12, "1234", &["--rsa-pkcs1"], "khóa RSA 1024 bit quá ngắn");
}

#[test]
fn a_p224_key_is_refused_as_too_short_not_as_unsupported() {
    let dir = tempfile::tempdir().unwrap();
    let p12 = openssl_p12(
        dir.path(),
        &["ec", "-pkeyopt", "ec_paramgen_curve:P-224"],
        "-sha256",
    );
    assert_refused(
        &p12,
        "1234",
        &[],
        "khóa ECDSA 224 bit quá ngắn: Thông tư 15/2025/TT-BKHCN",
    );
}

#[test]
fn a_certificate_signed_with_sha1_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p12 = openssl_p12(dir.path(), &["rsa:2048"], "-sha1");
    assert_refused(
        &p12,
        "1234",
        &[],
        "chứng thư ký dùng SHA-1: Thông tư 15/2025/TT-BKHCN",
    );
}
