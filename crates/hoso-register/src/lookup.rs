//! Looking a file up: by SHA-256 or by QR payload, with an inclusion proof against the latest
//! signed tree head, verified on the spot.

use crate::entry::Entry;
use crate::error::Result;
use crate::note::Checkpoint;
use crate::qr::QrPayload;
use crate::store::{check_inclusion, InclusionProof, Register, SignedCheckpoint, Witnessed};
use crate::tree::Hash;

/// One entry found, with the evidence that it is in the signed log.
#[derive(Clone, Debug)]
pub struct LookupResult {
    /// The entry.
    pub entry: Entry,
    /// The leaf hash recomputed from the entry's fields.
    pub leaf_hash: Hash,
    /// The QR payload for this entry.
    pub qr: QrPayload,
    /// The latest signed tree head.
    pub checkpoint: SignedCheckpoint,
    /// Inclusion proof against that tree head (absent when the entry is not covered by it).
    pub proof: Option<InclusionProof>,
    /// The newest tree head covering the entry that known witnesses co-signed, when the
    /// entry's inclusion in it verifies.
    pub witnessed: Option<Witnessed>,
    /// What was checked.
    pub status: LookupStatus,
}

/// The checks behind a lookup; each is established positively.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LookupStatus {
    /// The tree head's signature verifies with the pinned key (the register's own key when
    /// none is pinned).
    pub checkpoint_signature_valid: bool,
    /// The stored leaf hash equals the one recomputed from the entry's fields.
    pub leaf_matches_fields: bool,
    /// The inclusion proof leads from the recomputed leaf to the signed root.
    pub inclusion_verified: bool,
    /// How many known witnesses co-signed a tree head the entry is proved to be in (0 when
    /// no witness is configured or none co-signed yet); not part of [`Self::verified`].
    pub witnesses: u32,
}

impl LookupStatus {
    /// All checks passed.
    pub fn verified(&self) -> bool {
        self.checkpoint_signature_valid && self.leaf_matches_fields && self.inclusion_verified
    }
}

/// What a QR payload led to.
#[derive(Clone, Debug)]
pub enum QrLookup {
    /// The entry, with its proof.
    Found(Box<LookupResult>),
    /// The payload names another register.
    OtherRegister {
        /// Origin in the payload.
        origin: String,
    },
    /// No entry has that sequence number.
    NoSuchEntry {
        /// The sequence number asked for.
        seq: u64,
    },
    /// The entry exists but its file hash does not start with the payload's prefix.
    HashMismatch {
        /// The entry.
        entry: Box<Entry>,
    },
}

impl Register {
    /// Every entry registering a file with this SHA-256, oldest first, each with a verified
    /// inclusion proof against the latest tree head.
    pub fn lookup_sha256(&self, sha256: &Hash) -> Result<Vec<LookupResult>> {
        let Some(checkpoint) = self.latest_checkpoint()? else {
            return Ok(Vec::new());
        };
        self.entries_by_sha256(sha256)?
            .into_iter()
            .map(|(entry, stored_leaf)| self.prove(entry, stored_leaf, &checkpoint))
            .collect()
    }

    /// Looks up the entry a QR payload points to (see [`QrPayload`]).
    pub fn lookup_qr(&self, payload: &QrPayload) -> Result<QrLookup> {
        if !payload.is_for_origin(self.origin()) {
            return Ok(QrLookup::OtherRegister {
                origin: payload.origin.clone(),
            });
        }
        let Some((entry, stored_leaf)) = self.stored_leaf(payload.seq)? else {
            return Ok(QrLookup::NoSuchEntry { seq: payload.seq });
        };
        if !payload.matches_hash(&entry.sha256) {
            return Ok(QrLookup::HashMismatch {
                entry: Box::new(entry),
            });
        }
        let Some(checkpoint) = self.latest_checkpoint()? else {
            return Ok(QrLookup::NoSuchEntry { seq: payload.seq });
        };
        Ok(QrLookup::Found(Box::new(self.prove(
            entry,
            stored_leaf,
            &checkpoint,
        )?)))
    }

    fn prove(
        &self,
        entry: Entry,
        stored_leaf: Hash,
        checkpoint: &SignedCheckpoint,
    ) -> Result<LookupResult> {
        // The pinned key when there is one: a key read from the database proves nothing about
        // a database that was rebuilt.
        let signed = Checkpoint::open(&checkpoint.note, self.trusted_verifier());
        let checkpoint_signature_valid = signed.as_ref().is_ok_and(|c| c == &checkpoint.checkpoint);
        let leaf_hash = entry.leaf_hash()?;
        let proof = if entry.seq < checkpoint.checkpoint.size {
            Some(self.inclusion_proof(entry.seq, checkpoint.checkpoint.size)?)
        } else {
            None
        };
        let inclusion_verified = proof
            .as_ref()
            .is_some_and(|p| check_inclusion(&leaf_hash, p, &checkpoint.checkpoint.root));
        let witnessed = match self.witnessed_covering(entry.seq)? {
            Some(w) => {
                let root = self.checkpoint_at(w.size)?.map(|c| c.checkpoint.root);
                let p = self.inclusion_proof(entry.seq, w.size)?;
                root.filter(|r| check_inclusion(&leaf_hash, &p, r))
                    .map(|_| w)
            }
            None => None,
        };
        let witnesses = witnessed
            .as_ref()
            .map_or(0, |w| w.cosignatures.len() as u32);
        Ok(LookupResult {
            qr: QrPayload::new(self.origin(), entry.seq, &entry.sha256),
            status: LookupStatus {
                checkpoint_signature_valid,
                leaf_matches_fields: leaf_hash == stored_leaf,
                inclusion_verified,
                witnesses,
            },
            witnessed,
            entry,
            leaf_hash,
            checkpoint: checkpoint.clone(),
            proof,
        })
    }
}
