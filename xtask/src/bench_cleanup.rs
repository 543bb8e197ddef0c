//! `cargo xtask bench cleanup`: hoso's page cleanup against Debian's `unpaper` on the same 50
//! generated 200-dpi pages with known skew (±5°) and dark scanner borders: wall time of each
//! on one core, the ratio, and each tool's deskew error against the known angles.
//!
//! unpaper runs with its defaults (filters, mask and border detection) plus
//! `--deskew-scan-range 10` so it searches as wide as hoso; its detected angle is read from its
//! verbose `rotate` lines. hoso runs `hoso clean --jobs 1 --no-orient --mode gray`.

use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use hoso_scan::synth::{random_spec, render, Content, Fonts};

use crate::env;

const PAGES: u64 = 50;
const DPI: u32 = 200;

pub fn run() -> Result<()> {
    let found = Command::new("sh")
        .args(["-c", "command -v unpaper"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        bail!("unpaper is missing: apt-get install -y unpaper (or cargo xtask setup)");
    }
    let root = env::workspace_root();
    env::cargo(&root, &["build", "--quiet", "--release", "-p", "hoso-cli"])?;
    let hoso = env::target_dir().join("release").join("hoso");
    let dir = env::target_dir().join("bench-cleanup");
    let _ = std::fs::remove_dir_all(&dir);
    let (inputs, outs_h, outs_u) = (dir.join("in"), dir.join("hoso"), dir.join("unpaper"));
    for d in [&inputs, &outs_h, &outs_u] {
        std::fs::create_dir_all(d)?;
    }
    let fonts = Fonts::load_system()?;
    println!(
        "Tạo {PAGES} trang mẫu / generating {PAGES} pages at {DPI} dpi in {}",
        inputs.display()
    );
    let mut files = Vec::new();
    let mut truth = Vec::new();
    for seed in 0..PAGES {
        let mut spec = random_spec(1000 + seed, DPI);
        spec.content = Content::Text {
            lines: 20 + (seed % 20) as u32,
        };
        spec.quarter_turn_cw = 0;
        spec.skew_degrees = ((seed as f64 * 0.618_033_988_75).fract() - 0.5) * 10.0;
        spec.background = 10 + (seed % 15) as u8;
        spec.bleed_through = 0.0;
        spec.seal = false;
        spec.noise_sigma = spec.noise_sigma.min(3.0);
        let page = render(&fonts, &spec);
        let grey = image::DynamicImage::ImageRgb8(page.image).to_luma8();
        let path = inputs.join(format!("page-{seed:02}.pgm"));
        grey.save(&path)
            .with_context(|| format!("writing {}", path.display()))?;
        files.push(path);
        truth.push(spec.skew_degrees);
    }

    // hoso, one worker thread.
    let t = Instant::now();
    let report = dir.join("hoso-report.json");
    let status = Command::new(&hoso)
        .args([
            "clean",
            "--jobs",
            "1",
            "--no-orient",
            "--mode",
            "gray",
            "--dpi",
            "200",
        ])
        .arg("--out")
        .arg(&outs_h)
        .arg("--report")
        .arg(&report)
        .args(&files)
        .stdout(std::process::Stdio::null())
        .status()?;
    let hoso_s = t.elapsed().as_secs_f64();
    if !status.success() {
        bail!("hoso clean failed: {status}");
    }
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report)?)?;
    let hoso_angles: Vec<f64> = json["pages"]
        .as_array()
        .context("report pages")?
        .iter()
        .map(|p| p["skew_degrees"].as_f64().unwrap_or(f64::NAN))
        .collect();

    // unpaper, one process per page (it is single-threaded).
    let t = Instant::now();
    let mut unpaper_angles = Vec::new();
    for f in &files {
        let out = outs_u.join(f.file_name().context("file name")?);
        let o = Command::new("unpaper")
            .args([
                "-v",
                "--overwrite",
                "--dpi",
                "200",
                "--deskew-scan-range",
                "10",
            ])
            .arg(f)
            .arg(&out)
            .output()?;
        if !o.status.success() {
            bail!(
                "unpaper failed on {}: {}",
                f.display(),
                String::from_utf8_lossy(&o.stderr)
            );
        }
        unpaper_angles.push(unpaper_angle(&String::from_utf8_lossy(&o.stdout)));
    }
    let unpaper_s = t.elapsed().as_secs_f64();

    let err = |angles: &[f64]| -> (f64, f64) {
        let e: Vec<f64> = angles
            .iter()
            .zip(&truth)
            .map(|(a, t)| (a - t).abs())
            .collect();
        let mean = e.iter().sum::<f64>() / e.len() as f64;
        (mean, e.iter().copied().fold(0.0, f64::max))
    };
    let (hm, hx) = err(&hoso_angles);
    let (um, ux) = err(&unpaper_angles);
    println!();
    println!(
        "{:<10} {:>10} {:>12} {:>16} {:>15}",
        "tool", "time (s)", "ms / page", "deskew mean (°)", "deskew max (°)"
    );
    for (name, s, m, x) in [("hoso", hoso_s, hm, hx), ("unpaper", unpaper_s, um, ux)] {
        println!(
            "{name:<10} {s:>10.2} {:>12.0} {m:>16.3} {x:>15.3}",
            s * 1000.0 / PAGES as f64
        );
    }
    println!();
    println!(
        "hoso nhanh hơn / faster: {:.2}× (mục tiêu / target ≥ 2×)",
        unpaper_s / hoso_s
    );
    println!("Kết quả / outputs: {}", dir.display());
    Ok(())
}

/// unpaper's detected rotation in degrees, counter-clockwise positive, from its verbose
/// `rotate (x,y): angle` line (radians, clockwise positive).
fn unpaper_angle(verbose: &str) -> f64 {
    verbose
        .lines()
        .filter_map(|l| l.trim().strip_prefix("rotate ("))
        .filter_map(|rest| rest.split("): ").nth(1))
        .filter_map(|v| v.trim().parse::<f64>().ok())
        .map(|rad| -rad.to_degrees())
        .next_back()
        .unwrap_or(0.0)
}
