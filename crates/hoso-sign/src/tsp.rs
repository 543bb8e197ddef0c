//! RFC 3161 timestamps: requesting a token over HTTP (§3.4) and checking a token against an
//! expected message imprint, with the TSA's certificate chain (§2.3, §2.4.2).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cms::content_info::ContentInfo;
use der::asn1::{Int, OctetString};
use der::{Decode, Encode};
use spki::AlgorithmIdentifier;
use x509_cert::Certificate;
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

use crate::chain::{self, ChainError, Purpose, TrustStore};
use crate::cms::{decode_signed_data, verify_signer_info, CmsError};
use crate::oids;

/// A timestamp token that verified.
#[derive(Debug, Clone)]
pub struct VerifiedTimestamp {
    /// genTime.
    pub gen_time: SystemTime,
    /// The TSA certificate.
    pub tsa_certificate: Certificate,
    /// The TSA chain result (trusted path, or why not).
    pub chain: Result<Vec<Certificate>, ChainError>,
    /// The decoded TSTInfo.
    pub tst_info: TstInfo,
}

/// Why a token is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[non_exhaustive]
pub enum TimestampError {
    /// The token is not a SignedData over a TSTInfo.
    #[error("timestamp token cannot be decoded: {0}")]
    Decode(String),
    /// The token's SignerInfo does not verify.
    #[error("timestamp token signature: {0}")]
    Cms(CmsError),
    /// The imprint is not the hash of what was timestamped.
    #[error("the timestamp is over other data (message imprint mismatch)")]
    ImprintMismatch,
}

