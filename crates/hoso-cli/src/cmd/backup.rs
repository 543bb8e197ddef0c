//! `hoso backup`: a dated, verified copy of the register and the registered files
//! (`--to DIR`), its re-verification (`--check DIR`) and putting back what was lost or changed
//! (`--restore DIR`) — hoso-office's backup flows. Exit 1 when a check finds a problem.

use std::path::PathBuf;
use std::process::ExitCode;

use hoso_office::backup;

#[derive(clap::Args)]
#[group(required = true, multiple = false)]
pub struct Args {
    /// Sao lưu vào thư mục này (tạo thư mục con có ngày giờ) / back up into this folder.
    #[arg(long, group = "action")]
    to: Option<PathBuf>,
    /// Kiểm tra lại bản sao lưu / re-verify a backup (a dated folder or the folder holding them).
    #[arg(long, group = "action")]
    check: Option<PathBuf>,
    /// Khôi phục tệp bị mất hoặc bị sửa từ bản sao lưu / restore missing or changed files.
    #[arg(long, group = "action")]
    restore: Option<PathBuf>,
    /// Sổ đăng ký / register file [env: HOSO_REGISTER].
    #[arg(long, value_name = "PATH")]
    register: Option<PathBuf>,
    /// In kết quả dạng JSON / print the result as JSON.
    #[arg(long)]
    json: bool,
}

fn print(report: &backup::BackupReport, json: bool) -> anyhow::Result<ExitCode> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        for p in &report.problems {
            println!("✘ {p}");
        }
        let word = if report.ok() {
            "✔ đã kiểm tra / verified"
        } else {
            "✘ có lỗi / problems found"
        };
        println!(
            "{word}: {} ({} tệp / files, {} mục sổ / entries) lúc / at {}",
            report.folder.display(),
            report.files,
            report.entries,
            report.verified
        );
    }
    Ok(if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(dir) = &args.check {
        return print(&backup::check(dir)?, args.json);
    }
    let config = super::config::resolve(args.register.clone(), None)?;
    if let Some(dir) = &args.to {
        return print(&backup::backup_to(&config, dir)?, args.json);
    }
    let Some(dir) = &args.restore else {
        anyhow::bail!("cần --to, --check hoặc --restore / --to, --check or --restore is needed");
    };
    let restored = backup::restore(&config, dir)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&restored)?);
    } else {
        for f in &restored.files {
            println!("↺ {f}");
        }
        if restored.register {
            println!("↺ sổ đăng ký / register");
        }
        println!(
            "✔ đã khôi phục từ / restored from {}",
            restored.folder.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
