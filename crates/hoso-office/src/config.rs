//! One resolver for what every command needs to know about its station: the workspace, the
//! register, the station name, trust roots, the TSA, the signature level and the key source.
//!
//! # Resolution order (first found wins)
//!
//! | setting | 1. command line | 2. environment | 3. settings file | 4. default |
//! |---|---|---|---|---|
//! | workspace | `--workspace` (app) | `HOSO_WORKSPACE` | — | `~/HoSo` |
//! | settings file | — | `HOSO_SETTINGS` | — | `<workspace>/hoso-settings.json` |
//! | register | `--register` | `HOSO_REGISTER` | `register` | `<workspace>/register.sqlite` (with the default workspace: the CLI's older `<data dir>/hoso/register.sqlite` when only that one exists) |
//! | station | `--station` | `HOSO_STATION` | `station` | the host name, else `station` |
//! | TSA | `--tsa` | — | `tsa` | none |
//! | trust roots | `--tsa-trust`/`--trust` | — | `trust`, `demo_trust` | none |
//! | level | `--level` | — | `level` | B-T with a TSA, else B-B |
//! | key | `--p12`/`--pkcs11 …` | — | `p12` or `use_token` + `pkcs11`, `slot`, `token_label`, `key_label` | none |
//! | pinned register key | `--pin-key` | `HOSO_REGISTER_KEY` | `register_key` | none (the database's own key; `hoso register pin` pins it) |
//! | witnesses | — | — | `witnesses` | none |
//!
//! The settings file is the one the desktop app has always written (`<workspace>/hoso-settings.json`):
//! older files load unchanged (every field has a default), the app's Settings screen edits it, and
//! `hoso config show|set` prints and edits it. The station name is also the register's origin
//! (`hoso/<slug>`) when a register is created, and so part of every QR payload.

use std::path::{Path, PathBuf};

use hoso_sign::chain::{TrustStore, TrustStoreError};
use hoso_sign::sign::Level;
use serde::{Deserialize, Serialize};

use crate::keys::KeySource;

/// File name of the settings inside the workspace.
pub const SETTINGS_FILE: &str = "hoso-settings.json";
/// File name of the register inside the workspace.
pub const REGISTER_FILE: &str = "register.sqlite";

/// PAdES level as written in the settings file and on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignLevel {
    /// Basic signature.
    #[serde(rename = "B-B")]
    BB,
    /// With an RFC 3161 signature timestamp.
    #[serde(rename = "B-T")]
    BT,
    /// Plus certificates and revocation data (DSS).
    #[serde(rename = "B-LT")]
    BLt,
    /// Plus a document timestamp.
    #[serde(rename = "B-LTA")]
    BLta,
}

impl SignLevel {
    /// hoso-sign's level.
    pub fn level(self) -> Level {
        match self {
            Self::BB => Level::BB,
            Self::BT => Level::BT,
            Self::BLt => Level::BLT,
            Self::BLta => Level::BLTA,
        }
    }

    /// `B-B`, `B-T`, `B-LT`, `B-LTA`.
    pub fn name(self) -> &'static str {
        match self {
            Self::BB => "B-B",
            Self::BT => "B-T",
            Self::BLt => "B-LT",
            Self::BLta => "B-LTA",
        }
    }

    /// Whether the level needs a TSA.
    pub fn needs_tsa(self) -> bool {
        !matches!(self, Self::BB)
    }
}

impl std::str::FromStr for SignLevel {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, ConfigError> {
        match s.trim().to_ascii_uppercase().as_str() {
            "B-B" | "BB" => Ok(Self::BB),
            "B-T" | "BT" => Ok(Self::BT),
            "B-LT" | "BLT" => Ok(Self::BLt),
            "B-LTA" | "BLTA" => Ok(Self::BLta),
            _ => Err(ConfigError::BadValue {
                key: "level".into(),
                value: s.into(),
                expected: "B-B, B-T, B-LT, B-LTA",
            }),
        }
    }
}

