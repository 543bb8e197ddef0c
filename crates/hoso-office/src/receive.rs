//! Digitization at receipt (Circular 01/2023/TT-VPCP, `REGULATIONS.md` §4), for `hoso receive`
//! and the app's Tiếp nhận screen: for each component of a dossier received at the one-stop
//! desk, either the reason it is not digitized (held in a national database, an uncertified
//! photocopy, a paper only shown, a classified paper), or
//!
//! 1. its pages built into a PDF/A (cleanup and OCR as `hoso build` does them);
//! 2. a QR code (ISO/IEC 18004) with the dossier code, the procedure code, the applicant's
//!    identifier and the document's name written into the content of page 1, top left;
//! 3. the digitizer's **personal** signature, whose appearance beside the QR code is their name,
//!    the signing time and the digitization result code (hoso-stamp's `receipt` module);
//! 4. the signed file registered with its result code.
//!
//! **Result code** (the Circular's "mã kết quả số hóa"): `<dossier code>.SH<nn>`, `nn` the
//! component's two-digit number in the dossier, e.g. `000.00.15.H12-261207-0001.SH02`. The text
//! of the Circular was not at hand when this was written; this form is hoso's choice: unique per
//! component and dossier, readable, and it starts with the dossier code so a search by dossier
//! code finds it. The file is `<dossier code>.<n>.pdf` (Circular 05/2025/TT-BNV file names).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use hoso_dossier::{
    BuildOptions, DocumentMetadata, DocumentSpec, DossierCode, DossierSpec, OcrOptions,
};
use hoso_register::{EntryKind, NewEntry, Register, Role};
use hoso_sign::appearance::VisibleSignature;
use hoso_sign::sign::{sign_pdf, SignOptions};
use hoso_sign::signer::Signer;
use hoso_stamp::locate::PdfPages;
use hoso_stamp::receipt::{beside_qr, receipt_block, receipt_qr, ReceiptQr};
use hoso_stamp::visible::widget;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::error::OfficeError;
use crate::progress::Watch;
use crate::register::{open_register, register_output, Registered};

/// Why a component is not digitized (Circular 01/2023/TT-VPCP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Its data is already shared from a national or specialised database.
    NationalDatabase,
    /// A photocopy without certification.
    UncertifiedPhotocopy,
    /// A paper the applicant only shows for comparison.
    ShownOnly,
    /// A paper holding state secrets.
    Classified,
}

impl SkipReason {
    /// Vietnamese first, English second.
    pub fn label(self) -> &'static str {
        match self {
            Self::NationalDatabase => {
                "đã có trong cơ sở dữ liệu quốc gia, chuyên ngành / already in a national database"
            }
            Self::UncertifiedPhotocopy => "bản chụp không có chứng thực / an uncertified photocopy",
            Self::ShownOnly => "giấy tờ chỉ xuất trình để đối chiếu / a paper only shown",
            Self::Classified => "tài liệu mật / a classified paper",
        }
    }
}

/// One component of the received dossier.
#[derive(Debug, Clone)]
pub struct ReceiptComponent {
    /// Its name ("Tờ khai đăng ký khai sinh").
    pub name: String,
    /// Its page files, in order (none when it is not digitized).
    pub files: Vec<PathBuf>,
    /// Not digitized, and why.
    pub skip: Option<SkipReason>,
}

/// The dossier received at the desk.
#[derive(Debug, Clone)]
pub struct ReceiveRequest {
    /// Dossier code (Circular 01/2018/TT-VPCP).
    pub code: DossierCode,
    /// The administrative procedure's code (national procedure database).
    pub procedure_code: String,
    /// The applicant's identifier (personal identification number, tax code).
    pub applicant_id: String,
    /// The person digitizing, as printed.
    pub digitizer: String,
    /// The components, in order.
    pub components: Vec<ReceiptComponent>,
    /// Where the files go.
    pub out_dir: PathBuf,
    /// Clean JPEG and PNG pages first.
    pub clean: bool,
    /// OCR languages (`vie+eng`), or none.
    pub ocr: Option<String>,
    /// The signing time printed and written as `/M`.
    pub time: SystemTime,
}

