//! The register against real SQLite files: appends, proofs, copy numbers, schema guards,
//! foreign and damaged files, bundles.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use hoso_register::tree::{
    hash_leaf, root_by_definition, verify_consistency, verify_inclusion, MemoryTree, NodeSource,
};
use hoso_register::{
    sha256_bytes, AppendCopyError, AuditOptions, Checkpoint, CopyForm, CreateOptions, EntryKind,
    Finding, NewEntry, NotARegister, QrLookup, QrPayload, Register, RegisterError,
};
use time::macros::datetime;
use time::OffsetDateTime;

fn new_register(dir: &Path) -> (PathBuf, Register) {
    let path = dir.join("register.sqlite");
    let reg = Register::create(&path, &CreateOptions::for_station("một cửa 1")).unwrap();
    (path, reg)
}

fn file_hash(i: u64) -> [u8; 32] {
    sha256_bytes(format!("tệp số {i}").as_bytes())
}

fn dossier(i: u64) -> NewEntry {
    let mut e = NewEntry::new(EntryKind::Dossier, file_hash(i));
    e.dossier_code = Some(format!("000.00.15.H12-261129-{i:04}"));
    e.title = Some(format!("Hồ sơ đăng ký khai sinh {i}"));
    e.extra.insert("pages".into(), serde_json::json!(i % 7 + 1));
    e
}

fn clean(reg: &Register) {
    let report = reg.audit(&AuditOptions::default()).unwrap();
    assert!(report.is_clean(), "audit found: {:?}", report.findings);
}

#[test]
fn append_lookup_and_proofs_at_every_size() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut reg) = new_register(dir.path());
    let mut memory = MemoryTree::new();
    let mut leaves = Vec::new();
    for i in 0..40u64 {
        let appended = reg.append(dossier(i)).unwrap();
        let entry = &appended.entries[0];
        assert_eq!(entry.seq, i);
        assert!(entry.time.ends_with("+07:00"), "{}", entry.time);
        let leaf = entry.leaf_hash().unwrap();
        memory.push(leaf);
        leaves.push(leaf);
        let cp = Checkpoint::open(&appended.checkpoint.note, reg.verifier()).unwrap();
        assert_eq!(cp.size, i + 1);
        assert_eq!(cp.root, root_by_definition(&leaves));
    }
    // Proofs from the database equal the in-memory reference at every historical size.
    for size in 1..=40u64 {
        let cp = reg.checkpoint_at(size).unwrap().unwrap();
        for index in (0..size).step_by(3) {
            let proof = reg.inclusion_proof(index, size).unwrap();
            assert_eq!(proof.path, memory.inclusion_proof(index, size).unwrap());
            verify_inclusion(
                index,
                size,
                &leaves[index as usize],
                &proof.path,
                &cp.checkpoint.root,
            )
            .unwrap();
        }
        for first in 0..=size {
            let c = reg.consistency_proof(first, size).unwrap();
            assert_eq!(c.second_root, cp.checkpoint.root);
            c.verify().unwrap();
            let first_root = memory.root_at(first).unwrap();
            verify_consistency(first, size, &first_root, &c.second_root, &c.path).unwrap();
        }
    }
    let found = reg.lookup_sha256(&file_hash(17)).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].entry.seq, 17);
    assert!(found[0].status.verified());
    assert_eq!(found[0].proof.as_ref().unwrap().size, 40);
    assert!(reg.lookup_sha256(&file_hash(99)).unwrap().is_empty());
    clean(&reg);
}

#[test]
fn reopen_continues_the_same_tree() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut reg) = new_register(dir.path());
    reg.append_batch((0..5).map(dossier).collect()).unwrap();
    drop(reg);
    let mut reg = Register::open(&path).unwrap();
    let appended = reg.append_batch((5..13).map(dossier).collect()).unwrap();
    assert_eq!(appended.entries.last().unwrap().seq, 12);
    let leaves: Vec<_> = (0..13)
        .map(|i| reg.entry(i).unwrap().unwrap().leaf_hash().unwrap())
        .collect();
    assert_eq!(
        appended.checkpoint.checkpoint.root,
        root_by_definition(&leaves)
    );
    assert_eq!(reg.checkpoints().unwrap().len(), 2);
    clean(&reg);
    // Two handles on one file (two windows, or two stations on a share) interleave safely.
    let mut other = Register::open(&path).unwrap();
    other.append(dossier(13)).unwrap();
    reg.append(dossier(14)).unwrap();
    other.append(dossier(15)).unwrap();
    assert_eq!(reg.size().unwrap(), 16);
    clean(&reg);
}

