//! Tesseract is loaded at run time (issue #20): without it, `hoso build --ocr` says how to install
//! it (exit 2) and writes nothing, while `hoso build` without `--ocr` works; with it (this
//! machine has Debian's libtesseract5), the same `--ocr` build loads it and writes a text layer.

use std::path::Path;
use std::process::{Command, Output};

use hoso_e2e::fixture;
use hoso_e2e::sign_support::hoso;

fn build(ws: &Path, out: &Path, ocr: bool, tesseract: Option<&Path>) -> Output {
    let mut cmd = Command::new(hoso());
    cmd.env("HOSO_WORKSPACE", ws)
        .env("HOSO_REGISTER", ws.join("register.sqlite"))
        .env("OMP_THREAD_LIMIT", "1")
        .args([
            "build",
            "--code",
            "000.00.15.H12-261207-0001",
            "--title",
            "Tờ khai",
        ])
        .arg("--out")
        .arg(out)
        .arg(fixture("to_khai_a4_200dpi.jpg"));
    if ocr {
        cmd.arg("--ocr");
    }
    match tesseract {
        Some(lib) => cmd.env("HOSO_TESSERACT", lib),
        None => cmd.env_remove("HOSO_TESSERACT"),
    };
    cmd.output().expect("run hoso")
}

#[test]
fn ocr_without_tesseract_says_how_to_install_it_and_the_rest_works() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let missing = dir.path().join("khong-co").join("libtesseract.so.5");

    let out = dir.path().join("ocr.pdf");
    let r = build(&ws, &out, true, Some(&missing));
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "stderr: {stderr}");
    assert!(stderr.contains("chưa cài Tesseract OCR"), "{stderr}");
    assert!(
        stderr.contains("Tesseract OCR is not installed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("libtesseract5"),
        "names the package: {stderr}"
    );
    assert!(
        stderr.contains("khong-co"),
        "names the path tried: {stderr}"
    );
    assert!(
        !out.exists(),
        "no output without the OCR layer it was asked for"
    );

    let plain = dir.path().join("plain.pdf");
    let r = build(&ws, &plain, false, Some(&missing));
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(std::fs::read(&plain).unwrap().starts_with(b"%PDF-"));

    let with = dir.path().join("with.pdf");
    let r = build(&ws, &with, true, None);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let text = Command::new("pdftotext")
        .arg(&with)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.split_whitespace().count() > 10,
        "the loaded Tesseract wrote a text layer: {text:?}"
    );
}
