//! Token failures on a real SoftHSM2 token (issue 8): wrong PIN (with what the token says about
//! the remaining tries), locked PIN, absent token, a certificate without its key, a module that
//! does not load. Each gives a Vietnamese-then-English message, exit code 2 and no output file.

use std::path::{Path, PathBuf};

use hoso_e2e::sign_support::{hoso, pdfs, run, text};
use hoso_e2e::token_support::{
    softhsm_module, SoftHsm, CKF_PROTECTED_AUTHENTICATION_PATH, CKF_USER_PIN_FINAL_TRY,
    CKF_USER_PIN_LOCKED,
};

/// Runs `hoso sign` on the token with `pin` and extra arguments; asserts exit 2, no output and
/// that the message has every part of `expect`. Returns the message.
fn fails(hsm: &SoftHsm, module: &Path, pin: &str, extra: &[&str], expect: &[&str]) -> String {
    let input = pdfs::classic(hsm.dir(), "in.pdf", "Err");
    let before = std::fs::read(&input).expect("read input");
    let out = hsm.dir().join("out.pdf");
    let pin_path = hsm.dir().join("pin.txt");
    std::fs::write(&pin_path, format!("{pin}\n")).expect("write pin");
    let o = run(hsm
        .command(hoso())
        .arg("sign")
        .arg(&input)
        .arg("--pkcs11")
        .arg(module)
        .arg("--pin-file")
        .arg(&pin_path)
        .arg("--out")
        .arg(&out)
        .args(extra));
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    for e in expect {
        assert!(t.contains(e), "expected {e:?} in: {t}");
    }
    assert!(t.contains("chưa ký tệp nào / "), "{t}");
    assert!(!out.exists(), "no output after a failure");
    let leftovers: Vec<PathBuf> = std::fs::read_dir(hsm.dir())
        .expect("list")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains("out"))
        })
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    assert_eq!(
        std::fs::read(&input).expect("read"),
        before,
        "input untouched"
    );
    t
}

#[test]
fn wrong_pin_is_refused_and_reports_the_tries_the_token_flags() {
    let hsm = SoftHsm::rsa_token("hoso-pin");
    let m = softhsm_module();
    fails(&hsm, &m, "9999", &[], &["Sai mã PIN", "wrong PIN"]);
    // After a wrong PIN SoftHSM2 raises CKF_USER_PIN_COUNT_LOW; hoso says so.
    fails(
        &hsm,
        &m,
        "9998",
        &[],
        &["số lần thử còn lại đã thấp", "few tries remain"],
    );
    // The token's last try.
    hsm.set_token_flags(CKF_USER_PIN_FINAL_TRY);
    fails(
        &hsm,
        &m,
        "9997",
        &[],
        &["chỉ còn 1 lần thử", "one try remains before the PIN locks"],
    );
}

#[test]
fn locked_pin_is_refused_without_trying() {
    let hsm = SoftHsm::rsa_token("hoso-locked");
    hsm.set_token_flags(CKF_USER_PIN_LOCKED);
    // Even the right PIN is not sent: a locked token is reported as locked.
    fails(
        &hsm,
        &softhsm_module(),
        "1234",
        &[],
        &["Mã PIN đã bị khóa", "the PIN is locked"],
    );
}

#[test]
fn absent_token_is_reported() {
    // A module with no initialised token: nothing is inserted.
    let hsm = SoftHsm::new();
    let m = softhsm_module();
    fails(
        &hsm,
        &m,
        "1234",
        &[],
        &["Không tìm thấy token", "no token present"],
    );
    // A token exists, but not the one asked for.
    let hsm = SoftHsm::rsa_token("hoso-present");
    fails(
        &hsm,
        &m,
        "1234",
        &["--token-label", "other"],
        &["Không tìm thấy token", "no token present (token \"other\")"],
    );
    fails(
        &hsm,
        &m,
        "1234",
        &["--slot", "4242"],
        &["Không tìm thấy token", "no token present (slot 4242)"],
    );
}

