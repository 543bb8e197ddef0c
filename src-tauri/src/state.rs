//! What one run of the app holds: its mode, its workspace folder, and the files the person has
//! handed to it (by the file dialog, by dropping them on the window, or on the command line).
//! The page refers to those files by id only, so it can never name a path of its own choosing.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::SystemTime;

use serde::Serialize;

use crate::sources::{inspect, ImportFailure, Source};

/// Officer or kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The officer's workstation: every screen.
    Officer,
    /// The citizens' kiosk: verification only, no settings, no files beyond the one checked.
    Kiosk,
}

/// The files imported in this session, with a revision number that grows on every change.
#[derive(Debug, Default, Clone, Serialize)]
pub struct SourceList {
    /// Grows by one on every change; the page keeps the highest it has seen.
    pub revision: u64,
    /// Imported files, in import order.
    pub sources: Vec<Source>,
    /// Files from the last import that could not be used, with the reason.
    pub failed: Vec<ImportFailure>,
}

/// Shared state behind every command.
pub struct Session {
    /// Officer or kiosk.
    pub mode: Mode,
    /// Where dossiers are written.
    pub workspace: PathBuf,
    /// When `main` started, for the cold-start measurement.
    pub started: SystemTime,
    /// Kiosk: seconds without input before returning to the start screen.
    pub idle_seconds: u32,
    list: Mutex<(u64, SourceList)>,
}

impl Session {
    /// A session with no files.
    pub fn new(mode: Mode, workspace: PathBuf, started: SystemTime, idle_seconds: u32) -> Self {
        Self {
            mode,
            workspace,
            started,
            idle_seconds,
            list: Mutex::new((0, SourceList::default())),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (u64, SourceList)> {
        // A panic while holding the lock leaves a consistent list (every change is one push or
        // one retain), so a poisoned lock is still usable.
        self.list.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Inspects `paths` (outside the lock) and adds the usable ones.
    pub fn import(&self, paths: &[PathBuf]) -> SourceList {
        let mut found = Vec::new();
        let mut failed = Vec::new();
        for p in paths {
            match inspect(p) {
                Ok(info) => found.push(info),
                Err(f) => failed.push(f),
            }
        }
        let mut g = self.lock();
        let (next_id, list) = &mut *g;
        for mut s in found {
            *next_id += 1;
            s.id = *next_id;
            list.sources.push(s);
        }
        list.failed = failed;
        list.revision += 1;
        list.clone()
    }

    /// Forgets the given files.
    pub fn remove(&self, ids: &[u64]) -> SourceList {
        let mut g = self.lock();
        g.1.sources.retain(|s| !ids.contains(&s.id));
        g.1.failed.clear();
        g.1.revision += 1;
        g.1.clone()
    }

    /// The current list.
    pub fn list(&self) -> SourceList {
        self.lock().1.clone()
    }

    /// The file behind an id.
    pub fn source(&self, id: u64) -> Option<Source> {
        self.lock().1.sources.iter().find(|s| s.id == id).cloned()
    }
}
