//! Dossiers built by hoso, checked by tools that share no code with it: qpdf, poppler
//! (pdfinfo, pdfimages, pdffonts, pdftoppm), pikepdf + LittleCMS (PDF/A structure and ICC).

use std::path::{Path, PathBuf};
use std::process::Command;

use hoso_dossier::{
    build_dossier, BuildOptions, DocumentMetadata, DocumentSpec, DossierMetadata, DossierSpec,
};
use hoso_e2e::*;

const CODE: &str = "000.00.15.H12-261129-0001";

fn doc(name: &str, files: &[PathBuf]) -> DocumentSpec {
    DocumentSpec {
        name: name.into(),
        files: files.to_vec(),
        metadata: DocumentMetadata::default(),
    }
}

fn build(
    out: &Path,
    documents: Vec<DocumentSpec>,
    embed_manifest: bool,
) -> hoso_dossier::BuildReport {
    let spec = DossierSpec {
        code: CODE.parse().expect("valid code"),
        title: "Hồ sơ đăng ký khai sinh".into(),
        metadata: DossierMetadata {
            keywords: vec!["khai sinh".into(), "Sông Cầu".into()],
            ..Default::default()
        },
        documents,
    };
    let options = BuildOptions {
        embed_manifest,
        ..Default::default()
    };
    build_dossier(&spec, out, &options, &mut |_| {}).expect("dossier builds")
}

fn fixture_documents() -> Vec<DocumentSpec> {
    vec![
        doc(
            "Tờ khai đăng ký khai sinh",
            &[
                fixture("to_khai_a4_200dpi.jpg"),
                fixture("to_khai_trang2_gray_a4_150dpi.png"),
            ],
        ),
        doc(
            "Giấy chứng sinh",
            &[fixture("giay_chung_sinh_g4_2pages.tiff")],
        ),
        doc("Công văn", &[fixture("cong_van_1page.pdf")]),
    ]
}

#[test]
fn fixture_dossier_passes_qpdf_poppler_and_pdfa_checks() {
    let dir = tempfile::tempdir().unwrap();
    for (embed, part) in [(true, "3"), (false, "2")] {
        let out = dir.path().join(format!("dossier_a{part}.pdf"));
        let report = build(&out, fixture_documents(), embed);
        assert_eq!(
            report.sha256,
            sha256_file(&out),
            "reported hash is the file's hash"
        );
        assert_qpdf_clean(&out);
        let (ok, text) = pdfa_check(&out);
        assert!(ok, "PDF/A checks failed for PDF/A-{part}:\n{text}");
        assert!(text.contains(&format!("PDF/A-{part}B")), "{text}");

        let meta = output(tool("pdfinfo", "poppler-utils").arg("-meta").arg(&out));
        let xmp = stdout(&meta);
        assert!(
            xmp.contains(&format!("<pdfaid:part>{part}</pdfaid:part>")),
            "{xmp}"
        );
        assert!(
            xmp.contains("Hồ sơ đăng ký khai sinh"),
            "title with diacritics in XMP"
        );

        let fonts = stdout(&output(tool("pdffonts", "poppler-utils").arg(&out)));
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(
            !rows.is_empty(),
            "the imported PDF page brings its fonts:\n{fonts}"
        );
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            let emb = cols[cols.len() - 5];
            assert_eq!(emb, "yes", "font not embedded: {row}");
        }
    }
}

