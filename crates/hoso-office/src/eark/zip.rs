//! A small ZIP (APPNOTE 6.3.x) writer and reader for packages: the writer stores files
//! uncompressed (the PDFs are compressed already) with CRC-32; the reader takes stored and
//! deflated members, refuses absolute paths, `..`, encryption and sizes over the limit, and
//! unpacks into a folder.

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

/// Why an archive cannot be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ZipError {
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The archive's structure is wrong.
    #[error("{0}")]
    Malformed(&'static str),
    /// A member name would land outside the folder.
    #[error("tên tệp không an toàn trong zip / unsafe member name {0:?}")]
    UnsafeName(String),
    /// Too large to unpack.
    #[error("zip quá lớn / archive too large")]
    TooLarge,
}

fn ioe(path: &Path) -> impl FnOnce(std::io::Error) -> ZipError + '_ {
    move |source| ZipError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Total unpacked bytes allowed (16 GiB) and members (100 000).
const MAX_TOTAL: u64 = 16 << 30;
const MAX_MEMBERS: usize = 100_000;

fn files_under(dir: &Path, base: &Path, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        if e.file_type()?.is_dir() {
            files_under(&p, base, out)?;
        } else {
            let rel = p
                .strip_prefix(base)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, p));
        }
    }
    Ok(())
}

/// Packs folder `dir` as `dir.zip` (members under the folder's name), written to a temporary
/// file then renamed.
pub fn pack(dir: &Path) -> Result<PathBuf, ZipError> {
    let base = dir.parent().unwrap_or(Path::new("."));
    let mut files = Vec::new();
    files_under(dir, base, &mut files).map_err(ioe(dir))?;
    let mut zip_name = dir.file_name().unwrap_or_default().to_os_string();
    zip_name.push(".zip");
    let zip = dir.with_file_name(zip_name);
    let mut f = hoso_pdf::atomic::AtomicFile::create(&zip).map_err(ioe(&zip))?;
    let w = f.file_mut().map_err(ioe(&zip))?;
    let mut central = Vec::new();
    let mut offset: u64 = 0;
    for (name, path) in &files {
        let data = std::fs::read(path).map_err(ioe(path))?;
        let crc = crc32fast::hash(&data);
        let size = u32::try_from(data.len()).map_err(|_| ZipError::TooLarge)?;
        let off = u32::try_from(offset).map_err(|_| ZipError::TooLarge)?;
        let mut local = Vec::with_capacity(30 + name.len());
        local.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        // version 2.0, flags: bit 11 = UTF-8 names, method 0 (stored), time/date 0.
        for v in [20u16, 1 << 11, 0, 0, 0x21] {
            local.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size, size] {
            local.extend_from_slice(&v.to_le_bytes());
        }
        local.extend_from_slice(&(name.len() as u16).to_le_bytes());
        local.extend_from_slice(&0u16.to_le_bytes());
        local.extend_from_slice(name.as_bytes());
        w.write_all(&local)
            .and_then(|()| w.write_all(&data))
            .map_err(ioe(&zip))?;
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        for v in [20u16, 20, 1 << 11, 0, 0, 0x21] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size, size] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [name.len() as u16, 0, 0, 0, 0] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(&0u32.to_le_bytes());
        central.extend_from_slice(&off.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
        offset += local.len() as u64 + data.len() as u64;
    }
    let n = u16::try_from(files.len()).map_err(|_| ZipError::TooLarge)?;
    let mut end = Vec::new();
    end.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, n, n] {
        end.extend_from_slice(&v.to_le_bytes());
    }
    end.extend_from_slice(&(central.len() as u32).to_le_bytes());
    end.extend_from_slice(
        &u32::try_from(offset)
            .map_err(|_| ZipError::TooLarge)?
            .to_le_bytes(),
    );
    end.extend_from_slice(&0u16.to_le_bytes());
    w.write_all(&central)
        .and_then(|()| w.write_all(&end))
        .map_err(ioe(&zip))?;
    f.commit().map_err(ioe(&zip))?;
    Ok(zip)
}