/// The settings file: what an office sets once, shared by the CLI and the app.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Settings {
    /// Trusted root certificates (PEM or DER files), for verification and the TSA.
    pub trust: Vec<PathBuf>,
    /// Trust the DEMO root (for trying hoso only; every verdict then says so).
    pub demo_trust: bool,
    /// The staff member's PKCS#12 file.
    pub p12: Option<PathBuf>,
    /// Sign with a USB token (PKCS#11) instead of the PKCS#12 file.
    pub use_token: bool,
    /// The token vendor's PKCS#11 library.
    pub pkcs11: Option<PathBuf>,
    /// The token's slot id, when several are plugged in.
    pub slot: Option<u64>,
    /// Which token, when several are plugged in (its label); the only one when unset.
    pub token_label: Option<String>,
    /// The key (or certificate) label on the token.
    pub key_label: Option<String>,
    /// RSA keys sign with PKCS#1 v1.5 instead of RSASSA-PSS (Circular 15/2025/TT-BKHCN names
    /// PSS, the default; this is for receivers or tokens that cannot handle it). An older file's
    /// `rsa_pss` is ignored: PSS is what it asked for and what is done now.
    pub rsa_pkcs1: bool,
    /// RFC 3161 timestamp server.
    pub tsa: Option<String>,
    /// PAdES level; B-T with a TSA, else B-B, when unset.
    pub level: Option<SignLevel>,
    /// The office's name, as printed on certified copies.
    pub office: String,
    /// Its abbreviation in copy numbers (`UBND` in `05/SY-UBND`); initials of the name when empty.
    pub org_code: String,
    /// The competent person's handwritten signature (blue, transparent PNG).
    pub signature_image: Option<PathBuf>,
    /// The office's seal (red, transparent PNG at its real size).
    pub seal_image: Option<PathBuf>,
    /// This station's name in the register (and the register's origin when created).
    pub station: String,
    /// The register file.
    pub register: Option<PathBuf>,
    /// The office's public address for `hoso serve` (`https://tracuu.example.gov.vn`): when set,
    /// the QR printed on certified copies is a link to that service's page (`<address>/v/<payload>`)
    /// instead of the offline payload, and lookups can go through the service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// The register's verifier key, pinned outside the database (`name+id+base64`, C2SP
    /// signed-note; the name is the register's origin): checkpoints are verified with it, never
    /// with the key the database carries, so a register rebuilt with another key is caught.
    /// `hoso register pin` writes it on the first station; the other stations copy it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub register_key: Option<String>,
    /// Witnesses the office trusts to co-sign its checkpoints (their cosigner verifier keys,
    /// `name+id+base64`, C2SP tlog-cosignature): lookups and the audit count their cosignatures.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub witnesses: Vec<String>,
    /// The two backup locations (issue 18; Circular 05/2025/TT-BNV keeps at least two copies on
    /// independent media), each with when a backup there was last verified.
    #[serde(skip_serializing_if = "no_backup_locations")]
    pub backup_locations: [BackupLocation; 2],
}

/// One place backups go (`hoso backup --to DIR`: a dated folder is written inside it).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct BackupLocation {
    /// The folder; unset when this location is not chosen.
    pub dir: Option<PathBuf>,
    /// When a backup here was last verified without a problem (ISO 8601 +07:00).
    pub verified: Option<String>,
    /// That backup's dated folder.
    pub folder: Option<PathBuf>,
}

impl BackupLocation {
    /// A location at `dir`, never verified (`None`: not chosen).
    pub fn at(dir: Option<PathBuf>) -> Self {
        Self {
            dir,
            ..Self::default()
        }
    }
}

fn no_backup_locations(l: &[BackupLocation; 2]) -> bool {
    l.iter().all(|l| *l == BackupLocation::default())
}

