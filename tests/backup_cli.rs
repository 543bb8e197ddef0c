//! `hoso backup` end to end: a verified dated backup of the register and the registered files;
//! the live workspace then loses a file, has another corrupted and its register overwritten,
//! and `--restore` puts everything back (files byte-identical, register audits clean);
//! `--check` catches a corrupted backup.

use std::path::{Path, PathBuf};
use std::process::Command;

use hoso_e2e::{fixture, output, sha256_file, stderr, stdout};

/// The `hoso` binary under test (built once, or the one `HOSO_BIN` names).
fn hoso_bin() -> PathBuf {
    hoso_e2e::sign_support::hoso()
}

fn hoso(dir: &Path, bin: &Path, args: &[&str]) -> (Option<i32>, String) {
    let ws = dir.join("ws");
    let o = output(
        Command::new(bin)
            .args(args)
            .env("HOSO_WORKSPACE", &ws)
            .env("HOSO_REGISTER", ws.join("register.sqlite"))
            .env("HOSO_STATION", "Một cửa 1")
            .env("HOME", dir)
            .env("XDG_CONFIG_HOME", dir.join("config")),
    );
    (o.status.code(), format!("{}{}", stdout(&o), stderr(&o)))
}

#[test]
fn restore_puts_back_deleted_and_corrupted_files_and_the_register() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bin = hoso_bin();
    let ws = d.join("ws");
    std::fs::create_dir_all(ws.join("2026/11")).unwrap();
    let a = ws.join("a.pdf");
    let b = ws.join("2026/11/b.pdf");
    std::fs::copy(fixture("cong_van_1page.pdf"), &a).unwrap();
    let mut second = std::fs::read(fixture("cong_van_1page.pdf")).unwrap();
    second.extend_from_slice(b"% second file\n");
    std::fs::write(&b, second).unwrap();
    for (f, code) in [
        (&a, "000.00.15.H12-261102-0001"),
        (&b, "000.00.15.H12-261102-0002"),
    ] {
        let (c, t) = hoso(
            d,
            &bin,
            &[
                "register",
                "append",
                "--kind",
                "dossier",
                "--code",
                code,
                f.to_str().unwrap(),
            ],
        );
        assert_eq!(c, Some(0), "{t}");
    }
    let (want_a, want_b) = (sha256_file(&a), sha256_file(&b));
    let store = d.join("usb");
    let (c, t) = hoso(d, &bin, &["backup", "--to", store.to_str().unwrap()]);
    assert_eq!(c, Some(0), "{t}");
    assert!(t.contains("đã kiểm tra") && t.contains("2 tệp"), "{t}");
    let (c, t) = hoso(d, &bin, &["backup", "--check", store.to_str().unwrap()]);
    assert_eq!(c, Some(0), "{t}");

    // Damage the live workspace: a file deleted, a file corrupted, the register overwritten.
    std::fs::remove_file(&a).unwrap();
    let mut bytes = std::fs::read(&b).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    std::fs::write(&b, bytes).unwrap();
    let reg = ws.join("register.sqlite");
    let mut r = std::fs::read(&reg).unwrap();
    for x in r.iter_mut().skip(4096).take(64) {
        *x = 0xff;
    }
    std::fs::write(&reg, r).unwrap();
    for side in ["register.sqlite-wal", "register.sqlite-shm"] {
        let _ = std::fs::remove_file(ws.join(side));
    }

    let (c, t) = hoso(d, &bin, &["backup", "--restore", store.to_str().unwrap()]);
    assert_eq!(c, Some(0), "{t}");
    assert!(t.contains("sổ đăng ký"), "register restored: {t}");
    assert_eq!(sha256_file(&a), want_a);
    assert_eq!(sha256_file(&b), want_b);
    let (c, t) = hoso(d, &bin, &["register", "audit"]);
    assert_eq!(c, Some(0), "{t}");
    assert!(t.contains("no discrepancy"), "{t}");

    // A corrupted backup fails its check.
    let folder = std::fs::read_dir(&store)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.join("manifest.json").is_file())
        .unwrap();
    let copy = folder.join("files/2026/11/b.pdf");
    let mut bytes = std::fs::read(&copy).unwrap();
    bytes[10] ^= 1;
    std::fs::write(&copy, bytes).unwrap();
    let (c, t) = hoso(d, &bin, &["backup", "--check", store.to_str().unwrap()]);
    assert_eq!(c, Some(1), "{t}");
    assert!(t.contains("SHA-256 khác"), "{t}");
}
