//! The JSON API (`POST /api/verify`), the register's checkpoint and proofs, `/healthz`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use hoso_office::check::words::{self, Lang};
use hoso_office::check::{upload, CheckOptions, Checked, Color, Verdict};
use hoso_office::OfficeError;
use hoso_register::{QrPayload, Register};
use serde::{Deserialize, Serialize};

use crate::AppState;

/// What `/api/verify` and the page's upload answer.
#[derive(Debug, Serialize)]
pub(crate) struct Answer {
    pub verdict: Verdict,
    pub color: Color,
    pub reason: &'static str,
    pub headline_vi: &'static str,
    pub headline_en: &'static str,
    /// The register's line: only when the payload (or the file) matches its entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub register: Option<RegisterView>,
    pub signers: Vec<SignerView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    pub demo_trusted: bool,
}

/// The register's line in the words a citizen reads.
#[derive(Debug, Serialize)]
pub(crate) struct RegisterView {
    pub seq: u64,
    pub office: String,
    /// ISO 8601 +07:00.
    pub time: String,
    /// dd/mm/yyyy hh:mm.
    pub date: String,
    pub kind: String,
    pub kind_words: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub proof_verified: bool,
}

/// One signature in plain words.
#[derive(Debug, Serialize)]
pub(crate) struct SignerView {
    pub who: Option<String>,
    pub verdict_vi: &'static str,
    pub verdict_en: &'static str,
    pub time: Option<String>,
    pub covers_whole_file: bool,
    pub changed_after: bool,
}

impl Answer {
    pub fn of(c: &Checked, office: &str) -> Self {
        Self {
            verdict: c.verdict,
            color: c.color,
            reason: c.reason,
            headline_vi: words::verdict(c.verdict, Lang::Vi),
            headline_en: words::verdict(c.verdict, Lang::En),
            register: c.register.as_ref().map(|r| RegisterView {
                seq: r.seq,
                office: office.to_owned(),
                time: r.time.clone(),
                date: vn_date(&r.time),
                kind: r.kind.clone(),
                kind_words: kind_words(&r.kind),
                copy_number: r.copy_number.clone(),
                title: r.title.clone(),
                code: r.code.clone(),
                proof_verified: r.proof_verified,
            }),
            signers: c
                .signers
                .iter()
                .map(|s| SignerView {
                    who: s.who.clone(),
                    verdict_vi: words::signature_verdict(s.verdict, Lang::Vi),
                    verdict_en: words::signature_verdict(s.verdict, Lang::En),
                    time: s.timestamp.clone().or_else(|| s.claimed_time.clone()),
                    covers_whole_file: s.covers_whole_file,
                    changed_after: s.changed_after,
                })
                .collect(),
            sha256: c.sha256.clone(),
            demo_trusted: c.demo_trusted,
        }
    }
}

/// `2026-12-07T09:30:00+07:00` → `07/12/2026 09:30` (the UI's form, DESIGN.md).
pub(crate) fn vn_date(iso: &str) -> String {
    let part = |a: usize, b: usize| iso.get(a..b).unwrap_or("");
    if iso.len() < 16 || !iso.is_char_boundary(16) {
        return iso.to_owned();
    }
    format!(
        "{}/{}/{} {}",
        part(8, 10),
        part(5, 7),
        part(0, 4),
        part(11, 16)
    )
}

/// An entry kind in Vietnamese and English.
pub(crate) fn kind_words(kind: &str) -> &'static str {
    match kind {
        "dossier" => "Hồ sơ số / digitized dossier",
        "signed" => "Văn bản đã ký số / signed document",
        "copy" => "Bản sao điện tử / electronic certified copy",
        _ => "Tài liệu khác / other document",
    }
}

/// An error answered as JSON, words in both languages.
pub(crate) fn error(status: StatusCode, vi: &str, en: &str) -> Response {
    (
        status,
        Json(serde_json::json!({ "error_vi": vi, "error_en": en })),
    )
        .into_response()
}

pub(crate) fn office_error(e: &OfficeError) -> Response {
    match e {
        OfficeError::Verify { .. } => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Không đọc được tệp PDF này",
            "This file cannot be read as a PDF",
        ),
        _ => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "Không tra cứu được sổ đăng ký lúc này",
            "The register cannot be consulted right now",
        ),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct VerifyQuery {
    payload: Option<String>,
}

#[derive(Debug, Deserialize)]
struct VerifyJson {
    payload: String,
}

/// `POST /api/verify`: a JSON `{"payload": "HS1:…"}` is looked up; any other body is a PDF,
/// verified in full against `?payload=`.
pub(crate) async fn verify(
    State(state): State<Arc<AppState>>,
    Query(q): Query<VerifyQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let (payload, pdf) = if is_json {
        match serde_json::from_slice::<VerifyJson>(&body) {
            Ok(j) => (j.payload, None),
            Err(_) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Cần {\"payload\": \"HS1:…\"}",
                    "Expected {\"payload\": \"HS1:…\"}",
                )
            }
        }
    } else {
        let Some(p) = q.payload else {
            return error(
                StatusCode::BAD_REQUEST,
                "Cần ?payload=HS1:… cùng tệp PDF",
                "A PDF upload needs ?payload=HS1:…",
            );
        };
        (p, Some(body))
    };
    let Ok(payload) = payload.trim().parse::<QrPayload>() else {
        return error(
            StatusCode::BAD_REQUEST,
            "Mã tra cứu không hợp lệ",
            "Not a hoso register code",
        );
    };
    let result = match pdf {
        None => {
            blocking(&state, move |s| {
                let reg = s.pool.get()?;
                upload::check_qr_in(&reg, &payload)
            })
            .await
        }
        Some(bytes) => {
            let Ok(_permit) = state.uploads.acquire().await else {
                return error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Dịch vụ đang dừng",
                    "Stopping",
                );
            };
            blocking(&state, move |s| {
                let mut opts = CheckOptions::from_settings(&s.config.settings)?;
                opts.fetch_revocation = !s.offline;
                let reg = s.pool.get()?;
                upload::check_upload_in(&reg, &payload, &bytes, &opts)
            })
            .await
        }
    };
    match result {
        Ok(c) => {
            let status = if c.verdict == Verdict::NoMatch {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::OK
            };
            (status, Json(Answer::of(&c, &state.config.settings.office))).into_response()
        }
        Err(e) => office_error(&e),
    }
}

