//! The page behind the QR code: Vietnamese first, English second, readable on a phone, no
//! third-party anything. The register's line is shown only when the payload's hash prefix
//! matches its entry; every kind of mismatch gets the same page.

use std::fmt::Write;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hoso_office::check::{upload, Color, Verdict};
use hoso_register::QrPayload;

use crate::api::{blocking, Answer};
use crate::AppState;

const CSS: &str = include_str!("../assets/page.css");
const JS: &str = include_str!("../assets/page.js");

/// Everything the page loads comes from here; nothing inline, nothing framed, no referrer
/// (the payload is in the URL).
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                   img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// `&`, `<`, `>`, `"`, `'` escaped for HTML text and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn html(status: StatusCode, body: String) -> Response {
    let mut res = (status, body).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn shell(office: &str, payload: Option<&str>, inner: &str) -> String {
    let data = payload.map_or(String::new(), |p| format!(" data-payload=\"{}\"", esc(p)));
    let office = if office.trim().is_empty() {
        String::new()
    } else {
        format!("<p class=\"office\">{}</p>", esc(office))
    };
    format!(
        "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\">\
         <title>Tra cứu văn bản / Verify a document</title>\
         <link rel=\"stylesheet\" href=\"/assets/page.css\"></head>\
         <body><header>{office}<h1>Tra cứu văn bản <span class=\"en\">Verify a document</span></h1></header>\
         <main{data}>{inner}</main>\
         <footer>Sổ đăng ký mã băm của cơ quan (Merkle RFC 9162) · hoso</footer>\
         <script src=\"/assets/page.js\"></script></body></html>\n"
    )
}

fn color_class(c: Color) -> &'static str {
    match c {
        Color::Green => "green",
        Color::Amber => "amber",
        Color::Red => "red",
    }
}

/// The card for a lookup answer (`id="verdict"`), the same markup the script builds for an
/// upload (`id="result"`).
fn card(id: &str, a: &Answer) -> String {
    let mut s = format!(
        "<section id=\"{id}\" class=\"card {}\" data-verdict=\"{}\"><h2>{}</h2><p class=\"en\">{}</p>",
        color_class(a.color),
        a.reason,
        esc(a.headline_vi),
        esc(a.headline_en)
    );
    if let Some(r) = &a.register {
        s.push_str("<dl class=\"entry\">");
        let mut row = |vi: &str, en: &str, v: &str| {
            let _ = write!(
                s,
                "<dt>{vi} <span class=\"en\">{en}</span></dt><dd>{}</dd>",
                esc(v)
            );
        };
        if !r.office.is_empty() {
            row("Cơ quan", "Office", &r.office);
        }
        row("Ngày đăng ký", "Registered on", &r.date);
        row("Loại", "Kind", r.kind_words);
        if let Some(n) = &r.copy_number {
            row("Số bản sao", "Copy number", n);
        }
        if let Some(t) = &r.title {
            row("Trích yếu", "Title", t);
        }
        if let Some(c) = &r.code {
            row("Mã hồ sơ", "Dossier code", c);
        }
        row("Số thứ tự trong sổ", "Register entry", &r.seq.to_string());
        s.push_str("</dl>");
    }
    s.push_str("</section>");
    s
}

const UPLOAD_FORM: &str = "<form id=\"upload\" class=\"upload\">\
    <label for=\"file\">Tải bản PDF bạn nhận được lên để kiểm tra chữ ký số \
    <span class=\"en\">Upload the PDF you received to check its signatures</span></label>\
    <input id=\"file\" name=\"file\" type=\"file\" accept=\"application/pdf,.pdf\">\
    <button id=\"check\" type=\"submit\">Kiểm tra <span class=\"en\">Check</span></button>\
    <p class=\"note\">Tệp chỉ được kiểm tra, không được lưu lại. \
    <span class=\"en\">The file is checked, not kept.</span></p></form>\
    <section id=\"result\" hidden></section>";

/// `GET /v/<payload>`.
pub(crate) async fn entry_page(
    State(state): State<Arc<AppState>>,
    Path(raw): Path<String>,
) -> Response {
    let office = state.config.settings.office.clone();
    let Ok(payload) = raw.trim().parse::<QrPayload>() else {
        return bad_code(&office);
    };
    let text = payload.to_string();
    let checked = blocking(&state, move |s| {
        let reg = s.pool.get()?;
        upload::check_qr_in(&reg, &payload)
    })
    .await;
    let c = match checked {
        Ok(c) => c,
        Err(_) => {
            let inner = "<section id=\"verdict\" class=\"card amber\"><h2>Chưa tra cứu được sổ \
                         đăng ký, vui lòng thử lại sau</h2><p class=\"en\">The register cannot be \
                         consulted right now; please try again later</p></section>";
            return html(StatusCode::SERVICE_UNAVAILABLE, shell(&office, None, inner));
        }
    };
    let answer = Answer::of(&c, &office);
    let mut inner = card("verdict", &answer);
    let status = match c.verdict {
        Verdict::NoMatch => {
            inner.push_str(
                "<p class=\"note\">Kiểm tra lại mã in dưới mã QR. \
                 <span class=\"en\">Check the code printed under the QR.</span></p>",
            );
            StatusCode::NOT_FOUND
        }
        _ => {
            inner.push_str(UPLOAD_FORM);
            StatusCode::OK
        }
    };
    let payload = (c.verdict != Verdict::NoMatch).then_some(text.as_str());
    html(status, shell(&office, payload, &inner))
}

fn bad_code(office: &str) -> Response {
    let inner = "<section id=\"verdict\" class=\"card red\" data-verdict=\"bad_code\">\
                 <h2>Mã tra cứu không hợp lệ</h2><p class=\"en\">Not a valid lookup code</p></section>";
    html(StatusCode::NOT_FOUND, shell(office, None, inner))
}

/// Anything else.
pub(crate) async fn not_found(State(state): State<Arc<AppState>>) -> Response {
    bad_code(&state.config.settings.office)
}

pub(crate) async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
        .into_response()
}

pub(crate) async fn js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        JS,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("<b a=\"x\">Bảy & 'y'</b>"),
            "&lt;b a=&quot;x&quot;&gt;Bảy &amp; &#39;y&#39;&lt;/b&gt;"
        );
    }
}
