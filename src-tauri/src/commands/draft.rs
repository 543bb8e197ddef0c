//! Số hóa: nothing is lost (issue 21 point 2). The working dossier — its files, their grouping
//! into documents and turns, and the form — is saved to the workspace as it changes
//! (`.hoso/ban-nhap.json`, written to a temporary file and renamed) and offered back when the
//! app starts again after a crash or a restart. The page knows its files by session ids only;
//! the draft stores their paths, so a restored draft imports them again under new ids.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tauri::State;

use super::blocking;
use crate::error::AppError;
use crate::state::{Session, SourceList};

/// Folder of the app's own files in the workspace.
const DRAFT_DIR: &str = ".hoso";
/// The draft's file name ("bản nháp").
const DRAFT_FILE: &str = "ban-nhap.json";
/// Largest draft read back (a 300-page dossier's draft is a few tens of kB).
const MAX_DRAFT_BYTES: u64 = 8 * 1024 * 1024;

/// The working dossier as the page holds it, files by session id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageDraft {
    /// The form's fields (`code`, `title`, metadata), as the page names them.
    pub form: Value,
    /// Documents in order: their fields and the ids of their files in order.
    pub docs: Vec<PageDoc>,
    /// Quarter turns per file id, in degrees.
    #[serde(default)]
    pub rotation: Vec<(u64, u32)>,
}

/// One document of the page's draft.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageDoc {
    /// Its fields (`name`, `doc_type`, `date`, `issuer`).
    pub fields: Value,
    /// File ids, in order.
    pub items: Vec<u64>,
}

/// The draft on disk: files by path.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredDraft {
    form: Value,
    docs: Vec<StoredDoc>,
    #[serde(default)]
    rotation: Vec<(PathBuf, u32)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredDoc {
    fields: Value,
    items: Vec<PathBuf>,
}

/// A restored draft: the page's draft with the new ids, and the session's file list.
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    /// The draft, ids as imported now.
    pub draft: PageDraft,
    /// The session's files (new revision).
    pub list: SourceList,
    /// Files of the draft that are gone or unreadable now.
    pub missing: usize,
}

fn draft_path(workspace: &Path) -> PathBuf {
    workspace.join(DRAFT_DIR).join(DRAFT_FILE)
}

/// Writes `bytes` to `path` through `path.tmp`, fsynced, then renamed.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("json.tmp");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)
}

/// Saves the page's draft (ids become paths); an empty draft removes the file.
pub fn save(session: &Session, draft: &PageDraft) -> Result<(), AppError> {
    let path = draft_path(&session.workspace);
    let by_id = |id: u64| session.source(id).map(|s| s.path);
    let stored = StoredDraft {
        form: draft.form.clone(),
        docs: draft
            .docs
            .iter()
            .map(|d| StoredDoc {
                fields: d.fields.clone(),
                items: d.items.iter().filter_map(|id| by_id(*id)).collect(),
            })
            .collect(),
        rotation: draft
            .rotation
            .iter()
            .filter_map(|(id, deg)| by_id(*id).map(|p| (p, *deg)))
            .collect(),
    };
    let empty = stored.docs.iter().all(|d| d.items.is_empty())
        && stored
            .form
            .as_object()
            .is_none_or(|m| m.values().all(|v| v.as_str().is_none_or(str::is_empty)));
    let io = |e: std::io::Error| AppError::Draft(e.to_string());
    if empty {
        return match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(e)),
            _ => Ok(()),
        };
    }
    let bytes = serde_json::to_vec_pretty(&stored).map_err(|e| AppError::Draft(e.to_string()))?;
    write_atomic(&path, &bytes).map_err(io)
}

