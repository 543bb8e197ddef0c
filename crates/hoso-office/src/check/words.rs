//! The words of a check, in one language at a time: Vietnamese (the default) or English. The
//! CLI prints these lines, the PDF report sets them on pages; neither mixes the two languages
//! once one is chosen.
//!
//! [`lines`] is the report a clerk files (issue 14 point 6): per signature the signer, issuer,
//! certificate validity period, claimed and timestamped signing time, integrity, trust at the
//! validation time, revocation status and its source, and what changed after signing (page and
//! kind), then the one verdict.

use hoso_sign::verify::{
    ChangeKind, CheckKind, CheckStatus, ModificationLevel, ProofOfExistence, RevocationSource,
    RevocationState, SignatureReport,
};

use super::{Checked, Color, Verdict};

/// The language of the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Tiếng Việt (default).
    #[default]
    Vi,
    /// English.
    En,
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "vi" | "vie" => Ok(Self::Vi),
            "en" | "eng" => Ok(Self::En),
            other => Err(format!("vi | en: {other}")),
        }
    }
}

/// What a line is, for the renderer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// The document title.
    Title,
    /// A section heading (one per signature).
    Heading,
    /// A label and its value.
    Field,
    /// The outcome of one check.
    Check(CheckStatus),
    /// A verdict, in its colour.
    Verdict(Color),
    /// A warning (the DEMO root).
    Warning,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// How to set it.
    pub style: Style,
    /// The text.
    pub text: String,
}

fn line(style: Style, text: impl Into<String>) -> Line {
    Line {
        style,
        text: text.into(),
    }
}

/// `vi` or `en`.
fn pick(lang: Lang, vi: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// The verdict in one sentence.
pub fn verdict(v: Verdict, lang: Lang) -> &'static str {
    match v {
        Verdict::Valid => pick(
            lang,
            "HỢP LỆ: văn bản nguyên vẹn, chữ ký số tin cậy",
            "VALID: intact and trusted",
        ),
        Verdict::Registered => pick(
            lang,
            "ĐÚNG BẢN ĐÃ ĐĂNG KÝ: khớp sổ đăng ký của cơ quan (không có chữ ký số)",
            "REGISTERED: matches the office's register (not signed)",
        ),
        Verdict::RevocationNotChecked => pick(
            lang,
            "HỢP LỆ, CHƯA KIỂM TRA ĐƯỢC TÌNH TRẠNG THU HỒI",
            "VALID, REVOCATION NOT CHECKED",
        ),
        Verdict::VisualChange => pick(
            lang,
            "CẦN LƯU Ý: chữ ký nguyên vẹn nhưng nội dung hiển thị của trang đã thay đổi sau khi ký",
            "TAKE NOTE: the signature is intact, but what a page shows changed after signing",
        ),
        Verdict::Untrusted => pick(
            lang,
            "CHƯA TIN CẬY: chữ ký nguyên vẹn nhưng chứng thư không được tin cậy",
            "UNTRUSTED: intact, but the certificate is not trusted",
        ),
        Verdict::Unsigned => pick(
            lang,
            "KHÔNG CÓ CHỮ KÝ và không có trong sổ đăng ký",
            "NO SIGNATURES, and not in the register",
        ),
        Verdict::OtherRegister => pick(
            lang,
            "CẦN LƯU Ý: mã QR thuộc sổ đăng ký của nơi khác",
            "TAKE NOTE: the QR code belongs to another office's register",
        ),
        Verdict::Invalid => pick(
            lang,
            "KHÔNG HỢP LỆ: tài liệu bị sửa hoặc chữ ký sai",
            "INVALID: modified or forged",
        ),
        Verdict::NoMatch => pick(
            lang,
            "KHÔNG KHỚP: không có mục nào trong sổ đăng ký khớp",
            "NO MATCH: nothing in the register matches",
        ),
    }
}

/// A signature's own verdict in one phrase.
pub fn signature_verdict(v: hoso_sign::verify::Verdict, lang: Lang) -> &'static str {
    use hoso_sign::verify::Verdict as V;
    match v {
        V::Valid => verdict(Verdict::Valid, lang),
        V::ValidRevocationNotChecked => verdict(Verdict::RevocationNotChecked, lang),
        V::VisualChange => verdict(Verdict::VisualChange, lang),
        V::Untrusted => verdict(Verdict::Untrusted, lang),
        V::Invalid => verdict(Verdict::Invalid, lang),
    }
}