fn u16_at(b: &[u8], at: usize) -> Result<u16, ZipError> {
    b.get(at..at + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or(ZipError::Malformed("truncated"))
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, ZipError> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or(ZipError::Malformed("truncated"))
}

/// A safe relative path for a member name.
fn safe(name: &str) -> Result<PathBuf, ZipError> {
    let p = Path::new(name);
    let ok = !name.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(p.to_path_buf())
    } else {
        Err(ZipError::UnsafeName(name.to_owned()))
    }
}

/// One member's data, checked against its CRC-32.
fn member(b: &[u8], cd: usize) -> Result<(String, Vec<u8>), ZipError> {
    let (flags, method) = (u16_at(b, cd + 8)?, u16_at(b, cd + 10)?);
    let (crc, csize, usize_) = (
        u32_at(b, cd + 16)?,
        u32_at(b, cd + 20)? as usize,
        u32_at(b, cd + 24)? as usize,
    );
    let name_len = u16_at(b, cd + 28)? as usize;
    let off = u32_at(b, cd + 42)? as usize;
    let name = b
        .get(cd + 46..cd + 46 + name_len)
        .ok_or(ZipError::Malformed("truncated name"))?;
    let name = String::from_utf8_lossy(name).into_owned();
    if flags & 1 != 0 {
        return Err(ZipError::Malformed("encrypted member"));
    }
    let (ln, le) = (u16_at(b, off + 26)? as usize, u16_at(b, off + 28)? as usize);
    let start = off
        .checked_add(30 + ln + le)
        .ok_or(ZipError::Malformed("offset"))?;
    let raw = b
        .get(
            start
                ..start
                    .checked_add(csize)
                    .ok_or(ZipError::Malformed("size"))?,
        )
        .ok_or(ZipError::Malformed("member beyond the end"))?;
    let data = match method {
        0 => raw.to_vec(),
        8 => {
            let mut out = Vec::with_capacity(usize_.min(1 << 26));
            flate2::read::DeflateDecoder::new(raw)
                .take(usize_ as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|_| ZipError::Malformed("bad deflate data"))?;
            out
        }
        _ => return Err(ZipError::Malformed("unsupported compression")),
    };
    if data.len() != usize_ || crc32fast::hash(&data) != crc {
        return Err(ZipError::Malformed("CRC or size mismatch"));
    }
    Ok((name, data))
}

/// Unpacks `zip` into `into` (which must not exist); returns the folder.
pub fn unpack(zip: &Path, into: &Path) -> Result<PathBuf, ZipError> {
    let b = std::fs::read(zip).map_err(ioe(zip))?;
    let eocd = (0..b.len().saturating_sub(21))
        .rev()
        .take(65_557)
        .find(|&i| b[i..].starts_with(&[0x50, 0x4b, 5, 6]))
        .ok_or(ZipError::Malformed("no end of central directory"))?;
    let count = u16_at(&b, eocd + 10)? as usize;
    let mut cd = u32_at(&b, eocd + 16)? as usize;
    if count > MAX_MEMBERS {
        return Err(ZipError::TooLarge);
    }
    let mut total = 0u64;
    for _ in 0..count {
        if u32_at(&b, cd)? != 0x0201_4b50 {
            return Err(ZipError::Malformed("bad central directory"));
        }
        let (name, data) = member(&b, cd)?;
        total += data.len() as u64;
        if total > MAX_TOTAL {
            return Err(ZipError::TooLarge);
        }
        if !name.ends_with('/') {
            let target = into.join(safe(&name)?);
            if let Some(p) = target.parent() {
                std::fs::create_dir_all(p).map_err(ioe(p))?;
            }
            std::fs::write(&target, &data).map_err(ioe(&target))?;
        }
        cd += 46
            + u16_at(&b, cd + 28)? as usize
            + u16_at(&b, cd + 30)? as usize
            + u16_at(&b, cd + 32)? as usize;
    }
    Ok(into.to_path_buf())
}
