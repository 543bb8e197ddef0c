//! Errors of page cleanup and scanning, as precise variants a caller can act on.
//!
//! Messages for people are built at the edge (CLI, desktop) from these variants; the `Display`
//! texts here are short English diagnostics that name the file or device involved.

use std::path::PathBuf;

/// A page could not be cleaned or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CleanError {
    /// The file could not be read at all (missing, permission, I/O).
    #[error("cannot read {path}: {source}")]
    Read {
        /// The input file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The bytes are not an image we can decode, or the image is truncated.
    #[error("cannot decode image {path}: {source}")]
    Decode {
        /// The input file.
        path: PathBuf,
        /// The decoder's error.
        source: image::ImageError,
    },
    /// The file ends before the image does (an interrupted copy or transfer).
    #[error("{path} is truncated: the image data ends early")]
    Truncated {
        /// The input file.
        path: PathBuf,
    },
    /// The image is too small or too large to be a scanned page.
    #[error("{path}: {width}×{height} px is not a plausible page image")]
    ImplausibleSize {
        /// The input file.
        path: PathBuf,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// Encoding the cleaned page failed.
    #[error("cannot encode the cleaned page: {0}")]
    Encode(#[from] image::ImageError),
    /// Writing an output file failed (disk full, permission, ...); nothing was left half-written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The output file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The output directory does not exist or cannot be created.
    #[error("cannot use output directory {path}: {source}")]
    OutputDir {
        /// The directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl CleanError {
    /// True when the error is about the output side (disk full, permissions): continuing with
    /// the other pages is pointless.
    pub fn is_output_failure(&self) -> bool {
        matches!(
            self,
            CleanError::Write { .. } | CleanError::OutputDir { .. }
        )
    }
}

/// Scanning failed or stopped. Variants follow what an officer can do about them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// The scanner library could not start.
    #[error("the SANE library could not start: {message}")]
    LibraryInit {
        /// SANE's description.
        message: String,
    },
    /// The scanner library is already in use in this process (SANE is process-global).
    #[error("the SANE library is already in use in this process")]
    AlreadyInUse,
    /// No device of that name.
    #[error("no scanner named {name}")]
    DeviceNotFound {
        /// The device name asked for.
        name: String,
    },
    /// The device is busy (another program is scanning).
    #[error("scanner {name} is busy")]
    DeviceBusy {
        /// The device.
        name: String,
    },
    /// Access to the device was denied (permissions).
    #[error("access to scanner {name} was denied")]
    AccessDenied {
        /// The device.
        name: String,
    },
    /// Paper jam in the document feeder.
    #[error("the document feeder is jammed")]
    Jammed,
    /// No paper in the document feeder.
    #[error("the document feeder has no paper")]
    NoDocuments,
    /// The scanner's cover is open.
    #[error("the scanner cover is open")]
    CoverOpen,
    /// I/O with the device failed: unplugged, switched off, cable or network trouble.
    #[error("lost contact with the scanner: {message}")]
    DeviceLost {
        /// SANE's description.
        message: String,
    },
    /// The device or driver ran out of memory.
    #[error("the scanner driver ran out of memory")]
    OutOfMemory,
    /// The scan was cancelled.
    #[error("the scan was cancelled")]
    Cancelled,
    /// The device does not offer a setting.
    #[error("scanner option {option} cannot be {wanted}; it offers: {available}")]
    OptionUnavailable {
        /// The option (source, mode, resolution, ...).
        option: &'static str,
        /// The value asked for.
        wanted: String,
        /// What the device offers, comma-separated.
        available: String,
    },
    /// The device sends data in a form hoso cannot store.
    #[error("unsupported image data from the scanner: {what}")]
    UnsupportedData {
        /// What.
        what: String,
    },
    /// A page could not be written (disk full, permissions); pages before it are kept.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The page file.
        path: std::path::PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// This platform has no SANE (Windows, macOS): `hoso scan` and the app's scanner panel cannot
    /// reach a scanner through it.
    #[error("SANE scanning is not available on this platform")]
    SaneUnavailable,
    /// Any other status from the backend.
    #[error("scanner error during {operation}: {message}")]
    Backend {
        /// The SANE call.
        operation: &'static str,
        /// SANE's description.
        message: String,
    },
}

impl ScanError {
    /// What the officer at the scanner can do about it, Vietnamese first, English second.
    pub fn officer_message(&self) -> String {
        match self {
            Self::Jammed => "Kẹt giấy trong khay nạp: gỡ tờ bị kẹt rồi quét tiếp / paper jam in the feeder: clear it and scan again".into(),
            Self::NoDocuments => "Khay nạp giấy trống: đặt giấy vào khay rồi quét lại / the feeder is empty: load the paper and scan again".into(),
            Self::CoverOpen => "Nắp máy quét đang mở: đóng nắp rồi quét lại / the scanner cover is open: close it and scan again".into(),
            Self::DeviceLost { .. } => "Mất kết nối với máy quét (cáp, nguồn điện, mạng?) / lost contact with the scanner (cable, power, network?)".into(),
            Self::DeviceBusy { name } => format!("Máy quét {name} đang bận (chương trình khác đang dùng) / scanner {name} is busy"),
            Self::AccessDenied { name } => format!("Không có quyền dùng máy quét {name} / no permission to use scanner {name}"),
            Self::DeviceNotFound { name } => format!("Không tìm thấy máy quét {name}; xem danh sách: hoso scan --list / scanner {name} not found; see hoso scan --list"),
            Self::OptionUnavailable { option, wanted, available } => format!("Máy quét không hỗ trợ {option} = {wanted}; có: {available} / the scanner does not offer {option} = {wanted}; it offers: {available}"),
            Self::Write { path, .. } => format!("Không ghi được {} (ổ đĩa đầy?) / cannot write it (disk full?)", path.display()),
            Self::Cancelled => "Đã hủy quét / scan cancelled".into(),
            Self::SaneUnavailable => "Quét qua SANE chỉ có trên Linux. Trên máy này hãy quét bằng phần mềm đi kèm máy quét (hoặc Windows Fax and Scan) rồi nhập các tệp ảnh hoặc PDF (hoso build TỆP…, hoặc \"Nhập tệp\" trong ứng dụng) / SANE scanning is available on Linux only. Here, scan with the scanner's own software (or Windows Fax and Scan), then import the image or PDF files (hoso build FILES…, or \"Import files\" in the app)".into(),
            Self::OutOfMemory => "Trình điều khiển máy quét hết bộ nhớ / the scanner driver ran out of memory".into(),
            other => format!("Lỗi máy quét / scanner error: {other}"),
        }
    }
}
