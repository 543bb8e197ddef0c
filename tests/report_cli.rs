//! `hoso report` end to end on a register filled with a known month of work (November 2026,
//! two stations), every figure computed by hand below; the PDF passes the project's PDF/A check
//! (pikepdf script) and `qpdf --check`, pdftotext (poppler) reads the figures with their
//! diacritics, and the CSV reads back to the same figures.

use std::path::{Path, PathBuf};
use std::process::Command;

use hoso_e2e::{assert_qpdf_clean, output, pdfa_check, stderr, stdout, tool};
use hoso_register::{sha256_bytes, CopyForm, CreateOptions, EntryKind, NewEntry, Register, Role};
use time::{Date, Month, OffsetDateTime, Time};

/// The `hoso` binary under test (built once, or the one `HOSO_BIN` names).
fn hoso_bin() -> PathBuf {
    hoso_e2e::sign_support::hoso()
}

const S1: &str = "Một cửa 1";
const S2: &str = "Một cửa 2";

fn at(reg: &mut Register, station: &str, month: Month, day: u8) {
    let t = Date::from_calendar_date(2026, month, day)
        .unwrap()
        .with_time(Time::from_hms(3, 0, 0).unwrap())
        .assume_utc();
    reg.set_clock(Box::new(move || -> OffsetDateTime { t }));
    reg.set_station(station);
}

fn code(n: u32) -> String {
    format!("000.00.15.H12-2611{n:02}-0001")
}

fn component(d: u32, file: &str, role: Role, received: &str) -> NewEntry {
    NewEntry::new(EntryKind::Dossier, sha256_bytes(file.as_bytes()))
        .with_dossier_code(&code(d))
        .with_procedure_code("1.001193")
        .with_role(role)
        .with_received_on(received)
}

fn resolution(d: u32, file: &str, role: Role, resolved: &str) -> NewEntry {
    NewEntry::new(EntryKind::Signed, sha256_bytes(file.as_bytes()))
        .with_dossier_code(&code(d))
        .with_role(role)
        .with_resolved_on(resolved)
}

fn copy(reg: &mut Register, file: &str, form: CopyForm) {
    let e = NewEntry::new(EntryKind::Copy, [0; 32]);
    let h = sha256_bytes(file.as_bytes());
    reg.append_copy("UBND", form, e, |_| Ok::<_, std::convert::Infallible>(h))
        .unwrap();
}

