//! hoso-sign: PAdES signing and verification of PDFs.
//!
//! Start from [`sign::sign_pdf`] (or the states [`sign::Prepared`] → [`sign::AwaitingSignature`]
//! → [`sign::Signed`] → [`sign::Timestamped`]) with a [`signer::Signer`] such as
//! [`signer::Pkcs12Signer`], and from [`verify::verify_pdf`], which returns a
//! [`verify::VerificationReport`].
//!
//! What it does: appends an incremental update with a signature field and a CMS SignedData
//! (`/SubFilter /ETSI.CAdES.detached`, ETSI EN 319 142-1 PAdES baseline B-B and B-T with RFC 3161
//! timestamps), certification signatures with DocMDP, and verification that reports integrity,
//! coverage, modifications after signing, certificate paths to configured roots and
//! timestamps. Long-term validation (B-LT, B-LTA): [`ltv::extend`] adds a DSS ([`dss`]) with
//! OCSP responses and CRLs ([`revocation`]) and a document timestamp ([`doc_timestamp`]);
//! verification reads them ([`verify::verify_pdf_ltv`]). Visible signatures take their widgets
//! from [`appearance::VisibleSignature`] (hoso-stamp draws them). What it does not do (yet):
//! encrypted PDFs.
//!
//! Where it sits: hoso-sign signs and verifies; it never writes the register. The office flows
//! that sign *and* register (one file or a batch, B-B … B-LTA, the signer's revocation warning),
//! extend and make certified copies live in hoso-office (`crates/hoso-office`: `sign`,
//! `extend`, `copy`); the `hoso` CLI and the desktop app call those, not this crate.
//!
//! # Example: sign, then verify
//!
//! Signs a one-page PDF at PAdES B-B with the checked-in DEMO key (`certs/demo-staff-p256.p12`,
//! made by `cargo xtask certs`, PIN `1234`), then verifies it trusting the DEMO root:
//!
//! ```
//! use std::time::SystemTime;
//! use hoso_sign::chain::TrustStore;
//! use hoso_sign::sign::{sign_pdf, Level, SignOptions};
//! use hoso_sign::signer::Pkcs12Signer;
//! use hoso_sign::verify::{verify_pdf, BottomLine, VerifyOptions};
//! # fn one_page_pdf() -> Vec<u8> {
//! #     let objects = [
//! #         "<< /Type /Catalog /Pages 2 0 R >>",
//! #         "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
//! #         "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
//! #     ];
//! #     let mut pdf = b"%PDF-1.7\n".to_vec();
//! #     let mut offsets = Vec::new();
//! #     for (i, o) in objects.iter().enumerate() {
//! #         offsets.push(pdf.len());
//! #         pdf.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
//! #     }
//! #     let xref = pdf.len();
//! #     pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
//! #     for off in offsets {
//! #         pdf.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
//! #     }
//! #     pdf.extend_from_slice(format!(
//! #         "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1
//! #     ).as_bytes());
//! #     pdf
//! # }
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let input = dir.path().join("don.pdf");
//! std::fs::write(&input, one_page_pdf())?;
//! let p12 = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../certs/demo-staff-p256.p12"));
//! let signer = Pkcs12Signer::from_der(p12, "1234", Default::default())?;
//!
//! let opts = SignOptions { level: Level::BB, ..SignOptions::default() };
//! let signed = sign_pdf(&input, &dir.path().join("don-da-ky.pdf"), &opts, &signer, None)?;
//!
//! let mut trust = TrustStore::new();
//! trust.allow_demo(); // hoso's own DEMO root, recognised by its fingerprint
//! let report = verify_pdf(&signed.path, &VerifyOptions { trust, now: SystemTime::now() })?;
//! assert_eq!(report.signatures.len(), 1);
//! // Intact and trusted; the DEMO certificate names no OCSP responder or CRL, so its
//! // revocation status cannot be checked: "valid, revocation not checked".
//! assert_eq!(report.bottom_line, BottomLine::ValidRevocationNotChecked);
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod algorithms;
pub mod appearance;
pub mod batch;
pub mod chain;
pub mod cms;
pub mod crypto;
pub mod doc_timestamp;
pub mod dss;
pub mod ltv;
pub mod oids;
/// PDF reading and incremental updates now live in hoso-pdf; `crate::pdf::X` paths stay valid.
pub use hoso_pdf::read as pdf;
pub mod revocation;
pub mod sign;
pub mod signer;
pub mod time;
pub mod tsp;
pub mod verify;
