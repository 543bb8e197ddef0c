//! hoso-office: the office flows, the one library both shells call — the `hoso` CLI
//! (`crates/hoso-cli`) and the desktop app (`src-tauri`) — one call per command.
//!
//! Start from [`Config::resolve`]: the workspace, the register, the station name, trust roots,
//! the TSA, the signature level and the key source, read from the settings file the CLI and the
//! app share (see [`config`] for the resolution order). Then:
//!
//! - [`keys::open_signer`]: a signer from a PKCS#12 file or a PKCS#11 token;
//! - [`build::build`]: a dossier (cleanup, OCR, progress per page, cancel) — registered; the
//!   form a person fills in for it ([`form::DossierForm`]) and its page files
//!   ([`build::inspect_source`]);
//! - [`archive::build_archival`]: the same build with Circular 05/2025/TT-BNV's extras — page
//!   warnings first ([`archive::preflight`]), the organisation's signature, one file per document;
//! - [`receive::receive`]: digitization at receipt (Circular 01/2023/TT-VPCP) — components
//!   digitized, QR-marked, signed with the digitizer's personal key and registered;
//! - [`sign::sign_one`], [`sign::sign_many`]: PAdES signatures — every signed file registered;
//! - [`copy::copy`], [`copy::copy_many`]: Decree 30 certified copies — numbered and registered;
//! - [`extend::extend`]: B-LT / B-LTA — the extended file registered;
//! - [`register`]: opening the register as this station, registering what a flow wrote, what a
//!   new file inherits from its input's oldest entry ([`register::InputRecord`]), and the
//!   register desk's own flows (append by hand, lookup by file/hash/QR, consistency proof,
//!   audit, export, bundle check, browse);
//! - [`settings`]: editing the shared settings with each chosen file checked before it is kept
//!   (stamp images, trust roots, registered PKCS#11 modules), and what they imply (a visible
//!   signature's image, a certified copy's organisation);
//! - [`keys::list_tokens`], [`search::search`], [`pdfa::check_file`], [`scan`]: the tools that
//!   write nothing to keep (`hoso token list`, `search`, `check`, `scan`, `clean`);
//! - [`check::check_file`], [`check::check_qr`]: a file or a QR payload → signature report +
//!   register line + one [`check::Verdict`] (exit code in the CLI, colour in the app), and the
//!   report a clerk files ([`check::pdf`], [`check::etsi`], words in [`check::words`]).
//!
//! - [`report`]: the Decision 766/QĐ-TTg indicators per month from the register, as JSON,
//!   CSV or a PDF/A page of figures and charts per month.
//!
//! - [`backup`]: a dated, verified copy of the register and the registered files; check; restore.
//! - [`eark`]: dossiers exported as E-ARK SIPs for the archive, and a received package checked.
//!
//! Long flows take a [`Watch`]: [`Event`]s out (bars in the CLI, page events in the app) and a
//! [`Cancel`] flag in (Ctrl-C, the Cancel button).
//!
//! The lower crates do one job each and never write the register: hoso-dossier builds,
//! hoso-sign signs, hoso-stamp draws appearances, hoso-register stores hashes. Only these flows
//! tie them together, so "every file hoso makes is registered" is kept in one place.
//!
//! ```no_run
//! use hoso_office::{config::Overrides, Config};
//! let config = Config::resolve(&Overrides::default())?;
//! println!("{} → {}", config.station, config.register.display());
//! # Ok::<(), hoso_office::config::ConfigError>(())
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod archive;
pub mod backup;
pub mod build;
pub mod check;
pub mod config;
pub mod copy;
pub mod eark;
mod error;
pub mod extend;
pub mod form;
pub mod keys;
pub mod pdfa;
pub mod preview;
pub mod progress;
pub mod receive;
pub mod register;
pub mod report;
pub mod scan;
pub mod search;
pub mod settings;
pub mod sign;

pub use config::Config;
pub use error::OfficeError;
pub use hoso_ocr::{available as ocr_available, limit_openmp_threads};
pub use progress::{Cancel, Event, Watch};
pub use register::Registered;

/// Lower-case hex of any bytes (hashes, fingerprints): the workspace's one helper.
pub use hoso_pdf::hex;
