//! Benchmark of the register (run by `cargo xtask bench register`, in release mode).
//!
//! Appends N entries in batches, then times lookup by hash (with inclusion proof, proof
//! verification and checkpoint signature check), bare inclusion-proof generation and QR lookup
//! at that size; prints appends per second, median and p99 latencies and the database size.
//! The peer in the same run is a plain SQLite table with the same rows and index, written in
//! the same batches: the floor the Merkle log's cost can be read against.
//!
//! Options: `--entries N` (1000000), `--batch B` (1000), `--samples S` (2000), `--dir DIR`,
//! `--keep` (leave the files), `--no-audit`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hoso_register::{
    sha256_bytes, AuditOptions, CreateOptions, EntryKind, NewEntry, QrLookup, QrPayload, Register,
};

struct Opts {
    entries: u64,
    batch: u64,
    samples: usize,
    dir: Option<PathBuf>,
    keep: bool,
    audit: bool,
}

fn parse() -> Result<Opts, String> {
    let mut o = Opts {
        entries: 1_000_000,
        batch: 1000,
        samples: 2000,
        dir: None,
        keep: false,
        audit: true,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    let num = |v: Option<&String>, name: &str| -> Result<u64, String> {
        v.and_then(|s| s.parse().ok())
            .ok_or(format!("{name} needs a number"))
    };
    while i < args.len() {
        match args[i].as_str() {
            "--entries" => o.entries = num(args.get(i + 1), "--entries")?,
            "--batch" => o.batch = num(args.get(i + 1), "--batch")?.max(1),
            "--samples" => o.samples = num(args.get(i + 1), "--samples")? as usize,
            "--dir" => o.dir = Some(PathBuf::from(args.get(i + 1).ok_or("--dir needs a path")?)),
            "--keep" => {
                o.keep = true;
                i += 1;
                continue;
            }
            "--no-audit" => {
                o.audit = false;
                i += 1;
                continue;
            }
            other => return Err(format!("unknown option {other}")),
        }
        i += 2;
    }
    Ok(o)
}

fn file_hash(i: u64) -> [u8; 32] {
    sha256_bytes(&i.to_le_bytes())
}

fn entry(i: u64) -> NewEntry {
    let mut e = NewEntry::new(EntryKind::Dossier, file_hash(i));
    e.dossier_code = Some(format!("000.00.15.H12-261129-{:04}", i % 10_000));
    e.title = Some("Hồ sơ đăng ký khai sinh cho trẻ em".to_owned());
    e.extra
        .insert("pages".into(), serde_json::json!(i % 20 + 1));
    e
}

/// splitmix64: reproducible sample positions.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn stats(mut d: Vec<Duration>) -> (f64, f64) {
    d.sort();
    let ms = |x: Duration| x.as_secs_f64() * 1000.0;
    if d.is_empty() {
        return (0.0, 0.0);
    }
    let p99 = ((d.len() * 99).div_ceil(100)).saturating_sub(1);
    (ms(d[d.len() / 2]), ms(d[p99]))
}

