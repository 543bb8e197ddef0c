//! Issue 19 points 3 and 4: `hoso serve`, the page behind the QR code, seen from outside.
//!
//! A certified copy is made with the office's public address set, so its QR is a link; the QR
//! is decoded from the rendered page with rqrr, and that link is what the tests open:
//! - over HTTP (`ureq`): the page shows the register's line only for the real payload; a
//!   changed sequence number or hash shows nothing (the same page for both); the JSON API; the
//!   checkpoint and a consistency proof; per-client rate limits; one log line per request with
//!   no payload or address in it; a clean exit on SIGTERM; HTTPS with a certificate (curl);
//! - in a real browser (Debian's Chromium, headless, driven by chromedriver over WebDriver):
//!   open the link, upload the copy → green; upload a modified copy → red; another sequence
//!   number → nothing. Screenshots at 390 px width go to `target/serve-screenshots/` (copied into
//!   `docs/` by hand when the page changes).

mod stamp_common;

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hoso_e2e::sign_support::ltv_pki::LtvPki;
use hoso_e2e::sign_support::{hoso, pin_file, run, text};
use stamp_common::{letter, render};

const ORG: &str = "Ủy ban nhân dân phường Sông Cầu";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A station whose settings name the office, trust a test PKI whose OCSP responder and CRL run
/// on 127.0.0.1 (so a valid copy is green, revocation checked), and set the public address.
struct Station {
    dir: tempfile::TempDir,
    port: u16,
    org_p12: PathBuf,
    _pki: LtvPki,
}

impl Station {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let port = free_port();
        let mut pki = LtvPki::new();
        let org = pki.issue("org", "UBND phuong Song Cau (TEST)", 365, false, false);
        pki.start();
        let settings = serde_json::json!({
            "office": ORG,
            "org_code": "UBND",
            "trust": [pki.root()],
            "station": "Một cửa phường Sông Cầu",
            "public_url": format!("http://127.0.0.1:{port}"),
        });
        std::fs::write(dir.path().join("settings.json"), settings.to_string()).expect("settings");
        Self {
            dir,
            port,
            org_p12: org.p12,
            _pki: pki,
        }
    }

    fn d(&self) -> &Path {
        self.dir.path()
    }

    fn reg(&self) -> PathBuf {
        self.d().join("register.sqlite")
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new(hoso());
        c.env("HOSO_WORKSPACE", self.d().join("ws"))
            .env("HOSO_SETTINGS", self.d().join("settings.json"))
            .env("HOSO_REGISTER", self.reg())
            .env_remove("HOSO_STATION");
        c
    }

    /// A certified copy (sao y from paper) of a scanned letter; returns (copy, its JSON).
    fn copy(&self) -> (PathBuf, serde_json::Value) {
        let scan = letter(self.d(), "scan.pdf");
        let out = self.d().join("ban-sao.pdf");
        let o = run(self
            .cmd()
            .arg("copy")
            .arg(&scan)
            .arg("--out")
            .arg(&out)
            .arg("--org-p12")
            .arg(&self.org_p12)
            .arg("--pin-file")
            .arg(pin_file(self.d()))
            .args(["--from-paper", "--json"]));
        assert!(o.status.success(), "hoso copy: {}", text(&o));
        let v = serde_json::from_slice(&o.stdout).expect("copy --json");
        (out, v)
    }

    fn serve(&self, extra: &[&str]) -> Server {
        let mut child = self
            .cmd()
            .arg("serve")
            .arg("--listen")
            .arg(format!("127.0.0.1:{}", self.port))
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("hoso serve starts");
        let mut first = String::new();
        let stdout = child.stdout.take().expect("stdout");
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("the ready line");
        assert!(first.starts_with("hoso serve: "), "{first:?}");
        Server {
            child: Some(child),
            base: format!("http://127.0.0.1:{}", self.port),
        }
    }
}

struct Server {
    child: Option<Child>,
    base: String,
}

