//! Long-term validation (issue 8): B-LT and B-LTA signatures with revocation data fetched from
//! a local `openssl ocsp` responder and a local CRL server, checked with the services stopped
//! (so only what the file holds counts) by pyHanko's AdES/LTA validation (`pyhanko sign
//! adesverify`), pdfsig, qpdf and hoso itself; revoked certificates reported revoked; a
//! certificate expired since signing accepted when timestamps and revocation data prove it was
//! valid then; `hoso extend` turning B-T into B-LTA and renewing it; (issue 14) OCSP, then the
//! CRL, then "valid, revocation not checked", each with its exit code, and signing with a revoked
//! certificate refused.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hoso_e2e::sign_support::ltv_pki::LtvPki;
use hoso_e2e::sign_support::{
    hoso, pdfs, pdfsig, pin_file, pyhanko, qpdf_check, run, text, tsa::TestTsa,
};

/// Signs `input` with `p12` at `level` through `hoso sign`.
fn sign(dir: &Path, pki: &LtvPki, tsa: &TestTsa, p12: &Path, input: &Path, level: &str) -> PathBuf {
    let out = dir.join(format!(
        "{}-{}-{level}.pdf",
        input.file_stem().unwrap().to_string_lossy(),
        p12.file_stem().unwrap().to_string_lossy()
    ));
    let o = run(Command::new(hoso())
        .arg("sign")
        .arg(input)
        .arg("--p12")
        .arg(p12)
        .arg("--pin-file")
        .arg(pin_file(dir))
        .arg("--out")
        .arg(&out)
        .args(["--level", level, "--tsa", &tsa.url, "--tsa-trust"])
        .arg(pki.root())
        .arg("--demo"));
    assert!(o.status.success(), "hoso sign {level}: {}", text(&o));
    out
}

/// `hoso verify --json` trusting the LTV root, as of `at` when given.
fn verify(pki: &LtvPki, file: &Path, at: Option<&str>) -> (i32, serde_json::Value) {
    let mut cmd = Command::new(hoso());
    cmd.arg("verify")
        .arg(file)
        .arg("--json")
        .arg("--trust")
        .arg(pki.root())
        .arg("--demo");
    if let Some(at) = at {
        cmd.args(["--at", at]);
    }
    let o = run(&mut cmd);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("hoso verify printed no JSON ({e}): {}", text(&o)));
    (o.status.code().unwrap_or(-1), v)
}

/// pyHanko's AdES validation with the LTA algorithm (`ades_lta_validation`, ETSI EN 319 102-1
/// with revocation data required), trusting only the LTV root.
fn pyhanko_ades(pki: &LtvPki, file: &Path, extra: &[&str]) -> (i32, String) {
    let o = run(Command::new(pyhanko())
        .args(["sign", "adesverify"])
        .args(extra)
        .arg("--trust")
        .arg(pki.root())
        .arg("--trust-replace")
        .arg(file));
    (o.status.code().unwrap_or(-1), text(&o))
}

/// pdfsig trusting the LTV root.
fn pdfsig_out(dir: &Path, pki: &LtvPki, file: &Path) -> String {
    let db = dir.join("nss-ltv");
    if !db.join("cert9.db").exists() {
        std::fs::create_dir_all(&db).unwrap();
        let spec = format!("sql:{}", db.display());
        let certutil = hoso_e2e::sign_support::certutil();
        let o = run(Command::new(&certutil).args(["-N", "-d", &spec, "--empty-password"]));
        assert!(o.status.success(), "{}", text(&o));
        let o = run(Command::new(&certutil)
            .args(["-A", "-d", &spec, "-n", "LTV Root", "-t", "CT,C,C", "-i"])
            .arg(pki.root()));
        assert!(o.status.success(), "{}", text(&o));
    }
    text(&run(Command::new(pdfsig())
        .arg("-nssdir")
        .arg(format!("sql:{}", db.display()))
        .arg(file)))
}

