//! Parity (issue 16): the same dossier built, signed and copied through the app's command
//! bodies (plain functions over hoso-office, called without a window) and through the `hoso`
//! binary gives the same register entries — kind, title, dossier code, station, signer, copy
//! number — each hash being the hash of the file that side wrote.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use hoso_office::config::{Config, Origin, Overrides, SignLevel};
use hoso_office::register::{Entry, Register};
use hoso_office::Watch;

use crate::commands::copy::{copy_ids, CopyChoices, Form};
use crate::commands::digitize::{build_in, build_request};
use crate::commands::sign::{plan, sign_ids, unlock};
use crate::form::{BuildChoices, DossierForm};
use crate::office::{Office, Settings};
use crate::state::{Mode, Session};
use hoso_office::form::DocumentForm;
use hoso_office::settings::Visible;

const CODE: &str = "000.00.15.H12-261129-0001";
const TITLE: &str = "Đăng ký khai sinh";
const ORG: &str = "Ủy ban nhân dân phường Sông Cầu";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf()
}

fn p12() -> PathBuf {
    root().join("certs/demo-staff-rsa.p12")
}

/// What one side wrote: the dossier, the signed dossier, its certified copy, and the register.
struct Outputs {
    files: [PathBuf; 3],
    register: PathBuf,
}

/// Build → sign (B-B) → sao y through the app's functions.
fn through_the_app(ws: &Path, jpg: &Path) -> Outputs {
    let register = ws.join("register.sqlite");
    let overrides = Overrides {
        workspace: Some(ws.to_path_buf()),
        register: Some(register.clone()),
        station: Some("quay-1".into()),
    };
    let settings = Settings {
        p12: Some(p12()),
        office: ORG.into(),
        ..Settings::default()
    };
    let config = Config::from_parts(
        &overrides,
        ws.to_path_buf(),
        Origin::Flag,
        ws.join("hoso-settings.json"),
        settings.clone(),
    );
    let office = Office::with_config(config, overrides);
    let session = Session::new(Mode::Officer, ws.to_path_buf(), SystemTime::now(), 60);
    let id = session.import(&[jpg.to_path_buf()]).sources[0].id;
    let form = DossierForm {
        code: CODE.into(),
        title: TITLE.into(),
        documents: vec![DocumentForm {
            name: TITLE.into(),
            sources: vec![id],
            ..Default::default()
        }],
        ..Default::default()
    };
    let choices = BuildChoices {
        clean: false,
        ocr: false,
    };
    let req = build_request(&session, &form, choices).expect("form");
    let quiet = Watch::quiet();
    let built = build_in(&office, req, &quiet).expect("app build");
    let signer = unlock(&settings, "1234".into()).expect("unlock");
    let plan = plan(&office, Some(SignLevel::BB), Visible::None).expect("plan");
    let signed = sign_ids(
        &office,
        signer.as_ref(),
        &plan,
        &[built.document.id],
        &quiet,
    )
    .expect("sign");
    assert!(signed.failed.is_empty(), "{:?}", signed.failed);
    let copies = copy_ids(
        &office,
        signer.as_ref(),
        &[signed.signed[0].document.id],
        &CopyChoices {
            form: Form::SaoY,
            qr: true,
            from_paper: false,
            pages: None,
        },
        &quiet,
    )
    .expect("copy");
    assert!(copies.failed.is_empty(), "{:?}", copies.failed);
    Outputs {
        files: [
            built.document.file.clone(),
            signed.signed[0].document.file.clone(),
            copies.made[0].document.file.clone(),
        ],
        register,
    }
}

/// The same through `hoso`, with the app's file names.
fn through_the_cli(ws: &Path, jpg: &Path) -> Outputs {
    let hoso = hoso_e2e::sign_support::hoso();
    let pin = hoso_e2e::sign_support::pin_file(ws);
    let run = |args: &[&std::ffi::OsStr]| {
        let o = Command::new(&hoso)
            .args(args)
            .env("HOSO_WORKSPACE", ws)
            .env("HOSO_STATION", "quay-1")
            .env_remove("HOSO_REGISTER")
            .env_remove("HOSO_SETTINGS")
            .output()
            .expect("hoso runs");
        assert!(o.status.success(), "hoso {args:?}: {o:?}");
    };
    let dossier = ws.join(format!("{CODE}.pdf"));
    let signed = ws.join(format!("{CODE}-da-ky.pdf"));
    let copy = ws.join(format!("{CODE}-da-ky-ban-sao.pdf"));
    let s = |v: &str| std::ffi::OsString::from(v);
    run(&[
        &s("build"),
        &s("--out"),
        dossier.as_os_str(),
        &s("--code"),
        &s(CODE),
        &s("--title"),
        &s(TITLE),
        jpg.as_os_str(),
    ]);
    run(&[
        &s("sign"),
        dossier.as_os_str(),
        &s("--p12"),
        p12().as_os_str(),
        &s("--pin-file"),
        pin.as_os_str(),
        &s("--level"),
        &s("B-B"),
        &s("--out"),
        signed.as_os_str(),
    ]);
    run(&[
        &s("copy"),
        signed.as_os_str(),
        &s("--out"),
        copy.as_os_str(),
        &s("--org-p12"),
        p12().as_os_str(),
        &s("--pin-file"),
        pin.as_os_str(),
        &s("--org"),
        &s(ORG),
    ]);
    Outputs {
        files: [dossier, signed, copy],
        register: ws.join("register.sqlite"),
    }
}

