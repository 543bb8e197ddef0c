//! Reading the register: look a file, a hash or a QR payload up (with its inclusion proof),
//! the latest checkpoint, consistency between two tree sizes, and the newest entries matching
//! an officer's search.

use std::path::{Path, PathBuf};

use hoso_register::{ConsistencyProof, Entry, LookupResult, QrLookup, QrPayload, Register};

use crate::config::Config;
use crate::error::OfficeError;

/// Opens the configured register for reading, with the pinned key (if any) as the key its tree
/// heads are verified with.
pub fn open_read_only(config: &Config) -> Result<Register, OfficeError> {
    let mut reg = Register::open_read_only(&config.register)?;
    reg.set_witnesses(super::configured_witness_keys(config)?);
    if let Some(key) = super::pinned_key(config)? {
        reg.pin_key(key);
    }
    Ok(reg)
}

/// What to look up.
#[derive(Debug, Clone)]
pub enum Query {
    /// A file, hashed here.
    File(PathBuf),
    /// A SHA-256 typed as 64 hex digits.
    Sha256(String),
    /// A QR payload (`HS1:…`).
    Qr(String),
}

/// A lookup's answer.
#[derive(Debug)]
pub enum Lookup {
    /// Entries with that hash (or the QR's entry), each with its proof and checks.
    Found {
        /// The entries, oldest first.
        results: Vec<LookupResult>,
        /// The register's verifier key (name+id+base64), for checking elsewhere.
        vkey: String,
    },
    /// Nothing matches. Issue 14 point 7: nothing of any entry is disclosed (not the title,
    /// code, station or number the QR names, nor whether that entry exists); only the caller's
    /// own hash when it gave a file or a hash.
    NoMatch {
        /// The hash asked for.
        sha256: Option<[u8; 32]>,
    },
    /// The QR payload names another register.
    OtherRegister {
        /// Its origin.
        origin: String,
    },
}

impl Lookup {
    /// Found, and every found entry's checks hold.
    pub fn verified(&self) -> bool {
        match self {
            Lookup::Found { results, .. } => results.iter().all(|r| r.status.verified()),
            _ => false,
        }
    }
}

/// Looks `query` up in `reg`.
///
/// A register whose key is not the pinned one answers nothing: the error says it may have been
/// rebuilt with another key.
pub fn lookup(reg: &Register, query: &Query) -> Result<Lookup, OfficeError> {
    reg.check_pin()?;
    let sha = match query {
        Query::Qr(qr) => {
            let payload: QrPayload = qr.parse().map_err(OfficeError::BadQr)?;
            return Ok(match reg.lookup_qr(&payload)? {
                QrLookup::Found(r) => Lookup::Found {
                    results: vec![*r],
                    vkey: reg.trusted_verifier().to_string(),
                },
                QrLookup::OtherRegister { origin } => Lookup::OtherRegister { origin },
                _ => Lookup::NoMatch { sha256: None },
            });
        }
        Query::File(f) => hoso_register::sha256_file(f).map_err(|source| OfficeError::Read {
            path: f.clone(),
            source,
        })?,
        Query::Sha256(h) => hoso_register::parse_sha256_hex(h).ok_or(OfficeError::BadSha256)?,
    };
    let results = reg.lookup_sha256(&sha)?;
    if results.is_empty() {
        return Ok(Lookup::NoMatch { sha256: Some(sha) });
    }
    Ok(Lookup::Found {
        results,
        vkey: reg.trusted_verifier().to_string(),
    })
}

/// A consistency proof between two tree sizes, checked against itself and against the signed
/// tree heads at both sizes when they exist.
#[derive(Debug)]
pub struct Consistency {
    /// The proof (RFC 9162 §2.1.4).
    pub proof: ConsistencyProof,
    /// It verifies, and its roots equal the signed ones.
    pub verified: bool,
}

/// Proves that the tree at `from` entries is a prefix of the tree at `to` (default: now).
pub fn consistency(reg: &Register, from: u64, to: Option<u64>) -> Result<Consistency, OfficeError> {
    let to = match to {
        Some(t) => t,
        None => reg.size()?,
    };
    let proof = reg.consistency_proof(from, to)?;
    let mut verified = proof.verify().is_ok();
    for (size, root) in [(from, proof.first_root), (to, proof.second_root)] {
        if let Some(signed) = reg.checkpoint_at(size)? {
            verified &= signed.checkpoint.root == root;
        }
    }
    Ok(Consistency { proof, verified })
}

/// The newest entries, the signed tree heads and the total, for browsing.
#[derive(Debug, Clone, Default)]
pub struct Browse {
    /// Entries in the register.
    pub total: u64,
    /// Matching entries, newest first.
    pub entries: Vec<Entry>,
    /// The newest signed tree heads: (size, time), newest first.
    pub checkpoints: Vec<(u64, String)>,
}

