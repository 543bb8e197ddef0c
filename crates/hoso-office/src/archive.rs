//! Circular 05/2025/TT-BNV at build time, for `hoso build` and the app's Số hóa screen:
//!
//! - [`preflight`]: what the clerk should see before building — pages under 200 dpi, grey or
//!   bilevel pages (an original in colour is scanned at 24 bits or more), each naming the file
//!   and the page;
//! - [`org_sign`]: the organisation's signature on a digitized file — organisation name and
//!   ISO 8601 signing time at the top right of page 1, no image, 10 pt (the text block of the
//!   Decree 30/2020 copy block, without the copy form);
//! - [`build_archival`]: the build flow, then the organisation's signature and one file per
//!   document (`<dossier code>.<n>.pdf` beside the dossier), every file registered.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use hoso_dossier::{DossierSpec, Manifest};
use hoso_register::{EntryKind, NewEntry};
use hoso_sign::appearance::VisibleSignature;
use hoso_sign::sign::{sign_pdf, SignOptions};
use hoso_sign::signer::Signer;
use hoso_stamp::decree;
use hoso_stamp::locate::PdfPages;
use hoso_stamp::visible::widget;
use hoso_stamp::TextBlock;
use serde::Serialize;

pub use hoso_dossier::{PageWarning, ScanColour};

use crate::build::{BuildRequest, Built};
use crate::config::Config;
use crate::error::OfficeError;
use crate::progress::Watch;
use crate::register::{open_register, register_output, InputRecord, Registered};

/// The page warnings of every file of `spec`, before anything is built.
pub fn preflight(spec: &DossierSpec) -> Result<Vec<PageWarning>, OfficeError> {
    Ok(hoso_dossier::preflight(spec)?)
}

/// The organisation signing a digitized file, and when.
#[derive(Debug, Clone)]
pub struct OrgSignature {
    /// The organisation's name, as printed.
    pub org: String,
    /// The signing time printed and written as `/M`.
    pub time: SystemTime,
}

/// The text block of the organisation's signature: its name, then the signing time in
/// ISO 8601 with +07:00; Tinos (Times New Roman metrics), upright, 10 pt, black.
pub fn org_block(org: &str, time: &str) -> Result<TextBlock, OfficeError> {
    Ok(TextBlock::new(&[org, time], decree::BLOCK_SIZE_PT)?)
}

/// Signs `input` into `out` with the organisation's key, the block of [`org_block`] at the top
/// right of page 1 as the signature's whole appearance (no image). Returns the time printed.
pub fn org_sign(
    input: &Path,
    out: &Path,
    who: &OrgSignature,
    signer: &dyn Signer,
) -> Result<String, OfficeError> {
    let time = decree::iso8601_vietnam(who.time);
    let block = org_block(&who.org, &time)?;
    let bytes = std::fs::read(input).map_err(|source| OfficeError::Read {
        path: input.to_path_buf(),
        source,
    })?;
    let page1 = PdfPages::parse(&bytes)?.page(0)?.media_box;
    let (ap, rect) = decree::top_right(&block, page1);
    let opts = SignOptions {
        field_name: Some("CoQuan1".into()),
        reason: Some(format!("Số hóa — {}", who.org)),
        signing_time: who.time,
        appearance: Some(VisibleSignature {
            widgets: vec![widget(0, &ap, rect)?],
        }),
        ..SignOptions::default()
    };
    sign_pdf(input, out, &opts, signer, None)?;
    Ok(time)
}

/// What `hoso build` does after building.
#[derive(Debug, Clone, Default)]
pub struct ArchiveOptions {
    /// Sign the dossier (and each split file) with the organisation's key.
    pub org_sign: Option<OrgSignature>,
    /// Also write one file per document, `<dossier code>.<n>.pdf`, beside the dossier.
    pub split: bool,
}

/// A file signed by the organisation and registered.
#[derive(Debug, Clone, Serialize)]
pub struct OrgSigned {
    /// The time printed.
    pub signing_time: String,
    /// SHA-256 of the signed file.
    pub sha256: String,
    /// Its register entry (kind `signed`).
    pub registered: Registered,
}

/// One document written alone.
#[derive(Debug, Clone, Serialize)]
pub struct SplitFile {
    /// Its number in the dossier.
    pub number: usize,
    /// Its name.
    pub name: String,
    /// `<dossier code>.<n>.pdf`.
    pub output: PathBuf,
    /// The PDF/A check of the written file.
    pub pdfa: crate::pdfa::PdfaOutcome,
    /// Its register entry (kind `dossier`, or `signed` with the organisation's signature).
    pub registered: Registered,
}

