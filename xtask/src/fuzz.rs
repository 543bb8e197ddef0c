//! `cargo xtask fuzz [TARGET] [--secs N]`: installs nightly Rust (rustup) and cargo-fuzz when
//! missing, then runs one fuzz target, or every target one after the other, for N seconds each
//! (default 600) with a 2 GiB RSS limit. Seeds come from `fuzz/seeds/<target>/` (committed,
//! small); the growing corpus lives in `fuzz/corpus/<target>/` and findings in
//! `fuzz/artifacts/<target>/` (both ignored by git). A finding, once fixed, is copied to
//! `fuzz/regressions/<target>/`, which `tests/fuzz_regressions.rs` runs in the normal suite.

use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::env;

/// The fuzz targets, as in `fuzz/Cargo.toml` and `fuzz/src/entries.rs`.
pub const TARGETS: &[&str] = &[
    "pdf_verify",
    "pdf_import",
    "pdf_reopen",
    "image_probe",
    "cms",
    "revocation",
    "qr_payload",
    "checkpoint_note",
    "audit_bundle",
    "json_settings_manifest",
];

/// Runs `cargo xtask fuzz` with its arguments.
pub fn run(args: &[&str]) -> Result<()> {
    let mut secs = 600u64;
    let mut target = None;
    let mut it = args.iter();
    while let Some(&a) = it.next() {
        match a {
            "--secs" => {
                secs = it
                    .next()
                    .context("--secs needs a number")?
                    .parse()
                    .context("--secs needs a number of seconds")?;
            }
            t if TARGETS.contains(&t) => target = Some(t),
            other => bail!(
                "usage: cargo xtask fuzz [TARGET] [--secs N]\n\
                 mục tiêu không rõ / unknown target {other:?}; targets: {}",
                TARGETS.join(", ")
            ),
        }
    }
    ensure_tools()?;
    let targets: Vec<&str> = match target {
        Some(t) => vec![t],
        None => TARGETS.to_vec(),
    };
    for t in targets {
        fuzz_one(t, secs)?;
    }
    Ok(())
}

fn ok(cmd: &mut Command) -> bool {
    cmd.output().is_ok_and(|o| o.status.success())
}

/// Nightly through rustup, cargo-fuzz from crates.io; nothing when both are there.
fn ensure_tools() -> Result<()> {
    if !ok(Command::new("rustup").args(["run", "nightly", "rustc", "--version"])) {
        env::run_tool(Command::new("rustup").args([
            "toolchain",
            "install",
            "nightly",
            "--profile",
            "minimal",
        ]))?;
    }
    if !ok(Command::new("cargo").args(["fuzz", "--version"])) {
        env::run_tool(Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    Ok(())
}

fn fuzz_one(target: &str, secs: u64) -> Result<()> {
    let fuzz = env::workspace_root().join("fuzz");
    let corpus = fuzz.join("corpus").join(target);
    std::fs::create_dir_all(&corpus)?;
    let seeds = fuzz.join("seeds").join(target);
    // The fuzz crate resolves on its own; start from the workspace's pinned versions.
    if !fuzz.join("Cargo.lock").exists() {
        std::fs::copy(
            env::workspace_root().join("Cargo.lock"),
            fuzz.join("Cargo.lock"),
        )?;
    }
    eprintln!("xtask: fuzzing {target} for {secs} s (rss limit 2048 MiB)");
    let max_total = format!("-max_total_time={secs}");
    let mut cmd = Command::new("cargo");
    cmd.current_dir(&fuzz)
        .args(["+nightly", "fuzz", "run", target])
        .arg(&corpus)
        .arg(&seeds)
        .args([
            "--",
            &max_total,
            "-rss_limit_mb=2048",
            "-malloc_limit_mb=2048",
            "-timeout=20",
            "-max_len=262144",
            "-print_final_stats=1",
        ]);
    env::run_tool(&mut cmd).with_context(|| {
        format!(
            "fuzz target {target} found a problem: the input is in fuzz/artifacts/{target}/; \
             fix it, then copy the file to fuzz/regressions/{target}/"
        )
    })
}