/// The DSS as pikepdf reads it: counts and VRI keys, and the uppercase SHA-1 of every
/// signature's /Contents, as JSON.
fn dss_summary(file: &Path) -> serde_json::Value {
    let script = r#"import sys, json, hashlib, pikepdf
p = pikepdf.open(sys.argv[1])
d = p.Root.get('/DSS')
out = {'certs': 0, 'ocsps': 0, 'crls': 0, 'vri': [], 'sigs': []}
if d is not None:
    out['certs'] = len(d.get('/Certs', []))
    out['ocsps'] = len(d.get('/OCSPs', []))
    out['crls'] = len(d.get('/CRLs', []))
    out['vri'] = sorted(str(k)[1:] for k in d.get('/VRI', {}).keys())
for f in p.Root.AcroForm.Fields:
    v = f.get('/V')
    if v is not None:
        out['sigs'].append({'type': str(v.get('/Type')), 'sha1': hashlib.sha1(bytes(v.Contents)).hexdigest().upper()})
print(json.dumps(out))
"#;
    let o = run(Command::new(hoso_e2e::sign_support::python())
        .arg("-c")
        .arg(script)
        .arg(file));
    assert!(o.status.success(), "pikepdf: {}", text(&o));
    serde_json::from_slice(&o.stdout).expect("json")
}

fn sigs(rep: &serde_json::Value) -> &Vec<serde_json::Value> {
    rep["signatures"].as_array().expect("signatures")
}

fn iso(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let dt = time::OffsetDateTime::from_unix_timestamp(secs).unwrap();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        dt.year(),
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

#[test]
fn b_lt_and_b_lta_hold_their_own_validation_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut pki = LtvPki::new();
    let signer = pki.issue(
        "signer",
        "Phạm Thị Dung (DEMO LTV signer)",
        365,
        false,
        false,
    );
    let tsa = pki.tsa();
    pki.start();
    assert!(
        pki.openssl_ocsp_status(&signer.cert).contains(": good"),
        "the test responder answers: {}",
        pki.openssl_ocsp_status(&signer.cert)
    );
    let input = pdfs::classic(dir.path(), "in.pdf", "Hello LTV");
    let before = std::fs::read(&input).unwrap();
    let lt = sign(dir.path(), &pki, &tsa, &signer.p12, &input, "B-LT");
    let lta = sign(dir.path(), &pki, &tsa, &signer.p12, &input, "B-LTA");
    assert!(pki.crl_served.load(std::sync::atomic::Ordering::SeqCst) > 0);
    // pdfsig (NSS) does not read the DSS: it checks the path with the services running.
    for file in [&lt, &lta] {
        let out = pdfsig_out(dir.path(), &pki, file);
        assert!(
            out.contains("Signature Validation: Signature is Valid."),
            "pdfsig: {out}"
        );
        assert!(
            out.contains("Certificate Validation: Certificate is Trusted."),
            "pdfsig: {out}"
        );
    }
    // From here on nothing can be fetched: only the DSS counts.
    pki.stop();

    for (file, level, sig_count) in [(&lt, "B-LT", 1), (&lta, "B-LTA", 2)] {
        let data = std::fs::read(file).unwrap();
        assert_eq!(&data[..before.len()], &before[..], "earlier bytes kept");

        let dss = dss_summary(file);
        // Signer and TSA chains: signer, TSA and root certificates; OCSP and CRL for the
        // signer and the signature timestamp's TSA.
        assert!(dss["certs"].as_u64().unwrap() >= 3, "{dss}");
        assert!(dss["ocsps"].as_u64().unwrap() >= 2, "{dss}");
        assert!(dss["crls"].as_u64().unwrap() >= 1, "{dss}");
        let first_sig = dss["sigs"][0]["sha1"].as_str().unwrap();
        assert!(
            dss["vri"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k == first_sig),
            "VRI keyed by the signature's SHA-1: {dss}"
        );
        assert_eq!(dss["sigs"].as_array().unwrap().len(), sig_count, "{dss}");

        let (code, rep) = verify(&pki, file, None);
        assert_eq!(code, 0, "hoso verify {level}: {rep:#}");
        let s = &sigs(&rep)[0];
        assert_eq!(s["verdict"], "Valid", "{rep:#}");
        assert_eq!(s["ltv"]["level"], level, "{rep:#}");
        assert_eq!(s["ltv"]["revocation"], "good", "{rep:#}");
        assert_eq!(s["ltv"]["revocation_sources"][0], "DSS", "{rep:#}");
        assert_eq!(s["ltv"]["vri"], true, "{rep:#}");
        if level == "B-LTA" {
            let ts = &sigs(&rep)[1];
            assert_eq!(ts["sub_filter"], "ETSI.RFC3161", "{rep:#}");
            assert_eq!(ts["verdict"], "Valid", "{rep:#}");
            assert_eq!(ts["coverage"], "WholeFile", "{rep:#}");
        }

        let o = run(Command::new(hoso())
            .arg("verify")
            .arg(file)
            .arg("--trust")
            .arg(pki.root())
            .arg("--demo"));
        let table = text(&o);
        assert!(
            table.contains(&format!("Kiểm tra dài hạn: {level} (")),
            "{table}"
        );

        let (code, out) = pyhanko_ades(&pki, file, &[]);
        assert_eq!(code, 0, "pyhanko adesverify {level}: {out}");
        assert!(out.contains("INTACT:TRUSTED"), "pyhanko {level}: {out}");
        // Control: pyHanko's classic validator does not read the DSS; with revocation data
        // required and the services down it fails, so adesverify's pass came from the DSS.
        let o = run(Command::new(pyhanko())
            .args(["sign", "validate", "--force-revinfo", "--trust"])
            .arg(pki.root())
            .arg("--trust-replace")
            .arg(file));
        let out = text(&o);
        assert!(
            !o.status.success(),
            "pyhanko validate --force-revinfo {level}: {out}"
        );
        assert!(
            out.contains("no revocation information"),
            "pyhanko {level}: {out}"
        );

        let (code, out) = qpdf_check(file);
        assert_eq!(code, 0, "qpdf --check {level}: {out}");
    }
}

