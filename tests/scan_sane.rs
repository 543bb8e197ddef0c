//! Scanning through SANE's real `test` backend in a private `SANE_CONFIG_DIR`: device listing,
//! multi-page feeder batches in each mode compared with `scanimage`, and jams, cover-open,
//! a vanishing device and cancellation mid-batch keeping the pages already scanned.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::sync::OnceLock;

use hoso_scan::device::{
    scan_batch, BatchEnd, ColorMode, PageFormat, ScanDevice, ScanEvent, ScanSettings, Source,
};
use hoso_scan::sane::{OptionValue, Sane, SaneDevice};
use hoso_scan::ScanError;

/// A private SANE configuration enabling only the `test` backend, with a grid test picture so
/// pages carry content worth comparing. Also exported to this process for the library tests.
fn sane_config() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("hoso-sane-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("config dir");
        std::fs::write(dir.join("dll.conf"), "test\n").expect("dll.conf");
        std::fs::write(
            dir.join("test.conf"),
            "number_of_devices 2\ntest-picture \"Color pattern\"\n",
        )
        .expect("test.conf");
        let backend = Path::new("/usr/lib/x86_64-linux-gnu/sane/libsane-test.so.1");
        let found = backend.exists()
            || Command::new("sh")
                .args(["-c", "ls /usr/lib/*/sane/libsane-test.so.1"])
                .status()
                .is_ok_and(|s| s.success());
        assert!(
            found,
            "SANE test backend missing: apt-get install -y libsane1 sane-utils libsane-dev"
        );
        std::env::set_var("SANE_CONFIG_DIR", &dir);
        dir
    })
}

/// The `hoso` binary under test (built once, or the one `HOSO_BIN` names).
fn hoso() -> PathBuf {
    hoso_e2e::sign_support::hoso()
}

fn scanimage() -> Command {
    let found = Command::new("sh")
        .args(["-c", "command -v scanimage"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(found, "scanimage is missing: apt-get install -y sane-utils");
    let mut c = Command::new("scanimage");
    c.env("SANE_CONFIG_DIR", sane_config());
    c
}

/// Pixel bytes of a binary PNM (P4/P5/P6) as scanimage writes it.
fn pnm_pixels(bytes: &[u8]) -> (String, u32, u32, Vec<u8>) {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes[i] == b'#' {
            while bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
        if fields[0] == "P4" && fields.len() == 3 {
            fields.push("1".into());
        }
    }
    let data = bytes[i + 1..].to_vec();
    let w = fields[1].parse().expect("width");
    let h = fields[2].parse().expect("height");
    (fields[0].clone(), w, h, data)
}

#[test]
fn lists_the_test_devices() {
    let out = Command::new(hoso())
        .args(["scan", "--list"])
        .env("SANE_CONFIG_DIR", sane_config())
        .output()
        .expect("run hoso");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("test:0") && text.contains("test:1"), "{text}");
}

#[test]
fn feeder_batches_in_each_mode_match_scanimage() {
    for (mode, sane_mode, depth, pnm) in [
        ("gray", "Gray", "8", "P5"),
        ("color", "Color", "8", "P6"),
        ("lineart", "Gray", "1", "P4"),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("pages");
        let run = Command::new(hoso())
            .args([
                "scan", "--device", "test:0", "--source", "adf", "--dpi", "100", "--mode", mode,
            ])
            .arg("--out")
            .arg(&out)
            .env("SANE_CONFIG_DIR", sane_config())
            .output()
            .expect("run hoso");
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(
            run.status.success(),
            "{mode}: {stdout}{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let mut pages: Vec<PathBuf> = std::fs::read_dir(&out)
            .expect("pages")
            .map(|e| e.expect("entry").path())
            .collect();
        pages.sort();
        // The test backend's feeder holds ten sheets.
        assert_eq!(pages.len(), 10, "{mode}: {pages:?}");
        // The same page from scanimage, the SANE reference front end.
        let reference = scanimage()
            .args([
                "-d",
                "test:0",
                "--source",
                "Automatic Document Feeder",
                "--mode",
                sane_mode,
            ])
            .args([
                "--depth",
                depth,
                "--resolution",
                "100",
                "-l",
                "0",
                "-t",
                "0",
                "-x",
                "210",
                "-y",
                "297",
            ])
            .args(["--format=pnm"])
            .output()
            .expect("scanimage");
        assert!(
            reference.status.success(),
            "{}",
            String::from_utf8_lossy(&reference.stderr)
        );
        let (magic, w, h, want) = pnm_pixels(&reference.stdout);
        assert_eq!(magic, pnm);
        let img = image::open(&pages[0]).expect("decode page 1");
        assert_eq!((img.width(), img.height()), (w, h), "{mode}");
        let got: Vec<u8> = match mode {
            "color" => img.to_rgb8().into_raw(),
            "gray" => img.to_luma8().into_raw(),
            // PBM packs 1 = black, 8 pixels a byte, rows padded to whole bytes.
            _ => {
                let l = img.to_luma8();
                let mut packed = Vec::new();
                for row in l.rows() {
                    for chunk in row.collect::<Vec<_>>().chunks(8) {
                        let mut b = 0u8;
                        for (k, p) in chunk.iter().enumerate() {
                            if p.0[0] == 0 {
                                b |= 0x80 >> k;
                            }
                        }
                        packed.push(b);
                    }
                }
                packed
            }
        };
        assert_eq!(got.len(), want.len(), "{mode}");
        let mut want = want;
        if mode == "lineart" {
            // Padding bits at the end of each PBM row carry no pixels.
            let row = (w as usize).div_ceil(8);
            let mask = if w % 8 == 0 {
                0xFF
            } else {
                0xFFu8 << (8 - w % 8)
            };
            for r in want.chunks_mut(row) {
                r[row - 1] &= mask;
            }
        }
        assert!(got == want, "{mode}: page pixels differ from scanimage's");
        println!("{mode}: 10 pages of {w}×{h} px, identical to scanimage");
    }
}

#[test]
fn unavailable_source_is_explained() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = Command::new(hoso())
        .args(["scan", "--device", "test:0", "--source", "duplex", "--out"])
        .arg(dir.path())
        .env("SANE_CONFIG_DIR", sane_config())
        .output()
        .expect("run hoso");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("không hỗ trợ") && stderr.contains("Automatic Document Feeder"),
        "{stderr}"
    );
}

