//! The one thing signing needs from a key holder: sign a SHA-256 digest.
//!
//! [`Signer`] is implemented by [`Pkcs12Signer`] (a `.p12`/`.pfx` file) and later by PKCS#11
//! tokens and remote signers; CMS and PAdES assembly is shared and never sees the key. A token
//! that only offers raw `CKM_ECDSA` or `CKM_RSA_PKCS` over a DigestInfo fits the trait as is.

use der::asn1::{AnyRef, ObjectIdentifier};
use der::Decode;
use rsa::pkcs8::DecodePrivateKey;
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use zeroize::Zeroizing;

use crate::oids;

/// A signature algorithm over a SHA-256 digest (RFC 5754, RFC 4055, RFC 5758).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §8.2).
    RsaPkcs1v15Sha256,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, 32-byte salt (RFC 8017 §8.1, RFC 4055 §3.1).
    RsaPssSha256,
    /// ECDSA with SHA-256 on P-256 or P-384 (RFC 5758 §3.2); the signature is DER
    /// `ECDSA-Sig-Value`.
    EcdsaSha256,
}

impl SignatureAlgorithm {
    /// The `signatureAlgorithm` of a CMS SignerInfo (RFC 5652 §5.3).
    pub fn algorithm_identifier(self) -> AlgorithmIdentifierOwned {
        match self {
            SignatureAlgorithm::RsaPkcs1v15Sha256 => AlgorithmIdentifierOwned {
                // RFC 3370 §3.2: rsaEncryption in SignerInfo, parameters NULL.
                oid: oids::RSA_ENCRYPTION,
                parameters: Some(der::Any::null()),
            },
            SignatureAlgorithm::RsaPssSha256 => AlgorithmIdentifierOwned {
                oid: oids::RSASSA_PSS,
                parameters: Some(crate::cms::pss_sha256_params()),
            },
            SignatureAlgorithm::EcdsaSha256 => AlgorithmIdentifierOwned {
                oid: oids::ECDSA_WITH_SHA256,
                parameters: None,
            },
        }
    }
}

/// How RSA keys sign. Circular 15/2025/TT-BKHCN names RSASSA-PSS, so PSS is the default;
/// PKCS#1 v1.5 is only for relying parties or tokens that cannot handle PSS, and only when the
/// user asks for it (`--rsa-pkcs1`, the `rsa_pkcs1` setting). Keys other than RSA ignore it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum RsaPadding {
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt (RFC 8017 §8.1, RFC 4055 §3.1).
    #[default]
    Pss,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §8.2): not what the Circular names.
    Pkcs1v15,
}

impl RsaPadding {
    /// The algorithm an RSA key signs with under this padding.
    pub fn rsa_algorithm(self) -> SignatureAlgorithm {
        match self {
            RsaPadding::Pss => SignatureAlgorithm::RsaPssSha256,
            RsaPadding::Pkcs1v15 => SignatureAlgorithm::RsaPkcs1v15Sha256,
        }
    }

    /// Why PKCS#1 v1.5 is not the default, for a program to print when the user asks for it.
    pub const PKCS1_WARNING: &'static str = "Cảnh báo: chữ ký RSA PKCS#1 v1.5 theo yêu cầu \
        (--rsa-pkcs1). Thông tư 15/2025/TT-BKHCN quy định RSA dùng RSASSA-PSS, nên hoso mặc định \
        ký PSS; chỉ dùng PKCS#1 v1.5 khi nơi nhận hoặc token không xử lý được PSS. / Warning: RSA \
        PKCS#1 v1.5 signature as asked (--rsa-pkcs1). Circular 15/2025/TT-BKHCN names RSASSA-PSS \
        for RSA, so hoso signs PSS by default; use PKCS#1 v1.5 only when the receiver or the \
        token cannot handle PSS.";
}

