//! SQLite storage of the register, in three parts: [`open`] (schema, migrations, creating and
//! opening a register), [`append`] (the append transaction) and [`copy`] (copy-number
//! reservation, allocated inside the transaction that appends the copy); reads stay here.
//!
//! One file in WAL mode. Each append (or batch) is one `BEGIN IMMEDIATE` transaction writing
//! the entry rows with their leaf hashes, the perfect tree nodes they complete, and the signed
//! tree head for the new size; a crash leaves the register before or after it, never between.
//! Triggers make entries, nodes, checkpoints and metadata append-only and keep the copy-number
//! counters gap-free.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Row};
use time::OffsetDateTime;

use crate::entry::{
    check_organisation, CopyForm, CopyNumber, Entry, EntryKind, InvalidEntry, NewEntry,
};
use crate::error::{NotARegister, RegisterError, Result};
use crate::note::{Checkpoint, StationKey, VerifierKey};
use crate::time::{format_vietnam, vietnam_now};
use crate::tree::{
    consistency_plan, inclusion_plan, resolve_plan, verify_consistency, verify_inclusion,
    CompactRange, Hash, NodeId, NodeSource,
};

mod append;
mod copy;
mod cosign;
mod facts;
mod open;

pub use copy::{AppendCopyError, CopyReservation};
pub use cosign::Witnessed;
pub use facts::{DossierFacts, Tally};
pub use open::{APPLICATION_ID, SCHEMA_VERSION};

/// How to create a register.
#[derive(Clone, Debug)]
pub struct CreateOptions {
    /// The log origin (checkpoint first line and key name), e.g. `hoso/ubnd-phuong-1`.
    pub origin: String,
    /// The station name recorded in each entry.
    pub station: String,
}

impl CreateOptions {
    /// Options for a station: origin `hoso/<slug>` where the slug is the station name in
    /// lowercase ASCII (Vietnamese diacritics removed, other characters as `-`), so the origin
    /// is a valid key name and stays in the QR alphanumeric set once upper-cased.
    pub fn for_station(station: &str) -> Self {
        Self {
            origin: format!("hoso/{}", ascii_slug(station)),
            station: station.to_owned(),
        }
    }
}

/// `Một cửa 1` → `mot-cua-1`.
pub fn ascii_slug(s: &str) -> String {
    const GROUPS: [(&str, char); 14] = [
        ("àáạảãâầấậẩẫăằắặẳẵ", 'a'),
        ("ÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴ", 'a'),
        ("èéẹẻẽêềếệểễ", 'e'),
        ("ÈÉẸẺẼÊỀẾỆỂỄ", 'e'),
        ("ìíịỉĩ", 'i'),
        ("ÌÍỊỈĨ", 'i'),
        ("òóọỏõôồốộổỗơờớợởỡ", 'o'),
        ("ÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠ", 'o'),
        ("ùúụủũưừứựửữ", 'u'),
        ("ÙÚỤỦŨƯỪỨỰỬỮ", 'u'),
        ("ỳýỵỷỹ", 'y'),
        ("ỲÝỴỶỸ", 'y'),
        ("đ", 'd'),
        ("Đ", 'd'),
    ];
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let base = GROUPS
            .iter()
            .find(|(set, _)| set.contains(c))
            .map_or(c, |&(_, b)| b)
            .to_ascii_lowercase();
        if base.is_ascii_alphanumeric() || base == '.' {
            out.push(base);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        "station".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// A checkpoint as stored, with its signed note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedCheckpoint {
    /// Origin, size and root.
    pub checkpoint: Checkpoint,
    /// The whole signed note.
    pub note: String,
    /// When it was made, ISO 8601 in +07:00 (recorded beside the note, not signed).
    pub time: String,
}

/// An inclusion proof — RFC 9162 §2.1.3.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InclusionProof {
    /// Leaf index (= entry sequence number).
    pub index: u64,
    /// Tree size the proof is for.
    pub size: u64,
    /// Audit path, nearest the leaf first.
    pub path: Vec<Hash>,
}

/// A consistency proof — RFC 9162 §2.1.4.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsistencyProof {
    /// Older tree size.
    pub first: u64,
    /// Newer tree size.
    pub second: u64,
    /// Root of the older tree, recomputed from stored nodes.
    pub first_root: Hash,
    /// Root of the newer tree, recomputed from stored nodes.
    pub second_root: Hash,
    /// The proof hashes.
    pub path: Vec<Hash>,
}

