//! `cargo xtask bench <name>`: each benchmark runs hoso and a peer tool in the same run.

use anyhow::{bail, Result};

pub fn run(args: &[&str]) -> Result<()> {
    match args.first().copied() {
        Some("register") => crate::bench_register::run(&args[1..]),
        _ => bail!("usage: cargo xtask bench <build | register>"),
    }
}
