//! `cargo xtask certs`: writes the DEMO PKI into `certs/` with rcgen.
//!
//! Every name says DEMO; hoso trusts none of it unless `--demo` is given. The generated files are
//! checked in so a fresh clone works without running this; run it again only to renew them.
//! All PKCS#12 files use the documented demo PIN [`DEMO_PIN`].

use std::path::Path;

use anyhow::{Context, Result};
use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType, IsCa, Issuer,
    KeyPair, KeyUsagePurpose,
};

/// The PIN of every demo PKCS#12 file.
pub const DEMO_PIN: &str = "1234";

struct Made {
    params: CertificateParams,
    key: KeyPair,
    pem: String,
    der: Vec<u8>,
}

fn name(cn: &str, org: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "VN");
    dn.push(DnType::OrganizationName, org);
    dn.push(DnType::CommonName, cn);
    dn
}

fn rsa_key(bits: usize) -> Result<KeyPair> {
    use rsa::pkcs8::EncodePrivateKey;
    let k = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, bits)?;
    let der = k.to_pkcs8_der()?;
    Ok(KeyPair::try_from(der.as_bytes())?)
}

fn ec_key(alg: &'static rcgen::SignatureAlgorithm) -> Result<KeyPair> {
    Ok(KeyPair::generate_for(alg)?)
}

fn ca_params(cn: &str, years: (i32, i32)) -> Result<CertificateParams> {
    let mut p = CertificateParams::new(Vec::<String>::new())?;
    p.distinguished_name = name(cn, "HOSO DEMO PKI");
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.not_before = rcgen::date_time_ymd(years.0, 1, 1);
    p.not_after = rcgen::date_time_ymd(years.1, 1, 1);
    Ok(p)
}

fn leaf_params(
    cn: &str,
    org: &str,
    years: (i32, i32),
    usages: Vec<KeyUsagePurpose>,
) -> Result<CertificateParams> {
    let mut p = CertificateParams::new(Vec::<String>::new())?;
    p.distinguished_name = name(cn, org);
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = usages;
    p.not_before = rcgen::date_time_ymd(years.0, 1, 1);
    p.not_after = rcgen::date_time_ymd(years.1, 1, 1);
    Ok(p)
}

fn self_signed(params: CertificateParams, key: KeyPair) -> Result<Made> {
    let c = params.self_signed(&key)?;
    Ok(Made {
        pem: c.pem(),
        der: c.der().to_vec(),
        params,
        key,
    })
}

fn issue(params: CertificateParams, key: KeyPair, by: &Made) -> Result<Made> {
    let issuer = Issuer::from_params(&by.params, &by.key);
    let c = params.signed_by(&key, &issuer)?;
    Ok(Made {
        pem: c.pem(),
        der: c.der().to_vec(),
        params,
        key,
    })
}

fn p12(leaf: &Made, chain: &[&Made], alias: &str) -> Result<Vec<u8>> {
    use p12_keystore::{Certificate, KeyStore, KeyStoreEntry, PrivateKeyChain};
    let mut certs = vec![Certificate::from_der(&leaf.der)?];
    for c in chain {
        certs.push(Certificate::from_der(&c.der)?);
    }
    let entry = PrivateKeyChain::new(leaf.key.serialize_der(), [1u8, 2, 3, 4], certs);
    let mut ks = KeyStore::new();
    ks.add_entry(alias, KeyStoreEntry::PrivateKeyChain(entry));
    Ok(ks.writer(DEMO_PIN).write()?)
}

fn cert_only_p12(cert: &Made) -> Result<Vec<u8>> {
    use p12_keystore::{Certificate, KeyStore, KeyStoreEntry};
    let mut ks = KeyStore::new();
    ks.add_entry(
        "cert",
        KeyStoreEntry::Certificate(Certificate::from_der(&cert.der)?),
    );
    Ok(ks.writer(DEMO_PIN).write()?)
}

fn write(dir: &Path, name: &str, data: impl AsRef<[u8]>) -> Result<()> {
    let p = dir.join(name);
    std::fs::write(&p, data).with_context(|| format!("writing {}", p.display()))
}

const SIGN: [KeyUsagePurpose; 2] = [
    KeyUsagePurpose::DigitalSignature,
    KeyUsagePurpose::ContentCommitment,
];

