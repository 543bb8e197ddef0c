//! SANE scanners (Scanner Access Now Easy, the sane-backends library on Linux and the BSDs).
//!
//! [`Sane`] is the library, initialised once per process; [`Sane::devices`] lists scanners and
//! [`Sane::open`] gives a [`SaneDevice`], which implements [`ScanDevice`] for
//! [`crate::device::scan_batch`]. All `unsafe` code lives in the private `sys` module, one safe
//! function per C call.
//!
//! Option names follow the SANE Standard's well-known options (§4.5): `source`, `mode`,
//! `resolution`, `depth`, `tl-x`, `tl-y`, `br-x`, `br-y`.

mod sys;

use std::marker::PhantomData;
use std::sync::{Mutex, MutexGuard};

use crate::device::{ColorMode, DeviceInfo, PageFormat, ScanDevice, ScanSettings, Source};
use crate::ScanError;

/// libsane keeps global state: one [`Sane`] at a time per process.
static LIBRARY: Mutex<()> = Mutex::new(());

/// The initialised SANE library. Dropping it calls `sane_exit`.
pub struct Sane {
    _lock: MutexGuard<'static, ()>,
    version: i32,
}

impl std::fmt::Debug for Sane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sane")
            .field("version", &self.version_string())
            .finish()
    }
}

impl Sane {
    /// Initialises libsane, waiting while another `Sane` in this process is alive.
    /// `SANE_CONFIG_DIR` in the environment selects the configuration (backends in `dll.conf`).
    pub fn init() -> Result<Self, ScanError> {
        let lock = LIBRARY
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (status, version) = sys::init();
        if status != sys::STATUS_GOOD {
            return Err(ScanError::LibraryInit {
                message: sys::strstatus(status),
            });
        }
        Ok(Sane {
            _lock: lock,
            version,
        })
    }

    /// The SANE version as `major.minor.build`.
    pub fn version_string(&self) -> String {
        let v = self.version as u32;
        format!("{}.{}.{}", v >> 24, (v >> 16) & 0xFF, v & 0xFFFF)
    }

    /// Lists the scanners the configured backends see.
    pub fn devices(&self) -> Result<Vec<DeviceInfo>, ScanError> {
        let list = sys::get_devices(false).map_err(|s| status_error(s, "listing devices", ""))?;
        Ok(list
            .into_iter()
            .map(|d| DeviceInfo {
                name: d.name,
                vendor: d.vendor,
                model: d.model,
                kind: d.kind,
            })
            .collect())
    }

    /// Opens a scanner by name (as listed by [`Sane::devices`]).
    pub fn open(&self, name: &str) -> Result<SaneDevice<'_>, ScanError> {
        let handle = sys::open(name).map_err(|s| match s {
            sys::STATUS_INVAL => ScanError::DeviceNotFound { name: name.into() },
            other => status_error(other, "opening the device", name),
        })?;
        Ok(SaneDevice {
            handle: Some(handle),
            name: name.to_string(),
            _sane: PhantomData,
        })
    }
}

impl Drop for Sane {
    fn drop(&mut self) {
        sys::exit();
    }
}

/// An open SANE device. It borrows the [`Sane`] it came from, so it is closed before
/// `sane_exit`.
#[derive(Debug)]
pub struct SaneDevice<'a> {
    handle: Option<sys::Handle>,
    name: String,
    _sane: PhantomData<&'a Sane>,
}

/// A value for [`SaneDevice::set_option`].
#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue<'v> {
    /// A string option (`mode`, `source`, ...).
    Str(&'v str),
    /// An integer option, or a fixed-point option given as a whole number.
    Int(i32),
    /// A fixed-point option (millimetres, ...), or an integer option rounded.
    Number(f64),
    /// A boolean option.
    Bool(bool),
}

