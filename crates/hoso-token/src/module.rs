//! Loading a PKCS#11 module and finding tokens and certificates (PKCS#11 v2.40 §5.4, §5.5).

use std::path::{Path, PathBuf};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::object::{Attribute, AttributeType, CertificateType, ObjectClass, ObjectHandle};
use cryptoki::session::Session;
use cryptoki::slot::Slot;
use der::Decode;
use x509_cert::Certificate;

use crate::cert::CertificateInfo;
use crate::error::TokenError;

/// A loaded and initialised PKCS#11 module (`C_Initialize` with OS locking). Cheap to clone;
/// `C_Finalize` runs when the last clone, token and signer are dropped.
#[derive(Clone)]
pub struct Module {
    ctx: Pkcs11,
    path: PathBuf,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module").field("path", &self.path).finish()
    }
}

/// Which slot to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlotSelector {
    /// The only slot with a token; an error when there are several.
    Only,
    /// The slot with this `CK_SLOT_ID`.
    Slot(u64),
    /// The token with this label (`CK_TOKEN_INFO.label`, trailing blanks ignored).
    TokenLabel(String),
}

impl SlotSelector {
    fn describe(&self) -> Option<String> {
        match self {
            SlotSelector::Only => None,
            SlotSelector::Slot(n) => Some(format!("slot {n}")),
            SlotSelector::TokenLabel(l) => Some(format!("token {l:?}")),
        }
    }
}

/// A token as `hoso token list` shows it (`CK_TOKEN_INFO`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct TokenInfo {
    /// Label.
    pub label: String,
    /// Manufacturer.
    pub manufacturer: String,
    /// Model.
    pub model: String,
    /// Serial number.
    pub serial: String,
    /// `CKF_TOKEN_INITIALIZED`: a blank token has no label, PIN or objects.
    pub initialized: bool,
    /// `CKF_PROTECTED_AUTHENTICATION_PATH`: the PIN is entered on the device.
    pub protected_authentication_path: bool,
    /// `CKF_LOGIN_REQUIRED`.
    pub login_required: bool,
    /// `CKF_USER_PIN_COUNT_LOW`.
    pub pin_count_low: bool,
    /// `CKF_USER_PIN_FINAL_TRY`.
    pub pin_final_try: bool,
    /// `CKF_USER_PIN_LOCKED`.
    pub pin_locked: bool,
    /// Public certificate objects on the token (readable without logging in).
    pub certificates: Vec<CertificateInfo>,
}

/// A slot and, when inserted, its token.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SlotInfo {
    /// `CK_SLOT_ID`.
    pub id: u64,
    /// Slot description.
    pub description: String,
    /// The token, when present.
    pub token: Option<TokenInfo>,
}

/// A token chosen in a module, ready to log in.
pub struct Token {
    pub(crate) module: Module,
    pub(crate) slot: Slot,
    /// What the token says about itself.
    pub info: TokenInfo,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("slot", &self.slot.id())
            .field("label", &self.info.label)
            .finish()
    }
}

impl Token {
    /// The slot id.
    pub fn slot_id(&self) -> u64 {
        self.slot.id()
    }

    /// Whether the PIN is entered on the device rather than given to hoso.
    pub fn protected_authentication_path(&self) -> bool {
        self.info.protected_authentication_path
    }

    /// The module the token is in.
    pub fn module(&self) -> &Module {
        &self.module
    }
}

