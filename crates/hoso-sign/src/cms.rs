//! CMS SignedData for PAdES (RFC 5652 §5, ETSI EN 319 142-1 §5.2, ETSI EN 319 122-1 §5.2):
//! detached `id-data`, signed attributes content-type, message-digest and signing-certificate-v2,
//! no signing-time (the time is the PDF `/M`), and the RFC 3161 token as an unsigned attribute.

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::{Attribute, Attributes};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;
use x509_cert::Certificate;

use crate::oids;
use crate::signer::SignatureAlgorithm;

/// `IssuerSerial` (RFC 5035 §4).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct IssuerSerial {
    /// The issuer's name as GeneralNames.
    pub issuer: Vec<GeneralName>,
    /// The certificate serial number.
    pub serial_number: SerialNumber,
}

/// `ESSCertIDv2` (RFC 5035 §4), hash algorithm SHA-256 (the DEFAULT, so omitted in DER).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct EssCertIdV2 {
    /// hashAlgorithm; absent means id-sha256.
    #[asn1(optional = "true")]
    pub hash_algorithm: Option<AlgorithmIdentifierOwned>,
    /// Hash of the whole certificate.
    pub cert_hash: OctetString,
    /// Issuer and serial of the certificate.
    #[asn1(optional = "true")]
    pub issuer_serial: Option<IssuerSerial>,
}

/// `SigningCertificateV2` (RFC 5035 §3).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SigningCertificateV2 {
    /// The certificates, signer's first.
    pub certs: Vec<EssCertIdV2>,
    /// Policies (never written).
    #[asn1(optional = "true")]
    pub policies: Option<Any>,
}

fn attribute(oid: der::asn1::ObjectIdentifier, value: Any) -> Result<Attribute, der::Error> {
    let mut values = SetOfVec::new();
    values.insert(value)?;
    Ok(Attribute { oid, values })
}

/// The SHA-256 algorithm identifier, parameters absent (RFC 5754 §2).
pub fn sha256_alg() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: oids::SHA256,
        parameters: None,
    }
}

/// RSASSA-PSS parameters for SHA-256, MGF1-SHA-256, salt 32 (RFC 4055 §3.1).
pub fn pss_sha256_params() -> Any {
    let params = rsa::pkcs1::RsaPssParams::new::<Sha256>(32);
    let der = params.to_der().expect("fixed PSS parameters always encode");
    Any::from_der(&der).expect("just encoded")
}

/// `signing-certificate-v2` for `cert` (RFC 5035; ETSI EN 319 122-1 §5.2.2.3).
pub fn signing_certificate_v2(cert: &Certificate) -> Result<Attribute, der::Error> {
    let der = cert.to_der()?;
    let id = EssCertIdV2 {
        hash_algorithm: None,
        cert_hash: OctetString::new(Sha256::digest(&der).to_vec())?,
        issuer_serial: Some(IssuerSerial {
            issuer: vec![GeneralName::DirectoryName(
                cert.tbs_certificate.issuer.clone(),
            )],
            serial_number: cert.tbs_certificate.serial_number.clone(),
        }),
    };
    let v = SigningCertificateV2 {
        certs: vec![id],
        policies: None,
    };
    attribute(oids::SIGNING_CERTIFICATE_V2, Any::from_der(&v.to_der()?)?)
}

/// The signed attributes PAdES baseline requires (ETSI EN 319 142-1 §6.3, Table 1):
/// content-type = id-data, message-digest = `content_digest`, signing-certificate-v2.
pub fn signed_attributes(
    content_digest: &[u8; 32],
    signer: &Certificate,
) -> Result<Attributes, der::Error> {
    let mut attrs = SetOfVec::new();
    attrs.insert(attribute(
        oids::CONTENT_TYPE,
        Any::from_der(&oids::ID_DATA.to_der()?)?,
    )?)?;
    attrs.insert(attribute(
        oids::MESSAGE_DIGEST,
        Any::from_der(&OctetString::new(content_digest.to_vec())?.to_der()?)?,
    )?)?;
    attrs.insert(signing_certificate_v2(signer)?)?;
    Ok(attrs)
}

/// The bytes the signature is computed over: the DER of the signed attributes as a SET OF
/// (RFC 5652 §5.4, with the EXPLICIT SET OF tag, not the `[0] IMPLICIT` one).
pub fn signed_attributes_digest(attrs: &Attributes) -> Result<[u8; 32], der::Error> {
    Ok(Sha256::digest(attrs.to_der()?).into())
}

