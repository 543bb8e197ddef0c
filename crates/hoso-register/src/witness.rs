//! Witnesses: another office (or the province) co-signs the register's checkpoints, and only
//! when each one is consistent with the last one it co-signed — so rolling back the newest
//! entries together with their checkpoints, or forking the log, is refused by every witness
//! that saw the newer state.
//!
//! - Cosignatures — c2sp.org/tlog-cosignature (v1.0.0), Ed25519 type: a signed-note signature
//!   line `— <witness name> base64(key ID ‖ timestamp ‖ signature)`, the key ID being
//!   `SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4]`, the 8-byte big-endian POSIX timestamp and
//!   the Ed25519 signature over `cosignature/v1\ntime <timestamp>\n` followed by the checkpoint
//!   note text. Witness keys are vkeys of signature type 0x04.
//! - The witness — c2sp.org/tlog-witness, `add-checkpoint`: the request is `old <size>`, up to
//!   63 base64 consistency-proof hashes, an empty line, then the signed checkpoint; the witness
//!   verifies the log's signature with the log key it was configured with, checks that the old
//!   size is the size it last co-signed, verifies the RFC 6962 §2.1.2 (= RFC 9162 §2.1.4)
//!   consistency proof from its stored root, persists the new state atomically and answers the
//!   cosignature line. Each refusal carries the HTTP status the spec gives it.
//!
//! Start from [`Witness::open`] and [`Witness::add_checkpoint`] (the witness side) and
//! [`crate::Register::witness_request`] / [`crate::Register::add_cosignatures`] (the log side).

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::note::{
    check_key_name, check_note_text, generate_key, load_or_create_key_file, parse_signer_string,
    signature_line, signer_string, split_key_string, Checkpoint, KeyFileError, NoteError,
    VerifierKey, SIGNATURE_LINE_PREFIX,
};
use crate::tree::{verify_consistency, Hash};

/// Signature type byte of Ed25519 cosignatures (cosignature/v1) — c2sp.org/tlog-cosignature.
pub const SIG_TYPE_COSIGNATURE_V1: u8 = 0x04;

/// The header line of the cosigned message — c2sp.org/tlog-cosignature, "Ed25519 signed message".
pub const COSIGNATURE_HEADER: &str = "cosignature/v1";

/// At most this many consistency-proof lines in a request — c2sp.org/tlog-witness.
pub const MAX_PROOF_LINES: usize = 63;

/// `SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4]` — c2sp.org/tlog-cosignature.
pub fn cosigner_key_id(name: &str, public_key: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([SIG_TYPE_COSIGNATURE_V1]);
    h.update(public_key);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// The message a cosignature signs: header, time line, then the checkpoint note text (its
/// lines up to and including the newline before the blank line).
pub fn cosigned_message(note_text: &str, timestamp: u64) -> String {
    format!("{COSIGNATURE_HEADER}\ntime {timestamp}\n{note_text}")
}

/// A witness's signing key.
pub struct WitnessKey {
    name: String,
    key: SigningKey,
}

impl fmt::Debug for WitnessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WitnessKey")
            .field("name", &self.name)
            .field("verifier", &self.verifier().to_string())
            .finish_non_exhaustive()
    }
}

impl WitnessKey {
    /// A key from its 32-byte Ed25519 seed.
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Self, NoteError> {
        check_key_name(name)?;
        Ok(Self {
            name: name.to_owned(),
            key: SigningKey::from_bytes(seed),
        })
    }

    /// A new random key.
    pub fn generate(name: &str) -> Result<Self, KeyFileError> {
        generate_key(name, Self::from_seed)
    }

    /// Parses `PRIVATE+KEY+<name>+<hex id>+<base64(0x04 ‖ seed)>`.
    pub fn from_signer_string(s: &str) -> Result<Self, NoteError> {
        parse_signer_string(s, SIG_TYPE_COSIGNATURE_V1, Self::from_seed, |k: &Self| {
            k.verifier().key_id()
        })
    }

    /// The signer key string (secret: write it only to a 0600 file).
    pub fn to_signer_string(&self) -> String {
        signer_string(
            &self.name,
            self.verifier().key_id(),
            SIG_TYPE_COSIGNATURE_V1,
            &self.key,
        )
    }