fn entries(register: &Path) -> Vec<Entry> {
    let reg = Register::open_read_only(register).expect("register");
    let n = reg.entry_count().expect("count");
    (0..n)
        .map(|i| reg.entry(i).expect("read").expect("entry"))
        .collect()
}

/// The files of a workspace, by hash.
fn hashes(ws: &Path) -> Vec<[u8; 32]> {
    std::fs::read_dir(ws)
        .expect("workspace")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .map(|p| hoso_office::register::sha256_file(&p).expect("hash"))
        .collect()
}

/// Overwrites `bytes[from..to]` with `#`, keeping the length (and so every offset).
fn blank(bytes: &mut [u8], from: usize, to: usize) {
    bytes[from..to].fill(b'#');
}

fn find(bytes: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i)
}

/// After each name `key`, the `open`…`close` span that is its value.
fn blank_after(bytes: &mut [u8], key: &[u8], open: u8, close: u8) {
    let mut at = 0;
    while let Some(i) = find(bytes, key, at) {
        at = i + key.len();
        // `/M` must not match `/MediaBox`: a name ends at whitespace or a delimiter.
        if bytes.get(at).is_some_and(|b| b.is_ascii_alphanumeric()) {
            continue;
        }
        let Some(o) = bytes[at..].iter().position(|&b| b == open).map(|o| at + o) else {
            continue;
        };
        if bytes[at..o].iter().any(|b| !b.is_ascii_whitespace()) {
            continue;
        }
        let Some(c) = bytes[o + 1..].iter().position(|&b| b == close) else {
            continue;
        };
        blank(bytes, o + 1, o + 1 + c);
        at = o + 1 + c;
    }
}

/// ISO 8601 date-times (`2026-12-07T10:55:02+07:00`, `…Z`, with fractions) wherever they
/// stand in plain bytes: the XMP packet's dates.
fn blank_iso_times(bytes: &mut [u8]) {
    let shape = b"dddd-dd-ddTdd:dd:dd";
    let fits = |w: &[u8]| {
        w.iter().zip(shape).all(|(b, s)| match s {
            b'd' => b.is_ascii_digit(),
            s => b == s,
        })
    };
    let mut i = 0;
    while i + shape.len() <= bytes.len() {
        if !fits(&bytes[i..i + shape.len()]) {
            i += 1;
            continue;
        }
        let mut end = i + shape.len();
        while end < bytes.len() && (bytes[end].is_ascii_digit() || b".:+-Z".contains(&bytes[end])) {
            end += 1;
        }
        blank(bytes, i, end);
        i = end;
    }
}

/// A PDF with its times and signatures blanked, same length: `/CreationDate`, `/ModDate` and
/// `/M` strings, ISO times (XMP, the embedded manifest), the trailer `/ID`, signature
/// `/Contents` and `/ByteRange`. qpdf first writes it in QDF form with its streams decoded, so a
/// time inside a compressed stream (the manifest) is blanked like any other and nothing else is
/// hidden.
fn masked(path: &Path) -> Vec<u8> {
    let qdf = path.with_extension("qdf");
    let o = Command::new("qpdf")
        .args([
            "--qdf",
            "--object-streams=disable",
            "--decode-level=generalized",
        ])
        .arg(path)
        .arg(&qdf)
        .output()
        .expect("qpdf runs (apt-get install qpdf)");
    // 3: warnings only (a signed file's byte range is not qpdf's business).
    assert!(
        matches!(o.status.code(), Some(0 | 3)),
        "qpdf {}: {o:?}",
        path.display()
    );
    let mut b = std::fs::read(&qdf).unwrap_or_else(|e| panic!("{}: {e}", qdf.display()));
    let _ = std::fs::remove_file(&qdf);
    blank_times_and_signatures(&mut b);
    b
}

