//! The certified-copy step of `cargo xtask demo`: a "trích sao" of the signed sample's scanned
//! documents (pages 1–4; its third document is a born-digital PDF, and Decree 30/2020 Art. 25
//! allows an electronic sao y only of what was digitized from paper), with the DEMO
//! organisation key (Decree 30/2020/NĐ-CP Appendix I part II), its copy number from the demo
//! register, then a look-up of the QR mark printed on it and a verification of the copy.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::env;

/// Copies pages 1–4 of `signed` into `out_dir/<stem>.trich-sao.pdf`, registers it in `register`, looks up its QR
/// payload and verifies it; returns the copy.
pub fn copy_and_look_up(
    hoso: &Path,
    signed: &Path,
    register: &Path,
    out_dir: &Path,
) -> Result<PathBuf> {
    let certs = env::workspace_root().join("certs");
    let pin = out_dir.join(".demo-pin.txt");
    std::fs::write(&pin, format!("{}\n", crate::certs::DEMO_PIN))?;
    let stem = signed
        .file_stem()
        .context("signed path has no file name")?
        .to_string_lossy()
        .trim_end_matches(".signed")
        .to_owned();
    let copy = out_dir.join(format!("{stem}.trich-sao.pdf"));
    let out = Command::new(hoso)
        .arg("copy")
        .arg(signed)
        .arg("--out")
        .arg(&copy)
        .arg("--org-p12")
        .arg(certs.join("demo-org.p12"))
        .arg("--pin-file")
        .arg(&pin)
        .args(["--org", "UBND DEMO xã Hòa Bình", "--org-code", "UBND"])
        .args(["--form", "trich-sao", "--pages", "1-4"])
        .arg("--register")
        .arg(register)
        .arg("--json")
        .output()
        .with_context(|| format!("could not start {}", hoso.display()))?;
    let _ = std::fs::remove_file(&pin);
    if !out.status.success() {
        bail!("hoso copy failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let made: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let number = made["copy_number"].as_str().unwrap_or_default();
    let qr = made["qr_printed"].as_str().unwrap_or_default();
    println!(
        "Bản sao điện tử / certified copy: {} — Số: {number}",
        copy.display()
    );
    // A signed original gets no QR in its page (it would be a change after its signatures);
    // the copy's own lookup payload is then what is handed out.
    let payload = match qr.lines().next() {
        Some(p) => {
            println!("Mã QR in ở lề dưới trang 1 / QR in the bottom margin of page 1:");
            for line in qr.lines() {
                println!("  {line}");
            }
            p
        }
        None => {
            println!("{}", made["qr_omitted"].as_str().unwrap_or_default());
            made["copy_lookup"].as_str().unwrap_or_default()
        }
    };
    println!();
    println!("Tra cứu mã QR (ki-ốt) / looking the QR up, as a kiosk would:");
    env::run_tool(
        Command::new(hoso)
            .args(["register", "lookup", "--register"])
            .arg(register)
            .args(["--qr", payload]),
    )?;
    println!();
    println!("Kiểm tra bản sao / verifying the copy:");
    // 4: valid, revocation not checked (the DEMO certificates name no OCSP/CRL).
    let status = Command::new(hoso)
        .arg("verify")
        .arg(&copy)
        .arg("--demo")
        .status()
        .with_context(|| format!("could not start {}", hoso.display()))?;
    if !matches!(status.code(), Some(0 | 4)) {
        bail!("hoso verify --demo did not find the copy valid: {status}");
    }
    Ok(copy)
}
