//! Modification classes of issue 14, point 1: each test writes an incremental update byte by
//! byte over a file signed by pyHanko, shows with pdftoppm that page 1 looks different, and
//! asserts that hoso says INVALID (exit 1) with the change named by page. What pyHanko and
//! pdfsig say is asserted too, as recorded facts, so that a change in them is noticed.

use std::path::{Path, PathBuf};
use std::process::Command;

use hoso_e2e::sign_support::updates::{
    append_update, content_stream, last_number_after, last_object, pixels_changed, pyhanko_sign,
    write_classic,
};
use hoso_e2e::sign_support::{hoso, hoso_verify, pdfs, pdfsig_output, pyhanko_validate, run, text};

const EVIL: &str = "1 1 1 rg 0 0 200 200 re f 0 g BT /F1 18 Tf 30 120 Td (Pay 999999 VND) Tj ET";

/// What every checker said about an attacked file.
struct Verdicts {
    hoso: serde_json::Value,
    pyhanko_code: i32,
    pyhanko: String,
    pdfsig: String,
}

fn judge(dir: &Path, signed: &Path, attacked: &Path) -> Verdicts {
    judge_pixels(dir, signed, attacked, true)
}

/// As [`judge`]; `shows` says whether pdftoppm shows the change (poppler ignores bytes that
/// are not part of a revision, readers that rebuild the cross-reference table do not).
fn judge_pixels(dir: &Path, signed: &Path, attacked: &Path, shows: bool) -> Verdicts {
    let changed = pixels_changed(signed, attacked);
    if shows {
        assert!(
            changed > 100,
            "the attack must change what page 1 shows ({changed} pixels)"
        );
    } else {
        assert_eq!(changed, 0, "poppler does not apply these bytes");
    }
    let (code, hoso) = hoso_verify(attacked, &["--demo"]);
    assert_eq!(code, 1, "hoso must say INVALID: {hoso:#}");
    assert_eq!(hoso["verdict"], "Invalid", "{hoso:#}");
    assert_eq!(
        hoso["signatures"][0]["modifications"], "Illegal",
        "{hoso:#}"
    );
    let (pyhanko_code, pyhanko) = pyhanko_validate(attacked);
    let pdfsig = pdfsig_output(dir, attacked);
    eprintln!(
        "{}: {changed} pixels changed; pyhanko exit {pyhanko_code}: {}; pdfsig: {}",
        attacked.display(),
        pyhanko
            .lines()
            .filter(|l| l.contains(':'))
            .collect::<Vec<_>>()
            .join(" | "),
        pdfsig
            .lines()
            .filter(|l| l.contains("Validation") || l.contains("signed"))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    Verdicts {
        hoso,
        pyhanko_code,
        pyhanko,
        pdfsig,
    }
}

/// The changes hoso lists for the first signature.
fn changes(v: &Verdicts) -> Vec<serde_json::Value> {
    v.hoso["signatures"][0]["changes"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn has_change(v: &Verdicts, kind: &str, page: Option<u64>) -> bool {
    changes(v).iter().any(|c| {
        c["kind"] == kind && c["level"] == "Illegal" && page.is_none_or(|p| c["page"] == p)
    })
}

fn signed_by_pyhanko(dir: &Path, input: &Path) -> PathBuf {
    let out = dir.join("signed.pdf");
    pyhanko_sign(input, &out, "demo-staff-rsa.p12", "Sig1");
    // The demo certificates name no OCSP responder or CRL: valid, revocation not checked (4).
    let (code, rep) = hoso_verify(&out, &["--demo"]);
    assert_eq!(code, 4, "the signed file itself is valid: {rep:#}");
    out
}

fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, data).expect("write attacked file");
    p
}

#[test]
fn trailer_info_pointed_at_page_content_is_a_content_change() {
    let dir = tempfile::tempdir().unwrap();
    let input = pdfs::classic(dir.path(), "in.pdf", "Pay 100 VND");
    let signed = signed_by_pyhanko(dir.path(), &input);
    let data = std::fs::read(&signed).unwrap();
    // Object 4 is page 1's content; the new trailer calls it the document information.
    let t = append_update(&data, &[(4, content_stream(EVIL))], " /Info 4 0 R");
    let f = write(dir.path(), "info-content.pdf", &t);
    let v = judge(dir.path(), &signed, &f);
    assert!(has_change(&v, "PageContent", Some(1)), "{:#}", v.hoso);
    assert!(has_change(&v, "Trailer", Some(1)), "{:#}", v.hoso);
    // pyHanko: refuses (page content changed); pdfsig: signature valid, not total document.
    assert_eq!(v.pyhanko_code, 1, "{}", v.pyhanko);
    assert!(v.pyhanko.contains("ILLEGAL_MODIFICATIONS"), "{}", v.pyhanko);
    assert!(v.pdfsig.contains("Signature is Valid."), "{}", v.pdfsig);
    assert!(
        v.pdfsig.contains("Not total document signed"),
        "{}",
        v.pdfsig
    );
}

/// A one-page file whose page content array names object 50, which does not exist.
fn dangling_input(dir: &Path) -> PathBuf {
    let body = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents [4 0 R 50 0 R] /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        content_stream("0 0 1 rg 20 20 160 60 re f 0 g BT /F1 18 Tf 30 120 Td (Pay 100 VND) Tj ET"),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    write_classic(dir, "dangling-in.pdf", &body, "", 0)
}

#[test]
fn filling_a_dangling_reference_is_a_change_whatever_the_object_claims() {
    let dir = tempfile::tempdir().unwrap();
    let input = dangling_input(dir.path());
    let signed = signed_by_pyhanko(dir.path(), &input);
    let data = std::fs::read(&signed).unwrap();
    for claim in [
        "/Type /ObjStm /N 0 /First 0",
        "/Type /XRef /W [1 1 1]",
        "/Type /Metadata /Subtype /XML",
    ] {
        let body = format!(
            "<< {claim} /Length {} >>\nstream\n{EVIL}\nendstream",
            EVIL.len()
        );
        // No trailer key names the new object: only the old page's content array does.
        let t = append_update(&data, &[(50, body)], "");
        let f = write(dir.path(), "dangling.pdf", &t);
        let v = judge(dir.path(), &signed, &f);
        assert!(
            has_change(&v, "DanglingReference", Some(1)),
            "{claim}: {:#}",
            v.hoso
        );
        assert!(
            v.pdfsig.contains("Not total document signed"),
            "{}",
            v.pdfsig
        );
        assert!(v.pdfsig.contains("Signature is Valid."), "{}", v.pdfsig);
        // pyHanko cannot read the signed revision in strict mode (the dangling reference).
        assert_eq!(v.pyhanko_code, 1, "{claim}: {}", v.pyhanko);
        assert!(v.pyhanko.contains("strict mode"), "{claim}: {}", v.pyhanko);
    }
}

#[test]
fn an_old_entry_pointing_into_the_appended_bytes_is_a_change() {
    let dir = tempfile::tempdir().unwrap();
    // When signed, object 6's entry points past the end of the file (60000); nothing defines it.
    const AT: usize = 60_000;
    let body = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents [4 0 R 6 0 R] /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        content_stream("0 0 1 rg 20 20 160 60 re f 0 g BT /F1 18 Tf 30 120 Td (Pay 100 VND) Tj ET"),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let input = write_classic(
        dir.path(),
        "far-in.pdf",
        &body,
        &format!("6 1\n{AT:010} 00000 n\r\n"),
        7,
    );
    let signed = signed_by_pyhanko(dir.path(), &input);
    let data = std::fs::read(&signed).unwrap();
    assert!(data.len() < AT - 100, "pyHanko's revision ends before {AT}");
    // Padding up to byte 60000, object 6 there, then a proper revision that lists only a new
    // document information dictionary: object 6 is in no new cross-reference section.
    let mut t = data.clone();
    t.push(b'\n');
    while t.len() < AT - 1 {
        let n = (AT - 1 - t.len()).min(72);
        t.push(b'%');
        t.extend(std::iter::repeat_n(b'x', n.saturating_sub(2)));
        if t.len() < AT - 1 {
            t.push(b'\n');
        }
    }
    t.truncate(AT - 1);
    t.push(b'\n');
    t.extend_from_slice(format!("6 0 obj\n{}\nendobj\n", content_stream(EVIL)).as_bytes());
    let size = last_number_after(&data, "/Size") as u32;
    let t = append_update(
        &t,
        &[(size, "<< /Producer (editor) >>".to_owned())],
        &format!(" /Info {size} 0 R"),
    );
    let f = write(dir.path(), "far-entry.pdf", &t);
    let v = judge(dir.path(), &signed, &f);
    assert!(has_change(&v, "PageContent", Some(1)), "{:#}", v.hoso);
    assert!(
        v.pdfsig.contains("Not total document signed"),
        "{}",
        v.pdfsig
    );
    assert!(v.pdfsig.contains("Signature is Valid."), "{}", v.pdfsig);
    // pyHanko is fooled: it sees only a document information update.
    assert_eq!(v.pyhanko_code, 0, "{}", v.pyhanko);
    assert!(
        v.pyhanko.contains("ACCEPTABLE_MODIFICATIONS"),
        "{}",
        v.pyhanko
    );
}

#[test]
fn a_visible_unsigned_signature_widget_is_a_sneaky_signature() {
    let dir = tempfile::tempdir().unwrap();
    let input = pdfs::classic(dir.path(), "in.pdf", "Pay 100 VND");
    let signed = signed_by_pyhanko(dir.path(), &input);
    let data = std::fs::read(&signed).unwrap();
    let size = last_number_after(&data, "/Size") as u32;
    let (ap, widget) = (size, size + 1);
    // The AcroForm pyHanko wrote, and page 1.
    let af_num = last_number_after(&data, "/AcroForm");
    let af = last_object(&data, af_num as u32).replacen(
        "/Fields [",
        &format!("/Fields [ {widget} 0 R"),
        1,
    );
    let page = last_object(&data, 3).replacen("/Annots [", &format!("/Annots [ {widget} 0 R"), 1);
    let draw = "1 1 1 rg 0 0 170 40 re f 0 g BT /Helvetica 14 Tf 5 15 Td (Pay 999999 VND) Tj ET";
    let t = append_update(
        &data,
        &[
            (
                ap,
                format!(
                    "<< /Type /XObject /Subtype /Form /BBox [0 0 170 40] /Resources << /Font << /Helvetica << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> /Length {} >>\nstream\n{draw}\nendstream",
                    draw.len()
                ),
            ),
            (
                widget,
                format!("<< /Type /Annot /Subtype /Widget /FT /Sig /T (Sig2) /F 4 /Rect [20 110 190 150] /P 3 0 R /AP << /N {ap} 0 R >> >>"),
            ),
            (3, page),
            (af_num as u32, af),
        ],
        "",
    );
    let f = write(dir.path(), "sneaky.pdf", &t);
    let v = judge(dir.path(), &signed, &f);
    let sneaky = changes(&v)
        .into_iter()
        .find(|c| c["kind"] == "SneakySignature")
        .unwrap_or_else(|| panic!("{:#}", v.hoso));
    assert_eq!(sneaky["page"], 1, "{sneaky:#}");
    assert_eq!(
        sneaky["rect"],
        serde_json::json!([20.0, 110.0, 190.0, 150.0])
    );
    assert!(
        v.pdfsig.contains("Not total document signed"),
        "{}",
        v.pdfsig
    );
    assert!(
        v.pdfsig.contains("The signature form field is not signed."),
        "{}",
        v.pdfsig
    );
    // pyHanko is fooled: a new signature field is form filling to it.
    assert_eq!(v.pyhanko_code, 0, "{}", v.pyhanko);
    assert!(
        v.pyhanko.contains("EXTENDED_WITH_FORM_FILLING"),
        "{}",
        v.pyhanko
    );
}

#[test]
fn bytes_appended_after_eof_without_a_revision_are_an_unsigned_change() {
    let dir = tempfile::tempdir().unwrap();
    let input = pdfs::classic(dir.path(), "in.pdf", "Pay 100 VND");
    let signed = signed_by_pyhanko(dir.path(), &input);
    let data = std::fs::read(&signed).unwrap();
    let object = format!("\n4 0 obj\n{}\nendobj\n", content_stream(EVIL));
    let sx = last_number_after(&data, "startxref");
    // A new definition of page 1's content without cross-reference data: alone, and followed
    // by a startxref that repeats the signed one.
    let mut alone = data.clone();
    alone.extend_from_slice(object.as_bytes());
    let mut repeated = alone.clone();
    repeated.extend_from_slice(format!("startxref\n{sx}\n%%EOF\n").as_bytes());
    for (name, t) in [
        ("appended.pdf", alone),
        ("appended-startxref.pdf", repeated),
    ] {
        let f = write(dir.path(), name, &t);
        let v = judge_pixels(dir.path(), &signed, &f, false);
        assert!(
            has_change(&v, "AppendedBytes", None),
            "{name}: {:#}",
            v.hoso
        );
        // pyHanko accepts the file as unchanged; pdfsig calls the signature valid.
        assert_eq!(v.pyhanko_code, 0, "{name}: {}", v.pyhanko);
        assert!(
            v.pyhanko.contains("EXTENDED_WITH_NONE"),
            "{name}: {}",
            v.pyhanko
        );
        assert!(
            v.pdfsig.contains("Signature is Valid."),
            "{name}: {}",
            v.pdfsig
        );
    }
    // With a startxref that points at no cross-reference section, poppler rebuilds the table
    // and shows the new content while pdfsig still calls the signature valid. hoso verifies the
    // last readable revision (the signed one) and judges the bytes after it an unsigned change:
    // INVALID (exit 1), naming the appended bytes.
    let mut broken = data.clone();
    let at = broken.len() + 1;
    broken.extend_from_slice(object.as_bytes());
    broken.extend_from_slice(format!("startxref\n{at}\n%%EOF\n").as_bytes());
    let f = write(dir.path(), "appended-broken.pdf", &broken);
    assert!(
        pixels_changed(&signed, &f) > 100,
        "poppler applies the appended object"
    );
    let (code, v) = hoso_verify(&f, &["--demo"]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["verdict"], "Invalid", "{v:#}");
    assert_eq!(v["signatures"][0]["modifications"], "Illegal", "{v:#}");
    let appended = v["signatures"][0]["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["kind"] == "AppendedBytes");
    assert!(appended, "{v:#}");
    // The text output says the same.
    let o = run(Command::new(hoso()).args(["verify", "--demo"]).arg(&f));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let pdfsig = pdfsig_output(dir.path(), &f);
    assert!(pdfsig.contains("Signature is Valid."), "{pdfsig}");
    let (code, out) = pyhanko_validate(&f);
    assert_eq!(code, 1, "{out}");
}