/// The blanking itself (see [`masked`]).
fn blank_times_and_signatures(b: &mut [u8]) {
    for key in [&b"/CreationDate"[..], b"/ModDate", b"/M"] {
        blank_after(b, key, b'(', b')');
    }
    blank_after(b, b"/ID", b'[', b']');
    blank_after(b, b"/Contents", b'<', b'>');
    // Where the signature sits follows from the bytes before it, and a compressed time there
    // (the manifest) may take one byte more or less.
    blank_after(b, b"/ByteRange", b'[', b']');
    blank_iso_times(b);
}

/// The text pdftotext (poppler) finds on the pages, its ISO times blanked.
fn page_text(pdf: &Path) -> String {
    let o = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs (apt-get install poppler-utils)");
    assert!(o.status.success(), "pdftotext {}: {o:?}", pdf.display());
    let mut text = o.stdout;
    blank_iso_times(&mut text);
    String::from_utf8_lossy(&text).into_owned()
}

/// Where two masked files first differ, with some context, for the failure message.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    let at = (a.iter().zip(b))
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let ctx = |v: &[u8]| {
        let from = at.saturating_sub(80).min(v.len());
        String::from_utf8_lossy(&v[from..(at + 80).min(v.len())]).into_owned()
    };
    format!(
        "lengths {} / {}; first difference at byte {at}:\napp: {:?}\ncli: {:?}",
        a.len(),
        b.len(),
        ctx(a),
        ctx(b)
    )
}

/// Issue 16: the same scan through the app's functions and through `hoso` gives the same
/// dossier, signed dossier and certified copy byte for byte apart from times and signatures,
/// and the same register entries (kind, title, code, station, signer, copy number).
#[test]
fn the_app_and_the_cli_write_the_same_files_and_register_entries() {
    let dir = tempfile::tempdir().expect("tempdir");
    let jpg = root().join("fixtures/to_khai_a4_200dpi.jpg");
    let (app_ws, cli_ws) = (dir.path().join("app"), dir.path().join("cli"));
    std::fs::create_dir_all(&app_ws).expect("app ws");
    std::fs::create_dir_all(&cli_ws).expect("cli ws");
    let app_out = through_the_app(&app_ws, &jpg);
    let cli_out = through_the_cli(&cli_ws, &jpg);
    // The dossier and the signed dossier: byte for byte apart from times and signatures.
    let mut differ = Vec::new();
    for (a, c) in app_out.files.iter().zip(&cli_out.files).take(2) {
        assert_eq!(a.file_name(), c.file_name(), "the same names");
        let (ma, mc) = (masked(a), masked(c));
        if ma != mc {
            differ.push(format!("{}: {}", a.display(), first_difference(&ma, &mc)));
        }
    }
    assert!(
        differ.is_empty(),
        "apart from times and signatures:\n{differ:#?}"
    );
    // The copy prints its signing time and a QR of the signed file's hash (itself differing
    // by its signature): each copy keeps its signed file's bytes untouched, and both show the
    // same text apart from the time.
    for out in [&app_out, &cli_out] {
        let signed = std::fs::read(&out.files[1]).expect("signed");
        let copy = std::fs::read(&out.files[2]).expect("copy");
        assert!(
            copy.starts_with(&signed),
            "{}: an incremental update",
            out.files[2].display()
        );
    }
    assert_eq!(app_out.files[2].file_name(), cli_out.files[2].file_name());
    let (ta, tc) = (page_text(&app_out.files[2]), page_text(&cli_out.files[2]));
    assert!(ta.to_lowercase().contains("sao y"), "{ta}");
    assert_eq!(ta, tc, "the copies' text apart from the time");
    let (app, cli) = (entries(&app_out.register), entries(&cli_out.register));
    assert_eq!(app.len(), 3, "dossier, signed, copy: {app:#?}");
    assert_eq!(app.len(), cli.len(), "app {app:#?}\ncli {cli:#?}");
    let extra_keys = |e: &Entry| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(&e.extra).expect("extra");
        v.as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    for (a, c) in app.iter().zip(&cli) {
        let same = |e: &Entry| {
            (
                e.seq,
                e.kind,
                e.title.clone(),
                e.dossier_code.clone(),
                e.station.clone(),
                e.signer_fingerprint.clone(),
                e.copy.as_ref().map(|n| n.to_string()),
            )
        };
        assert_eq!(same(a), same(c));
        assert_eq!(extra_keys(a), extra_keys(c));
    }
    // Each side registered exactly the files it wrote.
    for (ws, list) in [(&app_ws, &app), (&cli_ws, &cli)] {
        let files = hashes(ws);
        assert_eq!(files.len(), 3, "{}", ws.display());
        for e in list {
            assert!(files.contains(&e.sha256), "entry {} has no file", e.seq);
        }
    }
}

