//! Crash-safe output files: write to a temporary file beside the target, fsync, rename.
//!
//! A crash or an error leaves either the old state (no file, or the previous file) or the new
//! file whole; never a half-written target. Dropping an [`AtomicFile`] without
//! [`AtomicFile::commit`] removes the temporary file.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// A file being written to `<target>.<random>.tmp` in the target's directory.
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    tmp: PathBuf,
    file: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Creates the temporary file next to `target`. The directory must exist.
    pub fn create(target: &Path) -> io::Result<Self> {
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .ok_or_else(|| {
                io::Error::new(io::ErrorKind::InvalidInput, "output path has no file name")
            })?
            .to_string_lossy()
            .into_owned();
        let mut attempt = 0u32;
        loop {
            let tmp = dir.join(format!(".{name}.{}-{attempt}.tmp", std::process::id()));
            match OpenOptions::new()
                .write(true)
                .read(true)
                .create_new(true)
                .open(&tmp)
            {
                Ok(f) => {
                    return Ok(Self {
                        target: target.to_path_buf(),
                        tmp,
                        file: Some(BufWriter::with_capacity(1 << 20, f)),
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 1000 => {
                    attempt += 1
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The path of the temporary file.
    pub fn temp_path(&self) -> &Path {
        &self.tmp
    }

    /// The final path.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The underlying file, flushed, for reading back what was written so far.
    pub fn file_mut(&mut self) -> io::Result<&mut File> {
        let w = self.file.as_mut().ok_or_else(closed)?;
        w.flush()?;
        Ok(w.get_mut())
    }

    /// Flushes, fsyncs and renames the temporary file onto the target, then fsyncs the directory.
    /// On failure (a full disk shows up here, at the flush) the temporary file is removed and the
    /// target is left as it was.
    pub fn commit(mut self) -> io::Result<()> {
        let w = self.file.take().ok_or_else(closed)?;
        let result = (|| {
            let f = w.into_inner().map_err(|e| e.into_error())?;
            f.sync_all()?;
            drop(f);
            std::fs::rename(&self.tmp, &self.target)
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&self.tmp);
            return Err(e);
        }
        if let Some(dir) = self.target.parent().filter(|p| !p.as_os_str().is_empty()) {
            // Persist the rename itself; not every platform can open a directory, so best effort.
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

impl AtomicFile {
    /// Like [`AtomicFile::commit`], and also returns the SHA-256 and length of what was written,
    /// read back from the temporary file on a second thread while the first one fsyncs (both are
    /// done before the rename, so the hash is of exactly the bytes that land).
    pub fn commit_hashed(mut self) -> io::Result<([u8; 32], u64)> {
        use sha2::{Digest, Sha256};
        self.flush()?;
        let tmp = self.tmp.clone();
        let hashed = std::thread::scope(|scope| {
            let reader = scope.spawn(|| -> io::Result<([u8; 32], u64)> {
                let mut hasher = Sha256::new();
                let n = io::copy(&mut File::open(&tmp)?, &mut hasher)?;
                Ok((hasher.finalize().into(), n))
            });
            let synced = self
                .file
                .as_mut()
                .ok_or_else(closed)
                .and_then(|w| w.get_ref().sync_data());
            let hashed = reader
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("hashing thread failed")));
            synced.and(hashed)
        });
        match hashed {
            Ok(h) => self.commit().map(|()| h),
            // Dropping `self` removes the temporary file.
            Err(e) => Err(e),
        }
    }
}

fn closed() -> io::Error {
    io::Error::other("atomic file already committed")
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.as_mut().ok_or_else(closed)?.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.file.as_mut().ok_or_else(closed)?.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().ok_or_else(closed)?.flush()
    }
}

impl Seek for AtomicFile {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.file.as_mut().ok_or_else(closed)?.seek(pos)
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_renames_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.pdf");
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"hello").unwrap();
        let tmp = f.temp_path().to_path_buf();
        assert!(tmp.exists());
        assert!(!target.exists(), "target must not appear before commit");
        f.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"hello");
        assert!(!tmp.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn commit_hashed_returns_the_digest_of_the_landed_bytes() {
        use sha2::{Digest, Sha256};
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.bin");
        let mut f = AtomicFile::create(&target).unwrap();
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        f.write_all(&data).unwrap();
        let (hash, len) = f.commit_hashed().unwrap();
        assert_eq!(len, data.len() as u64);
        assert_eq!(
            hash.as_slice(),
            Sha256::digest(std::fs::read(&target).unwrap()).as_slice()
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn failed_commit_removes_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.pdf");
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"data").unwrap();
        let tmp = f.temp_path().to_path_buf();
        // A non-empty directory where the file should go: the final rename fails.
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("x"), b"keep").unwrap();
        assert!(tmp.exists());
        assert!(f.commit().is_err());
        assert!(
            !tmp.exists(),
            "temporary file removed after the failed commit"
        );
        assert_eq!(std::fs::read(target.join("x")).unwrap(), b"keep");
    }

    #[test]
    fn drop_without_commit_keeps_old_target_and_removes_temp() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.pdf");
        std::fs::write(&target, b"old").unwrap();
        {
            let mut f = AtomicFile::create(&target).unwrap();
            f.write_all(b"new but failed").unwrap();
        }
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
