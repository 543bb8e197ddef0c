//! Audit: recompute the whole tree from the entry rows and hold it against every signed tree
//! head, the stored nodes and the copy-number counters.
//!
//! The signed checkpoints are the trust anchor: a row edited, deleted, reordered or inserted by
//! hand (with the triggers dropped) changes a leaf, so the recomputed root at the next
//! checkpoint differs from the signed one — even when the editor also recomputed the stored
//! leaf hash and nodes. Since every append transaction signs a checkpoint, the first bad
//! sequence number is pinned to within one transaction (one entry, unless batched). What a
//! local audit cannot see alone is the removal of the newest entries together with their
//! checkpoints; [`AuditOptions::known_checkpoints`] (a tree head kept elsewhere, e.g. an
//! exported bundle's `checkpoint.txt`) closes that gap.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::entry::Entry;
use crate::error::{RegisterError, Result};
use crate::note::{Checkpoint, VerifierKey};
use crate::store::{entry_from_row, DbNodes, Register, ENTRY_COLUMNS};
use crate::tree::{CompactRange, Hash, NodeId, NodeSource};

/// Findings beyond this many are counted but not listed.
pub const MAX_LISTED_FINDINGS: usize = 200;

/// One thing wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "finding", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Finding {
    /// SQLite's own structural check failed.
    Integrity {
        /// SQLite's message.
        message: String,
    },
    /// A row's values cannot be decoded.
    UnreadableEntry {
        /// Sequence number.
        seq: u64,
        /// What is wrong.
        reason: String,
    },
    /// Sequence numbers jump: rows are missing (deleted, or renumbered).
    SequenceGap {
        /// The number that should come next.
        expected: u64,
        /// The number found.
        found: u64,
    },
    /// A row's fields do not give its stored leaf hash (the row was edited).
    LeafMismatch {
        /// Sequence number.
        seq: u64,
    },
    /// A stored tree node differs from the one recomputed from the rows.
    NodeMismatch {
        /// Node level.
        level: u8,
        /// Node index.
        index: u64,
        /// The first entry under it.
        first_seq: u64,
    },
    /// A stored tree node is missing.
    NodeMissing {
        /// Node level.
        level: u8,
        /// Node index.
        index: u64,
        /// The first entry under it.
        first_seq: u64,
    },
    /// A tree head's signature does not verify, or its note is malformed.
    CheckpointSignature {
        /// Size column of the row.
        size: u64,
        /// Why.
        reason: String,
    },
    /// Two tree heads of the same size, both validly signed, have different roots: the log
    /// signed two histories (a rollback rewritten over, or a fork), seen when a checkpoint kept
    /// elsewhere (by a witness) meets the register's.
    ConflictingCheckpoints {
        /// The tree size.
        size: u64,
    },
    /// A tree head's size or root columns differ from its signed note.
    CheckpointColumns {
        /// Size column of the row.
        size: u64,
    },
    /// The root recomputed from the rows differs from a signed tree head: an entry at or after
    /// `first_seq` (and before `size`) was changed, reordered, inserted or removed.
    CheckpointMismatch {
        /// Tree size of the signed head.
        size: u64,
        /// The first entry not covered by an earlier matching head.
        first_seq: u64,
    },
    /// A signed tree head covers more entries than there are rows: rows were removed.
    CheckpointBeyondEntries {
        /// Tree size of the signed head.
        size: u64,
        /// Rows present.
        entries: u64,
    },
    /// Rows exist that no signed tree head covers: they were inserted without the register.
    EntriesWithoutCheckpoint {
        /// First uncovered entry.
        first_seq: u64,
        /// How many.
        count: u64,
    },
    /// A copy number is used twice in one organisation and year.
    CopyNumberDuplicate {
        /// Organisation.
        org: String,
        /// Year.
        year: u32,
        /// Number.
        number: u32,
        /// The later entry using it.
        seq: u64,
    },
    /// A copy number is skipped, or the counter disagrees with the entries.
    CopyNumberGap {
        /// Organisation.
        org: String,
        /// Year.
        year: u32,
        /// The first number missing from the entries.
        missing: u32,
        /// The counter's last allocated number.
        counter: u32,
        /// The first entry after the gap, if any.
        seq: Option<u64>,
    },
    /// The register has no station key record or the bundle's key is not the trusted one.
    UntrustedKey {
        /// The key found.
        found: String,
    },
    /// An entry's report facts row (role, day, station, dossier, procedure, dates, reuse, copy
    /// form) is missing or differs from what its hashed fields say: the index the reports
    /// read was edited outside the register.
    FactsMismatch {
        /// Sequence number.
        seq: u64,
    },
    /// The register's key is not the pinned one: the register was rebuilt (or re-signed) with
    /// another key. Tree heads were checked against the pinned key.
    PinnedKeyMismatch {
        /// The pinned key.
        pinned: String,
        /// The key the register (or bundle) carries.
        found: String,
    },
    /// A bundle file is malformed.
    BundleFormat {
        /// File name.
        file: String,
        /// Line number, from 1.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

impl Finding {
    /// The one entry this finding pins down, if it pins one down.
    pub fn seq(&self) -> Option<u64> {
        match self {
            Self::UnreadableEntry { seq, .. } | Self::LeafMismatch { seq } => Some(*seq),
            Self::SequenceGap { expected, .. } => Some(*expected),
            Self::EntriesWithoutCheckpoint { first_seq, .. } => Some(*first_seq),
            Self::CheckpointBeyondEntries { entries, .. } => Some(*entries),
            Self::CopyNumberDuplicate { seq, .. } => Some(*seq),
            Self::CopyNumberGap { seq, .. } => *seq,
            _ => None,
        }
    }

    /// The entries `[first, end)` among which something changed, for findings that bound a
    /// change without pinning it (a root or a node that no longer matches).
    pub fn seq_range(&self) -> Option<(u64, u64)> {
        match self {
            Self::CheckpointMismatch { size, first_seq } => Some((*first_seq, *size)),
            Self::NodeMismatch {
                level,
                index,
                first_seq,
            }
            | Self::NodeMissing {
                level,
                index,
                first_seq,
            } => Some((*first_seq, index.saturating_add(1) << level)),
            _ => None,
        }
    }
}

/// The result of an audit.
#[derive(Clone, Debug, Default, Serialize)]
pub struct AuditReport {
    /// Entry rows read.
    pub entries: u64,
    /// Signed tree heads checked.
    pub checkpoints: u64,
    /// The latest signed tree head's size.
    pub latest_size: Option<u64>,
    /// The root recomputed from all rows.
    #[serde(serialize_with = "hex_hash")]
    pub recomputed_root: Hash,
    /// The verifier key the register (or bundle) carries (`name+id+base64`): the key to pin
    /// when none is pinned yet.
    pub vkey: String,
    /// Tree heads were verified with a key pinned outside the database.
    pub key_pinned: bool,
    /// The newest tree head known witnesses co-signed (stored or given as a known checkpoint)
    /// and how many of them did.
    pub witnessed: Option<(u64, usize)>,
    /// What is wrong, in the order found (at most [`MAX_LISTED_FINDINGS`]).
    pub findings: Vec<Finding>,
    /// Findings not listed.
    pub findings_not_listed: usize,
    /// The first entry that differs: the lowest pinned-down sequence number, or the start of
    /// the earliest range a changed root or node bounds.
    pub first_bad_seq: Option<u64>,
    #[serde(skip)]
    pinned: Option<u64>,
    #[serde(skip)]
    range: Option<(u64, u64)>,
}

fn hex_hash<S: serde::Serializer>(h: &Hash, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&hoso_pdf::hex(h))
}