/// What a check looked at.
pub fn check_kind(k: CheckKind, lang: Lang) -> &'static str {
    match k {
        CheckKind::ByteRange => pick(lang, "Phạm vi ký", "Byte range"),
        CheckKind::SignatureDictionary => pick(lang, "Từ điển chữ ký", "Signature dictionary"),
        CheckKind::Integrity => pick(lang, "Toàn vẹn", "Integrity"),
        CheckKind::CmsSignature => pick(lang, "Chữ ký CMS", "CMS signature"),
        CheckKind::PadesProfile => pick(lang, "Thuộc tính PAdES", "PAdES attributes"),
        CheckKind::Modifications => pick(lang, "Thay đổi sau khi ký", "Changes after signing"),
        CheckKind::DocMdp => pick(lang, "Quyền DocMDP", "DocMDP permissions"),
        CheckKind::CertificateChain => pick(lang, "Chuỗi chứng thư", "Certificate chain"),
        CheckKind::Timestamp => pick(lang, "Dấu thời gian", "Timestamp"),
        CheckKind::Revocation => pick(lang, "Tình trạng thu hồi", "Revocation"),
        CheckKind::VisualComparison => {
            pick(lang, "So sánh hình ảnh trang", "Rendered page comparison")
        }
        CheckKind::Algorithms => pick(
            lang,
            "Thuật toán và độ dài khóa (TT 15/2025)",
            "Algorithms and key size (Circular 15/2025)",
        ),
    }
}

fn status(s: CheckStatus, lang: Lang) -> &'static str {
    match s {
        CheckStatus::Passed => pick(lang, "đạt", "passed"),
        CheckStatus::Failed => pick(lang, "KHÔNG ĐẠT", "FAILED"),
        CheckStatus::Warning => pick(lang, "cần lưu ý", "warning"),
        CheckStatus::NotChecked => pick(lang, "chưa kiểm tra", "not checked"),
    }
}

/// What kind of change a later revision made.
pub fn change_kind(k: ChangeKind, lang: Lang) -> &'static str {
    match k {
        ChangeKind::PageContent => pick(lang, "nội dung trang", "page content"),
        ChangeKind::Page => pick(lang, "trang hoặc cây trang", "page or page tree"),
        ChangeKind::PageCount => pick(lang, "số trang", "page count"),
        ChangeKind::Annotation => pick(lang, "chú thích", "annotation"),
        ChangeKind::FormField => pick(lang, "trường biểu mẫu", "form field"),
        ChangeKind::SignatureField => pick(lang, "chữ ký sau", "later signature"),
        ChangeKind::SneakySignature => pick(
            lang,
            "ô chữ ký chưa ký nhưng hiển thị",
            "visible unsigned signature widget",
        ),
        ChangeKind::Catalog => pick(lang, "danh mục tài liệu", "document catalog"),
        ChangeKind::DocumentInfo => pick(lang, "thông tin tài liệu", "document information"),
        ChangeKind::Metadata => pick(lang, "siêu dữ liệu XMP", "XMP metadata"),
        ChangeKind::Dss => pick(
            lang,
            "dữ liệu kiểm tra dài hạn (DSS)",
            "validation data (DSS)",
        ),
        ChangeKind::DanglingReference => pick(
            lang,
            "tham chiếu bị bỏ ngỏ khi ký",
            "reference left dangling at signing",
        ),
        ChangeKind::Trailer => pick(lang, "phần cuối tệp (trailer)", "trailer"),
        ChangeKind::Deleted => pick(lang, "đối tượng bị xóa", "deleted object"),
        ChangeKind::AppendedBytes => pick(
            lang,
            "dữ liệu nối thêm ngoài phiên bản",
            "bytes appended outside a revision",
        ),
        ChangeKind::VisualDifference => pick(lang, "hình ảnh trang khác", "rendered pixels differ"),
        ChangeKind::Other => pick(lang, "đối tượng khác", "other object"),
    }
}

fn allowed(level: ModificationLevel, lang: Lang) -> &'static str {
    match level {
        ModificationLevel::Illegal => pick(lang, "không được phép", "not allowed"),
        _ => pick(lang, "được phép", "allowed"),
    }
}

fn revocation(r: RevocationState, lang: Lang) -> &'static str {
    match r {
        RevocationState::Good => pick(lang, "chưa bị thu hồi", "not revoked"),
        RevocationState::Revoked => pick(lang, "ĐÃ BỊ THU HỒI", "REVOKED"),
        RevocationState::NotChecked => pick(lang, "chưa kiểm tra được", "not checked"),
    }
}

