//! Electronic certified copies ("sao y", "sao lục", "trích sao") per Decree 30/2020/NĐ-CP
//! Art. 25–27 and Appendix I part II: the original's bytes, then an incremental update writing
//! hoso's QR verification mark and its caption into the content of page 1, then one carrying the
//! organisation's signature, whose appearance is the prescribed text alone at the top right of
//! page 1 (no image). The mark is written before signing so the signature covers it; it is
//! left out when the original is already signed, because new page content after a signature is
//! a change to signed content that every validator reports against that signature. The copy number comes
//! from the register in the same transaction that records the copy; if signing or writing
//! fails, the number is given back and no file is left. hoso-stamp draws the block and the QR
//! mark, hoso-sign signs, hoso-register numbers and records: this flow ties them together for
//! `hoso copy` and the desktop app.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use hoso_register::{hex, CopyForm, CopyNumber, EntryKind, NewEntry, QrPayload, Register};
use hoso_sign::appearance::VisibleSignature;
use hoso_sign::sign::{sign_pdf, SignError, SignOptions};
use hoso_sign::signer::Signer;
use serde::Serialize;

use hoso_stamp::locate::PdfPages;
use hoso_stamp::visible::widget;
use hoso_stamp::{decree, StampError};

pub use hoso_stamp::CopyKind;

/// What to copy and how.
#[derive(Debug, Clone)]
pub struct CopyRequest {
    /// Sao y, sao lục or trích sao.
    pub kind: CopyKind,
    /// The copying organisation, as printed ("Ủy ban nhân dân phường Sông Cầu").
    pub org: String,
    /// Its abbreviation in the copy number ("UBND" in `05/SY-UBND`).
    pub org_code: String,
    /// Print the QR verification mark.
    pub qr: bool,
    /// The signing time printed and written as `/M`.
    pub time: SystemTime,
    /// A trích sao's pages, 1-based and inclusive (`--pages 2-3`): the copy is a new document of
    /// these pages only (Art. 25.3). Only for trích sao.
    pub pages: Option<(u32, u32)>,
    /// The clerk declares the file a scan of a paper document (Decree 30/2020 Art. 25.1: an
    /// electronic sao y is made only by digitizing paper). A dossier hoso built from scans says
    /// so in its manifest and needs no declaration.
    pub from_paper: bool,
    /// The office's public address (settings `public_url`): the QR becomes a link to the
    /// `hoso serve` page for the payload ([`qr_url`]) instead of the offline payload.
    pub public_url: Option<String>,
}

/// A trích sao's pages as the clerk types them: `2-3` → (2, 3), `4` → (4, 4); pages count
/// from 1. The error says what was expected, Vietnamese first.
pub fn parse_pages(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("\"{s}\": cần dạng 2-3 hoặc 4 / expected FIRST-LAST or one page");
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let a: u32 = a.trim().parse().map_err(|_| bad())?;
    let b: u32 = b.trim().parse().map_err(|_| bad())?;
    if a == 0 || b < a {
        return Err(bad());
    }
    Ok((a, b))
}

/// The link a phone opens for a register payload: `<public_url>/v/<payload>`
/// (the page `hoso serve` answers).
pub fn qr_url(public_url: &str, payload: &str) -> String {
    format!("{}/v/{payload}", public_url.trim_end_matches('/'))
}

/// A public address as the settings keep it: `https://` (or `http://` for tests on loopback),
/// a host, no query or fragment, no trailing `/`. `None` when it is not one.
pub fn check_public_url(url: &str) -> Option<String> {
    let url = url.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split('/').next().unwrap_or_default();
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "-._~/:[]%".contains(c);
    (!host.is_empty() && rest.chars().all(ok_char)).then(|| url.to_owned())
}

