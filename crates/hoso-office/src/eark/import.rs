//! `hoso import-eark`: a received package checked file by file — the seal of the root METS,
//! every `mets:file`/`mets:mdRef` of the root and representation METS (present, SIZE, SHA-256),
//! no unlisted file, every register proof (leaf recomputed, RFC 9162 inclusion, checkpoint
//! signature) and every PDF's signatures — with a report in Vietnamese (English beside).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use hoso_register::{Checkpoint, VerifierKey};
use serde::Serialize;

use super::{io, EarkError, Proofs, SEAL};
use crate::config::Config;
use crate::error::OfficeError;

/// One check and its outcome.
#[derive(Debug, Clone, Serialize)]
pub struct ImportCheck {
    /// Passed.
    pub ok: bool,
    /// What was checked and what was found, Vietnamese / English.
    pub message: String,
}

/// The verdict on a package.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// The package (folder, or the zip given).
    pub package: PathBuf,
    /// Every check passed.
    pub ok: bool,
    /// The register the proofs lead to, and its key.
    pub origin: Option<String>,
    /// Verifier key of that register (compare it with the office's published key).
    pub verifier_key: Option<String>,
    /// Each check.
    pub checks: Vec<ImportCheck>,
}

impl ImportReport {
    fn push(&mut self, ok: bool, message: String) {
        self.ok &= ok;
        self.checks.push(ImportCheck { ok, message });
    }
}

/// `(href, SIZE, CHECKSUM)` of every `mets:file` (its `FLocat`) and `mets:mdRef` in a METS text.
fn listed(mets: &str) -> Vec<(String, Option<u64>, Option<String>)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let key = format!(" {name}=\"");
        let at = tag.find(&key)? + key.len();
        let end = tag[at..].find('"')? + at;
        Some(xml_unescape(&tag[at..end]))
    };
    let mut out = Vec::new();
    let mut pending: Option<(Option<u64>, Option<String>)> = None;
    for piece in mets.split('<').skip(1) {
        let tag = piece.split('>').next().unwrap_or("");
        let size = || attr(tag, "SIZE").and_then(|s| s.parse().ok());
        if tag.starts_with("mets:file ") {
            pending = Some((size(), attr(tag, "CHECKSUM")));
        } else if tag.starts_with("mets:FLocat ") {
            if let (Some((s, c)), Some(h)) = (pending.take(), attr(tag, "xlink:href")) {
                out.push((h, s, c));
            }
        } else if tag.starts_with("mets:mdRef ") {
            if let Some(h) = attr(tag, "xlink:href") {
                out.push((h, size(), attr(tag, "CHECKSUM")));
            }
        }
    }
    out
}

fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The root METS text if its seal matches, else why not.
fn check_seal(bytes: &[u8]) -> Result<String, &'static str> {
    let text = std::str::from_utf8(bytes).map_err(|_| "không phải UTF-8 / not UTF-8")?;
    let at = text
        .rfind(SEAL)
        .ok_or("không có dấu niêm hoso-sha256 / no hoso-sha256 seal")?;
    let want = text[at + SEAL.len()..]
        .strip_suffix(" -->\n")
        .ok_or("dấu niêm sai dạng / malformed seal")?;
    let got = hoso_pdf::hex(&hoso_register::sha256_bytes(&bytes[..at]));
    if want == got {
        Ok(text[..at].to_owned())
    } else {
        Err("mã băm METS.xml không khớp dấu niêm / METS.xml does not match its seal")
    }
}

/// Checks the files a METS lists, relative to `base`; returns their paths (relative to `root`).
fn check_listed(
    report: &mut ImportReport,
    root: &Path,
    base: &Path,
    mets: &str,
    seen: &mut HashSet<PathBuf>,
) {
    for (href, size, sum) in listed(mets) {
        let path = base.join(&href);
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let shown = rel.display().to_string();
        seen.insert(normal(&rel));
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(_) => {
                report.push(false, format!("thiếu tệp {shown} / missing file"));
                continue;
            }
        };
        let size_ok = size == Some(bytes.len() as u64);
        let sum_ok = sum.as_deref().map(str::to_ascii_lowercase)
            == Some(hoso_pdf::hex(&hoso_register::sha256_bytes(&bytes)));
        match (size_ok, sum_ok) {
            (true, true) => report.push(true, format!("{shown}: kích thước và SHA-256 khớp / size and SHA-256 match")),
            (_, false) => report.push(false, format!("{shown}: SHA-256 không khớp, tệp đã bị thay đổi / SHA-256 mismatch, the file was changed")),
            (false, true) => report.push(false, format!("{shown}: kích thước không khớp / size mismatch")),
        }
    }
}

