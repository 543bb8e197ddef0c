//! `hoso ocr`: add an OCR text layer to a dossier built without one.

use std::path::PathBuf;
use std::process::ExitCode;

use hoso_dossier::{ocr_existing, OcrOptions};

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
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let options = OcrOptions {
        languages: args.lang,
        threads: 0,
    };
    let mut bar = ui::Progress::new("OCR");
    let report = ocr_existing(&args.input, &args.out, &options, &mut |e| {
        bar.on_build_event(&e)
    })?;
    bar.finish();
    println!(
        "Đã thêm lớp chữ / text layer added: {}",
        report.output.display()
    );
    println!(
        "  PDF/A-{}b · {} trang/pages · {} có lớp chữ/with text layer · {} giữ nguyên/kept as they were",
        report.level.part(),
        report.pages,
        report.pages_with_layer,
        report.pages_kept
    );
    println!("  SHA-256: {}", report.sha256);
    for w in &report.warnings {
        println!("  Lưu ý / note: {w}");
    }
    Ok(ExitCode::SUCCESS)
}