/// `hoso sign` at `level` without a TSA (B-B), returning the process output.
fn sign_bb(dir: &Path, p12: &Path, input: &Path, out: &Path) -> std::process::Output {
    run(Command::new(hoso())
        .arg("sign")
        .arg(input)
        .arg("--p12")
        .arg(p12)
        .arg("--pin-file")
        .arg(pin_file(dir))
        .arg("--out")
        .arg(out)
        .args(["--level", "B-B"]))
}

/// `hoso verify --json` with extra arguments (the LTV root trusted unless `untrusted`).
fn verify_args(
    pki: &LtvPki,
    file: &Path,
    extra: &[&str],
    untrusted: bool,
) -> (i32, serde_json::Value) {
    let mut cmd = Command::new(hoso());
    cmd.arg("verify").arg(file).arg("--json").args(extra);
    if !untrusted {
        cmd.arg("--trust").arg(pki.root());
    }
    let o = run(&mut cmd);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("hoso verify printed no JSON ({e}): {}", text(&o)));
    (o.status.code().unwrap_or(-1), v)
}

#[test]
fn revoked_certificate_is_reported_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let mut pki = LtvPki::new();
    let good = pki.issue("good", "DEMO LTV good signer", 365, false, true);
    let bad = pki.issue("bad", "DEMO LTV revoked signer", 365, false, false);
    let tsa = pki.tsa();
    pki.start();
    let input = pdfs::classic(dir.path(), "in.pdf", "Revoked");
    let ok = sign(dir.path(), &pki, &tsa, &good.p12, &input, "B-LT");
    // Signed while the certificate was still good: a B-T (timestamped before the revocation)
    // and a B-B (nothing proves when it was made).
    let bt = sign(dir.path(), &pki, &tsa, &bad.p12, &input, "B-T");
    let bb = dir.path().join("bb.pdf");
    let o = sign_bb(dir.path(), &bad.p12, &input, &bb);
    assert!(o.status.success(), "{}", text(&o));
    std::thread::sleep(Duration::from_millis(1100));
    pki.stop();
    pki.revoke(&bad.serial);
    pki.start();
    let status = pki.openssl_ocsp_status(&bad.cert);
    assert!(status.contains(": revoked"), "responder: {status}");

    // Signing with a revoked certificate is refused, in Vietnamese, at every level; nothing is
    // written.
    for level in ["B-B", "B-LT"] {
        let out = dir.path().join(format!("refused-{level}.pdf"));
        let o = run(Command::new(hoso())
            .arg("sign")
            .arg(&input)
            .arg("--p12")
            .arg(&bad.p12)
            .arg("--pin-file")
            .arg(pin_file(dir.path()))
            .arg("--out")
            .arg(&out)
            .args(["--level", level, "--tsa", &tsa.url, "--tsa-trust"])
            .arg(pki.root()));
        assert_eq!(o.status.code(), Some(2), "{level}: {}", text(&o));
        assert!(text(&o).contains("đã bị thu hồi"), "{level}: {}", text(&o));
        assert!(!out.exists(), "{level}: no output");
    }

    // Online (the default): the B-B signature is validated now, after the revocation: invalid.
    let (code, rep) = verify(&pki, &bb, None);
    assert_eq!(code, 1, "{rep:#}");
    assert_eq!(rep["bottom_line"], "Invalid", "{rep:#}");
    assert_eq!(sigs(&rep)[0]["ltv"]["revocation"], "revoked", "{rep:#}");
    assert_eq!(
        sigs(&rep)[0]["ltv"]["revocation_sources"][0],
        "online OCSP",
        "{rep:#}"
    );
    // The B-T's timestamp proves it was made before the revocation: valid, the later
    // revocation named.
    let (code, rep) = verify(&pki, &bt, None);
    assert_eq!(code, 0, "{rep:#}");
    let check = sigs(&rep)[0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "Revocation")
        .cloned()
        .expect("a revocation check");
    assert!(
        check["detail"].as_str().unwrap().contains("revoked later"),
        "{rep:#}"
    );

    // `hoso extend` embeds the revoked status in the DSS; offline it is enough.
    let lt = dir.path().join("bb-lt.pdf");
    let o = run(Command::new(hoso())
        .arg("extend")
        .arg(&bb)
        .args(["--level", "B-LT", "--out"])
        .arg(&lt));
    assert!(o.status.success(), "hoso extend: {}", text(&o));
    pki.stop();

    let (code, rep) = verify(&pki, &ok, None);
    assert_eq!(code, 0, "the RSA signer is fine: {rep:#}");
    let (code, rep) = verify_args(&pki, &lt, &["--offline"], false);
    assert_eq!(code, 1, "{rep:#}");
    let s = &sigs(&rep)[0];
    assert_eq!(s["ltv"]["revocation"], "revoked", "{rep:#}");
    assert_eq!(s["ltv"]["revocation_sources"][0], "DSS", "{rep:#}");
    assert_eq!(s["verdict"], "Invalid", "{rep:#}");
    let check = s["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "Revocation")
        .expect("a revocation check");
    assert_eq!(check["status"], "Failed", "{rep:#}");
    assert!(
        check["detail"].as_str().unwrap().contains("REVOKED"),
        "{rep:#}"
    );
    // pyHanko agrees it is not valid.
    let (code, out) = pyhanko_ades(&pki, &lt, &[]);
    assert_ne!(code, 0, "pyhanko accepted a revoked signer: {out}");
}