fn source(s: RevocationSource, lang: Lang) -> &'static str {
    match s {
        RevocationSource::Dss => pick(lang, "DSS trong tệp", "the file's DSS"),
        RevocationSource::Cms => pick(lang, "trong chữ ký CMS", "inside the CMS"),
        RevocationSource::OnlineOcsp => pick(lang, "OCSP trực tuyến", "online OCSP"),
        RevocationSource::OnlineCrl => pick(lang, "CRL trực tuyến", "online CRL"),
    }
}

fn field(label_vi: &str, label_en: &str, lang: Lang, value: impl AsRef<str>) -> Line {
    let label = match lang {
        Lang::Vi => label_vi,
        Lang::En => label_en,
    };
    line(Style::Field, format!("{label}: {}", value.as_ref()))
}

fn check_status(s: &SignatureReport, k: CheckKind) -> Option<CheckStatus> {
    let of = |st: CheckStatus| s.checks.iter().any(|c| c.kind == k && c.status == st);
    [
        CheckStatus::Failed,
        CheckStatus::Warning,
        CheckStatus::Passed,
        CheckStatus::NotChecked,
    ]
    .into_iter()
    .find(|st| of(*st))
}

/// The lines of one signature.
fn signature_lines(s: &SignatureReport, index: usize, lang: Lang, out: &mut Vec<Line>) {
    let head = match lang {
        Lang::Vi => format!(
            "Chữ ký {} — trường \"{}\" ({})",
            index + 1,
            s.field,
            s.sub_filter
        ),
        Lang::En => format!(
            "Signature {} — field \"{}\" ({})",
            index + 1,
            s.field,
            s.sub_filter
        ),
    };
    out.push(line(Style::Heading, head));
    let unknown = pick(lang, "không xác định", "unknown");
    out.push(field(
        "Người ký",
        "Signer",
        lang,
        s.signer.as_deref().unwrap_or(unknown),
    ));
    if let Some(c) = &s.certificate {
        out.push(field("Tổ chức cấp chứng thư", "Issuer", lang, &c.issuer));
        out.push(field(
            "Thời hạn chứng thư",
            "Certificate validity",
            lang,
            format!("{} → {}", c.valid_from, c.valid_until),
        ));
    }
    out.push(field(
        "Thời điểm ký khai báo",
        "Claimed signing time",
        lang,
        s.claimed_time.as_deref().unwrap_or(unknown),
    ));
    let ts = match &s.timestamp {
        Some(t) if t.trusted => format!("{} ({})", t.time, t.tsa),
        Some(t) => format!(
            "{} ({}; {})",
            t.time,
            t.tsa,
            pick(lang, "TSA chưa được tin cậy", "TSA not trusted")
        ),
        None => pick(lang, "không có", "none").to_owned(),
    };
    out.push(field(
        "Thời điểm ký theo dấu thời gian",
        "Timestamped signing time",
        lang,
        ts,
    ));
    let integ = check_status(s, CheckKind::Integrity).unwrap_or(CheckStatus::NotChecked);
    out.push(field("Toàn vẹn", "Integrity", lang, status(integ, lang)));
    let trust = check_status(s, CheckKind::CertificateChain).unwrap_or(CheckStatus::NotChecked);
    let at = s
        .ltv
        .as_ref()
        .map(|l| l.validation_time.clone())
        .unwrap_or_default();
    let trust_text = match (trust, lang) {
        (CheckStatus::Passed, Lang::Vi) => format!("tin cậy tại thời điểm kiểm tra {at}"),
        (CheckStatus::Passed, Lang::En) => format!("trusted at the validation time {at}"),
        (st, _) => status(st, lang).to_owned(),
    };
    out.push(field("Độ tin cậy", "Trust", lang, trust_text));
    if let Some(l) = &s.ltv {
        let level = serde_json::to_value(l.level)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let poe = match l.proof_of_existence {
            ProofOfExistence::SignatureTimestamp => {
                pick(lang, "dấu thời gian chữ ký", "signature timestamp")
            }
            ProofOfExistence::DocumentTimestamp => {
                pick(lang, "dấu thời gian tài liệu", "document timestamp")
            }
            ProofOfExistence::None => pick(lang, "thời điểm hiện tại", "current time"),
        };
        out.push(field(
            "Kiểm tra dài hạn",
            "Long-term validation",
            lang,
            format!("{level} ({poe})"),
        ));
        let sources: Vec<&str> = l
            .revocation_sources
            .iter()
            .map(|x| source(*x, lang))
            .collect();
        let src = if sources.is_empty() {
            String::new()
        } else {
            format!(" ({})", sources.join(", "))
        };
        out.push(field(
            "Tình trạng thu hồi",
            "Revocation status",
            lang,
            format!("{}{src}", revocation(l.revocation, lang)),
        ));
    }
    change_lines(s, lang, out);
    for c in &s.checks {
        let text = match lang {
            // The algorithm check's detail is written Vietnamese first ("khóa RSA 1024 bit quá
            // ngắn: Thông tư 15/2025/TT-BKHCN …"): its first half names the size and the rule.
            Lang::Vi if c.kind == CheckKind::Algorithms => format!(
                "{}: {} — {}",
                check_kind(c.kind, lang),
                status(c.status, lang),
                c.detail.split(" / ").next().unwrap_or_default()
            ),
            Lang::Vi => format!("{}: {}", check_kind(c.kind, lang), status(c.status, lang)),
            Lang::En if c.kind == CheckKind::Algorithms => format!(
                "{}: {}",
                check_kind(c.kind, lang),
                c.detail
                    .split_once(" / ")
                    .map_or(c.detail.as_str(), |(_, en)| en)
            ),
            Lang::En => format!("{}: {}", check_kind(c.kind, lang), c.detail),
        };
        out.push(line(Style::Check(c.status), text));
    }
    let color = match s.verdict {
        hoso_sign::verify::Verdict::Valid => Color::Green,
        hoso_sign::verify::Verdict::Invalid => Color::Red,
        _ => Color::Amber,
    };
    out.push(line(
        Style::Verdict(color),
        signature_verdict(s.verdict, lang),
    ));
}