impl ConsistencyProof {
    /// Verifies the proof against its own roots (RFC 9162 §2.1.4.2).
    pub fn verify(&self) -> Result<(), crate::tree::ProofError> {
        verify_consistency(
            self.first,
            self.second,
            &self.first_root,
            &self.second_root,
            &self.path,
        )
    }
}

/// What one append transaction wrote.
#[derive(Clone, Debug)]
pub struct Appended {
    /// The new entries, in order.
    pub entries: Vec<Entry>,
    /// The tree head covering them.
    pub checkpoint: SignedCheckpoint,
}

/// A source of "now" (Vietnam time is derived from it).
pub type Clock = Box<dyn Fn() -> OffsetDateTime + Send + Sync>;

/// An open register. Start here: [`Register::open_or_create`], then [`Register::append`],
/// [`Register::lookup_sha256`], [`Register::audit`](crate::Register::audit).
pub struct Register {
    pub(crate) conn: Connection,
    path: PathBuf,
    origin: String,
    verifier: VerifierKey,
    pinned: Option<VerifierKey>,
    witnesses: Vec<crate::witness::CosignerKey>,
    /// Schema version 3 or later (a version-2 register read read-only has no cosignatures).
    has_cosignatures: bool,
    key_path: PathBuf,
    key: Option<StationKey>,
    station: String,
    edge: Option<CompactRange>,
    clock: Clock,
    read_only: bool,
}

impl std::fmt::Debug for Register {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Register")
            .field("path", &self.path)
            .field("origin", &self.origin)
            .field("station", &self.station)
            .field("read_only", &self.read_only)
            .finish_non_exhaustive()
    }
}

/// The station key's default path: beside the database, `<file>.station-key`.
pub fn default_key_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".station-key");
    db.with_file_name(name)
}

/// The default register location: `<data dir>/hoso/register.sqlite`
/// (`~/.local/share/hoso/register.sqlite` on Linux).
pub fn default_register_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("hoso").join("register.sqlite"))
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

fn to_i64(n: u64) -> Result<i64> {
    i64::try_from(n).map_err(|_| RegisterError::OutOfRange(n))
}

impl Register {
    /// The database path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The log origin (checkpoint first line).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The station's verifier key, as recorded in the register.
    pub fn verifier(&self) -> &VerifierKey {
        &self.verifier
    }

    /// Pins the verifier key checkpoints must be signed with: from now on lookups and the audit
    /// verify tree heads with `key`, not with the key recorded in the database (which whoever
    /// can rewrite the file can also replace), and appends are refused when the two differ.
    pub fn pin_key(&mut self, key: VerifierKey) {
        self.pinned = Some(key);
    }

    /// The pinned verifier key, if one was set with [`Register::pin_key`].
    pub fn pinned_key(&self) -> Option<&VerifierKey> {
        self.pinned.as_ref()
    }

    /// The key tree heads are verified with: the pinned key, else the database's own.
    pub fn trusted_verifier(&self) -> &VerifierKey {
        self.pinned.as_ref().unwrap_or(&self.verifier)
    }

    /// Checks that the database's key is the pinned one (nothing to check without a pin):
    /// a register rebuilt with another key fails here with [`RegisterError::PinnedKeyMismatch`].
    pub fn check_pin(&self) -> Result<()> {
        match &self.pinned {
            Some(p) if *p != self.verifier => Err(RegisterError::PinnedKeyMismatch {
                pinned: p.to_string(),
                register: self.verifier.to_string(),
            }),
            _ => Ok(()),
        }
    }

    /// The station name written into new entries.
    pub fn station(&self) -> &str {
        &self.station
    }

    /// Sets the station name written into new entries.
    pub fn set_station(&mut self, station: &str) {
        self.station = station.to_owned();
    }

