//! Cài đặt → Sao lưu: the two backup locations of the settings (issue 18; Circular
//! 05/2025/TT-BNV: at least two copies on independent media), "Sao lưu ngay" — hoso-office's
//! backup flow, the one `hoso backup --to DIR` runs, into each location in turn with one progress
//! event per location — and "Kiểm tra lại" (`hoso backup --check DIR`). Each location keeps in
//! the settings when a backup there was last verified. Folders are chosen in a dialog only.

use std::path::{Path, PathBuf};

use hoso_office::backup::{self, BackupReport};
use hoso_office::config::BackupLocation;
use hoso_office::{Event, Watch};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;

use super::blocking;
use crate::error::AppError;
use crate::office::{Office, Settings};

/// How one location's backup or check went.
#[derive(Debug, Serialize)]
pub struct LocationOutcome {
    /// 0 or 1: which of the two locations.
    pub slot: usize,
    /// The location's folder.
    pub dir: PathBuf,
    /// The backup made (or checked) and its verification; `problems` empty when verified.
    pub report: Option<BackupReport>,
    /// Why nothing could be made or checked there (the folder unreachable, …).
    pub error: Option<AppError>,
}

impl LocationOutcome {
    /// Verified without a problem.
    pub fn ok(&self) -> bool {
        self.report.as_ref().is_some_and(BackupReport::ok)
    }
}

/// A "Sao lưu ngay" run.
#[derive(Debug, Serialize)]
pub struct BackupRun {
    /// One per location set, in order.
    pub locations: Vec<LocationOutcome>,
    /// Locations not started because the officer cancelled.
    pub not_started: usize,
    /// The settings after the run (with the new verification times).
    pub settings: Settings,
}

fn slot_index(slot: usize) -> Result<usize, AppError> {
    (slot < 2).then_some(slot).ok_or(AppError::NoBackupLocation)
}

/// The locations that have a folder, with their slot.
fn chosen(settings: &Settings) -> Vec<(usize, PathBuf)> {
    settings
        .backup_locations
        .iter()
        .enumerate()
        .filter_map(|(i, l)| l.dir.clone().map(|d| (i, d)))
        .collect()
}

/// Records a verified backup of `slot` in the settings (re-read, so nothing else is undone).
fn record(office: &Office, slot: usize, dir: &Path, report: &BackupReport) -> Result<(), AppError> {
    let mut s = office.settings();
    // The officer may have changed the folder meanwhile; then this result is not its.
    if s.backup_locations[slot].dir.as_deref() == Some(dir) {
        s.backup_locations[slot].verified = Some(report.verified.clone());
        s.backup_locations[slot].folder = Some(report.folder.clone());
        office.set_settings(s)?;
    }
    Ok(())
}

fn outcome(
    office: &Office,
    slot: usize,
    dir: PathBuf,
    done: Result<BackupReport, hoso_office::OfficeError>,
) -> Result<LocationOutcome, AppError> {
    let (report, error) = match done {
        Ok(r) => (Some(r), None),
        Err(e) => (None, Some(AppError::from(e))),
    };
    let out = LocationOutcome {
        slot,
        dir,
        report,
        error,
    };
    if let (true, Some(r)) = (out.ok(), &out.report) {
        record(office, slot, &out.dir, r)?;
    }
    Ok(out)
}

/// Backs the register and the workspace's registered files up into every location set, one
/// after the other: a location that fails does not stop the next. One [`Event::File`] per
/// location; `watch`'s cancel stops before the next location.
pub fn backup_now(office: &Office, watch: &Watch) -> Result<BackupRun, AppError> {
    let targets = chosen(&office.settings());
    if targets.is_empty() {
        return Err(AppError::NoBackupLocation);
    }
    let config = office.config();
    let total = targets.len();
    let mut locations = Vec::new();
    for (slot, dir) in targets {
        if watch.cancelled() {
            break;
        }
        let done = backup::backup_to(&config, &dir);
        let out = outcome(office, slot, dir, done)?;
        watch.emit(Event::File {
            done: locations.len() + 1,
            total,
            name: out.dir.display().to_string(),
            ok: out.ok(),
        });
        locations.push(out);
    }
    Ok(BackupRun {
        not_started: total - locations.len(),
        locations,
        settings: office.settings(),
    })
}

