//! Full-text search over dossiers' OCR text (SQLite FTS5). The text comes from each dossier's own
//! embedded manifest (`page_text`), so the index can always be rebuilt from the files. Matching
//! with or without Vietnamese diacritics: people often type "nguyen thi hoa" for "Nguyễn Thị Hoa".

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use unicode_normalization::UnicodeNormalization;

use crate::manifest::Manifest;

/// Why indexing or searching failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    /// The index database.
    #[error("chỉ mục tìm kiếm {path}: {source} / search index error")]
    Db {
        /// The index file.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// A dossier file that is not a hoso dossier or has no manifest.
    #[error("{path}: không phải hồ sơ hoso (không có manifest.json) / not a hoso dossier (no manifest.json)")]
    NoManifest {
        /// The file.
        path: PathBuf,
    },
    /// The manifest is not valid JSON.
    #[error("{path}: manifest.json hỏng / broken manifest.json: {reason}")]
    BadManifest {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The file cannot be read or parsed as PDF.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: hoso_pdf::InputError,
    },
    /// An empty query.
    #[error("chuỗi tìm kiếm rỗng / empty search text")]
    EmptyQuery,
}

/// One page that matches.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    /// Dossier code.
    pub code: String,
    /// Dossier title.
    pub title: String,
    /// Document name.
    pub document: String,
    /// Page in the dossier (1-based).
    pub page: u32,
    /// The dossier file.
    pub path: PathBuf,
    /// The matching words in context, matches in «».
    pub snippet: String,
}

/// Lower-case, diacritics removed, đ → d: "Nguyễn Thị Hoa" → "nguyen thi hoa".
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !('\u{0300}'..='\u{036F}').contains(c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .collect::<String>()
        .to_lowercase()
}

