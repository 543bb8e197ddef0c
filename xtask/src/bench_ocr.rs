//! `cargo xtask bench ocr`: 20 skewed, noisy 300-dpi pages of known Vietnamese text, OCRed by
//! `hoso build --ocr` and by OCRmyPDF (same Tesseract) in the same run; time per page and the
//! character error rate of each output's text layer.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use hoso_pdf::font::{Font, FontSubset};

use crate::bench::{hoso_release, measure};
use crate::env;
use crate::text_accuracy;

const PAGES: usize = 20;

const SENTENCES: &[&str] = &[
    "Ủy ban nhân dân phường Sông Cầu tiếp nhận hồ sơ của công dân.",
    "Họ và tên người yêu cầu: Nguyễn Thị Hoa, sinh năm 1990.",
    "Nơi cư trú: số 12 đường Lê Lợi, khu phố Trường Xuân.",
    "Đề nghị cấp bản sao trích lục khai sinh cho con là Trần Minh Đức.",
    "Lý do: bổ sung hồ sơ nhập học năm học mới tại trường tiểu học.",
    "Tôi cam đoan những nội dung khai trên đây là đúng sự thật.",
    "Giấy tờ kèm theo: căn cước công dân, giấy chứng sinh, giấy kết hôn.",
    "Người tiếp nhận ghi rõ ngày, giờ hẹn trả kết quả cho công dân.",
    "Hồ sơ được số hóa và lưu trữ theo quy định hiện hành của Nhà nước.",
    "Quyết định có hiệu lực kể từ ngày ký và được niêm yết công khai.",
    "Các cơ quan, đơn vị và cá nhân có liên quan chịu trách nhiệm thi hành.",
    "Biên bản được lập thành hai bản có giá trị pháp lý như nhau.",
];

fn page_lines(page: usize) -> Vec<&'static str> {
    (0..24)
        .map(|i| SENTENCES[(page * 5 + i) % SENTENCES.len()])
        .collect()
}

fn typeset(out: &Path) -> Result<()> {
    let font = Font::tinos();
    let mut subset = FontSubset::new(&font);
    let mut w = hoso_pdf::DossierWriter::new(std::fs::File::create(out)?)?;
    let font_ref = w.alloc().bump();
    for page in 0..PAGES {
        let mut content = Vec::new();
        for (i, line) in page_lines(page).iter().enumerate() {
            let hex: String = subset
                .encode(line)?
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect();
            content
                .extend(format!("BT /F1 12 Tf 85 {} Td <{hex}> Tj ET\n", 770 - 26 * i).as_bytes());
        }
        w.add_content_page(595.276, 841.89, &content, &[("F1", font_ref)])?;
    }
    subset.write_as(font_ref, &mut w)?;
    let info = hoso_pdf::DocumentInfo {
        title: "bench ocr".into(),
        author: None,
        subject: None,
        keywords: None,
        creator_tool: "xtask".into(),
        producer: "xtask".into(),
        language: "vi".into(),
        created: time::OffsetDateTime::now_utc(),
    };
    w.finish(&info, None)?;
    Ok(())
}