#[test]
fn masking_blanks_times_ids_and_signatures_only() {
    let mut pdf = b"<</CreationDate (D:20261207105502+07'00') /MediaBox [0 0 595 842] \
/M(D:20261207105503+07'00')>> <xmp:CreateDate>2026-12-07T10:55:02+07:00</xmp:CreateDate> \
/Contents <3082ab00> /ID [<ab><cd>] /ByteRange [0 10 20 5]"
        .to_vec();
    let len = pdf.len();
    blank_times_and_signatures(&mut pdf);
    assert_eq!(pdf.len(), len);
    let text = String::from_utf8(pdf).expect("ascii");
    assert!(text.contains("/MediaBox [0 0 595 842]"), "{text}");
    assert!(!text.contains("2026"), "{text}");
    assert!(text.contains("/Contents <########>"), "{text}");
    assert!(text.contains("/ID [########]"), "{text}");
    assert!(text.contains("/ByteRange [#########]"), "{text}");
}

/// `hoso verify --json` in `ws` (its settings and register): (exit code, JSON).
fn cli_verify(ws: &Path, args: &[&std::ffi::OsStr]) -> (i32, serde_json::Value) {
    let o = Command::new(hoso_e2e::sign_support::hoso())
        .arg("verify")
        .args(args)
        .arg("--json")
        .env("HOSO_WORKSPACE", ws)
        .env("HOSO_STATION", "quay-1")
        .env_remove("HOSO_REGISTER")
        .env_remove("HOSO_SETTINGS")
        .output()
        .expect("hoso runs");
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("hoso verify {args:?} printed no JSON ({e}): {o:?}"));
    (o.status.code().unwrap_or(-1), v)
}

/// Issue 16: checking a file or a QR payload through the app's verify commands (hoso-office's
/// check flow, called without a window) and through `hoso verify` gives the same one verdict
/// and exit code, with the same register line: a signed file, a registered unsigned file, a
/// tampered signed file, a QR payload and a QR payload that matches nothing.
#[test]
fn the_app_and_the_cli_give_the_same_verdicts() {
    use crate::commands::verify::{check_document, check_payload};
    use hoso_office::check::Verdict;
    use hoso_office::register::{EntryKind, NewEntry};

    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path();
    let register = ws.join("register.sqlite");
    let overrides = Overrides {
        workspace: Some(ws.to_path_buf()),
        register: Some(register.clone()),
        station: Some("quay-1".into()),
    };
    // The settings both shells read: the DEMO root trusted.
    let settings = Settings {
        demo_trust: true,
        ..Settings::default()
    };
    settings
        .save(&ws.join("hoso-settings.json"))
        .expect("settings");
    let config = Config::from_parts(
        &overrides,
        ws.to_path_buf(),
        Origin::Flag,
        ws.join("hoso-settings.json"),
        settings,
    );
    let office = Office::with_config(config.clone(), overrides);

    let unsigned = hoso_e2e::sign_support::pdfs::classic(ws, "to-khai.pdf", "Pay 100 VND");
    let reg = hoso_office::register::register_one(
        &config,
        &unsigned,
        NewEntry::new(EntryKind::Dossier, [0; 32]),
    )
    .expect("registered");
    let signed = ws.join("to-khai-da-ky.pdf");
    let pin = hoso_e2e::sign_support::pin_file(ws);
    let o = Command::new(hoso_e2e::sign_support::hoso())
        .arg("sign")
        .arg(&unsigned)
        .arg("--p12")
        .arg(p12())
        .arg("--pin-file")
        .arg(&pin)
        .args(["--level", "B-B", "--out"])
        .arg(&signed)
        .env("HOSO_WORKSPACE", ws)
        .env("HOSO_STATION", "quay-1")
        .env_remove("HOSO_REGISTER")
        .env_remove("HOSO_SETTINGS")
        .output()
        .expect("hoso sign");
    assert!(o.status.success(), "{o:?}");
    let mut bytes = std::fs::read(&signed).expect("signed");
    let at = bytes
        .windows(7)
        .position(|w| w == b"Pay 100")
        .expect("signed text");
    bytes[at + 4] = b'9';
    let tampered = ws.join("to-khai-da-sua.pdf");
    std::fs::write(&tampered, &bytes).expect("tampered");

    for (file, expected) in [
        (&signed, Verdict::RevocationNotChecked),
        (&unsigned, Verdict::Registered),
        (&tampered, Verdict::Invalid),
    ] {
        let id = office.add_document(file.clone(), None, None).id;
        let app = check_document(&office, id).expect("app check");
        let (code, cli) = cli_verify(ws, &[file.as_os_str()]);
        assert_eq!(app.verdict, expected, "{}", file.display());
        assert_eq!(
            cli["check_verdict"],
            serde_json::to_value(app.verdict).expect("json"),
            "{}: {cli:#}",
            file.display()
        );
        assert_eq!(
            code,
            i32::from(app.verdict.exit_code()),
            "{}",
            file.display()
        );
        assert_eq!(
            cli["register"]["seq"],
            serde_json::to_value(app.register.as_ref().map(|r| r.seq)).expect("json"),
            "{}",
            file.display()
        );
    }
    let bad_qr = reg.qr.replacen(":0:", ":7:", 1);
    assert_ne!(bad_qr, reg.qr, "{}", reg.qr);
    for (qr, expected) in [(&reg.qr, Verdict::Registered), (&bad_qr, Verdict::NoMatch)] {
        let app = check_payload(&office, qr).expect("app lookup");
        let (code, cli) = cli_verify(ws, &["--qr".as_ref(), qr.as_ref()]);
        assert_eq!(app.verdict, expected, "{qr}");
        assert_eq!(
            cli["verdict"],
            serde_json::to_value(app.verdict).expect("json"),
            "{cli:#}"
        );
        assert_eq!(code, i32::from(app.verdict.exit_code()), "{qr}");
        assert_eq!(
            serde_json::to_value(&app.register).expect("json"),
            cli["register"],
            "{qr}"
        );
    }
}