#[test]
fn jpeg_bytes_are_embedded_unchanged_and_pages_have_physical_size() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dossier.pdf");
    build(&out, fixture_documents(), true);

    let list = stdout(&output(
        tool("pdfimages", "poppler-utils").arg("-list").arg(&out),
    ));
    let rows: Vec<Vec<&str>> = list
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 4, "four raster pages:\n{list}");
    assert_eq!(rows[0][8], "jpeg", "page 1 is DCT:\n{list}");
    assert_eq!(rows[1][8], "image", "page 2 (PNG) is Flate:\n{list}");
    assert_eq!(rows[2][8], "ccitt", "page 3 (G4 TIFF) stays CCITT:\n{list}");
    assert_eq!(
        (rows[0][12], rows[0][13]),
        ("200", "200"),
        "200 dpi kept:\n{list}"
    );

    let prefix = dir.path().join("img");
    let o = output(
        tool("pdfimages", "poppler-utils")
            .args(["-j", "-f", "1", "-l", "1"])
            .arg(&out)
            .arg(&prefix),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let extracted =
        std::fs::read(dir.path().join("img-000.jpg")).expect("pdfimages wrote the JPEG");
    let original = std::fs::read(fixture("to_khai_a4_200dpi.jpg")).unwrap();
    assert!(
        extracted == original,
        "the JPEG stream differs from the input file"
    );

    let info = stdout(&output(
        tool("pdfinfo", "poppler-utils")
            .args(["-f", "1", "-l", "5"])
            .arg(&out),
    ));
    let sizes: Vec<&str> = info
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .collect();
    assert_eq!(sizes.len(), 5, "{info}");
    // 1654 × 2339 px at 200 dpi = 595.44 × 842.04 pt (A4); 1240 × 1754 at 150 dpi likewise.
    assert!(sizes[0].contains("595.44 x 842.04"), "{}", sizes[0]);
    // pHYs stores 5906 px/m, i.e. 150.01 dpi.
    assert!(sizes[1].contains("595.252 x 841.993"), "{}", sizes[1]);
    assert!(sizes[2].contains("595.44 x 842.04"), "{}", sizes[2]);
    // The imported cairo page keeps its own A4 MediaBox.
    assert!(sizes[4].contains("595.276 x 841.89"), "{}", sizes[4]);

    let o = output(
        tool("pdftoppm", "poppler-utils")
            .args(["-r", "50", "-png"])
            .arg(&out)
            .arg(dir.path().join("page")),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    for n in 1..=5 {
        let img = image::open(dir.path().join(format!("page-{n}.png"))).expect("rendered page");
        // A4 at 50 dpi: 413 × 585 pixels (poppler rounds up).
        assert!(
            (413..=414).contains(&img.width()) && (584..=585).contains(&img.height()),
            "page {n}: {}x{}",
            img.width(),
            img.height()
        );
    }
}

#[test]
fn embedded_manifest_names_documents_pages_and_source_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dossier.pdf");
    build(&out, fixture_documents(), true);
    let o = output(
        tool("qpdf", "qpdf")
            .arg("--show-attachment=manifest.json")
            .arg(&out),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let m: serde_json::Value = serde_json::from_slice(&o.stdout).expect("manifest is JSON");
    assert_eq!(m["code"], CODE);
    assert_eq!(m["page_count"], 5);
    let docs = m["documents"].as_array().unwrap();
    let ranges: Vec<(i64, i64)> = docs
        .iter()
        .map(|d| {
            (
                d["first_page"].as_i64().unwrap(),
                d["last_page"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(ranges, vec![(1, 2), (3, 4), (5, 5)]);
    assert_eq!(docs[1]["name"], "Giấy chứng sinh");
    let tiff = &docs[1]["sources"][0];
    assert_eq!(tiff["pages"], 2);
    assert_eq!(
        tiff["sha256"],
        sha256_file(&fixture("giay_chung_sinh_g4_2pages.tiff"))
    );
    assert_eq!(
        docs[2]["sources"][0]["sha256"],
        sha256_file(&fixture("cong_van_1page.pdf"))
    );
}

/// Pixel at a fraction of the page.
fn sample(img: &image::RgbImage, fx: f64, fy: f64) -> [u8; 3] {
    let x = ((img.width() as f64) * fx) as u32;
    let y = ((img.height() as f64) * fy) as u32;
    img.get_pixel(x, y).0
}

fn close(a: [u8; 3], b: [u8; 3], tol: i32) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| (i32::from(*x) - i32::from(y)).abs() <= tol)
}

#[test]
fn every_input_variant_renders_with_the_right_colours() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    let py = venv_python("PIL");
    let o = output(Command::new(py).arg(script("make_inputs.py")).arg(&inputs));
    assert!(o.status.success(), "make_inputs.py: {}", stderr(&o));
    let variants: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(variants.len(), 19, "{variants:?}");
    let docs: Vec<DocumentSpec> = variants
        .iter()
        .map(|v| {
            let f = v["file"].as_str().unwrap();
            doc(f, &[inputs.join(f)])
        })
        .collect();
    let out = dir.path().join("variants.pdf");
    let report = build(&out, docs, true);
    assert!(
        report.warnings.is_empty(),
        "200 dpi inputs give no warnings: {:?}",
        report.warnings
    );
    assert_qpdf_clean(&out);
    let (ok, text) = pdfa_check(&out);
    assert!(ok, "{text}");

    let o = output(
        tool("pdftoppm", "poppler-utils")
            .args(["-r", "72", "-png"])
            .arg(&out)
            .arg(dir.path().join("p")),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut rendered: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    rendered.sort();
    let mut page = 0;
    let mut wrong = Vec::new();
    for v in &variants {
        let rgb = |key: &str| -> [u8; 3] {
            let a = v[key].as_array().unwrap();
            [0, 1, 2].map(|i| a[i].as_u64().unwrap() as u8)
        };
        for _ in 0..v["pages"].as_u64().unwrap() {
            let img = image::open(&rendered[page]).unwrap().to_rgb8();
            // 400 × 300 px at 200 dpi = 144 × 108 pt = 144 × 108 px at 72 dpi.
            // pHYs stores whole pixels per metre (7874 = 199.9996 dpi): poppler may round up.
            if !(144..=145).contains(&img.width()) || !(108..=109).contains(&img.height()) {
                wrong.push(format!(
                    "{}: size {}x{}",
                    v["file"],
                    img.width(),
                    img.height()
                ));
            }
            let (l, r) = (sample(&img, 0.25, 0.5), sample(&img, 0.75, 0.5));
            if !close(l, rgb("left"), 40) || !close(r, rgb("right"), 40) {
                wrong.push(format!(
                    "{}: left {l:?} (want {:?}), right {r:?} (want {:?})",
                    v["file"],
                    rgb("left"),
                    rgb("right")
                ));
            }
            page += 1;
        }
    }
    assert_eq!(page, rendered.len(), "one rendered page per expected page");
    assert!(
        wrong.is_empty(),
        "pages rendered wrongly:\n{}",
        wrong.join("\n")
    );

    // CCITT G4 TIFF strips and JPEGs are carried, not re-encoded.
    let list = stdout(&output(
        tool("pdfimages", "poppler-utils").arg("-list").arg(&out),
    ));
    let encodings: Vec<&str> = list
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().nth(8))
        .collect();
    assert!(
        encodings.contains(&"ccitt") && encodings.iter().filter(|e| **e == "jpeg").count() >= 4,
        "{list}"
    );

    // The unsupported G3 TIFF is refused with its name and the supported list.
    let bad = dir.path().join("bad.pdf");
    let spec = DossierSpec {
        code: CODE.parse().unwrap(),
        title: "x".into(),
        metadata: DossierMetadata::default(),
        documents: vec![doc("g3", &[inputs.join("unsupported_g3.tif")])],
    };
    let err = build_dossier(&spec, &bad, &BuildOptions::default(), &mut |_| {}).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("unsupported_g3.tif") && msg.contains("Group 3") && msg.contains("G4"),
        "{msg}"
    );
    assert!(!bad.exists());
    let spec = DossierSpec {
        documents: vec![doc("palette", &[inputs.join("unsupported_palette.tif")])],
        ..spec
    };
    let err = build_dossier(&spec, &bad, &BuildOptions::default(), &mut |_| {}).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("unsupported_palette.tif")
            && msg.contains("palette")
            && msg.contains("page 1"),
        "{msg}"
    );
    assert!(!bad.exists());
}

