//! Times as hoso shows them: Vietnam time (+07:00), ISO 8601 for people, PDF dates for `/M`
//! (ISO 32000-1 §7.9.4).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `2026-11-29T09:15:02+07:00` (the workspace's one Vietnam-time helper, in hoso-pdf).
pub fn iso8601_vn(t: SystemTime) -> String {
    hoso_pdf::iso8601_vietnam_system(t)
}

/// `D:20261129091502+07'00'` (ISO 32000-1 §7.9.4).
pub fn pdf_date_vn(t: SystemTime) -> String {
    let d = hoso_pdf::common::system_to_vietnam(t);
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}+07'00'",
        d.year(),
        u8::from(d.month()),
        d.day(),
        d.hour(),
        d.minute(),
        d.second()
    )
}

/// Parses a PDF date (`D:YYYYMMDDHHmmSSOHH'mm'`, trailing parts optional) into an instant.
pub fn parse_pdf_date(s: &str) -> Option<SystemTime> {
    let s = s.strip_prefix("D:").unwrap_or(s);
    let num = |a: usize, b: usize, d: u32| -> Option<u32> {
        match s.get(a..b) {
            Some(x) => x.parse().ok(),
            None => Some(d),
        }
    };
    let year = u16::try_from(num(0, 4, 0)?).ok()?;
    let dt = der::DateTime::new(
        year,
        num(4, 6, 1)? as u8,
        num(6, 8, 1)? as u8,
        num(8, 10, 0)? as u8,
        num(10, 12, 0)? as u8,
        num(12, 14, 0)? as u8,
    )
    .ok()?;
    let base = dt.unix_duration().as_secs() as i64;
    let offset = match s.get(14..15) {
        Some("+") | Some("-") => {
            let sign = if &s[14..15] == "+" { 1 } else { -1 };
            let hh: i64 = s.get(15..17)?.parse().ok()?;
            let mm: i64 = s.get(18..20).and_then(|m| m.parse().ok()).unwrap_or(0);
            sign * (hh * 3600 + mm * 60)
        }
        _ => 0,
    };
    let utc = u64::try_from(base - offset).ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnam_time_formats_and_round_trips() {
        // 2026-11-29T02:15:02Z
        let t = UNIX_EPOCH + Duration::from_secs(1_795_918_502);
        assert_eq!(iso8601_vn(t), "2026-11-29T09:15:02+07:00");
        let p = pdf_date_vn(t);
        assert_eq!(p, "D:20261129091502+07'00'");
        assert_eq!(parse_pdf_date(&p), Some(t));
    }
}
