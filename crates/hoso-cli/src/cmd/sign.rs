//! `hoso sign`: PAdES-sign a PDF with a PKCS#12 key or a PKCS#11 token (incremental update, B-B
//! or B-T), one file or a batch.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::anyhow;
use hoso_sign::chain::TrustStore;
use hoso_sign::sign::{sign_pdf, DocMdpPermission, Level, SignError, SignOptions};
use hoso_sign::tsp::{TsaClient, TsaError};

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

#[derive(clap::Args)]
pub struct Args {
    /// Tệp PDF cần ký / the PDF to sign.
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    input: Option<PathBuf>,
    #[command(flatten)]
    signer: super::signer_args::SignerArgs,
    #[command(flatten)]
    batch: super::sign_batch::BatchArgs,
    /// Tệp PDF đã ký / the signed output.
    #[arg(long, required_unless_present = "batch", conflicts_with = "batch")]
    out: Option<PathBuf>,
    /// Mức PAdES / PAdES level.
    #[arg(long, value_enum, default_value = "B-B")]
    level: LevelArg,
    /// Địa chỉ TSA (RFC 3161, HTTP) / TSA URL.
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
    /// In kết quả dạng JSON / print the result as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    visible: super::visible::VisibleArgs,
}

/// Vietnamese first, English second, for the errors people can act on.
fn explain(e: &SignError) -> String {
    if let SignError::Ltv(l) = e {
        return format!(
            "Đã ký mức B-T nhưng không bổ sung được dữ liệu kiểm tra dài hạn (chạy lại `hoso \
             extend`) / signed at B-T, but the long-term validation data could not be added \
             (run `hoso extend` again): {l}"
        );
    }
    let vi = match e {
        SignError::Signer(s) => &super::signer_args::explain(s),
        SignError::CertificateExpired { .. } => "Chứng thư ký đã hết hạn",
        SignError::CertificateNotYetValid { .. } => "Chứng thư ký chưa có hiệu lực",
        SignError::KeyUsageForbidsSigning => "Mục đích sử dụng khóa không cho phép ký",
        SignError::Tsa(TsaError::Unreachable { .. }) => "Không kết nối được máy chủ dấu thời gian",
        SignError::Tsa(_) => "Dấu thời gian không hợp lệ",
        SignError::Encrypted => "Tệp PDF được mã hóa",
        SignError::FieldExists { .. } => "Trường chữ ký đã tồn tại",
        SignError::DocMdpForbids => "Tài liệu đã chứng nhận không cho phép thay đổi",
        SignError::CertifyNotFirst => "Chữ ký chứng nhận phải là chữ ký đầu tiên",
        SignError::PlaceholderTooSmall { .. } => "Chữ ký vượt quá chỗ dành sẵn",
        SignError::Pdf(_) => "Không đọc được tệp PDF",
        SignError::Io { .. } => "Lỗi đọc/ghi tệp",
        _ => "Ký thất bại",
    };
    format!("{vi}; không tạo tệp đầu ra / {e}; no output written")
}

/// A TSA client that checks the TSA's certificate against `--tsa-trust` roots (or the DEMO
/// root with `--demo`); shared by `hoso sign` and `hoso extend`.
pub fn tsa_client(
    url: &str,
    trust_files: &[std::path::PathBuf],
    demo: bool,
) -> anyhow::Result<TsaClient> {
    let mut trust = TrustStore::new();
    for p in trust_files {
        trust.add_file(p)?;
    }
    if demo {
        trust.allow_demo();
    }
    if trust.roots().is_empty() {
        anyhow::bail!(
            "cần --tsa-trust (hoặc --demo) để kiểm tra chứng thư TSA / \
             --tsa-trust (or --demo) is needed to check the TSA certificate"
        );
    }
    Ok(TsaClient::new(url, trust))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let signer = super::signer_args::open(&args.signer)?;
    let level = match args.level {
        LevelArg::BB => Level::BB,
        LevelArg::BT => Level::BT,
        LevelArg::BLt => Level::BLT,
        LevelArg::BLta => Level::BLTA,
    };
    let tsa = match (&args.tsa, level) {
        (Some(url), _) => Some(tsa_client(url, &args.tsa_trust, args.demo)?),
        (None, Level::BT | Level::BLT | Level::BLTA) => {
            anyhow::bail!("B-T, B-LT, B-LTA cần --tsa URL / B-T, B-LT and B-LTA need --tsa URL")
        }
        (None, Level::BB) => None,
    };
    let mut opts = SignOptions {
        field_name: args.field.clone(),
        reason: args.reason.clone(),
        location: args.location.clone(),
        certify: if args.certify {
            DocMdpPermission::from_p(args.docmdp)
        } else {
            None
        },
        level,
        ..SignOptions::default()
    };
    if !args.batch.batch.is_empty() {
        if args.visible.visible {
            anyhow::bail!(
                "--visible chưa dùng được với --batch / --visible cannot be used with --batch"
            );
        }
        return super::sign_batch::run(
            &args.batch,
            signer.as_ref(),
            &opts,
            tsa.as_ref(),
            args.json,
            explain,
        );
    }
    let (Some(input), Some(out)) = (&args.input, &args.out) else {
        anyhow::bail!("cần tệp vào và --out / an input file and --out are needed");
    };
    opts.appearance = args.visible.build(input, opts.signing_time)?;
    let done = sign_pdf(input, out, &opts, signer.as_ref(), tsa.as_ref())
        .map_err(|e| anyhow!(explain(&e)))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&done)?);
    } else {
        println!(
            "Đã ký / signed: {} (trường / field {}, {:?}, CMS {} / {} byte)",
            done.path.display(),
            done.field_name,
            done.level,
            done.cms_len,
            done.capacity
        );
    }
    Ok(ExitCode::SUCCESS)
}
