//! The thin FFI layer over libsane (SANE Standard 1.0, `sane/sane.h` of sane-backends): raw
//! declarations and one safe function per C call. This is the only place with `unsafe`.

#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::ptr::{null, null_mut, NonNull};

/// `SANE_Status` (kept as an integer so unknown values from newer backends are not UB).
pub type Status = c_int;
pub const STATUS_GOOD: Status = 0;
pub const STATUS_UNSUPPORTED: Status = 1;
pub const STATUS_CANCELLED: Status = 2;
pub const STATUS_DEVICE_BUSY: Status = 3;
pub const STATUS_INVAL: Status = 4;
pub const STATUS_EOF: Status = 5;
pub const STATUS_JAMMED: Status = 6;
pub const STATUS_NO_DOCS: Status = 7;
pub const STATUS_COVER_OPEN: Status = 8;
pub const STATUS_IO_ERROR: Status = 9;
pub const STATUS_NO_MEM: Status = 10;
pub const STATUS_ACCESS_DENIED: Status = 11;

/// `SANE_Value_Type`.
pub const TYPE_BOOL: c_int = 0;
pub const TYPE_INT: c_int = 1;
pub const TYPE_FIXED: c_int = 2;
pub const TYPE_STRING: c_int = 3;
/// `SANE_Constraint_Type`.
const CONSTRAINT_RANGE: c_int = 1;
const CONSTRAINT_WORD_LIST: c_int = 2;
const CONSTRAINT_STRING_LIST: c_int = 3;
/// `SANE_CAP_SOFT_SELECT`, `SANE_CAP_INACTIVE`.
pub const CAP_SOFT_SELECT: c_int = 1;
pub const CAP_INACTIVE: c_int = 1 << 5;
/// `SANE_Frame`.
pub const FRAME_GRAY: c_int = 0;
pub const FRAME_RGB: c_int = 1;

const ACTION_GET_VALUE: c_int = 0;
const ACTION_SET_VALUE: c_int = 1;

#[repr(C)]
struct RawDevice {
    name: *const c_char,
    vendor: *const c_char,
    model: *const c_char,
    kind: *const c_char,
}

#[repr(C)]
struct RawRange {
    min: c_int,
    max: c_int,
    quant: c_int,
}

#[repr(C)]
struct RawOptionDescriptor {
    name: *const c_char,
    title: *const c_char,
    desc: *const c_char,
    value_type: c_int,
    unit: c_int,
    size: c_int,
    cap: c_int,
    constraint_type: c_int,
    constraint: *const c_void,
}

/// `SANE_Parameters`.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub struct Parameters {
    pub format: c_int,
    pub last_frame: c_int,
    pub bytes_per_line: c_int,
    pub pixels_per_line: c_int,
    pub lines: c_int,
    pub depth: c_int,
}

type AuthCallback = Option<unsafe extern "C" fn(*const c_char, *mut c_char, *mut c_char)>;

#[link(name = "sane")]
extern "C" {
    fn sane_init(version_code: *mut c_int, authorize: AuthCallback) -> Status;
    fn sane_exit();
    fn sane_get_devices(device_list: *mut *const *const RawDevice, local_only: c_int) -> Status;
    fn sane_open(name: *const c_char, handle: *mut *mut c_void) -> Status;
    fn sane_close(handle: *mut c_void);
    fn sane_get_option_descriptor(handle: *mut c_void, option: c_int)
        -> *const RawOptionDescriptor;
    fn sane_control_option(
        handle: *mut c_void,
        option: c_int,
        action: c_int,
        value: *mut c_void,
        info: *mut c_int,
    ) -> Status;
    fn sane_get_parameters(handle: *mut c_void, params: *mut Parameters) -> Status;
    fn sane_start(handle: *mut c_void) -> Status;
    fn sane_read(
        handle: *mut c_void,
        data: *mut u8,
        max_length: c_int,
        length: *mut c_int,
    ) -> Status;
    fn sane_cancel(handle: *mut c_void);
    fn sane_strstatus(status: Status) -> *const c_char;
}