/// What [`SaneDevice::options`] reports of one option.
#[derive(Debug, Clone)]
pub struct OptionInfo {
    /// Option name (`mode`, `resolution`, ...).
    pub name: String,
    /// Human title.
    pub title: String,
    /// Allowed strings, for string-list options.
    pub choices: Vec<String>,
    /// Allowed range (min, max), for range options, in the option's units.
    pub range: Option<(f64, f64)>,
    /// Active and settable.
    pub settable: bool,
}

/// Most options a device is asked about (real backends have well under a hundred).
const MAX_OPTIONS: i32 = 4096;

impl SaneDevice<'_> {
    fn handle(&self) -> Result<&sys::Handle, ScanError> {
        self.handle.as_ref().ok_or(ScanError::DeviceLost {
            message: "device already closed".into(),
        })
    }

    /// The number of options (option 0, read with the size its own descriptor declares),
    /// capped: a backend claiming more is not walked further.
    fn option_count(&self, h: &sys::Handle) -> Result<i32, ScanError> {
        let size = sys::option_descriptor(h, 0).map_or(4, |d| d.size);
        let count = sys::get_word(h, 0, size)
            .map_err(|s| status_error(s, "reading options", &self.name))?;
        Ok(count.clamp(0, MAX_OPTIONS))
    }

    fn find(&self, name: &str) -> Result<Option<(i32, sys::OptionDescriptor)>, ScanError> {
        let h = self.handle()?;
        let count = self.option_count(h)?;
        Ok((1..count).find_map(|i| {
            sys::option_descriptor(h, i)
                .filter(|d| d.name == name)
                .map(|d| (i, d))
        }))
    }

    /// Every active option with its choices, for settings screens.
    pub fn options(&self) -> Result<Vec<OptionInfo>, ScanError> {
        let h = self.handle()?;
        let count = self.option_count(h)?;
        Ok((1..count)
            .filter_map(|i| sys::option_descriptor(h, i))
            .filter(|d| !d.name.is_empty() && d.cap & sys::CAP_INACTIVE == 0)
            .map(|d| {
                let fixed = d.value_type == sys::TYPE_FIXED;
                let scale = |v: i32| if fixed { v as f64 / 65536.0 } else { v as f64 };
                OptionInfo {
                    settable: d.cap & sys::CAP_SOFT_SELECT != 0,
                    choices: match &d.constraint {
                        sys::Constraint::Strings(v) => v.clone(),
                        sys::Constraint::Words(w) => {
                            w.iter().map(|&v| scale(v).to_string()).collect()
                        }
                        _ => Vec::new(),
                    },
                    range: match d.constraint {
                        sys::Constraint::Range { min, max, .. } => Some((scale(min), scale(max))),
                        _ => None,
                    },
                    name: d.name,
                    title: d.title,
                }
            })
            .collect())
    }

    /// Sets an option by name. Unknown options and refused values are errors that name the
    /// option and what the device offers.
    pub fn set_option(
        &mut self,
        name: &'static str,
        value: OptionValue<'_>,
    ) -> Result<(), ScanError> {
        let unavailable = |available: String| ScanError::OptionUnavailable {
            option: name,
            wanted: format!("{value:?}"),
            available,
        };
        let Some((i, d)) = self.find(name)? else {
            return Err(unavailable("(no such option)".into()));
        };
        if d.cap & sys::CAP_INACTIVE != 0 {
            return Err(unavailable("(inactive)".into()));
        }
        let h = self.handle()?;
        let result = match (d.value_type, &value) {
            (sys::TYPE_STRING, OptionValue::Str(s)) => {
                sys::set_string(h, i, s, d.size.max(0) as usize)
            }
            (sys::TYPE_INT, OptionValue::Int(v)) => sys::set_word(h, i, *v, d.size),
            (sys::TYPE_INT, OptionValue::Number(v)) => {
                sys::set_word(h, i, v.round() as i32, d.size)
            }
            (sys::TYPE_FIXED, OptionValue::Int(v)) => sys::set_word(h, i, v << 16, d.size),
            (sys::TYPE_FIXED, OptionValue::Number(v)) => {
                sys::set_word(h, i, (v * 65536.0).round() as i32, d.size)
            }
            (sys::TYPE_BOOL, OptionValue::Bool(b)) => sys::set_word(h, i, i32::from(*b), d.size),
            _ => Err(sys::STATUS_INVAL),
        };
        result.map(|_| ()).map_err(|s| match s {
            sys::STATUS_INVAL => unavailable(describe(&d.constraint)),
            other => status_error(other, "setting an option", &self.name),
        })
    }

    fn choices(&self, name: &str) -> Result<Vec<String>, ScanError> {
        Ok(match self.find(name)? {
            Some((_, d)) => match d.constraint {
                sys::Constraint::Strings(v) => v,
                _ => Vec::new(),
            },
            None => Vec::new(),
        })
    }

    /// Picks the first offered string containing one of `keys` (case-insensitive) and none of
    /// `exclude`.
    fn pick(
        &self,
        option: &'static str,
        wanted: &str,
        keys: &[&str],
        exclude: &[&str],
    ) -> Result<String, ScanError> {
        let choices = self.choices(option)?;
        choices
            .iter()
            .find(|c| {
                let l = c.to_lowercase();
                keys.iter().any(|k| l.contains(k)) && !exclude.iter().any(|x| l.contains(x))
            })
            .cloned()
            .ok_or_else(|| ScanError::OptionUnavailable {
                option,
                wanted: wanted.into(),
                available: choices.join(", "),
            })
    }
}