#[test]
fn qr_payload_lookup() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut reg) = new_register(dir.path());
    reg.append_batch((0..9).map(dossier).collect()).unwrap();
    let payload = QrPayload::new(reg.origin(), 4, &file_hash(4));
    let text = payload.to_string();
    let parsed: QrPayload = text.parse().unwrap();
    match reg.lookup_qr(&parsed).unwrap() {
        QrLookup::Found(r) => {
            assert_eq!(r.entry.sha256, file_hash(4));
            assert!(r.status.verified());
            assert_eq!(r.qr, payload);
        }
        other => panic!("{other:?}"),
    }
    let wrong_hash = QrPayload::new(reg.origin(), 4, &file_hash(5));
    assert!(matches!(
        reg.lookup_qr(&wrong_hash).unwrap(),
        QrLookup::HashMismatch { .. }
    ));
    let beyond = QrPayload::new(reg.origin(), 9, &file_hash(9));
    assert!(matches!(
        reg.lookup_qr(&beyond).unwrap(),
        QrLookup::NoSuchEntry { seq: 9 }
    ));
    let foreign = QrPayload::new("hoso/elsewhere", 4, &file_hash(4));
    assert!(matches!(
        reg.lookup_qr(&foreign).unwrap(),
        QrLookup::OtherRegister { .. }
    ));
}

fn pinned(reg: &mut Register, t: OffsetDateTime) {
    reg.set_clock(Box::new(move || t));
}

#[test]
fn copy_numbers_are_shared_per_org_and_year_and_restart_in_january() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut reg) = new_register(dir.path());
    pinned(&mut reg, datetime!(2026-12-31 10:00 UTC)); // 17:00 in Vietnam
    let mut numbers = Vec::new();
    for (i, form) in [
        CopyForm::SaoY,
        CopyForm::TrichSao,
        CopyForm::SaoLuc,
        CopyForm::SaoY,
    ]
    .into_iter()
    .enumerate()
    {
        let a = reg
            .append_copy("UBND", form, dossier(i as u64), |n| {
                Ok::<_, std::io::Error>(sha256_bytes(n.to_string().as_bytes()))
            })
            .unwrap();
        let c = a.entries[0].copy.clone().unwrap();
        assert_eq!(a.entries[0].kind, EntryKind::Copy);
        numbers.push(c.to_string());
    }
    assert_eq!(
        numbers,
        ["01/SY-UBND", "02/TrS-UBND", "03/SL-UBND", "04/SY-UBND"]
    );
    // Another organisation has its own counter.
    let a = reg
        .append_copy("STP", CopyForm::SaoY, dossier(9), |_| {
            Ok::<_, std::io::Error>(file_hash(9))
        })
        .unwrap();
    assert_eq!(a.entries[0].copy.as_ref().unwrap().to_string(), "01/SY-STP");
    // 17:00 UTC on 31 December is already 1 January in Vietnam: back to 01.
    pinned(&mut reg, datetime!(2026-12-31 17:00 UTC));
    let r = reg.reserve_copy("UBND", CopyForm::SaoY).unwrap();
    assert_eq!(r.number().to_string(), "01/SY-UBND");
    assert_eq!(r.number().year, 2027);
    assert_eq!(r.time(), "2027-01-01T00:00:00+07:00");
    let a = r.commit(dossier(10)).unwrap();
    assert_eq!(a.entries[0].copy.as_ref().unwrap().year, 2027);
    clean(&reg);
}

#[test]
fn failed_signing_consumes_no_number() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut reg) = new_register(dir.path());
    let failed: Result<_, AppendCopyError<&str>> =
        reg.append_copy("UBND", CopyForm::SaoY, dossier(0), |_| Err("token removed"));
    assert!(matches!(
        failed,
        Err(AppendCopyError::Sign("token removed"))
    ));
    {
        let r = reg.reserve_copy("UBND", CopyForm::SaoY).unwrap();
        assert_eq!(r.number().number, 1);
        // Dropped without commit: rolled back.
    }
    let r = reg.reserve_copy("UBND", CopyForm::SaoY).unwrap();
    assert_eq!(r.number().number, 1);
    r.abort();
    assert_eq!(reg.size().unwrap(), 0);
    let a = reg
        .append_copy("UBND", CopyForm::SaoY, dossier(0), |_| {
            Ok::<_, &str>(file_hash(0))
        })
        .unwrap();
    assert_eq!(a.entries[0].copy.as_ref().unwrap().number, 1);
    // Copies go through the counter only.
    assert!(reg
        .append(NewEntry::new(EntryKind::Copy, file_hash(1)))
        .is_err());
    clean(&reg);
}

