//! Adding or renewing long-term validation data (PAdES B-LT: DSS; B-LTA: plus a document
//! timestamp) and registering the extended file: a new file with a new hash, whose entry keeps
//! the code, title and signer of the input's entry and names the input's hash.

use std::path::Path;

use hoso_register::EntryKind;
use hoso_sign::doc_timestamp::DocTimestampError;
use hoso_sign::ltv::{extend as ltv_extend, ExtendOutcome, LtvError};

pub use hoso_sign::ltv::LtvLevel;
use hoso_sign::revocation::RevocationClient;
use hoso_sign::tsp::TsaClient;
use serde::Serialize;

use crate::config::Config;
use crate::error::OfficeError;
use crate::register::{derive_and_register, Registered};

/// Vietnamese first, English second.
pub fn explain(e: &LtvError) -> String {
    let vi = match e {
        LtvError::NoSignature => "Tệp chưa có chữ ký",
        LtvError::Revocation { .. } => "Không lấy được dữ liệu thu hồi (OCSP/CRL)",
        LtvError::DocTimestamp(DocTimestampError::DocMdpForbids) => {
            "Tài liệu chứng nhận P=1 không cho thêm dấu thời gian tài liệu"
        }
        LtvError::DocTimestamp(_) => "Không thêm được dấu thời gian tài liệu",
        LtvError::NoTsa => "B-LTA cần --tsa URL",
        LtvError::Pdf(_) => "Không đọc được tệp PDF",
        _ => "Không bổ sung được dữ liệu kiểm tra dài hạn",
    };
    format!("{vi}; tệp không đổi / {e}; the file is unchanged")
}

/// An extended and registered file.
#[derive(Debug, Serialize)]
pub struct Extended {
    /// What hoso-sign reports.
    #[serde(flatten)]
    pub outcome: ExtendOutcome,
    /// The level reached.
    pub level: &'static str,
    /// The extended file's register entry.
    pub registered: Registered,
    /// The PDF/A check of the extended file.
    pub pdfa: crate::pdfa::PdfaOutcome,
}

/// Extends `input` into `out` (may be the same path: replaced atomically) and registers it.
pub fn extend(
    config: &Config,
    input: &Path,
    out: &Path,
    level: LtvLevel,
    tsa: Option<&TsaClient>,
) -> Result<Extended, OfficeError> {
    if level == LtvLevel::BLta && tsa.is_none() {
        return Err(OfficeError::NoTsa { level: "B-LTA" });
    }
    let name = match level {
        LtvLevel::BLt => "B-LT",
        _ => "B-LTA",
    };
    let (outcome, registered) = derive_and_register(
        config,
        input,
        EntryKind::Signed,
        "extended_from",
        |rec, entry| {
            entry.signer_fingerprint = rec.signer_fingerprint();
            entry.extra.insert("level".into(), name.into());
            let outcome = ltv_extend(input, out, level, tsa, &RevocationClient::new())?;
            let path = outcome.path.clone();
            Ok((outcome, path))
        },
    )?;
    Ok(Extended {
        pdfa: crate::pdfa::after_step(&outcome.path),
        outcome,
        level: name,
        registered,
    })
}
