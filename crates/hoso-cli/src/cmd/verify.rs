//! `hoso verify`: check every signature of a PDF and print the report (table or JSON).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use hoso_sign::chain::TrustStore;
use hoso_sign::verify::{
    verify_pdf_ltv, BottomLine, CheckKind, CheckStatus, Coverage, LtvOptions, ProofOfExistence,
    RevocationSource, RevocationState, Verdict, VerificationReport, VerifyOptions,
};

const EXIT_CODES: &str = "\
Mã thoát / exit codes:
  0  hợp lệ / valid: intact, trusted, not revoked
  1  không hợp lệ: bị sửa hoặc giả mạo / invalid: changed or forged (or a revoked certificate)
  2  lỗi cách dùng hoặc tệp đầu vào / usage or input error
  3  nguyên vẹn nhưng chưa tin cậy / intact but untrusted
  4  hợp lệ, chưa kiểm tra được tình trạng thu hồi / valid, revocation not checked
  5  không có chữ ký / no signatures (nothing forged, nothing vouched for)";

#[derive(clap::Args)]
#[command(after_help = EXIT_CODES)]
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
        Verdict::ValidRevocationNotChecked => {
            "HỢP LỆ, CHƯA KIỂM TRA ĐƯỢC TÌNH TRẠNG THU HỒI / VALID, REVOCATION NOT CHECKED"
        }
        Verdict::Untrusted => {
            "CHƯA TIN CẬY: chữ ký nguyên vẹn nhưng chứng thư không được tin cậy / \
             UNTRUSTED: intact, but the certificate is not trusted"
        }
        Verdict::Invalid => {
            "KHÔNG HỢP LỆ: tài liệu bị sửa hoặc chữ ký sai / INVALID: modified or forged"
        }
    }
}

fn verdict_colour(v: Verdict) -> &'static str {
    match v {
        Verdict::Valid => "1;32",
        Verdict::ValidRevocationNotChecked | Verdict::Untrusted => "1;33",
        Verdict::Invalid => "1;31",
    }
}

fn bottom_line(b: BottomLine) -> (&'static str, &'static str) {
    match b {
        BottomLine::Valid => ("1;32", verdict_line(Verdict::Valid)),
        BottomLine::ValidRevocationNotChecked => {
            ("1;33", verdict_line(Verdict::ValidRevocationNotChecked))
        }
        BottomLine::Untrusted => ("1;33", verdict_line(Verdict::Untrusted)),
        BottomLine::Invalid => ("1;31", verdict_line(Verdict::Invalid)),
        BottomLine::NoSignatures => ("1;33", "KHÔNG CÓ CHỮ KÝ / NO SIGNATURES"),
    }
}

fn revocation_words(r: RevocationState) -> &'static str {
    match r {
        RevocationState::Good => "chưa bị thu hồi / good",
        RevocationState::Revoked => "ĐÃ BỊ THU HỒI / REVOKED",
        RevocationState::NotChecked => "chưa kiểm tra được / not checked",
    }
}

fn source_words(s: RevocationSource) -> &'static str {
    match s {
        RevocationSource::Dss => "DSS",
        RevocationSource::Cms => "CMS",
        RevocationSource::OnlineOcsp => "OCSP trực tuyến / online OCSP",
        RevocationSource::OnlineCrl => "CRL trực tuyến / online CRL",
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
        if let Some(c) = &s.certificate {
            println!("  Cơ quan cấp / issuer: {}", c.issuer);
            println!(
                "  Hiệu lực chứng thư / certificate validity: {} → {}",
                c.valid_from, c.valid_until
            );
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
                serde_json::to_value(l.level)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                l.validation_time,
                match l.proof_of_existence {
                    ProofOfExistence::SignatureTimestamp => {
                        "dấu thời gian chữ ký / signature timestamp"
                    }
                    ProofOfExistence::DocumentTimestamp => {
                        "dấu thời gian tài liệu / document timestamp"
                    }
                    ProofOfExistence::None => "thời điểm hiện tại / current time",
                },
                revocation_words(l.revocation),
                if l.revocation_sources.is_empty() {
                    String::new()
                } else {
                    let s: Vec<&str> = l.revocation_sources.iter().map(|s| source_words(*s)).collect();
                    format!(" ({})", s.join(", "))
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
        println!(
            "  => {}",
            p.c(verdict_colour(s.verdict), verdict_line(s.verdict))
        );
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
    let (code, line) = bottom_line(rep.bottom_line);
    println!("Kết luận / verdict: {}", p.c(code, line));
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
        // `--fetch-revocation` is what verification does anyway unless `--offline`.
        fetch_revocation: !args.offline || args.fetch_revocation,
    };
    let rep = verify_pdf_ltv(&args.file, &opts, &ltv)?;
    if args.json {
        let mut v = serde_json::to_value(&rep)?;
        // The bottom line under its old key too, for scripts written before `bottom_line`.
        v["verdict"] = serde_json::to_value(rep.bottom_line)?;
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print_table(&rep, &Paint(std::io::stdout().is_terminal()));
    }
    Ok(ExitCode::from(rep.bottom_line.exit_code()))
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