impl AuditReport {
    /// Nothing wrong was found.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty() && self.findings_not_listed == 0
    }

    pub(crate) fn push(&mut self, f: Finding) {
        if let Some(s) = f.seq() {
            self.pinned = Some(self.pinned.map_or(s, |b| b.min(s)));
        }
        if let Some((lo, hi)) = f.seq_range() {
            // Keep the earliest range; a later range inside it narrows it.
            self.range = Some(match self.range {
                None => (lo, hi),
                Some((a, b)) if lo >= a && lo < b => (lo, b.min(hi)),
                Some((a, _)) if hi <= a => (lo, hi),
                Some(r) => r,
            });
        }
        self.first_bad_seq = match (self.pinned, self.range) {
            (Some(p), Some((lo, hi))) => Some(if p >= hi { lo } else { p }),
            (Some(p), None) => Some(p),
            (None, Some((lo, _))) => Some(lo),
            (None, None) => None,
        };
        if self.findings.len() < MAX_LISTED_FINDINGS {
            self.findings.push(f);
        } else {
            self.findings_not_listed += 1;
        }
    }
}

/// Extra evidence for an audit.
#[derive(Clone, Debug, Default)]
pub struct AuditOptions {
    /// Signed tree heads kept outside the database (checkpoint notes); each must verify with
    /// the station key and match the recomputed tree.
    pub known_checkpoints: Vec<String>,
    /// Skip SQLite's `PRAGMA quick_check` (for a quick look at a large register).
    pub skip_integrity_check: bool,
}

