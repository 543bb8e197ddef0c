//! Opening the signing key — a PKCS#12 file or a PKCS#11 token (slot, token label, key label,
//! RSA-PSS) — and what a person sees of its certificate before signing. The CLI and the app ask
//! for the PIN in their own way ([`PinPrompt`]); everything else is here.

use std::path::PathBuf;
use std::time::SystemTime;

use hoso_sign::signer::{Pkcs12Signer, SignerError};
use hoso_token::{Login, Module, SlotSelector, TokenError};
use serde::Serialize;
use sha2::Digest;
use x509_cert::der::Encode;
use x509_cert::Certificate;
use zeroize::Zeroizing;

pub use hoso_sign::signer::{RsaPadding, SignatureAlgorithm, Signer};
pub use hoso_token::{CertificateInfo, KeyUsageBit, SlotInfo};

/// An unlocked key: a PKCS#12 key in memory or a logged-in token session.
pub type AnySigner = Box<dyn Signer + Send + Sync>;

/// Where the key is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeySource {
    /// A PKCS#12 file (.p12/.pfx).
    Pkcs12(PathBuf),
    /// A PKCS#11 token.
    Pkcs11 {
        /// The vendor's PKCS#11 library.
        module: PathBuf,
        /// The slot id, when several tokens are plugged in.
        slot: Option<u64>,
        /// The token label, when several tokens are plugged in.
        token_label: Option<String>,
        /// The key or certificate label, when the token holds several.
        key_label: Option<String>,
    },
}

/// What the shell is asked when the key needs a PIN.
#[derive(Debug, Clone)]
pub struct PinPrompt {
    /// The token's label (`None` for a PKCS#12 file).
    pub token: Option<String>,
    /// The token has its own PIN pad: answering `None` lets the person type the PIN there.
    pub pin_pad: bool,
}

/// The shell's answer to a [`PinPrompt`]: the PIN, or `None` to use the token's PIN pad.
pub type PinAnswer = Result<Option<Zeroizing<String>>, KeyError>;

/// Why the key could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// No key is configured.
    #[error("chưa chọn khóa ký (--p12, --pkcs11 hoặc Cài đặt) / no signing key is set (--p12, --pkcs11 or Settings)")]
    NotConfigured,
    /// The PKCS#12 file or the token refused.
    #[error("{vi}; chưa ký tệp nào / {0}; nothing was signed", vi = explain(.0))]
    Signer(#[from] SignerError),
    /// The PIN could not be read from the person.
    #[error("không đọc được mã PIN: {0} / cannot read the PIN")]
    Pin(#[source] std::io::Error),
    /// The key holds no certificate.
    #[error("khóa không có chứng thư / the key has no certificate")]
    NoCertificate,
    /// No PKCS#11 module is given or registered on this machine.
    #[error("không tìm thấy module PKCS#11 nào; dùng --pkcs11 MODULE / no PKCS#11 module found; use --pkcs11 MODULE")]
    NoModule,
}

impl From<TokenError> for KeyError {
    fn from(e: TokenError) -> Self {
        KeyError::Signer(e.into())
    }
}

impl KeyError {
    /// The PIN was wrong (the page offers to try again).
    pub fn is_wrong_pin(&self) -> bool {
        matches!(self, KeyError::Signer(SignerError::WrongPin))
            || matches!(self, KeyError::Signer(SignerError::Device(d))
                if matches!(d.downcast_ref::<TokenError>(), Some(TokenError::PinIncorrect { .. })))
    }
}

/// Vietnamese for a key-holder error (the English is the error's own text).
pub fn explain(e: &SignerError) -> String {
    match e {
        SignerError::WrongPin => "Sai mã PIN".into(),
        SignerError::NoKey => "Tệp PKCS#12 không có khóa bí mật".into(),
        SignerError::KeyDoesNotMatchCertificate => "Khóa bí mật không khớp chứng thư".into(),
        SignerError::Algorithm(v) => v.vietnamese(),
        SignerError::Device(d) => match d.downcast_ref::<TokenError>() {
            Some(t) => {
                // Name the option that resolves the ambiguity.
                let hint = match t {
                    TokenError::AmbiguousToken { .. } | TokenError::TokenAbsent { .. } => {
                        " (--slot / --token-label)"
                    }
                    TokenError::AmbiguousCertificate { .. } => " (--key-label)",
                    _ => "",
                };
                format!("{}{hint}", t.vietnamese())
            }
            None => "Lỗi thiết bị ký số".into(),
        },
        _ => "Không mở được khóa ký".into(),
    }
}

/// Opens the key, asking `pin` once (a token with a PIN pad may be answered `None`). RSA keys
/// sign with `rsa`: [`RsaPadding::Pss`] (Circular 15/2025/TT-BKHCN) unless the user asked for
/// PKCS#1 v1.5 ([`crate::config::Settings::rsa_padding`]).
pub fn open_signer(
    source: &KeySource,
    rsa: RsaPadding,
    pin: &mut dyn FnMut(&PinPrompt) -> PinAnswer,
) -> Result<AnySigner, KeyError> {
    match source {
        KeySource::Pkcs12(path) => {
            let prompt = PinPrompt {
                token: None,
                pin_pad: false,
            };
            let pin = pin(&prompt)?.unwrap_or_default();
            Ok(Box::new(Pkcs12Signer::open(path, &pin, rsa)?))
        }
        KeySource::Pkcs11 {
            module,
            slot,
            token_label,
            key_label,
        } => {
            let module = Module::load(module)?;
            let selector = match (slot, token_label) {
                (Some(n), _) => SlotSelector::Slot(*n),
                (None, Some(l)) => SlotSelector::TokenLabel(l.clone()),
                (None, None) => SlotSelector::Only,
            };
            let token = module.token(&selector)?;
            let prompt = PinPrompt {
                token: Some(token.info.label.clone()),
                pin_pad: token.protected_authentication_path(),
            };
            let login = match pin(&prompt)? {
                Some(p) if !(p.is_empty() && prompt.pin_pad) => Login::Pin(p),
                _ if prompt.pin_pad => Login::ProtectedPath,
                other => Login::Pin(other.unwrap_or_default()),
            };
            Ok(Box::new(token.login(login, key_label.as_deref(), rsa)?))
        }
    }
}

/// Lower-case hex SHA-256 of a certificate's DER.
pub fn fingerprint(c: &Certificate) -> String {
    let der = c.to_der().unwrap_or_default();
    crate::hex(&sha2::Sha256::digest(&der))
}

/// The fingerprint of the signer's own certificate.
pub fn signer_fingerprint(signer: &dyn Signer) -> Result<String, KeyError> {
    signer
        .certificate_chain()
        .first()
        .map(fingerprint)
        .ok_or(KeyError::NoCertificate)
}

/// What a person sees of a certificate before signing with it.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateSummary {
    /// Owner (subject DN).
    pub subject: String,
    /// Issuing CA (issuer DN).
    pub issuer: String,
    /// Valid from, ISO 8601 in +07:00.
    pub not_before: String,
    /// Valid until, ISO 8601 in +07:00.
    pub not_after: String,
    /// Whether it is valid now.
    pub valid_now: bool,
    /// SHA-256 of the certificate, lower-case hex.
    pub fingerprint: String,
    /// Issued by the DEMO PKI.
    pub demo: bool,
}

