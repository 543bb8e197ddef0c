//! The report as PDF/A-2b: one A4 page per month with the figures (Vietnamese, English beside)
//! and four charts drawn as vector bars — the three shares, received and resolved per day,
//! received per station, copies by form — with hoso-pdf's writer and its embedded Tinos font.

use hoso_pdf::font::{self, FontError, FontSubset};
use hoso_pdf::{DocumentInfo, DossierWriter};

use super::csv::{indicators, value};
use super::{Breakdown, MonthFigures, Report};

/// A4 in points (ISO 216).
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 50.0;
/// Bar colours (DeviceRGB under the sRGB output intent).
const BLUE: &str = "0.12 0.35 0.65";
const GREEN: &str = "0.1 0.55 0.25";
const GREY: &str = "0.6 0.6 0.6";

/// One page's content stream being drawn.
struct Page<'s, 'f> {
    ops: String,
    subset: &'s mut FontSubset<'f>,
}

impl Page<'_, '_> {
    fn text(&mut self, x: f32, y: f32, size: f32, s: &str) -> Result<(), FontError> {
        let (s, _) = self.subset.filter_supported(s);
        let hex: String = self
            .subset
            .encode(&s)?
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        self.ops.push_str(&format!(
            "BT 0 0 0 rg /F1 {size} Tf 1 0 0 1 {x:.2} {y:.2} Tm <{hex}> Tj ET\n"
        ));
        Ok(())
    }

    fn text_right(&mut self, right: f32, y: f32, size: f32, s: &str) -> Result<(), FontError> {
        let w = self.subset.font().width(s, size)?;
        self.text(right - w, y, size, s)
    }

    fn bar(&mut self, x: f32, y: f32, w: f32, h: f32, rgb: &str) {
        self.ops
            .push_str(&format!("{rgb} rg {x:.2} {y:.2} {w:.2} {h:.2} re f\n"));
    }

    fn axis(&mut self, x: f32, y: f32, w: f32) {
        self.ops.push_str(&format!(
            "0 0 0 RG 0.5 w {x:.2} {y:.2} m {:.2} {y:.2} l S\n",
            x + w
        ));
    }
}

/// The table of indicators: name (vi / en) left, value and unit right.
fn figures(p: &mut Page<'_, '_>, m: &MonthFigures, mut y: f32) -> Result<f32, FontError> {
    for i in indicators() {
        p.text(MARGIN, y, 9.5, &format!("{} / {}", i.vi, i.en))?;
        p.text_right(PAGE_W - MARGIN - 50.0, y, 9.5, &value(m, i.code))?;
        p.text(PAGE_W - MARGIN - 44.0, y, 9.5, i.unit)?;
        y -= 14.0;
    }
    Ok(y)
}

/// Horizontal bars, one per `(label, value)`, scaled to `max`.
fn hbars(
    p: &mut Page<'_, '_>,
    title: &str,
    rows: &[(String, f64)],
    max: f64,
    (x, y, w): (f32, f32, f32),
    rgb: &str,
) -> Result<f32, FontError> {
    p.text(x, y, 10.5, title)?;
    let mut y = y - 16.0;
    let label_w = 110.0;
    for (label, v) in rows {
        p.text(x, y + 1.0, 8.5, label)?;
        let len = if max > 0.0 { (v / max) as f32 } else { 0.0 };
        let bar_w = (w - label_w - 40.0) * len.clamp(0.0, 1.0);
        p.bar(x + label_w, y, bar_w.max(0.5), 9.0, rgb);
        p.text(x + label_w + bar_w + 4.0, y + 1.0, 8.5, &format_value(*v))?;
        y -= 14.0;
    }
    Ok(y)
}