fn run_ok(cmd: &mut Command) -> Result<()> {
    let o = cmd
        .output()
        .with_context(|| format!("starting {:?}", cmd.get_program()))?;
    if !o.status.success() {
        bail!(
            "{:?} failed: {}",
            cmd.get_program(),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    Ok(())
}

fn scans(work: &Path) -> Result<Vec<PathBuf>> {
    let truth = work.join("truth.pdf");
    typeset(&truth)?;
    run_ok(
        Command::new("pdftoppm")
            .args(["-r", "300", "-gray", "-png"])
            .arg(&truth)
            .arg(work.join("r")),
    )?;
    let mut out = Vec::new();
    for i in 1..=PAGES {
        let src = work.join(format!("r-{i:02}.png"));
        let dst = work.join(format!("scan-{i:02}.png"));
        let angle = if i % 2 == 0 { "0.4" } else { "-0.3" };
        run_ok(
            Command::new("convert")
                .arg(&src)
                .args([
                    "-virtual-pixel",
                    "white",
                    "-distort",
                    "SRT",
                    angle,
                    "-attenuate",
                    "0.25",
                    "+noise",
                    "Gaussian",
                ])
                .args([
                    "-colorspace",
                    "Gray",
                    "-depth",
                    "8",
                    "-units",
                    "PixelsPerInch",
                    "-density",
                    "300",
                ])
                .arg(&dst),
        )?;
        out.push(dst);
    }
    Ok(out)
}

/// Character error rate of a PDF's text, page by page against the typeset lines.
fn cer(pdf: &Path) -> Result<f64> {
    let (mut errors, mut total) = (0usize, 0usize);
    for page in 0..PAGES {
        let n = (page + 1).to_string();
        let o = Command::new("pdftotext")
            .args(["-f", &n, "-l", &n])
            .arg(pdf)
            .arg("-")
            .output()?;
        let (e, len) = text_accuracy::errors_and_length(
            &page_lines(page).join(" "),
            &String::from_utf8_lossy(&o.stdout),
        );
        errors += e;
        total += len;
    }
    Ok(errors as f64 / total as f64)
}

pub fn bench_ocr() -> Result<()> {
    env::ensure_all()?;
    env::ensure_venv(&[crate::deps::PIP, crate::deps::BENCH_PIP].concat())?;
    let hoso = hoso_release()?;
    let work = env::target_dir().join("bench").join("ocr");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    eprintln!("bench ocr: dựng {PAGES} trang quét 300 dpi / rendering {PAGES} 300-dpi scans…");
    let pages = scans(&work)?;
    let input_pdf = work.join("scans.pdf");
    let venv_bin = env::venv_dir().join("bin");
    run_ok(
        Command::new(venv_bin.join("img2pdf"))
            .arg("--output")
            .arg(&input_pdf)
            .args(&pages),
    )?;

    let hoso_out = work.join("hoso.pdf");
    let hoso_m = measure(
        Command::new(&hoso)
            .arg("build")
            .arg("--ocr")
            .args(["--lang", "vie", "--out"])
            .arg(&hoso_out)
            .args(["--code", "000.00.15.H12-261129-0001", "--title", "bench"])
            .args(&pages),
    )?;
    let peer_out = work.join("ocrmypdf.pdf");
    let mut peer = Command::new(venv_bin.join("ocrmypdf"));
    env::with_venv_path(&mut peer);
    peer.args(["-l", "vie", "--output-type", "pdfa", "-q"])
        .arg(&input_pdf)
        .arg(&peer_out);
    let peer_m = measure(&mut peer)?;
    let (hoso_cer, peer_cer) = (cer(&hoso_out)?, cer(&peer_out)?);
    let per_page = |d: std::time::Duration| d.as_secs_f64() / PAGES as f64;
    println!("bench ocr — {PAGES} trang A4 300 dpi, nghiêng ±0.4°, nhiễu / {PAGES} skewed noisy 300-dpi A4 pages, Tesseract vie");
    println!(
        "  hoso build --ocr  {:>6.2} s/trang·page   CER {:>5.2} %   peak RSS {:>6.1} MiB",
        per_page(hoso_m.wall),
        hoso_cer * 100.0,
        hoso_m.max_rss_kib as f64 / 1024.0
    );
    println!(
        "  OCRmyPDF          {:>6.2} s/trang·page   CER {:>5.2} %",
        per_page(peer_m.wall),
        peer_cer * 100.0
    );
    let faster = peer_m.wall.as_secs_f64() / hoso_m.wall.as_secs_f64();
    let met = faster > 1.0 && hoso_cer <= peer_cer + 1e-9;
    println!(
        "  OCRmyPDF / hoso = {faster:.2}×, CER hoso {} OCRmyPDF  (mục tiêu / target: faster at equal or better accuracy: {})",
        if hoso_cer <= peer_cer { "≤" } else { ">" },
        if met { "đạt / met" } else { "CHƯA ĐẠT / missed" }
    );
    Ok(())
}
