//! `cargo xtask bench register [--entries N] [--batch B] [--samples S] [--keep] [--no-audit]`:
//! builds and runs the register benchmark in release mode (`crates/hoso-register/examples/
//! register_bench.rs`), which appends 1,000,000 entries in batches and times lookups and proofs
//! against a plain SQLite table as the peer. Files go to `target/bench-register/`.

use anyhow::Result;

use crate::env;

pub fn run(args: &[&str]) -> Result<()> {
    let root = env::workspace_root();
    let dir = env::target_dir().join("bench-register");
    let dir = dir.to_string_lossy().into_owned();
    let mut cargo_args = vec![
        "run",
        "--release",
        "--quiet",
        "-p",
        "hoso-register",
        "--example",
        "register_bench",
        "--",
        "--dir",
        &dir,
    ];
    cargo_args.extend_from_slice(args);
    env::cargo(&root, &cargo_args)
}