fn size_of(db: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .filter_map(|s| {
            let mut p = db.as_os_str().to_owned();
            p.push(s);
            std::fs::metadata(PathBuf::from(p)).ok()
        })
        .map(|m| m.len())
        .sum()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let o = parse().map_err(|e| format!("register_bench: {e}"))?;
    let tmp;
    let dir = match &o.dir {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            d.clone()
        }
        None => {
            tmp = tempfile::tempdir()?;
            tmp.path().to_path_buf()
        }
    };
    let db = dir.join("bench-register.sqlite");
    for suffix in ["", "-wal", "-shm", ".station-key"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    println!(
        "register bench: {} entries in batches of {}, {} samples, in {}",
        o.entries,
        o.batch,
        o.samples,
        dir.display()
    );

    // hoso register: batched appends.
    let mut reg = Register::create(&db, &CreateOptions::for_station("bench"))?;
    let start = Instant::now();
    let mut next = 0u64;
    while next < o.entries {
        let n = o.batch.min(o.entries - next);
        reg.append_batch((next..next + n).map(entry).collect())?;
        next += n;
        if next.is_multiple_of(100_000) {
            eprintln!("  {next} entries, {:.1} s", start.elapsed().as_secs_f64());
        }
    }
    let append_secs = start.elapsed().as_secs_f64();
    let rate = o.entries as f64 / append_secs;

    // Single appends (one transaction, fsync and signature each), for comparison.
    let singles = 200u64;
    let start = Instant::now();
    for i in 0..singles {
        reg.append(entry(o.entries + i))?;
    }
    let single_rate = singles as f64 / start.elapsed().as_secs_f64();
    let size = reg.size()?;

    let pick = |k: usize| mix(k as u64) % o.entries.max(1);
    let mut lookup = Vec::with_capacity(o.samples);
    let mut proof = Vec::with_capacity(o.samples);
    let mut qr = Vec::with_capacity(o.samples);
    for k in 0..o.samples {
        let i = pick(k);
        let h = file_hash(i);
        let t = Instant::now();
        let found = reg.lookup_sha256(&h)?;
        lookup.push(t.elapsed());
        if found.len() != 1 || !found[0].status.verified() {
            return Err(format!("lookup of entry {i} did not verify").into());
        }
        let t = Instant::now();
        let p = reg.inclusion_proof(i, size)?;
        proof.push(t.elapsed());
        std::hint::black_box(p);
        let payload = QrPayload::new(reg.origin(), i, &h);
        let t = Instant::now();
        let r = reg.lookup_qr(&payload)?;
        qr.push(t.elapsed());
        if !matches!(r, QrLookup::Found(ref f) if f.status.verified()) {
            return Err(format!("QR lookup of entry {i} did not verify").into());
        }
    }
    let (lookup_med, lookup_p99) = stats(lookup);
    let (proof_med, proof_p99) = stats(proof);
    let (qr_med, qr_p99) = stats(qr);
    let audit_secs = if o.audit {
        let t = Instant::now();
        let report = reg.audit(&AuditOptions::default())?;
        if !report.is_clean() {
            return Err(format!("audit found {:?}", report.findings).into());
        }
        Some(t.elapsed().as_secs_f64())
    } else {
        None
    };
    drop(reg);
    let db_bytes = size_of(&db);

    // Peer: the same rows in a plain SQLite table (no tree, no checkpoints), same batches.
    let plain = dir.join("bench-plain.sqlite");
    let _ = std::fs::remove_file(&plain);
    let conn = rusqlite::Connection::open(&plain)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE entries (seq INTEGER PRIMARY KEY, sha256 BLOB NOT NULL, kind TEXT, time TEXT,
           station TEXT, dossier_code TEXT, title TEXT, extra TEXT);
         CREATE INDEX by_sha ON entries (sha256);",
    )?;
    let start = Instant::now();
    let mut next = 0u64;
    while next < o.entries {
        let n = o.batch.min(o.entries - next);
        let tx = conn.unchecked_transaction()?;
        {
            let mut st = tx.prepare_cached(
                "INSERT INTO entries VALUES (?1, ?2, 'dossier', '2026-11-29T09:15:02+07:00', 'bench', ?3, ?4, ?5)",
            )?;
            for i in next..next + n {
                let e = entry(i);
                st.execute(rusqlite::params![
                    i as i64,
                    &e.sha256[..],
                    e.dossier_code,
                    e.title,
                    serde_json::Value::Object(e.extra).to_string()
                ])?;
            }
        }
        tx.commit()?;
        next += n;
    }
    let plain_rate = o.entries as f64 / start.elapsed().as_secs_f64();
    drop(conn);
    let plain_bytes = size_of(&plain);

    println!();
    println!("| measure | hoso register | plain SQLite table (peer) |");
    println!("|---|---|---|");
    println!(
        "| appends/s, batches of {} | {:.0} | {:.0} |",
        o.batch, rate, plain_rate
    );
    println!("| appends/s, one per transaction | {single_rate:.0} | – |");
    println!(
        "| lookup by hash + proof + verify, median / p99 | {lookup_med:.3} ms / {lookup_p99:.3} ms | – |"
    );
    println!("| inclusion proof, median / p99 | {proof_med:.3} ms / {proof_p99:.3} ms | – |");
    println!(
        "| lookup by QR + proof + verify, median / p99 | {qr_med:.3} ms / {qr_p99:.3} ms | – |"
    );
    if let Some(a) = audit_secs {
        println!("| full audit (quick_check + replay) | {a:.1} s | – |");
    }
    println!(
        "| database size | {:.1} MB ({:.0} B/entry) | {:.1} MB |",
        db_bytes as f64 / 1e6,
        db_bytes as f64 / size.max(1) as f64,
        plain_bytes as f64 / 1e6
    );
    let targets_met = rate >= 20_000.0 && lookup_p99 < 1.0 && proof_p99 < 1.0;
    println!(
        "\ntargets (≥ 20000 appends/s in batches, lookup and proof < 1 ms): {}",
        if targets_met { "met" } else { "NOT met" }
    );
    if o.keep {
        println!("kept: {}", dir.display());
    } else if o.dir.is_some() {
        let _ = std::fs::remove_file(&plain);
        for suffix in ["", "-wal", "-shm", ".station-key"] {
            let mut p = db.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
    }
    Ok(())
}
