//! The one error type every command returns. It reaches the page as
//! `{"kind": "...", "message": "tiếng Việt / English", "problems": [...]}`: `kind` for the code
//! that reacts to it, `message` (from the library's own bilingual text) for the person.

use std::path::PathBuf;

use serde::ser::SerializeStruct;
use serde::Serialize;

/// One form field the officer must correct, shown next to that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// The field's id in the form: `code`, `title`, `end_date`, `doc.1.date`, …
    pub field: String,
    /// What is wrong, Vietnamese first.
    pub message: String,
}

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
        path: PathBuf,
        /// The decoder's words.
        reason: String,
    },
    /// The form has fields to correct; nothing was built.
    #[error("hồ sơ còn {} trường cần sửa / {} fields need correcting", .0.len(), .0.len())]
    Invalid(Vec<FieldProblem>),
    /// The dossier library refused or failed the build.
    #[error(transparent)]
    Dossier(#[from] hoso_dossier::DossierError),
    /// The workspace folder cannot be created or read.
    #[error("không dùng được thư mục làm việc {path}: {source} / cannot use the workspace folder")]
    Workspace {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
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
    /// The PIN does not open the key file.
    #[error("Sai mã PIN; chưa ký tệp nào / wrong PIN; nothing was signed")]
    WrongPin,
    /// The key file cannot be used.
    #[error("không mở được khóa ký: {0} / cannot open the signing key")]
    Signer(hoso_sign::signer::SignerError),
    /// No PKCS#11 library is chosen for the token.
    #[error("chưa chọn thư viện PKCS#11 của token (Cài đặt → Thiết bị ký) / no PKCS#11 library is set (Settings)")]
    NoTokenModule,
    /// The token refused or failed.
    #[error("{vi}; chưa ký tệp nào / {0}; nothing was signed", vi = .0.vietnamese())]
    Token(#[from] hoso_token::TokenError),
    /// The visible signature could not be drawn (image against the Decree's rules, missing glyph).
    #[error(transparent)]
    Stamp(#[from] hoso_stamp::StampError),
    /// A flow (build, sign, copy, extend) stopped; its output does not exist, or says why it
    /// is not registered.
    #[error(transparent)]
    Office(hoso_office::OfficeError),
    /// The officer cancelled; nothing was written or registered.
    #[error("đã hủy, không tạo tệp / cancelled, nothing written")]
    Cancelled,
    /// The scanner refused or failed (the officer's words).
    #[error("{}", .0.officer_message())]
    Scan(#[from] hoso_office::scan::ScanError),
    /// A visible signature or a copy needs an image or a name the settings do not have.
    #[error("chưa có {0} trong Cài đặt / {0} is not set in Settings")]
    MissingSetting(&'static str),
    /// Signing failed; the original is untouched and no output was written.
    #[error("ký thất bại, không tạo tệp: {0} / signing failed, nothing written")]
    Sign(#[from] hoso_sign::sign::SignError),
    /// The file cannot be checked.
    #[error("không kiểm tra được tệp: {0} / the file cannot be checked")]
    Verify(#[from] hoso_sign::verify::VerifyError),
    /// A trusted root in the settings cannot be read.
    #[error("chứng thư gốc trong cài đặt không dùng được: {0} / a trusted root in the settings cannot be used")]
    Trust(#[from] hoso_sign::chain::TrustStoreError),
    /// The register refused or failed.
    #[error("sổ đăng ký: {0} / register error")]
    Register(#[from] hoso_register::RegisterError),
    /// No register exists yet at the configured place.
    #[error("chưa có sổ đăng ký tại {0} / no register at this path yet")]
    NoRegister(PathBuf),
    /// The text is not a hoso QR payload; the source says which part is wrong.
    #[error("mã QR không đúng dạng HS1:…: {0} / not a hoso QR payload")]
    BadQr(#[from] hoso_office::register::QrError),
    /// A file cannot be read.
    #[error("không đọc được {path}: {source} / cannot read the file")]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The settings file cannot be read or written.
    #[error(transparent)]
    Settings(#[from] hoso_office::config::ConfigError),
    /// A background task stopped without an answer (it panicked).
    #[error("tác vụ nền bị dừng bất thường: {0} / a background task stopped unexpectedly")]
    Background(String),
}

impl AppError {
    /// A stable name for the page's code.
    pub fn kind(&self) -> &'static str {
        match self {
            AppError::UnknownSource(_) => "unknown_source",
            AppError::NoPreview(_) => "no_preview",
            AppError::Preview { .. } => "preview",
            AppError::Invalid(_) => "invalid",
            AppError::Dossier(_) => "dossier",
            AppError::Workspace { .. } => "workspace",
            AppError::Background(_) => "background",
            AppError::UnknownDocument(_) => "unknown_document",
            AppError::NoSigningKey => "no_signing_key",
            AppError::KeyLocked => "key_locked",
            AppError::WrongPin => "wrong_pin",
            AppError::Signer(_) => "signer",
            AppError::NoTokenModule => "no_token_module",
            AppError::Stamp(_) => "stamp",
            AppError::Scan(_) => "scan",
            AppError::Office(_) => "office",
            AppError::Cancelled => "cancelled",
            AppError::MissingSetting(_) => "missing_setting",
            AppError::Token(_) => "token",
            AppError::Sign(_) => "sign",
            AppError::Verify(_) => "verify",
            AppError::Trust(_) => "trust",
            AppError::Register(_) => "register",
            AppError::NoRegister(_) => "no_register",
            AppError::BadQr(_) => "bad_qr",
            AppError::Read { .. } => "read",
            AppError::Settings(_) => "settings",
        }
    }
}

impl From<hoso_sign::signer::SignerError> for AppError {
    fn from(e: hoso_sign::signer::SignerError) -> Self {
        match e {
            hoso_sign::signer::SignerError::WrongPin => AppError::WrongPin,
            hoso_sign::signer::SignerError::Device(d) => {
                match d.downcast::<hoso_token::TokenError>() {
                    Ok(t) => AppError::Token(*t),
                    Err(d) => AppError::Signer(hoso_sign::signer::SignerError::Device(d)),
                }
            }
            e => AppError::Signer(e),
        }
    }
}

impl From<hoso_office::OfficeError> for AppError {
    fn from(e: hoso_office::OfficeError) -> Self {
        use hoso_office::OfficeError as O;
        match e {
            e if e.is_cancelled() => AppError::Cancelled,
            O::Dossier(d) => AppError::Dossier(d),
            O::Key(k) => k.into(),
            O::Sign(s) => AppError::Sign(s),
            O::Register(r) => AppError::Register(r),
            O::Trust(t) => AppError::Trust(t),
            O::Stamp(s) => AppError::Stamp(s),
            O::MissingSetting(m) => AppError::MissingSetting(m),
            O::Verify { source, .. } => AppError::Verify(source),
            O::BadQr(q) => AppError::BadQr(q),
            O::NoRegister(p) => AppError::NoRegister(p),
            e => AppError::Office(e),
        }
    }
}

impl From<hoso_office::keys::KeyError> for AppError {
    fn from(e: hoso_office::keys::KeyError) -> Self {
        use hoso_office::keys::KeyError as K;
        match e {
            K::Signer(s) => s.into(),
            K::NotConfigured | K::NoCertificate => AppError::NoSigningKey,
            e => AppError::Office(e.into()),
        }
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
