//! The workspace folder: where the officer's dossiers are written, named by dossier code.

use std::path::{Path, PathBuf};

/// `$HOSO_WORKSPACE`, else `~/HoSo`, else `./HoSo`.
pub fn default_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("HOSO_WORKSPACE") {
        return PathBuf::from(dir);
    }
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
        .join("HoSo")
}

/// `<dir>/<code>.pdf`, or `<code>-2.pdf`, `<code>-3.pdf`, … when taken: an earlier dossier is
/// never replaced. (A dossier code holds only digits, letters, `.` and `-`: a safe file name.)
pub fn free_name(dir: &Path, code: &str) -> PathBuf {
    let first = dir.join(format!("{code}.pdf"));
    if !first.exists() {
        return first;
    }
    (2u32..)
        .map(|n| dir.join(format!("{code}-{n}.pdf")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_existing_dossier_is_never_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let code = "000.00.15.H12-261129-0001";
        let a = free_name(dir.path(), code);
        assert!(a.ends_with(format!("{code}.pdf")));
        std::fs::write(&a, b"%PDF-").unwrap();
        let b = free_name(dir.path(), code);
        assert!(b.ends_with(format!("{code}-2.pdf")));
    }
}
