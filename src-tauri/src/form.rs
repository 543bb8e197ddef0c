//! The Số hóa form as the page sends it, and its translation into a `hoso_dossier::DossierSpec`.
//! Every check is the library's own (`DossierCode::from_str`, `Retention::from_str`,
//! `DossierMetadata::validate`, `DocumentMetadata::validate`); this module only says which field
//! each problem belongs to, so the page can show it next to that field.

use hoso_dossier::{
    AccessRegime, DocumentMetadata, DocumentSpec, DossierCode, DossierMetadata, DossierSpec,
    MetadataError, Retention,
};
use serde::Deserialize;

use crate::error::FieldProblem;
use crate::state::Session;
use std::path::PathBuf;

/// The dossier fields (Circular 01/2018 code, title, Circular 05/2025 metadata).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DossierForm {
    /// "Mã hồ sơ".
    pub code: String,
    /// "Tiêu đề hồ sơ".
    pub title: String,
    /// "Thời hạn bảo quản": `vĩnh viễn` or a number of years; empty means not given.
    pub retention: String,
    /// "Chế độ sử dụng".
    pub access: AccessRegime,
    /// "Mã lưu trữ hồ sơ".
    pub archival_code: String,
    /// "Thời gian bắt đầu" (YYYY-MM-DD).
    pub start_date: String,
    /// "Thời gian kết thúc" (YYYY-MM-DD).
    pub end_date: String,
    /// "Từ khóa", comma-separated.
    pub keywords: String,
    /// "Ngôn ngữ" (ISO 639-1).
    pub language: String,
    /// The documents, in order.
    pub documents: Vec<DocumentForm>,
    /// Quarter turns clockwise (90, 180, 270) by imported file id.
    pub rotate: std::collections::BTreeMap<u64, u16>,
}

/// One document of the dossier.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DocumentForm {
    /// Name in the outline.
    pub name: String,
    /// Imported files (session ids), in page order.
    pub sources: Vec<u64>,
    /// "Tên loại văn bản".
    pub doc_type: String,
    /// "Ngày, tháng, năm văn bản" (YYYY-MM-DD).
    pub date: String,
    /// "Cơ quan ban hành".
    pub issuer: String,
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

fn metadata_field(e: &MetadataError) -> &'static str {
    match e {
        MetadataError::Retention(_) => "retention",
        MetadataError::Date { field, .. } => field,
        MetadataError::DateOrder { .. } => "end_date",
        MetadataError::ArchivalCode(_) => "archival_code",
        MetadataError::Language(_) => "language",
        _ => "metadata",
    }
}

impl DossierForm {
    /// The spec to build, or every field that needs correcting.
    pub fn to_spec(&self, session: &Session) -> Result<DossierSpec, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let mut push =
            |field: String, message: String| problems.push(FieldProblem { field, message });
        let code = self
            .code
            .parse::<DossierCode>()
            .map_err(|e| push("code".into(), e.to_string()))
            .ok();
        if self.title.trim().is_empty() {
            push(
                "title".into(),
                hoso_dossier::DossierError::MissingTitle.to_string(),
            );
        }
        let retention = match opt(&self.retention) {
            None => None,
            Some(r) => r
                .parse::<Retention>()
                .map_err(|e| push("retention".into(), e.to_string()))
                .ok(),
        };
        let metadata = DossierMetadata {
            archival_code: opt(&self.archival_code),
            retention,
            access: self.access,
            language: opt(&self.language),
            start_date: opt(&self.start_date),
            end_date: opt(&self.end_date),
            keywords: self.keywords.split(',').filter_map(opt).collect(),
            ..Default::default()
        };
        // Each shaped field alone, so every wrong one is flagged, then the whole (date order).
        let alone = [
            DossierMetadata {
                start_date: metadata.start_date.clone(),
                ..Default::default()
            },
            DossierMetadata {
                end_date: metadata.end_date.clone(),
                ..Default::default()
            },
            DossierMetadata {
                archival_code: metadata.archival_code.clone(),
                ..Default::default()
            },
            DossierMetadata {
                language: metadata.language.clone(),
                ..Default::default()
            },
        ];
        let mut shaped_ok = true;
        for m in &alone {
            if let Err(e) = m.validate() {
                shaped_ok = false;
                push(metadata_field(&e).into(), e.to_string());
            }
        }
        if shaped_ok {
            if let Err(e) = metadata.validate() {
                push(metadata_field(&e).into(), e.to_string());
            }
        }
        let mut documents = Vec::with_capacity(self.documents.len());
        for (i, d) in self.documents.iter().enumerate() {
            let n = i + 1;
            let name = opt(&d.name).unwrap_or_else(|| format!("Tài liệu {n}"));
            let dm = DocumentMetadata {
                doc_type: opt(&d.doc_type),
                date: opt(&d.date),
                issuer: opt(&d.issuer),
                ..Default::default()
            };
            if let Err(e) = dm.validate() {
                push(format!("doc.{n}.{}", metadata_field(&e)), e.to_string());
            }
            let mut files = Vec::with_capacity(d.sources.len());
            for id in &d.sources {
                match session.source(*id) {
                    Some(s) => files.push(s.path),
                    None => push(
                        format!("doc.{n}.sources"),
                        crate::error::AppError::UnknownSource(*id).to_string(),
                    ),
                }
            }
            if d.sources.is_empty() {
                push(
                    format!("doc.{n}.sources"),
                    hoso_dossier::DossierError::EmptyDocument(name.clone()).to_string(),
                );
            }
            documents.push(DocumentSpec {
                name,
                files,
                metadata: dm,
            });
        }
        if documents.is_empty() {
            push(
                "documents".into(),
                hoso_dossier::DossierError::NoDocuments.to_string(),
            );
        }
        match code {
            Some(code) if problems.is_empty() => Ok(DossierSpec {
                code,
                title: self.title.trim().to_owned(),
                metadata,
                documents,
            }),
            _ => Err(problems),
        }
    }
}

