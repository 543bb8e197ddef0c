//! `hoso scan` and `hoso clean`, and the app's scanner panel: pages in from a scanner (SANE on
//! Linux) and page cleanup (deskew, crop, orientation, blank pages, binarize). These write page
//! images, not dossiers, so nothing is registered; the shells reach hoso-scan through here.

use std::path::{Path, PathBuf};

pub use hoso_scan::clean;
// SANE exists only on Unix; elsewhere the scan entry points below answer
// `ScanError::SaneUnavailable` so the shells compile unchanged and say what to do instead.
#[cfg(all(unix, feature = "sane"))]
pub use hoso_scan::sane;
pub use hoso_scan::{device, ScanError};

use device::BatchEnd;

/// What a scan brought in.
#[derive(Debug, Clone)]
pub struct Scanned {
    /// The page files, in order (pages scanned before a stop stay).
    pub pages: Vec<PathBuf>,
    /// Why the batch stopped early, in the officer's words (`None` when it ended normally).
    pub stopped: Option<String>,
}

impl From<device::ScanBatch> for Scanned {
    fn from(batch: device::ScanBatch) -> Self {
        let stopped = match &batch.end {
            BatchEnd::FeederEmpty | BatchEnd::FlatbedDone | BatchEnd::PageLimit => None,
            BatchEnd::Cancelled => Some(ScanError::Cancelled.officer_message()),
            BatchEnd::Failed(e) => Some(e.officer_message()),
        };
        Self {
            pages: batch.pages,
            stopped,
        }
    }
}

/// A new folder for one scan batch: `<workspace>/quet/<milliseconds since 1970>/`.
pub fn batch_folder(workspace: &Path) -> Result<PathBuf, crate::OfficeError> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    let dir = workspace.join("quet").join(stamp.to_string());
    std::fs::create_dir_all(&dir).map_err(|source| crate::OfficeError::Folder {
        path: dir.clone(),
        source,
    })?;
    Ok(dir)
}

/// The scanners SANE finds; on platforms without SANE, [`ScanError::SaneUnavailable`].
#[cfg(feature = "sane")]
pub fn list_scanners() -> Result<Vec<device::DeviceInfo>, crate::OfficeError> {
    #[cfg(unix)]
    {
        Ok(sane::Sane::init()?.devices()?)
    }
    #[cfg(not(unix))]
    {
        Err(ScanError::SaneUnavailable.into())
    }
}

/// Scans a batch from the SANE device `name` into a new [`batch_folder`] of `workspace`, each
/// page on disk as it arrives; `cancel` stops after the current read (that page is discarded).
/// On platforms without SANE, [`ScanError::SaneUnavailable`] before any folder is made.
#[cfg(feature = "sane")]
pub fn scan_into_workspace(
    workspace: &Path,
    name: &str,
    settings: &device::ScanSettings,
    cancel: &std::sync::atomic::AtomicBool,
    progress: &mut dyn FnMut(device::ScanEvent<'_>),
) -> Result<Scanned, crate::OfficeError> {
    #[cfg(unix)]
    {
        let dir = batch_folder(workspace)?;
        let sane = sane::Sane::init()?;
        let mut device = sane.open(name)?;
        Ok(device::scan_batch(&mut device, settings, &dir, cancel, progress).into())
    }
    #[cfg(not(unix))]
    {
        let _ = (workspace, name, settings, cancel, progress);
        Err(ScanError::SaneUnavailable.into())
    }
}