impl Module {
    /// Loads and initialises the PKCS#11 library at `path`.
    pub fn load(path: &Path) -> Result<Self, TokenError> {
        let load_err = |source| TokenError::ModuleLoad {
            path: path.to_path_buf(),
            source,
        };
        let ctx = Pkcs11::new(path).map_err(load_err)?;
        match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            // Another Module for the same library in this process already initialised it.
            Ok(())
            | Err(cryptoki::error::Error::Pkcs11(
                cryptoki::error::RvError::CryptokiAlreadyInitialized,
                _,
            )) => {}
            Err(e) => return Err(load_err(e)),
        }
        Ok(Self {
            ctx,
            path: path.to_path_buf(),
        })
    }

    /// The module's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The library's own description (`CK_INFO`).
    pub fn description(&self) -> Result<String, TokenError> {
        let info = self
            .ctx
            .get_library_info()
            .map_err(TokenError::pkcs11("C_GetInfo"))?;
        Ok(format!(
            "{} {} {}.{}",
            info.manufacturer_id().trim(),
            info.library_description().trim(),
            info.library_version().major(),
            info.library_version().minor()
        ))
    }

    /// Every slot, with its token and the token's certificates.
    pub fn slots(&self) -> Result<Vec<SlotInfo>, TokenError> {
        let slots = self
            .ctx
            .get_all_slots()
            .map_err(TokenError::pkcs11("C_GetSlotList"))?;
        let mut out = Vec::new();
        for slot in slots {
            let si = self
                .ctx
                .get_slot_info(slot)
                .map_err(TokenError::pkcs11("C_GetSlotInfo"))?;
            let token = if si.token_present() {
                match self.token_info(slot) {
                    Ok(t) => Some(t),
                    // Uninitialised or removed between the calls: show the slot as empty.
                    Err(TokenError::TokenAbsent { .. }) => None,
                    Err(e) => return Err(e),
                }
            } else {
                None
            };
            out.push(SlotInfo {
                id: slot.id(),
                description: si.slot_description().trim().to_owned(),
                token,
            });
        }
        Ok(out)
    }

    fn token_info(&self, slot: Slot) -> Result<TokenInfo, TokenError> {
        let ti = self
            .ctx
            .get_token_info(slot)
            .map_err(TokenError::pkcs11("C_GetTokenInfo"))?;
        let certificates = if ti.token_initialized() {
            let session = self
                .ctx
                .open_ro_session(slot)
                .map_err(TokenError::pkcs11("C_OpenSession"))?;
            certificates(&session)?
                .into_iter()
                .map(|c| CertificateInfo::new(&c.cert, &c.label, &c.id))
                .collect::<Result<Vec<_>, _>>()?
        } else {
            Vec::new()
        };
        Ok(TokenInfo {
            label: ti.label().trim().to_owned(),
            manufacturer: ti.manufacturer_id().trim().to_owned(),
            model: ti.model().trim().to_owned(),
            serial: ti.serial_number().trim().to_owned(),
            initialized: ti.token_initialized(),
            protected_authentication_path: ti.protected_authentication_path(),
            login_required: ti.login_required(),
            pin_count_low: ti.user_pin_count_low(),
            pin_final_try: ti.user_pin_final_try(),
            pin_locked: ti.user_pin_locked(),
            certificates,
        })
    }

    pub(crate) fn raw_token_info(
        &self,
        slot: Slot,
    ) -> Result<cryptoki::slot::TokenInfo, TokenError> {
        self.ctx
            .get_token_info(slot)
            .map_err(TokenError::pkcs11("C_GetTokenInfo"))
    }

    pub(crate) fn open_session(&self, slot: Slot) -> Result<Session, TokenError> {
        self.ctx
            .open_ro_session(slot)
            .map_err(TokenError::pkcs11("C_OpenSession"))
    }

    /// Chooses a token.
    pub fn token(&self, selector: &SlotSelector) -> Result<Token, TokenError> {
        let absent = || TokenError::TokenAbsent {
            selection: selector.describe(),
        };
        let slots = self
            .ctx
            .get_slots_with_token()
            .map_err(TokenError::pkcs11("C_GetSlotList"))?;
        let mut present = Vec::new();
        for slot in slots {
            match self.token_info(slot) {
                // A blank token cannot sign; it is not a candidate.
                Ok(info) if info.initialized => present.push((slot, info)),
                Ok(_) => {}
                Err(TokenError::TokenAbsent { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        let (slot, info) = match selector {
            SlotSelector::Only => {
                if present.len() > 1 {
                    return Err(TokenError::AmbiguousToken {
                        labels: present.into_iter().map(|(_, i)| i.label).collect(),
                    });
                }
                present.pop().ok_or_else(absent)?
            }
            SlotSelector::Slot(n) => present
                .into_iter()
                .find(|(s, _)| s.id() == *n)
                .ok_or_else(absent)?,
            SlotSelector::TokenLabel(l) => present
                .into_iter()
                .find(|(_, i)| i.label == l.trim_end())
                .ok_or_else(absent)?,
        };
        Ok(Token {
            module: self.clone(),
            slot,
            info,
        })
    }
}

/// A certificate object read from a token.
pub(crate) struct TokenCertificate {
    pub cert: Certificate,
    pub der: Vec<u8>,
    pub label: String,
    pub id: Vec<u8>,
}

/// Reads a set of attributes of one object, in the order asked.
pub(crate) fn attributes(
    session: &Session,
    object: ObjectHandle,
    types: &[AttributeType],
) -> Result<Vec<Attribute>, TokenError> {
    session
        .get_attributes(object, types)
        .map_err(TokenError::pkcs11("C_GetAttributeValue"))
}

pub(crate) fn label_and_id(attrs: &[Attribute]) -> (String, Vec<u8>) {
    let mut label = String::new();
    let mut id = Vec::new();
    for a in attrs {
        match a {
            Attribute::Label(l) => label = String::from_utf8_lossy(l).trim_end().to_owned(),
            Attribute::Id(i) => id = i.clone(),
            _ => {}
        }
    }
    (label, id)
}

/// Every X.509 certificate object visible in `session` (PKCS#11 v2.40 §4.6.3).
pub(crate) fn certificates(session: &Session) -> Result<Vec<TokenCertificate>, TokenError> {
    let handles = session
        .find_objects(&[
            Attribute::Class(ObjectClass::CERTIFICATE),
            Attribute::CertificateType(CertificateType::X_509),
        ])
        .map_err(TokenError::pkcs11("C_FindObjects"))?;
    let mut out = Vec::new();
    for h in handles {
        let attrs = attributes(
            session,
            h,
            &[
                AttributeType::Value,
                AttributeType::Label,
                AttributeType::Id,
            ],
        )?;
        let (label, id) = label_and_id(&attrs);
        let Some(der) = attrs.iter().find_map(|a| match a {
            Attribute::Value(v) => Some(v.clone()),
            _ => None,
        }) else {
            continue;
        };
        let cert = Certificate::from_der(&der)?;
        out.push(TokenCertificate {
            cert,
            der,
            label,
            id,
        });
    }
    Ok(out)
}
