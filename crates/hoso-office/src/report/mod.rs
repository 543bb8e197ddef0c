//! `hoso report`: the Decision 766/QĐ-TTg indicators (REGULATIONS.md §6) per month, read from
//! the register's report facts — dossiers received, the share with digitized components, the
//! share reusing digitized components, dossiers resolved, the share whose result is digitized,
//! outgoing documents signed and copies issued by form, per station and per day.
//!
//! Start from [`Period`] and [`report`]; write with [`write`] (`.json`, `.csv` or `.pdf` by the
//! output's extension). [`csv`] writes one row per indicator and month and reads it back;
//! [`pdf`] draws one PDF/A-2b page of figures and charts per month.
//!
//! What counts (the register's facts, see `hoso_register::Role`):
//! - a dossier is *received* in the month of its earliest `received_on` date, and *resolved*
//!   in the month of its latest `resolved_on` date;
//! - it *has digitized components* when one of its entries is a digitized component, *reuses*
//!   when one is a reused component (the same file registered earlier for another dossier),
//!   and its *result is digitized* when one of its entries is a result;
//! - outgoing signed documents and copies are counted by the day they were registered.

pub mod csv;
pub mod pdf;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use hoso_register::{DossierFacts, Register, Role, Tally};
use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::config::Config;
use crate::error::OfficeError;

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A month is not `YYYY-MM` or a day not `YYYY-MM-DD`.
    #[error("thời gian {0:?} không đúng dạng (YYYY-MM hoặc YYYY-MM-DD) / {0:?} is not YYYY-MM or YYYY-MM-DD")]
    BadDate(String),
    /// The period ends before it starts, or spans more than ten years.
    #[error(
        "khoảng thời gian từ {from} đến {to} không hợp lệ / the period {from} – {to} is not valid"
    )]
    BadPeriod {
        /// First day.
        from: String,
        /// Last day.
        to: String,
    },
    /// The output's extension is none of `.json`, `.csv`, `.pdf`.
    #[error("tệp báo cáo phải có đuôi .pdf, .csv hoặc .json: {0} / the report file must end in .pdf, .csv or .json")]
    Extension(PathBuf),
    /// A CSV report cannot be read back.
    #[error(
        "tệp CSV báo cáo sai dạng ở dòng {line}: {reason} / malformed report CSV at line {line}"
    )]
    Csv {
        /// Line number, from 1.
        line: usize,
        /// What is wrong.
        reason: &'static str,
    },
}

/// The days a report covers, inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
}

fn parse_day(s: &str) -> Result<Date, ReportError> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), &fmt).map_err(|_| ReportError::BadDate(s.to_owned()))
}

fn parse_month(s: &str) -> Result<(i32, Month), ReportError> {
    let bad = || ReportError::BadDate(s.to_owned());
    let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(bad());
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u8 = m.parse().map_err(|_| bad())?;
    Ok((year, Month::try_from(month).map_err(|_| bad())?))
}

/// `YYYY-MM-DD`.
pub fn day_string(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Today in Vietnam time, `YYYY-MM-DD`.
pub fn today_vietnam() -> String {
    day_string(hoso_register::time::vietnam_now().date())
}

impl Period {
    /// One calendar month, `YYYY-MM`.
    pub fn month(month: &str) -> Result<Self, ReportError> {
        let (year, m) = parse_month(month)?;
        let bad = || ReportError::BadDate(month.to_owned());
        let from = Date::from_calendar_date(year, m, 1).map_err(|_| bad())?;
        let to = Date::from_calendar_date(year, m, m.length(year)).map_err(|_| bad())?;
        Ok(Self { from, to })
    }

    /// `--from`/`--to`: each a day (`YYYY-MM-DD`) or a month (`YYYY-MM`: its first day for
    /// `from`, its last for `to`).
    pub fn between(from: &str, to: &str) -> Result<Self, ReportError> {
        let from = parse_day(from).or_else(|_| Self::month(from).map(|p| p.from))?;
        let to = parse_day(to).or_else(|_| Self::month(to).map(|p| p.to))?;
        let p = Self { from, to };
        if to < from || (to - from).whole_days() > 3660 {
            return Err(ReportError::BadPeriod {
                from: day_string(from),
                to: day_string(to),
            });
        }
        Ok(p)
    }

    /// The calendar months the period touches, each cut to the period.
    pub fn months(&self) -> Vec<Period> {
        let mut out = Vec::new();
        let mut start = self.from;
        while start <= self.to {
            let (y, m) = (start.year(), start.month());
            let last = Date::from_calendar_date(y, m, m.length(y)).unwrap_or(start);
            let to = last.min(self.to);
            out.push(Period { from: start, to });
            match last.next_day() {
                Some(next) => start = next,
                None => break,
            }
        }
        out
    }
}

/// Figures of one day (or one station).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    /// The day `YYYY-MM-DD` or the station name.
    pub key: String,
    /// Dossiers received.
    pub received: u64,
    /// Dossiers resolved.
    pub resolved: u64,
    /// Outgoing documents signed.
    pub outgoing_signed: u64,
    /// Copies issued (all forms).
    pub copies: u64,
}

