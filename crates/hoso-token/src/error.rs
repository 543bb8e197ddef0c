//! Typed token errors. Messages for people are built at the edge (CLI/UI) from the variants.

use std::path::PathBuf;

/// What the token said about the user PIN's remaining tries after a wrong PIN (PKCS#11 v2.40
/// §3.2, `CK_TOKEN_INFO` flags). Tokens report no count, only these two flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum PinTries {
    /// The token does not say.
    Unknown,
    /// `CKF_USER_PIN_COUNT_LOW`: at least one wrong PIN since the last good one.
    Low,
    /// `CKF_USER_PIN_FINAL_TRY`: one more wrong PIN locks the token.
    FinalTry,
}

impl PinTries {
    fn english(self) -> &'static str {
        match self {
            PinTries::Unknown => "",
            PinTries::Low => ": few tries remain",
            PinTries::FinalTry => ": one try remains before the PIN locks",
        }
    }
}

/// Why a token could not be used. Nothing is written by the caller after any of these.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The PKCS#11 library could not be loaded or is not a PKCS#11 module.
    #[error("cannot load the PKCS#11 module {path}: {source}")]
    ModuleLoad {
        /// The module path.
        path: PathBuf,
        /// The loader's error.
        #[source]
        source: cryptoki::error::Error,
    },
    /// No token is inserted (or none matches the selection).
    #[error("no token present{}", selection.as_deref().map(|s| format!(" ({s})")).unwrap_or_default())]
    TokenAbsent {
        /// The slot or label asked for, if any.
        selection: Option<String>,
    },
    /// Several tokens are inserted and none was chosen.
    #[error("several tokens are present ({labels:?}); choose one with a slot or token label")]
    AmbiguousToken {
        /// Their labels.
        labels: Vec<String>,
    },
    /// The PIN was wrong.
    #[error("wrong PIN{}", tries.english())]
    PinIncorrect {
        /// What the token says about the remaining tries.
        tries: PinTries,
    },
    /// The PIN has the wrong length or characters for this token.
    #[error("the PIN has the wrong length or characters for this token")]
    PinInvalid,
    /// The user PIN is locked (too many wrong PINs); the security officer must unblock it.
    #[error("the PIN is locked")]
    PinLocked,
    /// A PIN is needed (the token has no protected authentication path).
    #[error("a PIN is needed for this token")]
    PinRequired,
    /// No certificate on the token (matching the key label, if one was given).
    #[error("no certificate on the token{}", key_label.as_deref().map(|l| format!(" labelled {l:?}")).unwrap_or_default())]
    NoCertificate {
        /// The key label asked for.
        key_label: Option<String>,
    },
    /// A certificate on the token has no private key with the same `CKA_ID`.
    #[error("the certificate {subject} has no matching private key on the token")]
    CertificateWithoutKey {
        /// The certificate's subject.
        subject: String,
    },
    /// Several signing certificates with keys and no key label to choose.
    #[error(
        "several certificates with keys on the token ({labels:?}); choose one with a key label"
    )]
    AmbiguousCertificate {
        /// Their labels.
        labels: Vec<String>,
    },
    /// The private key does not belong to the certificate with the same `CKA_ID`.
    #[error("the private key labelled {label:?} does not match its certificate")]
    KeyDoesNotMatchCertificate {
        /// The key's label.
        label: String,
    },
    /// The key has `CKA_ALWAYS_AUTHENTICATE`: the token wants the PIN again for every
    /// signature (a context-specific login between `C_SignInit` and `C_Sign`), which hoso does
    /// not do yet.
    #[error("the key labelled {label:?} asks for the PIN before every signature (CKA_ALWAYS_AUTHENTICATE), which is not supported")]
    PinPerSignature {
        /// The key's label.
        label: String,
    },
    /// The certificate's key is not RSA, P-256 or P-384.
    #[error("unsupported key type {0}")]
    UnsupportedKey(String),
    /// The token does not offer the mechanism the signature needs.
    #[error("the token does not support {0}")]
    MechanismUnsupported(&'static str),
    /// A certificate on the token could not be decoded.
    #[error("bad certificate on the token: {0}")]
    BadCertificate(#[from] der::Error),
    /// The token returned a signature of an unexpected shape.
    #[error("the token returned a malformed {len}-byte signature")]
    MalformedSignature {
        /// Its length.
        len: usize,
    },
    /// Any other PKCS#11 failure, with the call that failed.
    #[error("PKCS#11 {operation}: {source}")]
    Pkcs11 {
        /// What hoso was doing.
        operation: &'static str,
        /// The module's error.
        #[source]
        source: cryptoki::error::Error,
    },
}

impl TokenError {
    /// Wraps a PKCS#11 error, turning removal into [`TokenError::TokenAbsent`].
    pub(crate) fn pkcs11(operation: &'static str) -> impl FnOnce(cryptoki::error::Error) -> Self {
        move |source| {
            use cryptoki::error::{Error, RvError};
            match source {
                Error::Pkcs11(
                    RvError::TokenNotPresent | RvError::DeviceRemoved | RvError::TokenNotRecognized,
                    _,
                ) => TokenError::TokenAbsent { selection: None },
                source => TokenError::Pkcs11 { operation, source },
            }
        }
    }
}

impl From<TokenError> for hoso_sign::signer::SignerError {
    fn from(e: TokenError) -> Self {
        hoso_sign::signer::SignerError::Device(Box::new(e))
    }
}

impl TokenError {
    /// What went wrong in Vietnamese, for the person at the token (the English is the error's
    /// own text).
    pub fn vietnamese(&self) -> String {
        match self {
            Self::ModuleLoad { path, .. } => format!(
                "Không nạp được thư viện PKCS#11 {} (sai đường dẫn hoặc không phải module PKCS#11)",
                path.display()
            ),
            Self::TokenAbsent { .. } => {
                "Không tìm thấy token: hãy cắm thiết bị ký số, hoặc kiểm tra khe (slot) / nhãn token đã chọn"
                    .into()
            }
            Self::AmbiguousToken { .. } => {
                "Có nhiều token: chọn một theo khe (slot) hoặc nhãn token".into()
            }
            Self::PinIncorrect { tries } => match tries {
                PinTries::FinalTry => {
                    "Sai mã PIN: chỉ còn 1 lần thử, sai thêm một lần token sẽ bị khóa".into()
                }
                PinTries::Low => "Sai mã PIN: số lần thử còn lại đã thấp".into(),
                PinTries::Unknown => "Sai mã PIN".into(),
            },
            Self::PinInvalid => "Mã PIN không đúng độ dài hoặc ký tự cho phép".into(),
            Self::PinLocked => {
                "Mã PIN đã bị khóa: liên hệ tổ chức cung cấp chứng thư để mở khóa".into()
            }
            Self::PinRequired => "Token cần mã PIN".into(),
            Self::NoCertificate { .. } => "Không có chứng thư ký số phù hợp trên token".into(),
            Self::CertificateWithoutKey { .. } => {
                "Chứng thư trên token không có khóa bí mật tương ứng".into()
            }
            Self::AmbiguousCertificate { .. } => {
                "Token có nhiều chứng thư: chọn một theo nhãn khóa".into()
            }
            Self::KeyDoesNotMatchCertificate { .. } => {
                "Khóa bí mật trên token không khớp chứng thư".into()
            }
            Self::PinPerSignature { .. } => {
                "Khóa trên token đòi nhập PIN cho từng chữ ký, hoso chưa hỗ trợ kiểu khóa này".into()
            }
            Self::UnsupportedKey(_) => "Loại khóa trên token không được hỗ trợ".into(),
            Self::MechanismUnsupported("CKM_RSA_PKCS_PSS") => {
                "Token không hỗ trợ RSASSA-PSS (mặc định theo Thông tư 15/2025/TT-BKHCN); nếu \
                 nơi nhận chấp nhận, có thể ký PKCS#1 v1.5 với --rsa-pkcs1"
                    .into()
            }
            Self::MechanismUnsupported(_) => "Token không hỗ trợ thuật toán ký này".into(),
            _ => "Lỗi thiết bị ký số".into(),
        }
    }
}
