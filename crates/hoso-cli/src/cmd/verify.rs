//! `hoso verify`: check every signature of a PDF and print the report (table or JSON).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use hoso_sign::chain::TrustStore;
use hoso_sign::verify::{
    verify_pdf_ltv, CheckKind, CheckStatus, Coverage, LtvOptions, Verdict, VerificationReport,
    VerifyOptions,
};

#[derive(clap::Args)]
pub struct Args {
    /// Tệp PDF cần kiểm tra / the PDF to verify.
    file: PathBuf,
    /// Chứng thư gốc tin cậy (PEM/DER), có thể lặp lại / trusted root certificates, repeatable.
    #[arg(long)]
    trust: Vec<PathBuf>,
    /// Tin cậy gốc DEMO (chỉ để thử) / trust the DEMO root (for trying only).
    #[arg(long)]
    demo: bool,
    /// In báo cáo dạng JSON / print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Lấy dữ liệu thu hồi (OCSP/CRL) trực tuyến khi tệp không có / fetch OCSP/CRL online when
    /// the file has none.
    #[arg(long)]
    fetch_revocation: bool,
    /// Kiểm tra như tại thời điểm này (ISO 8601, vd. 2030-01-01T00:00:00Z) / validate as of this
    /// time.
    #[arg(long, value_parser = parse_time)]
    at: Option<SystemTime>,
}

/// Parses `YYYY-MM-DD[THH:MM:SS][Z|±hh:mm]` through the PDF date parser (ISO 32000-1 §7.9.4).
fn parse_time(s: &str) -> Result<SystemTime, String> {
    let bad = || format!("thời điểm không hợp lệ / not a valid time: {s}");
    let split = s.len().min(19);
    let (main, zone) = s.split_at_checked(split).ok_or_else(bad)?;
    let digits: String = main.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 8 && digits.len() != 14 {
        return Err(bad());
    }
    let zone = match zone {
        "" | "Z" => "Z".to_owned(),
        z if (z.starts_with('+') || z.starts_with('-')) && z.len() == 6 => z.replace(':', "'"),
        _ => return Err(bad()),
    };
    hoso_sign::time::parse_pdf_date(&format!("D:{digits}{zone}")).ok_or_else(bad)
}

struct Paint(bool);

impl Paint {
    fn c(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
}

fn kind_vi(k: CheckKind) -> &'static str {
    match k {
        CheckKind::ByteRange => "Phạm vi ký / byte range",
        CheckKind::SignatureDictionary => "Từ điển chữ ký / signature dictionary",
        CheckKind::Integrity => "Toàn vẹn / integrity",
        CheckKind::CmsSignature => "Chữ ký CMS / CMS signature",
        CheckKind::PadesProfile => "Thuộc tính PAdES / PAdES attributes",
        CheckKind::Modifications => "Thay đổi sau khi ký / changes after signing",
        CheckKind::DocMdp => "Quyền DocMDP / DocMDP permissions",
        CheckKind::CertificateChain => "Chuỗi chứng thư / certificate chain",
        CheckKind::Timestamp => "Dấu thời gian / timestamp",
        CheckKind::Revocation => "Thu hồi / revocation",
        #[allow(unreachable_patterns)]
        _ => "Kiểm tra khác / other check",
    }
}

fn verdict_line(v: Verdict) -> &'static str {
    match v {
        Verdict::Valid => "HỢP LỆ: chữ ký nguyên vẹn và tin cậy / VALID: intact and trusted",
        Verdict::Untrusted => {
            "CHƯA TIN CẬY: chữ ký nguyên vẹn nhưng chứng thư không được tin cậy / \
             UNTRUSTED: intact, but the certificate is not trusted"
        }
        Verdict::Invalid => {
            "KHÔNG HỢP LỆ: tài liệu bị sửa hoặc chữ ký sai / INVALID: modified or forged"
        }
    }
}

