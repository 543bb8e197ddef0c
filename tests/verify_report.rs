//! Issue 14 points 3 and 6, issue 16's check flow through the `hoso` binary: the report a clerk
//! files (PDF/A, checked by the project's PDF/A checks and read back by pdftotext), the ETSI
//! TS 119 102-2 XML report (validated by xmllint against the ETSI schema in fixtures/etsi),
//! one language per output, and a change that only the rendered comparison sees (amber, exit 6).

use std::path::{Path, PathBuf};
use std::process::Command;

use hoso_e2e::sign_support::updates::{
    append_update, last_number_after, last_object, pixels_changed, pyhanko_case,
};
use hoso_e2e::sign_support::{
    certs, hoso, hoso_sign, hoso_verify, pdfs, pyhanko_validate, run, text,
};
use hoso_e2e::{pdfa_check, tool};

fn verify(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let o = run(Command::new(hoso())
        .arg("verify")
        .args(args)
        .env_remove("HOSO_REGISTER"));
    (o.status.code().unwrap_or(-1), text(&o))
}

fn signed(dir: &Path) -> PathBuf {
    let input = pdfs::classic(dir, "in.pdf", "Pay 100 VND");
    let out = dir.join("signed.pdf");
    hoso_sign(dir, &input, &out, "demo-staff-rsa.p12", &["--level", "B-B"]);
    out
}

#[test]
fn the_report_a_clerk_files_is_pdf_a_in_vietnamese_and_the_etsi_xml_validates() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let file = signed(d);
    let (pdf, xml) = (d.join("bien-ban.pdf"), d.join("etsi.xml"));
    let os = |s: &str| std::ffi::OsString::from(s);
    let (code, out) = verify(&[
        file.as_os_str(),
        &os("--demo"),
        &os("--offline"),
        &os("--report"),
        pdf.as_os_str(),
        &os("--etsi-xml"),
        xml.as_os_str(),
    ]);
    // The demo certificates name no OCSP responder or CRL: valid, revocation not checked.
    assert_eq!(code, 4, "{out}");
    // Vietnamese only: no "vi / en" line, no English label.
    assert!(
        out.contains("Người ký: CN=Nguyễn Văn An (DEMO staff RSA),O=UBND DEMO xã Hòa Bình"),
        "{out}"
    );
    for w in [" / ", "Signer", "VERDICT", "revocation"] {
        assert!(!out.contains(w), "{w:?} in the Vietnamese output:\n{out}");
    }

    // PDF/A: the project's checker (`hoso check`) and the pikepdf-based checks of the tests.
    let o = run(Command::new(hoso()).arg("check").arg(&pdf));
    assert_eq!(o.status.code(), Some(0), "hoso check: {}", text(&o));
    let (ok, why) = pdfa_check(&pdf);
    assert!(ok, "{why}");
    let o = run(tool("pdftotext", "poppler-utils").arg(&pdf).arg("-"));
    let words = String::from_utf8_lossy(&o.stdout).replace('\n', " ");
    for needle in [
        "BIÊN BẢN KIỂM TRA CHỮ KÝ SỐ",
        "Nguyễn Văn An",
        "UBND DEMO xã Hòa Bình",
        "Tổ chức cấp chứng thư",
        "HOSO DEMO Issuing CA",
        "Thời hạn chứng thư",
        "2025-01-01T07:00:00+07:00",
        "2045-01-01T07:00:00+07:00",
        "Tình trạng thu hồi",
    ] {
        assert!(
            words.contains(needle),
            "{needle:?} not found by pdftotext in:\n{words}"
        );
    }

    // The ETSI report validates against TS 119 102-2 v1.4.1 (and the schemas it imports).
    let schema = hoso_e2e::fixture("etsi/19102-2-v1.4.1.xsd");
    let o = run(tool("xmllint", "libxml2-utils")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&schema)
        .arg(&xml));
    assert!(o.status.success(), "xmllint: {}", text(&o));
    let x = std::fs::read_to_string(&xml).unwrap();
    assert!(x.contains("urn:etsi:019102:subindication:TRY_LATER"), "{x}");
    assert!(x.contains("Nguyễn Văn An"), "{x}");

    // English: English only.
    let (code, en) = verify(&[
        file.as_os_str(),
        &os("--demo"),
        &os("--offline"),
        &os("--lang"),
        &os("en"),
    ]);
    assert_eq!(code, 4, "{en}");
    assert!(
        en.contains("Signer: CN=Nguyễn Văn An") && en.contains("Issuer: "),
        "{en}"
    );
    for w in ["Người ký", "KẾT LUẬN", "Thời hạn", " / "] {
        assert!(!en.contains(w), "{w:?} in the English output:\n{en}");
    }
}

#[test]
fn an_annotation_over_signed_content_allowed_by_docmdp_p3_is_amber_exit_6_never_green() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = pdfs::classic(d, "in.pdf", "Pay 100 VND");
    let certified = d.join("certified.pdf");
    let p12 = certs().join("demo-staff-rsa.p12");
    pyhanko_case("sign", &[&input, &certified, &p12, &"Sig1", &"3", &"-"]);
    let (code, v) = hoso_verify(&certified, &["--demo", "--offline"]);
    assert_eq!(code, 4, "the certified file itself: {v:#}");
    // A square annotation (allowed under P=3) whose appearance paints white over the text.
    let data = std::fs::read(&certified).unwrap();
    let size = last_number_after(&data, "/Size") as u32;
    let (ap, annot) = (size, size + 1);
    let page = last_object(&data, 3);
    let page = if page.contains("/Annots [") {
        page.replacen("/Annots [", &format!("/Annots [ {annot} 0 R "), 1)
    } else {
        page.replacen(
            "/Type /Page",
            &format!("/Type /Page /Annots [{annot} 0 R]"),
            1,
        )
    };
    let draw = "1 1 1 rg 0 0 170 40 re f";
    let t = append_update(
        &data,
        &[
            (
                ap,
                format!(
                    "<< /Type /XObject /Subtype /Form /BBox [0 0 170 40] /Length {} >>\nstream\n{draw}\nendstream",
                    draw.len()
                ),
            ),
            (
                annot,
                format!("<< /Type /Annot /Subtype /Square /F 4 /Rect [20 110 190 150] /P 3 0 R /AP << /N {ap} 0 R >> >>"),
            ),
            (3, page),
        ],
        "",
    );
    let f = d.join("covered.pdf");
    std::fs::write(&f, &t).unwrap();
    let changed = pixels_changed(&certified, &f);
    assert!(
        changed > 100,
        "the annotation must hide signed text ({changed} pixels)"
    );
    let (code, v) = hoso_verify(&f, &["--demo", "--offline"]);
    let (py_code, py) = pyhanko_validate(&f);
    eprintln!(
        "hoso exit {code}; pyHanko exit {py_code}: {}",
        py.lines()
            .filter(|l| l.contains(':'))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    assert_eq!(code, 6, "{v:#}");
    assert_eq!(v["check_verdict"], "visual_change", "{v:#}");
    assert_eq!(v["signatures"][0]["verdict"], "VisualChange", "{v:#}");
    let overlap = v["signatures"][0]["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["kind"] == "Annotation" && c["page"] == 1);
    assert!(overlap, "{v:#}");
}