/// Why the configuration could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The settings file exists but cannot be read or written.
    #[error(
        "không đọc/ghi được tệp cài đặt {path}: {source} / cannot read or write the settings file"
    )]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// It is not the JSON hoso writes.
    #[error("tệp cài đặt {path} không hợp lệ: {source} / the settings file is not valid JSON")]
    Json {
        /// The file.
        path: PathBuf,
        /// The parser's words.
        source: serde_json::Error,
    },
    /// `hoso config set` with a key hoso does not know.
    #[error("không có mục cài đặt \"{0}\" / no setting named \"{0}\" (see `hoso config show`)")]
    UnknownKey(String),
    /// A value of the wrong shape.
    #[error("giá trị \"{value}\" không hợp lệ cho {key} (cần {expected}) / bad value for {key}, expected {expected}")]
    BadValue {
        /// The setting.
        key: String,
        /// The value given.
        value: String,
        /// What is accepted.
        expected: &'static str,
    },
    /// A trusted root cannot be read.
    #[error("chứng thư gốc không dùng được: {0} / a trusted root cannot be used")]
    Trust(#[from] TrustStoreError),
}

impl Settings {
    /// Reads `path`; a missing file is the default settings.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|source| ConfigError::Json {
                path: path.to_path_buf(),
                source,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(ConfigError::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Writes `path` through a temporary file renamed into place.
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        let io = |source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let json = serde_json::to_vec_pretty(self).map_err(|source| ConfigError::Json {
            path: path.to_path_buf(),
            source,
        })?;
        let mut f = hoso_pdf::atomic::AtomicFile::create(path).map_err(io)?;
        std::io::Write::write_all(&mut f, &json).map_err(io)?;
        f.commit().map_err(io)?;
        Ok(())
    }

    /// The copy-number abbreviation in use.
    pub fn copy_org_code(&self) -> String {
        if self.org_code.trim().is_empty() {
            crate::copy::initials(&self.office)
        } else {
            self.org_code.trim().to_owned()
        }
    }

    /// The configured key, if any.
    pub fn key_source(&self) -> Option<KeySource> {
        if self.use_token {
            self.pkcs11.clone().map(|module| KeySource::Pkcs11 {
                module,
                slot: self.slot,
                token_label: self.token_label.clone().filter(|l| !l.trim().is_empty()),
                key_label: self.key_label.clone().filter(|l| !l.trim().is_empty()),
            })
        } else {
            self.p12.clone().map(KeySource::Pkcs12)
        }
    }

    /// How RSA keys sign: RSASSA-PSS unless the settings ask for PKCS#1 v1.5.
    pub fn rsa_padding(&self) -> hoso_sign::signer::RsaPadding {
        if self.rsa_pkcs1 {
            hoso_sign::signer::RsaPadding::Pkcs1v15
        } else {
            hoso_sign::signer::RsaPadding::Pss
        }
    }

    /// The level in use: the configured one, else B-T with a TSA, else B-B.
    pub fn sign_level(&self) -> SignLevel {
        self.level.unwrap_or(if self.tsa().is_some() {
            SignLevel::BT
        } else {
            SignLevel::BB
        })
    }

    /// The TSA URL, if a non-empty one is set.
    pub fn tsa(&self) -> Option<&str> {
        self.tsa.as_deref().map(str::trim).filter(|t| !t.is_empty())
    }

    /// The roots verification and the TSA check trust.
    pub fn trust_store(&self) -> Result<TrustStore, TrustStoreError> {
        trust_store(&self.trust, self.demo_trust)
    }

    /// The names `hoso config set` accepts, in the order `hoso config show` prints them.
    pub const KEYS: [&'static str; 22] = [
        "station",
        "register",
        "office",
        "org_code",
        "tsa",
        "level",
        "trust",
        "demo_trust",
        "p12",
        "use_token",
        "pkcs11",
        "slot",
        "token_label",
        "key_label",
        "rsa_pkcs1",
        "signature_image",
        "seal_image",
        "public_url",
        "register_key",
        "witnesses",
        "backup_1",
        "backup_2",
    ];