/// Issue 14 point 4: OCSP, then the CRL, then the "not checked" state, each with its exit code,
/// against the local `openssl ocsp` responder and CRL server.
#[test]
fn revocation_states_each_have_their_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let mut pki = LtvPki::new();
    let good = pki.issue("good", "DEMO LTV good signer", 365, false, false);
    let revoked = pki.issue("revoked", "DEMO LTV soon revoked signer", 365, false, false);
    let unknown = pki.issue("unknown", "DEMO LTV unknown signer", 365, false, false);
    pki.start();
    let input = pdfs::classic(dir.path(), "in.pdf", "States");
    let mut files = Vec::new();
    for (who, p12) in [
        ("good", &good.p12),
        ("revoked", &revoked.p12),
        ("unknown", &unknown.p12),
    ] {
        let out = dir.path().join(format!("{who}.pdf"));
        let o = sign_bb(dir.path(), p12, &input, &out);
        assert!(o.status.success(), "{who}: {}", text(&o));
        files.push(out);
    }
    let [good_pdf, revoked_pdf, unknown_pdf] = [&files[0], &files[1], &files[2]];
    std::thread::sleep(Duration::from_millis(1100));
    pki.stop();
    pki.revoke(&revoked.serial);
    pki.forget(&unknown.serial);
    pki.start();
    assert!(pki.openssl_ocsp_status(&unknown.cert).contains(": unknown"));

    let state = |rep: &serde_json::Value| {
        (
            rep["bottom_line"].as_str().unwrap_or_default().to_owned(),
            sigs(rep)[0]["ltv"]["revocation"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            sigs(rep)[0]["ltv"]["revocation_sources"][0]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        )
    };
    let st = |b: &str, r: &str, s: &str| (b.to_owned(), r.to_owned(), s.to_owned());
    // Both services up.
    let (code, rep) = verify_args(&pki, good_pdf, &[], false);
    assert_eq!(
        (code, state(&rep)),
        (0, st("Valid", "good", "online OCSP")),
        "{rep:#}"
    );
    let (code, rep) = verify_args(&pki, revoked_pdf, &[], false);
    assert_eq!(
        (code, state(&rep)),
        (1, st("Invalid", "revoked", "online OCSP")),
        "{rep:#}"
    );
    // "unknown" from the responder is no status: the CRL decides.
    let (code, rep) = verify_args(&pki, unknown_pdf, &[], false);
    assert_eq!(
        (code, state(&rep)),
        (0, st("Valid", "good", "online CRL")),
        "{rep:#}"
    );
    // --offline: nothing in the file, nothing asked.
    let served = pki.crl_served.load(std::sync::atomic::Ordering::SeqCst);
    let (code, rep) = verify_args(&pki, good_pdf, &["--offline"], false);
    assert_eq!(
        (code, state(&rep)),
        (4, st("ValidRevocationNotChecked", "not_checked", "")),
        "{rep:#}"
    );
    // An untrusted file makes hoso contact nothing it names: exit 3, the CRL server not asked.
    pki.stop_ocsp();
    let (code, rep) = verify_args(&pki, good_pdf, &[], true);
    assert_eq!(code, 3, "{rep:#}");
    assert_eq!(rep["bottom_line"], "Untrusted", "{rep:#}");
    assert_eq!(
        pki.crl_served.load(std::sync::atomic::Ordering::SeqCst),
        served
    );
    // Responder down, CRL up: the CRL answers.
    let (code, rep) = verify_args(&pki, good_pdf, &[], false);
    assert_eq!(
        (code, state(&rep)),
        (0, st("Valid", "good", "online CRL")),
        "{rep:#}"
    );
    let (code, rep) = verify_args(&pki, revoked_pdf, &[], false);
    assert_eq!(
        (code, state(&rep)),
        (1, st("Invalid", "revoked", "online CRL")),
        "{rep:#}"
    );
    // Only the responder up: "unknown" and no CRL is the not-checked state.
    pki.stop();
    pki.start();
    pki.stop_crl();
    let (code, rep) = verify_args(&pki, unknown_pdf, &[], false);
    assert_eq!(
        (code, state(&rep)),
        (4, st("ValidRevocationNotChecked", "not_checked", "")),
        "{rep:#}"
    );
    // Both down.
    pki.stop();
    let (code, rep) = verify_args(&pki, good_pdf, &[], false);
    assert_eq!(
        (code, state(&rep)),
        (4, st("ValidRevocationNotChecked", "not_checked", "")),
        "{rep:#}"
    );
    assert_eq!(
        sigs(&rep)[0]["verdict"],
        "ValidRevocationNotChecked",
        "{rep:#}"
    );
    let o = run(Command::new(hoso())
        .arg("verify")
        .arg(good_pdf)
        .arg("--trust")
        .arg(pki.root()));
    assert_eq!(o.status.code(), Some(4));
    assert!(
        text(&o).contains("HỢP LỆ, CHƯA KIỂM TRA ĐƯỢC TÌNH TRẠNG THU HỒI"),
        "{}",
        text(&o)
    );
}

