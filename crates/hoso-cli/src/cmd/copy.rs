//! `hoso copy`: an electronic certified copy (sao y, sao lục, trích sao) per Decree
//! 30/2020/NĐ-CP Art. 25–27 and Appendix I part II — a thin door onto
//! [`hoso_stamp::copy::make_copy`], which reserves the copy number in the register, signs with
//! the organisation's key, records the copy with both hashes and renames it into place, or
//! leaves nothing and gives the number back.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Context, Result};
use hoso_register::{CreateOptions, Register};
use hoso_sign::signer::Signer;
use hoso_stamp::copy::{initials, make_copy, CopyRequest};
use hoso_stamp::CopyKind;

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
    #[arg(long, required_unless_present = "pkcs11", conflicts_with = "pkcs11")]
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
    /// Tên cơ quan sao, in trên bản sao / the copying organisation, as printed.
    #[arg(long)]
    org: String,
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
    /// Sổ đăng ký / register file [env: HOSO_REGISTER].
    #[arg(long, value_name = "PATH")]
    register: Option<PathBuf>,
    /// Dùng RSASSA-PSS cho khóa RSA / use RSASSA-PSS for RSA keys.
    #[arg(long)]
    rsa_pss: bool,
    /// In kết quả dạng JSON / print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// The organisation's signer: its PKCS#12 file or its USB token, as `hoso sign` opens them.
fn load_signer(args: &Args) -> Result<Box<dyn Signer + Send + Sync>> {
    super::signer_args::open(&super::signer_args::SignerArgs {
        p12: args.org_p12.clone(),
        pkcs11: args.pkcs11.clone(),
        slot: args.slot,
        token_label: args.token_label.clone(),
        key_label: args.key_label.clone(),
        pin_file: args.pin_file.clone(),
        rsa_pss: args.rsa_pss,
    })
}

fn register_path(arg: Option<&Path>) -> Result<PathBuf> {
    match arg {
        Some(p) => Ok(p.to_path_buf()),
        None => match std::env::var_os("HOSO_REGISTER").filter(|v| !v.is_empty()) {
            Some(p) => Ok(PathBuf::from(p)),
            None => hoso_register::default_register_path()
                .context("không tìm thấy thư mục dữ liệu / no user data directory; use --register"),
        },
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    let signer = load_signer(&args)?;
    let path = register_path(args.register.as_deref())?;
    let station = std::env::var("HOSO_STATION").unwrap_or_else(|_| "station".into());
    let mut reg = Register::open_or_create(&path, &CreateOptions::for_station(&station))
        .with_context(|| format!("sổ đăng ký / register {}", path.display()))?;
    let req = CopyRequest {
        kind: args.form.kind(),
        org: args.org.clone(),
        org_code: args.org_code.clone().unwrap_or_else(|| initials(&args.org)),
        qr: !args.no_qr,
        time: SystemTime::now(),
    };
    let done = make_copy(&args.input, &args.out, &req, signer.as_ref(), &mut reg)
        .with_context(|| args.input.display().to_string())?;
    if done.original_certified {
        eprintln!(
            "Cảnh báo: bản gốc có chữ ký chứng nhận (DocMDP); pyHanko mặc định coi chữ ký hiển thị \
             thêm sau đó là thay đổi không được phép (Acrobat thì chấp nhận) / warning: the original \
             carries a certification signature (DocMDP); pyHanko by default treats a visible \
             signature added after it as a disallowed change (Acrobat accepts it)"
        );
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&done)?);
    } else {
        println!(
            "Đã sao / copied: {} — Số: {}",
            args.out.display(),
            done.copy_number
        );
        println!("  SHA-256: {}", done.sha256);
        println!(
            "  Mục sổ / register entry: {} (bản gốc / original: {})",
            done.register_seq, done.original_seq
        );
        if let Some(qr) = &done.qr_printed {
            println!("  QR: {}", qr.replace('\n', " / "));
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use hoso_stamp::copy::initials;

    #[test]
    fn initials_are_ascii() {
        assert_eq!(initials("Ủy ban nhân dân phường Sông Cầu"), "UBNDPSC");
    }
}