impl Server {
    /// SIGTERM, then the exit status and everything it logged.
    fn stop(mut self) -> (std::process::ExitStatus, String) {
        let mut child = self.child.take().expect("running");
        let st = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill");
        assert!(st.success());
        let deadline = Instant::now() + Duration::from_secs(15);
        let status = loop {
            if let Some(s) = child.try_wait().expect("wait") {
                break s;
            }
            assert!(
                Instant::now() < deadline,
                "hoso serve did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut log = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut log);
        }
        (status, log)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn get(a: &ureq::Agent, url: &str) -> (u16, String) {
    let mut r = a.get(url).call().expect("GET");
    let status = r.status().as_u16();
    (status, r.body_mut().read_to_string().unwrap_or_default())
}

fn post(a: &ureq::Agent, url: &str, ctype: &str, body: &[u8]) -> (u16, serde_json::Value) {
    let mut r = a
        .post(url)
        .header("content-type", ctype)
        .send(body)
        .expect("POST");
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string().unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")),
    )
}

/// Decodes the QR code in the bottom margin of page 1 (rendered at 300 dpi) with rqrr.
fn decode_bottom_qr(pdf: &Path) -> String {
    let img = render(pdf, 1, 300);
    let top = img.height() - (25.0 / 25.4 * 300.0) as u32;
    let (w, h) = (img.width(), img.height() - top);
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
            let p = img.get_pixel(x as u32, top + y as u32).0;
            ((u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2])) / 3) as u8
        });
    let grids = prepared.detect_grids();
    let grid = grids.first().expect("a QR code in the bottom margin");
    grid.decode().expect("the QR decodes").1
}

/// The link with the payload's sequence number changed to `seq` (the hash part kept).
fn with_seq(url: &str, seq: u64) -> String {
    let (head, hash) = url.rsplit_once(':').expect("…:<seq>:<hash>");
    let (head, _) = head.rsplit_once(':').expect("…:<seq>");
    format!("{head}:{seq}:{hash}")
}

/// The copy with one letter of its page text changed inside the signed bytes.
fn modified(copy: &Path, out: &Path) {
    let mut bytes = std::fs::read(copy).expect("copy");
    let at = bytes
        .windows(8)
        .position(|w| w == b"CONG VAN")
        .expect("the letter's text, uncompressed");
    bytes[at + 7] = b'M';
    std::fs::write(out, bytes).expect("write");
}

/// Secrets of the entry that must not appear when nothing matches (the header names the
/// office that runs the service, which is public; the answer below it shows nothing).
fn assert_shows_nothing(page: &str, copy_number: &str) {
    let page = page
        .split_once("<main")
        .and_then(|(_, m)| m.split_once("</main>"))
        .map_or(page, |(m, _)| m);
    for secret in [ORG, copy_number, "Sông Cầu", "Ngày đăng ký", "Trích yếu"] {
        assert!(!page.contains(secret), "shows {secret:?}: {page}");
    }
    assert!(page.contains("KHÔNG KHỚP"), "{page}");
}

