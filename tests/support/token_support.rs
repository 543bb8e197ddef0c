//! A real SoftHSM2 token per test (issue 8): its own token directory and `SOFTHSM2_CONF` in a
//! temporary directory, keys and certificates from the demo PKI imported with `pkcs11-tool`
//! (OpenSC), so `hoso sign --pkcs11` signs on a PKCS#11 module exactly as with a USB token.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::sign_support::{certs, openssl, run, text, tool};

/// The demo PIN used for every test token's user PIN.
pub const USER_PIN: &str = "1234";
const SO_PIN: &str = "87654321";

/// The SoftHSM2 PKCS#11 module; panics with the install command when it is missing.
pub fn softhsm_module() -> PathBuf {
    let candidates = [
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/local/lib/softhsm/libsofthsm2.so",
    ];
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| {
            panic!(
                "SoftHSM2 is missing: install it with `apt-get install -y softhsm2` (or run \
                 `cargo xtask setup`)"
            )
        })
}

/// `pkcs11-tool` (OpenSC).
pub fn pkcs11_tool() -> PathBuf {
    tool("pkcs11-tool", "apt-get install -y opensc")
}

/// `softhsm2-util`.
pub fn softhsm2_util() -> PathBuf {
    tool("softhsm2-util", "apt-get install -y softhsm2")
}

/// A private SoftHSM2 installation: configuration and token store in a temporary directory.
pub struct SoftHsm {
    dir: tempfile::TempDir,
    conf: PathBuf,
}

impl Default for SoftHsm {
    fn default() -> Self {
        Self::new()
    }
}

