//! Choosing the key holder for a signing command: a PKCS#12 file (`--p12`) or a PKCS#11 token
//! (`--pkcs11 MODULE [--slot N | --token-label L] [--key-label K]`). Shared by `hoso sign` and
//! any other command that signs.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{anyhow, Context};
use hoso_sign::signer::{Pkcs12Signer, Signer, SignerError};
use hoso_token::{Login, Module, SlotSelector, TokenError};
use zeroize::Zeroizing;

/// The key: a PKCS#12 file or a token.
#[derive(clap::Args, Clone, Debug)]
pub struct SignerArgs {
    /// Tệp khóa PKCS#12 (.p12/.pfx) / the PKCS#12 key file.
    #[arg(long, required_unless_present = "pkcs11", conflicts_with = "pkcs11")]
    pub p12: Option<PathBuf>,
    /// Thư viện PKCS#11 của token (.so/.dll) / the token's PKCS#11 module.
    #[arg(long, value_name = "MODULE")]
    pub pkcs11: Option<PathBuf>,
    /// Khe chứa token (xem `hoso token list`) / the token's slot id.
    #[arg(long, requires = "pkcs11", conflicts_with = "token_label")]
    pub slot: Option<u64>,
    /// Nhãn token / the token label.
    #[arg(long, requires = "pkcs11")]
    pub token_label: Option<String>,
    /// Nhãn khóa hoặc chứng thư trên token / the key or certificate label on the token.
    #[arg(long, requires = "pkcs11")]
    pub key_label: Option<String>,
    /// Tệp chứa mã PIN (dòng đầu) / file holding the PIN (first line); prompts if absent.
    #[arg(long)]
    pub pin_file: Option<PathBuf>,
    /// Dùng RSASSA-PSS cho khóa RSA / use RSASSA-PSS for RSA keys.
    #[arg(long)]
    pub rsa_pss: bool,
}

/// Reads the PIN from `--pin-file`, the terminal, or one line of stdin.
pub fn read_pin(pin_file: Option<&std::path::Path>) -> anyhow::Result<Zeroizing<String>> {
    match pin_file {
        Some(p) => {
            let s = Zeroizing::new(std::fs::read_to_string(p).with_context(|| {
                format!(
                    "không đọc được tệp PIN / cannot read PIN file {}",
                    p.display()
                )
            })?);
            Ok(Zeroizing::new(
                s.lines().next().unwrap_or_default().to_owned(),
            ))
        }
        None if std::io::stdin().is_terminal() => Ok(Zeroizing::new(rpassword::prompt_password(
            "Mã PIN / PIN: ",
        )?)),
        None => {
            let mut s = Zeroizing::new(String::new());
            std::io::stdin().read_line(&mut s)?;
            Ok(Zeroizing::new(s.trim_end_matches(['\r', '\n']).to_owned()))
        }
    }
}

/// Opens the key holder, asking for the PIN once (or letting the token's PIN pad do it).
pub fn open(args: &SignerArgs) -> anyhow::Result<Box<dyn Signer + Send + Sync>> {
    let fail = |e: SignerError| {
        anyhow!(
            "{}; không tạo tệp đầu ra / {e}; no output written",
            explain(&e)
        )
    };
    if let Some(module) = &args.pkcs11 {
        let module = Module::load(module).map_err(|e| fail(e.into()))?;
        let selector = match (&args.slot, &args.token_label) {
            (Some(n), _) => SlotSelector::Slot(*n),
            (None, Some(l)) => SlotSelector::TokenLabel(l.clone()),
            (None, None) => SlotSelector::Only,
        };
        let token = module.token(&selector).map_err(|e| fail(e.into()))?;
        let login = if token.protected_authentication_path() && args.pin_file.is_none() {
            eprintln!(
                "Nhập mã PIN trên thiết bị ({}) / enter the PIN on the token's keypad",
                token.info.label
            );
            Login::ProtectedPath
        } else {
            Login::Pin(read_pin(args.pin_file.as_deref())?)
        };
        let signer = token
            .login(login, args.key_label.as_deref(), args.rsa_pss)
            .map_err(|e| fail(e.into()))?;
        return Ok(Box::new(signer));
    }
    let p12 = args
        .p12
        .as_ref()
        .context("cần --p12 hoặc --pkcs11 / --p12 or --pkcs11 is needed")?;
    let pin = read_pin(args.pin_file.as_deref())?;
    let signer = Pkcs12Signer::open(p12, &pin, args.rsa_pss).map_err(fail)?;
    Ok(Box::new(signer))
}

/// Vietnamese for a key-holder error (the English is the error's own text).
pub fn explain(e: &SignerError) -> String {
    match e {
        SignerError::WrongPin => "Sai mã PIN".into(),
        SignerError::NoKey => "Tệp PKCS#12 không có khóa bí mật".into(),
        SignerError::KeyDoesNotMatchCertificate => "Khóa bí mật không khớp chứng thư".into(),
        SignerError::Device(d) => match d.downcast_ref::<TokenError>() {
            Some(t) => {
                // Name the flag that resolves the ambiguity.
                let flag = match t {
                    TokenError::AmbiguousToken { .. } | TokenError::TokenAbsent { .. } => {
                        " (--slot / --token-label)"
                    }
                    TokenError::AmbiguousCertificate { .. } => " (--key-label)",
                    _ => "",
                };
                format!("{}{flag}", t.vietnamese())
            }
            None => "Lỗi thiết bị ký số".into(),
        },
        _ => "Không mở được khóa ký".into(),
    }
}
