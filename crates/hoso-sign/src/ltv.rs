//! Long-term validation: PAdES B-LT and B-LTA (ETSI EN 319 142-1 §6.2.3, §6.2.4).
//!
//! [`extend`] takes a signed PDF and, for every signature and document timestamp in it, builds
//! the certificate chains (signer, signature-timestamp TSA, document-timestamp TSA), fetches
//! OCSP responses and CRLs for each certificate from the URLs it names
//! ([`crate::revocation`]), and appends them in a DSS ([`crate::dss`]); for B-LTA it then adds
//! a document timestamp over everything ([`crate::doc_timestamp`]). Run again later, it adds
//! fresh revocation data for the previous document timestamp's TSA chain and a new document
//! timestamp: the renewal that keeps an archive verifiable after algorithms or TSA
//! certificates age.

use std::path::{Path, PathBuf};

use cms::cert::CertificateChoices;
use cms::signed_data::{SignedData, SignerIdentifier};
use der::{Decode, Encode};
use x509_cert::Certificate;

use crate::doc_timestamp::{DocTimestampError, DocumentTimestamp};
use crate::dss::{DssError, VriEntry};
use crate::oids;
use crate::pdf::{FileSource, Object, PdfError, PdfFile, Source};
use crate::revocation::{RevocationClient, RevocationError};
use crate::tsp::TsaClient;

/// The level [`extend`] brings a file to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum LtvLevel {
    /// B-LT: DSS with certificates and revocation data.
    BLt,
    /// B-LTA: B-LT plus a document timestamp.
    BLta,
}