impl CertificateSummary {
    /// The summary of `c`.
    pub fn of(c: &Certificate) -> Self {
        let v = &c.tbs_certificate.validity;
        let nb = v.not_before.to_system_time();
        let na = v.not_after.to_system_time();
        let now = SystemTime::now();
        let subject = hoso_sign::chain::subject(c);
        let issuer = c.tbs_certificate.issuer.to_string();
        Self {
            demo: subject.contains("DEMO") || issuer.contains("DEMO"),
            subject,
            issuer,
            not_before: hoso_sign::time::iso8601_vn(nb),
            not_after: hoso_sign::time::iso8601_vn(na),
            valid_now: nb <= now && now <= na,
            fingerprint: fingerprint(c),
        }
    }

    /// The summary of the signer's certificate.
    pub fn of_signer(signer: &dyn Signer) -> Result<Self, KeyError> {
        signer
            .certificate_chain()
            .first()
            .map(Self::of)
            .ok_or(KeyError::NoCertificate)
    }
}

/// One PKCS#11 module as `hoso token list` shows it: its slots, tokens and the certificates on
/// them, or why it could not be read.
#[derive(Debug, Serialize)]
pub struct ModuleListing {
    /// The module's path.
    pub module: PathBuf,
    /// Its description and slots, or the error (Vietnamese first, English second).
    #[serde(flatten)]
    pub listed: Listed,
}

/// What a module listing found.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Listed {
    /// The module loaded.
    Slots {
        /// The module's own description.
        description: String,
        /// Its slots.
        slots: Vec<SlotInfo>,
    },
    /// It did not.
    Error {
        /// Why, Vietnamese first.
        error: String,
    },
}

/// Lists `modules` (else the modules registered with p11-kit and `HOSO_PKCS11_MODULE`), so
/// staff can see which certificate they are about to sign with. `Err` when there is no module
/// at all.
pub fn list_tokens(modules: &[PathBuf]) -> Result<Vec<ModuleListing>, KeyError> {
    let modules = if modules.is_empty() {
        hoso_token::default_modules()
    } else {
        modules.to_vec()
    };
    if modules.is_empty() {
        return Err(KeyError::NoModule);
    }
    Ok(modules
        .into_iter()
        .map(|module| {
            let listed = Module::load(&module).and_then(|m| Ok((m.description()?, m.slots()?)));
            let listed = match listed {
                Ok((description, slots)) => Listed::Slots { description, slots },
                Err(e) => {
                    let en = e.to_string();
                    Listed::Error {
                        error: format!("{} / {en}", explain(&e.into())),
                    }
                }
            };
            ModuleListing { module, listed }
        })
        .collect())
}

/// The name RFC 5280 §4.2.1.3 gives a key usage bit.
pub fn key_usage_name(k: KeyUsageBit) -> &'static str {
    match k {
        KeyUsageBit::DigitalSignature => "digitalSignature",
        KeyUsageBit::NonRepudiation => "nonRepudiation",
        KeyUsageBit::KeyEncipherment => "keyEncipherment",
        KeyUsageBit::DataEncipherment => "dataEncipherment",
        KeyUsageBit::KeyAgreement => "keyAgreement",
        KeyUsageBit::KeyCertSign => "keyCertSign",
        KeyUsageBit::CrlSign => "cRLSign",
        KeyUsageBit::EncipherOnly => "encipherOnly",
        KeyUsageBit::DecipherOnly => "decipherOnly",
    }
}

#[cfg(test)]
mod listing_tests {
    use super::*;

    #[test]
    fn a_module_that_does_not_load_is_listed_with_its_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fake = dir.path().join("not-a-module.so");
        std::fs::write(&fake, b"not a shared library").expect("write");
        let listed = list_tokens(std::slice::from_ref(&fake)).expect("listing");
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].module, fake);
        let Listed::Error { error } = &listed[0].listed else {
            panic!("{listed:?}")
        };
        assert!(error.contains(" / "), "{error}");
        let json = serde_json::to_value(&listed[0]).expect("json");
        assert!(
            json["error"].is_string() && json["module"].is_string(),
            "{json}"
        );
    }
}
