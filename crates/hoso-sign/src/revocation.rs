//! Revocation data: OCSP (RFC 6960) requests and responses, CRLs (RFC 5280 §5), fetched over
//! HTTP or HTTPS from the URLs a certificate names (authorityInfoAccess id-ad-ocsp, RFC 5280
//! §4.2.2.1; cRLDistributionPoints, §4.2.1.13) and checked: the responder or CRL issuer, the
//! signature, and the status of one certificate at a given time.
//!
//! Responses and CRLs are signed by the CA (or its delegated OCSP responder), so integrity does
//! not need TLS; HTTPS (rustls, web PKI roots) is accepted because some CAs publish only there.
//! The client is bounded: at most [`MAX_URLS_PER_CERTIFICATE`] URLs per certificate,
//! [`REQUEST_TIMEOUT`] per request, redirects only to the same scheme and host, and size caps on
//! every response.

use std::time::{Duration, SystemTime};

use der::asn1::{ObjectIdentifier as Oid, OctetString};
use der::{Decode, Encode};
use sha1::Sha1;
use sha2::Digest;
use spki::AlgorithmIdentifierOwned;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{AuthorityInfoAccessSyntax, CrlDistributionPoints, ExtendedKeyUsage};
use x509_cert::Certificate;
use x509_ocsp::{
    BasicOcspResponse, CertId, CertStatus, OcspRequest, OcspResponse, OcspResponseStatus, Request,
    ResponderId, TbsRequest,
};

/// id-ad-ocsp (RFC 5280 §4.2.2.1).
pub const ID_AD_OCSP: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.1");
/// id-pkix-ocsp-basic (RFC 6960 §4.2.1).
pub const ID_PKIX_OCSP_BASIC: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.1.1");
/// id-kp-OCSPSigning (RFC 6960 §4.2.2.2).
pub const KP_OCSP_SIGNING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.9");
/// id-sha1 (RFC 3279 §2.2.1), used only for CertID hashes as RFC 6960 §4.1.1 expects.
pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");

/// URLs tried per certificate, OCSP responders first, then CRL distribution points.
pub const MAX_URLS_PER_CERTIFICATE: usize = 4;
/// Time allowed for one HTTP request, redirects included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Redirects followed per request (each to the same scheme and host).
const MAX_REDIRECTS: usize = 3;
/// Largest OCSP response read.
const MAX_OCSP_LEN: u64 = 1 << 20;
/// Largest CRL read.
const MAX_CRL_LEN: u64 = 64 << 20;

/// Why revocation data could not be obtained or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[non_exhaustive]
pub enum RevocationError {
    /// The certificate names no OCSP responder and no CRL distribution point.
    #[error("\"{subject}\" names no OCSP responder or CRL distribution point")]
    NoSource {
        /// The certificate.
        subject: String,
    },
    /// The HTTP request failed.
    #[error("{url} unreachable: {reason}")]
    Unreachable {
        /// The URL.
        url: String,
        /// What the HTTP client said.
        reason: String,
    },
    /// The bytes are not an OCSPResponse / CertificateList.
    #[error("cannot decode {what}: {reason}")]
    Decode {
        /// OCSP response or CRL.
        what: &'static str,
        /// The decoder's error.
        reason: String,
    },
    /// The OCSP responder answered with an error status (RFC 6960 §4.2.1).
    #[error("OCSP responder refused: status {status}")]
    OcspStatus {
        /// OCSPResponseStatus.
        status: u32,
    },
    /// The response is not about this certificate.
    #[error("the OCSP response does not cover the certificate")]
    NotCovered,
    /// No certificate authorised to sign the response or CRL was found, or its signature is wrong.
    #[error("the {what} signature does not verify with the issuer or an authorised responder")]
    BadSignature {
        /// OCSP response or CRL.
        what: &'static str,
    },
    /// A redirect pointed to another scheme or host.
    #[error("{url} redirects to {location}, outside its own scheme and host")]
    ForeignRedirect {
        /// The URL asked.
        url: String,
        /// Where it pointed.
        location: String,
    },
    /// The CRL is from another issuer.
    #[error("the CRL is issued by \"{crl_issuer}\", not by the certificate's issuer")]
    WrongIssuer {
        /// The CRL's issuer.
        crl_issuer: String,
    },
}

