//! `hoso copy`: an electronic certified copy (sao y, sao lục, trích sao) per Decree
//! 30/2020/NĐ-CP Art. 25–27 and Appendix I part II: the original's bytes plus an incremental
//! update carrying the organisation's signature, whose appearance is the prescribed text at the
//! top right of page 1 (no image), and — outside that block — a QR verification mark in the
//! bottom margin. The copy number comes from the register in the same transaction that records
//! the copy; if signing or writing fails, the number is given back and no file is left.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{anyhow, bail, Context, Result};
use hoso_register::{
    hex, sha256_file, CopyForm, CreateOptions, EntryKind, NewEntry, QrPayload, Register,
};
use hoso_sign::appearance::VisibleSignature;
use hoso_sign::sign::{sign_pdf, SignOptions};
use hoso_sign::signer::Signer;
use hoso_stamp::locate::PdfPages;
use hoso_stamp::{decree, Appearance, CopyKind};

use super::visible::widget;

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
    fn kinds(self) -> (CopyKind, CopyForm) {
        match self {
            Self::SaoY => (CopyKind::SaoY, CopyForm::SaoY),
            Self::SaoLuc => (CopyKind::SaoLuc, CopyForm::SaoLuc),
            Self::TrichSao => (CopyKind::TrichSao, CopyForm::TrichSao),
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

/// Upper-case ASCII initials: "Ủy ban nhân dân phường Sông Cầu" → "UBNDPSC".
fn initials(org: &str) -> String {
    org.split_whitespace()
        .filter_map(|w| w.chars().next())
        .map(|c| hoso_register::ascii_slug(&c.to_string()).to_uppercase())
        .collect::<String>()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(16)
        .collect()
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

/// The original's entry (oldest with its hash), registering it first if it is not there, so the
/// QR can point at it.
fn original_entry(reg: &mut Register, sha256: &[u8; 32], signed: bool) -> Result<u64> {
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
    appended
        .entries
        .first()
        .map(|e| e.seq)
        .context("the register appended nothing")
}

pub fn run(args: Args) -> Result<ExitCode> {
    let signer = load_signer(&args)?;
    let (kind, form) = args.form.kinds();
    let org_code = match &args.org_code {
        Some(c) => c.clone(),
        None => initials(&args.org),
    };
    let bytes = std::fs::read(&args.input)
        .with_context(|| format!("không đọc được / cannot read {}", args.input.display()))?;
    let pages = PdfPages::parse(&bytes).with_context(|| args.input.display().to_string())?;
    let page1 = pages.page(0)?.media_box;
    let signing_time = SystemTime::now();
    let time_text = decree::iso8601_vietnam(signing_time);
    // Fail on a letter the font lacks before a number is reserved.
    let block = decree::copy_block(kind, &args.org, &time_text)?;
    let original_sha = hoso_register::sha256_reader(&bytes[..])?;
    let signed = bytes.windows(10).any(|w| w == b"/ByteRange");
    if bytes.windows(7).any(|w| w == b"/DocMDP") {
        eprintln!(
            "Cảnh báo: bản gốc có chữ ký chứng nhận (DocMDP); pyHanko mặc định coi chữ ký hiển thị \
             thêm sau đó là thay đổi không được phép (Acrobat thì chấp nhận) / warning: the original \
             carries a certification signature (DocMDP); pyHanko by default treats a visible \
             signature added after it as a disallowed change (Acrobat accepts it)"
        );
    }
    drop(bytes);

    let path = register_path(args.register.as_deref())?;
    let station = std::env::var("HOSO_STATION").unwrap_or_else(|_| "station".into());
    let mut reg = Register::open_or_create(&path, &CreateOptions::for_station(&station))
        .with_context(|| format!("sổ đăng ký / register {}", path.display()))?;
    let original_seq = original_entry(&mut reg, &original_sha, signed)?;
    let origin = reg.origin().to_owned();
    let lookup = QrPayload::new(&origin, original_seq, &original_sha).to_string();

    let partial = partial_path(&args.out);
    // The register records the copy at the instant printed on it and written as /M.
    reg.set_clock(Box::new(move || time::OffsetDateTime::from(signing_time)));
    let reservation = reg.reserve_copy(&org_code, form)?;
    let number = reservation.number().clone();
    let made = (|| -> Result<([u8; 32], String)> {
        // Earlier signature widgets on page 1 (a copy of a copy): the new parts go beside them.
        let taken = pages.signature_widgets(0)?;
        let (block_ap, block_rect) = decree::top_right(&block, page1);
        let mut parts = vec![(block_ap, decree::beside(block_rect, &taken, page1))];
        if !args.no_qr {
            let number_text = format!("Số: {number}");
            let qr_text = format!("{lookup}\n{number}");
            let caption = [
                number_text.as_str(),
                "Tra cứu / verify: hoso register lookup --qr",
            ];
            let (qr_ap, qr_rect) = decree::qr_mark(&qr_text, &caption, page1)?;
            parts.push((qr_ap, decree::beside(qr_rect, &taken, page1)));
        }
        // One widget for both (see Appearance::merge): pdfsig reads no field with widget kids.
        let (ap, rect) = Appearance::merge(&parts).context("no appearance")?;
        let widgets = vec![widget(0, &ap, rect)?];
        // Not a certification signature: pyHanko (by default, stricter than Acrobat) treats any
        // new visible signature after a DocMDP certification as an illegal change, so a certified
        // copy could not itself be copied (sao lục) with every signature staying valid.
        let opts = SignOptions {
            field_name: Some(format!("{}{}", form.symbol(), number.number)),
            reason: Some(format!("{} — {number}", kind.label())),
            signing_time,
            appearance: Some(VisibleSignature { widgets }),
            ..SignOptions::default()
        };
        let result = sign_pdf(&args.input, &partial, &opts, signer.as_ref(), None);
        result.map_err(|e| anyhow!("ký bản sao thất bại / signing the copy failed: {e}"))?;
        let sha = sha256_file(&partial)?;
        Ok((sha, lookup.clone()))
    })();
    let (copy_sha, qr) = match made {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            reservation.abort();
            return Err(e.context("số bản sao không bị dùng / the copy number was not used"));
        }
    };
    let mut entry = NewEntry::new(EntryKind::Copy, copy_sha);
    entry.title = Some(format!("{} {}", kind.label(), args.org));
    entry
        .extra
        .insert("original_sha256".into(), hex(&original_sha).into());
    entry
        .extra
        .insert("original_seq".into(), original_seq.into());
    entry
        .extra
        .insert("organisation".into(), args.org.clone().into());
    entry
        .extra
        .insert("signing_time".into(), time_text.clone().into());
    let appended = match reservation.commit(entry) {
        Ok(a) => a,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(anyhow::Error::new(e).context(
                "ghi sổ thất bại, không tạo bản sao / the register failed; no copy written",
            ));
        }
    };
    if let Err(e) = std::fs::rename(&partial, &args.out) {
        bail!(
            "bản sao đã ghi sổ nhưng không đổi tên được / the copy is registered but could not be \
             renamed: {} → {}: {e}",
            partial.display(),
            args.out.display()
        );
    }
    let seq = appended.entries.first().map(|e| e.seq).unwrap_or_default();
    let copy_qr = QrPayload::new(&origin, seq, &copy_sha).to_string();
    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "path": args.out,
                "copy_number": number.to_string(),
                "year": number.year,
                "sha256": hex(&copy_sha),
                "original_sha256": hex(&original_sha),
                "register_seq": seq,
                "original_seq": original_seq,
                "qr_printed": if args.no_qr { None } else { Some(format!("{qr}\n{number}")) },
                "copy_lookup": copy_qr,
                "signing_time": time_text,
            })
        );
    } else {
        println!("Đã sao / copied: {} — Số: {number}", args.out.display());
        println!("  SHA-256: {}", hex(&copy_sha));
        println!("  Mục sổ / register entry: {seq} (bản gốc / original: {original_seq})");
        if !args.no_qr {
            println!("  QR: {qr} / {number}");
        }
    }
    Ok(ExitCode::SUCCESS)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_are_ascii() {
        assert_eq!(initials("Ủy ban nhân dân phường Sông Cầu"), "UBNDPSC");
    }
}
