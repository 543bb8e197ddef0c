//! Bad input stops the build with an error naming the file (and page) and what to do; nothing is
//! written, no temporary file is left, and an earlier output at the same path is kept.

use std::path::{Path, PathBuf};

use hoso_dossier::*;

fn jpeg(dir: &Path, name: &str) -> PathBuf {
    let mut bytes = Vec::new();
    image::DynamicImage::new_rgb8(80, 60)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn spec(files: Vec<PathBuf>) -> DossierSpec {
    DossierSpec {
        code: "000.00.15.H12-261129-0002".parse().unwrap(),
        title: "Kiểm thử".into(),
        metadata: DossierMetadata::default(),
        documents: vec![DocumentSpec {
            name: "Tài liệu".into(),
            files,
            metadata: DocumentMetadata::default(),
        }],
    }
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Builds, expects an error, and checks nothing new is in `dir` and `out` is unchanged.
fn expect_failure(dir: &Path, files: Vec<PathBuf>) -> String {
    let out = dir.join("out.pdf");
    std::fs::write(&out, b"previous dossier").unwrap();
    let before = names_in(dir);
    let err = build_dossier(&spec(files), &out, &BuildOptions::default(), &mut |_| {}).unwrap_err();
    assert_eq!(names_in(dir), before, "no temporary or partial file left");
    assert_eq!(
        std::fs::read(&out).unwrap(),
        b"previous dossier",
        "old output kept"
    );
    err.to_string()
}

#[test]
fn truncated_jpeg_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = jpeg(dir.path(), "good.jpg");
    let bad = jpeg(dir.path(), "cut.jpg");
    let bytes = std::fs::read(&bad).unwrap();
    std::fs::write(&bad, &bytes[..bytes.len() / 2]).unwrap();
    let msg = expect_failure(dir.path(), vec![good, bad]);
    assert!(
        msg.contains("cut.jpg") && msg.contains("truncated JPEG"),
        "{msg}"
    );
}

#[test]
fn zero_byte_file_is_refused_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.png");
    std::fs::write(&empty, b"").unwrap();
    let msg = expect_failure(dir.path(), vec![jpeg(dir.path(), "a.jpg"), empty]);
    assert!(
        msg.contains("empty.png") && msg.contains("0 bytes"),
        "{msg}"
    );
}

#[test]
fn unknown_format_and_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let txt = dir.path().join("notes.txt");
    std::fs::write(&txt, "không phải ảnh").unwrap();
    let msg = expect_failure(dir.path(), vec![txt]);
    assert!(
        msg.contains("notes.txt") && msg.contains("unknown format"),
        "{msg}"
    );
    let msg = expect_failure(dir.path(), vec![dir.path().join("missing.jpg")]);
    assert!(
        msg.contains("missing.jpg") && msg.contains("cannot read"),
        "{msg}"
    );
}

#[test]
fn output_that_is_also_an_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let a = jpeg(dir.path(), "a.jpg");
    let err = build_dossier(
        &spec(vec![a.clone()]),
        &a,
        &BuildOptions::default(),
        &mut |_| {},
    )
    .unwrap_err();
    assert!(matches!(err, DossierError::OutputIsInput(_)), "{err}");
    assert!(image::open(&a).is_ok(), "input untouched");
}

#[test]
fn missing_output_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let a = jpeg(dir.path(), "a.jpg");
    let out = dir.path().join("no/such/dir/out.pdf");
    let err =
        build_dossier(&spec(vec![a]), &out, &BuildOptions::default(), &mut |_| {}).unwrap_err();
    assert!(matches!(err, DossierError::OutputDir(_)), "{err}");
}

/// A PDF whose only font is an unembedded Helvetica (checked by qpdf before use).
fn pdf_with_unembedded_font(path: &Path) {
    let content = "BT /F1 12 Tf 72 720 Td (Hello) Tj ET";
    let pdf = hoso_pdf::read::classic_pdf(
        &[
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>",
            "<< /Type /Page /Parent 2 0 R /Contents 5 0 R /Resources << /Font << /F1 4 0 R >> >> >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            &format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        ],
        "",
    );
    std::fs::write(path, pdf).unwrap();
    let check = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(path)
        .output()
        .expect("qpdf (apt-get install -y qpdf)");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn pdf_with_unembedded_font_is_refused_with_page_and_font() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("letter.pdf");
    pdf_with_unembedded_font(&pdf);
    let msg = expect_failure(dir.path(), vec![pdf]);
    assert!(
        msg.contains("letter.pdf") && msg.contains("Helvetica") && msg.contains("page 1"),
        "{msg}"
    );
}

#[test]
fn malformed_code_and_missing_title_are_input_errors() {
    assert!(matches!(
        "UBND-2026".parse::<DossierCode>(),
        Err(CodeError::Shape(_))
    ));
    let dir = tempfile::tempdir().unwrap();
    let mut s = spec(vec![jpeg(dir.path(), "a.jpg")]);
    s.title = "  ".into();
    let err = build_dossier(
        &s,
        &dir.path().join("o.pdf"),
        &BuildOptions::default(),
        &mut |_| {},
    )
    .unwrap_err();
    assert!(matches!(err, DossierError::MissingTitle));
}

#[test]
fn progress_reports_every_page_and_report_hash_matches_file() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = (0..3)
        .map(|i| jpeg(dir.path(), &format!("p{i}.jpg")))
        .collect();
    let out = dir.path().join("d.pdf");
    let mut events = Vec::new();
    let report = build_dossier(&spec(files), &out, &BuildOptions::default(), &mut |e| {
        events.push(format!("{e:?}"))
    })
    .unwrap();
    assert!(events[0].starts_with("Planned { pages: 3"), "{events:?}");
    assert_eq!(events.iter().filter(|e| e.starts_with("Page")).count(), 3);
    use sha2::Digest;
    let hash: String = sha2::Sha256::digest(std::fs::read(&out).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(report.sha256, hash);
    // Images without resolution are fitted to A4 and reported.
    assert_eq!(report.warnings.len(), 3, "{:?}", report.warnings);
    assert!(report
        .warnings
        .iter()
        .all(|w| matches!(w, BuildWarning::FittedToA4 { .. })));
}
