//! Two-layer PDF/A accuracy: pages with known Vietnamese text are typeset in Tinos, rendered by
//! poppler at 200 and 300 dpi, skewed and noised by ImageMagick, built into a dossier with OCR,
//! and read back with `pdftotext`. The character error rate must stay under 5 % at 200 dpi and
//! 3 % at 300 dpi, and a known word's box must lie on the word.

use std::path::Path;

use hoso_dossier::{
    build_dossier, BuildOptions, DocumentMetadata, DocumentSpec, DossierMetadata, DossierSpec,
    OcrOptions,
};
use hoso_e2e::text_accuracy::character_error_rate;
use hoso_e2e::*;
use hoso_pdf::font::{Font, FontSubset};

const LINES: &[&str] = &[
    "ỦY BAN NHÂN DÂN PHƯỜNG SÔNG CẦU",
    "Kính gửi: Bộ phận tiếp nhận và trả kết quả của phường.",
    "Họ và tên người yêu cầu: Nguyễn Thị Hoa, sinh năm 1990.",
    "Nơi cư trú: số 12 đường Lê Lợi, khu phố Trường Xuân.",
    "Đề nghị cấp bản sao trích lục khai sinh cho con là Trần Minh Đức.",
    "Lý do: bổ sung hồ sơ nhập học năm học mới tại trường tiểu học.",
    "Tôi cam đoan những nội dung khai trên đây là đúng sự thật.",
    "Giấy tờ kèm theo: chứng minh nhân dân, sổ hộ khẩu, giấy chứng sinh.",
    "Người tiếp nhận ghi rõ ngày, giờ hẹn trả kết quả cho công dân.",
    "Hồ sơ được số hóa và lưu trữ theo quy định hiện hành của Nhà nước.",
];

/// A4 page, Tinos 12 pt, one line every 24 pt from the top margin.
fn typeset(out: &Path) {
    let font = Font::tinos();
    let mut subset = FontSubset::new(&font);
    let mut content = Vec::new();
    for (i, line) in LINES.iter().enumerate() {
        let hex: String = subset
            .encode(line)
            .unwrap()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        content.extend(format!("BT /F1 12 Tf 85 {} Td <{hex}> Tj ET\n", 770 - 24 * i).as_bytes());
    }
    let mut w = hoso_pdf::DossierWriter::new(std::fs::File::create(out).unwrap()).unwrap();
    let f = subset.write(&mut w).unwrap();
    w.add_content_page(595.276, 841.89, &content, &[("F1", f)])
        .unwrap();
    let info = hoso_pdf::DocumentInfo {
        title: "ground truth".into(),
        author: None,
        subject: None,
        keywords: None,
        creator_tool: "test".into(),
        producer: "test".into(),
        language: "vi".into(),
        created: time::OffsetDateTime::now_utc(),
    };
    w.finish(&info, None).unwrap();
}

