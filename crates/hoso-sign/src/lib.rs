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

#![forbid(unsafe_code)]
#![deny(missing_docs)]

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
