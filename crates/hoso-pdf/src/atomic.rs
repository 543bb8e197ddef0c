//! Crash-safe output files: write to a temporary file beside the target, fsync, rename.
//!
//! A crash or an error leaves either the old state (no file, or the previous file) or the new
//! file whole; never a half-written target. Dropping an [`AtomicFile`] without
//! [`AtomicFile::commit`] removes the temporary file.
//!
//! A process killed outright (SIGKILL, power loss) cannot clean up: its `.<name>.<pid>-<n>.tmp`
//! stays. Each temporary file is held under an exclusive advisory lock for as long as its writer
//! lives, so the next [`AtomicFile::create`] in the same folder removes every temporary file of
//! this naming scheme whose lock it can take and whose process is gone.

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
        sweep_stale(&dir);
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
                    // Held until the file is closed (commit, drop or the process's death).
                    // Filesystems without locks still get a working temporary file.
                    let _ = f.try_lock();
                    return Ok(Self {
                        target: target.to_path_buf(),
                        tmp,
                        file: Some(BufWriter::with_capacity(1 << 20, f)),
                    });
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

impl AtomicFile {
    /// Appends the first `len` bytes of `input` (the original an incremental update extends) and,
    /// with `hash`, returns the SHA-256 state of those bytes, computed on a second thread from a
    /// second handle while the first copies (in the kernel where it can: `copy_file_range`).
    /// Neither side holds more than a 1 MiB buffer. An input shorter than `len` (changed while
    /// it was read) is an [`io::ErrorKind::UnexpectedEof`] error.
    pub fn append_prefix_of(
        &mut self,
        input: &Path,
        len: u64,
        hash: bool,
    ) -> io::Result<Option<sha2::Sha256>> {
        use sha2::Digest;
        let mut src = File::open(input)?;
        let dst = self.file_mut()?;
        let (copied, hashed) = std::thread::scope(|scope| {
            let hasher = hash.then(|| {
                scope.spawn(|| -> io::Result<(sha2::Sha256, u64)> {
                    let mut h = sha2::Sha256::new();
                    let n = io::copy(&mut io::Read::take(File::open(input)?, len), &mut h)?;
                    Ok((h, n))
                })
            });
            let copied = io::copy(&mut io::Read::take(&mut src, len), dst);
            let hashed = hasher.map(|t| {
                t.join()
                    .unwrap_or_else(|_| Err(io::Error::other("hashing thread failed")))
            });
            (copied, hashed)
        });
        let shorter = || {
            io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the input changed while it was being copied",
            )
        };
        if copied? != len {
            return Err(shorter());
        }
        match hashed.transpose()? {
            Some((_, n)) if n != len => Err(shorter()),
            Some((h, _)) => Ok(Some(h)),
            None => Ok(None),
        }
    }
}

/// Splits `.<name>.<pid>-<n>.tmp` into the pid; `None` for any other file name.
fn temp_pid(file_name: &str) -> Option<u32> {
    let stem = file_name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (rest, attempt) = stem.rsplit_once('-')?;
    let (name, pid) = rest.rsplit_once('.')?;
    if name.is_empty() || attempt.is_empty() || !attempt.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Whether process `pid` may still be running. Where it cannot be told, the answer is yes
/// (the lock alone then decides).
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc_root = Path::new("/proc");
    if proc_root.join("self").exists() {
        proc_root.join(pid.to_string()).exists()
    } else {
        // No procfs: an unlocked temporary file is only left by a dead writer, since every
        // live writer holds its lock.
        false
    }
}

/// Removes temporary files of killed writers from `dir`: the name matches, the owning process is
/// gone, and nobody holds the file's lock. Errors are ignored (it is housekeeping).
fn sweep_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_pid) else {
            continue;
        };
        if process_alive(pid) || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let Ok(f) = OpenOptions::new().read(true).write(true).open(&path) else {
            continue;
        };
        if f.try_lock().is_ok() {
            let _ = std::fs::remove_file(&path);
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
    fn temp_names_are_recognised_strictly() {
        assert_eq!(temp_pid(".out.pdf.1234-0.tmp"), Some(1234));
        assert_eq!(temp_pid(".a.b.pdf.77-12.tmp"), Some(77));
        for other in [
            "out.pdf",
            ".out.pdf.tmp",
            ".out.pdf.x-0.tmp",
            "..12-0.tmp",
            ".o.12-.tmp",
        ] {
            assert_eq!(temp_pid(other), None, "{other}");
        }
    }

    #[test]
    fn stale_temp_of_a_dead_process_is_swept_and_live_ones_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.pdf");
        // A pid far above any pid_max: no such process.
        let dead = dir.path().join(".out.pdf.4294967295-0.tmp");
        std::fs::write(&dead, b"left by a killed run").unwrap();
        let other = dir.path().join("notes.tmp");
        std::fs::write(&other, b"not ours").unwrap();
        // A live writer in this process keeps its file.
        let live = AtomicFile::create(&dir.path().join("other.pdf")).unwrap();
        let f = AtomicFile::create(&target).unwrap();
        assert!(!dead.exists(), "stale temporary file removed");
        assert!(other.exists());
        assert!(live.temp_path().exists());
        f.commit().unwrap();
        drop(live);
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

    #[test]
    fn append_prefix_copies_and_hashes_exactly_len_bytes() {
        use sha2::Digest;
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.bin");
        std::fs::write(&input, b"0123456789").unwrap();
        let out = dir.path().join("out.bin");
        let mut f = AtomicFile::create(&out).unwrap();
        let h = f.append_prefix_of(&input, 4, true).unwrap().unwrap();
        f.write_all(b"++").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"0123++");
        assert_eq!(
            h.finalize().as_slice(),
            sha2::Sha256::digest(b"0123").as_slice()
        );

        let mut f = AtomicFile::create(&out).unwrap();
        let err = f.append_prefix_of(&input, 11, false).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    }
}
