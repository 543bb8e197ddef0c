//! Signature verification for certificates, CMS SignerInfos and timestamp tokens: RSA PKCS#1
//! v1.5 and PSS (RFC 8017), ECDSA on P-256 and P-384 (FIPS 186-4), with SHA-2 digests; EdDSA
//! (RFC 8032, in CMS RFC 8419, in PDF ISO 32002) with SHA-512 or SHAKE256 message digests.

use der::asn1::ObjectIdentifier as Oid;
use der::{Decode, Encode};
use sha2::Digest;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::oids;

/// Why a signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[non_exhaustive]
pub enum CryptoError {
    /// The algorithm is not supported.
    #[error("unsupported algorithm {0}")]
    UnsupportedAlgorithm(String),
    /// The public key could not be read.
    #[error("unreadable public key")]
    BadPublicKey,
    /// The signature value is malformed.
    #[error("malformed signature value")]
    BadSignatureEncoding,
    /// The signature does not match.
    #[error("signature does not match")]
    Mismatch,
}

/// Hashes `data` with the digest algorithm `oid`.
pub fn hash(oid: &Oid, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    Ok(match *oid {
        oids::SHA256 => sha2::Sha256::digest(data).to_vec(),
        oids::SHA384 => sha2::Sha384::digest(data).to_vec(),
        oids::SHA512 => sha2::Sha512::digest(data).to_vec(),
        oids::SHAKE256 | oids::SHAKE256_LEN => {
            use sha3::digest::{ExtendableOutput, Update};
            let mut h = sha3::Shake256::default();
            h.update(data);
            let mut out = vec![0u8; 64];
            h.finalize_xof_into(&mut out);
            out
        }
        other => return Err(CryptoError::UnsupportedAlgorithm(other.to_string())),
    })
}

/// The digest algorithm implied by a combined signature algorithm, if any.
fn implied_digest(alg: &Oid) -> Option<Oid> {
    match *alg {
        oids::SHA256_WITH_RSA | oids::ECDSA_WITH_SHA256 => Some(oids::SHA256),
        oids::SHA384_WITH_RSA | oids::ECDSA_WITH_SHA384 => Some(oids::SHA384),
        oids::SHA512_WITH_RSA | oids::ECDSA_WITH_SHA512 => Some(oids::SHA512),
        _ => None,
    }
}

/// The digest algorithm a signature algorithm hashes the message with: PSS's own parameter, the
/// one a combined OID names, or the SignerInfo's digestAlgorithm.
pub fn message_digest_alg(
    alg: &AlgorithmIdentifierOwned,
    digest_alg: Option<&Oid>,
) -> Result<Oid, CryptoError> {
    if alg.oid == oids::RSASSA_PSS {
        return Ok(pss_params(alg)?.0);
    }
    implied_digest(&alg.oid)
        .or_else(|| digest_alg.copied())
        .ok_or_else(|| CryptoError::UnsupportedAlgorithm(alg.oid.to_string()))
}

fn pss_params(alg: &AlgorithmIdentifierOwned) -> Result<(Oid, usize), CryptoError> {
    let params_der = alg
        .parameters
        .as_ref()
        .ok_or(CryptoError::UnsupportedAlgorithm(
            "PSS without parameters".into(),
        ))?
        .to_der()
        .map_err(|_| CryptoError::BadSignatureEncoding)?;
    let params = rsa::pkcs1::RsaPssParams::from_der(&params_der)
        .map_err(|_| CryptoError::UnsupportedAlgorithm("PSS parameters".into()))?;
    Ok((params.hash.oid, usize::from(params.salt_len)))
}

/// Verifies `signature` over `message` with `spki`. `digest_alg` is the SignerInfo's
/// digestAlgorithm, used when the signature algorithm does not name its own digest
/// (`rsaEncryption`, RFC 3370 §3.2; `id-ecPublicKey` from some signers). EdDSA (RFC 8410,
/// RFC 8419) signs the message itself.
pub fn verify(
    spki: &SubjectPublicKeyInfoOwned,
    alg: &AlgorithmIdentifierOwned,
    digest_alg: Option<&Oid>,
    message: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    if alg.oid == oids::ED25519 || alg.oid == oids::ED448 {
        return verify_eddsa(spki, &alg.oid, message, signature);
    }
    let digest_oid = message_digest_alg(alg, digest_alg)?;
    let digest = hash(&digest_oid, message)?;
    verify_digest(spki, alg, digest_alg, &digest, signature)
}

