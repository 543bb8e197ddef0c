//! The one error type every command returns. It reaches the page as
//! `{"kind": "...", "message": "tiếng Việt / English", "problems": [...]}`: `kind` for the code
//! that reacts to it, `message` for the person. Everything the flows report arrives as one
//! [`OfficeError`]; the app adds only what the session itself can get wrong.

use hoso_office::OfficeError;
use serde::ser::SerializeStruct;
use serde::Serialize;

pub use hoso_office::form::FieldProblem;

/// Why a command could not do its work.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The page named a source the session does not hold (removed, or never imported).
    #[error("không tìm thấy tệp số {0} trong phiên làm việc / no imported file with id {0}")]
    UnknownSource(u64),
    /// Thumbnails are drawn for JPEG and PNG only; TIFF and PDF get a labelled placeholder.
    #[error("không có ảnh xem trước cho định dạng {0} / no preview for {0} files")]
    NoPreview(&'static str),
    /// The image could not be decoded for a thumbnail.
    #[error("không tạo được ảnh xem trước cho {path}: {reason} / cannot draw a preview")]
    Preview {
        /// The file.
        path: std::path::PathBuf,
        /// The decoder's words.
        reason: String,
    },
    /// The form has fields to correct; nothing was built.
    #[error("hồ sơ còn {} trường cần sửa / {} fields need correcting", .0.len(), .0.len())]
    Invalid(Vec<FieldProblem>),
    /// The page named a document the session does not hold.
    #[error("không tìm thấy tài liệu số {0} trong phiên làm việc / no document with id {0}")]
    UnknownDocument(u64),
    /// No PKCS#12 file is chosen in the settings.
    #[error(
        "chưa chọn tệp khóa ký (Cài đặt → Chứng thư ký) / no signing key file is set (Settings)"
    )]
    NoSigningKey,
    /// Signing was asked for before the key was unlocked with its PIN.
    #[error("hãy nhập mã PIN để mở khóa ký trước / unlock the signing key with its PIN first")]
    KeyLocked,
    /// The PIN does not open the key.
    #[error("Sai mã PIN; chưa ký tệp nào / wrong PIN; nothing was signed")]
    WrongPin,
    /// No PKCS#11 library is chosen for the token.
    #[error("chưa chọn thư viện PKCS#11 của token (Cài đặt → Thiết bị ký) / no PKCS#11 library is set (Settings)")]
    NoTokenModule,
    /// A flow stopped (build, sign, copy, check, scan, register, settings check); its output
    /// does not exist, or says why it is not registered.
    #[error("{}", office_message(.0))]
    Office(#[source] OfficeError),
    /// The officer cancelled; nothing was written or registered.
    #[error("đã hủy, không tạo tệp / cancelled, nothing written")]
    Cancelled,
    /// A visible signature or a copy needs an image or a name the settings do not have.
    #[error("chưa có {0} trong Cài đặt / {0} is not set in Settings")]
    MissingSetting(&'static str),
    /// "Sao lưu ngay" or "Kiểm tra lại" with no backup folder chosen.
    #[error("chưa chọn thư mục sao lưu (Cài đặt → Sao lưu) / no backup folder is chosen (Settings → Backup)")]
    NoBackupLocation,
    /// A backup folder inside the workspace: the next backup would copy the backups, and it is
    /// not a second medium.
    #[error("thư mục sao lưu nằm trong thư mục làm việc, hãy chọn ổ khác: {0} / the backup folder is inside the workspace; choose another drive")]
    BackupInWorkspace(String),
    /// The settings file cannot be read or written.
    #[error(transparent)]
    Settings(#[from] hoso_office::config::ConfigError),
    /// The working dossier could not be saved to the workspace.
    #[error("không lưu được hồ sơ đang làm: {0} / the dossier in progress could not be saved")]
    Draft(String),
    /// A trích sao's pages are not a page or a range.
    #[error("trang trích sao {0}")]
    BadPages(String),
    /// The system could not open a file or folder.
    #[error("không mở được {0} / cannot open it")]
    Open(String),
    /// A background task stopped without an answer (it panicked).
    #[error("tác vụ nền bị dừng bất thường: {0} / a background task stopped unexpectedly")]
    Background(String),
}

/// The words the app has always used for these flow errors; the flows' own for the rest.
fn office_message(e: &OfficeError) -> String {
    use OfficeError as O;
    match e {
        O::Sign(s) => format!("ký thất bại, không tạo tệp: {s} / signing failed, nothing written"),
        O::Verify { source, .. } => {
            format!("không kiểm tra được tệp: {source} / the file cannot be checked")
        }
        O::Trust(t) => format!(
            "chứng thư gốc trong cài đặt không dùng được: {t} / a trusted root in the settings \
             cannot be used"
        ),
        O::Register(r) => format!("sổ đăng ký: {r} / register error"),
        e => e.to_string(),
    }
}

/// A stable name for the page's code.
fn office_kind(e: &OfficeError) -> &'static str {
    use OfficeError as O;
    match e {
        O::Dossier(_) => "dossier",
        O::Key(_) => "signer",
        O::Stamp(_) => "stamp",
        O::Sign(_) => "sign",
        O::Verify { .. } => "verify",
        O::Trust(_) => "trust",
        O::Register(_) => "register",
        O::NoRegister(_) => "no_register",
        O::BadQr(_) => "bad_qr",
        O::Scan(_) => "scan",
        O::Read { .. } => "read",
        O::Folder { .. } => "workspace",
        _ => "office",
    }
}

impl AppError {
    /// A stable name for the page's code.
    pub fn kind(&self) -> &'static str {
        match self {
            AppError::UnknownSource(_) => "unknown_source",
            AppError::NoPreview(_) => "no_preview",
            AppError::Preview { .. } => "preview",
            AppError::Invalid(_) => "invalid",
            AppError::Background(_) => "background",
            AppError::UnknownDocument(_) => "unknown_document",
            AppError::NoSigningKey => "no_signing_key",
            AppError::KeyLocked => "key_locked",
            AppError::WrongPin => "wrong_pin",
            AppError::NoTokenModule => "no_token_module",
            AppError::Office(e) => office_kind(e),
            AppError::Cancelled => "cancelled",
            AppError::MissingSetting(_) => "missing_setting",
            AppError::Settings(_) => "settings",
            AppError::NoBackupLocation => "no_backup_location",
            AppError::BackupInWorkspace(_) => "backup_in_workspace",
            AppError::Draft(_) => "draft",
            AppError::BadPages(_) => "bad_pages",
            AppError::Open(_) => "open",
        }
    }
}