/// A copy Decree 30/2020/NĐ-CP does not allow, naming the article. Nothing is numbered or
/// written. Vietnamese first, English second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[non_exhaustive]
pub enum CopyRefusal {
    /// Art. 25.1: an electronic sao y is made from paper only (digitize, then the organisation
    /// signs); there is no electronic-to-electronic sao y.
    #[error(
        "Điều 25 khoản 1 Nghị định 30/2020/NĐ-CP: bản sao y điện tử chỉ được làm từ văn bản giấy \
         (số hóa rồi ký số của cơ quan, tổ chức), không có sao y từ văn bản điện tử sang văn bản \
         điện tử; tệp này không phải hồ sơ số hóa (manifest của hoso không ghi \"Số hóa\") — nếu \
         nó được quét từ bản giấy, thêm --from-paper / Decree 30/2020 Article 25.1: an electronic \
         sao y is made only from paper (digitized, then signed by the organisation); there is no \
         electronic-to-electronic sao y, and this file is not a digitized dossier — if it was \
         scanned from paper, add --from-paper"
    )]
    SaoYFromElectronic,
    /// Art. 25: a copy of a copy is a sao lục, not a sao y.
    #[error(
        "Điều 25 Nghị định 30/2020/NĐ-CP: tệp này đã là một bản sao; sao lại bản sao y là sao lục \
         (--form sao-luc), không phải sao y / Decree 30/2020 Article 25: this file is already a \
         copy; copying a sao y makes a sao lục (--form sao-luc), not a sao y"
    )]
    SaoYOfACopy,
    /// Art. 25.2: a sao lục is made from a sao y.
    #[error(
        "Điều 25 khoản 2 Nghị định 30/2020/NĐ-CP: sao lục chỉ được làm từ bản sao y; tệp này không \
         phải bản sao y (sổ đăng ký không ghi nó là bản sao y và nó không có chữ ký bản sao y) / \
         Decree 30/2020 Article 25.2: a sao lục is made only from a sao y; this file is not one \
         (the register does not list it as a sao y and it carries no sao y signature)"
    )]
    SaoLucNotFromSaoY,
    /// Art. 32.2: the organisation signs only documents a competent person signed, or copies it
    /// made itself.
    #[error(
        "Điều 32 khoản 2 Nghị định 30/2020/NĐ-CP: chữ ký số của cơ quan, tổ chức chỉ ký lên văn \
         bản đã có chữ ký của người có thẩm quyền hoặc bản sao do cơ quan, tổ chức thực hiện; tệp \
         này chưa được ký và không phải bản số hóa từ giấy (--from-paper) / Decree 30/2020 Article \
         32.2: the organisation's digital signature goes only on documents signed by a competent \
         person or on copies the organisation made; this file is unsigned and not digitized from \
         paper (--from-paper)"
    )]
    UnsignedOriginal,
    /// Art. 25.3: a trích sao copies only the extract, so it names the pages.
    #[error(
        "Điều 25 khoản 3 Nghị định 30/2020/NĐ-CP: trích sao chỉ sao phần được trích; hãy chọn trang, \
         ví dụ --pages 2-3 / Decree 30/2020 Article 25.3: a trích sao copies only the extract; \
         choose its pages, e.g. --pages 2-3"
    )]
    TrichSaoWithoutPages,
    /// Art. 25: only a trích sao copies part of a document.
    #[error(
        "Điều 25 Nghị định 30/2020/NĐ-CP: sao y và sao lục sao toàn văn; chỉ trích sao (--form \
         trich-sao) mới sao một số trang / Decree 30/2020 Article 25: sao y and sao lục copy the \
         whole document; only a trích sao (--form trich-sao) copies some pages"
    )]
    PagesOnlyForTrichSao,
}

/// What the copy flow knows of a source file for the rules of Art. 25 and 32.2.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceFacts {
    /// It carries a signature (`/ByteRange`).
    pub signed: bool,
    /// Digitized from paper: the manifest of a hoso dossier says every document is "Số hóa", or
    /// the clerk declared it (`--from-paper`).
    pub digitized: bool,
    /// The copy form it already is, from the register (a copy entry with this file's hash) or
    /// from a hoso copy's signature field (`SY1`, `SL3`, `TrS2`).
    pub copy_form: Option<CopyForm>,
}

/// Whether Decree 30/2020 allows making a copy of form `kind` from a source with `facts`.
pub fn check_copy_rules(kind: CopyKind, facts: &SourceFacts) -> Result<(), CopyRefusal> {
    match kind {
        CopyKind::SaoY if facts.copy_form.is_some() => Err(CopyRefusal::SaoYOfACopy),
        CopyKind::SaoY if !facts.digitized => Err(CopyRefusal::SaoYFromElectronic),
        CopyKind::SaoLuc if facts.copy_form != Some(CopyForm::SaoY) => {
            Err(CopyRefusal::SaoLucNotFromSaoY)
        }
        CopyKind::TrichSao if !facts.signed && !facts.digitized && facts.copy_form.is_none() => {
            Err(CopyRefusal::UnsignedOriginal)
        }
        _ => Ok(()),
    }
}

