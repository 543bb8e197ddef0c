//! `hoso export-eark` / `hoso import-eark` end to end: every package passes the E-ARK reference
//! validator (eark-validator 1.1.3, offline through fixtures/eark/validator/validate.py --checksums
//! --waive SIP14), its XML validates with xmllint against the METS, PREMIS and DC schemas it
//! ships, and import-eark catches a flipped byte in any file and a removed file.

use std::path::{Path, PathBuf};
use std::process::Command;

use hoso_e2e::{fixture, output, root, stderr, stdout, tool, venv_python};

/// The `hoso` binary under test (built once, or the one `HOSO_BIN` names).
fn hoso_bin() -> PathBuf {
    hoso_e2e::sign_support::hoso()
}

const D1: &str = "000.00.15.H12-261102-0001";
const D2: &str = "000.00.15.H12-261103-0001";

struct Office {
    dir: tempfile::TempDir,
    hoso: PathBuf,
}

impl Office {
    fn hoso(&self) -> Command {
        let mut c = Command::new(&self.hoso);
        let ws = self.dir.path().join("ws");
        c.env("HOSO_WORKSPACE", &ws)
            .env("HOSO_REGISTER", ws.join("register.sqlite"))
            .env("HOSO_STATION", "Một cửa 1")
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"));
        c
    }

    fn ok(&self, args: &[&str]) -> String {
        let o = output(self.hoso().args(args));
        assert!(
            o.status.success(),
            "hoso {args:?}: {}{}",
            stdout(&o),
            stderr(&o)
        );
        stdout(&o)
    }

    fn import(&self, package: &Path) -> (Option<i32>, String) {
        let o = output(self.hoso().arg("import-eark").arg(package));
        (o.status.code(), format!("{}{}", stdout(&o), stderr(&o)))
    }
}

/// A workspace with a digitized dossier D1 and a dossier D2 that reuses D1's file.
fn office() -> Office {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(&ws).unwrap();
    let pdf = ws.join("giay-khai-sinh.pdf");
    std::fs::copy(fixture("cong_van_1page.pdf"), &pdf).unwrap();
    let o = Office {
        dir,
        hoso: hoso_bin(),
    };
    let p = pdf.to_str().unwrap();
    o.ok(&[
        "register",
        "append",
        "--kind",
        "dossier",
        "--code",
        D1,
        "--title",
        "Hồ sơ đăng ký khai sinh",
        "--extra",
        r#"{"role":"digitized","received_on":"2026-11-02","procedure_code":"1.001193"}"#,
        p,
    ]);
    o.ok(&[
        "register",
        "append",
        "--kind",
        "dossier",
        "--code",
        D2,
        "--title",
        "Hồ sơ cấp bản sao trích lục",
        "--extra",
        r#"{"role":"received","received_on":"2026-11-03"}"#,
        p,
    ]);
    o
}

fn validate(package: &Path) {
    let py = venv_python("eark_validator");
    let script = root().join("fixtures/eark/validator/validate.py");
    assert!(
        script.is_file(),
        "{} missing (the E-ARK validator wrapper, a copy of the team's ../shared/eark)",
        script.display()
    );
    let o = output(
        Command::new(py)
            .arg(&script)
            .args(["--checksums", "--waive", "SIP14"])
            .arg(package),
    );
    let text = stdout(&o);
    assert_eq!(
        o.status.code(),
        Some(0),
        "validate.py {}:\n{text}{}",
        package.display(),
        stderr(&o)
    );
    assert!(
        text.contains("RESULT: VALID") && text.contains("every SIZE and CHECKSUM in METS matches"),
        "{text}"
    );
}

fn xmllint(schema: &str, file: &Path) {
    let xsd = root().join("fixtures/eark").join(schema);
    let o = output(
        tool("xmllint", "libxml2-utils")
            .args(["--nonet", "--noout", "--schema"])
            .arg(&xsd)
            .arg(file),
    );
    assert!(
        o.status.success(),
        "xmllint {} against {schema}: {}",
        file.display(),
        stderr(&o)
    );
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            files(&e.path(), out);
        } else {
            out.push(e.path());
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    let mut all = Vec::new();
    files(from, &mut all);
    for f in all {
        let t = to.join(f.strip_prefix(from).unwrap());
        std::fs::create_dir_all(t.parent().unwrap()).unwrap();
        std::fs::copy(&f, &t).unwrap();
    }
}

