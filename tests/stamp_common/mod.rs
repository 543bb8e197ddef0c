//! Helpers of the stamp tests (issue 6): a letter with a signer block, rendering with pdftoppm,
//! pixel boxes, text from a page region with pdftotext, and running `hoso`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hoso_e2e::sign_support::{hoso, pin_file, run, text};

/// A4 in points.
pub const A4: (f32, f32) = (595.276, 841.89);
/// Baselines of the signer's title and name lines in [`letter`], in points from the bottom.
pub const TITLE_Y: f32 = 330.0;
pub const NAME_Y: f32 = 220.0;

/// A one-page A4 letter in Helvetica: body text, "Noi nhan" on the left, the signer's title and
/// name in the right column with room to sign between them.
pub fn letter(dir: &Path, name: &str) -> PathBuf {
    let lines = [
        (90.0, 760.0, "CONG VAN"),
        (90.0, 700.0, "V/v tiep nhan ho so"),
        (90.0, 320.0, "Noi nhan:"),
        (360.0, TITLE_Y, "CHU TICH"),
        (350.0, NAME_Y, "Nguyen Van An"),
    ];
    let mut s = String::from("BT /F1 13 Tf ");
    for (x, y, t) in lines {
        s.push_str(&format!("1 0 0 1 {x} {y} Tm ({t}) Tj "));
    }
    s.push_str("ET");
    let objs = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] /Contents 4 0 R \
             /Resources << /Font << /F1 5 0 R >> >> >>",
            A4.0, A4.1
        ),
        format!("<< /Length {} >>\nstream\n{s}\nendstream", s.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offs = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offs.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let x = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f\r\n", objs.len() + 1).as_bytes());
    for o in offs {
        out.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /ID [<0011223344556677> <0011223344556677>] >>\n\
             startxref\n{x}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    let p = dir.join(name);
    std::fs::write(&p, out).expect("write letter");
    p
}

/// `hoso ARGS` (run in `dir`): its output.
pub fn hoso_run(args: &[&std::ffi::OsStr]) -> Output {
    run(Command::new(hoso()).args(args))
}

/// `hoso sign` with the demo PIN; returns the output (not asserted).
pub fn sign(dir: &Path, input: &Path, out: &Path, p12: &str, extra: &[&str]) -> Output {
    let certs = hoso_e2e::sign_support::certs();
    run(Command::new(hoso())
        .arg("sign")
        .arg(input)
        .arg("--p12")
        .arg(certs.join(p12))
        .arg("--pin-file")
        .arg(pin_file(dir))
        .arg("--out")
        .arg(out)
        .args(extra))
}

/// `hoso copy` with the demo organisation key and register `reg`; returns the output.
pub fn copy(dir: &Path, input: &Path, out: &Path, reg: &Path, org: &str, extra: &[&str]) -> Output {
    let certs = hoso_e2e::sign_support::certs();
    run(Command::new(hoso())
        .arg("copy")
        .arg(input)
        .arg("--out")
        .arg(out)
        .arg("--org-p12")
        .arg(certs.join("demo-org.p12"))
        .arg("--pin-file")
        .arg(pin_file(dir))
        .arg("--org")
        .arg(org)
        .arg("--register")
        .arg(reg)
        .args(extra))
}

/// Asserts a command succeeded, showing its output if not.
pub fn ok(o: &Output, what: &str) {
    assert!(o.status.success(), "{what} failed: {}", text(o));
}

/// Page `page` (1-based) of `pdf` rendered by pdftoppm at `dpi`.
pub fn render(pdf: &Path, page: u32, dpi: u32) -> image::RgbImage {
    let dir = tempfile::tempdir().expect("tempdir");
    let prefix = dir.path().join("p");
    let o = hoso_e2e::output(
        hoso_e2e::tool("pdftoppm", "poppler-utils")
            .args(["-png", "-singlefile", "-r", &dpi.to_string()])
            .args(["-f", &page.to_string(), "-l", &page.to_string()])
            .arg(pdf)
            .arg(&prefix),
    );
    assert!(o.status.success(), "pdftoppm: {}", hoso_e2e::stderr(&o));
    image::open(prefix.with_extension("png"))
        .expect("pdftoppm wrote a PNG")
        .to_rgb8()
}

/// Bounding box `(x0, y0, x1, y1)` (pixels, y down, inclusive) of the pixels matching `pred`
/// inside `region` (same form), or `None`.
pub fn bbox(
    img: &image::RgbImage,
    region: (u32, u32, u32, u32),
    pred: impl Fn([u8; 3]) -> bool,
) -> Option<(u32, u32, u32, u32)> {
    let mut b: Option<(u32, u32, u32, u32)> = None;
    for y in region.1..=region.3.min(img.height() - 1) {
        for x in region.0..=region.2.min(img.width() - 1) {
            if pred(img.get_pixel(x, y).0) {
                b = Some(match b {
                    None => (x, y, x, y),
                    Some((a, c, d, e)) => (a.min(x), c.min(y), d.max(x), e.max(y)),
                });
            }
        }
    }
    b
}

/// The whole image as a region.
pub fn whole(img: &image::RgbImage) -> (u32, u32, u32, u32) {
    (0, 0, img.width() - 1, img.height() - 1)
}

/// Seal red: strongly red pixels.
pub fn is_red(p: [u8; 3]) -> bool {
    p[0] > 150 && p[1] < 110 && p[2] < 110
}

/// Signature blue.
pub fn is_blue(p: [u8; 3]) -> bool {
    p[2] > 110 && p[0] < 110 && p[2] > p[1] + 40
}

/// Any colour (not grey): what "no image" rules out.
pub fn is_coloured(p: [u8; 3]) -> bool {
    let (mx, mn) = (p.iter().max().unwrap_or(&0), p.iter().min().unwrap_or(&0));
    mx - mn > 40
}

/// Dark ink (text).
pub fn is_dark(p: [u8; 3]) -> bool {
    p.iter().all(|&c| c < 100)
}

/// Pixels to millimetres at `dpi`.
pub fn px_mm(px: u32, dpi: u32) -> f32 {
    px as f32 * 25.4 / dpi as f32
}

/// Text of a region of page `page`: `x, y` (points from the top left), `w × h` points.
pub fn text_in(pdf: &Path, page: u32, x: f32, y: f32, w: f32, h: f32) -> String {
    let o = hoso_e2e::output(
        hoso_e2e::tool("pdftotext", "poppler-utils")
            .args(["-f", &page.to_string(), "-l", &page.to_string(), "-r", "72"])
            .args(["-x", &(x as i32).to_string(), "-y", &(y as i32).to_string()])
            .args(["-W", &(w as i32).to_string(), "-H", &(h as i32).to_string()])
            .arg("-enc")
            .arg("UTF-8")
            .arg(pdf)
            .arg("-"),
    );
    assert!(o.status.success(), "pdftotext: {}", hoso_e2e::stderr(&o));
    hoso_e2e::stdout(&o)
}

/// Every signature valid and trusted in pyHanko (exit 0, one INTACT:TRUSTED line per signature,
/// no illegal modifications) and in pdfsig (each "Signature is Valid." and "Certificate is
/// Trusted."), the last covering the whole file; `qpdf --check` clean.
pub fn assert_all_signatures_valid(dir: &Path, pdf: &Path, count: usize) {
    use hoso_e2e::sign_support::{pdfsig_output, pyhanko_validate, qpdf_check};
    let (code, out) = pyhanko_validate(pdf);
    assert_eq!(code, 0, "pyHanko: {out}");
    let intact = out
        .lines()
        .filter(|l| l.contains(":INTACT:TRUSTED"))
        .count();
    assert_eq!(intact, count, "pyHanko: {out}");
    assert!(!out.contains("ILLEGAL"), "pyHanko: {out}");
    let sig = pdfsig_output(dir, pdf);
    assert_eq!(
        sig.matches("Signature Validation: Signature is Valid.")
            .count(),
        count,
        "pdfsig: {sig}"
    );
    assert_eq!(
        sig.matches("Certificate Validation: Certificate is Trusted.")
            .count(),
        count,
        "pdfsig: {sig}"
    );
    let last = sig.rsplit("Signature #").next().unwrap_or_default();
    assert!(last.contains("Total document signed"), "pdfsig: {sig}");
    let (code, out) = qpdf_check(pdf);
    assert_eq!(code, 0, "qpdf --check: {out}");
}