/// Whether the embedded hoso manifest says every document was digitized from paper.
fn manifest_says_digitized(pdf: &[u8]) -> bool {
    let Ok(Some(json)) = hoso_pdf::attachment::read_embedded_file(pdf, "manifest.json") else {
        return false;
    };
    let Ok(m) = serde_json::from_slice::<hoso_dossier::Manifest>(&json) else {
        return false;
    };
    !m.documents.is_empty()
        && m.documents
            .iter()
            .all(|d| d.metadata.origin == hoso_dossier::Origin::Digitized)
}

/// The copy form named by a hoso copy's signature field (`SY1`, `SL12`, `TrS3`), if any field of
/// the file is one.
fn copy_form_of_fields(pdf: &[u8]) -> Option<CopyForm> {
    use hoso_pdf::read::{Object, PdfFile};
    let file = PdfFile::open(pdf).ok()?;
    let cat = file
        .dict_of(&Object::Ref(file.catalog_ref().ok()?))
        .ok()??;
    let form = file.dict_of(cat.get("AcroForm")?).ok()??;
    let fields = file.resolve(form.get("Fields")?).ok()?;
    let form_of = |name: &str| {
        let digits = |rest: &str| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit());
        [
            ("SY", CopyForm::SaoY),
            ("SL", CopyForm::SaoLuc),
            ("TrS", CopyForm::TrichSao),
        ]
        .into_iter()
        .find(|(p, _)| name.strip_prefix(p).is_some_and(digits))
        .map(|(_, f)| f)
    };
    // Copies hoso makes are top-level signature fields with a value; the newest one counts.
    fields.as_array()?.iter().rev().take(256).find_map(|f| {
        let d = file.dict_of(f).ok()??;
        if d.name("FT") != Some(b"Sig") || d.get("V").is_none() {
            return None;
        }
        let t = d.get("T").and_then(Object::as_string)?;
        form_of(&hoso_pdf::read::object::decode_text(t))
    })
}

/// What hoso's reader finds in `pdf`: a signature dictionary (its /ByteRange and /Contents), and
/// a DocMDP certification (catalog /Perms, or a signature reference's transform). Never a byte
/// scan: "/ByteRange" inside a stream or a string is not a signature.
fn signature_state(pdf: &[u8]) -> Result<(bool, bool), CopyError> {
    use hoso_pdf::read::{Object, PdfFile};
    let read = |e| CopyError::Stamp(StampError::from(e));
    let file = PdfFile::open(pdf).map_err(read)?;
    let signed = file
        .any_object(|o| {
            matches!(o, Object::Dict(d) if d.get("ByteRange").is_some() && d.get("Contents").is_some())
        })
        .map_err(read)?;
    let certified = file
        .any_object(|o| {
            matches!(o, Object::Dict(d)
                if d.get("DocMDP").is_some() || d.name("TransformMethod") == Some(b"DocMDP"))
        })
        .map_err(read)?;
    Ok((signed, certified))
}

/// The facts of the source `pdf` (hash `sha256`) as `reg` and the file itself tell them.
pub fn source_facts(
    pdf: &[u8],
    sha256: &[u8; 32],
    from_paper: bool,
    reg: &Register,
) -> Result<SourceFacts, CopyError> {
    let registered = reg
        .lookup_sha256(sha256)?
        .into_iter()
        .filter(|r| r.entry.kind == EntryKind::Copy)
        .find_map(|r| r.entry.copy.map(|c| c.form));
    Ok(SourceFacts {
        signed: signature_state(pdf)?.0,
        digitized: from_paper || manifest_says_digitized(pdf),
        copy_form: registered.or_else(|| copy_form_of_fields(pdf)),
    })
}