/// Does `e` match the officer's search (dossier code, title, copy number or hash prefix)?
pub fn matches(e: &Entry, query: &str) -> bool {
    if query.is_empty() {
        return true;
    }
    let q = query.to_lowercase();
    crate::hex(&e.sha256).starts_with(&q)
        || e.dossier_code
            .as_deref()
            .is_some_and(|c| c.to_lowercase().contains(&q))
        || e.title
            .as_deref()
            .is_some_and(|t| t.to_lowercase().contains(&q))
        || e.copy
            .as_ref()
            .is_some_and(|c| c.to_string().to_lowercase().contains(&q))
}

/// The newest entries of the register at `path` matching `query`, at most `limit` (1..=500),
/// and its 20 newest tree heads. A register that does not exist yet is empty.
pub fn browse(path: &Path, query: &str, limit: u64) -> Result<Browse, OfficeError> {
    if !path.exists() {
        return Ok(Browse::default());
    }
    let reg = Register::open_read_only(path)?;
    let total = reg.entry_count()?;
    let limit = limit.clamp(1, 500) as usize;
    let q = query.trim();
    let mut entries = Vec::new();
    for seq in (0..total).rev() {
        if entries.len() >= limit {
            break;
        }
        if let Some(e) = reg.entry(seq)? {
            if matches(&e, q) {
                entries.push(e);
            }
        }
    }
    let checkpoints = reg
        .checkpoints()?
        .into_iter()
        .rev()
        .take(20)
        .map(|c| (c.checkpoint.size, c.time))
        .collect();
    Ok(Browse {
        total,
        entries,
        checkpoints,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::append::{append_file, AppendKind, AppendRequest};
    use crate::register::tests::config;

    #[test]
    fn lookup_by_file_hash_and_qr_and_no_match_discloses_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = config(dir.path());
        let file = dir.path().join("a.pdf");
        std::fs::write(&file, b"%PDF-1.7 a").expect("write");
        let req = AppendRequest {
            kind: AppendKind::Dossier,
            dossier_code: Some("H01".into()),
            title: Some("Bí mật".into()),
            signer_fingerprint: None,
            extra_json: None,
        };
        let appended = append_file(&cfg, &file, req).expect("append");
        let reg = open_read_only(&cfg).expect("open");
        let hex = crate::hex(&appended.entry.sha256);
        for q in [
            Query::File(file.clone()),
            Query::Sha256(hex.to_uppercase()),
            Query::Qr(appended.qr.clone()),
        ] {
            let found = lookup(&reg, &q).expect("lookup");
            assert!(found.verified(), "{q:?}");
            let Lookup::Found { results, .. } = found else {
                panic!("{q:?} not found")
            };
            assert_eq!(results[0].entry.seq, 0);
        }
        let other = dir.path().join("b.pdf");
        std::fs::write(&other, b"%PDF-1.7 b").expect("write");
        let none = lookup(&reg, &Query::File(other)).expect("lookup");
        assert!(
            matches!(none, Lookup::NoMatch { sha256: Some(_) }),
            "{none:?}"
        );
        assert!(!none.verified());
        // A QR for entry 0 with another hash prefix: no match, and nothing of entry 0.
        let forged = QrPayload::new(reg.origin(), 0, &[7; 32]).to_string();
        let l = lookup(&reg, &Query::Qr(forged)).expect("lookup");
        assert!(matches!(l, Lookup::NoMatch { sha256: None }), "{l:?}");
        assert!(matches!(
            lookup(&reg, &Query::Sha256("zz".into())),
            Err(OfficeError::BadSha256)
        ));
        assert!(matches!(
            lookup(&reg, &Query::Qr("not a qr".into())),
            Err(OfficeError::BadQr(_))
        ));
    }

    #[test]
    fn consistency_and_browse() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = config(dir.path());
        assert_eq!(browse(&cfg.register, "", 10).expect("empty").total, 0);
        for i in 0..3 {
            let file = dir.path().join(format!("{i}.pdf"));
            std::fs::write(&file, format!("%PDF-1.7 {i}")).expect("write");
            let req = AppendRequest {
                kind: AppendKind::Other,
                dossier_code: Some(format!("CODE-{i}")),
                title: None,
                signer_fingerprint: None,
                extra_json: None,
            };
            append_file(&cfg, &file, req).expect("append");
        }
        let reg = open_read_only(&cfg).expect("open");
        let c = consistency(&reg, 1, None).expect("proof");
        assert!(c.verified);
        assert_eq!((c.proof.first, c.proof.second), (1, 3));
        let b = browse(&cfg.register, "code-1", 10).expect("browse");
        assert_eq!(b.total, 3);
        assert_eq!(b.entries.len(), 1);
        assert_eq!(b.entries[0].dossier_code.as_deref(), Some("CODE-1"));
        assert_eq!(b.checkpoints.first().map(|c| c.0), Some(3));
        let all = browse(&cfg.register, "", 2).expect("browse");
        assert_eq!(
            all.entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
            [2, 1]
        );
    }
}
