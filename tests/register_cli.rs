//! `hoso register` end to end, checked by tools that share no code with hoso: a Python script
//! using only `hashlib` recomputes leaves, roots and proofs from an exported bundle; OpenSSL
//! verifies the Ed25519 checkpoint signature; the `sqlite3` shell makes the hand edits.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace root")
        .to_path_buf()
}

/// The `hoso` binary under test (built once, or the one `HOSO_BIN` names).
fn hoso_bin() -> PathBuf {
    hoso_e2e::sign_support::hoso()
}

/// An outside tool; a missing one fails the test with the install command.
fn tool(program: &str, package: &str) -> Command {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "`{program}` not found: install it with `sudo apt-get install -y {package}` \
         (or run `cargo xtask test`, which does)"
    );
    Command::new(program)
}

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("could not run {:?}: {e}", cmd.get_program()))
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

struct Office {
    dir: tempfile::TempDir,
}

impl Office {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn register(&self) -> PathBuf {
        self.path("so-dang-ky.sqlite")
    }

    fn hoso(&self, args: &[&str]) -> Output {
        self.hoso_with_settings("hoso-settings.json", args)
    }

    /// `hoso register …` reading the settings file `settings` of the office's folder.
    fn hoso_with_settings(&self, settings: &str, args: &[&str]) -> Output {
        run(Command::new(hoso_bin())
            .arg("register")
            .arg("--register")
            .arg(self.register())
            .args(["--station", "Một cửa — UBND phường 1"])
            .args(args)
            .env_remove("HOSO_REGISTER")
            .env_remove("HOSO_REGISTER_KEY")
            // The office's own settings file, never the tester's ~/HoSo one.
            .env("HOSO_SETTINGS", self.path(settings)))
    }

    fn config_set(&self, key: &str, value: &str) {
        let o = run(Command::new(hoso_bin())
            .args(["config", "set", key, value])
            .env("HOSO_SETTINGS", self.path("hoso-settings.json")));
        assert!(o.status.success(), "hoso config set {key}: {}", text(&o));
    }