/// A dossier built, maybe signed by the organisation, maybe split.
#[derive(Debug, Clone, Serialize)]
pub struct ArchivalBuilt {
    /// The build (its entry is the unsigned dossier's).
    #[serde(flatten)]
    pub built: Built,
    /// The organisation's signature on the dossier file.
    pub org_signed: Option<OrgSigned>,
    /// One file per document.
    pub split: Vec<SplitFile>,
}

/// "Lưu bản sao…": a byte-for-byte copy of `from` at `to` (a USB stick, a shared folder),
/// written through a temporary file renamed into place, and read back before the rename: when
/// what landed does not hash as what was read, the copy is removed and the error says so.
/// Returns the SHA-256 of the copy.
pub fn save_copy(from: &Path, to: &Path) -> Result<[u8; 32], OfficeError> {
    use sha2::Digest;
    let read = |source| OfficeError::Read {
        path: from.to_path_buf(),
        source,
    };
    let write = |source| OfficeError::Write {
        path: to.to_path_buf(),
        source,
    };
    let len = std::fs::metadata(from).map_err(read)?.len();
    let mut out = hoso_pdf::atomic::AtomicFile::create(to).map_err(write)?;
    let read_hash = out
        .append_prefix_of(from, len, true)
        .map_err(|e| match e.kind() {
            // The original shrank while it was copied.
            std::io::ErrorKind::UnexpectedEof => read(e),
            _ => write(e),
        })?
        .map(|h| <[u8; 32]>::from(h.finalize()));
    let (landed, _) = out.commit_hashed().map_err(write)?;
    if read_hash != Some(landed) {
        let _ = std::fs::remove_file(to);
        return Err(write(std::io::Error::other(
            "bản sao đọc lại không khớp bản gốc / the copy read back differs from the original",
        )));
    }
    Ok(landed)
}

/// A sibling of `out` for a step's result before it is renamed into place.
pub(crate) fn partial(out: &Path, step: &str) -> PathBuf {
    let mut name = out
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".{step}.partial"));
    out.with_file_name(name)
}

fn rename(from: &Path, to: &Path) -> Result<(), OfficeError> {
    std::fs::rename(from, to).map_err(|source| OfficeError::Write {
        path: to.to_path_buf(),
        source,
    })
}

