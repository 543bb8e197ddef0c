//! Logging in and signing on the token (PKCS#11 v2.40 §5.6, §5.11; PKCS#11 Mechanisms v2.40
//! §2.1.6 `CKM_RSA_PKCS`, §2.1.10 `CKM_RSA_PKCS_PSS`, §2.3.6 `CKM_ECDSA`).

use std::sync::Mutex;

use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;
use der::Decode;
use hoso_sign::oids;
use hoso_sign::signer::{RsaPadding, SignatureAlgorithm, Signer, SignerError};
use x509_cert::Certificate;
use zeroize::Zeroizing;

use crate::cert::is_ca;
use crate::error::{PinTries, TokenError};
use crate::module::{attributes, certificates, label_and_id, Token, TokenCertificate};

/// How to log in.
pub enum Login {
    /// The user PIN, given to the module (`C_Login` with the PIN).
    Pin(Zeroizing<String>),
    /// The PIN is entered on the device's own keypad (`CKF_PROTECTED_AUTHENTICATION_PATH`,
    /// `C_Login` with a NULL PIN).
    ProtectedPath,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Login::Pin(_) => f.write_str("Login::Pin(..)"),
            Login::ProtectedPath => f.write_str("Login::ProtectedPath"),
        }
    }
}

/// The DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1): `CKM_RSA_PKCS` pads exactly what it
/// is given, so the caller supplies `DigestInfo { sha256, NULL } || digest`.
const SHA256_DIGEST_INFO: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Rsa { modulus_len: usize },
    Ec { field_len: usize },
}

/// A private key on a token with its certificate chain; signs digests on the token.
///
/// The session is behind a mutex: batch signing hashes on many threads and the token signs one
/// digest at a time. The session logs out and closes when this is dropped.
pub struct TokenSigner {
    session: Mutex<Session>,
    key: ObjectHandle,
    kind: KeyKind,
    chain: Vec<Certificate>,
    algorithm: SignatureAlgorithm,
    label: String,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSigner")
            .field("label", &self.label)
            .field("algorithm", &self.algorithm)
            .field("chain_len", &self.chain.len())
            .finish_non_exhaustive()
    }
}

fn login_error(token: &Token, e: CkError) -> TokenError {
    match e {
        CkError::Pkcs11(RvError::PinIncorrect, _) => {
            let tries = match token.module.raw_token_info(token.slot) {
                Ok(ti) if ti.user_pin_locked() => return TokenError::PinLocked,
                Ok(ti) if ti.user_pin_final_try() => PinTries::FinalTry,
                Ok(ti) if ti.user_pin_count_low() => PinTries::Low,
                _ => PinTries::Unknown,
            };
            TokenError::PinIncorrect { tries }
        }
        CkError::Pkcs11(RvError::PinLocked, _) => TokenError::PinLocked,
        CkError::Pkcs11(RvError::PinLenRange | RvError::PinInvalid, _) => TokenError::PinInvalid,
        other => TokenError::pkcs11("C_Login")(other),
    }
}

