//! What honest signers do stays VALID (issue 14, point 2): each file is made by pyHanko in the
//! test (`tests/scripts/pyhanko_cases.py`), and both hoso and pyHanko must accept it.

use std::path::{Path, PathBuf};

use hoso_e2e::sign_support::updates::{
    content_stream, form_pdf, pyhanko_case, pyhanko_sign, write_classic,
};
use hoso_e2e::sign_support::{certs, hoso_verify, pdfs, pyhanko_validate, tsa::TestTsa};

/// hoso calls every signature valid with no illegal change (exit 4, "revocation not checked":
/// the demo certificates name no OCSP responder or CRL); pyHanko exits 0 too.
fn assert_valid_in_hoso_and_pyhanko(file: &Path, signatures: usize) -> (serde_json::Value, String) {
    let (code, rep) = hoso_verify(file, &["--demo"]);
    assert_eq!(code, 4, "hoso verify {}: {rep:#}", file.display());
    let sigs = rep["signatures"].as_array().expect("signatures");
    assert_eq!(sigs.len(), signatures, "{rep:#}");
    for s in sigs {
        assert_eq!(s["verdict"], "ValidRevocationNotChecked", "{rep:#}");
        assert_ne!(s["modifications"], "Illegal", "{rep:#}");
    }
    let (code, out) = pyhanko_validate(file);
    assert_eq!(code, 0, "pyhanko: {out}");
    assert!(!out.contains("ILLEGAL"), "pyhanko: {out}");
    (rep, out)
}

fn sign(input: &Path, out: &Path, p12: &str, field: &str) {
    pyhanko_sign(input, out, p12, field);
}

#[test]
fn a_later_signers_version_and_extensions_update_is_benign() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = pdfs::classic(d, "in.pdf", "Version");
    let s1 = d.join("s1.pdf");
    sign(&input, &s1, "demo-staff-rsa.p12", "Sig1");
    let s2 = d.join("s2.pdf");
    pyhanko_case(
        "version-ext",
        &[&s1, &s2, &certs().join("demo-staff-p256.p12"), &"Sig2"],
    );
    let data = std::fs::read(&s2).unwrap();
    let tail = String::from_utf8_lossy(&data[std::fs::read(&s1).unwrap().len()..]).into_owned();
    assert!(tail.contains("/Version /2.0"), "pyHanko raised /Version");
    assert!(
        tail.contains("/ISO_"),
        "pyHanko registered the ISO extension"
    );
    let (rep, _) = assert_valid_in_hoso_and_pyhanko(&s2, 2);
    assert_eq!(
        rep["signatures"][0]["modifications"], "FormFillingAndSignatures",
        "{rep:#}"
    );
}

#[test]
fn form_filling_under_docmdp_p2_then_an_approval_signature_is_benign() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = form_pdf(d);
    let c = d.join("certified.pdf");
    pyhanko_case(
        "sign",
        &[
            &input,
            &c,
            &certs().join("demo-org.p12"),
            &"Cert",
            &"2",
            &"-",
        ],
    );
    let filled = d.join("filled.pdf");
    pyhanko_case("fill", &[&c, &filled, &"Name", &"Nguyen Van A"]);
    let (rep, out) = assert_valid_in_hoso_and_pyhanko(&filled, 1);
    assert_eq!(rep["signatures"][0]["certification"], 2, "{rep:#}");
    assert!(out.contains("EXTENDED_WITH_FORM_FILLING"), "pyhanko: {out}");
    assert!(
        rep["signatures"][0]["changes"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c["kind"] == "FormField")),
        "{rep:#}"
    );
    let approved = d.join("approved.pdf");
    sign(&filled, &approved, "demo-staff-p256.p12", "Approve");
    assert_valid_in_hoso_and_pyhanko(&approved, 2);
}