/// The status a piece of revocation data gives a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Status {
    /// Not revoked as of `this_update`.
    Good,
    /// Revoked at this time.
    Revoked {
        /// revocationTime / revocationDate.
        #[serde(skip)]
        at: SystemTime,
    },
    /// The responder does not know the certificate (OCSP only).
    Unknown,
}

/// What a checked OCSP response or CRL says about one certificate.
#[derive(Debug, Clone)]
pub struct Checked {
    /// OCSP or CRL.
    pub source: Source,
    /// The status.
    pub status: Status,
    /// thisUpdate.
    pub this_update: SystemTime,
    /// nextUpdate, if given.
    pub next_update: Option<SystemTime>,
    /// The OCSP responder's certificate when it is not the issuer (delegated responder).
    pub responder: Option<Certificate>,
}

/// Kind of revocation data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Source {
    /// An OCSP response.
    Ocsp,
    /// A CRL.
    Crl,
}

fn ext<T: for<'a> Decode<'a> + der::oid::AssociatedOid>(c: &Certificate) -> Option<T> {
    c.tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| e.extn_id == T::OID)
        .and_then(|e| T::from_der(e.extn_value.as_bytes()).ok())
}

fn uri(g: &GeneralName) -> Option<String> {
    match g {
        GeneralName::UniformResourceIdentifier(u) => Some(u.to_string()),
        _ => None,
    }
}

fn is_web(u: &str) -> bool {
    let l = u.to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://")
}

/// The `http:`/`https:` OCSP responder URLs of `cert` (authorityInfoAccess, RFC 5280 §4.2.2.1).
pub fn ocsp_urls(cert: &Certificate) -> Vec<String> {
    ext::<AuthorityInfoAccessSyntax>(cert)
        .map(|aia| {
            aia.0
                .iter()
                .filter(|a| a.access_method == ID_AD_OCSP)
                .filter_map(|a| uri(&a.access_location))
                .filter(|u| is_web(u))
                .collect()
        })
        .unwrap_or_default()
}

/// The `http:`/`https:` CRL URLs of `cert` (cRLDistributionPoints fullName, RFC 5280 §4.2.1.13).
pub fn crl_urls(cert: &Certificate) -> Vec<String> {
    let dps = ext::<CrlDistributionPoints>(cert)
        .map(|d| d.0)
        .unwrap_or_default();
    dps.iter()
        .filter_map(|dp: &DistributionPoint| match &dp.distribution_point {
            Some(DistributionPointName::FullName(names)) => Some(names.clone()),
            _ => None,
        })
        .flatten()
        .filter_map(|g| uri(&g))
        .filter(|u| is_web(u))
        .collect()
}

/// The CertID of `cert` issued by `issuer`, hashed with SHA-1 (RFC 6960 §4.1.1: the issuer's
/// DER-encoded Name and the BIT STRING value of its subjectPublicKey).
pub fn cert_id(cert: &Certificate, issuer: &Certificate) -> Result<CertId, der::Error> {
    cert_id_with(cert, issuer, &SHA1)
        .ok_or_else(|| der::Error::from(der::ErrorKind::Failed))
        .and_then(|r| r)
}

fn cert_id_with(
    cert: &Certificate,
    issuer: &Certificate,
    alg: &Oid,
) -> Option<Result<CertId, der::Error>> {
    let name = match issuer.tbs_certificate.subject.to_der() {
        Ok(n) => n,
        Err(e) => return Some(Err(e)),
    };
    let key = issuer
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .raw_bytes();
    let (nh, kh) = if *alg == SHA1 {
        (Sha1::digest(&name).to_vec(), Sha1::digest(key).to_vec())
    } else {
        (
            crate::crypto::hash(alg, &name).ok()?,
            crate::crypto::hash(alg, key).ok()?,
        )
    };
    Some((|| {
        Ok(CertId {
            hash_algorithm: AlgorithmIdentifierOwned {
                oid: *alg,
                parameters: Some(der::asn1::Null.into()),
            },
            issuer_name_hash: OctetString::new(nh)?,
            issuer_key_hash: OctetString::new(kh)?,
            serial_number: cert.tbs_certificate.serial_number.clone(),
        })
    })())
}

