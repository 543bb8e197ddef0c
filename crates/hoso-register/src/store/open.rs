//! Creating and opening a register: the SQLite header check (without trusting SQLite with a
//! file that is not ours), the schema and its migrations (`PRAGMA user_version`), and the
//! station key beside the database.

use super::*;

/// `PRAGMA application_id` of hoso registers: "HOSO" in ASCII.
pub const APPLICATION_ID: u32 = 0x484F_534F;

/// The schema version this build writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 3;

/// The oldest schema a read-only connection can use as it is: version 3 only adds the
/// cosignatures table, which reads treat as empty when it is absent, so a kiosk or `hoso serve`
/// keeps reading a version-2 register until a station's next write migrates it.
const READ_COMPATIBLE_FROM: i64 = 2;

/// Migrations: `MIGRATIONS[v]` takes the schema from version `v` to `v + 1`.
const MIGRATIONS: &[&str] = &[SCHEMA_V1, SCHEMA_V2, SCHEMA_V3];

/// Version 3: witnesses' cosignatures of the signed tree heads (c2sp.org/tlog-cosignature
/// signature lines), kept beside the checkpoint they co-sign; append-only. They are evidence,
/// re-verified against the configured witness keys whenever they are read.
const SCHEMA_V3: &str = r#"
CREATE TABLE cosignatures (
    size    INTEGER NOT NULL,
    witness TEXT NOT NULL,
    line    TEXT NOT NULL,
    time    TEXT NOT NULL,
    PRIMARY KEY (size, line)
) WITHOUT ROWID;
CREATE TRIGGER cosignatures_of_a_checkpoint BEFORE INSERT ON cosignatures
WHEN NOT EXISTS (SELECT 1 FROM checkpoints WHERE size = NEW.size)
BEGIN SELECT RAISE(ABORT, 'hoso register: a cosignature needs its checkpoint'); END;
CREATE TRIGGER cosignatures_append_only_update BEFORE UPDATE ON cosignatures
BEGIN SELECT RAISE(ABORT, 'hoso register: cosignatures are append-only'); END;
CREATE TRIGGER cosignatures_append_only_delete BEFORE DELETE ON cosignatures
BEGIN SELECT RAISE(ABORT, 'hoso register: cosignatures are append-only'); END;
"#;

/// Version 2: the report facts of every entry (Decision 766/QĐ-TTg indicators), an index
/// derived from the hashed leaf fields (kind, time, station, dossier code, copy form and the
/// role, procedure code, dates and reuse in `extra`); rows are added with their entry and
/// back-filled from existing entries on migration, and are append-only like the entries.
const SCHEMA_V2: &str = r#"
CREATE TABLE entry_facts (
    seq            INTEGER PRIMARY KEY,
    role           TEXT NOT NULL,
    day            TEXT NOT NULL,
    station        TEXT NOT NULL,
    dossier_code   TEXT,
    procedure_code TEXT,
    received_on    TEXT,
    resolved_on    TEXT,
    reuse_of       INTEGER,
    copy_form      TEXT
);
CREATE INDEX entry_facts_by_day ON entry_facts (day);
CREATE INDEX entry_facts_by_received ON entry_facts (received_on) WHERE received_on IS NOT NULL;
CREATE INDEX entry_facts_by_resolved ON entry_facts (resolved_on) WHERE resolved_on IS NOT NULL;
CREATE INDEX entry_facts_by_dossier ON entry_facts (dossier_code) WHERE dossier_code IS NOT NULL;
CREATE TRIGGER entry_facts_append_only_update BEFORE UPDATE ON entry_facts
BEGIN SELECT RAISE(ABORT, 'hoso register: entry facts are append-only'); END;
CREATE TRIGGER entry_facts_append_only_delete BEFORE DELETE ON entry_facts
BEGIN SELECT RAISE(ABORT, 'hoso register: entry facts are append-only'); END;
"#;

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

fn read_only_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
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
            if v == 1 {
                backfill_facts(&tx)?;
            }
            tx.pragma_update(None, "user_version", v as i64 + 1)?;
        }
        tx.commit()?;
    }
    Ok(())
}

/// Migration to version 2: one facts row per existing entry, derived as new appends derive
/// them ([`Entry::facts`]), streaming so a large register migrates in flat memory.
fn backfill_facts(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    let mut select = tx.prepare(&format!("SELECT {ENTRY_COLUMNS} FROM entries ORDER BY seq"))?;
    let mut rows = select.query([])?;
    while let Some(row) = rows.next()? {
        let (entry, _) = entry_from_row(row)?;
        insert_facts(tx, &entry)?;
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
        } else if version < READ_COMPATIBLE_FROM {
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
        let has_cosignatures = read_only_version(&conn)? >= 3;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
            origin,
            verifier,
            pinned: None,
            witnesses: Vec::new(),
            has_cosignatures,
            key_path: key_path.to_path_buf(),
            key: None,
            station: default_station_name(),
            edge: None,
            clock: Box::new(OffsetDateTime::now_utc),
            read_only,
        })
    }
}
