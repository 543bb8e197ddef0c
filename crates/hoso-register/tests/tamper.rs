//! Hand edits with sqlite3-style access (triggers dropped): each kind of edit is detected and
//! the first bad sequence number is named.

use std::path::{Path, PathBuf};

use hoso_register::{
    sha256_bytes, AuditOptions, AuditReport, CopyForm, CreateOptions, EntryKind, Finding, NewEntry,
    Register,
};
use rusqlite::{params, Connection};

const N: u64 = 30;

/// A register of 30 entries appended one by one (one checkpoint each), entry 20 a copy;
/// returns the path and the latest checkpoint note.
fn pristine(dir: &Path) -> (PathBuf, String) {
    let path = dir.join("register.sqlite");
    let mut reg = Register::create(&path, &CreateOptions::for_station("trạm 1")).unwrap();
    for i in 0..N {
        let mut e = NewEntry::new(EntryKind::Signed, sha256_bytes(&i.to_be_bytes()));
        e.title = Some(format!("Văn bản {i}"));
        if i == 20 {
            reg.append_copy("UBND", CopyForm::SaoY, e, |_| {
                Ok::<_, &str>(sha256_bytes(b"copy"))
            })
            .unwrap();
        } else {
            reg.append(e).unwrap();
        }
    }
    let note = reg.latest_checkpoint().unwrap().unwrap().note;
    assert!(reg.audit(&AuditOptions::default()).unwrap().is_clean());
    (path, note)
}

/// Opens the file like `sqlite3` would and drops every trigger.
fn hand(path: &Path) -> Connection {
    let c = Connection::open(path).unwrap();
    let names: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(names.len() >= 10);
    for n in names {
        c.execute_batch(&format!("DROP TRIGGER {n}")).unwrap();
    }
    c
}

/// Recomputes and stores the leaf hash of row `seq` (a careful forger).
fn reseal(c: &Connection, path: &Path, seq: u64) {
    let reg = Register::open_read_only(path).unwrap();
    let leaf = reg.entry(seq).unwrap().unwrap().leaf_hash().unwrap();
    c.execute(
        "UPDATE entries SET leaf_hash = ?1 WHERE seq = ?2",
        params![&leaf[..], seq as i64],
    )
    .unwrap();
}

fn audit(path: &Path, known: &[String]) -> AuditReport {
    Register::open_read_only(path)
        .unwrap()
        .audit(&AuditOptions {
            known_checkpoints: known.to_vec(),
            skip_integrity_check: false,
        })
        .unwrap()
}

fn expect_first_bad(path: &Path, want: u64) -> AuditReport {
    let r = audit(path, &[]);
    assert!(!r.is_clean());
    assert_eq!(r.first_bad_seq, Some(want), "findings: {:?}", r.findings);
    r
}

#[test]
fn edited_row() {
    let d = tempfile::tempdir().unwrap();
    let (p, _) = pristine(d.path());
    let c = hand(&p);
    c.execute("UPDATE entries SET title = 'Văn bản giả' WHERE seq = 7", [])
        .unwrap();
    let r = expect_first_bad(&p, 7);
    assert!(r.findings.contains(&Finding::LeafMismatch { seq: 7 }));
}

#[test]
fn edited_row_with_recomputed_leaf_hash() {
    let d = tempfile::tempdir().unwrap();
    let (p, _) = pristine(d.path());
    let c = hand(&p);
    c.execute("UPDATE entries SET sha256 = zeroblob(32) WHERE seq = 7", [])
        .unwrap();
    reseal(&c, &p, 7);
    let r = expect_first_bad(&p, 7);
    assert!(r.findings.contains(&Finding::CheckpointMismatch {
        size: 8,
        first_seq: 7
    }));
}

#[test]
fn deleted_row() {
    let d = tempfile::tempdir().unwrap();
    let (p, _) = pristine(d.path());
    let c = hand(&p);
    c.execute("DELETE FROM entries WHERE seq = 12", []).unwrap();
    expect_first_bad(&p, 12);
}

#[test]
fn deleted_row_with_renumbering_and_resealing() {
    let d = tempfile::tempdir().unwrap();
    let (p, _) = pristine(d.path());
    let c = hand(&p);
    c.execute("DELETE FROM entries WHERE seq = 12", []).unwrap();
    c.execute("UPDATE entries SET seq = seq - 1 WHERE seq > 12", [])
        .unwrap();
    for s in 12..N - 1 {
        reseal(&c, &p, s);
    }
    expect_first_bad(&p, 12);
}

