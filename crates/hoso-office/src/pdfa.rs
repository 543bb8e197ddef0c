//! `hoso check`: PDF/A validation rule by rule (ISO 19005-1/-2/-3, levels B and U), the same
//! validator every flow runs on its outputs (hoso-pdf's), for files made elsewhere.
//!
//! Every flow that writes a PDF (build, OCR, sign, copy, extend) calls [`after_step`] on the
//! file it wrote and puts the [`PdfaOutcome`] in its result. The policy: the file stays written
//! (it is complete, renamed into place and registered; the register records what exists), but
//! a file that fails a rule is never called PDF/A — its outcome says `conforming: false`,
//! names each failing rule with its ISO 19005 clause, and the flow's level text
//! ([`PdfaOutcome::claim`]) says "không đạt PDF/A / not PDF/A" instead of the part.

use std::path::Path;

use serde::Serialize;

pub use hoso_pdf::pdfa::{check_file, CheckError, Finding, Level, Report, RuleId};

/// One rule that failed on a flow's output (its first finding).
#[derive(Debug, Clone, Serialize)]
pub struct FailedRule {
    /// The rule.
    pub rule: RuleId,
    /// Its ISO 19005 clause, e.g. `6.2.11.3.2`.
    pub clause: &'static str,
    /// Page (1-based), when the first finding belongs to one.
    pub page: Option<u32>,
    /// What is wrong (first finding), Vietnamese first.
    pub detail: String,
}

/// The PDF/A check a flow ran on the file it wrote.
#[derive(Debug, Clone, Serialize)]
pub struct PdfaOutcome {
    /// The level checked (`PDF/A-3b`), `None` when the file could not be read.
    pub level: Option<String>,
    /// The level the file declares in its XMP, if any.
    pub declared: Option<String>,
    /// True only when the file declares a level and no rule of it fails.
    pub conforming: bool,
    /// The rules that failed, in table order.
    pub failed: Vec<FailedRule>,
    /// One line for a person, Vietnamese first, English second.
    pub line: String,
}

impl PdfaOutcome {
    /// The level to show beside the file: the part when conforming, else a refusal.
    pub fn claim(&self) -> String {
        match (&self.level, self.conforming) {
            (Some(l), true) => l.clone(),
            _ => "không đạt PDF/A / not PDF/A".to_owned(),
        }
    }

    fn from_report(r: &Report) -> Self {
        let declared = r.declared.map(|d| d.to_string());
        let mut failed: Vec<FailedRule> = Vec::new();
        for f in &r.findings {
            if !failed.iter().any(|x| x.rule == f.rule) {
                failed.push(FailedRule {
                    rule: f.rule,
                    clause: f.clause,
                    page: f.page,
                    detail: f.detail.clone(),
                });
            }
        }
        failed.sort_by_key(|f| f.rule);
        let level = r.level.to_string();
        let conforming = declared.is_some() && r.is_conforming();
        let line = if conforming {
            format!("{level}: đạt / conforms")
        } else if declared.is_none() {
            "không khai báo PDF/A / does not declare PDF/A".to_owned()
        } else {
            let clauses: Vec<String> = failed.iter().map(|f| format!("§{}", f.clause)).collect();
            format!(
                "KHÔNG ĐẠT {level} / DOES NOT CONFORM to {level}: {} — hoso check",
                clauses.join(", ")
            )
        };
        Self {
            level: Some(level),
            declared,
            conforming,
            failed,
            line,
        }
    }
}

/// Checks the file a flow wrote at the level it declares. Never fails: a file that cannot be
/// read is reported as not conforming.
pub fn after_step(path: &Path) -> PdfaOutcome {
    match check_file(path, None) {
        Ok(r) => PdfaOutcome::from_report(&r),
        Err(e) => PdfaOutcome {
            level: None,
            declared: None,
            conforming: false,
            failed: Vec::new(),
            line: format!("không kiểm tra được PDF/A / PDF/A not checked: {e}"),
        },
    }
}
