//! Archival metadata of Circular 05/2025/TT-BNV (which replaced Circular 02/2019/TT-BNV):
//! dossier-level and document-level fields, validated before a dossier is built.
//! Field names are English in JSON; each doc comment gives the Vietnamese name.

use serde::{Deserialize, Serialize};

/// "Thời hạn bảo quản": permanent or a number of years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Retention {
    /// "Vĩnh viễn".
    Permanent,
    /// "N năm".
    Years(u16),
}

impl std::str::FromStr for Retention {
    type Err = MetadataError;

    /// Accepts `vĩnh viễn` / `vinh vien` / `permanent`, or `10`, `10 năm`, `10 nam`, `10 years`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_lowercase();
        if ["vĩnh viễn", "vinh vien", "vinh-vien", "permanent"].contains(&t.as_str()) {
            return Ok(Retention::Permanent);
        }
        let n = t
            .trim_end_matches("năm")
            .trim_end_matches("nam")
            .trim_end_matches("years")
            .trim_end_matches("year")
            .trim();
        match n.parse::<u16>() {
            Ok(y) if (1..=100).contains(&y) => Ok(Retention::Years(y)),
            _ => Err(MetadataError::Retention(s.into())),
        }
    }
}

/// "Chế độ sử dụng": access regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AccessRegime {
    /// "Công khai".
    #[default]
    Public,
    /// "Hạn chế sử dụng".
    Restricted,
}

/// "Số hóa" (digitized from paper) or "Gốc điện tử" (born digital).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// "Số hóa".
    #[default]
    Digitized,
    /// "Gốc điện tử".
    BornDigital,
}

impl Origin {
    /// The Vietnamese label of Circular 05/2025/TT-BNV: "Số hóa" or "Gốc điện tử".
    pub fn label(self) -> &'static str {
        match self {
            Origin::Digitized => "Số hóa",
            Origin::BornDigital => "Gốc điện tử",
        }
    }
}

/// "Chế độ dự phòng": whether the dossier is kept with a backup copy ("Có" / "Không").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupMode {
    /// "Có": a backup copy is kept.
    Yes,
    /// "Không".
    No,
}

impl BackupMode {
    /// The Vietnamese label: "Có" or "Không".
    pub fn label(self) -> &'static str {
        match self {
            BackupMode::Yes => "Có",
            BackupMode::No => "Không",
        }
    }
}

/// "Tình trạng dự phòng": whether the backup copy exists yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupStatus {
    /// "Đã dự phòng".
    Done,
    /// "Chưa dự phòng".
    NotYet,
}

impl BackupStatus {
    /// The Vietnamese label: "Đã dự phòng" or "Chưa dự phòng".
    pub fn label(self) -> &'static str {
        match self {
            BackupStatus::Done => "Đã dự phòng",
            BackupStatus::NotYet => "Chưa dự phòng",
        }
    }
}

/// Dossier-level metadata ("Thông tin đầu vào của hồ sơ").
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DossierMetadata {
    /// "Mã lưu trữ hồ sơ": `<archive org>.<creating org>.<year>.<submission>.<dossier no.>`.
    pub archival_code: Option<String>,
    /// "Thời hạn bảo quản".
    pub retention: Option<Retention>,
    /// "Chế độ sử dụng".
    pub access: AccessRegime,
    /// "Ngôn ngữ" (ISO 639-1), `vi` by default.
    pub language: Option<String>,
    /// "Thời gian bắt đầu" (YYYY-MM-DD).
    pub start_date: Option<String>,
    /// "Thời gian kết thúc" (YYYY-MM-DD).
    pub end_date: Option<String>,
    /// "Từ khóa".
    pub keywords: Vec<String>,
    /// "Tình trạng vật lý" of the paper originals.
    pub physical_condition: Option<String>,
    /// "Mức độ tin cậy": `original`, `digitized`, `mixed`.
    pub reliability: Option<String>,
    /// "Ghi chú".
    pub notes: Option<String>,
    /// "Số lượng tờ": sheets of paper in the original dossier (a sheet has two pages).
    pub sheet_count: Option<u32>,
    /// "Ký hiệu thông tin": the information symbol of the dossier.
    pub information_symbol: Option<String>,
    /// "Mã hồ sơ gốc giấy": the code of the paper original dossier.
    pub paper_dossier_code: Option<String>,
    /// "Chế độ dự phòng".
    pub backup_mode: Option<BackupMode>,
    /// "Tình trạng dự phòng".
    pub backup_status: Option<BackupStatus>,
}

/// Document-level metadata ("Thông tin đầu vào của tài liệu").
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DocumentMetadata {
    /// "Mã định danh văn bản".
    pub identifier: Option<String>,
    /// "Mã lưu trữ tài liệu" (ends in a 7-digit serial).
    pub archival_code: Option<String>,
    /// "Tên loại văn bản", e.g. "Tờ khai", "Quyết định".
    pub doc_type: Option<String>,
    /// "Số của văn bản".
    pub number: Option<String>,
    /// "Ký hiệu của văn bản", e.g. "QĐ-UBND".
    pub symbol: Option<String>,
    /// "Ngày, tháng, năm văn bản" (YYYY-MM-DD).
    pub date: Option<String>,
    /// "Tên cơ quan, tổ chức ban hành văn bản".
    pub issuer: Option<String>,
    /// "Trích yếu nội dung".
    pub summary: Option<String>,
    /// "Ngôn ngữ".
    pub language: Option<String>,
    /// "Số hóa" or "Gốc điện tử".
    pub origin: Origin,
}