#[test]
fn concurrent_stations_never_share_a_copy_number() {
    let dir = tempfile::tempdir().unwrap();
    let (path, reg) = new_register(dir.path());
    drop(reg);
    let got = Arc::new(Mutex::new(Vec::new()));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let path = path.clone();
            let got = Arc::clone(&got);
            std::thread::spawn(move || {
                let mut reg = Register::open(&path).unwrap();
                for i in 0..15u64 {
                    let a = reg.append_copy("UBND", CopyForm::SaoY, dossier(t * 100 + i), |n| {
                        // Every third signing fails: its number must be reused.
                        if (t + i) % 3 == 0 {
                            Err("cancelled")
                        } else {
                            Ok(sha256_bytes(n.to_string().as_bytes()))
                        }
                    });
                    match a {
                        Ok(a) => got
                            .lock()
                            .unwrap()
                            .push(a.entries[0].copy.as_ref().unwrap().number),
                        Err(AppendCopyError::Sign(_)) => {}
                        Err(e) => panic!("{e}"),
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let mut got = got.lock().unwrap().clone();
    got.sort();
    let n = got.len() as u32;
    assert_eq!(
        got,
        (1..=n).collect::<Vec<_>>(),
        "numbers are unique and gap-free"
    );
    clean(&Register::open(&path).unwrap());
}

#[test]
fn schema_refuses_update_and_delete() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut reg) = new_register(dir.path());
    reg.append_batch((0..3).map(dossier).collect()).unwrap();
    reg.append_copy("UBND", CopyForm::SaoY, dossier(3), |_| {
        Ok::<_, &str>(file_hash(3))
    })
    .unwrap();
    drop(reg);
    let conn = rusqlite::Connection::open(&path).unwrap();
    for sql in [
        "UPDATE entries SET title = 'x' WHERE seq = 1",
        "DELETE FROM entries WHERE seq = 2",
        "INSERT INTO entries SELECT 7, sha256, kind, time, station, dossier_code, title, copy_org, \
         copy_year, copy_number, copy_form, signer_fingerprint, extra, leaf_hash FROM entries WHERE seq = 0",
        "UPDATE nodes SET hash = zeroblob(32)",
        "DELETE FROM nodes",
        "UPDATE checkpoints SET note = ''",
        "DELETE FROM checkpoints WHERE size = 4",
        "UPDATE meta SET value = 'x' WHERE key = 'origin'",
        "UPDATE copy_counters SET last = last - 1",
        "UPDATE copy_counters SET last = last + 2",
        "DELETE FROM copy_counters",
    ] {
        let e = conn.execute(sql, []).expect_err(sql);
        assert!(e.to_string().contains("hoso register"), "{sql}: {e}");
    }
}

#[test]
fn foreign_damaged_and_empty_files_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("text", "Sổ đăng ký\n".repeat(50).into_bytes()),
        (
            "random",
            (0..4096u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                .collect(),
        ),
    ];
    for (name, bytes) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, &bytes).unwrap();
        for open in [Register::open, Register::open_read_only] {
            let e = open(&p).unwrap_err();
            assert!(
                matches!(e, RegisterError::NotARegister { .. }),
                "{name}: {e}"
            );
            assert!(e.to_string().contains("not modified"), "{e}");
        }
        assert_eq!(std::fs::read(&p).unwrap(), bytes, "{name} was modified");
    }
    // An SQLite database of another application.
    let p = dir.path().join("other.sqlite");
    {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.execute_batch("CREATE TABLE entries (x); INSERT INTO entries VALUES (1);")
            .unwrap();
    }
    let before = std::fs::read(&p).unwrap();
    let e = Register::open(&p).unwrap_err();
    assert!(matches!(
        e,
        RegisterError::NotARegister {
            reason: NotARegister::ForeignApplication(0),
            ..
        }
    ));
    assert_eq!(std::fs::read(&p).unwrap(), before);
    assert!(!dir.path().join("other.sqlite-wal").exists());
    // A register cut short.
    let (path, mut reg) = {
        let sub = dir.path().join("cut");
        std::fs::create_dir(&sub).unwrap();
        new_register(&sub)
    };
    reg.append_batch((0..200).map(dossier).collect()).unwrap();
    drop(reg);
    let full = std::fs::read(&path).unwrap();
    std::fs::write(&path, &full[..full.len() / 3]).unwrap();
    let cut = std::fs::read(&path).unwrap();
    let outcome = Register::open(&path).and_then(|r| r.audit(&AuditOptions::default()));
    match outcome {
        Err(RegisterError::Corrupt { .. }) => {}
        Ok(report) => assert!(!report.is_clean(), "a truncated register audited clean"),
        Err(e) => panic!("unexpected error for a truncated register: {e}"),
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        cut,
        "the damaged file was modified"
    );
    // Creating over an existing file is refused.
    assert!(matches!(
        Register::create(&path, &CreateOptions::for_station("x")),
        Err(RegisterError::AlreadyExists { .. })
    ));
}