/// The `signature-time-stamp-token` unsigned attribute wrapping a TimeStampToken.
pub fn timestamp_attribute(token: &ContentInfo) -> Result<Attribute, der::Error> {
    attribute(
        oids::SIGNATURE_TIME_STAMP_TOKEN,
        Any::from_der(&token.to_der()?)?,
    )
}

/// Everything a SignerInfo needs apart from the key.
pub struct SignerInfoParts<'a> {
    /// Certificates to embed, signer first.
    pub chain: &'a [Certificate],
    /// The signature algorithm.
    pub algorithm: SignatureAlgorithm,
    /// The signed attributes.
    pub signed_attrs: Attributes,
    /// The signature over them.
    pub signature: Vec<u8>,
    /// Unsigned attributes (the timestamp token).
    pub unsigned_attrs: Option<Attributes>,
}

/// Encodes a detached `ContentInfo { id-signedData, SignedData }` (RFC 5652 §3, §5.1).
pub fn encode_signed_data(parts: &SignerInfoParts<'_>) -> Result<Vec<u8>, der::Error> {
    let signer = parts
        .chain
        .first()
        .ok_or_else(|| der::Error::from(der::ErrorKind::Failed))?;
    let mut certs = SetOfVec::new();
    for c in parts.chain {
        // A chain repeating a certificate would make SetOfVec refuse the duplicate.
        let _ = certs.insert(CertificateChoices::Certificate(c.clone()));
    }
    let si = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: signer.tbs_certificate.issuer.clone(),
            serial_number: signer.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: sha256_alg(),
        signed_attrs: Some(parts.signed_attrs.clone()),
        signature_algorithm: parts.algorithm.algorithm_identifier(),
        signature: OctetString::new(parts.signature.clone())?,
        unsigned_attrs: parts.unsigned_attrs.clone(),
    };
    let mut digest_algs = SetOfVec::new();
    digest_algs.insert(sha256_alg())?;
    let mut infos = SetOfVec::new();
    infos.insert(si)?;
    let sd = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: digest_algs,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: oids::ID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(certs)),
        crls: None,
        signer_infos: SignerInfos(infos),
    };
    ContentInfo {
        content_type: oids::ID_SIGNED_DATA,
        content: Any::from_der(&sd.to_der()?)?,
    }
    .to_der()
}

/// Decodes a `ContentInfo` holding SignedData; trailing zero padding (from `/Contents`) is
/// ignored by decoding only the first TLV.
pub fn decode_signed_data(bytes: &[u8]) -> Result<SignedData, der::Error> {
    let ci = ContentInfo::from_der(first_tlv(bytes)?)?;
    if ci.content_type != oids::ID_SIGNED_DATA {
        return Err(der::ErrorKind::OidUnknown {
            oid: ci.content_type,
        }
        .into());
    }
    ci.content.decode_as::<SignedData>()
}

/// The first complete DER TLV of `bytes`.
pub fn first_tlv(bytes: &[u8]) -> Result<&[u8], der::Error> {
    let mut r = der::SliceReader::new(bytes)?;
    let header = der::Header::decode(&mut r)?;
    let total = (header.encoded_len()? + header.length)?;
    let n = usize::try_from(total)?;
    bytes.get(..n).ok_or_else(|| {
        der::ErrorKind::Incomplete {
            expected_len: total,
            actual_len: der::Length::try_from(bytes.len()).unwrap_or(der::Length::ZERO),
        }
        .into()
    })
}

/// The values of attribute `oid`.
pub fn attribute_values<'a>(
    attrs: &'a Attributes,
    oid: &der::asn1::ObjectIdentifier,
) -> Vec<&'a Any> {
    attrs
        .iter()
        .filter(|a| &a.oid == oid)
        .flat_map(|a| a.values.iter())
        .collect()
}

/// Serialises an error as its message (reports carry text, not the library's types).
fn serialize_display<S: serde::Serializer>(
    e: &impl std::fmt::Display,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_str(e)
}

