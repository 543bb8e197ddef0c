//! The two small formats every hoso crate writes, kept once for the whole workspace (this is the
//! lowest crate the others build on): lower-case hex of hashes and fingerprints, and Vietnam
//! time (+07:00, no daylight saving) as ISO 8601 to the second, the zone every hoso timestamp is
//! recorded and shown in (DESIGN: "Time is ISO 8601 in Vietnam time (+07:00) inside files").

use std::time::SystemTime;

use time::{OffsetDateTime, UtcOffset};

/// Indochina Time, UTC+07:00, without daylight saving.
pub const VIETNAM: UtcOffset = time::macros::offset!(+7);

/// Lower-case hex of any bytes: `[0xab, 0x01]` → `"ab01"`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// `t` in Vietnam time, truncated to whole seconds.
pub fn to_vietnam(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(VIETNAM)
        .replace_nanosecond(0)
        .expect("0 is a valid nanosecond")
}

/// Now, in Vietnam time, to the second.
pub fn vietnam_now() -> OffsetDateTime {
    to_vietnam(OffsetDateTime::now_utc())
}

/// A system time as an `OffsetDateTime` in Vietnam time, to the second (times before 1970
/// count backwards; times `time` cannot hold become the Unix epoch).
pub fn system_to_vietnam(t: SystemTime) -> OffsetDateTime {
    let secs = match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
    };
    to_vietnam(OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH))
}

/// ISO 8601 in Vietnam time, to the second: `2026-11-29T09:15:02+07:00`.
pub fn iso8601_vietnam(t: OffsetDateTime) -> String {
    let t = to_vietnam(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+07:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// As [`iso8601_vietnam`], for a system time.
pub fn iso8601_vietnam_system(t: SystemTime) -> String {
    iso8601_vietnam(system_to_vietnam(t))
}

/// SHA-256 of a reader's bytes, streamed 64 KiB at a time (the workspace's one file hasher).
pub fn sha256_reader(mut r: impl std::io::Read) -> std::io::Result<[u8; 32]> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(h.finalize().into())
}

/// SHA-256 of a file's bytes.
pub fn sha256_file(path: &std::path::Path) -> std::io::Result<[u8; 32]> {
    sha256_reader(std::fs::File::open(path)?)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use time::macros::datetime;

    #[test]
    fn hex_is_lower_case_two_digits_per_byte() {
        assert_eq!(hex(&[]), "");
        assert_eq!(hex(&[0x00, 0x0f, 0xab, 0xff]), "000fabff");
    }

    #[test]
    fn vietnam_time_is_plus_seven_to_the_second() {
        let utc = datetime!(2026-11-29 02:15:02.75 UTC);
        assert_eq!(iso8601_vietnam(utc), "2026-11-29T09:15:02+07:00");
        // Across midnight and the year.
        let late = datetime!(2026-12-31 20:00:00 UTC);
        assert_eq!(iso8601_vietnam(late), "2027-01-01T03:00:00+07:00");
        let sys = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_918_502);
        assert_eq!(iso8601_vietnam_system(sys), "2026-11-29T09:15:02+07:00");
        assert_eq!(system_to_vietnam(sys).offset(), VIETNAM);
        assert_eq!(vietnam_now().offset(), VIETNAM);
        assert_eq!(vietnam_now().nanosecond(), 0);
    }
}
