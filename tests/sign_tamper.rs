//! Tampering and the known PDF signature attacks (Mladenov et al., "1 Trillion Dollar Refund",
//! 2019: incremental saving, universal signature forgery, signature wrapping; Mainka et al.,
//! shadow attacks, 2021: hide, replace, hide-and-replace), plus DocMDP violations. Each must make
//! hoso report failure; pdfsig and pyHanko are asked too where they can tell.

use std::path::{Path, PathBuf};
use std::process::Command;

use hoso_e2e::sign_support::{
    hoso, hoso_sign, hoso_verify, pdfs, pdfsig_output, pyhanko_validate, run, text,
};

/// The body of the newest definition of object `num` (between `num 0 obj` and `endobj`).
fn last_object(data: &[u8], num: u32) -> String {
    let head = format!("\n{num} 0 obj\n");
    let at = data
        .windows(head.len())
        .rposition(|w| w == head.as_bytes())
        .unwrap_or_else(|| panic!("object {num} not found"))
        + head.len();
    let end = at
        + data[at..]
            .windows(6)
            .position(|w| w == b"endobj")
            .expect("endobj");
    String::from_utf8_lossy(&data[at..end]).trim().to_owned()
}

fn last_number_after(data: &[u8], key: &str) -> u64 {
    let at = data
        .windows(key.len())
        .rposition(|w| w == key.as_bytes())
        .expect("key")
        + key.len();
    String::from_utf8_lossy(&data[at..(at + 24).min(data.len())])
        .split(|c: char| !c.is_ascii_digit())
        .find(|s| !s.is_empty())
        .expect("number")
        .parse()
        .expect("number")
}

/// Appends a classic incremental update defining `objs` (ISO 32000-1 §7.5.6).
fn append_update(data: &[u8], objs: &[(u32, String)]) -> Vec<u8> {
    let prev = last_number_after(data, "startxref");
    let size = last_number_after(data, "/Size ") as u32;
    let mut out = data.to_vec();
    let mut rows = Vec::new();
    for (n, body) in objs {
        rows.push((*n, out.len()));
        out.extend_from_slice(format!("{n} 0 obj\n{body}\nendobj\n").as_bytes());
    }
    let x = out.len();
    out.extend_from_slice(b"xref\n");
    for (n, off) in &rows {
        out.extend_from_slice(format!("{n} 1\n{off:010} 00000 n\r\n").as_bytes());
    }
    let max = objs.iter().map(|(n, _)| n + 1).max().unwrap_or(0).max(size);
    out.extend_from_slice(
        format!("trailer\n<< /Size {max} /Root 1 0 R /Prev {prev} >>\nstartxref\n{x}\n%%EOF\n")
            .as_bytes(),
    );
    out
}

fn content_stream(s: &str) -> String {
    format!("<< /Length {} >>\nstream\n{s}\nendstream", s.len())
}

fn signed_classic(dir: &Path, p12: &str, extra: &[&str]) -> PathBuf {
    let input = pdfs::classic(dir, "in.pdf", "Pay 100 VND");
    let out = dir.join("signed.pdf");
    hoso_sign(dir, &input, &out, p12, extra);
    out
}

fn assert_hoso_refuses(file: &Path, why: &str) -> serde_json::Value {
    let (code, rep) = hoso_verify(file, &["--demo"]);
    assert_eq!(code, 1, "{why}: hoso must refuse: {rep:#}");
    assert_eq!(rep["verdict"], "Invalid", "{why}: {rep:#}");
    rep
}

fn assert_pdfsig_refuses(dir: &Path, file: &Path, why: &str) {
    let out = pdfsig_output(dir, file);
    assert!(
        !out.contains("Signature is Valid.") || out.contains("Not total document signed"),
        "{why}: pdfsig: {out}"
    );
}

fn assert_pyhanko_refuses(file: &Path, why: &str) {
    let (code, out) = pyhanko_validate(file);
    assert_ne!(code, 0, "{why}: pyhanko: {out}");
}

