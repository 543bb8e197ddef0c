//! Circular 05/2025/TT-BNV at build time (issue 17 point 5): the dossier fields reach
//! manifest.json and the XMP (read back with pikepdf); PDF inputs are "Gốc điện tử" and a dossier
//! of them is not "from paper" for a sao y (Decree 30/2020 Art. 25); `--org-sign` puts the
//! organisation's text-only block at the top right of page 1 (pyHanko, pdfsig); `--split` writes
//! `<code>.<n>.pdf`, each registered; the resolution and colour warnings name file and page.

mod stamp_common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hoso_e2e::sign_support::{certs, hoso, pin_file, run, text};
use hoso_e2e::{fixture, pdfa_check, venv_python};
use stamp_common::{assert_all_signatures_valid, ok};

const CODE: &str = "000.00.15.H12-261207-0003";
const ORG: &str = "Ủy ban nhân dân phường Sông Cầu";

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("no JSON ({e}): {}", text(o)))
}

/// `hoso build --code CODE --register REG --json ARGS`.
fn build(dir: &Path, out: &Path, args: &[&std::ffi::OsStr]) -> Output {
    run(Command::new(hoso())
        .current_dir(dir)
        .arg("build")
        .arg("--out")
        .arg(out)
        .args(["--code", CODE, "--title", "Đăng ký khai sinh", "--json"])
        .arg("--register")
        .arg(dir.join("so.sqlite"))
        .args(args))
}

/// manifest.json and the XMP packet of `pdf`, read by pikepdf.
fn manifest_and_xmp(pdf: &Path) -> (serde_json::Value, String) {
    const SCRIPT: &str = "import json, sys, pikepdf\n\
        pdf = pikepdf.open(sys.argv[1])\n\
        m = pdf.attachments['manifest.json'].get_file().read_bytes().decode('utf-8')\n\
        x = pdf.Root.Metadata.read_bytes().decode('utf-8')\n\
        print(json.dumps({'manifest': json.loads(m), 'xmp': x}))\n";
    let o = run(Command::new(venv_python("pikepdf"))
        .args(["-c", SCRIPT])
        .arg(pdf));
    assert!(o.status.success(), "pikepdf: {}", text(&o));
    let v = json(&o);
    (
        v["manifest"].clone(),
        v["xmp"].as_str().unwrap_or_default().to_owned(),
    )
}

/// The properties pikepdf's XMP reader (`open_metadata`) finds in hoso's namespace.
fn xmp_properties(pdf: &Path) -> serde_json::Value {
    const SCRIPT: &str = "import json, sys, pikepdf\n\
        pdf = pikepdf.open(sys.argv[1])\n\
        ns = '{https://hoso.vn/ns/luu-tru/1.0/}'\n\
        with pdf.open_metadata() as meta:\n\
        \x20   out = {k[len(ns):]: str(v) for k, v in meta.items() if k.startswith(ns)}\n\
        print(json.dumps(out))\n";
    let o = run(Command::new(venv_python("pikepdf"))
        .args(["-c", SCRIPT])
        .arg(pdf));
    assert!(o.status.success(), "pikepdf: {}", text(&o));
    json(&o)
}

fn metadata_file(dir: &Path) -> PathBuf {
    let p = dir.join("meta.json");
    let meta = serde_json::json!({
        "dossier": {
            "sheet_count": 3,
            "information_symbol": "KS.2026",
            "paper_dossier_code": "H12.UBND.2026.01.0007",
            "backup_mode": "yes",
            "backup_status": "not_yet"
        }
    });
    std::fs::write(&p, meta.to_string()).expect("write metadata");
    p
}