/// Why a timestamp could not be obtained while signing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TsaError {
    /// The TSA could not be reached.
    #[error("TSA {url} unreachable: {reason}")]
    Unreachable {
        /// The URL.
        url: String,
        /// What the HTTP client said.
        reason: String,
    },
    /// The reply is not a TimeStampResp; the source is the DER decoder's error.
    #[error("TSA reply cannot be decoded: {0}")]
    BadReply(#[source] der::Error),
    /// The request could not be encoded (a nonce or imprint the DER encoder refused).
    #[error("TSA request cannot be encoded: {0}")]
    Request(#[source] der::Error),
    /// The TSA said "granted" but sent no token (RFC 3161 §2.4.2).
    #[error("TSA granted the request but sent no token")]
    NoToken,
    /// The TSA refused (PKIStatus not granted).
    #[error("TSA refused the request (PKIStatus {status})")]
    Rejected {
        /// The status value.
        status: u8,
    },
    /// The nonce differs from the request's.
    #[error("TSA reply nonce does not match the request")]
    NonceMismatch,
    /// The token is not valid.
    #[error(transparent)]
    Token(#[from] TimestampError),
    /// The TSA certificate chain is not trusted.
    #[error("TSA certificate: {0}")]
    Chain(ChainError),
}

/// Decodes and checks `token` over `data` (the imprint is the hash of `data` with the token's
/// algorithm), checking the TSA chain against `store` at the token's genTime.
pub fn verify_token(
    token: &ContentInfo,
    data: &[u8],
    store: &TrustStore,
) -> Result<VerifiedTimestamp, TimestampError> {
    verify_token_with(token, |alg| crate::crypto::hash(alg, data), store)
}

/// As [`verify_token`], with the imprint computed by `imprint` for the token's hash algorithm
/// (so data that is not in memory, such as a document timestamp's byte range, can be streamed).
pub fn verify_token_with(
    token: &ContentInfo,
    imprint: impl Fn(&der::asn1::ObjectIdentifier) -> Result<Vec<u8>, crate::crypto::CryptoError>,
    store: &TrustStore,
) -> Result<VerifiedTimestamp, TimestampError> {
    let der = token
        .to_der()
        .map_err(|e| TimestampError::Decode(e.to_string()))?;
    let sd = decode_signed_data(&der).map_err(|e| TimestampError::Decode(e.to_string()))?;
    if sd.encap_content_info.econtent_type != oids::ID_CT_TST_INFO {
        return Err(TimestampError::Decode(
            "eContentType is not id-ct-TSTInfo".into(),
        ));
    }
    let econtent = sd
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or_else(|| TimestampError::Decode("no TSTInfo".into()))?;
    let tst_der = econtent
        .decode_as::<OctetString>()
        .map_err(|e| TimestampError::Decode(e.to_string()))?
        .into_bytes();
    let tst = TstInfo::from_der(&tst_der).map_err(|e| TimestampError::Decode(e.to_string()))?;
    let verified = verify_signer_info(&sd, &oids::ID_CT_TST_INFO, |alg| {
        crate::crypto::hash(alg, &tst_der)
    })
    .map_err(TimestampError::Cms)?;
    let expected = imprint(&tst.message_imprint.hash_algorithm.oid)
        .map_err(|e| TimestampError::Decode(e.to_string()))?;
    if tst.message_imprint.hashed_message.as_bytes() != expected.as_slice() {
        return Err(TimestampError::ImprintMismatch);
    }
    let gen_time = tst.gen_time.to_system_time();
    let chain = chain::validate(
        &verified.signer,
        &verified.certificates,
        store,
        gen_time,
        Purpose::TimeStamping,
    );
    Ok(VerifiedTimestamp {
        gen_time,
        tsa_certificate: verified.signer,
        chain,
        tst_info: tst,
    })
}

/// Bytes reserved for a timestamp token before a TSA has answered once: tokens carrying a
/// three-certificate RSA-4096 chain are about 7 KiB.
pub const TOKEN_BUDGET: usize = 12 * 1024;

/// An RFC 3161 client for one TSA URL (HTTP; replies are signed, so no TLS is needed for
/// integrity).
#[derive(Debug, Clone)]
pub struct TsaClient {
    url: String,
    timeout: Duration,
    trust: TrustStore,
    /// DER length of the largest token this TSA returned (shared by clones; 0 before the first).
    largest_token: Arc<AtomicUsize>,
}

impl TsaClient {
    /// A client for `url` whose TSA certificate must chain to `trust`.
    pub fn new(url: &str, trust: TrustStore) -> Self {
        Self {
            url: url.to_owned(),
            timeout: Duration::from_secs(20),
            trust,
            largest_token: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Bytes to reserve for one of this TSA's tokens before asking for it: the largest token it
    /// returned so far plus slack for serial numbers and genTime fractions, or
    /// [`TOKEN_BUDGET`] before the first. A token that still does not fit makes the caller sign
    /// again with the size it now knows (once), so each signature asks the TSA once.
    pub fn token_budget(&self) -> usize {
        match self.largest_token.load(Ordering::Relaxed) {
            0 => TOKEN_BUDGET,
            n => n + 1024,
        }
    }

    /// Starts the budget from a known token length (an office that knows its TSA, or a test
    /// that wants the first token not to fit).
    pub fn with_token_len(self, len: usize) -> Self {
        Self {
            largest_token: Arc::new(AtomicUsize::new(len)),
            ..self
        }
    }

    /// Records the DER length of a token that did not fit, so the next budget covers it.
    pub fn note_token_len(&self, len: usize) {
        self.largest_token.fetch_max(len, Ordering::Relaxed);
    }

    /// The URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Requests a token over `data` (its SHA-256 is the imprint) and checks the reply: status,
    /// nonce, imprint, token signature and TSA chain (RFC 3161 §2.4.2).
    pub fn timestamp(&self, data: &[u8]) -> Result<ContentInfo, TsaError> {
        use sha2::Digest;
        self.timestamp_sha256(sha2::Sha256::digest(data).into())
    }

    /// As [`TsaClient::timestamp`], given the SHA-256 of the data (a document timestamp's byte
    /// range is hashed while it streams, ETSI EN 319 142-1 §5.4).
    pub fn timestamp_sha256(&self, digest: [u8; 32]) -> Result<ContentInfo, TsaError> {
        let imprint = digest.to_vec();
        let mut nonce = [0u8; 8];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut nonce);
        nonce[0] &= 0x7f;
        nonce[0] |= 0x01;
        let nonce = Int::new(&nonce).map_err(TsaError::Request)?;
        let req = TimeStampReq {
            version: TspVersion::V1,
            message_imprint: MessageImprint {
                hash_algorithm: AlgorithmIdentifier {
                    oid: oids::SHA256,
                    parameters: None,
                },
                hashed_message: OctetString::new(imprint).map_err(TsaError::Request)?,
            },
            req_policy: None,
            nonce: Some(nonce.clone()),
            cert_req: true,
            extensions: None,
        };
        let body = req.to_der().map_err(TsaError::Request)?;
        let reply = self.post(&body)?;
        let resp = TimeStampResp::from_der(&reply).map_err(TsaError::BadReply)?;
        let status = resp.status.status as u8;
        if status > 1 {
            return Err(TsaError::Rejected { status });
        }
        let token = resp.time_stamp_token.ok_or(TsaError::NoToken)?;
        let v = verify_token_with(
            &token,
            |alg| {
                if *alg == oids::SHA256 {
                    Ok(digest.to_vec())
                } else {
                    Err(crate::crypto::CryptoError::UnsupportedAlgorithm(
                        alg.to_string(),
                    ))
                }
            },
            &self.trust,
        )?;
        if v.tst_info.nonce.as_ref() != Some(&nonce) {
            return Err(TsaError::NonceMismatch);
        }
        v.chain.map_err(TsaError::Chain)?;
        if let Ok(der) = token.to_der() {
            self.note_token_len(der.len());
        }
        Ok(token)
    }

    fn post(&self, body: &[u8]) -> Result<Vec<u8>, TsaError> {
        let unreachable = |e: &dyn std::fmt::Display| TsaError::Unreachable {
            url: self.url.clone(),
            reason: e.to_string(),
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .build()
            .into();
        let mut resp = agent
            .post(&self.url)
            .header("Content-Type", "application/timestamp-query")
            .send(body)
            .map_err(|e| unreachable(&e))?;
        resp.body_mut()
            .with_config()
            .limit(1 << 20)
            .read_to_vec()
            .map_err(|e| unreachable(&e))
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use super::*;

    /// A one-shot HTTP server on 127.0.0.1 that answers `body` to the first request.
    fn serve_once(body: &'static [u8]) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/tsa", listener.local_addr().expect("addr"));
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = listener.accept() {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = s.write_all(head.as_bytes());
                let _ = s.write_all(body);
            }
        });
        url
    }

    #[test]
    fn a_reply_that_is_not_der_is_bad_reply_with_the_decoder_error_as_source() {
        let url = serve_once(b"this is not a TimeStampResp");
        let err = TsaClient::new(&url, TrustStore::default())
            .timestamp(b"data")
            .expect_err("garbage reply");
        assert!(matches!(err, TsaError::BadReply(_)), "{err:?}");
        let source = std::error::Error::source(&err).expect("the DER error is the source");
        assert!(source.downcast_ref::<der::Error>().is_some(), "{source:?}");
    }

    #[test]
    fn a_granted_reply_without_a_token_is_no_token() {
        // TimeStampResp ::= SEQUENCE { status PKIStatusInfo ::= SEQUENCE { status INTEGER 0 } }
        let url = serve_once(&[0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x00]);
        let err = TsaClient::new(&url, TrustStore::default())
            .timestamp(b"data")
            .expect_err("no token");
        assert!(matches!(err, TsaError::NoToken), "{err:?}");
    }
}
