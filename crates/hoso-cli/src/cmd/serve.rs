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
}

pub fn run(args: Args) -> Result<ExitCode> {
    let config = super::config::resolve(args.register, None)?;
    if !config.register.exists() {
        bail!(
            "chưa có sổ đăng ký {} / no register there",
            config.register.display()
        );
    }
    let opts = ServeOptions {
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
