//! Register entries and their canonical leaf encoding.
//!
//! The Merkle leaf of an entry is `hash_leaf(leaf_data)` (RFC 9162 §2.1.1) where `leaf_data` is
//! the version-1 encoding below — every field, in a fixed order, so that changing any stored
//! value changes the leaf. Integers are big-endian; `str` is a u32 byte length then UTF-8;
//! `opt(x)` is `0x00` when absent or `0x01` then `x`:
//!
//! ```text
//! "HOSOREG1"                 8 bytes, format tag
//! seq                        u64
//! sha256                     32 bytes, the file's SHA-256
//! kind                       str   dossier | signed | copy | other
//! time                       str   ISO 8601 with +07:00, e.g. 2026-11-29T09:15:02+07:00
//! station                    str
//! dossier_code               opt(str)
//! title                      opt(str)
//! copy                       opt(str org, u32 year, u32 number, str form)   form: SY | SL | TrS
//! signer_fingerprint         opt(str)   lowercase hex SHA-256 of the signer certificate
//! extra                      str   JSON text, stored and hashed byte for byte
//! ```
//!
//! `tests/register_verify_bundle.py` re-implements this with the Python standard library.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::tree::{hash_leaf, Hash};

/// Format tag that opens every version-1 leaf.
pub const LEAF_FORMAT_V1: &[u8; 8] = b"HOSOREG1";

/// What kind of file an entry registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// A dossier PDF/A built from scans.
    Dossier,
    /// A signed document.
    Signed,
    /// A certified copy (sao y, sao lục, trích sao), which carries a copy number.
    Copy,
    /// Anything else.
    Other,
}

impl EntryKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dossier => "dossier",
            Self::Signed => "signed",
            Self::Copy => "copy",
            Self::Other => "other",
        }
    }
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that names no [`EntryKind`] or [`CopyForm`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}")]
pub struct UnknownName {
    /// Which list was searched.
    pub what: &'static str,
    /// The string given.
    pub value: String,
}

impl FromStr for EntryKind {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, UnknownName> {
        Ok(match s {
            "dossier" => Self::Dossier,
            "signed" => Self::Signed,
            "copy" => Self::Copy,
            "other" => Self::Other,
            _ => {
                return Err(UnknownName {
                    what: "entry kind",
                    value: s.to_owned(),
                })
            }
        })
    }
}

/// The form of a copy — Decree 30/2020/NĐ-CP Art. 25 and Appendix III: sao y (SY), sao lục
/// (SL), trích sao (TrS). All three share one counter per organisation and year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CopyForm {
    /// Sao y — a full copy of the original.
    #[serde(rename = "SY")]
    SaoY,
    /// Sao lục — a copy of a copy.
    #[serde(rename = "SL")]
    SaoLuc,
    /// Trích sao — an extract.
    #[serde(rename = "TrS")]
    TrichSao,
}

impl CopyForm {
    /// The symbol written after the number, e.g. `SY` in `05/SY-UBND`.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::SaoY => "SY",
            Self::SaoLuc => "SL",
            Self::TrichSao => "TrS",
        }
    }
}

impl FromStr for CopyForm {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, UnknownName> {
        Ok(match s {
            "SY" => Self::SaoY,
            "SL" => Self::SaoLuc,
            "TrS" => Self::TrichSao,
            _ => {
                return Err(UnknownName {
                    what: "copy form (SY, SL, TrS)",
                    value: s.to_owned(),
                })
            }
        })
    }
}

impl fmt::Display for CopyForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// A copy number: the organisation's counter for the year, shared by all copy forms —
/// Decree 30/2020/NĐ-CP Appendix III ("Số: 05/SY-UBND"), restarting at 01 on 1 January.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CopyNumber {
    /// The organisation's abbreviation written after the form, e.g. `UBND`.
    pub org: String,
    /// The year (Vietnam time) the number belongs to.
    pub year: u32,
    /// The number, from 1.
    pub number: u32,
    /// Sao y, sao lục or trích sao.
    pub form: CopyForm,
}

impl fmt::Display for CopyNumber {
    /// `05/SY-UBND`, or `05/SY` without an organisation.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{}", self.number, self.form)?;
        if !self.org.is_empty() {
            write!(f, "-{}", self.org)?;
        }
        Ok(())
    }
}