/// Issue 21 point 3: an unlocked key that is not used for the idle time is forgotten; a key in
/// use stays open, and "Khóa" forgets it at once.
#[test]
fn unlocked_key_is_forgotten_after_the_idle_time_and_on_lock() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path();
    let overrides = Overrides {
        workspace: Some(ws.to_path_buf()),
        ..Overrides::default()
    };
    let settings = Settings {
        p12: Some(p12()),
        ..Settings::default()
    };
    let config = Config::from_parts(
        &overrides,
        ws.to_path_buf(),
        Origin::Flag,
        ws.join("hoso-settings.json"),
        settings.clone(),
    );
    let office = Office::with_config(config.clone(), overrides.clone());
    office.set_signer(unlock(&settings, "1234".into()).expect("unlock"));
    assert!(office.signer_unlocked(), "a fresh key is open");
    office.lock_signer();
    assert!(!office.signer_unlocked(), "Khóa forgets it");

    let idle = Office::with_config(config, overrides).with_key_idle(std::time::Duration::ZERO);
    idle.set_signer(unlock(&settings, "1234".into()).expect("unlock"));
    std::thread::sleep(std::time::Duration::from_millis(5));
    assert!(!idle.signer_unlocked(), "idle past the limit: forgotten");
    assert!(crate::office::KEY_IDLE == std::time::Duration::from_secs(300));
}

/// Issue 21 points 3 and 6: before the PIN, the chosen token's certificate and its PIN tries
/// (as PKCS#11 flags them) are read from a real PKCS#11 module (SoftHSM2).
#[test]
fn token_status_lists_the_certificate_and_the_pin_tries_before_login() {
    use hoso_e2e::token_support::{softhsm_module, SoftHsm};
    let hsm = SoftHsm::rsa_token("hoso-status");
    std::env::set_var("SOFTHSM2_CONF", hsm.conf());
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path();
    let overrides = Overrides {
        workspace: Some(ws.to_path_buf()),
        ..Overrides::default()
    };
    let settings = Settings {
        use_token: true,
        pkcs11: Some(softhsm_module()),
        token_label: Some("hoso-status".into()),
        ..Settings::default()
    };
    let config = Config::from_parts(
        &overrides,
        ws.to_path_buf(),
        Origin::Flag,
        ws.join("hoso-settings.json"),
        settings,
    );
    let office = Office::with_config(config, overrides);
    let st = crate::commands::sign::token_status_of(&office).expect("a token");
    assert_eq!((st.label.as_str(), st.pin_tries), ("hoso-status", "ok"));
    assert_eq!(st.certificates.len(), 1, "{st:?}");
    assert!(st.certificates[0].subject.contains("CN="), "{st:?}");
    // CKF_USER_PIN_FINAL_TRY, as a real token records it.
    hsm.set_token_flags(0x0002_0000);
    let st = crate::commands::sign::token_status_of(&office).expect("a token");
    assert_eq!(st.pin_tries, "final_try");
}
