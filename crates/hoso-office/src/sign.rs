//! Signing one or many PDFs and entering every signed file in the register. The signed entry
//! takes the dossier code and title of the input's own register entry (the dossier hoso built),
//! else the input's file name as title, so the CLI and the app write the same entries.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use hoso_register::{EntryKind, NewEntry, Register};
use hoso_sign::batch::{sign_batch, BatchResult};

pub use hoso_sign::batch::BatchJob;
pub use hoso_sign::sign::DocMdpPermission;
use hoso_sign::sign::{sign_pdf, SignError, SignOptions, SignedDocument, SignerRevocation};
use hoso_sign::signer::Signer;
use hoso_sign::tsp::{TsaClient, TsaError};
use hoso_stamp::visible;
pub use hoso_stamp::visible::{Placement, VisibleKind};
use serde::Serialize;

use crate::config::{trust_store, Config, SignLevel};
use crate::error::OfficeError;
use crate::keys::signer_fingerprint;
use crate::progress::{file_name, Event, Watch};
use crate::register::{open_register, InputRecord, Registered};

/// Files are signed (in parallel) and registered (in one transaction) in groups of this many;
/// cancel takes effect between groups, and a crash loses at most one group's registrations.
const CHUNK: usize = 64;

/// Vietnamese first, English second, for the signing errors people can act on.
pub fn explain(e: &SignError) -> String {
    if let SignError::Ltv(l) = e {
        return format!(
            "Đã ký mức B-T nhưng không bổ sung được dữ liệu kiểm tra dài hạn (chạy lại `hoso \
             extend`) / signed at B-T, but the long-term validation data could not be added \
             (run `hoso extend` again): {l}"
        );
    }
    let vi = match e {
        SignError::Signer(s) => &crate::keys::explain(s),
        SignError::Algorithm(v) => &v.vietnamese(),
        SignError::CertificateExpired { .. } => "Chứng thư ký đã hết hạn",
        SignError::CertificateNotYetValid { .. } => "Chứng thư ký chưa có hiệu lực",
        SignError::KeyUsageForbidsSigning => "Mục đích sử dụng khóa không cho phép ký",
        SignError::Tsa(TsaError::Unreachable { .. }) => "Không kết nối được máy chủ dấu thời gian",
        SignError::Tsa(_) => "Dấu thời gian không hợp lệ",
        SignError::Encrypted => "Tệp PDF được mã hóa",
        SignError::FieldExists { .. } => "Trường chữ ký đã tồn tại",
        SignError::DocMdpForbids => "Tài liệu đã chứng nhận không cho phép thay đổi",
        SignError::CertifyNotFirst => "Chữ ký chứng nhận phải là chữ ký đầu tiên",
        SignError::PlaceholderTooSmall { .. } => "Chữ ký vượt quá chỗ dành sẵn",
        SignError::Pdf(_) => "Không đọc được tệp PDF",
        SignError::Io { .. } => "Lỗi đọc/ghi tệp",
        _ => "Ký thất bại",
    };
    format!("{vi}; không tạo tệp đầu ra / {e}; no output written")
}

/// The TSA a command uses: `url` (else the settings' TSA), its certificate checked against
/// `trust` (else the settings' roots), plus the DEMO root when `demo` or the settings say so.
pub fn tsa_client(
    config: &Config,
    url: Option<&str>,
    trust: &[PathBuf],
    demo: bool,
) -> Result<Option<TsaClient>, OfficeError> {
    let s = &config.settings;
    let Some(url) = url
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .or_else(|| s.tsa())
    else {
        return Ok(None);
    };
    let store = if trust.is_empty() {
        trust_store(&s.trust, demo || s.demo_trust)?
    } else {
        trust_store(trust, demo)?
    };
    if store.roots().is_empty() {
        return Err(OfficeError::NoTsaTrust);
    }
    Ok(Some(TsaClient::new(url, store)))
}

