//! Digitization at receipt (Circular 01/2023/TT-VPCP, issue 17 point 4): `hoso receive` on a
//! three-component dossier with one component not digitized. The two others carry, top left of
//! page 1, a QR code that rqrr decodes to the dossier code, procedure code, applicant identifier
//! and document name, and the digitizer's name, time and result code in the appearance of a
//! personal signature pyHanko and pdfsig accept; each has its result code in the register.

mod stamp_common;

use std::path::Path;
use std::process::{Command, Output};

use hoso_e2e::fixture;
use hoso_e2e::sign_support::{certs, hoso, pin_file, pyhanko_validate, run, text};
use stamp_common::{assert_all_signatures_valid, ok, render};

const CODE: &str = "000.00.15.H12-261207-0001";
const PROCEDURE: &str = "1.001193";
const APPLICANT: &str = "001204012345";
const DIGITIZER: &str = "Nguyễn Thị Lan";

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("no JSON ({e}): {}", text(o)))
}

/// Decodes the QR code in the top-left 45 × 30 mm of page 1 with rqrr, rendered at 300, 200
/// or 400 dpi (the first that decodes).
fn decode_top_left_qr(pdf: &Path) -> Option<String> {
    [300u32, 200, 400].into_iter().find_map(|dpi| {
        let img = render(pdf, 1, dpi);
        let px = |mm: f64| (mm / 25.4 * f64::from(dpi)) as u32;
        let (w, h) = (px(45.0).min(img.width()), px(30.0).min(img.height()));
        let mut prepared =
            rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
                let p = img.get_pixel(x as u32, y as u32).0;
                ((u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2])) / 3) as u8
            });
        prepared
            .detect_grids()
            .iter()
            .find_map(|g| g.decode().ok().map(|(_, content)| content))
    })
}

fn lookup(reg: &Path, file: &Path) -> serde_json::Value {
    let o = run(Command::new(hoso())
        .arg("register")
        .arg("--register")
        .arg(reg)
        .arg("lookup")
        .arg(file)
        .arg("--json"));
    json(&o)
}

#[test]
fn three_components_one_not_digitized_two_signed_with_qr_and_result_codes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let reg = d.join("so.sqlite");
    let out_dir = d.join("tiep-nhan");
    let o = run(Command::new(hoso())
        .arg("receive")
        .args([
            "--code",
            CODE,
            "--procedure",
            PROCEDURE,
            "--applicant",
            APPLICANT,
        ])
        .args(["--digitizer", DIGITIZER])
        .arg("--out-dir")
        .arg(&out_dir)
        .arg("--p12")
        .arg(certs().join("demo-staff-rsa.p12"))
        .arg("--pin-file")
        .arg(pin_file(d))
        .arg("--register")
        .arg(&reg)
        .args(["--doc", "Tờ khai đăng ký khai sinh"])
        .arg(fixture("to_khai_a4_200dpi.jpg"))
        .args(["--skip", "Căn cước công dân:csdl-quoc-gia"])
        .args(["--doc", "Giấy chứng sinh"])
        .arg(fixture("giay_chung_sinh_g4_2pages.tiff"))
        .arg("--json"));
    ok(&o, "hoso receive");
    let v = json(&o);
    let comps = v["components"].as_array().cloned().unwrap_or_default();
    assert_eq!(comps.len(), 3, "{v:#}");
    assert_eq!(comps[1]["skipped"], "national_database", "{v:#}");
    assert!(comps[1]["output"].is_null() && comps[1]["result_code"].is_null());
    assert!(!out_dir.join(format!("{CODE}.2.pdf")).exists());
    for (n, name) in [(1, "Tờ khai đăng ký khai sinh"), (3, "Giấy chứng sinh")] {
        let c = &comps[n - 1];
        let pdf = out_dir.join(format!("{CODE}.{n}.pdf"));
        assert_eq!(c["output"], pdf.display().to_string(), "{c:#}");
        let code = format!("{CODE}.SH{n:02}");
        assert_eq!(c["result_code"], code);
        // The QR code, top left, carries the four fields.
        let payload = decode_top_left_qr(&pdf).unwrap_or_else(|| panic!("no QR top left in {n}"));
        let q: serde_json::Value = serde_json::from_str(&payload).expect("QR JSON");
        assert_eq!(
            (
                q["ma_ho_so"].as_str(),
                q["ma_thu_tuc"].as_str(),
                q["ma_dinh_danh"].as_str(),
                q["ten_giay_to"].as_str()
            ),
            (Some(CODE), Some(PROCEDURE), Some(APPLICANT), Some(name)),
            "{payload}"
        );
        // The personal signature: valid and trusted, covering the whole file (QR included).
        let (code_py, out) = pyhanko_validate(&pdf);
        assert_eq!(code_py, 0, "pyHanko: {out}");
        assert_all_signatures_valid(d, &pdf, 1);
        let signer = run(hoso_e2e::tool("pdfsig", "poppler-utils").arg(&pdf));
        assert!(
            text(&signer).contains("DEMO staff"),
            "personal key: {}",
            text(&signer)
        );
        // The name, time and result code are the signature's appearance, top left.
        let w = widget(&pdf);
        let content = w["content"].as_str().unwrap_or_default();
        assert!(content.contains(" 10 Tf"), "{w:#}");
        let r: Vec<f64> = serde_json::from_value(w["rect"].clone()).expect("rect");
        assert!(r[0] < 150.0 && r[3] > 800.0, "top left: {w:#}");
        // The register holds the signed file with its result code.
        let e = lookup(&reg, &pdf);
        let entry = &e["results"][0]["entry"];
        let shown = entry.to_string();
        assert!(shown.contains(&code), "{e:#}");
        assert!(shown.contains("receipt"), "{e:#}");
        // What `hoso report` counts: a digitized component of this procedure, received today.
        let extra: serde_json::Value =
            serde_json::from_str(entry["extra"].as_str().unwrap_or("{}")).expect("extra is JSON");
        assert_eq!(extra["role"], "digitized", "{e:#}");
        assert_eq!(extra["result_code"], code.as_str(), "{e:#}");
        assert!(extra["procedure_code"].is_string(), "{e:#}");
        assert_eq!(
            extra["received_on"].as_str().map(str::len),
            Some(10),
            "{e:#}"
        );
        assert_eq!(
            entry["signer_fingerprint"].as_str().map(str::len),
            Some(64),
            "{e:#}"
        );
        assert_eq!(entry["dossier_code"], CODE, "{e:#}");
    }
}

/// The signature widget of page 1: rectangle and appearance content (pikepdf).
fn widget(pdf: &Path) -> serde_json::Value {
    const SCRIPT: &str = "import json, sys, pikepdf\n\
        pdf = pikepdf.open(sys.argv[1])\n\
        w = [a for a in pdf.pages[0].get('/Annots', []) if a.get('/FT') == '/Sig'][0]\n\
        print(json.dumps({'rect': [float(v) for v in w.Rect],\n\
        \x20   'content': w.AP.N.read_bytes().decode('latin-1')}))\n";
    let o = run(Command::new(hoso_e2e::venv_python("pikepdf"))
        .args(["-c", SCRIPT])
        .arg(pdf));
    assert!(o.status.success(), "pikepdf: {}", text(&o));
    json(&o)
}
