//! `hoso clean` end to end: synthetic scans in, upright cropped pages and a JSON report out;
//! bilevel pages as CCITT G4 TIFF read back by libtiff and ImageMagick; bad inputs and a full
//! disk give clear errors and leave nothing half-written.

use std::path::{Path, PathBuf};
use std::process::Command;

use hoso_scan::clean::{clean_page, encode, load_page, CleanOptions, CleanedImage, OutputMode};
use hoso_scan::synth::{random_spec, render, Content, Fonts, PageSpec};

/// Builds the `hoso` binary once and returns its path.
/// The `hoso` binary under test (built once, or the one `HOSO_BIN` names).
fn hoso() -> PathBuf {
    hoso_e2e::sign_support::hoso()
}

fn tool(name: &str, package: &str) -> Command {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(found, "{name} is missing: apt-get install -y {package}");
    Command::new(name)
}

/// Writes a synthetic scan as a 200-dpi JPEG and returns its spec.
fn write_scan(fonts: &Fonts, spec: &PageSpec, path: &Path) -> hoso_scan::synth::Truth {
    let page = render(fonts, spec);
    let mut f = std::fs::File::create(path).expect("create input");
    encode::jpeg_rgb(&page.image, spec.dpi, 92, &mut f).expect("write input");
    page.truth
}

fn spec(seed: u64, content: Content, turn: u16, skew: f64) -> PageSpec {
    let mut s = random_spec(seed, 200);
    s.content = content;
    s.quarter_turn_cw = turn;
    s.skew_degrees = skew;
    s.seal = false;
    s
}

#[test]
fn clean_turns_crops_drops_blanks_and_reports() {
    let fonts = Fonts::load_system().unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        spec(1, Content::Text { lines: 25 }, 0, 4.2),
        spec(2, Content::Text { lines: 30 }, 90, -7.5),
        spec(3, Content::Blank, 0, 2.0),
        spec(4, Content::Text { lines: 4 }, 180, 0.6),
        spec(5, Content::Text { lines: 20 }, 270, -1.1),
    ];
    let mut inputs = Vec::new();
    let mut truths = Vec::new();
    for (i, s) in cases.iter().enumerate() {
        let mut s = s.clone();
        if s.content == Content::Blank {
            s.bleed_through = 35.0;
        }
        let p = dir.path().join(format!("scan{i}.jpg"));
        truths.push(write_scan(&fonts, &s, &p));
        inputs.push(p);
    }
    let out = dir.path().join("out");
    let report = dir.path().join("report.json");
    let run = Command::new(hoso())
        .arg("clean")
        .args(&inputs)
        .arg("--out")
        .arg(&out)
        .arg("--report")
        .arg(&report)
        .output()
        .expect("run hoso");
    println!("{}", String::from_utf8_lossy(&run.stdout));
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).expect("report")).expect("JSON");
    let pages = json["pages"].as_array().expect("pages");
    assert_eq!(pages.len(), cases.len());
    for (p, t) in pages.iter().zip(&truths) {
        assert_eq!(p["blank"].as_bool(), Some(t.blank), "{p}");
        assert!(p["blank_score"].as_f64().is_some());
        for k in ["x", "y", "width", "height"] {
            assert!(p["crop"][k].as_u64().is_some(), "crop.{k} in {p}");
        }
        if t.blank {
            assert!(p["output"].is_null(), "blank pages are dropped: {p}");
            continue;
        }
        assert_eq!(
            p["quarter_turn"].as_u64(),
            Some(t.quarter_turn_cw as u64),
            "{p}"
        );
        let skew = p["skew_degrees"].as_f64().expect("skew");
        assert!(
            (skew - t.skew_degrees).abs() <= 0.3,
            "skew {skew} vs {}",
            t.skew_degrees
        );
        assert_eq!(p["mode"], "color");
        let file = PathBuf::from(p["output"].as_str().expect("output"));
        // Upright A4 portrait at 200 dpi, read back by ImageMagick.
        let id = tool("identify", "imagemagick")
            .args(["-format", "%w %h %x %[colorspace] %[bit-depth]"])
            .arg(&file)
            .output()
            .expect("identify");
        let id = String::from_utf8_lossy(&id.stdout).to_string();
        let f: Vec<&str> = id.split_whitespace().collect();
        let (w, h): (i64, i64) = (f[0].parse().expect("w"), f[1].parse().expect("h"));
        assert!((w - 1654).abs() <= 4 && (h - 2339).abs() <= 4, "size {id}");
        assert!(f[2].starts_with("200"), "density {id}");
        assert_eq!(f[3], "sRGB", "24-bit colour: {id}");
    }
    let written = std::fs::read_dir(&out).expect("out").count();
    assert_eq!(written, 4, "four pages written, the blank one dropped");
}