/// Reads the draft left in the workspace, imports its files again and gives the page its
/// draft with the new ids; `None` when there is none (or it is not readable as a draft).
pub fn restore(session: &Session) -> Option<Restored> {
    let path = draft_path(&session.workspace);
    let len = std::fs::metadata(&path).ok()?.len();
    if len > MAX_DRAFT_BYTES {
        return None;
    }
    let stored: StoredDraft = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
    let paths: Vec<PathBuf> = stored.docs.iter().flat_map(|d| d.items.clone()).collect();
    let list = session.import(&paths);
    let ids: HashMap<PathBuf, u64> = list
        .sources
        .iter()
        .map(|s| (s.path.clone(), s.id))
        .collect();
    let missing = paths.iter().filter(|p| !ids.contains_key(*p)).count();
    let draft = PageDraft {
        form: stored.form,
        docs: stored
            .docs
            .into_iter()
            .map(|d| PageDoc {
                fields: d.fields,
                items: d.items.iter().filter_map(|p| ids.get(p).copied()).collect(),
            })
            .collect(),
        rotation: stored
            .rotation
            .iter()
            .filter_map(|(p, deg)| ids.get(p).map(|id| (*id, *deg)))
            .collect(),
    };
    Some(Restored {
        draft,
        list,
        missing,
    })
}

/// Saves the working dossier (called by the page after each change).
#[tauri::command]
pub async fn save_draft(session: State<'_, Session>, draft: PageDraft) -> Result<(), AppError> {
    save(&session, &draft)
}

/// The working dossier left by the last run, its files imported again.
#[tauri::command]
pub async fn restore_draft(app: tauri::AppHandle) -> Result<Option<Restored>, AppError> {
    use tauri::Manager;
    blocking(move || restore(&app.state::<Session>())).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Mode;
    use std::time::SystemTime;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures")
            .join(name)
    }

    #[test]
    fn a_saved_draft_comes_back_with_its_files_order_turns_and_form() {
        let ws = tempfile::tempdir().expect("workspace");
        let first = Session::new(Mode::Officer, ws.path().into(), SystemTime::now(), 60);
        let list = first.import(&[
            fixture("to_khai_a4_200dpi.jpg"),
            fixture("giay_chung_sinh_g4_2pages.tiff"),
        ]);
        let (a, b) = (list.sources[0].id, list.sources[1].id);
        let draft = PageDraft {
            form: serde_json::json!({"code": "000.00.15.H12-261129-0001", "title": "Khai sinh"}),
            docs: vec![
                PageDoc {
                    fields: serde_json::json!({"name": "Giấy chứng sinh"}),
                    items: vec![b],
                },
                PageDoc {
                    fields: serde_json::json!({"name": "Tờ khai"}),
                    items: vec![a],
                },
            ],
            rotation: vec![(b, 90)],
        };
        save(&first, &draft).expect("saved");
        assert!(draft_path(ws.path()).exists());
        assert!(!draft_path(ws.path()).with_extension("json.tmp").exists());

        // A new run (after a crash or restart): other ids, the same dossier.
        let second = Session::new(Mode::Officer, ws.path().into(), SystemTime::now(), 60);
        second.import(&[fixture("cong_van_1page.pdf")]);
        let back = restore(&second).expect("restored");
        assert_eq!(back.missing, 0);
        assert_eq!(back.draft.form["code"], "000.00.15.H12-261129-0001");
        let names: Vec<Vec<String>> = back
            .draft
            .docs
            .iter()
            .map(|d| {
                d.items
                    .iter()
                    .map(|id| second.source(*id).expect("imported").name)
                    .collect()
            })
            .collect();
        assert_eq!(
            names,
            [
                vec!["giay_chung_sinh_g4_2pages.tiff".to_owned()],
                vec!["to_khai_a4_200dpi.jpg".to_owned()]
            ]
        );
        let turned = back.draft.rotation[0].0;
        assert_eq!(
            second.source(turned).expect("turned").name,
            "giay_chung_sinh_g4_2pages.tiff"
        );

        // An emptied dossier leaves no draft behind.
        let empty = PageDraft {
            form: serde_json::json!({"code": ""}),
            docs: vec![],
            rotation: vec![],
        };
        save(&second, &empty).expect("emptied");
        assert!(!draft_path(ws.path()).exists());
        assert!(restore(&second).is_none());
    }

    #[test]
    fn a_damaged_draft_is_ignored_not_a_crash() {
        let ws = tempfile::tempdir().expect("workspace");
        std::fs::create_dir_all(ws.path().join(DRAFT_DIR)).expect("dir");
        std::fs::write(draft_path(ws.path()), b"{\"form\": [1, 2").expect("write");
        let s = Session::new(Mode::Officer, ws.path().into(), SystemTime::now(), 60);
        assert!(restore(&s).is_none());
    }
}