/// Why a signer could not be opened or could not sign.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignerError {
    /// The PKCS#12 MAC did not verify: almost always a wrong PIN.
    #[error("wrong PIN or password for the PKCS#12 file")]
    WrongPin,
    /// The file is not a PKCS#12 this crate can read.
    #[error("unreadable PKCS#12 file: {0}")]
    BadPkcs12(String),
    /// No private key with a certificate inside.
    #[error("the PKCS#12 file holds no private key with its certificate")]
    NoKey,
    /// The key type is not RSA, P-256 or P-384.
    #[error("unsupported key type {oid}")]
    UnsupportedKey {
        /// The key's algorithm OID (and curve).
        oid: String,
    },
    /// The key breaks Circular 15/2025/TT-BKHCN (too short); the message names size and rule.
    #[error("{}", .0.english())]
    Algorithm(#[from] crate::algorithms::AlgorithmViolation),
    /// The private key is not the one certified.
    #[error("the private key does not match the certificate")]
    KeyDoesNotMatchCertificate,
    /// A certificate could not be decoded.
    #[error("bad certificate: {0}")]
    BadCertificate(#[from] der::Error),
    /// The cryptographic operation failed; the source is the key library's own error (`rsa`,
    /// `ecdsa`, `pkcs1`).
    #[error("signing failed: {0}")]
    Crypto(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A signing device (PKCS#11 token, remote signer) failed; the source is the device
    /// crate's own typed error (for tokens, `hoso_token::TokenError`), which callers may downcast.
    #[error("the signing device failed: {0}")]
    Device(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Reading the key file failed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

/// Signs SHA-256 digests with a private key the caller never sees (pyHanko's `sign_raw`).
pub trait Signer {
    /// The signing certificate first, then any intermediates to embed.
    fn certificate_chain(&self) -> &[Certificate];
    /// The signature algorithm.
    fn algorithm(&self) -> SignatureAlgorithm;
    /// An upper bound on the DER length of one signature, for sizing `/Contents`.
    fn max_signature_len(&self) -> usize;
    /// Signs `digest`, the SHA-256 of the DER-encoded signed attributes (RFC 5652 §5.4).
    fn sign_digest(&self, digest: &[u8; 32]) -> Result<Vec<u8>, SignerError>;
}

enum Key {
    Rsa(Box<rsa::RsaPrivateKey>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
}

/// A key and chain from a PKCS#12 file (RFC 7292). The key material is zeroized when this is
/// dropped (the `rsa`, `p256` and `p384` key types zeroize on drop; the decrypted PKCS#8 copy is
/// held in [`Zeroizing`]).
pub struct Pkcs12Signer {
    key: Key,
    chain: Vec<Certificate>,
    algorithm: SignatureAlgorithm,
}

impl std::fmt::Debug for Pkcs12Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs12Signer")
            .field("algorithm", &self.algorithm)
            .field("chain_len", &self.chain.len())
            .finish_non_exhaustive()
    }
}

impl Pkcs12Signer {
    /// Opens a PKCS#12 file with `pin`; RSA keys sign with `rsa` (PSS unless asked otherwise).
    pub fn open(path: &std::path::Path, pin: &str, rsa: RsaPadding) -> Result<Self, SignerError> {
        let data = std::fs::read(path).map_err(|e| SignerError::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        Self::from_der(&data, pin, rsa)
    }

    /// Parses PKCS#12 bytes.
    pub fn from_der(data: &[u8], pin: &str, rsa: RsaPadding) -> Result<Self, SignerError> {
        let store = p12_keystore::KeyStore::from_pkcs12(data, pin).map_err(|e| match e {
            p12_keystore::error::Error::MacError(_) => SignerError::WrongPin,
            other => SignerError::BadPkcs12(other.to_string()),
        })?;
        let (_, chain) = store.private_key_chain().ok_or(SignerError::NoKey)?;
        let pkcs8 = Zeroizing::new(chain.key().to_vec());
        let certs = chain
            .chain()
            .iter()
            .map(|c| Certificate::from_der(c.as_der()))
            .collect::<Result<Vec<_>, _>>()?;
        drop(store);
        let leaf = certs.first().cloned().ok_or(SignerError::NoKey)?;
        // A key the Circular forbids is refused by its size before its type: a P-224 key is
        // "too short", not "unsupported".
        crate::algorithms::check_key(&leaf.tbs_certificate.subject_public_key_info)?;
        let info = pkcs8::PrivateKeyInfo::from_der(&pkcs8)
            .map_err(|e| SignerError::BadPkcs12(e.to_string()))?;
        let alg = info.algorithm.oid;
        let curve: Option<ObjectIdentifier> = info
            .algorithm
            .parameters
            .and_then(|p: AnyRef<'_>| p.decode_as().ok());
        let key = if alg == oids::RSA_ENCRYPTION {
            let k = rsa::RsaPrivateKey::from_pkcs8_der(&pkcs8)
                .map_err(|e| SignerError::BadPkcs12(e.to_string()))?;
            Key::Rsa(Box::new(k))
        } else if alg == oids::EC_PUBLIC_KEY && curve == Some(oids::SECP256R1) {
            Key::P256(
                p256::ecdsa::SigningKey::from_pkcs8_der(&pkcs8)
                    .map_err(|e| SignerError::BadPkcs12(e.to_string()))?,
            )
        } else if alg == oids::EC_PUBLIC_KEY && curve == Some(oids::SECP384R1) {
            Key::P384(
                p384::ecdsa::SigningKey::from_pkcs8_der(&pkcs8)
                    .map_err(|e| SignerError::BadPkcs12(e.to_string()))?,
            )
        } else {
            return Err(SignerError::UnsupportedKey {
                oid: format!("{alg} {curve:?}"),
            });
        };
        let algorithm = match &key {
            Key::Rsa(_) => rsa.rsa_algorithm(),
            _ => SignatureAlgorithm::EcdsaSha256,
        };
        let signer = Self {
            key,
            chain: certs,
            algorithm,
        };
        signer.check_key_matches(&leaf)?;
        Ok(signer)
    }

    fn public_key_bytes(&self) -> Result<Vec<u8>, SignerError> {
        use rsa::pkcs1::EncodeRsaPublicKey;
        match &self.key {
            Key::Rsa(k) => Ok(k
                .to_public_key()
                .to_pkcs1_der()
                .map_err(|e| SignerError::Crypto(Box::new(e)))?
                .as_bytes()
                .to_vec()),
            Key::P256(k) => Ok(k
                .verifying_key()
                .to_encoded_point(false)
                .as_bytes()
                .to_vec()),
            Key::P384(k) => Ok(k
                .verifying_key()
                .to_encoded_point(false)
                .as_bytes()
                .to_vec()),
        }
    }

    fn check_key_matches(&self, leaf: &Certificate) -> Result<(), SignerError> {
        let cert_key = leaf
            .tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes();
        if self.public_key_bytes()? == cert_key {
            Ok(())
        } else {
            Err(SignerError::KeyDoesNotMatchCertificate)
        }
    }
}

impl Signer for Pkcs12Signer {
    fn certificate_chain(&self) -> &[Certificate] {
        &self.chain
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    fn max_signature_len(&self) -> usize {
        use rsa::traits::PublicKeyParts;
        match &self.key {
            Key::Rsa(k) => k.size(),
            // DER ECDSA-Sig-Value: SEQUENCE of two INTEGERs, each up to field size + 1.
            Key::P256(_) => 2 + 2 * (2 + 33),
            Key::P384(_) => 3 + 2 * (2 + 49),
        }
    }

    fn sign_digest(&self, digest: &[u8; 32]) -> Result<Vec<u8>, SignerError> {
        use signature::hazmat::PrehashSigner;
        fn crypto(e: impl std::error::Error + Send + Sync + 'static) -> SignerError {
            SignerError::Crypto(Box::new(e))
        }
        match (&self.key, self.algorithm) {
            (Key::Rsa(k), SignatureAlgorithm::RsaPssSha256) => k
                .sign_with_rng(
                    &mut rand_core::OsRng,
                    rsa::Pss::new_with_salt::<sha2::Sha256>(32),
                    digest,
                )
                .map_err(crypto),
            (Key::Rsa(k), _) => k
                .sign_with_rng(
                    &mut rand_core::OsRng,
                    rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                    digest,
                )
                .map_err(crypto),
            (Key::P256(k), _) => {
                let s: p256::ecdsa::Signature = k.sign_prehash(digest).map_err(crypto)?;
                Ok(s.to_der().as_bytes().to_vec())
            }
            (Key::P384(k), _) => {
                let s: p384::ecdsa::Signature = k.sign_prehash(digest).map_err(crypto)?;
                Ok(s.to_der().as_bytes().to_vec())
            }
        }
    }
}