/// Recomputes a tree from entries in order, comparing with signed roots — shared by the
/// database audit and bundle verification.
pub(crate) struct Replay {
    edge: CompactRange,
    expected_seq: u64,
    signed_roots: BTreeMap<u64, Hash>,
    last_good: u64,
    mismatched: bool,
    copies: HashMap<(String, u32), Vec<(u32, u64)>>,
}

impl Replay {
    pub(crate) fn new(signed_roots: BTreeMap<u64, Hash>) -> Self {
        Self {
            edge: CompactRange::new(),
            expected_seq: 0,
            signed_roots,
            last_good: 0,
            mismatched: false,
            copies: HashMap::new(),
        }
    }

    /// Feeds one row; returns the perfect nodes its leaf completed.
    pub(crate) fn row(
        &mut self,
        report: &mut AuditReport,
        seq: u64,
        entry: Option<&Entry>,
        stored_leaf: Option<Hash>,
    ) -> Vec<(NodeId, Hash)> {
        if seq != self.expected_seq {
            report.push(Finding::SequenceGap {
                expected: self.expected_seq,
                found: seq,
            });
        }
        self.expected_seq = seq.saturating_add(1);
        let recomputed = entry.and_then(|e| e.leaf_hash().ok());
        if let (Some(r), Some(s)) = (recomputed, stored_leaf) {
            if r != s {
                report.push(Finding::LeafMismatch { seq });
            }
        }
        if let Some(copy) = entry.and_then(|e| e.copy.as_ref()) {
            self.copies
                .entry((copy.org.clone(), copy.year))
                .or_default()
                .push((copy.number, seq));
        }
        let leaf = recomputed.or(stored_leaf).unwrap_or([0; 32]);
        let created = self.edge.push(leaf);
        let size = self.edge.size();
        if let Some(root) = self.signed_roots.get(&size) {
            if *root == self.edge.root() {
                self.last_good = size;
            } else if !self.mismatched {
                // Every later root differs too; the first mismatch is the information.
                self.mismatched = true;
                report.push(Finding::CheckpointMismatch {
                    size,
                    first_seq: self.last_good,
                });
            }
        }
        created
    }

    /// Final checks: heads beyond the rows, rows beyond the heads, copy numbers.
    pub(crate) fn finish(self, report: &mut AuditReport, counters: &HashMap<(String, u32), u32>) {
        let n = self.edge.size();
        report.entries = n;
        report.recomputed_root = self.edge.root();
        if let Some((&size, _)) = self.signed_roots.range(n + 1..).next() {
            report.push(Finding::CheckpointBeyondEntries { size, entries: n });
        }
        let latest = self.signed_roots.keys().next_back().copied().unwrap_or(0);
        if latest < n {
            report.push(Finding::EntriesWithoutCheckpoint {
                first_seq: latest,
                count: n - latest,
            });
        }
        let mut keys: Vec<_> = self.copies.keys().chain(counters.keys()).cloned().collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            let mut used = self.copies.get(&key).cloned().unwrap_or_default();
            used.sort();
            let counter = counters.get(&key).copied();
            let mut next = 1u32;
            let mut bad = false;
            for &(number, seq) in &used {
                if number < next {
                    report.push(Finding::CopyNumberDuplicate {
                        org: key.0.clone(),
                        year: key.1,
                        number,
                        seq,
                    });
                    bad = true;
                    break;
                }
                if number > next {
                    report.push(Finding::CopyNumberGap {
                        org: key.0.clone(),
                        year: key.1,
                        missing: next,
                        counter: counter.unwrap_or(0),
                        seq: Some(seq),
                    });
                    bad = true;
                    break;
                }
                next += 1;
            }
            let highest = next - 1;
            if !bad && counter.is_some_and(|c| c != highest) {
                report.push(Finding::CopyNumberGap {
                    org: key.0.clone(),
                    year: key.1,
                    missing: highest + 1,
                    counter: counter.unwrap_or(0),
                    seq: None,
                });
            }
        }
    }
}

/// Verifies signed notes and collects `size → root`, reporting bad ones.
pub(crate) fn signed_roots<'a>(
    report: &mut AuditReport,
    verifier: &VerifierKey,
    notes: impl Iterator<Item = (u64, Option<Hash>, &'a str)>,
) -> BTreeMap<u64, Hash> {
    let mut roots = BTreeMap::new();
    for (size, column_root, note) in notes {
        report.checkpoints += 1;
        match Checkpoint::open(note, verifier) {
            Ok(cp) => {
                if cp.size != size || column_root.is_some_and(|r| r != cp.root) {
                    report.push(Finding::CheckpointColumns { size });
                }
                report.latest_size = Some(report.latest_size.map_or(cp.size, |l| l.max(cp.size)));
                if roots.insert(cp.size, cp.root).is_some_and(|r| r != cp.root) {
                    report.push(Finding::ConflictingCheckpoints { size: cp.size });
                }
            }
            Err(e) => report.push(Finding::CheckpointSignature {
                size,
                reason: e.to_string(),
            }),
        }
    }
    roots
}

