//! Shared helpers for the cross-tool tests: where things are, and running outside tools so that a
//! missing tool fails the test with the command that installs it (never a silent skip).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace root")
        .to_path_buf()
}

/// `fixtures/NAME`.
pub fn fixture(name: &str) -> PathBuf {
    root().join("fixtures").join(name)
}

/// `tests/scripts/NAME`.
pub fn script(name: &str) -> PathBuf {
    root().join("tests").join("scripts").join(name)
}

/// The project venv's Python (made by `cargo xtask test`), checked to have `module`.
pub fn venv_python(module: &str) -> PathBuf {
    let venv = std::env::var_os("HOSO_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| root().join("target"))
                .join("venv")
        });
    let py = venv.join("bin").join("python");
    let ok = Command::new(&py)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "Python module `{module}` missing in {}: run `cargo xtask setup` (or `cargo xtask test`), \
         which creates the venv and installs it",
        venv.display()
    );
    py
}

/// Runs an outside tool; panics with the install command when it is not on PATH.
pub fn tool(program: &str, debian_package: &str) -> Command {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "`{program}` not found: install it with `sudo apt-get install -y {debian_package}` \
         (or run `cargo xtask test`, which does)"
    );
    Command::new(program)
}

/// Runs a command and returns its output, with stdout and stderr in the panic message on failure
/// to start.
pub fn output(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("could not run {:?}: {e}", cmd.get_program()))
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `tests/scripts/pdfa_check.py` on a file; returns (passed, report).
pub fn pdfa_check(pdf: &Path) -> (bool, String) {
    let py = venv_python("pikepdf");
    let o = output(Command::new(py).arg(script("pdfa_check.py")).arg(pdf));
    (o.status.success(), format!("{}{}", stdout(&o), stderr(&o)))
}

/// The `/Rect` of every annotation on page `index` (0-based), in `/Annots` order, as pikepdf
/// (qpdf) reads them: an independent reader of hoso's output.
pub fn annot_rects(pdf: &Path, index: usize) -> Vec<[f32; 4]> {
    const SCRIPT: &str = "import json, sys, pikepdf\n\
        pdf = pikepdf.open(sys.argv[1])\n\
        page = pdf.pages[int(sys.argv[2])].obj\n\
        out = []\n\
        for a in page.get('/Annots', []):\n\
        \x20   r = a.get('/Rect')\n\
        \x20   if r is not None and len(r) == 4:\n\
        \x20       out.append([float(x) for x in r])\n\
        print(json.dumps(out))\n";
    let py = venv_python("pikepdf");
    let o = output(
        Command::new(py)
            .args(["-c", SCRIPT])
            .arg(pdf)
            .arg(index.to_string()),
    );
    assert!(o.status.success(), "pikepdf: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("pikepdf output: {e}"))
}

/// `qpdf --check` with exit 0 (no errors, no warnings).
pub fn assert_qpdf_clean(pdf: &Path) {
    let o = output(tool("qpdf", "qpdf").arg("--check").arg(pdf));
    assert!(
        o.status.success(),
        "qpdf --check {}: exit {:?}\n{}{}",
        pdf.display(),
        o.status.code(),
        stdout(&o),
        stderr(&o)
    );
}

/// Lower-case hex SHA-256 of a file.
pub fn sha256_file(path: &Path) -> String {
    use sha2::Digest;
    let data = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    sha2::Sha256::digest(&data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub mod ocr_pages;
pub mod sign_support;
pub mod text_accuracy;
pub mod token_support;
