//! Checking the register as a whole: the audit (recompute the tree, check every signed tree
//! head, the copy-number series), the self-contained bundle an auditor takes away, the check of
//! such a bundle, and the words for each finding (Vietnamese first, English second) that both
//! shells print.

use std::path::{Path, PathBuf};

use hoso_register::{AuditOptions, AuditReport, ExportSummary, Finding, Register, VerifierKey};

use crate::error::OfficeError;

/// Audits `reg`, also against checkpoint notes kept elsewhere (files), optionally skipping
/// SQLite's own integrity check.
pub fn audit(
    reg: &Register,
    known_checkpoints: &[PathBuf],
    skip_integrity_check: bool,
) -> Result<AuditReport, OfficeError> {
    let known = known_checkpoints
        .iter()
        .map(|f| {
            std::fs::read_to_string(f).map_err(|source| OfficeError::Read {
                path: f.clone(),
                source,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(reg.audit(&AuditOptions {
        known_checkpoints: known,
        skip_integrity_check,
    })?)
}

/// An exported bundle.
#[derive(Debug, Clone)]
pub struct Exported {
    /// What was written.
    pub summary: ExportSummary,
    /// The station's verifier key, to compare with an independent copy.
    pub vkey: String,
}

/// Writes the self-contained audit bundle of `reg` into `dir`.
///
/// A register whose key is not the pinned one is not exported: its bundle would carry the
/// other key for auditors to trust.
pub fn export(reg: &Register, dir: &Path) -> Result<Exported, OfficeError> {
    reg.check_pin()?;
    let summary = reg.export_bundle(dir)?;
    Ok(Exported {
        summary,
        vkey: reg.verifier().to_string(),
    })
}

/// Checks an exported bundle, against `vkey` (name+id+base64) when given; without it the key
/// comes from the bundle itself.
pub fn verify_bundle(dir: &Path, vkey: Option<&str>) -> Result<AuditReport, OfficeError> {
    let trusted = vkey
        .map(VerifierKey::parse)
        .transpose()
        .map_err(OfficeError::BadVerifierKey)?;
    Ok(hoso_register::verify_bundle(dir, trusted.as_ref())?)
}

/// One finding in words, Vietnamese first, English second.
pub fn describe(f: &Finding) -> String {
    match f {
        Finding::Integrity { message } => {
            format!("SQLite báo hỏng / SQLite integrity: {message}")
        }
        Finding::UnreadableEntry { seq, reason } => {
            format!("mục {seq} không đọc được / entry {seq} unreadable: {reason}")
        }
        Finding::SequenceGap { expected, found } => format!(
            "thiếu mục từ {expected} (gặp {found}) / entries missing from {expected} (found {found})"
        ),
        Finding::LeafMismatch { seq } => format!(
            "mục {seq} đã bị sửa (mã băm lá không khớp) / entry {seq} was edited (leaf hash differs)"
        ),
        Finding::NodeMismatch { level, index, first_seq } => format!(
            "nút cây {level}/{index} (từ mục {first_seq}) không khớp / tree node {level}/{index} (from entry {first_seq}) differs"
        ),
        Finding::NodeMissing { level, index, first_seq } => format!(
            "thiếu nút cây {level}/{index} (từ mục {first_seq}) / tree node {level}/{index} (from entry {first_seq}) missing"
        ),
        Finding::CheckpointSignature { size, reason } => format!(
            "chữ ký điểm kiểm tra {size} không hợp lệ / checkpoint {size} signature invalid: {reason}"
        ),
        Finding::CheckpointColumns { size } => format!(
            "điểm kiểm tra {size} khác nội dung đã ký / checkpoint {size} columns differ from its signed note"
        ),
        Finding::CheckpointMismatch { size, first_seq } => format!(
            "gốc tính lại khác gốc đã ký ở kích thước {size}: có mục từ {first_seq} đến {} bị thay đổi / recomputed root differs from the signed one at size {size}: an entry in {first_seq}..{} changed",
            size.saturating_sub(1),
            size.saturating_sub(1)
        ),
        Finding::CheckpointBeyondEntries { size, entries } => format!(
            "điểm kiểm tra {size} vượt số mục ({entries}): mục đã bị xóa / checkpoint {size} covers more than the {entries} entries: entries were removed"
        ),
        Finding::EntriesWithoutCheckpoint { first_seq, count } => format!(
            "{count} mục từ {first_seq} không có điểm kiểm tra: bị chèn ngoài phần mềm / {count} entries from {first_seq} have no checkpoint: inserted by hand"
        ),
        Finding::CopyNumberDuplicate { org, year, number, seq } => format!(
            "số bản sao {number}/{org}/{year} dùng hai lần (mục {seq}) / copy number used twice (entry {seq})"
        ),
        Finding::CopyNumberGap { org, year, missing, counter, .. } => format!(
            "số bản sao {org}/{year} thiếu số {missing} (bộ đếm {counter}) / copy numbers skip {missing} (counter {counter})"
        ),
        Finding::UntrustedKey { found } => format!(
            "khóa trạm không phải khóa tin cậy / station key is not the trusted key: {found}"
        ),
        Finding::FactsMismatch { seq } => format!(
            "mục {seq}: dữ liệu báo cáo khác với mục đã ghi (bị sửa ngoài phần mềm) / entry {seq}: report facts differ from the entry (edited by hand)"
        ),
        Finding::ConflictingCheckpoints { size } => format!(
            "hai điểm kiểm tra hợp lệ khác nhau cho kích thước {size}: sổ đã bị quay lui và ghi lại, hoặc rẽ nhánh / two validly signed checkpoints of size {size} differ: the register was rolled back and rewritten, or forked"
        ),
        Finding::PinnedKeyMismatch { pinned, found } => format!(
            "khóa của sổ khác khóa đã ghim: sổ có thể đã bị dựng lại bằng khóa khác (ghim {pinned}, sổ {found}) / the register's key is not the pinned key: it may have been rebuilt with another key (pinned {pinned}, register {found})"
        ),
        Finding::BundleFormat { file, line, message } => {
            format!("{file}:{line}: {message}")
        }
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::append::{append_file, AppendKind, AppendRequest};
    use crate::register::lookup::open_read_only;
    use crate::register::tests::config;

    #[test]
    fn audit_export_and_bundle_check_agree_and_a_wrong_key_is_found() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = config(dir.path());
        let file = dir.path().join("a.pdf");
        std::fs::write(&file, b"%PDF-1.7 a").expect("write");
        let req = AppendRequest {
            kind: AppendKind::Dossier,
            dossier_code: None,
            title: None,
            signer_fingerprint: None,
            extra_json: None,
        };
        append_file(&cfg, &file, req).expect("append");
        let reg = open_read_only(&cfg).expect("open");
        let note = dir.path().join("checkpoint.txt");
        std::fs::write(
            &note,
            reg.latest_checkpoint().expect("cp").expect("one").note,
        )
        .expect("write note");
        let report = audit(&reg, std::slice::from_ref(&note), false).expect("audit");
        assert!(report.is_clean(), "{report:?}");
        assert!(matches!(
            audit(&reg, &[dir.path().join("none.txt")], true),
            Err(OfficeError::Read { .. })
        ));
        let out = dir.path().join("bundle");
        let exported = export(&reg, &out).expect("export");
        assert_eq!(exported.summary.entries, 1);
        let checked = verify_bundle(&out, Some(&exported.vkey)).expect("bundle");
        assert!(checked.is_clean(), "{checked:?}");
        assert!(matches!(
            verify_bundle(&out, Some("garbage")),
            Err(OfficeError::BadVerifierKey(_))
        ));
        // Another register's key: the bundle is not the trusted station's.
        let other_dir = tempfile::tempdir().expect("tempdir");
        let other_cfg = config(other_dir.path());
        append_file(
            &other_cfg,
            &file,
            AppendRequest {
                kind: AppendKind::Other,
                dossier_code: None,
                title: None,
                signer_fingerprint: None,
                extra_json: None,
            },
        )
        .expect("append");
        let other_key = open_read_only(&other_cfg)
            .expect("open")
            .verifier()
            .to_string();
        let wrong = verify_bundle(&out, Some(&other_key)).expect("bundle");
        assert!(!wrong.is_clean());
        assert!(
            wrong
                .findings
                .iter()
                .any(|f| describe(f).starts_with("khóa trạm không phải khóa tin cậy")),
            "{wrong:?}"
        );
    }
}
