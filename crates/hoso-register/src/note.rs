//! Signed tree heads: C2SP signed notes carrying C2SP checkpoints, signed with the station's
//! Ed25519 key.
//!
//! - Signed note (c2sp.org/signed-note): UTF-8 text ending in a newline, a blank line, then
//!   signature lines `— <key name> <base64(key ID ‖ signature)>`; the Ed25519 key ID is the first
//!   four bytes of `SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key)`.
//! - Checkpoint (c2sp.org/tlog-checkpoint): the note text is the origin line, the tree size in
//!   decimal and the base64 root hash, one per line.
//! - Key strings follow golang.org/x/mod/sumdb/note: verifier keys
//!   `<name>+<hex key ID>+<base64(0x01 ‖ public key)>`, signer keys
//!   `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ‖ seed)>`, so other tools can read them.

use std::fmt;
use std::io::Write;
use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::tree::Hash;

/// Signature type byte of Ed25519 in signed notes — c2sp.org/signed-note, "Signature types".
pub const SIG_TYPE_ED25519: u8 = 0x01;

/// The signature line prefix: U+2014 EM DASH and a space — c2sp.org/signed-note.
pub const SIGNATURE_LINE_PREFIX: &str = "\u{2014} ";

const SIGNER_KEY_PREFIX: &str = "PRIVATE+KEY+";

