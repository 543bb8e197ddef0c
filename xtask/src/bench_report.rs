//! `cargo xtask bench report [--entries N]`: fills a register of N entries (default 1 000 000,
//! the register bench's size) with a year of dossiers (`crates/hoso-register/examples/
//! report_fill.rs`), then times `hoso report --month 2026-06 --out report.json` on it (median of
//! three after a warm-up) with its peak RSS, and the same on a register a tenth the size, so
//! flat memory shows as two equal RSS figures. Goal: under 2 s on 1 000 000 entries.
//!
//! Built in the dev profile, whose dependencies (SQLite among them) are at opt-level 2 — the
//! work is SQLite's indexed aggregation; files go to `target/bench-report/`.

use std::process::Command;

use anyhow::Result;

use crate::bench::median_of;
use crate::env;

pub fn run(args: &[&str]) -> Result<()> {
    let entries: u64 = args
        .iter()
        .position(|a| *a == "--entries")
        .and_then(|i| args.get(i + 1))
        .map_or(Ok(1_000_000), |s| s.parse())?;
    let root = env::workspace_root();
    let dir = env::target_dir().join("bench-report");
    std::fs::create_dir_all(&dir)?;
    env::cargo(&root, &["build", "--quiet", "-p", "hoso-cli"])?;
    let hoso = env::target_dir().join("debug").join("hoso");
    for n in [entries / 10, entries] {
        let reg = dir.join(format!("register-{n}.sqlite"));
        let reg_s = reg.to_string_lossy().into_owned();
        let n_s = n.to_string();
        let fill = [
            "run",
            "--quiet",
            "-p",
            "hoso-register",
            "--example",
            "report_fill",
            "--",
            "--path",
            &reg_s,
            "--entries",
            &n_s,
        ];
        env::cargo(&root, &fill)?;
        let out = dir.join(format!("report-{n}.json"));
        let m = median_of(3, || {
            let mut c = Command::new(&hoso);
            c.args(["report", "--month", "2026-06", "--register"])
                .arg(&reg)
                .arg("--out")
                .arg(&out)
                .env("HOME", &dir);
            c
        })?;
        println!(
            "report --month 2026-06 on {n:>9} entries: {:>8.3} s, peak RSS {:>7} KiB",
            m.wall.as_secs_f64(),
            m.max_rss_kib
        );
    }
    Ok(())
}
