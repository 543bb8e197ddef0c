//! Issue #22 point 0: the OCR layer reads in order on skewed scans.
//!
//! Pages of known Vietnamese text, full-width lines, are typeset in Tinos, turned ±0.3° to ±2°
//! about the page centre, rendered at 200 and 300 dpi and noised. Each page is OCRed three ways:
//! `hoso build --ocr`, `hoso ocr` on a dossier built without a layer, and Tesseract's own command
//! line on the same image. The layer, read back by pdftotext (which sorts words by position) and
//! by pypdf (which reads the operators in order), must have the CLI's character error rate within
//! 0.5 percentage points on every page. Words keep their boxes (IoU ≥ 0.8 for every word read
//! right, against the word's box on the truth page) up to ±0.6°; beyond, where a full-width line
//! rises more than poppler's line tolerance, the layer is turned less than the text so poppler
//! still reads it as one line, and only the mean IoU is held (≥ 0.6). The table printed also
//! gives pdftotext's error rate on the truth PDF itself, whose lines are drawn at the true angle:
//! poppler scrambles those from 1° on. With `--clean` the page is deskewed first; its layer must
//! match the CLI on the cleaned image.

use std::path::{Path, PathBuf};

use hoso_dossier::{
    build_dossier, BuildOptions, DocumentMetadata, DocumentSpec, DossierMetadata, DossierSpec,
    OcrOptions,
};
use hoso_e2e::ocr_pages::{
    iou, join_touching_pieces, pdftotext_page, pypdf_pages, scan_png, tesseract_cli,
    truth_word_boxes, typeset_page, word_boxes, wrap, BoxedWord,
};
use hoso_e2e::text_accuracy::character_error_rate;
use hoso_e2e::*;
use rayon::prelude::*;

const PARAGRAPHS: &[&str] = &[
    "ỦY BAN NHÂN DÂN PHƯỜNG SÔNG CẦU",
    "Căn cứ Luật Đất đai và các văn bản hướng dẫn thi hành, xét đơn đề nghị của bà Nguyễn Thị Hoa \
     về việc cấp giấy chứng nhận quyền sử dụng đất và quyền sở hữu tài sản gắn liền với đất tại \
     thửa đất số 125, tờ bản đồ số 18, tổ dân phố Trường Xuân; diện tích 152,4 mét vuông, mục \
     đích sử dụng là đất ở tại đô thị, thời hạn sử dụng lâu dài.",
    "Hồ sơ gồm đơn đăng ký, bản sao giấy tờ về quyền sử dụng đất, sơ đồ thửa đất và biên lai nộp \
     lệ phí. Cán bộ tiếp nhận đã kiểm tra thành phần hồ sơ, ghi rõ ngày, giờ hẹn trả kết quả và \
     hướng dẫn công dân bổ sung giấy tờ còn thiếu trong thời hạn ba ngày làm việc.",
    "Người yêu cầu cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm \
     trước pháp luật. Các cơ quan, đơn vị và cá nhân có liên quan chịu trách nhiệm thi hành \
     quyết định này kể từ ngày ký; quyết định được niêm yết công khai tại trụ sở Ủy ban nhân dân \
     phường trong thời gian mười lăm ngày.",
];

/// (dpi, skew in degrees counter-clockwise): both signs, 0.3° to 2°, at both resolutions.
const PAGES: &[(u32, f64)] = &[
    (200, 0.3),
    (200, -0.6),
    (200, 1.0),
    (200, -2.0),
    (300, -0.3),
    (300, 0.6),
    (300, -1.0),
    (300, 2.0),
];

const SIZE_PT: f32 = 12.0;
const LEADING_PT: f32 = 21.0;
/// Allowed gap between the layer's error rate and the Tesseract CLI's, in CER units.
const CER_GAP: f64 = 0.005;
const MIN_IOU: f64 = 0.8;
/// Skew up to which a full-width line of 12 pt text rises less than poppler's line tolerance
/// (half the font size), so the layer follows it exactly.
const FOLLOWED_SKEW: f64 = 0.6;
/// Mean IoU every page keeps, including ±2° where the line ends are off their place.
const MIN_MEAN_IOU_STEEP: f64 = 0.6;

struct Page {
    dpi: u32,
    skew: f64,
    /// pdftotext's error rate on the truth PDF itself (its lines drawn at the skew angle).
    tilted_truth_cer: f64,
    scan: PathBuf,
    /// Character error rate of the Tesseract CLI on the scan.
    cli_cer: f64,
}

fn truth_text() -> String {
    wrap(PARAGRAPHS, SIZE_PT, 451.0).join(" ")
}