#[test]
fn certificate_expired_since_signing_stays_valid_with_ltv_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut pki = LtvPki::new();
    // Valid for one day: verified "as of" a week later it has expired.
    let short = pki.issue("short", "DEMO LTV one-day signer", 1, false, false);
    let tsa = pki.tsa();
    pki.start();
    let input = pdfs::classic(dir.path(), "in.pdf", "Expires");
    let bt = sign(dir.path(), &pki, &tsa, &short.p12, &input, "B-T");
    let lta = sign(dir.path(), &pki, &tsa, &short.p12, &input, "B-LTA");
    pki.stop();
    let later = iso(SystemTime::now() + Duration::from_secs(7 * 86_400));

    let (code, rep) = verify(&pki, &lta, Some(&later));
    assert_eq!(code, 0, "B-LTA a week later: {rep:#}");
    let s = &sigs(&rep)[0];
    assert_eq!(s["verdict"], "Valid", "{rep:#}");
    assert_eq!(s["ltv"]["expired_since_signing"], true, "{rep:#}");
    assert_eq!(s["ltv"]["revocation"], "good", "{rep:#}");

    // Without revocation data the timestamp alone does not carry it.
    let (code, rep) = verify(&pki, &bt, Some(&later));
    assert_eq!(code, 3, "B-T a week later: {rep:#}");
    assert_eq!(sigs(&rep)[0]["verdict"], "Untrusted", "{rep:#}");

    // pyHanko's LTA validation at the same later time agrees.
    let (code, out) = pyhanko_ades(&pki, &lta, &["--validation-time", &later]);
    assert_eq!(code, 0, "pyhanko adesverify B-LTA later: {out}");
}

