//! Certificate paths to configured trust roots (a subset of RFC 5280 §6: signatures, validity
//! at a given time, basic constraints, key usage). Revocation is not checked here.
//!
//! Every root the user configured is trusted, whatever its name says. The one exception is
//! hoso's own bundled demo root (`certs/demo-root-ca.pem`), recognised by its SHA-256
//! fingerprint [`DEMO_ROOT_SHA256`], never by a word in a subject: it is refused unless the store
//! was built with [`TrustStore::allow_demo`], so a demo certificate never looks trusted by
//! accident.

use std::time::SystemTime;

use der::oid::AssociatedOid;
use der::{Decode, DecodePem, Encode};
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage};
use x509_cert::Certificate;

use crate::oids;

/// Roots the user configured.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    roots: Vec<Certificate>,
    allow_demo: bool,
}

/// Why a trust store could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrustStoreError {
    /// A PEM/DER file could not be read.
    #[error("cannot read trust file {path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A certificate could not be decoded.
    #[error("bad certificate in {path}: {source}")]
    BadCertificate {
        /// The file.
        path: std::path::PathBuf,
        /// The decoder's error.
        #[source]
        source: der::Error,
    },
}

/// The demo root shipped in `certs/`, trusted only with `--demo`.
pub const DEMO_ROOT_PEM: &str = include_str!("../../../certs/demo-root-ca.pem");

/// SHA-256 of the DER of [`DEMO_ROOT_PEM`] (`openssl x509 -in certs/demo-root-ca.pem -noout
/// -fingerprint -sha256`); a unit test checks the two agree.
pub const DEMO_ROOT_SHA256: [u8; 32] = [
    0x55, 0xF6, 0x7D, 0x09, 0xFC, 0x22, 0xD8, 0x43, 0x25, 0x03, 0xB4, 0x2F, 0x69, 0x4B, 0x7A, 0x8A,
    0xC7, 0x96, 0x01, 0xF3, 0xA9, 0x6C, 0x14, 0x33, 0x57, 0xD7, 0xEB, 0xA8, 0xFE, 0xD9, 0x40, 0x02,
];

/// SHA-256 over a certificate's DER encoding.
pub fn fingerprint(c: &Certificate) -> Option<[u8; 32]> {
    use sha2::Digest;
    c.to_der().ok().map(|d| sha2::Sha256::digest(d).into())
}

/// Whether `c` is hoso's bundled demo root (by fingerprint).
pub fn is_bundled_demo_root(c: &Certificate) -> bool {
    fingerprint(c) == Some(DEMO_ROOT_SHA256)
}

impl TrustStore {
    /// An empty store: nothing is trusted.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a root.
    pub fn add(&mut self, cert: Certificate) {
        if !self.roots.contains(&cert) {
            self.roots.push(cert);
        }
    }

    /// Adds every certificate in a PEM (one or more blocks) or DER file.
    pub fn add_file(&mut self, path: &std::path::Path) -> Result<(), TrustStoreError> {
        let data = std::fs::read(path).map_err(|e| TrustStoreError::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        for c in parse_certificates(&data).map_err(|e| TrustStoreError::BadCertificate {
            path: path.to_path_buf(),
            source: e,
        })? {
            self.add(c);
        }
        Ok(())
    }

    /// Allows demo roots and adds the shipped demo root.
    pub fn allow_demo(&mut self) {
        self.allow_demo = true;
        if let Ok(c) = Certificate::from_pem(DEMO_ROOT_PEM) {
            self.add(c);
        }
    }

    /// Whether demo roots are allowed.
    pub fn demo_allowed(&self) -> bool {
        self.allow_demo
    }

    /// The roots.
    pub fn roots(&self) -> &[Certificate] {
        &self.roots
    }
}

/// Reads PEM blocks or a single DER certificate.
pub fn parse_certificates(data: &[u8]) -> Result<Vec<Certificate>, der::Error> {
    if data.starts_with(b"-----") || data.windows(11).any(|w| w == b"-----BEGIN ") {
        let text = String::from_utf8_lossy(data);
        let mut out = Vec::new();
        let mut rest = text.as_ref();
        while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
            let end_tag = "-----END CERTIFICATE-----";
            let end =
                rest[start..].find(end_tag).ok_or(der::ErrorKind::Failed)? + start + end_tag.len();
            out.push(Certificate::from_pem(&rest[start..end])?);
            rest = &rest[end..];
        }
        Ok(out)
    } else {
        Ok(vec![Certificate::from_der(data)?])
    }
}

