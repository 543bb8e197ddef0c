//! `cargo xtask bench build [--runs N] [--pages 20,50,100,200]`: A4 JPEG scans → one dossier, at
//! several page counts, in one run: hoso, the peer (img2pdf) and the physical limit, which is the
//! larger of moving the bytes (`cat` of the inputs into one file, then `sync -d` on it) and one
//! SHA-256 pass over them (`openssl dgst -sha256`). Every figure is the median of N runs (5 by
//! default, after a warm-up run) with the peak RSS of those runs. Prints a table (also as Markdown
//! for the README) and draws `docs/bench/build.svg`: time against pages for hoso, img2pdf and the
//! limit.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::bench::{hoso_release, make_scans, median_of, Measured};
use crate::env;

struct Point {
    pages: usize,
    input_mb: f64,
    hoso: Measured,
    img2pdf: Measured,
    copy: Measured,
    sha256: Measured,
}

impl Point {
    fn limit_s(&self) -> f64 {
        secs(&self.copy).max(secs(&self.sha256))
    }
}

fn secs(m: &Measured) -> f64 {
    m.wall.as_secs_f64()
}

fn mib(m: &Measured) -> f64 {
    m.max_rss_kib as f64 / 1024.0
}

struct Options {
    runs: usize,
    pages: Vec<usize>,
}

fn parse(args: &[&str]) -> Result<Options> {
    let mut o = Options {
        runs: 5,
        pages: vec![20, 50, 100, 200],
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match *arg {
            "--runs" => {
                o.runs = it.next().and_then(|v| v.parse().ok()).context("--runs N")?;
            }
            "--pages" => {
                o.pages = it
                    .next()
                    .context("--pages 20,50,100,200")?
                    .split(',')
                    .map(|p| p.trim().parse::<usize>())
                    .collect::<Result<_, _>>()
                    .context("--pages 20,50,100,200")?;
            }
            other => bail!("bench build: unknown option {other}"),
        }
    }
    if o.runs < 5 {
        bail!("bench build: --runs must be at least 5 (figures are medians of 5 or more runs)");
    }
    o.pages.retain(|p| *p > 0);
    o.pages.sort_unstable();
    o.pages.dedup();
    if o.pages.is_empty() {
        bail!("bench build: --pages needs at least one page count");
    }
    Ok(o)
}

pub fn run(args: &[&str]) -> Result<()> {
    let options = parse(args)?;
    env::ensure_all()?;
    env::ensure_venv(&[crate::deps::PIP, crate::deps::BENCH_PIP].concat())?;
    let hoso = hoso_release()?;
    let img2pdf = env::venv_dir().join("bin").join("img2pdf");
    let work = env::target_dir().join("bench").join("build");
    let most = options.pages.iter().copied().max().unwrap_or(1);
    eprintln!(
        "bench build: chuẩn bị {most} ảnh quét / generating {most} A4 200-dpi JPEG scans (cached)…"
    );
    let scans = make_scans(&work.join("scans"), most)?;
    let out = work.join("out");
    std::fs::create_dir_all(&out)?;
    let mut points = Vec::new();
    for &pages in &options.pages {
        eprintln!(
            "bench build: {pages} trang / pages, {} lần / runs each…",
            options.runs
        );
        points.push(measure_point(
            &hoso,
            &img2pdf,
            &scans[..pages],
            &out,
            options.runs,
        )?);
    }
    print_table(&points, options.runs);
    let svg = env::workspace_root()
        .join("docs")
        .join("bench")
        .join("build.svg");
    std::fs::create_dir_all(svg.parent().context("docs/bench")?)?;
    std::fs::write(&svg, chart(&points))?;
    println!("  chart: {}", svg.display());
    Ok(())
}

fn measure_point(
    hoso: &Path,
    img2pdf: &Path,
    scans: &[PathBuf],
    out: &Path,
    runs: usize,
) -> Result<Point> {
    let input_bytes: u64 = scans
        .iter()
        .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum();
    let hoso_m = median_of(runs, || {
        let mut c = Command::new(hoso);
        c.arg("build")
            .arg("--out")
            .arg(out.join("hoso.pdf"))
            .args([
                "--code",
                "000.00.15.H12-261129-0001",
                "--title",
                "Benchmark",
            ])
            .args(scans);
        c
    })?;
    let img2pdf_m = median_of(runs, || {
        let mut c = Command::new(img2pdf);
        c.arg("--output").arg(out.join("img2pdf.pdf")).args(scans);
        c
    })?;
    // Moving the bytes: read every input, write one file, flush it to the disk.
    let copy_m = median_of(runs, || {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg("cat \"$@\" > \"$0\" && sync -d \"$0\"")
            .arg(out.join("cat.bin"))
            .args(scans);
        c
    })?;
    // One SHA-256 pass over the same bytes (OpenSSL uses the CPU's SHA extensions when present).
    let sha_m = median_of(runs, || {
        let mut c = Command::new("openssl");
        c.args(["dgst", "-sha256"]).args(scans);
        c
    })?;
    Ok(Point {
        pages: scans.len(),
        input_mb: input_bytes as f64 / 1e6,
        hoso: hoso_m,
        img2pdf: img2pdf_m,
        copy: copy_m,
        sha256: sha_m,
    })
}