#[test]
fn extend_turns_b_t_into_b_lta_and_renews_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut pki = LtvPki::new();
    let signer = pki.issue("signer", "DEMO LTV signer", 365, false, false);
    let tsa = pki.tsa();
    pki.start();
    let input = pdfs::classic(dir.path(), "in.pdf", "Extend");
    let bt = sign(dir.path(), &pki, &tsa, &signer.p12, &input, "B-T");
    let bt_bytes = std::fs::read(&bt).unwrap();
    let (_, rep) = verify(&pki, &bt, None);
    assert_eq!(sigs(&rep)[0]["ltv"]["level"], "B-T", "{rep:#}");

    let extend = |file: &Path, out: &Path| {
        let o = run(Command::new(hoso())
            .arg("extend")
            .arg(file)
            .args(["--level", "B-LTA", "--out"])
            .arg(out)
            .args(["--tsa", &tsa.url, "--tsa-trust"])
            .arg(pki.root())
            .args(["--demo", "--json"]));
        assert!(o.status.success(), "hoso extend: {}", text(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).expect("json")
    };
    let lta = dir.path().join("lta.pdf");
    let done = extend(&bt, &lta);
    assert_eq!(done["signatures"], 1, "{done:#}");
    assert!(done["document_timestamp"].is_object(), "{done:#}");
    let renewed = dir.path().join("renewed.pdf");
    let done = extend(&lta, &renewed);
    assert_eq!(done["signatures"], 2, "{done:#}");
    pki.stop();

    for file in [&lta, &renewed] {
        let data = std::fs::read(file).unwrap();
        assert_eq!(
            &data[..bt_bytes.len()],
            &bt_bytes[..],
            "the B-T file is a prefix"
        );
        let (code, rep) = verify(&pki, file, None);
        assert_eq!(code, 0, "{rep:#}");
        assert!(
            sigs(&rep).iter().all(|s| s["verdict"] == "Valid"),
            "{rep:#}"
        );
        assert_eq!(sigs(&rep)[0]["ltv"]["level"], "B-LTA", "{rep:#}");
        let (code, out) = pyhanko_ades(&pki, file, &[]);
        assert_eq!(code, 0, "pyhanko adesverify: {out}");
        let out = pdfsig_out(dir.path(), &pki, file);
        assert!(
            out.contains("Signature Validation: Signature is Valid."),
            "pdfsig: {out}"
        );
        let (code, out) = qpdf_check(file);
        assert_eq!(code, 0, "qpdf: {out}");
    }
    // The renewal covers the first document timestamp: its TSA chain now has revocation data
    // in the DSS (a VRI entry for it), and there are two document timestamps.
    let dss = dss_summary(&renewed);
    let sigs_dss = dss["sigs"].as_array().unwrap();
    assert_eq!(sigs_dss.len(), 3, "{dss}");
    let first_dts = sigs_dss[1]["sha1"].as_str().unwrap();
    assert!(
        dss["vri"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == first_dts),
        "{dss}"
    );
    let (_, rep) = verify(&pki, &renewed, None);
    assert_eq!(sigs(&rep)[1]["ltv"]["revocation"], "good", "{rep:#}");
}

#[test]
fn revocation_data_signed_by_another_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut pki = LtvPki::new();
    let signer = pki.issue("signer", "DEMO LTV signer", 365, false, false);
    let tsa = pki.tsa();
    // A forger on the real services' ports: same root name, another key; it says "good".
    let mut forger = LtvPki::with_ports(pki.ocsp_port, pki.crl_port);
    let twin = forger.issue("signer", "DEMO LTV signer", 365, false, false);
    assert_eq!(twin.serial, signer.serial);
    forger.start();
    assert!(
        forger.openssl_ocsp_status(&twin.cert).contains(": good"),
        "the forged responder answers"
    );
    let input = pdfs::classic(dir.path(), "in.pdf", "Forged");
    let out = dir.path().join("forged.pdf");
    let o = run(Command::new(hoso())
        .arg("sign")
        .arg(&input)
        .arg("--p12")
        .arg(&signer.p12)
        .arg("--pin-file")
        .arg(pin_file(dir.path()))
        .arg("--out")
        .arg(&out)
        .args(["--level", "B-LT", "--tsa", &tsa.url, "--tsa-trust"])
        .arg(pki.root())
        .arg("--demo"));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let msg = text(&o);
    assert!(
        msg.contains("B-T") && msg.contains("signature does not verify"),
        "{msg}"
    );
    // What was written is the B-T signature, and extending it fails the same way, unchanged.
    let before = std::fs::read(&out).unwrap();
    let o = run(Command::new(hoso())
        .arg("extend")
        .arg(&out)
        .args(["--level", "B-LT"]));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(std::fs::read(&out).unwrap(), before, "file unchanged");
    let (_, rep) = verify(&pki, &out, None);
    assert_eq!(sigs(&rep)[0]["ltv"]["revocation"], "not_checked", "{rep:#}");
    assert_eq!(sigs(&rep)[0]["ltv"]["level"], "B-T", "{rep:#}");
}