/// Re-verifies the newest backup in location `slot` (`hoso backup --check`).
pub fn check_location(office: &Office, slot: usize) -> Result<LocationOutcome, AppError> {
    let slot = slot_index(slot)?;
    let dir = office.settings().backup_locations[slot]
        .dir
        .clone()
        .ok_or(AppError::NoBackupLocation)?;
    let done = backup::check(&dir);
    outcome(office, slot, dir, done)
}

/// Sets location `slot` to `dir` (`None` clears it); a new folder is not verified yet. A folder
/// inside the workspace is refused: the next backup would copy the backups too, and it is no
/// second medium.
pub fn set_location(
    office: &Office,
    slot: usize,
    dir: Option<PathBuf>,
) -> Result<Settings, AppError> {
    let slot = slot_index(slot)?;
    if let Some(d) = &dir {
        let ws = office.workspace();
        let inside = |a: &Path, b: &Path| {
            let a = a.canonicalize().unwrap_or_else(|_| a.to_path_buf());
            let b = b.canonicalize().unwrap_or_else(|_| b.to_path_buf());
            a.starts_with(&b) || b.starts_with(&a)
        };
        if inside(d, &ws) {
            return Err(AppError::BackupInWorkspace(d.display().to_string()));
        }
    }
    let mut s = office.settings();
    s.backup_locations[slot] = BackupLocation::at(dir);
    office.set_settings(s)?;
    Ok(office.settings())
}

/// "Chọn thư mục…" for location `slot` (0 or 1).
#[tauri::command]
pub async fn pick_backup_dir(app: AppHandle, slot: usize) -> Result<Settings, AppError> {
    let handle = app.clone();
    let picked = blocking(move || {
        handle
            .dialog()
            .file()
            .set_title("Thư mục sao lưu / backup folder")
            .blocking_pick_folder()
    })
    .await?;
    let office = app.state::<Office>();
    match picked.and_then(|p| p.into_path().ok()) {
        Some(dir) => set_location(&office, slot, Some(dir)),
        None => Ok(office.settings()),
    }
}

/// "Bỏ" for location `slot`: backups there are kept, the location is no longer used.
#[tauri::command]
pub async fn clear_backup_dir(
    office: State<'_, Office>,
    slot: usize,
) -> Result<Settings, AppError> {
    set_location(&office, slot, None)
}

/// "Sao lưu ngay": [`backup_now`], one progress event per location; `cancel_flow` stops before
/// the next location.
#[tauri::command]
pub async fn backup_now_to_all(
    app: AppHandle,
    progress: Channel<Event>,
) -> Result<BackupRun, AppError> {
    blocking(move || {
        let office = app.state::<Office>();
        let send = |e: Event| {
            let _ = progress.send(e);
        };
        let watch = Watch::new(&send, office.start_flow());
        backup_now(&office, &watch)
    })
    .await?
}

