//! The audit bundle: a directory anyone can check without hoso.
//!
//! ```text
//! entries.jsonl       one entry per line, with its leaf hash
//! checkpoints.jsonl   every signed tree head: {"size", "time", "note"}
//! checkpoint.txt      the latest signed tree head (a C2SP checkpoint note)
//! station.vkey        the station's verifier key (name+id+base64)
//! station.pub.pem     the same Ed25519 key as PEM, for OpenSSL
//! README.md           how to verify it by hand
//! ```

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::audit::{signed_roots, AuditReport, Finding, Replay};
use crate::entry::{hex32, Entry, LEAF_FORMAT_V1};
use crate::error::{RegisterError, Result};
use crate::note::VerifierKey;
use crate::store::Register;
use crate::tree::Hash;

/// File names in a bundle.
pub const ENTRIES_FILE: &str = "entries.jsonl";
/// Every signed tree head.
pub const CHECKPOINTS_FILE: &str = "checkpoints.jsonl";
/// The latest signed tree head.
pub const LATEST_CHECKPOINT_FILE: &str = "checkpoint.txt";
/// The verifier key.
pub const VKEY_FILE: &str = "station.vkey";
/// The public key as PEM.
pub const PEM_FILE: &str = "station.pub.pem";
/// Instructions.
pub const README_FILE: &str = "README.md";

/// One line of `entries.jsonl`.
#[derive(Serialize, Deserialize)]
struct BundleEntry {
    #[serde(flatten)]
    entry: Entry,
    #[serde(with = "hex32")]
    leaf_hash: Hash,
}

/// One line of `checkpoints.jsonl`.
#[derive(Serialize, Deserialize)]
struct BundleCheckpoint {
    size: u64,
    time: String,
    note: String,
}