/// Signs `file` in place (through a sibling and a rename) with the organisation's key and
/// registers the signed file (kind `signed`, the code and title of `file`'s entry).
fn org_sign_in_place(
    config: &Config,
    file: &Path,
    who: &OrgSignature,
    signer: &dyn Signer,
) -> Result<OrgSigned, OfficeError> {
    let fingerprint = crate::keys::signer_fingerprint(signer)?;
    let mut reg = open_register(config)?;
    let input = InputRecord::read(&reg, file)?;
    let tmp = partial(file, "org-sign");
    let signing_time = match org_sign(file, &tmp, who, signer) {
        Ok(t) => t,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    rename(&tmp, file)?;
    let mut entry = input.derived_entry(EntryKind::Signed);
    entry.signer_fingerprint = Some(fingerprint);
    entry
        .extra
        .insert("org_signed_from".into(), crate::hex(&input.sha256).into());
    entry
        .extra
        .insert("organisation".into(), who.org.clone().into());
    let registered = register_output(&mut reg, file, entry)?;
    Ok(OrgSigned {
        signing_time,
        sha256: registered.sha256.clone(),
        registered,
    })
}

/// Writes document `doc` of the dossier at `dossier` alone at `out` (PDF/A-2b, the dossier's
/// code and the document's origin in its XMP).
fn write_document(
    dossier: &[u8],
    manifest: &Manifest,
    doc: &hoso_dossier::ManifestDocument,
    out: &Path,
) -> Result<(), OfficeError> {
    fn err(e: impl ToString) -> crate::copy::CopyError {
        crate::copy::ExtractError::Pdf(e.to_string()).into()
    }
    let write = |source: std::io::Error| OfficeError::Write {
        path: out.to_path_buf(),
        source,
    };
    let mut importer = hoso_pdf::import::PdfImporter::load(dossier).map_err(err)?;
    let file = hoso_pdf::atomic::AtomicFile::create(out).map_err(write)?;
    let mut writer = hoso_pdf::DossierWriter::new(file).map_err(write)?;
    writer.start_section(&doc.name);
    for n in doc.first_page..=doc.last_page {
        importer.import_page(&mut writer, n as u32).map_err(err)?;
    }
    let one = Manifest {
        documents: vec![doc.clone()],
        ..manifest.clone()
    };
    writer.set_xmp_extension(hoso_dossier::archival_xmp(&one));
    let info = hoso_pdf::DocumentInfo {
        title: format!("{}.{} — {}", manifest.code, doc.number, doc.name),
        author: None,
        subject: Some(manifest.title.clone()),
        keywords: None,
        creator_tool: format!("hoso {}", env!("CARGO_PKG_VERSION")),
        producer: format!("hoso-pdf {}", env!("CARGO_PKG_VERSION")),
        language: doc.metadata.language.clone().unwrap_or_else(|| "vi".into()),
        created: hoso_pdf::vietnam_now(),
    };
    writer
        .finish(&info, None)
        .map_err(write)?
        .commit()
        .map_err(write)?;
    Ok(())
}

/// Writes and registers `<dossier code>.<n>.pdf` for document `doc`, signed by the
/// organisation when `org` is given. An existing file of that name is never replaced.
fn split_one(
    config: &Config,
    dossier: &[u8],
    built: &Built,
    doc: &hoso_dossier::ManifestDocument,
    org: Option<(&OrgSignature, &dyn Signer)>,
) -> Result<SplitFile, OfficeError> {
    let dir = built.output.parent().unwrap_or(Path::new("."));
    let out = dir.join(format!("{}.{}.pdf", built.code, doc.number));
    if out.exists() {
        return Err(OfficeError::Write {
            path: out,
            source: std::io::Error::from(std::io::ErrorKind::AlreadyExists),
        });
    }
    let tmp = partial(&out, "split");
    write_document(dossier, &built.manifest, doc, &tmp)?;
    let mut entry = NewEntry::new(EntryKind::Dossier, [0; 32]);
    entry.dossier_code = Some(built.code.clone());
    entry.title = Some(doc.name.clone());
    entry
        .extra
        .insert("document_number".into(), doc.number.into());
    entry
        .extra
        .insert("split_from".into(), built.sha256.clone().into());
    rename(&tmp, &out)?;
    let mut registered = register_output(&mut open_register(config)?, &out, entry)?;
    if let Some((who, signer)) = org {
        registered = org_sign_in_place(config, &out, who, signer)?.registered;
    }
    Ok(SplitFile {
        number: doc.number,
        name: doc.name.clone(),
        pdfa: crate::pdfa::after_step(&out),
        output: out,
        registered,
    })
}

/// Builds and registers the dossier ([`crate::build::build`]), then writes one file per
/// document when asked (from the unsigned dossier), then signs the dossier and each split file
/// with the organisation's key when asked. `signer` is needed with `options.org_sign`.
pub fn build_archival(
    config: &Config,
    req: BuildRequest,
    options: &ArchiveOptions,
    signer: Option<&dyn Signer>,
    watch: &Watch,
) -> Result<ArchivalBuilt, OfficeError> {
    let org = match (&options.org_sign, signer) {
        (Some(who), Some(s)) => Some((who, s)),
        (Some(_), None) => return Err(OfficeError::MissingSetting("org-key")),
        _ => None,
    };
    let built = crate::build::build(config, req, watch)?;
    let mut split = Vec::new();
    if options.split {
        let bytes = std::fs::read(&built.output).map_err(|source| OfficeError::Read {
            path: built.output.clone(),
            source,
        })?;
        for doc in &built.manifest.documents {
            split.push(split_one(config, &bytes, &built, doc, org)?);
        }
    }
    let org_signed = match org {
        Some((who, s)) => Some(org_sign_in_place(config, &built.output, who, s)?),
        None => None,
    };
    Ok(ArchivalBuilt {
        built,
        org_signed,
        split,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_copy_is_the_same_bytes_and_a_failure_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cong_van_1page.pdf");
        let to = dir.path().join("ban luu.pdf");
        let sha = save_copy(&from, &to).expect("saved");
        assert_eq!(
            std::fs::read(&to).expect("copy"),
            std::fs::read(&from).expect("original")
        );
        assert_eq!(sha, hoso_pdf::sha256_file(&from).expect("hash"));

        let missing = dir.path().join("khong-co.pdf");
        let err = save_copy(&missing, &dir.path().join("x.pdf")).expect_err("no source");
        assert!(matches!(err, OfficeError::Read { .. }), "{err}");
        assert!(!dir.path().join("x.pdf").exists());

        let err =
            save_copy(&from, &dir.path().join("khong/co/thu-muc.pdf")).expect_err("no folder");
        assert!(matches!(err, OfficeError::Write { .. }), "{err}");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(
            left,
            vec![std::ffi::OsString::from("ban luu.pdf")],
            "no temporary file is left"
        );
    }
}