/// The month of work (dossier Dn has code 000.00.15.H12-2611nn-0001):
/// - D5 (S1) received 28/10, result 03/11;            one SY copy on 28/10 (October).
/// - D1 (S1) received 02/11 digitized, result 10/11.
/// - D2 (S1) received 02/11 digitized + reusing D1's file; resolved 12/11 by an outgoing
///   signed letter, no digitized result.
/// - D3 (S2) received 05/11, a received component only, not resolved.
/// - D4 (S2) received 20/11 digitized, result on 01/12 (December).
/// - D6 (S2) received 30/11, only a component reusing D3's file.
/// - S1 signs two more outgoing letters on 15/11; copies: SY 15/11 (S1), SY 16/11 (S2),
///   SL 20/11 (S2).
fn fill(path: &Path) {
    use Month::{December, November, October};
    use Role::*;
    let mut reg = Register::create(path, &CreateOptions::for_station(S1)).unwrap();
    at(&mut reg, S1, October, 28);
    reg.append(component(5, "d5-a", Digitized, "2026-10-28"))
        .unwrap();
    copy(&mut reg, "copy-oct", CopyForm::SaoY);
    at(&mut reg, S1, November, 2);
    let d1 = reg
        .append(component(1, "shared-cccd", Digitized, "2026-11-02"))
        .unwrap();
    reg.append(component(2, "d2-a", Digitized, "2026-11-02"))
        .unwrap();
    let reused = component(2, "shared-cccd", Digitized, "2026-11-02");
    let earlier = reg
        .earlier_in_other_dossier(&reused.sha256, &code(2))
        .unwrap();
    assert_eq!(earlier, Some(d1.entries[0].seq));
    reg.append(reused.reusing(d1.entries[0].seq)).unwrap();
    at(&mut reg, S1, November, 3);
    reg.append(resolution(5, "d5-kq", Result, "2026-11-03"))
        .unwrap();
    at(&mut reg, S2, November, 5);
    let d3 = reg
        .append(component(3, "d3-a", Received, "2026-11-05"))
        .unwrap();
    at(&mut reg, S1, November, 10);
    reg.append(resolution(1, "d1-kq", Result, "2026-11-10"))
        .unwrap();
    at(&mut reg, S1, November, 12);
    reg.append(resolution(2, "d2-cv", Outgoing, "2026-11-12"))
        .unwrap();
    at(&mut reg, S1, November, 15);
    for f in ["cv-1", "cv-2"] {
        reg.append(NewEntry::new(EntryKind::Signed, sha256_bytes(f.as_bytes())))
            .unwrap();
    }
    copy(&mut reg, "copy-1", CopyForm::SaoY);
    at(&mut reg, S2, November, 16);
    copy(&mut reg, "copy-2", CopyForm::SaoY);
    at(&mut reg, S2, November, 20);
    reg.append(component(4, "d4-a", Digitized, "2026-11-20"))
        .unwrap();
    copy(&mut reg, "copy-3", CopyForm::SaoLuc);
    at(&mut reg, S2, November, 30);
    let d6 = component(6, "d3-a", Received, "2026-11-30");
    reg.append(d6.reusing(d3.entries[0].seq)).unwrap();
    at(&mut reg, S2, December, 1);
    reg.append(resolution(4, "d4-kq", Result, "2026-12-01"))
        .unwrap();
    assert!(reg.audit(&Default::default()).unwrap().is_clean());
}

fn report(hoso: &Path, reg: &Path, out: &Path, more: &[&str]) {
    let o = output(
        Command::new(hoso)
            .args(["report", "--month", "2026-11", "--register"])
            .arg(reg)
            .arg("--out")
            .arg(out)
            .args(more),
    );
    assert!(
        o.status.success(),
        "hoso report: {}{}",
        stdout(&o),
        stderr(&o)
    );
}

