//! The Document Security Store (ISO 32000-2 §12.8.4.3, ETSI EN 319 142-1 §5.4.2): the catalog's
//! `/DSS` dictionary holding certificates (`/Certs`), OCSP responses (`/OCSPs`) and CRLs
//! (`/CRLs`) as streams of DER, and `/VRI` entries keyed by the uppercase hex SHA-1 of a
//! signature's `/Contents` (§12.8.4.4) naming the items that validate that signature.
//!
//! [`read_dss`] reads what a file holds; [`append_dss`] writes an incremental update with a
//! DSS dictionary that keeps every earlier stream and adds the new items once. Earlier bytes are
//! never rewritten; the catalog gains its `/DSS` entry or the DSS object is replaced, both of
//! which PAdES validators (and [`crate::verify`]) accept as LTV updates after a signature.

use std::io::Write;
use std::path::Path;

use hoso_pdf::atomic::AtomicFile;
use sha1::{Digest, Sha1};

use crate::pdf::update::IncrementalUpdate;
use crate::pdf::{Dict, FileSource, ObjRef, Object, PdfError, PdfFile, Source, Stream, StreamData};

/// Validation data for one signature: what goes under its `/VRI` key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VriEntry {
    /// Uppercase hex SHA-1 of the signature's `/Contents` string bytes.
    pub key: String,
    /// DER certificates.
    pub certs: Vec<Vec<u8>>,
    /// DER OCSPResponses.
    pub ocsps: Vec<Vec<u8>>,
    /// DER CRLs.
    pub crls: Vec<Vec<u8>>,
}

/// The contents of a DSS, as DER items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DssContents {
    /// `/Certs`.
    pub certs: Vec<Vec<u8>>,
    /// `/OCSPs`.
    pub ocsps: Vec<Vec<u8>>,
    /// `/CRLs`.
    pub crls: Vec<Vec<u8>>,
    /// `/VRI` keys present.
    pub vri_keys: Vec<String>,
}

