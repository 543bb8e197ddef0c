//! `hoso sign`: PAdES-sign a PDF with a PKCS#12 key (incremental update, B-B or B-T).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, Context};
use hoso_sign::chain::TrustStore;
use hoso_sign::sign::{sign_pdf, DocMdpPermission, Level, SignError, SignOptions};
use hoso_sign::signer::{Pkcs12Signer, SignerError};
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
}

#[derive(clap::Args)]
pub struct Args {
    /// Tệp PDF cần ký / the PDF to sign.
    input: PathBuf,
    /// Tệp khóa PKCS#12 (.p12/.pfx) / the PKCS#12 key file.
    #[arg(long)]
    p12: PathBuf,
    /// Tệp chứa mã PIN (dòng đầu) / file holding the PIN (first line); prompts if absent.
    #[arg(long)]
    pin_file: Option<PathBuf>,
    /// Tệp PDF đã ký / the signed output.
    #[arg(long)]
    out: PathBuf,
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
    /// Dùng RSASSA-PSS cho khóa RSA / use RSASSA-PSS for RSA keys.
    #[arg(long)]
    rsa_pss: bool,
    /// In kết quả dạng JSON / print the result as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    visible: super::visible::VisibleArgs,
}

fn read_pin(args: &Args) -> anyhow::Result<String> {
    match &args.pin_file {
        Some(p) => {
            let s = std::fs::read_to_string(p).with_context(|| {
                format!(
                    "không đọc được tệp PIN / cannot read PIN file {}",
                    p.display()
                )
            })?;
            Ok(s.lines().next().unwrap_or_default().to_owned())
        }
        None if std::io::stdin().is_terminal() => Ok(rpassword::prompt_password("Mã PIN / PIN: ")?),
        None => {
            let mut s = String::new();
            std::io::stdin().read_line(&mut s)?;
            Ok(s.trim_end_matches(['\r', '\n']).to_owned())
        }
    }
}

/// Vietnamese first, English second, for the errors people can act on.
fn explain(e: &SignError) -> String {
    let vi = match e {
        SignError::Signer(SignerError::WrongPin) => "Sai mã PIN",
        SignError::Signer(SignerError::NoKey) => "Tệp PKCS#12 không có khóa bí mật",
        SignError::Signer(SignerError::KeyDoesNotMatchCertificate) => {
            "Khóa bí mật không khớp chứng thư"
        }
        SignError::Signer(_) => "Không mở được khóa ký",
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

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let pin = read_pin(&args)?;
    let signer = Pkcs12Signer::open(&args.p12, &pin, args.rsa_pss)
        .map_err(|e| anyhow!(explain(&SignError::Signer(e))))?;
    drop(pin);
    let level = match args.level {
        LevelArg::BB => Level::BB,
        LevelArg::BT => Level::BT,
    };
    let tsa = match (&args.tsa, level) {
        (Some(url), _) => {
            let mut trust = TrustStore::new();
            for p in &args.tsa_trust {
                trust.add_file(p)?;
            }
            if args.demo {
                trust.allow_demo();
            }
            if trust.roots().is_empty() {
                anyhow::bail!(
                    "cần --tsa-trust (hoặc --demo) để kiểm tra chứng thư TSA / \
                     --tsa-trust (or --demo) is needed to check the TSA certificate"
                );
            }
            Some(TsaClient::new(url, trust))
        }
        (None, Level::BT) => anyhow::bail!("B-T cần --tsa URL / B-T needs --tsa URL"),
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
    opts.appearance = args.visible.build(&args.input, opts.signing_time)?;
    let done = sign_pdf(&args.input, &args.out, &opts, &signer, tsa.as_ref())
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
