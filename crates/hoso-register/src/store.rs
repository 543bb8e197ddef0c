//! SQLite storage of the register: schema and migrations, the append transaction, reads.
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

/// `PRAGMA application_id` of hoso registers: "HOSO" in ASCII.
pub const APPLICATION_ID: u32 = 0x484F_534F;

/// The schema version this build writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 1;

/// Migrations: `MIGRATIONS[v]` takes the schema from version `v` to `v + 1`.
const MIGRATIONS: &[&str] = &[SCHEMA_V1];

const SCHEMA_V1: &str = r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE entries (
    seq                INTEGER PRIMARY KEY CHECK (seq >= 0),
    sha256             BLOB NOT NULL CHECK (length(sha256) = 32),
    kind               TEXT NOT NULL CHECK (kind IN ('dossier', 'signed', 'copy', 'other')),
    time               TEXT NOT NULL,
    station            TEXT NOT NULL,
    dossier_code       TEXT,
    title              TEXT,
    copy_org           TEXT,
    copy_year          INTEGER,
    copy_number        INTEGER CHECK (copy_number >= 1),
    copy_form          TEXT CHECK (copy_form IN ('SY', 'SL', 'TrS')),
    signer_fingerprint TEXT,
    extra              TEXT NOT NULL,
    leaf_hash          BLOB NOT NULL CHECK (length(leaf_hash) = 32),
    CHECK ((kind = 'copy') = (copy_number IS NOT NULL)),
    CHECK ((copy_number IS NULL) = (copy_org IS NULL)
       AND (copy_number IS NULL) = (copy_year IS NULL)
       AND (copy_number IS NULL) = (copy_form IS NULL))
);
CREATE INDEX entries_by_sha256 ON entries (sha256);
CREATE UNIQUE INDEX entries_by_copy_number ON entries (copy_org, copy_year, copy_number)
    WHERE copy_number IS NOT NULL;

-- Perfect interior nodes (level >= 1) of the RFC 9162 tree; leaves live in entries.leaf_hash.
CREATE TABLE nodes (
    level INTEGER NOT NULL CHECK (level >= 1),
    idx   INTEGER NOT NULL CHECK (idx >= 0),
    hash  BLOB NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- Signed tree heads (C2SP checkpoints), one per append transaction.
CREATE TABLE checkpoints (
    size INTEGER PRIMARY KEY CHECK (size >= 1),
    root BLOB NOT NULL CHECK (length(root) = 32),
    time TEXT NOT NULL,
    note TEXT NOT NULL
);

-- Copy numbers: one counter per organisation and year for all copy forms (Decree 30/2020).
CREATE TABLE copy_counters (
    org  TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL CHECK (last >= 1),
    PRIMARY KEY (org, year)
) WITHOUT ROWID;

CREATE TRIGGER entries_append_only_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'hoso register: entries are append-only'); END;
CREATE TRIGGER entries_append_only_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'hoso register: entries are append-only'); END;
CREATE TRIGGER entries_in_sequence BEFORE INSERT ON entries
WHEN NEW.seq != coalesce((SELECT max(seq) FROM entries), -1) + 1
BEGIN SELECT RAISE(ABORT, 'hoso register: entries must be appended in sequence'); END;

CREATE TRIGGER nodes_append_only_update BEFORE UPDATE ON nodes
BEGIN SELECT RAISE(ABORT, 'hoso register: tree nodes are append-only'); END;
CREATE TRIGGER nodes_append_only_delete BEFORE DELETE ON nodes
BEGIN SELECT RAISE(ABORT, 'hoso register: tree nodes are append-only'); END;

CREATE TRIGGER checkpoints_append_only_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'hoso register: checkpoints are append-only'); END;
CREATE TRIGGER checkpoints_append_only_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'hoso register: checkpoints are append-only'); END;
CREATE TRIGGER checkpoints_grow BEFORE INSERT ON checkpoints
WHEN NEW.size <= coalesce((SELECT max(size) FROM checkpoints), 0)
  OR NEW.size != (SELECT max(seq) FROM entries) + 1
BEGIN SELECT RAISE(ABORT, 'hoso register: a checkpoint must cover exactly all entries'); END;

