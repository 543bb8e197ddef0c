//! What the signing, verification and register screens share: the station's configuration
//! (hoso-office's resolver: the settings file the CLI shares, `HOSO_REGISTER`, `HOSO_STATION`),
//! the PDFs handed to the app for signing or checking (referred to by id, like the digitize
//! sources), the unlocked signing key, and the cancel flag of the flow that runs.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use hoso_office::config::{ConfigError, Overrides};
use hoso_office::keys::AnySigner;
use hoso_office::keys::Signer;
use hoso_office::{Cancel, Config};
use serde::Serialize;

pub use hoso_office::config::Settings;

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
        hoso_office::build::free_name(dir, &format!("{stem}-{suffix}"))
    }
}

/// Shared state of the app's screens. (A changed key source locks the key again.)
pub struct Office {
    overrides: Overrides,
    config: Mutex<Config>,
    documents: Mutex<(u64, Vec<Document>)>,
    signer: Mutex<Option<(AnySigner, Instant)>>,
    key_idle: Duration,
    cancel: Cancel,
}

/// An unlocked key not used for this long is forgotten (issue 21 point 3): a clerk who walks
/// away leaves no key open on the station.
pub const KEY_IDLE: Duration = Duration::from_secs(5 * 60);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every change under these locks is a single assignment or push: a poisoned lock still
    // holds a consistent value.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Office {
    /// Resolves the configuration (`--workspace`, else `HOSO_WORKSPACE`, else `~/HoSo`).
    pub fn open(workspace: Option<PathBuf>) -> Result<Self, ConfigError> {
        let overrides = Overrides {
            workspace,
            ..Overrides::default()
        };
        Ok(Self::with_config(Config::resolve(&overrides)?, overrides))
    }

    /// An office over an already resolved configuration (tests).
    pub fn with_config(config: Config, overrides: Overrides) -> Self {
        Self {
            overrides,
            config: Mutex::new(config),
            documents: Mutex::new((0, Vec::new())),
            signer: Mutex::new(None),
            key_idle: KEY_IDLE,
            cancel: Cancel::new(),
        }
    }

    /// The resolved configuration.
    pub fn config(&self) -> Config {
        lock(&self.config).clone()
    }

    /// The workspace folder.
    pub fn workspace(&self) -> PathBuf {
        lock(&self.config).workspace.clone()
    }

    /// The current settings.
    pub fn settings(&self) -> Settings {
        lock(&self.config).settings.clone()
    }

    /// Saves and adopts new settings. A changed key source locks the key again.
    pub fn set_settings(&self, new: Settings) -> Result<(), ConfigError> {
        let mut cur = lock(&self.config);
        let old = cur.settings.clone();
        cur.save_settings(new.clone(), &self.overrides)?;
        if old.key_source() != new.key_source() || old.rsa_pkcs1 != new.rsa_pkcs1 {
            self.lock_signer();
        }
        Ok(())
    }

    /// The documents `ids`, in order; an unknown id is an error.
    pub fn documents(&self, ids: &[u64]) -> Result<Vec<Document>, crate::error::AppError> {
        ids.iter()
            .map(|id| {
                self.document(*id)
                    .ok_or(crate::error::AppError::UnknownDocument(*id))
            })
            .collect()
    }

    /// A file a flow wrote from `input` (one of `docs`), as a document the page can use: it
    /// keeps the input's code and title. Returns it and the input's name.
    pub fn add_derived(
        &self,
        docs: &[Document],
        input: &Path,
        output: PathBuf,
    ) -> (Document, String) {
        let from = docs.iter().find(|d| d.file == input);
        let doc = self.add_document(
            output,
            from.and_then(|d| d.code.clone()),
            from.and_then(|d| d.title.clone()),
        );
        (doc, from.map(|d| d.name.clone()).unwrap_or_default())
    }

    /// The register file.
    pub fn register_path(&self) -> PathBuf {
        lock(&self.config).register.clone()
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

    /// An office on the workspace `ws` (tests): its register `register.sqlite` and settings
    /// `hoso-settings.json` inside it, station `quay-1`.
    #[cfg(test)]
    pub fn for_tests(ws: &Path) -> Self {
        use hoso_office::config::Origin;
        let overrides = Overrides {
            workspace: Some(ws.to_path_buf()),
            register: Some(ws.join("register.sqlite")),
            station: Some("quay-1".into()),
        };
        let config = Config::from_parts(
            &overrides,
            ws.to_path_buf(),
            Origin::Flag,
            ws.join("hoso-settings.json"),
            Default::default(),
        );
        Self::with_config(config, overrides)
    }

    /// The same office, forgetting an unused key after `idle` instead of [`KEY_IDLE`] (tests).
    #[cfg(test)]
    pub fn with_key_idle(mut self, idle: Duration) -> Self {
        self.key_idle = idle;
        self
    }

    /// Holds an unlocked key until [`Office::lock_signer`], a settings change, or [`KEY_IDLE`]
    /// without use.
    pub fn set_signer(&self, signer: AnySigner) {
        *lock(&self.signer) = Some((signer, Instant::now()));
    }

    /// Forgets the unlocked key.
    pub fn lock_signer(&self) {
        *lock(&self.signer) = None;
    }

    /// Whether a key is held (without counting as a use of it).
    pub fn has_signer(&self) -> bool {
        lock(&self.signer).is_some()
    }

    /// Whether a key is unlocked (and not idle too long).
    #[cfg(test)]
    pub fn signer_unlocked(&self) -> bool {
        self.with_signer(|s| s.is_some())
    }

    /// The unlocked key, for the duration of `f`; a key idle longer than [`KEY_IDLE`] is
    /// forgotten first, and each use starts the idle time again.
    pub fn with_signer<T>(&self, f: impl FnOnce(Option<&(dyn Signer + Send + Sync)>) -> T) -> T {
        let mut g = lock(&self.signer);
        if g.as_ref()
            .is_some_and(|(_, used)| used.elapsed() > self.key_idle)
        {
            *g = None;
        }
        let out = f(g.as_ref().map(|(s, _)| s.as_ref()));
        if let Some((_, used)) = g.as_mut() {
            *used = Instant::now();
        }
        out
    }

    /// A fresh cancel flag for the flow about to start (the Cancel button sets it).
    pub fn start_flow(&self) -> Cancel {
        self.cancel.reset();
        self.cancel.clone()
    }

    /// The Cancel button: stops the running build, signing or copying at the next page or file.
    pub fn cancel_flow(&self) {
        self.cancel.cancel();
    }
}