#[test]
fn reordered_rows() {
    let d = tempfile::tempdir().unwrap();
    let (p, _) = pristine(d.path());
    let c = hand(&p);
    // Swap rows 4 and 9 wholesale (every column but the sequence number).
    c.execute_batch(
        "UPDATE entries SET seq = 1004 WHERE seq = 4;
         UPDATE entries SET seq = 4 WHERE seq = 9;
         UPDATE entries SET seq = 9 WHERE seq = 1004;",
    )
    .unwrap();
    expect_first_bad(&p, 4);
    // Even with both leaves resealed for their new places.
    reseal(&c, &p, 4);
    reseal(&c, &p, 9);
    expect_first_bad(&p, 4);
}

#[test]
fn inserted_row_in_the_middle() {
    let d = tempfile::tempdir().unwrap();
    let (p, _) = pristine(d.path());
    let c = hand(&p);
    c.execute_batch(
        "UPDATE entries SET seq = seq + 1000 WHERE seq >= 15;
         UPDATE entries SET seq = seq - 999 WHERE seq >= 1000;
         INSERT INTO entries SELECT 15, zeroblob(32), kind, time, station, dossier_code, 'chèn',
             copy_org, copy_year, copy_number, copy_form, signer_fingerprint, extra, leaf_hash
             FROM entries WHERE seq = 3;",
    )
    .unwrap();
    for s in 15..=N {
        reseal(&c, &p, s);
    }
    let r = expect_first_bad(&p, 15);
    assert!(r.findings.iter().any(|f| matches!(
        f,
        Finding::EntriesWithoutCheckpoint {
            first_seq: 30,
            count: 1
        }
    )));
}

#[test]
fn inserted_row_at_the_end() {
    let d = tempfile::tempdir().unwrap();
    let (p, _) = pristine(d.path());
    let c = hand(&p);
    c.execute(
        "INSERT INTO entries SELECT 30, zeroblob(32), kind, time, station, dossier_code, title,
             copy_org, copy_year, copy_number, copy_form, signer_fingerprint, extra, leaf_hash
             FROM entries WHERE seq = 3",
        [],
    )
    .unwrap();
    reseal(&c, &p, 30);
    expect_first_bad(&p, 30);
}

#[test]
fn truncated_tail_is_caught_by_a_checkpoint_kept_elsewhere() {
    let d = tempfile::tempdir().unwrap();
    let (p, kept) = pristine(d.path());
    let c = hand(&p);
    c.execute_batch(
        "DELETE FROM entries WHERE seq = 29;
         DELETE FROM checkpoints WHERE size = 30;",
    )
    .unwrap();
    // Locally consistent: the whole tail went, with its tree head.
    assert!(audit(&p, &[]).is_clean());
    let r = audit(&p, &[kept]);
    assert_eq!(r.first_bad_seq, Some(29), "{:?}", r.findings);
    assert!(r.findings.contains(&Finding::CheckpointBeyondEntries {
        size: 30,
        entries: 29
    }));
}

#[test]
fn edited_tree_node_and_checkpoint() {
    let d = tempfile::tempdir().unwrap();
    let (p, _) = pristine(d.path());
    let c = hand(&p);
    c.execute(
        "UPDATE nodes SET hash = zeroblob(32) WHERE level = 2 AND idx = 3",
        [],
    )
    .unwrap();
    let r = expect_first_bad(&p, 12);
    assert!(r.findings.iter().any(|f| matches!(
        f,
        Finding::NodeMismatch {
            level: 2,
            index: 3,
            ..
        }
    )));
    c.execute(
        "UPDATE checkpoints SET note = replace(note, char(10) || '10' || char(10), char(10) || '11' || char(10)) WHERE size = 10",
        [],
    )
    .unwrap();
    let r = audit(&p, &[]);
    assert!(r
        .findings
        .iter()
        .any(|f| matches!(f, Finding::CheckpointSignature { size: 10, .. })));
}

#[test]
fn edited_copy_number() {
    let d = tempfile::tempdir().unwrap();
    let (p, _) = pristine(d.path());
    let c = hand(&p);
    c.execute("UPDATE entries SET copy_number = 2 WHERE seq = 20", [])
        .unwrap();
    reseal(&c, &p, 20);
    let r = expect_first_bad(&p, 20);
    assert!(r
        .findings
        .iter()
        .any(|f| matches!(f, Finding::CopyNumberGap { missing: 1, .. })));
}