#[test]
fn certificate_without_its_key_is_reported() {
    let hsm = SoftHsm::new();
    hsm.init_token("hoso-nokey");
    hsm.import_certificate_only("hoso-nokey", "demo-staff-rsa.p12", "01", "lonely");
    hsm.import_issuing_ca("hoso-nokey");
    fails(
        &hsm,
        &softhsm_module(),
        "1234",
        &[],
        &[
            "không có khóa bí mật tương ứng",
            "has no matching private key on the token",
        ],
    );
    fails(
        &hsm,
        &softhsm_module(),
        "1234",
        &["--key-label", "nobody"],
        &[
            "Không có chứng thư",
            "no certificate on the token labelled \"nobody\"",
        ],
    );
}

#[test]
fn module_that_fails_to_load_is_reported() {
    let hsm = SoftHsm::new();
    fails(
        &hsm,
        &hsm.dir().join("missing-module.so"),
        "1234",
        &[],
        &[
            "Không nạp được thư viện PKCS#11",
            "cannot load the PKCS#11 module",
        ],
    );
    // A real shared library that is not a PKCS#11 module (no C_GetFunctionList).
    let not_pkcs11 = [
        "/lib/x86_64-linux-gnu/libz.so.1",
        "/usr/lib/x86_64-linux-gnu/libz.so.1",
        "/lib/aarch64-linux-gnu/libz.so.1",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
    .expect("zlib is installed on every Debian system");
    fails(
        &hsm,
        &not_pkcs11,
        "1234",
        &[],
        &[
            "Không nạp được thư viện PKCS#11",
            "cannot load the PKCS#11 module",
        ],
    );
    let o = run(hsm
        .command(hoso())
        .args(["token", "list", "--pkcs11"])
        .arg(&not_pkcs11));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("Không nạp được"), "{}", text(&o));
}

#[test]
fn key_that_wants_a_pin_per_signature_is_refused_clearly() {
    let hsm = SoftHsm::new();
    hsm.init_token("hoso-always");
    hsm.import_p12_always_authenticate("hoso-always", "demo-staff-rsa.p12", "01", "always");
    fails(
        &hsm,
        &softhsm_module(),
        "1234",
        &[],
        &["đòi nhập PIN cho từng chữ ký", "CKA_ALWAYS_AUTHENTICATE"],
    );
}

#[test]
fn token_with_a_pin_pad_is_not_given_a_pin() {
    // CKF_PROTECTED_AUTHENTICATION_PATH (PKCS#11 v2.40 §3.2): the PIN goes in on the device.
    // SoftHSM2 has no PIN pad, so it answers the NULL-PIN C_Login with CKR_ARGUMENTS_BAD; what
    // is checked here is that hoso asks on the device and never reads a PIN from stdin.
    let hsm = SoftHsm::rsa_token("hoso-pinpad");
    hsm.set_token_flags(CKF_PROTECTED_AUTHENTICATION_PATH);
    let input = pdfs::classic(hsm.dir(), "in.pdf", "Pad");
    let out = hsm.dir().join("out.pdf");
    let mut child = hsm
        .command(hoso())
        .arg("sign")
        .arg(&input)
        .arg("--pkcs11")
        .arg(softhsm_module())
        .arg("--out")
        .arg(&out)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start hoso");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        // Ignored when hoso (correctly) does not read it.
        let _ = stdin.write_all(b"1234\n");
    }
    let o = child.wait_with_output().expect("hoso");
    let t = text(&o);
    assert!(
        t.contains("Nhập mã PIN trên thiết bị")
            && t.contains("enter the PIN on the token's keypad"),
        "{t}"
    );
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(
        t.contains("C_Login"),
        "the NULL-PIN login reached the module: {t}"
    );
    assert!(!out.exists());
}