CREATE TRIGGER meta_append_only_update BEFORE UPDATE ON meta
BEGIN SELECT RAISE(ABORT, 'hoso register: metadata is fixed'); END;
CREATE TRIGGER meta_append_only_delete BEFORE DELETE ON meta
BEGIN SELECT RAISE(ABORT, 'hoso register: metadata is fixed'); END;

CREATE TRIGGER copy_counters_start BEFORE INSERT ON copy_counters
WHEN NEW.last != 1
BEGIN SELECT RAISE(ABORT, 'hoso register: copy numbers start at 1'); END;
CREATE TRIGGER copy_counters_step BEFORE UPDATE ON copy_counters
WHEN NEW.last != OLD.last + 1 OR NEW.org != OLD.org OR NEW.year != OLD.year
BEGIN SELECT RAISE(ABORT, 'hoso register: copy numbers advance by one'); END;
CREATE TRIGGER copy_counters_no_delete BEFORE DELETE ON copy_counters
BEGIN SELECT RAISE(ABORT, 'hoso register: copy numbers are never given back'); END;
"#;

/// Tables every register has.
const TABLES: [&str; 5] = ["meta", "entries", "nodes", "checkpoints", "copy_counters"];

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

/// Reads the SQLite header and decides, without opening the file through SQLite, whether it
/// is a hoso register (SQLite file format §1.3: magic at 0, user_version at 60,
/// application_id at 68).
fn check_header(path: &Path) -> Result<i64> {
    let mut file = File::open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            RegisterError::NotFound {
                path: display(path),
            }
        } else {
            RegisterError::Io {
                path: display(path),
                source,
            }
        }
    })?;
    let mut header = [0u8; 100];
    let mut filled = 0;
    while filled < header.len() {
        match file.read(&mut header[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(source) => {
                return Err(RegisterError::Io {
                    path: display(path),
                    source,
                })
            }
        }
    }
    let not = |reason| RegisterError::NotARegister {
        path: display(path),
        reason,
    };
    if filled < header.len() {
        return Err(not(NotARegister::Truncated));
    }
    if &header[..16] != b"SQLite format 3\0" {
        return Err(not(NotARegister::NotSqlite));
    }
    let app = u32::from_be_bytes([header[68], header[69], header[70], header[71]]);
    if app != APPLICATION_ID {
        return Err(not(NotARegister::ForeignApplication(app)));
    }
    let version = i64::from(i32::from_be_bytes([
        header[60], header[61], header[62], header[63],
    ]));
    if version > SCHEMA_VERSION {
        return Err(RegisterError::TooNew {
            path: display(path),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(version)
}

/// Maps SQLite's "not a database" and "corrupt" codes to [`RegisterError::Corrupt`].
fn classify(path: &Path, e: rusqlite::Error) -> RegisterError {
    use rusqlite::ffi::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => RegisterError::Corrupt {
            path: display(path),
            source: e,
        },
        _ => RegisterError::Sqlite(e),
    }
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(RegisterError::TooNew {
            path: display(path),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    for (v, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now == v as i64 {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", v as i64 + 1)?;
        }
        tx.commit()?;
    }
    Ok(())
}

impl Register {
    /// Creates a new register at `path` with its station key at [`default_key_path`].
    ///
    /// The database is built under a temporary name and linked into place, so a crash never
    /// leaves a half-created register; an existing file is never overwritten.
    pub fn create(path: &Path, options: &CreateOptions) -> Result<Self> {
        Self::create_with_key(path, &default_key_path(path), options)
    }

    /// [`Register::create`] with the station key at `key_path`.
    pub fn create_with_key(path: &Path, key_path: &Path, options: &CreateOptions) -> Result<Self> {
        if path.exists() {
            return Err(RegisterError::AlreadyExists {
                path: display(path),
            });
        }
        crate::note::check_key_name(&options.origin)?;
        let key = StationKey::load_or_create(key_path, &options.origin)?;
        if key.name() != options.origin {
            return Err(RegisterError::KeyMismatch {
                key: key.verifier().to_string(),
                register: options.origin.clone(),
            });
        }
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "register".into());
        let tmp = path.with_file_name(format!(".{file_name}.creating-{}", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        let io = |source| RegisterError::Io {
            path: display(path),
            source,
        };
        let built = (|| -> Result<()> {
            let mut conn = Connection::open(&tmp)?;
            conn.pragma_update(None, "application_id", APPLICATION_ID as i32)?;
            migrate(&mut conn, &tmp)?;
            let created = format_vietnam(vietnam_now());
            let tx = conn.transaction()?;
            for (k, v) in [
                ("format", "hoso-register"),
                ("origin", options.origin.as_str()),
                ("vkey", &key.verifier().to_string()),
                ("created", &created),
            ] {
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                    params![k, v],
                )?;
            }
            tx.commit()?;
            conn.close().map_err(|(_, e)| e)?;
            File::open(&tmp).and_then(|f| f.sync_all()).map_err(io)?;
            Ok(())
        })();
        if let Err(e) = built {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        // link() fails when the target exists: no clobbering a register created meanwhile.
        let linked = std::fs::hard_link(&tmp, path);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(RegisterError::AlreadyExists {
                    path: display(path),
                })
            }
            Err(e) => return Err(io(e)),
        }
        if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        let mut reg = Self::open_inner(path, key_path, false)?;
        reg.station = options.station.clone();
        reg.key = Some(key);
        Ok(reg)
    }

    /// Opens an existing register read-write (its station key is loaded on the first append).
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_inner(path, &default_key_path(path), false)
    }

    /// Opens an existing register read-only: lookups, proofs, audit and export.
    pub fn open_read_only(path: &Path) -> Result<Self> {
        Self::open_inner(path, &default_key_path(path), true)
    }

    /// Opens the register at `path`, creating it (and the station key) when there is no file.
    pub fn open_or_create(path: &Path, options: &CreateOptions) -> Result<Self> {
        if !path.exists() {
            if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|source| RegisterError::Io {
                    path: display(dir),
                    source,
                })?;
            }
            match Self::create(path, options) {
                Err(RegisterError::AlreadyExists { .. }) => {}
                other => return other,
            }
        }
        let mut reg = Self::open(path)?;
        reg.station = options.station.clone();
        Ok(reg)
    }

    /// Opens with the station key at `key_path` instead of the default.
    pub fn open_with_key(path: &Path, key_path: &Path) -> Result<Self> {
        Self::open_inner(path, key_path, false)
    }

    fn open_inner(path: &Path, key_path: &Path, read_only: bool) -> Result<Self> {
        let version = check_header(path)?;
        let flags = if read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
        };
        let mut conn = Connection::open_with_flags(path, flags).map_err(|e| classify(path, e))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        // Read the schema before changing anything, so a damaged file stays untouched.
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            .and_then(|mut s| {
                s.query_map([], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(|e| classify(path, e))?;
        if version >= 1 {
            for t in TABLES {
                if !tables.iter().any(|n| n == t) {
                    return Err(RegisterError::NotARegister {
                        path: display(path),
                        reason: NotARegister::MissingTable(t),
                    });
                }
            }
        }
        if !read_only {
            let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(RegisterError::Io {
                    path: display(path),
                    source: std::io::Error::other(format!(
                        "SQLite refused WAL mode (journal_mode = {mode})"
                    )),
                });
            }
            // FULL: a committed append survives power loss, not only a crash.
            conn.pragma_update(None, "synchronous", "FULL")?;
            if version < SCHEMA_VERSION {
                migrate(&mut conn, path)?;
            }
        } else if version < SCHEMA_VERSION {
            return Err(RegisterError::NeedsMigration {
                path: display(path),
                found: version,
            });
        }
        conn.pragma_update(None, "cache_size", -65536)?;
        let meta = |key: &'static str| -> Result<String> {
            conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .optional()
                .map_err(|e| classify(path, e))?
                .ok_or(RegisterError::NotARegister {
                    path: display(path),
                    reason: NotARegister::BadMeta(key),
                })
        };
        let origin = meta("origin")?;
        let verifier =
            VerifierKey::parse(&meta("vkey")?).map_err(|_| RegisterError::NotARegister {
                path: display(path),
                reason: NotARegister::BadMeta("vkey"),
            })?;
        if verifier.name() != origin {
            return Err(RegisterError::NotARegister {
                path: display(path),
                reason: NotARegister::BadMeta("vkey"),
            });
        }
        Ok(Self {
            conn,
            path: path.to_path_buf(),
            origin,
            verifier,
            key_path: key_path.to_path_buf(),
            key: None,
            station: default_station_name(),
            edge: None,
            clock: Box::new(OffsetDateTime::now_utc),
            read_only,
        })
    }

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

    /// Appends one entry in its own transaction, with a new signed tree head.
    pub fn append(&mut self, entry: NewEntry) -> Result<Appended> {
        self.append_batch(vec![entry])
    }

    /// Appends entries in one transaction with one signed tree head for the batch.
    ///
    /// Copies cannot be appended here: their number comes from [`Register::reserve_copy`].
    pub fn append_batch(&mut self, entries: Vec<NewEntry>) -> Result<Appended> {
        let entries = entries
            .into_iter()
            .map(|e| {
                if e.kind == EntryKind::Copy {
                    return Err(InvalidEntry::CopyKindMismatch { kind: e.kind });
                }
                e.validated()
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.begin()?;
        let now = self.now();
        let staged = entries.into_iter().map(|e| (e, None)).collect();
        let result = self.write_and_commit(staged, now);
        if result.is_err() {
            self.rollback();
        }
        result
    }

    /// Starts a write transaction holding the register's write lock.
    fn begin(&mut self) -> Result<()> {
        if self.read_only {
            return Err(RegisterError::ReadOnly);
        }
        // Load the key before taking the lock: a missing key must not cost a transaction.
        self.station_key()?;
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    fn rollback(&mut self) {
        let _ = self.conn.execute_batch("ROLLBACK");
        self.edge = None;
    }

    /// Inside a transaction: writes entries, nodes and the checkpoint, then commits.
    fn write_and_commit(
        &mut self,
        entries: Vec<(NewEntry, Option<CopyNumber>)>,
        now: OffsetDateTime,
    ) -> Result<Appended> {
        let size = self.size()?;
        let count = self.entry_count()?;
        if size != count {
            return Err(RegisterError::Inconsistent {
                entries: count,
                checkpoint: size,
            });
        }
        let mut edge = match self.edge.take() {
            Some(e) if e.size() == size => e,
            _ => CompactRange::load(&DbNodes(&self.conn), size)?,
        };
        let time = format_vietnam(now);
        let mut written = Vec::with_capacity(entries.len());
        {
            let mut insert_entry = self.conn.prepare_cached(
                "INSERT INTO entries (seq, sha256, kind, time, station, dossier_code, title, \
                 copy_org, copy_year, copy_number, copy_form, signer_fingerprint, extra, leaf_hash) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?;
            let mut insert_node = self
                .conn
                .prepare_cached("INSERT INTO nodes (level, idx, hash) VALUES (?1, ?2, ?3)")?;
            for (new, copy) in entries {
                let entry = Entry {
                    seq: edge.size(),
                    sha256: new.sha256,
                    kind: new.kind,
                    time: time.clone(),
                    station: self.station.clone(),
                    dossier_code: new.dossier_code,
                    title: new.title,
                    copy,
                    signer_fingerprint: new.signer_fingerprint,
                    extra: serde_json::Value::Object(new.extra).to_string(),
                };
                let leaf = entry.leaf_hash()?;
                insert_entry.execute(params![
                    to_i64(entry.seq)?,
                    &entry.sha256[..],
                    entry.kind.as_str(),
                    entry.time,
                    entry.station,
                    entry.dossier_code,
                    entry.title,
                    entry.copy.as_ref().map(|c| c.org.as_str()),
                    entry.copy.as_ref().map(|c| c.year),
                    entry.copy.as_ref().map(|c| c.number),
                    entry.copy.as_ref().map(|c| c.form.symbol()),
                    entry.signer_fingerprint,
                    entry.extra,
                    &leaf[..],
                ])?;
                for (id, hash) in edge.push(leaf) {
                    insert_node.execute(params![id.level, to_i64(id.index)?, &hash[..]])?;
                }
                written.push(entry);
            }
        }
        let checkpoint = Checkpoint {
            origin: self.origin.clone(),
            size: edge.size(),
            root: edge.root(),
        };
        let note = checkpoint.sign(self.station_key()?)?;
        self.conn
            .prepare_cached(
                "INSERT INTO checkpoints (size, root, time, note) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                to_i64(checkpoint.size)?,
                &checkpoint.root[..],
                time,
                note
            ])?;
        self.conn.execute_batch("COMMIT")?;
        self.edge = Some(edge);
        Ok(Appended {
            entries: written,
            checkpoint: SignedCheckpoint {
                checkpoint,
                note,
                time,
            },
        })
    }

    /// Reserves the next copy number of `org` for this year (Vietnam time), holding the
    /// register's write lock until the reservation is committed or dropped.
    ///
    /// The number is allocated inside the transaction that will append the copy's entry: if
    /// signing fails, dropping the reservation (or [`CopyReservation::abort`]) rolls it back
    /// and the number is not consumed, so numbers stay gap-free. Other writers wait while a
    /// reservation is open (up to the 30 s busy timeout), so sign promptly.
    pub fn reserve_copy(&mut self, org: &str, form: CopyForm) -> Result<CopyReservation<'_>> {
        check_organisation(org)?;
        self.begin()?;
        let now = self.now();
        let year = u32::try_from(now.year()).map_err(|_| RegisterError::OutOfRange(0))?;
        let allocated: Result<u32> = self
            .conn
            .prepare_cached(
                "INSERT INTO copy_counters (org, year, last) VALUES (?1, ?2, 1) \
                 ON CONFLICT (org, year) DO UPDATE SET last = last + 1 RETURNING last",
            )
            .and_then(|mut s| s.query_row(params![org, year], |r| r.get(0)))
            .map_err(RegisterError::from);
        match allocated {
            Ok(number) => Ok(CopyReservation {
                number: CopyNumber {
                    org: org.to_owned(),
                    year,
                    number,
                    form,
                },
                now,
                register: self,
                open: true,
            }),
            Err(e) => {
                self.rollback();
                Err(e)
            }
        }
    }

    /// Allocates a copy number, runs `sign` with it (stamp and sign the copy, return the
    /// SHA-256 of the signed file), and appends the copy's entry — all in one transaction.
    /// If `sign` fails, nothing is written and the number is not consumed.
    pub fn append_copy<E>(
        &mut self,
        org: &str,
        form: CopyForm,
        template: NewEntry,
        sign: impl FnOnce(&CopyNumber) -> std::result::Result<Hash, E>,
    ) -> std::result::Result<Appended, AppendCopyError<E>> {
        let reservation = self
            .reserve_copy(org, form)
            .map_err(AppendCopyError::Register)?;
        let sha256 = match sign(reservation.number()) {
            Ok(h) => h,
            Err(e) => {
                reservation.abort();
                return Err(AppendCopyError::Sign(e));
            }
        };
        reservation
            .commit(NewEntry {
                kind: EntryKind::Copy,
                sha256,
                ..template
            })
            .map_err(AppendCopyError::Register)
    }
}

/// The error of [`Register::append_copy`]: the register's, or the signing step's.
#[derive(Debug, thiserror::Error)]
pub enum AppendCopyError<E> {
    /// The register failed.
    #[error(transparent)]
    Register(RegisterError),
    /// The signing step failed; no number was consumed.
    #[error("signing the copy failed; its number was not used: {0}")]
    Sign(E),
}

/// A copy number held inside an open write transaction; see [`Register::reserve_copy`].
#[must_use = "a reservation does nothing until committed; dropping it gives the number back"]
pub struct CopyReservation<'r> {
    register: &'r mut Register,
    number: CopyNumber,
    now: OffsetDateTime,
    open: bool,
}

impl CopyReservation<'_> {
    /// The reserved number, to print on the copy ("Số: 05/SY-UBND").
    pub fn number(&self) -> &CopyNumber {
        &self.number
    }

    /// The time that will be recorded for the entry, ISO 8601 in +07:00.
    pub fn time(&self) -> String {
        format_vietnam(self.now)
    }

    /// Appends the copy's entry (its kind becomes [`EntryKind::Copy`]) with the reserved
    /// number and commits.
    pub fn commit(mut self, entry: NewEntry) -> Result<Appended> {
        let entry = NewEntry {
            kind: EntryKind::Copy,
            ..entry
        }
        .validated();
        let result = match entry {
            Ok(entry) => self
                .register
                .write_and_commit(vec![(entry, Some(self.number.clone()))], self.now),
            Err(e) => Err(e.into()),
        };
        if result.is_err() {
            self.register.rollback();
        }
        self.open = false;
        result
    }

    /// Gives the number back: nothing is written.
    pub fn abort(mut self) {
        self.register.rollback();
        self.open = false;
    }
}

impl Drop for CopyReservation<'_> {
    fn drop(&mut self) {
        if self.open {
            self.register.rollback();
        }
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
