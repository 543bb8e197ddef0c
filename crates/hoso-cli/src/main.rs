//! `hoso` — the command-line door onto the hoso libraries.
//!
//! Each subcommand lives in its own module under `cmd/`, parses its arguments into validated
//! library types, calls one library function and prints. Exit codes: 0 ok, 1 verification failed,
//! 2 usage or input error.

mod cmd;
mod ui;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Hồ sơ số — số hóa, ký số và tra cứu hồ sơ / digitize, sign and verify dossiers.
#[derive(Parser)]
#[command(name = "hoso", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Dựng hồ sơ PDF/A từ ảnh quét và PDF / build a PDF/A dossier from scans and PDFs.
    Build(cmd::build::Args),
    /// Sổ đăng ký mã băm / the tamper-evident register of file hashes.
    Register(cmd::register::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            ui::print_error(&e);
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Register(args) => cmd::register::run(args),
    }
}
