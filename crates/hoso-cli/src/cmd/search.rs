//! `hoso search`: find dossier pages by their OCR text.

use std::path::PathBuf;
use std::process::ExitCode;

use hoso_office::search::{search, SearchRequest};

/// Tìm hồ sơ theo nội dung chữ / find dossiers by their text.
///
/// Dossiers given as files or folders are added to the index first (unchanged files are
/// skipped), then the index is searched.
#[derive(clap::Args)]
pub struct Args {
    /// Từ cần tìm / words to find (all must occur on the page).
    query: String,
    /// Hồ sơ PDF hoặc thư mục cần đưa vào chỉ mục / dossier PDFs or folders to index first.
    paths: Vec<PathBuf>,
    /// Tệp chỉ mục / index file (default: search.sqlite in the hoso data folder).
    #[arg(long, env = "HOSO_SEARCH_INDEX")]
    index: Option<PathBuf>,
    /// Không phân biệt dấu ("nguyen thi hoa" tìm được "Nguyễn Thị Hoa") / ignore diacritics.
    #[arg(long, short = 'a')]
    ignore_diacritics: bool,
    /// Số kết quả tối đa / maximum results.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// In kết quả dạng JSON / print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let found = search(&SearchRequest {
        query: args.query.clone(),
        paths: args.paths,
        index: args.index,
        ignore_diacritics: args.ignore_diacritics,
        limit: args.limit,
    })?;
    let hits = &found.hits;
    if args.json {
        println!("{}", serde_json::to_string_pretty(hits)?);
        return Ok(exit(hits.is_empty()));
    }
    for p in &found.skipped {
        eprintln!(
            "Bỏ qua (không phải hồ sơ hoso) / skipped, not a hoso dossier: {}",
            p.display()
        );
    }
    if hits.is_empty() {
        println!("Không tìm thấy / no match: \"{}\"", args.query);
    }
    for h in hits {
        println!(
            "{} · {} · trang/page {} — {}",
            h.code,
            h.document,
            h.page,
            h.path.display()
        );
        println!("    {}", h.snippet);
    }
    Ok(exit(hits.is_empty()))
}

fn exit(none: bool) -> ExitCode {
    if none {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