    /// Replaces the clock (tests pin time with it).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    fn now(&self) -> OffsetDateTime {
        crate::time::to_vietnam((self.clock)())
    }

    fn station_key(&mut self) -> Result<&StationKey> {
        self.check_pin()?;
        if self.key.is_none() {
            let key = StationKey::load(&self.key_path)?;
            if key.verifier() != self.verifier {
                return Err(RegisterError::KeyMismatch {
                    key: key.verifier().to_string(),
                    register: self.verifier.to_string(),
                });
            }
            self.key = Some(key);
        }
        Ok(self.key.as_ref().expect("loaded just above"))
    }

    /// Number of entries covered by the latest tree head.
    pub fn size(&self) -> Result<u64> {
        Ok(self.latest_checkpoint()?.map_or(0, |c| c.checkpoint.size))
    }

    /// The latest signed tree head.
    pub fn latest_checkpoint(&self) -> Result<Option<SignedCheckpoint>> {
        self.conn
            .prepare_cached(
                "SELECT size, root, time, note FROM checkpoints ORDER BY size DESC LIMIT 1",
            )?
            .query_row([], |r| Ok(self.checkpoint_from_row(r)))
            .optional()?
            .transpose()
    }

    /// The signed tree head for exactly `size` entries, if one was made.
    pub fn checkpoint_at(&self, size: u64) -> Result<Option<SignedCheckpoint>> {
        self.conn
            .prepare_cached("SELECT size, root, time, note FROM checkpoints WHERE size = ?1")?
            .query_row([to_i64(size)?], |r| Ok(self.checkpoint_from_row(r)))
            .optional()?
            .transpose()
    }

    /// All stored tree heads, oldest first.
    pub fn checkpoints(&self) -> Result<Vec<SignedCheckpoint>> {
        let mut stmt = self
            .conn
            .prepare("SELECT size, root, time, note FROM checkpoints ORDER BY size")?;
        let rows = stmt.query_map([], |r| Ok(self.checkpoint_from_row(r)))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row??);
        }
        Ok(out)
    }

    pub(crate) fn checkpoint_from_row(&self, r: &Row<'_>) -> Result<SignedCheckpoint> {
        let size: i64 = r.get(0)?;
        let key = size.max(0) as u64;
        let root = blob32(r, 1, "checkpoints", "root", key)?;
        Ok(SignedCheckpoint {
            checkpoint: Checkpoint {
                origin: self.origin.clone(),
                size: key,
                root,
            },
            time: r.get(2)?,
            note: r.get(3)?,
        })
    }
}

/// Writes the report facts row of a just-inserted entry (schema version 2).
pub(super) fn insert_facts(conn: &Connection, entry: &Entry) -> Result<()> {
    let f = entry.facts();
    let reuse_of = f.reuse_of.map(to_i64).transpose()?;
    conn.prepare_cached(
        "INSERT INTO entry_facts (seq, role, day, station, dossier_code, procedure_code, \
         received_on, resolved_on, reuse_of, copy_form) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        to_i64(entry.seq)?,
        f.role.as_str(),
        entry.time.get(..10).unwrap_or(&entry.time),
        entry.station,
        entry.dossier_code,
        f.procedure_code,
        f.received_on,
        f.resolved_on,
        reuse_of,
        entry.copy.as_ref().map(|c| c.form.symbol()),
    ])?;
    Ok(())
}

impl Register {
    /// The entry with sequence number `seq`.
    pub fn entry(&self, seq: u64) -> Result<Option<Entry>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {ENTRY_COLUMNS} FROM entries WHERE seq = ?1"
            ))?
            .query_row([to_i64(seq)?], |r| Ok(entry_from_row(r)))
            .optional()?
            .map(|e| e.map(|(e, _)| e))
            .transpose()
    }

    /// Entries whose file hash is `sha256`, oldest first, with their stored leaf hashes.
    pub(crate) fn entries_by_sha256(&self, sha256: &Hash) -> Result<Vec<(Entry, Hash)>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM entries WHERE sha256 = ?1 ORDER BY seq"
        ))?;
        let rows = stmt.query_map([&sha256[..]], |r| Ok(entry_from_row(r)))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row??);
        }
        Ok(out)
    }

    pub(crate) fn stored_leaf(&self, seq: u64) -> Result<Option<(Entry, Hash)>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {ENTRY_COLUMNS} FROM entries WHERE seq = ?1"
            ))?
            .query_row([to_i64(seq)?], |r| Ok(entry_from_row(r)))
            .optional()?
            .transpose()
    }

    /// The inclusion proof of entry `index` in the tree of `size` entries, from stored nodes.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<InclusionProof> {
        let plan = inclusion_plan(index, size)?;
        let path = resolve_plan(&DbNodes(&self.conn), &plan)?;
        Ok(InclusionProof { index, size, path })
    }

    /// The consistency proof between tree sizes `first` and `second`, with both roots.
    pub fn consistency_proof(&self, first: u64, second: u64) -> Result<ConsistencyProof> {
        let entries = self.entry_count()?;
        if second > entries {
            return Err(crate::tree::ProofError::IndexBeyondSize {
                index: second,
                size: entries,
            }
            .into());
        }
        let plan = consistency_plan(first, second)?;
        let nodes = DbNodes(&self.conn);
        Ok(ConsistencyProof {
            first,
            second,
            first_root: nodes.root_at(first)?,
            second_root: nodes.root_at(second)?,
            path: resolve_plan(&nodes, &plan)?,
        })
    }

    /// Number of entry rows (max seq + 1).
    pub fn entry_count(&self) -> Result<u64> {
        let max: Option<i64> = self
            .conn
            .prepare_cached("SELECT max(seq) FROM entries")?
            .query_row([], |r| r.get(0))?;
        Ok(max.map_or(0, |m| m.max(-1) as u64 + 1))
    }
}

