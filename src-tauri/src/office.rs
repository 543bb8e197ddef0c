//! What the signing, verification and register screens share: the station's settings (read from
//! and saved to `<workspace>/hoso-settings.json`), the PDFs handed to the app for signing or
//! checking (referred to by id, like the digitize sources), and the unlocked signing key.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use hoso_sign::chain::TrustStore;
use hoso_sign::signer::Signer;

/// An unlocked key: a PKCS#12 key in memory or a logged-in token session.
pub type AnySigner = Box<dyn Signer + Send + Sync>;
use serde::{Deserialize, Serialize};

/// The settings an office sets once: trusted roots, the signing certificate, the TSA, names.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Settings {
    /// Trusted root certificates (PEM or DER files).
    pub trust: Vec<PathBuf>,
    /// Trust the DEMO root (for trying the app only; every card then says so).
    pub demo_trust: bool,
    /// The staff member's PKCS#12 file.
    pub p12: Option<PathBuf>,
    /// Sign with a USB token (PKCS#11) instead of the PKCS#12 file.
    pub use_token: bool,
    /// The token vendor's PKCS#11 library.
    pub pkcs11: Option<PathBuf>,
    /// Which token, when several are plugged in (its label); the only one when unset.
    pub token_label: Option<String>,
    /// RFC 3161 timestamp server; signatures are B-T when set.
    pub tsa: Option<String>,
    /// The office's name, as printed on certified copies.
    pub office: String,
    /// Its abbreviation in copy numbers (`UBND` in `05/SY-UBND`); initials of the name when empty.
    pub org_code: String,
    /// The competent person's handwritten signature (blue, transparent PNG).
    pub signature_image: Option<PathBuf>,
    /// The office's seal (red, transparent PNG at its real size).
    pub seal_image: Option<PathBuf>,
    /// This station's name in the register.
    pub station: String,
    /// The register file; `<workspace>/register.sqlite` when unset.
    pub register: Option<PathBuf>,
}

/// Why the settings file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// It exists but cannot be read or written.
    #[error(
        "không đọc/ghi được tệp cài đặt {path}: {source} / cannot read or write the settings file"
    )]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// It is not the JSON the app writes.
    #[error("tệp cài đặt {path} không hợp lệ: {source} / the settings file is not valid JSON")]
    Json {
        /// The file.
        path: PathBuf,
        /// The parser's words.
        source: serde_json::Error,
    },
}