/// Why an entry was refused before anything was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidEntry {
    /// The signer fingerprint is not 64 hex digits.
    #[error("signer fingerprint {0:?} is not a SHA-256 in hex (64 digits)")]
    SignerFingerprint(String),
    /// `extra` is not a JSON object.
    #[error("extra metadata must be a JSON object")]
    ExtraNotObject,
    /// A copy entry was appended without a number, or a number given to another kind.
    #[error("kind {kind} and copy number do not go together: only copies carry a number, allocated by the register")]
    CopyKindMismatch {
        /// The kind given.
        kind: EntryKind,
    },
    /// A field is longer than the encoding allows.
    #[error("field {0} is too long")]
    TooLong(&'static str),
    /// An organisation abbreviation with characters that do not belong in `05/SY-UBND`.
    #[error("organisation abbreviation {0:?} must be 1–32 letters, digits or '-', without spaces")]
    Organisation(String),
    /// A report fact in `extra` (role, procedure code, dates, reuse) is malformed or does not
    /// fit the entry's kind.
    #[error("report field {0} in extra is malformed or does not fit the entry kind")]
    Fact(&'static str),
}

/// What the caller supplies for a new entry; the register adds the sequence number, time,
/// station name and, for copies, the copy number.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEntry {
    /// Kind of file.
    pub kind: EntryKind,
    /// SHA-256 of the file's bytes.
    pub sha256: Hash,
    /// Dossier code (Circular 01/2018/TT-VPCP), when the file belongs to a dossier.
    pub dossier_code: Option<String>,
    /// Document title (trích yếu).
    pub title: Option<String>,
    /// Lowercase hex SHA-256 of the signer's certificate, for signed files.
    pub signer_fingerprint: Option<String>,
    /// Anything else, as a JSON object.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl NewEntry {
    /// A bare entry of `kind` for a file hash.
    pub fn new(kind: EntryKind, sha256: Hash) -> Self {
        Self {
            kind,
            sha256,
            dossier_code: None,
            title: None,
            signer_fingerprint: None,
            extra: serde_json::Map::new(),
        }
    }

    /// Checks the fields and normalises the fingerprint to lowercase.
    pub(crate) fn validated(mut self) -> Result<Self, InvalidEntry> {
        if let Some(fp) = &self.signer_fingerprint {
            if fp.len() != 64 || !fp.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(InvalidEntry::SignerFingerprint(fp.clone()));
            }
            self.signer_fingerprint = Some(fp.to_ascii_lowercase());
        }
        self.facts()?;
        // Empty optional strings mean "absent": one spelling per value keeps leaves canonical.
        for field in [&mut self.dossier_code, &mut self.title] {
            if field.as_deref() == Some("") {
                *field = None;
            }
        }
        Ok(self)
    }
}

/// The role an entry plays in a dossier's life, for the Decision 766/QĐ-TTg indicators
/// (REGULATIONS.md §6): stored in the hashed `extra` object under [`facts::ROLE`] so the
/// version-1 leaf encoding (and every existing leaf) stays as it is. Entries without a role —
/// those written before roles existed — take [`Role::default_for`] their [`EntryKind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A component received from the applicant (thành phần hồ sơ tiếp nhận).
    Received,
    /// A component digitized at receipt (thành phần được số hóa).
    Digitized,
    /// A component reused: the same file (SHA-256) was already registered for another dossier
    /// (thành phần tái sử dụng).
    Reused,
    /// The result of the procedure (kết quả giải quyết), digitized.
    Result,
    /// An outgoing signed document (văn bản đi đã ký số).
    Outgoing,
    /// A certified copy (bản sao).
    Copy,
    /// Anything else.
    Other,
}

impl Role {
    /// Every role, in report order.
    pub const ALL: [Role; 7] = [
        Role::Received,
        Role::Digitized,
        Role::Reused,
        Role::Result,
        Role::Outgoing,
        Role::Copy,
        Role::Other,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Digitized => "digitized",
            Self::Reused => "reused",
            Self::Result => "result",
            Self::Outgoing => "outgoing",
            Self::Copy => "copy",
            Self::Other => "other",
        }
    }

    /// The role of an entry that names none: a dossier PDF/A is a digitized component, a
    /// signed file an outgoing document, a copy a copy.
    pub fn default_for(kind: EntryKind) -> Self {
        match kind {
            EntryKind::Dossier => Self::Digitized,
            EntryKind::Signed => Self::Outgoing,
            EntryKind::Copy => Self::Copy,
            EntryKind::Other => Self::Other,
        }
    }

    /// Whether an entry of `kind` may carry this role (copies are always [`Role::Copy`], and
    /// only copies are).
    pub fn fits(self, kind: EntryKind) -> bool {
        (self == Self::Copy) == (kind == EntryKind::Copy)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, UnknownName> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownName {
                what: "entry role",
                value: s.to_owned(),
            })
    }
}