impl Token {
    /// Logs in and finds the signing certificate and its private key (same `CKA_ID`).
    ///
    /// `key_label` picks a certificate or key by `CKA_LABEL`; without it the token must hold
    /// exactly one end-entity certificate with a private key. RSA keys sign with `rsa`
    /// (RSASSA-PSS by default, Circular 15/2025/TT-BKHCN; PKCS#1 v1.5 only when asked).
    pub fn login(
        self,
        login: Login,
        key_label: Option<&str>,
        rsa: RsaPadding,
    ) -> Result<TokenSigner, TokenError> {
        // Refuse before trying: a locked PIN stays locked, and a further try only adds noise.
        let ti = self.module.raw_token_info(self.slot)?;
        if ti.user_pin_locked() {
            return Err(TokenError::PinLocked);
        }
        let session = self.module.open_session(self.slot)?;
        let result = match &login {
            Login::Pin(pin) => {
                let pin = AuthPin::new(pin.as_str().into());
                session.login(UserType::User, Some(&pin))
            }
            Login::ProtectedPath => session.login(UserType::User, None),
        };
        match result {
            Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
            Err(e) => return Err(login_error(&self, e)),
        }
        let certs = certificates(&session)?;
        let keys = private_keys(&session)?;
        let chosen = choose(&certs, &keys, key_label)?;
        let leaf = &certs[chosen.cert];
        let key = &keys[chosen.key];
        // PKCS#11 v2.40 §4.9: CKA_ALWAYS_AUTHENTICATE needs a CKU_CONTEXT_SPECIFIC login for
        // each operation; refuse clearly rather than fail at the first signature.
        let always = attributes(&session, key.handle, &[AttributeType::AlwaysAuthenticate])?
            .iter()
            .any(|a| matches!(a, Attribute::AlwaysAuthenticate(true)));
        if always {
            return Err(TokenError::PinPerSignature {
                label: key.label.clone(),
            });
        }
        let kind = key_kind(&leaf.cert)?;
        if let KeyKind::Rsa { .. } = kind {
            check_rsa_modulus(&session, &keys[chosen.key], leaf)?;
        }
        let algorithm = match kind {
            KeyKind::Rsa { .. } => rsa.rsa_algorithm(),
            KeyKind::Ec { .. } => SignatureAlgorithm::EcdsaSha256,
        };
        let chain = build_chain(leaf, &certs);
        Ok(TokenSigner {
            key: keys[chosen.key].handle,
            kind,
            chain,
            algorithm,
            label: leaf.label.clone(),
            session: Mutex::new(session),
        })
    }
}

struct PrivateKey {
    handle: ObjectHandle,
    label: String,
    id: Vec<u8>,
}

fn private_keys(session: &Session) -> Result<Vec<PrivateKey>, TokenError> {
    let handles = session
        .find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY)])
        .map_err(TokenError::pkcs11("C_FindObjects"))?;
    let mut out = Vec::new();
    for h in handles {
        let attrs = attributes(session, h, &[AttributeType::Label, AttributeType::Id])?;
        let (label, id) = label_and_id(&attrs);
        out.push(PrivateKey {
            handle: h,
            label,
            id,
        });
    }
    Ok(out)
}

struct Chosen {
    cert: usize,
    key: usize,
}

/// Pairs end-entity certificates with private keys by `CKA_ID` (PKCS#11 v2.40 §4.6.3: "the
/// key identifier ... should be the same as the CKA_ID of the corresponding private key").
fn choose(
    certs: &[TokenCertificate],
    keys: &[PrivateKey],
    key_label: Option<&str>,
) -> Result<Chosen, TokenError> {
    let subject = |c: &TokenCertificate| c.cert.tbs_certificate.subject.to_string();
    let key_for = |c: &TokenCertificate| keys.iter().position(|k| !c.id.is_empty() && k.id == c.id);
    let candidates: Vec<usize> = certs
        .iter()
        .enumerate()
        .filter(|(_, c)| !is_ca(&c.cert))
        .filter(|(_, c)| match key_label {
            None => true,
            Some(l) => {
                c.label == l
                    || keys
                        .iter()
                        .any(|k| k.label == l && !c.id.is_empty() && k.id == c.id)
            }
        })
        .map(|(i, _)| i)
        .collect();
    if candidates.is_empty() {
        return Err(TokenError::NoCertificate {
            key_label: key_label.map(str::to_owned),
        });
    }
    let with_key: Vec<Chosen> = candidates
        .iter()
        .filter_map(|&i| key_for(&certs[i]).map(|k| Chosen { cert: i, key: k }))
        .collect();
    match with_key.len() {
        0 => Err(TokenError::CertificateWithoutKey {
            subject: subject(&certs[candidates[0]]),
        }),
        1 => Ok(with_key.into_iter().next().expect("one")),
        _ => Err(TokenError::AmbiguousCertificate {
            labels: with_key
                .iter()
                .map(|c| certs[c.cert].label.clone())
                .collect(),
        }),
    }
}

