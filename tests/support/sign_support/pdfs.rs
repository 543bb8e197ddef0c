//! Test inputs made by the tests themselves: hand-written PDFs (classic table, hybrid) and
//! files written by pikepdf/qpdf (xref streams with object streams, a PDF/A-2b file).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{python, run, text};

fn finish_table(mut out: Vec<u8>, offs: &[usize], size: usize, trailer_extra: &str) -> Vec<u8> {
    let x = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f\r\n", offs.len() + 1).as_bytes());
    for o in offs {
        out.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] {trailer_extra}>>\nstartxref\n{x}\n%%EOF\n",
            size
        )
        .as_bytes(),
    );
    out
}

fn objects(body: &[String]) -> (Vec<u8>, Vec<usize>) {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offs = Vec::new();
    for (i, o) in body.iter().enumerate() {
        offs.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    (out, offs)
}

fn content(text: &str) -> String {
    let s = format!("0 0 1 rg 20 20 160 60 re f 0 g BT /F1 18 Tf 30 120 Td ({text}) Tj ET");
    format!("<< /Length {} >>\nstream\n{s}\nendstream", s.len())
}

/// A one-page PDF with a classic xref table and visible text `text`.
pub fn classic(dir: &Path, name: &str, text: &str) -> PathBuf {
    let body = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        content(text),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let (out, offs) = objects(&body);
    let p = dir.join(name);
    std::fs::write(&p, finish_table(out, &offs, offs.len() + 1, "")).expect("write pdf");
    p
}

/// A hybrid-reference file (ISO 32000-1 §7.5.8.4): a classic table whose trailer has /XRefStm
/// pointing at an xref stream that holds the document information dictionary, which lives in an
/// object stream only readers of xref streams can see.
pub fn hybrid(dir: &Path) -> PathBuf {
    let mut body = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        content("hybrid"),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    // Object 6: an object stream holding object 7 (the Info dictionary).
    let inner = "<< /Title (Hybrid test) /Producer (hoso tests) >>";
    let header = "7 0 ";
    let data = format!("{header}{inner}");
    body.push(format!(
        "<< /Type /ObjStm /N 1 /First {} /Length {} >>\nstream\n{data}\nendstream",
        header.len(),
        data.len()
    ));
    let (mut out, offs) = objects(&body);
    // Object 8: the xref stream for object 7 (type 2 in stream 6, index 0).
    let xs_at = out.len();
    let row = [2u8, 0, 6, 0];
    out.extend_from_slice(
        format!(
            "8 0 obj\n<< /Type /XRef /Size 8 /Index [7 1] /W [1 2 1] /Length {} >>\nstream\n",
            row.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&row);
    out.extend_from_slice(b"\nendstream\nendobj\n");
    let p = dir.join("hybrid.pdf");
    // The table lists objects 1-6; /Size covers object 7 too.
    let out = finish_table(out, &offs, 8, &format!("/Info 7 0 R /XRefStm {xs_at} "));
    std::fs::write(&p, out).expect("write pdf");
    p
}

/// Runs a pikepdf script with `sys.argv[1:] = args`.
pub fn pikepdf(script: &str, args: &[&Path]) {
    let o = run(Command::new(python()).arg("-c").arg(script).args(args));
    assert!(o.status.success(), "pikepdf script failed: {}", text(&o));
}

/// `input` rewritten by pikepdf with xref streams and object streams.
pub fn with_object_streams(input: &Path, out: &Path) {
    pikepdf(
        "import sys, pikepdf\n\
         p = pikepdf.open(sys.argv[1])\n\
         p.save(sys.argv[2], object_stream_mode=pikepdf.ObjectStreamMode.generate, \
         compress_streams=True)\n",
        &[input, out],
    );
}

/// A PDF/A-2b file: XMP with pdfaid part 2 conformance B matching Info, an sRGB OutputIntent,
/// no fonts (vector drawing only), a trailer /ID.
pub fn pdfa(dir: &Path) -> PathBuf {
    let icc = Path::new("/usr/share/color/icc/ghostscript/srgb.icc");
    assert!(
        icc.exists(),
        "{} is missing: install it with `apt-get install -y ghostscript`",
        icc.display()
    );
    let out = dir.join("pdfa.pdf");
    pikepdf(
        r#"import sys, pikepdf
from pikepdf import Name, Dictionary, Array
pdf = pikepdf.new()
page = pdf.add_blank_page(page_size=(595, 842))
page.obj.Contents = pdf.make_stream(b"0 0 1 rg 100 600 200 100 re f")
icc = pdf.make_stream(open(sys.argv[1], "rb").read())
icc.N = 3
pdf.Root.OutputIntents = Array([Dictionary(Type=Name.OutputIntent, S=Name.GTS_PDFA1,
    OutputConditionIdentifier="sRGB IEC61966-2.1", DestOutputProfile=icc)])
with pdf.open_metadata(set_pikepdf_as_editor=False) as m:
    m["pdfaid:part"] = "2"
    m["pdfaid:conformance"] = "B"
    m["dc:title"] = "PDF/A test"
pdf.docinfo["/Title"] = "PDF/A test"
pdf.save(sys.argv[2], fix_metadata_version=False, deterministic_id=True)
"#,
        &[icc, &out],
    );
    out
}