impl DossierForm {
    /// The officer's quarter turns, by file path, for [`hoso_dossier::BuildOptions::rotate`].
    pub fn rotations(&self, session: &Session) -> std::collections::BTreeMap<PathBuf, u16> {
        self.rotate
            .iter()
            .filter(|(_, deg)| **deg % 360 != 0)
            .filter_map(|(id, deg)| session.source(*id).map(|s| (s.path, *deg % 360)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Mode;
    use std::path::Path;

    fn session() -> Session {
        let s = Session::new(
            Mode::Officer,
            std::env::temp_dir(),
            std::time::SystemTime::now(),
            60,
        );
        let jpg = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/to_khai_a4_200dpi.jpg");
        s.import(&[jpg]);
        s
    }

    fn fields(p: &[FieldProblem]) -> Vec<&str> {
        p.iter().map(|p| p.field.as_str()).collect()
    }

    #[test]
    fn every_wrong_field_is_named() {
        let form = DossierForm {
            code: "000.00.15.H12-261329-0001".into(),
            title: " ".into(),
            retention: "mãi mãi".into(),
            start_date: "2026-02-30".into(),
            archival_code: "H12.2026".into(),
            language: "VIE".into(),
            documents: vec![DocumentForm {
                sources: vec![],
                date: "hôm qua".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let p = form.to_spec(&session()).unwrap_err();
        assert_eq!(
            fields(&p),
            [
                "code",
                "title",
                "retention",
                "start_date",
                "archival_code",
                "language",
                "doc.1.date",
                "doc.1.sources"
            ]
        );
        assert!(p[0].message.contains("YYMMDD"), "{}", p[0].message);
    }

    #[test]
    fn date_order_is_flagged_on_the_end_date() {
        let form = DossierForm {
            code: "000.00.15.H12-261129-0001".into(),
            title: "Khai sinh".into(),
            start_date: "2026-11-30".into(),
            end_date: "2026-11-29".into(),
            documents: vec![DocumentForm {
                sources: vec![1],
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(fields(&form.to_spec(&session()).unwrap_err()), ["end_date"]);
    }

    #[test]
    fn a_good_form_becomes_a_spec_with_the_imported_paths() {
        let form = DossierForm {
            code: "000.00.15.H12-261129-0001".into(),
            title: "Khai sinh".into(),
            retention: "10 năm".into(),
            keywords: "khai sinh, , hộ tịch".into(),
            documents: vec![DocumentForm {
                name: "Tờ khai".into(),
                sources: vec![1],
                ..Default::default()
            }],
            ..Default::default()
        };
        let spec = form.to_spec(&session()).unwrap();
        assert_eq!(spec.metadata.retention, Some(Retention::Years(10)));
        assert_eq!(spec.metadata.keywords, ["khai sinh", "hộ tịch"]);
        assert!(spec.documents[0].files[0].ends_with("to_khai_a4_200dpi.jpg"));
    }
}
