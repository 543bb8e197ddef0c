//! `hoso export-eark` / `hoso import-eark`: dossiers handed to the archive as E-ARK SIPs
//! (CSIP and SIP specifications V2.1.0; Circular 05/2025/TT-BNV asks for E-ARK packages with
//! SHA-256 per file), and a received package checked file by file.
//!
//! One package per dossier, a folder named after its identifier (`--zip` also packs it):
//!
//! ```text
//! hoso-sip-<dossier code>/
//!   METS.xml                              root METS (CSIP), sealed: its last line is a comment
//!                                         with the SHA-256 of every byte before it
//!   metadata/descriptive/dc.xml           Dublin Core record of the dossier
//!   metadata/preservation/premis.xml      PREMIS 3.0: fixity, events (digitization, signature,
//!                                         copy, reuse, result) and their agents
//!   documentation/register-proofs.json    each file's register entries, RFC 9162 inclusion
//!                                         proofs and the signed checkpoint they lead to
//!   schemas/                              METS, XLink, CSIP/SIP extensions, PREMIS, DC
//!   representations/rep1/METS.xml         the representation's files
//!   representations/rep1/data/<code>.<n>.pdf   the PDF/A documents
//! ```
//!
//! Descriptive metadata is **Dublin Core**, not EAD: the Circular 05/2025 dossier fields the
//! register knows (code, title, dates, procedure, language, number of documents, the office)
//! each map to one DCMES element, a DC record is what the national archive's ingest and the
//! E-ARK validator handle without an institution-specific EAD profile, and one flat record per
//! dossier keeps the package readable; EAD's hierarchy adds nothing for a one-dossier SIP.
//!
//! The files come from the workspace: every PDF there whose SHA-256 the register holds for the
//! dossier. Import checks every METS checksum and size (root and representation), the seal of
//! the root METS, every register proof and checkpoint signature, and every PDF's signatures.

pub mod xml;
pub mod zip;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use hoso_register::{Entry, Hash, Register, Role};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::error::OfficeError;
use xml::MetsFile;

/// Why a package could not be written or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EarkError {
    /// No entry of the register names this dossier code.
    #[error("sổ đăng ký không có hồ sơ {0} / the register has no dossier {0}")]
    UnknownDossier(String),
    /// A registered file of the dossier is not in the workspace.
    #[error("không tìm thấy tệp của mục {seq} (SHA-256 {sha256}) trong thư mục làm việc / the file of entry {seq} is not in the workspace")]
    FileMissing {
        /// Entry.
        seq: u64,
        /// Its hash.
        sha256: String,
    },
    /// The package folder exists already.
    #[error("gói {0} đã có, không ghi đè / the package {0} exists already, not overwritten")]
    Exists(PathBuf),
    /// Reading or writing failed.
    #[error("lỗi đọc/ghi {path}: {source} / I/O error")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The path is no package (no `METS.xml`, or a zip that is not one folder).
    #[error("{0} không phải gói E-ARK (không có METS.xml) / not an E-ARK package")]
    NotAPackage(PathBuf),
    /// A zip archive cannot be read.
    #[error("tệp zip hỏng: {0} / broken zip archive")]
    Zip(#[from] zip::ZipError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> EarkError + '_ {
    move |source| EarkError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A written package.
#[derive(Debug, Clone, Serialize)]
pub struct Exported {
    /// Dossier code.
    pub dossier_code: String,
    /// The package folder.
    pub package: PathBuf,
    /// The zip, when asked.
    pub zip: Option<PathBuf>,
    /// Data files in the representation.
    pub files: usize,
}

/// The schemas every package carries (`schemas/`), from `fixtures/eark/`.
pub const SCHEMAS: [(&str, &[u8]); 8] = [
    (
        "mets.xsd",
        include_bytes!("../../../../fixtures/eark/mets.xsd"),
    ),
    (
        "xlink.xsd",
        include_bytes!("../../../../fixtures/eark/xlink.xsd"),
    ),
    (
        "DILCISExtensionMETS.xsd",
        include_bytes!("../../../../fixtures/eark/DILCISExtensionMETS.xsd"),
    ),
    (
        "DILCISExtensionSIPMETS.xsd",
        include_bytes!("../../../../fixtures/eark/DILCISExtensionSIPMETS.xsd"),
    ),
    (
        "premis.xsd",
        include_bytes!("../../../../fixtures/eark/premis.xsd"),
    ),
    ("dc.xsd", include_bytes!("../../../../fixtures/eark/dc.xsd")),
    (
        "xml.xsd",
        include_bytes!("../../../../fixtures/eark/xml.xsd"),
    ),
    (
        "hoso-dc-record.xsd",
        include_bytes!("../../../../fixtures/eark/hoso-dc-record.xsd"),
    ),
];

/// The seal that ends a root `METS.xml`: `<!-- hoso-sha256: HEX -->` over every byte before it.
const SEAL: &str = "<!-- hoso-sha256: ";

/// The register proofs file (`documentation/register-proofs.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Proofs {
    /// Register origin.
    pub origin: String,
    /// Its verifier key (C2SP note verifier).
    pub verifier_key: String,
    /// Signed checkpoint (C2SP note) the proofs lead to.
    pub checkpoint: String,
    /// One per data file.
    pub files: Vec<FileProof>,
}

