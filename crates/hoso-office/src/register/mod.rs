//! The register as the flows use it: opened as this station (created the first time, its
//! origin taken from the station name), one way to enter a file the flows wrote
//! ([`register_file`]) and what a new file inherits from its input's oldest entry
//! ([`InputRecord`]); the register desk's own flows: entering a file by hand ([`append`]),
//! lookups and proofs ([`lookup`]), the audit and its bundle ([`audit`]).

use std::path::Path;

pub mod append;
pub mod audit;
pub mod lookup;
pub mod witness;

pub use append::{append_file, AppendKind, AppendRequest, AppendedEntry};
pub use hoso_register::qr::QrError;
pub use hoso_register::{
    sha256_file, AuditReport, CopyForm, Entry, EntryKind, Finding, LookupResult, NewEntry,
    QrPayload, Register, Role,
};
pub use lookup::{browse, consistency, lookup, open_read_only, Browse, Consistency, Lookup, Query};

use hoso_register::{CreateOptions, RegisterError, VerifierKey};
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
    let pinned = pinned_key(config)?;
    if let Some(key) = &pinned {
        if !config.register.exists() {
            return Err(RegisterError::PinnedRegisterMissing {
                path: config.register.display().to_string(),
                pinned: key.to_string(),
            });
        }
    }
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
    reg.set_witnesses(configured_witness_keys(config)?);
    if let Some(key) = pinned {
        reg.pin_key(key);
        // Never sign more tree heads into a register nobody can verify with the pin.
        reg.check_pin()?;
    }
    Ok(reg)
}

/// The configured pinned key of the register, parsed (`None` when nothing is pinned).
pub fn pinned_key(config: &Config) -> Result<Option<VerifierKey>, RegisterError> {
    Ok(config
        .register_key
        .as_deref()
        .map(VerifierKey::parse)
        .transpose()?)
}

/// The witnesses the settings list (keys that do not parse are an error, not ignored).
pub(crate) fn configured_witness_keys(
    config: &Config,
) -> Result<Vec<hoso_register::witness::CosignerKey>, RegisterError> {
    Ok(config
        .settings
        .witnesses
        .iter()
        .map(|k| hoso_register::witness::CosignerKey::parse(k))
        .collect::<Result<_, _>>()?)
}

/// What [`pin`] did.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Pinned {
    /// The register's verifier key, now in the settings (`name+id+base64`).
    pub vkey: String,
    /// The register's origin (the key's name).
    pub origin: String,
    /// The settings file written.
    pub settings_path: std::path::PathBuf,
    /// The same key was already pinned: nothing was written.
    pub already: bool,
}

/// Pins the configured register's key in the shared settings (trust on first use, on the
/// first station; the other stations copy the printed key with `hoso config set register_key`).
/// The register is created when it does not exist yet. A different key already pinned is
/// refused: replacing a pin is a decision, not a side effect.
pub fn pin(config: &Config) -> Result<Pinned, OfficeError> {
    let reg = open_register(config)?;
    let vkey = reg.verifier().to_string();
    let origin = reg.origin().to_owned();
    let already = config.settings.register_key.as_deref().map(str::trim) == Some(vkey.as_str());
    if !already {
        if let Some(other) = config.settings.register_key.as_deref() {
            return Err(RegisterError::PinnedKeyMismatch {
                pinned: other.to_owned(),
                register: vkey,
            }
            .into());
        }
        let mut settings = config.settings.clone();
        settings.register_key = Some(vkey.clone());
        settings.save(&config.settings_path)?;
    }
    Ok(Pinned {
        vkey,
        origin,
        settings_path: config.settings_path.clone(),
        already,
    })
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
    register_hashed(reg, entry)
}

/// Appends `entry`, whose hash the flow already has (from the pass that wrote the file).
///
/// A received or digitized component of a dossier whose file was already registered for
/// another dossier is entered as a reused component pointing at that entry
/// ([`mark_reuse`]; Decision 766/QĐ-TTg counts reuse).
pub fn register_hashed(reg: &mut Register, entry: NewEntry) -> Result<Registered, OfficeError> {
    let entry = mark_reuse(reg, entry)?;
    let sha = entry.sha256;
    let appended = reg.append(entry)?;
    let seq = appended.entries.first().map(|e| e.seq).unwrap_or_default();
    Ok(Registered {
        sha256: crate::hex(&sha),
        seq,
        qr: QrPayload::new(reg.origin(), seq, &sha).to_string(),
    })
}

/// Turns a received or digitized component into a reused one when the same file (SHA-256) is
/// already registered for another dossier.
pub fn mark_reuse(reg: &Register, entry: NewEntry) -> Result<NewEntry, OfficeError> {
    let role = entry.facts().map(|f| f.role).unwrap_or(Role::Other);
    let code = match (&entry.dossier_code, role) {
        (Some(code), Role::Received | Role::Digitized) => code.clone(),
        _ => return Ok(entry),
    };
    Ok(match reg.earlier_in_other_dossier(&entry.sha256, &code)? {
        Some(earlier) => entry.reusing(earlier),
        None => entry,
    })
}