impl SoftHsm {
    /// An empty token store (SoftHSM then shows one blank slot).
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let tokens = dir.path().join("tokens");
        std::fs::create_dir_all(&tokens).expect("token dir");
        let conf = dir.path().join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                tokens.display()
            ),
        )
        .expect("write softhsm2.conf");
        Self { dir, conf }
    }

    /// The temporary directory (scratch files go here too).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `SOFTHSM2_CONF` for child processes.
    pub fn conf(&self) -> &Path {
        &self.conf
    }

    /// A command with `SOFTHSM2_CONF` set.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.env("SOFTHSM2_CONF", &self.conf);
        c
    }

    fn run_ok(&self, cmd: &mut Command, what: &str) -> Output {
        let o = run(cmd);
        assert!(o.status.success(), "{what}: {}", text(&o));
        o
    }

    /// Initialises a fresh token with `label`, user PIN [`USER_PIN`].
    pub fn init_token(&self, label: &str) {
        self.run_ok(
            self.command(softhsm2_util()).args([
                "--init-token",
                "--free",
                "--label",
                label,
                "--pin",
                USER_PIN,
                "--so-pin",
                SO_PIN,
            ]),
            "softhsm2-util --init-token",
        );
    }

    fn write_object(&self, token: &str, file: &Path, kind: &str, id: &str, label: &str) {
        self.write_object_with(token, file, kind, id, label, &[]);
    }

    fn write_object_with(
        &self,
        token: &str,
        file: &Path,
        kind: &str,
        id: &str,
        label: &str,
        extra: &[&str],
    ) {
        self.run_ok(
            self.command(pkcs11_tool())
                .arg("--module")
                .arg(softhsm_module())
                .args(["--token-label", token, "--login", "--pin", USER_PIN])
                .arg("--write-object")
                .arg(file)
                .args(["--type", kind, "--id", id, "--label", label])
                .args(extra),
            "pkcs11-tool --write-object",
        );
    }

    /// Extracts `what` (`-nocerts` key or `-clcerts` leaf) from a demo PKCS#12 as DER.
    fn extract_from_p12(&self, p12: &str, key: bool, out: &str) -> PathBuf {
        let pem = self.run_ok(
            Command::new(openssl())
                .args(["pkcs12", "-in"])
                .arg(certs().join(p12))
                .args(["-passin", &format!("pass:{USER_PIN}")])
                .args(if key {
                    ["-nocerts", "-nodes"]
                } else {
                    ["-clcerts", "-nokeys"]
                }),
            "openssl pkcs12",
        );
        let pem_path = self.dir().join(format!("{out}.pem"));
        std::fs::write(&pem_path, &pem.stdout).expect("write pem");
        let der_path = self.dir().join(format!("{out}.der"));
        let sub = if key { "pkey" } else { "x509" };
        self.run_ok(
            Command::new(openssl())
                .args([sub, "-in"])
                .arg(&pem_path)
                .args(["-outform", "DER", "-out"])
                .arg(&der_path),
            "openssl to DER",
        );
        std::fs::remove_file(&pem_path).expect("remove pem");
        der_path
    }

    /// Imports the private key and certificate of a demo PKCS#12 (`id` hex, `label`) and,
    /// with `with_ca`, the demo issuing CA, onto `token`.
    pub fn import_p12(&self, token: &str, p12: &str, id: &str, label: &str, with_ca: bool) {
        let key = self.extract_from_p12(p12, true, &format!("{label}-key"));
        let cert = self.extract_from_p12(p12, false, &format!("{label}-cert"));
        self.write_object(token, &key, "privkey", id, label);
        std::fs::remove_file(&key).expect("remove key");
        self.write_object(token, &cert, "cert", id, label);
        if with_ca {
            self.import_issuing_ca(token);
        }
    }

    /// Like [`SoftHsm::import_p12`] (without the CA), the key marked `CKA_ALWAYS_AUTHENTICATE`
    /// (a PIN for every signature).
    pub fn import_p12_always_authenticate(&self, token: &str, p12: &str, id: &str, label: &str) {
        let key = self.extract_from_p12(p12, true, &format!("{label}-key"));
        let cert = self.extract_from_p12(p12, false, &format!("{label}-cert"));
        self.write_object_with(token, &key, "privkey", id, label, &["--always-auth"]);
        std::fs::remove_file(&key).expect("remove key");
        self.write_object(token, &cert, "cert", id, label);
    }

    /// Imports only the certificate of a demo PKCS#12, with no key.
    pub fn import_certificate_only(&self, token: &str, p12: &str, id: &str, label: &str) {
        let cert = self.extract_from_p12(p12, false, &format!("{label}-cert"));
        self.write_object(token, &cert, "cert", id, label);
    }

    /// Imports the demo issuing CA certificate (id `ca`).
    pub fn import_issuing_ca(&self, token: &str) {
        let der = self.dir().join("issuing-ca.der");
        self.run_ok(
            Command::new(openssl())
                .args(["x509", "-in"])
                .arg(certs().join("demo-issuing-ca.pem"))
                .args(["-outform", "DER", "-out"])
                .arg(&der),
            "openssl x509",
        );
        self.write_object(token, &der, "cert", "ca", "HOSO DEMO Issuing CA");
    }

    /// A token `label` with the demo staff RSA key (label `staff-rsa`) and the issuing CA.
    pub fn rsa_token(label: &str) -> Self {
        let hsm = Self::new();
        hsm.init_token(label);
        hsm.import_p12(label, "demo-staff-rsa.p12", "01", "staff-rsa", true);
        hsm
    }

    /// Sets bits in the token's stored `CK_TOKEN_INFO` flags. SoftHSM2 never sets
    /// `CKF_USER_PIN_LOCKED` or `CKF_USER_PIN_FINAL_TRY` itself (it has no retry counter) and
    /// has no PIN pad (`CKF_PROTECTED_AUTHENTICATION_PATH`), so the tests put the token into
    /// those states the way a real token records them, and the module reports them: in its
    /// token object (SoftHSM2 file backend: attribute `CKA_OS_TOKENFLAGS` = 0x8000534B, type
    /// 2 = unsigned long, 8 bytes big-endian).
    pub fn set_token_flags(&self, bits: u64) {
        let tokens = self.dir().join("tokens");
        let mut done = 0;
        for entry in std::fs::read_dir(&tokens).expect("token dir").flatten() {
            let obj = entry.path().join("token.object");
            let Ok(mut data) = std::fs::read(&obj) else {
                continue;
            };
            let tag: [u8; 16] = [0, 0, 0, 0, 0x80, 0, 0x53, 0x4b, 0, 0, 0, 0, 0, 0, 0, 2];
            let at = data
                .windows(16)
                .position(|w| w == tag)
                .expect("CKA_OS_TOKENFLAGS in the SoftHSM2 token object")
                + 16;
            let mut v = [0u8; 8];
            v.copy_from_slice(&data[at..at + 8]);
            let flags = u64::from_be_bytes(v) | bits;
            data[at..at + 8].copy_from_slice(&flags.to_be_bytes());
            std::fs::write(&obj, data).expect("write token object");
            done += 1;
        }
        assert_eq!(done, 1, "exactly one initialised token");
    }
}

/// `CKF_PROTECTED_AUTHENTICATION_PATH` (PKCS#11 v2.40 §3.2).
pub const CKF_PROTECTED_AUTHENTICATION_PATH: u64 = 0x0000_0100;
/// `CKF_USER_PIN_FINAL_TRY` (PKCS#11 v2.40 §3.2).
pub const CKF_USER_PIN_FINAL_TRY: u64 = 0x0002_0000;
/// `CKF_USER_PIN_LOCKED` (PKCS#11 v2.40 §3.2).
pub const CKF_USER_PIN_LOCKED: u64 = 0x0004_0000;
