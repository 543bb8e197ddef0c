//! Finding the PKCS#11 modules of the USB tokens used in Vietnam, named by vendor.
//!
//! Three sources, in this order: the module named by `HOSO_PKCS11_MODULE` (a setting), the
//! modules registered with p11-kit (`/usr/share/p11-kit/modules/*.module`,
//! `/etc/pkcs11/modules/*.module`; Linux), and the usual install paths of the vendors'
//! middleware ([`VENDORS`]). A module is named by its vendor when [`VENDORS`] knows its file name. Every
//! path is looked up under a root prefix so tests can lay fake module files out in a temporary
//! directory; [`detect_modules_here`] uses the real root (`/`, or the system drive on Windows).
//! Only files that exist are returned; nothing is loaded here ([`crate::Module::load`] does that).

use std::path::{Path, PathBuf};

/// Which platform's install paths to look at (chosen by the caller so tests can lay out either
/// platform's files on any host).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Linux: vendor paths under `/usr/lib…` plus p11-kit registrations.
    Linux,
    /// Windows: vendor DLLs in `Windows\System32` and `Program Files`.
    Windows,
}

impl Platform {
    /// The platform this build runs on.
    pub fn current() -> Self {
        if cfg!(windows) {
            Self::Windows
        } else {
            Self::Linux
        }
    }
}

/// How a module was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FoundBy {
    /// `HOSO_PKCS11_MODULE`.
    Setting,
    /// A vendor's usual install path ([`VENDORS`]).
    VendorPath,
    /// A p11-kit `.module` registration.
    P11Kit,
}

/// A PKCS#11 module file found on this machine.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DetectedModule {
    /// Who makes it, as staff know it (e.g. "VNPT-CA", "SafeNet eToken"); for a module no vendor
    /// entry knows, the p11-kit registration's name or the file name.
    pub vendor: String,
    /// The module file.
    pub path: PathBuf,
    /// Where the path came from.
    pub found_by: FoundBy,
}

/// One vendor's usual PKCS#11 module files, relative to the root, `/`-separated.
#[derive(Debug, Clone, Copy)]
pub struct Vendor {
    /// The name staff know.
    pub name: &'static str,
    /// Windows paths below the system drive (64-bit modules: a 64-bit `hoso.exe` cannot load the
    /// 32-bit copies in `SysWOW64`).
    pub windows: &'static [&'static str],
    /// Linux paths below `/`.
    pub linux: &'static [&'static str],
}