#[test]
fn changing_validation_data_breaks_the_document_timestamp() {
    let dir = tempfile::tempdir().unwrap();
    let mut pki = LtvPki::new();
    let signer = pki.issue("signer", "DEMO LTV signer", 365, false, false);
    let tsa = pki.tsa();
    pki.start();
    let input = pdfs::classic(dir.path(), "in.pdf", "Tamper DSS");
    let lta = sign(dir.path(), &pki, &tsa, &signer.p12, &input, "B-LTA");
    pki.stop();
    let (_, rep) = verify(&pki, &lta, None);
    let sig_end = {
        let br = sigs(&rep)[0]["byte_range"].as_array().unwrap();
        (br[2].as_u64().unwrap() + br[3].as_u64().unwrap()) as usize
    };
    let mut data = std::fs::read(&lta).unwrap();
    // An OCSPResponse in the DSS: SEQUENCE { ENUMERATED successful(0), [0] ... }.
    let at = sig_end
        + data[sig_end..]
            .windows(4)
            .position(|w| w == [0x0a, 0x01, 0x00, 0xa0])
            .expect("an OCSP response after the signature");
    data[at + 40] ^= 0x01;
    let bad = dir.path().join("dss-tampered.pdf");
    std::fs::write(&bad, &data).unwrap();
    let (code, rep) = verify(&pki, &bad, None);
    assert_eq!(code, 1, "{rep:#}");
    let ts = &sigs(&rep)[1];
    assert_eq!(ts["sub_filter"], "ETSI.RFC3161", "{rep:#}");
    assert_eq!(ts["verdict"], "Invalid", "{rep:#}");
    // pyHanko (which validates only the regular signature, still fine at the current time)
    // sees the same broken document timestamp.
    let (_, out) = pyhanko_ades(&pki, &bad, &[]);
    assert!(
        out.contains("Document timestamp chain failed to validate"),
        "pyhanko: {out}"
    );
}

#[test]
fn certified_no_changes_document_takes_a_dss_but_no_document_timestamp() {
    let dir = tempfile::tempdir().unwrap();
    let mut pki = LtvPki::new();
    let signer = pki.issue("signer", "DEMO LTV certifier", 365, false, false);
    let tsa = pki.tsa();
    pki.start();
    let input = pdfs::classic(dir.path(), "in.pdf", "Certified P=1");
    let sign_certified = |level: &str, out: &Path| {
        run(Command::new(hoso())
            .arg("sign")
            .arg(&input)
            .arg("--p12")
            .arg(&signer.p12)
            .arg("--pin-file")
            .arg(pin_file(dir.path()))
            .arg("--out")
            .arg(out)
            .args(["--certify", "--docmdp", "1", "--level", level])
            .args(["--tsa", &tsa.url, "--tsa-trust"])
            .arg(pki.root())
            .arg("--demo"))
    };
    // A document timestamp is a new signature field, which P=1 forbids (pyHanko agrees: it
    // calls one ILLEGAL_MODIFICATIONS), so B-LTA is refused up front and nothing is written.
    let refused = dir.path().join("refused.pdf");
    let o = sign_certified("B-LTA", &refused);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(!refused.exists());
    // The DSS alone (B-LT) is an allowed LTV update.
    let lt = dir.path().join("certified-lt.pdf");
    let o = sign_certified("B-LT", &lt);
    assert!(o.status.success(), "{}", text(&o));
    let before = std::fs::read(&lt).unwrap();
    let o = run(Command::new(hoso())
        .arg("extend")
        .arg(&lt)
        .args(["--level", "B-LTA", "--tsa", &tsa.url, "--tsa-trust"])
        .arg(pki.root()));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("P=1"), "{}", text(&o));
    assert_eq!(std::fs::read(&lt).unwrap(), before, "file unchanged");
    pki.stop();
    let (code, rep) = verify(&pki, &lt, None);
    assert_eq!(code, 0, "{rep:#}");
    assert_eq!(sigs(&rep)[0]["modifications"], "LtvUpdates", "{rep:#}");
    assert_eq!(sigs(&rep)[0]["ltv"]["level"], "B-LT", "{rep:#}");
    let (code, out) = pyhanko_ades(&pki, &lt, &[]);
    assert_eq!(code, 0, "pyhanko adesverify: {out}");
}