/// The indicators of one month.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    /// First and last day counted (the period may cut the month).
    pub from: String,
    /// Last day counted.
    pub to: String,
    /// Dossiers received.
    pub received: u64,
    /// Of those, with at least one digitized component.
    pub received_with_digitized: u64,
    /// Of those, reusing at least one digitized component.
    pub received_with_reuse: u64,
    /// Dossiers resolved.
    pub resolved: u64,
    /// Of those, with a digitized result.
    pub resolved_with_digitized_result: u64,
    /// Outgoing documents signed.
    pub outgoing_signed: u64,
    /// Copies issued by form: `SY`, `SL`, `TrS`.
    pub copies: BTreeMap<String, u64>,
    /// Per receiving station.
    pub by_station: Vec<Breakdown>,
    /// Per day of the month.
    pub by_day: Vec<Breakdown>,
}

/// A share in percent, one decimal; 0 when there is nothing to share.
pub fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

impl MonthFigures {
    /// % of received dossiers with digitized components.
    pub fn digitized_share(&self) -> f64 {
        percent(self.received_with_digitized, self.received)
    }
    /// % of received dossiers reusing digitized components.
    pub fn reuse_share(&self) -> f64 {
        percent(self.received_with_reuse, self.received)
    }
    /// % of resolved dossiers whose result is digitized.
    pub fn result_share(&self) -> f64 {
        percent(self.resolved_with_digitized_result, self.resolved)
    }
    /// Copies of every form.
    pub fn copies_total(&self) -> u64 {
        self.copies.values().sum()
    }
}

/// A whole report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Only this station, when asked.
    pub station: Option<String>,
    /// The register read.
    pub register: PathBuf,
    /// Its size when read.
    pub entries: u64,
    /// When made, ISO 8601 +07:00.
    pub generated: String,
    /// One per month.
    pub months: Vec<MonthFigures>,
}

fn in_period(day: Option<&str>, p: &Period) -> Option<String> {
    let d = day?;
    let d = parse_day(d).ok()?;
    (p.from <= d && d <= p.to).then(|| day_string(d))
}

fn breakdown<'a>(map: &'a mut BTreeMap<String, Breakdown>, key: &str) -> &'a mut Breakdown {
    map.entry(key.to_owned()).or_insert_with(|| Breakdown {
        key: key.to_owned(),
        ..Default::default()
    })
}

/// Adds the dossiers to the month's figures.
fn count_dossiers(
    m: &mut MonthFigures,
    dossiers: &[DossierFacts],
    p: &Period,
    days: &mut BTreeMap<String, Breakdown>,
    stations: &mut BTreeMap<String, Breakdown>,
) {
    for d in dossiers {
        if let Some(day) = in_period(d.received_on.as_deref(), p) {
            m.received += 1;
            m.received_with_digitized += u64::from(d.digitized);
            m.received_with_reuse += u64::from(d.reused);
            breakdown(days, &day).received += 1;
            breakdown(stations, &d.station).received += 1;
        }
        if let Some(day) = in_period(d.resolved_on.as_deref(), p) {
            m.resolved += 1;
            m.resolved_with_digitized_result += u64::from(d.result);
            breakdown(days, &day).resolved += 1;
            breakdown(stations, &d.station).resolved += 1;
        }
    }
}

/// Adds the entries counted per day to the month's figures.
fn count_tallies(
    m: &mut MonthFigures,
    tallies: &[Tally],
    days: &mut BTreeMap<String, Breakdown>,
    stations: &mut BTreeMap<String, Breakdown>,
) {
    for t in tallies {
        match (t.role, t.copy_form) {
            (Role::Outgoing, _) => {
                m.outgoing_signed += t.count;
                breakdown(days, &t.day).outgoing_signed += t.count;
                breakdown(stations, &t.station).outgoing_signed += t.count;
            }
            (Role::Copy, Some(form)) => {
                *m.copies.entry(form.symbol().to_owned()).or_default() += t.count;
                breakdown(days, &t.day).copies += t.count;
                breakdown(stations, &t.station).copies += t.count;
            }
            _ => {}
        }
    }
}

