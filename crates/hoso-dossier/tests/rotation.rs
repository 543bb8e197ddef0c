//! The officer's quarter turns become each page's `/Rotate`, for scans and imported PDF pages
//! alike (added to an imported page's own), and the page's displayed size follows.

use std::path::{Path, PathBuf};

use hoso_dossier::*;

fn jpeg(dir: &Path, name: &str, w: u32, h: u32) -> PathBuf {
    let mut bytes = Vec::new();
    image::DynamicImage::new_rgb8(w, h)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Each page's `/Rotate` as poppler's pdfinfo reads it (an independent reader).
fn rotations(pdf: &Path) -> Vec<i64> {
    let o = std::process::Command::new("pdfinfo")
        .args(["-f", "1", "-l", "9999"])
        .arg(pdf)
        .output()
        .expect("pdfinfo (apt-get install -y poppler-utils)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| l.starts_with("Page ") && l.contains(" rot:"))
        .map(|l| {
            l.rsplit("rot:")
                .next()
                .and_then(|r| r.trim().parse().ok())
                .unwrap_or_else(|| panic!("pdfinfo line {l:?}"))
        })
        .collect()
}

fn build(dir: &Path, files: Vec<PathBuf>, rotate: &[(&PathBuf, u16)], out: &str) -> PathBuf {
    let spec = DossierSpec {
        code: "000.00.15.H12-261129-0003".parse().unwrap(),
        title: "Xoay trang".into(),
        metadata: DossierMetadata::default(),
        documents: vec![DocumentSpec {
            name: "Tài liệu".into(),
            files,
            metadata: DocumentMetadata::default(),
        }],
    };
    let options = BuildOptions {
        rotate: rotate.iter().map(|(p, d)| ((*p).clone(), *d)).collect(),
        ..BuildOptions::default()
    };
    let out = dir.join(out);
    build_dossier(&spec, &out, &options, &mut |_| {}).unwrap();
    out
}

#[test]
fn quarter_turns_are_written_per_file_and_add_to_an_imported_page() {
    let dir = tempfile::tempdir().unwrap();
    let a = jpeg(dir.path(), "a.jpg", 80, 60);
    let b = jpeg(dir.path(), "b.jpg", 80, 60);
    let c = jpeg(dir.path(), "c.jpg", 80, 60);
    let first = build(
        dir.path(),
        vec![a.clone(), b.clone(), c.clone()],
        &[(&b, 90), (&c, 270)],
        "first.pdf",
    );
    assert_eq!(rotations(&first), [0, 90, 270]);

    // The built dossier imported again with a further half turn on it: 90+180, 270+180.
    let second = build(
        dir.path(),
        vec![first.clone()],
        &[(&first, 180)],
        "second.pdf",
    );
    assert_eq!(rotations(&second), [180, 270, 90]);
}