/// The keys of `extra` that carry report facts, and reading them back.
pub mod facts {
    use super::*;

    /// [`Role`] name.
    pub const ROLE: &str = "role";
    /// Procedure code (mã thủ tục hành chính), e.g. `1.001612`.
    pub const PROCEDURE_CODE: &str = "procedure_code";
    /// Date the dossier was received, `YYYY-MM-DD` (Vietnam).
    pub const RECEIVED_ON: &str = "received_on";
    /// Date the dossier was resolved, `YYYY-MM-DD` (Vietnam).
    pub const RESOLVED_ON: &str = "resolved_on";
    /// Sequence number of the earlier entry of the same file, for a reused component.
    pub const REUSE_OF: &str = "reuse_of";

    /// The report facts of one entry, as the register indexes them.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Facts {
        /// Role (explicit or [`Role::default_for`] the kind).
        pub role: Role,
        /// Procedure code.
        pub procedure_code: Option<String>,
        /// Received date, `YYYY-MM-DD`.
        pub received_on: Option<String>,
        /// Resolved date, `YYYY-MM-DD`.
        pub resolved_on: Option<String>,
        /// The earlier entry of the same file.
        pub reuse_of: Option<u64>,
    }

    /// Whether `s` is a calendar date written `YYYY-MM-DD`.
    pub fn is_date(s: &str) -> bool {
        let fmt = ::time::macros::format_description!("[year]-[month]-[day]");
        s.len() == 10 && ::time::Date::parse(s, &fmt).is_ok()
    }

    /// Reads and checks the facts in an `extra` object for an entry of `kind`.
    pub fn read(
        kind: EntryKind,
        extra: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<Facts, InvalidEntry> {
        let text = |key: &'static str| -> Result<Option<String>, InvalidEntry> {
            match extra.get(key) {
                None => Ok(None),
                Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(InvalidEntry::Fact(key)),
            }
        };
        let role = match text(ROLE)? {
            None => Role::default_for(kind),
            Some(s) => s.parse().map_err(|_| InvalidEntry::Fact(ROLE))?,
        };
        if !role.fits(kind) {
            return Err(InvalidEntry::Fact(ROLE));
        }
        let procedure_code = text(PROCEDURE_CODE)?;
        if procedure_code
            .as_deref()
            .is_some_and(|c| c.is_empty() || c.len() > 64)
        {
            return Err(InvalidEntry::Fact(PROCEDURE_CODE));
        }
        let received_on = text(RECEIVED_ON)?;
        let resolved_on = text(RESOLVED_ON)?;
        for (key, v) in [(RECEIVED_ON, &received_on), (RESOLVED_ON, &resolved_on)] {
            if v.as_deref().is_some_and(|d| !is_date(d)) {
                return Err(InvalidEntry::Fact(key));
            }
        }
        let reuse_of = match extra.get(REUSE_OF) {
            None => None,
            Some(v) => Some(v.as_u64().ok_or(InvalidEntry::Fact(REUSE_OF))?),
        };
        if reuse_of.is_some() != (role == Role::Reused) {
            return Err(InvalidEntry::Fact(REUSE_OF));
        }
        Ok(Facts {
            role,
            procedure_code,
            received_on,
            resolved_on,
            reuse_of,
        })
    }
}

impl NewEntry {
    /// Sets the entry's [`Role`] (stored in `extra`).
    pub fn with_role(mut self, role: Role) -> Self {
        self.extra
            .insert(facts::ROLE.into(), role.as_str().to_owned().into());
        self
    }

    /// Sets the dossier code.
    pub fn with_dossier_code(mut self, code: &str) -> Self {
        self.dossier_code = Some(code.to_owned());
        self
    }

    /// Sets the procedure code (stored in `extra`).
    pub fn with_procedure_code(mut self, code: &str) -> Self {
        self.extra
            .insert(facts::PROCEDURE_CODE.into(), code.to_owned().into());
        self
    }

    /// Sets the date the dossier was received, `YYYY-MM-DD` (stored in `extra`).
    pub fn with_received_on(mut self, date: &str) -> Self {
        self.extra
            .insert(facts::RECEIVED_ON.into(), date.to_owned().into());
        self
    }