fn key_kind(cert: &Certificate) -> Result<KeyKind, TokenError> {
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let oid = spki.algorithm.oid;
    if oid == oids::RSA_ENCRYPTION {
        let key = pkcs1::RsaPublicKey::from_der(spki.subject_public_key.raw_bytes())?;
        return Ok(KeyKind::Rsa {
            modulus_len: key.modulus.as_bytes().len(),
        });
    }
    if oid == oids::EC_PUBLIC_KEY {
        let curve: Option<der::asn1::ObjectIdentifier> = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as().ok());
        return match curve {
            Some(c) if c == oids::SECP256R1 => Ok(KeyKind::Ec { field_len: 32 }),
            Some(c) if c == oids::SECP384R1 => Ok(KeyKind::Ec { field_len: 48 }),
            other => Err(TokenError::UnsupportedKey(format!("EC {other:?}"))),
        };
    }
    Err(TokenError::UnsupportedKey(oid.to_string()))
}

/// Compares the RSA private key's `CKA_MODULUS` with the certificate's, when the token shows it.
fn check_rsa_modulus(
    session: &Session,
    key: &PrivateKey,
    leaf: &TokenCertificate,
) -> Result<(), TokenError> {
    let attrs = attributes(session, key.handle, &[AttributeType::Modulus])?;
    let Some(modulus) = attrs.iter().find_map(|a| match a {
        Attribute::Modulus(m) => Some(m.clone()),
        _ => None,
    }) else {
        return Ok(());
    };
    let spki = &leaf.cert.tbs_certificate.subject_public_key_info;
    let cert_key = pkcs1::RsaPublicKey::from_der(spki.subject_public_key.raw_bytes())?;
    let strip = |b: &[u8]| -> Vec<u8> { b.iter().copied().skip_while(|&x| x == 0).collect() };
    if strip(&modulus) == strip(cert_key.modulus.as_bytes()) {
        Ok(())
    } else {
        Err(TokenError::KeyDoesNotMatchCertificate {
            label: key.label.clone(),
        })
    }
}

/// The leaf, then issuers found among the token's certificates, up to a self-issued one.
fn build_chain(leaf: &TokenCertificate, all: &[TokenCertificate]) -> Vec<Certificate> {
    let mut chain = vec![leaf.cert.clone()];
    let mut used = vec![leaf.der.as_slice()];
    while chain.len() < 10 {
        let last = chain.last().expect("non-empty").tbs_certificate.clone();
        if last.issuer == last.subject {
            break;
        }
        match all.iter().find(|c| {
            c.cert.tbs_certificate.subject == last.issuer && !used.contains(&c.der.as_slice())
        }) {
            Some(c) => {
                used.push(&c.der);
                chain.push(c.cert.clone());
            }
            None => break,
        }
    }
    chain
}

/// `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (RFC 5480 §2.2.3 / SEC 1 §C.5) from
/// the `r || s` that `CKM_ECDSA` returns (PKCS#11 Mechanisms v2.40 §2.3.1).
pub(crate) fn ecdsa_raw_to_der(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.is_empty() || !raw.len().is_multiple_of(2) {
        return None;
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let int = |v: &[u8]| -> Vec<u8> {
        let v: Vec<u8> = v.iter().copied().skip_while(|&b| b == 0).collect();
        let mut body = Vec::with_capacity(v.len() + 1);
        if v.first().is_none_or(|&b| b & 0x80 != 0) {
            body.push(0);
        }
        body.extend_from_slice(&v);
        let mut out = vec![0x02];
        der_len(&mut out, body.len());
        out.extend_from_slice(&body);
        out
    };
    let mut content = int(r);
    content.extend(int(s));
    let mut out = vec![0x30];
    der_len(&mut out, content.len());
    out.extend(content);
    Some(out)
}

fn der_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend_from_slice(&[0x81, len as u8]);
    } else {
        out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
    }
}

