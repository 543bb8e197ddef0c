//! `hoso backup`: a dated, verified copy of the register and of every registered file found in
//! the workspace (Circular 05/2025/TT-BNV: at least two copies on independent media — the app's
//! settings name two backup locations).
//!
//! `backup_to` writes `<DIR>/hoso-backup-<YYYYMMDD-HHMMSS>/` under a temporary name: the
//! register (a consistent SQLite copy), the station key beside it when present, the files under
//! `files/` by their path in the workspace, and `manifest.json` (SHA-256 and size of each, the
//! latest signed checkpoint). It then re-reads every copied file and audits the copied register
//! before renaming the folder into place. `check` re-verifies a backup; `restore` puts back
//! every workspace file that is missing or changed, and the register when it no longer audits.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use hoso_register::{AuditOptions, Register};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::error::OfficeError;

/// Why a backup could not be made or checked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// Reading or writing failed.
    #[error("lỗi đọc/ghi {path}: {source} / I/O error")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// No backup (no manifest) at the path.
    #[error("không có bản sao lưu tại {0} / no backup here")]
    NotABackup(PathBuf),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// One copied file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BackedUpFile {
    /// Path under `files/` = path in the workspace.
    pub path: String,
    /// SHA-256 hex.
    pub sha256: String,
    /// Bytes.
    pub size: u64,
}

/// `manifest.json` of a backup.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// When made, ISO 8601 +07:00.
    pub created: String,
    /// The workspace copied.
    pub workspace: PathBuf,
    /// The register copy (`register.sqlite`) and its SHA-256.
    pub register_sha256: String,
    /// Entries in the register copy.
    pub entries: u64,
    /// Its latest signed checkpoint.
    pub checkpoint: Option<String>,
    /// Whether the station key was copied (`register.sqlite.station-key`).
    pub station_key: bool,
    /// The files.
    pub files: Vec<BackedUpFile>,
    /// Registered hashes with no file in the workspace (kept elsewhere).
    pub not_in_workspace: usize,
}

/// The result of a backup or a check.
#[derive(Debug, Clone, Serialize)]
pub struct BackupReport {
    /// The backup folder.
    pub folder: PathBuf,
    /// Files verified.
    pub files: usize,
    /// Entries in the register copy.
    pub entries: u64,
    /// Problems found (empty: verified).
    pub problems: Vec<String>,
    /// When verified, ISO 8601.
    pub verified: String,
}

impl BackupReport {
    /// No problem found.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

fn now() -> String {
    hoso_register::time::format_vietnam(hoso_register::time::vietnam_now())
}

fn copy_files(
    config: &Config,
    reg: &Register,
    folder: &Path,
) -> Result<(Vec<BackedUpFile>, usize), OfficeError> {
    let wanted: HashSet<_> = reg.distinct_sha256()?.into_iter().collect();
    let found = crate::eark::find_files(&config.workspace, &wanted, None);
    let mut files = Vec::new();
    for (hash, path) in &found {
        let rel = path.strip_prefix(&config.workspace).unwrap_or(path);
        let target = folder.join("files").join(rel);
        if let Some(p) = target.parent() {
            std::fs::create_dir_all(p).map_err(io(p))?;
        }
        std::fs::copy(path, &target).map_err(io(path))?;
        let size = std::fs::metadata(&target).map_err(io(&target))?.len();
        files.push(BackedUpFile {
            path: rel.to_string_lossy().replace('\\', "/"),
            sha256: hoso_pdf::hex(hash),
            size,
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, wanted.len() - found.len()))
}

/// Backs the configured register and workspace up into a new dated folder under `dir`, and
/// verifies the copy before it is put in place.
pub fn backup_to(config: &Config, dir: &Path) -> Result<BackupReport, OfficeError> {
    std::fs::create_dir_all(dir)
        .map_err(io(dir))
        .map_err(OfficeError::from)?;
    let reg = crate::register::open_read_only(config)?;
    let stamp = hoso_register::time::vietnam_now();
    let name = format!(
        "hoso-backup-{:04}{:02}{:02}-{:02}{:02}{:02}",
        stamp.year(),
        u8::from(stamp.month()),
        stamp.day(),
        stamp.hour(),
        stamp.minute(),
        stamp.second()
    );
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)
        .map_err(io(&tmp))
        .map_err(OfficeError::from)?;
    let made = (|| -> Result<BackupReport, OfficeError> {
        let reg_copy = tmp.join("register.sqlite");
        reg.copy_database_to(&reg_copy)?;
        let key = hoso_register::default_key_path(&config.register);
        let station_key =
            key.is_file() && std::fs::copy(&key, tmp.join("register.sqlite.station-key")).is_ok();
        let (files, not_in_workspace) = copy_files(config, &reg, &tmp)?;
        let manifest = Manifest {
            created: now(),
            workspace: config.workspace.clone(),
            register_sha256: hoso_pdf::hex(
                &hoso_register::sha256_file(&reg_copy).map_err(io(&reg_copy))?,
            ),
            entries: reg.size()?,
            checkpoint: reg.latest_checkpoint()?.map(|c| c.note),
            station_key,
            files,
            not_in_workspace,
        };
        let m = tmp.join("manifest.json");
        std::fs::write(
            &m,
            serde_json::to_vec_pretty(&manifest).map_err(|e| io(&m)(std::io::Error::other(e)))?,
        )
        .map_err(io(&m))?;
        check_folder(&tmp)
    })();
    match made {
        Ok(mut report) if report.ok() => {
            let target = dir.join(&name);
            std::fs::rename(&tmp, &target).map_err(io(&target))?;
            report.folder = target;
            Ok(report)
        }
        other => {
            let _ = std::fs::remove_dir_all(&tmp);
            other
        }
    }
}

fn read_manifest(folder: &Path) -> Result<Manifest, BackupError> {
    let m = folder.join("manifest.json");
    let bytes = std::fs::read(&m).map_err(|_| BackupError::NotABackup(folder.to_path_buf()))?;
    serde_json::from_slice(&bytes).map_err(|_| BackupError::NotABackup(folder.to_path_buf()))
}

/// The backup folder `path` names: itself, or the newest `hoso-backup-*` inside it.
pub fn resolve(path: &Path) -> Result<PathBuf, BackupError> {
    if path.join("manifest.json").is_file() {
        return Ok(path.to_path_buf());
    }
    let mut dated: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|_| BackupError::NotABackup(path.to_path_buf()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("hoso-backup-"))
                && p.join("manifest.json").is_file()
        })
        .collect();
    dated.sort();
    dated
        .pop()
        .ok_or_else(|| BackupError::NotABackup(path.to_path_buf()))
}

