//! The algorithm rules of Circular 15/2025/TT-BKHCN (which replaced Circular 22/2020/TT-BTTTT):
//! RSA keys of at least 2048 bits signing with RSASSA-PSS, or ECDSA keys of at least 256 bits;
//! digests from the SHA-2 or SHA-3 families, never SHA-1.
//!
//! Signing refuses a key or certificate that breaks them ([`check_signing_certificate`], called
//! by [`crate::sign::Prepared::new`] for every signer); verification reports them as one check
//! line ([`crate::verify::CheckKind::Algorithms`]).

use der::asn1::ObjectIdentifier as Oid;
use der::Decode;
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::Certificate;

use crate::oids;

/// The rule's name as it is cited in messages.
pub const CIRCULAR: &str = "Thông tư 15/2025/TT-BKHCN";
/// Smallest RSA modulus the Circular allows, in bits.
pub const RSA_MIN_BITS: usize = 2048;
/// Smallest elliptic-curve key the Circular allows, in bits.
pub const EC_MIN_BITS: usize = 256;

/// id-sha1 (RFC 3279 §2.2.1).
pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
/// sha1WithRSAEncryption (RFC 3279 §2.2.1).
pub const SHA1_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.5");
/// ecdsa-with-SHA1 (RFC 3279 §2.2.3).
pub const ECDSA_WITH_SHA1: Oid = Oid::new_unwrap("1.2.840.10045.4.1");
/// id-dsa-with-sha1 (RFC 3279 §2.2.2).
pub const DSA_WITH_SHA1: Oid = Oid::new_unwrap("1.2.840.10040.4.3");

/// A public key's family and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum KeySize {
    /// RSA with a modulus of this many bits.
    Rsa(usize),
    /// An elliptic curve (ECDSA) of this many bits.
    Ec(usize),
    /// Ed25519 (about 128-bit security, 255-bit curve; RFC 8032).
    Ed25519,
    /// Ed448 (RFC 8032).
    Ed448,
}

impl std::fmt::Display for KeySize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySize::Rsa(bits) => write!(f, "RSA {bits} bit"),
            KeySize::Ec(bits) => write!(f, "ECDSA {bits} bit"),
            KeySize::Ed25519 => f.write_str("Ed25519"),
            KeySize::Ed448 => f.write_str("Ed448"),
        }
    }
}

/// What breaks the Circular's algorithm rules. The messages are Vietnamese first, then English,
/// and name the key size and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[non_exhaustive]
pub enum AlgorithmViolation {
    /// An RSA key under 2048 bits.
    #[error(
        "khóa RSA {bits} bit quá ngắn: {CIRCULAR} yêu cầu khóa RSA từ {RSA_MIN_BITS} bit (hoặc \
         ECDSA từ {EC_MIN_BITS} bit) / the RSA key has {bits} bits; Circular 15/2025/TT-BKHCN \
         requires RSA keys of at least {RSA_MIN_BITS} bits (or ECDSA of at least {EC_MIN_BITS})"
    )]
    WeakRsaKey {
        /// The modulus length.
        bits: usize,
    },
    /// An elliptic-curve key under 256 bits.
    #[error(
        "khóa ECDSA {bits} bit quá ngắn: {CIRCULAR} yêu cầu khóa ECDSA từ {EC_MIN_BITS} bit (hoặc \
         RSA từ {RSA_MIN_BITS} bit) / the ECDSA key has {bits} bits; Circular 15/2025/TT-BKHCN \
         requires ECDSA keys of at least {EC_MIN_BITS} bits (or RSA of at least {RSA_MIN_BITS})"
    )]
    WeakEcKey {
        /// The curve size.
        bits: usize,
    },
    /// SHA-1 in a signature, a digest or a certificate's own signature.
    #[error(
        "{what} dùng SHA-1: {CIRCULAR} chỉ cho phép SHA-256/384/512 hoặc SHA-3 (SHA-1 đã bị phá \
         bằng va chạm) / {what_en} uses SHA-1; Circular 15/2025/TT-BKHCN allows only \
         SHA-256/384/512 or SHA-3 (SHA-1 collisions are practical)"
    )]
    Sha1 {
        /// Where, in Vietnamese.
        what: &'static str,
        /// Where, in English.
        what_en: &'static str,
    },
    /// A key type the Circular does not name and hoso cannot size.
    #[error(
        "không xác định được loại hoặc độ dài khóa ({oid}) / unknown key type or size ({oid})"
    )]
    UnknownKey {
        /// The SubjectPublicKeyInfo algorithm.
        oid: String,
    },
}

