//! `hoso register`: the office register — append, look up, prove, audit, export.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use hoso_register::{
    hex, AuditOptions, AuditReport, CopyForm, CreateOptions, EntryKind, Finding, LookupResult,
    NewEntry, QrLookup, QrPayload, Register, VerifierKey,
};
use serde_json::json;

/// Sổ đăng ký: ghi, tra cứu, chứng minh, kiểm toán / the register: append, look up, prove, audit.
#[derive(clap::Args)]
pub struct Args {
    /// Tệp sổ đăng ký / register file [env: HOSO_REGISTER] [default: see `hoso config show`]
    #[arg(long, global = true, value_name = "PATH")]
    register: Option<PathBuf>,
    /// Tên trạm ghi vào mục mới / station name written into new entries [env: HOSO_STATION]
    #[arg(long, global = true)]
    station: Option<String>,
    #[command(subcommand)]
    command: Sub,
}

#[derive(clap::Subcommand)]
enum Sub {
    /// Ghi mã băm của tệp vào sổ / register a file's SHA-256.
    Append(AppendArgs),
    /// Tra cứu tệp, mã băm hoặc mã QR kèm bằng chứng / look up with an inclusion proof.
    Lookup(LookupArgs),
    /// Bằng chứng nhất quán giữa hai kích thước cây / consistency proof between two sizes.
    Proof(ProofArgs),
    /// In điểm kiểm tra đã ký mới nhất / print the latest signed checkpoint.
    Checkpoint,
    /// Kiểm toán toàn bộ sổ / recompute the whole tree and check every checkpoint.
    Audit(AuditArgs),
    /// Xuất gói kiểm tra độc lập / export a self-contained audit bundle.
    Export {
        /// Thư mục đích / target directory
        dir: PathBuf,
    },
    /// Kiểm tra một gói đã xuất / verify an exported bundle.
    VerifyBundle(VerifyBundleArgs),
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum KindArg {
    Dossier,
    Signed,
    Copy,
    Other,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormArg {
    #[value(name = "SY")]
    Sy,
    #[value(name = "SL")]
    Sl,
    #[value(name = "TrS")]
    Trs,
}

#[derive(clap::Args)]
struct AppendArgs {
    /// Tệp cần ghi / the file to register
    file: PathBuf,
    /// Loại / kind
    #[arg(long, value_enum)]
    kind: KindArg,
    /// Mã hồ sơ / dossier code
    #[arg(long)]
    code: Option<String>,
    /// Trích yếu / title
    #[arg(long)]
    title: Option<String>,
    /// SHA-256 chứng thư người ký / signer certificate SHA-256 (hex)
    #[arg(long)]
    signer_fingerprint: Option<String>,
    /// Thông tin khác, đối tượng JSON / other metadata, a JSON object
    #[arg(long)]
    extra: Option<String>,
    /// Hình thức sao (bản sao) / copy form, for --kind copy
    #[arg(long, value_enum, required_if_eq("kind", "copy"))]
    copy_form: Option<FormArg>,
    /// Viết tắt tên cơ quan, ví dụ UBND / organisation abbreviation for the copy number
    #[arg(long, default_value = "")]
    org: String,
    /// Xuất JSON / JSON output
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["file", "sha256", "qr"]))]
struct LookupArgs {
    /// Tệp cần tra / the file to look up
    file: Option<PathBuf>,
    /// Mã băm SHA-256 (hex)
    #[arg(long)]
    sha256: Option<String>,
    /// Nội dung mã QR / QR payload
    #[arg(long)]
    qr: Option<String>,
    /// Xuất JSON / JSON output
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct ProofArgs {
    /// Kích thước cũ / older tree size
    #[arg(long)]
    from: u64,
    /// Kích thước mới [mặc định: hiện tại] / newer tree size [default: current]
    #[arg(long)]
    to: Option<u64>,
    /// Xuất JSON / JSON output
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct AuditArgs {
    /// Điểm kiểm tra lưu ở nơi khác / a checkpoint note kept elsewhere (repeatable)
    #[arg(long, value_name = "FILE")]
    checkpoint: Vec<PathBuf>,
    /// Bỏ qua kiểm tra cấu trúc SQLite / skip SQLite's quick_check
    #[arg(long)]
    quick: bool,
    /// Xuất JSON / JSON output
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct VerifyBundleArgs {
    /// Thư mục gói / bundle directory
    dir: PathBuf,
    /// Khóa kiểm tra tin cậy / trusted verifier key (name+id+base64)
    #[arg(long)]
    vkey: Option<String>,
    /// Xuất JSON / JSON output
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<ExitCode> {
    // One resolver for the register and the station (flag, env, shared settings, default).
    let config = super::config::resolve(args.register.clone(), args.station.clone())?;
    let path = config.register.clone();
    match args.command {
        Sub::Append(a) => append(&path, &config.station, a),
        Sub::Lookup(a) => lookup(&open_ro(&path)?, a),
        Sub::Proof(a) => proof(&open_ro(&path)?, a),
        Sub::Checkpoint => {
            let reg = open_ro(&path)?;
            match reg.latest_checkpoint()? {
                Some(c) => {
                    print!("{}", c.note);
                    Ok(ExitCode::SUCCESS)
                }
                None => {
                    eprintln!("Sổ còn trống / the register is empty");
                    Ok(ExitCode::from(1))
                }
            }
        }
        Sub::Audit(a) => audit(&open_ro(&path)?, a),
        Sub::Export { dir } => {
            let reg = open_ro(&path)?;
            let s = reg.export_bundle(&dir)?;
            println!(
                "Đã xuất / exported {} mục / entries, {} điểm kiểm tra / checkpoints → {}",
                s.entries,
                s.checkpoints,
                dir.display()
            );
            println!("Khóa trạm / station key: {}", reg.verifier());
            Ok(ExitCode::SUCCESS)
        }
        Sub::VerifyBundle(a) => verify_bundle(a),
    }
}

fn open_ro(path: &Path) -> Result<Register> {
    Register::open_read_only(path)
        .with_context(|| format!("sổ đăng ký / register {}", path.display()))
}

fn append(path: &Path, station_name: &str, a: AppendArgs) -> Result<ExitCode> {
    let sha256 = hoso_register::sha256_file(&a.file)
        .with_context(|| format!("không đọc được / cannot read {}", a.file.display()))?;
    let extra = match &a.extra {
        None => serde_json::Map::new(),
        Some(s) => match serde_json::from_str::<serde_json::Value>(s)
            .context("--extra không phải JSON / is not JSON")?
        {
            serde_json::Value::Object(m) => m,
            _ => bail!("--extra phải là đối tượng JSON / must be a JSON object"),
        },
    };
    let kind = match a.kind {
        KindArg::Dossier => EntryKind::Dossier,
        KindArg::Signed => EntryKind::Signed,
        KindArg::Copy => EntryKind::Copy,
        KindArg::Other => EntryKind::Other,
    };
    let entry = NewEntry {
        kind,
        sha256,
        dossier_code: a.code,
        title: a.title,
        signer_fingerprint: a.signer_fingerprint,
        extra,
    };
    let mut reg = Register::open_or_create(path, &CreateOptions::for_station(station_name))
        .with_context(|| format!("sổ đăng ký / register {}", path.display()))?;
    reg.set_station(station_name);
    let appended = match (kind, a.copy_form) {
        (EntryKind::Copy, Some(form)) => {
            let form = match form {
                FormArg::Sy => CopyForm::SaoY,
                FormArg::Sl => CopyForm::SaoLuc,
                FormArg::Trs => CopyForm::TrichSao,
            };
            // The file is already made: its hash is known before the number is allocated.
            reg.append_copy(&a.org, form, entry, |_| {
                Ok::<_, std::convert::Infallible>(sha256)
            })
            .map_err(|e| match e {
                hoso_register::AppendCopyError::Register(e) => anyhow::Error::new(e),
                hoso_register::AppendCopyError::Sign(never) => match never {},
            })?
        }
        (EntryKind::Copy, None) => bail!("--kind copy cần --copy-form / needs --copy-form"),
        (_, Some(_)) => bail!("--copy-form chỉ dùng với --kind copy / only with --kind copy"),
        (_, None) => reg.append(entry)?,
    };
    let e = &appended.entries[0];
    let qr = QrPayload::new(reg.origin(), e.seq, &e.sha256);
    if a.json {
        println!(
            "{}",
            json!({
                "entry": e,
                "qr": qr.to_string(),
                "checkpoint": appended.checkpoint.note,
                "register": path,
            })
        );
    } else {
        println!("Đã ghi / registered: số thứ tự / seq {}", e.seq);
        println!("  SHA-256: {}", hex(&e.sha256));
        if let Some(c) = &e.copy {
            println!("  Số bản sao / copy number: {c}");
        }
        println!("  Thời gian / time: {}", e.time);
        println!("  QR: {qr}");
        println!("Điểm kiểm tra / checkpoint:\n{}", appended.checkpoint.note);
    }
    Ok(ExitCode::SUCCESS)
}

fn lookup(reg: &Register, a: LookupArgs) -> Result<ExitCode> {
    let results: Vec<LookupResult> = if let Some(qr) = &a.qr {
        let payload: QrPayload = qr.parse()?;
        match reg.lookup_qr(&payload)? {
            QrLookup::Found(r) => vec![*r],
            QrLookup::OtherRegister { origin } => {
                eprintln!(
                    "Mã QR thuộc sổ khác / the QR code belongs to another register: {origin}"
                );
                return Ok(ExitCode::from(1));
            }
            // Issue 14 point 7: a payload that does not match says so and nothing more: not
            // the title, code, station or number of the entry it names (nor whether that entry
            // exists, so lookups cannot enumerate the register).
            QrLookup::NoSuchEntry { .. } | QrLookup::HashMismatch { .. } => {
                return Ok(no_match(a.json, None));
            }
        }
    } else {
        let sha = match (&a.file, &a.sha256) {
            (Some(f), _) => hoso_register::sha256_file(f)
                .with_context(|| format!("không đọc được / cannot read {}", f.display()))?,
            (None, Some(h)) => hoso_register::parse_sha256_hex(h)
                .context("--sha256 phải là 64 chữ số hex / must be 64 hex digits")?,
            (None, None) => bail!("cần FILE, --sha256 hoặc --qr / need FILE, --sha256 or --qr"),
        };
        let found = reg.lookup_sha256(&sha)?;
        if found.is_empty() {
            return Ok(no_match(a.json, Some(&sha)));
        }
        found
    };
    let all_ok = results.iter().all(|r| r.status.verified());
    if a.json {
        let items: Vec<_> = results.iter().map(lookup_json).collect();
        println!(
            "{}",
            json!({ "found": true, "verified": all_ok, "results": items, "vkey": reg.verifier().to_string() })
        );
    } else {
        for r in &results {
            print_lookup(r);
        }
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The one answer to a lookup that matches nothing: "không khớp / no match", with the caller's
/// own hash when there is one and nothing from the register.
fn no_match(json: bool, sha: Option<&[u8; 32]>) -> ExitCode {
    if json {
        let mut v = json!({ "found": false, "match": false });
        if let Some(sha) = sha {
            v["sha256"] = json!(hex(sha));
        }
        println!("{v}");
    } else {
        println!("Không khớp / no match: không có mục nào trong sổ khớp / nothing in the register matches");
    }
    ExitCode::from(1)
}

fn lookup_json(r: &LookupResult) -> serde_json::Value {
    json!({
        "entry": r.entry,
        "leaf_hash": hex(&r.leaf_hash),
        "qr": r.qr.to_string(),
        "checkpoint": r.checkpoint.note,
        "proof": r.proof.as_ref().map(|p| json!({
            "index": p.index,
            "size": p.size,
            "path": p.path.iter().map(hex).collect::<Vec<_>>(),
        })),
        "status": {
            "checkpoint_signature_valid": r.status.checkpoint_signature_valid,
            "leaf_matches_fields": r.status.leaf_matches_fields,
            "inclusion_verified": r.status.inclusion_verified,
            "verified": r.status.verified(),
        }
    })
}

fn mark(ok: bool) -> &'static str {
    if ok {
        "✔"
    } else {
        "✘"
    }
}

fn print_lookup(r: &LookupResult) {
    let e = &r.entry;
    println!("Mục số / entry {} — {}", e.seq, e.kind);
    println!("  SHA-256: {}", hex(&e.sha256));
    println!(
        "  Thời gian / time: {}  Trạm / station: {}",
        e.time, e.station
    );
    if let Some(c) = &e.dossier_code {
        println!("  Mã hồ sơ / dossier code: {c}");
    }
    if let Some(t) = &e.title {
        println!("  Trích yếu / title: {t}");
    }
    if let Some(c) = &e.copy {
        println!("  Số bản sao / copy number: {c} ({})", c.year);
    }
    if let Some(f) = &e.signer_fingerprint {
        println!("  Chứng thư người ký / signer certificate: {f}");
    }
    if e.extra != "{}" {
        println!("  Khác / extra: {}", e.extra);
    }
    println!("  QR: {}", r.qr);
    if let Some(p) = &r.proof {
        println!(
            "  Bằng chứng / inclusion proof ({} → cây / tree {}):",
            p.index, p.size
        );
        for h in &p.path {
            println!("    {}", hex(h));
        }
    }
    let s = r.status;
    println!(
        "  {} Chữ ký điểm kiểm tra hợp lệ / checkpoint signature valid",
        mark(s.checkpoint_signature_valid)
    );
    println!(
        "  {} Mục khớp mã băm lá / entry matches its leaf hash",
        mark(s.leaf_matches_fields)
    );
    println!(
        "  {} Bằng chứng dẫn tới gốc đã ký / proof leads to the signed root",
        mark(s.inclusion_verified)
    );
    if s.verified() {
        println!("  ĐÃ XÁC MINH / VERIFIED");
    } else {
        println!("  KHÔNG XÁC MINH ĐƯỢC / NOT VERIFIED");
    }
}

fn proof(reg: &Register, a: ProofArgs) -> Result<ExitCode> {
    let to = match a.to {
        Some(t) => t,
        None => reg.size()?,
    };
    let p = reg.consistency_proof(a.from, to)?;
    // Prefer the signed roots when tree heads exist at both sizes.
    let signed = |size: u64| -> Result<Option<[u8; 32]>> {
        Ok(reg.checkpoint_at(size)?.map(|c| c.checkpoint.root))
    };
    let mut ok = p.verify().is_ok();
    for (size, root) in [(a.from, p.first_root), (to, p.second_root)] {
        if let Some(signed_root) = signed(size)? {
            ok &= signed_root == root;
        }
    }
    if a.json {
        println!(
            "{}",
            json!({
                "first": p.first, "second": p.second,
                "first_root": hex(&p.first_root), "second_root": hex(&p.second_root),
                "path": p.path.iter().map(hex).collect::<Vec<_>>(),
                "verified": ok,
            })
        );
    } else {
        println!(
            "Bằng chứng nhất quán / consistency proof {} → {}",
            p.first, p.second
        );
        println!("  gốc / root {}: {}", p.first, hex(&p.first_root));
        println!("  gốc / root {}: {}", p.second, hex(&p.second_root));
        for h in &p.path {
            println!("    {}", hex(h));
        }
        println!(
            "  {} {}",
            mark(ok),
            if ok {
                "nhất quán / consistent (RFC 9162 §2.1.4.2)"
            } else {
                "KHÔNG nhất quán / NOT consistent"
            }
        );
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn audit(reg: &Register, a: AuditArgs) -> Result<ExitCode> {
    let mut known = Vec::new();
    for f in &a.checkpoint {
        known.push(
            std::fs::read_to_string(f)
                .with_context(|| format!("không đọc được / cannot read {}", f.display()))?,
        );
    }
    let report = reg.audit(&AuditOptions {
        known_checkpoints: known,
        skip_integrity_check: a.quick,
    })?;
    print_report(&report, a.json, "Kiểm toán / audit");
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn verify_bundle(a: VerifyBundleArgs) -> Result<ExitCode> {
    let trusted = match &a.vkey {
        Some(s) => Some(VerifierKey::parse(s).context("--vkey")?),
        None => None,
    };
    let report = hoso_register::verify_bundle(&a.dir, trusted.as_ref())?;
    print_report(&report, a.json, "Kiểm tra gói / bundle check");
    if trusted.is_none() && !a.json {
        println!(
            "  Lưu ý: khóa trạm lấy từ chính gói; hãy so mã khóa với nguồn độc lập (--vkey).\n  \
             Note: the station key came from the bundle itself; compare its ID with an independent source (--vkey)."
        );
    }
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_report(r: &AuditReport, as_json: bool, what: &str) {
    if as_json {
        println!("{}", serde_json::to_string(r).unwrap_or_default());
        return;
    }
    println!(
        "{what}: {} mục / entries, {} điểm kiểm tra / checkpoints, gốc / root {}",
        r.entries,
        r.checkpoints,
        hex(&r.recomputed_root)
    );
    if r.is_clean() {
        println!("  ✔ Không phát hiện sai lệch / no discrepancy found");
        return;
    }
    if let Some(seq) = r.first_bad_seq {
        println!("  ✘ Mục sai đầu tiên / first bad entry: {seq}");
    }
    for f in &r.findings {
        println!("  ✘ {}", describe(f));
    }
    if r.findings_not_listed > 0 {
        println!("  … và / and {} nữa / more", r.findings_not_listed);
    }
}

fn describe(f: &Finding) -> String {
    match f {
        Finding::Integrity { message } => {
            format!("SQLite báo hỏng / SQLite integrity: {message}")
        }
        Finding::UnreadableEntry { seq, reason } => {
            format!("mục {seq} không đọc được / entry {seq} unreadable: {reason}")
        }
        Finding::SequenceGap { expected, found } => format!(
            "thiếu mục từ {expected} (gặp {found}) / entries missing from {expected} (found {found})"
        ),
        Finding::LeafMismatch { seq } => format!(
            "mục {seq} đã bị sửa (mã băm lá không khớp) / entry {seq} was edited (leaf hash differs)"
        ),
        Finding::NodeMismatch { level, index, first_seq } => format!(
            "nút cây {level}/{index} (từ mục {first_seq}) không khớp / tree node {level}/{index} (from entry {first_seq}) differs"
        ),
        Finding::NodeMissing { level, index, first_seq } => format!(
            "thiếu nút cây {level}/{index} (từ mục {first_seq}) / tree node {level}/{index} (from entry {first_seq}) missing"
        ),
        Finding::CheckpointSignature { size, reason } => format!(
            "chữ ký điểm kiểm tra {size} không hợp lệ / checkpoint {size} signature invalid: {reason}"
        ),
        Finding::CheckpointColumns { size } => format!(
            "điểm kiểm tra {size} khác nội dung đã ký / checkpoint {size} columns differ from its signed note"
        ),
        Finding::CheckpointMismatch { size, first_seq } => format!(
            "gốc tính lại khác gốc đã ký ở kích thước {size}: có mục từ {first_seq} đến {} bị thay đổi / recomputed root differs from the signed one at size {size}: an entry in {first_seq}..{} changed",
            size - 1,
            size - 1
        ),
        Finding::CheckpointBeyondEntries { size, entries } => format!(
            "điểm kiểm tra {size} vượt số mục ({entries}): mục đã bị xóa / checkpoint {size} covers more than the {entries} entries: entries were removed"
        ),
        Finding::EntriesWithoutCheckpoint { first_seq, count } => format!(
            "{count} mục từ {first_seq} không có điểm kiểm tra: bị chèn ngoài phần mềm / {count} entries from {first_seq} have no checkpoint: inserted by hand"
        ),
        Finding::CopyNumberDuplicate { org, year, number, seq } => format!(
            "số bản sao {number}/{org}/{year} dùng hai lần (mục {seq}) / copy number used twice (entry {seq})"
        ),
        Finding::CopyNumberGap { org, year, missing, counter, .. } => format!(
            "số bản sao {org}/{year} thiếu số {missing} (bộ đếm {counter}) / copy numbers skip {missing} (counter {counter})"
        ),
        Finding::UntrustedKey { found } => format!(
            "khóa trạm không phải khóa tin cậy / station key is not the trusted key: {found}"
        ),
        Finding::BundleFormat { file, line, message } => {
            format!("{file}:{line}: {message}")
        }
        other => format!("{other:?}"),
    }
}