/// "Kiểm tra lại": [`check_location`].
#[tauri::command]
pub async fn check_backup(app: AppHandle, slot: usize) -> Result<LocationOutcome, AppError> {
    blocking(move || check_location(&app.state::<Office>(), slot)).await?
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoso_office::register::{open_register, register_file, EntryKind, NewEntry};
    use std::sync::Mutex;

    fn office(ws: &Path) -> Office {
        Office::for_tests(ws)
    }

    fn workspace_with_two_files(ws: &Path) -> Office {
        let office = office(ws);
        let mut reg = open_register(&office.config()).expect("register");
        for (name, bytes) in [("a.pdf", &b"%PDF a"[..]), ("sub/b.pdf", b"%PDF b")] {
            let file = ws.join(name);
            std::fs::create_dir_all(file.parent().expect("parent")).expect("dir");
            std::fs::write(&file, bytes).expect("file");
            register_file(&mut reg, &file, NewEntry::new(EntryKind::Dossier, [0; 32]))
                .expect("registered");
        }
        office
    }

    #[test]
    fn backup_now_writes_a_verified_backup_in_each_location_and_records_when() {
        let ws = tempfile::tempdir().expect("ws");
        let (one, two) = (
            tempfile::tempdir().expect("1"),
            tempfile::tempdir().expect("2"),
        );
        let office = workspace_with_two_files(ws.path());
        let quiet = Watch::quiet();
        let e = backup_now(&office, &quiet).expect_err("no location yet");
        assert_eq!(e.kind(), "no_backup_location");

        set_location(&office, 0, Some(one.path().to_path_buf())).expect("slot 1");
        // The second location is a file: that backup fails, the first is still made.
        let not_a_dir = two.path().join("tep");
        std::fs::write(&not_a_dir, b"x").expect("file");
        set_location(&office, 1, Some(not_a_dir.clone())).expect("slot 2");
        let events = Mutex::new(Vec::new());
        let listen = |e: Event| events.lock().expect("events").push(e);
        let watch = Watch::new(&listen, office.start_flow());
        let run = backup_now(&office, &watch).expect("run");
        assert_eq!(run.locations.len(), 2);
        assert!(run.locations[0].ok(), "{:?}", run.locations[0]);
        assert!(!run.locations[1].ok());
        assert!(run.locations[1].error.is_some(), "{:?}", run.locations[1]);
        let events = events.into_inner().expect("events");
        assert_eq!(
            events
                .iter()
                .map(|e| match e {
                    Event::File {
                        done, total, ok, ..
                    } => (*done, *total, *ok),
                    other => panic!("{other:?}"),
                })
                .collect::<Vec<_>>(),
            [(1, 2, true), (2, 2, false)]
        );

        let report = run.locations[0].report.as_ref().expect("report");
        assert_eq!((report.files, report.entries), (2, 2));
        assert!(report.folder.starts_with(one.path()));
        // The backup passes the library's check, and the settings say when it was verified.
        assert!(backup::check(one.path()).expect("check").ok());
        let saved = &run.settings.backup_locations;
        assert_eq!(saved[0].verified.as_deref(), Some(report.verified.as_str()));
        assert_eq!(saved[0].folder.as_deref(), Some(report.folder.as_path()));
        assert_eq!(saved[1].verified, None);
        let on_disk = Settings::load(&ws.path().join("hoso-settings.json")).expect("settings file");
        assert_eq!(on_disk.backup_locations, *saved);

        // A changed file in the backup: "Kiểm tra lại" finds it and keeps the last good time.
        let copied = report.folder.join("files/sub/b.pdf");
        std::fs::write(&copied, b"%PDF changed").expect("tamper");
        let checked = check_location(&office, 0).expect("check");
        assert!(!checked.ok());
        let problems = &checked.report.as_ref().expect("report").problems;
        assert!(
            problems.iter().any(|p| p.contains("sub/b.pdf")),
            "{problems:?}"
        );
        assert_eq!(
            office.settings().backup_locations[0].verified,
            saved[0].verified
        );
    }

    #[test]
    fn a_location_inside_the_workspace_or_a_third_one_is_refused() {
        let ws = tempfile::tempdir().expect("ws");
        let office = office(ws.path());
        let e = set_location(&office, 0, Some(ws.path().join("sao-luu"))).expect_err("inside");
        assert_eq!(e.kind(), "backup_in_workspace");
        assert!(
            e.to_string().starts_with("thư mục sao lưu nằm trong"),
            "{e}"
        );
        assert!(set_location(&office, 2, None).is_err());
        let cleared = set_location(&office, 1, None).expect("clear");
        assert_eq!(cleared.backup_locations[1], BackupLocation::default());
    }

    #[test]
    fn cancel_stops_before_the_next_location() {
        let ws = tempfile::tempdir().expect("ws");
        let (one, two) = (
            tempfile::tempdir().expect("1"),
            tempfile::tempdir().expect("2"),
        );
        let office = workspace_with_two_files(ws.path());
        set_location(&office, 0, Some(one.path().to_path_buf())).expect("slot 1");
        set_location(&office, 1, Some(two.path().to_path_buf())).expect("slot 2");
        let cancel = office.start_flow();
        let stop = |_: Event| office.cancel_flow();
        let watch = Watch::new(&stop, cancel);
        let run = backup_now(&office, &watch).expect("run");
        assert_eq!((run.locations.len(), run.not_started), (1, 1));
        assert_eq!(std::fs::read_dir(two.path()).expect("dir").count(), 0);
    }
}