#[test]
fn flipping_bytes_inside_the_signed_ranges_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let signed = signed_classic(dir.path(), "demo-staff-p256.p12", &[]);
    let data = std::fs::read(&signed).unwrap();
    let b = last_number_after(&data, "/ByteRange [0 ") as usize;
    let text_at = data.windows(3).position(|w| w == b"Pay").unwrap();
    let m_at = data.windows(5).rposition(|w| w == b"(D:20").unwrap() + 5;
    // The visible text, the claimed time (second range), then a sweep over both ranges.
    let mut positions = vec![text_at, m_at];
    let c = b + data[b..].iter().position(|&x| x == b'>').unwrap() + 1;
    positions.extend((0..12).map(|i| i * b / 12 + 3));
    positions.extend((0..8).map(|i| c + i * (data.len() - c) / 8));
    for (i, &pos) in positions.iter().enumerate() {
        let mut t = data.clone();
        t[pos] ^= 0x01;
        let f = dir.path().join(format!("flip{i}.pdf"));
        std::fs::write(&f, &t).unwrap();
        // Exit 1 (invalid), 2 (no longer a readable PDF) or 5 (the flip broke the signature
        // dictionary, so no signature is found any more); never 0 or 4, never "valid".
        let o = run(Command::new(hoso()).arg("verify").arg("--demo").arg(&f));
        assert!(
            matches!(o.status.code(), Some(1 | 2 | 5)),
            "flip at {pos} accepted: {}",
            text(&o)
        );
        assert!(
            o.status.code().is_some(),
            "hoso crashed at {pos}: {}",
            text(&o)
        );
        if i < 2 {
            let out = pdfsig_output(dir.path(), &f);
            assert!(out.contains("Digest Mismatch."), "pdfsig at {pos}: {out}");
            let (code, out) = pyhanko_validate(&f);
            assert_ne!(code, 0, "pyhanko at {pos}: {out}");
            assert!(out.contains("INVALID"), "pyhanko at {pos}: {out}");
        }
    }
}

#[test]
fn incremental_saving_attack_changing_page_content_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let signed = signed_classic(dir.path(), "demo-staff-rsa.p12", &[]);
    let data = std::fs::read(&signed).unwrap();
    let evil = content_stream("BT /F1 18 Tf 30 120 Td (Pay 1000000 VND) Tj ET");
    let t = append_update(&data, &[(4, evil)]);
    let f = dir.path().join("isa.pdf");
    std::fs::write(&f, t).unwrap();
    let rep = assert_hoso_refuses(&f, "ISA");
    assert_eq!(rep["signatures"][0]["modifications"], "Illegal", "{rep:#}");
    let out = pdfsig_output(dir.path(), &f);
    assert!(out.contains("Not total document signed"), "pdfsig: {out}");
    assert_pyhanko_refuses(&f, "ISA");
}

#[test]
fn editing_the_byte_range_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let signed = signed_classic(dir.path(), "demo-staff-rsa.p12", &[]);
    let data = std::fs::read(&signed).unwrap();
    let at = data
        .windows(14)
        .rposition(|w| w == b"/ByteRange [0 ")
        .unwrap()
        + 14;
    let end = at + data[at..].iter().position(|&c| c == b']').unwrap();
    let nums: Vec<u64> = String::from_utf8_lossy(&data[at..end])
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    let (b, c, d) = (nums[0], nums[1], nums[2]);
    let variants = [
        (
            "gap widened into signed bytes",
            format!("{} {} {}", b - 20, c, d),
        ),
        ("second range shortened", format!("{} {} {}", b, c, d - 10)),
        ("gap moved", format!("{} {} {}", b + 2, c + 2, d - 2)),
        ("empty ranges", "0 0 0".to_owned()),
    ];
    for (why, v) in variants {
        let mut t = data.clone();
        let mut repl = v.into_bytes();
        repl.resize(end - at, b' ');
        t[at..end].copy_from_slice(&repl);
        let f = dir.path().join("br.pdf");
        std::fs::write(&f, &t).unwrap();
        assert_hoso_refuses(&f, why);
        assert_pdfsig_refuses(dir.path(), &f, why);
    }
    assert_pyhanko_refuses(&dir.path().join("br.pdf"), "ByteRange edit");
}

