//! `hoso build`: page images and PDFs → one PDF/A dossier.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::ArgMatches;
use hoso_office::archive::{
    build_archival, preflight, ArchivalBuilt, ArchiveOptions, OrgSignature,
};
use hoso_office::build::{
    AccessRegime, BuildRequest, DocumentMetadata, DocumentSpec, DossierMetadata, DossierSpec,
    MetadataError, Retention,
};
use hoso_office::Watch;
use serde::Deserialize;

use super::signer_args::SignerArgs;
use crate::ui;

/// Dựng hồ sơ PDF/A / build a PDF/A dossier.
///
/// Files before the first --doc form document 1; each --doc NAME starts a new document with the
/// files that follow it, e.g.
/// `hoso build --out hs.pdf --code 000.00.15.H12-261129-0001 --title "Khai sinh" --doc "Tờ khai" a.jpg b.jpg --doc "Giấy chứng sinh" c.tif`
#[derive(clap::Args)]
pub struct Args {
    /// Tệp PDF đầu ra / output PDF file.
    #[arg(long, short)]
    out: PathBuf,
    /// Mã hồ sơ (Thông tư 01/2018/TT-VPCP) / dossier code, e.g. 000.00.15.H12-261129-0001.
    #[arg(long)]
    code: String,
    /// Tiêu đề hồ sơ / dossier title.
    #[arg(long)]
    title: String,
    /// Bắt đầu một tài liệu mới tên NAME / start a new document named NAME.
    #[arg(long = "doc", value_name = "NAME")]
    docs: Vec<String>,
    /// Ảnh (JPEG, PNG, TIFF) hoặc PDF / images (JPEG, PNG, TIFF) or PDFs, in page order.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Không nhúng manifest (giữ PDF/A-2b) / do not embed the manifest (stay PDF/A-2b).
    #[arg(long)]
    no_manifest: bool,
    /// Siêu dữ liệu Thông tư 05/2025 (JSON: {"dossier": {...}, "documents": [{...}]}) / metadata file.
    #[arg(long, value_name = "FILE.json")]
    metadata: Option<PathBuf>,
    /// Thời hạn bảo quản / retention ("vĩnh viễn" or years).
    #[arg(long)]
    retention: Option<String>,
    /// Từ khóa, cách nhau bởi dấu phẩy / keywords, comma-separated.
    #[arg(long)]
    keywords: Option<String>,
    /// Hạn chế sử dụng / restricted access.
    #[arg(long)]
    restricted: bool,
    /// Làm sạch ảnh JPEG/PNG trước: chỉnh nghiêng, cắt viền, xoay, bỏ trang trắng / clean JPEG and
    /// PNG pages first: deskew, crop, turn upright, drop blank pages.
    #[arg(long)]
    clean: bool,
    /// Giữ trang trắng khi làm sạch / keep blank pages when cleaning.
    #[arg(long, requires = "clean")]
    keep_blank: bool,
    /// Xoay các trang của một tệp theo chiều kim đồng hồ (90, 180, 270), có thể lặp lại /
    /// turn one input's pages clockwise, repeatable: `--rotate to_khai.jpg:90`.
    #[arg(long, value_name = "FILE:DEG", value_parser = parse_rotation)]
    rotate: Vec<(PathBuf, u16)>,
    /// Thêm lớp chữ OCR ẩn (PDF/A hai lớp) / add an invisible OCR text layer (two-layer PDF/A).
    #[arg(long)]
    ocr: bool,
    /// Trang PDF không thể đạt PDF/A (phông không nhúng, mã hóa…) được chuyển thành ảnh 300 dpi,
    /// ghi trong manifest / a PDF page that cannot be made PDF/A (font not embedded,
    /// encryption…) becomes a 300 dpi image, listed in the manifest.
    #[arg(long)]
    rasterize_nonconforming: bool,
    /// Ngôn ngữ OCR của Tesseract / Tesseract OCR languages.
    #[arg(long, default_value = "vie+eng", requires = "ocr")]
    lang: String,
    /// Sổ đăng ký / register file [env: HOSO_REGISTER].
    #[arg(long, value_name = "PATH")]
    register: Option<PathBuf>,
    /// Tên trạm ghi vào sổ / station name in the register [env: HOSO_STATION].
    #[arg(long)]
    station: Option<String>,
    /// Ký số của cơ quan lên tệp số hóa (Thông tư 05/2025/TT-BNV): tên cơ quan và thời gian ở
    /// góc trên bên phải trang 1, không hình ảnh, cỡ 10 / sign the digitized file with the
    /// organisation's key: its name and the ISO 8601 time at the top right of page 1, no image,
    /// 10 pt.
    #[arg(long)]
    org_sign: bool,
    /// Tên cơ quan in trên chữ ký (mặc định theo cài đặt) / the organisation's name as printed
    /// (default: settings).
    #[arg(long, requires = "org_sign")]
    org: Option<String>,
    #[command(flatten)]
    key: SignerArgs,
    /// Ghi thêm mỗi tài liệu một tệp <mã hồ sơ>.<số thứ tự>.pdf cạnh tệp hồ sơ / also write one
    /// file per document, <dossier code>.<n>.pdf, beside the dossier.
    #[arg(long)]
    split: bool,
    /// In báo cáo dạng JSON / print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct MetadataFile {
    dossier: DossierMetadata,
    documents: Vec<DocumentMetadata>,
}