#[test]
fn earlier_signature_stays_valid_under_a_later_b_lta() {
    let dir = tempfile::tempdir().unwrap();
    let mut pki = LtvPki::new();
    let signer = pki.issue("signer", "DEMO LTV second signer", 365, false, false);
    let tsa = pki.tsa();
    pki.start();
    let input = pdfs::classic(dir.path(), "in.pdf", "Two signers");
    // First: a B-B signature with the shipped DEMO staff key (no OCSP/CRL URLs).
    let first = dir.path().join("first.pdf");
    hoso_e2e::sign_support::hoso_sign(dir.path(), &input, &first, "demo-staff-rsa.p12", &[]);
    let lta = sign(dir.path(), &pki, &tsa, &signer.p12, &first, "B-LTA");
    pki.stop();
    let (code, rep) = verify(&pki, &lta, None);
    // The DEMO staff certificate names no OCSP responder or CRL: valid, revocation not checked.
    assert_eq!(code, 4, "{rep:#}");
    let s = sigs(&rep);
    assert_eq!(s.len(), 3, "{rep:#}");
    assert_eq!(s[0]["verdict"], "ValidRevocationNotChecked", "{rep:#}");
    assert!(s[1..].iter().all(|x| x["verdict"] == "Valid"), "{rep:#}");
    assert_eq!(s[0]["ltv"]["level"], "B-B", "{rep:#}");
    assert_eq!(s[0]["ltv"]["revocation"], "not_checked", "{rep:#}");
    assert_eq!(s[1]["ltv"]["level"], "B-LTA", "{rep:#}");
    let (code, out) = hoso_e2e::sign_support::pyhanko_validate_with(
        &lta,
        &["--trust", &pki.root().display().to_string()],
    );
    assert_eq!(code, 0, "pyhanko: {out}");
    let trusted = out
        .lines()
        .filter(|l| l.starts_with("Signature") && l.contains(":INTACT:TRUSTED,"))
        .count();
    assert_eq!(trusted, 2, "pyhanko: {out}");
    let (code, out) = qpdf_check(&lta);
    assert_eq!(code, 0, "qpdf: {out}");
}

/// Issue 14 point 4: when the signer's own certificate cannot be checked (OCSP responder and CRL
/// server down), signing goes on with a warning that the human output shows (Vietnamese first,
/// English second) and the JSON carries as `signer_revocation`; with the services up, no warning.
#[test]
fn signing_with_the_responder_down_warns_in_the_human_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut pki = LtvPki::new();
    let signer = pki.issue(
        "offline",
        "DEMO LTV signer, responder down",
        365,
        false,
        false,
    );
    let input = pdfs::classic(dir.path(), "in.pdf", "Responder down");
    let warning_vi = "Cảnh báo: chưa kiểm tra được tình trạng thu hồi của chứng thư người ký";
    let warning_en = "the revocation status of the signer's certificate could not be checked";

    // Nothing started: both services unreachable.
    let out = dir.path().join("down.pdf");
    let o = sign_bb(dir.path(), &signer.p12, &input, &out);
    assert!(o.status.success(), "{}", text(&o));
    assert!(out.exists());
    let stderr = String::from_utf8_lossy(&o.stderr);
    let vi = stderr.find(warning_vi);
    let en = stderr.find(warning_en);
    assert!(vi.is_some() && en.is_some(), "{}", text(&o));
    assert!(vi < en, "Vietnamese first: {stderr}");

    let out_json = dir.path().join("down-json.pdf");
    let o = run(Command::new(hoso())
        .arg("sign")
        .arg(&input)
        .arg("--p12")
        .arg(&signer.p12)
        .arg("--pin-file")
        .arg(pin_file(dir.path()))
        .arg("--out")
        .arg(&out_json)
        .args(["--level", "B-B", "--json"]));
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("no JSON ({e}): {}", text(&o)));
    assert!(
        v["signer_revocation"]["Unavailable"]["reason"].is_string(),
        "{v:#}"
    );

    // Services up: the status is had, no warning.
    pki.start();
    let up = dir.path().join("up.pdf");
    let o = sign_bb(dir.path(), &signer.p12, &input, &up);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains(warning_vi), "{}", text(&o));
    pki.stop();
}
