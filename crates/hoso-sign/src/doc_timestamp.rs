//! Document timestamps (ISO 32000-2 §12.8.5, ETSI EN 319 142-1 §5.4.3): a signature field whose
//! value is `/Type /DocTimeStamp /SubFilter /ETSI.RFC3161`, with `/Contents` an RFC 3161
//! TimeStampToken whose message imprint is the SHA-256 of the byte range, that is of the whole
//! file as it stands (earlier signatures, DSS and all) except the token itself. This is what
//! makes a PAdES B-LTA signature, and renewing it every few years keeps the evidence alive.

use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use hoso_pdf::atomic::AtomicFile;
use sha2::Digest;

use crate::pdf::update::IncrementalUpdate;
use crate::pdf::{Dict, FileSource, Object, PdfError, PdfFile, Source};
use crate::tsp::{TsaClient, TsaError};

/// Why a document timestamp could not be added. No output exists after any of these.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DocTimestampError {
    /// The PDF could not be read.
    #[error("cannot read the PDF: {0}")]
    Pdf(#[from] PdfError),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The TSA failed.
    #[error(transparent)]
    Tsa(#[from] TsaError),
    /// The token outgrew the reserved space.
    #[error("the timestamp token ({needed} bytes) does not fit the reserved {capacity} bytes")]
    PlaceholderTooSmall {
        /// Needed.
        needed: usize,
        /// Reserved.
        capacity: usize,
    },
    /// The token could not be encoded.
    #[error("token encoding: {0}")]
    Encoding(#[from] der::Error),
    /// Encrypted PDFs are not timestamped.
    #[error("the PDF is encrypted")]
    Encrypted,
    /// The document is certified with DocMDP P=1 (ISO 32000-1 §12.8.2.2: no changes); a new
    /// signature field would break the certification (pyHanko agrees), DSS updates do not.
    #[error("the document is certified with DocMDP P=1: a document timestamp would break it")]
    DocMdpForbids,
}

/// Refuses documents certified with DocMDP P=1.
pub(crate) fn check_docmdp<S: Source>(file: &PdfFile<S>) -> Result<(), DocTimestampError> {
    let catalog = file
        .get(file.catalog_ref()?)?
        .as_dict()
        .cloned()
        .unwrap_or_default();
    if crate::sign::docmdp_p(file, &catalog)? == Some(1) {
        return Err(DocTimestampError::DocMdpForbids);
    }
    Ok(())
}

/// The committed document timestamp.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DocumentTimestamp {
    /// The output file.
    pub path: PathBuf,
    /// The field's name.
    pub field_name: String,
    /// `/ByteRange`.
    pub byte_range: [u64; 4],
    /// DER length of the token.
    pub token_len: usize,
}

const BYTE_RANGE_WIDTH: usize = 64;

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> DocTimestampError + '_ {
    move |e| DocTimestampError::Io {
        path: path.to_path_buf(),
        source: e,
    }
}

struct Plan {
    bytes: Vec<u8>,
    contents_at: usize,
    byte_range_at: usize,
    field_name: String,
}

