//! The office register of hoso: a tamper-evident, append-only log of the SHA-256 of every
//! dossier, signed document and certified copy the office produces.
//!
//! Start from [`Register`]: [`Register::open_or_create`] a file, [`Register::append`] entries
//! (or [`Register::append_batch`]; [`Register::reserve_copy`] / [`Register::append_copy`] for
//! certified copies, whose number is allocated in the same transaction), look files up with
//! [`Register::lookup_sha256`] or [`Register::lookup_qr`], and check everything with
//! [`Register::audit`] or, from an exported bundle, [`verify_bundle`].
//!
//! Layers, after transparency-dev/merkle:
//! - [`tree`] — RFC 9162 §2.1 Merkle tree mathematics: hashing, proof planning, verification
//!   taking only hashes; no storage.
//! - [`note`] — C2SP signed notes and checkpoints with the station's Ed25519 key.
//! - [`witness`] — C2SP tlog-witness and tlog-cosignature: a witness co-signs a tree head only
//!   when it extends the last one it co-signed; the register keeps the cosignatures.
//! - [`entry`] — entries and their canonical leaf encoding; [`qr`] — the QR payload.
//! - `store` — SQLite (WAL, append-only triggers, `PRAGMA user_version` migrations); one
//!   transaction per append writes the entries, their leaf hashes, the tree nodes they complete
//!   and the signed tree head, in O(log n) without re-reading the log.
//!
//! The register stores hashes and metadata; it never reads the documents themselves.
//!
//! ```
//! use hoso_register::{CreateOptions, EntryKind, NewEntry, Register};
//! # let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("register.sqlite");
//! let mut reg = Register::open_or_create(&path, &CreateOptions::for_station("mot-cua-1"))?;
//! let sha256 = hoso_register::sha256_bytes(b"%PDF-1.7 ...");
//! let appended = reg.append(NewEntry::new(EntryKind::Dossier, sha256))?;
//! let found = reg.lookup_sha256(&sha256)?;
//! assert!(found[0].status.verified());
//! assert!(reg.audit(&Default::default())?.is_clean());
//! # let _ = appended;
//! # Ok::<(), hoso_register::RegisterError>(())
//! ```
//!
//! Where it sits: the register stores hashes and never reads PDFs; it is written only by the office
//! flows in hoso-office (`crates/hoso-office`, module `register`: every file a flow makes is
//! registered there, and the register desk's append, lookup, proof, audit, export and bundle check
//! are flows there too). The `hoso register` command and the app's Sổ đăng ký screen call those
//! flows.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod audit;
pub mod bundle;
pub mod entry;
mod error;
mod lookup;
pub mod note;
pub mod qr;
mod store;
pub mod time;
pub mod tree;
pub mod witness;

use sha2::{Digest, Sha256};

pub use audit::{AuditOptions, AuditReport, Finding};
pub use bundle::{verify_bundle, ExportSummary};
pub use entry::{
    facts::Facts, CopyForm, CopyNumber, Entry, EntryKind, InvalidEntry, NewEntry, Role,
};
pub use error::{NotARegister, RegisterError, Result};
pub use lookup::{LookupResult, LookupStatus, QrLookup};
pub use note::{Checkpoint, StationKey, VerifierKey};
pub use qr::QrPayload;
pub use store::{
    ascii_slug, default_key_path, default_register_path, AppendCopyError, Appended, Clock,
    ConsistencyProof, CopyReservation, CreateOptions, DossierFacts, InclusionProof, Register,
    SignedCheckpoint, Tally, Witnessed, APPLICATION_ID, SCHEMA_VERSION,
};
pub use tree::Hash;

/// SHA-256 of a byte string.
pub fn sha256_bytes(bytes: &[u8]) -> Hash {
    Sha256::digest(bytes).into()
}

pub use hoso_pdf::{sha256_file, sha256_reader};

/// Parses 64 hex digits (either case) into a hash.
pub fn parse_sha256_hex(s: &str) -> Option<Hash> {
    data_encoding::HEXLOWER_PERMISSIVE
        .decode(s.trim().as_bytes())
        .ok()?
        .try_into()
        .ok()
}

/// Lowercase hex of a hash (the workspace's one hex helper, from hoso-pdf).
pub fn hex(h: &Hash) -> String {
    hoso_pdf::hex(h)
}