/// What is wrong with a note, a checkpoint or a key string.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NoteError {
    /// A key name is empty or contains a space or `+` — c2sp.org/signed-note, "Key names".
    #[error("invalid key name {0:?}: it must be non-empty, without spaces or '+'")]
    InvalidKeyName(String),
    /// A key string does not have the `name+id+key` shape or its base64 is broken.
    #[error("malformed key string")]
    MalformedKey,
    /// A key string's key ID does not match its name and key.
    #[error("key ID {found} does not match the key (expected {expected})")]
    KeyIdMismatch {
        /// Key ID written in the string.
        found: String,
        /// Key ID computed from the name and key.
        expected: String,
    },
    /// The note text does not end in a newline, contains a blank line or a control character.
    #[error("malformed note text: {0}")]
    MalformedText(&'static str),
    /// The note has no blank line followed by signature lines, or a signature line is broken.
    #[error("malformed signature block: {0}")]
    MalformedSignatures(&'static str),
    /// No signature line is from the expected key.
    #[error("the note carries no signature by key {name} ({key_id})")]
    NoSignatureByKey {
        /// Expected key name.
        name: String,
        /// Expected key ID, hex.
        key_id: String,
    },
    /// The signature by the expected key does not verify.
    #[error("the signature by key {name} does not verify")]
    BadSignature {
        /// Key name.
        name: String,
    },
    /// The checkpoint body is not origin / size / root hash.
    #[error("malformed checkpoint: {0}")]
    MalformedCheckpoint(&'static str),
}

/// Why the station key file could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyFileError {
    /// Reading or creating the file failed.
    #[error("station key {path}: {source}")]
    Io {
        /// The key file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is readable by others than its owner.
    #[error("station key {path} is readable by others (mode {mode:o}); run: chmod 600 {path}")]
    TooOpen {
        /// The key file.
        path: String,
        /// Its permission bits.
        mode: u32,
    },
    /// The file does not hold a signer key.
    #[error("station key {path}: {source}")]
    Malformed {
        /// The key file.
        path: String,
        /// What is wrong.
        source: NoteError,
    },
    /// The operating system's random source failed.
    #[error("no randomness for a new station key: {0}")]
    Random(String),
}

/// Checks a key name — c2sp.org/signed-note, "Key names": non-empty, no Unicode spaces, no `+`.
pub fn check_key_name(name: &str) -> Result<(), NoteError> {
    if name.is_empty() || name.contains('+') || name.chars().any(char::is_whitespace) {
        return Err(NoteError::InvalidKeyName(name.to_owned()));
    }
    Ok(())
}

/// The Ed25519 key ID: `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]` — c2sp.org/signed-note.
pub fn ed25519_key_id(name: &str, public_key: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([SIG_TYPE_ED25519]);
    h.update(public_key);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

use hoso_pdf::hex;

/// The station's signing key, named after the register's origin.
pub struct StationKey {
    name: String,
    key: SigningKey,
}

impl fmt::Debug for StationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StationKey")
            .field("name", &self.name)
            .field("verifier", &self.verifier().to_string())
            .finish_non_exhaustive()
    }
}

impl StationKey {
    /// A new random key.
    pub fn generate(name: &str) -> Result<Self, KeyFileError> {
        generate_key(name, Self::from_seed)
    }

    /// A key from its 32-byte Ed25519 seed.
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Self, NoteError> {
        check_key_name(name)?;
        Ok(Self {
            name: name.to_owned(),
            key: SigningKey::from_bytes(seed),
        })
    }

    /// Parses `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 ‖ seed)>`.
    pub fn from_signer_string(s: &str) -> Result<Self, NoteError> {
        parse_signer_string(s, SIG_TYPE_ED25519, Self::from_seed, Self::key_id)
    }

    /// The signer key string (secret: write it only to a 0600 file).
    pub fn to_signer_string(&self) -> String {
        signer_string(&self.name, self.key_id(), SIG_TYPE_ED25519, &self.key)
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key ID.
    pub fn key_id(&self) -> [u8; 4] {
        ed25519_key_id(&self.name, self.key.verifying_key().as_bytes())
    }

    /// The matching verifier key.
    pub fn verifier(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            key: self.key.verifying_key(),
        }
    }

    /// Signs a note text, returning the whole signed note — c2sp.org/signed-note.
    pub fn sign_note(&self, text: &str) -> Result<String, NoteError> {
        check_note_text(text)?;
        let sig: Signature = self.key.sign(text.as_bytes());
        let line = signature_line(&self.name, &[&self.key_id(), &sig.to_bytes()]);
        Ok(format!("{text}\n{line}\n"))
    }

    /// Loads the key at `path`, or creates it there (mode 0600) when the file does not exist.
    ///
    /// An existing file readable by group or others is refused, as ssh does.
    pub fn load_or_create(path: &Path, name: &str) -> Result<Self, KeyFileError> {
        load_or_create_key_file(
            path,
            Self::from_signer_string,
            || Self::generate(name),
            Self::to_signer_string,
        )
    }

    /// Loads the key at `path`.
    pub fn load(path: &Path) -> Result<Self, KeyFileError> {
        load_key_file(path, Self::from_signer_string)
    }
}

/// A new key named `name` from a random 32-byte seed, built by `from_seed`.
pub(crate) fn generate_key<K>(
    name: &str,
    from_seed: impl FnOnce(&str, &[u8; 32]) -> Result<K, NoteError>,
) -> Result<K, KeyFileError> {
    let mut seed = Zeroizing::new([0u8; 32]);
    getrandom::fill(&mut *seed).map_err(|e| KeyFileError::Random(e.to_string()))?;
    from_seed(name, &seed).map_err(|source| KeyFileError::Malformed {
        path: String::new(),
        source,
    })
}

/// A signature line `— <name> <base64(parts…)>` (without its newline) — c2sp.org/signed-note.
pub(crate) fn signature_line(name: &str, parts: &[&[u8]]) -> String {
    format!(
        "{SIGNATURE_LINE_PREFIX}{name} {}",
        B64.encode(parts.concat())
    )
}

/// Loads the secret key file at `path` with `parse`. A file readable by group or others is
/// refused, as ssh does.
pub(crate) fn load_key_file<K>(
    path: &Path,
    parse: impl FnOnce(&str) -> Result<K, NoteError>,
) -> Result<K, KeyFileError> {
    let shown = path.display().to_string();
    let io = |source| KeyFileError::Io {
        path: shown.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(KeyFileError::TooOpen { path: shown, mode });
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    let text = Zeroizing::new(std::fs::read_to_string(path).map_err(io)?);
    parse(&text).map_err(|source| KeyFileError::Malformed {
        path: shown,
        source,
    })
}

/// Loads the key file at `path`, or creates it (mode 0600, never over another file) holding
/// the key `generate` makes, written by `to_string`. When another process created it first,
/// theirs is loaded.
pub(crate) fn load_or_create_key_file<K>(
    path: &Path,
    parse: impl Fn(&str) -> Result<K, NoteError>,
    generate: impl FnOnce() -> Result<K, KeyFileError>,
    to_string: impl FnOnce(&K) -> String,
) -> Result<K, KeyFileError> {
    match load_key_file(path, &parse) {
        Ok(k) => return Ok(k),
        Err(KeyFileError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let io = |source| KeyFileError::Io {
        path: path.display().to_string(),
        source,
    };
    let key = generate()?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return load_key_file(path, &parse)
        }
        Err(e) => return Err(io(e)),
    };
    let mut text = Zeroizing::new(to_string(&key));
    text.push('\n');
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(io)?;
    Ok(key)
}

/// Parses `PRIVATE+KEY+<name>+<hex id>+<base64(sig_type ‖ seed)>` into the key `make` builds
/// from the name and seed, refusing another signature type and an ID that is not the key's.
pub(crate) fn parse_signer_string<K>(
    s: &str,
    sig_type: u8,
    make: impl FnOnce(&str, &[u8; 32]) -> Result<K, NoteError>,
    key_id: impl FnOnce(&K) -> [u8; 4],
) -> Result<K, NoteError> {
    let rest = s
        .trim_end()
        .strip_prefix(SIGNER_KEY_PREFIX)
        .ok_or(NoteError::MalformedKey)?;
    let (name, id, key) = split_key_string(rest)?;
    let bytes = Zeroizing::new(B64.decode(key).map_err(|_| NoteError::MalformedKey)?);
    let seed: Zeroizing<[u8; 32]> = match bytes.split_first() {
        Some((&t, seed)) if t == sig_type => {
            Zeroizing::new(seed.try_into().map_err(|_| NoteError::MalformedKey)?)
        }
        _ => return Err(NoteError::MalformedKey),
    };
    let me = make(name, &seed)?;
    let expected = hex(&key_id(&me));
    if id != expected {
        return Err(NoteError::KeyIdMismatch {
            found: id.to_owned(),
            expected,
        });
    }
    Ok(me)
}

/// `PRIVATE+KEY+<name>+<hex id>+<base64(sig_type ‖ seed)>` (secret: write it only to a 0600
/// file).
pub(crate) fn signer_string(name: &str, key_id: [u8; 4], sig_type: u8, key: &SigningKey) -> String {
    let mut raw = Zeroizing::new(Vec::with_capacity(33));
    raw.push(sig_type);
    raw.extend_from_slice(key.as_bytes());
    format!(
        "{SIGNER_KEY_PREFIX}{name}+{}+{}",
        hex(&key_id),
        B64.encode(&*raw)
    )
}

pub(crate) fn split_key_string(s: &str) -> Result<(&str, &str, &str), NoteError> {
    // The name has no '+', the ID is hex; the base64 key may itself contain '+'.
    let mut parts = s.splitn(3, '+');
    let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(NoteError::MalformedKey);
    };
    check_key_name(name)?;
    if id.len() != 8 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(NoteError::MalformedKey);
    }
    Ok((name, id, key))
}