/// Renders page 1 at `dpi` in grey, then skews it 0.4° about the centre (page size kept) and adds
/// mild Gaussian noise.
fn scan(pdf: &Path, dpi: u32, dir: &Path) -> std::path::PathBuf {
    let prefix = dir.join(format!("render{dpi}"));
    let o = output(
        tool("pdftoppm", "poppler-utils")
            .args(["-r", &dpi.to_string(), "-gray", "-png", "-singlefile"])
            .arg(pdf)
            .arg(&prefix),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let scanned = dir.join(format!("scan{dpi}.png"));
    let o = output(
        tool("convert", "imagemagick")
            .arg(prefix.with_extension("png"))
            .args([
                "-virtual-pixel",
                "white",
                "-distort",
                "SRT",
                "0.4",
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
                &dpi.to_string(),
            ])
            .arg(&scanned),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    scanned
}

fn build_with_ocr(image: &Path, out: &Path) {
    let spec = DossierSpec {
        code: "000.00.15.H12-261129-0009".parse().unwrap(),
        title: "Kiểm thử OCR".into(),
        metadata: DossierMetadata::default(),
        documents: vec![DocumentSpec {
            name: "Đơn".into(),
            files: vec![image.to_path_buf()],
            metadata: DocumentMetadata::default(),
        }],
    };
    let options = BuildOptions {
        ocr: Some(OcrOptions {
            languages: "vie".into(),
            threads: 0,
        }),
        ..Default::default()
    };
    let report = build_dossier(&spec, out, &options, &mut |_| {}).expect("OCR build");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

/// (x_min, y_min, x_max, y_max) of the first `<word>` whose text is `word` in `pdftotext -bbox`.
fn word_box(pdf: &Path, word: &str) -> Option<[f64; 4]> {
    let o = output(
        tool("pdftotext", "poppler-utils")
            .arg("-bbox")
            .arg(pdf)
            .arg("-"),
    );
    let html = stdout(&o);
    let line = html
        .lines()
        .find(|l| l.contains(&format!(">{word}</word>")))?;
    let attr = |name: &str| -> Option<f64> {
        let start = line.find(&format!("{name}=\""))? + name.len() + 2;
        line[start..].split('"').next()?.parse().ok()
    };
    Some([attr("xMin")?, attr("yMin")?, attr("xMax")?, attr("yMax")?])
}

#[test]
fn ocr_layer_character_error_rate_and_word_positions() {
    let dir = tempfile::tempdir().unwrap();
    let truth_pdf = dir.path().join("truth.pdf");
    typeset(&truth_pdf);
    let truth = LINES.join(" ");
    let mut figures = Vec::new();
    for (dpi, limit) in [(300u32, 0.03f64), (200, 0.05)] {
        let scanned = scan(&truth_pdf, dpi, dir.path());
        let out = dir.path().join(format!("ocr{dpi}.pdf"));
        build_with_ocr(&scanned, &out);
        let (ok, report) = pdfa_check(&out);
        assert!(ok, "{report}");
        let text = stdout(&output(
            tool("pdftotext", "poppler-utils").arg(&out).arg("-"),
        ));
        let cer = character_error_rate(&truth, &text);
        figures.push(format!("{dpi} dpi: CER {:.2} %", cer * 100.0));
        println!(
            "OCR {dpi} dpi: character error rate {:.2} % ({} chars)",
            cer * 100.0,
            truth.chars().count()
        );
        assert!(
            cer < limit,
            "{dpi} dpi CER {:.2} % ≥ {:.0} %\nexpected: {}\ngot: {}",
            cer * 100.0,
            limit * 100.0,
            truth,
            text
        );

        // The OCR box of a known word overlaps the word as typeset (skew moves it < 2 pt here).
        let truth_box = word_box(&truth_pdf, "Nguyễn").expect("word in ground truth");
        let ocr_box = word_box(&out, "Nguyễn").expect("word in OCR layer");
        let ix = (truth_box[2].min(ocr_box[2]) - truth_box[0].max(ocr_box[0])).max(0.0);
        let iy = (truth_box[3].min(ocr_box[3]) - truth_box[1].max(ocr_box[1])).max(0.0);
        let area = |b: [f64; 4]| (b[2] - b[0]) * (b[3] - b[1]);
        let iou = ix * iy / (area(truth_box) + area(ocr_box) - ix * iy);
        println!("OCR {dpi} dpi: box of \"Nguyễn\" IoU {iou:.2} (truth {truth_box:?}, layer {ocr_box:?})");
        assert!(
            iou > 0.7,
            "{dpi} dpi: IoU {iou:.2}: {truth_box:?} vs {ocr_box:?}"
        );
    }
    println!("{}", figures.join("; "));
}

#[test]
fn hoso_ocr_adds_a_layer_to_an_existing_dossier_without_touching_images() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.pdf");
    let spec = DossierSpec {
        code: "000.00.15.H12-261129-0010".parse().unwrap(),
        title: "Chưa có lớp chữ".into(),
        metadata: DossierMetadata::default(),
        documents: vec![
            DocumentSpec {
                name: "Tờ khai".into(),
                files: vec![fixture("to_khai_a4_200dpi.jpg")],
                metadata: DocumentMetadata::default(),
            },
            DocumentSpec {
                name: "Giấy chứng sinh".into(),
                files: vec![
                    fixture("giay_chung_sinh_g4_2pages.tiff"),
                    fixture("cong_van_1page.pdf"),
                ],
                metadata: DocumentMetadata::default(),
            },
        ],
    };
    build_dossier(&spec, &plain, &BuildOptions::default(), &mut |_| {}).unwrap();
    let before = stdout(&output(
        tool("pdftotext", "poppler-utils").arg(&plain).arg("-"),
    ));
    assert!(!before.contains("KHAI SINH"), "no text layer yet");

    let out = dir.path().join("ocr.pdf");
    let options = OcrOptions {
        languages: "vie".into(),
        threads: 0,
    };
    let report = hoso_dossier::ocr_existing(&plain, &out, &options, &mut |_| {}).unwrap();
    assert_eq!(
        (report.pages, report.pages_with_layer, report.pages_kept),
        (4, 3, 1)
    );
    assert_qpdf_clean(&out);
    let (ok, text) = pdfa_check(&out);
    assert!(ok, "{text}");
    let after = stdout(&output(
        tool("pdftotext", "poppler-utils").arg(&out).arg("-"),
    ));
    for expected in ["ĐĂNG KÝ KHAI SINH", "GIẤY CHỨNG SINH", "CÔNG VĂN"] {
        assert!(after.contains(expected), "{expected} missing:\n{after}");
    }
    // The JPEG page's stream is the input file, byte for byte.
    let o = output(
        tool("pdfimages", "poppler-utils")
            .args(["-j", "-f", "1", "-l", "1"])
            .arg(&out)
            .arg(dir.path().join("img")),
    );
    assert!(o.status.success());
    assert!(
        std::fs::read(dir.path().join("img-000.jpg")).unwrap()
            == std::fs::read(fixture("to_khai_a4_200dpi.jpg")).unwrap()
    );
    // The manifest now carries the OCR text; the outline keeps the documents.
    let m = output(
        tool("qpdf", "qpdf")
            .arg("--show-attachment=manifest.json")
            .arg(&out),
    );
    let m: serde_json::Value = serde_json::from_slice(&m.stdout).unwrap();
    assert_eq!(m["ocr_languages"], "vie");
    assert!(m["documents"][1]["page_text"][0]
        .as_str()
        .unwrap()
        .contains("GIẤY CHỨNG SINH"));

    // A signed file is refused: adding a layer would break its signature.
    // An incremental update adding one signature dictionary (ISO 32000-1 §12.8.1).
    let mut bytes = std::fs::read(&plain).unwrap();
    let file = hoso_pdf::read::PdfFile::open(bytes.as_slice()).unwrap();
    let mut update = hoso_pdf::read::update::IncrementalUpdate::new(&file).unwrap();
    let sig = update.allocate();
    let mut d = hoso_pdf::read::Dict::new();
    d.set("Type", hoso_pdf::read::Object::name("Sig"))
        .set("Filter", hoso_pdf::read::Object::name("Adobe.PPKLite"));
    update.put(sig, &hoso_pdf::read::Object::Dict(d));
    let appended = update.finish().bytes;
    drop(file);
    bytes.extend_from_slice(&appended);
    let signed = dir.path().join("signed.pdf");
    std::fs::write(&signed, &bytes).unwrap();
    let err = hoso_dossier::ocr_existing(&signed, &dir.path().join("x.pdf"), &options, &mut |_| {})
        .unwrap_err();
    assert!(
        matches!(err, hoso_dossier::DossierError::SignedInput(_)),
        "{err}"
    );
    assert!(!dir.path().join("x.pdf").exists());
}
