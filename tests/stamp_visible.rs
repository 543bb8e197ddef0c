//! Visible signatures per Decree 30/2020/NĐ-CP Appendix I part I (issue 6): the competent
//! person's blue signature image centred between title and name, the organisation's red seal at
//! its real size over about the left third of it, the annex block at the top right of page 1 —
//! checked on pdftoppm renderings and pdftotext, with pdfsig, pyHanko and qpdf; bad seal images
//! refused with the Decree's rule named.

mod stamp_common;

use std::path::Path;

use hoso_e2e::sign_support::{certs, text};
use stamp_common::*;

const DPI: u32 = 150;

/// `/Rect`s of the annotations (hoso's signature widgets) on page 1, in `/Annots` order, as
/// pikepdf reads them.
fn widget_rects(pdf: &Path) -> Vec<[f32; 4]> {
    hoso_e2e::annot_rects(pdf, 0)
}

fn pt_to_px(pt: f32) -> f32 {
    pt * DPI as f32 / 72.0
}

#[test]
fn signature_image_and_seal_land_where_the_decree_puts_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let doc = letter(d, "letter.pdf");
    let person = d.join("person.pdf");
    let both = d.join("both.pdf");
    let sig_png = certs().join("demo-signature.png");
    let seal_png = certs().join("demo-seal.png");
    let o = sign(
        d,
        &doc,
        &person,
        "demo-staff-rsa.p12",
        &[
            "--visible",
            "--signature-image",
            sig_png.to_str().expect("utf-8 path"),
        ],
    );
    ok(&o, "hoso sign --visible --signature-image");
    let o = sign(
        d,
        &person,
        &both,
        "demo-org.p12",
        &[
            "--visible",
            "--seal",
            seal_png.to_str().expect("utf-8 path"),
        ],
    );
    ok(&o, "hoso sign --visible --seal");

    // PDF level: the person's widget, then the seal over its left third, vertically centred.
    let rects = widget_rects(&both);
    assert_eq!(rects.len(), 2, "{rects:?}");
    let (sig, seal) = (rects[0], rects[1]);
    let sig_w = sig[2] - sig[0];
    assert!(
        (seal[2] - (sig[0] + sig_w / 3.0)).abs() < 0.5,
        "{sig:?} {seal:?}"
    );
    let mid = |r: [f32; 4]| (r[1] + r[3]) / 2.0;
    assert!((mid(seal) - mid(sig)).abs() < 0.5, "{sig:?} {seal:?}");
    // The signature is between the title line and the name line.
    assert!(
        mid(sig) > NAME_Y + 10.0 && mid(sig) < TITLE_Y - 5.0,
        "{sig:?}"
    );

    // Rendered: a red seal of its real size (40 mm PNG, outer ring 39.4 mm across) where the
    // widget is; a blue signature inside its widget; the seal's right edge inside the left half
    // of the signature.
    let img = render(&both, 1, DPI);
    let red = bbox(&img, whole(&img), is_red).expect("a red seal is drawn");
    let (w_mm, h_mm) = (px_mm(red.2 - red.0 + 1, DPI), px_mm(red.3 - red.1 + 1, DPI));
    assert!(
        (w_mm - 39.4).abs() < 1.0 && (h_mm - 39.4).abs() < 1.0,
        "seal {w_mm} × {h_mm} mm"
    );
    let red_cx = (red.0 + red.2) as f32 / 2.0;
    let red_cy = (red.1 + red.3) as f32 / 2.0;
    assert!(
        (red_cx - pt_to_px((seal[0] + seal[2]) / 2.0)).abs() < 6.0,
        "{red:?} {seal:?}"
    );
    assert!(
        (red_cy - pt_to_px(A4.1 - mid(seal))).abs() < 6.0,
        "{red:?} {seal:?}"
    );
    let blue = bbox(&img, whole(&img), is_blue).expect("a blue signature is drawn");
    assert!(blue.0 as f32 >= pt_to_px(sig[0]) - 2.0 && blue.2 as f32 <= pt_to_px(sig[2]) + 2.0);
    assert!(
        red.2 > blue.0 && red.2 < (blue.0 + blue.2) / 2,
        "seal right edge {} not over the left part of the signature {blue:?}",
        red.2
    );

    assert_all_signatures_valid(d, &both, 2);
}

