//! `hoso receive`: digitization at receipt (Circular 01/2023/TT-VPCP) — a thin door onto
//! [`hoso_office::receive::receive`].

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::Context;
use clap::ArgMatches;
use hoso_office::receive::{receive, ReceiptComponent, ReceiveRequest, SkipReason};
use hoso_office::Watch;

use super::signer_args::SignerArgs;
use crate::ui;

/// Tiếp nhận và số hóa hồ sơ / receive and digitize a dossier at the desk.
///
/// Each --doc NAME starts a component digitized from the files that follow it; each
/// --skip NAME:REASON lists a component not digitized, e.g.
/// `hoso receive --code 000.00.15.H12-261207-0001 --procedure 1.001193 --applicant 001204012345
/// --digitizer "Nguyễn Văn An" --p12 an.p12 --out-dir hs --doc "Tờ khai" a.jpg
/// --skip "Căn cước:csdl-quoc-gia"`
#[derive(clap::Args)]
pub struct Args {
    /// Mã hồ sơ / dossier code.
    #[arg(long)]
    code: String,
    /// Mã thủ tục hành chính / the procedure's code.
    #[arg(long, value_parser = non_empty)]
    procedure: String,
    /// Mã định danh người nộp (số định danh cá nhân, mã số thuế) / the applicant's identifier.
    #[arg(long, value_parser = non_empty)]
    applicant: String,
    /// Họ tên người số hóa, in trên tệp / the digitizer's name, as printed.
    #[arg(long, value_parser = non_empty)]
    digitizer: String,
    /// Thư mục ghi tệp / folder for the files.
    #[arg(long)]
    out_dir: PathBuf,
    /// Thành phần hồ sơ được số hóa, tên NAME / a component to digitize, named NAME.
    #[arg(long = "doc", value_name = "NAME")]
    docs: Vec<String>,
    /// Thành phần không số hóa và lý do: csdl-quoc-gia, ban-chup, xuat-trinh, mat / a component
    /// not digitized and why.
    #[arg(long = "skip", value_name = "NAME:REASON", value_parser = parse_skip)]
    skips: Vec<(String, SkipReason)>,
    /// Ảnh hoặc PDF của thành phần đứng trước / page files of the preceding --doc.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Làm sạch ảnh trước / clean JPEG and PNG pages first.
    #[arg(long)]
    clean: bool,
    /// Thêm lớp chữ OCR / add an OCR text layer.
    #[arg(long)]
    ocr: bool,
    /// Ngôn ngữ OCR / Tesseract OCR languages.
    #[arg(long, default_value = "vie+eng", requires = "ocr")]
    lang: String,
    /// Khóa cá nhân của người số hóa / the digitizer's personal key.
    #[command(flatten)]
    key: SignerArgs,
    /// Sổ đăng ký / register file [env: HOSO_REGISTER].
    #[arg(long, value_name = "PATH")]
    register: Option<PathBuf>,
    /// Tên trạm / station name [env: HOSO_STATION].
    #[arg(long)]
    station: Option<String>,
    /// In kết quả dạng JSON / print the result as JSON.
    #[arg(long)]
    json: bool,
}

fn non_empty(s: &str) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("không được để trống / must not be empty".into());
    }
    Ok(t.to_owned())
}

/// `NAME:REASON`, the reason one of csdl-quoc-gia, ban-chup, xuat-trinh, mat.
fn parse_skip(s: &str) -> Result<(String, SkipReason), String> {
    let (name, why) = s
        .rsplit_once(':')
        .ok_or_else(|| format!("cần dạng TÊN:LÝ-DO / expected NAME:REASON, got {s:?}"))?;
    let why = match why.trim() {
        "csdl-quoc-gia" => SkipReason::NationalDatabase,
        "ban-chup" => SkipReason::UncertifiedPhotocopy,
        "xuat-trinh" => SkipReason::ShownOnly,
        "mat" => SkipReason::Classified,
        other => return Err(format!(
            "lý do {other:?} không có; dùng csdl-quoc-gia, ban-chup, xuat-trinh hoặc mat / unknown reason"
        )),
    };
    Ok((non_empty(name)?, why))
}

/// The components in command-line order: each --doc with the files after it, each --skip.
fn components(args: &Args, m: &ArgMatches) -> anyhow::Result<Vec<ReceiptComponent>> {
    let idx =
        |id: &str| -> Vec<usize> { m.indices_of(id).map(|i| i.collect()).unwrap_or_default() };
    let (doc_idx, skip_idx, file_idx) = (idx("docs"), idx("skips"), idx("files"));
    let mut out: Vec<(usize, ReceiptComponent)> = Vec::new();
    for (name, at) in args.docs.iter().zip(&doc_idx) {
        out.push((
            *at,
            ReceiptComponent {
                name: name.clone(),
                files: Vec::new(),
                skip: None,
            },
        ));
    }
    for (file, at) in args.files.iter().zip(file_idx) {
        let owner = doc_idx.iter().rposition(|d| *d < at).with_context(|| {
            format!(
                "{} đứng trước mọi --doc / comes before any --doc",
                file.display()
            )
        })?;
        out[owner].1.files.push(file.clone());
    }
    for ((name, why), at) in args.skips.iter().zip(&skip_idx) {
        out.push((
            *at,
            ReceiptComponent {
                name: name.clone(),
                files: Vec::new(),
                skip: Some(*why),
            },
        ));
    }
    out.sort_by_key(|(at, _)| *at);
    Ok(out.into_iter().map(|(_, c)| c).collect())
}

pub fn run(args: Args, matches: &ArgMatches) -> anyhow::Result<ExitCode> {
    let config = super::config::resolve(args.register.clone(), args.station.clone())?;
    let req = ReceiveRequest {
        code: args.code.parse()?,
        procedure_code: args.procedure.clone(),
        applicant_id: args.applicant.clone(),
        digitizer: args.digitizer.clone(),
        components: components(&args, matches)?,
        out_dir: args.out_dir.clone(),
        clean: args.clean,
        ocr: args.ocr.then(|| args.lang.clone()),
        time: SystemTime::now(),
    };
    let signer = super::signer_args::open(&args.key, &config)?;
    let bar = ui::Progress::new("Số hóa / digitizing");
    let show = |e| bar.on_event(&e);
    let watch = Watch::new(&show, ui::ctrl_c());
    let done = receive(&config, &req, signer.as_ref(), &watch);
    bar.finish();
    let done = done?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&done)?);
        return Ok(ExitCode::SUCCESS);
    }
    for c in &done.components {
        match (&c.output, &c.skipped_reason) {
            (Some(f), _) => println!(
                "{}. {} → {} — {}",
                c.number,
                c.name,
                f.display(),
                c.result_code.as_deref().unwrap_or_default()
            ),
            (None, why) => println!(
                "{}. {} — không số hóa / not digitized: {}",
                c.number,
                c.name,
                why.as_deref().unwrap_or_default()
            ),
        }
    }
    Ok(ExitCode::SUCCESS)
}