#[test]
fn appending_needs_the_matching_station_key() {
    let dir = tempfile::tempdir().unwrap();
    let (path, reg) = new_register(dir.path());
    drop(reg);
    let key = hoso_register::default_key_path(&path);
    let saved = std::fs::read(&key).unwrap();
    std::fs::remove_file(&key).unwrap();
    let mut reg = Register::open(&path).unwrap();
    assert!(matches!(reg.append(dossier(0)), Err(RegisterError::Key(_))));
    // Another register's key is refused.
    let other_dir = tempfile::tempdir().unwrap();
    let (other_path, _) = new_register(other_dir.path());
    let mut reg =
        Register::open_with_key(&path, &hoso_register::default_key_path(&other_path)).unwrap();
    assert!(matches!(
        reg.append(dossier(0)),
        Err(RegisterError::KeyMismatch { .. })
    ));
    // Read-only handles never write.
    let mut ro = Register::open_read_only(&path).unwrap();
    assert!(matches!(
        ro.append(dossier(0)),
        Err(RegisterError::ReadOnly)
    ));
    std::fs::write(&key, saved).unwrap();
}

#[test]
fn bundle_round_trip_and_tampered_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut reg) = new_register(dir.path());
    reg.append_batch((0..20).map(dossier).collect()).unwrap();
    for i in 20..27 {
        reg.append(dossier(i)).unwrap();
    }
    reg.append_copy("UBND", CopyForm::SaoY, dossier(27), |_| {
        Ok::<_, &str>(file_hash(27))
    })
    .unwrap();
    let out = dir.path().join("bundle");
    let summary = reg.export_bundle(&out).unwrap();
    assert_eq!(summary.entries, 28);
    assert_eq!(summary.checkpoints, 9);
    let report = hoso_register::verify_bundle(&out, Some(reg.verifier())).unwrap();
    assert!(report.is_clean(), "{:?}", report.findings);
    assert_eq!(report.entries, 28);
    // Edit one title in the bundle.
    let entries = out.join("entries.jsonl");
    let text = std::fs::read_to_string(&entries).unwrap();
    std::fs::write(&entries, text.replacen("khai sinh 5\"", "khai sinh 6\"", 1)).unwrap();
    let report = hoso_register::verify_bundle(&out, None).unwrap();
    assert_eq!(report.first_bad_seq, Some(5), "{:?}", report.findings);
    // A different trusted key is refused.
    let other = hoso_register::StationKey::from_seed(reg.origin(), &[9; 32]).unwrap();
    let report = hoso_register::verify_bundle(&out, Some(&other.verifier())).unwrap();
    assert!(matches!(report.findings[0], Finding::UntrustedKey { .. }));
}

#[test]
fn entries_are_validated() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut reg) = new_register(dir.path());
    let mut e = dossier(0);
    e.signer_fingerprint = Some("abc".into());
    assert!(matches!(reg.append(e), Err(RegisterError::InvalidEntry(_))));
    let mut e = dossier(0);
    e.signer_fingerprint = Some("AB".repeat(32));
    let a = reg.append(e).unwrap();
    assert_eq!(
        a.entries[0].signer_fingerprint.as_deref(),
        Some("ab".repeat(32).as_str())
    );
    assert!(reg.reserve_copy("UB ND", CopyForm::SaoY).is_err());
    assert_eq!(reg.size().unwrap(), 1);
    assert_eq!(
        hash_leaf(&a.entries[0].leaf_data().unwrap()),
        a.checkpoint.checkpoint.root
    );
}

#[test]
fn newer_schema_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut reg) = new_register(dir.path());
    reg.append(dossier(0)).unwrap();
    drop(reg);
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", hoso_register::SCHEMA_VERSION + 1)
            .unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    for open in [Register::open, Register::open_read_only] {
        assert!(matches!(
            open(&path),
            Err(RegisterError::TooNew { found, .. }) if found == hoso_register::SCHEMA_VERSION + 1
        ));
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}