impl Settings {
    /// Reads `path`; a missing file is the default settings.
    pub fn load(path: &Path) -> Result<Self, SettingsError> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|source| SettingsError::Json {
                path: path.to_path_buf(),
                source,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(SettingsError::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Writes `path` through a temporary file renamed into place.
    pub fn save(&self, path: &Path) -> Result<(), SettingsError> {
        let io = |source| SettingsError::Io {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let json = serde_json::to_vec_pretty(self).map_err(|source| SettingsError::Json {
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
            hoso_stamp::copy::initials(&self.office)
        } else {
            self.org_code.trim().to_owned()
        }
    }

    /// The roots verification trusts.
    pub fn trust_store(&self) -> Result<TrustStore, hoso_sign::chain::TrustStoreError> {
        let mut t = TrustStore::new();
        for p in &self.trust {
            t.add_file(p)?;
        }
        if self.demo_trust {
            t.allow_demo();
        }
        Ok(t)
    }
}

/// A PDF the app may sign or check: built here, chosen in a dialog, dropped, or signed here.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// Its id for the page.
    pub id: u64,
    /// File name, for display.
    pub name: String,
    /// Full path, for display (officer mode only).
    pub path: String,
    /// Dossier code, when the app built it.
    pub code: Option<String>,
    /// Title, when the app built it.
    #[serde(skip)]
    pub title: Option<String>,
    #[serde(skip)]
    pub(crate) file: PathBuf,
}

impl Document {
    /// A free file name beside this document: `<stem>-<suffix>.pdf` (`-2`, `-3`, … when taken).
    pub fn sibling(&self, suffix: &str) -> PathBuf {
        let dir = self.file.parent().unwrap_or_else(|| Path::new("."));
        let stem = self
            .file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "tai-lieu".into());
        crate::workspace::free_name(dir, &format!("{stem}-{suffix}"))
    }
}

/// A file the app wrote, entered in the register.
#[derive(Debug, Clone)]
pub struct Registered {
    /// SHA-256 of the file.
    pub sha256: [u8; 32],
    /// Its entry number.
    pub seq: u64,
    /// Its QR lookup payload.
    pub qr: String,
}

/// Shared state of the sign, verify and register screens.
/// (A changed key source locks the key again.)
pub struct Office {
    settings_path: PathBuf,
    workspace: PathBuf,
    settings: Mutex<Settings>,
    documents: Mutex<(u64, Vec<Document>)>,
    signer: Mutex<Option<AnySigner>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every change under these locks is a single assignment or push: a poisoned lock still
    // holds a consistent value.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Office {
    /// Reads the workspace's settings (defaults when there are none).
    pub fn open(workspace: &Path) -> Result<Self, SettingsError> {
        let settings_path = workspace.join("hoso-settings.json");
        let settings = Settings::load(&settings_path)?;
        Ok(Self {
            settings_path,
            workspace: workspace.to_path_buf(),
            settings: Mutex::new(settings),
            documents: Mutex::new((0, Vec::new())),
            signer: Mutex::new(None),
        })
    }

    /// The current settings.
    pub fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    /// Saves and adopts new settings. A changed key file locks the key again.
    pub fn set_settings(&self, new: Settings) -> Result<(), SettingsError> {
        new.save(&self.settings_path)?;
        let mut cur = lock(&self.settings);
        if cur.p12 != new.p12
            || cur.use_token != new.use_token
            || cur.pkcs11 != new.pkcs11
            || cur.token_label != new.token_label
        {
            *lock(&self.signer) = None;
        }
        *cur = new;
        Ok(())
    }

    /// The register file.
    pub fn register_path(&self) -> PathBuf {
        lock(&self.settings)
            .register
            .clone()
            .unwrap_or_else(|| self.workspace.join("register.sqlite"))
    }

    /// The register, opened for writing as this station (created the first time).
    pub fn open_register(&self) -> Result<hoso_register::Register, hoso_register::RegisterError> {
        let station = self.station();
        let mut reg = hoso_register::Register::open_or_create(
            &self.register_path(),
            &hoso_register::CreateOptions::for_station(&station),
        )?;
        reg.set_station(&station);
        Ok(reg)
    }

    /// Hashes `file` and enters it in the register as `entry` describes (its hash is filled in).
    pub fn register_file(
        &self,
        file: &Path,
        mut entry: hoso_register::NewEntry,
    ) -> Result<Registered, crate::error::AppError> {
        let sha256 =
            hoso_register::sha256_file(file).map_err(|source| crate::error::AppError::Read {
                path: file.to_path_buf(),
                source,
            })?;
        entry.sha256 = sha256;
        let mut reg = self.open_register()?;
        let appended = reg.append(entry)?;
        let seq = appended.entries.first().map(|e| e.seq).unwrap_or_default();
        let qr = hoso_register::QrPayload::new(reg.origin(), seq, &sha256).to_string();
        Ok(Registered { sha256, seq, qr })
    }

    /// This station's name in the register.
    pub fn station(&self) -> String {
        let s = lock(&self.settings).station.clone();
        if s.trim().is_empty() {
            "hoso-desktop".into()
        } else {
            s
        }
    }

    /// Adds a PDF and returns its record.
    pub fn add_document(
        &self,
        file: PathBuf,
        code: Option<String>,
        title: Option<String>,
    ) -> Document {
        let mut g = lock(&self.documents);
        g.0 += 1;
        let doc = Document {
            id: g.0,
            name: file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: file.display().to_string(),
            code,
            title,
            file,
        };
        g.1.push(doc.clone());
        doc
    }

    /// The PDF behind an id.
    pub fn document(&self, id: u64) -> Option<Document> {
        lock(&self.documents).1.iter().find(|d| d.id == id).cloned()
    }

    /// Holds an unlocked key until [`Office::lock_signer`] or a settings change.
    pub fn set_signer(&self, signer: AnySigner) {
        *lock(&self.signer) = Some(signer);
    }

    /// Forgets the unlocked key.
    pub fn lock_signer(&self) {
        *lock(&self.signer) = None;
    }

    /// The unlocked key, for the duration of `f`.
    pub fn with_signer<T>(&self, f: impl FnOnce(Option<&dyn Signer>) -> T) -> T {
        let g = lock(&self.signer);
        f(g.as_deref().map(|s| s as &dyn Signer))
    }
}
