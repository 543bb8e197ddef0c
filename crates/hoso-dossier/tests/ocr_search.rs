//! Build with OCR, then find the dossier by its words, with and without diacritics.

use std::path::{Path, PathBuf};

use hoso_dossier::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

#[test]
fn ocr_text_is_embedded_and_searchable_with_or_without_diacritics() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("hs.pdf");
    let spec = DossierSpec {
        code: "000.00.15.H12-261129-0003".parse().unwrap(),
        title: "Đăng ký khai sinh".into(),
        metadata: DossierMetadata::default(),
        documents: vec![
            DocumentSpec {
                name: "Tờ khai".into(),
                files: vec![fixture("to_khai_a4_200dpi.jpg")],
                metadata: DocumentMetadata::default(),
            },
            DocumentSpec {
                name: "Giấy chứng sinh".into(),
                files: vec![fixture("giay_chung_sinh_g4_2pages.tiff")],
                metadata: DocumentMetadata::default(),
            },
        ],
    };
    let options = BuildOptions {
        ocr: Some(OcrOptions {
            languages: "vie".into(),
            threads: 2,
        }),
        ..Default::default()
    };
    let mut ocr_events = 0;
    let report = build_dossier(&spec, &out, &options, &mut |e| {
        if matches!(e, BuildEvent::Ocr { .. }) {
            ocr_events += 1
        }
    })
    .unwrap();
    assert_eq!(ocr_events, 3, "one OCR event per raster page");
    let texts = &report.manifest.documents[1].page_text;
    assert_eq!(texts.len(), 2);
    assert!(texts[0].contains("GIẤY CHỨNG SINH"), "{texts:?}");

    let mut index = SearchIndex::open(&dir.path().join("idx.sqlite")).unwrap();
    assert!(index.add_file(&out).unwrap());
    assert!(
        !index.add_file(&out).unwrap(),
        "same bytes are not indexed twice"
    );

    let hits = index.search("Sinh con lúc", false, 10).unwrap();
    let pages: Vec<(u32, &str)> = hits.iter().map(|h| (h.page, h.document.as_str())).collect();
    assert_eq!(pages.len(), 2, "{hits:?}");
    assert!(pages.contains(&(2, "Giấy chứng sinh")) && pages.contains(&(3, "Giấy chứng sinh")));
    assert_eq!(hits[0].code, "000.00.15.H12-261129-0003");

    // Typed without accents: found only when diacritics are ignored.
    assert!(index
        .search("phuong song cau", false, 10)
        .unwrap()
        .is_empty());
    let hits = index.search("phuong song cau", true, 10).unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!((hits[0].page, hits[0].document.as_str()), (1, "Tờ khai"));
    assert!(
        hits[0].snippet.contains("«phường» «Sông» «Cầu»"),
        "{}",
        hits[0].snippet
    );

    // A PDF without a hoso manifest is refused by name.
    let err = index.add_file(&fixture("cong_van_1page.pdf")).unwrap_err();
    assert!(matches!(err, SearchError::NoManifest { .. }), "{err}");
}