/// One component after receipt.
#[derive(Debug, Clone, Serialize)]
pub struct ReceivedComponent {
    /// Its number in the dossier (1-based).
    pub number: usize,
    /// Its name.
    pub name: String,
    /// Not digitized, and why.
    pub skipped: Option<SkipReason>,
    /// The reason in words, when skipped.
    pub skipped_reason: Option<String>,
    /// The digitization result code.
    pub result_code: Option<String>,
    /// The signed file.
    pub output: Option<PathBuf>,
    /// The QR payload printed.
    pub qr: Option<String>,
    /// Its register entry.
    pub registered: Option<Registered>,
}

/// The whole receipt.
#[derive(Debug, Clone, Serialize)]
pub struct Receipt {
    /// Dossier code.
    pub code: String,
    /// Procedure code.
    pub procedure_code: String,
    /// The digitizer.
    pub digitizer: String,
    /// Signing time, ISO 8601 with +07:00.
    pub signing_time: String,
    /// Every component, in order.
    pub components: Vec<ReceivedComponent>,
}

/// The digitization result code of component `number` of dossier `code`: `<code>.SH<nn>`.
pub fn result_code(code: &DossierCode, number: usize) -> String {
    format!("{}.SH{number:02}", code.as_str())
}

/// The register entry of a digitized component: role [`Role::Digitized`] with the procedure
/// code and the day of receipt (what `hoso report` counts), the result code in the title and in
/// `result_code`, and the receipt's own fields (`entry_kind: receipt`, applicant, component,
/// digitizer) in the extra fields.
pub fn receipt_entry(req: &ReceiveRequest, name: &str, number: usize, code: &str) -> NewEntry {
    let time = hoso_stamp::decree::iso8601_vietnam(req.time);
    let mut e = NewEntry::new(EntryKind::Other, [0; 32])
        .with_role(Role::Digitized)
        .with_dossier_code(req.code.as_str())
        .with_procedure_code(req.procedure_code.as_str())
        .with_received_on(time.get(..10).unwrap_or_default());
    e.title = Some(format!("{code} — {name}"));
    for (k, v) in [
        ("entry_kind", "receipt"),
        ("result_code", code),
        ("applicant_id", req.applicant_id.as_str()),
        ("component", name),
        ("digitizer", req.digitizer.as_str()),
    ] {
        e.extra.insert(k.into(), v.into());
    }
    e.extra.insert("receipt".into(), true.into());
    e.extra.insert("component_number".into(), number.into());
    e
}

/// Builds component `comp`'s pages into `out` (PDF/A, cleanup and OCR as asked).
fn build_component(
    req: &ReceiveRequest,
    comp: &ReceiptComponent,
    out: &Path,
    watch: &Watch,
) -> Result<(), OfficeError> {
    let spec = DossierSpec {
        code: req.code.clone(),
        title: comp.name.clone(),
        metadata: Default::default(),
        documents: vec![DocumentSpec {
            name: comp.name.clone(),
            files: comp.files.clone(),
            metadata: DocumentMetadata::default(),
        }],
    };
    let options = BuildOptions {
        ocr: req.ocr.clone().map(|languages| OcrOptions {
            languages,
            threads: 0,
        }),
        clean: req.clean.then(hoso_scan::clean::CleanOptions::default),
        cancel: Some(watch.cancel().flag()),
        ..BuildOptions::default()
    };
    hoso_dossier::build_dossier(&spec, out, &options, &mut |e| watch.emit(e.into()))?;
    Ok(())
}

