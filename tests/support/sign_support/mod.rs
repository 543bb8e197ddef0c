//! Helpers for the signing interop tests (issue 4): finding the `hoso` binary and the outside
//! tools (failing with the install command when one is missing), a local RFC 3161 TSA, test PDFs.

pub mod ltv_pki;
pub mod pdfs;
pub mod tsa;
pub mod updates;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Once;

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace")
        .to_path_buf()
}

/// The demo PKI directory.
pub fn certs() -> PathBuf {
    workspace().join("certs")
}

/// The `hoso` binary of this build, built once if needed; or the one `HOSO_BIN` names (a Windows
/// `hoso.exe` runs under Wine, see [`crate::bin_under_test`]).
pub fn hoso() -> PathBuf {
    if let Some(bin) = crate::bin_under_test() {
        return bin;
    }
    static BUILD: Once = Once::new();
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>");
    let bin = dir.join(format!("hoso{}", std::env::consts::EXE_SUFFIX));
    BUILD.call_once(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(workspace())
            .args(["build", "-q", "-p", "hoso-cli"]);
        if dir.file_name().is_some_and(|n| n == "release") {
            cmd.arg("--release");
        }
        let st = cmd.status().expect("cargo build -p hoso-cli");
        assert!(st.success(), "building hoso failed");
    });
    bin
}

/// The project's venv `bin/` (set by `cargo xtask test` as `HOSO_VENV`, else `target/venv`).
pub fn venv_bin() -> PathBuf {
    match std::env::var_os("HOSO_VENV") {
        Some(v) => PathBuf::from(v).join("bin"),
        None => workspace().join("target").join("venv").join("bin"),
    }
}

/// Finds a tool on PATH or in the venv; panics with the install command when missing.
pub fn tool(name: &str, install: &str) -> PathBuf {
    let venv = venv_bin().join(name);
    if venv.exists() {
        return venv;
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for p in std::env::split_paths(&paths) {
            let c = p.join(name);
            if c.exists() {
                return c;
            }
        }
    }
    panic!(
        "`{name}` is missing: install it with `{install}` (or run `cargo xtask setup`, which \
         installs every test tool)"
    );
}

/// pdfsig (poppler).
pub fn pdfsig() -> PathBuf {
    tool("pdfsig", "apt-get install -y poppler-utils")
}
/// certutil (NSS).
pub fn certutil() -> PathBuf {
    tool("certutil", "apt-get install -y libnss3-tools")
}
/// qpdf.
pub fn qpdf() -> PathBuf {
    tool("qpdf", "apt-get install -y qpdf")
}
/// openssl.
pub fn openssl() -> PathBuf {
    tool("openssl", "apt-get install -y openssl")
}
/// pyhanko (CLI).
pub fn pyhanko() -> PathBuf {
    tool(
        "pyhanko",
        "python3 -m venv target/venv && target/venv/bin/pip install pyhanko pyhanko-cli pikepdf",
    )
}
/// The venv's python with pikepdf.
pub fn python() -> PathBuf {
    let p = tool(
        "python3",
        "python3 -m venv target/venv && target/venv/bin/pip install pikepdf",
    );
    let ok = Command::new(&p)
        .args(["-c", "import pikepdf"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "pikepdf is missing for {}: install it with `target/venv/bin/pip install pikepdf`",
        p.display()
    );
    p
}

/// Runs a command and returns its output (never panics on a non-zero exit).
pub fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot start {:?}: {e}", cmd.get_program()))
}

/// stdout + stderr as text.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Writes the demo PIN to `dir/pin.txt` and returns its path.
pub fn pin_file(dir: &Path) -> PathBuf {
    let p = dir.join("pin.txt");
    std::fs::write(&p, "1234\n").expect("write pin");
    p
}

/// Signs `input` into `out` with `hoso sign`, extra arguments appended; panics on failure.
pub fn hoso_sign(dir: &Path, input: &Path, out: &Path, p12: &str, extra: &[&str]) {
    let o = run(Command::new(hoso())
        .arg("sign")
        .arg(input)
        .arg("--p12")
        .arg(certs().join(p12))
        .arg("--pin-file")
        .arg(pin_file(dir))
        .arg("--out")
        .arg(out)
        .args(extra));
    assert!(o.status.success(), "hoso sign failed: {}", text(&o));
}

/// `hoso verify --json` with the given extra arguments: (exit code, JSON).
pub fn hoso_verify(file: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let o = run(Command::new(hoso())
        .arg("verify")
        .arg(file)
        .arg("--json")
        .args(extra));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("hoso verify printed no JSON ({e}): {}", text(&o)));
    (o.status.code().unwrap_or(-1), v)
}