/// How to sign: the level, the TSA it needs, and the signature dictionary's fields.
pub struct SignPlan {
    /// PAdES level.
    pub level: SignLevel,
    /// The TSA (required above B-B).
    pub tsa: Option<TsaClient>,
    /// Everything else hoso-sign takes (its `level` and `appearance` are set by the flow).
    pub options: SignOptions,
    /// A visible signature drawn on each file (Decree 30/2020 Appendix I).
    pub visible: Option<(VisibleKind, Placement)>,
}

impl SignPlan {
    /// A plan at `level` (else the settings' level), checked to have a TSA when it needs one.
    pub fn new(
        config: &Config,
        level: Option<SignLevel>,
        tsa: Option<TsaClient>,
    ) -> Result<Self, OfficeError> {
        let level = level.unwrap_or_else(|| {
            if tsa.is_some() && config.settings.level.is_none() {
                SignLevel::BT
            } else {
                config.settings.sign_level()
            }
        });
        if level.needs_tsa() && tsa.is_none() {
            return Err(OfficeError::NoTsa {
                level: level.name(),
            });
        }
        Ok(Self {
            level,
            tsa,
            options: SignOptions::default(),
            visible: None,
        })
    }

    fn base_options(&self, time: SystemTime) -> SignOptions {
        let mut opts = self.options.clone();
        opts.level = self.level.level();
        opts.signing_time = time;
        opts
    }

    fn options_for(
        &self,
        input: &Path,
        time: SystemTime,
    ) -> Result<(SignOptions, bool), OfficeError> {
        let mut opts = self.base_options(time);
        let mut placed = true;
        if let Some((kind, placement)) = &self.visible {
            let pdf = std::fs::read(input).map_err(|source| OfficeError::Read {
                path: input.to_path_buf(),
                source,
            })?;
            let plan = visible::plan(&pdf, kind, *placement, time)?;
            placed = plan.placed_from_text;
            opts.appearance = Some(plan.signature);
        }
        Ok((opts, placed))
    }
}

/// The jobs of a batch: every PDF in `inputs` (files, or folders of PDFs) and its output in
/// `out_dir` (created here).
pub fn plan_batch(inputs: &[PathBuf], out_dir: &Path) -> Result<Vec<BatchJob>, OfficeError> {
    let jobs = hoso_sign::batch::plan(inputs, out_dir)?;
    std::fs::create_dir_all(out_dir).map_err(|source| OfficeError::Folder {
        path: out_dir.to_path_buf(),
        source,
    })?;
    Ok(jobs)
}

