//! `hoso` — the command-line door onto the hoso libraries.
//!
//! Each subcommand lives in its own module under `cmd/`, parses its arguments into validated
//! library types, makes one hoso-office call (or one lower-crate call for the tools that write
//! nothing to keep: scan, clean, search, token, check, verify, register) and prints. Configuration
//! (workspace, register, station, key, TSA, level) comes from hoso-office's resolver and the
//! settings file shared with the desktop app (`hoso config show`). Exit codes: 0 ok, 1 verification failed,
//! 2 usage or input error; `hoso verify` has its own (see its `--help`: 3 untrusted, 4 revocation
//! not checked, 5 no signatures, 6 page changed visually, 7 another register's QR).

mod cmd;
mod ui;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

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
    /// Tiếp nhận hồ sơ: số hóa từng thành phần, ký số cá nhân (Thông tư 01/2023/TT-VPCP) /
    /// receive a dossier at the desk: digitize each component, personal signature.
    Receive(Box<cmd::receive::Args>),
    /// Thêm lớp chữ OCR cho hồ sơ chỉ có ảnh / add an OCR text layer to an image-only dossier.
    Ocr(cmd::ocr::Args),
    /// Tìm hồ sơ theo nội dung chữ OCR / find dossiers by their OCR text.
    Search(cmd::search::Args),
    /// Làm sạch ảnh trang: chỉnh nghiêng, cắt viền, xoay, bỏ trang trắng / clean page images.
    Clean(cmd::clean::Args),
    /// Quét tài liệu qua SANE / scan documents through SANE.
    Scan(cmd::scan::Args),
    /// Ký số PAdES / PAdES-sign a PDF.
    Sign(Box<cmd::sign::Args>),
    /// Kiểm tra chữ ký / verify the signatures of a PDF.
    Verify(cmd::verify::Args),
    /// Thiết bị ký số PKCS#11 / PKCS#11 signing tokens.
    Token(cmd::token::Args),
    /// Bổ sung dữ liệu kiểm tra dài hạn (B-LT, B-LTA) / add or renew long-term validation data.
    Extend(cmd::extend::Args),
    /// Sao y, sao lục, trích sao điện tử (Nghị định 30/2020) / electronic certified copy.
    Copy(cmd::copy::Args),
    /// Sổ đăng ký mã băm / the tamper-evident register of file hashes.
    Register(cmd::register::Args),
    /// Báo cáo chỉ tiêu Quyết định 766/QĐ-TTg / Decision 766 indicators report (.pdf, .csv, .json).
    Report(cmd::report::Args),
    /// Xuất hồ sơ thành gói E-ARK SIP để nộp lưu trữ / export dossiers as E-ARK SIPs.
    ExportEark(cmd::eark::ExportArgs),
    /// Kiểm tra gói E-ARK nhận được / check a received E-ARK package (exit 1 when changed).
    ImportEark(cmd::eark::ImportArgs),
    /// Sao lưu sổ đăng ký và tệp đã đăng ký, kiểm tra, khôi phục / verified backups.
    Backup(cmd::backup::Args),
    /// Cài đặt dùng chung với ứng dụng / settings shared with the desktop app.
    Config(cmd::config::Args),
    /// Kiểm tra PDF/A theo từng điều khoản ISO 19005 / check PDF/A conformance rule by rule.
    Check(cmd::check::Args),
    /// Trang tra cứu sau mã QR và API kiểm tra / the page behind the QR and the verify API.
    Serve(cmd::serve::Args),
}

fn main() -> ExitCode {
    hoso_office::limit_openmp_threads();
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)));
    let (cli, matches) = match parsed {
        Ok(pair) => pair,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli, &matches) {
        Ok(code) => code,
        Err(e) => {
            ui::print_error(&e);
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli, matches: &clap::ArgMatches) -> anyhow::Result<ExitCode> {
    let sub = |name: &str| {
        matches
            .subcommand_matches(name)
            .cloned()
            .unwrap_or_default()
    };
    match cli.command {
        Command::Build(args) => cmd::build::run(args, &sub("build")),
        Command::Receive(args) => cmd::receive::run(*args, &sub("receive")),
        Command::Search(args) => cmd::search::run(args),
        Command::Ocr(args) => cmd::ocr::run(args),
        Command::Clean(args) => cmd::clean::run(args),
        Command::Scan(args) => cmd::scan::run(args),
        Command::Sign(args) => cmd::sign::run(*args),
        Command::Verify(args) => cmd::verify::run(args),
        Command::Token(args) => cmd::token::run(args),
        Command::Extend(args) => cmd::extend::run(args),
        Command::Copy(args) => cmd::copy::run(args),
        Command::Register(args) => cmd::register::run(args),
        Command::Report(args) => cmd::report::run(args),
        Command::ExportEark(args) => cmd::eark::export(args),
        Command::ImportEark(args) => cmd::eark::import(args),
        Command::Backup(args) => cmd::backup::run(args),
        Command::Config(args) => cmd::config::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Serve(args) => cmd::serve::run(args),
    }
}