/// Why LTV data could not be added. No output is written after any of these.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LtvError {
    /// The PDF could not be read.
    #[error("cannot read the PDF: {0}")]
    Pdf(#[from] PdfError),
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The file has no signature to extend.
    #[error("the PDF has no signature to extend")]
    NoSignature,
    /// A certificate names revocation services but none of them gave usable data.
    #[error("revocation data for \"{subject}\": {source}")]
    Revocation {
        /// The certificate.
        subject: String,
        /// What went wrong.
        #[source]
        source: RevocationError,
    },
    /// The DSS could not be written.
    #[error(transparent)]
    Dss(#[from] DssError),
    /// The document timestamp could not be added.
    #[error(transparent)]
    DocTimestamp(#[from] DocTimestampError),
    /// B-LTA needs a TSA.
    #[error("B-LTA needs a TSA URL")]
    NoTsa,
}

/// What [`extend`] did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExtendOutcome {
    /// The output file.
    pub path: PathBuf,
    /// Signatures and document timestamps covered.
    pub signatures: usize,
    /// OCSP responses fetched.
    pub ocsp_responses: usize,
    /// CRLs fetched.
    pub crls: usize,
    /// Whether a DSS update was appended.
    pub dss_added: bool,
    /// Certificates (other than roots) that name no OCSP or CRL URL, so have no revocation data.
    pub without_revocation_source: Vec<String>,
    /// The document timestamp added (B-LTA).
    pub document_timestamp: Option<DocumentTimestamp>,
}

/// Embedded certificates of a SignedData.
pub(crate) fn embedded(sd: &SignedData) -> Vec<Certificate> {
    sd.certificates
        .as_ref()
        .map(|s| {
            s.0.iter()
                .filter_map(|c| match c {
                    CertificateChoices::Certificate(c) => Some(c.clone()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The signer certificate of the single SignerInfo, found by issuer and serial number.
pub(crate) fn signer_of(sd: &SignedData) -> Option<Certificate> {
    let si = sd.signer_infos.0.iter().next()?;
    let certs = embedded(sd);
    match &si.sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => certs.into_iter().find(|c| {
            c.tbs_certificate.issuer == ias.issuer
                && c.tbs_certificate.serial_number == ias.serial_number
        }),
        SignerIdentifier::SubjectKeyIdentifier(_) => certs.into_iter().next(),
    }
}

/// Builds the chain from `leaf` through `pool` by issuer name and signature, up to a self-signed
/// certificate or as far as the pool allows. Leaf first.
pub fn build_chain(leaf: &Certificate, pool: &[Certificate]) -> Vec<Certificate> {
    let mut path = vec![leaf.clone()];
    for _ in 0..12 {
        let cur = path.last().expect("non-empty").clone();
        if cur.tbs_certificate.subject == cur.tbs_certificate.issuer {
            break;
        }
        let next = pool.iter().find(|c| {
            c.tbs_certificate.subject == cur.tbs_certificate.issuer
                && *c != &cur
                && crate::crypto::verify_cert_signature(&cur, c).is_ok()
        });
        match next {
            Some(n) if !path.contains(n) => path.push(n.clone()),
            _ => break,
        }
    }
    path
}

/// One signature (or document timestamp) found in a file: its VRI key and the CMS structures
/// whose chains need validation data (the signature's and its timestamp's).
pub(crate) struct FoundSignature {
    pub vri_key: String,
    pub signed_datas: Vec<SignedData>,
}

/// Every signature value in the file, with its SignedData and, for CAdES signatures, the
/// signature timestamp's SignedData.
pub(crate) fn signatures<S: Source>(file: &PdfFile<S>) -> Result<Vec<FoundSignature>, PdfError> {
    let catalog = file
        .get(file.catalog_ref()?)?
        .as_dict()
        .cloned()
        .unwrap_or_default();
    let mut fields = Vec::new();
    if let Some(af) = catalog.get("AcroForm") {
        if let Some(af) = file.dict_of(af)? {
            if let Some(f) = af.get("Fields") {
                crate::sign::collect_fields(file, f, &mut fields, 0)?;
            }
        }
    }
    let mut out = Vec::new();
    for (_, field) in fields {
        if field.name("FT") != Some(b"Sig") {
            continue;
        }
        let Some(v) = field.get("V") else { continue };
        let Some(sig) = file.dict_of(v)? else {
            continue;
        };
        let Some(contents) = sig.get("Contents").and_then(Object::as_string) else {
            continue;
        };
        let Ok(sd) = crate::cms::decode_signed_data(contents) else {
            continue;
        };
        let mut sds = Vec::new();
        if let Some(si) = sd.signer_infos.0.iter().next() {
            let tokens = si
                .unsigned_attrs
                .as_ref()
                .map(|u| crate::cms::attribute_values(u, &oids::SIGNATURE_TIME_STAMP_TOKEN))
                .unwrap_or_default();
            for t in tokens {
                if let Ok(tsd) = t.to_der().and_then(|d| crate::cms::decode_signed_data(&d)) {
                    sds.push(tsd);
                }
            }
        }
        sds.insert(0, sd);
        out.push(FoundSignature {
            vri_key: crate::dss::vri_key(contents),
            signed_datas: sds,
        });
    }
    Ok(out)
}

/// Fetches certificates and revocation data for every chain in `file`.
fn collect<S: Source>(
    file: &PdfFile<S>,
    client: &RevocationClient,
    outcome: &mut ExtendOutcome,
) -> Result<Vec<VriEntry>, LtvError> {
    let found = signatures(file)?;
    if found.is_empty() {
        return Err(LtvError::NoSignature);
    }
    let existing = crate::dss::read_dss(file)?;
    let dss_certs: Vec<Certificate> = existing
        .certs
        .iter()
        .filter_map(|d| Certificate::from_der(d).ok())
        .collect();
    let mut entries = Vec::new();
    let mut fetched_for: Vec<(Vec<u8>, crate::revocation::Fetched)> = Vec::new();
    for sig in &found {
        let mut entry = VriEntry {
            key: sig.vri_key.clone(),
            ..VriEntry::default()
        };
        for sd in &sig.signed_datas {
            let Some(leaf) = signer_of(sd) else { continue };
            let mut pool = embedded(sd);
            pool.extend(dss_certs.iter().cloned());
            let chain = build_chain(&leaf, &pool);
            for (i, cert) in chain.iter().enumerate() {
                let der = cert.to_der().map_err(|e| LtvError::Revocation {
                    subject: crate::chain::subject(cert),
                    source: RevocationError::Decode {
                        what: "certificate",
                        reason: e.to_string(),
                    },
                })?;
                if !entry.certs.contains(&der) {
                    entry.certs.push(der.clone());
                }
                let Some(issuer) = chain.get(i + 1) else {
                    continue;
                };
                let fetched = match fetched_for.iter().find(|(d, _)| *d == der) {
                    Some((_, f)) => f.clone(),
                    None => match client.fetch(cert, issuer) {
                        Ok(f) => {
                            outcome.ocsp_responses += f.ocsps.len();
                            outcome.crls += f.crls.len();
                            fetched_for.push((der.clone(), f.clone()));
                            f
                        }
                        Err(RevocationError::NoSource { subject }) => {
                            if !outcome.without_revocation_source.contains(&subject) {
                                outcome.without_revocation_source.push(subject);
                            }
                            continue;
                        }
                        Err(e) => {
                            return Err(LtvError::Revocation {
                                subject: crate::chain::subject(cert),
                                source: e,
                            })
                        }
                    },
                };
                for c in &fetched.certs {
                    if let Ok(d) = c.to_der() {
                        if !entry.certs.contains(&d) {
                            entry.certs.push(d);
                        }
                    }
                }
                entry.ocsps.extend(fetched.ocsps.iter().cloned());
                entry.crls.extend(fetched.crls.iter().cloned());
            }
        }
        entries.push(entry);
    }
    outcome.signatures = found.len();
    Ok(entries)
}

/// Adds B-LT validation data (and for [`LtvLevel::BLta`] a document timestamp from `tsa`) to
/// the signed PDF `input`, writing `output` (which may be `input`). Each step writes a complete
/// file through a temporary file, so a failure leaves the previous state.
pub fn extend(
    input: &Path,
    output: &Path,
    level: LtvLevel,
    tsa: Option<&TsaClient>,
    client: &RevocationClient,
) -> Result<ExtendOutcome, LtvError> {
    if level == LtvLevel::BLta && tsa.is_none() {
        return Err(LtvError::NoTsa);
    }
    let io = |e| LtvError::Io {
        path: input.to_path_buf(),
        source: e,
    };
    let f = std::fs::File::open(input).map_err(io)?;
    let file = PdfFile::open(FileSource::new(f).map_err(io)?)?;
    if level == LtvLevel::BLta {
        crate::doc_timestamp::check_docmdp(&file)?;
    }
    let mut outcome = ExtendOutcome {
        path: output.to_path_buf(),
        signatures: 0,
        ocsp_responses: 0,
        crls: 0,
        dss_added: false,
        without_revocation_source: Vec::new(),
        document_timestamp: None,
    };
    let entries = collect(&file, client, &mut outcome)?;
    drop(file);
    outcome.dss_added = crate::dss::append_dss(input, output, &entries, &VriEntry::default())?;
    if let (LtvLevel::BLta, Some(tsa)) = (level, tsa) {
        outcome.document_timestamp = Some(crate::doc_timestamp::add_document_timestamp(
            output, output, tsa,
        )?);
    }
    Ok(outcome)
}
