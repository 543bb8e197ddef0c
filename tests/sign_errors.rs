//! Refusals: a wrong PIN, an expired or not-yet-valid certificate, a key usage that forbids
//! signing, a PKCS#12 without a key, and an unreachable TSA each give a clear error (exit 2), no
//! output file, no temporary file, and an untouched input.

use std::path::Path;
use std::process::Command;

use hoso_e2e::sign_support::{certs, hoso, pdfs, run, text, tsa};

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