impl TokenSigner {
    /// The certificate's `CKA_LABEL`.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Signs on the token, returning the CMS `signature` value.
    pub fn sign(&self, digest: &[u8; 32]) -> Result<Vec<u8>, TokenError> {
        let session = self
            .session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mech_err = |name: &'static str| {
            move |e: CkError| match e {
                CkError::Pkcs11(RvError::MechanismInvalid | RvError::MechanismParamInvalid, _) => {
                    TokenError::MechanismUnsupported(name)
                }
                other => TokenError::pkcs11("C_Sign")(other),
            }
        };
        match (self.algorithm, self.kind) {
            (SignatureAlgorithm::RsaPssSha256, _) => {
                let params = PkcsPssParams {
                    hash_alg: MechanismType::SHA256,
                    mgf: PkcsMgfType::MGF1_SHA256,
                    // CK_ULONG is C's `unsigned long`: 64-bit on Linux, 32-bit on Windows.
                    s_len: std::ffi::c_ulong::from(32u8).into(),
                };
                session
                    .sign(&Mechanism::RsaPkcsPss(params), self.key, digest)
                    .map_err(mech_err("CKM_RSA_PKCS_PSS"))
            }
            (_, KeyKind::Rsa { .. }) => {
                let mut info = SHA256_DIGEST_INFO.to_vec();
                info.extend_from_slice(digest);
                session
                    .sign(&Mechanism::RsaPkcs, self.key, &info)
                    .map_err(mech_err("CKM_RSA_PKCS"))
            }
            (_, KeyKind::Ec { field_len }) => {
                let raw = session
                    .sign(&Mechanism::Ecdsa, self.key, digest)
                    .map_err(mech_err("CKM_ECDSA"))?;
                if raw.len() != 2 * field_len {
                    return Err(TokenError::MalformedSignature { len: raw.len() });
                }
                ecdsa_raw_to_der(&raw).ok_or(TokenError::MalformedSignature { len: raw.len() })
            }
        }
    }
}

impl Signer for TokenSigner {
    fn certificate_chain(&self) -> &[Certificate] {
        &self.chain
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    fn max_signature_len(&self) -> usize {
        match self.kind {
            KeyKind::Rsa { modulus_len } => modulus_len,
            // SEQUENCE header (up to 2 bytes) and two INTEGERs of field size + 1.
            KeyKind::Ec { field_len } => 3 + 2 * (2 + field_len + 1),
        }
    }

    fn sign_digest(&self, digest: &[u8; 32]) -> Result<Vec<u8>, SignerError> {
        self.sign(digest).map_err(SignerError::from)
    }
}

impl Drop for TokenSigner {
    fn drop(&mut self) {
        if let Ok(s) = self.session.get_mut() {
            // Best effort: the session closes (and the login ends with it) regardless.
            let _ = s.logout();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecdsa_raw_to_der_adds_sign_bytes_and_strips_zeros() {
        let mut raw = vec![0u8; 64];
        raw[0] = 0x80; // r needs a leading 0x00
        raw[32] = 0x00;
        raw[33] = 0x01; // s has a leading zero to strip
        let der = ecdsa_raw_to_der(&raw).expect("even length");
        let sig = p256_like_parse(&der);
        assert_eq!(sig.0.len(), 33);
        assert_eq!(sig.0[0], 0);
        assert_eq!(sig.1.len(), 31);
        assert_eq!(sig.1[0], 1);
    }

    /// Reads back the two INTEGERs with the `der` crate, independently of the encoder above.
    fn p256_like_parse(der_bytes: &[u8]) -> (Vec<u8>, Vec<u8>) {
        use der::{Reader, SliceReader};
        let mut r = SliceReader::new(der_bytes).expect("reader");
        r.sequence(|seq| {
            let a = der::asn1::IntRef::decode(seq)?;
            let b = der::asn1::IntRef::decode(seq)?;
            Ok((a.as_bytes().to_vec(), b.as_bytes().to_vec()))
        })
        .expect("an ECDSA-Sig-Value")
    }

    #[test]
    fn ecdsa_raw_to_der_rejects_odd_lengths() {
        assert!(ecdsa_raw_to_der(&[1, 2, 3]).is_none());
        assert!(ecdsa_raw_to_der(&[]).is_none());
    }

    #[test]
    fn digest_info_prefix_is_the_der_of_sha256_algorithm_identifier() {
        use der::Encode;
        let alg = x509_cert::spki::AlgorithmIdentifierOwned {
            oid: oids::SHA256,
            parameters: Some(der::Any::null()),
        };
        let alg_der = alg.to_der().expect("encode");
        // SEQUENCE { alg, OCTET STRING(32) } with length 0x31 = alg + 2 + 32.
        assert_eq!(SHA256_DIGEST_INFO[1] as usize, alg_der.len() + 2 + 32);
        assert_eq!(&SHA256_DIGEST_INFO[2..2 + alg_der.len()], &alg_der[..]);
        assert_eq!(&SHA256_DIGEST_INFO[2 + alg_der.len()..], &[0x04, 0x20]);
    }
}
