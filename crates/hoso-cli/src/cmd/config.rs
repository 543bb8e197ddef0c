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
    for (label, value) in c.summary() {
        println!("{label}: {value}");
    }
    Ok(ExitCode::SUCCESS)
}