    /// The matching public key.
    pub fn verifier(&self) -> CosignerKey {
        CosignerKey {
            name: self.name.clone(),
            key: self.key.verifying_key(),
        }
    }

    /// The cosignature line (without its newline) over a checkpoint note text at `timestamp`.
    pub fn cosign(&self, note_text: &str, timestamp: u64) -> Result<String, NoteError> {
        check_note_text(note_text)?;
        let sig: Signature = self
            .key
            .sign(cosigned_message(note_text, timestamp).as_bytes());
        Ok(signature_line(
            &self.name,
            &[
                &self.verifier().key_id(),
                &timestamp.to_be_bytes(),
                &sig.to_bytes(),
            ],
        ))
    }

    /// Loads the key at `path`, or creates it (mode 0600) when there is none; a file readable
    /// by others is refused, as for the station key.
    pub fn load_or_create(path: &Path, name: &str) -> Result<Self, KeyFileError> {
        load_or_create_key_file(
            path,
            Self::from_signer_string,
            || Self::generate(name),
            Self::to_signer_string,
        )
    }
}

/// A witness's public key (a vkey of signature type 0x04).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CosignerKey {
    name: String,
    key: VerifyingKey,
}

/// A cosignature that verified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cosignature {
    /// The witness's name.
    pub witness: String,
    /// When it co-signed, POSIX seconds.
    pub timestamp: u64,
    /// The signature line, as stored.
    pub line: String,
}

impl CosignerKey {
    /// Parses `<name>+<hex key ID>+<base64(0x04 ‖ public key)>`.
    pub fn parse(s: &str) -> Result<Self, NoteError> {
        let (name, id, key) = split_key_string(s.trim())?;
        let bytes = B64.decode(key).map_err(|_| NoteError::MalformedKey)?;
        let public: [u8; 32] = match bytes.split_first() {
            Some((&SIG_TYPE_COSIGNATURE_V1, k)) => {
                k.try_into().map_err(|_| NoteError::MalformedKey)?
            }
            _ => return Err(NoteError::MalformedKey),
        };
        let key = VerifyingKey::from_bytes(&public).map_err(|_| NoteError::MalformedKey)?;
        let me = Self {
            name: name.to_owned(),
            key,
        };
        let expected = hoso_pdf::hex(&me.key_id());
        if id != expected {
            return Err(NoteError::KeyIdMismatch {
                found: id.to_owned(),
                expected,
            });
        }
        Ok(me)
    }

    /// The witness's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key ID.
    pub fn key_id(&self) -> [u8; 4] {
        cosigner_key_id(&self.name, self.key.as_bytes())
    }

    /// Checks one signature line (with or without its newline) over the checkpoint note text:
    /// `None` when the line is not by this key (name and key ID), an error when it is but does
    /// not verify.
    pub fn verify_line(&self, note_text: &str, line: &str) -> Option<Result<u64, NoteError>> {
        let rest = line
            .trim_end_matches('\n')
            .strip_prefix(SIGNATURE_LINE_PREFIX)?;
        let (name, blob) = rest.split_once(' ')?;
        if name != self.name {
            return None;
        }
        let blob = B64.decode(blob).ok()?;
        if blob.len() != 4 + 8 + 64 || blob[..4] != self.key_id() {
            return None;
        }
        let timestamp = u64::from_be_bytes(blob[4..12].try_into().expect("8 bytes"));
        let bad = || NoteError::BadSignature {
            name: self.name.clone(),
        };
        if timestamp > i64::MAX as u64 {
            return Some(Err(bad()));
        }
        let sig = match Signature::from_slice(&blob[12..]) {
            Ok(s) => s,
            Err(_) => return Some(Err(bad())),
        };
        Some(
            self.key
                .verify_strict(cosigned_message(note_text, timestamp).as_bytes(), &sig)
                .map(|()| timestamp)
                .map_err(|_| bad()),
        )
    }

    /// The cosignatures by this key among signature `lines` over `note_text` that verify.
    pub fn cosignatures<'a>(
        &self,
        note_text: &str,
        lines: impl IntoIterator<Item = &'a str>,
    ) -> Vec<Cosignature> {
        lines
            .into_iter()
            .filter_map(|l| match self.verify_line(note_text, l) {
                Some(Ok(timestamp)) => Some(Cosignature {
                    witness: self.name.clone(),
                    timestamp,
                    line: l.trim_end_matches('\n').to_owned(),
                }),
                _ => None,
            })
            .collect()
    }
}