    /// Sets one field from text (`""` clears it; `trust` takes a comma-separated list).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        let v = value.trim();
        let opt_path = || (!v.is_empty()).then(|| PathBuf::from(v));
        let opt_text = || (!v.is_empty()).then(|| v.to_owned());
        let flag = || match v.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" | "có" => Ok(true),
            "false" | "0" | "no" | "off" | "không" | "" => Ok(false),
            _ => Err(ConfigError::BadValue {
                key: key.into(),
                value: v.into(),
                expected: "true/false",
            }),
        };
        match key.replace('-', "_").as_str() {
            "station" => self.station = v.to_owned(),
            "register" => self.register = opt_path(),
            "office" => self.office = v.to_owned(),
            "org_code" => self.org_code = v.to_owned(),
            "tsa" => self.tsa = opt_text(),
            "level" => {
                self.level = if v.is_empty() { None } else { Some(v.parse()?) };
            }
            "trust" => {
                self.trust = v
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(PathBuf::from)
                    .collect()
            }
            "demo_trust" => self.demo_trust = flag()?,
            "p12" => self.p12 = opt_path(),
            "use_token" => self.use_token = flag()?,
            "pkcs11" => self.pkcs11 = opt_path(),
            "slot" => {
                self.slot = if v.is_empty() {
                    None
                } else {
                    Some(v.parse().map_err(|_| ConfigError::BadValue {
                        key: key.into(),
                        value: v.into(),
                        expected: "a slot number",
                    })?)
                }
            }
            "token_label" => self.token_label = opt_text(),
            "key_label" => self.key_label = opt_text(),
            "rsa_pkcs1" => self.rsa_pkcs1 = flag()?,
            "signature_image" => self.signature_image = opt_path(),
            "seal_image" => self.seal_image = opt_path(),
            "public_url" => {
                self.public_url = match opt_text() {
                    None => None,
                    Some(u) => Some(crate::copy::check_public_url(&u).ok_or(
                        ConfigError::BadValue {
                            key: key.into(),
                            value: v.into(),
                            expected:
                                "https://host[:port][/path] (or http:// for a test on 127.0.0.1)",
                        },
                    )?),
                }
            }
            "register_key" => {
                self.register_key = match opt_text() {
                    None => None,
                    Some(k) => Some(
                        hoso_register::VerifierKey::parse(&k)
                            .map_err(|_| ConfigError::BadValue {
                                key: key.into(),
                                value: v.into(),
                                expected: "name+id+base64 (the line `hoso register audit` prints)",
                            })?
                            .to_string(),
                    ),
                }
            }
            "witnesses" => {
                let mut keys = Vec::new();
                for k in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    hoso_register::witness::CosignerKey::parse(k).map_err(|_| {
                        ConfigError::BadValue {
                            key: key.into(),
                            value: k.into(),
                            expected: "witness keys name+id+base64, comma-separated",
                        }
                    })?;
                    keys.push(k.to_owned());
                }
                self.witnesses = keys;
            }
            // A new folder has not been verified yet.
            "backup_1" => self.backup_locations[0] = BackupLocation::at(opt_path()),
            "backup_2" => self.backup_locations[1] = BackupLocation::at(opt_path()),
            _ => return Err(ConfigError::UnknownKey(key.to_owned())),
        }
        Ok(())
    }
}

/// A trust store of `files`, plus the DEMO root when `demo`.
pub fn trust_store(files: &[PathBuf], demo: bool) -> Result<TrustStore, TrustStoreError> {
    let mut t = TrustStore::new();
    for p in files {
        t.add_file(p)?;
    }
    if demo {
        t.allow_demo();
    }
    Ok(t)
}

/// Where a resolved value came from, for `hoso config show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A command-line flag.
    Flag,
    /// An environment variable.
    Env,
    /// The settings file.
    File,
    /// hoso's default.
    Default,
    /// The CLI's register from before the shared settings (`<data dir>/hoso/register.sqlite`).
    Legacy,
}

impl Origin {
    /// Its name, as `hoso config show` prints it.
    pub fn name(self) -> &'static str {
        match self {
            Origin::Flag => "flag",
            Origin::Env => "env",
            Origin::File => "file",
            Origin::Default => "default",
            Origin::Legacy => "legacy",
        }
    }
}

/// What a shell knows before resolving: its flags (all optional).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--workspace`.
    pub workspace: Option<PathBuf>,
    /// `--register`.
    pub register: Option<PathBuf>,
    /// `--station`.
    pub station: Option<String>,
}