#[test]
fn annex_block_is_text_at_the_top_right_of_page_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let doc = letter(d, "annex.pdf");
    let out = d.join("annex-signed.pdf");
    let o = sign(
        d,
        &doc,
        &out,
        "demo-org.p12",
        &["--visible", "--annex", "12/QĐ-UBND"],
    );
    ok(&o, "hoso sign --visible --annex");
    let t = text_in(&out, 1, A4.0 / 2.0, 0.0, A4.0 / 2.0, 70.0);
    assert!(t.contains("12/QĐ-UBND"), "{t}");
    let time = t
        .lines()
        .find(|l| l.ends_with("+07:00"))
        .unwrap_or_default();
    assert_eq!(time.len(), 25, "ISO 8601 time with +07:00: {t}");
    let img = render(&out, 1, DPI);
    let top_right = (img.width() / 2, 0, img.width() - 1, pt_to_px(70.0) as u32);
    assert!(
        bbox(&img, top_right, is_dark).is_some(),
        "text drawn at the top right"
    );
    assert!(
        bbox(&img, top_right, is_coloured).is_none(),
        "no image at the top right"
    );
    assert_all_signatures_valid(d, &out, 1);
}

/// Writes `png` recoloured/backed as `how` says.
fn altered_seal(dest: &Path, how: &str) {
    let mut img = image::open(certs().join("demo-seal.png"))
        .expect("demo seal")
        .to_rgba8();
    for p in img.pixels_mut() {
        match how {
            "white-ground" => {
                let a = f32::from(p[3]) / 255.0;
                for c in 0..3 {
                    p[c] = (f32::from(p[c]) * a + 255.0 * (1.0 - a)) as u8;
                }
                p[3] = 255;
            }
            "blue" => {
                p[0] = 20;
                p[1] = 40;
                p[2] = 200;
            }
            _ => {}
        }
    }
    // Written without pHYs: the size then has to come from --seal-mm.
    img.save(dest).expect("write altered seal");
}

#[test]
fn bad_seal_images_are_refused_naming_the_decree_rule() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let doc = letter(d, "letter.pdf");
    let cases: [(&str, &[&str], &str); 4] = [
        ("white-ground", &["--seal-mm", "40"], "trong suốt"),
        ("blue", &["--seal-mm", "40"], "màu đỏ"),
        ("as-is", &["--seal-mm", "250"], "kích thước thật"),
        ("as-is", &[], "pHYs"),
    ];
    for (how, extra, words) in cases {
        let png = d.join(format!("seal-{how}.png"));
        altered_seal(&png, how);
        let out = d.join("refused.pdf");
        let mut args = vec!["--visible", "--seal", png.to_str().expect("utf-8")];
        args.extend_from_slice(extra);
        let o = sign(d, &doc, &out, "demo-org.p12", &args);
        let msg = text(&o);
        assert_eq!(o.status.code(), Some(2), "{how} {extra:?}: {msg}");
        assert!(msg.contains(words), "{how}: {msg}");
        assert!(
            msg.contains("Nghị định 30/2020") && msg.contains("Decree 30/2020"),
            "{msg}"
        );
        assert!(!out.exists(), "no output after a refused seal");
    }
    // A red image offered as the person's signature: the Decree wants it blue.
    let out = d.join("refused.pdf");
    let seal = certs().join("demo-seal.png");
    let o = sign(
        d,
        &doc,
        &out,
        "demo-staff-rsa.p12",
        &[
            "--visible",
            "--signature-image",
            seal.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("màu xanh") && text(&o).contains("must be blue"),
        "{}",
        text(&o)
    );
    assert!(!out.exists());
}

#[test]
fn visible_signature_on_a_pdfa_input_keeps_it_pdfa() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let input = hoso_e2e::sign_support::pdfs::pdfa(d);
    let out = d.join("pdfa-signed.pdf");
    let sig = certs().join("demo-signature.png");
    let o = sign(
        d,
        &input,
        &out,
        "demo-staff-rsa.p12",
        &[
            "--visible",
            "--signature-image",
            sig.to_str().expect("utf-8"),
            "--page",
            "1",
            "--at",
            "140,200",
        ],
    );
    ok(&o, "hoso sign --visible on PDF/A");
    // The page has no text: the default position is announced, --at wins.
    let rects = widget_rects(&out);
    assert_eq!(rects.len(), 1);
    let cx = (rects[0][0] + rects[0][2]) / 2.0;
    let cy = (rects[0][1] + rects[0][3]) / 2.0;
    assert!((cx - 140.0 * 72.0 / 25.4).abs() < 0.5, "{rects:?}");
    assert!(
        (cy - (842.0 - 200.0 * 72.0 / 25.4)).abs() < 0.5,
        "{rects:?}"
    );
    let (pdfa_ok, rep) = hoso_e2e::pdfa_check(&out);
    assert!(
        pdfa_ok,
        "a signature image with an SMask keeps PDF/A-2: {rep}"
    );
    assert_all_signatures_valid(d, &out, 1);
}