fn plan<S: Source>(file: &PdfFile<S>, capacity: usize) -> Result<Plan, DocTimestampError> {
    let cat_ref = file.catalog_ref()?;
    let mut catalog = file
        .get(cat_ref)?
        .as_dict()
        .cloned()
        .ok_or(PdfError::MissingKey {
            key: "Root",
            object: "trailer",
        })?;
    let acro_obj = catalog.get("AcroForm").cloned();
    let mut af = match &acro_obj {
        Some(o) => file.dict_of(o)?.unwrap_or_default(),
        None => Dict::new(),
    };
    let mut fields = Vec::new();
    if let Some(f) = af.get("Fields") {
        crate::sign::collect_fields(file, f, &mut fields, 0)?;
    }
    let names: Vec<String> = fields
        .iter()
        .filter_map(|(_, d)| d.get("T").and_then(Object::as_string))
        .map(crate::pdf::object::decode_text)
        .collect();
    let field_name = (1..)
        .map(|i| format!("DocTimeStamp{i}"))
        .find(|n| !names.contains(n))
        .expect("an unused name exists");
    let mut up = IncrementalUpdate::new(file).map_err(|e| DocTimestampError::Io {
        path: PathBuf::new(),
        source: e,
    })?;
    let sig_ref = up.allocate();
    let field_ref = up.allocate();

    // ISO 32000-2 §12.8.5, Table 260: the document timestamp dictionary.
    let mut sig = Vec::new();
    sig.extend_from_slice(b"<</Type /DocTimeStamp/Filter /Adobe.PPKLite/SubFilter /ETSI.RFC3161");
    sig.extend_from_slice(b"/ByteRange ");
    let byte_range_in_sig = sig.len();
    sig.extend_from_slice(&[b' '; BYTE_RANGE_WIDTH]);
    sig.extend_from_slice(b"/Contents ");
    let contents_in_sig = sig.len();
    sig.push(b'<');
    sig.resize(sig.len() + 2 * capacity, b'0');
    sig.extend_from_slice(b">>>");
    up.put_raw(sig_ref, sig);

    // An invisible, printable, locked widget with an empty appearance, as for signatures.
    crate::sign::put_invisible_field(file, &mut up, field_ref, sig_ref, &field_name)?;
    crate::sign::add_signature_field(file, &mut up, &mut af, field_ref)?;
    match acro_obj {
        Some(Object::Ref(r)) => up.put(r, &Object::Dict(af)),
        _ => {
            let r = up.allocate();
            up.put(r, &Object::Dict(af));
            catalog.set("AcroForm", Object::Ref(r));
            up.put(cat_ref, &Object::Dict(catalog));
        }
    }
    let done = up.finish();
    let body = done
        .body_offset(sig_ref)
        .expect("the timestamp dictionary was put into the update");
    Ok(Plan {
        contents_at: body + contents_in_sig,
        byte_range_at: body + byte_range_in_sig,
        bytes: done.bytes,
        field_name,
    })
}

/// Adds a document timestamp from `tsa` to `input`, writing `output` (which may be `input`; the
/// result replaces it atomically). `/Contents` is sized from the TSA's token budget
/// ([`TsaClient::token_budget`]) and the TSA is asked once; a token larger than the budget (its
/// first answer ever) makes it start again once with the size now known. Until the commit the
/// output is a temporary file, so a failure leaves `output` as it was.
pub fn add_document_timestamp(
    input: &Path,
    output: &Path,
    tsa: &TsaClient,
) -> Result<DocumentTimestamp, DocTimestampError> {
    match add_once(input, output, tsa) {
        Err(DocTimestampError::PlaceholderTooSmall { .. }) => add_once(input, output, tsa),
        done => done,
    }
}

fn add_once(
    input: &Path,
    output: &Path,
    tsa: &TsaClient,
) -> Result<DocumentTimestamp, DocTimestampError> {
    let f = std::fs::File::open(input).map_err(io_err(input))?;
    let file = PdfFile::open(FileSource::new(f).map_err(io_err(input))?)?;
    if file.trailer().get("Encrypt").is_some() {
        return Err(DocTimestampError::Encrypted);
    }
    check_docmdp(&file)?;
    let capacity = tsa.token_budget();
    let mut p = plan(&file, capacity)?;
    let base = file.len();
    let b = base + p.contents_at as u64;
    let c = b + 2 + 2 * capacity as u64;
    let end = base + p.bytes.len() as u64;
    let br = [0, b, c, end - c];
    let mut text = format!("[{} {} {} {}]", br[0], br[1], br[2], br[3]).into_bytes();
    text.resize(BYTE_RANGE_WIDTH, b' ');
    p.bytes[p.byte_range_at..p.byte_range_at + BYTE_RANGE_WIDTH].copy_from_slice(&text);

    let mut dst = AtomicFile::create(output).map_err(io_err(output))?;
    let mut hasher = dst
        .append_prefix_of(input, base, true)
        .map_err(io_err(input))?
        .unwrap_or_default();
    let hole = p.contents_at..p.contents_at + 2 + 2 * capacity;
    hasher.update(&p.bytes[..hole.start]);
    hasher.update(&p.bytes[hole.end..]);
    dst.write_all(&p.bytes).map_err(io_err(output))?;
    let token = der::Encode::to_der(&tsa.timestamp_sha256(hasher.finalize().into())?)?;
    if token.len() > capacity {
        return Err(DocTimestampError::PlaceholderTooSmall {
            needed: token.len(),
            capacity,
        });
    }
    let hex = hoso_pdf::hex(&token);
    dst.seek(SeekFrom::Start(b + 1)).map_err(io_err(output))?;
    dst.write_all(hex.as_bytes()).map_err(io_err(output))?;
    dst.commit().map_err(io_err(output))?;
    Ok(DocumentTimestamp {
        path: output.to_path_buf(),
        field_name: p.field_name,
        byte_range: br,
        token_len: token.len(),
    })
}