/// Re-verifies one backup folder: every file's SHA-256 and size, the register copy's hash and
/// a full audit of it.
pub fn check_folder(folder: &Path) -> Result<BackupReport, OfficeError> {
    let manifest = read_manifest(folder)?;
    let mut problems = Vec::new();
    for f in &manifest.files {
        let p = folder.join("files").join(&f.path);
        match hoso_register::sha256_file(&p) {
            Ok(h) if hoso_pdf::hex(&h) == f.sha256 => {}
            Ok(_) => problems.push(format!(
                "{}: SHA-256 khác bản ghi / SHA-256 differs",
                f.path
            )),
            Err(_) => problems.push(format!("{}: thiếu tệp / missing", f.path)),
        }
    }
    let reg_copy = folder.join("register.sqlite");
    let reg_hash = hoso_register::sha256_file(&reg_copy)
        .ok()
        .map(|h| hoso_pdf::hex(&h));
    let mut entries = 0;
    if reg_hash.as_deref() != Some(manifest.register_sha256.as_str()) {
        problems.push(
            "register.sqlite: SHA-256 khác bản ghi / register copy changed or missing".into(),
        );
    } else {
        let reg = Register::open_read_only(&reg_copy)?;
        entries = reg.size()?;
        let audit = reg.audit(&AuditOptions {
            known_checkpoints: manifest.checkpoint.iter().cloned().collect(),
            skip_integrity_check: false,
        })?;
        if !audit.is_clean() {
            problems.push(format!("sổ đăng ký sao lưu không qua kiểm toán ({} phát hiện) / the register copy fails its audit", audit.findings.len()));
        }
    }
    Ok(BackupReport {
        folder: folder.to_path_buf(),
        files: manifest.files.len(),
        entries,
        problems,
        verified: now(),
    })
}

/// `hoso backup --check DIR`: [`check_folder`] on the backup `DIR` names.
pub fn check(path: &Path) -> Result<BackupReport, OfficeError> {
    check_folder(&resolve(path)?)
}

/// What a restore put back.
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    /// The backup used.
    pub folder: PathBuf,
    /// Workspace files written back (missing or changed).
    pub files: Vec<String>,
    /// Whether the register was put back.
    pub register: bool,
}

fn register_is_sound(path: &Path) -> bool {
    Register::open_read_only(path)
        .ok()
        .and_then(|r| r.audit(&AuditOptions::default()).ok())
        .is_some_and(|a| a.is_clean())
}

/// Puts back, from a verified backup, every workspace file that is missing or differs, and the
/// register when it is missing or fails its audit (the damaged one is kept as `.damaged`).
pub fn restore(config: &Config, path: &Path) -> Result<Restored, OfficeError> {
    let folder = resolve(path)?;
    let checked = check_folder(&folder)?;
    if !checked.ok() {
        return Err(BackupError::NotABackup(folder).into());
    }
    let manifest = read_manifest(&folder)?;
    let mut files = Vec::new();
    for f in &manifest.files {
        let live = config.workspace.join(&f.path);
        let same = hoso_register::sha256_file(&live).is_ok_and(|h| hoso_pdf::hex(&h) == f.sha256);
        if !same {
            if let Some(p) = live.parent() {
                std::fs::create_dir_all(p).map_err(io(p))?;
            }
            let tmp = live.with_extension("restoring");
            std::fs::copy(folder.join("files").join(&f.path), &tmp).map_err(io(&tmp))?;
            std::fs::rename(&tmp, &live).map_err(io(&live))?;
            files.push(f.path.clone());
        }
    }
    let register = !register_is_sound(&config.register);
    if register {
        if config.register.exists() {
            let damaged = config.register.with_extension("sqlite.damaged");
            std::fs::rename(&config.register, &damaged).map_err(io(&damaged))?;
            for side in ["-wal", "-shm"] {
                let mut p = config.register.clone().into_os_string();
                p.push(side);
                let _ = std::fs::remove_file(PathBuf::from(p));
            }
        }
        std::fs::copy(folder.join("register.sqlite"), &config.register)
            .map_err(io(&config.register))?;
        let key = hoso_register::default_key_path(&config.register);
        if manifest.station_key && !key.exists() {
            std::fs::copy(folder.join("register.sqlite.station-key"), &key).map_err(io(&key))?;
        }
    }
    Ok(Restored {
        folder,
        files,
        register,
    })
}