/// A DER `OCSPRequest` for one certificate, unsigned, without a nonce (RFC 6960 §4.1.1; the
/// response's freshness is judged from thisUpdate, as RFC 5019 lightweight responders expect).
pub fn ocsp_request(cert: &Certificate, issuer: &Certificate) -> Result<Vec<u8>, der::Error> {
    OcspRequest {
        tbs_request: TbsRequest {
            request_list: vec![Request {
                req_cert: cert_id(cert, issuer)?,
                single_request_extensions: None,
            }],
            ..TbsRequest::default()
        },
        optional_signature: None,
    }
    .to_der()
}

fn same_id(a: &CertId, cert: &Certificate, issuer: &Certificate) -> bool {
    match cert_id_with(cert, issuer, &a.hash_algorithm.oid) {
        Some(Ok(b)) => {
            a.issuer_name_hash == b.issuer_name_hash
                && a.issuer_key_hash == b.issuer_key_hash
                && a.serial_number == b.serial_number
        }
        _ => false,
    }
}

fn responder_matches(id: &ResponderId, c: &Certificate) -> bool {
    match id {
        ResponderId::ByName(n) => *n == c.tbs_certificate.subject,
        ResponderId::ByKey(h) => {
            Sha1::digest(
                c.tbs_certificate
                    .subject_public_key_info
                    .subject_public_key
                    .raw_bytes(),
            )
            .as_slice()
                == h.as_bytes()
        }
    }
}

fn verify_signed(
    signer: &Certificate,
    alg: &AlgorithmIdentifierOwned,
    tbs: &[u8],
    sig: &[u8],
) -> bool {
    crate::crypto::verify(
        &signer.tbs_certificate.subject_public_key_info,
        alg,
        None,
        tbs,
        sig,
    )
    .is_ok()
}

/// Decodes an `OCSPResponse` into its BasicOCSPResponse.
pub fn decode_ocsp(der_bytes: &[u8]) -> Result<BasicOcspResponse, RevocationError> {
    let bad = |e: der::Error| RevocationError::Decode {
        what: "OCSP response",
        reason: e.to_string(),
    };
    let resp = OcspResponse::from_der(der_bytes).map_err(bad)?;
    if resp.response_status != OcspResponseStatus::Successful {
        return Err(RevocationError::OcspStatus {
            status: resp.response_status as u32,
        });
    }
    let rb = resp.response_bytes.ok_or(RevocationError::Decode {
        what: "OCSP response",
        reason: "successful without responseBytes".into(),
    })?;
    if rb.response_type != ID_PKIX_OCSP_BASIC {
        return Err(RevocationError::Decode {
            what: "OCSP response",
            reason: format!(
                "response type {} is not id-pkix-ocsp-basic",
                rb.response_type
            ),
        });
    }
    BasicOcspResponse::from_der(rb.response.as_bytes()).map_err(bad)
}

/// Checks a DER `OCSPResponse` for `cert` issued by `issuer` (RFC 6960 §3.2): it covers the
/// certificate, and it is signed by the issuer or by a responder certificate the issuer issued
/// for id-kp-OCSPSigning (§4.2.2.2).
pub fn check_ocsp(
    der_bytes: &[u8],
    cert: &Certificate,
    issuer: &Certificate,
) -> Result<Checked, RevocationError> {
    let basic = decode_ocsp(der_bytes)?;
    let single = basic
        .tbs_response_data
        .responses
        .iter()
        .find(|s| same_id(&s.cert_id, cert, issuer))
        .ok_or(RevocationError::NotCovered)?;
    let tbs = basic
        .tbs_response_data
        .to_der()
        .map_err(|e| RevocationError::Decode {
            what: "OCSP response",
            reason: e.to_string(),
        })?;
    let sig = basic.signature.raw_bytes();
    let rid = &basic.tbs_response_data.responder_id;
    let responder = if responder_matches(rid, issuer)
        && verify_signed(issuer, &basic.signature_algorithm, &tbs, sig)
    {
        None
    } else {
        let delegated = basic.certs.iter().flatten().find(|c| {
            responder_matches(rid, c)
                && c.tbs_certificate.issuer == issuer.tbs_certificate.subject
                && crate::crypto::verify_cert_signature(c, issuer).is_ok()
                && ext::<ExtendedKeyUsage>(c).is_some_and(|e| e.0.contains(&KP_OCSP_SIGNING))
                && verify_signed(c, &basic.signature_algorithm, &tbs, sig)
        });
        match delegated {
            Some(c) => Some(c.clone()),
            None => return Err(RevocationError::BadSignature { what: "OCSP" }),
        }
    };
    let status = match &single.cert_status {
        CertStatus::Good(_) => Status::Good,
        CertStatus::Revoked(info) => Status::Revoked {
            at: info.revocation_time.0.to_system_time(),
        },
        CertStatus::Unknown(_) => Status::Unknown,
    };
    Ok(Checked {
        source: Source::Ocsp,
        status,
        this_update: single.this_update.0.to_system_time(),
        next_update: single.next_update.map(|t| t.0.to_system_time()),
        responder,
    })
}

