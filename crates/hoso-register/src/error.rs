//! The register's errors: one enum a caller can act on.

use crate::entry::InvalidEntry;
use crate::note::{KeyFileError, NoteError};
use crate::qr::QrError;
use crate::tree::ProofError;

/// Why a file is not (or no longer) a register hoso can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotARegister {
    /// The file is empty or shorter than an SQLite header.
    #[error("the file is empty or truncated")]
    Truncated,
    /// The file does not start with the SQLite header.
    #[error("the file is not an SQLite database")]
    NotSqlite,
    /// An SQLite database of another application.
    #[error("an SQLite database of another application (application_id {0:#010x})")]
    ForeignApplication(u32),
    /// A hoso register whose schema is missing tables.
    #[error("table {0} is missing")]
    MissingTable(&'static str),
    /// A hoso register without its origin or station public key.
    #[error("register metadata {0} is missing or malformed")]
    BadMeta(&'static str),
}

/// Errors of the register.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegisterError {
    /// No register at this path.
    #[error("no register at {path}")]
    NotFound {
        /// The path.
        path: String,
    },
    /// Creating a register where a file already exists.
    #[error("{path} already exists; open it instead of creating it")]
    AlreadyExists {
        /// The path.
        path: String,
    },
    /// The file is not a hoso register; it was not modified.
    #[error("{path} is not a hoso register ({reason}); the file was not modified")]
    NotARegister {
        /// The path.
        path: String,
        /// What was found instead.
        reason: NotARegister,
    },
    /// SQLite reports the file as damaged; it was not modified.
    #[error("{path} is damaged ({source}); the file was not modified")]
    Corrupt {
        /// The path.
        path: String,
        /// SQLite's report.
        source: rusqlite::Error,
    },
    /// The register was written by a newer hoso.
    #[error("{path} has schema version {found}; this hoso reads up to version {supported}")]
    TooNew {
        /// The path.
        path: String,
        /// Version in the file.
        found: i64,
        /// Latest version this build knows.
        supported: i64,
    },
    /// An older schema cannot be upgraded through a read-only connection.
    #[error("{path} has schema version {found} and must be opened read-write once to upgrade it")]
    NeedsMigration {
        /// The path.
        path: String,
        /// Version in the file.
        found: i64,
    },
    /// A write through a read-only register.
    #[error("the register was opened read-only")]
    ReadOnly,
    /// A database error.
    #[error("register database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Reading or writing a file other than the database.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The station key file could not be used.
    #[error(transparent)]
    Key(#[from] KeyFileError),
    /// The station key does not belong to this register.
    #[error("station key {key} does not match the register's key {register}")]
    KeyMismatch {
        /// Verifier key of the key file.
        key: String,
        /// Verifier key recorded in the register.
        register: String,
    },
    /// The register's key is not the key pinned in the settings: the register was rebuilt or
    /// re-signed with another key (or the pin names another register). Nothing is trusted.
    #[error("khóa của sổ đăng ký khác khóa đã ghim: sổ có thể đã bị dựng lại bằng khóa khác / the register's key {register} is not the pinned key {pinned}: the register may have been rebuilt with another key")]
    PinnedKeyMismatch {
        /// The pinned verifier key.
        pinned: String,
        /// The key recorded in the register.
        register: String,
    },
    /// A key is pinned but the register file does not exist: a new register would have a new
    /// key, which the pin would refuse. Nothing is created.
    #[error("không có sổ đăng ký {path} nhưng Cài đặt đã ghim khóa {pinned}: khôi phục sổ từ bản sao lưu (hoso backup --restore), hoặc bỏ ghim nếu đây là sổ mới; chưa tạo tệp nào / the register {path} does not exist but the key {pinned} is pinned: restore the register from a backup, or remove the pin for a new register; nothing was created")]
    PinnedRegisterMissing {
        /// The register file.
        path: String,
        /// The pinned verifier key.
        pinned: String,
    },
    /// A signed note or checkpoint problem.
    #[error(transparent)]
    Note(#[from] NoteError),
    /// The entry was refused.
    #[error(transparent)]
    InvalidEntry(#[from] InvalidEntry),
    /// A QR payload could not be parsed.
    #[error(transparent)]
    Qr(#[from] QrError),
    /// A proof request outside the tree.
    #[error(transparent)]
    Proof(#[from] ProofError),
    /// The stored entries and tree heads disagree (hand edits?): appending is refused until
    /// an audit explains it.
    #[error("the register is inconsistent: {entries} entries but the latest tree head covers {checkpoint}; run `hoso register audit`")]
    Inconsistent {
        /// Number of entry rows.
        entries: u64,
        /// Size of the latest checkpoint.
        checkpoint: u64,
    },
    /// A stored tree node that a proof needs is missing.
    #[error("tree node level {level} index {index} is missing from the register")]
    MissingNode {
        /// Node level.
        level: u8,
        /// Node index.
        index: u64,
    },
    /// A stored value has the wrong type or length.
    #[error("stored {table}.{column} at {key} is malformed")]
    BadStoredValue {
        /// Table.
        table: &'static str,
        /// Column.
        column: &'static str,
        /// Row key.
        key: u64,
    },
    /// A number does not fit SQLite's signed 64-bit integers.
    #[error("{0} is too large for the register")]
    OutOfRange(u64),
}

/// `Result` with [`RegisterError`].
pub type Result<T, E = RegisterError> = std::result::Result<T, E>;
