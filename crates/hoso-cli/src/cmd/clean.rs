//! `hoso clean IMAGES... --out DIR [--report report.json]`: page cleanup of files already
//! scanned or photographed (deskew, crop to paper, orientation, blank pages, output mode).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use hoso_office::scan::clean::{clean_files, CleanOptions, FailureKind, OutputMode};
use indicatif::{ProgressBar, ProgressStyle};

/// Output mode on the command line.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Mode {
    /// Màu 24-bit JPEG (mặc định, theo Thông tư 05/2025/TT-BNV) / 24-bit colour JPEG (default).
    Color,
    /// Xám 8-bit JPEG / 8-bit grey JPEG.
    Gray,
    /// Đen trắng CCITT G4 TIFF (bản làm việc nội bộ) / bilevel CCITT G4 TIFF (working copies).
    Bilevel,
    /// Tự chọn theo trang / picked per page.
    Auto,
}

#[derive(clap::Args)]
pub struct Args {
    /// Ảnh trang cần làm sạch / page images to clean (JPEG, PNG, TIFF).
    #[arg(required = true)]
    images: Vec<PathBuf>,
    /// Thư mục kết quả / output directory.
    #[arg(long)]
    out: PathBuf,
    /// Ghi báo cáo JSON / write the JSON report here.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Chế độ ảnh ra / output mode.
    #[arg(long, value_enum, default_value_t = Mode::Color)]
    mode: Mode,
    /// Độ phân giải (dpi) nếu tệp không ghi / resolution when the file does not say.
    #[arg(long, value_parser = clap::value_parser!(u32).range(50..=2400))]
    dpi: Option<u32>,
    /// Chất lượng JPEG / JPEG quality.
    #[arg(long, default_value_t = hoso_office::scan::clean::DEFAULT_JPEG_QUALITY,
          value_parser = clap::value_parser!(u8).range(30..=100))]
    quality: u8,
    /// Không chỉnh nghiêng / do not deskew.
    #[arg(long)]
    no_deskew: bool,
    /// Không cắt viền / do not crop to the paper.
    #[arg(long)]
    no_crop: bool,
    /// Không xoay trang / do not turn pages upright.
    #[arg(long)]
    no_orient: bool,
    /// Giữ trang trắng / keep blank pages.
    #[arg(long)]
    keep_blank: bool,
    /// Số luồng xử lý / worker threads (default: all cores).
    #[arg(long)]
    jobs: Option<usize>,
}

fn options(args: &Args) -> CleanOptions {
    CleanOptions {
        deskew: !args.no_deskew,
        crop: !args.no_crop,
        orient: !args.no_orient,
        drop_blank: !args.keep_blank,
        mode: match args.mode {
            Mode::Color => OutputMode::Color,
            Mode::Gray => OutputMode::Gray,
            Mode::Bilevel => OutputMode::Bilevel,
            Mode::Auto => OutputMode::Auto,
        },
        jpeg_quality: args.quality,
        ..CleanOptions::default()
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let opts = options(&args);
    let bar = ProgressBar::new(args.images.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} trang / pages  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress = |p: hoso_office::scan::clean::Progress<'_>| {
        bar.set_position(p.done as u64);
        bar.set_message(
            p.input
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
    };
    let pool = rayon_pool(args.jobs)?;
    let report = pool
        .install(|| clean_files(&args.images, &args.out, &opts, args.dpi, &progress))
        .with_context(|| {
            format!(
                "không dùng được thư mục {} / cannot use the output directory",
                args.out.display()
            )
        })?;
    bar.finish_and_clear();
    print_report(&report, &args)?;
    Ok(if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn print_report(report: &hoso_office::scan::clean::CleanReport, args: &Args) -> anyhow::Result<()> {
    let written = report.pages.iter().filter(|p| p.output.is_some()).count();
    println!(
        "Đã làm sạch {written} trang vào {} / cleaned {written} pages into it",
        args.out.display()
    );
    for p in report.pages.iter().filter(|p| p.output.is_none()) {
        println!(
            "  bỏ trang trắng / dropped blank page: {} (điểm / score {:.5}; dùng --keep-blank để giữ / --keep-blank keeps it)",
            p.input, p.blank_score
        );
    }
    for p in report.pages.iter().filter(|p| p.quarter_turn != 0) {
        println!("  xoay / turned {}° clockwise: {}", p.quarter_turn, p.input);
    }
    for f in &report.failed {
        eprintln!("  Lỗi / error: {}: {}", f.input, vietnamese(f.kind));
        eprintln!("    {}", f.error);
    }
    if let Some(path) = &args.report {
        report.write(path).with_context(|| {
            format!(
                "không ghi được báo cáo / cannot write the report {}",
                path.display()
            )
        })?;
        println!("Báo cáo / report: {}", path.display());
    }
    Ok(())
}

fn vietnamese(kind: FailureKind) -> &'static str {
    match kind {
        FailureKind::Unreadable => "không đọc được tệp / the file cannot be read",
        FailureKind::NotAnImage => {
            "tệp không phải ảnh hoặc bị hỏng, cắt cụt / not an image, or damaged or truncated"
        }
        FailureKind::TooSmall => "ảnh quá nhỏ để là một trang / too small to be a page",
        FailureKind::OutputFailed => {
            "không ghi được kết quả (ổ đĩa đầy hoặc không có quyền ghi?) / cannot write the output (disk full or no permission?)"
        }
        FailureKind::Skipped => {
            "chưa xử lý vì lỗi ghi trước đó / not processed after an earlier write failure"
        }
        _ => "lỗi không xác định / unexpected failure",
    }
}

fn rayon_pool(jobs: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(n) = jobs {
        b = b.num_threads(n.max(1));
    }
    b.build()
        .context("không tạo được luồng xử lý / cannot start worker threads")
}