/// An NSS database in `dir/nss` trusting `root_pem`, for pdfsig.
pub fn nss_db(dir: &Path, root_pem: &Path) -> PathBuf {
    let db = dir.join("nss");
    if db.join("cert9.db").exists() {
        return db;
    }
    std::fs::create_dir_all(&db).expect("nss dir");
    let spec = format!("sql:{}", db.display());
    let o = run(Command::new(certutil()).args(["-N", "-d", &spec, "--empty-password"]));
    assert!(o.status.success(), "certutil -N: {}", text(&o));
    let o = run(Command::new(certutil())
        .args(["-A", "-d", &spec, "-n", "Demo Root", "-t", "CT,C,C", "-i"])
        .arg(root_pem));
    assert!(o.status.success(), "certutil -A: {}", text(&o));
    db
}

/// pdfsig's output with the NSS database trusting the demo root.
pub fn pdfsig_output(dir: &Path, file: &Path) -> String {
    let db = nss_db(dir, &certs().join("demo-root-ca.pem"));
    let o = run(Command::new(pdfsig())
        .arg("-nssdir")
        .arg(format!("sql:{}", db.display()))
        .arg(file));
    text(&o)
}

/// `pyhanko sign validate` trusting only the demo root: (exit code, output).
pub fn pyhanko_validate(file: &Path) -> (i32, String) {
    pyhanko_validate_with(file, &[])
}

/// `pyhanko sign validate` with extra options (never `--no-diff-analysis`).
pub fn pyhanko_validate_with(file: &Path, extra: &[&str]) -> (i32, String) {
    let o = run(Command::new(pyhanko())
        .args(["sign", "validate", "--no-revocation-check"])
        .args(extra)
        .arg("--trust")
        .arg(certs().join("demo-root-ca.pem"))
        .arg("--trust-replace")
        .arg(file));
    (o.status.code().unwrap_or(-1), text(&o))
}

/// The ByteRange and `/Contents` DER of the last signature, cut out of the file as OpenSSL needs.
pub fn extract_cms(file: &Path) -> (Vec<u8>, Vec<u8>) {
    let data = std::fs::read(file).expect("read signed file");
    let at = data
        .windows(11)
        .rposition(|w| w == b"/ByteRange ")
        .expect("a /ByteRange");
    let open = at + data[at..].iter().position(|&c| c == b'[').expect("[");
    let close = open + data[open..].iter().position(|&c| c == b']').expect("]");
    let nums: Vec<usize> = String::from_utf8_lossy(&data[open + 1..close])
        .split_whitespace()
        .map(|n| n.parse().expect("ByteRange number"))
        .collect();
    let (b, c, d) = (nums[1], nums[2], nums[3]);
    let hex = &data[b + 1..c - 1];
    let mut der = Vec::new();
    for pair in hex.chunks(2) {
        der.push(u8::from_str_radix(std::str::from_utf8(pair).expect("hex"), 16).expect("hex"));
    }
    // Strip the zero padding after the DER.
    let len = der_len(&der);
    der.truncate(len);
    let mut signed = data[..b].to_vec();
    signed.extend_from_slice(&data[c..c + d]);
    (der, signed)
}

fn der_len(der: &[u8]) -> usize {
    let l = der[1] as usize;
    if l < 0x80 {
        2 + l
    } else {
        let n = l & 0x7f;
        let mut v = 0usize;
        for &b in &der[2..2 + n] {
            v = (v << 8) | b as usize;
        }
        2 + n + v
    }
}

/// `openssl cms -verify` of the last signature against the demo root: (exit code, output).
pub fn openssl_cms_verify(dir: &Path, file: &Path) -> (i32, String) {
    let (der, signed) = extract_cms(file);
    let p7 = dir.join("sig.p7s");
    let bin = dir.join("signed.bin");
    std::fs::write(&p7, der).expect("write p7s");
    std::fs::write(&bin, signed).expect("write signed.bin");
    let o = run(Command::new(openssl())
        .args(["cms", "-verify", "-binary", "-inform", "DER", "-in"])
        .arg(&p7)
        .arg("-content")
        .arg(&bin)
        .arg("-CAfile")
        .arg(certs().join("demo-root-ca.pem"))
        .args(["-purpose", "any", "-out", "/dev/null"]));
    (o.status.code().unwrap_or(-1), text(&o))
}

/// `qpdf --check`: (exit code, output).
pub fn qpdf_check(file: &Path) -> (i32, String) {
    let o = run(Command::new(qpdf()).arg("--check").arg(file));
    (o.status.code().unwrap_or(-1), text(&o))
}

/// `openssl cms -cmsout -print` of the last signature's CMS: OpenSSL's own reading of the
/// SignerInfo (its signature algorithm and, for RSASSA-PSS, the hash, mask and salt length).
pub fn openssl_cms_print(dir: &Path, file: &Path) -> String {
    let (der, _) = extract_cms(file);
    let p7 = dir.join("print.p7s");
    std::fs::write(&p7, der).expect("write p7s");
    let o = run(Command::new(openssl())
        .args([
            "cms", "-cmsout", "-print", "-noout", "-inform", "DER", "-in",
        ])
        .arg(&p7));
    assert!(
        o.status.success(),
        "openssl cms -cmsout -print: {}",
        text(&o)
    );
    text(&o)
}
