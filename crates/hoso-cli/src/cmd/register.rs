//! `hoso register`: the office register — append, look up, prove, audit, export.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use hoso_office::hex;
use hoso_office::register::{
    self as office, AppendKind, AppendRequest, AuditReport, CopyForm, EntryKind, Lookup,
    LookupResult, Query,
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
    /// Khóa kiểm tra đã ghim của sổ / the register's pinned verifier key (name+id+base64)
    /// [env: HOSO_REGISTER_KEY] [default: register_key in the settings]
    #[arg(long, global = true, value_name = "VKEY")]
    pin_key: Option<String>,
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
    /// Ghim khóa của sổ vào cài đặt (trạm đầu tiên) / pin the register's key in the settings
    /// (first station, trust on first use).
    Pin {
        /// Xuất JSON / JSON output
        #[arg(long)]
        json: bool,
    },
    /// Chạy nhân chứng ký xác nhận điểm kiểm tra của sổ khác (C2SP tlog-witness) / run a
    /// witness that co-signs another register's checkpoints (C2SP tlog-witness).
    Witness(WitnessArgs),
    /// In yêu cầu add-checkpoint gửi nhân chứng / print the add-checkpoint request for a witness.
    WitnessRequest {
        /// Kích thước nhân chứng đã ký lần trước / the size the witness last co-signed
        #[arg(long)]
        old: Option<u64>,
        /// Tên nhân chứng (lấy kích thước đã ký từ sổ) / the witness's name (its last size from the register)
        #[arg(long)]
        witness: Option<String>,
    },
    /// Lưu chữ ký xác nhận của nhân chứng / keep a witness's cosignatures (its response).
    Cosignatures {
        /// Tệp trả lời của nhân chứng, `-` là stdin / the witness's response, `-` for stdin
        response: PathBuf,
        /// Kích thước cây đã gửi [mặc định: mới nhất] / the tree size sent [default: latest]
        #[arg(long)]
        size: Option<u64>,
    },
    /// Xin nhân chứng có thư mục trạng thái trên máy này ký xác nhận / have a witness whose
    /// state directory is on this machine (or a share) co-sign the latest checkpoint.
    Cosign {
        /// Thư mục trạng thái của nhân chứng / the witness's state directory
        #[arg(long, value_name = "DIR")]
        witness_state: PathBuf,
        /// Tên nhân chứng / the witness's name
        #[arg(long)]
        witness_name: Option<String>,
    },
}

#[derive(clap::Args)]
struct WitnessArgs {
    /// Thư mục trạng thái (khóa và kích thước đã ký) / state directory (key and co-signed sizes)
    #[arg(long, value_name = "DIR")]
    state: PathBuf,
    /// Tên nhân chứng [mặc định: witness/<trạm>] / the witness's name [default: witness/<station>]
    #[arg(long)]
    name: Option<String>,
    /// Khóa của sổ được chứng kiến (lặp lại được) [mặc định: khóa đã ghim] / the witnessed
    /// log's key, repeatable [default: the pinned key]
    #[arg(long, value_name = "VKEY")]
    log_key: Vec<String>,
    #[command(subcommand)]
    command: WitnessSub,
}

