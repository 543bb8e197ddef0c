//! Issue 19 point 2: witnesses (c2sp.org/tlog-witness) co-sign the register's tree heads only
//! when each extends the last one they co-signed. Rolling back the newest entries together with
//! their checkpoints (and cosignatures) leaves a register that audits clean on its own; the
//! witness refuses its next tree head, and its kept cosigned checkpoint makes the audit see it.

use std::path::{Path, PathBuf};

use hoso_register::witness::{Witness, WitnessError};
use hoso_register::{
    sha256_bytes, AuditOptions, CreateOptions, EntryKind, Finding, NewEntry, Register,
};
use rusqlite::Connection;

const NOW: u64 = 1_796_000_000;

fn register(dir: &Path, n: u64) -> PathBuf {
    let path = dir.join("register.sqlite");
    let mut reg = Register::create(&path, &CreateOptions::for_station("Một cửa 1")).unwrap();
    for i in 0..n {
        reg.append(NewEntry::new(
            EntryKind::Signed,
            sha256_bytes(&i.to_be_bytes()),
        ))
        .unwrap();
    }
    path
}

fn append(path: &Path, tag: &str, range: std::ops::Range<u64>) {
    let mut reg = Register::open(path).unwrap();
    for i in range {
        let mut e = NewEntry::new(EntryKind::Signed, sha256_bytes(&i.to_be_bytes()));
        e.title = Some(format!("{tag} {i}"));
        reg.append(e).unwrap();
    }
}

/// The register asks the witness to co-sign its latest tree head from the size the witness
/// last co-signed here, and keeps the answer.
fn witness_round(path: &Path, w: &Witness) -> Result<u64, WitnessError> {
    let mut reg = Register::open(path).unwrap();
    reg.set_witnesses(vec![w.verifier()]);
    let old = reg.last_cosigned_size(w.verifier().name()).unwrap();
    let body = reg.witness_request(old).unwrap().to_body();
    let response = w.add_checkpoint(&body, NOW)?;
    let size = reg.size().unwrap();
    let kept = reg.add_cosignatures(size, &response).unwrap();
    assert_eq!(kept.len(), 1, "{response}");
    Ok(size)
}

/// Deletes every entry from `keep` on with its nodes, facts, checkpoints and cosignatures,
/// as someone with the file and sqlite3 would.
fn roll_back(path: &Path, keep: u64) {
    let c = Connection::open(path).unwrap();
    let triggers: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in triggers {
        c.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
    }
    let k = keep as i64;
    c.execute("DELETE FROM entries WHERE seq >= ?1", [k])
        .unwrap();
    c.execute("DELETE FROM entry_facts WHERE seq >= ?1", [k])
        .unwrap();
    c.execute("DELETE FROM nodes WHERE ((idx + 1) << level) > ?1", [k])
        .unwrap();
    c.execute("DELETE FROM checkpoints WHERE size > ?1", [k])
        .unwrap();
    c.execute("DELETE FROM cosignatures WHERE size > ?1", [k])
        .unwrap();
}