impl Register {
    /// Audits the register: SQLite integrity, every row against its leaf hash, the whole
    /// tree against every signed tree head and the stored nodes, and the copy numbers.
    pub fn audit(&self, options: &AuditOptions) -> Result<AuditReport> {
        let mut report = AuditReport {
            vkey: self.verifier().to_string(),
            key_pinned: self.pinned_key().is_some(),
            ..AuditReport::default()
        };
        if let Err(RegisterError::PinnedKeyMismatch { pinned, register }) = self.check_pin() {
            report.push(Finding::PinnedKeyMismatch {
                pinned,
                found: register,
            });
        }
        if !options.skip_integrity_check {
            let mut stmt = self.conn.prepare("PRAGMA quick_check")?;
            let messages: Vec<String> = stmt
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<_>>()?;
            for message in messages.into_iter().filter(|m| m != "ok") {
                report.push(Finding::Integrity { message });
            }
        }
        let stored: Vec<(u64, Option<Hash>, String)> = {
            let mut stmt = self
                .conn
                .prepare("SELECT size, root, note FROM checkpoints ORDER BY size")?;
            let rows = stmt.query_map([], |r| {
                let size: i64 = r.get(0)?;
                let root: Option<Vec<u8>> = r.get(1).ok();
                let note: String = r.get(2).unwrap_or_default();
                Ok((
                    size.max(0) as u64,
                    root.and_then(|b| b.try_into().ok()),
                    note,
                ))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut notes: Vec<(u64, Option<Hash>, &str)> = stored
            .iter()
            .map(|(s, r, n)| (*s, *r, n.as_str()))
            .collect();
        for known in &options.known_checkpoints {
            let size = Checkpoint::parse_note_text(known)
                .map(|c| c.size)
                .unwrap_or(0);
            notes.push((size, None, known.as_str()));
        }
        report.witnessed = self
            .witnessed_covering(0)?
            .map(|w| (w.size, w.cosignatures.len()));
        for known in &options.known_checkpoints {
            // A tree head kept by a witness, with its cosignature: evidence of the same weight.
            let Ok(cp) = Checkpoint::open(known, self.trusted_verifier()) else {
                continue;
            };
            let Some((text, lines)) = crate::witness::split_note(known) else {
                continue;
            };
            let count = self
                .witnesses()
                .iter()
                .filter(|w| !w.cosignatures(text, lines.iter().copied()).is_empty())
                .count();
            if count > 0 && report.witnessed.is_none_or(|(s, _)| s < cp.size) {
                report.witnessed = Some((cp.size, count));
            }
        }
        let roots = signed_roots(&mut report, self.trusted_verifier(), notes.into_iter());
        let mut replay = Replay::new(roots);
        let nodes = DbNodes(&self.conn);
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {ENTRY_COLUMNS} FROM entries ORDER BY seq"))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let seq: i64 = row.get(0)?;
            let seq = seq.max(0) as u64;
            let (entry, stored_leaf) = match entry_from_row(row) {
                Ok((e, l)) => (Some(e), Some(l)),
                Err(e) => {
                    report.push(Finding::UnreadableEntry {
                        seq,
                        reason: e.to_string(),
                    });
                    (None, None)
                }
            };
            if let Some(e) = &entry {
                if !self.facts_match(e)? {
                    report.push(Finding::FactsMismatch { seq });
                }
            }
            for (id, hash) in replay.row(&mut report, seq, entry.as_ref(), stored_leaf) {
                let first_seq = id.index << id.level;
                match nodes.node(id) {
                    Ok(h) if h == hash => {}
                    Ok(_) => report.push(Finding::NodeMismatch {
                        level: id.level,
                        index: id.index,
                        first_seq,
                    }),
                    Err(RegisterError::MissingNode { .. }) => report.push(Finding::NodeMissing {
                        level: id.level,
                        index: id.index,
                        first_seq,
                    }),
                    Err(e) => return Err(e),
                }
            }
        }
        let counters = {
            let mut stmt = self
                .conn
                .prepare("SELECT org, year, last FROM copy_counters")?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    (r.get::<_, String>(0)?, r.get::<_, u32>(1)?),
                    r.get::<_, u32>(2)?,
                ))
            })?;
            rows.collect::<rusqlite::Result<HashMap<_, _>>>()?
        };
        replay.finish(&mut report, &counters);
        Ok(report)
    }
}
