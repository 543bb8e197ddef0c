//! `hoso ocr`: add an OCR text layer to a dossier built without one.

use std::path::PathBuf;
use std::process::ExitCode;

use hoso_office::build::ocr_existing;
use hoso_office::Watch;

use crate::ui;

/// Thêm lớp chữ OCR cho hồ sơ PDF chỉ có ảnh / add an OCR text layer to an image-only PDF.
///
/// Image pages keep their image bytes; pages that already carry text are left alone. A signed
/// file is refused: OCR comes before signing.
#[derive(clap::Args)]
pub struct Args {
    /// Hồ sơ PDF đầu vào / input PDF.
    input: PathBuf,
    /// Tệp PDF đầu ra / output PDF.
    #[arg(long, short)]
    out: PathBuf,
    /// Ngôn ngữ OCR của Tesseract / Tesseract OCR languages.
    #[arg(long, default_value = "vie+eng")]
    lang: String,
    /// Sổ đăng ký / register file [env: HOSO_REGISTER].
    #[arg(long, value_name = "PATH")]
    register: Option<PathBuf>,
    /// Tên trạm ghi vào sổ / station name in the register [env: HOSO_STATION].
    #[arg(long)]
    station: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = super::config::resolve(args.register.clone(), args.station.clone())?;
    let bar = ui::Progress::new("OCR");
    let show = |e| bar.on_event(&e);
    let watch = Watch::new(&show, ui::ctrl_c());
    let report = ocr_existing(&config, &args.input, &args.out, &args.lang, &watch);
    bar.finish();
    let report = report?;
    println!(
        "Đã thêm lớp chữ / text layer added: {}",
        report.output.display()
    );
    println!(
        "  {} · {} trang/pages · {} có lớp chữ/with text layer · {} giữ nguyên/kept as they were",
        report.pdfa, report.pages, report.pages_with_layer, report.pages_kept
    );
    println!("  PDF/A: {}", report.pdfa_check.line);
    ui::print_registered(&report.sha256, &report.registered, &report.warnings);
    Ok(ExitCode::SUCCESS)
}