#[test]
fn appending_is_refused_on_a_tampered_register() {
    let d = tempfile::tempdir().unwrap();
    let (p, _) = pristine(d.path());
    let c = hand(&p);
    c.execute("DELETE FROM checkpoints WHERE size = 30", [])
        .unwrap();
    drop(c);
    let mut reg = Register::open(&p).unwrap();
    let e = reg
        .append(NewEntry::new(EntryKind::Other, [1; 32]))
        .unwrap_err();
    assert!(matches!(
        e,
        hoso_register::RegisterError::Inconsistent {
            entries: 30,
            checkpoint: 29
        }
    ));
}

/// Issue 19 point 2: whoever can rewrite the file can rebuild the whole register with a key of
/// their own (same origin, history changed at entry 7). The rebuilt file audits clean on its
/// own terms; only the key pinned outside the database tells it apart.
#[test]
fn register_rebuilt_with_another_key_is_caught_by_the_pinned_key() {
    let d = tempfile::tempdir().unwrap();
    let (p, _) = pristine(d.path());
    let pinned = Register::open_read_only(&p).unwrap().verifier().clone();
    let origin = pinned.name().to_owned();
    {
        // The genuine register under its pin: clean, and its lookups verified.
        let mut genuine = Register::open_read_only(&p).unwrap();
        genuine.pin_key(pinned.clone());
        let r = genuine.audit(&AuditOptions::default()).unwrap();
        assert!(r.is_clean() && r.key_pinned, "{:?}", r.findings);
        let found = genuine
            .lookup_sha256(&sha256_bytes(&3u64.to_be_bytes()))
            .unwrap();
        assert!(found[0].status.verified());
    }

    let forged_dir = d.path().join("forger");
    std::fs::create_dir(&forged_dir).unwrap();
    let forged = forged_dir.join("register.sqlite");
    let mut reg = Register::create(
        &forged,
        &CreateOptions {
            origin: origin.clone(),
            station: "trạm 1".into(),
        },
    )
    .unwrap();
    let original = Register::open_read_only(&p).unwrap();
    for i in 0..N {
        let old = original.entry(i).unwrap().unwrap();
        let sha = if i == 7 { [0; 32] } else { old.sha256 };
        // (The forger drops the copy number of entry 20: numbers come from reservations.)
        let kind = match old.kind {
            EntryKind::Copy => EntryKind::Signed,
            k => k,
        };
        let mut e = NewEntry::new(kind, sha);
        e.title = old.title.clone();
        reg.append(e).unwrap();
    }
    drop((reg, original));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
        let from = format!("{}{suffix}", forged.display());
        if Path::new(&from).exists() {
            std::fs::copy(&from, format!("{}{suffix}", p.display())).unwrap();
        }
    }

    // Without the pin the forgery is self-consistent.
    let unpinned = audit(&p, &[]);
    assert!(unpinned.is_clean(), "{:?}", unpinned.findings);
    assert!(!unpinned.key_pinned);
    assert_ne!(unpinned.vkey, pinned.to_string());

    // With it: the key differs, no tree head verifies, lookups are not verified, appends refused.
    let mut reg = Register::open(&p).unwrap();
    reg.pin_key(pinned.clone());
    let r = reg.audit(&AuditOptions::default()).unwrap();
    assert!(r.key_pinned);
    assert!(
        r.findings.contains(&Finding::PinnedKeyMismatch {
            pinned: pinned.to_string(),
            found: reg.verifier().to_string(),
        }),
        "{:?}",
        r.findings
    );
    assert!(r
        .findings
        .iter()
        .any(|f| matches!(f, Finding::CheckpointSignature { size: 1, .. })));
    let found = reg
        .lookup_sha256(&sha256_bytes(&3u64.to_be_bytes()))
        .unwrap();
    assert!(!found[0].status.checkpoint_signature_valid);
    assert!(!found[0].status.verified());
    assert!(matches!(
        reg.check_pin(),
        Err(hoso_register::RegisterError::PinnedKeyMismatch { .. })
    ));
    let e = reg
        .append(NewEntry::new(EntryKind::Other, [1; 32]))
        .unwrap_err();
    assert!(
        matches!(e, hoso_register::RegisterError::PinnedKeyMismatch { .. }),
        "{e}"
    );
}
