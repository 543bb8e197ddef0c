//! Which capabilities of the product have landed in this build. A missing one is shown in the UI
//! as a disabled control with its reason ("Chưa có: đang phát triển (issue #4) / not yet
//! available"), never hidden and never faked.

use serde::Serialize;

/// A capability the screens offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// Import files and build a PDF/A dossier (hoso-dossier).
    Build,
    /// Scan from a SANE device, page cleanup and quarter turns (hoso-scan).
    Scan,
    /// PAdES signing and verification reports (hoso-sign).
    Sign,
    /// Certified copies, "sao y" (hoso-stamp).
    Copy,
    /// Verify a file or QR payload (hoso-sign + hoso-register).
    Verify,
    /// Register browse, search, audit (hoso-register).
    Register,
    /// Decision 766 reports over a period, written as PDF/A, CSV and JSON (officer only).
    Report,
    /// Backups into the two locations of the settings, verified (officer only).
    Backup,
    /// USB tokens (PKCS#11) and long-term signatures.
    Token,
    /// OCR text layer: needs Tesseract installed on this computer (loaded at run time).
    Ocr,
}

/// Whether a feature is available, and the issue that brings it when not.
#[derive(Debug, Clone, Serialize)]
pub struct FeatureState {
    /// The feature.
    pub id: Feature,
    /// Usable in this build.
    pub available: bool,
    /// The issue that brings it, when not available.
    pub issue: Option<u32>,
    /// Why it is not available on this computer (a message key of the UI), when not.
    pub missing: Option<&'static str>,
}

const fn available(id: Feature) -> FeatureState {
    FeatureState {
        id,
        available: true,
        issue: None,
        missing: None,
    }
}

/// OCR runs only where Tesseract's library loads; without it the switch is off and says how to
/// install it ("ocrMissing" in ui/js/i18n.js), and everything else works.
fn ocr() -> FeatureState {
    let loaded = hoso_office::ocr_available().is_ok();
    FeatureState {
        id: Feature::Ocr,
        available: loaded,
        issue: None,
        missing: (!loaded).then_some("ocrMissing"),
    }
}

/// Every feature, in the order of the screens.
pub fn all() -> Vec<FeatureState> {
    vec![
        available(Feature::Build),
        available(Feature::Scan),
        available(Feature::Sign),
        available(Feature::Copy),
        available(Feature::Verify),
        available(Feature::Register),
        available(Feature::Report),
        available(Feature::Backup),
        available(Feature::Token),
        ocr(),
    ]
}