/// Issue 21 point 3: `--at 300,200` on an A4 page used to sign with the image off the page and
/// say nothing; now it is refused, naming the page size, and nothing is written.
#[test]
fn at_position_off_the_page_is_refused_naming_the_page_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let input = hoso_e2e::sign_support::pdfs::pdfa(d);
    let out = d.join("off-page.pdf");
    let sig = certs().join("demo-signature.png");
    let o = sign(
        d,
        &input,
        &out,
        "demo-staff-rsa.p12",
        &[
            "--visible",
            "--signature-image",
            sig.to_str().expect("utf-8"),
            "--at",
            "300,200",
        ],
    );
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    let said = text(&o);
    assert!(
        said.contains("ngoài trang") && said.contains("210 mm") && said.contains("297 mm"),
        "{said}"
    );
    assert!(!out.exists(), "nothing is written");
}

/// The lowest word `w` on page 1 per `pdftotext -bbox`: (yMin, yMax) in points from the top.
fn lowest_word(pdf: &Path, w: &str) -> Option<(f32, f32)> {
    let o = hoso_e2e::output(
        hoso_e2e::tool("pdftotext", "poppler-utils")
            .args(["-bbox", "-f", "1", "-l", "1"])
            .arg(pdf)
            .arg("-"),
    );
    let html = hoso_e2e::stdout(&o);
    let attr = |line: &str, key: &str| -> Option<f32> {
        let start = line.find(&format!("{key}=\""))? + key.len() + 2;
        line[start..].split('"').next()?.parse().ok()
    };
    html.lines()
        .filter(|l| l.contains("<word") && l.contains(&format!(">{w}</word>")))
        .filter_map(|l| Some((attr(l, "yMin")?, attr(l, "yMax")?)))
        .max_by(|a, b| a.0.total_cmp(&b.0))
}

#[test]
fn signer_block_is_found_in_the_ocr_layer_of_a_scanned_dossier() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let dossier = d.join("dossier.pdf");
    let o = hoso_e2e::sign_support::run(
        std::process::Command::new(hoso_e2e::sign_support::hoso())
            .args(["build", "--ocr", "--no-manifest", "--out"])
            .arg(&dossier)
            .args(["--code", "000.00.15.H12-261129-0001", "--title", "Tờ khai"])
            .arg(hoso_e2e::fixture("to_khai_a4_200dpi.jpg")),
    );
    ok(&o, "hoso build --ocr");
    // "Người yêu cầu" (title) above the space, "Nguyễn Thị Hoa" (name) below it.
    let title = lowest_word(&dossier, "cầu").expect("the title line is in the OCR layer");
    let name = lowest_word(&dossier, "Hoa").expect("the name line is in the OCR layer");
    assert!(name.0 > title.1, "{title:?} {name:?}");
    let out = d.join("dossier-signed.pdf");
    let sig = certs().join("demo-signature.png");
    ok(
        &sign(
            d,
            &dossier,
            &out,
            "demo-staff-rsa.p12",
            &[
                "--visible",
                "--signature-image",
                sig.to_str().expect("utf-8"),
            ],
        ),
        "hoso sign --visible on the dossier",
    );
    let r = widget_rects(&out)[0];
    let page_h = 841.89f32;
    let (top, bottom) = (page_h - r[3], page_h - r[1]);
    // 1.5 pt: the OCR layer's line boxes (font size from Tesseract's row height) and
    // pdftotext's word boxes (the font's ascent) differ by a fraction of a point.
    assert!(
        top >= title.1 - 1.5 && bottom <= name.0 + 1.5,
        "{r:?} between {title:?} and {name:?}"
    );
    let (pdfa_ok, rep) = hoso_e2e::pdfa_check(&out);
    assert!(pdfa_ok, "{rep}");
    assert_all_signatures_valid(d, &out, 1);
}