impl AlgorithmViolation {
    /// The Vietnamese half of the message (the text before the ` / ` that separates the
    /// languages; the Vietnamese half itself never contains one).
    pub fn vietnamese(&self) -> String {
        let all = self.to_string();
        all.split(" / ").next().unwrap_or_default().to_owned()
    }

    /// The English half of the message.
    pub fn english(&self) -> String {
        let all = self.to_string();
        all.split_once(" / ")
            .map(|(_, en)| en.to_owned())
            .unwrap_or(all)
    }
}

/// The bit length of a big-endian unsigned integer without its leading zeros.
fn bit_len(be: &[u8]) -> usize {
    let be = match be.iter().position(|b| *b != 0) {
        Some(i) => &be[i..],
        None => return 0,
    };
    (be.len() - 1) * 8 + (8 - be[0].leading_zeros() as usize)
}

/// The size of a curve named by OID, when hoso knows it (RFC 5480 §2.1.1.1, RFC 5639).
fn named_curve_bits(curve: &Oid) -> Option<usize> {
    Some(match curve.to_string().as_str() {
        "1.2.840.10045.3.1.1" => 192,   // secp192r1
        "1.3.132.0.33" => 224,          // secp224r1
        "1.3.132.0.10" => 256,          // secp256k1
        "1.2.840.10045.3.1.7" => 256,   // secp256r1
        "1.3.132.0.34" => 384,          // secp384r1
        "1.3.132.0.35" => 521,          // secp521r1
        "1.3.36.3.3.2.8.1.1.7" => 256,  // brainpoolP256r1
        "1.3.36.3.3.2.8.1.1.11" => 384, // brainpoolP384r1
        "1.3.36.3.3.2.8.1.1.13" => 512, // brainpoolP512r1
        _ => return None,
    })
}

/// The family and size of `spki`'s key.
pub fn key_size(spki: &SubjectPublicKeyInfoOwned) -> Result<KeySize, AlgorithmViolation> {
    let unknown = || AlgorithmViolation::UnknownKey {
        oid: spki.algorithm.oid.to_string(),
    };
    let raw = spki.subject_public_key.raw_bytes();
    match spki.algorithm.oid {
        oids::RSA_ENCRYPTION | oids::RSASSA_PSS => {
            let key = rsa::pkcs1::RsaPublicKey::from_der(raw).map_err(|_| unknown())?;
            Ok(KeySize::Rsa(bit_len(key.modulus.as_bytes())))
        }
        oids::EC_PUBLIC_KEY => {
            let curve: Option<Oid> = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as().ok());
            if let Some(bits) = curve.as_ref().and_then(named_curve_bits) {
                return Ok(KeySize::Ec(bits));
            }
            // An unnamed curve: the field size from the point (SEC 1 §2.3.3).
            match raw.first() {
                Some(4) if raw.len() > 1 => Ok(KeySize::Ec((raw.len() - 1) / 2 * 8)),
                Some(2 | 3) if raw.len() > 1 => Ok(KeySize::Ec((raw.len() - 1) * 8)),
                _ => Err(unknown()),
            }
        }
        oids::ED25519 => Ok(KeySize::Ed25519),
        oids::ED448 => Ok(KeySize::Ed448),
        _ => Err(unknown()),
    }
}

/// The key's size if the Circular allows it.
pub fn check_key(spki: &SubjectPublicKeyInfoOwned) -> Result<KeySize, AlgorithmViolation> {
    match key_size(spki)? {
        KeySize::Rsa(bits) if bits < RSA_MIN_BITS => Err(AlgorithmViolation::WeakRsaKey { bits }),
        KeySize::Ec(bits) if bits < EC_MIN_BITS => Err(AlgorithmViolation::WeakEcKey { bits }),
        ok => Ok(ok),
    }
}

/// Whether `oid` is SHA-1 or a signature algorithm built on it.
pub fn is_sha1(oid: &Oid) -> bool {
    [SHA1, SHA1_WITH_RSA, ECDSA_WITH_SHA1, DSA_WITH_SHA1].contains(oid)
}