fn change_lines(s: &SignatureReport, lang: Lang, out: &mut Vec<Line>) {
    if s.changes.is_empty() {
        let none = pick(lang, "không có", "none");
        out.push(field(
            "Thay đổi sau khi ký",
            "Changes after signing",
            lang,
            none,
        ));
        return;
    }
    out.push(field(
        "Thay đổi sau khi ký",
        "Changes after signing",
        lang,
        allowed(s.modifications, lang),
    ));
    for c in &s.changes {
        let place = match (c.page, c.rect, lang) {
            (Some(p), Some(r), Lang::Vi) => format!(
                "trang {p}, vùng [{:.0} {:.0} {:.0} {:.0}]",
                r[0], r[1], r[2], r[3]
            ),
            (Some(p), Some(r), Lang::En) => format!(
                "page {p}, area [{:.0} {:.0} {:.0} {:.0}]",
                r[0], r[1], r[2], r[3]
            ),
            (Some(p), None, Lang::Vi) => format!("trang {p}"),
            (Some(p), None, Lang::En) => format!("page {p}"),
            (None, _, _) => pick(lang, "cả tài liệu", "whole document").to_owned(),
        };
        out.push(line(
            Style::Field,
            format!("  – {}: {place}", change_kind(c.kind, lang)),
        ));
    }
}

/// The whole report: title, the file, the register line, every signature, the verdict.
pub fn lines(c: &Checked, lang: Lang) -> Vec<Line> {
    let mut out = vec![line(
        Style::Title,
        pick(
            lang,
            "BIÊN BẢN KIỂM TRA CHỮ KÝ SỐ",
            "SIGNATURE VALIDATION REPORT",
        ),
    )];
    if let Some(f) = &c.file {
        out.push(field("Tệp", "File", lang, f));
    }
    if let Some(h) = &c.sha256 {
        out.push(field("Mã băm SHA-256", "SHA-256", lang, h));
    }
    if c.demo_trusted {
        out.push(line(
            Style::Warning,
            pick(
                lang,
                "CẢNH BÁO: đang tin cậy gốc DEMO, không dùng cho hồ sơ thật",
                "WARNING: the DEMO root is trusted; never for real documents",
            ),
        ));
    }
    register_line(c, lang, &mut out);
    if let Some(r) = &c.report {
        if r.signatures.is_empty() {
            out.push(line(
                Style::Field,
                pick(lang, "Không có chữ ký", "No signatures"),
            ));
        }
        if let Some(l) = r.signatures.iter().find_map(|s| s.ltv.as_ref()) {
            out.push(field(
                "Thời điểm kiểm tra",
                "Validation time",
                lang,
                &l.validation_time,
            ));
        }
        for (i, s) in r.signatures.iter().enumerate() {
            signature_lines(s, i, lang, &mut out);
        }
    }
    out.push(line(
        Style::Verdict(c.color),
        format!(
            "{}: {}",
            pick(lang, "KẾT LUẬN", "VERDICT"),
            verdict(c.verdict, lang)
        ),
    ));
    out
}