#[test]
fn packages_validate_and_import_catches_every_flipped_byte_and_removed_file() {
    let o = office();
    let out = o.dir.path().join("nop-luu");
    let printed = o.ok(&[
        "export-eark",
        D1,
        D2,
        "--out",
        out.to_str().unwrap(),
        "--zip",
    ]);
    assert!(printed.contains(D1) && printed.contains(D2), "{printed}");
    let p1 = out.join(format!("hoso-sip-{D1}"));
    let p2 = out.join(format!("hoso-sip-{D2}"));
    validate(&p1);
    validate(&p2);
    validate(&out.join(format!("hoso-sip-{D1}.zip")));
    for p in [&p1, &p2] {
        xmllint("mets.xsd", &p.join("METS.xml"));
        xmllint("mets.xsd", &p.join("representations/rep1/METS.xml"));
        xmllint("premis.xsd", &p.join("metadata/preservation/premis.xml"));
        xmllint("hoso-dc-record.xsd", &p.join("metadata/descriptive/dc.xml"));
    }
    let premis = std::fs::read_to_string(p2.join("metadata/preservation/premis.xml")).unwrap();
    assert!(
        premis.contains("<premis:eventType>replication</premis:eventType>")
            && premis.contains("Tái sử dụng"),
        "{premis}"
    );
    let dc = std::fs::read_to_string(p1.join("metadata/descriptive/dc.xml")).unwrap();
    assert!(
        dc.contains("Hồ sơ đăng ký khai sinh") && dc.contains("1.001193"),
        "{dc}"
    );

    let (code, text) = o.import(&p1);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("gói nguyên vẹn") && text.contains("bằng chứng bao hàm hợp lệ"),
        "{text}"
    );
    let (code, text) = o.import(&out.join(format!("hoso-sip-{D1}.zip")));
    assert_eq!(code, Some(0), "{text}");

    // A flipped byte in any file of the package.
    let mut all = Vec::new();
    files(&p1, &mut all);
    assert!(all.len() >= 14, "{all:?}");
    for f in &all {
        let rel = f.strip_prefix(&p1).unwrap();
        let copy = o.dir.path().join("flip");
        let _ = std::fs::remove_dir_all(&copy);
        copy_dir(&p1, &copy);
        let target = copy.join(rel);
        let mut bytes = std::fs::read(&target).unwrap();
        let at = bytes.len() / 2;
        bytes[at] ^= 0x01;
        std::fs::write(&target, bytes).unwrap();
        let (code, text) = o.import(&copy);
        assert_eq!(
            code,
            Some(1),
            "flipped byte in {} not caught:\n{text}",
            rel.display()
        );
        assert!(text.contains("✘"), "{text}");
    }
    // A removed file.
    for rel in [
        format!("representations/rep1/data/{D1}.1.pdf"),
        "schemas/premis.xsd".into(),
    ] {
        let copy = o.dir.path().join("removed");
        let _ = std::fs::remove_dir_all(&copy);
        copy_dir(&p1, &copy);
        std::fs::remove_file(copy.join(&rel)).unwrap();
        let (code, text) = o.import(&copy);
        assert_eq!(code, Some(1), "removed {rel} not caught:\n{text}");
        assert!(text.contains("thiếu tệp"), "{text}");
    }
    // An added file is not part of the package either.
    let copy = o.dir.path().join("added");
    copy_dir(&p1, &copy);
    std::fs::write(copy.join("documentation/extra.txt"), b"x").unwrap();
    assert_eq!(o.import(&copy).0, Some(1));
}

#[test]
fn unknown_dossiers_and_existing_packages_are_refused() {
    let o = office();
    let out = o.dir.path().join("out");
    let bad = output(
        o.hoso()
            .args(["export-eark", "000.00.15.H12-991231-0009", "--out"])
            .arg(&out),
    );
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("không có hồ sơ"), "{}", stderr(&bad));
    o.ok(&["export-eark", D1, "--out", out.to_str().unwrap()]);
    let again = output(o.hoso().args(["export-eark", D1, "--out"]).arg(&out));
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
}