/// Generates the demo PKI into `dir` (normally `certs/`).
pub fn generate(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir.join("test"))?;
    let live = (2025, 2045);
    let root = self_signed(
        ca_params("HOSO DEMO Root CA", (2025, 2050))?,
        ec_key(&rcgen::PKCS_ECDSA_P384_SHA384)?,
    )?;
    let ica = issue(
        ca_params("HOSO DEMO Issuing CA", live)?,
        rsa_key(3072)?,
        &root,
    )?;
    let staff_rsa = issue(
        leaf_params(
            "Nguyễn Văn An (DEMO staff RSA)",
            "UBND DEMO xã Hòa Bình",
            live,
            SIGN.to_vec(),
        )?,
        rsa_key(2048)?,
        &ica,
    )?;
    let staff_p256 = issue(
        leaf_params(
            "Trần Thị Bình (DEMO staff P-256)",
            "UBND DEMO xã Hòa Bình",
            live,
            SIGN.to_vec(),
        )?,
        ec_key(&rcgen::PKCS_ECDSA_P256_SHA256)?,
        &ica,
    )?;
    let staff_p384 = issue(
        leaf_params(
            "Lê Văn Cường (DEMO staff P-384)",
            "UBND DEMO xã Hòa Bình",
            live,
            SIGN.to_vec(),
        )?,
        ec_key(&rcgen::PKCS_ECDSA_P384_SHA384)?,
        &ica,
    )?;
    let org = issue(
        leaf_params(
            "UBND DEMO xã Hòa Bình (organisation)",
            "UBND DEMO xã Hòa Bình",
            live,
            SIGN.to_vec(),
        )?,
        rsa_key(2048)?,
        &ica,
    )?;
    // RFC 3161 §2.3: the TSA certificate has exactly one, critical, extendedKeyUsage:
    // id-kp-timeStamping. DER: SEQUENCE { OID 1.3.6.1.5.5.7.3.8 }.
    let mut tsa_params = leaf_params(
        "HOSO DEMO Time-Stamping Authority",
        "HOSO DEMO PKI",
        live,
        vec![KeyUsagePurpose::DigitalSignature],
    )?;
    let mut eku = CustomExtension::from_oid_content(
        &[2, 5, 29, 37],
        vec![
            0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x08,
        ],
    );
    eku.set_criticality(true);
    tsa_params.custom_extensions.push(eku);
    let tsa = issue(tsa_params, ec_key(&rcgen::PKCS_ECDSA_P256_SHA256)?, &ica)?;

    write(dir, "demo-root-ca.pem", &root.pem)?;
    write(dir, "demo-issuing-ca.pem", &ica.pem)?;
    write(dir, "demo-chain.pem", format!("{}{}", ica.pem, root.pem))?;
    write(dir, "demo-staff-rsa.pem", &staff_rsa.pem)?;
    write(
        dir,
        "demo-staff-rsa.p12",
        p12(&staff_rsa, &[&ica, &root], "staff-rsa")?,
    )?;
    write(
        dir,
        "demo-staff-p256.p12",
        p12(&staff_p256, &[&ica, &root], "staff-p256")?,
    )?;
    write(
        dir,
        "demo-staff-p384.p12",
        p12(&staff_p384, &[&ica, &root], "staff-p384")?,
    )?;
    write(
        dir,
        "demo-org.p12",
        p12(&org, &[&ica, &root], "organisation")?,
    )?;
    write(dir, "demo-tsa.pem", &tsa.pem)?;
    write(dir, "demo-tsa-key.pem", tsa.key.serialize_pem())?;

    // Certificates that must be refused, for the tests.
    let t = dir.join("test");
    let expired = issue(
        leaf_params(
            "DEMO expired signer",
            "HOSO DEMO PKI",
            (2020, 2021),
            SIGN.to_vec(),
        )?,
        ec_key(&rcgen::PKCS_ECDSA_P256_SHA256)?,
        &ica,
    )?;
    write(&t, "expired.p12", p12(&expired, &[&ica, &root], "expired")?)?;
    let future = issue(
        leaf_params(
            "DEMO not yet valid signer",
            "HOSO DEMO PKI",
            (2040, 2041),
            SIGN.to_vec(),
        )?,
        ec_key(&rcgen::PKCS_ECDSA_P256_SHA256)?,
        &ica,
    )?;
    write(
        &t,
        "not-yet-valid.p12",
        p12(&future, &[&ica, &root], "future")?,
    )?;
    let encipher = issue(
        leaf_params(
            "DEMO encipherment-only key",
            "HOSO DEMO PKI",
            live,
            vec![KeyUsagePurpose::KeyEncipherment],
        )?,
        rsa_key(2048)?,
        &ica,
    )?;
    write(
        &t,
        "encipher-only.p12",
        p12(&encipher, &[&ica, &root], "encipher")?,
    )?;
    write(&t, "cert-only.p12", cert_only_p12(&staff_p256)?)?;
    let other_root = self_signed(
        ca_params("HOSO DEMO Other Root CA (unrelated)", (2025, 2050))?,
        ec_key(&rcgen::PKCS_ECDSA_P256_SHA256)?,
    )?;
    let other = issue(
        leaf_params(
            "DEMO signer under another root",
            "HOSO DEMO PKI",
            live,
            SIGN.to_vec(),
        )?,
        ec_key(&rcgen::PKCS_ECDSA_P256_SHA256)?,
        &other_root,
    )?;
    write(&t, "other-root-ca.pem", &other_root.pem)?;
    write(
        &t,
        "other-signer.p12",
        p12(&other, &[&other_root], "other")?,
    )?;
    println!("Đã tạo PKI DEMO / demo PKI written to {}", dir.display());
    crate::demo_images::generate(dir)?;
    Ok(())
}