#[test]
fn universal_signature_forgery_variants_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let signed = signed_classic(dir.path(), "demo-staff-rsa.p12", &[]);
    let data = std::fs::read(&signed).unwrap();
    let sig_num = last_number_after(&data, "/V ") as u32;
    let sig = last_object(&data, sig_num);
    // USF: a later revision replaces the signature dictionary with one whose /ByteRange or
    // /Contents lets a naive validator skip checks.
    let variants = [
        ("no ByteRange", sig.replacen("/ByteRange", "/ByteRangeX", 1)),
        ("null Contents", {
            let s = sig.find("/Contents <").unwrap();
            let e = s + sig[s..].find('>').unwrap() + 1;
            format!("{}/Contents null{}", &sig[..s], &sig[e..])
        }),
        ("ByteRange [0 0 0 0]", {
            let s = sig.find("/ByteRange [").unwrap();
            let e = s + sig[s..].find(']').unwrap() + 1;
            format!("{}/ByteRange [0 0 0 0]{}", &sig[..s], &sig[e..])
        }),
    ];
    for (why, body) in variants {
        let t = append_update(&data, &[(sig_num, body)]);
        let f = dir.path().join("usf.pdf");
        std::fs::write(&f, t).unwrap();
        assert_hoso_refuses(&f, why);
    }
}

#[test]
fn signature_wrapping_and_redefined_signature_dictionary_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let signed = signed_classic(dir.path(), "demo-staff-rsa.p12", &["--reason", "Approve"]);
    let data = std::fs::read(&signed).unwrap();
    let sig_num = last_number_after(&data, "/V ") as u32;
    let sig = last_object(&data, sig_num);
    // Values that were not signed: the same /Contents and /ByteRange, another /Reason.
    let t = append_update(
        &data,
        &[(sig_num, sig.replacen("(Approve)", "(Reject)", 1))],
    );
    let f = dir.path().join("redefined.pdf");
    std::fs::write(&f, t).unwrap();
    let rep = assert_hoso_refuses(&f, "redefined signature dictionary");
    let checks = rep["signatures"][0]["checks"].as_array().unwrap();
    assert!(
        checks
            .iter()
            .any(|c| c["kind"] == "SignatureDictionary" && c["status"] == "Failed"),
        "{rep:#}"
    );
    // Signature wrapping: the signed second range is copied to the end and the ByteRange of a
    // new signature dictionary points at the copy, with attacker content in between.
    let at = data
        .windows(14)
        .rposition(|w| w == b"/ByteRange [0 ")
        .unwrap()
        + 14;
    let nums: Vec<u64> = String::from_utf8_lossy(&data[at..at + 40])
        .split(']')
        .next()
        .unwrap()
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    let (b, c, d) = (nums[0] as usize, nums[1] as usize, nums[2] as usize);
    let mut t = data[..c].to_vec();
    let evil = format!(
        "\n4 0 obj\n{}\nendobj\n",
        content_stream("BT /F1 18 Tf 30 120 Td (Pay 1000000 VND) Tj ET")
    );
    t.extend_from_slice(evil.as_bytes());
    let new_c = t.len();
    t.extend_from_slice(&data[c..c + d]);
    let wrapped = String::from_utf8_lossy(&t[..b]).replacen(
        &format!("[0 {b} {c} {d}]"),
        &format!("[0 {b} {new_c} {d}]"),
        1,
    );
    let mut w = wrapped.into_bytes();
    w.truncate(b);
    w.extend_from_slice(&t[b..]);
    let f = dir.path().join("wrapped.pdf");
    std::fs::write(&f, &w).unwrap();
    // The moved bytes leave stale xref offsets: hoso refuses it as invalid (1) or unreadable (2).
    let o = run(Command::new(hoso()).arg("verify").arg("--demo").arg(&f));
    assert!(
        matches!(o.status.code(), Some(1 | 2)),
        "signature wrapping: {}",
        text(&o)
    );
    assert_pdfsig_refuses(dir.path(), &f, "signature wrapping");
}

