//! One line per request on stderr (journald under systemd): UTC time, method, the route
//! *template* (`/v/{*payload}`, never the payload), status, duration. No address, no payload,
//! no file name: nothing that names a citizen or a document.

use std::io::Write;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

pub(crate) async fn middleware(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("(không có / none)", |m| m.as_str())
        .to_owned();
    let res = next.run(req).await;
    line(&method, &route, res.status().as_u16(), started.elapsed());
    res
}

/// Writes one log line.
pub(crate) fn line(method: &str, route: &str, status: u16, took: Duration) {
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let _ = writeln!(
        std::io::stderr().lock(),
        "{now} {method} {route} {status} {:.1}ms",
        took.as_secs_f64() * 1000.0
    );
}