#[test]
fn the_qr_link_leads_to_the_page_and_only_the_real_payload_shows_the_entry() {
    let st = Station::new();
    let (copy, made) = st.copy();
    let number = made["copy_number"].as_str().expect("number").to_owned();
    let url = decode_bottom_qr(&copy);
    assert_eq!(made["qr_printed"].as_str(), Some(url.as_str()));
    let prefix = format!("http://127.0.0.1:{}/v/HS1:", st.port);
    assert!(url.starts_with(&prefix), "{url}");
    let payload = url
        .strip_prefix(&format!("http://127.0.0.1:{}/v/", st.port))
        .unwrap();
    // The link without a second line: a phone opens it as it is.
    assert!(!url.contains('\n'), "{url:?}");

    let server = st.serve(&["--per-minute", "600", "--burst", "200"]);
    let a = agent();
    let (status, page) = get(&a, &url);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("ĐÚNG BẢN ĐÃ ĐĂNG KÝ"), "{page}");
    assert!(page.contains(ORG), "the office: {page}");
    assert!(page.contains("Ngày đăng ký"), "{page}");
    assert!(page.contains("id=\"upload\""), "the upload box: {page}");

    // Another number, or the right number with another hash: the same page, nothing shown.
    let (s1, other_seq) = get(&a, &with_seq(&url, 7));
    let (s2, other_hash) = get(
        &a,
        &format!(
            "{}AAAAAAAAAAAAAAAAAAAAAAAAAA",
            url.rsplit_once(':').unwrap().0.to_owned() + ":"
        ),
    );
    assert_eq!((s1, s2), (404, 404));
    assert_shows_nothing(&other_seq, &number);
    assert_eq!(
        other_seq, other_hash,
        "the two kinds of mismatch look the same"
    );
    let (s, junk) = get(&a, &format!("{}/v/not-a-code", server.base));
    assert_eq!(s, 404);
    assert!(junk.contains("không hợp lệ"), "{junk}");

    // The JSON API: a payload, the copy itself (green, with its copy number), a modified copy
    // (red, no register line), the copy against another payload (no match).
    let api = format!("{}/api/verify", server.base);
    let (s, v) = post(
        &a,
        &api,
        "application/json",
        serde_json::json!({ "payload": payload })
            .to_string()
            .as_bytes(),
    );
    assert_eq!(s, 200, "{v:#}");
    assert_eq!(v["verdict"], "registered", "{v:#}");
    let up = format!(
        "{api}?payload={}",
        payload.replace('/', "%2F").replace(':', "%3A")
    );
    let bytes = std::fs::read(&copy).unwrap();
    let (s, v) = post(&a, &up, "application/pdf", &bytes);
    assert_eq!(s, 200, "{v:#}");
    assert_eq!(v["color"], "green", "{v:#}");
    assert_eq!(v["verdict"], "valid", "{v:#}");
    assert_eq!(v["register"]["copy_number"], number.as_str(), "{v:#}");
    assert_eq!(v["register"]["kind"], "copy", "{v:#}");
    assert_eq!(v["demo_trusted"], false);
    assert!(!v["signers"].as_array().unwrap().is_empty(), "{v:#}");
    let bad = st.d().join("sua.pdf");
    modified(&copy, &bad);
    let (s, v) = post(&a, &up, "application/pdf", &std::fs::read(&bad).unwrap());
    assert_eq!(s, 200, "{v:#}");
    assert_eq!(
        (v["verdict"].as_str(), v["color"].as_str()),
        (Some("invalid"), Some("red")),
        "{v:#}"
    );
    assert!(v.get("register").is_none(), "{v:#}");
    let other = with_seq(payload, 7);
    let up_other = format!(
        "{api}?payload={}",
        other.replace('/', "%2F").replace(':', "%3A")
    );
    let (s, v) = post(&a, &up_other, "application/pdf", &bytes);
    assert_eq!((s, v["verdict"].as_str()), (404, Some("no_match")), "{v:#}");
    assert!(v.get("register").is_none(), "{v:#}");
    let (s, v) = post(&a, &up, "application/pdf", b"not a pdf");
    assert_eq!(s, 422, "{v:#}");

    // Auditors and witnesses: the checkpoint and a consistency proof between two sizes.
    let (s, note) = get(&a, &format!("{}/checkpoint", server.base));
    assert_eq!(s, 200);
    assert!(note.starts_with("hoso/mot-cua-phuong-song-cau\n"), "{note}");
    let size: u64 = note.lines().nth(1).unwrap().parse().unwrap();
    assert!(size >= 2, "{note}");
    let (s, proof) = get(
        &a,
        &format!("{}/proof/consistency?old=1&new={size}", server.base),
    );
    assert_eq!(s, 200, "{proof}");
    assert!(proof.lines().all(|l| l.len() == 44), "{proof}");
    let (s, _) = get(
        &a,
        &format!("{}/proof/consistency?old=1&new=99", server.base),
    );
    assert_eq!(s, 404);
    let (s, ok) = get(&a, &format!("{}/healthz", server.base));
    assert_eq!((s, ok.as_str()), (200, "ok\n"));

    // One line per request; never a payload, an address or a file hash.
    let (status, log) = server.stop();
    assert!(status.success(), "exit on SIGTERM: {status:?}\n{log}");
    let lines: Vec<&str> = log.lines().collect();
    assert!(lines.len() >= 14, "{log}");
    for secret in [payload, "HS1", "127.0.0.1", "SONG-CAU", &number] {
        assert!(!log.contains(secret), "the log shows {secret:?}:\n{log}");
    }
    assert!(
        lines.iter().any(|l| l.contains("GET /v/{*payload} 200")),
        "{log}"
    );
    assert!(lines.last().unwrap().contains("shutdown"), "{log}");
}

#[test]
fn walking_sequence_numbers_meets_the_rate_limit() {
    let st = Station::new();
    let (copy, _) = st.copy();
    let url = decode_bottom_qr(&copy);
    let server = st.serve(&["--per-minute", "60", "--burst", "10"]);
    let a = agent();
    let statuses: Vec<u16> = (0..30)
        .map(|i| get(&a, &with_seq(&url, 100 + i)).0)
        .collect();
    assert!(statuses[..10].iter().all(|&s| s == 404), "{statuses:?}");
    assert!(statuses[10..].iter().all(|&s| s == 429), "{statuses:?}");
    // Health checks are not counted.
    assert_eq!(get(&a, &format!("{}/healthz", server.base)).0, 200);
    let (status, _) = server.stop();
    assert!(status.success());
}

