//! Báo cáo: the Decision 766/QĐ-TTg indicators over a period, from hoso-office's report flow —
//! the one `hoso report --from --to` runs — shown on screen and written as PDF/A, CSV and JSON
//! into the workspace's `bao-cao/` folder, where the officer opens them (by id, as every file
//! the app wrote).

use hoso_office::report::{self, csv::indicators, Period, Report};
use serde::Serialize;
use tauri::{AppHandle, Manager};

use super::blocking;
use crate::error::AppError;
use crate::office::{Document, Office};

/// The folder of the workspace the reports are written into.
pub const REPORT_FOLDER: &str = "bao-cao";

/// The period the screen proposes: this month up to today, in Vietnam time (the register's
/// dates are Vietnam dates, whatever the computer's time zone).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DefaultPeriod {
    /// The month's first day, `YYYY-MM-DD`.
    pub from: String,
    /// Today, `YYYY-MM-DD`.
    pub to: String,
}

/// One indicator with its value in each month of the report, as the CSV writes it.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorRow {
    /// Stable code (`received`, `copies_SY`, …).
    pub code: &'static str,
    /// Vietnamese name.
    pub vi: &'static str,
    /// English name.
    pub en: &'static str,
    /// `hồ sơ`, `văn bản`, `bản` or `%`.
    pub unit: &'static str,
    /// One value per month, in the order of `report.months`.
    pub values: Vec<String>,
}

/// A report made and written.
#[derive(Debug, Clone, Serialize)]
pub struct ReportMade {
    /// The figures (per month, per day, per station).
    pub report: Report,
    /// The indicators table.
    pub rows: Vec<IndicatorRow>,
    /// The files written: PDF/A, CSV, JSON, in that order.
    pub files: Vec<Document>,
}

/// This month up to today, in Vietnam time.
pub fn default_period() -> DefaultPeriod {
    let to = report::today_vietnam();
    DefaultPeriod {
        from: format!("{}-01", &to[..7]),
        to,
    }
}

/// The indicators table of `made`.
pub fn rows(made: &Report) -> Vec<IndicatorRow> {
    indicators()
        .map(|i| IndicatorRow {
            code: i.code,
            vi: i.vi,
            en: i.en,
            unit: i.unit,
            values: made
                .months
                .iter()
                .map(|m| report::csv::value(m, i.code))
                .collect(),
        })
        .collect()
}

/// The report of `from`–`to` (days `YYYY-MM-DD` or months `YYYY-MM`) over every station,
/// written as `bao-cao/bao-cao-<from>-den-<to>.{pdf,csv,json}` in the workspace (a report of the
/// same period made earlier is replaced: it is derived from the register).
pub fn make_report(office: &Office, from: &str, to: &str) -> Result<ReportMade, AppError> {
    let period = Period::between(from, to).map_err(hoso_office::OfficeError::from)?;
    let made = report::report(&office.config(), &period, None)?;
    let dir = office.workspace().join(REPORT_FOLDER);
    std::fs::create_dir_all(&dir).map_err(|source| hoso_office::OfficeError::Write {
        path: dir.clone(),
        source,
    })?;
    let stem = format!("bao-cao-{}-den-{}", made.from, made.to);
    let mut files = Vec::new();
    for ext in ["pdf", "csv", "json"] {
        let out = dir.join(format!("{stem}.{ext}"));
        report::write(&made, &out)?;
        files.push(office.add_document(out, None, None));
    }
    Ok(ReportMade {
        rows: rows(&made),
        report: made,
        files,
    })
}

/// The period the Báo cáo screen starts with.
#[tauri::command]
pub async fn report_period() -> Result<DefaultPeriod, AppError> {
    Ok(default_period())
}

