//! The compact payload printed as a QR code on registered documents.
//!
//! `HS1:<ORIGIN>:<seq>:<base32(first 16 bytes of SHA-256)>` — the origin upper-cased and base32
//! (RFC 4648 §6, no padding) so that with a typical origin the whole string stays in the QR
//! alphanumeric character set (ISO/IEC 18004 §7.4.4) and fits a small symbol. 128 bits of the
//! hash are kept: enough that a forged file matching the printed prefix is out of reach, while
//! the register holds the full hash.

use std::fmt;
use std::str::FromStr;

use data_encoding::BASE32_NOPAD;

use crate::tree::Hash;

/// Version tag opening every payload.
pub const QR_PREFIX: &str = "HS1";

/// Bytes of the file hash carried in the payload.
pub const QR_HASH_PREFIX_LEN: usize = 16;

/// A parsed QR payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrPayload {
    /// The register's origin, upper-cased.
    pub origin: String,
    /// The entry's sequence number.
    pub seq: u64,
    /// The first 16 bytes of the file's SHA-256.
    pub hash_prefix: [u8; QR_HASH_PREFIX_LEN],
}

/// Why a string is not a QR payload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QrError {
    /// It does not start with `HS1:`.
    #[error("not a hoso register payload (expected it to start with {QR_PREFIX}:)")]
    Prefix,
    /// It has not four `:`-separated parts.
    #[error("payload must be HS1:<origin>:<seq>:<hash>")]
    Shape,
    /// The sequence number is not a decimal number.
    #[error("sequence number {0:?} is not a number")]
    Seq(String),
    /// The hash part is not base32 of 16 bytes.
    #[error("hash part {0:?} is not base32 of 16 bytes")]
    Hash(String),
}

impl QrPayload {
    /// The payload for entry `seq` of the register `origin` holding a file of hash `sha256`.
    pub fn new(origin: &str, seq: u64, sha256: &Hash) -> Self {
        let mut hash_prefix = [0u8; QR_HASH_PREFIX_LEN];
        hash_prefix.copy_from_slice(&sha256[..QR_HASH_PREFIX_LEN]);
        Self {
            origin: origin.to_uppercase(),
            seq,
            hash_prefix,
        }
    }

    /// Whether this payload names the register `origin`.
    pub fn is_for_origin(&self, origin: &str) -> bool {
        self.origin == origin.to_uppercase()
    }

    /// Whether `sha256` starts with the carried prefix.
    pub fn matches_hash(&self, sha256: &Hash) -> bool {
        sha256[..QR_HASH_PREFIX_LEN] == self.hash_prefix
    }
}

impl fmt::Display for QrPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{QR_PREFIX}:{}:{}:{}",
            self.origin,
            self.seq,
            BASE32_NOPAD.encode(&self.hash_prefix)
        )
    }
}

impl FromStr for QrPayload {
    type Err = QrError;
    fn from_str(s: &str) -> Result<Self, QrError> {
        let rest = s
            .trim()
            .strip_prefix(QR_PREFIX)
            .and_then(|r| r.strip_prefix(':'))
            .ok_or(QrError::Prefix)?;
        // The origin may itself contain ':' (a port); the last two fields cannot.
        let mut parts = rest.rsplitn(3, ':');
        let (Some(hash), Some(seq), Some(origin)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(QrError::Shape);
        };
        if origin.is_empty() {
            return Err(QrError::Shape);
        }
        if seq.is_empty() || !seq.bytes().all(|b| b.is_ascii_digit()) {
            return Err(QrError::Seq(seq.to_owned()));
        }
        let seq: u64 = seq.parse().map_err(|_| QrError::Seq(seq.to_owned()))?;
        let hash_prefix: [u8; QR_HASH_PREFIX_LEN] = BASE32_NOPAD
            .decode(hash.to_ascii_uppercase().as_bytes())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| QrError::Hash(hash.to_owned()))?;
        Ok(Self {
            origin: origin.to_uppercase(),
            seq,
            hash_prefix,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_alphanumeric_set() {
        let sha: Hash = core::array::from_fn(|i| i as u8 * 7);
        let p = QrPayload::new("hoso/ubnd-phuong-1:8443", 1234567, &sha);
        let s = p.to_string();
        assert_eq!(s.parse::<QrPayload>().unwrap(), p);
        assert!(p.is_for_origin("hoso/ubnd-phuong-1:8443"));
        assert!(p.matches_hash(&sha));
        // QR alphanumeric mode: 0-9 A-Z space $ % * + - . / :
        assert!(s
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || " $%*+-./:".contains(c)));
        assert!(s.len() < 80, "{s}");
    }

    #[test]
    fn default_origin_is_ascii_for_vietnamese_station_names() {
        let o = crate::CreateOptions::for_station("Một cửa — Phường Bến Nghé, Quận 1").origin;
        assert_eq!(o, "hoso/mot-cua-phuong-ben-nghe-quan-1");
        let s = QrPayload::new(&o, 7, &[0; 32]).to_string();
        assert!(
            s.starts_with("HS1:HOSO/MOT-CUA-PHUONG-BEN-NGHE-QUAN-1:7:"),
            "{s}"
        );
    }

    #[test]
    fn rejects_malformed() {
        assert_eq!("XX1:A:1:AAAA".parse::<QrPayload>(), Err(QrError::Prefix));
        assert_eq!("HS1:A:1".parse::<QrPayload>(), Err(QrError::Shape));
        assert!(matches!(
            "HS1:A:-1:AAAAAAAAAAAAAAAAAAAAAAAAAA".parse::<QrPayload>(),
            Err(QrError::Seq(_))
        ));
        assert!(matches!(
            "HS1:A:1:AAAA".parse::<QrPayload>(),
            Err(QrError::Hash(_))
        ));
    }
}

#[cfg(test)]
mod hostile_input {
    use proptest::prelude::*;

    use super::QrPayload;
    use crate::note::{Checkpoint, VerifierKey};

    proptest! {
        /// Parsers of outside input never panic, and what parses prints back to itself.
        #[test]
        fn parsers_never_panic(s in "\\PC{0,120}", bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let lossy = String::from_utf8_lossy(&bytes);
            for input in [s.as_str(), lossy.as_ref()] {
                if let Ok(p) = input.parse::<QrPayload>() {
                    prop_assert_eq!(p.to_string().parse::<QrPayload>().unwrap(), p);
                }
                let _ = Checkpoint::parse_note_text(input);
                let _ = VerifierKey::parse(input);
                let _ = crate::note::StationKey::from_signer_string(input);
            }
            let key = crate::note::StationKey::from_seed("hoso/x", &[3; 32]).unwrap().verifier();
            let _ = key.verify_note(&s);
            let _ = key.verify_note(&format!("hoso/x\n1\n{s}\n\n\u{2014} hoso/x {s}\n"));
        }
    }
}