/// The figures of one month (cut to `p`), only `station`'s when given.
pub fn month_figures(
    reg: &Register,
    p: &Period,
    station: Option<&str>,
) -> Result<MonthFigures, OfficeError> {
    let (from, to) = (day_string(p.from), day_string(p.to));
    let mut dossiers = reg.dossier_facts(&from, &to)?;
    let mut tallies = reg.tallies(&from, &to)?;
    if let Some(s) = station {
        dossiers.retain(|d| d.station == s);
        tallies.retain(|t| t.station == s);
    }
    let mut m = MonthFigures {
        month: from[..7].to_owned(),
        from,
        to,
        copies: ["SY", "SL", "TrS"].map(|f| (f.to_owned(), 0)).into(),
        ..Default::default()
    };
    let mut days: BTreeMap<String, Breakdown> = BTreeMap::new();
    let mut d = p.from;
    while d <= p.to {
        breakdown(&mut days, &day_string(d));
        d = match d.next_day() {
            Some(n) => n,
            None => break,
        };
    }
    let mut stations = BTreeMap::new();
    count_dossiers(&mut m, &dossiers, p, &mut days, &mut stations);
    count_tallies(&mut m, &tallies, &mut days, &mut stations);
    m.by_day = days.into_values().collect();
    m.by_station = stations.into_values().collect();
    Ok(m)
}

/// The report of `period` from an open register.
pub fn report_from(
    reg: &Register,
    period: &Period,
    station: Option<&str>,
) -> Result<Report, OfficeError> {
    let months = period
        .months()
        .iter()
        .map(|p| month_figures(reg, p, station))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Report {
        from: day_string(period.from),
        to: day_string(period.to),
        station: station.map(str::to_owned),
        register: reg.path().to_path_buf(),
        entries: reg.size()?,
        generated: hoso_register::time::format_vietnam(hoso_register::time::vietnam_now()),
        months,
    })
}

/// The report of `period` from the configured register (an older register is migrated in
/// place first; nothing else is written).
pub fn report(
    config: &Config,
    period: &Period,
    station: Option<&str>,
) -> Result<Report, OfficeError> {
    if !config.register.exists() {
        return Err(OfficeError::NoRegister(config.register.clone()));
    }
    let reg = match Register::open_read_only(&config.register) {
        Err(hoso_register::RegisterError::NeedsMigration { .. }) => {
            Register::open(&config.register)?
        }
        other => other?,
    };
    report_from(&reg, period, station)
}

/// The output formats, by extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `.json`: the [`Report`].
    Json,
    /// `.csv`: one row per indicator and month.
    Csv,
    /// `.pdf`: PDF/A-2b, one page per month.
    Pdf,
}

impl Format {
    /// The format an output path asks for.
    pub fn of(path: &Path) -> Result<Self, ReportError> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("json") => Ok(Self::Json),
            Some("csv") => Ok(Self::Csv),
            Some("pdf") => Ok(Self::Pdf),
            _ => Err(ReportError::Extension(path.to_path_buf())),
        }
    }
}

/// The report's bytes in `format`.
pub fn render(report: &Report, format: Format) -> std::io::Result<Vec<u8>> {
    match format {
        Format::Json => serde_json::to_vec_pretty(report).map_err(std::io::Error::other),
        Format::Csv => Ok(csv::to_csv(report).into_bytes()),
        Format::Pdf => pdf::render(report, time::OffsetDateTime::now_utc()),
    }
}

/// Writes the report to `out` in the format its extension names (temporary file, then rename).
pub fn write(report: &Report, out: &Path) -> Result<Format, OfficeError> {
    let format = Format::of(out)?;
    let err = |source| OfficeError::Write {
        path: out.to_path_buf(),
        source,
    };
    let bytes = render(report, format).map_err(err)?;
    let mut f = hoso_pdf::atomic::AtomicFile::create(out).map_err(err)?;
    f.file_mut()
        .and_then(|w| w.write_all(&bytes))
        .map_err(err)?;
    f.commit().map_err(err)?;
    Ok(format)
}
