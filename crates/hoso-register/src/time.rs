//! Vietnam time: every time the register records is ISO 8601 with the +07:00 offset.

use time::format_description::FormatItem;
use time::macros::{format_description, offset};
use time::{OffsetDateTime, UtcOffset};

/// Indochina Time, UTC+07:00, without daylight saving.
pub const VIETNAM: UtcOffset = offset!(+7);

const ISO_8601_SECONDS: &[FormatItem<'static>] = format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
);

/// `t` in Vietnam time, truncated to whole seconds.
pub fn to_vietnam(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(VIETNAM)
        .replace_nanosecond(0)
        .expect("0 is a valid nanosecond")
}

/// Now, in Vietnam time.
pub fn vietnam_now() -> OffsetDateTime {
    to_vietnam(OffsetDateTime::now_utc())
}

/// `2026-11-29T09:15:02+07:00`.
pub fn format_vietnam(t: OffsetDateTime) -> String {
    to_vietnam(t)
        .format(ISO_8601_SECONDS)
        .expect("the format has only fields every OffsetDateTime has")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn formats_in_plus_seven() {
        assert_eq!(
            format_vietnam(datetime!(2026-11-29 02:15:02.75 UTC)),
            "2026-11-29T09:15:02+07:00"
        );
        // New Year in Vietnam comes seven hours before UTC's.
        assert_eq!(to_vietnam(datetime!(2026-12-31 17:00 UTC)).year(), 2027);
    }
}
