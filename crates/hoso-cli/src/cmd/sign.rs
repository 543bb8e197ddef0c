//! `hoso sign`: PAdES-sign one PDF or a batch with a PKCS#12 key or a PKCS#11 token (B-B to
//! B-LTA); every signed file is entered in the register (hoso-office's sign flow).

use std::path::PathBuf;
use std::process::ExitCode;

use hoso_office::config::SignLevel;
use hoso_office::sign::{
    default_threads, plan_batch, sign_many, sign_one, tsa_client, DocMdpPermission, SignPlan,
    SignedBatch, SignedFile,
};
use hoso_office::{Config, Watch};

use crate::ui;

/// PAdES level.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum LevelArg {
    /// B-B: chữ ký cơ bản / basic signature.
    #[value(name = "B-B")]
    BB,
    /// B-T: kèm dấu thời gian / with an RFC 3161 timestamp.
    #[value(name = "B-T")]
    BT,
    /// B-LT: kèm chứng thư và dữ liệu thu hồi (DSS) / plus certificates and revocation data.
    #[value(name = "B-LT")]
    BLt,
    /// B-LTA: kèm dấu thời gian tài liệu / plus a document timestamp.
    #[value(name = "B-LTA")]
    BLta,
}

impl From<LevelArg> for SignLevel {
    fn from(l: LevelArg) -> Self {
        match l {
            LevelArg::BB => SignLevel::BB,
            LevelArg::BT => SignLevel::BT,
            LevelArg::BLt => SignLevel::BLt,
            LevelArg::BLta => SignLevel::BLta,
        }
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// Tệp PDF cần ký / the PDF to sign.
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    input: Option<PathBuf>,
    #[command(flatten)]
    signer: super::signer_args::SignerArgs,
    #[command(flatten)]
    batch: BatchArgs,
    /// Tệp PDF đã ký / the signed output.
    #[arg(long, required_unless_present = "batch", conflicts_with = "batch")]
    out: Option<PathBuf>,
    /// Mức PAdES (mặc định theo cài đặt: B-T khi có TSA, nếu không B-B) / PAdES level
    /// (default from the settings: B-T with a TSA, else B-B).
    #[arg(long, value_enum)]
    level: Option<LevelArg>,
    /// Địa chỉ TSA (RFC 3161, HTTP) / TSA URL (default: settings).
    #[arg(long)]
    tsa: Option<String>,
    /// Gốc tin cậy cho chứng thư TSA (PEM) / trust roots for the TSA certificate.
    #[arg(long = "tsa-trust")]
    tsa_trust: Vec<PathBuf>,
    /// Tin cậy gốc DEMO cho TSA / trust the DEMO root for the TSA.
    #[arg(long)]
    demo: bool,
    /// Lý do ký / reason.
    #[arg(long)]
    reason: Option<String>,
    /// Nơi ký / location.
    #[arg(long)]
    location: Option<String>,
    /// Tên trường chữ ký / signature field name.
    #[arg(long)]
    field: Option<String>,
    /// Chữ ký chứng nhận (DocMDP) / certification signature (DocMDP).
    #[arg(long)]
    certify: bool,
    /// Quyền DocMDP khi chứng nhận: 1, 2 hoặc 3 / DocMDP permission with --certify.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(i64).range(1..=3))]
    docmdp: i64,
    /// Sổ đăng ký ghi các tệp đã ký / the register to record signed files in
    /// [env: HOSO_REGISTER] [default: see `hoso config show`]
    #[arg(long, value_name = "PATH")]
    register: Option<PathBuf>,
    /// Tên trạm ghi vào sổ / station name in the register [env: HOSO_STATION].
    #[arg(long)]
    station: Option<String>,
    /// In kết quả dạng JSON / print the result as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    visible: super::visible::VisibleArgs,
}

/// Batch options of `hoso sign`.
#[derive(clap::Args, Clone, Debug)]
pub struct BatchArgs {
    /// Ký hàng loạt: các tệp PDF hoặc thư mục / batch: PDF files or directories of PDFs.
    #[arg(long, num_args = 1.., value_name = "DIR_OR_FILE", requires = "out_dir")]
    pub batch: Vec<PathBuf>,
    /// Thư mục ghi các tệp đã ký / directory for the signed files (with --batch).
    #[arg(long, requires = "batch")]
    pub out_dir: Option<PathBuf>,
    /// Số luồng băm song song / hashing threads [default: 2 × CPU count].
    #[arg(long, requires = "batch")]
    pub jobs: Option<usize>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = super::config::resolve(args.register.clone(), args.station.clone())?;
    let signer = super::signer_args::open(&args.signer, &config)?;
    let tsa = tsa_client(&config, args.tsa.as_deref(), &args.tsa_trust, args.demo)?;
    let mut plan = SignPlan::new(&config, args.level.map(Into::into), tsa)?;
    plan.options.field_name = args.field.clone();
    plan.options.reason = args.reason.clone();
    plan.options.location = args.location.clone();
    plan.options.certify = args
        .certify
        .then(|| DocMdpPermission::from_p(args.docmdp))
        .flatten();
    plan.visible = args.visible.kind()?;
    if !args.batch.batch.is_empty() {
        return run_batch(&args, &config, signer.as_ref(), &plan);
    }
    let (Some(input), Some(out)) = (&args.input, &args.out) else {
        anyhow::bail!("cần tệp vào và --out / an input file and --out are needed");
    };
    let done = sign_one(&config, signer.as_ref(), &plan, input, out)?;
    print_one(&done, args.json)
}

fn run_batch(
    args: &Args,
    config: &Config,
    signer: &(dyn hoso_office::keys::Signer + Sync),
    plan: &SignPlan,
) -> anyhow::Result<ExitCode> {
    if plan.visible.is_some() {
        anyhow::bail!(
            "--visible chưa dùng được với --batch / --visible cannot be used with --batch"
        );
    }
    let out_dir = args
        .batch
        .out_dir
        .as_ref()
        .expect("clap requires --out-dir with --batch");
    let jobs = plan_batch(&args.batch.batch, out_dir)?;
    let threads = args.batch.jobs.unwrap_or_else(default_threads);
    let bar = ui::Progress::new("Ký số / signing");
    let show = |e| bar.on_event(&e);
    let watch = Watch::new(&show, ui::ctrl_c());
    let batch = sign_many(config, signer, plan, &jobs, threads, &watch)?;
    bar.finish();
    print_batch(&batch, &config.register, out_dir, args.json)
}

fn print_one(done: &SignedFile, json: bool) -> anyhow::Result<ExitCode> {
    if json {
        println!("{}", serde_json::to_string_pretty(done)?);
    } else {
        println!(
            "Đã ký / signed: {} (trường / field {}, {}, CMS {} / {} byte)",
            done.path.display(),
            done.field_name,
            done.level,
            done.cms_len,
            done.capacity
        );
        println!("  PDF/A: {}", done.pdfa.line);
        println!(
            "  Mục sổ / register entry: {} · QR: {}",
            done.registered.seq, done.registered.qr
        );
    }
    if let Some(w) = done.revocation_warning() {
        eprintln!("{w}");
    }
    if !done.placed_from_text {
        eprintln!(
            "Không tìm thấy khối chữ ký; đã đặt ở vị trí mặc định (dùng --at) / no signer block \
             found; the default position was used (see --at)"
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_batch(
    b: &SignedBatch,
    register: &std::path::Path,
    out_dir: &std::path::Path,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let total = b.signed.len() + b.failed.len() + b.not_started;
    if json {
        let v = serde_json::json!({
            "signed": b.signed.len(),
            "failed": b.failed.len(),
            "not_started": b.not_started,
            "registered": b.signed.len(),
            "register": register,
            "files": b.signed,
            "failures": b.failed,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!(
            "Đã ký / signed {}/{total} tệp / files → {}; đã ghi sổ / registered {} ({})",
            b.signed.len(),
            out_dir.display(),
            b.signed.len(),
            register.display()
        );
        for f in &b.signed {
            println!("  {}: PDF/A: {}", f.path.display(), f.pdfa.line);
        }
        print_batch_notes(b);
    }
    if let Some(e) = &b.register_error {
        anyhow::bail!(
            "các tệp đã ký nhưng ghi sổ đăng ký thất bại / files were signed but the register \
             append failed: {e}"
        );
    }
    Ok(if b.failed.is_empty() && b.not_started == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Failures, revocation warnings and what a cancel left unsigned.
fn print_batch_notes(b: &SignedBatch) {
    if !b.failed.is_empty() {
        println!("Không ký được / failed ({}):", b.failed.len());
        for f in &b.failed {
            println!("  {}: {}", f.input.display(), f.message);
        }
    }
    for f in &b.signed {
        if let Some(w) = f.revocation_warning() {
            eprintln!("{}: {w}", f.input.display());
        }
    }
    if b.not_started > 0 {
        println!(
            "Đã hủy / cancelled: {} tệp chưa ký / files not signed",
            b.not_started
        );
    }
}
