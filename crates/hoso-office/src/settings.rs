//! Editing the shared [`Settings`] from a shell (the app's Cài đặt screen): each file a person
//! chooses is checked before it is kept — a signature or seal image against Decree 30/2020's
//! rules, a trusted root by reading it, a PKCS#11 library by being one this machine registered —
//! and what a visible signature draws is read from the images the settings name.

use std::path::{Path, PathBuf};

use hoso_sign::chain::TrustStore;
use hoso_stamp::{StampError, StampImage};

use crate::config::Settings;
use crate::copy::{CopyKind, CopyRequest};
use crate::error::OfficeError;
use crate::sign::VisibleKind;

/// Which image of the settings a visible signature shows (Decree 30/2020 Appendix I).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visible {
    /// No appearance.
    None,
    /// The competent person's signature image between the title and name lines.
    Signature,
    /// The office's seal over the left third of the person's signature (the second signature).
    Seal,
}

/// Which stamp image a person chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StampImageKind {
    /// The competent person's handwritten signature (blue, transparent).
    Signature,
    /// The office's seal (red, transparent, at its real size).
    Seal,
}

/// The PKCS#11 libraries registered on this machine (p11-kit, `HOSO_PKCS11_MODULE`).
pub fn token_modules() -> Vec<PathBuf> {
    hoso_token::default_modules()
}

fn read(path: &Path) -> Result<Vec<u8>, OfficeError> {
    std::fs::read(path).map_err(|source| OfficeError::Read {
        path: path.to_path_buf(),
        source,
    })
}

impl Settings {
    /// Keeps `path` as the signature or seal image once it passes the Decree's image rules.
    pub fn set_stamp_image(
        &mut self,
        kind: StampImageKind,
        path: &Path,
    ) -> Result<(), OfficeError> {
        let image = StampImage::from_png(&read(path)?)?;
        match kind {
            StampImageKind::Seal => {
                image.check_seal(None).map_err(StampError::from)?;
                self.seal_image = Some(path.to_path_buf());
            }
            StampImageKind::Signature => {
                image.check_signature().map_err(StampError::from)?;
                self.signature_image = Some(path.to_path_buf());
            }
        }
        Ok(())
    }

    /// Adds `path` to the trusted roots once it reads as a certificate (once only).
    pub fn add_trust_root(&mut self, path: &Path) -> Result<(), OfficeError> {
        TrustStore::new().add_file(path)?;
        if !self.trust.iter().any(|t| t == path) {
            self.trust.push(path.to_path_buf());
        }
        Ok(())
    }

    /// Sets the token's PKCS#11 library to the registered one named `shown` (as
    /// [`token_modules`] displays it); `false`, and nothing changed, for any other name.
    pub fn set_registered_module(&mut self, shown: &str) -> bool {
        let found = token_modules()
            .into_iter()
            .find(|p| p.display().to_string() == shown);
        let set = found.is_some();
        if set {
            self.pkcs11 = found;
        }
        set
    }

    /// A certified copy of `kind` in the name of these settings' office, now.
    /// The copy request for these settings: `from_paper` is the clerk's declaration that the
    /// originals are scans of paper (Decree 30/2020 Art. 25.1), `pages` a trích sao's extract.
    pub fn copy_request(
        &self,
        kind: CopyKind,
        qr: bool,
        from_paper: bool,
        pages: Option<(u32, u32)>,
    ) -> Result<CopyRequest, OfficeError> {
        let org = self.office.trim();
        if org.is_empty() {
            return Err(OfficeError::MissingSetting(
                "tên cơ quan / the office's name",
            ));
        }
        Ok(CopyRequest {
            kind,
            org: org.to_owned(),
            org_code: self.copy_org_code(),
            qr,
            time: std::time::SystemTime::now(),
            from_paper,
            pages,
            public_url: self.public_url.clone(),
        })
    }

    /// What a visible signature draws, from the images these settings name.
    pub fn visible_kind(&self, visible: Visible) -> Result<Option<VisibleKind>, OfficeError> {
        let image = |p: Option<&Path>, what: &'static str| {
            read(p.ok_or(OfficeError::MissingSetting(what))?)
        };
        Ok(match visible {
            Visible::None => None,
            Visible::Signature => Some(VisibleKind::Signature {
                png: image(
                    self.signature_image.as_deref(),
                    "ảnh chữ ký / signature image",
                )?,
            }),
            Visible::Seal => Some(VisibleKind::Seal {
                png: image(self.seal_image.as_deref(), "ảnh con dấu / seal image")?,
                seal_mm: None,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures")
            .join(name)
    }

    fn demo(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../certs")
            .join(name)
    }

    #[test]
    fn the_demo_images_and_root_are_kept_once() {
        let mut s = Settings::default();
        s.set_stamp_image(StampImageKind::Seal, &demo("demo-seal.png"))
            .unwrap();
        s.set_stamp_image(StampImageKind::Signature, &demo("demo-signature.png"))
            .unwrap();
        s.add_trust_root(&demo("demo-root-ca.pem")).unwrap();
        s.add_trust_root(&demo("demo-root-ca.pem")).unwrap();
        assert_eq!(s.trust, [demo("demo-root-ca.pem")]);
        let Some(VisibleKind::Seal { png, .. }) = s.visible_kind(Visible::Seal).unwrap() else {
            panic!("a seal")
        };
        assert_eq!(png, std::fs::read(demo("demo-seal.png")).unwrap());
        // A signature image is not a seal: it is blue.
        let err = s
            .set_stamp_image(StampImageKind::Seal, &demo("demo-signature.png"))
            .unwrap_err();
        assert!(matches!(err, OfficeError::Stamp(_)), "{err}");
    }

    #[test]
    fn a_file_that_is_not_a_certificate_is_not_trusted() {
        let mut s = Settings::default();
        let err = s
            .add_trust_root(&fixture("to_khai_a4_200dpi.jpg"))
            .unwrap_err();
        assert!(matches!(err, OfficeError::Trust(_)), "{err}");
        assert!(s.trust.is_empty());
    }

    #[test]
    fn a_missing_image_is_named_and_no_image_is_none() {
        let s = Settings::default();
        assert!(s.visible_kind(Visible::None).unwrap().is_none());
        let err = s.visible_kind(Visible::Seal).unwrap_err();
        assert!(matches!(err, OfficeError::MissingSetting(m) if m.contains("con dấu")));
    }

    #[test]
    fn a_jpeg_is_refused_as_a_seal() {
        let mut s = Settings::default();
        let err = s
            .set_stamp_image(StampImageKind::Seal, &fixture("to_khai_a4_200dpi.jpg"))
            .unwrap_err();
        assert!(matches!(err, OfficeError::Stamp(_)), "{err}");
        assert!(s.seal_image.is_none());
        assert!(!s.set_registered_module("/nowhere/libnot-registered.so"));
        let no_office = s
            .copy_request(CopyKind::SaoY, true, false, None)
            .unwrap_err();
        assert!(matches!(no_office, OfficeError::MissingSetting(m) if m.contains("cơ quan")));
        s.office = " Ủy ban nhân dân phường Sông Cầu ".into();
        let req = s.copy_request(CopyKind::SaoY, true, false, None).unwrap();
        assert_eq!(
            (req.org.as_str(), req.org_code.as_str()),
            ("Ủy ban nhân dân phường Sông Cầu", "UBNDPSC")
        );
        assert!(s.pkcs11.is_none());
    }
}