/// Checks a DER CRL for `cert` issued by `issuer` (RFC 5280 §6.3.3, the parts a direct CRL
/// needs: issuer name, signature by the issuer's key, the serial number in revokedCertificates).
pub fn check_crl(
    der_bytes: &[u8],
    cert: &Certificate,
    issuer: &Certificate,
) -> Result<Checked, RevocationError> {
    let crl = CertificateList::from_der(der_bytes).map_err(|e| RevocationError::Decode {
        what: "CRL",
        reason: e.to_string(),
    })?;
    let tbs = &crl.tbs_cert_list;
    if tbs.issuer != cert.tbs_certificate.issuer || tbs.issuer != issuer.tbs_certificate.subject {
        return Err(RevocationError::WrongIssuer {
            crl_issuer: tbs.issuer.to_string(),
        });
    }
    let tbs_der = tbs.to_der().map_err(|e| RevocationError::Decode {
        what: "CRL",
        reason: e.to_string(),
    })?;
    if !verify_signed(
        issuer,
        &crl.signature_algorithm,
        &tbs_der,
        crl.signature.raw_bytes(),
    ) {
        return Err(RevocationError::BadSignature { what: "CRL" });
    }
    let status = tbs
        .revoked_certificates
        .iter()
        .flatten()
        .find(|r| r.serial_number == cert.tbs_certificate.serial_number)
        .map_or(Status::Good, |r| Status::Revoked {
            at: r.revocation_date.to_system_time(),
        });
    Ok(Checked {
        source: Source::Crl,
        status,
        this_update: tbs.this_update.to_system_time(),
        next_update: tbs.next_update.map(|t| t.to_system_time()),
        responder: None,
    })
}

/// Fetches revocation data over HTTP(S).
#[derive(Debug, Clone)]
pub struct RevocationClient {
    timeout: Duration,
}

impl Default for RevocationClient {
    fn default() -> Self {
        Self {
            timeout: REQUEST_TIMEOUT,
        }
    }
}

/// Revocation data fetched for one certificate, raw DER as it goes into a DSS.
#[derive(Debug, Clone, Default)]
pub struct Fetched {
    /// DER OCSPResponses that checked out.
    pub ocsps: Vec<Vec<u8>>,
    /// DER CRLs that checked out.
    pub crls: Vec<Vec<u8>>,
    /// Certificates needed to check them (delegated OCSP responders).
    pub certs: Vec<Certificate>,
    /// The statuses found.
    pub statuses: Vec<Checked>,
}

/// The scheme and authority (`https://host:port`) of a URL, lowercased, for the redirect rule.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    Some(format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        host.to_ascii_lowercase()
    ))
}

/// Resolves a `Location` header against `base`: absolute URLs as they are, absolute paths on
/// the same origin.
fn resolve(base: &str, location: &str) -> Option<String> {
    if location.contains("://") {
        Some(location.to_owned())
    } else if location.starts_with('/') && !location.starts_with("//") {
        Some(format!("{}{location}", origin(base)?))
    } else {
        None
    }
}

impl RevocationClient {
    /// A client with a 10 s timeout per request.
    pub fn new() -> Self {
        Self::default()
    }

    fn agent(&self) -> ureq::Agent {
        ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into()
    }