/// Checks the text of a note — c2sp.org/signed-note: ends in a newline, no blank line
/// inside (it would be taken for the signature separator), no control characters but newline.
pub(crate) fn check_note_text(text: &str) -> Result<(), NoteError> {
    if !text.ends_with('\n') {
        return Err(NoteError::MalformedText("does not end in a newline"));
    }
    if text.starts_with('\n') || text.contains("\n\n") {
        return Err(NoteError::MalformedText("contains a blank line"));
    }
    if text.chars().any(|c| c < ' ' && c != '\n') {
        return Err(NoteError::MalformedText("contains a control character"));
    }
    Ok(())
}

/// A public key that verifies the station's notes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    key: VerifyingKey,
}

impl VerifierKey {
    /// A verifier from a key name and a raw Ed25519 public key.
    pub fn new(name: &str, public_key: &[u8; 32]) -> Result<Self, NoteError> {
        check_key_name(name)?;
        let key = VerifyingKey::from_bytes(public_key).map_err(|_| NoteError::MalformedKey)?;
        Ok(Self {
            name: name.to_owned(),
            key,
        })
    }

    /// Parses `<name>+<hex key ID>+<base64(0x01 ‖ public key)>`.
    pub fn parse(s: &str) -> Result<Self, NoteError> {
        let (name, id, key) = split_key_string(s.trim())?;
        let bytes = B64.decode(key).map_err(|_| NoteError::MalformedKey)?;
        let public: [u8; 32] = match bytes.split_first() {
            Some((&SIG_TYPE_ED25519, k)) => k.try_into().map_err(|_| NoteError::MalformedKey)?,
            _ => return Err(NoteError::MalformedKey),
        };
        let me = Self::new(name, &public)?;
        let expected = hex(&me.key_id());
        if id != expected {
            return Err(NoteError::KeyIdMismatch {
                found: id.to_owned(),
                expected,
            });
        }
        Ok(me)
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The raw public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// The key ID.
    pub fn key_id(&self) -> [u8; 4] {
        ed25519_key_id(&self.name, self.key.as_bytes())
    }

    /// The public key as a PEM SubjectPublicKeyInfo (RFC 8410 §4), for OpenSSL.
    pub fn to_pem(&self) -> String {
        // RFC 8410 §4: SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING key }.
        const SPKI_PREFIX: [u8; 12] = [
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
        ];
        let mut der = SPKI_PREFIX.to_vec();
        der.extend_from_slice(self.key.as_bytes());
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            B64.encode(der)
        )
    }

