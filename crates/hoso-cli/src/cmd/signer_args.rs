//! Choosing the key for a signing command: a PKCS#12 file (`--p12`) or a PKCS#11 token
//! (`--pkcs11 MODULE [--slot N | --token-label L] [--key-label K]`), else the key in the shared
//! settings (`hoso config set p12 …`). Opening it is hoso-office's; reading the PIN is ours.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;
use hoso_office::keys::{
    open_signer, AnySigner, KeyError, KeySource, PinAnswer, PinPrompt, RsaPadding,
    SignatureAlgorithm,
};
use hoso_office::Config;
use zeroize::Zeroizing;

/// The key: a PKCS#12 file or a token.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct SignerArgs {
    /// Tệp khóa PKCS#12 (.p12/.pfx); mặc định theo cài đặt / the PKCS#12 key file (default: settings).
    #[arg(long, conflicts_with = "pkcs11")]
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
    /// Ký RSA kiểu PKCS#1 v1.5 thay cho RSASSA-PSS (Thông tư 15/2025/TT-BKHCN quy định PSS, là
    /// mặc định) / sign RSA with PKCS#1 v1.5 instead of RSASSA-PSS (Circular 15/2025/TT-BKHCN
    /// names PSS, the default).
    #[arg(long)]
    pub rsa_pkcs1: bool,
}

impl SignerArgs {
    /// The key the flags name, else the settings' key.
    pub fn source(&self, config: &Config) -> Option<KeySource> {
        match (&self.pkcs11, &self.p12) {
            (Some(module), _) => Some(KeySource::Pkcs11 {
                module: module.clone(),
                slot: self.slot,
                token_label: self.token_label.clone(),
                key_label: self.key_label.clone(),
            }),
            (None, Some(p12)) => Some(KeySource::Pkcs12(p12.clone())),
            (None, None) => config.settings.key_source(),
        }
    }
}

/// Reads the PIN from `--pin-file`, the terminal, or one line of stdin.
pub fn read_pin(pin_file: Option<&Path>) -> anyhow::Result<Zeroizing<String>> {
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

/// Opens the key, asking for the PIN once (or letting the token's PIN pad do it).
pub fn open(args: &SignerArgs, config: &Config) -> anyhow::Result<AnySigner> {
    let source = args.source(config).ok_or(KeyError::NotConfigured)?;
    let rsa = if args.rsa_pkcs1 {
        RsaPadding::Pkcs1v15
    } else {
        config.settings.rsa_padding()
    };
    let mut ask = |p: &PinPrompt| -> PinAnswer {
        if p.pin_pad && args.pin_file.is_none() {
            eprintln!(
                "Nhập mã PIN trên thiết bị ({}) / enter the PIN on the token's keypad",
                p.token.as_deref().unwrap_or_default()
            );
            return Ok(None);
        }
        read_pin(args.pin_file.as_deref())
            .map(Some)
            .map_err(|e| KeyError::Pin(std::io::Error::other(e.to_string())))
    };
    let signer = open_signer(&source, rsa, &mut ask)?;
    if signer.algorithm() == SignatureAlgorithm::RsaPkcs1v15Sha256 {
        eprintln!("{}", RsaPadding::PKCS1_WARNING);
    }
    Ok(signer)
}
