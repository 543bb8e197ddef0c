//! hoso-token: PKCS#11 tokens (the USB tokens Vietnamese CAs issue) as hoso signers.
//!
//! Start from [`Module::load`] with the vendor's PKCS#11 library, pick a token with
//! [`Module::token`] and a [`SlotSelector`], then [`Token::login`] to get a [`TokenSigner`], which
//! implements [`hoso_sign::signer::Signer`]: hoso-sign builds the CMS and PAdES structures and the
//! token only ever signs a SHA-256 digest (`CKM_RSA_PKCS` over a DigestInfo,
//! `CKM_RSA_PKCS_PSS`, or `CKM_ECDSA`). The private key never leaves the token.
//! [`Module::slots`] lists slots, tokens and the certificates on them for `hoso token list`, and
//! [`detect_modules_here`] finds the modules of the CAs' tokens by vendor (usual install paths on
//! Windows and Linux, p11-kit registrations, `HOSO_PKCS11_MODULE`).
//!
//! What it does not do: initialise tokens, change PINs, import or generate keys (that is the
//! vendor's tool, or `pkcs11-tool` in the tests), or talk to a token outside PKCS#11 v2.40 / 3.x.
//!
//! ```no_run
//! use hoso_sign::signer::RsaPadding;
//! use hoso_token::{Module, SlotSelector, Login};
//! let module = Module::load(std::path::Path::new("/usr/lib/softhsm/libsofthsm2.so"))?;
//! let token = module.token(&SlotSelector::Only)?;
//! let signer = token.login(Login::Pin(String::from("1234").into()), None, RsaPadding::Pss)?;
//! # Ok::<(), hoso_token::TokenError>(())
//! ```
//!
//! Where it sits: hoso-office's `keys` module opens tokens for both shells (`open_signer`,
//! `list_tokens` behind `hoso token list`); the shells do not call this crate directly.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod cert;
mod detect;
mod error;
mod module;
mod signer;

pub use cert::{CertificateInfo, KeyUsageBit};
pub use detect::{
    default_modules, detect_modules, detect_modules_here, vendor_of, DetectedModule, FoundBy,
    Platform, Vendor, VENDORS,
};
pub use error::{PinTries, TokenError};
pub use hoso_sign::signer::RsaPadding;
pub use module::{Module, SlotInfo, SlotSelector, Token, TokenInfo};
pub use signer::{Login, TokenSigner};