// Evidence for these paths (checked 2026-12 with the project's search tools; no vendor publishes
// a machine-readable list):
// - The Vietnamese CAs' Windows DLL names (VNPT-CA, Viettel-CA, BKAV-CA, FPT-CA, CA2, the
//   Feitian ePass models) come from the module lists that several public signing plug-ins and
//   tax-declaration tools load from `System32`; they agree with each other, but none of them is
//   the vendor's own documentation, and versions change with each middleware release.
// - SafeNet eToken (`eTPKCS11.dll`, `libeTPkcs11.so`) and Bit4id (`bit4xpki.dll`,
//   `libbit4xpki.so`) are named in several independent public guides and projects.
// - The Government Cipher Committee's (Ban Cơ yếu Chính phủ, VGCA) tokens: one public guide says
//   they work through Bit4id's middleware, so they are found as the Bit4id module; there is no
//   VGCA-specific file name we could confirm.
// - Linux modules of VNPT-CA, Viettel-CA, BKAV, FPT and CA2: we found no public source for
//   their install paths (only guesses in other projects), so none are listed; such middleware
//   is found when it registers with p11-kit, or through `HOSO_PKCS11_MODULE`.
// - OpenSC and SoftHSM2 are the Debian packages' real paths (checked on Debian 12) and OpenSC's
//   Windows installer folder.
/// The vendors hoso knows by their usual install paths.
pub const VENDORS: &[Vendor] = &[
    Vendor {
        name: "VNPT-CA",
        windows: &[
            "Windows/System32/vnptca_p11_v10.dll",
            "Windows/System32/vnptca_p11_v9.dll",
            "Windows/System32/vnptca_p11_v8.dll",
            "Windows/System32/vnptca_p11_v7.dll",
            "Windows/System32/vnptca_p11_v6.dll",
            "Windows/System32/vnpt-ca_csp11.dll",
            "Windows/System32/VNPT-CA_v34.dll",
            "Windows/System32/vnpt-ca_cl_v1.dll",
        ],
        linux: &[],
    },
    Vendor {
        name: "Viettel-CA",
        windows: &[
            "Windows/System32/viettel-ca_v6.dll",
            "Windows/System32/viettel-ca_v5.dll",
            "Windows/System32/viettel-ca_v4.dll",
            "Windows/System32/viettel-ca_v3.dll",
            "Windows/System32/viettel-ca_v2.dll",
            "Windows/System32/viettel-ca.dll",
        ],
        linux: &[],
    },
    Vendor {
        name: "BKAV-CA",
        windows: &[
            "Windows/System32/BkavCA.dll",
            "Windows/System32/BkavCAv2S.dll",
        ],
        linux: &[],
    },
    Vendor {
        name: "FPT-CA",
        windows: &[
            "Windows/System32/fpt-ca.dll",
            "Windows/System32/fpt-ca-stx.dll",
        ],
        linux: &[],
    },
    Vendor {
        name: "CA2 (Nacencomm)",
        windows: &[
            "Windows/System32/CA2_csp11.dll",
            "Windows/System32/CA2_v34.dll",
        ],
        linux: &[],
    },
    Vendor {
        name: "Feitian ePass (nhiều CA / several CAs)",
        windows: &[
            "Windows/System32/eps2003csp11.dll",
            "Windows/System32/ShuttleCsp11_3003.dll",
            "Windows/System32/ngp11v211.dll",
        ],
        linux: &[],
    },
    Vendor {
        name: "Bit4id (token Ban Cơ yếu Chính phủ / VGCA tokens)",
        windows: &["Windows/System32/bit4xpki.dll"],
        linux: &["usr/lib/libbit4xpki.so", "usr/lib/bit4id/libbit4xpki.so"],
    },
    Vendor {
        name: "SafeNet eToken",
        windows: &["Windows/System32/eTPKCS11.dll"],
        linux: &[
            "usr/lib/libeTPkcs11.so",
            "usr/lib64/libeTPkcs11.so",
            "usr/lib/libeToken.so",
        ],
    },
    Vendor {
        name: "OpenSC",
        windows: &["Program Files/OpenSC Project/OpenSC/pkcs11/opensc-pkcs11.dll"],
        linux: &[
            "usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
            "usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so",
            "usr/lib64/opensc-pkcs11.so",
        ],
    },
    Vendor {
        name: "SoftHSM2 (thử nghiệm / testing)",
        windows: &["SoftHSM2/lib/softhsm2-x64.dll"],
        linux: &[
            "usr/lib/softhsm/libsofthsm2.so",
            "usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        ],
    },
];

/// Where p11-kit keeps module registrations, and where relative `module:` names live.
const P11KIT_DIRS: &[&str] = &["usr/share/p11-kit/modules", "etc/pkcs11/modules"];
const P11KIT_LIB_DIRS: &[&str] = &[
    "usr/lib/x86_64-linux-gnu/pkcs11",
    "usr/lib/aarch64-linux-gnu/pkcs11",
    "usr/lib64/pkcs11",
    "usr/lib/pkcs11",
];

/// `root` joined with a `/`-separated relative path.
fn under(root: &Path, relative: &str) -> PathBuf {
    let mut p = root.to_path_buf();
    p.extend(relative.split('/').filter(|c| !c.is_empty()));
    p
}

/// The vendor whose known file name this is (case-insensitive, as on Windows).
pub fn vendor_of(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?;
    VENDORS.iter().find_map(|v| {
        v.windows
            .iter()
            .chain(v.linux.iter())
            .any(|known| {
                known
                    .rsplit('/')
                    .next()
                    .is_some_and(|f| f.eq_ignore_ascii_case(name))
            })
            .then_some(v.name)
    })
}

/// The modules found under `root` for `platform`, plus `setting` (the `HOSO_PKCS11_MODULE`
/// value, taken as is); each file once (symlinks resolved), in the order of the sources above.
pub fn detect_modules(
    root: &Path,
    platform: Platform,
    setting: Option<&Path>,
) -> Vec<DetectedModule> {
    let mut out = Vec::new();
    let mut push = |path: PathBuf, found_by: FoundBy, fallback: &dyn Fn() -> String| {
        let vendor = vendor_of(&path).map_or_else(fallback, str::to_owned);
        out.push(DetectedModule {
            vendor,
            path,
            found_by,
        });
    };
    if let Some(p) = setting {
        push(p.to_path_buf(), FoundBy::Setting, &|| {
            "Theo cài đặt / from the setting".to_owned()
        });
    }
    if platform == Platform::Linux {
        for (registration, module) in p11kit_modules(root) {
            push(module, FoundBy::P11Kit, &|| registration.clone());
        }
    }
    for vendor in VENDORS {
        let paths = match platform {
            Platform::Windows => vendor.windows,
            Platform::Linux => vendor.linux,
        };
        for p in paths.iter().map(|r| under(root, r)).filter(|p| p.is_file()) {
            push(p, FoundBy::VendorPath, &|| vendor.name.to_owned());
        }
    }
    // The same library is often reachable under two names (a symlink and its target).
    let mut seen = std::collections::HashSet::new();
    out.retain(|m| std::fs::canonicalize(&m.path).is_ok_and(|c| seen.insert(c)));
    out
}

/// p11-kit registrations under `root`: (registration name, module file that exists).
fn p11kit_modules(root: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for dir in P11KIT_DIRS {
        let Ok(entries) = std::fs::read_dir(under(root, dir)) else {
            continue;
        };
        let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files {
            if f.extension().is_none_or(|e| e != "module") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            let name = f
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            for line in text.lines() {
                let Some(value) = line.trim().strip_prefix("module:") else {
                    continue;
                };
                let value = value.trim();
                // Absolute names are absolute on the machine being described, i.e. under root.
                let found = if value.starts_with('/') {
                    Some(under(root, value)).filter(|p| p.is_file())
                } else {
                    P11KIT_LIB_DIRS
                        .iter()
                        .map(|d| under(root, d).join(value))
                        .find(|p| p.is_file())
                };
                if let Some(p) = found {
                    out.push((name.clone(), p));
                }
            }
        }
    }
    out
}

/// The root the vendor paths hang from on this machine: `/`, or the system drive on Windows
/// (`SystemDrive`, default `C:`). Known limitation: Windows installs that moved `Program Files`
/// or the Windows folder off the system drive are only found through the setting.
fn system_root() -> PathBuf {
    if cfg!(windows) {
        let drive = std::env::var("SystemDrive").unwrap_or_else(|_| "C:".to_owned());
        PathBuf::from(format!("{drive}\\"))
    } else {
        PathBuf::from("/")
    }
}

/// [`detect_modules`] on this machine, with `HOSO_PKCS11_MODULE` as the setting.
pub fn detect_modules_here() -> Vec<DetectedModule> {
    let setting = std::env::var_os("HOSO_PKCS11_MODULE")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    detect_modules(&system_root(), Platform::current(), setting.as_deref())
}

/// The module files of [`detect_modules_here`] (what `hoso token list` tries without
/// `--module`).
pub fn default_modules() -> Vec<PathBuf> {
    detect_modules_here().into_iter().map(|m| m.path).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, relative: &str) -> PathBuf {
        let p = under(root, relative);
        std::fs::create_dir_all(p.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(&p, b"not a real module").expect("write");
        p
    }

    #[test]
    fn windows_vendor_dlls_are_found_and_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let vnpt = touch(root, "Windows/System32/vnptca_p11_v8.dll");
        let viettel = touch(root, "Windows/System32/viettel-ca_v6.dll");
        let bkav = touch(root, "Windows/System32/BkavCA.dll");
        let fpt = touch(root, "Windows/System32/fpt-ca.dll");
        let etoken = touch(root, "Windows/System32/eTPKCS11.dll");
        let bit4id = touch(root, "Windows/System32/bit4xpki.dll");
        // A 32-bit copy and an unknown DLL are not candidates.
        touch(root, "Windows/SysWOW64/viettel-ca_v6.dll");
        touch(root, "Windows/System32/kernel32.dll");
        let found = detect_modules(root, Platform::Windows, None);
        let got: Vec<(&str, &Path)> = found
            .iter()
            .map(|m| (m.vendor.as_str(), m.path.as_path()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("VNPT-CA", vnpt.as_path()),
                ("Viettel-CA", viettel.as_path()),
                ("BKAV-CA", bkav.as_path()),
                ("FPT-CA", fpt.as_path()),
                (
                    "Bit4id (token Ban Cơ yếu Chính phủ / VGCA tokens)",
                    bit4id.as_path()
                ),
                ("SafeNet eToken", etoken.as_path()),
            ]
        );
        assert!(found.iter().all(|m| m.found_by == FoundBy::VendorPath));
        // Linux paths are not looked at for Windows and vice versa.
        assert!(detect_modules(root, Platform::Linux, None).is_empty());
    }

    #[test]
    fn linux_vendor_paths_and_p11kit_registrations_are_found_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let etoken = touch(root, "usr/lib/libeTPkcs11.so");
        let softhsm = touch(root, "usr/lib/softhsm/libsofthsm2.so");
        let vendor_x = touch(root, "usr/lib/x86_64-linux-gnu/pkcs11/libvendorx.so");
        let absolute = touch(root, "opt/acme/libacme-p11.so");
        let p11 = under(root, "usr/share/p11-kit/modules");
        std::fs::create_dir_all(&p11).expect("mkdir");
        std::fs::write(p11.join("vendorx.module"), "module: libvendorx.so\n").expect("w");
        std::fs::write(
            p11.join("acme.module"),
            "module: /opt/acme/libacme-p11.so\n",
        )
        .expect("w");
        // SoftHSM2 registered too: found once (first through p11-kit), under its vendor name.
        std::fs::write(
            p11.join("softhsm2.module"),
            "module: /usr/lib/softhsm/libsofthsm2.so\n",
        )
        .expect("w");
        std::fs::write(p11.join("gone.module"), "module: /opt/gone/libgone.so\n").expect("w");
        std::fs::write(p11.join("README"), "module: libvendorx.so\n").expect("w");
        let setting = touch(root, "home/staff/token/libmy.so");
        let found = detect_modules(root, Platform::Linux, Some(&setting));
        let got: Vec<(&str, &Path, FoundBy)> = found
            .iter()
            .map(|m| (m.vendor.as_str(), m.path.as_path(), m.found_by))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "Theo cài đặt / from the setting",
                    setting.as_path(),
                    FoundBy::Setting
                ),
                ("acme", absolute.as_path(), FoundBy::P11Kit),
                (
                    "SoftHSM2 (thử nghiệm / testing)",
                    softhsm.as_path(),
                    FoundBy::P11Kit
                ),
                ("vendorx", vendor_x.as_path(), FoundBy::P11Kit),
                ("SafeNet eToken", etoken.as_path(), FoundBy::VendorPath),
            ]
        );
    }

    #[test]
    fn every_vendor_path_is_relative_and_named_back() {
        for v in VENDORS {
            for p in v.windows.iter().chain(v.linux.iter()) {
                assert!(!p.starts_with('/'), "{p} must be relative to the root");
                assert_eq!(vendor_of(Path::new(p)), Some(v.name), "{p}");
            }
        }
    }

    #[test]
    fn an_empty_root_finds_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(detect_modules(dir.path(), Platform::Linux, None).is_empty());
        assert!(detect_modules(dir.path(), Platform::Windows, None).is_empty());
    }
}
