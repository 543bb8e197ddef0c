//! `hoso extend`: add or renew long-term validation data on a signed PDF (PAdES B-LT: DSS with
//! certificates, OCSP responses and CRLs; B-LTA: plus a document timestamp); the extended file
//! is registered (hoso-office's extend flow).

use std::path::PathBuf;
use std::process::ExitCode;

use hoso_office::extend::extend;
use hoso_office::extend::LtvLevel;
use hoso_office::sign::tsa_client;

/// Target level.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ExtendLevel {
    /// B-LT: chứng thư và dữ liệu thu hồi / certificates and revocation data (DSS).
    #[value(name = "B-LT")]
    BLt,
    /// B-LTA: thêm dấu thời gian tài liệu / plus a document timestamp.
    #[value(name = "B-LTA")]
    BLta,
}

#[derive(clap::Args)]
pub struct Args {
    /// Tệp PDF đã ký / the signed PDF.
    file: PathBuf,
    /// Mức cần đạt / the level to reach.
    #[arg(long, value_enum, default_value = "B-LTA")]
    level: ExtendLevel,
    /// Tệp đầu ra; mặc định ghi đè tệp vào (an toàn, qua tệp tạm) / output file; by default
    /// the input is replaced (atomically).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Địa chỉ TSA (RFC 3161, HTTP), cần cho B-LTA / TSA URL, needed for B-LTA.
    #[arg(long)]
    tsa: Option<String>,
    /// Gốc tin cậy cho chứng thư TSA (PEM) / trust roots for the TSA certificate.
    #[arg(long = "tsa-trust")]
    tsa_trust: Vec<PathBuf>,
    /// Tin cậy gốc DEMO cho TSA / trust the DEMO root for the TSA.
    #[arg(long)]
    demo: bool,
    /// Sổ đăng ký / register file [env: HOSO_REGISTER].
    #[arg(long, value_name = "PATH")]
    register: Option<PathBuf>,
    /// Tên trạm ghi vào sổ / station name in the register [env: HOSO_STATION].
    #[arg(long)]
    station: Option<String>,
    /// In kết quả dạng JSON / print the result as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let level = match args.level {
        ExtendLevel::BLt => LtvLevel::BLt,
        ExtendLevel::BLta => LtvLevel::BLta,
    };
    let config = super::config::resolve(args.register.clone(), args.station.clone())?;
    let tsa = tsa_client(&config, args.tsa.as_deref(), &args.tsa_trust, args.demo)?;
    let out = args.out.clone().unwrap_or_else(|| args.file.clone());
    let extended = extend(&config, &args.file, &out, level, tsa.as_ref())?;
    let done = &extended.outcome;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&extended)?);
    } else {
        println!(
            "Đã bổ sung / extended: {} ({} chữ ký / signatures, {} OCSP, {} CRL{})",
            done.path.display(),
            done.signatures,
            done.ocsp_responses,
            done.crls,
            match &done.document_timestamp {
                Some(t) => format!(
                    ", dấu thời gian tài liệu / document timestamp {}",
                    t.field_name
                ),
                None => String::new(),
            }
        );
        if !done.without_revocation_source.is_empty() {
            println!(
                "Lưu ý: không có địa chỉ OCSP/CRL cho / note: no OCSP/CRL URL for: {}",
                done.without_revocation_source.join("; ")
            );
        }
        println!("  PDF/A: {}", extended.pdfa.line);
        println!(
            "  Mục sổ / register entry: {} · QR: {}",
            extended.registered.seq, extended.registered.qr
        );
    }
    Ok(ExitCode::SUCCESS)
}
