//! The report as CSV for the provincial spreadsheet: one row per indicator and month
//! (RFC 4180: comma-separated, CRLF line ends, fields with a comma or quote quoted), and the
//! reading back of such a file (the figures round-trip; shares are recomputed).

use std::collections::BTreeMap;

use super::{MonthFigures, Report, ReportError};

/// The header row.
pub const HEADER: &str =
    "thang/month,ma_chi_tieu/indicator,chi_tieu,indicator,gia_tri/value,don_vi/unit";

/// One indicator: its code, its Vietnamese and English names, its unit.
pub struct Indicator {
    /// Stable code, the CSV key.
    pub code: &'static str,
    /// Vietnamese name.
    pub vi: &'static str,
    /// English name.
    pub en: &'static str,
    /// `hồ sơ`, `văn bản`, `bản`, `%`.
    pub unit: &'static str,
}

const fn ind(
    code: &'static str,
    vi: &'static str,
    en: &'static str,
    unit: &'static str,
) -> Indicator {
    Indicator { code, vi, en, unit }
}

/// The indicators, in report order (Decision 766/QĐ-TTg, REGULATIONS.md §6).
pub const INDICATORS: [Indicator; 12] = [
    ind(
        "received",
        "Số hồ sơ tiếp nhận",
        "Dossiers received",
        "hồ sơ",
    ),
    ind(
        "received_with_digitized",
        "Hồ sơ có thành phần được số hóa",
        "Dossiers with digitized components",
        "hồ sơ",
    ),
    ind(
        "digitized_share",
        "Tỷ lệ hồ sơ có thành phần số hóa",
        "Share with digitized components",
        "%",
    ),
    ind(
        "received_with_reuse",
        "Hồ sơ tái sử dụng thành phần đã số hóa",
        "Dossiers reusing digitized components",
        "hồ sơ",
    ),
    ind(
        "reuse_share",
        "Tỷ lệ hồ sơ tái sử dụng",
        "Share reusing digitized components",
        "%",
    ),
    ind(
        "resolved",
        "Số hồ sơ đã giải quyết",
        "Dossiers resolved",
        "hồ sơ",
    ),
    ind(
        "resolved_with_digitized_result",
        "Hồ sơ có kết quả được số hóa",
        "Resolved with digitized result",
        "hồ sơ",
    ),
    ind(
        "result_share",
        "Tỷ lệ kết quả được số hóa",
        "Share of results digitized",
        "%",
    ),
    ind(
        "outgoing_signed",
        "Văn bản đi đã ký số",
        "Outgoing documents signed",
        "văn bản",
    ),
    ind("copies_SY", "Bản sao y (SY)", "Copies: sao y (SY)", "bản"),
    ind(
        "copies_SL",
        "Bản sao lục (SL)",
        "Copies: sao lục (SL)",
        "bản",
    ),
    ind(
        "copies_TrS",
        "Bản trích sao (TrS)",
        "Copies: trích sao (TrS)",
        "bản",
    ),
];

/// Every indicator, in report order.
pub fn indicators() -> impl Iterator<Item = &'static Indicator> {
    INDICATORS.iter()
}

/// An indicator's value in a month, as written (counts as integers, shares with one decimal).
pub fn value(m: &MonthFigures, code: &str) -> String {
    let copies = |f: &str| m.copies.get(f).copied().unwrap_or(0).to_string();
    match code {
        "received" => m.received.to_string(),
        "received_with_digitized" => m.received_with_digitized.to_string(),
        "digitized_share" => format!("{:.1}", m.digitized_share()),
        "received_with_reuse" => m.received_with_reuse.to_string(),
        "reuse_share" => format!("{:.1}", m.reuse_share()),
        "resolved" => m.resolved.to_string(),
        "resolved_with_digitized_result" => m.resolved_with_digitized_result.to_string(),
        "result_share" => format!("{:.1}", m.result_share()),
        "outgoing_signed" => m.outgoing_signed.to_string(),
        "copies_SY" => copies("SY"),
        "copies_SL" => copies("SL"),
        "copies_TrS" => copies("TrS"),
        _ => String::new(),
    }
}

fn field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The CSV text.
pub fn to_csv(report: &Report) -> String {
    let mut out = format!("{HEADER}\r\n");
    for m in &report.months {
        for i in indicators() {
            let row = [
                m.month.as_str(),
                i.code,
                i.vi,
                i.en,
                &value(m, i.code),
                i.unit,
            ];
            let row: Vec<String> = row.iter().map(|f| field(f)).collect();
            out.push_str(&row.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

/// Splits one CSV line into fields (quoted fields may hold commas and doubled quotes).
fn split(line: &str, n: usize) -> Result<Vec<String>, ReportError> {
    let bad = |reason| ReportError::Csv { line: n, reason };
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let cur = fields.last_mut().ok_or(bad("empty"))?;
        match (c, quoted) {
            ('"', false) if cur.is_empty() => quoted = true,
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            ('"', true) => quoted = false,
            (',', false) => fields.push(String::new()),
            (c, _) => cur.push(c),
        }
    }
    if quoted {
        return Err(bad("unclosed quote"));
    }
    Ok(fields)
}

fn set(m: &mut MonthFigures, code: &str, v: &str, n: usize) -> Result<(), ReportError> {
    if code.ends_with("_share") {
        return Ok(()); // recomputed from the counts
    }
    let count: u64 = v.parse().map_err(|_| ReportError::Csv {
        line: n,
        reason: "value is not a count",
    })?;
    match code {
        "received" => m.received = count,
        "received_with_digitized" => m.received_with_digitized = count,
        "received_with_reuse" => m.received_with_reuse = count,
        "resolved" => m.resolved = count,
        "resolved_with_digitized_result" => m.resolved_with_digitized_result = count,
        "outgoing_signed" => m.outgoing_signed = count,
        c if c.starts_with("copies_") => {
            m.copies.insert(c["copies_".len()..].to_owned(), count);
        }
        _ => {
            return Err(ReportError::Csv {
                line: n,
                reason: "unknown indicator",
            })
        }
    }
    Ok(())
}

/// Reads a report CSV back into per-month figures (without the per-day and per-station
/// breakdowns, which the CSV does not carry).
pub fn from_csv(text: &str) -> Result<Vec<MonthFigures>, ReportError> {
    let mut months: BTreeMap<String, MonthFigures> = BTreeMap::new();
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, h)) if h.trim_end_matches('\r') == HEADER => {}
        _ => {
            return Err(ReportError::Csv {
                line: 1,
                reason: "missing header",
            })
        }
    }
    for (i, line) in lines {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        let f = split(line, i + 1)?;
        if f.len() != 6 {
            return Err(ReportError::Csv {
                line: i + 1,
                reason: "expected 6 fields",
            });
        }
        let m = months.entry(f[0].clone()).or_insert_with(|| MonthFigures {
            month: f[0].clone(),
            ..Default::default()
        });
        set(m, &f[1], &f[4], i + 1)?;
    }
    Ok(months.into_values().collect())
}