/// Drives the real test device, and after `good_pages` pages makes it fail the way real
/// scanners do, through the backend's own `read-return-value` option.
struct FailsAfter<'a> {
    dev: SaneDevice<'a>,
    good_pages: u32,
    started: u32,
    status: &'static str,
}

impl ScanDevice for FailsAfter<'_> {
    fn name(&self) -> &str {
        self.dev.name()
    }
    fn configure(&mut self, s: &ScanSettings) -> Result<(), ScanError> {
        self.dev.configure(s)
    }
    fn start_page(&mut self) -> Result<Option<PageFormat>, ScanError> {
        if self.started == self.good_pages {
            self.dev
                .set_option("read-return-value", OptionValue::Str(self.status))?;
        }
        self.started += 1;
        self.dev.start_page()
    }
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ScanError> {
        self.dev.read(buf)
    }
    fn cancel(&mut self) {
        self.dev.cancel()
    }
}

fn settings() -> ScanSettings {
    ScanSettings {
        source: Source::Adf,
        dpi: 75,
        mode: ColorMode::Gray,
        max_pages: None,
    }
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn device_failures_mid_batch_keep_earlier_pages_and_name_the_problem() {
    sane_config();
    for (status, check) in [
        (
            "SANE_STATUS_JAMMED",
            (|e: &ScanError| matches!(e, ScanError::Jammed)) as fn(&ScanError) -> bool,
        ),
        ("SANE_STATUS_COVER_OPEN", |e| {
            matches!(e, ScanError::CoverOpen)
        }),
        ("SANE_STATUS_IO_ERROR", |e| {
            matches!(e, ScanError::DeviceLost { .. })
        }),
        ("SANE_STATUS_NO_DOCS", |e| {
            matches!(e, ScanError::NoDocuments)
        }),
    ] {
        let sane = Sane::init().expect("sane_init");
        let dev = sane.open("test:0").expect("open test:0");
        let mut failing = FailsAfter {
            dev,
            good_pages: 3,
            started: 0,
            status,
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let batch = scan_batch(
            &mut failing,
            &settings(),
            dir.path(),
            &AtomicBool::new(false),
            &mut |_| {},
        );
        println!(
            "{status}: {:?}, {} pages kept",
            batch.end,
            batch.pages.len()
        );
        match &batch.end {
            BatchEnd::Failed(e) => assert!(check(e), "{status}: got {e:?}"),
            other => panic!("{status}: expected a failure, got {other:?}"),
        }
        assert_eq!(batch.pages.len(), 3);
        assert_eq!(
            files(dir.path()),
            ["page-0001.png", "page-0002.png", "page-0003.png"]
        );
        for p in &batch.pages {
            image::open(p).expect("kept pages are complete PNGs");
        }
    }
}

#[test]
fn cancel_mid_page_discards_only_that_page() {
    sane_config();
    let sane = Sane::init().expect("sane_init");
    let mut dev = sane.open("test:0").expect("open test:0");
    let dir = tempfile::tempdir().expect("tempdir");
    let cancel = AtomicBool::new(false);
    let mut progress = |e: ScanEvent<'_>| {
        if let ScanEvent::Bytes { page: 2, .. } = e {
            cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    };
    let batch = scan_batch(&mut dev, &settings(), dir.path(), &cancel, &mut progress);
    assert!(matches!(batch.end, BatchEnd::Cancelled), "{:?}", batch.end);
    assert_eq!(files(dir.path()), ["page-0001.png"]);
    // The device is usable again after a cancel: a flatbed page.
    let flat = ScanSettings {
        source: Source::Flatbed,
        ..settings()
    };
    let dir2 = tempfile::tempdir().expect("tempdir");
    let batch = scan_batch(
        &mut dev,
        &flat,
        dir2.path(),
        &AtomicBool::new(false),
        &mut |_| {},
    );
    assert!(
        matches!(batch.end, BatchEnd::FlatbedDone),
        "{:?}",
        batch.end
    );
    assert_eq!(batch.pages.len(), 1);
}