    fn ok(&self, args: &[&str]) -> String {
        let o = self.hoso(args);
        assert!(o.status.success(), "hoso register {args:?}: {}", text(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn file(&self, name: &str, content: &str) -> String {
        let p = self.path(name);
        std::fs::write(&p, content).expect("write file");
        p.display().to_string()
    }

    /// Registers a few files of every kind; returns their paths.
    fn populate(&self) -> Vec<String> {
        let mut files = Vec::new();
        for i in 0..5 {
            let f = self.file(&format!("hs{i}.pdf"), &format!("%PDF hồ sơ {i}"));
            let code = format!("000.00.15.H12-261129-{i:04}");
            self.ok(&[
                "append",
                &f,
                "--kind",
                "dossier",
                "--code",
                &code,
                "--title",
                "Đăng ký khai sinh",
            ]);
            files.push(f);
        }
        let f = self.file("signed.pdf", "%PDF signed");
        let fp = "ab".repeat(32);
        self.ok(&[
            "append",
            &f,
            "--kind",
            "signed",
            "--signer-fingerprint",
            &fp,
            "--extra",
            r#"{"level":"B-T"}"#,
        ]);
        files.push(f);
        for (i, form) in ["SY", "TrS", "SL"].iter().enumerate() {
            let f = self.file(&format!("copy{i}.pdf"), &format!("%PDF bản sao {i}"));
            let out = self.ok(&[
                "append",
                &f,
                "--kind",
                "copy",
                "--copy-form",
                form,
                "--org",
                "UBND",
                "--json",
            ]);
            let v: serde_json::Value = serde_json::from_str(&out).expect("append --json");
            assert_eq!(
                v["entry"]["copy"]["number"],
                i as u64 + 1,
                "copy numbers count up across forms"
            );
            files.push(f);
        }
        files
    }
}

fn python_check(bundle: &Path, lookup: Option<&Path>) -> Output {
    let mut cmd = tool("python3", "python3");
    cmd.arg(root().join("tests").join("register_verify_bundle.py"))
        .arg(bundle);
    if let Some(l) = lookup {
        cmd.arg("--lookup").arg(l);
    }
    run(&mut cmd)
}

#[test]
fn lookups_verify_and_python_recomputes_the_exported_tree() {
    let office = Office::new();
    let files = office.populate();
    for f in &files {
        let out = office.ok(&["lookup", f, "--json"]);
        let v: serde_json::Value = serde_json::from_str(&out).expect("lookup --json");
        assert_eq!(v["verified"], true, "{out}");
        let qr = v["results"][0]["qr"].as_str().expect("qr").to_owned();
        let by_qr = office.ok(&["lookup", "--qr", &qr]);
        assert!(by_qr.contains("ĐÃ XÁC MINH / VERIFIED"), "{by_qr}");
    }
    let unknown = office.file("unknown.pdf", "not registered");
    assert_eq!(office.hoso(&["lookup", &unknown]).status.code(), Some(1));
    let proof = office.ok(&["proof", "--from", "3", "--to", "9", "--json"]);
    assert!(proof.contains("\"verified\":true"), "{proof}");

    let bundle = office.path("bundle");
    office.ok(&["export", bundle.to_str().expect("utf-8 path")]);
    assert_eq!(
        office
            .hoso(&["verify-bundle", bundle.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );

    // Python, hashlib only: leaves, roots at every checkpoint, and one inclusion proof.
    let lookup_json = office.path("lookup.json");
    std::fs::write(&lookup_json, office.ok(&["lookup", &files[7], "--json"])).expect("write");
    let py = python_check(&bundle, Some(&lookup_json));
    assert!(py.status.success(), "python: {}", text(&py));
    let audit: serde_json::Value =
        serde_json::from_str(&office.ok(&["audit", "--json"])).expect("audit --json");
    let py_out = String::from_utf8_lossy(&py.stdout);
    assert_eq!(
        py_out.trim(),
        format!("OK 9 {}", audit["recomputed_root"].as_str().expect("root")),
        "Python and hoso disagree on the root"
    );

    // OpenSSL checks the latest checkpoint's Ed25519 signature, as the bundle README says.
    let note = std::fs::read_to_string(bundle.join("checkpoint.txt")).expect("checkpoint");
    let (body, sig_line) = note.split_once("\n\n").expect("signed note");
    let msg = office.path("msg");
    std::fs::write(&msg, format!("{body}\n")).expect("write msg");
    let b64 = sig_line.trim_end().rsplit(' ').next().expect("signature");
    let blob = run(tool("base64", "coreutils").arg("-d").stdin(
        std::fs::File::open({
            let p = office.path("sig.b64");
            std::fs::write(&p, b64).expect("write");
            p
        })
        .expect("open"),
    ))
    .stdout;
    assert_eq!(blob.len(), 68, "key ID (4) + Ed25519 signature (64)");
    let sig = office.path("sig");
    std::fs::write(&sig, &blob[4..]).expect("write sig");
    let verify = |m: &Path| {
        run(tool("openssl", "openssl")
            .args(["pkeyutl", "-verify", "-pubin", "-rawin", "-inkey"])
            .arg(bundle.join("station.pub.pem"))
            .arg("-in")
            .arg(m)
            .arg("-sigfile")
            .arg(&sig))
    };
    let good = verify(&msg);
    assert!(
        text(&good).contains("Signature Verified Successfully"),
        "{}",
        text(&good)
    );
    std::fs::write(&msg, format!("{}\n", body.replacen("\n9\n", "\n10\n", 1))).expect("write");
    assert!(
        !verify(&msg).status.success(),
        "OpenSSL accepted an altered checkpoint"
    );

    // A title edited in the bundle: Python and hoso both reject it and name the entry.
    let entries = bundle.join("entries.jsonl");
    let original = std::fs::read_to_string(&entries).expect("entries");
    let edited: String = original
        .lines()
        .map(|l| {
            if l.contains("\"seq\":2,") {
                l.replace("Đăng ký khai sinh", "Đăng ký kết hôn")
            } else {
                l.to_owned()
            }
        })
        .map(|l| l + "\n")
        .collect();
    assert_ne!(edited, original);
    std::fs::write(&entries, &edited).expect("write");
    let py = python_check(&bundle, None);
    assert_eq!(py.status.code(), Some(1), "{}", text(&py));
    assert!(text(&py).contains("entry 2"), "{}", text(&py));
    let vb = office.hoso(&["verify-bundle", bundle.to_str().unwrap()]);
    assert_eq!(vb.status.code(), Some(1));
    assert!(text(&vb).contains("first bad entry: 2"), "{}", text(&vb));
}

#[test]
fn hand_edit_with_sqlite3_is_named_by_audit() {
    let office = Office::new();
    office.populate();
    assert!(office.ok(&["audit"]).contains("no discrepancy found"));
    let db = office.register();
    let mut sqlite = tool("sqlite3", "sqlite3");
    let blocked = run(sqlite
        .arg(&db)
        .arg("UPDATE entries SET title = 'giả' WHERE seq = 3;"));
    assert!(
        !blocked.status.success(),
        "the append-only trigger let an UPDATE through"
    );
    assert!(text(&blocked).contains("append-only"), "{}", text(&blocked));
    let edit = run(tool("sqlite3", "sqlite3").arg(&db).arg(
        "DROP TRIGGER entries_append_only_update; \
         UPDATE entries SET title = 'giả' WHERE seq = 3;",
    ));
    assert!(edit.status.success(), "{}", text(&edit));
    let audit = office.hoso(&["audit"]);
    assert_eq!(audit.status.code(), Some(1), "{}", text(&audit));
    assert!(
        text(&audit).contains("first bad entry: 3"),
        "{}",
        text(&audit)
    );
    let json: serde_json::Value =
        serde_json::from_slice(&office.hoso(&["audit", "--json"]).stdout).expect("json");
    assert_eq!(json["first_bad_seq"], 3);
    // A lookup of the edited entry is not verified (its fields no longer give its leaf).
    let lookup = office.hoso(&["lookup", &office.path("hs3.pdf").display().to_string()]);
    assert_eq!(lookup.status.code(), Some(1), "{}", text(&lookup));
}

#[test]
fn foreign_file_is_refused_and_left_alone() {
    let office = Office::new();
    let foreign = office.register();
    std::fs::write(&foreign, "Sổ tay cá nhân — not a database\n").expect("write");
    let before = std::fs::read(&foreign).expect("read");
    let f = office.file("x.pdf", "x");
    for args in [
        vec!["append", f.as_str(), "--kind", "other"],
        vec!["audit"],
        vec!["lookup", f.as_str()],
    ] {
        let o = office.hoso(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(text(&o).contains("not a hoso register"), "{}", text(&o));
    }
    assert_eq!(std::fs::read(&foreign).expect("read"), before);
}

/// Issue 19 point 2 at the command line: the first station pins the register's key, a witness
/// co-signs (in-process and through request/response files), lookups count it, and a register
/// rebuilt with another key is refused under the pin.
#[test]
fn pinned_key_and_witness_from_the_command_line() {
    let office = Office::new();
    let f = office.file("a.pdf", "%PDF được chứng kiến");
    office.ok(&["append", &f, "--kind", "dossier"]);
    let audit = office.ok(&["audit"]);
    assert!(
        audit.contains("Khóa cần ghim / key to pin: hoso/"),
        "{audit}"
    );
    let pinned = office.ok(&["pin", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&pinned).expect("pin --json");
    let vkey = v["vkey"].as_str().expect("vkey").to_owned();
    let audit = office.ok(&["audit"]);
    assert!(!audit.contains("key to pin"), "{audit}");

    let wdir = office.path("nhan-chung");
    let wdir = wdir.display().to_string();
    let wkey = office.ok(&[
        "witness",
        "--state",
        &wdir,
        "--name",
        "tinh.example/w1",
        "key",
    ]);
    office.config_set("witnesses", wkey.trim());
    let cosign = office.ok(&[
        "cosign",
        "--witness-state",
        &wdir,
        "--witness-name",
        "tinh.example/w1",
    ]);
    assert!(cosign.contains("1 chữ ký xác nhận"), "{cosign}");
    let lookup = office.ok(&["lookup", &f]);
    assert!(lookup.contains("1 nhân chứng đã ký xác nhận"), "{lookup}");

    // File mode: request, witness, response, kept.
    let g = office.file("b.pdf", "%PDF thứ hai");
    office.ok(&["append", &g, "--kind", "dossier"]);
    let req = office.ok(&["witness-request", "--witness", "tinh.example/w1"]);
    assert!(req.starts_with("old 1\n"), "{req}");
    std::fs::write(office.path("req.txt"), &req).expect("write request");
    let request = office.path("req.txt").display().to_string();
    let add_checkpoint = [
        "witness",
        "--state",
        &wdir,
        "--name",
        "tinh.example/w1",
        "--log-key",
        &vkey,
        "add-checkpoint",
        "--request",
        &request,
    ];
    let resp = office.ok(&add_checkpoint);
    std::fs::write(office.path("resp.txt"), &resp).expect("write response");
    office.ok(&[
        "cosignatures",
        &office.path("resp.txt").display().to_string(),
    ]);
    let json: serde_json::Value =
        serde_json::from_str(&office.ok(&["lookup", &g, "--json"])).expect("json");
    assert_eq!(json["results"][0]["status"]["witnesses"], 1, "{json}");
    // The same stale request again is a conflict (409) with the witness's size.
    let stale = office.hoso(&add_checkpoint);
    assert_eq!(stale.status.code(), Some(1));
    assert!(text(&stale).contains("(409)"), "{}", text(&stale));

    // Rebuilt with another key: appends, lookups and the audit refuse it under the pin.
    for suffix in ["", "-wal", "-shm", ".station-key"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", office.register().display()));
    }
    // Gone under the pin: nothing new is made in its place.
    let missing = office.hoso(&["append", &f, "--kind", "dossier"]);
    assert!(!missing.status.success());
    assert!(
        text(&missing).contains("hoso backup --restore"),
        "{}",
        text(&missing)
    );
    assert!(!office.register().exists(), "no register was created");
    // Rebuilt with another key by a station without the pin.
    let rebuilt =
        office.hoso_with_settings("khong-ghim.json", &["append", &f, "--kind", "dossier"]);
    assert!(rebuilt.status.success(), "{}", text(&rebuilt));
    let forged = office.hoso(&["append", &f, "--kind", "dossier"]);
    assert!(!forged.status.success());
    assert!(text(&forged).contains("khóa đã ghim"), "{}", text(&forged));
    let audit = office.hoso(&["audit"]);
    assert_eq!(audit.status.code(), Some(1), "{}", text(&audit));
    assert!(
        text(&audit).contains("khóa của sổ khác khóa đã ghim"),
        "{}",
        text(&audit)
    );
    let lookup = office.hoso(&["lookup", &f]);
    assert!(!lookup.status.success());
}