    /// Sets the date the dossier was resolved, `YYYY-MM-DD` (stored in `extra`).
    pub fn with_resolved_on(mut self, date: &str) -> Self {
        self.extra
            .insert(facts::RESOLVED_ON.into(), date.to_owned().into());
        self
    }

    /// Marks the entry as a reused component: the same file was registered earlier as entry
    /// `earlier` (its role becomes [`Role::Reused`]).
    pub fn reusing(self, earlier: u64) -> Self {
        let mut e = self.with_role(Role::Reused);
        e.extra.insert(facts::REUSE_OF.into(), earlier.into());
        e
    }

    /// The report facts this entry will carry.
    pub fn facts(&self) -> Result<facts::Facts, InvalidEntry> {
        facts::read(self.kind, &self.extra)
    }
}

/// Checks an organisation abbreviation for copy numbers.
pub fn check_organisation(org: &str) -> Result<(), InvalidEntry> {
    let ok = org.chars().count() <= 32
        && org
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    if ok {
        Ok(())
    } else {
        Err(InvalidEntry::Organisation(org.to_owned()))
    }
}

/// A stored entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Sequence number = leaf index in the tree, from 0.
    pub seq: u64,
    /// SHA-256 of the file.
    #[serde(with = "hex32")]
    pub sha256: Hash,
    /// Kind of file.
    pub kind: EntryKind,
    /// Time of registration, ISO 8601 in Vietnam time (+07:00).
    pub time: String,
    /// Name of the station that registered it.
    pub station: String,
    /// Dossier code.
    pub dossier_code: Option<String>,
    /// Document title.
    pub title: Option<String>,
    /// Copy number, for copies.
    pub copy: Option<CopyNumber>,
    /// Lowercase hex SHA-256 of the signer certificate.
    pub signer_fingerprint: Option<String>,
    /// Other metadata: JSON object text, hashed byte for byte.
    pub extra: String,
}

impl Entry {
    /// The canonical version-1 leaf encoding (see the module documentation).
    pub fn leaf_data(&self) -> Result<Vec<u8>, InvalidEntry> {
        let mut out = Vec::with_capacity(160 + self.extra.len());
        out.extend_from_slice(LEAF_FORMAT_V1);
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.extend_from_slice(&self.sha256);
        put_str(&mut out, "kind", self.kind.as_str())?;
        put_str(&mut out, "time", &self.time)?;
        put_str(&mut out, "station", &self.station)?;
        put_opt_str(&mut out, "dossier_code", self.dossier_code.as_deref())?;
        put_opt_str(&mut out, "title", self.title.as_deref())?;
        match &self.copy {
            None => out.push(0),
            Some(c) => {
                out.push(1);
                put_str(&mut out, "copy.org", &c.org)?;
                out.extend_from_slice(&c.year.to_be_bytes());
                out.extend_from_slice(&c.number.to_be_bytes());
                put_str(&mut out, "copy.form", c.form.symbol())?;
            }
        }
        put_opt_str(
            &mut out,
            "signer_fingerprint",
            self.signer_fingerprint.as_deref(),
        )?;
        put_str(&mut out, "extra", &self.extra)?;
        Ok(out)
    }

    /// The entry's report facts, read from its kind and `extra` (an entry written before
    /// roles existed gets [`Role::default_for`] its kind; unreadable facts give the default
    /// role and nothing else, so an old register always reports).
    pub fn facts(&self) -> facts::Facts {
        let parsed =
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&self.extra)
                .ok()
                .and_then(|m| facts::read(self.kind, &m).ok());
        parsed.unwrap_or(facts::Facts {
            role: Role::default_for(self.kind),
            procedure_code: None,
            received_on: None,
            resolved_on: None,
            reuse_of: None,
        })
    }

    /// The RFC 9162 leaf hash of [`Entry::leaf_data`].
    pub fn leaf_hash(&self) -> Result<Hash, InvalidEntry> {
        Ok(hash_leaf(&self.leaf_data()?))
    }
}

