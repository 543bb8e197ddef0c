//! `hoso serve`: the page a citizen's phone opens from the QR code on a certified copy, the JSON
//! verification API for other systems, and the register's checkpoint and proofs for auditors
//! and witnesses — over HTTP, or HTTPS (rustls) when given a certificate.
//!
//! Start from [`ServeOptions`] and [`serve`] (or [`run`], which owns its Tokio runtime, for the
//! CLI). The routes:
//!
//! | route | what |
//! |---|---|
//! | `GET /v/<payload>` | the page for a QR payload (`HS1:…`): the register's line only when the payload's hash prefix matches its entry; an upload box that verifies the PDF in full |
//! | `POST /api/verify` | JSON: `{"payload": …}`, or a PDF body with `?payload=` |
//! | `GET /checkpoint` | the latest signed checkpoint (C2SP signed note) |
//! | `GET /proof/consistency?old=N&new=M` | RFC 9162 consistency proof, one base64 hash a line |
//! | `GET /proof/inclusion?index=I&size=N` | RFC 9162 inclusion proof, one base64 hash a line |
//! | `GET /healthz` | `ok` when the register opens |
//! | `POST /add-checkpoint` | only with a witness configured: c2sp.org/tlog-witness, this office co-signing another register's checkpoint |
//!
//! What it does not do: it never writes the register, never lists entries (a payload whose hash
//! prefix does not match is answered exactly as one whose number does not exist), and logs no
//! personal data (one line per request: time, method, route template, status, duration). Each
//! client (by IP address) has a token bucket; the register is read through hoso-office's check
//! flows with a few read-only connections kept open.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod api;
mod limit;
mod log;
mod page;
mod pool;
mod tls;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use hoso_office::Config;

pub use limit::RateLimit;

/// Largest PDF accepted for upload.
pub const MAX_UPLOAD_BYTES: usize = 64 << 20;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// Certificate chain and private key (PEM) for HTTPS; plain HTTP (behind the office's
    /// reverse proxy) when `None`.
    pub tls: Option<TlsFiles>,
    /// Requests per client.
    pub rate: RateLimit,
    /// Do not ask OCSP/CRL servers when verifying an upload.
    pub offline: bool,
    /// A witness to answer `POST /add-checkpoint` with (c2sp.org/tlog-witness); the route
    /// answers 404 without one.
    pub witness: Option<Arc<hoso_office::register::witness::Witness>>,
}

/// PEM files for HTTPS.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// Certificate chain, leaf first.
    pub cert: PathBuf,
    /// Private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// Why the service could not start or stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The address cannot be bound.
    #[error("không mở được cổng {addr}: {source} / cannot listen on {addr}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
    /// A TLS file cannot be read or holds nothing usable.
    #[error("tệp TLS {path} không dùng được: {reason} / unusable TLS file")]
    Tls {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The register cannot be opened.
    #[error("không mở được sổ đăng ký: {0} / cannot open the register")]
    Register(#[from] hoso_office::OfficeError),
    /// The trust roots in the settings cannot be loaded.
    #[error("không nạp được chứng thư gốc tin cậy: {0} / cannot load the trust roots")]
    Trust(String),
    /// Serving failed.
    #[error("lỗi dịch vụ: {0} / the service failed")]
    Io(#[from] std::io::Error),
}

/// What every request handler shares.
pub(crate) struct AppState {
    pub config: Config,
    pub pool: pool::Pool,
    pub limiter: limit::Limiter,
    pub offline: bool,
    /// At most this many uploads are verified at once (CPU bound).
    pub uploads: tokio::sync::Semaphore,
    /// The witness behind `POST /add-checkpoint`, if this office runs one.
    pub witness: Option<Arc<hoso_office::register::witness::Witness>>,
}

/// The routes over `config`'s register (for tests and for [`serve`]).
pub fn router(config: Config, rate: RateLimit, offline: bool) -> Result<Router, ServeError> {
    router_with_witness(config, rate, offline, None)
}

/// [`router`], with a witness answering `POST /add-checkpoint`.
pub fn router_with_witness(
    config: Config,
    rate: RateLimit,
    offline: bool,
    witness: Option<Arc<hoso_office::register::witness::Witness>>,
) -> Result<Router, ServeError> {
    config
        .settings
        .trust_store()
        .map_err(|e| ServeError::Trust(e.to_string()))?;
    let pool = pool::Pool::new(config.clone());
    // Fail early when the register cannot be read at all.
    drop(pool.get()?);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let state = Arc::new(AppState {
        config,
        pool,
        limiter: limit::Limiter::new(rate),
        offline,
        uploads: tokio::sync::Semaphore::new(workers),
        witness,
    });
    Ok(Router::new()
        .route("/v/{*payload}", get(page::entry_page))
        .route("/V/{*payload}", get(page::entry_page))
        .route(
            "/api/verify",
            post(api::verify).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/checkpoint", get(api::checkpoint))
        .route("/proof/consistency", get(api::consistency))
        .route("/proof/inclusion", get(api::inclusion))
        .route("/healthz", get(api::healthz))
        .route("/add-checkpoint", post(api::add_checkpoint))
        .route("/assets/page.css", get(page::css))
        .route("/assets/page.js", get(page::js))
        .fallback(page::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limit::middleware,
        ))
        .layer(axum::middleware::from_fn(log::middleware))
        .with_state(state))
}

/// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight and returns.
/// `ready` is called with the bound address once the socket is listening.
pub async fn serve(
    config: Config,
    opts: ServeOptions,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    let app = router_with_witness(config, opts.rate, opts.offline, opts.witness)?;
    let listener = tokio::net::TcpListener::bind(opts.listen)
        .await
        .map_err(|source| ServeError::Bind {
            addr: opts.listen,
            source,
        })?;
    let addr = listener.local_addr()?;
    let make = app.into_make_service_with_connect_info::<limit::ClientAddr>();
    match opts.tls {
        None => {
            ready(addr);
            axum::serve(listener, make)
                .with_graceful_shutdown(shutdown_signal())
                .await?
        }
        Some(files) => {
            let acceptor = tls::acceptor(&files)?;
            ready(addr);
            axum::serve(tls::TlsListener::new(listener, acceptor), make)
                .with_graceful_shutdown(shutdown_signal())
                .await?
        }
    }
    log::line("-", "shutdown", 0, std::time::Duration::ZERO);
    Ok(())
}

/// [`serve`] on its own multi-threaded runtime (the CLI's door).
pub fn run(
    config: Config,
    opts: ServeOptions,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(serve(config, opts, ready))
}

/// SIGTERM (systemd stop) or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