#[test]
fn the_pdfa_checker_itself_catches_violations() {
    // A plain cairo PDF has no XMP and no OutputIntent: the checker must say so.
    let (ok, text) = pdfa_check(&fixture("cong_van_1page.pdf"));
    assert!(!ok, "checker passed a non-PDF/A file:\n{text}");
    assert!(
        text.contains("/Metadata") && text.contains("OutputIntents"),
        "{text}"
    );

    // A hoso dossier whose Info title was changed behind XMP's back.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.pdf");
    build(
        &out,
        vec![doc("Tờ khai", &[fixture("to_khai_a4_200dpi.jpg")])],
        true,
    );
    let edited = dir.path().join("edited.pdf");
    let py = venv_python("pikepdf");
    let o = output(Command::new(py).args([
        "-c",
        "import pikepdf,sys; p=pikepdf.open(sys.argv[1]); p.docinfo['/Title']='changed'; \
         p.save(sys.argv[2])",
        out.to_str().unwrap(),
        edited.to_str().unwrap(),
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    let (ok, text) = pdfa_check(&edited);
    assert!(!ok && text.contains("/Title"), "{text}");
}

#[test]
fn encrypted_pdf_input_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let enc = dir.path().join("encrypted.pdf");
    let o = output(
        tool("qpdf", "qpdf")
            .args(["--encrypt", "user", "owner", "256", "--"])
            .arg(fixture("cong_van_1page.pdf"))
            .arg(&enc),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("out.pdf");
    let spec = DossierSpec {
        code: CODE.parse().unwrap(),
        title: "x".into(),
        metadata: DossierMetadata::default(),
        documents: vec![doc("a", &[fixture("to_khai_a4_200dpi.jpg"), enc.clone()])],
    };
    let err = build_dossier(&spec, &out, &BuildOptions::default(), &mut |_| {}).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("encrypted.pdf") && msg.contains("qpdf --decrypt"),
        "{msg}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "only the encrypted input remains: {left:?}");
}

#[test]
fn embedded_tinos_subset_renders_and_extracts_vietnamese_exactly() {
    use hoso_pdf::font::{Font, FontSubset};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("text.pdf");
    let lines = [
        "SAO Y",
        "Ủy ban nhân dân phường Sông Cầu",
        "2026-11-29T09:15:02+07:00",
        "Nguyễn Thị Hoa — đăng ký khai sinh: ệ ữ ỷ ặ ỗ",
    ];
    let font = Font::tinos();
    let mut subset = FontSubset::new(&font);
    let mut content = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let codes = subset.encode(line).expect("every glyph present");
        let hex: String = codes.iter().map(|b| format!("{b:02X}")).collect();
        content.extend(format!("BT /F1 10 Tf 72 {} Td <{hex}> Tj ET\n", 760 - 20 * i).as_bytes());
    }
    let file = std::fs::File::create(&out).unwrap();
    let mut w = hoso_pdf::DossierWriter::new(file).unwrap();
    let font_ref = subset.write(&mut w).unwrap();
    w.add_content_page(595.276, 841.89, &content, &[("F1", font_ref)])
        .unwrap();
    let info = hoso_pdf::DocumentInfo {
        title: "Kiểm thử phông".into(),
        author: None,
        subject: None,
        keywords: None,
        creator_tool: "hoso test".into(),
        producer: "hoso-pdf".into(),
        language: "vi".into(),
        created: time::OffsetDateTime::now_utc(),
    };
    w.finish(&info, None).unwrap();

    assert_qpdf_clean(&out);
    let (ok, text) = pdfa_check(&out);
    assert!(ok, "{text}");
    let fonts = stdout(&output(tool("pdffonts", "poppler-utils").arg(&out)));
    let row = fonts.lines().nth(2).expect("one font");
    assert!(
        row.contains("+Tinos") && row.contains("CID TrueType") && row.contains("Identity-H"),
        "{fonts}"
    );
    assert!(
        row.split_whitespace().rev().nth(4) == Some("yes"),
        "embedded: {fonts}"
    );
    let o = output(
        tool("pdftotext", "poppler-utils")
            .args(["-layout"])
            .arg(&out)
            .arg("-"),
    );
    let extracted = stdout(&o);
    for line in lines {
        assert!(
            extracted.contains(line),
            "missing {line:?} in:\n{extracted}"
        );
    }
    // The subset holds only what was used: far smaller than the 535 kB font.
    let size = std::fs::metadata(&out).unwrap().len();
    assert!(size < 60_000, "{size} bytes");
}
