//! End to end: the `hoso build` binary on the checked-in fixtures, checked by qpdf; and the
//! command-line contract (exit codes, messages, no output on error).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

/// `hoso` with a private workspace, so the builds register into a throwaway register.
fn hoso(args: &[&std::ffi::OsStr]) -> Output {
    static WS: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let ws = WS.get_or_init(|| tempfile::tempdir().expect("workspace"));
    Command::new(env!("CARGO_BIN_EXE_hoso"))
        .args(args)
        .env("HOSO_WORKSPACE", ws.path())
        .env_remove("HOSO_REGISTER")
        .env_remove("HOSO_SETTINGS")
        .output()
        .expect("hoso runs")
}

fn os<S: AsRef<std::ffi::OsStr> + ?Sized>(s: &S) -> &std::ffi::OsStr {
    s.as_ref()
}

#[test]
fn build_groups_files_under_doc_and_writes_a_clean_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("hs.pdf");
    let (a, b, c) = (
        fixture("to_khai_a4_200dpi.jpg"),
        fixture("giay_chung_sinh_g4_2pages.tiff"),
        fixture("cong_van_1page.pdf"),
    );
    let o = hoso(&[
        os("build"),
        os("--out"),
        os(&out),
        os("--code"),
        os("000.00.15.H12-261129-0001"),
        os("--title"),
        os("Đăng ký khai sinh"),
        os("--json"),
        os(&a),
        os("--doc"),
        os("Giấy chứng sinh"),
        os(&b),
        os("--doc"),
        os("Công văn"),
        os(&c),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON report");
    assert_eq!(report["pages"], 4);
    assert_eq!(report["documents"], 3);
    assert_eq!(report["pdfa"], "PDF/A-3B");

    let q = Command::new("qpdf")
        .arg("--show-attachment=manifest.json")
        .arg(&out)
        .output()
        .expect("qpdf is installed (sudo apt-get install -y qpdf, or cargo xtask test)");
    assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stderr));
    let m: serde_json::Value = serde_json::from_slice(&q.stdout).unwrap();
    let docs = m["documents"].as_array().unwrap();
    // Files before the first --doc form a document named after the dossier.
    assert_eq!(docs[0]["name"], "Tài liệu 1");
    assert_eq!(docs[1]["name"], "Giấy chứng sinh");
    assert_eq!(
        (
            docs[1]["first_page"].as_i64(),
            docs[1]["last_page"].as_i64()
        ),
        (Some(2), Some(3))
    );
    assert_eq!(docs[2]["name"], "Công văn");
}

#[test]
fn bad_input_exits_2_names_the_file_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cut.jpg");
    let bytes = std::fs::read(fixture("to_khai_a4_200dpi.jpg")).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() - 1000]).unwrap();
    let out = dir.path().join("hs.pdf");
    let o = hoso(&[
        os("build"),
        os("--out"),
        os(&out),
        os("--code"),
        os("000.00.15.H12-261129-0001"),
        os("--title"),
        os("x"),
        os(&cut),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cut.jpg") && err.contains("JPEG"), "{err}");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "only the input remains");
}

#[test]
fn malformed_code_exits_2_with_the_expected_shape() {
    let dir = tempfile::tempdir().unwrap();
    let o = hoso(&[
        os("build"),
        os("--out"),
        os(&dir.path().join("x.pdf")),
        os("--code"),
        os("HS-001"),
        os("--title"),
        os("x"),
        os(&fixture("to_khai_a4_200dpi.jpg")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("000.00.15.H12-261129-0001"), "{err}");
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let o = hoso(&[os("build"), os("--nonsense")]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn build_clean_straightens_pages_drops_the_blank_back_and_records_it() {
    use hoso_scan::synth::{random_spec, render, Content, Fonts};
    let fonts = Fonts::load_system().unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = Vec::new();
    for (i, (content, skew)) in [(Content::Text { lines: 20 }, 3.5), (Content::Blank, 0.0)]
        .into_iter()
        .enumerate()
    {
        let mut spec = random_spec(40 + i as u64, 200);
        spec.content = content;
        spec.skew_degrees = skew;
        spec.quarter_turn_cw = 0;
        spec.seal = false;
        let page = render(&fonts, &spec);
        let path = dir.path().join(format!("scan{i}.jpg"));
        let mut f = std::fs::File::create(&path).unwrap();
        hoso_scan::clean::encode::jpeg_rgb(&page.image, 200, 90, &mut f).unwrap();
        inputs.push(path);
    }
    let out = dir.path().join("hs.pdf");
    let o = hoso(&[
        os("build"),
        os("--clean"),
        os("--out"),
        os(&out),
        os("--code"),
        os("000.00.15.H12-261129-0004"),
        os("--title"),
        os("Làm sạch"),
        os(&inputs[0]),
        os(&inputs[1]),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("1 trang/pages") && stdout.contains("scan1.jpg"),
        "{stdout}"
    );
    let q = Command::new("qpdf")
        .arg("--show-attachment=manifest.json")
        .arg(&out)
        .output()
        .unwrap();
    let m: serde_json::Value = serde_json::from_slice(&q.stdout).unwrap();
    let doc = &m["documents"][0];
    let src = &doc["sources"][0];
    assert_eq!(
        src["file"], "scan0.jpg",
        "the manifest names the officer's file"
    );
    let skew = src["cleaning"]["skew_degrees"].as_f64().unwrap();
    assert!((skew - 3.5).abs() < 0.3, "skew {skew}");
    assert_eq!(doc["dropped_blank_pages"][0]["file"], "scan1.jpg");
    // The temporary folder of cleaned pages is gone.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 3, "{left:?}");
}
