//! The signing step of `cargo xtask demo`: sign the sample dossier with the DEMO staff
//! certificate and verify it with `--demo`, through the `hoso` binary like a user would.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::env;

/// Signs `dossier` into `out_dir/<stem>.signed.pdf` with `certs/demo-staff-rsa.p12` (PIN
/// [`crate::certs::DEMO_PIN`]), then runs `hoso verify --demo` on it; returns the signed file.
pub fn sign_and_verify(hoso: &Path, dossier: &Path, out_dir: &Path) -> Result<PathBuf> {
    let certs = env::workspace_root().join("certs");
    std::fs::create_dir_all(out_dir)?;
    let pin = out_dir.join(".demo-pin.txt");
    std::fs::write(&pin, format!("{}\n", crate::certs::DEMO_PIN))?;
    let stem = dossier
        .file_stem()
        .context("dossier path has no file name")?
        .to_string_lossy();
    let signed = out_dir.join(format!("{stem}.signed.pdf"));
    let status = Command::new(hoso)
        .arg("sign")
        .arg(dossier)
        .arg("--p12")
        .arg(certs.join("demo-staff-rsa.p12"))
        .arg("--pin-file")
        .arg(&pin)
        .arg("--out")
        .arg(&signed)
        .args([
            "--reason",
            "Phê duyệt hồ sơ (DEMO) / dossier approved (DEMO)",
        ])
        .args(["--location", "UBND DEMO xã Hòa Bình"])
        .status()
        .with_context(|| format!("could not start {}", hoso.display()))?;
    let _ = std::fs::remove_file(&pin);
    if !status.success() {
        bail!("hoso sign failed: {status}");
    }
    let status = Command::new(hoso)
        .arg("verify")
        .arg(&signed)
        .arg("--demo")
        .status()
        .with_context(|| format!("could not start {}", hoso.display()))?;
    // 4: valid, revocation not checked (the DEMO certificates name no OCSP/CRL).
    if !matches!(status.code(), Some(0 | 4)) {
        bail!("hoso verify --demo did not find the signed dossier valid: {status}");
    }
    println!("Hồ sơ đã ký / signed dossier: {}", signed.display());
    Ok(signed)
}