fn print_table(points: &[Point], runs: usize) {
    println!(
        "bench build — trang A4 JPEG 200 dpi / A4 200-dpi JPEG pages; trung vị {runs} lần / median of {runs} runs"
    );
    println!(
        "  pages      MB   hoso s  img2pdf s  cat+fsync s  sha256 s  limit s  hoso/limit  img2pdf/hoso  RSS hoso  RSS img2pdf"
    );
    for p in points {
        println!(
            "  {:>5}  {:>6.1}  {:>7.3}  {:>9.3}  {:>11.3}  {:>8.3}  {:>7.3}  {:>9.2}×  {:>11.2}×  {:>5.1} MiB  {:>7.1} MiB",
            p.pages,
            p.input_mb,
            secs(&p.hoso),
            secs(&p.img2pdf),
            secs(&p.copy),
            secs(&p.sha256),
            p.limit_s(),
            secs(&p.hoso) / p.limit_s(),
            secs(&p.img2pdf) / secs(&p.hoso),
            mib(&p.hoso),
            mib(&p.img2pdf),
        );
    }
    println!();
    println!("| trang / pages | MB | hoso | img2pdf | cat + fsync | `openssl dgst -sha256` | hoso ÷ giới hạn / limit | img2pdf ÷ hoso | RSS hoso | RSS img2pdf |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for p in points {
        println!(
            "| {} | {:.1} | {:.3} s | {:.3} s | {:.3} s | {:.3} s | {:.2}× | {:.2}× | {:.1} MiB | {:.1} MiB |",
            p.pages,
            p.input_mb,
            secs(&p.hoso),
            secs(&p.img2pdf),
            secs(&p.copy),
            secs(&p.sha256),
            secs(&p.hoso) / p.limit_s(),
            secs(&p.img2pdf) / secs(&p.hoso),
            mib(&p.hoso),
            mib(&p.img2pdf),
        );
    }
}

/// One line of the chart: name, colour, dash pattern, value of a point.
type Series = (&'static str, &'static str, &'static str, fn(&Point) -> f64);

/// A small line chart: seconds against pages for hoso, img2pdf and the limit.
fn chart(points: &[Point]) -> String {
    let (w, h) = (480.0, 300.0);
    let (left, right, top, bottom) = (56.0, 16.0, 28.0, 44.0);
    let max_pages = points.iter().map(|p| p.pages).max().unwrap_or(1) as f64;
    let max_s = points
        .iter()
        .map(|p| secs(&p.hoso).max(secs(&p.img2pdf)).max(p.limit_s()))
        .fold(0.0, f64::max)
        .max(1e-3)
        * 1.1;
    let x = |pages: f64| left + (w - left - right) * pages / max_pages;
    let y = |s: f64| h - bottom - (h - top - bottom) * s / max_s;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="11">
<rect width="{w}" height="{h}" fill="white"/>
<text x="{left}" y="16" font-size="12">Dựng hồ sơ / build: thời gian theo số trang / time against pages</text>
<line x1="{left}" y1="{b}" x2="{r}" y2="{b}" stroke="black"/>
<line x1="{left}" y1="{top}" x2="{left}" y2="{b}" stroke="black"/>
<text x="{xl}" y="{yl}" text-anchor="middle">trang / pages</text>
<text x="14" y="{ym}" transform="rotate(-90 14 {ym})" text-anchor="middle">giây / s</text>
"##,
        b = h - bottom,
        r = w - right,
        xl = (left + w - right) / 2.0,
        yl = h - 8.0,
        ym = (top + h - bottom) / 2.0,
    );
    for p in points {
        let px = x(p.pages as f64);
        let _ = writeln!(
            svg,
            r#"<text x="{px:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            h - bottom + 14.0,
            p.pages
        );
    }
    for i in 0..=4 {
        let s = max_s * f64::from(i) / 4.0;
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end">{s:.2}</text><line x1="{left}" y1="{py:.1}" x2="{:.1}" y2="{py:.1}" stroke="#ddd"/>"##,
            left - 4.0,
            y(s) + 4.0,
            w - right,
            py = y(s),
        );
    }
    let series: [Series; 3] = [
        ("hoso", "#1f5fa8", "", |p| secs(&p.hoso)),
        ("img2pdf", "#d9731a", "", |p| secs(&p.img2pdf)),
        (
            "giới hạn / limit: max(cat+fsync, sha256)",
            "#2e8b3a",
            "5,4",
            |p| p.limit_s(),
        ),
    ];
    for (i, (name, colour, dash, value)) in series.iter().enumerate() {
        let pts: Vec<String> = points
            .iter()
            .map(|p| format!("{:.1},{:.1}", x(p.pages as f64), y(value(p))))
            .collect();
        let _ = writeln!(
            svg,
            r#"<polyline fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}" points="{}"/>"#,
            pts.join(" ")
        );
        for p in points {
            let _ = writeln!(
                svg,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{colour}"/>"#,
                x(p.pages as f64),
                y(value(p))
            );
        }
        let ly = top + 6.0 + 14.0 * i as f64;
        let _ = writeln!(
            svg,
            r#"<line x1="{:.1}" y1="{ly:.1}" x2="{:.1}" y2="{ly:.1}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/><text x="{:.1}" y="{:.1}">{name}</text>"#,
            left + 10.0,
            left + 30.0,
            left + 34.0,
            ly + 4.0
        );
    }
    svg.push_str("</svg>\n");
    svg
}