/// The QR code into page 1's content, then the digitizer's signature beside it: `built` →
/// `out`, through a sibling file removed on every path.
fn mark_and_sign(
    built: &Path,
    out: &Path,
    qr: &ReceiptQr,
    block: &hoso_stamp::TextBlock,
    time: SystemTime,
    signer: &dyn Signer,
) -> Result<(), OfficeError> {
    let bytes = std::fs::read(built).map_err(|source| OfficeError::Read {
        path: built.to_path_buf(),
        source,
    })?;
    let page1 = PdfPages::parse(&bytes)?.page(0)?.media_box;
    drop(bytes);
    let (qr_ap, qr_rect) = receipt_qr(qr, page1)?;
    let marked = crate::archive::partial(out, "mark");
    let signed = (|| -> Result<(), OfficeError> {
        hoso_stamp::page_mark::draw_into_page(built, &marked, 0, &qr_ap, qr_rect)?;
        let (ap, rect) = beside_qr(block, qr_rect);
        let opts = SignOptions {
            field_name: Some("SoHoa1".into()),
            reason: Some("Số hóa khi tiếp nhận (Thông tư 01/2023/TT-VPCP)".into()),
            signing_time: time,
            appearance: Some(VisibleSignature {
                widgets: vec![widget(0, &ap, rect)?],
            }),
            ..SignOptions::default()
        };
        sign_pdf(&marked, out, &opts, signer, None)?;
        Ok(())
    })();
    let _ = std::fs::remove_file(&marked);
    signed
}

/// Digitizes, marks, signs and registers component `number` (1-based).
fn digitize(
    req: &ReceiveRequest,
    comp: &ReceiptComponent,
    number: usize,
    signer: &dyn Signer,
    reg: &mut Register,
    watch: &Watch,
) -> Result<ReceivedComponent, OfficeError> {
    let code = result_code(&req.code, number);
    let out = req
        .out_dir
        .join(format!("{}.{number}.pdf", req.code.as_str()));
    let qr = ReceiptQr {
        ma_ho_so: req.code.as_str().to_owned(),
        ma_thu_tuc: req.procedure_code.clone(),
        ma_dinh_danh: req.applicant_id.clone(),
        ten_giay_to: comp.name.clone(),
    };
    let time = hoso_stamp::decree::iso8601_vietnam(req.time);
    let block = receipt_block(&req.digitizer, &time, &code)?;
    let built = crate::archive::partial(&out, "build");
    let made = build_component(req, comp, &built, watch)
        .and_then(|()| mark_and_sign(&built, &out, &qr, &block, req.time, signer));
    let _ = std::fs::remove_file(&built);
    made?;
    let mut entry = receipt_entry(req, &comp.name, number, &code);
    entry.signer_fingerprint = Some(crate::keys::signer_fingerprint(signer)?);
    let registered = register_output(reg, &out, entry)?;
    Ok(ReceivedComponent {
        number,
        name: comp.name.clone(),
        skipped: None,
        skipped_reason: None,
        result_code: Some(code),
        output: Some(out),
        qr: Some(qr.payload()),
        registered: Some(registered),
    })
}

/// Receives the dossier: each component digitized and signed with `signer` (the digitizer's
/// personal key) and registered, or listed with the reason it is not digitized. Stops at the
/// first failure (files already made stay, registered).
pub fn receive(
    config: &Config,
    req: &ReceiveRequest,
    signer: &dyn Signer,
    watch: &Watch,
) -> Result<Receipt, OfficeError> {
    std::fs::create_dir_all(&req.out_dir).map_err(|source| OfficeError::Folder {
        path: req.out_dir.clone(),
        source,
    })?;
    let mut reg = open_register(config)?;
    let mut components = Vec::with_capacity(req.components.len());
    for (i, comp) in req.components.iter().enumerate() {
        let done = match comp.skip {
            Some(why) => ReceivedComponent {
                number: i + 1,
                name: comp.name.clone(),
                skipped: Some(why),
                skipped_reason: Some(why.label().to_owned()),
                result_code: None,
                output: None,
                qr: None,
                registered: None,
            },
            None => digitize(req, comp, i + 1, signer, &mut reg, watch)?,
        };
        components.push(done);
    }
    Ok(Receipt {
        code: req.code.as_str().to_owned(),
        procedure_code: req.procedure_code.clone(),
        digitizer: req.digitizer.clone(),
        signing_time: hoso_stamp::decree::iso8601_vietnam(req.time),
        components,
    })
}
