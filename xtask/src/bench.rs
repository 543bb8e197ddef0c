//! `cargo xtask bench <name>`: each benchmark runs hoso and a peer tool in the same run.

use anyhow::{bail, Result};

pub fn run(args: &[&str]) -> Result<()> {
    match args.first().copied() {
        Some("sign") => crate::bench_sign::run(&args[1..]),
        _ => bail!("usage: cargo xtask bench <build>"),
    }
}
