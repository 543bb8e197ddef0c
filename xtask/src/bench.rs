//! `cargo xtask bench <name>`: each benchmark runs hoso and a peer tool in the same run, on the
//! same inputs, and prints times, ratios and hoso's peak RSS.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::env;

pub fn run(args: &[&str]) -> Result<()> {
    match args.first().copied() {
        Some("build") => bench_build(),
        Some("ocr") => crate::bench_ocr::bench_ocr(),
        Some("cleanup") => crate::bench_cleanup::run(),
        Some("sign") => crate::bench_sign::run(&args[1..]),
        Some("register") => crate::bench_register::run(&args[1..]),
        Some("batch") => crate::bench_batch::run(&args[1..]),
        _ => bail!("usage: cargo xtask bench <build | sign | batch | register | ocr | cleanup>"),
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
fn make_scans(dir: &Path, count: usize) -> Result<Vec<PathBuf>> {
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

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// `cargo xtask bench build`: 200 JPEG scans → one dossier, hoso vs img2pdf vs cat.
fn bench_build() -> Result<()> {
    env::ensure_all()?;
    env::ensure_venv(&[crate::deps::PIP, crate::deps::BENCH_PIP].concat())?;
    let hoso = hoso_release()?;
    let work = env::target_dir().join("bench").join("build");
    eprintln!(
        "bench build: chuẩn bị 200 ảnh quét / generating 200 A4 200-dpi JPEG scans (cached)…"
    );
    let scans = make_scans(&work.join("scans"), 200)?;
    let input_bytes: u64 = scans
        .iter()
        .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum();
    let img2pdf = env::venv_dir().join("bin").join("img2pdf");
    let out = work.join("out");
    std::fs::create_dir_all(&out)?;

    let hoso_m = median_of(5, || {
        let mut c = Command::new(&hoso);
        c.arg("build")
            .arg("--out")
            .arg(out.join("hoso.pdf"))
            .args([
                "--code",
                "000.00.15.H12-261129-0001",
                "--title",
                "Benchmark",
            ])
            .args(&scans);
        c
    })?;
    let small_m = median_of(3, || {
        let mut c = Command::new(&hoso);
        c.arg("build")
            .arg("--out")
            .arg(out.join("hoso20.pdf"))
            .args([
                "--code",
                "000.00.15.H12-261129-0001",
                "--title",
                "Benchmark",
            ])
            .args(&scans[..20]);
        c
    })?;
    let peer_m = median_of(3, || {
        let mut c = Command::new(&img2pdf);
        c.arg("--output").arg(out.join("img2pdf.pdf")).args(&scans);
        c
    })?;
    let cat_m = median_of(5, || {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg("cat \"$@\" > \"$0\" && sync -d \"$0\"")
            .arg(out.join("cat.bin"))
            .args(&scans);
        c
    })?;
    let vs_peer = secs(peer_m.wall) / secs(hoso_m.wall);
    let vs_copy = secs(hoso_m.wall) / secs(cat_m.wall);
    println!(
        "bench build — 200 trang A4 JPEG 200 dpi / 200 A4 JPEG pages, {:.1} MB in",
        input_bytes as f64 / 1e6
    );
    println!(
        "  hoso build    {:>8.3} s   peak RSS {:>7.1} MiB",
        secs(hoso_m.wall),
        hoso_m.max_rss_kib as f64 / 1024.0
    );
    println!(
        "  hoso, 20 pages {:>7.3} s   peak RSS {:>7.1} MiB (memory flat in page count)",
        secs(small_m.wall),
        small_m.max_rss_kib as f64 / 1024.0
    );
    println!(
        "  img2pdf       {:>8.3} s   peak RSS {:>7.1} MiB",
        secs(peer_m.wall),
        peer_m.max_rss_kib as f64 / 1024.0
    );
    println!("  cat + fsync   {:>8.3} s", secs(cat_m.wall));
    println!(
        "  img2pdf / hoso = {vs_peer:.2}×  (mục tiêu / target ≥ 3×: {})",
        if vs_peer >= 3.0 {
            "đạt / met"
        } else {
            "CHƯA ĐẠT / missed"
        }
    );
    println!(
        "  hoso / copy    = {vs_copy:.2}×  (mục tiêu / target ≤ 1.5×: {})",
        if vs_copy <= 1.5 {
            "đạt / met"
        } else {
            "CHƯA ĐẠT / missed"
        }
    );
    Ok(())
}