#[test]
fn every_new_field_reaches_manifest_and_xmp_and_pdf_inputs_are_born_digital() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let out = d.join(format!("{CODE}.pdf"));
    let meta = metadata_file(d);
    let o = build(
        d,
        &out,
        &[
            "--metadata".as_ref(),
            meta.as_os_str(),
            "--doc".as_ref(),
            "Tờ khai".as_ref(),
            fixture("to_khai_a4_200dpi.jpg").as_os_str(),
            "--doc".as_ref(),
            "Công văn".as_ref(),
            fixture("cong_van_1page.pdf").as_os_str(),
        ],
    );
    ok(&o, "build");
    let (m, xmp) = manifest_and_xmp(&out);
    let md = &m["metadata"];
    assert_eq!(md["sheet_count"], 3, "{m:#}");
    assert_eq!(md["information_symbol"], "KS.2026");
    assert_eq!(md["paper_dossier_code"], "H12.UBND.2026.01.0007");
    assert_eq!(md["backup_mode"], "yes");
    assert_eq!(md["backup_status"], "not_yet");
    assert_eq!(m["documents"][0]["metadata"]["origin"], "digitized");
    assert_eq!(m["documents"][1]["metadata"]["origin"], "born_digital");
    // The raw packet declares the extension schema (PDF/A) ...
    assert!(
        xmp.contains("<pdfaSchema:prefix>hosoLuuTru</pdfaSchema:prefix>"),
        "{xmp}"
    );
    // ... and pikepdf's XMP reader finds every value in hoso's namespace.
    let x = xmp_properties(&out);
    assert_eq!(x["dossierCode"], CODE, "{x:#}");
    assert_eq!(x["sheetCount"], "3");
    assert_eq!(x["informationSymbol"], "KS.2026");
    assert_eq!(x["paperDossierCode"], "H12.UBND.2026.01.0007");
    assert_eq!(x["backupMode"], "Có");
    assert_eq!(x["backupStatus"], "Chưa dự phòng");
    assert_eq!(x["documentOrigin"], "1: Số hóa; 2: Gốc điện tử");
    let (pdfa, report) = pdfa_check(&out);
    assert!(pdfa, "{report}");
}

fn copy_sao_y(dir: &Path, input: &Path, out: &Path, extra: &[&str]) -> Output {
    run(Command::new(hoso())
        .arg("copy")
        .arg(input)
        .arg("--out")
        .arg(out)
        .arg("--org-p12")
        .arg(certs().join("demo-org.p12"))
        .arg("--pin-file")
        .arg(pin_file(dir))
        .args(["--org", ORG, "--register"])
        .arg(dir.join("so.sqlite"))
        .args(extra))
}

#[test]
fn sao_y_of_a_dossier_built_from_pdf_is_refused_unless_declared_from_paper() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let out = d.join("cong-van.pdf");
    ok(
        &build(d, &out, &[fixture("cong_van_1page.pdf").as_os_str()]),
        "build",
    );
    let refused = copy_sao_y(d, &out, &d.join("sy.pdf"), &[]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(text(&refused).contains("Điều 25"), "{}", text(&refused));
    assert!(!d.join("sy.pdf").exists());
    let declared = copy_sao_y(d, &out, &d.join("sy.pdf"), &["--from-paper"]);
    ok(&declared, "copy --from-paper");
    // A dossier of scans needs no declaration.
    let scans = d.join("to-khai.pdf");
    ok(
        &build(d, &scans, &[fixture("to_khai_a4_200dpi.jpg").as_os_str()]),
        "build",
    );
    ok(
        &copy_sao_y(d, &scans, &d.join("sy2.pdf"), &[]),
        "copy of scans",
    );
}

#[test]
fn warnings_before_building_name_the_file_and_the_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let out = d.join("hs.pdf");
    let o = build(
        d,
        &out,
        &[
            fixture("to_khai_trang2_gray_a4_150dpi.png").as_os_str(),
            fixture("giay_chung_sinh_g4_2pages.tiff").as_os_str(),
            fixture("to_khai_a4_200dpi.jpg").as_os_str(),
        ],
    );
    ok(&o, "build");
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("Cảnh báo")).collect();
    let has = |file: &str, page: u32, words: &str| {
        lines.iter().any(|l| {
            l.contains(file) && l.contains(&format!("(trang {page})")) && l.contains(words)
        })
    };
    assert!(
        has("to_khai_trang2_gray_a4_150dpi.png", 1, "150 dpi"),
        "{err}"
    );
    assert!(
        has("to_khai_trang2_gray_a4_150dpi.png", 1, "ảnh xám"),
        "{err}"
    );
    assert!(
        has("giay_chung_sinh_g4_2pages.tiff", 1, "đen trắng"),
        "{err}"
    );
    assert!(
        has("giay_chung_sinh_g4_2pages.tiff", 2, "đen trắng"),
        "{err}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("to_khai_a4_200dpi.jpg")),
        "{err}"
    );
    let v = json(&o);
    assert_eq!(
        v["preflight"].as_array().map(Vec::len),
        Some(lines.len()),
        "{v:#}"
    );
}

