//! `hoso search`: find dossier pages by their OCR text.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use hoso_dossier::SearchIndex;

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

/// `$HOSO_DATA_DIR`, else `$XDG_DATA_HOME/hoso`, else `~/.local/share/hoso`.
pub fn data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("HOSO_DATA_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_DATA_HOME") {
        return PathBuf::from(d).join("hoso");
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    home.join(".local/share/hoso")
}

fn collect_pdfs(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            collect_pdfs(&p, out)?;
        }
    } else if is_pdf(path) {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// Starts with `%PDF-` (the name does not matter).
fn is_pdf(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 5];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|_| &head == b"%PDF-")
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let index_path = match args.index {
        Some(p) => p,
        None => {
            let dir = data_dir();
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("không tạo được / cannot create {}", dir.display()))?;
            dir.join("search.sqlite")
        }
    };
    let mut index = SearchIndex::open(&index_path)?;
    let mut files = Vec::new();
    for p in &args.paths {
        collect_pdfs(p, &mut files)
            .with_context(|| format!("không đọc được / cannot read {}", p.display()))?;
    }
    let mut skipped = Vec::new();
    for f in &files {
        match index.add_file(f) {
            Ok(_) => {}
            // A folder may hold other PDFs: say so and go on.
            Err(hoso_dossier::SearchError::NoManifest { path }) => skipped.push(path),
            Err(e) => return Err(e.into()),
        }
    }
    let hits = index.search(&args.query, args.ignore_diacritics, args.limit)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&hits)?);
    } else {
        for p in &skipped {
            eprintln!(
                "Bỏ qua (không phải hồ sơ hoso) / skipped, not a hoso dossier: {}",
                p.display()
            );
        }
        if hits.is_empty() {
            println!("Không tìm thấy / no match: \"{}\"", args.query);
        }
        for h in &hits {
            println!(
                "{} · {} · trang/page {} — {}",
                h.code,
                h.document,
                h.page,
                h.path.display()
            );
            println!("    {}", h.snippet);
        }
    }
    Ok(if hits.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