/// Runs register and verification work off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &Arc<AppState>,
    f: impl FnOnce(&AppState) -> Result<T, OfficeError> + Send + 'static,
) -> Result<T, OfficeError> {
    let s = state.clone();
    tokio::task::spawn_blocking(move || f(&s))
        .await
        .unwrap_or_else(|_| {
            Err(OfficeError::NoRegister(std::path::PathBuf::from(
                "(tác vụ dừng bất thường / task panicked)",
            )))
        })
}

fn text(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// `GET /checkpoint`: the latest signed tree head as the C2SP signed note.
pub(crate) async fn checkpoint(State(state): State<Arc<AppState>>) -> Response {
    match blocking(&state, |s| Ok(s.pool.get()?.latest_checkpoint()?)).await {
        Ok(Some(cp)) => text(cp.note),
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            "Sổ còn trống",
            "The register is empty",
        ),
        Err(e) => office_error(&e),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct ConsistencyQuery {
    old: u64,
    new: u64,
}

#[derive(Debug, Deserialize)]
pub(crate) struct InclusionQuery {
    index: u64,
    size: u64,
}

fn lines(hashes: &[hoso_register::Hash]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    hashes.iter().map(|h| b64.encode(h) + "\n").collect()
}

/// `GET /proof/consistency?old=N&new=M`: RFC 9162 §2.1.4, one base64 hash a line (the form
/// c2sp.org/tlog-witness sends).
pub(crate) async fn consistency(
    State(state): State<Arc<AppState>>,
    Query(q): Query<ConsistencyQuery>,
) -> Response {
    if q.old > q.new {
        return error(StatusCode::BAD_REQUEST, "old > new", "old > new");
    }
    proof_at(&state, q.new, move |reg| {
        Ok(reg.consistency_proof(q.old, q.new)?.path)
    })
    .await
}

/// `GET /proof/inclusion?index=I&size=N`: RFC 9162 §2.1.3 (hashes only: a leaf hash reveals
/// nothing of the entry without the entry).
pub(crate) async fn inclusion(
    State(state): State<Arc<AppState>>,
    Query(q): Query<InclusionQuery>,
) -> Response {
    if q.index >= q.size {
        return error(StatusCode::BAD_REQUEST, "index ≥ size", "index ≥ size");
    }
    proof_at(&state, q.size, move |reg| {
        Ok(reg.inclusion_proof(q.index, q.size)?.path)
    })
    .await
}

/// A proof's hashes, one base64 line each, answered only for a tree size the register signed a
/// checkpoint for (404 otherwise).
async fn proof_at(
    state: &Arc<AppState>,
    size: u64,
    proof: impl FnOnce(&Register) -> Result<Vec<hoso_register::Hash>, OfficeError> + Send + 'static,
) -> Response {
    match blocking(state, move |s| {
        let reg = s.pool.get()?;
        if reg.checkpoint_at(size)?.is_none() {
            return Ok(None);
        }
        Ok(Some(proof(&reg)?))
    })
    .await
    {
        Ok(Some(path)) => text(lines(&path)),
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            "Không có điểm kiểm tra đã ký cho kích thước này",
            "No signed checkpoint of that size",
        ),
        Err(e) => office_error(&e),
    }
}

/// `GET /healthz`: `ok` when the register opens and has a readable tree head.
/// `POST /add-checkpoint` — c2sp.org/tlog-witness: the cosignature line(s) with 200, or the
/// spec's status for a refusal (409 with the witness's size as `text/x.tlog.size`).
pub(crate) async fn add_checkpoint(State(state): State<Arc<AppState>>, body: String) -> Response {
    use hoso_office::register::witness::{self, WitnessError};
    let Some(w) = state.witness.clone() else {
        return error(
            StatusCode::NOT_FOUND,
            "dịch vụ này không chạy nhân chứng",
            "this service runs no witness",
        );
    };
    match tokio::task::spawn_blocking(move || witness::add_checkpoint(&w, &body)).await {
        Ok(Ok(lines)) => text(lines),
        Ok(Err(WitnessError::Conflict { latest })) => (
            StatusCode::CONFLICT,
            [(header::CONTENT_TYPE, "text/x.tlog.size")],
            format!("{latest}\n"),
        )
            .into_response(),
        Ok(Err(e)) => (
            StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{e}\n"),
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

pub(crate) async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    match blocking(&state, |s| Ok(s.pool.get()?.latest_checkpoint()?.is_some())).await {
        Ok(_) => text("ok\n".into()),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "register unavailable\n").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_form_people_read() {
        assert_eq!(vn_date("2026-12-07T09:30:00+07:00"), "07/12/2026 09:30");
        assert_eq!(vn_date("gì đó"), "gì đó");
        assert_eq!(vn_date("2026-12-07Tế"), "2026-12-07Tế");
    }
}