/// The organisation's widget on page 1 of `pdf`: its rectangle, its appearance's content and
/// whether that appearance holds an image (pikepdf).
fn org_widget(pdf: &Path) -> serde_json::Value {
    const SCRIPT: &str = "import json, sys, pikepdf\n\
        pdf = pikepdf.open(sys.argv[1])\n\
        page = pdf.pages[0]\n\
        mb = [float(v) for v in page.MediaBox]\n\
        w = [a for a in page.get('/Annots', []) if a.get('/FT') == '/Sig' or '/Parent' in a][0]\n\
        ap = w.AP.N\n\
        xo = ap.get('/Resources', {}).get('/XObject', {})\n\
        imgs = [k for k in xo.keys() if xo[k].get('/Subtype') == '/Image']\n\
        print(json.dumps({'rect': [float(v) for v in w.Rect], 'media': mb,\n\
        \x20   'content': ap.read_bytes().decode('latin-1'), 'images': len(imgs)}))\n";
    let o = run(Command::new(venv_python("pikepdf"))
        .args(["-c", SCRIPT])
        .arg(pdf));
    assert!(o.status.success(), "pikepdf: {}", text(&o));
    json(&o)
}

fn assert_org_block(pdf: &Path) {
    let w = org_widget(pdf);
    let r: Vec<f64> = serde_json::from_value(w["rect"].clone()).expect("rect");
    let m: Vec<f64> = serde_json::from_value(w["media"].clone()).expect("media");
    let mm = 72.0 / 25.4;
    // Top right, inside the 15 mm right margin and the 25 mm top margin.
    assert!(r[2] <= m[2] - 15.0 * mm + 0.5 && r[2] > m[2] / 2.0, "{w:#}");
    assert!(r[3] <= m[3] && r[3] >= m[3] - 25.0 * mm, "{w:#}");
    let content = w["content"].as_str().unwrap_or_default();
    assert!(content.contains(" 10 Tf"), "{w:#}");
    assert_eq!(w["images"], 0, "{w:#}");
}

#[test]
fn org_sign_and_split_write_signed_registered_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let out = d.join(format!("{CODE}.pdf"));
    let pin = pin_file(d);
    let o = build(
        d,
        &out,
        &[
            "--org-sign".as_ref(),
            "--org".as_ref(),
            ORG.as_ref(),
            "--p12".as_ref(),
            certs().join("demo-org.p12").as_os_str(),
            "--pin-file".as_ref(),
            pin.as_os_str(),
            "--split".as_ref(),
            "--doc".as_ref(),
            "Tờ khai".as_ref(),
            fixture("to_khai_a4_200dpi.jpg").as_os_str(),
            "--doc".as_ref(),
            "Giấy chứng sinh".as_ref(),
            fixture("giay_chung_sinh_g4_2pages.tiff").as_os_str(),
        ],
    );
    ok(&o, "build --org-sign --split");
    let v = json(&o);
    assert!(
        v["org_signed"]["registered"]["seq"].as_u64().is_some(),
        "{v:#}"
    );
    assert_all_signatures_valid(d, &out, 1);
    assert_org_block(&out);
    let split = v["split"].as_array().cloned().unwrap_or_default();
    assert_eq!(split.len(), 2, "{v:#}");
    for (n, pages) in [(1, 1), (2, 2)] {
        let f = d.join(format!("{CODE}.{n}.pdf"));
        assert!(f.exists(), "{}", f.display());
        assert_all_signatures_valid(d, &f, 1);
        assert_org_block(&f);
        let info = run(hoso_e2e::tool("pdfinfo", "poppler-utils").arg(&f));
        assert!(
            text(&info).contains(&format!("Pages:           {pages}")),
            "{}",
            text(&info)
        );
        let (pdfa, report) = pdfa_check(&f);
        assert!(pdfa, "{}: {report}", f.display());
        let e = &split[n - 1];
        assert_eq!(e["output"], f.display().to_string());
        assert!(e["registered"]["seq"].as_u64().is_some(), "{e:#}");
    }
    let (pdfa, report) = pdfa_check(&out);
    assert!(pdfa, "{report}");
}
