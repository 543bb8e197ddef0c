//! `hoso export-eark` and `hoso import-eark`: E-ARK SIPs for the archive (hoso-office's eark
//! flows). Import exits 1 when any check fails.

use std::path::PathBuf;
use std::process::ExitCode;

use hoso_office::eark;

#[derive(clap::Args)]
pub struct ExportArgs {
    /// Mã hồ sơ cần xuất / dossier codes to export.
    #[arg(required = true)]
    codes: Vec<String>,
    /// Thư mục đặt gói / folder for the packages.
    #[arg(long)]
    out: PathBuf,
    /// Đóng gói thêm thành .zip / also pack each package as a .zip.
    #[arg(long)]
    zip: bool,
    /// Sổ đăng ký / register file [env: HOSO_REGISTER].
    #[arg(long, value_name = "PATH")]
    register: Option<PathBuf>,
    /// In kết quả dạng JSON / print the result as JSON.
    #[arg(long)]
    json: bool,
}

pub fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let config = super::config::resolve(args.register.clone(), None)?;
    let done = eark::export(&config, &args.codes, &args.out, args.zip)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&done)?);
        return Ok(ExitCode::SUCCESS);
    }
    for d in &done {
        println!(
            "✔ {} → {} ({} tệp / files)",
            d.dossier_code,
            d.package.display(),
            d.files
        );
        if let Some(z) = &d.zip {
            println!("  zip: {}", z.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct ImportArgs {
    /// Gói E-ARK (thư mục hoặc .zip) / the package, a folder or a .zip.
    package: PathBuf,
    /// In kết quả dạng JSON / print the result as JSON.
    #[arg(long)]
    json: bool,
}

pub fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let config = super::config::resolve(None, None)?;
    let report = eark::import(&config, &args.package)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for c in &report.checks {
            println!("{} {}", if c.ok { "✔" } else { "✘" }, c.message);
        }
        if let (Some(o), Some(k)) = (&report.origin, &report.verifier_key) {
            println!("Sổ đăng ký / register: {o}, khóa / key {k}");
        }
        println!(
            "{}",
            if report.ok {
                "KẾT LUẬN: gói nguyên vẹn / VERDICT: package intact"
            } else {
                "KẾT LUẬN: gói bị thay đổi hoặc thiếu tệp / VERDICT: package changed or incomplete"
            }
        );
    }
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