#[derive(clap::Subcommand)]
enum WitnessSub {
    /// In khóa công khai của nhân chứng (để các cơ quan thêm vào cài đặt `witnesses`) / print
    /// the witness's public key (for the offices' `witnesses` setting).
    Key,
    /// Xử lý một yêu cầu add-checkpoint (stdin hoặc --request), in chữ ký xác nhận / handle one
    /// add-checkpoint request (stdin or --request) and print the cosignature.
    AddCheckpoint {
        /// Tệp yêu cầu [mặc định: stdin] / request file [default: stdin]
        #[arg(long)]
        request: Option<PathBuf>,
    },
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
    let mut config = super::config::resolve(args.register.clone(), args.station.clone())?;
    if let Some(k) = args
        .pin_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        config.register_key = Some(k.to_owned());
        config.register_key_from = hoso_office::config::Origin::Flag;
    }
    let config = config;
    let open = || {
        office::open_read_only(&config)
            .with_context(|| format!("sổ đăng ký / register {}", config.register.display()))
    };
    match args.command {
        Sub::Append(a) => append(&config, a),
        Sub::Lookup(a) => lookup(&open()?, a),
        Sub::Proof(a) => proof(&open()?, a),
        Sub::Checkpoint => match open()?.latest_checkpoint()? {
            Some(c) => {
                print!("{}", c.note);
                Ok(ExitCode::SUCCESS)
            }
            None => {
                eprintln!("Sổ còn trống / the register is empty");
                Ok(ExitCode::from(1))
            }
        },
        Sub::Audit(a) => {
            let report = office::audit::audit(&open()?, &a.checkpoint, a.quick)?;
            print_report(&report, a.json, "Kiểm toán / audit");
            if !report.key_pinned && !a.json {
                print_pin_hint(&report.vkey);
            }
            Ok(exit(report.is_clean()))
        }
        Sub::Pin { json } => {
            let p = office::pin(&config)?;
            if json {
                println!("{}", serde_json::to_string(&p)?);
            } else {
                if p.already {
                    println!("Khóa đã được ghim từ trước / the key was already pinned");
                } else {
                    println!(
                        "Đã ghim khóa của sổ (tin ở lần dùng đầu) / pinned the register's key (trust on first use) → {}",
                        p.settings_path.display()
                    );
                }
                println!("  Sổ / origin: {}", p.origin);
                println!("  Khóa / key: {}", p.vkey);
                println!(
                    "  Trên các trạm khác / on the other stations: hoso config set register_key '{}'",
                    p.vkey
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Sub::Export { dir } => {
            let done = office::audit::export(&open()?, &dir)?;
            println!(
                "Đã xuất / exported {} mục / entries, {} điểm kiểm tra / checkpoints → {}",
                done.summary.entries,
                done.summary.checkpoints,
                dir.display()
            );
            println!("Khóa trạm / station key: {}", done.vkey);
            Ok(ExitCode::SUCCESS)
        }
        Sub::Witness(a) => witness(&config, a),
        Sub::WitnessRequest { old, witness } => {
            print!(
                "{}",
                office::witness::witness_request(&config, old, witness.as_deref())?
            );
            Ok(ExitCode::SUCCESS)
        }
        Sub::Cosignatures { response, size } => {
            let text = read_input(&response)?;
            let done = office::witness::add_cosignatures(&config, size, &text)?;
            print_cosigned(&done);
            Ok(exit(!done.cosignatures.is_empty()))
        }
        Sub::Cosign {
            witness_state,
            witness_name,
        } => {
            let logs = office::witness::witnessed_logs(&config, &[])?;
            let name =
                witness_name.unwrap_or_else(|| office::witness::default_witness_name(&config));
            let w = office::witness::open_witness(&witness_state, &name, logs)?;
            let done = office::witness::cosign_with(&config, &w)?;
            print_cosigned(&done);
            if done.cosignatures.is_empty() {
                println!(
                    "  Nhân chứng {} chưa có trong cài đặt `witnesses` nên chữ ký không được lưu / is not listed in the `witnesses` setting, so its cosignature was not kept: hoso config set witnesses '{}'",
                    name,
                    w.verifier()
                );
            }
            Ok(exit(!done.cosignatures.is_empty()))
        }
        Sub::VerifyBundle(mut a) => {
            // The pinned key is the trusted one unless --vkey names another.
            if a.vkey.is_none() {
                a.vkey = config.register_key.clone();
            }
            verify_bundle(a)
        }
    }
}

fn read_input(path: &std::path::Path) -> Result<String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
        Ok(s)
    } else {
        std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))
    }
}

fn print_cosigned(done: &office::witness::Cosigned) {
    println!(
        "Điểm kiểm tra / checkpoint {}: {} chữ ký xác nhận của nhân chứng đã lưu / witness cosignatures kept",
        done.size,
        done.cosignatures.len()
    );
    for c in &done.cosignatures {
        println!("  ✔ {} ({})", c.witness, c.timestamp);
    }
}

