//! Hand-written incremental updates over signed files (ISO 32000-1 §7.5.6), pyHanko-made test
//! files (`tests/scripts/pyhanko_cases.py`), and pixel comparisons with pdftoppm: the tools of
//! the modification-analysis tests (issue 14).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{certs, pyhanko, run, text, tool, venv_bin};

/// The body of the newest definition of object `num` (between `num 0 obj` and `endobj`).
pub fn last_object(data: &[u8], num: u32) -> String {
    let head = format!("\n{num} 0 obj");
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

/// The first number after the last occurrence of `key`.
pub fn last_number_after(data: &[u8], key: &str) -> u64 {
    let at = data
        .windows(key.len())
        .rposition(|w| w == key.as_bytes())
        .unwrap_or_else(|| panic!("{key} not found"))
        + key.len();
    String::from_utf8_lossy(&data[at..(at + 24).min(data.len())])
        .split(|c: char| !c.is_ascii_digit())
        .find(|s| !s.is_empty())
        .expect("number")
        .parse()
        .expect("number")
}

/// A content stream drawing `s`.
pub fn content_stream(s: &str) -> String {
    format!("<< /Length {} >>\nstream\n{s}\nendstream", s.len())
}

/// Appends a classic incremental update defining `objs`, with `/Root` taken from the last
/// trailer and `trailer_extra` added to the new trailer.
pub fn append_update(data: &[u8], objs: &[(u32, String)], trailer_extra: &str) -> Vec<u8> {
    let prev = last_number_after(data, "startxref");
    let size = last_number_after(data, "/Size") as u32;
    let root = last_number_after(data, "/Root");
    let mut out = data.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
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
        format!(
            "trailer\n<< /Size {max} /Root {root} 0 R /Prev {prev}{trailer_extra} >>\nstartxref\n{x}\n%%EOF\n"
        )
        .as_bytes(),
    );
    out
}

/// Runs `tests/scripts/pyhanko_cases.py CASE args...` with the venv's Python.
pub fn pyhanko_case(case: &str, args: &[&dyn AsRef<std::ffi::OsStr>]) {
    // The venv that holds the pyhanko command also holds its library.
    let _ = pyhanko();
    let py = venv_bin().join("python");
    let script = super::workspace().join("tests/scripts/pyhanko_cases.py");
    let mut cmd = Command::new(py);
    cmd.env("PYTHONWARNINGS", "ignore").arg(script).arg(case);
    for a in args {
        cmd.arg(a);
    }
    let o = run(&mut cmd);
    assert!(o.status.success(), "pyhanko_cases.py {case}: {}", text(&o));
}

/// Signs `input` with pyHanko (PAdES, invisible field `field`) into `out`.
pub fn pyhanko_sign(input: &Path, out: &Path, p12: &str, field: &str) {
    pyhanko_case(
        "sign",
        &[&input, &out, &certs().join(p12), &field, &"-", &"-"],
    );
}

/// Renders page 1 of `pdf` with pdftoppm at 72 dpi: (width, height, RGB bytes).
pub fn render_page1(pdf: &Path) -> (u32, u32, Vec<u8>) {
    let dir = pdf.parent().expect("a file in a directory");
    let stem = dir.join(format!(
        "{}-render",
        pdf.file_stem().and_then(|s| s.to_str()).unwrap_or("page")
    ));
    let o = run(
        Command::new(tool("pdftoppm", "apt-get install -y poppler-utils"))
            .args(["-r", "72", "-f", "1", "-l", "1", "-singlefile"])
            .arg(pdf)
            .arg(&stem),
    );
    assert!(
        o.status.success(),
        "pdftoppm {}: {}",
        pdf.display(),
        text(&o)
    );
    let ppm = std::fs::read(stem.with_extension("ppm")).expect("pdftoppm wrote a PPM");
    parse_ppm(&ppm)
}

fn parse_ppm(data: &[u8]) -> (u32, u32, Vec<u8>) {
    // P6 <w> <h> <max>\n<bytes>
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while data[i].is_ascii_whitespace() {
            i += 1;
        }
        let s = i;
        while !data[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&data[s..i]).into_owned());
    }
    assert_eq!(fields[0], "P6", "binary PPM");
    let w: u32 = fields[1].parse().expect("width");
    let h: u32 = fields[2].parse().expect("height");
    (w, h, data[i + 1..].to_vec())
}

/// How many pixels of page 1 differ between two files, as pdftoppm renders them.
pub fn pixels_changed(before: &Path, after: &Path) -> usize {
    let (w1, h1, a) = render_page1(before);
    let (w2, h2, b) = render_page1(after);
    if (w1, h1) != (w2, h2) {
        return (w1 * h1).max(w2 * h2) as usize;
    }
    a.chunks(3).zip(b.chunks(3)).filter(|(p, q)| p != q).count()
}

/// A one-page form: visible text, a text field `Name` (merged widget), and `/AcroForm` with
/// a font in `/DR`; classic cross-reference table.
pub fn form_pdf(dir: &Path) -> PathBuf {
    let s = "0 0 1 rg 20 20 160 60 re f 0 g BT /F1 18 Tf 30 120 Td (Pay 100 VND) Tj ET";
    let body = [
        "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R] /DA (/F1 10 Tf 0 g) /DR << /Font << /F1 5 0 R >> >> >> >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [6 0 R] >>".to_owned(),
        content_stream(s),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        "<< /Type /Annot /Subtype /Widget /FT /Tx /T (Name) /Rect [20 150 180 170] /F 4 /P 3 0 R /DA (/F1 10 Tf 0 g) >>".to_owned(),
    ];
    write_classic(dir, "form.pdf", &body, "", 0)
}

/// Writes `body` (objects 1..) as a PDF with a classic xref table; `extra_rows` (whole
/// subsections) are appended to the table as written, for entries of objects the body does not
/// hold, and `/Size` is at least `min_size`.
pub fn write_classic(
    dir: &Path,
    name: &str,
    body: &[String],
    extra_rows: &str,
    min_size: usize,
) -> PathBuf {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offs = Vec::new();
    for (i, o) in body.iter().enumerate() {
        offs.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let x = out.len();
    let size = (body.len() + 1).max(min_size);
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f\r\n", body.len() + 1).as_bytes());
    for o in offs {
        out.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(extra_rows.as_bytes());
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {size} /Root 1 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] >>\nstartxref\n{x}\n%%EOF\n"
        )
        .as_bytes(),
    );
    let p = dir.join(name);
    std::fs::write(&p, out).expect("write pdf");
    p
}
