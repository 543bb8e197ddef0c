//! Kiosk: "Chọn tệp từ USB" — the PDFs on the removable drives plugged into the kiosk, and
//! nothing else of its file system. A citizen picks one of the listed files by its number; a
//! path never comes from the page.
//!
//! Removable drives are found from the mount table (`/proc/self/mounts`): a mount whose block
//! device sysfs marks `removable`, or one under the desktop auto-mount folders (`/media`,
//! `/run/media`). A kiosk whose drives mount elsewhere names the folder with `--usb-root`.
//! Symbolic links are never followed, so a link on the stick cannot reach the kiosk's disk.

use std::path::{Path, PathBuf};

/// Most files listed (a stick full of PDFs still gives a list a person can scroll).
pub const MAX_FILES: usize = 200;
/// Folder depth searched below a drive's root.
pub const MAX_DEPTH: usize = 3;

/// One mount of the mount table: device and mount point (octal escapes decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// `/dev/sdb1`.
    pub device: String,
    /// `/media/kiosk/USB DISK`.
    pub mount_point: PathBuf,
}

/// Parses `/proc/self/mounts` text (fstab(5) format: spaces in fields written as `\040`).
pub fn parse_mounts(text: &str) -> Vec<Mount> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split_whitespace();
            let device = unescape(f.next()?);
            let mount_point = PathBuf::from(unescape(f.next()?));
            Some(Mount {
                device,
                mount_point,
            })
        })
        .collect()
}

/// `\040` → space, `\011` → tab, `\012` → newline, `\134` → backslash.
fn unescape(field: &str) -> String {
    let b = field.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && b.len() - i >= 4
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            let v = b[i + 1..i + 4]
                .iter()
                .fold(0u32, |acc, c| acc * 8 + u32::from(c - b'0'));
            if let Ok(v) = u8::try_from(v) {
                out.push(v);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether sysfs marks the block device `/dev/<name>` (or the disk of that partition) removable.
fn sysfs_removable(device: &str) -> bool {
    let Some(name) = device.strip_prefix("/dev/") else {
        return false;
    };
    if name.contains('/') || name.is_empty() {
        return false;
    }
    let Ok(node) = std::fs::canonicalize(Path::new("/sys/class/block").join(name)) else {
        return false;
    };
    // A partition's removable flag is its disk's, one folder up.
    [node.join("removable"), node.join("../removable")]
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .any(|v| v.trim() == "1")
}

fn auto_mounted(mount_point: &Path) -> bool {
    mount_point.starts_with("/media") || mount_point.starts_with("/run/media")
}

/// The mount points of removable drives, plus `extra_roots` (from `--usb-root`) that exist.
pub fn removable_roots(extra_roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = std::fs::read_to_string("/proc/self/mounts")
        .map(|t| parse_mounts(&t))
        .unwrap_or_default()
        .into_iter()
        .filter(|m| auto_mounted(&m.mount_point) || sysfs_removable(&m.device))
        .map(|m| m.mount_point)
        .collect();
    roots.extend(extra_roots.iter().filter(|p| p.is_dir()).cloned());
    roots.sort();
    roots.dedup();
    roots
}

/// The PDF files under `roots` (not following links, at most [`MAX_DEPTH`] folders down, hidden
/// files skipped), sorted, at most [`MAX_FILES`].
pub fn pdfs_under(roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for root in roots {
        walk(root, 0, &mut found);
    }
    found.sort();
    found.truncate(MAX_FILES);
    found
}

fn walk(dir: &Path, depth: usize, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if found.len() >= MAX_FILES * 4 {
            return;
        }
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        // `file_type` does not follow links: a link is neither a file nor a folder here.
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() && depth < MAX_DEPTH {
            walk(&path, depth + 1, found);
        } else if kind.is_file()
            && path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
        {
            found.push(path);
        }
    }
}

/// The kiosk's USB picker: the folders given with `--usb-root` and the last listing shown.
#[derive(Default)]
pub struct UsbPicker {
    extra_roots: Vec<PathBuf>,
    listing: std::sync::Mutex<Vec<PathBuf>>,
}

/// One file of the listing, as the page shows it: its number, its name and its folder on the
/// drive (never a full path of the kiosk).
#[derive(Debug, Clone, serde::Serialize)]
pub struct UsbFile {
    /// Index into the listing, for [`UsbPicker::take`].
    pub index: usize,
    /// File name.
    pub name: String,
    /// Folder below the drive's root ("" at the root).
    pub folder: String,
}

impl UsbPicker {
    /// A picker that also lists `extra_roots`.
    pub fn new(extra_roots: Vec<PathBuf>) -> Self {
        Self {
            extra_roots,
            listing: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// Lists the PDFs on the removable drives now (`None`: no drive is plugged in).
    pub fn list(&self) -> Option<Vec<UsbFile>> {
        let roots = removable_roots(&self.extra_roots);
        if roots.is_empty() {
            return None;
        }
        let files = pdfs_under(&roots);
        let shown = files
            .iter()
            .enumerate()
            .map(|(index, p)| {
                let root = roots.iter().find(|r| p.starts_with(r));
                let folder = p
                    .parent()
                    .and_then(|d| root.and_then(|r| d.strip_prefix(r).ok()))
                    .map(|d| d.display().to_string())
                    .unwrap_or_default();
                UsbFile {
                    index,
                    name: p
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    folder,
                }
            })
            .collect();
        *self.listing.lock().unwrap_or_else(|p| p.into_inner()) = files;
        Some(shown)
    }

    /// The file numbered `index` in the last listing.
    pub fn take(&self, index: usize) -> Option<PathBuf> {
        self.listing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(index)
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mount_table_lines_with_escaped_spaces_are_read() {
        let text =
            "/dev/vda / ext4 rw 0 0\n/dev/sdb1 /media/kiosk/USB\\040DISK vfat rw 0 0\nbroken\n";
        let m = parse_mounts(text);
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].device, "/dev/sdb1");
        assert_eq!(m[1].mount_point, PathBuf::from("/media/kiosk/USB DISK"));
        assert!(auto_mounted(&m[1].mount_point));
        assert!(!auto_mounted(&m[0].mount_point));
        assert_eq!(unescape("a\\134b\\"), "a\\b\\");
    }

    #[test]
    fn only_pdfs_are_listed_and_links_off_the_stick_are_not_followed() {
        let stick = tempfile::tempdir().expect("tempdir");
        let disk = tempfile::tempdir().expect("tempdir");
        let s = stick.path();
        std::fs::create_dir_all(s.join("giay to/con")).expect("dirs");
        for f in [
            "a.pdf",
            "b.PDF",
            "note.txt",
            ".hidden.pdf",
            "giay to/con/c.pdf",
        ] {
            std::fs::write(s.join(f), b"%PDF-1.7").expect("write");
        }
        std::fs::write(disk.path().join("secret.pdf"), b"%PDF-1.7").expect("write");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(disk.path(), s.join("link-dir")).expect("link");
            std::os::unix::fs::symlink(disk.path().join("secret.pdf"), s.join("link.pdf"))
                .expect("link");
        }
        let names: Vec<String> = pdfs_under(&[s.to_path_buf()])
            .iter()
            .map(|p| p.strip_prefix(s).expect("under").display().to_string())
            .collect();
        assert_eq!(names, ["a.pdf", "b.PDF", "giay to/con/c.pdf"]);
    }
}