/// Why a SignerInfo did not verify (RFC 5652 §5.6).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[non_exhaustive]
pub enum CmsError {
    /// The CMS (or an attribute in it) could not be decoded or re-encoded; the source is the
    /// DER library's error, with its position.
    #[error("CMS structure cannot be decoded: {0}")]
    Decode(
        #[source]
        #[serde(serialize_with = "serialize_display")]
        der::Error,
    ),
    /// Not exactly one SignerInfo.
    #[error("expected exactly one SignerInfo, found {0}")]
    SignerInfoCount(usize),
    /// The signer's certificate is not embedded.
    #[error("the signer's certificate is not in the CMS")]
    SignerCertificateMissing,
    /// A SignerInfo without signed attributes (not allowed by PAdES or RFC 3161).
    #[error("the SignerInfo has no signed attributes")]
    NoSignedAttributes,
    /// content-type attribute missing or wrong.
    #[error("content-type attribute missing or not {expected}")]
    ContentType {
        /// What was expected.
        expected: String,
    },
    /// message-digest attribute missing or different from the content's digest.
    #[error("message-digest does not match the signed content")]
    MessageDigestMismatch,
    /// The signature over the signed attributes is wrong.
    #[error("signature over the signed attributes: {0}")]
    Signature(crate::crypto::CryptoError),
    /// A digest algorithm we cannot compute.
    #[error("digest: {0}")]
    Digest(crate::crypto::CryptoError),
    /// signing-certificate(-v2) does not name the signer's certificate.
    #[error("signing-certificate attribute does not match the signer's certificate")]
    SigningCertificateMismatch,
}

/// A SignerInfo that verified, with what was learnt.
#[derive(Debug, Clone)]
pub struct VerifiedSignerInfo {
    /// The signer's certificate.
    pub signer: Certificate,
    /// Every embedded certificate.
    pub certificates: Vec<Certificate>,
    /// The SignerInfo itself.
    pub info: SignerInfo,
    /// Whether a signing-certificate-v2 (or v1) attribute was present and matched.
    pub has_signing_certificate: bool,
    /// Whether a CMS signing-time attribute is present (not PAdES).
    pub has_signing_time: bool,
    /// Whether the SignerInfo has signed attributes (RFC 5652 §5.3; PAdES requires them,
    /// `adbe.pkcs7.detached` does not).
    pub has_signed_attributes: bool,
}

