//! The register as the flows use it: opened as this station (created the first time, its
//! origin taken from the station name), and one way to enter a file the flows wrote.

use std::path::Path;

use hoso_register::{CreateOptions, NewEntry, QrPayload, Register, RegisterError};
use serde::Serialize;

use crate::config::Config;
use crate::error::OfficeError;

/// A file entered in the register.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Registered {
    /// SHA-256 of the file, lower-case hex.
    pub sha256: String,
    /// Its entry number.
    pub seq: u64,
    /// Its QR lookup payload (`HS1:…`).
    pub qr: String,
}

/// Opens the configured register for writing as the configured station (created the first time).
pub fn open_register(config: &Config) -> Result<Register, RegisterError> {
    if let Some(dir) = config
        .register
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        // A fresh workspace has no folder yet; the register creates only its own file.
        let _ = std::fs::create_dir_all(dir);
    }
    let mut reg = Register::open_or_create(
        &config.register,
        &CreateOptions::for_station(&config.station),
    )?;
    reg.set_station(&config.station);
    Ok(reg)
}

/// Hashes `file` and appends `entry` (its hash filled in) to `reg`.
pub fn register_file(
    reg: &mut Register,
    file: &Path,
    mut entry: NewEntry,
) -> Result<Registered, OfficeError> {
    entry.sha256 = hoso_register::sha256_file(file).map_err(|source| OfficeError::Read {
        path: file.to_path_buf(),
        source,
    })?;
    let sha = entry.sha256;
    let appended = reg.append(entry)?;
    let seq = appended.entries.first().map(|e| e.seq).unwrap_or_default();
    Ok(Registered {
        sha256: crate::hex(&sha),
        seq,
        qr: QrPayload::new(reg.origin(), seq, &sha).to_string(),
    })
}

/// Opens the register and enters one file.
pub fn register_one(
    config: &Config,
    file: &Path,
    entry: NewEntry,
) -> Result<Registered, OfficeError> {
    let mut reg = open_register(config)?;
    register_file(&mut reg, file, entry)
}