fn default_station_name() -> String {
    std::env::var("HOSO_STATION")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| "station".to_owned())
}

/// Columns read for an [`Entry`], in [`entry_from_row`] order.
pub(crate) const ENTRY_COLUMNS: &str = "seq, sha256, kind, time, station, dossier_code, title, \
    copy_org, copy_year, copy_number, copy_form, signer_fingerprint, extra, leaf_hash";

fn blob32(
    r: &Row<'_>,
    i: usize,
    table: &'static str,
    column: &'static str,
    key: u64,
) -> Result<Hash> {
    let bad = || RegisterError::BadStoredValue { table, column, key };
    let v: Vec<u8> = r.get(i).map_err(|_| bad())?;
    v.try_into().map_err(|_| bad())
}

/// Decodes one entry row and its stored leaf hash.
pub(crate) fn entry_from_row(r: &Row<'_>) -> Result<(Entry, Hash)> {
    let seq: i64 = r.get(0)?;
    let key = seq.max(0) as u64;
    let bad = |column| RegisterError::BadStoredValue {
        table: "entries",
        column,
        key,
    };
    if seq < 0 {
        return Err(bad("seq"));
    }
    let kind: String = r.get(2).map_err(|_| bad("kind"))?;
    let kind: EntryKind = kind.parse().map_err(|_| bad("kind"))?;
    let copy_number: Option<i64> = r.get(9).map_err(|_| bad("copy_number"))?;
    let copy = match copy_number {
        None => None,
        Some(n) => {
            let org: String = r.get(7).map_err(|_| bad("copy_org"))?;
            let year: i64 = r.get(8).map_err(|_| bad("copy_year"))?;
            let form: String = r.get(10).map_err(|_| bad("copy_form"))?;
            Some(CopyNumber {
                org,
                year: u32::try_from(year).map_err(|_| bad("copy_year"))?,
                number: u32::try_from(n).map_err(|_| bad("copy_number"))?,
                form: form.parse().map_err(|_| bad("copy_form"))?,
            })
        }
    };
    let entry = Entry {
        seq: key,
        sha256: blob32(r, 1, "entries", "sha256", key)?,
        kind,
        time: r.get(3).map_err(|_| bad("time"))?,
        station: r.get(4).map_err(|_| bad("station"))?,
        dossier_code: r.get(5).map_err(|_| bad("dossier_code"))?,
        title: r.get(6).map_err(|_| bad("title"))?,
        copy,
        signer_fingerprint: r.get(11).map_err(|_| bad("signer_fingerprint"))?,
        extra: r.get(12).map_err(|_| bad("extra"))?,
    };
    let leaf = blob32(r, 13, "entries", "leaf_hash", key)?;
    Ok((entry, leaf))
}

/// Stored perfect nodes: leaves from `entries.leaf_hash`, the rest from `nodes`.
pub(crate) struct DbNodes<'c>(pub(crate) &'c Connection);

impl NodeSource for DbNodes<'_> {
    type Error = RegisterError;
    fn node(&self, id: NodeId) -> Result<Hash> {
        let index = to_i64(id.index)?;
        let missing = RegisterError::MissingNode {
            level: id.level,
            index: id.index,
        };
        let blob: Option<Vec<u8>> = if id.level == 0 {
            self.0
                .prepare_cached("SELECT leaf_hash FROM entries WHERE seq = ?1")?
                .query_row([index], |r| r.get(0))
                .optional()?
        } else {
            self.0
                .prepare_cached("SELECT hash FROM nodes WHERE level = ?1 AND idx = ?2")?
                .query_row(params![id.level, index], |r| r.get(0))
                .optional()?
        };
        blob.and_then(|b| b.try_into().ok()).ok_or(missing)
    }
}

/// Verifies an inclusion proof against a checkpoint.
pub(crate) fn check_inclusion(leaf: &Hash, proof: &InclusionProof, root: &Hash) -> bool {
    verify_inclusion(proof.index, proof.size, leaf, &proof.path, root).is_ok()
}