/// A metadata value that cannot be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MetadataError {
    /// Retention period.
    #[error("thời hạn bảo quản \"{0}\" không hợp lệ (\"vĩnh viễn\" hoặc số năm 1–100) / retention must be \"permanent\" or 1–100 years")]
    Retention(String),
    /// A date field.
    #[error("trường {field}: \"{value}\" không phải ngày YYYY-MM-DD / field {field}: not a YYYY-MM-DD date")]
    Date {
        /// Field name.
        field: &'static str,
        /// Value given.
        value: String,
    },
    /// A number of sheets of zero.
    #[error("số lượng tờ phải là số nguyên lớn hơn 0 / the number of sheets must be a whole number above 0")]
    SheetCount,
    /// Start after end.
    #[error(
        "thời gian bắt đầu {start} sau thời gian kết thúc {end} / start date is after end date"
    )]
    DateOrder {
        /// Start.
        start: String,
        /// End.
        end: String,
    },
    /// Archival dossier code shape.
    #[error("mã lưu trữ hồ sơ \"{0}\" phải có 5 phần cách nhau bởi dấu chấm (cơ quan lưu trữ.cơ quan hình thành.năm.mục lục.số hồ sơ) / archival code needs five dot-separated parts")]
    ArchivalCode(String),
    /// Language code.
    #[error("mã ngôn ngữ \"{0}\" không hợp lệ (ví dụ vi, en) / invalid language code")]
    Language(String),
    /// The metadata file is not valid JSON for these fields.
    #[error("tệp siêu dữ liệu không hợp lệ / invalid metadata file: {0}")]
    Json(String),
}

fn check_date(
    field: &'static str,
    v: &Option<String>,
) -> Result<Option<time::Date>, MetadataError> {
    let Some(v) = v else { return Ok(None) };
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(v, fmt)
        .map(Some)
        .map_err(|_| MetadataError::Date {
            field,
            value: v.clone(),
        })
}

fn check_language(v: &Option<String>) -> Result<(), MetadataError> {
    match v {
        Some(l) if !(l.len() == 2 && l.bytes().all(|b| b.is_ascii_lowercase())) => {
            Err(MetadataError::Language(l.clone()))
        }
        _ => Ok(()),
    }
}

impl DossierMetadata {
    /// Checks every field that has a defined shape.
    pub fn validate(&self) -> Result<(), MetadataError> {
        let start = check_date("start_date", &self.start_date)?;
        let end = check_date("end_date", &self.end_date)?;
        if let (Some(s), Some(e)) = (start, end) {
            if s > e {
                return Err(MetadataError::DateOrder {
                    start: s.to_string(),
                    end: e.to_string(),
                });
            }
        }
        if let Some(code) = &self.archival_code {
            let parts: Vec<&str> = code.split('.').collect();
            if parts.len() != 5 || parts.iter().any(|p| p.trim().is_empty()) {
                return Err(MetadataError::ArchivalCode(code.clone()));
            }
        }
        if self.sheet_count == Some(0) {
            return Err(MetadataError::SheetCount);
        }
        check_language(&self.language)
    }
}

impl DocumentMetadata {
    /// Checks every field that has a defined shape.
    pub fn validate(&self) -> Result<(), MetadataError> {
        check_date("date", &self.date)?;
        check_language(&self.language)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_accepts_vietnamese_and_english() {
        assert_eq!(
            "Vĩnh viễn".parse::<Retention>().unwrap(),
            Retention::Permanent
        );
        assert_eq!("10 năm".parse::<Retention>().unwrap(), Retention::Years(10));
        assert_eq!("70".parse::<Retention>().unwrap(), Retention::Years(70));
        assert!("0".parse::<Retention>().is_err());
        assert!("mãi mãi".parse::<Retention>().is_err());
    }

    #[test]
    fn dates_and_codes_are_checked() {
        let mut m = DossierMetadata {
            start_date: Some("2026-11-30".into()),
            end_date: Some("2026-11-29".into()),
            ..Default::default()
        };
        assert!(matches!(m.validate(), Err(MetadataError::DateOrder { .. })));
        m.end_date = Some("2026-13-01".into());
        assert!(matches!(
            m.validate(),
            Err(MetadataError::Date {
                field: "end_date",
                ..
            })
        ));
        m.end_date = None;
        m.archival_code = Some("H12.UBND.2026.01".into());
        assert!(matches!(m.validate(), Err(MetadataError::ArchivalCode(_))));
        m.archival_code = Some("H12.UBND.2026.01.0005".into());
        assert!(m.validate().is_ok());
    }
}
