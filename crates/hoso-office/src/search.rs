//! `hoso search`: dossiers given as files or folders are added to the full-text index of their
//! OCR text (unchanged files are skipped), then the index is searched (hoso-dossier's index).

use std::path::{Path, PathBuf};

use hoso_dossier::{SearchError, SearchIndex};

pub use hoso_dossier::Hit;

use crate::error::OfficeError;

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

/// What to search.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// The words (all must occur on the page).
    pub query: String,
    /// Dossier PDFs or folders to index first.
    pub paths: Vec<PathBuf>,
    /// The index file (default: `search.sqlite` in [`data_dir`]).
    pub index: Option<PathBuf>,
    /// "nguyen thi hoa" finds "Nguyễn Thị Hoa".
    pub ignore_diacritics: bool,
    /// At most this many hits.
    pub limit: usize,
}

/// The hits, and the PDFs that were not hoso dossiers (skipped).
#[derive(Debug)]
pub struct Found {
    /// Pages that match, best first.
    pub hits: Vec<Hit>,
    /// PDFs without a hoso manifest.
    pub skipped: Vec<PathBuf>,
}

/// Indexes `req.paths`, then searches.
pub fn search(req: &SearchRequest) -> Result<Found, OfficeError> {
    let index_path = match &req.index {
        Some(p) => p.clone(),
        None => {
            let dir = data_dir();
            std::fs::create_dir_all(&dir).map_err(|source| OfficeError::Folder {
                path: dir.clone(),
                source,
            })?;
            dir.join("search.sqlite")
        }
    };
    let mut index = SearchIndex::open(&index_path)?;
    let mut files = Vec::new();
    for p in &req.paths {
        collect_pdfs(p, &mut files).map_err(|source| OfficeError::Read {
            path: p.clone(),
            source,
        })?;
    }
    let mut skipped = Vec::new();
    for f in &files {
        match index.add_file(f) {
            Ok(_) => {}
            // A folder may hold other PDFs: say so and go on.
            Err(SearchError::NoManifest { path }) => skipped.push(path),
            Err(e) => return Err(e.into()),
        }
    }
    let hits = index.search(&req.query, req.ignore_diacritics, req.limit)?;
    Ok(Found { hits, skipped })
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