/// What the end certificate is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Document signatures: keyUsage, when present, allows digitalSignature or nonRepudiation.
    DocumentSigning,
    /// RFC 3161 §2.3: extendedKeyUsage critical and exactly id-kp-timeStamping.
    TimeStamping,
}

/// Why a path could not be built or is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[non_exhaustive]
pub enum ChainError {
    /// A certificate on the path was expired at the validation time.
    #[error("certificate \"{subject}\" expired on {not_after}")]
    Expired {
        /// Subject.
        subject: String,
        /// Its notAfter.
        not_after: String,
    },
    /// A certificate on the path was not yet valid.
    #[error("certificate \"{subject}\" is not valid before {not_before}")]
    NotYetValid {
        /// Subject.
        subject: String,
        /// Its notBefore.
        not_before: String,
    },
    /// The path ends at a root that is not configured.
    #[error("the root \"{root}\" is not a trusted root")]
    UntrustedRoot {
        /// The last certificate reached.
        root: String,
    },
    /// The path ends at a demo root and `--demo` was not given.
    #[error("the root \"{root}\" is a DEMO root and is trusted only with --demo")]
    DemoRootRefused {
        /// The demo root.
        root: String,
    },
    /// No issuer for a certificate was found among the embedded and trusted certificates.
    #[error("no issuer found for \"{subject}\"")]
    IssuerNotFound {
        /// The certificate whose issuer is missing.
        subject: String,
    },
    /// An issuer is not a CA (basicConstraints / keyUsage keyCertSign).
    #[error("\"{subject}\" is not allowed to issue certificates")]
    NotACa {
        /// The would-be issuer.
        subject: String,
    },
    /// The end certificate's key usage forbids the purpose.
    #[error("key usage of \"{subject}\" does not allow {purpose}")]
    KeyUsage {
        /// Subject.
        subject: String,
        /// What was needed.
        purpose: &'static str,
    },
    /// The path is longer than any real PKI.
    #[error("certificate path too long")]
    TooLong,
}

/// A subject name as text.
pub fn subject(c: &Certificate) -> String {
    c.tbs_certificate.subject.to_string()
}

fn extension<T: for<'a> Decode<'a> + AssociatedOid>(c: &Certificate) -> Option<(bool, T)> {
    let ext = c
        .tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| e.extn_id == T::OID)?;
    T::from_der(ext.extn_value.as_bytes())
        .ok()
        .map(|v| (ext.critical, v))
}

fn format_time(t: SystemTime) -> String {
    crate::time::iso8601_vn(t)
}

/// Checks validity at `at` (RFC 5280 §4.1.2.5).
pub fn check_validity(c: &Certificate, at: SystemTime) -> Result<(), ChainError> {
    let v = &c.tbs_certificate.validity;
    let nb = v.not_before.to_system_time();
    let na = v.not_after.to_system_time();
    if at < nb {
        return Err(ChainError::NotYetValid {
            subject: subject(c),
            not_before: format_time(nb),
        });
    }
    if at > na {
        return Err(ChainError::Expired {
            subject: subject(c),
            not_after: format_time(na),
        });
    }
    Ok(())
}

/// Checks the end certificate's usage for `purpose`.
pub fn check_usage(c: &Certificate, purpose: Purpose) -> Result<(), ChainError> {
    match purpose {
        Purpose::DocumentSigning => match extension::<KeyUsage>(c) {
            Some((_, ku)) if !(ku.digital_signature() || ku.non_repudiation()) => {
                Err(ChainError::KeyUsage {
                    subject: subject(c),
                    purpose: "digitalSignature/nonRepudiation",
                })
            }
            _ => Ok(()),
        },
        Purpose::TimeStamping => match extension::<ExtendedKeyUsage>(c) {
            Some((true, eku)) if eku.0 == [oids::KP_TIME_STAMPING] => Ok(()),
            _ => Err(ChainError::KeyUsage {
                subject: subject(c),
                purpose: "critical extendedKeyUsage timeStamping",
            }),
        },
    }
}