/// The default number of signing threads: twice the cores, since each file also waits on
/// fsync and on its turn at the token, and a second worker per core fills those waits
/// (measured on 2 cores, 200 one-page files: 0.33–0.51 s with 4 workers against 0.54–0.99 s
/// with 2).
pub fn default_threads() -> usize {
    2 * std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// One signed and registered file.
#[derive(Debug, Clone, Serialize)]
pub struct SignedFile {
    /// The input.
    pub input: PathBuf,
    /// The signed PDF.
    pub path: PathBuf,
    /// The signature field.
    pub field_name: String,
    /// `B-B` … `B-LTA`.
    pub level: String,
    /// CMS size and the space reserved for it.
    pub cms_len: usize,
    /// The `/Contents` capacity.
    pub capacity: usize,
    /// The visible signature was placed at the signer block found in the text.
    pub placed_from_text: bool,
    /// What the check of the signer's own certificate found before signing (Circular
    /// 15/2025/TT-BKHCN: OCSP, then CRL); see [`SignedFile::revocation_warning`].
    pub signer_revocation: SignerRevocation,
    /// Its register entry.
    pub registered: Registered,
    /// The PDF/A check of the signed file.
    pub pdfa: crate::pdfa::PdfaOutcome,
}

impl SignedFile {
    /// The warning a person must see when the signer's certificate could not be checked for
    /// revocation (responder unreachable): the file is signed, but nobody knows whether the
    /// certificate was revoked. Vietnamese first, English second.
    pub fn revocation_warning(&self) -> Option<String> {
        revocation_warning(&self.signer_revocation)
    }
}

/// The warning for a signer revocation status that could not be had, else `None`.
pub fn revocation_warning(status: &SignerRevocation) -> Option<String> {
    match status {
        SignerRevocation::Unavailable { reason } => Some(format!(
            "Cảnh báo: chưa kiểm tra được tình trạng thu hồi của chứng thư người ký ({reason}); \
             tệp vẫn được ký / warning: the revocation status of the signer's certificate could \
             not be checked ({reason}); the file was signed anyway"
        )),
        _ => None,
    }
}

/// One file that could not be signed: its original is untouched and no output exists.
#[derive(Debug, Clone, Serialize)]
pub struct SignFailure {
    /// The input.
    pub input: PathBuf,
    /// Its name.
    pub name: String,
    /// Why, Vietnamese first.
    pub message: String,
}

/// A batch's outcome.
#[derive(Debug, Clone, Serialize, Default)]
pub struct SignedBatch {
    /// Signed files, in order.
    pub signed: Vec<SignedFile>,
    /// Failures, in order.
    pub failed: Vec<SignFailure>,
    /// Files not started because the person cancelled.
    pub not_started: usize,
    /// Signed files whose register append failed (files exist, entries do not).
    pub register_error: Option<String>,
}

/// The register entry of `done`, a signed copy of `input`: code and title from the input's
/// oldest entry ([`InputRecord`]), the signer's fingerprint, the output's hash (both hashes come
/// from the signing pass, so neither file is read again).
fn signed_entry(
    reg: &Register,
    input: &Path,
    done: &SignedDocument,
    fingerprint: &str,
) -> Result<NewEntry, OfficeError> {
    let mut e =
        InputRecord::with_hash(reg, input, done.input_sha256)?.derived_entry(EntryKind::Signed);
    e.signer_fingerprint = Some(fingerprint.to_owned());
    e.sha256 = done.sha256;
    Ok(e)
}

/// Signs `input` into `out` and registers the signed file.
pub fn sign_one(
    config: &Config,
    signer: &dyn Signer,
    plan: &SignPlan,
    input: &Path,
    out: &Path,
) -> Result<SignedFile, OfficeError> {
    let fingerprint = signer_fingerprint(signer)?;
    let mut reg = open_register(config)?;
    let (opts, placed) = plan.options_for(input, SystemTime::now())?;
    let done = sign_pdf(input, out, &opts, signer, plan.tsa.as_ref())?;
    let entry = signed_entry(&reg, input, &done, &fingerprint)?;
    let registered = crate::register::register_hashed(&mut reg, entry).map_err(|e| {
        OfficeError::NotRegistered {
            path: done.path.clone(),
            source: Box::new(e),
        }
    })?;
    Ok(SignedFile {
        pdfa: crate::pdfa::after_step(&done.path),
        input: input.to_path_buf(),
        path: done.path,
        field_name: done.field_name,
        level: plan.level.name().into(),
        cms_len: done.cms_len,
        capacity: done.capacity,
        placed_from_text: placed,
        signer_revocation: done.signer_revocation,
        registered,
    })
}

/// Signs every job, `threads` at a time (sequentially when each file gets its own visible
/// signature), registering each group of signed files in one transaction. One failure is
/// listed and the rest go on; a cancel stops before the next group (or file).
pub fn sign_many(
    config: &Config,
    signer: &(dyn Signer + Sync),
    plan: &SignPlan,
    jobs: &[BatchJob],
    threads: usize,
    watch: &Watch,
) -> Result<SignedBatch, OfficeError> {
    let fingerprint = signer_fingerprint(signer)?;
    let mut reg = open_register(config)?;
    let total = jobs.len();
    let mut out = SignedBatch::default();
    let chunk = if plan.visible.is_some() { 1 } else { CHUNK };
    let mut done_count = 0;
    for group in jobs.chunks(chunk) {
        if watch.cancelled() {
            out.not_started = total - done_count;
            break;
        }
        let results = sign_group(plan, signer, group, threads, &mut |i, ok| {
            done_count += 1;
            watch.emit(Event::File {
                done: done_count,
                total,
                name: file_name(&group[i].input),
                ok,
            });
        });
        let mut pending = Vec::new();
        for (job, (result, placed)) in group.iter().zip(results) {
            match result {
                Ok(signed) => {
                    // The file is signed: a failed lookup of its input costs only the
                    // inherited code and title, never the entry.
                    let entry = signed_entry(&reg, &job.input, &signed.document, &fingerprint)
                        .unwrap_or_else(|_| {
                            let mut e = NewEntry::new(EntryKind::Signed, signed.sha256);
                            e.signer_fingerprint = Some(fingerprint.clone());
                            e
                        });
                    pending.push((job, entry, signed, placed));
                }
                Err(message) => out.failed.push(SignFailure {
                    input: job.input.clone(),
                    name: file_name(&job.input),
                    message,
                }),
            }
        }
        if pending.is_empty() || out.register_error.is_some() {
            continue;
        }
        let appended = reg.append_batch(pending.iter().map(|p| p.1.clone()).collect());
        match appended {
            Ok(a) => {
                for ((job, _, signed, placed), e) in pending.into_iter().zip(a.entries) {
                    out.signed.push(SignedFile {
                        pdfa: crate::pdfa::after_step(&signed.document.path),
                        input: job.input.clone(),
                        path: signed.document.path,
                        field_name: signed.document.field_name,
                        level: plan.level.name().into(),
                        cms_len: signed.document.cms_len,
                        capacity: signed.document.capacity,
                        placed_from_text: placed,
                        signer_revocation: signed.document.signer_revocation,
                        registered: Registered {
                            sha256: crate::hex(&e.sha256),
                            seq: e.seq,
                            qr: hoso_register::QrPayload::new(reg.origin(), e.seq, &e.sha256)
                                .to_string(),
                        },
                    });
                }
            }
            Err(e) => out.register_error = Some(e.to_string()),
        }
    }
    Ok(out)
}

type GroupResult = (Result<hoso_sign::batch::BatchSigned, String>, bool);

/// One group: in parallel with one set of options, or one file with its own appearance.
fn sign_group(
    plan: &SignPlan,
    signer: &(dyn Signer + Sync),
    group: &[BatchJob],
    threads: usize,
    on_done: &mut dyn FnMut(usize, bool),
) -> Vec<GroupResult> {
    if plan.visible.is_none() {
        let opts = plan.base_options(SystemTime::now());
        let results: Vec<BatchResult> =
            sign_batch(group, &opts, signer, plan.tsa.as_ref(), threads, |i, r| {
                on_done(i, r.is_ok())
            });
        return results
            .into_iter()
            .map(|r| (r.map_err(|e| explain(&e)), true))
            .collect();
    }
    group
        .iter()
        .enumerate()
        .map(|(i, job)| {
            let r = one_with_appearance(plan, signer, job);
            on_done(i, r.0.is_ok());
            r
        })
        .collect()
}

fn one_with_appearance(plan: &SignPlan, signer: &dyn Signer, job: &BatchJob) -> GroupResult {
    let (opts, placed) = match plan.options_for(&job.input, SystemTime::now()) {
        Ok(o) => o,
        Err(e) => return (Err(e.to_string()), false),
    };
    let r = sign_pdf(&job.input, &job.output, &opts, signer, plan.tsa.as_ref())
        .map_err(|e| explain(&e))
        .map(|d| hoso_sign::batch::BatchSigned {
            sha256: d.sha256,
            document: d,
        });
    (r, placed)
}