/// About 80 characters of the page's own text around the first match, every matching word (found
/// without regard to diacritics or case) marked «like this».
fn snippet(text: &str, folded_terms: &[String]) -> String {
    // Fold character by character so positions in the folded text map back to the original.
    let original: Vec<char> = text.nfc().collect();
    let mut folded = Vec::with_capacity(original.len());
    let mut origin = Vec::with_capacity(original.len());
    for (i, c) in original.iter().enumerate() {
        for f in fold(&c.to_string()).chars() {
            folded.push(f);
            origin.push(i);
        }
    }
    let mut marks = vec![false; original.len()];
    let mut first = None;
    for term in folded_terms.iter().filter(|t| !t.is_empty()) {
        let t: Vec<char> = term.chars().collect();
        let mut at = 0;
        while at + t.len() <= folded.len() {
            let bounded = (at == 0 || !folded[at - 1].is_alphanumeric())
                && folded
                    .get(at + t.len())
                    .is_none_or(|c| !c.is_alphanumeric());
            if bounded && folded[at..at + t.len()] == t[..] {
                first = Some(first.map_or(origin[at], |f: usize| f.min(origin[at])));
                for k in at..at + t.len() {
                    marks[origin[k]] = true;
                }
                at += t.len();
            } else {
                at += 1;
            }
        }
    }
    let center = first.unwrap_or(0);
    let start = center.saturating_sub(30);
    let end = (center + 50).min(original.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut open = false;
    for i in start..end {
        if marks[i] != open {
            out.push(if marks[i] { '«' } else { '»' });
            open = marks[i];
        }
        out.push(original[i]);
    }
    if open {
        out.push('»');
    }
    if end < original.len() {
        out.push('…');
    }
    out
}

/// An FTS5 index of dossier pages in one SQLite file.
pub struct SearchIndex {
    conn: Connection,
    path: PathBuf,
}

const SCHEMA_VERSION: i32 = 1;

impl SearchIndex {
    /// Opens or creates the index at `path` (`:memory:` for a throw-away one).
    pub fn open(path: &Path) -> Result<Self, SearchError> {
        let db = |source| SearchError::Db {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(db)?;
        let version: i32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(db)?;
        if version == 0 {
            conn.execute_batch(
                "BEGIN;
                 CREATE TABLE files (sha256 TEXT PRIMARY KEY, path TEXT NOT NULL, code TEXT NOT NULL);
                 CREATE VIRTUAL TABLE pages USING fts5(
                     text, folded, code UNINDEXED, title UNINDEXED, document UNINDEXED,
                     page UNINDEXED, path UNINDEXED, tokenize = 'unicode61 remove_diacritics 0');
                 PRAGMA user_version = 1;
                 COMMIT;",
            )
            .map_err(db)?;
        } else if version != SCHEMA_VERSION {
            return Err(db(rusqlite::Error::InvalidParameterName(format!(
                "schema version {version}, expected {SCHEMA_VERSION}"
            ))));
        }
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn db(&self, source: rusqlite::Error) -> SearchError {
        SearchError::Db {
            path: self.path.clone(),
            source,
        }
    }

    /// Indexes a dossier file; returns false when the same bytes were indexed already.
    pub fn add_file(&mut self, pdf: &Path) -> Result<bool, SearchError> {
        let data = std::fs::read(pdf).map_err(|e| SearchError::Read {
            path: pdf.to_path_buf(),
            source: hoso_pdf::InputError::Io(e),
        })?;
        use sha2::Digest;
        let sha = hoso_pdf::hex(&sha2::Sha256::digest(&data));
        let known: Option<String> = self
            .conn
            .query_row("SELECT sha256 FROM files WHERE sha256 = ?1", [&sha], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.db(e))?;
        if known.is_some() {
            return Ok(false);
        }
        let json = hoso_pdf::attachment::read_embedded_file(&data, "manifest.json")
            .map_err(|source| SearchError::Read {
                path: pdf.to_path_buf(),
                source,
            })?
            .ok_or_else(|| SearchError::NoManifest {
                path: pdf.to_path_buf(),
            })?;
        let manifest: Manifest =
            serde_json::from_slice(&json).map_err(|e| SearchError::BadManifest {
                path: pdf.to_path_buf(),
                reason: e.to_string(),
            })?;
        let path_text = pdf.to_string_lossy().into_owned();
        let tx = self.conn.transaction().map_err(|e| SearchError::Db {
            path: self.path.clone(),
            source: e,
        })?;
        // A rebuilt dossier at the same path replaces what was indexed for it.
        for sql in [
            "DELETE FROM pages WHERE path = ?1",
            "DELETE FROM files WHERE path = ?1",
        ] {
            tx.execute(sql, [&path_text]).map_err(|e| SearchError::Db {
                path: self.path.clone(),
                source: e,
            })?;
        }
        for doc in &manifest.documents {
            for (i, text) in doc.page_text.iter().enumerate() {
                if text.trim().is_empty() {
                    continue;
                }
                tx.execute(
                    "INSERT INTO pages (text, folded, code, title, document, page, path) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![text, fold(text), manifest.code, manifest.title, doc.name, (doc.first_page + i) as i64, path_text],
                )
                .map_err(|e| SearchError::Db { path: self.path.clone(), source: e })?;
            }
        }
        tx.execute(
            "INSERT INTO files (sha256, path, code) VALUES (?1, ?2, ?3)",
            params![sha, path_text, manifest.code],
        )
        .map_err(|e| SearchError::Db {
            path: self.path.clone(),
            source: e,
        })?;
        tx.commit().map_err(|e| SearchError::Db {
            path: self.path.clone(),
            source: e,
        })?;
        Ok(true)
    }

    /// Pages containing every word of `query`; `ignore_diacritics` matches "nguyen" to "Nguyễn".
    pub fn search(
        &self,
        query: &str,
        ignore_diacritics: bool,
        limit: usize,
    ) -> Result<Vec<Hit>, SearchError> {
        let terms: Vec<String> = query
            .split_whitespace()
            .map(|t| {
                let t: String = t.nfc().collect();
                let t = if ignore_diacritics { fold(&t) } else { t };
                format!("\"{}\"", t.replace('"', "\"\""))
            })
            .collect();
        if terms.is_empty() {
            return Err(SearchError::EmptyQuery);
        }
        let column = if ignore_diacritics { "folded" } else { "text" };
        let fts = format!("{{{column}}}: {}", terms.join(" "));
        let sql = "SELECT code, title, document, page, path, text FROM pages WHERE pages MATCH ?1 ORDER BY rank LIMIT ?2";
        let folded_terms: Vec<String> = query.split_whitespace().map(fold).collect();
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.db(e))?;
        let rows = stmt
            .query_map(params![fts, limit as i64], |r| {
                Ok(Hit {
                    code: r.get(0)?,
                    title: r.get(1)?,
                    document: r.get(2)?,
                    page: r.get::<_, i64>(3)? as u32,
                    path: PathBuf::from(r.get::<_, String>(4)?),
                    snippet: snippet(&r.get::<_, String>(5)?, &folded_terms),
                })
            })
            .map_err(|e| self.db(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.db(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_vietnamese_diacritics_and_d_stroke() {
        assert_eq!(fold("Nguyễn Thị Hoa — ĐĂNG KÝ"), "nguyen thi hoa — dang ky");
        assert_eq!(
            fold("Ủy ban nhân dân phường Sông Cầu"),
            "uy ban nhan dan phuong song cau"
        );
    }

    #[test]
    fn snippet_marks_matches_found_without_diacritics() {
        let s = snippet(
            "Kính gửi: Ủy ban nhân dân phường Sông Cầu",
            &[fold("song"), fold("cau")],
        );
        assert!(s.contains("phường «Sông» «Cầu»"), "{s}");
        // Whole words only: "an" inside "ban" is not marked.
        let s = snippet("Ủy ban nhân dân", &[fold("an")]);
        assert!(!s.contains('«'), "{s}");
    }

    #[test]
    fn empty_query_is_an_error() {
        let idx = SearchIndex::open(Path::new(":memory:")).unwrap();
        assert!(matches!(
            idx.search("  ", false, 10),
            Err(SearchError::EmptyQuery)
        ));
    }
}
