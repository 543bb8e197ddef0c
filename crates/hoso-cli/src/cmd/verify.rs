//! `hoso verify`: check every signature of a PDF and print the report (table or JSON).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use hoso_sign::chain::TrustStore;
use hoso_sign::verify::{
    verify_pdf, CheckKind, CheckStatus, Coverage, Verdict, VerificationReport, VerifyOptions,
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
        now: SystemTime::now(),
    };
    let rep = verify_pdf(&args.file, &opts)?;
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
