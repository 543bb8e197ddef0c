//! What `hoso token list` shows about a certificate (RFC 5280 §4.1, §4.2.1.3, §4.2.1.9).

use der::{Decode, Encode};
use sha2::{Digest, Sha256};
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};
use x509_cert::Certificate;

/// One bit of the keyUsage extension (RFC 5280 §4.2.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum KeyUsageBit {
    /// digitalSignature (0).
    DigitalSignature,
    /// nonRepudiation / contentCommitment (1).
    NonRepudiation,
    /// keyEncipherment (2).
    KeyEncipherment,
    /// dataEncipherment (3).
    DataEncipherment,
    /// keyAgreement (4).
    KeyAgreement,
    /// keyCertSign (5).
    KeyCertSign,
    /// cRLSign (6).
    CrlSign,
    /// encipherOnly (7).
    EncipherOnly,
    /// decipherOnly (8).
    DecipherOnly,
}

/// A certificate object on a token, described for people choosing which one to sign with.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CertificateInfo {
    /// `CKA_LABEL`.
    pub label: String,
    /// `CKA_ID`, lowercase hex: the link to the private key.
    pub id: String,
    /// Subject distinguished name.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Serial number, hex.
    pub serial: String,
    /// notBefore, ISO 8601 in Vietnam time.
    pub not_before: String,
    /// notAfter, ISO 8601 in Vietnam time.
    pub not_after: String,
    /// keyUsage bits; empty when the extension is absent (any use).
    pub key_usage: Vec<KeyUsageBit>,
    /// basicConstraints cA.
    pub is_ca: bool,
    /// SHA-256 of the DER certificate, lowercase hex (the register's signer fingerprint).
    pub sha256: String,
}

pub(crate) use hoso_pdf::hex;

fn extension<T: for<'a> Decode<'a> + der::oid::AssociatedOid>(c: &Certificate) -> Option<T> {
    let ext = c
        .tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| e.extn_id == T::OID)?;
    T::from_der(ext.extn_value.as_bytes()).ok()
}

/// Whether the certificate is a CA (basicConstraints cA = TRUE).
pub(crate) fn is_ca(c: &Certificate) -> bool {
    extension::<BasicConstraints>(c).is_some_and(|b| b.ca)
}

/// The keyUsage bits, in RFC 5280 order.
pub(crate) fn key_usage(c: &Certificate) -> Vec<KeyUsageBit> {
    let Some(KeyUsage(flags)) = extension::<KeyUsage>(c) else {
        return Vec::new();
    };
    [
        (KeyUsages::DigitalSignature, KeyUsageBit::DigitalSignature),
        (KeyUsages::NonRepudiation, KeyUsageBit::NonRepudiation),
        (KeyUsages::KeyEncipherment, KeyUsageBit::KeyEncipherment),
        (KeyUsages::DataEncipherment, KeyUsageBit::DataEncipherment),
        (KeyUsages::KeyAgreement, KeyUsageBit::KeyAgreement),
        (KeyUsages::KeyCertSign, KeyUsageBit::KeyCertSign),
        (KeyUsages::CRLSign, KeyUsageBit::CrlSign),
        (KeyUsages::EncipherOnly, KeyUsageBit::EncipherOnly),
        (KeyUsages::DecipherOnly, KeyUsageBit::DecipherOnly),
    ]
    .into_iter()
    .filter(|(u, _)| flags.contains(*u))
    .map(|(_, b)| b)
    .collect()
}

impl CertificateInfo {
    /// Describes `cert`, found on the token under `label` and `id`.
    pub(crate) fn new(cert: &Certificate, label: &str, id: &[u8]) -> Result<Self, der::Error> {
        let tbs = &cert.tbs_certificate;
        let time = |t: &x509_cert::time::Time| hoso_sign::time::iso8601_vn(t.to_system_time());
        Ok(Self {
            label: label.to_owned(),
            id: hex(id),
            subject: tbs.subject.to_string(),
            issuer: tbs.issuer.to_string(),
            serial: hex(tbs.serial_number.as_bytes()),
            not_before: time(&tbs.validity.not_before),
            not_after: time(&tbs.validity.not_after),
            key_usage: key_usage(cert),
            is_ca: is_ca(cert),
            sha256: hex(&Sha256::digest(cert.to_der()?)),
        })
    }
}