#[test]
fn shadow_hide_and_replace_via_a_prepared_object_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let signed = signed_classic(dir.path(), "demo-staff-p256.p12", &[]);
    let data = std::fs::read(&signed).unwrap();
    let size = last_number_after(&data, "/Size ") as u32;
    // Replace: point the page at other content (any page change is refused).
    let page =
        last_object(&data, 3).replacen("/Contents 4 0 R", &format!("/Contents {size} 0 R"), 1);
    let t = append_update(
        &data,
        &[
            (
                size,
                content_stream("BT /F1 18 Tf 30 120 Td (Shadow) Tj ET"),
            ),
            (3, page),
        ],
    );
    let f = dir.path().join("shadow.pdf");
    std::fs::write(&f, t).unwrap();
    let rep = assert_hoso_refuses(&f, "shadow hide-and-replace");
    assert_eq!(rep["signatures"][0]["modifications"], "Illegal");
    assert_pyhanko_refuses(&f, "shadow hide-and-replace");
    // Hide: an overlay annotation drawn over the signed content.
    let annot = "<< /Type /Annot /Subtype /Square /Rect [0 0 200 200] /F 4 /IC [1 1 1] /P 3 0 R >>"
        .to_owned();
    let page = last_object(&data, 3).replacen("/Annots [", &format!("/Annots [{size} 0 R "), 1);
    let t = append_update(&data, &[(size, annot), (3, page)]);
    let f = dir.path().join("overlay.pdf");
    std::fs::write(&f, t).unwrap();
    assert_hoso_refuses(&f, "shadow hide (overlay annotation)");
    assert_pyhanko_refuses(&f, "shadow hide (overlay annotation)");
}

#[test]
fn filling_a_reference_that_dangled_at_signing_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = dangling_fixture(dir.path());
    let signed = dir.path().join("signed.pdf");
    hoso_sign(dir.path(), &input, &signed, "demo-staff-rsa.p12", &[]);
    let (code, rep) = hoso_verify(&signed, &["--demo"]);
    assert_eq!(code, 4, "the signed fixture itself is fine: {rep:#}");
    let data = std::fs::read(&signed).unwrap();
    let t = append_update(
        &data,
        &[(
            50,
            content_stream("BT /F1 18 Tf 30 60 Td (Added later) Tj ET"),
        )],
    );
    let f = dir.path().join("dangling.pdf");
    std::fs::write(&f, t).unwrap();
    let rep = assert_hoso_refuses(&f, "dangling reference filled");
    assert_eq!(rep["signatures"][0]["modifications"], "Illegal", "{rep:#}");
    let out = pdfsig_output(dir.path(), &f);
    assert!(out.contains("Not total document signed"), "pdfsig: {out}");
}

/// A one-page file whose page content array names object 50, which does not exist.
fn dangling_fixture(dir: &Path) -> PathBuf {
    let body = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents [4 0 R 50 0 R] /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        content_stream("BT /F1 18 Tf 30 120 Td (Dangling) Tj ET"),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offs = Vec::new();
    for (i, o) in body.iter().enumerate() {
        offs.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let x = out.len();
    out.extend_from_slice(b"xref\n0 6\n0000000000 65535 f\r\n");
    for o in offs {
        out.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size 6 /Root 1 0 R /ID [<01> <01>] >>\nstartxref\n{x}\n%%EOF\n")
            .as_bytes(),
    );
    let p = dir.join("dangling-in.pdf");
    std::fs::write(&p, out).unwrap();
    p
}

#[test]
fn docmdp_violation_after_certification_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let signed = signed_classic(dir.path(), "demo-org.p12", &["--certify"]);
    let data = std::fs::read(&signed).unwrap();
    let size = last_number_after(&data, "/Size ") as u32;
    let annot =
        "<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /F 4 /Contents (note) /P 3 0 R >>"
            .to_owned();
    let page = last_object(&data, 3).replacen("/Annots [", &format!("/Annots [{size} 0 R "), 1);
    let t = append_update(&data, &[(size, annot), (3, page)]);
    let f = dir.path().join("docmdp.pdf");
    std::fs::write(&f, t).unwrap();
    let rep = assert_hoso_refuses(&f, "DocMDP P=2 violated by an annotation");
    let checks = rep["signatures"][0]["checks"].as_array().unwrap();
    assert!(
        checks
            .iter()
            .any(|c| c["kind"] == "DocMdp" && c["status"] == "Failed"),
        "{rep:#}"
    );
    assert_pyhanko_refuses(&f, "DocMDP violation");
}