/// The resolved configuration every flow starts from.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    /// Where dossiers are written.
    pub workspace: PathBuf,
    /// Where it came from.
    pub workspace_from: Origin,
    /// The settings file read (and written by `hoso config set` and the app).
    pub settings_path: PathBuf,
    /// Its contents.
    pub settings: Settings,
    /// The register file.
    pub register: PathBuf,
    /// Where it came from.
    pub register_from: Origin,
    /// This station's name.
    pub station: String,
    /// Where it came from.
    pub station_from: Origin,
    /// The register's pinned verifier key (`name+id+base64`), if any: `--pin-key` (the shell
    /// sets it after resolving), else `HOSO_REGISTER_KEY`, else the settings' `register_key`.
    pub register_key: Option<String>,
    /// Where it came from.
    pub register_key_from: Origin,
}

fn env_nonempty(name: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

/// The host name, when the system tells it.
pub fn hostname() -> Option<String> {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .or_else(|| {
            ["HOSTNAME", "COMPUTERNAME"]
                .iter()
                .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        })
}

/// `~/HoSo` (or `./HoSo` without a home).
pub fn default_workspace() -> PathBuf {
    dirs::home_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("HoSo")
}

impl Config {
    /// The configuration in use, one labelled value per line (label Vietnamese / English),
    /// with where each resolved value came from: what `hoso config show` prints.
    pub fn summary(&self) -> Vec<(&'static str, String)> {
        let from = |p: &Path, o: Origin| format!("{} ({})", p.display(), o.name());
        let s = &self.settings;
        let key = s
            .key_source()
            .and_then(|k| serde_json::to_string(&k).ok())
            .unwrap_or_else(|| "—".into());
        let pss = if s.rsa_pkcs1 {
            " (RSA PKCS#1 v1.5)"
        } else {
            " (RSA: RSASSA-PSS)"
        };
        let mut trust: Vec<String> = s.trust.iter().map(|p| p.display().to_string()).collect();
        if trust.is_empty() {
            trust.push("—".into());
        }
        let demo = if s.demo_trust { " + DEMO" } else { "" };
        vec![
            (
                "Tệp cài đặt / settings file",
                self.settings_path.display().to_string(),
            ),
            (
                "Thư mục làm việc / workspace",
                from(&self.workspace, self.workspace_from),
            ),
            (
                "Sổ đăng ký / register",
                from(&self.register, self.register_from),
            ),
            (
                "Trạm / station",
                format!("{} ({})", self.station, self.station_from.name()),
            ),
            (
                "Khóa sổ đã ghim / pinned register key",
                match &self.register_key {
                    Some(k) => format!("{k} ({})", self.register_key_from.name()),
                    None => "— (chưa ghim / not pinned: hoso register pin)".to_owned(),
                },
            ),
            (
                "Nhân chứng / witnesses",
                if s.witnesses.is_empty() {
                    "—".to_owned()
                } else {
                    s.witnesses.join(", ")
                },
            ),
            ("Khóa ký / key", format!("{key}{pss}")),
            ("Mức ký / level", s.sign_level().name().to_owned()),
            ("TSA", s.tsa().unwrap_or("—").to_owned()),
            (
                "Gốc tin cậy / trust roots",
                format!("{}{demo}", trust.join(", ")),
            ),
            (
                "Cơ quan / office",
                format!("{} ({})", s.office, s.copy_org_code()),
            ),
        ]
    }

    /// Resolves everything in the order of the table at the top of this module.
    pub fn resolve(o: &Overrides) -> Result<Self, ConfigError> {
        let (workspace, workspace_from) = match (&o.workspace, env_nonempty("HOSO_WORKSPACE")) {
            (Some(w), _) => (w.clone(), Origin::Flag),
            (None, Some(w)) => (PathBuf::from(w), Origin::Env),
            (None, None) => (default_workspace(), Origin::Default),
        };
        let settings_path = env_nonempty("HOSO_SETTINGS")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace.join(SETTINGS_FILE));
        let settings = Settings::load(&settings_path)?;
        Ok(Self::from_parts(
            o,
            workspace,
            workspace_from,
            settings_path,
            settings,
        ))
    }

    /// Resolves with the settings already read (the app keeps them in memory).
    pub fn from_parts(
        o: &Overrides,
        workspace: PathBuf,
        workspace_from: Origin,
        settings_path: PathBuf,
        settings: Settings,
    ) -> Self {
        let (register, register_from) = match (&o.register, env_nonempty("HOSO_REGISTER")) {
            (Some(r), _) => (r.clone(), Origin::Flag),
            (None, Some(r)) => (PathBuf::from(r), Origin::Env),
            (None, None) => match &settings.register {
                Some(r) => (r.clone(), Origin::File),
                None => default_register(&workspace, workspace_from),
            },
        };
        let station_env = std::env::var("HOSO_STATION")
            .ok()
            .filter(|s| !s.trim().is_empty());
        let (station, station_from) = match (&o.station, station_env) {
            (Some(s), _) if !s.trim().is_empty() => (s.trim().to_owned(), Origin::Flag),
            (_, Some(s)) => (s.trim().to_owned(), Origin::Env),
            _ if !settings.station.trim().is_empty() => {
                (settings.station.trim().to_owned(), Origin::File)
            }
            _ => (
                hostname().unwrap_or_else(|| "station".into()),
                Origin::Default,
            ),
        };
        let (register_key, register_key_from) = match std::env::var("HOSO_REGISTER_KEY")
            .ok()
            .filter(|s| !s.trim().is_empty())
        {
            Some(k) => (Some(k.trim().to_owned()), Origin::Env),
            None => match settings.register_key.as_deref().map(str::trim) {
                Some(k) if !k.is_empty() => (Some(k.to_owned()), Origin::File),
                _ => (None, Origin::Default),
            },
        };
        Self {
            workspace,
            workspace_from,
            settings_path,
            settings,
            register,
            register_from,
            station,
            station_from,
            register_key,
            register_key_from,
        }
    }

    /// Writes the settings file and resolves again.
    pub fn save_settings(&mut self, settings: Settings, o: &Overrides) -> Result<(), ConfigError> {
        settings.save(&self.settings_path)?;
        *self = Self::from_parts(
            o,
            self.workspace.clone(),
            self.workspace_from,
            self.settings_path.clone(),
            settings,
        );
        Ok(())
    }
}