impl fmt::Display for CosignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut raw = vec![SIG_TYPE_COSIGNATURE_V1];
        raw.extend_from_slice(self.key.as_bytes());
        write!(
            f,
            "{}+{}+{}",
            self.name,
            hoso_pdf::hex(&self.key_id()),
            B64.encode(raw)
        )
    }
}

/// The text of a signed note (up to and including the newline before the blank line) and its
/// signature lines.
pub fn split_note(note: &str) -> Option<(&str, Vec<&str>)> {
    let split = note.find("\n\n")?;
    let text = &note[..split + 1];
    let sigs = note[split + 2..]
        .lines()
        .filter(|l| !l.is_empty())
        .collect();
    Some((text, sigs))
}

/// An `add-checkpoint` request — c2sp.org/tlog-witness.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddCheckpoint {
    /// The size of the checkpoint the client believes the witness last co-signed.
    pub old_size: u64,
    /// The consistency proof from `old_size` to the checkpoint's size.
    pub proof: Vec<Hash>,
    /// The signed checkpoint note.
    pub checkpoint: String,
}

impl AddCheckpoint {
    /// The request body.
    pub fn to_body(&self) -> String {
        let mut s = format!("old {}\n", self.old_size);
        for h in &self.proof {
            s.push_str(&B64.encode(h));
            s.push('\n');
        }
        s.push('\n');
        s.push_str(&self.checkpoint);
        s
    }

    /// Parses a request body.
    pub fn parse(body: &str) -> Result<Self, WitnessError> {
        let bad = WitnessError::BadRequest;
        let (head, checkpoint) = body
            .split_once("\n\n")
            .ok_or(bad("no empty line before the checkpoint"))?;
        let mut lines = head.split('\n');
        let old = lines
            .next()
            .and_then(|l| l.strip_prefix("old "))
            .ok_or(bad("the first line is not `old <size>`"))?;
        if old.is_empty()
            || !old.bytes().all(|b| b.is_ascii_digit())
            || (old.len() > 1 && old.starts_with('0'))
        {
            return Err(bad("old size is not a decimal without leading zeros"));
        }
        let old_size: u64 = old.parse().map_err(|_| bad("old size too large"))?;
        let mut proof = Vec::new();
        for l in lines {
            if proof.len() == MAX_PROOF_LINES {
                return Err(bad("more than 63 consistency proof lines"));
            }
            let h: Hash = B64
                .decode(l)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or(bad("a proof line is not base64 of 32 bytes"))?;
            proof.push(h);
        }
        Ok(Self {
            old_size,
            proof,
            checkpoint: checkpoint.to_owned(),
        })
    }
}