fn make_pages(dir: &Path) -> Vec<Page> {
    let lines = wrap(PARAGRAPHS, SIZE_PT, 451.0);
    let truth = truth_text();
    PAGES
        .par_iter()
        .enumerate()
        .map(|(i, &(dpi, skew))| {
            let truth_pdf = dir.join(format!("truth{i}.pdf"));
            typeset_page(&lines, SIZE_PT, LEADING_PT, skew, &truth_pdf);
            // For the record: poppler cuts truly tilted lines (the truth PDF draws each line as
            // one string at the skew angle) once they rise more than half the font size.
            let tilted_truth_cer = character_error_rate(&truth, &pdftotext_page(&truth_pdf, 1));
            let scan = dir.join(format!("scan{i}_{dpi}dpi.png"));
            scan_png(&truth_pdf, dpi, &scan);
            let cli_cer = character_error_rate(&truth, &tesseract_cli(&scan, "vie", None));
            Page {
                dpi,
                skew,
                tilted_truth_cer,
                scan,
                cli_cer,
            }
        })
        .collect()
}

fn spec(files: Vec<PathBuf>) -> DossierSpec {
    DossierSpec {
        code: "000.00.15.H12-261129-0022".parse().expect("code"),
        title: "Kiểm thử thứ tự đọc OCR".into(),
        metadata: DossierMetadata::default(),
        documents: vec![DocumentSpec {
            name: "Quyết định".into(),
            files,
            metadata: DocumentMetadata::default(),
        }],
    }
}

fn ocr_options() -> OcrOptions {
    OcrOptions {
        languages: "vie".into(),
        threads: 0,
    }
}

/// Per page: CER by pdftotext, CER by pypdf, and the IoU of every correctly read word with the
/// same word on the truth page (the best of the truth words with that text).
struct PageFigures {
    pdftotext_cer: f64,
    pypdf_cer: f64,
    words_matched: usize,
    min_iou: f64,
    mean_iou: f64,
    worst: Option<(BoxedWord, BoxedWord)>,
}

fn measure_layer(pdf: &Path, pages: &[Page]) -> Vec<PageFigures> {
    let truth = truth_text();
    let pypdf = pypdf_pages(pdf);
    assert_eq!(pypdf.len(), pages.len(), "pypdf page count");
    pages
        .par_iter()
        .enumerate()
        .map(|(i, page)| {
            let truth_words = truth_word_boxes(
                &wrap(PARAGRAPHS, SIZE_PT, 451.0),
                SIZE_PT,
                LEADING_PT,
                page.skew,
            );
            let layer_words = join_touching_pieces(word_boxes(pdf, i + 1));
            let (mut matched, mut min_iou, mut sum) = (0, 1.0f64, 0.0);
            let mut worst = None;
            for word in &layer_words {
                let best = truth_words
                    .iter()
                    .filter(|t| t.text == word.text)
                    .map(|t| (iou(t.bbox, word.bbox), t))
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                if let Some((v, t)) = best {
                    matched += 1;
                    sum += v;
                    if v < min_iou {
                        min_iou = v;
                        worst = Some((t.clone(), word.clone()));
                    }
                }
            }
            PageFigures {
                pdftotext_cer: character_error_rate(&truth, &pdftotext_page(pdf, i + 1)),
                pypdf_cer: character_error_rate(&truth, &pypdf[i]),
                words_matched: matched,
                min_iou,
                mean_iou: sum / matched.max(1) as f64,
                worst,
            }
        })
        .collect()
}