/// Enters `file`, which a flow has just written: a failure says the file exists but is not
/// registered ([`OfficeError::NotRegistered`]).
pub fn register_output(
    reg: &mut Register,
    file: &Path,
    entry: NewEntry,
) -> Result<Registered, OfficeError> {
    register_file(reg, file, entry).map_err(|e| OfficeError::NotRegistered {
        path: file.to_path_buf(),
        source: Box::new(e),
    })
}

/// A flow that writes a new file from `input` (OCR, extend): opens the register, reads the
/// input's record, gives `make` the new file's entry of `kind` (code and title inherited, the
/// input's hash under `from_key`), and registers the file `make` reports having written.
pub(crate) fn derive_and_register<T>(
    config: &Config,
    input: &Path,
    kind: EntryKind,
    from_key: &str,
    make: impl FnOnce(&InputRecord, &mut NewEntry) -> Result<(T, std::path::PathBuf), OfficeError>,
) -> Result<(T, Registered), OfficeError> {
    let mut reg = open_register(config)?;
    let input_rec = InputRecord::read(&reg, input)?;
    let mut entry = input_rec.derived_entry(kind);
    entry
        .extra
        .insert(from_key.into(), crate::hex(&input_rec.sha256).into());
    let (made, written) = make(&input_rec, &mut entry)?;
    let registered = register_output(&mut reg, &written, entry)?;
    Ok((made, registered))
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

/// The number the next copy of `kind` will get in the configured register, in the name of the
/// settings' office (nothing is consumed by asking).
pub fn peek_copy_number(
    config: &Config,
    kind: crate::copy::CopyKind,
) -> Result<String, OfficeError> {
    let mut reg = open_register(config)?;
    let code = config.settings.copy_org_code();
    Ok(crate::copy::next_copy_number(&mut reg, &code, kind)?)
}

/// The input of a flow as the register knows it: its hash and its oldest entry (the dossier
/// hoso built, or the first signed file), whose code and title a new file made from it inherits.
#[derive(Debug, Clone)]
pub struct InputRecord {
    /// SHA-256 of the input.
    pub sha256: [u8; 32],
    /// The input's oldest register entry, if it has one.
    pub oldest: Option<hoso_register::Entry>,
    /// The input's file name: the title when no entry gives one.
    pub file_name: String,
}

impl InputRecord {
    /// Hashes `input` and looks up its oldest entry in `reg`.
    pub fn read(reg: &Register, input: &Path) -> Result<Self, OfficeError> {
        let sha256 = hoso_register::sha256_file(input).map_err(|source| OfficeError::Read {
            path: input.to_path_buf(),
            source,
        })?;
        Self::with_hash(reg, input, sha256)
    }

    /// Looks up the oldest entry of `input`, whose hash `sha256` the flow already has.
    pub fn with_hash(reg: &Register, input: &Path, sha256: [u8; 32]) -> Result<Self, OfficeError> {
        let oldest = reg
            .lookup_sha256(&sha256)?
            .into_iter()
            .map(|r| r.entry)
            .min_by_key(|e| e.seq);
        Ok(Self {
            sha256,
            oldest,
            file_name: crate::progress::file_name(input),
        })
    }

    /// A new entry of `kind` for a file made from this input: the dossier code and title of the
    /// oldest entry (the title falls back to the input's file name); the hash is filled in when
    /// the file is registered.
    pub fn derived_entry(&self, kind: EntryKind) -> NewEntry {
        let mut e = NewEntry::new(kind, [0; 32]);
        if let Some(old) = &self.oldest {
            e.dossier_code = old.dossier_code.clone();
            e.title = old.title.clone();
        }
        if e.title.is_none() {
            e.title = Some(self.file_name.clone());
        }
        e
    }

    /// The signer fingerprint of the oldest entry (an extended file keeps its signer).
    pub fn signer_fingerprint(&self) -> Option<String> {
        self.oldest
            .as_ref()
            .and_then(|e| e.signer_fingerprint.clone())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn config(dir: &Path) -> Config {
        let overrides = crate::config::Overrides {
            workspace: Some(dir.to_path_buf()),
            register: Some(dir.join("register.sqlite")),
            station: Some("test".into()),
        };
        Config::from_parts(
            &overrides,
            dir.to_path_buf(),
            crate::config::Origin::Flag,
            dir.join("settings.json"),
            crate::config::Settings::default(),
        )
    }

    #[test]
    fn derived_entry_takes_code_and_title_of_the_oldest_entry() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = config(dir.path());
        let file = dir.path().join("ho-so.pdf");
        std::fs::write(&file, b"%PDF-1.7 same bytes").expect("write");
        let mut reg = open_register(&cfg).expect("register");
        let mut first = NewEntry::new(EntryKind::Dossier, [0; 32]);
        first.dossier_code = Some("000.00.00.H01-261129-0001".into());
        first.title = Some("Đơn đề nghị".into());
        register_file(&mut reg, &file, first).expect("first");
        let mut second = NewEntry::new(EntryKind::Other, [0; 32]);
        second.dossier_code = Some("later".into());
        second.title = Some("later title".into());
        second.signer_fingerprint = Some("ab".repeat(32));
        register_file(&mut reg, &file, second).expect("second");

        let rec = InputRecord::read(&reg, &file).expect("read");
        assert_eq!(rec.oldest.as_ref().map(|e| e.seq), Some(0));
        let e = rec.derived_entry(EntryKind::Signed);
        assert_eq!(e.kind, EntryKind::Signed);
        assert_eq!(e.dossier_code.as_deref(), Some("000.00.00.H01-261129-0001"));
        assert_eq!(e.title.as_deref(), Some("Đơn đề nghị"));
        assert_eq!(e.signer_fingerprint, None);
        assert_eq!(e.sha256, [0; 32]);
        assert_eq!(rec.signer_fingerprint(), None);
    }

    #[test]
    fn unregistered_input_gets_its_file_name_as_title() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = config(dir.path());
        let file = dir.path().join("quyet-dinh.pdf");
        std::fs::write(&file, b"%PDF-1.7 never registered").expect("write");
        let reg = open_register(&cfg).expect("register");
        let rec = InputRecord::read(&reg, &file).expect("read");
        assert!(rec.oldest.is_none());
        let e = rec.derived_entry(EntryKind::Dossier);
        assert_eq!(e.dossier_code, None);
        assert_eq!(e.title.as_deref(), Some("quyet-dinh.pdf"));
    }

    /// Issue 19 point 2: the pin is written once (trust on first use), kept, and a register
    /// rebuilt with another key is refused for appends and lookups and named by the audit.
    #[test]
    fn pinning_catches_a_register_rebuilt_with_another_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut cfg = config(dir.path());
        let file = dir.path().join("a.pdf");
        std::fs::write(&file, b"%PDF-1.7 pinned").expect("write");
        let pinned = pin(&cfg).expect("pin");
        assert!(!pinned.already);
        let saved = crate::config::Settings::load(&cfg.settings_path).expect("settings");
        assert_eq!(saved.register_key.as_deref(), Some(pinned.vkey.as_str()));
        cfg.settings = saved;
        cfg.register_key = cfg.settings.register_key.clone();
        assert!(pin(&cfg).expect("again").already);
        register_one(&cfg, &file, NewEntry::new(EntryKind::Dossier, [0; 32])).expect("append");
        let reg = open_read_only(&cfg).expect("open");
        let found = lookup(&reg, &Query::File(file.clone())).expect("lookup");
        assert!(found.verified());
        let clean = audit::audit(&reg, &[], false).expect("audit");
        assert!(clean.is_clean() && clean.key_pinned, "{clean:?}");
        drop(reg);

        // The forger rebuilds the register (same origin) with a key of their own.
        for f in ["register.sqlite", "register.sqlite.station-key"] {
            std::fs::remove_file(dir.path().join(f)).expect("remove");
        }
        let _ = std::fs::remove_file(dir.path().join("register.sqlite-wal"));
        let _ = std::fs::remove_file(dir.path().join("register.sqlite-shm"));
        let mut forged = Register::create(
            &cfg.register,
            &CreateOptions {
                origin: pinned.origin.clone(),
                station: "test".into(),
            },
        )
        .expect("forge");
        forged
            .append(NewEntry::new(
                EntryKind::Dossier,
                sha256_file(&file).expect("hash"),
            ))
            .expect("forged entry");
        drop(forged);

        let err = open_register(&cfg).expect_err("appending under the pin");
        assert!(
            matches!(err, RegisterError::PinnedKeyMismatch { .. }),
            "{err}"
        );
        assert!(err
            .to_string()
            .starts_with("khóa của sổ đăng ký khác khóa đã ghim"));
        let reg = open_read_only(&cfg).expect("open");
        let err = lookup(&reg, &Query::File(file)).expect_err("lookup under the pin");
        assert!(
            matches!(
                err,
                OfficeError::Register(RegisterError::PinnedKeyMismatch { .. })
            ),
            "{err}"
        );
        let report = audit::audit(&reg, &[], false).expect("audit");
        assert!(!report.is_clean());
        assert!(report
            .findings
            .iter()
            .any(|f| audit::describe(f).starts_with("khóa của sổ khác khóa đã ghim")));
        assert!(
            pin(&cfg).is_err(),
            "a different key is not silently re-pinned"
        );

        // With the register gone, nothing new is created under the pin.
        drop(reg);
        std::fs::remove_file(&cfg.register).expect("remove the register");
        let err = open_register(&cfg).expect_err("no register under a pin");
        assert!(
            matches!(err, RegisterError::PinnedRegisterMissing { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("hoso backup --restore"), "{err}");
        assert!(!cfg.register.exists(), "no register file was created");
    }

    #[test]
    fn missing_input_is_a_read_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = config(dir.path());
        let reg = open_register(&cfg).expect("register");
        let err = InputRecord::read(&reg, &dir.path().join("none.pdf")).expect_err("missing");
        assert!(matches!(err, OfficeError::Read { .. }), "{err:?}");
    }
}