fn print_table(rep: &VerificationReport, p: &Paint) {
    if rep.demo_trusted {
        println!(
            "{}",
            p.c(
                "1;31",
                "CẢNH BÁO: đang tin cậy gốc DEMO (--demo), không dùng cho hồ sơ thật / \
                 WARNING: the DEMO root is trusted (--demo); never for real documents"
            )
        );
    }
    if rep.signatures.is_empty() {
        println!("Không có chữ ký / no signatures");
    }
    for s in &rep.signatures {
        println!();
        println!("Chữ ký / signature \"{}\" ({})", s.field, s.sub_filter);
        if let Some(who) = &s.signer {
            println!("  Người ký / signer: {who}");
        }
        if let Some(t) = &s.claimed_time {
            println!("  Thời điểm khai báo / claimed time (/M): {t}");
        }
        if let Some(ts) = &s.timestamp {
            println!("  Dấu thời gian / timestamp: {} ({})", ts.time, ts.tsa);
        }
        match &s.coverage {
            Coverage::WholeFile => println!("  Phạm vi / coverage: toàn bộ tệp / the whole file"),
            Coverage::Revision {
                signed_len,
                file_len,
            } => println!(
                "  Phạm vi / coverage: phiên bản {signed_len}/{file_len} byte, thay đổi sau đó / \
                 later changes: {:?}",
                s.modifications
            ),
            Coverage::Unknown => {}
        }
        if let Some(l) = &s.ltv {
            println!(
                "  Kiểm tra dài hạn / long-term validation: {} — thời điểm kiểm tra / validated at \
                 {} ({}), thu hồi / revocation: {}{}",
                l.level,
                l.validation_time,
                match l.proof_of_existence.as_str() {
                    "signature timestamp" => "dấu thời gian chữ ký / signature timestamp",
                    "document timestamp" => "dấu thời gian tài liệu / document timestamp",
                    _ => "thời điểm hiện tại / current time",
                },
                match l.revocation.as_str() {
                    "good" => "chưa bị thu hồi / good",
                    "revoked" => "ĐÃ BỊ THU HỒI / REVOKED",
                    _ => "không có dữ liệu / missing",
                },
                if l.revocation_sources.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", l.revocation_sources.join(", "))
                }
            );
        }
        if let Some(pp) = s.certification {
            println!("  Chữ ký chứng nhận / certification signature, DocMDP P={pp}");
        }
        for c in &s.checks {
            let mark = match c.status {
                CheckStatus::Passed => p.c("32", "✔"),
                CheckStatus::Failed => p.c("31", "✘"),
                CheckStatus::Warning => p.c("33", "!"),
                CheckStatus::NotChecked => p.c("90", "–"),
            };
            println!("  {mark} {}: {}", kind_vi(c.kind), c.detail);
        }
        let code = match s.verdict {
            Verdict::Valid => "1;32",
            Verdict::Untrusted => "1;33",
            Verdict::Invalid => "1;31",
        };
        println!("  => {}", p.c(code, verdict_line(s.verdict)));
        if rep.demo_trusted && s.verdict == Verdict::Valid {
            println!(
                "     {}",
                p.c(
                    "33",
                    "(tin cậy nhờ gốc DEMO / trusted only through the DEMO root)"
                )
            );
        }
    }
    println!();
    let v = rep.verdict();
    let code = match v {
        Verdict::Valid => "1;32",
        Verdict::Untrusted => "1;33",
        Verdict::Invalid => "1;31",
    };
    println!("Kết luận / verdict: {}", p.c(code, verdict_line(v)));
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut trust = TrustStore::new();
    for t in &args.trust {
        trust.add_file(t)?;
    }
    if args.demo {
        trust.allow_demo();
    }
    let opts = VerifyOptions {
        trust,
        now: args.at.unwrap_or_else(SystemTime::now),
    };
    let ltv = LtvOptions {
        fetch_revocation: args.fetch_revocation,
    };
    let rep = verify_pdf_ltv(&args.file, &opts, &ltv)?;
    if args.json {
        let mut v = serde_json::to_value(&rep)?;
        v["verdict"] = serde_json::to_value(rep.verdict())?;
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print_table(&rep, &Paint(std::io::stdout().is_terminal()));
    }
    Ok(if rep.verdict() == Verdict::Valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn at_accepts_utc_offsets_and_dates() {
        // 2030-01-01T00:00:00Z = 1 893 456 000 s after the epoch.
        let t = UNIX_EPOCH + Duration::from_secs(1_893_456_000);
        assert_eq!(parse_time("2030-01-01T00:00:00Z"), Ok(t));
        assert_eq!(parse_time("2030-01-01"), Ok(t));
        assert_eq!(parse_time("2030-01-01T07:00:00+07:00"), Ok(t));
        assert!(parse_time("next year").is_err());
        assert!(parse_time("2030-01-01T00:00:00 GMT").is_err());
    }
}