#[test]
fn https_with_a_certificate() {
    let st = Station::new();
    let d = st.d();
    let _ = st.copy();
    let (cert, key) = (d.join("tls.pem"), d.join("tls.key"));
    let o = run(hoso_e2e::tool("openssl", "openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert));
    assert!(o.status.success(), "{}", text(&o));
    let server = st.serve(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ]);
    let o = run(hoso_e2e::tool("curl", "curl")
        .args(["-sS", "--cacert"])
        .arg(&cert)
        .args(["--resolve", &format!("localhost:{}:127.0.0.1", st.port)])
        .arg(format!("https://localhost:{}/healthz", st.port)));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "ok\n", "{}", text(&o));
    // Plain HTTP on the TLS port gets no page.
    let o = run(hoso_e2e::tool("curl", "curl")
        .args(["-sS", "-m", "5"])
        .arg(format!("http://127.0.0.1:{}/healthz", st.port)));
    assert!(
        !String::from_utf8_lossy(&o.stdout).contains("ok"),
        "{}",
        text(&o)
    );
    let _ = server.base;
    let (status, _) = server.stop();
    assert!(status.success());
}

/// A W3C WebDriver session on chromedriver (Debian's `chromium-driver`), headless Chromium at a
/// phone's width. Only the handful of commands the test needs, as JSON over HTTP.
struct Browser {
    driver: Child,
    base: String,
    a: ureq::Agent,
}

