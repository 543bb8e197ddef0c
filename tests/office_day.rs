//! Issue 16: every command that writes a file registers it, and one office day through the CLI
//! — build with OCR → sign (B-T) → certified copy → extend (B-LTA) → verify → look up by QR —
//! leaves a register that audits clean with exactly one entry per file made.
//!
//! Every `hoso` here runs with its own workspace (`HOSO_WORKSPACE`) and no `HOSO_REGISTER`, so
//! the register is the one hoso-office's resolver picks: `<workspace>/register.sqlite`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hoso_e2e::fixture;
use hoso_e2e::sign_support::ltv_pki::LtvPki;
use hoso_e2e::sign_support::{hoso, pin_file, run, text, tsa::TestTsa};

/// `hoso` in a private workspace, as station `quay-1`.
struct Station {
    ws: PathBuf,
}

impl Station {
    fn new(dir: &Path) -> Self {
        let ws = dir.join("HoSo");
        std::fs::create_dir_all(&ws).expect("workspace");
        Self { ws }
    }

    fn hoso(&self, args: &[&std::ffi::OsStr]) -> Output {
        run(Command::new(hoso())
            .args(args)
            .env("HOSO_WORKSPACE", &self.ws)
            .env("HOSO_STATION", "quay-1")
            .env_remove("HOSO_REGISTER")
            .env_remove("HOSO_SETTINGS"))
    }

    fn ok_json(&self, args: &[&std::ffi::OsStr]) -> serde_json::Value {
        let o = self.hoso(args);
        assert!(o.status.success(), "hoso {args:?}: {}", text(&o));
        serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("hoso {args:?} printed no JSON ({e}): {}", text(&o)))
    }

    /// The register's entries for `file` (looked up by its hash, proof checked).
    fn lookup(&self, file: &Path) -> serde_json::Value {
        let v = self.ok_json(&[
            "register".as_ref(),
            "lookup".as_ref(),
            file.as_os_str(),
            "--json".as_ref(),
        ]);
        assert_eq!(
            v["verified"],
            true,
            "{} not registered: {v:#}",
            file.display()
        );
        v["results"][0]["entry"].clone()
    }

    fn register(&self) -> PathBuf {
        self.ws.join("register.sqlite")
    }
}

fn os<S: AsRef<std::ffi::OsStr> + ?Sized>(s: &S) -> &std::ffi::OsStr {
    s.as_ref()
}

const CODE: &str = "000.00.15.H12-261129-0001";
const TITLE: &str = "Đăng ký khai sinh";

fn build(st: &Station, out: &Path, ocr: bool) -> serde_json::Value {
    let jpg = fixture("to_khai_a4_200dpi.jpg");
    let mut args = vec![
        os("build"),
        os("--out"),
        out.as_os_str(),
        os("--code"),
        os(CODE),
        os("--title"),
        os(TITLE),
        os("--json"),
    ];
    if ocr {
        args.push(os("--ocr"));
    }
    args.push(jpg.as_os_str());
    st.ok_json(&args)
}

fn sign_args<'a>(
    input: &'a Path,
    out: &'a Path,
    p12: &'a Path,
    pin: &'a Path,
    tsa: &'a TestTsa,
    root: &'a Path,
) -> Vec<&'a std::ffi::OsStr> {
    vec![
        os("sign"),
        input.as_os_str(),
        os("--p12"),
        p12.as_os_str(),
        os("--pin-file"),
        pin.as_os_str(),
        os("--out"),
        out.as_os_str(),
        os("--level"),
        os("B-T"),
        os("--tsa"),
        os(&tsa.url),
        os("--tsa-trust"),
        root.as_os_str(),
        os("--demo"),
        os("--json"),
    ]
}