fn put_str(out: &mut Vec<u8>, field: &'static str, s: &str) -> Result<(), InvalidEntry> {
    let len = u32::try_from(s.len()).map_err(|_| InvalidEntry::TooLong(field))?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

fn put_opt_str(
    out: &mut Vec<u8>,
    field: &'static str,
    s: Option<&str>,
) -> Result<(), InvalidEntry> {
    match s {
        None => {
            out.push(0);
            Ok(())
        }
        Some(s) => {
            out.push(1);
            put_str(out, field, s)
        }
    }
}

/// Hex serde for 32-byte hashes.
pub(crate) mod hex32 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(h: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&data_encoding::HEXLOWER.encode(h))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let s = String::deserialize(d)?;
        crate::parse_sha256_hex(&s)
            .ok_or_else(|| serde::de::Error::custom("expected 64 hex digits"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Entry {
        Entry {
            seq: 5,
            sha256: [0xab; 32],
            kind: EntryKind::Copy,
            time: "2026-11-29T09:15:02+07:00".into(),
            station: "một-cửa-1".into(),
            dossier_code: Some("000.00.15.H12-261129-0001".into()),
            title: None,
            copy: Some(CopyNumber {
                org: "UBND".into(),
                year: 2026,
                number: 12,
                form: CopyForm::SaoY,
            }),
            signer_fingerprint: None,
            extra: "{}".into(),
        }
    }

    /// Byte-exact golden test of the version-1 leaf encoding.
    #[test]
    fn leaf_encoding_is_byte_exact() {
        let mut want: Vec<u8> = b"HOSOREG1".to_vec();
        want.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 5]);
        want.extend_from_slice(&[0xab; 32]);
        want.extend_from_slice(b"\0\0\0\x04copy");
        want.extend_from_slice(b"\0\0\0\x192026-11-29T09:15:02+07:00");
        let station = "một-cửa-1".as_bytes();
        want.extend_from_slice(&(station.len() as u32).to_be_bytes());
        want.extend_from_slice(station);
        want.extend_from_slice(b"\x01\0\0\0\x19000.00.15.H12-261129-0001");
        want.push(0);
        want.extend_from_slice(b"\x01\0\0\0\x04UBND");
        want.extend_from_slice(&2026u32.to_be_bytes());
        want.extend_from_slice(&12u32.to_be_bytes());
        want.extend_from_slice(b"\0\0\0\x02SY");
        want.push(0);
        want.extend_from_slice(b"\0\0\0\x02{}");
        let found = sample().leaf_data().unwrap();
        assert_eq!(
            data_encoding::HEXLOWER.encode(&found),
            data_encoding::HEXLOWER.encode(&want),
            "expected/found leaf bytes differ"
        );
    }

    #[test]
    fn every_field_changes_the_leaf() {
        let base = sample().leaf_hash().unwrap();
        type Edit = Box<dyn Fn(&mut Entry)>;
        let edits: Vec<(&str, Edit)> = vec![
            ("seq", Box::new(|e| e.seq += 1)),
            ("sha256", Box::new(|e| e.sha256[31] ^= 1)),
            ("kind", Box::new(|e| e.kind = EntryKind::Other)),
            ("time", Box::new(|e| e.time.push('Z'))),
            ("station", Box::new(|e| e.station.push('x'))),
            ("dossier_code", Box::new(|e| e.dossier_code = None)),
            ("title", Box::new(|e| e.title = Some(String::new()))),
            (
                "copy.number",
                Box::new(|e| e.copy.as_mut().unwrap().number += 1),
            ),
            (
                "copy.year",
                Box::new(|e| e.copy.as_mut().unwrap().year += 1),
            ),
            (
                "copy.form",
                Box::new(|e| e.copy.as_mut().unwrap().form = CopyForm::TrichSao),
            ),
            (
                "copy.org",
                Box::new(|e| e.copy.as_mut().unwrap().org.clear()),
            ),
            (
                "signer",
                Box::new(|e| e.signer_fingerprint = Some("00".repeat(32))),
            ),
            ("extra", Box::new(|e| e.extra = "{ }".into())),
        ];
        for (name, edit) in edits {
            let mut e = sample();
            edit(&mut e);
            assert_ne!(e.leaf_hash().unwrap(), base, "editing {name} kept the leaf");
        }
    }

    #[test]
    fn copy_number_display() {
        let mut c = sample().copy.unwrap();
        assert_eq!(c.to_string(), "12/SY-UBND");
        c.number = 5;
        c.form = CopyForm::TrichSao;
        c.org.clear();
        assert_eq!(c.to_string(), "05/TrS");
        assert_eq!("TrS".parse::<CopyForm>().unwrap(), CopyForm::TrichSao);
        assert!("sy".parse::<CopyForm>().is_err());
    }
}
