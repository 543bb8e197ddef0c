//! Hostile inputs (issue #15): each class of file that once aborted, exhausted memory or looped
//! is built here, and `hoso verify` and `hoso build` must end with a clear error (exit 2) or a
//! verdict — never a crash, a signal or a hang — within 5 s and under 512 MiB peak RSS, both
//! measured on the child process (wait4's rusage), in whatever profile the tests are built.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hoso_e2e::sign_support::hoso;

const MAX_SECS: f64 = 5.0;
const MAX_RSS_KIB: i64 = 512 * 1024;

struct Outcome {
    code: Option<i32>,
    signal: Option<i32>,
    secs: f64,
    max_rss_kib: i64,
    output: String,
}

/// Runs `cmd` and measures it with wait4: exit status, wall time and the child's peak RSS.
fn measure(cmd: &mut Command, dir: &Path) -> Outcome {
    let out_path = dir.join("child-output.txt");
    let out = File::create(&out_path).unwrap();
    let err = out.try_clone().unwrap();
    let start = Instant::now();
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .spawn()
        .expect("start hoso");
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own child, not yet reaped (std's Child is never waited on);
        // `status` and `usage` are valid out-pointers.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(r >= 0, "wait4 failed: {}", std::io::Error::last_os_error());
        if r == pid {
            break;
        }
        if start.elapsed() > Duration::from_secs(60) {
            // SAFETY: plain kill(2) of our own child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let secs = start.elapsed().as_secs_f64();
    drop(child);
    let (code, signal) = if libc::WIFEXITED(status) {
        (Some(libc::WEXITSTATUS(status)), None)
    } else {
        (None, Some(libc::WTERMSIG(status)))
    };
    Outcome {
        code,
        signal,
        secs,
        max_rss_kib: usage.ru_maxrss,
        output: std::fs::read_to_string(&out_path).unwrap_or_default(),
    }
}

/// `hoso verify FILE` and `hoso build --out … FILE` both end cleanly, quickly and small.
fn check(name: &str, pdf: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(format!("{name}.pdf"));
    std::fs::write(&input, pdf).unwrap();
    let verify = measure(
        Command::new(hoso()).arg("verify").arg("--demo").arg(&input),
        dir.path(),
    );
    // A verdict (0 valid, 1 invalid, 3 untrusted, 4 revocation not checked, 5 no signatures,
    // 6 pages changed visually)
    // or a clear input error (2); never a crash, a hang or a signal.
    assert_bounded(name, "verify", &verify, &[0, 1, 2, 3, 4, 5, 6]);
    let out = dir.path().join("out.pdf");
    let build = measure(
        Command::new(hoso())
            .arg("build")
            .arg("--out")
            .arg(&out)
            .arg("--code")
            .arg("000.00.15.H12-261129-0001")
            .arg("--title")
            .arg("Kiểm thử")
            .arg(&input),
        dir.path(),
    );
    assert_bounded(name, "build", &build, &[0, 2]);
}

fn assert_bounded(name: &str, what: &str, o: &Outcome, codes: &[i32]) {
    eprintln!(
        "{name}: hoso {what} exit {:?} signal {:?} in {:.2} s, peak RSS {} MiB",
        o.code,
        o.signal,
        o.secs,
        o.max_rss_kib / 1024
    );
    assert!(
        o.code.is_some_and(|c| codes.contains(&c)),
        "{name}: hoso {what} ended with {:?}/{:?}:\n{}",
        o.code,
        o.signal,
        o.output
    );
    assert!(
        !o.output.contains("panicked"),
        "{name}: hoso {what} panicked:\n{}",
        o.output
    );
    if o.code == Some(2) {
        assert!(
            o.output.trim().len() > 10,
            "{name}: hoso {what} failed without saying why"
        );
    }
    assert!(
        o.secs < MAX_SECS,
        "{name}: hoso {what} took {:.2} s",
        o.secs
    );
    assert!(
        o.max_rss_kib < MAX_RSS_KIB,
        "{name}: hoso {what} peaked at {} MiB",
        o.max_rss_kib / 1024
    );
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// `n` zero bytes, zlib-compressed without holding them all.
fn zero_bomb(n: usize) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let block = vec![0u8; 1 << 20];
    let mut left = n;
    while left > 0 {
        let k = left.min(block.len());
        e.write_all(&block[..k]).unwrap();
        left -= k;
    }
    e.finish().unwrap()
}

/// A stream object with binary data.
fn stream(dict: &str, data: &[u8]) -> String {
    // Latin-1 in a String: `pdf` turns every char back into one byte.
    let body: String = data.iter().map(|&b| b as char).collect();
    format!(
        "<< {dict} /Length {} >>\nstream\n{body}\nendstream",
        data.len()
    )
}

/// A classic-xref PDF of `objects` (numbered from 1, object 1 the catalog); each char of the
/// object text is one byte (latin-1), so streams may carry binary data.
fn pdf(objects: &[String], trailer_extra: &str) -> Vec<u8> {
    let bytes = |s: &str| s.chars().map(|c| c as u32 as u8).collect::<Vec<u8>>();
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offs = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offs.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(&bytes(o));
        out.extend_from_slice(b"\nendobj\n");
    }
    let x = out.len();
    let size = objects.len() + 1;
    out.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f\r\n").as_bytes());
    for o in offs {
        out.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {size} /Root 1 0 R{trailer_extra} >>\nstartxref\n{x}\n%%EOF\n")
            .as_bytes(),
    );
    out
}

const PAGES: &str = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";
const PAGE: &str = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>";

#[test]
fn predictor_columns_and_image_size_do_not_allocate() {
    let data = zlib(&[0u8; 64]);
    let cert = stream(
        "/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 1099511627776 /Colors 32 /BitsPerComponent 16 >>",
        &data,
    );
    let image = stream(
        "/Type /XObject /Subtype /Image /Width 1000000 /Height 1000000 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode",
        &data,
    );
    let objs = vec![
        "<< /Type /Catalog /Pages 2 0 R /DSS << /Certs [4 0 R] >> >>".to_owned(),
        PAGES.to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /XObject << /Im0 5 0 R >> >> /Contents 6 0 R >>".to_owned(),
        cert,
        image,
        stream("", b"q 200 0 0 200 0 0 cm /Im0 Do Q"),
    ];
    check("columns_and_image_size", &pdf(&objs, ""));
}

#[test]
fn huge_xref_size_is_bounded_by_the_data() {
    // An xref stream claiming 2^31 entries of one byte each, over 40 bytes of data.
    let mut body = b"%PDF-1.7\n".to_vec();
    let o1 = body.len();
    body.extend_from_slice(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    let o2 = body.len();
    body.extend_from_slice(format!("2 0 obj\n{PAGES}\nendobj\n").as_bytes());
    let o3 = body.len();
    body.extend_from_slice(format!("3 0 obj\n{PAGE}\nendobj\n").as_bytes());
    let x = body.len();
    let mut rows = vec![0u8, 0, 0, 0, 0, 0];
    for o in [o1, o2, o3, x] {
        rows.push(1);
        rows.extend_from_slice(&(o as u32).to_be_bytes());
        rows.push(0);
    }
    let data = zlib(&rows);
    let xref = format!(
        "4 0 obj\n<< /Type /XRef /Size 2147483647 /Root 1 0 R /W [1 4 1] /Filter /FlateDecode /Length {} >>\nstream\n",
        data.len()
    );
    body.extend_from_slice(xref.as_bytes());
    body.extend_from_slice(&data);
    body.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{x}\n%%EOF\n").as_bytes());
    check("huge_xref_stream_size", &body);

    // A classic table whose subsection claims four billion entries, and /Size at u32::MAX.
    let mut classic = pdf(
        &[
            "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
            PAGES.to_owned(),
            PAGE.to_owned(),
        ],
        "",
    );
    let text = String::from_utf8_lossy(&classic).into_owned();
    let text = text
        .replace("xref\n0 4\n", "xref\n0 4000000000\n")
        .replace("/Size 4", "/Size 4294967295");
    classic = text.into_bytes();
    check("huge_classic_xref_size", &classic);
}

#[test]
fn flate_bomb_referenced_many_times_from_the_dss() {
    let bomb = zero_bomb(200 << 20);
    let many: String = (0..100_000).map(|_| "4 0 R ").collect();
    let objs = vec![
        format!("<< /Type /Catalog /Pages 2 0 R /DSS << /Certs [{many}] /OCSPs [{many}] /CRLs 5 0 R >> >>"),
        PAGES.to_owned(),
        PAGE.to_owned(),
        stream("/Filter /FlateDecode", &bomb),
        format!("[{many}]"),
    ];
    check("dss_flate_bomb", &pdf(&objs, ""));
}

#[test]
fn self_referencing_graphs_end() {
    let font = "<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [6 0 R] >>";
    let objs = vec![
        "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 4 0 R] >> /Names << /EmbeddedFiles 5 0 R /Dests 5 0 R >> /Outlines 8 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [2 0 R 3 0 R 2 0 R] /Count 2 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /Font << /F0 6 0 R >> /XObject << /Im0 7 0 R >> >> >>".to_owned(),
        "<< /FT /Sig /T (loop) /Kids [4 0 R 4 0 R] /Parent 4 0 R >>".to_owned(),
        "<< /Kids [5 0 R 5 0 R] /Names [(a) 5 0 R] >>".to_owned(),
        font.to_owned(),
        stream(
            "/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /SMask 7 0 R",
            &[0],
        ),
        "<< /First 8 0 R /Last 8 0 R /Next 8 0 R /Count 1 >>".to_owned(),
    ];
    check("self_references", &pdf(&objs, ""));
}

#[test]
fn dictionary_with_millions_of_keys() {
    let mut keys = String::with_capacity(2_000_000 * 10);
    for i in 0..2_000_000u32 {
        keys.push_str(&format!("/K{i} 0"));
    }
    let objs = vec![
        "<< /Type /Catalog /Pages 2 0 R /AcroForm 4 0 R >>".to_owned(),
        PAGES.to_owned(),
        PAGE.to_owned(),
        format!("<< /Fields [] {keys} >>"),
    ];
    check("millions_of_keys", &pdf(&objs, ""));
}

#[test]
fn fields_repeating_one_field_and_overflowing_byte_ranges() {
    let many: String = (0..100_000).map(|_| "4 0 R ").collect();
    let contents = "0".repeat(64);
    let objs = vec![
        format!("<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [{many}] /SigFlags 3 >> >>"),
        PAGES.to_owned(),
        PAGE.to_owned(),
        "<< /FT /Sig /T (Sig1) /V 5 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /P 3 0 R >>".to_owned(),
        format!(
            "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 9223372036854775807 9223372036854775807 9223372036854775807] /Contents <{contents}> >>"
        ),
    ];
    check("fields_100000_and_byterange_overflow", &pdf(&objs, ""));
}

/// The files are built in memory; keep the helpers honest about what they produce.
#[test]
fn builders_make_readable_pdfs() {
    let objs = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        PAGES.to_owned(),
        PAGE.to_owned(),
        stream("", &[0xff, 0x00, 0x80]),
    ];
    let bytes = pdf(&objs, "");
    let f = hoso_pdf::read::PdfFile::open(bytes).unwrap();
    assert_eq!(f.pages().unwrap().len(), 1);
    let s = f.get(hoso_pdf::read::ObjRef::new(4)).unwrap();
    let hoso_pdf::read::Object::Stream(s) = s else {
        panic!("not a stream")
    };
    assert_eq!(f.stream_data(&s).unwrap(), vec![0xff, 0x00, 0x80]);
}
