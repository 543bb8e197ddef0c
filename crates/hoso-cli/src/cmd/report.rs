//! `hoso report`: the Decision 766/QĐ-TTg indicators per month from the register (hoso-office's
//! report flow), written as `.pdf`, `.csv` or `.json` by the output's extension, or printed.

use std::path::PathBuf;
use std::process::ExitCode;

use hoso_office::report::{self, csv::indicators, Period, Report};

#[derive(clap::Args)]
pub struct Args {
    /// Tháng báo cáo YYYY-MM / the month, YYYY-MM.
    #[arg(long, conflicts_with_all = ["from", "to"], required_unless_present = "from")]
    month: Option<String>,
    /// Từ ngày YYYY-MM-DD (hoặc tháng YYYY-MM) / first day (or month).
    #[arg(long, requires = "to")]
    from: Option<String>,
    /// Đến ngày YYYY-MM-DD (hoặc tháng YYYY-MM) / last day (or month).
    #[arg(long, requires = "from")]
    to: Option<String>,
    /// Chỉ tính một trạm (tên trạm như trong sổ) / only this station (its name in the register).
    #[arg(long)]
    station: Option<String>,
    /// Tệp kết quả: .pdf (PDF/A), .csv hoặc .json / output file: .pdf (PDF/A), .csv or .json.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Sổ đăng ký / register file [env: HOSO_REGISTER].
    #[arg(long, value_name = "PATH")]
    register: Option<PathBuf>,
    /// In kết quả dạng JSON / print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let period = match (&args.month, &args.from, &args.to) {
        (Some(m), _, _) => Period::month(m)?,
        (None, Some(f), Some(t)) => Period::between(f, t)?,
        _ => anyhow::bail!("cần --month hoặc --from/--to / --month or --from/--to is needed"),
    };
    let config = super::config::resolve(args.register.clone(), None)?;
    let made = report::report(&config, &period, args.station.as_deref())?;
    if let Some(out) = &args.out {
        report::write(&made, out)?;
        println!("Đã ghi báo cáo / report written: {}", out.display());
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&made)?);
    } else if args.out.is_none() {
        print_table(&made);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_table(made: &Report) {
    for m in &made.months {
        println!("Tháng / month {} ({} – {})", m.month, m.from, m.to);
        for i in indicators() {
            let v = report::csv::value(m, i.code);
            println!(
                "  {:<48} {:>8} {}",
                format!("{} / {}", i.vi, i.en),
                v,
                i.unit
            );
        }
    }
}
