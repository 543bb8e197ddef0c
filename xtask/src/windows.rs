//! `cargo xtask windows [--release] [test [CARGO TEST ARGS…]]`: the Windows build of `hoso`,
//! made and tested on Linux.
//!
//! Installs what is missing (the Rust target through rustup, Debian's mingw-w64 and wine64),
//! cross-compiles `hoso.exe` for `x86_64-pc-windows-gnu`, and with `test` runs the CLI's
//! end-to-end tests that need no scanner, token or OCR engine against that `hoso.exe` under Wine
//! — the same test code as for the Linux binary, which picks the binary from `HOSO_BIN`
//! (`hoso_e2e::bin_under_test`). The desktop app is not cross-built here.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::{deps, env};

/// The Rust target of the Windows build (MinGW-w64 toolchain, no MSVC needed).
pub const TARGET: &str = "x86_64-pc-windows-gnu";

/// Debian's 64-bit Wine loader (the `wine64` package has no `/usr/bin/wine`).
const WINE64: &str = "/usr/lib/wine/wine64";

/// The test files (package `hoso-e2e`) run against `hoso.exe`, and why the others are not.
///
/// Run: building from images and PDFs, PKCS#12 signing, verification, certified copies, the
/// register (append, lookup, proofs, audit). Not run: OCR (no Tesseract inside the Wine prefix),
/// SANE scanning (Unix only), PKCS#11 tokens (SoftHSM2 is a Linux library a Windows process
/// cannot load), and the tests that call no binary (library tests gain nothing from Wine).
pub const WINE_TESTS: &[&str] = &[
    "register_cli",
    "register_no_match",
    "sign_interop",
    "sign_tamper",
    "stamp_copy",
    "verify_report",
];

/// Entry point.
pub fn run(args: &[&str]) -> Result<()> {
    let release = args.contains(&"--release");
    let rest: Vec<&str> = args.iter().copied().filter(|a| *a != "--release").collect();
    ensure_tools()?;
    let exe = build(release)?;
    match rest.split_first() {
        None => Ok(()),
        Some((&"test", extra)) => test(&exe, release, extra),
        Some((other, _)) => bail!(
            "usage: cargo xtask windows [--release] [test [CARGO TEST ARGS…]] (unknown: {other})"
        ),
    }
}

/// The rustup target and the Debian packages; does nothing when all are there.
fn ensure_tools() -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("rustup is needed for the Windows target")?;
    if !String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == TARGET)
    {
        env::run_tool(Command::new("rustup").args(["target", "add", TARGET]))?;
    }
    env::ensure_apt(deps::WINDOWS_APT)
}

/// Cross-compiles `hoso.exe` and returns its path.
fn build(release: bool) -> Result<PathBuf> {
    let root = env::workspace_root();
    let mut args = vec![
        "build", "-p", "hoso-cli", "--bin", "hoso", "--target", TARGET,
    ];
    if release {
        args.push("--release");
    }
    let started = Instant::now();
    env::cargo(&root, &args)?;
    let profile = if release { "release" } else { "debug" };
    let exe = env::target_dir()
        .join(TARGET)
        .join(profile)
        .join("hoso.exe");
    if !exe.is_file() {
        bail!("the build did not produce {}", exe.display());
    }
    let len = std::fs::metadata(&exe)?.len();
    eprintln!(
        "xtask: {} ({:.1} MB) dựng trong / built in {:.0} s",
        exe.display(),
        len as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(exe)
}

/// Runs [`WINE_TESTS`] with `HOSO_BIN` pointing at `exe`, in a Wine prefix under `target/`.
fn test(exe: &Path, release: bool, extra: &[&str]) -> Result<()> {
    let prefix = env::target_dir().join("wine-prefix");
    let started = Instant::now();
    // The first start creates the prefix (about half a minute); do it once here, not in many
    // test threads at the same time. It also checks that the binary starts at all.
    let out = wine(&prefix)
        .arg(exe)
        .arg("--version")
        .output()
        .with_context(|| format!("could not start {WINE64}"))?;
    if !out.status.success() {
        bail!(
            "hoso.exe --version failed under Wine: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    eprintln!(
        "xtask: Wine: {} ({:.0} s)",
        String::from_utf8_lossy(&out.stdout).trim(),
        started.elapsed().as_secs_f64()
    );
    let root = env::workspace_root();
    let mut args = vec!["test", "-p", "hoso-e2e"];
    if release {
        args.push("--release");
    }
    for t in WINE_TESTS {
        args.extend(["--test", t]);
    }
    args.extend_from_slice(extra);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&root)
        .args(&args)
        .env("HOSO_BIN", exe)
        .env("HOSO_WINE", WINE64)
        .env("WINEPREFIX", &prefix)
        .env("WINEDEBUG", "-all");
    env::with_venv_path(&mut cmd);
    let tests_started = Instant::now();
    env::run_tool(&mut cmd)?;
    eprintln!(
        "xtask: kiểm thử dưới Wine xong trong / tests under Wine passed in {:.0} s",
        tests_started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The Wine loader with the project's prefix and quiet diagnostics.
fn wine(prefix: &Path) -> Command {
    let mut cmd = Command::new(WINE64);
    cmd.env("WINEPREFIX", prefix).env("WINEDEBUG", "-all");
    cmd
}