fn embedded_certs(sd: &SignedData) -> Vec<Certificate> {
    sd.certificates
        .as_ref()
        .map(|s| {
            s.0.iter()
                .filter_map(|c| match c {
                    CertificateChoices::Certificate(c) => Some(c.clone()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Verifies the single SignerInfo of `sd`: the content-type attribute is `content_type`, the
/// message-digest equals `content_digest(digest_alg)`, the signature over the DER signed
/// attributes verifies with the embedded signer certificate, and a signing-certificate(-v2)
/// attribute, when present, names that certificate (RFC 5035 §5.4).
pub fn verify_signer_info(
    sd: &SignedData,
    content_type: &der::asn1::ObjectIdentifier,
    content_digest: impl Fn(&der::asn1::ObjectIdentifier) -> Result<Vec<u8>, crate::crypto::CryptoError>,
) -> Result<VerifiedSignerInfo, CmsError> {
    let infos: Vec<&SignerInfo> = sd.signer_infos.0.iter().collect();
    let [si] = infos.as_slice() else {
        return Err(CmsError::SignerInfoCount(infos.len()));
    };
    let certs = embedded_certs(sd);
    let signer = match &si.sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => certs.iter().find(|c| {
            c.tbs_certificate.issuer == ias.issuer
                && c.tbs_certificate.serial_number == ias.serial_number
        }),
        SignerIdentifier::SubjectKeyIdentifier(ski) => certs.iter().find(|c| {
            c.tbs_certificate
                .extensions
                .as_ref()
                .and_then(|e| {
                    e.iter()
                        .find(|x| x.extn_id == der::asn1::ObjectIdentifier::new_unwrap("2.5.29.14"))
                })
                .and_then(|x| {
                    x509_cert::ext::pkix::SubjectKeyIdentifier::from_der(x.extn_value.as_bytes())
                        .ok()
                })
                .is_some_and(|k| k.0 == ski.0)
        }),
    }
    .cloned()
    .ok_or(CmsError::SignerCertificateMissing)?;
    let Some(attrs) = si.signed_attrs.as_ref() else {
        return verify_without_attributes(si, signer, certs, content_type, content_digest);
    };
    let ct = attribute_values(attrs, &oids::CONTENT_TYPE);
    let ct_ok = ct.len() == 1
        && ct[0]
            .decode_as::<der::asn1::ObjectIdentifier>()
            .is_ok_and(|o| &o == content_type);
    if !ct_ok {
        return Err(CmsError::ContentType {
            expected: content_type.to_string(),
        });
    }
    let md = attribute_values(attrs, &oids::MESSAGE_DIGEST);
    let expected = content_digest(&si.digest_alg.oid).map_err(CmsError::Digest)?;
    let md_ok = md.len() == 1
        && md[0]
            .decode_as::<OctetString>()
            .is_ok_and(|o| o.as_bytes() == expected.as_slice());
    if !md_ok {
        return Err(CmsError::MessageDigestMismatch);
    }
    let signed = attrs.to_der().map_err(CmsError::Decode)?;
    crate::crypto::verify(
        &signer.tbs_certificate.subject_public_key_info,
        &si.signature_algorithm,
        Some(&si.digest_alg.oid),
        &signed,
        si.signature.as_bytes(),
    )
    .map_err(CmsError::Signature)?;
    let has_signing_certificate = check_signing_certificate(attrs, &signer)?;
    Ok(VerifiedSignerInfo {
        signer,
        certificates: certs,
        info: (*si).clone(),
        has_signing_certificate,
        has_signing_time: !attribute_values(attrs, &oids::SIGNING_TIME).is_empty(),
        has_signed_attributes: true,
    })
}

/// RFC 5652 §5.4 without signed attributes: the signature is over the content itself (here its
/// digest, so a large file is never held in memory). Only for id-data content; EdDSA, which
/// signs the message and not a digest, is refused in this form.
fn verify_without_attributes(
    si: &SignerInfo,
    signer: Certificate,
    certs: Vec<Certificate>,
    content_type: &der::asn1::ObjectIdentifier,
    content_digest: impl Fn(&der::asn1::ObjectIdentifier) -> Result<Vec<u8>, crate::crypto::CryptoError>,
) -> Result<VerifiedSignerInfo, CmsError> {
    if *content_type != oids::ID_DATA
        || si.signature_algorithm.oid == oids::ED25519
        || si.signature_algorithm.oid == oids::ED448
    {
        return Err(CmsError::NoSignedAttributes);
    }
    let alg = crate::crypto::message_digest_alg(&si.signature_algorithm, Some(&si.digest_alg.oid))
        .map_err(CmsError::Signature)?;
    let digest = content_digest(&alg).map_err(CmsError::Digest)?;
    match crate::crypto::verify_digest(
        &signer.tbs_certificate.subject_public_key_info,
        &si.signature_algorithm,
        Some(&si.digest_alg.oid),
        &digest,
        si.signature.as_bytes(),
    ) {
        Ok(()) => {}
        // Without a message-digest attribute a changed byte and a wrong key look the same.
        Err(crate::crypto::CryptoError::Mismatch) => return Err(CmsError::MessageDigestMismatch),
        Err(e) => return Err(CmsError::Signature(e)),
    }
    Ok(VerifiedSignerInfo {
        signer,
        certificates: certs,
        info: si.clone(),
        has_signing_certificate: false,
        has_signing_time: false,
        has_signed_attributes: false,
    })
}

/// Returns whether an ESS signing-certificate attribute is present; errors if it names another
/// certificate.
fn check_signing_certificate(attrs: &Attributes, signer: &Certificate) -> Result<bool, CmsError> {
    let der = signer.to_der().map_err(CmsError::Decode)?;
    if let Some(v) = attribute_values(attrs, &oids::SIGNING_CERTIFICATE_V2).first() {
        let sc: SigningCertificateV2 = v.decode_as().map_err(CmsError::Decode)?;
        let first = sc
            .certs
            .first()
            .ok_or(CmsError::SigningCertificateMismatch)?;
        let alg = first
            .hash_algorithm
            .as_ref()
            .map_or(oids::SHA256, |a| a.oid);
        let h = crate::crypto::hash(&alg, &der).map_err(CmsError::Digest)?;
        return if h == first.cert_hash.as_bytes() {
            Ok(true)
        } else {
            Err(CmsError::SigningCertificateMismatch)
        };
    }
    if let Some(v) = attribute_values(attrs, &oids::SIGNING_CERTIFICATE).first() {
        // ESS v1 (RFC 2634 §5.4): SEQUENCE { SEQUENCE OF ESSCertID { certHash SHA-1, ... } }.
        // SHA-1 is not computed here; presence is reported, the hash is not trusted.
        let _ = v;
        return Ok(false);
    }
    Ok(false)
}

#[cfg(test)]
mod error_tests {
    use super::*;

    #[test]
    fn decode_errors_carry_the_der_error_and_serialise_as_text() {
        let der_err = OctetString::from_der(&[0x04, 0x05, 0x00]).expect_err("truncated");
        let e = CmsError::Decode(der_err);
        let source = std::error::Error::source(&e).expect("a source");
        assert!(source.downcast_ref::<der::Error>().is_some());
        let json = serde_json::to_value(&e).expect("json");
        assert_eq!(json["Decode"], der_err.to_string(), "{json}");
    }
}