fn format_value(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Received (blue) and resolved (green) dossiers per day, as paired vertical bars.
fn per_day(p: &mut Page<'_, '_>, days: &[Breakdown], y: f32) -> Result<f32, FontError> {
    p.text(
        MARGIN,
        y,
        10.5,
        "Hồ sơ tiếp nhận (xanh lam) và đã giải quyết (xanh lá) theo ngày / received and resolved per day",
    )?;
    let (h, base) = (90.0, y - 20.0 - 90.0);
    let max = days
        .iter()
        .map(|d| d.received.max(d.resolved))
        .max()
        .unwrap_or(0)
        .max(1);
    let slot = (PAGE_W - 2.0 * MARGIN - 20.0) / days.len().max(1) as f32;
    p.text_right(MARGIN + 16.0, base + h - 6.0, 8.0, &max.to_string())?;
    for (i, d) in days.iter().enumerate() {
        let x = MARGIN + 20.0 + slot * i as f32;
        let bw = (slot * 0.4).max(0.5);
        p.bar(x, base, bw, h * d.received as f32 / max as f32, BLUE);
        p.bar(x + bw, base, bw, h * d.resolved as f32 / max as f32, GREEN);
        let day = d.key.get(8..10).unwrap_or("");
        if i % 5 == 0 || i + 1 == days.len() {
            p.text(x, base - 10.0, 7.5, day)?;
        }
    }
    p.axis(MARGIN + 20.0, base, PAGE_W - 2.0 * MARGIN - 20.0);
    Ok(base - 24.0)
}

/// One month's page.
fn month_page(
    subset: &mut FontSubset<'_>,
    report: &Report,
    m: &MonthFigures,
) -> Result<Vec<u8>, FontError> {
    let mut p = Page {
        ops: String::new(),
        subset,
    };
    let (year, month) = (
        m.month.get(..4).unwrap_or(""),
        m.month.get(5..7).unwrap_or(""),
    );
    let mut y = PAGE_H - MARGIN - 10.0;
    p.text(
        MARGIN,
        y,
        15.0,
        &format!("Báo cáo chỉ tiêu Quyết định 766/QĐ-TTg — tháng {month}/{year}"),
    )?;
    y -= 16.0;
    let station = match &report.station {
        Some(s) => format!(" — trạm / station {s}"),
        None => String::new(),
    };
    p.text(
        MARGIN,
        y,
        9.0,
        &format!(
            "Decision 766/QĐ-TTg indicators, {} to {}{station}; lập lúc / made {}",
            m.from, m.to, report.generated
        ),
    )?;
    y = figures(&mut p, m, y - 22.0)? - 8.0;
    let shares = [
        ("Có thành phần số hóa".to_owned(), m.digitized_share()),
        ("Tái sử dụng".to_owned(), m.reuse_share()),
        ("Kết quả số hóa".to_owned(), m.result_share()),
    ];
    y = hbars(
        &mut p,
        "Tỷ lệ (%) / shares (%)",
        &shares,
        100.0,
        (MARGIN, y, PAGE_W - 2.0 * MARGIN),
        BLUE,
    )? - 6.0;
    y = per_day(&mut p, &m.by_day, y)?;
    let stations: Vec<(String, f64)> = m
        .by_station
        .iter()
        .take(8)
        .map(|s| (s.key.clone(), s.received as f64))
        .collect();
    let smax = stations.iter().map(|s| s.1).fold(0.0, f64::max);
    let half = (PAGE_W - 2.0 * MARGIN) / 2.0;
    hbars(
        &mut p,
        "Hồ sơ tiếp nhận theo trạm / per station",
        &stations,
        smax,
        (MARGIN, y, half - 10.0),
        BLUE,
    )?;
    let copies: Vec<(String, f64)> = ["SY", "SL", "TrS"]
        .iter()
        .map(|f| {
            (
                format!("Bản sao {f}"),
                m.copies.get(*f).copied().unwrap_or(0) as f64,
            )
        })
        .collect();
    let cmax = copies.iter().map(|c| c.1).fold(0.0, f64::max);
    hbars(
        &mut p,
        "Bản sao theo hình thức / copies by form",
        &copies,
        cmax,
        (MARGIN + half + 10.0, y, half - 10.0),
        GREY,
    )?;
    Ok(p.ops.into_bytes())
}

/// The report as PDF/A-2b bytes: one page per month.
pub fn render(report: &Report, created: time::OffsetDateTime) -> std::io::Result<Vec<u8>> {
    let mut subset = FontSubset::new(font::tinos_static());
    let pages = report
        .months
        .iter()
        .map(|m| month_page(&mut subset, report, m))
        .collect::<Result<Vec<_>, _>>()
        .map_err(std::io::Error::other)?;
    let mut w = DossierWriter::new(Vec::new())?;
    let font_id = w.alloc().bump();
    for content in &pages {
        w.add_content_page(PAGE_W, PAGE_H, content, &[("F1", font_id)])?;
    }
    subset
        .write_as(font_id, &mut w)
        .map_err(std::io::Error::other)?;
    let info = DocumentInfo {
        title: format!(
            "Báo cáo chỉ tiêu Quyết định 766/QĐ-TTg {} – {}",
            report.from, report.to
        ),
        author: None,
        subject: Some("Decision 766/QĐ-TTg indicators".into()),
        keywords: None,
        creator_tool: "hoso report".into(),
        producer: "hoso-pdf".into(),
        language: "vi".into(),
        created,
    };
    w.finish(&info, None)
}