/// What signing checks of the signer's certificate: its key size and that its issuer did not sign
/// it with SHA-1.
pub fn check_signing_certificate(cert: &Certificate) -> Result<KeySize, AlgorithmViolation> {
    let size = check_key(&cert.tbs_certificate.subject_public_key_info)?;
    if is_sha1(&cert.signature_algorithm.oid) {
        return Err(AlgorithmViolation::Sha1 {
            what: "chứng thư ký",
            what_en: "the signing certificate's own signature",
        });
    }
    Ok(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(p12: &str) -> Certificate {
        let path = format!("{}/../../certs/{p12}", env!("CARGO_MANIFEST_DIR"));
        let data = std::fs::read(path).expect("demo p12");
        let s =
            crate::signer::Pkcs12Signer::from_der(&data, "1234", Default::default()).expect("open");
        crate::signer::Signer::certificate_chain(&s)[0].clone()
    }

    #[test]
    fn bit_length_ignores_leading_zeros_and_counts_the_top_byte() {
        assert_eq!(bit_len(&[0, 0x80, 0]), 16);
        assert_eq!(bit_len(&[0x01, 0xff]), 9);
        assert_eq!(bit_len(&[0, 0]), 0);
    }

    #[test]
    fn the_demo_keys_meet_the_circular() {
        assert_eq!(
            check_signing_certificate(&leaf("demo-staff-rsa.p12")),
            Ok(KeySize::Rsa(2048))
        );
        assert_eq!(
            check_signing_certificate(&leaf("demo-staff-p256.p12")),
            Ok(KeySize::Ec(256))
        );
        assert_eq!(
            check_signing_certificate(&leaf("demo-staff-p384.p12")),
            Ok(KeySize::Ec(384))
        );
    }

    #[test]
    fn a_short_rsa_modulus_and_a_small_curve_are_refused_naming_size_and_rule() {
        let mut spki = leaf("demo-staff-rsa.p12")
            .tbs_certificate
            .subject_public_key_info;
        // A 1024-bit modulus: n = 2^1023 + 1, e = 65537, as PKCS#1 RSAPublicKey DER.
        let mut n = vec![0u8; 129];
        n[1] = 0x80;
        n[128] = 1;
        let key = rsa::pkcs1::RsaPublicKey {
            modulus: rsa::pkcs1::UintRef::new(&n).expect("uint"),
            public_exponent: rsa::pkcs1::UintRef::new(&[1, 0, 1]).expect("uint"),
        };
        let der = der::Encode::to_der(&key).expect("der");
        spki.subject_public_key = der::asn1::BitString::from_bytes(&der).expect("bits");
        let e = check_key(&spki).expect_err("1024 bits refused");
        assert_eq!(e, AlgorithmViolation::WeakRsaKey { bits: 1024 });
        let m = e.to_string();
        assert!(m.starts_with("khóa RSA 1024 bit quá ngắn"), "{m}");
        assert!(
            m.contains("Thông tư 15/2025/TT-BKHCN") && m.contains("2048"),
            "{m}"
        );
        assert!(
            e.vietnamese().ends_with("ECDSA từ 256 bit)"),
            "{}",
            e.vietnamese()
        );
        assert!(
            e.english().starts_with("the RSA key has 1024 bits"),
            "{}",
            e.english()
        );

        let mut ec = leaf("demo-staff-p256.p12")
            .tbs_certificate
            .subject_public_key_info;
        ec.algorithm.parameters =
            Some(der::Any::encode_from(&Oid::new_unwrap("1.3.132.0.33")).expect("oid"));
        assert_eq!(
            check_key(&ec),
            Err(AlgorithmViolation::WeakEcKey { bits: 224 })
        );
    }

    #[test]
    fn sha1_is_recognised_in_every_form() {
        for oid in [SHA1, SHA1_WITH_RSA, ECDSA_WITH_SHA1, DSA_WITH_SHA1] {
            assert!(is_sha1(&oid));
        }
        assert!(!is_sha1(&oids::SHA256) && !is_sha1(&oids::RSASSA_PSS));
        let m = AlgorithmViolation::Sha1 {
            what: "chữ ký",
            what_en: "the signature",
        }
        .to_string();
        assert!(m.starts_with("chữ ký dùng SHA-1"), "{m}");
    }
}