fn is_ca(c: &Certificate) -> bool {
    let bc = matches!(extension::<BasicConstraints>(c), Some((_, b)) if b.ca);
    let ku = match extension::<KeyUsage>(c) {
        Some((_, ku)) => ku.key_cert_sign(),
        None => true,
    };
    bc && ku
}

fn is_demo(c: &Certificate) -> bool {
    is_bundled_demo_root(c)
}

/// Builds and checks a path from `leaf` through `pool` (embedded certificates) to a root in
/// `store`, every certificate valid at `at`. Returns the path, leaf first, root last.
pub fn validate(
    leaf: &Certificate,
    pool: &[Certificate],
    store: &TrustStore,
    at: SystemTime,
    purpose: Purpose,
) -> Result<Vec<Certificate>, ChainError> {
    check_usage(leaf, purpose)?;
    let mut path = vec![leaf.clone()];
    for _ in 0..12 {
        let cur = path.last().expect("path starts with the leaf").clone();
        check_validity(&cur, at)?;
        let cur_der = cur.to_der().ok();
        if store
            .roots
            .iter()
            .any(|r| r.to_der().ok() == cur_der && cur_der.is_some())
        {
            return finish_path(path, store);
        }
        let issuer_of = |cands: &[Certificate]| -> Option<Certificate> {
            cands
                .iter()
                .filter(|c| c.tbs_certificate.subject == cur.tbs_certificate.issuer)
                .filter(|c| c.to_der().ok() != cur_der)
                .find(|c| crate::crypto::verify_cert_signature(&cur, c).is_ok())
                .cloned()
        };
        let next = issuer_of(&store.roots).or_else(|| issuer_of(pool));
        match next {
            Some(n) => {
                if !is_ca(&n) {
                    return Err(ChainError::NotACa {
                        subject: subject(&n),
                    });
                }
                path.push(n);
            }
            None => {
                let self_signed = cur.tbs_certificate.subject == cur.tbs_certificate.issuer
                    && crate::crypto::verify_cert_signature(&cur, &cur).is_ok();
                return Err(if self_signed && is_demo(&cur) && !store.allow_demo {
                    ChainError::DemoRootRefused {
                        root: subject(&cur),
                    }
                } else if self_signed {
                    ChainError::UntrustedRoot {
                        root: subject(&cur),
                    }
                } else {
                    ChainError::IssuerNotFound {
                        subject: subject(&cur),
                    }
                });
            }
        }
    }
    Err(ChainError::TooLong)
}

fn finish_path(path: Vec<Certificate>, store: &TrustStore) -> Result<Vec<Certificate>, ChainError> {
    let root = path.last().expect("non-empty path");
    if is_demo(root) && !store.allow_demo {
        return Err(ChainError::DemoRootRefused {
            root: subject(root),
        });
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_fingerprint_is_the_bundled_root() {
        let root = Certificate::from_pem(DEMO_ROOT_PEM).expect("bundled demo root");
        assert!(is_bundled_demo_root(&root));
    }

    #[test]
    fn a_configured_root_is_trusted_whatever_its_name() {
        let demo = Certificate::from_pem(DEMO_ROOT_PEM).expect("bundled demo root");
        // The demo issuing CA says DEMO in its subject; configured as a root it is trusted.
        let issuing = parse_certificates(include_bytes!("../../../certs/demo-issuing-ca.pem"))
            .expect("issuing CA")
            .remove(0);
        assert!(subject(&issuing).contains("DEMO"));
        let mut store = TrustStore::new();
        store.add(issuing.clone());
        assert!(finish_path(vec![issuing.clone()], &store).is_ok());
        // The bundled root stays refused without --demo, even when configured...
        store.add(demo.clone());
        assert!(matches!(
            finish_path(vec![demo.clone()], &store),
            Err(ChainError::DemoRootRefused { .. })
        ));
        // ...and is accepted with it.
        store.allow_demo();
        assert!(finish_path(vec![demo], &store).is_ok());
    }
}