#[test]
fn four_sequential_signatures_by_rsa_and_ecdsa_signers_are_all_valid() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut cur = pdfs::classic(d, "in.pdf", "Four signers");
    for (i, p12) in [
        "demo-staff-rsa.p12",
        "demo-staff-p256.p12",
        "demo-staff-p384.p12",
        "demo-org.p12",
    ]
    .iter()
    .enumerate()
    {
        let next = d.join(format!("s{}.pdf", i + 1));
        sign(&cur, &next, p12, &format!("Sig{}", i + 1));
        cur = next;
    }
    assert_valid_in_hoso_and_pyhanko(&cur, 4);
}

#[test]
fn b_lta_updates_of_the_dss_in_place_are_benign() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tsa = TestTsa::start();
    let input = pdfs::classic(d, "in.pdf", "LTA");
    let s1 = d.join("s1.pdf");
    sign(&input, &s1, "demo-staff-rsa.p12", "Sig1");
    let pems = [
        certs().join("demo-root-ca.pem"),
        certs().join("demo-issuing-ca.pem"),
        certs().join("demo-tsa.pem"),
    ];
    let lta1 = d.join("lta1.pdf");
    pyhanko_case("dss-ts", &[&s1, &lta1, &tsa.url, &pems[0], &pems[1]]);
    let lta2 = d.join("lta2.pdf");
    pyhanko_case("dss-ts", &[&lta1, &lta2, &tsa.url, &pems[2]]);
    // The second extension updates the DSS in place (pyHanko 0.38 rewrites the DSS dictionary
    // and its arrays; the arrays the first extension wrote are left unreferenced).
    let (rep, _) = assert_valid_in_hoso_and_pyhanko(&lta2, 3);
    assert_eq!(
        rep["signatures"][0]["modifications"], "FormFillingAndSignatures",
        "{rep:#}"
    );
}

#[test]
fn a_new_signature_field_with_a_separate_widget_kid_is_benign() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = pdfs::classic(d, "in.pdf", "Kid widget");
    let s1 = d.join("s1.pdf");
    sign(&input, &s1, "demo-staff-rsa.p12", "Sig1");
    let k = d.join("kid.pdf");
    pyhanko_case("kid-field", &[&s1, &k, &"Later"]);
    let data = String::from_utf8_lossy(&std::fs::read(&k).unwrap()).into_owned();
    assert!(
        data.contains("/Kids"),
        "the field holds its widget as a kid"
    );
    assert_valid_in_hoso_and_pyhanko(&k, 1);
    let s2 = d.join("s2.pdf");
    sign(&k, &s2, "demo-staff-p256.p12", "Later");
    assert_valid_in_hoso_and_pyhanko(&s2, 2);
}

/// A one-page file with an empty, visible signature field `Visa` (merged widget).
fn with_empty_field(dir: &Path) -> PathBuf {
    let body = [
        "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R] >> >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [6 0 R] >>".to_owned(),
        content_stream("0 0 1 rg 20 20 160 60 re f 0 g BT /F1 18 Tf 30 120 Td (Empty field) Tj ET"),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Visa) /Rect [20 140 180 190] /F 4 /P 3 0 R >>".to_owned(),
    ];
    write_classic(dir, "empty-field.pdf", &body, "", 0)
}

#[test]
fn an_empty_field_given_its_appearance_by_the_signer_who_signs_it_is_benign() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = with_empty_field(d);
    let s1 = d.join("s1.pdf");
    sign(&input, &s1, "demo-staff-rsa.p12", "Sig1");
    let s2 = d.join("s2.pdf");
    sign(&s1, &s2, "demo-staff-p256.p12", "Visa");
    let tail =
        String::from_utf8_lossy(&std::fs::read(&s2).unwrap()[std::fs::read(&s1).unwrap().len()..])
            .into_owned();
    assert!(tail.contains("/AP"), "pyHanko drew the field's appearance");
    let (rep, _) = assert_valid_in_hoso_and_pyhanko(&s2, 2);
    // The earlier signature sees the empty field filled and signed (an allowed change).
    let sigs = rep["signatures"].as_array().expect("signatures");
    assert!(
        sigs.iter().any(|s| s["changes"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c["kind"] == "SignatureField"))),
        "{rep:#}"
    );
}
