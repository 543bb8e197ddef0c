//! `hoso serve`: the page behind the QR code, the verification API, checkpoint and proofs.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use hoso_serve::{RateLimit, ServeOptions, TlsFiles};

/// Dịch vụ tra cứu qua mạng / the verification web service.
#[derive(clap::Args)]
pub struct Args {
    /// Địa chỉ và cổng / address and port to listen on
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    listen: SocketAddr,
    /// Tệp sổ đăng ký / register file [env: HOSO_REGISTER]
    #[arg(long, value_name = "PATH")]
    register: Option<PathBuf>,
    /// Chuỗi chứng thư TLS (PEM); không có thì phục vụ HTTP sau reverse proxy /
    /// TLS certificate chain (PEM); plain HTTP behind a reverse proxy without it
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// Khóa riêng TLS (PEM) / TLS private key (PEM)
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Số yêu cầu mỗi phút cho một máy khách (0: không giới hạn) /
    /// requests per minute per client (0: no limit)
    #[arg(long, default_value_t = RateLimit::default().per_minute)]
    per_minute: u32,
    /// Số yêu cầu dồn một lúc / burst per client
    #[arg(long, default_value_t = RateLimit::default().burst)]
    burst: u32,
    /// Không hỏi OCSP/CRL khi kiểm tra tệp tải lên / no OCSP/CRL requests for uploads
    #[arg(long)]
    offline: bool,
    /// Chạy nhân chứng tại POST /add-checkpoint, trạng thái trong DIR / run a witness at
    /// POST /add-checkpoint with its state in DIR (C2SP tlog-witness)
    #[arg(long, value_name = "DIR")]
    witness_state: Option<PathBuf>,
    /// Tên nhân chứng [mặc định: witness/<trạm>] / the witness's name [default: witness/<station>]
    #[arg(long, requires = "witness_state")]
    witness_name: Option<String>,
    /// Khóa của sổ được chứng kiến, lặp lại được [mặc định: khóa đã ghim] / a witnessed log's
    /// key, repeatable [default: the pinned key]
    #[arg(long, value_name = "VKEY", requires = "witness_state")]
    witness_log_key: Vec<String>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let config = super::config::resolve(args.register, None)?;
    if !config.register.exists() {
        bail!(
            "chưa có sổ đăng ký {} / no register there",
            config.register.display()
        );
    }
    let witness = match &args.witness_state {
        Some(dir) => {
            use hoso_office::register::witness as w;
            let logs = w::witnessed_logs(&config, &args.witness_log_key)?;
            let name = args
                .witness_name
                .clone()
                .unwrap_or_else(|| w::default_witness_name(&config));
            let witness = w::open_witness(dir, &name, logs)?;
            eprintln!("nhân chứng / witness: {}", witness.verifier());
            Some(std::sync::Arc::new(witness))
        }
        None => None,
    };
    let opts = ServeOptions {
        witness,
        listen: args.listen,
        tls: args
            .tls_cert
            .zip(args.tls_key)
            .map(|(cert, key)| TlsFiles { cert, key }),
        rate: RateLimit {
            per_minute: args.per_minute,
            burst: args.burst,
        },
        offline: args.offline,
    };
    let scheme = if opts.tls.is_some() { "https" } else { "http" };
    hoso_serve::run(config, opts, |addr| {
        // The one line a supervisor or a test waits for.
        println!("hoso serve: {scheme}://{addr}/");
    })?;
    Ok(ExitCode::SUCCESS)
}