/// Copies a C string that may be null.
fn owned(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: SANE strings are NUL-terminated and valid until the next call into the library;
    // we copy them immediately.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// `sane_init` without an authorization callback; returns the status and the version code.
pub fn init() -> (Status, i32) {
    let mut version = 0;
    // SAFETY: `version` is a valid out-pointer; a null callback is allowed by the standard.
    let status = unsafe { sane_init(&mut version, None) };
    (status, version)
}

/// `sane_exit`. Callers ensure every handle is closed first.
pub fn exit() {
    // SAFETY: called once per successful init, after all handles were closed (Sane's Drop).
    unsafe { sane_exit() }
}

/// One entry of `sane_get_devices`, copied.
#[derive(Debug, Clone)]
pub struct Device {
    pub name: String,
    pub vendor: String,
    pub model: String,
    pub kind: String,
}

/// `sane_get_devices`, copying the list before it can be invalidated.
pub fn get_devices(local_only: bool) -> Result<Vec<Device>, Status> {
    let mut list: *const *const RawDevice = null();
    // SAFETY: `list` is a valid out-pointer.
    let status = unsafe { sane_get_devices(&mut list, c_int::from(local_only)) };
    if status != STATUS_GOOD {
        return Err(status);
    }
    let mut out = Vec::new();
    if list.is_null() {
        return Ok(out);
    }
    let mut i = 0;
    loop {
        // SAFETY: the list is NULL-terminated (SANE Standard §4.3.3); we stop at the NULL.
        let dev = unsafe { *list.add(i) };
        if dev.is_null() {
            break;
        }
        // SAFETY: non-null entries point at valid SANE_Device structs.
        let d = unsafe { &*dev };
        out.push(Device {
            name: owned(d.name),
            vendor: owned(d.vendor),
            model: owned(d.model),
            kind: owned(d.kind),
        });
        i += 1;
    }
    Ok(out)
}

/// An open device handle. Not `Send`: SANE backends are not required to be thread-safe.
#[derive(Debug)]
pub struct Handle(NonNull<c_void>);

/// `sane_open`.
pub fn open(name: &str) -> Result<Handle, Status> {
    let c = CString::new(name).map_err(|_| STATUS_INVAL)?;
    let mut h: *mut c_void = null_mut();
    // SAFETY: `c` is NUL-terminated and outlives the call; `h` is a valid out-pointer.
    let status = unsafe { sane_open(c.as_ptr(), &mut h) };
    if status != STATUS_GOOD {
        return Err(status);
    }
    NonNull::new(h).map(Handle).ok_or(STATUS_INVAL)
}

/// `sane_close`.
pub fn close(h: Handle) {
    // SAFETY: the handle came from sane_open and is consumed, so it is closed exactly once.
    unsafe { sane_close(h.0.as_ptr()) }
}

/// A value constraint of an option.
#[derive(Debug, Clone, PartialEq)]
pub enum Constraint {
    None,
    Range { min: i32, max: i32, quant: i32 },
    Words(Vec<i32>),
    Strings(Vec<String>),
}

/// An option descriptor, copied.
#[derive(Debug, Clone)]
pub struct OptionDescriptor {
    pub name: String,
    pub title: String,
    pub value_type: c_int,
    pub size: c_int,
    pub cap: c_int,
    pub constraint: Constraint,
}

/// `sane_get_option_descriptor`, copied (the pointer is valid only until options reload).
pub fn option_descriptor(h: &Handle, option: i32) -> Option<OptionDescriptor> {
    // SAFETY: valid handle; the backend returns NULL for out-of-range options.
    let p = unsafe { sane_get_option_descriptor(h.0.as_ptr(), option) };
    if p.is_null() {
        return None;
    }
    // SAFETY: non-null descriptors are valid until the next option reload; we copy now.
    let d = unsafe { &*p };
    let constraint = match d.constraint_type {
        CONSTRAINT_RANGE if !d.constraint.is_null() => {
            // SAFETY: for CONSTRAINT_RANGE the union holds a pointer to a SANE_Range.
            let r = unsafe { &*(d.constraint as *const RawRange) };
            Constraint::Range {
                min: r.min,
                max: r.max,
                quant: r.quant,
            }
        }
        CONSTRAINT_WORD_LIST if !d.constraint.is_null() => {
            let words = d.constraint as *const c_int;
            // SAFETY: a word list starts with its length, followed by that many words.
            let n = unsafe { *words }.max(0) as usize;
            // SAFETY: as above, the n words follow the length.
            let list = unsafe { std::slice::from_raw_parts(words.add(1), n) };
            Constraint::Words(list.to_vec())
        }
        CONSTRAINT_STRING_LIST if !d.constraint.is_null() => {
            let strings = d.constraint as *const *const c_char;
            let mut v = Vec::new();
            let mut i = 0;
            loop {
                // SAFETY: the string list is NULL-terminated (SANE Standard §4.2.9.8).
                let s = unsafe { *strings.add(i) };
                if s.is_null() {
                    break;
                }
                v.push(owned(s));
                i += 1;
            }
            Constraint::Strings(v)
        }
        _ => Constraint::None,
    };
    Some(OptionDescriptor {
        name: owned(d.name),
        title: owned(d.title),
        value_type: d.value_type,
        size: d.size,
        cap: d.cap,
        constraint,
    })
}

/// Largest option value buffer accepted from a descriptor (a backend declaring more is broken).
pub const MAX_OPTION_SIZE: usize = 1 << 20;

/// A word buffer of the option's declared `size` bytes (rounded up to whole words, at least
/// one), so a backend writing the whole value never writes past it.
fn word_buffer(size: c_int, fill: c_int) -> Result<Vec<c_int>, Status> {
    let bytes = usize::try_from(size).unwrap_or(0);
    if bytes > MAX_OPTION_SIZE {
        return Err(STATUS_INVAL);
    }
    let words = bytes.div_ceil(std::mem::size_of::<c_int>()).max(1);
    Ok(vec![fill; words])
}

/// Reads the first word of a BOOL, INT or FIXED option whose value is `size` bytes (from its
/// descriptor; word-array options are read whole into a buffer of that size).
pub fn get_word(h: &Handle, option: i32, size: c_int) -> Result<i32, Status> {
    let mut v = word_buffer(size, 0)?;
    // SAFETY: `v` holds at least `size` bytes, the option's declared value size, which is all
    // the backend may write.
    let status = unsafe {
        sane_control_option(
            h.0.as_ptr(),
            option,
            ACTION_GET_VALUE,
            v.as_mut_ptr().cast(),
            null_mut(),
        )
    };
    if status == STATUS_GOOD {
        Ok(v[0])
    } else {
        Err(status)
    }
}

/// Sets a BOOL, INT or FIXED option whose value is `size` bytes (every word of a word-array
/// option gets `value`); returns the `info` bits (SANE_INFO_*).
pub fn set_word(h: &Handle, option: i32, value: i32, size: c_int) -> Result<i32, Status> {
    let mut v = word_buffer(size, value)?;
    let mut info: c_int = 0;
    // SAFETY: `v` holds at least `size` bytes, the option's declared value size; the backend
    // reads that many and may write the value actually set back into it.
    let status = unsafe {
        sane_control_option(
            h.0.as_ptr(),
            option,
            ACTION_SET_VALUE,
            v.as_mut_ptr().cast(),
            &mut info,
        )
    };
    if status == STATUS_GOOD {
        Ok(info)
    } else {
        Err(status)
    }
}

/// Sets a string option whose buffer is `size` bytes; returns the `info` bits.
pub fn set_string(h: &Handle, option: i32, value: &str, size: usize) -> Result<i32, Status> {
    if value.len() + 1 > size || size > MAX_OPTION_SIZE || value.contains('\0') {
        return Err(STATUS_INVAL);
    }
    let mut buf = vec![0u8; size];
    buf[..value.len()].copy_from_slice(value.as_bytes());
    let mut info: c_int = 0;
    // SAFETY: `buf` is `size` bytes (the option's declared size), NUL-terminated, and the
    // backend may write back at most `size` bytes.
    let status = unsafe {
        sane_control_option(
            h.0.as_ptr(),
            option,
            ACTION_SET_VALUE,
            buf.as_mut_ptr().cast(),
            &mut info,
        )
    };
    if status == STATUS_GOOD {
        Ok(info)
    } else {
        Err(status)
    }
}

/// `sane_get_parameters`.
pub fn get_parameters(h: &Handle) -> Result<Parameters, Status> {
    let mut p = Parameters::default();
    // SAFETY: `p` is a valid SANE_Parameters out-pointer.
    let status = unsafe { sane_get_parameters(h.0.as_ptr(), &mut p) };
    if status == STATUS_GOOD {
        Ok(p)
    } else {
        Err(status)
    }
}

/// `sane_start`.
pub fn start(h: &Handle) -> Status {
    // SAFETY: valid handle.
    unsafe { sane_start(h.0.as_ptr()) }
}

/// `sane_read` into `buf`; `Ok(0)` never means end of frame (that is `Err(STATUS_EOF)`).
pub fn read(h: &Handle, buf: &mut [u8]) -> Result<usize, Status> {
    let max = buf.len().min(c_int::MAX as usize) as c_int;
    let mut len: c_int = 0;
    // SAFETY: `buf` has room for `max` bytes and the backend writes at most `max`.
    let status = unsafe { sane_read(h.0.as_ptr(), buf.as_mut_ptr(), max, &mut len) };
    if status == STATUS_GOOD {
        Ok(len.clamp(0, max) as usize)
    } else {
        Err(status)
    }
}

/// `sane_cancel`.
pub fn cancel(h: &Handle) {
    // SAFETY: valid handle; cancel may be called at any time (SANE Standard §4.3.13).
    unsafe { sane_cancel(h.0.as_ptr()) }
}

/// `sane_strstatus`, copied.
pub fn strstatus(status: Status) -> String {
    // SAFETY: sane_strstatus returns a static string (or NULL, handled by `owned`).
    owned(unsafe { sane_strstatus(status) })
}
