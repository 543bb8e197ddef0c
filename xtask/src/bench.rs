//! `cargo xtask bench <name>`: each benchmark runs hoso and a peer tool in the same run, on the
//! same inputs, and prints times, ratios and hoso's peak RSS.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::env;

pub fn run(args: &[&str]) -> Result<()> {
    match args.first().copied() {
        Some("build") => crate::bench_build::run(&args[1..]),
        Some("ocr") => crate::bench_ocr::bench_ocr(),
        Some("cleanup") => crate::bench_cleanup::run(),
        Some("sign") => crate::bench_sign::run(&args[1..]),
        Some("register") => crate::bench_register::run(&args[1..]),
        Some("report") => crate::bench_report::run(&args[1..]),
        Some("batch") => crate::bench_batch::run(&args[1..]),
        Some("pdfa") => crate::bench_pdfa::run(&args[1..]),
        Some("serve") => crate::bench_serve::run(&args[1..]),
        _ => bail!(
            "usage: cargo xtask bench <build | sign | batch | register | report | ocr | cleanup | pdfa | serve>"
        ),
    }
}

/// Wall time and peak resident set size of one child process.
pub struct Measured {
    pub wall: Duration,
    pub max_rss_kib: i64,
}

/// Runs a command to completion and measures it with wait4(2).
pub fn measure(cmd: &mut Command) -> Result<Measured> {
    measure_codes(cmd, &[0])
}

/// As [`measure`], accepting any of the exit codes `ok` (`hoso verify` exits 4 for "valid,
/// revocation not checked", which every DEMO certificate is: they name no OCSP/CRL).
pub fn measure_codes(cmd: &mut Command, ok: &[i32]) -> Result<Measured> {
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .with_context(|| format!("could not start {:?}", cmd.get_program()))?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain old data; zeroed is a valid value for it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child, not yet reaped; the pointers are valid for the call.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if r != pid || !libc::WIFEXITED(status) || !ok.contains(&libc::WEXITSTATUS(status)) {
        let mut err = String::new();
        if let Some(e) = child.stderr.as_mut() {
            let _ = std::io::Read::read_to_string(e, &mut err);
        }
        bail!("{:?} failed (status {status}): {err}", cmd.get_program());
    }
    Ok(Measured {
        wall,
        max_rss_kib: usage.ru_maxrss,
    })
}

/// Median of `runs` measurements (after one warm-up run).
pub fn median_of(runs: usize, mut make: impl FnMut() -> Command) -> Result<Measured> {
    measure(&mut make())?;
    let mut all = Vec::with_capacity(runs);
    for _ in 0..runs {
        all.push(measure(&mut make())?);
    }
    all.sort_by_key(|m| m.wall);
    let rss = all.iter().map(|m| m.max_rss_kib).max().unwrap_or(0);
    let mid = all.swap_remove(runs / 2);
    Ok(Measured {
        wall: mid.wall,
        max_rss_kib: rss,
    })
}

/// Builds the release `hoso` binary and returns its path.
pub fn hoso_release() -> Result<PathBuf> {
    env::cargo(
        &env::workspace_root(),
        &["build", "--quiet", "--release", "-p", "hoso-cli"],
    )?;
    Ok(env::target_dir().join("release").join("hoso"))
}

/// A4 at 200 dpi: 1654 × 2339 pixels, like an office scanner's colour output.
pub fn make_scans(dir: &Path, count: usize) -> Result<Vec<PathBuf>> {
    use image::codecs::jpeg::{JpegEncoder, PixelDensity};
    std::fs::create_dir_all(dir)?;
    let mut files = Vec::with_capacity(count);
    let (w, h) = (1654u32, 2339u32);
    for i in 0..count {
        let path = dir.join(format!("scan_{i:03}.jpg"));
        if !path.exists() {
            let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ (i as u64);
            let mut rnd = move || {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed
            };
            let mut img = image::RgbImage::from_pixel(w, h, image::Rgb([246, 244, 236]));
            // Lines of "words": dark blocks of varying width, with scanner noise everywhere.
            for line in 0..70u32 {
                let y0 = 180 + line * 30;
                let mut x = 200u32;
                while x < w - 200 {
                    let word = 30 + (rnd() % 120) as u32;
                    for y in y0..(y0 + 16).min(h) {
                        for xx in x..(x + word).min(w - 200) {
                            if rnd() % 3 != 0 {
                                img.put_pixel(xx, y, image::Rgb([30, 30, 40]));
                            }
                        }
                    }
                    x += word + 20;
                }
            }
            for p in img.pixels_mut() {
                let n = (rnd() % 9) as u8;
                p.0 = p.0.map(|c| c.saturating_sub(n));
            }
            let tmp = path.with_extension("tmp");
            let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
            let mut enc = JpegEncoder::new_with_quality(&mut out, 80);
            enc.set_pixel_density(PixelDensity::dpi(200));
            enc.encode_image(&img)?;
            drop(out);
            std::fs::rename(&tmp, &path)?;
        }
        files.push(path);
    }
    Ok(files)
}