impl From<OfficeError> for AppError {
    fn from(e: OfficeError) -> Self {
        use hoso_office::keys::KeyError as K;
        match e {
            e if e.is_cancelled() => AppError::Cancelled,
            OfficeError::Key(k) if k.is_wrong_pin() => AppError::WrongPin,
            OfficeError::Key(K::NotConfigured | K::NoCertificate) => AppError::NoSigningKey,
            OfficeError::MissingSetting(m) => AppError::MissingSetting(m),
            OfficeError::Config(c) => AppError::Settings(c),
            e => AppError::Office(e),
        }
    }
}

impl From<hoso_office::keys::KeyError> for AppError {
    fn from(e: hoso_office::keys::KeyError) -> Self {
        OfficeError::from(e).into()
    }
}

impl From<tauri::Error> for AppError {
    fn from(e: tauri::Error) -> Self {
        AppError::Background(e.to_string())
    }
}

impl Serialize for AppError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("AppError", 3)?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("message", &self.to_string())?;
        let none: &[FieldProblem] = &[];
        match self {
            AppError::Invalid(p) => st.serialize_field("problems", p)?,
            _ => st.serialize_field("problems", none)?,
        }
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_errors_keep_their_kind_and_the_apps_words() {
        let e = AppError::from(OfficeError::NoRegister("/tmp/khong-co.sqlite".into()));
        assert_eq!(e.kind(), "no_register");
        assert!(e.to_string().starts_with("chưa có sổ đăng ký"), "{e}");
        let e = AppError::from(OfficeError::Cancelled);
        assert_eq!(e.kind(), "cancelled");
        let e = AppError::from(hoso_office::keys::KeyError::NotConfigured);
        assert_eq!(e.kind(), "no_signing_key");
        let e = AppError::from(OfficeError::MissingSetting("ảnh con dấu / seal image"));
        assert_eq!(e.kind(), "missing_setting");
    }
}