/// Groups the positional files under the `--doc` that precedes them on the command line.
fn group_documents(args: &Args, matches: &ArgMatches) -> Vec<(String, Vec<PathBuf>)> {
    let doc_idx: Vec<usize> = matches
        .indices_of("docs")
        .map(|i| i.collect())
        .unwrap_or_default();
    let file_idx: Vec<usize> = matches
        .indices_of("files")
        .map(|i| i.collect())
        .unwrap_or_default();
    let mut groups: Vec<(String, Vec<PathBuf>)> = Vec::new();
    let mut leading = Vec::new();
    for (file, idx) in args.files.iter().zip(file_idx) {
        match doc_idx.iter().rposition(|d| *d < idx) {
            Some(d) => {
                while groups.len() <= d {
                    groups.push((args.docs[groups.len()].clone(), Vec::new()));
                }
                groups[d].1.push(file.clone());
            }
            None => leading.push(file.clone()),
        }
    }
    while groups.len() < args.docs.len() {
        groups.push((args.docs[groups.len()].clone(), Vec::new()));
    }
    if !leading.is_empty() {
        let name = if groups.is_empty() {
            args.title.clone()
        } else {
            "Tài liệu 1".to_owned()
        };
        groups.insert(0, (name, leading));
    }
    groups
}