/// Verifies `signature` over a message whose digest (with [`message_digest_alg`]) is `digest`:
/// RSA and ECDSA only, EdDSA needs the message.
pub fn verify_digest(
    spki: &SubjectPublicKeyInfoOwned,
    alg: &AlgorithmIdentifierOwned,
    digest_alg: Option<&Oid>,
    digest: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    let key_bytes = spki.subject_public_key.raw_bytes();
    if alg.oid == oids::RSASSA_PSS {
        let (hash_oid, salt) = pss_params(alg)?;
        let key = rsa_key(key_bytes)?;
        let scheme = match hash_oid {
            oids::SHA256 => rsa::Pss::new_with_salt::<sha2::Sha256>(salt),
            oids::SHA384 => rsa::Pss::new_with_salt::<sha2::Sha384>(salt),
            oids::SHA512 => rsa::Pss::new_with_salt::<sha2::Sha512>(salt),
            other => return Err(CryptoError::UnsupportedAlgorithm(other.to_string())),
        };
        return key
            .verify(scheme, digest, signature)
            .map_err(|_| CryptoError::Mismatch);
    }
    let digest_oid = message_digest_alg(alg, digest_alg)?;
    match alg.oid {
        oids::RSA_ENCRYPTION
        | oids::SHA256_WITH_RSA
        | oids::SHA384_WITH_RSA
        | oids::SHA512_WITH_RSA => {
            let key = rsa_key(key_bytes)?;
            let scheme = match digest_oid {
                oids::SHA256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                oids::SHA384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
                oids::SHA512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
                other => return Err(CryptoError::UnsupportedAlgorithm(other.to_string())),
            };
            key.verify(scheme, digest, signature)
                .map_err(|_| CryptoError::Mismatch)
        }
        oids::ECDSA_WITH_SHA256
        | oids::ECDSA_WITH_SHA384
        | oids::ECDSA_WITH_SHA512
        | oids::EC_PUBLIC_KEY => verify_ecdsa(spki, key_bytes, digest, signature),
        other => Err(CryptoError::UnsupportedAlgorithm(other.to_string())),
    }
}

/// Pure EdDSA (RFC 8032) with the key of an `id-Ed25519` / `id-Ed448` SubjectPublicKeyInfo
/// (RFC 8410 §4).
fn verify_eddsa(
    spki: &SubjectPublicKeyInfoOwned,
    alg: &Oid,
    message: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    if spki.algorithm.oid != *alg {
        return Err(CryptoError::BadPublicKey);
    }
    let key = spki.subject_public_key.raw_bytes();
    match *alg {
        oids::ED25519 => {
            let key: [u8; 32] = key.try_into().map_err(|_| CryptoError::BadPublicKey)?;
            let k = ed25519_dalek::VerifyingKey::from_bytes(&key)
                .map_err(|_| CryptoError::BadPublicKey)?;
            let s = ed25519_dalek::Signature::from_slice(signature)
                .map_err(|_| CryptoError::BadSignatureEncoding)?;
            k.verify_strict(message, &s)
                .map_err(|_| CryptoError::Mismatch)
        }
        oids::ED448 => {
            let key: [u8; 57] = key.try_into().map_err(|_| CryptoError::BadPublicKey)?;
            let k = ed448_goldilocks_plus::VerifyingKey::from_bytes(&key)
                .map_err(|_| CryptoError::BadPublicKey)?;
            let sig: [u8; 114] = signature
                .try_into()
                .map_err(|_| CryptoError::BadSignatureEncoding)?;
            let s = ed448_goldilocks_plus::Signature::from_bytes(&sig)
                .map_err(|_| CryptoError::BadSignatureEncoding)?;
            k.verify_raw(&s, message).map_err(|_| CryptoError::Mismatch)
        }
        other => Err(CryptoError::UnsupportedAlgorithm(other.to_string())),
    }
}

fn rsa_key(pkcs1: &[u8]) -> Result<rsa::RsaPublicKey, CryptoError> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    rsa::RsaPublicKey::from_pkcs1_der(pkcs1).map_err(|_| CryptoError::BadPublicKey)
}

fn verify_ecdsa(
    spki: &SubjectPublicKeyInfoOwned,
    point: &[u8],
    digest: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    use signature::hazmat::PrehashVerifier;
    let curve: Option<Oid> = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as().ok());
    match curve {
        Some(oids::SECP256R1) => {
            let k = p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map_err(|_| CryptoError::BadPublicKey)?;
            let s = p256::ecdsa::Signature::from_der(signature)
                .map_err(|_| CryptoError::BadSignatureEncoding)?;
            k.verify_prehash(digest, &s)
                .map_err(|_| CryptoError::Mismatch)
        }
        Some(oids::SECP384R1) => {
            let k = p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map_err(|_| CryptoError::BadPublicKey)?;
            let s = p384::ecdsa::Signature::from_der(signature)
                .map_err(|_| CryptoError::BadSignatureEncoding)?;
            k.verify_prehash(digest, &s)
                .map_err(|_| CryptoError::Mismatch)
        }
        other => Err(CryptoError::UnsupportedAlgorithm(format!(
            "EC curve {other:?}"
        ))),
    }
}

/// Verifies that `cert` was signed by `issuer`'s key (RFC 5280 §6.1.3 (a)(1)).
pub fn verify_cert_signature(
    cert: &x509_cert::Certificate,
    issuer: &x509_cert::Certificate,
) -> Result<(), CryptoError> {
    let tbs = cert
        .tbs_certificate
        .to_der()
        .map_err(|_| CryptoError::BadSignatureEncoding)?;
    let sig = cert
        .signature
        .as_bytes()
        .ok_or(CryptoError::BadSignatureEncoding)?;
    verify(
        &issuer.tbs_certificate.subject_public_key_info,
        &cert.signature_algorithm,
        None,
        &tbs,
        sig,
    )
}