/// Why a witness refused a checkpoint; [`WitnessError::http_status`] is the spec's status.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WitnessError {
    /// The request is malformed, or its old size exceeds the checkpoint size (400).
    #[error("yêu cầu không hợp lệ / bad request: {0}")]
    BadRequest(&'static str),
    /// The witness does not witness this log (404).
    #[error("nhân chứng không theo dõi sổ {0} / the witness does not know the log {0}")]
    UnknownOrigin(String),
    /// No signature by the log key verifies (403).
    #[error("chữ ký điểm kiểm tra không hợp lệ với khóa của sổ / the checkpoint is not signed by the log's key: {0}")]
    Forbidden(NoteError),
    /// The old size is not the size the witness last co-signed, or the same size came with
    /// another root: a rollback or a fork (409). `latest` is the witness's size.
    #[error("xung đột: nhân chứng đã ký kích thước {latest} (sổ bị quay lui hoặc rẽ nhánh?) / conflict: the witness last co-signed size {latest} (rolled back or forked log?)")]
    Conflict {
        /// The size the witness last co-signed.
        latest: u64,
    },
    /// The consistency proof does not lead from the witness's root to the new one (422).
    #[error("bằng chứng nhất quán không hợp lệ: sổ không nối tiếp điểm đã ký (bị quay lui hoặc rẽ nhánh) / the consistency proof does not verify: the log does not extend what was co-signed (rolled back or forked)")]
    Inconsistent,
    /// The witness's state or key could not be read or written.
    #[error("trạng thái nhân chứng / witness state {path}: {source}")]
    State {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The witness's state file is not what the witness writes.
    #[error("trạng thái nhân chứng hỏng / witness state {path} is malformed: {message}")]
    BadState {
        /// The file.
        path: String,
        /// The parser's words.
        message: String,
    },
    /// The witness key.
    #[error(transparent)]
    Key(#[from] KeyFileError),
    /// Signing failed (malformed note text).
    #[error(transparent)]
    Note(#[from] NoteError),
}

impl WitnessError {
    /// The HTTP status c2sp.org/tlog-witness gives this refusal (500 for the witness's own
    /// failures).
    pub fn http_status(&self) -> u16 {
        match self {
            Self::BadRequest(_) => 400,
            Self::Forbidden(_) => 403,
            Self::UnknownOrigin(_) => 404,
            Self::Conflict { .. } => 409,
            Self::Inconsistent => 422,
            _ => 500,
        }
    }
}

/// What a witness remembers of one log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WitnessedLog {
    /// The size it last co-signed.
    pub size: u64,
    /// That tree's root, base64.
    pub root: String,
    /// The checkpoint note it co-signed, with its cosignature line appended: evidence an
    /// auditor can hold against the log ([`crate::AuditOptions::known_checkpoints`]).
    pub cosigned: String,
}

/// The witness's state file: per log origin, what it last co-signed.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct WitnessState {
    /// Origin → last co-signed checkpoint.
    pub logs: BTreeMap<String, WitnessedLog>,
}

/// The witness's key file inside its state directory.
pub const WITNESS_KEY_FILE: &str = "witness.key";
/// The witness's state file inside its state directory.
pub const WITNESS_STATE_FILE: &str = "witness-state.json";
const WITNESS_LOCK_FILE: &str = "witness.lock";

/// A witness: its key, the logs it witnesses (their keys; a log's origin is its key's name)
/// and its state directory.
#[derive(Debug)]
pub struct Witness {
    dir: PathBuf,
    key: WitnessKey,
    logs: Vec<VerifierKey>,
}

impl Witness {
    /// Opens the witness whose state lives in `dir` (created, with a new key named `name`, the
    /// first time), witnessing the logs of `logs`.
    pub fn open(dir: &Path, name: &str, logs: Vec<VerifierKey>) -> Result<Self, WitnessError> {
        std::fs::create_dir_all(dir).map_err(|source| WitnessError::State {
            path: dir.display().to_string(),
            source,
        })?;
        let key = WitnessKey::load_or_create(&dir.join(WITNESS_KEY_FILE), name)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            key,
            logs,
        })
    }

    /// The witness's public key: what offices list among their witnesses.
    pub fn verifier(&self) -> CosignerKey {
        self.key.verifier()
    }

    /// The state as last persisted.
    pub fn state(&self) -> Result<WitnessState, WitnessError> {
        let path = self.dir.join(WITNESS_STATE_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| WitnessError::BadState {
                path: path.display().to_string(),
                message: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(WitnessState::default()),
            Err(source) => Err(WitnessError::State {
                path: path.display().to_string(),
                source,
            }),
        }
    }

    fn save(&self, state: &WitnessState) -> Result<(), WitnessError> {
        let path = self.dir.join(WITNESS_STATE_FILE);
        let io = |source| WitnessError::State {
            path: path.display().to_string(),
            source,
        };
        let json = serde_json::to_vec_pretty(state).map_err(|e| io(e.into()))?;
        let mut f = hoso_pdf::atomic::AtomicFile::create(&path).map_err(io)?;
        f.write_all(&json).map_err(io)?;
        f.commit().map_err(io)
    }

    /// Handles an `add-checkpoint` request body at `now` (POSIX seconds) and returns the
    /// response body (one cosignature line with its newline) — c2sp.org/tlog-witness.
    ///
    /// The check of the old size and the update of the state happen under an exclusive lock
    /// on the state directory, so two concurrent requests cannot roll the state back.
    pub fn add_checkpoint(&self, body: &str, now: u64) -> Result<String, WitnessError> {
        let req = AddCheckpoint::parse(body)?;
        let (text, _) = split_note(&req.checkpoint).ok_or(WitnessError::BadRequest(
            "the checkpoint is not a signed note",
        ))?;
        let origin = text.split('\n').next().unwrap_or_default();
        let log = self
            .logs
            .iter()
            .find(|k| k.name() == origin)
            .ok_or_else(|| WitnessError::UnknownOrigin(origin.to_owned()))?;
        let cp = Checkpoint::open(&req.checkpoint, log).map_err(WitnessError::Forbidden)?;
        if req.old_size > cp.size {
            return Err(WitnessError::BadRequest(
                "the old size exceeds the checkpoint size",
            ));
        }
        let lock_path = self.dir.join(WITNESS_LOCK_FILE);
        let lock_err = |source| WitnessError::State {
            path: lock_path.display().to_string(),
            source,
        };
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(lock_err)?;
        lock.lock().map_err(lock_err)?;
        let mut state = self.state()?;
        let known = state.logs.get(origin);
        let (latest, latest_root) = match known {
            Some(w) => (
                w.size,
                B64.decode(&w.root)
                    .ok()
                    .and_then(|r| <Hash>::try_from(r).ok())
                    .ok_or_else(|| WitnessError::BadState {
                        path: WITNESS_STATE_FILE.into(),
                        message: format!("root of {origin} is not base64 of 32 bytes"),
                    })?,
            ),
            None => (0, [0; 32]),
        };
        if req.old_size != latest {
            return Err(WitnessError::Conflict { latest });
        }
        if latest == cp.size {
            if latest_root != cp.root {
                return Err(WitnessError::Conflict { latest });
            }
        } else if latest == 0 {
            if !req.proof.is_empty() {
                return Err(WitnessError::Inconsistent);
            }
        } else {
            verify_consistency(latest, cp.size, &latest_root, &cp.root, &req.proof)
                .map_err(|_| WitnessError::Inconsistent)?;
        }
        let line = self.key.cosign(text, now)?;
        let sigs = &req.checkpoint[text.len() + 1..];
        state.logs.insert(
            origin.to_owned(),
            WitnessedLog {
                size: cp.size,
                root: B64.encode(cp.root),
                cosigned: format!("{text}\n{sigs}{line}\n"),
            },
        );
        self.save(&state)?;
        drop(lock);
        Ok(format!("{line}\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::StationKey;

    #[test]
    fn cosignature_round_trip_and_key_strings() {
        let w = WitnessKey::from_seed("witness.example/w1", &[9; 32]).unwrap();
        let v = w.verifier();
        assert_eq!(CosignerKey::parse(&v.to_string()).unwrap(), v);
        assert_eq!(
            WitnessKey::from_signer_string(&w.to_signer_string())
                .unwrap()
                .verifier(),
            v
        );
        // A log (type 0x01) key is not a cosigner key, and vice versa.
        let log = StationKey::from_seed("hoso/a", &[1; 32]).unwrap();
        assert!(CosignerKey::parse(&log.verifier().to_string()).is_err());
        assert!(VerifierKey::parse(&v.to_string()).is_err());
        let text = "hoso/a\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
        let line = w.cosign(text, 1_700_000_000).unwrap();
        assert_eq!(v.verify_line(text, &line).unwrap().unwrap(), 1_700_000_000);
        let other = text.replace("\n3\n", "\n4\n");
        assert!(v.verify_line(&other, &line).unwrap().is_err());
        let stranger = WitnessKey::from_seed("witness.example/w1", &[8; 32]).unwrap();
        assert!(stranger.verifier().verify_line(text, &line).is_none());
    }

    #[test]
    fn request_body_round_trips_and_bad_ones_are_400() {
        let req = AddCheckpoint {
            old_size: 5,
            proof: vec![[1; 32], [2; 32]],
            checkpoint: "o\n7\nroot\n\n— o sig\n".into(),
        };
        assert_eq!(AddCheckpoint::parse(&req.to_body()).unwrap(), req);
        for bad in [
            "old 05\n\nx",
            "new 5\n\nx",
            "old 5\nnot-base64\n\nx",
            "old 5\n",
        ] {
            assert_eq!(
                AddCheckpoint::parse(bad).unwrap_err().http_status(),
                400,
                "{bad:?}"
            );
        }
    }
}
