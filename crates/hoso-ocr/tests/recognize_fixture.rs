//! Real Tesseract on the checked-in 200-dpi Vietnamese form: the words come back with diacritics
//! and with boxes where the text is.

use hoso_ocr::{find_tessdata, Engine, GrayImage};

#[test]
fn vietnamese_form_is_read_with_diacritics_and_boxes() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/to_khai_a4_200dpi.jpg"
    );
    let img = image::open(path).expect("fixture").to_luma8();
    let page = GrayImage {
        width: img.width(),
        height: img.height(),
        pixels: img.into_raw(),
    };
    let dir = find_tessdata("vie").expect("install tesseract-ocr-vie (cargo xtask test does)");
    let mut engine = Engine::new(&dir, "vie").unwrap();
    let words = engine.recognize(&page, 200).unwrap();
    let text: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    let joined = text.join(" ");
    for expected in [
        "TỜ",
        "KHAI",
        "ĐĂNG",
        "KÝ",
        "Nguyễn",
        "Thị",
        "Hoa",
        "phường",
        "Sông",
        "Cầu",
    ] {
        assert!(
            text.contains(&expected),
            "{expected:?} not found in: {joined}"
        );
    }
    // The title line sits near y = 420..480 px on the 2339 px page (see the fixture's recipe).
    let title = words.iter().find(|w| w.text == "KHAI").unwrap();
    assert!((400..520).contains(&title.top), "{title:?}");
    assert!(title.right > title.left && title.bottom > title.top);
}
