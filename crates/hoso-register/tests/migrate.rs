//! A register written by schema version 1 (main before the report facts, committed under
//! `fixtures/register_v1/`) is migrated in place when opened, audits clean (Merkle log,
//! checkpoints and the new facts index), keeps its old checkpoints, and takes new entries with
//! roles, codes, dates and reuse that the report queries read back.

use std::path::{Path, PathBuf};

use hoso_register::{
    sha256_bytes, AuditOptions, EntryKind, Finding, InvalidEntry, NewEntry, Register,
    RegisterError, Role, SCHEMA_VERSION,
};

fn fixture_copy(dir: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/register_v1");
    let path = dir.join("register.sqlite");
    std::fs::copy(src.join("register.sqlite"), &path).unwrap();
    let key = dir.join("register.sqlite.station-key");
    std::fs::copy(src.join("register.sqlite.station-key"), &key).unwrap();
    // Git keeps no file modes beyond the executable bit: a clone's key is 0644, which the
    // register rightly refuses; a station's own key is 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path
}

fn user_version(path: &Path) -> i32 {
    let bytes = std::fs::read(path).unwrap();
    i32::from_be_bytes(bytes[60..64].try_into().unwrap())
}

fn clean(reg: &Register) {
    let report = reg.audit(&AuditOptions::default()).unwrap();
    assert!(report.is_clean(), "audit found: {:?}", report.findings);
}

#[test]
fn version_1_register_migrates_in_place_and_audits_clean() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture_copy(dir.path());
    assert_eq!(
        user_version(&path),
        1,
        "the fixture is a version-1 register"
    );
    // Read-only access cannot migrate and says so.
    assert!(matches!(
        Register::open_read_only(&path),
        Err(RegisterError::NeedsMigration { found: 1, .. })
    ));
    let old_root = {
        let mut reg = Register::open(&path).unwrap();
        let before = reg.latest_checkpoint().unwrap().unwrap();
        assert_eq!(before.checkpoint.size, 5);
        clean(&reg);
        // Old entries get the roles their kinds imply; a malformed role is ignored.
        let roles: Vec<Role> = (0..5)
            .map(|s| reg.entry(s).unwrap().unwrap().facts().role)
            .collect();
        use Role::*;
        assert_eq!(roles, [Digitized, Outgoing, Copy, Other, Digitized]);
        // New entries after the migration: a reused component and a result.
        let a = sha256_bytes(b"thanh phan 1\n");
        let code = "000.00.15.H12-261207-0001";
        let earlier = reg.earlier_in_other_dossier(&a, code).unwrap();
        assert_eq!(earlier, Some(0));
        let reused = NewEntry::new(EntryKind::Dossier, a)
            .with_dossier_code(code)
            .with_procedure_code("1.001193")
            .with_received_on("2026-12-07")
            .reusing(0);
        reg.append(reused).unwrap();
        let result = NewEntry::new(EntryKind::Signed, sha256_bytes(b"giay khai sinh"))
            .with_dossier_code(code)
            .with_role(Role::Result)
            .with_resolved_on("2026-12-08");
        reg.append(result).unwrap();
        clean(&reg);
        // The signed history is intact: the old head is a prefix of the new one.
        let proof = reg.consistency_proof(5, 7).unwrap();
        assert_eq!(proof.first_root, before.checkpoint.root);
        proof.verify().unwrap();
        let facts = reg.dossier_facts("2026-12-01", "2026-12-31").unwrap();
        assert_eq!(facts.len(), 1);
        let f = &facts[0];
        assert_eq!(f.dossier_code, code);
        assert_eq!(f.procedure_code.as_deref(), Some("1.001193"));
        assert_eq!(f.received_on.as_deref(), Some("2026-12-07"));
        assert_eq!(f.resolved_on.as_deref(), Some("2026-12-08"));
        assert!(f.reused && f.result && !f.digitized);
        before.checkpoint.root
    };
    assert_eq!(user_version(&path), SCHEMA_VERSION as i32);
    // Reopening (now read-only) sees the migrated register, still clean.
    let reg = Register::open_read_only(&path).unwrap();
    clean(&reg);
    assert_eq!(
        reg.checkpoint_at(5).unwrap().unwrap().checkpoint.root,
        old_root
    );
}

#[test]
fn malformed_facts_and_false_reuse_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture_copy(dir.path());
    let mut reg = Register::open(&path).unwrap();
    let h = sha256_bytes(b"x");
    let bad_date = NewEntry::new(EntryKind::Dossier, h).with_received_on("2026-13-01");
    let bad_role = NewEntry::new(EntryKind::Dossier, h).with_role(Role::Copy);
    // Entry 1 is another file: pointing a reuse at it is a lie.
    let false_reuse = NewEntry::new(EntryKind::Dossier, h).reusing(1);
    let mut role_without_reuse = NewEntry::new(EntryKind::Dossier, h);
    role_without_reuse
        .extra
        .insert("role".into(), "reused".into());
    for e in [bad_date, bad_role, false_reuse, role_without_reuse] {
        let err = reg.append(e).unwrap_err();
        assert!(
            matches!(err, RegisterError::InvalidEntry(InvalidEntry::Fact(_))),
            "{err:?}"
        );
    }
    assert_eq!(reg.size().unwrap(), 5);
    clean(&reg);
}

#[test]
fn an_edited_facts_row_is_an_audit_finding() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture_copy(dir.path());
    drop(Register::open(&path).unwrap());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP TRIGGER entry_facts_append_only_update;
             UPDATE entry_facts SET role = 'result' WHERE seq = 1;",
        )
        .unwrap();
    }
    let reg = Register::open_read_only(&path).unwrap();
    let report = reg.audit(&AuditOptions::default()).unwrap();
    assert_eq!(report.findings, vec![Finding::FactsMismatch { seq: 1 }]);
}

/// A version-2 register (before cosignatures) stays readable read-only — a kiosk or
/// `hoso serve` after an upgrade — and is migrated to version 3 by the next read-write open.
#[test]
fn version_2_register_is_read_read_only_and_migrated_on_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture_copy(dir.path());
    drop(Register::open(&path).unwrap());
    {
        // Back to what a version-2 hoso wrote: no cosignatures table.
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "DROP TRIGGER cosignatures_of_a_checkpoint;
             DROP TRIGGER cosignatures_append_only_update;
             DROP TRIGGER cosignatures_append_only_delete;
             DROP TABLE cosignatures;
             PRAGMA user_version = 2;",
        )
        .unwrap();
    }
    assert_eq!(user_version(&path), 2);
    let mut reg = Register::open_read_only(&path).unwrap();
    let w = hoso_register::witness::WitnessKey::from_seed("tinh.example/w1", &[3; 32]).unwrap();
    reg.set_witnesses(vec![w.verifier()]);
    clean(&reg);
    let first = reg.entry(0).unwrap().unwrap();
    let found = reg.lookup_sha256(&first.sha256).unwrap();
    assert!(found[0].status.verified());
    assert_eq!(found[0].status.witnesses, 0);
    assert_eq!(reg.last_cosigned_size("tinh.example/w1").unwrap(), 0);
    drop(reg);
    drop(Register::open(&path).unwrap());
    assert_eq!(user_version(&path), SCHEMA_VERSION as i32);
}