/// W3C WebDriver §12.1: the key of a web element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    fn start(width: u32) -> Self {
        let port = free_port();
        let chromium = hoso_e2e::sign_support::tool("chromium", "sudo apt-get install -y chromium");
        let driver = Command::new(hoso_e2e::sign_support::tool(
            "chromedriver",
            "sudo apt-get install -y chromium-driver",
        ))
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
        let a = agent();
        let root = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while a.get(&format!("{root}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not answer");
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = serde_json::json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                // Headless Chromium keeps windows at least 500 px wide: a phone's viewport comes
                // from device emulation instead.
                "mobileEmulation": {"deviceMetrics": {"width": width, "height": 844, "pixelRatio": 1.0}},
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                         "--window-size=600,1000", "--lang=vi"],
            }
        }}});
        let (s, v) = post(
            &a,
            &format!("{root}/session"),
            "application/json",
            caps.to_string().as_bytes(),
        );
        assert_eq!(s, 200, "new session: {v:#}");
        let id = v["value"]["sessionId"]
            .as_str()
            .expect("sessionId")
            .to_owned();
        Self {
            driver,
            base: format!("{root}/session/{id}"),
            a,
        }
    }

    fn cmd(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        let (s, v) = post(
            &self.a,
            &format!("{}{path}", self.base),
            "application/json",
            body.to_string().as_bytes(),
        );
        assert_eq!(s, 200, "{path}: {v:#}");
        v["value"].clone()
    }

    fn query(&self, path: &str) -> serde_json::Value {
        let (s, t) = get(&self.a, &format!("{}{path}", self.base));
        assert_eq!(s, 200, "{path}: {t}");
        serde_json::from_str::<serde_json::Value>(&t).expect("JSON")["value"].clone()
    }

    fn open(&self, url: &str) {
        self.cmd("/url", serde_json::json!({ "url": url }));
    }

    fn find(&self, css: &str) -> String {
        let v = self.cmd(
            "/element",
            serde_json::json!({"using": "css selector", "value": css}),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("{css}: {v}"))
            .to_owned()
    }

    fn attr(&self, el: &str, name: &str) -> String {
        self.query(&format!("/element/{el}/attribute/{name}"))
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    fn text_of(&self, css: &str) -> String {
        let el = self.find(css);
        self.query(&format!("/element/{el}/text"))
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Chooses `file` in the page's file input and presses Kiểm tra; waits for the answer card.
    fn upload(&self, file: &Path) -> (String, String) {
        let input = self.find("#file");
        self.cmd(
            &format!("/element/{input}/value"),
            serde_json::json!({ "text": file.to_str().expect("utf-8 path") }),
        );
        let button = self.find("#check");
        self.cmd(&format!("/element/{button}/click"), serde_json::json!({}));
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let result = self.find("#result");
            let verdict = self.attr(&result, "data-verdict");
            if !verdict.is_empty() && verdict != "busy" {
                return (self.attr(&result, "class"), self.text_of("#result"));
            }
            assert!(Instant::now() < deadline, "no answer to the upload");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// A PNG of the viewport, checked to be `width` pixels wide.
    fn screenshot(&self, out: &Path, width: u32) {
        use base64::Engine;
        let b64 = self.query("/screenshot");
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().expect("base64"))
            .expect("PNG");
        let img = image::load_from_memory(&png).expect("a PNG");
        assert_eq!(img.width(), width, "screenshot width");
        std::fs::write(out, png).expect("write screenshot");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.a.delete(&self.base).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[test]
fn in_a_phone_browser_the_copy_is_green_a_modified_copy_red_another_number_nothing() {
    const WIDTH: u32 = 390;
    let st = Station::new();
    let (copy, made) = st.copy();
    let number = made["copy_number"].as_str().expect("number").to_owned();
    let url = decode_bottom_qr(&copy);
    let bad = st.d().join("ban-sao-da-sua.pdf");
    modified(&copy, &bad);
    let shots = hoso_e2e::sign_support::workspace()
        .join("target")
        .join("serve-screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot dir");
    let server = st.serve(&[]);
    let b = Browser::start(WIDTH);

    // Scan → page: the register's line, green.
    b.open(&url);
    let card = b.find("#verdict");
    assert!(
        b.attr(&card, "class").contains("green"),
        "{}",
        b.text_of("main")
    );
    let shown = b.text_of("#verdict");
    assert!(shown.contains("ĐÚNG BẢN ĐÃ ĐĂNG KÝ"), "{shown}");
    b.screenshot(&shots.join("serve-page.png"), WIDTH);

    // Upload the copy: verified in full, green, with its copy number.
    let (class, words) = b.upload(&copy);
    assert!(class.contains("green"), "{class}: {words}");
    assert!(words.contains("HỢP LỆ"), "{words}");
    assert!(words.contains(&number), "{words}");
    b.screenshot(&shots.join("serve-upload-green.png"), WIDTH);

    // A modified copy: red, and nothing of the register.
    b.open(&url);
    let (class, words) = b.upload(&bad);
    assert!(class.contains("red"), "{class}: {words}");
    assert!(words.contains("KHÔNG HỢP LỆ"), "{words}");
    assert!(!words.contains(&number), "{words}");
    b.screenshot(&shots.join("serve-upload-red.png"), WIDTH);

    // Another sequence number: nothing of any entry, and no upload box.
    b.open(&with_seq(&url, 5));
    let card = b.find("#verdict");
    assert!(b.attr(&card, "class").contains("red"));
    let main = b.text_of("main");
    assert!(main.contains("KHÔNG KHỚP"), "{main}");
    for secret in [number.as_str(), "Ngày đăng ký", "SAO Y"] {
        assert!(!main.contains(secret), "{secret}: {main}");
    }
    b.screenshot(&shots.join("serve-no-match.png"), WIDTH);
    drop(b);
    let (status, _) = server.stop();
    assert!(status.success());
}

/// Issue 19 point 2: `hoso serve --witness-state` answers c2sp.org/tlog-witness
/// `POST /add-checkpoint` for the pinned register: a cosignature line (200), the witness's size
/// for a stale old size (409, `text/x.tlog.size`), 400 for a malformed body.
#[test]
fn the_witness_endpoint_cosigns_and_refuses_a_stale_size() {
    let st = Station::new();
    let file = st.d().join("a.pdf");
    std::fs::write(&file, b"%PDF-1.7 chung kien").expect("write");
    for args in [
        vec![
            "register",
            "append",
            file.to_str().expect("utf-8"),
            "--kind",
            "dossier",
        ],
        vec!["register", "pin"],
    ] {
        let o = run(st.cmd().args(&args));
        assert!(o.status.success(), "{args:?}: {}", text(&o));
    }
    let req = run(st.cmd().args(["register", "witness-request", "--old", "0"]));
    assert!(req.status.success(), "{}", text(&req));
    let wdir = st.d().join("nhan-chung");
    let server = st.serve(&[
        "--witness-state",
        wdir.to_str().expect("utf-8"),
        "--witness-name",
        "tinh.example/w1",
    ]);
    let a = agent();
    let url = format!("{}/add-checkpoint", server.base);
    let send = |body: &[u8]| {
        let mut r = a.post(&url).send(body).expect("POST");
        let ctype = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let status = r.status().as_u16();
        (
            status,
            ctype,
            r.body_mut().read_to_string().unwrap_or_default(),
        )
    };
    let (status, _, body) = send(&req.stdout);
    assert_eq!(status, 200, "{body}");
    assert!(body.starts_with("\u{2014} tinh.example/w1 "), "{body}");
    let (status, ctype, body) = send(&req.stdout.clone());
    // The same head from old size 0 again: the witness has size 1 now.
    assert_eq!(
        (status, ctype.as_str(), body.as_str()),
        (409, "text/x.tlog.size", "1\n")
    );
    assert_eq!(send(b"not a request").0, 400);
    let (status, _) = server.stop();
    assert!(status.success());
}
