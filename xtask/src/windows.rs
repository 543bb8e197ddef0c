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
    // Create the prefix first (wineboot), then add the ProcessPrng shim Rust's std needs.
    let _ = wine(&prefix).args(["wineboot", "-i"]).status();
    bcryptprimitives_shim(&prefix)?;
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

/// Rust's standard library (1.78+) takes randomness from `ProcessPrng` in
/// `bcryptprimitives.dll`, which Debian 12's Wine 8.0 does not ship, so `hoso.exe` would not
/// start. For the tests only, build a one-function DLL that answers `ProcessPrng` through
/// advapi32's `RtlGenRandom` (SystemFunction036) and put it in the prefix's system32. Real
/// Windows (8 and later) has the real DLL; nothing of this ships.
fn bcryptprimitives_shim(prefix: &Path) -> Result<()> {
    let dll = prefix.join("drive_c/windows/system32/bcryptprimitives.dll");
    if dll.exists() {
        return Ok(());
    }
    let dir = env::target_dir().join("wine-shim");
    std::fs::create_dir_all(&dir)?;
    let src = dir.join("bcryptprimitives.c");
    std::fs::write(
        &src,
        "#include <windows.h>\n\
         BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG len);\n\
         __declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {\n\
         \twhile (len > 0) {\n\
         \t\tULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;\n\
         \t\tif (!SystemFunction036(data, chunk)) return FALSE;\n\
         \t\tdata += chunk; len -= chunk;\n\
         \t}\n\
         \treturn TRUE;\n}\n",
    )?;
    let built = dir.join("bcryptprimitives.dll");
    env::run_tool(
        Command::new("x86_64-w64-mingw32-gcc")
            .args(["-O2", "-shared", "-o"])
            .arg(&built)
            .arg(&src)
            .arg("-ladvapi32"),
    )?;
    std::fs::copy(&built, &dll)
        .with_context(|| format!("could not put the shim in {}", dll.display()))?;
    Ok(())
}
