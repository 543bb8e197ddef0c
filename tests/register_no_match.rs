//! Issue 14 point 7: a QR payload or file hash that matches no register entry is answered "không
//! khớp / no match" and nothing else: no title, dossier code, station or sequence number of any
//! entry, and the same answer whether the entry the payload names exists (with another hash) or
//! not, so lookups cannot enumerate the register.

use std::path::Path;
use std::process::{Command, Output};

use hoso_e2e::sign_support::{hoso, run, text};

const TITLE: &str = "Đăng ký khai sinh cho Nguyễn Văn Bảy";
const CODE: &str = "000.00.15.H12-261129-0042";
const STATION: &str = "Một cửa — UBND phường Hòa Bình";

fn register(dir: &Path, args: &[&str]) -> Output {
    run(Command::new(hoso())
        .arg("register")
        .arg("--register")
        .arg(dir.join("so.sqlite"))
        .args(["--station", STATION])
        .args(args)
        .env_remove("HOSO_REGISTER"))
}

fn assert_discloses_nothing(o: &Output, what: &str) {
    let out = text(o);
    assert_eq!(o.status.code(), Some(1), "{what}: {out}");
    assert!(
        out.contains("Không khớp / no match") || out.contains("\"match\":false"),
        "{what}: {out}"
    );
    for secret in [TITLE, CODE, STATION, "Bảy", "H12", "phường"] {
        assert!(!out.contains(secret), "{what} discloses {secret:?}: {out}");
    }
    // No entry number either: the JSON answer has no field but found/match/sha256.
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(out.trim()) {
        let keys: Vec<&String> = v.as_object().expect("object").keys().collect();
        assert!(
            keys.iter()
                .all(|k| ["found", "match", "sha256"].contains(&k.as_str())),
            "{what}: {v}"
        );
    }
}

#[test]
fn a_mismatching_qr_or_hash_shows_nothing_of_any_entry() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut qrs = Vec::new();
    for (i, content) in ["%PDF một", "%PDF hai"].iter().enumerate() {
        let f = d.join(format!("f{i}.pdf"));
        std::fs::write(&f, content).unwrap();
        let o = register(
            d,
            &[
                "append",
                f.to_str().unwrap(),
                "--kind",
                "dossier",
                "--code",
                CODE,
                "--title",
                TITLE,
                "--json",
            ],
        );
        assert!(o.status.success(), "{}", text(&o));
        let o = register(d, &["lookup", f.to_str().unwrap(), "--json"]);
        assert!(o.status.success(), "{}", text(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("lookup --json");
        qrs.push(v["results"][0]["qr"].as_str().expect("qr").to_owned());
    }
    // Entry 1's number with entry 2's hash: the entry exists, the hash does not match.
    let parts1: Vec<&str> = qrs[0].split(':').collect();
    let parts2: Vec<&str> = qrs[1].split(':').collect();
    let swapped = format!("{}:{}:{}:{}", parts1[0], parts1[1], parts1[2], parts2[3]);
    // A number the register never gave.
    let absent = format!("{}:{}:999:{}", parts1[0], parts1[1], parts1[3]);
    let mut answers = Vec::new();
    for (what, qr) in [("hash mismatch", &swapped), ("no such entry", &absent)] {
        let o = register(d, &["lookup", "--qr", qr]);
        assert_discloses_nothing(&o, what);
        answers.push(String::from_utf8_lossy(&o.stdout).into_owned());
        let o = register(d, &["lookup", "--qr", qr, "--json"]);
        assert_discloses_nothing(&o, what);
    }
    assert_eq!(
        answers[0], answers[1],
        "the two kinds of mismatch look the same"
    );
    // A file not in the register.
    let other = d.join("other.pdf");
    std::fs::write(&other, "%PDF khác").unwrap();
    let o = register(d, &["lookup", other.to_str().unwrap()]);
    assert_discloses_nothing(&o, "unknown file");
    let o = register(d, &["lookup", other.to_str().unwrap(), "--json"]);
    assert_discloses_nothing(&o, "unknown file, JSON");
    // Control: the real payload still shows its entry.
    let o = register(d, &["lookup", "--qr", &qrs[0]]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains(CODE), "{}", text(&o));
}
