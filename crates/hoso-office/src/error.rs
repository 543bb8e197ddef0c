//! The flows' error: each variant wraps the lower crate's typed error, so a shell can explain it.

use std::path::PathBuf;

/// Why a flow stopped. After any of these, the flow's output either does not exist or (for
/// [`OfficeError::NotRegistered`]) exists and says so.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OfficeError {
    /// The configuration could not be read.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// The key could not be opened.
    #[error(transparent)]
    Key(#[from] crate::keys::KeyError),
    /// The search index failed.
    #[error("chỉ mục tìm kiếm / search index: {0}")]
    Search(#[from] hoso_dossier::SearchError),
    /// The dossier could not be built.
    #[error(transparent)]
    Dossier(#[from] hoso_dossier::DossierError),
    /// Signing failed; the original is untouched and no output was written.
    #[error("{}", crate::sign::explain(.0))]
    Sign(#[from] hoso_sign::sign::SignError),
    /// The batch could not be planned (an input folder cannot be read).
    #[error("không lập được danh sách tệp / cannot plan the batch: {0}")]
    Plan(#[from] hoso_sign::batch::BatchPlanError),
    /// Extending failed; the file is unchanged.
    #[error("{}", crate::extend::explain(.0))]
    Extend(#[from] hoso_sign::ltv::LtvError),
    /// The certified copy was not made; no file and no copy number were used.
    #[error(transparent)]
    Copy(#[from] crate::copy::CopyError),
    /// A visible appearance could not be drawn.
    #[error(transparent)]
    Stamp(#[from] hoso_stamp::StampError),
    /// A trusted root cannot be read.
    #[error("chứng thư gốc không dùng được: {0} / a trusted root cannot be used")]
    Trust(#[from] hoso_sign::chain::TrustStoreError),
    /// The register refused or failed.
    #[error("sổ đăng ký / register: {0}")]
    Register(#[from] hoso_register::RegisterError),
    /// A witness refused a tree head, or its state failed.
    #[error("nhân chứng / witness: {0}")]
    Witness(#[from] hoso_register::witness::WitnessError),
    /// The output was written but could not be registered.
    #[error("đã ghi {path} nhưng không ghi được vào sổ đăng ký: {source} / {path} was written but could not be registered")]
    NotRegistered {
        /// The written file.
        path: PathBuf,
        /// Why.
        source: Box<OfficeError>,
    },
    /// A level above B-B needs a timestamp server.
    #[error("{level} cần địa chỉ TSA (--tsa hoặc Cài đặt) / {level} needs a TSA URL (--tsa or Settings)")]
    NoTsa {
        /// The level asked for.
        level: &'static str,
    },
    /// The TSA's certificate cannot be checked: no trusted roots.
    #[error("cần gốc tin cậy (--tsa-trust, Cài đặt hoặc --demo) để kiểm tra chứng thư TSA / trust roots (--tsa-trust, Settings or --demo) are needed to check the TSA certificate")]
    NoTsaTrust,
    /// A setting the flow needs is missing.
    #[error("chưa có {0} trong Cài đặt / {0} is not set in Settings")]
    MissingSetting(&'static str),
    /// A file cannot be read.
    #[error("không đọc được {path}: {source} / cannot read the file")]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A folder cannot be created.
    #[error("không tạo được thư mục {path}: {source} / cannot create the folder")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// `--extra` is not JSON.
    #[error("thông tin khác không phải JSON: {0} / the extra metadata is not JSON")]
    ExtraNotJson(#[source] serde_json::Error),
    /// `--extra` is JSON but not an object.
    #[error("thông tin khác phải là đối tượng JSON / the extra metadata must be a JSON object")]
    ExtraNotObject,
    /// A hand-made copy entry without its copy form.
    #[error("bản sao cần hình thức sao (--copy-form) / a copy needs its copy form (--copy-form)")]
    CopyFormMissing,
    /// A copy form given for an entry that is not a copy.
    #[error("hình thức sao chỉ dùng cho bản sao (--kind copy) / a copy form goes only with a copy (--kind copy)")]
    CopyFormNotACopy,
    /// A typed hash is not 64 hex digits.
    #[error("mã băm SHA-256 phải là 64 chữ số hex / a SHA-256 must be 64 hex digits")]
    BadSha256,
    /// A verifier key cannot be read.
    #[error("khóa kiểm tra không đọc được: {0} / the verifier key cannot be read")]
    BadVerifierKey(#[source] hoso_register::note::NoteError),
    /// The file could not be verified at all (not a readable PDF).
    #[error("không kiểm tra được {path}: {source} / cannot verify the file")]
    Verify {
        /// The file.
        path: PathBuf,
        /// Why.
        source: hoso_sign::verify::VerifyError,
    },
    /// The text is not a hoso QR payload.
    #[error("mã QR không đúng dạng HS1:…: {0} / not a hoso QR payload")]
    BadQr(#[source] hoso_register::qr::QrError),
    /// No register exists yet at the configured place.
    #[error("chưa có sổ đăng ký tại {0} / no register at this path yet")]
    NoRegister(PathBuf),
    /// A file (a report, a step's output, a saved copy) could not be written; nothing was left
    /// behind.
    #[error("không ghi được {path}: {source} / cannot write the file")]
    Write {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// An ETSI validation report needs at least one signature.
    #[error("tệp không có chữ ký: không có gì để lập báo cáo ETSI / the file has no signature: no ETSI report to write")]
    NoSignaturesToReport,
    /// The scanner refused or failed (the officer's words).
    #[error("{}", .0.officer_message())]
    Scan(#[from] hoso_scan::ScanError),
    /// A backup could not be made, checked or restored.
    #[error(transparent)]
    Backup(#[from] crate::backup::BackupError),
    /// An E-ARK package could not be written or read.
    #[error(transparent)]
    Eark(#[from] crate::eark::EarkError),
    /// A report could not be made.
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    /// The person cancelled; nothing was written or registered.
    #[error("đã hủy, không tạo tệp / cancelled, nothing written")]
    Cancelled,
}

impl OfficeError {
    /// Whether the person cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(
            self,
            OfficeError::Cancelled | OfficeError::Dossier(hoso_dossier::DossierError::Cancelled)
        )
    }
}