    /// Verifies a signed note and returns its text — c2sp.org/signed-note, "Verification".
    ///
    /// The note must carry a signature line with this key's name and key ID; the first such
    /// line decides (a bad signature is a rejection, not a reason to look further).
    pub fn verify_note<'a>(&self, note: &'a str) -> Result<&'a str, NoteError> {
        let split = note.rfind("\n\n").ok_or(NoteError::MalformedSignatures(
            "no blank line before signatures",
        ))?;
        let text = &note[..split + 1];
        let sigs = &note[split + 2..];
        check_note_text(text)?;
        if sigs.is_empty() || !sigs.ends_with('\n') {
            return Err(NoteError::MalformedSignatures(
                "signature block is empty or does not end in a newline",
            ));
        }
        let want_id = self.key_id();
        for line in sigs[..sigs.len() - 1].split('\n') {
            let rest = line
                .strip_prefix(SIGNATURE_LINE_PREFIX)
                .ok_or(NoteError::MalformedSignatures("line without em dash"))?;
            let (name, blob) = rest
                .split_once(' ')
                .ok_or(NoteError::MalformedSignatures("line without signature"))?;
            let blob = B64
                .decode(blob)
                .map_err(|_| NoteError::MalformedSignatures("signature is not base64"))?;
            if blob.len() < 5 {
                return Err(NoteError::MalformedSignatures("signature too short"));
            }
            if name != self.name || blob[..4] != want_id {
                continue;
            }
            let sig = Signature::from_slice(&blob[4..]).map_err(|_| NoteError::BadSignature {
                name: self.name.clone(),
            })?;
            return self
                .key
                .verify_strict(text.as_bytes(), &sig)
                .map(|()| text)
                .map_err(|_| NoteError::BadSignature {
                    name: self.name.clone(),
                });
        }
        Err(NoteError::NoSignatureByKey {
            name: self.name.clone(),
            key_id: hex(&want_id),
        })
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut raw = vec![SIG_TYPE_ED25519];
        raw.extend_from_slice(self.key.as_bytes());
        write!(
            f,
            "{}+{}+{}",
            self.name,
            hex(&self.key_id()),
            B64.encode(raw)
        )
    }
}

/// A tree head — c2sp.org/tlog-checkpoint: origin, tree size, root hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin line, which is also the station key's name.
    pub origin: String,
    /// Number of entries.
    pub size: u64,
    /// RFC 9162 root hash of the first `size` entries.
    pub root: Hash,
}