/// A data file's entries and their inclusion proofs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileProof {
    /// Path in the package.
    pub path: String,
    /// SHA-256 hex.
    pub sha256: String,
    /// Entries of this file in the dossier, each with its audit path (hex, leaf first).
    pub entries: Vec<(Entry, Vec<String>)>,
}

/// PDFs under `root` (not under `skip`, not hidden), by SHA-256, for the hashes in `wanted`.
pub fn find_files(
    root: &Path,
    wanted: &HashSet<Hash>,
    skip: Option<&Path>,
) -> HashMap<Hash, PathBuf> {
    let mut found = HashMap::new();
    let mut stack = vec![root.to_path_buf()];
    let mut seen = HashSet::new();
    while let Some(dir) = stack.pop() {
        let Ok(canon) = dir.canonicalize() else {
            continue;
        };
        if !seen.insert(canon.clone())
            || skip.is_some_and(|s| s.canonicalize().ok() == Some(canon.clone()))
        {
            continue;
        }
        let Ok(read) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in read.flatten() {
            let path = e.path();
            let hidden = e.file_name().to_string_lossy().starts_with('.');
            let Ok(ft) = e.file_type() else { continue };
            if hidden || ft.is_symlink() {
                continue;
            }
            if ft.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("pdf"))
            {
                if let Ok(h) = hoso_register::sha256_file(&path) {
                    if wanted.contains(&h) {
                        found.entry(h).or_insert(path);
                    }
                }
            }
        }
    }
    found
}

fn created_now() -> String {
    hoso_register::time::format_vietnam(hoso_register::time::vietnam_now())
}

/// Writes `bytes` at `dir/rel` (folders made) and returns its METS line.
fn put(
    dir: &Path,
    rel: &str,
    bytes: &[u8],
    id: &str,
    mime: &'static str,
    created: &str,
) -> Result<MetsFile, EarkError> {
    let path = dir.join(rel);
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).map_err(io(p))?;
    }
    std::fs::write(&path, bytes).map_err(io(&path))?;
    Ok(MetsFile {
        id: id.to_owned(),
        href: rel.to_owned(),
        mime,
        size: bytes.len() as u64,
        sha256: hoso_pdf::hex(&hoso_register::sha256_bytes(bytes)),
        created: created.to_owned(),
    })
}