/// `<workspace>/register.sqlite`; but with the default workspace, when that register does not
/// exist and the CLI's older default (`<data dir>/hoso/register.sqlite`) does, that one, so no
/// register is left behind. A workspace named by flag or environment always gets its own.
fn default_register(workspace: &Path, workspace_from: Origin) -> (PathBuf, Origin) {
    let here = workspace.join(REGISTER_FILE);
    if workspace_from == Origin::Default && !here.exists() {
        if let Some(old) = hoso_register::default_register_path().filter(|p| p.exists()) {
            return (old, Origin::Legacy);
        }
    }
    (here, Origin::Default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_says_where_each_value_came_from() {
        let o = Overrides {
            workspace: Some("/ws".into()),
            register: Some("/ws/so.sqlite".into()),
            station: None,
        };
        let settings = Settings {
            demo_trust: true,
            office: "Ủy ban nhân dân phường Sông Cầu".into(),
            station: "quay-2".into(),
            ..Settings::default()
        };
        let c = Config::from_parts(
            &o,
            "/ws".into(),
            Origin::Flag,
            "/ws/s.json".into(),
            settings,
        );
        let lines: Vec<String> = c
            .summary()
            .into_iter()
            .map(|(l, v)| format!("{l}: {v}"))
            .collect();
        assert!(lines.contains(&"Sổ đăng ký / register: /ws/so.sqlite (flag)".to_owned()));
        assert!(
            lines.contains(&"Trạm / station: quay-2 (file)".to_owned()),
            "{lines:#?}"
        );
        assert!(lines.contains(&"Gốc tin cậy / trust roots: — + DEMO".to_owned()));
        assert!(lines
            .contains(&"Cơ quan / office: Ủy ban nhân dân phường Sông Cầu (UBNDPSC)".to_owned()));
    }

    #[test]
    fn an_older_app_settings_file_loads_with_defaults_for_new_fields() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(SETTINGS_FILE);
        std::fs::write(
            &p,
            r#"{"trust":[],"demo_trust":true,"p12":"/k.p12","use_token":false,"pkcs11":null,
               "token_label":null,"tsa":"http://127.0.0.1:1/tsa","office":"UBND","org_code":"",
               "signature_image":null,"seal_image":null,"station":"quay-1","register":null}"#,
        )
        .unwrap();
        let s = Settings::load(&p).unwrap();
        assert!(s.demo_trust);
        assert_eq!(s.level, None);
        assert_eq!(s.sign_level(), SignLevel::BT, "a TSA means B-T by default");
        assert_eq!(s.key_source(), Some(KeySource::Pkcs12("/k.p12".into())));
        assert_eq!(
            s.rsa_padding(),
            hoso_sign::signer::RsaPadding::Pss,
            "RSA signs RSASSA-PSS unless the file asks for PKCS#1 v1.5"
        );
    }

    #[test]
    fn flags_beat_the_file_and_the_file_beats_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            station: "quay-2".into(),
            register: Some(dir.path().join("so.sqlite")),
            ..Settings::default()
        };
        let c = Config::from_parts(
            &Overrides::default(),
            dir.path().into(),
            Origin::Flag,
            dir.path().join(SETTINGS_FILE),
            settings.clone(),
        );
        if std::env::var_os("HOSO_REGISTER").is_none() && std::env::var_os("HOSO_STATION").is_none()
        {
            assert_eq!(
                (c.station.as_str(), c.station_from),
                ("quay-2", Origin::File)
            );
            assert_eq!(c.register_from, Origin::File);
        }
        let c = Config::from_parts(
            &Overrides {
                station: Some("quay-9".into()),
                register: Some("/x.sqlite".into()),
                workspace: None,
            },
            dir.path().into(),
            Origin::Flag,
            dir.path().join(SETTINGS_FILE),
            settings,
        );
        assert_eq!(
            (c.station.as_str(), c.station_from),
            ("quay-9", Origin::Flag)
        );
        assert_eq!(c.register, PathBuf::from("/x.sqlite"));
    }

    #[test]
    fn set_parses_and_refuses() {
        let mut s = Settings::default();
        s.set("level", "b-lta").unwrap();
        assert_eq!(s.level, Some(SignLevel::BLta));
        s.set("token-label", "VNPT").unwrap();
        assert_eq!(s.token_label.as_deref(), Some("VNPT"));
        s.set("trust", "a.pem, b.pem").unwrap();
        assert_eq!(s.trust.len(), 2);
        assert!(matches!(
            s.set("colour", "x"),
            Err(ConfigError::UnknownKey(_))
        ));
        assert!(s.set("slot", "two").is_err());
        s.set("tsa", "").unwrap();
        assert_eq!(s.tsa, None);
        // The pinned key and the witnesses are checked as keys before they are kept.
        let vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
        s.set("register_key", vkey).unwrap();
        assert_eq!(s.register_key.as_deref(), Some(vkey));
        assert!(s.set("register_key", "PeterNeumann+c74f20a4+ARpc").is_err());
        assert_eq!(
            s.register_key.as_deref(),
            Some(vkey),
            "a bad key changes nothing"
        );
        // A log key (type 0x01) is not a witness key (type 0x04).
        assert!(s.set("witnesses", vkey).is_err());
        assert!(s.witnesses.is_empty());
        s.set("register_key", "").unwrap();
        assert_eq!(s.register_key, None);
    }

    #[test]
    fn backup_locations_are_set_by_slot_and_left_out_of_files_without_them() {
        let mut s = Settings::default();
        let plain = serde_json::to_string(&s).unwrap();
        assert!(!plain.contains("backup_locations"), "{plain}");
        s.backup_locations[1].verified = Some("2026-12-01T10:00:00+07:00".into());
        s.set("backup_2", "/mnt/usb/sao-luu").unwrap();
        assert_eq!(
            s.backup_locations[1],
            BackupLocation::at(Some("/mnt/usb/sao-luu".into())),
            "a new folder is not verified yet"
        );
        assert_eq!(s.backup_locations[0], BackupLocation::default());
        let back: Settings = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
        s.set("backup_2", "").unwrap();
        assert_eq!(s.backup_locations[1].dir, None);
    }
}
