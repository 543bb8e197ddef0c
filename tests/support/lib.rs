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

/// Where Debian's `wine64` package puts the 64-bit loader (it ships no `/usr/bin/wine` without
/// the `wine` package); `HOSO_WINE` overrides it.
pub const DEBIAN_WINE64: &str = "/usr/lib/wine/wine64";

/// The `hoso` binary named by `HOSO_BIN`, when the tests should run a given build (e.g. the
/// Windows `hoso.exe` made by `cargo xtask windows`) instead of building this workspace's own.
///
/// A `.exe` is run through Wine: the answer is then a small launcher script next to it
/// (`hoso.exe.wine.sh`) that execs the Wine loader on it, so every test runs it with
/// `Command::new(path)` exactly as it runs the Linux binary. Wine maps drive `Z:` to `/`, so the
/// absolute Linux paths the tests pass arrive as `Z:\...` paths the Windows binary can open.
pub fn bin_under_test() -> Option<PathBuf> {
    static LAUNCHER: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    LAUNCHER
        .get_or_init(|| {
            let bin = PathBuf::from(std::env::var_os("HOSO_BIN")?);
            let bin = if bin.is_absolute() {
                bin
            } else {
                root().join(bin)
            };
            assert!(bin.is_file(), "HOSO_BIN={} is not a file", bin.display());
            let is_exe = bin
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("exe"));
            if !is_exe || cfg!(windows) {
                return Some(bin);
            }
            Some(wine_launcher(&bin))
        })
        .clone()
}

/// Writes (temp + rename) the launcher script that runs `exe` under Wine and returns its path.
fn wine_launcher(exe: &Path) -> PathBuf {
    let wine = std::env::var_os("HOSO_WINE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEBIAN_WINE64));
    assert!(
        wine.is_file(),
        "Wine is missing ({}): install it with `sudo apt-get install -y wine64` (or run \
         `cargo xtask windows`, which installs it)",
        wine.display()
    );
    let quote = |p: &Path| format!("'{}'", p.display().to_string().replace('\'', r"'\''"));
    // WINEDEBUG=-all keeps Wine's own diagnostics out of the output the tests read; a UTF-8
    // locale makes Wine turn the Vietnamese arguments into the right UTF-16 for the program.
    let script = format!(
        "#!/bin/sh\n: \"${{WINEDEBUG:=-all}}\"\nexport WINEDEBUG\nexport LC_ALL=C.UTF-8\n\
         exec {} {} \"$@\"\n",
        quote(&wine),
        quote(exe)
    );
    let launcher = exe.with_file_name(format!(
        "{}.wine.sh",
        exe.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    let tmp = launcher.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, script).expect("write the Wine launcher");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))
            .expect("make the Wine launcher executable");
    }
    std::fs::rename(&tmp, &launcher).expect("put the Wine launcher in place");
    launcher
}
