//! `cargo xtask fuzz [TARGET] [--secs N]`: installs nightly Rust (rustup) and cargo-fuzz when
//! missing, then runs one fuzz target, or every target one after the other, for N seconds each
//! (default 600) with a 2 GiB RSS limit. Seeds come from `fuzz/seeds/<target>/` (committed,
//! small); the growing corpus lives in `fuzz/corpus/<target>/` and findings in
//! `fuzz/artifacts/<target>/` (both ignored by git). A finding, once fixed, is copied to
//! `fuzz/regressions/<target>/`, which `tests/fuzz_regressions.rs` runs in the normal suite.
//!
//! Each run's whole output is also kept in `target/fuzz-logs/<target>.log`, and its final
//! figures (runs, execs/s, corpus, coverage) are appended to `target/fuzz-logs/summary.tsv`.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

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
    eprintln!("xtask: fuzzing {target} for {secs} s (rss limit 2048 MiB, 10 s per input)");
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
            "-timeout=10",
            "-max_len=262144",
            "-print_final_stats=1",
        ]);
    let logs = env::target_dir().join("fuzz-logs");
    std::fs::create_dir_all(&logs)?;
    let log_path = logs.join(format!("{target}.log"));
    let ok = run_logged(&mut cmd, &log_path)?;
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    let summary = summarise(target, secs, &log, ok);
    eprintln!("xtask: {summary}");
    let mut tsv = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(logs.join("summary.tsv"))?;
    writeln!(tsv, "{}", summary.replace(", ", "\t"))?;
    if !ok {
        bail!(
            "fuzz target {target} found a problem (log: {}): the input is in \
             fuzz/artifacts/{target}/; minimise it (`cargo +nightly fuzz tmin {target} FILE`), fix \
             it, then copy the file to fuzz/regressions/{target}/",
            log_path.display()
        );
    }
    Ok(())
}

/// Runs `cmd` with stdout and stderr copied to our stderr and to `log`; true when it exits 0.
fn run_logged(cmd: &mut Command, log: &Path) -> Result<bool> {
    let mut file =
        std::fs::File::create(log).with_context(|| format!("cannot create {}", log.display()))?;
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start {:?}", cmd.get_program()))?;
    let out = child.stdout.take().context("child stdout")?;
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    let tx2 = tx.clone();
    let t1 = std::thread::spawn(move || pump(out, tx));
    let err = child.stderr.take().context("child stderr")?;
    let t2 = std::thread::spawn(move || pump(err, tx2));
    for line in rx {
        let _ = std::io::stderr().write_all(&line);
        file.write_all(&line)?;
    }
    let _ = (t1.join(), t2.join());
    Ok(child.wait()?.success())
}

fn pump(r: impl std::io::Read, tx: std::sync::mpsc::Sender<Vec<u8>>) {
    let mut r = BufReader::new(r);
    loop {
        let mut line = Vec::new();
        match r.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                if tx.send(line).is_err() {
                    return;
                }
            }
        }
    }
}

/// One line of figures from libFuzzer's final output: the `DONE` line (coverage, features,
/// corpus) and the `-print_final_stats` lines (runs, execs/s, peak RSS).
fn summarise(target: &str, secs: u64, log: &str, ok: bool) -> String {
    let stat = |key: &str| {
        log.lines()
            .rev()
            .find_map(|l| l.strip_prefix(&format!("stat::{key}:")))
            .map_or_else(|| "?".to_owned(), |v| v.trim().to_owned())
    };
    let done = log
        .lines()
        .rev()
        .find(|l| l.contains(" DONE ") || l.contains(" pulse "))
        .unwrap_or("");
    let field = |key: &str| {
        let mut it = done.split_whitespace();
        while let Some(w) = it.next() {
            if w == key {
                return it.next().unwrap_or("?").to_owned();
            }
        }
        "?".to_owned()
    };
    format!(
        "{target}, secs={secs}, runs={}, execs/s={}, cov={}, ft={}, corpus={}, peak_rss_mb={}, result={}",
        stat("number_of_executed_units"),
        stat("average_exec_per_sec"),
        field("cov:"),
        field("ft:"),
        field("corp:"),
        stat("peak_rss_mb"),
        if ok { "clean" } else { "FINDING" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_reads_libfuzzer_final_lines() {
        let log = "#2 INITED cov: 10 ft: 11 corp: 1/1b exec/s: 0 rss: 30Mb\n\
                   #9000 DONE   cov: 1234 ft: 5678 corp: 321/45Kb lim: 4096 exec/s: 15 rss: 400Mb\n\
                   Done 9000 runs in 601 second(s)\n\
                   stat::number_of_executed_units: 9000\n\
                   stat::average_exec_per_sec:     14\n\
                   stat::peak_rss_mb:              401\n";
        assert_eq!(
            summarise("cms", 600, log, true),
            "cms, secs=600, runs=9000, execs/s=14, cov=1234, ft=5678, corpus=321/45Kb, \
             peak_rss_mb=401, result=clean"
        );
    }
}
