//! The append transaction: entries, their leaf hashes, the tree nodes they complete and the
//! signed tree head, in one `BEGIN IMMEDIATE` transaction.

use super::*;

impl Register {
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
    pub(super) fn begin(&mut self) -> Result<()> {
        if self.read_only {
            return Err(RegisterError::ReadOnly);
        }
        // Load the key before taking the lock: a missing key must not cost a transaction.
        self.station_key()?;
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    pub(super) fn rollback(&mut self) {
        let _ = self.conn.execute_batch("ROLLBACK");
        self.edge = None;
    }

    /// Inside a transaction: writes entries, nodes and the checkpoint, then commits.
    pub(super) fn write_and_commit(
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
                if let Some(earlier) = entry.facts().reuse_of {
                    self.check_reuse(earlier, &entry)?;
                }
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
                insert_facts(&self.conn, &entry)?;
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

    /// A reused component must point at an earlier entry of the same file.
    fn check_reuse(&self, earlier: u64, entry: &Entry) -> Result<()> {
        let same = earlier < entry.seq
            && self
                .entry(earlier)?
                .is_some_and(|e| e.sha256 == entry.sha256);
        if same {
            Ok(())
        } else {
            Err(InvalidEntry::Fact(crate::entry::facts::REUSE_OF).into())
        }
    }
}