/// Why the DSS could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DssError {
    /// The PDF could not be read.
    #[error("cannot read the PDF: {0}")]
    Pdf(#[from] PdfError),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

/// The VRI key of a signature: uppercase hex SHA-1 of the bytes of its `/Contents` string
/// (ISO 32000-2 §12.8.4.4).
pub fn vri_key(contents: &[u8]) -> String {
    Sha1::digest(contents)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

fn stream_items<S: Source>(
    file: &PdfFile<S>,
    arr: Option<&Object>,
) -> Result<Vec<Vec<u8>>, PdfError> {
    let mut out = Vec::new();
    let Some(arr) = arr else { return Ok(out) };
    let arr = file.resolve(arr)?;
    let mut seen = crate::pdf::Visited::new("DSS");
    for item in arr.as_array().unwrap_or(&[]) {
        if !seen.first_visit_obj(item)? {
            continue;
        }
        if let Object::Stream(s) = file.resolve(item)? {
            out.push(file.stream_data(&s)?);
        }
    }
    Ok(out)
}

/// Reads the document's DSS (empty when there is none).
pub fn read_dss<S: Source>(file: &PdfFile<S>) -> Result<DssContents, PdfError> {
    let catalog = file.get(file.catalog_ref()?)?;
    let Some(dss) = catalog.as_dict().and_then(|c| c.get("DSS")) else {
        return Ok(DssContents::default());
    };
    let Some(dss) = file.dict_of(dss)? else {
        return Ok(DssContents::default());
    };
    let vri_keys = match dss.get("VRI") {
        Some(v) => file
            .dict_of(v)?
            .map(|d| {
                d.iter()
                    .map(|(k, _)| String::from_utf8_lossy(k).to_uppercase())
                    .collect()
            })
            .unwrap_or_default(),
        None => Vec::new(),
    };
    Ok(DssContents {
        certs: stream_items(file, dss.get("Certs"))?,
        ocsps: stream_items(file, dss.get("OCSPs"))?,
        crls: stream_items(file, dss.get("CRLs"))?,
        vri_keys,
    })
}

/// Existing stream references of a DSS array, with their decoded bytes.
fn existing_refs<S: Source>(
    file: &PdfFile<S>,
    arr: Option<&Object>,
) -> Result<Vec<(Object, Vec<u8>)>, PdfError> {
    let mut out = Vec::new();
    let Some(arr) = arr else { return Ok(out) };
    let mut seen = crate::pdf::Visited::new("DSS");
    for item in file.resolve(arr)?.as_array().unwrap_or(&[]) {
        if !seen.first_visit_obj(item)? {
            continue;
        }
        if let Object::Stream(s) = file.resolve(item)? {
            out.push((item.clone(), file.stream_data(&s)?));
        }
    }
    Ok(out)
}

/// One `/Certs`, `/OCSPs` or `/CRLs` array being built: earlier references kept, new DER items
/// written once as new streams.
struct Pool {
    items: Vec<(Object, Vec<u8>)>,
}

impl Pool {
    fn reference(&mut self, up: &mut IncrementalUpdate, der: &[u8]) -> Object {
        if let Some((r, _)) = self.items.iter().find(|(_, d)| d == der) {
            return r.clone();
        }
        let r = up.allocate();
        up.put(
            r,
            &Object::Stream(Box::new(Stream {
                dict: Dict::new(),
                data: StreamData::Owned(der.to_vec()),
            })),
        );
        self.items.push((Object::Ref(r), der.to_vec()));
        Object::Ref(r)
    }

    fn array(&self) -> Object {
        Object::Array(self.items.iter().map(|(r, _)| r.clone()).collect())
    }
}

/// The bytes of an incremental update adding `entries` (and `extra`, items for no particular
/// signature) to `file`'s DSS; `None` when the DSS already holds all of them.
pub fn dss_update<S: Source>(
    file: &PdfFile<S>,
    entries: &[VriEntry],
    extra: &VriEntry,
) -> Result<Option<Vec<u8>>, DssError> {
    let cat_ref = file.catalog_ref()?;
    let mut catalog = file
        .get(cat_ref)?
        .as_dict()
        .cloned()
        .ok_or(PdfError::MissingKey {
            key: "Root",
            object: "trailer",
        })?;
    let old = match catalog.get("DSS") {
        Some(d) => file.dict_of(d)?.unwrap_or_default(),
        None => Dict::new(),
    };
    let mut certs = Pool {
        items: existing_refs(file, old.get("Certs"))?,
    };
    let mut ocsps = Pool {
        items: existing_refs(file, old.get("OCSPs"))?,
    };
    let mut crls = Pool {
        items: existing_refs(file, old.get("CRLs"))?,
    };
    let before = (certs.items.len(), ocsps.items.len(), crls.items.len());
    let mut vri = match old.get("VRI") {
        Some(v) => file.dict_of(v)?.unwrap_or_default(),
        None => Dict::new(),
    };
    let vri_before = vri.len();
    let mut up = IncrementalUpdate::new(file).map_err(|e| DssError::Io {
        path: std::path::PathBuf::new(),
        source: e,
    })?;
    for e in entries.iter().chain(std::iter::once(extra)) {
        let c: Vec<Object> = e
            .certs
            .iter()
            .map(|d| certs.reference(&mut up, d))
            .collect();
        let o: Vec<Object> = e
            .ocsps
            .iter()
            .map(|d| ocsps.reference(&mut up, d))
            .collect();
        let l: Vec<Object> = e.crls.iter().map(|d| crls.reference(&mut up, d)).collect();
        if e.key.is_empty() || vri.get(&e.key).is_some() {
            continue;
        }
        // ISO 32000-2 §12.8.4.4, Table 262: the VRI dictionary of one signature.
        let mut d = Dict::new();
        d.set("Type", Object::name("VRI"));
        if !c.is_empty() {
            d.set("Cert", Object::Array(c));
        }
        if !o.is_empty() {
            d.set("OCSP", Object::Array(o));
        }
        if !l.is_empty() {
            d.set("CRL", Object::Array(l));
        }
        vri.set(&e.key, Object::Dict(d));
    }
    if before == (certs.items.len(), ocsps.items.len(), crls.items.len()) && vri.len() == vri_before
    {
        return Ok(None);
    }
    // ISO 32000-2 §12.8.4.3, Table 261. An indirect DSS is replaced under its own number (an
    // orphaned old DSS would look like an object slipped in after signing); a direct or missing
    // one becomes a new object the catalog points at.
    let mut dss = Dict::new();
    dss.set("Type", Object::name("DSS"));
    if !certs.items.is_empty() {
        dss.set("Certs", certs.array());
    }
    if !ocsps.items.is_empty() {
        dss.set("OCSPs", ocsps.array());
    }
    if !crls.items.is_empty() {
        dss.set("CRLs", crls.array());
    }
    if !vri.is_empty() {
        dss.set("VRI", Object::Dict(vri));
    }
    match catalog.get("DSS").and_then(Object::as_ref) {
        Some(r) => up.put(r, &Object::Dict(dss)),
        None => {
            let dss_ref: ObjRef = up.allocate();
            up.put(dss_ref, &Object::Dict(dss));
            catalog.set("DSS", Object::Ref(dss_ref));
            up.put(cat_ref, &Object::Dict(catalog));
        }
    }
    Ok(Some(up.finish().bytes))
}

/// Writes `input` plus a DSS update to `output` (which may be `input`: the result replaces it
/// atomically). Returns whether anything was added.
pub fn append_dss(
    input: &Path,
    output: &Path,
    entries: &[VriEntry],
    extra: &VriEntry,
) -> Result<bool, DssError> {
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |e| DssError::Io { path: p, source: e }
    };
    let f = std::fs::File::open(input).map_err(io(input))?;
    let file = PdfFile::open(FileSource::new(f).map_err(io(input))?)?;
    let update = dss_update(&file, entries, extra)?;
    if update.is_none() && input == output {
        return Ok(false);
    }
    let mut dst = AtomicFile::create(output).map_err(io(output))?;
    dst.append_prefix_of(input, file.len(), false)
        .map_err(io(input))?;
    let added = update.is_some();
    if let Some(u) = update {
        dst.write_all(&u).map_err(io(output))?;
    }
    dst.commit().map_err(io(output))?;
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-page PDF with a classic xref table, offsets computed here.
    fn tiny_pdf() -> Vec<u8> {
        let objs = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        ];
        crate::pdf::classic_pdf(&objs, "")
    }

    fn entry(key: &str, cert: &[u8], ocsp: &[u8]) -> VriEntry {
        VriEntry {
            key: key.into(),
            certs: vec![cert.to_vec()],
            ocsps: vec![ocsp.to_vec()],
            crls: Vec::new(),
        }
    }

    #[test]
    fn vri_key_is_uppercase_sha1_hex() {
        // FIPS 180-4 test vector: SHA-1("abc").
        assert_eq!(vri_key(b"abc"), "A9993E364706816ABA3E25717850C26C9CD0D89D");
    }

    #[test]
    fn dss_round_trips_and_renewal_keeps_items_once_in_the_same_object() {
        let mut pdf = tiny_pdf();
        let f = PdfFile::open(pdf.clone()).unwrap();
        let e1 = entry("AA", b"cert-1", b"ocsp-1");
        let up = dss_update(&f, std::slice::from_ref(&e1), &VriEntry::default())
            .unwrap()
            .expect("something to add");
        pdf.extend_from_slice(&up);
        let f = PdfFile::open(pdf.clone()).unwrap();
        let d = read_dss(&f).unwrap();
        assert_eq!(d.certs, vec![b"cert-1".to_vec()]);
        assert_eq!(d.ocsps, vec![b"ocsp-1".to_vec()]);
        assert_eq!(d.vri_keys, vec!["AA".to_owned()]);
        let dss_ref = f
            .get(f.catalog_ref().unwrap())
            .unwrap()
            .as_dict()
            .unwrap()
            .get("DSS")
            .and_then(Object::as_ref)
            .expect("indirect DSS");

        // Nothing new: no update at all.
        assert!(
            dss_update(&f, std::slice::from_ref(&e1), &VriEntry::default())
                .unwrap()
                .is_none()
        );

        // Renewal: the shared certificate is not repeated, the DSS keeps its object number.
        let e2 = entry("BB", b"cert-1", b"ocsp-2");
        let up = dss_update(&f, &[e2], &VriEntry::default())
            .unwrap()
            .unwrap();
        pdf.extend_from_slice(&up);
        let f = PdfFile::open(pdf).unwrap();
        let d = read_dss(&f).unwrap();
        assert_eq!(d.certs.len(), 1);
        assert_eq!(d.ocsps, vec![b"ocsp-1".to_vec(), b"ocsp-2".to_vec()]);
        assert_eq!(d.vri_keys, vec!["AA".to_owned(), "BB".to_owned()]);
        let again = f
            .get(f.catalog_ref().unwrap())
            .unwrap()
            .as_dict()
            .unwrap()
            .get("DSS")
            .and_then(Object::as_ref);
        assert_eq!(again, Some(dss_ref));
    }
}