fn register_line(c: &Checked, lang: Lang, out: &mut Vec<Line>) {
    match (&c.register, &c.register_unreadable) {
        (Some(r), _) => {
            let proof = if r.proof_verified {
                pick(lang, "bằng chứng hợp lệ", "proof verified")
            } else {
                pick(lang, "BẰNG CHỨNG KHÔNG HỢP LỆ", "PROOF FAILED")
            };
            let mut parts = vec![
                format!("#{}", r.seq),
                r.time.clone(),
                r.kind.clone(),
                r.station.clone(),
            ];
            parts.extend(r.code.clone());
            parts.extend(r.copy_number.clone());
            out.push(field(
                "Sổ đăng ký",
                "Register",
                lang,
                format!("{} ({proof})", parts.join(" · ")),
            ));
            if let Some(t) = &r.title {
                out.push(field("Tiêu đề", "Title", lang, t));
            }
        }
        (None, Some(why)) => out.push(field(
            "Sổ đăng ký",
            "Register",
            lang,
            format!("{}: {why}", pick(lang, "không đọc được", "cannot be read")),
        )),
        (None, None) if matches!(c.verdict, Verdict::NoMatch | Verdict::OtherRegister) => {}
        (None, None) => out.push(field(
            "Sổ đăng ký",
            "Register",
            lang,
            pick(lang, "không có trong sổ", "not registered"),
        )),
    }
}

/// The report as plain text, one line each; with `ansi`, verdicts and marks in colour.
pub fn text(c: &Checked, lang: Lang, ansi: bool) -> String {
    let paint = |code: &str, s: &str| {
        if ansi {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    };
    let mut s = String::new();
    for l in lines(c, lang) {
        let t = match l.style {
            Style::Title => paint("1", &l.text),
            Style::Heading => format!("\n{}", paint("1", &l.text)),
            Style::Field => format!("  {}", l.text),
            Style::Check(st) => {
                let mark = match st {
                    CheckStatus::Passed => paint("32", "✔"),
                    CheckStatus::Failed => paint("31", "✘"),
                    CheckStatus::Warning => paint("33", "!"),
                    CheckStatus::NotChecked => paint("90", "–"),
                };
                format!("  {mark} {}", l.text)
            }
            Style::Verdict(col) => {
                let code = match col {
                    Color::Green => "1;32",
                    Color::Amber => "1;33",
                    Color::Red => "1;31",
                };
                format!("  => {}", paint(code, &l.text))
            }
            Style::Warning => paint("1;31", &l.text),
        };
        s.push_str(&t);
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::sample;

    #[test]
    fn one_language_per_report_with_what_a_clerk_files() {
        let c = sample::checked(Verdict::VisualChange);
        let vi = text(&c, Lang::Vi, false);
        let en = text(&c, Lang::En, false);
        for needle in [
            "Người ký: CN=Nguyễn Thị Hương",
            "Tổ chức cấp chứng thư: CN=Cục Chứng thực số",
            "Thời hạn chứng thư: 2026-01-01T07:00:00+07:00 → 2028-01-01T06:59:59+07:00",
            "Thời điểm ký khai báo: 2026-12-07T09:30:00+07:00",
            "Thời điểm ký theo dấu thời gian: 2026-12-07T09:30:02+07:00",
            "hình ảnh trang khác: trang 1, vùng [20 20 170 70]",
            "KẾT LUẬN: CẦN LƯU Ý",
        ] {
            assert!(vi.contains(needle), "{needle:?} in\n{vi}");
        }
        for needle in [
            "Signer: CN=",
            "Issuer: CN=",
            "Certificate validity: ",
            "VERDICT: TAKE NOTE",
        ] {
            assert!(en.contains(needle), "{needle:?} in\n{en}");
        }
        // No "vi / en" lines once a language is chosen.
        for (t, other) in [
            (&vi, ["Signer", "Issuer", "VERDICT", " / "]),
            (&en, ["Người ký", "KẾT LUẬN", "Thời", " / "]),
        ] {
            for w in other {
                assert!(!t.contains(w), "{w:?} in\n{t}");
            }
        }
    }
}