/// The PREMIS event of an entry: (eventType, Vietnamese detail).
fn event_kind(e: &Entry) -> (&'static str, String) {
    let f = e.facts();
    match f.role {
        Role::Received => (
            "ingestion",
            "Tiếp nhận thành phần hồ sơ / component received".into(),
        ),
        Role::Digitized => (
            "digitization",
            "Số hóa tại bộ phận một cửa / digitized at the one-stop desk".into(),
        ),
        Role::Reused => (
            "replication",
            format!(
                "Tái sử dụng thành phần đã số hóa (mục {}) / reused component (entry {})",
                f.reuse_of.unwrap_or(0),
                f.reuse_of.unwrap_or(0)
            ),
        ),
        Role::Result => (
            "digital signature generation",
            "Kết quả giải quyết, ký số / result, digitally signed".into(),
        ),
        Role::Outgoing => (
            "digital signature generation",
            "Văn bản đi, ký số / outgoing document, digitally signed".into(),
        ),
        Role::Copy => (
            "replication",
            match &e.copy {
                Some(c) => format!("Bản sao điện tử số {c} / certified copy {c}"),
                None => "Bản sao điện tử / certified copy".into(),
            },
        ),
        Role::Other => (
            "information package creation",
            "Đăng ký tệp / file registered".into(),
        ),
    }
}

/// Everything known about one dossier before writing.
struct Dossier {
    code: String,
    entries: Vec<Entry>,
    /// Distinct files, in order of first entry: (hash, workspace path, name in the package).
    files: Vec<(Hash, PathBuf, String)>,
}

fn gather(reg: &Register, config: &Config, code: &str, out: &Path) -> Result<Dossier, OfficeError> {
    let entries = reg.entries_for_dossier(code)?;
    if entries.is_empty() {
        return Err(EarkError::UnknownDossier(code.to_owned()).into());
    }
    let wanted: HashSet<Hash> = entries.iter().map(|e| e.sha256).collect();
    let found = find_files(&config.workspace, &wanted, Some(out));
    let mut files: Vec<(Hash, PathBuf, String)> = Vec::new();
    for e in &entries {
        if files.iter().any(|f| f.0 == e.sha256) {
            continue;
        }
        let path = found.get(&e.sha256).ok_or_else(|| EarkError::FileMissing {
            seq: e.seq,
            sha256: hoso_pdf::hex(&e.sha256),
        })?;
        let name = format!("{code}.{}.pdf", files.len() + 1);
        files.push((e.sha256, path.clone(), name));
    }
    Ok(Dossier {
        code: code.to_owned(),
        entries,
        files,
    })
}

fn proofs(reg: &Register, d: &Dossier) -> Result<Proofs, OfficeError> {
    let cp = reg
        .latest_checkpoint()?
        .ok_or(EarkError::UnknownDossier(d.code.clone()))?;
    let size = cp.checkpoint.size;
    let mut files = Vec::new();
    for (hash, _, name) in &d.files {
        let mut entries = Vec::new();
        for e in d.entries.iter().filter(|e| &e.sha256 == hash) {
            let p = reg.inclusion_proof(e.seq, size)?;
            entries.push((e.clone(), p.path.iter().map(|h| hoso_pdf::hex(h)).collect()));
        }
        files.push(FileProof {
            path: format!("representations/rep1/data/{name}"),
            sha256: hoso_pdf::hex(hash),
            entries,
        });
    }
    Ok(Proofs {
        origin: reg.origin().to_owned(),
        verifier_key: reg.verifier().to_string(),
        checkpoint: cp.note,
        files,
    })
}

