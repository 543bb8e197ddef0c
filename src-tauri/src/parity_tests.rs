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

use crate::commands::copy::{copy_ids, Form};
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

/// Build → sign (B-B) → sao y through the app's functions; returns the register path.
fn through_the_app(ws: &Path, jpg: &Path) -> PathBuf {
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
        Form::SaoY,
        true,
        &quiet,
    )
    .expect("copy");
    assert!(copies.failed.is_empty(), "{:?}", copies.failed);
    register
}

/// The same through `hoso`, with the app's file names.
fn through_the_cli(ws: &Path, jpg: &Path) -> PathBuf {
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
    ws.join("register.sqlite")
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

#[test]
fn the_app_and_the_cli_write_the_same_register_entries() {
    let dir = tempfile::tempdir().expect("tempdir");
    let jpg = root().join("fixtures/to_khai_a4_200dpi.jpg");
    let (app_ws, cli_ws) = (dir.path().join("app"), dir.path().join("cli"));
    std::fs::create_dir_all(&app_ws).expect("app ws");
    std::fs::create_dir_all(&cli_ws).expect("cli ws");
    let app = entries(&through_the_app(&app_ws, &jpg));
    let cli = entries(&through_the_cli(&cli_ws, &jpg));
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
