//! `hoso sign --batch` (issue 8): many PDFs with one PIN entry on a SoftHSM2 token, a bad file
//! in the middle does not stop the others, every failure is listed, exit code 1, and every
//! signed file is in the register.

use std::process::Command;

use hoso_e2e::sha256_file;
use hoso_e2e::sign_support::{
    certs, hoso, hoso_verify, openssl, pdfs, pdfsig_output, pin_file, run, text,
};
use hoso_e2e::token_support::{softhsm_module, SoftHsm};

#[test]
fn batch_on_a_token_signs_every_good_file_lists_the_bad_one_and_registers_the_rest() {
    let hsm = SoftHsm::rsa_token("hoso-batch");
    let dir = hsm.dir();
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).expect("mkdir");
    for i in 1..=7 {
        pdfs::classic(&inputs, &format!("doc{i:02}.pdf"), &format!("Doc {i}"));
    }
    // doc04 is truncated: not a PDF any more.
    let bad = inputs.join("doc04.pdf");
    let data = std::fs::read(&bad).expect("read");
    std::fs::write(&bad, &data[..data.len() / 2]).expect("truncate");
    let out_dir = dir.join("out");
    let register = dir.join("register.sqlite");
    let o = run(hsm
        .command(hoso())
        .arg("sign")
        .arg("--batch")
        .arg(&inputs)
        .arg("--out-dir")
        .arg(&out_dir)
        .arg("--pkcs11")
        .arg(softhsm_module())
        .arg("--pin-file")
        .arg(pin_file(dir))
        .arg("--register")
        .arg(&register)
        .args(["--reason", "Ký hàng loạt"]));
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "one file failed: {t}");
    assert!(t.contains("Đã ký / signed 6/7"), "{t}");
    assert!(t.contains("Không ký được / failed (1)"), "{t}");
    assert!(t.contains("doc04.pdf: Không đọc được tệp PDF"), "{t}");
    assert!(
        !out_dir.join("doc04.pdf").exists(),
        "no output for the bad file"
    );

    for i in [1, 2, 3, 5, 6, 7] {
        let signed = out_dir.join(format!("doc{i:02}.pdf"));
        let (code, rep) = hoso_verify(&signed, &["--demo"]);
        // DEMO certificates name no OCSP/CRL: valid, revocation not checked (4).
        assert_eq!(code, 4, "{}: {rep:#}", signed.display());
        let o = run(Command::new(hoso())
            .args(["register", "--register"])
            .arg(&register)
            .args(["lookup", "--json"])
            .arg(&signed));
        assert!(o.status.success(), "register lookup: {}", text(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
        let e = &v["results"][0]["entry"];
        assert_eq!(e["kind"], "signed", "{v:#}");
        assert_eq!(e["sha256"], sha256_file(&signed), "{v:#}");
        assert_eq!(e["title"], format!("doc{i:02}.pdf"), "{v:#}");
        assert_eq!(e["signer_fingerprint"], leaf_fingerprint(&hsm), "{v:#}");
        assert_eq!(v["results"][0]["status"]["verified"], true, "{v:#}");
    }
    let out = pdfsig_output(dir, &out_dir.join("doc07.pdf"));
    assert!(out.contains("Signature is Valid"), "{out}");
    // Exactly six entries in the register.
    let o = run(Command::new(hoso())
        .args(["register", "--register"])
        .arg(&register)
        .args(["audit", "--json"]));
    assert!(o.status.success(), "audit: {}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["entries"], 6, "{v:#}");
    assert_eq!(v["findings"], serde_json::json!([]), "{v:#}");
}

/// The staff certificate's SHA-256 as `openssl x509 -fingerprint` computes it.
fn leaf_fingerprint(hsm: &SoftHsm) -> String {
    let pem = hsm.dir().join("leaf.pem");
    let o = run(Command::new(openssl())
        .args([
            "pkcs12",
            "-clcerts",
            "-nokeys",
            "-passin",
            "pass:1234",
            "-in",
        ])
        .arg(certs().join("demo-staff-rsa.p12"))
        .arg("-out")
        .arg(&pem));
    assert!(o.status.success(), "{}", text(&o));
    let o = run(Command::new(openssl())
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(&pem));
    let t = String::from_utf8_lossy(&o.stdout).to_string();
    t.trim()
        .rsplit('=')
        .next()
        .expect("fingerprint")
        .replace(':', "")
        .to_lowercase()
}

#[test]
fn batch_with_pkcs12_signs_listed_files_and_refuses_colliding_names_before_signing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    std::fs::create_dir_all(&a).expect("mkdir");
    std::fs::create_dir_all(&b).expect("mkdir");
    let x = pdfs::classic(&a, "x.pdf", "A");
    let y = pdfs::classic(&b, "x.pdf", "B");
    let out_dir = dir.path().join("out");
    let register = dir.path().join("register.sqlite");
    let sign = |files: &[&std::path::Path]| {
        run(Command::new(hoso())
            .arg("sign")
            .arg("--batch")
            .args(files)
            .arg("--out-dir")
            .arg(&out_dir)
            .arg("--p12")
            .arg(certs().join("demo-staff-p256.p12"))
            .arg("--pin-file")
            .arg(pin_file(dir.path()))
            .arg("--register")
            .arg(&register)
            .arg("--json"))
    };
    let o = sign(&[&x, &y]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("same file name"), "{}", text(&o));
    assert!(!out_dir.join("x.pdf").exists());
    let o = sign(&[&x]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["signed"], 1, "{v:#}");
    assert_eq!(v["registered"], 1, "{v:#}");
    let (code, rep) = hoso_verify(&out_dir.join("x.pdf"), &["--demo"]);
    assert_eq!(code, 4, "{rep:#}");
}
