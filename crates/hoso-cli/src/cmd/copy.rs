//! `hoso copy`: an electronic certified copy (sao y, sao lục, trích sao) per Decree
//! 30/2020/NĐ-CP Art. 25–27 and Appendix I part II — a thin door onto
//! [`hoso_office::copy::copy`], which reserves the copy number in the register, signs with
//! the organisation's key, records the copy with both hashes and renames it into place, or
//! leaves nothing and gives the number back.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Context, Result};
use hoso_office::copy::CopyKind;
use hoso_office::copy::{copy, CopyRequest};

use super::signer_args::SignerArgs;

/// Hình thức bản sao / copy form.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum FormArg {
    /// Sao y (SY).
    SaoY,
    /// Sao lục (SL).
    SaoLuc,
    /// Trích sao (TrS).
    TrichSao,
}

impl FormArg {
    fn kind(self) -> CopyKind {
        match self {
            Self::SaoY => CopyKind::SaoY,
            Self::SaoLuc => CopyKind::SaoLuc,
            Self::TrichSao => CopyKind::TrichSao,
        }
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// Bản gốc (PDF hồ sơ quét, hoặc PDF điện tử đã ký hay chưa) / the original PDF.
    input: PathBuf,
    /// Bản sao điện tử / the certified copy to write.
    #[arg(long)]
    out: PathBuf,
    /// Khóa PKCS#12 của cơ quan (văn thư ký) / the organisation's PKCS#12 key.
    #[arg(long, conflicts_with = "pkcs11")]
    org_p12: Option<PathBuf>,
    /// Hoặc token USB của cơ quan: thư viện PKCS#11 / or the organisation's USB token: its
    /// PKCS#11 module.
    #[arg(long, value_name = "MODULE")]
    pkcs11: Option<PathBuf>,
    /// Khe chứa token / the token's slot id.
    #[arg(long, requires = "pkcs11", conflicts_with = "token_label")]
    slot: Option<u64>,
    /// Nhãn token / the token label.
    #[arg(long, requires = "pkcs11")]
    token_label: Option<String>,
    /// Nhãn khóa trên token / the key label on the token.
    #[arg(long, requires = "pkcs11")]
    key_label: Option<String>,
    /// Tệp chứa mã PIN (dòng đầu) / file holding the PIN (first line); else asked.
    #[arg(long)]
    pin_file: Option<PathBuf>,
    /// Tên cơ quan sao, in trên bản sao / the copying organisation, as printed (default: settings).
    #[arg(long)]
    org: Option<String>,
    /// Viết tắt tên cơ quan trong số bản sao (05/SY-UBND) / abbreviation in the copy number;
    /// default: the initials of --org.
    #[arg(long)]
    org_code: Option<String>,
    /// Hình thức sao / copy form.
    #[arg(long, value_enum, default_value = "sao-y")]
    form: FormArg,
    /// Không in mã QR tra cứu / no verification QR mark.
    #[arg(long)]
    no_qr: bool,
    /// Tệp là bản quét từ văn bản giấy (Điều 25 NĐ 30/2020: sao y điện tử chỉ làm từ giấy) /
    /// the file was scanned from a paper document (Decree 30/2020 Art. 25: an electronic sao y
    /// is made from paper only).
    #[arg(long)]
    from_paper: bool,
    /// Trích sao: các trang được trích, ví dụ 2-3 hoặc 4 / trích sao: the pages to extract,
    /// e.g. 2-3 or 4 (a new document of those pages).
    #[arg(long, value_name = "FIRST-LAST", value_parser = hoso_office::copy::parse_pages)]
    pages: Option<(u32, u32)>,
    /// Sổ đăng ký / register file [env: HOSO_REGISTER].
    #[arg(long, value_name = "PATH")]
    register: Option<PathBuf>,
    /// Tên trạm ghi vào sổ / station name in the register [env: HOSO_STATION].
    #[arg(long)]
    station: Option<String>,
    /// Ký RSA kiểu PKCS#1 v1.5 thay cho RSASSA-PSS mặc định (Thông tư 15/2025/TT-BKHCN) / sign
    /// RSA with PKCS#1 v1.5 instead of the default RSASSA-PSS (Circular 15/2025/TT-BKHCN).
    #[arg(long)]
    rsa_pkcs1: bool,
    /// In kết quả dạng JSON / print the result as JSON.
    #[arg(long)]
    json: bool,
}

impl Args {
    /// The organisation's key flags, as `hoso sign` takes them.
    fn signer(&self) -> SignerArgs {
        SignerArgs {
            p12: self.org_p12.clone(),
            pkcs11: self.pkcs11.clone(),
            slot: self.slot,
            token_label: self.token_label.clone(),
            key_label: self.key_label.clone(),
            pin_file: self.pin_file.clone(),
            rsa_pkcs1: self.rsa_pkcs1,
        }
    }

    /// The request: organisation from `--org`, else the settings' office.
    fn request(&self, config: &hoso_office::Config) -> Result<CopyRequest> {
        let (org, org_code) = match &self.org {
            Some(o) => (o.trim().to_owned(), hoso_office::copy::initials(o)),
            None => (
                config.settings.office.trim().to_owned(),
                config.settings.copy_org_code(),
            ),
        };
        if org.is_empty() {
            anyhow::bail!("cần --org (hoặc `hoso config set office …`) / --org is needed");
        }
        Ok(CopyRequest {
            kind: self.form.kind(),
            org_code: self.org_code.clone().unwrap_or(org_code),
            org,
            qr: !self.no_qr,
            time: SystemTime::now(),
            from_paper: self.from_paper,
            pages: self.pages,
            public_url: config.settings.public_url.clone(),
        })
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    let config = super::config::resolve(args.register.clone(), args.station.clone())?;
    let signer = super::signer_args::open(&args.signer(), &config)?;
    let req = args.request(&config)?;
    let done = copy(&config, signer.as_ref(), &args.input, &args.out, &req)
        .with_context(|| args.input.display().to_string())?;
    if done.original_certified {
        eprintln!(
            "Cảnh báo: bản gốc có chữ ký chứng nhận (DocMDP); pyHanko mặc định coi chữ ký hiển thị \
             thêm sau đó là thay đổi không được phép (Acrobat thì chấp nhận) / warning: the original \
             carries a certification signature (DocMDP); pyHanko by default treats a visible \
             signature added after it as a disallowed change (Acrobat accepts it)"
        );
    }
    if let Some(why) = &done.qr_omitted {
        eprintln!("Lưu ý / note: {why}");
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&done)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "Đã sao / copied: {} — Số: {}",
        args.out.display(),
        done.copy_number
    );
    println!("  PDF/A: {}", done.pdfa.line);
    println!("  SHA-256: {}", done.sha256);
    println!(
        "  Mục sổ / register entry: {} (bản gốc / original: {})",
        done.register_seq, done.original_seq
    );
    if let Some(qr) = &done.qr_printed {
        println!("  QR: {}", qr.replace('\n', " / "));
    }
    Ok(ExitCode::SUCCESS)
}
