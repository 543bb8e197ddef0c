//! The hoso-token library on a real SoftHSM2 store (issue 8), below the CLI: slots and
//! certificates are listed, each of three tokens is chosen by label, and the `Signer` contract
//! holds — `sign_digest` returns a signature over the given SHA-256 digest that hoso-sign's
//! independent verifier accepts with the certificate's key, no longer than `max_signature_len`.

use hoso_e2e::token_support::{softhsm_module, SoftHsm};
use hoso_sign::signer::{RsaPadding, SignatureAlgorithm, Signer};
use hoso_token::{Login, Module, SlotSelector, TokenError};
use sha2::{Digest, Sha256};

fn check(module: &Module, token: &str, rsa: RsaPadding, expect: SignatureAlgorithm) {
    let t = module
        .token(&SlotSelector::TokenLabel(token.into()))
        .unwrap_or_else(|e| panic!("token {token}: {e}"));
    assert!(!t.protected_authentication_path());
    let signer = t
        .login(Login::Pin(String::from("1234").into()), None, rsa)
        .unwrap_or_else(|e| panic!("login {token}: {e}"));
    assert_eq!(signer.algorithm(), expect);
    let chain = signer.certificate_chain();
    assert_eq!(chain.len(), 2, "leaf and issuing CA from the token");
    assert_eq!(
        chain[0].tbs_certificate.issuer,
        chain[1].tbs_certificate.subject
    );
    for message in [
        &b"hoso"[..],
        &b"m\xe1\xbb\x99t ch\xe1\xbb\xaf k\xc3\xbd"[..],
    ] {
        let digest: [u8; 32] = Sha256::digest(message).into();
        let sig = signer.sign_digest(&digest).expect("sign on the token");
        assert!(sig.len() <= signer.max_signature_len(), "{token}");
        hoso_sign::crypto::verify(
            &chain[0].tbs_certificate.subject_public_key_info,
            &expect.algorithm_identifier(),
            Some(&hoso_sign::oids::SHA256),
            message,
            &sig,
        )
        .unwrap_or_else(|e| panic!("{token}: the token's signature does not verify: {e}"));
        // A different message must not verify with that signature.
        assert!(hoso_sign::crypto::verify(
            &chain[0].tbs_certificate.subject_public_key_info,
            &expect.algorithm_identifier(),
            Some(&hoso_sign::oids::SHA256),
            b"other",
            &sig,
        )
        .is_err());
    }
}

#[test]
fn tokens_sign_digests_that_verify_with_their_certificates() {
    let hsm = SoftHsm::new();
    hsm.init_token("t-rsa");
    hsm.import_p12("t-rsa", "demo-staff-rsa.p12", "01", "rsa", true);
    hsm.init_token("t-p256");
    hsm.import_p12("t-p256", "demo-staff-p256.p12", "02", "p256", true);
    hsm.init_token("t-p384");
    hsm.import_p12("t-p384", "demo-staff-p384.p12", "03", "p384", true);
    // SOFTHSM2_CONF is read by C_Initialize; this is the only test in this binary.
    std::env::set_var("SOFTHSM2_CONF", hsm.conf());
    let module = Module::load(&softhsm_module()).expect("load SoftHSM2");
    assert!(module.description().expect("C_GetInfo").contains("SoftHSM"));

    let slots = module.slots().expect("slots");
    let labels: Vec<&str> = slots
        .iter()
        .filter_map(|s| s.token.as_ref())
        .filter(|t| t.initialized)
        .map(|t| t.label.as_str())
        .collect();
    assert_eq!(labels.len(), 3, "{labels:?}");
    for l in ["t-rsa", "t-p256", "t-p384"] {
        assert!(labels.contains(&l), "{labels:?}");
    }
    // Three tokens: choosing none is ambiguous, a slot id selects one.
    assert!(matches!(
        module.token(&SlotSelector::Only),
        Err(TokenError::AmbiguousToken { .. })
    ));
    let first = slots
        .iter()
        .find(|s| s.token.as_ref().is_some_and(|t| t.initialized))
        .expect("a slot");
    let by_slot = module
        .token(&SlotSelector::Slot(first.id))
        .expect("token by slot id");
    assert_eq!(by_slot.slot_id(), first.id);

    check(
        &module,
        "t-rsa",
        RsaPadding::Pkcs1v15,
        SignatureAlgorithm::RsaPkcs1v15Sha256,
    );
    check(
        &module,
        "t-rsa",
        RsaPadding::default(),
        SignatureAlgorithm::RsaPssSha256,
    );
    check(
        &module,
        "t-p256",
        RsaPadding::Pkcs1v15,
        SignatureAlgorithm::EcdsaSha256,
    );
    check(
        &module,
        "t-p384",
        RsaPadding::Pss,
        SignatureAlgorithm::EcdsaSha256,
    );
}
