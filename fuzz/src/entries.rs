//! One entry point per fuzz target, shared by the cargo-fuzz targets (`fuzz/fuzz_targets/`) and
//! by the regression test (`tests/fuzz_regressions.rs`), which feeds every file under
//! `fuzz/regressions/<target>/` to the same function. Each takes arbitrary bytes and must return
//! without panicking, aborting, hanging or exhausting memory; errors are the expected outcome.

use std::io::Cursor;
use std::time::{Duration, SystemTime};

/// One entry point: arbitrary bytes in, nothing out.
pub type Entry = fn(&[u8]);

/// The targets, by name (the fuzz target and regression folder of each).
pub const TARGETS: &[(&str, Entry)] = &[
    ("pdf_verify", pdf_verify),
    ("pdf_import", pdf_import),
    ("pdf_reopen", pdf_reopen),
    ("image_probe", image_probe),
    ("cms", cms),
    ("revocation", revocation),
    ("qr_payload", qr_payload),
    ("checkpoint_note", checkpoint_note),
    ("audit_bundle", audit_bundle),
    ("json_settings_manifest", json_settings_manifest),
];

/// Inputs larger than this are cut (the fuzzers' `-max_len` stays below it anyway).
const MAX_INPUT: usize = 1 << 20;

fn cut(data: &[u8]) -> &[u8] {
    &data[..data.len().min(MAX_INPUT)]
}

/// PDF open + full verification (every signature, DSS, modifications), demo trust.
pub fn pdf_verify(data: &[u8]) {
    let mut trust = hoso_sign::chain::TrustStore::new();
    trust.allow_demo();
    let opts = hoso_sign::verify::VerifyOptions {
        trust,
        now: SystemTime::UNIX_EPOCH + Duration::from_secs(1_780_000_000),
    };
    let _ = hoso_sign::verify::verify_source(cut(data).to_vec(), &opts);
    // The reader's own walks, on the same bytes.
    if let Ok(f) = hoso_pdf::read::PdfFile::open(cut(data).to_vec()) {
        let _ = f.pages();
        let _ = hoso_sign::dss::read_dss(&f);
    }
}

/// PDF page import into a dossier (first pages only).
pub fn pdf_import(data: &[u8]) {
    let Ok(mut imp) = hoso_pdf::import::PdfImporter::load(cut(data)) else {
        return;
    };
    let Ok(mut w) = hoso_pdf::DossierWriter::new(std::io::sink()) else {
        return;
    };
    for p in 1..=imp.page_count().min(3) {
        let _ = imp.import_page(&mut w, p);
    }
}

/// Reopening an existing dossier for OCR: classify pages, decode raster strips to grey.
pub fn pdf_reopen(data: &[u8]) {
    let Ok(existing) = hoso_pdf::reopen::read_existing(cut(data)) else {
        return;
    };
    for page in existing.pages.iter().take(3) {
        if let hoso_pdf::reopen::ExistingPage::Raster(r) = page {
            for s in r.strips.iter().take(2) {
                let _ = hoso_pdf::reopen::strip_to_gray(s);
            }
        }
    }
}

/// JPEG, PNG and TIFF probing and page import.
pub fn image_probe(data: &[u8]) {
    let data = cut(data);
    let _ = hoso_pdf::jpeg::parse(data);
    let _ = hoso_pdf::jpeg::page(data.to_vec());
    let _ = hoso_pdf::png::parse(data);
    let _ = hoso_pdf::png::page(data);
    let _ = hoso_pdf::tiff::TiffPages::count(Cursor::new(data));
    if let Ok(pages) = hoso_pdf::tiff::TiffPages::open(Cursor::new(data)) {
        for p in pages.take(3) {
            let _ = p;
        }
    }
}

/// CMS SignedData and RFC 3161 timestamp tokens.
pub fn cms(data: &[u8]) {
    use der::Decode;
    let data = cut(data);
    let _ = hoso_sign::cms::decode_signed_data(data);
    let _ = hoso_sign::chain::parse_certificates(data);
    if let Ok(ci) = cms::content_info::ContentInfo::from_der(data) {
        let store = hoso_sign::chain::TrustStore::new();
        let _ = hoso_sign::tsp::verify_token(&ci, b"fuzz", &store);
        let _ = hoso_sign::cms::timestamp_attribute(&ci);
    }
}

/// OCSP responses and CRLs (checked against a fixed certificate pair).
pub fn revocation(data: &[u8]) {
    let data = cut(data);
    let _ = hoso_sign::revocation::decode_ocsp(data);
    if let Some(cert) = demo_cert() {
        let _ = hoso_sign::revocation::check_crl(data, &cert, &cert);
    }
}

fn demo_cert() -> Option<x509_cert::Certificate> {
    use der::Decode;
    x509_cert::Certificate::from_der(DEMO_CERT).ok()
}

/// QR payloads (`HS1…`) as printed on certified copies.
pub fn qr_payload(data: &[u8]) {
    if let Ok(s) = std::str::from_utf8(cut(data)) {
        let _ = s.parse::<hoso_register::QrPayload>();
    }
}

/// Checkpoint notes and verifier keys.
pub fn checkpoint_note(data: &[u8]) {
    if let Ok(s) = std::str::from_utf8(cut(data)) {
        let _ = hoso_register::Checkpoint::parse_note_text(s);
        let _ = hoso_register::VerifierKey::parse(s.lines().next().unwrap_or(""));
    }
}

/// Audit bundles: the input is split on NUL bytes into the bundle's files.
pub fn audit_bundle(data: &[u8]) {
    let Ok(dir) = tempfile::tempdir() else { return };
    let names = [
        hoso_register::bundle::VKEY_FILE,
        hoso_register::bundle::ENTRIES_FILE,
        hoso_register::bundle::CHECKPOINTS_FILE,
        hoso_register::bundle::LATEST_CHECKPOINT_FILE,
    ];
    for (name, part) in names.iter().zip(cut(data).split(|&b| b == 0)) {
        if std::fs::write(dir.path().join(name), part).is_err() {
            return;
        }
    }
    let _ = hoso_register::verify_bundle(dir.path(), None);
}

/// Settings (scan settings) and dossier manifest JSON.
pub fn json_settings_manifest(data: &[u8]) {
    let data = cut(data);
    let _ = serde_json::from_slice::<hoso_scan::device::ScanSettings>(data);
    if let Ok(m) = serde_json::from_slice::<hoso_dossier::Manifest>(data) {
        let _ = serde_json::to_vec(&m);
    }
}

/// The demo root CA (certs/demo-root-ca.pem, DER) for the CRL target.
const DEMO_CERT: &[u8] = include_bytes!("demo_cert.der");