/// What an export wrote.
#[derive(Clone, Debug, Serialize)]
pub struct ExportSummary {
    /// Entries written.
    pub entries: u64,
    /// Tree heads written.
    pub checkpoints: u64,
    /// The latest tree head, if any.
    pub latest_checkpoint: Option<String>,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> RegisterError + '_ {
    move |source| RegisterError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Writes `dir/name` through a temporary file, fsync and rename, so a crash never leaves a
/// half-written bundle file under its final name.
fn write_file(
    dir: &Path,
    name: &str,
    fill: impl FnOnce(&mut BufWriter<File>) -> Result<()>,
) -> Result<()> {
    let target = dir.join(name);
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let io = io_err(&target);
    let result = (|| -> Result<()> {
        let mut w = BufWriter::with_capacity(1 << 20, File::create(&tmp).map_err(&io)?);
        fill(&mut w)?;
        let f = w.into_inner().map_err(|e| io(e.into_error()))?;
        f.sync_all().map_err(&io)?;
        std::fs::rename(&tmp, &target).map_err(&io)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

impl Register {
    /// Exports a self-contained audit bundle into `dir` (created if missing).
    ///
    /// Refused when a pinned key is set and the register's key is another one.
    pub fn export_bundle(&self, dir: &Path) -> Result<ExportSummary> {
        self.check_pin()?;
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        // One read transaction, so entries and checkpoints are of the same moment.
        self.conn.execute_batch("BEGIN")?;
        let result = self.export_in_snapshot(dir);
        let _ = self.conn.execute_batch("COMMIT");
        result
    }

    fn export_in_snapshot(&self, dir: &Path) -> Result<ExportSummary> {
        let mut entries = 0u64;
        write_file(dir, ENTRIES_FILE, |w| {
            let mut stmt = self.conn.prepare(&format!(
                "SELECT {} FROM entries ORDER BY seq",
                crate::store::ENTRY_COLUMNS
            ))?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let (entry, leaf_hash) = crate::store::entry_from_row(row)?;
                let line = serde_json::to_string(&BundleEntry { entry, leaf_hash })
                    .map_err(|e| io_err(dir)(e.into()))?;
                writeln!(w, "{line}").map_err(io_err(dir))?;
                entries += 1;
            }
            Ok(())
        })?;
        let checkpoints = self.checkpoints()?;
        write_file(dir, CHECKPOINTS_FILE, |w| {
            for c in &checkpoints {
                let line = serde_json::to_string(&BundleCheckpoint {
                    size: c.checkpoint.size,
                    time: c.time.clone(),
                    note: c.note.clone(),
                })
                .map_err(|e| io_err(dir)(e.into()))?;
                writeln!(w, "{line}").map_err(io_err(dir))?;
            }
            Ok(())
        })?;
        let latest = checkpoints.last().map(|c| c.note.clone());
        write_file(dir, LATEST_CHECKPOINT_FILE, |w| {
            w.write_all(latest.as_deref().unwrap_or("").as_bytes())
                .map_err(io_err(dir))
        })?;
        write_file(dir, VKEY_FILE, |w| {
            writeln!(w, "{}", self.verifier()).map_err(io_err(dir))
        })?;
        write_file(dir, PEM_FILE, |w| {
            w.write_all(self.verifier().to_pem().as_bytes())
                .map_err(io_err(dir))
        })?;
        write_file(dir, README_FILE, |w| {
            w.write_all(readme(self.origin(), &self.trusted_verifier().to_string()).as_bytes())
                .map_err(io_err(dir))
        })?;
        Ok(ExportSummary {
            entries,
            checkpoints: checkpoints.len() as u64,
            latest_checkpoint: latest,
        })
    }
}

/// Verifies an exported bundle: every leaf, every signed tree head, the latest head.
///
/// With `trusted`, the bundle's station key must be that key; without it, the key in the
/// bundle is used and the caller should compare its ID with one obtained independently.
pub fn verify_bundle(dir: &Path, trusted: Option<&VerifierKey>) -> Result<AuditReport> {
    let mut report = AuditReport::default();
    let read = |name: &str| -> Result<String> {
        let p = dir.join(name);
        std::fs::read_to_string(&p).map_err(io_err(&p))
    };
    let vkey_text = read(VKEY_FILE)?;
    let vkey = match VerifierKey::parse(vkey_text.trim()) {
        Ok(k) => k,
        Err(e) => {
            report.push(Finding::BundleFormat {
                file: VKEY_FILE.into(),
                line: 1,
                message: e.to_string(),
            });
            return Ok(report);
        }
    };
    report.vkey = vkey.to_string();
    report.key_pinned = trusted.is_some();
    if let Some(t) = trusted {
        if *t != vkey {
            report.push(Finding::UntrustedKey {
                found: vkey.to_string(),
            });
            return Ok(report);
        }
    }
    let mut notes: Vec<(u64, String)> = Vec::new();
    for (i, line) in read(CHECKPOINTS_FILE)?.lines().enumerate() {
        match serde_json::from_str::<BundleCheckpoint>(line) {
            Ok(c) => notes.push((c.size, c.note)),
            Err(e) => report.push(Finding::BundleFormat {
                file: CHECKPOINTS_FILE.into(),
                line: i + 1,
                message: e.to_string(),
            }),
        }
    }
    let latest = read(LATEST_CHECKPOINT_FILE)?;
    if !latest.is_empty() && notes.last().map(|(_, n)| n) != Some(&latest) {
        let size = crate::note::Checkpoint::parse_note_text(&latest)
            .map(|c| c.size)
            .unwrap_or(0);
        notes.push((size, latest));
    }
    let roots = signed_roots(
        &mut report,
        &vkey,
        notes.iter().map(|(s, n)| (*s, None, n.as_str())),
    );
    let mut replay = Replay::new(roots);
    let path = dir.join(ENTRIES_FILE);
    let file = File::open(&path).map_err(io_err(&path))?;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(io_err(&path))?;
        match serde_json::from_str::<BundleEntry>(&line) {
            Ok(b) => {
                replay.row(&mut report, b.entry.seq, Some(&b.entry), Some(b.leaf_hash));
            }
            Err(e) => report.push(Finding::BundleFormat {
                file: ENTRIES_FILE.into(),
                line: i + 1,
                message: e.to_string(),
            }),
        }
    }
    replay.finish(&mut report, &HashMap::new());
    Ok(report)
}

fn readme(origin: &str, vkey: &str) -> String {
    let tag = String::from_utf8_lossy(LEAF_FORMAT_V1);
    format!(
        r#"# Sổ đăng ký hoso — gói kiểm tra / hoso register — audit bundle

Sổ đăng ký / register: `{origin}`

Khóa trạm / station key: `{vkey}`

Khóa này phải trùng với khóa đã ghim trong cài đặt của các trạm (`register_key`, `hoso register
pin`) và với khóa do cơ quan công bố. / This key must equal the key pinned in the stations'
settings (`register_key`, `hoso register pin`) and the key the office publishes.

## Tiếng Việt

Gói này cho phép bất kỳ ai kiểm tra sổ đăng ký mà không cần phần mềm hoso.

1. `entries.jsonl`: mỗi dòng là một mục (số thứ tự `seq` từ 0, mã băm SHA-256 của tệp, loại,
   thời gian +07:00, trạm, mã hồ sơ, trích yếu, số bản sao, dấu vân tay chứng thư người ký,
   `extra`) và `leaf_hash`.
2. Tính lại lá: `leaf_hash = SHA-256(0x00 ‖ dữ liệu lá)`, dữ liệu lá mã hóa như mục "Leaf encoding".
3. Tính lại gốc cây Merkle theo RFC 9162 §2.1.1 (nút = `SHA-256(0x01 ‖ trái ‖ phải)`) cho mỗi
   kích thước trong `checkpoints.jsonl` và so với gốc đã ký.
4. Kiểm tra chữ ký Ed25519 của từng checkpoint bằng khóa `station.vkey` / `station.pub.pem`
   (định dạng C2SP signed-note). So mã khóa với mã được công bố độc lập.

## English

This bundle lets anyone check the register without hoso.

1. `entries.jsonl`: one entry per line, with its `leaf_hash`.
2. Recompute each leaf: `leaf_hash = SHA-256(0x00 || leaf data)`, leaf data as below.
3. Recompute the RFC 9162 §2.1.1 Merkle root (node = `SHA-256(0x01 || left || right)`) at every
   size in `checkpoints.jsonl` and compare it with the signed root (third line of the note,
   base64).
4. Verify each checkpoint's Ed25519 signature (C2SP signed-note: the signed message is the note
   text up to and including the newline before the blank line; the signature line is
   `— <name> base64(4-byte key ID || 64-byte signature)`) with `station.vkey` or
   `station.pub.pem`, e.g. with OpenSSL:

   ```sh
   head -n 3 checkpoint.txt > msg          # origin, size, root — with their newlines
   tail -n 1 checkpoint.txt | awk '{{print $3}}' | base64 -d | tail -c 64 > sig
   openssl pkeyutl -verify -pubin -inkey station.pub.pem -rawin -in msg -sigfile sig
   ```

   Compare the key ID (second field of `station.vkey`) with one obtained independently.

A short Python script using only `hashlib` does steps 1–3: see `tests/register_verify_bundle.py`
in the hoso sources.

## Leaf encoding (version 1)

Integers big-endian; `str` = u32 length + UTF-8 bytes; `opt(x)` = `0x00`, or `0x01` then `x`.

```text
"{tag}"  seq:u64  sha256:32 bytes  kind:str  time:str  station:str
dossier_code:opt(str)  title:opt(str)
copy:opt(org:str  year:u32  number:u32  form:str)
signer_fingerprint:opt(str)  extra:str
```
"#
    )
}
