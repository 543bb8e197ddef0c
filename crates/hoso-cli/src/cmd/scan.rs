//! `hoso scan --device test:0 --source adf --dpi 200 --mode gray --out pages/`: scan a batch
//! through SANE, streaming each page to disk as it arrives; `hoso scan --list` lists scanners.
//! Where there is no SANE (Windows), both say so and how to bring pages in instead (exit 2).

// The SANE path below is compiled on Unix only; elsewhere its helpers are unused.
#![cfg_attr(not(unix), allow(dead_code, unused_imports))]

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::bail;
use hoso_office::scan::device::{scan_batch, BatchEnd, ColorMode, ScanEvent, ScanSettings, Source};
#[cfg(unix)]
use hoso_office::scan::sane::Sane;
use hoso_office::scan::ScanError;
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum SourceArg {
    /// Mặt kính / flatbed glass.
    Flatbed,
    /// Khay nạp giấy tự động / automatic document feeder.
    Adf,
    /// Khay nạp, quét hai mặt / feeder, both sides.
    Duplex,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ModeArg {
    /// Màu 24-bit / 24-bit colour.
    Color,
    /// Xám 8-bit / 8-bit grey.
    Gray,
    /// Đen trắng 1-bit / 1-bit black and white.
    Lineart,
}

#[derive(clap::Args)]
pub struct Args {
    /// Liệt kê máy quét / list scanners and exit.
    #[arg(long)]
    list: bool,
    /// Tên máy quét (xem --list) / scanner name (see --list).
    #[arg(long, required_unless_present = "list")]
    device: Option<String>,
    /// Nguồn giấy / paper source.
    #[arg(long, value_enum, default_value_t = SourceArg::Adf)]
    source: SourceArg,
    /// Độ phân giải (dpi); hồ sơ lưu trữ cần ≥ 200 / resolution; archival scans need ≥ 200.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(50..=1200))]
    dpi: u32,
    /// Chế độ màu / colour mode.
    #[arg(long, value_enum, default_value_t = ModeArg::Color)]
    mode: ModeArg,
    /// Thư mục lưu trang / directory for the pages.
    #[arg(long, required_unless_present = "list")]
    out: Option<PathBuf>,
    /// Dừng sau số trang này / stop after this many pages.
    #[arg(long)]
    max_pages: Option<u32>,
}

/// Without SANE there is no scanner to reach: say so, and what to use instead.
#[cfg(not(unix))]
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let _ = args;
    bail!(officer_message(&ScanError::SaneUnavailable))
}

#[cfg(unix)]
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let sane = Sane::init().map_err(|e| anyhow::anyhow!(officer_message(&e)))?;
    if args.list {
        return list(&sane);
    }
    let settings = settings(&args);
    let (Some(name), Some(out)) = (args.device, args.out) else {
        bail!("cần --device và --out / --device and --out are required");
    };
    let mut device = sane
        .open(&name)
        .map_err(|e| anyhow::anyhow!(officer_message(&e)))?;
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let cancel = Arc::clone(&cancel);
        // Ctrl-C cancels cleanly: the page in progress is discarded, earlier pages stay.
        let _ = ctrlc::set_handler(move || cancel.store(true, Ordering::Relaxed));
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} trang / page {msg} {bytes}/{total_bytes}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let mut progress = |e: ScanEvent<'_>| show(&bar, e);
    let batch = scan_batch(&mut device, &settings, &out, &cancel, &mut progress);
    bar.finish_and_clear();
    Ok(report(batch, &out))
}

#[cfg(unix)]
fn list(sane: &Sane) -> anyhow::Result<ExitCode> {
    let devices = sane
        .devices()
        .map_err(|e| anyhow::anyhow!(officer_message(&e)))?;
    if devices.is_empty() {
        println!("Không thấy máy quét nào / no scanners found");
    }
    for d in devices {
        println!("{}\t{} {} ({})", d.name, d.vendor, d.model, d.kind);
    }
    Ok(ExitCode::SUCCESS)
}

fn settings(args: &Args) -> ScanSettings {
    ScanSettings {
        source: match args.source {
            SourceArg::Flatbed => Source::Flatbed,
            SourceArg::Adf => Source::Adf,
            SourceArg::Duplex => Source::Duplex,
        },
        dpi: args.dpi,
        mode: match args.mode {
            ModeArg::Color => ColorMode::Color,
            ModeArg::Gray => ColorMode::Gray,
            ModeArg::Lineart => ColorMode::Lineart,
        },
        max_pages: args.max_pages,
    }
}

fn show(bar: &ProgressBar, e: ScanEvent<'_>) {
    match e {
        ScanEvent::PageStarted { page, .. } => {
            bar.set_message(page.to_string());
            bar.set_position(0);
        }
        ScanEvent::Bytes {
            received, expected, ..
        } => {
            bar.set_length(expected);
            bar.set_position(received);
        }
        ScanEvent::PageSaved { page, path } => {
            bar.println(format!("  trang / page {page}: {}", path.display()));
        }
    }
}

fn report(batch: hoso_office::scan::device::ScanBatch, out: &std::path::Path) -> ExitCode {
    let n = batch.pages.len();
    println!(
        "Đã quét {n} trang vào {} / scanned {n} pages",
        out.display()
    );
    match batch.end {
        BatchEnd::FeederEmpty | BatchEnd::FlatbedDone | BatchEnd::PageLimit => ExitCode::SUCCESS,
        BatchEnd::Cancelled => {
            eprintln!("Đã hủy quét; giữ {n} trang đã quét / scan cancelled; {n} pages kept");
            ExitCode::from(2)
        }
        BatchEnd::Failed(e) => {
            eprintln!("Lỗi / error: {}", officer_message(&e));
            eprintln!("  ({e})");
            if n > 0 {
                eprintln!("Giữ {n} trang đã quét / the {n} pages scanned are kept");
            }
            ExitCode::from(2)
        }
    }
}

/// The message an officer reads: what happened and what to do, Vietnamese first.
fn officer_message(e: &ScanError) -> String {
    e.officer_message()
}
