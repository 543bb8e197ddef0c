//! The other direction: hoso verifies PDFs signed by pyHanko (PAdES, RSA and ECDSA, B-B and B-T)
//! as valid and trusted, and as untrusted without the demo root.

use std::path::{Path, PathBuf};
use std::process::Command;

use hoso_e2e::sign_support::{certs, hoso_verify, pdfs, pyhanko, run, text, tsa::TestTsa};

fn pyhanko_sign(dir: &Path, input: &Path, p12: &str, tsa: Option<&str>) -> PathBuf {
    let pass = dir.join("pass.txt");
    std::fs::write(&pass, "1234").unwrap();
    let out = dir.join(format!("pyhanko-{p12}.pdf"));
    let mut cmd = Command::new(pyhanko());
    cmd.args(["sign", "addsig", "--field", "Sig1"]);
    if let Some(url) = tsa {
        cmd.args(["--timestamp-url", url]);
    }
    cmd.args(["--use-pades", "pkcs12", "--passfile"])
        .arg(&pass)
        .arg(input)
        .arg(&out)
        .arg(certs().join(p12));
    let o = run(&mut cmd);
    assert!(o.status.success(), "pyhanko sign addsig: {}", text(&o));
    out
}

fn assert_hoso_accepts(file: &Path, timestamped: bool) {
    // DEMO certificates name no OCSP/CRL: valid, revocation not checked (4).
    let (code, rep) = hoso_verify(file, &["--demo"]);
    assert_eq!(code, 4, "{rep:#}");
    let s = &rep["signatures"][0];
    assert_eq!(s["verdict"], "ValidRevocationNotChecked", "{rep:#}");
    assert_eq!(s["sub_filter"], "ETSI.CAdES.detached");
    assert_eq!(s["coverage"], "WholeFile");
    assert_eq!(s["timestamp"].is_object(), timestamped, "{rep:#}");
    let (code, rep) = hoso_verify(file, &[]);
    assert_eq!(code, 3, "demo root not trusted without --demo: {rep:#}");
    assert_eq!(rep["signatures"][0]["verdict"], "Untrusted", "{rep:#}");
}

#[test]
fn pyhanko_rsa_b_b_is_valid_in_hoso() {
    let dir = tempfile::tempdir().unwrap();
    let input = pdfs::classic(dir.path(), "in.pdf", "pyHanko RSA");
    let signed = pyhanko_sign(dir.path(), &input, "demo-staff-rsa.p12", None);
    assert_hoso_accepts(&signed, false);
}

#[test]
fn pyhanko_ecdsa_b_b_is_valid_in_hoso() {
    let dir = tempfile::tempdir().unwrap();
    let input = pdfs::classic(dir.path(), "in.pdf", "pyHanko EC");
    let signed = pyhanko_sign(dir.path(), &input, "demo-staff-p256.p12", None);
    assert_hoso_accepts(&signed, false);
}

#[test]
fn pyhanko_rsa_and_ecdsa_b_t_are_valid_in_hoso() {
    let dir = tempfile::tempdir().unwrap();
    let tsa = TestTsa::start();
    let input = pdfs::classic(dir.path(), "in.pdf", "pyHanko B-T");
    for p12 in ["demo-staff-rsa.p12", "demo-staff-p384.p12"] {
        let signed = pyhanko_sign(dir.path(), &input, p12, Some(&tsa.url));
        assert_hoso_accepts(&signed, true);
    }
}