    /// One request with redirects followed by hand, each only within the same scheme and host.
    fn request(
        &self,
        url: &str,
        body: Option<&[u8]>,
        limit: u64,
    ) -> Result<Vec<u8>, RevocationError> {
        let agent = self.agent();
        let mut current = url.to_owned();
        for _ in 0..=MAX_REDIRECTS {
            let unreachable = |e: &dyn std::fmt::Display| RevocationError::Unreachable {
                url: current.clone(),
                reason: e.to_string(),
            };
            let sent = match body {
                Some(b) => agent
                    .post(&current)
                    .header("Content-Type", "application/ocsp-request")
                    .send(b),
                None => agent.get(&current).call(),
            };
            let mut resp = sent.map_err(|e| unreachable(&e))?;
            let status = resp.status().as_u16();
            if (300..400).contains(&status) {
                let location = resp
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let next = resolve(&current, &location)
                    .filter(|n| origin(n).is_some() && origin(n) == origin(&current))
                    .ok_or_else(|| RevocationError::ForeignRedirect {
                        url: current.clone(),
                        location: location.clone(),
                    })?;
                current = next;
                continue;
            }
            if status != 200 {
                return Err(unreachable(&format!("HTTP status {status}")));
            }
            return resp
                .body_mut()
                .with_config()
                .limit(limit)
                .read_to_vec()
                .map_err(|e| unreachable(&e));
        }
        Err(RevocationError::Unreachable {
            url: url.to_owned(),
            reason: format!("more than {MAX_REDIRECTS} redirects"),
        })
    }

    /// POSTs an OCSP request to `url` (RFC 6960 Appendix A.1) and returns the DER reply.
    pub fn post_ocsp(&self, url: &str, request: &[u8]) -> Result<Vec<u8>, RevocationError> {
        self.request(url, Some(request), MAX_OCSP_LEN)
    }

    /// GETs a CRL (RFC 5280 §4.2.1.13, DER over HTTP).
    pub fn get_crl(&self, url: &str) -> Result<Vec<u8>, RevocationError> {
        self.request(url, None, MAX_CRL_LEN)
    }

    /// The URLs to try for `cert`: OCSP responders first, then CRLs, at most
    /// [`MAX_URLS_PER_CERTIFICATE`] in all.
    fn urls(cert: &Certificate) -> Result<(Vec<String>, Vec<String>), RevocationError> {
        let mut ocsp = ocsp_urls(cert);
        let mut crls = crl_urls(cert);
        if ocsp.is_empty() && crls.is_empty() {
            return Err(RevocationError::NoSource {
                subject: crate::chain::subject(cert),
            });
        }
        ocsp.truncate(MAX_URLS_PER_CERTIFICATE);
        crls.truncate(MAX_URLS_PER_CERTIFICATE - ocsp.len());
        Ok((ocsp, crls))
    }

    /// Asks the OCSP responders of `cert` until one gives a checked answer.
    fn ask_ocsp(
        &self,
        urls: &[String],
        cert: &Certificate,
        issuer: &Certificate,
        out: &mut Fetched,
    ) -> Result<(), RevocationError> {
        let req = ocsp_request(cert, issuer).map_err(|e| RevocationError::Decode {
            what: "OCSP request",
            reason: e.to_string(),
        })?;
        let mut last_err = Ok(());
        for url in urls {
            match self
                .post_ocsp(url, &req)
                .and_then(|der| check_ocsp(&der, cert, issuer).map(|c| (der, c)))
            {
                Ok((der, c)) => {
                    if let Some(r) = &c.responder {
                        out.certs.push(r.clone());
                    }
                    out.ocsps.push(der);
                    out.statuses.push(c);
                    return Ok(());
                }
                Err(e) => last_err = Err(e),
            }
        }
        last_err
    }

    /// Fetches the CRLs of `cert`; with `first_only`, stops at the first that checks out.
    fn get_crls(
        &self,
        urls: &[String],
        cert: &Certificate,
        issuer: &Certificate,
        first_only: bool,
        out: &mut Fetched,
    ) -> Result<(), RevocationError> {
        let mut last_err = Ok(());
        for url in urls {
            match self
                .get_crl(url)
                .and_then(|der| check_crl(&der, cert, issuer).map(|c| (der, c)))
            {
                Ok((der, c)) => {
                    out.crls.push(der);
                    out.statuses.push(c);
                    if first_only {
                        return Ok(());
                    }
                }
                Err(e) => last_err = Err(e),
            }
        }
        last_err
    }

    /// Fetches and checks everything `cert` (issued by `issuer`) names, for embedding in a DSS:
    /// the first OCSP responder that gives a checked answer, and its CRLs. Errors only when the
    /// certificate names sources and none of them gave usable data.
    pub fn fetch(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
    ) -> Result<Fetched, RevocationError> {
        let (ocsp, crls) = Self::urls(cert)?;
        let mut out = Fetched::default();
        let a = self.ask_ocsp(&ocsp, cert, issuer, &mut out);
        let b = self.get_crls(&crls, cert, issuer, false, &mut out);
        if out.statuses.is_empty() {
            b.and(a)?;
        }
        Ok(out)
    }