impl Checkpoint {
    /// The note text: `<origin>\n<size>\n<base64 root>\n` — c2sp.org/tlog-checkpoint.
    pub fn to_note_text(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            B64.encode(self.root)
        )
    }

    /// Parses a checkpoint note text (extension lines after the third are allowed and ignored,
    /// as c2sp.org/tlog-checkpoint says).
    pub fn parse_note_text(text: &str) -> Result<Self, NoteError> {
        let mut lines = text.split('\n');
        let origin = lines
            .next()
            .filter(|o| !o.is_empty())
            .ok_or(NoteError::MalformedCheckpoint("no origin line"))?;
        let size = lines
            .next()
            .ok_or(NoteError::MalformedCheckpoint("no size line"))?;
        if size.is_empty()
            || !size.bytes().all(|b| b.is_ascii_digit())
            || (size.len() > 1 && size.starts_with('0'))
        {
            return Err(NoteError::MalformedCheckpoint(
                "size is not a decimal number without leading zeros",
            ));
        }
        let size: u64 = size
            .parse()
            .map_err(|_| NoteError::MalformedCheckpoint("size does not fit 64 bits"))?;
        let root = lines
            .next()
            .ok_or(NoteError::MalformedCheckpoint("no root line"))?;
        let root: Hash = B64
            .decode(root)
            .ok()
            .and_then(|r| r.try_into().ok())
            .ok_or(NoteError::MalformedCheckpoint(
                "root is not base64 of 32 bytes",
            ))?;
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
        })
    }

    /// Signs this checkpoint with the station key.
    pub fn sign(&self, key: &StationKey) -> Result<String, NoteError> {
        key.sign_note(&self.to_note_text())
    }

    /// Verifies a signed checkpoint note and parses it; the origin must be the key's name.
    pub fn open(note: &str, key: &VerifierKey) -> Result<Self, NoteError> {
        let text = key.verify_note(note)?;
        let cp = Self::parse_note_text(text)?;
        if cp.origin != key.name() {
            return Err(NoteError::MalformedCheckpoint(
                "origin line differs from the key name",
            ));
        }
        Ok(cp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Known answer from golang.org/x/mod/sumdb/note (the reference implementation of
    // c2sp.org/signed-note), package documentation "Example": key strings, text and the exact
    // signed note. Ed25519 is deterministic (RFC 8032), so the bytes must match.
    const GO_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const GO_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const GO_TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                           then you don't know what your problem is.\n";
    const GO_NOTE: &str = "If you think cryptography is the answer to your problem,\n\
        then you don't know what your problem is.\n\
        \n\
        \u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    #[test]
    fn go_reference_note_is_reproduced_byte_for_byte() {
        let skey = StationKey::from_signer_string(GO_SKEY).unwrap();
        assert_eq!(skey.to_signer_string(), GO_SKEY);
        assert_eq!(skey.verifier().to_string(), GO_VKEY);
        assert_eq!(skey.sign_note(GO_TEXT).unwrap(), GO_NOTE);
        let vkey = VerifierKey::parse(GO_VKEY).unwrap();
        assert_eq!(vkey.verify_note(GO_NOTE).unwrap(), GO_TEXT);
    }

    #[test]
    fn altered_notes_and_keys_are_rejected() {
        let vkey = VerifierKey::parse(GO_VKEY).unwrap();
        let changed_text = GO_NOTE.replacen("problem", "Problem", 1);
        assert!(matches!(
            vkey.verify_note(&changed_text),
            Err(NoteError::BadSignature { .. })
        ));
        let changed_name = GO_NOTE.replace("PeterNeumann x08", "PeterNeuman x08");
        assert!(matches!(
            vkey.verify_note(&changed_name),
            Err(NoteError::NoSignatureByKey { .. })
        ));
        let other = StationKey::from_seed("PeterNeumann", &[7; 32]).unwrap();
        let forged = other.sign_note(GO_TEXT).unwrap();
        assert!(matches!(
            vkey.verify_note(&forged),
            Err(NoteError::NoSignatureByKey { .. })
        ));
        assert!(VerifierKey::parse(&GO_VKEY.replace("c74f20a3", "c74f20a4")).is_err());
        assert!(VerifierKey::parse("PeterNeumann+c74f20a3").is_err());
        assert!(StationKey::from_signer_string(GO_VKEY).is_err());
        assert!(vkey.verify_note(GO_TEXT).is_err());
    }

    #[test]
    fn checkpoint_round_trip_and_checks() {
        let key = StationKey::from_seed("hoso.example/ubnd-test", &[1; 32]).unwrap();
        let cp = Checkpoint {
            origin: key.name().to_owned(),
            size: 12,
            root: crate::tree::hash_leaf(b"x"),
        };
        let note = cp.sign(&key).unwrap();
        assert!(note.starts_with("hoso.example/ubnd-test\n12\n"));
        assert_eq!(Checkpoint::open(&note, &key.verifier()).unwrap(), cp);
        let bumped = note.replacen("\n12\n", "\n13\n", 1);
        assert!(Checkpoint::open(&bumped, &key.verifier()).is_err());
        assert!(Checkpoint::parse_note_text("o\n012\nAAAA\n").is_err());
        assert!(Checkpoint::parse_note_text("o\n1\nAAAA\n").is_err());
    }

    #[test]
    fn pem_is_rfc8410_spki() {
        let vkey = VerifierKey::parse(GO_VKEY).unwrap();
        let pem = vkey.to_pem();
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"));
    }

    #[cfg(unix)]
    #[test]
    fn key_file_is_created_0600_and_reloaded() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("station.key");
        let k1 = StationKey::load_or_create(&path, "hoso.example/a").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let k2 = StationKey::load_or_create(&path, "ignored").unwrap();
        assert_eq!(k1.verifier(), k2.verifier());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            StationKey::load(&path),
            Err(KeyFileError::TooOpen { .. })
        ));
    }
}
