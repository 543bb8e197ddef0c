//! `hoso register append`: entering a file hoso did not make (a scan received by e-mail, a
//! copy made elsewhere) by hand, with the same entry fields and copy numbering as the flows.

use std::path::{Path, PathBuf};

use hoso_register::{AppendCopyError, CopyForm, Entry, EntryKind, NewEntry, QrPayload};
use serde::Serialize;

use super::open_register;
use crate::config::Config;
use crate::error::OfficeError;

/// What a hand-made entry says about its file.
#[derive(Debug, Clone)]
pub struct AppendRequest {
    /// The kind of entry; a copy also names its form and organisation (its number is
    /// allocated in the same transaction).
    pub kind: AppendKind,
    /// Dossier code.
    pub dossier_code: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// SHA-256 of the signer's certificate, hex.
    pub signer_fingerprint: Option<String>,
    /// Other metadata: a JSON object, as typed by the person.
    pub extra_json: Option<String>,
}

/// The kind of a hand-made entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppendKind {
    /// A dossier.
    Dossier,
    /// A signed file.
    Signed,
    /// A certified copy, numbered in `org`'s series of `form` for the year.
    Copy {
        /// The organisation's abbreviation, e.g. `UBND`.
        org: String,
        /// Sao y, sao lục or trích sao.
        form: CopyForm,
    },
    /// Anything else.
    Other,
}

impl AppendKind {
    /// The kind a person typed: a copy needs its form (and takes the organisation's
    /// abbreviation `org`); any other kind takes no form.
    pub fn new(
        kind: EntryKind,
        copy_form: Option<CopyForm>,
        org: &str,
    ) -> Result<Self, OfficeError> {
        Ok(match (kind, copy_form) {
            (EntryKind::Copy, Some(form)) => AppendKind::Copy {
                org: org.to_owned(),
                form,
            },
            (EntryKind::Copy, None) => return Err(OfficeError::CopyFormMissing),
            (_, Some(_)) => return Err(OfficeError::CopyFormNotACopy),
            (EntryKind::Dossier, None) => AppendKind::Dossier,
            (EntryKind::Signed, None) => AppendKind::Signed,
            (EntryKind::Other, None) => AppendKind::Other,
        })
    }
}

/// A hand-made entry, as written.
#[derive(Debug, Clone, Serialize)]
pub struct AppendedEntry {
    /// The entry.
    pub entry: Entry,
    /// Its QR payload.
    pub qr: String,
    /// The signed tree head covering it.
    pub checkpoint: String,
    /// The register file.
    pub register: PathBuf,
}

/// Parses `--extra`: a JSON object, else a typed error.
fn extra_object(
    extra: Option<&str>,
) -> Result<serde_json::Map<String, serde_json::Value>, OfficeError> {
    match extra {
        None => Ok(serde_json::Map::new()),
        Some(s) => {
            match serde_json::from_str::<serde_json::Value>(s).map_err(OfficeError::ExtraNotJson)? {
                serde_json::Value::Object(m) => Ok(m),
                _ => Err(OfficeError::ExtraNotObject),
            }
        }
    }
}