fn normal(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

fn all_files(dir: &Path, root: &Path, out: &mut Vec<PathBuf>) {
    if let Ok(read) = std::fs::read_dir(dir) {
        for e in read.flatten() {
            let p = e.path();
            if p.is_dir() {
                all_files(&p, root, out);
            } else if let Ok(rel) = p.strip_prefix(root) {
                out.push(rel.to_path_buf());
            }
        }
    }
}

fn check_proofs(report: &mut ImportReport, root: &Path) {
    let path = root.join("documentation/register-proofs.json");
    let proofs: Proofs = match std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
    {
        Some(p) => p,
        None => {
            return report.push(
                false,
                "không đọc được bằng chứng sổ đăng ký / register proofs unreadable".into(),
            )
        }
    };
    report.origin = Some(proofs.origin.clone());
    report.verifier_key = Some(proofs.verifier_key.clone());
    let cp = VerifierKey::parse(&proofs.verifier_key)
        .ok()
        .and_then(|k| Checkpoint::open(&proofs.checkpoint, &k).ok());
    let Some(cp) = cp else {
        return report.push(false, "chữ ký điểm kiểm tra của sổ không hợp lệ / the register checkpoint signature does not verify".into());
    };
    report.push(
        true,
        format!(
            "điểm kiểm tra sổ {} kích thước {} có chữ ký hợp lệ / checkpoint signature valid",
            cp.origin, cp.size
        ),
    );
    for f in &proofs.files {
        let on_disk = hoso_register::sha256_file(&root.join(&f.path))
            .ok()
            .map(|h| hoso_pdf::hex(&h));
        let mut ok = on_disk.as_deref() == Some(f.sha256.as_str()) && !f.entries.is_empty();
        for (entry, path) in &f.entries {
            let hashes: Option<Vec<hoso_register::Hash>> = path
                .iter()
                .map(|h| hoso_register::parse_sha256_hex(h))
                .collect();
            ok &= hoso_pdf::hex(&entry.sha256) == f.sha256
                && match (entry.leaf_hash(), hashes) {
                    (Ok(leaf), Some(p)) => hoso_register::tree::verify_inclusion(
                        entry.seq, cp.size, &leaf, &p, &cp.root,
                    )
                    .is_ok(),
                    _ => false,
                };
        }
        if ok {
            report.push(
                true,
                format!(
                    "{}: {} mục sổ, bằng chứng bao hàm hợp lệ / inclusion proofs valid",
                    f.path,
                    f.entries.len()
                ),
            );
        } else {
            report.push(false, format!("{}: bằng chứng sổ đăng ký không khớp tệp / register proof does not match the file", f.path));
        }
    }
}

fn check_signatures(
    report: &mut ImportReport,
    config: &Config,
    root: &Path,
) -> Result<(), OfficeError> {
    let mut files = Vec::new();
    all_files(&root.join("representations"), root, &mut files);
    files.sort();
    let opts = crate::check::CheckOptions {
        trust: config.settings.trust_store()?,
        now: std::time::SystemTime::now(),
        fetch_revocation: false,
    };
    for rel in files
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
    {
        let shown = rel.display();
        match crate::check::check_file(config, &root.join(rel), &opts) {
            Ok(c) if c.color == crate::check::Color::Red => report.push(
                false,
                format!(
                    "{shown}: chữ ký không hợp lệ ({}) / invalid signature",
                    c.reason
                ),
            ),
            Ok(c) if c.signers.is_empty() => {
                report.push(true, format!("{shown}: không có chữ ký số / not signed"))
            }
            Ok(c) => report.push(
                true,
                format!(
                    "{shown}: chữ ký nguyên vẹn ({} chữ ký) — {} / signatures intact",
                    c.signers.len(),
                    c.reason
                ),
            ),
            Err(e) => report.push(
                false,
                format!("{shown}: không kiểm tra được chữ ký: {e} / cannot check signatures"),
            ),
        }
    }
    Ok(())
}

/// Checks a package folder or `.zip` (unpacked into a temporary folder first).
pub fn import(config: &Config, package: &Path) -> Result<ImportReport, OfficeError> {
    let mut report = ImportReport {
        package: package.to_path_buf(),
        ok: true,
        origin: None,
        verifier_key: None,
        checks: Vec::new(),
    };
    let tmp;
    let root = if package.is_file() {
        tmp = tempdir_near(package)?;
        super::zip::unpack(package, &tmp.0).map_err(EarkError::from)?;
        single_folder(&tmp.0).ok_or_else(|| EarkError::NotAPackage(package.to_path_buf()))?
    } else {
        package.to_path_buf()
    };
    let mets_path = root.join("METS.xml");
    let bytes =
        std::fs::read(&mets_path).map_err(|_| EarkError::NotAPackage(package.to_path_buf()))?;
    let mets = match check_seal(&bytes) {
        Ok(text) => {
            report.push(
                true,
                "METS.xml khớp dấu niêm SHA-256 / METS.xml matches its seal".into(),
            );
            text
        }
        Err(why) => {
            report.push(false, format!("METS.xml: {why}"));
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    let mut seen: HashSet<PathBuf> = HashSet::from([PathBuf::from("METS.xml")]);
    check_listed(&mut report, &root, &root, &mets, &mut seen);
    for (href, _, _) in listed(&mets)
        .into_iter()
        .filter(|(h, _, _)| h.starts_with("representations/") && h.ends_with("METS.xml"))
    {
        let rep = root.join(&href);
        let base = rep.parent().unwrap_or(&root).to_path_buf();
        if let Ok(text) = std::fs::read_to_string(&rep) {
            check_listed(&mut report, &root, &base, &text, &mut seen);
        }
    }
    let mut present = Vec::new();
    all_files(&root, &root, &mut present);
    for p in present.into_iter().filter(|p| !seen.contains(p)) {
        report.push(
            false,
            format!(
                "tệp {} không có trong METS / file not listed in METS",
                p.display()
            ),
        );
    }
    check_proofs(&mut report, &root);
    check_signatures(&mut report, config, &root)?;
    Ok(report)
}

/// A temporary folder beside `near`, removed on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir_near(near: &Path) -> Result<TempDir, EarkError> {
    let base = std::env::temp_dir();
    let name = format!(
        "hoso-import-{}-{}",
        std::process::id(),
        near.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    );
    let dir = base.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    Ok(TempDir(dir))
}

fn single_folder(dir: &Path) -> Option<PathBuf> {
    let entries: Vec<_> = std::fs::read_dir(dir).ok()?.flatten().collect();
    match entries.as_slice() {
        [one] if one.path().is_dir() => Some(one.path()),
        _ => None,
    }
}
