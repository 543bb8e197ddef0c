//! `hoso check`: PDF/A validation, rule by rule (ISO 19005-1/-2/-3, levels B and U).

use std::path::PathBuf;
use std::process::ExitCode;

use hoso_office::pdfa::{self, Level};

/// Kiểm tra PDF/A / check PDF/A conformance.
///
/// Mỗi lỗi in kèm điều khoản ISO 19005, đối tượng, trang và cách sửa / each failure is
/// printed with its ISO 19005 clause, object, page and what to do.
/// Exit: 0 all conforming, 1 some file not conforming, 2 some file unreadable.
#[derive(clap::Args)]
pub struct Args {
    /// Tệp PDF cần kiểm / PDF files to check.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Kiểm theo mức này thay vì mức tệp khai báo / check at this level instead of the
    /// declared one: 1b, 2b, 2u, 3b, 3u.
    #[arg(long, value_parser = parse_level)]
    part: Option<Level>,
    /// In kết quả dạng JSON / print JSON.
    #[arg(long)]
    json: bool,
}

fn parse_level(s: &str) -> Result<Level, String> {
    Level::parse(s)
        .ok_or_else(|| format!("mức không hợp lệ / unknown level {s:?}: use 1b, 2b, 2u, 3b or 3u"))
}

/// Runs the check on every file.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut worst = 0u8;
    let mut json = Vec::new();
    for path in &args.files {
        match pdfa::check_file(path, args.part) {
            Ok(report) => {
                if !report.is_conforming() {
                    worst = worst.max(1);
                }
                if args.json {
                    json.push(serde_json::json!({
                        "file": path.display().to_string(),
                        "conforming": report.is_conforming(),
                        "report": report,
                    }));
                } else {
                    print_report(path, &report);
                }
            }
            Err(e) => {
                worst = 2;
                if args.json {
                    json.push(serde_json::json!({
                        "file": path.display().to_string(),
                        "error": e.to_string(),
                    }));
                } else {
                    println!("{}: KHÔNG ĐỌC ĐƯỢC / UNREADABLE — {e}", path.display());
                }
            }
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&json)?);
    }
    Ok(ExitCode::from(worst))
}

fn print_report(path: &std::path::Path, r: &pdfa::Report) {
    let declared = r.declared.map_or_else(
        || "không khai báo / none declared".to_owned(),
        |d| d.to_string(),
    );
    if r.is_conforming() {
        println!(
            "{}: ĐẠT {} / CONFORMS to {} (khai báo / declared: {declared}; {} trang / pages)",
            path.display(),
            r.level,
            r.level,
            r.pages
        );
        return;
    }
    println!(
        "{}: KHÔNG ĐẠT {} / DOES NOT CONFORM to {} (khai báo / declared: {declared}; {} lỗi / failures)",
        path.display(),
        r.level,
        r.level,
        r.findings.len() + r.suppressed
    );
    r.findings.iter().for_each(print_finding);
    if r.suppressed > 0 {
        println!(
            "  … và {} lỗi cùng loại nữa / and {} more of the same rules",
            r.suppressed, r.suppressed
        );
    }
}

fn print_finding(f: &pdfa::Finding) {
    let mut at = Vec::new();
    if let Some(p) = f.page {
        at.push(format!("trang/page {p}"));
    }
    if let Some(o) = f.object {
        at.push(format!("đối tượng/object {o}"));
    }
    let at = if at.is_empty() {
        String::new()
    } else {
        format!(" [{}]", at.join(", "))
    };
    println!("  §{}{at}: {}", f.clause, f.detail);
    println!("      quy tắc / rule: {}", f.rule_row().requirement);
    println!("      cách sửa / fix: {}", f.rule_row().fix);
}