#[test]
fn bilevel_pages_are_g4_tiff_that_libtiff_and_imagemagick_read_identically() {
    let fonts = Fonts::load_system().unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("scan.jpg");
    write_scan(
        &fonts,
        &spec(11, Content::Text { lines: 30 }, 0, 3.0),
        &input,
    );
    let out = dir.path().join("out");
    let run = Command::new(hoso())
        .args(["clean", "--mode", "bilevel", "--out"])
        .arg(&out)
        .arg(&input)
        .output()
        .expect("run hoso");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let tif = out.join("0001-scan.tif");
    let info = tool("tiffinfo", "libtiff-tools")
        .arg(&tif)
        .output()
        .expect("tiffinfo");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("CCITT Group 4"), "{info}");
    assert!(info.contains("Resolution: 200, 200 pixels/inch"), "{info}");
    // ImageMagick decodes the G4 data; it must equal the bitmap hoso binarized.
    let (img, _) = load_page(&input).expect("load");
    let opts = CleanOptions {
        mode: OutputMode::Bilevel,
        ..CleanOptions::default()
    };
    let CleanedImage::Bilevel(ours) = clean_page(&img, 200, &opts).image else {
        panic!("bilevel mode gives a bilevel image");
    };
    let grey = tool("convert", "imagemagick")
        .arg(&tif)
        .args(["-depth", "8", "gray:-"])
        .output()
        .expect("convert");
    assert!(grey.status.success());
    assert_eq!(grey.stdout.len(), (ours.width * ours.height) as usize);
    let mismatches = grey
        .stdout
        .iter()
        .zip(&ours.black)
        .filter(|(&g, &b)| (g < 128) != b)
        .count();
    let black = ours.black.iter().filter(|&&b| b).count() as f64 / ours.black.len() as f64;
    println!(
        "bilevel: {}×{}, {:.2}% black, {mismatches} mismatches",
        ours.width,
        ours.height,
        black * 100.0
    );
    assert_eq!(mismatches, 0);
    assert!(black > 0.005 && black < 0.2, "plausible text coverage");
}

#[test]
fn bad_inputs_are_reported_and_good_pages_kept() {
    let fonts = Fonts::load_system().unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("good.jpg");
    write_scan(
        &fonts,
        &spec(21, Content::Text { lines: 20 }, 0, 1.0),
        &good,
    );
    let bytes = std::fs::read(&good).expect("read");
    let truncated = dir.path().join("truncated.jpg");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
    let garbage = dir.path().join("garbage.png");
    std::fs::write(&garbage, b"\x89PNG\r\n\x1a\nnot really").expect("write");
    let missing = dir.path().join("missing.jpg");
    let out = dir.path().join("out");
    let report = dir.path().join("r.json");
    let run = Command::new(hoso())
        .arg("clean")
        .args([&good, &truncated, &garbage, &missing])
        .arg("--out")
        .arg(&out)
        .arg("--report")
        .arg(&report)
        .output()
        .expect("run hoso");
    let stderr = String::from_utf8_lossy(&run.stderr);
    println!("{stderr}");
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr.contains("truncated.jpg") && stderr.contains("cắt cụt"));
    assert!(stderr.contains("missing.jpg") && stderr.contains("không đọc được"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).expect("report")).expect("JSON");
    let kinds: Vec<&str> = json["failed"]
        .as_array()
        .expect("failed")
        .iter()
        .filter_map(|f| f["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["not_an_image", "not_an_image", "unreadable"]);
    let files: Vec<String> = std::fs::read_dir(&out)
        .expect("out")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["0001-good.jpg"]);
}

#[test]
fn full_disk_fails_clearly_and_leaves_no_partial_file() {
    let fonts = Fonts::load_system().unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Vec::new();
    for i in 0..4 {
        let p = dir.path().join(format!("p{i}.jpg"));
        let mut s = spec(30 + i, Content::Text { lines: 35 }, 0, 2.0);
        s.noise_sigma = 1.0;
        s.salt_pepper = 0.0;
        write_scan(&fonts, &s, &p);
        inputs.push(p);
    }
    // A 700 KiB file system: room for two or so cleaned pages (about 250 KiB each), not four.
    let small = dir.path().join("small");
    std::fs::create_dir(&small).expect("mkdir");
    let mount = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=700k", "tmpfs"])
        .arg(&small)
        .status();
    assert!(
        mount.is_ok_and(|s| s.success()),
        "this test mounts a small tmpfs to fill up: run it as root (as CI does)"
    );
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let _guard = Unmount(&small);
    let run = Command::new(hoso())
        .arg("clean")
        .args(&inputs)
        .args(["--jobs", "1", "--out"])
        .arg(&small)
        .output()
        .expect("run hoso");
    let stderr = String::from_utf8_lossy(&run.stderr);
    println!("{stderr}");
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr.contains("ổ đĩa đầy"),
        "officer-friendly message: {stderr}"
    );
    let mut complete = 0;
    for e in std::fs::read_dir(&small).expect("read dir") {
        let path = e.expect("entry").path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        assert!(
            !name.ends_with(".tmp"),
            "temporary file left behind: {name}"
        );
        let bytes = std::fs::read(&path).expect("read output");
        assert!(bytes.ends_with(&[0xFF, 0xD9]), "{name} is a complete JPEG");
        complete += 1;
    }
    println!("{complete} complete pages kept");
    assert!(
        complete >= 1,
        "pages written before the disk filled are kept"
    );
    assert!(complete < inputs.len(), "the disk did fill up");
}