/// Every flow checks what it wrote (issue 23 point 2): the outcome names the level and says the
/// file conforms, with no failed rule.
fn assert_pdfa(step: &str, p: &serde_json::Value, level: &str) {
    assert_eq!(
        (p["conforming"].as_bool(), p["level"].as_str()),
        (Some(true), Some(level)),
        "{step}: {p:#}"
    );
    assert_eq!(
        p["failed"].as_array().map(Vec::len),
        Some(0),
        "{step}: {p:#}"
    );
}

/// Vietnamese letters with diacritics that only a Vietnamese OCR layer yields.
fn has_vietnamese_diacritics(s: &str) -> bool {
    s.chars().any(|c| {
        "ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ".contains(c)
    })
}

#[test]
fn an_office_day_through_the_cli_audits_clean_with_one_entry_per_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let st = Station::new(d);
    let mut pki = LtvPki::new();
    let signer = pki.issue("officer", "DEMO LTV officer", 365, false, false);
    let tsa = pki.tsa();
    pki.start();
    let pin = pin_file(d);
    let root = pki.root();

    // 1. Build with OCR: a two-layer PDF/A, registered as the dossier with its code and title.
    let dossier = d.join("ho-so.pdf");
    let built = build(&st, &dossier, true);
    assert_eq!(built["registered"]["seq"], 0, "{built:#}");
    assert_pdfa("build", &built["pdfa_check"], "PDF/A-3b");
    let text_layer = run(Command::new("pdftotext").arg(&dossier).arg("-"));
    assert!(
        has_vietnamese_diacritics(&String::from_utf8_lossy(&text_layer.stdout)),
        "pdftotext finds no Vietnamese text in the OCR layer: {}",
        text(&text_layer)
    );
    let e = st.lookup(&dossier);
    assert_eq!(
        (e["kind"].as_str(), e["dossier_code"].as_str()),
        (Some("dossier"), Some(CODE))
    );
    assert_eq!(
        (e["title"].as_str(), e["station"].as_str()),
        (Some(TITLE), Some("quay-1"))
    );

    // 2. Sign one file (B-T): registered, with the dossier's code and title.
    let signed = d.join("ho-so-da-ky.pdf");
    let s = st.ok_json(&sign_args(
        &dossier,
        &signed,
        &signer.p12,
        &pin,
        &tsa,
        &root,
    ));
    assert_eq!(s["registered"]["seq"], 1, "{s:#}");
    assert_pdfa("sign", &s["pdfa"], "PDF/A-3b");
    let e = st.lookup(&signed);
    assert_eq!(
        (e["kind"].as_str(), e["dossier_code"].as_str()),
        (Some("signed"), Some(CODE))
    );
    assert_eq!(e["title"], TITLE);
    assert!(e["signer_fingerprint"].is_string(), "{e:#}");

    // 3. Certified copy of the signed file: the original is already entry 1.
    let copy = d.join("ban-sao.pdf");
    let c = st.ok_json(&[
        os("copy"),
        signed.as_os_str(),
        os("--out"),
        copy.as_os_str(),
        os("--org-p12"),
        signer.p12.as_os_str(),
        os("--pin-file"),
        pin.as_os_str(),
        os("--org"),
        os("Ủy ban nhân dân phường Sông Cầu"),
        os("--json"),
    ]);
    assert_eq!(
        (c["register_seq"].as_u64(), c["original_seq"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(st.lookup(&copy)["kind"], "copy");
    assert_pdfa("copy", &c["pdfa"], "PDF/A-3b");

    // 4. Extend the signed file to B-LTA into a new file: registered, linked to its input.
    let lta = d.join("ho-so-lta.pdf");
    let x = st.ok_json(&[
        os("extend"),
        signed.as_os_str(),
        os("--out"),
        lta.as_os_str(),
        os("--level"),
        os("B-LTA"),
        os("--tsa"),
        os(&tsa.url),
        os("--tsa-trust"),
        root.as_os_str(),
        os("--demo"),
        os("--json"),
    ]);
    assert_eq!(x["registered"]["seq"], 3, "{x:#}");
    assert_pdfa("extend", &x["pdfa"], "PDF/A-3b");
    let e = st.lookup(&lta);
    assert_eq!(
        (e["kind"].as_str(), e["title"].as_str()),
        (Some("signed"), Some(TITLE))
    );
    let extra: serde_json::Value =
        serde_json::from_str(e["extra"].as_str().expect("extra")).expect("extra JSON");
    assert_eq!(extra["extended_from"], s["registered"]["sha256"]);

    // 5. Verify the B-LTA file.
    let v = st.hoso(&[
        os("verify"),
        lta.as_os_str(),
        os("--trust"),
        root.as_os_str(),
        os("--demo"),
        os("--json"),
    ]);
    pki.stop();
    assert_eq!(v.status.code(), Some(0), "hoso verify: {}", text(&v));

    // 6. Look up by the payloads returned. The copied file is signed, so no QR mark was written
    // into its page (that would be a change after the signature, issue 17 point 3): the copy's
    // own lookup payload is what the clerk hands out.
    assert!(c["qr_printed"].is_null(), "{c:#}");
    assert!(c["qr_omitted"].is_string(), "{c:#}");
    let payload = c["copy_lookup"]
        .as_str()
        .expect("the copy's lookup payload");
    for qr in [payload, x["registered"]["qr"].as_str().expect("qr")] {
        let found = st.ok_json(&[
            os("register"),
            os("lookup"),
            os("--qr"),
            os(qr),
            os("--json"),
        ]);
        assert_eq!(found["verified"], true, "{qr}: {found:#}");
    }

    // 7. The register audits clean with exactly four entries: dossier, signed, copy, extended.
    let audit = st.ok_json(&[os("register"), os("audit"), os("--json")]);
    assert_eq!(audit["entries"], 4, "{audit:#}");
    assert!(st.register().exists());
}

#[test]
fn ocr_and_batch_signing_register_what_they_write() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let st = Station::new(d);
    let certs = hoso_e2e::sign_support::certs();
    let pin = pin_file(d);

    // Built without OCR, then `hoso ocr`: both files registered, the second with the code.
    let plain = d.join("plain.pdf");
    build(&st, &plain, false);
    let two_layer = d.join("two-layer.pdf");
    let o = st.hoso(&[
        os("ocr"),
        plain.as_os_str(),
        os("--out"),
        two_layer.as_os_str(),
    ]);
    assert!(o.status.success(), "hoso ocr: {}", text(&o));
    // The CLI prints one PDF/A line per output, Vietnamese first.
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("PDF/A: PDF/A-3b: đạt / conforms"),
        "hoso ocr: {}",
        text(&o)
    );
    let e = st.lookup(&two_layer);
    assert_eq!(
        (e["kind"].as_str(), e["dossier_code"].as_str()),
        (Some("dossier"), Some(CODE))
    );

    // A batch of two: both signed files registered, titled after their dossier.
    let out_dir = d.join("signed");
    let b = st.ok_json(&[
        os("sign"),
        os("--batch"),
        plain.as_os_str(),
        two_layer.as_os_str(),
        os("--out-dir"),
        out_dir.as_os_str(),
        os("--p12"),
        certs.join("demo-staff-rsa.p12").as_os_str(),
        os("--pin-file"),
        pin.as_os_str(),
        os("--json"),
    ]);
    assert_eq!(b["registered"], 2, "{b:#}");
    for f in b["files"].as_array().expect("files") {
        let e = st.lookup(Path::new(f["path"].as_str().expect("path")));
        assert_eq!(
            (e["kind"].as_str(), e["title"].as_str()),
            (Some("signed"), Some(TITLE))
        );
        assert_pdfa("sign --batch", &f["pdfa"], "PDF/A-3b");
    }
    let audit = st.ok_json(&[os("register"), os("audit"), os("--json")]);
    assert_eq!(audit["entries"], 4, "{audit:#}");
}
