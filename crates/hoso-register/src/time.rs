//! Vietnam time: every time the register records is ISO 8601 with the +07:00 offset. The
//! helpers are the workspace's one copy in hoso-pdf ([`hoso_pdf::common`]), re-exported here.

use time::OffsetDateTime;

pub use hoso_pdf::common::{to_vietnam, vietnam_now, VIETNAM};

/// `2026-11-29T09:15:02+07:00`.
pub fn format_vietnam(t: OffsetDateTime) -> String {
    hoso_pdf::iso8601_vietnam(t)
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
