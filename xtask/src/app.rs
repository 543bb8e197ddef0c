//! `cargo xtask app` and the desktop part of `cargo xtask test`.
//!
//! The desktop crate (`src-tauri`, package `hoso-desktop`) is outside `default-members` so that
//! a plain `cargo test` never compiles WebKit; these commands build and test it on purpose.

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
    env::ensure_apt(deps::BUILD_APT)?;
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

/// Installs `tauri-driver` when it is missing or another version (`cargo install --list` knows;
/// tauri-driver itself has no `--version`).
fn ensure_tauri_driver() -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let listed = Command::new(&cargo).args(["install", "--list"]).output();
    let wanted = format!("tauri-driver v{TAURI_DRIVER_VERSION}:");
    if listed.is_ok_and(|o| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .any(|l| l == wanted)
    }) {
        return Ok(());
    }
    eprintln!("xtask: cài / installing tauri-driver {TAURI_DRIVER_VERSION}");
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