fn premis_xml(reg: &Register, d: &Dossier) -> String {
    let path_of = |h: &Hash| {
        d.files
            .iter()
            .find(|f| &f.0 == h)
            .map(|f| format!("representations/rep1/data/{}", f.2))
            .unwrap_or_default()
    };
    let objects = d
        .files
        .iter()
        .map(|(h, p, name)| xml::PremisObject {
            path: format!("representations/rep1/data/{name}"),
            sha256: hoso_pdf::hex(h),
            size: std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
        })
        .collect::<Vec<_>>();
    let mut agents: BTreeMap<String, xml::PremisAgent> = BTreeMap::new();
    agents.insert(
        "hoso".into(),
        xml::PremisAgent {
            id: "hoso".into(),
            name: format!("hoso {}", env!("CARGO_PKG_VERSION")),
            kind: "software",
        },
    );
    let events = d
        .entries
        .iter()
        .map(|e| {
            let station = format!("station:{}", e.station);
            agents
                .entry(station.clone())
                .or_insert_with(|| xml::PremisAgent {
                    id: station.clone(),
                    name: e.station.clone(),
                    kind: "organization",
                });
            let mut linked = vec![(station, "executing program".to_owned())];
            if let Some(fp) = &e.signer_fingerprint {
                let id = format!("signer-cert-sha256:{fp}");
                agents
                    .entry(id.clone())
                    .or_insert_with(|| xml::PremisAgent {
                        id: id.clone(),
                        name: format!("Người ký (chứng thư SHA-256 {fp}) / signer"),
                        kind: "person",
                    });
                linked.push((id, "signer".into()));
            }
            let (kind, detail) = event_kind(e);
            xml::PremisEvent {
                id: format!("{}:{}", reg.origin(), e.seq),
                kind: kind.into(),
                time: e.time.clone(),
                detail,
                agents: linked,
                object: path_of(&e.sha256),
            }
        })
        .collect::<Vec<_>>();
    xml::premis(&objects, &events, &agents.into_values().collect::<Vec<_>>())
}

fn dc_xml(reg: &Register, d: &Dossier) -> String {
    let title = d
        .entries
        .iter()
        .find_map(|e| e.title.clone())
        .unwrap_or_else(|| d.code.clone());
    let facts: Vec<_> = d.entries.iter().map(Entry::facts).collect();
    let received = facts.iter().filter_map(|f| f.received_on.clone()).min();
    let resolved = facts.iter().filter_map(|f| f.resolved_on.clone()).max();
    let mut fields = vec![
        ("identifier", d.code.clone()),
        ("title", title),
        ("type", "Hồ sơ thủ tục hành chính (số hóa) / administrative-procedure dossier".into()),
        ("format", "application/pdf (PDF/A)".into()),
        ("language", "vi".into()),
        ("publisher", reg.origin().to_owned()),
        ("description", format!("Số lượng tài liệu / number of documents: {}", d.files.len())),
        ("rights", "Chế độ sử dụng theo Thông tư 05/2025/TT-BNV / access regime per Circular 05/2025/TT-BNV".into()),
    ];
    if let Some(p) = facts.iter().find_map(|f| f.procedure_code.clone()) {
        fields.push(("relation", format!("Mã thủ tục / procedure code: {p}")));
    }
    match (received, resolved) {
        (Some(a), Some(b)) => fields.push(("date", format!("{a}/{b}"))),
        (Some(a), None) => fields.push(("date", a)),
        (None, Some(b)) => fields.push(("date", b)),
        _ => {}
    }
    xml::dublin_core(&fields)
}

/// Seals a root METS: appends the SHA-256 of its bytes as a last comment.
fn seal(mets: String) -> String {
    let h = hoso_pdf::hex(&hoso_register::sha256_bytes(mets.as_bytes()));
    format!("{mets}{SEAL}{h} -->\n")
}