fn witness(config: &hoso_office::Config, a: WitnessArgs) -> Result<ExitCode> {
    let logs = office::witness::witnessed_logs(config, &a.log_key)?;
    let name = a
        .name
        .unwrap_or_else(|| office::witness::default_witness_name(config));
    let w = office::witness::open_witness(&a.state, &name, logs)?;
    match a.command {
        WitnessSub::Key => {
            println!("{}", w.verifier());
            Ok(ExitCode::SUCCESS)
        }
        WitnessSub::AddCheckpoint { request } => {
            let body = match request {
                Some(p) => read_input(&p)?,
                None => read_input(std::path::Path::new("-"))?,
            };
            match office::witness::add_checkpoint(&w, &body) {
                Ok(response) => {
                    print!("{response}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("Từ chối / refused ({}): {e}", e.http_status());
                    if let office::witness::WitnessError::Conflict { latest } = &e {
                        // The body c2sp.org/tlog-witness gives a 409: the witness's size.
                        eprintln!("{latest}");
                    }
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}

/// No key is pinned: print the register's key and how to pin it.
fn print_pin_hint(vkey: &str) {
    println!(
        "  Lưu ý: chưa ghim khóa của sổ; chữ ký điểm kiểm tra được kiểm bằng khóa lưu trong chính sổ.\n  \
         Note: no register key is pinned; checkpoints were verified with the key stored in the register itself."
    );
    println!("  Khóa cần ghim / key to pin: {vkey}");
    println!(
        "  Ghim / pin: hoso register pin   (hoặc / or: hoso config set register_key '{vkey}')"
    );
}

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn append(config: &hoso_office::Config, a: AppendArgs) -> Result<ExitCode> {
    let kind = match a.kind {
        KindArg::Dossier => EntryKind::Dossier,
        KindArg::Signed => EntryKind::Signed,
        KindArg::Copy => EntryKind::Copy,
        KindArg::Other => EntryKind::Other,
    };
    let form = a.copy_form.map(|f| match f {
        FormArg::Sy => CopyForm::SaoY,
        FormArg::Sl => CopyForm::SaoLuc,
        FormArg::Trs => CopyForm::TrichSao,
    });
    let request = AppendRequest {
        kind: AppendKind::new(kind, form, &a.org)?,
        dossier_code: a.code,
        title: a.title,
        signer_fingerprint: a.signer_fingerprint,
        extra_json: a.extra,
    };
    let done = office::append_file(config, &a.file, request)?;
    print_appended(&done, a.json);
    Ok(ExitCode::SUCCESS)
}

fn print_appended(done: &office::AppendedEntry, json: bool) {
    let e = &done.entry;
    if json {
        println!(
            "{}",
            json!({ "entry": e, "qr": done.qr, "checkpoint": done.checkpoint, "register": done.register })
        );
        return;
    }
    println!("Đã ghi / registered: số thứ tự / seq {}", e.seq);
    println!("  SHA-256: {}", hex(&e.sha256));
    if let Some(c) = &e.copy {
        println!("  Số bản sao / copy number: {c}");
    }
    println!("  Thời gian / time: {}", e.time);
    println!("  QR: {}", done.qr);
    println!("Điểm kiểm tra / checkpoint:\n{}", done.checkpoint);
}

fn lookup(reg: &office::Register, a: LookupArgs) -> Result<ExitCode> {
    let query = match (a.qr, a.sha256, a.file) {
        (Some(qr), _, _) => Query::Qr(qr),
        (None, Some(h), _) => Query::Sha256(h),
        (None, None, Some(f)) => Query::File(f),
        (None, None, None) => bail!("cần FILE, --sha256 hoặc --qr / need FILE, --sha256 or --qr"),
    };
    let found = office::lookup(reg, &query)?;
    let verified = found.verified();
    match found {
        Lookup::OtherRegister { origin } => {
            eprintln!("Mã QR thuộc sổ khác / the QR code belongs to another register: {origin}");
        }
        Lookup::NoMatch { sha256 } => no_match(a.json, sha256.as_ref()),
        Lookup::Found { results, vkey } if a.json => {
            let items: Vec<_> = results.iter().map(lookup_json).collect();
            println!(
                "{}",
                json!({ "found": true, "verified": verified, "results": items, "vkey": vkey })
            );
        }
        Lookup::Found { results, .. } => results.iter().for_each(print_lookup),
    }
    Ok(exit(verified))
}

/// The one answer to a lookup that matches nothing: "không khớp / no match", with the caller's
/// own hash when there is one and nothing from the register.
fn no_match(json: bool, sha: Option<&[u8; 32]>) {
    if json {
        let mut v = json!({ "found": false, "match": false });
        if let Some(sha) = sha {
            v["sha256"] = json!(hex(sha));
        }
        println!("{v}");
    } else {
        println!("Không khớp / no match: không có mục nào trong sổ khớp / nothing in the register matches");
    }
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
            "path": p.path.iter().map(|h| hex(h)).collect::<Vec<_>>(),
        })),
        "status": {
            "checkpoint_signature_valid": r.status.checkpoint_signature_valid,
            "leaf_matches_fields": r.status.leaf_matches_fields,
            "inclusion_verified": r.status.inclusion_verified,
            "verified": r.status.verified(),
            "witnesses": r.status.witnesses,
        },
        "witnessed": r.witnessed.as_ref().map(|w| json!({
            "size": w.size,
            "cosignatures": w.cosignatures,
        })),
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
    print_checks(r);
}

fn print_checks(r: &LookupResult) {
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
    match &r.witnessed {
        Some(w) => println!(
            "  ✔ {} nhân chứng đã ký xác nhận điểm kiểm tra {} chứa mục này / witness(es) co-signed checkpoint {} which includes this entry: {}",
            s.witnesses,
            w.size,
            w.size,
            w.cosignatures
                .iter()
                .map(|c| c.witness.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => println!(
            "  – 0 nhân chứng đã ký xác nhận / no witness co-signed a checkpoint including this entry"
        ),
    }
    if s.verified() {
        println!("  ĐÃ XÁC MINH / VERIFIED");
    } else {
        println!("  KHÔNG XÁC MINH ĐƯỢC / NOT VERIFIED");
    }
}

fn proof(reg: &office::Register, a: ProofArgs) -> Result<ExitCode> {
    let office::Consistency {
        proof: p,
        verified: ok,
    } = office::consistency(reg, a.from, a.to)?;
    if a.json {
        println!(
            "{}",
            json!({
                "first": p.first, "second": p.second,
                "first_root": hex(&p.first_root), "second_root": hex(&p.second_root),
                "path": p.path.iter().map(|h| hex(h)).collect::<Vec<_>>(),
                "verified": ok,
            })
        );
        return Ok(exit(ok));
    }
    println!(
        "Bằng chứng nhất quán / consistency proof {} → {}",
        p.first, p.second
    );
    println!("  gốc / root {}: {}", p.first, hex(&p.first_root));
    println!("  gốc / root {}: {}", p.second, hex(&p.second_root));
    for h in &p.path {
        println!("    {}", hex(h));
    }
    let words = if ok {
        "nhất quán / consistent (RFC 9162 §2.1.4.2)"
    } else {
        "KHÔNG nhất quán / NOT consistent"
    };
    println!("  {} {words}", mark(ok));
    Ok(exit(ok))
}

fn verify_bundle(a: VerifyBundleArgs) -> Result<ExitCode> {
    let report = office::audit::verify_bundle(&a.dir, a.vkey.as_deref())?;
    print_report(&report, a.json, "Kiểm tra gói / bundle check");
    if a.vkey.is_none() && !a.json {
        println!(
            "  Lưu ý: khóa trạm lấy từ chính gói; hãy so mã khóa với nguồn độc lập (--vkey).\n  \
             Note: the station key came from the bundle itself; compare its ID with an independent source (--vkey)."
        );
    }
    Ok(exit(report.is_clean()))
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
    if let Some((size, n)) = r.witnessed {
        println!(
            "  {n} nhân chứng đã ký xác nhận điểm kiểm tra {size} / witness(es) co-signed checkpoint {size}"
        );
    }
    if r.is_clean() {
        println!("  ✔ Không phát hiện sai lệch / no discrepancy found");
        return;
    }
    if let Some(seq) = r.first_bad_seq {
        println!("  ✘ Mục sai đầu tiên / first bad entry: {seq}");
    }
    for f in &r.findings {
        println!("  ✘ {}", office::audit::describe(f));
    }
    if r.findings_not_listed > 0 {
        println!("  … và / and {} nữa / more", r.findings_not_listed);
    }
}
