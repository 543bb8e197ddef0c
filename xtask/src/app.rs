//! `cargo xtask app` and the desktop part of `cargo xtask test`.
//!
//! The desktop crate (`src-tauri`, package `hoso-desktop`) is outside `default-members` so that
//! a plain `cargo test` never compiles WebKit; these commands build and test it on purpose.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result};

use crate::{deps, env};

/// The app's package name.
pub const PACKAGE: &str = "hoso-desktop";

/// The `tauri-driver` release the WebDriver test is known to work with (3.x is an alpha).
const TAURI_DRIVER_VERSION: &str = "2.1.0";

/// `cargo xtask app [ARGS…]`: installs the Debian build dependencies when missing, builds the
/// app and starts it. The first time it opens on a demo workspace (`out/app/`) with the fixture
/// scans imported; ARGS (e.g. `--kiosk`) go to the app.
pub fn run(extra: &[&str]) -> Result<()> {
    env::ensure_apt(deps::APP_APT)?;
    let root = env::workspace_root();
    env::cargo(&root, &["build", "-p", PACKAGE])?;
    let bin = env::target_dir().join("debug").join(PACKAGE);
    let workspace = root.join("out").join("app");
    let first_time = !workspace.exists();
    let mut cmd = Command::new(&bin);
    cmd.arg("--workspace").arg(&workspace).args(extra);
    if first_time && !extra.contains(&"--kiosk") {
        let fixtures = root.join("fixtures");
        for name in [
            "to_khai_a4_200dpi.jpg",
            "to_khai_trang2_gray_a4_150dpi.png",
            "giay_chung_sinh_g4_2pages.tiff",
            "cong_van_1page.pdf",
        ] {
            cmd.arg(fixtures.join(name));
        }
    }
    println!(
        "Hồ sơ được ghi vào / dossiers are written to {}",
        workspace.display()
    );
    env::run_tool(&mut cmd)
}

fn cargo_bin(name: &str) -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let p = home.join("bin").join(name);
    p.is_file().then_some(p)
}

/// Installs `tauri-driver` when it is missing or another version.
fn ensure_tauri_driver() -> Result<()> {
    if let Some(bin) = cargo_bin("tauri-driver") {
        let out = Command::new(&bin).arg("--version").output();
        if out.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(TAURI_DRIVER_VERSION)) {
            return Ok(());
        }
    }
    eprintln!("xtask: cài / installing tauri-driver {TAURI_DRIVER_VERSION}");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    env::run_tool(Command::new(cargo).args([
        "install",
        "tauri-driver",
        "--version",
        TAURI_DRIVER_VERSION,
        "--locked",
    ]))
    .context("cargo install tauri-driver")
}

/// The desktop's tests, WebDriver end-to-end included (it prints cold start and RSS).
pub fn test(extra: &[&str]) -> Result<()> {
    ensure_tauri_driver()?;
    let root = env::workspace_root();
    let mut args = vec!["test", "-p", PACKAGE];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--", "--nocapture"]);
    env::cargo(&root, &args)
}
