//! `hoso token list`: PKCS#11 modules, slots, tokens and the certificates on them, so staff can
//! see which certificate they are about to sign with.

use std::path::PathBuf;
use std::process::ExitCode;

use hoso_office::keys::{key_usage_name, list_tokens, CertificateInfo, Listed, SlotInfo};

/// Thiết bị ký số PKCS#11 / PKCS#11 signing tokens.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(clap::Subcommand)]
enum Sub {
    /// Liệt kê module, khe, token và chứng thư / list modules, slots, tokens and certificates.
    List(ListArgs),
}

#[derive(clap::Args)]
struct ListArgs {
    /// Thư viện PKCS#11 (lặp lại được); mặc định: các module đăng ký với p11-kit /
    /// PKCS#11 module (repeatable); default: modules registered with p11-kit [env: HOSO_PKCS11_MODULE]
    #[arg(long, value_name = "MODULE")]
    pkcs11: Vec<PathBuf>,
    /// Xuất JSON / JSON output.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Sub::List(a) => list(a),
    }
}

fn print_certificate(c: &CertificateInfo) {
    println!(
        "      Chứng thư / certificate {:?} (CKA_ID {})",
        c.label, c.id
    );
    println!("        Chủ thể / subject:   {}", c.subject);
    println!("        Cấp bởi / issuer:    {}", c.issuer);
    println!(
        "        Hiệu lực / validity: {} → {}",
        c.not_before, c.not_after
    );
    let ku: Vec<&str> = c.key_usage.iter().map(|&k| key_usage_name(k)).collect();
    println!(
        "        Mục đích / key usage: {}{}",
        if ku.is_empty() {
            "(không giới hạn / any)".to_owned()
        } else {
            ku.join(", ")
        },
        if c.is_ca { " [CA]" } else { "" }
    );
    println!("        SHA-256: {}", c.sha256);
}

fn print_slot(s: &SlotInfo) {
    println!("  Khe / slot {}: {}", s.id, s.description);
    let Some(t) = &s.token else {
        println!("    (không có token / no token)");
        return;
    };
    if !t.initialized {
        println!(
            "    Token chưa khởi tạo / blank token — {} {}",
            t.manufacturer, t.model
        );
        return;
    }
    println!(
        "    Token {:?} — {} {} (số sê-ri / serial {})",
        t.label, t.manufacturer, t.model, t.serial
    );
    let mut flags = Vec::new();
    if t.protected_authentication_path {
        flags.push("nhập PIN trên thiết bị / PIN pad");
    }
    if t.pin_locked {
        flags.push("PIN đã khóa / PIN locked");
    } else if t.pin_final_try {
        flags.push("còn 1 lần thử PIN / final PIN try");
    } else if t.pin_count_low {
        flags.push("đã nhập sai PIN / wrong PIN entered before");
    }
    if !flags.is_empty() {
        println!("    [{}]", flags.join("; "));
    }
    if t.certificates.is_empty() {
        println!("      (không có chứng thư công khai / no public certificates)");
    }
    for c in &t.certificates {
        print_certificate(c);
    }
}

fn list(a: ListArgs) -> anyhow::Result<ExitCode> {
    let listed = list_tokens(&a.pkcs11)?;
    let failed = listed
        .iter()
        .any(|m| matches!(m.listed, Listed::Error { .. }));
    if a.json {
        println!("{}", serde_json::to_string_pretty(&listed)?);
    }
    for m in listed.iter().filter(|_| !a.json) {
        match &m.listed {
            Listed::Slots { description, slots } => {
                println!("Module {} ({description})", m.module.display());
                slots.iter().for_each(print_slot);
            }
            Listed::Error { error } => eprintln!("Module {}: {error}", m.module.display()),
        }
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