fn describe(c: &sys::Constraint) -> String {
    match c {
        sys::Constraint::None => "(any value)".into(),
        sys::Constraint::Range { min, max, .. } => format!("{min}..{max}"),
        sys::Constraint::Words(w) => w
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        sys::Constraint::Strings(s) => s.join(", "),
    }
}

impl ScanDevice for SaneDevice<'_> {
    fn name(&self) -> &str {
        &self.name
    }

    fn configure(&mut self, s: &ScanSettings) -> Result<(), ScanError> {
        // Source: devices without a `source` option are flatbeds.
        if self.find("source")?.is_some() {
            let src = match s.source {
                Source::Flatbed => self.pick("source", "flatbed", &["flatbed", "glass"], &[])?,
                Source::Adf => {
                    self.pick("source", "adf", &["adf", "feeder"], &["duplex", "back"])?
                }
                Source::Duplex => self.pick("source", "duplex", &["duplex"], &[])?,
            };
            self.set_option("source", OptionValue::Str(&src))?;
        } else if s.source != Source::Flatbed {
            return Err(ScanError::OptionUnavailable {
                option: "source",
                wanted: format!("{:?}", s.source).to_lowercase(),
                available: "flatbed".into(),
            });
        }
        let lineart_by_depth = match s.mode {
            ColorMode::Color => {
                let m = self.pick("mode", "color", &["color", "colour"], &[])?;
                self.set_option("mode", OptionValue::Str(&m))?;
                false
            }
            ColorMode::Gray => {
                let m = self.pick("mode", "gray", &["gray", "grey"], &[])?;
                self.set_option("mode", OptionValue::Str(&m))?;
                false
            }
            ColorMode::Lineart => {
                match self.pick("mode", "lineart", &["lineart", "binary", "black"], &[]) {
                    Ok(m) => {
                        self.set_option("mode", OptionValue::Str(&m))?;
                        false
                    }
                    // Some devices offer 1-bit through the depth of grey mode instead.
                    Err(e) => {
                        let m = self
                            .pick("mode", "gray", &["gray", "grey"], &[])
                            .map_err(|_| e)?;
                        self.set_option("mode", OptionValue::Str(&m))?;
                        true
                    }
                }
            }
        };
        if lineart_by_depth {
            self.set_option("depth", OptionValue::Int(1))?;
        } else if self
            .find("depth")?
            .is_some_and(|(_, d)| d.cap & sys::CAP_INACTIVE == 0)
        {
            self.set_option("depth", OptionValue::Int(8))?;
        }
        self.set_option("resolution", OptionValue::Number(s.dpi as f64))?;
        // Scan area: A4 (210 × 297 mm) or as much of it as the device allows.
        for (name, mm) in [
            ("tl-x", 0.0),
            ("tl-y", 0.0),
            ("br-x", 210.0),
            ("br-y", 297.0),
        ] {
            if let Some((_, d)) = self.find(name)? {
                let fixed = d.value_type == sys::TYPE_FIXED;
                let max = match d.constraint {
                    sys::Constraint::Range { max, .. } if fixed => max as f64 / 65536.0,
                    sys::Constraint::Range { max, .. } => max as f64,
                    _ => mm,
                };
                self.set_option(name, OptionValue::Number(mm.min(max)))?;
            }
        }
        Ok(())
    }

    fn start_page(&mut self) -> Result<Option<PageFormat>, ScanError> {
        let h = self.handle()?;
        match sys::start(h) {
            sys::STATUS_GOOD => {}
            sys::STATUS_NO_DOCS => return Ok(None),
            other => return Err(status_error(other, "starting a page", &self.name)),
        }
        let p = sys::get_parameters(h)
            .map_err(|s| status_error(s, "reading page parameters", &self.name))?;
        let channels = match p.format {
            sys::FRAME_GRAY => 1,
            sys::FRAME_RGB => 3,
            other => {
                return Err(ScanError::UnsupportedData {
                    what: format!("frame format {other} (three-pass scanners are not supported)"),
                })
            }
        };
        if !matches!(p.depth, 1 | 8 | 16) || (channels == 3 && p.depth == 1) {
            return Err(ScanError::UnsupportedData {
                what: format!("{} bits per sample", p.depth),
            });
        }
        if p.lines <= 0 || p.pixels_per_line <= 0 || p.bytes_per_line <= 0 {
            return Err(ScanError::UnsupportedData {
                what: "pages of unknown length (hand scanners)".into(),
            });
        }
        Ok(Some(PageFormat {
            width: p.pixels_per_line as u32,
            height: p.lines as u32,
            channels,
            depth: p.depth as u8,
            bytes_per_line: p.bytes_per_line as usize,
        }))
    }

    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ScanError> {
        let h = self.handle()?;
        loop {
            match sys::read(h, buf) {
                // A non-blocking backend may return 0 bytes with GOOD: read again.
                Ok(0) => std::thread::yield_now(),
                Ok(n) => return Ok(n),
                Err(sys::STATUS_EOF) => return Ok(0),
                Err(s) => return Err(status_error(s, "reading a page", &self.name)),
            }
        }
    }

    fn cancel(&mut self) {
        if let Some(h) = &self.handle {
            sys::cancel(h);
        }
    }
}

impl Drop for SaneDevice<'_> {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            sys::cancel(&h);
            sys::close(h);
        }
    }
}

/// Maps a SANE status to the error an officer can act on.
fn status_error(status: sys::Status, operation: &'static str, device: &str) -> ScanError {
    match status {
        sys::STATUS_JAMMED => ScanError::Jammed,
        sys::STATUS_NO_DOCS => ScanError::NoDocuments,
        sys::STATUS_COVER_OPEN => ScanError::CoverOpen,
        sys::STATUS_DEVICE_BUSY => ScanError::DeviceBusy {
            name: device.into(),
        },
        sys::STATUS_ACCESS_DENIED => ScanError::AccessDenied {
            name: device.into(),
        },
        sys::STATUS_IO_ERROR => ScanError::DeviceLost {
            message: sys::strstatus(status),
        },
        sys::STATUS_NO_MEM => ScanError::OutOfMemory,
        sys::STATUS_CANCELLED => ScanError::Cancelled,
        sys::STATUS_UNSUPPORTED | sys::STATUS_INVAL | sys::STATUS_EOF => ScanError::Backend {
            operation,
            message: sys::strstatus(status),
        },
        other => ScanError::Backend {
            operation,
            message: sys::strstatus(other),
        },
    }
}