/// Makes the report of `from`–`to` and writes its files (see [`make_report`]).
#[tauri::command]
pub async fn make_report_files(
    app: AppHandle,
    from: String,
    to: String,
) -> Result<ReportMade, AppError> {
    blocking(move || make_report(&app.state::<Office>(), &from, &to)).await?
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoso_office::register::{open_register, register_file, EntryKind, NewEntry, Role};

    fn office(ws: &std::path::Path) -> Office {
        Office::for_tests(ws)
    }

    /// Registers a file with these bytes as `entry`.
    fn add(office: &Office, name: &str, bytes: &[u8], entry: NewEntry) {
        let file = office.workspace().join(name);
        std::fs::write(&file, bytes).expect("file");
        let mut reg = open_register(&office.config()).expect("register");
        register_file(&mut reg, &file, entry).expect("registered");
    }

    #[test]
    fn the_report_counts_what_the_register_holds_in_the_period_and_writes_three_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let office = office(dir.path());
        let today = report::today_vietnam();
        // Three dossiers received: two in the period with digitized components (one of them
        // resolved with a digitized result), one in 2020, outside it.
        let dossier = |code: &str, on: &str| {
            NewEntry::new(EntryKind::Dossier, [0; 32])
                .with_dossier_code(code)
                .with_role(Role::Digitized)
                .with_received_on(on)
        };
        add(&office, "a.pdf", b"a", dossier("HS-1", &today));
        add(&office, "b.pdf", b"b", dossier("HS-2", &today));
        add(&office, "c.pdf", b"c", dossier("HS-3", "2020-01-15"));
        let result = NewEntry::new(EntryKind::Signed, [0; 32])
            .with_dossier_code("HS-1")
            .with_role(Role::Result)
            .with_resolved_on(&today);
        add(&office, "a-kq.pdf", b"a result", result);
        // Two outgoing signed documents today.
        add(
            &office,
            "d.pdf",
            b"d",
            NewEntry::new(EntryKind::Signed, [0; 32]),
        );
        add(
            &office,
            "e.pdf",
            b"e",
            NewEntry::new(EntryKind::Signed, [0; 32]),
        );

        let period = default_period();
        assert_eq!(period.to, today);
        let made = make_report(&office, &period.from, &period.to).expect("report");
        let value = |code: &str| {
            let row = made.rows.iter().find(|r| r.code == code).expect(code);
            assert_eq!(row.values.len(), 1, "one month");
            row.values[0].clone()
        };
        assert_eq!(value("received"), "2");
        assert_eq!(value("received_with_digitized"), "2");
        assert_eq!(value("digitized_share"), "100.0");
        assert_eq!(value("received_with_reuse"), "0");
        assert_eq!(value("resolved"), "1");
        assert_eq!(value("resolved_with_digitized_result"), "1");
        // The result is signed too: it counts as a signed entry, not as outgoing.
        assert_eq!(value("outgoing_signed"), "2");
        assert_eq!(value("copies_SY"), "0");
        assert_eq!(made.rows.len(), indicators().count());

        let names: Vec<&str> = made.files.iter().map(|d| d.name.as_str()).collect();
        let stem = format!("bao-cao-{}-den-{}", period.from, period.to);
        assert_eq!(
            names,
            [
                format!("{stem}.pdf"),
                format!("{stem}.csv"),
                format!("{stem}.json")
            ]
        );
        for d in &made.files {
            assert_eq!(
                d.file.parent(),
                Some(dir.path().join(REPORT_FOLDER).as_path())
            );
            assert!(office.document(d.id).is_some(), "openable by id");
        }
        let pdf = std::fs::read(&made.files[0].file).expect("pdf");
        assert!(pdf.starts_with(b"%PDF-"));
        let csv = std::fs::read_to_string(&made.files[1].file).expect("csv");
        let back = report::csv::from_csv(&csv).expect("csv reads back");
        assert_eq!(back[0].received, 2);
        let json: Report =
            serde_json::from_slice(&std::fs::read(&made.files[2].file).expect("json"))
                .expect("json reads back");
        assert_eq!(json.months, made.report.months);

        // The 2020 dossier alone when the period is its month.
        let old = make_report(&office, "2020-01", "2020-01").expect("old report");
        assert_eq!(old.report.months[0].received, 1);
    }

    #[test]
    fn a_bad_period_and_a_missing_register_are_refused_in_words() {
        let dir = tempfile::tempdir().expect("tempdir");
        let office = office(dir.path());
        let e = make_report(&office, "2026-12-31", "2026-12-01").expect_err("backwards");
        assert!(e.to_string().contains("không hợp lệ"), "{e}");
        let e = make_report(&office, "31/12/2026", "2026-12-31").expect_err("not ISO");
        assert!(e.to_string().contains("không đúng dạng"), "{e}");
        let e = make_report(&office, "2026-12-01", "2026-12-31").expect_err("no register");
        assert_eq!(e.kind(), "no_register");
        assert!(!dir.path().join(REPORT_FOLDER).exists(), "nothing written");
    }
}
