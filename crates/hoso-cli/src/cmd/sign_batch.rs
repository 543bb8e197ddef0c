//! `hoso sign --batch DIR_OR_FILES... --out-dir OUT`: many PDFs, one PIN entry, a progress bar,
//! every failure listed at the end (exit 1 if any), every signed file registered.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use hoso_register::{CreateOptions, EntryKind, NewEntry, Register};
use hoso_sign::batch::{plan, sign_batch, BatchResult};
use hoso_sign::sign::SignOptions;
use hoso_sign::signer::Signer;
use hoso_sign::tsp::TsaClient;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sha2::{Digest, Sha256};

/// Entries are written to the register in groups of this many (one transaction and checkpoint
/// each), so a crash loses at most one group's registrations, never a signed file.
const REGISTER_CHUNK: usize = 64;

/// Batch options of `hoso sign`.
#[derive(clap::Args, Clone, Debug)]
pub struct BatchArgs {
    /// Ký hàng loạt: các tệp PDF hoặc thư mục / batch: PDF files or directories of PDFs.
    #[arg(long, num_args = 1.., value_name = "DIR_OR_FILE", requires = "out_dir")]
    pub batch: Vec<PathBuf>,
    /// Thư mục ghi các tệp đã ký / directory for the signed files (with --batch).
    #[arg(long, requires = "batch")]
    pub out_dir: Option<PathBuf>,
    /// Sổ đăng ký ghi các tệp đã ký / the register to record signed files in
    /// [env: HOSO_REGISTER] [default: <data dir>/hoso/register.sqlite]
    #[arg(long, value_name = "PATH", requires = "batch")]
    pub register: Option<PathBuf>,
    /// Số luồng băm song song / hashing threads [default: 2 × CPU count].
    #[arg(long, requires = "batch")]
    pub jobs: Option<usize>,
}

fn register_path(a: &BatchArgs) -> anyhow::Result<PathBuf> {
    let env = std::env::var_os("HOSO_REGISTER").filter(|v| !v.is_empty());
    match a.register.clone().or_else(|| env.map(PathBuf::from)) {
        Some(p) => Ok(p),
        None => hoso_register::default_register_path()
            .context("không tìm thấy thư mục dữ liệu / no user data directory; use --register"),
    }
}

fn station() -> String {
    std::env::var("HOSO_STATION")
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| "station".into())
}

/// Signs the batch; `explain` renders a per-file error for people.
pub fn run(
    a: &BatchArgs,
    signer: &(dyn Signer + Sync),
    opts: &SignOptions,
    tsa: Option<&TsaClient>,
    json: bool,
    explain: impl Fn(&hoso_sign::sign::SignError) -> String,
) -> anyhow::Result<ExitCode> {
    let out_dir = a
        .out_dir
        .as_ref()
        .context("--batch cần --out-dir / --batch needs --out-dir")?;
    let jobs = plan(&a.batch, out_dir).map_err(|e| {
        anyhow::anyhow!("không lập được danh sách tệp / cannot plan the batch: {e}")
    })?;
    std::fs::create_dir_all(out_dir).with_context(|| {
        format!(
            "không tạo được thư mục / cannot create {}",
            out_dir.display()
        )
    })?;
    let reg_path = register_path(a)?;
    let station = station();
    let mut register = Register::open_or_create(&reg_path, &CreateOptions::for_station(&station))
        .with_context(|| format!("sổ đăng ký / register {}", reg_path.display()))?;
    register.set_station(&station);
    let fingerprint = signer
        .certificate_chain()
        .first()
        .map(der::Encode::to_der)
        .transpose()?
        .map(|d| {
            Sha256::digest(d)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        });

    let bar = ProgressBar::with_draw_target(Some(jobs.len() as u64), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("Ký số / signing");
    // Twice the cores by default: each file also waits on fsync and on its turn at the token,
    // and a second worker per core fills those waits (measured on 2 cores, 200 one-page files:
    // 0.33–0.51 s with 4 workers against 0.54–0.99 s with 2).
    let threads = a.jobs.unwrap_or_else(|| {
        2 * std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let mut pending: Vec<NewEntry> = Vec::new();
    let mut register_error: Option<anyhow::Error> = None;
    let mut registered = 0usize;
    let mut flush = |pending: &mut Vec<NewEntry>, register: &mut Register| {
        if pending.is_empty() || register_error.is_some() {
            return;
        }
        let n = pending.len();
        match register.append_batch(std::mem::take(pending)) {
            Ok(_) => registered += n,
            Err(e) => register_error = Some(e.into()),
        }
    };
    let results: Vec<BatchResult> = sign_batch(&jobs, opts, signer, tsa, threads, |i, r| {
        bar.inc(1);
        match r {
            Ok(done) => {
                let mut entry = NewEntry::new(EntryKind::Signed, done.sha256);
                entry.signer_fingerprint = fingerprint.clone();
                entry.title = jobs[i]
                    .input
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned());
                pending.push(entry);
                if pending.len() >= REGISTER_CHUNK {
                    flush(&mut pending, &mut register);
                }
            }
            Err(e) => bar.println(format!(
                "Lỗi / failed: {}: {}",
                jobs[i].input.display(),
                explain(e)
            )),
        }
    });
    flush(&mut pending, &mut register);
    bar.finish_and_clear();
    let register_error = register_error;

    let failures: Vec<(usize, String)> = results
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.as_ref().err().map(|e| (i, explain(e))))
        .collect();
    let signed = results.len() - failures.len();
    if json {
        let items: Vec<_> = results
            .iter()
            .zip(&jobs)
            .map(|(r, j)| match r {
                Ok(d) => serde_json::json!({"input": j.input, "ok": d}),
                Err(e) => serde_json::json!({"input": j.input, "error": explain(e)}),
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "signed": signed,
                "failed": failures.len(),
                "registered": registered,
                "register": reg_path,
                "files": items,
            }))?
        );
    } else {
        println!(
            "Đã ký / signed {signed}/{} tệp / files → {}; đã ghi sổ / registered {registered} ({})",
            results.len(),
            out_dir.display(),
            reg_path.display()
        );
        if !failures.is_empty() {
            println!("Không ký được / failed ({}):", failures.len());
            for (i, msg) in &failures {
                println!("  {}: {msg}", jobs[*i].input.display());
            }
        }
    }
    if let Some(e) = register_error {
        return Err(e.context(
            "các tệp đã ký nhưng ghi sổ đăng ký thất bại / files were signed but the register append failed",
        ));
    }
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
