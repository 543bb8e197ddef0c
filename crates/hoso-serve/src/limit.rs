//! Per-client rate limits: a token bucket per IP address, so one client cannot walk the
//! register's sequence numbers or keep the verifier busy. Behind a reverse proxy every client
//! shares the proxy's address; the proxy then limits instead.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// The client's address as the connection reports it (plain or TLS).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub SocketAddr);

/// Requests allowed per client.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Sustained requests per minute (0: no limit).
    pub per_minute: u32,
    /// Requests allowed at once before the rate applies.
    pub burst: u32,
}

impl Default for RateLimit {
    /// 60 a minute with bursts of 20: a person scanning a pile of copies never meets it; a
    /// script walking sequence numbers does within seconds.
    fn default() -> Self {
        Self {
            per_minute: 60,
            burst: 20,
        }
    }
}

/// What an upload costs in requests (it is a full signature verification).
const UPLOAD_COST: f64 = 5.0;

/// Buckets kept before the full ones are forgotten.
const MAX_CLIENTS: usize = 10_000;

pub(crate) struct Limiter {
    rate: RateLimit,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl Limiter {
    pub fn new(rate: RateLimit) -> Self {
        Self {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes `cost` tokens from `ip`'s bucket; `Err(seconds to wait)` when it has too few.
    pub fn take(&self, ip: IpAddr, cost: f64, now: Instant) -> Result<(), u64> {
        if self.rate.per_minute == 0 {
            return Ok(());
        }
        let per_sec = f64::from(self.rate.per_minute) / 60.0;
        let burst = f64::from(self.rate.burst.max(1)).max(cost);
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(());
        };
        if buckets.len() >= MAX_CLIENTS {
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * per_sec < burst
            });
        }
        let (tokens, at) = buckets.entry(ip).or_insert((burst, now));
        let refilled = (*tokens + now.duration_since(*at).as_secs_f64() * per_sec).min(burst);
        *at = now;
        if refilled >= cost {
            *tokens = refilled - cost;
            Ok(())
        } else {
            *tokens = refilled;
            Err(((cost - refilled) / per_sec).ceil() as u64)
        }
    }
}

/// Limits every route but `/healthz` and the page's assets.
pub(crate) async fn middleware(
    State(state): State<Arc<AppState>>,
    ConnectInfo(client): ConnectInfo<ClientAddr>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    if path == "/healthz" || path.starts_with("/assets/") {
        return next.run(req).await;
    }
    let cost = if req.method() == Method::POST && path == "/api/verify" {
        UPLOAD_COST
    } else {
        1.0
    };
    match state.limiter.take(client.0.ip(), cost, Instant::now()) {
        Ok(()) => next.run(req).await,
        Err(wait) => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, wait.to_string())],
            "Quá nhiều yêu cầu, vui lòng thử lại sau / too many requests, try again later\n",
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_client_gets_its_burst_then_the_rate_and_others_are_unaffected() {
        let l = Limiter::new(RateLimit {
            per_minute: 60,
            burst: 3,
        });
        let t0 = Instant::now();
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        for _ in 0..3 {
            assert_eq!(l.take(a, 1.0, t0), Ok(()));
        }
        assert_eq!(l.take(a, 1.0, t0), Err(1));
        assert_eq!(l.take(b, 1.0, t0), Ok(()));
        // One token a second comes back.
        assert_eq!(l.take(a, 1.0, t0 + Duration::from_secs(1)), Ok(()));
        assert!(l.take(a, 1.0, t0 + Duration::from_secs(1)).is_err());
        // An upload costs five: with a burst of 3 it is allowed once the bucket holds five.
        assert_eq!(l.take(b, UPLOAD_COST, t0 + Duration::from_secs(60)), Ok(()));
    }

    #[test]
    fn zero_means_unlimited() {
        let l = Limiter::new(RateLimit {
            per_minute: 0,
            burst: 0,
        });
        let t0 = Instant::now();
        for _ in 0..1000 {
            assert_eq!(l.take([127, 0, 0, 1].into(), 1.0, t0), Ok(()));
        }
    }
}