/// A certified copy written and registered.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CopyOutcome {
    /// The original.
    pub original: PathBuf,
    /// The copy.
    pub path: PathBuf,
    /// `05/SY-UBND`.
    pub copy_number: String,
    /// The year the number belongs to.
    pub year: u32,
    /// SHA-256 of the copy, lower-case hex.
    pub sha256: String,
    /// SHA-256 of the original, lower-case hex.
    pub original_sha256: String,
    /// The copy's register entry.
    pub register_seq: u64,
    /// The original's register entry (registered first when it was not there).
    pub original_seq: u64,
    /// The QR mark's text (the original's lookup payload, then the copy number), if printed.
    pub qr_printed: Option<String>,
    /// Why no QR mark was printed although one was asked for, Vietnamese first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qr_omitted: Option<String>,
    /// The copy's own register lookup payload.
    pub copy_lookup: String,
    /// The time printed on the copy, ISO 8601 +07:00.
    pub signing_time: String,
    /// The original carries a DocMDP certification: pyHanko by default treats a visible
    /// signature added after it as a disallowed change (Acrobat accepts it).
    pub original_certified: bool,
    /// The PDF/A check of the copy.
    pub pdfa: crate::pdfa::PdfaOutcome,
}

/// Why no copy was made. After any of these no copy file exists and no copy number was used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CopyError {
    /// The original cannot be read.
    #[error("không đọc được bản gốc {path}: {source} / cannot read the original")]
    Read {
        /// The original.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A trích sao's pages could not be taken.
    #[error(transparent)]
    Extract(#[from] ExtractError),
    /// Decree 30/2020 does not allow this copy (the article is named).
    #[error(transparent)]
    NotAllowed(#[from] CopyRefusal),
    /// The appearance could not be drawn (a letter the font lacks, an unreadable page).
    #[error(transparent)]
    Stamp(#[from] StampError),
    /// No appearance part could be drawn (an empty block and no QR mark).
    #[error("không có gì để vẽ trên bản sao / nothing to draw on the copy")]
    NothingToDraw,
    /// The register refused or failed.
    #[error("sổ đăng ký / register: {0}")]
    Register(#[from] hoso_register::RegisterError),
    /// Writing the QR mark into the page failed; the number was given back.
    #[error("ghi mã QR vào bản sao thất bại, số bản sao không bị dùng / writing the QR mark failed, the copy number was not used: {0}")]
    Mark(#[source] StampError),
    /// Signing failed; the number was given back.
    #[error("ký bản sao thất bại, số bản sao không bị dùng / signing the copy failed, the copy number was not used: {0}")]
    Sign(#[from] SignError),
    /// The signed copy could not be hashed.
    #[error("không đọc lại được bản sao {path}: {source} / cannot read the copy back")]
    ReadBack {
        /// The partial copy.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The copy is registered but could not be moved to its name.
    #[error("bản sao đã ghi sổ nhưng không đổi tên được {from} → {to}: {source} / the copy is registered but could not be renamed")]
    Rename {
        /// The signed temporary file.
        from: PathBuf,
        /// The requested output.
        to: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// The register's copy form for a kind of copy (its symbol in the copy number: SY, SL, TrS).
pub fn copy_form(kind: CopyKind) -> CopyForm {
    match kind {
        CopyKind::SaoY => CopyForm::SaoY,
        CopyKind::SaoLuc => CopyForm::SaoLuc,
        CopyKind::TrichSao => CopyForm::TrichSao,
    }
}

/// Upper-case ASCII initials: "Ủy ban nhân dân phường Sông Cầu" → "UBNDPSC".
pub fn initials(org: &str) -> String {
    org.split_whitespace()
        .filter_map(|w| w.chars().next())
        .map(|c| hoso_register::ascii_slug(&c.to_string()).to_uppercase())
        .collect::<String>()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(16)
        .collect()
}

/// The original's entry (oldest with its hash), registering it first if it is not there, so the
/// QR can point at it.
fn original_entry(reg: &mut Register, sha256: &[u8; 32], signed: bool) -> Result<u64, CopyError> {
    if let Some(found) = reg.lookup_sha256(sha256)?.first() {
        return Ok(found.entry.seq);
    }
    let kind = if signed {
        EntryKind::Signed
    } else {
        EntryKind::Other
    };
    let mut e = NewEntry::new(kind, *sha256);
    e.extra
        .insert("registered_by".into(), "hoso copy (original)".into());
    let appended = reg.append(e)?;
    Ok(appended.entries.first().map(|e| e.seq).unwrap_or_default())
}

/// A sibling of `out` to sign into before the register commits.
fn partial_path(out: &Path) -> PathBuf {
    let mut name = out
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".partial");
    out.with_file_name(name)
}

/// Why a copy of a signed original carries no QR mark.
pub const QR_OMITTED_SIGNED: &str = "bản gốc đã có chữ ký số: thêm mã QR vào nội dung trang sẽ \
    làm các chữ ký đó báo \"bị thay đổi sau khi ký\", nên bản sao không in mã QR; tra cứu bằng \
    chính tệp bản sao / the original is already signed: writing a QR code into its page would \
    show as a change after those signatures, so the copy carries no QR mark; look it up by the \
    copy file itself";

/// Why a trích sao's pages could not be taken.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// The range is empty or beyond the document.
    #[error("không có trang {first}–{last} (tài liệu có {count} trang) / there are no pages {first}–{last} (the document has {count})")]
    NoSuchPages {
        /// First page asked for.
        first: u32,
        /// Last page asked for.
        last: u32,
        /// Pages in the document.
        count: u32,
    },
    /// The pages could not be copied into a PDF/A document.
    #[error("không chép được các trang trích sao sang PDF/A / the extracted pages could not be copied into a PDF/A document: {0}")]
    Pdf(String),
    /// Writing the extract failed.
    #[error("không ghi được tệp trích sao / cannot write the extract: {0}")]
    Io(#[from] std::io::Error),
}

/// A sibling of `out` holding a trích sao's pages before the mark and the signature.
fn extract_path(out: &Path) -> PathBuf {
    let mut name = out
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".extract.partial");
    out.with_file_name(name)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes pages `first..=last` (1-based) of `pdf` as a new PDF/A-2b document at `out`, through
/// hoso-pdf's importer (fonts checked, actions and annotations left out, ISO 19005-2): the
/// extract a trích sao copies (Decree 30/2020 Art. 25.3). Earlier signatures are not carried:
/// they covered the whole original.
pub fn extract_pages(
    pdf: &[u8],
    first: u32,
    last: u32,
    out: &Path,
    title: &str,
) -> Result<(), ExtractError> {
    let mut importer =
        hoso_pdf::import::PdfImporter::load(pdf).map_err(|e| ExtractError::Pdf(e.to_string()))?;
    let count = importer.page_count();
    if first == 0 || last < first || last > count {
        return Err(ExtractError::NoSuchPages { first, last, count });
    }
    let file = hoso_pdf::atomic::AtomicFile::create(out)?;
    let mut writer = hoso_pdf::DossierWriter::new(file)?;
    for n in first..=last {
        importer
            .import_page(&mut writer, n)
            .map_err(|e| ExtractError::Pdf(e.to_string()))?;
    }
    let info = hoso_pdf::DocumentInfo {
        title: title.to_owned(),
        author: None,
        subject: Some(format!("Trích sao trang {first}–{last}")),
        keywords: None,
        creator_tool: format!("hoso {}", env!("CARGO_PKG_VERSION")),
        producer: format!("hoso-pdf {}", env!("CARGO_PKG_VERSION")),
        language: "vi".into(),
        created: time::OffsetDateTime::now_utc(),
    };
    writer.finish(&info, None)?.commit()?;
    Ok(())
}

/// A sibling of `out` holding the original plus the QR mark, before signing.
fn marked_path(out: &Path) -> PathBuf {
    let mut name = out
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".mark.partial");
    out.with_file_name(name)
}

/// Makes the certified copy of `input` at `out`, signed by `signer` (the organisation's key),
/// numbered and recorded in `reg`. The original is registered first when it is not there.
pub fn make_copy(
    input: &Path,
    out: &Path,
    req: &CopyRequest,
    signer: &dyn Signer,
    reg: &mut Register,
) -> Result<CopyOutcome, CopyError> {
    let bytes = std::fs::read(input).map_err(|source| CopyError::Read {
        path: input.to_path_buf(),
        source,
    })?;
    let time_text = decree::iso8601_vietnam(req.time);
    // Fail on a letter the font lacks before a number is reserved.
    let block = decree::copy_block(req.kind, &req.org, &time_text)?;
    let original_sha =
        hoso_register::sha256_reader(&bytes[..]).map_err(|source| CopyError::Read {
            path: input.to_path_buf(),
            source,
        })?;
    // Decree 30/2020 Art. 25 and 32.2, before a number is reserved.
    let facts = source_facts(&bytes, &original_sha, req.from_paper, reg)?;
    check_copy_rules(req.kind, &facts)?;
    // A trích sao is a new document of the extracted pages (Art. 25.3); the others copy the
    // original's bytes.
    let extract = extract_path(out);
    let (doc, bytes): (&Path, Vec<u8>) = match (req.kind, req.pages) {
        (CopyKind::TrichSao, Some((first, last))) => {
            let title = format!(
                "{} — {}",
                CopyKind::TrichSao.block_label(),
                file_name(input)
            );
            extract_pages(&bytes, first, last, &extract, &title)?;
            let b = std::fs::read(&extract).map_err(|source| CopyError::Read {
                path: extract.clone(),
                source,
            })?;
            (extract.as_path(), b)
        }
        (CopyKind::TrichSao, None) => return Err(CopyRefusal::TrichSaoWithoutPages.into()),
        (_, Some(_)) => return Err(CopyRefusal::PagesOnlyForTrichSao.into()),
        (_, None) => (input, bytes),
    };
    let cleanup_extract = || {
        let _ = std::fs::remove_file(&extract);
    };
    let pages = match PdfPages::parse(&bytes).and_then(|p| Ok((p.page(0)?.media_box, p))) {
        Ok(p) => p,
        Err(e) => {
            cleanup_extract();
            return Err(e.into());
        }
    };
    let (page1, pages) = pages;
    let (signed, original_certified) = match signature_state(&bytes) {
        Ok(s) => s,
        Err(e) => {
            cleanup_extract();
            return Err(e);
        }
    };
    drop(bytes);

    let original_seq = match original_entry(reg, &original_sha, facts.signed) {
        Ok(s) => s,
        Err(e) => {
            cleanup_extract();
            return Err(e);
        }
    };
    let origin = reg.origin().to_owned();
    let lookup = QrPayload::new(&origin, original_seq, &original_sha).to_string();
    let partial = partial_path(out);
    // The register records the copy at the instant printed on it and written as /M.
    let time = req.time;
    reg.set_clock(Box::new(move || time::OffsetDateTime::from(time)));
    let reservation = match reg.reserve_copy(&req.org_code, copy_form(req.kind)) {
        Ok(r) => r,
        Err(e) => {
            cleanup_extract();
            return Err(e.into());
        }
    };
    let number: CopyNumber = reservation.number().clone();
    let qr_text = match &req.public_url {
        Some(base) => qr_url(base, &lookup),
        None => format!("{lookup}\n{number}"),
    };
    let qr_in_page = req.qr && !signed;
    let marked = marked_path(out);
    let made = (|| -> Result<[u8; 32], CopyError> {
        // Earlier signature widgets on page 1 (a copy of a copy): the new parts go beside them.
        let taken = pages.signature_widgets(0)?;
        let (block_ap, block_rect) = decree::top_right(&block, page1);
        let block_rect = decree::beside(block_rect, &taken, page1);
        // The QR mark goes into the page content first; the signature then covers it.
        let source = if qr_in_page {
            let caption = decree::qr_caption(&number.to_string(), &lookup);
            let caption: Vec<&str> = caption.iter().map(String::as_str).collect();
            let (qr_ap, qr_rect) = decree::qr_mark(&qr_text, &caption, page1)?;
            let qr_rect = decree::beside(qr_rect, &taken, page1);
            hoso_stamp::page_mark::draw_into_page(doc, &marked, 0, &qr_ap, qr_rect)
                .map_err(CopyError::Mark)?;
            marked.as_path()
        } else {
            doc
        };
        // The signature's own appearance: the text block alone (Appendix I part II).
        let widgets = vec![widget(0, &block_ap, block_rect)?];
        // Not a certification signature: pyHanko (by default, stricter than Acrobat) treats any
        // new visible signature after a DocMDP certification as an illegal change, so a certified
        // copy could not itself be copied (sao lục) with every signature staying valid.
        let opts = SignOptions {
            field_name: Some(format!("{}{}", copy_form(req.kind).symbol(), number.number)),
            reason: Some(format!("{} — {number}", req.kind.label())),
            signing_time: req.time,
            appearance: Some(VisibleSignature { widgets }),
            ..SignOptions::default()
        };
        sign_pdf(source, &partial, &opts, signer, None)?;
        hoso_register::sha256_file(&partial).map_err(|source| CopyError::ReadBack {
            path: partial.clone(),
            source,
        })
    })();
    let _ = std::fs::remove_file(&marked);
    cleanup_extract();
    let copy_sha = match made {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            reservation.abort();
            return Err(e);
        }
    };
    let mut entry = NewEntry::new(EntryKind::Copy, copy_sha);
    entry.title = Some(format!("{} {}", req.kind.label(), req.org));
    entry
        .extra
        .insert("original_sha256".into(), hex(&original_sha).into());
    entry
        .extra
        .insert("original_seq".into(), original_seq.into());
    entry
        .extra
        .insert("organisation".into(), req.org.clone().into());
    entry
        .extra
        .insert("signing_time".into(), time_text.clone().into());
    let appended = match reservation.commit(entry) {
        Ok(a) => a,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e.into());
        }
    };
    std::fs::rename(&partial, out).map_err(|source| CopyError::Rename {
        from: partial.clone(),
        to: out.to_path_buf(),
        source,
    })?;
    let seq = appended.entries.first().map(|e| e.seq).unwrap_or_default();
    Ok(CopyOutcome {
        pdfa: crate::pdfa::after_step(out),
        original: input.to_path_buf(),
        path: out.to_path_buf(),
        copy_number: number.to_string(),
        year: number.year,
        sha256: hex(&copy_sha),
        original_sha256: hex(&original_sha),
        register_seq: seq,
        original_seq,
        qr_printed: qr_in_page.then_some(qr_text),
        qr_omitted: (req.qr && !qr_in_page).then(|| QR_OMITTED_SIGNED.to_owned()),
        copy_lookup: QrPayload::new(&origin, seq, &copy_sha).to_string(),
        signing_time: time_text,
        original_certified,
    })
}

/// The number the next copy of `kind` will get for `org_code` (nothing is consumed by asking).
pub fn next_copy_number(
    reg: &mut Register,
    org_code: &str,
    kind: CopyKind,
) -> Result<String, hoso_register::RegisterError> {
    let reservation = reg.reserve_copy(org_code, copy_form(kind))?;
    let number = reservation.number().to_string();
    reservation.abort();
    Ok(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_a_range_or_one_page_counted_from_one() {
        assert_eq!(parse_pages("2-3"), Ok((2, 3)));
        assert_eq!(parse_pages(" 4 "), Ok((4, 4)));
        for bad in ["0", "3-2", "a-b", "", "2-"] {
            let e = parse_pages(bad).unwrap_err();
            assert!(e.contains("cần dạng 2-3") && e.contains(bad), "{e}");
        }
    }

    #[test]
    fn the_words_byterange_and_docmdp_in_a_comment_are_not_a_signature() {
        let fixture =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cong_van_1page.pdf");
        let mut pdf = std::fs::read(fixture).expect("fixture");
        assert_eq!(signature_state(&pdf).expect("readable"), (false, false));
        // A byte scan would call this signed and certified; the reader sees a comment.
        pdf.extend_from_slice(b"\n% /ByteRange [0 1 2 3] /Contents <00> /DocMDP\n");
        assert!(pdf.windows(10).any(|w| w == b"/ByteRange"));
        assert_eq!(signature_state(&pdf).expect("readable"), (false, false));
    }

    #[test]
    fn initials_are_ascii() {
        assert_eq!(initials("Ủy ban nhân dân phường Sông Cầu"), "UBNDPSC");
    }

    #[test]
    fn decree_30_allows_each_form_only_from_its_source() {
        let f = |signed, digitized, copy_form| SourceFacts {
            signed,
            digitized,
            copy_form,
        };
        use CopyKind::*;
        // Sao y: from paper only, never from a copy.
        assert_eq!(check_copy_rules(SaoY, &f(false, true, None)), Ok(()));
        assert_eq!(check_copy_rules(SaoY, &f(true, true, None)), Ok(()));
        assert_eq!(
            check_copy_rules(SaoY, &f(true, false, None)),
            Err(CopyRefusal::SaoYFromElectronic)
        );
        assert_eq!(
            check_copy_rules(SaoY, &f(true, true, Some(CopyForm::SaoY))),
            Err(CopyRefusal::SaoYOfACopy)
        );
        // Sao lục: from a sao y only.
        assert_eq!(
            check_copy_rules(SaoLuc, &f(true, false, Some(CopyForm::SaoY))),
            Ok(())
        );
        for other in [None, Some(CopyForm::SaoLuc), Some(CopyForm::TrichSao)] {
            assert_eq!(
                check_copy_rules(SaoLuc, &f(true, true, other)),
                Err(CopyRefusal::SaoLucNotFromSaoY)
            );
        }
        // Trích sao: a signed or digitized source (Art. 32.2).
        assert_eq!(check_copy_rules(TrichSao, &f(true, false, None)), Ok(()));
        assert_eq!(check_copy_rules(TrichSao, &f(false, true, None)), Ok(()));
        assert_eq!(
            check_copy_rules(TrichSao, &f(false, false, None)),
            Err(CopyRefusal::UnsignedOriginal)
        );
        // Every refusal names its article, Vietnamese first.
        for r in [
            CopyRefusal::SaoYFromElectronic,
            CopyRefusal::SaoYOfACopy,
            CopyRefusal::SaoLucNotFromSaoY,
            CopyRefusal::UnsignedOriginal,
        ] {
            let m = r.to_string();
            assert!(m.starts_with("Điều "), "{m}");
            assert!(
                m.contains("Nghị định 30/2020/NĐ-CP") && m.contains("Article"),
                "{m}"
            );
        }
    }
}

/// One copy of a batch that was not made (no file, no number used).
#[derive(Debug, Clone, Serialize)]
pub struct CopyFailure {
    /// The original.
    pub input: PathBuf,
    /// Its name.
    pub name: String,
    /// Why, Vietnamese first.
    pub message: String,
    /// The Decree 30 rule that refused it, when one did: a shell words it with its own controls
    /// (the message names the command line's flags).
    pub refusal: Option<CopyRefusal>,
}

/// A batch of copies.
#[derive(Debug, Clone, Serialize, Default)]
pub struct CopiedBatch {
    /// Copies made, in order.
    pub made: Vec<CopyOutcome>,
    /// Originals not copied.
    pub failed: Vec<CopyFailure>,
    /// Originals not started because the person cancelled.
    pub not_started: usize,
}

/// Makes one certified copy in the configured register.
pub fn copy(
    config: &crate::config::Config,
    signer: &dyn Signer,
    input: &Path,
    out: &Path,
    req: &CopyRequest,
) -> Result<CopyOutcome, crate::OfficeError> {
    let mut reg = crate::register::open_register(config)?;
    Ok(make_copy(input, out, req, signer, &mut reg)?)
}

/// Makes a certified copy of each `(original, copy)` pair, one progress event per file; a
/// failure is listed and the rest go on; a cancel stops before the next file.
pub fn copy_many(
    config: &crate::config::Config,
    signer: &dyn Signer,
    jobs: &[(PathBuf, PathBuf)],
    req: &CopyRequest,
    watch: &crate::progress::Watch,
) -> Result<CopiedBatch, crate::OfficeError> {
    let mut reg = crate::register::open_register(config)?;
    let mut batch = CopiedBatch::default();
    for (i, (input, out)) in jobs.iter().enumerate() {
        if watch.cancelled() {
            batch.not_started = jobs.len() - i;
            break;
        }
        let req = CopyRequest {
            time: SystemTime::now(),
            ..req.clone()
        };
        let r = make_copy(input, out, &req, signer, &mut reg);
        let name = crate::progress::file_name(input);
        watch.emit(crate::progress::Event::File {
            done: i + 1,
            total: jobs.len(),
            name: name.clone(),
            ok: r.is_ok(),
        });
        match r {
            Ok(o) => batch.made.push(o),
            Err(e) => batch.failed.push(CopyFailure {
                input: input.clone(),
                name,
                message: e.to_string(),
                refusal: match e {
                    CopyError::NotAllowed(r) => Some(r),
                    _ => None,
                },
            }),
        }
    }
    Ok(batch)
}