/// Prints the table and checks every page against the CLI and the truth boxes.
fn check(label: &str, pages: &[Page], figures: &[PageFigures]) {
    println!(
        "{label}: dpi  skew   CLI CER  pdftotext CER  pypdf CER  words  IoU min/mean  (tilted truth PDF by pdftotext)"
    );
    let mut failures = Vec::new();
    for (page, f) in pages.iter().zip(figures) {
        println!(
            "{label}: {:>3}  {:>+5.1}°  {:>6.2} %  {:>10.2} %  {:>7.2} %  {:>5}  {:.2} / {:.2}  ({:.2} %)",
            page.dpi,
            page.skew,
            page.cli_cer * 100.0,
            f.pdftotext_cer * 100.0,
            f.pypdf_cer * 100.0,
            f.words_matched,
            f.min_iou,
            f.mean_iou,
            page.tilted_truth_cer * 100.0
        );
        let what = format!("{label} {} dpi {:+.1}°", page.dpi, page.skew);
        for (reader, cer) in [("pdftotext", f.pdftotext_cer), ("pypdf", f.pypdf_cer)] {
            if cer > page.cli_cer + CER_GAP {
                failures.push(format!(
                    "{what}: {reader} CER {:.2} % vs Tesseract CLI {:.2} %",
                    cer * 100.0,
                    page.cli_cer * 100.0
                ));
            }
        }
        if f.words_matched < 100 {
            failures.push(format!("{what}: only {} words matched", f.words_matched));
        }
        // Words keep their boxes where poppler can follow the line's slope; on steeper lines
        // the layer is turned less than the text (so poppler reads the line as one), and words
        // towards the ends sit above or below theirs.
        if page.skew.abs() <= FOLLOWED_SKEW && f.min_iou < MIN_IOU {
            failures.push(format!(
                "{what}: IoU {:.2} < {MIN_IOU}: truth vs layer {:?}",
                f.min_iou, f.worst
            ));
        }
        if f.mean_iou < MIN_MEAN_IOU_STEEP {
            failures.push(format!(
                "{what}: mean IoU {:.2} < {MIN_MEAN_IOU_STEEP}",
                f.mean_iou
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn skewed_scans_read_in_order_like_tesseract_with_words_on_their_boxes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pages = make_pages(dir.path());
    let scans: Vec<PathBuf> = pages.iter().map(|p| p.scan.clone()).collect();

    // hoso build --ocr
    let built = dir.path().join("built.pdf");
    let options = BuildOptions {
        ocr: Some(ocr_options()),
        ..Default::default()
    };
    let report = build_dossier(&spec(scans.clone()), &built, &options, &mut |_| {}).expect("build");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let (ok, text) = pdfa_check(&built);
    assert!(ok, "{text}");
    check("build --ocr", &pages, &measure_layer(&built, &pages));

    // hoso ocr on a dossier built without a layer
    let plain = dir.path().join("plain.pdf");
    build_dossier(&spec(scans), &plain, &BuildOptions::default(), &mut |_| {}).expect("build");
    let reocr = dir.path().join("reocr.pdf");
    let report =
        hoso_dossier::ocr_existing(&plain, &reocr, &ocr_options(), &mut |_| {}).expect("ocr");
    assert_eq!(report.pages_with_layer, pages.len());
    assert_qpdf_clean(&reocr);
    check("hoso ocr", &pages, &measure_layer(&reocr, &pages));
}

#[test]
fn cleaned_skewed_scans_read_like_tesseract_on_the_cleaned_images() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = wrap(PARAGRAPHS, SIZE_PT, 451.0);
    let truth = truth_text();
    let cases = [(200u32, -2.0f64), (300, 1.0)];
    let scans: Vec<PathBuf> = cases
        .par_iter()
        .enumerate()
        .map(|(i, &(dpi, skew))| {
            let pdf = dir.path().join(format!("truth{i}.pdf"));
            typeset_page(&lines, SIZE_PT, LEADING_PT, skew, &pdf);
            let scan = dir.path().join(format!("scan{i}.png"));
            scan_png(&pdf, dpi, &scan);
            scan
        })
        .collect();
    let out = dir.path().join("clean.pdf");
    let options = BuildOptions {
        ocr: Some(ocr_options()),
        clean: Some(Default::default()),
        ..Default::default()
    };
    let report = build_dossier(&spec(scans), &out, &options, &mut |_| {}).expect("build");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let pypdf = pypdf_pages(&out);
    let mut failures = Vec::new();
    for (i, &(dpi, skew)) in cases.iter().enumerate() {
        // The cleaned page's image, as stored (JPEG), is what the layer lies on.
        let n = (i + 1).to_string();
        let prefix = dir.path().join(format!("cleaned{i}"));
        let o = output(
            tool("pdfimages", "poppler-utils")
                .args(["-j", "-f", &n, "-l", &n])
                .arg(&out)
                .arg(&prefix),
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let image = PathBuf::from(format!("{}-000.jpg", prefix.display()));
        assert!(image.is_file(), "cleaned page {n} is not a JPEG");
        let cli = character_error_rate(&truth, &tesseract_cli(&image, "vie", Some(dpi)));
        let by_poppler = character_error_rate(&truth, &pdftotext_page(&out, i + 1));
        let by_pypdf = character_error_rate(&truth, &pypdf[i]);
        println!(
            "build --ocr --clean: {dpi} dpi {skew:+.1}°: CLI {:.2} %, pdftotext {:.2} %, pypdf {:.2} %",
            cli * 100.0,
            by_poppler * 100.0,
            by_pypdf * 100.0
        );
        for (reader, cer) in [("pdftotext", by_poppler), ("pypdf", by_pypdf)] {
            if cer > cli + CER_GAP {
                failures.push(format!(
                    "--clean {dpi} dpi {skew:+.1}°: {reader} CER {:.2} % vs CLI {:.2} %",
                    cer * 100.0,
                    cli * 100.0
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