fn write_package(reg: &Register, d: &Dossier, dir: &Path) -> Result<(), OfficeError> {
    let objid = format!("hoso-sip-{}", d.code);
    let created = created_now();
    let title = d
        .entries
        .iter()
        .find_map(|e| e.title.clone())
        .unwrap_or_else(|| d.code.clone());
    let mut data = Vec::new();
    for (i, (h, path, name)) in d.files.iter().enumerate() {
        let rel = format!("representations/rep1/data/{name}");
        let target = dir.join(&rel);
        if let Some(p) = target.parent() {
            std::fs::create_dir_all(p).map_err(io(p))?;
        }
        std::fs::copy(path, &target).map_err(io(path))?;
        if hoso_register::sha256_file(&target).map_err(io(&target))? != *h {
            return Err(EarkError::FileMissing {
                seq: 0,
                sha256: hoso_pdf::hex(h),
            }
            .into());
        }
        let size = std::fs::metadata(&target).map_err(io(&target))?.len();
        data.push(MetsFile {
            id: format!("data-{}", i + 1),
            href: format!("data/{name}"),
            mime: "application/pdf",
            size,
            sha256: hoso_pdf::hex(h),
            created: created.clone(),
        });
    }
    std::fs::create_dir_all(dir.join("representations/rep1/metadata")).map_err(io(dir))?;
    let rep = xml::rep_mets(&objid, &title, &created, &data);
    let rep_mets = put(
        dir,
        "representations/rep1/METS.xml",
        rep.as_bytes(),
        "rep1-mets",
        "text/xml",
        &created,
    )?;
    let dc = put(
        dir,
        "metadata/descriptive/dc.xml",
        dc_xml(reg, d).as_bytes(),
        "md-dc",
        "text/xml",
        &created,
    )?;
    let premis = put(
        dir,
        "metadata/preservation/premis.xml",
        premis_xml(reg, d).as_bytes(),
        "md-premis",
        "text/xml",
        &created,
    )?;
    let proofs = serde_json::to_vec_pretty(&proofs(reg, d)?)
        .map_err(|e| io(dir)(std::io::Error::other(e)))?;
    let documentation = vec![put(
        dir,
        "documentation/register-proofs.json",
        &proofs,
        "doc-proofs",
        "application/json",
        &created,
    )?];
    let schemas = SCHEMAS
        .iter()
        .enumerate()
        .map(|(i, (name, bytes))| {
            put(
                dir,
                &format!("schemas/{name}"),
                bytes,
                &format!("schema-{}", i + 1),
                "text/xml",
                &created,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let root = xml::root_mets(&xml::RootMets {
        objid: &objid,
        label: &title,
        created: &created,
        dc,
        premis,
        documentation,
        schemas,
        rep_mets,
    });
    let mets = dir.join("METS.xml");
    std::fs::write(&mets, seal(root)).map_err(io(&mets))?;
    Ok(())
}

/// Exports each dossier as an E-ARK SIP folder under `out` (and a `.zip` beside it when
/// `zip`): built under a temporary name, then renamed; an existing package is not overwritten.
pub fn export(
    config: &Config,
    codes: &[String],
    out: &Path,
    zip: bool,
) -> Result<Vec<Exported>, OfficeError> {
    std::fs::create_dir_all(out).map_err(|source| OfficeError::Folder {
        path: out.to_path_buf(),
        source,
    })?;
    let reg = crate::register::open_read_only(config)?;
    let mut done = Vec::new();
    for code in codes {
        let d = gather(&reg, config, code, out)?;
        let name = format!("hoso-sip-{code}");
        let final_dir = out.join(&name);
        if final_dir.exists() {
            return Err(EarkError::Exists(final_dir).into());
        }
        let tmp = out.join(format!(".{name}.tmp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let written = write_package(&reg, &d, &tmp)
            .and_then(|()| std::fs::rename(&tmp, &final_dir).map_err(|e| io(&final_dir)(e).into()));
        if let Err(e) = written {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
        let zipped = if zip {
            Some(zip::pack(&final_dir).map_err(EarkError::from)?)
        } else {
            None
        };
        done.push(Exported {
            dossier_code: code.clone(),
            package: final_dir,
            zip: zipped,
            files: d.files.len(),
        });
    }
    Ok(done)
}

pub use import::{import, ImportCheck, ImportReport};
mod import;
