//! `hoso check`: PDF/A validation rule by rule (ISO 19005-1/-2/-3, levels B and U), the same
//! validator every flow runs on its outputs (hoso-pdf's), for files made elsewhere.

pub use hoso_pdf::pdfa::{check_file, CheckError, Finding, Level, Report};
