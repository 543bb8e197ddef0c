//! Witnesses' cosignatures, log side: the `add-checkpoint` request for the latest tree head
//! (c2sp.org/tlog-witness), keeping the cosignatures a witness answered, and reading back those
//! of the witnesses this office trusts.

use super::*;
use crate::witness::{split_note, AddCheckpoint, Cosignature, CosignerKey};

/// The newest tree head co-signed by known witnesses that covers an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witnessed {
    /// Its size.
    pub size: u64,
    /// The cosignatures of known witnesses that verify on it.
    pub cosignatures: Vec<Cosignature>,
}

impl Register {
    /// Sets the witnesses whose cosignatures count (their cosigner keys).
    pub fn set_witnesses(&mut self, witnesses: Vec<CosignerKey>) {
        self.witnesses = witnesses;
    }

    /// The witnesses whose cosignatures count.
    pub fn witnesses(&self) -> &[CosignerKey] {
        &self.witnesses
    }

    /// The `add-checkpoint` request for the latest tree head, with the consistency proof from
    /// `old_size` (the size the witness last co-signed, 0 the first time).
    pub fn witness_request(&self, old_size: u64) -> Result<AddCheckpoint> {
        let latest = self
            .latest_checkpoint()?
            .ok_or(RegisterError::Inconsistent {
                entries: 0,
                checkpoint: 0,
            })?;
        let size = latest.checkpoint.size;
        let proof = if old_size > 0 && old_size < size {
            self.consistency_proof(old_size, size)?.path
        } else {
            Vec::new()
        };
        Ok(AddCheckpoint {
            old_size,
            proof,
            checkpoint: latest.note,
        })
    }

    /// The largest tree size a known witness named `witness` co-signed here (0 if none).
    pub fn last_cosigned_size(&self, witness: &str) -> Result<u64> {
        if !self.has_cosignatures {
            return Ok(0);
        }
        let max: Option<i64> = self
            .conn
            .prepare_cached("SELECT max(size) FROM cosignatures WHERE witness = ?1")?
            .query_row([witness], |r| r.get(0))?;
        Ok(max.map_or(0, |m| m.max(0) as u64))
    }

    /// Keeps the cosignatures in a witness's `response` (signature lines) on the tree head of
    /// `size` that verify with a known witness key; lines of unknown keys are ignored, as
    /// c2sp.org/tlog-witness says. Returns those kept.
    pub fn add_cosignatures(&mut self, size: u64, response: &str) -> Result<Vec<Cosignature>> {
        if self.read_only {
            return Err(RegisterError::ReadOnly);
        }
        let Some(cp) = self.checkpoint_at(size)? else {
            return Err(crate::tree::ProofError::IndexBeyondSize {
                index: size,
                size: self.size()?,
            }
            .into());
        };
        let (text, _) = split_note(&cp.note).ok_or(crate::note::NoteError::MalformedSignatures(
            "stored checkpoint has no signature block",
        ))?;
        let kept: Vec<Cosignature> = self
            .witnesses
            .iter()
            .flat_map(|w| w.cosignatures(text, response.lines()))
            .collect();
        let now = format_vietnam(self.now());
        let tx = self.conn.transaction()?;
        for c in &kept {
            tx.execute(
                "INSERT OR IGNORE INTO cosignatures (size, witness, line, time) \
                 VALUES (?1, ?2, ?3, ?4)",
                params![to_i64(size)?, c.witness, c.line, now],
            )?;
        }
        tx.commit()?;
        Ok(kept)
    }

    /// The cosignatures stored for the tree head of `size` that verify with a known witness
    /// key (one per witness).
    pub fn cosignatures_at(&self, size: u64) -> Result<Vec<Cosignature>> {
        if !self.has_cosignatures {
            return Ok(Vec::new());
        }
        let Some(cp) = self.checkpoint_at(size)? else {
            return Ok(Vec::new());
        };
        let Some((text, _)) = split_note(&cp.note) else {
            return Ok(Vec::new());
        };
        let lines: Vec<String> = self
            .conn
            .prepare_cached("SELECT line FROM cosignatures WHERE size = ?1")?
            .query_map([to_i64(size)?], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(self
            .witnesses
            .iter()
            .filter_map(|w| {
                w.cosignatures(text, lines.iter().map(String::as_str))
                    .into_iter()
                    .next()
            })
            .collect())
    }

    /// The newest tree head of more than `seq` entries that known witnesses co-signed and
    /// whose log signature verifies with the trusted key.
    pub fn witnessed_covering(&self, seq: u64) -> Result<Option<Witnessed>> {
        if self.witnesses.is_empty() || !self.has_cosignatures {
            return Ok(None);
        }
        let sizes: Vec<i64> = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT size FROM cosignatures WHERE size > ?1 ORDER BY size DESC",
            )?
            .query_map([to_i64(seq)?], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for size in sizes {
            let size = size.max(0) as u64;
            let Some(cp) = self.checkpoint_at(size)? else {
                continue;
            };
            if Checkpoint::open(&cp.note, self.trusted_verifier()).ok()
                != Some(cp.checkpoint.clone())
            {
                continue;
            }
            let cosignatures = self.cosignatures_at(size)?;
            if !cosignatures.is_empty() {
                return Ok(Some(Witnessed { size, cosignatures }));
            }
        }
        Ok(None)
    }
}
