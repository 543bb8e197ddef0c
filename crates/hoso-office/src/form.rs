//! The dossier form a person fills in (the app's Số hóa screen) and its translation into a
//! [`BuildRequest`]. Every check is the dossier library's own (`DossierCode::from_str`,
//! `Retention::from_str`, `DossierMetadata::validate`, `DocumentMetadata::validate`); this module
//! says which field each problem belongs to, so a shell can show it next to that field.
//!
//! The form names its page files by a handle `S` of the shell's choosing (the app's session ids);
//! the shell resolves each handle to a path, or says why it cannot.

use std::collections::BTreeMap;
use std::path::PathBuf;

use hoso_dossier::{DossierCode, DossierError};
use serde::{Deserialize, Serialize};

use crate::build::{
    AccessRegime, BuildRequest, DocumentMetadata, DocumentSpec, DossierMetadata, DossierSpec,
    MetadataError, Retention, DEFAULT_OCR_LANGUAGES,
};

/// The dossier fields (Circular 01/2018 code, title, Circular 05/2025 metadata).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(
    default,
    deny_unknown_fields,
    bound(deserialize = "S: Deserialize<'de> + Ord + Default")
)]
pub struct DossierForm<S: Ord = PathBuf> {
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
    /// "Số lượng tờ"; empty means not given.
    pub sheet_count: String,
    /// "Ký hiệu thông tin".
    pub information_symbol: String,
    /// "Mã hồ sơ gốc giấy".
    pub paper_dossier_code: String,
    /// "Chế độ dự phòng".
    pub backup_mode: Option<crate::build::BackupMode>,
    /// "Tình trạng dự phòng".
    pub backup_status: Option<crate::build::BackupStatus>,
    /// The documents, in order.
    pub documents: Vec<DocumentForm<S>>,
    /// Quarter turns clockwise (90, 180, 270) by page file.
    pub rotate: BTreeMap<S, u16>,
}

/// One document of the dossier.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(
    default,
    deny_unknown_fields,
    bound(deserialize = "S: Deserialize<'de> + Default")
)]
pub struct DocumentForm<S = PathBuf> {
    /// Name in the outline.
    pub name: String,
    /// Page files, in page order.
    pub sources: Vec<S>,
    /// "Tên loại văn bản".
    pub doc_type: String,
    /// "Ngày, tháng, năm văn bản" (YYYY-MM-DD).
    pub date: String,
    /// "Cơ quan ban hành".
    pub issuer: String,
}

/// One form field the person must correct, shown next to that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// The field's id in the form: `code`, `title`, `end_date`, `doc.1.date`, …
    pub field: String,
    /// What is wrong, Vietnamese first.
    pub message: String,
}

/// The Số hóa switches: "Làm sạch trang" and "Nhận dạng chữ (OCR)".
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(default)]
pub struct BuildChoices {
    /// Clean JPEG and PNG pages (deskew, crop, upright, drop blank backs).
    pub clean: bool,
    /// Add the OCR text layer (two-layer PDF/A, Circular 05/2025); on by default.
    pub ocr: bool,
}

impl Default for BuildChoices {
    fn default() -> Self {
        Self {
            clean: false,
            ocr: true,
        }
    }
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
        MetadataError::SheetCount => "sheet_count",
        _ => "metadata",
    }
}

/// The problems found so far.
#[derive(Default)]
struct Problems(Vec<FieldProblem>);

impl Problems {
    fn push(&mut self, field: impl Into<String>, message: impl ToString) {
        self.0.push(FieldProblem {
            field: field.into(),
            message: message.to_string(),
        });
    }
}

impl<S: Ord> DossierForm<S> {
    /// The spec to build, or every field that needs correcting. `resolve` gives the path of a
    /// page file, or why there is none.
    pub fn to_spec(
        &self,
        resolve: impl Fn(&S) -> Result<PathBuf, String>,
    ) -> Result<DossierSpec, Vec<FieldProblem>> {
        let mut problems = Problems::default();
        let code = self
            .code
            .parse::<DossierCode>()
            .map_err(|e| problems.push("code", e))
            .ok();
        if self.title.trim().is_empty() {
            problems.push("title", DossierError::MissingTitle);
        }
        let metadata = self.metadata(&mut problems);
        let documents: Vec<DocumentSpec> = (self.documents.iter().enumerate())
            .map(|(i, d)| d.to_spec(i + 1, &resolve, &mut problems))
            .collect();
        if documents.is_empty() {
            problems.push("documents", DossierError::NoDocuments);
        }
        match code {
            Some(code) if problems.0.is_empty() => Ok(DossierSpec {
                code,
                title: self.title.trim().to_owned(),
                metadata,
                documents,
            }),
            _ => Err(problems.0),
        }
    }

    /// The build request for this form with the person's switches (written to the workspace).
    pub fn to_request(
        &self,
        choices: BuildChoices,
        resolve: impl Fn(&S) -> Result<PathBuf, String>,
    ) -> Result<BuildRequest, Vec<FieldProblem>> {
        let mut req = BuildRequest::new(self.to_spec(&resolve)?);
        req.rotate = self.rotations(&resolve);
        req.clean = choices.clean;
        req.ocr = choices.ocr.then(|| DEFAULT_OCR_LANGUAGES.to_owned());
        Ok(req)
    }

    /// The quarter turns, by file path, for [`BuildRequest::rotate`].
    pub fn rotations(
        &self,
        resolve: impl Fn(&S) -> Result<PathBuf, String>,
    ) -> BTreeMap<PathBuf, u16> {
        self.rotate
            .iter()
            .filter(|(_, deg)| **deg % 360 != 0)
            .filter_map(|(s, deg)| resolve(s).ok().map(|p| (p, *deg % 360)))
            .collect()
    }