#[test]
fn november_figures_match_the_hand_count_in_json_csv_and_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("register.sqlite");
    fill(&reg);
    let hoso = hoso_bin();
    let json = dir.path().join("bao-cao.json");
    report(&hoso, &reg, &json, &[]);
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let m = &r["months"][0];
    assert_eq!(r["months"].as_array().unwrap().len(), 1);
    let want = [
        ("received", 5),
        ("received_with_digitized", 3),
        ("received_with_reuse", 2),
        ("resolved", 3),
        ("resolved_with_digitized_result", 2),
        ("outgoing_signed", 3),
    ];
    for (k, v) in want {
        assert_eq!(m[k], v, "{k} in {m}");
    }
    assert_eq!(m["copies"], serde_json::json!({"SY": 2, "SL": 1, "TrS": 0}));
    let stations: Vec<(String, u64, u64)> = m["by_station"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["key"].as_str().unwrap().to_owned(),
                s["received"].as_u64().unwrap(),
                s["copies"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(stations, [(S1.into(), 2, 1), (S2.into(), 3, 2)]);
    let days = m["by_day"].as_array().unwrap();
    assert_eq!(days.len(), 30);
    let day = |d: usize, k: &str| days[d - 1][k].as_u64().unwrap();
    assert_eq!(
        (
            day(2, "received"),
            day(5, "received"),
            day(20, "received"),
            day(30, "received")
        ),
        (2, 1, 1, 1)
    );
    assert_eq!(
        (day(3, "resolved"), day(10, "resolved"), day(12, "resolved")),
        (1, 1, 1)
    );
    assert_eq!(
        (day(12, "outgoing_signed"), day(15, "outgoing_signed")),
        (1, 2)
    );

    // One station only.
    let s2 = dir.path().join("s2.json");
    report(&hoso, &reg, &s2, &["--station", S2]);
    let r2: serde_json::Value = serde_json::from_slice(&std::fs::read(&s2).unwrap()).unwrap();
    let m2 = &r2["months"][0];
    assert_eq!(
        (
            m2["received"].as_u64(),
            m2["resolved"].as_u64(),
            m2["outgoing_signed"].as_u64()
        ),
        (Some(3), Some(0), Some(0))
    );

    // CSV: one row per indicator and month, and it reads back to the same figures.
    let csv = dir.path().join("bao-cao.csv");
    report(&hoso, &reg, &csv, &[]);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().count(), 1 + 12, "{text}");
    assert!(text.contains("2026-11,digitized_share,Tỷ lệ hồ sơ có thành phần số hóa,Share with digitized components,60.0,%"), "{text}");
    assert!(
        text.contains(
            "2026-11,result_share,Tỷ lệ kết quả được số hóa,Share of results digitized,66.7,%"
        ),
        "{text}"
    );
    let back = hoso_office::report::csv::from_csv(&text).unwrap();
    let parsed: hoso_office::report::Report = serde_json::from_value(r.clone()).unwrap();
    let orig = &parsed.months[0];
    assert_eq!(back.len(), 1);
    let b = &back[0];
    assert_eq!(
        (
            b.month.as_str(),
            b.received,
            b.received_with_digitized,
            b.received_with_reuse,
            b.resolved,
            b.resolved_with_digitized_result,
            b.outgoing_signed,
            &b.copies
        ),
        (
            orig.month.as_str(),
            orig.received,
            orig.received_with_digitized,
            orig.received_with_reuse,
            orig.resolved,
            orig.resolved_with_digitized_result,
            orig.outgoing_signed,
            &orig.copies
        )
    );
    assert_eq!(
        (b.digitized_share(), b.reuse_share(), b.result_share()),
        (60.0, 40.0, 66.7)
    );

    // PDF/A with the figures readable, diacritics included.
    let pdf = dir.path().join("bao-cao.pdf");
    report(&hoso, &reg, &pdf, &[]);
    let (ok, why) = pdfa_check(&pdf);
    assert!(ok, "PDF/A check: {why}");
    assert_qpdf_clean(&pdf);
    let o = output(
        tool("pdftotext", "poppler-utils")
            .args(["-layout"])
            .arg(&pdf)
            .arg("-"),
    );
    let words = stdout(&o);
    for needle in [
        "Báo cáo chỉ tiêu Quyết định 766/QĐ-TTg — tháng 11/2026",
        "Số hồ sơ tiếp nhận / Dossiers received",
        "Hồ sơ tái sử dụng thành phần đã số hóa",
        "Tỷ lệ kết quả được số hóa / Share of results digitized",
        "66.7",
        "60.0",
        "Bản sao lục (SL) / Copies: sao lục (SL)",
        "Hồ sơ tiếp nhận theo trạm",
        S2,
    ] {
        assert!(
            words.contains(needle),
            "{needle:?} not in pdftotext output:\n{words}"
        );
    }
}

#[test]
fn bad_periods_and_extensions_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("register.sqlite");
    fill(&reg);
    let hoso = hoso_bin();
    for args in [
        vec!["--month", "2026-13"],
        vec!["--from", "2026-11-30", "--to", "2026-11-01"],
        vec!["--month", "2026-11", "--out", "x.docx"],
    ] {
        let o = output(
            Command::new(&hoso)
                .arg("report")
                .args(&args)
                .arg("--register")
                .arg(&reg)
                .current_dir(dir.path()),
        );
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("/"),
            "bilingual message: {}",
            stderr(&o)
        );
    }
    // A range over two months gives two months.
    let out = dir.path().join("two.json");
    let o = output(
        Command::new(&hoso)
            .args([
                "report",
                "--from",
                "2026-10",
                "--to",
                "2026-11",
                "--register",
            ])
            .arg(&reg)
            .arg("--out")
            .arg(&out),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(r["months"][0]["month"], "2026-10");
    assert_eq!(r["months"][0]["received"], 1);
    assert_eq!(r["months"][0]["copies"]["SY"], 1);
    assert_eq!(r["months"][1]["received"], 5);
}