    /// The status of `cert` now, as Circular 15/2025/TT-BKHCN orders it: OCSP when the
    /// certificate names a responder and it answers good or revoked; otherwise the CRL. Errors
    /// when nothing gave a definite answer.
    pub fn fetch_status(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
    ) -> Result<Fetched, RevocationError> {
        let (ocsp, crls) = Self::urls(cert)?;
        let mut out = Fetched::default();
        let ocsp_result = self.ask_ocsp(&ocsp, cert, issuer, &mut out);
        let definite = |f: &Fetched| {
            f.statuses
                .iter()
                .any(|c| matches!(c.status, Status::Good | Status::Revoked { .. }))
        };
        if definite(&out) {
            return Ok(out);
        }
        let crl_result = self.get_crls(&crls, cert, issuer, true, &mut out);
        if !out.statuses.is_empty() {
            // A definite CRL answer, or only "unknown" from the responder.
            return Ok(out);
        }
        crl_result.and(ocsp_result)?;
        Err(RevocationError::NotCovered)
    }
}

/// The status of `cert` (issued by `issuer`) at `at`, from the OCSP responses and CRLs given:
/// revoked if any checked item says it was revoked at or before `at`; good if a checked item
/// that was current at `at` or issued after it (thisUpdate ≥ `at`, or thisUpdate ≤ `at` ≤
/// nextUpdate) says good or revoked only after `at`; `None` when nothing fresh enough covers the
/// certificate (ETSI EN 319 102-1 §5.2.5: revocation data must be about the time in question).
pub fn status_at(
    cert: &Certificate,
    issuer: &Certificate,
    ocsps: &[Vec<u8>],
    crls: &[Vec<u8>],
    at: SystemTime,
) -> Option<(Status, Checked)> {
    let checked: Vec<Checked> = ocsps
        .iter()
        .filter_map(|d| check_ocsp(d, cert, issuer).ok())
        .chain(crls.iter().filter_map(|d| check_crl(d, cert, issuer).ok()))
        .collect();
    if let Some(c) = checked
        .iter()
        .find(|c| matches!(c.status, Status::Revoked { at: r } if r <= at))
    {
        return Some((c.status, c.clone()));
    }
    // Prefer the freshest good answer.
    let fresh = |c: &&Checked| {
        c.this_update >= at
            || c.next_update
                .is_some_and(|n| c.this_update <= at && at <= n)
    };
    checked
        .iter()
        .filter(fresh)
        .filter(|c| matches!(c.status, Status::Good | Status::Revoked { .. }))
        .max_by_key(|c| c.this_update)
        .map(|c| (Status::Good, c.clone()))
        .or_else(|| {
            checked
                .iter()
                .find(|c| c.status == Status::Unknown)
                .map(|c| (c.status, c.clone()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_stay_on_their_origin() {
        assert_eq!(
            origin("HTTPS://Ocsp.Example.vn:8443/a?b").as_deref(),
            Some("https://ocsp.example.vn:8443")
        );
        assert_eq!(
            resolve("http://ca.vn/x", "/crl/y.crl").as_deref(),
            Some("http://ca.vn/crl/y.crl")
        );
        assert_eq!(resolve("http://ca.vn/x", "//evil.example/y"), None);
        assert_ne!(
            origin("http://ca.vn/x"),
            origin(&resolve("http://ca.vn/x", "https://ca.vn/x").unwrap())
        );
        assert_ne!(
            origin("http://ca.vn/x"),
            origin(&resolve("http://ca.vn/x", "http://ca.vn.evil.example/x").unwrap())
        );
    }

    #[test]
    fn garbage_is_a_decode_error_not_a_panic() {
        assert!(matches!(
            decode_ocsp(&[0x30, 0x03, 0x0a, 0x01, 0x00]),
            Err(RevocationError::Decode { .. })
        ));
        // OCSPResponse { responseStatus tryLater } (RFC 6960 §4.2.1).
        assert_eq!(
            decode_ocsp(&[0x30, 0x03, 0x0a, 0x01, 0x03]).unwrap_err(),
            RevocationError::OcspStatus { status: 3 }
        );
        for n in 0..64u8 {
            let junk: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            let _ = decode_ocsp(&junk);
        }
    }
}
