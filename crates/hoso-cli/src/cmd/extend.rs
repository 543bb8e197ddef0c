//! `hoso extend`: add or renew long-term validation data on a signed PDF (PAdES B-LT: DSS with
//! certificates, OCSP responses and CRLs; B-LTA: plus a document timestamp).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::anyhow;
use hoso_sign::doc_timestamp::DocTimestampError;
use hoso_sign::ltv::{extend, LtvError, LtvLevel};
use hoso_sign::revocation::RevocationClient;

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
    /// In kết quả dạng JSON / print the result as JSON.
    #[arg(long)]
    json: bool,
}

fn explain(e: &LtvError) -> String {
    let vi = match e {
        LtvError::NoSignature => "Tệp chưa có chữ ký",
        LtvError::Revocation { .. } => "Không lấy được dữ liệu thu hồi (OCSP/CRL)",
        LtvError::DocTimestamp(DocTimestampError::DocMdpForbids) => {
            "Tài liệu chứng nhận P=1 không cho thêm dấu thời gian tài liệu"
        }
        LtvError::DocTimestamp(_) => "Không thêm được dấu thời gian tài liệu",
        LtvError::NoTsa => "B-LTA cần --tsa URL",
        LtvError::Pdf(_) => "Không đọc được tệp PDF",
        _ => "Không bổ sung được dữ liệu kiểm tra dài hạn",
    };
    format!("{vi}; tệp không đổi / {e}; the file is unchanged")
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let level = match args.level {
        ExtendLevel::BLt => LtvLevel::BLt,
        ExtendLevel::BLta => LtvLevel::BLta,
    };
    let tsa = match &args.tsa {
        Some(url) => Some(super::sign::tsa_client(url, &args.tsa_trust, args.demo)?),
        None if matches!(level, LtvLevel::BLta) => {
            anyhow::bail!("B-LTA cần --tsa URL / B-LTA needs --tsa URL")
        }
        None => None,
    };
    let out = args.out.clone().unwrap_or_else(|| args.file.clone());
    let done = extend(
        &args.file,
        &out,
        level,
        tsa.as_ref(),
        &RevocationClient::new(),
    )
    .map_err(|e| anyhow!(explain(&e)))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&done)?);
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
    }
    Ok(ExitCode::SUCCESS)
}