    /// The dossier's metadata; each shaped field is checked alone, so every wrong one is
    /// flagged, then the whole (date order).
    fn metadata(&self, problems: &mut Problems) -> DossierMetadata {
        let retention = opt(&self.retention).and_then(|r| {
            r.parse::<Retention>()
                .map_err(|e| problems.push("retention", e))
                .ok()
        });
        let metadata = DossierMetadata {
            archival_code: opt(&self.archival_code),
            retention,
            access: self.access,
            language: opt(&self.language),
            start_date: opt(&self.start_date),
            end_date: opt(&self.end_date),
            keywords: self.keywords.split(',').filter_map(opt).collect(),
            sheet_count: opt(&self.sheet_count).and_then(|n| {
                n.parse::<u32>()
                    .map_err(|_| problems.push("sheet_count", MetadataError::SheetCount))
                    .ok()
            }),
            information_symbol: opt(&self.information_symbol),
            paper_dossier_code: opt(&self.paper_dossier_code),
            backup_mode: self.backup_mode,
            backup_status: self.backup_status,
            ..Default::default()
        };
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
        for e in alone.iter().filter_map(|m| m.validate().err()) {
            shaped_ok = false;
            problems.push(metadata_field(&e), e);
        }
        if let Some(e) = metadata.validate().err().filter(|_| shaped_ok) {
            problems.push(metadata_field(&e), e);
        }
        metadata
    }
}

impl<S> DocumentForm<S> {
    /// Document `n` (1-based) as the dossier library takes it; its problems go to `problems`.
    fn to_spec(
        &self,
        n: usize,
        resolve: impl Fn(&S) -> Result<PathBuf, String>,
        problems: &mut Problems,
    ) -> DocumentSpec {
        let name = opt(&self.name).unwrap_or_else(|| format!("Tài liệu {n}"));
        let metadata = DocumentMetadata {
            doc_type: opt(&self.doc_type),
            date: opt(&self.date),
            issuer: opt(&self.issuer),
            ..Default::default()
        };
        if let Err(e) = metadata.validate() {
            problems.push(format!("doc.{n}.{}", metadata_field(&e)), e);
        }
        let mut files = Vec::with_capacity(self.sources.len());
        for s in &self.sources {
            match resolve(s) {
                Ok(p) => files.push(p),
                Err(why) => problems.push(format!("doc.{n}.sources"), why),
            }
        }
        if self.sources.is_empty() {
            problems.push(
                format!("doc.{n}.sources"),
                DossierError::EmptyDocument(name.clone()),
            );
        }
        DocumentSpec {
            name,
            files,
            metadata,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Handle 1 is the one page file there is.
    fn resolve(id: &u64) -> Result<PathBuf, String> {
        match id {
            1 => Ok(PathBuf::from("/quet/to_khai.jpg")),
            n => Err(format!("không có tệp số {n} / no file {n}")),
        }
    }

    fn fields(p: &[FieldProblem]) -> Vec<&str> {
        p.iter().map(|p| p.field.as_str()).collect()
    }

    #[test]
    fn every_wrong_field_is_named() {
        let form = DossierForm::<u64> {
            code: "000.00.15.H12-261329-0001".into(),
            title: " ".into(),
            retention: "mãi mãi".into(),
            start_date: "2026-02-30".into(),
            archival_code: "H12.2026".into(),
            language: "VIE".into(),
            documents: vec![
                DocumentForm {
                    sources: vec![],
                    date: "hôm qua".into(),
                    ..Default::default()
                },
                DocumentForm {
                    sources: vec![7],
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let p = form.to_spec(resolve).unwrap_err();
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
                "doc.1.sources",
                "doc.2.sources"
            ]
        );
        assert!(p[0].message.contains("YYMMDD"), "{}", p[0].message);
        assert!(p[8].message.contains("số 7"), "{}", p[8].message);
    }

    #[test]
    fn date_order_is_flagged_on_the_end_date() {
        let form = DossierForm::<u64> {
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
        assert_eq!(fields(&form.to_spec(resolve).unwrap_err()), ["end_date"]);
    }

    #[test]
    fn a_good_form_becomes_a_request_with_the_resolved_paths_and_switches() {
        let form: DossierForm<u64> = serde_json::from_value(serde_json::json!({
            "code": "000.00.15.H12-261129-0001",
            "title": "Khai sinh",
            "retention": "10 năm",
            "keywords": "khai sinh, , hộ tịch",
            "documents": [{"name": "Tờ khai", "sources": [1]}],
            "rotate": {"1": 450, "2": 90}
        }))
        .unwrap();
        let choices = BuildChoices {
            clean: true,
            ocr: false,
        };
        let req = form.to_request(choices, resolve).unwrap();
        assert_eq!(req.spec.metadata.retention, Some(Retention::Years(10)));
        assert_eq!(req.spec.metadata.keywords, ["khai sinh", "hộ tịch"]);
        assert_eq!(req.spec.documents[0].name, "Tờ khai");
        let page = PathBuf::from("/quet/to_khai.jpg");
        assert_eq!(req.spec.documents[0].files, std::slice::from_ref(&page));
        assert_eq!(req.rotate, BTreeMap::from([(page, 90)]));
        assert!(req.clean);
        assert_eq!(req.ocr, None);
        assert!(BuildChoices::default().ocr);
    }

    #[test]
    fn unknown_fields_are_refused() {
        let r = serde_json::from_value::<DossierForm<u64>>(serde_json::json!({"cod": "x"}));
        assert!(r.is_err());
    }
}
