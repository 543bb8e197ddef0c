//! `hoso config show|set`: the settings file the CLI and the desktop app share, and where each
//! resolved value comes from (see `hoso_office::config` for the order).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use hoso_office::config::{Overrides, Settings};
use hoso_office::Config;

/// Cài đặt dùng chung với ứng dụng / the settings shared with the desktop app.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(clap::Subcommand)]
enum Sub {
    /// In cài đặt đang dùng và nguồn của chúng / print the settings in use and where they come from.
    Show {
        /// In dạng JSON / print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Đặt một mục (giá trị rỗng để xóa) / set one setting (an empty value clears it).
    Set {
        /// Tên mục, ví dụ station, register, tsa, level, p12, pkcs11 / the setting's name.
        key: String,
        /// Giá trị / the value.
        #[arg(default_value = "")]
        value: String,
    },
}

/// The configuration for a command with `--register` / `--station` flags.
pub fn resolve(register: Option<PathBuf>, station: Option<String>) -> Result<Config> {
    Ok(Config::resolve(&Overrides {
        workspace: None,
        register,
        station,
    })?)
}

pub fn run(args: Args) -> Result<ExitCode> {
    let config = resolve(None, None)?;
    match args.command {
        Sub::Show { json } => show(&config, json),
        Sub::Set { key, value } => {
            let mut s: Settings = config.settings.clone();
            s.set(&key, &value)?;
            s.save(&config.settings_path)?;
            println!(
                "Đã lưu / saved {key} = {value:?} → {}",
                config.settings_path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn show(c: &Config, json: bool) -> Result<ExitCode> {
    if json {
        println!("{}", serde_json::to_string_pretty(c)?);
        return Ok(ExitCode::SUCCESS);
    }
    let origin = |o| serde_json::to_value(o).unwrap_or_default();
    println!("Tệp cài đặt / settings file: {}", c.settings_path.display());
    println!(
        "Thư mục làm việc / workspace: {} ({})",
        c.workspace.display(),
        origin(c.workspace_from)
    );
    println!(
        "Sổ đăng ký / register: {} ({})",
        c.register.display(),
        origin(c.register_from)
    );
    println!("Trạm / station: {} ({})", c.station, origin(c.station_from));
    let s = &c.settings;
    let key = match s.key_source() {
        Some(k) => serde_json::to_string(&k)?,
        None => "—".into(),
    };
    println!(
        "Khóa ký / key: {key}{}",
        if s.rsa_pkcs1 {
            " (RSA PKCS#1 v1.5)"
        } else {
            " (RSA: RSASSA-PSS)"
        }
    );
    println!("Mức ký / level: {}", s.sign_level().name());
    println!("TSA: {}", s.tsa().unwrap_or("—"));
    let trust: Vec<String> = s.trust.iter().map(|p| p.display().to_string()).collect();
    println!(
        "Gốc tin cậy / trust roots: {}{}",
        if trust.is_empty() {
            "—".into()
        } else {
            trust.join(", ")
        },
        if s.demo_trust { " + DEMO" } else { "" }
    );
    println!("Cơ quan / office: {} ({})", s.office, s.copy_org_code());
    Ok(ExitCode::SUCCESS)
}