#[test]
fn witness_cosigns_growth_and_lookups_count_it() {
    let d = tempfile::tempdir().unwrap();
    let path = register(d.path(), 10);
    let log = Register::open_read_only(&path).unwrap().verifier().clone();
    let w = Witness::open(&d.path().join("witness"), "tinh.example/w1", vec![log]).unwrap();
    assert_eq!(witness_round(&path, &w).unwrap(), 10);
    append(&path, "later", 10..12);
    assert_eq!(witness_round(&path, &w).unwrap(), 12);
    assert_eq!(w.state().unwrap().logs.values().next().unwrap().size, 12);

    let mut reg = Register::open_read_only(&path).unwrap();
    // Without configured witnesses nothing counts.
    let found = reg
        .lookup_sha256(&sha256_bytes(&3u64.to_be_bytes()))
        .unwrap();
    assert_eq!(found[0].status.witnesses, 0);
    reg.set_witnesses(vec![w.verifier()]);
    let found = reg
        .lookup_sha256(&sha256_bytes(&3u64.to_be_bytes()))
        .unwrap();
    assert!(found[0].status.verified());
    assert_eq!(found[0].status.witnesses, 1);
    assert_eq!(found[0].witnessed.as_ref().unwrap().size, 12);
    let report = reg.audit(&AuditOptions::default()).unwrap();
    assert!(report.is_clean(), "{:?}", report.findings);
    assert_eq!(report.witnessed, Some((12, 1)));

    // The same tree head again is fine; a request from the wrong old size is a conflict.
    let again = reg.witness_request(12).unwrap().to_body();
    assert!(w.add_checkpoint(&again, NOW + 1).is_ok());
    let stale = reg.witness_request(10).unwrap().to_body();
    assert!(matches!(
        w.add_checkpoint(&stale, NOW),
        Err(WitnessError::Conflict { latest: 12 })
    ));
    // A checkpoint of a log the witness does not know: 404; signed by another key: 403.
    let other = tempfile::tempdir().unwrap();
    let other_path = other.path().join("register.sqlite");
    Register::create(&other_path, &CreateOptions::for_station("Một cửa 2"))
        .unwrap()
        .append(NewEntry::new(EntryKind::Other, [5; 32]))
        .unwrap();
    let other_req = Register::open_read_only(&other_path)
        .unwrap()
        .witness_request(0)
        .unwrap()
        .to_body();
    assert_eq!(
        w.add_checkpoint(&other_req, NOW).unwrap_err().http_status(),
        404
    );
    // A witness that knows another key for this origin: 403.
    let impostor_key = hoso_register::StationKey::from_seed(reg.origin(), &[7; 32])
        .unwrap()
        .verifier();
    let stranger =
        Witness::open(&d.path().join("w2"), "tinh.example/w2", vec![impostor_key]).unwrap();
    let body = reg.witness_request(0).unwrap().to_body();
    assert_eq!(
        stranger
            .add_checkpoint(&body, NOW)
            .unwrap_err()
            .http_status(),
        403
    );
}

#[test]
fn rollback_of_the_newest_entries_with_their_checkpoints_is_caught_by_the_witness() {
    let d = tempfile::tempdir().unwrap();
    let path = register(d.path(), 12);
    let log = Register::open_read_only(&path).unwrap().verifier().clone();
    let w = Witness::open(&d.path().join("witness"), "tinh.example/w1", vec![log]).unwrap();
    assert_eq!(witness_round(&path, &w).unwrap(), 12);
    let kept = w
        .state()
        .unwrap()
        .logs
        .values()
        .next()
        .unwrap()
        .cosigned
        .clone();

    // Entries 8..12 go, with their checkpoints and cosignatures; the register alone is clean.
    roll_back(&path, 8);
    let alone = Register::open_read_only(&path)
        .unwrap()
        .audit(&AuditOptions::default())
        .unwrap();
    assert!(alone.is_clean(), "{:?}", alone.findings);

    // Smaller than what the witness co-signed: refused whatever old size is claimed.
    append(&path, "forged", 100..103);
    let reg = Register::open_read_only(&path).unwrap();
    assert_eq!(reg.size().unwrap(), 11);
    for old in [0, 8, 12] {
        let body = reg.witness_request(old).unwrap().to_body();
        let e = w.add_checkpoint(&body, NOW).unwrap_err();
        assert!(matches!(e.http_status(), 400 | 409), "old {old}: {e}");
    }
    drop(reg);

    // Larger, with different entries: the consistency proof from 12 cannot be made (422).
    append(&path, "forged", 103..105);
    let reg = Register::open_read_only(&path).unwrap();
    assert_eq!(reg.size().unwrap(), 13);
    let body = reg.witness_request(12).unwrap().to_body();
    let e = w.add_checkpoint(&body, NOW).unwrap_err();
    assert!(matches!(e, WitnessError::Inconsistent), "{e}");
    assert_eq!(e.http_status(), 422);
    assert!(matches!(
        w.add_checkpoint(&reg.witness_request(0).unwrap().to_body(), NOW),
        Err(WitnessError::Conflict { latest: 12 })
    ));
    // The witness's state did not move.
    assert_eq!(w.state().unwrap().logs.values().next().unwrap().size, 12);

    // The audit with the witness's cosigned tree head sees the rewritten history.
    let mut reg = reg;
    reg.set_witnesses(vec![w.verifier()]);
    let r = reg
        .audit(&AuditOptions {
            known_checkpoints: vec![kept],
            skip_integrity_check: false,
        })
        .unwrap();
    assert!(!r.is_clean());
    assert_eq!(r.witnessed, Some((12, 1)));
    // Two validly signed roots for size 12: the log signed two histories.
    assert!(
        r.findings
            .contains(&Finding::ConflictingCheckpoints { size: 12 }),
        "{:?}",
        r.findings
    );
    assert!(r
        .findings
        .iter()
        .any(|f| matches!(f, Finding::CheckpointMismatch { size: 12, .. })));
}