/// The dossier the flags describe.
fn spec(args: &Args, matches: &ArgMatches) -> anyhow::Result<DossierSpec> {
    let code = args.code.parse()?;
    let mut meta = match &args.metadata {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("không đọc được / cannot read {}", p.display()))?;
            serde_json::from_str::<MetadataFile>(&text)
                .map_err(|e| MetadataError::Json(format!("{}: {e}", p.display())))?
        }
        None => MetadataFile::default(),
    };
    if let Some(r) = &args.retention {
        meta.dossier.retention = Some(r.parse::<Retention>()?);
    }
    if let Some(k) = &args.keywords {
        meta.dossier.keywords = k
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
    }
    if args.restricted {
        meta.dossier.access = AccessRegime::Restricted;
    }
    let documents = group_documents(args, matches)
        .into_iter()
        .enumerate()
        .map(|(i, (name, files))| DocumentSpec {
            name,
            files,
            metadata: meta.documents.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    Ok(DossierSpec {
        code,
        title: args.title.clone(),
        metadata: meta.dossier,
        documents,
    })
}

fn request(args: &Args, spec: DossierSpec) -> BuildRequest {
    let mut req = BuildRequest::new(spec);
    req.out = Some(args.out.clone());
    req.embed_manifest = !args.no_manifest;
    req.clean = args.clean;
    req.keep_blank = args.keep_blank;
    req.ocr = args.ocr.then(|| args.lang.clone());
    req.rotate = args.rotate.iter().cloned().collect();
    req.rasterize_nonconforming = args.rasterize_nonconforming;
    req
}

/// `--org-sign`: the organisation from `--org`, else the settings' office.
fn org_signature(
    args: &Args,
    config: &hoso_office::Config,
) -> anyhow::Result<Option<OrgSignature>> {
    if !args.org_sign {
        return Ok(None);
    }
    let org = args
        .org
        .clone()
        .unwrap_or_else(|| config.settings.office.clone());
    if org.trim().is_empty() {
        anyhow::bail!("cần --org (hoặc `hoso config set office …`) / --org is needed");
    }
    Ok(Some(OrgSignature {
        org: org.trim().to_owned(),
        time: std::time::SystemTime::now(),
    }))
}

pub fn run(args: Args, matches: &ArgMatches) -> anyhow::Result<ExitCode> {
    let config = super::config::resolve(args.register.clone(), args.station.clone())?;
    let spec = spec(&args, matches)?;
    // Circular 05/2025/TT-BNV: the clerk sees resolution and colour problems before building.
    let warnings: Vec<String> = preflight(&spec)?.iter().map(ToString::to_string).collect();
    for w in &warnings {
        eprintln!("Cảnh báo / warning: {w}");
    }
    let options = ArchiveOptions {
        org_sign: org_signature(&args, &config)?,
        split: args.split,
    };
    let signer = match options.org_sign {
        Some(_) => Some(super::signer_args::open(&args.key, &config)?),
        None => None,
    };
    let bar = ui::Progress::new("Dựng hồ sơ / building");
    let show = |e| bar.on_event(&e);
    let watch = Watch::new(&show, ui::ctrl_c());
    let req = request(&args, spec);
    let built = build_archival(
        &config,
        req,
        &options,
        signer
            .as_ref()
            .map(|s| s.as_ref() as &dyn hoso_office::keys::Signer),
        &watch,
    );
    bar.finish();
    print(&built?, &warnings, args.json)
}

fn print(a: &ArchivalBuilt, preflight: &[String], json: bool) -> anyhow::Result<ExitCode> {
    let b = &a.built;
    if json {
        let mut v = serde_json::to_value(a)?;
        // Older scripts read these names.
        v["pdfa"] = b.pdfa.to_uppercase().into();
        v["preflight"] = preflight.into();
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("Đã tạo hồ sơ / dossier written: {}", b.output.display());
    println!(
        "  {} · {} trang/pages · {} tài liệu/documents · {} byte",
        b.pdfa, b.pages, b.documents, b.bytes
    );
    println!("  PDF/A: {}", b.pdfa_check.line);
    ui::print_registered(&b.sha256, &b.registered, &b.warnings);
    if let Some(o) = &a.org_signed {
        println!(
            "  Cơ quan đã ký / signed by the organisation: {} (mục sổ / entry {})",
            o.signing_time, o.registered.seq
        );
    }
    for f in &a.split {
        println!(
            "  Tài liệu / document {}: {} (mục sổ / entry {})",
            f.number,
            f.output.display(),
            f.registered.seq
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `FILE:DEG` with DEG one of 90, 180, 270 (the last `:` splits, so paths may hold colons).
fn parse_rotation(s: &str) -> Result<(PathBuf, u16), String> {
    let (file, deg) = s
        .rsplit_once(':')
        .ok_or_else(|| format!("cần dạng TỆP:ĐỘ / expected FILE:DEG, got {s:?}"))?;
    match deg.trim().parse::<u16>() {
        Ok(d @ (90 | 180 | 270)) => Ok((PathBuf::from(file), d)),
        _ => Err(format!(
            "góc xoay phải là 90, 180 hoặc 270 / the angle must be 90, 180 or 270, got {deg:?}"
        )),
    }
}