/// Hashes `file` and enters it in the configured register as `request` says.
pub fn append_file(
    config: &Config,
    file: &Path,
    request: AppendRequest,
) -> Result<AppendedEntry, OfficeError> {
    let sha256 = hoso_register::sha256_file(file).map_err(|source| OfficeError::Read {
        path: file.to_path_buf(),
        source,
    })?;
    let kind = match &request.kind {
        AppendKind::Dossier => EntryKind::Dossier,
        AppendKind::Signed => EntryKind::Signed,
        AppendKind::Copy { .. } => EntryKind::Copy,
        AppendKind::Other => EntryKind::Other,
    };
    let entry = NewEntry {
        kind,
        sha256,
        dossier_code: request.dossier_code,
        title: request.title,
        signer_fingerprint: request.signer_fingerprint,
        extra: extra_object(request.extra_json.as_deref())?,
    };
    let mut reg = open_register(config)?;
    let entry = super::mark_reuse(&reg, entry)?;
    let appended = match &request.kind {
        // The file is already made: its hash is known before the number is allocated.
        AppendKind::Copy { org, form } => reg
            .append_copy(org, *form, entry, |_| {
                Ok::<_, std::convert::Infallible>(sha256)
            })
            .map_err(|e| match e {
                AppendCopyError::Register(e) => OfficeError::Register(e),
                AppendCopyError::Sign(never) => match never {},
            })?,
        _ => reg.append(entry)?,
    };
    let entry = appended
        .entries
        .into_iter()
        .next()
        .expect("appending one entry returns that entry");
    Ok(AppendedEntry {
        qr: QrPayload::new(reg.origin(), entry.seq, &entry.sha256).to_string(),
        entry,
        checkpoint: appended.checkpoint.note,
        register: config.register.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::tests::config;

    fn request(kind: AppendKind, extra: Option<&str>) -> AppendRequest {
        AppendRequest {
            kind,
            dossier_code: Some("H01-0001".into()),
            title: Some("Giấy khai sinh".into()),
            signer_fingerprint: None,
            extra_json: extra.map(str::to_owned),
        }
    }

    #[test]
    fn copies_are_numbered_and_other_kinds_are_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = config(dir.path());
        let file = dir.path().join("a.pdf");
        std::fs::write(&file, b"%PDF-1.7 a").expect("write");
        let a = append_file(
            &cfg,
            &file,
            request(AppendKind::Dossier, Some(r#"{"k":1}"#)),
        )
        .expect("dossier");
        assert_eq!(a.entry.kind, EntryKind::Dossier);
        assert!(a.entry.copy.is_none());
        assert_eq!(a.entry.extra, r#"{"k":1}"#);
        assert!(a.qr.starts_with("HS1:"), "{}", a.qr);
        let copy = AppendKind::Copy {
            org: "UBND".into(),
            form: CopyForm::SaoY,
        };
        let c = append_file(&cfg, &file, request(copy, None)).expect("copy");
        assert_eq!(c.entry.seq, 1);
        let number = c.entry.copy.expect("a copy number").to_string();
        assert!(number.contains("UBND"), "{number}");
    }

    #[test]
    fn a_copy_and_only_a_copy_takes_a_copy_form() {
        let sy = Some(CopyForm::SaoY);
        let copy = AppendKind::new(EntryKind::Copy, sy, "UBND").expect("copy");
        assert_eq!(
            copy,
            AppendKind::Copy {
                org: "UBND".into(),
                form: CopyForm::SaoY
            }
        );
        let missing = AppendKind::new(EntryKind::Copy, None, "UBND");
        assert!(matches!(missing, Err(OfficeError::CopyFormMissing)));
        let stray = AppendKind::new(EntryKind::Signed, sy, "");
        assert!(matches!(stray, Err(OfficeError::CopyFormNotACopy)));
        let other = AppendKind::new(EntryKind::Other, None, "").expect("other");
        assert_eq!(other, AppendKind::Other);
    }

    #[test]
    fn extra_must_be_a_json_object() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = config(dir.path());
        let file = dir.path().join("a.pdf");
        std::fs::write(&file, b"%PDF-1.7 a").expect("write");
        let e = append_file(&cfg, &file, request(AppendKind::Other, Some("{not json")));
        assert!(matches!(e, Err(OfficeError::ExtraNotJson(_))), "{e:?}");
        let e = append_file(&cfg, &file, request(AppendKind::Other, Some("[1]")));
        assert!(matches!(e, Err(OfficeError::ExtraNotObject)), "{e:?}");
        assert!(
            !cfg.register.exists()
                || hoso_register::Register::open_read_only(&cfg.register)
                    .and_then(|r| r.entry_count())
                    .expect("count")
                    == 0
        );
    }
}
