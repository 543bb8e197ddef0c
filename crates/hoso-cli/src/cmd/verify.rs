//! `hoso verify`: check a PDF (every signature, and its register entry) or a QR payload with
//! hoso-office's check flow, print the report (text in one language, or JSON), and optionally
//! write the report a clerk files (PDF/A) and the ETSI TS 119 102-2 XML report.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use hoso_office::check::{self, words, CheckOptions, Checked};
use hoso_office::config::{trust_store, Overrides};
use hoso_office::Config;

const EXIT_CODES: &str = "\
Mã thoát / exit codes:
  0  hợp lệ / valid: intact, trusted, not revoked
  1  không hợp lệ: bị sửa hoặc giả mạo / invalid: changed or forged (or a revoked certificate)
  2  lỗi cách dùng hoặc tệp đầu vào / usage or input error
  3  nguyên vẹn nhưng chưa tin cậy / intact but untrusted
  4  hợp lệ, chưa kiểm tra được tình trạng thu hồi / valid, revocation not checked
  5  không có chữ ký, không có trong sổ đăng ký / no signatures, not registered
  6  chữ ký nguyên vẹn nhưng trang hiển thị khác khi ký / intact, but a page looks different
     from what was signed
  7  mã QR của sổ đăng ký khác / a QR payload of another register
Một tệp không ký nhưng khớp sổ đăng ký (bằng chứng hợp lệ) / an unsigned file that matches the
register with a verified proof: 0.";

#[derive(clap::Args)]
#[command(after_help = EXIT_CODES)]
pub struct Args {
    /// Tệp PDF cần kiểm tra / the PDF to verify.
    #[arg(required_unless_present = "qr", conflicts_with = "qr")]
    file: Option<PathBuf>,
    /// Tra mã QR (HS1:…) trong sổ đăng ký thay cho tệp / look a QR payload up instead of a file.
    #[arg(long)]
    qr: Option<String>,
    /// Chứng thư gốc tin cậy (PEM/DER), có thể lặp lại; không có thì dùng Cài đặt / trusted root
    /// certificates, repeatable; without `--trust` or `--demo`, those of the shared settings.
    #[arg(long)]
    trust: Vec<PathBuf>,
    /// Tin cậy gốc DEMO (chỉ để thử) / trust the DEMO root (for trying only).
    #[arg(long)]
    demo: bool,
    /// In báo cáo dạng JSON / print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Không hỏi OCSP/CRL trực tuyến, chỉ dùng dữ liệu trong tệp / do not ask OCSP responders
    /// or CRL servers; use only what the file holds. Without it, OCSP then the CRL are asked for
    /// certificates that chain to a trusted root and have no status in the file.
    #[arg(long)]
    offline: bool,
    /// (Mặc định / the default now; kept for old scripts.)
    #[arg(long, hide = true, conflicts_with = "offline")]
    fetch_revocation: bool,
    /// Kiểm tra như tại thời điểm này (ISO 8601, vd. 2030-01-01T00:00:00Z) / validate as of this
    /// time.
    #[arg(long, value_parser = check::parse_time)]
    at: Option<SystemTime>,
    /// Ghi biên bản kiểm tra (PDF/A) / write the report a clerk files, as PDF/A.
    #[arg(long, value_name = "OUT.pdf", conflicts_with = "qr")]
    report: Option<PathBuf>,
    /// Ghi báo cáo ETSI TS 119 102-2 (XML) / write an ETSI TS 119 102-2 validation report.
    #[arg(long, value_name = "OUT.xml", conflicts_with = "qr")]
    etsi_xml: Option<PathBuf>,
    /// Ngôn ngữ: vi (mặc định) hoặc en / language of the output and the report: vi or en.
    #[arg(long, default_value = "vi")]
    lang: words::Lang,
}

/// `--trust`/`--demo` when given, else the shared settings' roots (hoso-office's resolver).
fn options(args: &Args, config: &Config) -> anyhow::Result<CheckOptions> {
    let trust = if args.trust.is_empty() && !args.demo {
        config.settings.trust_store()?
    } else {
        trust_store(&args.trust, args.demo)?
    };
    Ok(CheckOptions {
        trust,
        now: args.at.unwrap_or_else(SystemTime::now),
        // `--fetch-revocation` is what verification does anyway unless `--offline`.
        fetch_revocation: !args.offline || args.fetch_revocation,
    })
}

/// The JSON answer: for a file, the signature report as before (`verdict` = its bottom line)
/// with the check's one verdict, hash and register line; for a QR payload, the check itself.
fn json(c: &Checked) -> anyhow::Result<serde_json::Value> {
    let Some(rep) = &c.report else {
        return Ok(serde_json::to_value(c)?);
    };
    let mut v = serde_json::to_value(rep)?;
    v["verdict"] = serde_json::to_value(rep.bottom_line)?;
    v["check_verdict"] = serde_json::to_value(c.verdict)?;
    v["sha256"] = serde_json::to_value(&c.sha256)?;
    v["register"] = serde_json::to_value(&c.register)?;
    Ok(v)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = Config::resolve(&Overrides::default())?;
    let checked = match (&args.file, &args.qr) {
        (Some(file), _) => check::check_file(&config, file, &options(&args, &config)?)?,
        (None, Some(qr)) => check::check_qr(&config, qr)?,
        (None, None) => anyhow::bail!("cần tệp hoặc --qr / a file or --qr is needed"),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&json(&checked)?)?);
    } else {
        print!(
            "{}",
            words::text(&checked, args.lang, std::io::stdout().is_terminal())
        );
    }
    if let Some(out) = &args.report {
        check::pdf::write(&checked, args.lang, out)?;
    }
    if let (Some(out), Some(rep)) = (&args.etsi_xml, &checked.report) {
        check::etsi::write(rep, out)?;
    }
    Ok(ExitCode::from(checked.verdict.exit_code()))
}
